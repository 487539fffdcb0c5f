"""Our Na|SSE|Na symmetric cell under a PyBaMM user's own protocol, read with PyBaMM's tools.

A rate test with rests and a voltage cut-off, written in ``pybamm.Experiment``'s grammar. The
model follows PyBaMM's conventions: a "Discharge" (positive current) strips Na from the left
electrode and lowers ``"Voltage [V]"`` (negative for a symmetric cell); a "Charge" strips the
right electrode and raises it. 1 C is 0.1 mA/cm2 (the model's nominal capacity) and the default
electrode area is 1 cm2, so "0.1 mA" is 0.1 mA/cm2.

Run: .venv/bin/python examples/pybamm_experiment.py  (writes pybamm_experiment.png here)
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# --8<-- [start:experiment]
import pybamm

from solidna.models import SymmetricCellModel

model = SymmetricCellModel({"anode": "modified"})  # Lu 2019 values as default_parameter_values
experiment = pybamm.Experiment(
    [
        (
            f"Discharge at {rate} mA for 30 minutes or until -0.395 V",
            "Rest for 10 minutes",
            f"Charge at {rate} mA for 30 minutes or until 0.395 V",
            "Rest for 10 minutes",
        )
        for rate in (0.05, 0.1, 0.2, 0.5)
    ]
    + [pybamm.step.voltage(0.05, duration="10 minutes")],  # a pybamm.step object: a hold
    period="1 minute",
)
sim = pybamm.Simulation(model, experiment=experiment)
solution = sim.solve()

# PyBaMM's own ways to read the solution
print(f"{len(solution.cycles)} cycles; termination: {solution.termination}")
for k, cycle in enumerate(solution.cycles, start=1):
    v = cycle["Voltage [V]"].entries
    ends = ", ".join(step.termination for step in cycle.steps)
    print(f"cycle {k}: {v.min() * 1e3:7.1f} to {v.max() * 1e3:6.1f} mV; steps ended by: {ends}")
q = solution.summary_variables["Throughput capacity [A.h]"]
print("throughput at the end of each cycle [mAh]:", [round(float(x) * 1e3, 4) for x in q])
# --8<-- [end:experiment]

fig, (ax_v, ax_i) = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
t_h = solution["Time [h]"].entries
ax_v.plot(t_h, solution["Voltage [V]"].entries * 1e3)
ax_v.set_ylabel("Voltage [mV]")
ax_i.plot(t_h, solution["Current [A]"].entries * 1e3)
ax_i.set_ylabel("Current [mA]")
ax_i.set_xlabel("Time [h]")
fig.tight_layout()
fig.savefig("pybamm_experiment.png", dpi=120)
# interactive: sim.plot(["Voltage [V]", "Current [A]", "Left interphase thickness [m]"])
