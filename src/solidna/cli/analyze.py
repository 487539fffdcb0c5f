"""``solidna analyze FILE... --kind KIND --out DIR``: a thin layer over :func:`solidna.analysis.pipeline.analyze`.

Registered by :mod:`solidna.cli` (``EXTENSION_MODULES``). User errors are
:class:`~solidna.errors.SolidnaError` and are printed by the root group (exit status 2).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from solidna.errors import InvalidOptionError

__all__ = ["register", "parse_columns"]


class Kind(StrEnum):
    """What the files are."""

    symmetric = "symmetric"
    eis = "eis"
    cv = "cv"
    na_co2 = "na-co2"
    nvp = "nvp"


def parse_columns(items: list[str] | None) -> dict[str, str] | None:
    """``["time=t [min]", "voltage=E"]`` -> ``{"time": "t [min]", "voltage": "E"}``."""
    if not items:
        return None
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidOptionError(
                f"--column expects QUANTITY=COLUMN, e.g. --column 'time=Test time [min]'; got "
                f"{item!r}."
            )
        out[key.strip()] = value.strip()
    return out


def _progress_printer(console):
    """A (callback, context manager) pair: a rich bar on a terminal, plain lines otherwise."""
    import contextlib

    from rich.markup import escape
    from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    if console.is_terminal:
        bar = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        task = bar.add_task("starting", total=1.0)

        def progress(message: str, fraction: float | None = None) -> None:
            if fraction is None:
                bar.update(task, description=escape(message))
            else:
                bar.update(task, description=escape(message), completed=fraction)

        return progress, bar

    def plain(message: str, fraction: float | None = None) -> None:
        done = "" if fraction is None else f" [{100 * fraction:3.0f} %]"
        console.print(Text(f"{message}{done}", style="dim"))

    return plain, contextlib.nullcontext()


def _print_summary(console, summary: dict[str, Any], out: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    from solidna.report.html import format_value

    results = summary["results"]
    table = Table(title=f"solidna analyze --kind {summary['kind']}")
    table.add_column("file / quantity", overflow="fold")
    table.add_column("value", justify="right", overflow="fold")

    # the full tables of fitted parameters are in summary.json and report.html
    skip = {"parameters", "standard errors", "units", "events"}

    def add(prefix: str, value: Any, depth: int = 0) -> None:
        if isinstance(value, dict) and depth < 4:
            for k, v in value.items():
                if k not in skip:
                    add(f"{prefix}.{k}" if prefix else str(k), v, depth + 1)
        elif not isinstance(value, (dict, list)):
            table.add_row(Text(prefix), Text(format_value(value)))

    add("", results)
    console.print(table)
    if summary.get("paper comparison"):
        comp = Table(title="Paper comparison")
        for col in ("id", "paper", "measured", "unit"):
            comp.add_column(col, overflow="fold")
        for c in summary["paper comparison"]:
            comp.add_row(
                Text(c["id"]),
                Text(format_value(c["paper"])),
                Text(format_value(c["measured"])),
                Text(str(c["unit"])),
            )
        console.print(comp)
    for note in summary.get("notes", []):
        console.print(Text(f"note: {note}", style="dim"), soft_wrap=True)
    console.print(f"Wrote {len(summary['outputs'])} files into {out}/ (report.html, summary.json)")


def register(app: typer.Typer, simulate_app: typer.Typer) -> None:
    """Add the ``analyze`` command to ``app``."""

    @app.command("analyze")
    def analyze_command(
        files: Annotated[
            list[Path], typer.Argument(help="Instrument files (read only; any supported format).")
        ],
        kind: Annotated[Kind, typer.Option("--kind", help="symmetric, eis, cv, na-co2 or nvp.")],
        out: Annotated[Path, typer.Option("--out", help="Output directory (must be empty).")],
        force: Annotated[
            bool, typer.Option("--force", help="Write into a non-empty --out (solidna's files).")
        ] = False,
        format: Annotated[
            str | None,
            typer.Option(
                "--format",
                help="Force a reader: biologic-mpr, biologic-mpt, neware, arbin, maccor, "
                "chi-eis, csv (default: detected from the content).",
            ),
        ] = None,
        column: Annotated[
            list[str] | None,
            typer.Option(
                "--column",
                metavar="QUANTITY=COLUMN",
                help="CSV column mapping, e.g. --column 'time=t [min]' --column voltage=E "
                "(quantities: time, voltage, current, current density, capacity, cycle, step, "
                "frequency, z_re, z_im, -z_im).",
            ),
        ] = None,
        area: Annotated[
            list[str] | None,
            typer.Option("--area", help='Electrode area, e.g. "1 cm2" (once, or once per file).'),
        ] = None,
        mass: Annotated[
            list[str] | None,
            typer.Option(
                "--mass", help='Active mass for mA.h/g, e.g. "0.5 mg" (once or per file).'
            ),
        ] = None,
        thickness: Annotated[
            list[str] | None,
            typer.Option(
                "--thickness", help='Electrolyte thickness, e.g. "60 um" (once or per file).'
            ),
        ] = None,
        temperature: Annotated[
            list[str] | None,
            typer.Option(
                "--temperature", help='e.g. "25 degC"; one per file for an Arrhenius fit (eis).'
            ),
        ] = None,
        circuit: Annotated[
            str | None,
            typer.Option("--circuit", help="eis: impedance.py circuit (default R0-p(R1,CPE1))."),
        ] = None,
        anode: Annotated[
            str, typer.Option("--anode", help="modified or pristine (symmetric forecast, cv).")
        ] = "modified",
        forecast: Annotated[
            str | None,
            typer.Option(
                "--forecast", help='symmetric: fit the model and forecast, e.g. "4000 h".'
            ),
        ] = None,
        forecast_samples: Annotated[
            int, typer.Option("--forecast-samples", help="Model runs for the forecast band.")
        ] = 20,
        reference_cycle: Annotated[
            int | None,
            typer.Option("--reference-cycle", help="na-co2/nvp: cycle of 100 % retention."),
        ] = None,
        ohmic_resistance: Annotated[
            str | None,
            typer.Option(
                "--ohmic-resistance", help='cv: R_ohm from EIS, e.g. "12 ohm*cm**2" (BV fit).'
            ),
        ] = None,
        model_fit: Annotated[
            bool,
            typer.Option("--model-fit/--no-model-fit", help="cv: fit the symmetric-cell model."),
        ] = True,
        data: Annotated[
            bool,
            typer.Option("--data/--no-data", help="Write each file's tidy table as CSV."),
        ] = True,
    ) -> None:
        """Analyse measured files: tables, summary.json, figures and a report.html in --out."""
        from rich.console import Console

        from solidna.analysis.pipeline import analyze

        console = Console(highlight=False)
        err = Console(stderr=True, highlight=False)
        progress, context = _progress_printer(err)
        with context:
            summary = analyze(
                files,
                kind.value,
                out,
                force,
                progress,
                format=format,
                columns=parse_columns(column),
                area=area or None,
                mass=mass or None,
                thickness=thickness or None,
                temperature=temperature or None,
                circuit=circuit,
                anode=anode,
                forecast=forecast,
                forecast_samples=forecast_samples,
                reference_cycle=reference_cycle,
                ohmic_resistance=ohmic_resistance,
                model_fit=model_fit,
                write_data=data,
            )
        _print_summary(console, summary, out)
