"""Machinery shared by the calibration routines: log residuals against ``calibrate`` targets,
a chord-method solve, the uncertainty analysis at the optimum, and the fitted-parameter file with
provenance.

Each routine supplies its free parameters (name -> :class:`FreeParameter`: unit, round-number
initial guess, note), the ids of the calibrate targets it fits (as many as free parameters) and a
function that computes the model values of those targets from a parameter set. At the solution a
fresh Jacobian gives the sensitivities, identifiable combinations, correlations and uncertainties of
:mod:`solidna.calibrate.uncertainty`, written beside each fitted value.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from solidna._docstrings import fill_doc
from solidna.analysis._checks import check_cell_voltage
from solidna.calibrate.uncertainty import UNCERTAINTY_METHOD, Identifiability, identifiability
from solidna.errors import ConvergenceError
from solidna.io_utils import write_text
from solidna.parameters import ParameterSet
from solidna.parameters.parameter_set import set_directory
from solidna.progress import Progress, no_progress
from solidna.targets import calibrate_targets

__all__ = [
    "Calibration",
    "FreeParameter",
    "chord_solve",
    "print_progress",
    "RESIDUAL_TOL",
    "JACOBIAN_STEP",
    "SOLVE_SHARE",
    "forward_jacobian",
    "write_fitted",
    "check_in_volts",
    "PROTECTION_MARGIN",
]

# Residual tolerance of the solve: |ln(model/paper)| below 1e-3 (0.1 %) is far inside the
# targets' tolerances (5-50 %), and above the noise of the residuals (solver tolerance amplified
# by fits and threshold interpolation), which stalls a trust-region optimiser.
RESIDUAL_TOL = 1e-3
JACOBIAN_STEP = 0.02  # in log space: 2 % changes, well above the residual noise
# Largest change of any log-parameter in one step (a factor e^0.5 = 1.65): a full Newton step
# from a far initial guess can jump over a cliff (e.g. a cell that fails before the end of a
# cycling protocol).
MAX_STEP = 0.5
# Share of the progress bar for the solve; the rest is the Jacobian at the solution (one
# evaluation per free parameter) for the uncertainty analysis.
SOLVE_SHARE = 0.85


def write_fitted(path: Path, text: str) -> Path:
    """Write a fitted-parameter file atomically (never half-written); a folder that cannot be
    written is an :class:`~solidna.errors.OutputNotWritableError` that says what to do.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    text : str
        Its TOML text.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return write_text(
        path,
        text,
        unwritable=f"Cannot write the fitted parameters to {str(path)!r} ({{error}}). The fit is "
        "kept nowhere: rerun with --check (write=False) to only fit and report, or use a solidna "
        "installed in a folder you own (pip install -e .).",
    )


#: Factor over the cycler's protection beyond which a Na|SSE|Na record's |voltage| is taken for
#: millivolts: the sample that trips the protection can lie a little beyond it, while a voltage
#: in mV reads 1000 times too large, so any factor in between tells them apart.
PROTECTION_MARGIN: float = 1.5


def check_in_volts(voltage_V: np.ndarray, limit_V: float) -> None:
    """Refuse a Na|SSE|Na record whose voltages cannot be in volts: beyond
    :data:`PROTECTION_MARGIN` times the cycler's protection ``limit_V`` [V] they are millivolts
    (:func:`~solidna.analysis._checks.check_cell_voltage`, with this limit).

    Parameters
    ----------
    voltage_V : numpy.ndarray of float
        The record's voltages, supposedly in V.
    limit_V : float
        The cycler's voltage protection [V] (the set's ``Voltage limit [V]``).

    Raises
    ------
    DataFormatError
        When the largest finite |voltage| exceeds ``PROTECTION_MARGIN * limit_V``.
    """
    check_cell_voltage(
        "voltage_V",
        voltage_V,
        PROTECTION_MARGIN * limit_V,
        f"a Na|SSE|Na cell can reach ({PROTECTION_MARGIN:g} x the cycler's {limit_V:g} V "
        "protection)",
    )


