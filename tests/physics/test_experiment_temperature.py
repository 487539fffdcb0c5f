"""An experiment's temperature reaches every model, as in PyBaMM's own models.

PyBaMM passes a step's ``temperature=`` as "Ambient temperature [K]". The models run at it; the
exported values are quoted at "Temperature [K]" and carry their laws there (the SSE conductivity
and salt diffusivity, the Na-CO2 CO2 saturation and equilibrium voltage, every Arrhenius factor).
So a step at 35 degC must give what the values built at 35 degC give (the cells' route), to the
solver's tolerance. Before, the symmetric and Na-CO2 models read "Temperature [K]" only and ran
the step at the export's 25 degC; the NVP half-cell followed it only in PyBaMM's own parts (its
SSE conductivity and interphase laws stayed at 25 degC: 0.7 mV off at 35 degC, 31 mV at 0 degC).
"""

import pickle
import warnings

import numpy as np
import pybamm
import pytest

import solidna as sd
from solidna.errors import InvalidOptionError, OutOfRangeError, OutOfRangeWarning
from solidna.models import NaCO2CellModel, NVPHalfCellModel, SymmetricCellModel
from solidna.models.solve import SSEConductivityFactor

MODELS = {
    "symmetric": (SymmetricCellModel, sd.SymmetricCell),
    "na-co2": (NaCO2CellModel, sd.NaCO2Cell),
    "nvp": (NVPHalfCellModel, sd.NVPCell),
}
STEPS = [
    "Discharge at 0.1 mA for 10 minutes",
    "Rest for 2 minutes",
    "Charge at 0.1 mA for 10 minutes",
]
# Two routes to one temperature solve the same equations with differently folded constants; the
# solver (rtol 1e-6) keeps their voltages within 1e-7 V (measured: <= 8e-8 V).
ROUTE_ATOL_V = 1e-6


def _voltage(sol):
    return sol["Voltage [V]"].entries


def _values_at(cell_class, temperature):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        return cell_class(temperature=temperature).parameter_values()


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("celsius", [35.0, 12.0])
def test_experiment_temperature_equals_values_built_there(name, celsius):
    model_class, cell_class = MODELS[name]
    exp_warm = pybamm.Experiment(STEPS, temperature=273.15 + celsius)
    warm = pybamm.Simulation(model_class(), experiment=exp_warm).solve()
    built = pybamm.Simulation(
        model_class(),
        parameter_values=_values_at(cell_class, f"{celsius} degC"),
        experiment=pybamm.Experiment(STEPS),
    ).solve()
    room = pybamm.Simulation(model_class(), experiment=pybamm.Experiment(STEPS)).solve()
    n = min(len(_voltage(warm)), len(_voltage(built)), len(_voltage(room)))
    np.testing.assert_allclose(_voltage(warm)[:n], _voltage(built)[:n], rtol=0, atol=ROUTE_ATOL_V)
    # and the temperature did act: 10-13 degC from room moves every model by millivolts or more
    assert np.max(np.abs(_voltage(warm)[:n] - _voltage(room)[:n])) > 1e-3


@pytest.mark.parametrize("name", ["symmetric", "na-co2"])
def test_ambient_temperature_as_input_parameter(name):
    # an input parameter is symbolic when PyBaMM calls the conductivity's law: its table is used
    model_class, cell_class = MODELS[name]
    model = model_class()
    pv = model.default_parameter_values
    pv.update({"Ambient temperature [K]": "[input]"})
    sol = pybamm.Simulation(model, parameter_values=pv).solve(
        [0, 600], inputs={"Ambient temperature [K]": 308.15}
    )
    ref = pybamm.Simulation(
        model_class(), parameter_values=_values_at(cell_class, "35 degC")
    ).solve([0, 600])
    np.testing.assert_allclose(_voltage(sol), _voltage(ref), rtol=0, atol=ROUTE_ATOL_V)


def test_step_above_the_melting_point_is_refused():
    exp = pybamm.Experiment(["Rest for 1 minute"], temperature=400.0)
    with pytest.raises(OutOfRangeError, match="melting point"):
        pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()


def test_step_outside_the_validated_range_warns():
    exp = pybamm.Experiment(["Rest for 1 minute"], temperature=273.15)
    with pytest.warns(OutOfRangeWarning, match="validated range"):
        pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()


def test_room_temperature_step_does_not_warn():
    exp = pybamm.Experiment(["Rest for 1 minute"], temperature=298.15)
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        pybamm.Simulation(SymmetricCellModel(), experiment=exp).solve()


def test_conductivity_factor_is_the_law():
    ps = sd.lu2019()
    factor = SSEConductivityFactor(ps["SSE PVDF-HFP ratio [-]"], ps)
    T_q = pybamm.Scalar(298.15)
    # equal temperatures: exactly one (the paper's runs are unchanged bit for bit)
    assert factor(pybamm.Scalar(298.15), T_q).evaluate() == 1.0
    for t in (260.0, 283.15, 318.15, 350.0):
        exact = factor.conductivity_S_m(t) / factor.conductivity_S_m(298.15)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OutOfRangeWarning)
            numeric = float(factor(pybamm.Scalar(t), T_q).evaluate())
        assert numeric == pytest.approx(exact, rel=1e-14)
        # the table a symbolic temperature is interpolated in
        symbolic = factor(pybamm.InputParameter("T"), T_q)
        value = np.squeeze(symbolic.evaluate(inputs={"T": t}))
        assert float(value) == pytest.approx(exact, rel=1e-7)
    again = pickle.loads(pickle.dumps(factor))
    assert again.conductivity_S_m(310.0) == factor.conductivity_S_m(310.0)
    # equal when the laws are (the cells reuse a built simulation only for equal values)
    assert again == factor and hash(again) == hash(factor)
    other_film = ps.updated({"Modified interphase resistivity [Ohm.m]": 1e6})
    assert SSEConductivityFactor(ps["SSE PVDF-HFP ratio [-]"], other_film) == factor
    assert SSEConductivityFactor(1.0, ps) != factor
    assert SSEConductivityFactor(0.8, ps.updated({"Temperature [K]": 300.0})) != factor


@pytest.mark.parametrize("name", MODELS)
def test_changing_the_quoted_temperature_is_refused(name):
    # "Temperature [K]" is where the export computed the SSE (and CO2) values; changing it in
    # the values would have rescaled them (the conductivity read as quoted at 308 K) instead of
    # running the cell warmer
    model_class, _ = MODELS[name]
    pv = model_class().default_parameter_values
    pv["Temperature [K]"] = 308.15
    with pytest.raises(InvalidOptionError, match="Ambient temperature"):
        pybamm.Simulation(model_class(), parameter_values=pv).solve([0, 60])
