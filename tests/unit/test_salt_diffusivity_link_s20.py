"""The PyBaMM export's salt diffusivity follows its inputs (session 20).

The salt diffusivity is derived from the SSE conductivity by Nernst-Einstein with the cation
transference number and the dissociation factor (:func:`solidna.models.solve.electrolyte_values`).
Exported as a number, it did not follow them: a modeller's
``pv["Cation transference number [-]"] = 0.5`` changed the migration share in the model but kept
the diffusivity computed with the set's 0.4 (2 t+ (1 - t+) is 0.48 there, 0.5 at 0.5), so the
run matched neither set of values. It is now an expression of those entries in all three cells'
exports (:func:`solidna.models.solve.link_derived_values`): an edit gives what values built with
the edited set give. No files are read.
"""

from __future__ import annotations

import pybamm
import pytest

import solidna as sd
from solidna import lu2019
from solidna.models.parameter_values import provenance_table, pybamm_parameter_values
from solidna.models.solve import electrolyte_values

SALT_D = "Salt diffusivity [m2.s-1]"
#: Values edited in the export and values built from the edited set: the same law, rounding only.
SAME_REL = 1e-12
#: The Nernst-Einstein inputs a modeller varies, with an edited value.
EDITS = {
    "Cation transference number [-]": 0.5,
    "Nernst-Einstein dissociation factor [-]": 0.7,
    "SSE conductivity [S.m-1]": 0.05,
}


@pytest.mark.parametrize("cell", ["symmetric", "na-co2", "nvp"])
@pytest.mark.parametrize("entry", sorted(EDITS))
def test_an_edited_input_reaches_the_salt_diffusivity(cell, entry):
    pv = pybamm_parameter_values(cell)
    before = pv.evaluate(pybamm.Parameter(SALT_D))
    pv[entry] = EDITS[entry]
    edited = pv.evaluate(pybamm.Parameter(SALT_D))
    if entry == "SSE conductivity [S.m-1]":
        # the conductivity has no parameter-set entry of its own: D scales with it
        expected = before * EDITS[entry] / pybamm_parameter_values(cell)[entry]
    else:
        expected = electrolyte_values(lu2019().updated({entry: EDITS[entry]}))[SALT_D]
    assert edited == pytest.approx(expected, rel=SAME_REL)
    assert abs(edited / before - 1) > 0.01


@pytest.mark.parametrize("cell", ["symmetric", "na-co2", "nvp"])
def test_the_export_keeps_the_number_and_says_it_is_linked(cell):
    pv = pybamm_parameter_values(cell)
    assert pv.evaluate(pybamm.Parameter(SALT_D)) == pytest.approx(
        electrolyte_values(lu2019())[SALT_D], rel=SAME_REL
    )
    row = provenance_table(cell).loc[SALT_D]
    assert row["method"] == "derived"
    assert "Cation transference number [-]" in row["note"]


def _overpotential_V(model: pybamm.BaseModel, pv: pybamm.ParameterValues) -> float:
    """|Voltage| [V] after 20 minutes of plating at 0.5 mA/cm2 (salt polarisation builds up)."""
    pv = pybamm.ParameterValues(pv)
    pv["Current function [A]"] = 5.0 * pv["Electrode area [m2]"]
    sol = pybamm.Simulation(model, parameter_values=pv).solve([0, 1200])
    return abs(float(sol["Voltage [V]"].entries[-1]))


def test_an_edited_transference_number_runs_as_the_values_built_there():
    entry, value = "Cation transference number [-]", 0.5
    cell = sd.SymmetricCell("modified")
    default = _overpotential_V(cell.model(), cell.parameter_values())
    edited_pv = cell.parameter_values()
    edited_pv[entry] = value
    edited = _overpotential_V(cell.model(), edited_pv)
    built_cell = sd.SymmetricCell("modified", parameters=lu2019().updated({entry: value}))
    built = _overpotential_V(built_cell.model(), built_cell.parameter_values())
    assert edited == pytest.approx(built, rel=1e-6)
    assert abs(edited - default) > 1e-5
