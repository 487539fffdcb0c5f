"""``solidna simulate symmetric|cv|eis|na-co2|nvp``: one experiment of the paper, from the model.

Each command builds a cell (:mod:`solidna.cells`), runs one protocol and writes
``DIR/timeseries.csv``, ``DIR/summary.json`` and the first plot a researcher would look at. The
files appear in ``--out`` only when the run succeeds.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
import warnings
from collections.abc import Callable
from typing import Any

import typer
from rich.text import Text

from solidna.cli._common import (
    AREAL_CAPACITY,
    CURRENT_DENSITY,
    DURATION,
    FREQUENCY,
    SCAN_RATE,
    SPECIFIC_CAPACITY,
    SPECIFIC_CURRENT,
    VOLTAGE,
    AliasChoice,
    CellOptions,
    Choice,
    Count,
    Full,
    OptionValueError,
    OutputOptions,
    Parsed,
    ProgressDisplay,
    Quantity,
    cell_options,
    console,
    output_options,
    refuse_together,
    refuse_unless,
)
from solidna.progress import Progress

__all__ = ["app", "register", "refuse_unless", "MODEL_FIT_KEY"]

#: summary.json key of the exchange current of ``simulate cv`` (the model-based fit)
MODEL_FIT_KEY = "exchange current density [mA.cm-2]"

app = typer.Typer(
    help="Simulate one experiment (symmetric, cv, eis, na-co2, nvp) and write its tables.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(root: typer.Typer) -> None:
    """Add the ``simulate`` group to the root app."""
    root.add_typer(app, name="simulate")


#: The cut-off voltages of the Na-CO2 and NVP cells, checked while parsing so that a zero or
#: negative one is refused under the option's name (the cell's own message spoke of
#: ``cutoff='1.5 V'``, the Python argument)
CUTOFF = dataclasses.replace(VOLTAGE, words="a cut-off voltage", positive=True)

#: The C-rates ``simulate nvp`` takes [C]: at 5-10 C the ohmic drop of the 60 um SSE alone fills
#: the 2.5-3.8 V window (the run stops at once); Fig. S31 goes to 2 C.
C_RATE_BOUNDS = (0.01, 10.0)


def _c_rate(text: str) -> float:
    """A C-rate [C] as the API reads it (``1``, ``"2 C"``, ``"C/2"``), within
    :data:`C_RATE_BOUNDS`, or :class:`OptionValueError` in plain words."""
    from solidna.errors import SolidnaError
    from solidna.protocols.nvp import parse_c_rate

    try:
        value = parse_c_rate(text, warn=False)  # the cell warns outside the paper's span
    except SolidnaError as exc:
        raise OptionValueError(str(exc)) from None
    low, high = C_RATE_BOUNDS
    if not low <= value <= high:
        raise OptionValueError(
            f"{text!r} is out of range; give a C-rate from {low:g} C to {high:g} C, e.g. 1 "
            "(at 5-10 C the ohmic drop of the SSE already fills the voltage window; Fig. S31 "
            "goes to 2 C)."
        )
    return value


def _c_rate_option(value: Any) -> str:
    text = str(value).strip()
    _c_rate(text)
    return text


def _c_rates_option(value: Any) -> str:
    """``--c-rates``: C-rates separated by commas, or by semicolons when they are written with
    a decimal comma (``0,1;0,2`` is then reported as such, not read as 0, 1 and 0)."""
    text = str(value).strip()
    items = [r.strip() for r in re.split(";" if ";" in text else ",", text)]
    if not any(items):
        raise OptionValueError(f"{text!r} names no C-rate; give them as e.g. 0.1,0.2,0.5,1,2,0.1.")
    for item in items:
        if not item:
            raise OptionValueError(f"{text!r} has an empty item; give e.g. 0.1,0.2,0.5,1,2,0.1.")
        _c_rate(item)  # its message names the item
    return ",".join(items)


def _note(text: str) -> None:
    """A long note, wrapped at the terminal width and indented under its label."""
    width = max(console.width, 40)
    console.print(
        Text(
            textwrap.fill(text, width, initial_indent="  note: ", subsequent_indent="    "),
            style="dim",
        ),
        soft_wrap=True,
    )


def _save(
    output: OutputOptions,
    title: str,
    run: Callable[[Progress], Any],
    extra: Callable[[Any, Progress], dict[str, Any]] | None = None,
):
    """Run (``run(progress)``), analyse (``extra(result, progress)``), save into ``--out`` (only
    if everything succeeds) and print the status. Work that reports fractions of itself shows
    the time left; the rest its current step."""
    with output.staged():
        with ProgressDisplay() as progress:
            progress(f"simulating: {title}", None)
            result = run(lambda message, fraction=None: progress(f"{title}: {message}", fraction))
        extras: dict[str, Any] = {}
        if extra is not None:
            with ProgressDisplay() as progress:
                progress("analysing", None)
                extras = extra(result, progress)
        # inside the staged block, saving to --out writes into the same staging directory
        result.save(output.out, output.force, extra=extras)
        summary = result.summary() | extras
    console.print(Text.assemble((title, "bold"), ": status ", (str(summary["status"]), "cyan")))
    return result, summary


def _written(output: OutputOptions, plot: str) -> None:
    console.print(
        Text(f"  written: {output.out}/timeseries.csv, summary.json, {plot}.png"), soft_wrap=True
    )


def _print_jumping(summary: dict[str, Any]) -> None:
    jumped = summary.get("inputs", {}).get("cycle jumping")
    if not jumped:
        return
    resolved, cycles = jumped["resolved cycles"], jumped["cycles"]
    if resolved >= cycles:
        # cycle jumping was on but found no cycle to jump over ("3600 of 3600 cycles resolved,
        # the others interpolated" named others that did not exist)
        text = f"  cycle jumping: all {cycles} cycles resolved, none interpolated"
    else:
        text = (
            f"  cycle jumping: {resolved} of {cycles} cycles resolved, the others interpolated "
            "(--full resolves every cycle)"
        )
    console.print(Text(text), soft_wrap=True)


def _simulation(name: str, plot: str, **cell: bool) -> Callable[[Callable], Callable]:
    """Register ``simulate <name>`` with the shared cell options and ``--out``/``--force``."""

    def register_command(func: Callable) -> Callable:
        what = f"timeseries.csv, summary.json and {plot}.png"
        app.command(name)(cell_options(**cell)(output_options("simulation", what)(func)))
        return func

    return register_command


@app.callback()
def _simulate() -> None:
    """Simulate one experiment of the paper and write timeseries.csv, summary.json and a plot."""


@_simulation("symmetric", "voltage")
def symmetric(
    ctx: typer.Context,
    cell: CellOptions,
    output: OutputOptions,
    current_density: Quantity(
        "--current-density", CURRENT_DENSITY, "Current density, e.g. 0.1 mA/cm2."
    ) = "0.1 mA/cm2",
    half_cycle: Quantity(
        "--half-cycle",
        DURATION,
        "Duration of each plating or stripping half cycle, e.g. 1 h [default: 1 h unless "
        "--capacity is given].",
        optional=True,
    ) = None,
    capacity: Quantity(
        "--capacity",
        AREAL_CAPACITY,
        "Capacity per half cycle instead of --half-cycle, e.g. 1 mAh/cm2.",
        optional=True,
    ) = None,
    duration: Quantity(
        "--duration", DURATION, "Total cycling time, e.g. 4000 h (at most 100000 h)."
    ) = "100 h",
    rest: Quantity(
        "--rest",
        DURATION,
        "Rest at open circuit before cycling, e.g. 24 h [default: none].",
        optional=True,
    ) = None,
    full: Full = False,
) -> None:
    """Galvanostatic plating/stripping of a Na|SSE|Na cell (Fig. 4h)."""
    from solidna.cells.symmetric import SymmetricCell
    from solidna.protocols import PlatingStripping, Rest

    refuse_together(ctx, "half_cycle", "capacity")
    steps = [PlatingStripping(current_density, duration, half_cycle=half_cycle, capacity=capacity)]
    if rest is not None:
        steps.insert(0, Rest(rest))
    model = SymmetricCell(cell.anode, **cell.kwargs())
    # the protocol's length in cycles, a fraction when it ends inside a cycle (1 h of 1-h half
    # cycles is half a cycle; the per-cycle table then ends with that incomplete cycle)
    n_cycles = steps[-1].duration_s / (2 * steps[-1].half_cycle_s)
    count = f"{n_cycles:.2f}".rstrip("0").rstrip(".")  # 1095.75, not 1096 (rounded up)
    _, summary = _save(
        output,
        f"symmetric cell, {count} cycle{'' if count == '1' else 's'}",
        # jump=... only with --full: the default (cycle jumping from 100 cycles) is the cell's
        lambda progress: model.run(steps, jump=False if full else None, progress=progress),
    )
    eta = summary.get("cycles", {}).get("overpotential [mV]") or []
    if eta:
        console.print(
            f"  cycles: {len(eta)}"
            # an odd number of whole half cycles ends the table with a stripping-only cycle
            + (" (the last one incomplete)" if int(2 * n_cycles + 1e-9) % 2 else "")
            + f"; overpotential first {eta[0]:.1f} mV, last {eta[-1]:.1f} mV"
        )
    _print_jumping(summary)
    _written(output, "voltage")


def _cv_exchange_current(model: Any) -> Callable[[Any, Progress], dict[str, Any]]:
    """The exchange current read from a simulated CV as the report reads Fig. 4g, with the plain
    Butler-Volmer fit beside it (summary.json keys, values in mA/cm2)."""

    def extract(result: Any, progress: Progress) -> dict[str, Any]:
        from solidna.calibrate.experiments import analyse_cv
        from solidna.cells.symmetric import BV_FIT_KEY

        cut = result.truncation_note()  # "" unless the sweep stopped early
        try:
            with warnings.catch_warnings():  # the truncation is stated in the note below
                warnings.filterwarnings("ignore", message="The CV sweep stopped early")
                ex = analyse_cv(result, model.parameters, None, progress=progress)
        except Exception as exc:  # recorded, not fatal: the CV itself is still written
            return {
                MODEL_FIT_KEY: None,
                "exchange current method": "model-based CV fit (failed)",
                "exchange current note": f"{cut} model-based fit failed: {exc}".strip(),
            }
        if cut:
            # the model-based fit solves the same model, salt transport included, over the part
            # run; the plain Butler-Volmer form has none, so it is not reported
            return {
                MODEL_FIT_KEY: ex.i0_model_fit_A_m2 / 10,
                "exchange current method": "model-based CV fit of the part of the sweep run",
                BV_FIT_KEY: None,
                "exchange current note": f"{cut} Model-based fit over the part run: i0 = "
                f"{ex.i0_model_fit_A_m2 / 10:.4g} mA/cm2; plain Butler-Volmer fit not reported "
                "(it has no salt transport). Narrow the vertices for a complete sweep.",
            }
        return {
            MODEL_FIT_KEY: ex.i0_model_fit_A_m2 / 10,
            "exchange current method": "model-based CV fit (as the report reads Fig. 4g)",
            BV_FIT_KEY: None if ex.i0_bv_fit_A_m2 is None else ex.i0_bv_fit_A_m2 / 10,
            "exchange current note": ex.note,
        }

    return extract


@_simulation("cv", "cv")
def cv(
    cell: CellOptions,
    output: OutputOptions,
    v_min: Quantity("--v-min", VOLTAGE, "Lower vertex, e.g. -0.5 V.") = "-0.5 V",
    v_max: Quantity("--v-max", VOLTAGE, "Upper vertex, e.g. 0.5 V.") = "0.5 V",
    scan_rate: Quantity("--scan-rate", SCAN_RATE, "Sweep rate, e.g. 5 mV/s.") = "5 mV/s",
    cycles: Count(
        "--cycles",
        "Number of sweeps (at most 1000).",
        maximum=1000,
        # 100 000 sweeps (the bound of other counts) kept 4e7 output points in memory for hours
        reason="CVs run 1 to 100 cycles; Fig. 4g shows one",
    ) = 1,
) -> None:
    """Cyclic voltammetry of a Na|SSE|Na cell (Fig. 4g) and its exchange current."""
    from solidna.cells.symmetric import SymmetricCell

    model = SymmetricCell(cell.anode, **cell.kwargs())
    _, summary = _save(
        output,
        "cyclic voltammetry",
        lambda progress: model.cv(v_min, v_max, scan_rate, cycles, progress=progress),
        _cv_exchange_current(model),
    )
    from solidna.cells.symmetric import BV_FIT_KEY

    i0, bv = summary[MODEL_FIT_KEY], summary.get(BV_FIT_KEY)
    early = summary["status"] != "completed"  # the sweep stopped early: its note says why
    part = "of the part run, the sweep stopped early" if early else "as the report"
    for label, value, missing in (
        (f"exchange current density (model-based fit, {part})", i0, "not determined"),
        (
            "plain Butler-Volmer fit (ohmic drop co-fitted), for comparison",
            bv,
            "not reported" if early else "not identifiable",
        ),
    ):
        shown = missing if value is None else f"{value:.3g} mA/cm2"
        console.print(Text(f"  {label}: {shown}"), soft_wrap=True)
    _note(summary["exchange current note"])
    _written(output, "cv")


@_simulation("eis", "nyquist")
def eis(
    cell: CellOptions,
    output: OutputOptions,
    points_per_decade: Count(
        "--points-per-decade",
        "Frequencies per decade (at most 1000).",
        maximum=1000,
        reason="impedance analysers measure 5 to 100 per decade",
    ) = 10,
    f_max: Quantity("--f-max", FREQUENCY, "Highest frequency, e.g. 1 MHz.") = "1 MHz",
    f_min: Quantity("--f-min", FREQUENCY, "Lowest frequency, e.g. 0.1 Hz.") = "0.1 Hz",
    rest: Quantity(
        "--rest", DURATION, "Rest before the measurement, e.g. 24 h [default: none].", optional=True
    ) = None,
) -> None:
    """Impedance of a Na|SSE|Na cell from the linearised model (Fig. 4e), with Rs/Rct fit."""
    from solidna.cells.symmetric import SymmetricCell

    model = SymmetricCell(cell.anode, **cell.kwargs())

    def run(progress: Progress):
        state = model.rest(rest).final_state if rest is not None else None
        return model.eis(f_max, f_min, points_per_decade, state=state)

    _, summary = _save(output, "impedance", run)
    fit = summary.get("fit")
    if fit:
        undetermined = summary.get("fit undetermined", {})
        console.print(
            "  "
            + ", ".join(
                f"{k}: {v:.4g}" + (" (not determined by the spectrum)" if k in undetermined else "")
                for k, v in fit.items()
            )
        )
    _written(output, "nyquist")


@_simulation("na-co2", "voltage", pvdf_ratio=False, co2_pressure=True)
def na_co2(
    ctx: typer.Context,
    cell: CellOptions,
    output: OutputOptions,
    mode: Choice(
        "--mode",
        AliasChoice(("discharge", "cycle")),
        "discharge: one full discharge to --cutoff (Fig. 5c); cycle: capacity-limited cycling "
        "(Fig. 5d-f).",
    ) = "cycle",
    current: Quantity(
        "--current", SPECIFIC_CURRENT, "Current per gram of MWCNT, e.g. 200 mA/g."
    ) = "200 mA/g",
    capacity: Quantity(
        "--capacity", SPECIFIC_CAPACITY, "cycle: capacity per half cycle, e.g. 1000 mAh/g."
    ) = "1000 mAh/g",
    cycles: Count("--cycles", "cycle: number of cycles.") = 50,
    cutoff: Quantity(
        "--cutoff",
        CUTOFF,
        "Discharge cut-off voltage: where a discharge ends [default: 1.5 V, as in Fig. 5c] or, in "
        "cycle mode, the lower voltage limit that stops the run if reached (cell failure) "
        "[default: 1.0 V].",
        optional=True,
    ) = None,
    charge_cutoff: Quantity(
        "--charge-cutoff",
        CUTOFF,
        "cycle: upper voltage limit that stops the run, e.g. 4.5 V (at most the SSE limit 4.86 V).",
    ) = "4.8 V",
    mesh_points: Count(
        "--mesh-points",
        "Finite-volume cells across the CO2 cathode (a number of cells, no unit; 3 to 1000). "
        "Raise it when the mesh warning asks (low CO2 pressure, high current); each doubling "
        "costs ~3x the time.",
    ) = 20,
) -> None:
    """Na-CO2 cell (Fig. 5): full discharge, or capacity-limited cycling (mA/g, mAh/g)."""
    from solidna.cells.base import VAR_PTS_RANGE
    from solidna.cells.na_co2 import NaCO2Cell

    refuse_unless(ctx, mode == "cycle", "--mode cycle", "capacity", "cycles", "charge_cutoff")
    if not VAR_PTS_RANGE[0] <= mesh_points <= VAR_PTS_RANGE[1]:
        raise OptionValueError(
            f"{mesh_points} is out of range; give {VAR_PTS_RANGE[0]} to {VAR_PTS_RANGE[1]} cells "
            "(the finite-volume gradient needs 3), e.g. 40.",
            ctx,
            param_hint="--mesh-points",
        )
    model = NaCO2Cell(cell.anode, **cell.kwargs(), var_pts=mesh_points)

    def run(progress: Progress):
        if mode == "discharge":
            return model.discharge(current, cutoff or "1.5 V")
        limits = {} if cutoff is None else {"discharge_cutoff": cutoff}
        return model.cycle(
            current, capacity, cycles, charge_cutoff=charge_cutoff, progress=progress, **limits
        )

    result, _ = _save(output, f"Na-CO2 cell ({mode})", run)
    if mode == "discharge":
        console.print(f"  discharge capacity: {result.discharge_capacity():.0f} mAh/g")
    else:
        table = result.cycles()
        first, last = table.iloc[0], table.iloc[-1]
        console.print(
            f"  cycles: {len(table)}; terminal discharge voltage "
            f"{first['Terminal discharge voltage [V]']:.3f} V -> "
            f"{last['Terminal discharge voltage [V]']:.3f} V"
        )
    _written(output, "voltage")


@_simulation("nvp", "capacity")
def nvp(
    ctx: typer.Context,
    cell: CellOptions,
    output: OutputOptions,
    protocol: Choice(
        "--protocol",
        AliasChoice(("cycling", "rate")),
        "cycling (Fig. S31, 200 cycles at one C-rate) or rate (a rate test).",
    ) = "cycling",
    c_rate: Parsed(
        "--c-rate",
        _c_rate_option,
        "C-RATE",
        "cycling: C-rate, e.g. 1 C, 0.5 or C/2 (1 C = 117.6 mA/g), from 0.01 to 10 C.",
    ) = "1 C",
    cycles: Count("--cycles", "cycling: number of cycles.") = 200,
    c_rates: Parsed(
        "--c-rates",
        _c_rates_option,
        "C-RATES",
        "rate: C-rates separated by commas (or semicolons), e.g. 0.1,0.2,0.5,1,2,0.1.",
    ) = "0.1,0.2,0.5,1,2,0.1",
    cycles_per_rate: Count("--cycles-per-rate", "rate: cycles at each C-rate.") = 5,
    lower_cutoff: Quantity(
        "--lower-cutoff", CUTOFF, "Lower cut-off voltage, e.g. 2.5 V."
    ) = "2.5 V",
    upper_cutoff: Quantity(
        "--upper-cutoff", CUTOFF, "Upper cut-off voltage, e.g. 3.8 V (below the SSE limit 4.86 V)."
    ) = "3.8 V",
    full: Full = False,
) -> None:
    """Galvanostatic cycling or a rate test of a Na|SSE|Na3V2(PO4)3 cell (Fig. S31)."""
    from solidna.cells.nvp import NVPCell
    from solidna.protocols.nvp import GalvanostaticCycling, RateTest

    refuse_unless(ctx, protocol == "cycling", "--protocol cycling", "c_rate", "cycles")
    refuse_unless(ctx, protocol == "rate", "--protocol rate", "c_rates", "cycles_per_rate")
    if protocol == "cycling":
        step = GalvanostaticCycling(c_rate, cycles, lower_cutoff, upper_cutoff)
    else:
        rates = c_rates.split(",")
        step = RateTest(rates, cycles_per_rate, lower_cutoff, upper_cutoff)
    model = NVPCell(cell.anode, **cell.kwargs())
    result, summary = _save(
        output,
        f"Na|SSE|NVP ({model.anode}), {protocol}",
        # jump=... only with --full: the default (cycle jumping from 100 cycles) is the cell's
        lambda progress: model.run(step, jump=False if full else None, progress=progress),
    )
    q = result.discharge_capacity()
    if protocol == "rate":
        # a retention (last over first capacity) of a rate test compares two C-rates: the
        # capacity at each step of the test is what it measures
        table = result.cycles()
        steps: list[tuple[float, float]] = []
        for rate, capacity in zip(
            table["C-rate [h-1]"], table["Discharge capacity [mAh.g-1]"], strict=True
        ):
            if steps and steps[-1][0] == rate:  # the same step (cycles_per_rate > 1)
                steps[-1] = (rate, capacity)
            else:
                steps.append((rate, capacity))
        shown = ", ".join(f"{rate:g} C {capacity:.1f}" for rate, capacity in steps)
        console.print(
            Text(
                f"  cycles: {len(q)}; discharge capacity at the end of each step [mAh/g]: {shown}"
            ),
            soft_wrap=True,
        )
    else:
        # cycles the run never reached count 0 in the table (the status says why it stopped)
        ran = int((q > 0).sum())
        count = f"{len(q)}" if ran == len(q) else f"{len(q)}, {ran} of them with a discharge"
        console.print(
            f"  cycles: {count}; retention {result.retention():.3f}\n"
            f"  discharge capacity: first {q.iloc[0]:.1f} mAh/g, last {q.iloc[-1]:.1f} mAh/g"
        )
    _print_jumping(summary)
    _written(output, "capacity")
