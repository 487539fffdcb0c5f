"""`solidna sweep`: the command line's answers without a cluster (the runs through Dask are in
test_sweep_cluster.py)."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from solidna import cli
from solidna.sweep import load_spec
from solidna.sweep.store import DONE, PointWriter, create_store

runner = CliRunner()

SPEC = {
    "cell": "symmetric",
    "protocol": {"cycle": {"half_cycle": "1 h", "duration": "4 h"}},
    "vary": {
        "sse_thickness": {"values": ["40 um", "60 um"]},
        "current_density": {"values": ["0.05 mA/cm2", "0.1 mA/cm2"]},
    },
    "outputs": [{"overpotential_at": {"cycles": [1]}}, "energy"],
}


def test_a_bad_spec_is_one_error_line_before_any_work(tmp_path):
    bad = dict(SPEC, vary={"sse_thicknes": {"values": ["40 um"]}})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    result = runner.invoke(cli.app, ["sweep", str(path), "--out", str(tmp_path / "s.zarr")])
    assert result.exit_code == 2
    assert "Error: Sweep spec 'vary.sse_thicknes'" in result.stderr
    assert "Closest: 'sse_thickness'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s.zarr").exists()


def test_plot_and_report_of_a_store(tmp_path):
    spec = load_spec(SPEC)
    store = tmp_path / "s.zarr"
    create_store(store, spec, 0, "hash")
    writer = PointWriter(store)
    for k, (idx, _) in enumerate(spec.points()):
        writer.write(idx, {o.name: float(k) for o in spec.outputs}, DONE)
    result = runner.invoke(cli.app, ["sweep", "plot", str(store), "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "output1.png",
        "output2.png",
        "pareto.png",
    ]
    result = runner.invoke(cli.app, ["sweep", "report", str(store), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "r" / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 3 and "4 done" in page


def test_plot_of_a_path_that_is_no_store_is_refused(tmp_path):
    result = runner.invoke(cli.app, ["sweep", "plot", str(tmp_path), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2
    assert "is not a sweep store" in result.stderr


def test_help_names_the_commands_and_the_cluster_commands():
    result = runner.invoke(cli.app, ["sweep", "run", "--help"])
    assert result.exit_code == 0
    assert "--scheduler" in result.stdout and "dask worker" in result.stdout
    assert "--full" in result.stdout
