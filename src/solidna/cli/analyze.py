"""``solidna analyze FILE... --kind KIND --out DIR``: a thin layer over :func:`solidna.analysis.pipeline.analyze`.

The files are checked here first (each must exist, be a file and be given once), so that a
mistake is named before anything is read; the results appear in ``--out`` only when the analysis
succeeds, and an input file inside ``--out`` is never replaced.

Most options act on some kinds only (:data:`OPTION_KINDS`; their help text starts with those
kinds). One typed with another ``--kind`` would do nothing, so it is refused, naming the option,
the kind given and the kinds it acts on.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import (
    ANODE_CHOICE,
    AREA,
    AREA_RESISTANCE,
    DURATION,
    MASS,
    MAX_COUNT,
    TEMPERATURE,
    THICKNESS,
    AliasChoice,
    NumberType,
    OutputOptions,
    ProgressDisplay,
    QuantityKind,
    QuantityType,
    choice_option,
    console,
    given,
    nonempty_text,
    option_flag,
    output_options,
    print_note,
    quantity_option,
)
from solidna.errors import InvalidOptionError
from solidna.units import LABORATORY_MAXIMA

__all__ = [
    "register",
    "parse_columns",
    "parse_rsf",
    "check_files",
    "refuse_options_of_other_kinds",
    "KINDS",
    "OPTION_KINDS",
    "OPTION_NEEDS",
]

#: What the files can be (``--kind``); ``na_co2`` is the old spelling of ``na-co2``.
#: The surface kinds (solidna.analysis.surface_pipeline.SURFACE_KINDS; written out here so that
#: the command line starts without importing the analysis package).
ELECTROCHEMICAL_KINDS = ("symmetric", "eis", "cv", "na-co2", "nvp", "battery")
SURFACE_KINDS = ("xps", "afm-force", "afm-map", "topography")
KINDS = ELECTROCHEMICAL_KINDS + SURFACE_KINDS
_AFM = ("afm-force", "afm-map")
#: What the energy column of an XPS text export can be (solidna.analysis.xps.io.ENERGY_AXES,
#: written out so that the command line starts without importing the readers).
ENERGY_AXES = ("binding", "kinetic")

#: The readers ``--format`` may force (the keys of solidna.analysis.io.FORMATS, written out so
#: that the command line starts without importing the readers; a test checks they agree).
#: Validated by the parser: "--format table" was "Unknown format 'table'", without the option.
READERS = (
    "biologic-mpr",
    "biologic-mpt",
    "neware",
    "neware-csv",
    "arbin",
    "workbook",
    "maccor",
    "gamry-eis",
    "zplot-eis",
    "versastudio-eis",
    "parstat",
    "powersuite-eis",
    "autolab-eis",
    "chi-eis",
    "zview-eis",
    "relaxis-eis",
    "pstrace-eis",
    "pssession",
    "keysight-4294a",
    "ivium-eis",
    "zahner-eis",
    "eis-blocks",
    "csv",
)

_READER_CHOICE = AliasChoice(READERS)
_nonempty_reader = nonempty_text("biologic-mpt", "detecting the reader from the content")


def _reader(value: Any) -> str:
    """``--format`` while parsing: an empty value is refused as one (not as an unknown reader),
    any other must be one of :data:`READERS`."""
    return _READER_CHOICE(_nonempty_reader(value))


#: The kinds each option acts on (parameter name -> kinds), as solidna.analysis.pipeline and
#: surface_pipeline use them. Given with another kind, an option would be ignored, so it is
#: refused (:func:`refuse_options_of_other_kinds`); each option's help text starts with its kinds
#: (written by :func:`_for`). Options not listed act on every kind (the files, --kind, --out,
#: --force).
OPTION_KINDS: dict[str, tuple[str, ...]] = {
    # the reader of the electrochemical files; the surface readers detect their formats
    "format": ELECTROCHEMICAL_KINDS,
    "column": ELECTROCHEMICAL_KINDS,
    "sheet": ELECTROCHEMICAL_KINDS,
    "data": ELECTROCHEMICAL_KINDS,  # the tidy table of a time series or spectrum
    "area": ELECTROCHEMICAL_KINDS,
    "mass": ("na-co2", "nvp", "battery"),  # mA.h/g of the cathode
    "thickness": ("symmetric", "eis", "cv"),  # conductivity (eis), model fits (symmetric, cv)
    "temperature": ("symmetric", "eis", "cv"),  # Arrhenius (eis), Butler-Volmer and model fits
    "circuit": ("eis",),
    "drt": ("eis",),
    "keep_off_points": ("eis",),
    "anode": ("symmetric", "cv"),  # interphase of the model fits
    "forecast": ("symmetric",),
    "forecast_samples": ("symmetric",),
    "reference_cycle": ("na-co2", "nvp", "battery"),
    "ohmic_resistance": ("cv",),
    "model_fit": ("cv",),
    "indenter": _AFM,
    "tip_radius": _AFM,
    "half_angle": _AFM,
    "poisson": _AFM,
    "spring_constant": _AFM,  # calibration the file does not record (or replaces)
    "sensitivity": _AFM,
    "workers": ("afm-map",),  # the curves of a map are fitted in parallel
    "level": ("topography",),
    "channel": ("topography",),  # a file with several height channels
    "charge_reference": ("xps",),
    "peaks": ("xps",),
    "rsf": ("xps",),
    "sputter_rate": ("xps",),
    "photon_energy": ("xps",),  # the kinetic-energy axis of a text export
    "energy_axis": ("xps",),  # what a text export's energy column is, when it does not say
}

#: Options that act with a kind only together with another option: (option, kind) -> the
#: option that must be on (given, or a switch left on). Without it they would be ignored too.
OPTION_NEEDS: dict[tuple[str, str], str] = {
    ("forecast_samples", "symmetric"): "forecast",
    ("anode", "symmetric"): "forecast",
    ("thickness", "symmetric"): "forecast",
    ("temperature", "symmetric"): "forecast",
    ("anode", "cv"): "model_fit",
    ("thickness", "cv"): "model_fit",
}

#: A cone's half opening angle, an XPS binding energy and a photon energy: a bare number is read in
#: the unit of the help text (deg, eV), since nobody writes these in SI (rad, J).
ANGLE = QuantityKind(
    "deg", "an angle", "17.5 deg", "deg", positive=True, maximum=90.0, reason="a half-angle"
)
BINDING_ENERGY = QuantityKind("eV", "a binding energy", "284.8 eV", "eV", positive=True)
#: The analysis checks the range (solidna.analysis.surface_pipeline.PHOTON_ENERGY_RANGE_EV).
PHOTON_ENERGY = QuantityKind("eV", "a photon energy", "1486.6 eV", "eV", positive=True)
SPRING_CONSTANT = QuantityKind("N/m", "a spring constant", "0.1 N/m", "N/m", positive=True)


def _bounded(name: str) -> dict[str, Any]:
    """The largest value of a measured quantity and why (:data:`solidna.units.
    LABORATORY_MAXIMA`, the analysis' own bounds), as QuantityKind fields: values no laboratory
    cell or instrument has are a typo of the unit or the exponent ('--area "1e99 cm2"' was
    accepted and gave R0 = 7.6e83 Ohm.m2)."""
    maximum, reason = LABORATORY_MAXIMA[name]
    return {"maximum": maximum, "reason": reason}


#: A bare number is refused as for every quantity option: in SI (m/s) it would be absurd.
SPUTTER_RATE = QuantityKind(
    "m/s", "a sputter rate", "0.1 nm/s", "nm/s", positive=True, **_bounded("sputter_rate")
)
CELL_AREA = dataclasses.replace(AREA, **_bounded("area"))
ACTIVE_MASS = dataclasses.replace(MASS, **_bounded("mass"))
ELECTROLYTE_THICKNESS = dataclasses.replace(THICKNESS, **_bounded("thickness"))
MEASURED_TEMPERATURE = dataclasses.replace(TEMPERATURE, **_bounded("temperature"))
AREA_RESISTANCE_MAX = dataclasses.replace(AREA_RESISTANCE, **_bounded("ohmic_resistance"))
TIP_RADIUS = dataclasses.replace(
    THICKNESS, words="a tip radius", example="10 um", **_bounded("tip_radius")
)


#: ``--workers`` of afm-map at most: each is a Python process; beyond a few per core they only
#: compete (``--workers 99999`` was accepted, as ``solidna sweep`` refuses it since round 9).
_MAX_WORKERS = 4 * (os.cpu_count() or 1)


class _BareInUnit(QuantityType):
    """A quantity option whose bare number is in the unit its help names (``"284.5"`` is
    ``"284.5 eV"``); the string passed on carries that unit."""

    def __call__(self, value: Any) -> str:
        text = str(value).strip()
        try:
            float(text)
        except ValueError:
            return super().__call__(text)
        return super().__call__(f"{text} {self.kind.display_unit}")


def _peaks_file(value: Any) -> Path:
    """``--peaks FILE`` while parsing: an empty path is refused (``--peaks ''`` read the current
    directory, "Error: .: cannot read the peaks file"); :func:`check_peaks` checks the file once
    the kind is known to use it."""
    from solidna.cli._common import OptionValueError

    if isinstance(value, Path):
        return value
    text = str(value).strip()
    if not text:
        raise OptionValueError(f"an empty path names no file; {_PEAKS_EXAMPLE}.")
    return Path(text).expanduser()


_PEAKS_EXAMPLE = "give the TOML file of start peaks, e.g. --peaks peaks.toml"


def check_peaks(path: Path | None, ctx: typer.Context | None = None) -> None:
    """Refuse a ``--peaks`` that is missing or a directory, under the option's name (the
    reader's message was "Error: dd: cannot read the peaks file ([Errno 21] Is a directory")."""
    if path is None:
        return
    try:
        problem = (
            "is a directory, not a file"
            if path.is_dir()
            else ("" if path.is_file() else "does not exist")
        )
    except OSError as exc:  # a name too long, a directory that cannot be entered
        problem = f"cannot be read ({exc.strerror or exc})"
    if problem:
        from solidna.cli._common import OptionValueError

        raise OptionValueError(f"'{path}' {problem}; {_PEAKS_EXAMPLE}.", ctx, param_hint="--peaks")


def _kinds(name: str, sep: str = "/", last: str = "/") -> str:
    kinds = OPTION_KINDS[name]
    return kinds[0] if len(kinds) == 1 else sep.join(kinds[:-1]) + last + kinds[-1]


def _for(name: str, text: str) -> str:
    """The help text of option ``name``, starting with the kinds it acts on (``"eis: ..."``)."""
    return f"{_kinds(name)}: {text}"


def refuse_options_of_other_kinds(ctx: typer.Context, kind: str) -> None:
    """Refuse the options the user typed that ``kind`` would ignore (:data:`OPTION_KINDS`,
    :data:`OPTION_NEEDS`); options left at their defaults are never refused.

    Raises
    ------
    click.UsageError
        Naming each such option, the kind given and the kinds the option acts on.
    """
    from typer._click.exceptions import UsageError

    params = {p.name: p for p in ctx.command.params}

    def flag(name: str) -> str:
        return "/".join([*params[name].opts, *params[name].secondary_opts])

    wrong = [n for n, kinds in OPTION_KINDS.items() if kind not in kinds and given(ctx, n)]
    if wrong:
        what = "; ".join(
            f"{flag(n)} applies to --kind {_kinds(n, ', ', ' or ')} only" for n in wrong
        )
        drop = "the option" if len(wrong) == 1 else "these options"
        raise UsageError(f"{what}; you gave --kind {kind}. Drop {drop} or change --kind.", ctx)
    for (name, for_kind), needed in OPTION_NEEDS.items():
        if kind == for_kind and given(ctx, name) and not ctx.params.get(needed):
            on, off = params[needed].opts[0], "/".join(params[needed].secondary_opts)
            state = f"and you gave {off}" if off else "which you did not give"
            raise UsageError(
                f"{flag(name)} acts with --kind {kind} only through {on}, {state}; give {on} "
                f"or drop {flag(name)}.",
                ctx,
            )


def register(root: typer.Typer) -> None:
    """Add the ``analyze`` command to the root app."""
    root.command("analyze")(analyze_command)


def _parse_pairs(
    items: list[str] | None, option: str, form: str, example: str, split_at_last: bool = False
) -> dict[str, str] | None:
    """The ``KEY=VALUE`` items of a repeatable option as a dict (None when none is given);
    ``split_at_last`` splits at the last ``=`` (a key that may hold one), else at the first (a
    value that may hold one)."""
    if not items:
        return None
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.rpartition("=") if split_at_last else item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidOptionError(
                f"{option} expects {form}, e.g. {option} {example}; got {item!r}."
            )
        out[key.strip()] = value.strip()
    return out


def parse_columns(items: list[str] | None) -> dict[str, str] | None:
    """``["time=t [min]", "voltage=E"]`` -> ``{"time": "t [min]", "voltage": "E"}``."""
    return _parse_pairs(items, "--column", "QUANTITY=COLUMN", "'time=Test time [min]'")


def parse_rsf(items: list[str] | None) -> dict[str, str] | None:
    """``["Sn 3d5/2=14.8"]`` -> ``{"Sn 3d5/2": "14.8"}`` (checked by the analysis)."""
    return _parse_pairs(items, "--rsf", "LEVEL=VALUE", "'Sn 3d5/2=14.8'", split_at_last=True)


def check_files(files: list[Path], ctx: typer.Context | None = None) -> list[Path]:
    """Refuse a missing file, a directory and a file given twice, naming the file; a quoted
    pattern that the shell did not expand (``'eis_*.mpt'``) is expanded here.

    Returns
    -------
    list of pathlib.Path
        The files, patterns replaced by the files they match (sorted).

    Raises
    ------
    typer.BadParameter
        With a message that says what is wrong with which file.
    """
    import glob

    expanded: list[Path] = []
    for path in files:
        text = str(path)
        if not path.exists() and glob.has_magic(text):
            matches = sorted(glob.glob(text))
            if not matches:
                raise typer.BadParameter(
                    f"'{path}' matches no file; check the pattern and the directory.",
                    ctx,
                    param_hint="FILE",
                )
            expanded.extend(Path(m) for m in matches)
        else:
            expanded.append(path)
    files = expanded
    seen: dict[Path, Path] = {}
    for path in files:
        if path.is_dir():
            raise typer.BadParameter(
                f"'{path}' is a directory, not a file; give the instrument files in it "
                f"(e.g. '{path}/*.mpr').",
                ctx,
                param_hint="FILE",
            )
        if not path.exists():
            raise typer.BadParameter(f"'{path}': no such file.", ctx, param_hint="FILE")
        key = path.resolve()
        if key in seen:
            same = "" if seen[key] == path else f" (as '{seen[key]}' and '{path}')"
            raise typer.BadParameter(
                f"'{path}' is given twice{same}; give each file once.", ctx, param_hint="FILE"
            )
        seen[key] = path
    return files


def _print_summary(summary: dict[str, Any], out: Path) -> None:
    from solidna.report.html import format_value

    table = Table(title=f"solidna analyze --kind {summary['kind']}")
    table.add_column("file / quantity", overflow="fold")
    table.add_column("value", justify="right", overflow="fold")

    # the full tables of fitted parameters are in summary.json and report.html
    skip = {"parameters", "standard errors", "units", "events"}

    def add(prefix: str, value: Any, depth: int = 0) -> None:
        if isinstance(value, dict) and depth < 4:
            for k, v in value.items():
                if k not in skip:
                    add(f"{prefix}.{k}" if prefix else str(k), v, depth + 1)
        elif not isinstance(value, (dict, list)):
            table.add_row(Text(prefix), Text(format_value(value)))

    add("", summary["results"])
    console.print(table)
    if summary.get("paper comparison"):
        comp = Table(title="Paper comparison")
        for col in ("id", "paper", "measured", "unit"):
            comp.add_column(col, overflow="fold")
        for c in summary["paper comparison"]:
            comp.add_row(
                Text(c["id"]),
                Text(format_value(c["paper"])),
                Text(format_value(c["measured"])),
                Text(str(c["unit"])),
            )
        console.print(comp)
    from solidna.cli import _option_words

    for note in summary.get("notes", []):
        # a note written for both ("give the area with area= / --area") keeps the CLI's part,
        # as an error does
        print_note(_option_words(note, None))
    console.print(
        Text(f"Wrote {len(summary['outputs'])} files into {out}/ (report.html, summary.json)"),
        soft_wrap=True,
    )


#: The options of the surface kinds only (:data:`OPTION_KINDS`), passed on to
#: solidna.analysis.surface_pipeline as one mapping.
_SURFACE_OPTIONS = tuple(
    name for name, kinds in OPTION_KINDS.items() if set(kinds) <= set(SURFACE_KINDS)
)


def _surface_options(kind: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """The surface options (of ``values``, the command's parameters) that act on ``kind``; the
    others, left at their defaults, are not passed. ``None`` for an electrochemical kind."""
    if kind not in SURFACE_KINDS:
        return None
    return {name: values[name] for name in _SURFACE_OPTIONS if kind in OPTION_KINDS[name]}


def _per_file(name: str, kind: Any, what: str, default: str = "") -> Any:
    help = _for(name, f"{what} (once for all files, or once per file){default}.")
    return Annotated[list[str] | None, quantity_option(option_flag(name), kind, help)]


def KeyValues(name: str, metavar: str, help: str) -> Any:  # noqa: N802 - used as a type
    """The annotation of a repeatable ``KEY=VALUE`` option (read by :func:`_parse_pairs`)."""
    opt = typer.Option(option_flag(name), metavar=metavar, help=_for(name, help))
    return Annotated[list[str] | None, opt]


def _quantity(name: str, kind: QuantityKind, help: str, bare_in_unit: bool = False) -> Any:
    """The annotation of an optional quantity option of some kinds."""
    parser = (_BareInUnit if bare_in_unit else QuantityType)(kind)
    opt = typer.Option(option_flag(name), parser=parser, metavar="QUANTITY", help=_for(name, help))
    return Annotated[str | None, opt]


def _option(name: str, type_: Any, help: str, **kwargs: Any) -> Any:
    """The annotation of a plain option of some kinds (``--flag/--no-flag`` for a switch)."""
    flag = option_flag(name)
    if type_ is bool:
        flag += f"/--no-{flag[2:]}"
    return Annotated[type_, typer.Option(flag, help=_for(name, help), **kwargs)]


def _choice(name: str, choice: AliasChoice, help: str) -> Any:
    return Annotated[str, choice_option(option_flag(name), choice, _for(name, help))]


@output_options(None, "tables, figures, summary.json and report.html")
def analyze_command(
    ctx: typer.Context,
    output: OutputOptions,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Instrument files, read only: the readers under --format (BioLogic, Neware, "
            "Arbin, Maccor, Gamry, ZPlot/ZView, CorrWare, VersaStudio, Parstat, PowerSuite, "
            "Autolab/NOVA, CHI, RelaxIS, PSTrace, Keysight 4294A, Ivium, Zahner), any CSV or "
            "text table, Excel workbooks (Neware, Landt); xps: VAMAS .vms/.npl, PHI "
            ".pro/.spe/MultiPak text, Omicron EIS, SPECS, Scienta, CasaXPS and Thermo Avantage "
            "exports; afm: JPK, Igor .ibw, AFM Workshop CSV, NanoScope text and .000 curves, "
            "afmformats "
            ".h5/.tab, force tables with units; topography: SurfaceTopography's formats "
            "(.di/.spm, .nid, .gwy, .x3p, ...), TopoStats .topostats, Gwyddion ASCII, Keyence, "
            "Wyko, Dektak profiles.",
        ),
    ],
    kind: Annotated[
        str,
        choice_option(
            "--kind",
            AliasChoice(KINDS, deprecated={"na_co2": "na-co2"}),
            "What the files are; also the part of a mixed file that is read (eis: the spectra, "
            "the others: the time series).",
        ),
    ],
    format: _option(
        "format",
        str | None,
        f"force a reader: {', '.join(READERS)} [default: detected from the content].",
        parser=_reader,
        metavar="READER",
    ) = None,
    sheet: _option(
        "sheet",
        str | None,
        "the data sheet of a workbook (.xlsx, .xls), by name or position from 0 [default: the "
        "sheet whose columns give the time series or spectrum].",
        parser=nonempty_text("Sheet1", "the sheet whose columns fit"),
        metavar="SHEET",
    ) = None,
    column: KeyValues(
        "column",
        "QUANTITY=COLUMN",
        "which column of the file holds a quantity (text tables, workbooks, EC-Lab .mpt/.mpr), "
        "e.g. --column 'time=t [min]' --column voltage=Ewe-Ece/V (quantities: time, "
        "voltage, current, current density, capacity, cycle, step, frequency, z_re, z_im, -z_im, "
        "|z|, phase, -phase).",
    ) = None,
    area: _per_file("area", CELL_AREA, "electrode area, e.g. 1 cm2, at most 10000 cm2") = None,
    mass: _per_file("mass", ACTIVE_MASS, "active mass for mAh/g, e.g. 0.5 mg, at most 1 kg") = None,
    thickness: _per_file(
        "thickness",
        ELECTROLYTE_THICKNESS,
        "electrolyte thickness for the conductivity (eis) and the model fits (symmetric "
        "--forecast, cv), e.g. 60 um, at most 1 cm",
        " [default: 60 um in the model fits]",
    ) = None,
    temperature: _per_file(
        "temperature",
        MEASURED_TEMPERATURE,
        "temperature, e.g. 25 degC (eis: one per file for an Arrhenius fit; symmetric: of "
        "the --forecast model fit; at most 1000 degC)",
        " [default: 25 degC in the fits]",
    ) = None,
    circuit: _option(
        "circuit",
        str | None,
        "impedance.py circuit [default: R0-p(R1,CPE1)].",
        parser=nonempty_text("R0-p(R1,CPE1)", "the default circuit R0-p(R1,CPE1)"),
        metavar="CIRCUIT",
    ) = None,
    anode: _choice(
        "anode",
        ANODE_CHOICE,
        "Na anode of the model fits (symmetric --forecast, cv): modified (M-Na, treated with "
        "1 M NaClO4 in FEC) or pristine; M-Na and bare are accepted too.",
    ) = "modified",
    forecast: _quantity(
        "forecast",
        DURATION,
        "fit the model and forecast until this time, e.g. 4000 h (at most 100000 h).",
    ) = None,
    forecast_samples: _option(
        "forecast_samples",
        int,
        "model runs for the --forecast band (1 to 1000).",
        parser=NumberType(
            "a whole number of model runs",
            "20",
            1,
            1000,
            whole=True,
            reason="each run is a full simulation of the forecast; 20 give a band",
        ),
        metavar="N",
    ) = 20,
    reference_cycle: _option(
        "reference_cycle",
        int | None,
        "cycle of 100 % retention [default: the first].",
        parser=NumberType("a whole cycle number", "2", 1, MAX_COUNT, whole=True),
        metavar="N",
    ) = None,
    ohmic_resistance: _quantity(
        "ohmic_resistance",
        AREA_RESISTANCE_MAX,
        "R_ohm from EIS held in the Butler-Volmer fit, e.g. 12 ohm*cm2 (at most 1e6 ohm*cm2).",
    ) = None,
    model_fit: _option("model_fit", bool, "also fit the symmetric-cell model.") = True,
    data: _option("data", bool, "write each file's tidy table as CSV.") = True,
    drt: _option(
        "drt",
        bool,
        "also the distribution of relaxation times of every spectrum (tables and a figure; "
        "several spectra: their evolution).",
    ) = False,
    keep_off_points: Annotated[
        bool,
        typer.Option(
            "--keep-off-points/--leave-out-off-points",
            help=_for(
                "keep_off_points",
                "keep the points that lie off a spectrum's continuous run (a |Z| jump no cell "
                "makes, or Z_re < 0; often the first point at the instrument's frequency limit) "
                "in the Kramers-Kronig check, the circuit fit, the high-frequency intercept and "
                "the DRT; a note names them either way [default: leave-out-off-points: left out, "
                "counted in eis_fits.csv].",
            ),
            show_default=False,
        ),
    ] = False,
    indenter: _choice(
        "indenter",
        AliasChoice(("paraboloid", "cone", "pyramid", "sphere", "dmt")),
        "Hertz paraboloid, Sneddon cone or sphere, Bilodeau pyramid, or DMT on the retract curve.",
    ) = "paraboloid",
    tip_radius: _quantity(
        "tip_radius",
        TIP_RADIUS,
        "tip radius (paraboloid, sphere, dmt), at most 1 mm [default: 10 um].",
    ) = None,
    half_angle: _quantity(
        "half_angle",
        ANGLE,
        "half opening angle of a cone or pyramid, e.g. 17.5 deg or 0.3 rad; a bare number is "
        "in deg [default: 17.5 deg].",
        bare_in_unit=True,
    ) = None,
    poisson: _option(
        "poisson",
        float,
        "Poisson ratio of the sample, dimensionless (0-0.5).",
        parser=NumberType(
            "a Poisson ratio",
            "0.3",
            0.0,
            0.5,
            reason="0.5 is an incompressible solid, the most a stable isotropic one reaches",
        ),
        metavar="RATIO",
    ) = 0.5,
    spring_constant: _quantity(
        "spring_constant",
        SPRING_CONSTANT,
        "cantilever spring constant, e.g. 0.1 N/m [default: the file's].",
    ) = None,
    sensitivity: _option(
        "sensitivity",
        str | None,
        "deflection sensitivity with its unit, e.g. 50 nm/V (AFM Workshop, deflection in V) "
        "or 20 nm/nA (NT-MDT Nova) [default: the file's].",
        metavar="QUANTITY",
        parser=nonempty_text("50 nm/V", "the file's"),
    ) = None,
    level: _choice(
        "level",
        AliasChoice(("none", "plane", "line")),
        "none (mean only), plane or line (a straight line per scan line).",
    ) = "plane",
    channel: _option(
        "channel",
        str | None,
        "the channel to read, by name or 0-based index, e.g. 'Total Profile' [default: the "
        "first height channel].",
        metavar="NAME",
        parser=nonempty_text("Total Profile", "the first height channel"),
    ) = None,
    charge_reference: _quantity(
        "charge_reference",
        BINDING_ENERGY,
        "binding energy of the C-C/C-H line of C 1s for the charge correction, e.g. 284.5 eV "
        "(the paper's); a bare number is in eV [default: 284.8 eV].",
        bare_in_unit=True,
    ) = None,
    workers: _option(
        "workers",
        int,
        f"processes fitting the curves, at most {_MAX_WORKERS} (4 per core).",
        parser=NumberType(
            "a whole number of processes",
            "2",
            1,
            _MAX_WORKERS,
            whole=True,
            reason=f"this machine has {os.cpu_count() or 1} cores",
        ),
        metavar="N",
    ) = 1,
    peaks: _option(
        "peaks",
        Path | None,
        "TOML file of start peaks per region ([[peak]] region, name, center, fwhm, shape, "
        "splitting, area_ratio, fwhm_like, ...) [default: prominent maxima].",
        parser=_peaks_file,
        metavar="FILE",
    ) = None,
    rsf: KeyValues(
        "rsf",
        "LEVEL=VALUE",
        "relative sensitivity factor (C 1s = 1) of a core level, added to or replacing the "
        "Scofield table, e.g. --rsf 'Sn 3d5/2=14.8' (repeat per level).",
    ) = None,
    sputter_rate: _quantity(
        "sputter_rate",
        SPUTTER_RATE,
        "sputter rate that turns the sputter time of a depth profile into depth, e.g. "
        "0.1 nm/s, at most 1000 nm/s [default: none, the profile is against sputter time].",
    ) = None,
    photon_energy: _quantity(
        "photon_energy",
        PHOTON_ENERGY,
        "photon energy that turns a text file's kinetic-energy axis into binding energy, e.g. "
        "1486.6 eV (Al K-alpha) or 1253.6 eV (Mg K-alpha); a bare number is in eV [default: the "
        "one the file states; VAMAS and PHI files keep their own].",
        bare_in_unit=True,
    ) = None,
    energy_axis: Annotated[
        str | None,
        choice_option(
            option_flag("energy_axis"),
            AliasChoice(ENERGY_AXES, aliases={"be": "binding", "ke": "kinetic"}),
            _for(
                "energy_axis",
                "what the energy column of a text export is when its header does not say: "
                "binding or kinetic energy (kinetic needs the photon energy, from the file or "
                "--photon-energy) [default: the header's, else binding, with a note; VAMAS and "
                "PHI files keep their own].",
            ),
        ),
    ] = None,
) -> None:
    """Analyse measured files: tables, summary.json, figures and a report.html in --out.

    An option whose help starts with kinds (e.g. "xps:") acts on those kinds only; given with
    another --kind it is refused.
    """
    from solidna.analysis.pipeline import analyze

    refuse_options_of_other_kinds(ctx, kind)
    check_peaks(peaks, ctx)
    files = check_files(files, ctx)
    with output.staged(protect=files), ProgressDisplay() as progress:
        summary = analyze(
            files,
            kind,
            output.out,
            output.force,
            progress,
            format=format,
            columns=parse_columns(column),
            sheet=sheet,
            area=area or None,
            mass=mass or None,
            thickness=thickness or None,
            temperature=temperature or None,
            circuit=circuit,
            anode=anode,
            forecast=forecast,
            forecast_samples=forecast_samples,
            reference_cycle=reference_cycle,
            ohmic_resistance=ohmic_resistance,
            model_fit=model_fit,
            write_data=data,
            drt=drt,
            keep_off_points=keep_off_points,
            surface=_surface_options(kind, {**ctx.params, "rsf": parse_rsf(rsf)}),
        )
    _print_summary(summary, output.out)
