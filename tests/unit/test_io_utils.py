"""Tests of solidna.io_utils: output-directory safety and the JSON/CSV writers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solidna.errors import OutputExistsError, SolidnaError
from solidna.io_utils import prepare_output_dir, to_jsonable, write_csv, write_json


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
