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

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.cells.base import Cell, Result, _styled_axes, checked_arguments, checked_run_options
from solidna.cells.jump import (
    Block,
    JumpTolerance,
    fill_cycles,
    follow_envelope,
    use_jumping,
)
from solidna.errors import InvalidOptionError, OutOfRangeError, positive_int
from solidna.materials import electrolyte
from solidna.parameters import ParameterSet, lu2019
from solidna.progress import Progress, no_progress
from solidna.protocols.nvp import (
    LOWER_CUTOFF,
    UPPER_CUTOFF,
    GalvanostaticCycling,
    RateTest,
    check_window,
    parse_c_rate,
)
from solidna.protocols.steps import MAX_POINTS_PER_STEP

__all__ = [
    "NVPCell",
    "NVPResult",
    "theoretical_capacity_mAh_g",
    "figS31_rate_test",
    "figS31_cycling",
    "figS31_observables",
    "FIGS31_RATE_C",
    "NVP_JUMP_TOLERANCE",
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
    "Time [h]",
)


@fill_doc
def theoretical_capacity_mAh_g(parameters: ParameterSet | None = None) -> float:
    """Theoretical specific capacity of Na3V2(PO4)3 [mAh/g] (2 Na per formula unit: 117.6).

    Parameters
    ----------
    %(parameter_set)s

    Returns
    -------
    float
        Theoretical capacity [mAh/g].
    """
    from solidna.models.nvp import theoretical_capacity_mAh_g as q

    return q(parameters if parameters is not None else lu2019())


