"""Galvanostatic cycling metrics of batteries (Na-CO2, Fig. 5; Na|NVP, Fig. S31).

Plain arrays in SI: time in s, voltage in V, current in A (positive = charge, i.e. oxidation of
the working electrode/cathode), capacity in A.h. Half cycles are found by
:func:`solidna.analysis.cycling.split_half_cycles` (the same segmentation as the symmetric-cell
overpotential): a half cycle is an uninterrupted stretch of current of one sign; rests are
excluded; a **cycle** starts with every half cycle of the sign of the record's first one, so a
Na-CO2 cell (discharged first) has cycles discharge + charge and a Na|NVP cell (charged first)
charge + discharge.

Definitions (per cycle)
-----------------------
* charge / discharge capacity: the charge passed in that half cycle, ``|Q(end) - Q(start)|``
  with ``Q`` the running net charge (the instrument's counter when the file has one, else the
  trapezoidal integral of the current); Q(start) is read at the sample before the half cycle,
  because a cycler's sample holds the charge passed since the previous one;
* coulombic efficiency = discharge capacity / charge capacity of the same cycle, in %;
* capacity retention = discharge capacity / that of the reference cycle (default: the first
  cycle with a discharge), in %;
* energies: ``integral of V I dt`` over each half cycle (trapezoidal); mean charge and discharge
  voltages = energy / the charge integrated from the same current (the charge-weighted mean
  voltage; taken over the same integral so that it stays within the measured voltages where a
  file's capacity counter and its current disagree);
* median charge and discharge voltages: the median of the voltage over the charge passed in the
  half cycle (:func:`median_voltage`: the voltage below which half of it was passed, the voltage
  read linearly between samples), so that it does not depend on how the record was sampled:
  cyclers log on a voltage change as well as on time, and the simulators sample densely near
  the ends of half cycles, either of which would weigh a plain median of the samples towards
  where the voltage moves fast;
* charge-discharge gap = median charge voltage - median discharge voltage (the "overpotential"
  of a Na-CO2 cell read between its charge and discharge plateaus, Fig. 5d; the definition of
  the Na-CO2 simulator, ``solidna.cells.na_co2.NaCO2Result.cycles``, so that measured and simulated
  gaps compare);
* terminal charge / discharge voltage: the last voltage sample of that half cycle (Fig. 5f);
* energy efficiency = discharge energy / charge energy, in %.

An incomplete last half cycle (the record stops inside it) is dropped, as in
:func:`~solidna.analysis.cycling.per_cycle_overpotential`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from solidna.analysis._checks import (
    MAX_RECORD_VOLTAGE_V,
    as_real_columns,
    check_cell_voltage,
    check_same_length,
    real_number,
)
from solidna.analysis.cycling import _analysable, split_half_cycles
from solidna.analysis.io._table import integrate_current
from solidna.errors import DataFormatError, InvalidOptionError, positive_int

__all__ = [
    "galvanostatic_cycles",
    "cycling_summary",
    "median_voltage",
    "METRIC_COLUMNS",
    "CAPACITY_UNIT_FACTOR",
    "CHARGE_BALANCE_REL",
]

#: The per-cycle charge and discharge capacities must add up to the charge passed over the same
#: stretch of the record (sum of |dQ|) within 0.5 %; more means charge fell between half cycles
#: (a CV tail cut off, a rest with current) and the table's attrs and notes say so.
CHARGE_BALANCE_REL = 0.005

#: Largest factor between the charge a given capacity column passes and the charge the current
#: integrates to before the two are taken for different units: 3. Sampling and integration
#: differ by a few per cent at most; the unit slips differ by 3.6 (mA.h read as C), 1000 (mA.h
#: or mA read as A.h or A) or 3600 (A.s read as A.h).
CAPACITY_UNIT_FACTOR = 3.0

METRIC_COLUMNS = [
    "Time [h]",
    "Charge capacity [A.h]",
    "Discharge capacity [A.h]",
    "Coulombic efficiency [%]",
    "Capacity retention [%]",
    "Charge energy [W.h]",
    "Discharge energy [W.h]",
    "Energy efficiency [%]",
    "Mean charge voltage [V]",
    "Mean discharge voltage [V]",
    "Median charge voltage [V]",
    "Median discharge voltage [V]",
    "Charge-discharge gap [V]",
    "Terminal charge voltage [V]",
    "Terminal discharge voltage [V]",
]


def median_voltage(capacity, voltage_V) -> float:
    """Median of the voltage over the charge passed: the voltage below which half of it passed.

    The voltage is read linearly between samples, so the value is that of the curve V(Q) and
    not of where it happened to be sampled (a plain median of the samples leans towards the
    stretches sampled densely: a cycler logging on a voltage change samples the steep parts
    more often, the simulators the ends of the half cycles).

    Parameters
    ----------
    capacity : array_like of float
        Running charge over one half cycle, monotonic (any unit: A.h, mAh/g, C).
    voltage_V : array_like of float
        Voltage at the same samples [V].

    Returns
    -------
    float
        The median voltage [V]; the median of the samples when no charge passed between them
        (a half cycle of one sample).

    Examples
    --------
    >>> q = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0]  # dense at the start, one step to the end
    >>> v = [3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 4.0]  # V = 3 + Q: the median over Q is 3.5 V
    >>> round(median_voltage(q, v), 6), float(np.median(v))
    (3.5, 3.3)
    """
    q, v = as_real_columns(1, capacity=capacity, voltage_V=voltage_V)
    dq = np.abs(np.diff(q))
    if q.size < 2 or not dq.sum() > 0:
        return float(np.median(v))
    lo, hi = np.minimum(v[:-1], v[1:]), np.maximum(v[:-1], v[1:])
    flat = hi == lo
    span = np.where(flat, 1.0, hi - lo)

    def below(x: float, strict: bool) -> float:
        """Charge passed at a voltage below x (strict) or at most x."""
        part = np.clip((x - lo) / span, 0.0, 1.0)
        part[flat] = (lo[flat] < x) if strict else (lo[flat] <= x)
        return float(np.sum(dq * part))

    # The charge passed below x grows with x, linearly between two sample voltages, and jumps
    # at a voltage held flat between samples: find the first sample voltage where it reaches
    # half the total, then read the median in the linear stretch before it.
    half = 0.5 * dq.sum()
    levels = np.unique(v)
    # bisection over the sorted levels: O(n log n), where evaluating every level is O(n^2)
    k, top = 0, levels.size - 1
    while k < top:
        mid = (k + top) // 2
        if below(levels[mid], False) >= half:
            top = mid
        else:
            k = mid + 1
    x1 = levels[k]
    m1 = below(x1, True)
    if k == 0 or m1 <= half:
        return float(x1)
    x0 = levels[k - 1]
    m0 = below(x0, False)
    return float(x0 + (x1 - x0) * (half - m0) / (m1 - m0))


def _check_capacity_units(q_given: np.ndarray, q_integrated: np.ndarray) -> None:
    """Refuse a capacity column whose charge passed differs from the current's by more than
    :data:`CAPACITY_UNIT_FACTOR`: a unit slip (mA.h for A.h, or the current in mA)."""
    given = float(np.sum(np.abs(np.diff(q_given))))
    integrated = float(np.sum(np.abs(np.diff(q_integrated))))
    if not (given > 0 and integrated > 0):
        return
    ratio = given / integrated
    if not (1 / CAPACITY_UNIT_FACTOR <= ratio <= CAPACITY_UNIT_FACTOR):
        raise DataFormatError(
            f"the capacity passes {ratio:.4g} times the charge that the current integrates to "
            f"over the time ({given:.4g} against {integrated:.4g} A.h): the two are in different "
            "units (a capacity in mA.h is 1000 times, in C 3600 times its value in A.h; a "
            "current in mA gives 1000 times too much charge). Convert one of them (state the "
            "unit in the column's header, e.g. 'Capacity [mA.h]'), or leave the capacity out "
            "(capacity_Ah=None in Python) to integrate the current."
        )


def galvanostatic_cycles(
    time_s,
    voltage_V,
    current_A,
    capacity_Ah=None,
    *,
    reference_cycle: int | None = None,
    mass_g: float | None = None,
    area_m2: float | None = None,
    rest_threshold_A: float | None = None,
    cycle_index=None,
) -> pd.DataFrame:
    """Per-cycle capacities, efficiencies, retention, voltages and gap of a cycling record.

    See the module docstring for every definition.

    Parameters
    ----------
    time_s, voltage_V, current_A : array_like of float
        Time in s (non-decreasing), cell voltage in V, current in A (positive = charge).
        A current density in A/m2 works too: the capacities are then per area (A.h/m2).
    capacity_Ah : array_like of float, optional
        Running net charge in A.h (the tidy table's ``"Capacity [A.h]"``); integrated from the
        current when None.
    reference_cycle : int, optional
        Cycle whose discharge capacity is 100 % retention (default: the first with a discharge).
    mass_g : float, optional
        Active mass in g (e.g. of MWCNT or NVP): adds ``"Specific charge/discharge capacity
        [mA.h.g-1]"``.
    area_m2 : float, optional
        Electrode area in m2: adds ``"Areal charge/discharge capacity [mA.h.cm-2]"``.
    rest_threshold_A : float, optional
        Passed to :func:`~solidna.analysis.cycling.split_half_cycles` (default: 5 % of the
        typical current).
    cycle_index : array_like of int, optional
        The instrument's cycle number per sample (the tidy table's ``"Cycle number"``). When
        given, each half cycle belongs to the instrument's cycle at its first sample instead of
        the cycle counted here (a new one with each half cycle of the first sign).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``"Cycle number"`` (1, 2, ...) with the columns of :data:`METRIC_COLUMNS`
        (NaN where a cycle lacks that half cycle), plus the specific/areal capacities when
        ``mass_g``/``area_m2`` are given. ``attrs``: ``"reference cycle"``, ``"charge
        accounted [%]"`` (per-cycle capacities over the charge passed, 100 % ideally) and
        ``"notes"`` (a list; says when that is off by more than :data:`CHARGE_BALANCE_REL`).

    Raises
    ------
    DataFormatError
        Mismatched, non-finite or decreasing arrays; no current flows; a voltage beyond 100 V
        (mV); ``capacity_Ah`` in other units than the current (:data:`CAPACITY_UNIT_FACTOR`).
    InvalidOptionError
        ``reference_cycle`` not in the record, or non-positive ``mass_g``/``area_m2``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(30.0, 4 * 3600, 60.0)              # 2 cycles of 1-h half cycles, 1 sample/min
    >>> i = np.where((t // 3600) % 2 == 0, -1e-3, 1e-3)   # 1 mA, discharge first
    >>> v = np.where(i < 0, 2.3, 4.0)
    >>> table = galvanostatic_cycles(t, v, i)
    >>> cols = ["Discharge capacity [A.h]", "Charge-discharge gap [V]"]
    >>> table[cols].round(5).to_numpy().tolist()  # cycle 1 lacks the interval before its 1st sample
    [[0.00098, 1.7], [0.001, 1.7]]
    """
    args = (reference_cycle, mass_g, area_m2, rest_threshold_A, cycle_index)
    return _cycles_and_halves(time_s, voltage_V, current_A, capacity_Ah, *args)[0]


def _cycles_and_halves(
    time_s, voltage_V, current_A, capacity_Ah, reference_cycle, mass_g, area_m2, rest_A, cycle_index
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table of :func:`galvanostatic_cycles` and every half cycle of the record
    (:func:`~solidna.analysis.cycling.split_half_cycles`, an incomplete last one included): one
    split for the table and the voltage profiles of ``solidna analyze``. The arguments are those
    of :func:`galvanostatic_cycles`, in its order (``rest_A``: its ``rest_threshold_A``)."""
    t, v, i = as_real_columns(2, time_s=time_s, voltage_V=voltage_V, current_A=current_A)
    check_cell_voltage("voltage_V", v, MAX_RECORD_VOLTAGE_V)
    # the charge the current passes (under the energy integral, for the mean voltage)
    q_int = integrate_current(t, i)
    if capacity_Ah is None:
        q = q_int
    else:
        (q,) = as_real_columns(2, capacity_Ah=capacity_Ah)
        check_same_length(time_s=t, capacity_Ah=q)
        _check_capacity_units(q, q_int)
    for name, value, unit in (("mass_g", mass_g, "g"), ("area_m2", area_m2, "m2")):
        if value is not None:
            real_number(name, value, unit, positive=True)
    if reference_cycle is not None:
        positive_int(reference_cycle, "reference_cycle", "A cycle number of the record, e.g. 1.")
    # numbered by the instrument's cycle index where given (the same rule as the symmetric-cell
    # overpotential, cycling.split_half_cycles)
    all_halves = split_half_cycles(t, i, rest_A, cycle_index)
    halves = _analysable(all_halves)
    a = halves["Start index"].to_numpy()
    b = halves["End index"].to_numpy()
    before = np.maximum(a - 1, 0)
    notes: list[str] = []
    energy_Wh = integrate_current(t, i, v * i)
    cap = np.abs(q[b] - q[before])
    energy = np.abs(energy_Wh[b] - energy_Wh[before])
    passed = np.abs(q_int[b] - q_int[before])
    per_half = pd.DataFrame(
        {
            "Cycle number": halves["Cycle number"].to_numpy(),
            "Sign": halves["Sign"].to_numpy(),
            "End time [s]": halves["End time [s]"].to_numpy(),
            "capacity": cap,
            "energy": energy,
            "passed": passed,
            "terminal": v[b],
            "median": [
                median_voltage(q[x : y + 1], v[x : y + 1]) for x, y in zip(a, b, strict=True)
            ],
        }
    )
    # Several half cycles of one sign in a cycle (a rest in between) add up; the terminal
    # voltage is that of the last one.
    grouped = per_half.groupby(["Cycle number", "Sign"])
    sums = grouped[["capacity", "energy", "passed"]].sum().unstack("Sign")
    last = grouped["terminal"].last().unstack("Sign")
    medians = grouped["median"].mean().unstack("Sign")
    cycles = sums.index

    def col(frame: pd.DataFrame, name: str | None, sign: int) -> pd.Series:
        key = (name, sign) if name else sign
        return frame[key] if key in frame.columns else pd.Series(np.nan, index=cycles)

    q_ch, q_dis = col(sums, "capacity", 1), col(sums, "capacity", -1)
    e_ch, e_dis = col(sums, "energy", 1), col(sums, "energy", -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_ch = e_ch / col(sums, "passed", 1)
        mean_dis = e_dis / col(sums, "passed", -1)
    out = pd.DataFrame(
        {
            "Time [h]": per_half.groupby("Cycle number")["End time [s]"].max() / 3600.0,
            "Charge capacity [A.h]": q_ch,
            "Discharge capacity [A.h]": q_dis,
            "Coulombic efficiency [%]": 100.0 * q_dis / q_ch,
            "Capacity retention [%]": np.nan,
            "Charge energy [W.h]": e_ch,
            "Discharge energy [W.h]": e_dis,
            "Energy efficiency [%]": 100.0 * e_dis / e_ch,
            "Mean charge voltage [V]": mean_ch,
            "Mean discharge voltage [V]": mean_dis,
            "Median charge voltage [V]": col(medians, None, 1),
            "Median discharge voltage [V]": col(medians, None, -1),
            "Charge-discharge gap [V]": col(medians, None, 1) - col(medians, None, -1),
            "Terminal charge voltage [V]": col(last, None, 1),
            "Terminal discharge voltage [V]": col(last, None, -1),
        }
    )
    out = out.replace([np.inf, -np.inf], np.nan)
    with_discharge = out.index[out["Discharge capacity [A.h]"] > 0]
    if reference_cycle is None:
        ref = int(with_discharge[0]) if len(with_discharge) else None
    else:
        ref = int(reference_cycle)
        if ref not in set(with_discharge.tolist()):
            raise InvalidOptionError(
                f"reference_cycle {reference_cycle!r} has no discharge in this record; cycles "
                f"with one: {with_discharge.tolist()[:20]}."
            )
    if ref is not None:
        out["Capacity retention [%]"] = (
            100.0 * out["Discharge capacity [A.h]"] / out.loc[ref, "Discharge capacity [A.h]"]
        )
    if mass_g is not None:
        out["Specific charge capacity [mA.h.g-1]"] = out["Charge capacity [A.h]"] * 1e3 / mass_g
        out["Specific discharge capacity [mA.h.g-1]"] = (
            out["Discharge capacity [A.h]"] * 1e3 / mass_g
        )
    if area_m2 is not None:
        out["Areal charge capacity [mA.h.cm-2]"] = out["Charge capacity [A.h]"] * 0.1 / area_m2
        out["Areal discharge capacity [mA.h.cm-2]"] = (
            out["Discharge capacity [A.h]"] * 0.1 / area_m2
        )
    out.index = out.index.astype(int)
    out.index.name = "Cycle number"
    # every coulomb passed between the first and the last analysed half cycle is in the table
    passed = float(np.sum(np.abs(np.diff(q[int(before[0]) : int(b[-1]) + 1])))) if len(a) else 0.0
    counted = float(np.nansum(cap))
    accounted = 100.0 * counted / passed if passed > 0 else math.nan
    if math.isfinite(accounted) and abs(accounted / 100 - 1) > CHARGE_BALANCE_REL:
        notes.append(
            f"the per-cycle capacities account for {accounted:.2f} % of the charge passed "
            f"(off by more than {100 * CHARGE_BALANCE_REL:g} %): charge flows outside the half "
            "cycles (e.g. currents below the rest threshold)."
        )
    _note_swapped_directions(out, notes)
    out = out.astype(float)
    out.attrs["reference cycle"] = ref
    out.attrs["charge accounted [%]"] = accounted
    out.attrs["notes"] = notes
    return out, all_halves


#: A charge-discharge gap below -1 mV counts as negative for :func:`_note_swapped_directions`:
#: a cell whose overpotentials are within the noise (a gap of -0.9 mV at a tiny current) says
#: nothing about the current's sign, while a reversed sign makes the gap minus the cell's real
#: one, tens of mV and more.
SWAPPED_GAP_V: float = 1e-3


def _note_swapped_directions(table: pd.DataFrame, notes: list[str]) -> None:
    """Note cycles whose charge runs at a lower voltage than their discharge.

    Under a current the voltage of a charge lies above the open-circuit voltage and that of a
    discharge below it (the overpotentials), so over the same state-of-charge window the
    charge-discharge gap is positive. A negative gap in (nearly) every cycle says the current's
    sign is the wrong way round (a file that counts the discharge positive, read as given):
    every charge figure is then a discharge figure. A note, not a correction: a cycle whose
    charge and discharge cover different windows (a partial first charge) can also give one.
    """
    gap = table["Charge-discharge gap [V]"].dropna()
    negative = int((gap < -SWAPPED_GAP_V).sum())
    if len(gap) and negative >= 0.9 * len(gap):
        notes.append(
            f"the median charge voltage lies below the median discharge voltage in {negative} of "
            f"{len(gap)} cycle(s) (a negative charge-discharge gap): charge and discharge look "
            "swapped. Check the current's sign convention (solidna: positive = charge, "
            "oxidation of the working electrode)."
        )


def _value_at(table: pd.DataFrame, column: str, cycle: int) -> float | None:
    if column not in table or cycle not in table.index:
        return None
    value = float(table.loc[cycle, column])
    return value if math.isfinite(value) else None


def cycling_summary(table: pd.DataFrame) -> dict[str, float | int | None]:
    """Headline numbers of a :func:`galvanostatic_cycles` table (for summary.json).

    Parameters
    ----------
    table : pandas.DataFrame
        The per-cycle table of :func:`galvanostatic_cycles`.

    Returns
    -------
    dict
        Number of cycles; first and last discharge capacities, retention at the last cycle,
        mean coulombic efficiency (over cycles with both half cycles), terminal discharge
        voltage in the first and last cycles and its change, charge-discharge gap in cycle 2
        (the paper's Fig. 5d reading) and in the last cycle.
    """
    if not isinstance(table, pd.DataFrame):
        raise DataFormatError(
            f"cycling_summary takes the table of galvanostatic_cycles; got "
            f"{type(table).__name__}. Call cycling_summary(galvanostatic_cycles(t, V, I))."
        )
    if table.empty:
        return {"cycles": 0}
    missing = [c for c in METRIC_COLUMNS if c not in table.columns]
    if missing:
        raise DataFormatError(
            f"the table lacks the column(s) {missing[:4]} of galvanostatic_cycles; pass the "
            "table galvanostatic_cycles returns (its column names unchanged)."
        )
    first, last = int(table.index[0]), int(table.index[-1])
    ce = table["Coulombic efficiency [%]"].dropna()
    tdv = table["Terminal discharge voltage [V]"].dropna()
    out: dict[str, float | int | None] = {
        "cycles": len(table),
        "first cycle": first,
        "last cycle": last,
        "reference cycle for retention": table.attrs.get("reference cycle"),
        "discharge capacity, first cycle [A.h]": _value_at(
            table, "Discharge capacity [A.h]", first
        ),
        "discharge capacity, last cycle [A.h]": _value_at(table, "Discharge capacity [A.h]", last),
        "capacity retention, last cycle [%]": _value_at(table, "Capacity retention [%]", last),
        "mean coulombic efficiency [%]": float(ce.mean()) if len(ce) else None,
        "terminal discharge voltage, first cycle [V]": float(tdv.iloc[0]) if len(tdv) else None,
        "terminal discharge voltage, last cycle [V]": float(tdv.iloc[-1]) if len(tdv) else None,
        "terminal discharge voltage change [V]": (
            float(tdv.iloc[-1] - tdv.iloc[0]) if len(tdv) > 1 else None
        ),
        "charge-discharge gap, cycle 2 [V]": _value_at(table, "Charge-discharge gap [V]", 2),
        "charge-discharge gap, last cycle [V]": _value_at(table, "Charge-discharge gap [V]", last),
    }
    for column in (
        "Specific discharge capacity [mA.h.g-1]",
        "Areal discharge capacity [mA.h.cm-2]",
    ):
        if column in table:
            stem, _, unit = column.partition(" [")
            out[f"{stem.lower()}, first cycle [{unit}"] = _value_at(table, column, first)
    return out
