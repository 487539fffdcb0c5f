"""Instrument files of other layouts: cycler summaries, EC-Lab half cycles, multi-curve Gamry CVs.

Every file is a synthetic twin written by the test (no third-party file is copied). The layouts
come from public sources:

* Neware BTS cycle and step layers (``Cycle ID, Cap_Chg(mAh), Cap_DChg(mAh),
  Charge/Discharge Efficiency(%) ...``; BTS 8 ``Cycle Index, Charge Capacity(mAh), ...,
  Chg.-DChg. Eff(%)`` and ``Step Index, Step Type, Step Time, Oneset Volt.(V), End Voltage(V)``)
  as the Neware readers of cellpy (jepegit/cellpy, MIT) and NewareNDA (d-cogswell/NewareNDA,
  BSD-3-Clause) name the summary columns; the Chinese names (充放电效率, 容量保持率) are those of
  BTSDA's Chinese export;
* Arbin's ``StatisticByCycle`` table (``Cycle_Index, Test_Time(s), ..., Charge_Time(s),
  Discharge_Time(s), V_Max_On_Cycle(V), Coulombic Efficiency(%)``), as battery-data-toolkit
  (ROVI-org/battery-data-toolkit, Apache-2.0) and beep (TRI-AMDD/beep, Apache-2.0) describe
  Arbin's statistics beside the channel table;
* EC-Lab's text export (``EC-Lab ASCII FILE``, ``Nb header lines``, tab-separated,
  ``half cycle`` and ``Q charge/discharge/mA.h`` columns) as galvani (echemdata/galvani,
  GPL-3.0, read only for the layout) and yadg (dgbowl/yadg, MIT) parse it;
* Gamry's CV ``.DTA`` with one ``CURVEn TABLE`` per cycle (``Pt T Vf Im Vu Sig Ach IERange
  Over``), as gamry-parser's test file ``tests/cv_data.dta`` (bcliang/gamry-parser, MIT).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError

# --------------------------------------------------------------------------------------------
# Cycle- and step-level summaries are refused as such
# --------------------------------------------------------------------------------------------
_NEWARE_CYCLE_BTS7 = (
    "Cycle ID,Cap_Chg(mAh),Cap_DChg(mAh),Charge/Discharge Efficiency(%),Engy_Chg(mWh),"
    "Engy_DChg(mWh),Plat_Cap(mAh),Plat_Time(h:min:s.ms),Capacity Retention(%),"
    "Chg_Time(h:min:s.ms),DChg_Time(h:min:s.ms)\n"
    "1,1.2,1.1,91.6,4.1,3.5,0,0:00:00.000,100,2:00:00.000,1:50:00.000\n"
    "2,1.15,1.1,95.6,4.0,3.5,0,0:00:00.000,100,1:55:00.000,1:50:00.000\n"
    "3,1.12,1.09,97.3,3.9,3.4,0,0:00:00.000,99,1:52:00.000,1:49:00.000\n"
)
_NEWARE_CYCLE_BTS8 = (
    "Cycle Index,Charge Capacity(mAh),Discharge Capacity(mAh),Charge Energy(mWh),"
    "Discharge Energy(mWh),Chg.-DChg. Eff(%),Charge Time,Discharge Time\n"
    "1,1.2,1.1,4.1,3.5,91.6,02:00:00,01:50:00\n"
    "2,1.15,1.1,4.0,3.5,95.6,01:55:00,01:50:00\n"
)
_NEWARE_STEP_BTS8 = (
    "Cycle Index,Step Index,Step Number,Step Type,Step Time,Oneset Date,End Date,"
    "Capacity(mAh),Energy(Wh),Oneset Volt.(V),End Voltage(V)\n"
    "1,1,1,Rest,00:10:00,2024-01-01 10:00:00,2024-01-01 10:10:00,0,0,3.0,3.0\n"
    "1,2,2,CC Chg,02:00:00,2024-01-01 10:10:00,2024-01-01 12:10:00,1.2,0.004,3.0,4.0\n"
    "1,3,3,CC DChg,01:50:00,2024-01-01 12:10:00,2024-01-01 14:00:00,1.1,0.0035,4.0,2.0\n"
)
_NEWARE_CYCLE_CHINESE = (
    "循环序号,充电容量(mAh),放电容量(mAh),充放电效率(%),容量保持率(%)\n"
    "1,1.2,1.1,91.6,100\n2,1.15,1.1,95.6,100\n"
)


def _arbin_statistics() -> str:
    # one row per cycle, its values at the cycle's end: it has Arbin's time, voltage and
    # current columns, so it was read as a five-point time series
    text = (
        "Cycle_Index,Test_Time(s),Date_Time,Current(A),Voltage(V),Charge_Capacity(Ah),"
        "Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),Charge_Time(s),"
        "Discharge_Time(s),V_Max_On_Cycle(V),Coulombic Efficiency(%)\n"
    )
    for c in range(1, 6):
        text += (
            f"{c},{c * 14400.0},2024-01-0{c} 10:00:00,-0.0006,2.0,0.0012,0.0011,0.004,"
            "0.0035,7200,6600,4.0,91.6\n"
        )
    return text


@pytest.mark.parametrize(
    ("text", "per"),
    [
        (_NEWARE_CYCLE_BTS7, "cycle or step"),
        (_NEWARE_CYCLE_BTS8, "cycle"),
        (_NEWARE_STEP_BTS8, "step"),
        (_NEWARE_CYCLE_CHINESE, "cycle"),
        (_arbin_statistics(), "cycle"),
    ],
    ids=["neware-cycle-bts7", "neware-cycle-bts8", "neware-step-bts8", "neware-chinese", "arbin"],
)
def test_summary_table_refused_as_summary(tmp_path: Path, text: str, per: str) -> None:
    """A cycler's cycle or step summary is refused as a summary, naming the record layer to
    export (it was read as a few-point time series, or refused with a request to map columns
    that a summary does not have)."""
    path = tmp_path / "summary.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=f"a summary table, one row per {per} ") as err:
        sio.read(path)
    message = str(err.value)
    assert "record layer" in message
    assert "column mapping" not in message and "columns={" not in message


def test_summary_refused_by_analyze_nvp(tmp_path: Path) -> None:
    """``solidna analyze --kind nvp`` on a Neware cycle summary says it is a summary."""
    from typer.testing import CliRunner

    from solidna.cli import app

    path = tmp_path / "cycles.csv"
    path.write_text(_NEWARE_CYCLE_BTS8, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", "--kind", "nvp", str(path), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code != 0
    assert "a summary table, one row per cycle" in result.output
    assert "Traceback" not in result.output


def test_record_with_summary_like_column_still_read(tmp_path: Path) -> None:
    """A record (cycle numbers repeated over many rows) is read although one of its columns
    has a summary's name: only a table with one row per cycle or step is a summary."""
    rows = ["Cycle_Index,Test_Time(s),Current(A),Voltage(V),Coulombic Efficiency(%)"]
    for k in range(12):
        current = 0.001 if k % 6 < 3 else -0.001
        rows.append(f"{k // 6 + 1},{60.0 * (k + 1)},{current},{3.0 + 0.01 * k},99")
    path = tmp_path / "record.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert m.kind == "timeseries" and len(m.data) == 12
    assert m.data["Cycle number"].tolist() == [1] * 6 + [2] * 6


