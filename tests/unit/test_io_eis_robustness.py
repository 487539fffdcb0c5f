"""Impedance files and fits that real instruments and labs produce, read right or flagged.

Every file here is built in ``tmp_path`` to reproduce the *structure* of an instrument export on
which a reader or an analysis went wrong (no third-party file is copied): a VersaStudio ``.par``
with a blank line in its data segment or written in Windows-1252, Gamry ``.DTA`` files with
trailing blank lines or drift-corrected columns, EC-Lab ``.mpt`` headers saved as UTF-8, with the
header count on another line than the second, with an unreadable area unit, or with EC-Lab's
intercalation line ``Acquisition started at : xo = ...``; an equivalent-circuit fit that leaves
large residuals and an unidentified series resistance; a DRT whose automatic lambda sits at the
edge of its search range; the squared unit of the residual sum of squares.
"""

from __future__ import annotations

import html
import json
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError

# --------------------------------------------------------------------------------------------
# Spectra
# --------------------------------------------------------------------------------------------
#: Frequencies of the spectra below: 10 kHz to 1 Hz, 7 points per decade (29 points).
F_HZ = np.logspace(4, 0, 29)


def _one_arc(f: np.ndarray = F_HZ) -> np.ndarray:
    """R0-p(R1,CPE1) with R0 = 100 Ohm, R1 = 500 Ohm, Q = 2e-6, n = 0.9 (Ohm)."""
    w = 2 * np.pi * f
    return 100.0 + 500.0 / (1 + 500.0 * 2e-6 * (1j * w) ** 0.9)


def _arc_and_diffusion(f: np.ndarray = F_HZ) -> np.ndarray:
    """R0 + R1||C1 + R2||W (100 Ohm, 200 Ohm || 0.8 uF, 500 Ohm || Warburg Y = 4e-4 S.s^0.5):
    a small high-frequency arc and a diffusion-limited one, which R0-p(R1,CPE1) cannot follow
    (the layout of pyimpspec's reference spectrum, computed here)."""
    w = 2 * np.pi * f
    zw = 1 / (4e-4 * np.sqrt(1j * w))
    return 100.0 + 200.0 / (1 + 1j * w * 200.0 * 0.8e-6) + 500.0 * zw / (500.0 + zw)


def _z(m: sio.Measurement) -> tuple[np.ndarray, np.ndarray]:
    d = m.data
    return d[sio.FREQUENCY].to_numpy(), d[sio.Z_RE].to_numpy() + 1j * d[sio.Z_IM].to_numpy()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Send tempfile's files to a folder of this test, to see that the readers clean up."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# --------------------------------------------------------------------------------------------
# 1. VersaStudio .par: blank lines in the data segment, Windows-1252 text, accurate refusals
# --------------------------------------------------------------------------------------------
_PAR_DEFINITION = (
    "Definition=Segment #, Point #, E(V), I(A), Elapsed Time(s), ADC Sync Input(V), "
    "Current Range, Status, E Applied(V), Frequency(Hz), E Real, E Imag, I Real, I Imag, "
    "Z Real, Z Imag, E2 Status, E2(V), E2 Real, E2 Imag, Z2 Real, Z2 Imag, ActionId, "
    "AC Amplitude, 0"
)


