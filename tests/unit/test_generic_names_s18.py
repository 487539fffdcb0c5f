"""Generic impedance tables as two more public sources write them (synthetic twins).

- ciuccislab/DNN-DRT ``EIS_fuel-cell-hook.csv`` (licence not stated; layout only): the sign of
  the imaginary part written as a word, ``Minus Im(Z) / mohm cm2``. Before: refused, "no column
  for Z_im".
- EIS Spectrum Analyser text (brunohgv/eis-analyser-data-converter, licence not stated; layout
  only): a count line, then rows of Z', Z'', f without a header. Before: read as f, Z', Z''
  without a warning (frequencies 43-61 783 "Hz", several "spectra", Kramers-Kronig 244 %).
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.io import read
from solidna.errors import DataFormatError


def _spectrum():
    f = np.logspace(5, -1, 25)
    w = 2 * np.pi * f
    z = 10 + 100 / (1 + 1j * w * 100 * 1e-5) + 50 / (1 + 1j * w * 50 * 1e-2)
    return f, z


def test_a_sign_written_as_a_word_is_the_sign(tmp_path):
    f, z = _spectrum()
    path = tmp_path / "hook.csv"
    rows = [f"{a:g},{b.real * 1e3:.4f},{-b.imag * 1e3:.4f}" for a, b in zip(f, z, strict=True)]
    path.write_text("Frequency / Hz,Re(Z) / mohm cm2,Minus Im(Z) / mohm cm2\n" + "\n".join(rows))
    m = read(path)
    np.testing.assert_allclose(m.data["Z_im [Ohm]"], z.imag, rtol=1e-4)
    np.testing.assert_allclose(m.data["Z_re [Ohm]"], z.real, rtol=1e-4)


def test_minus_alone_stays_a_name():
    from solidna.analysis.io.generic import _norm

    assert _norm("Minus") == "minus"
    assert _norm("Minus Im(Z)") == "-im(z)"


@pytest.mark.parametrize("count_line", [True, False])
def test_frequency_last_without_a_header_is_refused_naming_the_layout(tmp_path, count_line):
    f, z = _spectrum()
    path = tmp_path / "esa.txt"
    rows = [f"{b.real:.5f}\t{-b.imag:.5f}\t{a:.5g}" for a, b in zip(f, z, strict=True)]
    path.write_text((f"{len(f)}\n" if count_line else "") + "\n".join(rows))
    with pytest.raises(DataFormatError, match="Z', Z'', f of EIS Spectrum Analyser") as info:
        read(path)
    assert "Frequency [Hz]" in str(info.value)


def test_frequency_first_without_a_header_is_still_read(tmp_path):
    """impedance.py's readCSV layout f, Z', Z'' keeps being read (its Z' falls over a decade
    too, but not in equal logarithmic steps)."""
    f, z = _spectrum()
    path = tmp_path / "ok.txt"
    rows = [f"{a:.5g},{b.real:.5f},{b.imag:.5f}" for a, b in zip(f, z, strict=True)]
    path.write_text("\n".join(rows))
    m = read(path)
    np.testing.assert_allclose(m.data["Frequency [Hz]"], f, rtol=1e-4)
