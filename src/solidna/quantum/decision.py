"""Screening as the paper's decision: which reagent to treat Na with so that a NaF-rich SEI forms.

Lu et al. (2019) treat Na metal with 1 M NaClO4 in FEC because FEC bound to Na+ is reduced easily
(Fig. 1c) and its reduction on Na breaks the C-F bond, releasing F- that becomes NaF (Fig. 1d).
:func:`decide` ranks candidate reagents by the three things that decide this:

1. **Oxidation stability** (a gate): the reagent must not be oxidised below the 4.86 V vs Na+/Na
   anodic limit of the cell (``SSE anodic stability limit [V]`` of the lu2019 parameter set).
   Estimate: E_ox = -HOMO/e - 1.73 V, with the HOMO of the free molecule in implicit solvent and
   1.73 V = 4.44 V (absolute SHE, IUPAC) - 2.71 V (Na+/Na vs SHE). Kohn-Sham HOMOs of hybrid
   functionals underestimate ionisation energies, so this is a screening estimate: a gate that
   removes the clearly unstable, not a prediction of the onset.
2. **Releases F-** (the NaF source): the fraction of MD seeds of the molecule on Na metal in which a
   C-F bond breaks (:func:`solidna.quantum.md.reactive_md`, the Fig. 1d criteria), with its
   Wilson 95 % interval. A molecule without a C-F bond cannot release F-: fraction 0 by
   construction (no MD is run).
3. **Reducibility with Na+ bound**: the LUMO of the Na+ complex (lower: reduced sooner on Na), and
   the LUMO shift on Na+ binding beside it (:func:`solidna.quantum.orbitals.na_shift`).

Ranking (lexicographic, in this order): passes the gate; F- release class - in most seeds
(fraction >= 1/2), in some, in none (classes rather than the raw fraction: with 8 seeds, 7/8 and
8/8 are not distinguishable, Wilson intervals 0.53-0.98 and 0.68-1); lower LUMO with Na+. Each
row carries its reasons as text.

Not done (compute budget): the adiabatic reduction free energy in PCM; the LUMO is its proxy.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError
from solidna.progress import Progress, no_progress, scaled
from solidna.quantum._output import SavedResult, run_info
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import DEFAULT_LEVEL, Level, MDSettings, get_level, get_md_settings
from solidna.quantum.molecules import Molecule, has_cf_bond
from solidna.quantum.orbitals import NA_CENTRED_SHARE

__all__ = [
    "CANDIDATES",
    "NA_ABSOLUTE_POTENTIAL_V",
    "Candidate",
    "DecisionResult",
    "decide",
    "cached_decision",
    "anodic_limit_V",
    "oxidation_potential_V",
    "has_cf_bond",
]

#: Default candidates: the paper's FEC, the fluorinated DFEC and FEMC, and the usual
#: non-fluorinated cyclic and linear carbonates.
CANDIDATES = ("FEC", "DFEC", "FEMC", "VC", "EC", "PC", "DMC", "EMC", "DEC")
#: Absolute potential of Na+/Na [V]: 4.44 V (absolute SHE, IUPAC 1986, Trasatti) - 2.71 V (Na+/Na
#: vs SHE).
NA_ABSOLUTE_POTENTIAL_V = 4.44 - 2.71
RANKING = (
    "passes the oxidation gate (E_ox >= anodic limit) first; then F- release (C-F cleavage on Na "
    "in most MD seeds, in some, in none); then the lower LUMO of the Na+ complex"
)


def anodic_limit_V() -> float:
    """The cell's anodic limit [V vs Na+/Na] from the lu2019 parameter set (Fig. S13)."""
    from solidna.parameters import lu2019

    return float(lu2019()["SSE anodic stability limit [V]"])


def oxidation_potential_V(homo_eV: float) -> float:
    """Oxidation-potential estimate from a HOMO [V vs Na+/Na]: -HOMO/e - 1.73 V.

    Parameters
    ----------
    homo_eV : float
        HOMO energy of the free molecule in implicit solvent [eV] (absolute scale, vacuum
        zero; negative).

    Returns
    -------
    float
        Estimated oxidation potential [V vs Na+/Na] (a screening estimate: Kohn-Sham HOMOs
        underestimate ionisation energies).
    """
    return -float(homo_eV) - NA_ABSOLUTE_POTENTIAL_V


