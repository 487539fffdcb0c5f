"""The shared instrument files as a user's own files: re-saved, re-exported and edited.

Each test writes a variant of a file in ``../shared/data`` into ``tmp_path`` (the numbers are the
file's own; nothing third-party is copied into the repository) and checks that the numbers read
back are those of the original, or that a clear error names the problem. The layouts are those
of the public files read (licences in ``shared/data``): the Maccor text exports
``maccor_002.txt`` and ``maccor_three.txt`` (jepegit/cellpy, MIT); the Gamry, EC-Lab, ZPlot,
VersaStudio, Autolab, CH Instruments, PowerSuite and Parstat examples of
ECSHackWeek/impedance.py (MIT); the Arbin workbook ``bs542_..._Channel_11.xlsx``
(be-smith/navani, MIT); ``clean_Au_4f.csv`` (Julian-Hochhaus/lmfitxps, MIT) and ``regular.vms``
(FAIRmat-NFDI/pynxtools-xps, Apache-2.0). What each variant looks like is what Excel and
Windows Notepad write: a UTF-8 byte-order mark, UTF-16, ";" with decimal commas and digit
groups ("1.020,5", French "1 020,5"), rows of empty cells (",,,"), exponents ("2,0E+05").

Defects fixed here (each test fails on the code before, but for two guards of what was
right: a byte-order mark before a Maccor export or an XPS CSV):

* a UTF-8 byte-order mark before an instrument's magic line: the EC-Lab, Gamry, ZPlot and
  VersaStudio files were refused (wrong format, or "cannot parse");
* a semicolon table with decimal commas whose numbers pass 1000 with a "." between digit groups
  ("1.020,0" or "1.020"), or a space (French locale), was refused ("mixes units");
* decimal commas with exponents ("2,0001560E+05") were not seen as decimal commas: refused;
* numbers quoted with comma digit groups from the first data row on: the header was not found;
* a row of empty cells (",,,") in the first lines was taken for the header;
* a block of ``key;value`` lines above a ";" table with decimal commas: "," was taken for the
  delimiter (it is the more frequent character);
* impedance exports (Autolab, ZPlot, CH Instruments, PowerSuite, Parstat) written with
  decimal commas were refused by impedance.py's readers, the Parstat one with a bare ValueError;
* underscore units ``Zre_mOhm``, ``Zre_kOhm``, ``f_kHz`` were not read;
* an Arbin CSV re-saved with ";" and decimal commas, as Excel "Unicode text" (tabs, UTF-16)
  or with its current in mA was refused;
* a Maccor export re-saved with "," or ";" was not read as Maccor (cellpy's maccor_three.txt
  was refused: no current in ``mAmps``);
* an XPS text table with ";" and decimal commas was read as wrong numbers without a word, and
  XPS text or VAMAS files saved as UTF-16 or with a byte-order mark were refused;
* numbers stored as text with decimal commas in a workbook were refused;
* a profile's height column without a unit beside a lateral column in um was read in metres.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from _shared_data import shared_data
from solidna.analysis.io import CURRENT, FREQUENCY, TIME, VOLTAGE, Z_IM, Z_RE, read
from solidna.errors import SolidnaError

EIS, needs_eis = shared_data("eis")
MACCOR, needs_maccor = shared_data("maccor", "maccor_002.txt")
ARBIN, needs_arbin = shared_data("arbin", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")

#: Rows of the Maccor record used for the cycler variants (enough to pass 1000 s many times).
ROWS = 300


def _read(path: Path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read(path, **kwargs)


@pytest.fixture(scope="module")
def cycler():
    """Time [s], voltage [V], current [A] and cycle of the first rows of maccor_002.txt."""
    if not MACCOR.exists():
        pytest.skip(f"shared data not found at {MACCOR}")
    d = _read(MACCOR).data.iloc[:ROWS]
    return [d[c].to_numpy() for c in (TIME, VOLTAGE, CURRENT, "Cycle number")]


@pytest.fixture(scope="module")
def spectrum():
    """Frequency [Hz], Z' and Z'' [Ohm] of exampleDataGamry.DTA."""
    path = EIS / "exampleDataGamry.DTA"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    d = _read(path).data
    return [d[c].to_numpy() for c in (FREQUENCY, Z_RE, Z_IM)]


def _write(path: Path, header: list[str], columns, fmt, sep: str = ",", before: str = "") -> Path:
    rows = [sep.join(fmt(float(v)) for v in row) for row in zip(*columns, strict=True)]
    path.write_text(before + "\n".join([sep.join(header), *rows]) + "\n", encoding="utf-8")
    return path


