"""The uncertainty analysis of the calibrations (solidna.calibrate.uncertainty): linear algebra
against hand-computed cases, a calibrate -> analyse round trip on a stand-in model whose
uncertainties are known in closed form, the stored record, and the prediction bands."""

import math

import numpy as np
import pytest

from solidna.calibrate import nvp as nvp_cal
from solidna.calibrate._common import Calibration
from solidna.calibrate.uncertainty import (
    Identifiability,
    band,
    identifiability,
    sigma_point_sets,
    target_sigma_log,
)
from solidna.errors import DataFormatError
from solidna.parameters import ParameterSet
from solidna.targets import Target, calibrate_targets, get_target


def _target(tid: str, value: float, tol: dict) -> Target:
    return Target(tid, "calibrate", value, "-", "", "", tol)


def test_tolerance_read_as_one_standard_uncertainty():
    assert target_sigma_log(_target("a", 80.0, {"rel": 0.1})) == pytest.approx(math.log(1.1))
    assert target_sigma_log(_target("b", 2.0, {"abs": 0.05})) == pytest.approx(0.025)
    with pytest.raises(DataFormatError, match="tolerance"):
        target_sigma_log(_target("c", 2.0, {}))
    with pytest.raises(DataFormatError, match="numeric"):
        target_sigma_log(_target("d", True, {}))


def test_linear_algebra_by_hand():
    # two targets, two parameters: J = [[1, 1], [0, 2]], sigmas 0.1 and 0.2
    targets = [_target("a", 1.0, {"abs": 0.1}), _target("b", 1.0, {"abs": 0.2})]
    a = identifiability(np.array([[1.0, 1.0], [0.0, 2.0]]), ["p", "q"], [2.0, 3.0], targets)
    s = np.array([[10.0, 10.0], [0.0, 10.0]])  # diag(1/sigma) J
    assert a.scaled == pytest.approx(s)
    cov = np.linalg.inv(s.T @ s)
    assert a.covariance == pytest.approx(cov)
    assert a.std == pytest.approx(np.sqrt(np.diag(cov)))
    assert a.correlation[0, 1] == pytest.approx(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))
    assert a.singular_values == pytest.approx(np.linalg.svd(s, compute_uv=False))
    # the uncertainty of a log-space parameter in its own unit: value x sd of ln value
    assert a.uncertainty("p") == pytest.approx(2.0 * a.std[0])
    assert a.factor("q") == pytest.approx(math.exp(a.std[1]))
    assert "p1" in a.table() and "correlations" in a.table()


def test_a_parameter_no_target_sees_has_no_finite_uncertainty():
    targets = [_target("a", 1.0, {"rel": 0.1}), _target("b", 1.0, {"rel": 0.1})]
    a = identifiability(np.array([[1.0, 0.0], [2.0, 0.0]]), ["p", "q"], [1.0, 1.0], targets)
    assert math.isinf(a.std[1])
    assert a.singular_values[-1] == 0.0
    assert "not determined" in a.table()
    with pytest.raises(DataFormatError, match="undetermined"):
        sigma_point_sets(ParameterSet("t", {}), a)


def test_record_round_trip():
    targets = [_target("a", 1.0, {"abs": 0.1}), _target("b", 1.0, {"abs": 0.2})]
    a = identifiability(np.array([[1.0, 0.5], [0.1, 2.0]]), ["p", "q"], [2.0, 3.0], targets)
    b = Identifiability.from_record(a.to_record())
    assert b.covariance == pytest.approx(a.covariance)
    assert b.singular_vectors == pytest.approx(a.singular_vectors)
    with pytest.raises(DataFormatError, match="rerun"):
        Identifiability.from_record({"parameters": []})


def _stand_in(exponents: tuple[float, float]):
    """Each NVP calibrate target follows one parameter as a power law the fit must invert:
    y_i = paper_i (p_i / (3 p0_i))^k_i, so d ln y_i / d ln p_i = k_i exactly."""
    targets = calibrate_targets()
    names = list(nvp_cal.FREE_PARAMETERS)

    def model(ps, progress=None):
        return {
            tid: float(targets[tid].value) * (ps[n] / (3 * nvp_cal.FREE_PARAMETERS[n][1])) ** k
            for tid, n, k in zip(nvp_cal.TARGET_IDS, names, exponents, strict=True)
        }

    return Calibration(
        "nvp", "test", nvp_cal.FREE_PARAMETERS, nvp_cal.TARGET_IDS, model, "test"
    ), names


