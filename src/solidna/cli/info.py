"""``solidna parameters``, ``solidna targets`` and ``solidna version``: what the package knows.

Both tables fit 80 columns in ``--format table`` (the long columns fold; the notes and
quantities are in ``--format csv`` and ``--format json``, which print every column for programs).
"""

from __future__ import annotations

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
    """A rich table of ``frame``'s ``columns`` (name -> justify), the index first."""
    from solidna.report.html import format_value

    table = Table(title=title, title_justify="left")
    table.add_column(index, overflow="fold", ratio=3)
    for name, justify in columns.items():
        table.add_column(name, justify=justify, overflow="fold")
    for key, row in frame.iterrows():
        cells = [Text(str(key))]
        for name in columns:
            value = row[name]
            if name in ("value", "± 1 sd"):
                text = format_value(None if value is None or value != value else value, 6)
            else:
                text = str(value)
            cells.append(Text(text))
        table.add_row(*cells)
    return table


def parameters(
    set_name: Annotated[
        str, typer.Option("--set", help="Name of the parameter set, e.g. lu2019.")
    ] = "lu2019",
    fmt: Format = TableFormat.table,
) -> None:
    """Show a parameter set with the provenance of every entry."""
    from solidna.parameters import ParameterSet

    pset = ParameterSet.load(set_name)
    if len(pset) == 0:
        console.print(f"Parameter set {set_name!r} has no entries yet.")
        return
    frame = pset.provenance().rename(columns={"uncertainty": "± 1 sd"})
    shown = {"value": "right", "± 1 sd": "right", "unit": "left", "method": "left"}
    shown["source"] = "left"
    if console.width >= _WIDE:
        shown["note"] = "left"
    title = f"Parameter set {pset.name} (hash {pset.hash()[:12]})"
    print_frame(frame, fmt, lambda: _table(title, frame, shown, "name"))
    if fmt is TableFormat.table and "note" not in shown:
        console.print(Text("Notes on every value: solidna parameters --format csv", style="dim"))


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
                "figure": t.figure,
                "quantity": t.quantity,
            }
            for t in selected
        ]
    ).set_index("id")
    paper = paper_info()
    shown = {"role": "left", "value": "right", "unit": "left", "tol": "right", "figure": "left"}
    if console.width >= _WIDE:  # on a narrow terminal the ids must not fold; --format csv has all
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
