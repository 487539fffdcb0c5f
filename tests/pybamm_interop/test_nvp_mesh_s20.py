"""A plain ``pybamm.Simulation`` of the NVP half-cell model solves on the cell's mesh, so a
PyBaMM user and :class:`solidna.NVPCell` get the same numbers from the same protocol."""

import pybamm
import pytest

import solidna as sd
from solidna.models import NVPHalfCellModel
from solidna.models.nvp import VAR_PTS

# Both solve the same equations with the same solver tolerances (rtol 1e-6): the coulombic
# efficiency of one 2 C cycle agrees to ~1e-9. PyBaMM's default 20 particle shells move it by
# 1e-4 (the surface gradient at 2 C is under-resolved), so 1e-6 tells the two meshes apart.
EFFICIENCY_RTOL = 1e-6


def test_plain_simulation_uses_the_cell_mesh():
    sim = pybamm.Simulation(NVPHalfCellModel())
    assert {k: sim.var_pts[k] for k in VAR_PTS} == VAR_PTS


def test_plain_simulation_matches_the_cell_at_2C():
    table = sd.NVPCell("modified").cycle(c_rate=2.0, cycles=1).cycles()
    cell_efficiency = (
        table["Discharge capacity [mAh.g-1]"].iloc[0] / table["Charge capacity [mAh.g-1]"].iloc[0]
    )
    experiment = pybamm.Experiment(["Charge at 2 C until 3.8 V", "Discharge at 2 C until 2.5 V"])
    sol = pybamm.Simulation(NVPHalfCellModel(), experiment=experiment).solve()
    charge, discharge = (
        abs(c["Discharge capacity [A.h]"].entries[-1] - c["Discharge capacity [A.h]"].entries[0])
        for c in sol.cycles
    )
    assert discharge / charge == pytest.approx(cell_efficiency, rel=EFFICIENCY_RTOL)
