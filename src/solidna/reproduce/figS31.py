"""Fig. S31 of Lu 2019 in silico: Na|SSE|Na3V2(PO4)3 cells with pristine and FEC-treated Na.

* Rate test: 0.1, 0.2, 0.5, 1, 2 C and back to 0.1 C, 5 cycles each, 2.5-3.8 V
  (:func:`solidna.protocols.nvp.figS31_rate_test`); the 2 C number is the mean discharge
  capacity of the 2 C cycles.
* Long-term cycling: 200 cycles at 1 C (assumed rate), retention = last / first discharge
  capacity (:func:`solidna.protocols.nvp.figS31_cycling`).
* Pristine Na uses the pristine interphase of the symmetric cells (Fig. 4), unchanged: the
  comparison ``figS31.na.worse_than_mna`` is predicted, never fitted.

This module computes model values; it never tunes a parameter.
"""

from __future__ import annotations

from typing import Any

from solidna._docstrings import fill_doc
from solidna.cells import nvp
from solidna.parameters import ParameterSet, lu2019
from solidna.reproduce.base import FigureOutput, Progress, TargetResult, no_progress
from solidna.targets import get_target

__all__ = ["PREFIXES", "run"]

PREFIXES = ("figS31",)
#: Typical wall time of :func:`run` [s] (shares the progress bar of ``solidna reproduce``).
EXPECTED_WALL_TIME_S = 16.0


@fill_doc
def run(progress: Progress = no_progress, parameters: ParameterSet | None = None) -> FigureOutput:
    """Compute every figS31* target and draw capacity vs cycle and the rate test.

    %(figure_run)s
    """
    ps = parameters or lu2019()
    out = FigureOutput(name="figS31")
    runs: dict[str, dict[str, nvp.NVPResult]] = {}
    obs: dict[str, dict[str, float]] = {}
    # fractions of the wall time at which each run starts (the pristine cells stop early)
    for anode, rate_start, cycling_start in (("modified", 0.0, 0.25), ("pristine", 0.72, 0.75)):
        progress(f"Fig. S31: {anode} Na|SSE|NVP rate test", rate_start)
        rate = nvp.figS31_rate_test(ps, anode)
        progress(f"Fig. S31: {anode} Na|SSE|NVP 200 cycles at 1 C", cycling_start)
        cycling = nvp.figS31_cycling(ps, anode)
        runs[anode] = {"rate": rate, "cycling": cycling}
        obs[anode] = nvp.figS31_observables(rate, cycling)

    progress("Fig. S31: M-Na 200 cycles at the calibration's sigma points", 0.6)
    mc = runs["modified"]["cycling"].discharge_capacity()
    q_sd, retention_sd, band_note = _capacity_band(ps, mc)
    m, p = obs["modified"], obs["pristine"]
    if q_sd is not None:
        out.note(
            "Fig. S31 band: one standard deviation from the uncertainty the NVP calibration "
            f"leaves in its two fitted parameters ({band_note}): capacity {mc.iloc[0]:.1f} +- "
            f"{q_sd[0]:.1f} mAh/g in cycle 1 and {mc.iloc[-1]:.1f} +- {q_sd[-1]:.1f} mAh/g in "
            f"cycle {len(mc)}; retention {m['retention']:.3f} +- {retention_sd:.3f}.",
            "figS31.mna.retention.200cycles",
        )
    else:
        out.note(f"Fig. S31: no uncertainty band ({band_note}).")
    out.results.append(
        TargetResult(
            "figS31.mna.retention.200cycles",
            m["retention"],
            f"discharge capacity of cycle 200 / cycle 1 at 1 C, 2.5-3.8 V: "
            f"{mc.iloc[-1]:.1f} / {mc.iloc[0]:.1f} mAh/g; {runs['modified']['cycling'].status}",
        )
    )
    out.results.append(
        TargetResult(
            "figS31.mna.capacity.2C",
            m["capacity at 2 C [mAh.g-1]"],
            "mean discharge capacity of the five 2 C cycles of the rate test (0.1-0.2-0.5-1-2-0.1 C)",
        )
    )
    worse = (
        p["retention"] < m["retention"]
        and p["capacity at 2 C [mAh.g-1]"] < m["capacity at 2 C [mAh.g-1]"]
    )
    out.results.append(
        TargetResult(
            "figS31.na.worse_than_mna",
            bool(worse),
            f"pristine Na: retention {p['retention']:.3f} (M-Na {m['retention']:.3f}), 2 C "
            f"capacity {p['capacity at 2 C [mAh.g-1]']:.1f} mAh/g (M-Na "
            f"{m['capacity at 2 C [mAh.g-1]']:.1f}); pristine runs: rate test "
            f"'{runs['pristine']['rate'].status}', cycling '{runs['pristine']['cycling'].status}'",
        )
    )
    progress("Fig. S31: drawing", 0.88)
    out.figure(
        "figS31",
        _figure(runs, q_sd),
        "Na|SSE|Na3V2(PO4)3 half-cells with M-Na and pristine Na (model): discharge capacity over "
        "200 cycles at 1 C (assumed rate) and in the rate test 0.1-0.2-0.5-1-2-0.1 C, 5 cycles "
        "each, 2.5-3.8 V; the band on M-Na is one standard deviation from the calibration's "
        "parameter uncertainty. Markers: Lu 2019 Fig. S31 and text - "
        f"{get_target('figS31.mna.retention.200cycles').value:.0%} capacity retention after 200 "
        "cycles (drawn as that share of the model's first-cycle capacity: the paper's retention, "
        "not its capacity) and "
        f"{get_target('figS31.mna.capacity.2C').value} mAh/g at 2 C for M-Na.",
    )
    out.note(
        "Fig. S31: the NVP diffusivity and the cathode-SSE film growth are fitted to the two M-Na "
        "numbers (solidna.calibrate.nvp); the fade is mostly loss of NVP to the growing film, "
        "its resistance rising slowly as Fig. S32 shows. The pristine cells use the Fig. 4 "
        "pristine interphase unchanged: its resistance grows by thousands of Ohm cm2 per day, so "
        "the model's pristine cells stop cycling within days - more drastic than the paper's "
        "'far worse' (its pristine curves are in the ESI, not available here).",
        "figS31",
    )
    progress("Fig. S31 done", 1.0)
    return out