def _par_text(
    z: np.ndarray,
    *,
    blank_before_end: bool = True,
    closed: bool = True,
    definition: str = _PAR_DEFINITION,
) -> str:
    """A VersaStudio ``.par`` in the layout of a real export: sections, the open-circuit value in
    uV (a non-ASCII character), ``Segments=`` lines, and the data in ``<Segment1>``."""
    rows = [
        f"0,{k},0.0001822806,7.235861E-07,{1.6 + k:.6f},0,5,144834565,0,{f!r},"
        f"{zk.real!r},{zk.imag!r},-1.8E-06,-2.9E-05,{zk.real!r},{zk.imag!r},5,0,0,0,0,0,21,0.01"
        for k, (f, zk) in enumerate(zip(F_HZ.tolist(), z.tolist(), strict=True))
    ]
    lines = [
        "<Application>",
        "Version=2.61.2.0",
        "Language [VersaStudio]=English (United States) [en-US]",
        "</Application>",
        "",
        "<Action0>",
        "Measured Open Circuit=-30.999 \u00b5V",
        "Working Electrode Area (cm2)=12.57",
        "Segments=0",
        "Name=Common",
        "</Action0>",
        "",
        "<Action1>",
        "Points Per Decade=7",
        "Segments=1",
        "Name=Potentiostatic EIS",
        "</Action1>",
        "",
        "<Segment1>",
        "Type=30",
        "Version=3",
        definition,
        *rows,
    ]
    if blank_before_end:
        lines.append("")
    if closed:
        lines += ["</Segment1>", "<Graph1>", "Analysis=0", "</Graph1>"]
    return "\r\n".join(lines) + "\r\n"


def test_versastudio_blank_line_before_the_segment_end_is_read(tmp_path, private_tmp):
    z = _one_arc()
    path = tmp_path / "blank.par"
    path.write_bytes(_par_text(z).encode("utf-8"))
    m = sio.read(path)
    assert m.format == "versastudio-eis"
    f, z_read = _z(m)
    np.testing.assert_allclose(f, F_HZ, rtol=1e-12)
    np.testing.assert_allclose(z_read, z, rtol=1e-12)
    assert list(private_tmp.iterdir()) == []  # the normalised copy is removed


def test_versastudio_windows_1252_file_is_read(tmp_path, private_tmp):
    z = _one_arc()
    path = tmp_path / "cp1252.par"
    path.write_bytes(_par_text(z, blank_before_end=False).encode("cp1252"))
    f, z_read = _z(sio.read(path))
    np.testing.assert_allclose(z_read, z, rtol=1e-12)
    assert list(private_tmp.iterdir()) == []


def test_versastudio_truncated_segment_is_called_truncated(tmp_path, private_tmp):
    path = tmp_path / "cut.par"
    path.write_bytes(_par_text(_one_arc(), closed=False, blank_before_end=False).encode())
    with pytest.raises(DataFormatError, match=r"cut\.par.*<Segment1>.*</Segment1>.*truncated"):
        sio.read(path)
    assert list(private_tmp.iterdir()) == []


def test_versastudio_without_data_segment_says_so(tmp_path):
    text = _par_text(_one_arc()).split("<Segment1>")[0]
    path = tmp_path / "setup.par"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"setup\.par.*no data segment"):
        sio.read(path)


def test_versastudio_other_technique_names_its_columns(tmp_path):
    definition = "Definition=Segment #, Point #, E(V), I(A), Elapsed Time(s), Status"
    path = tmp_path / "cv.par"
    path.write_text(_par_text(_one_arc(), definition=definition), encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"cv\.par.*another technique.*'Elapsed Time\(s\)'"):
        sio.read(path)


# --------------------------------------------------------------------------------------------
# 1 (same class) and 5. Gamry .DTA: trailing blank lines; drift-corrected columns
# --------------------------------------------------------------------------------------------
def _dta_text(z: np.ndarray, z_cor: np.ndarray | None = None, trailing: str = "") -> str:
    """A Gamry Framework ``.DTA`` of a potentiostatic EIS run (decimal commas, Windows-1252 unit
    of the phase), with the drift-corrected columns of a run with ``DRIFTCOR 1`` when ``z_cor``
    is given."""
    drift = z_cor is not None
    names = ["Pt", "Time", "Freq", "Zreal", "Zimag", "Zsig", "Zmod", "Zphz"]
    units = ["#", "s", "Hz", "ohm", "ohm", "V", "ohm", "\u00b0"]
    if drift:
        names += ["ZrealDrCor", "ZimagDrCor", "ZmodDrCor", "ZphzDrCor"]
        units += ["ohm", "ohm", "ohm", "\u00b0"]
    names += ["Idc", "Vdc", "IERange"]
    units += ["A", "V", "#"]
    lines = [
        "EXPLAIN",
        "TAG\tEISPOT",
        "TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier",
        f"DRIFTCOR\tSELECTOR\t{int(drift)}\t&Drift Correction",
        "AREA\tQUANT\t1,00000E+000\tSample &Area (cm^2)",
        "ZCURVE\tTABLE",
        "\t" + "\t".join(names),
        "\t" + "\t".join(units),
    ]
    for k, (f, zk) in enumerate(zip(F_HZ, z, strict=True)):
        cells = [k, 2 * k, f, zk.real, zk.imag, 1, abs(zk), np.degrees(np.angle(zk))]
        if drift:
            zc = z_cor[k]
            cells += [zc.real, zc.imag, abs(zc), np.degrees(np.angle(zc))]
        cells += [1.8e-9, 0.369, 7]
        lines.append("\t" + "\t".join(f"{c:.10g}".replace(".", ",") for c in cells))
    return "\r\n".join(lines) + "\r\n" + trailing


