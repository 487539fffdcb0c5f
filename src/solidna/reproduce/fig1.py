"""Fig. 1c-d of Lu 2019 from first principles: FEC vs FEC-Na+ frontier orbitals, reactive MD on Na.

* Fig. 1c - HOMO and LUMO of FEC, Na+ and FEC-Na+ with PySCF DFT in implicit solvent
  (:func:`solidna.quantum.orbitals.na_shift`) at the default level ``fast``:
  B3LYP/6-31+G(d), IEF-PCM (eps = 78.4) on GFN2-xTB(ALPB) geometries. The paper gives LUMO 0.00 eV
  (FEC) and -0.89 eV (FEC-Na+) without a level of theory.
  When the level-of-theory study (:mod:`solidna.quantum.study`, ``solidna screen --study``) is in
  the results cache, fig1c.lumo_shift_on_na is judged by the study's band: the model value is the
  band's median (implicit solvent, lowest-energy Na+ site), with the range and the default
  setting beside it; otherwise the default setting alone (and the report says so).
* Fig. 1d - NVE MD of FEC and FEC-Na+ on a Na(100) cluster with GFN2-xTB (tblite + ASE),
  eight seeds each (:func:`solidna.quantum.md.reactive_md`, seeds in parallel processes); ring
  opening, C-F cleavage and the Na-F distance detected with the criteria of
  :mod:`solidna.quantum.md`. Event times: median over seeds with bootstrap 95 % intervals;
  "Na+ accelerates" is judged by one-sided Mann-Whitney U tests at alpha = 0.05
  (:mod:`solidna.quantum.stats`), both ring opening and C-F cleavage. The paper's numbers come
  from ab initio MD; GFN2-xTB is a semi-empirical stand-in and its times are reported as they
  come out.
* Screening (``solidna screen --decide``, :mod:`solidna.quantum.decision`): when its table is in
  the cache, FEC's rank among the candidate reagents and the reasons are in the report.

Every value says whether it was computed in this run or read from the results cache
(:mod:`solidna.quantum.cache`; ``SOLIDNA_NO_CACHE=1`` forces a recomputation). This module
computes model values; it never tunes a setting to a target.
"""

from __future__ import annotations

import re
from typing import Any

from solidna._docstrings import fill_doc
from solidna.progress import scaled
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import DEFAULT_LEVEL, Level, MDSettings, get_level, get_md_settings
from solidna.quantum.md import NAF_CRYSTAL_A2_NM, NAF_MOLECULE_NM, seeds_done_fraction
from solidna.reproduce.base import FigureOutput, Progress, TargetResult, no_progress
from solidna.targets import get_target

__all__ = ["PREFIXES", "DEFAULT_MD", "run"]

PREFIXES = ("fig1",)
#: Typical wall time of :func:`run` [s] when nothing is cached (the MD takes most of it); shares
#: the progress bar of ``solidna reproduce``.
EXPECTED_WALL_TIME_S = 180.0

#: MD settings used by ``solidna reproduce`` (Na13 cluster, 8 seeds, stopped after the events).
DEFAULT_MD = "fast"


def _source_note(results: list[Any]) -> str:
    sources = [r.source for r in results]
    if all(s == "computed" for s in sources):
        return "computed in this run"
    if all(s == "cache" for s in sources):
        dates = sorted({r.computed_at for r in results})
        when = ", ".join(dates) if len(dates) <= 3 else f"between {dates[0]} and {dates[-1]}"
        return f"read from the results cache (computed {when}), not recomputed"
    return "partly read from the results cache: " + ", ".join(
        f"{getattr(r, 'name', getattr(r, 'adsorbate', '?'))}"
        f"{'' if not hasattr(r, 'seed') else ' seed ' + str(r.seed)}: {r.source}"
        for r in results
    )


# "FEC seed 2: 125/250 fs", "FEC seed 2: read from cache" and "FEC seed 2: done (3/8 seeds)"
# (messages of quantum.md.reactive_md)
_MD_MESSAGE = re.compile(r"seed (\d+): (?:(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?) fs|read from cache)")


