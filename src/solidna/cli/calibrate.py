"""``solidna calibrate [STEP]``: fit the calibrate targets and write the fitted parameters.

A thin layer over ``solidna.calibrate.calibrate_<step>``: it shows the fits' progress with the
time left and prints what each routine returns.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import AliasChoice, ProgressDisplay, Switch, accepts_keyword, console
from solidna.errors import SolidnaError

__all__ = ["register", "STEPS"]

#: What ``solidna calibrate`` fits, in the order ``all`` runs them.
STEPS = ("electrolyte", "symmetric", "na-co2", "nvp")

#: Typical duration of each step [s] (``calibrate all --check`` on a 2-core machine: 1.5, 314,
#: 57 and 52 s). Only the ratios matter: they weight each step's share of the progress bar, so
#: that the time left is not extrapolated from the one-second electrolyte fit.
STEP_SECONDS = {"electrolyte": 1.5, "symmetric": 314.0, "na-co2": 57.0, "nvp": 52.0}


def register(root: typer.Typer) -> None:
    """Add the ``calibrate`` command to the root app."""
    root.command("calibrate")(calibrate)


def _format_cell(value: Any) -> str:
    from solidna.report.html import format_value

    if isinstance(value, (list, tuple)):
        if len(value) <= 6 and all(not isinstance(v, (Mapping, list, tuple)) for v in value):
            return ", ".join(format_value(v) for v in value)
        return f"[{len(value)} values]"
    return format_value(value)


def flatten(obj: Any, prefix: str = "", depth: int = 0) -> list[tuple[str, str]]:
    """Rows (dotted key, text) of a nested mapping, for printing whatever a routine returns."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = dataclasses.asdict(obj)
    if isinstance(obj, Mapping) and depth < 4:
        rows: list[tuple[str, str]] = []
        for key, value in obj.items():
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key), depth + 1)
        return rows
    if hasattr(obj, "to_string"):  # pandas objects
        return [(prefix or "value", obj.to_string())]
    return [(prefix or "value", _format_cell(obj))]


# Printed as the uncertainty table rather than as flattened rows.
_PRINTED_APART = ("uncertainty", "check_sensitivity")

#: Row labels of a routine's plain entries (the rest print under their own key; a parameter's
#: name carries its unit).
_LABELS = {
    "nfev": "model evaluations",
    "cost": "cost (half the sum of squared residuals) [-]",
    "path": "written to",
}


def _targets_table(name: str, outcome: Mapping[str, Any]) -> Table | None:
    """The fitted targets: paper and model side by side with the unit and the deviation, from
    the routine's ``model`` (target id -> value in the target's unit); None when it has none."""
    from solidna.report.html import format_value
    from solidna.targets import get_target

    model = outcome.get("model")
    if not isinstance(model, Mapping) or not model:
        return None
    try:
        targets = {tid: get_target(tid) for tid in model}
    except SolidnaError:  # not target ids: printed as plain rows
        return None
    table = Table(title=f"calibrate {name}: the calibrate targets (deviation: model/paper - 1)")
    table.add_column("target", overflow="fold")
    for column in ("paper", "model", "unit", "deviation"):
        table.add_column(column, justify="left" if column == "unit" else "right", no_wrap=True)
    for tid, value in model.items():
        paper = targets[tid].value
        try:
            # two decimals of a per cent: a solve's 1e-14 is 0, a miss of 0.4 % shows
            deviation = f"{round(100 * (float(value) / float(paper) - 1), 2) + 0.0:+.2f} %"
        except (TypeError, ValueError, ZeroDivisionError):
            deviation = "—"
        table.add_row(
            Text(tid),
            format_value(paper),
            format_value(value),
            Text(str(targets[tid].unit or "-")),
            deviation,
        )
    return table


def _label(key: str) -> str:
    if key.startswith("parameters."):
        return key.removeprefix("parameters.")
    return _LABELS.get(key, key)


def _uncertainty(step: str, outcome: Any, check: bool) -> Any:
    """The routine's uncertainty analysis, or the one recorded in the fitted file it wrote
    (``None`` when there is neither)."""
    found = outcome.get("uncertainty") if isinstance(outcome, Mapping) else None
    if callable(getattr(found, "table", None)):  # an Identifiability
        return found
    if check:
        return None
    try:
        from solidna.calibrate.uncertainty import fitted_analysis
        from solidna.parameters import lu2019
    except ImportError:  # solidna.calibrate replaced by a stand-in module (the CLI tests)
        return None
    return fitted_analysis(lu2019(), step.replace("-", "_"))


