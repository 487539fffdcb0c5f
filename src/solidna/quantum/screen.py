"""Screen candidate reagents the way Lu et al. chose FEC: frontier orbitals with and without Na+.

For each molecule, :func:`screen` computes HOMO and LUMO of the free molecule and of its Na+
complex (:func:`~solidna.quantum.orbitals.na_shift`) at one level of theory and ranks them by the
LUMO of the complex, lowest first: the Na+-bound species that Na metal reduces most easily, i.e.
the best candidate to build a reduction-made (e.g. NaF-rich) interphase. The LUMO shift on Na+
binding (how much more reducible Na+ makes it) is in the table beside it.

The LUMO of a complex can be the bound Na+'s own 3s-like orbital rather than the molecule's: at
B3LYP/3-21G in the gas phase 97 % of it is on Na for EC, FEC and VC, and at the ``fast`` level
(IEF-PCM) 70 % for FEC-Na+ and 72 % for VC-Na+ (FEC's own acceptor orbital is then 0.09 eV above
it). The table gives the LUMO's share on Na and the molecule's own lowest acceptor orbital in the
complex, and a note names the molecules concerned: for them the ranking compares Na+ sites.
LUMOs with Na+ equal to 1 meV (:data:`TIE_EV`) share a rank; a molecule whose calculation failed
is a row without a rank, its error beside it.

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

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, InvalidOptionError
from solidna.progress import Progress, no_progress
from solidna.quantum._output import SavedResult, run_info
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import DEFAULT_LEVEL, Level, get_level
from solidna.quantum.molecules import Molecule, molecule, na_complex
from solidna.quantum.orbitals import (
    NA_CENTRED_SHARE,
    NaShift,
    frontier_orbitals,
    resolve_cache,
)

__all__ = [
    "ScreenResult",
    "screen",
    "parse_molecules",
    "cost_weights",
    "short_source",
    "RANKING",
    "MAX_ATOMS",
    "TIE_EV",
    "check_basis",
]

#: What the table is sorted by.
RANKING = (
    "LUMO of the Na+ complex, lowest (most easily reduced) first; equal to 1 meV: the same "
    "rank, in the order given"
)


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
        """The shifts sorted by :data:`RANKING`, ties (:data:`TIE_EV`) in the order given."""
        return sorted(self.shifts, key=lambda s: _rank_value(s.complex.lumo_eV))

    def ranks(self) -> list[int]:
        """The rank of each entry of :meth:`ranked`: LUMOs with Na+ equal to :data:`TIE_EV` (the
        precision of the table) share a rank, and the next rank skips as many ("1, 1, 3"): an
        order below that precision is SCF, grid and optimiser noise, not chemistry (two
        enantiomers have the same orbitals but are computed from different start geometries)."""
        values = [_rank_value(s.complex.lumo_eV) for s in self.ranked()]
        return [values.index(v) + 1 for v in values]

    def table(self) -> Any:
        """The ranked table (pandas DataFrame; column names carry units). A molecule whose
        calculation failed is a row at the end without a rank or numbers, its error in
        ``Source``."""
        import pandas as pd

        rows = []
        for rank, s in zip(self.ranks(), self.ranked(), strict=True):
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
                    "LUMO with Na+ on Na [%]": _percent(s.complex.lumo_na_share),
                    "Molecular LUMO with Na+ [eV]": _rounded(s.complex.molecular_lumo_eV),
                    "Source": _source_text(s),
                }
            )
        for failure in self.failures:
            rows.append({"Molecule": failure["molecule"], "Source": f"failed: {failure['error']}"})
        table = pd.DataFrame(rows, columns=_COLUMNS)
        return table.astype({"Rank": "Int64", "Charge": "Int64"})

    def as_dict(self) -> dict[str, Any]:
        """Everything as plain data (what ``screen.json`` holds)."""
        return {
            "level": self.level.as_dict(),
            "ranking": RANKING,
            "results": [
                {"rank": rank, "molecule": s.free.name, **s.as_dict(), "source": _source_text(s)}
                for rank, s in zip(self.ranks(), self.ranked(), strict=True)
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


#: Ranking precision [eV]: LUMOs with Na+ that agree to this (the table's three decimals)
#: share a rank.
TIE_EV = 1e-3

_COLUMNS = (
    "Rank",
    "Molecule",
    "Formula",
    "Charge",
    "HOMO [eV]",
    "LUMO [eV]",
    "HOMO with Na+ [eV]",
    "LUMO with Na+ [eV]",
    "Delta LUMO [eV]",
    "More reducible with Na+",
    "LUMO with Na+ on Na [%]",
    "Molecular LUMO with Na+ [eV]",
    "Source",
)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100.0 * share, 1)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _rank_value(lumo_eV: float) -> int:
    """The LUMO with Na+ in units of :data:`TIE_EV`, rounded: what ranks compare."""
    return round(lumo_eV / TIE_EV)


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


#: Most atoms (hydrogens included) of a molecule :func:`screen` takes by default. DFT cost grows
#: with about the cube of the size: TEGDME (37 atoms), the largest entry of the built-in table,
#: takes minutes at the fast level; 120 atoms are hours, and a polymer or a long chain is better
#: screened as an oligomer or a fragment that keeps its binding and reducible groups.
MAX_ATOMS = 120


def parse_molecules(
    molecules: Sequence[str | Molecule],
    *,
    max_atoms: int | None = MAX_ATOMS,
    level: str | Level | None = None,
) -> list[Molecule]:
    """Molecules from names or SMILES, checked all at once before anything is computed: at least
    one, no duplicates (by name, or the same molecule under two names: same canonical SMILES,
    charge and multiplicity), each with an atom that binds Na+ (the screen compares each molecule
    with its Na+ complex), at most ``max_atoms`` atoms and, when ``level`` is given, only elements
    its basis sets cover.

    Parameters
    ----------
    molecules : sequence of str or Molecule
        Names, SMILES or molecules.
    max_atoms : int or None, optional
        Largest number of atoms (hydrogens included) accepted; default :data:`MAX_ATOMS`;
        ``None`` for no limit.
    level : str or Level, optional
        The level the molecules will be computed at: every element of each molecule and its Na+
        complex must be in its basis (and optimisation basis); not checked when None.

    Returns
    -------
    list of Molecule
        The molecules, in the order given.

    Raises
    ------
    InvalidOptionError
        For an empty list, duplicates, an unknown name or invalid SMILES, several species in one
        SMILES, a molecule without a Na+ binding atom, one of more than ``max_atoms`` atoms or
        one with an element the basis of ``level`` does not cover.
    """
    from solidna.quantum.molecules import _SITES

    if isinstance(molecules, str | Molecule):
        molecules = [molecules]  # one name is one molecule, not a string of letters
    if not molecules:
        raise InvalidOptionError("Give at least one molecule to screen, e.g. FEC EC VC.")
    _check_graphs([str(m) for m in molecules if not isinstance(m, Molecule)], max_atoms)
    parsed = [m if isinstance(m, Molecule) else molecule(str(m)) for m in molecules]
    names = [m.name for m in parsed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidOptionError(f"Molecules given more than once: {', '.join(duplicates)}.")
    _check_same_molecule(molecules, parsed)
    complexes = [m.name for m in parsed if m.na_index is not None]
    if complexes:
        raise InvalidOptionError(
            f"Already Na+ complexes: {', '.join(complexes)}. Give the free molecules; the screen "
            "builds and optimises each one's Na+ complex itself."
        )
    no_site = [m.name for m in parsed if m.coordinating_atom is None]
    if no_site:
        kinds = ", ".join(kind for _, kind in _SITES)
        raise InvalidOptionError(
            f"No atom to bind Na+ in {', '.join(no_site)} (looked for: {kinds}). The screen "
            "compares each molecule with its Na+ complex, so it needs one of these atoms; "
            "leave out single atoms, Na itself and hydrocarbons."
        )
    if max_atoms is not None:
        large = [
            f"{m.name} ({m.formula}, {m.n_atoms} atoms)" for m in parsed if m.n_atoms > max_atoms
        ]
        if large:
            raise InvalidOptionError(
                f"Too large to screen: {'; '.join(large)}; the limit is {max_atoms} atoms, "
                "hydrogens included (DFT cost grows with about the cube of the size: hours per "
                f"molecule at {max_atoms} atoms). Screen an oligomer or a fragment that keeps the "
                "groups that bind Na+ and are reduced (in Python: screen(..., max_atoms=None) "
                "lifts the limit)."
            )
    if level is not None:
        check_basis(parsed, get_level(level))
    return parsed


def _check_same_molecule(given: Sequence[str | Molecule], parsed: Sequence[Molecule]) -> None:
    """Refuse one molecule given twice under different names (``FEC`` and ``O=C1OCC(F)O1``, or
    ``EC`` and ``C1COC(=O)O1``): the name check cannot see it, and the screen would compute it
    twice and rank it against itself. Identity is the canonical SMILES (stereo included: two
    stereoisomers are two molecules), charge and multiplicity."""
    seen: dict[tuple[str, int, int], str] = {}
    same: list[str] = []
    for text, mol in zip(given, parsed, strict=True):
        shown = mol.name if isinstance(text, Molecule) else str(text).strip()
        key = (mol.smiles, mol.charge, mol.multiplicity)
        if key in seen:
            same.append(f"{seen[key]} and {shown} (both {mol.smiles}, charge {mol.charge:+d})")
        else:
            seen[key] = shown
    if same:
        raise InvalidOptionError(
            f"The same molecule given twice under different names: {'; '.join(same)}. Give each "
            "molecule once."
        )


def check_basis(molecules: Sequence[Molecule], level: Level) -> None:
    """Refuse molecules with an element that a basis of ``level`` does not cover, before any
    computation: PySCF finds out only at the SCF, after the geometry optimisation, and its
    BasisNotFoundError stopped the whole screen (e.g. Br or I at the ``fast`` level: PySCF's
    6-31+G(d) and 6-311+G(d,p) have no Br, I or Cs; its 3-21G does).

    Parameters
    ----------
    molecules : sequence of Molecule
        The free molecules (their Na+ complexes add Na).
    level : Level
        Level of theory: its ``basis`` and, for a DFT optimisation, ``opt_basis``.

    Raises
    ------
    InvalidOptionError
        Naming each molecule, its uncovered elements, the basis and what to do.
    """
    import warnings

    from solidna.quantum._deps import require
    from solidna.quantum.scf import pyscf_basis

    require("pyscf")
    from pyscf.gto import basis as pyscf_basis_library
    from pyscf.lib.exceptions import BasisNotFoundError

    bases = [level.basis] + (
        [level.opt_basis] if level.optimizer == "xtb+dft" and level.opt_basis else []
    )
    elements = sorted({s for m in molecules for s in m.symbols} | {"Na"})
    missing: dict[str, list[str]] = {}
    for name in dict.fromkeys(bases):
        for element in elements:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # PySCF suggests installing basis-set-exchange
                try:
                    found = bool(pyscf_basis_library.load(pyscf_basis(name), element))
                except (BasisNotFoundError, KeyError, ValueError):
                    found = False
            if not found:
                missing.setdefault(name, []).append(element)
    if not missing:
        return
    problems = []
    for name, absent in missing.items():
        who = [m.name for m in molecules if set(m.symbols) & set(absent)]
        problems.append(
            f"basis {name} has no {', '.join(absent)} ({', '.join(who) or 'the Na+ complexes'})"
        )
    raise InvalidOptionError(
        f"Cannot screen at the {level.name} level: {'; '.join(problems)}. Leave these molecules "
        "out, or screen them at a level whose basis covers them (in Python, for elements up to "
        "Kr: get_level('fast').replace(basis='def2-SVPD') as the level of screen())."
    )


def _check_graphs(texts: Sequence[str], max_atoms: int | None) -> None:
    """Refuse a molecule too large or without a Na+ binding atom from its graph, before its 3D
    geometry is built: the geometry of a 100-carbon chain took 14 s and that of 3000 carbons
    hours (in native code, deaf to Ctrl-C) before the same checks refused it. SMILES RDKit cannot
    read, or of several species, are left to :func:`~solidna.quantum.molecules.molecule`."""
    from rdkit import Chem

    from solidna.quantum.molecules import _SITES, _lookup, _parse_smiles

    patterns = [Chem.MolFromSmarts(smarts) for smarts, _ in _SITES]
    for text in texts:
        entry = _lookup(text)
        graph = _parse_smiles(entry.smiles if entry is not None else text)
        if graph is None or len(Chem.GetMolFrags(graph)) > 1:
            continue  # molecule() refuses these with their own words
        graph = Chem.AddHs(graph)
        n_atoms = graph.GetNumAtoms()
        shown = text if len(text) <= 40 else text[:37] + "..."
        if max_atoms is not None and n_atoms > max_atoms:
            raise InvalidOptionError(
                f"Too large to screen: {shown} ({n_atoms} atoms); the limit is {max_atoms} "
                "atoms, hydrogens included (DFT cost grows with about the cube of the size). "
                "Screen an oligomer or a fragment that keeps the groups that bind Na+ and are "
                "reduced (in Python: screen(..., max_atoms=None) lifts the limit)."
            )
        if not any(graph.HasSubstructMatch(p) for p in patterns):
            kinds = ", ".join(kind for _, kind in _SITES)
            raise InvalidOptionError(
                f"No atom to bind Na+ in {shown} (looked for: {kinds}). The screen compares each "
                "molecule with its Na+ complex, so it needs one of these atoms; leave out single "
                "atoms, Na itself and hydrocarbons."
            )


def cost_weights(molecules: Sequence[Molecule]) -> list[float]:
    """Each molecule's share of a screen's work: electrons cubed, free molecule and Na+ complex
    (a hybrid-DFT SCF scales with about the cube of the basis, which grows with the electrons),
    so that the progress and its time left follow the work, not the count of molecules.

    Parameters
    ----------
    molecules : sequence of Molecule
        The molecules.

    Returns
    -------
    list of float
        Fractions [-] summing to 1, in the order given.
    """
    costs = [sum(_costs(m)) for m in molecules]
    total = sum(costs)
    return [c / total for c in costs]


def _costs(mol: Molecule) -> tuple[float, float]:
    """Relative cost of the free molecule and of its Na+ complex (10 more electrons)."""
    return float(mol.n_electrons) ** 3, float(mol.n_electrons + 10) ** 3


def _source_text(shift: NaShift) -> str:
    sources = {shift.free.source, shift.complex.source}
    if sources == {"computed"}:
        return "computed in this run"
    if sources == {"cache"}:
        return f"read from cache (computed {shift.free.computed_at} / {shift.complex.computed_at})"
    return f"free: {shift.free.provenance}; with Na+: {shift.complex.provenance}"


@fill_doc
def screen(
    molecules: Sequence[str | Molecule],
    level: str | Level = DEFAULT_LEVEL,
    *,
    cache: ResultsCache | bool | None = True,
    progress: Progress = no_progress,
    max_atoms: int | None = MAX_ATOMS,
) -> ScreenResult:
    """HOMO/LUMO with and without Na+ for each molecule, ranked by :data:`RANKING`.

    Parameters
    ----------
    molecules : sequence of str or Molecule
        Names of the built-in table (``"FEC"``, ``"VC"``, ``"TFSI-"``) or SMILES strings. All are
        checked before anything is computed.
    level : str or Level, default "fast"
        ``"test"``, ``"fast"`` or ``"paper"`` (see :mod:`solidna.quantum.levels`).
    %(cache)s
    %(progress)s
        The fraction is the share of the molecules' orbital computations done, weighted by
        their size (:func:`cost_weights`; never decreasing); steps inside one computation
        report ``None``.
    max_atoms : int or None, optional
        Largest molecule accepted [atoms] (default :data:`MAX_ATOMS`; ``None``: no limit).

    Returns
    -------
    ScreenResult
        A molecule whose SCF or optimisation does not converge is listed in ``failures`` with
        what was tried; the others are still computed.

    Raises
    ------
    InvalidOptionError
        Before any computation: for an empty list, duplicates, an unknown name or invalid
        SMILES, a molecule with no atom to bind Na+ or one above ``max_atoms`` (see
        :func:`parse_molecules`).
    """
    lvl = get_level(level)
    parsed = parse_molecules(molecules, max_atoms=max_atoms, level=lvl)
    store = resolve_cache(cache)
    tic = time.perf_counter()
    shifts: list[NaShift] = []
    failures: list[dict[str, str]] = []
    n = len(parsed)
    weights = cost_weights(parsed)
    base = 0.0

    def message(text: str) -> None:
        # a step inside one orbital computation: the fraction stays where the last one put it
        progress(text, None)

    for k, (mol, weight) in enumerate(zip(parsed, weights, strict=True)):
        progress(f"{mol.name} ({k + 1}/{n}) at {lvl.name} level", base)
        free_cost, complex_cost = _costs(mol)
        free_share = free_cost / (free_cost + complex_cost)
        try:
            free = frontier_orbitals(mol, lvl, cache=store, message=message)
            bound = na_complex(mol)  # its own name: "PF6- + Na+" for an anion, not "PF6--Na+"
            progress(f"{bound.name} ({k + 1}/{n})", base + free_share * weight)
            cplx = frontier_orbitals(bound, lvl, cache=store, message=message)
        except ConvergenceError as exc:
            failures.append({"molecule": mol.name, "error": str(exc)})
            base += weight
            progress(f"{mol.name}: failed ({exc})", base)
            continue
        base += weight
        shifts.append(NaShift(free=free, complex=cplx))
    progress("orbitals done", 1.0)  # "orbitals": --decide goes on with the MD after this
    # an open shell's frontier orbitals are spin orbitals: say so beside its numbers
    open_shell = [
        f"{m.name} (multiplicity {m.multiplicity})" for m in parsed if m.multiplicity != 1
    ]
    notes = (
        [
            f"Open shell: {', '.join(open_shell)}; computed unrestricted (UKS), its HOMO and LUMO "
            "are the highest occupied and lowest unoccupied spin orbitals of either spin."
        ]
        if open_shell
        else []
    )
    on_na = [s.free.name for s in shifts if getattr(s.complex, "na_centred_lumo", False)]
    if on_na:
        # what the ranked number is: with the LUMO on Na it ranks how each molecule perturbs the
        # bound Na+'s own orbital, not how easily the molecule itself is reduced
        notes.append(
            f"LUMO with Na+ on Na: {', '.join(on_na)} (more than {NA_CENTRED_SHARE:.0%} of "
            "the complex's LUMO on the Na atom: the bound Na+'s 3s-like orbital, not the "
            "molecule's). For these the ranking compares Na+ sites; the molecule's own lowest "
            "acceptor orbital in the complex is 'Molecular LUMO with Na+' in the table."
        )
    if lvl.solvent is None and shifts:
        # a bare charge in vacuum lowers every orbital by eV; Fig. 1c's -0.89 eV is in solvent
        notes.append(
            f"Gas phase ({lvl.name} level): the Na+ charge is not screened, so the LUMO shifts "
            "are several eV and not comparable with Fig. 1c's (implicit solvent: --level fast "
            "or paper). The ranking is for checks."
        )
    return ScreenResult(
        level=lvl,
        shifts=shifts,
        failures=failures,
        wall_time_s=time.perf_counter() - tic,
        notes=notes + list(store.problems),
    )
