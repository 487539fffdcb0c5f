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

from solidna._docstrings import fill_doc
from solidna.errors import InvalidOptionError
from solidna.io_utils import write_text
from solidna.report.notes import Note

__all__ = [
    "CSS",
    "figure_html",
    "write_report",
    "render_report",
    "format_value",
    "format_tol",
    "format_pass",
    "summarize",
    "is_missed",
    "explanations",
    "ROLE_LABELS",
    "KIND_LABELS",
    "validation_kind_of",
]

#: The scored roles, as the headline names them.
ROLE_LABELS: dict[str, str] = {
    "calibrate": "calibrate (fitted to the paper's number)",
    "validate": "validate (predicted, not fitted)",
}
#: What a validate result tests (solidna.targets.validation_kind), as the headline names them.
KIND_LABELS: dict[str, str] = {
    "prediction": "validate: prediction (needs what no calibration fixed)",
    "consistency": "validate: consistency (follows from the calibrated numbers and the model's form)",
    "unlabelled": "validate: not labelled",
}

#: The style sheet of every solidna HTML page (reproduction, analysis and sweep reports).
CSS = """
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
table.summary td { text-align: right; font-weight: bold; min-width: 4em; }
table.summary td.pass { color: #1b7f3b; } table.summary td.fail { color: #b00020; }
table.summary td.null { color: #777; }
td.mark a { font-weight: normal; font-size: 0.85em; margin-left: 0.3em; }
ul.misses li { margin-bottom: 0.5em; }
ul.misses li.gap { color: #b00020; }
ol.notes li { margin-bottom: 0.4em; }
:target { background: #fff6c4; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #333; max-width: 60em; }
figcaption .stem { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: bold; }
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

    Parameters
    ----------
    tol : mapping or None
        ``{"rel": fraction [-]}`` and/or ``{"abs": value [unit]}``.
    unit : str, optional
        Unit of an absolute tolerance.

    Returns
    -------
    str
        The formatted tolerance, ``—`` when there is none.

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
        parts.append(f"±{format_value(float(tol['abs']), 3)}{_unit_suffix(unit)}")
    return ", ".join(parts) if parts else "—"


@fill_doc
def format_pass(entry: Mapping[str, Any]) -> str:
    """``✓`` for a pass, ``✗`` for a fail, ``—`` for a reference or a missing model value.

    %(Parameters: result_entry)s

    Returns
    -------
    str
        The mark.
    """
    value = entry.get("pass")
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    return "—"


def summarize(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Count results by outcome, overall and per scored role.

    Parameters
    ----------
    results : iterable of mapping
        The ``results`` entries of ``reproduction.json``.

    Returns
    -------
    dict
        ``pass``, ``fail`` and ``null`` (calibrate/validate without a model value) counts over
        both scored roles, ``reference`` (entries with the role ``reference``), and ``by_role``:
        ``{"calibrate": {"pass": n, "fail": n, "null": n}, "validate": {...}}``, so that the
        fitted numbers (calibrate) are never read as predictions (validate); and ``by_kind``,
        the validate results split into ``prediction`` and ``consistency`` (and
        ``unlabelled`` when a result has no kind), so that a number that follows from the
        calibration is never read as a prediction either.

    Examples
    --------
    >>> counts = summarize([{"role": "validate", "pass": False}, {"role": "reference"}])
    >>> counts["fail"], counts["reference"], counts["by_role"]["validate"]["fail"]
    (1, 1, 1)
    """
    from solidna.targets import VALIDATION_KINDS

    by_role = {role: {"pass": 0, "fail": 0, "null": 0} for role in ROLE_LABELS}
    by_kind = {kind: {"pass": 0, "fail": 0, "null": 0} for kind in VALIDATION_KINDS}
    counts: dict[str, Any] = {"pass": 0, "fail": 0, "null": 0, "reference": 0}
    for r in results:
        role = r.get("role")
        if role == "reference":
            counts["reference"] += 1
            continue
        outcome = _row_class(r)
        counts[outcome] += 1
        if role in by_role:
            by_role[role][outcome] += 1
        if role == "validate":
            kind = validation_kind_of(r) or "unlabelled"
            by_kind.setdefault(kind, {"pass": 0, "fail": 0, "null": 0})[outcome] += 1
    counts["by_role"] = by_role
    counts["by_kind"] = by_kind
    return counts


