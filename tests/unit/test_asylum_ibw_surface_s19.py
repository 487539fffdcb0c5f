"""Asylum Research images saved as Igor binary waves (``.ibw``) are read as height maps.

Source of the layout: afm-tools 2.1.4 (PyPI sdist, MIT), tests/ibw_preview/sample.ibw, a PFM
image of 256 x 256 points and six layers (HeightRetrace, AmplitudeRetrace, PhaseRetrace,
ZSensorRetrace, LatAmplitudeRetrace, LatPhaseRetrace), 10 um square (the note's FastScanSize and
SlowScanSize), heights in metres under a wave data unit of "V". It was refused ("an Igor binary
wave ... that SurfaceTopography cannot read ... Open it in Gwyddion"); now its HeightRetrace
layer is read (Sq 2.58 nm before levelling, the layer's own standard deviation). The twin below
is written by the test in the Igor binary wave version 5 layout (WaveMetrics Technical Note 003:
a 64-byte file header, a 320-byte wave header, the data first index fastest, the note, then the
32-byte dimension labels).
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from solidna.analysis.topography import read_topography
from solidna.errors import DataFormatError

SIZE_M = (10e-6, 8e-6)


def _ibw(path, layers: dict[str, np.ndarray], note: str, lateral_unit: bytes = b"m"):
    """An Igor binary wave (version 5, little-endian, float32) of the images ``layers`` (rows: y,
    columns: x) with the note ``note`` and each layer labelled by its key."""
    names = list(layers)
    ny, nx = layers[names[0]].shape
    data = np.stack([layers[n].T for n in names], axis=-1).astype("<f4")  # (x, y, layer)
    raw = data.tobytes(order="F")  # Igor: the first index varies fastest
    labels = b"".join(n.encode().ljust(32, b"\0") for n in ["", *names])
    note_b = note.encode("latin-1")
    wave = struct.pack(
        "<IIIlhh6sh32slI4l4d4d4s16shhddI4I4II16lhhhccIlhhII",
        0, 0, 0, data.size, 2, 0, b"", 1, b"image0001", 0, 0,
        nx, ny, len(names), 0,
        SIZE_M[0] / nx, SIZE_M[1] / ny, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0,
        b"V", lateral_unit.ljust(4, b"\0") + lateral_unit.ljust(4, b"\0") + bytes(8),
        0, 0, 0.0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        *([0] * 16), 0, 0, 0, b"\0", b"\0", 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    assert len(wave) == 320
    head = struct.pack(
        "<hhlllllllllllllll",
        5, 0, len(wave) + len(raw), 0, len(note_b), 0, 0, 0, 0, 0, 0, 0, len(labels), 0, 0, 0, 0,
    )  # fmt: skip
    path.write_bytes(head + wave + raw + note_b + labels)
    return path


def _layers():
    y, x = np.mgrid[0:32, 0:40]
    height = 5e-9 * np.sin(2 * np.pi * x / 10.0) + 1e-9 * y / 32  # metres
    return {
        "AmplitudeRetrace": np.full((32, 40), 2e-11),  # an amplitude in m: no height
        "PhaseRetrace": 90.0 + 0 * x,  # degrees
        "HeightRetrace": height,
    }


NOTE = "ScanSize: 1e-05\rFastScanSize: 1e-05\rSlowScanSize: 8e-06\rScanLines: 32\r"


def test_asylum_image_reads_its_height_layer(tmp_path):
    layers = _layers()
    topo = read_topography(_ibw(tmp_path / "image.ibw", layers, NOTE))
    assert topo.channel == "HeightRetrace"
    assert topo.channels == list(layers)
    assert topo.size_m == pytest.approx(SIZE_M)
    np.testing.assert_allclose(topo.heights_m, layers["HeightRetrace"], rtol=1e-6, atol=1e-15)
    assert any("Asylum" in n and "FastScanSize" in n for n in topo.notes)


def test_asylum_image_channel_by_name_and_a_phase_is_no_height(tmp_path):
    path = _ibw(tmp_path / "image.ibw", _layers(), NOTE)
    with pytest.raises(DataFormatError, match="PhaseRetrace.*'deg'.*HeightRetrace"):
        read_topography(path, channel="PhaseRetrace")


def test_asylum_image_without_a_scan_size_in_its_note_takes_the_wave_scaling(tmp_path):
    topo = read_topography(_ibw(tmp_path / "image.ibw", _layers(), "ImagingMode: AC Mode\r"))
    assert topo.size_m == pytest.approx(SIZE_M)
    assert any("point spacing" in n for n in topo.notes)


def test_an_igor_wave_of_points_by_channels_is_not_read_as_an_image(tmp_path):
    # a force wave: its axes are not lateral lengths (time in s): not an image
    path = _ibw(tmp_path / "force.ibw", _layers(), NOTE, lateral_unit=b"s")
    with pytest.raises(DataFormatError):
        read_topography(path)
