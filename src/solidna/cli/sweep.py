"""``solidna sweep SPEC --out STORE.zarr`` (run or resume), ``sweep plot STORE``, ``sweep report
STORE``: design-space sweeps on Dask (:mod:`solidna.sweep`).

``solidna sweep SPEC ...`` is short for ``solidna sweep run SPEC ...``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from solidna.cli._common import (
    Full,
    NumberType,
    OutputOptions,
    ProgressDisplay,
    Switch,
    console,
    directory_path,
    nonempty_text,
    output_options,
    refuse_together,
)

__all__ = ["app", "register"]


class _RunByDefault(TyperGroup):
    """``solidna sweep SPEC`` runs ``sweep run SPEC``: a first argument that names no
    sub-command is the spec."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_RunByDefault,
    help=(
        "Design-space sweeps on Dask: 'solidna sweep SPEC --out STORE.zarr' runs (or resumes) "
        "a sweep; 'sweep plot STORE' and 'sweep report STORE' draw its maps."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(root: typer.Typer) -> None:
    """Add the ``sweep`` group to the root app."""
    root.add_typer(app, name="sweep")


#: Worker processes of the embedded cluster at most: each is a Python process with PyBaMM loaded
#: (hundreds of MB); beyond a few per core they only compete (``--workers 1000`` on 2 cores
#: started a thousand processes). "Input should be greater than or equal to 1" was the message
#: of ``--workers 0``.
_MAX_WORKERS = 4 * (os.cpu_count() or 1)
_WORKERS = NumberType(
    "a whole number of worker processes",
    "2",
    1,
    _MAX_WORKERS,
    whole=True,
    reason=f"this machine has {os.cpu_count() or 1} cores; use --scheduler for a cluster",
)

Spec = Annotated[
    Path, typer.Argument(help="The sweep spec (YAML or TOML), e.g. examples/sweep_symmetric.yaml.")
]
Store = Annotated[Path, typer.Argument(help="The sweep's Zarr store (a directory).")]


@app.command("run")
def run(
    ctx: typer.Context,
    spec: Spec,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="STORE.zarr",
            parser=directory_path,
            help="The Zarr store; a new one is created, an existing one of the same spec is "
            "resumed (only pending points run), one of another spec is refused.",
        ),
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            parser=nonempty_text("tcp://10.0.0.5:8786", "workers on this machine"),
            help="A running Dask scheduler (tcp://HOST:8786; start it with 'dask scheduler' and "
            "workers with 'dask worker ADDRESS'). Default: workers on this machine.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            parser=_WORKERS,
            metavar="N",
            help="Worker processes on this machine, at most 4 per core (default: one per core).",
        ),
    ] = None,
    full: Full = False,
    retry_failed: Switch("--retry-failed", "On resume, run the failed points again too.") = False,
) -> None:
    """Run (or resume) a sweep: every point of SPEC, results into the Zarr store --out."""
    from solidna.sweep import run as run_sweep
    from solidna.sweep import status_counts

    refuse_together(ctx, "scheduler", "workers")  # --workers sizes the embedded cluster only
    # a terminated sweep (a batch system's time limit, `kill`) stops like Ctrl-C (the root
    # group's SIGTERM handler): the embedded cluster shuts down, the finished points are in the
    # store and rerunning resumes
    with ProgressDisplay() as display:
        progress = _SweepProgress(display)
        ds = run_sweep(
            spec,
            out,
            scheduler=scheduler,
            workers=workers,
            jump=False if full else None,
            retry_failed=retry_failed,
            progress=progress,
        )
    counts = status_counts(ds)
    total = sum(counts.values())
    console.print(
        f"{counts['done']} done, {counts['failed']} failed, {counts['pending']} pending "
        f"({total} point{'' if total == 1 else 's'})."
    )
    console.print(Text(f"Wrote {out}"), soft_wrap=True)


class _SweepProgress:
    """The sweep's progress shown by a :class:`ProgressDisplay` whose time left counts from the
    moment the workers are up (:func:`solidna.sweep.run` calls :meth:`workers_started`): the
    start of the cluster (importing PyBaMM in every worker, a minute on a busy machine) is no
    part of the rate at which points finish; counted in, the first estimate of a 1000-point
    sweep was 57 min for a run that took 17 min. Nor is the workers' start-up within their first
    points (:meth:`adjust_time_left`)."""

    def __init__(self, display: ProgressDisplay):
        self.display = display

    def __call__(self, message: str, fraction: float | None = None) -> None:
        self.display(message, fraction)

    def workers_started(self) -> None:
        """Restart the time-left estimate from here, the points of a resumed sweep counted as
        done but not as part of the rate (they took no time in this run). The guard "no point
        done yet" kept a resumed sweep's estimate counting from the cluster's start."""
        from solidna.progress import TimeLeft

        done = self.display.time_left.fraction
        self.display.time_left = TimeLeft(self.display.clock, start_fraction=done)

    def adjust_time_left(self, start_up_s: float | None, under_way: float) -> None:
        """Leave the workers' start-up (their first points' model building) out of the rate of
        the time left, and count the points under way in the other workers' batches
        (:meth:`solidna.progress.TimeLeft.adjust`)."""
        self.display.time_left.adjust(start_up_s, under_way)

    def stopping(self, message: str) -> None:
        """Say at once that the sweep stops (Ctrl-C, SIGTERM): closing the workers takes seconds,
        silent before; the display's throttle of plain lines would hold the message back."""
        from rich.text import Text

        if self.display.terminal:
            self.display(message, None)
        else:
            self.display.stream.print(Text(message, style="dim"), soft_wrap=True)


def _open(store: Path, output: OutputOptions):
    """The store, refusing an --out inside it (the maps would be written among its arrays)."""
    from solidna.errors import InvalidOptionError
    from solidna.sweep import open_store

    ds = open_store(store)
    out, where = output.out.resolve(), store.resolve()
    if out == where or where in out.parents:
        raise InvalidOptionError(
            f"--out {str(output.out)!r} is inside the sweep store {str(store)!r}; give a directory "
            "of its own, e.g. --out sweep-report."
        )
    return ds


@app.command("plot")
@output_options(None, "the PNG maps")
def plot(store: Store, output: OutputOptions) -> None:
    """Draw the sweep's maps (heatmaps, lines, Pareto front) as PNG files."""
    from solidna.sweep.plots import write_plots

    ds = _open(store, output)
    with output.staged() as stage:
        paths = [output.final(p) for p in write_plots(ds, stage).values()]
    for path in paths:
        console.print(Text(f"  {path}"), soft_wrap=True)


@app.command("report")
@output_options(None, "report.html and the PNG maps")
def report(store: Store, output: OutputOptions) -> None:
    """Write the sweep's maps and a self-contained report.html."""
    from solidna.sweep.plots import write_report

    ds = _open(store, output)
    with output.staged() as stage:
        page = output.final(write_report(ds, stage))
    console.print(Text(f"Wrote {page}"), soft_wrap=True)