def _german(v: float, decimals: int = 6) -> str:
    """``1.020,500000``: point between digit groups, decimal comma (Excel, German locale)."""
    return f"{v:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _same(data, expected, names) -> None:
    for name, values in zip(names, expected, strict=True):
        np.testing.assert_allclose(data[name].to_numpy(), values, rtol=1e-9, atol=1e-15)


# -- a UTF-8 byte-order mark before an instrument's magic line ------------------------------------
@needs_eis
@pytest.mark.parametrize(
    "name",
    [
        "exampleDataBioLogic.mpt",
        "exampleDataGamry.DTA",
        "exampleDataZPlot.z",
        "exampleDataVersaStudio.par",
    ],
)
def test_instrument_text_saved_with_a_byte_order_mark(tmp_path, name):
    """Notepad's and Excel's "UTF-8" starts the file with EF BB BF: the magic line ("EC-Lab
    ASCII FILE", "EXPLAIN", "ZPlot", "<Application>") was then not at the start and the file
    was refused; now it reads as the original, and a note says so."""
    original = EIS / name
    text = original.read_bytes().decode("latin-1")
    copy = tmp_path / name
    copy.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    expected = _read(original).data
    m = _read(copy)
    assert m.format == _read(original).format
    _same(
        m.data, [expected[c].to_numpy() for c in (FREQUENCY, Z_RE, Z_IM)], [FREQUENCY, Z_RE, Z_IM]
    )
    assert any("byte-order mark" in n for n in m.notes), m.notes


@needs_maccor
def test_byte_order_mark_before_text_that_is_not_utf8(tmp_path):
    """A mark before a Maccor export whose header holds bytes that are not UTF-8 (0xFF in its
    Description line): only the mark is dropped, the rest read as before."""
    copy = tmp_path / "maccor_002.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + MACCOR.read_bytes())
    m = _read(copy)
    assert m.format == "maccor" and len(m.data) == len(_read(MACCOR).data)


# -- decimal commas with digit groups and exponents -----------------------------------------------
@needs_maccor
def test_semicolons_decimal_commas_and_point_digit_groups(tmp_path, cycler):
    """Excel (German locale) with "Use 1000 separator": ``1.020,000000;0,074700;...``. Refused
    before ("mixes units": '0,0000' read as 0 with the unit ',0000')."""
    header = ["Time (s)", "Voltage (V)", "Current (A)", "Cycle"]
    f = _write(tmp_path / "de.csv", header, cycler, lambda v: _german(v, 10), sep=";")
    assert "1.020," in f.read_text()
    m = _read(f)
    _same(m.data, cycler[:3], [TIME, VOLTAGE, CURRENT])
    assert any("digit-group" in n for n in m.notes), m.notes


@needs_maccor
def test_whole_seconds_with_point_digit_groups_beside_decimal_commas(tmp_path, cycler):
    """Times in whole seconds, ``1.020`` (one digit group: a decimal point or a thousands
    separator by itself), beside voltages ``0,0747``: the decimal comma of the other columns
    decides. Before, "1.020" took the decimal for a point and every voltage was refused."""
    t, v, i, _ = cycler
    lines = ["Time (s);Voltage (V);Current (mA)"] + [
        f"{int(a):,}".replace(",", ".")
        + ";"
        + f"{b:.6f}".replace(".", ",")
        + f";{c * 1e3:.6f}".replace(".", ",")
        for a, b, c in zip(t, v, i, strict=True)
    ]
    f = tmp_path / "whole.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ";1.020;" not in f.read_text() and "\n1.020;" in f.read_text()
    m = _read(f)
    np.testing.assert_allclose(m.data[TIME].to_numpy(), np.floor(t))
    np.testing.assert_allclose(m.data[VOLTAGE].to_numpy(), np.round(v, 6))


@needs_maccor
@pytest.mark.parametrize("space", [" ", "\u00a0"])
def test_space_digit_groups_french_locale(tmp_path, cycler, space):
    """Excel in a French locale writes ``1 020,5`` (a space, or a no-break space, between digit
    groups): refused before ("not a number")."""
    header = ["Time (s)", "Voltage (V)", "Current (A)", "Cycle"]
    f = _write(
        tmp_path / "fr.csv",
        header,
        cycler,
        lambda v: f"{v:,.10f}".replace(",", space).replace(".", ","),
        sep=";",
    )
    m = _read(f)
    _same(m.data, cycler[:3], [TIME, VOLTAGE, CURRENT])


