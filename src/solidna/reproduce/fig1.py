"""Fig. 1c-d of Lu 2019 from first principles: FEC vs FEC-Na+ frontier orbitals, reactive MD on Na.

* Fig. 1c - HOMO and LUMO of FEC, Na+ and FEC-Na+ with PySCF DFT in implicit solvent
  (:func:`solidna.quantum.orbitals.na_shift`) at the default level ``fast``:
  B3LYP/6-31+G(d), IEF-PCM (eps = 78.4) on GFN2-xTB(ALPB) geometries. The paper gives LUMO 0.00 eV
  (FEC) and -0.89 eV (FEC-Na+) without a level of theory.
* Fig. 1d - NVE MD of FEC and FEC-Na+ on a Na(100) cluster with GFN2-xTB (tblite + ASE),
  three seeds (:func:`solidna.quantum.md.reactive_md`); ring opening, C-F cleavage and the Na-F
  distance detected with the criteria of :mod:`solidna.quantum.md`. The paper's numbers come from
  ab initio MD; GFN2-xTB is a semi-empirical stand-in and its times are reported as they come out.

Every value says whether it was computed in this run or read from the results cache
(:mod:`solidna.quantum.cache`; ``SOLIDNA_NO_CACHE=1`` forces a recomputation). This module
computes model values; it never tunes a setting to a target.
"""

from __future__ import annotations

import math
import re
from typing import Any

from solidna.progress import scaled
from solidna.quantum.cache import ResultsCache
from solidna.quantum.levels import DEFAULT_LEVEL, Level, MDSettings, get_level, get_md_settings
from solidna.reproduce.base import FigureOutput, Progress, TargetResult, no_progress
from solidna.targets import get_target

__all__ = ["PREFIXES", "DEFAULT_MD", "run"]

PREFIXES = ("fig1",)
#: Typical wall time of :func:`run` [s] when nothing is cached (the MD takes most of it); shares
#: the progress bar of ``solidna reproduce``.
EXPECTED_WALL_TIME_S = 180.0

#: MD settings used by ``solidna reproduce`` (Na13 cluster, 3 seeds x 250 fs: ~3 min).
DEFAULT_MD = "fast"

#: The paper's Na-F distance in crystalline NaF (rock salt, a/2) [nm], drawn for reference.
NAF_CRYSTAL_NM = 0.23


def _source_note(results: list[Any]) -> str:
    sources = [r.source for r in results]
    if all(s == "computed" for s in sources):
        return "computed in this run"
    if all(s == "cache" for s in sources):
        dates = sorted({r.computed_at for r in results})
        return f"read from the results cache (computed {', '.join(dates)}), not recomputed"
    return "partly read from the results cache: " + ", ".join(
        f"{getattr(r, 'name', getattr(r, 'adsorbate', '?'))}"
        f"{'' if not hasattr(r, 'seed') else ' seed ' + str(r.seed)}: {r.source}"
        for r in results
    )


# "FEC seed 2: 125/250 fs" and "FEC seed 2: read from cache" (messages of quantum.md.reactive_md)
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
        fraction = None
        if found and int(found[1]) in seeds:
            done = 1.0 if found[2] is None else float(found[2]) / float(found[3])
            fraction = (seeds.index(int(found[1])) + done) / len(seeds)
        sub(f"Fig. 1d: {text}", fraction)

    return message


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


