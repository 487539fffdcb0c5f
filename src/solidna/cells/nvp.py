"""Na|SSE|Na3V2(PO4)3 cells (Lu 2019, Fig. S31): the user-facing :class:`NVPCell` and its result.

    >>> import solidna.cells.nvp as nvp
    >>> cell = nvp.NVPCell(anode="modified")
    >>> result = cell.rate_test(c_rates=(0.1, 2), cycles_per_rate=1)
    >>> result.status
    'completed'
    >>> bool(result.capacity_at(0.1) > result.capacity_at(2))
    True

The model is PyBaMM's SPMe half-cell with the Na interphase of the symmetric cell on the metal
side and a growing cathode-SSE interphase (:mod:`solidna.models.nvp`). Capacities are per gram of
NVP; 1 C is the theoretical capacity (117.6 mAh/g) in one hour.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from solidna.cells.base import Cell, Result, _styled_axes
from solidna.errors import OutOfRangeError
from solidna.materials import electrolyte
from solidna.parameters import ParameterSet, lu2019
from solidna.protocols.nvp import (
    LOWER_CUTOFF,
    UPPER_CUTOFF,
    GalvanostaticCycling,
    RateTest,
    check_window,
)

__all__ = [
    "NVPCell",
    "NVPResult",
    "theoretical_capacity_mAh_g",
    "figS31_rate_test",
    "figS31_cycling",
    "figS31_observables",
    "FIGS31_RATE_C",
]

# Per-cycle table columns (units in brackets, per gram of NVP).
_CYCLE_COLUMNS = (
    "Cycle",
    "C-rate [h-1]",
    "Charge capacity [mAh.g-1]",
    "Discharge capacity [mAh.g-1]",
    "Coulombic efficiency [-]",
    "Negative interphase resistance [Ohm.cm2]",
    "Positive interphase resistance [Ohm.cm2]",
    "Active material remaining [-]",
)


def theoretical_capacity_mAh_g(parameters: ParameterSet | None = None) -> float:
    """Theoretical specific capacity of Na3V2(PO4)3 [mAh/g] (2 Na per formula unit: 117.6)."""
    from solidna.models.nvp import theoretical_capacity_mAh_g as q

    return q(parameters if parameters is not None else lu2019())


@dataclass
class NVPResult(Result):
    """Galvanostatic cycling or a rate test of a Na|SSE|NVP cell.

    Attributes
    ----------
    timeseries : pandas.DataFrame
        ``Time [h]``, ``Current density [mA.cm-2]`` (positive on discharge), ``Voltage [V]``,
        ``Cycle``.
    cycles : pandas.DataFrame
        One row per cycle (index ``Cycle``): C-rate, charge and discharge capacity [mAh/g],
        coulombic efficiency, interphase resistances [Ohm cm2] and remaining NVP fraction at the
        end of the cycle.
    status : str
        ``"completed"``, or why the protocol stopped (e.g. the voltage is beyond the cut-off as
        soon as the current flows).
    """

    cycles: pd.DataFrame | None = None
    theoretical_capacity_mAh_g: float = 0.0
    _plot_name = "capacity"

    def discharge_capacity(self) -> pd.Series:
        """Discharge capacity [mAh/g] per cycle (cycles not reached count 0)."""
        return self.cycles["Discharge capacity [mAh.g-1]"]

    def retention(self) -> float:
        """Discharge capacity of the last cycle over that of the first [-] (0 if the cell never
        discharged)."""
        q = self.discharge_capacity()
        return 0.0 if q.iloc[0] <= 0 else float(q.iloc[-1] / q.iloc[0])

    def capacity_at(self, c_rate: float) -> float:
        """Mean discharge capacity [mAh/g] of the cycles at ``c_rate`` (first block of that
        rate, as read off a rate-capability plot)."""
        cyc = self.cycles
        rates = cyc["C-rate [h-1]"].to_numpy()
        hit = np.isclose(rates, c_rate, rtol=1e-9)
        if not hit.any():
            raise OutOfRangeError(
                f"No cycles at {c_rate:g} C in this result; its C-rates are "
                f"{sorted(set(rates.tolist()))}."
            )
        first = int(np.argmax(hit))
        end = first
        while end < len(hit) and hit[end]:
            end += 1
        return float(cyc["Discharge capacity [mAh.g-1]"].iloc[first:end].mean())

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        cyc = self.cycles
        out["theoretical capacity [mAh.g-1]"] = round(self.theoretical_capacity_mAh_g, 4)
        out["cycles"] = {
            "cycle number": cyc.index.tolist(),
            **{
                name: [round(float(v), 6) for v in cyc[name]]
                for name in _CYCLE_COLUMNS[1:]
                if name in cyc
            },
        }
        out["capacity retention [-]"] = round(self.retention(), 6)
        return out

    def plot(self):
        """Discharge capacity per cycle (left) and the voltage profiles of the first and last
        cycles (right)."""
        from solidna.report.style import MODIFIED, PRISTINE

        colour = MODIFIED if self.inputs.get("anode") == "modified" else PRISTINE
        fig, (ax1, ax2) = _styled_axes((10, 3.8), ncols=2)
        cyc = self.cycles
        ax1.plot(cyc.index, cyc["Discharge capacity [mAh.g-1]"], "o-", ms=2.5, color=colour)
        ax1.axhline(self.theoretical_capacity_mAh_g, color="0.6", lw=0.6, ls="--")
        ax1.set_xlabel("Cycle")
        ax1.set_ylabel("Discharge capacity [mAh g$^{-1}$]")
        ax1.set_ylim(bottom=0)
        ts = self.timeseries
        last = int(ts["Cycle"].max()) if len(ts) else 1
        for c, style in ((1, "-"), (last, "--")):
            sel = ts["Cycle"] == c
            q = np.cumsum(
                np.abs(ts["Current density [mA.cm-2]"][sel]).to_numpy()
                * np.diff(ts["Time [h]"][sel].to_numpy(), prepend=ts["Time [h]"][sel].iloc[0])
            )
            ax2.plot(q, ts["Voltage [V]"][sel], style, color=colour, label=f"cycle {c}")
        ax2.set_xlabel("Charge passed in the cycle [mAh cm$^{-2}$]")
        ax2.set_ylabel("Voltage [V]")
        ax2.legend(fontsize=8)
        fig.suptitle(f"Na|SSE|NVP, {self.inputs.get('anode', '')} Na - {self.status}", fontsize=9)
        fig.tight_layout()
        return fig


class NVPCell(Cell):
    """A Na|SSE|Na3V2(PO4)3 cell (Lu 2019, Fig. S31) with pristine or FEC-treated Na.

    Parameters are those of :class:`~solidna.cells.base.Cell` except ``var_pts``: the half-cell
    model sets its own mesh (:mod:`solidna.models.nvp`). The NVP entries of the parameter set
    are in ``nvp.toml`` and ``fitted_nvp.toml``.
    """

    default_var_pts = None

    # ------------------------------------------------------------------------------------------
    @property
    def theoretical_capacity_mAh_g(self) -> float:
        """Theoretical capacity of the NVP [mAh/g] (117.6)."""
        return theoretical_capacity_mAh_g(self.parameters)

    @property
    def one_c_current_density_A_m2(self) -> float:
        """Current density of 1 C [A.m-2] for the cathode's NVP loading."""
        from solidna.models.nvp import areal_capacity_C_m2

        return areal_capacity_C_m2(self.parameters) / 3600

    def open_circuit_potential(self, stoichiometry: Any) -> Any:
        """OCP of NVP vs Na+/Na [V] at ``stoichiometry`` = c/c_max (1: Na3V2(PO4)3)."""
        from solidna.models.nvp import open_circuit_potential_V

        return open_circuit_potential_V(np.asarray(stoichiometry, float), self.parameters)

    def cycle(
        self,
        c_rate: str | float = 1.0,
        cycles: int = 200,
        lower_cutoff: str | float = LOWER_CUTOFF,
        upper_cutoff: str | float = UPPER_CUTOFF,
    ) -> NVPResult:
        """Constant-current charge/discharge at ``c_rate`` for ``cycles`` cycles (Fig. S31)."""
        return self.run(GalvanostaticCycling(c_rate, cycles, lower_cutoff, upper_cutoff))

    def rate_test(
        self,
        c_rates: tuple = (0.1, 0.2, 0.5, 1.0, 2.0, 0.1),
        cycles_per_rate: int = 5,
        lower_cutoff: str | float = LOWER_CUTOFF,
        upper_cutoff: str | float = UPPER_CUTOFF,
    ) -> NVPResult:
        """Cycling at a sequence of C-rates, ``cycles_per_rate`` cycles each (Fig. S31)."""
        return self.run(RateTest(c_rates, cycles_per_rate, lower_cutoff, upper_cutoff))

    def run(
        self, protocol: GalvanostaticCycling | RateTest, points_per_step: int = 40
    ) -> NVPResult:
        """Run a protocol from the fresh cell and tabulate it per cycle.

        Raises
        ------
        OutOfRangeError
            If the voltage window leaves the SSE's stability window (4.86 V anodic limit).
        """
        from solidna.models import nvp as model

        tic = time.perf_counter()
        ps = self.parameters
        check_window(
            protocol.lower_cutoff_V, protocol.upper_cutoff_V, electrolyte.anodic_limit_V(ps)
        )
        values = model.half_cell_parameter_values(ps, self.anode)
        area = values["Electrode area [m2]"]
        i_1c_A = values["Nominal cell capacity [A.h]"]  # 1 C current [A]
        halves = protocol.half_cycles()
        steps = [
            model.CurrentStep(
                current_A=(1 if h.label == "discharge" else -1) * h.c_rate * i_1c_A,
                max_duration_s=h.max_duration_s,
                lower_cutoff_V=h.lower_cutoff_V,
                upper_cutoff_V=h.upper_cutoff_V,
                label=h.label,
                cycle=h.cycle,
                c_rate=h.c_rate,
            )
            for h in halves
        ]
        solver = model.HalfCellSolver(values, self.anode)
        records, status = solver.run(steps, points_per_step=points_per_step)
        mass_g = model.active_mass_kg_m2(values) * area * 1e3
        timeseries = _timeseries(records, area)
        cycles = _cycle_table(records, halves, mass_g)
        return self._result(
            NVPResult,
            timeseries,
            [protocol.describe()],
            tic,
            inputs={
                "NVP loading [mg.cm-2]": model.active_mass_kg_m2(values) * 100,
                "1 C current density [mA.cm-2]": i_1c_A / area / 10,
            },
            status=status,
            cycles=cycles,
            theoretical_capacity_mAh_g=model.theoretical_capacity_mAh_g(values),
        )


