"""One definition of what the cells' runs share (cycle jumping's progress and record, a
plating/stripping step's cycle count, a Na-CO2 run's schedule), checked through the public
entry points: the cells no longer each convert the progress callback, restate the tolerance
for the run record, count a step's cycles or build and check a Na-CO2 schedule."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

import solidna as sd
from solidna.cells.jump import Block, JumpTolerance, follow_envelope
from solidna.errors import OutOfRangeError
from solidna.protocols import PlatingStripping


def _linear_growth(rate: float):
    """Cycle map y -> y + rate; outputs: y."""

    def resolve(y, c, k):
        start = float(y[0])
        states = start + rate * np.arange(1, k + 1)
        return Block(states[:, None], states[:, None].copy())

    return resolve


def _recorder():
    calls: list[tuple[str, float | None]] = []
    return calls, lambda message, fraction=None: calls.append((message, fraction))


def test_follow_envelope_reports_the_cycles_done_to_the_callers_progress():
    calls, progress = _recorder()
    run = follow_envelope(_linear_growth(1e-3), [1.0], 400, progress=progress)
    assert run.jumps > 0
    assert calls[-1] == ("cycle 400 of 400", 1.0)
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions)
    assert all(m == f"cycle {round(f * 400)} of 400" for m, f in calls)


@pytest.mark.parametrize("given", [None, JumpTolerance(rtol=2e-3, output_atol=1e-4)])
def test_the_run_record_names_the_tolerance_the_run_was_jumped_with(given):
    run = follow_envelope(_linear_growth(1e-3), [1.0], 300, tolerance=given)
    used = given or JumpTolerance()
    assert run.tolerance == used
    record = run.record()
    assert record["tolerance"] == asdict(used)
    assert record["cycles"] == 300 and record["resolved cycles"] == run.resolved_cycles


@pytest.mark.parametrize(("duration", "complete", "begun"), [("10 h", 5, 5), ("9 h", 4, 5)])
def test_a_plating_stripping_step_counts_the_cycles_it_runs_into(duration, complete, begun):
    step = PlatingStripping("0.1 mA/cm2", duration, half_cycle="1 h")
    assert step.n_cycles == complete
    assert step.cycles_begun == begun


def test_a_symmetric_run_of_a_partial_last_cycle_reports_it_jumped_or_not():
    """Both the full and the jumped run count the partial last cycle (one definition)."""
    cell = sd.SymmetricCell()
    for jump in (False, True):
        calls, progress = _recorder()
        result = cell.cycle("0.1 mA/cm2", "0.1 h", "8.1 h", jump=jump, progress=progress)
        assert calls[-1][0] == "cycle 41 of 41", jump
        if jump:
            assert result.inputs["cycle jumping"]["tolerance"] == asdict(JumpTolerance())


def test_a_jumped_na_co2_run_records_the_cells_default_tolerance_and_reports_cycles():
    from solidna.cells.na_co2 import NA_CO2_JUMP_TOLERANCE

    calls, progress = _recorder()
    run = sd.NaCO2Cell().cycle(cycles=6, jump=True, progress=progress)
    assert run.status == "completed"
    assert run.inputs["cycle jumping"]["tolerance"] == asdict(NA_CO2_JUMP_TOLERANCE)
    assert calls[-1] == ("cycle 6 of 6", 1.0)
    assert list(run.cycles().index) == list(range(1, 7))


def test_na_co2_discharge_and_cycling_check_their_cut_offs_alike():
    """Both protocols are checked by one schedule: cut-offs that do not bracket the
    open-circuit voltage are refused before any solve, with the same wording."""
    cell = sd.NaCO2Cell()
    with pytest.raises(OutOfRangeError, match="discharge cut-off .* at or above the open-circuit"):
        cell.discharge(cutoff="2.5 V")
    with pytest.raises(OutOfRangeError, match="discharge cut-off .* at or above the open-circuit"):
        cell.cycle(discharge_cutoff="2.5 V", charge_cutoff="4.8 V")
    with pytest.raises(OutOfRangeError, match="charge cut-off .* at or below the open-circuit"):
        cell.cycle(discharge_cutoff="1.0 V", charge_cutoff="2.0 V")
    with pytest.raises(OutOfRangeError, match="anodic stability limit"):
        cell.cycle(charge_cutoff="6 V")


def _cycling_protocols():
    from solidna.protocols import Rest
    from solidna.protocols.nvp import RateTest

    return {
        "SymmetricCell.run (a rest, never jumped)": lambda **o: sd.SymmetricCell().run(
            [Rest("1 h")], **o
        ),
        "NVPCell.run (a rate test, never jumped)": lambda **o: sd.NVPCell().run(
            RateTest((0.1, 1.0), 1), **o
        ),
        "NaCO2Cell.cycle": lambda **o: sd.NaCO2Cell().cycle(cycles=2, **o),
    }


@pytest.mark.parametrize("protocol", list(_cycling_protocols()))
@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"jump": "no"}, "jump must be True, False or None"),
        ({"jump_tolerance": 1e-3}, "jump_tolerance must be a JumpTolerance"),
        ({"progress": 5}, "progress must be a function"),
    ],
)
def test_every_cycling_protocol_refuses_a_bad_run_option_before_running(protocol, option, message):
    """One check of the three run options for every cell. ``SymmetricCell.run`` of anything
    but a single plating/stripping step accepted ``jump="no"`` (any value) without a word."""
    from solidna.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match=message):
        _cycling_protocols()[protocol](**option)


def test_run_samples_refuses_a_bare_number_as_jump_tolerance():
    """It failed deep in the block set-up with ``AttributeError: 'float' object has no
    attribute 'rtol'``."""
    from solidna.errors import InvalidOptionError

    step = PlatingStripping("0.1 mA/cm2", "10 h", half_cycle="1 h")
    with pytest.raises(InvalidOptionError, match="jump_tolerance must be a JumpTolerance"):
        sd.SymmetricCell().run_samples(step, [{}], jump_tolerance=1e-3)
