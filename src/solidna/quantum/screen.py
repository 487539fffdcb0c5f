"""Screen candidate reagents the way Lu et al. chose FEC: frontier orbitals with and without Na+.

For each molecule, :func:`screen` computes HOMO and LUMO of the free molecule and of its Na+
complex (:func:`~solidna.quantum.orbitals.na_shift`) at one level of theory and ranks them by the
LUMO of the complex, lowest first: the Na+-bound species that Na metal reduces most easily, i.e.
the best candidate to build a reduction-made (e.g. NaF-rich) interphase. The LUMO shift on Na+
binding (how much more reducible Na+ makes it) is in the table beside it.

Examples
--------
>>> from solidna.quantum.screen import screen
>>> result = screen(["FEC", "EC"], level="test", cache=False)          # doctest: +SKIP
>>> result.table()[["Molecule", "Delta LUMO [eV]"]]                    # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from solidna.errors import ConvergenceError, InvalidOptionError
from solidna.progress import Progress, no_progress
from solidna.quantum._output import SavedResult, run_info
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import DEFAULT_LEVEL, Level, get_level
from solidna.quantum.molecules import Molecule, molecule, na_complex
from solidna.quantum.orbitals import NaShift, frontier_orbitals, resolve_cache

__all__ = ["ScreenResult", "screen", "parse_molecules", "short_source", "RANKING"]

#: What the table is sorted by.
RANKING = "LUMO of the Na+ complex, lowest (most easily reduced) first"


@dataclass
class ScreenResult(SavedResult):
    """Frontier orbitals of several molecules with and without Na+, at one level.

    Attributes
    ----------
    level : Level
        The level of theory.
    shifts : list of NaShift
        One per molecule that converged, in input order.
    failures : list of dict
        ``{"molecule": name, "error": message}`` for molecules whose SCF or optimisation failed.
    wall_time_s : float
        Wall time of the screen [s].
    """

    level: Level
    shifts: list[NaShift]
    failures: list[dict[str, str]] = field(default_factory=list)
    wall_time_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    def ranked(self) -> list[NaShift]:
        """The shifts sorted by :data:`RANKING`."""
        return sorted(self.shifts, key=lambda s: s.complex.lumo_eV)

    def table(self) -> Any:
        """The ranked table (pandas DataFrame; column names carry units)."""
        import pandas as pd

        rows = []
        for rank, s in enumerate(self.ranked(), start=1):
            rows.append(
                {
                    "Rank": rank,
                    "Molecule": s.free.name,
                    "Formula": s.free.formula,
                    "Charge": s.free.charge,
                    "HOMO [eV]": round(s.free.homo_eV, 3),
                    "LUMO [eV]": round(s.free.lumo_eV, 3),
                    "HOMO with Na+ [eV]": round(s.complex.homo_eV, 3),
                    "LUMO with Na+ [eV]": round(s.complex.lumo_eV, 3),
                    "Delta LUMO [eV]": round(s.delta_lumo_eV, 3),
                    "More reducible with Na+": s.more_reducible,
                    "Source": _source_text(s),
                }
            )
        return pd.DataFrame(rows)

    def as_dict(self) -> dict[str, Any]:
        """Everything as plain data (what ``screen.json`` holds)."""
        return {
            "level": self.level.as_dict(),
            "ranking": RANKING,
            "results": [
                {"rank": rank, "molecule": s.free.name, **s.as_dict(), "source": _source_text(s)}
                for rank, s in enumerate(self.ranked(), start=1)
            ],
            "failures": list(self.failures),
            "notes": list(self.notes),
            "run": run_info(self.wall_time_s),
        }

    def plot(self) -> Any:
        """Fig. 1c-style HOMO/LUMO levels, free and with Na+, in ranked order."""
        from solidna.quantum.plots import levels_figure

        groups = [
            [
                (s.free.name, s.free.homo_eV, s.free.lumo_eV, ""),
                (
                    s.complex.name,
                    s.complex.homo_eV,
                    s.complex.lumo_eV,
                    f"dLUMO {s.delta_lumo_eV:+.2f}",
                ),
            ]
            for s in self.ranked()
        ]
        return levels_figure(groups, f"Frontier orbitals with and without Na+: {self.level.label}")

    STEM = "screen"

    def _drawable(self) -> bool:
        return bool(self.shifts)


def short_source(shift: NaShift) -> str:
    """``"computed"``, ``"cache"`` or ``"mixed"`` (free and complex from different places).

    Parameters
    ----------
    shift : NaShift
        LUMO shift of a molecule on Na+ binding (free and complex results).

    Returns
    -------
    str
        Where the results came from.
    """
    sources = {shift.free.source, shift.complex.source}
    return sources.pop() if len(sources) == 1 else "mixed"


def parse_molecules(molecules: Sequence[str | Molecule]) -> list[Molecule]:
    """Molecules from names or SMILES, checked all at once (no duplicates, at least one).

    Parameters
    ----------
    molecules : sequence of str or Molecule
        Names, SMILES or molecules.

    Returns
    -------
    list of Molecule
        The molecules, in the order given.

    Raises
    ------
    InvalidOptionError
        For an empty list, duplicates, an unknown name or invalid SMILES.
    """
    if not molecules:
        raise InvalidOptionError("Give at least one molecule to screen, e.g. FEC EC VC.")
    parsed = [m if isinstance(m, Molecule) else molecule(str(m)) for m in molecules]
    names = [m.name for m in parsed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidOptionError(f"Molecules given more than once: {', '.join(duplicates)}.")
    return parsed


def _source_text(shift: NaShift) -> str:
    sources = {shift.free.source, shift.complex.source}
    if sources == {"computed"}:
        return "computed in this run"
    if sources == {"cache"}:
        return f"read from cache (computed {shift.free.computed_at} / {shift.complex.computed_at})"
    return f"free: {shift.free.provenance}; with Na+: {shift.complex.provenance}"


def screen(
    molecules: Sequence[str | Molecule],
    level: str | Level = DEFAULT_LEVEL,
    *,
    cache: ResultsCache | bool | None = True,
    progress: Progress = no_progress,
) -> ScreenResult:
    """HOMO/LUMO with and without Na+ for each molecule, ranked by :data:`RANKING`.

    Parameters
    ----------
    molecules : sequence of str or Molecule
        Names of the built-in table (``"FEC"``, ``"VC"``, ``"TFSI-"``) or SMILES strings. All are
        checked before anything is computed.
    level : str or Level, default "fast"
        ``"test"``, ``"fast"`` or ``"paper"`` (see :mod:`solidna.quantum.levels`).
    cache : ResultsCache or bool
        True: read and write the results cache; False: recompute (``--no-cache``) and store.
    progress : callable, optional
        ``progress(message, fraction_done_or_None)``: the fraction is the share of the
        molecules' orbital computations done (never decreasing); steps inside one computation
        report ``None``.

    Returns
    -------
    ScreenResult
        A molecule whose SCF or optimisation does not converge is listed in ``failures`` with
        what was tried; the others are still computed.

    Raises
    ------
    InvalidOptionError
        For an empty list, duplicates, an unknown name or invalid SMILES (before any computation).
    """
    lvl = get_level(level)
    parsed = parse_molecules(molecules)
    store = resolve_cache(cache)
    tic = time.perf_counter()
    shifts: list[NaShift] = []
    failures: list[dict[str, str]] = []
    n = len(parsed)

    def message(text: str) -> None:
        # a step inside one orbital computation: the fraction stays where the last one put it
        progress(text, None)

    for k, mol in enumerate(parsed):
        base = k / n
        progress(f"{mol.name} ({k + 1}/{n}) at {lvl.name} level", base)
        try:
            free = frontier_orbitals(mol, lvl, cache=store, message=message)
            progress(f"{mol.name}-Na+ ({k + 1}/{n})", base + 0.5 / n)
            cplx = frontier_orbitals(na_complex(mol), lvl, cache=store, message=message)
        except ConvergenceError as exc:
            failures.append({"molecule": mol.name, "error": str(exc)})
            progress(f"{mol.name}: failed ({exc})", (k + 1) / n)
            continue
        shifts.append(NaShift(free=free, complex=cplx))
    progress("done", 1.0)
    return ScreenResult(
        level=lvl,
        shifts=shifts,
        failures=failures,
        wall_time_s=time.perf_counter() - tic,
        notes=list(store.problems),
    )
