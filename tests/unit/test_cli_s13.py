"""``solidna analyze`` tried as a new user (session 13): one test per defect found, each failing
before its fix, plus controls named as such.

Defects: an empty file given to a surface kind (``--kind xps``) was told to pick "a format listed
under --format", an option --kind xps refuses; a file of the other family was analysed as if it
were of the kind given (an impedance table as --kind xps wrote an "XPS report" of peaks, exit 0)
or refused with advice that cannot help (a VAMAS file as --kind eis: "name its format with
--format"); values no laboratory cell has (``--area "1e99 cm2"``, ``--mass``, ``--thickness``,
``--temperature``, ``--ohmic-resistance``, ``--tip-radius``, ``--sputter-rate``) were accepted
and gave results such as R0 = 7.6e83 Ohm.m2; ``--format table`` was "Unknown format 'table'"
(no option named, and only after the files were checked); a bad ``--circuit`` was refused
without the option's name after every file was read; ``--column`` on a file of known columns
spoke of ``columns=``; ``--only zzz`` and an empty ``simulate nvp`` voltage window were refused
without the options' names.

The files are synthetic twins written here; the layouts they copy are named in each test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.errors import OutOfRangeError

runner = CliRunner()


def run(*args: str):
    return runner.invoke(cli.app, [str(a) for a in args])


def assert_refused(result, *fragments: str, absent: tuple[str, ...] = (), out: Path) -> str:
    """Exit status 2, one ``Error:`` message naming ``fragments`` and none of ``absent``, no
    traceback, nothing at --out (neither the directory nor a staging sibling)."""
    text = " ".join(result.stderr.split())
    text = text[text.find("Error:") :]
    missing = [f for f in fragments if f not in text]
    present = [f for f in absent if f in text]
    assert (result.exit_code, text[:6], missing, present) == (2, "Error:", [], []), result.output
    assert text.count("Error:") == 1, result.output
    assert "Traceback" not in result.output
    assert not [p for p in out.parent.iterdir() if p.name.startswith(out.name)]
    return text


def powersuite_table(path: Path) -> Path:
    """An impedance table in the layout of PAR PowerSuite's 3-column export (tab-separated
    ``Frequency, Zre, Zimg``; impedance.py ``data/exampleDataPowersuite.txt``, MIT), values of an
    R-RC circuit (10 Ohm + 100 Ohm || 1 uF), 1 MHz to 0.18 Hz."""
    rows = ["Frequency\t Zre\t Zimg"]
    for k in range(28):
        f = 10 ** (6 - 0.25 * k)
        z = 10 + 100 / (1 + 1j * 2 * math.pi * f * 100 * 1e-6)
        rows.append(f"{f:.6g}\t {z.real:.6g}\t {z.imag:.6g}")
    path.write_text("\n".join(rows) + "\n")
    return path


def vamas_head(path: Path) -> Path:
    """The first lines of a VAMAS file (ISO 14976; as pynxtools-xps ``tests/data/vms_regular/
    regular.vms``, Apache-2.0): the format line, institution, instrument, operator, experiment,
    comment lines. No data blocks: the check reads the first line only."""
    lines = [
        "VAMAS Surface Chemical Analysis Standard Data Transfer Format 1988 May 4",
        "Not Specified",
        "Not Specified",
        "Not Specified",
        "Not Specified",
        "1",
        "synthetic twin",
        "NORM",
        "REGULAR",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


# --- 1. an empty file: the message names what the kind reads, not --format -------------------
@pytest.mark.parametrize(
    "kind, expected",
    [
        ("xps", "an XPS file (VAMAS"),
        ("afm-force", "an AFM force curve"),
        ("afm-map", "an AFM force map"),
        ("topography", "a topography file"),
    ],
)
def test_empty_file_of_a_surface_kind_names_what_the_kind_reads(tmp_path, kind, expected):
    empty = tmp_path / "empty.vms"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", empty, "--kind", kind, "--out", out),
        "the file is empty (0 bytes)",
        expected,
        absent=("--format",),
        out=out,
    )


def test_control_empty_file_of_an_electrochemical_kind_points_to_format(tmp_path):
    """Control: --format is an option of --kind eis, so the message may name it."""
    empty = tmp_path / "empty.mpt"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", empty, "--kind", "eis", "--out", out),
        "the file is empty (0 bytes)",
        "--format",
        out=out,
    )


def test_python_api_empty_xps_file_names_an_xps_file(tmp_path):
    """The Python API's message said "--format (CLI) / solidna.analysis.io.FORMATS (Python)",
    neither of which reads XPS."""
    from solidna.analysis.pipeline import analyze
    from solidna.errors import DataFormatError

    empty = tmp_path / "empty.vms"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError) as info:
        analyze([empty], kind="xps", out=tmp_path / "out")
    assert "an XPS file" in str(info.value) and "FORMATS" not in str(info.value)


# --- 2. a file of the other family -------------------------------------------------------------
def test_impedance_table_given_as_xps_is_refused_with_the_kind_to_use(tmp_path):
    """Was analysed as an XPS spectrum (frequency taken as binding energy, 6 files written,
    exit 0)."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", table, "--kind", "xps", "--out", out),
        "spectrum.txt",
        "--kind xps reads an XPS file",
        "cell data (PowerSuite",
        "Analyse it with --kind eis",
        out=out,
    )


