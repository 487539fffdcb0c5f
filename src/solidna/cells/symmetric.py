"""Model + parameters + protocol -> Result (pandas tables with unit-bearing columns).

The public entry point for the symmetric cell is :class:`SymmetricCell`::

    >>> import solidna as sd
    >>> cell = sd.SymmetricCell(anode="modified")
    >>> result = cell.cycle(current_density="0.1 mA/cm2", half_cycle="1 h", duration="10 h")
    >>> result.status
    'completed'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solidna.cells.base import Cell, Result, _styled_axes
from solidna.errors import OutOfRangeError
from solidna.protocols import (
    CyclicVoltammetry,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
    Step,
    current_schedule,
)

__all__ = ["SymmetricCell", "CyclingResult", "CVResult", "EISResult"]

#: The model variable the cell reports as "Voltage [V]": phi_left - phi_right, the negative of
#: PyBaMM's "Voltage [V]" of :class:`~solidna.models.SymmetricCellModel` (the left electrode is
#: the working electrode; a positive current density, a PyBaMM discharge, strips it).
WORKING_ELECTRODE_VOLTAGE = "Working-electrode voltage [V]"


@dataclass
class CyclingResult(Result):
    """Galvanostatic plating/stripping (or rest) of a symmetric cell.

    Attributes
    ----------
    timeseries : pandas.DataFrame
        ``Time [h]``, ``Current density [mA.cm-2]``, ``Voltage [V]``.
    status : str
        ``"completed"`` or why the run stopped (e.g. the voltage limit, with the time).
    final_state : dict
        Interphase thicknesses [m] at the end, to continue from (``state=`` of the next call).
    """

    final_state: dict[str, float] = field(default_factory=dict)
    _plot_name = "voltage"

    def overpotential(self) -> pd.Series:
        """Per-cycle overpotential [mV] (definition: :func:`solidna.analysis.cycling.per_cycle_overpotential`)."""
        return self.cycles()["Overpotential [mV]"]

    def cycles(self) -> pd.DataFrame:
        """Per-cycle table (time, overpotential, stripping and plating overpotentials)."""
        from solidna.analysis.cycling import per_cycle_overpotential

        ts = self.timeseries
        return per_cycle_overpotential(
            ts["Time [h]"].to_numpy() * 3600,
            ts["Voltage [V]"].to_numpy(),
            ts["Current density [mA.cm-2]"].to_numpy() * 10,
        )

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        has_current = bool(np.any(self.timeseries["Current density [mA.cm-2]"].to_numpy() != 0))
        if has_current:
            cyc = self.cycles()
            out["cycles"] = {
                "cycle number": cyc.index.tolist(),
                "time [h]": cyc["Time [h]"].round(6).tolist(),
                "overpotential [mV]": cyc["Overpotential [mV]"].round(4).tolist(),
            }
        out["final interphase thickness [nm]"] = {k: v * 1e9 for k, v in self.final_state.items()}
        return out

    def plot(self, zoom_h: float | None = None):
        """Voltage vs time (the first plot a researcher looks at), with a zoom on the start."""
        ts = self.timeseries
        fig, ax = _styled_axes((7, 3.6))
        ax.plot(ts["Time [h]"], ts["Voltage [V]"], lw=0.6)
        ax.set_xlabel("Time [h]")
        ax.set_ylabel("Voltage [V]")
        ax.set_title(f"{self.inputs.get('anode', '')} Na|SSE|Na - {self.status}")
        fig.tight_layout()
        return fig


#: Key of the plain Butler-Volmer exchange current in a CV summary: a fit of the Butler-Volmer
#: equation with a co-fitted ohmic resistance, which behind a resistive film sees little of the
#: kinetics; the model-based value is :func:`solidna.calibrate.experiments.analyse_cv`.
BV_FIT_KEY = "plain Butler-Volmer fit: exchange current density [mA.cm-2]"


@dataclass
class CVResult(Result):
    """Cyclic voltammogram of a symmetric cell (``Time [s]``, ``Voltage [V]``,
    ``Current density [mA.cm-2]``)."""

    _plot_name = "cv"

    def exchange_current(self, method: str = "bv-fit", **kwargs):
        """Exchange current by the project's CV analysis (:mod:`solidna.analysis.kinetics`)."""
        from solidna.analysis.kinetics import exchange_current_from_cv

        ts = self.timeseries
        return exchange_current_from_cv(
            ts["Voltage [V]"].to_numpy(),
            ts["Current density [mA.cm-2]"].to_numpy() * 10,
            temperature_K=self.inputs["temperature [K]"],
            method=method,
            **kwargs,
        )

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        try:
            res = self.exchange_current()
            out[BV_FIT_KEY] = res.i0_A_m2 / 10 if res.identifiable else None
            out["plain Butler-Volmer fit: method"] = res.method
            if not res.identifiable:
                out["plain Butler-Volmer fit: note"] = (
                    "kinetics hidden by the ohmic drop; only i0 > "
                    f"{res.i0_lower_bound_A_m2 / 10:.3g} mA/cm2 can be stated"
                )
        except Exception as exc:  # recorded, not fatal: the CV itself is still written
            out[BV_FIT_KEY] = None
            out["plain Butler-Volmer fit: error"] = str(exc)
        return out

    def plot(self):
        ts = self.timeseries
        fig, ax = _styled_axes((5, 4))
        ax.plot(ts["Voltage [V]"], ts["Current density [mA.cm-2]"])
        ax.set_xlabel("Voltage [V]")
        ax.set_ylabel("Current density [mA cm$^{-2}$]")
        ax.axhline(0, color="0.6", lw=0.5)
        fig.tight_layout()
        return fig


