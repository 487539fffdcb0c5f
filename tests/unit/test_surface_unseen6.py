"""XPS and topography files of a sixth round from other projects (the unseen-file review).

Each test builds a small synthetic file with the structure of a public file (the public files are
not copied): a CasaXPS-written VAMAS file (feranick/xps ``casaxps.vms``) whose block identifier
and species fields hold the placeholder ``None``, on a kinetic-energy axis with counts summed over
25 scans; and a Gwyddion "ASCII data matrix" text export with its informational header
(jamccoy/gratinglab's synthetic blazed grating).
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.topography import read_topography
from solidna.analysis.xps.io import read_xps
from solidna.errors import DataFormatError

HV = 1486.7
KE = np.round(1136.7 + 0.1 * np.arange(201), 4)  # BE 350 -> 330 eV


def _pd3d(be: np.ndarray) -> np.ndarray:
    """Pd 3d5/2 and 3d3/2 (335.0 / 340.3 eV, 3 : 2) on a flat background, counts per second."""
    g = lambda c, h: h * np.exp(-4 * np.log(2) * ((be - c) / 1.9) ** 2)  # noqa: E731
    return 26000 + g(335.0, 9000) + g(340.3, 6000)


def _casa_vms(path, species="None", identifier="None", dwell=0.2, scans=25, announced=1):
    """One REGULAR block as CasaXPS writes it: ``None`` in the fields it has nothing for, its
    ``CASA region`` comment lines, a kinetic axis and the counts of all scans (not a rate)."""
    counts = _pd3d(HV - KE) * dwell * scans
    head = [
        "VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4",
        *[""] * 4,
        "3",
        "Casa Info Follows",
        "Experiment Type: XPS",
        "SourceAnalyserAngle: Not Specified",
        "NORM",
        "REGULAR",
        "1",
        "1",
        "None",
        "d",
        "0",
        "0",
        "0",
        "0",
        str(announced),
    ]
    block = [
        identifier,
        "",
        *"2009 9 18 9 59 33 0".split(),
        "2",
        "Casa Info Follows",
        "CASA region (*None*) (*Shirley*) 1141.6 1154.7 1 1 0 0 299 542 275 9.3 (*NoTag*) 0",
        "XPS",
        "0",
        "Al",
        str(HV),
        "300",
        *["1e+037"] * 4,
        "FAT",
        "50",
        "5",
        "4.5",
        "1e+037",
        "2400",
        "1200",
        "1e+037",
        "1e+037",
        species,
        "",
        "-1",
        "kinetic energy",
        "eV",
        str(KE[0]),
        "0.1",
        "1",
        "Intensity",
        "d",
        "pulse counting",
        str(dwell),
        str(scans),
        "7e-008",
        *["1e+037"] * 3,
        "0",
        str(KE.size),
        f"{counts.min():g}",
        f"{counts.max():g}",
        *(f"{v:.1f}" for v in counts),
    ]
    path.write_text("\r\n".join([*head, *block, "end of experiment"]) + "\r\n")
    return path


def test_a_casaxps_placeholder_is_no_region_name(tmp_path):
    # CasaXPS writes "None" for an empty block identifier and species: every region was named
    # "None" ("None", "None_2", "None_3" in the tables and figures)
    (s,) = read_xps(_casa_vms(tmp_path / "casaxps.vms"))
    assert s.label.lower() != "none"
    assert s.label == "block 1"


def test_control_casaxps_block_is_read_on_binding_energy_in_counts_per_second(tmp_path):
    # control (read right before): BE = hv - KE, counts / (0.2 s x 25 scans), Pd 3d5/2 at 335 eV
    (s,) = read_xps(_casa_vms(tmp_path / "casaxps.vms"))
    assert s.binding_energy_eV.min() == pytest.approx(330.0)
    assert s.binding_energy_eV.max() == pytest.approx(350.0)
    np.testing.assert_allclose(s.intensity_cps, _pd3d(s.binding_energy_eV), rtol=1e-5)
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(335.0, abs=0.05)


def test_a_vamas_file_ending_before_its_announced_blocks_is_read(tmp_path):
    # feranick/xps 1.vms: the header announces 7 blocks, 2 are written, then "end of experiment"
    # (an acquisition stopped early). It was refused as "truncated".
    (s,) = read_xps(_casa_vms(tmp_path / "stopped.vms", announced=7))
    assert s.binding_energy_eV[np.argmax(s.intensity_cps)] == pytest.approx(335.0, abs=0.05)
    assert any("announces 7 blocks" in n for n in s.metadata["notes"])


def test_control_a_vamas_file_cut_inside_a_block_is_still_truncated(tmp_path):
    path = _casa_vms(tmp_path / "cut.vms")
    lines = path.read_text().splitlines()
    path.write_text("\r\n".join(lines[:-60]) + "\r\n")  # values and the end line cut off
    with pytest.raises(DataFormatError, match="truncated"):
        read_xps(path)


def test_control_a_named_block_keeps_its_name(tmp_path):
    (s,) = read_xps(_casa_vms(tmp_path / "named.vms", species="Pd", identifier="Pd3d"))
    assert s.label == "Pd"


def test_control_gwyddion_text_matrix_is_read_in_metres(tmp_path):
    # jamccoy/gratinglab synthetic_blazed_scan.txt (64 x 384, 2 um wide, heights in m): read right
    # before and after (SurfaceTopography's ASCII reader)
    z = 1e-9 * (np.arange(12)[:, None] + 5 * np.sin(np.arange(24))[None, :])
    path = tmp_path / "scan.txt"
    head = "# Channel: ZSensor\n# Width: 2.000 \u00b5m\n# Height: 1.000 \u00b5m\n# Value units: m\n"
    rows = "\n".join("\t".join(f"{v:.4e}" for v in row) for row in z)
    path.write_text(head + rows + "\n", encoding="utf-8")
    topo = read_topography(path)
    assert topo.heights_m.shape == (12, 24)
    assert topo.size_m == pytest.approx((2e-6, 1e-6))
    np.testing.assert_allclose(topo.heights_m, z, rtol=1e-3, atol=1e-13)


def test_an_intensity_list_with_its_axis_in_a_header_line_is_refused_with_the_reason(tmp_path):
    # Omicron Presenter SPECTRA (feranick/xps spectra.1): "*M*", a line "start end step scans
    # dwell points PE", then one count per line. The error said "no table of at least 3 rows;
    # the file is not a spectrum"
    path = tmp_path / "spectra.1"
    counts = "\n".join(str(int(v)) for v in 27000 + 500 * np.sin(np.arange(151) / 9))
    path.write_text(
        "*M*\n   246.00000   231.00000    -0.10000    40.00000     0.20000   151    50.0\n\n"
        + counts
        + "\n"
    )
    with pytest.raises(DataFormatError, match="151 rows hold one number each"):
        read_xps(path)
