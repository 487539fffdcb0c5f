"""A background-subtracted XPS reference padded with zeros is fitted, not collapsed to zero area.

Layout: surfaceanalytics/xpsdeeplearning's reference spectra (Ti 2p, background removed, the
window padded with exact zeros); values invented. Before, the zero points got an almost infinite
weight (the Poisson weights had a floor of 1e-12) and both lines ended at zero area with their
widths at the lower bound.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.xps import Peak, XPSFit


@pytest.mark.parametrize("seed", [1, 2])
def test_zero_padded_reference_is_fitted(seed):
    rng = np.random.default_rng(seed)
    x = np.arange(445.0, 470.0, 0.1)
    truth = ((453.9, 5000.0, 0.6), (460.0, 2500.0, 0.8))  # centre [eV], height [cps], sigma [eV]
    y = sum(h * np.exp(-0.5 * ((x - c) / s) ** 2) for c, h, s in truth)
    y = y + rng.normal(0.0, 20.0, len(x))
    y[(x < 448.0) | (x > 466.0)] = 0.0
    fit = XPSFit([Peak("a", 455.0, 1.0), Peak("b", 459.0, 1.0)], background="none").fit(x, y)
    p = fit.result_.params
    for name, (centre, height, sigma) in zip(("a", "b"), truth, strict=True):
        (key,) = [k for k in p if k.endswith("_center") and k.startswith(f"p{name}_")]
        stem = key.removesuffix("_center")
        assert p[key].value == pytest.approx(centre, abs=0.1)
        # the fit's Gaussian-Lorentzian line is not the Gaussian truth: areas within 25 %
        area = height * sigma * np.sqrt(2 * np.pi)
        assert p[f"{stem}_area"].value == pytest.approx(area, rel=0.25)