@dataclass
class Candidate:
    """One reagent: its orbitals with and without Na+, F- release on Na, oxidation estimate."""

    name: str
    formula: str
    homo_eV: float
    lumo_eV: float
    lumo_complex_eV: float
    delta_lumo_eV: float
    oxidation_V: float
    passes_oxidation: bool
    has_cf: bool
    cf_seeds: int
    seeds: int
    cf_interval: tuple[float, float]
    cf_median_fs: float | None
    source: str
    #: share of the Na+ complex's LUMO on Na [-] (None: not recorded, e.g. an older cache entry);
    #: above one half the ranked LUMO is the bound Na+'s own orbital (see
    #: :attr:`solidna.quantum.orbitals.OrbitalResult.lumo_na_share`)
    lumo_complex_na_share: float | None = None

    @property
    def release_fraction(self) -> float:
        """Fraction of seeds with C-F cleavage (0 without a C-F bond)."""
        return self.cf_seeds / self.seeds if self.seeds else 0.0

    @property
    def release_class(self) -> int:
        """2: C-F cleavage in most seeds (>= 1/2), 1: in some, 0: in none (or no C-F bond)."""
        f = self.release_fraction
        return 2 if f >= 0.5 else (1 if f > 0 else 0)

    def sort_key(self) -> tuple[int, int, float]:
        """The ranking key (see :data:`RANKING`)."""
        return (0 if self.passes_oxidation else 1, -self.release_class, self.lumo_complex_eV)

    def reasons(self, limit_V: float) -> str:
        """Why it ranks where it does, in words.

        Parameters
        ----------
        limit_V : float
            Oxidation-stability limit [V vs Na+/Na] the candidate is compared with.

        Returns
        -------
        str
            One-line explanation.
        """
        ox = (
            f"E_ox ~ {self.oxidation_V:.1f} V {'>=' if self.passes_oxidation else '<'} "
            f"{limit_V:g} V"
        )
        if not self.has_cf:
            release = "no C-F bond: cannot release F-"
        else:
            lo, hi = self.cf_interval
            release = (
                f"C-F breaks on Na in {self.cf_seeds}/{self.seeds} seeds (95 % CI "
                f"{lo:.2f}-{hi:.2f})"
                + (f", median {self.cf_median_fs:.0f} fs" if self.cf_median_fs is not None else "")
            )
        share = self.lumo_complex_na_share
        on_na = (
            f", {share:.0%} on Na: the bound Na+'s orbital, not the molecule's"
            if share is not None and share > NA_CENTRED_SHARE
            else ""
        )
        return (
            f"{ox}; {release}; LUMO with Na+ {self.lumo_complex_eV:+.2f} eV "
            f"(shift {self.delta_lumo_eV:+.2f} eV{on_na})"
        )


