"""Layouts of a ninth round of public files (synthetic twins of their structure only).

* BaSyTec's text export with its columns separated by spaces: ``~Time[h] DataSet DateTime
  t-Step[h] t-Set[h] t-Cyc[h] Line Command U[V] I[A] Ah[Ah] State`` over ``0.000000 1
  05.05.2025 14:36:06 0.000000 ...`` (the layout two public BaSyTec analysis tools document in
  their READMEs, MIT-licensed; a third reader's tests write the same export without the
  date). The ``DateTime`` cell holds a space, so each row split into one field more than the
  header and no line passed for the header: the file was refused with data values listed as
  its "columns found" ('0.000000', '1', '05.05.2025', '14:36:06', ...). Now each date and
  clock time (with AM/PM) is one cell.
* Columns separated by spaces, numbers with a decimal comma (the same exports in a German
  locale): the commas were taken for the delimiter and the file refused ('10000', '0000 10'
  as column names).
* EC-Lab / BT-Lab impedance records with ``Record Ece`` (a public GEIS ``.mpt`` of a
  solid-state cell, Yue-Yao/EIS): beside ``Re(Z)``/``-Im(Z)`` (the working electrode, Ewe/I)
  they hold ``Re(Zwe-ce)``/``-Im(Zwe-ce)`` (the whole cell) and ``Re(Zce)``/``-Im(Zce)``, in
  that file up to 4x apart. The working electrode's was read with no word of the others; now a
  note names them, how far apart they are, and the ``columns=`` that reads them.
* Resistance and reactance of an impedance meter, ``R(ohm)``/``X(ohm)`` beside ``FREQUENCY``
  (the CSV a public Hioki BT4560 logger, rchou186/TBMEIS, writes): refused before, now Z', Z''.
* Solartron ModuLab's SMaRT CSV (``Impedance Magnitude (Ohms)``, ``Impedance Phase Degrees
  (')``, from a public loader's documentation): refused before.
* Keysight's CSV (``!`` comment lines, ``BEGIN CH1_DATA``, the table, ``END``): the ``END``
  line was read as a frequency that is not a number.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import CAPACITY, CURRENT, FREQUENCY, TIME, VOLTAGE, Z_IM, Z_RE, read

# command, current [A], voltage change per row [V], rows (10 s each)
_PLAN = [("Pause", 0.0, 0.0, 6), ("Charge", 0.005, 0.004, 30), ("Pause", 0.0, -0.001, 6)]
_PLAN += [("Discharge", -0.005, -0.004, 30)]
_START = datetime(2025, 5, 5, 14, 36, 6)


def _basytec(path: Path, clock: str = "%d.%m.%Y %H:%M:%S", date_name: str = "DateTime") -> Path:
    """A BaSyTec export with columns separated by single spaces, the date and time of each row
    written as ``clock`` under ``date_name`` (two names, ``Date Time``, where they are two
    columns)."""
    lines = [
        "~Resultfile from Basytec Battery Test System",
        "~Date and Time of Data Converting: 19.05.2025 14:36:50",
        "~Name of Test: demo cell",
        "~Start of Test: 05.05.2025 14:36:06",
        "~",
        f"~Time[h] DataSet {date_name} t-Step[h] Line Command U[V] I[A] Ah[Ah] State",
    ]
    t, v, ah, row = 0.0, 3.3, 0.0, 1
    for line, (command, amps, slope, n) in enumerate(_PLAN, start=1):
        for k in range(n):
            clock_text = (_START + timedelta(seconds=t)).strftime(clock)
            lines.append(
                f"{t / 3600:.6f} {row} {clock_text} {10 * k / 3600:.6f} {line} {command} "
                f"{v:.4f} {amps} {ah:.7f} 0"
            )
            t, v, ah, row = t + 10, v + slope, ah + amps * 10 / 3600, row + 1
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


@pytest.mark.parametrize(
    "clock", ["%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"]
)
def test_basytec_space_separated_with_date_and_time_cells(tmp_path, clock):
    m = read(_basytec(tmp_path / "basytec.txt", clock))
    d = m.data
    assert len(d) == sum(n for *_, n in _PLAN)
    # ~Time[h] in hours, read in seconds (was: refused, no header found)
    assert d[TIME].iloc[-1] == pytest.approx(10 * (len(d) - 1), abs=0.01)
    assert d[VOLTAGE].iloc[0] == pytest.approx(3.3)
    assert set(np.round(d[CURRENT], 6)) == {0.0, 0.005, -0.005}
    # charge then discharge of the same charge: the net charge returns to zero
    assert d[CAPACITY].max() == pytest.approx(0.005 * 300 / 3600, rel=0.05)
    assert d[CAPACITY].iloc[-1] == pytest.approx(0.0, abs=2e-5)
    assert any("read as one cell" in n for n in m.notes)


def test_basytec_with_date_and_time_as_two_named_columns_is_unchanged(tmp_path):
    # "Date Time" named as two columns: the rows split into as many fields as the names
    m = read(_basytec(tmp_path / "basytec.txt", date_name="Date Time"))
    assert len(m.data) == sum(n for *_, n in _PLAN)
    assert not any("read as one cell" in n for n in m.notes)


def test_space_separated_table_without_dates_is_unchanged(tmp_path):
    path = tmp_path / "table.txt"
    rows = [f"{10 * k} {3.3 + 0.001 * k:.4f} 0.001" for k in range(20)]
    path.write_text("Time[s] U[V] I[A]\n" + "\n".join(rows) + "\n")
    m = read(path)
    assert m.data[TIME].iloc[-1] == pytest.approx(190.0)
    assert not any("read as one cell" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# EC-Lab impedance with Record Ece: the other impedances are named
# --------------------------------------------------------------------------------------------
_F_HZ = np.logspace(5, -1, 25)


def _arc(r0: float, r1: float, c: float) -> np.ndarray:
    return r0 + r1 / (1 + 1j * 2 * np.pi * _F_HZ * r1 * c)


def _peis_with_ece(path: Path) -> Path:
    """A PEIS text export of a ``Record Ece`` run: working electrode (Z), counter electrode
    (Zce) and whole cell (Zwe-ce) impedances, decimal commas."""
    z_we, z_ce = _arc(2.0, 20.0, 1e-5), _arc(5.0, 200.0, 1e-4)
    z_cell = z_we + z_ce
    names = (
        "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\ttime/s\t<Ewe>/V\t<I>/mA\tcycle number\t<Ece>/V\t"
        "Re(Zce)/Ohm\t-Im(Zce)/Ohm\tRe(Zwe-ce)/Ohm\t-Im(Zwe-ce)/Ohm\t"
    )
    head = [
        "EC-Lab ASCII FILE",
        "Nb header lines : {n}",
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        "Potential control : Ewe",
        "Acquisition started on : 03/09/2022 13:55:05.456",
        "Electrode surface area : 0,001 cm²",
        "Record Ece",
        names,
    ]
    head = [line.format(n=len(head)) for line in head]
    rows = []
    for k, f in enumerate(_F_HZ):
        cells = [f, z_we[k].real, -z_we[k].imag, 10.0 * k, 3.6, 0.0, 1.0, 0.2]
        cells += [z_ce[k].real, -z_ce[k].imag, z_cell[k].real, -z_cell[k].imag]
        rows.append("\t".join(f"{x:.6E}".replace(".", ",") for x in cells))
    path.write_bytes(("\r\n".join(head + rows) + "\r\n").encode("latin-1"))
    return path


def test_eclab_impedance_names_the_cell_and_counter_impedances(tmp_path):
    m = read(_peis_with_ece(tmp_path / "peis.mpt"))
    # still EC-Lab's Z (the working electrode), as EC-Lab plots it
    assert m.data[Z_RE].iloc[-1] == pytest.approx(22.0, rel=1e-3)
    (note,) = [n for n in m.notes if "Re(Zwe-ce)/Ohm" in n]
    assert "Re(Zce)/Ohm" in note and "columns=" in note
    assert "the whole cell" in note


def test_eclab_impedance_of_the_cell_read_with_columns(tmp_path):
    path = _peis_with_ece(tmp_path / "peis.mpt")
    m = read(path, columns={"z_re": "Re(Zwe-ce)/Ohm", "-z_im": "-Im(Zwe-ce)/Ohm"})
    z_cell = _arc(2.0, 20.0, 1e-5) + _arc(5.0, 200.0, 1e-4)
    np.testing.assert_allclose(m.data[Z_RE], z_cell.real, rtol=1e-5)
    np.testing.assert_allclose(m.data[Z_IM], z_cell.imag, rtol=1e-5, atol=1e-9)
    assert m.data[FREQUENCY].iloc[0] == pytest.approx(1e5)
    assert not any("Re(Zwe-ce)/Ohm' and" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Resistance and reactance of an impedance meter (Hioki BT4560's RX mode)
# --------------------------------------------------------------------------------------------
def _rx_table(path: Path) -> tuple[Path, np.ndarray]:
    """The CSV a public BT4560 logger (rchou186/TBMEIS) writes with pandas: an unnamed index,
    ``Date``, ``Time``, ``FREQUENCY``, ``R(ohm)``, ``X(ohm)``, ``V(V)``; a 21700 module's
    milliohm spectrum, inductive (X > 0) at the highest frequencies."""
    f = np.logspace(3, -1, 17)
    z = 6e-3 + 4e-3 / (1 + (1j * 2 * np.pi * f * 4e-3 * 30) ** 0.8) + 1j * 2 * np.pi * f * 4e-7
    lines = [",Date,Time,FREQUENCY,R(ohm),X(ohm),V(V)"]
    lines += [
        f"{k},2021-08-20,10:15:{k:02d},{fk:.5g},{zk.real:.6g},{zk.imag:.6g},7.378"
        for k, (fk, zk) in enumerate(zip(f, z, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n")
    return path, z


@pytest.mark.filterwarnings("ignore:.*no unit in the header:solidna.errors.SolidnaWarning")
def test_resistance_and_reactance_read_as_the_impedance(tmp_path):
    path, z = _rx_table(tmp_path / "bt4560.csv")
    m = read(path)  # was: refused, "no column for Z_re [Ohm], Z_im [Ohm]"
    assert m.kind == "impedance"
    np.testing.assert_allclose(m.data[Z_RE], np.round(z.real, 9), rtol=1e-5)
    # X is Z'' itself: positive where inductive, negative on the arc
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-5, atol=1e-12)
    assert m.metadata["columns used"]["z_im"] == "X(ohm)"


def test_a_lone_resistance_column_of_a_time_series_is_not_an_impedance(tmp_path):
    path = tmp_path / "gcpl.csv"
    rows = [f"{10 * k},{3.3 + 0.001 * k:.4f},1.0,{0.5 + 0.01 * k:.3f}" for k in range(20)]
    path.write_text("time/s,Ewe/V,I/mA,R/Ohm\n" + "\n".join(rows) + "\n")
    m = read(path)
    assert m.kind == "timeseries"
    assert m.data[CURRENT].iloc[0] == pytest.approx(1e-3)


# --------------------------------------------------------------------------------------------
# Solartron ModuLab (SMaRT) CSV: |Z| and the phase named in words, the degree sign as "'"
# --------------------------------------------------------------------------------------------
def test_smart_export_magnitude_and_phase_in_degrees(tmp_path):
    """The layout a public SMaRT CSV loader documents: three lines above the names
    (title, ``Experiment start time : ...``), ``Frequency (Hz)``, ``Impedance Magnitude
    (Ohms)``, ``Impedance Phase Degrees (')``, ``Capacitance Magnitude (F)``, a trailing
    comma on each data row. Before: refused (no column for Z_re, Z_im)."""
    f = np.logspace(6, -1, 29)
    z = 50 + 1e4 / (1 + 1j * 2 * np.pi * f * 1e4 * 1e-9)
    lines = ["SMaRT Impedance", "Experiment start time : 12/02/2025 10:00:00", ""]
    lines.append(
        "Point Number,Time,Frequency (Hz),Impedance Magnitude (Ohms),"
        "Impedance Phase Degrees ('),Capacitance Magnitude (F)"
    )
    lines += [
        f"{k + 1},10:00:{k:02d},{fk:.6e},{abs(zk):.6e},{np.degrees(np.angle(zk)):.6e},1e-9,"
        for k, (fk, zk) in enumerate(zip(f, z, strict=True))
    ]
    path = tmp_path / "smart.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=1e-5)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-5)
    assert not any("lost" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Columns separated by spaces, numbers with a decimal comma (German-locale exports)
# --------------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*no unit in the header:solidna.errors.SolidnaWarning")
def test_space_separated_spectrum_with_decimal_commas(tmp_path):
    """Before: the commas were taken for the delimiter ('10000', '0000 10', '0253 -1' as
    column names) and the file refused."""
    f = np.logspace(4, -1, 20)
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-3)
    path = tmp_path / "spectrum.txt"
    rows = [
        f"{a:.4f} {b.real:.4f} {b.imag:.4f}".replace(".", ",") for a, b in zip(f, z, strict=True)
    ]
    path.write_text("f Zre Zim\n" + "\n".join(rows) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[FREQUENCY], np.round(f, 4), rtol=1e-6)
    np.testing.assert_allclose(m.data[Z_IM], np.round(z.imag, 4), atol=1e-4)


def test_basytec_space_separated_with_decimal_commas_and_dates(tmp_path):
    path = _basytec(tmp_path / "basytec.txt")
    lines = path.read_text(encoding="latin-1").splitlines()
    # the German export: decimal commas in the numbers, the date keeps its dots
    lines = [
        " ".join(w.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", w) else w for w in line.split())
        if not line.startswith("~")
        else line
        for line in lines
    ]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    m = read(path)
    assert m.data[VOLTAGE].iloc[0] == pytest.approx(3.3)
    assert m.data[TIME].iloc[-1] == pytest.approx(10 * (len(m.data) - 1), abs=0.01)
    assert set(np.round(m.data[CURRENT], 6)) == {0.0, 0.005, -0.005}


def test_comma_separated_values_with_spaces_are_not_read_as_decimal_commas(tmp_path):
    path = tmp_path / "table.csv"
    rows = [f"{10 * k}, {3 + k}, 1" for k in range(20)]
    path.write_text("Time [s], Voltage [V], Current [mA]\n" + "\n".join(rows) + "\n")
    m = read(path)
    assert m.data[VOLTAGE].iloc[-1] == pytest.approx(22.0)
    assert m.data[CURRENT].iloc[0] == pytest.approx(1e-3)


# --------------------------------------------------------------------------------------------
# Keysight CSV: "!" comment lines, BEGIN CH1_DATA, the table, END
# --------------------------------------------------------------------------------------------
def test_keysight_table_closed_by_end(tmp_path):
    """The structure public readers of Keysight analyser CSVs document (``!CSV A.01.01``,
    ``!Date: ...``, ``BEGIN CH1_DATA``, the names, the rows, ``END``). Before: refused, "'END'
    in data row 22" as a frequency that is not a number."""
    f = np.logspace(6, 1, 21)
    z = 50 + 1e4 / (1 + 1j * 2 * np.pi * f * 1e4 * 1e-9)
    lines = ["!CSV A.01.01", "!Keysight Technologies,E4990A,MY00000000,A.02.13"]
    lines += ["!Date: Monday, March 3, 2025 10:00:00", "", "BEGIN CH1_DATA"]
    lines += ["Freq(Hz),Z' (Ohm),Z'' (Ohm)"]
    lines += [f"{a:.6E},{b.real:.6E},{b.imag:.6E}" for a, b in zip(f, z, strict=True)]
    lines += ["END", ""]
    path = tmp_path / "trace.csv"
    path.write_bytes("\r\n".join(lines).encode())
    m = read(path)
    assert len(m.data) == 21
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-6)
    assert any("'END'" in n for n in m.notes)
