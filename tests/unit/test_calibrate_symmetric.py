"""The committed fitted_symmetric.toml is what the calibration routine produces."""

import pytest

from solidna import lu2019
from solidna.calibrate import symmetric as cal
from solidna.calibrate.uncertainty import fitted_analysis
from solidna.targets import get_target

# The routine is deterministic; re-evaluating the model at the committed values must give the
# recorded model values to solver tolerance (rtol 1e-6, amplified by the CV fit and the
# threshold interpolation of the time to 10 V).
REEVALUATION_REL = 1e-3
# A fresh calibration lands on the committed values within the optimiser's tolerance.
REFIT_REL = 1e-2
# The uncertainties (sd of ln p, linearised) of a refit or a re-analysis agree with the
# committed ones within 10 %: the Jacobian is taken at a point within REFIT_REL of the committed
# one, by forward differences of residuals with noise ~1e-4.
UNCERTAINTY_REL = 0.1
# The CV model fit of M-Na (fig4g observables) converges along a flat valley: its i0 (17 A/m2)
# is far above the CV's current densities, so only the small curvature fixes it, and the fitted
# value moves by up to ~0.2 % with the fit's start point and the machine's floating point
# (measured: -0.1 % to +0.02 % over resistivity steps of 0.5-3 %). Over the 2 % Jacobian step
# that is up to ~0.1 in a sensitivity of those rows: the committed 0.025 of d ln i0 / d ln rho
# came out 0.110 on another machine (uncertainties within 0.4 %). Those rows are held to 0.15.
CV_FIT_SENSITIVITY_ABS = 0.15


def test_calibration_reads_only_calibrate_targets():
    for tid in cal.TARGET_IDS:
        assert get_target(tid).role == "calibrate"


def test_committed_values_reproduce_recorded_model_values():
    ps = lu2019()
    meta = ps.meta["fitted_symmetric"]
    assert meta["routine"] == cal.ROUTINE
    assert list(meta["targets"]) == list(cal.TARGET_IDS)
    for name in cal.FREE_PARAMETERS:
        assert ps.entry(name).method == "fitted"
    values = cal.model_values(ps)
    for tid, recorded in meta["model_values"].items():
        assert values[tid] == pytest.approx(recorded, rel=REEVALUATION_REL), tid


@pytest.mark.slow
def test_recalibration_gives_committed_values():
    """Rerun the whole fit (about 5 minutes: every cycle of the 4000-h run is resolved) and land
    on the committed values. Fast twin: test_reanalysis_gives_committed_uncertainties."""
    ps = lu2019()
    result = cal.calibrate_symmetric(write=False)
    for name, value in result["parameters"].items():
        assert value == pytest.approx(ps[name], rel=REFIT_REL), name
    # ... and on the committed uncertainties
    committed = fitted_analysis(ps, "symmetric")
    assert result["uncertainty"].parameters == committed.parameters
    assert result["uncertainty"].std == pytest.approx(committed.std, rel=UNCERTAINTY_REL)


def test_reanalysis_gives_committed_uncertainties():
    """Fast twin of the (slow) recalibration: the analysis at the committed values (six model
    runs) finds the committed sensitivities and uncertainties."""
    committed = fitted_analysis(lu2019(), "symmetric")
    again = cal._PROBLEM.analyse()
    for row, target in enumerate(cal.TARGET_IDS):
        cv_fit = target.startswith("fig4g.")
        assert again.sensitivity[row] == pytest.approx(
            committed.sensitivity[row],
            rel=0.05,
            abs=CV_FIT_SENSITIVITY_ABS if cv_fit else 1e-3,
        ), target
    assert again.std == pytest.approx(committed.std, rel=UNCERTAINTY_REL)
