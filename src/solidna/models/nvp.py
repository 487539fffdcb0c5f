"""Na|SSE|Na3V2(PO4)3 half-cell as a PyBaMM model (Lu 2019, Fig. S30-S32).

PyBaMM's SPMe with ``{"working electrode": "positive"}`` (physics brief section 4): the NVP
cathode is a porous electrode whose pores hold the SSE, the SSE membrane is the "separator", and
sodium metal is the planar counter electrode. Electrolyte properties are those of the symmetric
cell (:func:`solidna.models.solve.symmetric_parameter_values`: conductivity from
:mod:`solidna.materials.electrolyte`, salt concentration, transference number, Nernst-Einstein diffusivity).

Two interphases are added as PyBaMM submodels:

``NaInterphase`` (metal side)
    The film of :class:`~solidna.models.interphase.InterphaseSubmodel` - the same state variable,
    growth law (M-Na: solvent-diffusion limited; pristine Na: chemical growth enhanced by current)
    and resistance ``R = rho * L(t)`` as in the symmetric cell, plus the degraded SSE zone next to
    pristine Na. At a planar interface with algebraic surface form the film is a resistance in
    series with Butler-Volmer charge transfer, so it enters PyBaMM's series ("contact")
    resistance: ``V = V_SPMe - I (R_film + R_deg)``.

``PositiveInterphase`` (cathode side, Fig. S32)
    A film on the NVP particles from slow side reactions with the SSE; it grows with the charge
    passed through the particle surface, ``dL_c/dt = g |j|`` (``j`` the interfacial current
    density on the particles, Fig. S32: Rct rises "during cycling"), and its resistivity
    ``rho_c`` adds ``rho_c L_c j`` to the reaction overpotential. In the SPMe the reaction is
    uniform (``j = i / (a L_p)``), so this is exactly the series resistance
    ``rho_c L_c / (a L_p)`` per electrode area, added to the same series term. The film grows
    into the particles, consuming ``nu`` volumes of NVP per volume formed: PyBaMM's
    "current-driven" loss of active material with ``d eps_s/dt = -nu g |i| / L_p``
    (:func:`positive_lam_rate`). With a flat two-phase plateau a growing resistance alone would
    give a cliff (no fade until the IR drop eats the 0.4 V margin to the upper cut-off, then
    none left); the loss of NVP gives the gradual fade of Fig. S31.

Why not PyBaMM's own "SEI" option on the metal side: in PyBaMM 26.10 the SEI parameters (e.g.
"SEI resistivity [Ohm.m]") are shared by both electrodes, none of its growth laws is the pristine
law (chemical growth at rest, faster under current), and its SEI current books the film's sodium
against the cell - but the Na foil is in large excess. The film overpotential is the same
``j L R`` term either way.

The NVP open-circuit potential (two-phase plateau with steep solid-solution tails)::

    U(x) = U_p - s (x - 1/2) + A [exp(-x/w) - exp(-(1 - x)/w)]

with ``x = c_s / c_max`` (x = 1: Na3V2(PO4)3, discharged; x = 0: NaV2(PO4)3, charged). The
theoretical capacity ``n F / M`` is 117.6 mAh/g for n = 2 Na per formula unit.

Protocols are run by :class:`HalfCellSolver`: one model, built and discretised once, stepped by
IDAKLU from one constant-current (or rest) step to the next until a voltage cut-off. The cut-offs
are input parameters, so 200 cycles take a fraction of a second of solver time.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pybamm

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, OutOfRangeError, check_choice
from solidna.materials.thermo import F
from solidna.models.base import (
    arrhenius,
    events_at_start,
    quoted_temperature,
    sse_conductivity,
    sse_conductivity_factor,
)
from solidna.models.interphase import ANODE_TYPES, InterphaseSubmodel

__all__ = [
    "FARADAY",
    "theoretical_capacity_mAh_g",
    "maximum_concentration_mol_m3",
    "areal_capacity_C_m2",
    "active_mass_kg_m2",
    "ocp_nvp",
    "open_circuit_potential_V",
    "NaInterphase",
    "PositiveInterphase",
    "na_film_resistance",
    "positive_film_resistance",
    "particle_area_per_cell_area",
    "positive_lam_rate",
    "series_resistance",
    "default_current_A",
    "NVPHalfCellModel",
    "half_cell_model",
    "half_cell_parameter_values",
    "link_set_entries",
    "PYBAMM_ALIASES",
    "CurrentStep",
    "StepRecord",
    "HalfCellSolver",
]

FARADAY = F  # C/mol (CODATA 2018)

# Numerical settings. rtol 1e-6 converges the discharge capacity to better than 0.01 mAh/g
# (tests/physics/test_nvp_physics.py compares with rtol 1e-8).
RTOL = 1e-6
ATOL = 1e-8
# Mesh: 30 shells resolve the steep surface gradient at 2 C with the fitted diffusivity; the
# electrolyte varies smoothly across the SSE and the cathode (10 cells each).
VAR_PTS = {"x_n": 5, "x_s": 10, "x_p": 10, "r_p": 30}
# Scale of the film states [m] (nm films) for the solver's error control.
FILM_SCALE_M = 1e-8
# Voltage window of the exported parameter values [V] (solidna.protocols.nvp LOWER/UPPER_CUTOFF).
DEFAULT_LOWER_CUTOFF_V = 2.5
DEFAULT_UPPER_CUTOFF_V = 3.8
# Cut-offs that never trigger (rest steps) [V].
NO_LOWER_CUTOFF_V = -100.0
NO_UPPER_CUTOFF_V = 100.0


# -- the material ----------------------------------------------------------------------------------
def theoretical_capacity_mAh_g(parameters: Mapping[str, float]) -> float:
    """Theoretical specific capacity of NVP [mAh/g]: ``n F / M`` (117.6 for n = 2).

    Parameters
    ----------
    parameters : mapping
        Needs "NVP sodium exchanged per formula unit [-]" and "NVP molar mass [kg.mol-1]".
    """
    n = parameters["NVP sodium exchanged per formula unit [-]"]
    molar_mass_g_mol = parameters["NVP molar mass [kg.mol-1]"] * 1e3
    return n * FARADAY / molar_mass_g_mol / 3.6  # C/g -> mAh/g


@fill_doc
def maximum_concentration_mol_m3(parameters: Mapping[str, float]) -> float:
    """Sodium sites per volume of NVP that take part in the V3+/V4+ reaction [mol.m-3]:
    ``n rho / M`` (about 1.38e4).

    %(Parameters: model_parameters)s

    Returns
    -------
    float
        Maximum sodium concentration in NVP [mol.m-3].
    """
    return (
        parameters["NVP sodium exchanged per formula unit [-]"]
        * parameters["NVP density [kg.m-3]"]
        / parameters["NVP molar mass [kg.mol-1]"]
    )


@fill_doc
def active_mass_kg_m2(parameters: Mapping[str, float]) -> float:
    """NVP loading [kg.m-2] (1 mg/cm2 = 1e-2 kg/m2): thickness x volume fraction x density.

    %(Parameters: model_parameters)s

    Returns
    -------
    float
        NVP mass per electrode area [kg.m-2].
    """
    return (
        parameters["Positive electrode thickness [m]"]
        * parameters["Positive electrode active material volume fraction [-]"]
        * parameters["NVP density [kg.m-3]"]
    )


@fill_doc
def areal_capacity_C_m2(parameters: Mapping[str, float]) -> float:
    """Theoretical areal capacity of the cathode [C.m-2] (divide by 36 000 for mAh/cm2).

    %(Parameters: model_parameters)s

    Returns
    -------
    float
        Areal capacity [C.m-2].
    """
    return active_mass_kg_m2(parameters) * 1e3 * theoretical_capacity_mAh_g(parameters) * 3.6


def ocp_nvp(
    sto: Any, plateau_V: float, slope_V: float, tail_height_V: float, tail_width: float
) -> Any:
    """Open-circuit potential of NVP vs Na+/Na [V] at stoichiometry ``sto`` = c_s / c_max.

    ``U = U_p - s (x - 1/2) + A [exp(-x/w) - exp(-(1 - x)/w)]``: the two-phase plateau
    (``U_p`` "NVP plateau potential [V]", slope ``s`` "NVP plateau slope [V]") bounded by steep
    tails of height ``A`` ("NVP tail height [V]") and width ``w`` ("NVP tail width [-]").
    Works on floats, NumPy arrays and PyBaMM symbols.

    Parameters
    ----------
    sto : float, numpy.ndarray or pybamm.Symbol
        Stoichiometry c_s / c_max [-].
    plateau_V : float
        Plateau potential ``U_p`` [V].
    slope_V : float
        Plateau slope ``s`` [V] (change over the full stoichiometry range).
    tail_height_V : float
        Tail height ``A`` [V].
    tail_width : float
        Tail width ``w`` [-] (in stoichiometry).

    Returns
    -------
    float, numpy.ndarray or pybamm.Symbol
        Open-circuit potential [V vs Na+/Na], same kind as ``sto``.
    """
    exp = pybamm.exp if isinstance(sto, pybamm.Symbol) else np.exp
    return (
        plateau_V
        - slope_V * (sto - 0.5)
        + tail_height_V * (exp(-sto / tail_width) - exp(-(1 - sto) / tail_width))
    )


def open_circuit_potential_V(sto: Any, parameters: Mapping[str, float]) -> Any:
    """:func:`ocp_nvp` with the parameters of a set.

    Parameters
    ----------
    sto : float, numpy.ndarray or pybamm.Symbol
        Stoichiometry c_s / c_max [-].
    parameters : ParameterSet or mapping
        Parameter values (e.g. ``solidna.lu2019()``).

    Returns
    -------
    float, numpy.ndarray or pybamm.Symbol
        Open-circuit potential [V vs Na+/Na].
    """
    return ocp_nvp(
        sto,
        parameters["NVP plateau potential [V]"],
        parameters["NVP plateau slope [V]"],
        parameters["NVP tail height [V]"],
        parameters["NVP tail width [-]"],
    )


# -- submodels -------------------------------------------------------------------------------------
def _na_thickness() -> pybamm.Variable:
    return pybamm.Variable(
        "Negative interphase thickness [m]", domain="current collector", scale=FILM_SCALE_M
    )


def _positive_thickness() -> pybamm.Variable:
    return pybamm.Variable(
        "Positive interphase thickness [m]", domain="current collector", scale=FILM_SCALE_M
    )


def na_film_resistance(film: InterphaseSubmodel, thickness: pybamm.Symbol) -> pybamm.Symbol:
    """Area-specific resistance of the Na-side interphase [Ohm.m2]: the film ``rho_f L`` plus,
    next to pristine Na, the excess resistance of the degraded SSE zone
    ``L_deg (1/(r_deg kappa) - 1/kappa)`` (the symmetric cell's expressions).

    Parameters
    ----------
    film : InterphaseSubmodel
        The Na-side interphase submodel.
    thickness : pybamm.Symbol
        Na-side interphase thickness [m].

    Returns
    -------
    pybamm.Symbol
        Area-specific resistance [Ohm.m2].
    """
    kappa = sse_conductivity()
    r_deg = pybamm.Parameter("Degraded SSE conductivity ratio [-]")
    L_deg = film.degraded_sse_thickness(thickness)
    return film.resistance(thickness) + L_deg * (1 / (r_deg * kappa) - 1 / kappa)


def particle_area_per_cell_area() -> pybamm.Symbol:
    """NVP surface per cell area [m2.m-2]: ``a L_p`` with ``a = 3 eps_s / R_p`` (spheres, as
    PyBaMM defines the surface area to volume ratio)."""
    eps_s = pybamm.Parameter("Positive electrode active material volume fraction")
    R_p = pybamm.Parameter("Positive particle radius [m]")
    return 3 * eps_s / R_p * pybamm.Parameter("Positive electrode thickness [m]")


def positive_film_resistance(thickness: pybamm.Symbol) -> pybamm.Symbol:
    """Cell-area resistance of the cathode-SSE film [Ohm.m2]: ``rho_c L_c / (a L_p)`` (exact for
    the uniform reaction of the SPMe).

    Parameters
    ----------
    thickness : pybamm.Symbol
        Cathode-SSE film thickness [m].

    Returns
    -------
    pybamm.Symbol
        Resistance per cell area [Ohm.m2].
    """
    rho = pybamm.Parameter("Positive interphase resistivity [Ohm.m]") * arrhenius(
        "Positive interphase resistivity activation energy [J.mol-1]", sign=-1
    )
    return rho * thickness / particle_area_per_cell_area()


class NaInterphase(pybamm.BaseSubModel):
    """Interphase film on the sodium counter electrode (PyBaMM submodel).

    State "Negative interphase thickness [m]", growing as
    :meth:`InterphaseSubmodel.growth_rate` prescribes for the anode option, with the
    resistance :func:`na_film_resistance`.
    """

    def __init__(self, param: Any, anode: str, options: Any = None):
        super().__init__(param, "negative", name="Na interphase", options=options)
        self.film = InterphaseSubmodel(anode)

    def get_fundamental_variables(self) -> dict:
        return {"Negative interphase thickness [m]": _na_thickness()}

    def get_coupled_variables(self, variables: dict) -> dict:
        L = variables["Negative interphase thickness [m]"]
        variables["Negative interphase resistance [Ohm.m2]"] = na_film_resistance(self.film, L)
        return variables

    def set_rhs(self, variables: dict) -> None:
        L = variables["Negative interphase thickness [m]"]
        i = variables["Current collector current density [A.m-2]"]
        self.rhs = {L: self.film.growth_rate(L, i)}

    def set_initial_conditions(self, variables: dict) -> None:
        L = variables["Negative interphase thickness [m]"]
        self.initial_conditions = {L: pybamm.Parameter("Initial negative interphase thickness [m]")}


class PositiveInterphase(pybamm.BaseSubModel):
    """Cathode-SSE interphase on the NVP particles (Fig. S32), PyBaMM submodel.

    ``dL_c/dt = g |j|`` with ``g`` "Positive interphase growth coefficient [m3.C-1]" and
    ``j = i / (a L_p)`` the interfacial current density on the particles [A.m-2]; resistance
    :func:`positive_film_resistance`.
    """

    def __init__(self, param: Any, options: Any = None):
        super().__init__(param, "positive", name="Positive interphase", options=options)

    def get_fundamental_variables(self) -> dict:
        return {"Positive interphase thickness [m]": _positive_thickness()}

    def get_coupled_variables(self, variables: dict) -> dict:
        L = variables["Positive interphase thickness [m]"]
        i = variables["Current collector current density [A.m-2]"]
        variables.update(
            {
                "Positive interphase resistance [Ohm.m2]": positive_film_resistance(L),
                "Positive particle interfacial current density [A.m-2]": i
                / particle_area_per_cell_area(),
            }
        )
        return variables

    def set_rhs(self, variables: dict) -> None:
        L = variables["Positive interphase thickness [m]"]
        j = variables["Positive particle interfacial current density [A.m-2]"]
        g = pybamm.Parameter("Positive interphase growth coefficient [m3.C-1]")
        self.rhs = {L: g * pybamm.AbsoluteValue(j)}

    def set_initial_conditions(self, variables: dict) -> None:
        L = variables["Positive interphase thickness [m]"]
        self.initial_conditions = {L: pybamm.Parameter("Initial positive interphase thickness [m]")}


@fill_doc
def series_resistance(anode: str):
    """PyBaMM's "Contact resistance [Ohm]" for the half-cell: both interphases in series.

    Returns a function of temperature (PyBaMM's signature; the films do not depend on it here)
    whose expression refers to the submodels' state variables by name. It is a
    ``functools.partial`` of a module-level function, not a closure, so that the parameter
    values - and the models, solutions and simulations that hold them - pickle
    (``sim.save``, ``pybamm.load_sim``, Dask).

    Parameters
    ----------
    %(anode)s

    Returns
    -------
    callable
        ``T [K] -> contact resistance [Ohm]`` as a PyBaMM expression.
    """
    return functools.partial(_contact_resistance_ohm, anode=anode)


def _contact_resistance_ohm(T: pybamm.Symbol, *, anode: str) -> pybamm.Symbol:
    """ "Contact resistance [Ohm]" of both interphases in series (:func:`series_resistance`)."""
    film = InterphaseSubmodel(anode)
    area = pybamm.Parameter("Electrode height [m]") * pybamm.Parameter("Electrode width [m]")
    r_area = na_film_resistance(film, _na_thickness()) + positive_film_resistance(
        _positive_thickness()
    )
    # The film states live on PyBaMM's "current collector" domain; the contact resistance is one
    # number for the cell, domainless as the parameter it replaces, so "Voltage [V]" stays
    # domainless as in PyBaMM's own models. Left on the domain, it gave an experiment's
    # unified-mode control residual (pybamm.Conditional over V - target) the shape () after
    # discretisation against (1, 1) for its initial condition: every voltage, power and
    # resistance step failed with pybamm.ModelError. The films are uniform across the 0-D
    # ("uniform") current collector of these cells, where the y-z average is the identity.
    return pybamm.yz_average(r_area) / area


# The functional parameters of the half-cell (:func:`half_cell_parameter_values`) are
# module-level functions bound to their numbers by functools.partial, never closures or
# lambdas: PyBaMM keeps the parameter values in the processed model, so a closure made the
# model, its solutions and ``sim.save`` unpicklable.
def _arrhenius_T(T: pybamm.Symbol, *, e_a: float, t_ref: float) -> pybamm.Symbol:
    """PyBaMM's functional-parameter form of :func:`solidna.models.base.arrhenius` (``T`` is the
    model's temperature variable [K]; ``e_a`` [J.mol-1], ``t_ref`` [K])."""
    return pybamm.exp(e_a / pybamm.constants.R * (1 / t_ref - 1 / T))


def _na_exchange_current(
    c_e: pybamm.Symbol,
    c_Li: pybamm.Symbol,
    T: pybamm.Symbol,
    *,
    i0: float,
    c_e0: float,
    e_a: float,
    t_ref: float,
) -> pybamm.Symbol:
    """Na exchange-current density [A.m-2], as in the symmetric cell: i0 = i0_ref sqrt(c/c0)."""
    return i0 * (pybamm.maximum(c_e, 1e-3) / c_e0) ** 0.5 * _arrhenius_T(T, e_a=e_a, t_ref=t_ref)


def _nvp_diffusivity(
    sto: pybamm.Symbol, T: pybamm.Symbol, *, d: float, e_a: float, t_ref: float
) -> pybamm.Symbol:
    """NVP particle diffusivity [m2.s-1], independent of the stoichiometry."""
    return d * _arrhenius_T(T, e_a=e_a, t_ref=t_ref) + 0 * sto


def _nvp_exchange_current(
    c_e: pybamm.Symbol, c_s: pybamm.Symbol, c_s_max: pybamm.Symbol, T: pybamm.Symbol, **kinetics
) -> pybamm.Symbol:
    """NVP exchange-current density [A.m-2]: the Na law (:func:`_na_exchange_current`, keywords
    ``i0``, ``c_e0``, ``e_a``, ``t_ref``) times a stoichiometry factor, symmetric, 1 at half."""
    sto = c_s / c_s_max
    stoichiometry_factor = (4 * pybamm.maximum(sto, 0) * pybamm.maximum(1 - sto, 0)) ** 0.5
    return _na_exchange_current(c_e, c_s, T, **kinetics) * stoichiometry_factor


def _sse_property(
    c_e: pybamm.Symbol,
    T: pybamm.Symbol,
    *,
    value: float,
    temperature_power: int,
) -> pybamm.Symbol:
    """An SSE property (conductivity, salt diffusivity) at the SPMe's temperature ``T``: its value
    quoted at "Temperature [K]" times the conductivity's law to ``T`` and, for the diffusivity
    (Nernst-Einstein: ``D ~ sigma T``), ``(T / T_q) ** temperature_power``. It does not depend
    on the concentration (a solid electrolyte of one salt concentration)."""
    T_q = quoted_temperature()
    return value * sse_conductivity_factor(T) * (T / T_q) ** temperature_power + 0 * c_e


def positive_lam_rate(i: pybamm.Symbol, T: pybamm.Symbol) -> pybamm.Symbol:
    """Rate of change of the NVP volume fraction [s-1] as the cathode film grows into it.

    The film replaces ``nu`` volumes of NVP per volume formed ("NVP consumed per interphase
    volume [-]") at the particle surface, so ``d eps_s/dt = -nu a dL_c/dt = -nu g |i| / L_p``
    (``a |j| = |i| / L_p``). PyBaMM's "current-driven" loss of active material; ``T`` unused.

    Parameters
    ----------
    i : pybamm.Symbol
        Cell current density [A.m-2].
    T : pybamm.Symbol
        Temperature [K] (unused).

    Returns
    -------
    pybamm.Symbol
        d eps_s/dt [s-1].
    """
    del T
    g = pybamm.Parameter("Positive interphase growth coefficient [m3.C-1]")
    nu = pybamm.Parameter("NVP consumed per interphase volume [-]")
    L_p = pybamm.Parameter("Positive electrode thickness [m]")
    return -nu * g * pybamm.AbsoluteValue(i) / L_p


#: Stoichiometry [-] that splits the NVP's range into its charged half (below: more sodium sites
#: to fill, so :func:`default_current_A` discharges) and its discharged half (above: it charges).
DEFAULT_CURRENT_SPLIT_STOICHIOMETRY = 0.5


def default_current_A(t: pybamm.Symbol) -> pybamm.Symbol:
    """PyBaMM's "Current function [A]" of a plain ``pybamm.Simulation`` of the half cell: 1 C
    towards the end of the NVP's range that the cell starts farther from [A], positive on
    discharge.

    The Lu 2019 cell is built discharged (as-made Na3V2(PO4)3, "NVP initial stoichiometry [-]"
    0.99, the state the paper's protocols and :class:`HalfCellSolver` start from), and a
    discharged cell can only be charged: with a 1 C discharge as the default,
    ``pybamm.Simulation(NVPHalfCellModel()).solve([0, 3600])`` stopped at the 2.5 V cut-off
    after 2 s. PyBaMM's own half-cell set (Xu2022) starts charged and discharges at 1 C for the
    hour. So the default runs the cell across its window from where it starts: a 1 C charge
    from a start stoichiometry above :data:`DEFAULT_CURRENT_SPLIT_STOICHIOMETRY` (the as-made
    cell: a charge to 3.8 V in just under the hour), a 1 C discharge below it (PyBaMM's
    ``initial_soc`` above ~0.5, e.g. ``initial_soc=1``, as for Xu2022). An experiment, or a
    "Current function [A]" of one's own, replaces it.

    It reads "Initial concentration in positive electrode [mol.m-3]" (what ``initial_soc``
    sets) as a number; a start concentration that varies through the particle or the electrode
    needs a current of its own. A module-level function, so the values pickle.

    Parameters
    ----------
    t : pybamm.Symbol
        Time [s] (PyBaMM's argument; the current is constant).

    Returns
    -------
    pybamm.Symbol
        The current [A]: Q / (1 h) on discharge, -Q / (1 h) on charge, with Q the "Nominal
        cell capacity [A.h]" (the cathode's theoretical capacity).
    """
    del t
    sto = pybamm.Parameter("Initial concentration in positive electrode [mol.m-3]") / (
        pybamm.Parameter("Maximum concentration in positive electrode [mol.m-3]")
    )
    # +1 in the charged half (sodium sites to fill), -1 in the discharged half
    direction = 1 - 2 * (sto > DEFAULT_CURRENT_SPLIT_STOICHIOMETRY)
    # 1 C: the nominal capacity [A.h] passed in one hour, numerically the current in A
    return pybamm.Parameter("Nominal cell capacity [A.h]") * direction


class NVPHalfCellModel(pybamm.lithium_ion.SPMe):
    """The Na|SSE|NVP half-cell: PyBaMM's SPMe (``"working electrode": "positive"``) with the
    :class:`NaInterphase` and :class:`PositiveInterphase` submodels.

    A PyBaMM battery model through and through: its sign convention (a positive current is a
    discharge, sodiating the NVP), variables, external circuit, events ("Minimum voltage [V]" at
    "Lower voltage cut-off [V]", ...) and summary variables are PyBaMM's, so ``pybamm.Experiment``
    and ``pybamm.EISSimulation`` (with ``{"surface form": "differential"}``) run it as they run
    an SPMe. ``default_parameter_values`` is the Lu 2019 set
    (:func:`solidna.models.parameter_values.pybamm_parameter_values`).

    Parameters
    ----------
    options : dict, optional
        ``"anode"``: ``"modified"`` (M-Na, default) or ``"pristine"``; any other key is a PyBaMM
        battery-model option (e.g. ``"surface form"``, ``"operating mode"``).
    name : str, optional
        Model name.
    """

    def __init__(self, options: dict | None = None, name: str | None = None):
        opts = dict(options or {})
        anode = check_choice("anode type", opts.pop("anode", "modified"), ANODE_TYPES)
        pybamm_options = {
            "working electrode": "positive",
            "contact resistance": "true",
            "loss of active material": "current-driven",
        } | opts
        super().__init__(pybamm_options, name=name or f"Na|SSE|NVP ({anode})", build=False)
        self.cell_options = {"anode": anode}
        self.submodels["Na interphase"] = NaInterphase(self.param, anode, self.options)
        self.submodels["positive interphase"] = PositiveInterphase(self.param, self.options)
        self.build_model()
        # PyBaMM's "Capacity [A.h]" (what an experiment's termination "80% capacity" reads) is
        # the cell's capacity between its voltage limits; PyBaMM computes it only for full
        # cells (electrode SOH). In this half-cell the Na metal is in excess, so the cell's
        # capacity is the NVP electrode's, which current-driven loss of active material lowers.
        self.variables["Capacity [A.h]"] = self.variables["Positive electrode capacity [A.h]"]
        self.summary_variables = self.summary_variables + [
            "Capacity [A.h]",
            "Negative interphase thickness [m]",
            "Positive interphase thickness [m]",
            "Negative interphase resistance [Ohm.m2]",
            "Positive interphase resistance [Ohm.m2]",
        ]

    def check_well_posedness(self, post_discretisation: bool = False) -> None:
        """PyBaMM's checks (``pybamm.BaseModel.check_well_posedness``), after refusing values
        whose SSE inputs were edited (the PVDF-HFP ratio, ...), which the exported SSE values
        do not follow (:func:`solidna.models.solve.check_electrolyte_entries`).

        Parameters
        ----------
        post_discretisation : bool, optional
            Passed on to PyBaMM.

        Raises
        ------
        InvalidOptionError
            An SSE input differs from the one the SSE values were computed with.
        """
        from solidna.models.solve import check_electrolyte_entries

        check_electrolyte_entries(getattr(self.symbol_processor, "parameter_values", None))
        super().check_well_posedness(post_discretisation)

    @property
    def default_parameter_values(self) -> pybamm.ParameterValues:
        """The Lu 2019 values for this anode: the as-made (discharged) cell, a 1 C run across
        the window from the start state as "Current function [A]" (:func:`default_current_A`:
        a charge from the as-made cell, a discharge from one started charged) and the 2.5-3.8 V
        window of the paper's protocols as PyBaMM's voltage cut-offs."""
        from solidna.models.parameter_values import pybamm_parameter_values

        return pybamm_parameter_values("nvp", self.cell_options["anode"])

    @property
    def default_var_pts(self) -> dict:
        """PyBaMM's mesh with :data:`VAR_PTS` on top: the mesh :class:`HalfCellSolver` (and so
        :class:`~solidna.cells.nvp.NVPCell`) solves on, so that a plain ``pybamm.Simulation``
        of this model gives the cell's numbers. PyBaMM's 20 particle shells under-resolve the
        surface gradient at 2 C (see :data:`VAR_PTS`)."""
        return super().default_var_pts | VAR_PTS

    @property
    def default_solver(self) -> pybamm.BaseSolver:
        """IDAKLU at the tolerances of :class:`HalfCellSolver` (:data:`RTOL`, :data:`ATOL`), the
        solver a plain ``pybamm.Simulation`` of this model uses.

        The SPMe's own default (rtol 1e-4, atol 1e-6) is sized for PyBaMM's Ah-scale cells; this
        1-cm2 half-cell carries ~0.2 mA, its "Discharge energy [W.h]" and "Throughput energy
        [W.h]" states are ~1e-4 Wh, so atol 1e-6 left them unchecked: over a 1 C charge to 3.8 V
        and a 2 C discharge at 40 C the discharge energy came out 1.4 % off the integral of the
        model's own voltage times current on the charge and 26 % off on the net of the two
        (tests/physics/test_off_paper_s16.py).
        """
        return pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL)


@functools.lru_cache(maxsize=4)
@fill_doc
def half_cell_model(anode: str) -> NVPHalfCellModel:
    """The :class:`NVPHalfCellModel` of ``anode`` (built once, cached; do not modify it).

    Parameters
    ----------
    %(anode)s
    """
    check_choice("anode type", anode, ANODE_TYPES)
    return NVPHalfCellModel({"anode": anode})


def check_cathode_fractions(parameters: Mapping[str, float]) -> None:
    """Refuse a cathode whose NVP and pore (SSE) volume fractions do not fit in its volume.

    Each fraction must lie in (0, 1) and their sum may not exceed 1 (the rest is carbon and
    binder). A larger active fraction passed through silently before: the capacity per gram
    followed the loading while the pores kept their volume, a cathode of more than its volume.

    Parameters
    ----------
    parameters : mapping
        With "Positive electrode active material volume fraction [-]" and "Positive electrode
        porosity [-]".

    Raises
    ------
    OutOfRangeError
        A fraction outside (0, 1), or the two summing to more than 1.
    """
    active = float(parameters["Positive electrode active material volume fraction [-]"])
    pores = float(parameters["Positive electrode porosity [-]"])
    if not (0 < active < 1 and 0 < pores < 1 and active + pores <= 1):
        raise OutOfRangeError(
            "The NVP cathode's volume fractions do not fit in its volume: 'Positive electrode "
            f"active material volume fraction [-]' = {active:g} and 'Positive electrode "
            f"porosity [-]' = {pores:g} (SSE-filled pores) must each lie in (0, 1) and sum to "
            f"at most 1 (here {active + pores:g}; the rest is carbon and binder). Lower one of "
            "them, e.g. 0.25 and 0.5 as in the Lu 2019 set; for a heavier loading, thicken the "
            "electrode ('Positive electrode thickness [m]')."
        )


@fill_doc
def half_cell_parameter_values(
    parameters: Mapping[str, float],
    anode: str,
    state: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Numeric and functional parameter values of the half-cell (PyBaMM names).

    Parameters
    ----------
    parameters : ParameterSet or mapping
        The Lu 2019 set (NVP entries from ``nvp.toml``/``fitted_nvp.toml``).
    %(anode)s
    state : dict, optional
        ``{"negative interphase thickness [m]": ..., "positive interphase thickness [m]": ...}``
        to start from, film thicknesses [m] (default: the set's fresh cell; either key may be
        left out).

    Returns
    -------
    dict
        Ready for ``pybamm.ParameterValues``: "Current function [A]" is 1 C across the window
        from the start state (:func:`default_current_A`: a charge from the as-made cell) and the
        voltage cut-offs are the paper's 2.5-3.8 V window (:class:`HalfCellSolver` makes the
        three input parameters of each step). The set's entries stay in, and PyBaMM's names of
        them ("Separator thickness [m]" for "SSE thickness [m]", ...) hold their numbers, from
        the one table that :func:`link_set_entries` also reads.
    """
    from solidna.models.solve import symmetric_parameter_values

    check_choice("anode type", anode, ANODE_TYPES)
    check_cathode_fractions(parameters)
    p = symmetric_parameter_values(parameters, anode)  # SSE properties as in the symmetric cell
    c_max = maximum_concentration_mol_m3(p)
    q_nominal_Ah = areal_capacity_C_m2(p) * p["Electrode area [m2]"] / 3600
    T = p["Temperature [K]"]
    values: dict[str, Any] = dict(p)
    values.update(
        {
            "Nominal cell capacity [A.h]": q_nominal_Ah,
            # 1 C from the start state across the window: a charge from the as-made cell
            "Current function [A]": default_current_A,
            "Contact resistance [Ohm]": series_resistance(anode),
            "Positive electrode current-driven LAM rate": positive_lam_rate,
            # sodium metal
            "Negative electrode OCP [V]": 0.0,
            "Negative electrode OCP entropic change [V.K-1]": 0.0,
            # NVP
            "Maximum concentration in positive electrode [mol.m-3]": c_max,
            "Positive electrode OCP entropic change [V.K-1]": 0.0,
            # SSE membrane = "separator" of pure electrolyte
            "Separator porosity": 1.0,
            "Separator Bruggeman coefficient (electrolyte)": 1.5,
            "Separator Bruggeman coefficient (electrode)": 1.5,
            "Thermodynamic factor": 1.0,
            # thermal (isothermal SPMe)
            "Ambient temperature [K]": T,
            # "Reference temperature [K]" is the set's (the paper's room temperature): the
            # anchor of every Arrhenius law, PyBaMM's meaning of it
            "Initial temperature [K]": T,
            "Heat transfer coefficient [W.m-2.K-1]": 10.0,
            "Number of electrodes connected in parallel to make a cell": 1.0,
            "Number of cells connected in series to make a battery": 1.0,
            # the paper's window (solidna.protocols.nvp); HalfCellSolver sets each step's
            "Lower voltage cut-off [V]": DEFAULT_LOWER_CUTOFF_V,
            "Upper voltage cut-off [V]": DEFAULT_UPPER_CUTOFF_V,
            "Open-circuit voltage at 0% SOC [V]": 2.5,
            "Open-circuit voltage at 100% SOC [V]": 3.8,
        }
    )
    # PyBaMM's names of the set's entries, from the table that link_set_entries also reads:
    # evaluated with the values' own look-up they hold the entries' numbers
    prefix = "Modified" if anode == "modified" else "Pristine"
    values.update(
        {name: copy(values.__getitem__) for name, copy in _copied_entries(prefix).items()}
    )
    # a state to start from replaces the fresh films (unlike the entry, so it stays a number in
    # the export: link_set_entries links a copy only where it equals the entry)
    start = dict(state or {})
    for key in ("negative interphase thickness [m]", "positive interphase thickness [m]"):
        if key in start:
            values[f"Initial {key}"] = start[key]
    return values


def _sqrt(x: Any) -> Any:
    """Square root of a number (``math.sqrt``) or of a PyBaMM expression (``pybamm.sqrt``, which
    evaluates to the same correctly rounded value)."""
    return pybamm.sqrt(x) if isinstance(x, pybamm.Symbol) else math.sqrt(x)


# The half-cell's PyBaMM names of the set's entries, written once: half_cell_parameter_values
# evaluates each with the values' look-up (the numbers), link_set_entries with pybamm.Parameter
# (the links of the export). Written twice before, an entry added to one place and not the other
# silently stayed a copy that a change of the set's entry did not reach.

#: PyBaMM's names that hold one of the set's entries as it is: PyBaMM name -> the entry
#: (``{anode}`` is "Modified" or "Pristine", the anode's entries). The SPMe reads the left
#: names; the set's entries (right) stay in the values, and the export links each name to its
#: entry (:func:`link_set_entries`).
PYBAMM_ALIASES: dict[str, str] = {
    # geometry
    "Separator thickness [m]": "SSE thickness [m]",
    # sodium metal (as in the symmetric cell)
    "Negative electrode thickness [m]": "NVP cell sodium foil thickness [m]",
    "Negative electrode conductivity [S.m-1]": "NVP cell sodium metal conductivity [S.m-1]",
    "Lithium metal partial molar volume [m3.mol-1]": (
        "NVP cell sodium metal molar volume [m3.mol-1]"
    ),
    "Negative electrode charge transfer coefficient": "Charge-transfer coefficient [-]",
    "Negative electrode double-layer capacity [F.m-2]": "Double-layer capacitance [F.m-2]",
    # NVP
    "Positive electrode porosity": "Positive electrode porosity [-]",
    "Positive electrode active material volume fraction": (
        "Positive electrode active material volume fraction [-]"
    ),
    "Positive particle radius [m]": "NVP particle radius [m]",
    "Positive electrode Bruggeman coefficient (electrolyte)": (
        "Positive electrode Bruggeman coefficient [-]"
    ),
    "Positive electrode Bruggeman coefficient (electrode)": (
        "Positive electrode Bruggeman coefficient [-]"
    ),
    "Positive electrode charge transfer coefficient": "NVP charge-transfer coefficient [-]",
    "Positive electrode double-layer capacity [F.m-2]": "Double-layer capacitance [F.m-2]",
    # the SSE (the "separator" and the cathode's pores)
    "Initial concentration in electrolyte [mol.m-3]": "Salt concentration [mol.m-3]",
    "Cation transference number": "Cation transference number [-]",
    # interphases of the fresh cell
    "Initial negative interphase thickness [m]": "{anode} interphase initial thickness [m]",
    "Initial positive interphase thickness [m]": "Positive interphase initial thickness [m]",
}


def _read_entry(entry: str, get: Callable[[str], Any]) -> Any:
    """``get(entry)``: the value of a :data:`PYBAMM_ALIASES` name (bound by functools.partial)."""
    return get(entry)


def _copied_entries(prefix: str) -> dict[str, Callable[[Callable[[str], Any]], Any]]:
    """PyBaMM name -> its value as a function of a look-up ``get`` of the set's entries: a copy
    of an entry (:data:`PYBAMM_ALIASES`), an expression of entries, or a ``functools.partial``
    whose keywords are entries. ``prefix`` ("Modified" or "Pristine") picks the anode's
    entries."""
    t_ref = "Reference temperature [K]"
    aliases = {
        name: functools.partial(_read_entry, entry.format(anode=prefix))
        for name, entry in PYBAMM_ALIASES.items()
    }
    return aliases | {
        # PyBaMM's area is height x width, a square of the set's electrode area (1 cm2 by
        # default; results are per area or per gram)
        "Electrode height [m]": lambda get: _sqrt(get("Electrode area [m2]")),
        "Electrode width [m]": lambda get: _sqrt(get("Electrode area [m2]")),
        # sodium metal; as in the symmetric cell: i0 = i0_ref sqrt(c/c0)
        "Exchange-current density for lithium metal electrode [A.m-2]": lambda get: (
            functools.partial(
                _na_exchange_current,
                i0=get(f"{prefix} exchange-current density [A.m-2]"),
                c_e0=get("Salt concentration [mol.m-3]"),
                e_a=get(f"{prefix} exchange-current density activation energy [J.mol-1]"),
                t_ref=get(t_ref),
            )
        ),
        # NVP
        "Positive particle diffusivity [m2.s-1]": lambda get: functools.partial(
            _nvp_diffusivity,
            d=get("NVP diffusivity [m2.s-1]"),
            e_a=get("NVP diffusivity activation energy [J.mol-1]"),
            t_ref=get(t_ref),
        ),
        "Positive electrode OCP [V]": lambda get: functools.partial(
            ocp_nvp,
            plateau_V=get("NVP plateau potential [V]"),
            slope_V=get("NVP plateau slope [V]"),
            tail_height_V=get("NVP tail height [V]"),
            tail_width=get("NVP tail width [-]"),
        ),
        "Positive electrode exchange-current density [A.m-2]": lambda get: functools.partial(
            _nvp_exchange_current,
            i0=get("NVP exchange-current density [A.m-2]"),
            c_e0=get("Salt concentration [mol.m-3]"),
            e_a=get("NVP exchange-current density activation energy [J.mol-1]"),
            t_ref=get(t_ref),
        ),
        "Initial concentration in positive electrode [mol.m-3]": lambda get: (
            get("NVP initial stoichiometry [-]")
            * get("Maximum concentration in positive electrode [mol.m-3]")
        ),
        # the SSE, at the SPMe's (ambient) temperature from the values quoted at
        # "Temperature [K]"
        "Electrolyte diffusivity [m2.s-1]": lambda get: functools.partial(
            _sse_property, value=get("Salt diffusivity [m2.s-1]"), temperature_power=1
        ),
        "Electrolyte conductivity [S.m-1]": lambda get: functools.partial(
            _sse_property, value=get("SSE conductivity [S.m-1]"), temperature_power=0
        ),
    }


def _holds_copy(value: Any, copy: Any) -> bool:
    """Whether ``value`` is the number ``copy``, or the same function with the same numbers as
    the ``functools.partial`` ``copy``."""
    if isinstance(value, functools.partial) and isinstance(copy, functools.partial):
        return (
            value.func is copy.func
            and value.args == copy.args
            and value.keywords.keys() == copy.keywords.keys()
            and all(_holds_copy(value.keywords[k], v) for k, v in copy.keywords.items())
        )
    return isinstance(value, numbers.Real) and isinstance(copy, numbers.Real) and value == copy


@fill_doc
def link_set_entries(values: Mapping[str, Any], anode: str) -> dict[str, Any]:
    """The half-cell's values with every PyBaMM-named copy of one of the set's entries replaced
    by a link to that entry, for the PyBaMM export
    (:func:`solidna.models.parameter_values.pybamm_parameter_values`).

    The SPMe reads PyBaMM's names ("Separator thickness [m]", "Electrolyte conductivity
    [S.m-1]", ...); :func:`half_cell_parameter_values` fills them with the numbers of the set's
    entries ("SSE thickness [m]", "SSE conductivity [S.m-1]", ...), which stay in the values.
    A modeller who changed the set's entry (``pv["SSE conductivity [S.m-1]"] = ...``, as in the
    symmetric and Na-CO2 models, which read those names) saw no change at all: the model read
    the copy. Here each copy is ``pybamm.Parameter`` of the entry (a functional parameter's
    keyword too), so a change under either name reaches the model; the numbers are the same
    (a copy is linked only if it equals the entry, e.g. not a ``state`` to start from).

    Parameters
    ----------
    values : mapping
        From :func:`half_cell_parameter_values`.
    %(anode)s

    Returns
    -------
    dict
        The values, linked.
    """
    check_choice("anode type", anode, ANODE_TYPES)
    prefix = "Modified" if anode == "modified" else "Pristine"
    out = dict(values)
    for name, copy in _copied_entries(prefix).items():
        try:
            fresh = copy(out.__getitem__)  # what half_cell_parameter_values put there
        except KeyError:  # an entry missing from the values: nothing to link to
            continue
        if name in out and _holds_copy(out[name], fresh):
            out[name] = copy(pybamm.Parameter)
    return out


# -- solving ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CurrentStep:
    """One constant-current step of a protocol (a rest when the current is zero).

    Attributes
    ----------
    current_A : float
        Cell current [A], PyBaMM's sign: positive on discharge (sodiation of NVP), negative on
        charge, zero at rest.
    max_duration_s : float
        Longest the step may last [s]; it normally ends earlier at a cut-off.
    lower_cutoff_V, upper_cutoff_V : float
        The step ends when the cell voltage reaches either [V].
    label : str
        ``"charge"``, ``"discharge"`` or ``"rest"``.
    cycle : int
        Cycle number (1-based) the step belongs to.
    c_rate : float
        C-rate of the step [h-1] (1 C = theoretical capacity in one hour).
    """

    current_A: float
    max_duration_s: float
    lower_cutoff_V: float = NO_LOWER_CUTOFF_V
    upper_cutoff_V: float = NO_UPPER_CUTOFF_V
    label: str = "rest"
    cycle: int = 0
    c_rate: float = 0.0


@dataclass
class StepRecord:
    """What one step did: duration, charge passed, how it ended, its time series and end state."""

    step: CurrentStep
    duration_s: float
    capacity_Ah: float
    termination: str  # "cut-off", "time" or "cut-off at start"
    time_s: np.ndarray
    voltage_V: np.ndarray
    end_state: dict[str, float] = field(default_factory=dict)
    #: The model's whole state vector at the step's end followed by the time [s] (empty for a
    #: step that did not run): where a run can be continued from (:meth:`HalfCellSolver.run`).
    end_vector: np.ndarray = field(default_factory=lambda: np.array([]))
    #: For a current step that reached its cut-off having passed less than
    #: :data:`SHORT_STEP_FRACTION` of the theoretical capacity: what lies between the cut-off
    #: and the bulk open-circuit voltage at the step's end (:data:`LOSS_TERMS`, [V], positive
    #: where it works against the current), plus ``"open-circuit voltage [V]"`` and
    #: ``"voltage [V]"`` and ``"SSE conductivity [S.m-1]"``; empty otherwise.
    losses: dict[str, float] = field(default_factory=dict)


# Variables read at the end of every step (fade states and the sodium inventory).
_STATE_VARIABLES = {
    "negative interphase thickness [m]": "Negative interphase thickness [m]",
    "positive interphase thickness [m]": "Positive interphase thickness [m]",
    "negative interphase resistance [Ohm.m2]": "Negative interphase resistance [Ohm.m2]",
    "positive interphase resistance [Ohm.m2]": "Positive interphase resistance [Ohm.m2]",
    "sodium in the cathode [mol]": "Total lithium in positive electrode [mol]",
    "sodium in the electrolyte [mol]": "Total lithium in electrolyte [mol]",
    "average stoichiometry [-]": "Average positive particle stoichiometry",
    "active material volume fraction [-]": "X-averaged positive electrode active material volume fraction",
    "sodium lost with active material [mol]": "Loss of lithium due to loss of active material in positive electrode [mol]",
}
#: A current step that ends at its cut-off having passed less than this fraction [-] of the
#: theoretical capacity has its losses at the cut-off decomposed (:attr:`StepRecord.losses`).
#: 5 %: the steps of the M-Na cell at the conditions of Fig. S31 (25 C) pass 72-97 % (the
#: lowest after 200 cycles at 1 C, 80 % at 2 C in the rate test), so the threshold is an order
#: of magnitude below any working step; a step that ends within 5 % was stopped by losses that
#: span the window between the OCV and the cut-off, not by the NVP running out of sodium sites.
SHORT_STEP_FRACTION = 0.05
#: The parts of ``V - U_bulk`` (cell voltage minus the NVP's bulk open-circuit voltage) at a
#: step's end: name -> (PyBaMM variables, signs), the part being the signed sum. PyBaMM's
#: half-cell voltage is U_surf + eta_r,p - eta_r,n + eta_e + Delta_phi_s - eta_contact (SPMe,
#: "Contact resistance [Ohm]" carrying both interphases here), and U_surf - U_bulk is what the
#: solid diffusion in the NVP adds; the parts sum to V - U_bulk.
LOSS_TERMS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "interphase resistances": (("Contact overpotential [V]",), (-1.0,)),
    "SSE ohmic drop": (("X-averaged battery electrolyte ohmic losses [V]",), (1.0,)),
    "salt concentration gradient in the SSE": (
        ("X-averaged battery concentration overpotential [V]",),
        (1.0,),
    ),
    "NVP charge transfer": (("X-averaged battery positive reaction overpotential [V]",), (1.0,)),
    "Na charge transfer": (("X-averaged battery negative reaction overpotential [V]",), (-1.0,)),
    "solid diffusion in the NVP": (
        ("Surface open-circuit voltage [V]", "Bulk open-circuit voltage [V]"),
        (1.0, -1.0),
    ),
    "electronic conduction": (("X-averaged battery solid phase ohmic losses [V]",), (1.0,)),
}
# A current step shorter than this [s] ended at its cut-off as soon as the current flowed: the cell
# can no longer charge or discharge within the window, and the protocol stops there.
MIN_STEP_DURATION_S = 1.0


@fill_doc
class HalfCellSolver:
    """The half-cell model, parameterised, discretised and set up once, stepped through protocols.

    Parameters
    ----------
    values : dict
        From :func:`half_cell_parameter_values`.
    %(anode)s
    var_pts : dict, optional
        Mesh points (default :data:`VAR_PTS`).
    rtol : float
        Relative tolerance of IDAKLU.
    """

    def __init__(
        self,
        values: Mapping[str, Any],
        anode: str,
        var_pts: Mapping[str, int] | None = None,
        rtol: float = RTOL,
    ):
        # The same model as a pybamm.Experiment runs; per step, the current and the cut-offs are
        # input parameters (one build for every step), and the events carry PyBaMM's
        # "[experiment]" tag so that the solver steps on after a cut-off, as in an experiment.
        model = half_cell_model(anode).new_copy()
        model.events = [
            pybamm.Event(f"{e.name} [experiment]", e.expression, e.event_type) for e in model.events
        ]
        pv = pybamm.ParameterValues(dict(values))
        # the SSE's conductivity at the cell's temperature, to name with its ohmic drop
        self._sse_conductivity_S_m = float(pv.evaluate(sse_conductivity()))
        pv.update(
            {
                "Current function [A]": pybamm.InputParameter("Current [A]"),
                "Lower voltage cut-off [V]": pybamm.InputParameter("Lower cut-off [V]"),
                "Upper voltage cut-off [V]": pybamm.InputParameter("Upper cut-off [V]"),
            }
        )
        sim = pybamm.Simulation(
            model,
            parameter_values=pv,
            solver=pybamm.IDAKLUSolver(rtol=rtol, atol=ATOL * rtol / RTOL),
            var_pts=dict(var_pts or VAR_PTS),
        )
        sim.build()
        self._model = sim.built_model
        self._solver = sim.solver
        self.anode = anode
        self.rtol = rtol
        self._eps0 = float(values["Positive electrode active material volume fraction"])
        # the fresh cell's open-circuit voltage, for the status of a window that excludes it
        self._fresh_stoichiometry = float(values["NVP initial stoichiometry [-]"])
        self._fresh_ocv_V = float(open_circuit_potential_V(self._fresh_stoichiometry, values))
        # 1 C is the theoretical capacity in one hour (half_cell_parameter_values)
        self._capacity_Ah = float(values["Nominal cell capacity [A.h]"])

    @property
    def state_size(self) -> int:
        """Length of the model's state vector [-] (:attr:`StepRecord.end_vector` adds the time)."""
        return int(self._model.len_rhs_and_alg)

    def state_slices(self) -> dict[str, list[slice]]:
        """Where each state variable lies in the state vector, by variable name."""
        return {var.name: list(sl) for var, sl in self._model.y_slices.items()}

    def start_at(self, end_vector: np.ndarray, step: CurrentStep) -> pybamm.Solution:
        """A solution of one point to start :meth:`run` from (e.g. an extrapolated state of cycle
        jumping).

        Parameters
        ----------
        end_vector : numpy.ndarray
            The model's state vector followed by its time [s], as in
            :attr:`StepRecord.end_vector`.
        step : CurrentStep
            The step that follows (its current and cut-offs are the solution's inputs).

        Returns
        -------
        pybamm.Solution
            One time point, the given state.
        """
        x = np.asarray(end_vector, float)
        return pybamm.Solution(
            [np.array([x[-1]])],
            [x[:-1, None]],
            [self._model],
            [self._inputs(step)],
            termination="final time",
        )

    def _inputs(self, step: CurrentStep) -> dict[str, float]:
        return {
            "Current [A]": step.current_A,
            "Lower cut-off [V]": step.lower_cutoff_V,
            "Upper cut-off [V]": step.upper_cutoff_V,
        }

    def _end_state(self, solution: pybamm.Solution) -> dict[str, float]:
        state = {key: float(solution[name].entries[-1]) for key, name in _STATE_VARIABLES.items()}
        state["active material remaining [-]"] = state["active material volume fraction [-]"] / (
            self._eps0
        )
        return state

    def _losses(self, solution: pybamm.Solution, step: CurrentStep) -> dict[str, float]:
        """The parts of the gap between the voltage and the bulk OCV at ``solution``'s end [V]
        (:data:`LOSS_TERMS`), positive where they work against ``step``'s current."""
        sign = 1.0 if step.current_A < 0 else -1.0  # charge: V above the OCV

        def last(name: str) -> float:
            return float(np.mean(solution[name].entries[..., -1]))

        out = {
            name: sign * sum(s * last(v) for v, s in zip(names, signs, strict=True))
            for name, (names, signs) in LOSS_TERMS.items()
        }
        out["open-circuit voltage [V]"] = last("Bulk open-circuit voltage [V]")
        out["voltage [V]"] = last("Voltage [V]")
        out["SSE conductivity [S.m-1]"] = self._sse_conductivity_S_m
        return out

    @fill_doc
    def run(
        self,
        steps: Sequence[CurrentStep],
        points_per_step: int = 40,
        start: pybamm.Solution | None = None,
        progress: Callable[[float], None] | None = None,
        next_rate: bool = False,
    ) -> tuple[list[StepRecord], str]:
        """Run ``steps`` back to back from the fresh cell (or from ``start``).

        Parameters
        ----------
        steps : sequence of CurrentStep
            The protocol's steps, in order.
        %(points_per_step)s
        start : pybamm.Solution, optional
            Where to start (:meth:`start_at`); default the fresh cell at t = 0.
        progress : callable, optional
            Called as ``progress(fraction)`` after each step with the fraction [-] of the steps
            run.
        next_rate : bool, optional
            A rate test's behaviour (default False: stop): when a step of a C-rate ends at its
            cut-off as soon as the current flows, the remaining steps of that C-rate pass no
            charge and the protocol goes on with the next C-rate from the cell's state, as a
            cycler moves to a step whose limit is already met; a later, lower C-rate can still
            run. Without it, the protocol stops there (one C-rate: every later step would end
            the same way).

        Returns
        -------
        records : list of StepRecord
            One per step run (a step passed over for its C-rate: no charge, ``"skipped"``).
        status : str
            ``"completed"``, or why the protocol stopped (a cut-off already reached when a
            current step starts: the cell can no longer charge or discharge); with
            ``next_rate``, ``"completed"`` followed by the C-rates the cell could not take.
        """
        solution = start
        records: list[StepRecord] = []
        passed_over: list[str] = []
        skip_current: float | None = None  # |current| [A] of the C-rate being passed over
        for k, step in enumerate(steps):
            if skip_current is not None and abs(step.current_A) == skip_current:
                records.append(StepRecord(step, 0.0, 0.0, "skipped", np.array([]), np.array([])))
                continue
            skip_current = None
            t_start = 0.0 if solution is None else float(solution.t[-1])
            t_rel = np.linspace(0.0, step.max_duration_s, max(points_per_step, 2))
            try:
                new = self._solver.step(
                    solution,
                    self._model,
                    step.max_duration_s,
                    t_eval=np.array([0.0, step.max_duration_s]),
                    t_interp=t_rel,
                    inputs=self._inputs(step),
                    save=False,
                )
            except pybamm.SolverError as exc:
                events = events_at_start(exc)
                if events:
                    # past a cut-off at the step's first instant. From the fresh cell: the limit
                    # the current drives towards means the current is too high (the drop alone
                    # spans the window), the other one a window that excludes the cell's voltage;
                    # later, the cell is exhausted
                    towards = "Minimum" if step.current_A > 0 else "Maximum"  # + on discharge
                    if solution is not None:
                        why = (
                            " (last voltage at rest or under the previous current "
                            f"{float(solution['Voltage [V]'].entries[-1]):.3f} V)"
                        )
                    elif f"{towards} voltage" in events:
                        why = (
                            " from the fresh cell: the C-rate is too high for this cell, its "
                            "ohmic and interfacial drop alone exceed the window"
                        )
                    else:
                        why = (
                            " from the fresh cell: its voltage lies outside the window; check "
                            "the cut-offs"
                        )
                    status = (
                        f"stopped at step {k + 1} ({step.label}, cycle {step.cycle}): the cell "
                        f"voltage is beyond the {step.lower_cutoff_V:g}-{step.upper_cutoff_V:g} V "
                        f"window as soon as the current flows{why}"
                    )
                    records.append(
                        StepRecord(step, 0.0, 0.0, "cut-off at start", np.array([]), np.array([]))
                    )
                    # a lower C-rate may still run, unless the fresh cell's voltage itself lies
                    # outside the window
                    if next_rate and (solution is not None or f"{towards} voltage" in events):
                        passed_over.append(_passed_over(step, k))
                        skip_current = abs(step.current_A)
                        continue
                    return records, status
                raise ConvergenceError(
                    f"The NVP half-cell solver failed at step {k + 1} ({step.label}, cycle "
                    f"{step.cycle}, {step.current_A:.4g} A): {exc}. Tried IDAKLU with "
                    f"rtol={self.rtol}; try a lower C-rate or a finer particle mesh."
                ) from None
            t = new["Time [s]"].entries
            sel = t >= t_start
            duration = float(t[-1] - t_start)
            term = str(new.termination)
            records.append(
                StepRecord(
                    step=step,
                    duration_s=duration,
                    capacity_Ah=abs(step.current_A) * duration / 3600,
                    termination="cut-off" if "voltage" in term.lower() else "time",
                    time_s=t[sel],
                    voltage_V=new["Voltage [V]"].entries[sel],
                    end_state=self._end_state(new),
                    end_vector=np.append(np.asarray(new.all_ys[-1][:, -1]).ravel(), new.t[-1]),
                )
            )
            rec = records[-1]
            if (
                step.current_A != 0
                and rec.termination == "cut-off"
                and rec.capacity_Ah < SHORT_STEP_FRACTION * self._capacity_Ah
            ):
                rec.losses = self._losses(new, step)
            if step.current_A != 0 and duration < MIN_STEP_DURATION_S:
                v = float(new["Voltage [V]"].entries[-1])
                window = f"{step.lower_cutoff_V:g}-{step.upper_cutoff_V:g} V"
                ocv = self._fresh_ocv_V
                if solution is None and not step.lower_cutoff_V < ocv < step.upper_cutoff_V:
                    # the fresh cell's own voltage lies outside the window (e.g. as-made
                    # Na3V2(PO4)3, stoichiometry 1, at 2.38 V below 2.5 V): it was never cycled
                    return records, (
                        f"stopped at step {k + 1} ({step.label}, cycle {step.cycle}): the voltage "
                        f"({v:.3f} V) reached the {window} cut-off as soon as the current flowed, "
                        f"from the fresh cell: its voltage lies outside the window; check the "
                        f"cut-offs (its open-circuit voltage is {ocv:.3f} V at NVP stoichiometry "
                        f"{self._fresh_stoichiometry:g}): start from a stoichiometry whose "
                        "voltage lies inside the window (the Lu 2019 set starts at 0.99, 2.77 V)"
                    )
                if next_rate:
                    passed_over.append(_passed_over(step, k))
                    skip_current = abs(step.current_A)
                    solution = new
                    continue
                if not any(r.capacity_Ah > 0 for r in records[:-1] if r.step.current_A != 0):
                    # no step has passed charge yet: the cell is as it was built, not worn out,
                    # and the current itself is what it cannot take
                    return records, (
                        f"stopped at step {k + 1} ({step.label}, cycle {step.cycle}): the cell "
                        f"cannot take {step.c_rate:g} C: the voltage jumped from the "
                        f"open-circuit {ocv:.3f} V past the {window} cut-off ({v:.3f} V) as soon "
                        "as the current flowed (the drop across the SSE and the interphases at "
                        "this current), so no cycle ran; try a lower C-rate, a thinner SSE or a "
                        "higher temperature"
                    )
                return records, (
                    f"stopped at step {k + 1} ({step.label}, cycle {step.cycle}): the voltage "
                    f"({v:.3f} V) reached the {window} cut-off as soon as the current flowed; the "
                    "cell can no longer be cycled"
                )
            if "stoichiometry" in term.lower():
                return records, (
                    f"stopped at step {k + 1} ({step.label}, cycle {step.cycle}): the NVP "
                    "stoichiometry left [0, 1]"
                )
            solution = new
            if progress is not None:
                progress((k + 1) / len(steps))
        if passed_over:
            return records, (
                f"completed; the cell could not take {', '.join(passed_over)}: each time the "
                "voltage reached a cut-off as soon as the current flowed, the steps of that "
                "C-rate passed no charge, and the test went on with the next C-rate"
            )
        return records, "completed"


def _passed_over(step: CurrentStep, k: int) -> str:
    """A rate test's C-rate whose step ``k`` could not run, for the status."""
    return f"{step.c_rate:g} C (from step {k + 1}, the {step.label} of cycle {step.cycle})"
