"""Round trips through the layouts added in session 14: simulate with solidna -> write the result
as the instrument writes it (units, signs, decimal commas, encodings) -> ``solidna analyze``
(the Python ``analyze`` and the command line) -> the parameters that made the data.

The readers' own tests (tests/unit/test_instruments_s14.py, test_cyclers_s14.py,
test_surface_s14.py) use hand-made twins of a known RC circuit or a square-wave record; here the
data are the models' own, so the chain reader -> analysis is checked on what the analysis is
for. Every file is a synthetic twin written by the test; the layouts (not files) come from the
public sources those unit tests cite:

* PalmSens PSTrace CSV (UTF-16, ``freq / Hz,Z' / Ohm,-Z'' / Ohm,...``): matkrin/proespm-py3
  ``src/proespm/ec/PalmSens/eis.py`` (GPL-3.0);
* Metrohm NOVA, one table per scan under its own names row, ``;`` and decimal commas;
* Agilent/Keysight 4294A two-trace text (``|Z|-theta``, trace A |Z|, trace B the phase, the
  frequency sweeping up): ethz-pes/impedance_analyzer_4294A_matlab ``utils/read_4294A.m``
  (BSD-2-Clause). The analyser measures from 40 Hz up; the spectrum written here spans the
  cell's 1 MHz - 0.1 mHz so that every layout holds the same data: the layout is what is tested;
* Ivium ``.idf`` (``primary_data``, 3, the row count, rows ``Z' Z'' f``, ISO-8859-1, CRLF):
  vyrjana/pyimpspec ``src/pyimpspec/data/formats/ids.py`` (GPL-3.0);
* Zahner Thales ASCII (``LOGF LOGZm Phim``, tab-separated, decimal commas, ISO-8859-1): the
  ``txt2df`` documentation of a public R package for Zahner data;
* Landt/LANHE workbooks (``Record`` going on in ``Record1`` without a header) and Landt's CSV of
  all layers (cycle, step and record tables one below the other, ``h:mm:ss.fff`` times, the
  ``StepStatus`` CCC/CCD/R and an unsigned current): navani ``navani/echem.py`` (MIT) and a
  public LAND CSV parser, as in test_cyclers_s14.py;
* Thermo Avantage "Export to Excel" (one sheet per region, names over units, the data column
  unnamed, a ``Peak Table`` sheet first), as in test_instruments_s14.py;
* Gwyddion ``.gwy`` (GwyContainer of GwyDataFields with GwySIUnits) as gwyddion.net's "Gwyddion
  native file format" page documents it (the layout only; Gwyddion is GPL-2), channels in the
  order an AFM writes them (amplitude and phase before the height);
* a force-distance table with the units in its header (``Height (nm)<TAB>Force (nN)``), as
  curve software and spreadsheets save it (no vendor layout).

What is compared, and why the tolerances are what they are:

* EIS: the fitted R0 against the bulk resistance from the parameters within three of the fit's
  standard errors (as tests/physics/test_roundtrip_s13.py), and the DRT's R_hf within 0.5 % of it
  (the accuracy the DRT documents for R_hf, tests/physics/test_drt_rinf_s14.py). Every layout's
  rounding (7 significant digits at the least) is far below the fit's errors;
* cycling: capacities and efficiencies per cycle against the model's, within the rounding of the
  file (the time to 1 ms, the current to 6 significant digits: ``REL_FILE``);
* cycling past a day (Landt's day counts, Chinese names in GBK): the per-cycle overpotentials
  within the file's 10-uV rounding of the voltage;
* CV: the record's scan rate from its time column (in min or ms) within 1e-5 (the model turns
  smoothly at its vertices, ``VERTEX_REL``) and the model fit's exchange current (``CV_REL`` of
  test_roundtrip_s13.py);
* AFM: a Hertz (paraboloid) curve of known E written in nm, E back within the rounding;
* XPS: Gaussian peaks of known areas in C 1s and O 1s sheets, the atomic ratio back;
* topography: a sine surface in the height channel, Sq back after the analysis' own plane
  levelling (repeated here with NumPy's least squares).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import solidna.analysis.io as sio
from _twins import write_4294a, write_gwy
from solidna import NVPCell, SymmetricCell, cli, lu2019
from solidna.analysis.pipeline import analyze
from solidna.models.nvp import active_mass_kg_m2
from solidna.models.solve import symmetric_parameter_values

#: A 10-mm disc [cm2] and a 12-mm disc [cm2]: areas that are not 1, so a lost area factor shows.
DISC_10MM_CM2 = 0.785
DISC_12MM_CM2 = 1.13
#: Standard errors within which a fitted value must hold the true one (3 sigma: 99.7 %).
N_SIGMA = 3.0
#: The DRT's R_hf against the bulk resistance (test_drt_rinf_s14.py: within 0.5 % with 0.5 %
#: noise; here there is none but the files' rounding).
R_HF_RTOL = 0.005
#: Capacities from a file whose time is rounded to 1 ms and current to 6 significant digits: the
#: integral over a half cycle of ~2000 samples errs by < 1e-6; 1e-5 leaves a margin of 10 and
#: still catches a lost sample, a missed sheet or a wrong unit.
REL_FILE = 1e-5
#: The model's CV turns smoothly at its vertices (1.1 uV short of 0.3 V at 20 mV/s, 15 s from the
#: start): the scan rate over a sweep's end samples [-] and the vertices [V] within these.
VERTEX_REL, VERTEX_V = 1e-5, 1e-5
#: As tests/physics/test_roundtrip_s13.py: the model fit of a noise-free CV recovers i0 within 1 %.
CV_REL = 0.01


# --------------------------------------------------------------------------------------------
# Impedance
# --------------------------------------------------------------------------------------------
def _bulk_resistance_ohm_m2(cell: SymmetricCell) -> float:
    """L / kappa of the fresh cell [Ohm.m2] (its SSE has no degraded layer yet)."""
    st = cell.initial_state
    v = symmetric_parameter_values(cell.parameters, cell.anode, (st["left"], st["right"]))
    return v["SSE thickness [m]"] / v["SSE conductivity [S.m-1]"]


@pytest.fixture(scope="module")
def spectrum() -> tuple[np.ndarray, np.ndarray, float]:
    """Frequency [Hz], impedance of the 10-mm cell [Ohm] and R_b [Ohm.m2] of the modified cell."""
    cell = SymmetricCell("modified")
    spec = cell.eis("1 MHz", "0.1 mHz", 10).timeseries
    f = spec["Frequency [Hz]"].to_numpy()
    z = (spec["Z_re [Ohm.cm2]"] + 1j * spec["Z_im [Ohm.cm2]"]).to_numpy() / DISC_10MM_CM2
    return f, z, _bulk_resistance_ohm_m2(cell)


def _pstrace(path: Path, f: np.ndarray, z: np.ndarray) -> None:
    """PSTrace: UTF-16, CRLF, the curve's title and date over ``freq / Hz,Z' / Ohm,-Z'' / Ohm``,
    ``%.6E`` numbers (7 significant digits)."""
    names = "freq / Hz,Z' / Ohm,-Z'' / Ohm,Z / Ohm,-Phase / deg,Idc / uA,Cs / F"
    rows = [
        "Date and time:,2024-11-05 14:02:11",
        "Notes:,",
        "",
        "Impedance Spectroscopy: EIS 1" + "," * 6,
        "Date and time measurement:,2024-11-05 14:02:11" + "," * 5,
        names,
    ]
    rows += [
        f"{x:.6E},{v.real:.6E},{-v.imag:.6E},{abs(v):.6E},{-np.degrees(np.angle(v)):.6E},"
        f"0.0E+00,{-1 / (2 * np.pi * x * v.imag):.6E}"
        for x, v in zip(f, z, strict=True)
    ]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-16")


def _nova(path: Path, f: np.ndarray, z: np.ndarray, scans: int = 2) -> None:
    """NOVA: one table per scan under its own names row, ``;`` and decimal commas."""
    head = ";".join(["Index", "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)", "Z (Ω)", "-Phase (°)"])
    out = []
    for s in range(scans):
        out += ([""] if s else []) + [head]
        for k, (x, v) in enumerate(zip(f, z, strict=True)):
            values = (x, v.real, -v.imag, abs(v), -np.degrees(np.angle(v)))
            out.append(";".join([str(k + 1)] + [f"{w:.8E}".replace(".", ",") for w in values]))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _a4294(path: Path, f: np.ndarray, z: np.ndarray) -> None:
    """4294A, ``IMPEDANCE MAG PHASE (DEG)``: trace A |Z|, trace B theta, sweeping up."""
    write_4294a(path, f, "IMPEDANCE MAG PHASE (DEG)", abs(z), np.degrees(np.angle(z)), 11)


def _ivium(path: Path, f: np.ndarray, z: np.ndarray) -> None:
    """Ivium .idf: settings, then ``primary_data``, 3, the row count and rows ``Z' Z'' f``."""
    out = ["[Method]", "Title=cell 1", "Technique=Impedance", "Method=EIS", "Mode=Standard"]
    out += ["primary_data", "3", str(f.size)]
    out += [f"  {v.real:.6E} {v.imag:.6E} {x:.6E}" for x, v in zip(f, z, strict=True)]
    path.write_text("\r\n".join(out + ["", "[Analysis]", "x=1"]) + "\r\n", encoding="latin-1")