@dataclass(repr=False)
class NVPResult(Result):
    """Galvanostatic cycling or a rate test of a Na|SSE|NVP cell.

    Attributes
    ----------
    timeseries : pandas.DataFrame
        ``Time [h]``, ``Current density [mA.cm-2]`` (positive on discharge), ``Voltage [V]``,
        ``Cycle``.
    cycle_table : pandas.DataFrame
        The per-cycle table that :meth:`cycles` returns: one row per cycle (index ``Cycle``):
        C-rate, charge and discharge capacity [mAh/g], coulombic efficiency, interphase
        resistances [Ohm cm2], remaining NVP fraction and time [h] at the end of the cycle;
        ``Interpolated``: True for the cycles a jumped run skipped.
    status : str
        ``"completed"``, or why the protocol stopped (e.g. the voltage is beyond the cut-off as
        soon as the current flows); a completed run with steps that reached their cut-off
        having passed less than 5 % of the theoretical capacity
        (:data:`solidna.models.nvp.SHORT_STEP_FRACTION`) reads ``"completed; ..."`` followed by
        what limited the first of them (:attr:`limits`).
    limits : list of dict
        One entry per such step: ``"note"`` (what limited it, in words) and the numbers it is
        made of: ``"step"`` (its 1-based index), ``"label"``, ``"cycle"``, ``"C-rate [h-1]"``,
        ``"capacity [mAh.g-1]"``, ``"cut-off [V]"``, ``"open-circuit voltage [V]"`` (the NVP's
        bulk OCV at the step's end) and ``"losses [V]"``: the parts of the gap between the two
        by process (:data:`solidna.models.nvp.LOSS_TERMS`), largest first, positive where they
        work against the current; they sum to the gap. Empty when no step was so limited.
    """

    cycle_table: pd.DataFrame | None = None
    theoretical_capacity_mAh_g: float = 0.0
    limits: list[dict[str, Any]] = field(default_factory=list)
    _plot_name = "capacity"

    def cycles(self) -> pd.DataFrame:
        """One row per cycle (index ``Cycle``): C-rate, charge and discharge capacity [mAh/g],
        coulombic efficiency, interphase resistances [Ohm cm2], remaining NVP fraction, time [h]
        at the end of the cycle and ``Interpolated`` (a copy of :attr:`cycle_table`)."""
        return self.cycle_table.copy()

    def discharge_capacity(self) -> pd.Series:
        """Discharge capacity [mAh/g] per cycle (cycles not reached count 0)."""
        return self.cycle_table["Discharge capacity [mAh.g-1]"]

    def retention(self) -> float:
        """Discharge capacity of the last cycle over that of the first [-] (0 if the cell never
        discharged)."""
        q = self.discharge_capacity()
        return 0.0 if q.iloc[0] <= 0 else float(q.iloc[-1] / q.iloc[0])

    def capacity_at(self, c_rate: float) -> float:
        """Mean discharge capacity [mAh/g] of the cycles at ``c_rate`` (first block of that
        rate, as read off a rate-capability plot).

        Parameters
        ----------
        c_rate : float or str
            C-rate [h-1] (1 C = the theoretical capacity in one hour), e.g. ``2`` or ``"2 C"``.

        Returns
        -------
        float
            Mean discharge capacity [mAh/g].
        """
        c_rate = parse_c_rate(c_rate, warn=False)
        cyc = self.cycle_table
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
        cyc = self.cycle_table
        out["theoretical capacity [mAh.g-1]"] = round(self.theoretical_capacity_mAh_g, 4)
        out["cycles"] = {
            "cycle number": cyc.index.tolist(),
            **{
                name: [round(float(v), 6) for v in cyc[name]]
                for name in _CYCLE_COLUMNS[1:]
                if name in cyc
            },
        }
        if "Interpolated" in cyc and cyc["Interpolated"].any():
            out["cycles"]["interpolated"] = cyc["Interpolated"].tolist()
        out["capacity retention [-]"] = round(self.retention(), 6)
        if self.limits:
            out["limited steps"] = self.limits
        return out

    def plot(self):
        """Discharge capacity per cycle (left) and the voltage profiles of the first and last
        cycles (right)."""
        from matplotlib.ticker import MaxNLocator

        from solidna.report.style import MODIFIED, PRISTINE

        colour = MODIFIED if self.inputs.get("anode") == "modified" else PRISTINE
        fig, (ax1, ax2) = _styled_axes((10, 3.8), ncols=2)
        cyc = self.cycle_table
        ax1.plot(cyc.index, cyc["Discharge capacity [mAh.g-1]"], "o-", ms=2.5, color=colour)
        ax1.axhline(
            self.theoretical_capacity_mAh_g, color="0.6", lw=0.6, ls="--", label="theoretical"
        )
        ax1.set_xlabel("Cycle number")
        ax1.xaxis.set_major_locator(MaxNLocator(integer=True))  # no cycle 2.5
        ax1.set_ylabel("Discharge capacity [mAh g$^{-1}$]")
        ax1.set_ylim(0, 1.15 * self.theoretical_capacity_mAh_g)
        ax1.legend(fontsize=8, loc="lower left")
        rates = cyc["C-rate [h-1]"].to_numpy() if "C-rate [h-1]" in cyc else np.array([])
        if rates.size and np.unique(rates).size > 1:
            # a rate test (Fig. S31b): name the C-rate of each block over its cycles
            edges = np.flatnonzero(np.r_[True, rates[1:] != rates[:-1], True])
            for a, b in zip(edges[:-1], edges[1:], strict=False):
                ax1.annotate(
                    f"{rates[a]:g} C",
                    (float(np.mean(cyc.index[a:b])), 1.05 * self.theoretical_capacity_mAh_g),
                    ha="center",
                    fontsize=8,
                )
        ts = self.timeseries
        last = int(ts["Cycle"].max()) if len(ts) else 1
        loading = self.inputs.get("NVP loading [mg.cm-2]")
        # specific capacity (Fig. S31's axis) where the loading is known, else per area
        scale, unit = (1e3 / loading, "mAh g$^{-1}$") if loading else (1.0, "mAh cm$^{-2}$")
        for c, style in ((1, "-"), (last, "--")):
            cycle = ts[ts["Cycle"] == c]
            j = cycle["Current density [mA.cm-2]"].to_numpy()
            dt = np.diff(cycle["Time [h]"].to_numpy(), prepend=cycle["Time [h]"].iloc[0])
            # charge and discharge each from zero, as the field draws a voltage profile
            starts = np.flatnonzero(np.diff(np.sign(j)) != 0) + 1
            label = f"cycle {c}"
            for half in np.split(np.arange(len(j)), starts):
                if not half.size or j[half[0]] == 0:
                    continue
                q = np.cumsum(np.abs(j[half]) * dt[half]) * scale
                v = cycle["Voltage [V]"].to_numpy()[half]
                ax2.plot(q, v, style, color=colour, label=label)
                label = None  # one legend entry per cycle
        ax2.set_xlabel(f"Capacity [{unit}]")
        ax2.set_ylabel("Voltage [V]")
        ax2.legend(fontsize=8)
        step = self.protocol_step()
        conditions = [f"{step['C-rate [h-1]']:g} C"] if "C-rate [h-1]" in step else []
        if "lower cut-off [V]" in step and "upper cut-off [V]" in step:
            conditions.append(f"{step['lower cut-off [V]']:g}-{step['upper cut-off [V]']:g} V")
        fig.suptitle(self.plot_title("{anode}|SSE|NVP", *conditions), fontsize=10)
        fig.tight_layout()
        return fig


