"""Binary Bruker NanoScope force files (``\\*Force file list``, ``\\Start context: FOL``).

solidna refused them ("which solidna does not decode. Export the curves ... as ASCII") and
afmformats has no NanoScope reader. The twins below are written in the layout of two public
files, PLSysGitHub/Nanoscope_ForceCurve_analysis' Example_RawData/cr00028.000 (BioScope
Catalyst, NanoScope 9.1) and BrukerMultimode_20240527_test.000 (MultiMode 8, NanoScope 8.15):
a CR LF text header ended by a SUB byte and padded to 40960 bytes, then one
``\\*Ciao force image list`` block per channel of little-endian integers, the approach half
first, each half stored from the turning point outwards (both files' halves start at the
trigger deflection; cr00028's Height Sensor channel falls from its largest extension). The
deflection is ``integer * (V/LSB of \\@4:Z scale) * DeflSens``. The round trip packs a Hertz
(paraboloid) indentation of a known Young's modulus and recovers it with fit_contact.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.afm import fit_contact, indentation_force, read_force_curves
from solidna.errors import DataFormatError

E_PA = 20e3  # Young's modulus of the twin [Pa] (a soft gel)
K = 0.4  # spring constant [N/m]
DEFL_SENS = 50.0  # [nm/V]
Z_SENS = 20.0  # piezo [nm/V]
SENSOR_SENS = 25.0  # Height Sensor [nm/V]
RAMP_V = 20.0  # ramp size [V]: 400 nm of travel
HARD = 0.000375  # deflection V per 16-bit integer
SENSOR_HARD = 0.003  # Height Sensor V per integer
N = 512  # points a segment
CONTACT = 250e-9  # the surface on the base-position axis [m] (zero at the turning point)
OFFSET_V = -1.0  # photodiode offset of the free cantilever [V]
SENSOR_ZERO = 100e-9  # Height Sensor reading at the far end of the ramp [m]


def _hertz_force(base: np.ndarray) -> np.ndarray:
    """Force [N] at base positions ``base`` [m]: the tip ``base + F/k`` indents the surface at
    ``CONTACT`` by ``CONTACT - tip`` (paraboloid, R = 10 um), solved by bisection."""
    lo, hi = np.zeros_like(base), np.clip(CONTACT - base, 0.0, None)
    for _ in range(80):
        mid = (lo + hi) / 2
        # spring force at this indentation minus the sample's: positive -> indent deeper
        excess = K * (CONTACT - base - mid) - indentation_force("paraboloid", mid, E_PA)
        lo, hi = np.where(excess > 0, mid, lo), np.where(excess > 0, hi, mid)
    return indentation_force("paraboloid", (lo + hi) / 2, E_PA)


def _channel(offset: int, length: int, width: int, name: str, scale: str, samps: str) -> list:
    return [
        "\\*Ciao force image list",
        f"\\Data offset: {offset}",
        f"\\Data length: {length}",
        f"\\Bytes/pixel: {width}",
        "\\Start context: FOL",
        "\\Data type: AFM",
        f"\\Samps/line: {samps}",
        "\\Z direction: Retract",
        f"\\Spring Constant: {K}",
        f'\\@4:Image Data: S [{name.replace(" ", "")}] "{name}"',
        "\\@Z magnify: C [4:Z scale] 1.000000 ",
        f"\\@4:Z scale: {scale}",
        '\\@4:Ramp channel: S [Zsweep] "Z"',
        f"\\@4:Ramp size: V [Sens. Zsens] (0.0004511699 V/LSB) {RAMP_V} V",
    ]


def _force_file(
    path,
    *,
    width: int = 2,
    sensor: bool = False,
    context: str = "FOL",
    samps: str = f"{N} {N}",
    spring: bool = True,
    junk: int = 0,
):
    """Write the twin: Deflection Error (and a Height Sensor channel with ``sensor``); ``junk``
    unused points of -32768 past each stored half (``samps`` then says fewer points)."""
    step = RAMP_V * Z_SENS * 1e-9 / N
    base = np.arange(N) * step  # stored order: from the turning point outwards
    volts = _hertz_force(base) / K / (DEFL_SENS * 1e-9) + OFFSET_V
    rng = np.random.default_rng(0)
    lsb = np.round(volts / HARD + rng.normal(0.0, 1.0, N))
    # no hysteresis: the retract retraces the approach, stored from the same turning point
    defl = np.concatenate([lsb, np.full(junk, -32768.0), lsb, np.full(junk, -32768.0)])
    extension = RAMP_V * Z_SENS * 1e-9 - base + SENSOR_ZERO
    z = np.round(extension / (SENSOR_HARD * SENSOR_SENS * 1e-9))
    z = np.concatenate([z, np.zeros(junk), z, np.zeros(junk)])
    dtype = "<i2" if width == 2 else "<i4"
    if width == 4:
        # NanoScope 9 32-bit words under the V/LSB of 16-bit ones (the data 65536 times finer)
        defl, z = defl * 65536, z * 65536
    blocks = [defl.astype(dtype).tobytes()]
    length = len(blocks[0])
    lines = [
        "\\*Force file list",
        "\\Version: 0x09010300",
        "\\Date: 03:33:28 PM Mon Dec 12 2022",
        f"\\Start context: {context}",
        "\\Data length: 40960",
        "\\*Scanner list",
        f"\\@Sens. Zsens: V {Z_SENS:.4f} nm/V",
        "\\*Ciao scan list",
        "\\Operating mode: Force",
        f"\\@Sens. DeflSens: V {DEFL_SENS:.5f} nm/V",
        f"\\@Sens. ZsensSens: V {SENSOR_SENS:.4f} nm/V",
        "\\*Ciao force list",
        f"\\Samps/line: {N} {N}",
        "\\Trigger mode: Relative",
        f"\\@4:Ramp size Zsweep: V [Sens. Zsens] (0.0004511699 V/LSB) {RAMP_V} V",
    ]
    lines += _channel(
        40960,
        length,
        width,
        "Deflection Error",
        f"V [Sens. DeflSens] ({HARD:.10f} V/LSB) 2.500000 V",
        samps,
    )
    if not spring:
        lines = [x for x in lines if not x.startswith("\\Spring Constant")]
    if sensor:
        blocks.append(z.astype(dtype).tobytes())
        lines += _channel(
            40960 + length,
            length,
            width,
            "Height Sensor",
            f"V [Sens. ZsensSens] ({SENSOR_HARD:.10f} V/LSB) 10.00000 V",
            samps,
        )
    lines.append("\\*File list end")
    head = ("\r\n".join(lines) + "\r\n").encode("latin-1") + b"\x1a"
    path.write_bytes(head + b"\x00" * (40960 - len(head)) + b"".join(blocks))
    return path


@pytest.mark.parametrize("width", [2, 4])
def test_nanoscope_force_file_round_trip_recovers_the_modulus(tmp_path, width):
    # before: DataFormatError "a binary Bruker NanoScope force file ... which solidna does not
    # decode"
    path = _force_file(tmp_path / f"cr{width}.000", width=width)
    (c,) = read_force_curves(path)
    assert c.metadata["format"] == "NanoScope force file"
    assert c.spring_constant_N_m == K and c.metadata["sensitivity"] == pytest.approx(50e-9)
    assert len(c.approach_force_N) == len(c.retract_force_N) == N
    # time order: the approach starts 400 nm out and ends at the turning point (zero), the
    # retract leaves it; the ramp step is Ramp size * Zsens / Samps/line
    step = RAMP_V * Z_SENS * 1e-9 / N
    assert c.approach_height_m[0] == pytest.approx((N - 1) * step)
    assert c.approach_height_m[-1] == 0.0 and c.retract_height_m[0] == 0.0
    assert np.all(np.diff(c.approach_height_m) < 0) and np.all(np.diff(c.retract_height_m) > 0)
    # in contact the force rises towards the turning point (repulsive = positive)
    assert c.approach_force_N[-1] - c.approach_force_N[0] == pytest.approx(
        _hertz_force(np.zeros(1))[0], rel=2e-3
    )
    fit = fit_contact(c, "paraboloid")
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)
    assert fit.contact_point_m == pytest.approx(CONTACT, abs=3e-9)
    # the -1 V photodiode offset is the force baseline, not a bending of the cantilever
    assert fit.baseline_N == pytest.approx(K * OFFSET_V * DEFL_SENS * 1e-9, rel=0.01)
    if width == 4:
        assert any("1/65536" in n for n in c.metadata["notes"])


def test_nanoscope_height_sensor_channel_is_the_base_position(tmp_path):
    # the Height Sensor (measured extension, 25 nm/V) is used over the nominal ramp (20 nm/V)
    path = _force_file(tmp_path / "sensor.000", sensor=True)
    (c,) = read_force_curves(path)
    assert any("'Height Sensor' channel" in n for n in c.metadata["notes"])
    far = -(RAMP_V * Z_SENS * 1e-9 + SENSOR_ZERO)  # minus the extension at the turning point
    assert c.approach_height_m[-1] == pytest.approx(far, abs=0.1e-9)
    assert c.approach_height_m[0] == pytest.approx(
        -SENSOR_ZERO - RAMP_V * Z_SENS * 1e-9 / N, abs=0.1e-9
    )
    fit = fit_contact(c, "paraboloid")
    assert fit.youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)
    assert fit.contact_point_m == pytest.approx(far + CONTACT, abs=3e-9)


def test_nanoscope_height_sensor_that_stays_put_falls_back_to_the_ramp(tmp_path):
    # a Height Sensor that was off (a constant reading) is no base position
    path = _force_file(tmp_path / "off.000", sensor=True)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 4 * N] + b"\x00" * (4 * N))
    (c,) = read_force_curves(path)
    assert any("stays put" in n for n in c.metadata["notes"])
    assert c.approach_height_m[-1] == 0.0
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)


def test_nanoscope_calibration_given_replaces_the_header(tmp_path):
    path = _force_file(tmp_path / "cal.000")
    (c,) = read_force_curves(path, sensitivity=100e-9, spring_constant_N_m=0.8)
    (ref,) = read_force_curves(path)
    # twice the sensitivity and twice the spring constant: four times the force
    assert np.allclose(c.approach_force_N, 4 * ref.approach_force_N)
    assert c.spring_constant_N_m == 0.8 and c.metadata["sensitivity"] == 100e-9


def test_nanoscope_force_file_without_spring_constant_asks_for_it(tmp_path):
    path = _force_file(tmp_path / "nok.000", spring=False)
    with pytest.raises(DataFormatError, match="no spring constant.*--spring-constant"):
        read_force_curves(path)
    (c,) = read_force_curves(path, spring_constant_N_m=K)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)


def test_nanoscope_unused_points_past_samps_line_are_left_out(tmp_path):
    # 64 unused points (-32768) past each half, Samps/line stating 512 and 500: public readers
    # disagree on which count is the approach's, so both halves are read to the smaller one
    path = _force_file(tmp_path / "short.000", samps=f"{N} {N - 12}", junk=64)
    (c,) = read_force_curves(path)
    assert len(c.retract_force_N) == len(c.approach_force_N) == N - 12
    assert any("nearest the turning point" in n for n in c.metadata["notes"])
    assert c.retract_force_N.min() > -1e-7  # no -32768 read as a force (-0.24 uN)
    # the ramp step is the travel over the stated points, not over the stored ones
    assert c.metadata["ramp step [m]"] == pytest.approx(RAMP_V * Z_SENS * 1e-9 / N)
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)


def test_nanoscope_marker_points_are_left_out(tmp_path):
    # the smallest integer marks no data (magic-afm drops it where it opens a PeakForce
    # capture's extend segment); here 64 of them within the stated points of each half
    path = _force_file(tmp_path / "marked.000", samps=f"{N + 64} {N + 64}", junk=64, sensor=True)
    (c,) = read_force_curves(path)
    assert len(c.retract_force_N) == len(c.approach_force_N) == N
    assert any("128 points holding the smallest 16-bit integer" in n for n in c.metadata["notes"])
    assert c.retract_force_N.min() > -1e-7
    assert fit_contact(c).youngs_modulus_Pa == pytest.approx(E_PA, rel=0.02)


def test_nanoscope_force_volume_stays_refused(tmp_path):
    path = _force_file(tmp_path / "fv.000", context="FVOL")
    with pytest.raises(DataFormatError, match=r"force volume \(FVOL\).*Force Curve ASCII"):
        read_force_curves(path)


def test_nanoscope_truncated_data_block_is_named(tmp_path):
    path = _force_file(tmp_path / "cut.000")
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(
        DataFormatError, match="places 2048 bytes of data at byte 40960.*100 bytes short"
    ):
        read_force_curves(path)


def test_nanoscope_force_file_through_analyze(tmp_path):
    from solidna.analysis.pipeline import analyze

    path = _force_file(tmp_path / "cr00028.000", sensor=True)
    summary = analyze([path], "afm-force", tmp_path / "out")
    entry = summary["results"]["cr00028.000"]["curve"]
    assert entry["Young's modulus [Pa]"] == pytest.approx(E_PA, rel=0.02)
