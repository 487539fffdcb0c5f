"""Defects found by reading real public XPS and AFM files (session 16).

Every file here is a synthetic twin written by the test; no third-party file is copied. Each
test names the public file whose layout it follows and that file's licence.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.analysis.topography import read_topography, roughness
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

# --------------------------------------------------------------------------------------------
# XPS: PHI MultiPak ASCII export
# --------------------------------------------------------------------------------------------
_PHI_HEAD = (
    "Cycles 8; Regions 2; Anode Mg; Photon Energy 1253.6; XPS;\nBi 4f\tC 1s\t\n4767.5\t1237.5\t\n"
)


def _phi_region(name: str, i: int, n: int, top: float, bottom: float, sweeps: int, peaks, step):
    """One region: its ``Element ...;`` settings line, then binding energy and whole counts."""
    be = np.round(np.arange(top, bottom - 1e-9, -step), 2)
    counts = 100 * sweeps + sum(a * np.exp(-(((be - c) / 0.8) ** 2)) for c, a in peaks)
    line = (
        f"Element {name}; Region {i} of {n}; Depth Cycle 1 of 1; Time Per Step 50; "
        f"Sweeps {sweeps}; Anode Mg; Photon Energy 1253.6; XPS;\n"
    )
    return line + "".join(f"{b:g}\t{int(round(v))}\n" for b, v in zip(be, counts, strict=True))


def _phi_multiplex(path) -> None:
    """Bi 4f of 8 sweeps and C 1s of 4 sweeps (50 ms per step), both peaks of 4000 counts/s:
    1600 counts summed over 8 x 0.05 s, 800 over 4 x 0.05 s."""
    bi = _phi_region("Bi 4f", 1, 2, 180, 150, 8, [(163.0, 1600.0)], 0.05)
    c = _phi_region("C 1s", 2, 2, 300, 275, 4, [(288.6, 800.0)], 0.05)
    path.write_text(_PHI_HEAD + bi + "\n" + c, encoding="utf-8")


def test_phi_multiplex_regions_are_named_by_their_element_line(tmp_path):
    """JesusF10/xps-data-analysis, data/raw/BN-SET-01/BN-BS-1/BN-BS-1 multiplex.txt (a PHI
    MultiPak ASCII export; the repository states no licence: layout only, numbers synthetic).
    Each region starts ``Element Bi 4f; Region 1 of 6; ...``: that line was taken for the
    column names, every region was labelled 'Region 1 of 6', and the Bi 4f region was then
    detected as S 2p."""
    p = tmp_path / "BN multiplex.txt"
    _phi_multiplex(p)
    spectra = read_xps(p)
    assert [s.label for s in spectra] == ["Bi 4f", "C 1s"]
    assert all(s.photon_energy_eV == pytest.approx(1253.6) for s in spectra)


def test_phi_counts_are_divided_by_each_region_s_sweeps_and_time_per_step(tmp_path):
    """Same source. The export writes the counts summed over the region's sweeps (whole
    numbers); they were taken as counts per second, so Bi 4f (8 sweeps) and C 1s (4 sweeps) of
    equal count rates came out in a ratio of 2."""
    p = tmp_path / "BN multiplex.txt"
    _phi_multiplex(p)
    bi, c = read_xps(p)
    assert bi.intensity_unit == c.intensity_unit == "counts.s-1"
    bi_peak = bi.intensity_cps.max() - bi.intensity_cps.min()
    c_peak = c.intensity_cps.max() - c.intensity_cps.min()
    assert bi_peak == pytest.approx(4000.0, rel=0.01)
    assert c_peak == pytest.approx(4000.0, rel=0.01)
    assert bi.metadata["counts per unit [s]"] == pytest.approx(0.4)
    (note,) = [n for n in bi.metadata["notes"] if "PHI MultiPak" in n]
    assert "8 sweeps of 50 ms" in note and "assumed" in note


def test_phi_survey_with_an_empty_element_is_labelled_survey(tmp_path):
    """JesusF10/xps-data-analysis, data/raw/BN-SET-01/BN-BS-2/BN-BS-2 SURVEY.txt: a survey
    starts ``Element ; Region 1 of 1; ... Sweeps 5; ...`` with no header above it."""
    p = tmp_path / "BN SURVEY.txt"
    p.write_text(
        _phi_region("", 1, 1, 1100, 0, 5, [(1071.5, 8000.0), (531.0, 4000.0)], 0.5),
        encoding="utf-8",
    )
    (s,) = read_xps(p)
    assert s.label == "Survey"
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(1071.5)
    assert s.metadata["counts per unit [s]"] == pytest.approx(0.25)


def test_control_a_two_column_table_without_phi_lines_keeps_its_rate_note(tmp_path):
    p = tmp_path / "plain.txt"
    be = np.arange(300.0, 280.0, -0.1)
    p.write_text("".join(f"{b:.1f}\t{1000 + 50 * np.exp(-((b - 285) ** 2)):.3f}\n" for b in be))
    (s,) = read_xps(p)
    assert "counts per unit [s]" not in s.metadata
    assert any("taken as counts per second (assumed)" in n for n in s.metadata["notes"])


# --------------------------------------------------------------------------------------------
# AFM: a curve CSV written from a pandas frame (units as name suffixes, a dwell segment)
# --------------------------------------------------------------------------------------------
E_PA, R_M, CP_NM = 2e4, 5e-6, 500.0


def _viscoelastic_csv(
    path,
    indentation_sign: float = 1.0,
    dwell: bool = True,
    header: str = "time_s,force_nN,indentation_nm,segment",
) -> None:
    """jarogumulec/AFM_viscoelasticity's curve_000.csv layout (no licence stated: layout only,
    numbers synthetic): ``time_s,force_nN,indentation_nm,segment``, segments 0 approach, 1 the
    hold, 2 retract. Its 'indentation_nm' falls over the approach (a height); a true
    indentation (``indentation_sign=-1``) grows."""
    h = np.linspace(2645.0, 0.0, 400)  # far -> near [nm]
    force = indentation_force(
        "paraboloid", np.clip(CP_NM - h, 0, None) * 1e-9, E_PA, tip_radius_m=R_M
    )
    force_nn = force * 1e9 + 0.22
    hold_h, hold_f = np.zeros(100), force_nn[-1] * np.exp(-np.arange(100) / 40.0)
    parts = [(h, force_nn, 0)]
    if dwell:
        parts.append((hold_h, hold_f, 1))
    parts.append((h[::-1], force_nn[::-1] - 0.1, 2 if dwell else 1))
    rows, t = [header], 0.0
    for hh, ff, seg in parts:
        for a, b in zip(hh, ff, strict=True):
            rows.append(f"{t:.5f},{b:.9g},{indentation_sign * a:.9g},{seg}")
            t += 0.00025
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_force_table_with_unit_suffixes_is_read_and_fitted(tmp_path, sign):
    """``force_nN`` and ``indentation_nm`` name their units after an underscore: the table was
    refused ('afmformats cannot read it ... is it a complete force-curve file?')."""
    p = tmp_path / "curve_000.csv"
    _viscoelastic_csv(p, sign)
    (curve,) = read_force_curves(p)
    fit = fit_contact(curve, indenter="paraboloid", tip_radius_m=R_M)
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)
    assert any("'indentation_nm' read as the tip position" in n for n in curve.metadata["notes"])


def test_force_table_dwell_segment_is_not_read_as_the_retract(tmp_path):
    """Same source: segment 1 is the hold at the bottom of the curve and segment 2 the retract;
    the hold (100 rows at one height) was read as the retract and the retract was dropped. (The
    columns are named with bracketed units here, read before this session too.)"""
    p = tmp_path / "curve_000.csv"
    _viscoelastic_csv(p, header="Time (s),Force (nN),Height (nm),Segment")
    (curve,) = read_force_curves(p)
    assert len(curve.retract_height_m) == 400
    assert np.ptp(curve.retract_height_m) == pytest.approx(2645e-9, rel=1e-6)
    assert any("dwell (100 rows): set aside" in n for n in curve.metadata["notes"])


def test_control_two_segment_table_keeps_segment_one_as_retract(tmp_path):
    p = tmp_path / "curve.csv"
    _viscoelastic_csv(p, dwell=False, header="Time (s),Force (nN),Height (nm),Segment")
    (curve,) = read_force_curves(p)
    assert len(curve.retract_height_m) == 400
    assert not any("dwell" in n for n in curve.metadata["notes"])


def test_force_table_with_unknown_distance_names_its_columns(tmp_path):
    """A table of force against columns solidna does not know was refused with a message
    blaming afmformats and asking for 'a complete force-curve file'."""
    p = tmp_path / "curve.csv"
    rows = ["time_s,force_nN,ramp_count,segment"] + [f"{i},{0.1 * i},{i},0" for i in range(40)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read_force_curves(p)
    text = str(err.value)
    assert "'ramp_count'" in text and "Height (nm)" in text and "afmformats cannot" not in text


# --------------------------------------------------------------------------------------------
# XPS: a SPECS Prodigy region exported with "External Channel Data: yes"
# --------------------------------------------------------------------------------------------
_PRODIGY_EXTERNAL = """# Created by:        SpecsLab Prodigy, Version 4.91.3-r105809
#
# XY-Serializer Export Settings:
#   Energy Axis:              Kinetic Energy
#   Count Rate:               Counts per Second
#   Separate Scan Data:       no
#   Separate Channel Data:    no
#   External Channel Data:    yes
#
# Region:                       As3d1
# Values/Curve:                 181
# Dwell Time:                   0.1
# Excitation Energy:            1486.61
# Pass Energy:                  20
# Eff. Workfunction:            4.14

