"""All-solid-state Na-CO2 cell as a PyBaMM model (Lu 2019, Fig. 5).

Na | anode interphase | SN-based SSE | integrated SSE/MWCNT cathode, reaction
4 Na+ + 3 CO2 + 4 e- <-> 2 Na2CO3 + C. Per unit cell area; the current density ``i`` is positive
on discharge. x runs through the cathode from the SSE (x = 0) to the gas side (x = L_c)
(macro-homogeneous model after Andrei 2010, Sahapatsombut 2013 and Jiang 2020; physics brief
section 1.2):

* **CO2** dissolved in the SSE phase, ``eps_acc dc/dt = d/dx(D_eff dc/dx) - (3/4F)(r_red -
  (1 - f_irr) r_ox)``, saturated (``c = H p_CO2``) at the gas side, no flux at the SSE side;
  ``D_eff = D (eps_open / eps_acc)^1.5`` (Bruggeman) as product fills the accessible volume.
* **Product** (1/2 Na2CO3 + 1/4 C per electron, molar volume ``V_p``; Faraday's law), live and
  dead: ``d eps_p/dt = V_p / F (r_red - (1 - f_irr) r_ox)`` for the total. A fraction ``f_irr``
  of the charge oxidises the SSE instead of the product; its decomposition products coat and
  isolate as much live product, which becomes dead carbonate: it stays, fills pores and
  passivates CNT sites for reduction, but offers no oxidation sites (physics brief 1.6).
* **Kinetics** on the CNT surface (``a0`` m2 per m3), one uniform overpotential ``eta`` (CNTs
  and the thin cathode conduct well: ohmic drops across it are ~1 mV), two irreversible
  branches that each vanish at equilibrium (the oxidation of Na2CO3 + C is a different, much
  slower path than CO2 reduction; physics brief 1.5)::

      r_red = a0 i0_red theta_red (c / c_ref) max(exp(-a_r f eta) - 1, 0)
      r_ox  = a0 i0_ox  theta_ox  max(exp(+a_o f eta) - 1, 0) g(eps_live)
      theta_red = (eps_open / eps_acc) exp(-eps_p / eps_pass)     pore filling x passivation
      theta_ox  = ((eps_live + eps_seed) / eps_acc)^(2/3)          live product surface (1.5)

  with ``C_dl a0 L_c d(eta)/dt = integral(r_red - r_ox) dx - i`` (double-layer charging of the
  CNT surface; in steady operation the reactions carry the current). ``r_red`` is first order
  in ``c`` itself: the sink vanishes at ``c = 0``, so ``c`` stays non-negative (to the solver's
  tolerance) and the rate smooth when the CO2 runs out. ``g`` (:func:`product_gate`) is 1
  unless the live product is nearly gone (below :data:`PRODUCT_EXHAUSTED_FRACTION` of the
  accessible volume), where the oxidation runs out with it: a charge of a product-free
  cathode (fresh, or its SSE side after a full discharge) only charges the double layer until
  the charge cut-off.
* **CO2 exhaustion**: a discharge faster than the gas side can supply (~10x the paper's rates:
  a 1000 Ohm load on 1 cm2) empties the cathode of CO2 within a minute; the reaction then
  sits in a thin layer at the gas side, which the product passivates, and ``eta`` falls. A
  current step ends at the voltage cut-off; a resistance step or a voltage hold runs to its
  end with the current dying out (a dead cathode). A power step ends by the event
  :data:`MAXIMUM_POWER_EVENT` when the cell nears its maximum power point: as ``eta`` falls
  the power the cell can deliver drops below the step's (at ``V ~ (E_eq + eta) / 2``, the
  ohmic drop taking the rest) and past it no current solves ``V I = P`` (IDA failed there
  with ``IDA_CONV_FAIL`` before). The event is given to PyBaMM's copy of the model for a
  power step (:meth:`NaCO2CellModel.check_well_posedness`) and to a model built with
  ``"operating mode": "power"``; PyBaMM's ``"unified"`` experiment mode does not get it.
* **Mesh**: the late part of such a run depends on ``var_pts`` because the gas-side reaction
  layer is under-resolved, not because the model is ill-posed; it converges as the mesh is
  refined. A 1000 Ohm load on 1 cm2 delivers 335.5, 331.7, 360.8, 371.2, 374.9 and 376.2 mC in
  10 minutes at 20, 40, 80, 160, 320 and 640 points (voltage at 240 s: 0.45, 0.34, 0.93,
  1.051, 1.060, 1.062 V); a current step of 1.7 mA reaches its cut-off at 114, 152, 175 and
  183 s at 20-160 points. What sets the mesh needed is the CO2 reaction length at the step's
  current (:func:`solidna.cells.na_co2.reaction_length_m`; 0.19 L_c for the load, 3.8 cells
  of the default mesh): about 10 cells across it keep a discharge's capacity within ~2 %, 30
  keep the late voltage of a load within 1 %. :class:`~solidna.cells.na_co2.NaCO2Cell` warns
  below 10; a plain ``pybamm.Simulation`` does not, so choose ``var_pts`` by that length
  (``var_pts={"x": 80}``: x is the coordinate through the cathode, as in the symmetric cell).
* **Anode**: the Na interphase submodel of the symmetric cell (``models.interphase``), Butler-
  Volmer plus film resistance, the film growing as the anode option dictates.
* **Cell voltage**: ``V = E_eq + eta - eta_a - i R_f(L_a) - i R_SSE`` with ``E_eq`` from
  :mod:`solidna.materials.thermo` (Nernst in p_CO2) and ``R_SSE = L_SSE / kappa``.
* **Temperature**: the cell runs at "Ambient temperature [K]" (an experiment step's
  ``temperature=``). Arrhenius factors from "Reference temperature [K]" on the CO2
  diffusivity, both cathode exchange currents and the SSE side reaction, whose share of the
  anodic charge is that of two competing rates,
  ``f_irr(T) = f A / (1 - f + f A)``, ``A = exp((E_side - E_ox)/R (1/T_ref - 1/T))``; the CO2
  solubility follows van 't Hoff, the SSE conductivity its effective-medium law and ``E_eq``
  its reaction entropy (:func:`na_co2_parameter_values` quotes them at "Temperature [K]",
  the model carries each to the ambient temperature); the anode's laws are the interphase
  submodel's.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import pybamm

from solidna.models.base import (
    CAPACITY_OPTIONS,
    ENERGY_OPTIONS,
    OPERATING_MODES,
    OneDomainModel,
    ambient_temperature,
    arrhenius,
    quoted_temperature,
    solve_schedule,
    sse_conductivity,
)
from solidna.models.interphase import ANODE_TYPES, GROWTH_OPTIONS, InterphaseSubmodel
from solidna.progress import Progress

__all__ = [
    "NaCO2CellModel",
    "MAX_CATHODIC_EXPONENT",
    "MAXIMUM_POWER_EVENT",
    "MAXIMUM_POWER_DROP_FRACTION",
    "PRODUCT_EXHAUSTED_FRACTION",
    "product_gate",
]

#: Live product volume, as a fraction of the accessible volume, below which its oxidation runs out
#: [-] (:func:`product_gate`): 1 ppm, ~2.3e-7 of the cathode's volume with the set's values, a
#: Na2CO3 layer of 4e-5 nm on the CNTs. Far below the live product oxidised in the charges of
#: the paper's 50 cycles at 200 mA/g and 1000 mAh/g (at least 1.6e-4 of the cathode's volume,
#: 700x this; 2.9e-4 at 50 mA/g): there the gate is exactly 1 and the runs are unchanged. At 400
#: and 500 mA/g the charge's end reaches the product-free SSE side of the cathode, where the
#: oxidation used to run on product that was not there (Fig. 5d's gap at 500 mA/g: 2.0796 ->
#: 2.0789 V at the same parameters; the cathode was recalibrated with the gate: oxidation
#: exchange current +1.2 %, the gap back to 2.0796 V).
PRODUCT_EXHAUSTED_FRACTION = 1e-6

#: Cap of the CO2 reduction's exponent ``-a_r F eta / (R T)`` [-]: exp(100) ~ 3e43, finite, is
#: reached only at eta = -5.1 V (25 C, the set's a_r = 0.5), a cell voltage below -2.5 V: far
#: past the cut-offs of any run (the set's lowest is 0.5 V; an experiment relaxes it by 1 V).
MAX_CATHODIC_EXPONENT = 100.0


def product_gate(eps_live: pybamm.Symbol, eps_acc: pybamm.Symbol) -> pybamm.Symbol:
    """Share of the oxidation rate that the live product can still feed [-].

    ``g = 1 - (1 - min(y, 1))^2`` with ``y = eps_live / (PRODUCT_EXHAUSTED_FRACTION eps_acc)``:
    exactly 1 above the threshold (so runs that never get there are unchanged), smooth across
    it (slope 0 on both sides: no kink for IDA's Newton iterations, which straddled the CO2
    rate's kink, see ``r_red``), and ``2 y`` near ``y = 0``: the live product decays to 0 at a
    finite rate and an undershoot of the integrator below 0 is pulled back (``g < 0``).

    Parameters
    ----------
    eps_live : pybamm.Symbol
        Live product volume fraction [-].
    eps_acc : pybamm.Symbol
        Accessible volume fraction of the cathode [-].

    Returns
    -------
    pybamm.Symbol
        The gate [-], at most 1.
    """
    y = pybamm.minimum(eps_live / (PRODUCT_EXHAUSTED_FRACTION * eps_acc), 1)
    return 1 - (1 - y) ** 2


class NaCO2CellModel(OneDomainModel):
    """PyBaMM model of the all-solid-state Na-CO2 cell.

    PyBaMM's conventions (:mod:`solidna.models.base`): a positive current is a discharge
    (CO2 reduction) and lowers ``"Voltage [V]"``; the current comes from PyBaMM's external
    circuit, so ``pybamm.Experiment`` steps (currents, rests, voltage holds, cut-offs) run as for
    PyBaMM's own models.

    Parameters
    ----------
    options : dict, optional
        ``"anode"``: ``"modified"`` (M-Na, default) or ``"pristine"``; ``"operating mode"``:
        ``"current"`` (default), ``"voltage"``, ``"power"`` or ``"resistance"``;
        ``"capacity"``: ``"integrated"`` (default) or ``"none"`` and ``"calculate discharge
        energy"``: ``"false"`` (default) or ``"true"`` (see
        :class:`~solidna.models.base.OneDomainModel`); ``"interphase growth"``: ``"time"``
        (default) or ``"time and charge"`` (:mod:`solidna.models.interphase`).
    """

    # "x", as the symmetric cell's and PyBaMM's own through-cell coordinate: PyBaMM reads a
    # var_pts key given as a string among its standard spatial variables only, so with "x_c"
    # neither var_pts={"x_c": 40} (AttributeError) nor {"x": 40} (KeyError "Points not given
    # for variable 'x_c'") refined the mesh; only the variable object itself did
    DOMAIN, X_NAME, LENGTH_PARAMETER = "cathode", "x", "Cathode thickness [m]"
    CELL = "na-co2"
    INITIAL_STATE = (
        "'Initial product volume fraction [-]' (the discharge product already in the cathode) "
        "and 'Initial anode interphase thickness [m]' in the parameter values"
    )
    DEFAULT_NAME = "Na-CO2 cell"
    OPTIONS = {
        "anode": ANODE_TYPES,
        "operating mode": tuple(OPERATING_MODES),
        "capacity": CAPACITY_OPTIONS,
        "calculate discharge energy": ENERGY_OPTIONS,
        "interphase growth": GROWTH_OPTIONS,
    }
    # the cathode double layer is a state (differential); the anode's charge transfer is
    # algebraic: "surface form" is fixed and stated for PyBaMM (EISSimulation reads it)
    DEFAULT_OPTIONS = {
        "anode": "modified",
        "operating mode": "current",
        "surface form": "differential",
        "interphase growth": "time",
    }
    # the CO2 and discharge-product profiles across the cathode, its overpotential and the
    # anode's film
    STATE_PLOT_VARIABLES = (
        "CO2 concentration [mol.m-3]",
        ("Product volume fraction [-]", "Dead product volume fraction [-]"),
        "Cathode overpotential [V]",
        "Anode interphase thickness [m]",
    )

    def _build(self) -> None:
        F = pybamm.constants.F
        R = pybamm.constants.R
        T = ambient_temperature()
        T_q = quoted_temperature()
        f = F / (R * T)
        P = pybamm.Parameter

        area = self.param.A_cc
        variables = self._circuit_variables()  # PyBaMM's external circuit
        i = variables["Current [A]"] / area

        # ---- cathode -------------------------------------------------------------------------
        x = self.spatial_variable()
        eps_acc = P("Cathode accessible volume fraction [-]")
        a0 = P("Cathode specific CNT area [m-1]")
        # van 't Hoff from the quoted temperature (d ln H / d(1/T) = -dH_sol / R)
        c_sat = P("Saturated CO2 concentration [mol.m-3]") * pybamm.exp(
            -P("CO2 dissolution enthalpy [J.mol-1]") / R * (1 / T - 1 / T_q)
        )
        c_ref = P("Reference CO2 concentration [mol.m-3]")
        D = P("CO2 diffusivity in SSE [m2.s-1]") * arrhenius(
            "CO2 diffusivity activation energy [J.mol-1]"
        )
        v_p = P("Product molar volume per electron [m3.mol-1]")
        # the SSE side reaction competes with the oxidation of the product for the anodic charge
        f_ref = P("Irreversible charge fraction [-]")
        side_over_ox = arrhenius("SSE side-reaction activation energy [J.mol-1]") / arrhenius(
            "Cathode oxidation activation energy [J.mol-1]"
        )
        f_irr = f_ref * side_over_ox / (1 - f_ref + f_ref * side_over_ox)
        eps_pass = P("Product passivation volume fraction [-]")
        eps_seed = P("Oxidation nucleation fraction [-]") * eps_acc
        i0_red = P("Cathode reduction exchange-current density [A.m-2]") * arrhenius(
            "Cathode reduction activation energy [J.mol-1]"
        )
        i0_ox = P("Cathode oxidation exchange-current density [A.m-2]") * arrhenius(
            "Cathode oxidation activation energy [J.mol-1]"
        )
        a_r = P("Cathode reduction transfer coefficient [-]")
        a_o = P("Cathode oxidation transfer coefficient [-]")

        eps_live = pybamm.Variable("Live product volume fraction [-]", domain="cathode", scale=0.01)
        eps_dead = pybamm.Variable("Dead product volume fraction [-]", domain="cathode", scale=0.01)
        # Scaled by the saturation at "Initial temperature [K]" (the set's temperature, or the
        # first step's of an experiment), not at the ambient temperature: PyBaMM maps the end
        # state of one step to the start of the next through the variables' scales, compiled
        # with the earlier step's inputs only, and the rest it pads between an experiment's
        # start times takes "Ambient temperature [K]" as an input, so a scale of the ambient
        # temperature failed every experiment with start times (KeyError "Input parameter
        # 'Ambient temperature [K]' not found"). Where the cell starts at the ambient
        # temperature (the cells' runs, an experiment at one temperature) the two scales are
        # the same number.
        c_scale = P("Saturated CO2 concentration [mol.m-3]") * pybamm.exp(
            -P("CO2 dissolution enthalpy [J.mol-1]")
            / R
            * (1 / P("Initial temperature [K]") - 1 / T_q)
        )
        c = pybamm.Variable("CO2 concentration [mol.m-3]", domain="cathode", scale=c_scale)
        eta = pybamm.Variable("Cathode overpotential [V]", scale=0.1)

        eps_p = eps_live + eps_dead
        eps_open = pybamm.maximum(eps_acc - eps_p, 1e-3 * eps_acc)
        theta_red = eps_open / eps_acc * pybamm.exp(-eps_p / eps_pass)
        live_pos = pybamm.maximum(eps_live, 0)
        theta_ox = ((live_pos + eps_seed) / eps_acc) ** (2 / 3)
        # First order in c itself, not in max(c, 0): a sink k c keeps c >= 0 on its own (it
        # vanishes at c = 0) and pulls any undershoot of the integrator back at the same rate k.
        # Clamped, an undershoot was trapped (no sink below 0; diffusion needs L_c^2/D ~ 2000 s)
        # and dr/dc jumped from k to 0 at c = 0. Once the CO2 is exhausted and the reaction
        # sits in a thin layer at the gas side, k reaches 1e9-1e12 s-1 (eta ~ -1 V); IDA's Newton
        # iterations then straddled the kink: a 1000 Ohm load took 26 s to solve 3 minutes
        # (steps of 3e-5 s) and a 1.2 V hold 290 s for 10 minutes, both ~0.2 s now.
        # The cathodic exponent is capped at MAX_CATHODIC_EXPONENT (eta = -5.1 V at 25 C, a cell
        # voltage below -2.5 V): a discharge held on past its cut-off once the CO2 is exhausted
        # only charges the double layer, eta falls without bound (-18 V 33 minutes into a
        # 0.5 mA/cm2 step) and exp(-a_r f eta) overflowed: a non-finite rate, CVODES's
        # "CV_REPTD_RHSFUNC_ERR".
        # PyBaMM's CasadiSolver in mode "fast with events" integrates a window past a cut-off
        # before it locates the event, so "Discharge at 0.5 mA for 5 hours or until 1.8 V"
        # failed there (IDAKLU and "safe" stop at the event). Above the cap the expression is
        # the same, so every run that stops at a cut-off is unchanged.
        cathodic = pybamm.exp(pybamm.minimum(-a_r * f * eta, MAX_CATHODIC_EXPONENT))
        r_red = a0 * i0_red * theta_red * c / c_ref * pybamm.maximum(cathodic - 1, 0)
        # The oxidation needs live product to oxidise: it runs out with it (product_gate). The
        # seed's surface alone kept it going: a charge after a full discharge ran on at the
        # product-free SSE side of the cathode, driving the live product negative (-0.155 of
        # the volume after 60 h at 200 mA/g, 2.2x the discharge's charge "returned"; -9e-4 in
        # Fig. 5d's charges at 500 mA/g) and a fresh cell's charge oxidised product that was
        # never there.
        r_ox = (
            a0
            * i0_ox
            * theta_ox
            * pybamm.maximum(pybamm.exp(a_o * f * eta) - 1, 0)
            * product_gate(eps_live, eps_acc)
        )
        # Of the anodic current, (1 - f_irr) oxidises live product and f_irr oxidises the SSE;
        # the SSE's oxidation products coat and isolate live product ("dead carbonate"), the
        # same volume per charge, while live product is left to isolate.
        isolate = f_irr * r_ox * live_pos / (live_pos + eps_seed)
        net = r_red - (1 - f_irr) * r_ox  # CO2-consuming (+) or releasing (-) reaction

        self.rhs[eps_live] = v_p / F * (net - isolate)
        self.rhs[eps_dead] = v_p / F * isolate
        self.initial_conditions[eps_live] = P("Initial product volume fraction [-]")
        self.initial_conditions[eps_dead] = pybamm.Scalar(0)

        d_eff = D * (eps_open / eps_acc) ** 1.5
        diffusion = pybamm.div(d_eff * pybamm.grad(c))
        self.rhs[c] = (diffusion - 0.75 * net / F) / eps_acc
        self.boundary_conditions[c] = {
            "left": (pybamm.Scalar(0), "Neumann"),
            "right": (c_sat, "Dirichlet"),
        }
        self.initial_conditions[c] = c_sat

        # Double-layer charging of the CNT surface: the uniform overpotential is a state. This
        # is physical (tens of F per m2 of cell) and keeps the current switches of cycling
        # smooth for the solver: an algebraic eta would have to jump across the kink at 0.
        c_dl = P("Double-layer capacitance [F.m-2]") * a0 * P("Cathode thickness [m]")
        total = pybamm.Integral(r_red - r_ox, x)
        self.rhs[eta] = (total - i) / c_dl
        self.initial_conditions[eta] = pybamm.Scalar(0)

        # ---- anode and separator --------------------------------------------------------------
        film = InterphaseSubmodel(
            self.cell_options["anode"], self.cell_options["interphase growth"]
        )
        L_a = film.variable("Anode")
        self.rhs[L_a] = film.growth_rate(L_a, i)
        self.initial_conditions[L_a] = P("Initial anode interphase thickness [m]")
        eta_a = 2 / f * pybamm.arcsinh(i / (2 * film.exchange_current))
        v_anode = eta_a + i * film.resistance(L_a)
        r_sse = P("SSE thickness [m]") / sse_conductivity()
        e_eq = P("Equilibrium voltage [V]") + P(
            "Equilibrium voltage temperature coefficient [V.K-1]"
        ) * (T - T_q)
        voltage = e_eq + eta - v_anode - i * r_sse
        # The cell's differential resistance at its present state [Ohm.m2] (the anode's charge
        # transfer, d/di (2/f) asinh(i / 2 i0) = (2/f) / sqrt(4 i0^2 + i^2), its film and the
        # SSE; eta is a state), and the slope of the delivered power, d(V I)/dI = (V - i R_diff)
        # A, here per area as a voltage: it falls to 0 at the cell's maximum power point.
        r_diff = 2 / f / pybamm.sqrt(4 * film.exchange_current**2 + i**2)
        r_diff = r_diff + film.resistance(L_a) + r_sse
        power_slope = voltage - i * r_diff

        m_cnt = P("MWCNT loading [kg.m-2]")
        co2_per_area = pybamm.Integral(c, x) * eps_acc
        variables.update(
            {
                "Current density [A.m-2]": i,
                "Current per CNT mass [mA.g-1]": i / m_cnt,
                "Cathode overpotential [V]": eta,
                "Anode overpotential [V]": v_anode,
                "Anode interphase thickness [m]": L_a,
                "Product volume fraction [-]": eps_p,
                "Dead product volume fraction [-]": eps_dead,
                "Open volume fraction [-]": eps_open / eps_acc,
                "Reduction active fraction [-]": theta_red,
                "CO2 concentration [mol.m-3]": c,
                "Product volume per area [m]": pybamm.Integral(eps_p, x),
                # dissolved in the cathode's SSE phase, per cell area; the summary variable
                # (PyBaMM names its change "Change in " + the name with its first letter in
                # lower case: "CO2 per area", the older name kept here, became "cO2 per area")
                "Dissolved CO2 per area [mol.m-2]": co2_per_area,
                "CO2 per area [mol.m-2]": co2_per_area,
                # outward diffusive flux -D_eff dc/dx at x = L_c (negative when CO2 flows in),
                # as the discretised equation for c has it: no flux enters at x = 0, so the
                # integral of the divergence is the flux at the gas side (the finite volumes'
                # face fluxes cancel in pairs). Read from the boundary gradient and an
                # extrapolated D_eff, the flux missed the CO2 balance of the model's own states
                # by 0.43 % of the inflow on the default mesh (a 10-minute 1 C discharge; a
                # second-order error: 0.11 % at 40 points)
                "CO2 flux at gas side [mol.m-2.s-1]": -pybamm.Integral(diffusion, x),
                "x [m]": x,
                "x_c [m]": x,  # the older name
                "Differential resistance [Ohm.m2]": r_diff,
                "Power slope [V]": power_slope,
            }
        )
        self._finish(
            variables,
            voltage,
            summary=[
                "Anode interphase thickness [m]",
                "Product volume per area [m]",
                "Dissolved CO2 per area [mol.m-2]",
            ],
        )
        self.events = [
            pybamm.Event("Minimum voltage [V]", voltage - P("Lower voltage cut-off [V]")),
            pybamm.Event("Maximum voltage [V]", P("Upper voltage cut-off [V]") - voltage),
        ]
        if self.cell_options["operating mode"] == "power":
            self.events.append(_maximum_power_event(power_slope, voltage))

    def check_well_posedness(self, post_discretisation: bool = False) -> None:
        """PyBaMM's checks (:meth:`OneDomainModel.check_well_posedness`), after giving the copy
        of the model that PyBaMM makes for an experiment's power step the event
        :data:`MAXIMUM_POWER_EVENT`.

        PyBaMM puts a step's control law on a copy of the model and never reads the
        ``"operating mode"`` option there; ``pybamm.Discretisation.process_model`` calls this
        method on each copy after the parameters are set and before the events are discretised
        (:mod:`solidna.models.base`), so an event added here is solved with the step. Only a
        copy whose current is driven by a power law gets it: a current or resistance step
        past the maximum power point is well posed (the voltage just falls to its cut-off).
        PyBaMM's ``"unified"`` experiment mode switches one copy between the steps' laws; it
        is left without the event (it would stop the current steps too).

        Parameters
        ----------
        post_discretisation : bool, optional
            Passed on to PyBaMM (``pybamm.BaseModel.check_well_posedness``); the event is
            added before the discretisation only.
        """
        super().check_well_posedness(post_discretisation)
        values = self.symbol_processor.parameter_values
        if not post_discretisation:
            _check_accessible_fraction(values)
        if post_discretisation or any(e.name == MAXIMUM_POWER_EVENT for e in self.events):
            return
        if not (self._holds_control("power") and _is_power_step_copy(values)):
            return
        event = _maximum_power_event(
            self.variables["Power slope [V]"], self.variables["Voltage [V]"]
        )
        if self.is_parameterised and values is not None:
            event = pybamm.Event(event.name, values.process_symbol(event.expression))
        # a new list: one extended in place could be shared with the model it was copied from
        self.events = [*self.events, event]


def _check_accessible_fraction(values: pybamm.ParameterValues | None) -> None:
    """Refuse a CO2 pressure of zero or less, and values whose accessible volume fraction is
    outside (0, 1), as :func:`na_co2_parameter_values` does: it is an expression of the CNT
    loading and the cathode thickness (:func:`solidna.models.solve.link_derived_values`), so an
    edit of either can take it there (a loading whose product would not fit in the cathode). Not
    checked where it depends on an input parameter."""
    if values is None:
        return
    # the CO2 pressure enters the equilibrium voltage as ln p (linked: derived_value_expressions):
    # zero or less would reach the solver as a NaN
    pressure = "CO2 partial pressure [bar]"
    p_bar = values.get(pressure) if pressure in values.keys() else None
    if isinstance(p_bar, numbers.Real) and not p_bar > 0:
        from solidna.errors import OutOfRangeError

        raise OutOfRangeError(
            f"'{pressure}' is {p_bar!r}; it must be above 0 bar (the cell's CO2, e.g. 1 bar)."
        )
    name = "Cathode accessible volume fraction [-]"
    if name not in values.keys():
        return
    try:
        eps_acc = float(values.evaluate(pybamm.Parameter(name)))
    except (ValueError, TypeError, KeyError):  # an input parameter: known at solve time only
        return
    if not 0 < eps_acc < 1:
        from solidna.errors import OutOfRangeError

        raise OutOfRangeError(
            f"The accessible product volume ('Cathode accessible volume per CNT mass "
            f"[m3.kg-1]' x 'MWCNT loading [kg.m-2]') must fit in the cathode ('Cathode thickness "
            f"[m]'): volume fraction {eps_acc:.3g} is outside (0, 1). Lower the loading or "
            "thicken the cathode."
        )


#: The event that ends a power step at the cell's maximum power point.
MAXIMUM_POWER_EVENT = "Maximum power point [V]"
#: Share of the terminal voltage ``V`` that the drop inside the cell, ``i R_diff``, may reach in
#: a power step before :data:`MAXIMUM_POWER_EVENT` ends it [-]. The fold itself (``i R_diff =
#: V``: no current solves ``V I = P`` past it) cannot be located: the current's slope diverges
#: like ``1/sqrt(t_fold - t)`` and no step of IDA can cross it (a 2.8 mW step on the fresh 1 cm2
#: cell failed with IDA_CONV_FAIL 0.05 s past the last step, the slope still 0.13 V). At 0.9 the
#: power is ``4 x / (1 + x)^2`` = 99.7 % of the most the cell can deliver in its state
#: (Thevenin tangent, ``x = i R_diff / V``). 0.8 and 0.95 end the same steps too.
MAXIMUM_POWER_DROP_FRACTION = 0.9


def _maximum_power_event(power_slope: pybamm.Symbol, voltage: pybamm.Symbol) -> pybamm.Event:
    """The event :data:`MAXIMUM_POWER_EVENT`: ``d(V I)/dI`` (per area, as a voltage: the
    model's ``"Power slope [V]"``, ``V - i R_diff``) down to ``(1 - x) V``, ``x`` =
    :data:`MAXIMUM_POWER_DROP_FRACTION`."""
    return pybamm.Event(
        MAXIMUM_POWER_EVENT, power_slope - (1 - MAXIMUM_POWER_DROP_FRACTION) * voltage
    )


def _is_power_step_copy(values: pybamm.ParameterValues | None) -> bool:
    """Whether the parameter values are those of a power step's own copy of the model: PyBaMM's
    ``Power.get_parameter_values`` sets ``"Power function [W]"`` there (its default
    ``"legacy"`` experiment mode); the ``"unified"`` model reads its targets from an input and
    has no such entry."""
    return values is not None and "Power function [W]" in values.keys()


# ------------------------------------------------------------------------------------------------
# parameter values and solver
# ------------------------------------------------------------------------------------------------
def na_co2_parameter_values(
    parameters, anode: str, anode_thickness_m: float | None = None
) -> dict[str, float]:
    """Numeric parameter values of the Na-CO2 model from a :class:`ParameterSet`.

    Derived: accessible volume fraction and CNT area per cathode volume (from the loading and
    thickness), CO2 saturation (Henry, van 't Hoff in T), product molar volume and equilibrium voltage
    (:mod:`solidna.materials.thermo`), SSE conductivity (:mod:`solidna.materials.electrolyte`).
    """
    from solidna.materials import thermo
    from solidna.models.solve import electrolyte_values, pybamm_circuit_values

    v = dict(parameters)
    T = v["Temperature [K]"]
    m = v["MWCNT loading [kg.m-2]"]
    L_c = v["Cathode thickness [m]"]
    eps_acc = v["Cathode accessible volume per CNT mass [m3.kg-1]"] * m / L_c
    if not 0 < eps_acc < 1:
        from solidna.errors import OutOfRangeError

        raise OutOfRangeError(
            f"The accessible product volume ({v['Cathode accessible volume per CNT mass [m3.kg-1]']:.3g} "
            f"m3/kg x {m:.3g} kg/m2) must fit in the cathode ({L_c:.3g} m): volume fraction "
            f"{eps_acc:.3g} is outside (0, 1). Lower the loading or thicken the cathode."
        )
    v.update(electrolyte_values(parameters))
    h_ref = v["CO2 solubility in SSE [mol.m-3.bar-1]"]
    # van 't Hoff: d ln H / d(1/T) = -dH_sol / R (dissolution is exothermic: less CO2 when warm)
    h = h_ref * math.exp(
        -v["CO2 dissolution enthalpy [J.mol-1]"]
        / thermo.R
        * (1 / T - 1 / v["Reference temperature [K]"])
    )
    prefix = "Modified" if anode == "modified" else "Pristine"
    v.update(
        {
            "Cathode accessible volume fraction [-]": eps_acc,
            "Cathode specific CNT area [m-1]": v["MWCNT specific surface area [m2.kg-1]"] * m / L_c,
            "Saturated CO2 concentration [mol.m-3]": h * v["CO2 partial pressure [bar]"],
            # the kinetics' reference: saturation at 1 bar and the reference temperature
            "Reference CO2 concentration [mol.m-3]": h_ref * 1.0,
            "Product molar volume per electron [m3.mol-1]": thermo.product_molar_volume_m3_mol(v),
            "Equilibrium voltage [V]": thermo.equilibrium_potential_V(
                T, v["CO2 partial pressure [bar]"], v
            ),
            "Equilibrium voltage temperature coefficient [V.K-1]": (
                thermo.equilibrium_potential_temperature_coefficient_V_K(
                    v["CO2 partial pressure [bar]"], v
                )
            ),
            **pybamm_circuit_values(v),
            # the temperature the cell starts at (PyBaMM's name; an experiment sets it to its
            # first step's temperature): the scale of the CO2 concentration
            "Initial temperature [K]": T,
            "Initial product volume fraction [-]": 0.0,
            "Initial anode interphase thickness [m]": (
                anode_thickness_m
                if anode_thickness_m is not None
                else v[f"{prefix} interphase initial thickness [m]"]
            ),
            "Lower voltage cut-off [V]": 0.5,
            "Upper voltage cut-off [V]": v["SSE anodic stability limit [V]"],
        }
    )
    return v


def derived_value_expressions() -> dict[str, pybamm.Symbol]:
    """The Na-CO2 values that :func:`na_co2_parameter_values` derives from other entries, each as
    the PyBaMM expression of the entries it is derived from.

    The same laws as the numbers (and :mod:`solidna.materials.thermo`'s gas and Faraday
    constants, so the expressions give the same numbers): Henry's law with van 't Hoff from
    "Reference temperature [K]" to "Temperature [K]" (the values' quoting temperature) for the
    CO2 saturation; Nernst in the CO2 pressure and the reaction entropy for the equilibrium
    voltage and its temperature coefficient; the loading over the cathode thickness for the
    accessible volume fraction and the CNT area; the molar masses over the densities for the
    product's molar volume.

    Returns
    -------
    dict
        PyBaMM name -> ``pybamm.Symbol`` of ``pybamm.Parameter``s of the set's entries.
    """
    from solidna.materials import thermo

    P = pybamm.Parameter
    R, F = pybamm.Scalar(thermo.R), pybamm.Scalar(thermo.F)
    n = thermo.N_ELECTRONS
    T = quoted_temperature()
    p = P("CO2 partial pressure [bar]")
    h_ref = P("CO2 solubility in SSE [mol.m-3.bar-1]")
    h = h_ref * pybamm.exp(
        -P("CO2 dissolution enthalpy [J.mol-1]") / R * (1 / T - 1 / P("Reference temperature [K]"))
    )
    gibbs = 2 * P("Na2CO3 standard Gibbs energy of formation [J.mol-1]") - 3 * P(
        "CO2 standard Gibbs energy of formation [J.mol-1]"
    )
    entropy = (
        2 * P("Na2CO3 standard molar entropy [J.mol-1.K-1]")
        + P("Graphite standard molar entropy [J.mol-1.K-1]")
        - 4 * P("Na standard molar entropy [J.mol-1.K-1]")
        - 3 * P("CO2 standard molar entropy [J.mol-1.K-1]")
    )
    standard = -gibbs / (n * F) + entropy / (n * F) * (T - thermo.T_STD)
    m_per_l = P("MWCNT loading [kg.m-2]") / P("Cathode thickness [m]")
    return {
        "Cathode accessible volume fraction [-]": (
            P("Cathode accessible volume per CNT mass [m3.kg-1]") * m_per_l
        ),
        "Cathode specific CNT area [m-1]": P("MWCNT specific surface area [m2.kg-1]") * m_per_l,
        "Saturated CO2 concentration [mol.m-3]": h * p,
        "Reference CO2 concentration [mol.m-3]": h_ref * 1.0,
        "Product molar volume per electron [m3.mol-1]": (
            0.5 * P("Na2CO3 molar mass [kg.mol-1]") / P("Na2CO3 density [kg.m-3]")
            + 0.25 * P("Carbon molar mass [kg.mol-1]") / P("Carbon product density [kg.m-3]")
        ),
        "Equilibrium voltage [V]": standard + 3 * R * T / (4 * F) * pybamm.log(p),
        "Equilibrium voltage temperature coefficient [V.K-1]": (
            entropy / (n * F) + 3 * R / (4 * F) * pybamm.log(p)
        ),
    }


#: Relative and absolute tolerances of IDAKLU for every Na-CO2 solve (full and cycle-jumped).
RTOL = 1e-6
ATOL = 1e-9

#: Output points just after each current switch, as fractions of the half cycle [-]. After a
#: switch the voltage crosses between the discharge and charge plateaus (~2.3 V <-> ~4.1 V,
#: Fig. 5e) while the CNTs' double layer recharges: between ~0.02 % and ~1.2 % of a 1000 mAh/g
#: half cycle at any current (the double layer's charge is a fixed share of the half cycle's).
#: Without these points that swing is drawn as a straight line to the first regular point (2 %).
#: Geometric, ratio ~1.6: each point moves the voltage by a similar step.
EARLY_OUTPUT_FRACTIONS = (
    2e-4,
    3.2e-4,
    5.3e-4,
    8.5e-4,
    1.4e-3,
    2.2e-3,
    3.6e-3,
    5.8e-3,
    9.4e-3,
    1.5e-2,
)


def schedule_model(anode: str) -> NaCO2CellModel:
    """The Na-CO2 model for a long current schedule: our schedules count charge themselves, so
    without the capacity states (see OneDomainModel)."""
    return NaCO2CellModel({"anode": anode, "capacity": "none"})


def solver() -> pybamm.IDAKLUSolver:
    """The solver of every Na-CO2 solve (:data:`RTOL`, :data:`ATOL`)."""
    return pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL)


def solve_na_co2(
    values: dict[str, float],
    anode: str,
    segments,
    lower_cutoff_V: float,
    upper_cutoff_V: float,
    variables: tuple[str, ...] = ("Voltage [V]", "Current density [A.m-2]"),
    var_pts: int = 20,
    points_per_half_cycle: int = 24,
    progress: Progress | None = None,
    message: Callable[[float], str] | None = None,
) -> dict:
    """Solve the Na-CO2 cell under a current schedule (positive = discharge) until the end of the
    schedule or a voltage cut-off. Returns ``"Time [s]"``, the variables, ``"termination"`` and
    ``"final anode thickness [m]"``; with ``progress``, a long run reports its progress as it
    solves (``message(t)`` for the simulated time ``t`` [s] reached; see
    :func:`~solidna.models.base.solve_schedule`).

    The record holds the end and the start of every constant-current interval, as a cycler's
    does (``switch_samples`` of :func:`~solidna.models.base.solve_schedule`), so that its
    capacities integrate to the schedule's (1000 mAh/g per half cycle of Fig. 5e, not 999.999)."""
    pv = pybamm.ParameterValues(dict(values))
    pv["Lower voltage cut-off [V]"] = lower_cutoff_V
    pv["Upper voltage cut-off [V]"] = upper_cutoff_V
    sol, out = solve_schedule(
        schedule_model(anode),
        pv,
        segments,
        variables,
        var_pts,
        points_per_half_cycle,
        solver(),
        f"The Na-CO2 solver failed ({{exc}}). Tried IDAKLU (rtol {RTOL:g}); check the current "
        "(mA/g) and the cut-offs.",
        early=EARLY_OUTPUT_FRACTIONS,
        switch_samples=True,
        progress=progress,
        message=message,
    )
    out["final anode thickness [m]"] = float(sol["Anode interphase thickness [m]"].entries[-1])
    return out
