"""Cycle jumping (envelope following, :mod:`solidna.cells.jump`) against full solves.

Acceptance (issue 13): the jumped and the full solve agree - per-cycle overpotential within
1 mV (symmetric cell), time to the voltage limit within 1 %. The 4000-h M-Na run is the
``slow`` variant; its faster twin runs 1000 h.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna import lu2019
from solidna.cells.jump import JUMP_MIN_CYCLES, Block, JumpTolerance, follow_envelope
from solidna.cells.symmetric import SAMPLE_INPUTS, SymmetricCell

#: Acceptance of issue 13 (symmetric cell).
OVERPOTENTIAL_MV = 1.0
TIME_TO_LIMIT_REL = 0.01


def _agree(anode: str, duration: str, half_cycle: str = "1 h", cd: str = "0.1 mA/cm2", **cell):
    c = SymmetricCell(anode, **cell)
    full = c.cycle(cd, half_cycle, duration, jump=False)
    jumped = c.cycle(cd, half_cycle, duration, jump=True)
    return full, jumped


def _check_overpotential(full, jumped) -> None:
    cf, cj = full.cycles(), jumped.cycles()
    assert list(cj.index) == list(cf.index)
    diff = (cj["Overpotential [mV]"] - cf["Overpotential [mV]"]).abs()
    assert diff.max() < OVERPOTENTIAL_MV
    np.testing.assert_allclose(cj["Time [h]"], cf["Time [h]"], atol=1e-5)
    assert not cf["Interpolated"].any()


def _check_mna(full, jumped) -> None:
    _check_overpotential(full, jumped)
    cj = jumped.cycles()
    info = jumped.inputs["cycle jumping"]
    # the run jumped (several jumps, each checked by step doubling): most cycles were
    # interpolated, the first and last resolved
    assert info["jumps"] >= 3
    assert info["resolved cycles"] < 0.05 * info["cycles"]
    assert cj["Interpolated"].mean() > 0.9
    assert not cj["Interpolated"].iloc[[0, 1, -1]].any()
    assert info["resolved cycles"] == (~cj["Interpolated"]).sum()
    # the series covers every cycle, sampled as the full solve samples it
    assert len(jumped.timeseries) == len(full.timeseries)
    for side in ("left", "right"):
        assert jumped.final_state[side] == pytest.approx(full.final_state[side], rel=1e-3)
    assert full.status == jumped.status == "completed"


@pytest.mark.slow
def test_mna_4000h_jumped_matches_full():
    _check_mna(*_agree("modified", "4000 h"))


def test_mna_1000h_jumped_matches_full():
    _check_mna(*_agree("modified", "1000 h"))


def test_pristine_runaway_time_to_limit():
    full, jumped = _agree("pristine", "500 h")
    assert "voltage limit" in full.status and "voltage limit" in jumped.status
    t_full = full.timeseries["Time [h]"].iloc[-1]
    t_jump = jumped.timeseries["Time [h]"].iloc[-1]
    assert t_jump == pytest.approx(t_full, rel=TIME_TO_LIMIT_REL)
    _check_overpotential(full, jumped)


def test_pristine_slow_runaway_is_approached_resolved():
    # a lower current: the layer grows ~3x slower per cycle; the run must still stop at the limit
    full, jumped = _agree("pristine", "400 h", cd="0.03 mA/cm2")
    assert "voltage limit" in jumped.status
    t_full = full.timeseries["Time [h]"].iloc[-1]
    assert jumped.timeseries["Time [h]"].iloc[-1] == pytest.approx(t_full, rel=TIME_TO_LIMIT_REL)
    _check_overpotential(full, jumped)


def test_short_half_cycles_settle_the_salt_profile():
    # 0.02-h half cycles are shorter than ten salt relaxation times (L^2 / (pi^2 D) ~ 23 s):
    # each block runs settling cycles first, and the jumped run still matches
    full, jumped = _agree("modified", "30 h", half_cycle="0.02 h")
    assert jumped.inputs["cycle jumping"]["jumps"] > 0
    _check_overpotential(full, jumped)


def test_block_solves_add_little_to_the_jump_error(monkeypatch):
    # the blocks are solved at a hundredth of the jump's rtol (1e-5 by default, not the full
    # solve's 1e-6): what that adds to the per-cycle overpotential must be small against the
    # jump's own output tolerance (0.5 mV) - here below 0.01 mV
    import solidna.cells.symmetric as sym
    from solidna.models.solve import RTOL

    assert sym._block_rtol(None) == pytest.approx(JumpTolerance().rtol / 100)
    c = SymmetricCell("modified")
    loose = c.cycle("0.1 mA/cm2", "1 h", "1000 h", jump=True).cycles()
    monkeypatch.setattr(sym, "_block_rtol", lambda tolerance: RTOL)
    tight = c.cycle("0.1 mA/cm2", "1 h", "1000 h", jump=True).cycles()
    diff = (loose["Overpotential [mV]"] - tight["Overpotential [mV]"]).abs().max()
    assert diff < 0.01


def test_jump_default_threshold_and_switch_off():
    cell = SymmetricCell("modified")
    short = cell.cycle("0.1 mA/cm2", "1 h", f"{2 * (JUMP_MIN_CYCLES - 1)} h")
    assert short.jumped is None and "cycle jumping" not in short.inputs
    long = cell.cycle("0.1 mA/cm2", "1 h", f"{2 * JUMP_MIN_CYCLES} h")
    assert long.jumped is not None
    off = cell.cycle("0.1 mA/cm2", "1 h", f"{2 * JUMP_MIN_CYCLES} h", jump=False)
    assert off.jumped is None and not off.cycles()["Interpolated"].any()
    assert "interpolated" in long.summary()["cycles"]


def test_run_samples_equal_single_runs():
    # the forecast's samples share one simulation (interphase parameters as PyBaMM inputs)
    cell = SymmetricCell("modified")
    name = "Modified interphase resistivity [Ohm.m]"
    assert name in SAMPLE_INPUTS
    rho = lu2019()[name]
    samples = [{name: 0.8 * rho}, {name: 1.3 * rho}]
    from solidna.protocols import PlatingStripping

    step = PlatingStripping("0.1 mA/cm2", "400 h", half_cycle="1 h")
    shared = cell.run_samples(step, samples)
    for sample, res in zip(samples, shared, strict=True):
        alone = SymmetricCell("modified", lu2019().updated(sample)).run([step], jump=True)
        diff = res.cycles()["Overpotential [mV]"] - alone.cycles()["Overpotential [mV]"]
        assert diff.abs().max() < 1e-3
    assert shared[1].overpotential().iloc[-1] > shared[0].overpotential().iloc[-1]


# ---- the envelope integrator on a problem with a known answer ---------------------------------


def _sqrt_growth(a: float, limit: float | None = None):
    """Cycle map y -> y + a / y (parabolic growth, as the M-Na film); outputs: y and the margin
    ``limit - y``, an event when it reaches zero."""

    def resolve(y, c, k):
        states, outputs = [], []
        y = float(y[0])
        for _ in range(k):
            y = y + a / y
            states.append([y])
            margin = (1e6 if limit is None else limit) - y
            outputs.append([y, margin])
            if margin <= 0:
                return Block(np.array(states), np.array(outputs), event=True)
        return Block(np.array(states), np.array(outputs))

    return resolve


def test_envelope_second_order_and_within_tolerance():
    n, a, y0 = 5000, 1e-3, 1.0
    exact = y0
    for _ in range(n):
        exact = exact + a / exact
    tol = JumpTolerance(rtol=1e-4, output_atol=1e-6)
    run = follow_envelope(_sqrt_growth(a), [y0], n, tolerance=tol)
    assert run.n_cycles == n
    assert run.resolved_cycles < n / 20
    assert abs(run.final_state[0] / exact - 1) < 1e-4
    # a looser tolerance: fewer resolved cycles, a larger (still bounded) error
    loose = follow_envelope(_sqrt_growth(a), [y0], n, tolerance=JumpTolerance(rtol=1e-2))
    assert loose.resolved_cycles < run.resolved_cycles
    assert abs(loose.final_state[0] / exact - 1) < 1e-2


def test_envelope_never_jumps_over_an_event():
    a, y0, limit = 1e-3, 1.0, 2.0
    # exact cycle at which y first reaches the limit
    y, k = y0, 0
    while y < limit:
        y, k = y + a / y, k + 1
    run = follow_envelope(_sqrt_growth(a, limit), [y0], 10 * k, margins=[1])
    assert run.event
    # the jumps before the resolved approach carry their (small) error into the event's cycle
    assert abs(run.n_cycles - k) <= 1
    assert run.final_state[0] == pytest.approx(limit, rel=1e-3)
    assert run.jumps > 0


# ---- forecasts -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    from solidna.calibrate.from_data import InterphaseFit

    ts = SymmetricCell("modified").cycle("0.1 mA/cm2", "1 h", "40 h").timeseries
    noise = np.random.default_rng(5).normal(0, 3e-4, len(ts))
    return InterphaseFit("modified").fit(
        ts["Time [h]"].to_numpy() * 3600,
        ts["Voltage [V]"].to_numpy() + noise,
        ts["Current density [mA.cm-2]"].to_numpy() * 10,
    )


def test_forecast_jumped_matches_full(fitted):
    jumped = fitted.predict("600 h")
    full = fitted.predict("600 h", jump=False)
    assert len(jumped) == len(full) == 300
    diff = (jumped["Overpotential [mV]"] - full["Overpotential [mV]"]).abs().max()
    assert diff < OVERPOTENTIAL_MV
    fc = fitted.forecast("600 h", n_samples=4)
    assert fc.attrs["model runs"] == 5
    assert (fc["Upper [mV]"] > fc["Overpotential [mV]"]).all()
    assert (fc["Lower [mV]"] < fc["Overpotential [mV]"]).all()


@pytest.mark.slow
def test_forecast_samples_on_a_dask_cluster_equal_in_process(fitted):
    # the same engine as `solidna sweep`: an embedded LocalCluster of worker processes
    here = fitted.forecast("400 h", n_samples=4)
    dask = fitted.forecast("400 h", n_samples=4, workers=2)
    np.testing.assert_allclose(dask.to_numpy(dtype=float), here.to_numpy(dtype=float), rtol=1e-9)


def test_duration_not_a_whole_number_of_cycles():
    # the last cycle is cut short: the same cycles (its incomplete half dropped) as the full run
    full, jumped = _agree("modified", "200.3 h", half_cycle="0.7 h", cd="0.2 mA/cm2")
    assert jumped.inputs["cycle jumping"]["jumps"] > 0
    _check_overpotential(full, jumped)
    assert jumped.timeseries["Time [h]"].iloc[-1] == pytest.approx(200.3, abs=1e-5)


def test_cli_full_switches_jumping_off(tmp_path):
    import json

    from typer.testing import CliRunner

    from solidna import cli

    runner = CliRunner()
    base = ["simulate", "symmetric", "--duration", f"{2 * JUMP_MIN_CYCLES} h"]
    jumped = runner.invoke(cli.app, [*base, "--out", str(tmp_path / "j")])
    full = runner.invoke(cli.app, [*base, "--out", str(tmp_path / "f"), "--full"])
    assert jumped.exit_code == 0 and full.exit_code == 0, jumped.output + full.output
    assert "cycle jumping" in jumped.output and "cycle jumping" not in full.output
    sj = json.loads((tmp_path / "j" / "summary.json").read_text())
    sf = json.loads((tmp_path / "f" / "summary.json").read_text())
    assert any(sj["cycles"]["interpolated"]) and "interpolated" not in sf["cycles"]
    eta_j, eta_f = sj["cycles"]["overpotential [mV]"], sf["cycles"]["overpotential [mV]"]
    assert len(eta_j) == len(eta_f) == JUMP_MIN_CYCLES
    assert max(abs(a - b) for a, b in zip(eta_j, eta_f, strict=True)) < OVERPOTENTIAL_MV