# --------------------------------------------------------------------------------------------
# EC-Lab text export with half cycles and no cycle number
# --------------------------------------------------------------------------------------------
def _mpt(path: Path, columns: list[str], rows: list[tuple]) -> Path:
    head = [
        "EC-Lab ASCII FILE",
        "Nb header lines : 0",
        "",
        "Galvanostatic Cycling with Potential Limitation",
        "",
        "Electrode surface area : 1.000 cm²",
    ]
    head[1] = f"Nb header lines : {len(head) + 1}"
    lines = head + ["\t".join(columns) + "\t"]
    lines += [
        "\t".join(f"{v:.6E}" if isinstance(v, float) else str(v) for v in r) + "\t" for r in rows
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def _gcpl_rows(half_cycles: int = 4, per: int = 10) -> list[tuple]:
    """GCPL rows: mode, ox/red, time/s, Ewe/V, I/mA, Q charge/discharge/mA.h, half cycle."""
    rows, t = [], 0.0
    for hc in range(half_cycles):
        current = 0.5 if hc % 2 == 0 else -0.5
        q = 0.0
        for k in range(per):
            t += 36.0
            q += current * 36.0 / 3600.0
            v = 3.0 + 0.05 * k * (1 if current > 0 else -1)
            rows.append((1, int(current > 0), t, v, current, q, float(hc)))
    return rows


def test_mpt_half_cycles_give_cycle_numbers(tmp_path: Path) -> None:
    """An .mpt exported with ``half cycle`` but no ``cycle number`` gets its cycles as the
    .mpr reader gives them, half cycle // 2 + 1 (it had no cycle column at all)."""
    columns = ["mode", "ox/red", "time/s", "Ewe/V", "I/mA", "Q charge/discharge/mA.h", "half cycle"]
    m = sio.read(_mpt(tmp_path / "gcpl.mpt", columns, _gcpl_rows()))
    assert m.data["Cycle number"].tolist() == [1] * 20 + [2] * 20
    assert any("half cycle // 2 + 1" in note for note in m.notes)
    # the per-half-cycle counter is not taken for the net charge: it rises over each charge
    # and falls over each discharge
    capacity = m.data["Capacity [A.h]"].to_numpy()
    assert np.argmax(capacity[:20]) == 9 and capacity[19] < capacity[9] / 2


def test_mpt_cycle_number_kept_over_half_cycle(tmp_path: Path) -> None:
    """With both columns the file's ``cycle number`` is read, not one from half cycles."""
    columns = ["mode", "ox/red", "time/s", "Ewe/V", "I/mA", "Q charge/discharge/mA.h"]
    columns += ["half cycle", "cycle number"]
    rows = [(*r, 7.0) for r in _gcpl_rows()]
    m = sio.read(_mpt(tmp_path / "gcpl.mpt", columns, rows))
    assert set(m.data["Cycle number"]) == {7}
    assert not any("half cycle" in note for note in m.notes)


# --------------------------------------------------------------------------------------------
# Layouts that were already right: guards
# --------------------------------------------------------------------------------------------
def test_mpt_peis_several_cycle_numbers_are_several_spectra(tmp_path: Path) -> None:
    """A PEIS export of three sweeps (``cycle number`` 1..3, a 0 Hz row before each) gives
    three spectra of 15 points, Z_im negative on the capacitive arc."""
    f = np.logspace(5, -1, 15)
    rows, t = [], 0.0
    for c in range(3):
        rows.append((0.0, 3.0, 0.0, 0.0, t, float(c + 1)))
        for fi in f:
            t += 1.0
            z = 10 + 100 / (1 + 1j * 2 * np.pi * fi * 1e-2)
            rows.append((fi, z.real, -z.imag, 3.0, t, float(c + 1)))
    columns = ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "<Ewe>/V", "time/s", "cycle number"]
    m = sio.read(_mpt(tmp_path / "peis.mpt", columns, rows))
    assert m.kind == "impedance"
    assert m.data.groupby("Spectrum").size().to_dict() == {1: 15, 2: 15, 3: 15}
    assert (m.data["Z_im [Ohm]"] < 0).all()


