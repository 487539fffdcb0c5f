"""Surface files of session 14: a known sine surface in several topography formats, Digital Surf
heights in angstrom, re-saved Gwyddion text exports, bare height matrices, non-height channels
listed first, profile roughness of evenly spaced scans, afmformats HDF5 exports of one curve of
a map, force-distance tables whose header names the units, and reader notes in the report.

Every file is a synthetic twin written here; the layouts come from public sources:

* Digital Surf ``.sur``: the 512-byte header of SurfaceTopography's reader
  (ContactEngineering/SurfaceTopography, ``SurfaceTopography/IO/SUR.py``, MIT);
* Gwyddion ``.gwy``, ISO 5436-2 ``.x3p``, NetCDF ``.nc`` and the bare matrix: written by
  SurfaceTopography's own writers (``to_gwy``, ``to_x3p``, ``to_netcdf``, ``to_matrix``; MIT);
* Gwyddion "ASCII data matrix" export with its informational header (``# Channel:``,
  ``# Width: 5.000 µm``, ``# Value units: m``): Gwyddion's asciiexport module (gwyddion.net,
  GPL-2; the layout only) as in SurfaceTopography's test/file_format_examples (MIT);
* afmformats HDF5 export: written by afmformats' own ``AFMData.export_data(fmt="hdf5")``
  (AFM-analysis/afmformats, MIT);
* Gwyddion ``.gwy`` with several channels: serialised here as gwyddion.net's "Gwyddion native
  file format" page documents it (GwyContainer, GwyDataField, GwySIUnit);
* force-distance tables: plain tab/semicolon tables with ``Name (unit)`` headers, as curve
  software and spreadsheets save them (no vendor layout); the NanoScope ASCII and JPK text
  exports as in test_surface_unseen7 (Bruker NanoScope Analysis, JPK Data Processing);
* one test reads ../shared/data/topo/di-1.di in place (SurfaceTopography's test file, MIT;
  skipped without the shared data), nothing copied.
"""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest

from _shared_data import shared_data
from _twins import write_gwy
from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.analysis.topography import level, read_topography, roughness
from solidna.errors import DataFormatError

pytest.importorskip("SurfaceTopography")
pytest.importorskip("afmformats")
TOPO, needs_data = shared_data("topo")

#: The sine surface: amplitude A, 4 whole periods along x over 64 points, 48 rows. Over whole
#: periods mean(sin^2) = 1/2 exactly, so Sq = A / sqrt(2) (and Rq of a row the same).
NX, NY, PERIODS = 64, 48, 4


def _sine(amplitude: float) -> np.ndarray:
    """Heights (rows: y, columns: x)."""
    row = amplitude * np.sin(2 * np.pi * PERIODS * np.arange(NX) / NX)
    return np.tile(row, (NY, 1))


def _write_sur(path, counts: np.ndarray, pixel: float, scale: float, xy_unit: str, z_unit: str):
    """A Digital Surf .sur file (SurfaceTopography's SUR.py header layout, little-endian):
    int32 counts, heights = counts * scale [z_unit], pixel [xy_unit]."""

    def text(t: str, n: int) -> bytes:
        return t.encode("latin-1").ljust(n, b"\0")

    ny, nx = counts.shape
    head = b"".join(
        [
            b"DIGITAL SURF",
            struct.pack("<4H", 0, 1, 1, 1),
            text("sine", 30),
            text("synthetic", 30),
            struct.pack("<5H", 0, 0, 0, 0, 0),
            struct.pack("<2I", 0, 0),
            struct.pack("<H", 32),
            struct.pack("<2i", int(counts.min()), int(counts.max())),
            struct.pack("<2iI", nx, ny, nx * ny),
            struct.pack("<3f", pixel, pixel, scale),
            text("X", 16),
            text("Y", 16),
            text("Z", 16),
            *(text(u, 16) for u in (xy_unit, xy_unit, z_unit, xy_unit, xy_unit, z_unit)),
            struct.pack("<3f", 1, 1, 1),
            struct.pack("<3H", 0, 0, 0),
            struct.pack("<3I", 0, 0, 0),
            struct.pack("<7H", 0, 0, 0, 1, 1, 2020, 0),
            struct.pack("<f", 0),
            struct.pack("<2IH", 0, 0, 0),
            struct.pack("<2H", 0, 0),
            b"\0" * 128,
            struct.pack("<3f", 0, 0, 0),
            b"\0" * 34,
        ]
    )
    assert len(head) == 512
    path.write_bytes(head + counts.astype("<i4").tobytes())


