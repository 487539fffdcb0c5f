"""The Na-CO2 export's derived values follow their inputs (session 19).

``sd.NaCO2Cell().parameter_values()`` (and the model's ``default_parameter_values``) held the
CO2 saturation, the equilibrium voltage and its temperature coefficient, the cathode's
accessible volume fraction and CNT area, the product's molar volume and the kinetics' reference
CO2 concentration as numbers computed from other entries when the values were built. A PyBaMM
user's ``pv["CO2 partial pressure [bar]"] = 2`` changed nothing (2.306604 V after 10 minutes of
the default discharge, where values built at 2 bar give 2.320074 V), nor did a thicker cathode
or a heavier CNT loading. They are now expressions of the entries they come from
(:func:`solidna.models.na_co2.link_derived_values`): an edit of the input in a plain
``pybamm.Simulation`` gives what the values built there give. The SSE's conductivity law has no
closed form, so its inputs (the PVDF-HFP ratio, the phases' laws) cannot be linked: an edit of
one of them is refused, as an edited "Temperature [K]" already was, and so is a loading whose
product no longer fits in the cathode.

No files are read: the model runs with solidna's own parameter values (Lu 2019).
"""

from __future__ import annotations

import math

import pybamm
import pytest

import solidna as sd
from solidna import lu2019
from solidna.errors import InvalidOptionError, OutOfRangeError
from solidna.models.na_co2 import NaCO2CellModel, na_co2_parameter_values
from solidna.models.parameter_values import provenance_table

#: The values the export derives from other entries (and links to them now).
DERIVED = (
    "Cathode accessible volume fraction [-]",
    "Cathode specific CNT area [m-1]",
    "Saturated CO2 concentration [mol.m-3]",
    "Reference CO2 concentration [mol.m-3]",
    "Product molar volume per electron [m3.mol-1]",
    "Equilibrium voltage [V]",
    "Equilibrium voltage temperature coefficient [V.K-1]",
)
#: The edited values must give what values built there give: the same laws, rounding only.
SAME_REL = 1e-9
#: An edit must move the voltage by more than this [V]: 400x the agreement asked of the same
#: values (2.3e-9 V). Ten minutes into the discharge the cathode's build moves it by 4 uV (a
#: 30 % smaller accessible volume) to 89 uV (twice the CNT area); 0.5 bar CO2 by 9 mV.
MOVES_V = 1e-6


def _voltage_V(pv: pybamm.ParameterValues) -> float:
    """Voltage [V] after 10 minutes of the default discharge (0.1 mA/cm2) in a plain
    ``pybamm.Simulation``."""
    sol = pybamm.Simulation(NaCO2CellModel(), parameter_values=pv).solve([0, 600])
    return float(sol["Voltage [V]"].entries[-1])


def _built_V(name: str, value: float) -> float:
    """The same run on values built with ``name`` = ``value`` in the parameter set."""
    cell = sd.NaCO2Cell(parameters=lu2019().updated({name: value}))
    return _voltage_V(cell.parameter_values())


def _edited_V(name: str, value: float) -> float:
    """The same run on the default export with ``name`` edited to ``value``."""
    pv = sd.NaCO2Cell().parameter_values()
    pv[name] = value
    return _voltage_V(pv)


def test_an_edited_co2_pressure_reaches_the_model():
    default = _voltage_V(sd.NaCO2Cell().parameter_values())
    edited = _edited_V("CO2 partial pressure [bar]", 2.0)
    built = _voltage_V(sd.NaCO2Cell(co2_pressure=2).parameter_values())
    assert edited == pytest.approx(built, rel=SAME_REL)
    # the Nernst shift (3RT/4F) ln 2 = 13.4 mV and the doubled saturation: the edit acts
    assert edited - default > 0.01


# the inputs of the derived values that a modeller varies: the cathode's build (thickness, CNT
# loading, the CNTs' surface and accessible volume) and the CO2's solubility and its enthalpy
LINKED_INPUTS = [
    ("CO2 partial pressure [bar]", 0.5),
    ("Cathode thickness [m]", 1.5),
    ("MWCNT loading [kg.m-2]", 0.8),
    ("MWCNT specific surface area [m2.kg-1]", 2.0),
    ("Cathode accessible volume per CNT mass [m3.kg-1]", 0.7),
    ("CO2 solubility in SSE [mol.m-3.bar-1]", 0.5),
]


