"""Measured files in, the paper's metrics, figures and numbers out: :func:`analyze`.

This is the Python side of ``solidna analyze FILE... --kind KIND --out DIR``. Every file is read
into the tidy table of :mod:`solidna.analysis.io` and analysed with the same functions the
simulator and the reproduction use:

============  ===============================================================================
kind          analysis
============  ===============================================================================
symmetric     Na|SSE|Na plating/stripping: per-cycle overpotential
              (:func:`~solidna.analysis.cycling.per_cycle_overpotential`), runaway and short
              circuits; with ``forecast``: fit of the interphase model and forecast with an
              uncertainty band (:class:`~solidna.calibrate.from_data.InterphaseFit`)
eis           Kramers-Kronig check, equivalent-circuit fit with standard errors, Rs/Rct,
              conductivity from Rs (thickness, area), Arrhenius over files at several
              temperatures (:mod:`solidna.analysis.eis`)
cv            exchange current of a symmetric-cell CV: the model fit of Fig. 4g
              (:func:`~solidna.calibrate.cv.fit_cv`) and the Butler-Volmer fit beside it
              (:func:`~solidna.analysis.kinetics.exchange_current_from_cv`)
na-co2, nvp   galvanostatic metrics per cycle: capacities, coulombic efficiency, retention,
              terminal voltages, charge-discharge gap (:mod:`solidna.analysis.metrics`), set
              beside the paper's numbers of that cell (Fig. 5, Fig. S31)
battery       the same metrics for any other cell cycled galvanostatically (a full cell, a
              half cell of another cathode), with no paper comparison
============  ===============================================================================

Written into ``out`` (and nowhere else; input files are only read):

* ``summary.json`` - inputs as understood, per-file results, the paper comparison, notes;
* ``tables/<file>.data.csv`` (the tidy table), ``tables/<file>.cycles.csv``,
  ``tables/<file>.forecast.csv``, ``tables/eis_fits.csv``, ``tables/arrhenius.csv`` ...;
* ``figures/*.png`` and ``report.html`` (self-contained, figures embedded).

An existing non-empty ``out`` is refused unless ``force`` (then only solidna's files are
overwritten). The files are written into a staging directory beside ``out`` and moved into it
when the analysis succeeds: a run that fails leaves ``out`` as it was.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna.analysis._output import (
    axis_label,
    figure_axes,
    nyquist_axes,
    paper_row,
    refuse_unused,
    safe_name,
    steady_axis,
    wrapped_title,
    write_summary,
)
from solidna.analysis.io import (
    CAPACITY,
    CURRENT,
    CURRENT_DENSITY,
    CYCLE,
    FREQUENCY,
    SPECIFIC_CURRENT,
    TIME,
    VOLTAGE,
    Z_IM,
    Z_RE,
    Measurement,
    check_file,
    read,
)
from solidna.analysis.surface_pipeline import SURFACE_KINDS, analyze_surface, surface_options
from solidna.errors import DataFormatError, InvalidOptionError, SolidnaError, check_choice
from solidna.progress import Progress, no_progress, scaled
from solidna.units import LABORATORY_MAXIMA

__all__ = ["analyze", "KINDS", "KEYWORD_KINDS", "FIGURE_DPI"]

#: Kinds of analysis.
# the surface kinds (XPS, AFM, topography) run in solidna.analysis.surface_pipeline
ELECTROCHEMICAL_KINDS = ("symmetric", "eis", "cv", "na-co2", "nvp", "battery")
#: The kinds of a time series, named in the advice for a file given to another kind.
_CYCLING_KINDS = "a cycling --kind (symmetric, cv, na-co2, nvp, battery)"
KINDS = ELECTROCHEMICAL_KINDS + SURFACE_KINDS
#: The kinds each optional keyword of :func:`analyze` acts on (keywords -> kinds); one given (not
#: None) with another kind would be ignored, so it is refused. The command line's table
#: (``solidna.cli.analyze.OPTION_KINDS``) agrees; a test checks.
KEYWORD_KINDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("format", "columns", "sheet", "area"): ELECTROCHEMICAL_KINDS,
    ("mass", "reference_cycle"): ("na-co2", "nvp", "battery"),
    ("thickness", "temperature"): ("symmetric", "eis", "cv"),
    ("circuit", "keep_off_points"): ("eis",),
    ("forecast",): ("symmetric",),
    ("ohmic_resistance",): ("cv",),
    ("surface",): SURFACE_KINDS,
}
#: Resolution of ``figures/*.png`` (as ``solidna reproduce``).
FIGURE_DPI = 150
#: Cycles drawn in the voltage-capacity figure of a battery (those that exist).
PROFILE_CYCLES = (1, 2, 10, 50, 100, 200)
#: Specific currents of the paper's rate test (Fig. 5c-d), mA/g; a measured record is compared
#: with the nearest one when within 10 %.
NA_CO2_RATES_MA_G = (50, 100, 200, 400, 500)

#: Shares of the whole work reported to ``progress``: reading the files (and writing their
#: tables), analysing them, writing the summary and report. Analysing weighs most: the model fits
#: of ``symmetric --forecast`` and ``cv`` take minutes, reading a large file seconds.
READ_SHARE, ANALYSE_SHARE = 0.3, 0.65


class _Forward:
    """A progress callback whose fraction never goes backwards (a sub-task that restarts its own
    count, e.g. a fit's iterations, cannot pull the bar back)."""

    def __init__(self, progress: Progress):
        self._progress = progress
        self.fraction = 0.0

    def __call__(self, message: str, fraction: float | None = None) -> None:
        if fraction is not None:
            self.fraction = max(self.fraction, min(float(fraction), 1.0))
        self._progress(message, self.fraction)


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------
#: The largest value each cell keyword accepts [SI] and why (:data:`solidna.units.
#: LABORATORY_MAXIMA`, the table the command line's options read too).
MEASURED_MAXIMA: dict[str, tuple[float, str]] = {
    key: LABORATORY_MAXIMA[key]
    for key in ("area", "mass", "thickness", "temperature", "ohmic_resistance")
}

#: The range [SI] in which a bare number (``area=0.785``, ``area="0.785"``: SI, m2) is read
#: without a word; outside it the value warns with its SI reading spelled out, as it is most
#: likely meant in another unit (0.785 m2 for a 1-cm disc: every current density 1e4 times too
#: small, silently). Laboratory areas of 0.01-1000 cm2, masses of 0.1 mg-10 g, thicknesses of
#: 1 um-5 mm, temperatures of -100 to 200 degC.
BARE_NUMBER_TYPICAL: dict[str, tuple[float, float]] = {
    "area": (1e-6, 0.1),
    "mass": (1e-7, 1e-2),
    "thickness": (1e-6, 5e-3),
    "temperature": (173.15, 473.15),
}


def _per_file(name: str, values, n: int, unit: str, what: str) -> list[float | None]:
    """One SI value per file from None, one value or one per file (strings with units)."""
    from solidna.units import to_si

    if values is None:
        return [None] * n
    if isinstance(values, (str, int, float)):
        values = [values]
    values = list(values)
    if len(values) not in (1, n):
        # one file takes one value ("one value for all 1 files" read as a slip)
        wanted = "one value for the one file"
        if n > 1:
            wanted = f"one value for all {n} files or one per file"
        raise InvalidOptionError(f"{name}: give {wanted}; got {len(values)}.")
    maximum, why = MEASURED_MAXIMA[name]
    # temperatures are checked against absolute zero by to_si; the others must be > 0
    parsed = [
        to_si(
            v,
            unit,
            what,
            positive=unit != "K",
            maximum=maximum,
            hint=f"{why.capitalize()}.",
            typical=BARE_NUMBER_TYPICAL[name],
        )
        for v in values
    ]
    return parsed * n if len(parsed) == 1 else parsed


#: What a file of each surface kind is, for the message about a missing, empty or unreadable
#: file (the electrochemical kinds read any format of --format / solidna.analysis.io.FORMATS, the
#: surface kinds none of them: "a format listed under --format" sent an XPS user to an option
#: that --kind xps refuses). The formats are those of ``solidna analyze --help`` (FILE).
SURFACE_FILES = {
    "xps": "an XPS file (VAMAS .vms/.npl, PHI .pro, or an energy-intensity text export)",
    "afm-force": "an AFM force curve (JPK .jpk-force, Asylum Igor .ibw, AFM Workshop .csv)",
    "afm-map": "an AFM force map (JPK .jpk-force-map/.jpk-qi-data, or force curves)",
    "topography": "a topography file (Bruker .di/.spm, Nanosurf .nid, Gwyddion .gwy)",
}

#: How a surface file starts (after blank lines): (signature, what it is, the --kind that reads
#: it). Signatures from the files in the public test sets of pynxtools-xps, LG4X, vamas
#: (VAMAS, PHI 'SOFH'), SurfaceTopography and gwyfile (Bruker '\\*File list', Nanosurf
#: '[DataSet]', Gwyddion 'GWYP') and afmformats (AFM Workshop). Only a file that starts so is
#: named; any other is left to the readers.
_SURFACE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"VAMAS Surface Chemical Analysis Standard", "a VAMAS XPS file", "xps"),
    (b"SOFH", "a PHI XPS file (.pro/.spe)", "xps"),
    (b"GWYP", "a Gwyddion topography file (.gwy)", "topography"),
    (b"\\*File list", "a Bruker Nanoscope file (.di/.spm)", "topography"),
    (b"[DataSet]", "a Nanosurf .nid file", "topography"),
    (b"Force-Distance Curve", "an AFM Workshop force curve", "afm-force or afm-map"),
)
#: Extensions that only AFM software writes (binary or ZIP content without a text signature).
_SURFACE_EXTENSIONS = {
    ".jpk-force": ("a JPK force curve (.jpk-force)", "afm-force"),
    ".jpk-force-map": ("a JPK force map (.jpk-force-map)", "afm-map"),
    ".jpk-qi-data": ("a JPK QI map (.jpk-qi-data)", "afm-map"),
    ".ibw": ("an Igor binary wave (.ibw, Asylum AFM)", "afm-force, afm-map or topography"),
}


