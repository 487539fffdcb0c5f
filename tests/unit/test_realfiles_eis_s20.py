"""Points off the continuous spectrum: artefacts that no circuit follows.

Real files behind these tests (layouts only; every number here is simulated):

* m0l0t0ph/thesis, EC-Lab v10.33 multisine PEIS ``.mpt`` exports of a VMP3 (decimal comma,
  ``Multi Sine`` settings, 37-38 points from 1 MHz), e.g.
  ``Experimentelles/Ausgewaehlte_Daten/LiCoO2/PEIS/LiCoO2_Korrosion_04_PEIS_C01.mpt`` and
  ``.../SemArbeitToph/ECLab-Export/Al_Struktur_01_Laden_IS_03_PEIS_C03.mpt``. Their first point
  at 1 MHz sits at |Z| = 4.5-6.8 Ohm (Z_re 1.0 and -0.28 Ohm) beside 14-19 Ohm at 0.68 MHz: the
  R0-p(R1,CPE1) fit put R0 at 4.6 and 8.0 Ohm against high-frequency intercepts of 14.7 and
  18.3 Ohm, and nothing said why; without that point R0 is 13.4 and 17.6 Ohm.
* ComPlat/chemotion-converter-app, ``test_files/ChemConverter/EIS/Gamry/Framework-DTA/
  DHM-Cudmp_EISPOT - Copy.DTA`` (Gamry Interface 1010, ZCURVE with Imod/Vmod/Temp): below
  38.4 Hz the AC current falls under 1e-7 A and |Z| jumps 15.6-fold to the next frequency, then
  scatters over four decades with Z_re < 0 at 5 points.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from _shared_data import shared_data
from solidna.analysis.eis import (
    fit_circuit,
    fit_problems,
    high_frequency_intercept,
    off_spectrum_points,
)
from solidna.analysis.io import FREQUENCY, Z_IM, Z_RE, read

# 1 MHz to 1 Hz, 6 points per decade (37 points), as the multisine PEIS of the files above
F_HZ = np.logspace(6, 0, 37)
R0, R1, Q, N = 15.0, 50.0, 2e-5, 0.8


def _spectrum(f: np.ndarray = F_HZ) -> np.ndarray:
    """R0-p(R1,CPE1): the cell."""
    return R0 + R1 / (1 + R1 * Q * (2j * np.pi * f) ** N)


def _with_glitch(re: float, im: float) -> np.ndarray:
    z = _spectrum()
    z[0] = complex(re, im)
    return z


def _mpt_text(z: np.ndarray) -> str:
    """An EC-Lab v10 multisine PEIS export (decimal comma), layout as in m0l0t0ph/thesis."""
    header = [
        "EC-Lab ASCII FILE",
        "Nb header lines : 12",
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        "Electrode surface area : 0,001 cm²",
        "Multi Sine          0                   ",
        "Nt                  51                  ",
        "",
        "Number of loops : 1",
        f"Loop 0 from point number 0 to {z.size - 1}",
        "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\tcycle number",
    ]
    rows = [
        "\t".join(
            f"{v:.9g}".replace(".", ",")
            for v in (f, z_.real, -z_.imag, abs(z_), -np.degrees(np.angle(z_)), 10 + k, 1)
        )
        for k, (f, z_) in enumerate(zip(F_HZ, z, strict=True))
    ]
    return "\n".join(header + rows) + "\n"


def test_multisine_mpt_with_a_garbage_first_point_reads_every_row(tmp_path):
    """The reader keeps every row as the file has it (judging points is the analysis' job)."""
    p = tmp_path / "multisine_PEIS_C01.mpt"
    p.write_text(_mpt_text(_with_glitch(-0.28, 6.8)), encoding="utf-8")
    m = read(p)
    assert len(m.data) == 37
    assert m.data[FREQUENCY].iloc[0] == pytest.approx(1e6)
    # -Im(Z) = -6.8 in the file: Z_im = +6.8 (inductive), the capacitive arc Z_im < 0
    assert m.data[Z_IM].iloc[0] == pytest.approx(6.8)
    assert (m.data[Z_IM].iloc[5:] < 0).all()
    assert m.data[Z_RE].iloc[0] == pytest.approx(-0.28)


@pytest.mark.parametrize("glitch", [(-0.28, 6.8), (1.05, 4.42), (1.0, -0.5)])
def test_the_first_point_at_the_frequency_limit_is_off_the_spectrum(glitch):
    z = _with_glitch(*glitch)
    off = off_spectrum_points(F_HZ, z)
    assert off.tolist() == [True] + [False] * 36


def test_the_intercept_leaves_out_a_capacitive_glitch_at_the_top():
    """A capacitive first point with Z_re near 0 was the intercept (the top minimum of Z_re)."""
    z = _with_glitch(1.0, -0.5)
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(
        high_frequency_intercept(F_HZ[1:], z[1:])
    )
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(R0, rel=0.02)


def test_fit_problems_names_the_point_and_gives_r0_without_it():
    z = _with_glitch(-0.28, 6.8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_circuit(F_HZ, z)
        problems = fit_problems(fit, F_HZ, z, unit="Ohm", with_parameters=True)
    parameter, text = problems[0]
    assert parameter is None  # the whole fit is unreliable
    assert "1 of 37 points lies off the continuous spectrum (1e+06 Hz)" in text
    assert "Z_re < 0 there" in text
    without = float(text.split("without them R0 = ")[1].split(" Ohm")[0])
    assert without == pytest.approx(R0, rel=0.01)


def test_a_tail_below_the_current_range_is_off_the_spectrum():
    """Below a frequency the AC current is too small: |Z| jumps and scatters (Gamry file above)."""
    f = np.logspace(5, -0.7, 58)
    z = _spectrum(f)
    rng = np.random.default_rng(3)
    tail = f < 35
    z[tail] = rng.choice([-1, 1], tail.sum()) * 10 ** rng.uniform(4, 9, tail.sum()) - 1j * 10 ** (
        rng.uniform(4, 9, tail.sum())
    )
    z[np.flatnonzero(tail)[0]] = 3e5 - 7e5j  # the first point past the limit: a jump for sure
    off = off_spectrum_points(f, z)
    assert off[tail].all() and not off[~tail].any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = fit_problems(fit_circuit(f, z), f, z, unit="Ohm")[0]
    assert f"{tail.sum()} of 58 points lie off the continuous spectrum" in text


@pytest.mark.parametrize(
    ("f", "z"),
    [
        # dense sweep, 2 % noise: no jump
        (np.logspace(6, -1, 351), None),
        # blocking electrode, one point per decade: |Z| grows 10-fold per decade, slope -1
        (np.logspace(6, -2, 9), 5.0 + 1 / (1e-5 * (2j * np.pi * np.logspace(6, -2, 9)) ** 0.95)),
        # inductive top of a cable: |Z| rising with f, slope <= 1
        (np.logspace(7, 2, 26), 0.02 + 2j * np.pi * np.logspace(7, 2, 26) * 1e-6 + 0.05),
    ],
)
def test_clean_spectra_have_no_point_off_them(f, z):
    if z is None:
        rng = np.random.default_rng(7)
        z = _spectrum(f) * (1 + 0.02 * rng.standard_normal(f.size))
    assert not off_spectrum_points(f, z).any()


def test_no_run_long_enough_to_be_the_spectrum_flags_nothing():
    """Noise jumping over decades at every step leaves no spectrum to compare with."""
    f = np.logspace(3, 0, 12)
    z = 10.0 ** np.tile([1, 4], 6) * (1 - 1j)
    assert not off_spectrum_points(f, z).any()


def test_gamry_interface_1010_zcurve_with_imod_vmod_temp_and_a_dead_tail(tmp_path):
    """The ZCURVE layout of the Gamry file above (14 columns, Temp in degC); values simulated."""
    f = np.logspace(5, -0.7, 20)
    z = _spectrum(f)
    dead = f < 1
    z[dead] = [4e5 - 9e5j, -2e6 - 7e6j, 9e7 - 3e7j, 1e5 - 2e6j][: dead.sum()]
    header = [
        "EXPLAIN",
        "TAG\tEISPOT",
        "TITLE\tLABEL\tPotentiostatic EIS\tTest Identifier",
        "DATE\tLABEL\t25.1.2024\tDate",
        "PSTAT\tPSTAT\tIFC1010-00000\tPotentiostat",
        "AREA\tQUANT\t1.00000E+000\tSample Area (cm^2)",
        "ZCURVE\tTABLE",
        "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange\tImod\tVmod\tTemp",
        "\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#\tA\tV\t°C",
    ]
    rows = [
        f"\t{k}\t{2 * k + 7}\t{fk:.7g}\t{zk.real:.7g}\t{zk.imag:.7g}\t1\t{abs(zk):.7g}\t"
        f"{np.degrees(np.angle(zk)):.7g}\t-1E-007\t1E-005\t8\t{0.01 / abs(zk):.4g}\t0.01\t1394.8"
        for k, (fk, zk) in enumerate(zip(f, z, strict=True))
    ]
    p = tmp_path / "EISPOT.DTA"
    p.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    m = read(p)
    assert len(m.data) == 20
    assert m.data[FREQUENCY].iloc[0] == pytest.approx(1e5)
    assert m.data[Z_IM].iloc[3] < 0  # Zimag as written: capacitive
    fr = m.data[FREQUENCY].to_numpy()
    zr = m.data[Z_RE].to_numpy() + 1j * m.data[Z_IM].to_numpy()
    assert off_spectrum_points(fr, zr).tolist() == dead.tolist()


POWERSUITE, needs_powersuite = shared_data("eis", "exampleDataPowersuite.txt")


@needs_powersuite
def test_powersuite_example_intercept_skips_its_negative_top_points():
    """impedance.py's PowerSuite example (MIT): Z_re = -471 and -1076 Ohm at 2 and 1.12 MHz.

    Those were the intercept (the smallest Z_re of the top 10 %); no cell has a negative
    resistance, so they lie off the spectrum and the intercept is read from the points below.
    """
    m = read(POWERSUITE)
    f = m.data[FREQUENCY].to_numpy()
    z = m.data[Z_RE].to_numpy() + 1j * m.data[Z_IM].to_numpy()
    off = off_spectrum_points(f, z)
    assert sorted(f[off]) == pytest.approx([1120134.9, 2.0e6])
    assert high_frequency_intercept(f, z) == pytest.approx(4175.3844)