def _sq(path, **kw) -> tuple[float, float]:
    t = read_topography(path, **kw)
    r = roughness(level(t.heights_m, "none"))
    return r["Sq"], r["Sa"]


# --------------------------------------------------------------------------------------------
# Topography: a known sine in several formats
# --------------------------------------------------------------------------------------------
def test_digital_surf_heights_in_angstrom(tmp_path):
    """A .sur file in angstrom was refused ("unknown length unit 'Å'")."""
    z_unit, unit_m = "\u00c5", 1e-10  # the .sur header is ISO-8859-1: one byte
    counts = np.round(_sine(1e6))  # 1e6 counts, 0.25 A each: exact in float32
    p = tmp_path / "sine.sur"
    _write_sur(p, counts, 0.1, 0.25, "µm", z_unit)
    sq, sa = _sq(p)
    z = counts * 0.25 * unit_m
    assert sq == pytest.approx(np.sqrt(np.mean(z**2)), rel=1e-12)
    assert sq == pytest.approx(0.25e6 * unit_m / np.sqrt(2), rel=1e-6)
    assert sa == pytest.approx(np.mean(np.abs(z)), rel=1e-12)


@pytest.mark.parametrize(("xy_unit", "z_unit", "z_m"), [("µm", "nm", 1e-9), ("mm", "µm", 1e-6)])
def test_control_digital_surf_in_nm_and_um(tmp_path, xy_unit, z_unit, z_m):
    counts = np.round(_sine(1e6))
    p = tmp_path / "sine.sur"
    _write_sur(p, counts, 0.1, 0.25, xy_unit, z_unit)
    t = read_topography(p)
    assert t.heights_m.shape == (NY, NX)
    assert _sq(p)[0] == pytest.approx(0.25e6 * z_m / np.sqrt(2), rel=1e-6)


@pytest.mark.parametrize("fmt", ["gwy", "x3p", "netcdf"])
@pytest.mark.parametrize(("unit", "unit_m"), [("nm", 1e-9), ("um", 1e-6)])
def test_control_sine_through_surface_topography_writers(tmp_path, fmt, unit, unit_m):
    """Already right: Sq of the sine comes back as A / sqrt(2) from .gwy, .x3p and .nc."""
    import SurfaceTopography as st

    ext = {"gwy": "gwy", "x3p": "x3p", "netcdf": "nc"}[fmt]
    p = tmp_path / f"sine.{ext}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        topo = st.Topography(_sine(25.0).T, (10.0, 7.5), unit=unit)  # (x, y) indexing
        getattr(topo, f"to_{fmt}")(str(p))
    t = read_topography(p)
    assert t.heights_m.shape == (NY, NX)
    assert t.size_m == pytest.approx((10 * unit_m, 7.5 * unit_m), rel=1e-12)
    assert _sq(p)[0] == pytest.approx(25.0 * unit_m / np.sqrt(2), rel=1e-12)


def _gwyddion_text(path, heights: np.ndarray, value_unit: str, encoding: str = "utf-8"):
    head = (
        f"# Channel: Height\n# Width: 5.000 µm\n# Height: 3.750 µm\n# Value units: {value_unit}\n"
    )
    with open(path, "w", encoding=encoding) as fh:
        fh.write(head)
        np.savetxt(fh, heights, delimiter="\t", fmt="%.10e")


