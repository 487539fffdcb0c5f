"""Layouts of a seventh round of public files (synthetic twins of their structure only).

* CH Instruments CV/LSV text: potential and current only, the scan rate in the header
  (``Scan Rate (V/s) = 0.1``): the time is the potential travelled over the scan rate; some
  versions write the column names with commas over rows separated by tabs.
* PalmSens PSTrace: an impedance table whose ``Z''`` column holds -Im(Z) beside ``neg. Phase``
  and ``Z`` (the modulus) is caught by the phase (before: read with the sign of Z_im inverted);
  an export of curves side by side is refused saying what it is.
* Digatron (the LG 18650HG2 data set): units in brackets on the line below the names, with
  blank cells for columns without unit, and the test time as ``Prog Time`` (h:mm:ss.sss).
* RelaxIS column names ``Data: Frequency``, ``Data: Z'`` also in a workbook.

Controls (pass before and after): a CHI A.C. impedance text, a PSTrace impedance table with
``-Z''``, a CSV with a time column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.io import CAPACITY, CURRENT, TIME, VOLTAGE, Z_IM, Z_RE, read
from solidna.errors import DataFormatError, SolidnaWarning

# --------------------------------------------------------------------------------------------
# CH Instruments
# --------------------------------------------------------------------------------------------
_CHI_HEAD = [
    "Mar. 02, 2024   09:41:07",
    "Cyclic Voltammetry",
    "File: d:\\lab\\cv.bin",
    "Data Source:  Experiment",
    "Instrument Model:  CHI760E",
    "Header: ",
    "Note: ",
    "",
    "Init E (V) = -0.2",
    "High E (V) = 0.2",
    "Low E (V) = -0.2",
    "Init P/N = P",
    "Scan Rate (V/s) = 0.1",
    "Segment = 2",
    "Sample Interval (V) = 0.001",
    "Quiet Time (sec) = 2",
    "Sensitivity (A/V) = 1e-5",
    "",
]


def _chi_cv(path: Path, sep: str = ", ", rate_line: str | None = None) -> tuple[Path, np.ndarray]:
    """Up from -0.2 V to 0.2 V and back, 1 mV a point, 1 uA per V of the potential."""
    e = np.r_[np.arange(-200, 201), np.arange(199, -201, -1)] / 1000.0
    head = list(_CHI_HEAD)
    if rate_line is not None:
        head[12] = rate_line
    rows = [f"{v:.3f}{sep}{1e-6 * v:.3e}" for v in e]
    path.write_text("\r\n".join(head + ["Potential/V, Current/A", ""] + rows) + "\r\n")
    return path, e


def test_chi_cv_time_from_the_scan_rate(tmp_path: Path) -> None:
    path, e = _chi_cv(tmp_path / "cv.txt")
    m = read(path)
    # 400 mV up and 400 mV down at 0.1 V/s: 8 s, 10 ms a point
    np.testing.assert_allclose(m.data[TIME], 0.01 * np.arange(e.size), atol=1e-9)
    np.testing.assert_allclose(m.data[VOLTAGE], e)
    assert any("time = potential travelled / scan rate" in n for n in m.notes)


def test_chi_cv_scan_rate_in_mv_per_second(tmp_path: Path) -> None:
    # BASi-style "Scan Rate : 50 mV/s"
    path, e = _chi_cv(tmp_path / "cv.txt", rate_line="Scan Rate : 50 mV/s")
    np.testing.assert_allclose(read(path).data[TIME].iloc[-1], 0.8 / 0.05, rtol=1e-9)


def test_chi_names_with_commas_over_rows_with_tabs(tmp_path: Path) -> None:
    path, e = _chi_cv(tmp_path / "cv.txt", sep="\t")
    m = read(path)
    np.testing.assert_allclose(m.data[CURRENT], 1e-6 * e, rtol=1e-3, atol=1e-12)
    assert any("separated by commas while the rows use tab" in n for n in m.notes)


def test_control_chi_impedance_text(tmp_path: Path) -> None:
    text = "\n".join(
        _CHI_HEAD[:8]
        + ["Init E (V) = 0.2", "", "Freq/Hz, Z'/ohm, Z\"/ohm, Z/ohm, Phase/deg", ""]
        + ["8.252e+4, 1.079e+2, -2.715e+0, 1.080e+2, -1.4"]
        + ["6.812e+4, 1.077e+2, -3.172e+0, 1.078e+2, -1.7"]
    )
    path = tmp_path / "eis.txt"
    path.write_text(text.replace("Cyclic Voltammetry", "A.C. Impedance") + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[Z_IM], [-2.715, -3.172])


# --------------------------------------------------------------------------------------------
# PalmSens PSTrace
# --------------------------------------------------------------------------------------------
_F = np.logspace(5, -1, 13)
_Z = 100.0 + 1000.0 / (1 + 1j * 2 * np.pi * _F * 1000.0 * 1e-6)


def _pstrace_eis(path: Path, z_name: str, stored: np.ndarray) -> Path:
    lines = [
        "Date and time:,2025-01-01 12:01:00",
        "Notes:,",
        ",,,,",
        "Measurement:,Impedance Spectroscopy",
        f"freq / Hz,neg. Phase / °,Idc / uA,Z / Ohm,Z' / Ohm,{z_name},Cs / F",
    ] + [
        f"{f:.6g},{-np.degrees(np.angle(z)):.5g},1,{abs(z):.6g},{z.real:.6g},{s:.6g},1e-9"
        for f, z, s in zip(_F, _Z, stored, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-16")
    return path


def test_pstrace_z2_holding_minus_im_is_caught_by_the_phase(tmp_path: Path) -> None:
    # "Z''" holds -Im(Z) (positive on the capacitive arc); "neg. Phase" says capacitive:
    # before, Z_im was read positive (the arc upside down)
    path = _pstrace_eis(tmp_path / "eis.csv", "Z'' / Ohm", -_Z.imag)
    with pytest.raises(DataFormatError, match="the Z_im column holds -Z''"):
        read(path)
    m = read(path, columns={"-z_im": "Z'' / Ohm"})
    np.testing.assert_allclose(m.data[Z_IM], _Z.imag, rtol=1e-5)


def test_control_pstrace_minus_z2(tmp_path: Path) -> None:
    m = read(_pstrace_eis(tmp_path / "eis.csv", "-Z'' / Ohm", -_Z.imag))
    np.testing.assert_allclose(m.data[Z_IM], _Z.imag, rtol=1e-5)
    np.testing.assert_allclose(m.data[Z_RE], _Z.real, rtol=1e-5)


def test_pstrace_curves_side_by_side_are_refused_saying_what_they_are(tmp_path: Path) -> None:
    rows = [
        "Date and time:,2026-05-28 10:38:50",
        "Notes:",
        ",,,",
        "Cyclic Voltammetry [1]: CV i vs E Scan 1,,Cyclic Voltammetry [1]: CV i vs E Scan 2,",
        "Date and time measurement:,2026-05-27,Date and time measurement:,2026-05-27",
        "V,µA,V,µA",
    ] + [f"{e},{100 - 5 * k},{e},{90 - 5 * k}" for k, e in enumerate((-0.2, -0.3, -0.4))]
    path = tmp_path / "cv.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-16")
    with pytest.raises(DataFormatError, match="PalmSens PSTrace export of 2 curves side by side"):
        read(path)


# --------------------------------------------------------------------------------------------
# Digatron, RelaxIS names
# --------------------------------------------------------------------------------------------
def test_digatron_units_in_brackets_below_the_names(tmp_path: Path) -> None:
    lines = [
        "",
        "Measurement ID,557",
        "Battery Name,LG HG2",
        "Start Time,11/7/2018 10:49:25 AM",
        "Time Stamp,Step,Status,Prog Time,Step Time,Cycle,Cycle Level,Procedure,Voltage,"
        "Current,Temperature,Capacity,WhAccu,Cnt,",
        ",,,,,,,,[V],[A],[C],[Ah],[Wh],[Cnt],",
        "11/7/2018 5:08:07 PM,3,PAU,06:18:41.848,00:01:00.001,0,0,NN_Char_Charge,3.38427,"
        "0.00000,38.06739,0.00000,0.00000,2.00000,",
        "11/7/2018 5:09:07 PM,3,CHA,06:19:41.847,00:02:00.000,0,0,NN_Char_Charge,3.38478,"
        "0.50000,36.49001,0.00100,0.01000,2.00000,",
    ]
    path = tmp_path / "557_Charge10.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[TIME], [22721.848, 22781.847])
    np.testing.assert_allclose(m.data[VOLTAGE], [3.38427, 3.38478])
    np.testing.assert_allclose(m.data[CURRENT], [0.0, 0.5])
    np.testing.assert_allclose(m.data[CAPACITY], [0.0, 0.001])


def test_relaxis_names_in_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "CY25.xlsx"
    frame = pd.DataFrame(
        {"Data: Frequency": [10, 1], "Data: Z'": [0.1, 0.2], "Data: Z''": [-0.01, -0.02]}
    )
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name="1_1RCPE", index=False)
    with pytest.warns(SolidnaWarning, match="no unit in the header"):
        m = read(path)
    assert m.kind == "impedance"
    np.testing.assert_allclose(m.data[Z_RE], [0.1, 0.2])
    np.testing.assert_allclose(m.data[Z_IM], [-0.01, -0.02])


def test_control_csv_with_a_time_column_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Scan Rate (V/s) = 0.1\nTime/s,Potential/V,Current/A\n0,0.1,1e-6\n5,0.2,2e-6\n")
    np.testing.assert_allclose(read(path).data[TIME], [0.0, 5.0])


def test_ivium_rows_with_an_unnamed_last_column(tmp_path: Path) -> None:
    # Ivium's text export (ixdat's reader): a time stamp line, "time/s I/A E/V" separated by
    # spaces, rows with a fourth, unnamed column (the measured potential)
    lines = ["04/03/2021 19:42:30", "time/s      I/A          E/V"] + [
        f"  {0.5 * k:.6E}  {1e-6 * (k + 1):.6E}  {0.1 + 0.01 * k:.6E}  {0.0998 + 0.01 * k:.6E}"
        for k in range(6)
    ]
    path = tmp_path / "ivium.txt"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[TIME], 0.5 * np.arange(6))
    np.testing.assert_allclose(m.data[VOLTAGE], 0.1 + 0.01 * np.arange(6))
    np.testing.assert_allclose(m.data[CURRENT], 1e-6 * np.arange(1, 7))
    assert any("left unnamed and not read" in n for n in m.notes)
