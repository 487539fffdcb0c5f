"""Layouts of real public impedance and CV files, as synthetic twins (session 15).

Each test writes a file in the layout of a public instrument export and checks what solidna
reads from it. No third-party file is copied: the numbers are made here (a sweep with a
known current), only the layout (names, header lines, separators) follows the public file
named in each test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import detect_format, read
from solidna.analysis.io._table import CURRENT, CURRENT_DENSITY, CYCLE, TIME, VOLTAGE
from solidna.errors import DataFormatError

#: The header of a Scribner CorrWare 2.6b cyclic voltammogram, shortened (layout of
#: corrosionR's data/cyclic_voltammogram.cor, MIT, github.com/Lu-Antonucci/corrosionR): a
#: "CORRW ASCII" line, the cell and experiment settings, the column names, "End Comments".
_CORRWARE_HEAD = """CORRW ASCII
  CorrWare for Windows: Version 2.6b
  Cyclic Voltammogram\t[-0.2 Ref,0.2 Ref,-0.2 Ref,100mV/S,x1][default]\tcv.cor
  Date: 01-02-2020    Time: 10:00:00
  Open Circuit Potential (V): -0.050
  Begin Information:          Cell Information
    Surface Area:             {area}
    Density:                  0
    Polarity:                 0
    PolarityI:                {polarity}
    Reference Type:           2
  End Information:            Cell Information
  Begin Experiment:           Cyclic Voltammogram
    Scan Rate:                100
  End Experiment:             Cyclic Voltammogram
  Data Points:                {points}
  {names}
End Comments
"""


def _sweep(n: int = 41, rate_V_s: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Time [s] and potential [V] of a triangle -0.2 -> 0.2 -> -0.2 V at ``rate_V_s``."""
    up = np.linspace(-0.2, 0.2, n)
    v = np.concatenate([up, up[::-1][1:]])
    t = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(v)) / rate_V_s)])
    return t, v


