"""Molecules from SMILES or a table of names, 3D geometries from RDKit, and Na+ complexes.

A :class:`Molecule` is a frozen record of symbols, Cartesian coordinates [A], charge, spin
multiplicity and the bonds RDKit perceived (needed to detect bond cleavage in the MD). It says how
its geometry was obtained (``geometry``), so a number computed on it can say so too.

Na+ complexes follow Fig. 1c of Lu et al. (2019): Na+ is put at the coordinating atom - the
carbonyl O of a carbonate, the N of a nitrile, a sulfonyl or terminal O of an anion, an ether O -
on the line that points away from that atom's neighbours, at a typical contact distance, and the
complex is then optimised (:mod:`solidna.quantum.geometry`).

Examples
--------
>>> from solidna.quantum.molecules import molecule, na_complex
>>> fec = molecule("FEC")
>>> fec.formula, fec.charge, fec.multiplicity
('C3H3FO3', 0, 1)
>>> complex_ = na_complex(fec)
>>> complex_.formula, complex_.charge, complex_.symbols[complex_.coordinating_atom]
('C3H3FNaO3', 1, 'O')
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.errors import InvalidOptionError, OutOfRangeError, closest_matches

__all__ = [
    "Molecule",
    "KnownMolecule",
    "KNOWN_MOLECULES",
    "known_names",
    "molecule",
    "from_smiles",
    "na_complex",
    "check_charge_multiplicity",
    "coordinating_site",
    "candidate_sites",
    "has_cf_bond",
    "DEFAULT_SEED",
]

#: Seed of RDKit's ETKDG embedding: the same SMILES always gives the same starting geometry.
DEFAULT_SEED = 20190415

#: Initial Na+...X distance [A] before optimisation. Typical DFT contact distances of Na+ with a
#: carbonyl/sulfonyl O (2.2-2.3 A), a nitrile N (2.4 A) and F (2.2-2.3 A); the optimiser refines it.
NA_CONTACT_DISTANCE_A: dict[str, float] = {"O": 2.25, "N": 2.40, "F": 2.25}

_ATOMIC_NUMBER = {
    "H": 1,
    "B": 5,
    "C": 6,
    "N": 7,
    "O": 8,
    "F": 9,
    "Na": 11,
    "P": 15,
    "S": 16,
    "Cl": 17,
    "Li": 3,
    "Si": 14,
    "K": 19,
    "Br": 35,
}


@dataclass(frozen=True)
class KnownMolecule:
    """An entry of the built-in table: a name, its SMILES and what it is."""

    name: str
    smiles: str
    description: str
    aliases: tuple[str, ...] = ()


# Electrolyte solvents, additives and anions of Na (and Li) batteries. SMILES are written with the
# formal charges of the anions, so the charge of a table entry is that of its SMILES.
KNOWN_MOLECULES: dict[str, KnownMolecule] = {
    m.name: m
    for m in (
        KnownMolecule("FEC", "O=C1OCC(F)O1", "fluoroethylene carbonate (the paper's reagent)"),
        KnownMolecule("EC", "O=C1OCCO1", "ethylene carbonate"),
        KnownMolecule("PC", "CC1COC(=O)O1", "propylene carbonate"),
        KnownMolecule("DFEC", "O=C1O[C@@H](F)[C@H](F)O1", "trans-4,5-difluoroethylene carbonate"),
        KnownMolecule("VC", "O=C1OC=CO1", "vinylene carbonate"),
        KnownMolecule("DMC", "COC(=O)OC", "dimethyl carbonate"),
        KnownMolecule("DEC", "CCOC(=O)OCC", "diethyl carbonate"),
        KnownMolecule("EMC", "CCOC(=O)OC", "ethyl methyl carbonate"),
        KnownMolecule(
            "FEMC", "COC(=O)OCC(F)(F)F", "methyl 2,2,2-trifluoroethyl carbonate", ("MTFEC",)
        ),
        KnownMolecule("SN", "N#CCCC#N", "succinonitrile (the paper's solid electrolyte)"),
        KnownMolecule("AN", "CC#N", "acetonitrile", ("MeCN",)),
        KnownMolecule("ADN", "N#CCCCCC#N", "adiponitrile"),
        KnownMolecule("DME", "COCCOC", "1,2-dimethoxyethane (monoglyme)", ("G1",)),
        KnownMolecule("DEGDME", "COCCOCCOC", "diethylene glycol dimethyl ether", ("G2", "diglyme")),
        KnownMolecule("TEGDME", "COCCOCCOCCOCCOC", "tetraglyme", ("G4",)),
        KnownMolecule("DOL", "C1COCO1", "1,3-dioxolane"),
        KnownMolecule(
            "TFSI-",
            "FC(F)(F)S(=O)(=O)[N-]S(=O)(=O)C(F)(F)F",
            "bis(trifluoromethanesulfonyl)imide anion",
            ("TFSI",),
        ),
        KnownMolecule(
            "FSI-", "FS(=O)(=O)[N-]S(=O)(=O)F", "bis(fluorosulfonyl)imide anion", ("FSI",)
        ),
        KnownMolecule(
            "ClO4-", "[O-]Cl(=O)(=O)=O", "perchlorate anion (the paper's salt)", ("perchlorate",)
        ),
        KnownMolecule("PF6-", "F[P-](F)(F)(F)(F)F", "hexafluorophosphate anion", ("PF6",)),
        KnownMolecule(
            "DFOB-", "O=C1O[B-](F)(F)OC1=O", "difluoro(oxalato)borate anion", ("DFOB", "ODFB")
        ),
    )
}


def known_names() -> list[str]:
    """Names of the built-in table (aliases not included)."""
    return list(KNOWN_MOLECULES)


def _lookup(name: str) -> KnownMolecule | None:
    key = name.strip().casefold()
    for m in KNOWN_MOLECULES.values():
        if key == m.name.casefold() or key in (a.casefold() for a in m.aliases):
            return m
    return None


@dataclass(frozen=True)
class Molecule:
    """A molecule with a 3D geometry.

    Attributes
    ----------
    name : str
        Name (``"FEC"``, ``"FEC-Na+"``) or the SMILES it was made from.
    smiles : str
        Canonical SMILES of the molecule (a complex: ``"<molecule>.[Na+]"``).
    symbols : tuple of str
        Element symbols.
    coordinates_A : numpy.ndarray
        Cartesian coordinates, shape (n_atoms, 3) [A].
    charge : int
        Total charge [e].
    multiplicity : int
        Spin multiplicity 2S + 1.
    bonds : tuple of (int, int)
        Bonded atom pairs of the parent molecule (RDKit), for the MD analysis.
    ring_bonds : tuple of (int, int)
        The bonds that belong to a ring.
    coordinating_atom : int or None
        Index of the atom that binds Na+ (see :func:`coordinating_site`).
    na_index : int or None
        Index of the Na+ of a complex; None for a free molecule.
    geometry : str
        How the coordinates were obtained (``"RDKit ETKDGv3 + MMFF94"``, ``"GFN2-xTB(ALPB eps=78.4)"``).
    """

    name: str
    smiles: str
    symbols: tuple[str, ...]
    coordinates_A: np.ndarray = field(compare=False, repr=False)
    charge: int = 0
    multiplicity: int = 1
    bonds: tuple[tuple[int, int], ...] = ()
    ring_bonds: tuple[tuple[int, int], ...] = ()
    coordinating_atom: int | None = None
    na_index: int | None = None
    geometry: str = ""

    def __post_init__(self) -> None:
        coords = np.asarray(self.coordinates_A, dtype=float)
        if coords.shape != (len(self.symbols), 3):
            raise InvalidOptionError(
                f"{self.name}: coordinates have shape {coords.shape}, expected "
                f"({len(self.symbols)}, 3) for {len(self.symbols)} atoms."
            )
        coords.setflags(write=False)
        object.__setattr__(self, "coordinates_A", coords)
        check_charge_multiplicity(self.symbols, self.charge, self.multiplicity, self.name)

    @property
    def n_atoms(self) -> int:
        """Number of atoms."""
        return len(self.symbols)

    @property
    def n_electrons(self) -> int:
        """Number of electrons (all-electron count: sum of Z minus the charge)."""
        return sum(_atomic_number(s) for s in self.symbols) - self.charge

    @property
    def formula(self) -> str:
        """Hill formula, e.g. ``"C3H3FO3"``."""
        counts: dict[str, int] = {}
        for s in self.symbols:
            counts[s] = counts.get(s, 0) + 1
        first = [s for s in ("C", "H") if "C" in counts and s in counts]
        order = first + sorted(s for s in counts if s not in first)
        return "".join(f"{s}{counts[s] if counts[s] > 1 else ''}" for s in order)

    def with_coordinates(self, coordinates_A: Any, geometry: str) -> Molecule:
        """A copy with new coordinates [A] and a note of how they were obtained.

        Parameters
        ----------
        coordinates_A : array_like
            New coordinates, shape (n_atoms, 3) [A].
        geometry : str
            How they were obtained (e.g. ``"GFN2-xTB"``).

        Returns
        -------
        Molecule
            The copy.
        """
        return dataclasses.replace(
            self, coordinates_A=np.array(coordinates_A, dtype=float), geometry=geometry
        )

    def translated(self, vector_A: Sequence[float]) -> Molecule:
        """A rigidly translated copy (by ``vector_A`` [A]).

        Parameters
        ----------
        vector_A : sequence of float
            Translation vector (x, y, z) [A].

        Returns
        -------
        Molecule
            The translated copy.
        """
        return self.with_coordinates(
            self.coordinates_A + np.asarray(vector_A, dtype=float), self.geometry
        )

    def rotated(self, rotation: Any) -> Molecule:
        """A rigidly rotated copy: ``rotation`` is a 3x3 orthogonal matrix (about the centroid).

        Parameters
        ----------
        rotation : array_like
            3x3 orthogonal matrix [-].

        Returns
        -------
        Molecule
            The rotated copy.
        """
        rot = np.asarray(rotation, dtype=float)
        if rot.shape != (3, 3) or not np.allclose(rot @ rot.T, np.eye(3), atol=1e-8):
            raise InvalidOptionError("rotation must be a 3x3 orthogonal matrix.")
        centre = self.coordinates_A.mean(axis=0)
        return self.with_coordinates((self.coordinates_A - centre) @ rot.T + centre, self.geometry)

    def key(self) -> dict[str, Any]:
        """What identifies this molecule in a cache key (not its coordinates: see ``geometry``)."""
        return {
            "smiles": self.smiles,
            "charge": self.charge,
            "multiplicity": self.multiplicity,
            "na_complex": self.na_index is not None,
            "coordinating_atom": self.coordinating_atom,
        }

    def to_xyz(self, comment: str = "") -> str:
        """The geometry as XYZ text [A].

        Parameters
        ----------
        comment : str, optional
            Comment line; default name and charge.

        Returns
        -------
        str
            XYZ text (coordinates [A]).
        """
        lines = [str(self.n_atoms), comment or f"{self.name} charge={self.charge}"]
        for s, (x, y, z) in zip(self.symbols, self.coordinates_A, strict=True):
            lines.append(f"{s:2s} {x:14.8f} {y:14.8f} {z:14.8f}")
        return "\n".join(lines) + "\n"


def _atomic_number(symbol: str) -> int:
    if symbol in _ATOMIC_NUMBER:
        return _ATOMIC_NUMBER[symbol]
    from rdkit import Chem

    return Chem.GetPeriodicTable().GetAtomicNumber(symbol)


def check_charge_multiplicity(
    symbols: Sequence[str], charge: int, multiplicity: int, name: str = "molecule"
) -> int:
    """Check that ``charge`` and ``multiplicity`` are possible for these atoms.

    Parameters
    ----------
    symbols : sequence of str
        Element symbols.
    charge : int
        Total charge [e].
    multiplicity : int
        2S + 1.
    name : str
        For the error message.

    Returns
    -------
    int
        The number of electrons.

    Raises
    ------
    OutOfRangeError
        If the charge leaves no electron, or the multiplicity is below 1, does not match the
        parity of the electron count, or needs more unpaired electrons than there are.
    """
    if isinstance(charge, bool) or int(charge) != charge:
        raise OutOfRangeError(f"{name}: the charge must be an integer, got {charge!r}.")
    if isinstance(multiplicity, bool) or int(multiplicity) != multiplicity:
        raise OutOfRangeError(f"{name}: the multiplicity must be an integer, got {multiplicity!r}.")
    n_el = sum(_atomic_number(s) for s in symbols) - int(charge)
    if n_el < 1:
        raise OutOfRangeError(
            f"{name}: charge {charge:+d} leaves {n_el} electrons; "
            f"the largest possible charge is {n_el + int(charge) - 1:+d}."
        )
    if multiplicity < 1:
        raise OutOfRangeError(
            f"{name}: multiplicity must be 2S+1 >= 1, got {multiplicity}. Use 1 for a closed shell."
        )
    unpaired = int(multiplicity) - 1
    if unpaired > n_el or (n_el - unpaired) % 2:
        allowed = "1, 3, 5, ..." if n_el % 2 == 0 else "2, 4, 6, ..."
        raise OutOfRangeError(
            f"{name}: charge {charge:+d} gives {n_el} electrons, which cannot have multiplicity "
            f"{multiplicity}. Allowed multiplicities for {n_el} electrons: {allowed} "
            f"(or change the charge by one)."
        )
    return n_el


@contextlib.contextmanager
def _rdkit_quiet() -> Iterator[None]:
    # RDKit prints parse errors and force-field typing warnings to stderr; solidna raises or notes
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")
    try:
        yield
    finally:
        RDLogger.EnableLog("rdApp.*")


def _parse_smiles(smiles: str) -> Any:
    from solidna.quantum._deps import require

    require("rdkit")
    from rdkit import Chem

    with _rdkit_quiet():
        return Chem.MolFromSmiles(smiles) if smiles.strip() else None


def _looks_like_name(text: str) -> bool:
    # A plain word (letters, digits, '+', '-') is more likely a misspelt name than a SMILES.
    return (
        bool(text)
        and all(c.isalnum() or c in "+-_ " for c in text)
        and not any(c in text for c in "=#()[]@/\\")
    )


def _smiles_problem(smiles: str) -> str:
    """What is wrong with a SMILES RDKit refuses, in words ("" when it cannot be said): RDKit
    logs its reason instead of raising it, so the common slips are looked for here."""
    import re

    from rdkit import Chem

    if smiles.count("(") != smiles.count(")"):
        return "its parentheses do not pair up"
    if smiles.count("[") != smiles.count("]"):
        return "its square brackets do not pair up"
    # ring-closure labels outside brackets (digits and %nn) must each occur an even number of times
    bare = re.sub(r"\[[^\]]*\]", "", smiles)
    labels = re.findall(r"%\d\d|\d", bare)
    unclosed = sorted({x for x in labels if labels.count(x) % 2})
    if unclosed:
        return f"ring-closure label {', '.join(unclosed)} opens a ring that is never closed"
    with _rdkit_quiet():
        raw = Chem.MolFromSmiles(smiles, sanitize=False)
        problems = Chem.DetectChemistryProblems(raw) if raw is not None else ()
    if problems:
        return f"RDKit: {problems[0].Message()}"
    return ""


def _invalid_smiles(smiles: str, more: str = "") -> InvalidOptionError:
    problem = _smiles_problem(smiles)
    why = f" ({problem})" if problem else " (check brackets, ring-closure digits and valences)"
    return InvalidOptionError(f"Invalid SMILES {smiles!r}: RDKit cannot parse it{why}.{more}")


@fill_doc
def molecule(
    name_or_smiles: str,
    *,
    charge: int | None = None,
    multiplicity: int | None = None,
    seed: int = DEFAULT_SEED,
) -> Molecule:
    """A molecule from a name of the built-in table or from SMILES, with an RDKit 3D geometry.

    Parameters
    ----------
    name_or_smiles : str
        A table name (``"FEC"``, ``"ClO4-"``, case-insensitive; see :data:`KNOWN_MOLECULES`) or a
        SMILES string (``"O=C1OCC(F)O1"``). Names are looked up first (``"PC"`` is propylene
        carbonate, not P-C).
    %(smiles_spin)s

    Returns
    -------
    Molecule
        With geometry ``"RDKit ETKDGv3 + MMFF94"`` (UFF when MMFF94 has no parameters).

    Raises
    ------
    InvalidOptionError
        For an unknown name that is not valid SMILES either (with the closest names).
    %(impossible_spin)s
    """
    text = str(name_or_smiles).strip()
    if not text:
        raise InvalidOptionError(
            "An empty molecule: give a name of the built-in table (e.g. FEC) or a SMILES string "
            "(e.g. 'O=C1OCC(F)O1')."
        )
    entry = _lookup(text)
    if entry is not None:
        return from_smiles(
            entry.smiles, name=entry.name, charge=charge, multiplicity=multiplicity, seed=seed
        )
    if _parse_smiles(text) is None:
        names = known_names() + [a for m in KNOWN_MOLECULES.values() for a in m.aliases]
        close = closest_matches(text, names) or closest_matches(text.upper(), names)
        hint = f" Closest names: {', '.join(close)}." if close else ""
        if _looks_like_name(text):
            problem = _smiles_problem(text)
            raise InvalidOptionError(
                f"Unknown molecule name {text!r} (and it is not valid SMILES"
                + (f": {problem}" if problem else "")
                + f").{hint} "
                f"Known names: {', '.join(known_names())}; or give a SMILES string, e.g. "
                "'O=C1OCC(F)O1' for FEC."
            )
        raise _invalid_smiles(text, f"{hint} Known names: {', '.join(known_names())}.")
    return from_smiles(text, charge=charge, multiplicity=multiplicity, seed=seed)


@fill_doc
def from_smiles(
    smiles: str,
    *,
    name: str | None = None,
    charge: int | None = None,
    multiplicity: int | None = None,
    seed: int = DEFAULT_SEED,
) -> Molecule:
    """A molecule from SMILES with an RDKit 3D geometry (ETKDGv3, then MMFF94 or UFF).

    Parameters
    ----------
    smiles : str
        SMILES string.
    name : str, optional
        Name for tables; default the SMILES.
    %(smiles_spin)s

    Raises
    ------
    InvalidOptionError
        If RDKit cannot parse the SMILES or embed it in 3D, or it holds several species
        (``"[Na+].[Cl-]"``).
    %(impossible_spin)s
    """
    from rdkit import Chem
    from rdkit.Chem import AllChem

    parsed = _parse_smiles(str(smiles))
    if parsed is None:
        raise _invalid_smiles(smiles)
    fragments = Chem.GetMolFrags(parsed, asMols=True)
    if len(fragments) > 1:
        # a salt or a mixture: one geometry of several unbonded pieces is no molecule to optimise
        # (and a Na+ complex is built from the molecule, not given with it)
        parts = " ".join(repr(Chem.MolToSmiles(f)) for f in fragments)
        raise InvalidOptionError(
            f"{str(smiles)!r} holds {len(fragments)} separate species (a '.' in SMILES separates "
            f"them); give one molecule or ion per entry, e.g. {parts}. The Na+ complex of each "
            "is built by solidna."
        )
    canonical = Chem.MolToSmiles(parsed)
    formal = Chem.GetFormalCharge(parsed)
    mol = Chem.AddHs(parsed)
    params = AllChem.ETKDGv3()
    params.randomSeed = int(seed)
    how = "RDKit ETKDGv3"
    with _rdkit_quiet():
        if AllChem.EmbedMolecule(mol, params) != 0:
            params.useRandomCoords = True  # the documented fallback for awkward ring systems
            if AllChem.EmbedMolecule(mol, params) != 0:
                raise InvalidOptionError(
                    f"RDKit could not embed {smiles!r} in 3D (ETKDGv3, also from random "
                    "coordinates)."
                )
        if AllChem.MMFFHasAllMoleculeParams(mol):
            AllChem.MMFFOptimizeMolecule(mol, maxIters=2000)
            how += " + MMFF94"
        elif AllChem.UFFHasAllMoleculeParams(mol):
            AllChem.UFFOptimizeMolecule(mol, maxIters=2000)
            how += " + UFF"
    symbols = tuple(a.GetSymbol() for a in mol.GetAtoms())
    q = formal if charge is None else int(charge)
    n_el = sum(a.GetAtomicNum() for a in mol.GetAtoms()) - q
    mult = (1 if n_el % 2 == 0 else 2) if multiplicity is None else multiplicity
    bonds = tuple(sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mol.GetBonds()))
    ring = tuple(
        sorted((b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mol.GetBonds() if b.IsInRing())
    )
    coords = mol.GetConformer().GetPositions()
    result = Molecule(
        name=name or canonical,
        smiles=canonical,
        symbols=symbols,
        coordinates_A=coords,
        charge=q,
        multiplicity=mult,
        bonds=bonds,
        ring_bonds=ring,
        geometry=how,
    )
    site = coordinating_site(result, mol)
    return dataclasses.replace(result, coordinating_atom=site[0] if site else None)


# (SMARTS, what it is) in order of preference for the Na+ binding site.
_SITES: tuple[tuple[str, str], ...] = (
    ("[OX1]=[#6]", "carbonyl O"),
    ("[NX1]#[#6]", "nitrile N"),
    ("[OX1]=[#16]", "sulfonyl O"),
    ("[OX1;-1]", "terminal O of an anion"),
    ("[OX1]", "terminal O"),
    ("[OX2]([#6])[#6]", "ether O"),
    ("[OX2H][#6]", "hydroxyl O"),
    ("[NX2,NX3;-1]", "anionic N"),
    ("[F]", "F"),
)


def _with_hydrogens(molecule_: Molecule) -> Any:
    """The RDKit molecule of the first component of ``molecule_``'s SMILES with hydrogens, in
    its atom order (None when RDKit cannot parse it)."""
    from rdkit import Chem

    parsed = _parse_smiles(molecule_.smiles.split(".")[0])
    return None if parsed is None else Chem.AddHs(parsed)


def coordinating_site(molecule_: Molecule, rdkit_mol: Any = None) -> tuple[int, str] | None:
    """The atom that binds Na+: (index, kind), or None when the molecule has no such atom.

    The first match in this order: carbonyl O (carbonates, esters), nitrile N, sulfonyl O (TFSI,
    FSI), terminal O of an anion (ClO4-), other terminal O, ether O (glymes), hydroxyl O
    (alcohols), anionic N, F. Among
    equivalent atoms the first in atom order is taken.

    Parameters
    ----------
    molecule_ : Molecule
        The molecule (its SMILES is used).
    rdkit_mol : rdkit.Chem.Mol, optional
        The RDKit molecule with hydrogens, in ``molecule_``'s atom order; parsed from the
        SMILES when not given.

    Returns
    -------
    tuple of (int, str) or None
        0-based atom index and site kind.
    """
    from rdkit import Chem

    mol = rdkit_mol if rdkit_mol is not None else _with_hydrogens(molecule_)
    if mol is None:
        return None
    for smarts, kind in _SITES:
        matches = mol.GetSubstructMatches(Chem.MolFromSmarts(smarts))
        if matches:
            return int(matches[0][0]), kind
    return None


def candidate_sites(molecule_: Molecule) -> list[tuple[int, str]]:
    """Every heteroatom that can bind Na+: ``[(index, kind), ...]`` in atom order.

    Carbonyl, sulfonyl and terminal O, ether O, nitrile and anionic N, and F - the starting points
    of the binding-site search of :mod:`solidna.quantum.study` (the first site of
    :func:`coordinating_site` is one of them).

    Parameters
    ----------
    molecule_ : Molecule
        The molecule (its SMILES is used).

    Returns
    -------
    list of (int, str)
        0-based atom index and site kind of each site.
    """
    from rdkit import Chem

    mol = _with_hydrogens(molecule_)
    if mol is None:
        return []
    found: dict[int, str] = {}
    for smarts, kind in _SITES:
        for match in mol.GetSubstructMatches(Chem.MolFromSmarts(smarts)):
            found.setdefault(int(match[0]), kind)
    return sorted(found.items())


def has_cf_bond(molecule_: Molecule) -> bool:
    """True when the molecule has a C-F bond (it can release F- on reduction).

    Parameters
    ----------
    molecule_ : Molecule
        The molecule (its bonds and element symbols are read).

    Returns
    -------
    bool
        Whether any bond joins a C and an F atom.
    """
    return any(
        {molecule_.symbols[i], molecule_.symbols[j]} == {"C", "F"} for i, j in molecule_.bonds
    )


def na_complex(
    molecule_: Molecule, distance_A: float | None = None, site: int | None = None
) -> Molecule:
    """The Na+ complex of ``molecule_``: Na+ placed at its coordinating atom (not yet optimised).

    Na+ goes on the line from the centroid of the coordinating atom's neighbours through that
    atom (the C=O axis of a carbonyl, the C#N axis of a nitrile, the lone-pair bisector of an
    ether O), at :data:`NA_CONTACT_DISTANCE_A`.

    Parameters
    ----------
    molecule_ : Molecule
        The free molecule (its charge is kept; the complex has charge + 1).
    distance_A : float, optional
        Na+...X distance [A]; default by element of X.
    site : int, optional
        Index of the atom to put Na+ at (see :func:`candidate_sites`); default the preferred
        site (``molecule_.coordinating_atom``).

    Raises
    ------
    InvalidOptionError
        If the molecule is already a complex, has no atom that can bind Na+, or ``site`` is not
        an atom index of it.
    """
    if molecule_.na_index is not None:
        raise InvalidOptionError(f"{molecule_.name} is already a Na+ complex.")
    if site is not None and not 0 <= int(site) < molecule_.n_atoms:
        raise InvalidOptionError(
            f"{molecule_.name}: site {site!r} is not an atom index (0 to {molecule_.n_atoms - 1})."
        )
    default_site = site is None
    site = molecule_.coordinating_atom if site is None else int(site)
    if site is None:
        raise InvalidOptionError(
            f"{molecule_.name}: no atom to bind Na+ (looked for carbonyl O, nitrile N, sulfonyl "
            "O, terminal or ether O, anionic N, F)."
        )
    xyz = molecule_.coordinates_A
    neighbours = [j for i, j in molecule_.bonds if i == site] + [
        i for i, j in molecule_.bonds if j == site
    ]
    if neighbours:
        direction = xyz[site] - xyz[neighbours].mean(axis=0)
    else:  # a lone atom: any direction
        direction = np.array([0.0, 0.0, 1.0])
    norm = np.linalg.norm(direction)
    if norm < 1e-6:  # symmetric neighbours: perpendicular to the first bond
        direction = np.cross(xyz[neighbours[0]] - xyz[site], [0.0, 0.0, 1.0])
        norm = np.linalg.norm(direction)
    element = molecule_.symbols[site]
    d = distance_A if distance_A is not None else NA_CONTACT_DISTANCE_A.get(element, 2.3)
    na_xyz = xyz[site] + d * direction / norm
    name = f"{molecule_.name}-Na+" if molecule_.charge == 0 else f"{molecule_.name} + Na+"
    return Molecule(
        name=name if default_site else f"{name} ({element}{site})",
        smiles=f"{molecule_.smiles}.[Na+]",
        symbols=(*molecule_.symbols, "Na"),
        coordinates_A=np.vstack([xyz, na_xyz]),
        charge=molecule_.charge + 1,
        multiplicity=molecule_.multiplicity,
        bonds=molecule_.bonds,
        ring_bonds=molecule_.ring_bonds,
        coordinating_atom=site,
        na_index=molecule_.n_atoms,
        geometry=f"{molecule_.geometry}; Na+ placed at {d:g} A from {element}{site}",
    )
