"""Impedance readers and fit checks on a third round of files from other projects.

Each test builds a small synthetic file with the structure of a public export that was misread
(the public files are not copied here): a space-separated table (pyimpspec's ``data-space.csv``),
a point count between the header and the rows (the ``.P00`` layout pyimpspec reads), a
header-less table of nine columns below a preamble (OrigaLys ``.crv``), a header-less
three-column table below a comment, and a circuit fit whose arc never closes inside the sweep
(DRTtools' ``LIB_data_2.txt``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from solidna.analysis import io as sio
from solidna.analysis.eis import RESISTANCE_RANGE_LIMIT, fit_circuit, fit_problems
from solidna.errors import DataFormatError

F = np.logspace(4, 0, 21)
Z = 100 + 500 / (1 + 1j * 2 * np.pi * F * 1e-4)


def _z(m):
    d = m.data
    return d["Frequency [Hz]"].to_numpy(), (d["Z_re [Ohm]"] + 1j * d["Z_im [Ohm]"]).to_numpy()


def test_space_separated_impedance_table_is_split_into_columns(tmp_path):
    # "f Z' Z''" over "10000.0 109.0 -26.5": no comma, semicolon or tab anywhere. The header was
    # one column "f Z' Z''" and the file was refused ("none of its columns is recognised").
    path = tmp_path / "spectrum-space.csv"
    rows = [f"{f:.15g} {z.real:.15g} {z.imag:.15g}" for f, z in zip(F, Z, strict=True)]
    path.write_text("f Z' Z''\n" + "\n".join(rows) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no unit in the header ... SI assumed"
        m = sio.read(path)
    f, z = _z(m)
    np.testing.assert_allclose(f, F, rtol=1e-12)
    np.testing.assert_allclose(z, Z, rtol=1e-12)


def test_point_count_line_below_the_header_is_skipped(tmp_path):
    # " f/Hz \t Z'/Ohm \t -Z''/Ohm \t time/s \t" then " 21 " then the rows (each ending in a
    # tab). The count line broke the header's run of data rows, so the first data row was taken
    # for the header.
    path = tmp_path / "spectrum.P00"
    head = ["Procedure : title", "t =  736.4 s", " f/Hz\t Z'/Ohm\t -Z''/Ohm\t time/s\t"]
    rows = [f" {f:.4e}\t {z.real:.4e}\t {-z.imag:.4e}\t 59.3\t" for f, z in zip(F, Z, strict=True)]
    path.write_text("\n".join([*head, f" {len(F)} ", *rows]) + "\n", encoding="latin-1")
    m = sio.read(path)
    f, z = _z(m)
    assert len(f) == len(F)
    np.testing.assert_allclose(f, F, rtol=1e-4)
    np.testing.assert_allclose(z, Z, rtol=1e-4)  # -Z'' turned back into Z_im < 0


def test_a_point_count_that_disagrees_with_the_rows_is_noted(tmp_path):
    path = tmp_path / "spectrum.txt"
    rows = [f"{f:.6e}\t{z.real:.6e}\t{z.imag:.6e}" for f, z in zip(F, Z, strict=True)]
    path.write_text("\n".join(["Freq/Hz\tZ'/ohm\tZ''/ohm", "30", *rows]) + "\n")
    m = sio.read(path)
    assert len(m.data) == len(F)
    assert any("announces 30 points" in n for n in m.notes)


def test_headerless_table_of_nine_columns_below_a_preamble_is_refused(tmp_path):
    # OrigaLys .crv: a preamble, a point count, then nine tab-separated numbers per row with Z'
    # and -Z'' in the 7th and 8th. pandas' ParserError escaped (the preamble was not skipped),
    # and without the preamble columns 2-3 - another pair of numbers - would pass for Z.
    path = tmp_path / "spectrum.crv"
    head = ["Pot. Dynamic EIS (Impedance)", "11|free|0|20|Auto|0|100|kHz", "  1.000", f"{len(F)}"]
    rows = [
        "\t".join(f"{v:.5E}" for v in (f, 1.1 * z.real, 0.5 * z.imag, 0, 0, 0, z.real, -z.imag, 0))
        for f, z in zip(F, Z, strict=True)
    ]
    path.write_text("\n".join(head + rows) + "\n", encoding="latin-1")
    with pytest.raises(DataFormatError, match="9 columns without a recognisable header"):
        sio.read(path)


def test_headerless_three_columns_below_a_comment_line_are_read(tmp_path):
    path = tmp_path / "spectrum.txt"
    rows = [f"{f:.15g},{z.real:.15g},{z.imag:.15g}" for f, z in zip(F, Z, strict=True)]
    path.write_text("# exported by hand\n" + "\n".join(rows) + "\n")
    m = sio.read(path)
    f, z = _z(m)
    np.testing.assert_allclose(f, F, rtol=1e-12)
    np.testing.assert_allclose(z, Z, rtol=1e-12)
    assert any("no header" in n for n in m.notes)


def test_a_resistance_far_beyond_the_measured_impedance_is_a_fit_problem():
    # A blocking electrode (R0 + CPE) fitted with R0-p(R1,CPE1): the arc never closes, R1 runs to
    # ~1e7 Ohm with a "standard error" of 1e-24 Ohm for a spectrum whose |Z| stays below 0.3 Ohm,
    # and the fit passed every check.
    f = np.logspace(5, -2, 50)
    z = 0.1 + 1 / ((1j * 2 * np.pi * f) ** 0.85 * 50.0)
    fit = fit_circuit(f, z, circuit="R0-p(R1,CPE1)")
    assert fit.params_["R1"] > RESISTANCE_RANGE_LIMIT * np.abs(z).max()
    problems = fit_problems(fit, f, z, unit="Ohm")
    assert any("R1 = " in p and "extrapolation" in p for p in problems)
    assert not any("R0 = " in p for p in problems)


def test_a_closed_arc_raises_no_range_problem():
    fit = fit_circuit(F, Z, circuit="R0-p(R1,CPE1)")
    assert fit_problems(fit, F, Z, unit="Ohm") == []


def _spectrum_file(path, f, z):
    rows = [f"{fk:.17g},{zk.real:.17g},{zk.imag:.17g}" for fk, zk in zip(f, z, strict=True)]
    path.write_text("Frequency [Hz],Z_re [Ohm],Z_im [Ohm]\n" + "\n".join(rows) + "\n")
    return path


def test_a_short_spectrum_is_fitted_without_the_kramers_kronig_check(tmp_path):
    # An aborted sweep of 6 points (pyimpspec's case-fragment, a Gamry run stopped early) stopped
    # the whole analysis: the Kramers-Kronig check needs 10 points, the circuit fit does not.
    from solidna.analysis.pipeline import analyze

    f = np.logspace(4, 1, 6)
    z = 100 + 500 / (1 + 1j * 2 * np.pi * f * 1e-3)
    path = _spectrum_file(tmp_path / "fragment.csv", f, z)
    summary = analyze([path], "eis", tmp_path / "out", drt=True, write_data=False)
    fitted = summary["results"]["files"]["fragment.csv"]
    assert fitted["parameters"]["R0"] == pytest.approx(100.0, rel=1e-3)
    assert fitted["KK valid"] is None
    notes = " ".join(summary["notes"])
    assert "too few for the Kramers-Kronig check" in notes
    assert "too few for a DRT" in notes


def test_the_poor_fit_note_names_what_is_unreliable(tmp_path):
    # Only R1 runs away (an arc that never closes): the note used to say that Rs and the
    # conductivity were unreliable, which the checks had not found.
    from solidna.analysis.pipeline import analyze

    f = np.logspace(5, -2, 50)
    z = 0.1 + 1 / ((1j * 2 * np.pi * f) ** 0.85 * 50.0)
    fit = fit_circuit(f, z, circuit="R0-p(R1,CPE1)")
    pairs = fit_problems(fit, f, z, unit="Ohm", with_parameters=True)
    assert [p for p, _ in pairs] == ["R1"]
    path = _spectrum_file(tmp_path / "blocking.csv", f, z)
    summary = analyze([path], "eis", tmp_path / "out", area="1 cm2", thickness="60 um")
    (note,) = [n for n in summary["notes"] if "poor" in n]
    assert "R1 is unreliable." in note
    assert "Rs" not in note.split("poor")[1].split("Try another")[0].replace("Rs with", "")
