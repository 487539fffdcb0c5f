"""Second round of instrument layouts the readers had not seen (synthetic files with the same
structure as real exports; no third-party file is copied here).

* a PEC-style CSV whose metadata block ("Key:,value" lines, one "names"/"values" pair) comes
  before the column header;
* EC-Lab chronopotentiometry, which writes the recorded average as ``<Ewe/V>``;
* EC-Lab ``Loop k from point number a to b`` files, where ``(Q-Qo)`` restarts at every loop;
* Gamry DC-technique ``.DTA`` files (CV ``CURVEn`` tables), and summary-only Gamry files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import (
    CAPACITY,
    CURRENT,
    CYCLE,
    TIME,
    VOLTAGE,
    read,
    split_header,
)
from solidna.errors import DataFormatError


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# PEC-style metadata block above the header
# --------------------------------------------------------------------------------------------
def test_csv_header_found_below_a_key_value_metadata_block(tmp_path: Path) -> None:
    meta = [
        "Request Year:,2026",
        "Test:,101",
        "Test Description:,",
        "Number Of Cells:,1",
        # a names/values pair of equal width looks like a header over one data row
        "Parameter names:,C-Rate (mAh),Mass (kg),Peak power (W)",
        "Parameter values:,640,1.1,50",
        "Names of initialized variables:",
        "Start Time:,01/08/2026 17:40:39",
    ]
    header = (
        "Test,Cell,Step,Cycle,Total Time (Hours in hh:mm:ss.xxx),Voltage (V),Current (A),"
        "Charge Capacity (mAh),Temp (°C),"
    )
    rows = [
        f"101,1,1,0,00:00:{s:02d}.000,{3.6 + 0.001 * s:.4f},0.5,{0.5 * s / 3.6:.4f},,"
        for s in range(0, 50, 10)
    ]
    path = _write(tmp_path / "pec.csv", "\n".join(meta + [header] + rows) + "\n")
    m = read(path)
    assert m.kind == "timeseries"
    np.testing.assert_allclose(m.data[TIME], [0, 10, 20, 30, 40])
    np.testing.assert_allclose(m.data[VOLTAGE].iloc[-1], 3.64)
    np.testing.assert_allclose(m.data[CURRENT], 0.5)
    # 0.5 A for 40 s, integrated (no net-charge column)
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], 0.5 * 40 / 3600)
    assert any("hh:mm:ss" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# EC-Lab: <Ewe/V> and loops
# --------------------------------------------------------------------------------------------
def _mpt(extra_header: list[str], columns: list[str], rows: list[list[str]]) -> str:
    head = ["EC-Lab ASCII FILE", "Nb header lines : N", "", "Chronopotentiometry", ""]
    head += extra_header + [""]
    n = len(head) + 1
    head[1] = f"Nb header lines : {n}"
    lines = head + ["\t".join(columns) + "\t"] + ["\t".join(r) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def test_split_header_reads_the_unit_inside_angle_brackets() -> None:
    assert split_header("<Ewe/V>") == ("<Ewe>", "V")
    assert split_header("<I>/mA") == ("<I>", "mA")


def test_eclab_chronopotentiometry_average_potential_column(tmp_path: Path) -> None:
    rows = [[f"{t:.1f}", f"{3.42 + 0.001 * t:.5f}", "2.0E-002"] for t in range(5)]
    path = _write(
        tmp_path / "cp.mpt",
        _mpt([], ["time/s", "<Ewe/V>", "I/mA"], rows),
        "latin-1",
    )
    m = read(path)
    np.testing.assert_allclose(m.data[VOLTAGE].iloc[-1], 3.424)
    np.testing.assert_allclose(m.data[CURRENT], 2e-5)


def test_eclab_loops_capacity_is_the_running_total(tmp_path: Path) -> None:
    # two loops of 10 s at 20 uA, 100 s apart with nothing recorded in between; (Q-Qo) [C]
    # restarts at each loop's first point
    rows = []
    for start in (0.0, 110.0):
        for k in range(1, 6):
            t = start + 2.0 * k
            rows.append([f"{t:.1f}", "3.43", "2.0E-002", f"{2e-5 * 2.0 * k:.6E}"])
    path = _write(
        tmp_path / "loops.mpt",
        _mpt(
            [
                "Number of loops : 2",
                "Loop 0 from point number 0 to 4",
                "Loop 1 from point number 5 to 9",
            ],
            ["time/s", "Ewe/V", "I/mA", "(Q-Qo)/C"],
            rows,
        ),
        "latin-1",
    )
    m = read(path)
    # 2 x 10 s x 20 uA = 4e-4 C, not the 2.4e-3 C an integral across the gap would give
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], 4e-4 / 3600, rtol=1e-6)
    np.testing.assert_allclose(m.data[CAPACITY].iloc[4], 2e-4 / 3600, rtol=1e-6)
    assert m.metadata["loops"] == 2
    assert any("loops" in n and "(Q-Qo) restarts" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# Gamry DC techniques
# --------------------------------------------------------------------------------------------
_GAMRY_HEAD = [
    "EXPLAIN",
    "TAG\tCV",
    "TITLE\tLABEL\tCyclic Voltammetry\tTest &Identifier",
    "SCANRATE\tQUANT\t1.00000E+001\t&Scan Rate (mV/s)",
]


def _gamry_curve(n: int, t0: float, values: list[tuple[float, float]]) -> list[str]:
    lines = [
        f"CURVE{n}\tTABLE",
        "\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver",
        "\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits",
    ]
    for k, (v, i) in enumerate(values):
        lines.append(f"\t{k}\t{t0 + 0.1 * k:.1f}\t{v:.5E}\t{i:.5E}\t0\t{v:.3E}\t0\t5\t...........")
    return lines


def test_gamry_cv_curves_read_as_a_time_series(tmp_path: Path) -> None:
    up = [(0.1 + 0.001 * k, 1e-6 * k) for k in range(5)]
    down = [(0.105 - 0.001 * k, -1e-6 * k) for k in range(5)]
    text = "\n".join(_GAMRY_HEAD + _gamry_curve(1, 0.1, up) + _gamry_curve(2, 0.6, down))
    path = _write(tmp_path / "cv.DTA", text + "\n", "cp1252")
    m = read(path)
    assert m.kind == "timeseries"
    assert m.metadata["technique"] == "CV"
    assert len(m.data) == 10
    assert m.data[CYCLE].tolist() == [1] * 5 + [2] * 5
    np.testing.assert_allclose(m.data[TIME].iloc[5], 0.6)
    np.testing.assert_allclose(m.data[CURRENT].iloc[4], 4e-6)
    np.testing.assert_allclose(m.data[VOLTAGE].iloc[9], 0.101)
    assert any("used as written" in n for n in m.notes)


def test_gamry_summary_only_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "EXPLAIN",
            "TAG\tPWR800_CYCLICCHARGEDISCHARGE",
            "CAPACITYCURVE\tTABLE",
            "\tPt\tTime\tType\tCycle\tCharge\tDuration",
            "\t#\ts\t#\t#\tC\ts",
            "\t1\t3493\t0\t1\t4362.1\t3492.6",
            "\t2\t6701\t1\t1\t4013.8\t3207.5",
        ]
    )
    path = _write(tmp_path / "ccd.DTA", text + "\n", "cp1252")
    with pytest.raises(DataFormatError, match="CAPACITYCURVE") as info:
        read(path)
    # the CLI adds "use --kind eis" to messages that say a file "holds only" another part
    assert "holds only" not in str(info.value)