def test_gamry_trailing_blank_lines_are_read(tmp_path, private_tmp):
    z = _one_arc()
    path = tmp_path / "trailing.DTA"
    path.write_bytes(_dta_text(z, trailing="\r\n  \r\n").encode("cp1252"))
    f, z_read = _z(sio.read(path))
    assert f.size == F_HZ.size
    np.testing.assert_allclose(z_read, z, rtol=1e-9)
    assert list(private_tmp.iterdir()) == []


def test_gamry_drift_corrected_columns_are_used_and_noted(tmp_path):
    z = _one_arc()
    z_cor = z * (1 + 0.002 * np.linspace(0, 1, z.size))  # the correction grows along the sweep
    path = tmp_path / "drift.DTA"
    path.write_bytes(_dta_text(z, z_cor).encode("cp1252"))
    m = sio.read(path)
    f, z_read = _z(m)
    np.testing.assert_allclose(f, F_HZ, rtol=1e-9)
    np.testing.assert_allclose(z_read, z_cor, rtol=1e-9)
    assert m.metadata["impedance columns"] == "ZrealDrCor, ZimagDrCor"
    assert any("drift-corrected" in n and "ZrealDrCor" in n for n in m.notes)


def test_gamry_without_drift_correction_is_unchanged(tmp_path):
    z = _one_arc()
    path = tmp_path / "plain.DTA"
    path.write_bytes(_dta_text(z).encode("cp1252"))
    m = sio.read(path)
    np.testing.assert_allclose(_z(m)[1], z, rtol=1e-9)
    assert "impedance columns" not in m.metadata
    assert not any("drift" in n for n in m.notes)


# --------------------------------------------------------------------------------------------
# 2-3. EC-Lab .mpt: UTF-8 headers, unreadable area units, header count, metadata keys
# --------------------------------------------------------------------------------------------
def _mpt_text(
    area: str = "1,000 cm\u00b2",
    *,
    count_on_line: int = 2,
    count: bool = True,
    extra: tuple[str, ...] = (),
) -> str:
    """An EC-Lab PEIS text export: the header with ``Nb header lines`` on ``count_on_line``, the
    acquisition lines, the electrode area, then the tab-separated table."""
    head = ["EC-Lab ASCII FILE"]
    head += [""] * (count_on_line - 2)
    head += ["Nb header lines : {n}"] if count else []
    head += [
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        "Acquisition started on : 12/08/2022 14:36:53.355",
        "Device : VSP (SN 1705)",
        "Mass of active material : 0,001 mg",
        "Acquisition started at : xo = 0,250",
        f"Electrode surface area : {area}",
        "Characteristic mass : 0,001 g",
        *extra,
        "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\ttime/s\t",
    ]
    n = len(head)
    head = [line.format(n=n) for line in head]
    z = _one_arc()
    rows = [
        f"{f:.6E}\t{zk.real:.6E}\t{-zk.imag:.6E}\t{k:.3f}".replace(".", ",")
        for k, (f, zk) in enumerate(zip(F_HZ, z, strict=True))
    ]
    return "\r\n".join(head + rows) + "\r\n"


