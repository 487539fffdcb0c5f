"""Gamry .DTA curves: rows flagged in the 'Over' column (to add with the impedance_text.py patch
/tmp/s19/echem/impedance_text_over.patch; fails before it).

Synthetic twin of the layout of gamry-parser's ``tests/ocvcurve_data.dta`` (MIT): a CV
``CURVE`` table ``Pt T Vf Im Vu Sig Ach IERange Over`` whose points before an I/E range change
read ``....ih..i..`` (Gamry Framework help, "Overloads": position 5 ``i`` = the I/E converter's
limit exceeded, position 6 ``h`` = a current overload during the point)."""

from __future__ import annotations

from pathlib import Path

import solidna.analysis.io as sio


def _dta(path: Path, flags: list[str]) -> Path:
    head = ["EXPLAIN", "TAG\tCV", "TITLE\tLABEL\tCyclic Voltammetry\tTest &Identifier"]
    head += ["CURVE1\tTABLE", "\tPt\tT\tVf\tIm\tVu\tSig\tAch\tIERange\tOver"]
    head += ["\t#\ts\tV vs. Ref.\tA\tV\tV\tV\t#\tbits"]
    rows = []
    for k, flag in enumerate(flags):
        e = 0.4 - 0.015 * k
        i = -1e-6 * k if not flag.startswith("....i") else 6.5e-7  # the clipped reading
        rows.append(f"\t{k}\t{0.3 * (k + 1):g}\t{e:.5E}\t{i:.5E}\t0\t{e:.5E}\t0\t5\t{flag}")
    path.write_text("\n".join(head + rows) + "\n", encoding="latin-1")
    return path


def test_gamry_current_overload_rows_are_left_out(tmp_path: Path) -> None:
    flags = ["....ih..i.."] + ["..........."] * 9 + ["....ih..i.."] + ["..........."] * 9
    m = sio.read(_dta(tmp_path / "cv.DTA", flags))
    assert len(m.data) == 18
    assert (m.data["Current [A]"] <= 0).all()  # the two clipped +0.65 uA readings are gone
    assert any("position 5 on 2 of 20 rows at t = 0.3 to 3.3 s" in n for n in m.notes)


def test_gamry_aux_flag_on_every_row_keeps_them(tmp_path: Path) -> None:
    m = sio.read(_dta(tmp_path / "cv.DTA", ["..........a"] * 12))
    assert len(m.data) == 12
    assert any("position 11 on 12 of 12 rows" in n and "kept" in n for n in m.notes)