class NVPCell(Cell):
    """A Na|SSE|Na3V2(PO4)3 cell (Lu 2019, Fig. S31) with pristine or FEC-treated Na.

    Parameters are those of :class:`~solidna.cells.base.Cell` except ``var_pts``: the half-cell
    model sets its own mesh (:mod:`solidna.models.nvp`). The NVP entries of the parameter set
    are in ``nvp.toml`` and ``fitted_nvp.toml``.
    """

    default_var_pts = None
    pybamm_model = "NVPHalfCellModel"
    pybamm_cell = "nvp"
    validated_temperature_reason = (
        "the SSE conductivity is measured over 10-60 C (Fig. 3g); the NVP diffusivity and "
        "kinetics and both interphases follow assumed activation energies anchored at 25 C"
    )

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
        """OCP of NVP vs Na+/Na [V] at ``stoichiometry`` = c/c_max (1: Na3V2(PO4)3).

        Parameters
        ----------
        stoichiometry : float or array_like of float
            Sodium content of the cathode as c/c_max [-], in [0, 1].

        Returns
        -------
        float or numpy.ndarray
            Open-circuit potential [V] vs Na+/Na, the shape of ``stoichiometry``.
        """
        from solidna.models.nvp import open_circuit_potential_V

        try:
            x = np.asarray(stoichiometry, float)
        except (TypeError, ValueError):
            x = np.array(np.nan)
        if not np.all((x >= 0) & (x <= 1)):
            raise OutOfRangeError(
                f"stoichiometry must be numbers in [0, 1] (c/c_max; 1 is Na3V2(PO4)3), got "
                f"{stoichiometry!r}."
            )
        return open_circuit_potential_V(x, self.parameters)

    @fill_doc
    @checked_arguments
    def cycle(
        self,
        c_rate: str | float = 1.0,
        cycles: int = 200,
        lower_cutoff: str | float = LOWER_CUTOFF,
        upper_cutoff: str | float = UPPER_CUTOFF,
        jump: bool | None = None,
    ) -> NVPResult:
        """Constant-current charge/discharge at ``c_rate`` for ``cycles`` cycles (Fig. S31).

        %(Parameters: c_rate, cycles, cutoffs)s
        %(jump)s

        Returns
        -------
        NVPResult
            The time series and per-cycle table (capacities in mAh/g, resistances, active
            material); ``retention()`` after the last cycle.
        """
        return self.run(GalvanostaticCycling(c_rate, cycles, lower_cutoff, upper_cutoff), jump=jump)

    @fill_doc
    @checked_arguments
    def rate_test(
        self,
        c_rates: tuple = (0.1, 0.2, 0.5, 1.0, 2.0, 0.1),
        cycles_per_rate: int = 5,
        lower_cutoff: str | float = LOWER_CUTOFF,
        upper_cutoff: str | float = UPPER_CUTOFF,
    ) -> NVPResult:
        """Cycling at a sequence of C-rates, ``cycles_per_rate`` cycles each (Fig. S31).

        %(Parameters: c_rates, cycles_per_rate, cutoffs)s

        Returns
        -------
        NVPResult
            The time series and per-cycle table, with the C-rate of each cycle.
        """
        return self.run(RateTest(c_rates, cycles_per_rate, lower_cutoff, upper_cutoff))

    @fill_doc
    @checked_arguments
    def run(
        self,
        protocol: GalvanostaticCycling | RateTest,
        points_per_step: int = 40,
        jump: bool | None = None,
        jump_tolerance: JumpTolerance | None = None,
        progress: Progress | None = None,
    ) -> NVPResult:
        """Run a protocol from the fresh cell and tabulate it per cycle.

        Parameters
        ----------
        protocol : GalvanostaticCycling or RateTest
            What to run.
        %(points_per_step)s
            A step is a half cycle.
        %(jump)s
            Only galvanostatic cycling is jumped: a rate test (a change of C-rate every few
            cycles) is always resolved in full. A jumped result's time series holds the resolved
            cycles only; its per-cycle table has every cycle, the skipped ones interpolated and
            marked ``Interpolated``.
        %(jump_tolerance)s
            Default :data:`NVP_JUMP_TOLERANCE`.
        %(progress)s
            A jumped run reports the cycles done, a resolved run each cycle.

        Raises
        ------
        OutOfRangeError
            If the voltage window leaves the SSE's stability window (4.86 V anodic limit).
        """
        from solidna.models import nvp as model

        tic = time.perf_counter()
        if not isinstance(protocol, GalvanostaticCycling | RateTest):
            raise InvalidOptionError(
                f"NVPCell.run takes a GalvanostaticCycling or RateTest protocol, got "
                f"{type(protocol).__name__}. Example: cell.run(GalvanostaticCycling(1, 200))."
            )
        jump, jump_tolerance, progress = checked_run_options(jump, jump_tolerance, progress)
        points_per_step = positive_int(
            points_per_step, "points_per_step", "Example: 40.", MAX_POINTS_PER_STEP
        )
        ps = self.parameters
        check_window(
            protocol.lower_cutoff_V, protocol.upper_cutoff_V, electrolyte.anodic_limit_V(ps)
        )
        values = model.half_cell_parameter_values(ps, self.anode)
        area = values["Electrode area [m2]"]
        i_1c_A = values["Nominal cell capacity [A.h]"]  # 1 C current [A]
        halves = protocol.half_cycles()
        # a half cycle (label, cycle, C-rate, cut-offs) run at its current
        steps = [
            model.CurrentStep(
                current_A=(1 if h.label == "discharge" else -1) * h.c_rate * i_1c_A,
                max_duration_s=h.max_duration_s,
                **asdict(h),
            )
            for h in halves
        ]
        solver = model.HalfCellSolver(values, self.anode)
        mass_g = model.active_mass_kg_m2(values) * area * 1e3
        inputs: dict[str, Any] = {
            "NVP loading [mg.cm-2]": model.active_mass_kg_m2(values) * 100,
            "1 C current density [mA.cm-2]": i_1c_A / area / 10,
        }
        if isinstance(protocol, GalvanostaticCycling) and use_jumping(jump, protocol.cycles):
            tol = jump_tolerance or NVP_JUMP_TOLERANCE
            blocks = _NVPBlocks(solver, steps, mass_g, points_per_step, tol)
            run = follow_envelope(
                blocks,
                # the first block starts from the fresh cell (the state's size: model + time)
                np.zeros(solver.state_size + 1),
                protocol.cycles,
                settle=NVP_SETTLING_CYCLES,
                tolerance=tol,
                margins=[0, 1],
                progress=progress,
            )
            records = [rec for _, block, _ in run.blocks for rec in block.data]
            status = blocks.status if run.event else "completed"
            cycles = _fill_skipped(_cycle_table(records, halves, mass_g), records, run.n_cycles)
            inputs["cycle jumping"] = run.record()
        else:
            report = progress or no_progress
            n = max(h.cycle for h in halves)  # two steps (half cycles) a cycle
            records, status = solver.run(
                steps,
                points_per_step=points_per_step,
                progress=lambda f: report(f"cycle {math.ceil(f * n)} of {n}", f),
                # a C-rate the cell cannot take does not end a rate test: the next one runs
                next_rate=isinstance(protocol, RateTest),
            )
            cycles = _cycle_table(records, halves, mass_g).assign(Interpolated=False)
        timeseries = _timeseries(records, area)
        limits = _limits(records, mass_g, model.theoretical_capacity_mAh_g(values), ps)
        if limits and status.startswith("completed"):
            more = len(limits) - 1
            status = f"{status}; {limits[0]['note']}" + (
                f" ({more} later step{'s' if more > 1 else ''} ended so too: see .limits)"
                if more
                else ""
            )
        return self._result(
            NVPResult,
            timeseries,
            [protocol.describe()],
            tic,
            inputs=inputs,
            status=status,
            cycle_table=cycles,
            theoretical_capacity_mAh_g=model.theoretical_capacity_mAh_g(values),
            limits=limits,
        )


