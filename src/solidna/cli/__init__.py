"""The ``solidna`` command: a thin layer over the Python API (typer for options, rich for output).

Every command calls a public function (``solidna.reproduce.runner.reproduce``,
``solidna.calibrate.calibrate_*``, ``solidna.targets.load_targets``,
``solidna.parameters.ParameterSet``) and only formats what it returns. A
:class:`~solidna.errors.SolidnaError` (bad option, unknown prefix, existing output directory ...)
is printed as one red ``Error: ...`` line on stderr with exit status 2, without a traceback.

Adding a command group (e.g. ``solidna simulate symmetric``): decorate a function with
``@simulate_app.command("symmetric")`` below; user errors are handled by the root group.
"""

from __future__ import annotations

import os

# Before anything imports pybamm or matplotlib: no telemetry prompt, no GUI backend. main() sets
# them again for clarity; setdefault keeps a user's explicit choice.
os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")

import dataclasses  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from enum import StrEnum  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, Any  # noqa: E402

import click  # noqa: E402
import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402
from rich.table import Table  # noqa: E402
from rich.text import Text  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from solidna.errors import SolidnaError  # noqa: E402

__all__ = ["app", "simulate_app", "main"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Exit status of a user error (bad option, unknown prefix, refused output directory).
USER_ERROR_EXIT = 2


def _print_error(exc: BaseException) -> None:
    err_console.print(Text(f"Error: {exc}", style="red"), soft_wrap=True)


class _SolidnaGroup(TyperGroup):
    """Root command group: turns a :class:`SolidnaError` into ``Error: ...`` and exit status 2.

    Sub-commands and sub-groups (``simulate ...``) run inside this ``invoke``, so they are covered
    without any code of their own.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SolidnaError as exc:
            _print_error(exc)
            raise typer.Exit(USER_ERROR_EXIT) from None


app = typer.Typer(
    name="solidna",
    cls=_SolidnaGroup,
    help="The all-solid-state Na-CO2 battery of Lu et al. (Chem. Sci. 2019) in software.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# ---------------------------------------------------------------------------------------------
# `solidna simulate ...` - reserved for the lead: add commands with @simulate_app.command("cv").
# Quantities are strings with units (see DESIGN section 2); write DIR/timeseries.csv,
# DIR/summary.json and DIR/*.png with solidna.io_utils.prepare_output_dir / write_csv / write_json.
# ---------------------------------------------------------------------------------------------
simulate_app = typer.Typer(
    help="Simulate one experiment (symmetric, na-co2, nvp, cv, eis) and write its tables.",
    no_args_is_help=True,
)


@simulate_app.callback()
def _simulate() -> None:
    """Simulate one experiment of the paper and write timeseries.csv, summary.json and plots."""


app.add_typer(simulate_app, name="simulate")


_Anode = Annotated[str, typer.Option("--anode", help="modified (M-Na, FEC-treated) or pristine.")]
_Temp = Annotated[str, typer.Option("--temperature", help='e.g. "25 degC".')]
_Thick = Annotated[
    str | None, typer.Option("--sse-thickness", help='e.g. "60 um" (default: set value).')
]
_Pvdf = Annotated[
    float | None, typer.Option("--pvdf-ratio", help="PVDF-HFP : SN weight ratio (0.8).")
]
_Out = Annotated[Path, typer.Option("--out", help="Output directory.")]
_Force = Annotated[bool, typer.Option("--force", help="Overwrite files in a non-empty --out.")]


def _cell(anode: str, temperature: str, sse_thickness: str | None, pvdf_ratio: float | None):
    from solidna.cells.symmetric import SymmetricCell

    return SymmetricCell(
        anode, temperature=temperature, sse_thickness=sse_thickness, pvdf_ratio=pvdf_ratio
    )


def _finish(result, out: Path, title: str) -> None:
    result.save(out, force=True)  # --out was checked before the run
    summary = result.summary()
    console.print(f"[bold]{title}[/bold]: status [cyan]{summary['status']}[/cyan]")
    for key in ("exchange current density [mA.cm-2]", "fit"):
        if summary.get(key) is not None:
            console.print(f"  {key}: {summary[key]}")
    if "cycles" in summary and summary["cycles"]["overpotential [mV]"]:
        eta = summary["cycles"]["overpotential [mV]"]
        console.print(
            f"  cycles: {len(eta)}; overpotential first {eta[0]:.1f} mV, last {eta[-1]:.1f} mV"
        )
    console.print(f"  written: {out}/timeseries.csv, summary.json, plot")


@simulate_app.command("symmetric")
def simulate_symmetric(
    current_density: Annotated[
        str, typer.Option("--current-density", help='e.g. "0.1 mA/cm2".')
    ] = "0.1 mA/cm2",
    half_cycle: Annotated[str | None, typer.Option("--half-cycle", help='e.g. "1 h".')] = None,
    capacity: Annotated[
        str | None, typer.Option("--capacity", help='per half cycle, e.g. "1 mAh/cm2".')
    ] = None,
    duration: Annotated[str, typer.Option("--duration", help='e.g. "4000 h".')] = "100 h",
    rest: Annotated[
        str | None, typer.Option("--rest", help='rest before cycling, e.g. "24 h".')
    ] = None,
    anode: _Anode = "modified",
    temperature: _Temp = "25 degC",
    sse_thickness: _Thick = None,
    pvdf_ratio: _Pvdf = None,
    out: _Out = Path("simulation"),
    force: _Force = False,
) -> None:
    """Galvanostatic plating/stripping of a Na|SSE|Na cell (Fig. 4h)."""
    from solidna.io_utils import prepare_output_dir
    from solidna.protocols import PlatingStripping, Rest

    steps = [PlatingStripping(current_density, duration, half_cycle=half_cycle, capacity=capacity)]
    if rest is not None:
        steps.insert(0, Rest(rest))
    cell = _cell(anode, temperature, sse_thickness, pvdf_ratio)
    prepare_output_dir(out, force)
    with console.status(f"simulating {steps[-1].n_cycles} cycles ..."):
        result = cell.run(steps)
    _finish(result, out, "symmetric cell")


@simulate_app.command("cv")
def simulate_cv(
    v_min: Annotated[str, typer.Option("--v-min")] = "-0.5 V",
    v_max: Annotated[str, typer.Option("--v-max")] = "0.5 V",
    scan_rate: Annotated[str, typer.Option("--scan-rate")] = "5 mV/s",
    cycles: Annotated[int, typer.Option("--cycles")] = 1,
    anode: _Anode = "modified",
    temperature: _Temp = "25 degC",
    sse_thickness: _Thick = None,
    pvdf_ratio: _Pvdf = None,
    out: _Out = Path("simulation"),
    force: _Force = False,
) -> None:
    """Cyclic voltammetry of a Na|SSE|Na cell (Fig. 4g) and its exchange current."""
    from solidna.io_utils import prepare_output_dir

    cell = _cell(anode, temperature, sse_thickness, pvdf_ratio)
    prepare_output_dir(out, force)
    with console.status("simulating the CV ..."):
        result = cell.cv(v_min, v_max, scan_rate, cycles)
    _finish(result, out, "cyclic voltammetry")


@simulate_app.command("eis")
def simulate_eis(
    f_max: Annotated[str, typer.Option("--f-max")] = "1 MHz",
    f_min: Annotated[str, typer.Option("--f-min")] = "0.1 Hz",
    points_per_decade: Annotated[int, typer.Option("--points-per-decade")] = 10,
    rest: Annotated[
        str | None, typer.Option("--rest", help='rest before the measurement, e.g. "24 h".')
    ] = None,
    anode: _Anode = "modified",
    temperature: _Temp = "25 degC",
    sse_thickness: _Thick = None,
    pvdf_ratio: _Pvdf = None,
    out: _Out = Path("simulation"),
    force: _Force = False,
) -> None:
    """Impedance of a Na|SSE|Na cell from the linearised model (Fig. 4e), with Rs/Rct fit."""
    from solidna.io_utils import prepare_output_dir

    cell = _cell(anode, temperature, sse_thickness, pvdf_ratio)
    prepare_output_dir(out, force)
    state = cell.rest(rest).final_state if rest is not None else None
    result = cell.eis(f_max, f_min, points_per_decade, state=state)
    _finish(result, out, "impedance")


# -- helpers ----------------------------------------------------------------------------------
def _split_prefixes(only: list[str] | None) -> list[str] | None:
    # "--only fig3f --only fig4h" and "--only fig3f,fig4h" are the same request.
    if not only:
        return None
    prefixes = [p.strip() for item in only for p in item.split(",") if p.strip()]
    return prefixes or None


def _pass_text(entry: Mapping[str, Any]) -> Text:
    value = entry.get("pass")
    if value is True:
        return Text("✓", style="green")
    if value is False:
        return Text("✗", style="bold red")
    return Text("—", style="dim")


def _results_table(results: list[Mapping[str, Any]]) -> Table:
    from solidna.report.html import format_value

    table = Table(title="Reproduction", show_lines=False)
    # ids fold when the terminal is narrow; the short columns never do
    table.add_column("id", overflow="fold")
    table.add_column("role", no_wrap=True)
    table.add_column("paper", justify="right", no_wrap=True)
    table.add_column("model", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("pass", justify="center", no_wrap=True)
    for r in results:
        style = "red" if r.get("pass") is False else ("dim" if r.get("model") is None else None)
        table.add_row(
            Text(str(r.get("id", ""))),
            Text(str(r.get("role", ""))),
            Text(format_value(r.get("paper"))),
            Text(format_value(r.get("model"))),
            Text(str(r.get("unit", ""))),
            _pass_text(r),
            style=style,
        )
    return table


def _format_cell(value: Any) -> str:
    from solidna.report.html import format_value

    if isinstance(value, (list, tuple)):
        if len(value) <= 6 and all(not isinstance(v, (Mapping, list, tuple)) for v in value):
            return ", ".join(format_value(v) for v in value)
        return f"[{len(value)} values]"
    return format_value(value)


def _flatten(obj: Any, prefix: str = "", depth: int = 0) -> list[tuple[str, str]]:
    """Rows (dotted key, text) of a nested mapping, for printing whatever a routine returns."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = dataclasses.asdict(obj)
    if isinstance(obj, Mapping) and depth < 4:
        rows: list[tuple[str, str]] = []
        for key, value in obj.items():
            rows += _flatten(value, f"{prefix}.{key}" if prefix else str(key), depth + 1)
        return rows
    if hasattr(obj, "to_string"):  # pandas objects
        return [(prefix or "value", obj.to_string())]
    return [(prefix or "value", _format_cell(obj))]


# -- commands ---------------------------------------------------------------------------------
@app.command()
def reproduce(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            metavar="PREFIX",
            help="Run only targets whose id starts with PREFIX (repeatable, or comma-separated), "
            "e.g. fig3f, fig4h, thermo. Default: every target.",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Output directory (created; must be empty).")
    ] = Path("results"),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write into a non-empty --out, overwriting only solidna's own files."
        ),
    ] = False,
) -> None:
    """Reproduce the paper's numbers and figures: reproduction.json, report.html, figures/*.png.

    Exit status 0 when every calibrate/validate result that was run passes, 1 otherwise.
    """
    from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    from solidna.report.html import summarize
    from solidna.reproduce.runner import exit_code
    from solidna.reproduce.runner import reproduce as run_reproduce

    prefixes = _split_prefixes(only)
    if err_console.is_terminal:
        with RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task("starting", total=1.0)

            def progress(message: str, fraction: float | None = None) -> None:
                if fraction is None:
                    bar.update(task, description=escape(message))
                else:
                    bar.update(task, description=escape(message), completed=fraction)

            result = run_reproduce(prefixes, out, force, progress)
    else:  # a log file or a pipe: one plain line per step

        def progress(message: str, fraction: float | None = None) -> None:
            done = "" if fraction is None else f" [{100 * fraction:3.0f} %]"
            err_console.print(Text(f"{message}{done}", style="dim"))

        result = run_reproduce(prefixes, out, force, progress)

    console.print(_results_table(result["results"]))
    counts = summarize(result["results"])
    console.print(
        Text.assemble(
            (f"{counts['pass']} pass", "green"),
            ", ",
            (f"{counts['fail']} fail", "red" if counts["fail"] else ""),
            f", {counts['null']} without model value, {counts['reference']} reference",
        )
    )
    for m in result.get("run", {}).get("modules", []):
        if m.get("status") == "error":
            console.print(
                Text(f"figure module {m['module']} failed: {m.get('error')}", style="red")
            )
        elif m.get("status") == "missing":
            console.print(Text(f"figure module {m['module']} is not available yet", style="dim"))
    outputs = result.get("run", {}).get("outputs", {})
    directory = Path(outputs.get("directory", out))
    console.print("Wrote:")
    for name in outputs.get("files", []):
        console.print(Text(f"  {directory / name}"), soft_wrap=True)  # keep paths copyable
    raise typer.Exit(exit_code(result))


