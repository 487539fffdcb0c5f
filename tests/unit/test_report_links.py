"""Tests of the report's headline by role, the links from missed rows to their explanation, and
the figure captions (issue 9, item 3)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from solidna.report.html import explanations, is_missed, render_report, summarize
from solidna.reproduce.base import FigureOutput, Note


def _row(tid: str, role: str, model, passed, note: str = "") -> dict:
    entry = {"id": tid, "role": role, "paper": 1.0, "model": model, "unit": "V", "tol": {}}
    if role != "reference":
        entry["pass"] = passed
    entry["note"] = note
    return entry


RESULTS = [
    _row("fig9a.fitted", "calibrate", 1.0, True, "fitted"),
    _row("fig9a.fitted_miss", "calibrate", 2.0, False, "the fit stops at a bound"),
    _row("fig9b.predicted", "validate", 1.02, True),
    _row("fig9b.explained_by_note", "validate", 3.0, False),
    _row("fig9c.no_value", "validate", None, None, "solver failed"),
    _row("fig9d.unexplained", "validate", 0.0, False),
    _row("fig9e.ref_without_model", "reference", None, None, "no model yet"),
    _row("fig9e.other_ref_without_model", "reference", None, None, "no model yet"),
    _row("fig9e.ref_with_model", "reference", 1.0, None, "used as-is"),
]
NOTES = [
    "a note about nothing in particular",
    Note("fig9b: the model leaves out the <second> process", ["fig9b"]),
]


class _Links(HTMLParser):
    """Every element id, every in-page link, and the links of each results-table row."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.row_links: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._first_cell: str | None = None
        self._in_td = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "tr":
            self._row, self._first_cell = [], None
        if tag == "td":
            self._in_td += 1
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.hrefs.append(attrs["href"][1:])
            if self._row is not None:
                self._row.append(attrs["href"][1:])

    def handle_data(self, data):
        if self._row is not None and self._in_td and self._first_cell is None:
            self._first_cell = data

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_td -= 1
        if tag == "tr" and self._row is not None:
            if self._first_cell is not None:
                self.row_links[self._first_cell] = self._row
            self._row = None


@pytest.fixture
def html() -> str:
    return render_report({"paper": {}, "solidna_version": "0", "results": RESULTS}, notes=NOTES)


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_summarize_by_role_keeps_the_old_keys() -> None:
    counts = summarize(RESULTS)
    assert {k: counts[k] for k in ("pass", "fail", "null", "reference")} == {
        "pass": 2,
        "fail": 3,
        "null": 1,
        "reference": 3,
    }
    assert counts["by_role"] == {
        "calibrate": {"pass": 1, "fail": 1, "null": 0},
        "validate": {"pass": 1, "fail": 2, "null": 1},
    }


def test_headline_counts_calibrate_and_validate_apart(html: str) -> None:
    # the fake ids have no kind (targets/validation.yaml): never counted as predictions
    assert "Predictions: 0 of 0 pass" in html and "4 validate results without a kind" in html
    assert "Fitted numbers (calibrate): 1 of 2 pass." in html
    table = re.search(r'<table class="summary">.*?</table>', html, re.S)[0]
    assert re.search(
        r"validate: not labelled.*?</th><td class=\"pass\">1</td>"
        r"<td class=\"fail\">2</td><td class=\"null\">1</td>",
        table,
    )
    assert re.search(
        r"calibrate \(fitted.*?</th><td class=\"pass\">1</td>"
        r"<td class=\"fail\">1</td><td class=\"null\">0</td>",
        table,
    )
    # the summary comes before the table of results
    assert html.index('class="summary"') < html.index("<h2>Results</h2>")


def test_every_missed_row_links_to_an_anchor_that_exists(html: str) -> None:
    links = parse(html)
    missed = [r["id"] for r in RESULTS if is_missed(r)]
    assert len(missed) == 6
    for tid in missed:
        assert f"why-{tid}" in links.row_links[tid], tid
    for tid in {r["id"] for r in RESULTS} - set(missed):
        assert links.row_links[tid] == [], tid
    # no dangling in-page link anywhere in the page
    assert set(links.hrefs) <= links.ids


def test_explanations_use_the_result_note_and_the_notes_about_it() -> None:
    why = explanations(RESULTS, NOTES)
    assert why["fig9a.fitted_miss"] == ("the fit stops at a bound", [])
    assert why["fig9b.explained_by_note"] == ("", [1])
    assert why["fig9c.no_value"] == ("solver failed", [])
    assert why["fig9d.unexplained"] == ("", [])  # a gap: reported, never invented
    assert "fig9a.fitted" not in why and "fig9e.ref_with_model" not in why


def test_the_miss_section_shows_notes_gaps_and_groups(html: str) -> None:
    section = html[html.index('id="misses"') :]
    # the note about fig9b is quoted (escaped) and linked from its miss
    item = re.search(r'<li><span id="why-fig9b.explained_by_note">.*?</li>', section, re.S)[0]
    assert '<a href="#note-2">note 2</a>' in item and "&lt;second&gt;" in item
    # a miss without any explanation is shown as a gap
    gap = re.search(r'<li class="gap"><span id="why-fig9d.unexplained">.*?</li>', section)[0]
    assert "No explanation recorded" in gap
    # results sharing one explanation share one item, with an anchor each
    assert re.search(
        r'<li><span id="why-fig9e.ref_without_model"></span>'
        r'<span id="why-fig9e.other_ref_without_model"></span>[^<]*<span class="mono">',
        section,
    )


def test_notes_are_numbered_anchors(html: str) -> None:
    assert '<li id="note-1">a note about nothing in particular</li>' in html
    assert '<li id="note-2">fig9b: the model leaves out the &lt;second&gt; process</li>' in html


def test_note_is_a_string_that_names_its_targets() -> None:
    note = Note("text", ["fig4g", "abstract.mna"])
    assert note == "text" and isinstance(note, str) and note.text == "text"
    assert note.explains("fig4g.mna.exchange_current")
    assert note.explains("abstract.mna.overpotential_increase.50cycles")
    assert not note.explains("fig4h.na.time_to_10V")
    assert not Note("plain").explains("fig4g")
    out = FigureOutput(name="x")
    out.note("why", "fig4g")
    assert out.notes == ["why"] and out.notes[0].about == ("fig4g",)


def test_captions_beneath_figures(tmp_path: Path) -> None:
    fig = Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([0, 1], [1, 0])
    fig.savefig(tmp_path / "a.png", dpi=40)
    fig.savefig(tmp_path / "b.png", dpi=40)
    html = render_report(
        {"paper": {}, "results": []},
        {"a": tmp_path / "a.png", "b": tmp_path / "b.png"},
        captions={"a": "Model <curves>; markers: Lu 2019 Fig. 9a."},
    )
    figure_a = re.search(r'<figure id="fig-a">.*?</figure>', html, re.S)[0]
    assert re.search(
        r'<img [^>]*>\s*<figcaption><span class="stem">a</span>\. Model &lt;curves&gt;; '
        r"markers: Lu 2019 Fig. 9a.</figcaption>",
        figure_a,
    )
    assert "(no caption)" in re.search(r'<figure id="fig-b">.*?</figure>', html, re.S)[0]