@pytest.mark.parametrize(("name", "factor"), LINKED_INPUTS, ids=[n for n, _ in LINKED_INPUTS])
def test_an_edited_input_gives_what_the_values_built_there_give(name, factor):
    value = lu2019()[name] * factor
    edited = _edited_V(name, value)
    assert edited == pytest.approx(_built_V(name, value), rel=SAME_REL)
    assert abs(edited - _voltage_V(sd.NaCO2Cell().parameter_values())) > MOVES_V


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_the_linked_values_are_the_numbers_they_replace(anode):
    pv = sd.NaCO2Cell(anode=anode).parameter_values()
    numbers = na_co2_parameter_values(lu2019(), anode)
    for name in DERIVED:
        assert isinstance(pv[name], pybamm.Symbol), name
        value = float(pv.evaluate(pybamm.Parameter(name)))
        assert math.isclose(value, numbers[name], rel_tol=1e-12), name


def test_the_model_defaults_are_linked_too():
    pv = NaCO2CellModel().default_parameter_values
    pv["CO2 partial pressure [bar]"] = 2.0
    built = sd.NaCO2Cell(co2_pressure=2).parameter_values()
    for name in ("Saturated CO2 concentration [mol.m-3]", "Equilibrium voltage [V]"):
        assert pv.evaluate(pybamm.Parameter(name)) == pytest.approx(
            built.evaluate(pybamm.Parameter(name)), rel=1e-12
        )


def test_an_input_parameter_pressure_is_swept():
    # the pressure as a PyBaMM input: one built model, the values of each pressure
    pv = sd.NaCO2Cell().parameter_values()
    pv["CO2 partial pressure [bar]"] = "[input]"
    sim = pybamm.Simulation(NaCO2CellModel(), parameter_values=pv)
    for p in (0.5, 2.0):
        sol = sim.solve([0, 600], inputs={"CO2 partial pressure [bar]": p})
        built = _voltage_V(sd.NaCO2Cell(co2_pressure=p).parameter_values())
        assert float(sol["Voltage [V]"].entries[-1]) == pytest.approx(built, rel=1e-7)


def test_the_provenance_table_gives_the_linked_values_as_numbers():
    table = provenance_table("na-co2")
    numbers = na_co2_parameter_values(lu2019(), "modified")
    for name in DERIVED:
        assert table.loc[name, "method"] == "derived"
        assert table.loc[name, "value"] == pytest.approx(numbers[name], rel=1e-12)
        assert "an edit of one of them reaches the model" in table.loc[name, "note"]


# -- inputs whose derived values cannot be expressions: an edit is refused --------------------
@pytest.mark.parametrize("model", ["NaCO2CellModel", "SymmetricCellModel", "NVPHalfCellModel"])
def test_an_edited_pvdf_ratio_is_refused(model):
    # the SSE conductivity is the root of an effective-medium balance (no closed form): the
    # export's conductivity, salt concentration and diffusivity cannot follow the ratio, and an
    # edit of it ran the cell at the old ratio without a word
    from solidna import models

    model_class = getattr(models, model)
    pv = model_class().default_parameter_values
    pv["SSE PVDF-HFP ratio [-]"] = 0.6
    with pytest.raises(InvalidOptionError, match=r"PVDF-HFP ratio.*0\.6.*computed at 0\.8"):
        pybamm.Simulation(model_class(), parameter_values=pv).solve([0, 60])


def test_an_edited_conductivity_law_entry_is_refused():
    pv = NaCO2CellModel().default_parameter_values
    pv["SSE gel-phase activation energy [eV]"] = 0.4
    with pytest.raises(InvalidOptionError, match="SSE gel-phase activation energy"):
        pybamm.Simulation(NaCO2CellModel(), parameter_values=pv).solve([0, 60])


def test_a_loading_that_does_not_fit_the_cathode_is_refused():
    # the accessible fraction follows the loading now: beyond 1 it is refused, as when the
    # values are built (na_co2_parameter_values)
    pv = NaCO2CellModel().default_parameter_values
    pv["MWCNT loading [kg.m-2]"] = 100 * lu2019()["MWCNT loading [kg.m-2]"]
    with pytest.raises(OutOfRangeError, match="outside \\(0, 1\\)"):
        pybamm.Simulation(NaCO2CellModel(), parameter_values=pv).solve([0, 60])


@pytest.mark.parametrize("pressure", [0.0, -1.0])
def test_a_pressure_of_zero_or_less_is_refused(pressure):
    # ln p of the linked equilibrium voltage: the solver met a NaN (old code: 0 bar ran as 1 bar)
    pv = NaCO2CellModel().default_parameter_values
    pv["CO2 partial pressure [bar]"] = pressure
    with pytest.raises(OutOfRangeError, match="must be above 0 bar"):
        pybamm.Simulation(NaCO2CellModel(), parameter_values=pv).solve([0, 60])


def test_the_set_values_still_run_in_each_model():
    # the checks pass the values as exported (a model of each cell runs its defaults)
    from solidna import models

    for model_class in (models.SymmetricCellModel, NaCO2CellModel, models.NVPHalfCellModel):
        sol = pybamm.Simulation(model_class()).solve([0, 60])
        assert sol["Voltage [V]"].entries.size > 1
