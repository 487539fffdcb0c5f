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
    constant chemical rate even at rest, and faster under current, when plating/stripping
    exposes fresh Na through cracks (Fig. 4c; like PyBaMM's "SEI on cracks")::

        dL/dt = k_chem * (1 + |i| / i_enh)

    The SSE next to the layer degrades: a zone of thickness ``beta * (L - L0)`` whose
    conductivity is reduced by the factor ``r_deg``, so Rs rises too (Fig. 4f).

The submodel is written as plain functions of PyBaMM symbols so that the symmetric, Na-CO2 and
NVP cell models build their equations from the same expressions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pybamm

from solidna.errors import check_choice

__all__ = ["ANODE_TYPES", "InterphaseSubmodel"]

ANODE_TYPES = ("modified", "pristine")
VACUUM_PERMITTIVITY = 8.8541878128e-12  # F/m (CODATA 2018)


@dataclass
class InterphaseSubmodel:
    """Growth, resistance and capacitance of the interphase on one Na electrode.

    Parameters
    ----------
    anode : str
        ``"modified"`` or ``"pristine"``.
    """

    anode: str

    def __post_init__(self) -> None:
        check_choice("anode type", self.anode, ANODE_TYPES)
        p = "Modified" if self.anode == "modified" else "Pristine"
        self.prefix = p
        self.initial_thickness = pybamm.Parameter(f"{p} interphase initial thickness [m]")
        self.resistivity = pybamm.Parameter(f"{p} interphase resistivity [Ohm.m]")
        self.permittivity = pybamm.Parameter(f"{p} interphase relative permittivity [-]")
        self.exchange_current = pybamm.Parameter(f"{p} exchange-current density [A.m-2]")

    def variable(self, side: str) -> pybamm.Variable:
        """State variable: interphase thickness [m] on electrode ``side``."""
        return pybamm.Variable(f"{side} interphase thickness [m]", scale=1e-8)

    def growth_rate(
        self, thickness: pybamm.Symbol, current_density: pybamm.Symbol
    ) -> pybamm.Symbol:
        """dL/dt [m.s-1] for an interphase of thickness ``thickness`` [m] carrying
        ``current_density`` [A.m-2] (sign irrelevant)."""
        if self.anode == "modified":
            v_f = pybamm.Parameter("Modified interphase molar volume [m3.mol-1]")
            d_sol = pybamm.Parameter("Modified interphase solvent diffusivity [m2.s-1]")
            c_sol = pybamm.Parameter("SN concentration [mol.m-3]")
            return v_f * d_sol * c_sol / thickness
        k_chem = pybamm.Parameter("Pristine interphase chemical growth rate [m.s-1]")
        i_enh = pybamm.Parameter("Pristine interphase current enhancement density [A.m-2]")
        return k_chem * (1 + pybamm.AbsoluteValue(current_density) / i_enh)

    def resistance(self, thickness: pybamm.Symbol) -> pybamm.Symbol:
        """Area-specific ionic resistance of the film [Ohm.m2]."""
        return self.resistivity * thickness

    def capacitance(self, thickness: pybamm.Symbol) -> pybamm.Symbol:
        """Geometric capacitance of the film [F.m-2] (parallel-plate, eps_r eps_0 / L)."""
        return self.permittivity * VACUUM_PERMITTIVITY / thickness

    def degraded_sse_thickness(self, thickness: pybamm.Symbol) -> pybamm.Symbol:
        """Thickness [m] of SSE degraded next to this electrode (zero for ``modified``)."""
        if self.anode == "modified":
            return pybamm.Scalar(0)
        beta = pybamm.Parameter("Pristine SSE degradation depth ratio [-]")
        return beta * pybamm.maximum(thickness - self.initial_thickness, 0)
