"""Frontier orbitals (HOMO, LUMO) with PySCF DFT, and their shift when Na+ binds (Fig. 1c).

Lu et al. (2019, Fig. 1c) explain the choice of 1 M NaClO4/FEC by the LUMO of FEC falling from
0.00 to -0.89 eV when Na+ binds to it: the complex is the easier one to reduce. :func:`na_shift`
computes the same comparison for any molecule at a stated :class:`~solidna.quantum.levels.Level`.

Every :class:`OrbitalResult` carries its level, geometry, SCF record and package versions, and says
whether it was computed in this run (``source == "computed"``) or read from the results cache
(``source == "cache"``, with the date it was computed).

Examples
--------
>>> from solidna.quantum import frontier_orbitals
>>> r = frontier_orbitals("FEC", level="test", cache=False)   # doctest: +SKIP
>>> r.lumo_eV > r.homo_eV                                       # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.quantum._deps import require
from solidna.quantum.cache import CachedRecord, ResultsCache, package_versions, reading_enabled
from solidna.quantum.levels import Level, get_level
from solidna.quantum.molecules import Molecule, molecule, na_complex
from solidna.quantum.scf import HARTREE_EV, SCFReport, run_scf

__all__ = [
    "OrbitalResult",
    "NaShift",
    "frontier_orbitals",
    "na_shift",
    "homo_lumo",
    "as_molecule",
    "resolve_cache",
    "virtual_na_shares",
    "NA_CENTRED_SHARE",
]

MessageCallback = Callable[[str], None]


def _quiet(message: str) -> None:
    """A message callback that does nothing."""


@dataclass
class OrbitalResult(CachedRecord):
    """HOMO and LUMO of one molecule at one level.

    Attributes
    ----------
    name, formula, smiles : str
        What the molecule is.
    charge, multiplicity : int
        Total charge [e] and 2S + 1.
    homo_eV, lumo_eV : float
        Highest occupied and lowest unoccupied Kohn-Sham orbital energies [eV] (for an open shell,
        the highest occupied and lowest unoccupied spin orbital of either spin).
    total_energy_Eh : float
        Total energy [Eh] (including the solvation free energy in implicit solvent).
    level : dict
        The :meth:`Level.as_dict` of the level used.
    geometry : str
        How the geometry was obtained.
    symbols : list of str
        Element symbols.
    coordinates_A : list of list of float
        The geometry the orbitals belong to [A].
    scf : dict
        Which SCF strategy converged and what was tried before.
    lumo_na_share : float or None
        Share of the LUMO on the Na atom of a Na+ complex [-] (Loewdin population, 0-1); None
        for a free molecule, or a result cached before this was recorded. Above
        :data:`NA_CENTRED_SHARE` the LUMO is the bound Na+'s own 3s-like orbital, not the
        molecule's: in the gas phase every carbonate complex's LUMO is (97 % on Na at B3LYP/3-21G).
    molecular_lumo_eV : float or None
        Lowest unoccupied orbital of a Na+ complex with less than :data:`NA_CENTRED_SHARE` on Na
        [eV]: the molecule's own acceptor orbital in the field of Na+ (equal to ``lumo_eV`` when
        the LUMO is on the molecule); None as for ``lumo_na_share``.

    The provenance fields (``versions``, ``computed_at``, ``wall_time_s``, ``source``,
    ``cache_file``) are those of :class:`~solidna.quantum.cache.CachedRecord`.
    """

    name: str
    formula: str
    smiles: str
    charge: int
    multiplicity: int
    homo_eV: float
    lumo_eV: float
    total_energy_Eh: float
    level: dict[str, Any]
    geometry: str
    symbols: list[str]
    coordinates_A: list[list[float]]
    scf: dict[str, Any]
    lumo_na_share: float | None = None
    molecular_lumo_eV: float | None = None

    @property
    def na_centred_lumo(self) -> bool:
        """True when the LUMO of a Na+ complex lies mostly on Na (see ``lumo_na_share``)."""
        return self.lumo_na_share is not None and self.lumo_na_share > NA_CENTRED_SHARE

    @property
    def gap_eV(self) -> float:
        """HOMO-LUMO gap [eV]."""
        return self.lumo_eV - self.homo_eV

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-able), with the gap."""
        return super().as_dict() | {"gap_eV": self.gap_eV}

    def molecule(self) -> Molecule:
        """The molecule at the geometry of this result (bonds not kept)."""
        return Molecule(
            name=self.name,
            smiles=self.smiles,
            symbols=tuple(self.symbols),
            coordinates_A=np.asarray(self.coordinates_A),
            charge=self.charge,
            multiplicity=self.multiplicity,
            geometry=self.geometry,
        )