def _write_corrware(
    path: Path,
    *,
    area: str = "4",
    polarity: str = "0",
    names: str = "E(Volts)\tI(A/cm2)\tT(Seconds)",
    density: bool = True,
    points: int | None = None,
    marks: dict[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A CorrWare CV whose current is 1e-4 A/cm2 x (E / 0.2 V); returns t, E, I/(A/cm2)."""
    t, v = _sweep()
    j = 1e-4 * v / 0.2
    rows = []
    for k, (a, b, c) in enumerate(zip(v, j, t, strict=True)):
        row = f"{a:.6E}\t{b:.6E}\t{c:.6E}"
        if marks and k in marks:
            row += f"  {marks[k]} CYCLE"
        rows.append(row)
    head = _CORRWARE_HEAD.format(area=area, polarity=polarity, names=names, points=points or len(t))
    path.write_text(head + "\n".join(rows) + "\n", encoding="latin-1")
    return t, v, j


def test_corrware_cv_read_as_a_time_series(tmp_path: Path) -> None:
    """A CorrWare .cor CV was refused ("a table without a recognisable header": its names line
    stands above "End Comments", not above the rows); it is read with the current from the
    density column times the header's Surface Area."""
    path = tmp_path / "cv.cor"
    t, v, j = _write_corrware(path)
    m = read(path)
    assert m.format == "zplot-eis"
    assert m.kind == "timeseries"
    assert len(m) == len(t)
    np.testing.assert_allclose(m.data[TIME], t)
    np.testing.assert_allclose(m.data[VOLTAGE], v)
    # I(A/cm2) x 4 cm2 -> A; the density in A/m2 is I(A/cm2) x 1e4
    np.testing.assert_allclose(m.data[CURRENT], j * 4.0, rtol=1e-6)
    np.testing.assert_allclose(m.data[CURRENT_DENSITY], j * 1e4, rtol=1e-6)
    assert m.area_m2 == pytest.approx(4e-4)
    assert m.metadata["instrument"] == "Scribner CorrWare"
    assert m.metadata["Scan Rate"] == "100"
    assert any("Surface Area" in n for n in m.notes)


def test_corrware_cv_gives_the_scan_rate_of_its_header(tmp_path: Path) -> None:
    """The CV analysis of a CorrWare file finds the sweep rate the header states (100 mV/s)."""
    from solidna.analysis.pipeline import analyze

    path = tmp_path / "cv.cor"
    _write_corrware(path)
    summary = analyze([path], "cv", tmp_path / "out", model_fit=False, write_data=False)
    rate = summary["results"][path.name]["scan rate [mV.s-1]"]
    assert rate == pytest.approx(100.0, rel=1e-3)


def test_corrware_absolute_current_and_unset_area(tmp_path: Path) -> None:
    """CorrTest's names ("E(V)", "i(A)"-style absolute current, "T(s)") and a Surface Area of 1
    (the setup's starting value) leave the current as written and the area unknown."""
    path = tmp_path / "cv.cor"
    t, v, j = _write_corrware(path, area="1", names="E(V)\t\tI(A)\t\tT(s)")
    m = read(path)
    np.testing.assert_allclose(m.data[CURRENT], j, rtol=1e-6)
    assert m.area_m2 is None
    assert CURRENT_DENSITY not in m.data


def test_corrware_cycle_marks(tmp_path: Path) -> None:
    """CorrTest closes each cycle with "<n> CYCLE" after its last row (layout of the CORRECT
    project's README): the rows after a mark are the next cycle."""
    path = tmp_path / "cv.cor"
    t, _, _ = _write_corrware(path, marks={39: 0, len(_sweep()[0]) - 1: 1})
    m = read(path)
    assert len(m) == len(t)
    assert list(m.data[CYCLE].iloc[[0, 39, 40, -1]]) == [1, 1, 2, 2]


def test_corrware_truncated_file_note(tmp_path: Path) -> None:
    """Fewer rows than the header's Data Points: read, with a note that the file was cut."""
    path = tmp_path / "cv.cor"
    t, _, _ = _write_corrware(path, points=3072)
    m = read(path)
    assert len(m) == len(t)
    assert any("announces 3072 points" in n for n in m.notes)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"polarity": "1"}, "PolarityI: 1"),
        ({"area": "0"}, "Surface Area"),
        ({"names": "E(Volts)\tQ(C)\tT(Seconds)"}, "do not give"),
    ],
)
def test_corrware_refusals_say_why(tmp_path: Path, kwargs: dict, words: str) -> None:
    """An unknown current polarity, a density without an area, unknown columns: a clear
    error naming the value, never a guessed sign or a traceback."""
    path = tmp_path / "cv.cor"
    _write_corrware(path, **kwargs)
    with pytest.raises(DataFormatError, match=words.replace("(", r"\(").replace(")", r"\)")):
        read(path)


def test_corrware_density_without_area_uses_the_area_given(tmp_path: Path) -> None:
    """A density column and no usable Surface Area: the area given turns it into a current."""
    path = tmp_path / "cv.cor"
    _, _, j = _write_corrware(path, area="0")
    m = read(path, area="2 cm2")
    np.testing.assert_allclose(m.data[CURRENT], j * 2.0, rtol=1e-6)


def test_corrware_is_detected_from_its_content(tmp_path: Path) -> None:
    """The first line decides, not the name (a .txt copy is read the same)."""
    path = tmp_path / "cv.txt"
    _write_corrware(path)
    assert detect_format(path) == "zplot-eis"
    assert read(path).kind == "timeseries"


def test_gamry_square_wave_refusal_names_its_columns(tmp_path: Path) -> None:
    """A Gamry square-wave voltammetry .DTA (layout of gamry-parser's tests/squarewave_data.dta,
    MIT) has a CURVE of Vfwd/Ifwd/... and no T/Vf/Im: the refusal names the technique and the
    table's columns, and no longer blames a CAPACITYCURVE the file does not have."""
    lines = [
        "EXPLAIN",
        "TAG\tSQUARE_WAVE",
        "TITLE\tLABEL\tSquare Wave Voltammetry\tTest &Identifier",
        "CURVE\tTABLE\t3",
        "\tPt\tT\tVfwd\tVrev\tVstep\tIfwd\tIrev\tIdif",
        "\t#\ts\tV\tV\tV\tA\tA\tA",
        *(f"\t{k}\t{0.1 * k:g}\t{0.01 * k:g}\t0\t0.01\t1E-06\t-1E-06\t2E-06" for k in range(3)),
    ]
    path = tmp_path / "swv.DTA"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    with pytest.raises(DataFormatError) as info:
        read(path)
    message = str(info.value)
    assert "SQUARE_WAVE" in message
    assert "Vfwd" in message
    assert "CAPACITYCURVE" not in message