@fill_doc
def validation_kind_of(entry: Mapping[str, Any]) -> str | None:
    """``prediction`` or ``consistency`` for a validate result: its own ``kind`` when the entry
    carries one, else the kind of its target id (``targets/validation.yaml``; ``solidna
    reproduce`` writes no kind into its entries).

    %(Parameters: result_entry)s

    Returns
    -------
    str or None
        The validation kind, or ``None`` when unlabelled.
    """
    if entry.get("kind"):
        return str(entry["kind"])
    from solidna.targets import validation_kind

    label = validation_kind(str(entry.get("id", "")))
    return None if label is None else label.kind


@fill_doc
def is_missed(entry: Mapping[str, Any]) -> bool:
    """Whether a result is a miss: it fails, or it has no model value (any role).

    %(Parameters: result_entry)s

    Returns
    -------
    bool
        True for a miss.
    """
    return entry.get("pass") is False or entry.get("model") is None


def _as_note(note: str) -> Note:
    return note if isinstance(note, Note) else Note(note)


def explanations(
    results: Iterable[Mapping[str, Any]], notes: Iterable[str] = ()
) -> dict[str, tuple[str, list[int]]]:
    """The explanation of every missed result: its own note and the report notes about it.

    Parameters
    ----------
    results : iterable of mapping
        The ``results`` entries of ``reproduction.json``.
    notes : iterable of str or Note
        The report's notes, in order; a :class:`~solidna.report.notes.Note` names the targets
        it explains.

    Returns
    -------
    dict
        Missed target id -> (the result's note, indices into ``notes`` of the notes about it).
        An entry whose note is empty and whose index list is empty has no explanation: a gap to
        fill in the figure module, never to paper over in the report.
    """
    note_list = [_as_note(n) for n in notes]
    out: dict[str, tuple[str, list[int]]] = {}
    for r in results:
        if not is_missed(r):
            continue
        tid = str(r.get("id", ""))
        related = [k for k, n in enumerate(note_list) if n.explains(tid)]
        out[tid] = (str(r.get("note") or "").strip(), related)
    return out


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


def _why_anchor(target_id: str) -> str:
    return f"why-{target_id}"


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
            f"<td>{_role_cell(r)}</td>"
            f'<td class="num">{_e(format_value(r.get("paper")))}</td>'
            f'<td class="num">{_e(format_value(r.get("model")))}</td>'
            f"<td>{_e(unit)}</td>"
            f'<td class="num">{_e(format_tol(r.get("tol"), unit))}</td>'
            f'<td class="mark">{format_pass(r)}{_why_link(r)}</td>'
            f"<td>{_e(r.get('note', ''))}</td>"
            "</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _role_cell(entry: Mapping[str, Any]) -> str:
    """The role, and for a validate result its kind with the reason (prediction/consistency)."""
    role = _e(entry.get("role", ""))
    kind = validation_kind_of(entry) if entry.get("role") == "validate" else None
    if not kind:
        return role
    why = entry.get("why")
    if why is None:
        from solidna.targets import validation_kind

        label = validation_kind(str(entry.get("id", "")))
        why = label.why if label else ""
    return f'{role}: <b>{_e(kind)}</b><br><small class="why">{_e(why)}</small>'


def _why_link(entry: Mapping[str, Any]) -> str:
    if not is_missed(entry):
        return ""
    return f'<a href="#{_e(_why_anchor(str(entry.get("id", ""))))}">why?</a>'


