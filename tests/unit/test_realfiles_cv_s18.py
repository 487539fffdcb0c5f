"""Potentiostat CV exports met in public sources that solidna misread (session 18).

Each file is a synthetic twin, written by the test, of a public layout; no text of those files
is copied. The layouts are those of:

* Metrohm Autolab NOVA's CV text export as ComPlat/chemotion-converter-app's test files have it
  (``test_files/ChemConverter/CV/Metrohm/NOVA-txt``; layout only): ``Potential applied (V);
  Time (s);WE(1).Current (A);WE(1).Potential (V);Scan;Index;Q+;Q-``, decimal commas, the CV
  cycle in ``Scan``;
* Admiral Instruments' Squidstat CV exports in the public runs of marciG30/Squidstat_1092_1338 (no licence stated:
layout only): ``"Step number","Step name","Elapsed Time (s)","Working Electrode (V)", ...,
"Current (mA)", ...,"Cumulative Charge (mAh)"``, a row every 0.1 s, the first one 24 mV off the
sweep (25.6 mV, then 1.7 mV at 0.2 s, then up by 1 mV a row: the run's settings state 10 mV/s).

The tests of the fixes fail on the code before this session (``PYTHONPATH=/tmp/s18/head/src``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import solidna.analysis.io as sio
from solidna.analysis.kinetics import cv_sweep


def test_scan_rate_of_a_sweep_led_by_an_uncontrolled_sample(tmp_path: Path) -> None:
    """The scan rate of a one-sweep record was the mean of the sweep's 10 mV/s and the 240 mV/s
    of its first step, taken before the potential was under control (125 mV/s): a single step
    is no sweep where the record has a longer one, so the rate is the sweep's own."""
    head = (
        '"Step number","Step name","Elapsed Time (s)","Working Electrode (V)",'
        '"Current (mA)","Cumulative Charge (mAh)"'
    )
    rows = ["1_1,Linear Sweep,0.1,0.0256,-26.2,-0.0007"]
    rows += [
        f"1_1,Linear Sweep,{0.2 + 0.1 * k:.4f},{0.0017 + 0.001 * k:.5f},{0.05 + 1e-4 * k:.5f},"
        f"{-0.0011 + 1e-6 * k:.7f}"
        for k in range(200)
    ]
    path = tmp_path / "lsv.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    m = sio.read(path)
    sweep = cv_sweep(m.data["Time [s]"], m.data["Voltage [V]"])
    assert sweep.scan_rate_V_s == pytest.approx(0.010, rel=1e-3)
    assert sweep.v_max_V == pytest.approx(0.2007)


def test_nova_scan_is_the_cycle(tmp_path: Path) -> None:
    """NOVA numbers the cycles of a CV in its 'Scan' column; it was left out, so the tidy table
    had no cycle number and a record of several scans could not be told apart by cycle."""
    head = "Potential applied (V);Time (s);WE(1).Current (A);WE(1).Potential (V);Scan;Index;Q+;Q-"
    rows, k = [], 0
    for scan in (1, 2):
        for e in [0.5 + 0.01 * j for j in range(20)] + [0.7 - 0.01 * j for j in range(20)]:
            k += 1
            cells = [f"{e:.6f}", f"{0.1 * k:.4f}", f"{1e-6 * (e - 0.6):.4e}", f"{e + 1e-3:.6f}"]
            cells += [str(scan), str(k), "3,3E-05", "-2,2E-05"]
            rows.append(";".join(c.replace(".", ",") for c in cells))
    path = tmp_path / "nova.txt"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert m.metadata["columns used"]["cycle"] == "Scan"
    assert sorted(set(m.data["Cycle number"])) == [1, 2]
    assert m.data["Voltage [V]"].iloc[0] == pytest.approx(0.501)
