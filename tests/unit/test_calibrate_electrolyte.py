"""The electrolyte calibration: reproducible, reads only calibrate targets, writes provenance."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

import solidna
import solidna.materials.electrolyte as el
import solidna.targets as targets_mod
from solidna.calibrate import calibrate_electrolyte
from solidna.calibrate import electrolyte as cal
from solidna.parameters import set_directory
from solidna.parameters.parameter_set import _read_toml

# The committed file must be what the routine produces now (the optimiser converges to ~1e-12).
COMMITTED_REL = 1e-6
# Six parameters for six numbers: the fit interpolates, residuals are at rounding level.
RESIDUAL_ABS = 1e-6
EXPECTED_IDS = {
    "fig3f.sigma.w0p5",
    "fig3f.sigma.w0p8",
    "fig3f.sigma.w1p5",
    "fig3f.modulus.w0p5",
    "fig3f.modulus.w1p5",
    "fig3g.sigma.50C",
}
FITTED_PATH = set_directory("lu2019") / cal.FITTED_FILE


@pytest.fixture(scope="module")
def result():
    return calibrate_electrolyte(write=False)


def test_committed_file_matches_routine(result):
    committed = tomllib.loads(FITTED_PATH.read_text())
    assert set(committed["parameters"]) == set(el.FITTED_PARAMETERS) == set(result["parameters"])
    for name, value in result["parameters"].items():
        assert committed["parameters"][name]["value"] == pytest.approx(value, rel=COMMITTED_REL), (
            name
        )
    assert set(committed["meta"]["targets"]) == EXPECTED_IDS


def test_uses_exactly_the_calibrate_targets(result):
    assert set(result["targets"]) == EXPECTED_IDS
    for i in result["targets"]:
        assert targets_mod.get_target(i).role == "calibrate"
    assert result["parameters"] and not result["path"]


def test_fit_interpolates(result):
    for i, r in result["residuals"].items():
        assert abs(r) < RESIDUAL_ABS, i
    assert result["model"]["fig3f.sigma.w0p8"] == pytest.approx(0.51, abs=RESIDUAL_ABS)


def test_routine_never_reads_validate_or_reference_numbers(monkeypatch, result):
    """Scramble every non-calibrate value: the fit must not change; get_target must not be called."""
    paper, original = targets_mod._load()
    scrambled = tuple(
        t if t.role == "calibrate" else dataclasses.replace(t, value=12345.0) for t in original
    )
    monkeypatch.setattr(targets_mod, "_load", lambda: (paper, scrambled))

    def forbidden(*args, **kwargs):
        raise AssertionError("calibrate_electrolyte must read targets through calibrate_targets")

    monkeypatch.setattr(targets_mod, "get_target", forbidden)
    again = calibrate_electrolyte(write=False)
    assert again["parameters"] == result["parameters"]


def test_unknown_calibrate_target_is_refused(monkeypatch):
    paper, original = targets_mod._load()
    extra = dataclasses.replace(original[0], id="fig3z.new")
    monkeypatch.setattr(targets_mod, "_load", lambda: (paper, (*original, extra)))
    with pytest.raises(solidna.DataFormatError, match=r"fig3z\.new"):
        calibrate_electrolyte(write=False)


def test_write_records_provenance(tmp_path, result):
    path = tmp_path / "fitted.toml"
    out = calibrate_electrolyte(write=True, path=path)
    assert out["path"] == path
    entries, meta = _read_toml(path)  # the loader of the parameter sets accepts it
    assert meta["routine"] == cal.ROUTINE == "solidna.calibrate.electrolyte.calibrate_electrolyte"
    assert meta["solidna_version"] == solidna.__version__
    assert set(meta["targets"]) == EXPECTED_IDS and set(meta["residuals"]) == EXPECTED_IDS
    assert meta["cost"] >= 0
    for name, entry in entries.items():
        assert entry.method == "fitted"
        assert entry.source.startswith("lu2019:fig3")
        assert entry.extra["routine"] == cal.ROUTINE
        assert set(entry.extra["targets"]) <= EXPECTED_IDS
        assert entry.note
        assert entry.value == pytest.approx(result["parameters"][name], rel=COMMITTED_REL)
    # deterministic: a second run writes the same bytes (fixed initial guess, no randomness)
    second = tmp_path / "again.toml"
    calibrate_electrolyte(write=True, path=second)
    assert second.read_text() == path.read_text()


def test_fitted_names_not_duplicated_in_fixed_file():
    fixed = tomllib.loads((set_directory("lu2019") / "electrolyte.toml").read_text())
    assert not set(fixed["parameters"]) & set(el.FITTED_PARAMETERS)


def test_committed_uncertainties_match_the_routine(result):
    # The uncertainty analysis is part of the calibration's output: rerunning it finds the
    # committed sensitivities' consequences (1-sd uncertainties) to within the fit's precision.
    committed = tomllib.loads(FITTED_PATH.read_text())
    analysis = result["uncertainty"]
    for name, entry in committed["parameters"].items():
        assert entry["uncertainty"] == pytest.approx(analysis.uncertainty(name), rel=1e-4), name
    assert committed["meta"]["uncertainty"]["parameters"] == list(analysis.parameters)


def test_the_data_determine_the_gel_better_than_the_free_sn_phase(result):
    # At w = 0.5-1.5 the SSE is mostly gel: only sigma(w = 0.5) sees the free SN phase, so its
    # conductivity is the least determined parameter (a trend the fit must show, not a value).
    analysis = result["uncertainty"]
    assert analysis.factor(el.SIGMA_SN) > analysis.factor(el.SIGMA_GEL) > 1.0
