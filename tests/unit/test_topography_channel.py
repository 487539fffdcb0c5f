"""``solidna analyze --kind topography --channel``: a file with several height channels (a Dektak
export's raw and levelled profiles) is read from the one asked for; an unknown channel is named."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from solidna import cli

runner = CliRunner()


def _dektak(tmp_path):
    x = np.linspace(0.0, 100.0, 201)  # um
    total = 5.0 * np.sin(x / 3.0)  # nm
    raw = total + 0.5 * x  # the same profile on a tilt
    rows = [f"{a:.3f},{b:.4f},{c:.4f}" for a, b, c in zip(x, raw, total, strict=True)]
    path = tmp_path / "dektak.csv"
    path.write_text("Lateral(µm),Raw Profile(nm),Total Profile(nm)\n" + "\n".join(rows) + "\n")
    return path, float(np.sqrt(np.mean((total - total.mean()) ** 2)))


def _rq_nm(out) -> float:
    summary = json.loads((out / "summary.json").read_text())
    (result,) = summary["results"].values()
    (key,) = [k for k in result if k.startswith("Rq")]
    return float(result[key])


def test_channel_chooses_the_height_column(tmp_path) -> None:
    path, rq_total_nm = _dektak(tmp_path)
    args = ["analyze", str(path), "--kind", "topography", "--level", "none"]
    first = runner.invoke(cli.app, [*args, "--out", str(tmp_path / "a")])
    chosen = runner.invoke(
        cli.app, [*args, "--channel", "Total Profile", "--out", str(tmp_path / "b")]
    )
    assert first.exit_code == 0 and chosen.exit_code == 0, first.output + chosen.output
    assert "choose another with --channel" in first.output
    assert _rq_nm(tmp_path / "b") == pytest.approx(rq_total_nm, rel=1e-3)
    assert _rq_nm(tmp_path / "a") > 2 * rq_total_nm  # the raw profile carries the tilt


def test_unknown_channel_is_named_and_other_kinds_refuse_it(tmp_path) -> None:
    path, _ = _dektak(tmp_path)
    out = tmp_path / "c"
    result = runner.invoke(
        cli.app,
        ["analyze", str(path), "--kind", "topography", "--channel", "Foo", "--out", str(out)],
    )
    assert result.exit_code != 0 and "no channel 'Foo'" in result.stderr
    assert "Total Profile" in result.stderr and not out.exists()
    other = runner.invoke(
        cli.app, ["analyze", str(path), "--kind", "eis", "--channel", "1", "--out", str(out)]
    )
    assert other.exit_code == 2 and "--channel applies to --kind topography only" in other.stderr


def test_format_help_lists_every_reader() -> None:
    """``--format``'s help is written out (the CLI does not import the readers to start); it
    must name every format ``solidna.analysis.io.read`` knows."""
    from typer.main import get_command

    from solidna.analysis.io import FORMATS

    analyze = get_command(cli.app).commands["analyze"]
    (help_text,) = [p.help for p in analyze.params if p.name == "format"]
    listed = {x.strip(" ,.") for x in help_text.split(":", 1)[1].split("[")[0].split()}
    assert set(FORMATS) <= listed, set(FORMATS) - listed
