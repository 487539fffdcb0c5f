"""Reactive MD of FEC and FEC-Na+ on Na metal with GFN2-xTB (tblite + ASE), and its analysis.

Fig. 1d of Lu et al. (2019) is ab initio MD (level not given) of FEC and FEC-Na+ on Na metal: for
FEC the five-membered ring opens at ~84 fs and a C-F bond breaks at ~117 fs; both happen sooner
with Na+ bound, and after 80 fs the Na-F distance (0.18 nm) is already shorter than in crystalline
NaF (0.23 nm). This module runs the same kind of simulation with the semi-empirical GFN2-xTB
Hamiltonian, which is ~1000 times cheaper than DFT but was not fitted to reactions on metals: its
event times are a model result to compare with the paper's, not a reproduction of its method.

Model (all settings in :class:`~solidna.quantum.levels.MDSettings`)
-------------------------------------------------------------------
* Na metal: a finite cluster cut from bcc Na (a = 4.29 A at room temperature), a (100) top layer of
  ``n x n`` atoms and layers below it shrinking by one row (a truncated pyramid). A cluster, not a
  periodic slab: tblite's periodic GFN2-xTB SCF did not converge for a Na slab with a molecule.
* The adsorbate (GFN2-xTB-optimised in vacuum) lies with its ring plane parallel to the (100) face,
  F towards the metal (so that the C-F bond can meet the surface, as in the paper's snapshots),
  turned about the surface normal by a random angle, lowered until its closest atom is
  ``contact_distance_A`` from a Na atom.
* Total charge: that of the adsorbate (0 for FEC, +1 for FEC-Na+); the cluster is neutral.
* Maxwell-Boltzmann velocities at ``temperature_K`` (seeded), centre-of-mass motion and rotation
  removed, then NVE velocity-Verlet; Fermi smearing at ``electronic_temperature_K``.

Detection criteria (fixed before any trajectory was looked at; never adjusted to the paper)
-----------------------------------------------------------------------------------------------
* A bond is **broken** at the first time its length exceeds :data:`BOND_BREAK_FACTOR` times its
  length at t = 0 and stays above it for :data:`BREAK_PERSIST_FS`. The factor 1.5 (C-O ~2.1 A,
  C-F ~2.0 A) is far beyond thermal stretching (< 1.15x at 300 K) and beyond the C-O/C-F
  stretch of a reductive-cleavage transition state (~1.3x): a bond that long has broken.
* **Ring opening**: the first ring bond to break. **C-F cleavage**: the first C-F bond to break.
* **Na-F distance** at time t: the shortest distance from any F of the adsorbate to any Na atom
  (cluster or the complex's own Na+), at the recorded step nearest to t.
* Per system, the event time is the median over seeds; a seed in which the event does not occur
  counts as later than the trajectory (so the median is "not observed" when half the seeds or more
  show nothing). :meth:`MDSummary.interval` gives the bootstrap interval of the median and
  :func:`solidna.quantum.stats.compare_times` the one-sided test of "sooner".
* A trajectory may stop early (``MDSettings.stop_margin_fs``): only after ring opening and, for an
  adsorbate with a C-F bond, C-F cleavage have both been detected (held for
  :data:`BREAK_PERSIST_FS`), the margin has passed and at least ``min_duration_fs`` are done. A
  trajectory without its events always runs the full ``duration_fs``, so an unobserved event is
  censored at the same, full length in every seed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, InvalidOptionError
from solidna.quantum._deps import require
from solidna.quantum.cache import CachedRecord, ResultsCache, package_versions
from solidna.quantum.levels import MDSettings, get_md_settings
from solidna.quantum.molecules import Molecule, has_cf_bond
from solidna.quantum.scf import env_count, thread_count

#: Na-F nearest-neighbour distance in rock-salt NaF, a/2 with a = 4.634 A at room temperature
#: [nm] (literature: Wyckoff, Crystal Structures): context for the Na-F distances of the MD.
NAF_CRYSTAL_A2_NM = 0.2317
#: Equilibrium bond length of the gas-phase NaF molecule, r_e = 1.926 A [nm] (literature: Huber &
#: Herzberg 1979, NIST Chemistry WebBook): the shortest equilibrium Na-F distance there is.
NAF_MOLECULE_NM = 0.1926

__all__ = [
    "NAF_CRYSTAL_A2_NM",
    "NAF_MOLECULE_NM",
    "NA_LATTICE_A",
    "BOND_BREAK_FACTOR",
    "BREAK_PERSIST_FS",
    "FRAME_EVERY_FS",
    "na_cluster",
    "place_adsorbate",
    "build_system",
    "Trajectory",
    "run_trajectory",
    "ReactionEvents",
    "analyse",
    "MDSummary",
    "summarise",
    "reactive_md",
    "md_adsorbate",
    "seeds_done_fraction",
    "worker_count",
    "WORKER_THREADS_ENV",
]

#: Lattice constant of bcc Na at room temperature [A] (4.29 A; 4.23 A at 5 K).
NA_LATTICE_A = 4.29
#: A bond is broken when longer than this factor times its length at t = 0 (see module docstring).
BOND_BREAK_FACTOR = 1.5
#: ... and stays so for this long [fs] (one C-O stretch period is ~20 fs; 10 fs excludes a single
#: outward swing while keeping the time resolution the paper's 84/117 fs need).
BREAK_PERSIST_FS = 10.0
#: Interval of the stored coordinates (for the trajectory file and the figure) [fs].
FRAME_EVERY_FS = 5.0
#: Interval of the early-stop check [fs] (see ``MDSettings.stop_margin_fs``).
STOP_CHECK_FS = 5.0
#: Fall-back xTB SCF settings after a failed step: smaller Broyden damping, more iterations.
_RETRY_DAMPING = 0.2
_RETRY_MAX_ITERATIONS = 1000

MessageCallback = Callable[[str], None]


def _quiet(message: str) -> None:
    """A message callback that does nothing."""


# ---------------------------------------------------------------------------------------------
# building the system
# ---------------------------------------------------------------------------------------------
def na_cluster(size: int, layers: int, lattice_A: float = NA_LATTICE_A) -> Any:
    """A Na cluster with a (100) top face: ``size x size`` atoms on top, one row fewer per layer.

    Parameters
    ----------
    size : int
        Atoms per row of the top layer.
    layers : int
        Number of (100) layers (spacing ``lattice_A / 2``; each layer sits in the hollows of the one
        above, as in bcc).
    lattice_A : float
        bcc lattice constant [A].

    Returns
    -------
    ase.Atoms
        Non-periodic; the top layer at z = 0, centred on x = y = 0.
    """
    from ase import Atoms

    positions = []
    for k in range(layers):
        n = size - k
        for i in range(n):
            for j in range(n):
                positions.append(
                    ((i + 0.5 * k) * lattice_A, (j + 0.5 * k) * lattice_A, -0.5 * k * lattice_A)
                )
    xyz = np.array(positions)
    xyz[:, :2] -= xyz[: size * size, :2].mean(axis=0)
    return Atoms(["Na"] * len(xyz), positions=xyz, pbc=False)


def _rotation_to_z(vector: np.ndarray) -> np.ndarray:
    # Rotation matrix that takes the unit vector ``vector`` to +z (Rodrigues).
    v = vector / np.linalg.norm(vector)
    z = np.array([0.0, 0.0, 1.0])
    c = float(np.dot(v, z))
    if c > 1 - 1e-12:
        return np.eye(3)
    if c < -1 + 1e-12:
        return np.diag([1.0, -1.0, -1.0])
    axis = np.cross(v, z)
    s = np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]]) / s
    return np.eye(3) + s * k + (1 - c) * (k @ k)


def place_adsorbate(
    cluster: Any, adsorbate: Molecule, contact_distance_A: float, azimuth_rad: float
) -> Any:
    """The adsorbate on the cluster's top face (see the module docstring); adsorbate atoms first.

    Parameters
    ----------
    cluster : ase.Atoms
        From :func:`na_cluster` (top layer at z = 0).
    adsorbate : Molecule
        The molecule or complex; its atom indices are kept (they come first in the system).
    contact_distance_A : float
        Shortest adsorbate-cluster distance after placement [A].
    azimuth_rad : float
        Rotation about the surface normal [rad].
    """
    from ase import Atoms

    xyz = np.array(adsorbate.coordinates_A, dtype=float)
    heavy = [i for i, s in enumerate(adsorbate.symbols) if s not in ("H", "Na")]
    centre = xyz[heavy].mean(axis=0)
    xyz = xyz - centre
    # normal of the best plane through the heavy atoms (smallest principal axis) -> z
    _, _, vt = np.linalg.svd(xyz[heavy])
    xyz = xyz @ _rotation_to_z(vt[-1]).T
    fluorines = [i for i, s in enumerate(adsorbate.symbols) if s == "F"]
    if fluorines and xyz[fluorines, 2].mean() > 0:  # F towards the metal (-z)
        xyz = xyz @ np.diag([1.0, -1.0, -1.0]).T
    c, s = math.cos(azimuth_rad), math.sin(azimuth_rad)
    xyz = xyz @ np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]).T
    metal = cluster.get_positions()

    def closest(dz: float) -> float:
        shifted = xyz + [0.0, 0.0, dz]
        return float(np.min(np.linalg.norm(shifted[:, None, :] - metal[None, :, :], axis=2)))

    lo, hi = 0.0, 20.0  # closest() grows with dz once the molecule is above the top layer
    lo = max(lo, -xyz[:, 2].min())
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if closest(mid) < contact_distance_A:
            lo = mid
        else:
            hi = mid
    placed = xyz + [0.0, 0.0, hi]
    return Atoms(list(adsorbate.symbols), positions=placed) + cluster


def md_adsorbate(adsorbate: Molecule) -> Molecule:
    """The adsorbate as the MD starts from it: GFN2-xTB-optimised in vacuum.

    Parameters
    ----------
    adsorbate : Molecule
        The adsorbate (coordinates [A]).

    Returns
    -------
    Molecule
        The xTB-optimised adsorbate (coordinates [A]).
    """
    from solidna.quantum.geometry import xtb_optimize

    return xtb_optimize(adsorbate, epsilon=None)


def build_system(adsorbate: Molecule, settings: MDSettings, seed: int) -> Any:
    """Cluster + placed adsorbate for one seed (the azimuth is the seed's first random number).

    Parameters
    ----------
    adsorbate : Molecule
        The adsorbate (coordinates [A]).
    settings : MDSettings
        Cluster size and layers, contact distance [A].
    seed : int
        Random seed (sets the azimuth of the adsorbate).

    Returns
    -------
    ase.Atoms
        Na cluster with the adsorbate placed on it.
    """
    rng = np.random.default_rng(seed)
    azimuth = float(rng.uniform(0.0, 2.0 * math.pi))
    cluster = na_cluster(settings.cluster_size, settings.cluster_layers)
    return place_adsorbate(cluster, adsorbate, settings.contact_distance_A, azimuth)


# ---------------------------------------------------------------------------------------------
# the trajectory
# ---------------------------------------------------------------------------------------------
@dataclass
class Trajectory(CachedRecord):
    """What one MD run recorded (JSON-able; the cache stores it whole).

    Attributes
    ----------
    adsorbate : str
        Name of the adsorbate (``"FEC"``, ``"FEC-Na+"``).
    seed : int
        The random seed.
    settings : dict
        :meth:`MDSettings.as_dict`.
    symbols : list of str
        Symbols of the whole system (adsorbate first).
    n_adsorbate : int
        Number of adsorbate atoms.
    bonds : list of [int, int]
        Adsorbate bonds whose lengths are recorded; ``ring_bonds`` the subset in a ring.
    times_fs : list of float
        Time of every recorded step [fs].
    bond_lengths_A : list of list of float
        Length of every bond at every recorded step [A].
    na_f_A : list of float
        Shortest F-Na distance at every recorded step [A] (empty without F).
    potential_eV, kinetic_eV : list of float
        Potential (electronic free) energy and kinetic energy [eV].
    frame_times_fs, frames_A : list
        Coordinates every :data:`FRAME_EVERY_FS` [A].
    scf_retries : int
        Steps whose xTB SCF needed the fall-back settings.
    stopped_early : bool
        The run stopped after its events (``MDSettings.stop_margin_fs``) before ``duration_fs``.

    The provenance fields are those of :class:`~solidna.quantum.cache.CachedRecord`.
    """

    adsorbate: str
    seed: int
    settings: dict[str, Any]
    symbols: list[str]
    n_adsorbate: int
    bonds: list[list[int]]
    ring_bonds: list[list[int]]
    times_fs: list[float]
    bond_lengths_A: list[list[float]]
    na_f_A: list[float]
    potential_eV: list[float]
    kinetic_eV: list[float]
    frame_times_fs: list[float]
    frames_A: list[list[list[float]]]
    scf_retries: int
    stopped_early: bool = False

    @property
    def total_eV(self) -> np.ndarray:
        """Total energy at every recorded step [eV]."""
        return np.asarray(self.potential_eV) + np.asarray(self.kinetic_eV)

    def energy_drift_meV_per_atom(self) -> float:
        """Largest |E_tot(t) - E_tot(0)| per atom [meV]: the NVE energy-conservation error."""
        e = self.total_eV
        return float(np.max(np.abs(e - e[0])) / len(self.symbols) * 1e3)

    def bond_label(self, k: int) -> str:
        """``"C1-O2"`` for bond ``k`` (0-based atom numbers).

        Parameters
        ----------
        k : int
            Index of the bond in ``bonds``.

        Returns
        -------
        str
            Bond label.
        """
        i, j = self.bonds[k]
        return f"{self.symbols[i]}{i}-{self.symbols[j]}{j}"

    def to_xyz(self) -> str:
        """The stored frames as multi-frame XYZ text [A]."""
        out = []
        for t, frame in zip(self.frame_times_fs, self.frames_A, strict=True):
            out.append(str(len(self.symbols)))
            out.append(f"{self.adsorbate} on Na, seed {self.seed}, t = {t:g} fs")
            for s, (x, y, z) in zip(self.symbols, frame, strict=True):
                out.append(f"{s:2s} {x:12.6f} {y:12.6f} {z:12.6f}")
        return "\n".join(out) + "\n"


@functools.cache
def _retrying_calculator_class() -> type:
    from ase.calculators.calculator import CalculationFailed, all_changes
    from tblite.ase import TBLite

    class RetryingTBLite(TBLite):
        """tblite's ASE calculator that retries a failed SCF with a gentler mixer.

        A metal cluster's SCF occasionally stalls with Broyden damping 0.4; the retry uses
        damping 0.2 and more iterations, and keeps them for the rest of the run (the energy
        surface is the same: only the route to self-consistency changes).
        """

        retries = 0

        def calculate(self, atoms=None, properties=None, system_changes=all_changes):
            try:
                super().calculate(atoms, properties, system_changes)
            except CalculationFailed:
                self.retries += 1
                self.set(mixer_damping=_RETRY_DAMPING, max_iterations=_RETRY_MAX_ITERATIONS)
                super().calculate(atoms, properties, all_changes)

    return RetryingTBLite


def _calculator(settings: MDSettings, charge: int) -> Any:
    return _retrying_calculator_class()(
        method=settings.method,
        charge=charge,
        electronic_temperature=settings.electronic_temperature_K,
        mixer_damping=0.4,
        max_iterations=250,
        verbosity=0,
    )


def _events_done(
    rec: dict[str, list], bonds: list[list[int]], adsorbate: Molecule, has_cf: bool, cfg: Any
) -> bool:
    """True when every event of interest has happened, held, and the margin has passed."""
    times = np.asarray(rec["t"])
    t_now = float(times[-1])
    if t_now < cfg.min_duration_fs:
        return False
    ring_t, cf_t = _broken_bonds(
        times, np.asarray(rec["bonds"]), bonds, adsorbate.ring_bonds, adsorbate.symbols
    )
    wanted = []
    if adsorbate.ring_bonds:
        wanted.append(min(ring_t)[0] if ring_t else None)
    if has_cf:
        wanted.append(min(cf_t) if cf_t else None)
    if not wanted or any(t is None for t in wanted):
        return False
    return t_now >= max(wanted) + BREAK_PERSIST_FS + cfg.stop_margin_fs


def run_trajectory(
    adsorbate: Molecule,
    settings: MDSettings | str = "fast",
    seed: int = 1,
    *,
    message: MessageCallback = _quiet,
) -> Trajectory:
    """One NVE trajectory of ``adsorbate`` on a Na(100) cluster (no cache; see :func:`reactive_md`).

    Parameters
    ----------
    adsorbate : Molecule
        Start geometry (use :func:`md_adsorbate` for the optimised one).
    settings : MDSettings or str
        MD settings (``"test"``, ``"fast"``, ``"paper"``).
    seed : int
        Seed of the azimuth and the initial velocities.
    message : callable, optional
        ``message(text)`` about every 10 % of the run.

    Raises
    ------
    ConvergenceError
        When the xTB SCF fails at a step even with the fall-back mixer settings.
    """
    from ase import units
    from ase.calculators.calculator import CalculationFailed
    from ase.md.velocitydistribution import Stationary, ZeroRotation, thermalize_momenta
    from ase.md.verlet import VelocityVerlet

    cfg = get_md_settings(settings)
    tic = time.perf_counter()
    atoms = build_system(adsorbate, cfg, seed)
    rng = np.random.default_rng([seed, 1])  # velocities: a stream independent of the azimuth
    # Maxwell-Boltzmann momenta (ASE >= 3.29 name; MaxwellBoltzmannDistribution calls it)
    thermalize_momenta(atoms, cfg.temperature_K, rng=rng)
    Stationary(atoms)
    ZeroRotation(atoms)
    atoms.calc = _calculator(cfg, adsorbate.charge)
    n_ads = adsorbate.n_atoms
    bonds = [list(b) for b in adsorbate.bonds]
    f_idx = [i for i, s in enumerate(adsorbate.symbols) if s == "F"]
    na_idx = [i for i, s in enumerate(atoms.get_chemical_symbols()) if s == "Na"]
    rec: dict[str, list] = {k: [] for k in ("t", "bonds", "naf", "epot", "ekin", "ft", "frames")}
    frame_every = max(1, int(round(FRAME_EVERY_FS / cfg.timestep_fs)))

    def record(step: int) -> None:
        pos = atoms.get_positions()
        rec["t"].append(step * cfg.timestep_fs)
        rec["bonds"].append([float(np.linalg.norm(pos[i] - pos[j])) for i, j in bonds])
        if f_idx:
            d = np.linalg.norm(pos[f_idx][:, None, :] - pos[na_idx][None, :, :], axis=2)
            rec["naf"].append(float(d.min()))
        rec["epot"].append(float(atoms.get_potential_energy()))  # cached by the force call
        rec["ekin"].append(float(atoms.get_kinetic_energy()))
        if step % frame_every == 0:
            rec["ft"].append(step * cfg.timestep_fs)
            rec["frames"].append(np.round(pos, 5).tolist())

    dyn = VelocityVerlet(atoms, timestep=cfg.timestep_fs * units.fs, logfile=None)
    n = cfg.n_steps
    report_every = max(1, n // 10)
    check_every = max(1, int(round(STOP_CHECK_FS / cfg.timestep_fs)))
    has_cf = has_cf_bond(adsorbate)
    step = 0
    stopped_early = False
    try:
        record(0)
        for step in range(1, n + 1):
            dyn.run(1)
            if step % cfg.record_every == 0 or step == n:
                record(step)
            if step % report_every == 0:
                message(
                    f"{adsorbate.name} seed {seed}: {step * cfg.timestep_fs:.0f}/"
                    f"{cfg.duration_fs:g} fs"
                )
            if (
                cfg.stop_margin_fs is not None
                and step % check_every == 0
                and step < n
                and _events_done(rec, bonds, adsorbate, has_cf, cfg)
            ):
                if rec["t"][-1] != step * cfg.timestep_fs:
                    record(step)
                stopped_early = True
                break
    except CalculationFailed as exc:
        raise ConvergenceError(
            f"GFN2-xTB SCF of {adsorbate.name} on the Na cluster did not converge at "
            f"{step * cfg.timestep_fs:g} fs (step {step}, seed {seed}). Tried Broyden damping 0.4 "
            f"(250 iterations), then {_RETRY_DAMPING} ({_RETRY_MAX_ITERATIONS} iterations), at "
            f"T_el = {cfg.electronic_temperature_K:g} K. A larger electronic temperature or a "
            f"smaller cluster converges more easily. ({exc})"
        ) from None
    return Trajectory(
        adsorbate=adsorbate.name,
        seed=int(seed),
        settings=cfg.as_dict(),
        symbols=atoms.get_chemical_symbols(),
        n_adsorbate=n_ads,
        bonds=bonds,
        ring_bonds=[list(b) for b in adsorbate.ring_bonds],
        times_fs=rec["t"],
        bond_lengths_A=rec["bonds"],
        na_f_A=rec["naf"],
        potential_eV=rec["epot"],
        kinetic_eV=rec["ekin"],
        frame_times_fs=rec["ft"],
        frames_A=rec["frames"],
        scf_retries=int(atoms.calc.retries),
        stopped_early=stopped_early,
        versions=package_versions(),
        computed_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        wall_time_s=round(time.perf_counter() - tic, 2),
    )


# ---------------------------------------------------------------------------------------------
# analysis
# ---------------------------------------------------------------------------------------------
def _break_time(
    times: np.ndarray, lengths: np.ndarray, r0: float, persist_fs: float
) -> float | None:
    above = lengths > BOND_BREAK_FACTOR * r0
    for k in np.flatnonzero(above):
        window = (times >= times[k]) & (times <= times[k] + persist_fs)
        if times[-1] - times[k] >= persist_fs and bool(np.all(above[window])):
            return float(times[k])
    return None


def _broken_bonds(
    times: np.ndarray,
    lengths: np.ndarray,
    bonds: Sequence[Sequence[int]],
    ring_bonds: Sequence[Sequence[int]],
    symbols: Sequence[str],
    persist_fs: float = BREAK_PERSIST_FS,
) -> tuple[list[tuple[float, int]], list[float]]:
    """Break times [fs] of the ring bonds, as (time, bond index), and of the C-F bonds.

    The criteria of the module docstring, shared by :func:`analyse` and the early stop of
    :func:`run_trajectory`; ``lengths`` [A] has one row per time, one column per bond.
    """
    ring = {tuple(b) for b in ring_bonds}
    ring_t: list[tuple[float, int]] = []
    cf_t: list[float] = []
    for k, (i, j) in enumerate(bonds):
        t = _break_time(times, lengths[:, k], float(lengths[0, k]), persist_fs)
        if t is None:
            continue
        if (i, j) in ring:
            ring_t.append((t, k))
        if {symbols[i], symbols[j]} == {"C", "F"}:
            cf_t.append(t)
    return ring_t, cf_t


@dataclass
class ReactionEvents:
    """Events detected in one trajectory (times in fs, distances in A; None: not observed)."""

    adsorbate: str
    seed: int
    ring_opening_fs: float | None
    ring_bond: str | None
    cf_cleavage_fs: float | None
    na_f_at_80fs_A: float | None
    duration_fs: float
    energy_drift_meV_per_atom: float
    source: str = "computed"


def na_f_at(trajectory: Trajectory, time_fs: float) -> float | None:
    """Shortest F-Na distance [A] at the recorded step nearest to ``time_fs`` (None without F)."""
    if not trajectory.na_f_A:
        return None
    times = np.asarray(trajectory.times_fs)
    if time_fs > times[-1] + 1e-9:
        return None
    return float(np.asarray(trajectory.na_f_A)[int(np.argmin(np.abs(times - time_fs)))])


def analyse(trajectory: Trajectory, persist_fs: float = BREAK_PERSIST_FS) -> ReactionEvents:
    """Ring opening, C-F cleavage and the Na-F distance at 80 fs (criteria: module docstring).

    Parameters
    ----------
    trajectory : Trajectory
        One MD run (times [fs], bond lengths [A]).
    persist_fs : float, optional
        Time [fs] a bond must stay stretched to count as broken.

    Returns
    -------
    ReactionEvents
        Event times [fs] and the Na-F distance [A] of this run.
    """
    times = np.asarray(trajectory.times_fs)
    broken, cf_t = _broken_bonds(
        times,
        np.asarray(trajectory.bond_lengths_A),
        trajectory.bonds,
        trajectory.ring_bonds,
        trajectory.symbols,
        persist_fs,
    )
    ring_t = [(t, trajectory.bond_label(k)) for t, k in broken]
    first_ring = min(ring_t) if ring_t else (None, None)
    return ReactionEvents(
        adsorbate=trajectory.adsorbate,
        seed=trajectory.seed,
        ring_opening_fs=first_ring[0],
        ring_bond=first_ring[1],
        cf_cleavage_fs=min(cf_t) if cf_t else None,
        na_f_at_80fs_A=na_f_at(trajectory, 80.0),
        duration_fs=float(times[-1]),
        energy_drift_meV_per_atom=trajectory.energy_drift_meV_per_atom(),
        source=trajectory.source,
    )


def _censored_median(values: Sequence[float | None]) -> float | None:
    # Not observed = later than the run: +inf; the median is None when it falls on an inf.
    arr = np.array([math.inf if v is None else float(v) for v in values])
    if arr.size == 0:
        return None
    m = float(np.median(arr))
    return None if not math.isfinite(m) else m


@dataclass
class MDSummary:
    """Events of one adsorbate over all seeds.

    Attributes
    ----------
    adsorbate : str
        Name.
    events : list of ReactionEvents
        One per seed.
    ring_opening_fs, cf_cleavage_fs : float or None
        Medians over seeds (None: not observed in half of the seeds or more).
    na_f_at_80fs_A : float or None
        Median over seeds of the shortest Na-F distance at 80 fs [A].
    duration_fs : float
        Length of the trajectories [fs].
    """

    adsorbate: str
    events: list[ReactionEvents]
    trajectories: list[Trajectory] = field(repr=False, default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def interval(self, attribute: str) -> Any:
        """Median over seeds of an event attribute with its bootstrap 95 % interval
        (:func:`solidna.quantum.stats.bootstrap_median`).

        Parameters
        ----------
        attribute : str
            Name of a :class:`ReactionEvents` attribute (e.g. ``"cf_cleavage_fs"``).

        Returns
        -------
        Interval
            Median and 95 % interval, in the attribute's unit.
        """
        from solidna.quantum.stats import bootstrap_median

        return bootstrap_median([getattr(e, attribute) for e in self.events])

    def fraction(self, attribute: str) -> tuple[int, int]:
        """(seeds in which the event was observed, seeds).

        Parameters
        ----------
        attribute : str
            Name of a :class:`ReactionEvents` attribute.

        Returns
        -------
        tuple of int
            (seeds with the event, seeds).
        """
        return sum(getattr(e, attribute) is not None for e in self.events), len(self.events)

    @property
    def ring_opening_fs(self) -> float | None:
        """Median ring-opening time [fs]."""
        return _censored_median([e.ring_opening_fs for e in self.events])

    @property
    def cf_cleavage_fs(self) -> float | None:
        """Median C-F cleavage time [fs]."""
        return _censored_median([e.cf_cleavage_fs for e in self.events])

    @property
    def na_f_at_80fs_A(self) -> float | None:
        """Median Na-F distance at 80 fs [A]."""
        values = [e.na_f_at_80fs_A for e in self.events if e.na_f_at_80fs_A is not None]
        return float(np.median(values)) if values else None

    @property
    def duration_fs(self) -> float:
        """Shortest trajectory length [fs]."""
        return min(e.duration_fs for e in self.events)

    @property
    def sources(self) -> list[str]:
        """``"computed"``/``"cache"`` per seed."""
        return [e.source for e in self.events]

    def per_seed_text(self, attribute: str, unit: str = "fs", scale: float = 1.0) -> str:
        """``"seed 1: 84 fs, seed 2: not observed, ..."``.

        Parameters
        ----------
        attribute : str
            Name of a :class:`ReactionEvents` attribute.
        unit : str, optional
            Unit written after each value.
        scale : float, optional
            Factor applied to each value before writing it [-].

        Returns
        -------
        str
            One entry per seed.
        """
        parts = []
        for e in self.events:
            v = getattr(e, attribute)
            parts.append(
                f"seed {e.seed}: " + ("not observed" if v is None else f"{v * scale:.3g} {unit}")
            )
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (no trajectories)."""
        return {
            "adsorbate": self.adsorbate,
            "ring_opening_fs": self.ring_opening_fs,
            "cf_cleavage_fs": self.cf_cleavage_fs,
            "na_f_at_80fs_A": self.na_f_at_80fs_A,
            "duration_fs": self.duration_fs,
            "events": [dataclasses.asdict(e) for e in self.events],
        }


def summarise(trajectories: Sequence[Trajectory]) -> MDSummary:
    """Analyse every trajectory of one adsorbate and collect the events.

    Parameters
    ----------
    trajectories : sequence of Trajectory
        The runs of one adsorbate (one per seed).

    Returns
    -------
    MDSummary
        Events of every run.
    """
    events = [analyse(t) for t in trajectories]
    name = trajectories[0].adsorbate if trajectories else ""
    return MDSummary(adsorbate=name, events=events, trajectories=list(trajectories))


_SEEDS_DONE = re.compile(r"\((\d+)/(\d+) seeds\)")


def seeds_done_fraction(text: str) -> float | None:
    """Fraction of the seeds done, read from a :func:`reactive_md` message ``"... (k/n seeds)"``.

    Parameters
    ----------
    text : str
        A progress message of :func:`reactive_md`.

    Returns
    -------
    float or None
        k / n, or None when the message does not say how many seeds are done.
    """
    found = _SEEDS_DONE.search(text)
    return int(found[1]) / int(found[2]) if found else None


def worker_count(workers: int | None = None) -> int:
    """Worker processes for independent seeds: ``workers`` (checked), else ``$SOLIDNA_WORKERS``,
    else min(2, CPU count).

    ``SOLIDNA_WORKERS`` must be a whole number >= 1 (e.g. ``export SOLIDNA_WORKERS=4``); unset
    or empty means the default.

    Parameters
    ----------
    workers : int, optional
        Worker processes asked for, a whole number >= 1; None for ``$SOLIDNA_WORKERS`` or the
        default.

    Returns
    -------
    int
        The number of worker processes [-].

    Raises
    ------
    InvalidOptionError
        ``workers`` or ``$SOLIDNA_WORKERS`` is not a whole number >= 1 (named with its value).
    """
    if workers is None:
        wanted = env_count("SOLIDNA_WORKERS")
        return wanted if wanted is not None else max(1, min(2, os.cpu_count() or 1))
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise InvalidOptionError(
            f"workers must be a whole number >= 1 (processes running MD seeds at once); got "
            f"{workers!r}. Pass e.g. workers=2, or None for the default ($SOLIDNA_WORKERS, else "
            "min(2, CPU count))."
        )
    return int(workers)


#: The environment of the MD worker processes: one OpenMP (tblite) and BLAS thread each, as the
#: workers already share out the cores.
WORKER_THREADS_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def _seed_pool(n_workers: int) -> Iterator[Any]:
    """A process pool whose workers start with :data:`WORKER_THREADS_ENV`.

    OpenMP (libgomp, under tblite) and OpenBLAS read their thread counts once, when they are
    loaded. Setting ``OMP_NUM_THREADS`` inside a worker that is already running comes too late
    (numpy and this module are imported before the first seed runs), and a forked worker keeps
    the parent's runtimes as they are (tblite is loaded in the parent by the xTB optimisation of
    the start geometry, and libgomp is not safe to use after a fork once it has started threads).
    So the workers are spawned (fresh interpreters) while the parent's environment holds the
    setting, which is restored when the pool closes.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    saved = {name: os.environ.get(name) for name in WORKER_THREADS_ENV}
    os.environ.update(WORKER_THREADS_ENV)
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=context) as pool:
            yield pool
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_seed(start: Molecule, cfg: MDSettings, seed: int) -> dict[str, Any]:
    # in a worker process (one thread, set by _seed_pool): the trajectory as plain data
    return run_trajectory(start, cfg, seed).as_dict()


@fill_doc
def reactive_md(
    adsorbate: Molecule,
    settings: MDSettings | str = "fast",
    *,
    cache: ResultsCache | bool | None = True,
    message: MessageCallback = _quiet,
    workers: int | None = None,
) -> MDSummary:
    """Run (or read from the cache) one trajectory per seed and summarise the events.

    Parameters
    ----------
    adsorbate : Molecule
        The free molecule or complex (optimised here with GFN2-xTB in vacuum first).
    settings : MDSettings or str
        ``"test"``, ``"fast"`` (default) or ``"paper"``.
    %(cache)s
        The key holds the adsorbate, the settings, the seed and the package versions.
    message : callable, optional
        Progress messages: ``"<name> seed <s>: read from cache"``, ``"... <t>/<T> fs"`` (one
        worker) and ``"... done (<k>/<n> seeds)"``.
    workers : int, optional
        Seeds run at the same time in worker processes, a whole number >= 1 (default
        :func:`worker_count`: ``$SOLIDNA_WORKERS``, else min(2, CPU count)). The
        seeds are independent, CPU-bound trajectories of ~10-30 s each, so a process pool from
        the standard library is enough: no scheduler to start (a Dask LocalCluster costs ~2 s and
        a dependency), and one failed seed is recorded in ``MDSummary.failures``, not fatal.
    """
    from concurrent.futures import as_completed

    from solidna.quantum.orbitals import resolve_cache

    require("tblite", "ase")
    cfg = get_md_settings(settings)
    store = resolve_cache(cache)
    n_workers = worker_count(workers)
    thread_count()  # a malformed $SOLIDNA_THREADS / $OMP_NUM_THREADS is refused before any work
    found: dict[int, Trajectory] = {}
    missing: list[int] = []
    payloads = {
        seed: {"adsorbate": adsorbate.key(), "settings": cfg.as_dict(), "seed": int(seed)}
        for seed in cfg.seeds
    }
    for seed in cfg.seeds:
        hit = store.get("md", payloads[seed])
        if hit is not None:
            message(f"{adsorbate.name} seed {seed}: read from cache")
            found[seed] = Trajectory.from_dict(hit)
        else:
            missing.append(seed)
    failures: list[dict[str, Any]] = []
    if missing:
        message(f"{adsorbate.name}: GFN2-xTB optimisation in vacuum")
        start = md_adsorbate(adsorbate)

        def done(seed: int, traj: Trajectory) -> None:
            store.put("md", payloads[seed], traj.as_dict())
            found[seed] = traj
            message(f"{adsorbate.name} seed {seed}: done ({len(found)}/{len(cfg.seeds)} seeds)")

        if n_workers == 1 or len(missing) == 1:
            for seed in missing:
                message(f"{adsorbate.name} seed {seed}: {cfg.duration_fs:g} fs of GFN2-xTB MD")
                try:
                    done(seed, run_trajectory(start, cfg, seed, message=message))
                except ConvergenceError as exc:
                    failures.append({"seed": seed, "error": str(exc)})
        else:
            message(
                f"{adsorbate.name}: {len(missing)} seeds of GFN2-xTB MD on "
                f"{min(n_workers, len(missing))} workers"
            )
            with _seed_pool(min(n_workers, len(missing))) as pool:
                futures = {pool.submit(_run_seed, start, cfg, seed): seed for seed in missing}
                for future in as_completed(futures):
                    seed = futures[future]
                    try:
                        done(seed, Trajectory.from_dict(future.result()))
                    except ConvergenceError as exc:
                        failures.append({"seed": seed, "error": str(exc)})
    trajectories = [found[seed] for seed in cfg.seeds if seed in found]
    if not trajectories:
        raise ConvergenceError(
            f"Every MD seed of {adsorbate.name} failed: "
            + "; ".join(f"seed {f['seed']}: {f['error']}" for f in failures)
        )
    summary = summarise(trajectories)
    summary.failures = failures
    return summary
