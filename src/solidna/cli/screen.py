"""``solidna screen``: rank candidate reagents by their frontier orbitals with and without Na+.

A thin layer over :func:`solidna.quantum.screen.screen`: it checks the molecules and the level
first, shows progress with the time left, prints the ranked table (with, for every row, whether
the numbers were computed in this run or read from the cache) and writes ``screen.csv``,
``screen.json`` and ``screen.png``. Exit status 0 when every molecule was computed, 1 when one did
not converge.

``--decide`` ranks the reagents as the paper's decision (:mod:`solidna.quantum.decision`:
oxidation gate, F- release in MD on Na, LUMO with Na+; default candidates when no molecule is
given) and writes ``decision.*``; ``--study`` runs the level-of-theory study of FEC's LUMO shift
(:mod:`solidna.quantum.study`) and writes ``study.*``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import (
    AliasChoice,
    Choice,
    OutputOptions,
    ProgressDisplay,
    Switch,
    console,
    output_options,
    print_note,
    refuse_together,
    refuse_unless,
)

__all__ = ["register"]


def register(root: typer.Typer) -> None:
    """Add the ``screen`` command to the root app."""
    root.command("screen")(screen_command)


_MOLECULES_HELP = (
    "Names (FEC, EC, PC, DFEC, VC, SN, DME, DEGDME, TFSI-, FSI-, ClO4-, ...) or SMILES."
)
Molecules = Annotated[list[str] | None, typer.Argument(metavar="MOLECULE", help=_MOLECULES_HELP)]

# the names of solidna.quantum.levels.LEVELS and MD_LEVELS (a test checks they agree)
LEVEL_CHOICE = AliasChoice(("fast", "paper", "test"))
MD_CHOICE = AliasChoice(("fast", "paper", "test"))


@output_options("screen", "screen.csv, screen.json and screen.png")
def screen_command(
    ctx: typer.Context,
    output: OutputOptions,
    molecules: Molecules = None,
    level: Choice(
        "--level",
        LEVEL_CHOICE,
        "Level of theory: fast (minutes), paper (the paper's B3LYP/6-311+G(d,p), hours) or test "
        "(seconds, for checks).",
    ) = "fast",
    no_cache: Switch(
        "--no-cache", "Recompute every value instead of reading the results cache."
    ) = False,
    decide: Switch(
        "--decide",
        "Rank as the paper's decision: oxidation gate (4.86 V), F- release (C-F cleavage in MD "
        "on Na), LUMO with Na+. Default candidates: FEC DFEC FEMC VC EC PC DMC EMC DEC.",
    ) = False,
    md: Choice(
        "--md",
        MD_CHOICE,
        "MD settings of --decide: fast (8 seeds), paper (as Fig. 1d) or test (checks).",
    ) = "fast",
    study: Switch(
        "--study",
        "Level-of-theory study of FEC's LUMO shift on Na+ (functionals, bases, solvents, "
        "geometries, sites; 20-40 min of one core, cached).",
    ) = False,
) -> None:
    """HOMO/LUMO of each molecule with and without Na+ (Fig. 1c), ranked; table, JSON and figure.

    --decide ranks reagents as the paper's decision (decision.*), --study computes the
    level-of-theory band of FEC's LUMO shift (study.*). Exit status 0 when every molecule (or
    setting) was computed, 1 when one did not converge.
    """
    from solidna.quantum.levels import get_level, get_md_settings
    from solidna.quantum.screen import screen, short_source

    refuse_together(ctx, "decide", "study")
    refuse_unless(ctx, decide, "--decide", "md")
    lvl = get_level(level)  # bad level or molecule: an error before anything is created
    if study:
        _study_command(output, molecules, lvl, no_cache)
        return
    if decide:
        _decide_command(output, molecules, lvl, get_md_settings(md), no_cache)
        return
    if not molecules:
        from solidna.errors import InvalidOptionError

        raise InvalidOptionError(
            "Give at least one molecule to screen, e.g. FEC EC VC (or --decide for the default "
            "candidates, or --study for FEC's level-of-theory study)."
        )
    parsed = _parse(molecules, lvl)
    console.print(f"Level: {lvl.label}")
    _cache_line(no_cache)
    with output.staged():
        with ProgressDisplay() as progress:
            result = screen(parsed, lvl, cache=not no_cache, progress=progress)
        written = result.save(output.out)

    # the terminal gets the essential columns; screen.csv has them all
    table = Table(title=f"Ranked by the LUMO with Na+ ({lvl.name} level, energies in eV)")
    for column in ("#", "molecule", "HOMO", "LUMO", "HOMO+Na+", "LUMO+Na+", "dLUMO", "source"):
        table.add_column(column, justify="left" if column in ("molecule", "source") else "right")
    for rank, s in zip(result.ranks(), result.ranked(), strict=True):
        table.add_row(
            str(rank),
            Text(s.free.name),
            f"{s.free.homo_eV:.2f}",
            f"{s.free.lumo_eV:.2f}",
            f"{s.complex.homo_eV:.2f}",
            # "(Na)": the complex's LUMO is the bound Na+'s own orbital (a note says more)
            f"{s.complex.lumo_eV:.2f}" + (" (Na)" if s.complex.na_centred_lumo else ""),
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
        print_note(note, prefix="", style="yellow")
    _written(output, written)
    console.print(f"Wall time {result.wall_time_s:.1f} s")
    raise typer.Exit(1 if result.failures else 0)


def _cache_line(no_cache: bool) -> None:
    from solidna.quantum.cache import ResultsCache, cache_dir

    console.print(
        Text(
            "Cache: "
            + ("not read (--no-cache); new values are stored in " if no_cache else "")
            + str(cache_dir())
        ),
        soft_wrap=True,
    )
    problem = ResultsCache().usable()
    if problem:  # said before the run, not after an hour of results that were not kept
        console.print(
            Text(
                f"Warning: {problem}, so new results cannot be stored in the cache (this run "
                "still computes and writes them). Set SOLIDNA_CACHE_DIR to a directory you can "
                "write to.",
                style="yellow",
            ),
            soft_wrap=True,
        )


def _parse(molecules: list[str], lvl=None) -> list:
    """The molecules, checked before anything is computed (when ``lvl`` is given, also that its
    basis covers their elements); a file given as a molecule gets the shell line that passes
    its lines as molecules."""
    from pathlib import Path

    from solidna.errors import InvalidOptionError
    from solidna.quantum.molecules import known_names
    from solidna.quantum.screen import parse_molecules

    def is_file(name: str) -> bool:
        try:
            return Path(name).expanduser().is_file()
        except (OSError, ValueError):  # a long SMILES is no file name ("File name too long")
            return False

    known = {n.casefold() for n in known_names()}
    for name in molecules:
        if name.casefold() not in known and is_file(name):
            raise InvalidOptionError(
                f"MOLECULE {name!r} is a file; screen takes the molecules themselves. To screen "
                f"a list (one name or SMILES per line): solidna screen $(grep -v '^#' {name})"
            )
    parsed = parse_molecules(molecules)
    if lvl is not None:
        from solidna.quantum.screen import check_basis

        check_basis(parsed, lvl)
    return parsed


def _written(output: OutputOptions, paths: list) -> None:
    console.print("Wrote:")
    for path in paths:
        console.print(Text(f"  {output.final(path)}"), soft_wrap=True)


def _study_command(output: OutputOptions, molecules: list[str] | None, lvl, no_cache: bool) -> None:
    """``solidna screen --study [MOLECULE]``: the level-of-theory band of the LUMO shift."""
    from solidna.errors import InvalidOptionError
    from solidna.quantum.study import run_study
    from solidna.targets import get_target

    if molecules and len(molecules) > 1:
        raise InvalidOptionError(
            f"--study takes one molecule (default FEC), got {len(molecules)}: "
            f"{' '.join(molecules)}."
        )
    name = molecules[0] if molecules else "FEC"
    _cache_line(no_cache)
    paper = get_target("fig1c.lumo_shift_on_na").value if name.upper() == "FEC" else None
    design: dict = {}
    if lvl.name == "test":
        # "test" means seconds to minutes, for checks: two functionals in the solvent that
        # chooses the site, on the level's small basis and xTB geometries; not Fig. 1c's band
        from solidna.quantum.study import SITE_REFERENCE

        design = {
            "functionals": ("B3LYP", "PBE0"),
            "solvents": (SITE_REFERENCE,),
            "large_basis": None,
            "dft_geometry": False,
            "small_basis": lvl.basis,
        }
        console.print(
            Text(
                f"--level test: a check-sized study (B3LYP and PBE0, {SITE_REFERENCE}, "
                f"{lvl.basis}, GFN2-xTB geometries), not the band of Fig. 1c (--level fast)."
            ),
            soft_wrap=True,
        )
    with output.staged():
        with ProgressDisplay() as progress:
            result = run_study(name, level=lvl, cache=not no_cache, progress=progress, **design)
        written = result.save(output.out, paper_eV=paper)
    console.print(
        Text(
            result.summary_text(paper)
            if result.band_rows()
            else "No band: no implicit-solvent point at the lowest-energy site was computed "
            "(each point that was is in study.csv)."
        )
    )
    for failure in result.failures:
        console.print(Text(f"{failure['point']}: {failure['error']}", style="red"), soft_wrap=True)
    _written(output, written)
    raise typer.Exit(1 if result.failures else 0)


def _decide_command(
    output: OutputOptions, molecules: list[str] | None, lvl, cfg, no_cache: bool
) -> None:
    """``solidna screen --decide [MOLECULE...]``: the ranked reagents with reasons."""
    from solidna.quantum.decision import CANDIDATES, decide

    parsed = _parse(molecules or list(CANDIDATES), lvl)
    console.print(f"Level: {lvl.label}; F- release: {cfg.label}")
    _cache_line(no_cache)
    with output.staged():
        with ProgressDisplay() as progress:
            result = decide(parsed, lvl, cfg, cache=not no_cache, progress=progress)
        written = result.save(output.out)
    table = Table(title="Reagents for a NaF-rich interphase, ranked")
    for column in ("#", "molecule", "E_ox [V]", "C-F seeds", "LUMO+Na+", "dLUMO", "source"):
        table.add_column(column, justify="left" if column in ("molecule", "source") else "right")
    for k, c in enumerate(result.ranked(), start=1):
        table.add_row(
            str(k),
            Text(c.name),
            f"{c.oxidation_V:.2f}" + ("" if c.passes_oxidation else " (fails)"),
            f"{c.cf_seeds}/{c.seeds}" if c.has_cf else "no C-F",
            f"{c.lumo_complex_eV:.2f}" + (" (Na)" if _on_na(c.lumo_complex_na_share) else ""),
            f"{c.delta_lumo_eV:+.2f}",
            c.source,
        )
    console.print(table)
    console.print(Text(result.summary_text()), soft_wrap=True)
    for failure in result.failures:
        console.print(
            Text(f"{failure['molecule']}: {failure['error']}", style="red"), soft_wrap=True
        )
    _written(output, written)
    raise typer.Exit(1 if result.failures else 0)


def _on_na(share: float | None) -> bool:
    """Whether a LUMO with Na+ lies mostly on Na (the bound Na+'s own orbital)."""
    from solidna.quantum.orbitals import NA_CENTRED_SHARE

    return share is not None and share > NA_CENTRED_SHARE