#: Tolerance of a jump of NVP cycling: 0.5 % of the cycle-end state (the interphase
#: thicknesses, the NVP volume fraction, the particle and electrolyte profiles, each scaled by
#: its size after the first cycle) and of the per-cycle capacities, plus 1e-5 of that size. This
#: bounds the first-order (Euler) estimate; the accepted jump is second order, and the capacities
#: of the 200 cycles of Fig. S31 agree with a full solve to 0.02 % (tests/physics/
#: test_cycle_jumping_cells.py, acceptance 0.5 %).
NVP_JUMP_TOLERANCE = JumpTolerance(rtol=5e-3, state_atol=1e-5, output_atol=1e-3)
#: Leading cycles of a block after a jump whose change is not used: an extrapolated state
#: misses the fast modes (e.g. the near-surface particle profile), which relax within a cycle;
#: a per-cycle change read across that relaxation would be extrapolated over the next jump.
NVP_SETTLING_CYCLES = 1
#: Cycles of the first resolved block of a jumped NVP run (the first charge is a transient).
FIRST_BLOCK_CYCLES = 4
#: Absolute tolerance of the running counters of a jump [cycles' worth]: they only report.
COUNTER_ATOL_CYCLES = 0.05
_COUNTERS = (
    "Discharge capacity [A.h]",
    "Throughput capacity [A.h]",
    "Loss of lithium due to loss of active material in positive electrode [mol]",
)


