"""A new user's edges of `screen`, `calibrate`, the parameter files and the record fit.

Each test below failed before its fix (a traceback, a silent wrong reading, a misleading or
unit-less message), except those named ``control``.
"""

from __future__ import annotations

import re
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import solidna as sd
from solidna.errors import DataFormatError, InvalidOptionError, OutOfRangeError, OutOfRangeWarning

runner = CliRunner()


# --- a parameter set the user edits -----------------------------------------------------------
@pytest.fixture(scope="module")
def saved_set(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("sets") / "base"
    sd.lu2019().save(folder)
    return (folder / "parameters.toml").read_text()


THICKNESS = 'value = 6e-05\nunit = "m"\n'


def _edited(tmp_path: Path, text: str, old: str, new: str) -> Path:
    assert old in text
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "parameters.toml").write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        # 60 um was read as 60 m, 25 degC as 25 K: silently
        ('value = 60\nunit = "um"\n', r"unit 'um' is not the unit of the name .*value = 6e-05"),
        ("value = 6e-05\n", r"lacks 'unit'.*that of its name: 'm'"),
        ('value = "60 um"\nunit = "m"\n', r"value '60 um' is not a number.*value = 6e-05"),
        ('value = true\nunit = "m"\n', r"value True is not a number"),
        ('value = nan\nunit = "m"\n', r"value nan is not a number"),
        (
            'value = -6e-05\nunit = "m"\n',
            r"-6e-05 m is not possible; a quantity in m is not negative",
        ),
    ],
)
def test_an_edited_entry_is_refused_with_the_fix(tmp_path, saved_set, new, expected) -> None:
    folder = _edited(tmp_path, saved_set, THICKNESS, new)
    with pytest.raises(DataFormatError, match=expected):
        sd.ParameterSet.load(str(folder))


def test_a_temperature_in_degc_gets_its_kelvin(tmp_path, saved_set) -> None:
    folder = _edited(tmp_path, saved_set, 'value = 298.15\nunit = "K"', 'value = 25\nunit = "degC"')
    with pytest.raises(DataFormatError, match=r"Write value = 298.15 and unit = 'K'"):
        sd.ParameterSet.load(str(folder))


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        # a typo loaded, and the cell then died in PyBaMM with a KeyError traceback
        ('[parameters."SSE thicknes [m]"]', r"did you mean 'SSE thickness \[m\]'"),
        # a value where a table belongs: TypeError: 'int' object is not iterable
        (
            '[parameters]\n"SSE x [m]" = 5\n[parameters."SSE thickness [m]"]',
            r"'SSE x \[m\]' is 5, not a table",
        ),
    ],
)
def test_a_misspelt_or_malformed_name_is_refused(tmp_path, saved_set, new, expected) -> None:
    folder = _edited(tmp_path, saved_set, '[parameters."SSE thickness [m]"]', new)
    with pytest.raises(DataFormatError, match=expected):
        sd.ParameterSet.load(str(folder))


def test_a_value_outside_its_valid_range_warns(tmp_path, saved_set) -> None:
    old = 'value = 0.4\nunit = "-"'
    folder = _edited(tmp_path, saved_set, old, 'value = 1.5\nunit = "-"')
    with pytest.warns(OutOfRangeWarning, match=r"= 1.5 .* outside its valid range 0.3 to 0.5"):
        sd.ParameterSet.load(str(folder))


def test_the_cli_shows_the_file_error(tmp_path, saved_set) -> None:
    from solidna import cli

    folder = _edited(tmp_path, saved_set, THICKNESS, 'value = 60\nunit = "um"\n')
    result = runner.invoke(cli.app, ["parameters", "--set", str(folder)])
    assert result.exit_code == 2
    assert "value = 6e-05" in result.stderr and "Traceback" not in result.output


def test_a_set_that_is_a_file_or_holds_nothing_is_named_as_such(tmp_path) -> None:
    # "--set mine/parameters.toml" was "neither a set shipped with solidna ... nor a folder";
    # a folder of TOML files without entries loaded as an empty set
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "a.toml").write_text("[meta]\nx = 1\n")
    with pytest.raises(DataFormatError, match="defines no parameter"):
        sd.ParameterSet.load(str(tmp_path / "empty"))
    with pytest.raises(InvalidOptionError, match=r"is a file; .* Give the folder that holds it"):
        sd.ParameterSet.load(str(tmp_path / "empty" / "a.toml"))


def test_updated_refuses_a_negative_length_and_shows_plain_numbers() -> None:
    ps = sd.lu2019()
    with pytest.raises(OutOfRangeError, match=r"SSE thickness \[m\]: -1e-05 m is not possible"):
        ps.updated({"SSE thickness [m]": -1e-5})
    with pytest.raises(OutOfRangeError) as info:
        ps.updated({"Temperature [K]": np.float64("inf")})
    assert "np.float64" not in str(info.value) and ": inf is not" in str(info.value)


