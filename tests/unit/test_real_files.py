"""Real instrument files as labs produce them (issue 10): every file of ``../shared/data`` is read
right or refused clearly, with the values its upstream tests state, and analysed with a sensible
``--kind``; each defect class of the issue has a test on a real file, or on a small file built here
that reproduces the layout (the docstring says where the layout comes from).

The shared data live beside the repository (``<repo>/../shared/data``, as in CI); without them
these tests are skipped with that reason.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from _shared_data import shared_data
from solidna.analysis.io._table import EC_LAB_DEFAULT_AREA_CM2
from solidna.analysis.metrics import galvanostatic_cycles
from solidna.errors import DataFormatError

SHARED, needs_data = shared_data()
pytestmark = [
    needs_data,
    pytest.mark.filterwarnings("ignore::solidna.errors.SolidnaWarning"),
]
EIS = SHARED / "eis"

#: impedance.py's tests compare the readers' output with np.allclose (rtol 1e-5) or exact equality.
READER_RTOL = 1e-5
#: The notebook values of the ZPlot dummy circuits are printed with 3 significant digits.
NOTEBOOK_RTOL = 0.01
#: Reader counters against the integral of the current (as test_io_readers.py).
CHARGE_CONSISTENCY_REL = 0.02
#: Per-cycle capacities against the charge passed (metrics.CHARGE_BALANCE_REL).
CHARGE_BALANCE_REL = 0.005


def _z(m: sio.Measurement) -> tuple[np.ndarray, np.ndarray]:
    d = m.data
    return d[sio.FREQUENCY].to_numpy(), d[sio.Z_RE].to_numpy() + 1j * d[sio.Z_IM].to_numpy()


# --------------------------------------------------------------------------------------------
# Impedance exports (defect class 4): the values of impedance.py's test_preprocessing.py
# --------------------------------------------------------------------------------------------
IMPEDANCE_EXPORTS = [
    # file, format, n, f0, Z0, f_last, Z_last (shared/data/README.md)
    ("exampleDataGamry.DTA", "gamry-eis", 72, 200015.6, 825.8584 - 1367.239j, 0.0158898,
     17007.49 - 6635.557j),
    ("exampleDataGamryABORT.DTA", "gamry-eis", 72, 200015.6, 825.8584 - 1367.239j, 0.0158898,
     17007.49 - 6635.557j),
    ("exampleDataAutolab.txt", "autolab-eis", 41, 1.0e4, 0.01378586 + 0.00719195j, 0.1,
     0.03456978 - 0.00390293j),
    ("exampleDataParstat.txt", "parstat", 31, 1.0e4, -0.00049816 + 0.017514348j, 10.0,
     0.02709465 - 0.0039979108j),
    ("exampleDataPowersuite.txt", "powersuite-eis", 30, 0.1, 423929.46 - 49014.063j, 2.0e6,
     -470.54113 - 1397.7358j),
    ("exampleDataVersaStudio.par", "versastudio-eis", 61, 1.0e5, 55.31571 + 4.575431j,
     0.02154435, 1516.313 - 122.8279j),
    ("exampleDataZPlot.z", "zplot-eis", 21, 3.0e5, 147.77 - 11.335j, 3000, 613.68 - 137.13j),
    ("exampleDataZPlot_noComments.z", "zplot-eis", 31, 3.0e5, 642.62 - 85.821j, 300,
     1305.3 - 195.01j),
    ("exampleDataBioLogic.mpt", "biologic-mpt", 43, 1000.3201, 65.470886 - 0.38998979j,
     0.01689554, 110.97003 - 2.3458567j),
    ("exampleDataCHInstruments.txt", "chi-eis", 73, 9.961e4, 98.91 - 2.748j, 0.1,
     5685 - 15860j),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fmt", "n", "f0", "z0", "f1", "z1"), IMPEDANCE_EXPORTS)
def test_impedance_exports_read_with_upstream_values(name, fmt, n, f0, z0, f1, z1):
    m = sio.read(EIS / name, kind="impedance")
    assert m.format == fmt and m.kind == "impedance"
    f, z = _z(m)
    assert f.size == n
    np.testing.assert_allclose([f[0], f[-1]], [f0, f1], rtol=READER_RTOL)
    np.testing.assert_allclose([z[0], z[-1]], [z0, z1], rtol=READER_RTOL)
    assert (m.data[sio.SPECTRUM] == 1).all()


def test_gamry_aborted_run_gives_the_complete_runs_points():
    full, aborted = (
        sio.read(EIS / n) for n in ("exampleDataGamry.DTA", "exampleDataGamryABORT.DTA")
    )
    pd.testing.assert_frame_equal(full.data, aborted.data)


def test_biologic_text_without_frequency_is_refused_by_name():
    with pytest.raises(DataFormatError, match='"freq/Hz" not found in column headers'):
        sio.read(EIS / "exampleDataBioLogic_MissingFreq.mpt")


def test_parstat_is_a_mixed_file_giving_both_parts():
    """Parstat: 781 rows at 0 Hz (potential, current, time) and 31 impedance points."""
    path = EIS / "exampleDataParstat.txt"
    default = sio.read(path)
    assert default.kind == "timeseries" and len(default.data) == 781
    assert any("31 impedance points" in n for n in default.notes)
    assert sio.read(path, kind="impedance").metadata["parts"] == {
        "impedance": 31,
        "timeseries": 781,
    }


def test_gamry_zplot_refuse_the_other_part():
    with pytest.raises(DataFormatError, match="holds only an impedance spectrum.*kind='impedance'"):
        sio.read(EIS / "exampleDataGamry.DTA", kind="timeseries")


@pytest.mark.parametrize(
    ("name", "r0", "r1", "c1"),
    [
        ("Circuit1_EIS_1.z", 29.1, 46.7, 1.04e-5),
        ("Circuit1_EIS_2.z", 29.1, 46.7, 1.04e-5),
        ("Circuit2_EIS_1.z", 150, 502, 3.12e-8),
        ("Circuit3_EIS_2.z", 1510, 4630, 2.02e-8),
    ],
)
def test_zplot_dummy_circuits_fit_to_the_notebook_values(name, r0, r1, c1):
    """impedance.py's looping_files_example notebook: CustomCircuit('R0-p(R1,C1)'), unweighted."""
    from solidna.analysis.eis import fit_circuit

    f, z = _z(sio.read(EIS / name))
    fit = fit_circuit(f, z, "R0-p(R1,C1)", weight_by_modulus=False)
    p = fit.params_
    np.testing.assert_allclose([p["R0"], p["R1"], p["C1"]], [r0, r1, c1], rtol=NOTEBOOK_RTOL)