def forward_jacobian(
    log_values: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y0: np.ndarray,
    steps: Sequence[float] | None = None,
    column_done: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Forward-difference Jacobian ``d log_values / d x`` at ``x``: one evaluation per column,
    the uncertainty analysis of every calibration (:mod:`solidna.calibrate.uncertainty`).

    Parameters
    ----------
    log_values : callable
        ``x -> ln(model values)`` [-] (or log residuals, which differ by a constant).
    x : numpy.ndarray of float
        The point, in the fitted coordinates (``ln p`` or ``p``).
    y0 : numpy.ndarray of float
        ``log_values(x)``, already known to the caller.
    steps : sequence of float, optional
        Step of each coordinate; default :data:`JACOBIAN_STEP` (2 % in log space).
    column_done : callable, optional
        Called with the column index after each evaluation (progress).

    Returns
    -------
    numpy.ndarray of float
        The Jacobian, ``len(y0)`` rows by ``len(x)`` columns.
    """
    jac = np.empty((len(y0), len(x)))
    for k in range(len(x)):
        step = JACOBIAN_STEP if steps is None else steps[k]
        xk = x.copy()
        xk[k] += step
        jac[:, k] = (log_values(xk) - y0) / step
        if column_done is not None:
            column_done(k)
    return jac


def chord_solve(
    fun: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    max_iter: int = 25,
    done: Callable[[float], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Solve fun(x) = 0 (as many residuals as unknowns) by the chord method.

    The Jacobian is computed by forward differences and reused while the residual at least
    halves per step; otherwise it is recomputed at the current point. In log space these
    problems are nearly linear and nearly diagonal (each target is fixed mainly by one
    parameter), so this converges in a few steps at a fraction of the cost of a trust-region
    fit that re-differentiates a noisy residual every step.

    ``done(fraction)`` is called after every evaluation with the estimated share of the solve
    done, ``nfev / (nfev + evaluations still expected)``, never decreasing: what remains is the
    rest of a Jacobian under way plus one step per halving of the largest residual down to
    :data:`RESIDUAL_TOL`.

    Parameters
    ----------
    fun : callable
        Residuals [-] as a function of the unknowns (log parameter values [-]).
    x0 : numpy.ndarray of float
        Starting point.
    max_iter : int, optional
        Most chord steps [-].
    done : callable, optional
        Progress callback, ``done(fraction)`` with the fraction done [-].

    Returns
    -------
    x : numpy.ndarray of float
        The solution.
    nfev : int
        Number of evaluations of ``fun``.
    """
    nfev = 0
    shown = 0.0

    def report(r: np.ndarray, pending: int) -> None:
        nonlocal shown
        if done is None:
            return
        halvings = math.log2(max(float(np.max(np.abs(r))), RESIDUAL_TOL) / RESIDUAL_TOL)
        shown = max(shown, nfev / (nfev + pending + math.ceil(halvings)))
        done(shown)

    def jacobian(x: np.ndarray, r: np.ndarray) -> np.ndarray:
        nonlocal nfev
        jac = np.empty((r.size, x.size))
        for k in range(x.size):
            xk = x.copy()
            xk[k] += JACOBIAN_STEP
            jac[:, k] = (fun(xk) - r) / JACOBIAN_STEP
            nfev += 1
            report(r, x.size - k - 1)
        return jac

    x = x0.copy()
    r = fun(x)
    nfev += 1
    report(r, x.size)
    jac = jacobian(x, r)
    for _ in range(max_iter):
        if np.max(np.abs(r)) < RESIDUAL_TOL:
            return x, nfev
        dx = -np.linalg.lstsq(jac, r, rcond=None)[0]
        x_new = x + dx * min(1.0, MAX_STEP / max(np.max(np.abs(dx)), 1e-300))
        r_new = fun(x_new)
        nfev += 1
        report(r_new, 0)
        if np.max(np.abs(r_new)) > 0.5 * np.max(np.abs(r)):
            jac = jacobian(x_new, r_new)  # slow progress: refresh the slopes
        x, r = x_new, r_new
    if np.max(np.abs(r)) < RESIDUAL_TOL:
        return x, nfev
    raise ConvergenceError(
        f"calibration did not converge in {max_iter} chord steps; log residuals "
        f"{np.round(r, 5).tolist()}."
    )


def print_progress(message: str, fraction: float | None = None) -> None:
    """A progress callback that prints each message (with the fraction done, when given).

    Parameters
    ----------
    message : str
        What is being done.
    fraction : float, optional
        Fraction done [-], 0 to 1; None when unknown.
    """
    print(message if fraction is None else f"[{100 * fraction:3.0f} %] {message}")


class FreeParameter(NamedTuple):
    """A parameter a calibration fits, keyed by its name in the parameter set.

    A named tuple: ``unit, guess, note = free`` unpacks it.

    Attributes
    ----------
    unit : str
        Its unit, as in the name's brackets (written to the fitted file).
    guess : float
        Initial guess [unit]: a round order of magnitude, not the answer; the fit starts from it
        (in log space), so the result does not depend on an earlier fit.
    note : str
        What the parameter means and what sets it (written to the fitted file).
    """

    unit: str
    guess: float
    note: str


@dataclass
class Calibration:
    """A calibration problem: free parameters, calibrate targets and the model.

    Attributes
    ----------
    name : str
        Short name; the fitted file is ``fitted_<name>.toml`` in the Lu 2019 set.
    routine : str
        Dotted path of the public routine (recorded as provenance).
    free : dict of str to FreeParameter
        Parameter name -> its unit, initial guess and note.
    target_ids : tuple of str
        Ids of ``calibrate`` targets (as many as free parameters).
    model_values : callable
        ``(ParameterSet, progress) -> {target id: model value in the target's unit}``.
    source : str
        Provenance source of the fitted values (e.g. ``"lu2019:fig5c,fig5d"``).
    checked_ids : tuple of str
        Calibrate targets the model also returns but the fit does not use (e.g. one that no
        free parameter can move to the paper's number): recorded, with their sensitivities,
        as checks.
    """

    name: str
    routine: str
    free: Mapping[str, FreeParameter]
    target_ids: tuple[str, ...]
    model_values: Callable[..., dict[str, float]]
    source: str
    checked_ids: tuple[str, ...] = ()

    def entry_point(self, summary: str) -> Callable[..., dict[str, Any]]:
        """The public routine of a calibration module (``calibrate_<name>``): :meth:`run`, under
        the name recorded as :attr:`routine`, with ``summary`` and :meth:`run`'s parameters as
        its docstring. Written once here so that the three cell calibrations share one
        signature and one description of it.

        Parameters
        ----------
        summary : str
            First line(s) of the routine's docstring: what it fits to which figure.
        """

        def routine(
            write: bool = False,
            path: str | Path | None = None,
            parameters: ParameterSet | None = None,
            progress: Progress = no_progress,
        ) -> dict[str, Any]:
            return self.run(write=write, path=path, parameters=parameters, progress=progress)

        module, _, name = self.routine.rpartition(".")
        routine.__module__, routine.__name__, routine.__qualname__ = module, name, name
        body = (Calibration.run.__doc__ or "").split("\n", 1)[1]
        routine.__doc__ = summary.strip() + "\n" + textwrap.dedent(body)
        return routine

    def base(self) -> ParameterSet:
        """The Lu 2019 set without this routine's previous fit, at the initial guesses."""
        base = ParameterSet.load("lu2019", exclude=(f"fitted_{self.name}.toml",))
        initial = {n: p.guess for n, p in self.free.items()}
        return base.updated(initial, method="fitted", source="initial guess")

    def residuals(self, values: Mapping[str, float]) -> dict[str, float]:
        """Log residuals ln(model/paper) of the calibrate targets (scale-free).

        Parameters
        ----------
        values : mapping of str to float
            Model values by target id, in the targets' units.

        Returns
        -------
        dict of str to float
            Log residual by target id [-].
        """
        targets = calibrate_targets()
        return {tid: math.log(values[tid] / float(targets[tid].value)) for tid in self.target_ids}

    @fill_doc
    def run(
        self,
        write: bool = False,
        path: str | Path | None = None,
        parameters: ParameterSet | None = None,
        progress: Progress = no_progress,
    ) -> dict[str, Any]:
        """Fit the free parameters to the calibrate targets.

        Parameters
        ----------
        write : bool
            Write ``fitted_<name>.toml`` (default: only return the result).
        path : path, optional
            Where to write (default: the Lu 2019 set folder).
        parameters : ParameterSet, optional
            Fixed parameters (default: :meth:`base`, the set without the previous fit); the
            free ones start from the guesses of :attr:`free`, so the result does not depend on
            a previous fit.
        %(progress)s
            A message per model evaluation (fraction ``None``) and the estimated share of the
            fit done after each (never decreasing; 1 at the end).

        Returns
        -------
        dict
            ``parameters`` (name -> value), ``targets`` (ids), ``model`` (values, checked
            targets included), ``residuals``, ``cost``, ``nfev``, ``path``, and
            ``uncertainty`` (:class:`~solidna.calibrate.uncertainty.Identifiability` at the
            solution) with ``check_sensitivity`` (checked target -> d ln y / d ln p per
            parameter).
        """
        targets = calibrate_targets()
        missing = [t for t in self.target_ids if t not in targets]
        if missing:  # pragma: no cover - the targets file is package data
            raise RuntimeError(f"not calibrate targets: {missing}")
        base = parameters if parameters is not None else self.base()
        names = list(self.free)
        evaluated: dict[bytes, dict[str, float]] = {}  # model values by point

        def fun(x: np.ndarray) -> np.ndarray:
            ps = base.updated(
                dict(zip(names, np.exp(x), strict=True)), method="fitted", source="calibration"
            )
            n = len(evaluated) + 1

            def step(message: str, fraction: float | None = None) -> None:
                progress(f"evaluation {n}: {message}", fraction)

            evaluated[x.tobytes()] = self.model_values(ps, step)
            r = np.array(list(self.residuals(evaluated[x.tobytes()]).values()))
            # one number a line: the fit's progress, not the optimiser's arrays
            progress(f"evaluation {n}: RMS log residual {np.sqrt(np.mean(r**2)):.3g}", None)
            return r

        def done(fraction: float) -> None:
            progress(f"{len(evaluated)} model evaluations", SOLVE_SHARE * fraction)

        x, nfev = chord_solve(fun, np.log([self.free[n].guess for n in names]), done=done)
        final = evaluated[x.tobytes()]  # the solution itself, not the last Jacobian probe
        res = self.residuals(final)
        # A fresh forward-difference Jacobian at the solution (the chord method's may be from
        # an earlier point), for the targets fitted and the ones only checked.
        rows = list(self.target_ids) + [t for t in self.checked_ids if t in final]

        def log_rows(xk: np.ndarray) -> np.ndarray:
            fun(xk)
            return np.log([evaluated[xk.tobytes()][t] for t in rows])

        def column_done(k: int) -> None:
            progress(
                f"{len(evaluated)} model evaluations (sensitivities at the solution)",
                SOLVE_SHARE + (1 - SOLVE_SHARE) * (k + 1) / (len(names) + 1),
            )

        jac = forward_jacobian(
            log_rows, x, np.log([final[t] for t in rows]), column_done=column_done
        )
        nfev += len(names)
        values = dict(zip(names, (float(v) for v in np.exp(x)), strict=True))
        fitted = len(self.target_ids)
        analysis = identifiability(
            jac[:fitted], names, list(values.values()), [targets[t] for t in self.target_ids]
        )
        out = {
            "parameters": values,
            "targets": list(self.target_ids),
            "model": final,
            "residuals": res,
            "cost": 0.5 * float(sum(r**2 for r in res.values())),
            "nfev": nfev,
            "path": None,
            "uncertainty": analysis,
            "check_sensitivity": {
                t: dict(zip(names, (float(v) for v in jac[fitted + i]), strict=True))
                for i, t in enumerate(rows[fitted:])
            },
        }
        if write:
            out["path"] = str(self.write(out, path))
        progress(f"{self.name} calibration done ({nfev} model evaluations)", 1.0)
        return out

    def analyse(self, parameters: ParameterSet | None = None) -> Identifiability:
        """The uncertainty analysis at given fitted values without refitting (default: the
        committed ones of the Lu 2019 set): the model and one forward difference per free
        parameter, as :meth:`run` does at its solution. Costs ``n + 1`` model evaluations.

        Parameters
        ----------
        parameters : ParameterSet, optional
            The parameter set holding the fitted values (each in its own unit).

        Returns
        -------
        Identifiability
            The linearised uncertainty analysis.
        """
        ps = parameters if parameters is not None else ParameterSet.load("lu2019")
        targets = calibrate_targets()
        names = list(self.free)
        x = np.log([ps[n] for n in names])

        def log_values(xv: np.ndarray) -> np.ndarray:
            new = dict(zip(names, np.exp(xv), strict=True))
            values = self.model_values(ps.updated(new, method="fitted", source="calibration"))
            return np.log([values[t] for t in self.target_ids])

        jac = forward_jacobian(log_values, x, log_values(x))
        return identifiability(
            jac, names, [ps[n] for n in names], [targets[t] for t in self.target_ids]
        )

    def main(self, routine: Callable[..., dict[str, Any]]) -> None:
        """Run ``routine`` (the module's public fit) with ``write=True`` and print the result:
        what ``python -m solidna.calibrate.<name>`` does.

        Parameters
        ----------
        routine : callable
            The module's public fit, called as ``routine(write=True, progress=...)``.
        """
        result = routine(write=True, progress=print_progress)
        for k, v in result["model"].items():
            note = (
                f"(log residual {result['residuals'][k]:+.2e})"
                if k in result["residuals"]
                else "(checked, not fitted)"
            )
            print(f"{k:40s} {v:.6g}  {note}")
        print(result["uncertainty"].table())
        print("written:", result["path"])

    def write(self, result: Mapping[str, Any], path: str | Path | None = None) -> Path:
        """Write ``fitted_<name>.toml`` with the fitted values and their provenance.

        Parameters
        ----------
        result : mapping
            The fit's result (``parameters``, ``model``, ``residuals``, ``cost``,
            ``uncertainty``); parameter values in the units of :attr:`free`.
        path : str or pathlib.Path, optional
            The file to write; default ``fitted_<name>.toml`` in the Lu 2019 set's directory.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        import tomli_w

        from solidna import __version__

        path = (
            Path(path) if path is not None else set_directory("lu2019") / f"fitted_{self.name}.toml"
        )
        analysis: Identifiability = result["uncertainty"]
        doc: dict[str, Any] = {
            "meta": {
                "routine": self.routine,
                "solidna_version": __version__,
                "targets": list(self.target_ids),
                "residuals_log": {k: float(v) for k, v in result["residuals"].items()},
                "model_values": {k: float(v) for k, v in result["model"].items()},
                "cost": float(result["cost"]),
                "uncertainty": analysis.to_record(),
            },
            "parameters": {},
        }
        if result.get("check_sensitivity"):
            doc["meta"]["checked_targets"] = {
                t: {"model_value": float(result["model"][t]), "sensitivity": dict(sens)}
                for t, sens in result["check_sensitivity"].items()
            }
        for name, value in result["parameters"].items():
            free = self.free[name]
            doc["parameters"][name] = {
                "value": float(value),
                "unit": free.unit,
                "source": self.source,
                "method": "fitted",
                "uncertainty": analysis.uncertainty(name),
                "uncertainty_log": float(analysis.std[analysis.parameters.index(name)]),
                "uncertainty_method": UNCERTAINTY_METHOD,
                "note": free.note,
                "targets": list(self.target_ids),
                "routine": self.routine,
            }
        module = self.routine.rsplit(".", 1)[0]
        header = (
            f"# Written by {self.routine} - do not edit by hand.\n"
            f"# Regenerate: python -m {module}\n"
        )
        # atomic: a crash mid-write must not leave a half-written TOML that every later
        # ParameterSet.load of the Lu 2019 set would fail on
        return write_fitted(path, header + tomli_w.dumps(doc))
