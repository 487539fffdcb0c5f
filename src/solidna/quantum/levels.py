"""Levels of theory: what a frontier-orbital or reactive-MD result was computed with.

A :class:`Level` states everything that changes an orbital energy: functional, basis (with diffuse
functions above the ``test`` level, because a LUMO near 0 eV is a diffuse state), the implicit
solvent (model, permittivity, cavity radii) and how the geometry was optimised. An
:class:`MDSettings` does the same for the reactive MD of Fig. 1d. Every result carries the
``as_dict()`` of the level it came from, and the cache key includes it.

Levels
------
``test``
    B3LYP/3-21G in the gas phase on GFN2-xTB geometries: seconds per molecule, for the test suite.
    Not for numbers: no diffuse functions and no solvent (a bare Na+ then shifts every orbital by
    several eV).
``fast`` (default of ``solidna screen`` and ``solidna reproduce``)
    B3LYP/6-31+G(d), IEF-PCM (eps = 78.4, UFF x 1.1 cavity), on geometries optimised with
    GFN2-xTB in ALPB implicit solvent of the same permittivity. About a minute per molecule.
``paper``
    B3LYP/6-311+G(d,p)//B3LYP/6-31+G(d), both in IEF-PCM: GFN2-xTB pre-optimisation, then DFT
    optimisation with geomeTRIC at B3LYP/6-31+G(d)/IEF-PCM, then the orbitals with the larger basis.
    The combination typical of the carbonate-additive literature the paper cites (its own level of
    theory is not given).

Why these solvent settings
--------------------------
* eps = 78.4 (water's value; kept as the default for continuity with earlier results): FEC's own
  permittivity is about 107 (:data:`FEC_PERMITTIVITY_LIQUID`), and the treatment reagent is 1 M
  NaClO4 in FEC. :mod:`solidna.quantum.study` computes both and shows that the difference is
  small. At the ``paper`` level and geometry the FEC LUMO shift on Na+ binding is -0.37, -0.32
  and -0.31 eV for eps = 40, 78.4 and 110 (solidna 0.1, PySCF 2.14).
* Cavity radii UFF x 1.1 (the Gaussian default for PCM, also PySCF's ddCOSMO default) rather than
  PySCF's PCM default (modified Bondi x 1.2): with Bondi x 1.2 the Na+ sphere is 2.72 A and the
  solvation free energy of Na+ is only about -60 kcal/mol at this level, with UFF x 1.1 (1.64 A)
  it is about -100 kcal/mol, within the experimental range (about -87 to -103 kcal/mol depending
  on the proton reference; Marcus 1991, Kelly, Cramer & Truhlar 2006). A cation in a too-large
  cavity is under-screened and its field lowers the LUMO of its ligand too much. The test
  ``tests/physics/test_quantum_physics.py`` checks this solvation energy. This choice was made on
  that physical ground, not to match Fig. 1c. The number depends on it: at the ``paper`` level
  and geometry the shift is -0.32 eV with UFF x 1.1 and -1.33 eV with Bondi x 1.2 (-5.2 eV in
  the gas phase), on either side of the paper's -0.89 eV.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Self

from solidna._docstrings import fill_doc
from solidna.errors import check_choice

__all__ = [
    "Level",
    "MDSettings",
    "LEVELS",
    "MD_LEVELS",
    "DEFAULT_LEVEL",
    "get_level",
    "get_md_settings",
    "FEC_PERMITTIVITY",
    "FEC_PERMITTIVITY_LIQUID",
    "FEC_SMD_DESCRIPTORS",
    "SOLVENT_MODELS",
]

#: Relative permittivity of the default levels' implicit solvent (water's 78.4; see above).
FEC_PERMITTIVITY = 78.4
#: Relative permittivity of liquid FEC, about 107 (literature value as usually quoted for FEC at
#: 25-40 C; estimates range ~ 100-110). Used by the level-of-theory study.
FEC_PERMITTIVITY_LIQUID = 107.0
#: SMD solvent descriptors for FEC, which has no entry in the Minnesota SMD table (PySCF's
#: ``solvent_db`` order: n, n at 25 C, Abraham alpha, beta, macroscopic surface tension gamma
#: [cal mol-1 A-2], eps, aromaticity phi, halogenicity psi). Assumed: n = 1.40 (carbonates
#: 1.39-1.42), alpha = 0 (no H-bond donor, as PC), beta = 0.45 (carbonyl acceptor, between esters
#: and PC), gamma = 1.439 x 40 dyn/cm (carbonate surface tensions ~ 40 dyn/cm), psi = 1/7 (one F of
#: seven heavy atoms). Only eps and alpha (through the O radius of SMD) change the orbitals; the
#: others enter the cavity-dispersion energy, never a HOMO or LUMO.
FEC_SMD_DESCRIPTORS = (1.40, 1.40, 0.0, 0.45, 57.56, FEC_PERMITTIVITY_LIQUID, 0.0, 1.0 / 7.0)
#: Implicit-solvent models a :class:`Level` may name (PySCF 2.14 has SMD in pyscf.solvent.smd).
SOLVENT_MODELS = ("IEF-PCM", "C-PCM", "ddCOSMO", "SMD")

#: Name of the level used by ``solidna screen`` and ``solidna reproduce`` unless told otherwise.
DEFAULT_LEVEL = "fast"


class _Settings:
    """What the settings dataclasses share (each has a ``label`` property): a record of all
    settings and a changed copy."""

    def as_dict(self) -> dict[str, Any]:
        """All settings (for run records and cache keys)."""
        return dataclasses.asdict(self) | {"label": self.label}

    def replace(self, **changes: Any) -> Self:
        """A copy with some settings changed (``level.replace(basis="def2-SVPD")``)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Level(_Settings):
    """A level of theory for frontier orbitals.

    Attributes
    ----------
    name : str
        Short name (``"test"``, ``"fast"``, ``"paper"`` or a user's own).
    functional : str
        Exchange-correlation functional as PySCF spells it (``"B3LYP"``).
    basis : str
        Orbital basis of the single point that gives HOMO and LUMO.
    solvent : str or None
        ``"IEF-PCM"``, ``"C-PCM"``, ``"ddCOSMO"``, ``"SMD"`` (SMD radii and FEC's descriptors,
        :data:`FEC_SMD_DESCRIPTORS`, with ``epsilon``) or ``None`` (gas phase).
    epsilon : float or None
        Relative permittivity of the implicit solvent (dimensionless).
    cavity : str
        Cavity radii: ``"uff*1.1"`` (Gaussian default) or ``"bondi*1.2"`` (PySCF PCM default).
    optimizer : str
        ``"xtb"`` (GFN2-xTB only) or ``"xtb+dft"`` (GFN2-xTB, then DFT with geomeTRIC).
    opt_basis : str or None
        Basis of the DFT optimisation (``optimizer == "xtb+dft"``); same functional and solvent.
    xtb_solvation : bool
        Use ALPB implicit solvation with ``epsilon`` in the GFN2-xTB optimisation.
    density_fitting : bool
        Density fitting of the Coulomb and exchange integrals (errors of order 1e-5 Eh, far below
        the meV scale of orbital energies; several times faster).
    auxbasis : str
        Fitting basis: Weigend's universal JK basis covers H-Rn (PySCF's automatic choice has no
        Na for Pople bases and falls back to an even-tempered set with a warning).
    grid_level : int
        PySCF DFT grid level (0-9; 3 is PySCF's default).
    conv_tol : float
        SCF energy convergence threshold [Eh].
    max_cycle : int
        SCF iterations of the first attempt (later attempts get more; see ``orbitals``).
    opt_max_steps : int
        Maximum geomeTRIC steps of the DFT optimisation.
    opt_criteria : tuple of 5 floats
        geomeTRIC convergence criteria of the DFT optimisation: energy change [Eh], RMS and max
        gradient [Eh/Bohr], RMS and max displacement [A]. Default: the forces of Gaussian's
        "loose" set (1.7e-3, 2.5e-3), an energy change of 1e-5 Eh (0.3 meV) and displacements
        10x geomeTRIC's defaults (1.2e-2, 1.8e-2 A). Why: on the soft Na+...O=C bending mode of a
        complex, geomeTRIC's default set took 20 steps (15 min) for FEC-Na+ while the energy had
        stopped changing by more than 1e-5 Eh after 8 and the LUMO by more than a few meV.
    description : str
        One line for tables and run records.
    """

    name: str
    functional: str = "B3LYP"
    basis: str = "6-31+G(d)"
    solvent: str | None = "IEF-PCM"
    epsilon: float | None = FEC_PERMITTIVITY
    cavity: str = "uff*1.1"
    optimizer: str = "xtb"
    opt_basis: str | None = None
    xtb_solvation: bool = True
    density_fitting: bool = True
    auxbasis: str = "def2-universal-jkfit"
    grid_level: int = 3
    conv_tol: float = 1e-9
    max_cycle: int = 60
    opt_max_steps: int = 40
    opt_criteria: tuple[float, float, float, float, float] = (1e-5, 1.7e-3, 2.5e-3, 1.2e-2, 1.8e-2)
    description: str = ""

    def __post_init__(self) -> None:
        check_choice("optimizer", self.optimizer, ("xtb", "xtb+dft"))
        check_choice("cavity", self.cavity, ("uff*1.1", "bondi*1.2"))
        if len(self.opt_criteria) != 5 or not all(c > 0 for c in self.opt_criteria):
            from solidna.errors import InvalidOptionError

            raise InvalidOptionError(
                f"Level {self.name!r}: opt_criteria needs five positive numbers (energy [Eh], RMS "
                f"and max gradient [Eh/Bohr], RMS and max displacement [A]), got {self.opt_criteria!r}."
            )
        if self.solvent is not None:
            check_choice("solvent model", self.solvent, SOLVENT_MODELS)
            if self.epsilon is None or not self.epsilon > 1.0:
                from solidna.errors import OutOfRangeError

                raise OutOfRangeError(
                    f"Level {self.name!r}: a solvent needs a relative permittivity above 1, got "
                    f"epsilon={self.epsilon!r}. Give e.g. epsilon=78.4 (FEC) or solvent=None."
                )
        if self.optimizer == "xtb+dft" and not self.opt_basis:
            from solidna.errors import InvalidOptionError

            raise InvalidOptionError(
                f"Level {self.name!r}: optimizer 'xtb+dft' needs opt_basis (e.g. '6-31+G(d)')."
            )

    @property
    def label(self) -> str:
        """Human-readable level, e.g. ``"B3LYP/6-31+G(d), IEF-PCM(eps=78.4) // GFN2-xTB"``."""
        solv = "gas phase" if self.solvent is None else f"{self.solvent}(eps={self.epsilon:g})"
        if self.optimizer == "xtb+dft":
            geom = f"{self.functional}/{self.opt_basis}"
        else:
            geom = "GFN2-xTB" + ("(ALPB)" if self.xtb_solvation and self.solvent else "")
        return f"{self.functional}/{self.basis}, {solv} // {geom}"


