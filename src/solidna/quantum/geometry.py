"""Geometry optimisation: GFN2-xTB (tblite + ASE) as pre-optimiser, DFT with geomeTRIC.

:func:`optimize` does what a :class:`~solidna.quantum.levels.Level` says: always GFN2-xTB first
(from the RDKit force-field geometry; in implicit solvent of the level's permittivity when the
level has a solvent), then for ``optimizer="xtb+dft"`` a DFT optimisation with geomeTRIC at the
level's functional, ``opt_basis`` and solvent. The result's ``geometry`` field says which.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from solidna.errors import ConvergenceError
from solidna.quantum.levels import Level
from solidna.quantum.molecules import Molecule

__all__ = [
    "xtb_optimize",
    "dft_optimize",
    "optimize",
    "XTB_FMAX_EV_A",
    "XTB_MAX_STEPS",
    "XTB_TEMPERATURE_K",
    "XTB_RETRY_TEMPERATURE_K",
]

#: Force threshold of the xTB pre-optimisation [eV/A]: 0.01 eV/A is ASE's usual "tight" value; the
#: DFT step (or the DFT single point) does not need more from a pre-optimiser.
XTB_FMAX_EV_A = 0.01
#: Step limit of the xTB optimisation (molecules here need 30-60 BFGS steps).
XTB_MAX_STEPS = 500
#: Electronic temperature [K] of the xTB optimisation; tblite's default.
XTB_TEMPERATURE_K = 300.0
#: Electronic temperature [K] of the second attempt when the xTB SCF fails at
#: :data:`XTB_TEMPERATURE_K`: the value that converged every Na cluster of the MD
#: (:class:`~solidna.quantum.levels.MDSettings`). The ion pair PF6- + Na+ from its start geometry
#: failed at 300 K (250 SCF cycles) and converged at 1000 K (tblite 0.8);
#: the geometry is then polished at 300 K.
XTB_RETRY_TEMPERATURE_K = 1000.0

# geomeTRIC's names of the five criteria of Level.opt_criteria
_CRITERIA = (
    "convergence_energy",
    "convergence_grms",
    "convergence_gmax",
    "convergence_drms",
    "convergence_dmax",
)

# geomeTRIC writes its progress to stderr at INFO; we keep warnings only.
_GEOMETRIC_LOG_INI = """[loggers]
keys=root
[handlers]
keys=stream_handler
[formatters]
keys=formatter
[logger_root]
level=WARNING
handlers=stream_handler
[handler_stream_handler]
class=StreamHandler
level=WARNING
formatter=formatter
args=(sys.stderr,)
[formatter_formatter]
format=%(message)s
"""


def _xtb_calculator(
    molecule: Molecule, epsilon: float | None, electronic_temperature_K: float = 300.0
):
    from tblite.ase import TBLite

    # The non-empirical ALPB/GBe model takes a permittivity (tblite's parametrised ALPB knows only
    # named solvents, and FEC is not one of them).
    solvation = ("gbe", float(epsilon), "p16") if epsilon else None
    return TBLite(
        method="GFN2-xTB",
        charge=molecule.charge,
        multiplicity=molecule.multiplicity,
        solvation=solvation,
        electronic_temperature=electronic_temperature_K,
        verbosity=0,
    )


def xtb_optimize(molecule: Molecule, epsilon: float | None = None) -> Molecule:
    """Optimise ``molecule`` with GFN2-xTB (tblite) and ASE's BFGS.

    When the xTB SCF fails at :data:`XTB_TEMPERATURE_K` (ion pairs such as PF6- + Na+ from
    their start geometry), the optimisation is repeated with Fermi smearing at
    :data:`XTB_RETRY_TEMPERATURE_K` and its geometry polished at :data:`XTB_TEMPERATURE_K`;
    the result's ``geometry`` says so.

    Parameters
    ----------
    molecule : Molecule
        Start geometry.
    epsilon : float, optional
        Relative permittivity of an implicit solvent (ALPB, non-empirical GBe form); gas phase
        when None.

    Raises
    ------
    ConvergenceError
        If the xTB SCF fails at both electronic temperatures or BFGS does not reach
        :data:`XTB_FMAX_EV_A` in :data:`XTB_MAX_STEPS` steps.
    """
    from ase.calculators.calculator import CalculationFailed

    solv = f"ALPB eps={epsilon:g}" if epsilon else "gas phase"
    try:
        xyz = _bfgs(molecule, epsilon, XTB_TEMPERATURE_K)
        return molecule.with_coordinates(xyz, f"GFN2-xTB ({solv}), BFGS")
    except CalculationFailed as exc:
        first = str(exc)
    try:
        smeared = _bfgs(molecule, epsilon, XTB_RETRY_TEMPERATURE_K)
    except CalculationFailed as exc:
        raise ConvergenceError(
            f"GFN2-xTB failed for {molecule.name} (charge {molecule.charge:+d}, multiplicity "
            f"{molecule.multiplicity}) during the pre-optimisation: {first} at an electronic "
            f"temperature of {XTB_TEMPERATURE_K:g} K, and {exc} at "
            f"{XTB_RETRY_TEMPERATURE_K:g} K. Check the charge and multiplicity."
        ) from None
    how = f"GFN2-xTB ({solv}), BFGS (xTB SCF smeared at {XTB_RETRY_TEMPERATURE_K:g} K"
    try:  # near the minimum the unsmeared SCF converges: polish there
        xyz = _bfgs(molecule.with_coordinates(smeared, molecule.geometry), epsilon)
    except CalculationFailed:
        return molecule.with_coordinates(smeared, how + "; not converged at 300 K)")
    return molecule.with_coordinates(xyz, how + ", then polished at 300 K)")


def _bfgs(
    molecule: Molecule, epsilon: float | None, temperature_K: float = XTB_TEMPERATURE_K
) -> np.ndarray:
    """BFGS with GFN2-xTB at an electronic temperature [K]: the coordinates [A]; raises ASE's
    CalculationFailed when the xTB SCF fails, ConvergenceError when BFGS does not converge."""
    from ase import Atoms
    from ase.optimize import BFGS

    atoms = Atoms(molecule.symbols, positions=molecule.coordinates_A)
    atoms.calc = _xtb_calculator(molecule, epsilon, temperature_K)
    opt = BFGS(atoms, logfile=None)
    converged = opt.run(fmax=XTB_FMAX_EV_A, steps=XTB_MAX_STEPS)
    if not converged:
        fmax = float(np.max(np.linalg.norm(atoms.get_forces(), axis=1)))
        raise ConvergenceError(
            f"GFN2-xTB optimisation of {molecule.name} did not reach max force "
            f"{XTB_FMAX_EV_A} eV/A in {XTB_MAX_STEPS} BFGS steps (max force {fmax:.3f} eV/A)."
        )
    return atoms.get_positions()


def dft_optimize(
    molecule: Molecule, level: Level, message: Callable[[str], None] | None = None
) -> Molecule:
    """Optimise ``molecule`` at ``level.functional/level.opt_basis`` (+ solvent) with geomeTRIC.

    Convergence: ``level.opt_criteria``; at most ``level.opt_max_steps`` steps.

    ``message(text)``, when given, is called after every step with its energy and gradient.

    Parameters
    ----------
    molecule : Molecule
        Starting geometry (coordinates [A]).
    level : Level
        Level of theory (functional, basis, solvent, optimiser settings).
    message : callable, optional
        Called with a progress text after every optimisation step.

    Returns
    -------
    Molecule
        The optimised molecule (coordinates [A]).

    Raises
    ------
    ConvergenceError
        If an SCF along the way does not converge, or the optimisation does not in the step limit.
    """
    from pyscf.geomopt import geometric_solver

    from solidna.quantum.scf import run_scf

    basis = level.opt_basis or level.basis
    mf, _ = run_scf(molecule, level, basis)  # converged start (with fallbacks), reused below
    with tempfile.TemporaryDirectory(prefix="solidna-geomopt-") as tmp:
        log_ini = Path(tmp) / "log.ini"
        log_ini.write_text(_GEOMETRIC_LOG_INI)
        from pyscf import lib

        old_tmp = lib.param.TMPDIR
        lib.param.TMPDIR = tmp  # geomeTRIC's scratch files go here, not into the working dir
        try:

            def step(env: dict) -> None:
                if message is not None:
                    grad = float(np.linalg.norm(env["gradients"]))
                    message(
                        f"{molecule.name}: DFT optimisation step {env['self'].cycle}, "
                        f"E = {env['energy']:.6f} Eh, |grad| = {grad:.1e} Eh/Bohr"
                    )

            converged, mol_eq = geometric_solver.kernel(
                mf,
                maxsteps=level.opt_max_steps,
                logIni=os.fspath(log_ini),
                callback=step,
                **dict(zip(_CRITERIA, level.opt_criteria, strict=True)),
            )
        except RuntimeError as exc:
            raise ConvergenceError(
                f"DFT optimisation of {molecule.name} at {level.functional}/{basis} failed: {exc}."
            ) from None
        finally:
            lib.param.TMPDIR = old_tmp
    if not converged:
        raise ConvergenceError(
            f"DFT optimisation of {molecule.name} at {level.functional}/{basis} did not converge "
            f"in {level.opt_max_steps} geomeTRIC steps. Raise opt_max_steps or use level 'fast' "
            "(GFN2-xTB geometry)."
        )
    from pyscf.data.nist import BOHR

    solv = f", {level.solvent}(eps={level.epsilon:g})" if level.solvent else ""
    return molecule.with_coordinates(
        mol_eq.atom_coords() * BOHR,
        f"{level.functional}/{basis}{solv}, geomeTRIC (from GFN2-xTB)",
    )


def optimize(
    molecule: Molecule, level: Level, message: Callable[[str], None] | None = None
) -> Molecule:
    """Optimise ``molecule`` as ``level.optimizer`` says (GFN2-xTB, then optionally DFT).

    Parameters
    ----------
    molecule, level, message : as for :func:`dft_optimize`

    Returns
    -------
    Molecule
        The optimised molecule (coordinates [A]).
    """
    epsilon = level.epsilon if (level.solvent is not None and level.xtb_solvation) else None
    pre = xtb_optimize(molecule, epsilon)
    if level.optimizer == "xtb+dft":
        return dft_optimize(pre, level, message)
    return pre
