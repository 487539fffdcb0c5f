"""thermo.*, fig5* and abstract.* targets within tolerance (DESIGN section 4)."""

import pytest
from _targets import (
    assert_every_figure_has_a_caption,
    assert_has_model_value,
    assert_paper_markers,
    assert_validate_targets_labelled,
    assert_within_tolerance,
    checked_targets,
)

from solidna.reproduce import fig5

PREFIXES = ["fig5", "thermo", "abstract"]

# Targets the model honestly misses: id -> physical reason (strict xfail; never loosened).
KNOWN_MISSES: dict[str, str] = {
    "abstract.mna.overpotential_increase.50cycles": (
        "Read as the charge-discharge gap (the paper's 'overpotential' of Fig. 5d; median "
        "voltages) the model predicts +0.20 V over 50 cycles, below the 0.25-0.41 V band: the "
        "dead carbonate lowers the discharge voltage by 0.32 V at the end of discharge but only "
        "~0.22 V in mid-discharge, and the charge voltage stays flat. Read as the discharge "
        "overpotential alone (terminal voltage), the model gives ~0.32 V; the paper does not "
        "say which it meant."
    ),
}

CHECKED = checked_targets(PREFIXES, KNOWN_MISSES)


@pytest.fixture(scope="module")
def results():
    out = fig5.run()
    return {r.id: r for r in out.results}, out


@pytest.mark.parametrize("target", checked_targets(PREFIXES, {}))
def test_every_target_has_a_model_value(results, target):
    assert_has_model_value(results[0], target)


@pytest.mark.parametrize("target", CHECKED)
def test_target_within_tolerance(results, target):
    assert_within_tolerance(results[0], target)


def test_figures_drawn(results):
    _, out = results
    assert {"fig5c", "fig5d", "fig5e", "fig5f"} <= set(out.figures)


def test_paper_numbers_drawn_as_markers(results):
    assert_paper_markers(results[1], ["fig5c", "fig5d", "fig5e", "fig5f"])


def test_captions_and_the_explained_miss(results):
    _, out = results
    assert_every_figure_has_a_caption(out)
    # the known miss is explained by a note that names it
    assert any(
        getattr(n, "explains", lambda _: False)(tid) for n in out.notes for tid in KNOWN_MISSES
    )


def test_validate_targets_labelled():
    assert_validate_targets_labelled(PREFIXES)


def test_interior_gaps_lie_on_the_line_through_the_calibrated_ones(results):
    """What makes fig5d.overpotential.100/200/400 consistency checks (targets/validation.yaml):
    the model's gaps there lie within half their tolerance band of the log-current line through
    its calibrated 50 and 500 mA/g gaps, and so do the paper's, so a pass follows from the
    calibration and the model's near-Tafel form (|model - paper| <= |model - line| +
    |line - paper| < tolerance)."""
    import math

    from solidna.targets import get_target

    by_id, _ = results
    g50, g500 = (by_id[f"fig5d.overpotential.{r}"].model for r in (50, 500))
    p50, p500 = (get_target(f"fig5d.overpotential.{r}").value for r in (50, 500))
    for rate in (100, 200, 400):
        target = get_target(f"fig5d.overpotential.{rate}")
        half_band = 0.5 * target.tol["rel"] * target.value
        share = math.log(rate / 50) / math.log(500 / 50)
        model_line = g50 + (g500 - g50) * share
        paper_line = p50 + (p500 - p50) * share
        assert by_id[target.id].model == pytest.approx(model_line, abs=half_band), target.id
        assert target.value == pytest.approx(paper_line, abs=half_band), target.id


def test_rate_curve_and_cycling_have_bands(results):
    """The capacity at each rate and the 50-cycle terminal voltage carry 1-sd bands from the
    Na-CO2 calibration's covariance (a note gives them; the figures draw them)."""
    _, out = results
    note = next(n for n in out.notes if n.explains("fig5f.mna.terminal_discharge.cycle50"))
    assert "+-" in note.text and "mA/g" in note.text
    assert any("1 sd" in str(c.get_label()) for c in out.figures["fig5f"].axes[0].collections)