@pytest.mark.parametrize(
    ("value_unit", "unit_m", "encoding"),
    [
        ("\u00c5", 1e-10, "utf-8"),
        ("\u212b", 1e-10, "utf-8"),
        ("m", 1.0, "latin-1"),
        ("nm", 1e-9, "cp1252"),
    ],
)
def test_gwyddion_text_export_in_angstrom_or_resaved_in_latin1(
    tmp_path, value_unit, unit_m, encoding
):
    """A value unit in angstrom was refused as 'no channel holds heights'; a re-saved (ISO-8859-1
    or Windows-1252) export lost its "µm" ("unknown length unit")."""
    amplitude_m = 25e-9
    p = tmp_path / "sine.txt"
    _gwyddion_text(p, _sine(amplitude_m / unit_m), value_unit, encoding)
    t = read_topography(p)
    assert t.size_m == pytest.approx((5e-6, 3.75e-6), rel=1e-12)
    assert _sq(p)[0] == pytest.approx(amplitude_m / np.sqrt(2), rel=1e-9)


def test_control_gwyddion_text_export_in_utf8_um(tmp_path):
    p = tmp_path / "sine.txt"
    _gwyddion_text(p, _sine(0.025), "µm")
    assert _sq(p)[0] == pytest.approx(25e-9 / np.sqrt(2), rel=1e-9)


def test_a_bare_height_matrix_is_refused_naming_the_export_to_make(tmp_path):
    """It was refused with SurfaceTopography's "`physical_sizes` could not be extracted"."""
    p = tmp_path / "matrix.txt"
    np.savetxt(p, _sine(25e-9))
    with pytest.raises(DataFormatError) as err:
        read_topography(p)
    text = str(err.value)
    assert "states neither the scan size nor the height unit" in text
    assert "# Width: 5.000 um" in text and "physical_sizes" not in text


# --------------------------------------------------------------------------------------------
# AFM: afmformats HDF5 export of one curve of a map
# --------------------------------------------------------------------------------------------
TIP = np.linspace(3e-6, 0.0, 400)  # tip position, far to near [m]
E_PA, CP_M, K_N_M = 2e4, 1e-6, 0.05


def _curve_force() -> np.ndarray:
    return indentation_force("paraboloid", CP_M - TIP, E_PA) + 3e-10  # with a force offset


@pytest.mark.parametrize("enum", [1, 7])
def test_afmformats_hdf5_export_of_a_curve_that_is_not_the_first(tmp_path, enum):
    """afmformats names the group after the curve's index and recognises its own export only
    with a group "0": a curve saved from a map (or an .ibw, index 1) was refused."""
    import afmformats

    f = _curve_force()
    base = TIP - f / K_N_M
    data = {
        "force": np.r_[f, f[::-1]],
        "height (piezo)": np.r_[base, base[::-1]],
        "segment": np.r_[np.zeros(len(f), bool), np.ones(len(f), bool)],
    }
    meta = {
        "enum": enum,
        "spring constant": K_N_M,
        "imaging mode": "force-distance",
        "path": str(tmp_path / "map.jpk-force-map"),
        "point count": 2 * len(f),
    }
    p = tmp_path / "curve.h5"
    afmformats.AFMForceDistance(data=data, metadata=meta, diskcache=False).export_data(
        p, fmt="hdf5"
    )
    (c,) = read_force_curves(p)
    assert c.index == enum and c.spring_constant_N_m == K_N_M
    assert len(c.approach_force_N) == len(c.retract_force_N) == len(f)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)


