"""VAMAS blocks written opposite to their declared energy axis are read the right way round.

matkrin/vamas' tests/test_files/xps_eis.vms (BSD-3-Clause; in ../shared/data/xps) declares a
kinetic-energy axis from 1506.7 eV down in steps of 0.1 eV, while its intensities run the other
way: as declared, its survey gives 52 000 c/s above the Fermi level (binding energy -20 eV), where
no photoelectron comes from, and no core line sits where any element has one; reversed, C 1s is at
284.8 eV and O 1s at 530.8 eV. The files below are synthetic twins of that layout (one survey and
one C 1s region, NORM, REGULAR), values invented.
"""

from __future__ import annotations

import numpy as np
import pytest

from _shared_data import shared_data
from solidna.analysis.xps.io import read_vamas

HV = 1486.7


def _survey_cps(be: np.ndarray) -> np.ndarray:
    """A floor of 100 c/s above the Fermi level, valence band, and C 1s / O 1s lines each with
    the inelastic step that raises the background on their high binding-energy side."""
    y = 100.0 + 900.0 / (1.0 + np.exp(-be / 0.3))
    for centre, height in ((284.8, 20000.0), (530.8, 40000.0)):
        y += height * np.exp(-0.5 * ((be - centre) / 0.8) ** 2)
        y += 0.1 * height / (1.0 + np.exp(-(be - centre) / 1.0))
    return y


def _block(name: str, ke_start: float, ke_step: float, values: np.ndarray) -> list[str]:
    lines = [name, "sample", *"2021 5 4 15 31 53 0".split(), "0", "XPS", "", str(HV), "400.0"]
    lines += ["1E37"] * 4 + ["FAT", "50.00", "5.0", "4.500", "1E37", "1200", "1200", "1E37"]
    lines += ["1E37", "", "", "-1", "kinetic energy", "eV", f"{ke_start:g}", f"{ke_step:g}"]
    lines += ["1", "count rate", "c/s", "pulse counting", "0.200", "5", "70E-9"]
    lines += ["1E37", "1E37", "1E37", "0", str(len(values)), f"{values.min():g}"]
    lines += [f"{values.max():g}", *(f"{v:.1f}" for v in values)]
    return lines


def _write(path, blocks) -> None:
    head = ["VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4"]
    head += ["", "", "", "", "1", "Experiment Type: XPS", "NORM", "REGULAR", str(len(blocks))]
    head += ["0", "0", "0", "0", "0", str(len(blocks))]
    body = [line for b in blocks for line in _block(*b)]
    path.write_text("\n".join([*head, *body, "end of experiment"]) + "\n")


def _file(tmp_path, stored_reversed: bool):
    """Survey -20..700 eV and a C 1s region 275..295 eV, kinetic axis declared from the low
    binding-energy end down (step < 0), intensities stored as declared or the other way."""
    be_survey = np.arange(-20.0, 700.0 + 1e-9, 0.5)
    be_region = np.arange(275.0, 295.0 + 1e-9, 0.05)
    flip = (lambda v: v[::-1]) if stored_reversed else (lambda v: v)
    path = tmp_path / ("reversed.vms" if stored_reversed else "declared.vms")
    _write(
        path,
        [
            ("survey", HV + 20.0, -0.5, flip(_survey_cps(be_survey))),
            ("C 1s", HV - 275.0, -0.05, flip(_survey_cps(be_region))),
        ],
    )
    return path


def _peak_eV(s) -> float:
    return float(s.binding_energy_eV[np.argmax(s.intensity_cps)])


def test_a_file_stored_against_its_declared_axis_is_read_reversed_with_a_note(tmp_path):
    """Before: the survey's largest line was read at 149.0 eV (O 1s mirrored) and the region's
    C 1s at 285.2 eV mirrored about the window's centre; now both where they are, with a note."""
    survey, region = read_vamas(_file(tmp_path, stored_reversed=True))
    assert _peak_eV(survey) == pytest.approx(530.8, abs=0.3)
    assert _peak_eV(region) == pytest.approx(284.8, abs=0.05)
    for s in (survey, region):
        (note,) = [n for n in s.metadata["notes"] if "reversed" in n]
        assert "above the Fermi level" in note and "step -0.5" in note
    # the floor above the Fermi level is the floor again
    assert np.mean(survey.intensity_cps[survey.binding_energy_eV < -2]) < 110.0


def test_a_file_stored_as_declared_is_left_as_it_is(tmp_path):
    survey, region = read_vamas(_file(tmp_path, stored_reversed=False))
    assert _peak_eV(survey) == pytest.approx(530.8, abs=0.3)
    assert _peak_eV(region) == pytest.approx(284.8, abs=0.05)
    assert not any("reversed" in n for s in (survey, region) for n in s.metadata.get("notes", []))


def test_regions_alone_are_not_turned_round(tmp_path):
    """Without a survey past the Fermi level nothing settles the order: a region file is read as
    declared (the rule never guesses from a region's background)."""
    be = np.arange(275.0, 295.0 + 1e-9, 0.05)
    path = tmp_path / "region.vms"
    _write(path, [("C 1s", HV - 275.0, -0.05, _survey_cps(be)[::-1])])
    (s,) = read_vamas(path)
    assert _peak_eV(s) == pytest.approx(275.0 + 295.0 - 284.8, abs=0.05)
    assert not any("reversed" in n for n in s.metadata.get("notes", []))


XPS, needs_data = shared_data("xps")


@needs_data
def test_the_shared_omicron_file_has_its_lines_where_the_elements_have_them():
    """xps_eis.vms: as declared its survey's count rate above the Fermi level was 23x its floor;
    read reversed, the C 1s and O 1s lines of the survey sit at 284-286 and 530-532 eV."""
    from solidna.analysis.xps.io import FERMI_FLOOR_FACTOR

    survey, *regions = read_vamas(XPS / "xps_eis.vms")
    be, y = survey.binding_energy_eV, survey.intensity_cps
    above = np.mean(y[be < -2]) / np.percentile(y, 1)
    assert above < FERMI_FLOOR_FACTOR
    c1s = (be > 280) & (be < 292)
    o1s = (be > 525) & (be < 540)
    assert 284.0 < be[c1s][np.argmax(y[c1s])] < 286.0
    assert 530.0 < be[o1s][np.argmax(y[o1s])] < 532.0
    assert all(any("reversed" in n for n in s.metadata["notes"]) for s in regions)
