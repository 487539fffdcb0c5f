"""Tests of solidna.reproduce.runner with fake figure modules (fast: no model is run)."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import solidna
import solidna.reproduce
from solidna.errors import InvalidOptionError, OutputExistsError
from solidna.reproduce.base import FigureOutput, Note, TargetResult
from solidna.reproduce.runner import (
    DEFAULT_WALL_TIME_S,
    NO_MODEL_NOTE,
    check_prefixes,
    exit_code,
    expected_wall_time_s,
    module_prefixes,
    reproduce,
    select_modules,
    valid_prefixes,
)
from solidna.targets import load_targets

FAKE = "solidna_test_fake_fig3f"
ENTRY_KEYS = ["id", "role", "paper", "model", "unit", "tol", "pass", "note"]


def _figure() -> Figure:
    fig = Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([0, 1], [0, 1])
    return fig


def make_module(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    prefixes: tuple[str, ...],
    results: list[TargetResult] | None = None,
    error: Exception | None = None,
    notes: tuple[str, ...] = (),
) -> types.ModuleType:
    """Register a fake figure module ``name`` in sys.modules."""
    module = types.ModuleType(name)
    module.PREFIXES = prefixes

    def run(progress):
        progress("computing", 0.5)
        if error is not None:
            raise error
        return FigureOutput(
            name=name,
            results=list(results or []),
            figures={f"{name}_plot": _figure()},
            notes=list(notes),
        )

    module.run = run
    monkeypatch.setitem(sys.modules, name, module)
    return module


@pytest.fixture
def fake_fig3f(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """One figure module covering fig3f: w0p5 passes (0.62 vs 0.61), w1p5 fails (0.2 vs 0.07)."""
    module = make_module(
        monkeypatch,
        FAKE,
        ("fig3f",),
        [
            TargetResult("fig3f.sigma.w0p5", 0.62, "fake conductivity model"),
            TargetResult("fig3f.sigma.w1p5", 0.2, "fake conductivity model"),
        ],
        notes=("a note from the fake module",),
    )
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", (FAKE,))
    return module


def by_id(reproduction: dict) -> dict[str, dict]:
    return {r["id"]: r for r in reproduction["results"]}


def test_json_schema_exactly_as_design(fake_fig3f, tmp_path: Path) -> None:
    out = tmp_path / "res"
    result = reproduce(["fig3f"], out=out)
    on_disk = json.loads((out / "reproduction.json").read_text())
    assert on_disk == json.loads(json.dumps(result))

    assert {"paper", "solidna_version", "results"} <= set(on_disk)
    assert set(on_disk) <= {"paper", "solidna_version", "results", "run"}
    assert on_disk["paper"] == {
        "citation": on_disk["paper"]["citation"],
        "doi": "10.1039/C8SC05178J",
    }
    assert "Chem. Sci." in on_disk["paper"]["citation"]
    assert on_disk["solidna_version"] == solidna.__version__

    expected_ids = [t.id for t in load_targets(["fig3f"])]
    assert [r["id"] for r in on_disk["results"]] == expected_ids  # targets.yaml order
    for entry in on_disk["results"]:
        assert list(entry) == ENTRY_KEYS

    rows = by_id(on_disk)
    w05 = rows["fig3f.sigma.w0p5"]
    assert w05 == {
        "id": "fig3f.sigma.w0p5",
        "role": "calibrate",
        "paper": 0.61,
        "model": 0.62,
        "unit": "mS/cm",
        "tol": {"rel": 0.1},
        "pass": True,
        "note": "fake conductivity model",
    }
    assert rows["fig3f.sigma.w1p5"]["pass"] is False
    missing = rows["fig3f.modulus.w0p8"]
    assert missing["model"] is None and missing["pass"] is None
    assert missing["note"] == NO_MODEL_NOTE


def test_outputs_written(fake_fig3f, tmp_path: Path) -> None:
    result = reproduce(["fig3f"], out=tmp_path / "o")
    png = tmp_path / "o" / "figures" / f"{FAKE}_plot.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (tmp_path / "o" / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert "a note from the fake module" in html
    assert f"figures/{FAKE}_plot.png" in result["run"]["outputs"]["files"]


def test_run_record(fake_fig3f, tmp_path: Path) -> None:
    run = reproduce(["fig3f"], out=tmp_path / "o")["run"]
    assert run["solidna_version"] == solidna.__version__
    assert run["prefixes"] == ["fig3f"]
    assert {"python", "date", "packages", "modules", "wall_time_s"} <= set(run)
    assert {"pybamm", "numpy", "scipy", "impedance"} <= set(run["packages"])
    (module,) = run["modules"]
    assert module["module"] == FAKE and module["status"] == "ok"
    assert module["wall_time_s"] >= 0


def test_reference_entries_have_no_pass(fake_fig3f, tmp_path: Path) -> None:
    result = reproduce(None, out=tmp_path / "all")
    rows = result["results"]
    assert [r["id"] for r in rows] == [t.id for t in load_targets()]
    references = [r for r in rows if r["role"] == "reference"]
    assert references, "targets.yaml has reference entries"
    for r in references:
        assert "pass" not in r
        assert list(r) == [k for k in ENTRY_KEYS if k != "pass"]
    for r in rows:
        if r["role"] != "reference":
            assert "pass" in r


def test_failing_module_is_recorded_not_fatal(fake_fig3f, monkeypatch, tmp_path: Path) -> None:
    make_module(monkeypatch, "solidna_test_fake_broken", ("fig3g",), error=RuntimeError("boom 42"))
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", ("solidna_test_fake_broken", FAKE))
    result = reproduce(["fig3"], out=tmp_path / "o")
    rows = by_id(result)
    for tid in ("fig3g.sigma.50C", "fig3g.activation_energy", "fig3g.arrhenius_slope"):
        assert rows[tid]["model"] is None
        assert rows[tid]["pass"] is None
        assert "boom 42" in rows[tid]["note"] and "RuntimeError" in rows[tid]["note"]
    # the other module still ran
    assert rows["fig3f.sigma.w0p5"]["pass"] is True
    statuses = {m["module"]: m for m in result["run"]["modules"]}
    assert statuses["solidna_test_fake_broken"]["status"] == "error"
    assert "boom 42" in statuses["solidna_test_fake_broken"]["traceback"]
    assert exit_code(result) == 1
    assert "boom 42" in (tmp_path / "o" / "report.html").read_text()


def test_module_failing_at_import(monkeypatch, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "solidna_test_import_fails.py").write_text(
        'PREFIXES = ("fig3g",)\nraise ImportError("cannot import heavy thing")\n'
    )
    monkeypatch.syspath_prepend(str(source))
    # PREFIXES are read from the source, without importing the module
    assert module_prefixes("solidna_test_import_fails") == ("fig3g",)
    assert "solidna_test_import_fails" not in sys.modules
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", ("solidna_test_import_fails",))
    result = reproduce(["fig3g"], out=tmp_path / "o")
    for r in result["results"]:
        assert r["model"] is None and "cannot import heavy thing" in r["note"]
    assert exit_code(result) == 1


def test_missing_module_means_no_model_yet(monkeypatch, tmp_path: Path) -> None:
    # not importable; its prefix is taken from its name (like solidna.reproduce.fig3 -> fig3)
    name = "solidna.reproduce.fig3f_not_written_yet"
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", (name,))
    result = reproduce(["fig3f"], out=tmp_path / "o")
    assert all(r["note"] == NO_MODEL_NOTE for r in result["results"])
    assert result["run"]["modules"][0]["status"] == "missing"
    assert exit_code(result) == 0


def test_module_selection(monkeypatch) -> None:
    make_module(monkeypatch, "solidna_test_f3", ("fig3",))
    make_module(monkeypatch, "solidna_test_f4", ("fig4", "figS18"))
    modules = ("solidna_test_f3", "solidna_test_f4")

    def names(prefixes):
        return [name for name, _ in select_modules(prefixes, modules)]

    assert names(["fig4h"]) == ["solidna_test_f4"]
    assert names(["fig4"]) == ["solidna_test_f4"]
    assert names(["figS18.mna"]) == ["solidna_test_f4"]
    assert names(["fig"]) == list(modules)
    assert names(None) == list(modules)
    assert names(["thermo"]) == []


def test_unselected_modules_are_not_run(fake_fig3f, monkeypatch, tmp_path: Path) -> None:
    make_module(monkeypatch, "solidna_test_f4", ("fig4",), error=AssertionError("must not run"))
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", (FAKE, "solidna_test_f4"))
    result = reproduce(["fig3f"], out=tmp_path / "o")
    assert [m["module"] for m in result["run"]["modules"]] == [FAKE]


def test_unknown_prefix_lists_valid_prefixes(tmp_path: Path) -> None:
    with pytest.raises(
        InvalidOptionError, match=r"Unknown target prefix 'fig9'.*Valid prefixes: .*fig3f"
    ):
        reproduce(["fig9"], out=tmp_path / "never")
    assert not (tmp_path / "never").exists()  # refused before anything is written
    with pytest.raises(ValueError, match="closest to 'fig4hh'"):
        check_prefixes(["fig4hh"])


def test_check_prefixes_and_valid_prefixes() -> None:
    assert check_prefixes(None) is None
    assert check_prefixes([]) is None
    assert check_prefixes([" fig3f", "fig3f", "thermo"]) == ["fig3f", "thermo"]
    assert check_prefixes(["fig3f.sigma.w0p5"]) == ["fig3f.sigma.w0p5"]
    prefixes = valid_prefixes()
    assert {"fig3f", "fig4h", "thermo", "figS18"} <= set(prefixes)
    assert all("." not in p for p in prefixes)


def test_non_empty_out_refused_and_force_keeps_user_files(fake_fig3f, tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "my_notes.txt").write_text("keep me")
    with pytest.raises(OutputExistsError, match=r"not empty.*pass --force"):
        reproduce(["fig3f"], out=out)
    assert not (out / "reproduction.json").exists()
    reproduce(["fig3f"], out=out, force=True)
    assert (out / "my_notes.txt").read_text() == "keep me"
    assert (out / "reproduction.json").exists()


def test_model_values_are_cleaned(monkeypatch, tmp_path: Path) -> None:
    import numpy as np

    make_module(
        monkeypatch,
        "solidna_test_values",
        ("fig3f", "fig5c"),
        [
            TargetResult("fig3f.sigma.w0p5", np.float64(0.61), "numpy value"),
            TargetResult("fig3f.sigma.w0p8", float("nan"), "solver failed"),
            TargetResult("fig5c.capacity.monotonic", np.bool_(True), "boolean"),
            TargetResult("fig9.does.not.exist", 1.0),
        ],
    )
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", ("solidna_test_values",))
    result = reproduce(["fig3f", "fig5c"], out=tmp_path / "o")
    rows = by_id(result)
    assert rows["fig3f.sigma.w0p5"]["model"] == 0.61 and rows["fig3f.sigma.w0p5"]["pass"] is True
    assert rows["fig3f.sigma.w0p8"]["model"] is None
    assert "nan" in rows["fig3f.sigma.w0p8"]["note"]
    assert rows["fig5c.capacity.monotonic"]["model"] is True
    assert rows["fig5c.capacity.monotonic"]["pass"] is True
    assert any("fig9.does.not.exist" in n for n in result["run"]["notes"])
    json.loads((tmp_path / "o" / "reproduction.json").read_text())  # valid JSON (no NaN)


def test_progress_is_reported(fake_fig3f, tmp_path: Path) -> None:
    calls: list[tuple[str, float | None]] = []
    reproduce(["fig3f"], out=tmp_path / "o", progress=lambda m, f=None: calls.append((m, f)))
    fractions = [f for _, f in calls if f is not None]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions[-1] == 1.0
    assert any("computing" in m for m, _ in calls)  # the module's own messages are passed on


def test_exit_code() -> None:
    ok = {"results": [{"role": "calibrate", "pass": True}, {"role": "reference"}]}
    assert exit_code(ok) == 0
    null = {"results": [{"role": "validate", "pass": None}]}
    assert exit_code(null) == 0
    failed = {"results": [{"role": "validate", "pass": False}]}
    assert exit_code(failed) == 1
    crashed = {"results": [], "run": {"modules": [{"status": "error"}]}}
    assert exit_code(crashed) == 1


def test_progress_never_goes_back_and_moves_within_each_module(monkeypatch, tmp_path: Path) -> None:
    # two modules; the first one re-estimates its work and reports a smaller fraction
    def module(name: str, prefix: str, fractions: list[float], seconds: float) -> None:
        mod = types.ModuleType(name)
        mod.PREFIXES = (prefix,)
        mod.EXPECTED_WALL_TIME_S = seconds

        def run(progress):
            for f in fractions:
                progress(f"step {f}", f)
            return FigureOutput(name=name)

        mod.run = run
        monkeypatch.setitem(sys.modules, name, mod)

    module("solidna_test_slow", "fig3f", [0.0, 0.5, 0.3, 0.9], 30.0)
    module("solidna_test_quick", "fig3g", [0.0, 0.5, 1.0], 10.0)
    monkeypatch.setattr(
        solidna.reproduce, "FIGURE_MODULES", ("solidna_test_slow", "solidna_test_quick")
    )
    calls: list[tuple[str, float | None]] = []
    reproduce(["fig3"], out=tmp_path / "o", progress=lambda m, f=None: calls.append((m, f)))
    fractions = [f for _, f in calls if f is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    by_message = {m: f for m, f in calls if f is not None}
    # the slow module has 3/4 of the bar (30 s of 40 s): its halfway point is at ~0.37
    assert by_message["solidna_test_slow: step 0.5"] == pytest.approx(0.75 * 0.99 * 0.5)
    assert by_message["solidna_test_slow: step 0.3"] == pytest.approx(0.75 * 0.99 * 0.5)
    assert by_message["solidna_test_quick: step 0.5"] == pytest.approx(0.99 * (0.75 + 0.25 * 0.5))
    # more than one distinct fraction within each module: the bar moves while it runs
    for name in ("solidna_test_slow", "solidna_test_quick"):
        inside = {f for m, f in calls if m.startswith(name) and f is not None}
        assert len(inside) >= 3, name


def test_expected_wall_time_is_read_without_importing(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "solidna_test_timed.py").write_text(
        'PREFIXES = ("fig3g",)\nEXPECTED_WALL_TIME_S = 42.5\nraise ImportError("heavy")\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert expected_wall_time_s("solidna_test_timed") == 42.5
    assert "solidna_test_timed" not in sys.modules
    assert expected_wall_time_s("solidna_test_no_such_module") == DEFAULT_WALL_TIME_S
    # every figure module of the package says how long it takes
    for name in solidna.reproduce.FIGURE_MODULES:
        assert expected_wall_time_s(name) != DEFAULT_WALL_TIME_S, name


def test_captions_and_notes_reach_the_report(monkeypatch, tmp_path: Path) -> None:
    name = "solidna_test_explained"
    module = types.ModuleType(name)
    module.PREFIXES = ("fig3f",)

    def run(progress):
        out = FigureOutput(
            name="fig3",
            results=[TargetResult("fig3f.sigma.w1p5", 0.2, "fake value")],
            figures={"fig3f": _figure()},
            captions={"fig3f": "Conductivity; markers: Lu 2019 Fig. 3f."},
        )
        out.note("the fake law is too steep", "fig3f.sigma")
        out.notes.append("a plain note")
        return out

    module.run = run
    monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", (name,))
    result = reproduce(["fig3f"], out=tmp_path / "o")
    # the JSON keeps plain strings, prefixed with the figure name
    assert result["run"]["notes"] == ["fig3: the fake law is too steep", "fig3: a plain note"]
    assert all(type(n) is str for n in result["run"]["notes"])
    html = (tmp_path / "o" / "report.html").read_text()
    assert "Conductivity; markers: Lu 2019 Fig. 3f.</figcaption>" in html
    assert '<a href="#why-fig3f.sigma.w1p5">why?</a>' in html
    item = html[html.index('<span id="why-fig3f.sigma.w1p5">') :].split("</li>")[0]
    assert '<a href="#note-1">note 1</a>' in item and "too steep" in item
    assert isinstance(Note("x"), str)
