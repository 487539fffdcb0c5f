"""The figures a sweep records for each point, read from the cell's :class:`~solidna.cells.Result`.

Every output is a named variable of the store with its unit (PyBaMM style,
``"Time to overpotential above 150 mV [h]"``) and the direction that is better (``"max"`` or
``"min"``, used by the Pareto front). A criterion not reached within the run gives NaN (the run
was too short to see it: a censored value, not a failure).

Per-cycle quantities come from the cells' own per-cycle tables (the symmetric cell's
:meth:`~solidna.cells.symmetric.CyclingResult.cycles`, the Na-CO2 and NVP tables), so a sweep
reports exactly what the single-cell API reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "Output",
    "PER_CYCLE",
    "ENERGY",
    "CYCLE_END_TIME",
    "per_cycle_table",
    "evaluate",
    "point_values",
]

#: Name of the cycle's end time in the per-cycle table [h].
CYCLE_END_TIME = "Cycle end time [h]"

#: Per-cycle columns of each cell type (beside the cycle's end time) and the better direction.
PER_CYCLE: dict[str, dict[str, str]] = {
    "symmetric": {"Overpotential [mV]": "min"},
    "na-co2": {"Discharge capacity [mAh.g-1]": "max", "Gap [V]": "min"},
    "nvp": {"Discharge capacity [mAh.g-1]": "max"},
}

#: The energy each cell type reports: name and better direction. The symmetric cell stores no
#: energy, so its figure of merit is the energy dissipated by its overpotential (integral of
#: V j dt); the full cells report the energy delivered on discharge (integral of V i dt, i > 0).
ENERGY: dict[str, tuple[str, str]] = {
    "symmetric": ("Dissipated energy [Wh.m-2]", "min"),
    "na-co2": ("Discharge energy [Wh.kg-1]", "max"),
    "nvp": ("Discharge energy [Wh.m-2]", "max"),
}

#: What each cell's energy figure is, said beside its maps: a total over every cycle of the run
#: (20 capacity-limited Na-CO2 cycles of 1000 mAh/g give ~44 500 Wh/kg, absurd if read as one
#: discharge). Per MWCNT mass for the Na-CO2 cell (its currents are per MWCNT mass), per
#: electrode area for the others.
ENERGY_NOTES: dict[str, str] = {
    "symmetric": "energy dissipated by the overpotential (integral of V j dt) summed over the "
    "whole run, per electrode area",
    "na-co2": "energy delivered on discharge (integral of V i dt, i > 0) summed over the whole "
    "run (every cycle of the protocol), per MWCNT mass",
    "nvp": "energy delivered on discharge (integral of V i dt, i > 0) summed over the whole run "
    "(every cycle of the protocol), per electrode area",
}


@dataclass(frozen=True)
class Output:
    """One output of a sweep.

    Attributes
    ----------
    kind : str
        ``"time_to"``, ``"cycles_to"``, ``"at"``, ``"energy"`` or ``"per_cycle"``.
    quantity : str
        For ``time_to``/``cycles_to``: ``"overpotential_above"``, ``"capacity_below"`` or
        ``"voltage_limit"``; for ``at``: the per-cycle column read; otherwise ``""``.
    threshold : float
        The criterion's threshold (mV for an overpotential, % for a capacity), or NaN.
    at_time_h, at_cycle : float or int, optional
        Where an ``at`` output is read (the cycle under way at that time, or that cycle).
    name : str
        The store variable, with its unit in brackets.
    sense : str
        ``"max"`` or ``"min"``: which direction is better.
    """

    kind: str
    name: str
    sense: str
    quantity: str = ""
    threshold: float = math.nan
    at_time_h: float | None = None
    at_cycle: int | None = None

    @property
    def unit(self) -> str:
        """The unit in the name's brackets."""
        return self.name[self.name.rfind("[") + 1 : -1]


def _energy_Wh(t_h: np.ndarray, power: np.ndarray) -> float:
    """Trapezoidal integral of ``power`` over ``t_h`` [h] (W/m2 -> Wh/m2, mW/g -> Wh/kg)."""
    return float(np.trapezoid(power, t_h)) if t_h.size >= 2 else 0.0


def energy(result, cell: str) -> float:
    """The energy figure of :data:`ENERGY` for one run."""
    ts = result.timeseries
    t = ts["Time [h]"].to_numpy()
    v = ts["Voltage [V]"].to_numpy()
    if cell == "na-co2":
        i = ts["Current [mA.g-1]"].to_numpy()  # mA/g * V * h = mWh/g = Wh/kg
    else:
        i = ts["Current density [mA.cm-2]"].to_numpy() * 10  # A/m2
    if cell == "symmetric":
        return _energy_Wh(t, v * i)
    return _energy_Wh(t, v * np.where(i > 0, i, 0.0))