def _capacity_band(ps: ParameterSet, capacity) -> tuple[Any, float | None, str]:
    """1-sd band of the M-Na discharge capacity per cycle of the 200-cycle run [mAh/g] and of
    its retention [-], from reruns at the sigma points of the NVP calibration's covariance
    (capacities only: the coarse output grid of the fit)."""
    import numpy as np

    from solidna.calibrate.nvp import FIT_POINTS_PER_STEP
    from solidna.calibrate.uncertainty import band, propagate

    n = len(capacity)

    def curve(p: ParameterSet) -> np.ndarray:
        run = nvp.figS31_cycling(p, "modified", FIT_POINTS_PER_STEP)
        q = run.discharge_capacity().to_numpy(float)[:n]
        q = np.concatenate([q, np.full(n - len(q), np.nan)])
        return np.concatenate([q, [run.retention()]])

    points, note = propagate(ps, "nvp", curve)
    if not points:
        return None, None, note
    q0 = capacity.to_numpy(float)
    sd = band(np.concatenate([q0, [q0[-1] / q0[0]]]), points)
    return sd[:-1], float(sd[-1]), note


def _figure(runs: dict[str, dict[str, Any]], q_sd: Any = None):
    import matplotlib.pyplot as plt

    from solidna.report.style import MODIFIED, PAPER_MARKER, PRISTINE, apply_style

    apply_style()
    colours = {"modified": MODIFIED, "pristine": PRISTINE}
    labels = {"modified": "M-Na|SSE|NVP", "pristine": "Na|SSE|NVP"}
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for anode, res in runs.items():
        q = res["cycling"].discharge_capacity()
        ax1.plot(q.index, q, "o-", ms=2, lw=0.8, color=colours[anode], label=labels[anode])
        if anode == "modified" and q_sd is not None:
            ax1.fill_between(
                q.index,
                q - q_sd,
                q + q_sd,
                color=colours[anode],
                alpha=0.25,
                lw=0,
                label="M-Na: 1 sd (calibration)",
            )
        qr = res["rate"].discharge_capacity()
        ax2.plot(qr.index, qr, "o-", ms=3, lw=0.8, color=colours[anode], label=labels[anode])
    # the paper's numbers beside the model (plotting only; read from the targets data)
    q1 = float(runs["modified"]["cycling"].discharge_capacity().iloc[0])
    retention = get_target("figS31.mna.retention.200cycles").value
    ax1.plot([200], [retention * q1], **PAPER_MARKER, label="Lu 2019: 80 % after 200 cycles")
    ax1.set_xlabel("Cycle")
    ax1.set_ylabel("Discharge capacity [mAh g$^{-1}$]")
    ax1.set_title("200 cycles at 1 C, 2.5-3.8 V")
    ax1.set_ylim(bottom=0)
    ax1.legend(fontsize=8)
    rate = runs["modified"]["rate"]
    cyc = rate.cycles()
    two_c = cyc.index[cyc["C-rate [h-1]"] == nvp.FIGS31_RATE_C]
    ax2.plot(
        [float(two_c.to_numpy().mean())],
        [get_target("figS31.mna.capacity.2C").value],
        **PAPER_MARKER,
        label="Lu 2019: 94 mAh/g at 2 C",
    )
    starts = cyc["C-rate [h-1]"].ne(cyc["C-rate [h-1]"].shift()).to_numpy()
    for c, r in zip(cyc.index[starts], cyc["C-rate [h-1]"][starts], strict=True):
        ax2.annotate(f"{r:g} C", (c, 4), fontsize=8)
    ax2.set_xlabel("Cycle")
    ax2.set_ylabel("Discharge capacity [mAh g$^{-1}$]")
    ax2.set_title("Rate test")
    ax2.set_ylim(bottom=0)
    ax2.legend(fontsize=8)
    fig.suptitle("Fig. S31 (model): Na|SSE|Na$_3$V$_2$(PO$_4$)$_3$ half-cells")
    fig.tight_layout()
    return fig
