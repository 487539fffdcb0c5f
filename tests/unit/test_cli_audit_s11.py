"""A third new-user audit of the command line (round s11): one test per defect found (each failed
before its fix), plus controls named as such.

Defects: a multi-line error (a YAML parser's, with a caret line) broke the one-line promise; an
argument's error named it in Python ("step:") and the usage line wrote required arguments in
braces ("{spec}", "{FILE...}..."); ``--format xml`` said "Value error, ..."; ``--circuit ''`` and
``--scheduler ''`` silently meant the default and ``--peaks ''`` read the current directory;
``analyze --workers 0``, ``--reference-cycle abc`` and ``--poisson 0,3`` were refused in
pydantic's words ("Input should be ...") and ``--workers 99999`` was accepted; errors and warnings
spoke of ``area:``, ``sheet=``, ``discharge_cutoff=`` and ``pvdf_ratio``, not of the options; an
unquoted value (``--c-rate 2 C``) got "unexpected extra argument (C)" with no hint; a SMILES longer
than a file name was "File name too long"; the cycle-jumping line spoke of interpolated cycles
when every cycle was resolved.

The synthetic spectrum is a Randles circuit (10 Ohm + 100 Ohm || 100 uF) written here, in the
layout of a plain CSV export with unit-bearing headers (solidna's own csv reader; no
third-party file is copied).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.cli import screen as screen_cli
from solidna.cli import simulate as simulate_cli

runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(cli.app, list(args), **kwargs)


def refused(result, *fragments: str) -> str:
    """Exit status 2, one ``Error:`` line (after any progress lines) holding ``fragments``, no
    traceback; returns the error line."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [k for k, line in enumerate(lines) if line.startswith("Error:")]
    assert result.exit_code == 2, result.output
    assert len(errors) == 1, result.stderr
    after = [line for line in lines[errors[0] + 1 :] if not line.startswith("Try '")]
    assert after == [], result.stderr  # nothing of the error spills onto further lines
    error = lines[errors[0]]
    missing = [fragment for fragment in fragments if fragment not in error]
    assert missing == [], error
    assert "Traceback" not in result.output
    return error


def spectrum(path: Path) -> Path:
    """A synthetic impedance spectrum: 10 Ohm + (100 Ohm || 100 uF), 6 decades."""
    rows = ["frequency [Hz],Z' [Ohm],-Z'' [Ohm]"]
    for k in range(30):
        f = 10 ** (6 - k * 0.25)
        z = 10 + 100 / (1 + 1j * 2 * math.pi * f * 100e-6)
        rows.append(f"{f:.6g},{z.real:.6g},{-z.imag:.6g}")
    path.write_text("\n".join(rows) + "\n")
    return path


# --- one line ---------------------------------------------------------------------------------
def test_a_yaml_error_is_one_line(tmp_path) -> None:
    """A spec that is not valid YAML: the parser's message spans four lines, one of them a caret
    under the column; the error is one line, without the caret."""
    spec = tmp_path / "bad.yaml"
    spec.write_text("junk: [\n")
    error = refused(run("sweep", str(spec), "--out", str(tmp_path / "s.zarr")), "not valid YAML")
    assert "^" not in error


def test_one_line_joins_a_list_and_keeps_a_single_line_as_is() -> None:
    """The joined message reads as sentences; a one-line message is unchanged (control)."""
    from solidna.cli._common import one_line

    assert one_line("Differences (stored -> given):\n  jump: None -> False\nRun it.") == (
        "Differences (stored -> given): jump: None -> False. Run it."
    )
    assert one_line("line 2, column 1:\n    \n    ^") == "line 2, column 1:"
    assert one_line("Just one line.") == "Just one line."


