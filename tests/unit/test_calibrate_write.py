"""The fitted-parameter files are written atomically and with the umask's permissions.

A half-written ``fitted_<name>.toml`` in the Lu 2019 set would break every later load of the set,
so a failure while writing must leave the previous file as it was and no temporary file behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from solidna.calibrate import calibrate_electrolyte
from solidna.calibrate import nvp as nvp_cal
from solidna.calibrate._common import Calibration
from solidna.parameters.parameter_set import _read_toml
from solidna.targets import calibrate_targets

OLD_TEXT = "# the previous fit\n[parameters]\n"


def _write_calibration() -> Callable[[Path], object]:
    """Calibration.write of a fit with a stand-in model (each target a power law of one
    parameter, fast enough to write many times)."""
    targets = calibrate_targets()
    names = list(nvp_cal.FREE_PARAMETERS)

    def model(ps, progress):
        return {
            tid: float(targets[tid].value) * (ps[n] / (2 * nvp_cal.FREE_PARAMETERS[n][1])) ** 0.5
            for tid, n in zip(nvp_cal.TARGET_IDS, names, strict=True)
        }

    problem = Calibration(
        "stand_in", "test.routine", nvp_cal.FREE_PARAMETERS, nvp_cal.TARGET_IDS, model, "test"
    )
    result = problem.run()
    return lambda path: problem.write(result, path)


def _write_electrolyte() -> Callable[[Path], object]:
    return lambda path: calibrate_electrolyte(write=True, path=path)


WRITERS = {"Calibration.write": _write_calibration, "calibrate_electrolyte": _write_electrolyte}


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for the test and restore it afterwards."""
    before = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(before)


class _HalfWriter:
    """A file that writes the first half of what it is given, then fails (a full disk)."""

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()
        return False

    def write(self, text: str) -> int:
        self.fh.write(text[: len(text) // 2])
        self.fh.flush()
        raise OSError(28, "No space left on device")


def _fail_midway(monkeypatch) -> None:
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _HalfWriter(real(*a, **k)))


def _fail_at_rename(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", refuse)


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("failure", [_fail_midway, _fail_at_rename], ids=["midway", "rename"])
def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, writer, failure):
    write = WRITERS[writer]()
    path = tmp_path / "fitted_x.toml"
    path.write_text(OLD_TEXT)
    with monkeypatch.context() as patch:
        failure(patch)
        with pytest.raises(OSError):
            write(path)
    assert path.read_text() == OLD_TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fitted_x.toml"]


@pytest.mark.parametrize("writer", list(WRITERS))
def test_written_file_replaces_the_old_one_and_loads(tmp_path, writer):
    path = tmp_path / "fitted_x.toml"
    path.write_text(OLD_TEXT)
    WRITERS[writer]()(path)
    entries, meta = _read_toml(path)  # the parameter-set loader accepts it
    assert entries and all(e.method == "fitted" for e in entries.values())
    assert meta["routine"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fitted_x.toml"]


@pytest.mark.parametrize("writer", list(WRITERS))
def test_new_file_honours_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path, umask, writer):
    write = WRITERS[writer]()
    umask(0o027)
    new = tmp_path / "new.toml"
    write(new)
    assert new.stat().st_mode & 0o777 == 0o640
    old = tmp_path / "old.toml"
    old.write_text(OLD_TEXT)
    old.chmod(0o664)
    write(old)
    assert old.stat().st_mode & 0o777 == 0o664
