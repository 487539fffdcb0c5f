"""Dates and EC-Lab potentials seen in a seventh round of public files (synthetic twins only).

* A clock column whose dates read both ways (every field <= 12) is read in the order the
  values decide: a record sampled at a steady rate does not jump a month between two rows, as
  day-first dates read month first do at each change of day (EC-Lab's absolute time export
  under ``time/s``; Maccor's ``DPt Time`` beside a test time without unit; Neware's
  ``Realtime``). The note says which order was assumed and why. A 12-hour clock with AM/PM
  is a clock too.
* An EC-Lab ``.mpr`` of a ``Record Ece`` run stores ``Ece`` but not ``Ewe-Ece``: the cell voltage
  is formed, can be chosen with ``columns=``, and is read where the ends of the
  potential-limited steps show that the technique limited it (the ``.mpr`` does not say which
  potential was controlled: EC-Lab's ``Potential control`` setting is not decoded from it).

Controls (pass before and after): a clock whose days above 12 decide; ISO dates; an ``.mpr``
whose steps end on time (nothing decided: Ewe, as before).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import TIME, VOLTAGE, read

# --------------------------------------------------------------------------------------------
# Dates that read both ways
# --------------------------------------------------------------------------------------------


def _eclab_table(path: Path, stamps: list[str]) -> Path:
    """EC-Lab columns without EC-Lab's header block, ``time/s`` holding dates, 1 mA."""
    rows = [f"1\t{s}\t{3.0 + 0.01 * k:.3f}\t1.0\t{10 * k / 3600:.8f}" for k, s in enumerate(stamps)]
    path.write_text("mode\ttime/s\tEwe/V\tI/mA\t(Q-Qo)/mA.h\n" + "\n".join(rows) + "\n")
    return path


def test_day_first_clock_across_midnight_is_read_day_first(tmp_path: Path) -> None:
    # 1 February 23:59:40 -> 2 February 00:00:10, every 10 s; month first would put a month
    # (2 592 000 s) between the second and the third row
    stamps = ["01/02/2024 23:59:40", "01/02/2024 23:59:50", "02/02/2024 00:00:00"]
    m = read(_eclab_table(tmp_path / "dmy.txt", stamps + ["02/02/2024 00:00:10"]))
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0, 20.0, 30.0])
    assert any("read as day/month/year (assumed" in n and "30 days" in n for n in m.notes)


@pytest.mark.parametrize(
    "stamps",
    [
        ["01/02/2024 23:59:50", "01/03/2024 00:00:00"],
        ["31/01/2024 23:59:50", "01/02/2024 00:00:00"],
        ["2024-01-31 23:59:50", "2024-02-01 00:00:00"],
        ["05/01/2024 10:00:00", "05/01/2024 10:00:10"],
    ],
)
def test_control_clocks_the_values_decide(tmp_path: Path, stamps: list[str]) -> None:
    """Controls: month first across midnight, a day above 12, ISO dates, one day only."""
    m = read(_eclab_table(tmp_path / "c.txt", stamps))
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0])


@pytest.mark.parametrize(
    ("stamps", "words"),
    [
        (["01/02/2024 23:59:50", "01/03/2024 00:00:00"], "month/day/year (assumed"),
        (["31/01/2024 23:59:50", "01/02/2024 00:00:00"], "day/month/year (the only order"),
        (["05/01/2024 10:00:00", "05/01/2024 10:00:10"], "either order gives the same"),
    ],
)
def test_the_note_says_how_the_order_was_decided(
    tmp_path: Path, stamps: list[str], words: str
) -> None:
    m = read(_eclab_table(tmp_path / "c.txt", stamps))
    assert any(words in n for n in m.notes)


def test_wall_clock_day_first_gives_the_test_time_unit(tmp_path: Path) -> None:
    """Maccor-style comma export: TestTime without unit (minutes), DPt Time day first, 12 h
    apart over 1-3 February; read month first the wall clock spans 58 days and the unit was
    not found (TestTime taken as seconds, 60x short)."""
    lines = ["Rec,Cycle P,Step,TestTime,Cap. [Ah],Current [A],Voltage [V],Md,DPt Time"]
    for k in range(5):
        day, hour = 1 + (12 * k) // 24, (12 * k) % 24
        lines.append(
            f"{k + 1},1,1,{720.0 * k:.2f},{0.012 * k:.4f},0.001,{3.0 + 0.01 * k:.3f},C,"
            f"{day:02d}/02/2024 {hour:02d}:00:00"
        )
    path = tmp_path / "maccor.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[TIME], 43200.0 * np.arange(5))
    assert any("read in min, as the wall clock 'DPt Time'" in n for n in m.notes)


