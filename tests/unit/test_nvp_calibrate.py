"""The committed fitted_nvp.toml is what solidna.calibrate.nvp produces."""

import pytest

from solidna import lu2019
from solidna.calibrate import nvp as cal
from solidna.calibrate.uncertainty import fitted_analysis
from solidna.targets import get_target

# Re-evaluating the model at the committed values repeats the recorded model values to solver
# tolerance (IDAKLU rtol 1e-6; capacities come from the times of the cut-off events).
REEVALUATION_REL = 1e-4
# A fresh fit lands on the committed values within the chord solver's residual tolerance (1e-3
# in log of the targets), amplified by the weak sensitivity of the 2 C capacity to D.
REFIT_REL = 2e-2
# The uncertainties (sd of ln p, linearised) of a refit or a re-analysis agree with the
# committed ones within 10 %: the Jacobian is taken at a point within REFIT_REL of the committed
# one, by forward differences of residuals with noise ~1e-4.
UNCERTAINTY_REL = 0.1


def test_calibration_reads_only_calibrate_targets():
    for tid in cal.TARGET_IDS:
        assert get_target(tid).role == "calibrate"
    assert get_target("figS31.na.worse_than_mna").role == "validate"
    assert "figS31.na.worse_than_mna" not in cal.TARGET_IDS


def test_committed_values_reproduce_recorded_model_values():
    ps = lu2019()
    meta = ps.meta["fitted_nvp"]
    assert meta["routine"] == cal.ROUTINE
    assert list(meta["targets"]) == list(cal.TARGET_IDS)
    for name in cal.FREE_PARAMETERS:
        entry = ps.entry(name)
        assert entry.method == "fitted"
        assert entry.extra["routine"] == cal.ROUTINE
    values = cal.model_values(ps)
    for tid, recorded in meta["model_values"].items():
        assert values[tid] == pytest.approx(recorded, rel=REEVALUATION_REL), tid
        assert get_target(tid).passes(values[tid]), tid


@pytest.mark.slow
def test_recalibration_gives_committed_values():
    """Rerun the whole fit (about a minute) and land on the committed values."""
    ps = lu2019()
    result = cal.calibrate_nvp(write=False)
    for name, value in result["parameters"].items():
        assert value == pytest.approx(ps[name], rel=REFIT_REL), name
    # ... and on the committed uncertainties
    committed = fitted_analysis(ps, "nvp")
    assert result["uncertainty"].parameters == committed.parameters
    assert result["uncertainty"].std == pytest.approx(committed.std, rel=UNCERTAINTY_REL)


def test_progress_reports_a_rising_fraction_up_to_one():
    """The fit reports progress(message, fraction): messages per evaluation with None, and a
    fraction of the work done that never decreases and ends at 1 (a stand-in model keeps the
    test fast: each target follows one parameter as a power law the fit must invert)."""
    from solidna.calibrate._common import Calibration
    from solidna.targets import calibrate_targets

    targets = calibrate_targets()
    names = list(cal.FREE_PARAMETERS)

    def model(ps, progress):
        progress("stand-in model", None)
        return {
            tid: float(targets[tid].value) * (ps[n] / (3 * cal.FREE_PARAMETERS[n][1])) ** 0.7
            for tid, n in zip(cal.TARGET_IDS, names, strict=True)
        }

    problem = Calibration("nvp", "test", cal.FREE_PARAMETERS, cal.TARGET_IDS, model, "test")
    seen: list[tuple[str, float | None]] = []
    result = problem.run(progress=lambda message, fraction: seen.append((message, fraction)))
    fractions = [f for _, f in seen if f is not None]
    assert len(fractions) == result["nfev"] + 1  # one per evaluation, then the end
    assert all(0 < f <= 1 for f in fractions)
    assert all(b >= a for a, b in zip(fractions, fractions[1:], strict=False))
    assert fractions[0] < 0.5 and fractions[-1] == 1.0
    assert ("evaluation 1: stand-in model", None) in seen  # the model's own messages
    # one short line per evaluation, not the optimiser's arrays
    assert any(m.startswith("evaluation 1: RMS log residual ") for m, _ in seen)
    assert all("[" not in m and len(m) < 60 for m, _ in seen)
    for name in names:
        assert result["parameters"][name] == pytest.approx(3 * cal.FREE_PARAMETERS[name][1], 1e-3)


def test_reanalysis_gives_committed_uncertainties():
    """Fast twin of the (slow) recalibration: the analysis at the committed values (three model
    runs) finds the committed sensitivities and uncertainties."""
    committed = fitted_analysis(lu2019(), "nvp")
    again = cal._PROBLEM.analyse()
    assert again.sensitivity == pytest.approx(committed.sensitivity, rel=0.05, abs=1e-3)
    assert again.std == pytest.approx(committed.std, rel=UNCERTAINTY_REL)