def run(
    progress: Progress = no_progress,
    *,
    level: str | Level = DEFAULT_LEVEL,
    md: str | MDSettings = DEFAULT_MD,
    cache: ResultsCache | bool | None = None,
    cavity_sensitivity: bool = False,
) -> FigureOutput:
    """Compute every fig1* target and draw Fig. 1c and 1d.

    Parameters
    ----------
    progress : callable
        ``progress(message, fraction)``.
    level : str or Level, default "fast"
        Level of theory of the orbitals.
    md : str or MDSettings, default "fast"
        Settings of the reactive MD.
    cache : ResultsCache or bool, optional
        None/True: read and write the user cache (reading off when ``SOLIDNA_NO_CACHE`` is set);
        False: recompute everything.
    cavity_sensitivity : bool, default False
        Also compute the LUMO shift with PySCF's default PCM cavity (modified Bondi x 1.2), to show
        how much the number depends on the Na+ cavity (two more DFT calculations).
    """
    from solidna.quantum.md import reactive_md
    from solidna.quantum.molecules import from_smiles, molecule, na_complex
    from solidna.quantum.orbitals import frontier_orbitals, na_shift, resolve_cache

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
    orbital_text = (
        f"{lvl.label}: LUMO FEC {shift.free.lumo_eV:.2f} eV, FEC-Na+ {shift.complex.lumo_eV:.2f} eV "
        f"(paper 0.00 and -0.89); HOMO {shift.free.homo_eV:.2f} / {shift.complex.homo_eV:.2f} eV; "
        f"geometries: {shift.free.geometry}; {src}"
    )
    R(TargetResult("fig1c.lumo_shift_on_na", shift.delta_lumo_eV, orbital_text))
    R(
        TargetResult(
            "fig1c.fec_na_more_reducible",
            shift.more_reducible,
            f"LUMO(FEC-Na+) - LUMO(FEC) = {shift.delta_lumo_eV:+.2f} eV; {src}",
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
        "under-solvates Na+ and gives a much larger shift (at the paper level -1.33 eV against "
        "-0.32 eV; the gas phase gives -5.2 eV), so the paper's -0.89 eV, whose solvent model is "
        "not stated, lies between two standard choices (solidna.quantum.levels; "
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

    ring, ring_text = _event_value(free_md.ring_opening_fs, duration)
    R(
        TargetResult(
            "fig1d.fec_ring_opening",
            ring,
            f"{cfg.label}: ring opens at {ring_text}; per seed: "
            f"{free_md.per_seed_text('ring_opening_fs')}; {md_src}",
        )
    )
    cf, cf_text = _event_value(free_md.cf_cleavage_fs, duration)
    R(
        TargetResult(
            "fig1d.fec_cf_cleavage",
            cf,
            f"C-F bond breaks at {cf_text}; per seed: {free_md.per_seed_text('cf_cleavage_fs')}; "
            f"{md_src}",
        )
    )

    def later(value: float | None) -> float:
        return math.inf if value is None else value

    ring_sooner = later(cplx_md.ring_opening_fs) < later(free_md.ring_opening_fs)
    cf_sooner = later(cplx_md.cf_cleavage_fs) < later(free_md.cf_cleavage_fs)

    def fmt(value: float | None) -> str:
        return "not observed" if value is None else f"{value:.1f} fs"

    R(
        TargetResult(
            "fig1d.na_accelerates",
            bool(ring_sooner and cf_sooner),
            f"median ring opening FEC {fmt(free_md.ring_opening_fs)} vs FEC-Na+ "
            f"{fmt(cplx_md.ring_opening_fs)}; C-F cleavage FEC {fmt(free_md.cf_cleavage_fs)} vs "
            f"FEC-Na+ {fmt(cplx_md.cf_cleavage_fs)} (FEC-Na+ per seed: ring "
            f"{cplx_md.per_seed_text('ring_opening_fs')}; C-F "
            f"{cplx_md.per_seed_text('cf_cleavage_fs')}); both must be sooner; {md_src}",
        )
    )
    naf = cplx_md.na_f_at_80fs_A
    if naf is None:
        naf_note = f"no value: the trajectories are only {duration:g} fs long"
    else:
        naf_note = (
            "shortest F-Na distance of FEC-Na+ on Na at 80 fs, median over seeds; per seed: "
            + cplx_md.per_seed_text("na_f_at_80fs_A", "nm", 0.1)
            + f"; FEC alone: {free_md.per_seed_text('na_f_at_80fs_A', 'nm', 0.1)}; {md_src}"
        )
    R(TargetResult("fig1d.na_f_distance_80fs", None if naf is None else naf / 10.0, naf_note))
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
    out.note(
        f"Fig. 1d: {cfg.label}; largest total-energy deviation "
        f"{drift:.2f} meV/atom. Bond broken = longer than 1.5x its t = 0 length for 10 fs; "
        "event time = median over seeds. The paper's times are from ab initio MD of unstated "
        "settings: a semi-empirical Hamiltonian on a small cluster can differ by more than the "
        "factor-2 tolerance, and the report shows the numbers as they come out.",
        "fig1d",
    )

    # ---- figures -------------------------------------------------------------------------------
    progress("Fig. 1: drawing", 0.95)
    from solidna.quantum.plots import levels_figure, md_figure

    paper_shift = get_target("fig1c.lumo_shift_on_na").value  # plotting only
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
    out.captions.update(_captions(lvl, cfg))
    out.notes.extend(f"cache: {p}" for p in store.problems)
    progress("Fig. 1 done", 1.0)
    return out


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