def _timeseries(records: list, area_m2: float) -> pd.DataFrame:
    parts = []
    for rec in records:
        if rec.time_s.size == 0:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "Time [h]": rec.time_s / 3600,
                    "Current density [mA.cm-2]": np.full(
                        rec.time_s.size, rec.step.current_A / area_m2 / 10
                    ),
                    "Voltage [V]": rec.voltage_V,
                    "Cycle": np.full(rec.time_s.size, rec.step.cycle, dtype=int),
                }
            )
        )
    if not parts:
        cols = ["Time [h]", "Current density [mA.cm-2]", "Voltage [V]", "Cycle"]
        return pd.DataFrame({c: [] for c in cols})
    return pd.concat(parts, ignore_index=True)


def _cycle_table(records: list, halves: list, mass_g: float) -> pd.DataFrame:
    """Per-cycle capacities [mAh/g] and end-of-cycle states; cycles not reached count 0."""
    n_cycles = max(h.cycle for h in halves)
    rate = {h.cycle: h.c_rate for h in halves}
    table = pd.DataFrame(
        0.0, index=pd.Index(range(1, n_cycles + 1), name="Cycle"), columns=list(_CYCLE_COLUMNS[1:])
    )
    table["C-rate [h-1]"] = [rate[c] for c in table.index]
    # states of cycles never reached are unknown, not zero
    for col in _CYCLE_COLUMNS[5:]:
        table[col] = np.nan
    for rec in records:
        q = rec.capacity_Ah / mass_g * 1000  # Ah -> mAh per g
        col = (
            "Charge capacity [mAh.g-1]"
            if rec.step.label == "charge"
            else ("Discharge capacity [mAh.g-1]")
        )
        table.loc[rec.step.cycle, col] = q
        if rec.end_state:
            st = rec.end_state
            table.loc[rec.step.cycle, "Negative interphase resistance [Ohm.cm2]"] = (
                st["negative interphase resistance [Ohm.m2]"] * 1e4
            )
            table.loc[rec.step.cycle, "Positive interphase resistance [Ohm.cm2]"] = (
                st["positive interphase resistance [Ohm.m2]"] * 1e4
            )
            table.loc[rec.step.cycle, "Active material remaining [-]"] = st[
                "active material remaining [-]"
            ]
    charge = table["Charge capacity [mAh.g-1]"].to_numpy()
    discharge = table["Discharge capacity [mAh.g-1]"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["Coulombic efficiency [-]"] = np.where(charge > 0, discharge / charge, 0.0)
    return table


# -- the paper's experiments (Fig. S31) as functions of a parameter set ---------------------------
def figS31_rate_test(parameters: ParameterSet, anode: str, points_per_step: int = 40) -> NVPResult:
    """Rate test of Fig. S31 (:func:`solidna.protocols.nvp.figS31_rate_test`)."""
    from solidna.protocols.nvp import figS31_rate_test as protocol

    return NVPCell(anode, parameters).run(protocol(), points_per_step=points_per_step)


def figS31_cycling(parameters: ParameterSet, anode: str, points_per_step: int = 40) -> NVPResult:
    """200 cycles of Fig. S31 (:func:`solidna.protocols.nvp.figS31_cycling`)."""
    from solidna.protocols.nvp import figS31_cycling as protocol

    return NVPCell(anode, parameters).run(protocol(), points_per_step=points_per_step)


#: C-rate of the Fig. S31 rate-capability number (94 mAh/g at 2.0 C) [h-1].
FIGS31_RATE_C = 2.0


def figS31_observables(rate_test: NVPResult, cycling: NVPResult) -> dict[str, float]:
    """The Fig. S31 numbers of one anode: capacity retention after the 200 cycles [-] (last
    over first discharge capacity) and the mean discharge capacity at 2 C in the rate test
    [mAh/g]."""
    return {
        "retention": cycling.retention(),
        "capacity at 2 C [mAh.g-1]": rate_test.capacity_at(FIGS31_RATE_C),
    }
