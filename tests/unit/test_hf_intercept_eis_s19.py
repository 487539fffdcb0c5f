"""The high-frequency intercept of spectra whose highest frequencies are inductive.

Cable and lead inductance makes the top of a sweep inductive (``Z_im > 0``); the intercept read
off the Nyquist plot (R_ohm, HFR) is then the real-axis crossing, not the smallest ``Z_re`` of
the inductive points above it. Each spectrum is simulated from a circuit with a known series
resistance R0 and inductance, and R0 (or the analytic crossing) is recovered.

The file twin follows the layout of an EC-Lab PEIS ``.mpt`` export in
KoichiYatsuzuka/SI_for_publications (``ACS_Catal_2026/.../20240328_2-128_003_alpha_Na-1_02_PEIS_C01.mpt``,
no licence stated: layout only, every value here is simulated). That real spectrum rises from
Re Z = 20.0 Ohm at the crossing (near 2.7 kHz) to 36.4 Ohm at 500 kHz with Z_im > 0 above
the crossing; the old reading took the smallest Re Z of the top 10 % of frequencies, 20.74 Ohm,
against 20.02 Ohm at the crossing.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.eis import high_frequency_intercept
from solidna.analysis.io import FREQUENCY, Z_IM, Z_RE, read

# A 1 MHz to 0.1 Hz sweep, 10 points per decade (71 points; the top 10 % is 8 points, down to
# 200 kHz).
F_HZ = np.logspace(6, -1, 71)
W = 2 * np.pi * F_HZ


def _parallel(a: np.ndarray | complex, b: np.ndarray | complex) -> np.ndarray:
    return 1 / (1 / a + 1 / b)


def _lead_spectrum(r0: float, r_l: float, l_h: float, r1: float, c1: float) -> np.ndarray:
    """``R0 - p(R_L, L) - p(R1, C1)``: a lead inductance with a parallel (skin-effect) resistance."""
    return r0 + _parallel(r_l, 1j * W * l_h) + _parallel(r1, 1 / (1j * W * c1))


def test_round_trip_recovers_r0_under_a_lead_inductance():
    """Re Z of the inductive points climbs to R0 + R_L: the crossing, not their minimum, is R0.

    R0 = 20 Ohm, R_L = 20 Ohm, L = 5 uH, a blocking-like arc R1 = 1 kOhm, C1 = 10 uF: the crossing
    lies near 22 kHz at Re Z = 20.026 Ohm (R0 + (wL)^2 / R_L + R1 / (w R1 C1)^2). The old reading
    gave 21.79 Ohm (+8.9 %), the smallest Re Z between 1 MHz and 200 kHz.
    """
    z = _lead_spectrum(20.0, 20.0, 5e-6, 1000.0, 1e-5)
    assert z.imag[0] > 0 and z.imag[-1] < 0
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(20.0, rel=2e-3)


def test_series_inductance_gives_the_analytic_crossing():
    """``R0 - L - p(R1, C1)`` crosses the real axis at R0 + L / (R1 C1).

    R0 = 10, R1 = 10 Ohm, C1 = 10 uF, L = 10 uH: crossing 10.1 Ohm. The old reading gave the
    Re Z of the top frequency, 10.00003 Ohm, an inductive point.
    """
    r0, l_h, r1, c1 = 10.0, 1e-5, 10.0, 1e-5
    z = r0 + 1j * W * l_h + _parallel(r1, 1 / (1j * W * c1))
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(r0 + l_h / (r1 * c1), rel=1e-3)


def test_stray_inductance_round_trip_with_noise():
    """A stray 200 nH on a 5 Ohm + 50 Ohm / 2 uF cell, 0.5 % noise: R0 back within 1 %.

    The crossing lies L / (R1 C1) = 0.002 Ohm above R0; noise of the inductive points does not
    pull the reading down (the old minimum of the top points did, by up to their noise).
    """
    rng = np.random.default_rng(19)
    r0, l_h, r1, c1 = 5.0, 2e-7, 50.0, 2e-6
    z = r0 + 1j * W * l_h + _parallel(r1, 1 / (1j * W * c1))
    z = z * (1 + 0.005 * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size)))
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(r0, rel=1e-2)


def test_capacitive_artefact_above_the_inductive_points_does_not_hide_the_crossing():
    """An EC-Lab PEIS (KoichiYatsuzuka/SI_for_publications, ``..._gamma_Na-1_02_PEIS_C02.mpt``)
    starts with one capacitive point past the potentiostat's bandwidth (45.6 - 8.4j Ohm at
    500 kHz), then five inductive ones, then the cell (crossing at 25.6 Ohm). Twin: the lead
    spectrum with such a point on top; the old reading gave the smallest Re Z of the top 8
    points, the intercept is still R0."""
    z = _lead_spectrum(20.0, 20.0, 5e-6, 1000.0, 1e-5)
    f = np.concatenate([[2e6], F_HZ])
    z = np.concatenate([[45.0 - 8.0j], z])
    assert high_frequency_intercept(f, z) == pytest.approx(20.0, rel=2e-3)


def test_capacitive_top_keeps_the_smallest_real_part():
    """A sweep that starts capacitive is read as before: the smallest Re Z of its top points."""
    z = 7.0 + _parallel(100.0, 1 / (1j * W * 1e-9))
    top = np.argsort(F_HZ)[::-1][:8]
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(float(np.min(z.real[top])))
    # Order of the points does not matter.
    assert high_frequency_intercept(F_HZ[::-1], z[::-1]) == high_frequency_intercept(F_HZ, z)


def test_all_inductive_spectrum_falls_back_without_error():
    """No capacitive point: no crossing, the smallest Re Z of the top points is returned."""
    z = 3.0 + 1j * W * 1e-6
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(3.0)


def _mpt_twin(path, f_hz: np.ndarray, z: np.ndarray) -> None:
    """Write an EC-Lab PEIS .mpt in the layout of the Yatsuzuka export (header trimmed)."""
    header = [
        "EC-Lab ASCII FILE",
        "Nb header lines : {n}",
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        "Run on channel : 1",
        "Device : SP-150e",
        "EC-Lab for windows v11.50 (software)",
        "Electrode surface area : 0.001 cm2",
        "Mode                Single sine         ",
        "fi                  1.000               ",
        "unit fi             MHz                 ",
        "ff                  100.000             ",
        "unit ff             mHz                 ",
        "Nd                  10                  ",
        "",
    ]
    columns = "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\t<Ewe>/V\t<I>/mA\t"
    lines = [*header, columns]
    lines[1] = lines[1].format(n=len(lines))
    for k, (f, zk) in enumerate(zip(f_hz, z, strict=True)):
        phase = np.degrees(np.angle(zk))
        lines.append(
            f"{f:.7E}\t{zk.real:.7E}\t{-zk.imag:.7E}\t{abs(zk):.7E}\t{phase:.7E}\t"
            f"{200 + k:.3f}\t4.5030E-001\t-1.0E-002"
        )
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")


def test_eclab_twin_with_inductive_top_reads_the_crossing(tmp_path):
    """The .mpt twin read by solidna: the intercept of the read spectrum is R0, not 21.8 Ohm."""
    z = _lead_spectrum(20.0, 20.0, 5e-6, 1000.0, 1e-5)
    path = tmp_path / "alpha_Na-1_02_PEIS_C01.mpt"
    _mpt_twin(path, F_HZ, z)
    spectrum = read(path).data
    f = spectrum[FREQUENCY].to_numpy()
    z_read = spectrum[Z_RE].to_numpy() + 1j * spectrum[Z_IM].to_numpy()
    assert np.allclose(f, F_HZ, rtol=1e-6)
    assert high_frequency_intercept(f, z_read) == pytest.approx(20.0, rel=2e-3)