def test_control_the_same_impedance_table_as_eis_is_analysed(tmp_path):
    """Control: the twin is a valid impedance file, so the refusal above is about the kind."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    result = run("analyze", table, "--kind", "eis", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").is_file()


def test_vamas_file_given_as_eis_is_refused_with_kind_xps(tmp_path):
    """Was "cannot parse it as a ','-separated table ... name its format with --format"."""
    vms = vamas_head(tmp_path / "survey.vms")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", vms, "--kind", "eis", "--out", out),
        "survey.vms: this is a VAMAS XPS file",
        "--kind xps",
        absent=("--format",),
        out=out,
    )


@pytest.mark.parametrize(
    "name, head, kind",
    [
        # Gwyddion native files start with GWYP (gwyfile tests/test.gwy, MIT)
        ("scan.gwy", b"GWYPGwyContainer\x00" + b"\x00" * 64, "topography"),
        # Nanosurf .nid (SurfaceTopography test/file_format_examples/nid-1.nid, MIT)
        ("scan.nid", b"[DataSet]\r\nVersion=2\r\nGroupCount=2\r\n", "topography"),
        # Bruker Nanoscope (SurfaceTopography test/file_format_examples/di-1.di, MIT)
        ("scan.di", b"\\*File list\r\n\\Version: 0x07200000\r\n", "topography"),
        # JPK force curves are ZIP files named .jpk-force (afmformats tests/data, MIT)
        ("curve.jpk-force", b"PK\x03\x04" + b"\x00" * 64, "afm-force"),
    ],
    ids=["gwyddion", "nanosurf", "bruker", "jpk"],
)
def test_surface_file_given_to_a_cycling_kind_names_its_kind(tmp_path, name, head, kind):
    """Was "unknown binary format" or "not a ','-separated table", with a --format hint."""
    path = tmp_path / name
    path.write_bytes(head)
    out = tmp_path / "out"
    assert_refused(
        run("analyze", path, "--kind", "na-co2", "--out", out),
        f"{name}: this is ",
        f"--kind {kind}",
        out=out,
    )


# --- 3. values no laboratory cell has -----------------------------------------------------------
@pytest.mark.parametrize(
    "kind, option, value, maximum",
    [
        ("eis", "--area", "1e99 cm2", "10000 cm2"),
        ("na-co2", "--mass", "1e99 mg", "1e+06 mg"),
        ("eis", "--thickness", "1e99 um", "10000 um"),
        ("eis", "--temperature", "2000 degC", "1000 degC"),
        ("cv", "--ohmic-resistance", "1e99 ohm*cm2", "1e+06 ohm"),
        ("afm-force", "--tip-radius", "1e99 um", "1000 um"),
        ("xps", "--sputter-rate", "1e99 nm/s", "1000 nm/s"),
    ],
)
def test_absurd_quantities_are_refused_naming_the_option(tmp_path, kind, option, value, maximum):
    """Each was accepted (``--area "1e99 cm2"`` gave R0 = 7.6e83 Ohm.m2); the file is never
    read, so any file serves."""
    path = tmp_path / "data.csv"
    path.write_text("x\n1\n")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", path, "--kind", kind, option, value, "--out", out),
        f"{option}: '{value}' is more than the maximum of {maximum}",
        out=out,
    )


def test_control_a_large_but_real_area_is_accepted(tmp_path):
    """Control: a pouch cell of 1000 cm2 is within the bound."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    result = run("analyze", table, "--kind", "eis", "--area", "1000 cm2", "--out", out)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "keyword, value",
    [
        ("area", "1e99 cm2"),
        ("mass", "1e99 mg"),
        ("thickness", "1 m"),
        ("temperature", "5000 K"),
        ("ohmic_resistance", "1e99 ohm*cm**2"),
    ],
)
def test_python_api_refuses_the_same_values(tmp_path, keyword, value):
    from solidna.analysis.pipeline import analyze

    kind = {"mass": "na-co2", "ohmic_resistance": "cv"}.get(keyword, "eis")
    table = powersuite_table(tmp_path / "spectrum.txt")
    with pytest.raises(OutOfRangeError, match="largest value accepted"):
        analyze([table], kind=kind, out=tmp_path / "out", **{keyword: value})
    assert not (tmp_path / "out").exists()