def _md_progress(progress: Progress, seeds: tuple[int, ...], start: float, stop: float) -> Any:
    """A message callback for :func:`solidna.quantum.md.reactive_md` that moves the fraction.

    reactive_md reports its progress as text only; the seed and the simulated time in its
    messages give the fraction of the run done, so that the bar moves through the MD (most of the
    wall time of Fig. 1). A message of another form passes the text on.
    """
    sub = scaled(progress, start, stop)

    def message(text: str) -> None:
        found = _MD_MESSAGE.search(text)
        fraction = seeds_done_fraction(text)
        if fraction is None and found and int(found[1]) in seeds:
            done = 1.0 if found[2] is None else float(found[2]) / float(found[3])
            fraction = (seeds.index(int(found[1])) + done) / len(seeds)
        sub(f"Fig. 1d: {text}", fraction)

    return message


def _censored_at(summary: Any, attribute: str) -> float:
    """Length [fs] of the shortest run among the seeds in which the event was not observed.

    The lower bound of an event not observed: a run may stop early only after all its events
    (``MDSettings.stop_margin_fs``), so the seeds without the event ran their full length, and
    the shortest (early-stopped) run of the summary is no bound for them.
    """
    return min(
        (e.duration_fs for e in summary.events if getattr(e, attribute) is None),
        default=summary.duration_fs,
    )


def _event_value(value: float | None, duration_fs: float) -> tuple[float, str]:
    """Model value and wording for an event time.

    An event not observed (in half of the seeds or more) is reported as the run length, a lower
    bound: with the default 250-fs runs (more than twice the paper's 117 fs) a lower bound is
    itself outside the factor-2 tolerance, so the comparison fails as it should.
    """
    if value is not None:
        return value, f"{value:.1f} fs (median over seeds)"
    return duration_fs, (
        f"not observed within {duration_fs:g} fs in half of the seeds or more; the value is this "
        "lower bound (the event, if any, comes later)"
    )