def homo_lumo(mf: Any) -> tuple[float, float]:
    """HOMO and LUMO energies [eV] of a converged PySCF SCF object (restricted or unrestricted).

    Parameters
    ----------
    mf : pyscf.scf.hf.SCF
        A converged PySCF SCF object (orbital energies in Eh).

    Returns
    -------
    homo_eV, lumo_eV : float
        HOMO and LUMO energies [eV].
    """
    energies = np.asarray(mf.mo_energy)
    occupations = np.asarray(mf.mo_occ)
    occupied = energies[occupations > 0]
    virtual = energies[occupations == 0]
    if occupied.size == 0 or virtual.size == 0:
        from solidna.errors import OutOfRangeError

        raise OutOfRangeError(
            "No occupied or no virtual orbital: HOMO/LUMO undefined for this molecule and basis."
        )
    return float(occupied.max()) * HARTREE_EV, float(virtual.min()) * HARTREE_EV


#: Share of an orbital on the Na atom [-] above which it counts as Na-centred (the bound Na+'s
#: 3s-like orbital) rather than the molecule's. 0.5: the orbital is more Na than molecule; the
#: measured shares are far from it (0.97 for the gas-phase LUMO of EC-Na+ or FEC-Na+ at
#: B3LYP/3-21G, 0.14-0.26 for the carbonyl pi* above it).
NA_CENTRED_SHARE = 0.5


def virtual_na_shares(mf: Any, na_index: int) -> list[tuple[float, float]]:
    """Energy [eV] and share on the atom ``na_index`` [-] of every unoccupied orbital, lowest first.

    The share is the Loewdin population of the orbital on the atom's basis functions
    (|S^1/2 c|^2 summed over them; 0-1, basis-set dependent like every population analysis, but
    free of Mulliken's negative shares in diffuse bases). For an unrestricted SCF, the
    spin orbitals of both spins.

    Parameters
    ----------
    mf : pyscf.scf.hf.SCF
        A converged PySCF SCF object (restricted or unrestricted).
    na_index : int
        Index of the atom (the Na of a complex).

    Returns
    -------
    list of (float, float)
        (energy [eV], share [-]) of each unoccupied orbital, by energy.
    """
    overlap = mf.mol.intor_symmetric("int1e_ovlp")
    w, v = np.linalg.eigh(overlap)
    s_half = (v * np.sqrt(w)) @ v.T
    on_atom = [i for i, label in enumerate(mf.mol.ao_labels(fmt=False)) if label[0] == na_index]
    energies = np.asarray(mf.mo_energy)
    occupations = np.asarray(mf.mo_occ)
    coefficients = np.asarray(mf.mo_coeff)
    if energies.ndim == 1:  # restricted: one set of orbitals
        energies, occupations, coefficients = energies[None], occupations[None], coefficients[None]
    rows = []
    for e, occ, c in zip(energies, occupations, coefficients, strict=True):
        virtual = occ == 0
        ortho = s_half @ c[:, virtual]
        shares = np.sum(ortho[on_atom] ** 2, axis=0) / np.sum(ortho**2, axis=0)
        rows += [(float(x) * HARTREE_EV, float(y)) for x, y in zip(e[virtual], shares, strict=True)]
    return sorted(rows)


@fill_doc
def as_molecule(item: Molecule | str) -> Molecule:
    """``item`` itself, or the molecule of that name or SMILES (:func:`molecule`).

    Parameters
    ----------
    %(molecule_item)s

    Returns
    -------
    Molecule
        The molecule.
    """
    return item if isinstance(item, Molecule) else molecule(str(item))


@fill_doc
def resolve_cache(cache: ResultsCache | bool | None) -> ResultsCache:
    """A :class:`ResultsCache` from the ``cache`` argument of the public functions.

    %(cache_values)s

    Parameters
    ----------
    cache : ResultsCache, bool or None
        As described above.

    Returns
    -------
    ResultsCache
        The cache to use.
    """
    if isinstance(cache, ResultsCache):
        return cache
    if cache is False:
        return ResultsCache(read=False, write=True)
    return ResultsCache(read=reading_enabled(), write=True)


def _geometry_hash(mol: Molecule) -> str:
    # Rounded to 1e-6 A so that a geometry written to and read from JSON hashes the same.
    rounded = np.round(np.asarray(mol.coordinates_A, dtype=float), 6) + 0.0
    return hashlib.sha256(rounded.tobytes() + "|".join(mol.symbols).encode()).hexdigest()[:16]