# --------------------------------------------------------------------------------------------
# AFM: force-distance tables whose header names the units
# --------------------------------------------------------------------------------------------
def _table(path, header: str, distance: np.ndarray, force: np.ndarray, sep: str = "\t"):
    d = np.r_[distance, distance[::-1]]
    f = np.r_[force, force[::-1]]
    lines = [header] + [f"{a:.12g}{sep}{b:.12g}" for a, b in zip(d, f, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "header", "dist_scale", "force_scale", "flips"),
    [
        # base height in nm (larger = farther), force in nN; no spring constant: tip = base
        ("a.txt", "Height (nm)\tForce (nN)", 1e9, 1e9, 0),
        # a Z extension in um (grows towards the surface), force in pN
        ("b.csv", "Z (um)\tForce (pN)", -1e6, 1e12, 1),
        # a tip-sample separation with the other force sign convention
        ("c.tsv", "Separation [nm]\tForce [nN]", 1e9, -1e9, 1),
        ("d.dat", "Distance / m\tLoad / N", 1.0, 1.0, 0),
    ],
)
def test_force_distance_table_with_units_in_its_header(
    tmp_path, name, header, dist_scale, force_scale, flips
):
    """Such tables were refused ("afmformats cannot read it"): afmformats reads a .txt as an
    NT-MDT Nova export, a .csv as AFM Workshop's and no .tsv/.dat."""
    p = tmp_path / name
    _table(p, header, TIP * dist_scale, _curve_force() * force_scale)
    (c,) = read_force_curves(p)
    assert len(c.approach_force_N) == len(TIP)
    assert len(c.retract_force_N) == len(TIP) + 1  # the turning point in both segments
    fit = fit_contact(c)
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)
    assert not fit.flags
    turned = [n for n in c.metadata["notes"] if "turned over" in n]
    assert len(turned) == flips


def test_force_table_deflection_needs_and_takes_the_calibration(tmp_path):
    f = _curve_force()
    base = TIP - f / K_N_M  # the base lags the tip by the cantilever's bending
    sens = 50e-9  # [m/V]
    p = tmp_path / "defl.txt"
    _table(p, "Height (um);Deflection (V)", base * 1e6, f / K_N_M / sens, sep=";")
    with pytest.raises(DataFormatError, match="sensitivity"):
        read_force_curves(p, spring_constant_N_m=K_N_M)
    (c,) = read_force_curves(p, sensitivity=sens, spring_constant_N_m=K_N_M)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=1e-4)


def test_force_table_segment_column_and_the_reader_notes_reach_the_report(tmp_path):
    from solidna.analysis.pipeline import analyze

    f = _curve_force()
    rows = ["Segment\tHeight (nm)\tForce (nN)"]
    rows += [f"extend\t{z * 1e9:.12g}\t{-x * 1e9:.12g}" for z, x in zip(TIP, f, strict=True)]
    rows += [
        f"retract\t{z * 1e9:.12g}\t{-x * 1e9:.12g}" for z, x in zip(TIP[::-1], f[::-1], strict=True)
    ]
    p = tmp_path / "seg.txt"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (c,) = read_force_curves(p)
    assert len(c.approach_force_N) == len(c.retract_force_N) == len(TIP)
    summary = analyze([p], "afm-force", tmp_path / "out")
    notes = " | ".join(summary["notes"])
    # the sign turned over by the reader is said in the report (reader notes were dropped)
    assert "'Force (nN)' falls in contact: read with its sign turned over" in notes
    entry = summary["results"]["seg.txt"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-4)


def test_control_a_table_of_other_quantities_is_still_refused(tmp_path):
    p = tmp_path / "cycler.txt"
    p.write_text("Time (s)\tVoltage (V)\n" + "".join(f"{k}\t{3 + k / 100}\n" for k in range(50)))
    with pytest.raises(DataFormatError, match="afmformats cannot read it"):
        read_force_curves(p)


def test_the_notes_of_a_force_curve_reader_reach_the_report(tmp_path):
    """What a reader assumed (``ForceCurve.metadata["notes"]``) was kept on the curve and never
    shown: here the NanoScope ASCII export's base position, minus the Z ramp (layout of
    test_surface_unseen7: Bruker NanoScope Analysis "ASCII Export" columns)."""
    from solidna.analysis.pipeline import analyze

    f = _curve_force()
    ramp_nm = -TIP * 1e9  # the Z ramp grows towards the sample
    rows = ["Calc_Ramp_Ex_nm\tCalc_Ramp_Rt_nm\tDefl_pN_Ex\tDefl_pN_Rt"]
    rows += [
        f"{a:.12g}\t{b:.12g}\t{c:.12g}\t{d:.12g}"
        for a, b, c, d in zip(ramp_nm, ramp_nm[::-1], f * 1e12, f[::-1] * 1e12, strict=True)
    ]
    p = tmp_path / "nanoscope.txt"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    summary = analyze([p], "afm-force", tmp_path / "out")
    assert any("base position = minus the Z ramp" in n for n in summary["notes"])
    entry = summary["results"]["nanoscope.txt"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-4)