# --- arguments: errors and usage ---------------------------------------------------------------
def test_a_bad_step_is_named_as_help_shows_it() -> None:
    refused(run("calibrate", "nosuch"), "STEP: 'nosuch' is not one of")


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (("sweep", "run"), "Usage: solidna sweep run [OPTIONS] SPEC\n"),
        (("sweep", "plot"), "Usage: solidna sweep plot [OPTIONS] STORE\n"),
        (("analyze",), "Usage: solidna analyze [OPTIONS] FILE...\n"),
        (("screen",), "Usage: solidna screen [OPTIONS] [MOLECULE]...\n"),
        (("calibrate",), "Usage: solidna calibrate [OPTIONS] [STEP]\n"),
    ],
)
def test_the_usage_line_writes_arguments_as_click_does(args, usage) -> None:
    """typer 0.29 wrote "{spec}" and "{FILE...}..."; the argument list named "spec". (The
    optional arguments of screen and calibrate were already written as click does: controls.)"""
    result = run(*args, "-h")
    assert result.exit_code == 0 and usage in result.stdout, result.stdout
    assert "{" not in result.stdout.split("\n\n")[0]


def test_a_missing_argument_is_named_in_capitals(tmp_path) -> None:
    refused(run("sweep", "run", "--out", str(tmp_path / "s.zarr")), "Missing argument 'SPEC'")


# --- choices and numbers in plain words ---------------------------------------------------------
@pytest.mark.parametrize("command", ["parameters", "targets"])
def test_a_bad_format_is_refused_in_plain_words(command) -> None:
    error = refused(run(command, "--format", "xml"), "--format: 'xml' is not one of table, csv")
    assert "Value error" not in error


def test_a_format_in_capitals_is_read(tmp_path) -> None:
    """``--format CSV`` was refused (typer's choice is case-sensitive); the other choices of
    the command line take any case."""
    result = run("targets", "--only", "fig3f", "--format", "CSV")
    assert result.exit_code == 0 and result.stdout.startswith("id,"), result.output


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--workers", "0", "--workers: '0' is out of range; give a whole number of processes"),
        ("--workers", "99999", "--workers: '99999' is out of range"),
        ("--reference-cycle", "abc", "--reference-cycle: 'abc' is not a number"),
        ("--forecast-samples", "0", "--forecast-samples: '0' is out of range"),
        ("--poisson", "0,3", "--poisson: '0,3' has a decimal comma; write '0.3'"),
        ("--poisson", "nan", "--poisson: 'nan' is not a finite number"),
    ],
)
def test_analyze_numbers_are_refused_in_plain_words(tmp_path, option, value, words) -> None:
    """They were "Invalid value for '--workers': Input should be greater than or equal to 1"
    (pydantic's words), and 99999 worker processes were accepted."""
    data = spectrum(tmp_path / "eis.csv")
    error = refused(run("analyze", str(data), "--kind", "eis", option, value), words)
    assert "Input should" not in error


# --- empty values -------------------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--circuit", "--format", "--sheet", "--channel"])
def test_an_empty_text_option_is_refused(tmp_path, option) -> None:
    """``--circuit ''`` ran with the default circuit, as if the option were left out."""
    data = spectrum(tmp_path / "eis.csv")
    out = tmp_path / "out"
    result = run("analyze", str(data), "--kind", "eis", option, "", "--out", str(out))
    refused(result, f"{option}: an empty value names nothing")
    assert not out.exists()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "--peaks: an empty path names no file"),
        ("nosuch.toml", "--peaks: 'nosuch.toml' does not exist"),
        (".", "--peaks: '.' is a directory, not a file"),
    ],
)
def test_the_peaks_file_is_checked_under_its_option(tmp_path, value, words) -> None:
    """``--peaks ''`` read the current directory ("Error: .: cannot read the peaks file")."""
    data = spectrum(tmp_path / "eis.csv")
    out = tmp_path / "o"
    refused(run("analyze", str(data), "--kind", "xps", "--peaks", value, "--out", str(out)), words)
    assert not out.exists()


