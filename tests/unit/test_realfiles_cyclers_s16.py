"""Time-series text files met in public repositories that solidna misread (session 16).

Every file here is a synthetic twin, written by the test, of a layout seen in a public file; no
text of those files is copied. The layouts are those of:

* ixdat's CSV export (ixdat/ixdat, MIT licence), as its tutorial data
  ``docs/source/getting_started/tutorials/L3_data_structure/data/co_strip.csv`` and its
  ``development_scripts/exported_sec.csv`` have it: ``key = value`` lines from
  ``ixdat version = ...`` on, an ``aliases = {json}`` line naming the columns that hold the time
  (``"t"``), the potential (``"raw_potential"``) and the current (``"raw_current"``), then a
  table whose cells are separated by a comma and a tab, with column names written for plot
  labels: ``$U_{RHE}$ / [V]`` (a potential against the RHE, the unit in brackets after a slash),
  ``J / [mA cm$^{-2}$]`` (a current density, its unit in TeX) and ``time from scan rate``
  (a time column no name rule can know);
* PNE Solution's CSV export of a cycler channel, as public analysis code of Korean pouch-cell
  tests documents and reads it (its licence not stated where seen: layout only);
* CH Instruments' chronopotentiometry text with the potential only, as the CHI twins of a
  public parser's tests ("ecat"; its repository not identified, licence unknown: layout only);
* EC-Lab's companion files, by their first lines: hz-b/bessyii_devices' ``.mpl`` log,
  jdhuang-csm/biologic-com's ``.mps`` settings, m0l0t0ph/thesis' ``_LOOP.txt`` loop index;
* datalab's export of an Arbin test (datalab-org/datalab, MIT licence):
  ``pydatalab/example_data/echem/arbin_example.bdf.csv``;
* BioLogic EC-Lab's text export of a cyclic voltammetry with its charge in coulombs,
  ``(Q-Qo)/C``, as KoichiYatsuzuka/SI_for_publications' raw data has it (read right before
  this session; kept as a guard of the unit).

Each test of a fix fails on the code before this session (``PYTHONPATH=/tmp/s16/head/src``);
the tests named guards hold rules that must stay (they pass there too).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.analysis.io._table import split_header, unit_factor
from solidna.errors import DataFormatError, SolidnaWarning

# The record of the twins: a linear sweep at 1 mV/s sampled every second, the current density
# (or current) a smooth function of the potential.
N = 40
T_S = np.arange(N, dtype=float)  # time [s]
E_V = 0.66 + 1e-3 * T_S  # potential [V]
J_MA_CM2 = 0.02 + 0.01 * np.sin(T_S / 7.0)  # current density [mA cm-2]
I_MA = 1e-4 * np.cos(T_S / 5.0)  # current [mA]


def _ixdat_export(path: Path, names: list[str], rows: np.ndarray, aliases: str) -> Path:
    """An ixdat CSV export: its ``key = value`` header, a blank line, then ``,<tab>`` cells."""
    head = [
        "ixdat version = 0.2.5",
        "name = twin",
        "technique = EC",
        "tstamp = 1",
        "backend_name = BackendBase(none, address=none)",
        "id = 1",
        f"timecol '{names[0]}' for: " + " and ".join(f"'{n}'" for n in names[1:]),
        f"aliases = {aliases}",
        "N_header_lines = 11",
        "",
        ",\t".join(names),
    ]
    body = [",\t".join(repr(float(v)) for v in row) for row in rows]
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    return path


def test_ixdat_export_is_read_through_its_aliases_line(tmp_path):
    """Time, potential and current density named only by the header's aliases line.

    Before: refused, "no column for Voltage [V]" ("$U_{RHE}$ / [V]" is no voltage name) and
    no time column ("time from scan rate"). After: all three read, the current density in
    A m-2 (1 mA cm-2 = 10 A m-2), and a note says where the names came from.
    """
    names = ["time from scan rate", "$U_{RHE}$ / [V]", "J / [mA cm$^{-2}$]", "selector"]
    rows = np.column_stack([T_S, E_V, J_MA_CM2, np.zeros(N)])
    aliases = (
        '{"raw_potential": ["$U_{RHE}$ / [V]"], "raw_current": ["J / [mA cm$^{-2}$]"], '
        '"t": ["time from scan rate"]}'
    )
    # ixdat keeps time in seconds, but its export's "time from scan rate" does not say so
    with pytest.warns(SolidnaWarning, match="time from scan rate"):
        m = sio.read(_ixdat_export(tmp_path / "sec.csv", names, rows, aliases))
    np.testing.assert_allclose(m.data[sio.TIME], T_S)
    np.testing.assert_allclose(m.data[sio.VOLTAGE], E_V)
    np.testing.assert_allclose(m.data[sio.CURRENT_DENSITY], 10.0 * J_MA_CM2)
    assert any("aliases" in note for note in m.notes)


def test_ixdat_export_with_a_current_in_milliamperes(tmp_path):
    """The co_strip layout: "time/s", "$U_{RHE}$ / [V]", "<I>/mA": current in A, its charge.

    Before: refused for want of a voltage column. After: the current is 1e-3 of the mA values
    and the net charge at the end is the integral of the current (trapezoids) in A.h.
    """
    names = ["time/s", "$U_{RHE}$ / [V]", "<I>/mA", "selector"]
    rows = np.column_stack([T_S, E_V, I_MA, np.zeros(N)])
    aliases = (
        '{"t": ["time/s"], "raw_potential": ["$U_{RHE}$ / [V]"], '
        '"raw_current": ["raw_current=0", "<I>/mA", "I/mA"], "cycle": ["cycle number"]}'
    )
    m = sio.read(_ixdat_export(tmp_path / "co_strip.csv", names, rows, aliases))
    np.testing.assert_allclose(m.data[sio.VOLTAGE], E_V)
    np.testing.assert_allclose(m.data[sio.CURRENT], 1e-3 * I_MA)
    charge_Ah = np.trapezoid(1e-3 * I_MA, T_S) / 3600.0
    assert m.data[sio.CAPACITY].iloc[-1] == pytest.approx(charge_Ah, rel=1e-6)


def test_a_mapping_given_by_the_user_wins_over_the_aliases_line(tmp_path):
    """Guard: the user's column for the voltage is kept; the aliases fill in only the rest."""
    names = ["time/s", "$U_{RHE}$ / [V]", "E_raw / [V]", "<I>/mA"]
    rows = np.column_stack([T_S, E_V, E_V - 0.5, I_MA])
    aliases = '{"t": ["time/s"], "raw_potential": ["$U_{RHE}$ / [V]"], "raw_current": ["<I>/mA"]}'
    path = _ixdat_export(tmp_path / "mapped.csv", names, rows, aliases)
    m = sio.read(path, columns={"voltage": "E_raw / [V]"})
    np.testing.assert_allclose(m.data[sio.VOLTAGE], E_V - 0.5)
    np.testing.assert_allclose(m.data[sio.CURRENT], 1e-3 * I_MA)


