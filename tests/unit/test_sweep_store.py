"""The sweep's store, one point's run and the maps, without a cluster (the Dask runs are in
test_sweep_cluster.py)."""

from __future__ import annotations

import numpy as np
import pytest

import solidna as sd
from solidna.errors import InvalidOptionError, OutOfRangeError, OutputExistsError
from solidna.sweep import load_spec, open_store, run_point, status_counts
from solidna.sweep.cells import accepts_keyword
from solidna.sweep.plots import pareto_front, write_report
from solidna.sweep.store import (
    DONE,
    FAILED,
    PointWriter,
    check_resume,
    create_store,
    pending_points,
    point_chunks,
)

#: A sweep point and the single-cell run with the same inputs are the same computation, so
#: they agree to round-off (the issue's 1e-9 relative, with cycle jumping off).
SAME_RUN_RTOL = 1e-9

SPEC = {
    "cell": "symmetric",
    "protocol": {"cycle": {"current_density": "0.1 mA/cm2"}},
    "vary": {
        "half_cycle": {"values": ["1 h", "4 h"]},
        "duration": {"values": ["3 h", "12 h"]},
    },
    "outputs": [
        {"time_to": {"overpotential_above": "80 mV"}},
        {"overpotential_at": {"cycles": [1]}},
        "energy",
        "per_cycle",
    ],
    "jump": False,
}


def _api_run(half_cycle: str, duration: str):
    cell = sd.SymmetricCell("modified")
    kwargs = {"current_density": "0.1 mA/cm2", "half_cycle": half_cycle, "duration": duration}
    if accepts_keyword(cell.cycle, "jump"):
        kwargs["jump"] = False
    return cell.cycle(**kwargs)


def test_a_point_equals_the_single_cell_run_with_the_same_inputs():
    spec = load_spec(SPEC)
    res = run_point(spec, {"half_cycle": 1.0, "duration": 12.0})
    assert res["status"] == DONE, res["error"]
    api = _api_run("1.0 h", "12.0 h")
    expected = api.overpotential().to_numpy()
    got = res["values"]["Overpotential [mV]"]
    np.testing.assert_allclose(got, expected, rtol=SAME_RUN_RTOL)
    assert res["values"]["Overpotential at cycle 1 [mV]"] == pytest.approx(
        expected[0], rel=SAME_RUN_RTOL
    )
    ts = api.timeseries
    energy = np.trapezoid(ts["Voltage [V]"] * ts["Current density [mA.cm-2]"] * 10, ts["Time [h]"])
    assert res["values"]["Dissipated energy [Wh.m-2]"] == pytest.approx(energy, rel=SAME_RUN_RTOL)
    # the criterion: the first cycle whose overpotential exceeds 80 mV, at its end time
    k = int(np.argmax(expected > 80))
    assert expected[k] > 80
    assert res["values"]["Time to overpotential above 80 mV [h]"] == pytest.approx(
        api.cycles()["Time [h]"].iloc[k], rel=SAME_RUN_RTOL
    )


def test_an_extrapolated_point_carries_its_warning_in_the_run_status():
    raw = {**SPEC, "conditions": {"temperature": "70 degC"}}
    with pytest.raises(OutOfRangeError, match=r"^Sweep spec \(fixed conditions.*70 degC.*extrap"):
        load_spec(raw)  # the fixed condition is named, not the first varied value
    res = run_point(load_spec({**raw, "extrapolate": True}), {"half_cycle": 1.0, "duration": 2.0})
    assert res["status"] == DONE, res["error"]
    assert res["run_status"].startswith("completed; warning: temperature 70 degC lies outside")
    plain = run_point(load_spec(SPEC), {"half_cycle": 1.0, "duration": 2.0})
    assert plain["run_status"] == "completed"


def test_a_combination_the_cell_refuses_fails_as_a_point_with_its_message():
    spec = load_spec(SPEC)  # each value alone is valid; a 4 h half cycle in 3 h is not
    res = run_point(spec, {"half_cycle": 4.0, "duration": 3.0})
    assert res["status"] == FAILED
    assert "half cycle" in res["error"] and "longer than the duration" in res["error"]
    assert res["values"] == {}


