"""The analysis functions called from Python as an electrochemist calls them in a notebook.

Each test below failed on the code before its fix: a traceback (a bare TypeError/ValueError from
inside NumPy), a silently wrong number (degC taken for K, a reversed current sign, a voltage in
mV) or a silently accepted nonsense option. Valid input must give the same numbers as before:
the round trips at the end recover known parameters from lists, pandas Series and float32
arrays.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from solidna.analysis import cycling, drt, eis, kinetics, metrics
from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    OutOfRangeError,
    SolidnaWarning,
)

F = np.logspace(6, -1, 40)


def _rq(f, r0=1e-3, r1=8e-2, q=5e-3, n=0.9):
    """R0-p(R1,CPE1) in Ohm.m2."""
    return r0 + r1 / (1 + r1 * q * (2j * np.pi * f) ** n)


def _arrhenius(temperature_K, ea_eV=0.32):
    t = np.asarray(temperature_K, dtype=float)
    return 0.05 * np.exp(-ea_eV / (eis.BOLTZMANN_EV_K * t) + ea_eV / (eis.BOLTZMANN_EV_K * 298.15))


def _cv(i0=17.3, r=2e-3, temperature_K=298.15):
    """A symmetric-cell CV (paper Fig. 4g waveform) from the model it is analysed with."""
    _, v = kinetics.cv_waveform(voltage_step_V=0.005)

    def current(x):
        return brentq(
            lambda i: kinetics.symmetric_cell_voltage(i, i0, r, temperature_K) - x, -1e5, 1e5
        )

    return v, np.array([current(x) for x in v])


# --------------------------------------------------------------------------------------------
# Options given as text, lists or NaN: a clear error, never a traceback from NumPy
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bounds", [{"R0": "ab"}, {"R0": 1.0}, {"R0": (0, np.nan)}, ("a", "b")])
def test_malformed_bounds_are_refused_by_name(bounds):
    with pytest.raises(InvalidOptionError, match="bounds"):
        eis.fit_circuit(F, _rq(F), bounds=bounds, n_starts=1)


def test_a_text_flag_is_refused_not_read_as_true():
    with pytest.raises(InvalidOptionError, match="weight_by_modulus"):
        eis.EISFit(weight_by_modulus="no")
    v, i = _cv()
    with pytest.raises(InvalidOptionError, match="back_reaction_correction"):
        kinetics.exchange_current_from_cv(
            v, i, method="tafel", ohmic_resistance_ohm_m2=2e-3, back_reaction_correction="no"
        )


@pytest.mark.parametrize(
    ("q", "n", "r"), [("5e-3 F", 0.9, 0.08), (np.array([5e-3, 1e-3]), 0.9, 0.08), (np.nan, 0.9, 1)]
)
def test_effective_capacitance_refuses_text_arrays_and_nan(q, n, r):
    with pytest.raises(InvalidOptionError, match="q must be"):
        eis.effective_capacitance(q, n, r)


@pytest.mark.parametrize("max_M", ["a", float("nan"), 7.5])
def test_kramers_kronig_refuses_a_bad_max_M(max_M):
    with pytest.raises(InvalidOptionError, match="max_M"):
        eis.kramers_kronig(F, _rq(F), max_M=max_M)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"temperature_K": "298 K"}, "temperature_K"),
        ({"temperature_K": np.array([298.0, 300.0])}, "temperature_K"),
        ({"ohmic_resistance_ohm_m2": "2 mOhm"}, "ohmic_resistance_ohm_m2"),
        (
            {
                "method": "micro-polarisation",
                "ohmic_resistance_ohm_m2": 2e-3,
                "micro_window_V": "10 mV",
            },
            "micro_window_V",
        ),
    ],
)
def test_exchange_current_options_with_units_in_the_text_are_refused(kwargs, name):
    v, i = _cv()
    with pytest.raises(InvalidOptionError, match=name):
        kinetics.exchange_current_from_cv(v, i, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"v_min_V": "minus 0.5"}, {"n_cycles": float("nan")}, {"voltage_step_V": "1 mV"}],
)
def test_cv_waveform_refuses_bad_options(kwargs):
    # before: ValueError from float("minus 0.5"), int(nan), and a TypeError for "1 mV"
    with pytest.raises(InvalidOptionError):
        kinetics.cv_waveform(**kwargs)


def test_cv_waveform_refuses_a_step_that_needs_terabytes():
    with pytest.raises(InvalidOptionError, match="samples"):
        kinetics.cv_waveform(voltage_step_V=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"n_boot": 2.5}, OutOfRangeError), ({"n_boot": "10"}, OutOfRangeError)],
)
def test_fit_drt_refuses_a_non_whole_replicate_count(kwargs, error):
    f = np.logspace(5, -2, 36)
    with pytest.raises(error, match="n_boot"):
        drt.fit_drt(f, 10 + 100 / (1 + 2j * np.pi * f * 1e-3), **kwargs)


def test_fit_drt_refuses_a_text_seed():
    f = np.logspace(5, -2, 36)
    with pytest.raises(OutOfRangeError, match="seed"):
        drt.fit_drt(f, 10 + 100 / (1 + 2j * np.pi * f * 1e-3), n_boot=2, seed="a")


def test_cycling_thresholds_with_units_in_the_text_are_refused():
    t = np.arange(0.0, 7200.0, 10.0)
    i = np.where(t < 3600, 1.0, -1.0)
    v = 0.05 * i
    with pytest.raises(InvalidOptionError, match="threshold_V"):
        cycling.time_to_voltage(t, v, "1 V")
    # before: None ("never reached") for a threshold given in mV
    with pytest.raises(InvalidOptionError, match="90 mV is 0.09 V"):
        cycling.time_to_voltage(t, v, 90)
    with pytest.raises(InvalidOptionError, match="voltage_limit_V"):
        cycling.detect_runaway(t, v, i, voltage_limit_V=1000)
    with pytest.raises(InvalidOptionError, match="window"):
        cycling.per_cycle_overpotential(t, v, i, window="10 %")
    with pytest.raises(DataFormatError, match="current"):
        cycling.rest_threshold(["a", "b"])


def _full_cell(n_cycles=2, ce=0.9, current_A=1e-3, dt=60.0):
    """Charge 10 h then discharge 9 h at 1 mA, the voltage a ramp: capacities 10 and 9 mA.h."""
    t, v, i, t0 = [], [], [], 0.0
    for _ in range(n_cycles):
        for sign, duration in ((1, 36000.0), (-1, 36000.0 * ce)):
            tt = np.arange(0.0, duration, dt)
            t.append(t0 + tt)
            i.append(np.full(tt.size, sign * current_A))
            v.append(3.0 + 0.5 * tt / duration if sign > 0 else 3.5 - 0.5 * tt / duration)
            t0 += duration
    return np.concatenate(t), np.concatenate(v), np.concatenate(i)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"mass_g": "10 mg"}, InvalidOptionError, "mass_g"),
        ({"area_m2": "1 cm2"}, InvalidOptionError, "area_m2"),
        ({"reference_cycle": 1.5}, OutOfRangeError, "reference_cycle"),
        ({"reference_cycle": "1"}, OutOfRangeError, "reference_cycle"),
    ],
)
def test_galvanostatic_cycles_refuses_bad_options(kwargs, error, name):
    t, v, i = _full_cell()
    with pytest.raises(error, match=name):
        metrics.galvanostatic_cycles(t, v, i, **kwargs)


@pytest.mark.parametrize("table", [[1, 2], pd.DataFrame({"Capacity": [1.0]})])
def test_cycling_summary_refuses_a_table_it_cannot_read(table):
    with pytest.raises(DataFormatError, match="galvanostatic_cycles"):
        metrics.cycling_summary(table)


@pytest.mark.parametrize(
    ("q", "v"), [([0.0, 1.0, 2.0], [3.0, 3.5]), ([0.0, 1.0, np.nan], [3.0, 3.5, 4.0]), ([], [])]
)
def test_median_voltage_refuses_mismatched_or_missing_values(q, v):
    # before: 3.25 V for mismatched columns, a NaN-skipping answer, nan with RuntimeWarnings
    with pytest.raises(DataFormatError):
        metrics.median_voltage(q, v)


# --------------------------------------------------------------------------------------------
# Shapes that do not fit together
# --------------------------------------------------------------------------------------------
def test_conductivity_refuses_arrays_of_different_lengths():
    with pytest.raises(DataFormatError, match="one value per sample"):
        eis.conductivity_from_rs([1e-3, 2e-3], [60e-6, 1e-5, 2e-5])
    with pytest.raises(DataFormatError, match="area_m2"):
        eis.conductivity_from_resistance([10.0, 20.0], 60e-6, [1e-4, 1e-4, 1e-4])


def test_arrhenius_from_spectra_checks_its_list_of_spectra():
    temps = np.array([283.15, 298.15, 313.15])
    with pytest.raises(DataFormatError, match=r"spectra\[0\]"):
        eis.arrhenius_from_spectra([F, F, F], temps, 60e-6, 1e-4)
    pairs = [(F, _rq(F)) for _ in temps]
    with pytest.raises(DataFormatError, match="thickness_m"):
        eis.arrhenius_from_spectra(pairs, temps, [60e-6, 60e-6], 1e-4)


def test_drt_evolution_checks_spectra_times_and_options():
    f = np.logspace(5, -2, 36)
    z = 10 + 100 / (1 + 2j * np.pi * f * 1e-3)
    with pytest.raises(DataFormatError, match=r"spectra\[0\]"):
        drt.drt_evolution([f, z], n_boot=0)
    with pytest.raises(InvalidOptionError, match="n_bot"):
        drt.drt_evolution([(f, z)], n_bot=0)
    with pytest.raises(DataFormatError, match="times_h"):
        drt.drt_evolution([(f, z), (f, z)], times_h=[0.0, np.nan], n_boot=0)


# --------------------------------------------------------------------------------------------
# Wrong units and conventions that used to give a number
# --------------------------------------------------------------------------------------------
def test_arrhenius_fit_refuses_temperatures_in_degC():
    t_c = np.array([10.0, 25.0, 40.0, 60.0])
    # before: Ea = 0.0017 eV, without a word
    with pytest.raises(OutOfRangeError, match=r"degC: pass 283.15 K"):
        eis.arrhenius_fit(t_c, _arrhenius(t_c + 273.15))


def test_arrhenius_fit_warns_when_conductivity_falls_with_temperature():
    t = np.array([283.15, 298.15, 313.15, 333.15])
    with pytest.warns(SolidnaWarning, match="falls as the temperature rises"):
        out = eis.arrhenius_fit(t, _arrhenius(t)[::-1])
    assert out["Activation energy [eV]"] < 0  # reported as fitted, not hidden


def test_exchange_current_refuses_a_temperature_in_degC():
    v, i = _cv()
    # before: i0 = 0.32 A/m2 for a true 17.3 A/m2, flagged only as "not identifiable"
    with pytest.raises(OutOfRangeError, match="298.15 K"):
        kinetics.exchange_current_from_cv(v, i, temperature_K=25)


def test_exchange_current_refuses_a_reversed_current_sign():
    v, i = _cv()
    # before: a result with i0 = nan and R = 0, no error
    with pytest.raises(DataFormatError, match="pass -current"):
        kinetics.exchange_current_from_cv(v, -i)


@pytest.mark.parametrize("swap", [False, True])
def test_exchange_current_refuses_millivolts_and_swapped_columns(swap):
    v, i = _cv()
    args = (i, v) if swap else (v * 1e3, i)
    # before: swapped columns gave i0 = 5423 A/m2; mV ended at the i0 bound
    with pytest.raises(DataFormatError, match="voltage_V reaches"):
        kinetics.exchange_current_from_cv(*args)


@pytest.mark.parametrize(
    ("i0", "temperature_K", "name"),
    [(0.0, 298.15, "i0_A_m2"), (-1.0, 298.15, "i0_A_m2"), (1.0, 0, "temperature_K")],
)
def test_symmetric_cell_voltage_refuses_non_physical_parameters(i0, temperature_K, name):
    # before: inf, a voltage of the wrong sign, or V = iR for T = 0
    with pytest.raises((InvalidOptionError, OutOfRangeError), match=name):
        kinetics.symmetric_cell_voltage([1.0, 2.0], i0, 2e-3, temperature_K)


def test_kramers_kronig_says_when_minus_z_im_was_passed():
    z = _rq(F)
    with pytest.warns(SolidnaWarning, match="-Z_im"):
        result = eis.kramers_kronig(F, z.real - 1j * z.imag)
    assert not result.valid


# --------------------------------------------------------------------------------------------
# Valid input: the numbers do not change (round trips from known parameters)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "as_input",
    [
        lambda f, z: (list(f), list(z)),
        lambda f, z: (pd.Series(f, name="Frequency [Hz]"), pd.Series(z)),
        lambda f, z: (f.astype(np.float32), z.astype(np.complex64)),
        lambda f, z: (f[::-1], z[::-1]),
    ],
)
def test_circuit_fit_recovers_the_circuit_from_any_array_type(as_input):
    f, z = as_input(F, _rq(F))
    fit = eis.fit_circuit(f, z, n_starts=2)
    assert fit.params_["R0"] == pytest.approx(1e-3, rel=1e-3)
    assert fit.params_["R1"] == pytest.approx(8e-2, rel=1e-3)
    assert fit.params_["CPE1_1"] == pytest.approx(0.9, rel=1e-3)


def test_arrhenius_round_trip_and_numeric_inputs_unchanged():
    t = np.array([283.15, 298.15, 313.15, 333.15])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = eis.arrhenius_fit(pd.Series(t, name="T [K]"), list(_arrhenius(t)))
    assert out["Activation energy [eV]"] == pytest.approx(0.32, rel=1e-9)
    assert eis.effective_capacitance(5e-3, 1.0, 0.08) == pytest.approx(5e-3)
    assert eis.conductivity_from_rs([1e-3, 2e-3], 60e-6) == pytest.approx([0.06, 0.03])


def test_exchange_current_round_trip_unchanged():
    v, i = _cv()
    result = kinetics.exchange_current_from_cv(pd.Series(v), i.astype(np.float32))
    assert result.i0_A_m2 == pytest.approx(17.3, rel=1e-3)
    assert result.ohmic_resistance_ohm_m2 == pytest.approx(2e-3, rel=1e-2)
    micro = kinetics.exchange_current_from_cv(
        v, i, method="micro-polarisation", ohmic_resistance_ohm_m2=2e-3, micro_window_V="0.01"
    )
    assert micro.i0_A_m2 == pytest.approx(17.3, rel=1e-2)


def test_galvanostatic_round_trip_unchanged():
    t, v, i = _full_cell()
    table = metrics.galvanostatic_cycles(t, v, i, mass_g=0.01, reference_cycle=1.0)
    assert table["Discharge capacity [A.h]"].iloc[0] == pytest.approx(9e-3, rel=1e-3)
    assert metrics.cycling_summary(table)["cycles"] == 2


def test_a_record_ending_on_a_complete_discharge_keeps_it():
    # 90 % coulombic efficiency: each discharge lasts 9 h against 10 h of charge. Before, the
    # last discharge was measured against all half cycles (median 10 h) and dropped as cut short.
    t, v, i = _full_cell()
    table = metrics.galvanostatic_cycles(t, v, i)
    assert table["Discharge capacity [A.h]"].tolist() == pytest.approx([9e-3, 9e-3], rel=1e-3)
    assert table["Coulombic efficiency [%]"].iloc[-1] == pytest.approx(90.0, rel=1e-3)
    # a record cut short inside its last discharge still loses it
    short = t < t[-1] - 3600.0
    cut = metrics.galvanostatic_cycles(t[short], v[short], i[short])
    assert np.isnan(cut["Discharge capacity [A.h]"].iloc[-1])


def _symmetric_record():
    """Five cycles of 1 h half cycles at +-1 A/m2; the overpotential 60, 70, ..., 100 mV."""
    t = np.arange(0.0, 36000.0 + 10.0, 10.0)
    half = np.minimum(t // 3600, 9).astype(int)
    i = np.where(half % 2 == 0, 1.0, -1.0)
    return t, i * (0.05 + 0.01 * (half // 2 + 1)), i


def test_a_voltage_in_millivolts_is_refused():
    t, v, i = _symmetric_record()
    # before: an overpotential of 60000 "mV"; an energy 1000 times too large
    with pytest.raises(DataFormatError, match="voltage_V reaches 100 V"):
        cycling.per_cycle_overpotential(t, v * 1e3, i)
    tf, vf, i_f = _full_cell()
    with pytest.raises(DataFormatError, match="mV: divide by 1000"):
        metrics.galvanostatic_cycles(tf, vf * 1e3, i_f)


def test_a_module_of_cells_in_series_is_analysed():
    """A full-cell record is checked against 100 V, not one cell's 20 V: a module of 13 cells
    (~50 V) is cycled too, and its capacities are the single cell's."""
    tf, vf, i_f = _full_cell()
    cell = metrics.galvanostatic_cycles(tf, vf, i_f)
    module = metrics.galvanostatic_cycles(tf, 13 * vf, i_f)
    col = "Discharge capacity [A.h]"
    assert module[col].to_numpy() == pytest.approx(cell[col].to_numpy())