@needs_eis
def test_decimal_commas_with_exponents(tmp_path, spectrum):
    """``2,0001560000000001E+05``: a decimal comma followed by an exponent was not taken for a
    decimal comma, and the file was refused ("mixes units")."""
    header = ["Frequency (Hz)", "Z' (Ohm)", "Z'' (Ohm)"]
    f = _write(tmp_path / "e.csv", header, spectrum, lambda v: f"{v:.16E}".replace(".", ","), ";")
    _same(_read(f).data, spectrum, [FREQUENCY, Z_RE, Z_IM])


@needs_eis
def test_quoted_comma_digit_groups_from_the_first_row(tmp_path, spectrum):
    """``"200,015.6","825.8584","-1,367.239"`` from the first data row on: no row counted as
    data, and the first data row was taken for the header."""
    header = ["Frequency (Hz)", "Z' (Ohm)", "Z'' (Ohm)"]
    f = _write(tmp_path / "q.csv", header, spectrum, lambda v: f'"{v:,.7f}"')
    assert f.read_text().splitlines()[1].startswith('"200,015.')
    _same(_read(f).data, spectrum, [FREQUENCY, Z_RE, Z_IM])


def test_a_lone_comma_between_digits_is_not_taken_for_a_digit_group(tmp_path):
    """``"1,020"`` in a column without a decimal point may be a decimal comma: left alone
    (refused as not a number, naming the cell), never read as 1020 or 1.02."""
    f = tmp_path / "amb.csv"
    rows = [f'{t},"{v}",0.001' for t, v in ((0, "3,500"), (1, "3,510"), (2, "3,520"))]
    f.write_text("Time (s),Voltage (V),Current (A)\n" + "\n".join(rows) + "\n")
    with pytest.raises(SolidnaError, match="3,5"):
        _read(f)


@needs_eis
def test_key_value_block_above_a_semicolon_table_with_decimal_commas(tmp_path, spectrum):
    """``Datum;02.01.2024`` lines above ``200015,6;825,8584;-1367,239``: the csv sniffer gives
    up on the mixed lines and the delimiter was the most frequent character, ",", so the
    decimal commas split every number; the header was not found."""
    f, zr, zi = spectrum
    before = "Messung;Zelle 3\nDatum;02.01.2024\nAmplitude (mV);10\nFläche (cm²);1,13\n\n"
    path = _write(
        tmp_path / "de.csv",
        ["Frequency (Hz)", "Z' (Ohm)", "-Z'' (Ohm)"],
        [f, zr, -zi],
        lambda v: repr(v).replace(".", ","),
        sep=";",
        before=before,
    )
    _same(_read(path).data, spectrum, [FREQUENCY, Z_RE, Z_IM])


# -- instrument impedance exports in a locale with decimal commas ----------------------------------
def _decimal_commas(text: str) -> str:
    """``text`` as written in a locale with decimal commas: ``1.5`` -> ``1,5`` and, where the
    export separates its columns with commas, ``;`` between them."""
    lines = []
    for line in text.splitlines():
        if "," in line and "\t" not in line:
            line = line.replace(",", ";")
        lines.append(re.sub(r"(\d)\.(\d)", r"\1,\2", line))
    return "\r\n".join(lines) + "\r\n"


@needs_eis
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("exampleDataAutolab.txt", None),
        ("exampleDataZPlot.z", None),
        ("exampleDataCHInstruments.txt", None),
        ("exampleDataPowersuite.txt", None),
        ("exampleDataParstat.txt", "impedance"),
        ("exampleDataParstat.txt", "timeseries"),
    ],
)
def test_impedance_exports_with_decimal_commas(tmp_path, name, kind):
    """The exports of impedance.py's examples written with decimal commas (``10000;0,01378586``,
    ``3,000000E+05<TAB>1,4777E+02``): impedance.py's readers refused them ("could not
    convert string to float"), and the Parstat file ended in a bare ValueError."""
    original = EIS / name
    copy = tmp_path / name
    copy.write_bytes(_decimal_commas(original.read_bytes().decode("latin-1")).encode("latin-1"))
    expected, m = _read(original, kind=kind), _read(copy, kind=kind)
    assert m.format == expected.format and len(m.data) == len(expected.data)
    numbers = expected.data.select_dtypes("number").columns
    np.testing.assert_allclose(m.data[numbers].to_numpy(), expected.data[numbers].to_numpy())


