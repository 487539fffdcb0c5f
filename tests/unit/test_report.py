"""Tests of solidna.report: the self-contained HTML report and the shared figure style."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest
from matplotlib.colors import is_color_like
from matplotlib.figure import Figure

from solidna.report import (
    MODIFIED,
    PAPER_MARKER,
    PRISTINE,
    apply_style,
    format_tol,
    format_value,
    summarize,
    write_report,
)

REPRODUCTION = {
    "paper": {
        "citation": "Y. Lu et al., Chem. Sci., 2019, 10, 4306-4312",
        "doi": "10.1039/C8SC05178J",
    },
    "solidna_version": "9.9.9",
    "results": [
        {
            "id": "a.pass",
            "role": "calibrate",
            "paper": 80,
            "model": 81.23456,
            "unit": "mV",
            "tol": {"rel": 0.1},
            "pass": True,
            "note": "fitted",
        },
        {
            "id": "b.fail",
            "role": "validate",
            "paper": 0.32,
            "model": 0.5,
            "unit": "eV",
            "tol": {"abs": 0.03},
            "pass": False,
            "note": "missed <badly>",
        },
        {
            "id": "c.bool",
            "role": "validate",
            "paper": True,
            "model": False,
            "unit": "-",
            "tol": {},
            "pass": False,
            "note": "",
        },
        {
            "id": "d.null",
            "role": "validate",
            "paper": ">2",
            "model": None,
            "unit": "-",
            "tol": {},
            "pass": None,
            "note": "no model yet",
        },
        {
            "id": "e.ref",
            "role": "reference",
            "paper": 4.86,
            "model": None,
            "unit": "V",
            "tol": {},
            "note": "",
        },
    ],
    "run": {
        "date": "2026-01-01T00:00:00+00:00",
        "python": "3.11.7",
        "prefixes": None,
        "packages": {"numpy": "2.0", "pybamm": None},
        "wall_time_s": 1.25,
        "modules": [
            {"module": "fake.fig4", "prefixes": ["fig4"], "status": "ok", "wall_time_s": 1.0}
        ],
    },
}


@pytest.fixture
def png(tmp_path: Path) -> Path:
    fig = Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([0, 1], [1, 0])
    path = tmp_path / "fig4h.png"
    fig.savefig(path, dpi=50)
    return path


def test_report_is_self_contained(tmp_path: Path, png: Path) -> None:
    out = write_report(REPRODUCTION, {"fig4h": png}, tmp_path / "report.html", ["note <one>"])
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "data:image/png;base64," in html
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", html)  # no external images/scripts
    assert "<link" not in html and "<script" not in html
    assert "<style>" in html
    assert re.search(r'<figcaption><span class="stem">fig4h</span>.*</figcaption>', html)


def test_report_content(tmp_path: Path, png: Path) -> None:
    html = write_report(
        REPRODUCTION, {"fig4h": png}, tmp_path / "r.html", ["note <one>"]
    ).read_text()
    assert "Chem. Sci." in html and "10.1039/C8SC05178J" in html
    assert "9.9.9" in html
    # these fake ids have no kind (targets/validation.yaml): counted apart, never as predictions
    assert "Predictions: 0 of 0 pass" in html and "3 validate results without a kind" in html
    assert "Fitted numbers (calibrate): 1 of 1 pass." in html
    assert "81.23" in html and "81.2345" not in html  # 4 significant digits
    assert ">yes<" in html and ">no<" in html  # booleans
    assert "±10 %" in html and "±0.03 eV" in html
    assert html.count('<tr class="fail">') == 2
    assert "✓" in html and "✗" in html
    # user text is escaped
    assert "&lt;badly&gt;" in html and "note &lt;one&gt;" in html
    assert "fake.fig4" in html and "3.11.7" in html


def test_report_without_figures_or_run(tmp_path: Path) -> None:
    minimal = {k: REPRODUCTION[k] for k in ("paper", "solidna_version", "results")}
    html = write_report(minimal, {}, tmp_path / "sub" / "r.html").read_text()
    assert "Figures" not in html and "Run record" not in html


def test_format_value() -> None:
    assert format_value(81.23456) == "81.23"
    assert format_value(7624.0) == "7624"
    assert format_value(0.000123456) == "0.0001235"
    assert format_value(True) == "yes" and format_value(False) == "no"
    assert format_value(None) == "—" and format_value(float("nan")) == "—"
    assert format_value(">2") == ">2"


def test_format_tol() -> None:
    assert format_tol({"rel": 0.1}) == "±10 %"
    assert format_tol({"abs": 0.05}, "V") == "±0.05 V"
    assert format_tol({"abs": 0.1}, "-") == "±0.1"
    assert format_tol({}) == "—" and format_tol(None) == "—"


def test_summarize() -> None:
    assert summarize(REPRODUCTION["results"]) == {
        "pass": 1,
        "fail": 2,
        "null": 1,
        "reference": 1,
        "by_role": {
            "calibrate": {"pass": 1, "fail": 0, "null": 0},
            "validate": {"pass": 0, "fail": 2, "null": 1},
        },
        "by_kind": {
            "prediction": {"pass": 0, "fail": 0, "null": 0},
            "consistency": {"pass": 0, "fail": 0, "null": 0},
            "unlabelled": {"pass": 0, "fail": 2, "null": 1},
        },
    }


def test_style() -> None:
    assert is_color_like(PRISTINE) and is_color_like(MODIFIED) and PRISTINE != MODIFIED
    with matplotlib.rc_context():
        apply_style()
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["figure.autolayout"] is True
        fig = Figure()
        ax = fig.add_subplot()
        (line,) = ax.plot([1, 2], [3, 4], **PAPER_MARKER)
        assert line.get_linestyle() == "None" and line.get_marker() == "o"
