"""``solidna screen``: rank candidate reagents by their frontier orbitals with and without Na+.

A thin layer over :func:`solidna.quantum.screen.screen`: it checks the output directory, shows
progress, prints the ranked table (with, for every row, whether the numbers were computed in this
run or read from the cache) and writes ``screen.csv``, ``screen.json`` and ``screen.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer, simulate_app: typer.Typer) -> None:
    """Add the ``screen`` command to the root ``solidna`` app."""
    app.command("screen")(screen_command)


def screen_command(
    molecules: Annotated[
        list[str],
        typer.Argument(
            metavar="MOLECULE...",
            help="Names (FEC, EC, PC, DFEC, VC, SN, DME, DEGDME, TFSI-, FSI-, ClO4-, ...) or SMILES.",
        ),
    ],
    level: Annotated[
        str,
        typer.Option("--level", help="Level of theory: fast (default), paper, or test."),
    ] = "fast",
    out: Annotated[
        Path, typer.Option("--out", help="Output directory (created; must be empty).")
    ] = Path("screen"),
    force: Annotated[
        bool, typer.Option("--force", help="Write into a non-empty --out (only solidna's files).")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Recompute every value instead of reading the results cache."
        ),
    ] = False,
) -> None:
    """HOMO/LUMO of each molecule with and without Na+ (Fig. 1c), ranked; table, JSON and figure.

    Exit status 0 when every molecule was computed, 1 when one did not converge.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.table import Table
    from rich.text import Text

    from solidna.io_utils import prepare_output_dir
    from solidna.quantum.cache import cache_dir
    from solidna.quantum.levels import get_level
    from solidna.quantum.screen import parse_molecules, screen, short_source

    console = Console(highlight=False)
    err_console = Console(stderr=True, highlight=False)
    lvl = get_level(level)  # bad level or molecule: an error before anything is created
    parsed = parse_molecules(molecules)
    prepare_output_dir(out, force)
    console.print(f"Level: {lvl.label}")
    console.print(
        "Cache: "
        + ("not read (--no-cache); new values are stored in " if no_cache else "")
        + str(cache_dir())
    )
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

            result = screen(parsed, lvl, cache=not no_cache, progress=progress)
    else:

        def progress(message: str, fraction: float | None = None) -> None:
            done = "" if fraction is None else f" [{100 * fraction:3.0f} %]"
            err_console.print(Text(f"{message}{done}", style="dim"))

        result = screen(parsed, lvl, cache=not no_cache, progress=progress)

    # the terminal gets the essential columns; screen.csv has them all
    table = Table(title=f"Ranked by the LUMO with Na+ ({lvl.name} level, energies in eV)")
    for column in ("#", "molecule", "HOMO", "LUMO", "HOMO+Na+", "LUMO+Na+", "dLUMO", "source"):
        table.add_column(column, justify="left" if column in ("molecule", "source") else "right")
    for rank, s in enumerate(result.ranked(), start=1):
        table.add_row(
            str(rank),
            Text(s.free.name),
            f"{s.free.homo_eV:.2f}",
            f"{s.free.lumo_eV:.2f}",
            f"{s.complex.homo_eV:.2f}",
            f"{s.complex.lumo_eV:.2f}",
            f"{s.delta_lumo_eV:+.2f}",
            short_source(s),
        )
    console.print(table)
    console.print(
        "source: computed = in this run; cache = read from the results cache (computed earlier "
        "with the same level and package versions; dates in screen.json)."
    )
    for failure in result.failures:
        console.print(
            Text(f"{failure['molecule']}: {failure['error']}", style="red"), soft_wrap=True
        )
    for note in result.notes:
        console.print(Text(note, style="yellow"), soft_wrap=True)
    written = result.save(out, force=True)  # --out was checked before the run
    console.print("Wrote:")
    for path in written:
        console.print(Text(f"  {path}"), soft_wrap=True)
    console.print(f"Wall time {result.wall_time_s:.1f} s")
    raise typer.Exit(1 if result.failures else 0)
