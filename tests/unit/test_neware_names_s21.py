"""Neware record tables whose column names differ in spaces, case or unit (synthetic twins).

BTS versions and hand-edited exports write ``Cur (mA)`` beside ``Cur(mA)``, ``Cur(A)`` beside
``Cur(mA)``, ``Relative Time (h:min:s.ms)`` and ``Chg. Capacity(mAh)`` (the layouts a public
battery-data converter's tests document for Neware's Excel-style CSV). Names are matched without
case, spaces and unit, and the unit is read from the header; a name without a unit where one is
needed (a bare ``Current``, A or mA?) is still refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import CAPACITY, CURRENT, TIME, read
from solidna.errors import DataFormatError

HEADER_IDS = "Cycle Index,Step Index,Record Index"


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_spaced_names_and_relative_time_are_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "neware_spaced.csv",
        f"{HEADER_IDS},Relative Time (h:min:s.ms),Voltage(V),Cur (mA),DChg. Capacity(mAh)",
        ["1,2,1,0:00:00.0,3.50,-500,0", "1,2,2,0:00:05.0,3.45,-600,0.75"],
    )
    m = read(path)
    assert m.format == "neware-csv"
    np.testing.assert_allclose(m.data[TIME], [0.0, 5.0])
    np.testing.assert_allclose(m.data[CURRENT], [-0.5, -0.6])  # mA read as mA


def test_the_unit_comes_from_the_header(tmp_path: Path) -> None:
    # "Cur(A)" of a BTS 7 detail sheet: amperes, not the milliamperes of "Cur(mA)"
    path = _write(
        tmp_path / "neware_amps.csv",
        f"{HEADER_IDS},Time(h:min:s.ms),Voltage(V),Cur(A),CapaCity(Ah),Step Type",
        [
            "1,1,1,0:00:00.0,3.80,1.25,0.0,CC_Chg",
            "1,1,2,0:00:10.0,3.85,1.25,0.00347,CC_Chg",
            "1,2,3,0:00:00.0,3.80,0.5,0.0,CC_DChg",
            "1,2,4,0:00:10.0,3.75,0.5,0.00139,CC_DChg",
        ],
    )
    m = read(path)
    np.testing.assert_allclose(m.data[CURRENT], [1.25, 1.25, -0.5, -0.5])
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0, 10.0, 20.0])
    # the per-step counter in A.h, signed by the step's current
    assert m.data[CAPACITY].iloc[1] == pytest.approx(0.00347)
    assert m.data[CAPACITY].iloc[3] == pytest.approx(0.00347 - 0.00139)


def test_spelled_out_counters_give_the_net_charge(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "neware_counters.csv",
        f"{HEADER_IDS},Time(h:min:s.ms),Voltage(V),Current(mA),"
        "Chg. Capacity(mAh),DChg. Capacity(mAh)",
        [
            "1,1,1,0:00:00.0,3.5,360,0,0",
            "1,1,2,0:00:10.0,3.6,360,0.99,0",
            # per-step counters: both restart with the discharge step
            "1,2,3,0:00:00.0,3.5,-360,0,0",
            "1,2,4,0:00:10.0,3.4,-360,0,0.99",
        ],
    )
    m = read(path)
    # the counters (0.99 mAh), not the integral of the current (1 mAh)
    np.testing.assert_allclose(m.data[CAPACITY], [0.0, 0.99e-3, 0.99e-3, 0.0], atol=1e-9)


def test_a_current_without_a_unit_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "neware_bare.csv",
        f"{HEADER_IDS},Time(h:min:s.ms),Voltage(V),Current",
        ["1,1,1,0:00:00.0,3.5,360", "1,1,2,0:00:10.0,3.6,360"],
    )
    with pytest.raises(DataFormatError, match="current.*any unit in parentheses"):
        read(path)


def test_a_bts7_detail_sheet_with_amperes_and_a_one_record_step(tmp_path: Path) -> None:
    # BTS 7.x workbook: "Cur(A)" and "Relative Time(h:min:s.ms)" (the step's time); the rest step
    # holds one record at 0, so the time stays 0 across its change: a tie that decided "runs on"
    # and then failed as "time goes backwards"
    import pandas as pd

    path = tmp_path / "Na1_Q.xlsx"
    detail = {
        "Record Index": [1, 2, 3, 4],
        "Status": ["CCCV_Chg", "CCCV_Chg", "Rest", "CC_DChg"],
        "Cycle": [1, 1, 1, 1],
        "Step": [1, 1, 2, 3],
        "Cur(A)": [1.25, 1.20, 0.0, -0.5],
        "Voltage(V)": [3.8172, 3.8848, 3.9440, 3.8395],
        "CapaCity(Ah)": [0.0, 0.001, 0.0, 0.002],
        "Relative Time(h:min:s.ms)": ["0:00:00.000", "0:00:01.000", "0:00:00.000", "0:00:00.000"],
    }
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Testing Information": [path.name]}).to_excel(
            writer, sheet_name="Info", index=False
        )
        pd.DataFrame(detail).to_excel(writer, sheet_name="Detail_31_2_1", index=False)
    m = read(path)
    np.testing.assert_allclose(m.data[CURRENT], [1.25, 1.20, 0.0, -0.5])
    np.testing.assert_allclose(m.data[TIME], [0.0, 1.0, 1.0, 1.0])
    assert any("restarts in each step" in n for n in m.notes)
