"""``solidna analyze`` and :func:`solidna.analysis.pipeline.analyze`: outputs, safety, errors (fast files)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis.pipeline import analyze
from solidna.cli.analyze import parse_columns
from solidna.errors import DataFormatError, InvalidOptionError, OutputExistsError

DATA = Path(__file__).resolve().parents[1] / "data"
MPR = DATA / "biologic" / "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"
MACCOR = DATA / "maccor" / "maccor_002.txt"
EIS_MPT = DATA / "eis" / "exampleDataBioLogic.mpt"
EIS_CHI = DATA / "eis" / "exampleDataCHInstruments.txt"
runner = CliRunner()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _symmetric_csv(path: Path, hours: int = 20, eta_mV: float = 80.0) -> Path:
    """A square wave at 0.1 mA/cm2 (1 cm2) with 1-h half cycles and a slowly rising plateau."""
    t = np.arange(0.0, hours * 3600, 60.0) + 30.0
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    v = sign * (eta_mV + 0.5 * t / 3600) * 1e-3
    pd.DataFrame({"Time [s]": t, "Voltage [V]": v, "Current [mA]": 0.1 * sign}).to_csv(
        path, index=False
    )
    return path


def test_cli_battery_metrics_on_real_files(tmp_path):
    inputs = [MACCOR, MPR]
    before = {p: _digest(p) for p in inputs}
    out = tmp_path / "out"
    result = runner.invoke(
        cli.app,
        ["analyze", *map(str, inputs), "--kind", "nvp", "--out", str(out), "--mass", "2 mg"],
    )
    assert result.exit_code == 0, result.output
    assert "Paper comparison" not in result.output or "figS31" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "nvp" and len(summary["files"]) == 2
    res = summary["results"]["maccor_002.txt"]
    assert res["cycles"] == 2 and 90 < res["mean coulombic efficiency [%]"] < 100
    cycles = pd.read_csv(out / "tables" / "maccor_002.cycles.csv", index_col=0)
    assert (
        "Charge-discharge gap [V]" in cycles and "Specific discharge capacity [mA.h.g-1]" in cycles
    )
    assert (out / "tables" / "maccor_002.data.csv").is_file()
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(list((out / "figures").glob("*.png"))) >= 4
    assert 'src="http' not in html
    assert {p: _digest(p) for p in inputs} == before  # inputs only read


def test_eis_on_real_files_and_nothing_outside_out(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for p in (EIS_MPT, EIS_CHI):
        (work / p.name).write_bytes(p.read_bytes())
    files = [work / EIS_MPT.name, work / EIS_CHI.name]
    before = _tree(tmp_path)
    summary = analyze(files, "eis", tmp_path / "out", area="1 cm2")
    after = _tree(tmp_path)
    assert {p for p in after - before if not p.startswith("out")} == set()
    fits = pd.read_csv(tmp_path / "out" / "tables" / "eis_fits.csv")
    assert len(fits) == 2 and {"Rs [Ohm.cm2]", "Rct [Ohm.cm2]", "KK valid"} <= set(fits.columns)
    row = summary["results"]["files"]["exampleDataBioLogic.mpt"]
    assert row["R0 std [Ohm.m2]"] > 0  # parameters with their standard errors
    assert any("Arrhenius" in n for n in summary["notes"])  # two files, no temperatures


def test_symmetric_overpotential_from_csv(tmp_path):
    path = _symmetric_csv(tmp_path / "sym.csv")
    summary = analyze([path], "symmetric", tmp_path / "out", area="1 cm2")
    res = summary["results"]["sym.csv"]
    assert res["cycles"] == 10 and res["current density [mA.cm-2]"] == pytest.approx(0.1)
    assert res["overpotential, first cycle [mV]"] == pytest.approx(80.9, abs=0.2)
    first = summary["paper comparison"][0]
    assert first["id"] == "fig4h.mna.overpotential.start" and first["paper"] == 80
    assert (tmp_path / "out" / "figures" / "sym_overpotential.png").is_file()


def test_symmetric_numbers_cycles_by_the_instrument_cycle_index(tmp_path):
    """The symmetric analysis uses the file's cycle column where it has one (issue 10): an
    EC-Lab-like text export of the square wave of ``_symmetric_csv`` whose cycler counts from 0
    gives the numbers of the same record without the column (the count agrees with it), and a
    cycler that pairs plating with the next stripping gives its own cycles."""
    import solidna.analysis.io as sio

    csv = _symmetric_csv(tmp_path / "sym.csv")
    m = sio.read(csv, area="1 cm2")
    half = (m.data[sio.TIME].to_numpy() // 3600).astype(int)
    outs = {}
    for name, cycle in (("counted", None), ("same", half // 2), ("paired", (half + 1) // 2)):
        frame = m.data.drop(columns=[sio.CURRENT_DENSITY])
        if cycle is not None:
            frame[sio.CYCLE] = cycle
        path = sio.write_mpt(
            sio.Measurement(frame, "timeseries", "csv", csv, 1e-4), tmp_path / f"{name}.mpt"
        )
        summary = analyze([path], "symmetric", tmp_path / name)
        table = pd.read_csv(tmp_path / name / "tables" / f"{name}.cycles.csv", index_col=0)
        outs[name] = (summary["results"][f"{name}.mpt"], table)
    res, table = outs["counted"]
    assert res["cycle numbers"].startswith("counted")
    same_res, same_table = outs["same"]
    assert same_res["cycle numbers"] == "instrument's cycle index"
    pd.testing.assert_frame_equal(same_table, table)  # cycles 1..10 (EC-Lab's 0..9, +1)
    for key in ("cycles", "overpotential, first cycle [mV]", "overpotential, last cycle [mV]"):
        assert same_res[key] == pytest.approx(res[key]), key
    paired_res, paired_table = outs["paired"]
    assert (
        paired_res["cycles"] == 11
    )  # the first stripping, 9 plating + stripping, the last plating
    assert paired_res["overpotential, first cycle [mV]"] == pytest.approx(
        table["Stripping overpotential [mV]"].iloc[0]
    )


def test_output_directory_is_refused_unless_force(tmp_path):
    path = _symmetric_csv(tmp_path / "sym.csv", hours=6)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    with pytest.raises(OutputExistsError, match="not empty"):
        analyze([path], "symmetric", out, area="1 cm2")
    result = runner.invoke(
        cli.app, ["analyze", str(path), "--kind", "symmetric", "--out", str(out), "--area", "1 cm2"]
    )
    assert result.exit_code == 2 and "not empty" in result.output
    analyze([path], "symmetric", out, force=True, area="1 cm2")
    assert (out / "mine.txt").read_text() == "keep me" and (out / "summary.json").is_file()


def test_input_inside_out_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    first = _symmetric_csv(tmp_path / "a.csv", hours=6)
    # the per-cycle table of a.csv would be written to tables/a.cycles.csv: an input here
    second = _symmetric_csv(out / "tables" / "a.cycles.csv", hours=6)
    digest = _digest(second)
    with pytest.raises(InvalidOptionError, match="refusing to overwrite the input file"):
        analyze([first, second], "symmetric", out, force=True, area="1 cm2")
    assert _digest(second) == digest


def test_user_errors(tmp_path):
    path = _symmetric_csv(tmp_path / "sym.csv", hours=6)
    with pytest.raises(DataFormatError, match=r"sym\.csv.*needs the current density.*--area"):
        analyze([path], "symmetric", tmp_path / "o1")
    with pytest.raises(InvalidOptionError, match="Unknown kind 'symetric'.*Did you mean"):
        analyze([path], "symetric", tmp_path / "o2")
    with pytest.raises(DataFormatError, match="no such file"):
        analyze([tmp_path / "none.csv"], "symmetric", tmp_path / "o3")
    with pytest.raises(InvalidOptionError, match="give one value for the one file; got 2"):
        analyze([path], "symmetric", tmp_path / "o4", area=["1 cm2", "2 cm2"])
    with pytest.raises(InvalidOptionError, match="forecast applies to kind symmetric only"):
        analyze([MACCOR], "nvp", tmp_path / "o5", forecast="100 h")
    with pytest.raises(DataFormatError, match="needs an impedance spectrum"):
        analyze([path], "eis", tmp_path / "o6", area="1 cm2")
    bad = tmp_path / "bad.csv"
    bad.write_text("Time [s],Voltage [V],Current [A]\n0,1,0.1\n10,1,0.1\n5,1,0.1\n")
    result = runner.invoke(
        cli.app, ["analyze", str(bad), "--kind", "nvp", "--out", str(tmp_path / "o7")]
    )
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "time goes backwards" in result.output


def test_cli_column_mapping(tmp_path):
    p = tmp_path / "lab.csv"
    t = np.arange(0, 8 * 60, 1.0)  # minutes
    sign = np.where((t // 60) % 2 == 0, 1.0, -1.0)
    pd.DataFrame({"t": t, "E": sign * 0.08, "I": sign * 0.1}).to_csv(p, index=False)
    out = tmp_path / "out"
    result = runner.invoke(
        cli.app,
        ["analyze", str(p), "--kind", "symmetric", "--out", str(out), "--area", "1 cm2",
         "--column", "time=t [min]", "--column", "voltage=E [V]", "--column", "current=I [mA]"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["results"]["lab.csv"]["half cycle [h]"] == pytest.approx(1.0, rel=0.02)
    assert parse_columns(["a=b [c]"]) == {"a": "b [c]"}
    with pytest.raises(InvalidOptionError, match="QUANTITY=COLUMN"):
        parse_columns(["time"])


def test_forecast_needs_a_regular_record(tmp_path):
    from solidna.calibrate.from_data import InterphaseFit

    t = np.arange(0.0, 4 * 3600, 60.0)
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    with pytest.raises(DataFormatError, match="complete half cycles; the fit needs at least 10"):
        InterphaseFit().fit(t, sign * 0.08, sign)
    t = np.arange(0.0, 24 * 3600, 60.0)
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    j = sign * np.where(t > 12 * 3600, 2.0, 1.0)  # the current density doubles half way
    with pytest.raises(DataFormatError, match="not a regular square wave: the current density"):
        InterphaseFit().fit(t, sign * 0.08, j)
    with pytest.raises(InvalidOptionError, match="not fitted yet"):
        InterphaseFit().forecast("10 h")
    with pytest.raises(InvalidOptionError, match="Unknown anode type"):
        InterphaseFit(anode="lithium")


def test_symmetric_kind_refuses_a_full_cell_record(tmp_path):
    """A real NVP half cell (2-3.8 V) analysed as a symmetric cell gave its cell voltage as the
    "overpotential" beside the paper's 80 mV; it is refused, naming the kinds that fit, and
    nothing is written."""
    out = tmp_path / "out"
    result = runner.invoke(
        cli.app, ["analyze", str(MPR), "--kind", "symmetric", "--area", "1 cm2", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    text = " ".join(result.stderr.split())
    assert "not a symmetric Na|Na cell" in text and "--kind battery" in text
    assert "Traceback" not in result.output and not out.exists()
