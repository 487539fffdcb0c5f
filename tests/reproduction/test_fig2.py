"""Fig. 2, 4d, S8: the reference rows of the surface characterisation (issue 14).

These rows are ``reference``: no pass/fail. Checked: every row gets a result with a note; the XPS
rows get the literature energy of a state from the species table whose window holds the paper's
position (after the charge-reference shift); the measured-only rows say why they have no value.
"""

from __future__ import annotations

import pytest
from _targets import assert_every_figure_has_a_caption

from solidna.analysis.xps.species import ADVENTITIOUS_C1S_EV, species_table
from solidna.reproduce import fig2
from solidna.targets import load_targets

TARGETS = {t.id: t for t in load_targets(list(fig2.PREFIXES))}
SHIFT_EV = ADVENTITIOUS_C1S_EV - fig2.PAPER_CHARGE_REFERENCE_EV


@pytest.fixture(scope="module")
def output():
    out = fig2.run()
    yield out
    import matplotlib.pyplot as plt

    for figure in out.figures.values():
        plt.close(figure)


def test_every_row_is_a_reference_and_has_a_result(output):
    ids = {r.id for r in output.results}
    assert ids == set(TARGETS)
    assert all(TARGETS[i].role == "reference" for i in ids)
    assert all(r.note for r in output.results)
    assert_every_figure_has_a_caption(output)


@pytest.mark.parametrize(
    "target_id", sorted(i for i in TARGETS if i.startswith(("fig2a", "fig4d")))
)
def test_xps_rows_are_assigned_within_a_window(target_id, output):
    r = next(x for x in output.results if x.id == target_id)
    state = next(s for s in species_table() if s.name in r.note and s.be_eV - SHIFT_EV == r.model)
    assert abs(TARGETS[target_id].value + SHIFT_EV - state.be_eV) <= state.tolerance_eV


@pytest.mark.parametrize("target_id", ["fig2e.interphase_thickness", "figS8.roughness"])
def test_measured_rows_have_no_model_value(target_id, output):
    r = next(x for x in output.results if x.id == target_id)
    assert r.model is None and "solidna analyze" in r.note