def _zahner(path: Path, f: np.ndarray, z: np.ndarray) -> None:
    """Zahner Thales: ``LOGF LOGZm Phim``, tab-separated, decimal commas, ISO-8859-1."""
    head = ["Time     : 10:01:02 - 10:20:30", "Potential : 0.000V", "Current   : 0.000A", ""]
    rows = [
        "\t".join(
            f"{w:.8f}".replace(".", ",")
            for w in (np.log10(x), np.log10(abs(v)), np.degrees(np.angle(v)))
        )
        for x, v in zip(f, z, strict=True)
    ]
    text = "\r\n".join(head + ["LOGF\tLOGZm\tPhim"] + rows) + "\r\n"
    path.write_text(text, encoding="latin-1")


#: layout -> (writer, file name, the format name the reader gives)
EIS_LAYOUTS = {
    "pstrace": (_pstrace, "cell.csv", "pstrace-eis"),
    "nova": (_nova, "cell.txt", "eis-blocks"),
    "keysight-4294a": (_a4294, "cell.txt", "keysight-4294a"),
    "ivium": (_ivium, "cell.idf", "ivium-eis"),
    "zahner": (_zahner, "cell.txt", "zahner-eis"),
}


def _check_eis_row(row: dict, r_b: float) -> None:
    assert row["Rs [Ohm]"] == pytest.approx(row["R0 [Ohm.m2]"] / (DISC_10MM_CM2 * 1e-4), rel=1e-9)
    assert abs(row["R0 [Ohm.m2]"] - r_b) <= N_SIGMA * row["R0 std [Ohm.m2]"], (
        row["R0 [Ohm.m2]"] / r_b - 1,
        row["R0 std [Ohm.m2]"] / r_b,
    )