def test_an_aliases_line_outside_an_ixdat_export_is_not_read(tmp_path):
    """Guard: only a file that says it is an ixdat export has its aliases taken as roles."""
    path = tmp_path / "other.csv"
    lines = ['aliases = {"raw_potential": ["Foo / [V]"]}', "", "Time [s],Foo / [V],Current [mA]"]
    lines += [f"{t},{e},{i}" for t, e, i in zip(T_S, E_V, I_MA, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        sio.read(path)
    assert "Voltage" in str(err.value)


@pytest.mark.parametrize(
    ("header", "stem", "unit"),
    [
        ("$U_{RHE}$ / [V]", "$U_{RHE}$", "V"),
        ("J / [mA cm$^{-2}$]", "J", "mA cm^-2"),
        ("I [$\\mu$A]", "I", "uA"),
        ("Time [h]", "Time", "h"),  # unchanged
        ("Ewe/V", "Ewe", "V"),  # unchanged
    ],
)
def test_units_in_brackets_after_a_slash_and_in_tex(header, stem, unit):
    """ "stem / [unit]" gives the stem without its slash; TeX markup is not part of a unit.

    Before: ``split_header("$U_{RHE}$ / [V]")`` kept the slash in the stem and
    ``"mA cm$^{-2}$"`` was refused by :func:`unit_factor` as holding a lost character.
    """
    assert split_header(header) == (stem, unit)


def test_a_tex_current_density_unit_converts():
    """1 mA cm-2 written in TeX is 10 A m-2."""
    unit = split_header("J / [mA cm$^{-2}$]")[1]
    assert unit_factor(unit, "A/m**2", what="current density", path="twin") == pytest.approx(10)


def test_eclab_charge_in_coulombs_is_converted_to_ampere_hours(tmp_path):
    """Guard (read right before this session): EC-Lab's "(Q-Qo)/C" is in coulombs."""
    header = "mode\tox/red\ttime/s\tEwe/V\t<I>/mA\tcycle number\t(Q-Qo)/C\tNs\n"
    q_C = np.r_[0.0, np.cumsum(1e-3 * I_MA[1:] * np.diff(T_S))]
    rows = "".join(
        f"2\t1\t{t:.6E}\t{e:.7E}\t{i:.7E}\t1\t{q:.7E}\t0\n"
        for t, e, i, q in zip(T_S, E_V, I_MA, q_C, strict=True)
    )
    text = "EC-Lab ASCII FILE\nNb header lines : 5\n\nCyclic Voltammetry Advanced\n\n"
    path = tmp_path / "cva.mpt"
    path.write_text(text + header + rows, encoding="cp1252")
    m = sio.read(path)
    np.testing.assert_allclose(m.data[sio.CAPACITY], q_C / 3600.0, rtol=1e-6, atol=1e-15)


# PNE Solution (CTSPro) CSV export of a cycler channel, as public analysis code of Korean
# pouch-cell tests reads it (its column list: a project plan in a public repository, and unit
# tests there that write "StepNo,Voltage(V),Current(mA),TotTime(H:M:S)" rows in cp949): 39
# columns, the cell's current in mA, the test time "TotTime(H:M:S)" written " HH:MM:SS.cs"
# beside the step's "StepTime(H:M:S)", the capacity "Capacity(mAh)" counted per step and
# unsigned, the cycle count over the test "TotCycle" beside "CurCycle". No text is copied.
PNE_COLUMNS = (
    "State,Voltage(V),Current(mA),Capacity(mAh),Impedance(mΩ),Code,StepTime(H:M:S),"
    "TotTime(H:M:S),Grade,StepNo,Power(mW),wattHour(mWh),Temp(°C),Press,Type,CurCycle,"
    "TotCycle,TestName,Schedule,Channel,Module,Serial,DataSequence,Avg. Crt,Avg. Vtg,"
    "Capa. Sum(mAh),Char. Cap.(mAh),Dischar. Cap.(mAh),Meter,Start Time,End Time,SharingInfo,"
    "Goto Count,WattHour. Sum(mWh),Char. WattHour(mWh),DisChar. WattHour(mWh),"
    "Integral Cap.(mAh),Integral WattHour(mWh),CV Time(H:M:S)"
).split(",")


def _hms(t_s: float) -> str:
    h, rest = divmod(t_s, 3600.0)
    m, s = divmod(rest, 60.0)
    return f" {int(h):02d}:{int(m):02d}:{s:05.2f}"


def _pne_export(path: Path) -> Path:
    """Rest 10 min, charge at +100 mA for 1 h, rest 10 min, discharge at -100 mA for 1 h."""
    plan = (("Rest", 1, 0.0, 0.0, 600.0), ("Charge", 2, 100.0, 600.0, 4200.0))
    plan += (("Rest", 3, 0.0, 4200.0, 4800.0), ("Discharge", 4, -100.0, 4800.0, 8400.0))
    rows, seq = [], 0
    for kind, step, i_mA, t0, t1 in plan:
        for t in np.arange(t0, t1 + 1.0, 300.0):
            seq += 1
            q_mAh = abs(i_mA) * (t - t0) / 3600.0
            cells = dict.fromkeys(PNE_COLUMNS, "0")
            cells.update(
                {
                    "State": kind[0],
                    "Voltage(V)": f"{3.6 + 0.3 * (t - t0) / 3600.0 * np.sign(i_mA):.4f}",
                    "Current(mA)": f"{i_mA:.3f}",
                    "Capacity(mAh)": f"{q_mAh:.4f}",
                    "StepTime(H:M:S)": _hms(t - t0),
                    "TotTime(H:M:S)": _hms(t),
                    "StepNo": str(step),
                    "Type": kind,
                    "CurCycle": "1",
                    "TotCycle": "1",
                    "DataSequence": str(seq),
                    "CV Time(H:M:S)": _hms(0.0),
                }
            )
            rows.append(",".join(cells[c] for c in PNE_COLUMNS))
    path.write_text(",".join(PNE_COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="cp949")
    return path


def test_pne_export_is_read_from_its_total_time_column(tmp_path):
    """PNE's "TotTime(H:M:S)" is the test time, "TotCycle" the cycle.

    Before: refused, "no column for Time [s]". After: the time runs 0 .. 8400 s, the current
    is +0.1 A on charge and -0.1 A on discharge, the net charge is 0.1 A.h at the end of the
    charge and 0 at the end, from the per-step capacity counter.
    """
    m = sio.read(_pne_export(tmp_path / "pne.csv"))
    d = m.data
    assert d[sio.TIME].iloc[0] == 0.0
    assert d[sio.TIME].iloc[-1] == pytest.approx(8400.0)
    assert d[sio.CURRENT].max() == pytest.approx(0.1)
    assert d[sio.CURRENT].min() == pytest.approx(-0.1)
    end_of_charge = d[sio.TIME].sub(4200.0).abs().idxmin()
    assert d[sio.CAPACITY].iloc[end_of_charge] == pytest.approx(0.1, rel=1e-3)
    assert d[sio.CAPACITY].iloc[-1] == pytest.approx(0.0, abs=1e-6)
    assert set(d[sio.CYCLE]) == {1}


# CH Instruments chronopotentiometry text export, potential only (the currents are in the
# header), in the layout of the CHI twins of a public electrochemistry parser's tests (an
# "ecat" package, repository not identified, licence unknown: layout only; its test
# ``test_cp_parsers_expose_same_core_data_and_metadata``): header
# "Cathodic Current (A) = ...", "Anodic Current (A) = ...", "Init P/N = N", "Cathodic Time (s)",
# "Anodic Time (s)", "Segment = 2", then "Time/sec, Potential/V" rows from t = 0 to the end
# of the programme. No text is copied.
def _chi_cp(path: Path, times: np.ndarray, potentials: np.ndarray) -> Path:
    head = [
        "Jan. 27, 2022   13:43:22",
        "Chronopotentiometry",
        "Instrument Model:  CHI760E",
        "Cathodic Current (A) = -0.025",
        "Anodic Current (A) = 0.025",
        "Init P/N = N",
        "Data Storage Interval (s) = 2.0",
        "High E Limit (V) = 1.08",
        "Low E Limit (V) = 0.38",
        "Cathodic Time (s) = 10",
        "Anodic Time (s) = 10",
        "Quiet Time (sec) = 2",
        "Segment = 2",
        "Time/sec, Potential/V",
    ]
    rows = [f"{t:.4f}, {e:.3f}" for t, e in zip(times, potentials, strict=True)]
    path.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    return path


def test_chi_cp_sample_at_the_end_of_the_programme_is_read(tmp_path):
    """Samples every 2 s from 0 to 20 s over two 10 s segments: the 20 s sample closes the
    last segment.

    Before: refused, "runs on past its 2 segment(s) (row 11 at 20 s)". After: read, cathodic
    -25 mA first ("Init P/N = N"), anodic +25 mA in the second segment, the last row too.
    """
    t = np.arange(0.0, 20.0 + 1e-9, 2.0)
    e = np.where(t < 10.0, 0.70 - 0.005 * t, 0.65 + 0.005 * (t - 10.0))
    m = sio.read(_chi_cp(tmp_path / "cp.txt", t, e))
    i = m.data[sio.CURRENT].to_numpy()
    assert len(i) == t.size
    np.testing.assert_allclose(i[t < 10.0], -0.025)
    np.testing.assert_allclose(i[t > 10.0], 0.025)


def test_chi_cp_current_keeps_the_sign_its_programme_gives(tmp_path):
    """The sign of a current rebuilt from "Anodic"/"Cathodic" and "Init P/N" is not overruled
    by the voltage's course.

    The potential here rises while the programme is cathodic and falls while it is anodic
    (the course of the public twin's three rows, 0.700, 0.750, 0.690 V). Before: the reader
    turned the sign round ("the file counts the current positive on discharge"). After: the
    first segment stays cathodic (negative), as "Init P/N = N" states.
    """
    t = np.arange(0.0, 18.0 + 1e-9, 2.0)
    e = np.where(t < 10.0, 0.70 + 0.005 * t, 0.75 - 0.005 * (t - 10.0))
    m = sio.read(_chi_cp(tmp_path / "cp.txt", t, e))
    i = m.data[sio.CURRENT].to_numpy()
    np.testing.assert_allclose(i[t < 10.0], -0.025)
    np.testing.assert_allclose(i[t > 10.0], 0.025)
    assert not any("positive on discharge" in note for note in m.notes)


@pytest.mark.parametrize(
    ("name", "first_line", "what"),
    [
        # hz-b/bessyii_devices' test data multi_technique_01_CV_C01.mpl (layout only)
        ("run_CV_C01.mpl", "EC-Lab LOG FILE", "log"),
        # jdhuang-csm/biologic-com's CP.mps (layout only)
        ("CP.mps", "EC-LAB SETTING FILE", "settings"),
        # m0l0t0ph/thesis' LLTO_LP30_LTO_05_GCPL_C01_LOOP.txt (layout only)
        ("run_GCPL_C01_LOOP.txt", "VMP EXPERIMENT LOOP INDEXES", "loop index"),
    ],
)
def test_eclab_companion_files_are_refused_as_such(tmp_path, name, first_line, what):
    """EC-Lab's log, settings and loop-index files hold no data rows.

    Before: "cannot parse it as a '\\t'-separated table" or a list of unrecognised columns.
    After: the message says which EC-Lab file it is and to read the .mpr or .mpt instead.
    """
    body = {
        "log": "\nCyclic Voltammetry\n\nRun on channel : 1 (SN 1)\nDevice : SP-300 (SN 1)\n"
        "Ei (V)              0.000               \nvs.                 Eoc                 \n",
        "settings": "\nNumber of linked techniques : 1\n\nDevice : SP-150\n\nTechnique : 1\n"
        "Chronopotentiometry\nIs                  0.000               -1.000              \n",
        "loop index": "0\n3601\n7428\n11270\n",
    }[what]
    path = tmp_path / name
    path.write_text(first_line + "\n" + body, encoding="latin-1")
    with pytest.raises(DataFormatError) as err:
        sio.read(path)
    message = str(err.value)
    assert what in message and "no measured data" in message
    assert ".mpr" in message and ".mpt" in message


# datalab's export of an Arbin test (datalab-org/datalab, MIT licence:
# pydatalab/example_data/echem/arbin_example.bdf.csv): Arbin's raw channel columns
# (Test_Time, Current, Voltage, Charge_Capacity ... without units: s, A, V, A.h) followed by
# datalab's own and Battery Data Format columns ("Test Time / s", "Voltage / V",
# "Current / A", "Charging Capacity / Ah"), where the BDF current is a thousand times smaller
# than Arbin's (86.5e-6 A beside 86.5e-9 "A"). No text is copied.
ARBIN_BDF_HEADER = (
    "Test_ID,Test_Time,Step_Time,DateTime,Step_Index,Cycle_Index,Is_FC_Data,Current,Voltage,"
    "Charge_Capacity,Discharge_Capacity,Charge_Energy,Discharge_Energy,dV/dt,"
    "Internal_Resistance,AC_Impedance,ACI_Phase_Angle,state,cycle change,half cycle,Capacity,"
    "Time,full cycle,Test Time / s,Voltage / V,Current / A,Cycle Count / 1,Step Index / 1,"
    "Step Count / 1,Charging Capacity / Ah,Discharging Capacity / Ah"
)


def _arbin_bdf(path: Path) -> Path:
    rows = []
    q_Ah = 0.0
    for k, t in enumerate(np.arange(0.0, 3600.0 + 1.0, 120.0)):
        i_A = 0.0 if k < 5 else 86.5e-6
        if k:
            q_Ah += i_A * 120.0 / 3600.0
        step = 1 if k < 5 else 2
        v = 3.74 if k < 5 else 3.80 + 1e-5 * t
        cells = [1, t, t, 45133.0 + t / 86400.0, step, 1, 0, i_A, v, q_Ah, 0, 0, 0, 0, 0, 0, 0]
        cells += ["R" if k < 5 else 0, False, 0 if k < 5 else 1, q_Ah, t, 1.0, t, v]
        cells += [i_A * 1e-3, 1.0, step, step, q_Ah * 1e-3, 0.0]
        rows.append(",".join(str(c) for c in cells))
    path.write_text(ARBIN_BDF_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_current_written_twice_in_different_units_is_noted(tmp_path):
    """Arbin's current and a copy 1000 times smaller: the first is read and the note says so.

    Before: the other column was passed over in silence. After: a note gives the factor
    (0.001) and how to read the other column; the current read is Arbin's, consistent with
    its charge counter (86.5 uA over 26 intervals of 120 s = 7.50e-5 A.h).
    """
    m = sio.read(_arbin_bdf(tmp_path / "arbin_example.bdf.csv"))
    assert m.data[sio.CURRENT].max() == pytest.approx(86.5e-6)
    rival = [n for n in m.notes if "holds the current twice" in n]
    assert len(rival) == 1 and "0.001" in rival[0] and "Current / A" in rival[0]
    assert m.data[sio.CAPACITY].iloc[-1] == pytest.approx(86.5e-6 * 26 * 120.0 / 3600.0, rel=1e-6)


def test_a_quantity_written_twice_in_two_units_that_agree_is_not_noted(tmp_path):
    """Guard: "Voltage (V)" beside "Voltage (mV)" with the same values in SI is no conflict,
    nor is a pack's voltage beside one cell's (a factor 3, no unit prefix)."""
    t = np.arange(0.0, 600.0, 60.0)
    v = 3.7 + 1e-4 * t
    lines = ["Time (s),Voltage (V),Voltage (mV),Cell Voltage (V),Current (mA)"]
    lines += [f"{a},{3 * b},{3e3 * b},{b},{1.0}" for a, b in zip(t, v, strict=True)]
    path = tmp_path / "two_units.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert not any("twice" in n for n in m.notes)
