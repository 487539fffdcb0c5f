"""Calibration of the Na|SSE|NVP half-cell to the ``calibrate`` targets of Fig. S31.

Free parameters (fitted in log space) and the target that mainly fixes each:

=====================================================  =========================================
``NVP diffusivity [m2.s-1]``                           figS31.mna.capacity.2C (rate capability)
``Positive interphase growth coefficient [m3.C-1]``    figS31.mna.retention.200cycles (fade)
=====================================================  =========================================

Both model values come from :func:`solidna.cells.nvp.figS31_rate_test` and
:func:`solidna.cells.nvp.figS31_cycling` with M-Na - the same simulations the figure module
(:mod:`solidna.reproduce.figS31`) reports - and only ``role: calibrate`` targets are read
(:func:`solidna.targets.calibrate_targets`). ``figS31.na.worse_than_mna`` is a
validate target: the pristine cells are predicted, never fitted. The fitted values are written to
``parameters/sets/lu2019/fitted_nvp.toml`` with the targets, residuals, model values, routine and
solidna version. Run ``python -m solidna.calibrate.nvp`` to regenerate it.
"""

from __future__ import annotations

from solidna._docstrings import fill_doc
from solidna.calibrate._common import Calibration, FreeParameter
from solidna.parameters import ParameterSet
from solidna.progress import Progress, no_progress

__all__ = [
    "calibrate_nvp",
    "model_values",
    "FREE_PARAMETERS",
    "TARGET_IDS",
    "ROUTINE",
]

ROUTINE = "solidna.calibrate.nvp.calibrate_nvp"

# Initial guesses are round orders of magnitude, not the answer: a solid diffusivity of 1e-16 m2/s
# (inside the 1e-13 - 1e-17 literature range, physics brief section 4) and a film growth of 1e-13
# m3/C (about 1 nm of film per 100 cycles on the particles, the slow side reaction of Fig. S32). The
# fit must find the values from there.
FREE_PARAMETERS: dict[str, FreeParameter] = {
    "NVP diffusivity [m2.s-1]": FreeParameter(
        "m2.s-1",
        1e-16,
        "Effective sodium diffusivity in NVP particles (ill-defined for a two-phase reaction; "
        "with the 0.25 um radius it sets the rate capability).",
    ),
    "Positive interphase growth coefficient [m3.C-1]": FreeParameter(
        "m3.C-1",
        1e-13,
        "Cathode-SSE film growth per charge through the particle surface, dL/dt = g |j|; the "
        "film consumes NVP (loss of active material) and adds its resistance (Fig. S32).",
    ),
}

TARGET_IDS = ("figS31.mna.capacity.2C", "figS31.mna.retention.200cycles")

# Output samples per half cycle during the fit: only capacities are read, and they come from the
# times of the cut-off events, which do not depend on the output grid.
FIT_POINTS_PER_STEP = 2


@fill_doc
def model_values(
    parameters: ParameterSet,
    progress: Progress = no_progress,
    points_per_step: int = FIT_POINTS_PER_STEP,
) -> dict[str, float]:
    """Model values of the two Fig. S31 calibrate observables with M-Na, in the targets' units.

    %(Parameters: calibration_parameters, progress, points_per_step)s

    Returns
    -------
    dict of str to float
        Capacity at 2 C [mAh/g] and retention after 200 cycles [-], by target id.
    """
    from solidna.cells import nvp

    progress("M-Na|SSE|NVP rate test", None)
    rate = nvp.figS31_rate_test(parameters, "modified", points_per_step)
    progress("M-Na|SSE|NVP 200 cycles", None)
    # a fit resolves every cycle: jump sequences differ from one parameter value to the next
    cycling = nvp.figS31_cycling(parameters, "modified", points_per_step, jump=False)
    obs = nvp.figS31_observables(rate, cycling)
    return {
        "figS31.mna.capacity.2C": obs["capacity at 2 C [mAh.g-1]"],
        "figS31.mna.retention.200cycles": obs["retention"],
    }


_PROBLEM = Calibration("nvp", ROUTINE, FREE_PARAMETERS, TARGET_IDS, model_values, "lu2019:figS31")


calibrate_nvp = _PROBLEM.entry_point(
    "Fit the NVP diffusivity and the cathode-film growth to the Fig. S31 calibrate targets."
)


if __name__ == "__main__":  # pragma: no cover
    _PROBLEM.main(calibrate_nvp)