# Cycle: 0
#
# Number of Scans: 10

# Cycle: 0, Curve: 0
#
# ColumnLabels:                 energy counts/s
#
{spectrum}
# External Channel Data Cycle: 0, Temp1_Sen [K] (EBH 150)
#
# ColumnLabels: energy Temp1_Sen [K] (EBH 150)
#
{sensor}
"""


def test_prodigy_external_channel_is_not_read_as_a_second_spectrum(tmp_path):
    """PhysicsEagle92/XPS_analyzer, "Experiment 2022-06-01/Experiment
    2022-06-01_CuMnAs_4_As3d1.xy" (no licence stated: layout only, numbers synthetic). A
    temperature logged during the scan (``Temp1_Sen [K]``, ~302 K) follows the spectrum as its
    own table; it came back as a second 'As3d1' spectrum of 302 counts/s."""
    ke = np.round(1434.61 + 0.1 * np.arange(181), 2)
    counts = 100 + 4800 * np.exp(-(((ke - 1444.51) / 0.5) ** 2))
    p = tmp_path / "As3d1.xy"
    p.write_text(
        _PRODIGY_EXTERNAL.format(
            spectrum="".join(f"{k:.2f}  {c:.5f}\n" for k, c in zip(ke, counts, strict=True)),
            sensor="".join(f"{k:.2f} {302.49 + 0.001 * i:.4f}\n" for i, k in enumerate(ke)),
        ),
        encoding="utf-8",
    )
    (s,) = read_xps(p)
    assert s.label == "As3d1"
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(1486.61 - 1444.51)
    assert any("Temp1_Sen" in n and "set aside" in n for n in s.metadata["notes"])


# --------------------------------------------------------------------------------------------
# Topography: Gwyddion's profile export (title, names, units in brackets)
# --------------------------------------------------------------------------------------------
def _gwy_profile(path, x_unit: str, z_unit: str, x, z) -> None:
    """thecalculon/AFM_FDC, testdata/WT/221216ev6_08nN/before.txt (no licence stated: layout
    only, numbers synthetic): ``Profile 1`` over ``x y`` over ``[m] [m]``, then the rows."""
    head = f"Profile 1             \nx       y           \n[{x_unit}]     [{z_unit}]         \n"
    body = "".join(f"{a:g}  {b:g}            \n" for a, b in zip(x, z, strict=True))
    path.write_text(head + body, encoding="utf-8")


def test_gwyddion_profile_is_read_in_the_units_its_bracket_line_states(tmp_path):
    """The bracketed unit line was not read: every value was taken for metres, so a profile
    exported in um and nm (a 140 nm step) came out 140 m high."""
    x = np.arange(26) * 0.01  # [um]
    z = np.r_[np.full(5, 10.0), np.full(16, 150.0), np.full(5, 10.0)]  # [nm]
    p = tmp_path / "profile.txt"
    _gwy_profile(p, "\u00b5m", "nm", x, z)
    t = read_topography(p)
    assert t.is_profile
    assert np.ptp(t.heights_m) == pytest.approx(140e-9)
    assert t.size_m[0] == pytest.approx(0.26e-6)
    assert not any("no unit" in n for n in t.notes)


def test_control_gwyddion_profile_in_metres_keeps_its_roughness(tmp_path):
    x = np.arange(26) * 1e-8
    z = np.r_[np.full(5, 1e-8), np.full(16, 1.5e-7), np.full(5, 1e-8)]
    p = tmp_path / "before.txt"
    _gwy_profile(p, "m", "m", x, z)
    t = read_topography(p)
    rq = roughness(t.heights_m, x_m=t.positions_m)["Rq"]
    assert rq == pytest.approx(np.std(z), rel=1e-9)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_bare_delimited_height_matrix_is_refused_as_one(tmp_path, sep):
    """FibrousBiomaterials/AFM_Nanofiber_Analyzer, testdata_tunicateCNF/sample_anisotropic.txt
    (layout only, numbers synthetic): a bare comma-separated matrix of heights. It was refused
    as an unknown format ('is it ... a text table of x, y, z or of a height matrix?'), which
    it is; a space-separated one already got the message that names what is missing."""
    z = np.random.default_rng(0).normal(0.0, 0.05, (20, 30))
    p = tmp_path / "sample_anisotropic.txt"
    np.savetxt(p, z, fmt="%.4f", delimiter=sep)
    with pytest.raises(DataFormatError) as err:
        read_topography(p)
    assert "bare matrix of heights" in str(err.value)
    assert "Value units" in str(err.value)


def test_control_space_separated_bare_matrix_keeps_its_message(tmp_path):
    p = tmp_path / "matrix.txt"
    np.savetxt(p, np.random.default_rng(1).normal(0.0, 0.05, (20, 30)), fmt="%.4f")
    with pytest.raises(DataFormatError, match="bare matrix of heights"):
        read_topography(p)


def test_phi_depth_profile_regions_keep_their_sputter_cycle(tmp_path):
    """Same PHI MultiPak layout with ``Depth Cycle i of n``: each region is written once per
    sputter cycle under the same element; the cycles came back as look-alike spectra."""
    blocks = [
        _phi_region("C 1s", 1, 1, 295, 280, 4, [(284.8, 800.0 / cycle)], 0.1).replace(
            "Depth Cycle 1 of 1", f"Depth Cycle {cycle} of 3"
        )
        for cycle in (1, 2, 3)
    ]
    p = tmp_path / "profile.txt"
    p.write_text("\n".join(blocks), encoding="utf-8")
    spectra = read_xps(p)
    assert [s.cycle for s in spectra] == [1, 2, 3]
    assert {s.label for s in spectra} == {"C 1s"}


def test_control_phi_single_cycle_export_has_no_cycle(tmp_path):
    p = tmp_path / "BN multiplex.txt"
    _phi_multiplex(p)
    assert [s.cycle for s in read_xps(p)] == [None, None]


def test_depth_profile_of_cycles_without_sputter_time():
    """A PHI MultiPak text profile states its cycles and no sputter time: ``solidna analyze``
    stopped with 'TypeError: float() argument must be ... not NoneType' building the profile."""
    from solidna.analysis.xps.species import depth_profile

    rows = [
        {"cycle": c, "level": lev, "species": "x", "area": a, "sputter time [s]": None}
        for c in (1, 2)
        for lev, a in (("C 1s", 1000.0 / c), ("O 1s", 2930.0))
    ]
    prof = depth_profile(rows, {"C 1s": 1.0, "O 1s": 2.93})
    assert "Sputter time [s]" not in prof
    assert prof.loc[1, "C 1s [at.%]"] == pytest.approx(50.0)
    assert prof.loc[2, "C 1s [at.%]"] == pytest.approx(100 / 3)