def test_mpt_saved_as_utf8_reads_its_area(tmp_path):
    path = tmp_path / "utf8.mpt"
    path.write_bytes(_mpt_text().encode("utf-8"))
    m = sio.read(path)
    assert m.area_m2 == pytest.approx(1e-4, rel=1e-12)
    np.testing.assert_allclose(_z(m)[1], _one_arc(), rtol=1e-6)


def test_mpt_in_latin1_still_reads_its_area(tmp_path):
    path = tmp_path / "latin1.mpt"
    path.write_bytes(_mpt_text().encode("latin-1"))
    assert sio.read(path).area_m2 == pytest.approx(1e-4, rel=1e-12)


@pytest.mark.parametrize("stated", ["0,001", "0,000"])
def test_mpt_unreadable_unit_of_an_unset_area_is_a_note(tmp_path, stated):
    # 'cmÂ²' once more: a UTF-8 header converted to UTF-8 again as if it were Latin-1
    path = tmp_path / "garbled.mpt"
    path.write_bytes(_mpt_text(f"{stated} cm\u00c2\u00b2").encode("utf-8"))
    m = sio.read(path)
    assert m.area_m2 is None and sio.CURRENT_DENSITY not in m.data
    assert any("cm\u00c2\u00b2" in n and "area" in n for n in m.notes)


def test_mpt_unreadable_unit_of_a_set_area_suggests_area_option(tmp_path):
    path = tmp_path / "garbled.mpt"
    path.write_bytes(_mpt_text("1,767 cm\u00c2\u00b2").encode("utf-8"))
    with pytest.raises(DataFormatError) as info:
        sio.read(path)
    message = str(info.value)
    assert "garbled.mpt" in message and "1,767 cm\u00c2\u00b2" in message
    assert "area=" in message and "--area" in message and "columns=" not in message
    # the user's area decides, the header's is not needed
    m = sio.read(path, area="1.767 cm2")
    assert m.area_m2 == pytest.approx(1.767e-4)


def test_mpt_header_count_on_another_line_is_found(tmp_path):
    path = tmp_path / "bt.mpt"
    path.write_bytes(_mpt_text(count_on_line=3).encode("latin-1"))
    m = sio.read(path)
    assert len(m.data) == F_HZ.size and m.area_m2 == pytest.approx(1e-4)


def test_mpt_without_header_count_says_so(tmp_path):
    path = tmp_path / "nocount.mpt"
    path.write_bytes(_mpt_text(count=False).encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"nocount\.mpt.*'Nb header lines : N'.*first 10"):
        sio.read(path)


def test_mpt_intercalation_line_is_not_the_start_time(tmp_path):
    path = tmp_path / "meta.mpt"
    path.write_bytes(_mpt_text().encode("latin-1"))
    meta = sio.read(path).metadata
    assert meta["Acquisition started on"] == "12/08/2022 14:36:53.355"
    assert meta["acquisition started at x0"] == pytest.approx(0.25)
    assert "Acquisition started at" not in meta
    assert meta["Device"] == "VSP (SN 1705)"


# --------------------------------------------------------------------------------------------
# 4, 7. Poor equivalent-circuit fits are noted; squared units read right
# --------------------------------------------------------------------------------------------
def _spectrum_csv(path: Path, z: np.ndarray) -> Path:
    pd.DataFrame({"Frequency [Hz]": F_HZ, "Z_re [Ohm]": z.real, "Z_im [Ohm]": z.imag}).to_csv(
        path, index=False
    )
    return path


def test_fit_problems_of_a_poor_and_a_good_fit():
    from solidna.analysis.eis import fit_circuit, fit_problems

    z = _arc_and_diffusion()
    fit = fit_circuit(F_HZ, z)
    problems = fit_problems(fit, F_HZ, z, unit="Ohm")
    text = " ".join(problems)
    assert "relative residual RMS" in text and "R0" in text and "high-frequency intercept" in text
    good = _one_arc()
    fit = fit_circuit(F_HZ, good)
    assert fit_problems(fit, F_HZ, good) == []
    assert fit.params_["R0"] == pytest.approx(100.0, rel=1e-4)  # good fits are untouched


