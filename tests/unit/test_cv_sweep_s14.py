"""The waveform of a recorded CV (scan rate, vertices, sweeps) read from the record itself.

``solidna analyze --kind cv`` reported the exchange current of a CV but not the scan rate it was
run at, which neither Gamry's nor BioLogic's tables state as a column: a reader of the summary
could not tell a 5 mV/s record from a 50 mV/s one. The records here are the analysis' own
triangular waveform (:func:`solidna.analysis.kinetics.cv_waveform`) and the symmetric cell's CV.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from solidna import SymmetricCell
from solidna.analysis.kinetics import cv_sweep, cv_waveform
from solidna.analysis.pipeline import analyze


@pytest.mark.parametrize("rate_V_s", [0.001, 0.005, 0.05])
def test_scan_rate_and_vertices_of_a_triangular_waveform(rate_V_s):
    t, v = cv_waveform(-0.4, 0.3, rate_V_s, n_cycles=3)
    sweep = cv_sweep(t, v)
    assert sweep.scan_rate_V_s == pytest.approx(rate_V_s, rel=1e-6)
    assert sweep.v_min_V == pytest.approx(-0.4)
    assert sweep.v_max_V == pytest.approx(0.3)
    # from 0 V: up, then 2 full sweeps per cycle, then back to 0 V
    assert sweep.n_sweeps == 7
    assert sweep.scan_rate_spread < 1e-6


def test_a_record_of_two_rates_has_a_spread():
    t1, v1 = cv_waveform(-0.5, 0.5, 0.005, n_cycles=1)
    t2, v2 = cv_waveform(-0.5, 0.5, 0.020, n_cycles=1)
    t = np.r_[t1, t1[-1] + t2[1:]]
    v = np.r_[v1, v2[1:]]
    sweep = cv_sweep(t, v)
    assert sweep.scan_rate_spread > 1.0  # 20 vs 5 mV/s


def test_no_sweep_gives_nan_not_an_error():
    sweep = cv_sweep([0.0, 1.0, 2.0], [0.1, 0.1, 0.1])
    assert math.isnan(sweep.scan_rate_V_s) and sweep.n_sweeps == 0


def test_analyze_reports_the_scan_rate_of_the_file(tmp_path):
    """Simulate a CV at 10 mV/s, write it in mA and mV with time in minutes, analyse: the summary
    states 10 mV/s and the vertices."""
    cv = SymmetricCell("modified").cv("-0.3 V", "0.4 V", "10 mV/s").timeseries
    path = tmp_path / "cv.csv"
    pd.DataFrame(
        {
            "Time [min]": cv["Time [s]"] / 60,
            "Ewe [mV]": cv["Voltage [V]"] * 1e3,
            "I [mA]": cv["Current density [mA.cm-2]"] * 0.785,
        }
    ).to_csv(path, index=False)
    summary = analyze([path], "cv", tmp_path / "out", area="0.785 cm2", model_fit=False)
    result = summary["results"]["cv.csv"]
    assert result["scan rate [mV.s-1]"] == pytest.approx(10.0, rel=1e-4)
    assert result["lower vertex [V]"] == pytest.approx(-0.3, abs=1e-4)
    assert result["upper vertex [V]"] == pytest.approx(0.4, abs=1e-4)
    assert not any("different rates" in n for n in summary.get("notes", []))
