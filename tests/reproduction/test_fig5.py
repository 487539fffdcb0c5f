"""thermo.*, fig5* and abstract.* targets within tolerance (DESIGN section 4)."""

import pytest

from solidna.reproduce import fig5
from solidna.reproduce.targets import compare, load_targets

TARGETS = [
    t for t in load_targets(["fig5", "thermo", "abstract"]) if t.role in ("calibrate", "validate")
]

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


@pytest.fixture(scope="module")
def results():
    out = fig5.run()
    return {r.id: r for r in out.results}, out


def test_every_target_has_a_model_value(results):
    by_id, _ = results
    for t in TARGETS:
        assert t.id in by_id, t.id
        assert by_id[t.id].model is not None, f"{t.id}: {by_id[t.id].note}"


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[t.id]))
        if t.id in KNOWN_MISSES
        else t
        for t in TARGETS
    ],
    ids=lambda t: t.id,
)
def test_target_within_tolerance(results, target):
    by_id, _ = results
    model = by_id[target.id].model
    assert compare(target, model), (
        f"{target.id}: paper {target.value}, model {model} ({by_id[target.id].note})"
    )


def test_figures_drawn(results):
    _, out = results
    assert {"fig5c", "fig5d", "fig5e", "fig5f"} <= set(out.figures)
