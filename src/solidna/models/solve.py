"""Parameter values and solvers for the symmetric-cell model.

Derived quantities (bulk conductivity, salt and SN concentrations, salt diffusivity) are computed
here from the electrolyte model (:mod:`solidna.materials.electrolyte`) so that every figure uses one
parameter set.
"""

from __future__ import annotations

import contextlib
import functools
import math
import numbers
import signal
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pybamm

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, InvalidOptionError
from solidna.materials import electrolyte
from solidna.materials.thermo import F, R
from solidna.models.base import solve_schedule
from solidna.models.symmetric import SymmetricCellModel
from solidna.parameters import ParameterSet
from solidna.progress import Progress

__all__ = [
    "SSEConductivityFactor",
    "electrolyte_values",
    "symmetric_parameter_values",
    "solve_current",
    "solve_voltage",
    "impedance",
    "limiting_current_density_A_m2",
    "sand_time_s",
    "depletion_time_s",
]

# Solver tolerances: relative 1e-6 keeps the per-cycle overpotential converged to < 0.01 mV
# (see tests/physics/test_symmetric_convergence.py).
RTOL = 1e-6
ATOL = 1e-8


class _InterruptibleCasadiSolver(pybamm.CasadiSolver):
    """``pybamm.CasadiSolver`` that lets Ctrl-C (and SIGTERM) stop the solve.

    CasADi turns a KeyboardInterrupt raised while it integrates into a RuntimeError, which the
    'safe' mode reads as a failed step and retries with half the step: the interrupt was
    swallowed and the run went on (``solidna simulate cv --cycles 100000`` kept running for
    minutes after Ctrl-C or ``timeout``'s SIGTERM); raised inside one of CasADi's C calls, it
    came out as a SystemError instead. So while the solver runs (:meth:`noting_interrupts`),
    the signal is only noted, and raised as KeyboardInterrupt in Python code: after the
    integrator call in progress (a window of at most ``dt_max`` of simulated time) or after the
    solve. After each window it can also report the share of the simulated time reached
    (:meth:`reporting_progress`).
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # an Event, not a bool: pybamm's solver.copy() is a shallow copy, which shares it
        self._interrupted = threading.Event()
        # (callback, t_start [s], t_end [s], [fraction reported so far]) while a solve reports
        # progress (:meth:`reporting_progress`); a list, so that a shallow copy shares it
        self._progress: list = []

    def _run_integrator(
        self,
        model: Any,
        y0: Any,
        inputs_dict: Any,
        inputs: Any,
        t_eval: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        try:
            sol = super()._run_integrator(model, y0, inputs_dict, inputs, t_eval, *args, **kwargs)
        finally:
            if self._interrupted.is_set():
                raise KeyboardInterrupt
        if self._progress:
            # the window integrated [t_eval[0], t_eval[-1]]; 'safe' mode advances window by window
            # (a window that failed raised above and is retried with half the step)
            callback, t0, t1, done = self._progress[0]
            fraction = min(max((float(t_eval[-1]) - t0) / (t1 - t0), done[0]), 1.0)
            done[0] = fraction
            callback(fraction)
        return sol

    @contextlib.contextmanager
    def reporting_progress(
        self, progress: Callable[[float], None] | None, t_start: float, t_end: float
    ) -> Iterator[None]:
        """While the block runs, ``progress(fraction)`` is called after each integrator window
        with the share of ``[t_start, t_end]`` [s] integrated (non-decreasing, 0 to 1), and with
        1.0 when the block ends without an error. Reporting reads the solution only: it does not
        change it."""
        if progress is not None and t_end > t_start:
            self._progress[:] = [(progress, float(t_start), float(t_end), [0.0])]
        try:
            yield
        finally:
            self._progress.clear()
        if progress is not None:
            progress(1.0)

    @contextlib.contextmanager
    def noting_interrupts(self) -> Iterator[None]:
        """While the block runs, SIGINT and SIGTERM only note the interrupt; it is raised as
        KeyboardInterrupt between integrator calls and when the block ends (signal handlers can
        only be set from the main thread: elsewhere the block only runs). A signal the process
        ignores stays ignored: a job started in the background of a shell (``cmd &``) or under
        a tool that ignores SIGINT must not be stopped by one."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            sig: handler
            for sig in (signal.SIGINT, signal.SIGTERM)
            if (handler := signal.getsignal(sig)) is not signal.SIG_IGN
        }

        def note(signum: int, frame: Any) -> None:
            self._interrupted.set()

        for sig in previous:
            signal.signal(sig, note)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self._interrupted.is_set():
            raise KeyboardInterrupt


