"""The command line tried as a new researcher would (issue 9, item 2), one test per class of
defect found: values outside any sensible range, values that are not numbers, options that
exclude each other or act in one mode only, errors in the Python API's names, help text in
Python types, tables folded at 80 columns. Every refusal is one ``Error: --option: ...`` line,
exit status 2, no traceback, nothing left in --out. Nothing here runs a simulation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.main import get_command
from typer.testing import CliRunner

from solidna import cli

runner = CliRunner()


def run(*args: str, **kwargs):
    return runner.invoke(cli.app, list(args), **kwargs)


def assert_refused(result, *fragments: str, out: Path | None = None) -> str:
    """Exit status 2, one ``Error:`` line naming ``fragments``, no traceback, no --out."""
    text = " ".join(result.stderr.split())
    missing = [fragment for fragment in fragments if fragment not in text]
    assert (result.exit_code, text[:6], missing) == (2, "Error:", []), result.output
    assert "Traceback" not in result.output
    if out is not None:  # neither the directory nor its staging sibling
        assert not [p for p in out.parent.iterdir() if p.name.startswith(out.name)]
    return text


# --- help text --------------------------------------------------------------------------------
def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield (*path, name), command
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = [p for p, _ in _commands(get_command(cli.app))]


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_help_shows_no_python_types(path) -> None:
    """typer shows "MOLECULE <list[str]>", "--cycles <int range>", "--set <str>"."""
    result = run(*path, "-h", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert not re.search(r"<(int|float|str|path|list|bool)[^>]*>", result.stdout), result.stdout


def test_command_lists_are_not_cut_at_fig() -> None:
    """click cut the short help at the first word ending in a point: "... cell (Fig."."""
    for path in ((), ("simulate",)):
        text = run(*path, "-h", env={"COLUMNS": "80"}).stdout
        assert not re.search(r"\(Fig\.\s*$", text, re.MULTILINE), text
    assert "(Fig. 4g)" in run("simulate", "-h", env={"COLUMNS": "200"}).stdout


def test_counts_read_as_plain_numbers_in_help_and_errors(tmp_path) -> None:
    assert "--cycles N" in run("simulate", "cv", "-h").stdout
    out = tmp_path / "cv"
    for value, words in [
        ("2.5", "'2.5' is not a whole number"),
        ("x", "'x' is not a number"),
        ("0", "'0' is out of range"),
        ("10000000", "'10000000' is out of range"),
    ]:
        text = assert_refused(
            run("simulate", "cv", "--cycles", value, "--out", str(out)), "--cycles:", words, out=out
        )
        # a CV takes at most 1000 sweeps (other counts 100000)
        assert re.search(r"from 1 to 1000\b", text) and "Input should" not in text


# --- quantities -------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["mA/cm2", "1_0 mA/cm2"])
def test_a_quantity_must_start_with_a_number(tmp_path, value) -> None:
    """pint reads "mA/cm2" as 1 mA/cm2 and "1_0" as 10: both ran without a word."""
    out = tmp_path / "s"
    assert_refused(
        run("simulate", "symmetric", "--current-density", value, "--out", str(out)),
        "--current-density:",
        "does not start with a number",
        'e.g. "0.1 mA/cm2"',
        out=out,
    )


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        # the solver failed with its own log lines and "try a smaller half-cycle"
        (("symmetric", "--current-density", "1e99 mA/cm2"), ("maximum of 100 mA/cm2",)),
        (("symmetric", "--capacity", "1e9 mAh/cm2"), ("maximum of 100 mAh/cm2",)),
        (("symmetric", "--sse-thickness", "1e9 um"), ("maximum of 5000 um",)),
        # ran for ever
        (("na-co2", "--co2-pressure", "1e9 bar"), ("maximum of 64 bar", "liquefies")),
        (("na-co2", "--current", "1e9 mA/g"), ("maximum of 10000 mA/g",)),
        (("na-co2", "--capacity", "1e9 mAh/g"), ("maximum of 100000 mAh/g",)),
        # accepted and reported "completed"
        (("cv", "--scan-rate", "1e-9 mV/s"), ("minimum of 0.001 mV/s",)),
        (("cv", "--scan-rate", "1e9 mV/s"), ("maximum of 10000 mV/s",)),
        (("eis", "--f-max", "1e30 Hz"), ("maximum of 1e+09 Hz",)),
    ],
)
def test_values_outside_any_experiment_are_refused(tmp_path, args, fragments) -> None:
    out = tmp_path / "sim"
    assert_refused(run("simulate", *args, "--out", str(out)), f"{args[1]}:", *fragments, out=out)


def test_below_absolute_zero_says_the_fix_once() -> None:
    text = assert_refused(run("simulate", "symmetric", "--temperature", "-300 degC"))
    assert "absolute zero" in text and text.count("give a temperature") == 1


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("nan", "'nan' is not a finite number"),  # was "greater than or equal to 0"
        ("inf", "'inf' is not a finite number"),  # was "pvdf_ratio must be finite"
        ("0,8", "decimal comma; write '0.8'"),  # was "unable to parse string as a number"
        ("0", "above 0 and at most 10"),  # help said x>=0.0, the API refused 0
        ("1e9", "above 0 and at most 10"),  # warned, then the solver failed
    ],
)
def test_pvdf_ratio_is_checked_in_plain_words(tmp_path, value, words) -> None:
    out = tmp_path / "s"
    text = assert_refused(
        run("simulate", "symmetric", "--pvdf-ratio", value, "--out", str(out)),
        "--pvdf-ratio:",
        words,
        out=out,
    )
    assert "pvdf_ratio" not in text and "Input should" not in text


# --- the API's names and messages on the command line -----------------------------------------
@pytest.mark.parametrize(
    ("args", "flags", "python"),
    [
        (("cv", "--v-min", "0.5 V", "--v-max", "-0.5 V"), ("--v-min", "--v-max"), "v_min"),
        (("eis", "--f-min", "1 MHz", "--f-max", "0.1 Hz"), ("--f-min", "--f-max"), "f_min"),
    ],
)
def test_api_errors_speak_in_option_names(tmp_path, args, flags, python) -> None:
    out = tmp_path / "sim"
    text = assert_refused(run("simulate", *args, "--out", str(out)), *flags, out=out)
    assert python not in text


def test_messages_for_cli_and_python_keep_the_cli_part(tmp_path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep")
    text = assert_refused(run("reproduce", "--only", "fig3f", "--out", str(tmp_path / "full")))
    assert "--force" in text and "(Python)" not in text and "force=True" not in text
    assert (tmp_path / "full" / "mine.txt").read_text() == "keep"


def test_empty_out_is_not_the_current_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(run("simulate", "eis", "--out", ""), "--out:", "empty path")
    assert_refused(run("sweep", "run", "spec.yaml", "--out", " "), "--out:", "empty path")
    assert list(tmp_path.iterdir()) == []


# --- options that exclude each other or act in one mode only ----------------------------------
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("simulate", "symmetric", "--half-cycle", "1 h", "--capacity", "1 mAh/cm2"),
            "--half-cycle and --capacity exclude each other",
        ),
        (("screen", "--decide", "--study"), "--decide and --study exclude each other"),
        (
            (
                "sweep",
                "run",
                "s.yaml",
                "--out",
                "s.zarr",
                "--workers",
                "1",
                "--scheduler",
                "tcp://x:1",
            ),
            "--scheduler and --workers exclude each other",
        ),
        (("screen", "FEC", "--md", "test"), "--md applies to --decide only"),
    ],
)
def test_options_that_would_be_ignored_or_conflict_are_refused(tmp_path, args, words) -> None:
    out = () if "sweep" in args else ("--out", str(tmp_path / "o"))
    assert_refused(run(*args, *out), words)
    assert not (tmp_path / "o").exists()


def test_screen_levels_are_choices_of_the_parser() -> None:
    from solidna.cli.screen import LEVEL_CHOICE, MD_CHOICE
    from solidna.quantum.levels import LEVELS, MD_LEVELS

    assert set(LEVEL_CHOICE.choices) == set(LEVELS) and set(MD_CHOICE.choices) == set(MD_LEVELS)
    assert "--level [fast|paper|test]" in run("screen", "-h", env={"COLUMNS": "80"}).stdout
    assert_refused(run("screen", "FEC", "--level", "bogus"), "--level:", "fast, paper, test")


# --- NVP C-rates ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--c-rate", "1e9"), ("--c-rate:", "from 0.01 C to 10 C")),  # solver internals before
        (("--c-rate", "0,5"), ("--c-rate:", "decimal comma")),
        (("--protocol", "rate", "--c-rates", "0,1;0,2"), ("--c-rates:", "'0,1'", "decimal comma")),
        (("--protocol", "rate", "--c-rates", "0.1,,2"), ("--c-rates:", "empty item")),
    ],
)
def test_c_rates_are_checked_while_parsing(tmp_path, args, fragments) -> None:
    out = tmp_path / "nvp"
    assert_refused(run("simulate", "nvp", *args, "--out", str(out)), *fragments, out=out)


def test_c_rates_may_be_separated_by_semicolons() -> None:
    from solidna.cli.simulate import _c_rates_option

    assert _c_rates_option("0.5; 1 ;C/2") == "0.5,1,C/2"
    assert _c_rates_option("0.1,0.2") == "0.1,0.2"


def test_long_notes_wrap_under_their_label(monkeypatch) -> None:
    from solidna.cli import simulate

    narrow = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    monkeypatch.setattr(simulate, "console", narrow)
    simulate._note("model-based CV fit: i0 = 1.729 mA/cm2; " * 5)
    lines = narrow.export_text().splitlines()
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("  note: ") and lines[1].startswith("    ")


# --- --only, --set ----------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["targets", "reproduce"])
@pytest.mark.parametrize("value", ["", ",", " "])
def test_empty_only_is_not_everything(tmp_path, command, value) -> None:
    """`reproduce --only ""` ran the full reproduction."""
    extra = ("--out", str(tmp_path / "r")) if command == "reproduce" else ()
    assert_refused(run(command, "--only", value, *extra), "--only:", "names no prefix")
    assert not (tmp_path / "r").exists()


def test_empty_parameter_set_name_is_refused() -> None:
    assert_refused(run("parameters", "--set", ""), "--set:", "lu2019")


@pytest.mark.parametrize("command", ["parameters", "targets"])
def test_ids_and_names_do_not_fold_letter_by_letter_at_80_columns(command) -> None:
    text = run(command, env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    cells = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
    joined = " ".join(cells)  # names wrapped at word boundaries read whole again
    if command == "parameters":
        from solidna.parameters import lu2019

        names = list(lu2019())
        whole = [name for name in names if name in joined]
        assert len(whole) == len(names), set(names) - set(whole)
    else:
        from solidna.targets import load_targets

        ids = {t.id for t in load_targets()}
        whole = {cell for cell in cells if cell in ids}
        assert len(whole) >= 0.9 * len(ids)  # only the longest ids (> 30 characters) fold


# --- sweep spec files -------------------------------------------------------------------------
SPEC = """cell: symmetric
protocol:
  cycle: {half_cycle: 1 h, duration: DURATION}