@fill_doc
def run(
    progress: Progress = no_progress,
    *,
    level: str | Level = DEFAULT_LEVEL,
    md: str | MDSettings = DEFAULT_MD,
    cache: ResultsCache | bool | None = None,
    cavity_sensitivity: bool = False,
) -> FigureOutput:
    """Compute every fig1* target and draw Fig. 1c and 1d.

    %(Parameters: progress)s
    level : str or Level, default "fast"
        Level of theory of the orbitals.
    md : str or MDSettings, default "fast"
        Settings of the reactive MD.
    %(cache)s
    cavity_sensitivity : bool, default False
        Also compute the LUMO shift with PySCF's default PCM cavity (modified Bondi x 1.2), to show
        how much the number depends on the Na+ cavity (two more DFT calculations).

    %(Returns: figure_output)s
    """
    from solidna.quantum.md import BOND_BREAK_FACTOR, BREAK_PERSIST_FS, reactive_md
    from solidna.quantum.molecules import from_smiles, molecule, na_complex
    from solidna.quantum.orbitals import frontier_orbitals, na_shift, resolve_cache
    from solidna.quantum.stats import ALPHA, N_BOOTSTRAP, compare_times

    lvl = get_level(level)
    cfg = get_md_settings(md)
    store = resolve_cache(cache)
    out = FigureOutput(name="fig1")
    R = out.results.append

    # ---- Fig. 1c -----------------------------------------------------------------------------
    progress(f"Fig. 1c: FEC and FEC-Na+ at {lvl.label}", 0.0)
    fec = molecule("FEC")

    def say(text: str) -> None:
        progress(f"Fig. 1c: {text}", None)

    shift = na_shift(fec, lvl, cache=store, message=say)
    na_ion = frontier_orbitals(from_smiles("[Na+]", name="Na+"), lvl, cache=store, message=say)
    src = _source_note([shift.free, shift.complex])
    paper_shift = get_target("fig1c.lumo_shift_on_na").value  # report text and plotting only
    orbital_text = (
        f"{lvl.label}: LUMO FEC {shift.free.lumo_eV:.2f} eV, FEC-Na+ {shift.complex.lumo_eV:.2f} eV "
        f"(paper: a shift of {paper_shift} eV); "
        f"HOMO {shift.free.homo_eV:.2f} / {shift.complex.homo_eV:.2f} eV; "
        f"geometries: {shift.free.geometry}; {src}"
    )
    complex_ = shift.complex
    if complex_.na_centred_lumo and complex_.molecular_lumo_eV is not None:
        # the paper's "LUMO of FEC-Na+" is the complex's LUMO, which here lies mostly on the
        # bound Na+ (its 3s-like orbital): the target keeps that definition; FEC's own
        # acceptor orbital in the cation's field is given beside it
        orbital_text += (
            f"; the complex's LUMO lies {complex_.lumo_na_share:.0%} on Na (the bound cation's "
            f"orbital); FEC's own lowest empty orbital in the complex is "
            f"{complex_.molecular_lumo_eV:.2f} eV, a shift of "
            f"{complex_.molecular_lumo_eV - shift.free.lumo_eV:+.2f} eV"
        )
    study = _cached_study(lvl, store)
    if study is not None:
        band = study.band()
        R(
            TargetResult(
                "fig1c.lumo_shift_on_na",
                band["median_eV"],
                "median of the level-of-theory band (read from the results cache, computed "
                f"{study.computed_at} by `solidna screen --study`): "
                f"{study.summary_text(paper_shift)} "
                f"Default setting of this run: {orbital_text}",
            )
        )
        out.note(
            "Fig. 1c: the target is judged by the level-of-theory band, not one setting: "
            + study.summary_text(paper_shift)
            + " Model value = the band's median over the implicit-solvent settings at the "
            f"lowest-energy Na+ site. Study: {study.design_note()}. The gas phase, where the "
            "field of a bare cation is unscreened, is shown apart.",
            "fig1c.lumo_shift_on_na",
        )
    else:
        R(TargetResult("fig1c.lumo_shift_on_na", shift.delta_lumo_eV, orbital_text))
        out.note(
            "Fig. 1c: one setting only - the level-of-theory study is not in the results cache "
            "(run `solidna screen --study`, ~40 min of one core, and reproduce again to judge "
            "the target by the band).",
            "fig1c.lumo_shift_on_na",
        )
    R(
        TargetResult(
            "fig1c.fec_na_more_reducible",
            shift.more_reducible,
            f"LUMO(FEC-Na+) - LUMO(FEC) = {shift.delta_lumo_eV:+.2f} eV; {src}"
            + (
                ""
                if study is None
                else f"; negative in {sum(r.delta_lumo_eV < 0 for r in study.rows)} of "
                f"{len(study.rows)} settings of the level-of-theory study"
            ),
        )
    )
    if cavity_sensitivity:
        other = lvl.replace(
            name=f"{lvl.name}-bondi", cavity="bondi*1.2" if lvl.cavity == "uff*1.1" else "uff*1.1"
        )
        progress(f"Fig. 1c: cavity sensitivity ({other.cavity})", 0.1)
        alt = na_shift(fec, other, cache=store, message=say)
        out.note(
            f"Fig. 1c: with the {other.cavity} cavity instead of {lvl.cavity}, the LUMO shift is "
            f"{alt.delta_lumo_eV:+.2f} eV (LUMO {alt.free.lumo_eV:.2f} -> "
            f"{alt.complex.lumo_eV:.2f} eV) against {shift.delta_lumo_eV:+.2f} eV; "
            f"{_source_note([alt.free, alt.complex])}.",
            "fig1c",
        )
    out.note(
        "Fig. 1c: the LUMO shift depends on the cavity given to Na+ in the implicit solvent. The "
        "default (UFF radii x 1.1, Na+ 1.64 A) was chosen because it gives Na+ a solvation free "
        "energy inside the experimental range; PySCF's own PCM default (Bondi x 1.2, 2.72 A) "
        "under-solvates Na+ and gives a much larger shift (the gas phase, larger still), so the "
        f"paper's {paper_shift} eV, whose solvent model is not "
        "stated, lies between two standard choices (solidna.quantum.levels; "
        "fig1.run(cavity_sensitivity=True) computes the other cavity in this run).",
        "fig1c",
    )

    # ---- Fig. 1d -----------------------------------------------------------------------------
    summaries = []
    # the DFT of Fig. 1c takes about a fifth of the uncached wall time, each MD about two fifths
    for start, adsorbate in ((0.2, fec), (0.575, na_complex(fec))):
        progress(f"Fig. 1d: {adsorbate.name} on Na, {cfg.label}", start)
        say_md = _md_progress(progress, tuple(cfg.seeds), start, start + 0.375)
        summaries.append(reactive_md(adsorbate, cfg, cache=store, message=say_md))
    free_md, cplx_md = summaries
    md_src = _source_note([e for s in summaries for e in s.trajectories])
    duration = min(free_md.duration_fs, cplx_md.duration_fs)

    ring, ring_text = _event_value(
        free_md.ring_opening_fs, _censored_at(free_md, "ring_opening_fs")
    )
    R(
        TargetResult(
            "fig1d.fec_ring_opening",
            ring,
            f"{cfg.label}: ring opens at {ring_text}; "
            f"{free_md.interval('ring_opening_fs').text()}; per seed: "
            f"{free_md.per_seed_text('ring_opening_fs')}; {md_src}",
        )
    )
    cf, cf_text = _event_value(free_md.cf_cleavage_fs, _censored_at(free_md, "cf_cleavage_fs"))
    R(
        TargetResult(
            "fig1d.fec_cf_cleavage",
            cf,
            f"C-F bond breaks at {cf_text}; {free_md.interval('cf_cleavage_fs').text()}; per "
            f"seed: {free_md.per_seed_text('cf_cleavage_fs')}; {md_src}",
        )
    )

    tests = {
        attr: compare_times(
            [getattr(e, attr) for e in free_md.events], [getattr(e, attr) for e in cplx_md.events]
        )
        for attr in ("ring_opening_fs", "cf_cleavage_fs")
    }
    R(
        TargetResult(
            "fig1d.na_accelerates",
            all(t.sooner for t in tests.values()),
            "judged by one-sided Mann-Whitney U tests (H1: FEC-Na+ reacts sooner), both must be "
            f"significant at alpha = {ALPHA:g}. Ring opening: FEC "
            f"{free_md.interval('ring_opening_fs').text()} vs FEC-Na+ "
            f"{cplx_md.interval('ring_opening_fs').text()}; {tests['ring_opening_fs'].text()}. "
            f"C-F cleavage: FEC {free_md.interval('cf_cleavage_fs').text()} vs FEC-Na+ "
            f"{cplx_md.interval('cf_cleavage_fs').text()}; {tests['cf_cleavage_fs'].text()}. "
            f"FEC-Na+ per seed: ring {cplx_md.per_seed_text('ring_opening_fs')}; C-F "
            f"{cplx_md.per_seed_text('cf_cleavage_fs')}; {md_src}",
        )
    )
    naf = cplx_md.na_f_at_80fs_A
    cplx_naf_text = _distribution_text([e.na_f_at_80fs_A for e in cplx_md.events])
    if naf is None:
        naf_note = f"no value: the trajectories are only {duration:g} fs long"
    else:
        naf_note = (
            "shortest F-Na distance of FEC-Na+ on Na at 80 fs, median over seeds: "
            + cplx_naf_text
            + f"; FEC alone: {_distribution_text([e.na_f_at_80fs_A for e in free_md.events])}; "
            f"{md_src}"
        )
    R(TargetResult("fig1d.na_f_distance_80fs", None if naf is None else naf / 10.0, naf_note))
    out.note(
        f"Fig. 1d: Na-F bond lengths for context - the gas-phase NaF molecule {NAF_MOLECULE_NM} nm "
        f"(r_e), crystalline NaF {NAF_CRYSTAL_A2_NM} nm (a/2). The paper's "
        f"{get_target('fig1d.na_f_distance_80fs').value} nm at 80 fs is "
        "shorter than the bond of an isolated NaF molecule, the shortest equilibrium Na-F distance "
        "there is: a distance that short is a compressed, repulsive contact (a transient of the "
        "dynamics or an artefact of its method), not an equilibrium Na-F bond. The model's "
        "distances at 80 fs: FEC-Na+ "
        + cplx_naf_text
        + "; seeds below the molecule's bond length: "
        + ", ".join(
            f"{s.adsorbate} {_below(s, NAF_MOLECULE_NM)} of {len(s.events)}" for s in summaries
        )
        + ".",
        "fig1d.na_f_distance_80fs",
    )
    # the event times beside the paper's, as ratios (report text only; the values above do not
    # depend on them)
    ratios = []
    for target_id, value in (("fig1d.fec_ring_opening", ring), ("fig1d.fec_cf_cleavage", cf)):
        paper_fs = float(get_target(target_id).value)
        ratios.append(
            f"{target_id}: {value:.1f} fs vs {paper_fs:g} fs (paper/model {paper_fs / value:.2f})"
        )
    out.note(
        "Fig. 1d: event times against the paper: "
        + "; ".join(ratios)
        + ". The targets' tolerance is +-100 % (rel 1.0); a symmetric factor of 2 would also "
        "require paper/model <= 2.",
        "fig1d.fec_ring_opening",
        "fig1d.fec_cf_cleavage",
    )
    drift = max(e.energy_drift_meV_per_atom for s in summaries for e in s.events)
    resamples = f"{N_BOOTSTRAP:,}".replace(",", " ")  # "10 000"
    out.note(
        f"Fig. 1d: {cfg.label}; largest total-energy deviation "
        f"{drift:.2f} meV/atom. Event criteria: a bond is broken when longer than "
        f"{BOND_BREAK_FACTOR:g}x its t = 0 length and held for {BREAK_PERSIST_FS:g} fs; ring "
        "opening = the first ring bond to break, C-F cleavage = the first C-F bond; event time = "
        f"median over seeds with a bootstrap 95 % interval ({resamples} resamples of the "
        "seeds); a seed without the event counts as later than its full-length run. The paper's "
        "times are from ab initio MD of unstated settings: a semi-empirical Hamiltonian on a "
        "small cluster can differ by more than the factor-2 tolerance, and the report shows the "
        "numbers as they come out.",
        "fig1d",
    )

    # ---- figures -------------------------------------------------------------------------------
    progress("Fig. 1: drawing", 0.95)
    from solidna.quantum.plots import levels_figure, md_figure

    out.figures["fig1c"] = levels_figure(
        [
            [
                ("FEC", shift.free.homo_eV, shift.free.lumo_eV, ""),
                ("Na+", na_ion.homo_eV, na_ion.lumo_eV, ""),
                ("FEC-Na+", shift.complex.homo_eV, shift.complex.lumo_eV, ""),
            ]
        ],
        f"Fig. 1c (model): {lvl.label}",
        # the paper's absolute LUMOs: 0.00 eV for FEC (target note) and 0.00 + shift for FEC-Na+
        paper_lumo={"FEC": 0.0, "FEC-Na+": 0.0 + paper_shift},
    )
    out.figures["fig1d"] = md_figure(
        summaries,
        f"Fig. 1d (model): {cfg.label}",
        paper={
            "ring_opening_fs": get_target("fig1d.fec_ring_opening").value,
            "cf_cleavage_fs": get_target("fig1d.fec_cf_cleavage").value,
            "na_f_80fs_A": 10 * get_target("fig1d.na_f_distance_80fs").value,
        },
    )
    if study is not None:
        from solidna.quantum.plots import study_figure

        out.figure(
            "fig1c_study",
            study_figure(study, paper_shift),
            "LUMO shift of FEC on Na+ binding over the level-of-theory study (read from the results "
            "cache): each point one functional/basis/solvent/geometry/site setting; grey band: "
            "range over the implicit-solvent settings at the lowest-energy site, line: its median; "
            f"star: the default setting; dashed: Lu 2019's {paper_shift} eV (level not stated).",
        )
    decision = _cached_decision(lvl, cfg, store)
    if decision is not None:
        from solidna.quantum.plots import decision_figure

        out.figure(
            "fig1_screen",
            decision_figure(decision),
            "Candidate reagents for a NaF-rich interphase, ranked (read from the results cache, "
            "`solidna screen --decide`): oxidation estimate against the cell's anodic limit, "
            "fraction of MD seeds on Na with C-F cleavage (F- release; Wilson 95 % interval), "
            "LUMO of the Na+ complex.",
        )
        out.note("Fig. 1 (reagent choice): " + decision.summary_text(), "fig1c", "fig1d")
    else:
        out.note(
            "Screening: the ranked reagent table is not in the results cache (run `solidna screen "
            "--decide`, ~20 min of one core, and reproduce again to see FEC's rank here).",
            "fig1c",
        )
    out.captions.update(_captions(lvl, cfg))
    out.notes.extend(f"cache: {p}" for p in store.problems)
    progress("Fig. 1 done", 1.0)
    return out


