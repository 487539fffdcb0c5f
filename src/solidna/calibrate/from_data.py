"""Fit the symmetric-cell interphase model to a plating/stripping record and forecast it.

A researcher's Na|SSE|Na record (time, voltage, current density) is reduced to the per-cycle
overpotential (:func:`solidna.analysis.cycling.per_cycle_overpotential`, the simulator's
definition). The symmetric-cell model (:class:`solidna.cells.symmetric.SymmetricCell`, PyBaMM) is run
with the record's protocol (its current density and half-cycle duration) and two free parameters
of the interphase, fitted in log space:

===================  ===========================================================  ============
anode                free parameters                                              sets mainly
===================  ===========================================================  ============
``"modified"``       ``Modified interphase resistivity [Ohm.m]``                  start value
                     ``Modified interphase solvent diffusivity [m2.s-1]``         growth
``"pristine"``       ``Pristine interphase resistivity [Ohm.m]``                  start value
                     ``Pristine interphase chemical growth rate [m.s-1]``         growth
===================  ===========================================================  ============

Everything else (SSE, kinetics, initial film thickness ...) comes from the parameter set, as an
experimenter would take it from EIS, CV and AFM.

Fit: Levenberg-Marquardt on ``r = eta_model - eta_data`` (mV, one per cycle) with a
forward-difference Jacobian in log space (step :data:`JACOBIAN_STEP`), so each iteration costs
three model runs. For the modified anode the start point comes from the growth law itself:
the film voltage is ``2 i rho L(t)`` with ``L(t)^2 = L0^2 + 2 V_f D c_SN t`` (both electrodes,
:mod:`solidna.models.interphase`); one model run at the set's values gives everything else, and a
cheap least-squares fit of that expression puts the start within a few per cent, so the model
fit converges in one or two iterations (about 6-9 runs in all).

Uncertainty (Laplace approximation): the covariance of the log parameters is
``s^2 (J^T J)^-1`` at the optimum, with ``s`` the residual RMS. The forecast re-runs the model to
the chosen time at the best fit and at ``n_samples`` parameter sets drawn from that normal
distribution (tens of runs, not thousands; cycle-jumped, :mod:`solidna.cells.jump`, sharing one
PyBaMM simulation, or on Dask workers); the band is
``best +- z sqrt(var_samples + s^2)``: parameter uncertainty plus the scatter of a single cycle
about the model (the band a future measured cycle should fall in), with ``z`` from ``level``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.calibrate._common import check_in_volts, forward_jacobian
from solidna.errors import ConvergenceError, DataFormatError, InvalidOptionError, check_choice
from solidna.parameters import ParameterSet

__all__ = [
    "InterphaseFit",
    "fit_symmetric_record",
    "FREE_PARAMETERS",
    "JACOBIAN_STEP",
    "PROTOCOL_TOLERANCE",
    "MIN_CYCLES",
    "NOISE_FLOOR_MV",
    "MIN_HALF_CYCLE_S",
]

#: Free parameters by anode (see the module docstring).
FREE_PARAMETERS: dict[str, tuple[str, str]] = {
    "modified": (
        "Modified interphase resistivity [Ohm.m]",
        "Modified interphase solvent diffusivity [m2.s-1]",
    ),
    "pristine": (
        "Pristine interphase resistivity [Ohm.m]",
        "Pristine interphase chemical growth rate [m.s-1]",
    ),
}

#: Forward-difference step in log space: 5 % changes move the overpotential by ~0.1-4 mV, far
#: above the solver's reproducibility (< 0.01 mV, solver rtol 1e-6) and small enough to stay
#: in the linear range of the log-parameter response.
JACOBIAN_STEP: float = 0.05

#: The record must be a regular square wave: every complete half cycle within 10 % of the
#: median duration and current density. The model is run with one current and one half-cycle
#: length; a record with several protocols must be split first.
PROTOCOL_TOLERANCE: float = 0.10

#: At least 5 cycles: two parameters and an RMS need some degrees of freedom.
MIN_CYCLES: int = 5

#: Smallest per-cycle scatter (mV) used for the uncertainty: the per-cycle overpotential of the
#: model itself is reproducible to ~0.01 mV, and an instrument reads to ~0.05 mV at best; with a
#: (simulated) noise-free record the residual RMS would otherwise make the band collapse.
NOISE_FLOOR_MV: float = 0.05

#: Levenberg-Marquardt stops when a step changes every parameter by less than 0.2 % (a 0.2 %
#: change of the resistivity moves the overpotential by ~0.15 mV at 80 mV).
STEP_TOL: float = 2e-3
MAX_ITERATIONS: int = 12


@fill_doc
@dataclass
class InterphaseFit:
    """Fit of the symmetric-cell interphase model to a plating/stripping record.

    Parameters
    ----------
    anode : {"modified", "pristine"}
        Which interphase parameterisation to fit (default ``"modified"``, M-Na).
    parameters : ParameterSet, optional
        Fixed parameters (default :func:`solidna.lu2019`).
    temperature, sse_thickness : str or float, optional
        Cell conditions, as for :class:`solidna.cells.symmetric.SymmetricCell` (``"25 degC"``,
        ``"60 um"``).
    window : float
        Plateau window of :func:`~solidna.analysis.cycling.per_cycle_overpotential`.
    %(progress)s
        Once per model run.

    Attributes
    ----------
    params_ : dict[str, float]
        Fitted values (SI) by parameter name.
    rel_std_ : dict[str, float]
        One-standard-deviation relative uncertainty (Laplace, log space).
    covariance_log_ : numpy.ndarray
        Covariance of the natural logs of the fitted parameters.
    residual_rms_mV_ : float
        RMS of the per-cycle residuals, in mV.
    protocol_ : dict
        ``current_density_A_m2`` and ``half_cycle_s`` read off the record.
    data_ : pandas.DataFrame
        ``Time [h]`` (from the start of the record), ``Overpotential [mV]`` (measured),
        ``Model [mV]`` (best fit), per cycle.
    n_model_runs_ : int
        Model runs used by the fit (the forecast's runs are counted in its table's ``attrs``).
    parameter_set_ : ParameterSet
        The set with the fitted values (method ``fitted``).
    """

    anode: str = "modified"
    parameters: ParameterSet | None = None
    temperature: str | float | None = None
    sse_thickness: str | float | None = None
    window: float = 0.1
    progress: Callable[[str, float | None], None] | None = None
    params_: dict[str, float] = field(default_factory=dict, init=False)
    rel_std_: dict[str, float] = field(default_factory=dict, init=False)
    covariance_log_: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), init=False)
    residual_rms_mV_: float = field(default=math.nan, init=False)
    protocol_: dict[str, float] = field(default_factory=dict, init=False)
    data_: pd.DataFrame = field(default_factory=pd.DataFrame, init=False)
    n_model_runs_: int = field(default=0, init=False)
    parameter_set_: ParameterSet | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.anode = check_choice("anode type", self.anode, list(FREE_PARAMETERS))
        self._names = FREE_PARAMETERS[self.anode]

    # ---------------------------------------------------------------------------------------
    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message, None)

    def _voltage_limit_V(self) -> float:
        from solidna.parameters import lu2019

        ps = self.parameters if self.parameters is not None else lu2019()
        return float(ps.get("Voltage limit [V]", 10.0))

    def _base_cell(self):
        from solidna.cells.symmetric import SymmetricCell
        from solidna.parameters import lu2019

        return SymmetricCell(
            self.anode,
            self.parameters if self.parameters is not None else lu2019(),
            temperature=self.temperature,
            sse_thickness=self.sse_thickness,
        )

    def _run(self, x: np.ndarray, duration_s: float) -> pd.DataFrame:
        """Per-cycle overpotential table of the model at log parameters ``x``, every cycle
        resolved: the fit's finite-difference Jacobian needs runs that differ by the parameter
        step only, not by where a cycle-jumped run happened to jump."""
        from solidna.cells.symmetric import SymmetricCell

        self._runs += 1
        ps = self._base.parameters.updated(
            dict(zip(self._names, np.exp(x), strict=True)),
            method="fitted",
            source="user data",
            note="solidna.calibrate.from_data.InterphaseFit",
        )
        result = SymmetricCell(self.anode, ps).cycle(**self._protocol(duration_s), jump=False)
        return result.cycles()

    def _protocol(self, duration_s: float) -> dict[str, str]:
        """The record's protocol as quantities with units: a value outside a step's typical
        range is then reported as what it is (the record's current density in mA/cm2), not as a
        bare number the user never typed."""
        return {
            "current_density": f"{self.protocol_['current_density_A_m2']!r} A/m2",
            "duration": f"{float(duration_s)!r} s",
            "half_cycle": f"{self.protocol_['half_cycle_s']!r} s",
        }

    def _model_at(self, x: np.ndarray) -> np.ndarray:
        cycles = self._run(x, self._t_end_s)
        return np.interp(self._t_data_h, cycles["Time [h]"], cycles["Overpotential [mV]"])

    # ---------------------------------------------------------------------------------------
    def fit(
        self, time_s, voltage_V, current_density_A_m2, *, check_time_unit: bool = True
    ) -> InterphaseFit:
        """Fit the free interphase parameters to a plating/stripping record; return ``self``.

        Parameters
        ----------
        time_s, voltage_V, current_density_A_m2 : array_like of float
            The record: time in s, cell voltage in V, current density in A/m2
            (1 mA/cm2 = 10 A/m2). It must start with the fresh cell and be a regular square
            wave (see :data:`PROTOCOL_TOLERANCE`).
        check_time_unit : bool
            Warn when the half cycles are too short for a time in seconds (as
            :func:`~solidna.analysis.cycling.per_cycle_overpotential` does; default True).
            False where the caller has checked the record already and said so.

        Raises
        ------
        DataFormatError
            Fewer than :data:`MIN_CYCLES` cycles, not a regular square wave, half cycles
            shorter than :data:`MIN_HALF_CYCLE_S` (times not in seconds) or voltages beyond
            1.5 times the set's voltage limit (not in volts).
        ConvergenceError
            The model runs fail or the fit leaves a singular Jacobian.
        """
        from solidna.analysis.cycling import per_cycle_overpotential, split_half_cycles

        t = np.asarray(time_s, dtype=float)
        v = np.asarray(voltage_V, dtype=float)
        j = np.asarray(current_density_A_m2, dtype=float)
        if t.size < 2:
            raise DataFormatError("The record needs at least two samples.")
        t = t - t[0]
        halves = split_half_cycles(t, j)
        complete = halves[halves["Complete"]] if not halves.empty else halves
        if len(complete) < 2 * MIN_CYCLES:
            raise DataFormatError(
                f"The record has {len(complete)} complete half cycles; the fit needs at least "
                f"{2 * MIN_CYCLES} ({MIN_CYCLES} cycles)."
            )
        duration = complete["Duration [s]"].to_numpy()
        density = np.abs(complete["Current density [A.m-2]"].to_numpy())
        _check_units(float(np.median(duration)), v, self._voltage_limit_V())
        for name, values in (("half-cycle duration", duration), ("current density", density)):
            med = float(np.median(values))
            worst = float(np.max(np.abs(values / med - 1)))
            if worst > PROTOCOL_TOLERANCE:
                raise DataFormatError(
                    f"The record is not a regular square wave: the {name} varies by "
                    f"{100 * worst:.0f} % from its median (allowed {100 * PROTOCOL_TOLERANCE:.0f}"
                    " %). Fit one protocol at a time (cut the record where it changes)."
                )
        self.protocol_ = {
            "current_density_A_m2": float(np.median(density)),
            "half_cycle_s": float(np.median(duration)),
        }
        _warn_unusual_protocol(self.protocol_)
        table = per_cycle_overpotential(
            t, v, j, window=self.window, check_time_unit=check_time_unit
        )
        self._t_data_h = table["Time [h]"].to_numpy()
        eta = table["Overpotential [mV]"].to_numpy()
        n_cycles = int(round(self._t_data_h[-1] * 3600 / (2 * self.protocol_["half_cycle_s"])))
        self._t_end_s = n_cycles * 2 * self.protocol_["half_cycle_s"]
        self._base = self._base_cell()
        self._runs = 0

        def residual(x: np.ndarray) -> np.ndarray:
            self._say(
                f"model run {self._runs + 1}: "
                + ", ".join(
                    f"{n.split(' [')[0]} = {v:.4g}"
                    for n, v in zip(self._names, np.exp(x), strict=True)
                )
            )
            return self._model_at(x) - eta

        x = np.log([self._base.parameters[n] for n in self._names])
        r = residual(x)
        if self.anode == "modified" and math.sqrt(float(r @ r) / r.size) > NOISE_FLOOR_MV:
            start = self._growth_law_start(x, r + eta, eta)
            r_start = residual(start)
            if float(r_start @ r_start) < float(r @ r):
                x, r = start, r_start
        x, r, jac = _levenberg_marquardt(residual, x, r)
        dof = max(eta.size - len(x), 1)
        s = max(float(np.sqrt(np.sum(r**2) / dof)), NOISE_FLOOR_MV)
        try:
            cov = s**2 * np.linalg.inv(jac.T @ jac)
        except np.linalg.LinAlgError:
            raise ConvergenceError(
                "The fitted parameters are not identifiable from this record (singular "
                "Jacobian): the overpotential does not change with them. A longer record is "
                "needed to see the growth."
            ) from None
        self.covariance_log_ = cov
        self.params_ = dict(zip(self._names, np.exp(x).tolist(), strict=True))
        self.rel_std_ = dict(zip(self._names, np.sqrt(np.diag(cov)).tolist(), strict=True))
        self.residual_rms_mV_ = float(np.sqrt(np.mean(r**2)))
        self.n_model_runs_ = self._runs
        self._x = x
        self._s_mV = s
        self.data_ = pd.DataFrame(
            {"Time [h]": self._t_data_h, "Overpotential [mV]": eta, "Model [mV]": r + eta},
            index=table.index,
        )
        self.parameter_set_ = self._base.parameters.updated(
            self.params_,
            method="fitted",
            source="user data",
            note=(
                "fitted to a plating/stripping record by solidna.calibrate.from_data "
                f"({eta.size} cycles, {self.protocol_['current_density_A_m2'] / 10:g} mA/cm2)"
            ),
        )
        return self

    def _growth_law_start(self, x: np.ndarray, eta_model: np.ndarray, eta: np.ndarray):
        """Start point from the parabolic growth law (see the module docstring)."""
        from scipy.optimize import least_squares

        from solidna.models.solve import symmetric_parameter_values

        values = symmetric_parameter_values(self._base.parameters, "modified")
        l0 = values["Modified interphase initial thickness [m]"]
        k_per_d = (
            2
            * values["Modified interphase molar volume [m3.mol-1]"]
            * values["SN concentration [mol.m-3]"]
        )
        i = self.protocol_["current_density_A_m2"]
        t_s = self._t_data_h * 3600

        def film_mV(log_rho: float, log_d: float) -> np.ndarray:
            return 2e3 * i * np.exp(log_rho) * np.sqrt(l0**2 + k_per_d * np.exp(log_d) * t_s)

        other = eta_model - film_mV(*x)
        # exp() of a wild trial step overflows; such a start is refused below, never used
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                fit = least_squares(lambda y: other + film_mV(*y) - eta, x, method="lm")
            except ValueError:  # residuals not finite at the start: no better start
                return x
        # A start outside +-3 decades of the set's values means the record is not of this form;
        # the model fit then starts from the set's values.
        ok = np.all(np.isfinite(fit.x)) and np.all(np.abs(fit.x - x) < math.log(1e3))
        return fit.x if ok else x

    # ---------------------------------------------------------------------------------------
    @fill_doc
    def predict(
        self, until: str | float, x: np.ndarray | None = None, jump: bool | None = None
    ) -> pd.DataFrame:
        """Per-cycle overpotential of the fitted model from the start to ``until``.

        Parameters
        ----------
        %(until)s
        %(jump)s

        Returns
        -------
        pandas.DataFrame
            ``Time [h]`` and ``Overpotential [mV]`` per cycle.
        """
        self._check_fitted()
        return self._trajectories([self._x if x is None else x], until, jump)[0]

    def _trajectories(
        self,
        xs: list[np.ndarray],
        until: str | float,
        jump: bool | None,
        scheduler: str | None = None,
        workers: int | None = None,
    ) -> list[pd.DataFrame]:
        """Per-cycle overpotential to ``until`` at each of the log parameters ``xs``."""
        from solidna.cells.jump import use_jumping
        from solidna.protocols import PlatingStripping
        from solidna.protocols.steps import DURATION_TYPICAL_S, parse_duration_s

        # positive and at most MAX_DURATION, in the user's own words ("forecast time '-5 h'")
        end_s = parse_duration_s(until, "forecast time", DURATION_TYPICAL_S, "4000 h")
        period_s = 2 * self.protocol_["half_cycle_s"]
        n = max(int(math.ceil(end_s / period_s)), 1)
        if not use_jumping(jump, n):
            return [self._run(x, n * period_s)[["Time [h]", "Overpotential [mV]"]] for x in xs]
        step = PlatingStripping(**self._protocol(n * period_s))
        samples = [dict(zip(self._names, map(float, np.exp(x)), strict=True)) for x in xs]
        self._runs += len(samples)
        if scheduler is None and workers is None:
            return _sample_cycles(self._base, step, samples)
        return _dask_samples(self._base, step, samples, scheduler, workers)

    @fill_doc
    def forecast(
        self,
        until: str | float = "4000 h",
        n_samples: int = 20,
        level: float = 0.95,
        seed: int = 0,
        jump: bool | None = None,
        scheduler: str | None = None,
        workers: int | None = None,
    ) -> pd.DataFrame:
        """Forecast the per-cycle overpotential to ``until`` with an uncertainty band.

        Parameters
        ----------
        %(until)s
        n_samples : int
            Parameter sets drawn from the Laplace posterior (each one model run).
        level : float
            Probability content of the band (default 0.95).
        seed : int
            Seed of the draws (reproducible bands).
        %(jump)s
            Jumped, the samples share one PyBaMM simulation (the sampled parameters are its
            inputs).
        scheduler : str, optional
            Address of a running Dask scheduler (``tcp://HOST:8786``): the samples run on its
            workers. Default: in this process.
        workers : int, optional
            Run the samples on an embedded Dask ``LocalCluster`` with this many worker
            processes. Starting one costs seconds (processes importing PyBaMM), more than a
            jumped 20-sample forecast takes in this process; it pays for many samples or long
            runs with ``jump=False``.

        Returns
        -------
        pandas.DataFrame
            Indexed by cycle: ``Time [h]``, ``Overpotential [mV]`` (best fit), ``Lower [mV]``
            and ``Upper [mV]`` (prediction band for a measured cycle: parameters plus per-cycle
            scatter), ``Parameter lower [mV]``/``Parameter upper [mV]`` (parameters only), and
            ``Measured [mV]`` where the record has that cycle.
        """
        from scipy.stats import norm

        self._check_fitted()
        if not (0 < level < 1):
            raise InvalidOptionError(f"level must lie in (0, 1); got {level!r}. Default 0.95.")
        if int(n_samples) < 2:
            raise InvalidOptionError(f"n_samples must be >= 2; got {n_samples!r}.")
        if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
            raise InvalidOptionError(
                f"workers must be a whole number >= 1 (Dask worker processes); got {workers!r}. "
                "Leave it out to run the samples in this process."
            )
        rng = np.random.default_rng(seed)
        draws = rng.multivariate_normal(self._x, self.covariance_log_, size=int(n_samples))
        if self.progress is not None:
            self.progress(f"forecast: {len(draws) + 1} model runs to {until}", None)
        runs = self._trajectories([self._x, *draws], until, jump, scheduler, workers)
        best = runs[0]
        traj = np.empty((len(draws), len(best)))
        for k, run in enumerate(runs[1:]):
            traj[k] = np.interp(best["Time [h]"], run["Time [h]"], run["Overpotential [mV]"])
        z = float(norm.ppf(0.5 + level / 2))
        spread = traj.var(axis=0, ddof=1)
        centre = best["Overpotential [mV]"].to_numpy()
        half = z * np.sqrt(spread + self._s_mV**2)
        out = pd.DataFrame(
            {
                "Time [h]": best["Time [h]"].to_numpy(),
                "Overpotential [mV]": centre,
                "Lower [mV]": centre - half,
                "Upper [mV]": centre + half,
                "Parameter lower [mV]": centre - z * np.sqrt(spread),
                "Parameter upper [mV]": centre + z * np.sqrt(spread),
            },
            index=best.index,
        )
        measured = self.data_["Overpotential [mV]"].reindex(out.index)
        out["Measured [mV]"] = measured.to_numpy()
        out.attrs.update(
            {
                "level": level,
                "n_samples": int(n_samples),
                "seed": seed,
                "model runs": len(draws) + 1,
            }
        )
        return out

    def summary(self) -> dict[str, Any]:
        """Fitted values, uncertainties, protocol and fit quality (for summary.json)."""
        self._check_fitted()
        return {
            "anode": self.anode,
            "parameters": {
                name: {"value": value, "relative std": self.rel_std_[name]}
                for name, value in self.params_.items()
            },
            "current density [mA.cm-2]": self.protocol_["current_density_A_m2"] / 10,
            "half cycle [h]": self.protocol_["half_cycle_s"] / 3600,
            "cycles fitted": len(self.data_),
            "residual RMS [mV]": self.residual_rms_mV_,
            "model runs (fit)": self.n_model_runs_,
            "method": (
                "Levenberg-Marquardt in log space on the per-cycle overpotential; Laplace "
                "covariance s^2 (J^T J)^-1"
            ),
        }

    def _check_fitted(self) -> None:
        if not self.params_:
            raise InvalidOptionError("This InterphaseFit is not fitted yet; call .fit(...) first.")


#: Shortest median half cycle [s] taken as a plating/stripping record: below it the times are
#: most likely not in seconds (a 1-h half cycle given in hours is "1").
MIN_HALF_CYCLE_S: float = 10.0


def _check_units(half_cycle_s: float, voltage_V: np.ndarray, limit_V: float) -> None:
    """Refuse a record whose numbers cannot be in the units :meth:`InterphaseFit.fit` takes: a
    half cycle of seconds (times in hours or minutes), or voltages beyond the cycler's
    protection (millivolts)."""
    if half_cycle_s < MIN_HALF_CYCLE_S:
        raise DataFormatError(
            f"The record's half cycles last {half_cycle_s:.4g} s (median): the time must be in "
            f"seconds. Times in hours: multiply by 3600; in minutes: by 60. (Half cycles "
            f"shorter than {MIN_HALF_CYCLE_S:g} s are pulses, not a plating/stripping record.)"
        )
    check_in_volts(voltage_V, limit_V)


def _warn_unusual_protocol(protocol: dict[str, float]) -> None:
    """Warn once, in the record's own terms, when its current density or half cycle lies
    outside the typical range of the plating/stripping step (a unit slipped: mA/cm2 given as
    A/m2 is ten times too low)."""
    import warnings

    from solidna.errors import OutOfRangeWarning, user_stacklevel
    from solidna.protocols.steps import CURRENT_DENSITY_TYPICAL_A_M2, HALF_CYCLE_TYPICAL_S

    i, half = protocol["current_density_A_m2"], protocol["half_cycle_s"]
    lo, hi = CURRENT_DENSITY_TYPICAL_A_M2
    problems = []
    if not lo <= i <= hi:
        problems.append(
            f"current density is {i / 10:.4g} mA/cm2 (median of |current density| = {i:.4g} "
            f"A/m2), outside the typical {lo / 10:g}-{hi / 10:g} mA/cm2; the current density is "
            "read in A/m2 (1 mA/cm2 = 10 A/m2)"
        )
    lo, hi = HALF_CYCLE_TYPICAL_S
    if not lo <= half <= hi:
        problems.append(
            f"half cycle is {half / 3600:.4g} h, outside the typical {lo / 3600:.3g}-{hi / 3600:g} h; "
            "the time is read in s"
        )
    if problems:
        warnings.warn(
            "The record's " + "; its ".join(problems) + ". The fit goes on; check the units.",
            OutOfRangeWarning,
            stacklevel=user_stacklevel(),
        )


def _sample_cycles(cell, step, samples: list[dict[str, float]]) -> list[pd.DataFrame]:
    """Per-cycle overpotential of ``cell`` under ``step`` at each sample (one PyBaMM simulation
    for all: :meth:`~solidna.cells.symmetric.SymmetricCell.run_samples`)."""
    results = cell.run_samples(step, samples)
    return [r.cycles()[["Time [h]", "Overpotential [mV]"]] for r in results]


def _dask_samples(
    cell, step, samples: list[dict[str, float]], scheduler: str | None, workers: int | None
) -> list[pd.DataFrame]:
    """:func:`_sample_cycles` on Dask (``dask.distributed``, the engine of ``solidna sweep``):
    the samples in one chunk per worker, each chunk one task sharing one simulation."""
    from solidna._dask import dask_client

    with dask_client(scheduler, workers) as client:
        n = max(1, len(client.scheduler_info()["workers"]))
        chunks = [samples[k::n] for k in range(n) if samples[k::n]]
        futures = client.map(_sample_cycles, [cell] * len(chunks), [step] * len(chunks), chunks)
        parts = client.gather(futures)
    # chunk k holds samples k, k + n, ...: put them back in order
    out: list[pd.DataFrame] = [pd.DataFrame()] * len(samples)
    for k, part in enumerate(parts):
        out[k::n] = part
    return out


def _levenberg_marquardt(residual, x, r):
    """Minimise ``|residual(x)|^2`` from ``x`` (with ``r = residual(x)``); forward-difference
    Jacobian, one per accepted step. Returns ``(x, r, jacobian_at_x)``.

    Stops when a step changes every parameter by less than :data:`STEP_TOL`, when an accepted
    step lowers the cost by less than 0.1 % (the residual is noise), or when the residual RMS
    is at the reading precision :data:`NOISE_FLOOR_MV`.
    """
    cost = float(r @ r)
    lam = 1e-3
    jac = None
    for _ in range(MAX_ITERATIONS):
        jac = forward_jacobian(residual, x, r, steps=[JACOBIAN_STEP] * x.size)
        if math.sqrt(cost / r.size) <= NOISE_FLOOR_MV:
            break
        a = jac.T @ jac
        g = jac.T @ r
        accepted = False
        while lam < 1e8:
            try:
                step = np.linalg.solve(a + lam * np.diag(np.diag(a)), -g)
            except np.linalg.LinAlgError:
                lam *= 10
                continue
            r_new = residual(x + step)
            cost_new = float(r_new @ r_new)
            if cost_new < cost:
                gain = (cost - cost_new) / cost
                x, r, cost = x + step, r_new, cost_new
                lam = max(lam / 10, 1e-7)
                accepted = True
                break
            lam *= 10
        if not accepted or np.max(np.abs(step)) < STEP_TOL or gain < 1e-3:
            break
    if jac is None:  # pragma: no cover - MAX_ITERATIONS >= 1
        raise ConvergenceError("no Levenberg-Marquardt iteration ran")
    return x, r, jac


def fit_symmetric_record(
    time_s,
    voltage_V,
    current_density_A_m2,
    anode: str = "modified",
    parameters: ParameterSet | None = None,
    **kwargs: Any,
) -> InterphaseFit:
    """Functional front end: ``InterphaseFit(anode, parameters, **kwargs).fit(t, V, i)``.

    Parameters
    ----------
    time_s : array_like of float
        Time [s].
    voltage_V : array_like of float
        Cell voltage [V].
    current_density_A_m2 : array_like of float
        Current density [A/m2].
    anode : {"modified", "pristine"}, optional
        The Na electrodes.
    parameters : ParameterSet, optional
        Parameters of the model; None for the default of :class:`InterphaseFit`.
    **kwargs
        Further options of :class:`InterphaseFit`.

    Returns
    -------
    InterphaseFit
        The fitted estimator.

    Examples
    --------
    A 40-h record simulated with a 30 % higher film resistivity is recovered:

    >>> import solidna as sd
    >>> ps = sd.lu2019()
    >>> name = "Modified interphase resistivity [Ohm.m]"
    >>> truth = ps.updated({name: 1.3 * ps[name]})
    >>> ts = sd.SymmetricCell("modified", truth).cycle("0.1 mA/cm2", "1 h", "40 h").timeseries
    >>> fit = fit_symmetric_record(ts["Time [h]"] * 3600, ts["Voltage [V]"],
    ...                            ts["Current density [mA.cm-2]"] * 10)
    >>> round(fit.params_[name] / truth[name], 2)
    1.0
    """
    return InterphaseFit(anode, parameters, **kwargs).fit(time_s, voltage_V, current_density_A_m2)
