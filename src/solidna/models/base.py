"""What the one-domain cell models share: PyBaMM's external circuit and conventions, the mesh of
their single 1-D domain, and the solve of a current schedule.

The symmetric cell resolves the SSE, the Na-CO2 cell its cathode; each is a
:class:`OneDomainModel` that names its domain, spatial variable and length parameter.

PyBaMM conventions, end to end (so that a ``pybamm.Experiment`` runs these models as it runs
PyBaMM's own battery models):

* **Sign.** A positive current [A] is a discharge and lowers ``"Voltage [V]"``.
* **External circuit.** The current comes from PyBaMM's own external-circuit submodels, chosen by
  the ``"operating mode"`` option exactly as in ``pybamm.BaseBatteryModel``:
  ``"current"`` (``ExplicitCurrentControl``: ``"Current function [A]"``), ``"voltage"``
  (``VoltageFunctionControl``: ``"Voltage function [V]"``), ``"power"`` and ``"resistance"``
  (``PowerFunctionControl``, ``ResistanceFunctionControl``). An experiment's voltage hold swaps
  ``"Current function [A]"`` for PyBaMM's ``"Current variable [A]"`` state, as for a DFN. A
  model refuses the modes its cell cannot run (:attr:`OneDomainModel.REFUSED_OPERATING_MODES`:
  the symmetric cell has no open-circuit voltage, so no power step), as an option and as an
  experiment step.
* **Variables** every experiment step, termination and summary reads: ``"Voltage [V]"``,
  ``"Battery voltage [V]"``, ``"Current [A]"``, ``"Current variable [A]"``, ``"C-rate"``,
  ``"Power [W]"``, ``"Discharge capacity [A.h]"``, ``"Throughput capacity [A.h]"`` (PyBaMM's
  ``DischargeThroughput`` submodel) and ``model.summary_variables``. The capacity and energy
  states are scaled by the nominal capacity, so the solver holds them to its tolerances
  relative to the cell's own charge.
* **Events**: the Na-CO2 cut-offs are PyBaMM's ``"Minimum voltage [V]"`` / ``"Maximum voltage
  [V]"`` (an experiment relaxes them by 1 V so that its own cut-offs fire first); the symmetric
  cell's cycler protection is ``"Voltage limit [V]"`` on ``|V|``.
* **Temperature.** The models run at ``"Ambient temperature [K]"``, the parameter an experiment
  step's ``temperature=`` sets (as PyBaMM's isothermal models do), a number or, as for PyBaMM's
  own models, a function of (y, z, t) (:func:`ambient_temperature`); they report it under
  PyBaMM's isothermal names ("Ambient temperature [K]", "Cell temperature [K]", ...).
  ``"Temperature [K]"`` is the temperature the exported values are quoted at (the SSE
  conductivity and salt diffusivity, the CO2 saturation and equilibrium voltage of the Na-CO2
  cell); each of them carries its law to the ambient temperature, so the two names agree unless
  a step or the user sets another ambient.
* **Parameters** ``model.param`` carries what PyBaMM's submodels and steps read: ``Q``
  ("Nominal cell capacity [A.h]", also the scale of the current), ``A_cc`` ("Electrode area
  [m2]") and the current function.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Sequence
from typing import NoReturn

import numpy as np
import pybamm

from solidna.errors import ConvergenceError, InvalidOptionError, check_choice
from solidna.models.schedule import current_expression, interp_times, switch_times
from solidna.progress import Progress

__all__ = [
    "solver_failure",
    "start_voltage_note",
    "events_at_start",
    "OPERATING_MODES",
    "CONTROL_SIGNATURES",
    "CircuitParameters",
    "ENERGY_OPTIONS",
    "OneDomainModel",
    "ModelOptions",
    "LithiumIonOptionError",
    "arrhenius",
    "ambient_temperature",
    "isothermal_temperature_variables",
    "quoted_temperature",
    "sse_conductivity",
    "sse_conductivity_factor",
    "salt_diffusivity",
    "solve_schedule",
    "schedule_record",
    "start_sample_times",
]

#: Parameter of every temperature law: the temperature of the paper's data, where each law's
#: factor is 1, so that values calibrated at room temperature stay as they are.
REFERENCE_TEMPERATURE = "Reference temperature [K]"


#: Where PyBaMM reads "Ambient temperature [K]" across the electrode of a cell whose current
#: collector is 0-D (its ``battery_geometry``: ``{"current collector": {"z": {"position": 1}}}``;
#: an SPMe reads ``T_amb(y, z, t)`` at y = z = 1). The one-domain cells have no y-z extent and
#: read a function of (y, z, t) there too, so that the half-cell's interphases (which read
#: :func:`ambient_temperature`) see the temperature its SPMe sees.
ZERO_D_POSITION = 1.0


def ambient_temperature() -> pybamm.FunctionParameter:
    """The temperature the cell runs at [K]: PyBaMM's ``"Ambient temperature [K]"``, the value an
    experiment step's ``temperature=`` sets (a number for each step), or a function of (y, z,
    t) as PyBaMM's own thermal parameters read it (``pybamm.ThermalParameters.T_amb``).

    A function parameter of y, z and time, not a plain parameter: a modeller's time-varying
    ambient (``pv["Ambient temperature [K]"] = lambda y, z, t: ...``, as for an SPMe) was refused
    with "Cannot process parameter" by the symmetric cell and by the half-cell, whose SPMe took
    it. A number or ``"[input]"`` processes to the same constant as before.
    """
    return pybamm.FunctionParameter(
        "Ambient temperature [K]",
        {
            "Distance across electrode width [m]": pybamm.Scalar(ZERO_D_POSITION),
            "Distance across electrode height [m]": pybamm.Scalar(ZERO_D_POSITION),
            "Time [s]": pybamm.t,
        },
    )


def isothermal_temperature_variables(domain: str) -> dict[str, pybamm.Symbol]:
    """PyBaMM's temperature variables of an isothermal cell on one ``domain``, in K and degC.

    As ``pybamm.thermal.isothermal.Isothermal`` names them: the cell is at the ambient
    temperature (:func:`ambient_temperature`) everywhere.

    Parameters
    ----------
    domain : str
        The model's domain (the "Cell temperature [K]" is broadcast on it).

    Returns
    -------
    dict
        "Ambient temperature [K]", "Volume-averaged ambient temperature [K]", "Cell temperature
        [K]", "X-averaged cell temperature [K]", "Volume-averaged cell temperature [K]" and the
        same names in [C].
    """
    T = ambient_temperature()
    kelvin = {
        "Ambient temperature [K]": T,
        "Volume-averaged ambient temperature [K]": T,
        "Cell temperature [K]": pybamm.PrimaryBroadcast(T, domain),
        "X-averaged cell temperature [K]": T,
        "Volume-averaged cell temperature [K]": T,
    }
    celsius = {name.replace("[K]", "[C]"): value - 273.15 for name, value in kelvin.items()}
    return kelvin | celsius


def quoted_temperature() -> pybamm.Parameter:
    """The temperature the exported values are quoted at [K]: the parameter set's
    ``"Temperature [K]"`` (the SSE conductivity, salt diffusivity, CO2 saturation and
    equilibrium voltage the export computes there)."""
    return pybamm.Parameter("Temperature [K]")


def sse_conductivity_factor(temperature: pybamm.Symbol | None = None) -> pybamm.Symbol:
    """``sigma(T) / sigma(T_q)`` [-]: the SSE conductivity's law from "Temperature [K]" to
    ``temperature`` (default :func:`ambient_temperature`).

    The law has no closed form: it is a function of both temperatures that the parameter values
    supply (:class:`solidna.models.solve.SSEConductivityFactor`).

    Parameters
    ----------
    temperature : pybamm.Symbol, optional
        The temperature [K] to carry the conductivity to (an SPMe's temperature variable);
        default "Ambient temperature [K]".

    Returns
    -------
    pybamm.Symbol
        The factor [-], 1 where the temperature is the quoted one.
    """
    return pybamm.FunctionParameter(
        "SSE conductivity temperature factor [-]",
        {
            "Ambient temperature [K]": ambient_temperature()
            if temperature is None
            else temperature,
            "Temperature [K]": quoted_temperature(),
        },
    )


def sse_conductivity() -> pybamm.Symbol:
    """SSE conductivity at the ambient temperature [S.m-1]: "SSE conductivity [S.m-1]" (quoted at
    "Temperature [K]") times its law's factor to the ambient temperature."""
    return pybamm.Parameter("SSE conductivity [S.m-1]") * sse_conductivity_factor()


def salt_diffusivity() -> pybamm.Symbol:
    """Salt diffusivity of the SSE at the ambient temperature [m2.s-1]: by Nernst-Einstein
    (:func:`solidna.models.solve.electrolyte_values`) it scales as ``sigma T`` at a fixed salt
    concentration."""
    T, T_q = ambient_temperature(), quoted_temperature()
    return pybamm.Parameter("Salt diffusivity [m2.s-1]") * sse_conductivity_factor() * T / T_q


def arrhenius(activation_energy: str, sign: int = 1) -> pybamm.Symbol:
    """Arrhenius factor ``exp(sign * E_a / R * (1/T_ref - 1/T))`` of a rate or conductance.

    As PyBaMM's parameter sets write their temperature laws (e.g. Chen2020's exchange currents),
    with ``T`` = "Ambient temperature [K]" (:func:`ambient_temperature`) and ``T_ref`` =
    "Reference temperature [K]". ``sign = -1``
    gives the factor of a resistivity (which falls as the conductance rises).

    Parameters
    ----------
    activation_energy : str
        Name of the activation-energy parameter [J.mol-1].
    sign : int
        +1 for a rate, diffusivity or conductivity; -1 for a resistivity.

    Returns
    -------
    pybamm.Symbol
        The factor [-], 1 at the reference temperature.
    """
    T = ambient_temperature()
    T_ref = pybamm.Parameter(REFERENCE_TEMPERATURE)
    e_a = pybamm.Parameter(activation_energy)
    return pybamm.exp(sign * e_a / pybamm.constants.R * (1 / T_ref - 1 / T))


#: PyBaMM's operating modes these models accept, with PyBaMM's external-circuit submodel of each.
OPERATING_MODES = {
    "current": pybamm.external_circuit.ExplicitCurrentControl,
    "voltage": pybamm.external_circuit.VoltageFunctionControl,
    "power": pybamm.external_circuit.PowerFunctionControl,
    "resistance": pybamm.external_circuit.ResistanceFunctionControl,
}

#: The operating modes whose experiment steps a model can recognise in its equations, each with
#: the name of PyBaMM's function parameter of the step's target and of the variable the step
#: drives to it: a legacy step's copy holds ``"Power [W]" - "Power function [W]"``
#: (``PowerFunctionControl.constant_power``), the unified experiment model the step's
#: ``_get_control_residual``, ``variables["Power [W]"] - target`` (pybamm.step.Power).
CONTROL_SIGNATURES = {"power": ("Power function [W]", "Power [W]")}

#: IDA's limit on error-test failures in one step of the default solver (PyBaMM's default: 10);
#: see :attr:`OneDomainModel.default_solver`.
MAX_ERROR_TEST_FAILURES = 100

#: Values of the ``"capacity"`` option (see :class:`OneDomainModel`).
CAPACITY_OPTIONS = ("integrated", "none")

#: Values of PyBaMM's ``"calculate discharge energy"`` option (see :class:`OneDomainModel`).
ENERGY_OPTIONS = ("false", "true")

#: Summary variables of every one-domain model (PyBaMM's defaults that apply to it).
BASE_SUMMARY_VARIABLES = [
    "Time [s]",
    "Time [h]",
    "Throughput capacity [A.h]",
    "Throughput energy [W.h]",
]


class CircuitParameters:
    """What PyBaMM's external-circuit submodels and experiment steps read from ``model.param``.

    Attributes
    ----------
    A_cc : pybamm.Parameter
        "Electrode area [m2]".
    Q : pybamm.Parameter
        "Nominal cell capacity [A.h]": the charge of one hour at the current scale (1 A/m2 =
        0.1 mA/cm2 per electrode area), so a PyBaMM C-rate step is a multiple of 0.1 mA/cm2
        (the symmetric cell has no capacity of its own: its sodium is in excess).
    current_with_time : pybamm.FunctionParameter
        "Current function [A]" of time [A], positive on discharge.
    current_density_with_time : pybamm.Symbol
        The same per electrode area [A.m-2].
    """

    def __init__(self) -> None:
        self.A_cc = pybamm.Parameter("Electrode area [m2]")
        self.Q = pybamm.Parameter("Nominal cell capacity [A.h]")
        self.current_with_time = pybamm.FunctionParameter(
            "Current function [A]", {"Time [s]": pybamm.t}
        )
        self.current_density_with_time = self.current_with_time / self.A_cc


class LithiumIonOptionError(InvalidOptionError, KeyError):
    """A PyBaMM feature made for lithium-ion models (``sim.solve(initial_soc=...)``,
    ``pybamm.plot_voltage_components``) used on a model without what it needs; a KeyError too,
    as the missing option PyBaMM looked up."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ModelOptions(dict):
    """``model.options`` of the one-domain models: the PyBaMM battery-model options they take.

    ``sim.solve(initial_soc=...)`` makes PyBaMM's electrode state-of-health solver read the
    lithium-ion option ``"open-circuit potential"``; these cells have no state of charge (the
    symmetric cell's electrodes are both Na metal in excess; the Na-CO2 cell's capacity is set
    by its discharge product, not by a stoichiometry window), so that look-up raises
    :class:`LithiumIonOptionError`, saying what sets the start state instead (it was a bare
    ``KeyError: 'open-circuit potential'`` from inside PyBaMM); so does the look-up of
    ``"particle phases"`` by ``pybamm.plot_voltage_components`` (was ``KeyError: 'particle
    phases'``), naming what to plot instead.

    Parameters
    ----------
    options : dict
        The options.
    initial_state : str
        What sets the cell's start state (for the message).
    """

    def __init__(self, options: dict, initial_state: str):
        super().__init__(options)
        self.initial_state = initial_state

    def __missing__(self, key: str) -> NoReturn:
        if key == "open-circuit potential":
            raise LithiumIonOptionError(
                "This cell model has no state of charge, so sim.solve(initial_soc=...) and "
                "set_initial_state have no meaning for it (PyBaMM's electrode state-of-health "
                f"solver applies to lithium-ion models). Its start state is {self.initial_state}; "
                "to continue from an earlier run, give the run as starting_solution to an "
                "experiment's solve."
            )
        if key == "particle phases":
            raise LithiumIonOptionError(
                "pybamm.plot_voltage_components splits a lithium-ion cell's voltage into the "
                "terms of PyBaMM's electrode models (particle phases, OCPs), which this cell "
                "model does not have. Plot its own voltage terms instead: sim.plot([...]) or "
                "pybamm.QuickPlot(solution, [...]) with names from model.variable_names() "
                "(model.variables.search('overpotential') lists them)."
            )
        raise KeyError(key)


class OneDomainModel(pybamm.BaseModel):
    """A PyBaMM model on one Cartesian domain ``[0, length]``, 20 uniform finite volumes by
    default, solved by IDAKLU (rtol 1e-6), with PyBaMM's external circuit.

    Subclasses call :meth:`_circuit_variables` first (the current as PyBaMM's external circuit
    defines it), build their physics with ``"Current [A]"``, then :meth:`_finish` with the cell
    voltage.

    Parameters
    ----------
    options : dict, optional
        The model's options (default :attr:`DEFAULT_OPTIONS`); ``"operating mode"`` is one of
        :data:`OPERATING_MODES`; ``"capacity"``: ``"integrated"`` (default: PyBaMM's
        ``DischargeThroughput`` states, as an experiment needs) or ``"none"`` (no
        capacity-counting states: the long current schedules of our cells, which count charge
        from the schedule itself; the two extra states cost ~15 % of a 4000-h run's solve time);
        ``"calculate discharge energy"``: ``"false"`` (default) or ``"true"`` (PyBaMM's option:
        integrate "Discharge energy [W.h]" and "Throughput energy [W.h]", 0 otherwise).
    name : str, optional
        Model name (default :attr:`DEFAULT_NAME`).
    """

    #: Name of the domain, of its spatial variable, and the parameter that gives its length.
    DOMAIN: str
    X_NAME: str
    LENGTH_PARAMETER: str
    #: The cell this model is (``"symmetric"``, ``"na-co2"``): the key of its parameter export.
    CELL: str
    #: Option name -> allowed values, and the defaults.
    OPTIONS: dict[str, tuple[str, ...]]
    DEFAULT_OPTIONS: dict[str, str]
    #: The model's name when none is given.
    DEFAULT_NAME: str = "one-domain cell model"
    #: What sets the cell's start state instead of a state of charge (for the message of
    #: ``sim.solve(initial_soc=...)``, :class:`ModelOptions`).
    INITIAL_STATE: str = "its initial conditions in the parameter values"
    #: Operating modes of PyBaMM this cell cannot run, each with why and what to run instead
    #: (the end of the error's message). Refused as the ``"operating mode"`` option and, for the
    #: modes in :data:`CONTROL_SIGNATURES`, as an experiment step (:meth:`check_well_posedness`).
    REFUSED_OPERATING_MODES: dict[str, str] = {}
    #: The cell's state as ``sim.plot()`` shows it after the current density and voltage
    #: (:attr:`default_quick_plot_variables`): variable names, a tuple of names sharing a panel.
    STATE_PLOT_VARIABLES: tuple[str | tuple[str, ...], ...] = ()

    def __init__(self, options: dict | None = None, name: str | None = None):
        opts = dict(self.DEFAULT_OPTIONS)
        for key, value in (options or {}).items():
            check_choice("model option", key, self.OPTIONS)
            opts[key] = check_choice(f"value of option {key!r}", value, self.OPTIONS[key])
        super().__init__(name=self.DEFAULT_NAME if name is None else name)
        mode = opts["operating mode"]
        if mode in self.REFUSED_OPERATING_MODES:
            raise InvalidOptionError(
                f"{self.name} cannot run in operating mode {mode!r} (the model option "
                f"'operating mode'): {self.REFUSED_OPERATING_MODES[mode]}"
            )
        #: All options, the cell's own (``"anode"``) included.
        self.cell_options = opts
        self._set_up_circuit(opts)
        self._build()

    @property
    def default_parameter_values(self) -> pybamm.ParameterValues:
        """The Lu 2019 values for this anode (:func:`solidna.models.parameter_values.
        pybamm_parameter_values`), with a 0.1 mA/cm2 discharge as "Current function [A]"."""
        from solidna.models.parameter_values import pybamm_parameter_values

        return pybamm_parameter_values(self.CELL, self.cell_options["anode"])

    def _build(self) -> None:  # pragma: no cover - every model builds its own physics
        raise NotImplementedError

    def _set_up_circuit(self, options: dict) -> None:
        # the options were checked against OPTIONS by __init__
        self.param = CircuitParameters()
        # PyBaMM's steps and EISSimulation pass ``model.options`` to their submodels as
        # battery-model options: only keys PyBaMM knows belong here.
        self.options = ModelOptions(
            {k: options[k] for k in ("surface form", "operating mode")}, self.INITIAL_STATE
        )
        energy = options.get("calculate discharge energy", "false")
        integrated = options.get("capacity", "integrated") == "integrated"
        if energy == "true" and not integrated:
            raise InvalidOptionError(
                "The model option 'calculate discharge energy' = 'true' needs PyBaMM's "
                "discharge-throughput states, which 'capacity' = 'none' leaves out. Leave out "
                "one of the two options (the energy: 'capacity' 'integrated', the default)."
            )
        # PyBaMM's DischargeThroughput integrates "Discharge energy [W.h]" and "Throughput
        # energy [W.h]" only with this option, as for its own battery models; without it both
        # are 0 (the summary's "Throughput energy [W.h]" too), and the option was refused here
        circuit_options = pybamm.BatteryModelOptions(
            {"operating mode": options["operating mode"], "calculate discharge energy": energy}
        )
        self._circuit = OPERATING_MODES[options["operating mode"]](self.param, circuit_options)
        self._throughput = (
            pybamm.external_circuit.DischargeThroughput(self.param, circuit_options)
            if integrated
            else None
        )

    # -- PyBaMM's external circuit -------------------------------------------------------------
    def _circuit_variables(self) -> dict:
        """``"Current [A]"``, ``"Current variable [A]"``, ``"C-rate"``, ``"Total current
        density [A.m-2]"``, discharge and throughput capacity, as PyBaMM's submodels define them."""
        variables: dict = {}
        for sm in self._submodels():
            variables.update(sm.get_fundamental_variables())
        # PyBaMM's capacity and energy states are unscaled, so IDA holds them to its absolute
        # tolerance (1e-8 A.h), sized for PyBaMM's A.h cells: a 1-cm2 cell passes ~1e-4 A.h in
        # an hour, and a 10-minute 0.1 mA/cm2 sine drive cycle through the symmetric cell came
        # out 8.6e-5 off the integral of |I| in its throughput (3e-7 scaled). Scaled by the
        # nominal capacity (an energy by that capacity at 1 V), they are held to the solver's
        # tolerances relative to the cell's own charge.
        scales = {"A.h": self.param.Q, "W.h": self.param.Q * 1.0}
        for name, var in list(variables.items()):
            unit = name[name.rfind("[") + 1 : -1]
            if isinstance(var, pybamm.Variable) and unit in scales:
                variables[name] = pybamm.Variable(name, domains=var.domains, scale=scales[unit])
        if "Current variable [A]" not in variables:  # explicit control: the current itself
            variables["Current variable [A]"] = variables["Current [A]"]
        return variables

    def _finish(self, variables: dict, voltage: pybamm.Symbol, summary: Sequence[str]) -> None:
        """Add the voltage variables, the circuit's equations and the summary variables."""
        current = variables["Current [A]"]
        variables.update(
            {
                "Time [s]": pybamm.t,
                "Time [min]": pybamm.t / 60,
                "Time [h]": pybamm.t / 3600,
                "Voltage [V]": voltage,
                "Battery voltage [V]": voltage,  # one cell, no series stack
                "Terminal power [W]": voltage * current,
                "Power [W]": voltage * current,
            }
        )
        # PyBaMM's isothermal temperature variables (pybamm.thermal.isothermal): what a modeller
        # reads to see the temperature each step of an experiment ran at; the symmetric cell had
        # none (KeyError), the half-cell's SPMe has them. A name the cell defines stays its own.
        for name, value in isothermal_temperature_variables(self.DOMAIN).items():
            variables.setdefault(name, value)
        variables.update(self._circuit.get_coupled_variables(variables))
        for sm in self._submodels():
            sm.set_rhs(variables)
            sm.set_algebraic(variables)
            sm.set_initial_conditions(variables)
            self.rhs.update(sm.rhs)
            self.algebraic.update(sm.algebraic)
            self.initial_conditions.update(sm.initial_conditions)
        if self.options["operating mode"] == "voltage":
            # the cell starts at rest: zero current is the consistent start of a voltage sweep
            self.initial_conditions[variables["Current variable [A]"]] = pybamm.Scalar(0)
        self.variables = variables
        base = [name for name in BASE_SUMMARY_VARIABLES if name in variables]
        self.summary_variables = base + list(summary)

    def _submodels(self) -> list:
        return [sm for sm in (self._circuit, self._throughput) if sm is not None]

    @property
    def summary_variables(self) -> list[str]:
        """Names of the variables PyBaMM summarises per cycle of an experiment (first and last
        value and their change)."""
        return self._summary_variables

    @summary_variables.setter
    def summary_variables(self, value: list[str]) -> None:
        for name in value:
            if name not in self.variables:
                raise KeyError(f"No variable {name!r} for the summary variables of {self.name}.")
        self._summary_variables = list(value)

    # -- refused operating modes ----------------------------------------------------------------
    def check_well_posedness(self, post_discretisation: bool = False) -> None:
        """PyBaMM's checks of the model's equations, after refusing an experiment step whose
        control law puts the model in one of :attr:`REFUSED_OPERATING_MODES`.

        PyBaMM sets an experiment step's control on a copy of the model (the step's control
        submodel, not the ``"operating mode"`` option, which it never reads there): one copy
        per step in its default ``experiment_model_mode="legacy"``, one copy switching between
        the steps' control laws in ``"unified"``. ``pybamm.Discretisation.process_model`` calls
        this method on each copy "to avoid obscure errors", before the solver sees it - the
        first point every experiment path passes with the control law in place (without it the
        symmetric cell's power step failed inside IDA with ``IDA_BAD_K``).

        Parameters
        ----------
        post_discretisation : bool, optional
            Passed on to PyBaMM (``pybamm.BaseModel.check_well_posedness``).

        Raises
        ------
        InvalidOptionError
            The equations hold the control law of a refused operating mode, or the values' SSE
            inputs were edited (:func:`solidna.models.solve.check_electrolyte_entries`).
        """
        from solidna.models.solve import check_electrolyte_entries

        # an edited SSE input (PVDF-HFP ratio, ...) that the exported SSE values do not follow
        check_electrolyte_entries(getattr(self.symbol_processor, "parameter_values", None))
        for mode in CONTROL_SIGNATURES.keys() & self.REFUSED_OPERATING_MODES.keys():
            if self._holds_control(mode):
                raise InvalidOptionError(
                    f"{self.name} cannot run {self._step_description(mode)}: "
                    f"{self.REFUSED_OPERATING_MODES[mode]}"
                )
        super().check_well_posedness(post_discretisation)

    def _holds_control(self, mode: str) -> bool:
        """Whether the equation of PyBaMM's ``"Current variable [A]"`` (the state an
        implicit step's control submodel adds) holds the control law of ``mode``: its function
        parameter (a legacy step's copy before its parameters are set), or the variable the
        step drives, as it is or with the model's parameter values set (a parameterised copy,
        the unified model's switch)."""
        function_name, variable_name = CONTROL_SIGNATURES[mode]
        laws = [
            equation
            for equations in (self.rhs, self.algebraic)
            for variable, equation in equations.items()
            if variable.name == "Current variable [A]"
        ]
        if not laws or variable_name not in self.variables:
            return False  # explicit current control: the current is given, no law
        driven = self.variables[variable_name]
        ids = {driven.id}
        values = self.symbol_processor.parameter_values
        if self.is_parameterised and values is not None:
            ids.add(values.process_symbol(driven).id)
        return any(
            node.id in ids
            or (isinstance(node, pybamm.FunctionParameter) and node.name == function_name)
            for law in laws
            for node in law.pre_order()
        )

    def _step_description(self, mode: str) -> str:
        """The experiment step the error names, with its target where the parameter values set
        it (a legacy step's copy; the unified model's targets are inputs), e.g. ``"an
        experiment's power step ('Power function [W]' = 0.001 W, a discharge)"``."""
        function_name = CONTROL_SIGNATURES[mode][0]
        values = self.symbol_processor.parameter_values
        target = values.get(function_name) if values is not None else None
        if isinstance(target, pybamm.Scalar):
            target = target.value
        if isinstance(target, numbers.Real) and target != 0:
            unit = function_name[function_name.rindex("[") + 1 : -1]
            # PyBaMM's sign: a positive target discharges
            direction = "a discharge" if target > 0 else "a charge"
            return (
                f"an experiment's {mode} step ({function_name!r} = {target:g} {unit}, {direction})"
            )
        return f"an experiment's {mode} step (operating mode {mode!r})"

    # -- discretisation and solver --------------------------------------------------------------
    @classmethod
    def spatial_variable(cls) -> pybamm.SpatialVariable:
        return pybamm.SpatialVariable(cls.X_NAME, domain=[cls.DOMAIN], coord_sys="cartesian")

    @property
    def default_geometry(self) -> pybamm.Geometry:
        length = {"min": pybamm.Scalar(0), "max": pybamm.Parameter(self.LENGTH_PARAMETER)}
        return pybamm.Geometry({self.DOMAIN: {self.spatial_variable(): length}})

    @property
    def default_submesh_types(self) -> dict:
        return {self.DOMAIN: pybamm.Uniform1DSubMesh}

    @property
    def default_var_pts(self) -> dict:
        return {self.spatial_variable(): 20}

    @property
    def default_spatial_methods(self) -> dict:
        return {self.DOMAIN: pybamm.FiniteVolume()}

    @property
    def default_solver(self) -> pybamm.BaseSolver:
        # At the kinks of a drive cycle (a piecewise-linear "Current function [A]", an
        # experiment's pybamm.step.current(array)) the algebraic Butler-Volmer overpotentials
        # turn sharply; IDA needs more than its default 10 error-test failures in one step to
        # pass them, and PyBaMM reported the failure as "IDAGetDky: IDA_BAD_K" (a 0.1 mA/cm2
        # sine through the symmetric cell; CasADi and the differential surface form solved it
        # to the same voltage). The limit only matters where a solve would otherwise fail.
        return pybamm.IDAKLUSolver(
            rtol=1e-6, atol=1e-8, options={"max_error_test_failures": MAX_ERROR_TEST_FAILURES}
        )

    @property
    def default_quick_plot_variables(self) -> list[str | list[str]]:
        """What ``sim.plot()`` shows: the current density and voltage, then the cell's state
        (:attr:`STATE_PLOT_VARIABLES`: its profiles across the domain, interphase films and
        overpotentials), as an SPMe's default plot shows its concentrations and potentials; the
        current, voltage and discharge capacity alone showed nothing of the cell's state."""
        # the current per area: 0.1 mA on PyBaMM's axis of a constant current (+-1 around
        # it) read as no current at all
        return [
            "Total current density [A.m-2]",
            "Voltage [V]",
            # a tuple is one panel of several lines (a list, as pybamm.QuickPlot takes it)
            *(
                list(entry) if isinstance(entry, tuple) else entry
                for entry in self.STATE_PLOT_VARIABLES
            ),
        ]


def events_at_start(exc: Exception) -> str | None:
    """The events (voltage limits, cut-offs) the solver found already crossed at the start of a
    solve (``"['Minimum voltage [V]']"``), read from its error; ``None`` for any other failure.

    Parameters
    ----------
    exc : Exception
        The solver's error.
    """
    events = re.search(r"Events (\[.*?\]) are non-positive at initial conditions", str(exc))
    return events[1] if events else None


#: The parameter holding the limit of each event of these models (for the messages).
_EVENT_LIMITS = {
    "Minimum voltage [V]": "Lower voltage cut-off [V]",
    "Maximum voltage [V]": "Upper voltage cut-off [V]",
    "Voltage limit [V]": "Voltage limit [V]",
}


def start_voltage_note(
    model: OneDomainModel, parameter_values: pybamm.ParameterValues, var_pts: int
) -> str:
    """What the cell voltage is at the first instant of a solve its events refused to start
    (``" (the voltage at the first instant is 1.16 V; its limits: 1.5 V, 4.86 V)"``; for the
    symmetric cell, whose limit is on ``|V|``, that magnitude), for the message
    of :func:`solver_failure`; ``""`` if it cannot be computed.

    The model is solved without its events over the first millisecond (IDAKLU makes the
    algebraic states consistent: the ohmic and interfacial drops at the new current).

    Parameters
    ----------
    model : OneDomainModel
        The model whose solve was refused.
    parameter_values : pybamm.ParameterValues
        Its parameter values, with the current function.
    var_pts : int
        Mesh points of its domain [-].

    Returns
    -------
    str
        The note, or ``""``.
    """
    try:
        free = model.new_copy()
        free.events = []
        sim = pybamm.Simulation(
            free,
            parameter_values=parameter_values,
            var_pts={model.spatial_variable(): var_pts},
            solver=pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-8),
        )
        v0 = float(sim.solve([0.0, 1e-3])["Voltage [V]"].entries[0])
    except Exception:  # the note is a courtesy: the error is raised without it
        return ""
    limits = [
        f"{float(parameter_values[param]):g} V"
        for event, param in _EVENT_LIMITS.items()
        if any(e.name == event for e in model.events) and param in parameter_values.keys()
    ]
    if any(e.name == "Voltage limit [V]" for e in model.events):
        # the symmetric cell's limit is on |V| (its sign is the current's)
        return f" (|V| at the first instant is {abs(v0):.3g} V; its limit: {', '.join(limits)})"
    return f" (the voltage at the first instant is {v0:.3g} V; its limits: {', '.join(limits)})"


def solver_failure(exc: Exception, failure: str, note: str = "") -> ConvergenceError:
    """The error to raise for a failed solve: ``failure`` (with ``{exc}`` replaced by the solver's
    message), unless the solver refused to start because an event (a voltage limit or cut-off) is
    already crossed at t = 0 - then the cause, which is not numerical, is named instead.

    Parameters
    ----------
    exc : Exception
        The solver's error.
    failure : str
        Message for a numerical failure, with ``{exc}`` for the solver's message.
    note : str, optional
        Added after the limit's name when an event refused the start
        (:func:`start_voltage_note`).

    Returns
    -------
    ConvergenceError
        The error to raise (``raise solver_failure(exc, failure) from None``).
    """
    events = events_at_start(exc)
    if events:
        # "'Voltage limit [V]'", not the solver's list "['Voltage limit [V]']"
        events = " and ".join(f"'{e}'" for e in re.findall(r"'([^']*)'", events)) or events
        return ConvergenceError(
            f"The cell is past its limit {events}{note} as soon as the current flows: the current "
            "is too high for this cell (the ohmic and interfacial drop alone exceed the limit) or "
            "the start state is already beyond it. Lower the current density (or current), or "
            "check the cut-offs."
        )
    return ConvergenceError(failure.format(exc=exc))


#: Fewest constant-current intervals (half cycles) per piece of a run solved in pieces to report
#: its progress (:func:`solve_schedule` with ``progress``), and most pieces. Each piece sets the
#: solver up again (~50 ms: 20 pieces of a 40-cycle symmetric run took 1.3 s against 0.34 s in
#: one solve), so a run of fewer than 80 intervals stays one solve, while a long run hardly
#: notices (500 cycles in 25 pieces: 13.3 s, one solve 13.4 s) and is reported in steps of at
#: most 2 %.
REPORT_MIN_INTERVALS: int = 40
REPORT_MAX_PIECES: int = 50


class _FailedPiece(Exception):
    """A piece's solver error, and whether it was the first piece (a start-voltage note)."""


def _solve_in_pieces(
    sim: pybamm.Simulation,
    switch: np.ndarray,
    t_interp: np.ndarray,
    pieces: int,
    progress: Progress,
    message: Callable[[float], str] | None,
) -> pybamm.Solution:
    """The schedule solved in ``pieces`` pieces of whole constant-current intervals, reporting
    ``progress(message(t), t / t_end)`` after each, ``t`` [s] the simulated time reached.

    One IDAKLU solve of a whole run reports nothing until it ends (``solidna simulate symmetric
    --full`` showed a pulsing bar, no fraction and no time left, for the 45 s of a 2000-h run),
    and PyBaMM has no hook inside it. Each piece is a solve of the same built model from the
    state where the last one ended (a fresh copy of the solver), so the record has the same
    samples at the same times. IDAKLU restarts at every switch anyway (a ``t_eval`` breakpoint,
    with a consistent start at the new current); a piece starts afresh instead (a new first
    step), which is all that differs. Measured against the one solve: the symmetric cell (a DAE)
    within ~1e-13 relative in the voltage; the Na-CO2 cell (an ODE, whose error control takes
    another path after a fresh start) within its solver's tolerance, 11 uV (2.7e-6 relative,
    rtol 1e-6) over 50 cycles (tests/unit/test_progress_cellsui_s18.py). A run that meets an
    event (a voltage limit) stops there, as the one solve does.
    """
    t_end = float(switch[-1])
    message = message or (lambda t: f"{t / 3600:.4g} of {t_end / 3600:.4g} h simulated")
    sim.build()
    built = sim.built_model
    cuts = np.unique(np.linspace(0, len(switch) - 1, pieces + 1).round().astype(int))
    sol = None
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        t_eval = switch[a : b + 1]
        inside = t_interp[(t_interp >= t_eval[0]) & (t_interp <= t_eval[-1])]
        if sol is not None:
            built.set_initial_conditions_from(sol, inplace=True)
        try:
            part = sim.solver.copy().solve(built, t_eval=t_eval, t_interp=inside)
        except pybamm.SolverError as exc:
            raise _FailedPiece(exc, sol is None and events_at_start(exc)) from None
        sol = part if sol is None else sol + part
        t_reached = float(part.t[-1])
        progress(message(t_reached), min(t_reached / t_end, 1.0))
        if part.termination != "final time":  # an event (a voltage limit) ended the run
            break
    return sol


def solve_schedule(
    model: OneDomainModel,
    parameter_values: pybamm.ParameterValues,
    segments: Sequence,
    variables: Sequence[str],
    var_pts: int,
    points_per_half_cycle: int,
    solver: pybamm.BaseSolver,
    failure: str,
    early: Sequence[float] = (),
    switch_samples: bool = False,
    progress: Progress | None = None,
    message: Callable[[float], str] | None = None,
) -> tuple[pybamm.Solution, dict[str, np.ndarray | str]]:
    """Solve ``model`` under the current schedule ``segments``.

    The schedule is PyBaMM's drive-cycle mechanism: "Current function [A]" set to a piecewise
    function of time (positive on discharge), read by the model's ``ExplicitCurrentControl``
    (operating mode ``"current"``) - the same model, variables and sign a ``pybamm.Experiment``
    uses, without one experiment step per half cycle. The switch times are IDAKLU breakpoints;
    the output is :func:`schedule_record` of the solution (never the two-valued sample at a
    switch; with ``switch_samples``, the end and start samples of every interval instead).

    Parameters
    ----------
    model : OneDomainModel
        The cell model, in operating mode ``"current"``.
    parameter_values : pybamm.ParameterValues
        Its parameter values (SI); "Current function [A]" is set here.
    segments : sequence of ScheduleSegment
        The current schedule (times [s], current densities [A.m-2]).
    variables : sequence of str
        Names of the PyBaMM variables to return.
    var_pts : int
        Number of finite-volume points across the domain [-].
    points_per_half_cycle : int
        Output points per constant-current interval [-].
    solver : pybamm.BaseSolver
        The solver (IDAKLU).
    failure : str
        Error message on solver failure, with ``{exc}`` for the solver's message.
    early : sequence of float, optional
        Further output points just after each switch, as fractions of the interval
        (:func:`~solidna.models.schedule.interp_times`) [-].
    switch_samples : bool, optional
        Add the end and start samples of every constant-current interval
        (:func:`schedule_record`).
    progress : callable, optional
        ``progress(message, fraction)`` (:mod:`solidna.progress`): a run of at least
        2 x :data:`REPORT_MIN_INTERVALS` intervals is then solved in pieces, each reported with
        the share of the schedule's time reached (:func:`_solve_in_pieces`). None (the
        default): one solve.
    message : callable, optional
        ``message(t)`` for the simulated time ``t`` [s] reached (default: the hours simulated).

    Returns
    -------
    tuple
        The PyBaMM solution, and ``"Time [s]"``, each of ``variables`` and ``"termination"``.

    Raises
    ------
    ConvergenceError
        The solver fails; the message is ``failure`` with ``{exc}`` replaced by the solver's.
    """
    area = parameter_values["Electrode area [m2]"]
    parameter_values["Current function [A]"] = current_expression(segments, area)
    sim = pybamm.Simulation(
        model,
        parameter_values=parameter_values,
        var_pts={model.spatial_variable(): var_pts},
        solver=solver,
    )
    switch = switch_times(segments)
    t_interp = interp_times(switch, points_per_half_cycle, early)
    if switch_samples:
        t_interp = np.union1d(t_interp, start_sample_times(switch))
    pieces = min(REPORT_MAX_PIECES, (len(switch) - 1) // REPORT_MIN_INTERVALS)
    try:
        if progress is None or pieces < 2:
            sol = sim.solve(t_eval=switch, t_interp=t_interp)
        else:
            sol = _solve_in_pieces(sim, switch, t_interp, pieces, progress, message)
    except _FailedPiece as failed:
        exc, first = failed.args
        note = start_voltage_note(model, parameter_values, var_pts) if first else ""
        raise solver_failure(exc, failure, note) from None
    except pybamm.SolverError as exc:
        note = start_voltage_note(model, parameter_values, var_pts) if events_at_start(exc) else ""
        raise solver_failure(exc, failure, note) from None
    out: dict[str, np.ndarray | str] = dict(schedule_record(sol, switch, variables, switch_samples))
    out["termination"] = str(sol.termination)
    return sol, out


def start_sample_times(switch: np.ndarray) -> np.ndarray:
    """Output times [s] of the start samples of a schedule's intervals (:func:`schedule_record`):
    one floating-point step after each switch but the first and the last. Pass them to the
    solver as output times (``t_interp``) with the switches as ``t_eval``.

    Parameters
    ----------
    switch : numpy.ndarray
        The schedule's switch times [s], sorted (:func:`~solidna.models.schedule.switch_times`).

    Returns
    -------
    numpy.ndarray
        Times [s].
    """
    return np.nextafter(np.asarray(switch, float)[1:-1], np.inf)


def schedule_record(
    sol: pybamm.Solution,
    switch: np.ndarray,
    variables: Sequence[str],
    switch_samples: bool = True,
    stops: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The record of a schedule's solution: ``"Time [s]"`` and ``variables`` at its samples.

    IDAKLU stops at each switch (``t_eval``) and restarts there from a consistent state at the
    new current. Its sample at a switch is the state of the interval that ended read with the
    new current (two-valued there), so the record never holds it as it is; with
    ``switch_samples`` it holds instead, at each switch, the two samples a cycler records (so
    that a record's capacity integrates to the schedule's):

    * the **end of the interval**: that same state (the integrator's, at the switch) with the
      current of the interval that ended, at the time one floating-point step before the switch
      (``numpy.nextafter``; the state changes by ~1e-16 of itself in that step), and at the
      schedule's end. Where PyBaMM made the integrator stop one step before the switch too (at
      some of the discontinuities it finds in the current), that sample is the end already;
    * the **start of the next interval**: IDAKLU's consistent restart (new current, algebraic
      states solved for it), read at :func:`start_sample_times` as an output time of the new
      interval; the solution holds it if the solve was given those times. Output times do not
      move the integrator's steps: the other samples are the same bit for bit.

    Parameters
    ----------
    sol : pybamm.Solution
        The solution (states of every sample: no ``output_variables``).
    switch : numpy.ndarray
        The schedule's switch times [s] (:func:`~solidna.models.schedule.switch_times`).
    variables : sequence of str
        Names of the PyBaMM variables to return.
    switch_samples : bool, optional
        Hold the end samples at the switches (else drop the samples there).
    stops : numpy.ndarray, optional
        The times [s] the integrator stopped at, as the solution holds them (default
        ``switch``: a solve given the switches as ``t_eval``). A stepped solve (``solver.step``
        from ``t0``) stops at ``t0 + t_eval``, which may differ from the switch in the last bit:
        its end samples are read one step before the earlier of the two.

    Returns
    -------
    dict
        ``"Time [s]"`` and each variable (arrays, time last).
    """
    t_all = sol["Time [s]"].entries
    sw = np.asarray(switch, float)
    at_switch = np.isin(t_all, sw[1:] if stops is None else np.asarray(stops, float)[1:])
    # the schedule's switch nearest each sample: the current changes there
    k = np.clip(np.searchsorted(sw, t_all), 1, sw.size - 1)
    nearest = np.where(t_all - sw[k - 1] < sw[k] - t_all, sw[k - 1], sw[k])
    t_before = np.nextafter(np.minimum(t_all, nearest), -np.inf)
    end = at_switch & (np.r_[-np.inf, t_all[:-1]] < t_before) & switch_samples
    keep = ~at_switch | end
    out = {"Time [s]": np.where(end, t_before, t_all)[keep]}
    ends = _interval_ends(sol, np.flatnonzero(end), t_before[end], variables) if end.any() else {}
    for name in variables:
        values = np.array(sol[name].entries, dtype=float)
        if name in ends:
            values[..., end] = ends[name]
        out[name] = values[..., keep]
    return out


def _interval_ends(
    sol: pybamm.Solution, idx: np.ndarray, t: np.ndarray, variables: Sequence[str]
) -> dict[str, np.ndarray]:
    """``variables`` from the solution's states at the samples ``idx`` (the switches), read at
    the times ``t`` [s] just before them: with the current of the interval that ends there."""
    y = sol.y[:, idx]
    if t.size == 1:
        # a PyBaMM solution needs two times: the same state read at the two sides of one step
        t, y = np.array([np.nextafter(t[0], -np.inf), t[0]]), np.repeat(y, 2, axis=1)
    ends = pybamm.Solution(t, y, sol.all_models[-1], sol.all_inputs[-1], check_solution=False)
    return {name: ends[name].entries[..., -idx.size :] for name in variables}
