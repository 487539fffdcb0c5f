"""Defects found by reading real public AFM, topography and XPS files (session 17).

Every file here is a synthetic twin written by the test; no third-party file is copied. Each
test names the public file whose layout it follows and that file's licence (GPL sources:
layout only).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.analysis.topography import read_topography
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

pytest.importorskip("SurfaceTopography")

# --------------------------------------------------------------------------------------------
# Bruker NanoScope 9 .spm: 32-bit image data under a header that says 2 bytes a pixel
# --------------------------------------------------------------------------------------------
NX, NY = 64, 48  # pixels along x and y
SIZE_NM = (500.0, 375.0)


def _map_nm() -> np.ndarray:
    """A height map [nm] (rows: y), a tilted sine of 12 nm amplitude about 30 nm."""
    y, x = np.mgrid[0:NY, 0:NX]
    return 30.0 + 12.0 * np.sin(2 * np.pi * x / 16) * np.cos(2 * np.pi * y / 24) + 0.05 * x


def _spm(path, height_bytes_stated: int) -> None:
    """A NanoScope .spm of two 32-bit images, "Height Sensor" (Bytes/pixel 4) and "Height"
    (Bytes/pixel as given), both of the map of :func:`_map_nm`.

    Layout of AFMReader's tests/resources/sample_0.spm (a NanoScope 9.4 PeakForce file;
    AFMReader is GPL-3.0: layout only, header written here): ``\\*File list``, the ``\\*Ciao
    scan list`` with the sensitivities, one ``\\*Ciao image list`` per channel (data offset and
    length, Bytes/pixel, grid, ``@2:Z scale: V [Sens. X] (q V/LSB) v V``), then the data
    blocks. Its Height channel says 2 bytes a pixel over a block of 4 bytes a pixel.
    """
    n = NX * NY
    header_size = 8192
    sens = {"ZsensSens": 50.0, "Zsens": 4.0}  # nm/V
    channels = [
        # (name, label, sensitivity, Bytes/pixel stated, Z scale [V] over the stated width)
        ("ZSensor", "Height Sensor", "ZsensSens", 4, 25.0),
        ("Height", "Height", "Zsens", height_bytes_stated, 65.536),
    ]
    lines = [
        "\\*File list",
        "\\Version: 0x09400202",
        "\\*Ciao scan list",
        *(f"\\@Sens. {k}: V {v:.6f} nm/V" for k, v in sens.items()),
    ]
    blocks = []
    for i, (key, label, s, stated, full) in enumerate(channels):
        # the header's V/LSB is the Z scale over the stated width (0.001 V/LSB for Height
        # stated 2 bytes); NanoScope 9 stores 32-bit integers of that LSB, rows from the top
        v_per_lsb = full / 2 ** (8 * stated)
        words = np.round(np.flipud(_map_nm()) / (v_per_lsb * sens[s])).astype("<i4")
        blocks.append(words.tobytes())
        lines += [
            "\\*Ciao image list",
            f"\\Data offset: {header_size + i * 4 * n}",
            f"\\Data length: {4 * n}",
            f"\\Bytes/pixel: {stated}",
            f"\\Samps/line: {NX}",
            f"\\Number of lines: {NY}",
            f"\\Scan Size: {SIZE_NM[0]:g} {SIZE_NM[1]:g} nm",
            f'\\@2:Image Data: S [{key}] "{label}"',
            f"\\@2:Z scale: V [Sens. {s}] ({v_per_lsb:.12f} V/LSB) {full:.7f} V",
        ]
    lines.append("\\*File list end")
    head = ("\r\n".join(lines) + "\r\n").encode("latin-1")
    path.write_bytes(head + b"\0" * (header_size - len(head)) + b"".join(blocks))


def test_nanoscope_32bit_data_under_a_2_byte_header_is_read_as_32_bit(tmp_path):
    """AFMReader's sample_0.spm, channel "Height": 4 194 304 bytes for 1024 x 1024 pixels
    under ``Bytes/pixel: 2``. It was read as 16-bit words: every other height 0 and the image
    made of the first half of the data (sum 14 290 121 nm where AFMReader's test states
    30 695 369 nm; levelled spread 13.7 nm against the Height Sensor's 0.57 nm)."""
    p = tmp_path / "sample.spm"
    _spm(p, height_bytes_stated=2)
    topo = read_topography(p, channel="Height")
    assert topo.heights_m.shape == (NY, NX)
    assert topo.heights_m * 1e9 == pytest.approx(_map_nm(), abs=0.003)
    assert topo.size_m == pytest.approx((SIZE_NM[0] * 1e-9, SIZE_NM[1] * 1e-9))
    (note,) = [n for n in topo.notes if "2 bytes a pixel" in n]
    assert "32-bit" in note and "'Height'" in note


def test_control_nanoscope_channels_whose_header_states_their_width_are_unchanged(tmp_path):
    p = tmp_path / "sample.spm"
    _spm(p, height_bytes_stated=4)
    for channel in ("ZSensor", "Height"):
        topo = read_topography(p, channel=channel)
        assert topo.heights_m * 1e9 == pytest.approx(_map_nm(), abs=0.003)
        assert not any("2 bytes a pixel" in n for n in topo.notes)


# --------------------------------------------------------------------------------------------
# TopoStats .topostats (HDF5) and other HDF5 height files
# --------------------------------------------------------------------------------------------
def _topostats(path, version: float) -> None:
    """AFMReader's tests/resources/sample_0_1.topostats (version 0.1) and sample_0_2
    (version 0.2, with ``image_original``) layout (GPL-3.0: layout only): top-level datasets
    ``image`` [nm], ``pixel_to_nm_scaling`` [nm], ``topostats_file_version``."""
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as h5:
        h5["image"] = _map_nm() - _map_nm().mean()
        if version >= 0.2:
            h5["image_original"] = _map_nm()
        h5["pixel_to_nm_scaling"] = 1.97601171875
        h5["topostats_file_version"] = version


def test_topostats_file_is_read_in_nm_with_its_pixel_size(tmp_path):
    """sample_0_1.topostats was refused as "a bare matrix of heights, which states neither
    the scan size nor the height unit": both are in the file (AFMReader's test: sum of the
    image 112 069.51 nm, pixel 1.97601171875 nm; solidna now reads the same)."""
    p = tmp_path / "minicircle.topostats"
    _topostats(p, 0.2)
    topo = read_topography(p)
    assert topo.channel == "image" and topo.channels == ["image", "image_original"]
    assert topo.heights_m * 1e9 == pytest.approx(_map_nm() - _map_nm().mean())
    assert topo.size_m == pytest.approx((NX * 1.97601171875e-9, NY * 1.97601171875e-9))
    raw = read_topography(p, channel="image_original")
    assert raw.heights_m * 1e9 == pytest.approx(_map_nm())


def test_hdf5_height_file_of_another_layout_is_not_called_a_bare_matrix(tmp_path):
    """AFMReader's sample_0.h5-jpk (a JPK HDF5 image) was refused as "a bare matrix of
    heights ... Export it again with them", the advice for a text matrix."""
    h5py = pytest.importorskip("h5py")
    p = tmp_path / "sample.h5-jpk"
    with h5py.File(p, "w") as h5:
        h5["Measurement_000/Channel_001/Height"] = _map_nm()
    with pytest.raises(DataFormatError) as err:
        read_topography(p)
    text = str(err.value)
    assert "an HDF5 file (.h5-jpk)" in text and "bare matrix" not in text
    assert ".gwy" in text


# --------------------------------------------------------------------------------------------
# Height-map formats solidna does not read: named, with the export to make
# --------------------------------------------------------------------------------------------
def test_asylum_ibw_image_is_named_with_the_export_to_make(tmp_path):
    """AFMReader's sample_0.ibw (an Asylum MFP-3D image, an Igor binary wave of version 5)
    was refused with "SurfaceTopography cannot read it ... is it a complete .di/.spm/.nid/
    .gwy/... file", which names neither the format nor an export."""
    p = tmp_path / "sample.ibw"
    p.write_bytes(b"\x05\x00" + bytes(510))
    with pytest.raises(DataFormatError) as err:
        read_topography(p)
    text = str(err.value)
    assert "Asylum Research .ibw" in text and "Gwyddion .gwy" in text


def test_high_speed_afm_movie_is_refused_by_name_not_by_a_memory_error(tmp_path):
    """AFMReader's sample_0.asd, sample_1.asd and extra_sample.asd (high-speed AFM movies):
    "SurfaceTopography cannot read it (MemoryError: )"."""
    p = tmp_path / "movie.asd"
    p.write_bytes(np.arange(256, dtype="<i4").tobytes())
    with pytest.raises(DataFormatError) as err:
        read_topography(p)
    text = str(err.value)
    assert "high-speed AFM movie" in text and "MemoryError" not in text


# --------------------------------------------------------------------------------------------
# A force curve without segment marks that holds at the bottom (a dwell)
# --------------------------------------------------------------------------------------------
K_SPRING, E_MOD, R_TIP = 0.01785, 2.0e3, 2.5e-6  # N/m, Pa, m
RATE = 2000.0  # Hz


def _dwell_curve(dwell: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Base height [m] and force [N] of approach, ``dwell`` points held at the bottom (the
    force relaxing to 60 %) and retract; and the number of ramp points."""
    base = np.linspace(3e-6, 1e-6, 900)  # 2 um/s at 2 kHz: 2.2 nm a point
    cp = 1.6e-6
    force = np.zeros_like(base)
    for _ in range(60):  # the tip is the base plus the bending F/k
        force = indentation_force(
            "paraboloid",
            np.clip(cp - base - force / K_SPRING, 0, None),
            E_MOD,
            tip_radius_m=R_TIP,
        )
    wobble = 0.2e-9 * np.sin(np.arange(dwell) / 7.0)  # the z sensor's noise, 0.2 nm
    held = force[-1] * (0.6 + 0.4 * np.exp(-np.arange(dwell) / (0.2 * dwell + 1)))
    z = np.r_[base, base[-1] + wobble, base[::-1]]
    f = np.r_[force, held, force[::-1] * 0.6]
    return z, f, len(base)


def _tab(path, z, f) -> None:
    """afmformats' own .tab export (MIT) of one segment: pyrtz2's data/example/*.ibw (Asylum
    MFP-3D force waves, MIT; DwellTime 10 s at 2 kHz) have no segment marks and hold the
    bottom height for 20 000 of their 35 000 points."""
    meta = {
        "enum": 0,
        "imaging mode": "force-distance",
        "spring constant": K_SPRING,
        "rate approach": RATE,
        "rate retract": RATE,
    }
    head = "".join(f"# {line}\n" for line in json.dumps(meta, indent=2).splitlines())
    rows = "".join(f"{fv:.9g}\t{zv:.9g}\t0\n" for fv, zv in zip(f, z, strict=True))
    path.write_text(
        "# BEGIN METADATA\n" + head + "# END METADATA\n# force\theight (measured)\tsegment\n" + rows
    )


def test_dwell_at_the_bottom_is_not_read_as_the_start_of_the_retract(tmp_path):
    """pyrtz2's label1val1label2val1cell37m0000.ibw: split at the lowest height, the retract
    began with the 10 s hold (19 987 of its 27 973 points, the force relaxing from 4.4 to
    1.0 nN), read as retract data without a word."""
    pytest.importorskip("afmformats")
    z, f, n = _dwell_curve(dwell=1500)
    p = tmp_path / "cell37.tab"
    _tab(p, z, f)
    (curve,) = read_force_curves(p)
    assert len(curve.retract_force_N) == pytest.approx(n, abs=12)
    assert len(curve.approach_force_N) == pytest.approx(n, abs=12)
    # the retract starts where the height leaves the bottom, at the retract's own force
    assert curve.retract_force_N[0] == pytest.approx(0.6 * f[n - 1], rel=0.05)
    (note,) = [m for m in curve.metadata["notes"] if "held at the lowest height" in m]
    held = int(note.split()[0])
    assert held == pytest.approx(1500, abs=10)
    assert f"a dwell of {(held + 1) / RATE:.3g} s at 2000 Hz" in note
    fit = fit_contact(curve, tip_radius_m=R_TIP)
    assert fit.youngs_modulus_Pa == pytest.approx(E_MOD, rel=0.02)


def test_control_curve_without_a_dwell_is_split_at_its_lowest_point(tmp_path):
    pytest.importorskip("afmformats")
    z, f, n = _dwell_curve(dwell=0)
    p = tmp_path / "nodwell.tab"
    _tab(p, z, f)
    (curve,) = read_force_curves(p)
    assert len(curve.approach_force_N) == n
    assert len(curve.retract_force_N) == n + 1
    assert not any("held at the lowest" in m for m in curve.metadata.get("notes", []))


# --------------------------------------------------------------------------------------------
# XPS: PHI MultiPak export of an Auger (AES) region
# --------------------------------------------------------------------------------------------
def _phi_line(element: str, i: int, n: int, technique: str, extra: str = "") -> str:
    """A PHI MultiPak region line (layout of JesusF10/xps-data-analysis' BN multiplex.txt, no
    licence stated: layout only); an AES region ends ``AES;`` as a public lab-control README
    describes PHI's AES text export (``Element ; Region 1 of 1; ... ; AES;``)."""
    return (
        f"Element {element}; Region {i} of {n}; Depth Cycle 1 of 1; Time Per Step 50; "
        f"Sweeps 5; {extra}{technique};\n"
    )


def _rows(x, y) -> str:
    return "".join(f"{a:g}\t{int(round(b))}\n" for a, b in zip(x, y, strict=True))


def test_phi_auger_region_is_not_read_as_an_xps_survey(tmp_path):
    """An AES region (kinetic energy, C KLL at 272 eV, O KLL at 510 eV) was read as an XPS
    survey: its kinetic energies taken for binding energies."""
    ke = np.arange(30.0, 1000.1, 1.0)
    counts = (
        5000 + 4000 * np.exp(-(((ke - 272) / 6) ** 2)) + 5000 * np.exp(-(((ke - 510) / 5) ** 2))
    )
    p = tmp_path / "aes survey.txt"
    p.write_text(_phi_line("", 1, 1, "AES") + _rows(ke, counts), encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read_xps(p)
    text = str(err.value)
    assert "technique AES" in text and "not a photoemission spectrum" in text


def test_phi_file_of_xps_and_auger_regions_keeps_the_xps_one(tmp_path):
    be = np.round(np.arange(300.0, 275.0, -0.1), 2)
    c1s = 500 + 3000 * np.exp(-(((be - 284.8) / 0.7) ** 2))
    ke = np.arange(240.0, 300.0, 0.5)
    ckll = 900 + 600 * np.exp(-(((ke - 272) / 6) ** 2))
    p = tmp_path / "mixed.txt"
    p.write_text(
        _phi_line("C 1s", 1, 2, "XPS", "Anode Al; Photon Energy 1486.6; ")
        + _rows(be, c1s)
        + "\n"
        + _phi_line("C KLL", 2, 2, "AES")
        + _rows(ke, ckll),
        encoding="utf-8",
    )
    (spectrum,) = read_xps(p)
    assert spectrum.label == "C 1s"
    assert any("technique AES" in n for n in spectrum.metadata["notes"])
