"""Readers: three items left in session 18, each on a synthetic twin written by the test.

No text of any source is copied; the layouts are those of these public files:

* cheminfo/biologic-converter (MIT), ``src/mpt/__tests__/data/ca.mpt``: EC-Lab
  chronoamperometry sampled every 60 s whose first sample (18.6 uA) is 600x the later ones.
  Cut to its first 3 to 10 rows, its '(Q-Qo)/C' was thrown away as "moving while no current
  flows" and the capacity integrated from the sparse samples (5.6e-4 C instead of the file's
  2.6e-5 to 3.1e-5 C).
* PalmSens PSTrace session files (``.pssession``): UTF-16 JSON with a byte-order mark at both
  ends, as the real session autoeis ships (``src/autoeis/assets/data.pssession``, MIT;
  PSTrace 5.9, an EIS ``DataSetEIS`` whose ``ZIm`` array's unit reads ``-Z''``) and
  batesk52/CMU.49.013-EmStat-Pico-MUX16's PSTrace-compatible writer (no licence file: layout
  only; time/potential/current/charge arrays, ``PalmSens.Units.MicroAmpere`` values in uA).
  Before: refused as a CSV whose "columns" were JSON fragments.
* Gamry's ``Over`` column (Gamry Framework help, "Overloads"; files: gamry-parser's
  ``ocvcurve_data.dta`` (MIT) with ``....ih..i..`` before each I/E range change,
  maxtenenbaum/GamryParser's CVs with ``..........a`` on every row).

The tests of the fixes fail on the code before this session (``PYTHONPATH=/tmp/s19/head/src``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError

# -- a short chronoamperometry whose first sample is a large transient ------------------------


def _mpt(path: Path, names: list[str], rows: list[list]) -> Path:
    """An EC-Lab text export (magic, header count, technique, names line with EC-Lab's
    trailing tab, tab-separated rows)."""
    head = ["EC-Lab ASCII FILE", "Nb header lines : 6", "", "Chronoamperometry", ""]
    lines = [*head, "\t".join(names) + "\t"]
    lines += ["\t".join(f"{v:.7E}" if isinstance(v, float) else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def _ca_rows(n: int) -> tuple[list[list], list[float]]:
    """Rows of a CA held at 0.3 V: 18.6 uA at the first sample, then about 20 nA decaying,
    sampled every 60 s; '(Q-Qo)/C' as EC-Lab counts it (the first minute's charge is that of
    the fast decay, 24.5 uC, far below the trapezoid's 560 uC)."""
    i_ma = [1.86e-2] + [2.9e-5 * (1 - 0.05 * k) for k in range(1, n)]
    q = [0.0, 2.45e-5]
    for k in range(2, n):
        q.append(q[-1] + 0.5 * (i_ma[k] + i_ma[k - 1]) * 1e-3 * 60.0)
    rows = [[2, 1, 0, 108874.2 + 60.0 * k, 0.2986, i_ma[k], q[k], 0.0] for k in range(n)]
    return rows, q[:n]


@pytest.mark.parametrize("n", [3, 5, 10])
def test_short_chronoamperometry_keeps_the_instruments_charge(tmp_path: Path, n: int) -> None:
    """With 10 rows or fewer the first sample sets the 90th percentile of |I|, every later
    sample fell under 5 % of it ("no current"), and a counter rising with that small anodic
    current was judged to move at rest: the file's charge was replaced by the trapezoid's."""
    names = ["mode", "ox/red", "Ns", "time/s", "Ewe/V", "I/mA", "(Q-Qo)/C", "cycle number"]
    rows, q = _ca_rows(n)
    m = sio.read(_mpt(tmp_path / "ca.mpt", names, rows))
    assert m.data["Capacity [A.h]"].iloc[-1] * 3600 == pytest.approx(q[-1], rel=1e-6)
    assert not any("does not behave as a running net charge" in note for note in m.notes)


def test_counter_moving_against_a_small_current_is_still_refused(tmp_path: Path) -> None:
    """The rule is about direction: a column that falls while the small current is anodic
    (an unsigned or per-step counter restarting) still counts against it."""
    names = ["mode", "ox/red", "Ns", "time/s", "Ewe/V", "I/mA", "(Q-Qo)/C", "cycle number"]
    rows, _ = _ca_rows(10)
    for k, row in enumerate(rows):
        row[6] = 1e-3 * (10 - k)  # falls by 1 mC a minute under an anodic current
    m = sio.read(_mpt(tmp_path / "ca.mpt", names, rows))
    assert any("does not behave as a running net charge" in note for note in m.notes)
    # integrated from the current instead: positive, as the current
    assert m.data["Capacity [A.h]"].iloc[-1] > 0


# -- PalmSens PSTrace session (.pssession) ----------------------------------------------------


def _array(kind: str, code: int, desc: str, unit: dict, values) -> dict:
    return {
        "Type": f"PalmSens.Data.{kind}",
        "ArrayType": code,
        "Description": desc,
        "Unit": unit,
        "DataValues": [{"V": float(v)} for v in values],
    }


_TIME = {"Type": "PalmSens.Units.Time", "S": "s", "Q": "Time", "A": "t"}
_VOLT = {"Type": "PalmSens.Units.Volt", "S": "V", "Q": "Potential", "A": "E"}
_MICROAMP = {"Type": "PalmSens.Units.MicroAmpere", "S": "A", "Q": "Current", "A": "i"}
_MICROCOULOMB = {"Type": "PalmSens.Units.MicroCoulomb", "S": "C", "Q": "Charge", "A": "Q"}


def _cv_measurement(title: str = "Cyclic Voltammetry") -> tuple[dict, np.ndarray, np.ndarray]:
    """A CV at 50 mV/s from -0.2 to 0.8 V and back, current in uA; its charge in uC."""
    t = np.arange(0, 40.0, 0.1)
    e = np.where(t < 20, -0.2 + 0.05 * t, 0.8 - 0.05 * (t - 20))
    i_ua = 3.0 * (e - 0.3) + np.where(t < 20, 1.5, -1.5)
    q_uc = np.concatenate([[0.0], np.cumsum(0.5 * (i_ua[1:] + i_ua[:-1]) * 0.1)])
    values = [
        _array("DataArrayTime", 0, "time", _TIME, t),
        _array("DataArrayPotentials", 1, "potential", _VOLT, e),
        _array("DataArrayCurrents", 2, "current", _MICROAMP, i_ua),
        _array("DataArrayCharge", 3, "charge", _MICROCOULOMB, q_uc),
    ]
    method = "#PSTrace\r\nMETHOD_ID=cv\r\nTECHNIQUE=5\r\n"
    meas = {
        "Title": title,
        "Type": "PalmSens.Comm.GenericCommMeasurement",
        "DataSet": {"Type": "PalmSens.Data.DataSetCommon", "Values": values},
        "Method": method,
        "Curves": [],
        "EISDataList": [],
    }
    return meas, i_ua, q_uc


def _eis_measurement() -> tuple[dict, np.ndarray]:
    """An EIS data set as PSTrace writes it: ZIm holds -Z'' (unit quantity "-Z''"), and its
    time/potential arrays are longer than the frequency list (51 against 29 in the real
    file)."""
    f = np.logspace(4, 0, 29)
    z = 100.0 + 500.0 / (1 + 1j * 2 * np.pi * f * 500.0 * 2e-6)
    zim_unit = {"Type": "PalmSens.Units.ZIm", "S": "Ω", "Q": "-Z''", "A": "Z"}
    values = [
        _array("DataArrayCurrents", 2, "Idc", _MICROAMP, np.zeros(51)),
        _array("DataArrayPotentials", 1, "potential", _VOLT, np.zeros(51)),
        _array("DataArrayTime", 0, "time", _TIME, np.zeros(51)),
        _array("DataArray", 5, "Frequency", {"Type": "PalmSens.Units.Hertz"}, f),
        _array("DataArray", 7, "ZRe", {"Type": "PalmSens.Units.ZRe", "Q": "Z'"}, z.real),
        _array("DataArray", 8, "ZIm", zim_unit, -z.imag),
    ]
    meas = {
        "Title": "Test data",
        "DataSet": {"Type": "PalmSens.Data.DataSetEIS", "Values": values},
        "Method": "METHOD_ID=eis\r\nTECHNIQUE=14\r\n",
    }
    return meas, z


def _session(path: Path, measurements: list[dict]) -> Path:
    """UTF-16 LE JSON with a byte-order mark before and after it, as PSTrace saves it."""
    doc = {
        "Type": "PalmSens.DataFiles.SessionFile",
        "CoreVersion": "5.9.4515.26368",
        "MethodForMeasurement": measurements[0].get("Method", ""),
        "Measurements": measurements,
    }
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le") + "\ufeff".encode("utf-16-le"))
    return path


def test_pssession_cv_is_read_in_si(tmp_path: Path) -> None:
    meas, i_ua, q_uc = _cv_measurement()
    m = sio.read(_session(tmp_path / "cv.pssession", [meas]))
    assert m.format == "pssession" and m.kind == "timeseries"
    assert len(m.data) == 400
    # uA and uC by the unit type (its symbol "A" names the base unit only)
    assert np.allclose(m.data["Current [A]"], i_ua * 1e-6, rtol=1e-12, atol=0)
    assert m.data["Capacity [A.h]"].iloc[-1] == pytest.approx(q_uc[-1] * 1e-6 / 3600, rel=1e-9)
    assert m.data["Voltage [V]"].max() == pytest.approx(0.8)
    assert m.metadata["technique"] == "cv"


def test_pssession_impedance_turns_the_sign_of_minus_z_im(tmp_path: Path) -> None:
    meas, z = _eis_measurement()
    m = sio.read(_session(tmp_path / "eis.pssession", [meas]))
    assert m.kind == "impedance" and len(m.data) == 29
    assert np.allclose(m.data["Z_im [Ohm]"], z.imag)  # negative on the capacitive arc
    assert np.allclose(m.data["Z_re [Ohm]"], z.real)
    assert any("-Z''" in note for note in m.notes)


def test_pssession_of_several_measurements_names_the_others(tmp_path: Path) -> None:
    cv, _, _ = _cv_measurement("CV 1")
    eis, _ = _eis_measurement()
    path = _session(tmp_path / "two.pssession", [cv, eis])
    m = sio.read(path)
    assert m.kind == "timeseries"
    assert any("2 measurements" in n and "'Test data'" in n for n in m.notes)
    assert sio.read(path, kind="impedance").kind == "impedance"


def test_pssession_truncated_is_refused_clearly(tmp_path: Path) -> None:
    meas, _, _ = _cv_measurement()
    path = _session(tmp_path / "cut.pssession", [meas])
    path.write_bytes(path.read_bytes()[:4000])
    with pytest.raises(DataFormatError, match="JSON cannot be parsed.*truncated"):
        sio.read(path)


def test_pssession_without_current_names_its_arrays(tmp_path: Path) -> None:
    meas, _, _ = _cv_measurement()
    meas["DataSet"]["Values"] = [v for v in meas["DataSet"]["Values"] if v["ArrayType"] != 2]
    with pytest.raises(DataFormatError, match="no current array.*'potential'"):
        sio.read(_session(tmp_path / "nocurrent.pssession", [meas]))


def test_pssession_named_file_of_another_content_says_so(tmp_path: Path) -> None:
    """A file named .pssession that is no PSTrace session (its JSON does not name itself a
    SessionFile) is refused by its extension, not read as a CSV of JSON fragments."""
    path = tmp_path / "other.pssession"
    path.write_text('{"Measurements": []}\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="extension '.pssession' means PalmSens"):
        sio.read(path)


# -- Gamry 'Over' flags ------------------------------------------------------------------------


def test_gamry_current_overload_rows_are_left_out_and_the_rest_reported() -> None:
    from solidna.analysis.io._table import gamry_overload_rows

    flags = ["....ih..i..", "...........", "....ih..i..", "......s....", "..........a"]
    notes: list[str] = []
    keep = gamry_overload_rows(flags, np.array([0.3, 0.6, 0.9, 1.2, 1.5]), "x.DTA", notes)
    assert keep.tolist() == [False, True, False, True, True]
    text = "\n".join(notes)
    assert "position 5 on 2 of 5 rows at t = 0.3 to 0.9 s: current overload" in text
    assert "left out" in text
    # the history flag shares the dropped rows: it says so rather than "kept"
    assert "position 6 on 2 of 5 rows" in text and "0 of them kept" in text
    assert "position 7 on 1 of 5 rows at t = 1.2 s: settling problem" in text
    assert "position 11 on 1 of 5 rows" in text


def test_gamry_curve_saturated_everywhere_is_refused() -> None:
    from solidna.analysis.io._table import gamry_overload_rows

    with pytest.raises(DataFormatError, match="3 of 3 rows.*overload"):
        gamry_overload_rows([".e.........", "....i......", ".e..i......"], None, "x.DTA", [])


def test_gamry_rows_without_flags_give_no_note() -> None:
    from solidna.analysis.io._table import gamry_overload_rows

    notes: list[str] = []
    # "." is "none"; a copy through a decimal-comma locale may have made it ","
    flags = ["...........", ",,,,,,,,,,,", "", "..........."]
    keep = gamry_overload_rows(flags, np.arange(4.0), "x.DTA", notes)
    assert keep.all() and notes == []