def _cached_study(lvl: Level, store: ResultsCache) -> Any:
    """The default level-of-theory study from the cache (only for the default level), or None."""
    from solidna.quantum.study import cached_study

    if lvl != get_level(DEFAULT_LEVEL) or not store.read:
        return None
    return cached_study("FEC", lvl, store)


def _cached_decision(lvl: Level, cfg: MDSettings, store: ResultsCache) -> Any:
    """The default screening decision from the cache, or None."""
    from solidna.quantum.decision import cached_decision

    if not store.read:
        return None
    return cached_decision(level=lvl, md=cfg, store=store)


def _below(summary: Any, limit_nm: float) -> int:
    """Seeds whose Na-F distance at 80 fs is below ``limit_nm``."""
    return sum(
        e.na_f_at_80fs_A is not None and e.na_f_at_80fs_A / 10 < limit_nm for e in summary.events
    )


def _distribution_text(values_A: list[float | None]) -> str:
    """Distances [A] over seeds as ``"median 0.29 nm (95 % CI ..., range ..., per seed ...)"``."""
    from solidna.quantum.stats import bootstrap_median

    finite = [v for v in values_A if v is not None]
    if not finite:
        return "no value"
    iv = bootstrap_median(finite)
    return (
        f"median {iv.median / 10:.3f} nm (bootstrap 95 % CI {iv.low / 10:.3f}-{iv.high / 10:.3f} "
        f"nm; range {min(finite) / 10:.3f}-{max(finite) / 10:.3f} nm; per seed "
        + ", ".join(f"{v / 10:.3f}" for v in finite)
        + f" nm; n = {len(finite)})"
    )


