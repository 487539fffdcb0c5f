"""Model + parameters + protocol -> Result (pandas tables with unit-bearing columns).

The public entry point for the symmetric cell is :class:`SymmetricCell`::

    >>> import solidna as sd
    >>> cell = sd.SymmetricCell(anode="modified")
    >>> result = cell.cycle(current_density="0.1 mA/cm2", half_cycle="1 h", duration="10 h")
    >>> result.status
    'completed'
"""

from __future__ import annotations

import hashlib
import numbers
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.cells.base import (
    Cell,
    Result,
    _styled_axes,
    checked_arguments,
    checked_progress,
    checked_run_options,
    cycle_message,
)
from solidna.cells.jump import (
    Block,
    EnvelopeRun,
    JumpTolerance,
    check_tolerance,
    fill_cycles,
    follow_envelope,
    settling_cycles,
    use_jumping,
)
from solidna.errors import (
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    SolidnaWarning,
    positive_int,
    user_stacklevel,
)
from solidna.progress import Progress, no_progress
from solidna.protocols import (
    CyclicVoltammetry,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
    Step,
    current_schedule,
)
from solidna.protocols.steps import MAX_POINTS_PER_STEP
from solidna.units import to_si

__all__ = ["SymmetricCell", "CyclingResult", "CVResult", "EISResult"]

#: The model variable the cell reports as "Voltage [V]": phi_left - phi_right, the negative of
#: PyBaMM's "Voltage [V]" of :class:`~solidna.models.SymmetricCellModel` (the left electrode is
#: the working electrode; a positive current density, a PyBaMM discharge, strips it).
WORKING_ELECTRODE_VOLTAGE = "Working-electrode voltage [V]"


def _own_overpotentials(time_s, voltage_V, current_density_A_m2, cycle_index=None):
    """:func:`~solidna.analysis.cycling.per_cycle_overpotential` of a simulated record. Its time
    is in seconds by construction, so the analysis's guard for files whose time is in hours
    (half cycles shorter than 20 s) does not apply (``check_time_unit=False``): a run of 1-s half
    cycles is what was asked for."""
    from solidna.analysis.cycling import per_cycle_overpotential

    return per_cycle_overpotential(
        time_s, voltage_V, current_density_A_m2, cycle_index=cycle_index, check_time_unit=False
    )


@dataclass(repr=False)
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
    #: Of a jumped run (cycle jumping, :mod:`solidna.cells.jump`): ``"period [h]"``,
    #: ``"cycles"`` (of the run), ``"resolved"`` (numbers of the cycles taken from the model;
    #: the time series of the others is interpolated between them) and ``"samples"`` (the
    #: resolved cycles' samples: time [h], voltage [V], current density [mA.cm-2], cycle).
    jumped: dict[str, Any] | None = None
    _plot_name = "voltage"

    def overpotential(self) -> pd.Series:
        """Per-cycle overpotential [mV] (definition: :func:`solidna.analysis.cycling.per_cycle_overpotential`)."""
        return self.cycles()["Overpotential [mV]"]

    def cycles(self) -> pd.DataFrame:
        """Per-cycle table (time, overpotential, stripping and plating overpotentials), with
        ``Interpolated`` True for the cycles a jumped run skipped (interpolated between the
        resolved ones)."""
        from solidna.analysis.cycling import PER_CYCLE_COLUMNS

        if self.jumped is None:
            ts = self.timeseries
            t_h = ts["Time [h]"].to_numpy()
            v = ts["Voltage [V]"].to_numpy()
            i = ts["Current density [mA.cm-2]"].to_numpy()
            if not np.any(i != 0):  # a rest: no cycles (the analysis would call it bad data)
                return pd.DataFrame(
                    {name: pd.Series(dtype=float) for name in PER_CYCLE_COLUMNS},
                    index=pd.Index([], dtype=int, name="Cycle number"),
                ).assign(Interpolated=pd.Series(dtype=bool))
            table = _own_overpotentials(t_h * 3600, v, i * 10)
            return table.assign(Interpolated=False)
        # the resolved cycles are read from the model's samples; the others are interpolated
        # between them in cycle number (as their time series is), which is as exact and avoids
        # reading thousands of interpolated cycles one by one
        period_h = self.jumped["period [h]"]
        resolved = np.asarray(self.jumped["resolved"])
        t_h, v, i, cycle = self.jumped["samples"]
        # the resolved cycles read as one record: each moved back to follow the one before, so
        # that every half cycle ends where the next begins (the definition reads a half cycle's
        # end off the next sample); the cycle times are then put back
        shift_h = (cycle - 1 - np.searchsorted(resolved, cycle)) * period_h
        table = _own_overpotentials((t_h - shift_h) * 3600, v, i * 10, cycle_index=cycle)
        have = table.index.to_numpy()
        values = table.to_numpy(copy=True)
        values[:, table.columns.get_loc("Time [h]")] += (
            have - 1 - np.searchsorted(resolved, have)
        ) * period_h
        all_cycles = np.arange(1, int(have.max()) + 1)
        filled = fill_cycles(have, values, all_cycles)
        filled[have - 1] = values
        out = pd.DataFrame(
            filled, columns=table.columns, index=pd.Index(all_cycles, name=table.index.name)
        )
        return out.assign(Interpolated=~np.isin(all_cycles, have))

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
            if self.jumped is not None:
                out["cycles"]["interpolated"] = cyc["Interpolated"].tolist()
        out["final interphase thickness [nm]"] = {k: v * 1e9 for k, v in self.final_state.items()}
        return out

    def plot(self, zoom_h: float | None = None):
        """Voltage vs time (the first plot a researcher looks at).

        Parameters
        ----------
        zoom_h : float or str, optional
            Show only the first ``zoom_h`` hours (default: the whole run); a number is in hours
            (as the name says), a string has its unit (``"30 min"``).

        Returns
        -------
        matplotlib.figure.Figure
            Voltage [V] against time [h].
        """
        ts = self.timeseries
        fig, ax = _styled_axes((7, 3.6))
        ax.plot(ts["Time [h]"], ts["Voltage [V]"], lw=0.6)
        ax.set_xlabel("Time [h]")
        ax.set_ylabel("Voltage [V]")
        if zoom_h is not None:
            if isinstance(zoom_h, int | float):  # a number is in hours here, as its name says
                zoom_h = f"{zoom_h} h"
            hint = "Example: zoom_h=2 (hours)."
            hours = to_si(zoom_h, "s", "the zoom (zoom_h)", positive=True, hint=hint) / 3600
            start = float(ts["Time [h]"].iloc[0])
            ax.set_xlim(start, start + hours)
        conditions = self.step_conditions(
            "current density [mA.cm-2]", "capacity per half cycle [mAh.cm-2]"
        )
        ax.set_title(self.plot_title("{anode}|SSE|{anode}", *conditions), fontsize=10)
        fig.tight_layout()
        return fig


