"""Chemistry of the screen on molecules the paper did not screen, at the ``test`` level.

Which orbital is the LUMO of a Na+ complex? The bound Na+ keeps an empty 3s-like orbital of its
own; when it lies below the molecule's lowest acceptor orbital, "the LUMO with Na+" is Na's, and
ranking by it compares Na+ sites, not molecules. At B3LYP/3-21G in the gas phase this is so for
HCN (and for EC, FEC and VC: 97 % of their complexes' LUMO on Na), while formaldehyde's
low pi* stays below Na's orbital. The result must say which, and give the molecule's own acceptor
orbital, which Na+ binding lowers (the trend a chemist expects). Formaldehyde and HCN (4 and 3
atoms) keep each calculation to seconds.
"""

from __future__ import annotations

import pytest

from solidna.quantum.levels import LEVELS
from solidna.quantum.molecules import from_smiles
from solidna.quantum.orbitals import na_shift
from solidna.quantum.screen import screen

TEST = LEVELS["test"]
FORMALDEHYDE = "C=O"
HCN = "C#N"


# every computation in a cache of its own, never the user's (fixture in tests/conftest.py)
pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def shifts():
    return {
        smiles: na_shift(from_smiles(smiles), TEST, cache=False) for smiles in (FORMALDEHYDE, HCN)
    }


def test_the_lumo_of_a_complex_says_whether_it_is_on_na(shifts) -> None:
    for shift in shifts.values():
        assert shift.free.lumo_na_share is None and shift.free.molecular_lumo_eV is None  # no Na
        # Na+ binding lowers the molecule's own acceptor orbital
        assert shift.complex.molecular_lumo_eV < shift.free.lumo_eV
    # formaldehyde: the carbonyl pi* stays the LUMO of the complex
    cplx = shifts[FORMALDEHYDE].complex
    assert cplx.lumo_na_share < 0.1 and not cplx.na_centred_lumo
    assert cplx.molecular_lumo_eV == cplx.lumo_eV
    # HCN: Na's own orbital lies below the nitrile pi*; the molecule's orbital is above it
    cplx = shifts[HCN].complex
    assert cplx.lumo_na_share > 0.9 and cplx.na_centred_lumo
    assert cplx.molecular_lumo_eV > cplx.lumo_eV


def test_screen_says_which_lumo_it_ranks(shifts, monkeypatch) -> None:
    # the screen of the same molecules, replayed from the runs above (no second computation)
    from solidna.quantum import screen as screen_module
    from solidna.quantum.orbitals import NA_CENTRED_SHARE

    def frontier_orbitals(mol, level, **_):
        shift = shifts[mol.smiles.split(".")[0]]
        return shift.complex if mol.na_index is not None else shift.free

    monkeypatch.setattr(screen_module, "frontier_orbitals", frontier_orbitals)
    result = screen([FORMALDEHYDE, HCN], TEST, cache=False)
    table = result.table().set_index("Molecule")
    assert table.loc[HCN, "LUMO with Na+ on Na [%]"] > 100 * NA_CENTRED_SHARE
    assert table.loc[FORMALDEHYDE, "LUMO with Na+ on Na [%]"] < 100 * NA_CENTRED_SHARE
    assert table.loc[HCN, "Molecular LUMO with Na+ [eV]"] == pytest.approx(
        shifts[HCN].complex.molecular_lumo_eV, abs=1e-3
    )
    on_na = [note for note in result.notes if note.startswith("LUMO with Na+ on Na:")]
    assert len(on_na) == 1 and HCN in on_na[0] and FORMALDEHYDE not in on_na[0]


def test_the_ion_pair_of_pf6_and_na_is_optimised() -> None:
    # PF6- + Na+ from its start geometry: the xTB SCF fails at 300 K (250 cycles) and converges
    # with 1000 K smearing; the geometry says how it was obtained, and Na stays bound to F
    import numpy as np

    from solidna.quantum.geometry import xtb_optimize
    from solidna.quantum.molecules import molecule, na_complex

    pair = na_complex(molecule("PF6-"))
    done = xtb_optimize(pair)
    assert "smeared at 1000 K" in done.geometry
    xyz = np.asarray(done.coordinates_A)
    na = xyz[pair.na_index]
    fluorines = xyz[[k for k, s in enumerate(done.symbols) if s == "F"]]
    # a Na-F contact [A]: above the 1.93 A bond of gas-phase NaF, below a solvent-separated pair
    assert 1.93 < np.min(np.linalg.norm(fluorines - na, axis=1)) < 2.6