def test_a_time_in_hours_is_flagged():
    t, v, i = _symmetric_record()
    with pytest.warns(SolidnaWarning, match="the time in hours"):
        table = cycling.per_cycle_overpotential(t / 3600, v, i)
    assert table["Overpotential [mV]"].tolist() == pytest.approx([60, 70, 80, 90, 100])
    tf, vf, i_f = _full_cell()
    with pytest.warns(SolidnaWarning, match="the time in hours"):
        metrics.galvanostatic_cycles(tf / 3600, vf, i_f)


def test_overpotential_round_trip_from_series_and_integer_time_unchanged():
    t, v, i = _symmetric_record()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SolidnaWarning)
        table = cycling.per_cycle_overpotential(
            pd.Series(t.astype(int), name="Time [s]"), list(v), pd.Series(i * 1e3)
        )
    assert table["Overpotential [mV]"].tolist() == pytest.approx([60, 70, 80, 90, 100])


def test_fit_rs_rct_warns_when_the_arc_does_not_close():
    blocking = 1e-3 + 1 / (1e-2 * (2j * np.pi * F) ** 0.9)  # R0 + CPE: no DC limit
    # before: Rct = 1.5e10 Ohm.m2 +- 1e-22, without a word
    with pytest.warns(SolidnaWarning, match="R1 .* extrapolation"):
        eis.fit_rs_rct(F, blocking)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SolidnaWarning)
        out = eis.fit_rs_rct(F, _rq(F))
    assert out["Rct [Ohm.m2]"] == pytest.approx(8e-2, rel=1e-3)