def test_three_electrode_cv_sign_is_not_turned() -> None:
    """A sweep that never passes 0 V (a three-electrode CV against a reference electrode,
    layout and range of echemdb-converters' test/csv/eclab_cv_csv.mpt, EC-Lab, GPL-3: 0.85 ->
    0.81 V vs. SCE at 50 mV/s, the cathodic current negative) was taken for a symmetric cell
    counted the other way, and analyze --kind cv turned its current's sign. A symmetric cell's
    sweep passes through 0 V; with the same sweep shifted there the test still decides."""
    from solidna.analysis.kinetics import runs_against_voltage

    v = np.linspace(0.85, 0.81, 40)
    i = -5e-6 * np.ones_like(v)  # cathodic (reduction) current on a negative-going sweep
    assert not runs_against_voltage(v, i)
    # a symmetric cell's sweep through 0 V with the current against the voltage is still caught
    v0 = np.linspace(-0.2, 0.2, 41)
    assert runs_against_voltage(v0, -v0)
    assert not runs_against_voltage(v0, v0)


def test_pstrace_quoted_title_with_a_comma(tmp_path: Path) -> None:
    """PSTrace quotes a curve title that holds the delimiter ("EIS 1, 10 mV"; layout of the
    PSTrace CSV export as proespm-py3 reads it, GPL-3, layout only). The cells are now split as
    the generic reader splits them (a quoted cell keeps its comma): each curve keeps its title,
    where the second curve was given a piece of the first one's."""
    names = "freq / Hz,Z' / Ohm,-Z'' / Ohm,Z / Ohm,-Phase / deg"
    f = np.logspace(5, 0, 11)
    z = 10 + 100 / (1 + 2j * np.pi * f * 1e-4)
    titles = ['"Impedance Spectroscopy: EIS 1, 10 mV"', '"Impedance Spectroscopy: EIS 2, 5 mV"']
    rows = [
        "Date and time:,2024-11-05 14:02:11",
        "Notes:,",
        "",
        ",".join(t + ",,,," for t in titles).rstrip(","),
        ",".join("Date and time measurement:,2024-11-05 14:02:11,,," for _ in titles),
        ",".join([names] * 2),
    ]
    for fk, zk in zip(f, z, strict=True):
        cells = [f"{fk:.6g}", f"{zk.real:.6g}", f"{-zk.imag:.6g}", f"{abs(zk):.6g}"]
        cells.append(f"{-np.degrees(np.angle(zk)):.6g}")
        rows.append(",".join(cells * 2))
    path = tmp_path / "eis.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-16")
    m = read(path)
    assert m.format == "pstrace-eis"
    assert m.metadata["curves"] == [t.strip('"') for t in titles]
    assert len(m) == 2 * len(f)


def test_three_electrode_cv_is_named_as_such_by_analyze(tmp_path: Path) -> None:
    """analyze --kind cv on a sweep from 0.81 to 0.85 V (echemdb's EC-Lab CV range, above):
    the scan rate and vertices are given, and a note says the exchange-current fits assume a
    symmetric cell, which a sweep that never passes 0 V is not (before: fitted with no word)."""
    import pandas as pd

    from solidna.analysis.pipeline import analyze

    up = np.linspace(0.81, 0.85, 41)
    v = np.concatenate([up, up[::-1][1:]])
    t = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(v)) / 0.05)])
    path = tmp_path / "three_electrode.csv"
    pd.DataFrame(
        {"Time [s]": t, "Voltage [V]": v, "Current [mA]": 5e-3 * (v - 0.83) / 0.02}
    ).to_csv(path, index=False)
    summary = analyze(
        [path], "cv", tmp_path / "out", area="1 cm2", model_fit=False, write_data=False
    )
    res = summary["results"]["three_electrode.csv"]
    assert res["scan rate [mV.s-1]"] == pytest.approx(50.0, rel=1e-6)
    assert res["lower vertex [V]"] == pytest.approx(0.81)
    assert any("never through 0 V" in n for n in summary["notes"])
