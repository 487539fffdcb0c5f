"""A CV with diffusion peaks (a redox couple in solution) is not a symmetric cell's CV.

ecat's CH Instruments CVs (ferrocene and an iron complex in MeCN, MIT) went through
``solidna analyze --kind cv`` as if they were Na|Na cells: the model fit ran for 430 s and called
an exchange current of 0.001 mA/cm2 "determined", its residual a quarter of the peak current.
The CVs here are synthetic: a Randles-Sevcik-like wave (a peak, then the current falling as
t^-1/2) and, as the guard, the Butler-Volmer curve of a symmetric cell.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from solidna.analysis.kinetics import PEAK_DROP_FRACTION, cv_peaks, symmetric_cell_voltage
from solidna.analysis.pipeline import analyze

E_PA, E_PC = 0.45, 0.38  # peak potentials [V] of the synthetic couple (ferrocene-like)
RATE = 0.1  # scan rate [V/s]


def _triangle(v_low: float, v_high: float, n: int = 400, cycles: int = 2) -> np.ndarray:
    up = np.linspace(v_low, v_high, n)
    one = np.concatenate([up, up[::-1][1:]])
    return np.concatenate([one] + [one[1:]] * (cycles - 1))


def _redox_cv() -> tuple[np.ndarray, np.ndarray]:
    """Potential [V] and current density [A/m2]: each sweep a peak at its peak potential, then
    the diffusion tail ~ (distance past the peak)^-1/2, and a double-layer offset."""
    v = _triangle(-0.2, 1.0)
    rising = np.r_[True, np.diff(v) > 0]
    j = np.empty_like(v)
    for sign, ep, mask in ((1.0, E_PA, rising), (-1.0, E_PC, ~rising)):
        x = sign * (v[mask] - ep) / 0.03  # distance past the peak in units of ~RT/F
        wave = np.where(x < 0, np.exp(-(x**2)), 1.0 / np.sqrt(1.0 + np.maximum(x, 0) ** 2 / 4))
        j[mask] = sign * (10.0 * wave + 0.5)
    return v, j


def test_a_redox_cv_holds_peaks_at_its_peak_potentials():
    v, j = _redox_cv()
    peaks = cv_peaks(v, j)
    assert peaks.peaked and peaks.drop > PEAK_DROP_FRACTION
    assert peaks.anodic_V == pytest.approx(E_PA, abs=0.01)
    assert peaks.cathodic_V == pytest.approx(E_PC, abs=0.01)
    assert peaks.anodic_current == pytest.approx(10.5, rel=0.02)
    assert peaks.cathodic_current == pytest.approx(-10.5, rel=0.02)


def test_a_symmetric_cell_cv_holds_no_peak():
    """The guard: a symmetric cell's current grows with |V| all along each sweep."""
    j_grid = np.linspace(-30.0, 30.0, 401)  # A/m2
    v_of_j = symmetric_cell_voltage(j_grid, i0_A_m2=17.3, ohmic_resistance_ohm_m2=2e-4)
    v = _triangle(float(v_of_j.min()), float(v_of_j.max()))
    j = np.interp(v, v_of_j, j_grid) + 0.05 * np.sign(np.gradient(v))  # + double layer
    peaks = cv_peaks(v, j)
    assert not peaks.peaked and peaks.drop == pytest.approx(0.0, abs=0.02)
    assert np.isnan(peaks.anodic_V) and np.isnan(peaks.cathodic_V)


def test_analyze_reports_the_peaks_and_runs_no_exchange_current_fit(tmp_path):
    v, j = _redox_cv()
    t = np.arange(v.size) * float(np.abs(np.diff(v)).mean()) / RATE
    path = tmp_path / "redox_cv.csv"
    rows = "\n".join(f"{a:.6f},{b:.6f},{c:.6e}" for a, b, c in zip(t, v, j / 10, strict=True))
    path.write_text("Time [s],Voltage [V],Current density [mA.cm-2]\n" + rows + "\n")
    analyze([path], "cv", tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    row = summary["results"][path.name]
    assert row["anodic peak potential [V]"] == pytest.approx(E_PA, abs=0.01)
    assert row["peak separation [V]"] == pytest.approx(E_PA - E_PC, abs=0.02)
    assert "not run" in row["Butler-Volmer fit"]["error"]
    assert "not run" in row["model fit"]["error"]
    assert any("diffusion-limited redox couple" in n for n in summary["notes"])
