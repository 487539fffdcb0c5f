"""Bitrode cycler CSV exports (synthetic twins of the layout public readers describe).

The layout (a Python reader of Bitrode ``.csv`` files and DATTES' ``import_bitrode``, both
public): a few tab-separated header lines (``TestName``, ``Test Date``), a blank line, then
``Total Time,Cycle,Loop Counter #1,Loop Counter #2,Loop Counter #3,Step,Step time,Current,
Voltage,Power,Amp-Hours,Watt-Hours,Mode,Data Acquisition Flag``; the newer export quotes the
names and puts the unit after a comma (``"Total Time, S"``). ``Mode`` is ``CHRG``, ``DCHG``,
``REST`` (also ``LCHR``/``LDCH``, ``LRCHR``/``LRDCH``).

Before: ``CHRG`` was not read as a charge, so an unsigned current beside the modes had its
discharges taken as the only labelled rows and every current turned round (the charge at -2 A,
the capacity -0.67 Ah at the end of a full cycle); the quoted names with a comma inside were
split at the comma and no column was recognised.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from solidna.analysis.io import CAPACITY, CURRENT, TIME, read
from solidna.analysis.io._table import split_header

_OLD_NAMES = (
    "Total Time,Cycle,Loop Counter #1,Loop Counter #2,Loop Counter #3,Step,Step time,Current,"
    "Voltage,Power,Amp-Hours,Watt-Hours,Mode,Data Acquisition Flag"
)
_NEW_NAMES = (
    '"Total Time, S","Cycle","Loop Counter #1","Loop Counter #2","Loop Counter #3","Step",'
    '"Step Time, S","Current, A","Voltage, V","Power, W","Amp-Hours, AH","Watt-Hours, WH",'
    '"Mode","Data Acquisition Flag"'
)
# step, mode, current [A], voltage change per row [V], rows (10 s each)
_PLAN = [
    (1, "REST", 0.0, 0.0, 10),
    (2, "CHRG", 2.0, 0.004, 60),
    (3, "REST", 0.0, -0.001, 10),
    (4, "DCHG", -2.0, -0.004, 60),
    (5, "REST", 0.0, 0.001, 10),
]


def _bitrode(path: Path, signed: bool, names: str = _OLD_NAMES) -> Path:
    lines = ["TestName\tLCV-demo-B01-Stage1", "Test Date\t03/14/2023 09:15:00", "", names]
    t, ah, wh, v = 0.0, 0.0, 0.0, 3.6
    for step, mode, amps, slope, n in _PLAN:
        for k in range(n):
            t, v = t + 10.0, v + slope
            ah, wh = ah + amps * 10 / 3600, wh + amps * v * 10 / 3600
            i = amps if signed else abs(amps)
            lines.append(
                f"{t:.1f},1,1,0,0,{step},{10.0 * (k + 1):.1f},{i:.3f},{v:.4f},{i * v:.4f},"
                f"{ah:.6f},{wh:.6f},{mode},S"
            )
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


_NO_UNITS = pytest.mark.filterwarnings(
    "ignore:.*no unit in the header:solidna.errors.SolidnaWarning"
)


@_NO_UNITS
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_bitrode_modes_sign_the_current(tmp_path, signed):
    m = read(_bitrode(tmp_path / "bitrode.csv", signed))
    step = m.data["Step"]
    assert m.data[CURRENT][step == 2].to_numpy() == pytest.approx(2.0)  # CHRG
    assert m.data[CURRENT][step == 4].to_numpy() == pytest.approx(-2.0)  # DCHG
    assert m.data[CAPACITY].max() == pytest.approx(1 / 3, rel=1e-3)
    assert m.data[CAPACITY].iloc[-1] == pytest.approx(0.0, abs=1e-6)  # was -0.667 (unsigned)


def test_bitrode_quoted_names_with_units_after_a_comma(tmp_path):
    m = read(_bitrode(tmp_path / "bitrode_new.csv", True, _NEW_NAMES))
    assert m.data[TIME].iloc[-1] == pytest.approx(1500.0)
    assert m.data[CURRENT].min() == pytest.approx(-2.0)
    assert not any("no unit" in n for n in m.notes)


def test_units_after_a_comma_only_from_the_known_list():
    assert split_header("Total Time, S") == ("Total Time", "s")
    assert split_header("Amp-Hours, AH") == ("Amp-Hours", "A*h")
    assert split_header("Voltage, cell") == ("Voltage, cell", None)