@dataclass
class EISResult(Result):
    """Impedance spectrum (``Frequency [Hz]``, ``Z_re [Ohm.cm2]``, ``Z_im [Ohm.cm2]``; Z_im < 0
    for capacitive arcs)."""

    _plot_name = "nyquist"

    @property
    def impedance_ohm_m2(self) -> np.ndarray:
        """Complex impedance [Ohm.m2]."""
        ts = self.timeseries
        return (ts["Z_re [Ohm.cm2]"].to_numpy() + 1j * ts["Z_im [Ohm.cm2]"].to_numpy()) * 1e-4

    def fit(self) -> dict[str, float]:
        """Rs and Rct [Ohm.cm2] fitted as an experimenter would (Rs-p(Rct,CPE), impedance.py)."""
        from solidna.analysis.eis import fit_rs_rct

        fitted = fit_rs_rct(self.timeseries["Frequency [Hz]"].to_numpy(), self.impedance_ohm_m2)
        return {
            "Rs [Ohm.cm2]": fitted["Rs [Ohm.m2]"] * 1e4,
            "Rct [Ohm.cm2]": fitted["Rct [Ohm.m2]"] * 1e4,
        }

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        try:
            out["fit"] = self.fit()
        except Exception as exc:  # recorded, not fatal
            out["fit"] = None
            out["fit error"] = str(exc)
        return out

    def plot(self):
        ts = self.timeseries
        fig, ax = _styled_axes((5, 4))
        ax.plot(ts["Z_re [Ohm.cm2]"], -ts["Z_im [Ohm.cm2]"], "o-", ms=3)
        ax.set_xlabel("Z' [Ohm cm$^2$]")
        ax.set_ylabel("-Z'' [Ohm cm$^2$]")
        ax.set_aspect("equal", adjustable="datalim")
        fig.tight_layout()
        return fig


