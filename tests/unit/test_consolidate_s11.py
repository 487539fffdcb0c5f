"""One place for each repeated check: argument checks, the voltage-in-volts check, the lin-KK
series capacitance and the symmetric-cell half cycles.

Every record and spectrum here is synthetic, built in the test (an RC arc, a blocking electrode,
square-wave plating/stripping and galvanostatic full-cell records) and written in solidna's own
CSV layout (``Time [s]``, ``Voltage [V]``, ...): no third-party file or layout is copied.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from solidna import errors
from solidna.analysis import _checks, cycling, drt, eis, metrics
from solidna.analysis.pipeline import analyze
from solidna.errors import DataFormatError, InvalidOptionError, SolidnaWarning

# ------------------------------------------------------------------------------------------------
# argument checks
# ------------------------------------------------------------------------------------------------


def test_one_number_check_for_every_layer() -> None:
    # the analyses import it from _checks, the foundation's callers from errors: one function
    assert _checks.real_number is errors.real_number
    assert not hasattr(_checks, "check_bool")


@pytest.mark.parametrize("value", [np.True_, np.bool_(False), True, np.array([True])])
def test_a_bool_is_no_number(value) -> None:
    # before: errors.positive_float(numpy.True_) returned 1.0 (only Python's bool was refused)
    with pytest.raises(InvalidOptionError, match="single number"):
        errors.positive_float(value, "spring constant", "N/m")
    with pytest.raises(InvalidOptionError, match="single number"):
        errors.real_number("window", value)


@pytest.mark.parametrize("value", [np.complex128(0.5 + 1j), np.complex64(2), np.array([1 + 0j])])
def test_a_complex_number_is_refused_not_cut_to_its_real_part(value) -> None:
    # before: both returned the real part (with a ComplexWarning at most)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InvalidOptionError, match="single number.*complex"):
            errors.real_number("q", value, "F")
        with pytest.raises(InvalidOptionError, match="single number.*complex"):
            errors.positive_float(value, "tip radius", "m")


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (0.5, 0.5),
        ("0.5", 0.5),
        (np.float32(0.5), 0.5),
        (np.int64(2), 2.0),
        (np.array(0.5), 0.5),
        (np.array([0.5]), 0.5),
        ([0.5], 0.5),
        ("10 mV", None),
        ([0.5, 1.0], None),
        (None, None),
        (float("nan"), None),
        ("inf", None),
    ],
)
def test_positive_float_and_real_number_accept_the_same_numbers(value, number) -> None:
    # before: positive_float refused a one-element list or array that real_number took
    if number is None:
        with pytest.raises(InvalidOptionError, match=r"must be a (single|finite) number"):
            errors.real_number("x", value)
        with pytest.raises(InvalidOptionError, match=r"the sensitivity must be a"):
            errors.positive_float(value, "sensitivity", "m/V")
    else:
        assert errors.real_number("x", value) == number
        assert errors.positive_float(value, "sensitivity", "m/V") == number


@pytest.mark.parametrize("value", [0, -1.5, "-2"])
def test_positive_refuses_zero_and_below(value) -> None:
    assert errors.real_number("x", value) == float(value)
    with pytest.raises(InvalidOptionError, match=r"mass_g must be a positive number in g; got"):
        errors.real_number("mass_g", value, "g", positive=True)
    with pytest.raises(InvalidOptionError, match=r"the spring constant must be a positive number"):
        errors.positive_float(value, "spring constant", "N/m")


def test_check_flag_takes_numpy_bools_and_keeps_both_messages() -> None:
    # before: check_flag (the cells' jump=) refused numpy.True_, which check_bool took
    assert errors.check_flag(np.True_, "jump") is True
    assert errors.check_flag(np.bool_(False), "add_cap", False) is False
    assert errors.check_flag(None, "jump") is None
    with pytest.raises(
        InvalidOptionError,
        match=r"jump must be True, False or None \(the default\); got 'no'. Example: jump=False\.",
    ):
        errors.check_flag("no", "jump")
    with pytest.raises(
        InvalidOptionError, match=r"weight_by_modulus must be True or False \(default True\); got"
    ):
        errors.check_flag(None, "weight_by_modulus", True)


def test_analysis_flags_take_numpy_bools() -> None:
    f, z = _rc_spectrum()
    fit = eis.EISFit(weight_by_modulus=np.True_)
    assert fit.weight_by_modulus
    with pytest.raises(InvalidOptionError, match=r"add_cap must be True or False.*'auto'"):
        eis.kramers_kronig(f, z, add_cap="yes")


# ------------------------------------------------------------------------------------------------
# voltage that cannot be in volts
# ------------------------------------------------------------------------------------------------


def test_one_voltage_check_with_the_callers_limit() -> None:
    from solidna.calibrate._common import PROTECTION_MARGIN, check_in_volts

    check_in_volts(np.array([0.1, -14.9, np.nan]), 10.0)  # within 1.5 x the 10 V protection
    # before: "beyond the cycler's 10 V protection ...": the limit applied (15 V) went unsaid
    with pytest.raises(
        DataFormatError,
        match=rf"voltage_V reaches 80 V, beyond the {PROTECTION_MARGIN * 10:g} V .*10 V "
        r"protection.*mV: divide by 1000",
    ):
        check_in_volts(np.array([0.08, 80.0]), 10.0)
    with pytest.raises(DataFormatError, match=r"beyond the 20 V any single cell .*divide by 1000"):
        _checks.check_cell_voltage("voltage_V", np.array([0.1, 3755.0]))


def test_a_nan_does_not_hide_a_voltage_in_millivolts() -> None:
    # before: max(|[nan, 3755]|) is NaN, and "NaN > 20" is False: the mV went through
    with pytest.raises(DataFormatError, match="reaches 3755 V"):
        _checks.check_cell_voltage("voltage_V", np.array([np.nan, 3755.0]))


# ------------------------------------------------------------------------------------------------
# Kramers-Kronig series capacitance
# ------------------------------------------------------------------------------------------------


def _rc_spectrum() -> tuple[np.ndarray, np.ndarray]:
    f = np.logspace(5, -2, 50)
    return f, 10 + 100 / (1 + 2j * np.pi * f * 1e-3)


def _blocking_spectrum() -> tuple[np.ndarray, np.ndarray]:
    """An arc and a blocking electrode (a CPE of n = 0.9 in series): no DC limit."""
    f = np.logspace(5, -2, 50)
    jw = 2j * np.pi * f
    return f, 10 + 100 / (1 + (jw * 1e-3) ** 0.9) + 1 / (jw**0.9 * 1e-3)


def test_capacitive_end_is_one_function_in_any_frequency_order() -> None:
    assert drt.capacitive_end is eis.capacitive_end
    f, z = _blocking_spectrum()
    end = eis.capacitive_end(f, z)
    assert end is not None and end[0] < eis.CAPACITIVE_END_PHASE_DEG
    # before: ascending frequencies read the highest ones as the "end" (None)
    assert eis.capacitive_end(f[::-1], z[::-1]) == end
    assert eis.capacitive_end(*_rc_spectrum()) is None


@pytest.mark.parametrize(("spectrum", "cap"), [(_blocking_spectrum, True), (_rc_spectrum, False)])
def test_kramers_kronig_decides_the_series_capacitance(spectrum, cap) -> None:
    f, z = spectrum()
    auto = eis.kramers_kronig(f[::-1], z[::-1], add_cap="auto")
    given = eis.kramers_kronig(f[::-1], z[::-1], add_cap=cap)
    assert auto.add_cap is cap and given.add_cap is cap
    assert (auto.valid, auto.n_rc, auto.max_systematic) == (
        given.valid,
        given.n_rc,
        given.max_systematic,
    )
    np.testing.assert_array_equal(auto.residual_real, given.residual_real)


def test_the_drt_and_its_kk_test_take_the_series_capacitance_together() -> None:
    f, z = _blocking_spectrum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SolidnaWarning)
        res = drt.fit_drt(f, z, n_boot=0)
    assert res.kk.add_cap and res.C_series is not None


# ------------------------------------------------------------------------------------------------
# symmetric-cell and full-cell records: one split, one warning
# ------------------------------------------------------------------------------------------------


def _symmetric_record(t0: float = 1000.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """20 h of 1-h half cycles at +-1 A/m2, the overpotential growing 30 % an hour (a runaway)
    and collapsing in half cycle 18 (a short circuit)."""
    t = np.arange(t0, t0 + 20 * 3600.0 + 10.0, 30.0)
    half = ((t - t0) // 3600).astype(int)
    i = np.where(half % 2 == 0, 1.0, -1.0)
    eta = 0.05 * (1 + 0.3 * half)
    eta[half == 17] = 0.005
    return t, i * eta, i


def _write(path: Path, columns: dict[str, np.ndarray]) -> Path:
    header = ",".join(columns)
    np.savetxt(path, np.column_stack(list(columns.values())), delimiter=",", header=header,
               comments="")  # fmt: skip
    return path


def test_the_symmetric_analysis_splits_once_with_the_public_results() -> None:
    t, v, j = _symmetric_record()
    halves, table, events = cycling._symmetric_record(t - t[0], v, j, 0.1)
    ts = t - t[0]
    assert halves.equals(cycling.split_half_cycles(ts, j))
    assert table.equals(cycling.per_cycle_overpotential(ts, v, j, window=0.1))
    public = cycling.detect_runaway(ts, v, j, window=0.1) + cycling.detect_short_circuit(ts, v, j)
    assert events == public
    assert [e.kind for e in events] == ["growth", "short_circuit"]


def test_the_full_cell_table_comes_with_its_half_cycles() -> None:
    t = np.arange(30.0, 5.5 * 3600, 60.0)  # stops inside the 6th half cycle
    i = np.where((t // 3600) % 2 == 0, -1e-3, 1e-3)
    v = np.where(i < 0, 2.3, 4.0)
    table, halves = metrics._cycles_and_halves(t, v, i, None, None, 1e-3, None, None, None)
    assert table.equals(metrics.galvanostatic_cycles(t, v, i, mass_g=1e-3))
    assert halves.equals(cycling.split_half_cycles(t, i))
    assert not halves["Complete"].iloc[-1]  # the profiles still draw the cut-short one


@pytest.mark.parametrize("kind", ["symmetric", "na-co2"])
def test_the_short_half_cycle_warning_is_said_once(tmp_path: Path, kind: str) -> None:
    """Times in hours in a column that says seconds: half cycles of "1 s"."""
    t, v, j = _symmetric_record(0.0)
    if kind == "na-co2":
        v = np.where(j < 0, 2.3, 4.0)
        columns = {"Time [s]": t / 3600, "Voltage [V]": v, "Current [A]": -1e-3 * j}
    else:
        columns = {"Time [s]": t / 3600, "Voltage [V]": v, "Current density [A/m2]": j}
    path = _write(tmp_path / "record.csv", columns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analyze([path], kind, tmp_path / "out")
    said = [w for w in caught if "half cycles last" in str(w.message)]
    # before: twice for --kind symmetric (the overpotential, then the runaway test's own)
    assert len(said) == 1, [str(w.message) for w in said]