def _other_kind(path: Path, kind: str) -> str | None:
    """Why ``path`` is a file of another family than ``kind`` reads, with the --kind to use;
    None when its start does not say (the readers then decide).

    An electrochemical file given to a surface kind was read as a spectrum (a Gamry impedance
    file as --kind xps gave 19 files of "peaks"); a VAMAS file given to --kind eis was "not a
    ','-separated table, name its format with --format", which no --format can read.
    """
    if kind in SURFACE_KINDS:
        from solidna.analysis.io import FORMATS, detect_format
        from solidna.analysis.io.impedance_text import IMPEDANCE_TEXT_FORMATS

        try:
            fmt = detect_format(path)
        except DataFormatError:
            return None  # not one of the electrochemical formats
        # a delimited table or a workbook may hold either family
        if fmt in ("csv", "workbook"):
            return None
        # BioLogic and Gamry files hold impedance spectra or time series (a CV, a cycling run);
        # so does Scribner's layout (ZPlot spectra, CorrWare CVs)
        if fmt.startswith(("biologic", "gamry", "zplot")):
            fix = f"--kind eis (impedance) or {_CYCLING_KINDS}"
        elif fmt in IMPEDANCE_TEXT_FORMATS:
            fix = "--kind eis"
        else:
            fix = _CYCLING_KINDS
        what = FORMATS[fmt][1].removesuffix(" (impedance.py)")
        return (
            f"{path}: --kind {kind} reads {SURFACE_FILES[kind]}, but this file is cell data "
            f"({what}). Analyse it with {fix}, in a run of its own if the other files "
            "are of another kind."
        )
    hit = _SURFACE_EXTENSIONS.get(path.suffix.lower())
    if hit is None:
        try:
            with open(path, "rb") as fh:
                head = fh.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
        except OSError:
            return None
        hit = next(
            ((what, k) for sig, what, k in _SURFACE_SIGNATURES if head.startswith(sig)), None
        )
    if hit is None:
        return None
    what, fix = hit
    return (
        f"{path}: this is {what}, not cell data that --kind {kind} reads. Analyse it with "
        f"--kind {fix}, in a run of its own if the other files are of another kind."
    )


def _check_inputs(files: Sequence[str | os.PathLike[str]], kind: str) -> list[Path]:
    """The input files as paths: each must exist and be a file of the family ``kind`` reads,
    and none may be given twice.

    The messages name what ``kind`` reads (an XPS file for ``xps``, an instrument format of
    --format for the electrochemical kinds), never an option of another kind.
    """
    from solidna.analysis.io._table import ANY_INSTRUMENT_FILE

    expected = SURFACE_FILES.get(kind, ANY_INSTRUMENT_FILE)
    paths = [check_file(f, expected) for f in files]
    if not paths:
        raise InvalidOptionError("No input files given; pass one or more instrument files.")
    seen: dict[Path, Path] = {}
    for p in paths:
        first = seen.setdefault(p.resolve(), p)
        if first is not p:
            same = "" if str(first) == str(p) else f" (as {str(first)!r} and {str(p)!r})"
            raise InvalidOptionError(
                f"{p.resolve()} is given twice{same}: each file would be counted twice in the "
                "results. Give every file once."
            )
    for p in paths:
        reason = _other_kind(p, kind)
        if reason:
            raise DataFormatError(reason)
    return paths


def _label(m: Any) -> str:
    """The name a file's results, notes and figures go by: its file name, or the path as given
    when another input has the same name (``cell1/data.mpt``, ``cell2/data.mpt``: with the name
    alone the second file's results replaced the first's in summary.json)."""
    return getattr(m, "_pipeline_label", None) or m.source.name


def _label_inputs(measurements: Sequence[Any], paths: Sequence[Path]) -> None:
    """Give each measurement whose file name another input shares its path as its label."""
    names = [p.name for p in paths]
    for m, p in zip(measurements, paths, strict=True):
        if names.count(p.name) > 1:
            m._pipeline_label = str(p)


def _stems(paths: Sequence[Path]) -> list[str]:
    """Unique, filesystem-safe stems for the output names of each input file."""
    out: list[str] = []
    for p in paths:
        stem = safe_name(p.stem, "file")
        candidate, k = stem, 2
        while candidate in out:
            candidate, k = f"{stem}_{k}", k + 1
        out.append(candidate)
    return out