def test_per_cycle_overpotential_refuses_a_full_cell_record():
    t, v, i = _symmetric_record()
    # before: an "overpotential" of 3440 mV, the cell voltage of a 3.5 V cell
    with pytest.raises(DataFormatError, match="galvanostatic_cycles"):
        cycling.per_cycle_overpotential(t, 3.5 + v, i)


def test_kramers_kronig_points_to_add_cap_for_a_spectrum_without_dc_limit():
    blocking = 1e-3 + 1 / (1e-2 * (2j * np.pi * F) ** 0.9)
    # before: "not valid", without a hint that the test itself cannot follow the spectrum
    with pytest.warns(SolidnaWarning, match="add_cap=True"):
        assert not eis.kramers_kronig(F, blocking).valid
    assert eis.kramers_kronig(F, blocking, add_cap=True).valid


@pytest.mark.parametrize("factor", [1e3, 3600.0, 1e-3])
def test_a_capacity_column_in_other_units_than_the_current_is_refused(factor):
    t, v, i = _full_cell()
    q_Ah = np.concatenate([[0.0], np.cumsum(i[:-1] * np.diff(t))]) / 3600
    # before: "Charge capacity [A.h]" = 9.98 for a 10 mA.h charge passed in mA.h
    with pytest.raises(DataFormatError, match="different units"):
        metrics.galvanostatic_cycles(t, v, i, capacity_Ah=q_Ah * factor)
    table = metrics.galvanostatic_cycles(t, v, i, capacity_Ah=q_Ah)
    assert table["Charge capacity [A.h]"].iloc[1] == pytest.approx(0.01, rel=5e-3)  # 1 sample