def test_control_zero_switches_a_process_off() -> None:
    # a diffusivity of 0 stops the film's growth (tests/physics/test_off_paper.py uses it)
    ps = sd.lu2019().updated({"Modified interphase solvent diffusivity [m2.s-1]": 0.0})
    assert ps["Modified interphase solvent diffusivity [m2.s-1]"] == 0.0


def test_control_shipped_set_and_a_saved_copy_load_unchanged(tmp_path) -> None:
    ps = sd.lu2019()
    assert ps["Pristine interphase current enhancement density [A.m-2]"] == float("inf")
    ps.save(tmp_path / "copy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = sd.ParameterSet.load(str(tmp_path / "copy"))
    assert back.hash() == ps.hash()


# --- screen: molecules checked before anything is computed --------------------------------------
def test_several_species_in_one_smiles_are_refused() -> None:
    # 'C.C' crashed inside PySCF ("Too close interatomic distances", exit 70)
    from solidna.quantum.screen import parse_molecules

    with pytest.raises(InvalidOptionError, match=r"holds 2 separate species.*'\[Na\+\]' '\[Cl-\]'"):
        parse_molecules(["[Na+].[Cl-]"])


@pytest.mark.parametrize("smiles", ["[CH3]", "[He]", "[Na]", "CCCC"])
def test_a_molecule_without_a_na_site_is_refused_before_computing(smiles) -> None:
    # the free molecule was computed first, then the run died on its Na+ complex
    from solidna.quantum.screen import parse_molecules

    with pytest.raises(InvalidOptionError, match="No atom to bind Na\\+"):
        parse_molecules(["FEC", smiles])


def test_a_huge_molecule_is_refused_unless_the_limit_is_lifted() -> None:
    # a 142-atom chain ran for hours at 0 % with no time left
    from solidna.quantum.screen import MAX_ATOMS, parse_molecules

    peg = "CO" + "CCO" * 19 + "C"
    with pytest.raises(InvalidOptionError, match=rf"142 atoms\); the limit is {MAX_ATOMS}"):
        parse_molecules([peg])
    assert parse_molecules([peg], max_atoms=None)[0].n_atoms == 142


def test_progress_shares_follow_the_size() -> None:
    from solidna.quantum.screen import cost_weights, parse_molecules

    weights = cost_weights(parse_molecules(["AN", "TEGDME"]))
    assert sum(weights) == pytest.approx(1.0) and weights[1] > 5 * weights[0]


def test_a_file_given_as_molecule_gets_the_shell_line(tmp_path, monkeypatch) -> None:
    from solidna import cli

    monkeypatch.chdir(tmp_path)
    Path("solvents.txt").write_text("FEC\nEC\n")
    result = runner.invoke(cli.app, ["screen", "solvents.txt", "--level", "test", "--out", "o"])
    assert result.exit_code == 2
    assert "is a file" in result.stderr and "$(grep -v '^#' solvents.txt)" in result.stderr
    assert not Path("o").exists()


# --- the results cache ----------------------------------------------------------------------------
def test_a_cache_entry_that_is_not_an_entry_is_recomputed_with_a_note(tmp_path) -> None:
    from solidna.quantum.cache import ResultsCache, cache_key

    cache = ResultsCache(tmp_path)
    digest, _ = cache_key("orbitals", {"x": 1})
    (tmp_path / "orbitals").mkdir()
    (tmp_path / "orbitals" / f"{digest}.json").write_text("[]")  # valid JSON, not an entry
    assert cache.get("orbitals", {"x": 1}) is None  # was AttributeError: 'list' ... 'get'
    assert any("not a solidna entry" in p for p in cache.problems)


def test_a_cache_dir_that_is_a_file_is_said_once_and_up_front(tmp_path) -> None:
    from solidna.quantum.cache import ResultsCache

    blocker = tmp_path / "afile"
    blocker.write_text("")
    cache = ResultsCache(blocker)
    assert "is a file, not a directory" in cache.usable()
    assert cache.get("orbitals", {"x": 1}) is None
    for k in range(3):
        cache.put("orbitals", {"x": k}, {"v": k})
    assert len(cache.problems) == 1 and "SOLIDNA_CACHE_DIR" in cache.problems[0]
    assert ResultsCache(tmp_path / "new" / "dir").usable() is None  # control: creatable


# --- fitting the user's own record ----------------------------------------------------------------
def _square_wave(n_cycles: int = 6, half_s: float = 3600.0, j: float = 1.0, eta: float = 0.08):
    t = np.arange(0, 2 * n_cycles * half_s, 60.0)
    sign = np.where((t // half_s) % 2 == 0, 1.0, -1.0)
    return t, eta * sign, j * sign


def test_times_in_hours_are_named_as_such() -> None:
    # was "Modified interphase solvent diffusivity [m2.s-1]: np.float64(inf) is not a finite number"
    from solidna.calibrate.from_data import InterphaseFit

    t, v, j = _square_wave()
    with pytest.raises(DataFormatError, match="the time must be in seconds.*multiply by 3600"):
        InterphaseFit().fit(t / 3600, v, j)


def test_voltages_in_mv_are_named_as_such() -> None:
    from solidna.calibrate.from_data import InterphaseFit

    t, v, j = _square_wave()
    with pytest.raises(DataFormatError, match="voltage_V reaches 80 V.*divide by 1000"):
        InterphaseFit().fit(t, v * 1000, j)


def test_a_current_in_ma_cm2_warns_in_the_records_terms(monkeypatch) -> None:
    # the warning spoke of a bare 'current density = 0.1' the user never typed
    from solidna.calibrate import from_data

    class Stop(Exception):
        pass

    def stop(self):
        raise Stop

    monkeypatch.setattr(from_data.InterphaseFit, "_base_cell", stop)
    t, v, j = _square_wave(j=0.1)  # 0.1 mA/cm2 given as if it were A/m2
    with pytest.warns(OutOfRangeWarning, match=r"current density is 0.01 mA/cm2 .* in A/m2"):
        with pytest.raises(Stop):
            from_data.InterphaseFit().fit(t, v, j)


# --- calibrate: the fitted targets with their units -----------------------------------------------
def test_calibrate_prints_targets_with_units(monkeypatch) -> None:
    from solidna import cli

    fake = types.ModuleType("solidna.calibrate")

    def calibrate_electrolyte(write: bool = True) -> dict:
        return {
            "parameters": {"SSE gel-phase conductivity [S.m-1]": 0.0679},
            "targets": ["fig3f.sigma.w0p5"],
            "residuals": {"fig3f.sigma.w0p5": 0.01},
            "model": {"fig3f.sigma.w0p5": 0.6161},
            "nfev": 14,
            "path": None,
        }

    fake.calibrate_electrolyte = calibrate_electrolyte
    monkeypatch.setitem(sys.modules, "solidna.calibrate", fake)
    result = runner.invoke(cli.app, ["calibrate", "electrolyte", "--check"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "fig3f.sigma.w0p5" in line)
    assert "0.61" in row and "mS/cm" in row and "+1.00 %" in row
    assert "model evaluations" in result.stdout and "nothing (--check)" in result.stdout


# --- reproduce / targets: a prefix in another case ------------------------------------------------
def test_a_prefix_in_another_case_selects_the_ids() -> None:
    # "FIG3F" was "Unknown target prefix" with no closest match offered
    from solidna.reproduce.runner import check_prefixes

    assert check_prefixes(["FIG3F", "figs31", "fig3f"]) == ["fig3f", "figS31"]


def test_calibrate_refuses_an_unwritable_set_before_fitting(monkeypatch) -> None:
    # a system-wide install: the fit ran for minutes, then "unexpected PermissionError" (exit 70)
    import os

    from solidna import cli

    calls = []
    fake = types.ModuleType("solidna.calibrate")
    fake.calibrate_electrolyte = lambda write=True: calls.append(write) or {}
    monkeypatch.setitem(sys.modules, "solidna.calibrate", fake)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    result = runner.invoke(cli.app, ["calibrate", "electrolyte"])
    assert result.exit_code == 2 and calls == []
    assert "Add --check" in result.stderr and "Traceback" not in result.output


def test_a_fitted_file_that_cannot_be_written_is_a_clear_error(tmp_path) -> None:
    from solidna.calibrate._common import write_fitted
    from solidna.errors import OutputNotWritableError

    (tmp_path / "afile").write_text("")
    with pytest.raises(OutputNotWritableError, match="rerun with --check"):
        write_fitted(tmp_path / "afile" / "fitted_x.toml", "x = 1\n")


def test_study_at_the_test_level_is_check_sized(tmp_path, monkeypatch) -> None:
    # `screen --study --level test` ran the 21-point design on 6-31+G(d) (about 10 min), although
    # --level says "test (seconds, for checks)"
    from solidna import cli
    from solidna.quantum import study

    seen = {}

    class Empty:
        failures: list = []

        def band_rows(self):
            return []

        def save(self, out, paper_eV=None):
            return []

    def fake(name, **kwargs):
        seen.update(kwargs)
        return Empty()

    monkeypatch.setattr(study, "run_study", fake)
    result = runner.invoke(
        cli.app, ["screen", "--study", "--level", "test", "--out", str(tmp_path / "s")]
    )
    assert result.exit_code == 0, result.output
    assert seen["small_basis"] == "3-21G" and seen["large_basis"] is None
    assert seen["solvents"] == (study.SITE_REFERENCE,) and len(seen["functionals"]) == 2
    assert "No band: no implicit-solvent point" in result.stdout


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        ("-5 h", r"Forecast time must be a positive, finite quantity; got '-5 h'"),
        # named the converted '3.5999999999999997e+102 s' and called it "duration"
        ("1e99 h", r"forecast time: '1e99 h' is above the largest value accepted"),
    ],
)
def test_a_forecast_time_is_checked_in_the_users_words(until, expected) -> None:
    # a negative forecast gave one cycle, silently
    from solidna.calibrate.from_data import InterphaseFit

    fit = InterphaseFit()
    fit.params_ = {"Modified interphase resistivity [Ohm.m]": 4.6e6}  # as if fitted
    fit.protocol_ = {"current_density_A_m2": 1.0, "half_cycle_s": 3600.0}
    fit._x = np.log([4.6e6])
    with pytest.raises(OutOfRangeError, match=expected):
        fit.predict(until)


# --- the report from the Python API -----------------------------------------------------------------
def test_write_report_refuses_what_is_not_a_reproduction(tmp_path) -> None:
    # a list of results: AttributeError 'list' object has no attribute 'get'; a file in the way
    # of the folder: FileExistsError
    from solidna.errors import OutputNotWritableError
    from solidna.report import write_report

    with pytest.raises(InvalidOptionError, match="content of reproduction.json.*got list"):
        write_report([{"id": "x"}], None, tmp_path / "r.html")
    (tmp_path / "afile").write_text("")
    with pytest.raises(OutputNotWritableError, match="Cannot write the report"):
        write_report({"results": []}, None, tmp_path / "afile" / "r.html")


@pytest.mark.parametrize(
    ("scale_t", "scale_v", "expected"),
    [
        # voltages in mV: sundials error lines and a ConvergenceError full of casadi internals
        (1.0, 1000.0, r"voltage_V reaches 500 V.*divide by 1000"),
        # times in hours: "fitted", an exchange current 3 times off, without a word
        (1 / 3600, 1.0, r"scan rate reads 18 V/s .*multiply by 3600"),
    ],
)
def test_fit_cv_refuses_a_cv_in_other_units(scale_t, scale_v, expected) -> None:
    from solidna.calibrate.cv import fit_cv

    t = np.linspace(0.0, 400.0, 401)  # s: 5 mV/s between -0.5 and +0.5 V
    v = 0.5 - np.abs(0.005 * t - 1.0)
    with pytest.raises(DataFormatError, match=expected):
        fit_cv(t * scale_t, v * scale_v, 2.0 * v, "modified", sd.lu2019())


def test_load_targets_takes_one_prefix_and_refuses_a_typo() -> None:
    # load_targets("fig3f") gave 60 of the 64 targets (every id starting with an "f");
    # load_targets(["fig9"]) gave [], which reads as "nothing to check"
    from solidna.targets import calibrate_targets, load_targets

    assert [t.id for t in load_targets("fig3f")] == [t.id for t in load_targets(["fig3f"])]
    assert all(t.id.startswith("fig3f") for t in load_targets("fig3f"))
    with pytest.raises(InvalidOptionError, match=r"No target id starts with 'fig9'"):
        load_targets(["fig9"])
    with pytest.raises(InvalidOptionError, match="Valid prefixes: abstract"):
        calibrate_targets(["fig3x"])


def test_a_na_complex_given_to_the_screen_is_refused_up_front() -> None:
    # it passed the checks, then na_complex() raised mid-run ("already a Na+ complex")
    from solidna.quantum.molecules import molecule, na_complex
    from solidna.quantum.screen import parse_molecules

    with pytest.raises(InvalidOptionError, match="Already Na\\+ complexes: FEC-Na\\+"):
        parse_molecules([molecule("EC"), na_complex(molecule("FEC"))])


@pytest.mark.parametrize(
    ("smiles", "reason"),
    [
        ("C1CC", "ring-closure label 1 opens a ring that is never closed"),
        ("C(C", "its parentheses do not pair up"),
        ("[Na+", "its square brackets do not pair up"),
        ("CC(=O)(=O)(=O)C", "Explicit valence for atom # 1 C"),
    ],
)
def test_an_invalid_smiles_says_what_is_wrong(smiles, reason) -> None:
    # every one said only "check brackets, ring-closure digits and valences" (or, for 'C1CC',
    # "Unknown molecule name ... and it is not valid SMILES")
    from solidna.quantum.molecules import molecule

    with pytest.raises(InvalidOptionError, match=re.escape(reason)):
        molecule(smiles)
