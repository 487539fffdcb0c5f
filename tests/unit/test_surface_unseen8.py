"""Surface files of round 8 (unseen files, see CHANGELOG): synthetic twins of their layouts.

AFM: a recorded deflection offset (a photodiode not zeroed) moved the reported contact point and
pull-off tip position by offset / k. Topography: the ASCII height-matrix exports whose headers
SurfaceTopography's AscReader reads upstream (test/IO/test_asc.py, MIT) - Gwyddion's export in
its translated languages and several exports in a row, SPIP and attocube ``# x-pixels`` headers,
Wyko ASCII - were read as metres, as profiles, or refused.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.afm import (
    ForceCurve,
    adhesion,
    fit_contact,
    indentation_force,
    read_force_curves,
)
from solidna.analysis.topography import read_topography, roughness
from solidna.errors import DataFormatError

K_SPRING = 0.05  # N/m
E_PA = 2e4  # Pa
CONTACT_M = 1.0e-6  # tip position at contact [m]


def _hertz_curve(offset_N: float) -> ForceCurve:
    """A Hertz approach (paraboloid, R = 10 um) and a retract with a 1 nN pull-off at the
    contact point, every force shifted by ``offset_N`` (the deflection offset times k)."""
    tip = np.linspace(1.4e-6, 0.6e-6, 800)
    force = indentation_force("paraboloid", CONTACT_M - tip, E_PA)
    base = tip - force / K_SPRING  # the cantilever bends away from the surface by F/k
    f_ret = force[::-1].copy()
    f_ret[np.argmin(np.abs(tip[::-1] - CONTACT_M - 5e-9))] = -1e-9
    return ForceCurve(
        base, force + offset_N, base[::-1].copy(), f_ret + offset_N, spring_constant_N_m=K_SPRING
    )


@pytest.mark.parametrize("offset_N", [0.0, 2e-9, -2.5e-7])  # 0, 40 nm, -5 um of deflection
def test_a_deflection_offset_does_not_move_the_contact_point(offset_N):
    fit = fit_contact(_hertz_curve(offset_N))
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=2e-3)
    assert fit.baseline_N == pytest.approx(offset_N, abs=1e-12)
    assert fit.contact_point_m == pytest.approx(CONTACT_M, abs=2e-9)


def test_the_pull_off_tip_position_leaves_the_deflection_offset_out():
    ref = adhesion(_hertz_curve(0.0))
    for offset in (2e-9, -2.5e-7):
        got = adhesion(_hertz_curve(offset))
        assert got["adhesion [N]"] == pytest.approx(ref["adhesion [N]"], rel=1e-6)
        assert got["pull-off tip position [m]"] == pytest.approx(
            ref["pull-off tip position [m]"], abs=1e-12
        )


def test_indentation_and_separation_are_unchanged_by_the_offset():
    a, b = fit_contact(_hertz_curve(0.0)), fit_contact(_hertz_curve(2e-9))
    assert b.max_indentation_m == pytest.approx(a.max_indentation_m, rel=1e-3)
    np.testing.assert_allclose(b.separation_m, a.separation_m, atol=2e-9)


def test_tip_subtracts_the_baseline_it_is_given():
    c = _hertz_curve(2e-9)
    np.testing.assert_allclose(c.tip("approach") - c.tip("approach", 2e-9), 2e-9 / K_SPRING)


# -- ASCII height matrices under a header ---------------------------------------------------------
MATRIX = "1 2 3 4\n5 6 7 8\n9 10 11 12\n"
FILE_MATRIX = np.arange(1.0, 13.0).reshape(3, 4)  # rows: y, columns: x, as in the file


def _write(tmp_path, text: str, name: str = "export.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "keys",
    [
        ("Channel:", "Width:", "Height:", "Value units:"),
        ("Kanál:", "Šířka:", "Výška:", "Jednotky hodnot:"),
        ("Kanal:", "Breite:", "Höhe:", "Einheiten:"),
        ("Canal :", "Largeur :", "Hauteur :", "Unités :"),
        ("Canale:", "Larghezza:", "Altezza:", "unità valore:"),
        ("Canal:", "Anchura:", "Altura:", "Unidades de valor:"),
        ("チャネル：", "幅:", "高さ：", "値の単位:"),
        ("Канал:", "Ширина:", "Высота:", "Единицы измерения:"),
    ],
)
def test_gwyddion_ascii_export_in_any_language_is_read_in_its_units(tmp_path, keys):
    channel, width, height, units = keys
    f = _write(
        tmp_path,
        f"# {channel} Topo\n# {width} 4.000 µm\n# {height} 3.000 µm\n# {units} nm\n" + MATRIX,
    )
    t = read_topography(f)
    assert t.channel == "Topo"
    assert t.size_m == pytest.approx((4e-6, 3e-6))
    np.testing.assert_allclose(t.heights_m, FILE_MATRIX * 1e-9)


CONCATENATED = (
    "# Channel: Height\n# Width: 4.000 µm\n# Height: 3.000 µm\n# Value units: m\n"
    + MATRIX
    + "\n# Channel: Phase\n# Width: 4.000 µm\n# Height: 3.000 µm\n# Value units: deg\n"
    + MATRIX
    + "\n# Channel: Zoom\n# Width: 10.00 nm\n# Height: 20.00 nm\n# Value units: nm\n"
    + "1 2 3\n4 5 6\n7 8 9\n10 11 12\n"
)


def test_several_gwyddion_exports_in_one_file_are_channels(tmp_path):
    f = _write(tmp_path, CONCATENATED)
    t = read_topography(f)
    assert t.channel == "Height" and t.channels == ["Height", "Phase", "Zoom"]
    assert t.size_m == pytest.approx((4e-6, 3e-6))
    np.testing.assert_allclose(t.heights_m, FILE_MATRIX)
    z = read_topography(f, channel="Zoom")
    assert z.size_m == pytest.approx((10e-9, 20e-9))
    np.testing.assert_allclose(z.heights_m, np.arange(1.0, 13.0).reshape(4, 3) * 1e-9)
    with pytest.raises(DataFormatError, match="'Phase' has values in 'deg', not heights"):
        read_topography(f, channel="Phase")


def test_a_phase_channel_first_is_not_read_as_heights(tmp_path):
    phase = "# Channel: Phase\n# Width: 4.000 µm\n# Height: 3.000 µm\n# Value units: deg\n"
    height = "# Channel: Height\n# Width: 4.000 µm\n# Height: 3.000 µm\n# Value units: nm\n"
    t = read_topography(_write(tmp_path, phase + "7 7 7 7\n" * 3 + "\n" + height + MATRIX))
    assert t.channel == "Height"
    np.testing.assert_allclose(t.heights_m, FILE_MATRIX * 1e-9)
    only_phase = phase.replace("deg", "V") + MATRIX
    with pytest.raises(DataFormatError, match="no channel holds heights.*Export the height"):
        read_topography(_write(tmp_path, only_phase, "phase.txt"))


SPIP = (
    "# File Format = ASCII\n# Created by SPIP 6.3.2.0 2014-12-12 11:16\n# x-pixels = 4\n"
    "# y-pixels = 3\n# x-length = 2000\n# y-length = 1500\n# x-offset = 0\n# y-offset = 0\n"
)


@pytest.mark.parametrize(
    ("extra", "z_m", "size_m"),
    [
        ("# z-unit = nm\n# voidpixels =0\n# Start of Data:\n", 1e-9, (2e-6, 1.5e-6)),
        ("# z-unit = um\n", 1e-6, (2e-6, 1.5e-6)),
        ("# Bit2nm = 0.5\n# Start of Data:\n", 0.5e-9, (2e-6, 1.5e-6)),
    ],
)
def test_spip_ascii_export_lengths_in_nm_heights_in_its_unit(tmp_path, extra, z_m, size_m):
    t = read_topography(_write(tmp_path, SPIP + extra + MATRIX))
    assert t.size_m == pytest.approx(size_m)
    np.testing.assert_allclose(t.heights_m, FILE_MATRIX * z_m)


def test_spip_pixels_that_do_not_match_the_matrix_are_refused(tmp_path):
    text = SPIP.replace("x-pixels = 4", "x-pixels = 3").replace("y-pixels = 3", "y-pixels = 4")
    with pytest.raises(DataFormatError, match="3 x 4 pixels .* the matrix is 4 x 3"):
        read_topography(_write(tmp_path, text + "# z-unit = nm\n" + MATRIX))


def test_attocube_ascii_export_states_its_lateral_unit(tmp_path):
    head = (
        "# Daisy frame view snapshot\n# 2009-07-14T10:12:34\n# x-pixels: 4\n# y-pixels: 3\n"
        "# x-length: 8\n# y-length: 6\n# x-offset: 0\n# y-offset: 0\n# x-unit: um\n"
        "# y-unit: um\n# z-unit: nm\n# scanspeed: 2\n# display: Topography\n# Start of Data:\n"
    )
    t = read_topography(_write(tmp_path, head + MATRIX))
    assert t.size_m == pytest.approx((8e-6, 6e-6))
    np.testing.assert_allclose(t.heights_m, FILE_MATRIX * 1e-9)


def test_nova_ascii_export_pixel_sizes_in_its_unit(tmp_path):
    head = (
        "File Format = ASCII\nCreated by Nova\nNX = 4\nNY = 3\nScale X = 0.5\nScale Y = 0.25\n"
        "Unit X = um\nUnit Data = nm\nScale Data = 1\nDataScaleNeeded = no\nStart of Data :\n"
    )
    t = read_topography(_write(tmp_path, head + MATRIX))
    assert t.size_m == pytest.approx((2e-6, 0.75e-6))
    np.testing.assert_allclose(t.heights_m, FILE_MATRIX * 1e-9)


def _wyko(real_units: int) -> str:
    return "\n".join(
        [
            f"Wyko ASCII Data File Format 0\t{real_units}\t1",
            "X Size\t4",
            "Y Size\t3",
            "Block Name\tType\tLength\tValue",
            "Pixel_size\t7\t4\t0.002",
            "Wavelength\t7\t4\t632.8",
            "Mult\t7\t4\t2",
            "RAW_DATA\t3\t48\t",
            "1\t2\t3",
            "4\tBad\t6",
            "7\t8\t9",
            "10\t11\t12",
        ]
    )


@pytest.mark.parametrize(("real_units", "unit_m"), [(1, 1e-9), (0, 632.8 / 2 * 1e-9)])
def test_wyko_ascii_export_is_a_map_in_nm_or_wavelengths(tmp_path, real_units, unit_m):
    t = read_topography(_write(tmp_path, _wyko(real_units)))
    assert t.size_m == pytest.approx((6e-6, 8e-6))  # 3 x 4 pixels of 2 um
    expected = np.arange(1.0, 13.0).reshape(4, 3) * unit_m
    expected[1, 1] = np.nan  # "Bad"
    np.testing.assert_allclose(t.heights_m, expected)
    assert np.isfinite(roughness(t.heights_m)["Sq"])


def test_control_english_gwyddion_export_reads_as_surface_topography_reads_it(tmp_path):
    st = pytest.importorskip("SurfaceTopography")
    rng = np.random.default_rng(1)
    z = rng.normal(0, 5e-9, (6, 9))
    body = "\n".join(" ".join(f"{v:.6e}" for v in row) for row in z)
    head = "# Channel: Height\n# Width: 2.000000 µm\n# Height: 1.600000 µm\n# Value units: m\n"
    f = _write(tmp_path, head + body + "\n")
    ours = read_topography(f)
    theirs = st.open_topography(str(f)).topography()
    np.testing.assert_allclose(ours.heights_m, theirs.heights().T, rtol=1e-12)
    assert ours.size_m == pytest.approx(tuple(theirs.physical_sizes))


# -- SPECS Prodigy .xy with processing results after the data -------------------------------------
def _prodigy(operations: bool) -> str:
    """Two regions (C 1s at 284.8 eV, O 1s at 531.5 eV, binding energy, 21 points); with
    ``operations`` the C 1s region is followed by the results of a Shirley background
    (``# Operation:``, ``# Result Name: Background`` and ``Residuum``), as Prodigy exports them
    (layout as a Prodigy .xy parser's tests write it)."""

    def head(name: str, sid: int) -> str:
        return (
            f"# Region:                       {name}\n# Spectrum ID:                  {sid}\n"
            "# Values/Curve:                 21\n# Dwell Time:                   0.1\n"
            "# Excitation Energy:            1486.61\n# Number of Scans:              5\n#\n"
            "# Cycle: 0, Curve: 0\n# ColumnLabels: energy counts/s\n"
        )

    def table(e, y) -> str:
        return "".join(f"{a:.2f} {b:.2f}\n" for a, b in zip(e, y, strict=True))

    e = np.arange(290.0, 279.95, -0.5)
    c1s = 100 + 1000 * np.exp(-0.5 * ((e - 284.8) / 0.5) ** 2)
    eo = np.arange(537.0, 526.95, -0.5)
    o1s = 200 + 800 * np.exp(-0.5 * ((eo - 531.5) / 0.6) ** 2)
    text = "# Created by:        SpecsLab Prodigy, Version 4.43.2-r73078\n" + head("C 1s", 1)
    text += table(e, c1s)
    if operations:
        text += "# Operation:                    Shirley background\n# Range Start: 290\n"
        text += "# Result Name:                  Background\n# Values/Curve: 21\n"
        text += "# Curve: Background\n" + table(e, np.full_like(e, 100.0))
        text += "# Result Name:                  Residuum\n# Values/Curve: 21\n"
        text += "# Curve: Residuum\n" + table(e, c1s - 100)
    return text + head("O 1s", 2) + table(eo, o1s)


@pytest.mark.parametrize("operations", [False, True])
def test_prodigy_processing_results_are_not_read_as_spectra(tmp_path, operations):
    from solidna.analysis.xps.io import read_xps

    spectra = read_xps(_write(tmp_path, _prodigy(operations), "sample.xy"))
    assert [s.label for s in spectra] == ["C 1s", "O 1s"]
    c1s, o1s = spectra
    assert c1s.binding_energy_eV[np.argmax(c1s.intensity_cps)] == pytest.approx(284.8, abs=0.3)
    assert float(np.min(c1s.intensity_cps)) == pytest.approx(100.0, abs=1.0)
    assert o1s.binding_energy_eV[np.argmax(o1s.intensity_cps)] == pytest.approx(531.5, abs=0.3)
    notes = " ".join(c1s.metadata["notes"])
    assert ("Residuum" in notes and "set aside" in notes) == operations


# -- NanoScope ASCII export of every channel in every unit -----------------------------------------
NS_K, NS_SENS_NM_V, NS_ZSENS_NM_V = 0.0538362, 105.4528, 17.9493  # N/m, nm/V, nm/V


def _nanoscope_all_units(path, header: bool = True):
    """A NanoScope .spm.txt force export as a real PeakForce file is described (pynxtools-spm
    test data): an exported header, then 32 tab-separated columns - Time_s, Calc_Ramp_nm,
    Defl in V/nm/pN/Lsb and Height_Sensor in V/nm/Lsb, Ex and Rt, the 14 signals repeated.
    Hertz curve (E_PA, R = 10 um), contact at -2.3 um, a deflection offset of -300 nm."""
    n = 600
    tip = -np.linspace(0.0, 2.4e-6, n)
    force = indentation_force("paraboloid", -2.3e-6 - tip, E_PA)
    ramp = -(tip - force / NS_K) * 1e9
    defl_nm = force / NS_K * 1e9 - 300.0
    signals = {
        "Defl_V": defl_nm / NS_SENS_NM_V,
        "Defl_nm": defl_nm,
        "Defl_pN": defl_nm * NS_K * 1e3,
        "Defl_Lsb": np.round(defl_nm / NS_SENS_NM_V / 3.662e-4),
        "Height_Sensor_V": ramp / NS_ZSENS_NM_V,
        "Height_Sensor_nm": ramp,
        "Height_Sensor_Lsb": np.round(ramp / NS_ZSENS_NM_V / 1e-4),
    }
    names = ["Time_s_Ex", "Time_s_Rt", "Calc_Ramp_Ex_nm", "Calc_Ramp_Rt_nm"]
    cols = [np.arange(n) * 16e-6] * 2 + [ramp, ramp[::-1]]
    for key, values in signals.items():
        names += [f"{key}_Ex", f"{key}_Rt"]
        cols += [values, values[::-1]]
    names, cols = names + names[4:], cols + cols[4:]
    head = ["\\*Force file list", "\\Version: 0x09400202"]
    if header:
        head += [f"\\@Sens. DeflSens: V {NS_SENS_NM_V} nm/V", f"\\Spring Constant: {NS_K}"]
    head += ["\\*Force file list end", "\t".join(names)]
    rows = ["\t".join(f"{c[k]:.8e}" for c in cols) for k in range(n)]
    path.write_text("\r\n".join(head + rows) + "\r\n")
    return path, force - 300e-9 * NS_K


def test_nanoscope_export_in_every_unit_reads_the_lengths_and_the_raw_deflection(tmp_path):
    f, _ = _nanoscope_all_units(tmp_path / "SB04_00000.spm.txt")
    (c,) = read_force_curves(f)
    notes = " ".join(c.metadata["notes"])
    assert "'Defl_V_Ex' in V" in notes and c.spring_constant_N_m == NS_K
    fit = fit_contact(c)
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=2e-3)
    assert fit.contact_point_m == pytest.approx(-2.3e-6, abs=3e-9)  # the -300 nm offset left out


def test_nanoscope_export_without_calibration_takes_the_force_or_length_column(tmp_path):
    f, force = _nanoscope_all_units(tmp_path / "SB04_00000.spm.txt", header=False)
    (c,) = read_force_curves(f)  # no sensitivity, no k: the pN column
    np.testing.assert_allclose(c.approach_force_N, force, rtol=1e-6, atol=1e-15)
    (c,) = read_force_curves(f, spring_constant_N_m=NS_K)  # k given: the nm column
    assert "'Defl_nm_Ex' in nm" in " ".join(c.metadata["notes"])
    np.testing.assert_allclose(c.approach_force_N, force, rtol=1e-6, atol=1e-15)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=2e-3)