def test_an_approach_alone_is_analysed_without_adhesion(tmp_path):
    """A JPK text export of the extend segment alone (JPK Data Processing "Export as text";
    ``# segment:``/``# columns:``/``# units:`` header as in test_surface_unseen7) was refused
    by ``analyze`` as a whole ("the curve has no retract segment"), the modulus with it."""
    from solidna.analysis.pipeline import analyze

    f = _curve_force()
    base = TIP - f / K_N_M
    head = [
        "# TEXT EXPORT",
        f"# springConstant: {K_N_M}",
        "# segmentIndex: 0",
        "# segment: extend",
        "# columns: height vDeflection",
        "# units: m N",
    ]
    rows = [f"{z:.12g} {x:.12g}" for z, x in zip(base, f, strict=True)]
    p = tmp_path / "extend-only.txt"
    p.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    summary = analyze([p], "afm-force", tmp_path / "out")
    entry = summary["results"]["extend-only.txt"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=1e-4)
    assert entry["adhesion [N]"] is None
    assert any("no retract segment, so no adhesion" in n for n in summary["notes"])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # a profilometer table whose columns name their units (Dektak-like, comma separated)
        ("dektak.csv", lambda x, z: "Lateral (um),Total Profile (nm)\n" + _rows(x * 1e6, z * 1e9)),
        # SurfaceTopography's xy-2.txt layout: a units line above x, z rows (white space)
        ("xy.txt", lambda x, z: "um um\n" + _rows(x * 1e6, z * 1e6, " ")),
    ],
)
def test_profile_rq_of_a_sampled_sine_is_a_over_sqrt2(tmp_path, name, text):
    """An evenly spaced profile's points each stand for one spacing (SurfaceTopography's
    ``UniformLineScan.rms_height_from_profile``): the trapezoid's half weights at the ends put
    Rq of this sine 0.67 % high and Ra 1.2 % high."""
    amplitude_m = 25e-9
    x = np.arange(NX) * 1e-7
    z = _sine(amplitude_m)[0]
    p = tmp_path / name
    p.write_text(text(x, z), encoding="utf-8")
    t = read_topography(p)
    assert t.is_profile
    r = roughness(level(t.heights_m, "none", t.positions_m), x_m=t.positions_m)
    assert r["Rq"] == pytest.approx(amplitude_m / np.sqrt(2), rel=1e-8)
    assert r["Ra"] == pytest.approx(np.mean(np.abs(z)), rel=1e-8)
    # without positions (evenly spaced by default) the same
    assert roughness(level(z, "none"))["Rq"] == pytest.approx(amplitude_m / np.sqrt(2), rel=1e-12)


def test_control_an_unevenly_spaced_profile_is_integrated_over_its_length():
    # the profile linear between points, as SurfaceTopography integrates a non-uniform scan:
    # the long segment 2-10 (from +1 to -1) weighs 8 of the 12 units of length
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
    z = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    # each segment runs between +1 and -1: mean 0, integral of z**2 = dx / 3, of |z| = dx / 2
    assert roughness(z, x_m=x)["Rq"] == pytest.approx(np.sqrt(1 / 3), rel=1e-12)
    assert roughness(z, x_m=x)["Ra"] == pytest.approx(0.5, rel=1e-12)


def _rows(a: np.ndarray, b: np.ndarray, sep: str = ",") -> str:
    return "".join(f"{u:.12g}{sep}{v:.12g}\n" for u, v in zip(a, b, strict=True))


