"""Analysis of electrochemical data: the same code for simulated results and measured files.

Everything takes plain arrays in SI units (time in s, voltage in V, current density in A/m2,
frequency in Hz, area-specific impedance in Ohm.m2 as complex numbers, temperature in K), so a
simulated :class:`Result` and a researcher's instrument export go through identical code.

Modules
-------
eis
    Equivalent-circuit fits (impedance.py), Rs/Rct of the paper's Fig. 4e-f, lin-KK validation,
    conductivity from resistance, Arrhenius activation energy (Fig. 3g).
kinetics
    Exchange current density of a symmetric cell from a CV (Fig. 4g): Butler-Volmer fit,
    micro-polarisation, Tafel; the shared triangular CV waveform.
cycling
    Galvanostatic plating/stripping metrics (Fig. 4h, S18): half cycles, per-cycle overpotential,
    time to a voltage, runaway and short-circuit detection.
drt
    Distribution of relaxation times (Tikhonov-regularised, Gaussian RBFs, automatic lambda):
    peaks, credible band, evolution over several spectra (Fig. 4e).
metrics
    Galvanostatic battery metrics (Fig. 5, S31): capacities, coulombic efficiency, retention,
    terminal voltages, charge-discharge gap.
io
    Instrument files (BioLogic, Neware, Arbin, Maccor, CH Instruments, CSV) into one tidy table:
    ``solidna.analysis.io.read``.
"""

from __future__ import annotations

from solidna.analysis.cycling import (
    CyclingEvent,
    complete_half_cycles,
    detect_runaway,
    detect_short_circuit,
    per_cycle_overpotential,
    split_half_cycles,
    time_to_voltage,
)
from solidna.analysis.drt import DRTResult, drt_evolution, fit_drt
from solidna.analysis.eis import (
    EISFit,
    KKResult,
    arrhenius_fit,
    arrhenius_from_spectra,
    conductivity_from_resistance,
    conductivity_from_rs,
    effective_capacitance,
    fit_circuit,
    fit_rs_rct,
    kramers_kronig,
)
from solidna.analysis.kinetics import (
    ExchangeCurrentResult,
    cv_voltage,
    cv_waveform,
    exchange_current_from_cv,
    symmetric_cell_voltage,
)
from solidna.analysis.metrics import cycling_summary, galvanostatic_cycles

__all__ = [
    "CyclingEvent",
    "DRTResult",
    "EISFit",
    "ExchangeCurrentResult",
    "KKResult",
    "arrhenius_fit",
    "arrhenius_from_spectra",
    "complete_half_cycles",
    "conductivity_from_resistance",
    "conductivity_from_rs",
    "cv_voltage",
    "cv_waveform",
    "cycling_summary",
    "detect_runaway",
    "detect_short_circuit",
    "fit_drt",
    "drt_evolution",
    "effective_capacitance",
    "exchange_current_from_cv",
    "fit_circuit",
    "fit_rs_rct",
    "galvanostatic_cycles",
    "kramers_kronig",
    "per_cycle_overpotential",
    "split_half_cycles",
    "symmetric_cell_voltage",
    "time_to_voltage",
]
