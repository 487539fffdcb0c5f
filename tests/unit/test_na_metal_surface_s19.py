"""`solidna analyze --kind xps` fits a Na metal 1s line with the asymmetric metal line.

``species.toml`` marks Na metal as metallic, but Na 1s is a single-line level, which the pipeline
fitted from its maxima with symmetric lines: a synthetic Na metal 1s line (Doniach-Sunjic
asymmetry 0.15, built independently with scipy by tests/unit/test_metal_lines_xpsmetal_s18.py)
came out as a symmetric line with 16 453 of its 20 000 cps.eV (-18 %), 0.11 eV high. A line
that the position (after the C 1s charge shift) gives to Na metal is now tried with
``doniach_sunjic_gauss`` and kept when the BIC falls: area within 1 %, position within 0.01 eV,
also for a sample charged by 1.5 eV. A symmetric line at the same place stays symmetric.
Synthetic VAMAS files (ISO 14976 layout of tests/unit/test_vamas_orientation_s18.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_metal_lines_xpsmetal_s18 import _metal_line
from test_vamas_orientation_s18 import HV, _write

from solidna.analysis.pipeline import analyze
from solidna.analysis.xps.lineshapes import line_shape

NA_METAL_EV = 1071.7  # species.toml's Na metal 1s (NIST SRD 20)
AREA = 20000.0  # cps.eV


def _na_file(tmp_path, charging_eV: float, metal: bool):
    rng = np.random.default_rng(5)
    na_be = np.arange(1064.0, 1080.0 + 0.025, 0.05)
    center = NA_METAL_EV + charging_eV
    if metal:
        line = AREA * _metal_line(na_be, center, 0.3, 0.7, 0.15)
    else:
        line = line_shape("gl_sum", na_be, AREA, center, 1.2, 0.3)
    c_be = np.arange(280.0, 295.0 + 0.025, 0.05)
    c1s = 300.0 + line_shape("gl_sum", c_be, 4000.0, 284.8 + charging_eV, 1.2, 0.3)
    # Poisson noise on the count rates the file states (c/s)
    rate = [rng.poisson(y).astype(float) for y in (c1s, 2000.0 + line)]
    path = tmp_path / "na.vms"
    _write(path, [("C 1s", HV - 280.0, -0.05, rate[0]), ("Na 1s", HV - 1064.0, -0.05, rate[1])])
    return path


def _na_row(tmp_path, charging_eV: float, metal: bool) -> pd.Series:
    analyze([_na_file(tmp_path, charging_eV, metal)], "xps", tmp_path / "out")
    (table,) = (tmp_path / "out" / "tables").glob("*.xps_components.csv")
    comp = pd.read_csv(table)
    (k,) = np.flatnonzero(comp["Core level"] == "Na 1s")
    return comp.iloc[k]


@pytest.mark.parametrize("charging_eV", [0.0, 1.5])
def test_na_metal_1s_is_fitted_with_the_asymmetric_metal_line(tmp_path, charging_eV):
    row = _na_row(tmp_path, charging_eV, metal=True)
    assert row["Shape"] == "doniach_sunjic_gauss"
    assert row["Area [cps.eV]"] == pytest.approx(AREA, rel=0.02)
    assert row["Corrected position [eV]"] == pytest.approx(NA_METAL_EV, abs=0.03)
    assert row["Asymmetry"] == pytest.approx(0.15, abs=0.03)
    assert "Na metal" in row["Species"]


def test_a_symmetric_na_1s_line_at_the_metal_position_stays_symmetric(tmp_path):
    row = _na_row(tmp_path, 0.0, metal=False)
    assert row["Shape"] == "gl_sum"
    assert row["Area [cps.eV]"] == pytest.approx(AREA, rel=0.02)