def test_gwyddion_file_whose_first_channels_are_not_heights(tmp_path):
    """Amplitude (V) and phase (deg) before the height: the first field was read and refused
    ("unknown length unit 'V'"); the first height channel is read, as from the ASCII export."""
    amplitude_m = 25e-9
    z = _sine(amplitude_m)
    p = tmp_path / "afm.gwy"
    size = (5e-6, 3.75e-6)
    write_gwy(
        p,
        [
            ("Amplitude", z * 1e3, size, "m", "V"),
            ("Phase", z * 1e9, size, "m", "deg"),
            ("Height", z, size, "m", "m"),
        ],
    )
    t = read_topography(p)
    assert t.channel == "Height" and t.channels == ["Amplitude", "Phase", "Height"]
    assert any("first that holds heights" in n for n in t.notes)
    assert _sq(p)[0] == pytest.approx(amplitude_m / np.sqrt(2), rel=1e-12)
    with pytest.raises(DataFormatError, match="'Phase' holds values in 'deg', not heights"):
        read_topography(p, channel="Phase")


def test_control_gwyddion_file_in_um_and_nm(tmp_path):
    p = tmp_path / "one.gwy"
    write_gwy(p, [("Height", _sine(25.0), (5.0, 3.75), "µm", "nm")])
    t = read_topography(p)
    assert t.size_m == pytest.approx((5e-6, 3.75e-6), rel=1e-12)
    assert _sq(p)[0] == pytest.approx(25e-9 / np.sqrt(2), rel=1e-12)


@needs_data
def test_nanoscope_phase_channel_is_no_height():
    """SurfaceTopography gives a NanoScope channel whose values are no length the unit
    ``(lateral unit, value unit)`` (its DI reader: "We only report channels with height
    information"); solidna read the lateral 'nm' as the height unit, so ``channel="Phase"`` of
    di-1.di (ContactEngineering/SurfaceTopography test/file_format_examples, MIT; in
    ../shared/data/topo) gave its phase as heights in nm (a "roughness" of 684 nm)."""
    di = TOPO / "di-1.di"
    for channel in ("Phase", 3):
        with pytest.raises(DataFormatError, match="not heights; height channels"):
            read_topography(di, channel)
    assert read_topography(di).channel == "Height"


def test_the_first_height_channel_is_read_when_phase_comes_first(tmp_path):
    """The channel choice on SurfaceTopography's channel list (synthetic channel records with
    the units SurfaceTopography gives: a length, or (lateral, value) for another quantity)."""
    from types import SimpleNamespace

    from solidna.analysis.topography import _height_channel, _value_unit

    chans = [SimpleNamespace(unit=("nm", None)), SimpleNamespace(unit=("um", "deg"))]
    chans.append(SimpleNamespace(unit="nm"))
    names = ["AmplitudeError", "Phase", "Height"]
    units = [_value_unit(c.unit) for c in chans]

    def pick(names, units, channel):
        return _height_channel(tmp_path, names, units, channel)[0]

    assert pick(names, units, None) == 2
    assert pick(names, units, "Height") == 2
    with pytest.raises(DataFormatError, match="'Phase' holds values in 'deg'"):
        pick(names, units, "Phase")
    with pytest.raises(DataFormatError, match="no channel holds heights"):
        pick(names[:2], units[:2], None)


def test_an_indentation_beyond_half_the_tip_radius_is_noted(tmp_path):
    """The paraboloid (Hertz) fitted a 1 um indentation with a 1 um tip silently; the exact
    sphere differs by over 5 % there (a note, as the modulus itself is the paraboloid's)."""
    from solidna.analysis.pipeline import analyze

    p = tmp_path / "deep.txt"
    _table(p, "Height (nm)\tForce (nN)", TIP * 1e9, _curve_force() * 1e9)
    summary = analyze([p], "afm-force", tmp_path / "o1", surface={"tip_radius": "1 um"})
    assert any("more than half the tip radius" in n for n in summary["notes"])
    summary = analyze([p], "afm-force", tmp_path / "o2", surface={"tip_radius": "10 um"})
    assert not any("more than half the tip radius" in n for n in summary["notes"])