LEVELS: dict[str, Level] = {
    "test": Level(
        name="test",
        basis="3-21G",
        solvent=None,
        epsilon=None,
        xtb_solvation=False,
        grid_level=2,
        conv_tol=1e-10,  # tight: the invariance tests compare total energies to 1e-6 Eh
        description="small basis, gas phase, GFN2-xTB geometry: for tests only",
    ),
    "fast": Level(
        name="fast",
        basis="6-31+G(d)",
        description="B3LYP/6-31+G(d) in IEF-PCM on GFN2-xTB(ALPB) geometries",
    ),
    "paper": Level(
        name="paper",
        basis="6-311+G(d,p)",
        optimizer="xtb+dft",
        opt_basis="6-31+G(d)",
        description="B3LYP/6-311+G(d,p)//B3LYP/6-31+G(d), IEF-PCM, geomeTRIC optimisation",
    ),
}


@fill_doc
def get_level(level: str | Level) -> Level:
    """The :class:`Level` called ``level`` (or ``level`` itself when it is one).

    Parameters
    ----------
    level : str or Level
        Name of a level of :data:`LEVELS` (``"test"``, ``"fast"``, ``"paper"``), or a
        :class:`Level`.

    Returns
    -------
    Level
        The level of theory (functional, bases, implicit solvent and its permittivity,
        geometry optimisation).

    %(Raises: unknown_name)s
    """
    return _named(level, Level, LEVELS, "level of theory")