def test_gamry_cv_curves_are_cycles(tmp_path: Path) -> None:
    """A Gamry CV with one CURVE table per cycle: the cycles numbered from the tables, time
    continuous, current as written (anodic positive)."""
    up = np.arange(0.1, 0.9, 0.01)
    one = np.r_[up, up[::-1] + 0.01]
    text = (
        "EXPLAIN\nTAG\tCV\nTITLE\tLABEL\tCyclic Voltammetry\tTest &Identifier\n"
        "SCANRATE\tQUANT\t5.00000E+001\t&Scan Rate (mV/s)\n"
        "CONVENTION\tIQUANT\t1\tCurrent Convention\n"
    )
    point = 0
    for c in range(3):
        text += (
            f"CURVE{c + 1}\tTABLE\n\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver\n"
            "\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits\n"
        )
        for e in one:
            point += 1
            text += (
                f"\t{point}\t{0.2 * point:.4f}\t{e:.6E}\t{1e-5 * (e - 0.5):.6E}\t0\t0\t0\t5\t.\n"
            )
    path = tmp_path / "cv.DTA"
    path.write_text(text, encoding="ascii")
    m = sio.read(path)
    assert m.kind == "timeseries"
    assert m.data.groupby("Cycle number").size().to_dict() == {1: 160, 2: 160, 3: 160}
    assert np.all(np.diff(m.data["Time [s]"]) > 0)
    assert m.data["Current [A]"].iloc[-1] == pytest.approx(1e-5 * (one[-1] - 0.5), rel=1e-4)


@pytest.mark.parametrize("engine", [b"Standard Jet DB", b"Standard ACE DB"])
def test_arbin_res_refused_as_binary_access_file(tmp_path: Path, engine: bytes) -> None:
    """An Arbin ``.res`` (a Microsoft Access database: bytes 4-18 name the Jet or ACE engine,
    as mdbtools and cellpy's Arbin .res loader, jepegit/cellpy, MIT, read it) is refused
    naming what it is and the export to make, not as an unknown binary file."""
    path = tmp_path / "cell_Channel_1.res"
    path.write_bytes(b"\x00\x01\x00\x00" + engine + b"\x00" * 1000)
    with pytest.raises(DataFormatError, match=r"Arbin \.res \(MS Access\)") as err:
        sio.read(path)
    assert "Export the test" in str(err.value)


def test_coefficient_column_is_not_a_summary_mark(tmp_path: Path) -> None:
    """A "Coeff" column (a coefficient, not an abbreviated efficiency) in a table without a
    current keeps the message that asks for the current column, not the summary one."""
    path = tmp_path / "fit.csv"
    path.write_text("Time [s],Voltage [V],Diffusion Coeff (cm2/s)\n0,3.0,1e-9\n1,3.1,1e-9\n")
    with pytest.raises(DataFormatError, match="no column for Current") as err:
        sio.read(path)
    assert "summary" not in str(err.value)
