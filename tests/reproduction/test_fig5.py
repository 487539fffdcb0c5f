"""thermo.*, fig5* and abstract.* targets within tolerance (DESIGN section 4)."""

import pytest
from _targets import (
    assert_every_figure_has_a_caption,
    assert_has_model_value,
    assert_paper_markers,
    assert_within_tolerance,
    checked_targets,
)

from solidna.reproduce import fig5

PREFIXES = ["fig5", "thermo", "abstract"]

# Targets the model honestly misses: id -> physical reason (strict xfail; never loosened).
KNOWN_MISSES: dict[str, str] = {
    "abstract.mna.overpotential_increase.50cycles": (
        "Read as the charge-discharge gap (the paper's 'overpotential' of Fig. 5d; median "
        "voltages) the model predicts +0.23 V over 50 cycles, below the 0.25-0.41 V band: the "
        "dead carbonate lowers the discharge voltage by 0.3 V at the end of discharge but only "
        "~0.25 V in mid-discharge, and the charge voltage stays flat. Read as the discharge "
        "overpotential alone (terminal voltage), the model gives ~0.30 V; the paper does not "
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
