"""Benchmark: read a long cycler workbook (a Neware BTS-style ``record`` sheet beside summary
sheets) with python-calamine against openpyxl, side by side in one process on the same file.

Both go through the same sheet logic of :func:`solidna.analysis.io.read` (the workbook reader);
only the cell reader differs (``_Book._open_calamine`` switched off for the openpyxl run). Also
printed: ``pandas.read_excel`` of the record sheet alone (openpyxl), the floor of any
openpyxl-based reader. Printed: wall times and the ratios.

Run: .venv/bin/python benchmarks/bench_workbook.py [ROWS]   (default 100 000 rows)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from _common import measure  # noqa: F401 - sets the environment of the benchmarks

import solidna.analysis.io as sio
import solidna.analysis.io.workbook as wbk


def write_record(path: Path, rows: int) -> None:
    """A Neware BTS 8-style workbook: 'cycle' and 'step' summaries and a 'record' sheet of
    ``rows`` samples (1 s apart) of 1-h charge and discharge half cycles at 0.5 mA."""
    book = openpyxl.Workbook(write_only=True)
    for name in ("cycle", "step"):
        book.create_sheet(name).append(["Cycle Index", "Chg. Cap.(mAh)", "DChg. Cap.(mAh)"])
    sheet = book.create_sheet("record")
    sheet.append(
        ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Time", "Total Time"]
        + ["Current(mA)", "Voltage(V)", "Capacity(mAh)"]
    )
    t = np.arange(rows, dtype=float)
    half = (t // 3600).astype(int)
    charge = half % 2 == 0
    step_time = t - half * 3600
    for k in range(rows):
        total = int(t[k])
        sheet.append(
            [
                k + 1,
                int(half[k] // 2) + 1,
                int(half[k]) + 1,
                "CC_Chg" if charge[k] else "CC_DChg",
                f"{int(step_time[k]) // 3600:02d}:{int(step_time[k]) % 3600 // 60:02d}:"
                f"{int(step_time[k]) % 60:02d}",
                f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}",
                0.5 if charge[k] else -0.5,
                3.0 + 0.2 * step_time[k] / 3600 * (1 if charge[k] else -1),
                0.5 * step_time[k] / 3600,
            ]
        )
    book.save(path)


def best_of(fn, repeat: int = 2) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        tic = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - tic)
    return best, out


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.xlsx"
        tic = time.perf_counter()
        write_record(path, rows)
        print(f"wrote a {rows:,}-row record sheet in {time.perf_counter() - tic:.1f} s (untimed)")
        fast, m_fast = best_of(lambda: sio.read(path))
        opener = wbk._Book._open_calamine
        wbk._Book._open_calamine = lambda self, head: False
        try:
            slow, m_slow = best_of(lambda: sio.read(path))
        finally:
            wbk._Book._open_calamine = opener
        floor, _ = best_of(lambda: pd.read_excel(path, sheet_name="record", engine="openpyxl"))
    pd.testing.assert_frame_equal(m_fast.data, m_slow.data)  # the same table either way
    print(f"read() with python-calamine: {fast:.2f} s")
    print(f"read() with openpyxl (baseline): {slow:.2f} s: ratio {fast / slow:.2f}")
    print(f"pandas.read_excel of the record sheet alone (openpyxl): {floor:.2f} s")


if __name__ == "__main__":
    main()