class _NVPBlocks:
    """Resolved blocks of cycles of NVP galvanostatic cycling, for cycle jumping
    (:func:`~solidna.cells.jump.follow_envelope`).

    The envelope's state is the whole model state at the end of a cycle (after the discharge to
    the lower cut-off) and its time: the slow states - Na interphase thickness (and, next to
    pristine Na, the degraded SSE zone it implies), cathode film thickness, NVP volume fraction
    (lost active material), the sodium lost with it - and the particle and electrolyte profiles,
    which at a cycle end follow the slow states (the cut-off fixes them); the fast parts of
    them relax within the first cycle after a jump (:data:`NVP_SETTLING_CYCLES`). Each entry is
    scaled by the size of its variable after the first cycle, so that one tolerance fits all;
    the running counters (time, charge passed, sodium lost with the NVP), which only report, by
    :data:`COUNTER_ATOL_CYCLES` of one cycle's worth as their absolute tolerance. Outputs per
    cycle: charge and discharge capacity [mAh/g], both margins (a cell that can no longer cycle
    has none left).

    The first block resolves :data:`FIRST_BLOCK_CYCLES` cycles: the first charge starts from the
    as-assembled NVP and is longer than the others, so the per-cycle change is read after it.
    """

    def __init__(
        self, solver: Any, steps: list, mass_g: float, points_per_step: int, tol: JumpTolerance
    ):
        self.solver, self.steps, self.mass_g = solver, steps, mass_g
        self.points, self.tol = points_per_step, tol
        self.n_cycles = max(s.cycle for s in steps)
        self.scale: np.ndarray | None = None
        self.status = "completed"

    def _scale(self, x: np.ndarray, x_prev: np.ndarray, t_cycle_s: float) -> np.ndarray:
        counter = COUNTER_ATOL_CYCLES / max(self.tol.state_atol, 1e-12)
        scale = np.empty(x.size + 1)
        for name, slices in self.solver.state_slices().items():
            for sl in slices:
                if name in _COUNTERS:  # one cycle's worth: what the last cycle added (the
                    # net charge counter adds little: its size is a cycle's charge)
                    added = float(np.max(np.abs(x[sl] - x_prev[sl])))
                    if "capacity [A.h]" in name:
                        added = max(added, abs(self.steps[0].current_A) * t_cycle_s / 3600)
                    scale[sl] = counter * max(added, 1e-30)
                else:
                    scale[sl] = max(float(np.max(np.abs(x[sl]))), 1e-30)
        scale[-1] = counter * t_cycle_s
        return scale

    def __call__(self, y: np.ndarray, c: int, k: int) -> Block:
        from solidna.errors import ConvergenceError

        if c == 0 and k < self.n_cycles:
            k = max(k, min(FIRST_BLOCK_CYCLES, self.n_cycles - 1))
        steps = [s for s in self.steps if c < s.cycle <= c + k]
        start = None if c == 0 else self.solver.start_at(y * self.scale, steps[0])
        try:
            records, status = self.solver.run(steps, points_per_step=self.points, start=start)
        except ConvergenceError as exc:
            if start is None:
                raise
            # a jump landed where the cell can no longer be cycled: the event lies inside
            records, status = [], f"stopped in cycle {c + 1}: {exc}"
        states, outputs, raw = [], [], []
        for cyc in range(c + 1, c + k + 1):
            mine = [r for r in records if r.step.cycle == cyc]
            done = [r.end_vector for r in mine if r.end_vector.size]
            if not done:
                break
            raw.append(done[-1])
            if self.scale is None and len(raw) == 2:
                self.scale = self._scale(raw[1][:-1], raw[0][:-1], raw[1][-1] - raw[0][-1])
            q = {r.step.label: r.capacity_Ah / self.mass_g * 1000 for r in mine}
            outputs.append([q.get("charge", 0.0), q.get("discharge", 0.0)])
        if raw and self.scale is None:  # a run of one cycle: nothing to jump
            self.scale = np.ones_like(raw[0])
        states = [r / self.scale for r in raw]
        event = status != "completed"
        if event:
            self.status = status
        if not states:  # stopped before any step of the block ran
            states, outputs = [np.asarray(y, float)], [[0.0, 0.0]]
        return Block(np.array(states), np.array(outputs, float), records, event)


