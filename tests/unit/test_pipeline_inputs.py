""":func:`solidna.analysis.pipeline.analyze`: inputs refused with clear messages, and progress."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.pipeline import ANALYSE_SHARE, READ_SHARE, analyze
from solidna.errors import DataFormatError, InvalidOptionError, OutOfRangeError, OutOfRangeWarning

DATA = Path(__file__).resolve().parents[1] / "data"
EIS_MPT = DATA / "eis" / "exampleDataBioLogic.mpt"
EIS_CHI = DATA / "eis" / "exampleDataCHInstruments.txt"


def _symmetric_csv(path: Path, hours: int = 6) -> Path:
    """A square wave at 0.1 mA/cm2 (1 cm2) with 1-h half cycles."""
    t = np.arange(0.0, hours * 3600, 60.0) + 30.0
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    v = sign * (0.08 + 0.5e-3 * t / 3600)
    frame = pd.DataFrame({"Time [s]": t, "Voltage [V]": v, "Current [mA]": 0.1 * sign})
    frame.to_csv(path, index=False)
    return path


class Recorder:
    """A progress callback that keeps every call (two arguments, as solidna.progress says)."""

    def __init__(self):
        self.calls: list[tuple[str, float | None]] = []

    def __call__(self, message: str, fraction: float | None) -> None:
        assert isinstance(message, str)
        self.calls.append((message, fraction))

    @property
    def fractions(self) -> list[float]:
        return [f for _, f in self.calls if f is not None]


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_the_same_file_twice_is_refused_naming_it(tmp_path, spelling):
    path = _symmetric_csv(tmp_path / "sym.csv")
    if spelling == "same":
        other = path
    elif spelling == "dotted":
        (tmp_path / "sub").mkdir()
        other = tmp_path / "sub" / ".." / "sym.csv"
    else:
        other = tmp_path / "link.csv"
        os.symlink(path, other)
    out = tmp_path / "out"
    with pytest.raises(InvalidOptionError, match=r"sym\.csv is given twice.*Give every file once"):
        analyze([path, other], "symmetric", out, area="1 cm2")
    assert not out.exists()  # refused before anything is written


def test_a_directory_as_input_is_named(tmp_path):
    with pytest.raises(DataFormatError, match="is a directory, not a file"):
        analyze([tmp_path], "symmetric", tmp_path / "out")


@pytest.mark.parametrize("forecast", ["-100 h", "0 h", -5])
def test_negative_forecast_is_refused(tmp_path, forecast):
    path = _symmetric_csv(tmp_path / "sym.csv")
    with pytest.raises(OutOfRangeError, match=r"^Forecast horizon must be a positive.*4000 h"):
        analyze([path], "symmetric", tmp_path / "out", area="1 cm2", forecast=forecast)
    assert not (tmp_path / "out").exists()


def test_huge_forecast_is_refused_with_the_maximum(tmp_path):
    path = _symmetric_csv(tmp_path / "sym.csv")
    with pytest.raises(OutOfRangeError, match=r"'1e99 h' is above the largest value .* 1e\+05 h"):
        analyze([path], "symmetric", tmp_path / "out", area="1 cm2", forecast="1e99 h")


def test_bare_forecast_warns_that_it_is_seconds(tmp_path):
    path = _symmetric_csv(tmp_path / "sym.csv")
    with pytest.warns(OutOfRangeWarning, match=r"4000 s = 1.111 h .*'4000 h'"):
        with pytest.raises(InvalidOptionError, match="symmetric only"):  # stop before any fit
            analyze([path], "cv", tmp_path / "o", area="1 cm2", forecast=4000)


def test_option_values_are_parsed_with_plain_messages(tmp_path):
    path = _symmetric_csv(tmp_path / "sym.csv")
    with pytest.raises(OutOfRangeError, match=r"Electrode area must be a positive.*'-1 cm2'"):
        analyze([path], "symmetric", tmp_path / "o", area="-1 cm2")
    with pytest.raises(OutOfRangeError, match=r"'-300 degC' is at or below absolute zero"):
        analyze([path], "symmetric", tmp_path / "o", area="1 cm2", temperature="-300 degC")
    with pytest.raises(Exception, match=r"'0,5 cm2' has a decimal comma.*'0.5 cm2'"):
        analyze([path], "symmetric", tmp_path / "o", area="0,5 cm2")


def _check_progress(recorder: Recorder, n_files: int) -> None:
    fractions = recorder.fractions
    assert fractions == sorted(fractions), "progress went backwards"
    assert all(0.0 <= f <= 1.0 for f in fractions) and fractions[-1] == 1.0
    reading = {f for f in fractions if 0 < f <= READ_SHARE}
    analysing = {f for f in fractions if READ_SHARE < f <= READ_SHARE + ANALYSE_SHARE}
    assert len(reading) >= n_files, "reading is stuck"
    assert len(analysing) >= n_files, "analysing is stuck"
    messages = " | ".join(m for m, _ in recorder.calls)
    assert "reading" in messages and "analys" in messages


def test_progress_moves_per_file_and_stage_symmetric(tmp_path):
    files = [_symmetric_csv(tmp_path / f"sym{k}.csv") for k in range(3)]
    recorder = Recorder()
    analyze(files, "symmetric", tmp_path / "out", area="1 cm2", progress=recorder)
    _check_progress(recorder, 3)
    # each file reports its own reading and analysing
    for k in range(3):
        assert any(f"sym{k}.csv" in m and "analys" in m for m, _ in recorder.calls)


def test_progress_moves_for_eis(tmp_path):
    recorder = Recorder()
    analyze([EIS_MPT, EIS_CHI], "eis", tmp_path / "out", area="1 cm2", progress=recorder)
    _check_progress(recorder, 2)