class CalibrationStep(StrEnum):
    """What ``solidna calibrate`` fits."""

    electrolyte = "electrolyte"
    symmetric = "symmetric"
    na_co2 = "na_co2"
    nvp = "nvp"
    all = "all"


@app.command()
def calibrate(
    which: Annotated[
        CalibrationStep,
        typer.Argument(
            help="electrolyte (Fig. 3f/g), symmetric (Fig. 4), na_co2 (Fig. 5), nvp (Fig. S31), or all."
        ),
    ] = CalibrationStep.all,
    check: Annotated[
        bool,
        typer.Option("--check", help="Fit and report, but do not write the parameter files."),
    ] = False,
) -> None:
    """Fit the calibrate targets and write the fitted parameters with their provenance."""
    try:
        calibration = importlib.import_module("solidna.calibrate")
    except ModuleNotFoundError as exc:
        if exc.name != "solidna.calibrate":
            raise
        raise SolidnaError(
            "The calibration routines (solidna.calibrate) are not available in this version."
        ) from None
    steps = (
        ["electrolyte", "symmetric", "na_co2", "nvp"]
        if which is CalibrationStep.all
        else [which.value]
    )
    for step in steps:
        name = f"calibrate_{step}"
        routine = getattr(calibration, name, None)
        if not callable(routine):
            raise SolidnaError(
                f"solidna.calibrate has no function {name}() in this version, so "
                f"'solidna calibrate {step}' cannot run yet."
            )
        kwargs: dict[str, Any] = {"write": not check}
        if step != "electrolyte":  # a minute or more each: show every model evaluation
            kwargs["progress"] = lambda msg: console.print(f"  [dim]{escape(msg)}[/dim]")
        with console.status(f"calibrating {step} ..."):
            outcome = routine(**kwargs)
        table = Table(title=f"calibrate {step}" + (" (check only)" if check else ""))
        table.add_column("quantity", overflow="fold")
        table.add_column("value", justify="right", overflow="fold")
        for key, text in _flatten(outcome):
            table.add_row(Text(key), Text(text))
        console.print(table)
    if check:
        console.print("Checked only: no parameter file was written.")