def _eis_round_trip(spectrum, layout: str, tmp_path: Path, drt: bool) -> None:
    f, z, r_b = spectrum
    write, name, fmt = EIS_LAYOUTS[layout]
    path = tmp_path / name
    write(path, f, z)
    assert sio.detect_format(path) == fmt
    summary = analyze([path], "eis", tmp_path / "out", area=f"{DISC_10MM_CM2} cm2", drt=drt)
    files = summary["results"]["files"]
    rows = [files[path.name]] if path.name in files else [files[k] for k in sorted(files)]
    assert len(rows) == (2 if layout == "nova" else 1), list(files)
    for row in rows:
        _check_eis_row(row, r_b)
    if not drt:
        return
    drt_result = summary["results"]["DRT"][path.name]
    # a file of several spectra holds one DRT per spectrum, under its label
    drts = [drt_result] if "R_hf [Ohm.m2]" in drt_result else list(drt_result.values())
    assert len(drts) == len(rows)
    for res in drts:
        assert res["R_hf [Ohm.m2]"] == pytest.approx(r_b, rel=R_HF_RTOL)


@pytest.mark.parametrize("layout", list(EIS_LAYOUTS))
def test_eis_layouts_recover_the_bulk_resistance(spectrum, layout, tmp_path):
    """R0 of the one-arc fit and the DRT's R_hf of the spectrum, written in each new layout, hold
    the bulk resistance; the reader is the one the layout names. NOVA's two scans: R0 here, the
    DRTs of both (drt_evolution, 12-15 s) in the slow twin below."""
    _eis_round_trip(spectrum, layout, tmp_path, drt=layout != "nova")


@pytest.mark.slow
def test_eis_nova_scans_drt_recovers_the_bulk_resistance(spectrum, tmp_path):
    """The DRT of each of NOVA's two scans (the fast twin: R0 of both, above)."""
    _eis_round_trip(spectrum, "nova", tmp_path, drt=True)


