"""Benchmark: 4000-h M-Na run at 0.1 mA/cm2 with 1-h half cycles (2000 cycles); goal <= 5 s,
and within 1.5x of a bare PyBaMM model of the same size solved the same way (issue 11).

The bare model writes the symmetric cell's equations (solidna.models.symmetric's docstring)
directly as a plain ``pybamm.BaseModel``: the same states (salt concentration on 20 finite
volumes, two film thicknesses, four algebraic interface voltages), the same physics (exchange
current growing with the square root of the surface salt concentration, concentration
overpotential, the cycler's voltage-limit event), the same square-wave current, breakpoints,
output times and IDAKLU tolerances - but none of solidna's machinery: no external-circuit
submodels, no temperature laws, no interphase submodel, no per-cycle analysis. Its voltage is
checked against solidna's (same equations, same numbers).

For reference the script also times a *reduced* bare model without the concentration coupling
(exchange current fixed, no concentration overpotential, no event): it is cheaper because it
solves less physics, not because it has less machinery (the earlier benchmark compared against
it: ratio ~1.5).

Run: .venv/bin/python benchmarks/bench_symmetric_4000h.py
"""

import time

import numpy as np
import pybamm
from _common import measure

import solidna as sd
from solidna.models.schedule import current_expression, interp_times, switch_times
from solidna.models.solve import ATOL, RTOL, solve_current
from solidna.protocols import PlatingStripping, current_schedule

#: Alternating repeats of the two full solves (the best of each is compared).
REPEATS = 5


def bare_model(coupled: bool = True) -> pybamm.BaseModel:
    """The symmetric cell's equations written directly, at 25 C, as a plain pybamm.BaseModel;
    ``coupled=False`` drops the concentration coupling and the event (the reduced model)."""
    P = pybamm.Parameter
    F, R = pybamm.constants.F, pybamm.constants.R
    T = P("Temperature [K]")
    f = F / (R * T)
    model = pybamm.BaseModel("bare symmetric cell")
    x = pybamm.SpatialVariable("x", domain=["SSE"], coord_sys="cartesian")
    i_app = pybamm.FunctionParameter("Current function [A]", {"Time [s]": pybamm.t}) / P(
        "Electrode area [m2]"
    )
    c0, D = P("Salt concentration [mol.m-3]"), P("Salt diffusivity [m2.s-1]")
    tp, a = P("Cation transference number [-]"), P("Charge-transfer coefficient [-]")
    c = pybamm.Variable("c", domain="SSE", scale=c0)
    model.rhs[c] = pybamm.div(D * pybamm.grad(c))
    bc = -(1 - tp) * i_app / (F * D)
    model.boundary_conditions[c] = {"left": (bc, "Neumann"), "right": (bc, "Neumann")}
    model.initial_conditions[c] = c0
    c_face = [pybamm.maximum(pybamm.boundary_value(c, side), 1e-3) for side in ("left", "right")]
    growth = (
        P("Modified interphase molar volume [m3.mol-1]")
        * P("Modified interphase solvent diffusivity [m2.s-1]")
        * P("SN concentration [mol.m-3]")
    )
    rho, i0 = (
        P("Modified interphase resistivity [Ohm.m]"),
        P("Modified exchange-current density [A.m-2]"),
    )
    L = [pybamm.Variable(f"L{k}", scale=1e-8) for k in (0, 1)]
    eta = [pybamm.Variable(f"eta{k}", scale=0.01) for k in (0, 1)]
    v = [pybamm.Variable(f"v{k}", scale=0.01) for k in (0, 1)]
    for k, sign in ((0, 1), (1, -1)):
        model.rhs[L[k]] = growth / L[k]
        model.initial_conditions[L[k]] = P("Modified interphase initial thickness [m]")
        i0_c = i0 * pybamm.sqrt(c_face[k] / c0) if coupled else i0
        bv = i0_c * (pybamm.exp((1 - a) * f * eta[k]) - pybamm.exp(-a * f * eta[k]))
        model.algebraic[eta[k]] = (bv - sign * i_app) / i0
        model.algebraic[v[k]] = v[k] - sign * i_app * rho * L[k]
        model.initial_conditions[eta[k]] = pybamm.Scalar(0)
        model.initial_conditions[v[k]] = pybamm.Scalar(0)
    r_b = P("SSE thickness [m]") / P("SSE conductivity [S.m-1]")
    v_we = eta[0] + v[0] - eta[1] - v[1] + i_app * r_b
    if coupled:
        v_we = v_we + 2 * R * T / F * (1 - tp) * pybamm.log(c_face[0] / c_face[1])
        model.events = [
            pybamm.Event("Voltage limit [V]", P("Voltage limit [V]") - pybamm.AbsoluteValue(v_we))
        ]
    model.variables = {"Voltage [V]": -v_we, "x": x}
    return model