# -- rows of empty cells ---------------------------------------------------------------------------
@needs_maccor
def test_a_row_of_empty_cells_is_not_the_header(tmp_path, cycler):
    """Excel writes ",,," for a row it once used; one in the first lines, with a longer run of
    rows below it than above, was taken for the header ('Unnamed: 0' ... found)."""
    header = ["Time (s)", "Voltage (V)", "Current (A)", "Cycle"]
    f = _write(tmp_path / "x.csv", header, cycler, repr)
    lines = f.read_text().splitlines()
    lines.insert(40, ",,,")
    f.write_text("\n".join(lines) + "\n,,,\n,,,\n")
    _same(_read(f).data, cycler[:3], [TIME, VOLTAGE, CURRENT])


# -- units after an underscore ---------------------------------------------------------------------
@needs_eis
@pytest.mark.parametrize(
    ("names", "scale"),
    [
        (["f_Hz", "Zre_mOhm", "Zim_mOhm"], (1.0, 1e3)),
        (["f_kHz", "Zre_kOhm", "Zim_kOhm"], (1e-3, 1e-3)),
        (["Freq_Hz", "Zre_ohms", "Zim_ohms"], (1.0, 1.0)),
    ],
)
def test_impedance_units_after_an_underscore(tmp_path, spectrum, names, scale):
    """``Zre_mOhm``, ``Zre_kOhm``, ``f_kHz`` (the brackets' units written after "_") were not
    read: the impedance columns were not found."""
    f, zr, zi = spectrum
    columns = [f * scale[0], zr * scale[1], zi * scale[1]]
    path = _write(tmp_path / "u.csv", names, columns, repr)
    _same(_read(path).data, spectrum, [FREQUENCY, Z_RE, Z_IM])


def test_megaohm_and_milliohm_after_an_underscore():
    """The case of the prefix decides: ``Z_MOhm`` megaohms, ``Z_mOhm`` milliohms."""
    from solidna.analysis.io import split_header

    assert split_header("Zre_MOhm") == ("Zre", "Mohm")
    assert split_header("Zre_mOhm") == ("Zre", "mohm")
    assert split_header("Cycle_Index") == ("Cycle_Index", None)


# -- an Arbin CSV re-saved ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def arbin():
    """Arbin's own columns of the navani workbook's channel sheet (SI)."""
    if not ARBIN.exists():
        pytest.skip(f"shared data not found at {ARBIN}")
    d = _read(ARBIN).data
    return d[TIME].to_numpy(), d[VOLTAGE].to_numpy(), d[CURRENT].to_numpy()