class SymmetricCell(Cell):
    """A Na|SSE|Na symmetric cell (Lu 2019, Fig. 4), pristine or FEC-treated ("modified") Na.

    Parameters are those of :class:`~solidna.cells.base.Cell` (anode, parameters, temperature,
    sse_thickness, pvdf_ratio, var_pts).

    Sign convention of the results: the left electrode is the working electrode; a positive
    current density strips it and the reported voltage is ``phi_left - phi_right`` (positive
    then). The model underneath, :class:`~solidna.models.SymmetricCellModel`, follows PyBaMM: the
    same positive current is a PyBaMM discharge and its ``"Voltage [V]"`` is the negative of the
    reported one (:meth:`model` gives it, for a ``pybamm.Experiment``).
    """

    def model(self, **options: str):
        """The PyBaMM model of this cell (:class:`~solidna.models.SymmetricCellModel`, this
        anode; ``options`` such as ``{"surface form": "differential"}`` passed on)."""
        from solidna.models import SymmetricCellModel

        return SymmetricCellModel({"anode": self.anode} | options)

    def parameter_values(self, state: dict[str, float] | None = None):
        """This cell's values (conditions applied) as ``pybamm.ParameterValues``, from ``state``
        (default: the fresh cell), with a 0.1 mA/cm2 discharge as "Current function [A]"."""
        from solidna.models.parameter_values import pybamm_parameter_values

        st = state or self.initial_state
        return pybamm_parameter_values(
            "symmetric", self.anode, self.parameters, (st["left"], st["right"])
        )

    @property
    def initial_state(self) -> dict[str, float]:
        """Interphase thicknesses [m] of the fresh cell, ``{"left": L0, "right": L0}``."""
        L0 = self.interphase_initial_thickness_m
        return {"left": L0, "right": L0}

    # ------------------------------------------------------------------------------------------
    def _values(self, state: dict[str, float] | None) -> dict[str, float]:
        from solidna.models.solve import symmetric_parameter_values

        st = state or self.initial_state
        return symmetric_parameter_values(self.parameters, self.anode, (st["left"], st["right"]))

    def _inputs(self) -> dict[str, Any]:
        return super()._inputs() | {"voltage limit [V]": self.parameters["Voltage limit [V]"]}

    def run(
        self,
        steps: list[Step],
        state: dict[str, float] | None = None,
        points_per_half_cycle: int = 16,
    ) -> CyclingResult:
        """Run rest and plating/stripping steps back to back.

        Parameters
        ----------
        steps : list of Step
            :class:`~solidna.protocols.Rest` and :class:`~solidna.protocols.PlatingStripping`.
        state : dict, optional
            ``{"left": L, "right": L}`` interphase thicknesses [m] to start from (e.g. the
            ``final_state`` of a previous result); defaults to the fresh cell.
        points_per_half_cycle : int
            Output samples per half cycle (denser near its end, where overpotential is read).
        """
        from solidna.models.solve import solve_current

        tic = time.perf_counter()
        values = self._values(state)
        # The model is PyBaMM's convention (positive current = discharge, strips the left
        # electrode); the cell reports the working-electrode voltage phi_left - phi_right, so a
        # positive current density (stripping the left, working electrode) reads positive.
        out = solve_current(
            values,
            self.anode,
            current_schedule(steps),
            variables=(WORKING_ELECTRODE_VOLTAGE, "Current density [A.m-2]"),
            var_pts=self.var_pts,
            points_per_half_cycle=points_per_half_cycle,
        )
        ts = pd.DataFrame(
            {
                "Time [h]": out["Time [s]"] / 3600,
                "Current density [mA.cm-2]": out["Current density [A.m-2]"] / 10,
                "Voltage [V]": out[WORKING_ELECTRODE_VOLTAGE],
            }
        )
        status = "completed"
        if "voltage" in out["termination"].lower():
            status = (
                f"voltage limit {values['Voltage limit [V]']:g} V reached at "
                f"{ts['Time [h]'].iloc[-1]:.3f} h"
            )
        return self._result(
            CyclingResult,
            ts,
            [s.describe() for s in steps],
            tic,
            status=status,
            final_state={"left": out["final state"][0], "right": out["final state"][1]},
        )

    def cycle(
        self,
        current_density: str | float = "0.1 mA/cm2",
        half_cycle: str | float | None = None,
        duration: str | float = "100 h",
        capacity: str | float | None = None,
        state: dict[str, float] | None = None,
    ) -> CyclingResult:
        """Galvanostatic plating/stripping (square wave); see :class:`~solidna.protocols.PlatingStripping`.

        A bare number is SI: ``current_density=0.1`` is 0.1 A/m2 (0.01 mA/cm2); pass strings with
        units (``"0.1 mA/cm2"``, ``"1 h"``) to avoid surprises.
        """
        step = PlatingStripping(current_density, duration, half_cycle=half_cycle, capacity=capacity)
        return self.run([step], state=state)

    def rest(
        self, duration: str | float = "24 h", state: dict[str, float] | None = None
    ) -> CyclingResult:
        """Open circuit for ``duration`` (the interphase keeps growing chemically)."""
        return self.run([Rest(duration)], state=state)

    def cv(
        self,
        v_min: str | float = "-0.5 V",
        v_max: str | float = "0.5 V",
        scan_rate: str | float = "5 mV/s",
        cycles: int = 1,
        state: dict[str, float] | None = None,
    ) -> CVResult:
        """Cyclic voltammetry of the symmetric cell (Fig. 4g), simulated from the same model.

        Raises
        ------
        OutOfRangeError
            If a vertex lies beyond the cycler's voltage limit (``Voltage limit [V]``): the
            instrument would stop there, so the sweep asked for cannot be run.
        """
        from solidna.models.solve import solve_voltage

        tic = time.perf_counter()
        step = CyclicVoltammetry(v_min, v_max, scan_rate, cycles)
        limit = self.parameters["Voltage limit [V]"]
        for name, vertex in (("v_min", step.v_min_V), ("v_max", step.v_max_V)):
            if abs(vertex) > limit:
                raise OutOfRangeError(
                    f"CV vertex {name} = {vertex:g} V lies beyond the cycler's voltage limit of "
                    f"+-{limit:g} V: the instrument would stop there. Choose vertices within "
                    f"-{limit:g} V and {limit:g} V (the paper sweeps -0.5 V to 0.5 V)."
                )
        t_knots, v_knots = step.waveform()
        # output every 5 mV of sweep: fine enough for the kinetic analysis
        n = int(round(step.duration_s * step.scan_rate_V_s / 0.005)) + 1
        t_out = np.unique(np.concatenate([np.linspace(0, step.duration_s, n), t_knots]))
        out = solve_voltage(
            self._values(state), self.anode, t_knots, v_knots, t_out, var_pts=self.var_pts
        )
        ts = pd.DataFrame(
            {
                "Time [s]": out["Time [s]"],
                "Voltage [V]": out["Voltage [V]"],
                "Current density [mA.cm-2]": out["Current density [A.m-2]"] / 10,
            }
        )
        return self._result(CVResult, ts, [step.describe()], tic)

    def eis(
        self,
        f_max: str | float = "1 MHz",
        f_min: str | float = "0.1 Hz",
        points_per_decade: int = 10,
        state: dict[str, float] | None = None,
    ) -> EISResult:
        """Impedance at open circuit, by linearising the same model (pybamm.EISSimulation)."""
        from solidna.models.solve import impedance

        tic = time.perf_counter()
        step = ImpedanceSpectroscopy(f_max, f_min, points_per_decade)
        f = step.frequencies_Hz()
        z = impedance(self._values(state), self.anode, f, var_pts=self.var_pts)
        ts = pd.DataFrame(
            {"Frequency [Hz]": f, "Z_re [Ohm.cm2]": z.real * 1e4, "Z_im [Ohm.cm2]": z.imag * 1e4}
        )
        state_nm = {k: v * 1e9 for k, v in (state or self.initial_state).items()}
        return self._result(EISResult, ts, [step.describe()], tic, inputs={"state [nm]": state_nm})