def _check_writable() -> None:
    """Refuse to fit when the fitted files cannot be written (solidna installed system-wide)."""
    import os

    from solidna.errors import OutputNotWritableError
    from solidna.parameters.parameter_set import set_directory

    folder = set_directory("lu2019")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputNotWritableError(
            f"The fitted parameters are written into the Lu 2019 set, {folder}, which you cannot "
            "write to (solidna installed system-wide?). Add --check to fit and report without "
            "writing, or use a solidna installed in a folder you own (pip install -e .)."
        )


def _routine(module: Any, step: str) -> Any:
    name = f"calibrate_{step.replace('-', '_')}"
    routine = getattr(module, name, None)
    if not callable(routine):
        raise SolidnaError(
            f"solidna.calibrate has no function {name}() in this version, so "
            f"'solidna calibrate {step}' cannot run yet."
        )
    return routine


def calibrate(
    step: Annotated[
        str,
        typer.Argument(
            metavar="STEP",
            parser=AliasChoice((*STEPS, "all"), deprecated={"na_co2": "na-co2"}),
            help="[electrolyte|symmetric|na-co2|nvp|all]: electrolyte (Fig. 3f/g), symmetric "
            "(Fig. 4), na-co2 (Fig. 5), nvp (Fig. S31) or all [default: all].",
            show_default=False,
        ),
    ] = "all",
    check: Switch("--check", "Fit and report, but do not write the parameter files.") = False,
) -> None:
    """Fit the calibrate targets and write the fitted parameters with their provenance."""
    from solidna.progress import scaled

    try:
        module = importlib.import_module("solidna.calibrate")
    except ModuleNotFoundError as exc:
        if exc.name != "solidna.calibrate":
            raise
        raise SolidnaError(
            "The calibration routines (solidna.calibrate) are not available in this version."
        ) from None
    steps = list(STEPS) if step == "all" else [step]
    routines = [_routine(module, s) for s in steps]  # all missing routines before any fit
    if not check:
        _check_writable()  # before minutes of fitting, not after
    outcomes = []
    with ProgressDisplay() as progress:
        total = sum(STEP_SECONDS[s] for s in steps)
        edges = [
            t / total for t in itertools.accumulate((STEP_SECONDS[s] for s in steps), initial=0)
        ]
        for k, (name, routine) in enumerate(zip(steps, routines, strict=True)):
            sub = scaled(progress, edges[k], edges[k + 1])
            sub(f"calibrating {name}", 0.0)
            kwargs: dict[str, Any] = {"write": not check}
            if accepts_keyword(routine, "progress"):

                def report(message: str, fraction: float | None = None, _sub=sub, _n=name) -> None:
                    _sub(f"{_n}: {message}", fraction)

                kwargs["progress"] = report
            outcomes.append((name, routine(**kwargs)))
            sub(f"{name} done", 1.0)
    for name, outcome in outcomes:
        table = Table(title=f"calibrate {name}" + (" (check only)" if check else ""))
        table.add_column("quantity", overflow="fold")
        table.add_column("value", justify="right", overflow="fold")
        shown = {k: v for k, v in dict(outcome).items() if k not in _PRINTED_APART}
        fitted = _targets_table(name, shown)
        if fitted is not None:  # the targets' own table, with units, replaces their rows
            shown = {k: v for k, v in shown.items() if k not in ("model", "residuals", "targets")}
        if check and shown.get("path", False) is None:
            shown["path"] = "nothing (--check)"
        for key, text in flatten(shown):
            table.add_row(Text(_label(key)), Text(text))
        console.print(table)
        if fitted is not None:
            console.print(fitted)
        analysis = _uncertainty(name, outcome, check)
        if analysis is not None:
            console.print(
                Text(
                    f"{name}: what the calibration knows\n(1 sd from the targets' tolerances, "
                    "linearised at the optimum)\n" + analysis.table()
                ),
                soft_wrap=True,  # a table: long lines are not wrapped
            )
    if check:
        console.print("Checked only: no parameter file was written.")
