"""What the one-domain cell models share: the mesh of their single 1-D domain and the solve of a
current schedule.

The symmetric cell resolves the SSE, the Na-CO2 cell its cathode; each is a
:class:`OneDomainModel` that names its domain, spatial variable and length parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
import pybamm

from solidna.errors import ConvergenceError
from solidna.models.schedule import current_expression, interp_times, switch_times

__all__ = ["OneDomainModel", "solve_schedule"]


class OneDomainModel(pybamm.BaseModel):
    """A PyBaMM model on one Cartesian domain ``[0, length]``, 20 uniform finite volumes by
    default, solved by IDAKLU (rtol 1e-6)."""

    #: Name of the domain, of its spatial variable, and the parameter that gives its length.
    DOMAIN: str
    X_NAME: str
    LENGTH_PARAMETER: str

    def __init__(self, name: str):
        super().__init__(name=name)
        # What pybamm.EISSimulation's current-control submodel needs from a model: a current
        # scale (Q) and the electrode area (A_cc).
        self._param = SimpleNamespace(
            Q=pybamm.Parameter("Current scale [A]"), A_cc=pybamm.Parameter("Electrode area [m2]")
        )

    @classmethod
    def spatial_variable(cls) -> pybamm.SpatialVariable:
        return pybamm.SpatialVariable(cls.X_NAME, domain=[cls.DOMAIN], coord_sys="cartesian")

    @property
    def default_geometry(self) -> pybamm.Geometry:
        length = {"min": pybamm.Scalar(0), "max": pybamm.Parameter(self.LENGTH_PARAMETER)}
        return pybamm.Geometry({self.DOMAIN: {self.spatial_variable(): length}})

    @property
    def default_submesh_types(self) -> dict:
        return {self.DOMAIN: pybamm.Uniform1DSubMesh}

    @property
    def default_var_pts(self) -> dict:
        return {self.spatial_variable(): 20}

    @property
    def default_spatial_methods(self) -> dict:
        return {self.DOMAIN: pybamm.FiniteVolume()}

    @property
    def default_solver(self) -> pybamm.BaseSolver:
        return pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-8)


def solve_schedule(
    model: OneDomainModel,
    parameter_values: pybamm.ParameterValues,
    segments: Sequence,
    variables: Sequence[str],
    var_pts: int,
    points_per_half_cycle: int,
    solver: pybamm.BaseSolver,
    failure: str,
) -> tuple[pybamm.Solution, dict[str, np.ndarray | str]]:
    """Solve ``model`` under the current schedule ``segments`` (set as "Current function [A]").

    The switch times are IDAKLU breakpoints; the output omits them, since there the current
    already has its new value while the algebraic states are those of the interval that ended.

    Returns
    -------
    tuple
        The PyBaMM solution, and ``"Time [s]"``, each of ``variables`` and ``"termination"``.

    Raises
    ------
    ConvergenceError
        The solver fails; the message is ``failure`` with ``{exc}`` replaced by the solver's.
    """
    area = parameter_values["Electrode area [m2]"]
    parameter_values["Current function [A]"] = current_expression(segments, area)
    sim = pybamm.Simulation(
        model,
        parameter_values=parameter_values,
        var_pts={model.spatial_variable(): var_pts},
        solver=solver,
    )
    switch = switch_times(segments)
    try:
        sol = sim.solve(t_eval=switch, t_interp=interp_times(switch, points_per_half_cycle))
    except pybamm.SolverError as exc:
        raise ConvergenceError(failure.format(exc=exc)) from None
    t_all = sol["Time [s]"].entries
    keep = ~np.isin(t_all, switch[1:])
    out: dict[str, np.ndarray | str] = {"Time [s]": t_all[keep]}
    for name in variables:
        out[name] = sol[name].entries[..., keep]
    out["termination"] = str(sol.termination)
    return sol, out
