"""Na|SSE|Na symmetric cell as a PyBaMM model (Lu 2019, Fig. 4).

PyBaMM's sign convention, as for its battery models: a positive current is a discharge and
lowers ``"Voltage [V]"``. The left electrode (x = 0, the side of PyBaMM's negative electrode) is
the one a **discharge strips**: a positive current density ``i`` strips Na at the left and plates
it at the right, and ``V = phi_right - phi_left`` is then negative. (The cell API,
:class:`solidna.cells.SymmetricCell`, reports the working-electrode voltage
``"Working-electrode voltage [V]" = phi_left - phi_right = -V``, positive while the left
electrode is stripped, as a potentiostat with its working lead on the left does.)

Per unit area (physics brief section 3, 5; Newman & Thomas-Alyea ch. 12)::

    -V = (eta_L + v_L) - (eta_R + v_R) + i R_b + (2RT/F)(1 - t+) ln(c(0) / c(L_sse))

* ``eta_L/R``: Butler-Volmer overpotentials, ``i_F = i0 sqrt(c/c0) (exp((1-a) f eta) -
  exp(-a f eta))``, with double-layer charging ``i = i_F + C_dl d(eta)/dt`` (``"surface form":
  "differential"``) or ``i = i_F`` (``"algebraic"``, the default for long runs);
* ``v_L/R``: voltage across each interphase film (``InterphaseSubmodel``), ``C_f dv/dt = i -
  v/R_f`` or ``v = i R_f``;
* ``R_b``: bulk resistance of the SSE ``(L_sse - 2 L_deg)/kappa + 2 L_deg/(r_deg kappa)`` (the
  degraded zones exist only next to pristine Na);
* ``c(x, t)``: salt concentration across the SSE, ``dc/dt = D d2c/dx2`` with ``-D dc/dx =
  (1 - t+) i / F`` at both faces (binary electrolyte, thermodynamic factor 1);
* the interphase thicknesses grow as the anode and ``"interphase growth"`` options dictate;
* temperature: "Ambient temperature [K]" (an experiment step's ``temperature=``) enters f = F/RT,
  the Arrhenius factors of the interphase submodel (exchange current, film resistivity, growth)
  and the SSE conductivity and salt diffusivity, which the parameter export quotes at
  "Temperature [K]" (:mod:`solidna.models.solve`) with their law to another temperature.

Operating modes are PyBaMM's (:mod:`solidna.models.base`): ``"current"`` (``"Current function
[A]"``; galvanostatic steps, rest, EIS), ``"voltage"`` (``"Voltage function [V]"``; cyclic
voltammetry) and ``"resistance"``; a ``pybamm.Experiment`` switches between them step by step.
``"power"`` is refused, as the option and as an experiment's power step
(:data:`NO_POWER_CONTROL`): with the same Na metal on both sides the cell has no open-circuit
voltage, so ``I = P / V`` is singular at rest. A resistance step stays allowed: ``V = R I``
meets the cell's ``V = -R_cell I`` at ``I = 0`` from rest (one root unless a charge step's
``R`` equals ``-R_cell``), and later it drains what polarisation the cell holds (salt gradient,
film and double-layer charge) through the load, as a resistor across a real cell does. The
cycler's protection ``|V| < "Voltage limit [V]"`` is the event ``"Voltage limit [V]"``; it
fires too when the salt at a face of the SSE is depleted (above the limiting current, at Sand's
time), where the true voltage diverges, and when the two interphase layers together have grown
as thick as the SSE (pristine Na at rest, warm: no electrolyte is left).
"""

from __future__ import annotations

import pybamm

from solidna.models.base import (
    CAPACITY_OPTIONS,
    ENERGY_OPTIONS,
    OPERATING_MODES,
    OneDomainModel,
    ambient_temperature,
    salt_diffusivity,
    sse_conductivity,
)
from solidna.models.interphase import GROWTH_OPTIONS, InterphaseSubmodel

__all__ = ["SymmetricCellModel", "DEPLETED_SALT_FRACTION", "NO_POWER_CONTROL"]

#: Salt concentration at an SSE face, as a fraction of the bulk's, at which the face counts as
#: depleted (the run stops, as at the voltage limit): the concentration overpotential is then
#: (2RT/F)(1 - t+) ln(1000) ~ 0.2 V and diverging, and below it the model's floors take over.
DEPLETED_SALT_FRACTION = 1e-3

