"""Level-of-theory study of the LUMO shift of FEC on Na+ binding (Fig. 1c): a band, not one number.

The paper gives LUMO(FEC-Na+) - LUMO(FEC) = -0.89 eV without a level of theory. Kohn-Sham
orbital energies of a cation complex depend on the functional (its fraction of exact exchange),
the basis (diffuse functions for a LUMO near 0 eV), how the solvent screens the Na+ charge
(gas phase, a dielectric continuum with FEC's or water's permittivity, SMD radii), the geometry
and where Na+ sits. :func:`run_study` computes the shift over a designed set of these settings
(:func:`study_design`) and :class:`StudyResult` reports the band: the range and a central value
with its spread, over the implicit-solvent settings at the lowest-energy binding site.

Design (why not the full factorial: 4 functionals x 2 bases x 4 solvents x 2 geometries x 4 sites
would be ~250 DFT calculations, hours of one core; the 21 points below are ~30 DFT single points
and two DFT optimisations, and every factor is varied around a common base):

1. **Sites**: B3LYP/6-31+G(d) on GFN2-xTB geometries, gas phase and IEF-PCM(eps = 107), Na+
   started at every heteroatom of FEC (carbonyl O, both ether O, F). The lowest-energy site is
   the one of lowest B3LYP/6-31+G(d)/IEF-PCM(eps = 107) total energy. Then the other solvent
   treatments (IEF-PCM eps = 78.4, the default level's; SMD eps = 107) at that site.
2. **Functionals**: CAM-B3LYP (range-separated), PBE0 and M06-2X, gas phase and eps = 107, at the
   lowest-energy site.
3. **Basis**: 6-311+G(d,p) (triple-zeta with diffuse functions) for B3LYP and CAM-B3LYP in
   eps = 107 at the lowest site: a triple-zeta point costs ~3x a 6-31+G(d) one, so only the
   subset that shows the basis effect for a global and a range-separated hybrid.
4. **Geometry**: B3LYP/6-31+G(d)/IEF-PCM(eps = 107) optimised (geomeTRIC) free FEC and
   lowest-site complex; single points with B3LYP and CAM-B3LYP in eps = 107.

Solvent treatments: gas phase; IEF-PCM (UFF x 1.1 cavity) with eps = 78.4 (the default level's)
and with FEC's eps = 107; SMD (PySCF 2.14 ``pyscf.solvent.smd``) with eps = 107 and FEC
descriptors (:data:`~solidna.quantum.levels.FEC_SMD_DESCRIPTORS`). GFN2-xTB geometries are
optimised in the same environment (ALPB with the same eps; vacuum for the gas phase).

Every DFT single point is cached like any other orbital result, and the finished table is cached
under ``study`` with the design and the package versions in its key; :func:`cached_study` reads it
back without computing (what ``solidna reproduce`` does).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, InvalidOptionError
from solidna.progress import Progress, no_progress
from solidna.quantum.cache import ResultsCache, package_versions
from solidna.quantum.levels import (
    FEC_PERMITTIVITY,
    FEC_PERMITTIVITY_LIQUID,
    Level,
    get_level,
)
from solidna.quantum.molecules import Molecule, candidate_sites, molecule, na_complex

__all__ = [
    "SOLVENTS",
    "GEOMETRIES",
    "StudyPoint",
    "study_design",
    "StudyRow",
    "StudyResult",
    "run_study",
    "cached_study",
    "DEFAULT_POINT",
]

#: Single-point solvent treatments: label -> (model, eps).
SOLVENTS: dict[str, tuple[str | None, float | None]] = {
    "gas": (None, None),
    "PCM eps=78.4": ("IEF-PCM", FEC_PERMITTIVITY),
    "PCM eps=107": ("IEF-PCM", FEC_PERMITTIVITY_LIQUID),
    "SMD eps=107": ("SMD", FEC_PERMITTIVITY_LIQUID),
}
#: Geometries: GFN2-xTB in the single point's environment, or B3LYP/6-31+G(d)/IEF-PCM(eps=107).
GEOMETRIES = ("GFN2-xTB", "B3LYP/6-31+G(d)")
#: Functionals of the study (PySCF spelling): global hybrids, range-separated, meta-GGA hybrid.
FUNCTIONALS = ("B3LYP", "CAM-B3LYP", "PBE0", "M06-2X")
SMALL_BASIS = "6-31+G(d)"
LARGE_BASIS = "6-311+G(d,p)"
#: The "lowest" site placeholder in a design, resolved after the site tier.
LOWEST = "lowest"
#: The environment whose total energies choose the lowest-energy site.
SITE_REFERENCE = "PCM eps=107"
#: Na contacts (for the final site label): a heteroatom within this distance of Na+ [A].
CONTACT_A = 2.8


@dataclass(frozen=True)
class StudyPoint:
    """One setting of the study: the complex with Na+ started at ``site`` (an atom index of FEC, or
    :data:`LOWEST`), and the free molecule at the same functional, basis, solvent, geometry."""

    functional: str
    basis: str
    solvent: str
    geometry: str
    site: int | str

    def level(self, base: Level) -> Level:
        """The :class:`Level` of the single point (optimizer "xtb": the geometry is given).

        Parameters
        ----------
        base : Level
            Level whose other settings (grid, convergence, ...) are kept.

        Returns
        -------
        Level
            The study point's level.
        """
        model, eps = SOLVENTS[self.solvent]
        return base.replace(
            name="study",
            functional=self.functional,
            basis=self.basis,
            solvent=model,
            epsilon=eps,
            optimizer="xtb",
            opt_basis=None,
            xtb_solvation=model is not None,
            description="level-of-theory study point",
        )


#: The setting of the default level ``fast`` (shown inside the band).
DEFAULT_POINT = StudyPoint("B3LYP", SMALL_BASIS, "PCM eps=78.4", "GFN2-xTB", 0)


def study_design(
    sites: Sequence[int],
    functionals: Sequence[str] = FUNCTIONALS,
    solvents: Sequence[str] = tuple(SOLVENTS),
    large_basis: str | None = LARGE_BASIS,
    dft_geometry: bool = True,
) -> list[StudyPoint]:
    """The points of the study in the order they are computed (tiers of the module docstring).

    The site search and the functionals use the gas phase and :data:`SITE_REFERENCE` (the two
    ends of the screening of Na+); the other solvent treatments are computed with the first
    functional at the lowest site; the large basis and the DFT geometry in
    :data:`SITE_REFERENCE` only.

    Parameters
    ----------
    sites : sequence of int
        Atom indices (0-based) of the molecule where Na+ is started in the site tier, e.g. the
        indices of :func:`~solidna.quantum.molecules.candidate_sites`.
    functionals : sequence of str, optional
        Exchange-correlation functionals, PySCF spelling (default :data:`FUNCTIONALS`); the
        first is used for the site and solvent tiers, the first two for the basis and geometry
        tiers.
    solvents : sequence of str, optional
        Solvent treatments, keys of :data:`SOLVENTS` (default all: ``"gas"``,
        ``"PCM eps=78.4"``, ``"PCM eps=107"``, ``"SMD eps=107"``; eps is the relative
        permittivity [-]).
    large_basis : str or None, optional
        Basis of the basis tier (default ``"6-311+G(d,p)"``); None leaves the tier out.
    dft_geometry : bool, optional
        Include the tier on B3LYP/6-31+G(d) geometries (default True).

    Returns
    -------
    list of StudyPoint
        The settings in computing order; the later tiers name the site :data:`LOWEST`, resolved
        after the site tier.

    Raises
    ------
    InvalidOptionError
        A solvent treatment is not a key of :data:`SOLVENTS`.
    """
    for s in solvents:
        if s not in SOLVENTS:
            raise InvalidOptionError(
                f"Unknown solvent treatment {s!r}; allowed: {', '.join(SOLVENTS)}."
            )
    first, *others = functionals
    ends = [s for s in ("gas", SITE_REFERENCE) if s in solvents] or list(solvents[:1])
    rest = [s for s in solvents if s not in ends]
    points = [StudyPoint(first, SMALL_BASIS, s, GEOMETRIES[0], k) for s in ends for k in sites]
    if DEFAULT_POINT.solvent in rest and DEFAULT_POINT.site in sites:
        # the default level's own setting (Na+ at the carbonyl O), to be shown inside the band
        points.append(dataclasses.replace(DEFAULT_POINT, functional=first))
    points += [StudyPoint(first, SMALL_BASIS, s, GEOMETRIES[0], LOWEST) for s in rest]
    points += [StudyPoint(f, SMALL_BASIS, s, GEOMETRIES[0], LOWEST) for f in others for s in ends]
    solvated = [s for s in ends if s != "gas"]
    if large_basis:
        points += [
            StudyPoint(f, large_basis, s, GEOMETRIES[0], LOWEST)
            for f in functionals[:2]
            for s in solvated
        ]
    if dft_geometry:
        points += [
            StudyPoint(f, SMALL_BASIS, s, GEOMETRIES[1], LOWEST)
            for f in functionals[:2]
            for s in solvated
        ]
    return points


@dataclass
class StudyRow:
    """Result of one :class:`StudyPoint` (energies in eV, total energy of the complex in Eh)."""

    functional: str
    basis: str
    solvent: str
    geometry: str
    start_site: str
    site_index: int
    final_contacts: str
    lumo_free_eV: float
    lumo_complex_eV: float
    homo_free_eV: float
    homo_complex_eV: float
    complex_energy_Eh: float
    lowest_site: bool = False
    source: str = "computed"

    @property
    def point(self) -> StudyPoint:
        """The setting this row was computed at, with the site as its atom index (the start
        site's label, ``start_site``, is for people)."""
        return StudyPoint(self.functional, self.basis, self.solvent, self.geometry, self.site_index)

    @property
    def delta_lumo_eV(self) -> float:
        """LUMO(FEC-Na+) - LUMO(FEC) [eV]."""
        return self.lumo_complex_eV - self.lumo_free_eV

    def as_dict(self) -> dict[str, Any]:
        """Plain dict with the derived columns."""
        return dataclasses.asdict(self) | {
            "delta_lumo_eV": self.delta_lumo_eV,
            "gap_free_eV": self.lumo_free_eV - self.homo_free_eV,
            "gap_complex_eV": self.lumo_complex_eV - self.homo_complex_eV,
        }


def _band(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    q1, q3 = np.percentile(arr, [25, 75])
    return {
        "n": int(arr.size),
        "min_eV": float(arr.min()),
        "max_eV": float(arr.max()),
        "median_eV": float(np.median(arr)),
        "q1_eV": float(q1),
        "q3_eV": float(q3),
        "std_eV": float(statistics.pstdev(arr)) if arr.size > 1 else 0.0,
    }


@dataclass
class StudyResult:
    """The study's table and its band.

    Attributes
    ----------
    molecule : str
        The molecule (FEC).
    rows : list of StudyRow
        One per computed point.
    failures : list of dict
        Points whose SCF or optimisation did not converge (recorded, not fatal).
    lowest_site : str
        Start site of lowest energy (see :data:`SITE_REFERENCE`).
    design : list of dict
        The points asked for.
    """

    molecule: str
    rows: list[StudyRow]
    lowest_site: str
    design: list[dict[str, Any]]
    failures: list[dict[str, str]] = field(default_factory=list)
    wall_time_s: float = 0.0
    computed_at: str = ""
    source: str = "computed"

    def design_note(self) -> str:
        """What the design covers, and which tiers of the default design it lacks."""
        geometries = sorted({p["geometry"] for p in self.design})
        bases = sorted({p["basis"] for p in self.design})
        missing = []
        if GEOMETRIES[1] not in geometries:
            missing.append(f"the {GEOMETRIES[1]} geometries")
        if LARGE_BASIS not in bases:
            missing.append(f"the {LARGE_BASIS} basis")
        functionals = ", ".join(sorted({r.functional for r in self.rows}))
        solvents = ", ".join(dict.fromkeys(r.solvent for r in self.rows))
        text = (
            f"{len(self.rows)} settings: functionals {functionals}; bases {', '.join(bases)}; "
            f"solvents {solvents}; geometries {', '.join(geometries)}; "
            f"{len({r.start_site for r in self.rows})} Na+ start sites"
        )
        if missing:
            text += f" (not computed here: {' and '.join(missing)})"
        return text

    def band_rows(self) -> list[StudyRow]:
        """The rows of the band: implicit solvent, lowest-energy site."""
        return [r for r in self.rows if r.solvent != "gas" and r.lowest_site]

    def band(self) -> dict[str, float]:
        """Range, median, quartiles and spread of dLUMO over :meth:`band_rows` [eV]."""
        rows = self.band_rows()
        if not rows:
            raise InvalidOptionError("The study has no implicit-solvent point at the lowest site.")
        return _band([r.delta_lumo_eV for r in rows])

    def groups(self) -> dict[str, dict[str, float]]:
        """Band statistics per subset: all solvated points, gas phase, each site, each factor."""
        out: dict[str, dict[str, float]] = {}
        solvated = [r for r in self.rows if r.solvent != "gas"]
        gas = [r for r in self.rows if r.solvent == "gas"]
        for label, rows in (("implicit solvent, all sites", solvated), ("gas phase", gas)):
            if rows:
                out[label] = _band([r.delta_lumo_eV for r in rows])
        for attr in ("start_site", "functional", "basis", "solvent", "geometry"):
            for value in sorted({getattr(r, attr) for r in self.rows}):
                rows = [r for r in solvated if getattr(r, attr) == value]
                if attr == "solvent":
                    rows = [r for r in self.rows if r.solvent == value and r.lowest_site]
                elif attr != "start_site":
                    rows = [r for r in rows if r.lowest_site]
                if rows:
                    out[f"{attr} = {value}"] = _band([r.delta_lumo_eV for r in rows])
        return out

    def default_row(self) -> StudyRow | None:
        """The row computed at :data:`DEFAULT_POINT`, the default level's setting (B3LYP/6-31+G(d),
        PCM eps=78.4, GFN2-xTB, Na+ at atom 0, FEC's carbonyl O), or None."""
        return next((r for r in self.rows if r.point == DEFAULT_POINT), None)

    def table(self) -> Any:
        """pandas DataFrame, one row per point (units in the column names)."""
        import pandas as pd

        rows = []
        for r in self.rows:
            d = r.as_dict()
            rows.append(
                {
                    "Functional": r.functional,
                    "Basis": r.basis,
                    "Solvent": r.solvent,
                    "Geometry": r.geometry,
                    "Na+ start site": r.start_site,
                    "Na+ contacts": r.final_contacts,
                    "Lowest site": r.lowest_site,
                    "HOMO FEC [eV]": round(r.homo_free_eV, 3),
                    "LUMO FEC [eV]": round(r.lumo_free_eV, 3),
                    "HOMO FEC-Na+ [eV]": round(r.homo_complex_eV, 3),
                    "LUMO FEC-Na+ [eV]": round(r.lumo_complex_eV, 3),
                    "Gap FEC [eV]": round(d["gap_free_eV"], 3),
                    "Gap FEC-Na+ [eV]": round(d["gap_complex_eV"], 3),
                    "Delta LUMO [eV]": round(r.delta_lumo_eV, 3),
                    "Source": r.source,
                }
            )
        return pd.DataFrame(rows)

    def as_dict(self) -> dict[str, Any]:
        """Everything as plain data (the cached value)."""
        return {
            "molecule": self.molecule,
            "rows": [dataclasses.asdict(r) for r in self.rows],
            "lowest_site": self.lowest_site,
            "design": list(self.design),
            "failures": list(self.failures),
            "wall_time_s": self.wall_time_s,
            "computed_at": self.computed_at,
            "versions": package_versions(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "cache") -> StudyResult:
        """Rebuild from :meth:`as_dict`."""
        rows = [StudyRow(**(r | {"source": "cache"})) for r in data["rows"]]
        return cls(
            molecule=data["molecule"],
            rows=rows,
            lowest_site=data["lowest_site"],
            design=list(data["design"]),
            failures=list(data.get("failures", [])),
            wall_time_s=float(data.get("wall_time_s", 0.0)),
            computed_at=data.get("computed_at", ""),
            source=source,
        )

    @fill_doc
    def plot(self, paper_eV: float | None = None) -> Any:
        """dLUMO of every point, the band and the default setting (:func:`study_figure`).

        %(Parameters: paper_eV)s

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from solidna.quantum.plots import study_figure

        return study_figure(self, paper_eV)

    @fill_doc
    def save(
        self, out: str | os.PathLike[str], force: bool = False, paper_eV: float | None = None
    ) -> list[Path]:
        """Write study.csv, study.json (rows, band, groups) and study.png into ``out`` (staged).

        Parameters
        ----------
        %(out)s
        %(force)s
        %(paper_eV)s

        %(Returns: files_written)s
        """
        from solidna.quantum._output import save_result

        data = self.as_dict() | {"groups": self.groups()}
        if self.band_rows():
            data |= {"band": self.band(), "summary": self.summary_text(paper_eV)}
        figure = (lambda: self.plot(paper_eV)) if self.rows else None
        return save_result(out, "study", self.table(), data, figure, force)

    @fill_doc
    def summary_text(self, paper_eV: float | None = None) -> str:
        """One paragraph: the band, the default point inside it, where the paper's value falls.

        %(Parameters: paper_eV)s

        Returns
        -------
        str
            The summary paragraph (energies in eV).
        """
        b = self.band()
        text = (
            f"dLUMO of {self.molecule} on Na+ binding over {b['n']} implicit-solvent settings at "
            f"the lowest-energy site ({self.lowest_site}): {b['min_eV']:+.2f} to {b['max_eV']:+.2f} "
            f"eV, median {b['median_eV']:+.2f} eV (IQR {b['q1_eV']:+.2f} to {b['q3_eV']:+.2f}, SD "
            f"{b['std_eV']:.2f} eV)"
        )
        gas = [r.delta_lumo_eV for r in self.rows if r.solvent == "gas"]
        if gas:
            text += f"; gas phase {min(gas):+.2f} to {max(gas):+.2f} eV"
        every = [r.delta_lumo_eV for r in self.rows if r.solvent != "gas"]
        text += f"; all sites in implicit solvent {min(every):+.2f} to {max(every):+.2f} eV"
        default = self.default_row()
        if default is not None:
            text += f"; the default setting gives {default.delta_lumo_eV:+.2f} eV"
        if paper_eV is not None:
            inside = b["min_eV"] <= paper_eV <= b["max_eV"]
            text += (
                f". The paper's {paper_eV:+.2f} eV is {'inside' if inside else 'outside'} the band"
            )
        return text + "."


def _contacts(mol: Molecule, coordinates: Any) -> str:
    xyz = np.asarray(coordinates)
    na = mol.na_index
    near = [
        f"{s}{i}"
        for i, s in enumerate(mol.symbols)
        if i != na and s not in ("C", "H") and np.linalg.norm(xyz[i] - xyz[na]) < CONTACT_A
    ]
    return "+".join(near) or "none"


def _site_label(fec: Molecule, index: int, kinds: dict[int, str]) -> str:
    return f"{fec.symbols[index]}{index} ({kinds.get(index, '?')})"


def _design_key(points: Sequence[StudyPoint]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(p) for p in points]


def _geometry(
    mol: Molecule, point: StudyPoint, base: Level, store: ResultsCache, say: Any
) -> Molecule:
    """The geometry of a point: GFN2-xTB in its environment, or the DFT one (cached)."""
    from solidna.quantum.geometry import xtb_optimize
    from solidna.quantum.orbitals import frontier_orbitals

    model, eps = SOLVENTS[point.solvent]
    if point.geometry == GEOMETRIES[0]:
        return xtb_optimize(mol, eps if model is not None else None)
    opt = base.replace(
        name="study-dft-geometry",
        functional="B3LYP",
        basis=SMALL_BASIS,
        solvent="IEF-PCM",
        epsilon=FEC_PERMITTIVITY_LIQUID,
        optimizer="xtb+dft",
        opt_basis=SMALL_BASIS,
        xtb_solvation=True,
    )
    result = frontier_orbitals(mol, opt, cache=store, message=say)
    return mol.with_coordinates(result.coordinates_A, result.geometry)


@fill_doc
def run_study(
    name: str = "FEC",
    *,
    level: str | Level = "fast",
    functionals: Sequence[str] = FUNCTIONALS,
    solvents: Sequence[str] = tuple(SOLVENTS),
    large_basis: str | None = LARGE_BASIS,
    dft_geometry: bool = True,
    small_basis: str | None = None,
    sites: Sequence[int] | None = None,
    cache: ResultsCache | bool | None = True,
    progress: Progress = no_progress,
) -> StudyResult:
    """Compute the study (or read its cached table): dLUMO over the designed settings.

    Parameters
    ----------
    name : str
        Molecule name or SMILES (FEC for Fig. 1c).
    level : str or Level
        Base settings (grid, cavity, SCF thresholds); the study varies functional, basis, solvent,
        geometry and site. ``"test"`` with ``small_basis="3-21G"`` makes a seconds-long study for
        the test suite.
    functionals, solvents, large_basis, dft_geometry
        The design (:func:`study_design`); ``large_basis=None`` or ``dft_geometry=False`` drops
        those tiers.
    small_basis : str, optional
        Replaces 6-31+G(d) (for tests).
    sites : sequence of int, optional
        Start sites (atom indices); default every heteroatom (:func:`candidate_sites`).
    %(cache)s
        The whole table is read from the cache when the same design was computed with the same
        package versions; otherwise every point is computed (each one cached on its own).
    %(progress)s
        The fraction is that of the points done (the CLI shows the time left from it).

    Raises
    ------
    InvalidOptionError
        For an unknown molecule, functional list or solvent treatment, or a level name.
    """
    from solidna.quantum.orbitals import frontier_orbitals, resolve_cache

    base = get_level(level)
    fec = molecule(name)
    if not functionals:
        raise InvalidOptionError("Give at least one functional, e.g. B3LYP.")
    kinds = dict(candidate_sites(fec))
    if not kinds:
        raise InvalidOptionError(f"{fec.name} has no atom that can bind Na+.")
    if sites is not None:
        bad = [k for k in sites if k not in kinds]
        if bad or not sites:
            raise InvalidOptionError(
                f"Sites {bad or list(sites)!r} are not heteroatoms of {fec.name} that can bind "
                f"Na+; allowed atom indices: {', '.join(map(str, kinds))}."
            )
        kinds = {k: kinds[k] for k in sites}
    points = study_design(list(kinds), functionals, solvents, large_basis, dft_geometry)
    if small_basis:
        points = [
            dataclasses.replace(p, basis=small_basis) if p.basis == SMALL_BASIS else p
            for p in points
        ]
    store = resolve_cache(cache)
    key = {"molecule": fec.key(), "base": base.as_dict(), "design": _design_key(points)}
    hit = store.get("study", key)
    if hit is not None:
        progress("study: read from cache", 1.0)
        return StudyResult.from_dict(hit)

    tic = time.perf_counter()
    rows: list[StudyRow] = []
    failures: list[dict[str, str]] = []
    geometries: dict[tuple[Any, ...], Molecule] = {}
    free_results: dict[tuple[str, ...], Any] = {}
    lowest: int | None = None
    n = len(points)

    def say(text: str) -> None:
        progress(f"study: {text}", None)

    seen: set[tuple[Any, ...]] = set()
    for k, point in enumerate(points):
        if point.site == LOWEST and lowest is None:
            lowest = _choose_lowest(rows, kinds)
        site = lowest if point.site == LOWEST else int(point.site)
        resolved = (point.functional, point.basis, point.solvent, point.geometry, site)
        if resolved in seen:  # e.g. the default setting when the lowest site is the carbonyl O
            continue
        seen.add(resolved)
        progress(
            f"study {k + 1}/{n}: {point.functional}/{point.basis}, {point.solvent}, "
            f"{point.geometry} geometry, Na+ at {_site_label(fec, site, kinds)}",
            k / n,
        )
        lvl = point.level(base)
        env = (point.geometry, point.solvent if point.geometry == GEOMETRIES[0] else "")
        try:
            if ("free", *env) not in geometries:
                geometries[("free", *env)] = _geometry(fec, point, base, store, say)
            if (site, *env) not in geometries:
                geometries[(site, *env)] = _geometry(
                    na_complex(fec, site=site), point, base, store, say
                )
            fkey = (point.functional, point.basis, point.solvent, *env)
            if fkey not in free_results:
                free_results[fkey] = frontier_orbitals(
                    geometries[("free", *env)], lvl, optimize_geometry=False, cache=store
                )
            free = free_results[fkey]
            cplx_mol = geometries[(site, *env)]
            cplx = frontier_orbitals(cplx_mol, lvl, optimize_geometry=False, cache=store)
        except ConvergenceError as exc:
            failures.append({"point": str(dataclasses.asdict(point)), "error": str(exc)})
            continue
        rows.append(
            StudyRow(
                functional=point.functional,
                basis=point.basis,
                solvent=point.solvent,
                geometry=point.geometry,
                start_site=_site_label(fec, site, kinds),
                site_index=int(site),
                final_contacts=_contacts(cplx_mol, cplx_mol.coordinates_A),
                lumo_free_eV=free.lumo_eV,
                lumo_complex_eV=cplx.lumo_eV,
                homo_free_eV=free.homo_eV,
                homo_complex_eV=cplx.homo_eV,
                complex_energy_Eh=cplx.total_energy_Eh,
                source=cplx.source,
            )
        )
    if lowest is None:
        lowest = _choose_lowest(rows, kinds)
    lowest_label = _site_label(fec, lowest, kinds)
    for r in rows:
        r.lowest_site = r.start_site == lowest_label
    contacts = sorted({r.final_contacts for r in rows if r.lowest_site})
    if contacts:  # where Na+ ended up from that start (a start at F or ether O may relax away)
        lowest_label += f", Na+ in contact with {' / '.join(contacts)}"
    result = StudyResult(
        molecule=fec.name,
        rows=rows,
        lowest_site=lowest_label,
        design=_design_key(points),
        failures=failures,
        wall_time_s=round(time.perf_counter() - tic, 1),
        computed_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    if not failures:  # a table with holes is not stored as the study's table
        store.put("study", key, result.as_dict())
        # also as the latest study of this molecule and base level, whatever its design
        store.put("study", _latest_key(fec, base), result.as_dict())
    progress("study done", 1.0)
    return result


def _choose_lowest(rows: Sequence[StudyRow], kinds: dict[int, str]) -> int:
    """The start site whose complex has the lowest total energy in :data:`SITE_REFERENCE` (or in
    the first solvent computed when that one is not in the design)."""
    if not rows:
        return next(iter(kinds))
    reference = [r for r in rows if r.solvent == SITE_REFERENCE] or [
        r for r in rows if r.solvent == rows[0].solvent
    ]
    return min(reference, key=lambda r: r.complex_energy_Eh).site_index


def _latest_key(fec: Molecule, base: Level) -> dict[str, Any]:
    return {"molecule": fec.key(), "base": base.as_dict(), "design": "latest"}


@fill_doc
def cached_study(
    name: str = "FEC", level: str | Level = "fast", store: ResultsCache | None = None
) -> StudyResult | None:
    """The default study of ``name`` from the cache, or None (never computes).

    The full design first; else a design without the DFT-geometry tier and/or the large-basis
    tier (``run_study(dft_geometry=False, large_basis=None)``, for a machine where those cannot be
    afforded); else the latest study of ``name`` computed at this base level, whatever its design.
    :meth:`StudyResult.design_note` says what a study covers and lacks.

    Parameters
    ----------
    name : str, optional
        Molecule name or SMILES (default ``"FEC"``), as for
        :func:`~solidna.quantum.molecules.molecule`.
    level : str or Level, optional
        Base level of theory the study was run at (default ``"fast"``); see
        :func:`~solidna.quantum.levels.get_level`.
    %(cache_store)s

    Returns
    -------
    StudyResult or None
        The cached study (LUMO shifts in [eV]), or None when none is cached.
    """
    base = get_level(level)
    fec = molecule(name)
    kinds = dict(candidate_sites(fec))
    store = store or ResultsCache()
    for dft, large in ((True, LARGE_BASIS), (False, LARGE_BASIS), (True, None), (False, None)):
        points = study_design(list(kinds), large_basis=large, dft_geometry=dft)
        key = {"molecule": fec.key(), "base": base.as_dict(), "design": _design_key(points)}
        hit = store.get("study", key)
        if hit is not None:
            return StudyResult.from_dict(hit)
    hit = store.get("study", _latest_key(fec, base))
    return None if hit is None else StudyResult.from_dict(hit)
