"""Interphase submodel of a sodium-metal electrode, shared by every cell with a Na anode.

One submodel, two parameterisations (``anode`` option):

``"modified"`` (M-Na, Na treated with 1 M NaClO4 in FEC)
    A compact NaF-rich film of initial thickness ``L0`` (~8 nm, AFM, Lu 2019 Fig. 2e) that grows
    by solvent-diffusion-limited kinetics (PyBaMM "solvent-diffusion limited" SEI option,
    Marquis 2020; physics brief §2.1)::

        dL/dt = V_f * D_sol * c_SN / L        (parabolic: L^2 - L0^2 = 2 V_f D_sol c_SN t)

    Its ionic resistance ``R_f = rho_f * L`` is in series with Butler-Volmer charge transfer, and
    its geometric capacitance ``C_f = eps_r * eps_0 / L`` is in parallel with ``R_f``.

``"pristine"`` (bare Na in contact with succinonitrile)
    SN is polymerised by Na (nitrile polymerisation; IR of Fig. 4a, XPS of Fig. 4d). The dark,
    porous, partly electron-conducting product does not passivate, so the layer grows at a
    constant chemical rate even at rest. Plating/stripping may expose fresh Na through cracks
    and speed it up (Fig. 4c; like PyBaMM's "SEI on cracks")::

        dL/dt = k_chem * (1 + |i| / i_enh)

    but no calibrate number separates growth at rest from growth under current, so the Lu 2019
    set has no enhancement (``i_enh`` infinite, an assumption stated in ``cell.toml``); a user
    with such data sets a finite ``i_enh``.

    The SSE next to the layer degrades: a zone of thickness ``beta * (L - L0)`` whose
    conductivity is reduced by the factor ``r_deg``, so Rs rises too (Fig. 4f).

Option ``growth`` (PyBaMM-style model option ``"interphase growth"``):

``"time"`` (default)
    The laws above: the M-Na film grows with time only, whatever the current.
``"time and charge"``
    Adds growth on the fresh Na surface that plating and stripping expose (the analogue for a
    metal electrode of PyBaMM's "SEI on cracks" option, O'Kane 2022): a fraction ``f_ch`` of the
    plated/stripped charge reacts with the SSE and is added to the compact film::

        dL/dt += V_f * f_ch * |i| / F

    For pristine Na the current-driven term ``k_chem |i| / i_enh`` is already part of the law.

Temperature: every process has its Arrhenius factor, anchored at "Reference
temperature [K]" (the paper's room temperature) so that calibrated values hold there
(:func:`solidna.models.base.arrhenius`): the exchange current, the film resistivity (both
layers), the solvent diffusivity through the NaF-rich film and the SN polymerisation rate on
pristine Na.

The submodel is written as plain functions of PyBaMM symbols so that the symmetric, Na-CO2 and
NVP cell models build their equations from the same expressions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pybamm

from solidna._docstrings import fill_doc
from solidna.errors import check_choice
from solidna.models.base import arrhenius

__all__ = ["ANODE_TYPES", "GROWTH_OPTIONS", "InterphaseSubmodel"]

ANODE_TYPES = ("modified", "pristine")
#: Values of the ``"interphase growth"`` model option (see the module docstring).
GROWTH_OPTIONS = ("time", "time and charge")
VACUUM_PERMITTIVITY = 8.8541878128e-12  # F/m (CODATA 2018)


@dataclass
@fill_doc
class InterphaseSubmodel:
    """Growth, resistance and capacitance of the interphase on one Na electrode.

    Parameters
    ----------
    %(anode)s
    growth : str
        ``"time"`` (default) or ``"time and charge"`` (see the module docstring).

    Attributes
    ----------
    exchange_current : pybamm.Symbol
        Exchange-current density at "Ambient temperature [K]" [A.m-2] (Arrhenius from the
        reference).
    resistivity : pybamm.Symbol
        Ionic resistivity of the film at "Ambient temperature [K]" [Ohm.m].
    """

    anode: str
    growth: str = "time"

    def __post_init__(self) -> None:
        check_choice("anode type", self.anode, ANODE_TYPES)
        check_choice("interphase growth option", self.growth, GROWTH_OPTIONS)
        p = "Modified" if self.anode == "modified" else "Pristine"
        self.prefix = p
        self.initial_thickness = pybamm.Parameter(f"{p} interphase initial thickness [m]")
        self.resistivity = pybamm.Parameter(f"{p} interphase resistivity [Ohm.m]") * arrhenius(
            f"{p} interphase resistivity activation energy [J.mol-1]", sign=-1
        )
        self.permittivity = pybamm.Parameter(f"{p} interphase relative permittivity [-]")
        self.exchange_current = pybamm.Parameter(
            f"{p} exchange-current density [A.m-2]"
        ) * arrhenius(f"{p} exchange-current density activation energy [J.mol-1]")

    def variable(self, side: str) -> pybamm.Variable:
        """State variable: interphase thickness [m] on electrode ``side``.

        Parameters
        ----------
        side : str
            Electrode side, used as the name prefix (e.g. ``"Left"``).

        Returns
        -------
        pybamm.Variable
            Interphase thickness [m].
        """
        return pybamm.Variable(f"{side} interphase thickness [m]", scale=1e-8)

    def growth_rate(
        self, thickness: pybamm.Symbol, current_density: pybamm.Symbol
    ) -> pybamm.Symbol:
        """dL/dt [m.s-1] for an interphase of thickness ``thickness`` [m] carrying
        ``current_density`` [A.m-2] (sign irrelevant).

        Parameters
        ----------
        thickness : pybamm.Symbol
            Interphase thickness [m].
        current_density : pybamm.Symbol
            Current density through the film [A.m-2].

        Returns
        -------
        pybamm.Symbol
            Growth rate dL/dt [m.s-1].
        """
        if self.anode == "modified":
            v_f = pybamm.Parameter("Modified interphase molar volume [m3.mol-1]")
            d_sol = pybamm.Parameter("Modified interphase solvent diffusivity [m2.s-1]")
            d_sol = d_sol * arrhenius(
                "Modified interphase solvent diffusivity activation energy [J.mol-1]"
            )
            c_sol = pybamm.Parameter("SN concentration [mol.m-3]")
            rate = v_f * d_sol * c_sol / thickness
            if self.growth == "time and charge":
                f_ch = pybamm.Parameter("Modified interphase fresh-surface charge fraction [-]")
                F = pybamm.constants.F
                rate = rate + v_f * f_ch * pybamm.AbsoluteValue(current_density) / F
            return rate
        k_chem = pybamm.Parameter("Pristine interphase chemical growth rate [m.s-1]")
        k_chem = k_chem * arrhenius(
            "Pristine interphase chemical growth activation energy [J.mol-1]"
        )
        i_enh = pybamm.Parameter("Pristine interphase current enhancement density [A.m-2]")
        return k_chem * (1 + pybamm.AbsoluteValue(current_density) / i_enh)

    @fill_doc
    def resistance(self, thickness: pybamm.Symbol) -> pybamm.Symbol:
        """Area-specific ionic resistance of the film [Ohm.m2].

        %(Parameters: thickness)s

        Returns
        -------
        pybamm.Symbol
            Area-specific resistance [Ohm.m2].
        """
        return self.resistivity * thickness

    @fill_doc
    def capacitance(self, thickness: pybamm.Symbol) -> pybamm.Symbol:
        """Geometric capacitance of the film [F.m-2] (parallel-plate, eps_r eps_0 / L).

        %(Parameters: thickness)s

        Returns
        -------
        pybamm.Symbol
            Capacitance per area [F.m-2].
        """
        return self.permittivity * VACUUM_PERMITTIVITY / thickness

    @fill_doc
    def degraded_sse_thickness(self, thickness: pybamm.Symbol) -> pybamm.Symbol:
        """Thickness [m] of SSE degraded next to this electrode (zero for ``modified``).

        %(Parameters: thickness)s

        Returns
        -------
        pybamm.Symbol
            Degraded SSE thickness [m].
        """
        if self.anode == "modified":
            return pybamm.Scalar(0)
        beta = pybamm.Parameter("Pristine SSE degradation depth ratio [-]")
        return beta * pybamm.maximum(thickness - self.initial_thickness, 0)
