"""Tests of solidna.io_utils: output-directory safety and the JSON/CSV writers."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solidna import io_utils
from solidna.errors import InvalidOptionError, OutputExistsError, SolidnaError
from solidna.io_utils import (
    OutputNotWritableError,
    final_path,
    output_dir,
    prepare_output_dir,
    to_jsonable,
    write_csv,
    write_json,
)


def test_prepare_creates_nested_directory(tmp_path: Path) -> None:
    out = prepare_output_dir(tmp_path / "a" / "b", force=False)
    assert out.is_dir()


def test_prepare_accepts_existing_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert prepare_output_dir(tmp_path / "empty", force=False).is_dir()


def test_prepare_refuses_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("user data")
    with pytest.raises(OutputExistsError, match=r"is not empty.*--force.*force=True.*--out"):
        prepare_output_dir(tmp_path, force=False)
    # it is also the built-in FileExistsError, and names the path
    with pytest.raises(FileExistsError, match=str(tmp_path)):
        prepare_output_dir(tmp_path, force=False)
    assert issubclass(OutputExistsError, SolidnaError)


def test_prepare_force_keeps_user_files(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("user data")
    out = prepare_output_dir(tmp_path, force=True)
    assert out == tmp_path
    assert (tmp_path / "mine.txt").read_text() == "user data"


def test_prepare_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(OutputExistsError, match="is a file"):
        prepare_output_dir(target, force=True)


def test_to_jsonable_converts_numpy_pandas_and_nan() -> None:
    data = {
        "f": np.float64(1.5),
        "i": np.int64(3),
        "b": np.bool_(True),
        "nan": float("nan"),
        "inf": np.float32("inf"),
        "arr": np.array([1.0, np.nan]),
        "series": pd.Series([1, 2], index=["a", "b"]),
        "path": Path("x/y"),
        1: "int key",
    }
    out = to_jsonable(data)
    assert out == {
        "f": 1.5,
        "i": 3,
        "b": True,
        "nan": None,
        "inf": None,
        "arr": [1.0, None],
        "series": {"a": 1, "b": 2},
        "path": str(Path("x/y")),
        "1": "int key",
    }
    assert type(out["f"]) is float and type(out["b"]) is bool


def test_write_json_round_trip_indent_and_null(tmp_path: Path) -> None:
    path = write_json(tmp_path / "sub" / "x.json", {"a": np.float64(math.nan), "b": [np.int32(2)]})
    text = path.read_text()
    assert json.loads(text) == {"a": None, "b": [2]}
    assert '\n  "a": null' in text  # indent 2
    assert "NaN" not in text
    assert not list(path.parent.glob(".*.tmp"))  # no temporary file left behind


def test_write_csv_index_only_when_meaningful(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Time [h]": [0.0, 1.0], "Voltage [V]": [0.08, 0.09]})
    text = write_csv(tmp_path / "t.csv", frame).read_text()
    assert text.splitlines()[0] == "Time [h],Voltage [V]"
    named = frame.set_index("Time [h]")
    text = write_csv(tmp_path / "n.csv", named).read_text()
    assert text.splitlines()[0] == "Time [h],Voltage [V]"
    assert pd.read_csv(tmp_path / "n.csv").shape == (2, 2)


# --- staging: a failed run leaves nothing behind; files honour the umask ----------------------
def _leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".solidna-staging-" in p.name]


def test_output_dir_moves_everything_into_place_on_success(tmp_path: Path) -> None:
    out = tmp_path / "new" / "run"
    with output_dir(out) as stage:
        assert stage.parent == out.parent and not out.exists()
        write_json(stage / "summary.json", {"directory": str(stage / "figures")})
        (stage / "figures").mkdir()
        (stage / "figures" / "a.png").write_bytes(b"png")
    assert sorted(p.name for p in out.iterdir()) == ["figures", "summary.json"]
    # a path into the staging directory is recorded as the path it has after the move
    assert json.loads((out / "summary.json").read_text()) == {"directory": str(out / "figures")}
    assert _leftovers(out.parent) == []


def test_output_dir_failure_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "parent" / "run"
    with pytest.raises(RuntimeError, match="boom"), output_dir(out) as stage:
        write_json(stage / "summary.json", {})
        raise RuntimeError("boom")
    assert not out.exists() and not (tmp_path / "parent").exists()  # nor the parent it made
    assert list(tmp_path.iterdir()) == []
    with output_dir(out) as stage:  # the corrected rerun needs no force
        write_json(stage / "summary.json", {})
    assert (out / "summary.json").is_file()


def test_output_dir_interrupt_leaves_existing_directory_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("old")
    with pytest.raises(KeyboardInterrupt), output_dir(tmp_path / ".", force=True) as stage:
        write_json(stage / "summary.json", {"new": 1})
        raise KeyboardInterrupt
    assert (tmp_path / "summary.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_output_dir_force_replaces_only_solidnas_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "mine.txt").write_text("keep")
    (out / "figures" / "my_plot.png").write_text("keep too")
    (out / "summary.json").write_text("old")
    with pytest.raises(OutputExistsError, match="not empty"), output_dir(out):
        pass
    with output_dir(out, force=True) as stage:
        write_json(stage / "summary.json", {"new": 1})
        (stage / "figures").mkdir()
        (stage / "figures" / "fig.png").write_text("new")
    assert json.loads((out / "summary.json").read_text()) == {"new": 1}
    assert (out / "mine.txt").read_text() == "keep"
    assert (out / "figures" / "my_plot.png").read_text() == "keep too"
    assert (out / "figures" / "fig.png").read_text() == "new"
    assert _leftovers(tmp_path) == []


def test_prepare_output_dir_inside_output_dir_returns_the_staging_directory(tmp_path) -> None:
    out = tmp_path / "out"
    with output_dir(out) as stage:
        assert prepare_output_dir(out) == stage
        assert prepare_output_dir(stage) == stage
        assert final_path(stage / "x.csv") == out / "x.csv"
        with output_dir(out) as inner:  # nested: shares the outer staging directory
            assert inner == stage
        assert not out.exists()
    assert out.is_dir()


def test_output_dir_never_replaces_a_protected_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    data = out / "data.csv"
    data.write_text("measured")
    with pytest.raises(InvalidOptionError, match="refusing to overwrite the input file"):
        with output_dir(out, force=True, protect=[data]) as stage:
            (stage / "data.csv").write_text("derived")
    assert data.read_text() == "measured" and _leftovers(tmp_path) == []


def test_output_dir_unwritable_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputNotWritableError, match="Cannot create the output directory"):
        with output_dir(blocker / "run"):
            pass

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(io_utils.tempfile, "mkdtemp", denied)
    with pytest.raises(OutputNotWritableError, match="permission denied"):
        with output_dir(tmp_path / "run"):
            pass
    assert issubclass(OutputNotWritableError, SolidnaError)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_output_dir_read_only_parent(tmp_path: Path) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        with pytest.raises(OutputNotWritableError), output_dir(parent / "run"):
            pass
    finally:
        parent.chmod(0o755)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_files_and_directories_honour_the_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        out = tmp_path / "run"
        with output_dir(out) as stage:
            write_json(stage / "summary.json", {"a": 1})
            write_csv(stage / "timeseries.csv", pd.DataFrame({"Time [h]": [0.0]}))
        file_mode = 0o666 & ~mask
        assert stat.S_IMODE((out / "summary.json").stat().st_mode) == file_mode
        assert stat.S_IMODE((out / "timeseries.csv").stat().st_mode) == file_mode
        assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask
    finally:
        os.umask(old)
