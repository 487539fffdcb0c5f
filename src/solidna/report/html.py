"""The self-contained HTML report of a ``solidna reproduce`` run.

The page has no external resources: CSS is inline and every figure is embedded as a base64 PNG
data URI, so ``report.html`` can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "write_report",
    "render_report",
    "format_value",
    "format_tol",
    "format_pass",
    "summarize",
]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.citation { color: #444; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mark { text-align: center; font-weight: bold; }
tr.fail td { background: #fde2e1; }
tr.fail td.mark { color: #b00020; }
tr.pass td.mark { color: #1b7f3b; }
tr.null td { color: #777; }
tr.reference td { color: #555; background: #fafafa; }
.summary span { display: inline-block; margin-right: 1.5em; font-weight: bold; }
.summary .pass { color: #1b7f3b; } .summary .fail { color: #b00020; } .summary .null { color: #777; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-family: monospace; color: #444; }
code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.95em; }
"""


def format_value(value: Any, digits: int = 4) -> str:
    """Format a paper or model value for a table.

    Numbers get ``digits`` significant digits, booleans ``yes``/``no``, ``None`` an em dash and
    strings (such as ``'>2'``) are shown as they are.

    Parameters
    ----------
    value : Any
        The value.
    digits : int, default 4
        Significant digits for numbers.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> format_value(81.2345), format_value(True), format_value(None), format_value(">2")
    ('81.23', 'yes', '—', '>2')
    """
    if value is None:
        return "—"
    if isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
    ):
        return "yes" if bool(value) else "no"
    if isinstance(value, str):
        return value
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "—"
    if float(x).is_integer() and abs(x) < 10**digits:
        return str(int(x))
    return f"{x:.{digits}g}"


def format_tol(tol: Mapping[str, float] | None, unit: str = "") -> str:
    """Format a tolerance ``{"rel": 0.1}`` as ``±10 %`` and ``{"abs": 0.03}`` as ``±0.03 eV``.

    Examples
    --------
    >>> format_tol({"rel": 0.1}), format_tol({"abs": 0.03}, "eV"), format_tol({})
    ('±10 %', '±0.03 eV', '—')
    """
    if not tol:
        return "—"
    parts = []
    if "rel" in tol:
        parts.append(f"±{format_value(100 * float(tol['rel']), 3)} %")
    if "abs" in tol:
        suffix = f" {unit}" if unit and unit != "-" else ""
        parts.append(f"±{format_value(float(tol['abs']), 3)}{suffix}")
    return ", ".join(parts) if parts else "—"


def format_pass(entry: Mapping[str, Any]) -> str:
    """``✓`` for a pass, ``✗`` for a fail, ``—`` for a reference or a missing model value."""
    value = entry.get("pass")
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    return "—"


