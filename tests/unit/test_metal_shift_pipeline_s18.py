"""`solidna analyze --kind xps` fits a charged sample's metal line as a metal's.

A metal line is told by its charge-corrected position, and the charge shift comes from the C 1s
region: the pipeline now refits a level with a metallic state (Mo 3d, W 4f) with its sample's
shift once C 1s is fitted. Before, every region was fitted at its recorded position, and the Mo
metal 3d5/2 line of a sample charged by 1.5 eV (recorded at 229.4 eV, where MoO2 lies) was
fitted with a symmetric line. Synthetic VAMAS file (ISO 14976 layout of
tests/unit/test_vamas_orientation_s18.py), lines built by tests/unit/test_metal_lines_xpsmetal_s18.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from test_metal_lines_xpsmetal_s18 import METALS, _metal
from test_vamas_orientation_s18 import HV, _write

from solidna.analysis.pipeline import analyze
from solidna.analysis.xps.lineshapes import line_shape

CHARGING_EV = 1.5


def _file(tmp_path):
    rng = np.random.default_rng(3)
    level, be, center, f_l, f_g, alpha, area = METALS[0]
    mo = 800.0 + sum(f(be) for f in _metal(level, be, center + CHARGING_EV, f_l, f_g, alpha, area))
    c_be = np.arange(280.0, 295.0 + 0.025, 0.05)
    c1s = 300.0 + line_shape("gl_sum", c_be, 4000.0, 284.8 + CHARGING_EV, 1.2, 0.3)
    # Poisson noise on the count rates the file states (c/s)
    rate = [rng.poisson(y).astype(float) for y in (c1s, mo)]
    path = tmp_path / "charged.vms"
    _write(path, [("C 1s", HV - 280.0, -0.05, rate[0]), ("Mo 3d", HV - 222.0, -0.05, rate[1])])
    return path


def test_a_charged_metal_line_is_fitted_asymmetric(tmp_path):
    analyze([_file(tmp_path)], "xps", tmp_path / "out")
    (table,) = (tmp_path / "out" / "tables").glob("*.xps_components.csv")
    comp = pd.read_csv(table)
    mo = comp[comp["Core level"].str.startswith("Mo", na=False)]
    first = mo.sort_values("Position [eV]").iloc[0]
    assert first["Shape"] == "doniach_sunjic_gauss"
    assert abs(first["Charge shift [eV]"] + CHARGING_EV) < 0.1
    assert abs(first["Corrected position [eV]"] - METALS[0][2]) < 0.1
    assert "Mo metal" in first["Species"]