def test_command_line_and_python_api_bounds_agree():
    from solidna.analysis.pipeline import MEASURED_MAXIMA
    from solidna.cli import analyze as cli_analyze

    kinds = {
        "area": cli_analyze.CELL_AREA,
        "mass": cli_analyze.ACTIVE_MASS,
        "thickness": cli_analyze.ELECTROLYTE_THICKNESS,
        "temperature": cli_analyze.MEASURED_TEMPERATURE,
        "ohmic_resistance": cli_analyze.AREA_RESISTANCE_MAX,
    }
    assert {k: (v.maximum, v.reason) for k, v in kinds.items()} == MEASURED_MAXIMA


# --- 4. messages in the command line's words ----------------------------------------------------
def test_unknown_format_is_refused_by_the_parser_naming_the_option(tmp_path):
    """Was "Unknown format 'table'. Allowed: ...", without the option's name, after the files
    were checked."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", table, "--kind", "eis", "--format", "table", "--out", out),
        "--format: 'table' is not one of biologic-mpr,",
        "zplot-eis",
        out=out,
    )


def test_format_in_any_case_is_accepted(tmp_path):
    """A reader's name in capitals reads the file, as --kind EIS does (was "Unknown format
    'PowerSuite-EIS'")."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    result = run("analyze", table, "--kind", "eis", "--format", "PowerSuite-EIS", "--out", out)
    assert result.exit_code == 0, result.output


def test_format_choices_are_the_readers():
    from solidna.analysis.io import FORMATS
    from solidna.cli.analyze import READERS

    assert sorted(READERS) == sorted(FORMATS)


def test_bad_circuit_is_refused_naming_the_option_before_reading(tmp_path):
    """Was "circuit 'R0-p(R1' has unbalanced parentheses" (no option), after every file was
    read."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    text = assert_refused(
        run("analyze", table, "--kind", "eis", "--circuit", "R0-p(R1", "--out", out),
        "--circuit: ",
        "unbalanced parentheses",
        out=out,
    )
    assert "reading" not in text


def test_column_on_a_file_of_known_columns_speaks_of_the_option(tmp_path):
    """Was "columns= maps the columns ... Drop columns=, or pass --format='csv'", the Python
    keyword beside the option."""
    table = powersuite_table(tmp_path / "spectrum.txt")
    out = tmp_path / "out"
    assert_refused(
        run("analyze", table, "--kind", "eis", "--column", "frequency=Frequency", "--out", out),
        "--column maps the columns",
        "Drop --column, or pass --format='csv'",
        absent=("columns=",),
        out=out,
    )


@pytest.mark.parametrize("command", [("reproduce",), ("targets",)])
def test_unknown_only_prefix_names_the_option(tmp_path, command):
    """Was "Unknown target prefix 'zzz': no target id starts with it", without --only."""
    out = tmp_path / "out"
    extra = ("--out", out) if command == ("reproduce",) else ()
    assert_refused(
        run(*command, "--only", "zzz", *extra),
        "Unknown target prefix 'zzz' given to --only: no target id starts with it",
        out=out,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--lower-cutoff", "4 V", "--upper-cutoff", "3 V"),
        ("--lower-cutoff", "3.9 V"),  # above the default upper cut-off, 3.8 V
    ],
)
def test_empty_nvp_window_names_both_options(tmp_path, args):
    """Was "Lower cut-off 4 V is not below the upper cut-off 3 V", the protocol's words."""
    out = tmp_path / "out"
    assert_refused(
        run("simulate", "nvp", *args, "--out", out),
        "--lower-cutoff",
        "is not below --upper-cutoff",
        "the voltage window is empty",
        "--lower-cutoff='2.5 V'",
        out=out,
    )


def test_a_note_on_the_command_line_speaks_of_the_option_only(tmp_path):
    """A note written for both interfaces ("give the area with area= / --area") reached the
    command line whole; the errors already kept the CLI's part."""
    # an EC-Lab PEIS text export (layout of impedance.py data/exampleDataBioLogic.mpt, MIT) whose
    # area is EC-Lab's default 0.001 cm2, i.e. never set
    head = [
        "EC-Lab ASCII FILE",
        "Nb header lines : {n}",
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        "Electrode surface area : 0.001 cm²",
        "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\ttime/s",
    ]
    head = [line.format(n=len(head)) for line in head]
    rows = []
    for k in range(20):
        f = 10 ** (5 - 0.3 * k)
        z = 10 + 100 / (1 + 1j * 2 * math.pi * f * 100 * 1e-6)
        rows.append(f"{f:.6E}\t{z.real:.6E}\t{-z.imag:.6E}\t{k:.3f}")
    path = tmp_path / "peis.mpt"
    path.write_bytes(("\r\n".join(head + rows) + "\r\n").encode("latin-1"))
    result = run("analyze", path, "--kind", "eis", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    notes = " ".join(result.stdout.split())
    assert "EC-Lab's default" in notes and "give the area with --area" in notes, notes
    assert "area= /" not in notes