#: Why the symmetric cell refuses PyBaMM's power control, and what to run instead (the end of
#: the error's message; :attr:`OneDomainModel.REFUSED_OPERATING_MODES`). The cell is passive:
#: every term of ``-V`` in the module docstring has the sign of ``i`` from rest, so
#: ``V I = -R I^2 <= 0``. PyBaMM's step solves ``V I = P`` for ``I``: a discharge power has no
#: root, a charge power two of opposite sign, and IDA failed ("IDA_BAD_K" on "Discharge at 1 mW")
#: or ran a "Charge at 1 mW" as a 1.1 mA discharge.
NO_POWER_CONTROL = (
    "its two electrodes are the same Na metal, so it has no open-circuit voltage (V = 0 at "
    "rest) and it only dissipates power: V*I = -R*I^2 <= 0 for its resistance R. A power "
    "step solves V*I = P for the current, I = P/V, which is singular at V = 0: a discharge "
    "power (P > 0) has no solution and a charge power (P < 0) has two of opposite sign "
    "(I = +-sqrt(|P|/R)). Run a current step instead ('Discharge at 0.1 mA for 1 hour', or "
    "'Discharge at 1C for 1 hour': 1C is 0.1 mA/cm2 with solidna's parameter values) or a "
    "voltage hold ('Hold at 0.05 V for 10 minutes'); as the model option, 'operating mode' "
    "'current' or 'voltage'."
)

_OPTIONS = {
    "anode": ("modified", "pristine"),
    "surface form": ("algebraic", "differential"),
    "operating mode": tuple(OPERATING_MODES),
    "capacity": CAPACITY_OPTIONS,
    "calculate discharge energy": ENERGY_OPTIONS,
    "interphase growth": GROWTH_OPTIONS,
}