vary:
  current_density: {values: [VALUE, 0.1 mA/cm2]}
outputs: [energy]
"""


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (None, ("is a directory",)),  # was "does not exist (or is not a file)"
        ("", ("is empty",)),  # was "must be a mapping of keys to values"
        (b"\xff\xfe\x00", ("not a text file",)),  # was a UnicodeDecodeError
        (
            SPEC.replace("DURATION", "1e99 h").replace("VALUE", "0.05 mA/cm2"),
            ("'protocol.cycle.duration'",),  # was blamed on 'vary.current_density'
        ),
        (SPEC.replace("DURATION", "4 h").replace("VALUE", "nan mA/cm2"), ("nan mA/cm2",)),
    ],
)
def test_sweep_spec_errors_name_the_culprit(tmp_path, content, fragments) -> None:
    spec = tmp_path / "spec.yaml"
    if content is None:
        spec.mkdir()
    elif isinstance(content, bytes):
        spec.write_bytes(content)
    else:
        spec.write_text(content)
    store = tmp_path / "s.zarr"
    text = assert_refused(run("sweep", "run", str(spec), "--out", str(store)), *fragments)
    assert "**" not in text
    assert not store.exists()


# --- a terminated run -------------------------------------------------------------------------
def test_sigterm_stops_like_ctrl_c_and_leaves_nothing(tmp_path) -> None:
    """`timeout` or a batch system's time limit (SIGTERM) left `.OUT.solidna-staging-*`."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "long"
    code = "from solidna.cli import main; main()"
    args = ["simulate", "symmetric", "--duration", "4000 h", "--full", "--out", str(out)]
    env = {**os.environ, "PYBAMM_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not [p for p in tmp_path.iterdir() if ".solidna-staging-" in p.name]:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"Interrupted." in stderr and b"Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["plot", "report"])
