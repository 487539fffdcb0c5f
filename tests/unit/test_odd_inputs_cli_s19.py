"""The command line and sweep specs given odd but plausible inputs, round 19.

- A count in a sweep spec written with a word, as one says it ("10 cells" for ``var_pts``, "2
  cycles", ``samples: 4 points``, ``linspace: [0.05, 0.2, 3 points]``): "'10 cells' cannot be
  read as a quantity (e.g. '60 um')" (a count takes no unit), "'cycles' is a count; got '2
  cycles'" and "got '3 points' (an empty grid)", none saying how to write it.
- ``linspace: [0.05, 0.2, 1]`` was one point, the start (numpy's), the stop dropped silently.
- ``--out -`` made a directory named ``-`` (that ``rm -r -`` cannot remove), where ``-`` means
  standard output to most tools.
- An unknown option got click's difflib suggestions, which took options that merely share
  letters: ``--frequencies`` -> "Possible options: --force", ``--temp`` -> "--help,
  --temperature".
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.errors import SolidnaError
from solidna.sweep import load_spec

runner = CliRunner()

NA_CO2 = {
    "cell": "na-co2",
    "protocol": {"cycle": {"cycles": 2}},
    "outputs": ["energy"],
    "vary": {"var_pts": {"values": [10, 20]}},
}
SYMMETRIC = {
    "cell": "symmetric",
    "protocol": {"cycle": {"half_cycle": "1 h", "duration": "4 h"}},
    "outputs": ["energy"],
    "vary": {"current_density": {"values": ["0.05 mA/cm2"]}},
}
RANGE = {"current_density": {"range": ["0.05 mA/cm2", "0.2 mA/cm2"]}}


@pytest.mark.parametrize(
    ("spec", "entry", "fix"),
    [
        ({**NA_CO2, "vary": {"var_pts": {"values": ["10 cells", "20 cells"]}}}, "var_pts", "10"),
        ({**NA_CO2, "protocol": {"cycle": {"cycles": "2 cycles"}}}, "cycles", "2"),
        (
            {
                **SYMMETRIC,
                "vary": {
                    "current_density": {"linspace": [0.05, 0.2, "3 points"], "unit": "mA/cm2"}
                },
            },
            "linspace",
            "3",
        ),
        ({**SYMMETRIC, "design": {"method": "lhs", "samples": "4 points"}, "vary": RANGE}, "", "4"),
    ],
)
def test_a_count_written_with_a_word_says_to_write_the_number_alone(spec, entry, fix):
    with pytest.raises(SolidnaError) as err:
        load_spec(spec)
    text = str(err.value)
    assert f"Write {fix} (no unit)." in text, text
    assert entry in text and "60 um" not in text and "empty grid" not in text, text


def test_a_count_that_is_no_whole_number_says_what_a_count_is():
    with pytest.raises(SolidnaError) as err:
        load_spec({**NA_CO2, "protocol": {"cycle": {"cycles": 2.5}}})
    text = str(err.value)
    assert "'cycles' is a count, a whole number without a unit; got 2.5" in text, text
    assert "Example: cycles: 2." in text, text


def test_a_plain_number_with_a_word_is_refused_as_a_plain_number():
    with pytest.raises(SolidnaError) as err:
        load_spec({**SYMMETRIC, "vary": {"pvdf_ratio": {"values": ["0.8 ratio"]}}})
    text = str(err.value)
    assert "'pvdf_ratio' is a plain number without a unit; got '0.8 ratio'" in text, text
    assert "60 um" not in text, text


def test_a_linspace_of_one_point_is_refused_not_cut_to_its_start():
    vary = {"current_density": {"linspace": ["0.05 mA/cm2", "0.2 mA/cm2", 1]}}
    with pytest.raises(SolidnaError) as err:
        load_spec({**SYMMETRIC, "vary": vary})
    text = str(err.value)
    assert "got 1 (one point would be the start alone" in text, text
    assert "linspace: [0.05 mA/cm2, 0.2 mA/cm2, 5]" in text, text
    # two points are the start and the stop
    vary["current_density"]["linspace"][2] = 2
    spec = load_spec({**SYMMETRIC, "vary": vary})
    assert spec.axes[0].values == pytest.approx((0.05, 0.2))


@pytest.mark.parametrize(
    "command",
    [["simulate", "symmetric"], ["sweep", "run", "examples/sweep_symmetric.yaml"]],
)
def test_out_dash_is_refused_and_makes_no_directory(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "sweep_symmetric.yaml").write_text("cell: symmetric\n")
    result = runner.invoke(cli.app, [*command, "--out", "-"])
    assert result.exit_code == 2, result.output
    assert "'-' is no directory" in result.output and "--out results" in result.output
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("--frequencies", None),  # was "(Possible options: --force)"
        ("--temp", "--temperature"),  # was "--help, --temperature"
        ("--curent-density", "--current-density"),
    ],
)
def test_an_unknown_option_is_answered_with_close_options_only(typed, suggested, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.app(["simulate", "symmetric", typed, "1"], standalone_mode=True)
    assert stop.value.code == 2
    text = capsys.readouterr().err
    assert f"No such option: {typed}" in text, text
    if suggested is None:
        assert "Possible options" not in text, text
    else:
        assert f"(Possible options: {suggested})" in text, text