#: Key of the plain Butler-Volmer exchange current in a CV summary: a fit of the Butler-Volmer
#: equation with a co-fitted ohmic resistance, which behind a resistive film sees little of the
#: kinetics; the model-based value is :func:`solidna.calibrate.experiments.analyse_cv`.
BV_FIT_KEY = "plain Butler-Volmer fit: exchange current density [mA.cm-2]"
#: Most frequencies per decade the Rs/Rct circuit fit of a simulated spectrum reads
#: (:meth:`EISResult.fit`): twice the 10 per decade of Fig. 4e and of a typical potentiostat.
EIS_FIT_MAX_POINTS_PER_DECADE = 20


@dataclass(repr=False)
class CVResult(Result):
    """Cyclic voltammogram of a symmetric cell (``Time [s]``, ``Voltage [V]``,
    ``Current density [mA.cm-2]``). ``status`` is ``"completed"``, or says when and why the
    sweep stopped early (the salt at an SSE face ran out: :meth:`truncation_note`)."""

    _plot_name = "cv"

    @property
    def complete(self) -> bool:
        """The sweep ran to its end (``status`` ``"completed"``)."""
        return self.status == "completed"

    def truncation_note(self) -> str:
        """``""`` for a complete sweep; else the caveat of an exchange current read from it."""
        if self.complete:
            return ""
        when = self.status.split(":")[0]  # "stopped at ... s (voltage ... V)"; then why
        return (
            f"The CV sweep stopped early ({when}; the status says why). An exchange current read "
            "from it comes from the part run only, whose last currents are limited by salt "
            "transport across the SSE, not by the interface kinetics."
        )

    def exchange_current(self, method: str = "bv-fit", **kwargs):
        """Exchange current by the project's CV analysis (:mod:`solidna.analysis.kinetics`).

        Parameters
        ----------
        method : {"bv-fit", "micro-polarisation", "tafel"}, optional
            Extraction method.
        **kwargs
            Further options of :func:`solidna.analysis.kinetics.exchange_current_from_cv`
            (e.g. ``ohmic_resistance_ohm_m2`` [Ohm m2]).

        Returns
        -------
        ExchangeCurrentResult
            The exchange current density [A/m2] and fit details. Of a sweep that stopped early
            (:attr:`complete` False) its ``note`` starts with :meth:`truncation_note`, and a
            :class:`~solidna.errors.SolidnaWarning` says so.
        """
        from dataclasses import replace

        from solidna.analysis.kinetics import exchange_current_from_cv

        ts = self.timeseries
        res = exchange_current_from_cv(
            ts["Voltage [V]"].to_numpy(),
            ts["Current density [mA.cm-2]"].to_numpy() * 10,
            temperature_K=self.inputs["temperature [K]"],
            method=method,
            **kwargs,
        )
        cut = self.truncation_note()
        if not cut:
            return res
        warnings.warn(cut, SolidnaWarning, stacklevel=user_stacklevel())
        return replace(res, note=f"{cut} {res.note}".strip())

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        if not self.complete:
            # the plain Butler-Volmer form has no salt transport, which is what ended the sweep
            out[BV_FIT_KEY] = None
            out["plain Butler-Volmer fit: note"] = (
                self.truncation_note() + " Not fitted: the plain Butler-Volmer form has no salt "
                "transport. Narrow the vertices to read the exchange current."
            )
            return out
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
        conditions = self.step_conditions("scan rate [mV.s-1]")
        ax.set_title(self.plot_title("{anode}|SSE|{anode}", *conditions), fontsize=10)
        fig.tight_layout()
        return fig