@app.command()
def targets(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", metavar="PREFIX", help="Only ids starting with PREFIX (repeatable)."
        ),
    ] = None,
) -> None:
    """List the paper's targets: id, role, value, unit, tolerance, figure and quantity."""
    from solidna.report.html import format_tol, format_value
    from solidna.reproduce.runner import check_prefixes
    from solidna.targets import load_targets, paper_info

    prefixes = check_prefixes(_split_prefixes(only))
    selected = load_targets(prefixes)
    paper = paper_info()
    table = Table(title=f"Targets of {paper.get('citation', '')} (doi:{paper.get('doi', '')})")
    for column, justify in (
        ("id", "left"),
        ("role", "left"),
        ("value", "right"),
        ("unit", "left"),
        ("tol", "right"),
        ("figure", "left"),
        ("quantity", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=column == "id", overflow="fold")
    for t in selected:
        table.add_row(
            Text(t.id),
            Text(t.role),
            Text(format_value(t.value)),
            Text(t.unit),
            Text(format_tol(t.tol, t.unit)),
            Text(t.figure),
            Text(t.quantity),
        )
    console.print(table)
    console.print(f"{len(selected)} targets")


@app.command()
def parameters(
    set_name: Annotated[
        str, typer.Option("--set", help="Name of the parameter set (e.g. lu2019).")
    ] = "lu2019",
) -> None:
    """Show a parameter set with the provenance of every entry."""
    from solidna.parameters import ParameterSet
    from solidna.report.html import format_value

    pset = ParameterSet.load(set_name)
    if len(pset) == 0:
        console.print(f"Parameter set {set_name!r} has no entries yet.")
        return
    frame = pset.provenance()
    table = Table(title=f"Parameter set {pset.name} (hash {pset.hash()[:12]})")
    table.add_column("name", overflow="fold")
    for column in frame.columns:
        table.add_column(
            str(column), justify="right" if column == "value" else "left", overflow="fold"
        )
    for name, row in frame.iterrows():
        cells = [Text(str(name))]
        for column in frame.columns:
            value = row[column]
            cells.append(Text(format_value(value, 6) if column == "value" else str(value)))
        table.add_row(*cells)
    console.print(table)


@app.command()
def version() -> None:
    """Print the solidna version."""
    from solidna import __version__

    console.print(f"solidna {__version__}")


# Command groups that live in their own modules: each defines
# ``register(app: typer.Typer, simulate_app: typer.Typer) -> None`` and adds its commands (heavy
# imports inside the commands). A module that is absent is skipped.
EXTENSION_MODULES: tuple[str, ...] = (
    "solidna.cli.na_co2",
    "solidna.cli.analyze",
    "solidna.cli.screen",
    "solidna.cli.nvp",
)


def _register_extensions() -> None:
    for name in EXTENSION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app, simulate_app)


_register_extensions()


def main() -> None:
    """Entry point of the ``solidna`` console script."""
    # Set before anything heavy is imported (pybamm asks about telemetry; plots need no display).
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        app()
    except SolidnaError as exc:  # safety net: errors raised outside a command's invoke
        _print_error(exc)
        sys.exit(USER_ERROR_EXIT)


if __name__ == "__main__":
    main()