@fill_doc
class SSEConductivityFactor:
    """``sigma(T) / sigma(T_q)``: the SSE conductivity at the ambient temperature ``T`` relative
    to its exported value, quoted at ``T_q`` (PyBaMM function of "SSE conductivity temperature
    factor [-]", inputs "Ambient temperature [K]" and "Temperature [K]").

    The conductivity law has no closed form (the root of an effective-medium balance of three
    phases, :func:`solidna.materials.electrolyte.conductivity_S_m`), so it cannot be written as a
    PyBaMM expression. PyBaMM calls this function with its processed inputs. Where both are
    numbers (the parameter values' temperatures, or an experiment step's ``temperature=``), the
    factor is the law's own value, exact; a temperature other than the quoted one is checked as
    a cell's is (refused at or above the SSE melting point, a warning outside the validated
    10-60 degC). Where one is symbolic (an input parameter), ``ln sigma`` is interpolated
    (cubic, in 1/T, where the Arrhenius laws are nearly straight) on a table every
    :attr:`TABLE_STEP_K` from :attr:`TABLE_LOWEST_K` to the melting point; beyond it the factor
    is NaN (the solve fails rather than extrapolate a solid-state law).

    Parameters
    ----------
    %(pvdf_ratio)s
    parameters : ParameterSet
        The set whose electrolyte laws are used.
    """

    #: Lowest temperature of the interpolation table [K] (-73 degC: far below any use, the
    #: table is cheap).
    TABLE_LOWEST_K = 200.0
    #: Table spacing [K]: the cubic's error in ln sigma is below 1e-8 at 1 K.
    TABLE_STEP_K = 1.0
    #: Name shown by the provenance table for this functional parameter.
    __name__ = "SSEConductivityFactor"

    def __init__(self, pvdf_ratio: float, parameters: ParameterSet):
        self.pvdf_ratio = float(pvdf_ratio)
        self.parameters = parameters
        #: The temperature the exported values were computed at [K].
        self.quoted_temperature_K = float(parameters["Temperature [K]"])
        self._table: tuple[np.ndarray, np.ndarray] | None = None
        # Two factors are equal when their laws are: the same ratio, quoted temperature and
        # values of the entries the law reads (recorded by evaluating it once). The cells
        # compare parameter values entry by entry to reuse a built simulation, and a factor
        # equal only to itself made every rebuilt set of values look changed.
        used: dict[str, float] = {}
        law_inputs = _RecordingMapping(parameters, used)
        #: The conductivity at the quoted temperature [S.m-1] (the export's value).
        self.quoted_conductivity_S_m = electrolyte.conductivity_S_m(
            self.quoted_temperature_K, self.pvdf_ratio, law_inputs
        )
        self._key = (self.pvdf_ratio, self.quoted_temperature_K, tuple(sorted(used.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SSEConductivityFactor) and other._key == self._key

    def __hash__(self) -> int:
        return hash(self._key)

    def same_law(self, other: object) -> bool:
        """True when ``other`` is the same conductivity law (ratio and entries read), whatever
        temperature its values are quoted at.

        Such factors are interchangeable in a model whose "Temperature [K]" is an input
        parameter: with a symbolic quoted temperature the factor is interpolated from a table of
        the law alone (:meth:`__call__`). A cell that reuses a built simulation across
        temperatures keeps the factor it was built with as a constant (a function cannot be an
        input parameter) and makes the temperatures inputs.

        Parameters
        ----------
        other : object
            Another parameter value.

        Returns
        -------
        bool
            Whether the two laws are equal apart from the quoted temperature.
        """
        return isinstance(other, SSEConductivityFactor) and (
            other._key[0],
            other._key[2],
        ) == (self._key[0], self._key[2])

    def conductivity_S_m(self, temperature_K: float) -> float:
        """The SSE conductivity of this ratio and set at a temperature (not checked).

        Parameters
        ----------
        temperature_K : float
            Temperature [K].

        Returns
        -------
        float
            Conductivity [S.m-1].
        """
        return electrolyte.conductivity_S_m(temperature_K, self.pvdf_ratio, self.parameters)

    def __call__(self, T: pybamm.Symbol, T_q: pybamm.Symbol) -> pybamm.Symbol:
        t, t_q = _number(T), _number(T_q)
        if t_q is not None and t_q != self.quoted_temperature_K:
            # "Temperature [K]" changed in the values: the numbers quoted there were not
            # recomputed, and reading them as quoted at the new temperature would rescale them
            raise InvalidOptionError(
                f"'Temperature [K]' = {t_q:g} K in the parameter values, but their SSE and CO2 "
                f"values were computed at {self.quoted_temperature_K:g} K: changing it does not "
                "recompute them. To run the cell at another temperature, set 'Ambient "
                "temperature [K]' (or give the experiment temperature=), or build the values "
                "there, e.g. SymmetricCell(temperature='35 degC').parameter_values()."
            )
        if t is not None and t_q is not None:
            if t == t_q:
                return pybamm.Scalar(1.0)
            electrolyte.check_temperature(t, self.parameters)
            return pybamm.Scalar(self.conductivity_S_m(t) / self.conductivity_S_m(t_q))
        inverse_T, log_sigma = self._log_table()

        def log_conductivity(temperature: pybamm.Symbol) -> pybamm.Symbol:
            return pybamm.Interpolant(
                inverse_T, log_sigma, 1 / temperature, interpolator="cubic", extrapolate=False
            )

        return pybamm.exp(log_conductivity(T) - log_conductivity(T_q))

    def _log_table(self) -> tuple[np.ndarray, np.ndarray]:
        if self._table is None:
            t_melt = electrolyte.melting_point_K(self.parameters)
            temps = np.arange(self.TABLE_LOWEST_K, t_melt, self.TABLE_STEP_K)[::-1]
            log_sigma = np.log([self.conductivity_S_m(t) for t in temps])
            self._table = (1 / temps, log_sigma)  # 1/T increasing, as the Interpolant needs
        return self._table


def check_electrolyte_entries(values: pybamm.ParameterValues | None) -> None:
    """Refuse parameter values whose SSE inputs no longer match the SSE values derived from them.

    The SSE conductivity, salt and SN concentrations and salt diffusivity are computed when the
    values are built, from "SSE PVDF-HFP ratio [-]" and the entries of the conductivity's
    effective-medium law (the phases' conductivities, activation energies, densities, ...). The
    law has no closed form (:class:`SSEConductivityFactor`), so they cannot be expressions of
    those entries: an edit of one of them left the cell as it was without a word. As
    :meth:`SSEConductivityFactor.__call__` refuses an edited "Temperature [K]", this refuses an
    edited input, naming it and how to get values built there. An input made a PyBaMM input
    parameter, or values without the factor (assembled by hand), are not checked.

    Parameters
    ----------
    values : pybamm.ParameterValues or None
        The values a model is being processed with (None: nothing to check).

    Raises
    ------
    InvalidOptionError
        A number of the values differs from the one the SSE values were computed with.
    """
    name = "SSE conductivity temperature factor [-]"
    if values is None or name not in values.keys():
        return
    law = values[name]
    if not isinstance(law, SSEConductivityFactor):
        return
    quoted = {"SSE PVDF-HFP ratio [-]": law.pvdf_ratio, **dict(law._key[2])}
    for entry, computed in quoted.items():
        if entry not in values.keys():
            continue
        value = values[entry]
        if isinstance(value, int | float) and float(value) != computed:
            example = (
                f"NaCO2Cell(pvdf_ratio={value:g})"
                if entry == "SSE PVDF-HFP ratio [-]"
                else f"NaCO2Cell(parameters=sd.lu2019().updated({{{entry!r}: {value:g}}}))"
            )
            raise InvalidOptionError(
                f"{entry!r} = {value:g} in the parameter values, but the SSE conductivity, salt "
                f"and SN concentrations and salt diffusivity derived from it were computed at "
                f"{computed:g}: changing it does not recompute them (the conductivity law has no "
                f"closed form). Build the values there, e.g. {example}.parameter_values() (or "
                "SymmetricCell, NVPCell), or set 'SSE conductivity [S.m-1]' itself."
            )


class _RecordingMapping(Mapping[str, float]):
    """A read-only view of ``source`` that records each entry read into ``used``."""

    def __init__(self, source: Mapping[str, float], used: dict[str, float]):
        self._source, self._used = source, used

    def __getitem__(self, name: str) -> float:
        value = self._source[name]
        self._used[name] = float(value)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)


def _number(symbol: pybamm.Symbol) -> float | None:
    """The value of a constant symbol (one number, or a broadcast of one), else None."""
    while isinstance(symbol, pybamm.Broadcast):  # the SPMe's isothermal temperature
        symbol = symbol.orphans[0]
    if not symbol.is_constant():
        return None
    try:
        values = np.asarray(symbol.evaluate(), dtype=float)
    except (NotImplementedError, TypeError, ValueError, pybamm.ShapeError):
        return None  # a broadcast that only its discretisation can evaluate
    first = values.flat[0] if values.size else np.nan
    return float(first) if np.all(values == first) else None


def electrolyte_values(parameters: ParameterSet) -> dict[str, Any]:
    """SSE properties every cell model needs, derived from the electrolyte model at the set's
    temperature and PVDF-HFP ratio: conductivity, salt and SN concentrations, salt diffusivity,
    and the conductivity's law to another temperature (:class:`SSEConductivityFactor`).

    The salt diffusivity follows from the conductivity by Nernst-Einstein for a binary salt
    (physics brief section 3): ``D+ + D- = sigma R T / (F^2 c)``, ``D_salt = 2 D+ D- / (D+ + D-)
    = 2 t+ (1 - t+) (D+ + D-)``.

    Parameters
    ----------
    parameters : ParameterSet
        The parameter set (temperature [K], PVDF-HFP ratio [-], ...).

    Returns
    -------
    dict
        Name -> value (SI): conductivity [S.m-1], concentrations [mol.m-3], diffusivity [m2.s-1],
        and the conductivity temperature factor (a PyBaMM function).
    """
    T = parameters["Temperature [K]"]
    w = parameters["SSE PVDF-HFP ratio [-]"]
    law = SSEConductivityFactor(w, parameters)
    kappa = law.quoted_conductivity_S_m  # the law evaluated once, at T
    c_salt = electrolyte.salt_concentration_mol_m3(w, parameters)
    t_plus = parameters["Cation transference number [-]"]
    d_sum = kappa * R * T / (F**2 * c_salt) / parameters["Nernst-Einstein dissociation factor [-]"]
    return {
        "SSE conductivity [S.m-1]": kappa,
        "Salt concentration [mol.m-3]": c_salt,
        "SN concentration [mol.m-3]": electrolyte.sn_concentration_mol_m3(w, parameters),
        "Salt diffusivity [m2.s-1]": 2 * t_plus * (1 - t_plus) * d_sum,
        "SSE conductivity temperature factor [-]": law,
    }


def electrolyte_value_expressions() -> dict[str, pybamm.Symbol]:
    """The SSE values that :func:`electrolyte_values` derives in closed form, each as the PyBaMM
    expression of the entries it is derived from: the salt diffusivity by Nernst-Einstein from
    the conductivity, the salt concentration, the transference number and the dissociation
    factor at "Temperature [K]" (the values' quoting temperature). The conductivity itself has
    no closed form (:class:`SSEConductivityFactor`) and stays a number.

    Returns
    -------
    dict
        PyBaMM name -> ``pybamm.Symbol`` of ``pybamm.Parameter``s of the set's entries.
    """
    P = pybamm.Parameter
    t_plus = P("Cation transference number [-]")
    d_sum = (
        P("SSE conductivity [S.m-1]")
        * pybamm.Scalar(R)
        * P("Temperature [K]")
        / (pybamm.Scalar(F) ** 2 * P("Salt concentration [mol.m-3]"))
        / P("Nernst-Einstein dissociation factor [-]")
    )
    return {"Salt diffusivity [m2.s-1]": 2 * t_plus * (1 - t_plus) * d_sum}


#: Largest relative difference between a derived number and its expression at the same values
#: for :func:`link_derived_values` to link them [-]: rounding only (the two sum in other orders).
LINK_TOLERANCE = 1e-12


def link_derived_values(
    values: dict[str, Any], expressions: Mapping[str, pybamm.Symbol]
) -> dict[str, Any]:
    """``values`` with each derived number replaced by its expression where the two agree.

    Exported as numbers, derived values did not follow their inputs: a modeller's
    ``pv["CO2 partial pressure [bar]"] = 2`` left the Na-CO2 cell's CO2 saturation and
    equilibrium voltage at 1 bar, and ``pv["Cation transference number [-]"] = 0.5`` left the
    salt diffusivity at the one computed with the set's transference number. Linked, an edit of
    an input reaches the model as the values built there would (PyBaMM's own sets write such
    laws as expressions of their parameters too). A derived number that differs from its
    expression (values assembled by hand) stays a number.

    Parameters
    ----------
    values : dict
        The model's numeric values.
    expressions : mapping
        Name -> expression of the entries the value is derived from
        (:func:`electrolyte_value_expressions`,
        :func:`solidna.models.na_co2.derived_value_expressions`).

    Returns
    -------
    dict
        The same dict, linked.
    """
    pv = pybamm.ParameterValues(dict(values))
    for name, expression in expressions.items():
        number = values.get(name)
        if not isinstance(number, numbers.Real):
            continue
        linked = float(pv.evaluate(expression))
        if math.isclose(linked, number, rel_tol=LINK_TOLERANCE, abs_tol=0.0):
            values[name] = expression
    return values


def pybamm_circuit_values(values: Mapping[str, float]) -> dict[str, float]:
    """What PyBaMM's circuit and experiments read besides the physics, for the symmetric and
    Na-CO2 cells: the nominal capacity (the scale of the current variable and the unit of C-rate
    steps) is one hour at 1 A/m2 (0.1 mA/cm2) over the electrode area, so a C-rate step is a
    multiple of 0.1 mA/cm2 (the Na metal is in excess: the cell has no capacity of its own); the
    ambient temperature is the one the models run at (an experiment step sets it); the values
    are quoted at "Temperature [K]", so the two start equal."""
    return {
        "Nominal cell capacity [A.h]": 1.0 * values["Electrode area [m2]"],
        "Ambient temperature [K]": values["Temperature [K]"],
    }


@fill_doc
def symmetric_parameter_values(
    parameters: ParameterSet,
    anode: str,
    initial_thickness_m: tuple[float, float] | None = None,
) -> dict[str, float]:
    """Numeric parameter values of the symmetric-cell model from a :class:`ParameterSet`.

    Parameters
    ----------
    %(model_parameters, anode)s
    initial_thickness_m : (float, float), optional
        Interphase thicknesses [m] of the left and right electrodes at t = 0 (defaults to the
        set's initial thickness; pass a previous run's final state to continue it).

    Returns
    -------
    dict
        Name -> value (SI), ready for ``pybamm.ParameterValues``.
    """
    values = dict(parameters)
    values.update(electrolyte_values(parameters))
    values.update(pybamm_circuit_values(values))
    prefix = "Modified" if anode == "modified" else "Pristine"
    L0 = values[f"{prefix} interphase initial thickness [m]"]
    left, right = initial_thickness_m or (L0, L0)
    values["Initial left interphase thickness [m]"] = left
    values["Initial right interphase thickness [m]"] = right
    return values


def limiting_current_density_A_m2(values: Mapping[str, float]) -> float:
    """Limiting current density of the symmetric cell [A.m-2]: the steady salt profile across
    the SSE reaches zero at the plating face, ``2 F D c0 / ((1 - t+) L)`` (binary electrolyte,
    blocking-free metal electrodes; Newman & Thomas-Alyea ch. 12). Above it the salt there runs
    out after Sand's time (:func:`sand_time_s`).

    Parameters
    ----------
    values : mapping
        The model's values (:func:`symmetric_parameter_values`).

    Returns
    -------
    float
        Limiting current density [A.m-2].
    """
    return (
        2
        * F
        * values["Salt diffusivity [m2.s-1]"]
        * values["Salt concentration [mol.m-3]"]
        / ((1 - values["Cation transference number [-]"]) * values["SSE thickness [m]"])
    )


@fill_doc
def sand_time_s(values: Mapping[str, float], current_density_A_m2: float) -> float:
    """Sand's time [s]: when the salt at the plating face runs out under a constant current
    density, ``pi D (c0 F / ((1 - t+) i))^2 / 4`` (semi-infinite diffusion; Bard & Faulkner
    eq. 8.2.14 with the migration share t+ removed). Valid while ``sqrt(D t)`` is small
    against the SSE thickness, i.e. well above the limiting current.

    %(Parameters: symmetric_values, current_density_either_sign)s

    Returns
    -------
    float
        Sand's time [s].
    """
    flux = (1 - values["Cation transference number [-]"]) * abs(current_density_A_m2) / F
    c0 = values["Salt concentration [mol.m-3]"]
    return float(np.pi * values["Salt diffusivity [m2.s-1]"] / 4 * (c0 / flux) ** 2)


@fill_doc
def depletion_time_s(values: Mapping[str, float], current_density_A_m2: float) -> float:
    """Time [s] until the salt at the plating face runs out under a constant current density,
    across the SSE's finite thickness: ``inf`` at or below the limiting current
    (:func:`limiting_current_density_A_m2`), Sand's time (:func:`sand_time_s`) well above it.

    Salt diffusion in the slab ``0 < x < L`` from a uniform ``c0``, the flux
    ``J = (1 - t+) i / F`` leaving at the plating face and entering at the stripping one, has the
    face concentration (separation of variables; Carslaw & Jaeger, Conduction of Heat in
    Solids, 2nd ed., sec. 3.3)::

        c(0, t) = c0 - J L / (2 D) + (4 J L / (pi^2 D)) sum_{n odd} exp(-n^2 pi^2 D t / L^2) / n^2

    (the steady linear profile plus its decaying cosine modes; the sum is pi^2 / 8 at t = 0).
    Sand's semi-infinite time is a lower bound: the salt the stripping face adds reaches the
    plating face and delays the depletion, by 17 % at 1.2x the limiting current, by 2x at
    1.02x, while sqrt(D t) is not small against ``L``.

    %(Parameters: symmetric_values, current_density_either_sign)s

    Returns
    -------
    float
        Depletion time [s]; ``inf`` if the salt never runs out.
    """
    from scipy.optimize import brentq

    i = abs(float(current_density_A_m2))
    if i <= limiting_current_density_A_m2(values):
        return float("inf")
    D = values["Salt diffusivity [m2.s-1]"]
    c0 = values["Salt concentration [mol.m-3]"]
    L = values["SSE thickness [m]"]
    J = (1 - values["Cation transference number [-]"]) * i / F
    t_sand = sand_time_s(values, i)
    # modes up to exp(-n^2 pi^2 D t / L^2) < e^-60 at Sand's time, the earliest the root can be
    n_max = int(np.ceil(np.sqrt(60.0) * L / (np.pi * np.sqrt(D * t_sand)))) + 1
    n = np.arange(1, 2 * n_max + 2, 2, dtype=float)
    k = n**2 * np.pi**2 * D / L**2

    def face(t: float) -> float:
        modes = np.sum(np.exp(-k * t) / n**2)
        return (c0 - J * L / (2 * D) + 4 * J * L / (np.pi**2 * D) * modes) / c0

    lo = t_sand * (1 - 1e-9)
    if face(lo) <= 0:
        # far above the limiting current the sum cancels to rounding at Sand's time: the
        # finite slab is the semi-infinite one there
        return t_sand
    hi = 2.0 * t_sand
    while face(hi) > 0:
        hi *= 2.0
        if hi > 1e6 * L**2 / D:  # within 1e-400 of the limiting current: never in practice
            return float("inf")
    return float(brentq(face, lo, hi, xtol=1e-12 * hi, rtol=1e-12))


@functools.lru_cache(maxsize=16)
def _model(anode: str, surface_form: str, mode: str, growth: str = "time") -> SymmetricCellModel:
    # The model class, variables, sign and external circuit of a pybamm.Experiment; without
    # PyBaMM's two capacity-counting states ("capacity": "none"), which our schedules do not
    # need and which cost ~15 % of the 4000-h run's solve time.
    model = SymmetricCellModel(
        {
            "anode": anode,
            "surface form": surface_form,
            "operating mode": mode,
            "capacity": "none",
            "interphase growth": growth,
        }
    )
    # our schedules drive the current themselves: IDA starts from the interfaces' state at the
    # initial current (without it, pristine Na at i / i0 > ~3000 failed at t = 0)
    model.guess_interfaces_at_the_initial_current()
    return model


@fill_doc
def solve_current(
    values: Mapping[str, float],
    anode: str,
    segments: Sequence,
    variables: Sequence[str] = ("Voltage [V]", "Current density [A.m-2]"),
    var_pts: int = 20,
    points_per_half_cycle: int = 16,
    surface_form: str = "algebraic",
    rtol: float = RTOL,
    interphase_growth: str = "time",
    progress: Progress | None = None,
    message: Callable[[float], str] | None = None,
) -> dict[str, np.ndarray]:
    """Solve the symmetric cell under a current schedule (PyBaMM's conventions throughout).

    ``segments`` are :class:`solidna.protocols.ScheduleSegment` (start_s, end_s,
    current_density_A_m2, half_cycle_s): constant current, or a square wave starting with the
    positive half cycle. A positive current density is a PyBaMM discharge: it strips the left
    electrode and lowers ``"Voltage [V]"`` (``"Working-electrode voltage [V]"`` is its
    negative). The schedule is the model's "Current function [A]" in operating mode
    ``"current"`` (:func:`solidna.models.base.solve_schedule`). ``interphase_growth`` is the
    model's ``"interphase growth"`` option (``"time"`` or ``"time and charge"``).

    Parameters
    ----------
    %(symmetric_values, anode)s
    segments : sequence of ScheduleSegment
        The current schedule (times [s], current densities [A.m-2]).
    variables : sequence of str, optional
        Names of the PyBaMM variables to return.
    %(var_pts)s
    points_per_half_cycle : int, optional
        Output points per constant-current interval [-].
    surface_form : str, optional
        PyBaMM ``"surface form"`` option (``"algebraic"`` or ``"differential"``).
    %(rtol)s
    interphase_growth : str, optional
        ``"time"`` or ``"time and charge"``.
    progress, message : callable, optional
        A long run reports its progress as it solves (:func:`~solidna.models.base.solve_schedule`).

    Returns
    -------
    dict
        ``"Time [s]"`` and each requested variable (arrays), ``"termination"`` (str) and
        ``"final state"`` (left/right interphase thickness [m]).
    """
    sol, out = solve_schedule(
        _model(anode, surface_form, "current", interphase_growth),
        pybamm.ParameterValues(dict(values)),
        segments,
        variables,
        var_pts,
        points_per_half_cycle,
        pybamm.IDAKLUSolver(rtol=rtol, atol=ATOL * rtol / RTOL),
        f"The symmetric-cell solver failed ({{exc}}). Tried IDAKLU with rtol={rtol}, "
        f"atol={ATOL}; try a smaller half-cycle or check the parameter values.",
        progress=progress,
        message=message,
    )
    out["final state"] = (
        float(sol["Left interphase thickness [m]"].entries[-1]),
        float(sol["Right interphase thickness [m]"].entries[-1]),
    )
    return out


@fill_doc
def solve_voltage(
    values: Mapping[str, float],
    anode: str,
    time_s: np.ndarray,
    voltage_V: np.ndarray,
    t_out_s: np.ndarray | None = None,
    var_pts: int = 20,
    rtol: float = RTOL,
    progress: Callable[[float], None] | None = None,
) -> dict[str, np.ndarray]:
    """Solve the symmetric cell under a prescribed piecewise-linear voltage (e.g. a CV sweep).

    ``time_s``/``voltage_V`` are the knots of the waveform of the **working-electrode** voltage
    ``phi_left - phi_right`` [V] (a potentiostat's convention, as the cell API reports it);
    ``t_out_s`` the output times (defaults to the knots). The model runs in PyBaMM's operating
    mode ``"voltage"`` with ``"Voltage function [V]"`` the negative of this waveform (PyBaMM's
    ``"Voltage [V]"`` is ``phi_right - phi_left``).

    Parameters
    ----------
    %(symmetric_values, anode)s
    time_s : numpy.ndarray
        Knot times of the waveform [s].
    voltage_V : numpy.ndarray
        Working-electrode voltage at the knots [V].
    t_out_s : numpy.ndarray, optional
        Output times [s]; default the knots.
    %(var_pts)s
    %(rtol)s
    progress : callable, optional
        Called as ``progress(fraction)`` with the fraction [-] of the simulated time reached,
        non-decreasing from 0 to 1, after each integrator window (at most 600 s of simulated
        time) and with 1.0 at the end; it may raise (e.g. KeyboardInterrupt) to stop the solve.

    Returns
    -------
    dict
        ``"Time [s]"``, ``"Voltage [V]"`` (working-electrode voltage, as given) and
        ``"Current density [A.m-2]"`` (positive while the left electrode is stripped).

    The CasADi DAE solver is used: IDAKLU fails at t = 0 for this voltage-controlled index-1
    DAE with a kinked input (error-test failure), while CasADi's 'safe' mode integrates it.
    """
    model = _model(anode, "algebraic", "voltage")
    pv = pybamm.ParameterValues(dict(values))
    knots_t = np.asarray(time_s, float)
    knots_v = np.asarray(voltage_V, float)
    pv["Voltage function [V]"] = lambda t: pybamm.Interpolant(
        knots_t, -knots_v, t, interpolator="linear"
    )
    pv["Current function [A]"] = 0.0
    with warnings.catch_warnings():
        # PyBaMM deprecates CasadiSolver in favour of IDAKLU, which cannot start this DAE (see
        # above; checked again with PyBaMM 26.10): the user can do nothing about the warning
        warnings.filterwarnings(
            "ignore", message="pybamm.CasadiSolver is deprecated", category=DeprecationWarning
        )
        # No random perturbation of the algebraic start values: PyBaMM's 'safe' mode multiplies
        # them by 1 + 1e-6 U(0, 1) from numpy's global generator before every window (for
        # convergence, it says), and IDAS's consistent-start iteration stops within its
        # tolerance of where it began, so the same CV differed by 2e-5 to 8e-5 of its peak from
        # one solve to the next. Each window starts from the consistent end state of the one
        # before (and the sweep from rest), which needs no perturbation.
        solver = _InterruptibleCasadiSolver(
            rtol=rtol,
            atol=ATOL * rtol / RTOL,
            mode="safe",
            perturb_algebraic_initial_conditions=False,
        )
    sim = pybamm.Simulation(
        model, parameter_values=pv, var_pts={model.spatial_variable(): var_pts}, solver=solver
    )
    try:
        t_out = knots_t if t_out_s is None else np.unique(np.concatenate([t_out_s, knots_t]))
        with solver.noting_interrupts(), solver.reporting_progress(progress, t_out[0], t_out[-1]):
            sol = sim.solve(t_eval=t_out)
    except pybamm.SolverError as exc:
        raise ConvergenceError(
            f"The CV solver failed ({exc}). Tried CasADi 'safe' mode with rtol={rtol}; "
            "try a lower scan rate or a narrower voltage window."
        ) from None
    return {
        "Time [s]": sol["Time [s]"].entries,
        "Voltage [V]": sol["Working-electrode voltage [V]"].entries,
        "Current density [A.m-2]": sol["Current density [A.m-2]"].entries,
    }


@fill_doc
def impedance(
    values: Mapping[str, float],
    anode: str,
    frequency_Hz: np.ndarray,
    var_pts: int = 20,
) -> np.ndarray:
    """Small-signal impedance [Ohm.m2] of the symmetric cell at its initial state.

    Computed by ``pybamm.EISSimulation`` (linearisation of the same model with the differential
    surface form) - not by a separately written circuit; PyBaMM's ``Z = -dV/dI`` is the cell's
    impedance since the model follows PyBaMM's sign convention. Returned per electrode area with
    the electrochemical sign convention ``Z = Z' - jZ''`` (capacitive arcs have negative
    imaginary part).

    Parameters
    ----------
    %(symmetric_values, anode)s
    frequency_Hz : numpy.ndarray
        Frequencies [Hz].
    %(var_pts)s

    Returns
    -------
    numpy.ndarray
        Complex impedance per area [Ohm.m2], one per frequency.
    """
    model = _model(anode, "differential", "current")
    pv = pybamm.ParameterValues(dict(values))
    pv["Current function [A]"] = 0.0
    eis = pybamm.EISSimulation(
        model, parameter_values=pv, var_pts={model.spatial_variable(): var_pts}
    )
    z = np.asarray(eis.solve(np.asarray(frequency_Hz, float)).impedance)
    return z * values["Electrode area [m2]"]
