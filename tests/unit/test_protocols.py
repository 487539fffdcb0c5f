"""Protocol steps: unit parsing and clear errors on bad input."""

import pytest

from solidna.errors import InvalidOptionError, OutOfRangeError, UnitError
from solidna.protocols import (
    CyclicVoltammetry,
    ImpedanceSpectroscopy,
    PlatingStripping,
    Rest,
    current_schedule,
)


def test_plating_stripping_parses_units():
    step = PlatingStripping("0.1 mA/cm2", "4000 h", half_cycle="1 h")
    assert step.current_density_A_m2 == pytest.approx(1.0)
    assert step.half_cycle_s == pytest.approx(3600)
    assert step.n_cycles == 2000


def test_capacity_sets_half_cycle():
    step = PlatingStripping("0.5 mA/cm2", "1000 h", capacity="1 mAh/cm2")
    assert step.half_cycle_s == pytest.approx(2 * 3600)


@pytest.mark.parametrize("bad", ["-0.1 mA/cm2", "0 mA/cm2", -1.0])
def test_negative_or_zero_current_density_is_refused(bad):
    with pytest.raises(OutOfRangeError, match="positive.*magnitude"):
        PlatingStripping(bad, "10 h")


@pytest.mark.parametrize("bad", ["fast", "0.1 mA/furlong", None, [1]])
def test_non_numeric_current_density_is_refused(bad):
    with pytest.raises(UnitError, match="current density"):
        PlatingStripping(bad, "10 h")


def test_wrong_dimension_is_refused():
    with pytest.raises(UnitError, match="'0.1 V' is a voltage, not a current density") as info:
        PlatingStripping("0.1 V", "10 h")
    assert "[mass]" not in str(info.value)


def test_half_cycle_longer_than_duration_is_refused():
    with pytest.raises(OutOfRangeError, match="longer than the duration"):
        PlatingStripping("0.1 mA/cm2", "1 h", half_cycle="2 h")


def test_half_cycle_and_capacity_together_are_refused():
    with pytest.raises(OutOfRangeError, match="either half_cycle"):
        PlatingStripping("0.1 mA/cm2", "10 h", half_cycle="1 h", capacity="1 mAh/cm2")


def test_cv_waveform_and_errors():
    cv = CyclicVoltammetry("-0.5 V", "0.5 V", "5 mV/s")
    t, v = cv.waveform()
    assert list(v) == [0, 0.5, -0.5, 0]
    assert t[-1] == pytest.approx(400)
    with pytest.raises(OutOfRangeError, match="bracket 0 V"):
        CyclicVoltammetry("0.1 V", "0.5 V")
    with pytest.raises(OutOfRangeError, match="Scan rate"):
        CyclicVoltammetry(scan_rate="0 mV/s")


def test_eis_grid():
    grid = ImpedanceSpectroscopy("1 MHz", "0.1 Hz", 10)
    f = grid.frequencies_Hz()
    assert f[0] == pytest.approx(1e6) and f[-1] == pytest.approx(0.1) and len(f) == 71
    with pytest.raises(OutOfRangeError, match="below f_max"):
        ImpedanceSpectroscopy("1 Hz", "10 Hz")


def test_schedule_is_back_to_back():
    segs = current_schedule([Rest("2 h"), PlatingStripping("0.1 mA/cm2", "4 h", "1 h")])
    assert segs[0].end_s == segs[1].start_s == 7200
    assert list(segs[1].switch_times()) == [7200, 10800, 14400, 18000, 21600]
    with pytest.raises(InvalidOptionError):
        current_schedule([CyclicVoltammetry()])
