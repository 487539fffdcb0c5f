"""Pristine vs FEC-treated Na in Na|SSE|Na cells (Lu 2019, Fig. 4) in a few lines.

Run: .venv/bin/python examples/symmetric_cell.py  (writes symmetric_example.png here)
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import solidna as sd

fig, (ax_v, ax_z) = plt.subplots(1, 2, figsize=(10, 4))
for anode, colour in (("pristine", "#D55E00"), ("modified", "#0072B2")):
    cell = sd.SymmetricCell(anode=anode)
    run = cell.cycle(current_density="0.1 mA/cm2", half_cycle="1 h", duration="24 h")
    ts = run.timeseries
    ax_v.plot(
        ts["Time [h]"], ts["Voltage [V]"], color=colour, lw=0.8, label=f"{anode}: {run.status}"
    )
    spectrum = cell.eis(state=cell.rest("24 h").final_state)  # impedance after a 24-h rest
    fitted = spectrum.fit()
    z = spectrum.timeseries
    ax_z.loglog(
        z["Frequency [Hz]"],
        abs(z["Z_re [Ohm.cm2]"] + 1j * z["Z_im [Ohm.cm2]"]),
        color=colour,
        label=f"{anode}: Rct = {fitted['Rct [Ohm.cm2]']:.3g} Ohm cm2",
    )
    print(
        f"{anode:9s} first-cycle overpotential {run.overpotential().iloc[0]:7.1f} mV; "
        f"after 24 h rest Rs = {fitted['Rs [Ohm.cm2]']:.1f}, Rct = {fitted['Rct [Ohm.cm2]']:.3g} Ohm cm2"
    )
ax_v.set(xlabel="Time [h]", ylabel="Voltage [V]")
ax_z.set(xlabel="Frequency [Hz]", ylabel="|Z| [Ohm cm$^2$]")
ax_v.legend(fontsize=8)
ax_z.legend(fontsize=8)
fig.tight_layout()
fig.savefig("symmetric_example.png", dpi=120)