@needs_arbin
@pytest.mark.parametrize("variant", ["semicolon", "unicode text", "milliamps"])
def test_arbin_csv_resaved(tmp_path, arbin, variant):
    """Arbin's ``Test_Time(s),...`` CSV was read with commas only: re-saved by Excel with ";"
    and decimal commas, or as "Unicode text" (UTF-16, tabs), it was refused ("Arbin export
    without Test_Time(s) ..."); with the current in mA ("Current(mA)") too."""
    t, v, i = arbin
    header = ["Test_Time(s)", "Step_Index", "Cycle_Index", "Voltage(V)", "Current(A)"]
    rows = np.column_stack([t, np.ones_like(t), np.ones_like(t), v, i])
    path = tmp_path / "arbin.csv"
    if variant == "semicolon":
        lines = [";".join(header)] + [
            ";".join(repr(float(x)).replace(".", ",") for x in r) for r in rows
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif variant == "unicode text":
        lines = ["\t".join(header)] + ["\t".join(repr(float(x)) for x in r) for r in rows]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    else:
        header[-1] = "Current(mA)"
        rows[:, -1] *= 1e3
        lines = [",".join(header)] + [",".join(repr(float(x)) for x in r) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = _read(path)
    _same(m.data, [t, v, i], [TIME, VOLTAGE, CURRENT])


# -- a Maccor export re-saved by Excel -------------------------------------------------------------
MACCOR3, needs_maccor3 = shared_data("maccor", "maccor_three.txt")


@needs_maccor3
@pytest.mark.parametrize(("sep", "decimal"), [(",", "."), (";", ",")])
def test_maccor_export_resaved_with_commas_or_semicolons(tmp_path, sep, decimal):
    """cellpy's ``maccor_three.txt`` (``mAmps``, ``mAmp-hr``, a ``Volts`` column in mV, durations
    ``0d 00:01:00.00``) opened in Excel and saved as CSV: the Maccor reader knew tabs only, and
    the generic reader found no current in ``mAmps``; now the Maccor reader reads it."""
    lines = MACCOR3.read_bytes().decode("latin-1").splitlines()

    def cell(c: str) -> str:
        return re.sub(r"^(-?\d+)\.(\d+)$", rf"\1{decimal}\2", c) if decimal != "." else c

    copy = tmp_path / "maccor_three.csv"
    copy.write_text(
        "\r\n".join(sep.join(cell(c) for c in line.split("\t")) for line in lines) + "\r\n",
        encoding="latin-1",
    )
    expected, m = _read(MACCOR3), _read(copy)
    assert m.format == "maccor"
    _same(
        m.data,
        [expected.data[c].to_numpy() for c in (TIME, VOLTAGE, CURRENT)],
        [TIME, VOLTAGE, CURRENT],
    )


def test_maccor_unit_words_as_column_names(tmp_path):
    """``mAmps`` and ``mVolts`` name their unit (Maccor's words) in a generic table too."""
    f = tmp_path / "t.csv"
    f.write_text("Test Time (s),mVolts,mAmps\n0,3000,1.5\n10,3010,1.5\n20,3020,1.5\n")
    d = _read(f).data
    np.testing.assert_allclose(d[VOLTAGE], [3.0, 3.01, 3.02])
    np.testing.assert_allclose(d[CURRENT], 1.5e-3)


# -- a workbook with numbers stored as text -------------------------------------------------------
@needs_maccor
def test_workbook_numbers_stored_as_text_with_decimal_commas(tmp_path, cycler):
    """Numbers stored as text with decimal commas (a CSV imported into Excel as text,
    ``"0,0747"``) were refused as mixed units ("',0747'")."""
    openpyxl = pytest.importorskip("openpyxl")
    t, v, i, _ = cycler
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Time (h)", "Voltage (mV)", "Current (mA)"])
    for row in zip(t / 3600, v * 1e3, i * 1e3, strict=True):
        ws.append([repr(float(x)).replace(".", ",") for x in row])
    path = tmp_path / "text.xlsx"
    wb.save(path)
    m = _read(path)
    _same(m.data, [t, v, i], [TIME, VOLTAGE, CURRENT])
    assert any("decimal commas" in n for n in m.notes), m.notes


# -- a profile whose height column names no unit ----------------------------------------------------
def test_unitless_height_beside_lateral_micrometres(tmp_path):
    """``Lateral (um),Height``: one length unit per profile, as SurfaceTopography reads it (its
    XYZ reader takes the lateral column's unit for the topography and rescales the heights only
    where their column names a unit). Read in metres before: a 2 um step came out 2 m high."""
    from solidna.analysis.topography import read_topography

    x = np.arange(20) * 0.5
    z = np.where(x > 4.5, 2.0, 0.0)
    f = tmp_path / "profile.csv"
    f.write_text(
        "Lateral (um),Height\n" + "\n".join(f"{a},{b}" for a, b in zip(x, z, strict=True)) + "\n"
    )
    topo = read_topography(f)
    assert np.ptp(topo.heights_m) == pytest.approx(2e-6)
    assert any(re.search(r"'Height' states no unit: taken in the unit", n) for n in topo.notes)


# -- XPS text and VAMAS files re-saved ---------------------------------------------------------------
XPS, needs_xps = shared_data("xps")


@needs_xps
@pytest.mark.parametrize("sep", [";", "\t"])
def test_xps_table_with_decimal_commas(tmp_path, sep):
    """lmfitxps' ``clean_Au_4f.csv`` (MIT) re-saved by Excel in a German locale,
    ``84,0016;9616,0``: the splitter took the commas for delimiters too and read three
    "spectra" of the numbers 84, 16, 9616, 0 - wrong numbers without a word. Now the same
    spectrum as the original."""
    from solidna.analysis.xps.io import read_xps

    original = XPS / "clean_Au_4f.csv"
    head, *rows = original.read_text().splitlines()
    copy = tmp_path / "au.csv"
    copy.write_text(
        "\n".join([head] + [r.replace(",", sep).replace(".", ",") for r in rows]) + "\n"
    )
    (a,), spectra = read_xps(original), read_xps(copy)
    assert len(spectra) == 1
    np.testing.assert_allclose(spectra[0].binding_energy_eV, a.binding_energy_eV)
    np.testing.assert_allclose(spectra[0].intensity_cps, a.intensity_cps)


@needs_xps
@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
@pytest.mark.parametrize("name", ["clean_Au_4f.csv", "regular.vms"])
def test_xps_files_resaved_as_unicode(tmp_path, name, encoding):
    """The same files saved as UTF-16 (Excel's "Unicode text") or with a UTF-8 byte-order mark
    were refused ("no numeric rows"; the VAMAS magic not at the start)."""
    from solidna.analysis.xps.io import read_xps

    original = XPS / name
    copy = tmp_path / name
    copy.write_bytes(original.read_bytes().decode("latin-1").encode(encoding))
    expected, spectra = read_xps(original), read_xps(copy)
    assert len(spectra) == len(expected)
    for s, e in zip(spectra, expected, strict=True):
        np.testing.assert_allclose(s.binding_energy_eV, e.binding_energy_eV)
        np.testing.assert_allclose(s.intensity_cps, e.intensity_cps)


def test_a_comma_separated_frequency_zre_zimg_table_is_a_plain_csv(tmp_path):
    """A user's own CSV with PowerSuite's column names ("Frequency,Zre,Zimg") was taken for a
    PowerSuite export, whose reader splits at tabs: refused ("not enough values to unpack").
    PowerSuite's own tab-separated file stays with its reader."""
    from solidna.analysis.io import detect_format, read

    f = np.logspace(5, -1, 25)
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-2)
    path = tmp_path / "spectrum.csv"
    rows = "".join(f"{a:.10g},{b.real:.10g},{b.imag:.10g}\n" for a, b in zip(f, z, strict=True))
    path.write_text("Frequency,Zre,Zimg\n" + rows)
    assert detect_format(path) == "csv"
    with pytest.warns(UserWarning, match="no unit in the header"):
        m = read(path)
    np.testing.assert_allclose(m.data["Frequency [Hz]"], f, rtol=1e-9)
    np.testing.assert_allclose(m.data["Z_re [Ohm]"], z.real, rtol=1e-9)
    np.testing.assert_allclose(m.data["Z_im [Ohm]"], z.imag, rtol=1e-9)
    tabbed = tmp_path / "powersuite.txt"
    tabbed.write_text("Frequency\t Zre\t Zimg\n" + rows.replace(",", "\t "))
    assert detect_format(tabbed) == "powersuite-eis"


AFM, needs_afm = shared_data("afm")


@needs_afm
@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"spring_constant_N_m": 0.1}, "--spring-constant (CLI) / spring_constant_N_m="),
        ({"sensitivity": 5e-8}, "--sensitivity (CLI) / sensitivity="),
    ],
)
def test_a_calibration_an_igor_file_cannot_take_is_refused_as_such(override, named):
    """afmformats refuses to replace the calibration of an Igor .ibw file; the message was
    "afmformats cannot read it (NotImplementedError ...); is it a complete force-curve file?",
    which blamed the file for the option."""
    pytest.importorskip("afmformats")
    from solidna.analysis.afm import read_force_curves
    from solidna.errors import InvalidOptionError

    path = AFM / "fmt-igor-fd_U3_3_p10004.ibw"
    with pytest.raises(InvalidOptionError, match="cannot be replaced") as info:
        read_force_curves(path, **override)
    assert named in str(info.value) and "complete force-curve file" not in str(info.value)
    assert read_force_curves(path)  # control: the file itself reads


@pytest.mark.parametrize(
    "header",
    [
        "Zeit [s];Spannung [V];Strom [mA];Ladung [mAh]",  # German spreadsheet
        "Temps (s);Tension (V);Courant (mA);Capacité (mAh)",  # French spreadsheet
    ],
)
def test_german_and_french_column_names_are_read(tmp_path, header):
    """A table saved from a spreadsheet in German or French names its columns in that
    language; its columns were "not recognised" (the Chinese names of Landt/Neware were)."""
    t = np.arange(0.0, 3601.0, 600.0)
    v = 3.0 + 1e-4 * t
    body = "".join(
        f"{a:.0f};{b:.4f};0,5;{0.5 * a / 3600:.6f}\n".replace(".", ",")
        for a, b in zip(t, v, strict=True)
    )
    path = tmp_path / "zelle.csv"
    path.write_text(header + "\n" + body, encoding="utf-8")
    m = read(path)
    np.testing.assert_allclose(m.data[TIME], t)
    np.testing.assert_allclose(m.data[VOLTAGE], v, atol=1e-12)
    np.testing.assert_allclose(m.data[CURRENT], 5e-4)