def _fake_store(path, spec, cycles=3):
    create_store(path, spec, cycles, "hash")
    return PointWriter(path)


def test_store_layout_writes_and_resume(tmp_path):
    spec = load_spec(SPEC)
    path = tmp_path / "s.zarr"
    writer = _fake_store(path, spec)
    ds = open_store(path)
    assert ds["status"].dims == ("half_cycle", "duration")
    assert ds["half_cycle"].attrs["units"] == "h"
    assert ds["Overpotential [mV]"].dims == ("half_cycle", "duration", "cycle")
    assert ds["Dissipated energy [Wh.m-2]"].attrs == {"units": "Wh.m-2", "sense": "min"}
    assert ds.attrs["parameter_set"] == "lu2019" and "pybamm" in ds.attrs["package_versions"]
    assert status_counts(ds) == {"pending": 4, "done": 0, "failed": 0}
    writer.write(
        (0, 1),
        {"Overpotential [mV]": [1.0, 2.0], "Dissipated energy [Wh.m-2]": 0.5},
        DONE,
        run_status="completed",
    )
    writer.write((1, 0), {}, FAILED, error="OutOfRangeError: boom")
    ds = open_store(path)
    assert status_counts(ds) == {"pending": 2, "done": 1, "failed": 1}
    np.testing.assert_array_equal(ds["Overpotential [mV]"].values[0, 1], [1.0, 2.0, np.nan])
    assert ds["error"].values[1, 0] == "OutOfRangeError: boom"
    assert pending_points(path) == {(0, 0), (1, 1)}
    assert pending_points(path, include_failed=True) == {(0, 0), (1, 0), (1, 1)}
    check_resume(path, load_spec(SPEC), "hash")  # the same spec and parameters resume
    with pytest.raises(InvalidOptionError, match=r"another version of the parameter set"):
        check_resume(path, load_spec(SPEC), "edited")
    with pytest.raises(OutputExistsError):
        create_store(path, spec, 3, "hash")


@pytest.mark.parametrize(
    ("shape", "chunks"),
    [((32, 2), (4, 2)), ((3, 5), (1, 5)), ((64,), (8,)), ((2, 2, 2), (2, 2, 2)), ((1, 20), (1, 8))],
)
def test_a_chunk_holds_at_most_eight_neighbouring_points(shape, chunks):
    assert point_chunks(shape) == chunks
    assert np.prod(chunks) <= 8


def test_a_batch_written_at_once_equals_the_points_written_one_by_one(tmp_path):
    spec = load_spec(SPEC)
    rows = {
        (0, 0): ({"Overpotential [mV]": [1.0, 2.0, 3.0, 4.0]}, DONE, "", "completed"),
        (0, 1): ({"Dissipated energy [Wh.m-2]": 0.5}, DONE, "", "completed"),
        (1, 1): ({}, FAILED, "ValueError: boom", ""),
    }
    one, many = _fake_store(tmp_path / "one.zarr", spec), _fake_store(tmp_path / "many.zarr", spec)
    for idx, (values, status, error, run_status) in rows.items():
        one.write(idx, values, status, error, run_status)
    # a batch that leaves a point of its chunk untouched: (1, 0) stays pending
    many.write_many([(idx, *row) for idx, row in rows.items()])
    a, b = open_store(tmp_path / "one.zarr"), open_store(tmp_path / "many.zarr")
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values)
    assert status_counts(b) == {"pending": 1, "done": 2, "failed": 1}
    np.testing.assert_array_equal(b["Overpotential [mV]"].values[0, 0], [1.0, 2.0, 3.0])


def test_a_changed_spec_is_refused_with_the_differences(tmp_path):
    path = tmp_path / "s.zarr"
    _fake_store(path, load_spec(SPEC))
    changed = {**SPEC, "anode": "pristine", "jump": None}
    with pytest.raises(
        InvalidOptionError,
        match=r"another spec(.|\n)*anode: 'modified' -> "
        r"'pristine'(.|\n)*jump: off -> automatic",
    ):
        check_resume(path, load_spec(changed))


