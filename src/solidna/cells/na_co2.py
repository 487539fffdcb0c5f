"""The all-solid-state Na-CO2 cell (Lu 2019, Fig. 5): user-facing API.

    >>> import solidna as sd
    >>> cell = sd.NaCO2Cell(anode="modified")
    >>> run = cell.discharge(current="500 mA/g", cutoff="1.5 V")
    >>> run.status
    'cut-off 1.5 V reached'

Every call starts with a fresh cathode; pass ``state=`` (the ``final_state`` of an earlier run)
to keep the cycled anode - which is how the paper's cathode replacement (Fig. 5f) is simulated.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solidna.cells.base import Cell, Result, _styled_axes
from solidna.errors import OutOfRangeError
from solidna.materials import thermo
from solidna.parameters import ParameterSet
from solidna.protocols.na_co2 import MAH_PER_G, CapacityCycling, FullDischarge
from solidna.protocols.steps import ScheduleSegment
from solidna.units import to_si

__all__ = ["NaCO2Cell", "NaCO2Result"]


@dataclass
class NaCO2Result(Result):
    """A simulated Na-CO2 run.

    ``timeseries``: ``Time [h]``, ``Current [mA.g-1]`` (positive on discharge), ``Voltage [V]``,
    ``Capacity [mAh.g-1]`` (within the current half cycle). ``final_state`` holds the anode
    interphase thickness [m] to continue from.
    """

    final_state: dict[str, float] = field(default_factory=dict)
    _plot_name = "voltage"

    def cycles(self) -> pd.DataFrame:
        """Per-cycle table: capacities, terminal and median voltages, and the charge-discharge
        gap (median charge voltage minus median discharge voltage)."""
        from solidna.analysis.cycling import split_half_cycles

        ts = self.timeseries
        t = ts["Time [h]"].to_numpy()
        v = ts["Voltage [V]"].to_numpy()
        halves = split_half_cycles(t * 3600, ts["Current [mA.g-1]"].to_numpy())
        rows: dict[int, dict[str, float]] = {}
        q = ts["Capacity [mAh.g-1]"].to_numpy()
        for h in halves.itertuples(index=False):
            a, b = h[4], h[5]  # start, end index
            kind = "discharge" if h[3] > 0 else "charge"
            row = rows.setdefault(int(h[1]), {})
            row[f"{kind.capitalize()} capacity [mAh.g-1]"] = float(q[b])
            row[f"Terminal {kind} voltage [V]"] = float(v[b])
            row[f"Median {kind} voltage [V]"] = float(np.median(v[a : b + 1]))
        table = pd.DataFrame.from_dict(rows, orient="index").sort_index()
        table.index.name = "Cycle number"
        if {"Median charge voltage [V]", "Median discharge voltage [V]"} <= set(table.columns):
            table["Gap [V]"] = (
                table["Median charge voltage [V]"] - table["Median discharge voltage [V]"]
            )
        return table

    def discharge_capacity(self) -> float:
        """Capacity [mAh/g] of the first discharge (for a full discharge: to the cut-off)."""
        return float(self.cycles()["Discharge capacity [mAh.g-1]"].iloc[0])

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        table = self.cycles()
        out["cycles"] = {"cycle number": table.index.tolist()} | {
            k: table[k].round(5).tolist() for k in table.columns
        }
        out["final anode interphase thickness [nm]"] = (
            self.final_state.get("anode interphase thickness [m]", float("nan")) * 1e9
        )
        return out

    def plot(self):
        """Voltage vs capacity of each half cycle (Fig. 5c/5e style)."""
        ts = self.timeseries
        fig, ax = _styled_axes((6, 4))
        sign = np.sign(ts["Current [mA.g-1]"].to_numpy())
        starts = np.flatnonzero(np.diff(sign) != 0) + 1
        for k, seg in enumerate(np.split(np.arange(len(ts)), starts)):
            colour = "C0" if sign[seg[0]] > 0 else "C3"
            ax.plot(
                ts["Capacity [mAh.g-1]"].iloc[seg],
                ts["Voltage [V]"].iloc[seg],
                color=colour,
                lw=0.8,
                alpha=0.4 + 0.6 * (k == 0),
            )
        ax.set_xlabel("Capacity [mAh g$^{-1}$]")
        ax.set_ylabel("Voltage [V]")
        ax.set_title(f"Na-CO2 ({self.inputs.get('anode', '')} Na) - {self.status}")
        fig.tight_layout()
        return fig


class NaCO2Cell(Cell):
    """Na | SN-based SSE | integrated SSE/MWCNT cathode, 4 Na + 3 CO2 <-> 2 Na2CO3 + C.

    Parameters
    ----------
    anode, parameters : optional
        As :class:`~solidna.cells.base.Cell`.
    co2_pressure : str or float, optional
        CO2 partial pressure, e.g. ``"1 bar"``; an exception to "a bare number is SI": a bare
        number is in bar, the unit of the parameter and of every CO2 cell report.
    **conditions
        ``temperature``, ``sse_thickness``, ``pvdf_ratio``, ``var_pts`` as
        :class:`~solidna.cells.base.Cell`.
    """

    def __init__(
        self,
        anode: str = "modified",
        parameters: ParameterSet | None = None,
        *,
        co2_pressure: str | float | None = None,
        **conditions: Any,
    ):
        extra = {}
        if co2_pressure is not None:
            if isinstance(co2_pressure, int | float) and not isinstance(co2_pressure, bool):
                co2_pressure = f"{co2_pressure} bar"
            extra["CO2 partial pressure [bar]"] = to_si(co2_pressure, "bar", "CO2 pressure")
        super().__init__(anode, parameters, extra=extra, **conditions)

    @property
    def initial_state(self) -> dict[str, float]:
        """Anode interphase thickness [m] of the fresh cell."""
        return {"anode interphase thickness [m]": self.interphase_initial_thickness_m}

    @property
    def open_circuit_voltage_V(self) -> float:
        """Equilibrium voltage [V] at the cell's temperature and CO2 pressure."""
        ps = self.parameters
        return thermo.equilibrium_potential_V(
            ps["Temperature [K]"], ps["CO2 partial pressure [bar]"], ps
        )

    # --------------------------------------------------------------------------------------
    def _run(
        self, step, segments, lower_V: float, upper_V: float, state, points_per_half_cycle: int = 24
    ) -> NaCO2Result:
        from solidna.models.na_co2 import na_co2_parameter_values, solve_na_co2

        tic = time.perf_counter()
        st = state or self.initial_state
        values = na_co2_parameter_values(
            self.parameters, self.anode, st["anode interphase thickness [m]"]
        )
        out = solve_na_co2(
            values,
            self.anode,
            segments,
            lower_V,
            upper_V,
            var_pts=self.var_pts,
            points_per_half_cycle=points_per_half_cycle,
        )
        m = values["MWCNT loading [kg.m-2]"]
        t = out["Time [s]"]
        i_mass = out["Current density [A.m-2]"] / m  # A/kg = mA/g
        # capacity within each half cycle: integrate |i| from the half cycle's start
        starts = np.concatenate([[0], np.flatnonzero(np.diff(np.sign(i_mass)) != 0) + 1])
        q = np.empty_like(t)
        for a, b in zip(starts, np.append(starts[1:], len(t)), strict=True):
            seg_t = t[a:b]
            t0 = _segment_start(seg_t[0], segments)
            q[a:b] = np.abs(i_mass[a:b]) * (seg_t - t0) / MAH_PER_G
        ts = pd.DataFrame(
            {
                "Time [h]": t / 3600,
                "Current [mA.g-1]": i_mass,
                "Voltage [V]": out["Voltage [V]"],
                "Capacity [mAh.g-1]": q,
            }
        )
        term = out["termination"]
        if "Minimum voltage" in term:
            status = f"cut-off {lower_V:g} V reached"
        elif "Maximum voltage" in term:
            status = f"charge limit {upper_V:g} V reached at {t[-1] / 3600:.2f} h"
        else:
            status = "completed"
        ps = self.parameters
        return self._result(
            NaCO2Result,
            ts,
            [step.describe()],
            tic,
            inputs={
                "CO2 pressure [bar]": ps["CO2 partial pressure [bar]"],
                "MWCNT loading [mg.cm-2]": ps["MWCNT loading [kg.m-2]"] * 100,
                "open-circuit voltage [V]": self.open_circuit_voltage_V,
            },
            status=status,
            final_state={"anode interphase thickness [m]": out["final anode thickness [m]"]},
        )

    def discharge(
        self,
        current: str | float = "50 mA/g",
        cutoff: str | float = "1.5 V",
        state: dict | None = None,
    ) -> NaCO2Result:
        """Full discharge at constant current to ``cutoff`` (Fig. 5c)."""
        step = FullDischarge(current, cutoff)
        ocv = self.open_circuit_voltage_V
        if step.cutoff_V >= ocv:
            raise OutOfRangeError(
                f"The cut-off ({step.cutoff_V:g} V) is at or above the open-circuit voltage "
                f"({ocv:.3f} V): the discharge would end before it starts. Use a lower cut-off, "
                'e.g. "1.5 V" as in the paper.'
            )
        m = self.parameters["MWCNT loading [kg.m-2]"]
        seg = [ScheduleSegment(0.0, step.duration_s, step.current_A_kg * m)]
        # the run stops at the cut-off, far inside the safety window: sample it densely
        return self._run(
            step, seg, step.cutoff_V, self._charge_limit(None), state, points_per_half_cycle=2000
        )

    def cycle(
        self,
        current: str | float = "200 mA/g",
        capacity: str | float = "1000 mAh/g",
        cycles: int = 50,
        charge_cutoff: str | float = "4.8 V",
        discharge_cutoff: str | float = "1.0 V",
        state: dict | None = None,
    ) -> NaCO2Result:
        """Capacity-limited discharge/charge cycling (Fig. 5d-f); the run stops if a voltage
        limit is reached (the cell has failed)."""
        step = CapacityCycling(current, capacity, cycles, discharge_cutoff, charge_cutoff)
        upper = self._charge_limit(step.charge_cutoff_V)
        m = self.parameters["MWCNT loading [kg.m-2]"]
        seg = [ScheduleSegment(0.0, step.duration_s, step.current_A_kg * m, step.half_cycle_s)]
        return self._run(step, seg, step.discharge_cutoff_V, upper, state)

    def _charge_limit(self, requested_V: float | None) -> float:
        limit = self.parameters["SSE anodic stability limit [V]"]
        if requested_V is None:
            return limit
        if requested_V > limit:
            raise OutOfRangeError(
                f"The charge cut-off {requested_V:g} V is above the SSE's anodic stability limit "
                f"({limit:g} V vs Na+/Na, Fig. S13): the electrolyte would decompose. Use a "
                f"charge cut-off of at most {limit:g} V."
            )
        return requested_V


def _segment_start(t_s: float, segments) -> float:
    """Start time [s] of the constant-current interval containing ``t_s``."""
    for seg in segments:
        if seg.start_s <= t_s < seg.end_s:
            if seg.half_cycle_s is None:
                return seg.start_s
            k = np.floor((t_s - seg.start_s) / seg.half_cycle_s)
            return seg.start_s + k * seg.half_cycle_s
    return segments[-1].start_s
