"""Impedance and XPS exports solidna did not read (synthetic twins of public layouts).

Every file here is written by the test from the layout of a public source; no third-party file
is copied. Sources (layout only):

* PalmSens PSTrace CSV impedance export (UTF-16, a ``Date and time measurement:`` line over
  ``freq / Hz``, ``Z' / Ohm``, ``-Z'' / Ohm``, ``Z / Ohm``, ``-Phase / deg`` ...; curves side
  by side): matkrin/proespm-py3 ``src/proespm/ec/PalmSens/eis.py`` (GPL-3.0; reads 6 header
  lines and Z', Z'' from columns 5 and 6). Before: refused as "curves side by side".
* Metrohm NOVA impedance export with one table per scan, each under its own names row
  (``Index;Frequency (Hz);Z' (Ω);-Z'' (Ω);...``, decimal commas). Before: the second names row
  was a data row of text and the file was refused.
* Agilent/Keysight 4294A text (``4294A REV1.11``, ``"MEASURE PARAMETER: IMPEDANCE MAG PHASE
  (DEG)"``, ``"TRACE: A"`` and ``"TRACE: B"`` tables of ``"Frequency" "Data Trace Real" "Data
  Trace Imag"``): ethz-pes/impedance_analyzer_4294A_matlab ``data/impedance.txt`` and
  ``utils/read_4294A.m`` (BSD-2-Clause). Before: "no column for Z_re, Z_im".
* Ivium ``.idf``/``.ids`` (``name=value`` settings, then ``primary_data``, 3, the row count and
  rows ``Z' Z'' f``): vyrjana/pyimpspec ``src/pyimpspec/data/formats/ids.py`` (GPL-3.0).
* Zahner Thales ASCII (``LOGF LOGO LOGZm Phim Real Imag ...``, tab-separated, decimal commas):
  the ``txt2df`` reader of a public R package for Zahner data (its documentation of the
  columns).
* Thermo Avantage "Export to Excel" (one sheet per region, names over units, the data column
  unnamed): the Avantage CSV layout of tests/unit/test_surface_unseen7.py, one sheet each.
  Before: a workbook was read as text and refused ("no numeric rows").

Controls (right before and after): a NOVA table whose ``Index`` restarts per scan, Zahner
Analysis' ``Frequency/Hz Impedance/Ohm Phase/deg`` text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from _twins import write_4294a
from solidna.analysis.io import FREQUENCY, SPECTRUM, Z_IM, Z_RE, detect_format, read
from solidna.errors import DataFormatError

#: A resistor in series with a parallel RC: R0 = 20 Ohm, R1 = 100 Ohm, C1 = 1 uF.
F = np.logspace(5, -1, 25)
Z = 20.0 + 100.0 / (1 + 1j * 2 * np.pi * F * 100.0 * 1e-6)  # tau = R1 C1 = 0.1 ms


def _check(m, z=Z, f=F, rtol=1e-5) -> None:
    assert m.kind == "impedance"
    np.testing.assert_allclose(m.data[FREQUENCY], f, rtol=1e-6)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=rtol)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=rtol, atol=1e-9 * np.abs(z).max())


# --------------------------------------------------------------------------------------------
# PalmSens PSTrace
# --------------------------------------------------------------------------------------------
def _pstrace_cells(z: np.ndarray, unit: str, scale: float) -> list[str]:
    return [
        f"{f:.6E},{v.real / scale:.6E},{-v.imag / scale:.6E},{abs(v) / scale:.6E},"
        f"{-np.degrees(np.angle(v)):.6E},1.0E+00,1.0E-06"
        for f, v in zip(F, z, strict=True)
    ]


def _pstrace(path: Path, curves: int = 1, unit: str = "Ohm", scale: float = 1.0) -> Path:
    names = f"freq / Hz,Z' / {unit},-Z'' / {unit},Z / {unit},-Phase / deg,Idc / uA,Cs / F"
    width = names.count(",") + 1
    rows = [
        "Date and time:,2024-11-05 14:02:11",
        "Notes:,",
        "",
        ",".join(f"Impedance Spectroscopy: EIS {k + 1}" + "," * (width - 1) for k in range(curves)),
        ",".join(
            f"Date and time measurement:,2024-11-05 14:{2 + 10 * k:02d}:11" + "," * (width - 2)
            for k in range(curves)
        ),
        ",".join([names] * curves),
    ]
    cells = [_pstrace_cells(Z * (1 + 0.1 * k), unit, scale) for k in range(curves)]
    rows += [",".join(row) for row in zip(*cells, strict=True)]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-16")
    return path


@pytest.mark.parametrize(("unit", "scale"), [("Ohm", 1.0), ("kOhm", 1e3)])
def test_pstrace_impedance_csv_is_read(tmp_path: Path, unit: str, scale: float) -> None:
    # before: "a PalmSens PSTrace export of 1 curve side by side ... write one" (refused)
    m = read(_pstrace(tmp_path / "eis.csv", unit=unit, scale=scale))
    assert m.format == "pstrace-eis"
    _check(m, rtol=1e-5 if scale == 1 else 1e-4)
    assert m.metadata["measured"] == ["2024-11-05 14:02:11"]


def test_pstrace_curves_side_by_side_are_spectra(tmp_path: Path) -> None:
    m = read(_pstrace(tmp_path / "eis2.csv", curves=2))
    assert list(np.unique(m.data[SPECTRUM])) == [1, 2]
    second = m.data[m.data[SPECTRUM] == 2]
    np.testing.assert_allclose(second[Z_RE], (1.1 * Z).real, rtol=1e-5)
    np.testing.assert_allclose(second[Z_IM], (1.1 * Z).imag, rtol=1e-5)
    assert any("2 curves side by side" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Metrohm NOVA
# --------------------------------------------------------------------------------------------
def _nova(scans: int, sep: str = ";", dec: str = ",", repeat_header: bool = False) -> list[str]:
    head = sep.join(["Index", "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)", "Z (Ω)", "-Phase (°)"])
    out = [head]
    for s in range(scans):
        if s and repeat_header:
            out += ["", head]
        for k, (f, z) in enumerate(zip(F, Z * (1 + 0.1 * s), strict=True)):
            values = (f, z.real, -z.imag, abs(z), -np.degrees(np.angle(z)))
            out.append(sep.join([str(k + 1)] + [f"{v:.6E}".replace(".", dec) for v in values]))
    return out


def test_nova_one_table_per_scan_is_read_as_spectra(tmp_path: Path) -> None:
    path = tmp_path / "nova.txt"
    path.write_text("\n".join(_nova(2, repeat_header=True)) + "\n", encoding="utf-8")
    m = read(path)
    assert m.format == "eis-blocks"
    assert list(np.unique(m.data[SPECTRUM])) == [1, 2]
    first = m.data[m.data[SPECTRUM] == 1]
    np.testing.assert_allclose(first[Z_RE], Z.real, rtol=1e-5)
    np.testing.assert_allclose(first[Z_IM], Z.imag, rtol=1e-5)
    second = m.data[m.data[SPECTRUM] == 2]
    np.testing.assert_allclose(second[Z_IM], (1.1 * Z).imag, rtol=1e-5)


def test_control_nova_index_restarting_is_two_spectra(tmp_path: Path) -> None:
    path = tmp_path / "nova.txt"
    path.write_text("\n".join(_nova(2, sep="\t", dec=".")) + "\n", encoding="utf-8")
    m = read(path)
    assert m.format == "csv"
    assert list(np.unique(m.data[SPECTRUM])) == [1, 2]
    np.testing.assert_allclose(m.data[Z_IM][: F.size], Z.imag, rtol=1e-5)


# --------------------------------------------------------------------------------------------
# Agilent/Keysight 4294A
# --------------------------------------------------------------------------------------------
def _a4294(path: Path, parameter: str, a: np.ndarray, b: np.ndarray) -> Path:
    return write_4294a(path, F, parameter, a, b)


def test_agilent_4294a_magnitude_and_phase(tmp_path: Path) -> None:
    # before: "no column for Z_re [Ohm], Z_im [Ohm] (columns found: 'Frequency', 'Data Trace
    # Real', 'Data Trace Imag')"
    path = _a4294(
        tmp_path / "imp.txt", "IMPEDANCE MAG PHASE (DEG)", np.abs(Z), np.degrees(np.angle(Z))
    )
    m = read(path)
    assert m.format == "keysight-4294a"
    _check(m, z=Z[::-1], f=F[::-1])
    assert Z_IM in m.data and (m.data[Z_IM] < 0).all()  # an RC: capacitive at every point


def test_agilent_4294a_r_x(tmp_path: Path) -> None:
    m = read(_a4294(tmp_path / "rx.txt", "R-X", Z.real, Z.imag))
    _check(m, z=Z[::-1], f=F[::-1])


def test_agilent_4294a_other_parameter_is_refused_naming_what_to_measure(tmp_path: Path) -> None:
    path = _a4294(tmp_path / "cpd.txt", "CP-D", np.full(F.size, 1e-9), np.full(F.size, 0.01))
    with pytest.raises(DataFormatError, match="measure parameter is 'CP-D'.*R-X"):
        read(path)


# --------------------------------------------------------------------------------------------
# Ivium
# --------------------------------------------------------------------------------------------
def _ivium(path: Path, technique: str = "Impedance", sets: int = 1) -> Path:
    out = ["[Method]", "Title=cell 1", f"Technique={technique}", "Method=EIS", "Mode=Standard"]
    for s in range(sets):
        out += [f"Title=cell 1 scan {s + 1}", "primary_data", "3", str(F.size)]
        z = Z * (1 + 0.1 * s)
        out += [f"  {v.real:.6E} {v.imag:.6E} {f:.6E}" for f, v in zip(F, z, strict=True)]
    path.write_text("\r\n".join(out + ["", "[Analysis]", "x=1"]) + "\r\n", encoding="latin-1")
    return path


def test_ivium_idf_impedance(tmp_path: Path) -> None:
    m = read(_ivium(tmp_path / "cell.idf"))
    assert m.format == "ivium-eis"
    _check(m)
    assert any("primary_data columns are not named" in n for n in m.notes)


def test_ivium_ids_with_two_spectra(tmp_path: Path) -> None:
    m = read(_ivium(tmp_path / "cells.ids", sets=2))
    assert list(np.unique(m.data[SPECTRUM])) == [1, 2]
    np.testing.assert_allclose(m.data[Z_IM][F.size :], (1.1 * Z).imag, rtol=1e-5)


def test_ivium_file_with_nul_bytes_between_lines_is_detected(tmp_path: Path) -> None:
    """IviumSoft writes NUL bytes between some of its text lines (pyimpspec's parse_ids drops
    them); the format detection took such a file for an unknown binary one."""
    path = _ivium(tmp_path / "nul.idf")
    path.write_bytes(path.read_bytes().replace(b"primary_data\r\n", b"primary_data\x00\r\n"))
    m = read(path)
    assert m.format == "ivium-eis"
    _check(m)


def test_ivium_other_technique_is_refused_naming_the_export(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="'ChronoAmperometry', not impedance.*time/s"):
        read(_ivium(tmp_path / "ca.idf", technique="ChronoAmperometry"))


# --------------------------------------------------------------------------------------------
# Zahner
# --------------------------------------------------------------------------------------------
def _zahner(path: Path, names: list[str]) -> Path:
    values = {
        "LOGF": np.log10(F),
        "LOGO": np.log10(2 * np.pi * F),
        "LOGZm": np.log10(np.abs(Z)),
        "Phim": np.degrees(np.angle(Z)),
        "Real": Z.real,
        "Imag": Z.imag,
    }
    head = ["Time     : 10:01:02 - 10:20:30", "Potential : 0.100V", "Current   : 0.000A", ""]
    rows = [
        "\t".join(f"{values[n][k]:.8f}".replace(".", ",") for n in names) for k in range(F.size)
    ]
    path.write_text("\r\n".join(head + ["\t".join(names)] + rows) + "\r\n", encoding="latin-1")
    return path


@pytest.mark.parametrize(
    "names", [["LOGF", "LOGO", "LOGZm", "Phim", "Real", "Imag"], ["LOGF", "LOGZm", "Phim"]]
)
def test_zahner_thales_ascii(tmp_path: Path, names: list[str]) -> None:
    # before: no frequency column (LOGF is log10 of it)
    m = read(_zahner(tmp_path / "zahner.txt", names))
    assert m.format == "zahner-eis"
    _check(m, rtol=1e-6)


def test_control_zahner_analysis_modulus_and_phase(tmp_path: Path) -> None:
    path = tmp_path / "analysis.txt"
    rows = ["Number\tFrequency/Hz\tImpedance/Ohm\tPhase/deg\tSignificance\tTime/s"] + [
        f"{k}\t{f:.8e}\t{abs(z):.8e}\t{np.degrees(np.angle(z)):.8e}\t1.0\t{2.0 * k}"
        for k, (f, z) in enumerate(zip(F, Z, strict=True))
    ]
    path.write_text("\n".join(rows) + "\n")
    _check(read(path), rtol=1e-6)


def test_the_new_layouts_are_detected_from_the_content_not_the_name(tmp_path: Path) -> None:
    names = ["LOGF", "LOGZm", "Phim"]
    assert detect_format(_zahner(tmp_path / "a.csv", names)) == "zahner-eis"
    assert detect_format(_ivium(tmp_path / "b.txt")) == "ivium-eis"
    path = _a4294(tmp_path / "c.csv", "R-X", Z.real, Z.imag)
    assert detect_format(path) == "keysight-4294a"


# --------------------------------------------------------------------------------------------
# XPS: Thermo Avantage "Export to Excel"
# --------------------------------------------------------------------------------------------
def _avantage_xlsx(path: Path, regions: dict[str, float], peak_table: bool = True) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    first = wb.active
    if peak_table:
        first.title = "Peak Table"
        first.append(["Name", "Peak BE", "FWHM eV", "Area (P) CPS.eV", "Atomic %"])
        first.append(["C1s", 284.8, 1.2, 12000.0, 100.0])
    for k, (name, centre) in enumerate(regions.items()):
        ws = first if (k == 0 and not peak_table) else wb.create_sheet(name)
        ws.title = name
        ws.append(["Experiment Descriptions :", *[None] * 6, "Acquisition Parameters"])
        ws.append([*[None] * 7, "Number of Scans", 50])
        ws.append([None] * 9)
        ws.append(["Binding Energy (E)", None, None, None, "Backgnd.", "Peak A", "Envelope"])
        ws.append(["eV", None, "Counts / s", None, "Counts / s", "Counts / s", "Counts / s"])
        be = np.round(np.arange(centre + 10, centre - 5, -0.1), 2)
        peak = 12000 * np.exp(-np.log(2) * ((be - centre) / 0.6) ** 2)
        bg = 1000 + 5 * (be - be.min())
        for b, p, g in zip(be, peak, bg, strict=True):
            ws.append([float(b), None, float(p + g), None, float(g), float(p), float(p + g)])
    wb.save(path)
    return path


def test_avantage_workbook_one_sheet_per_region(tmp_path: Path) -> None:
    from solidna.analysis.xps.io import read_xps

    path = _avantage_xlsx(tmp_path / "sample.xlsx", {"C1s Scan": 284.8, "O1s Scan": 531.0})
    spectra = read_xps(path)
    assert [s.label for s in spectra] == ["C1s Scan", "O1s Scan"]
    for s, centre in zip(spectra, (284.8, 531.0), strict=True):
        assert s.intensity_unit == "counts.s-1"
        assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(centre, abs=0.05)
        # the peak (12000) on the background 1000 + 5 eV-1 x (BE - 4.9 eV below the centre)
        assert s.intensity_cps.max() == pytest.approx(12000 + 1000 + 5 * 4.9, rel=1e-6)
        assert any("'Peak Table'" in n for n in s.metadata["notes"])


def test_workbook_without_a_spectrum_is_refused_naming_its_sheets(tmp_path: Path) -> None:
    from solidna.analysis.xps.io import read_xps

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Peak Table"
    wb.active.append(["Name", "Peak BE", "Atomic %"])
    wb.active.append(["C1s", 284.8, 100.0])
    path = tmp_path / "peaks.xlsx"
    wb.save(path)
    with pytest.raises(DataFormatError, match="no sheet of the workbook.*'Peak Table'"):
        read_xps(path)