def test_pareto_front_keeps_the_designs_no_other_beats():
    x = np.array([1.0, 2.0, 3.0, 2.0, np.nan])  # maximise
    y = np.array([1.0, 2.0, 5.0, 1.0, 0.0])  # minimise
    # (2, 1) beats (1, 1) and (2, 2); (3, 5) has the largest x
    assert pareto_front(x, y, "max", "min").tolist() == [3, 2]
    assert pareto_front(x, y, "max", "max").tolist() == [2]


@pytest.mark.parametrize("design", ["grid2", "grid1", "grid3", "lhs"])
def test_report_is_self_contained_with_maps(tmp_path, design):
    raw = dict(SPEC)
    if design == "grid1":
        raw["vary"] = {"half_cycle": {"values": ["1 h", "2 h", "4 h"]}}
        raw["protocol"] = {"cycle": {"current_density": "0.1 mA/cm2", "duration": "12 h"}}
    elif design == "grid3":  # one heatmap per value of the third axis
        raw["vary"] = dict(SPEC["vary"], sse_thickness={"values": ["40 um", "60 um"]})
    elif design == "lhs":
        raw["vary"] = {
            "half_cycle": {"range": ["1 h", "4 h"]},
            "Modified interphase initial thickness [m]": {"range": ["5 nm", "50 nm"]},
        }
        raw["protocol"] = {"cycle": {"current_density": "0.1 mA/cm2", "duration": "12 h"}}
        raw["design"] = {"method": "lhs", "samples": 5, "seed": 1}
    spec = load_spec(raw)
    writer = _fake_store(tmp_path / "s.zarr", spec)
    rng = np.random.default_rng(0)
    for k, (idx, _) in enumerate(spec.points()):
        if k == 1:
            writer.write(idx, {}, FAILED, error="ConvergenceError: solver failed")
            continue
        values = {o.name: rng.random() for o in spec.outputs if o.kind != "per_cycle"}
        values["Overpotential [mV]"] = rng.random(3)
        writer.write(idx, values, DONE, run_status="completed")
    ds = open_store(tmp_path / "s.zarr")
    for ax in spec.axes:  # every varied quantity is a coordinate, whatever its name
        assert ax.name in ds.coords
        assert ds[ax.name].dims == ((ax.name,) if spec.design == "grid" else ("sample",))
    page = write_report(ds, tmp_path / "rep")
    text = page.read_text()
    assert text.count("data:image/png;base64,") == len(list((tmp_path / "rep").glob("*.png")))
    assert "pareto" in text and "ConvergenceError: solver failed" in text
    if design == "grid3":
        assert (tmp_path / "rep" / "output1_2.png").exists()
    assert 'src="http' not in text and "<link" not in text


#: The issue's agreement of a jumped and a full symmetric run: per-cycle overpotential within
#: 1 mV (the cells' cycle jumping is tested in depth in tests/physics).
JUMPED_OVERPOTENTIAL_ATOL_MV = 1.0


def test_a_jumped_point_equals_the_cells_default_run_and_the_full_one_within_tolerance():
    long = {**SPEC, "jump": None, "vary": {"half_cycle": {"values": ["1 h"]}}}
    long["protocol"] = {"cycle": {"current_density": "0.1 mA/cm2", "duration": "300 h"}}
    res = run_point(load_spec(long), {"half_cycle": 1.0})
    assert res["status"] == DONE, res["error"]
    got = res["values"]["Overpotential [mV]"]
    cell = sd.SymmetricCell("modified")
    default = cell.cycle("0.1 mA/cm2", "1.0 h", "300 h").overpotential().to_numpy()
    np.testing.assert_allclose(got, default, rtol=SAME_RUN_RTOL)
    full = _api_run("1 h", "300 h").overpotential().to_numpy()
    np.testing.assert_allclose(got, full, atol=JUMPED_OVERPOTENTIAL_ATOL_MV, rtol=0)


