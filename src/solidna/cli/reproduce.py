"""``solidna reproduce``: the paper's numbers and figures, compared with the model.

A thin layer over :func:`solidna.reproduce.runner.reproduce`: progress with the time left while it
runs, then the table, the counts of fitted (calibrate) and predicted (validate) results apart,
and the files written. Exit status 0 when every calibrate/validate result run passes, 1
otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from solidna.cli._common import (
    Only,
    OutputOptions,
    ProgressDisplay,
    console,
    output_options,
    split_prefixes,
)

__all__ = ["register", "role_counts", "counts_text"]

#: The scored roles, with what they mean for a reader of the counts.
ROLES = {"calibrate": "calibrate (fitted)", "validate": "validate (predicted)"}


def register(root: typer.Typer) -> None:
    """Add the ``reproduce`` command to the root app."""
    root.command("reproduce")(reproduce)


def _pass_text(entry: Mapping[str, Any]) -> Text:
    value = entry.get("pass")
    if value is True:
        return Text("✓", style="green")
    if value is False:
        return Text("✗", style="bold red")
    return Text("—", style="dim")


#: Roles as the results table shows them below :data:`_NARROW` columns (so the ids fit).
SHORT_ROLES = {"calibrate": "cal", "validate": "val", "reference": "ref"}
_NARROW = 100


def _results_table(results: list[Mapping[str, Any]], narrow: bool = False) -> Table:
    """The results; ``narrow`` (a terminal below 100 columns) shortens the roles to
    :data:`SHORT_ROLES` so that the ids, which fold otherwise, keep their width."""
    from solidna.report.html import format_value

    table = Table(title="Reproduction", show_lines=False)
    # ids fold when the terminal is narrow; the short columns never do
    table.add_column("id", overflow="fold")
    table.add_column("role", no_wrap=True)
    table.add_column("paper", justify="right", no_wrap=True)
    table.add_column("model", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("pass", justify="center", no_wrap=True)
    for r in results:
        style = "red" if r.get("pass") is False else ("dim" if r.get("model") is None else None)
        table.add_row(
            Text(str(r.get("id", ""))),
            Text(SHORT_ROLES.get(r.get("role", ""), "") if narrow else str(r.get("role", ""))),
            Text(format_value(r.get("paper"))),
            Text(format_value(r.get("model"))),
            Text(str(r.get("unit", ""))),
            _pass_text(r),
            style=style,
        )
    return table


def role_counts(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Pass/fail/null counts per scored role, and the number of reference entries.

    Uses :func:`solidna.report.html.summarize` (``by_role``) when it provides them.
    """
    from solidna.report.html import summarize

    results = list(results)
    summary = summarize(results)
    by_role = summary.get("by_role")
    if by_role is None:
        by_role = {role: {"pass": 0, "fail": 0, "null": 0} for role in ROLES}
        for r in results:
            if r.get("role") in by_role:
                outcome = {True: "pass", False: "fail"}.get(r.get("pass"), "null")
                by_role[r["role"]][outcome] += 1
    reference = summary.get("reference", sum(r.get("role") == "reference" for r in results))
    return {"by_role": by_role, "reference": reference}


def counts_text(results: Iterable[Mapping[str, Any]]) -> str:
    """The headline counts, a line per role (each within 80 columns)::

    calibrate (fitted): 19/19 pass
    validate (predicted): 20/24 pass, 4 fail (prediction 5/9, consistency 15/15)
    21 reference
    """
    results = list(results)
    counts = role_counts(results)
    lines = []
    for role, label in ROLES.items():
        c = counts["by_role"].get(role, {"pass": 0, "fail": 0, "null": 0})
        total = c["pass"] + c["fail"] + c["null"]
        text = f"{label}: {c['pass']}/{total} pass"
        if c["fail"]:
            text += f", {c['fail']} fail"
        if c["null"]:
            text += f", {c['null']} without model value"
        # validate split as the report's headline splits it (targets/validation.yaml)
        by_kind = summarize_kinds(results) if role == "validate" else []
        if by_kind:
            text += f" ({', '.join(by_kind)})"
        lines.append(text)
    lines.append(f"{counts['reference']} reference")
    return "\n".join(lines)


def summarize_kinds(results: Iterable[Mapping[str, Any]]) -> list[str]:
    """``["prediction 9/10", "consistency 14/14"]``: validate results passed per kind."""
    from solidna.report.html import summarize

    kinds = summarize(list(results)).get("by_kind", {})
    return [f"{kind} {c['pass']}/{sum(c.values())}" for kind, c in kinds.items() if sum(c.values())]


@output_options("results", "reproduction.json, report.html and figures/")
def reproduce(output: OutputOptions, only: Only = None) -> None:
    """Reproduce the paper's numbers and figures: reproduction.json, report.html, figures/*.png.

    Exit status 0 when every calibrate/validate result that was run passes, 1 otherwise.
    """
    from solidna.reproduce.runner import exit_code
    from solidna.reproduce.runner import reproduce as run_reproduce

    with output.staged(), ProgressDisplay() as progress:
        result = run_reproduce(split_prefixes(only), output.out, output.force, progress)

    narrow = console.width < _NARROW
    console.print(_results_table(result["results"], narrow))
    if narrow:
        console.print(
            Text("role: cal = calibrate (fitted), val = validate (predicted), ref = reference")
        )
    console.print(counts_text(result["results"]))
    for m in result.get("run", {}).get("modules", []):
        if m.get("status") == "error":
            console.print(
                Text(f"figure module {m['module']} failed: {m.get('error')}", style="red"),
                soft_wrap=True,
            )
        elif m.get("status") == "missing":
            console.print(Text(f"figure module {m['module']} is not available yet", style="dim"))
    outputs = result.get("run", {}).get("outputs", {})
    console.print("Wrote:")
    for name in outputs.get("files", []):
        console.print(Text(f"  {output.out / name}"), soft_wrap=True)  # keep paths copyable
    raise typer.Exit(exit_code(result))
