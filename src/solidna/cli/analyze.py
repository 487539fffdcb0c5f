"""``solidna analyze FILE... --kind KIND --out DIR``: a thin layer over :func:`solidna.analysis.pipeline.analyze`.

The files are checked here first (each must exist, be a file and be given once), so that a
mistake is named before anything is read; the results appear in ``--out`` only when the analysis
succeeds, and an input file inside ``--out`` is never replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import (
    AREA,
    AREA_RESISTANCE,
    DURATION,
    MASS,
    TEMPERATURE,
    THICKNESS,
    AliasChoice,
    Anode,
    Count,
    OutputOptions,
    ProgressDisplay,
    Switch,
    choice_option,
    console,
    output_options,
    quantity_option,
)
from solidna.errors import InvalidOptionError

__all__ = ["register", "parse_columns", "parse_rsf", "check_files", "KINDS"]

#: What the files can be (``--kind``); ``na_co2`` is the old spelling of ``na-co2``.
#: The surface kinds (solidna.analysis.surface_pipeline.SURFACE_KINDS; written out here so that
#: the command line starts without importing the analysis package).
SURFACE_KINDS = ("xps", "afm-force", "afm-map", "topography")
KINDS = ("symmetric", "eis", "cv", "na-co2", "nvp") + SURFACE_KINDS


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
    """Refuse a missing file, a directory and a file given twice, naming the file.

    Raises
    ------
    typer.BadParameter
        With a message that says what is wrong with which file.
    """
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
    for note in summary.get("notes", []):
        console.print(Text(f"note: {note}", style="dim"), soft_wrap=True)
    console.print(
        Text(f"Wrote {len(summary['outputs'])} files into {out}/ (report.html, summary.json)"),
        soft_wrap=True,
    )


def _per_file(flag: str, kind: Any, what: str) -> Any:
    return quantity_option(flag, kind, f"{what} (once for all files, or once per file).")


def KeyValues(flag: str, metavar: str, help: str) -> Any:  # noqa: N802 - used as a type
    """The annotation of a repeatable ``KEY=VALUE`` option (read by :func:`_parse_pairs`)."""
    return Annotated[list[str] | None, typer.Option(flag, metavar=metavar, help=help)]


@output_options(None, "tables, figures, summary.json and report.html")
def analyze_command(
    ctx: typer.Context,
    output: OutputOptions,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Instrument files, read only (BioLogic, Neware, Arbin, Maccor, Gamry, ZPlot, "
            "VersaStudio, Parstat, PowerSuite, Autolab, CHI, CSV; xps: VAMAS .vms/.npl, PHI "
            ".pro, text; afm: JPK, Igor .ibw, AFM Workshop CSV; topography: .di/.spm, .nid, "
            ".gwy).",
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
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Force a reader: biologic-mpr, biologic-mpt, neware, neware-csv, arbin, maccor, "
            "gamry-eis, zplot-eis, versastudio-eis, parstat, powersuite-eis, autolab-eis, "
            "chi-eis, csv [default: detected from the content].",
        ),
    ] = None,
    column: KeyValues(
        "--column",
        "QUANTITY=COLUMN",
        "CSV column mapping, e.g. --column 'time=t [min]' --column voltage=E (quantities: time, "
        "voltage, current, current density, capacity, cycle, step, frequency, z_re, z_im, -z_im).",
    ) = None,
    area: Annotated[
        list[str] | None, _per_file("--area", AREA, "Electrode area, e.g. 1 cm2")
    ] = None,
    mass: Annotated[
        list[str] | None, _per_file("--mass", MASS, "Active mass for mAh/g, e.g. 0.5 mg")
    ] = None,
    thickness: Annotated[
        list[str] | None, _per_file("--thickness", THICKNESS, "Electrolyte thickness, e.g. 60 um")
    ] = None,
    temperature: Annotated[
        list[str] | None,
        _per_file(
            "--temperature",
            TEMPERATURE,
            "Temperature, e.g. 25 degC; eis: one per file for an Arrhenius fit",
        ),
    ] = None,
    circuit: Annotated[
        str | None,
        typer.Option("--circuit", help="eis: impedance.py circuit [default: R0-p(R1,CPE1)]."),
    ] = None,
    anode: Anode = "modified",
    forecast: Annotated[
        str | None,
        quantity_option(
            "--forecast",
            DURATION,
            "symmetric: fit the model and forecast until this time, e.g. 4000 h (at most 100000 h).",
        ),
    ] = None,
    forecast_samples: Count(
        "--forecast-samples", "symmetric: model runs for the forecast band."
    ) = 20,
    reference_cycle: Annotated[
        int | None,
        typer.Option(
            "--reference-cycle",
            min=1,
            help="na-co2/nvp: cycle of 100 % retention [default: the first].",
        ),
    ] = None,
    ohmic_resistance: Annotated[
        str | None,
        quantity_option(
            "--ohmic-resistance",
            AREA_RESISTANCE,
            "cv: R_ohm from EIS held in the Butler-Volmer fit, e.g. 12 ohm*cm2.",
        ),
    ] = None,
    model_fit: Switch(
        "--model-fit/--no-model-fit", "cv: also fit the symmetric-cell model."
    ) = True,
    data: Switch("--data/--no-data", "Write each file's tidy table as CSV.") = True,
    drt: Switch(
        "--drt/--no-drt",
        "eis: also the distribution of relaxation times of every spectrum (tables and a figure; "
        "several spectra: their evolution).",
    ) = False,
    indenter: Annotated[
        str,
        choice_option(
            "--indenter",
            AliasChoice(("paraboloid", "cone", "pyramid", "sphere", "dmt")),
            "afm-force/afm-map: Hertz paraboloid, Sneddon cone or sphere, Bilodeau pyramid, or "
            "DMT on the retract curve.",
        ),
    ] = "paraboloid",
    tip_radius: Annotated[
        str | None,
        quantity_option(
            "--tip-radius", THICKNESS, "afm: tip radius (paraboloid, sphere, dmt) [default: 10 um]."
        ),
    ] = None,
    half_angle: Annotated[
        float,
        typer.Option("--half-angle", help="afm: half opening angle of a cone/pyramid in degrees."),
    ] = 17.5,
    poisson: Annotated[
        float, typer.Option("--poisson", help="afm: Poisson ratio of the sample (0-0.5).")
    ] = 0.5,
    level: Annotated[
        str,
        choice_option(
            "--level",
            AliasChoice(("none", "plane", "line")),
            "topography: none (mean only), plane or line (a straight line per scan line).",
        ),
    ] = "plane",
    charge_reference: Annotated[
        float,
        typer.Option(
            "--charge-reference",
            help="xps: binding energy of the C-C/C-H line in eV (the paper uses 284.5).",
        ),
    ] = 284.8,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="afm-map: processes fitting the curves.")
    ] = 1,
    peaks: Annotated[
        Path | None,
        typer.Option(
            "--peaks",
            help="xps: TOML file of start peaks per region ([[peak]] region, name, center, "
            "fwhm, shape, splitting, area_ratio, fwhm_like, ...) [default: prominent maxima].",
        ),
    ] = None,
    rsf: KeyValues(
        "--rsf",
        "LEVEL=VALUE",
        "xps: relative sensitivity factor (C 1s = 1) of a core level, added to or replacing the "
        "Scofield table, e.g. --rsf 'Sn 3d5/2=14.8' (repeat per level).",
    ) = None,
    sputter_rate: Annotated[
        str | None,
        typer.Option(
            "--sputter-rate", help="xps depth profiles: sputter rate for depth, e.g. '0.1 nm/s'."
        ),
    ] = None,
) -> None:
    """Analyse measured files: tables, summary.json, figures and a report.html in --out."""
    from solidna.analysis.pipeline import analyze

    check_files(files, ctx)
    with output.staged(protect=files), ProgressDisplay() as progress:
        summary = analyze(
            files,
            kind,
            output.out,
            output.force,
            progress,
            format=format,
            columns=parse_columns(column),
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
            surface={
                "indenter": indenter,
                "tip_radius": tip_radius,
                "half_angle": half_angle,
                "poisson": poisson,
                "level": level,
                "charge_reference": charge_reference,
                "workers": workers,
                "peaks": peaks,
                "sputter_rate": sputter_rate,
                "rsf": parse_rsf(rsf),
            }
            if kind in SURFACE_KINDS
            else None,
        )
    _print_summary(summary, output.out)
