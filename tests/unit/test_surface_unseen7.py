"""Surface files of round 7 (unseen files, see CHANGELOG): synthetic twins of their layouts.

JPK text exports (JPK Data Processing "Export as text"; a JPK CellHesion-200 export quoted in
a public note): one table per segment under ``# segment:``, ``# columns:``, ``# units:``, with
``# springConstant:`` and ``# sensitivity:`` in each segment's header. afmformats reads JPK
curves only from the binary files; solidna used to refuse the text export.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.analysis.pipeline import analyze
from solidna.errors import DataFormatError

K_SPRING = 0.05  # N/m
SENSITIVITY = 5e-8  # m/V
E_PA = 2e4  # Pa
CONTACT_M = 20e-6  # tip position at contact [m]

#: The columns of the CellHesion export (verticalTipPosition is JPK's own tip position).
COLUMNS = (
    "verticalTipPosition vDeflection strainGaugeHeight height smoothedStrainGaugeHeight "
    "seriesTime time"
)


def _segment_rows(tip: np.ndarray, deflection_unit: str, t0: float) -> tuple[list[str], float]:
    force = indentation_force("paraboloid", CONTACT_M - tip, E_PA) + 3e-11  # baseline offset
    base = tip - force / K_SPRING  # the cantilever bends away from the surface by F/k
    scale = {"N": 1.0, "m": 1 / K_SPRING, "V": 1 / (K_SPRING * SENSITIVITY)}[deflection_unit]
    t = np.arange(len(tip)) * 1e-3
    rows = [
        f"{a:.8E} {f * scale:.8E} {b:.8E} {b * 0.6 + 1e-6:.8E} {b:.8E} {t0 + s:.5f} {s:.5f}"
        for a, f, b, s in zip(tip, force, base, t, strict=True)
    ]
    return rows, t0 + t[-1]


def _jpk_text(
    path,
    deflection_unit: str = "N",
    calibration: bool = True,
    curves: int = 1,
    pause: bool = True,
    pause_first: bool = False,
):
    """A JPK text export of ``curves`` Hertz curves (E_PA, paraboloid R = 10 um)."""
    units = f"m {deflection_unit} m m m s s"
    lines = [
        "# TEXT EXPORT",
        "# data-description.instrument: JPK00000-CellHesion-200",
        "# data-description.source-software: 3.4.15",
    ]
    approach = np.linspace(23e-6, 19e-6, 1500)
    t0 = 0.0
    for c in range(curves):
        kinds = ["extend", "retract"] + (["pause"] if pause else [])
        if pause_first:  # CellHesion with an extended pause: extend, pause, retract
            kinds = ["extend", "pause", "retract"]
        for s, kind in enumerate(kinds):
            if s or c:
                lines.append("")
            tip = {"extend": approach, "retract": approach[::-1], "pause": approach[:2]}[kind]
            rows, t0 = _segment_rows(tip, deflection_unit, t0)
            lines += [
                f"# index: {c if curves > 1 else -1}",
                f"# xPosition: {'----' if curves == 1 else f'{c * 1e-6:.1E}'}",
                f"# yPosition: {'----' if curves == 1 else '-2.5E-6'}",
                "# force-settings.relative-setpoint: 0.5",
                "#",
                f"# segmentIndex: {s}",
                f"# recorded-num-points: {len(rows)}",
                f"# segment: {kind}",
                f"# columns: {COLUMNS}",
                "# heightMultiplier: 0.6",
            ]
            if calibration:
                lines += [f"# sensitivity: {SENSITIVITY}", f"# springConstant: {K_SPRING}"]
            lines += [f"# units: {units}", "#"] + rows
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("unit", ["N", "m", "V"])
def test_jpk_text_export_round_trip_recovers_the_modulus(tmp_path, unit):
    (c,) = read_force_curves(_jpk_text(tmp_path / "force-save-2011.txt", unit))
    assert c.spring_constant_N_m == pytest.approx(K_SPRING)
    assert c.metadata["format"] == "JPK text export"
    # the base position is the measured (strain gauge) height, as afmformats takes it from the
    # .jpk-force file; the tip position height + F/k is then the file's verticalTipPosition
    np.testing.assert_allclose(c.tip("approach"), np.linspace(23e-6, 19e-6, 1500), atol=1e-13)
    assert c.approach_force_N.max() == pytest.approx(
        indentation_force("paraboloid", np.array([1e-6]), E_PA)[0] + 3e-11, rel=1e-6
    )
    assert len(c.retract_force_N) == 1500  # the pause segment is left out
    fit = fit_contact(c, "paraboloid")
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-3)
    assert fit.contact_point_m == pytest.approx(CONTACT_M, abs=2e-9)


def test_jpk_text_export_of_several_curves_gives_one_curve_each(tmp_path):
    curves = read_force_curves(_jpk_text(tmp_path / "map.txt", curves=3, pause=False))
    assert [c.index for c in curves] == [0, 1, 2]
    assert [c.position_m for c in curves] == [(0.0, -2.5e-6), (1e-6, -2.5e-6), (2e-6, -2.5e-6)]
    assert all(len(c.approach_force_N) == len(c.retract_force_N) == 1500 for c in curves)


def test_jpk_text_export_in_volts_needs_the_calibration_and_takes_it(tmp_path):
    f = _jpk_text(tmp_path / "volts.txt", "V", calibration=False)
    with pytest.raises(DataFormatError, match="spring constant and sensitivity") as err:
        read_force_curves(f)
    assert "--sensitivity" in str(err.value)
    (c,) = read_force_curves(f, sensitivity=SENSITIVITY, spring_constant_N_m=K_SPRING)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-3)
    assert any("turned into a force" in n for n in c.metadata["notes"])


def test_jpk_text_export_through_analyze(tmp_path):
    f = _jpk_text(tmp_path / "force-save.txt", "N")
    out = analyze(f, "afm-force", tmp_path / "out")
    res = out["results"][f.name]["curve"]
    assert res["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-3)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert f.name in summary["results"]


def test_jpk_text_export_with_columns_that_do_not_match_is_refused(tmp_path):
    f = _jpk_text(tmp_path / "cut.txt")
    text = f.read_text().replace("# units: m N m m m s s", "# units: m N m")
    f.write_text(text)
    with pytest.raises(DataFormatError, match="'# units:' lines must match"):
        read_force_curves(f)


# -- Thermo Avantage spreadsheet saved as CSV ----------------------------------------------------
def _avantage_csv(path, axis: str = "Binding Energy (E)"):
    """The layout three independent Avantage readers describe: junk rows, a parameter block on
    the right, a row of names (the data column unnamed, spacer columns empty) over a row of
    units, then the table (binding energy descending)."""
    rows = ["Experiment Descriptions :,,,,,,,Acquisition Parameters,"]
    rows += [",,,,,,,,"] * 2 + [",,,,,,,Total acquisition time,8 mins 22.5 secs"]
    rows += [",,,,,,,Number of Scans,50"] + [",,,,,,,,"] * 9
    rows.append(f"{axis},,,,Backgnd.,Peak A,Envelope,Residuals,")
    rows.append("eV,,Counts / s,,Counts / s,Counts / s,Counts / s,Counts / s,")
    be = np.arange(295.0, 279.95, -0.1)
    peak = 12000 * np.exp(-np.log(2) * ((be - 284.8) / 0.6) ** 2)
    bg = 1000 + 5 * (be - 280)
    rows += [
        f"{b:.2f},,{p + g:.1f},,{g:.1f},{p:.1f},{p + g:.1f},0.0,"
        for b, p, g in zip(be, peak, bg, strict=True)
    ]
    path.write_text("\r\n".join(rows) + "\r\n")
    return path


def test_avantage_names_over_units_name_the_axis_and_the_data_column(tmp_path):
    from solidna.analysis.xps.io import read_xps

    (s,) = read_xps(_avantage_csv(tmp_path / "C1s Scan.csv"))
    assert s.metadata["energy axis"] == "Binding Energy (E) [eV]"
    assert s.metadata["intensity"] == "Counts / s"
    assert s.intensity_unit == "counts.s-1"
    notes = " ".join(s.metadata["notes"])
    assert "assumed" not in notes  # the file names its axis and says counts per second
    assert "'Backgnd. [Counts / s]'" in notes  # the fit curves are set aside by name
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(284.8, abs=0.05)


def test_avantage_kinetic_axis_under_a_units_row_is_not_taken_for_binding(tmp_path):
    from solidna.analysis.xps.io import read_xps

    f = _avantage_csv(tmp_path / "ke.csv", axis="Kinetic Energy (E)")
    with pytest.raises(DataFormatError, match="is kinetic and the file states no photon"):
        read_xps(f)
    (s,) = read_xps(f, photon_energy_eV=1486.6)
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(1486.6 - 284.8)


def test_control_units_row_without_names_above_stays_as_before(tmp_path):
    from solidna.analysis.xps.io import read_xps

    f = tmp_path / "units_only.csv"
    be = np.arange(290.0, 280.0, -0.1)
    f.write_text("eV,cps\n" + "\n".join(f"{b:.2f},{100 + b:.1f}" for b in be) + "\n")
    (s,) = read_xps(f)
    assert s.metadata["intensity"] == "cps"
    assert any("assumed" in n for n in s.metadata["notes"])  # the axis is not named


# -- profilometer text tables whose column names state the units ---------------------------------
X_UM = np.linspace(0.0, 100.0, 501)  # lateral position [um]
Z_NM = 20.0 * np.sin(2 * np.pi * X_UM / 25.0) + 0.05 * X_UM  # height [nm], with a tilt


def _profile_rq(path, **kw):
    from solidna.analysis.topography import level, read_topography, roughness

    t = read_topography(path, **kw)
    return t, roughness(level(t.heights_m, "line", t.positions_m), x_m=t.positions_m)["Rq"]


def _reference_rq(tmp_path):
    """The same profile in metres under plain names: what SurfaceTopography reads right."""
    f = tmp_path / "metres.csv"
    f.write_text(
        "x,z\n"
        + "\n".join(f"{a * 1e-6:.9e},{b * 1e-9:.9e}" for a, b in zip(X_UM, Z_NM, strict=True))
    )
    return _profile_rq(f)[1]


def test_dektak_csv_profile_is_read_in_the_units_its_columns_name(tmp_path):
    # Bruker Dektak: settings, then "Lateral(um),Raw Profile(A),Total Profile(A)," (read by
    # jm1261/SurfaceProfileAnalysis as um and Angstrom); rows end in a comma
    f = tmp_path / "dektak.csv"
    rows = [f"{a:.4f},{b * 10 + 30:.3f},{b * 10:.3f}," for a, b in zip(X_UM, Z_NM, strict=True)]
    head = ["Meta Data", "Scan Length,100,\u00b5m", "Stylus Force,3,mg", ""]
    f.write_text(
        "\n".join(head + ["Lateral(\u00b5m),Raw Profile(\u00c5),Total Profile(\u00c5),"] + rows)
    )
    t, rq = _profile_rq(f)
    assert t.size_m[0] == pytest.approx(100.2e-6)
    assert t.channel == "Raw Profile" and t.channels == ["Raw Profile", "Total Profile"]
    assert rq == pytest.approx(_reference_rq(tmp_path), rel=1e-6)
    assert _profile_rq(f, channel="Total Profile")[1] == pytest.approx(rq, rel=1e-6)


@pytest.mark.parametrize(
    "header, sep, xs, zs",
    [
        ("Lateral(um),Total Profile(nm)", ",", 1.0, 1.0),
        ("x [um];height [nm]", ";", 1.0, 1.0),
        ("position (mm), height (\u03bcm)", ", ", 1e-3, 1e-3),
        ("Counter\tAltitude (\u00b5m)\tEncoder1 (\u00b5m)\tRow number", "\t", 1.0, 1e-3),
    ],
)
def test_profile_units_in_column_names_are_applied(tmp_path, header, sep, xs, zs):
    f = tmp_path / "profile.txt"
    if header.startswith("Counter"):  # counter, height, position, row (a stylus export)
        rows = [
            f"{i}\t{b * zs:.9g}\t{a * xs:.9g}\t1"
            for i, (a, b) in enumerate(zip(X_UM, Z_NM, strict=True))
        ]
    else:
        rows = [f"{a * xs:.9g}{sep}{b * zs:.9g}" for a, b in zip(X_UM, Z_NM, strict=True)]
    f.write_text(header + "\n" + "\n".join(rows) + "\n")
    t, rq = _profile_rq(f)
    assert t.is_profile
    assert rq == pytest.approx(_reference_rq(tmp_path), rel=1e-5)
    assert rq == pytest.approx(14.1e-9, rel=0.03)  # a 20 nm sine: Rq = 20 / sqrt(2) nm


def test_xyz_grid_with_units_in_its_column_names(tmp_path):
    from solidna.analysis.topography import read_topography

    xg, yg = np.meshgrid(np.linspace(0, 10, 21), np.linspace(0, 5, 11))  # um
    zg = 5 * np.sin(xg) + 0.1 * yg  # nm
    f = tmp_path / "map.csv"
    f.write_text(
        "x (um),y (um),z (nm)\n"
        + "\n".join(
            f"{a:.4f},{b:.4f},{c:.6f}"
            for a, b, c in zip(xg.ravel(), yg.ravel(), zg.ravel(), strict=True)
        )
    )
    t = read_topography(f)
    np.testing.assert_allclose(t.heights_m, zg * 1e-9, atol=1e-15)
    assert t.size_m == pytest.approx((10.5e-6, 5.5e-6))  # 21 x 11 pixels of 0.5 um


def test_profile_columns_with_units_but_no_recognisable_roles_are_refused(tmp_path):
    from solidna.analysis.topography import read_topography

    f = tmp_path / "odd.csv"
    f.write_text("a (um),b (nm)\n" + "\n".join(f"{a},{b}" for a, b in zip(X_UM, Z_NM, strict=True)))
    with pytest.raises(DataFormatError, match="name them e.g. 'x \\(um\\)' and 'z \\(nm\\)'"):
        read_topography(f)


# -- Bruker NanoScope Analysis "ASCII Export" of a force curve -----------------------------------
def _nanoscope_ascii(path, hard: bool = False, deflection: str = "V"):
    """The layout of NanoScope Analysis' ASCII export ("Native" units): a tab-separated header
    ``Calc_Ramp_Ex_nm Calc_Ramp_Rt_nm Defl_V_Ex Defl_V_Rt`` (each line ending in a tab), the
    ramp the Z extension towards the sample (0 -> 2.4 um on extend, back on retract), each
    segment in time order, the deflection in V with an offset of -5 V (as the fdafm files).
    The sample surface is at -2.3 um on the base-position axis (minus the ramp): Hertz
    (E_PA, R = 10 um), or ``hard`` (the tip stops there)."""
    contact = -2.3e-6
    if hard:
        base = -np.linspace(0.0, 2.4e-6, 512)
        force = K_SPRING * np.clip(contact - base, 0.0, None)  # the tip stays at the surface
    else:
        tip = -np.linspace(0.0, 2.4e-6, 512)
        force = indentation_force("paraboloid", contact - tip, E_PA)
        base = tip - force / K_SPRING
    ramp = -base * 1e9  # nm
    scale = {"V": 1 / (K_SPRING * SENSITIVITY), "nm": 1e9 / K_SPRING, "pN": 1e12}[deflection]
    d = force * scale + (-5.0 if deflection == "V" else 0.0)
    head = f"Calc_Ramp_Ex_nm\tCalc_Ramp_Rt_nm\tDefl_{deflection}_Ex\tDefl_{deflection}_Rt\t"
    rows = [
        f"{ramp[k]:.6e}\t{ramp[-1 - k]:.6e}\t{d[k]:.6e}\t{d[-1 - k] - 0.01:.6e}\t"
        for k in range(len(ramp))
    ]
    path.write_text("\r\n".join([head] + rows) + "\r\n")
    return path


@pytest.mark.parametrize("deflection", ["V", "nm", "pN"])
def test_nanoscope_ascii_export_round_trip_recovers_the_modulus(tmp_path, deflection):
    f = _nanoscope_ascii(tmp_path / "180424_fv_sample.spm.txt", deflection=deflection)
    (c,) = read_force_curves(f, sensitivity=SENSITIVITY, spring_constant_N_m=K_SPRING)
    assert c.metadata["format"] == "NanoScope ASCII export"
    assert len(c.approach_force_N) == len(c.retract_force_N) == 512
    # time order: the approach starts 2.4 um away, the retract starts in contact
    assert c.approach_height_m[0] == 0.0 and c.retract_height_m[0] < -2.4e-6
    fit = fit_contact(c, "paraboloid")
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=2e-3)
    # the deflection offset (-5 V in "Native" units) does not move the tip: base + (F - F0)/k
    assert fit.contact_point_m == pytest.approx(-2.3e-6, abs=3e-9)


def test_nanoscope_ascii_on_a_hard_sample_leaves_the_tip_still(tmp_path):
    # the fdafm mica calibration curve: in contact the deflection rises by the ramp's travel
    # over the sensitivity, so the tip (base + deflection) stays put; with the ramp read the
    # other way round it would move twice the travel
    f = _nanoscope_ascii(tmp_path / "mica.txt", hard=True)
    (c,) = read_force_curves(f, sensitivity=SENSITIVITY, spring_constant_N_m=K_SPRING)
    tip = c.tip("approach")
    inside = c.approach_height_m < -2.31e-6
    assert np.ptp(c.approach_height_m[inside]) > 85e-9
    assert np.ptp(tip[inside]) < 2e-9


def test_nanoscope_ascii_in_volts_needs_the_calibration(tmp_path):
    f = _nanoscope_ascii(tmp_path / "volts.txt")
    with pytest.raises(DataFormatError, match="'Defl_V_Ex' is in 'V'.*--sensitivity"):
        read_force_curves(f)


def test_a_table_whose_units_are_no_lengths_is_not_read_as_a_profile(tmp_path):
    from solidna.analysis.topography import read_topography

    # a battery-cycler table (BDF-style names): SurfaceTopography read its first two columns
    # as a profile in metres
    f = tmp_path / "cycler.csv"
    f.write_text("Test Time / s,Voltage / V,Current / A\n0,3.1,0.1\n10,3.2,0.1\n20,3.3,0.1\n")
    with pytest.raises(DataFormatError, match="none is a length"):
        read_topography(f)


def test_jpk_text_export_in_display_units(tmp_path):
    # JPK exports in the display units when asked (stemarcotti/AFM-data-plot describes
    # "height [nm], vDeflection [nN], series time [s], segment time [s]")
    tip = np.linspace(23e-6, 19e-6, 1500)
    force = indentation_force("paraboloid", CONTACT_M - tip, E_PA)
    base = tip - force / K_SPRING
    lines = ["# TEXT EXPORT", f"# springConstant: {K_SPRING}"]
    for s, (kind, order) in enumerate(
        (("extend", slice(None)), ("retract", slice(None, None, -1)))
    ):
        lines += [f"# segmentIndex: {s}", f"# segment: {kind}"]
        lines += ["# columns: height vDeflection seriesTime time", "# units: nm nN s s", "#"]
        lines += [
            f"{b * 1e9:.6f} {f * 1e9:.9f} 0 0"
            for b, f in zip(base[order], force[order], strict=True)
        ]
        lines.append("")
    f = tmp_path / "display_units.txt"
    f.write_text("\n".join(lines))
    (c,) = read_force_curves(f)
    np.testing.assert_allclose(c.approach_height_m, base, atol=1e-15)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-3)


def test_jpk_text_export_with_the_pause_between_extend_and_retract(tmp_path):
    # afmformats' force-save-2021.06.30-13.48.08.425.txt (CellHesion-200, 6.1.171):
    # extend (segment 0), a 3 s extended pause (1), retract (2)
    (c,) = read_force_curves(_jpk_text(tmp_path / "pause.txt", pause_first=True))
    assert len(c.approach_force_N) == len(c.retract_force_N) == 1500
    assert c.retract_height_m[0] < c.retract_height_m[-1]  # the retract moves away
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-3)


# -- Keyence VK-X CSV export ("ImageDataCsv") ----------------------------------------------------
def _keyence_csv(path, german: bool = False, encoding: str = "latin-1"):
    """The layout matusm/Kcsv2Bcr reads (VK-X3000): quoted key/value lines, the first key with
    a line break in it ("Data type\\n"), "XY Calibration" with its unit, the grid, the height
    unit, a line naming the data, then one quoted row per profile (one point missing)."""
    rng = np.random.default_rng(3)
    z = 0.5 * np.sin(np.arange(40) / 5)[None, :] + 0.01 * np.arange(30)[:, None]
    z = z + 0.02 * rng.standard_normal((30, 40))  # um
    keys = (
        ("XY-Justierung", "Horizont.", "Vertikal", "Einheit", "H\u00f6he")
        if german
        else ("XY Calibration", "Horizontal", "Vertical", "Unit", "Height")
    )
    lines = ['"Data type', '","ImageDataCsv"', '"File version","1000"']
    lines += [f'"{keys[0]}","138.000","nm"', f'"{keys[1]}","40"', f'"{keys[2]}","30"']
    lines += [f'"{keys[3]}","\u00b5m"', '"Reference data name",""', "", f'"{keys[4]}"']
    cells = [[f'"{v:.4f}"' for v in row] for row in z]
    cells[5][7] = '""'  # a point the microscope did not measure
    lines += [",".join(row) for row in cells]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path, z


@pytest.mark.parametrize("german, encoding", [(False, "latin-1"), (True, "utf-8")])
def test_keyence_csv_is_read_in_its_units(tmp_path, german, encoding):
    from solidna.analysis.topography import read_topography

    f, z = _keyence_csv(tmp_path / "vk.csv", german, encoding)
    t = read_topography(f)
    assert t.heights_m.shape == (30, 40)
    assert t.size_m == pytest.approx((40 * 138e-9, 30 * 138e-9))
    assert np.isnan(t.heights_m[5, 7]) and np.isnan(t.heights_m).sum() == 1
    ok = ~np.isnan(t.heights_m)
    np.testing.assert_allclose(t.heights_m[ok], z[ok] * 1e-6, atol=1e-10)


def test_nanoscope_ascii_export_with_its_header_exported_above(tmp_path):
    f = _nanoscope_ascii(tmp_path / "with_header.txt")
    head = ["\\*Force file list", "\\Version: 0x09200000", "\\Date: 10:12:50 AM Tue Apr 24 2018"]
    head += ["\\*Ciao scan list", "\\@Sens. DeflSens: V 50.00 nm/V", "\\*Ciao force image list"]
    head += ["\\Spring Constant: 0.05", "\\*File list end", ""]
    f.write_bytes(("\r\n".join(head) + "\r\n").encode("latin-1") + f.read_bytes())
    (c,) = read_force_curves(f)  # the calibration comes from the exported header
    assert c.spring_constant_N_m == pytest.approx(K_SPRING)
    assert c.metadata["sensitivity"] == pytest.approx(SENSITIVITY)
    assert len(c.approach_force_N) == 512
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=2e-3)
    # values given replace the header's
    (c,) = read_force_curves(f, sensitivity=2 * SENSITIVITY, spring_constant_N_m=K_SPRING)
    assert c.metadata["sensitivity"] == pytest.approx(2 * SENSITIVITY)


def test_white_space_names_over_units_name_a_kinetic_axis(tmp_path):
    from solidna.analysis.xps.io import read_xps

    f = tmp_path / "ke_units.txt"
    ke = np.arange(1195.0, 1210.0, 0.5)
    rows = [f"{k:.1f} {100 + 1000 * np.exp(-(((k - 1201.8) / 0.7) ** 2)):.1f}" for k in ke]
    f.write_text("KE Counts\neV cps\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataFormatError, match="'KE \\[eV\\]'\\) is kinetic"):
        read_xps(f)  # was read as binding energies 1195-1210 eV
    (s,) = read_xps(f, photon_energy_eV=1486.6)
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(284.8, abs=0.3)
    assert s.intensity_unit == "counts.s-1"