def _fill_skipped(table: pd.DataFrame, records: list, n_cycles: int) -> pd.DataFrame:
    """The per-cycle table of a jumped run: the cycles a block resolved (``records``) as they
    are, the skipped ones up to ``n_cycles`` interpolated (PCHIP in cycle number) and marked
    ``Interpolated``.

    The capacities of a skipped cycle are not interpolated each on its own: their small
    difference (the charge lost per cycle, ~0.05 % of the capacity at 1 C) is far below the
    error of interpolating either, so their ratio could exceed 1 - a skipped cycle would give
    back more charge than it took. The discharge capacity (the plotted quantity, which the jump's
    error control checks) and the coulombic efficiency are interpolated instead, and the charge
    capacity follows as their ratio. PCHIP keeps each interval within the values at its two
    ends, so the efficiency of a skipped cycle stays within that of the resolved cycles around
    it (at most 1 when they are).
    """
    resolved = table.index.isin({rec.step.cycle for rec in records})
    skipped = ~resolved & (table.index.to_numpy() <= n_cycles)
    cols = [c for c in _CYCLE_COLUMNS[3:] if c != "Charge capacity [mAh.g-1]"]
    if skipped.any() and resolved.sum() >= 2:
        idx = table.index.to_numpy()
        table.loc[skipped, cols] = fill_cycles(
            idx[resolved], table.loc[resolved, cols].to_numpy(), idx[skipped]
        )
        discharge = table.loc[skipped, "Discharge capacity [mAh.g-1]"].to_numpy()
        efficiency = table.loc[skipped, "Coulombic efficiency [-]"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            table.loc[skipped, "Charge capacity [mAh.g-1]"] = np.where(
                efficiency > 0, discharge / efficiency, 0.0
            )
    return table.assign(Interpolated=skipped)


def _limits(
    records: list, mass_g: float, theoretical_mAh_g: float, parameters: ParameterSet
) -> list[dict[str, Any]]:
    """What limited each step that reached its cut-off having passed less than
    :data:`~solidna.models.nvp.SHORT_STEP_FRACTION` of the theoretical capacity (the steps whose
    :attr:`~solidna.models.nvp.StepRecord.losses` the solver decomposed), as
    :attr:`NVPResult.limits`."""
    from solidna.models.nvp import SHORT_STEP_FRACTION

    temperature_C = float(parameters["Temperature [K]"]) - 273.15
    out = []
    for k, rec in enumerate(records):
        if not rec.losses:
            continue
        losses = dict(rec.losses)
        ocv = losses.pop("open-circuit voltage [V]")
        voltage = losses.pop("voltage [V]")
        kappa = losses.pop("SSE conductivity [S.m-1]")
        ranked = dict(sorted(losses.items(), key=lambda kv: -kv[1]))
        name, size = next(iter(ranked.items()))
        if name == "interphase resistances":
            st = rec.end_state
            detail = (
                f" (Na side {st['negative interphase resistance [Ohm.m2]'] * 1e4:.3g} Ohm cm2, "
                f"cathode film {st['positive interphase resistance [Ohm.m2]'] * 1e4:.3g} Ohm cm2)"
            )
        elif name == "SSE ohmic drop":
            detail = f" (conductivity {kappa * 10:.3g} mS/cm)"  # S/m -> mS/cm
        else:
            detail = ""
        q = rec.capacity_Ah / mass_g * 1000  # Ah -> mAh per g
        step = rec.step
        cutoff = step.upper_cutoff_V if step.current_A < 0 else step.lower_cutoff_V
        runner_up = list(ranked.items())[1]
        where = "above" if step.current_A < 0 else "below"  # charge: V above the OCV
        note = (
            f"at {temperature_C:.3g} degC the {step.c_rate:g} C {step.label} of cycle "
            f"{step.cycle} reached its {cutoff:g} V cut-off after {q:.3g} mAh/g (less than "
            f"{SHORT_STEP_FRACTION:.0%} of {theoretical_mAh_g:.4g}), {abs(voltage - ocv):.3f} V "
            f"{where} the open-circuit voltage ({ocv:.3f} V); the largest loss was the {name}, "
            f"{size:.3f} V{detail}, next the {runner_up[0]}, {runner_up[1]:.3f} V"
        )
        out.append(
            {
                "note": note,
                "step": k + 1,
                "label": step.label,
                "cycle": step.cycle,
                "C-rate [h-1]": step.c_rate,
                "capacity [mAh.g-1]": q,
                "cut-off [V]": cutoff,
                "open-circuit voltage [V]": ocv,
                "voltage [V]": voltage,
                "SSE conductivity [S.m-1]": kappa,
                "losses [V]": ranked,
            }
        )
    return out


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
        if rec.time_s.size:
            table.loc[rec.step.cycle, "Time [h]"] = rec.time_s[-1] / 3600
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
@fill_doc
def figS31_rate_test(parameters: ParameterSet, anode: str, points_per_step: int = 40) -> NVPResult:
    """Rate test of Fig. S31 (:func:`solidna.protocols.nvp.figS31_rate_test`).

    %(Parameters: calibration_parameters, anode, points_per_step)s

    Returns
    -------
    NVPResult
        The run.
    """
    from solidna.protocols.nvp import figS31_rate_test as protocol

    return NVPCell(anode, parameters).run(protocol(), points_per_step=points_per_step)


@fill_doc
def figS31_cycling(
    parameters: ParameterSet, anode: str, points_per_step: int = 40, jump: bool | None = None
) -> NVPResult:
    """200 cycles of Fig. S31 (:func:`solidna.protocols.nvp.figS31_cycling`); ``jump``: cycle
    jumping as :meth:`NVPCell.run` (on by default; a fit passes ``False``, so that its
    finite-difference Jacobian does not see differences between jump sequences).

    %(Parameters: calibration_parameters, anode, points_per_step)s
    jump : bool, optional
        Cycle jumping; None for the default of :meth:`NVPCell.run`.

    Returns
    -------
    NVPResult
        The run.
    """
    from solidna.protocols.nvp import figS31_cycling as protocol

    return NVPCell(anode, parameters).run(protocol(), points_per_step=points_per_step, jump=jump)


#: C-rate of the Fig. S31 rate-capability number (94 mAh/g at 2.0 C) [h-1].
FIGS31_RATE_C = 2.0


def figS31_observables(rate_test: NVPResult, cycling: NVPResult) -> dict[str, float]:
    """The Fig. S31 numbers of one anode: capacity retention after the 200 cycles [-] (last
    over first discharge capacity) and the mean discharge capacity at 2 C in the rate test
    [mAh/g].

    Parameters
    ----------
    rate_test : NVPResult
        The run of :func:`figS31_rate_test`.
    cycling : NVPResult
        The run of :func:`figS31_cycling`.

    Returns
    -------
    dict of str to float
        ``"retention"`` [-] and ``"capacity at 2 C [mAh.g-1]"`` [mAh/g].
    """
    return {
        "retention": cycling.retention(),
        "capacity at 2 C [mAh.g-1]": rate_test.capacity_at(FIGS31_RATE_C),
    }
