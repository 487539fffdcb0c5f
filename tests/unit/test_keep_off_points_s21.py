"""Points off the spectrum: left out by default, kept on request; ``read(kind="eis")``.

A researcher who takes the flagged points (:func:`solidna.analysis.eis.off_spectrum_points`) for
the cell's keeps them with ``keep_off_points=True`` / ``--keep-off-points``: the Kramers-Kronig
check, the circuit fit, the high-frequency intercept and the DRT then use every point, and the
note still names them, as kept. The spectrum is a synthetic R-RC (every number simulated) with
its first point at the frequency limit and its last point pushed off it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis.drt import fit_drt
from solidna.analysis.eis import (
    fit_circuit,
    fit_problems,
    high_frequency_intercept,
    kramers_kronig,
    off_spectrum_points,
)
from solidna.analysis.io import read
from solidna.analysis.pipeline import analyze
from solidna.errors import InvalidOptionError

runner = CliRunner()
F_HZ = np.logspace(6, -1, 43)  # 1 MHz to 0.1 Hz, 6 points per decade
R0, R1, C1 = 20.0, 100.0, 1e-5
CIRCUIT = "R0-p(R1,C1)"
LEFT_OUT = "Points off the spectrum (left out)"
KEPT = "Points off the spectrum (kept)"


def _spectrum() -> np.ndarray:
    z = R0 + R1 / (1 + 2j * np.pi * F_HZ * R1 * C1)
    z[0] = complex(-0.3, -5.0)  # the first point at the frequency limit: Z_re < 0, |Z| drops
    z[-1] *= 4.0  # the last one jumps 4-fold (an AC current below its range)
    return z


def _write(tmp_path: Path) -> Path:
    z = _spectrum()
    path = tmp_path / "rrc.csv"
    frame = {"Frequency [Hz]": F_HZ, "Z_re [Ohm]": z.real, "Z_im [Ohm]": z.imag}
    pd.DataFrame(frame).to_csv(path, index=False)
    return path


def _results(out: Path) -> tuple[pd.DataFrame, dict]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return pd.read_csv(out / "tables" / "eis_fits.csv"), summary


def test_the_twin_has_two_points_off_the_spectrum() -> None:
    off = off_spectrum_points(F_HZ, _spectrum())
    assert np.flatnonzero(off).tolist() == [0, F_HZ.size - 1]


def test_by_default_they_are_left_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze([_write(tmp_path)], "eis", out, circuit=CIRCUIT)
    table, summary = _results(out)
    text = " ".join(summary["notes"])
    assert table[LEFT_OUT].iloc[0] == 2 and KEPT not in table
    assert "2 of 43 points lie off the continuous spectrum (1e+06, 0.1 Hz" in text
    assert "they are left out of the Kramers-Kronig check, the circuit fit" in text
    assert "the left-out points alone break it" in text
    assert bool(table["KK valid"].iloc[0])
    assert table["R0 [Ohm]"].iloc[0] == pytest.approx(R0, rel=1e-3)
    assert table["R1 [Ohm]"].iloc[0] == pytest.approx(R1, rel=1e-3)
    assert summary["inputs"]["points off the spectrum"] == "left out"


def test_keep_off_points_keeps_them_in_every_analysis(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze([_write(tmp_path)], "eis", out, circuit=CIRCUIT, keep_off_points=True, drt=True)
    table, summary = _results(out)
    text = " ".join(summary["notes"])
    # named, as kept
    assert table[LEFT_OUT].iloc[0] == 0 and table[KEPT].iloc[0] == 2
    assert "2 of 43 points lie off the continuous spectrum (1e+06, 0.1 Hz" in text
    assert "they are kept, as --keep-off-points (CLI) / keep_off_points=True (Python) asks" in text
    assert "use all 43 points" in text and "left out of the Kramers-Kronig" not in text
    assert summary["inputs"]["points off the spectrum"] == "kept"
    # the fit is the one of all 43 points, not of the 41 on the spectrum
    z = _spectrum()
    every = fit_circuit(F_HZ, z, circuit=CIRCUIT).params_
    assert table["R0 [Ohm]"].iloc[0] == pytest.approx(every["R0"], rel=1e-6)
    assert table["R0 [Ohm]"].iloc[0] != pytest.approx(R0, rel=0.05)
    # the Kramers-Kronig check too: the kept points break it, and the note says they may
    kk = kramers_kronig(F_HZ, z, add_cap="auto")
    assert not kk.valid and not bool(table["KK valid"].iloc[0])
    assert table["KK max systematic residual [%]"].iloc[0] == pytest.approx(
        100 * kk.max_systematic, rel=1e-6
    )
    assert "the Kramers-Kronig check fails on all 43 points" in text
    assert "the 2 kept points off the spectrum may break it" in text
    # and the DRT is the one of all 43 points
    drt = fit_drt(F_HZ, z, unit="Ohm", kk="skip")
    reported = summary["results"]["DRT"]["rrc.csv"]
    assert reported["R_pol [Ohm]"] == pytest.approx(drt.R_pol, rel=1e-6)
    assert reported["R_hf [Ohm]"] == pytest.approx(drt.R_hf, rel=1e-6, abs=1e-9)


def test_the_intercept_and_the_fit_checks_keep_them_on_request() -> None:
    z = _spectrum()
    assert high_frequency_intercept(F_HZ, z) == pytest.approx(R0, rel=0.01)
    assert high_frequency_intercept(F_HZ, z, keep_off_points=True) == pytest.approx(-0.3)
    fit = fit_circuit(F_HZ, z, circuit=CIRCUIT)
    assert any("off the continuous spectrum" in p for p in fit_problems(fit, F_HZ, z))
    kept = fit_problems(fit, F_HZ, z, keep_off_points=True)
    assert not any("off the continuous spectrum" in p for p in kept)


def test_keep_off_points_is_refused_with_another_kind(tmp_path: Path) -> None:
    data = tmp_path / "run.csv"
    data.write_text("Time [s],Voltage [V],Current [mA]\n0,0.08,0.1\n1,0.08,0.1\n")
    with pytest.raises(InvalidOptionError, match="keep_off_points applies to kind eis only"):
        analyze([data], "cv", tmp_path / "out", keep_off_points=True)
    assert not (tmp_path / "out").exists()


def _words(text: str) -> str:
    """Output as one line; rich wraps at hyphens too ("leave-out-off- points")."""
    return " ".join(text.split()).replace("- ", "-")


def test_the_command_line_flag(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["analyze", "-h"])
    assert result.exit_code == 0, result.output
    help_text = _words(result.stdout)
    assert "--keep-off-points / --leave-out-off-points" in help_text
    assert "eis: keep the points that lie off a spectrum's continuous run" in help_text
    assert "[default: leave-out-off-points" in help_text
    src = _write(tmp_path)
    for flag, left_out, kept in (("--keep-off-points", 0, 2), ("--leave-out-off-points", 2, None)):
        out = tmp_path / flag.strip("-")
        args = ["analyze", str(src), "--kind", "eis", "--circuit", CIRCUIT, flag, "--out", str(out)]
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, result.output
        table, _ = _results(out)
        assert table[LEFT_OUT].iloc[0] == left_out
        if kept is None:
            assert KEPT not in table and "they are kept" not in _words(result.stdout)
        else:
            assert table[KEPT].iloc[0] == kept
            # the note in the command line's words
            assert "they are kept, as --keep-off-points asks" in _words(result.stdout)
    args = ["analyze", str(src), "--kind", "cv", "--keep-off-points", "--out", str(tmp_path / "cv")]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2
    assert "--keep-off-points/--leave-out-off-points applies to --kind eis only" in _words(
        result.stderr
    )


def test_read_takes_eis_for_impedance(tmp_path: Path) -> None:
    src = _write(tmp_path)
    m = read(src, kind="eis")
    assert m.kind == "impedance" and len(m.data) == F_HZ.size
    assert read(src, kind="impedance").data.equals(m.data)
    with pytest.raises(InvalidOptionError) as exc:
        read(src, kind="spectrum")
    message = str(exc.value)
    assert "'spectrum'" in message and "'timeseries', 'impedance', 'eis'" in message
