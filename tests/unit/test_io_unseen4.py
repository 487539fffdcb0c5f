"""Impedance readers and checks on a fourth round of files from other projects.

Each test builds a small synthetic file with the structure of a public export (the public files
are not copied here): a tab-separated table whose imaginary column ``Z_img`` holds -Z'' (PyEIS's
experimental example ``ex3.txt``), and Gamry ``.DTA`` files with their ``CONVENTION`` header
line, which gives the sign the run gave the current.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from solidna.analysis import io as sio
from solidna.analysis.pipeline import analyze
from solidna.errors import DataFormatError

F = np.logspace(4, -1, 26)
Z = 20 + 800 / (1 + (1j * 2 * np.pi * F * 2e-4) ** 0.9)  # R0 + R1 || CPE1


def _pyeis_table(path, imag):
    rows = [f"{f:.15g}\t{z.real:.15g}\t{v:.15g}" for f, z, v in zip(F, Z, imag, strict=True)]
    path.write_text("Frequency\tZ_re\tZ_img\n" + "\n".join(rows) + "\n")
    return path


def test_an_imaginary_column_holding_minus_z_is_refused_with_the_mapping(tmp_path):
    # PyEIS ex3.txt stores -Z'' as "Z_img" (positive on the capacitive arc). It was read as Z_im
    # > 0 everywhere and fitted as an inductive spectrum with a warning (the DRT then stopped
    # with "Pass Z_re + 1j*Z_im", a Python hint on the command line).
    path = _pyeis_table(tmp_path / "ex3.txt", -Z.imag)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SI units assumed; impedance.py's own warnings
        with pytest.raises(DataFormatError, match=r"--column '-z_im=Z_img'"):
            analyze([path], "eis", tmp_path / "out", write_data=False)


def test_the_suggested_mapping_recovers_the_circuit(tmp_path):
    # round trip: the same file read with the mapping the error names gives the circuit back
    path = _pyeis_table(tmp_path / "ex3.txt", -Z.imag)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = analyze(
            [path], "eis", tmp_path / "out", write_data=False, columns={"-z_im": "Z_img"}
        )
    row = summary["results"]["files"][path.name]
    assert row["Rs [Ohm]"] == pytest.approx(20, rel=1e-3)
    assert row["Rct [Ohm]"] == pytest.approx(800, rel=1e-3)


def test_a_capacitive_spectrum_with_an_inductive_tail_is_fitted(tmp_path):
    # control: Z_im > 0 at the highest frequencies only (cable inductance) is a real spectrum
    z = Z + 1j * 2 * np.pi * F * 5e-3
    assert (z.imag > 0).any() and (z.imag < 0).any()
    path = _pyeis_table(tmp_path / "ind.txt", z.imag)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = analyze([path], "eis", tmp_path / "out", write_data=False)
    assert summary["results"]["files"]


_GAMRY_HEAD = [
    "EXPLAIN",
    "TAG\tCV",
    "TITLE\tLABEL\tCyclic Voltammetry\tTest &Identifier",
    # Framework 7 writes the open-circuit curve before the rest of the header
    "OCVCURVE\tTABLE\t2",
    "\tPt\tT\tVf\tVm\tAch\tOver",
    "\t#\ts\tV vs. Ref.\tV\tV\tbits",
    "\t0\t0.1\t4.9E-001\t4.9E-001\t0\t...........",
    "\t1\t0.2\t4.9E-001\t4.9E-001\t0\t...........",
    "CONVENTION\tIQUANT\t{convention}\tCurrent Convention",
    "CURVE1\tTABLE",
    "\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver",
    "\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits",
]


def _gamry_cv(path, convention):
    t = np.arange(40) * 0.1
    v = 0.5 + 0.01 * t
    i = 1e-6 * (v - 0.5)
    rows = [
        f"\t{k}\t{a:.4g}\t{b:.6E}\t{c:.6E}\t0\t{b:.6E}\t0\t5\t..........."
        for k, (a, b, c) in enumerate(zip(t, v, i, strict=True))
    ]
    head = [line.format(convention=convention) for line in _GAMRY_HEAD]
    if convention is None:
        head = [line for line in head if not line.startswith("CONVENTION")]
    path.write_text("\n".join(head + rows) + "\n", encoding="cp1252")
    return path, i


def test_gamry_current_with_the_default_convention_is_read_as_written(tmp_path):
    path, current = _gamry_cv(tmp_path / "cv.DTA", 1)
    m = sio.read(path)
    assert m.metadata["current convention"] == 1
    np.testing.assert_allclose(m.data["Current [A]"], current, rtol=1e-6, atol=1e-15)
    assert any("'CONVENTION' is 1" in n for n in m.notes)


def test_gamry_current_with_another_convention_is_refused(tmp_path):
    # the CONVENTION line was never read: a run recorded with the other current convention
    # gave a current of the opposite sign, silently
    path, _ = _gamry_cv(tmp_path / "cv.DTA", 0)
    with pytest.raises(DataFormatError, match="current convention 0"):
        sio.read(path)


def test_gamry_file_without_a_convention_line_still_reads(tmp_path):
    path, current = _gamry_cv(tmp_path / "cv.DTA", None)
    m = sio.read(path)
    assert "current convention" not in m.metadata
    np.testing.assert_allclose(m.data["Current [A]"], current, rtol=1e-6, atol=1e-15)
