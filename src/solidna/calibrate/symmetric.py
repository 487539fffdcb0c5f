"""Calibration of the symmetric-cell interphase parameters to the ``calibrate`` targets of Fig. 4.

Free parameters (fitted in log space) and the target that mainly fixes each:

==========================================================  ==================================
``Modified interphase resistivity [Ohm.m]``                  fig4h.mna.overpotential.start
``Modified interphase solvent diffusivity [m2.s-1]``         fig4h.mna.overpotential.4000h
``Modified exchange-current density [A.m-2]``                fig4g.mna.exchange_current
``Pristine exchange-current density [A.m-2]``                fig4g.exchange_current_ratio
``Pristine interphase chemical growth rate [m.s-1]``         fig4h.na.time_to_10V
==========================================================  ==================================

Every model value is computed by :mod:`solidna.calibrate.experiments` - the same simulation and analysis
the figure module reports - and only ``role: calibrate`` targets are read. The fitted values are
written to ``parameters/sets/lu2019/fitted_symmetric.toml`` with the targets, residuals,
routine and solidna version. Run ``python -m solidna.calibrate.symmetric`` (or ``solidna
calibrate symmetric``) to regenerate it.
"""

from __future__ import annotations

from solidna._docstrings import fill_doc
from solidna.calibrate._common import Calibration, FreeParameter
from solidna.parameters import ParameterSet
from solidna.progress import Progress, no_progress

__all__ = ["calibrate_symmetric", "model_values", "FREE_PARAMETERS", "TARGET_IDS", "ROUTINE"]

ROUTINE = "solidna.calibrate.symmetric.calibrate_symmetric"

# Initial guesses are round orders of magnitude, not the answer: a film resistivity of ~1e6 Ohm m
# (poor ionic conductor, NaF-like; physics brief section 2.3), a solvent diffusivity of 1e-23 m2/s
# (slow SEI growth), exchange currents of ~1 mA/cm2 (treated Na) and ~1 uA/cm2 (Na under a nitrile
# polymer), a reaction-layer growth of ~1e-12 m/s (nm per quarter hour). The fit must find the
# values from there.
FREE_PARAMETERS: dict[str, FreeParameter] = {
    "Modified interphase resistivity [Ohm.m]": FreeParameter(
        "Ohm.m",
        1e6,
        "Ionic resistivity of the NaF-rich film; with 8 nm it sets the initial overpotential.",
    ),
    "Modified interphase solvent diffusivity [m2.s-1]": FreeParameter(
        "m2.s-1",
        1e-23,
        "Solvent diffusivity through the film in the solvent-diffusion-limited growth law.",
    ),
    "Modified exchange-current density [A.m-2]": FreeParameter(
        "A.m-2",
        10.0,
        "Butler-Volmer exchange-current density of Na+/Na under the NaF-rich film.",
    ),
    "Pristine exchange-current density [A.m-2]": FreeParameter(
        "A.m-2",
        0.01,
        "Butler-Volmer exchange-current density of Na+/Na at pristine Na in contact with SN.",
    ),
    "Pristine interphase chemical growth rate [m.s-1]": FreeParameter(
        "m.s-1",
        1e-12,
        "Rate of chemical growth of the poly(SN) reaction layer at rest.",
    ),
}

TARGET_IDS = (
    "fig4h.mna.overpotential.start",
    "fig4h.mna.overpotential.4000h",
    "fig4g.mna.exchange_current",
    "fig4g.exchange_current_ratio",
    "fig4h.na.time_to_10V",
)


@fill_doc
def model_values(parameters: ParameterSet, progress: Progress = no_progress) -> dict[str, float]:
    """Model values of the five Fig. 4 calibrate observables, in the targets' units:
    overpotentials [mV], exchange current [mA/cm2], ratio [-], time to 10 V [h].

    %(Parameters: calibration_parameters, progress)s

    %(Returns: model_values)s
    """
    from solidna.calibrate import experiments as ex

    progress("M-Na|M-Na 4000 h at 0.1 mA/cm2", None)
    # every cycle resolved (jump=False): the fit's finite differences must not see jump noise
    mna = ex.fig4h(parameters, "modified", jump=False)
    start, end = ex.cycling_overpotentials_mV(mna)
    progress("Na|Na at 0.1 mA/cm2 to the voltage limit", None)
    na = ex.fig4h(parameters, "pristine", jump=False)
    t10 = ex.time_to_limit_h(na)
    if t10 is None:
        # never reached within the run: extrapolate linearly in |V| so the residual stays smooth
        # (a constant would give the fit no slope to follow)
        ts = na.timeseries
        t10 = (
            float(ts["Time [h]"].iloc[-1])
            * na.inputs["voltage limit [V]"]
            / float(ts["Voltage [V]"].abs().max())
        )
    progress("CV of M-Na|M-Na and Na|Na", None)
    i0_m = ex.fig4g(parameters, "modified").i0_model_fit_A_m2
    i0_p = ex.fig4g(parameters, "pristine").i0_model_fit_A_m2
    return {
        "fig4h.mna.overpotential.start": start,
        "fig4h.mna.overpotential.4000h": end,
        "fig4g.mna.exchange_current": i0_m / 10,  # A/m2 -> mA/cm2
        "fig4g.exchange_current_ratio": i0_m / i0_p,
        "fig4h.na.time_to_10V": t10,
    }


_PROBLEM = Calibration(
    "symmetric", ROUTINE, FREE_PARAMETERS, TARGET_IDS, model_values, "lu2019:fig4g,fig4h"
)


calibrate_symmetric = _PROBLEM.entry_point(
    "Fit the five free interphase parameters to the Fig. 4 calibrate targets."
)


if __name__ == "__main__":  # pragma: no cover
    _PROBLEM.main(calibrate_symmetric)