def _named(value: Any, cls: type, table: dict[str, Any], what: str) -> Any:
    """``value`` itself when it is a ``cls``, else the entry of ``table`` it names (checked)."""
    if isinstance(value, cls):
        return value
    return table[check_choice(what, str(value), table)]


@dataclass(frozen=True)
class MDSettings(_Settings):
    """Settings of the reactive MD of Fig. 1d (GFN2-xTB via tblite, NVE with ASE).

    Attributes
    ----------
    name : str
        Short name (``"test"``, ``"fast"``, ``"paper"``).
    method : str
        tblite method (``"GFN2-xTB"``).
    electronic_temperature_K : float
        Fermi smearing temperature of the xTB SCF [K]. The Na cluster is a metal, whose SCF
        stalls without smearing. 1000 K (k_B T = 0.086 eV) converged for every cluster used here
        (Na13 with FEC and FEC-Na+ over whole trajectories), while two-layer 4x4 and 5x5 clusters
        failed even at 1500-3000 K and a three-layer Na30 cluster failed along a trajectory
        (measured with tblite 0.8). Smearing should stay small: a level 0.3 eV above
        the Fermi level gets 3 % of an electron at 1000 K but 24 % at 3000 K, which would feed the
        reduction of the adsorbate artificially.
    timestep_fs : float
        Velocity-Verlet time step [fs]. 0.5 fs resolves C-H stretches (period ~11 fs).
    duration_fs : float
        Length of each trajectory [fs]; at least twice the paper's 117 fs C-F cleavage time so
        that "not observed" is itself a decided miss of the factor-2 tolerance.
    temperature_K : float
        Temperature of the initial Maxwell-Boltzmann velocities [K].
    seeds : tuple of int
        Random seeds: each sets the initial velocities and the azimuth of the adsorbate.
    cluster_size : int
        Top layer of the Na(100) cluster is ``cluster_size x cluster_size`` atoms.
    cluster_layers : int
        Number of (100) layers; each layer below has one atom fewer per row (a truncated pyramid
        of bcc stacking, so every atom has neighbours below it).
    contact_distance_A : float
        Initial shortest distance between the adsorbate and a cluster atom [A].
    record_every : int
        Keep every n-th step in the trajectory analysis.
    stop_margin_fs : float or None
        Stop a trajectory early once every event of interest has happened (ring opening, and C-F
        cleavage when the adsorbate has a C-F bond, each held for the break criterion's hold
        time) and this margin [fs] has passed since the later one, but not before
        ``min_duration_fs``. None: always run ``duration_fs``. A trajectory without an event
        always runs to ``duration_fs``, so "not observed" keeps meaning "not within the full
        run" (the censoring that :mod:`solidna.quantum.stats` relies on).
    min_duration_fs : float
        Shortest trajectory when stopping early [fs]: 100 fs covers the paper's 80-fs Na-F
        snapshot with a margin.
    """

    name: str
    method: str = "GFN2-xTB"
    electronic_temperature_K: float = 1000.0
    timestep_fs: float = 0.5
    duration_fs: float = 250.0
    temperature_K: float = 300.0
    seeds: tuple[int, ...] = (1, 2, 3)
    cluster_size: int = 3
    cluster_layers: int = 2
    contact_distance_A: float = 2.5
    record_every: int = 1
    stop_margin_fs: float | None = None
    min_duration_fs: float = 100.0
    description: str = field(default="")

    def __post_init__(self) -> None:
        from solidna.errors import OutOfRangeError

        for attr in ("timestep_fs", "duration_fs", "temperature_K", "electronic_temperature_K"):
            if not getattr(self, attr) > 0:
                raise OutOfRangeError(
                    f"MD settings {self.name!r}: {attr} must be positive, got {getattr(self, attr)!r}."
                )
        if self.cluster_layers < 1 or self.cluster_size - self.cluster_layers + 1 < 1:
            raise OutOfRangeError(
                f"MD settings {self.name!r}: a {self.cluster_size}x{self.cluster_size} top layer "
                f"cannot have {self.cluster_layers} layers below it shrinking by one row each."
            )
        if not self.seeds:
            raise OutOfRangeError(f"MD settings {self.name!r}: give at least one seed.")
        if len(set(self.seeds)) != len(self.seeds):
            raise OutOfRangeError(f"MD settings {self.name!r}: seeds repeat: {self.seeds!r}.")
        if self.stop_margin_fs is not None and self.stop_margin_fs < 0:
            raise OutOfRangeError(
                f"MD settings {self.name!r}: stop_margin_fs must be >= 0 or None, got "
                f"{self.stop_margin_fs!r}."
            )

    @property
    def n_steps(self) -> int:
        """Number of MD steps."""
        return int(round(self.duration_fs / self.timestep_fs))

    @property
    def label(self) -> str:
        """Human-readable settings."""
        stop = (
            ""
            if self.stop_margin_fs is None
            else f" (stopped {self.stop_margin_fs:g} fs after the events, >= "
            f"{self.min_duration_fs:g} fs)"
        )
        return (
            f"{self.method} (tblite), T_el = {self.electronic_temperature_K:g} K, NVE "
            f"{self.duration_fs:g} fs{stop} x {len(self.seeds)} seeds, "
            f"dt = {self.timestep_fs:g} fs, "
            f"{self.temperature_K:g} K start, Na(100) cluster {self.cluster_size}x"
            f"{self.cluster_size}x{self.cluster_layers}"
        )