class _Writer:
    """Writes only inside ``out`` and never over an input file."""

    def __init__(self, out: Path, inputs: Sequence[Path]):
        self.out = out
        self.inputs = {p.resolve() for p in inputs}
        self.files: list[str] = []

    def path(self, relative: str) -> Path:
        target = (self.out / relative).resolve()
        if self.out.resolve() not in target.parents:
            raise InvalidOptionError(f"refusing to write outside --out: {target}")
        if target in self.inputs:
            raise InvalidOptionError(
                f"refusing to overwrite the input file {target}; choose another --out."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative not in self.files:
            self.files.append(relative)
        return target

    def csv(self, relative: str, frame: pd.DataFrame) -> None:
        from solidna.io_utils import write_csv

        write_csv(self.path(relative), frame)

    def figure(self, stem: str, fig) -> Path:
        import matplotlib.pyplot as plt

        path = self.path(f"figures/{stem}.png")
        fig.savefig(path, dpi=FIGURE_DPI)
        plt.close(fig)
        return path


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def _decimate(n: int, limit: int = 200_000) -> slice:
    # A figure of a million points looks like one of 200 000 and draws ten times faster.
    return slice(None, None, max(1, n // limit))


def _voltage_figure(m: Measurement, title: str):
    fig, ax = figure_axes()
    d = m.data
    s = _decimate(len(d))
    ax.plot(d[TIME].to_numpy()[s] / 3600, d[VOLTAGE].to_numpy()[s], lw=0.6)
    ax.set_xlabel("Time [h]")
    ax.set_ylabel("Voltage [V]")
    wrapped_title(ax, title)
    return fig


# --------------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------------
def _need_density(m: Measurement, what: str) -> np.ndarray:
    if CURRENT_DENSITY not in m.data and SPECIFIC_CURRENT in m.data:
        raise DataFormatError(
            f"{m.source}: the {what} analysis needs the current density, and the file's current "
            "is per mass of active material (a full cell's record?). Use --kind battery, "
            "na-co2 or nvp (with --mass), or give the file's current in A or mA/cm2."
        )
    if CURRENT_DENSITY not in m.data:
        raise DataFormatError(
            f"{m.source}: the {what} analysis needs the current density, and the electrode area "
            "is not known. Give it with --area (CLI) / area= (Python), e.g. '1 cm2'."
        )
    return m.data[CURRENT_DENSITY].to_numpy(dtype=float)


def _instrument_cycles(m: Measurement) -> np.ndarray | None:
    """The instrument's cycle number per sample where the file has one (complete), else None.

    Every analysis numbers cycles by it where it exists, so the same test read from any format
    gives the same cycle numbers; without it the cycles are counted from the current
    (:func:`~solidna.analysis.cycling.split_half_cycles`).
    """
    d = m.data
    return d[CYCLE].to_numpy() if CYCLE in d and d[CYCLE].notna().all() else None


_CYCLE_NUMBERS = {
    True: "instrument's cycle index",
    False: "counted: a new cycle with each half cycle of the first sign",
}


def _symmetric(m, stem, w: _Writer, opts, k, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.cycling import _symmetric_record, not_a_symmetric_cell

    t = m.data[TIME].to_numpy(dtype=float)
    v = m.data[VOLTAGE].to_numpy(dtype=float)
    # the check reads only the current's sign and size: any current column serves (simulated
    # records and many exports hold only the density)
    column = next(c for c in (CURRENT, CURRENT_DENSITY, SPECIFIC_CURRENT) if c in m.data)
    reason = not_a_symmetric_cell(v, m.data[column].to_numpy(dtype=float))
    if reason:
        # its "overpotential" would be its cell voltage, set beside the paper's 80 mV
        raise DataFormatError(
            f"{m.source}: --kind symmetric: {reason}. Analyse it with --kind battery (or "
            "na-co2, nvp for those cells; with --mass), or check that this is the symmetric "
            "cell's file."
        )
    j = _need_density(m, "symmetric-cell")
    progress(f"{stem}: per-cycle overpotential", 0.0)
    cycle_index = _instrument_cycles(m)
    # one split of the record serves the table, the events and the summary (one warning each)
    halves, cycles, events = _symmetric_record(t - t[0], v, j, opts["window"], cycle_index)
    w.csv(f"tables/{stem}.cycles.csv", cycles)
    eta = cycles["Overpotential [mV]"]
    complete = halves[halves["Complete"]]
    density = (
        float(np.median(np.abs(complete["Current density [A.m-2]"]))) if len(complete) else math.nan
    )
    result: dict[str, Any] = {
        "cycles": len(cycles),
        "cycle numbers": _CYCLE_NUMBERS[cycle_index is not None],
        "duration [h]": float(t[-1] - t[0]) / 3600,
        "current density [mA.cm-2]": density / 10,
        "half cycle [h]": float(np.median(complete["Duration [s]"])) / 3600
        if len(complete)
        else None,
        "overpotential, first cycle [mV]": float(eta.iloc[0]),
        "overpotential, last cycle [mV]": float(eta.iloc[-1]),
        "overpotential change [mV]": float(eta.iloc[-1] - eta.iloc[0]),
        "events": [
            {"kind": e.kind, "time [h]": e.time_s / 3600, "cycle": e.cycle, "detail": e.detail}
            for e in events
        ],
    }
    w.figure(f"{stem}_voltage", _voltage_figure(m, f"{_label(m)}: plating/stripping"))
    fc = None
    if opts["forecast"] is not None:
        from solidna.calibrate.from_data import InterphaseFit

        progress(f"{stem}: fitting the interphase model", 0.1)
        fitting = scaled(progress, 0.1, 0.8)
        fit = InterphaseFit(
            anode=opts["anode"],
            temperature=opts["temperature_K"][k],
            sse_thickness=opts["thickness_m"][k],
            window=opts["window"],
            progress=lambda msg, frac: fitting(f"{stem}: {msg}", frac),
        ).fit(t, v, j, check_time_unit=False)  # the record's warning was said above
        progress(f"{stem}: forecast to {opts['forecast']}", 0.8)
        fc = fit.forecast(opts["forecast"], n_samples=opts["forecast_samples"])
        w.csv(f"tables/{stem}.forecast.csv", fc)
        last = fc.iloc[-1]
        result["fit"] = fit.summary()
        result["forecast"] = {
            "until [h]": float(last["Time [h]"]),
            "overpotential [mV]": float(last["Overpotential [mV]"]),
            "lower [mV]": float(last["Lower [mV]"]),
            "upper [mV]": float(last["Upper [mV]"]),
            "level": fc.attrs.get("level"),
            "samples": fc.attrs.get("n_samples"),
        }
    fig, ax = figure_axes()
    ax.plot(cycles["Time [h]"], eta, "o", ms=2.5, label="measured")
    if fc is not None:
        ax.fill_between(
            fc["Time [h]"],
            fc["Lower [mV]"],
            fc["Upper [mV]"],
            alpha=0.25,
            lw=0,
            label=f"{100 * fc.attrs['level']:.0f} % band",
        )
        ax.plot(fc["Time [h]"], fc["Overpotential [mV]"], "-", lw=1.2, label="model fit / forecast")
    ax.set_xlabel("Time [h]")
    ax.set_ylabel("Overpotential [mV]")
    wrapped_title(ax, f"{_label(m)}: per-cycle overpotential")
    ax.legend()
    w.figure(f"{stem}_overpotential", fig)

    at = f"at {density / 10:.3g} mA/cm2 (paper: 0.1 mA/cm2)"
    comparisons.append(
        paper_row(
            "fig4h.mna.overpotential.start",
            float(eta.iloc[0]),
            f"first cycle of {_label(m)} {at}",
        )
    )
    t_h = cycles["Time [h]"].to_numpy()
    if t_h[-1] >= 4000 * 0.99:
        k = int(np.argmin(np.abs(t_h - 4000)))
        comparisons.append(
            paper_row(
                "fig4h.mna.overpotential.4000h",
                float(eta.iloc[k]),
                f"measured, {_label(m)} {at}",
            )
        )
    elif fc is not None and fc["Time [h]"].iloc[-1] >= 4000 * 0.99:
        k = int(np.argmin(np.abs(fc["Time [h]"].to_numpy() - 4000)))
        row = fc.iloc[k]
        comparisons.append(
            paper_row(
                "fig4h.mna.overpotential.4000h",
                float(row["Overpotential [mV]"]),
                f"forecast from {t_h[-1]:.0f} h of {_label(m)} {at}; band "
                f"{row['Lower [mV]']:.1f}-{row['Upper [mV]']:.1f} mV",
            )
        )
    return result


def _absolute_unit(unit: str) -> str:
    """The unit of a circuit parameter fitted to a spectrum in Ohm (no area): ``Ohm.m2`` ->
    ``Ohm``, ``F.m-2`` -> ``F``, ``F.m-2.s^(n-1)`` -> ``F.s^(n-1)``."""
    return unit.replace(".m2", "").replace(".m-2", "")


def _squared_unit(unit: str) -> str:
    """The square of a unit written as dot-separated factors with integer exponents: ``Ohm`` ->
    ``Ohm2``, ``Ohm.m2`` -> ``Ohm2.m4``, ``F.m-2`` -> ``F2.m-4`` (another form: ``(unit)2``)."""
    factors = []
    for factor in unit.split("."):
        m = re.fullmatch(r"([A-Za-z]+)(-?\d*)", factor)
        if m is None:
            return f"({unit})2"
        factors.append(f"{m.group(1)}{2 * int(m.group(2) or 1)}")
    return ".".join(factors)


def _drt(
    spectra, labels, times_h, numbers, unit: str, stem: str, w: _Writer, notes: list[str]
) -> dict[str, Any]:
    """DRT of a file's spectra (:mod:`solidna.analysis.drt`): tables, figure, summary; the
    results' notes (e.g. a lambda at the edge of its range) go to ``notes``. ``numbers``: each
    spectrum's number in the file, which names its tables (``stem.N.drt.csv``) and keys its
    summary; ``None`` for a file of one spectrum (``stem.drt.csv``)."""
    from solidna.analysis.drt import drt_evolution, fit_drt

    if len(spectra) == 1:
        # the spectra's Kramers-Kronig check was made (and noted) by the circuit analysis
        result = fit_drt(*spectra[0], unit=unit, kk="skip")
        results, fig = [result], result.plot()
    else:
        times = None if any(t is None for t in times_h) else list(times_h)
        table, fig = drt_evolution(spectra, labels, times_h=times, unit=unit, kk="skip")
        results = table.attrs["drt_results"]
        w.csv(f"tables/{stem}.drt_evolution.csv", table)
    w.figure(f"{stem}_drt", fig)
    summary: dict[str, Any] = {}
    for number, label, result in zip(numbers or [None], labels, results, strict=True):
        suffix = "" if number is None else f".{number}"
        w.csv(f"tables/{stem}{suffix}.drt.csv", result.to_frame())
        w.csv(f"tables/{stem}{suffix}.drt_peaks.csv", result.peaks)
        summary[label] = result.summary() | {"peaks": result.peaks.to_dict(orient="list")}
        notes.extend(f"{label}: DRT: {note}" for note in result.notes)
    return summary if numbers else summary[labels[0]]


def _unreliable(parameters: list[str | None], conductivity: bool) -> str:
    """What a poor fit makes unreliable (``parameters`` from ``fit_problems``; ``None``: all)."""
    if None in parameters:
        subject = ["its parameters"]
    else:
        subject = [
            "Rs" if p == "R0" else p for p in sorted(set(parameters), key=lambda p: (p != "R0", p))
        ]
    if conductivity and (None in parameters or "R0" in parameters):
        subject.append("the conductivity from " + ("them" if None in parameters else "Rs"))
    plural = len(subject) > 1 or None in parameters
    text = ", ".join(subject[:-1]) + (" and " if len(subject) > 1 else "") + subject[-1]
    return f"{text[0].upper()}{text[1:]} {'are' if plural else 'is'} unreliable."


#: Share of rows with Z_re < 0 above which a spectrum is no impedance (a passive cell's Z_re is
#: >= 0; a few points of a noisy high-frequency intercept near 0 may dip below).
NEGATIVE_RESISTANCE_SHARE = 0.1


def _check_capacitive(m: Measurement, label: str, z: np.ndarray, circuit: str) -> None:
    """Refuse a spectrum whose every Z_im is >= 0 when the circuit has no inductor.

    An electrochemical cell has a capacitive part (Z_im < 0) somewhere in its sweep; an export
    whose imaginary column is all positive holds -Z'' (the Nyquist axis) under a name without
    the minus sign (PyEIS's ``Z_img``). Fitted as Z_im, every number would come from the
    mirror image (impedance.py warns, the DRT refuses); the fix is in the column mapping.
    """
    inductor = re.search(r"(?<![A-Za-z])La?\d", circuit)  # impedance.py's L and La elements
    if inductor or not (np.all(z.imag >= 0) and np.any(z.imag > 0)):
        return
    column = (m.metadata.get("columns used") or {}).get("z_im")
    negative = int(np.sum(z.real < 0))
    if negative > NEGATIVE_RESISTANCE_SHARE * z.size:
        # a passive cell has Z' >= 0 at every frequency: with Z' < 0 too, the columns are no
        # impedance at all (an AD5933's raw DFT counts, in chamodw/eis-data's raw.csv), and
        # mapping the imaginary one as -Z'' would only mirror numbers that mean nothing
        used = m.metadata.get("columns used") or {}
        named = ", ".join(f"{k}={v!r}" for k, v in used.items() if k in ("z_re", "z_im"))
        raise DataFormatError(
            f"{m.source}: every Z_im of {label} is >= 0 and Z_re is negative in {negative} of "
            f"{z.size} rows: a passive cell has Z_re >= 0, so the columns read "
            f"({named or 'Z_re, Z_im'}) hold no impedance (raw instrument counts, or the wrong "
            "columns). Check which columns hold Z' and Z'' in ohm (an AD5933 log gives raw "
            "real and imaginary counts, to be calibrated with its gain factor first) and map "
            "them with --column."
        )
    if column:
        fix = (
            f"the column {column!r} most likely holds -Z'' (the Nyquist axis) under a name "
            f"without the minus sign. Map it as -Z'': --column '-z_im={column}' (Python: "
            f"columns={{'-z_im': {column!r}}})"
        )
    else:
        fix = (
            "the file most likely gives -Z'' (the Nyquist axis) as its imaginary part. Export "
            "Z'' itself, or a CSV with a '-Z_im [Ohm]' column"
        )
    raise DataFormatError(
        f"{m.source}: every Z_im of {label} is >= 0 ({int(np.sum(z.imag > 0))} of {z.size} "
        f"above zero): the spectrum has no capacitive part, so {fix}. If it is truly inductive, "
        "fit a circuit with an inductor (--circuit 'R0-L0-p(R1,C1)')."
    )


#: High-frequency intercept, as a share of the spectrum's span of Z_re, below which the spectrum
#: starts at the origin: the first arc is the electrolyte's bulk arc (a solid electrolyte
#: measured up to its bulk relaxation), and its R, not a series R0, is the electrolyte's.
ORIGIN_INTERCEPT_SHARE = 0.05


def _in_series(circuit: str, name: str) -> bool:
    """Whether element ``name`` of an impedance.py circuit string is in series (outside every
    ``p(...)``): a series R0 is the high-frequency intercept; an R0 in ``p(R0,CPE0)`` is a bulk
    arc's resistance, which the intercept checks of ``fit_problems`` do not apply to."""
    hit = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![0-9_])", circuit)
    if hit is None:
        return False
    before = circuit[: hit.start()]
    return before.count("(") == before.count(")")


def _arc_from_origin(
    f: np.ndarray, z: np.ndarray, problems: list[tuple[str, str]], r_hf: float
) -> str:
    """Advice where the series resistance is flagged and the spectrum starts at the origin (its
    high-frequency intercept ``r_hf``, Ohm): the electrolyte's resistance is then the first
    arc's R (the bulk arc), which a fitted R0 ~ 0 does not give; '' otherwise."""
    if not any(p == "R0" for p, _ in problems):
        return ""
    span = float(np.max(z.real) - np.min(z.real))
    if not (span > 0 and r_hf < ORIGIN_INTERCEPT_SHARE * span):
        return ""
    return (
        f" The spectrum starts at the origin (high-frequency intercept {r_hf:.4g} Ohm, "
        f"{100 * max(r_hf, 0.0) / span:.2g} % of its Z_re span): its first arc is the "
        "electrolyte's bulk arc, and the electrolyte resistance is that arc's R, not a series "
        "R0 ~ 0. Fit 'p(R0,CPE0)-p(R1,CPE1)' so that R0, reported as Rs, is the bulk arc's R."
    )


def _circuit_advice(f: np.ndarray, z: np.ndarray) -> str:
    """Circuits to try after a poor fit, the ones the spectrum's own shape asks for first: an
    inductor where its highest frequencies are inductive (cables, a coin cell's leads), a series
    CPE where it ends capacitive (a blocking electrode: no DC limit in the sweep)."""
    from solidna.analysis.eis import capacitive_end

    order = np.argsort(f)[::-1]
    advice = []
    if np.any(z[order].imag[: max(1, f.size // 10)] > 0):
        advice.append("'L0-R0-p(R1,CPE1)' for the inductive high-frequency points")
    if capacitive_end(f, z) is not None:
        advice.append(
            "'R0-p(R1,CPE1)-CPE2' for the capacitive low-frequency end (a blocking electrode)"
        )
    advice += ["'R0-p(R1,CPE1)-p(R2,CPE2)' for two arcs", "'R0-p(R1,CPE1)-W1' for a diffusion tail"]
    return "e.g. " + ", ".join(advice)


def _on_spectrum(
    label: str, f: np.ndarray, z: np.ndarray, stem: str, notes: list[str], keep: bool = False
) -> tuple[np.ndarray, int]:
    """The points a spectrum's analyses use, as a mask, and how many of them lie off its
    continuous run (:func:`~solidna.analysis.eis.off_spectrum_points`), with a note naming
    those. By default they are left out (the mask is ``off_spectrum_points`` negated), unless
    fewer than 5 would remain (too few to fit: the spectrum is then analysed whole and
    ``fit_problems`` names them); with ``keep`` (the user takes them for the cell's) every
    point is used and the note says they were kept."""
    from solidna.analysis.eis import off_spectrum_points

    off = off_spectrum_points(f, z)
    n_off = int(np.count_nonzero(off))
    if n_off == 0 or (f.size - n_off < 5 and not keep):
        return np.ones(f.size, dtype=bool), 0
    shown = ", ".join(f"{v:.4g}" for v in np.sort(f[off])[::-1][:6])
    more = ", ..." if n_off > 6 else ""
    verb, they, stay = ("lies", "it is", "stays") if n_off == 1 else ("lie", "they are", "stay")
    named = (
        f"{label}: {n_off} of {f.size} points {verb} off the continuous spectrum ({shown}{more} "
        "Hz: a |Z| jump no cell makes, or Z_re < 0), "
    )
    analyses = "the Kramers-Kronig check, the circuit fit, the high-frequency intercept and the DRT"
    if keep:
        notes.append(
            f"{named}often artefacts (the first point at the instrument's frequency limit, an AC "
            f"current below its range); {they} kept, as --keep-off-points (CLI) / "
            f"keep_off_points=True (Python) asks: {analyses} use all {f.size} points. Without "
            "that option they would be left out."
        )
        return np.ones(f.size, dtype=bool), n_off
    notes.append(
        f"{named}artefacts such as the first point at the instrument's frequency limit or an AC "
        f"current below its range; {they} left out of {analyses} (the other {f.size - n_off} "
        f"points are analysed and drawn), and {stay} in tables/{stem}.data.csv."
    )
    return ~off, 0


def _kk_failure(kk: Any, judged_on: str) -> str:
    """Where a failed Kramers-Kronig check fails: how many points exceed their local
    (noise-based) threshold, their frequencies, and the worst of them against its own
    threshold. The largest residual and the threshold at the worst point are at different
    frequencies in general (the threshold follows the local noise), so both are named."""
    sys_abs = np.maximum(np.abs(kk.systematic_real), np.abs(kk.systematic_imag))
    over = sys_abs > kk.threshold_local
    worst = int(np.argmax(sys_abs / kk.threshold_local))
    f_over = np.sort(kk.frequency_Hz[over])[::-1]
    where = ", ".join(f"{v:.4g}" for v in f_over[:6]) + (", ..." if f_over.size > 6 else "")
    return (
        f"the Kramers-Kronig check fails{judged_on}: systematic residuals exceed their "
        f"noise-based thresholds at {int(over.sum())} of {over.size} points ({where} Hz; worst "
        f"{100 * sys_abs[worst]:.2g} % of |Z| against {100 * kk.threshold_local[worst]:.2g} % at "
        f"{kk.frequency_Hz[worst]:.4g} Hz; largest {100 * kk.max_systematic:.2g} %; estimated "
        f"noise {100 * kk.noise_level:.2g} %)"
    )


def _kk_with_off_points(
    label: str, f: np.ndarray, z: np.ndarray, f_off: np.ndarray, z_off: np.ndarray, kk: Any
) -> str:
    """The Kramers-Kronig note of a spectrum whose off-spectrum points were left out and whose
    other points pass: whether the left-out points alone break the check (judged on all)."""
    from solidna.analysis.eis import kramers_kronig

    # A second lin-KK run, on every point, and not redundant: the check reported (eis_fits.csv's
    # KK columns) is the one on the points analysed, but only this run says whether the points
    # left out break it. That is the evidence that they are artefacts, not the cell's, which a
    # user weighing --keep-off-points needs; no other result predicts it (lin-KK's fit of the
    # extra points can go either way). It costs one lin-KK run on spectra with such points only.
    every = kramers_kronig(np.concatenate([f, f_off]), np.concatenate([z, z_off]), add_cap="auto")
    passed = (
        f"{label}: the Kramers-Kronig check passes on the {f.size} points on the spectrum "
        f"(systematic residuals up to {100 * kk.max_systematic:.1f} %)"
    )
    them = f"the {f_off.size} points off it" if f_off.size > 1 else "the point off it"
    if every.valid:
        return passed + f", with or without {them}."
    return (
        passed + f"; with {them}, it fails (up to "
        f"{100 * every.max_systematic:.1f} %): the left-out points alone break it, not a non-linear "
        "or drifting cell."
    )


def _eis(measurements, stems, w: _Writer, opts, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.drt import MIN_POINTS as DRT_MIN_POINTS
    from solidna.analysis.eis import (
        KK_MIN_POINTS,
        arrhenius_fit,
        conductivity_from_resistance,
        fit_circuit,
        fit_problems,
        high_frequency_intercept,
        kramers_kronig,
    )
    from solidna.analysis.io import SPECTRUM

    circuit = opts["circuit"] or "R0-p(R1,CPE1)"
    rows, per_file, row_file, drt_out = [], {}, [], {}
    for k, (m, stem) in enumerate(zip(measurements, stems, strict=True)):
        progress(f"analysing {stem}: Kramers-Kronig check and circuit fit", k / len(measurements))
        if m.kind != "impedance":
            raise DataFormatError(
                f"{m.source}: --kind eis needs an impedance spectrum (frequency and Z columns); "
                f"this file is a {m.kind} record."
            )
        area = opts["area_m2"][k] if opts["area_m2"][k] is not None else m.area_m2
        # Fit the area-specific spectrum when the area is known (the paper's Ohm.cm2), else Ohm.
        unit = "Ohm.m2" if area is not None else "Ohm"
        spectra = m.data.groupby(SPECTRUM, sort=True) if SPECTRUM in m.data else [(1, m.data)]
        n_spectra = int(m.data[SPECTRUM].max()) if SPECTRUM in m.data else 1
        file_rows = []
        drt_spectra, drt_labels, drt_times, drt_numbers = [], [], [], []
        fig, ax = figure_axes((5.2, 4.2))
        for number, d in spectra:
            # one name per spectrum for the notes, the legend, the circuit fit's and the DRT's
            # entries of summary.json and the DRT's table names (they once differed: "#2",
            # "spectrum 2", and ".1" for spectrum 2 when spectrum 1 was too short to analyse)
            label = _label(m) if n_spectra == 1 else f"{_label(m)} spectrum {int(number)}"
            f = d[FREQUENCY].to_numpy()
            z = d[Z_RE].to_numpy() + 1j * d[Z_IM].to_numpy()
            z_fit = z * area if area is not None else z
            if f.size < 5:
                notes.append(f"{label}: {f.size} frequencies, too few to fit; skipped.")
                continue
            # artefacts off the spectrum (a first point at the instrument's frequency limit, a
            # tail below the current range) are left out of every analysis below, so that
            # neither the fit nor the Kramers-Kronig note is about them; their rows stay in
            # the tidy table, and the note names them. keep_off_points keeps them (a user
            # who takes them for the cell's): every analysis then uses every point
            keep = bool(opts.get("keep_off_points"))
            on, n_kept = _on_spectrum(label, f, z, stem, notes, keep)
            f_off, z_off = f[~on], z_fit[~on]
            f, z, z_fit = f[on], z[on], z_fit[on]
            _check_capacitive(m, label, z, circuit)
            if f.size < KK_MIN_POINTS:
                # a short sweep (an aborted run, a fragment) can still be fitted; the
                # Kramers-Kronig check's noise estimate needs more points than it has
                kk = None
                notes.append(
                    f"{label}: {f.size} frequencies, too few for the Kramers-Kronig check (at "
                    f"least {KK_MIN_POINTS}): not checked; the circuit fit is reported."
                )
            else:
                # a spectrum without a DC limit (a blocking electrode) needs lin-KK's series
                # capacitance: RC elements alone cannot follow it, and it "failed" (51 %)
                kk = kramers_kronig(f, z_fit, add_cap="auto")
            if kk is not None and not kk.valid:
                judged_on = f" on the {f.size} points on the spectrum" if f_off.size else ""
                cause = (
                    "the cell may be non-linear or drifting during the sweep, or these points "
                    "instrument artefacts (a gain step at a current-range switch, a phase error "
                    "near the frequency limit)"
                )
                if n_kept:
                    # the kept points are the first suspects (a run with the default checks
                    # the others, and its note says whether these alone break the check)
                    judged_on = f" on all {f.size} points"
                    cause = (
                        f"the {n_kept} kept points off the spectrum may break it (by default they "
                        f"are left out), or {cause}"
                    )
                notes.append(
                    f"{label}: {_kk_failure(kk, judged_on)}: {cause}; its fit is "
                    "reported but is suspect."
                )
            elif kk is not None and f_off.size:
                notes.append(_kk_with_off_points(label, f, z_fit, f_off, z_off, kk))
            fit = fit_circuit(f, z_fit, circuit=circuit)
            units = (
                dict(fit.units_)
                if area is not None
                else {n: _absolute_unit(u) for n, u in fit.units_.items()}
            )
            row: dict[str, Any] = {"File": _label(m)}
            if n_spectra > 1:
                row["Spectrum"] = int(number)
                if TIME in d:
                    row["Time [h]"] = float(np.median(d[TIME].to_numpy())) / 3600
            row |= {
                "Temperature [degC]": None
                if opts["temperature_K"][k] is None
                else opts["temperature_K"][k] - 273.15,
                "Points off the spectrum (left out)": int(f_off.size),
                **({"Points off the spectrum (kept)": n_kept} if keep else {}),
                "KK valid": None if kk is None else kk.valid,
                "KK max residual [%]": None if kk is None else 100 * kk.max_residual,
                "KK max systematic residual [%]": None if kk is None else 100 * kk.max_systematic,
                "KK noise level [%]": None if kk is None else 100 * kk.noise_level,
                "Relative residual RMS [%]": 100 * fit.relative_residual_rms_,
                "Chi2 (|Z|-weighted sum of squares) [-]": fit.chi2_,
                f"Residual sum of squares [{_squared_unit(unit)}]": fit.rss_,
                "Fit starts": fit.n_starts_,
            }
            for name, value in fit.params_.items():
                row[f"{name} [{units[name]}]"] = value
                row[f"{name} std [{units[name]}]"] = fit.conf_[name]
            rs_ohm = None
            if "R0" in fit.params_:
                rs_ohm = fit.params_["R0"] / (area or 1.0)
                row["Rs [Ohm]"] = rs_ohm
                if area is not None:
                    row["Rs [Ohm.cm2]"] = fit.params_["R0"] * 1e4
            if "R1" in fit.params_:
                row["Rct [Ohm]"] = fit.params_["R1"] / (area or 1.0)
                if area is not None:
                    row["Rct [Ohm.cm2]"] = fit.params_["R1"] * 1e4
            thickness = opts["thickness_m"][k]
            if rs_ohm is not None and thickness is not None and area is not None:
                sigma = conductivity_from_resistance(rs_ohm, thickness, area)
                row["Conductivity [S.m-1]"] = sigma
                row["Conductivity [mS.cm-1]"] = sigma * 10
            # A fit that misses the spectrum still gives numbers; say so, with what to try.
            problems = fit_problems(
                fit,
                f,
                z_fit,
                series="R0" if _in_series(circuit, "R0") else "",
                unit="Ohm",
                factor=1.0 / (area or 1.0),
                with_parameters=True,
                keep_off_points=keep,
            )
            if problems:
                r_hf = high_frequency_intercept(f, z, keep_off_points=keep)
                notes.append(
                    f"{label}: poor {circuit} fit: {'; '.join(text for _, text in problems)}. "
                    f"{_unreliable([p for p, _ in problems], 'Conductivity [S.m-1]' in row)} "
                    f"Try another --circuit ({_circuit_advice(f, z)}) and compare Rs with the "
                    f"high-frequency intercept ({r_hf:.4g} Ohm) and the DRT's R_hf (--drt)."
                    f"{_arc_from_origin(f, z, problems, r_hf)}"
                )
            rows.append(row)
            row_file.append(k)
            file_rows.append(row)
            if f.size >= DRT_MIN_POINTS:
                drt_spectra.append((f, z_fit))
                drt_labels.append(label)
                drt_times.append(row.get("Time [h]"))
                drt_numbers.append(int(number))
            elif opts.get("drt"):
                notes.append(
                    f"{label}: {f.size} frequencies, too few for a DRT (at least "
                    f"{DRT_MIN_POINTS}); left out of it."
                )
            per_file[label] = {c: v for c, v in row.items() if c != "File"} | {
                "circuit": circuit,
                "impedance unit": unit,
                "parameters": fit.params_,
                "standard errors": fit.conf_,
                "units": units,
            }
            if n_spectra <= 10 or number in (1, n_spectra):
                (line,) = ax.plot(z_fit.real, -z_fit.imag, "o", ms=3, label=label)
                f_dense = np.logspace(np.log10(f.min()), np.log10(f.max()), 300)
                zf = fit.predict(f_dense)
                ax.plot(zf.real, -zf.imag, "-", color=line.get_color())
        nyquist_axes(ax, unit)
        wrapped_title(ax, f"{_label(m)}: {circuit} (lines: fit)")
        ax.legend(fontsize="small")
        w.figure(f"{stem}_nyquist", fig)
        if opts.get("drt") and drt_spectra:
            progress(f"analysing {stem}: distribution of relaxation times", None)
            numbers = drt_numbers if n_spectra > 1 else None
            drt_out[_label(m)] = _drt(
                drt_spectra, drt_labels, drt_times, numbers, unit, stem, w, notes
            )
        if len(file_rows) > 1:
            # Fig. 4e-f: the circuit parameters against spectrum number (or time)
            evo = pd.DataFrame(file_rows)
            w.csv(f"tables/{stem}.spectra.csv", evo)
            xcol = "Time [h]" if "Time [h]" in evo else "Spectrum"
            params = [c for c in evo.columns if c.startswith("R") and " std " not in c]
            params = [c for c in params if c.split(" [")[0] in fit.params_][:6]
            fig, axes = figure_axes((7, 2.2 * len(params)), len(params), 1, sharex=True)
            for a, c in zip(np.atleast_1d(axes), params, strict=True):
                a.plot(evo[xcol], evo[c], "o-", ms=3)
                a.set_ylabel(axis_label(c))
            np.atleast_1d(axes)[-1].set_xlabel(axis_label(xcol))
            w.figure(f"{stem}_parameters", fig)
    table = pd.DataFrame(rows)
    w.csv("tables/eis_fits.csv", table)
    out: dict[str, Any] = {"files": per_file, "circuit": circuit}
    if drt_out:
        out["DRT"] = drt_out
    temps = [opts["temperature_K"][k] for k in row_file]
    sigmas = [r.get("Conductivity [S.m-1]") for r in rows]
    usable = [(t, s) for t, s in zip(temps, sigmas, strict=True) if t is not None and s is not None]
    if len({t for t, _ in usable}) >= 2:
        tt = np.array([t for t, _ in usable])
        ss = np.array([s for _, s in usable])
        arr = arrhenius_fit(tt, ss)
        out["arrhenius"] = arr
        w.csv(
            "tables/arrhenius.csv",
            pd.DataFrame(
                {"Temperature [K]": tt, "1000/T [K-1]": 1000 / tt, "Conductivity [S.m-1]": ss}
            ),
        )
        fig, ax = figure_axes((5.2, 4.2))
        ax.plot(1000 / tt, np.log10(ss * 10), "o", label="measured (mS/cm)")
        x = np.linspace((1000 / tt).min(), (1000 / tt).max(), 50)
        ax.plot(
            x,
            arr["Intercept log10"] + 1 + arr["Slope log10 vs 1000/T [kK]"] * x,
            "-",
            label=f"Ea = {arr['Activation energy [eV]']:.3f} eV",
        )
        ax.set_xlabel("1000/T [K$^{-1}$]")
        ax.set_ylabel("log$_{10}$(\u03c3 [mS cm$^{-1}$])")
        ax.legend()
        w.figure("arrhenius", fig)
        comparisons.append(
            paper_row(
                "fig3g.activation_energy", arr["Activation energy [eV]"], f"{len(usable)} spectra"
            )
        )
        comparisons.append(
            paper_row(
                "fig3g.arrhenius_slope", arr["Slope log10 vs 1000/T [kK]"], f"{len(usable)} spectra"
            )
        )
    elif len(rows) > 1:
        notes.append(
            "No Arrhenius fit: it needs conductivities (--thickness and --area) at two or more "
            "temperatures (--temperature, one per file)."
        )
    return out


#: The largest standard error of ln(i0) [-] at which the CV's model fit is taken as a value of
#: the exchange current (1: uncertain by a factor e = 2.7); beyond it the fit is reported as not
#: determining i0 and is not compared with the paper.
CV_MAX_LOG_SE = 1.0

#: Spread of the sweeps' scan rates [-] above which a CV record is noted as holding several rates:
#: 5 %, well above a potentiostat's timing (< 0.1 %) and the rounding of a recorded time column.
CV_SCAN_RATE_SPREAD = 0.05


def _bv_row(v, j, temperature_K: float, r_ohm: float | None) -> dict[str, Any]:
    """The Butler-Volmer fit of a CV as the summary shows it (or its error)."""
    from solidna.analysis.kinetics import exchange_current_from_cv

    try:
        bv = exchange_current_from_cv(
            v, j, temperature_K=temperature_K, method="bv-fit", ohmic_resistance_ohm_m2=r_ohm
        )
    except SolidnaError as exc:
        return {"error": str(exc)}
    return {
        "exchange current density [mA.cm-2]": bv.i0_A_m2 / 10,
        "identifiable": bv.identifiable,
        "ohmic resistance [Ohm.cm2]": bv.ohmic_resistance_ohm_m2 * 1e4,
        "note": bv.note,
    }


def _cv(m, stem, w: _Writer, opts, k, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.kinetics import cv_peaks, cv_sweep, runs_against_voltage

    t = m.data[TIME].to_numpy(dtype=float)
    v = m.data[VOLTAGE].to_numpy(dtype=float)
    j = _need_density(m, "CV")
    if runs_against_voltage(v, j):
        # a potentiostat that counts the other direction as positive: the reader cannot tell
        # from a sweep (no constant-current step to judge), the symmetric cell's V(i) can
        j = -j
        notes.append(
            f"{_label(m)}: the current runs against the voltage (negative current at positive "
            "voltage), so the file counts the other direction as positive; read with its sign "
            "turned (solidna: positive = stripping from the working electrode)."
        )
    temperature = opts["temperature_K"][k] or 298.15
    sweep = cv_sweep(t, v)
    if not sweep.v_min_V <= 0.0 <= sweep.v_max_V:
        # a symmetric Na|Na cell's CV runs through 0 V (two identical electrodes); this one is
        # of another cell, most likely a three-electrode CV against a reference electrode
        notes.append(
            f"{_label(m)}: the sweep runs from {sweep.v_min_V:.4g} to {sweep.v_max_V:.4g} V "
            "and never through 0 V, so it is not a symmetric Na|Na cell's CV (a working "
            "electrode against a reference electrode?). Its scan rate and vertices hold; the "
            "exchange-current fits below assume a symmetric cell and do not apply to it."
        )
    result: dict[str, Any] = {
        "temperature [K]": temperature,
        # the waveform the record holds, read from it: a file's header states the programmed
        # rate, when it states one (Gamry and BioLogic CV exports do not put it in the table)
        "scan rate [mV.s-1]": sweep.scan_rate_V_s * 1e3,
        "lower vertex [V]": sweep.v_min_V,
        "upper vertex [V]": sweep.v_max_V,
        "sweeps": sweep.n_sweeps,
    }
    peaks = cv_peaks(v, j)
    if peaks.peaked:
        # a redox couple's diffusion peaks: neither the Butler-Volmer fit nor the model of a
        # Na|Na cell describes them (the model fit ran for minutes on such a CV and gave an
        # exchange current it called determined, its residual a quarter of the peak current)
        result.update(
            {
                "anodic peak potential [V]": peaks.anodic_V,
                "anodic peak current density [mA.cm-2]": peaks.anodic_current / 10,
                "cathodic peak potential [V]": peaks.cathodic_V,
                "cathodic peak current density [mA.cm-2]": peaks.cathodic_current / 10,
                "peak separation [V]": peaks.anodic_V - peaks.cathodic_V,
            }
        )
        notes.append(
            f"{_label(m)}: the current falls by {peaks.drop:.0%} of its span after a peak along "
            "a sweep: a diffusion-limited redox couple, not a symmetric Na|Na cell, whose "
            "current grows with the voltage all along a sweep. Its highest peak each way is "
            "reported (currents as measured, no baseline subtracted); the exchange-current fits "
            "assume a symmetric cell and are not run."
        )
    if sweep.scan_rate_spread > CV_SCAN_RATE_SPREAD:
        notes.append(
            f"{_label(m)}: the sweeps run at different rates ({sweep.scan_rate_spread:.0%} "
            f"spread about the median {sweep.scan_rate_V_s * 1e3:.3g} mV/s); the exchange "
            "current is fitted to all of them, the capacitive current of each differs."
        )
    not_run = {"error": "not run: the CV holds diffusion peaks (see the notes)"}
    progress(f"{stem}: Butler-Volmer fit", 0.0)
    result["Butler-Volmer fit"] = (
        not_run if peaks.peaked else _bv_row(v, j, temperature, opts["ohmic_resistance_ohm_m2"])
    )
    i0_model = None
    if opts["model_fit"] and peaks.peaked:
        result["model fit"] = not_run
    elif opts["model_fit"]:
        from solidna.calibrate.cv import fit_cv
        from solidna.cells.symmetric import SymmetricCell

        progress(f"{stem}: symmetric-cell model fit (Fig. 4g)", 0.2)
        keep = np.r_[True, np.diff(t) > 0]  # the model fit needs strictly increasing time
        cell = SymmetricCell(
            opts["anode"], temperature=temperature, sse_thickness=opts["thickness_m"][k]
        )
        try:
            fit = fit_cv(t[keep] - t[0], v[keep], j[keep], opts["anode"], cell.parameters)
            # an exchange current uncertain by more than a factor e is no measurement: a
            # constant-current record read as a CV gave 7.5e5 mA/cm2 (standard error 2e8),
            # shown beside the paper's 1.73 mA/cm2
            determined = bool(np.isfinite(fit.i0_rel_se) and fit.i0_rel_se <= CV_MAX_LOG_SE)
            if determined:
                i0_model = fit.i0_A_m2
            else:
                notes.append(
                    f"{_label(m)}: the model fit does not determine the exchange current "
                    f"(standard error of ln i0 {fit.i0_rel_se:.3g}, more than "
                    f"{CV_MAX_LOG_SE:g}); it is not compared with the paper. Check that the file "
                    "is a CV: a voltage swept at a constant rate, the current measured."
                )
            result["model fit"] = {
                "exchange current density [mA.cm-2]": fit.i0_A_m2 / 10,
                "determined": determined,
                "relative standard error": fit.i0_rel_se,
                "interphase resistivity [Ohm.m]": fit.interphase_resistivity_ohm_m,
                "residual RMS [mA.cm-2]": fit.residual_rms_A_m2 / 10,
                "model runs": fit.n_evaluations,
                "anode": opts["anode"],
                "method": fit.method,
            }
        except SolidnaError as exc:
            result["model fit"] = {"error": str(exc)}
    fig, ax = figure_axes((5.2, 4.2))
    ax.plot(v, j / 10, lw=1)
    ax.set_xlabel("Voltage [V]")
    ax.set_ylabel("Current density [mA cm$^{-2}$]")
    ax.axhline(0, color="0.6", lw=0.5)
    wrapped_title(ax, _label(m))
    w.figure(f"{stem}_cv", fig)
    if i0_model is not None and opts["anode"] == "modified":
        comparisons.append(
            paper_row(
                "fig4g.mna.exchange_current",
                i0_model / 10,
                f"symmetric-cell model fit of {_label(m)} (the Fig. 4g definition)",
            )
        )
    return result


#: The unit a capacity or energy is per when a record holds no absolute current: a density
#: without an area is run on 1 m2, a current per mass without a mass on 1 g.
_BASIS_UNIT = {"area": "m-2", "mass": "g-1"}


def _per_basis(name: str, basis: str | None) -> str:
    """A capacity or energy name (``[A.h]``, ``[W.h]``) per the basis its record was run on."""
    if basis is None:
        return name
    unit = _BASIS_UNIT[basis]
    return name.replace("[A.h]", f"[A.h.{unit}]").replace("[W.h]", f"[W.h.{unit}]")


def _battery_current(m, area, mass, notes):
    """The current [A] of a full-cell record, its capacity counter, the area [m2] and mass [g]
    to use, and the basis its capacities are per when the file holds no absolute current
    (None, ``"area"`` or ``"mass"``, :data:`_BASIS_UNIT`)."""
    d, name = m.data, _label(m)
    if CURRENT in d:
        capacity = d[CAPACITY].to_numpy(dtype=float) if CAPACITY in d else None
        return d[CURRENT].to_numpy(dtype=float), capacity, area, mass, None
    if CURRENT_DENSITY in d:
        j = d[CURRENT_DENSITY].to_numpy(dtype=float)
        if area is not None:
            # a density record (solidna simulate writes one) with a known area is a current
            notes.append(
                f"{name}: the file holds a current density; current = density x "
                f"{area * 1e4:g} cm2 (the electrode area)."
            )
            return j * area, None, area, mass, None
        if mass is not None:
            raise InvalidOptionError(
                f"{name}: --mass {mass * 1e3:g} mg given, but the file holds a current density "
                "and no electrode area: the current, and so the specific capacity, needs the "
                "area. Give --area too (e.g. --area '1 cm2')."
            )
        notes.append(
            f"{name}: only the current density is known (no --area): capacities are per "
            "electrode area."
        )
        return j, None, 1.0, None, "area"
    specific = d[SPECIFIC_CURRENT].to_numpy(dtype=float)  # A/kg = mA/g
    if mass is not None:
        notes.append(
            f"{name}: the file holds a current per mass; current = it x {mass * 1e3:g} mg (--mass)."
        )
        return specific * mass * 1e-3, None, area, mass, None
    notes.append(
        f"{name}: the file's current is per mass and no --mass is given: capacities are per "
        "gram of active material."
    )
    return specific * 1e-3, None, None, 1.0, "mass"


def _battery(m, stem, w: _Writer, opts, k, kind, comparisons, notes, progress) -> dict[str, Any]:
    from solidna.analysis.metrics import _cycles_and_halves, cycling_summary

    d = m.data
    t = d[TIME].to_numpy(dtype=float)
    v = d[VOLTAGE].to_numpy(dtype=float)
    area = opts["area_m2"][k] if opts["area_m2"][k] is not None else m.area_m2
    current, capacity, area, mass, basis = _battery_current(m, area, opts["mass_g"][k], notes)
    progress(f"{stem}: per-cycle metrics", 0.0)
    # the instrument's cycle index where the file has one (same numbering from every format)
    cycle_index = _instrument_cycles(m)
    # galvanostatic_cycles, with the half cycles it split (numbered as the table) for the profiles
    table, halves = _cycles_and_halves(
        t, v, current, capacity, opts["reference_cycle"], mass, area, None, cycle_index
    )
    notes.extend(f"{_label(m)}: {n}" for n in table.attrs.get("notes", []))
    result: dict[str, Any] = cycling_summary(table)
    table.columns = [_per_basis(c, basis) for c in table.columns]
    result = {_per_basis(key, basis): value for key, value in result.items()}
    w.csv(f"tables/{stem}.cycles.csv", table)
    result["cycle numbers"] = _CYCLE_NUMBERS[cycle_index is not None]
    result["charge accounted [%]"] = table.attrs.get("charge accounted [%]")
    specific_current = None
    if mass is not None:
        from solidna.analysis.cycling import REST_FRACTION

        on = np.abs(current) > REST_FRACTION * np.percentile(np.abs(current), 90)
        specific_current = float(np.median(np.abs(current[on]))) * 1e3 / mass
        result["specific current [mA.g-1]"] = specific_current

    w.figure(f"{stem}_voltage", _voltage_figure(m, f"{_label(m)}"))
    # voltage against the capacity of each half cycle for a few cycles
    from solidna.analysis.io._table import integrate_current

    q = capacity if capacity is not None else integrate_current(t, current)
    fig, ax = figure_axes()
    if mass:
        scale, xlabel = 1e3 / mass, "Capacity [mAh g$^{-1}$]"
    elif basis == "area":  # A.h per m2 -> mA.h per cm2
        scale, xlabel = 0.1, "Capacity [mAh cm$^{-2}$]"
    else:
        scale, xlabel = 1e3, "Capacity [mAh]"
    shown = [c for c in PROFILE_CYCLES if c in set(halves["Cycle number"])]
    last = int(halves["Cycle number"].max()) if len(halves) else None
    if last is not None and last not in shown:
        shown.append(last)
    from solidna.report.style import PALETTE

    for n, cyc in enumerate(shown):
        rows = halves[halves["Cycle number"] == cyc]
        for first, (a, b) in enumerate(zip(rows["Start index"], rows["End index"], strict=True)):
            before = max(int(a) - 1, 0)
            ax.plot(
                np.abs(q[a : b + 1] - q[before]) * scale,
                v[a : b + 1],
                color=PALETTE[n % len(PALETTE)],
                lw=1,
                label=f"cycle {cyc}" if first == 0 else None,  # one legend entry per cycle
            )
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Voltage [V]")
    ax.legend()
    wrapped_title(ax, f"{_label(m)}: voltage profiles")
    w.figure(f"{stem}_profiles", fig)
    fig, (ax1, ax2) = figure_axes((7, 6.5), 2, 1, sharex=True)
    cap_col = [c for c in table.columns if "ischarge capacity" in c][-1]
    ax1.plot(table.index, table[cap_col], "o-", ms=3, label=cap_col)
    ax1.set_ylabel(axis_label(cap_col))
    ax1b = ax1.twinx()
    ax1b.plot(table.index, table["Coulombic efficiency [%]"], "s", ms=3, color=PALETTE[1])
    steady_axis(ax1, table[cap_col])
    steady_axis(ax1b, table["Coulombic efficiency [%]"])
    ax1b.set_ylabel("Coulombic efficiency [%]", color=PALETTE[1])
    wrapped_title(ax1, f"{_label(m)}: per cycle")
    ax2.plot(
        table.index, table["Terminal discharge voltage [V]"], "o-", ms=3, label="terminal discharge"
    )
    ax2.plot(
        table.index, table["Charge-discharge gap [V]"], "s-", ms=3, label="charge-discharge gap"
    )
    ax2.set_xlabel("Cycle number")
    from matplotlib.ticker import MaxNLocator

    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))  # no cycle 1.5
    ax2.set_ylabel("Voltage [V]")
    ax2.legend()
    w.figure(f"{stem}_cycles", fig)

    if kind == "na-co2":
        tdv = table["Terminal discharge voltage [V]"]
        if 1 in tdv.index:
            comparisons.append(
                paper_row("fig5f.mna.terminal_discharge.cycle1", float(tdv.loc[1]), f"{_label(m)}")
            )
        if 50 in tdv.index:
            comparisons.append(
                paper_row(
                    "fig5f.mna.terminal_discharge.cycle50", float(tdv.loc[50]), f"{_label(m)}"
                )
            )
            gap = table["Charge-discharge gap [V]"]
            comparisons.append(
                paper_row(
                    "abstract.mna.overpotential_increase.50cycles",
                    float(gap.loc[50] - gap.loc[1]) if 1 in gap.index else None,
                    f"gap of cycle 50 minus cycle 1, {_label(m)}",
                )
            )
        if specific_current is not None and 2 in table.index:
            rate = min(NA_CO2_RATES_MA_G, key=lambda r: abs(r - specific_current))
            if abs(rate - specific_current) <= 0.1 * rate:
                comparisons.append(
                    paper_row(
                        f"fig5d.overpotential.{rate}",
                        float(table.loc[2, "Charge-discharge gap [V]"]),
                        f"cycle 2 of {_label(m)} at {specific_current:.0f} mA/g",
                    )
                )
    if kind == "nvp" and 200 in table.index:
        comparisons.append(
            paper_row(
                "figS31.mna.retention.200cycles",
                float(table.loc[200, "Capacity retention [%]"]) / 100,
                f"discharge capacity of cycle 200 / cycle {table.attrs.get('reference cycle')}, "
                f"{_label(m)}",
            )
        )
    return result


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------
def _kv_table(mapping: Mapping[str, Any]) -> str:
    from solidna.report.html import _e, format_value

    rows = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            text = _kv_table(value)
        elif isinstance(value, list):
            if value and isinstance(value[0], Mapping):
                text = "<br>".join(
                    _e(", ".join(f"{k}: {format_value(v)}" for k, v in x.items())) for x in value
                )
            else:
                text = _e(", ".join(format_value(v) for v in value)) or "—"
        else:
            text = _e(format_value(value))
        rows.append(f"<tr><th>{_e(key)}</th><td>{text}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _render(summary: Mapping[str, Any], figures: Mapping[str, Path]) -> str:
    # The reproduce report's style sheet and figure embedding (solidna.report.html), so both
    # pages look alike.
    from solidna.report.html import CSS, _e, figure_html, format_value

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>solidna analyze — {_e(summary['kind'])}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>solidna analyze: {_e(summary['kind'])}</h1>",
        f'<p class="citation">Metrics as defined for {_e(summary["paper"]["citation"])} '
        f"(doi:{_e(summary['paper']['doi'])}). solidna version "
        f"<span class='mono'>{_e(summary['solidna_version'])}</span></p>",
        "<h2>Files</h2>",
        _kv_table(
            {f["file"]: {k: v for k, v in f.items() if k != "file"} for f in summary["files"]}
        ),
        "<h2>Inputs as understood</h2>",
        _kv_table(summary["inputs"]),
        "<h2>Results</h2>",
        _kv_table(summary["results"]),
    ]
    comp = summary.get("paper comparison") or []
    if comp:
        head = "".join(f"<th>{h}</th>" for h in ("id", "paper", "measured", "unit", "note"))
        rows = "".join(
            f"<tr><td class='mono'>{_e(c['id'])}</td><td class='num'>{_e(format_value(c['paper']))}</td>"
            f"<td class='num'>{_e(format_value(c['measured']))}</td><td>{_e(c['unit'])}</td>"
            f"<td>{_e(c['note'])}</td></tr>"
            for c in comp
        )
        parts += [
            "<h2>Paper comparison</h2>",
            "<p>The paper's numbers beside this measurement (for orientation: the conditions may "
            "differ; see the notes).</p>",
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
        ]
    if figures:
        parts.append("<h2>Figures</h2>")
        parts += [figure_html(stem, path) for stem, path in figures.items()]
    if summary.get("notes"):
        parts.append("<h2>Notes</h2><ul>")
        parts += [f"<li>{_e(n)}</li>" for n in summary["notes"]]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------------
def analyze(
    files: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    kind: str,
    out: str | os.PathLike[str],
    force: bool = False,
    progress: Progress | None = None,
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    area: str | float | Sequence[str | float] | None = None,
    mass: str | float | Sequence[str | float] | None = None,
    thickness: str | float | Sequence[str | float] | None = None,
    temperature: str | float | Sequence[str | float] | None = None,
    circuit: str | None = None,
    anode: str = "modified",
    forecast: str | float | None = None,
    forecast_samples: int = 20,
    window: float = 0.1,
    reference_cycle: int | None = None,
    ohmic_resistance: str | float | None = None,
    model_fit: bool = True,
    write_data: bool = True,
    drt: bool = False,
    keep_off_points: bool = False,
    surface: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Analyse measured files and write tables, figures, ``summary.json`` and ``report.html``.

    Parameters
    ----------
    files : path or sequence of paths
        Instrument files (any format of :data:`solidna.analysis.io.FORMATS`); only read.
    kind : str
        What the files are, one of :data:`KINDS` (see the module docstring; the surface kinds:
        :mod:`solidna.analysis.surface_pipeline`). The optional keywords act on some kinds only
        (:data:`KEYWORD_KINDS`).
    out : path
        Output directory; created; refused when non-empty unless ``force``.
    force : bool
        Write into a non-empty ``out`` (only solidna's files are overwritten).
    progress : callable, optional
        ``progress(message, fraction)`` (:data:`solidna.progress.Progress`): ``fraction`` of the
        whole work, never decreasing; reading the files takes the first :data:`READ_SHARE`,
        analysing them the next :data:`ANALYSE_SHARE` (each file and stage its own slice), writing
        the summary and report the rest.
    format, columns, sheet
        Passed to :func:`solidna.analysis.io.read` (format override; column mapping for CSV
        and workbooks; a workbook's data sheet, by name or position from 0).
    area, mass, thickness, temperature : str, float or one per file, optional
        Electrode area (``"1 cm2"``), active mass (``"0.5 mg"``, for mA.h/g), electrolyte
        thickness (``"60 um"``, for conductivity and the symmetric-cell model) and temperature
        (``"25 degC"``; one per file for an Arrhenius fit). Bare numbers are SI (m2, g, m, K).
    circuit : str, optional
        impedance.py circuit for ``eis`` (default ``"R0-p(R1,CPE1)"``: Rs = R0, Rct = R1).
    anode : {"modified", "pristine"}
        Interphase of the symmetric-cell model (``symmetric`` forecast and ``cv`` model fit).
    forecast : str or float, optional
        ``symmetric``: fit the interphase model and forecast to this time (``"4000 h"``; a bare
        number is in seconds); positive and at most :data:`solidna.units.MAX_DURATION`.
    forecast_samples : int
        Parameter sets drawn for the forecast band (each one model run to ``forecast``).
    window : float
        Plateau window of the per-cycle overpotential (default the last 10 % of each half cycle).
    reference_cycle : int, optional
        Cycle of 100 % capacity retention (``na-co2``/``nvp``/``battery``; default the first).
    ohmic_resistance : str or float, optional
        ``cv``: area-specific ohmic resistance from EIS (``"12 ohm*cm**2"``; a number is
        Ohm.m2) fixed in the Butler-Volmer fit.
    model_fit : bool
        ``cv``: also fit the symmetric-cell model (the Fig. 4g definition; default True).
    write_data : bool
        Write each file's tidy table to ``tables/<file>.data.csv`` (default True).
    drt : bool
        ``eis``: also compute the distribution of relaxation times of every spectrum
        (:func:`solidna.analysis.drt.fit_drt`; several spectra: :func:`drt_evolution`) and write
        ``tables/<file>[.N].drt.csv``, ``...drt_peaks.csv`` and ``figures/<file>_drt.png``.
    keep_off_points : bool
        ``eis``: keep the points that lie off a spectrum's continuous run
        (:func:`solidna.analysis.eis.off_spectrum_points`: a |Z| jump no cell makes, or
        Z_re < 0) in the Kramers-Kronig check, the circuit fit, the high-frequency intercept
        and the DRT. Default False: they are left out, and counted in ``eis_fits.csv``'s column
        "Points off the spectrum (left out)". Either way a note names them.
    surface : mapping, optional
        Options of the kinds ``xps``, ``afm-force``, ``afm-map`` and ``topography``
        (:func:`solidna.analysis.surface_pipeline.surface_options`: ``indenter``,
        ``tip_radius``, ``half_angle``, ``poisson``, ``level``, ``charge_reference``,
        ``background``, ``workers``, ``peaks``, ``sputter_rate``, ``rsf``).

    Returns
    -------
    dict
        The content of ``summary.json``.

    Raises
    ------
    InvalidOptionError
        Unknown kind, bad option values, an option the kind would ignore (:data:`KEYWORD_KINDS`;
        ``surface``: :data:`~solidna.analysis.surface_pipeline.SURFACE_OPTION_KINDS`), no files,
        the same file given twice.
    OutOfRangeError, UnitError
        A quantity that is not positive (area, mass, thickness, forecast), below absolute zero
        (temperature), above its maximum, or cannot be read.
    DataFormatError
        A file is missing, a directory, cannot be read or lacks what the analysis needs (e.g.
        the area).
    OutputExistsError
        ``out`` is not empty and ``force`` is False.
    """
    from solidna.io_utils import output_dir
    from solidna.protocols.steps import DURATION_TYPICAL_S, parse_duration_s
    from solidna.units import to_si

    tic = time.perf_counter()
    progress = _Forward(progress or no_progress)
    kind = check_choice("kind", str(kind), KINDS)
    anode = check_choice("anode type", str(anode), ("modified", "pristine"))
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    paths = _check_inputs(files, kind)
    if circuit is not None and kind == "eis":
        from solidna.analysis.eis import _check_circuit

        # checked before the files are read (the fit came after reading them all), under the
        # keyword's name, which the command line spells as its option (--circuit)
        try:
            _check_circuit(circuit)
        except InvalidOptionError as exc:
            raise InvalidOptionError(f"circuit: {exc}") from None
    n = len(paths)
    if not (0 < float(window) <= 1):
        raise InvalidOptionError(f"window must lie in (0, 1]; got {window!r}.")
    opts: dict[str, Any] = {
        "area_m2": _per_file("area", area, n, "m**2", "electrode area"),
        "mass_g": [
            None if v is None else v * 1e3 for v in _per_file("mass", mass, n, "kg", "mass")
        ],
        "thickness_m": _per_file("thickness", thickness, n, "m", "electrolyte thickness"),
        "temperature_K": _per_file("temperature", temperature, n, "K", "temperature"),
        "circuit": circuit,
        "anode": anode,
        "forecast": forecast,
        "forecast_samples": int(forecast_samples),
        "window": float(window),
        "reference_cycle": reference_cycle,
        "ohmic_resistance_ohm_m2": None
        if ohmic_resistance is None
        else to_si(
            ohmic_resistance,
            "ohm*m**2",
            "ohmic resistance",
            positive=True,
            maximum=MEASURED_MAXIMA["ohmic_resistance"][0],
            hint=f"{MEASURED_MAXIMA['ohmic_resistance'][1].capitalize()}.",
        ),
        "model_fit": bool(model_fit),
        "drt": bool(drt),
        "keep_off_points": bool(keep_off_points),
    }
    if forecast is not None:
        opts["forecast_s"] = parse_duration_s(
            forecast, "forecast horizon", DURATION_TYPICAL_S, "4000 h"
        )
    # after the values are read, so that a bare number's warning still shows
    refuse_unused(
        kind,
        KEYWORD_KINDS,
        {
            "format": format,
            "columns": columns,
            "sheet": sheet,
            "area": area,
            "mass": mass,
            "thickness": thickness,
            "temperature": temperature,
            "reference_cycle": reference_cycle,
            "circuit": circuit,
            # a switch: given when on (off is the default, whatever the kind)
            "keep_off_points": True if keep_off_points else None,
            "forecast": forecast,
            "ohmic_resistance": ohmic_resistance,
            "surface": surface,
        },
    )
    surface_opts = None
    if kind in SURFACE_KINDS:
        surface_opts = surface_options(kind, **dict(surface or {}))
    # a run that fails leaves out as it was: write into a staging directory beside it, moved
    # into place on success (the command line stages too; nested blocks share one stage)
    with output_dir(out, force, protect=paths) as out_dir:
        writer = _Writer(out_dir, paths)
        stems = _stems(paths)
        if surface_opts is not None:
            return analyze_surface(kind, paths, stems, writer, surface_opts, progress, _render, tic)
        measurements: list[Measurement] = []
        for k, p in enumerate(paths):
            # file k reads in [k, k + 0.8) / n of the reading share and writes its table after
            reading = scaled(progress, READ_SHARE * k / n, READ_SHARE * (k + 0.8) / n)
            reading(f"reading {p.name}", 0.0)
            part = "impedance" if kind == "eis" else "timeseries"
            try:
                m = read(
                    p,
                    format=format,
                    columns=columns,
                    area=opts["area_m2"][k],
                    **({} if sheet is None else {"sheet": sheet}),
                    progress=reading,
                    kind=part,
                )
            except DataFormatError as exc:
                # only a file of the other kind is reworded; "holds no data rows" and the like pass
                if not re.search(
                    r"asked for, but this .*holds only|holds no \w+ data \(", str(exc)
                ):
                    raise
                # the reader's own advice is in the Python API's words (kind='timeseries'): here
                # the file is named with what it holds and the --kind that analyses it
                if part == "impedance":
                    needs = "an impedance spectrum (frequency and Z columns)"
                    holds, fix = "a time series", _CYCLING_KINDS
                else:
                    needs, holds = "a time series (time, voltage, current)", "an impedance spectrum"
                    fix = "--kind eis"
                raise DataFormatError(
                    f"{p}: --kind {kind} needs {needs}, but this file holds {holds} only. Analyse it "
                    f"with {fix}, in a run of its own if the other files are of another kind."
                ) from None
            measurements.append(m)
            if write_data:
                reading(f"writing tables/{stems[k]}.data.csv ({len(m.data)} rows)", 1.0)
                writer.csv(f"tables/{stems[k]}.data.csv", m.data)
            progress(f"read {p.name} ({len(m.data)} rows)", READ_SHARE * (k + 1) / n)
        _label_inputs(measurements, paths)
        notes: list[str] = [f"{_label(m)}: {note}" for m in measurements for note in m.notes]
        comparisons: list[dict[str, Any]] = []
        results: dict[str, Any] = {}
        if kind == "eis":
            analysing = scaled(progress, READ_SHARE, READ_SHARE + ANALYSE_SHARE)
            results = _eis(measurements, stems, writer, opts, comparisons, notes, analysing)
        else:
            for k, (m, stem) in enumerate(zip(measurements, stems, strict=True)):
                if m.kind != "timeseries":
                    raise DataFormatError(
                        f"{m.source}: --kind {kind} needs a time series (time, voltage, current); "
                        "this file is an impedance spectrum. Use --kind eis."
                    )
                if len(m.data) < 2:  # was "time_s has 1 point(s)", an internal name
                    raise DataFormatError(
                        f"{m.source}: the record has {len(m.data)} data row(s); --kind {kind} needs "
                        "a time series of at least 2. Check that the export holds the whole run."
                    )
                share = ANALYSE_SHARE / n
                analysing = scaled(progress, READ_SHARE + k * share, READ_SHARE + (k + 1) * share)
                analysing(f"analysing {_label(m)}", 0.0)
                if kind == "symmetric":
                    res = _symmetric(m, stem, writer, opts, k, comparisons, notes, analysing)
                elif kind == "cv":
                    res = _cv(m, stem, writer, opts, k, comparisons, notes, analysing)
                else:
                    res = _battery(m, stem, writer, opts, k, kind, comparisons, notes, analysing)
                results[_label(m)] = res
                analysing(f"analysed {_label(m)}", 1.0)
        inputs = {
            "electrode area [cm2]": [None if a is None else a * 1e4 for a in opts["area_m2"]],
            "mass [mg]": [None if g is None else g * 1e3 for g in opts["mass_g"]],
            "thickness [um]": [None if t is None else t * 1e6 for t in opts["thickness_m"]],
            "temperature [degC]": [
                None if t is None else t - 273.15 for t in opts["temperature_K"]
            ],
            "circuit": circuit,
            "distribution of relaxation times": bool(drt),
            "points off the spectrum": None
            if kind != "eis"
            else ("kept" if keep_off_points else "left out"),
            "anode": anode,
            "forecast until [h]": None if forecast is None else opts["forecast_s"] / 3600,
            "forecast samples": opts["forecast_samples"] if forecast is not None else None,
            "plateau window": opts["window"],
            "reference cycle": reference_cycle,
            "format": format,
            "columns": dict(columns) if columns else None,
            "sheet": sheet,
        }
        return write_summary(
            writer,
            _render,
            progress,
            READ_SHARE + ANALYSE_SHARE,
            tic,
            kind=kind,
            files=[m.describe() for m in measurements],
            inputs=inputs,
            results=results,
            comparisons=comparisons,
            notes=notes,
        )