@dataclass
class DecisionResult(SavedResult):
    """Ranked candidates with reasons."""

    level: Level
    md: MDSettings
    candidates: list[Candidate]
    limit_V: float
    failures: list[dict[str, str]] = field(default_factory=list)
    wall_time_s: float = 0.0
    computed_at: str = ""

    def state(self) -> dict[str, Any]:
        """What the cache keeps (:func:`cached_decision` rebuilds the result from it)."""
        return {
            "candidates": [dataclasses.asdict(c) for c in self.candidates],
            "limit_V": self.limit_V,
            "wall_time_s": round(self.wall_time_s, 2),
            "computed_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }

    def ranked(self) -> list[Candidate]:
        """Candidates in ranking order."""
        return sorted(self.candidates, key=Candidate.sort_key)

    def rank_of(self, name: str) -> int | None:
        """1-based rank of ``name`` (None when it is not in the table).

        Parameters
        ----------
        name : str
            Candidate name (case-insensitive).

        Returns
        -------
        int or None
            1-based rank, or ``None``.
        """
        for k, c in enumerate(self.ranked(), start=1):
            if c.name.casefold() == name.casefold():
                return k
        return None

    def table(self) -> Any:
        """The ranked table (pandas DataFrame)."""
        import pandas as pd

        rows = []
        for k, c in enumerate(self.ranked(), start=1):
            rows.append(
                {
                    "Rank": k,
                    "Molecule": c.name,
                    "Formula": c.formula,
                    "E_ox estimate [V vs Na+/Na]": round(c.oxidation_V, 2),
                    "Passes oxidation gate": c.passes_oxidation,
                    "C-F cleavage seeds": f"{c.cf_seeds}/{c.seeds}" if c.has_cf else "no C-F",
                    "F- release fraction": round(c.release_fraction, 3),
                    "LUMO with Na+ [eV]": round(c.lumo_complex_eV, 3),
                    "Delta LUMO [eV]": round(c.delta_lumo_eV, 3),
                    "HOMO [eV]": round(c.homo_eV, 3),
                    "Reasons": c.reasons(self.limit_V),
                    "Source": c.source,
                }
            )
        return pd.DataFrame(rows)

    def summary_text(self) -> str:
        """FEC's rank and the reasons, beside the paper's choice."""
        rank = self.rank_of("FEC")
        ranked = self.ranked()
        if rank is None:
            return "FEC was not screened."
        fec = ranked[rank - 1]
        top = ranked[0]
        text = (
            f"Screening of {len(ranked)} reagents ({self.level.label}; F- release from "
            f"{self.md.label}): FEC ranks {rank} of {len(ranked)} ({fec.reasons(self.limit_V)}). "
            "The paper chose FEC"
        )
        if rank == 1:
            return text + ", and the screen agrees."
        return text + (
            f"; the screen ranks {top.name} first ({top.reasons(self.limit_V)}). The paper "
            "compares FEC only with FEC-Na+ (Fig. 1c-d), not with other reagents; what else may "
            "favour FEC (e.g. cost, availability, handling) is outside these three criteria."
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain data (decision.json)."""
        return {
            "level": self.level.as_dict(),
            "md": self.md.as_dict(),
            "ranking": RANKING,
            "anodic_limit_V": self.limit_V,
            "table": self.table().to_dict(orient="records"),
            "summary": self.summary_text(),
            "failures": list(self.failures),
            "run": run_info(self.wall_time_s),
        }

    def plot(self) -> Any:
        """Three panels per ranked candidate: E_ox vs the limit, F- release, LUMO with Na+."""
        from solidna.quantum.plots import decision_figure

        return decision_figure(self)

    STEM = "decision"

    def _drawable(self) -> bool:
        return bool(self.candidates)


@fill_doc
def decide(
    molecules: Sequence[str | Molecule] = CANDIDATES,
    level: str | Level = DEFAULT_LEVEL,
    md: str | MDSettings = "fast",
    *,
    cache: ResultsCache | bool | None = True,
    progress: Progress = no_progress,
    workers: int | None = None,
) -> DecisionResult:
    """Rank reagents for a NaF-rich interphase (module docstring: criteria and order).

    Parameters
    ----------
    molecules : sequence of str or Molecule
        Names or SMILES (default :data:`CANDIDATES`); all checked before any computation.
    level : str or Level
        Level of the orbitals (default ``fast``).
    md : str or MDSettings
        MD settings of the F- release runs (default ``fast``: the same runs as Fig. 1d for FEC,
        so the two share the cache).
    %(cache)s
    progress, workers
        As in :func:`solidna.quantum.screen.screen` and :func:`solidna.quantum.md.reactive_md`.

    Raises
    ------
    InvalidOptionError
        For unknown names, invalid SMILES, duplicates, unknown levels or a bad worker count
        (``workers`` or ``$SOLIDNA_WORKERS``), before computing.
    """
    from solidna.quantum.md import reactive_md, seeds_done_fraction, worker_count
    from solidna.quantum.orbitals import resolve_cache
    from solidna.quantum.screen import parse_molecules, screen
    from solidna.quantum.stats import wilson_interval

    lvl = get_level(level)
    cfg = get_md_settings(md)
    parsed = parse_molecules(molecules, level=lvl)
    workers = worker_count(workers)  # also $SOLIDNA_WORKERS: refused before any computation
    store = resolve_cache(cache)
    tic = time.perf_counter()
    limit = anodic_limit_V()
    n_md = sum(has_cf_bond(m) for m in parsed)
    # the orbitals take about a third of the cold wall time, the MD of the fluorinated ones the rest
    split = 1.0 if n_md == 0 else 0.35
    orbitals = screen(parsed, lvl, cache=store, progress=scaled(progress, 0.0, split))
    by_name = {s.free.name: s for s in orbitals.shifts}
    failures = list(orbitals.failures)
    candidates: list[Candidate] = []
    done_md = 0
    for mol in parsed:
        shift = by_name.get(mol.name)
        if shift is None:
            continue
        has_cf = has_cf_bond(mol)
        cf_seeds, seeds, median = 0, len(cfg.seeds), None
        interval = (0.0, 0.0)
        sources = {shift.free.source, shift.complex.source}
        if has_cf:
            sub = scaled(
                progress,
                split + (1 - split) * done_md / n_md,
                split + (1 - split) * (done_md + 1) / n_md,
            )
            sub(f"{mol.name}: F- release, MD on Na ({cfg.label})", 0.0)
            try:
                summary = reactive_md(
                    mol,
                    cfg,
                    cache=store,
                    workers=workers,
                    message=lambda text, _s=sub: _s(text, seeds_done_fraction(text)),
                )
            except ConvergenceError as exc:
                failures.append({"molecule": mol.name, "error": str(exc)})
                done_md += 1
                continue
            done_md += 1
            cf_seeds, seeds = summary.fraction("cf_cleavage_fs")
            interval = wilson_interval(cf_seeds, seeds)
            median = summary.interval("cf_cleavage_fs").median
            sources |= set(summary.sources)
        ox = oxidation_potential_V(shift.free.homo_eV)
        candidates.append(
            Candidate(
                name=mol.name,
                formula=mol.formula,
                homo_eV=shift.free.homo_eV,
                lumo_eV=shift.free.lumo_eV,
                lumo_complex_eV=shift.complex.lumo_eV,
                delta_lumo_eV=shift.delta_lumo_eV,
                oxidation_V=ox,
                passes_oxidation=ox >= limit,
                has_cf=has_cf,
                cf_seeds=cf_seeds,
                seeds=seeds,
                cf_interval=interval,
                cf_median_fs=median,
                source=sources.pop() if len(sources) == 1 else "mixed",
                lumo_complex_na_share=shift.complex.lumo_na_share,
            )
        )
    progress("decision done", 1.0)
    result = DecisionResult(
        level=lvl,
        md=cfg,
        candidates=candidates,
        limit_V=limit,
        failures=failures,
        wall_time_s=time.perf_counter() - tic,
    )
    if not failures:  # a table with holes is not kept as the decision
        store.put("decision", _decision_key(parsed, lvl, cfg), result.state())
    return result


def _decision_key(parsed: Sequence[Molecule], lvl: Level, cfg: MDSettings) -> dict[str, Any]:
    return {
        "molecules": [m.key() for m in parsed],
        "level": lvl.as_dict(),
        "md": cfg.as_dict(),
    }


@fill_doc
def cached_decision(
    molecules: Sequence[str] = CANDIDATES,
    level: str | Level = DEFAULT_LEVEL,
    md: str | MDSettings = "fast",
    store: ResultsCache | None = None,
) -> DecisionResult | None:
    """The decision for these molecules and settings from the cache, or None (never computes).

    Parameters
    ----------
    molecules : sequence of str
        Names or SMILES of the candidates, in the order given to :func:`decide` (default
        :data:`CANDIDATES`).
    level : str or Level, optional
        Level of theory of the orbitals (default ``fast``).
    md : str or MDSettings, optional
        MD settings of the F- release runs (default ``fast``).
    %(cache_store)s

    Returns
    -------
    DecisionResult or None
        The cached ranking (orbital energies [eV], oxidation estimates and anodic limit
        [V vs Na+/Na], C-F cleavage times [fs]), or None when none is cached.

    Raises
    ------
    InvalidOptionError
        For unknown names, invalid SMILES, duplicates or unknown levels.
    """
    from solidna.quantum.screen import parse_molecules

    lvl, cfg = get_level(level), get_md_settings(md)
    parsed = parse_molecules(molecules)
    hit = (store or ResultsCache()).get("decision", _decision_key(parsed, lvl, cfg))
    if hit is None:
        return None
    return DecisionResult(
        level=lvl,
        md=cfg,
        candidates=[
            Candidate(**(c | {"cf_interval": tuple(c["cf_interval"]), "source": "cache"}))
            for c in hit["candidates"]
        ],
        limit_V=float(hit["limit_V"]),
        wall_time_s=float(hit.get("wall_time_s", 0.0)),
        computed_at=hit.get("computed_at", ""),
    )