def test_poor_fit_is_noted_in_the_summary(tmp_path):
    from solidna.analysis.pipeline import analyze

    path = _spectrum_csv(tmp_path / "diffusion.csv", _arc_and_diffusion())
    summary = analyze([path], "eis", tmp_path / "out", area="1 cm2", thickness="60 um")
    notes = [n for n in summary["notes"] if "poor" in n]
    assert len(notes) == 1
    note = notes[0]
    assert note.startswith("diffusion.csv: ")
    assert "--circuit" in note and "R_hf" in note and "Ohm" in note
    on_disk = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert note in on_disk["notes"]
    assert note in html.unescape((tmp_path / "out" / "report.html").read_text())


def test_good_fit_has_no_fit_note_and_squared_units(tmp_path):
    from solidna.analysis.pipeline import analyze

    path = _spectrum_csv(tmp_path / "arc.csv", _one_arc())
    summary = analyze([path], "eis", tmp_path / "out", area="1 cm2", thickness="60 um")
    assert not any("poor" in n for n in summary["notes"])
    row = summary["results"]["files"]["arc.csv"]
    assert row["Rs [Ohm]"] == pytest.approx(100.0, rel=1e-4)
    assert "Residual sum of squares [Ohm2.m4]" in row
    fits = pd.read_csv(tmp_path / "out" / "tables" / "eis_fits.csv")
    assert "Residual sum of squares [Ohm2.m4]" in fits.columns


@pytest.mark.parametrize(
    ("unit", "squared"),
    [("Ohm", "Ohm2"), ("Ohm.m2", "Ohm2.m4"), ("Ohm.cm2", "Ohm2.cm4"), ("F.m-2", "F2.m-4")],
)
def test_squared_unit(unit, squared):
    from solidna.analysis.pipeline import _squared_unit

    assert _squared_unit(unit) == squared


# --------------------------------------------------------------------------------------------
# 6. DRT: an automatic lambda at the edge of its search range is noted
# --------------------------------------------------------------------------------------------
def test_drt_lambda_at_the_edge_of_the_grid_is_noted():
    from solidna.analysis.drt import LAMBDA_RANGE, fit_drt

    z = _arc_and_diffusion()  # noise-free: the L-curve corner falls to the grid's floor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("lcurve", "gcv"):
            result = fit_drt(F_HZ, z, lam=method, n_boot=0, kk="skip")
            assert result.lam < 1e3 * LAMBDA_RANGE[0]
            assert any("edge" in n and "spurious" in n and "lam=" in n for n in result.notes)
        fixed = fit_drt(F_HZ, z, lam=1e-3, n_boot=0, kk="skip")
    assert fixed.notes == ()


@pytest.mark.filterwarnings("ignore::solidna.errors.SolidnaWarning")  # noise: Z_im > 0 at 100 kHz
def test_drt_lambda_inside_the_grid_has_no_note():
    from solidna.analysis.drt import fit_drt

    rng = np.random.default_rng(7)
    z = _one_arc(np.logspace(5, -2, 71))
    z = z + 0.005 * np.abs(z) * (rng.normal(size=z.size) + 1j * rng.normal(size=z.size))
    result = fit_drt(np.logspace(5, -2, 71), z, n_boot=0, kk="skip")
    assert 1e-8 < result.lam < 1e-1
    assert result.notes == ()


def test_drt_edge_note_reaches_the_summary(tmp_path):
    from solidna.analysis.pipeline import analyze

    path = _spectrum_csv(tmp_path / "clean.csv", _arc_and_diffusion())
    summary = analyze([path], "eis", tmp_path / "out", drt=True, write_data=False)
    assert any(n.startswith("clean.csv: DRT: ") and "edge" in n for n in summary["notes"])
