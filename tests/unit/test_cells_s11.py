"""Cell-level follow-ups of the s11 CLI audit: a CV vertex beyond the cycler's limit is named
before the sweep's length, and a simulated run of very short half cycles does not ask whether
its own time is in hours."""

import warnings

import pytest

import solidna as sd
from solidna.errors import OutOfRangeError


def test_cv_vertex_beyond_the_limit_is_named_before_the_sweep_length():
    # -1e6 V also makes the sweep last 1.1e5 h: the error named that length, not the vertex
    with pytest.raises(OutOfRangeError, match="vertex v_min"):
        sd.SymmetricCell().cv(v_min="-1e6 V")


def test_short_half_cycles_of_a_simulation_do_not_ask_for_the_time_unit():
    result = sd.SymmetricCell().cycle(half_cycle="1 s", duration="0.02 h", jump=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = result.cycles()
    assert len(table) == 36  # 72 s of 2-s cycles
    assert (table["Overpotential [mV]"] > 0).all()