def test_eis_layout_from_the_command_line_with_its_format(spectrum, tmp_path):
    """``solidna analyze cell.idf --kind eis --format ivium-eis --area "0.785 cm2"``."""
    f, z, r_b = spectrum
    path = tmp_path / "cell.idf"
    _ivium(path, f, z)
    out = tmp_path / "out"
    args = ["analyze", str(path), "--kind", "eis", "--format", "ivium-eis"]
    ran = CliRunner().invoke(cli.app, [*args, "--area", f"{DISC_10MM_CM2} cm2", "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    row = json.loads((out / "summary.json").read_text())["results"]["files"][path.name]
    _check_eis_row(row, r_b)


# --------------------------------------------------------------------------------------------
# Landt / LANHE cycling
# --------------------------------------------------------------------------------------------
LANDT_MODES = {1: "CCC", -1: "CCD", 0: "R"}


@pytest.fixture(scope="module")
def nvp_run():
    cell = NVPCell(anode="M-Na")
    res = cell.cycle(c_rate=1, cycles=3)
    loading_mg_cm2 = active_mass_kg_m2(cell.parameters) * 1e6 / 1e4
    return cell, res, loading_mg_cm2 * DISC_12MM_CM2 * 1e-3


def _landt_record(res, mass_g: float) -> pd.DataFrame:
    """The run as a Landt record: test and step time [s], cycle, step (a new one where the
    current changes direction), signed current [mA] (charge positive, the cycler's sign),
    voltage [V] and the step's capacity [mA.h] (the trapezoid of |I|, as the cycler counts)."""
    ts = res.timeseries
    t = ts["Time [h]"].to_numpy() * 3600
    i = -ts["Current density [mA.cm-2]"].to_numpy() * DISC_12MM_CM2
    sign = np.sign(i).astype(int)
    step = np.concatenate([[1], 1 + np.cumsum(sign[1:] != sign[:-1])])
    start = np.array([t[step == s][0] for s in step])
    q = np.zeros_like(t)
    for s in np.unique(step):
        k = np.flatnonzero(step == s)
        dq = np.abs(i[k][1:] + i[k][:-1]) / 2 * np.diff(t[k]) / 3600
        q[k] = np.concatenate([[0.0], np.cumsum(dq)])
    frame = pd.DataFrame(
        {
            "rec": np.arange(1, t.size + 1),
            "cycle": ts["Cycle"].to_numpy(),
            "step": step,
            "sign": sign,
            "t": t,
            "st": t - start,
            "v": ts["Voltage [V]"].to_numpy(),
            "i": i,
            "q": q,
        }
    )
    frame["spe"] = frame["q"] / (mass_g * 1e3) * 1e3  # mA.h/g
    return frame


def _duration(seconds: float) -> str:
    """Landt's ``h:mm:ss.fff`` (hours past 24)."""
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    return f"{h}:{m:02d}:{rest / 1000:06.3f}"


def _landt_workbook(path: Path, rec: pd.DataFrame) -> None:
    """LANDdt's workbook: ``Record`` with the header, the record going on in ``Record1``
    without one (LANDdt splits at its sheet length; here in two halves), a ``Cycle`` sheet."""
    openpyxl = pytest.importorskip("openpyxl")
    names = ["Index", "TestTime/h", "StepTime/h", "Voltage/V", "Current/mA", "Capacity/mAh"]
    names += ["SpeCap/mAh/g", "Energy/mWh"]
    rows = [
        [int(r.rec), r.t / 3600, r.st / 3600, r.v, r.i, r.q, r.spe, r.q * r.v]
        for r in rec.itertuples()
    ]
    half = len(rows) // 2
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, body in (("Record", [names, *rows[:half]]), ("Record1", rows[half:])):
        ws = wb.create_sheet(title)
        for row in body:
            ws.append(row)
    ws = wb.create_sheet("Cycle")
    ws.append(["Cycle", "CapC/mAh", "CapD/mAh"])
    wb.save(path)


def _landt_csv(path: Path, rec: pd.DataFrame) -> None:
    """Landt's CSV of all layers: the cycle and step tables, then the record (``StepStatus``
    CCC/CCD/R, the current unsigned, times ``h:mm:ss.fff``, the current to 6 significant
    digits), one below the other, blank lines between."""
    start = dt.datetime(2025, 3, 1, 10, 0, 0)
    cycles = ["Cycle,CapC/mAh,CapD/mAh,SpeCapC/mAh/g,SpeCapD/mAh/g,Efficiency/%"]
    steps = ["Step,CycleNo,Mode,Period,Capacity/mAh,SpeCap/mAh/g"]
    for s, part in rec.groupby("step"):
        steps.append(
            f"{s},{part.cycle.iloc[0]},{LANDT_MODES[part.sign.iloc[-1]]},"
            f"{_duration(part.st.iloc[-1])},{part.q.iloc[-1]:.6f},{part.spe.iloc[-1]:.4f}"
        )
    for c, part in rec.groupby("cycle"):
        qc = part[part.sign > 0].groupby("step").q.last().sum()
        qd = part[part.sign < 0].groupby("step").q.last().sum()
        cycles.append(f"{c},{qc:.6f},{qd:.6f},,,{100 * qd / qc:.2f}")
    record = [
        "Record,CycleNo,StepNo,StepStatus,TestTime,StepTime,SysTime,Voltage/V,Current/mA,"
        "Capacity/mAh,SpeCap/mAh/g,Energy/mWh"
    ] + [
        f"{r.rec},{r.cycle},{r.step},{LANDT_MODES[r.sign]},{_duration(r.t)},{_duration(r.st)},"
        f"{start + dt.timedelta(seconds=r.t):%Y/%m/%d %H:%M:%S},{r.v:.5f},{abs(r.i):.6g},"
        f"{r.q:.6f},{r.spe:.4f},{r.q * r.v:.6f}"
        for r in rec.itertuples()
    ]
    path.write_text("\n".join([*cycles, "", *steps, "", *record, ""]), encoding="utf-8")


def _check_nvp(table: pd.DataFrame, own: pd.DataFrame, loading_mg_cm2: float) -> None:
    assert list(table.index) == list(own.index) == [1, 2, 3]
    for measured, model, factor in (
        ("Specific discharge capacity [mA.h.g-1]", "Discharge capacity [mAh.g-1]", 1.0),
        ("Specific charge capacity [mA.h.g-1]", "Charge capacity [mAh.g-1]", 1.0),
        ("Areal discharge capacity [mA.h.cm-2]", "Discharge capacity [mAh.g-1]", loading_mg_cm2),
        ("Coulombic efficiency [%]", "Coulombic efficiency [-]", 100.0),
    ):
        np.testing.assert_allclose(
            table[measured],
            own[model] * factor / (1e3 if "Areal" in measured else 1.0),
            rtol=REL_FILE,
            err_msg=measured,
        )


@pytest.mark.parametrize("layout", ["workbook", "all-layer csv"])
def test_landt_layouts_recover_nvp_capacities(nvp_run, layout, tmp_path):
    """Per-cycle specific and areal capacities and coulombic efficiencies of an NVP run written
    as Landt writes it (mA, the mass in mg and the area in cm2 given)."""
    cell, res, mass_g = nvp_run
    rec = _landt_record(res, mass_g)
    if layout == "workbook":
        path = tmp_path / "nvp.xlsx"
        _landt_workbook(path, rec)
    else:
        path = tmp_path / "nvp.csv"
        _landt_csv(path, rec)
    m = sio.read(path)
    assert len(m.data) == len(rec)
    if layout == "workbook":
        # Capacity/mAh over SpeCap/mAh/g: the mass the cycler was given
        assert m.metadata["active mass [g]"] == pytest.approx(mass_g, rel=1e-9)
    mass = f"{mass_g * 1e3} mg"
    summary = analyze([path], "nvp", tmp_path / "out", mass=mass, area=f"{DISC_12MM_CM2} cm2")
    table = pd.read_csv(tmp_path / "out" / "tables" / "nvp.cycles.csv", index_col=0)
    _check_nvp(table, res.cycles(), mass_g * 1e3 / DISC_12MM_CM2)
    result = summary["results"][path.name]
    assert result["specific current [mA.g-1]"] == pytest.approx(
        cell.theoretical_capacity_mAh_g, rel=1e-3
    )


def test_landt_csv_from_the_command_line(nvp_run, tmp_path):
    """``solidna analyze nvp.csv --kind nvp --format csv --mass ... --area ...``."""
    cell, res, mass_g = nvp_run
    path = tmp_path / "nvp.csv"
    _landt_csv(path, _landt_record(res, mass_g))
    out = tmp_path / "out"
    args = [
        "analyze",
        str(path),
        "--kind",
        "nvp",
        "--format",
        "csv",
        "--mass",
        f"{mass_g * 1e3} mg",
    ]
    ran = CliRunner().invoke(cli.app, [*args, "--area", f"{DISC_12MM_CM2} cm2", "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    table = pd.read_csv(out / "tables" / "nvp.cycles.csv", index_col=0)
    _check_nvp(table, res.cycles(), mass_g * 1e3 / DISC_12MM_CM2)


@pytest.fixture(scope="module")
def symmetric_run():
    """30 h of 1-h half cycles at 0.5 mA/cm2: the record passes a day."""
    return SymmetricCell().cycle("0.5 mA/cm2", "1 h", "30 h")


def _landt_day_duration(seconds: float, style: str) -> str:
    """Landt's durations past a day: ``h:mm:ss.fff`` (hours past 24, ``style="h"``) or a day
    count before the clock, ``d-hh:mm:ss.fff`` or ``d.hh:mm:ss.fff``."""
    ms = int(round(seconds * 1000))
    days, rest = divmod(ms, 86_400_000)
    h, rest = divmod(rest, 3_600_000)
    m, rest = divmod(rest, 60_000)
    if style == "h":
        return f"{24 * days + h}:{m:02d}:{rest / 1000:06.3f}"
    clock = f"{h:02d}:{m:02d}:{rest / 1000:06.3f}"
    return f"{days}{style}{clock}" if days else clock


@pytest.mark.parametrize(
    ("style", "chinese", "encoding"),
    [("h", False, "utf-8"), ("-", True, "gbk"), (".", True, "utf-8")],
    ids=["hours utf-8", "day-dash chinese gbk", "day-dot chinese utf-8"],
)
def test_landt_all_layer_csv_of_a_symmetric_run_past_a_day(
    symmetric_run, style, chinese, encoding, tmp_path
):
    """A 30-h symmetric run as Landt's CSV of all layers, its names in English or Chinese (the
    Chinese export in GBK, as "蓝电数据工作台" writes it on a Chinese Windows), the durations
    past a day, the current unsigned with the step state: the per-cycle overpotentials come back
    within the file's 10 uV rounding of the voltage."""
    ts = symmetric_run.timeseries
    own = symmetric_run.cycles()
    t = ts["Time [h]"].to_numpy() * 3600
    i = ts["Current density [mA.cm-2]"].to_numpy() * DISC_10MM_CM2
    v = ts["Voltage [V]"].to_numpy()
    sign = np.sign(i).astype(int)
    step = np.concatenate([[1], 1 + np.cumsum(sign[1:] != sign[:-1])])
    cycle = (step + 1) // 2
    start = np.array([t[step == s][0] for s in step])
    if chinese:
        modes = {1: "恒流充电", -1: "恒流放电", 0: "搁置"}
        heads = (
            "循环序号,充电容量/mAh,放电容量/mAh,充放电效率/%",
            "工步序号,循环序号,工步状态,步骤时间,容量/mAh",
            "数据序号,循环序号,工步序号,工步状态,测试时间,步骤时间,绝对时间,电压/V,电流/mA",
        )
    else:
        modes = LANDT_MODES
        heads = (
            "Cycle,CapC/mAh,CapD/mAh,Efficiency/%",
            "Step,CycleNo,Mode,Period,Capacity/mAh",
            "Record,CycleNo,StepNo,StepStatus,TestTime,StepTime,SysTime,Voltage/V,Current/mA",
        )
    q = 0.5 * DISC_10MM_CM2  # mA.h per half cycle
    cycles = [heads[0]] + [f"{c},{q:.4f},{q:.4f},100.00" for c in np.unique(cycle)]
    steps = [heads[1]] + [
        f"{s},{(s + 1) // 2},{modes[1 if s % 2 else -1]},{_landt_day_duration(3600, style)},{q:.4f}"
        for s in np.unique(step)
    ]
    t0 = dt.datetime(2025, 3, 1, 10, 0, 0)
    record = [heads[2]] + [
        f"{k + 1},{cycle[k]},{step[k]},{modes[sign[k]]},{_landt_day_duration(t[k], style)},"
        f"{_landt_day_duration(t[k] - start[k], style)},"
        f"{t0 + dt.timedelta(seconds=float(t[k])):%Y/%m/%d %H:%M:%S},{v[k]:.5f},{abs(i[k]):.6g}"
        for k in range(t.size)
    ]
    path = tmp_path / "sym.csv"
    text = "\r\n".join([*cycles, "", *steps, "", *record]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    summary = analyze([path], "symmetric", tmp_path / "out", area=f"{DISC_10MM_CM2} cm2")
    result = summary["results"][path.name]
    assert result["cycles"] == len(own) == 15
    assert result["current density [mA.cm-2]"] == pytest.approx(0.5, rel=1e-5)
    assert result["half cycle [h]"] == pytest.approx(1.0, rel=1e-6)
    table = pd.read_csv(tmp_path / "out" / "tables" / "sym.cycles.csv", index_col=0)
    assert list(table.index) == list(own.index)
    # the voltage to 10 uV on overpotentials of ~400 mV: 2.5e-5 at most
    for column in (
        "Overpotential [mV]",
        "Stripping overpotential [mV]",
        "Plating overpotential [mV]",
    ):
        np.testing.assert_allclose(table[column], own[column], rtol=5e-5, err_msg=column)


# --------------------------------------------------------------------------------------------
# CV: the record's scan rate and the model fit's exchange current
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scan_rate_mV_s", "cycles", "time_unit", "scale"),
    [(20.0, 1, "min", 1 / 60), (5.0, 2, "ms", 1e3)],
    ids=["20 mV/s in min", "5 mV/s twice in ms"],
)
def test_cv_scan_rate_vertices_and_exchange_current(
    scan_rate_mV_s, cycles, time_unit, scale, tmp_path
):
    """The scan rate, vertices and sweeps ``analyze --kind cv`` states come from the record's
    own time and voltage (here in min or ms and mV), and the model fit's i0 is the model's."""
    key = "Modified exchange-current density [A.m-2]"
    ps = lu2019().updated({key: 8.0})
    cv = (
        SymmetricCell("modified", ps)
        .cv("-0.4 V", "0.3 V", f"{scan_rate_mV_s} mV/s", cycles=cycles)
        .timeseries
    )
    path = tmp_path / "cv.csv"
    pd.DataFrame(
        {
            f"Time [{time_unit}]": cv["Time [s]"] * scale,
            "Ewe [mV]": cv["Voltage [V]"] * 1e3,
            "I [mA]": cv["Current density [mA.cm-2]"] * DISC_10MM_CM2,
        }
    ).to_csv(path, index=False)
    summary = analyze([path], "cv", tmp_path / "out", area=f"{DISC_10MM_CM2} cm2")
    result = summary["results"]["cv.csv"]
    # the model rounds its vertices (0.3 V is reached as 0.299999 V at 20 mV/s): the rate over a
    # sweep's end samples is within 1e-6 of the set one, the vertices within 2 uV
    assert result["scan rate [mV.s-1]"] == pytest.approx(scan_rate_mV_s, rel=VERTEX_REL)
    assert result["lower vertex [V]"] == pytest.approx(-0.4, abs=VERTEX_V)
    assert result["upper vertex [V]"] == pytest.approx(0.3, abs=VERTEX_V)
    # 0 -> upper -> lower -> 0, and each further cycle's rise continues the last one's: an
    # up-and-down pair per cycle and one more rise
    assert result["sweeps"] == 2 * cycles + 1
    assert not any("different rates" in n for n in summary["notes"])
    fitted = result["model fit"]
    assert fitted["determined"]
    assert fitted["exchange current density [mA.cm-2]"] * 10 == pytest.approx(ps[key], rel=CV_REL)


# --------------------------------------------------------------------------------------------
# AFM: a Hertz curve of known modulus written as a table
# --------------------------------------------------------------------------------------------
#: The sample and probe: 20 kPa (a hydrogel), Poisson 0.3, a 2-um paraboloid tip on a 0.1 N/m
#: cantilever, a contact 1 um from the start of a 1.5-um approach (500 nm indentation, R/4:
#: Hertz's paraboloid holds and the report's R/2 note stays silent; 15 nN, 146 nm of bending).
E_PA, NU, TIP_RADIUS_M, K_N_M = 2e4, 0.3, 2e-6, 0.1
CONTACT_M, RAMP_M, N_RAMP = 1.0e-6, 1.5e-6, 600


def _hertz_table(path: Path, sep: str, decimal: str = ".") -> None:
    """Approach then retract: the cantilever base height in nm (larger = farther) and its
    deflection in nm (bending towards the sample negative: the other sign convention), each to
    8 significant digits. Hertz (1882): F = 4/3 E / (1 - nu^2) sqrt(R) d^1.5, written out here
    rather than taken from solidna. Pressed on, the cantilever bends away from the sample by F / k:
    the base runs that much farther towards it than the tip."""
    tip = np.linspace(RAMP_M, 0.0, N_RAMP)  # tip height, far to near [m]
    depth = np.clip(RAMP_M - CONTACT_M - tip, 0.0, None)
    force = 4 / 3 * E_PA / (1 - NU**2) * math.sqrt(TIP_RADIUS_M) * depth**1.5
    base = tip - force / K_N_M
    rows = [f"Height (nm){sep}Deflection (nm)"]
    for b, f in zip(np.r_[base, base[::-1]], np.r_[force, force[::-1]], strict=True):
        rows.append(f"{b * 1e9:.8g}{sep}{-f / K_N_M * 1e9:.8g}".replace(".", decimal))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_afm_hertz_table_recovers_the_modulus(tmp_path):
    path = tmp_path / "curve.txt"
    _hertz_table(path, "\t")
    summary = analyze(
        [path],
        "afm-force",
        tmp_path / "out",
        surface={"tip_radius": "2 um", "poisson": NU, "spring_constant": "0.1 N/m"},
    )
    entry = summary["results"]["curve.txt"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-4)
    assert any("'Deflection (nm)' falls in contact" in n for n in summary["notes"])
    assert not any("more than half the tip radius" in n for n in summary["notes"])


def test_afm_hertz_table_from_the_command_line(tmp_path):
    """``solidna analyze curve.csv --kind afm-force --spring-constant "0.1 N/m" ...``
    on the same curve, semicolon-separated."""
    path = tmp_path / "curve.csv"
    _hertz_table(path, ";")
    out = tmp_path / "out"
    args = ["analyze", str(path), "--kind", "afm-force", "--tip-radius", "2 um"]
    args += ["--poisson", str(NU), "--spring-constant", "0.1 N/m", "--out", str(out)]
    ran = CliRunner().invoke(cli.app, args)
    assert ran.exit_code == 0, ran.output
    entry = json.loads((out / "summary.json").read_text())["results"]["curve.csv"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-4)


# --------------------------------------------------------------------------------------------
# The command line: each new format name forced, and listed
# --------------------------------------------------------------------------------------------
NEW_FORMATS = [fmt for _, _, fmt in EIS_LAYOUTS.values()]


@pytest.mark.parametrize("layout", list(EIS_LAYOUTS))
def test_format_option_forces_each_new_reader(spectrum, layout, tmp_path):
    """``--format NAME`` on a file of that layout reads it as the detection does (the spectrum
    from 1 MHz to 10 Hz: the fit of R0 alone is what is checked here, fast)."""
    f, z, r_b = spectrum
    keep = f >= 10.0
    write, name, fmt = EIS_LAYOUTS[layout]
    path = tmp_path / name
    write(path, f[keep], z[keep])
    out = tmp_path / "out"
    args = ["analyze", str(path), "--kind", "eis", "--format", fmt, "--area", "0.785 cm2"]
    ran = CliRunner().invoke(cli.app, [*args, "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    files = json.loads((out / "summary.json").read_text())["results"]["files"]
    assert files, ran.output
    for row in files.values():
        assert row["Rs [Ohm]"] == pytest.approx(r_b / (DISC_10MM_CM2 * 1e-4), rel=0.01)


def test_format_option_of_another_layout_is_refused_with_a_message(spectrum, tmp_path):
    """A PSTrace file forced through the 4294A reader: a message naming the file, no
    traceback."""
    f, z, _ = spectrum
    path = tmp_path / "cell.csv"
    _pstrace(path, f, z)
    args = ["analyze", str(path), "--kind", "eis", "--format", "keysight-4294a"]
    ran = CliRunner().invoke(cli.app, [*args, "--out", str(tmp_path / "out")])
    assert ran.exit_code != 0
    assert "Traceback" not in ran.output and "cell.csv" in ran.output, ran.output


def test_help_lists_the_new_formats():
    """``solidna analyze --help`` names each new reader under ``--format`` (the help wraps
    lines at hyphens: compared with the white space taken out)."""
    ran = CliRunner().invoke(cli.app, ["analyze", "--help"], terminal_width=100)
    assert ran.exit_code == 0
    text = "".join(ran.output.split())
    for fmt in [*NEW_FORMATS, "workbook", "csv"]:
        assert fmt in text, fmt
    assert set(NEW_FORMATS) <= set(sio.FORMATS)


# --------------------------------------------------------------------------------------------
# XPS: Avantage workbook of peaks of known area
# --------------------------------------------------------------------------------------------
#: Scofield's (1976) Al K-alpha cross-section of O 1s relative to C 1s, as in solidna's rsf.toml.
RSF_O1S = 2.93
#: Gaussian peaks [eV] of 1.2 eV FWHM on a flat 500 counts/s background.
FWHM_EV, BACKGROUND_CPS = 1.2, 500.0


def _avantage_workbook(path: Path, regions: dict[str, tuple[float, float]]) -> None:
    """One sheet per region (``Binding Energy (E)`` over ``eV``, the counts under ``Counts / s``,
    Avantage's own background, peak and envelope columns beside), after a ``Peak Table``."""
    openpyxl = pytest.importorskip("openpyxl")
    sigma = FWHM_EV / (2 * math.sqrt(2 * math.log(2)))
    wb = openpyxl.Workbook()
    wb.active.title = "Peak Table"
    wb.active.append(["Name", "Peak BE", "FWHM eV", "Area (P) CPS.eV", "Atomic %"])
    for name, (centre, area) in regions.items():
        ws = wb.create_sheet(name)
        ws.append(["Experiment Descriptions :", *[None] * 6, "Acquisition Parameters"])
        ws.append([*[None] * 7, "Number of Scans", 50])
        ws.append([None] * 9)
        ws.append(["Binding Energy (E)", None, None, None, "Backgnd.", "Peak A", "Envelope"])
        ws.append(["eV", None, "Counts / s", None, "Counts / s", "Counts / s", "Counts / s"])
        be = np.round(np.arange(centre + 10, centre - 10, -0.05), 3)
        peak = area / (sigma * math.sqrt(2 * math.pi)) * np.exp(-0.5 * ((be - centre) / sigma) ** 2)
        for b, p in zip(be, peak, strict=True):
            total = float(p + BACKGROUND_CPS)
            ws.append([float(b), None, total, None, BACKGROUND_CPS, float(p), total])
    wb.save(path)


def test_avantage_workbook_atomic_ratio(tmp_path):
    """C : O = 3 : 1: the O 1s peak's area is a third of C 1s's times its sensitivity factor; the
    atomic % come back within 0.1 at.% (the fitted line shape is not the Gaussian written)."""
    path = tmp_path / "film.xlsx"
    _avantage_workbook(path, {"C1s Scan": (284.8, 30000.0), "O1s Scan": (531.5, 10000.0 * RSF_O1S)})
    summary = analyze([path], "xps", tmp_path / "out")
    result = summary["results"]["film.xlsx"]
    assert list(result["regions"]) == ["C1s Scan", "O1s Scan"]
    assert result["sensitivity factors"]["O 1s"] == pytest.approx(RSF_O1S)
    assert result["atomic % [at.%]"]["C 1s"] == pytest.approx(75.0, abs=0.1)
    assert result["atomic % [at.%]"]["O 1s"] == pytest.approx(25.0, abs=0.1)
    for region, centre in (("C1s Scan", 284.8), ("O1s Scan", 531.5)):
        (component,) = result["regions"][region]["components"]
        assert component.startswith(f"{centre:.2f} eV")


# --------------------------------------------------------------------------------------------
# Topography: the height channel of a .gwy whose first channels are not heights
# --------------------------------------------------------------------------------------------
NX, NY, PERIODS, AMPLITUDE_M = 64, 48, 4, 25e-9
SCAN_M = (5e-6, 3.75e-6)


def _gwy(path: Path, channels: list[tuple[str, np.ndarray, str]]) -> None:
    """A .gwy file of the channels (title, heights, value unit), x and y in m."""
    write_gwy(path, [(title, z, SCAN_M, "m", unit) for title, z, unit in channels])


def test_topography_height_channel_and_roughness(tmp_path):
    """Amplitude (V) and phase (deg) written before the height (m), as an AFM records them:
    ``analyze --kind topography`` reads the height and its Sq and Sa are those of the sine after
    the same least-squares plane (a sampled sine of whole periods has a slope: sum k sin(k) != 0)."""
    pytest.importorskip("SurfaceTopography")
    x = np.arange(NX)
    z = np.tile(AMPLITUDE_M * np.sin(2 * np.pi * PERIODS * x / NX), (NY, 1))
    path = tmp_path / "afm.gwy"
    _gwy(path, [("Amplitude", z * 1e3, "V"), ("Phase", z * 1e9, "deg"), ("Height", z, "m")])
    summary = analyze([path], "topography", tmp_path / "out")
    result = summary["results"]["afm.gwy"]
    assert result["channel"] == "Height"
    assert result["size [um]"] == pytest.approx([s * 1e6 for s in SCAN_M], rel=1e-12)
    assert result["level"] == "plane"
    yy, xx = np.mgrid[0:NY, 0:NX]
    design = np.column_stack([np.ones(z.size), xx.ravel(), yy.ravel()])
    coef, *_ = np.linalg.lstsq(design, z.ravel(), rcond=None)
    levelled = z.ravel() - design @ coef
    assert result["Sq [nm]"] == pytest.approx(np.sqrt(np.mean(levelled**2)) * 1e9, rel=1e-9)
    assert result["Sa [nm]"] == pytest.approx(np.mean(np.abs(levelled)) * 1e9, rel=1e-9)


@pytest.mark.parametrize("sep", ["\t", ";"], ids=["tab", "semicolon"])
def test_afm_table_with_decimal_commas(sep, tmp_path):
    """The same curve as a spreadsheet in a German, French or Spanish locale saves it
    (``1497,4958;-0,2``). Before: the rows were split at their commas or not read as numbers,
    and the file went to afmformats, which refused it ("Could not parse metadata correctly")."""
    path = tmp_path / "curve.csv"
    _hertz_table(path, sep, decimal=",")
    summary = analyze(
        [path],
        "afm-force",
        tmp_path / "out",
        surface={"tip_radius": "2 um", "poisson": NU, "spring_constant": "0.1 N/m"},
    )
    entry = summary["results"]["curve.csv"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-4)
    assert any("decimal commas read" in n for n in summary["notes"])