def per_cycle_table(result, cell: str) -> pd.DataFrame:
    """Cycle number (index, from 1) -> :data:`CYCLE_END_TIME` and the :data:`PER_CYCLE` columns.

    Parameters
    ----------
    result : object
        A run's result.
    cell : {"symmetric", "nvp", "na-co2"}
        The cell kind.

    Returns
    -------
    pandas.DataFrame
        Cycle end time [h] and per-cycle quantities (units in the headers).
    """
    ts = result.timeseries
    if cell == "symmetric":
        if not np.any(ts["Current density [mA.cm-2]"].to_numpy() != 0):
            return pd.DataFrame(columns=[CYCLE_END_TIME, "Overpotential [mV]"])
        cyc = result.cycles()
        table = pd.DataFrame(
            {CYCLE_END_TIME: cyc["Time [h]"], "Overpotential [mV]": cyc["Overpotential [mV]"]}
        )
    elif cell == "nvp":
        cyc = result.cycles()
        # the table's cycle end times: a jumped run's time series lacks the skipped cycles
        table = pd.DataFrame(
            {
                CYCLE_END_TIME: cyc["Time [h]"].to_numpy(),
                "Discharge capacity [mAh.g-1]": cyc["Discharge capacity [mAh.g-1]"].to_numpy(),
            },
            index=cyc.index,
        )
    else:
        from solidna.analysis.cycling import split_half_cycles

        cyc = result.cycles()
        t = ts["Time [h]"].to_numpy()
        halves = split_half_cycles(t * 3600, ts["Current [mA.g-1]"].to_numpy())
        ends = {int(h[1]): float(t[h[5]]) for h in halves.itertuples(index=False)}
        table = pd.DataFrame({CYCLE_END_TIME: [ends.get(int(c), np.nan) for c in cyc.index]})
        table.index = cyc.index
        for col in PER_CYCLE["na-co2"]:
            table[col] = cyc[col] if col in cyc else np.nan
    table.index = table.index.astype(int)
    return table


def _first_cycle(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def evaluate(out: Output, result, table: pd.DataFrame, cell: str) -> float:
    """The value of a scalar output for one run (NaN: not reached within the run).

    Parameters
    ----------
    out : Output
        The output.
    result : object
        A run's result.
    table : pandas.DataFrame
        The run's :func:`per_cycle_table`.
    cell : str
        The cell kind.

    Returns
    -------
    float
        The value in the output's unit (times [h], cycles [-], others as in the table).
    """
    if out.kind == "energy":
        return energy(result, cell)
    if out.kind == "at":
        if out.at_cycle is not None:
            return float(table[out.quantity].get(out.at_cycle, np.nan))
        ends = table[CYCLE_END_TIME].to_numpy()
        # the cycle under way at that time: the first one ending at or after it
        k = _first_cycle(ends >= out.at_time_h * (1 - 1e-12))
        return math.nan if k is None else float(table[out.quantity].iloc[k])
    # time_to / cycles_to a criterion
    if out.quantity == "voltage_limit":
        if result.status == "completed":
            return math.nan
        if out.kind == "time_to":
            return float(result.timeseries["Time [h]"].iloc[-1])
        return float(table.index[-1]) if len(table) else 0.0
    if out.quantity == "overpotential_above":
        k = _first_cycle(table["Overpotential [mV]"].to_numpy() > out.threshold)
    else:  # capacity_below, relative to the first cycle's discharge capacity
        q = table["Discharge capacity [mAh.g-1]"].to_numpy()
        k = None if q.size == 0 or q[0] <= 0 else _first_cycle(q < q[0] * out.threshold / 100)
    if k is None:
        return math.nan
    if out.kind == "time_to":
        return float(table[CYCLE_END_TIME].iloc[k])
    return float(table.index[k])


def point_values(outputs: tuple[Output, ...], result, cell: str) -> dict[str, object]:
    """Every output of one run: name -> number, or per-cycle array (cycle 1 first).

    Parameters
    ----------
    outputs : tuple of Output
        The outputs.
    result : object
        A run's result.
    cell : str
        The cell kind.

    Returns
    -------
    dict
        Output name -> value (each in its output's unit).
    """
    table = per_cycle_table(result, cell)
    values: dict[str, object] = {}
    per_cycle = [o for o in outputs if o.kind == "per_cycle"]
    if per_cycle and len(table):
        full = table.reindex(range(1, int(table.index.max()) + 1))
        for out in per_cycle:
            values[out.name] = full[out.name].to_numpy(float)
        values[CYCLE_END_TIME] = full[CYCLE_END_TIME].to_numpy(float)
    for out in outputs:
        if out.kind != "per_cycle":
            values[out.name] = evaluate(out, result, table, cell)
    return values