@fill_doc
def frontier_orbitals(
    item: Molecule | str,
    level: Level | str = "fast",
    *,
    optimize_geometry: bool = True,
    cache: ResultsCache | bool | None = True,
    message: MessageCallback = _quiet,
) -> OrbitalResult:
    """HOMO and LUMO of a molecule at a level of theory (geometry optimised first by default).

    Parameters
    ----------
    %(molecule_item)s
    level : Level or str, default "fast"
        ``"test"``, ``"fast"``, ``"paper"`` or a :class:`Level`.
    optimize_geometry : bool, default True
        Optimise as the level says (GFN2-xTB, then DFT for ``"paper"``); False: use the
        coordinates as given.
    %(cache)s
        The key holds the molecule, its start geometry, the level and the package versions.
    %(step_message)s

    Returns
    -------
    OrbitalResult

    Raises
    ------
    InvalidOptionError, OutOfRangeError
        For an unknown molecule or an impossible charge/multiplicity.
    ConvergenceError
        When the SCF or the optimisation does not converge (what was tried is in the message).
    """
    require("rdkit", "pyscf", "tblite", "ase", *(("geometric",) if optimize_geometry else ()))
    lvl = get_level(level)
    mol = as_molecule(item)
    store = resolve_cache(cache)
    payload = {
        "molecule": mol.key(),
        "start_geometry": _geometry_hash(mol),
        "optimize": bool(optimize_geometry),
        "level": lvl.as_dict(),
    }
    hit = store.get("orbitals", payload)
    if hit is not None:
        message(f"{mol.name}: read from cache")
        return OrbitalResult.from_dict(hit)

    from solidna.quantum.geometry import optimize

    tic = time.perf_counter()
    if optimize_geometry:
        message(f"{mol.name}: optimising the geometry ({lvl.label.split('// ')[-1]})")
        mol = optimize(mol, lvl, message)
    message(f"{mol.name}: {lvl.functional}/{lvl.basis} SCF")
    mf, report = run_scf(mol, lvl)
    homo, lumo = homo_lumo(mf)
    na_share = molecular_lumo = None
    if mol.na_index is not None:
        # which orbital the LUMO of a complex is: the bound Na+'s or the molecule's
        virtuals = virtual_na_shares(mf, mol.na_index)
        na_share = round(virtuals[0][1], 4)
        molecular_lumo = next((e for e, w in virtuals if w <= NA_CENTRED_SHARE), None)
    result = OrbitalResult(
        name=mol.name,
        formula=mol.formula,
        smiles=mol.smiles,
        charge=mol.charge,
        multiplicity=mol.multiplicity,
        homo_eV=homo,
        lumo_eV=lumo,
        total_energy_Eh=float(mf.e_tot),
        level=lvl.as_dict(),
        geometry=mol.geometry,
        symbols=list(mol.symbols),
        coordinates_A=np.asarray(mol.coordinates_A).tolist(),
        scf=report.as_dict() if isinstance(report, SCFReport) else dict(report),
        lumo_na_share=na_share,
        molecular_lumo_eV=molecular_lumo,
        versions=package_versions(),
        computed_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        wall_time_s=round(time.perf_counter() - tic, 2),
    )
    store.put("orbitals", payload, result.as_dict())
    return result


@dataclass
class NaShift:
    """Frontier orbitals of a molecule with and without Na+ bound (one row of Fig. 1c).

    Attributes
    ----------
    free, complex : OrbitalResult
        The molecule and its Na+ complex.
    """

    free: OrbitalResult
    complex: OrbitalResult
    notes: list[str] = field(default_factory=list)

    @property
    def delta_lumo_eV(self) -> float:
        """LUMO(complex) - LUMO(free) [eV]; negative: Na+ makes the molecule easier to reduce."""
        return self.complex.lumo_eV - self.free.lumo_eV

    @property
    def delta_homo_eV(self) -> float:
        """HOMO(complex) - HOMO(free) [eV]."""
        return self.complex.homo_eV - self.free.homo_eV

    @property
    def more_reducible(self) -> bool:
        """True when Na+ lowers the LUMO."""
        return self.delta_lumo_eV < 0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-able)."""
        return {
            "free": self.free.as_dict(),
            "complex": self.complex.as_dict(),
            "delta_lumo_eV": self.delta_lumo_eV,
            "delta_homo_eV": self.delta_homo_eV,
            "more_reducible": self.more_reducible,
        }


@fill_doc
def na_shift(
    item: Molecule | str,
    level: Level | str = "fast",
    *,
    cache: ResultsCache | bool | None = True,
    message: MessageCallback = _quiet,
) -> NaShift:
    """HOMO and LUMO of ``item`` and of its Na+ complex, both optimised at ``level``.

    The complex is built by :func:`~solidna.quantum.molecules.na_complex` from the same start
    geometry (Na+ at the coordinating atom) and optimised like the free molecule.

    Parameters
    ----------
    %(molecule_item)s
    level : Level or str, default "fast"
        ``"test"``, ``"fast"``, ``"paper"`` or a :class:`Level`; the same for both molecules.
    %(cache)s
        Each of the two molecules is cached on its own.
    %(step_message)s

    Returns
    -------
    NaShift
        ``delta_lumo_eV`` is the number of Fig. 1c (paper: -0.89 eV for FEC). The orbital
        energies of both molecules are in [eV]; ``notes`` lists any cache problems.

    Raises
    ------
    InvalidOptionError, OutOfRangeError
        For an unknown molecule or level, or an impossible charge/multiplicity.
    ConvergenceError
        When an SCF or an optimisation does not converge.
    """
    lvl = get_level(level)
    mol = as_molecule(item)
    store = resolve_cache(cache)
    free = frontier_orbitals(mol, lvl, cache=store, message=message)
    cplx = frontier_orbitals(na_complex(mol), lvl, cache=store, message=message)
    return NaShift(free=free, complex=cplx, notes=list(store.problems))
