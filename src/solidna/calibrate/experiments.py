"""The paper's symmetric-cell measurements as functions of a parameter set.

Each function simulates one experiment of Lu 2019 under the conditions of
:mod:`solidna.protocols.lu2019` and analyses it as the paper did, returning the observable. The
calibration routine (:mod:`solidna.calibrate.symmetric`) and the figure module
(:mod:`solidna.reproduce.fig4`) call the same functions, so a fitted parameter and a reproduced
number always come from one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solidna._docstrings import fill_doc
from solidna.cells.symmetric import CVResult, CyclingResult, SymmetricCell
from solidna.parameters import ParameterSet
from solidna.progress import Progress
from solidna.protocols import lu2019 as paper

__all__ = [
    "cycling_overpotentials_mV",
    "time_to_limit_h",
    "fig4h",
    "fig4g",
    "CVExtraction",
    "analyse_cv",
]


def fig4h(
    parameters: ParameterSet, anode: str, duration: str | None = None, jump: bool | None = None
) -> CyclingResult:
    """Plating/stripping at 0.1 mA/cm2 with 1-h half cycles (Fig. 4h).

    Parameters
    ----------
    parameters : ParameterSet
        The parameter set to run.
    anode : {"modified", "pristine"}
        M-Na (4000 h by default) or pristine Na (500 h by default, stopped by the voltage limit).
    duration : str, optional
        Another run length, e.g. ``"1000 h"``.
    jump : bool, optional
        Cycle jumping as in :meth:`SymmetricCell.run` (default: the cell's default). A
        calibration passes ``False``: its finite-difference sensitivities must not depend on
        where the jumps fall (a 2 % parameter step moves the 4000-h overpotential by ~1 mV,
        the jump tolerance is 0.5 mV).
    """
    cell = SymmetricCell(anode, parameters)
    if anode == "modified":
        step = paper.fig4h_modified(duration or "4000 h")
    else:
        step = paper.fig4h_pristine(duration or "500 h")
    return cell.run([step], jump=jump)


def cycling_overpotentials_mV(result: CyclingResult) -> tuple[float, float]:
    """Overpotential [mV] of the first and of the last complete cycle.

    Parameters
    ----------
    result : CyclingResult
        A symmetric-cell cycling run.

    Returns
    -------
    tuple of float
        First and last cycle's overpotential [mV].
    """
    eta = result.overpotential()
    return float(eta.iloc[0]), float(eta.iloc[-1])


def time_to_limit_h(result: CyclingResult) -> float | None:
    """Time [h] at which |V| first reaches the cycler's voltage limit (None if never).

    Parameters
    ----------
    result : CyclingResult
        A symmetric-cell cycling run with a ``"voltage limit [V]"`` input.

    Returns
    -------
    float or None
        Time [h], or None if the limit is never reached.
    """
    from solidna.analysis.cycling import time_to_voltage

    limit = result.inputs["voltage limit [V]"]
    ts = result.timeseries
    t = time_to_voltage(
        ts["Time [h]"].to_numpy() * 3600, ts["Voltage [V]"].to_numpy(), 0.999 * limit
    )
    return None if t is None else t / 3600


@dataclass
class CVExtraction:
    """A simulated CV and the exchange currents extracted from it [A/m2]."""

    cv: CVResult
    i0_model_fit_A_m2: float
    i0_bv_fit_A_m2: float | None  # None when that fit cannot identify i0
    note: str


@fill_doc
def analyse_cv(
    cv: CVResult,
    parameters: ParameterSet,
    state: dict | None = None,
    progress: Progress | None = None,
) -> CVExtraction:
    """Exchange current of a symmetric-cell CV, read as Fig. 4g is read.

    The reported value is the model-based fit (:func:`solidna.calibrate.cv.fit_cv`); the plain
    Butler-Volmer fit with co-fitted ohmic resistance is returned beside it for comparison.

    Parameters
    ----------
    cv : CVResult
        A CV of :meth:`SymmetricCell.cv` (or a measured CV in the same columns).
    parameters : ParameterSet
        The parameters held fixed in the model fit (SSE, capacitances, interphase thickness).
    %(cv_state)s
    %(progress)s
        Once per model evaluation of the fit (:func:`fit_cv`), with fraction ``None``.
    """
    from solidna.calibrate.cv import fit_cv

    ts = cv.timeseries
    t = ts["Time [s]"].to_numpy()
    v = ts["Voltage [V]"].to_numpy()
    i = ts["Current density [mA.cm-2]"].to_numpy() * 10
    fit = fit_cv(t, v, i, cv.inputs["anode"], parameters, state=state, progress=progress)
    try:
        bv_fit = cv.exchange_current("bv-fit")
    except Exception as exc:  # the comparison value is optional
        bv, bv_text = None, f"plain BV fit failed ({exc})"
    else:
        if bv_fit.identifiable:
            bv = bv_fit.i0_A_m2
            bv_text = f"plain BV fit with co-fitted R: {bv / 10:.4g} mA/cm2"
        else:
            bv = None
            bv_text = (
                "plain BV fit with co-fitted R: kinetics hidden by the ohmic drop, only "
                f"i0 > {bv_fit.i0_lower_bound_A_m2 / 10:.3g} mA/cm2 can be stated"
            )
    note = f"model-based CV fit: i0 = {fit.i0_A_m2 / 10:.4g} mA/cm2; {bv_text}"
    return CVExtraction(cv, fit.i0_A_m2, bv, note)


@fill_doc
def fig4g(parameters: ParameterSet, anode: str, state: dict | None = None) -> CVExtraction:
    """CV from -0.5 to 0.5 V at 5 mV/s (Fig. 4g) and its exchange current (:func:`analyse_cv`).

    Parameters
    ----------
    %(calibration_parameters)s
    anode : {"modified", "pristine"}
        The Na electrodes.
    %(cv_state)s

    Returns
    -------
    CVExtraction
        The CV and its exchange currents [A/m2].
    """
    cell = SymmetricCell(anode, parameters)
    step = paper.fig4g_cv()
    cv = cell.cv(step.v_min_V, step.v_max_V, step.scan_rate_V_s, step.cycles, state=state)
    return analyse_cv(cv, cell.parameters, state)


# ------------------------------------------------------------------------------------------------
# Na-CO2 cells (Fig. 5)
# ------------------------------------------------------------------------------------------------
def fig5c(parameters: ParameterSet, rate_mA_g: float, anode: str = "modified"):
    """Full discharge to 1.5 V at ``rate_mA_g`` (Fig. 5c)."""
    from solidna.cells.na_co2 import NaCO2Cell

    return NaCO2Cell(anode, parameters).discharge(f"{rate_mA_g} mA/g", paper.FIG5C_CUTOFF)


def fig5d_gap_V(parameters: ParameterSet, rate_mA_g: float, anode: str = "modified") -> float:
    """Charge-discharge gap [V] in the 2nd cycle of capacity-limited cycling at ``rate_mA_g``
    (Fig. 5d): median charge voltage minus median discharge voltage."""
    from solidna.cells.na_co2 import NaCO2Cell

    cell = NaCO2Cell(anode, parameters)
    limit = cell.parameters["SSE anodic stability limit [V]"]
    run = cell.cycle(f"{rate_mA_g} mA/g", paper.FIG5D_CAPACITY, cycles=2, charge_cutoff=limit)
    table = run.cycles()
    if 2 in table.index and not np.isnan(table.loc[2].get("Gap [V]", np.nan)):
        return float(table.loc[2, "Gap [V]"])
    # The charge hit the SSE's stability limit before cycle 2 completed: the gap of the last
    # (partial) cycle is the best statement the run allows (it is a lower bound).
    return float(table["Gap [V]"].dropna().iloc[-1])


def fig5f(
    parameters: ParameterSet,
    anode: str = "modified",
    cycles: int | None = None,
    state: dict | None = None,
):
    """Capacity-limited cycling at 200 mA/g and 1000 mAh/g (Fig. 5e-f)."""
    from solidna.cells.na_co2 import NaCO2Cell

    return NaCO2Cell(anode, parameters).cycle(
        paper.FIG5F_CURRENT,
        paper.FIG5F_CAPACITY,
        cycles=cycles or paper.FIG5F_CYCLES,
        state=state,
    )
