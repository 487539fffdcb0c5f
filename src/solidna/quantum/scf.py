"""PySCF set-up: molecule, DFT with implicit solvent, and an SCF that tries more than once.

:func:`run_scf` tries DIIS, then DIIS with level shift and damping, then second-order (Newton)
SCF; if none converges it raises :class:`~solidna.errors.ConvergenceError` that lists what was
tried and how far each attempt got - never a bare PySCF traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from solidna._docstrings import fill_doc
from solidna.errors import ConvergenceError, InvalidOptionError
from solidna.quantum.levels import Level
from solidna.quantum.molecules import Molecule

__all__ = [
    "HARTREE_EV",
    "configure_threads",
    "thread_count",
    "env_count",
    "pyscf_basis",
    "build_mole",
    "build_scf",
    "run_scf",
    "SCFReport",
]

#: CODATA 2018 Hartree energy in eV (the value PySCF uses, pyscf.data.nist.HARTREE2EV).
HARTREE_EV = 27.211386245988

#: Level shift [Eh] and damping of the second SCF attempt: a 0.25 Eh shift keeps occupied and
#: virtual orbitals from swapping (the usual cause of DIIS oscillation in a small-gap complex).
LEVEL_SHIFT_EH = 0.25
DAMPING = 0.3


def configure_threads() -> int:
    """Set PySCF's OpenMP threads to :func:`thread_count` (which says where the number comes
    from and refuses a malformed setting) and return that number.

    One thread by default: on the project's shared two-core machines, B3LYP/3-21G for FEC took
    5.7 s with one thread and 13.6 s with two (OpenMP threads wait on cores other users hold).
    Set ``SOLIDNA_THREADS=2`` on a machine of your own.
    """
    from pyscf import lib

    n = thread_count()
    lib.num_threads(n)
    return n


def thread_count() -> int:
    """Threads for PySCF and tblite: ``$SOLIDNA_THREADS``, else ``$OMP_NUM_THREADS``, else 1.

    ``SOLIDNA_THREADS`` (solidna's own, read first) must be a whole number >= 1;
    ``OMP_NUM_THREADS`` a whole number >= 1 or OpenMP's comma list of them (the first counts).

    Returns
    -------
    int
        The number of threads [-].

    Raises
    ------
    InvalidOptionError
        One of the variables is set but is not what it may be (never silently replaced by 1).
    """
    own = env_count("SOLIDNA_THREADS")
    if own is not None:
        return own
    openmp = env_count("OMP_NUM_THREADS", openmp_list=True)
    return 1 if openmp is None else openmp


def env_count(name: str, *, openmp_list: bool = False) -> int | None:
    """The environment variable ``name`` as a whole number >= 1, or None when it is unset or empty.

    Parameters
    ----------
    name : str
        The variable (``"SOLIDNA_WORKERS"``, ``"SOLIDNA_THREADS"``, ...).
    openmp_list : bool, optional
        Accept OpenMP's comma-separated list (``"4,2"``: threads per nesting level) and return
        its first entry.

    Returns
    -------
    int or None
        The count [-], or None when the variable is not set.

    Raises
    ------
    InvalidOptionError
        The value is not a whole number >= 1; the message names the variable, the value, what
        is allowed and how to fix it.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    text = raw.split(",")[0].strip() if openmp_list else raw
    value = int(text) if text.isdecimal() else 0
    if value < 1:
        raise InvalidOptionError(
            f"The environment variable {name}={raw!r} is not a whole number >= 1. Set it to "
            f"one, e.g. 'export {name}=2', or unset it ('unset {name}') for the default."
        )
    return value


def pyscf_basis(name: str) -> str:
    """PySCF's spelling of a basis name: ``"6-31+G(d)"`` -> ``"6-31+g*"``.

    Parameters
    ----------
    name : str
        Basis set name, e.g. ``"6-31+G(d)"``.

    Returns
    -------
    str
        PySCF basis name.
    """
    text = name.strip().lower().replace(" ", "")
    return text.replace("(d,p)", "**").replace("(d)", "*")


@fill_doc
def build_mole(molecule: Molecule, basis: str) -> Any:
    """A ``pyscf.gto.Mole`` for ``molecule`` (coordinates in A) in ``basis``.

    Parameters
    ----------
    %(scf_molecule)s
    basis : str
        Basis set name (any spelling :func:`pyscf_basis` accepts).

    Returns
    -------
    pyscf.gto.Mole
        The PySCF molecule (built, coordinates in A).
    """
    from pyscf import gto

    atoms = [
        (s, tuple(float(x) for x in xyz))
        for s, xyz in zip(molecule.symbols, molecule.coordinates_A, strict=True)
    ]
    return gto.M(
        atom=atoms,
        basis=pyscf_basis(basis),
        charge=molecule.charge,
        spin=molecule.multiplicity - 1,
        unit="Angstrom",
        verbose=0,
    )


@fill_doc
def build_scf(molecule: Molecule, level: Level, basis: str | None = None) -> Any:
    """A PySCF Kohn-Sham object for ``molecule`` at ``level`` (not yet run).

    Restricted (RKS) for a singlet, unrestricted (UKS) otherwise; density fitting, grid and
    implicit solvent as the level says (see :mod:`solidna.quantum.levels` for the cavity).

    Parameters
    ----------
    %(scf_molecule)s
    level : Level
        Level of theory (functional, grid, solvent, ...).
    basis : str, optional
        Basis set name; default ``level.basis``.

    Returns
    -------
    pyscf.dft.rks.RKS or pyscf.dft.uks.UKS
        The Kohn-Sham object, possibly density-fitted and solvated.
    """
    from pyscf import dft

    configure_threads()
    mol = build_mole(molecule, basis or level.basis)
    mf = dft.RKS(mol) if molecule.multiplicity == 1 else dft.UKS(mol)
    mf.xc = level.functional
    mf.grids.level = level.grid_level
    mf.conv_tol = level.conv_tol
    mf.max_cycle = level.max_cycle
    mf.verbose = 0
    if level.density_fitting:
        mf = mf.density_fit(auxbasis=level.auxbasis)
    if level.solvent == "SMD":
        # SMD's own radii (Na: Bondi 2.27 A); the cavity setting does not apply
        from solidna.quantum._pcm import attach_smd
        from solidna.quantum.levels import FEC_SMD_DESCRIPTORS

        mf = attach_smd(mf)
        descriptors = list(FEC_SMD_DESCRIPTORS)
        descriptors[5] = float(level.epsilon)
        mf.with_solvent.solvent_descriptors = descriptors
        mf.with_solvent.eps = float(level.epsilon)
    elif level.solvent is not None:
        from pyscf.data import radii

        if level.solvent == "ddCOSMO":
            mf = mf.ddCOSMO()
        else:
            from solidna.quantum._pcm import attach_pcm

            mf = attach_pcm(mf)  # PySCF's PCM, surface integrals kept per geometry (3x faster)
            mf.with_solvent.method = level.solvent
        mf.with_solvent.eps = float(level.epsilon)
        if level.cavity == "uff*1.1":
            mf.with_solvent.radii_table = radii.UFF * 1.1
        elif level.solvent == "ddCOSMO":  # bondi*1.2 for ddCOSMO: build the table as PCM does
            from pyscf.solvent.pcm import modified_Bondi

            mf.with_solvent.radii_table = modified_Bondi * 1.2
        # else: PCM's own default, modified Bondi x 1.2
    return mf


@dataclass
class SCFReport:
    """What :func:`run_scf` did: the attempt that converged and every attempt before it."""

    converged_with: str
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for run records."""
        return {"converged_with": self.converged_with, "attempts": list(self.attempts)}


def _attempt_summary(mf: Any, cycles: list[dict[str, float]]) -> str:
    if not cycles:
        return "no SCF cycle completed"
    last = cycles[-1]
    return (
        f"not converged after {len(cycles)} cycles "
        f"(last energy {last['e_tot']:.8f} Eh, energy change {last['delta_e']:.1e} Eh)"
    )


def run_scf(molecule: Molecule, level: Level, basis: str | None = None) -> tuple[Any, SCFReport]:
    """Converge the SCF of ``molecule`` at ``level``; try three strategies before giving up.

    1. DIIS from the MINAO guess, ``level.max_cycle`` cycles.
    2. DIIS with a 0.25 Eh level shift and damping 0.3, twice as many cycles, from the density of
       attempt 1 (the final orbital energies are from an unshifted diagonalisation).
    3. Second-order (Newton) SCF from the orbitals of attempt 2.

    Parameters
    ----------
    molecule, level, basis : as for :func:`build_scf`

    Returns
    -------
    (mf, SCFReport)
        The converged PySCF object and the record of attempts.

    Raises
    ------
    ConvergenceError
        When no attempt converges; the message lists each attempt and how far it got.
    """
    strategies = [
        ("DIIS", {}),
        (
            f"DIIS + level shift {LEVEL_SHIFT_EH} Eh + damping {DAMPING}",
            {"level_shift": LEVEL_SHIFT_EH, "damp": DAMPING, "max_cycle": 2 * level.max_cycle},
        ),
        ("second-order (Newton) SCF", {"newton": True}),
    ]
    attempts: list[dict[str, Any]] = []
    dm = None
    mo = None
    for label, options in strategies:
        mf = build_scf(molecule, level, basis)
        cycles: list[dict[str, float]] = []

        def callback(env: dict[str, Any], _c: list[dict[str, float]] = cycles) -> None:
            _c.append(
                {
                    "e_tot": float(env.get("e_tot", float("nan"))),
                    "delta_e": float(env.get("e_tot", 0.0) - env.get("last_hf_e", 0.0)),
                }
            )

        mf.callback = callback
        if "max_cycle" in options:
            mf.max_cycle = options["max_cycle"]
        if "level_shift" in options:
            mf.level_shift = options["level_shift"]
            mf.damp = options["damp"]
        try:
            if options.get("newton"):
                mf = mf.newton()
                mf.callback = callback
                mf.max_cycle = level.max_cycle
                if mo is not None:
                    mf.kernel(mo[0], mo[1])
                else:
                    mf.kernel()
            else:
                mf.kernel(dm0=dm)
        except Exception as exc:  # a numerical failure inside PySCF is one failed attempt
            attempts.append(
                {"strategy": label, "converged": False, "error": f"{type(exc).__name__}: {exc}"}
            )
            continue
        ok = bool(mf.converged)
        attempts.append(
            {
                "strategy": label,
                "converged": ok,
                "cycles": len(cycles),
                "energy_Eh": float(mf.e_tot),
                "summary": "converged" if ok else _attempt_summary(mf, cycles),
            }
        )
        if ok:
            return mf, SCFReport(converged_with=label, attempts=attempts)
        try:
            dm = mf.make_rdm1()
            mo = (mf.mo_coeff, mf.mo_occ)
        except Exception:  # keep the previous guess
            pass
    tried = "; ".join(
        f"({i}) {a['strategy']}: {a.get('summary') or a.get('error')}"
        for i, a in enumerate(attempts, start=1)
    )
    raise ConvergenceError(
        f"The SCF of {molecule.name} (charge {molecule.charge:+d}, multiplicity "
        f"{molecule.multiplicity}) at {level.label}, basis {basis or level.basis}, did not "
        f"converge to {level.conv_tol:g} Eh. Tried: {tried}. Check the charge and multiplicity, "
        "start from another geometry, or use a smaller basis (e.g. level 'fast')."
    )
