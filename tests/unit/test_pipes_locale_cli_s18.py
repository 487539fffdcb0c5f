"""The command line where its output goes somewhere unusual: a pipe whose reader stops early
(``solidna targets | head -3``), and a terminal whose locale is not UTF-8 (``LC_ALL=C`` with
Python's UTF-8 mode off, as under some batch systems and old servers).

Before: a closed pipe printed "Error: Broken pipe." with the user-error status 2 (``--format
csv|json``) or stopped silently with status 1, the status of a failed run (the rich table);
``-h | head`` also ended with 1. Under ``LC_ALL=C`` ``solidna parameters`` ended with
"unexpected UnicodeEncodeError ... a bug in solidna" (status 70) on the "±" of its header, and a
unit typed on a UTF-8 terminal (``--current-density "0,1 mA/cm²"``) came back in the message as
``'0,1 mA/cm\\udcc2\\udcb2'``.

The commands run as subprocesses (``python -m solidna``) so that the real stdout and locale are
used; each takes about a second (no model is run).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from solidna.cli._common import QuantityKind, QuantityType

PIPE_CLOSED_EXIT = 141  # 128 + SIGPIPE


def _solidna(*args: str) -> list[str]:
    return [sys.executable, "-m", "solidna", *args]


def _closed_reader(*args: str) -> subprocess.CompletedProcess:
    """Run solidna with its stdout a pipe that the reader closes before anything is written."""
    proc = subprocess.Popen(
        _solidna(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "80"},
    )
    proc.stdout.close()  # the reader went away (`| head -0`, a pager quit at once)
    _, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, b"", err)


@pytest.mark.parametrize(
    "args",
    [
        ("parameters", "--format", "csv"),
        ("parameters", "--format", "json"),
        ("parameters",),  # the rich table
        ("targets",),
        ("-h",),  # the help, printed while the command line is parsed
    ],
)
def test_a_reader_that_goes_away_stops_the_command_quietly(args):
    result = _closed_reader(*args)
    assert result.returncode == PIPE_CLOSED_EXIT, (result.returncode, result.stderr)
    err = result.stderr.decode("utf-8", "replace")
    assert "Error" not in err and "Traceback" not in err and "Exception" not in err, err


def _c_locale() -> dict[str, str]:
    """A locale that is not UTF-8, with Python's own fixes for it (PEP 538, 540) off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", COLUMNS="80")
    return env


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(_solidna(*args), capture_output=True, env=env, timeout=120)


def test_tables_print_in_a_locale_without_utf8_aligned():
    result = _run("parameters", env=_c_locale())
    assert result.returncode == 0, result.stderr.decode("ascii", "replace")
    text = result.stdout.decode("ascii")  # nothing the terminal cannot show
    assert "+/- 1 sd" in text  # the "±" of the header, in plain text
    # the stand-in replaces the character before rich measures it: the borders line up
    rows = [line for line in text.splitlines() if line.startswith(("|", "+"))]
    assert rows and len({len(line) for line in rows}) == 1, {len(line) for line in rows}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_data_for_programs_stay_utf8_on_an_ascii_stdout(monkeypatch, fmt):
    # what `solidna targets --format csv` writes its "±10 %" tolerances to under LC_ALL=C
    import io
    import json

    import pandas as pd

    from solidna.cli._common import TableFormat, print_frame

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    frame = pd.DataFrame({"tol": ["±10 %"], "unit": ["µm"]}, index=pd.Index(["a"], name="id"))
    print_frame(frame, TableFormat(fmt), lambda: None)
    sys.stdout.flush()
    text = raw.getvalue().decode("utf-8")
    if fmt == "json":
        assert json.loads(text) == [{"id": "a", "tol": "±10 %", "unit": "µm"}]
    else:
        assert text.splitlines() == ["id,tol,unit", "a,±10 %,µm"]


def test_a_unit_typed_on_a_utf8_terminal_is_read_in_a_locale_without_it():
    # "0,1 mA/cm²": the decimal comma is refused as ever, and the message shows the unit as
    # typed (in plain text), not the codes of its undecoded bytes
    result = _run(
        "simulate", "symmetric", "--current-density", "0,1 mA/cm²", "--out", "x", env=_c_locale()
    )
    err = result.stderr.decode("ascii")
    assert result.returncode == 2, err
    assert "decimal comma" in err and "'0.1 mA/cm2'" in err, err
    assert "udc" not in err, err


def test_the_quantity_parser_reads_utf8_bytes_decoded_in_an_ascii_locale(monkeypatch):
    # what Python makes of `--temperature "25 °C"` under LC_ALL=C without its UTF-8 mode
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "ascii")
    typed = "25 °C".encode().decode("ascii", "surrogateescape")
    kind = QuantityKind("K", "a temperature", "25 degC", "degC")
    assert QuantityType(kind)(typed) == "25 °C"
    # a Latin-1 locale decodes the same bytes as "Â°"
    monkeypatch.setattr(sys, "getfilesystemencoding", lambda: "latin-1")
    assert QuantityType(kind)("25 °C".encode().decode("latin-1")) == "25 °C"


def test_the_progress_bar_draws_in_ascii_on_a_terminal_without_utf8():
    # rich's default spinner is braille dots, which an ASCII terminal cannot show
    import io

    from rich.console import Console

    from solidna.cli._common import ProgressDisplay

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")  # strict: a braille dot would raise
    console = Console(file=stream, force_terminal=True, width=80)
    with ProgressDisplay(console, terminal=True) as shown:
        shown("simulating", None)
        shown("cycle 1 of 2", 0.5)
    stream.flush()
    assert "cycle 1 of 2" in raw.getvalue().decode("ascii")