@pytest.mark.parametrize(("lam", "match"), [("0.1", r"lam=0.1"), ([0.1, 0.2], "single number")])
def test_fit_drt_says_how_to_pass_a_fixed_lambda(lam, match):
    f = np.logspace(5, -2, 36)
    # before: "Unknown lam '0.1'. Allowed: 'gcv', 'lcurve'", and a TypeError for a list
    with pytest.raises(InvalidOptionError, match=match):
        drt.fit_drt(f, 10 + 100 / (1 + 2j * np.pi * f * 1e-3), n_boot=0, lam=lam)


def test_analyze_turns_a_cv_counted_the_other_way(tmp_path):
    """`analyze --kind cv` of a potentiostat that counts the other direction as positive: the
    API refuses such a current (pass -current), the command line cannot, so it turns the sign
    with a note and gives the same exchange current as the file written the usual way."""
    import json

    from typer.testing import CliRunner

    import solidna as sd
    from solidna import cli

    ts = sd.SymmetricCell().cv().timeseries
    results = {}
    for name, sign in (("usual", 1.0), ("reversed", -1.0)):
        path = tmp_path / f"{name}.csv"
        current = sign * ts["Current density [mA.cm-2]"]
        rows = zip(ts["Time [s]"], ts["Voltage [V]"], current, strict=True)
        path.write_text(
            "Time [s],Voltage [V],Current [mA]\n"
            + "\n".join(f"{a:.9g},{b:.9g},{c:.9g}" for a, b, c in rows)
            + "\n"
        )
        out = tmp_path / f"out_{name}"
        args = ["analyze", str(path), "--kind", "cv", "--area", "1 cm2", "--no-model-fit"]
        result = CliRunner().invoke(cli.app, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text())
        (entry,) = summary["results"].values()
        results[name] = (entry["Butler-Volmer fit"], result.output)
    usual, reversed_ = results["usual"][0], results["reversed"][0]
    assert "error" not in reversed_
    key = "exchange current density [mA.cm-2]"
    assert reversed_[key] == pytest.approx(usual[key], rel=1e-9)
    assert "read with its sign turned" in " ".join(results["reversed"][1].split())
    assert "read with its sign turned" not in " ".join(results["usual"][1].split())