def test_round_trip_uncertainty_of_a_known_model(tmp_path):
    """Calibrate the stand-in, then read back the values and the closed-form uncertainties:
    sd(ln p_i) = sigma_i / k_i (a target twice as sensitive pins its parameter twice as well)."""
    exponents = (0.7, 2.0)
    problem, names = _stand_in(exponents)
    result = problem.run(write=True, path=tmp_path / "fitted_nvp.toml")
    a = result["uncertainty"]
    for name, tid, k in zip(names, nvp_cal.TARGET_IDS, exponents, strict=True):
        assert result["parameters"][name] == pytest.approx(
            3 * nvp_cal.FREE_PARAMETERS[name][1], 1e-3
        )
        expected = target_sigma_log(get_target(tid)) / k
        # forward differences of a power law in log space are exact
        assert a.std[names.index(name)] == pytest.approx(expected, rel=1e-6)
    assert abs(a.correlation[0, 1]) < 1e-9
    # the file stores the uncertainty beside each value, and the whole analysis in its meta
    import tomllib

    doc = tomllib.loads((tmp_path / "fitted_nvp.toml").read_text())
    for k, name in enumerate(names):
        entry = doc["parameters"][name]
        assert entry["uncertainty_log"] == pytest.approx(a.std[k])
        assert entry["uncertainty"] == pytest.approx(entry["value"] * a.std[k])
        assert "tolerances" in entry["uncertainty_method"]
    assert Identifiability.from_record(doc["meta"]["uncertainty"]).std == pytest.approx(a.std)


def test_analyse_at_given_values_repeats_the_fit_analysis():
    """The fast twin of a recalibration: the analysis at the fitted values (n + 1 model runs)
    is the one the fit recorded."""
    problem, names = _stand_in((0.7, 2.0))
    result = problem.run()
    base = ParameterSet.load("lu2019").updated(result["parameters"], method="fitted")
    again = problem.analyse(base)
    assert again.std == pytest.approx(result["uncertainty"].std, rel=1e-6)


def test_band_of_a_linear_prediction_is_the_linear_propagation():
    """For y = g . ln(p) the sigma-point band equals sqrt(g C g^T) exactly."""
    targets = [_target("a", 1.0, {"abs": 0.1}), _target("b", 1.0, {"abs": 0.2})]
    names = ["A [-]", "B [-]"]
    a = identifiability(np.array([[1.0, 0.5], [0.3, 2.0]]), names, [2.0, 3.0], targets)
    ps = ParameterSet("t", {}).updated({"A [-]": 2.0, "B [-]": 3.0})
    g = np.array([1.5, -0.7])

    def predict(p):
        return float(g @ np.log([p["A [-]"], p["B [-]"]]))

    points = [predict(p) for p in sigma_point_sets(ps, a)]
    assert len(points) == 2
    assert band(predict(ps), points) == pytest.approx(math.sqrt(g @ a.covariance @ g))
    # restricted to one parameter: its marginal variance only
    one = [predict(p) for p in sigma_point_sets(ps, a, only=["A [-]"])]
    assert band(predict(ps), one) == pytest.approx(abs(g[0]) * a.std[0])
    assert band(0.0, []) == 0.0


@pytest.mark.parametrize("name", ["symmetric", "na_co2", "nvp"])
def test_every_fitted_value_stores_its_uncertainty(name):
    """fitted_<name>.toml stores the analysis in its meta and, beside each fitted value, its
    standard uncertainty (in the value's unit and of its log) and how it was obtained."""
    import importlib

    from solidna import lu2019
    from solidna.calibrate.uncertainty import fitted_analysis

    cal = importlib.import_module(f"solidna.calibrate.{name}")
    ps = lu2019()
    analysis = fitted_analysis(ps, name)
    assert analysis is not None and list(analysis.targets) == list(cal.TARGET_IDS)
    for k, par in enumerate(cal.FREE_PARAMETERS):
        entry = ps.entry(par)
        assert entry.uncertainty == pytest.approx(analysis.uncertainty(par)), par
        assert entry.extra["uncertainty_log"] == pytest.approx(analysis.std[k]), par
        assert "tolerances" in entry.extra["uncertainty_method"]


@pytest.mark.parametrize("n", [2, 6, 11])
def test_the_printed_table_fits_80_columns_and_keeps_every_number(n):
    # long names and many parameters: the names get lines of their own, the sensitivity matrix
    # splits into blocks of columns, the combinations wrap, and nothing is cut
    rng = np.random.default_rng(n)
    names = [f"Cathode accessible volume per CNT mass, variant {k} [m3.kg-1]" for k in range(n)]
    targets = [_target(f"fig5c.capacity.variant{k}", 1.0, {"rel": 0.1}) for k in range(n + 1)]
    a = identifiability(rng.normal(size=(n + 1, n)), names, [2.0] * n, targets)
    text = a.table()
    assert max(map(len, text.splitlines())) <= 80
    for name in names:
        assert name in text
    for k in range(n):  # every sensitivity is printed once
        for i in range(n + 1):
            assert f"{a.sensitivity[i, k]:7.3g}" in text
    assert text.count("sigma") >= 1 and text.count(f"p{n}") >= 3
