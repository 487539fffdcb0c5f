"""``--kind battery``: any cell cycled galvanostatically, without the paper's comparisons.

A researcher's own full cell (here an LFP-like 3.0-3.6 V record) had to be analysed as
``--kind nvp`` or ``--kind na-co2``, kinds named after the paper's cells: a record of 200
cycles or more was then set beside Fig. S31's NVP retention. ``battery`` gives the same per-cycle
metrics and no paper row.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis.pipeline import analyze

runner = CliRunner()

#: The twin: 1 mA for 1 h charge, 0.9 h discharge at 1 mA (CE 90 %), 3 cycles, 60 s samples.
CURRENT_MA, CHARGE_H, DISCHARGE_H, CYCLES = 1.0, 1.0, 0.9, 3


def _full_cell(path):
    rows, t = [], 0.0
    for _ in range(CYCLES):
        for sign, hours in ((+1, CHARGE_H), (-1, DISCHARGE_H)):
            n = round(hours * 60)
            for k in range(n + 1):
                v = 3.0 + 0.6 * (k / n if sign > 0 else 1 - k / n)
                rows.append((t + k * 60.0, v, sign * CURRENT_MA))
            # rest samples 1 s after the step and 1 s before the next: each step's charge is
            # its own to 1 s (a trapezoid across the 60-s gap would share 30 s of it)
            rows += [(t + n * 60.0 + 1.0, v, 0.0), (t + n * 60.0 + 59.0, v, 0.0)]
            t += n * 60.0 + 60.0
    pd.DataFrame(rows, columns=["Time [s]", "Voltage [V]", "Current [mA]"]).to_csv(
        path, index=False
    )
    return path


def test_battery_kind_gives_the_metrics_and_no_paper_row(tmp_path):
    path = _full_cell(tmp_path / "lfp.csv")
    summary = analyze([path], "battery", tmp_path / "out", mass="10 mg", write_data=False)
    res = summary["results"]["lfp.csv"]
    assert res["cycles"] == CYCLES
    # 0.9 mA.h per 10 mg = 90 mA.h/g; CE 90 %
    assert res["mean coulombic efficiency [%]"] == pytest.approx(90.0, rel=1e-3)
    cycles = pd.read_csv(tmp_path / "out" / "tables" / "lfp.cycles.csv", index_col=0)
    assert cycles["Specific discharge capacity [mA.h.g-1]"].iloc[0] == pytest.approx(90.0, rel=1e-3)
    assert not summary.get("paper comparison")


def test_battery_kind_on_the_command_line(tmp_path):
    path = _full_cell(tmp_path / "lfp.csv")
    out = tmp_path / "out"
    result = runner.invoke(
        cli.app, ["analyze", str(path), "--kind", "battery", "--mass", "10 mg", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "battery"
    assert (out / "figures" / "lfp_cycles.png").exists()
    assert np.isfinite(summary["results"]["lfp.csv"]["mean coulombic efficiency [%]"])