def test_neware_realtime_day_first_raises_no_false_pause_note(tmp_path: Path) -> None:
    lines = [
        "Record ID,Realtime,Step ID,Cycle ID,Step Type,Time(h:min:s.ms),Total Time,"
        "Current(mA),Voltage(V),Capacity(mAh)"
    ]
    for k in range(4):
        total = 600 * k  # 10 min apart across midnight, 1 -> 2 March
        clock = 23 * 3600 + 40 * 60 + total
        day, rest = 1 + clock // 86400, clock % 86400
        lines.append(
            f"{k + 1},{day:02d}/03/2024 {rest // 3600:02d}:{rest % 3600 // 60:02d}:00,1,1,"
            f"CC_Chg,00:{total // 60:02d}:00.000,00:{total // 60:02d}:00.000,1.0,"
            f"{3.0 + 0.01 * k:.3f},{total / 3600:.6f}"
        )
    path = tmp_path / "neware.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    assert m.format == "neware-csv"
    np.testing.assert_allclose(m.data[TIME], 600.0 * np.arange(4))
    assert not any("wall clock" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# EC-Lab .mpr of a Record Ece run
# --------------------------------------------------------------------------------------------


def _module(short: bytes, data: bytes, version: int) -> bytes:
    from galvani import BioLogic

    head = np.zeros(1, dtype=BioLogic.VMPmodule_hdr_v1)
    head["shortname"], head["longname"] = short.ljust(10), short
    head["length"], head["version"], head["date"] = len(data), version, b"11/20/24"
    return b"MODULE" + head.tobytes() + data


def _mpr(path: Path, columns: dict[int, np.ndarray]) -> Path:
    """A .mpr with a settings module (zeros: area unknown) and a data module (version 2) of
    ``columns`` (EC-Lab column id -> values; 1 = mode flag)."""
    from galvani import BioLogic

    ids = list(columns)
    dtype, flags = BioLogic.VMPdata_dtype_from_colIDs(ids)
    rows = np.zeros(len(next(iter(columns.values()))), dtype=dtype)
    for cid, values in columns.items():
        if cid in BioLogic.VMPdata_colID_flag_map:
            name = BioLogic.VMPdata_colID_flag_map[cid][0]
            mask = int(flags[name][0])
            rows["flags"] |= np.asarray(values, dtype=np.uint8) << ((mask & -mask).bit_length() - 1)
        else:
            rows[BioLogic.VMPdata_colID_dtype_map[cid][0]] = values
    head = np.uint32(rows.size).tobytes() + bytes([len(ids)]) + np.asarray(ids, "<u2").tobytes()
    data = head.ljust(405, b"\0") + rows.tobytes()
    body = _module(b"VMP Set", b"\0" * 0x300, 0) + _module(b"VMP data", data, 2)
    path.write_bytes(BioLogic.MPR_MAGIC + body)
    return path


def _gcpl(limited: str, cycles: int = 3) -> tuple[dict[int, np.ndarray], np.ndarray, np.ndarray]:
    """Charge/discharge steps at +-0.12 mA; the potential ``limited`` ("cell" or "ewe") ends
    them at the same values every cycle (up to 1.04 V, down to 0.70 V), or ("time") they end
    10 mV short of that more each cycle. The counter electrode drifts by 30 mV a cycle against
    the reference, so Ewe and the cell voltage (Ewe - Ece) part at the step ends."""
    shape = np.r_[np.linspace(0.90, 1.04, 6), np.linspace(1.02, 0.70, 6)]
    short = np.r_[np.linspace(0, 1, 6), np.linspace(0, -1, 6)]
    limited_v = np.concatenate(
        [shape - (0.01 * c * short if limited == "time" else 0) for c in range(cycles)]
    )
    ece = np.repeat(-0.95 + 0.03 * np.arange(cycles), shape.size)
    # the potential not limited is the limited one shifted by the drift of the counter
    cell, ewe = (limited_v, limited_v + ece) if limited != "ewe" else (limited_v - ece, limited_v)
    current = np.tile(np.r_[np.full(6, 0.12), np.full(6, -0.12)], cycles)
    ns = np.tile(np.r_[np.full(6, 1), np.full(6, 2)], cycles)
    t = 10.0 * np.arange(cell.size)
    cols = {1: np.ones(t.size), 4: t, 6: ewe, 9: ewe - cell, 8: current, 131: ns}
    return cols, ewe, cell


def test_mpr_with_ece_reads_the_limited_cell_voltage(tmp_path: Path) -> None:
    cols, _, cell = _gcpl("cell")
    m = read(_mpr(tmp_path / "gcpl.mpr", cols))
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=2e-6)
    assert any("formed as 'Ewe/V' - 'Ece/V'" in n for n in m.notes)
    assert any("discharge steps end with 'Ewe-Ece/V'" in n for n in m.notes)


def test_mpr_with_ece_chooses_the_cell_voltage_by_hand(tmp_path: Path) -> None:
    cols, _, cell = _gcpl("time")
    m = read(_mpr(tmp_path / "gcpl.mpr", cols), columns={"voltage": "Ewe-Ece/V"})
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=2e-6)


@pytest.mark.parametrize("limited", ["ewe", "time"])
def test_control_mpr_keeps_ewe_unless_the_cell_voltage_was_limited(
    tmp_path: Path, limited: str
) -> None:
    """Controls: steps limited on Ewe, or ending on time (nothing decided): Ewe, as before."""
    cols, ewe, _ = _gcpl(limited)
    m = read(_mpr(tmp_path / "gcpl.mpr", cols))
    np.testing.assert_allclose(m.data[VOLTAGE], ewe, atol=2e-6)


@pytest.mark.parametrize(
    ("limited", "words"),
    [
        ("ewe", "steps end with 'Ewe/V'"),
        ("time", "does not say which potential the technique controlled"),
    ],
)
def test_mpr_note_says_what_the_step_ends_show(tmp_path: Path, limited: str, words: str) -> None:
    m = read(_mpr(tmp_path / "gcpl.mpr", _gcpl(limited)[0]))
    assert any(words in n for n in m.notes)


def test_clock_of_twelve_hours(tmp_path: Path) -> None:
    # a 12-hour clock with AM/PM (Digatron writes "11/7/2018 5:08:07 PM"), across midnight
    stamps = ["11/7/2018 11:59:50 PM", "11/8/2018 12:00:00 AM", "11/8/2018 12:00:10 AM"]
    m = read(_eclab_table(tmp_path / "ampm.txt", stamps))
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0, 20.0])