def test_drt_csv_with_index_column_and_freq_real_imag_headers():
    """pyDRTtools' 2XZARCequal.csv (',Freq,Real,Imag'): 81 points of the stated ground truth."""
    m = sio.read(SHARED / "drt" / "2XZARCequal.csv")
    f, z = _z(m)
    assert m.kind == "impedance" and f.size == 81
    np.testing.assert_allclose([f[0], f[-1]], [1e-2, 1e6])
    w = 2 * np.pi * f
    truth = 10 + 50 / (1 + (1j * w * 0.1) ** 0.8) + 50 / (1 + (1j * w * 1e-4) ** 0.8)
    # noise 0.5 Ohm (normal) in each part: 5 sigma
    assert np.max(np.abs(z - truth)) < 5 * 0.5 * np.sqrt(2)
    assert any("no unit in the header" in n for n in m.notes)


def test_headerless_f_zre_zim_csv_is_impedance_py_readcsv_layout(tmp_path):
    """The layout impedance.py's readCSV reads (f, Z', Z'' per row, no header)."""
    from impedance.preprocessing import readCSV

    f, z = _z(sio.read(EIS / "exampleDataGamry.DTA"))
    path = tmp_path / "spectrum.csv"
    np.savetxt(path, np.c_[f, z.real, z.imag], delimiter=",")
    m = sio.read(path)
    f_ref, z_ref = readCSV(str(path))
    np.testing.assert_array_equal(_z(m)[0], f_ref)
    np.testing.assert_array_equal(_z(m)[1], z_ref)
    assert any("no header" in n and "readCSV" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Several spectra and mixed records (defect classes 3 and 5)
# --------------------------------------------------------------------------------------------
def _mixed_record(n_ts: int = 600) -> pd.DataFrame:
    """A cycling record with two PEIS sweeps inside, in EC-Lab's column names.

    Layout of EC-Lab Modulo Bat / GCPL-with-EIS exports (issue 10: a cycling record whose
    ``freq/Hz`` is non-zero in a few hundred of its rows): cycling rows carry ``freq/Hz = 0``; each
    sweep runs from high to low frequency; before each sweep EC-Lab writes a row at 0 Hz.
    """
    f = np.logspace(5, -1, 25)
    z = 5 + 40 / (1 + 1j * 2 * np.pi * f * 40 * 1e-5)
    t = np.arange(n_ts) * 10.0
    i_mA = np.where((t // 1500) % 2 == 0, 0.1, -0.1)
    ts = pd.DataFrame(
        {
            "time/s": t,
            "Ewe/V": 0.1 * np.sign(i_mA),
            "I/mA": i_mA,
            "freq/Hz": 0.0,
            "Re(Z)/Ohm": 0.0,
            "-Im(Z)/Ohm": 0.0,
            "cycle number": (t // 3000).astype(int),
        }
    )
    parts = [ts.iloc[:200]]
    for k, (a, b) in enumerate(((200, 400), (400, n_ts))):
        t0 = float(ts["time/s"].iloc[a - 1]) + 1
        zk = z * (1 + 0.5 * k)  # the resistances grow from sweep to sweep
        sweep = pd.DataFrame(
            {
                "time/s": t0 + np.arange(f.size) * 0.01,
                "Ewe/V": 0.0,
                "I/mA": 0.0,
                "freq/Hz": f,
                "Re(Z)/Ohm": zk.real,
                "-Im(Z)/Ohm": -zk.imag,
                "cycle number": int(ts["cycle number"].iloc[a - 1]),
            }
        )
        parts += [sweep, ts.iloc[a:b]]
    return pd.concat(parts, ignore_index=True)


def _write_mixed_mpt(path: Path) -> Path:
    raw = _mixed_record()
    header = [
        "EC-Lab ASCII FILE",
        "Nb header lines : 6",
        "",
        "Modulo Bat",
        "Electrode surface area : 0.001 cm²",
    ]
    body = raw.to_csv(sep="\t", index=False, lineterminator="\n")
    path.write_text("\n".join(header) + "\n" + body, encoding="latin-1")
    return path


def test_mixed_mpt_gives_both_parts_and_numbers_the_spectra(tmp_path):
    path = _write_mixed_mpt(tmp_path / "mb.mpt")
    ts = sio.read(path)  # mostly a time series
    assert ts.kind == "timeseries" and len(ts.data) == 600
    assert ts.data[sio.CYCLE].min() == 1  # EC-Lab counts from 0
    assert any("50 impedance rows (2 spectra)" in n for n in ts.notes)
    z = sio.read(path, kind="impedance")
    assert z.kind == "impedance" and len(z.data) == 50
    assert z.data[sio.SPECTRUM].tolist() == [1] * 25 + [2] * 25
    assert z.area_m2 is None  # EC-Lab's default area
    assert sio.TIME in z.data


def test_mixed_mpr_gives_both_parts(tmp_path, monkeypatch):
    """The .mpr path of a mixed record: galvani's MPRfile replaced by the same columns."""
    from galvani import BioLogic

    raw = _mixed_record()
    records = raw.to_records(index=False)

    class FakeMPR:
        def __init__(self, fh):
            self.data = records
            self.cols = []

    monkeypatch.setattr(BioLogic, "MPRfile", FakeMPR)
    path = tmp_path / "mb.mpr"
    path.write_bytes(sio.biologic.MPR_MAGIC + b"\0" * 64)
    mpt = sio.read(_write_mixed_mpt(tmp_path / "mb.mpt"), kind="impedance")
    mpr = sio.read(path, kind="impedance")
    pd.testing.assert_frame_equal(mpr.data, mpt.data)
    assert sio.read(path).kind == "timeseries"


def test_analyze_eis_fits_each_spectrum(tmp_path):
    from solidna.analysis.pipeline import analyze

    path = _write_mixed_mpt(tmp_path / "mb.mpt")
    summary = analyze([path], "eis", tmp_path / "out", circuit="R0-p(R1,C1)", write_data=False)
    table = pd.read_csv(tmp_path / "out" / "tables" / "mb.spectra.csv")
    assert table["Spectrum"].tolist() == [1, 2]
    np.testing.assert_allclose(table["R0 [Ohm]"], [5, 7.5], rtol=1e-3)
    np.testing.assert_allclose(table["R1 [Ohm]"], [40, 60], rtol=1e-3)
    assert "figures/mb_parameters.png" in summary["outputs"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "EC-Lab&#x27;s default" in html or "EC-Lab's default" in html


# --------------------------------------------------------------------------------------------
# Cyclers (defect classes 1, 2, 4, 6)
# --------------------------------------------------------------------------------------------
def _charge_consistent(m: sio.Measurement) -> None:
    d = m.data
    t, i, q = (d[c].to_numpy() for c in (sio.TIME, sio.CURRENT, sio.CAPACITY))
    integral = np.r_[0, np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))] / 3600
    assert np.max(np.abs(integral - q)) <= CHARGE_CONSISTENCY_REL * np.max(np.abs(q))


def test_maccor_day_time_stamps_and_milli_units():
    """cellpy's maccor_three.txt: TestTime '3d 18:47:23.42', mAmp-hr, mAmps, 'Volts' in mV."""
    m = sio.read(SHARED / "maccor" / "maccor_three.txt")
    d = m.data
    assert m.format == "maccor" and len(d) == 4009
    assert d[sio.TIME].iloc[-1] == pytest.approx(3 * 86400 + 18 * 3600 + 47 * 60 + 23.42)
    assert d[sio.VOLTAGE].between(1.29, 3.81).all()
    assert any("holds mV" in n for n in m.notes)
    assert d[sio.CYCLE].min() == 1 and d[sio.CYCLE].max() == 15
    _charge_consistent(m)
    cycles = galvanostatic_cycles(
        *(d[c] for c in (sio.TIME, sio.VOLTAGE, sio.CURRENT, sio.CAPACITY))
    )
    # the counter runs on from the CC to the CV step of a charge: 906.112 mAh, not 901 + 906
    assert cycles["Charge capacity [A.h]"].iloc[0] == pytest.approx(0.906112, rel=1e-6)
    assert cycles["Discharge capacity [A.h]"].iloc[0] == pytest.approx(0.8509278, rel=1e-6)


def _nda_frame() -> pd.DataFrame:
    import NewareNDA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return NewareNDA.read(str(SHARED / "neware" / "new_nda_file.nda"), log_level="ERROR")


def test_neware_time_that_runs_on_is_not_added_twice(monkeypatch):
    """Defect 1: some .nda files hold a Time that already runs on across steps. Layout made from
    the real file by replacing its per-step Time with the test time."""
    import NewareNDA

    real = sio.read(SHARED / "neware" / "new_nda_file.nda")
    running = _nda_frame()
    running["Time"] = real.data[sio.TIME].to_numpy()
    monkeypatch.setattr(NewareNDA, "read", lambda *a, **k: running.copy())
    m = sio.read(SHARED / "neware" / "new_nda_file.nda")
    np.testing.assert_allclose(m.data[sio.TIME], real.data[sio.TIME], rtol=1e-6)
    assert any("runs on across steps" in n for n in m.notes)
    assert any("restarts in each step" in n for n in real.notes)


def test_neware_negative_discharge_counter_takes_the_current_sign(monkeypatch):
    """Defect 2: NewareNDA reports a negative Discharge_Capacity in Pulse steps."""
    import NewareNDA

    real = sio.read(SHARED / "neware" / "new_nda_file.nda")
    pulse = _nda_frame()
    pulse["Discharge_Capacity(mAh)"] = -pulse["Discharge_Capacity(mAh)"]
    monkeypatch.setattr(NewareNDA, "read", lambda *a, **k: pulse.copy())
    m = sio.read(SHARED / "neware" / "new_nda_file.nda")
    np.testing.assert_allclose(m.data[sio.CAPACITY], real.data[sio.CAPACITY], atol=1e-12)
    assert m.data[sio.CAPACITY].iloc[-1] < 0  # a net discharge
    _charge_consistent(m)


def _bts_time(seconds: np.ndarray) -> list[str]:
    out = []
    for s in seconds:
        h, rem = divmod(float(s), 3600)
        mnt, sec = divmod(rem, 60)
        out.append(f"{int(h):02d}:{int(mnt):02d}:{sec:06.3f}")
    return out


def test_neware_bts_csv_record_and_multilevel_exports(tmp_path):
    """Neware BTS 7.6 CSV exports of the real .nda (record layer: 'Record ID, Realtime,
    Time(h:min:s.ms), Step ID, Cycle ID, Current(mA), Voltage(V), Capacitance_Chg(mAh),
    Capacitance_DChg(mAh)'; multi-level: cycle rows, step rows one cell in, record rows two cells
    in) give the table of the .nda."""
    raw = _nda_frame()
    real = sio.read(SHARED / "neware" / "new_nda_file.nda")
    record = pd.DataFrame(
        {
            "Record ID": raw["Index"],
            "Realtime": raw["Timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Time(h:min:s.ms)": _bts_time(raw["Time"].to_numpy()),
            "Step ID": raw["Step"],
            "Cycle ID": raw["Cycle"],
            "Current(mA)": raw["Current(mA)"],
            "Voltage(V)": raw["Voltage"],
            "Capacitance_Chg(mAh)": raw["Charge_Capacity(mAh)"],
            "Capacitance_DChg(mAh)": raw["Discharge_Capacity(mAh)"],
        }
    )
    flat = tmp_path / "bts_record.csv"
    record.to_csv(flat, index=False)
    lines = ["Cycle ID,Cap_Chg(mAh),Cap_DChg(mAh)", ",Step ID,Step Name,Step Time"]
    rec_cols = [c for c in record.columns if c not in ("Cycle ID", "Step ID")]
    lines.append(",," + ",".join(rec_cols))
    for cyc, by_cycle in record.groupby("Cycle ID", sort=False):
        lines.append(f"{cyc},0,0")
        for step, by_step in by_cycle.groupby("Step ID", sort=False):
            lines.append(f",{step},CC,00:00:00")
            lines += [",," + ",".join(map(str, r)) for r in by_step[rec_cols].to_numpy()]
    multi = tmp_path / "bts_multi.csv"
    multi.write_text("\n".join(lines) + "\n")
    for path in (flat, multi):
        m = sio.read(path)
        assert m.format == "neware-csv"
        for col in (sio.TIME, sio.VOLTAGE, sio.CURRENT, sio.CAPACITY):
            np.testing.assert_allclose(m.data[col], real.data[col], rtol=1e-4, atol=1e-9)
        assert m.data[sio.CYCLE].tolist() == real.data[sio.CYCLE].tolist()
    assert sio.read(multi).metadata["multi-level"] is True


def test_cc_cv_tail_stays_in_its_half_cycle():
    """Defect 6: a CV tail whose current decays through the rest threshold with noise."""
    t = np.arange(0.0, 4 * 3600, 5.0)
    i = np.empty_like(t)
    rng = np.random.default_rng(1)
    for k, tt in enumerate(t):
        phase = tt % (2 * 3600)
        if phase < 3600:  # CC then CV: decaying from 1 mA to ~0.5 % after the CC part
            i[k] = 1e-3 if phase < 1800 else 1e-3 * np.exp(-(phase - 1800) / 300)
        else:
            i[k] = -1e-3
    i += rng.normal(0, 1e-6, t.size) * (np.abs(i) < 1e-4)
    i[(t % (2 * 3600) > 3500) & (t % (2 * 3600) < 3600)] = 0.0  # a short rest before discharge
    v = np.where(i >= 0, 4.2, 3.0)
    table = galvanostatic_cycles(t, v, i)
    assert list(table.index) == [1, 2]
    assert abs(table.attrs["charge accounted [%]"] / 100 - 1) < CHARGE_BALANCE_REL


def test_real_cc_cv_record_is_one_cycle_with_all_its_charge():
    m = sio.read(SHARED / "neware" / "test.ndax")  # CCCV_Chg then CCCV_DChg
    d = m.data
    args = (d[c] for c in (sio.TIME, sio.VOLTAGE, sio.CURRENT, sio.CAPACITY))
    table = galvanostatic_cycles(*args, cycle_index=d[sio.CYCLE])
    assert list(table.index) == [1]
    assert abs(table.attrs["charge accounted [%]"] / 100 - 1) < CHARGE_BALANCE_REL


# --------------------------------------------------------------------------------------------
# The same measurement in two formats gives the same table and analysis (defect class 7)
# --------------------------------------------------------------------------------------------
TIMESERIES_FILES = [
    "biologic/jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr",
    "biologic/00_test_04_MB_C01.mpr",
    "arbin/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx",
    "neware/new_nda_file.nda",
    "neware/test.ndax",
    "maccor/maccor_002.txt",
    "maccor/maccor_three.txt",
]


@pytest.mark.parametrize("name", TIMESERIES_FILES)
def test_exported_copies_give_the_same_table_and_analysis(name, tmp_path):
    m = sio.read(SHARED / name)
    copies = [
        sio.read(sio.write_mpt(m, tmp_path / "copy.mpt")),
        sio.read(sio.write_csv_table(m, tmp_path / "copy.csv")),
    ]
    cols = [sio.TIME, sio.VOLTAGE, sio.CURRENT, sio.CAPACITY]
    ref = galvanostatic_cycles(*(m.data[c] for c in cols))
    for c in copies:
        for col in [*cols, sio.CYCLE]:
            np.testing.assert_allclose(c.data[col], m.data[col], rtol=1e-7, atol=1e-12)
        other = galvanostatic_cycles(*(c.data[col] for col in cols))
        pd.testing.assert_frame_equal(other, ref, rtol=1e-6, check_exact=False)


@pytest.mark.parametrize("name", [r[0] for r in IMPEDANCE_EXPORTS])
def test_impedance_copies_give_the_same_table(name, tmp_path):
    m = sio.read(EIS / name, kind="impedance")
    for copy in (tmp_path / "copy.mpt", tmp_path / "copy.csv"):
        (sio.write_mpt if copy.suffix == ".mpt" else sio.write_csv_table)(m, copy)
        c = sio.read(copy)
        for col in (sio.FREQUENCY, sio.Z_RE, sio.Z_IM, sio.SPECTRUM):
            np.testing.assert_allclose(c.data[col], m.data[col], rtol=1e-7)


# --------------------------------------------------------------------------------------------
# The electrode area of a .mpr: its settings module (defect class 7, ".mpr vs .mpt units")
# --------------------------------------------------------------------------------------------
MPR_FILES = sorted((SHARED / "biologic").glob("*.mpr"))
#: A real electrode area to write into a copy's settings (a 15-mm disc, 1.767 cm2, as EC-Lab
#: settings files of coin cells show); the real files all hold EC-Lab's default.
SET_AREA_CM2 = 1.767


def _settings_offset(path: Path) -> int:
    """Byte offset in the file of the data of the settings module (galvani's module header)."""
    from galvani import BioLogic

    with open(path, "rb") as fh:
        modules = BioLogic.MPRfile(fh).modules
    (settings,) = (m for m in modules if m["shortname"].strip() == b"VMP Set")
    return int(settings["offset"])


def _mpr_with(path: Path, out: Path, field: str, raw: bytes) -> Path:
    """A copy of a real ``.mpr`` with ``raw`` written at ``field``'s offset in its settings
    module, as EC-Lab stores a value the user set (the rest of the file byte for byte)."""
    offset = _settings_offset(path) + sio.biologic.MPR_SETTINGS_LAYOUT[field][0]
    data = bytearray(path.read_bytes())
    data[offset : offset + len(raw)] = raw
    out.write_bytes(bytes(data))
    return out


def _mpr_with_area(path: Path, out: Path, area_cm2: float) -> Path:
    return _mpr_with(path, out, "electrode area [cm2]", np.float32(area_cm2).tobytes())


@pytest.mark.parametrize("path", MPR_FILES, ids=lambda p: p.name)
def test_mpr_settings_decoded_and_ec_lab_default_area_is_unknown(path):
    """Every real .mpr stores EC-Lab's default area (0.001 cm2, never set): the settings module
    decodes (the fields beside the area read EC-Lab's values) and the area is unknown."""
    from galvani import BioLogic

    with open(path, "rb") as fh:
        settings, problem = sio.biologic.mpr_settings(BioLogic.MPRfile(fh).modules)
    assert problem is None
    assert settings["electrode area [cm2]"] == EC_LAB_DEFAULT_AREA_CM2  # not 0.00100000005
    assert settings["reference electrode"] == "(unspecified)"  # the string right after the area
    assert settings["electrons per ion"] == 1
    m = sio.read(path)
    assert m.area_m2 is None and sio.CURRENT_DENSITY not in m.data
    assert m.metadata["electrode area [cm2]"] == EC_LAB_DEFAULT_AREA_CM2
    assert any("in the file's settings module" in n and "EC-Lab's default" in n for n in m.notes)


TWINS = [(p, a) for p in MPR_FILES if "00_test_02" not in p.name for a in (None, SET_AREA_CM2)]


@pytest.mark.parametrize(
    ("path", "area_cm2"), TWINS, ids=[f"{p.name}-{a or 'default'}" for p, a in TWINS]
)
def test_mpr_and_its_mpt_twin_give_the_same_table_units_and_analysis(path, area_cm2, tmp_path):
    """A .mpr and the .mpt written from it: the same area, columns (units), table and analysis,
    whether the settings hold EC-Lab's default area (unknown in both: A and Ohm) or a set one
    (m2-based densities in both)."""
    from solidna.analysis.pipeline import analyze

    mpr = path if area_cm2 is None else _mpr_with_area(path, tmp_path / path.name, area_cm2)
    m = sio.read(mpr)
    twin = sio.read(sio.write_mpt(m, tmp_path / "twin.mpt"))
    if area_cm2 is None:
        assert m.area_m2 is None and twin.area_m2 is None
    else:
        assert m.area_m2 == pytest.approx(area_cm2 * 1e-4, rel=1e-12)
        assert twin.area_m2 == pytest.approx(m.area_m2, rel=1e-12)
        assert any(
            f"electrode area {area_cm2:g} cm2 from the file's settings" in n for n in m.notes
        )
    assert list(twin.data.columns) == list(m.data.columns)
    assert (sio.CURRENT_DENSITY in m.data) == (area_cm2 is not None)
    pd.testing.assert_frame_equal(twin.data, m.data, check_dtype=False, rtol=1e-7, atol=1e-12)
    if "00_test" in path.name:  # a Modulo Bat record without a complete cycle: table only
        return
    results = []
    for k, source in enumerate((mpr, tmp_path / "twin.mpt")):
        out = tmp_path / f"out{k}"
        summary = analyze([source], "na-co2", out, write_data=False)
        (res,) = summary["results"].values()
        table = pd.read_csv(next((out / "tables").glob("*.cycles.csv")), index_col=0)
        results.append((res, table))
    (res_mpr, table_mpr), (res_mpt, table_mpt) = results
    assert res_mpr.keys() == res_mpt.keys()
    for key, value in res_mpr.items():
        if isinstance(value, float):
            # the text keeps 10 significant digits: a difference of two near-equal voltages
            # (a change of 26 uV) agrees to ~1e-11 absolute, not relatively
            assert res_mpt[key] == pytest.approx(value, rel=1e-6, abs=1e-9, nan_ok=True), key
        else:
            assert res_mpt[key] == value, key
    assert list(table_mpt.columns) == list(table_mpr.columns)  # the same units
    assert any("[mA.h.cm-2]" in c for c in table_mpr.columns) == (area_cm2 is not None)
    pd.testing.assert_frame_equal(table_mpt, table_mpr, rtol=1e-6)


@pytest.mark.parametrize(
    ("field", "raw", "problem"),
    [
        ("electrode area [cm2]", np.float32(np.nan).tobytes(), "not an area"),
        ("electrode area [cm2]", np.float32(-2.0).tobytes(), "not an area"),
        ("electrode area [cm2]", np.float32(3e7).tobytes(), "not an area"),
        ("electrolyte", bytes([200]), "overruns its slot"),
    ],
)
def test_mpr_settings_not_recognised_leave_the_area_unknown_and_say_so(
    field, raw, problem, tmp_path
):
    """A settings module that does not fit the known layout is never read as an area."""
    mpr = _mpr_with(MPR_FILES[0], tmp_path / "odd.mpr", field, raw)
    m = sio.read(mpr)
    assert m.area_m2 is None and sio.CURRENT_DENSITY not in m.data
    assert "electrode area [cm2]" not in m.metadata
    assert any("could not be decoded" in n and problem in n for n in m.notes)


def test_given_area_overrides_the_mpr_settings(tmp_path):
    mpr = _mpr_with_area(MPR_FILES[0], tmp_path / "set.mpr", SET_AREA_CM2)
    m = sio.read(mpr, area="2 cm2")
    assert m.area_m2 == pytest.approx(2e-4)
    assert m.metadata["electrode area [cm2]"] == pytest.approx(SET_AREA_CM2)
    np.testing.assert_allclose(m.data[sio.CURRENT_DENSITY], m.data[sio.CURRENT] / 2e-4)


# --------------------------------------------------------------------------------------------
# analyze on every file with a sensible --kind; units of the summary (defect class 8)
# --------------------------------------------------------------------------------------------
ANALYSE = [(f"eis/{r[0]}", "eis") for r in IMPEDANCE_EXPORTS] + [
    ("drt/2XZARCequal.csv", "eis"),
    ("eis/Circuit2_EIS_1.z", "eis"),
    ("eis/exampleDataParstat.txt", "na-co2"),
] + [(name, "na-co2") for name in TIMESERIES_FILES if "00_test" not in name]  # fmt: skip


@pytest.mark.parametrize(("name", "kind"), ANALYSE)
def test_analyze_every_real_file(name, kind, tmp_path):
    from solidna.analysis.pipeline import analyze

    summary = analyze([SHARED / name], kind, tmp_path / "out", write_data=False)
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["kind"] == kind
    if kind == "eis":
        for res in saved["results"]["files"].values():
            assert res["impedance unit"] == "Ohm"
            assert "Ohm.m2" not in json.dumps(res["units"])  # no area given: Ohm, not Ohm.m2
            assert res["Fit starts"] >= 1 and np.isfinite(
                res["Chi2 (|Z|-weighted sum of squares) [-]"]
            )
    html = (tmp_path / "out" / "report.html").read_text()
    for note in summary["notes"]:
        assert note.split(": ", 1)[0] in html


def test_analyze_refuses_the_wrong_part_saying_which_kind(tmp_path):
    from solidna.analysis.pipeline import analyze

    # the message names the --kind that reads it (it once said "kind='timeseries'")
    with pytest.raises(
        DataFormatError, match="needs an impedance spectrum.*holds a time series only.*--kind"
    ):
        analyze([SHARED / "maccor" / "maccor_002.txt"], "eis", tmp_path / "out")


# --------------------------------------------------------------------------------------------
# EIS fit quality (defect class 9)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["exampleDataBioLogic.mpt", "exampleDataGamry.DTA"])
def test_randles_fit_reaches_impedance_py_optimum(name):
    """R0-p(R1-Wo1,C1): the multi-start fit ends at or below the residual of impedance.py's
    CustomCircuit.fit started from the same guess (same, unweighted objective)."""
    from impedance.models.circuits import CustomCircuit

    from solidna.analysis.eis import fit_circuit

    f, z = _z(sio.read(EIS / name))
    ours = fit_circuit(f, z, "R0-p(R1-Wo1,C1)", weight_by_modulus=False)
    ref = CustomCircuit("R0-p(R1-Wo1,C1)", initial_guess=list(ours.initial_guess_.values()))
    ref.fit(f, z)
    rss_ref = float(np.sum(np.abs(z - ref.predict(f)) ** 2))
    assert ours.rss_ <= rss_ref * (1 + 1e-9)
    assert ours.chi2_ == pytest.approx(ours.rss_) and ours.n_starts_ == 8
