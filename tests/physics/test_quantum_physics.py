"""Physics of solidna.quantum at the small ``test`` level: invariances, charge, spin, Na+ effect,
solvation of Na+, MD energy conservation, and a non-converging SCF reported with what was tried.

Acetonitrile (6 atoms, nitrile N binds Na+) keeps every DFT calculation to a few seconds; FEC itself
is covered by tests/reproduction/test_fig1.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.errors import ConvergenceError
from solidna.quantum.levels import LEVELS, MD_LEVELS
from solidna.quantum.md import md_adsorbate, run_trajectory
from solidna.quantum.molecules import from_smiles, molecule, na_complex
from solidna.quantum.orbitals import frontier_orbitals, na_shift
from solidna.quantum.scf import run_scf

TEST = LEVELS["test"]

#: Rigid translation: the Gaussian basis and the Becke grid move with the atoms, so the energy is
#: unchanged to SCF precision (conv_tol 1e-10 Eh) -> 1e-7 Eh.
TRANSLATION_TOL_EH = 1e-7
#: Rigid rotation: PySCF's Lebedev grids are not rotated with the molecule, so the XC integral
#: changes at the level of the grid error (grid level 2: ~1e-6 Eh for a 6-atom molecule) -> 2e-5 Eh
#: (0.5 meV), well below any chemically relevant energy.
ROTATION_TOL_EH = 2e-5
#: Orbital energies under the same motions [eV] (2e-5 Eh ~ 0.5 meV).
ORBITAL_TOL_EV = 1e-3
#: NVE energy conservation of the reactive MD: largest |E_tot(t) - E_tot(0)| per atom over the 20 fs
#: test run with dt = 0.5 fs. Velocity Verlet's error for this step is ~0.1 meV/atom; 1 meV/atom
#: (about 0.5 % of k_B T per degree of freedom at 300 K) flags a broken force/energy pair.
MD_DRIFT_TOL_MEV_PER_ATOM = 1.0
#: Experimental hydration free energy of Na+ [kcal/mol]: about -87 (Marcus 1991) to -103
#: (Kelly, Cramer & Truhlar 2006 proton scale); the default cavity must fall in this range.
NA_SOLVATION_RANGE_KCAL = (-105.0, -85.0)
HARTREE_KCAL = 627.509
#: The stored-integral PCM does the same arithmetic in another order: equal to SCF precision.
PCM_EQUALITY_TOL_EH = 1e-8


# every computation in a cache of its own, never the user's (fixture in tests/conftest.py)
pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def acetonitrile():
    return molecule("AN")


@pytest.fixture(scope="module")
def reference(acetonitrile):
    return frontier_orbitals(acetonitrile, TEST, optimize_geometry=False, cache=False)


def _rotation(axis, angle):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def test_energy_invariant_under_translation(acetonitrile, reference) -> None:
    moved = frontier_orbitals(
        acetonitrile.translated([3.1, -7.2, 5.5]), TEST, optimize_geometry=False, cache=False
    )
    assert moved.total_energy_Eh == pytest.approx(reference.total_energy_Eh, abs=TRANSLATION_TOL_EH)
    assert moved.lumo_eV == pytest.approx(reference.lumo_eV, abs=ORBITAL_TOL_EV)


def test_energy_invariant_under_rotation(acetonitrile, reference) -> None:
    turned = frontier_orbitals(
        acetonitrile.rotated(_rotation([1.0, 2.0, 0.5], 1.1)),
        TEST,
        optimize_geometry=False,
        cache=False,
    )
    assert turned.total_energy_Eh == pytest.approx(reference.total_energy_Eh, abs=ROTATION_TOL_EH)
    assert turned.homo_eV == pytest.approx(reference.homo_eV, abs=ORBITAL_TOL_EV)
    assert turned.lumo_eV == pytest.approx(reference.lumo_eV, abs=ORBITAL_TOL_EV)


def test_na_complex_lowers_the_lumo(acetonitrile) -> None:
    shift = na_shift(acetonitrile, TEST, cache=False)
    assert shift.complex.lumo_eV < shift.free.lumo_eV
    assert shift.more_reducible and shift.delta_lumo_eV < 0
    assert shift.complex.charge == 1 and shift.complex.formula == "C2H3NNa"
    assert shift.free.source == shift.complex.source == "computed"


def test_charge_and_electron_count_reach_pyscf(acetonitrile) -> None:
    complex_ = na_complex(acetonitrile)
    mf, report = run_scf(complex_, TEST)
    assert mf.mol.nelectron == complex_.n_electrons == acetonitrile.n_electrons + 10
    assert mf.mol.charge == 1
    # Mulliken charges add up to the total charge
    charges = mf.mulliken_pop(verbose=0)[1]
    assert charges.sum() == pytest.approx(1.0, abs=1e-8)
    assert charges[-1] > 0.5  # the Na keeps most of its positive charge
    assert report.converged_with == "DIIS"


def test_spin_of_a_doublet(acetonitrile) -> None:
    # the radical anion: one unpaired electron, UKS, <S^2> close to 3/4
    anion = from_smiles("CC#N", name="AN-", charge=-1)
    assert anion.multiplicity == 2
    mf, _ = run_scf(anion, TEST)
    n_alpha, n_beta = mf.nelec
    assert n_alpha - n_beta == 1
    s2, multiplicity = mf.spin_square()
    assert s2 == pytest.approx(0.75, abs=0.05)
    assert multiplicity == pytest.approx(2.0, abs=0.05)


def test_na_solvation_free_energy_with_the_default_cavity() -> None:
    # The reason for the UFF x 1.1 cavity (solidna.quantum.levels): Na+ solvated as in experiment
    na = from_smiles("[Na+]", name="Na+")
    gas = LEVELS["fast"].replace(name="gas", solvent=None, epsilon=None)
    e_gas = run_scf(na, gas)[0].e_tot
    e_pcm = run_scf(na, LEVELS["fast"])[0].e_tot
    dg = (e_pcm - e_gas) * HARTREE_KCAL
    assert NA_SOLVATION_RANGE_KCAL[0] <= dg <= NA_SOLVATION_RANGE_KCAL[1], dg
    e_bondi = run_scf(na, LEVELS["fast"].replace(name="bondi", cavity="bondi*1.2"))[0].e_tot
    assert (e_bondi - e_gas) * HARTREE_KCAL > NA_SOLVATION_RANGE_KCAL[1]  # under-solvated


def test_scf_that_does_not_converge_says_what_was_tried(acetonitrile) -> None:
    hopeless = TEST.replace(name="one-cycle", max_cycle=1, conv_tol=1e-14)
    with pytest.raises(ConvergenceError) as info:
        run_scf(acetonitrile, hopeless)
    message = str(info.value)
    assert "did not converge" in message
    assert "(1) DIIS: not converged after" in message
    assert "(2) DIIS + level shift 0.25 Eh + damping 0.3" in message
    assert "(3) second-order (Newton) SCF" in message
    assert "Traceback" not in message


def test_md_conserves_energy() -> None:
    start = md_adsorbate(molecule("FEC"))
    traj = run_trajectory(start, MD_LEVELS["test"], seed=1)
    assert len(traj.times_fs) == MD_LEVELS["test"].n_steps + 1
    assert traj.scf_retries == 0
    assert traj.energy_drift_meV_per_atom() < MD_DRIFT_TOL_MEV_PER_ATOM
    # the kinetic energy is that of ~300 K at the start (equipartition, 3N - 6 degrees of freedom)
    n = len(traj.symbols)
    t0 = 2 * traj.kinetic_eV[0] / ((3 * n - 6) * 8.617333e-5)
    assert 100 < t0 < 600


def test_stored_integral_pcm_equals_pyscf_pcm() -> None:
    # solidna.quantum._pcm keeps PySCF's surface integrals per geometry; same numbers, faster
    from pyscf import dft

    from solidna.quantum._pcm import attach_pcm
    from solidna.quantum.scf import build_mole

    hcn = from_smiles("C#N", name="HCN")
    energies = []
    for attach in (attach_pcm, lambda mf: mf.PCM()):
        mf = attach(dft.RKS(build_mole(hcn, "3-21G"), xc="B3LYP"))
        mf.with_solvent.method = "IEF-PCM"
        mf.with_solvent.eps = 78.4
        mf.conv_tol = 1e-11
        energies.append(mf.kernel())
    assert energies[0] == pytest.approx(energies[1], abs=PCM_EQUALITY_TOL_EH)


def test_stored_integral_smd_equals_pyscf_smd() -> None:
    # the same stored integrals under PySCF's SMD (a PCM subclass): same energy and orbitals
    from pyscf import dft

    from solidna.quantum._pcm import attach_smd
    from solidna.quantum.levels import FEC_SMD_DESCRIPTORS
    from solidna.quantum.orbitals import homo_lumo
    from solidna.quantum.scf import build_mole

    hcn = from_smiles("C#N", name="HCN")
    results = []
    for attach in (attach_smd, lambda mf: mf.SMD()):
        mf = attach(dft.RKS(build_mole(hcn, "3-21G"), xc="B3LYP"))
        mf.with_solvent.solvent_descriptors = list(FEC_SMD_DESCRIPTORS)
        mf.conv_tol = 1e-11
        results.append((mf.kernel(), *homo_lumo(mf)))
    assert results[0] == pytest.approx(results[1], abs=PCM_EQUALITY_TOL_EH)


def test_smd_screens_na_more_weakly_than_the_default_pcm_cavity() -> None:
    # SMD gives Na+ its Bondi radius (2.27 A) against 1.64 A for UFF x 1.1: a larger cavity
    # screens the cation less, so its LUMO lies lower (the trend behind the SMD points of the
    # level-of-theory study)
    from solidna.quantum.levels import get_level
    from solidna.quantum.orbitals import frontier_orbitals

    na = from_smiles("[Na+]", name="Na+")
    pcm = get_level("test").replace(solvent="IEF-PCM", epsilon=107.0)
    smd = pcm.replace(solvent="SMD")
    lumo_pcm = frontier_orbitals(na, pcm, optimize_geometry=False, cache=False).lumo_eV
    lumo_smd = frontier_orbitals(na, smd, optimize_geometry=False, cache=False).lumo_eV
    assert lumo_smd < lumo_pcm
