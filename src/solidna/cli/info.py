"""``solidna parameters``, ``solidna targets`` and ``solidna version``: what the package knows.

Both tables fit 80 columns in ``--format table`` (the long columns fold; the notes and
quantities are in ``--format csv`` and ``--format json``, which print every column for programs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import Format, Only, TableFormat, console, print_frame, split_prefixes

__all__ = ["register"]

# below this width the table leaves out the long prose columns (they stay in csv/json)
_WIDE = 120


def register(root: typer.Typer) -> None:
    """Add ``parameters``, ``targets`` and ``version`` to the root app."""
    root.command("parameters")(parameters)
    root.command("targets")(targets)
    root.command("version")(version)


def _table(title: str, frame, columns: dict[str, str], index: str) -> Table:
    """A rich table of ``frame``'s ``columns`` (name -> justify), the index first.

    The ids and names are what a reader looks up, so they fold last: every other column is
    held to its widest cell, and the index gets what is left of the terminal (at least 16
    columns, so a narrow terminal folds the short columns instead). Numbers show 5 significant
    digits below :data:`_WIDE` columns."""
    from solidna.report.html import format_value

    rows = []
    for key, row in frame.iterrows():
        cells = [str(key)]
        for name in columns:
            value = row[name]
            if name in ("value", "± 1 sd"):
                shown = None if value is None or value != value else value
                cells.append(format_value(shown, 6 if console.width >= _WIDE else 5))
            else:
                cells.append(str(value))
        rows.append(cells)
    headers = [index, *columns]
    widest = [max([len(h), *(len(r[k]) for r in rows)]) for k, h in enumerate(headers)]
    frame_width = 3 * len(headers) + 1  # borders and one space each side of every cell
    room = console.width - frame_width - sum(widest[1:])
    table = Table(title=title, title_justify="left")
    table.add_column(index, overflow="fold", min_width=max(16, min(widest[0], room)))
    for (name, justify), width in zip(columns.items(), widest[1:], strict=True):
        table.add_column(name, justify=justify, overflow="fold", max_width=width)
    for cells in rows:
        table.add_row(*(Text(c) for c in cells))
    return table


def parameters(
    set_name: Annotated[
        str, typer.Option("--set", help="Name of the parameter set, e.g. lu2019.")
    ] = "lu2019",
    fmt: Format = TableFormat.table,
) -> None:
    """Show a parameter set with the provenance of every entry."""
    from solidna.parameters import ParameterSet

    if not set_name.strip():
        from solidna.errors import InvalidOptionError

        raise InvalidOptionError(
            "--set: an empty name names no parameter set; give one, e.g. --set lu2019 (the "
            "default), or a folder written by ParameterSet.save."
        )
    pset = ParameterSet.load(set_name)
    if len(pset) == 0:
        console.print(f"Parameter set {set_name!r} has no entries yet.")
        return
    # csv/json keep the ASCII column name of ParameterSet.provenance() for scripts to read
    frame = pset.provenance()
    shown = {"value": "right", "± 1 sd": "right", "unit": "left", "method": "left"}
    if console.width >= _WIDE:  # on a narrow terminal the names must not fold letter by letter
        shown["source"] = "left"
        shown["note"] = "left"
    title = f"Parameter set {pset.name} (hash {pset.hash()[:12]})"
    table_frame = frame.rename(columns={"uncertainty": "± 1 sd"})
    print_frame(frame, fmt, lambda: _table(title, table_frame, shown, "name"))
    if fmt is TableFormat.table and "note" not in shown:
        console.print(
            Text("Sources and notes of every value: solidna parameters --format csv", style="dim")
        )


def _tol_number(tol: Mapping[str, float] | None, key: str) -> float | None:
    """The ``rel`` (fraction [-]) or ``abs`` (in the target's unit) part of a tolerance, or
    None (an empty CSV cell, JSON null) when the target has none."""
    return float(tol[key]) if tol and key in tol else None


def targets(only: Only = None, fmt: Format = TableFormat.table) -> None:
    """List the paper's targets: id, role, kind (validate: prediction or consistency), value,
    unit, tolerance, figure and quantity."""
    import pandas as pd

    from solidna.report.html import format_tol
    from solidna.reproduce.runner import check_prefixes
    from solidna.targets import load_targets, paper_info, validation_kind

    selected = load_targets(check_prefixes(split_prefixes(only)))
    frame = pd.DataFrame(
        [
            {
                "id": t.id,
                "role": t.role,
                # validate targets only: prediction or consistency (targets/validation.yaml)
                "kind": getattr(validation_kind(t.id), "kind", ""),
                "value": t.value,
                "unit": t.unit,
                "tol": format_tol(t.tol, t.unit),
                # "±10 %" is for people; programs reading --format csv/json get the numbers
                # (targets.yaml: tol.rel is a fraction, tol.abs is in the target's unit)
                "tol_rel": _tol_number(t.tol, "rel"),
                "tol_abs": _tol_number(t.tol, "abs"),
                "figure": t.figure,
                "quantity": t.quantity,
            }
            for t in selected
        ]
    ).set_index("id")
    paper = paper_info()
    # on a narrow terminal the figure is left out: the id starts with it (fig5d.overpotential.50)
    shown = {"role": "left", "value": "right", "unit": "left", "tol": "right"}
    if console.width >= _WIDE:
        shown["figure"] = "left"  # --format csv has every column
        shown = {"role": "left", "kind": "left", **{k: v for k, v in shown.items() if k != "role"}}
        shown["quantity"] = "left"
    title = f"Targets of {paper.get('citation', '')} (doi:{paper.get('doi', '')})"
    print_frame(frame, fmt, lambda: _table(title, frame, shown, "id"))
    if fmt is TableFormat.table:
        console.print(f"{len(selected)} targets")


def version() -> None:
    """Print the solidna version (the same as solidna --version)."""
    from solidna import __version__

    console.print(f"solidna {__version__}")
