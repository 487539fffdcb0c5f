"""``solidna screen``: rank candidate reagents by their frontier orbitals with and without Na+.

A thin layer over :func:`solidna.quantum.screen.screen`: it checks the molecules and the level
first, shows progress with the time left, prints the ranked table (with, for every row, whether
the numbers were computed in this run or read from the cache) and writes ``screen.csv``,
``screen.json`` and ``screen.png``. Exit status 0 when every molecule was computed, 1 when one did
not converge.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import OutputOptions, ProgressDisplay, console, output_options

__all__ = ["register"]


def register(root: typer.Typer) -> None:
    """Add the ``screen`` command to the root app."""
    root.command("screen")(screen_command)


_MOLECULES_HELP = (
    "Names (FEC, EC, PC, DFEC, VC, SN, DME, DEGDME, TFSI-, FSI-, ClO4-, ...) or SMILES."
)
Molecules = Annotated[list[str], typer.Argument(metavar="MOLECULE...", help=_MOLECULES_HELP)]


@output_options("screen", "screen.csv, screen.json and screen.png")
def screen_command(
    output: OutputOptions,
    molecules: Molecules,
    level: Annotated[
        str,
        typer.Option(
            "--level",
            help="Level of theory: fast (minutes), paper (the paper's B3LYP/6-311+G(d,p), hours) "
            "or test (seconds, for checks).",
        ),
    ] = "fast",
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
    from solidna.quantum.cache import cache_dir
    from solidna.quantum.levels import get_level
    from solidna.quantum.screen import parse_molecules, screen, short_source

    lvl = get_level(level)  # bad level or molecule: an error before anything is created
    parsed = parse_molecules(molecules)
    console.print(f"Level: {lvl.label}")
    console.print(
        Text(
            "Cache: "
            + ("not read (--no-cache); new values are stored in " if no_cache else "")
            + str(cache_dir())
        ),
        soft_wrap=True,
    )
    with output.staged():
        with ProgressDisplay() as progress:
            result = screen(parsed, lvl, cache=not no_cache, progress=progress)
        written = [output.final(p) for p in result.save(output.out)]

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
    console.print("Wrote:")
    for path in written:
        console.print(Text(f"  {path}"), soft_wrap=True)
    console.print(f"Wall time {result.wall_time_s:.1f} s")
    raise typer.Exit(1 if result.failures else 0)
