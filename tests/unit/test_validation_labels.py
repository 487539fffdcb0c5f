"""Every validate target says what it tests - prediction or consistency - with a reason
(targets/validation.yaml), and the numeric consistency claims that cost no simulation hold.

The claims that need a cell simulation are checked where the figure is reproduced
(tests/reproduction: the Fig. 5d gaps on the line through the calibrated ones)."""

import math

import pytest

from solidna import lu2019
from solidna.materials import electrolyte as el
from solidna.targets import VALIDATION_KINDS, load_targets, validation_kind


def test_every_validate_target_is_labelled_and_nothing_else():
    for t in load_targets():
        label = validation_kind(t.id)
        if t.role == "validate":
            assert label is not None, f"{t.id}: add it to targets/validation.yaml"
            assert label.kind in VALIDATION_KINDS
            assert len(label.why) > 20 and "\n" not in label.why, t.id
        else:
            assert label is None, t.id


def test_first_principles_and_tabulated_results_are_predictions():
    # no calibrated parameter enters Fig. 1 or the thermodynamics: they cannot be consistency
    for t in load_targets(["fig1", "thermo"]):
        assert validation_kind(t.id).kind == "prediction", t.id


def test_activation_energy_is_the_two_point_value_of_the_calibrated_conductivities():
    """fig3g.activation_energy (and the slope) are consistency: the model's apparent E_a over
    10-60 C equals the two-point value from its sigma(25 C) and sigma(50 C) - both calibrated
    (fig3f.sigma.w0p8, fig3g.sigma.50C) - to within 0.01 eV, a third of the 0.03 eV tolerance."""
    ps = lu2019()
    w = ps["SSE PVDF-HFP ratio [-]"]
    t1, t2 = 298.15, 323.15
    s1, s2 = (el.conductivity_S_m(t, w, ps) for t in (t1, t2))
    k_b = 8.617333262e-5  # eV/K (CODATA 2018)
    two_point = k_b * math.log(s2 / s1) / (1 / t1 - 1 / t2)
    assert el.activation_energy(ps, w) == pytest.approx(two_point, abs=0.01)


def test_modulus_at_w0p8_lies_on_the_power_law_through_the_calibrated_points():
    """fig3f.modulus.w0p8 is consistency: log E is linear in log phi_P through the two
    calibrated moduli (w = 0.5, 1.5), so the w = 0.8 value is their interpolation."""
    ps = lu2019()
    phi = {w: 1 - el.conducting_phase_volume_fraction(w, ps) for w in (0.5, 0.8, 1.5)}
    e = {w: el.modulus_Pa(w, ps) for w in phi}
    t = math.log(phi[0.8] / phi[0.5]) / math.log(phi[1.5] / phi[0.5])
    assert e[0.8] == pytest.approx(e[0.5] ** (1 - t) * e[1.5] ** t, rel=1e-9)


def test_report_counts_calibrate_prediction_and_consistency_apart():
    from solidna.report.html import render_report, summarize

    results = [
        {"id": "fig4h.mna.overpotential.start", "role": "calibrate", "pass": True, "model": 80},
        {"id": "thermo.E0", "role": "validate", "pass": True, "model": 2.35},
        {"id": "fig5d.overpotential.200", "role": "validate", "pass": True, "model": 1.85},
        {"id": "fig3g.activation_energy", "role": "validate", "pass": False, "model": 0.5},
    ]
    counts = summarize(results)
    assert counts["by_kind"]["prediction"] == {"pass": 1, "fail": 0, "null": 0}
    assert counts["by_kind"]["consistency"] == {"pass": 1, "fail": 1, "null": 0}
    html = render_report({"results": results})
    assert "Predictions: 1 of 1 pass" in html
    assert "Consistency checks: 1 of 2 pass" in html
    assert "Fitted numbers (calibrate): 1 of 1 pass" in html
    # each validate row says what it tests, and why
    assert "validate: <b>consistency</b>" in html and "Tafel" in html


def test_reproduce_keeps_one_source_of_the_kinds(monkeypatch, tmp_path):
    """reproduction.json carries no copy of the validation kinds (nothing read it); the report
    written by ``reproduce`` labels each validate row from targets/validation.yaml."""
    import html as html_lib
    import sys
    import types

    import solidna.reproduce
    from solidna.reproduce.base import FigureOutput, TargetResult
    from solidna.reproduce.runner import reproduce

    stand_in = types.ModuleType("solidna_test_kinds")
    stand_in.PREFIXES = ("fig3f",)
    stand_in.run = lambda progress: FigureOutput(
        name="kinds", results=[TargetResult("fig3f.modulus.w0p8", 7.0, "stand-in")]
    )
    monkeypatch.setitem(sys.modules, stand_in.__name__, stand_in)
    monkeypatch.setattr(solidna.reproduce, "FIGURE_MODULES", (stand_in.__name__,))
    record = reproduce(["fig3f"], out=tmp_path / "o")
    assert "validation_kinds" not in record["run"]
    page = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    label = validation_kind("fig3f.modulus.w0p8")
    assert f"validate: <b>{label.kind}</b>" in page
    assert html_lib.escape(label.why) in page
