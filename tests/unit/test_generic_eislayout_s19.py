"""Impedance text layouts the generic reader misread or refused.

Synthetic twins (every value simulated here) of four public layouts:

* YAPPARI (nitad54448/yappari-5-1, CC-BY-NC-ND 4.0: layout only): a names row separated by
  commas over rows separated by tabs, ``Freq /Hz, Zr , Zi ; Name: sim_`` (or ``Zr_calc``,
  ``Zi_calc`` for a simulated spectrum), a comment after the last name. It was refused (no
  column for Z_re, Z_im).
* FrancescoGalli/impedance_analysis_project (no licence stated: layout only),
  ``four_elements_data.txt``: ``%Frequency(Hz)    Modulus(Ohm)    Phase(deg)``, names
  separated by runs of spaces over rows separated by ``;``. It was read as a headerless
  f, Z', Z'' table (|Z| and the phase taken for Z' and Z''). ``RC_series_data.txt``: cells
  written by ``numpy.savetxt`` of a complex array, ``(a+bj)``. It was refused with advice for a
  time series.
* chamodw/eis-data (no licence stated: layout only), AD5933 logs: ``raw.csv`` repeats the
  frequency in its ``imaginary`` column (it was read as an inductive spectrum); ``mag.csv``
  keeps the raw log's header over the header pandas wrote for a pivoted table (a pandas
  ParserWarning reached the user, then "z_re column 'real' holds 'freq'").
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.io import FREQUENCY, Z_IM, Z_RE, read
from solidna.errors import DataFormatError

F_HZ = np.logspace(7, -3, 51)


def _spectrum(f_hz: np.ndarray = F_HZ) -> np.ndarray:
    """R0 + R1 || C1 + R2 || C2 [Ohm]: two arcs, capacitive (Z'' < 0)."""
    w = 2 * np.pi * f_hz
    return 200 + 100 / (1 + 1j * w * 100 * 1e-6) + 56 / (1 + 1j * w * 56 * 22e-9)


def _yappari(path, names: str, columns: list[np.ndarray]) -> None:
    rows = ["\t".join(f"{v:.6E}" for v in row) for row in np.column_stack(columns)]
    path.write_text(names + "\n" + "\n".join(rows) + "\n")


# -- 1. YAPPARI: Zr, Zi and a comment after the last name -------------------------------------


def test_yappari_zr_zi_with_a_comment_after_the_names_is_read(tmp_path):
    z = _spectrum()
    path = tmp_path / "sim.dat"
    _yappari(path, "Freq /Hz, Zr , Zi ; Name: sim_", [F_HZ, z.real, z.imag])
    m = read(path)
    np.testing.assert_allclose(m.data[FREQUENCY], F_HZ, rtol=1e-6)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=1e-6)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-6, atol=1e-9)
    assert m.metadata["columns used"]["z_im"] == "Zi"
    assert any("does not state its sign" in n and "read as Z''" in n for n in m.notes)


def test_yappari_zi_positive_in_most_rows_is_read_as_minus_z_im(tmp_path):
    z = _spectrum()
    path = tmp_path / "sim.dat"
    _yappari(path, "Freq /Hz, Zr , Zi", [F_HZ, z.real, -z.imag])
    m = read(path)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-6, atol=1e-9)
    assert any("read as -Z''" in n for n in m.notes)


def test_yappari_calculated_columns_are_read_and_noted(tmp_path):
    z = _spectrum()
    path = tmp_path / "sim.dat"
    _yappari(path, "Freq /Hz, Zr_calc , Zi_calc ; Name: sim_", [F_HZ, z.real, z.imag])
    m = read(path)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=1e-6)
    assert any("calculated" in n for n in m.notes)


def test_measured_zr_zi_win_over_calculated_ones(tmp_path):
    z = _spectrum()
    fit = 1.1 * z
    path = tmp_path / "fit.dat"
    _yappari(
        path,
        "Freq /Hz, Zr_calc , Zi_calc , Zr , Zi ; Name: fit_",
        [F_HZ, fit.real, fit.imag, z.real, z.imag],
    )
    m = read(path)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=1e-6)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-6, atol=1e-9)


# -- 2. a names row separated by runs of spaces over ';' rows ---------------------------------


def _polar_rows(f_hz: np.ndarray, z: np.ndarray) -> list[str]:
    return [
        f"{f:.18e};{abs(v):.18e};{np.degrees(np.angle(v)):.18e}"
        for f, v in zip(f_hz, z, strict=True)
    ]


def _series_rc_cpe(f_hz: np.ndarray) -> np.ndarray:
    w = 2 * np.pi * f_hz
    zq = 1 / (0.2e-6 * (1j * w) ** 0.82)
    return 3000 + 1 / (1j * w * 2e-6) + 1 / (1 / 10000 + 1 / zq)


def test_modulus_and_phase_named_over_semicolon_rows_are_read_as_polar(tmp_path):
    f = np.logspace(-1, 6, 40)
    z = _series_rc_cpe(f)
    path = tmp_path / "four_elements_data.txt"
    header = "%Frequency(Hz)    Modulus(Ohm)    Phase(deg)"
    path.write_text(header + "\n" + "\n".join(_polar_rows(f, z)) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=1e-9)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-9)
    assert m.metadata["columns used"]["|z|"] == "Modulus(Ohm)"


def test_headerless_guess_is_refused_below_a_line_naming_modulus_and_phase(tmp_path):
    f = np.logspace(-1, 6, 40)
    path = tmp_path / "polar.txt"
    # one space between the names: not split into the columns of the rows
    path.write_text("% Frequency Modulus Phase\n" + "\n".join(_polar_rows(f, _series_rc_cpe(f))))
    with pytest.raises(DataFormatError, match="names a modulus and a phase"):
        read(path)


# -- 3. numpy's complex cells ------------------------------------------------------------------


def _complex_rows(f_hz: np.ndarray, z: np.ndarray) -> list[str]:
    # numpy.savetxt of a complex array with delimiter=';' writes ' (re+imj)' cells
    return [
        f" ({f:.18e}+{0.0:.18e}j); ({v.real:.18e}{v.imag:+.18e}j)"
        for f, v in zip(f_hz, z, strict=True)
    ]


def test_complex_cells_are_read_as_the_impedance(tmp_path):
    f = np.logspace(-1, 5, 30)
    z = 1000 + 1 / (1j * 2 * np.pi * f * 2e-6)
    path = tmp_path / "RC_series_data.txt"
    path.write_text("%Frequency(Hz)    Impedance(Ohm)\n" + "\n".join(_complex_rows(f, z)) + "\n")
    m = read(path)
    assert m.kind == "impedance"
    np.testing.assert_allclose(m.data[FREQUENCY], f, rtol=1e-12)
    np.testing.assert_allclose(m.data[Z_RE], z.real, rtol=1e-12)
    np.testing.assert_allclose(m.data[Z_IM], z.imag, rtol=1e-12)
    assert any("complex numbers" in n for n in m.notes)


def test_complex_cells_not_named_an_impedance_are_refused_by_name(tmp_path):
    f = np.logspace(-1, 5, 30)
    y = 1 / (1000 + 1 / (1j * 2 * np.pi * f * 2e-6))
    path = tmp_path / "admittance.txt"
    path.write_text("%Frequency(Hz)    Admittance(S)\n" + "\n".join(_complex_rows(f, y)) + "\n")
    with pytest.raises(DataFormatError, match=r"'Admittance\(S\)' holds complex numbers"):
        read(path)


# -- 4. AD5933 logs -----------------------------------------------------------------------------

_AD5933_PREAMBLE = (
    "#, session_id, temperature, start_freq, increment, num_increments, num_avg, v_range, "
    "pga_gain, gain_factor\n#cell_1,20.0,1000,200,30,4,1,1,1.0e-08\n"
)


def test_an_imaginary_column_that_repeats_the_frequency_is_refused(tmp_path):
    f = 1000 + 200 * np.arange(30)
    rng = np.random.default_rng(1)
    real = rng.integers(-20000, 2000, f.size)
    rows = [f"{a},{b},{a},1.25" for a, b in zip(f, real, strict=True)]
    path = tmp_path / "cell_1_raw.csv"
    path.write_text(_AD5933_PREAMBLE + "freq, real, imaginary, concentration\n" + "\n".join(rows))
    with pytest.raises(DataFormatError, match="'imaginary' repeats the frequency column 'freq'"):
        read(path)


def test_a_stale_header_over_a_second_header_is_refused_without_pandas_warnings(tmp_path):
    f = 1000 + 200 * np.arange(30)
    rng = np.random.default_rng(2)
    rows = [
        f"{k},{a}," + ",".join(f"{v:.6f}" for v in rng.uniform(3000, 6000, 5))
        for k, a in enumerate(f)
    ]
    path = tmp_path / "cell_1_mag.csv"
    path.write_text(
        _AD5933_PREAMBLE
        + "freq, real, imaginary, concentration\n,freq,1.25,2.5,5.0,10.0,20.0\n"
        + "\n".join(rows)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas ParserWarning may reach the user
        with pytest.raises(DataFormatError, match="two header lines"):
            read(path)


def test_pandas_warnings_become_notes():
    from solidna.analysis.io import Measurement, _without_pandas_warnings

    def reader(path, **kwargs):
        warnings.warn(
            "Length of header or names does not match length of data. This leads to a loss "
            "of data with index_col=False.",
            pd.errors.ParserWarning,
            stacklevel=2,
        )
        data = pd.DataFrame({FREQUENCY: [1.0, 10.0], Z_RE: [1.0, 1.0], Z_IM: [0.0, 0.0]})
        return Measurement(data=data, kind="impedance", format="csv", source=path, notes=[])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = _without_pandas_warnings(reader, "x.csv", {})
    assert any("more fields than the header has names" in n for n in m.notes)


# -- 5. the advice for an all-positive Z_im ----------------------------------------------------


def test_no_minus_z_im_advice_for_columns_that_hold_no_impedance(tmp_path):
    """Z_im >= 0 everywhere and Z_re < 0 in most rows (the AD5933 raw counts of
    chamodw/eis-data's raw.csv, mapped by hand): the columns are no impedance, and mapping the
    imaginary one as -Z'' (the advice for an all-positive Z_im) would not help."""
    from solidna.analysis.io import Measurement
    from solidna.analysis.pipeline import _check_capacitive

    f = 1000.0 + 200 * np.arange(30)
    rng = np.random.default_rng(3)
    z = rng.uniform(-20000, 500, f.size) + 1j * rng.uniform(100, 5000, f.size)
    data = pd.DataFrame({FREQUENCY: f, Z_RE: z.real, Z_IM: z.imag})
    m = Measurement(
        data=data,
        kind="impedance",
        format="csv",
        source=tmp_path / "raw.csv",
        metadata={"columns used": {"frequency": "freq", "z_re": "real", "z_im": "counts"}},
        notes=[],
    )
    with pytest.raises(DataFormatError, match="hold no impedance") as info:
        _check_capacitive(m, "raw.csv", z, "R0-p(R1,CPE1)")
    assert "-z_im=" not in str(info.value)


def test_a_spectrum_from_the_origin_is_advised_to_read_the_bulk_arc(tmp_path):
    """A bulk arc from the origin (a solid electrolyte measured up to its bulk relaxation, no
    series resistance): the default R0-p(R1,CPE1) fit leaves R0 ~ 0. The advice says the
    electrolyte resistance is the first arc's R, and the circuit it names then fits without a
    poor-fit note, its R0 (reported as Rs) the bulk arc's 1000 Ohm."""
    from solidna.analysis.pipeline import analyze

    f = np.logspace(6, -1, 71)
    w = 2 * np.pi * f
    z = 1000 / (1 + (1j * w * 1e-6) ** 0.95) + 3000 / (1 + (1j * w * 1e-3) ** 0.85)
    path = tmp_path / "bulk.csv"
    frame = {"Frequency [Hz]": f, "Z_re [Ohm]": z.real, "Z_im [Ohm]": z.imag}
    pd.DataFrame(frame).to_csv(path, index=False)
    notes = [n for n in analyze([path], "eis", tmp_path / "a")["notes"] if "poor" in n]
    assert notes and "first arc" in notes[0] and "'p(R0,CPE0)-p(R1,CPE1)'" in notes[0]
    refit = analyze([path], "eis", tmp_path / "b", circuit="p(R0,CPE0)-p(R1,CPE1)")
    assert not [n for n in refit["notes"] if "poor" in n], refit["notes"]
    assert refit["results"]["files"]["bulk.csv"]["Rs [Ohm]"] == pytest.approx(1000, rel=0.01)
