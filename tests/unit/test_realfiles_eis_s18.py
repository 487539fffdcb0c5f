"""Impedance layouts met in public repositories in round 4 (session 18), read and analysed.

Each file is a synthetic twin written by the test: the layout of the public source, with an
impedance computed here, so that the expected numbers are known exactly.

* ciuccislab/DRTtools (MIT), ``import file samples``: ``zarc_data.txt`` - no header, a leading
  space, columns aligned with runs of spaces, trailing spaces; ``data_ZARC.csv`` - no header,
  ``", "`` between values and a space before each line end. Their spectra are ZARCs (upstream
  fit by solidna: R_inf 9.998 Ohm, R_ct 49.99 Ohm, n 0.699, DRT peak at tau 0.0100 s).
* richinex/impedance-agent (MIT), ``data/randles_circuit.txt``: ``frequency,Z_real,Z_imag``
  without units, from low to high frequency. Its ``results/randles_analysis.json`` states an
  R-RC fit (Rs 20.66 +- 0.44 Ohm, Rct 6.51 +- 0.52 Ohm, Cdl 0.907 +- 0.195 uF), which
  ``solidna analyze --circuit 'R0-p(R1,C1)'`` reproduces on the real file to every digit given.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.eis import fit_circuit, kramers_kronig
from solidna.analysis.io import FREQUENCY, Z_IM, Z_RE, read
from solidna.errors import SolidnaWarning

#: The DRTtools ZARC: R_inf + R_ct / (1 + (j w tau0)^phi), 1 MHz to 10 mHz at 10 per decade.
F_ZARC = np.logspace(6, -2, 81)
R_INF, R_CT, PHI, TAU0 = 10.0, 50.0, 0.7, 0.01


def _zarc(f: np.ndarray) -> np.ndarray:
    return R_INF + R_CT / (1 + (1j * 2 * np.pi * f * TAU0) ** PHI)


def _spectrum(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SolidnaWarning)
        data = read(path).data
    return data[FREQUENCY].to_numpy(), data[Z_RE].to_numpy() + 1j * data[Z_IM].to_numpy()


def _fit_zarc(f: np.ndarray, z: np.ndarray) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_circuit(f, z, circuit="R0-p(R1,CPE1)")
    return fit.params_


def test_drttools_space_aligned_text_is_read_as_f_zre_zim(tmp_path: Path) -> None:
    """DRTtools' ``zarc_data.txt`` layout (leading space, space-aligned, trailing spaces): read
    as f, Z', Z'' with Z'' < 0 on the arc; the R-ZARC fit gives back 10 Ohm, 50 Ohm, 0.7."""
    z = _zarc(F_ZARC)
    lines = [
        f" {f:.6f}        {zz.real:.6f}         {zz.imag:.6f}  "
        for f, zz in zip(F_ZARC, z, strict=True)
    ]
    path = tmp_path / "zarc_data.txt"
    path.write_text("\n".join(lines) + "\n")
    f, zr = _spectrum(path)
    assert f.size == F_ZARC.size
    np.testing.assert_allclose(zr, z, rtol=1e-6, atol=1e-6)
    p = _fit_zarc(f, zr)
    assert p["R0"] == pytest.approx(R_INF, rel=1e-3)
    assert p["R1"] == pytest.approx(R_CT, rel=1e-3)
    assert p["CPE1_1"] == pytest.approx(PHI, rel=1e-3)


def test_drttools_comma_space_csv_is_read_as_f_zre_zim(tmp_path: Path) -> None:
    """DRTtools' ``data_ZARC.csv`` layout (``", "`` between values, a space before each line
    end): the same spectrum, and the Kramers-Kronig test calls the exact ZARC valid."""
    z = _zarc(F_ZARC)
    path = tmp_path / "data_ZARC.csv"
    path.write_text(
        "".join(
            f"{f:.6f}, {zz.real:.6f}, {zz.imag:.6f} \n" for f, zz in zip(F_ZARC, z, strict=True)
        )
    )
    f, zr = _spectrum(path)
    np.testing.assert_allclose(zr, z, rtol=1e-6, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SolidnaWarning)
        kk = kramers_kronig(f, zr, add_cap="auto")
    assert kk.valid


def test_unitless_ascending_csv_reproduces_an_r_rc_fit(tmp_path: Path) -> None:
    """impedance-agent's ``randles_circuit.txt`` layout (``frequency,Z_real,Z_imag``, no units,
    4 Hz to 500 kHz upward): read as Hz/Ohm with a note that says so; an R-RC spectrum of the
    upstream fit's values (20.66 Ohm, 6.51 Ohm, 0.907 uF) gives them back."""
    f = np.geomspace(4.0, 5e5, 45)
    z = 20.66 + 6.51 / (1 + 1j * 2 * np.pi * f * 6.51 * 0.907e-6)
    path = tmp_path / "randles_circuit.txt"
    rows = "".join(f"{a},{b},{c}\n" for a, b, c in zip(f, z.real, z.imag, strict=True))
    path.write_text("frequency,Z_real,Z_imag\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SolidnaWarning)
        m = read(path)
    assert any("no unit" in n for n in m.notes)
    fr = m.data[FREQUENCY].to_numpy()
    zr = m.data[Z_RE].to_numpy() + 1j * m.data[Z_IM].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = fit_circuit(fr, zr, circuit="R0-p(R1,C1)")
    p = fit.params_
    assert p["R0"] == pytest.approx(20.66, rel=1e-3)
    assert p["R1"] == pytest.approx(6.51, rel=1e-3)
    assert p["C1"] == pytest.approx(0.907e-6, rel=1e-3)