def summarize(results: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Count results by outcome.

    Returns
    -------
    dict
        ``pass``, ``fail`` and ``null`` (calibrate/validate without a model value) counts, and
        ``reference`` (entries with the role ``reference``).
    """
    counts = {"pass": 0, "fail": 0, "null": 0, "reference": 0}
    for r in results:
        if r.get("role") == "reference":
            counts["reference"] += 1
        elif r.get("pass") is True:
            counts["pass"] += 1
        elif r.get("pass") is False:
            counts["fail"] += 1
        else:
            counts["null"] += 1
    return counts


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _row_class(entry: Mapping[str, Any]) -> str:
    if entry.get("role") == "reference":
        return "reference"
    if entry.get("pass") is True:
        return "pass"
    if entry.get("pass") is False:
        return "fail"
    return "null"


def _results_table(results: list[Mapping[str, Any]]) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in ("id", "role", "paper", "model", "unit", "tolerance", "pass", "note")
    )
    rows = []
    for r in results:
        unit = str(r.get("unit", ""))
        rows.append(
            f'<tr class="{_row_class(r)}">'
            f'<td class="mono">{_e(r.get("id", ""))}</td>'
            f"<td>{_e(r.get('role', ''))}</td>"
            f'<td class="num">{_e(format_value(r.get("paper")))}</td>'
            f'<td class="num">{_e(format_value(r.get("model")))}</td>'
            f"<td>{_e(unit)}</td>"
            f'<td class="num">{_e(format_tol(r.get("tol"), unit))}</td>'
            f'<td class="mark">{format_pass(r)}</td>'
            f"<td>{_e(r.get('note', ''))}</td>"
            "</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _run_record(run: Mapping[str, Any]) -> str:
    if not run:
        return ""
    items = []
    for key in ("date", "prefixes", "python", "platform", "wall_time_s"):
        if key in run:
            value = run[key]
            if key == "prefixes":
                value = ", ".join(value) if value else "all"
            elif key == "wall_time_s":
                value = f"{float(value):.1f} s"
            items.append(f"<tr><th>{_e(key)}</th><td>{_e(value)}</td></tr>")
    for name, version in dict(run.get("packages", {})).items():
        items.append(f"<tr><th>{_e(name)}</th><td>{_e(version or 'not installed')}</td></tr>")
    pset = run.get("parameter_set")
    if isinstance(pset, Mapping):
        text = f"{pset.get('name', '')} (hash {str(pset.get('hash', ''))[:12]})"
        items.append(f"<tr><th>parameter set</th><td class='mono'>{_e(text)}</td></tr>")
    html_parts = [f"<table>{''.join(items)}</table>"]
    modules = run.get("modules") or []
    if modules:
        rows = []
        for m in modules:
            wall = m.get("wall_time_s")
            wall_text = f"{float(wall):.1f} s" if wall is not None else "—"
            status = m.get("status", "")
            if m.get("error"):
                status = f"{status}: {m['error']}"
            rows.append(
                f"<tr><td class='mono'>{_e(m.get('module', ''))}</td>"
                f"<td>{_e(', '.join(m.get('prefixes', [])))}</td>"
                f"<td>{_e(status)}</td><td class='num'>{_e(wall_text)}</td></tr>"
            )
        html_parts.append(
            "<table><thead><tr><th>figure module</th><th>prefixes</th><th>status</th>"
            f"<th>wall time</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(html_parts)


def _figure(stem: str, path: Path) -> str:
    try:
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    except OSError as exc:
        return (
            f"<figure><figcaption>{_e(stem)}: could not be read ({_e(exc)})</figcaption></figure>"
        )
    return (
        f'<figure id="fig-{_e(stem)}"><img alt="{_e(stem)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{_e(stem)}</figcaption></figure>'
    )


def render_report(
    reproduction: Mapping[str, Any],
    figures: Mapping[str, str | os.PathLike[str]] | None = None,
    notes: Iterable[str] = (),
) -> str:
    """Return the report page as an HTML string; see :func:`write_report`."""
    paper = dict(reproduction.get("paper", {}))
    results = list(reproduction.get("results", []))
    run = dict(reproduction.get("run", {}))
    version = reproduction.get("solidna_version", "")
    counts = summarize(results)
    doi = str(paper.get("doi", ""))
    doi_html = (
        f'<a href="https://doi.org/{_e(doi)}">doi:{_e(doi)}</a>' if doi else "DOI not recorded"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>solidna reproduction — {_e(paper.get('citation', ''))}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>solidna: in-silico reproduction</h1>",
        f'<p class="citation">{_e(paper.get("citation", ""))}. {doi_html}</p>',
        f"<p>solidna version <span class='mono'>{_e(version)}</span></p>",
        "<h2>Summary</h2>",
        '<p class="summary">'
        f'<span class="pass">{counts["pass"]} pass</span>'
        f'<span class="fail">{counts["fail"]} fail</span>'
        f'<span class="null">{counts["null"]} without model value</span>'
        f"<span>{counts['reference']} reference</span></p>",
        "<h2>Results</h2>",
        _results_table(results),
    ]
    if run:
        parts += ["<h2>Run record</h2>", _run_record(run)]
    figures = dict(figures or {})
    if figures:
        parts.append("<h2>Figures</h2>")
        parts += [_figure(stem, Path(path)) for stem, path in figures.items()]
    notes = [str(n) for n in notes if str(n).strip()]
    if notes:
        parts.append("<h2>Notes</h2><ul>")
        parts += [f"<li>{_e(n)}</li>" for n in notes]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(
    reproduction: Mapping[str, Any],
    figures: Mapping[str, str | os.PathLike[str]] | None,
    out_path: str | os.PathLike[str],
    notes: Iterable[str] = (),
) -> Path:
    """Write the self-contained HTML report of a reproduction run.

    Parameters
    ----------
    reproduction : mapping
        The content of ``reproduction.json`` (``paper``, ``solidna_version``, ``results`` and,
        optionally, the ``run`` record).
    figures : mapping of str to path
        Figure stem -> PNG file; embedded as base64 data URIs with the stem as caption.
    out_path : str or path-like
        The HTML file to write (overwritten).
    notes : iterable of str
        Free-form notes listed at the end (e.g. why a figure module failed).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(reproduction, figures, notes), encoding="utf-8")
    return out