class SymmetricCellModel(OneDomainModel):
    """PyBaMM model of a Na|SSE|Na symmetric cell with interphases on both electrodes.

    Parameters
    ----------
    options : dict, optional
        ``"anode"``: ``"modified"`` (default) or ``"pristine"``; ``"surface form"``:
        ``"algebraic"`` (default) or ``"differential"`` (needed for impedance);
        ``"operating mode"``: ``"current"`` (default), ``"voltage"`` or ``"resistance"``
        (PyBaMM's external circuit; ``"power"`` raises
        :class:`~solidna.errors.InvalidOptionError`, as does an experiment's power step: the
        cell has no open-circuit voltage, :data:`NO_POWER_CONTROL`); ``"capacity"``:
        ``"integrated"`` (default, PyBaMM's discharge/throughput capacity states) or ``"none"``;
        ``"calculate discharge energy"``: ``"false"`` (default) or ``"true"`` (PyBaMM's option,
        see :class:`~solidna.models.base.OneDomainModel`);
        ``"interphase growth"``: ``"time"`` (default) or ``"time and charge"`` (growth on the
        fresh Na surface exposed by plating/stripping, :mod:`solidna.models.interphase`).
    name : str, optional
        Model name.

    Examples
    --------
    >>> import pybamm
    >>> from solidna.models import SymmetricCellModel
    >>> model = SymmetricCellModel()
    >>> exp = pybamm.Experiment(["Discharge at 0.01 mA for 1 hour", "Rest for 10 minutes"])
    >>> sol = pybamm.Simulation(model, experiment=exp).solve()
    >>> bool(sol["Voltage [V]"].entries[10] < 0)  # a discharge lowers the voltage
    True
    """

    DOMAIN, X_NAME, LENGTH_PARAMETER = "SSE", "x", "SSE thickness [m]"
    CELL = "symmetric"
    INITIAL_STATE = (
        "the interphase thicknesses: 'Initial left interphase thickness [m]' and 'Initial right "
        "interphase thickness [m]' in the parameter values"
    )
    OPTIONS = _OPTIONS
    REFUSED_OPERATING_MODES = {"power": NO_POWER_CONTROL}
    # the salt profile across the SSE and both electrodes' films and charge transfer
    STATE_PLOT_VARIABLES = (
        "Salt concentration [mol.m-3]",
        ("Left interphase thickness [m]", "Right interphase thickness [m]"),
        ("Left charge-transfer overpotential [V]", "Right charge-transfer overpotential [V]"),
        ("Left interphase voltage [V]", "Right interphase voltage [V]"),
    )
    DEFAULT_OPTIONS = {
        "anode": "modified",
        "surface form": "algebraic",
        "operating mode": "current",
        "interphase growth": "time",
    }

    def __init__(self, options: dict | None = None, name: str = "Na|SSE|Na symmetric cell"):
        super().__init__(options, name)

    def guess_interfaces_at_the_initial_current(self) -> None:
        """Start the algebraic states (charge-transfer overpotentials, film voltages) at their
        values for the initial current and the uniform salt of t = 0 instead of at 0.

        These start values are only IDA's first guess, refined to consistent ones before the
        first step. From 0, its Newton iteration on the Butler-Volmer exponentials failed
        (``IDA_BAD_K`` at t = 0) once i / i0 exceeded ~3000: pristine Na below ~10 C at 0.5
        mA/cm2 and more, where i0 is ~1e-3 A/m2. The guess is Butler-Volmer with alpha = 1/2
        (exact for the Lu 2019 set, close otherwise) and the films' ohmic drops.

        Only for a model with ``"surface form": "algebraic"`` and ``"operating mode":
        "current"`` solved under its own current function (solidna's schedule solves): an
        experiment's voltage or resistance step makes the current a state, which initial
        conditions may not hold. Other models are left as they are.
        """
        self.initial_conditions.update(getattr(self, "_interface_guess", {}))

    # ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        opts = self.cell_options
        F = pybamm.constants.F
        R = pybamm.constants.R
        T = ambient_temperature()
        f = F / (R * T)

        L_sse = pybamm.Parameter("SSE thickness [m]")
        kappa = sse_conductivity()
        r_deg = pybamm.Parameter("Degraded SSE conductivity ratio [-]")
        c0 = pybamm.Parameter("Salt concentration [mol.m-3]")
        D = salt_diffusivity()
        t_plus = pybamm.Parameter("Cation transference number [-]")
        alpha = pybamm.Parameter("Charge-transfer coefficient [-]")
        C_dl = pybamm.Parameter("Double-layer capacitance [F.m-2]")
        area = self.param.A_cc
        v_max = pybamm.Parameter("Voltage limit [V]")

        film = InterphaseSubmodel(opts["anode"], opts["interphase growth"])
        i0_ref = film.exchange_current

        # ---- current: PyBaMM's external circuit (positive = discharge = stripping left) -------
        variables = self._circuit_variables()
        current = variables["Current [A]"]
        i_app = current / area

        # ---- salt concentration across the SSE -------------------------------------------------
        x = self.spatial_variable()
        c = pybamm.Variable("Salt concentration [mol.m-3]", domain="SSE", scale=c0)
        flux = -D * pybamm.grad(c)
        self.rhs[c] = -pybamm.div(flux)
        grad_bc = -(1 - t_plus) * i_app / (F * D)
        self.boundary_conditions[c] = {
            "left": (grad_bc, "Neumann"),
            "right": (grad_bc, "Neumann"),
        }
        self.initial_conditions[c] = c0
        c_left = pybamm.boundary_value(c, "left")
        c_right = pybamm.boundary_value(c, "right")
        c_pos = 1e-3  # mol/m3: keeps the logarithm defined if a face is depleted (transient only)

        # ---- interphases -----------------------------------------------------------------------
        L_left = film.variable("Left")
        L_right = film.variable("Right")
        self.rhs[L_left] = film.growth_rate(L_left, i_app)
        self.rhs[L_right] = film.growth_rate(L_right, i_app)
        self.initial_conditions[L_left] = pybamm.Parameter("Initial left interphase thickness [m]")
        self.initial_conditions[L_right] = pybamm.Parameter(
            "Initial right interphase thickness [m]"
        )
        R_left = film.resistance(L_left)
        R_right = film.resistance(L_right)

        # ---- interfaces: Butler-Volmer + double layer, film R || C -------------------------------
        eta_L = pybamm.Variable("Left charge-transfer overpotential [V]", scale=0.01)
        eta_R = pybamm.Variable("Right charge-transfer overpotential [V]", scale=0.01)
        v_L = pybamm.Variable("Left interphase voltage [V]", scale=0.01)
        v_R = pybamm.Variable("Right interphase voltage [V]", scale=0.01)

        def faradaic(eta, c_surf):
            i0 = i0_ref * pybamm.sqrt(pybamm.maximum(c_surf, c_pos) / c0)
            return i0 * (pybamm.exp((1 - alpha) * f * eta) - pybamm.exp(-alpha * f * eta))

        iF_L = faradaic(eta_L, c_left)
        iF_R = faradaic(eta_R, c_right)
        # anodic current at the left is +i, at the right -i
        if opts["surface form"] == "differential":
            self.rhs[eta_L] = (i_app - iF_L) / C_dl
            self.rhs[eta_R] = (-i_app - iF_R) / C_dl
            self.rhs[v_L] = (i_app - v_L / R_left) / film.capacitance(L_left)
            self.rhs[v_R] = (-i_app - v_R / R_right) / film.capacitance(L_right)
        else:
            # scaled by i0 so the residual is O(1) whatever the exchange current
            self.algebraic[eta_L] = (iF_L - i_app) / i0_ref
            self.algebraic[eta_R] = (iF_R + i_app) / i0_ref
            self.algebraic[v_L] = v_L - i_app * R_left
            self.algebraic[v_R] = v_R + i_app * R_right
        for var in (eta_L, eta_R, v_L, v_R):
            self.initial_conditions[var] = pybamm.Scalar(0)
        # IDA's first guess of the algebraic states for a solve under an explicit current
        # (:meth:`guess_interfaces_at_the_initial_current`)
        self._interface_guess = {}
        if opts["surface form"] == "algebraic" and opts["operating mode"] == "current":
            eta0 = 2 / f * pybamm.arcsinh(i_app / (2 * i0_ref))
            self._interface_guess = {
                eta_L: eta0,
                eta_R: -eta0,
                v_L: i_app
                * film.resistance(pybamm.Parameter("Initial left interphase thickness [m]")),
                v_R: -i_app
                * film.resistance(pybamm.Parameter("Initial right interphase thickness [m]")),
            }

        # ---- bulk and diffusion potential --------------------------------------------------------
        L_deg = film.degraded_sse_thickness(L_left) + film.degraded_sse_thickness(L_right)
        L_deg = pybamm.minimum(L_deg, 0.5 * L_sse)  # the degraded zones cannot exceed the SSE
        R_bulk = (L_sse - L_deg) / kappa + L_deg / (r_deg * kappa)
        ln_ratio = pybamm.log(pybamm.maximum(c_left, c_pos) / pybamm.maximum(c_right, c_pos))
        eta_conc = 2 * R * T / F * (1 - t_plus) * ln_ratio
        # left minus right: positive while the left electrode is stripped
        v_we = (eta_L + v_L) - (eta_R + v_R) + i_app * R_bulk + eta_conc
        voltage = -v_we  # PyBaMM's convention: phi_right - phi_left, lowered by a discharge

        variables.update(
            {
                "Current density [A.m-2]": i_app,
                "Working-electrode voltage [V]": v_we,
                "Salt concentration [mol.m-3]": c,
                "Left surface salt concentration [mol.m-3]": c_left,
                "Right surface salt concentration [mol.m-3]": c_right,
                "Left interphase thickness [m]": L_left,
                "Right interphase thickness [m]": L_right,
                "Left interphase resistance [Ohm.m2]": R_left,
                "Right interphase resistance [Ohm.m2]": R_right,
                "Left charge-transfer overpotential [V]": eta_L,
                "Right charge-transfer overpotential [V]": eta_R,
                "Left interphase voltage [V]": v_L,
                "Right interphase voltage [V]": v_R,
                "Bulk SSE resistance [Ohm.m2]": R_bulk,
                "Degraded SSE thickness [m]": L_deg,
                "Concentration overpotential [V]": eta_conc,
                "x [m]": x,
            }
        )
        self._finish(
            variables,
            voltage,
            summary=[
                "Left interphase thickness [m]",
                "Right interphase thickness [m]",
                "Left interphase resistance [Ohm.m2]",
                "Right interphase resistance [Ohm.m2]",
                "Bulk SSE resistance [Ohm.m2]",
            ],
        )
        # The cycler's protection |V| < "Voltage limit [V]" (Fig. 4h: the pristine cell stops at
        # 10 V), one event for both signs: a second event function costs ~10 % of a 4000-h run.
        # A pybamm.Experiment does not relax it (PyBaMM relaxes only its own "Minimum/Maximum
        # voltage [V]"): an experiment's cut-offs lie inside +-"Voltage limit [V]".
        # Above the limiting current 2 F D c0 / ((1 - t+) L) the salt at the plating face runs
        # out (Sand's time): the true voltage diverges there, so the cycler's limit is reached
        # at once, while the model's floors (c_pos) would go on with a finite, meaningless
        # voltage. The same event therefore also fires when a face's salt falls to
        # DEPLETED_SALT_FRACTION of c0 (its margin in volts, scaled by the limit, stays far
        # from zero otherwise, so it never moves the voltage-limit root).
        depletion = (pybamm.minimum(c_left, c_right) / c0 - DEPLETED_SALT_FRACTION) * v_max
        # Pristine Na's layer grows at a constant chemical rate even at rest, into the SSE
        # (the SN polymerises): 0.03 um/h at 25 C, 1.3 um/h at 80 C. Once the two layers fill
        # the SSE no electrolyte is left and the cell is dead (the layer is partly electron-
        # conducting: a short, or an open circuit); the model would go on with layers thicker
        # than the SSE. The same event stops the run there (its margin, in volts as the
        # others', is the SSE fraction left times the limit).
        consumed = (1 - (L_left + L_right) / L_sse) * v_max
        self.events = [
            pybamm.Event(
                "Voltage limit [V]",
                pybamm.minimum(
                    pybamm.minimum(v_max - pybamm.AbsoluteValue(voltage), depletion), consumed
                ),
            ),
        ]
