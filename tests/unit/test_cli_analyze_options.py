"""``solidna analyze``: options act on the kinds they belong to, or are refused (issue 9, item 2).

An option typed with a ``--kind`` it does not act on would be silently ignored; it is refused in
one line naming the option, the kind given and the kinds it acts on (exit status 2, no traceback,
nothing in ``--out``). The table behind it (``OPTION_KINDS``) also writes the start of each help
text and agrees with the Python API's tables. Surface quantities take units ("0.3 rad",
"284.5 eV", "0.1 nm/s").
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis import pipeline, surface_pipeline
from solidna.analysis.pipeline import analyze
from solidna.analysis.surface_pipeline import surface_options
from solidna.cli import analyze as cli_analyze
from solidna.cli.analyze import KINDS, OPTION_KINDS, OPTION_NEEDS
from solidna.errors import InvalidOptionError, OutOfRangeError, OutOfRangeWarning

runner = CliRunner()
PARAMS = {p.name: p for p in get_command(cli.app).commands["analyze"].params}

#: A valid value of every option of some kinds (the test below checks the list is complete).
SAMPLE = {
    "format": ["--format", "csv"],
    "column": ["--column", "time=t"],
    "sheet": ["--sheet", "record"],
    "data": ["--no-data"],
    "area": ["--area", "1 cm2"],
    "mass": ["--mass", "1 mg"],
    "thickness": ["--thickness", "60 um"],
    "temperature": ["--temperature", "25 degC"],
    "circuit": ["--circuit", "R0"],
    "drt": ["--drt"],
    "keep_off_points": ["--keep-off-points"],
    "anode": ["--anode", "pristine"],
    "forecast": ["--forecast", "100 h"],
    "forecast_samples": ["--forecast-samples", "3"],
    "reference_cycle": ["--reference-cycle", "2"],
    "ohmic_resistance": ["--ohmic-resistance", "12 ohm*cm2"],
    "model_fit": ["--no-model-fit"],
    "indenter": ["--indenter", "cone"],
    "tip_radius": ["--tip-radius", "10 um"],
    "half_angle": ["--half-angle", "20 deg"],
    "poisson": ["--poisson", "0.3"],
    "workers": ["--workers", "2"],
    "level": ["--level", "line"],
    "channel": ["--channel", "1"],
    "charge_reference": ["--charge-reference", "284.5 eV"],
    "peaks": ["--peaks", "peaks.toml"],
    "rsf": ["--rsf", "Sn 3d5/2=14.8"],
    "sputter_rate": ["--sputter-rate", "0.1 nm/s"],
    "photon_energy": ["--photon-energy", "1486.6 eV"],
    "energy_axis": ["--energy-axis", "kinetic"],
    "spring_constant": ["--spring-constant", "0.1 N/m"],
    "sensitivity": ["--sensitivity", "50 nm/V"],
}


def _run(tmp_path: Path, kind: str, *options: str):
    data = tmp_path / "f.csv"
    data.write_text("Time [s],Voltage [V],Current [mA]\n0,0.08,0.1\n")
    out = tmp_path / "out"
    args = ["analyze", str(data), "--kind", kind, *options, "--out", str(out)]
    return runner.invoke(cli.app, args), out


def _assert_refused(result, out: Path, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.split())
    assert text.startswith("Error:"), result.stderr
    for fragment in fragments:
        assert fragment in text, (fragment, result.stderr)
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if ".solidna-staging-" in p.name]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict:
    """What the command hands to the analysis (which then stops with a user error)."""
    seen: dict = {}

    def fake(files, kind, out, force, progress, **kwargs):
        seen.update(kwargs, kind=kind)
        raise InvalidOptionError("stopped by the test")

    monkeypatch.setattr(pipeline, "analyze", fake)
    return seen


# --- the table ---------------------------------------------------------------------------------
def test_help_texts_start_with_the_kinds_of_the_table() -> None:
    assert set(OPTION_KINDS) <= set(PARAMS) and set(SAMPLE) == set(OPTION_KINDS)
    kind_prefix = re.compile(r"^([a-z0-9-]+/)*(" + "|".join(map(re.escape, KINDS)) + r")\b")
    for name, param in PARAMS.items():
        if name in OPTION_KINDS:
            assert set(OPTION_KINDS[name]) <= set(KINDS), name
            assert param.help.startswith("/".join(OPTION_KINDS[name]) + ": "), name
        elif param.help:
            # an option of every kind names no kind at the start of its help
            assert not kind_prefix.match(param.help), name
    for (name, kind), needed in OPTION_NEEDS.items():
        assert kind in OPTION_KINDS[name] and needed in PARAMS


def test_the_table_agrees_with_the_python_api() -> None:
    api_names = {"column": "columns"}
    api = {n: kinds for names, kinds in pipeline.KEYWORD_KINDS.items() for n in names}
    surface = {n: k for names, k in surface_pipeline.SURFACE_OPTION_KINDS.items() for n in names}
    assert set(api.pop("surface")) == set(surface_pipeline.SURFACE_KINDS)
    for name, kinds in api.items():
        assert OPTION_KINDS[{v: k for k, v in api_names.items()}.get(name, name)] == kinds, name
    for name, kinds in surface.items():
        if name in OPTION_KINDS:  # `background` is not on the command line
            assert OPTION_KINDS[name] == kinds, name
    assert cli_analyze.ELECTROCHEMICAL_KINDS == pipeline.ELECTROCHEMICAL_KINDS


# --- refused with another kind -----------------------------------------------------------------
def test_the_examples_of_the_review_are_refused(tmp_path: Path) -> None:
    result, out = _run(tmp_path, "eis", "--sputter-rate", "0.1 nm/s")
    _assert_refused(
        result,
        out,
        "--sputter-rate applies to --kind xps only; you gave --kind eis. Drop the option or "
        "change --kind.",
    )
    result, out = _run(tmp_path, "xps", "--circuit", "R0")
    _assert_refused(result, out, "--circuit applies to --kind eis only; you gave --kind xps")
    result, out = _run(tmp_path, "symmetric", "--indenter", "cone")
    _assert_refused(result, out, "--indenter applies to --kind afm-force or afm-map only")
    result, out = _run(tmp_path, "topography", "--area", "1 cm2", "--temperature", "25 degC")
    _assert_refused(
        result,
        out,
        "--area applies to --kind symmetric, eis, cv, na-co2, nvp or battery only; --temperature "
        "applies to --kind symmetric, eis or cv only; you gave --kind topography. Drop these "
        "options",
    )


@pytest.mark.parametrize("name", sorted(OPTION_KINDS))
def test_every_option_is_refused_with_every_kind_it_does_not_act_on(tmp_path, name) -> None:
    flag = "/".join([*PARAMS[name].opts, *PARAMS[name].secondary_opts])
    for kind in (k for k in KINDS if k not in OPTION_KINDS[name]):
        result, out = _run(tmp_path, kind, *SAMPLE[name])
        _assert_refused(result, out, f"{flag} applies to --kind ", f"you gave --kind {kind}.")


def test_an_option_needing_another_is_refused_without_it(tmp_path, captured) -> None:
    result, out = _run(tmp_path, "symmetric", "--thickness", "60 um")
    _assert_refused(result, out, "--thickness acts with --kind symmetric only through --forecast")
    result, out = _run(tmp_path, "cv", "--no-model-fit", "--anode", "pristine")
    _assert_refused(result, out, "--anode", "only through --model-fit", "--no-model-fit")
    # with it, both reach the analysis
    result, _ = _run(tmp_path, "symmetric", "--forecast", "100 h", "--thickness", "60 um")
    assert "stopped by the test" in result.stderr
    assert captured["thickness"] == ["60 um"] and captured["forecast"] == "100 h"


def test_options_of_the_kind_act_and_defaults_are_never_refused(tmp_path, captured) -> None:
    result, _ = _run(tmp_path, "xps", *SAMPLE["charge_reference"], *SAMPLE["sputter_rate"])
    assert result.exit_code == 2 and "stopped by the test" in result.stderr
    assert captured["surface"] == {
        "charge_reference": "284.5 eV",
        "peaks": None,
        "rsf": None,
        "sputter_rate": "0.1 nm/s",
        "photon_energy": None,
        "energy_axis": None,
    }
    _run(tmp_path, "afm-map", "--workers", "2")
    assert captured["surface"]["workers"] == 2 and "sputter_rate" not in captured["surface"]
    _run(tmp_path, "nvp", "--mass", "2 mg", "--reference-cycle", "2", "--no-data")
    assert captured["mass"] == ["2 mg"] and captured["reference_cycle"] == 2
    assert captured["write_data"] is False and captured["surface"] is None


# --- surface units -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("option", "typed", "passed"),
    [
        ("--half-angle", "0.3 rad", "0.3 rad"),
        ("--half-angle", "17.5 deg", "17.5 deg"),
        ("--half-angle", "17.5", "17.5 deg"),  # a bare number is in deg, as the help says
        ("--charge-reference", "284.5", "284.5 eV"),
        ("--charge-reference", "0.2845 keV", "0.2845 keV"),
        ("--photon-energy", "1486.6", "1486.6 eV"),  # a bare number is in eV
        ("--photon-energy", "1.4866 keV", "1.4866 keV"),
    ],
)
def test_surface_quantities_take_units(tmp_path, captured, option, typed, passed) -> None:
    kind = "xps" if option in ("--charge-reference", "--photon-energy") else "afm-force"
    result, _ = _run(tmp_path, kind, option, typed)
    assert "stopped by the test" in result.stderr, result.output
    key = option.lstrip("-").replace("-", "_")
    assert captured["surface"][key] == passed


def test_surface_quantities_are_converted() -> None:
    assert surface_options("afm-force", half_angle="0.3 rad")["half_angle_deg"] == pytest.approx(
        0.3 * 180 / 3.141592653589793
    )
    assert surface_options("xps", charge_reference="0.2845 keV")["charge_reference_eV"] == (
        pytest.approx(284.5)
    )
    assert surface_options("xps", sputter_rate="6 nm/min")["sputter_rate_m_s"] == pytest.approx(
        1e-10
    )


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--half-angle", "2 rad", "--half-angle: '2 rad' is more than the maximum of 90 deg"),
        ("--half-angle", "17.5 V", "not an angle"),
        ("--charge-reference", "284.8 keV", "between 283 and 287 eV"),
        ("--charge-reference", "fast", "--charge-reference: cannot parse 'fast'"),
        ("--sputter-rate", "0.1", "--sputter-rate: '0.1' has no unit; give a sputter rate, e.g."),
        ("--sputter-rate", "-1 nm/s", "--sputter-rate: '-1 nm/s' must be greater than zero"),
    ],
)
def test_bad_surface_quantities_are_one_line(tmp_path, option, value, fragment) -> None:
    kind = "afm-force" if option == "--half-angle" else "xps"
    result, out = _run(tmp_path, kind, option, value)
    _assert_refused(result, out, fragment)
    assert "ValueError" not in result.output


def test_a_bare_sputter_rate_in_the_api_warns_with_its_si_reading() -> None:
    with pytest.warns(OutOfRangeWarning, match=r"read as 1e-07 m/s.*pass '1e-07 nm/s'"):
        assert surface_options("xps", sputter_rate=1e-7)["sputter_rate_m_s"] == 1e-7
    # above any ion gun's rate (1 um/s) a bare number is refused, its SI reading spelled out
    with pytest.raises(OutOfRangeError, match=r"read as 0\.1 m/s.*e\.g\. '0\.1 nm/s'"):
        surface_options("xps", sputter_rate=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plausible bare rate (SI) is read without a warning
        assert surface_options("xps", sputter_rate=1e-10)["sputter_rate_m_s"] == 1e-10


# --- the Python API refuses likewise -----------------------------------------------------------
def test_the_api_refuses_keywords_the_kind_ignores(tmp_path: Path) -> None:
    f = tmp_path / "x.vms"
    f.write_text("not read: the keywords are checked first\n")
    out = tmp_path / "out"
    with pytest.raises(
        InvalidOptionError, match=r"area applies to kind symmetric or .* ignored with kind 'xps'"
    ):
        analyze(f, "xps", out, area="1 cm2")
    with pytest.raises(
        InvalidOptionError,
        match="surface applies to kind xps or afm-force or afm-map or topography only",
    ):
        analyze(f, "eis", out, surface={"sputter_rate": "0.1 nm/s"})
    with pytest.raises(InvalidOptionError, match="sputter_rate applies to kind xps only"):
        analyze(f, "afm-force", out, surface={"sputter_rate": "0.1 nm/s"})
    with pytest.raises(
        InvalidOptionError, match="mass applies to kind na-co2 or nvp or battery only"
    ):
        analyze(f, "eis", out, mass="1 mg")
    assert not out.exists()