def test_an_nvp_point_reports_capacities_per_cycle_and_at_cycles():
    raw = {
        "cell": "nvp",
        "protocol": {"cycle": {"cycles": 3}},
        "vary": {"c_rate": {"values": [0.5, 1]}},
        "outputs": [
            {"cycles_to": {"capacity_below": "95 %"}},
            {"capacity_at": {"cycles": [3]}},
            "energy",
            "per_cycle",
        ],
    }
    res = run_point(load_spec(raw), {"c_rate": 1.0})
    assert res["status"] == DONE, res["error"]
    api = sd.NVPCell("modified").cycle(c_rate=1.0, cycles=3)
    q = api.discharge_capacity().to_numpy()
    np.testing.assert_allclose(res["values"]["Discharge capacity [mAh.g-1]"], q, rtol=SAME_RUN_RTOL)
    assert res["values"]["Discharge capacity at cycle 3 [mAh.g-1]"] == pytest.approx(q[2])
    # 3 cycles lose far less than 5 %: the criterion is not reached within the run
    assert np.isnan(res["values"]["Cycles to capacity below 95 % [-]"])
    assert res["values"]["Discharge energy [Wh.m-2]"] > 0


def test_batches_follow_the_chunks_and_split_for_a_small_sweep():
    from solidna.sweep.engine import _batches

    points = [((i, j), {}) for i in range(32) for j in range(2)]
    big = _batches(points, 2, (4, 2))
    # a large sweep: one batch per chunk, each the chunk's eight points
    assert len(big) == 8 and all(len(b) == 8 for b in big)
    assert {idx[0] // 4 for idx, _ in big[1]} == {1}
    # a small one: at least four batches per worker, none across a chunk boundary
    small = _batches(points[:8], 2, (4, 2))
    assert len(small) == 8 and all(len(b) == 1 for b in small)
    assert sorted(p for b in big for p, _ in b) == sorted(p for p, _ in points)


def test_maps_name_their_axes_units_and_points_readably(tmp_path):
    """Heatmap: the varied quantities in words with the spec's unit, the colour bar carrying
    the unit (the whole name ran off the figure), dark text on bright cells, and "n.r."
    explained; per-cycle curves: a legend entry per design point while there are few."""
    from solidna.sweep.plots import MAX_LEGEND_POINTS, _cycles, _heatmap

    raw = dict(SPEC, vary=dict(SPEC["vary"], sse_thickness={"values": ["40 um", "60 um"]}))
    spec = load_spec(raw)
    writer = _fake_store(tmp_path / "s.zarr", spec)
    for k, (idx, _) in enumerate(spec.points()):
        values = {"Overpotential [mV]": np.arange(3.0) + k, "Dissipated energy [Wh.m-2]": k}
        values["Time to overpotential above 80 mV [h]"] = np.nan if k == 0 else float(k)
        writer.write(idx, values, DONE, run_status="completed")
    ds = open_store(tmp_path / "s.zarr")

    fig = _heatmap(
        ds, "Dissipated energy [Wh.m-2]", ("sse_thickness", "half_cycle"), {"duration": 0}
    )
    ax, bar = fig.axes
    assert ax.get_ylabel() == "SSE thickness [um]" and ax.get_xlabel() == "half cycle [h]"
    assert bar.get_ylabel() == "Wh.m-2"
    assert ax.get_title().endswith("(duration 3 h)")  # the third axis at its value, in words
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    values = ds["Dissipated energy [Wh.m-2]"].isel(duration=0)
    assert colours[f"{float(values.max()):.3g}"] == "k"  # yellow end of viridis
    assert colours[f"{float(values.min()):.3g}"] == "w"  # dark purple end

    name = "Time to overpotential above 80 mV [h]"
    fig = _heatmap(ds, name, ("sse_thickness", "half_cycle"), {"duration": 0})
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for t in fig.axes[0].texts]
    assert "n.r." in texts and "n.r.: not reached within the run" in texts

    legend = _cycles(ds, "Overpotential [mV]").axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(labels) == len(list(spec.points())) <= MAX_LEGEND_POINTS
    assert "half cycle 1 h" in labels[0] and "SSE thickness 40 um" in labels[0]
