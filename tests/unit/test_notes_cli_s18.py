"""Notes of ``solidna analyze`` at 80 columns.

A reader's note (e.g. the EC-Lab default-area note of a BioLogic .mpr, 263 characters) was
printed as one line that an 80-column terminal broke in mid-word. On a terminal a note now wraps
between words, later lines indented; in a log or a pipe it stays one line, for grep. The
summary below is written by the test (no file is read).
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

import solidna.cli._common as common
from solidna.cli import analyze

NOTE = (
    "run_0001_with_a_long_name.mpr: the electrode area 0.001 cm2 in the file's settings module "
    "is EC-Lab's default (never set), taken as unknown: currents and impedances stay absolute "
    "(A, Ohm); give the area with --area (e.g. --area '1 cm2')."
)
SUMMARY = {"kind": "battery", "results": {"cycles": 3}, "notes": [NOTE], "outputs": ["a"]}


def _shown(monkeypatch, terminal: bool) -> str:
    buffer = io.StringIO()
    fake = Console(file=buffer, width=80, force_terminal=terminal, color_system=None)
    monkeypatch.setattr(common, "console", fake)
    monkeypatch.setattr(analyze, "console", fake)
    analyze._print_summary(SUMMARY, Path("out"))
    return buffer.getvalue()


def test_a_long_note_wraps_between_words_on_an_80_column_terminal(monkeypatch):
    text = _shown(monkeypatch, terminal=True)
    lines = [line for line in text.splitlines() if line.strip()]
    start = next(k for k, line in enumerate(lines) if line.startswith("note: "))
    end = next(k for k, line in enumerate(lines) if line.startswith("Wrote "))
    note_lines = lines[start:end]
    assert len(note_lines) > 1, note_lines
    assert all(len(line) <= 80 for line in note_lines), note_lines
    assert " ".join(line.strip() for line in note_lines) == f"note: {NOTE}"
    # no word split across lines: each line ends and the next begins at a word boundary
    words = set(NOTE.split())
    assert all(line.split()[-1] in words | {"note:"} for line in note_lines[:-1]), note_lines


def test_in_a_log_a_note_stays_one_line(monkeypatch):
    text = _shown(monkeypatch, terminal=False)
    assert f"note: {NOTE}" in text.splitlines()