def _headline(counts: Mapping[str, Any]) -> str:
    """The summary: calibrate, validate predictions and validate consistency checks counted
    apart (a fitted number that passes says nothing about the model's predictive power, and one
    that follows from the fitted numbers says little more), and the reference entries."""
    head = "<tr><th></th><th>pass</th><th>fail</th><th>without model value</th></tr>"
    groups = [(ROLE_LABELS["calibrate"], counts["by_role"]["calibrate"])]
    groups += [
        (KIND_LABELS.get(kind, kind), c)
        for kind, c in counts["by_kind"].items()
        if kind != "unlabelled" or sum(c.values())
    ]
    rows = [
        f"<tr><th>{_e(label)}</th>"
        + "".join(f'<td class="{k}">{c[k]}</td>' for k in ("pass", "fail", "null"))
        + "</tr>"
        for label, c in groups
    ]
    pred, cons = counts["by_kind"]["prediction"], counts["by_kind"]["consistency"]
    unlabelled = sum(counts["by_kind"].get("unlabelled", {}).values())
    cal = counts["by_role"]["calibrate"]
    return (
        f'<p class="headline"><b>Predictions: {pred["pass"]} of {sum(pred.values())} pass</b> '
        "(validate results that need something no calibration fixed). Consistency checks: "
        f"{cons['pass']} of {sum(cons.values())} pass (validate results that follow from the "
        "calibrated numbers and the model's form). Fitted numbers (calibrate): "
        f"{cal['pass']} of {sum(cal.values())} pass. "
        + (f"{unlabelled} validate results without a kind. " if unlabelled else "")
        + f"{counts['reference']} reference entries (the paper's data, not scored).</p>"
        f'<table class="summary"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _calibrated_table(rows: list[Mapping[str, Any]]) -> str:
    """Each fitted parameter with its 1-sd uncertainty (linearised at the optimum, the targets'
    tolerances read as one standard uncertainty) and the routine and targets that fix it."""
    head = "".join(
        f"<th>{h}</th>"
        for h in ("parameter", "value", "± 1 sd", "unit", "x/÷ factor", "routine: targets")
    )
    body = []
    for r in rows:
        u, ul = r.get("uncertainty"), r.get("uncertainty_log")
        finite = u is not None and math.isfinite(float(u))
        unc = format_value(u, 2) if finite else ("not determined" if u is not None else "—")
        factor = (
            format_value(math.exp(min(float(ul), 700)), 3)
            if ul is not None and math.isfinite(float(ul))
            else "—"
        )
        routine = str(r.get("routine", "")).rsplit(".", 1)[-1]
        body.append(
            f"<tr><td>{_e(r.get('name', ''))}</td>"
            f'<td class="num">{_e(format_value(r.get("value")))}</td>'
            f'<td class="num">{_e(unc)}</td><td>{_e(r.get("unit", ""))}</td>'
            f'<td class="num">{_e(factor)}</td>'
            f"<td><span class='mono'>{_e(routine)}</span>: "
            f"{_e(', '.join(r.get('targets', [])))}</td></tr>"
        )
    return (
        "<p>Each fitted value with its standard uncertainty, linearised at the optimum from the "
        "targets' tolerances (read as one standard uncertainty of the paper's numbers); the "
        "factor is exp(sd of ln value). The bands in the figures propagate these "
        "uncertainties, with their correlations, to the predictions.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _unit_suffix(unit: str) -> str:
    return f" {unit}" if unit and unit != "-" else ""


def _misses(results: list[Mapping[str, Any]], notes: list[Note]) -> str:
    """One item per explanation, with an anchor for every missed result it explains."""
    groups: dict[tuple[str, tuple[int, ...]], list[Mapping[str, Any]]] = {}
    by_id = {str(r.get("id", "")): r for r in results}
    for tid, (text, related) in explanations(results, notes).items():
        groups.setdefault((text, tuple(related)), []).append(by_id[tid])
    if not groups:
        return ""
    items = []
    for (text, related), entries in groups.items():
        anchors = "".join(
            f'<span id="{_e(_why_anchor(str(r.get("id", ""))))}"></span>' for r in entries
        )
        ids = ", ".join(
            f'<span class="mono">{_e(r.get("id", ""))}</span> ({_e(r.get("role", ""))}, paper '
            f"{_e(format_value(r.get('paper')))}, model {_e(format_value(r.get('model')))}"
            f"{_e(_unit_suffix(r.get('unit', '')))})"
            for r in entries
        )
        parts = [f"{anchors}{ids}."]
        if text:
            parts.append(f" {_e(text)}.")
        if related:
            links = ", ".join(f'<a href="#note-{k + 1}">note {k + 1}</a>' for k in related)
            parts.append(f" Explained in {links}: " + " ".join(_e(notes[k].text) for k in related))
        css = ""
        if not text and not related:
            parts.append(" No explanation recorded.")
            css = ' class="gap"'
        items.append(f"<li{css}>{''.join(parts)}</li>")
    return "<ul class='misses'>" + "".join(items) + "</ul>"


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


def figure_html(stem: str, path: Path, caption: str = "") -> str:
    """A ``<figure>`` with the PNG at ``path`` embedded as a base64 data URI and its caption.

    Parameters
    ----------
    stem : str
        The figure's file stem, shown as its label.
    path : Path
        The PNG file; one that cannot be read gives a figure that says so.
    caption : str
        Text shown beneath the figure.
    """
    label = f'<span class="stem">{_e(stem)}</span>'
    try:
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    except OSError as exc:
        return f"<figure><figcaption>{label}: could not be read ({_e(exc)})</figcaption></figure>"
    text = f" {_e(caption)}" if caption else ""
    return (
        f'<figure id="fig-{_e(stem)}"><img alt="{_e(caption or stem)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{label}.{text}</figcaption></figure>'
    )


def render_report(
    reproduction: Mapping[str, Any],
    figures: Mapping[str, str | os.PathLike[str]] | None = None,
    notes: Iterable[str] = (),
    captions: Mapping[str, str] | None = None,
) -> str:
    """Return the report page as an HTML string; see :func:`write_report`.

    Parameters
    ----------
    reproduction, figures, notes, captions : as for :func:`write_report`

    Returns
    -------
    str
        The HTML page.
    """
    if not isinstance(reproduction, Mapping) or "results" not in reproduction:
        raise InvalidOptionError(
            "The report is made from the content of reproduction.json, a mapping with "
            f"'results' (and 'paper', 'run'); got {type(reproduction).__name__}"
            + (
                f" with keys {sorted(map(str, reproduction))}"
                if isinstance(reproduction, Mapping)
                else ""
            )
            + ". E.g. json.loads(Path('results/reproduction.json').read_text())."
        )
    paper = dict(reproduction.get("paper", {}))
    results = list(reproduction.get("results", []))
    run = dict(reproduction.get("run", {}))
    version = reproduction.get("solidna_version", "")
    notes = [_as_note(n) for n in notes if n.strip()]
    captions = dict(captions or {})
    doi = str(paper.get("doi", ""))
    doi_html = (
        f'<a href="https://doi.org/{_e(doi)}">doi:{_e(doi)}</a>' if doi else "DOI not recorded"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>solidna reproduction — {_e(paper.get('citation', ''))}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>solidna: in-silico reproduction</h1>",
        f'<p class="citation">{_e(paper.get("citation", ""))}. {doi_html}</p>',
        f"<p>solidna version <span class='mono'>{_e(version)}</span></p>",
        "<h2>Summary</h2>",
        _headline(summarize(results)),
        "<h2>Results</h2>",
        _results_table(results),
    ]
    pset = run.get("parameter_set")
    calibrated = list(pset.get("fitted") or []) if isinstance(pset, Mapping) else []
    if calibrated:
        parts += ['<h2 id="calibrated">Calibrated parameters</h2>', _calibrated_table(calibrated)]
    misses = _misses(results, notes)
    if misses:
        parts += ['<h2 id="misses">Misses and why</h2>', misses]
    figures = dict(figures or {})
    if figures:
        parts.append("<h2>Figures</h2>")
        parts += [
            figure_html(stem, Path(path), captions.get(stem) or "(no caption)")
            for stem, path in figures.items()
        ]
    if notes:
        parts.append('<h2 id="notes">Notes</h2><ol class="notes">')
        parts += [f'<li id="note-{k + 1}">{_e(n.text)}</li>' for k, n in enumerate(notes)]
        parts.append("</ol>")
    if run:
        parts += ["<h2>Run record</h2>", _run_record(run)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(
    reproduction: Mapping[str, Any],
    figures: Mapping[str, str | os.PathLike[str]] | None,
    out_path: str | os.PathLike[str],
    notes: Iterable[str] = (),
    captions: Mapping[str, str] | None = None,
) -> Path:
    """Write the self-contained HTML report of a reproduction run.

    Parameters
    ----------
    reproduction : mapping
        The content of ``reproduction.json`` (``paper``, ``solidna_version``, ``results`` and,
        optionally, the ``run`` record).
    figures : mapping of str to path
        Figure stem -> PNG file; embedded as base64 data URIs.
    out_path : str or path-like
        The HTML file to write (overwritten).
    notes : iterable of str or Note
        Notes listed at the end (e.g. why a target is missed, why a figure module failed),
        numbered; every missed result links to the notes that are about it.
    captions : mapping of str to str, optional
        Figure stem -> caption shown beneath the figure.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    page = render_report(reproduction, figures, notes, captions)
    return write_text(
        out_path,
        page,
        unwritable=f"Cannot write the report to {str(out_path)!r} ({{error}}). Choose a file in a "
        "folder you can write to.",
    )
