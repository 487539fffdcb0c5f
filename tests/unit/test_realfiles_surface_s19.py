"""Real XPS files, round 5: Thermo Avantage's CSV export of a fitted region.

Source of the layout: theoechem/article_MAHE_2024_IL_pitfalls, data/xps_raw/*.csv (Na 1s, F 1s,
C 1s, O 1s and S 2p regions of Na deposited on Au from an ionic liquid; no licence file in the
repository, archived as Zenodo 10.5281/zenodo.13166647). Only the layout is reproduced here; the
numbers are synthetic. Each file holds one region: two empty rows of commas, a row
``Characteristic Energy eV,1486.6,Acquisition Time s,5,``, then columns named
``<quantity>_<region>``: ``BE_Na 1s 8``, ``CPS_Na 1s 8``, one column per fitted peak
(``Na 1s_1_Na 1s 8``, ``F 1s Fluorid_2_F 1s 7``), ``Background_Na 1s 8`` and ``Envelope_Na 1s
8``, binding energy descending.

Before: the axis went unrecognised ("no header names the energy axis ... assumed"), the photon
energy after its comma was not read, and every peak, background and envelope column came back as
a spectrum of its own: ``solidna analyze`` fitted and quantified 4 "regions" of a Na 1s file and
8 of an S 2p file. On the 20240228 files, after: one region each, named by the file's region;
Na 1s 1071.34 eV (Avantage's own peak 1071.33 eV, area 3892 vs 3792 cps.eV), F 1s 687.68 eV
(687.68), S 2p3/2 161.73 and 168.23 eV (161.82 and 168.13).
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.xps import read_xps
from solidna.analysis.xps.lineshapes import line_shape


def _avantage_csv(path, region: str, peaks: list[tuple[str, float, float]], floor: float):
    """An Avantage CSV of ``region`` whose data are ``peaks`` (name, centre [eV], area
    [cps.eV]) of FWHM 1.6 eV over a flat ``floor`` [cps], with the fit's columns beside."""
    be = np.round(np.arange(1080.0, 1064.0 - 1e-9, -0.125), 3)
    comps = [line_shape("gl_sum", be, area, c, 1.6, 0.3) for _, c, area in peaks]
    data = floor + sum(comps)
    names = ["BE", "CPS", *(f"{n}_{k + 1}" for k, (n, _, _) in enumerate(peaks))]
    names += ["Background", "Envelope"]
    rows = [",".join(["", *[""] * (len(names) - 1)])] * 2
    rows.append("Characteristic Energy eV,1486.6,Acquisition Time s,5," + "," * (len(names) - 4))
    rows.append(",".join(f"{n}_{region}" for n in names))
    for i, x in enumerate(be):
        cells = [x, data[i], *(floor + c[i] for c in comps), floor, data[i]]
        rows.append(",".join(f"{v:.6g}" for v in cells))
    path.write_text("\n".join(rows) + "\n")
    return path, be, data


def test_avantage_csv_gives_one_spectrum_named_by_its_region(tmp_path):
    path, be, data = _avantage_csv(
        tmp_path / "Nadep_Na_1s.csv", "Na 1s 8", [("Na 1s", 1071.3, 4000.0)], 9450.0
    )
    (spec,) = read_xps(path)
    assert spec.label == "Na 1s 8"
    assert spec.photon_energy_eV == 1486.6
    assert spec.metadata["energy axis"] == "BE"
    assert spec.intensity_unit == "counts.s-1"
    np.testing.assert_allclose(spec.binding_energy_eV, be[::-1], atol=0.006)  # 6 digits
    np.testing.assert_allclose(spec.intensity_cps, data[::-1], rtol=1e-5)
    notes = " ".join(spec.metadata["notes"])
    assert "assumed" not in notes  # the axis is named (BE) and the data are CPS
    assert "'Background', 'Envelope'" in notes and "set aside" in notes


def test_avantage_csv_with_two_fitted_peaks_sets_both_aside(tmp_path):
    # F 1s with Avantage's "F 1s Fluorid" component (a peak name with spaces and its own "_2")
    path, _, _ = _avantage_csv(
        tmp_path / "F_1s.csv",
        "F 1s 7",
        [("F 1s", 1071.0, 30000.0), ("F 1s Fluorid", 1067.4, 300.0)],
        14470.0,
    )
    (spec,) = read_xps(path)
    assert spec.label == "F 1s 7"
    assert "'F 1s_1', 'F 1s Fluorid_2'" in " ".join(spec.metadata["notes"])


@pytest.mark.parametrize(
    ("names", "axis_note"),
    [
        # a shared "_kin" ending is part of the names, not a region: the axis stays kinetic
        ("E_kin,I_kin", "kinetic"),
        # no column names the data: nothing is cut, the columns stay spectra of their own
        ("Binding Energy_x,Peak_x", None),
    ],
)
def test_a_shared_ending_is_cut_only_from_an_axis_and_a_data_column(tmp_path, names, axis_note):
    path = tmp_path / "two.csv"
    rows = ["hv=1486.6", names] + [f"{1000.0 + k},{100.0 + k}" for k in range(10)]
    path.write_text("\n".join(rows) + "\n")
    (spec,) = read_xps(path)
    assert spec.label == names.split(",")[1]
    if axis_note:
        assert any(axis_note in n for n in spec.metadata["notes"])


def test_region_files_of_one_run_are_told_why_they_are_not_charge_corrected(tmp_path):
    """Avantage's CSV per region given together: each file is one sample, so the Na 1s file was
    told "no C 1s region" beside the run's C 1s file, with no word on why that one did not
    count, nor that no atomic % joins the files."""
    from solidna.analysis.pipeline import analyze

    c_path, _, _ = _avantage_csv(
        tmp_path / "sample_C_1s.csv", "C 1s 3", [("C 1s", 1072.0, 8000.0)], 9000.0
    )
    # the same layout on the C 1s window
    rows = c_path.read_text().splitlines()
    shifted = rows[:4] + [
        ",".join([f"{float(r.split(',')[0]) - 787.2:.6g}", *r.split(",")[1:]]) for r in rows[4:]
    ]
    c_path.write_text("\n".join(shifted) + "\n")
    na_path, _, _ = _avantage_csv(
        tmp_path / "sample_Na_1s.csv", "Na 1s 8", [("Na 1s", 1071.3, 4000.0)], 9450.0
    )
    summary = analyze([c_path, na_path], "xps", tmp_path / "out")
    said = [n for n in summary["notes"] if "each file is analysed as one sample" in n]
    assert len(said) == 1
    assert "sample_Na_1s.csv holds no C 1s region" in said[0]
    assert "sample_C_1s.csv holds one" in said[0]