def test_an_empty_scheduler_is_refused(tmp_path) -> None:
    """``--scheduler ''`` started the embedded cluster, as if the option were left out."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("cell: symmetric\n")
    out = tmp_path / "s.zarr"
    refused(run("sweep", str(spec), "--out", str(out), "--scheduler", ""), "--scheduler: an empty")
    assert not out.exists()


# --- the options' names in messages -------------------------------------------------------------
def test_a_per_file_count_error_names_the_option(tmp_path) -> None:
    data = spectrum(tmp_path / "eis.csv")
    out = str(tmp_path / "o")
    result = run(
        "analyze", str(data), "--kind", "eis", "--area", "1 cm2", "--area", "2 cm2", "--out", out
    )
    refused(result, "--area: give one value for the one file; got 2")


def test_a_keyword_in_an_error_is_the_option(tmp_path) -> None:
    """ "sheet= chooses a sheet ... Drop sheet=." was the Python API's wording."""
    data = spectrum(tmp_path / "eis.csv")
    result = run(
        "analyze", str(data), "--kind", "eis", "--sheet", "1", "--out", str(tmp_path / "o")
    )
    error = refused(result, "--sheet chooses a sheet", "Drop --sheet.")
    assert "sheet=" not in error


def test_the_na_co2_cutoff_example_names_the_option(tmp_path) -> None:
    """The example of a bad cut-off pair was "discharge_cutoff='1.0 V'"; the option is --cutoff."""
    result = run(
        "simulate", "na-co2", "--cutoff", "5 V", "--cycles", "2", "--out", str(tmp_path / "o")
    )
    error = refused(result, "--cutoff='1.0 V'")
    assert "discharge_cutoff" not in error


def test_a_warning_names_the_option(tmp_path) -> None:
    """ "Warning: pvdf_ratio = 1e-09 lies outside ..." named the Python argument."""
    result = run(
        "simulate", "symmetric", "--duration", "2 h", "--pvdf-ratio", "1e-9",
        "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warning and "--pvdf-ratio = 1e-09" in warning[0], result.stderr
    assert "pvdf_ratio" not in result.stderr


# --- values with a space ------------------------------------------------------------------------
def test_an_unquoted_value_gets_the_quoted_form() -> None:
    """``--c-rate 2 C``: the shell passes "C" as an extra argument."""
    refused(
        run("simulate", "nvp", "--c-rate", "2", "C"),
        "unexpected extra argument",
        "If '2 C' is the value of --c-rate, put it in quotes: --c-rate '2 C'.",
    )


def test_a_number_without_unit_says_how_to_quote() -> None:
    """``--duration 2 h`` unquoted reaches the option as "2"."""
    refused(
        run("simulate", "symmetric", "--duration", "2", "h"),
        "--duration: '2' has no unit",
        "in quotes: '100 h'",
    )


def test_control_an_extra_argument_that_is_no_value_gets_no_hint() -> None:
    error = refused(run("calibrate", "all", "extra"), "unexpected extra argument")
    assert "quotes" not in error


# --- screen -------------------------------------------------------------------------------------
def test_a_smiles_longer_than_a_file_name_is_a_molecule(monkeypatch) -> None:
    """A SMILES longer than a file name (255 bytes) was refused with "File name too long": the
    check whether a molecule is a file raised the operating system's error. The molecules are
    handed on as given (the quantum package's parser, which builds 3D structures, is replaced)."""
    import solidna.quantum.screen

    monkeypatch.setattr(solidna.quantum.screen, "parse_molecules", lambda names: list(names))
    smiles = "O=C(O)" + "C" * 300
    assert screen_cli._parse([smiles]) == [smiles]


# --- cycle jumping line -------------------------------------------------------------------------
def test_cycle_jumping_that_resolved_every_cycle_says_so(capsys) -> None:
    """ "cycle jumping: 3600 of 3600 cycles resolved, the others interpolated" named others
    that did not exist."""
    summary = {"inputs": {"cycle jumping": {"resolved cycles": 3600, "cycles": 3600}}}
    simulate_cli._print_jumping(summary)
    out = " ".join(capsys.readouterr().out.split())
    assert out == "cycle jumping: all 3600 cycles resolved, none interpolated"


def test_control_cycle_jumping_that_skipped_cycles_says_how_many(capsys) -> None:
    summary = {"inputs": {"cycle jumping": {"resolved cycles": 40, "cycles": 1000}}}
    simulate_cli._print_jumping(summary)
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("cycle jumping: 40 of 1000 cycles resolved, the others interpolated")