@dataclass(repr=False)
class EISResult(Result):
    """Impedance spectrum (``Frequency [Hz]``, ``Z_re [Ohm.cm2]``, ``Z_im [Ohm.cm2]``; Z_im < 0
    for capacitive arcs)."""

    _plot_name = "nyquist"
    _fit_cache: tuple[str, dict[str, float], dict[str, float]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def impedance_ohm_m2(self) -> np.ndarray:
        """Complex impedance [Ohm.m2]."""
        ts = self.timeseries
        return (ts["Z_re [Ohm.cm2]"].to_numpy() + 1j * ts["Z_im [Ohm.cm2]"].to_numpy()) * 1e-4

    def fit(self) -> dict[str, float]:
        """Rs and Rct [Ohm.cm2] fitted as an experimenter would (Rs-p(Rct,CPE), impedance.py).

        A spectrum denser than :data:`EIS_FIT_MAX_POINTS_PER_DECADE` is fitted at that density
        (every k-th frequency, the lowest always kept): the fit's time grows with the points
        (~19 ms each: 7001 frequencies took 130 s, the spectrum itself 0.7 s), while a denser
        grid moves Rs and Rct by < 0.3 % (pristine Na, 20 vs 100 per decade). The fit is computed
        once per spectrum (:meth:`summary` and ``save`` reuse it).
        """
        from solidna.analysis.eis import fit_rs_rct

        f = self.timeseries["Frequency [Hz]"].to_numpy()
        z = self.impedance_ohm_m2
        key = hashlib.sha1(np.ascontiguousarray(f).tobytes() + z.tobytes()).hexdigest()
        if self._fit_cache is not None and self._fit_cache[0] == key:
            return dict(self._fit_cache[1])
        keep = self.fit_frequencies()
        fitted = fit_rs_rct(f[keep], z[keep])
        out = {
            "Rs [Ohm.cm2]": fitted["Rs [Ohm.m2]"] * 1e4,
            "Rct [Ohm.cm2]": fitted["Rct [Ohm.m2]"] * 1e4,
        }
        std = {
            "Rs [Ohm.cm2]": fitted["Rs std [Ohm.m2]"] * 1e4,
            "Rct [Ohm.cm2]": fitted["Rct std [Ohm.m2]"] * 1e4,
        }
        self._fit_cache = (key, out, std)
        return dict(out)

    def undetermined(self) -> dict[str, str]:
        """The values of :meth:`fit` the spectrum does not fix, each with why: a standard error
        above :data:`~solidna.analysis.eis.SERIES_RELATIVE_STD_LIMIT` (30 %) of the value, as
        for a sweep that stops short of the high-frequency intercept (Rs 1.9e-8 +- 9160
        Ohm.cm2 with f_max = 10 Hz).

        Returns
        -------
        dict
            Name (as in :meth:`fit`) -> reason; empty when both are determined.
        """
        from solidna.analysis.eis import SERIES_RELATIVE_STD_LIMIT

        self.fit()
        _, values, std = self._fit_cache
        out = {}
        for name, value in values.items():
            err = std[name]
            if not (np.isfinite(err) and err <= SERIES_RELATIVE_STD_LIMIT * abs(value)):
                out[name] = (
                    f"not determined by the spectrum: {value:.4g} +- {err:.3g} Ohm.cm2 (check "
                    "that the sweep reaches the high-frequency intercept and closes the arc)"
                )
        return out

    def fit_frequencies(self) -> np.ndarray:
        """Indices of the frequencies :meth:`fit` reads: all of them up to
        :data:`EIS_FIT_MAX_POINTS_PER_DECADE` per decade, else every k-th (the lowest kept)."""
        f = self.timeseries["Frequency [Hz]"].to_numpy()
        n = len(f)
        decades = float(np.log10(f.max() / f.min())) if n > 1 and f.min() > 0 else 0.0
        stride = int(np.ceil((n - 1) / max(decades, 1e-12) / EIS_FIT_MAX_POINTS_PER_DECADE))
        if n < 2 or stride <= 1:
            return np.arange(n)
        return np.unique(np.r_[np.arange(0, n, stride), n - 1])

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        try:
            out["fit"] = self.fit()
            undetermined = self.undetermined()
            if undetermined:
                out["fit undetermined"] = undetermined
        except Exception as exc:  # recorded, not fatal
            out["fit"] = None
            out["fit error"] = str(exc)
        used, n = len(self.fit_frequencies()), len(self.timeseries)
        if used < n:
            out["fit note"] = (
                f"Rs and Rct fitted to {used} of the {n} frequencies "
                f"({EIS_FIT_MAX_POINTS_PER_DECADE} per decade): a denser grid costs ~19 ms per "
                "frequency and moves them by < 0.3 %."
            )
        return out

    def plot(self):
        ts = self.timeseries
        fig, ax = _styled_axes((5, 4))
        from solidna.analysis._output import nyquist_axes

        ax.plot(ts["Z_re [Ohm.cm2]"], -ts["Z_im [Ohm.cm2]"], "o-", ms=3)
        nyquist_axes(ax, "Ohm.cm2")
        ax.set_title(self.plot_title("{anode}|SSE|{anode}"), fontsize=10)
        fig.tight_layout()
        return fig


_THICKNESS_INPUTS = (
    "Initial left interphase thickness [m]",
    "Initial right interphase thickness [m]",
)

#: Parameters :meth:`SymmetricCell.run_samples` passes as PyBaMM inputs (one simulation for all
#: samples): those of the interphase, which enter the model equations only (no derived value,
#: no mesh).
SAMPLE_INPUTS = (
    "Modified interphase resistivity [Ohm.m]",
    "Modified interphase solvent diffusivity [m2.s-1]",
    "Modified interphase relative permittivity [-]",
    "Pristine interphase resistivity [Ohm.m]",
    "Pristine interphase chemical growth rate [m.s-1]",
    "Pristine interphase current enhancement density [A.m-2]",
    "Pristine interphase relative permittivity [-]",
)

_BLOCK_VARIABLES = (
    WORKING_ELECTRODE_VOLTAGE,
    "Current density [A.m-2]",
    "Left interphase thickness [m]",
    "Right interphase thickness [m]",
)


#: Parameters that set the mesh (the SSE is the model's domain): they stay numbers in a block
#: simulation, and another value needs another discretisation.
_MESH_PARAMETERS = ("SSE thickness [m]",)

#: Block simulations kept per process and thread (most recently used last).
_MAX_BLOCK_SIMULATIONS = 8


@dataclass
class _BlockSimulation:
    """A discretised, solver-ready PyBaMM simulation of plating/stripping blocks, and what it was
    built for: the cell (anode, mesh points), the parameter values built in as numbers
    (``constants``) and the names passed as input parameters at each solve (``inputs``)."""

    sim: Any
    anode: str
    var_pts: int
    constants: dict[str, float]
    inputs: frozenset[str]
    rtol: float

    def serves(
        self, anode: str, var_pts: int, values: dict, inputs: frozenset[str], rtol: float
    ) -> bool:
        return (
            self.anode == anode
            and self.var_pts == var_pts
            and self.rtol == rtol
            and inputs <= self.inputs
            and set(values) == set(self.constants) | self.inputs
            and all(_same_value(values[name], value) for name, value in self.constants.items())
        )


def _same_value(value: Any, built: Any) -> bool:
    """Whether a simulation built with the parameter value ``built`` serves ``value``: equal
    numbers, or the same function (a temperature law quoted at another temperature is the same
    law: ``same_law`` of :class:`~solidna.models.solve.SSEConductivityFactor`; the quoted
    temperature itself is a number, compared, or an input, of the same simulation)."""
    if value == built:
        return True
    same_law = getattr(built, "same_law", None)
    return same_law is not None and bool(same_law(value))


def _is_number(value: Any) -> bool:
    """A value PyBaMM can take as an input parameter (a real number, not a function)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# per thread: a Dask worker may run points in several threads, and a simulation (its solver's
# set-up and memory) must not be solved by two at once
_THREAD_STATE = threading.local()


def _block_simulations() -> list[_BlockSimulation]:
    if not hasattr(_THREAD_STATE, "simulations"):
        _THREAD_STATE.simulations = []
    return _THREAD_STATE.simulations


def _block_rtol(tolerance: JumpTolerance | None) -> float:
    """Relative tolerance of the full-model solves of a jumped run's blocks: a hundredth of the
    jump's own (the error a block adds must be small against what a jump may make), never
    tighter than a full solve's.

    At the default jump tolerance (1e-3) that is 1e-5: a jumped 4000-h M-Na run then differs
    from one with 1e-6 blocks by 0.3 uV in the per-cycle overpotential and from the full solve
    by 0.08 mV either way (the jump's error), and takes 40 % less time.
    """
    from solidna.models.solve import RTOL

    return max(RTOL, (tolerance or JumpTolerance()).rtol / 100)


def _block_simulation(
    anode: str, var_pts: int, values: dict, inputs: tuple[str, ...] = (), rtol: float | None = None
) -> _BlockSimulation:
    """The block simulation for these parameter ``values``, built once per process (and thread)
    and reused.

    Set-up (PyBaMM's parameter processing, discretisation, CasADi functions, solver set-up) costs
    more than the solves of a jumped run, so it is done once for all runs it can serve: the
    square wave (current density, half cycle) and the interphase thicknesses at the start are
    input parameters of every block simulation, ``inputs`` (e.g. the sampled parameters of a
    forecast) too. A run whose values differ from the most recent simulation of the same cell in
    parameters other than the mesh's (e.g. the points of a sweep over temperature, or over a
    parameter-set entry) gets a simulation with those parameters as inputs as well, which then
    serves every further value of them. Only what differs becomes an input: constants are folded
    into the model's expressions, and a simulation with every parameter an input solves about
    twice as slowly.
    """
    import pybamm

    from solidna.models.schedule import square_wave_current
    from solidna.models.solve import ATOL, RTOL, _model

    rtol = RTOL if rtol is None else rtol
    cache = _block_simulations()
    wanted = frozenset(_THICKNESS_INPUTS) | frozenset(inputs)
    for entry in reversed(cache):
        if entry.serves(anode, var_pts, values, wanted, rtol):
            cache.remove(entry)
            cache.append(entry)
            return entry
    for entry in reversed(cache):
        if entry.anode == anode and entry.var_pts == var_pts and entry.rtol == rtol:
            if set(values) == set(entry.constants) | entry.inputs:
                differ = {n for n, v in entry.constants.items() if not _same_value(values[n], v)}
                # a function (another temperature law, e.g. of another PVDF-HFP ratio) cannot
                # be an input parameter: it stays a constant of the new simulation (passed as an
                # input, PyBaMM failed with an AttributeError on its missing 'shape')
                numeric = {n for n in differ if _is_number(values[n])}
                wanted |= entry.inputs | (numeric - set(_MESH_PARAMETERS))
            break
    pv = pybamm.ParameterValues(dict(values))
    pv["Current function [A]"] = square_wave_current
    for name in wanted:
        pv[name] = "[input]"
    model = _model(anode, "algebraic", "current")
    sim = pybamm.Simulation(
        model,
        parameter_values=pv,
        var_pts={model.spatial_variable(): var_pts},
        # only what a block reads is computed (IDAKLU's output variables)
        solver=pybamm.IDAKLUSolver(
            rtol=rtol, atol=ATOL * rtol / RTOL, output_variables=list(_BLOCK_VARIABLES)
        ),
    )
    entry = _BlockSimulation(
        sim,
        anode,
        var_pts,
        {name: value for name, value in values.items() if name not in wanted},
        frozenset(wanted),
        rtol,
    )
    cache.append(entry)
    del cache[:-_MAX_BLOCK_SIMULATIONS]
    return entry


class _SymmetricBlocks:
    """Resolved blocks of cycles of one plating/stripping step, for cycle jumping.

    One PyBaMM simulation of the step (the square wave from t = 0; the wave, the interphase
    thicknesses at the start and the parameters of ``input_names`` as input parameters;
    :func:`_block_simulation`, shared by the runs of a process) is solved for each block: every
    block starts at a cycle boundary, where the square wave starts again with its positive half
    cycle.

    The outputs per cycle are the working-electrode voltage at the end of the stripping and of the
    plating half cycle [V] (what the overpotential reads) and the margin to the cycler's voltage
    limit [V] (an event margin).
    """

    def __init__(
        self,
        cell: SymmetricCell,
        values: dict,
        step: PlatingStripping,
        pphc: int,
        input_names: tuple[str, ...] = (),
        tolerance: JumpTolerance | None = None,
    ):
        from solidna.models.schedule import square_wave_inputs, switch_times

        segments = current_schedule([step])
        rtol = _block_rtol(tolerance)
        entry = _block_simulation(cell.anode, cell.var_pts, values, input_names, rtol)
        self.sim = entry.sim
        #: Values of the input parameters but the thicknesses (``input_names`` may be changed
        #: between runs); the square wave's.
        self.inputs = {name: values[name] for name in entry.inputs - set(_THICKNESS_INPUTS)}
        self.inputs |= square_wave_inputs(segments[0], values["Electrode area [m2]"])
        self.switch = switch_times(segments)
        self.period_s = 2 * step.half_cycle_s
        self.limit_V = values["Voltage limit [V]"]
        self.sse_m = values["SSE thickness [m]"]
        self.pphc = pphc
        # the salt profile restarts uniform in each block; its slowest mode decays with
        # L^2 / (pi^2 D) (diffusion across the SSE with no-flux-like Neumann faces)
        tau = values["SSE thickness [m]"] ** 2 / (np.pi**2 * values["Salt diffusivity [m2.s-1]"])
        self.settle = settling_cycles(tau, step.half_cycle_s)
        # the jump coordinates of the thicknesses (follow_envelope): the M-Na film grows
        # parabolically, L^2 - L0^2 proportional to time (solvent-diffusion limited,
        # models/interphase.py), the pristine layer linearly
        self.exponents = (2.0, 2.0) if cell.anode == "modified" else (1.0, 1.0)

    def __call__(self, y: np.ndarray, c: int, k: int) -> Block:
        import pybamm

        from solidna.models.base import solver_failure
        from solidna.models.schedule import interp_times

        t0 = c * self.period_s
        sw = self.switch[
            (self.switch >= t0 - 1e-6) & (self.switch <= t0 + k * self.period_s + 1e-6)
        ]
        sw = sw - t0
        try:
            sol = self.sim.solve(
                t_eval=sw,
                t_interp=interp_times(sw, self.pphc),
                inputs=self.inputs | dict(zip(_THICKNESS_INPUTS, map(float, y), strict=True)),
            )
        except pybamm.SolverError as exc:
            raise solver_failure(
                exc,
                f"The symmetric-cell solver failed in cycles {c + 1}-{c + k} of a jumped run "
                "({exc}); run with jump=False (--full) to resolve every cycle.",
            ) from None
        t = sol.t
        v, i, left, right = (sol[name].entries for name in _BLOCK_VARIABLES)
        thick = np.vstack([left, right])
        event = "voltage" in str(sol.termination).lower()
        # samples at a switch (to rounding) carry the next interval's current with the last
        # interval's algebraic states: left out, as in the full solve
        j = np.clip(np.searchsorted(sw, t), 1, len(sw) - 1)
        keep = np.minimum(np.abs(t - sw[j - 1]), np.abs(t - sw[j])) > 1e-9 * sw[-1]
        keep[0] = c == 0  # a later block's start is the previous cycle's end (in the series)
        t_k, v_k, i_k = t[keep], v[keep], i[keep]
        # cycle ends reached (the last one partial where the run stopped or the step ends)
        ends = np.arange(1, k + 1) * self.period_s
        ends = np.minimum(ends[ends < t[-1] + self.period_s - 1e-6], t[-1])
        states = np.stack([np.interp(ends, t, row) for row in thick], axis=1)
        cyc = np.minimum(np.floor(t_k / self.period_s).astype(int), len(ends) - 1)
        half = np.floor(t_k / (self.period_s / 2)).astype(int)
        outputs = np.zeros((len(ends), 3))
        for j in range(len(ends)):
            sel = cyc == j
            strip = sel & (half % 2 == 0)
            plate = sel & (half % 2 == 1)
            outputs[j, 0] = abs(v_k[strip][-1]) if strip.any() else np.nan
            outputs[j, 1] = abs(v_k[plate][-1]) if plate.any() else np.nan
            # the event's margins (models.symmetric): the voltage's, and the SSE left between
            # the layers (in volts, as the model's) - a jump must cross neither
            outputs[j, 2] = min(
                self.limit_V - np.max(np.abs(v_k[sel]), initial=0.0),
                self.limit_V * (1 - states[j].sum() / self.sse_m),
            )
        data = {
            "Time [h]": (t_k + t0) / 3600,
            "Current density [mA.cm-2]": i_k / 10,
            "Voltage [V]": v_k,
            "Cycle": c + 1 + cyc,
        }
        return Block(states=states, outputs=outputs, data=data, event=event)


_I, _V = "Current density [mA.cm-2]", "Voltage [V]"
_SERIES = ("Time [h]", _I, _V)


def _jumped_timeseries(
    run: EnvelopeRun, period_s: float
) -> tuple[pd.DataFrame, list[int], tuple[np.ndarray, ...]]:
    """The time series of a jumped run, every cycle present; the numbers of the cycles taken
    from the model; and their samples (time [h], voltage [V], current density [mA.cm-2], cycle).

    Resolved cycles are the model's samples. Every other cycle (skipped, or a settling cycle of a
    block) is interpolated: its samples sit at the same times within the cycle as those of a
    resolved cycle (every block samples each half cycle alike), each value a PCHIP interpolation
    in cycle number between the resolved cycles at that time within the cycle - the waveform
    follows the envelope, so the series reads as a full solve's, to the jump tolerance. Each
    complete cycle ends with a sample at its end time, as the full solve gives it (the left limit
    at the switch: the value at the end of its last half cycle).
    """
    period_h = period_s / 3600
    n = run.n_cycles
    cycles: dict[int, dict[str, np.ndarray]] = {}
    for c, b, settle in run.blocks:
        cyc = b.data["Cycle"]
        for k in range(c + 1 + settle, c + 1 + len(b.states)):
            sel = cyc == k
            data = {name: b.data[name][sel] for name in _SERIES}
            if k < n or not run.event and data["Time [h]"][-1] > (k - 1e-4) * period_h:
                data = {name: np.append(col, col[-1]) for name, col in data.items()}
                data["Time [h]"][-1] = k * period_h
            cycles[k] = data
    resolved = sorted(cycles)
    # the pieces of the series by their first cycle: each resolved cycle, and each run of
    # consecutive skipped cycles (a 4000-h run has ~10 runs of up to ~1000 cycles)
    parts = [(k, cycles[k]) for k in resolved]
    missing = np.setdiff1d(np.arange(1, n + 1), resolved)
    if len(missing):
        # the sample times of a complete resolved cycle after the first (the first cycle of the
        # run also has the sample at t = 0) carry over to the skipped ones
        full = [k for k in resolved if 1 < k < n]
        pattern = cycles[full[-1]]
        phase_h = pattern["Time [h]"] - (full[-1] - 1) * period_h
        wave = np.stack(
            [
                np.interp(phase_h, cycles[k]["Time [h]"] - (k - 1) * period_h, cycles[k][_V])
                for k in full
            ]
        )
        filled = fill_cycles(np.array(full), wave, missing)
        current = pattern[_I]
        gaps = np.flatnonzero(np.diff(missing) > 1) + 1
        for rows in np.split(np.arange(len(missing)), gaps):
            skipped = missing[rows]
            times = phase_h[None, :] + (skipped[:, None] - 1) * period_h
            part = {"Time [h]": times.ravel(), _I: np.tile(current, len(rows))}
            parts.append((int(skipped[0]), part | {_V: filled[rows].ravel()}))
    parts.sort(key=lambda part: part[0])
    ts = {name: np.concatenate([p[name] for _, p in parts]) for name in _SERIES}
    if np.any(np.diff(ts["Time [h]"]) < 0):  # pragma: no cover - the pieces do not overlap
        order = np.argsort(ts["Time [h]"], kind="stable")
        ts = {name: col[order] for name, col in ts.items()}
    samples = tuple(np.concatenate([cycles[k][name] for k in resolved]) for name in _SERIES)
    cycle_of = np.concatenate([np.full(len(cycles[k]["Time [h]"]), k) for k in resolved])
    return pd.DataFrame(ts, copy=False), resolved, (samples[0], samples[2], samples[1], cycle_of)


#: Share of the peak current the neglected double-layer charging current may reach before a CV
#: is no longer quasi-steady enough for the algebraic (no double layer) model.
CV_CHARGING_SHARE = 0.01


def _warn_if_not_quasi_steady(step: CyclicVoltammetry, parameters, ts: pd.DataFrame) -> None:
    """Warn if the sweep is too fast for the CV model, which drops the double layer (surface form
    ``"algebraic"``, like the paper's quasi-steady reading of a 5 mV/s sweep, Fig. 4g): its
    charging current, at most C_dl nu / 2 (two interfaces in series), must stay below
    :data:`CV_CHARGING_SHARE` of the peak current."""
    charging = parameters["Double-layer capacitance [F.m-2]"] * step.scan_rate_V_s / 2
    peak = float(ts["Current density [mA.cm-2]"].abs().max()) * 10
    if charging > CV_CHARGING_SHARE * peak:
        fastest = CV_CHARGING_SHARE * peak * 2 / parameters["Double-layer capacitance [F.m-2]"]
        warnings.warn(
            f"scan rate {step.scan_rate_V_s * 1e3:.3g} mV/s: the double-layer charging current "
            f"(~{charging / 10:.3g} mA/cm2) is {charging / peak:.0%} of the peak current, but "
            "the CV model is quasi-steady (no double layer), so the simulated current misses it. "
            f"Use at most ~{fastest * 1e3:.3g} mV/s for this window (the paper: 5 mV/s).",
            OutOfRangeWarning,
            stacklevel=user_stacklevel(),
        )


#: The model's salt concentrations at the two SSE faces (a depleted face stops the run).
_FACE_SALT = (
    "Left surface salt concentration [mol.m-3]",
    "Right surface salt concentration [mol.m-3]",
)


def _depletion_note(
    values: dict,
    face_salt: float | None,
    current: float | PlatingStripping,
    fix: str = "Lower the current density below the limiting current, or thin the SSE",
) -> str:
    """Why a run stopped at the voltage limit, if the salt at an SSE face ran out: ``""``, or
    a clause naming the current density, the SSE's limiting current, Sand's time and the time
    the salt runs out across the SSE's finite thickness (the run's stop: Sand's semi-infinite
    time is 15 % short of it at 1.2x the limiting current).

    Parameters
    ----------
    values : dict
        The model's values.
    face_salt : float or None
        The lower of the two face concentrations at the stop [mol.m-3]; ``None`` if not
        recorded (a jumped run), then judged from ``current``: a plating/stripping step above
        the limiting current whose half cycle outlasts the salt's depletion time.
    current : float or PlatingStripping
        The current density at the stop [A.m-2], or the step.
    fix : str
        What the user can do about it.
    """
    from solidna.models.solve import (
        depletion_time_s,
        limiting_current_density_A_m2,
        sand_time_s,
    )
    from solidna.models.symmetric import DEPLETED_SALT_FRACTION

    i_lim = limiting_current_density_A_m2(values)
    i = current.current_density_A_m2 if isinstance(current, PlatingStripping) else current
    i = abs(float(i))
    t_out = depletion_time_s(values, i)
    if isinstance(current, PlatingStripping):
        # the finite SSE's depletion time (inf at or below the limiting current), not Sand's
        # semi-infinite one, which is shorter: a half cycle between the two never runs out
        depleted = current.half_cycle_s > t_out
    else:
        c0 = values["Salt concentration [mol.m-3]"]
        depleted = face_salt is not None and face_salt < 2 * DEPLETED_SALT_FRACTION * c0
    if not depleted:
        return ""
    # a sweep can stop just after its current has fallen back below the limiting current
    finite = (
        f" and, across the SSE's {values['SSE thickness [m]'] * 1e6:.3g} um, the salt runs out "
        f"after {t_out:.3g} s"
        if np.isfinite(t_out)
        else ""
    )
    return (
        f": the salt at the plating face of the SSE ran out - {i / 10:.3g} mA/cm2 is above "
        f"the SSE's limiting current of {i_lim / 10:.3g} mA/cm2 (2FDc/((1-t+)L)); Sand's "
        f"time is {sand_time_s(values, i):.3g} s{finite}; the voltage diverges there. {fix}"
    )


def _consumed_status(sse: float, final_state: Any, time_h: float) -> str:
    """The status of a run stopped because the two interphase layers have grown through the
    SSE (the model's "Voltage limit [V]" event fires there too), or ``""`` if they have not.

    Parameters
    ----------
    sse : float
        SSE thickness [m].
    final_state : sequence of float
        Left and right interphase thicknesses at the stop [m].
    time_h : float
        Time of the stop [h].
    """
    left, right = (float(x) for x in final_state)
    if left + right < (1 - CONSUMED_SSE_REL) * sse:
        return ""
    return (
        f"stopped at {time_h:.3f} h: the interphase layers ({left * 1e6:.3g} and "
        f"{right * 1e6:.3g} um) have grown through the {sse * 1e6:.3g}-um SSE - no electrolyte "
        "is left between the electrodes. Run a shorter time, or a thicker SSE, or at a lower "
        "temperature (pristine Na's layer grows at a constant rate even at rest, faster when "
        "warm)."
    )


#: Relative margin [-] within which the interphase layers count as filling the SSE (the
#: event's root is found to the solver's tolerance).
CONSUMED_SSE_REL = 1e-3


def _step_list(steps: object) -> list[Step]:
    """``steps`` as a non-empty list (one step alone is accepted too)."""
    if isinstance(steps, Step):
        return [steps]
    if isinstance(steps, list | tuple) and steps:
        return list(steps)
    raise InvalidOptionError(
        f"steps must be a non-empty list of Rest and PlatingStripping steps, got {steps!r}. "
        "Example: [Rest('24 h'), PlatingStripping('0.1 mA/cm2', '10 h')]."
    )


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

    validated_temperature_reason = (
        "the SSE conductivity is measured over 10-60 C (Fig. 3g); the interphase's exchange "
        "current, resistivity and growth follow literature or assumed activation energies "
        "anchored at the paper's 25 C"
    )

    def parameter_values(self, state: dict[str, float] | None = None):
        """This cell's values (conditions applied) as ``pybamm.ParameterValues``, from ``state``
        (default: the fresh cell), with a 0.1 mA/cm2 discharge as "Current function [A]".

        Parameters
        ----------
        state : dict, optional
            Start from this state, as in :meth:`cycle`.
        """
        from solidna.models.parameter_values import pybamm_parameter_values

        st = self._start_state(state)
        return pybamm_parameter_values(
            "symmetric", self.anode, self.parameters, (st["left"], st["right"])
        )

    @property
    def initial_state(self) -> dict[str, float]:
        """Interphase thicknesses [m] of the fresh cell, ``{"left": L0, "right": L0}``."""
        L0 = self.interphase_initial_thickness_m
        return {"left": L0, "right": L0}

    def _start_state(self, state: Any) -> dict[str, float]:
        """As :meth:`Cell._start_state`, and the two layers together thinner than the SSE: a
        state whose layers fill it (the end of a run stopped there) has no electrolyte left."""
        st = super()._start_state(state)
        sse_m = self.parameters["SSE thickness [m]"]
        if st["left"] + st["right"] >= (1 - CONSUMED_SSE_REL) * sse_m:
            raise OutOfRangeError(
                f"state: the interphase layers ({st['left'] * 1e6:.3g} and "
                f"{st['right'] * 1e6:.3g} um) fill the {sse_m * 1e6:.3g}-um SSE between them: "
                "the cell has no electrolyte left to run. Start from an earlier state (or the "
                "fresh cell, state=None), or use a thicker SSE (sse_thickness=)."
            )
        return st

    # ------------------------------------------------------------------------------------------
    def _values(self, state: dict[str, float] | None) -> dict[str, float]:
        from solidna.models.solve import symmetric_parameter_values

        st = self._start_state(state)
        return symmetric_parameter_values(self.parameters, self.anode, (st["left"], st["right"]))

    def _inputs(self) -> dict[str, Any]:
        return super()._inputs() | {"voltage limit [V]": self.parameters["Voltage limit [V]"]}

    @fill_doc
    @checked_arguments
    def run(
        self,
        steps: list[Step],
        state: dict[str, float] | None = None,
        points_per_half_cycle: int = 16,
        jump: bool | None = None,
        jump_tolerance: JumpTolerance | None = None,
        progress: Progress | None = None,
    ) -> CyclingResult:
        """Run rest and plating/stripping steps back to back.

        Parameters
        ----------
        steps : list of Step
            :class:`~solidna.protocols.Rest` and :class:`~solidna.protocols.PlatingStripping`.
        state : dict or CyclingResult, optional
            ``{"left": L, "right": L}`` interphase thicknesses [m] to start from (e.g. the
            ``final_state`` of a previous result, or that result); defaults to the fresh cell.
            Checked: the same names, each thinner than the SSE (in metres).
        points_per_half_cycle : int
            Output samples per half cycle (denser near its end, where overpotential is read).
        %(jump)s
            Only a single plating/stripping step is jumped: other protocols are always resolved
            in full. A jumped result's time series has every cycle, sampled as a full run
            samples it, the skipped ones interpolated between the resolved ones;
            :meth:`CyclingResult.cycles` marks them ``Interpolated``.
        %(jump_tolerance)s
            Default ``JumpTolerance()``.
        %(progress)s
            A run of one plating/stripping step reports the cycles done (``"cycle 20 of
            1000"``) and their fraction of the run, jumped or resolved in full; a resolved run
            of other steps, the hours simulated.
        """
        from solidna.models.solve import solve_current

        tic = time.perf_counter()
        jump, jump_tolerance, progress = checked_run_options(jump, jump_tolerance, progress)
        steps = _step_list(steps)
        points_per_half_cycle = positive_int(
            points_per_half_cycle, "points_per_half_cycle", "Example: 16.", MAX_POINTS_PER_STEP
        )
        if len(steps) == 1 and isinstance(steps[0], PlatingStripping):
            step = steps[0]
            if use_jumping(jump, step.duration_s / (2 * step.half_cycle_s)):
                return self._run_jumped(
                    step, state, points_per_half_cycle, jump_tolerance, tic, progress=progress
                )
        (progress or no_progress)("solving", None)
        values = self._values(state)
        # The model is PyBaMM's convention (positive current = discharge, strips the left
        # electrode); the cell reports the working-electrode voltage phi_left - phi_right, so a
        # positive current density (stripping the left, working electrode) reads positive.
        message = None
        if len(steps) == 1 and isinstance(steps[0], PlatingStripping):
            message = cycle_message(2 * steps[0].half_cycle_s, steps[0].cycles_begun)
        out = solve_current(
            values,
            self.anode,
            current_schedule(steps),
            variables=(WORKING_ELECTRODE_VOLTAGE, "Current density [A.m-2]", *_FACE_SALT),
            var_pts=self.var_pts,
            points_per_half_cycle=points_per_half_cycle,
            progress=progress,
            message=message,
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
            face_salt = min(out[name][-1] for name in _FACE_SALT)
            status = _consumed_status(
                values["SSE thickness [m]"], out["final state"], ts["Time [h]"].iloc[-1]
            ) or (
                f"voltage limit {values['Voltage limit [V]']:g} V reached at "
                f"{ts['Time [h]'].iloc[-1]:.3f} h"
            ) + _depletion_note(values, face_salt, out["Current density [A.m-2]"][-1])
        return self._result(
            CyclingResult,
            ts,
            [s.describe() for s in steps],
            tic,
            status=status,
            final_state={"left": out["final state"][0], "right": out["final state"][1]},
        )

    @fill_doc
    @checked_arguments
    def run_samples(
        self,
        step: PlatingStripping,
        samples: list[dict[str, float]],
        state: dict[str, float] | None = None,
        jump_tolerance: JumpTolerance | None = None,
    ) -> list[CyclingResult]:
        """Run one plating/stripping step, cycle-jumped, at several values of interphase
        parameters (e.g. the draws of a forecast).

        The sampled parameters (names in :data:`SAMPLE_INPUTS`, SI values) are PyBaMM input
        parameters of one simulation, set up once for all samples. Each result is that of
        ``SymmetricCell(anode, parameters with the sample).run([step], jump=True)``.

        Parameters
        ----------
        step : PlatingStripping
            The protocol step every sample runs.
        samples : list of dict
            Parameter name -> value (SI) per sample; names from :data:`SAMPLE_INPUTS`.
        state : dict, optional
            Start from this state, as in :meth:`cycle`.
        %(jump_tolerance)s
            Default that of :meth:`run`.

        Returns
        -------
        list of CyclingResult
            One result per sample, in order.

        Raises
        ------
        InvalidOptionError
            ``step`` is not plating/stripping, ``samples`` not a list of dicts, a sampled
            name is not one of :data:`SAMPLE_INPUTS`, or ``jump_tolerance`` is not a
            :class:`~solidna.cells.jump.JumpTolerance`.
        """
        from collections.abc import Mapping

        from solidna.errors import check_choice

        if not isinstance(step, PlatingStripping):
            raise InvalidOptionError(
                f"run_samples runs one PlatingStripping step, got {type(step).__name__}."
            )
        if not isinstance(samples, list | tuple) or not all(
            isinstance(sample, Mapping) for sample in samples
        ):
            raise InvalidOptionError(
                "samples must be a list of {parameter name: value} dicts, one per sample; got "
                f"{type(samples).__name__}. Example: [{{{SAMPLE_INPUTS[0]!r}: 1e5}}]."
            )
        names = tuple(sorted({name for sample in samples for name in sample}))
        for name in names:
            check_choice("sampled parameter", name, SAMPLE_INPUTS)
        jump_tolerance = check_tolerance(jump_tolerance)
        blocks = None
        results = []
        for sample in samples:
            tic = time.perf_counter()
            cell = SymmetricCell(
                self.anode,
                self.parameters.updated(dict(sample), method="assumed", source="sample"),
                var_pts=self.var_pts,
            )
            if blocks is None:
                blocks = _SymmetricBlocks(
                    cell, cell._values(state), step, 16, names, jump_tolerance
                )
            blocks.inputs |= {name: cell.parameters[name] for name in names}
            results.append(cell._run_jumped(step, state, 16, jump_tolerance, tic, blocks))
        return results

    @fill_doc
    @checked_arguments
    def cycle(
        self,
        current_density: str | float = "0.1 mA/cm2",
        half_cycle: str | float | None = None,
        duration: str | float = "100 h",
        capacity: str | float | None = None,
        state: dict[str, float] | None = None,
        jump: bool | None = None,
        progress: Progress | None = None,
    ) -> CyclingResult:
        """Galvanostatic plating/stripping (square wave); see :class:`~solidna.protocols.PlatingStripping`.

        A bare number is SI: ``current_density=0.1`` is 0.1 A/m2 (0.01 mA/cm2); pass strings with
        units (``"0.1 mA/cm2"``, ``"1 h"``) to avoid surprises.

        Parameters
        ----------
        current_density : str or float
            Plating/stripping current density, e.g. ``"0.1 mA/cm2"`` (a number is in A/m2).
        half_cycle : str or float, optional
            Duration of each half cycle, e.g. ``"1 h"`` (a number is in s); or give ``capacity``.
        duration : str or float
            Total cycling time, e.g. ``"4000 h"`` (a number is in s).
        capacity : str or float, optional
            Charge per half cycle per area instead of ``half_cycle``, e.g. ``"0.1 mAh/cm2"``.
        state : dict or CyclingResult, optional
            Interphase state to start from (``result.final_state`` of an earlier run, e.g. after
            a rest, or that result); default the fresh cell.
        %(jump)s
        %(progress)s
            What it reports: as for :meth:`run`.

        Returns
        -------
        CyclingResult
            Time series, per-cycle overpotential table (``cycles()``), status and final state.
        """
        step = PlatingStripping(current_density, duration, half_cycle=half_cycle, capacity=capacity)
        return self.run([step], state=state, jump=jump, progress=progress)

    def _run_jumped(
        self,
        step: PlatingStripping,
        state: dict[str, float] | None,
        points_per_half_cycle: int,
        tolerance: JumpTolerance | None,
        tic: float,
        blocks: _SymmetricBlocks | None = None,
        progress: Progress | None = None,
    ) -> CyclingResult:
        """A long plating/stripping step by cycle jumping (:func:`~solidna.cells.jump.follow_envelope`);
        the slow states are the two interphase thicknesses (the degraded SSE zones of pristine
        Na follow from them)."""
        if blocks is None:
            blocks = _SymmetricBlocks(
                self, self._values(state), step, points_per_half_cycle, tolerance=tolerance
            )
        st = self._start_state(state)
        period_s = 2 * step.half_cycle_s
        run = follow_envelope(
            blocks,
            [st["left"], st["right"]],
            step.cycles_begun,
            settle=blocks.settle,
            tolerance=tolerance,
            margins=[2],
            exponents=blocks.exponents,
            progress=progress,
        )
        ts, trusted, samples = _jumped_timeseries(run, period_s)
        status = "completed"
        if run.event:
            status = _consumed_status(blocks.sse_m, run.final_state, ts["Time [h]"].iloc[-1]) or (
                f"voltage limit {blocks.limit_V:g} V reached at {ts['Time [h]'].iloc[-1]:.3f} h"
                # the blocks do not record the salt profile: judged from the current and half
                # cycle
                + _depletion_note(self._values(state), None, step)
            )
        result = self._result(
            CyclingResult,
            ts,
            [step.describe()],
            tic,
            inputs={"cycle jumping": run.record()},
            status=status,
            final_state={"left": float(run.final_state[0]), "right": float(run.final_state[1])},
            jumped={
                "period [h]": period_s / 3600,
                "cycles": run.n_cycles,
                "resolved": trusted,
                "samples": samples,
            },
        )
        return result

    @checked_arguments
    def rest(
        self, duration: str | float = "24 h", state: dict[str, float] | None = None
    ) -> CyclingResult:
        """Open circuit for ``duration`` (the interphase keeps growing chemically).

        Parameters
        ----------
        duration : str or float
            Rest time, e.g. ``"24 h"`` (a number is in s).
        state : dict, optional
            Start from this state, as in :meth:`cycle`.

        Returns
        -------
        CyclingResult
            The rest's record; its ``final_state`` starts a later run (``cell.eis(state=...)``).
        """
        return self.run([Rest(duration)], state=state)

    @fill_doc
    @checked_arguments
    def cv(
        self,
        v_min: str | float = "-0.5 V",
        v_max: str | float = "0.5 V",
        scan_rate: str | float = "5 mV/s",
        cycles: int = 1,
        state: dict[str, float] | None = None,
        progress: Progress | None = None,
    ) -> CVResult:
        """Cyclic voltammetry of the symmetric cell (Fig. 4g), simulated from the same model.

        Parameters
        ----------
        v_min, v_max : str or float
            Vertex voltages, e.g. ``"-0.5 V"`` and ``"0.5 V"`` (a number is in V).
        scan_rate : str or float
            Sweep rate, e.g. ``"5 mV/s"`` (a number is in V/s).
        cycles : int
            Number of triangular sweeps.
        state : dict, optional
            Start from this state, as in :meth:`cycle`.
        %(progress)s
            The fraction is that of the sweep simulated.

        Returns
        -------
        CVResult
            Voltage and current density against time; ``exchange_current()`` analyses it.

        Raises
        ------
        OutOfRangeError
            If a vertex lies beyond the cycler's voltage limit (``Voltage limit [V]``): the
            instrument would stop there, so the sweep asked for cannot be run.
        """
        from solidna.models.solve import solve_voltage

        tic = time.perf_counter()
        limit = self.parameters["Voltage limit [V]"]
        # the vertices first: a vertex beyond the limit also makes the sweep long, and the
        # protocol's duration check named the length instead of the vertex
        for name, given in (("v_min", v_min), ("v_max", v_max)):
            vertex = to_si(given, "V", f"CV vertex {name}")
            if abs(vertex) > limit:
                raise OutOfRangeError(
                    f"CV vertex {name} = {vertex:g} V lies beyond the cycler's voltage limit of "
                    f"+-{limit:g} V: the instrument would stop there. Choose vertices within "
                    f"-{limit:g} V and {limit:g} V (the paper sweeps -0.5 V to 0.5 V)."
                )
        step = CyclicVoltammetry(v_min, v_max, scan_rate, cycles)
        t_knots, v_knots = step.waveform()
        # output every 5 mV of sweep: fine enough for the kinetic analysis
        n = int(round(step.duration_s * step.scan_rate_V_s / 0.005)) + 1
        t_out = np.unique(np.concatenate([np.linspace(0, step.duration_s, n), t_knots]))
        report = checked_progress(progress) or no_progress
        total = f"{step.cycles} cycle{'' if step.cycles == 1 else 's'}"
        out = solve_voltage(
            self._values(state),
            self.anode,
            t_knots,
            v_knots,
            t_out,
            var_pts=self.var_pts,
            progress=lambda fraction: report(f"sweeping {total}", fraction),
        )
        ts = pd.DataFrame(
            {
                "Time [s]": out["Time [s]"],
                "Voltage [V]": out["Voltage [V]"],
                "Current density [mA.cm-2]": out["Current density [A.m-2]"] / 10,
            }
        )
        status = "completed"
        t_end = float(out["Time [s]"][-1])
        if t_end < step.duration_s * (1 - 1e-9):
            # the vertices lie within the voltage limit (checked above): only a depleted face
            # stops a sweep early
            values = self._values(state)
            status = f"stopped at {t_end:.4g} s (voltage {out['Voltage [V]'][-1]:.3g} V)"
            status += _depletion_note(
                values,
                0.0,
                out["Current density [A.m-2]"][-1],
                "Narrow the vertices (the paper sweeps -0.5 V to 0.5 V)",
            )
        _warn_if_not_quasi_steady(step, self.parameters, ts)
        return self._result(CVResult, ts, [step.describe()], tic, status=status)

    @checked_arguments
    def eis(
        self,
        f_max: str | float = "1 MHz",
        f_min: str | float = "0.1 Hz",
        points_per_decade: int = 10,
        state: dict[str, float] | None = None,
    ) -> EISResult:
        """Impedance at open circuit, by linearising the same model (pybamm.EISSimulation).

        Parameters
        ----------
        f_max, f_min : str or float
            Frequency range, e.g. ``"1 MHz"`` and ``"0.1 Hz"`` (a number is in Hz).
        points_per_decade : int
            Frequencies per decade, logarithmically spaced.
        state : dict, optional
            Start from this state, as in :meth:`cycle`.

        Returns
        -------
        EISResult
            Z_re and Z_im [Ohm.cm2] against frequency; ``fit()`` gives Rs and Rct.
        """
        from solidna.models.solve import impedance

        tic = time.perf_counter()
        step = ImpedanceSpectroscopy(f_max, f_min, points_per_decade)
        f = step.frequencies_Hz()
        z = impedance(self._values(state), self.anode, f, var_pts=self.var_pts)
        ts = pd.DataFrame(
            {"Frequency [Hz]": f, "Z_re [Ohm.cm2]": z.real * 1e4, "Z_im [Ohm.cm2]": z.imag * 1e4}
        )
        state_nm = {k: v * 1e9 for k, v in self._start_state(state).items()}
        return self._result(EISResult, ts, [step.describe()], tic, inputs={"state [nm]": state_nm})