def test_sweep_maps_are_not_written_into_the_store(tmp_path, monkeypatch, command) -> None:
    import solidna.sweep

    monkeypatch.setattr(solidna.sweep, "open_store", lambda path: object())
    store = tmp_path / "s.zarr"
    store.mkdir()
    for out in (store, store / "maps"):
        args = ("sweep", command, str(store), "--out", str(out), "--force")
        assert_refused(run(*args), "--out", "inside the sweep store")
    assert list(store.iterdir()) == []


def test_solver_lines_written_from_c_are_hidden() -> None:
    """SUNDIALS writes "[ERROR][rank 0][/project/sundials/...]" to file descriptor 2 from C,
    where no logging filter reaches; solidna's own messages still reach stderr."""
    import subprocess
    import sys

    code = """
import os, sys
from solidna.cli import _solver_lines_hidden
with _solver_lines_hidden():
    os.write(2, b"[ERROR][rank 0][/project/sundials/src/idas/idas.c:5745][IDA] At t = 0\\n")
    os.write(2, b"a line of another library\\n")
    print("Error: one clean line", file=sys.stderr)
print("after", file=sys.stderr)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 0, lines
    assert "[ERROR][rank" not in result.stderr.decode()
    assert {"a line of another library", "Error: one clean line", "after"} <= set(lines)


def test_reproduce_table_keeps_the_ids_whole_at_80_columns() -> None:
    from solidna.cli.reproduce import _results_table
    from solidna.targets import load_targets

    # values as wide as the real ones (fig3g.arrhenius_slope, fig4f.mna.Rs_change_rest24h)
    results = [
        {"id": t.id, "role": t.role, "paper": -1.634, "model": 2.4e-06, "unit": t.unit}
        for t in load_targets()
    ]
    narrow = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    narrow.print(_results_table(results, narrow=True))
    text = narrow.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    cells = {line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")}
    whole = [r["id"] for r in results if r["id"] in cells]
    assert len(whole) >= 0.8 * len(results)  # was 41 of 64 (22 columns for the ids)


def test_co2_pressure_bound_is_the_cells() -> None:
    from solidna.cells.na_co2 import MAX_CO2_PRESSURE_BAR
    from solidna.cli._common import CO2_PRESSURE

    assert CO2_PRESSURE.maximum == pytest.approx(MAX_CO2_PRESSURE_BAR * 1e5)
