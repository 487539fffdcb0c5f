"""Physics invariants of the Na|SSE|NVP half-cell (DESIGN section 4).

* the discharge capacity never exceeds the theoretical 117.6 mAh/g, at any rate, for either anode;
* sodium is conserved: what enters the cathode (plus what is locked in NVP lost to the cathode
  film) equals the charge passed over F, and the electrolyte's salt is unchanged;
* the rate capability falls monotonically with C-rate;
* at rest the half-cell voltage relaxes to the NVP open-circuit potential;
* the solution converges as the solver tolerance is tightened.
"""

import numpy as np
import pytest

from solidna import lu2019
from solidna.cells.nvp import NVPCell
from solidna.models import nvp as model

F = model.FARADAY

# Capacities are times of cut-off events times the current: relative error ~ solver rtol (1e-6).
CAPACITY_ROUNDING_MAH_G = 1e-6
# Sodium balance: the solver conserves the discretised inventory to about rtol x inventory.
SODIUM_BALANCE_REL = 1e-5
# At rest the particle relaxes (R^2/D ~ 0.5 h with the fitted D); after 20 h the voltage equals
# the OCP of the average stoichiometry to well below a millivolt.
OCV_ABS_V = 1e-4
# Tightening rtol 1e-6 -> 1e-8 changes the capacities by less than 0.01 mAh/g.
CONVERGENCE_ABS_MAH_G = 1e-2
RATES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


@pytest.fixture(scope="module")
def rate_tests():
    return {
        anode: NVPCell(anode).rate_test(c_rates=RATES, cycles_per_rate=1)
        for anode in ("modified", "pristine")
    }


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_discharge_capacity_never_above_theoretical(rate_tests, anode):
    res = rate_tests[anode]
    q = res.discharge_capacity().to_numpy()
    assert np.all(q <= res.theoretical_capacity_mAh_g + CAPACITY_ROUNDING_MAH_G)
    assert np.all(res.cycles()["Charge capacity [mAh.g-1]"] <= res.theoretical_capacity_mAh_g)


def test_rate_capability_falls_monotonically_with_c_rate(rate_tests):
    q = [rate_tests["modified"].capacity_at(r) for r in RATES]
    assert all(a > b for a, b in zip(q, q[1:], strict=False)), q
    p = [rate_tests["pristine"].capacity_at(r) for r in RATES]
    assert all(a >= b for a, b in zip(p, p[1:], strict=False)), p


def _solver(anode, ps=None, rtol=model.RTOL):
    values = model.half_cell_parameter_values(ps or lu2019(), anode)
    return model.HalfCellSolver(values, anode, rtol=rtol), values


def _cycles(values, c_rate, n):
    i1c = values["Nominal cell capacity [A.h]"]
    steps = []
    for c in range(1, n + 1):
        steps.append(model.CurrentStep(-c_rate * i1c, 3 * 3600 / c_rate, 2.5, 3.8, "charge", c))
        steps.append(model.CurrentStep(c_rate * i1c, 3 * 3600 / c_rate, 2.5, 3.8, "discharge", c))
    return steps


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_sodium_conservation(anode):
    # a fast-growing cathode film (100x the fitted growth) so that sodium locked in lost NVP counts
    ps = lu2019()
    g = "Positive interphase growth coefficient [m3.C-1]"
    ps = ps.updated({g: 100 * ps[g]})
    solver, values = _solver(anode, ps)
    n0 = values["Initial concentration in positive electrode [mol.m-3]"] * (
        values["Positive electrode active material volume fraction"]
        * values["Positive electrode thickness [m]"]
        * values["Electrode area [m2]"]
    )
    records, _ = solver.run(_cycles(values, 1.0, 3))
    passed = sum(np.sign(r.step.current_A) * r.capacity_Ah * 3600 for r in records) / F  # mol
    end = records[-1].end_state
    assert end["sodium lost with active material [mol]"] > 1e-3 * n0  # the term is exercised
    inventory = end["sodium in the cathode [mol]"] + end["sodium lost with active material [mol]"]
    assert inventory - n0 == pytest.approx(
        passed, rel=SODIUM_BALANCE_REL, abs=SODIUM_BALANCE_REL * n0
    )
    c_e0 = values["Initial concentration in electrolyte [mol.m-3]"]
    salt0 = (
        c_e0
        * values["Electrode area [m2]"]
        * (
            values["Separator thickness [m]"]
            + values["Positive electrode porosity"] * values["Positive electrode thickness [m]"]
        )
    )
    assert end["sodium in the electrolyte [mol]"] == pytest.approx(salt0, rel=SODIUM_BALANCE_REL)


@pytest.mark.parametrize("anode", ["modified", "pristine"])
def test_ocv_at_rest_matches_the_ocp(anode):
    solver, values = _solver(anode)
    i1c = values["Nominal cell capacity [A.h]"]
    steps = [
        model.CurrentStep(-1.0 * i1c, 1200, 2.5, 3.8, "charge", 1),  # part charge: mid-plateau
        model.CurrentStep(0.0, 20 * 3600, label="rest", cycle=1),
    ]
    records, status = solver.run(steps)
    assert status == "completed"
    rest = records[-1]
    x = rest.end_state["average stoichiometry [-]"]
    ocp = float(model.open_circuit_potential_V(x, lu2019()))
    assert rest.voltage_V[-1] == pytest.approx(ocp, abs=OCV_ABS_V)


def test_capacities_converge_with_solver_tolerance():
    caps = []
    for rtol in (1e-6, 1e-8):
        solver, values = _solver("modified", rtol=rtol)
        records, _ = solver.run(_cycles(values, 2.0, 2))
        caps.append(np.array([r.capacity_Ah for r in records]))
    mass_g = model.active_mass_kg_m2(values) * values["Electrode area [m2]"] * 1e3
    diff = np.abs(caps[0] - caps[1]) / mass_g * 1e3
    assert diff.max() < CONVERGENCE_ABS_MAH_G