def solve_bare(values: dict, segments, coupled: bool = True) -> np.ndarray:
    """The bare model's voltage [V] at the output times (switch times dropped, as solidna does)."""
    model = bare_model(coupled)
    pv = pybamm.ParameterValues(values)
    pv["Current function [A]"] = current_expression(segments, values["Electrode area [m2]"])
    geometry = {"SSE": {model.variables["x"]: {"min": 0, "max": pv["SSE thickness [m]"]}}}
    sim = pybamm.Simulation(
        model,
        parameter_values=pv,
        geometry=geometry,
        submesh_types={"SSE": pybamm.Uniform1DSubMesh},
        var_pts={model.variables["x"]: 20},
        spatial_methods={"SSE": pybamm.FiniteVolume()},
        solver=pybamm.IDAKLUSolver(rtol=RTOL, atol=ATOL),
    )
    switch = switch_times(segments)
    sol = sim.solve(t_eval=switch, t_interp=interp_times(switch, 16))
    keep = ~np.isin(sol.t, switch[1:])
    return sol["Voltage [V]"].entries[keep]


def main() -> None:
    cell = sd.SymmetricCell(anode="modified")
    cell.cycle("0.1 mA/cm2", "1 h", "10 h")  # warm-up: imports and first model build
    result = measure(
        "4000 h M-Na, 2000 cycles (solve + per-cycle analysis)",
        lambda: (lambda r: (r, r.overpotential()))(cell.cycle("0.1 mA/cm2", "1 h", "4000 h")),
        goal_s=5.0,
        repeat=3,
    )
    eta = result[1]
    print(f"  cycles: {len(eta)}; overpotential {eta.iloc[0]:.1f} -> {eta.iloc[-1]:.1f} mV")

    values = dict(cell.parameter_values())
    segments = current_schedule([PlatingStripping("0.1 mA/cm2", "4000 h", half_cycle="1 h")])
    warm = current_schedule([PlatingStripping("0.1 mA/cm2", "10 h", half_cycle="1 h")])
    solve_bare(values, warm)
    solve_bare(values, warm, coupled=False)
    # the same full solve through solidna's model (every cycle integrated, no cycle jumping);
    # the three alternate so that a busy machine slows all alike, and the best of each counts
    best = {"bare": float("inf"), "reduced": float("inf"), "solidna": float("inf")}
    runs = {
        "bare": lambda: solve_bare(values, segments),
        "reduced": lambda: solve_bare(values, segments, coupled=False),
        "solidna": lambda: solve_current(values, "modified", segments)["Voltage [V]"],
    }
    voltages = {}
    for _ in range(REPEATS):
        for name, run in runs.items():
            t0 = time.perf_counter()
            voltages[name] = run()
            best[name] = min(best[name], time.perf_counter() - t0)
    # same equations, same numbers: the two voltages agree to the solver tolerance
    dv = float(np.max(np.abs(voltages["solidna"] - voltages["bare"])))
    ratio = best["solidna"] / best["bare"]
    verdict = "meets" if ratio <= 1.5 else "MISSES"
    print(
        f"full 4000-h solve, bare PyBaMM model of the same equations: {best['bare']:.2f} s; "
        f"solidna's model: {best['solidna']:.2f} s; ratio {ratio:.2f} (goal <= 1.5: {verdict}); "
        f"largest voltage difference {dv * 1e6:.2f} uV"
    )
    print(
        f"  reduced bare model (no concentration coupling, no event): {best['reduced']:.2f} s; "
        f"solidna / reduced {best['solidna'] / best['reduced']:.2f}"
    )


if __name__ == "__main__":
    main()