def _captions(lvl: Level, cfg: MDSettings) -> dict[str, str]:
    """What each figure shows and where the paper's numbers (the open markers) come from."""
    return {
        "fig1c": (
            f"HOMO and LUMO of FEC, Na+ and FEC-Na+ (model: {lvl.label}). Markers: the LUMOs of "
            "Lu 2019 Fig. 1c - 0.00 eV for FEC and "
            f"{get_target('fig1c.lumo_shift_on_na').value:+.2f} eV for FEC-Na+; the paper does not "
            "state its level of theory or solvent model."
        ),
        "fig1d": (
            f"Reactive MD of FEC (top) and FEC-Na+ (bottom) on a Na cluster (model: {cfg.label}): "
            "ring and C-F bond lengths relative to t = 0 (first seed; dotted: the bond-break "
            "threshold) and the shortest Na-F distance of every seed. Markers: Lu 2019 Fig. 1d "
            f"(ab initio MD) - FEC ring opening at {get_target('fig1d.fec_ring_opening').value} fs "
            f"and C-F cleavage at {get_target('fig1d.fec_cf_cleavage').value} fs, drawn on the "
            "threshold, and the Na-F distance of FEC-Na+ at 80 fs, "
            f"{get_target('fig1d.na_f_distance_80fs').value} nm."
        ),
    }
