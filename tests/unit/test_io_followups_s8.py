"""Readers: follow-ups of the fourth round of unseen instrument files.

Each test builds a small synthetic file with the structure of a public export (the public files
are not copied here):

1. impedance column names ``ReZ /Ohms``, ``ImZ /Ohms`` (PyEIS's generated data) and kin;
2. a table with both Z_re/Z_im and |Z|/phase whose pairs disagree (PyEIS's ``ex3.txt``: the
   Cartesian pair ~3,600 x smaller than |Z|, its ``Z_img`` holding -Z'', the phase in radians);
3. Neware record CSV numbers with comma thousands separators (``"1,500.000"``);
4. the ``AREA`` line of a Gamry ``.DTA`` header;
5. quantities written without a space between number and unit (``--area 1cm2``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from solidna.analysis import io as sio
from solidna.errors import DataFormatError

F = np.logspace(4, -1, 26)
Z = 20 + 800 / (1 + (1j * 2 * np.pi * F * 2e-4) ** 0.9)  # R0 + R1 || CPE1 [Ohm]


def _z(m):
    return m.data[sio.Z_RE].to_numpy() + 1j * m.data[sio.Z_IM].to_numpy()


def _table(path, names, columns, sep="\t"):
    rows = [sep.join(f"{v:.12g}" for v in row) for row in zip(*columns, strict=True)]
    path.write_text(sep.join(names) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _read(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # units assumed (SI) for the unit-less names
        return sio.read(path, **kwargs)


# --------------------------------------------------------------------------------------------
# 1. Impedance column names
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("re_name", "im_name", "sign"),
    [
        ("ReZ /Ohms", "ImZ /Ohms", 1),  # PyEIS (Skocic) generated data; was refused
        ("Re_Z [Ohm]", "-Im_Z [Ohm]", -1),
        ("ReZ", "-ImZ", -1),
        ("Re Z (Ohm)", "Im Z (Ohm)", 1),
    ],
)
def test_rez_imz_impedance_names_are_recognised(tmp_path, re_name, im_name, sign):
    path = _table(
        tmp_path / "generated.data",
        ["# f /Hz", re_name, im_name, "d_ReZ /Ohms", "d_ImZ /Ohms"],
        [F, Z.real, sign * Z.imag, 0.01 * Z.real, 0.01 * abs(Z.imag)],
    )
    m = _read(path)
    assert m.kind == "impedance"
    np.testing.assert_allclose(_z(m), Z, rtol=1e-9)
    used = m.metadata["columns used"]
    assert used["z_re"] == re_name
    assert used["-z_im" if sign < 0 else "z_im"] == im_name


@pytest.mark.parametrize(
    ("re_name", "im_name", "sign"),
    [("Re(Z)", "Im(Z)", 1), ("Zre", "Zim", 1), ("Z' (Ohm)", "-Z'' (Ohm)", -1)],
)
def test_impedance_names_that_worked_still_do(tmp_path, re_name, im_name, sign):
    path = _table(tmp_path / "z.txt", ["freq/Hz", re_name, im_name], [F, Z.real, sign * Z.imag])
    np.testing.assert_allclose(_z(_read(path)), Z, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# 2. Both Z_re/Z_im and |Z|/phase: the pairs must agree
# --------------------------------------------------------------------------------------------
def _both_pairs(path, *, scale=1.0, im_sign=1, phase_sign=1, radians=False, phase_name=None):
    phase = np.angle(Z) if radians else np.degrees(np.angle(Z))
    names = ["Frequency [Hz]", "|Z| [Ohm]", phase_name or "Phase", "Z_re", "Z_img"]
    cols = [F, abs(Z), phase_sign * phase, Z.real / scale, im_sign * Z.imag / scale]
    return _table(path, names, cols)


def test_agreeing_cartesian_and_polar_pairs_read_without_a_note(tmp_path):
    m = _read(_both_pairs(tmp_path / "ok.txt"))
    np.testing.assert_allclose(_z(m), Z, rtol=1e-9)
    assert not any("disagree" in n for n in m.notes)


def test_pairs_differing_by_a_constant_factor_and_sign_are_refused(tmp_path):
    # PyEIS ex3.txt: the Cartesian pair is ~3,600 x smaller than |Z| and its Z_img holds -Z''
    # (the phase is negative while Z_img is positive). Before: Z_re/Z_img were read silently and
    # |Z|/phase dropped.
    path = _both_pairs(tmp_path / "ex3.txt", scale=3600.0, im_sign=-1, radians=True)
    with pytest.raises(DataFormatError) as info:
        _read(path)
    text = str(info.value)
    for part in ("'Z_re'", "'Z_img'", "'|Z| [Ohm]'", "'Phase'", "3600", "--column"):
        assert part in text, part
    assert "-z_im=Z_img" in text  # the phase says Z_img holds -Z''


def test_a_user_mapped_pair_is_used_and_the_disagreement_noted(tmp_path):
    # the user chose the Cartesian pair: it is read, the polar pair set aside, with a note
    path = _both_pairs(tmp_path / "ex3.txt", scale=3600.0, im_sign=-1, radians=True)
    m = _read(path, columns={"z_re": "Z_re", "-z_im": "Z_img"})
    np.testing.assert_allclose(_z(m), Z / 3600.0, rtol=1e-9)
    assert any("disagree" in n and "3600" in n for n in m.notes)


def test_a_phase_in_radians_under_a_bare_name_is_noted(tmp_path):
    # the Cartesian pair agrees with |Z| and with the phase read in radians: Z is right, the
    # note says the phase column is in radians (it was read as degrees before, silently)
    m = _read(_both_pairs(tmp_path / "rad.txt", radians=True))
    np.testing.assert_allclose(_z(m), Z, rtol=1e-9)
    assert any("radians" in n for n in m.notes)


def test_a_phase_column_of_the_opposite_sign_is_noted(tmp_path):
    # Z_im < 0 on the arc (capacitive) and the phase column positive: the file writes -phase
    # under a plain name; the Cartesian pair is right and read, with a note
    m = _read(_both_pairs(tmp_path / "sign.txt", phase_sign=-1))
    np.testing.assert_allclose(_z(m), Z, rtol=1e-9)
    assert any("opposite sign" in n for n in m.notes)


def test_an_unfilled_polar_pair_is_set_aside_with_a_note(tmp_path):
    # pyimpspec's EC-Lab test files write |Z|/Ohm and Phase(Z)/deg as zeros: nothing to check
    # against (a first version of the check refused them); the Cartesian pair is read
    zero = np.zeros_like(F)
    path = _table(
        tmp_path / "zeros.csv",
        ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg"],
        [F, Z.real, -Z.imag, zero, zero],
        sep=",",
    )
    m = _read(path)
    np.testing.assert_allclose(_z(m), Z, rtol=1e-9)
    assert any("only zeros" in n for n in m.notes)


def test_pairs_without_a_pattern_are_refused(tmp_path):
    # |Z| from another measurement (noise of 20 %): neither pair can be preferred
    rng = np.random.default_rng(3)
    names = ["f [Hz]", "Zre [Ohm]", "Zim [Ohm]", "|Z| [Ohm]", "Phase [deg]"]
    cols = [F, Z.real, Z.imag, abs(Z) * rng.uniform(0.6, 1.4, F.size), np.degrees(np.angle(Z))]
    with pytest.raises(DataFormatError, match=r"differ by more than 2 % at \d+ of 26 points"):
        _read(_table(tmp_path / "mixed.txt", names, cols))


# --------------------------------------------------------------------------------------------
# 3. Neware record CSV with thousands separators
# --------------------------------------------------------------------------------------------
T_CYCLER = np.arange(0, 3601, 600.0)  # [s]


def _neware_row(k, t):
    # Excel-formatted BTS exports write "1,500.000" (quoted in a CSV): 1500 mA for t seconds
    return f'{k + 1},1,1,"{t:,.1f}","1,500.000",{3.5 + 1e-4 * t:.4f},"{1500 * t / 3600:,.3f}",0'


def _arbin_row(k, t):
    # "Test_Time(s)" past 999 s written "1,200.0"; 0.5 A for t seconds
    return f'{k + 1},"{t:,.1f}",1,1,0.5,{3.5 + 1e-4 * t:.4f},{0.5 * t / 3600:.6f},0'


@pytest.mark.parametrize(
    ("fmt", "header", "row", "current"),
    [
        (
            "neware-csv",
            "Record ID,Step ID,Cycle ID,Total Time,Current(mA),Voltage(V),"
            "Capacitance_Chg(mAh),Capacitance_DChg(mAh)",
            _neware_row,
            1.5,
        ),
        (
            "arbin",
            "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),"
            "Charge_Capacity(Ah),Discharge_Capacity(Ah)",
            _arbin_row,
            0.5,
        ),
    ],
)
def test_cycler_csv_numbers_with_thousands_separators(tmp_path, fmt, header, row, current):
    # before: the Neware and Arbin paths coerced "1,500.000" to NaN and refused the rows
    lines = [header] + [row(k, t) for k, t in enumerate(T_CYCLER)]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    m = _read(path)
    assert m.format == fmt
    np.testing.assert_allclose(m.data[sio.TIME], T_CYCLER)
    np.testing.assert_allclose(m.data[sio.CURRENT], current)
    assert m.data[sio.CAPACITY].iloc[-1] == pytest.approx(current, rel=1e-6)  # after 1 h


# --------------------------------------------------------------------------------------------
# 4. Gamry AREA
# --------------------------------------------------------------------------------------------
def _gamry_eis(path, area_text):
    lines = [
        "EXPLAIN",
        "TAG\tEISPOT",
        "TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier",
        f"AREA\tQUANT\t{area_text}\tSample Area (cm^2)",
        "CONVENTION\tIQUANT\t1\tCurrent Convention",
        "ZCURVE\tTABLE",
        "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange",
        "\t#\ts\tHz\tohm\tohm\tV\tohm\t\u00b0\tA\tV\t#",
    ]
    for k, (f, z) in enumerate(zip(F, Z, strict=True)):
        cells = [k, 2 * k, f, z.real, z.imag, 1, abs(z), np.degrees(np.angle(z)), 1e-9, 0.3, 7]
        lines.append("\t" + "\t".join(f"{c:.10g}" for c in cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_gamry_area_is_read_and_used_when_none_is_given(tmp_path):
    # decimal comma as Gamry writes it under a German/French locale
    m = _read(_gamry_eis(tmp_path / "eis.DTA", "5,00000E-001"))
    assert m.metadata["electrode area [cm2]"] == pytest.approx(0.5)
    assert m.area_m2 == pytest.approx(0.5e-4)
    assert any("AREA" in n and "0.5 cm2" in n for n in m.notes)
    # Gamry's Zreal/Zimag are in Ohm (the table's units row): never divided by the area
    np.testing.assert_allclose(_z(m), Z, rtol=1e-9)


def test_gamry_default_area_is_taken_as_unknown(tmp_path):
    m = _read(_gamry_eis(tmp_path / "eis.DTA", "1.00000E+000"))
    assert m.metadata["electrode area [cm2]"] == pytest.approx(1.0)
    assert m.area_m2 is None
    assert any("AREA" in n and "--area" in n for n in m.notes)


def test_a_given_area_wins_over_the_gamry_header(tmp_path):
    m = _read(_gamry_eis(tmp_path / "eis.DTA", "5.00000E-001"), area="2 cm2")
    assert m.area_m2 == pytest.approx(2e-4)
    assert any("0.5 cm2" in n and "2 cm2" in n for n in m.notes)


def test_gamry_impedance_in_another_unit_than_ohm_is_refused(tmp_path):
    # the area would otherwise multiply an impedance that is already area-specific
    path = _gamry_eis(tmp_path / "eis.DTA", "5.00000E-001")
    text = path.read_bytes().decode("cp1252").replace("\tohm\tohm\t", "\tohm cm^2\tohm cm^2\t")
    path.write_bytes(text.replace("ohm cm^2", "ohm.cm2").encode("cp1252"))
    with pytest.raises(DataFormatError, match=r"Zreal in 'ohm\.cm2'"):
        _read(path)


def test_gamry_area_gives_area_specific_results_once(tmp_path):
    # round trip: the fitted resistances in Ohm are the circuit's, in Ohm.cm2 those times the
    # header's area (multiplied once, not divided first)
    from solidna.analysis.pipeline import analyze

    path = _gamry_eis(tmp_path / "eis.DTA", "5.00000E-001")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = analyze([path], "eis", tmp_path / "out", write_data=False)
    row = summary["results"]["files"][path.name]
    assert row["Rs [Ohm]"] == pytest.approx(20, rel=1e-3)
    assert row["Rct [Ohm]"] == pytest.approx(800, rel=1e-3)
    assert row["Rs [Ohm.cm2]"] == pytest.approx(10, rel=1e-3)


# --------------------------------------------------------------------------------------------
# 5. Quantities without a space
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "unit", "si"),
    [
        ("1cm2", "m**2", 1e-4),
        ("2e-3cm2", "m**2", 2e-7),
        ("1e-4m2", "m**2", 1e-4),
        ("0.1mA/cm2", "A/m**2", 1.0),
        ("1mA.cm-2", "A/m**2", 10.0),
        ("25degC", "K", 298.15),
        ("60um", "m", 60e-6),
        ("12ohm.cm2", "ohm*m**2", 12e-4),
    ],
)
def test_quantities_written_without_a_space(text, unit, si):
    from solidna.units import to_si

    assert to_si(text, unit) == pytest.approx(si)


def test_area_option_without_a_space_is_accepted():
    from solidna.cli._common import AREA, QuantityType
    from solidna.units import to_si

    assert to_si(QuantityType(AREA)("1cm2"), "m**2") == pytest.approx(1e-4)