MD_LEVELS: dict[str, MDSettings] = {
    "test": MDSettings(
        name="test",
        duration_fs=20.0,
        seeds=(1,),
        cluster_size=2,
        cluster_layers=2,
        description="tiny cluster, 20 fs: for tests only",
    ),
    # Na13: 0.05 s per step on one core. 8 seeds per adsorbate (the fewest for which a one-sided
    # Mann-Whitney test of 8 vs 8 can reach p < 0.001; with 3 vs 3 the smallest p is 0.05), each
    # stopped 20 fs after its events (which come at 30-60 fs) but never before 100 fs: ~100-120 fs
    # instead of 250 fs, ~3 min of one core for 16 trajectories, half that on two workers.
    "fast": MDSettings(
        name="fast",
        seeds=(1, 2, 3, 4, 5, 6, 7, 8),
        stop_margin_fs=20.0,
        description="Na13 cluster (3x3 top face), 8 seeds, 250 fs or 20 fs after the events",
    ),
    # More seeds and longer runs on the same Na13 cluster. A Na30 cluster (4x4 top face, 3 layers)
    # was tried and its xTB SCF failed at 78 fs of an FEC-Na+ run even with damping 0.2 and 1000
    # iterations (tblite 0.8, T_el = 1000 K), so no larger cluster is offered.
    "paper": MDSettings(
        name="paper",
        duration_fs=300.0,
        seeds=tuple(range(1, 17)),
        description="Na13 cluster (3x3 top face), 16 seeds, 300 fs",
    ),
}


@fill_doc
def get_md_settings(settings: str | MDSettings) -> MDSettings:
    """The :class:`MDSettings` called ``settings`` (or ``settings`` itself).

    Parameters
    ----------
    settings : str or MDSettings
        Name of settings of :data:`MD_LEVELS` (``"test"``, ``"fast"``, ``"paper"``), or an
        :class:`MDSettings`.

    Returns
    -------
    MDSettings
        The reactive-MD settings (method, temperatures [K], time step and duration [fs], seeds,
        Na cluster).

    %(Raises: unknown_name)s
    """
    return _named(settings, MDSettings, MD_LEVELS, "MD level")
