"""Run the figure modules and write ``reproduction.json``, the figures and the HTML report.

This is the Python side of ``solidna reproduce`` (DESIGN section 2). The runner selects the figure
modules of :data:`solidna.reproduce.FIGURE_MODULES` whose ``PREFIXES`` overlap the requested
target-id prefixes, imports them only then, calls ``module.run(progress)`` and compares every model
value with its target. A figure module that raises is recorded (its targets get ``model: null``
with the error in the note) and the run goes on.

Examples
--------
>>> from solidna.reproduce.runner import valid_prefixes
>>> "fig3f" in valid_prefixes() and "thermo" in valid_prefixes()
True
"""

from __future__ import annotations

import ast
import datetime as _dt
import importlib
import importlib.metadata
import importlib.util
import math
import os
import platform
import re
import sys
import time
import traceback
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from solidna._docstrings import fill_doc
from solidna.errors import InvalidOptionError, closest_matches
from solidna.io_utils import prepare_output_dir, write_json
from solidna.progress import Progress, no_progress, scaled
from solidna.reproduce.base import FigureOutput, Note, TargetResult
from solidna.targets import Target, compare, load_targets, paper_info

__all__ = [
    "reproduce",
    "exit_code",
    "check_prefixes",
    "valid_prefixes",
    "select_modules",
    "module_prefixes",
    "expected_wall_time_s",
    "run_record",
    "NO_MODEL_NOTE",
    "FIGURE_DPI",
]

#: Note of a target that no figure module of this version computes.
NO_MODEL_NOTE = "not reproduced by this version (no model yet)"
#: Share of the progress bar of a figure module that states no ``EXPECTED_WALL_TIME_S`` [s].
DEFAULT_WALL_TIME_S = 10.0
#: Resolution of ``DIR/figures/*.png``.
FIGURE_DPI = 150
#: Packages whose versions go into the run record.
RECORDED_PACKAGES = (
    "pybamm",
    "numpy",
    "scipy",
    "pandas",
    "impedance",
    "lmfit",
    "pint",
    "matplotlib",
)

_SCORED_ROLES = ("calibrate", "validate")
# Share of the progress bar for the figure modules; the rest is writing the outputs.
_MODULES_SHARE = 0.99


# -- prefixes -------------------------------------------------------------------------------------
def valid_prefixes() -> list[str]:
    """The distinct first parts of the target ids (``"fig3f"``, ``"fig4h"``, ``"thermo"``, ...).

    Any prefix of a target id is accepted by :func:`reproduce`; these are the ones worth listing.
    """
    return sorted({t.id.split(".", 1)[0] for t in load_targets()})


def check_prefixes(prefixes: Iterable[str] | str | None) -> list[str] | None:
    """Validate requested target-id prefixes.

    Parameters
    ----------
    prefixes : iterable of str, str or None
        Requested prefixes; ``None`` or an empty list means every target.

    Returns
    -------
    list of str or None
        The prefixes, stripped and without duplicates, or ``None`` for all targets.

    Raises
    ------
    InvalidOptionError
        If a prefix matches no target id; the message lists the valid prefixes and the closest.
    """
    if prefixes is None:
        return None
    if isinstance(prefixes, str):
        prefixes = [prefixes]
    cleaned: list[str] = []
    for p in prefixes:
        p = str(p).strip()
        if p and p not in cleaned:
            cleaned.append(p)
    if not cleaned:
        return None
    ids = [t.id for t in load_targets()]
    # ids mix cases ("figS31"): "FIG3F" or "figs31" means the id that differs only in case
    cleaned = list(dict.fromkeys(_case_of_ids(p, ids) for p in cleaned))
    unknown = [p for p in cleaned if not any(i.startswith(p) for i in ids)]
    if unknown:
        allowed = valid_prefixes()
        hints = []
        for p in unknown:
            close = closest_matches(p, allowed + ids)
            if close:
                hints.append(f"closest to {p!r}: {', '.join(close)}")
        raise InvalidOptionError(
            f"Unknown target prefix {', '.join(repr(p) for p in unknown)}: no target id starts with "
            f"{'it' if len(unknown) == 1 else 'them'}. Valid prefixes: {', '.join(allowed)}."
            + (f" ({'; '.join(hints)}.)" if hints else "")
            + " Run 'solidna targets' to list every id."
        )
    return cleaned


def _case_of_ids(prefix: str, ids: Sequence[str]) -> str:
    """``prefix`` as the target ids spell it, when it matches them only ignoring case."""
    if any(i.startswith(prefix) for i in ids):
        return prefix
    folded = prefix.casefold()
    spellings = {i[: len(prefix)] for i in ids if i.casefold().startswith(folded)}
    return spellings.pop() if len(spellings) == 1 else prefix


def _overlaps(requested: Sequence[str] | None, module_prefixes: Sequence[str]) -> bool:
    # "fig4h" selects a module covering "fig4"; "fig" selects a module covering "fig3".
    if not requested:
        return True
    return any(p.startswith(m) or m.startswith(p) for p in requested for m in module_prefixes)


def _literal_constant(name: str, attribute: str) -> Any:
    """The value of a module-level literal ``attribute`` of module ``name``, or ``None``.

    An already imported module is asked directly; otherwise the constant is read from the
    module's source, so that ``--only fig3f`` does not import the heavy models of Fig. 4.
    """
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, attribute, None)
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == attribute for t in targets):
            try:
                return ast.literal_eval(node.value)  # type: ignore[arg-type]
            except ValueError:
                return None
    return None


def module_prefixes(name: str) -> tuple[str, ...]:
    """The ``PREFIXES`` of the figure module ``name``, read without importing it when possible.

    When the module does not define them (e.g. it does not exist yet) the last part of the
    module name is used (``solidna.reproduce.fig4`` -> ``("fig4",)``).

    Parameters
    ----------
    name : str
        Full module name (e.g. ``"solidna.reproduce.fig4"``).

    Returns
    -------
    tuple of str
        Target id prefixes.
    """
    value = _literal_constant(name, "PREFIXES")
    if isinstance(value, str):
        value = (value,)
    if not value:
        return (name.rsplit(".", 1)[-1],)
    return tuple(str(p) for p in value)


def expected_wall_time_s(name: str) -> float:
    """The typical wall time [s] of figure module ``name`` (its ``EXPECTED_WALL_TIME_S``).

    Used only to share the progress bar among the modules, so that the fraction done tracks the
    time spent; :data:`DEFAULT_WALL_TIME_S` when the module does not say.

    Parameters
    ----------
    name : str
        Full module name.

    Returns
    -------
    float
        Expected wall time [s].
    """
    value = _literal_constant(name, "EXPECTED_WALL_TIME_S")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_WALL_TIME_S
    return seconds if math.isfinite(seconds) and seconds > 0 else DEFAULT_WALL_TIME_S


def select_modules(
    prefixes: Sequence[str] | None, modules: Sequence[str] | None = None
) -> list[tuple[str, tuple[str, ...]]]:
    """Figure modules (name, PREFIXES) that cover at least one of the requested prefixes.

    Parameters
    ----------
    prefixes : sequence of str or None
        Requested target-id prefixes (``None``: all).
    modules : sequence of str, optional
        Module names to choose from; default :data:`solidna.reproduce.FIGURE_MODULES`.
    """
    if modules is None:
        from solidna import reproduce as _package  # read at call time: tests replace it

        modules = _package.FIGURE_MODULES
    selected = []
    for name in modules:
        mprefixes = module_prefixes(name)
        if _overlaps(prefixes, mprefixes):
            selected.append((name, mprefixes))
    return selected


# -- run record -----------------------------------------------------------------------------------
def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def run_record(prefixes: Sequence[str] | None = None) -> dict[str, Any]:
    """Settings of this run: versions, platform, date, prefixes and parameter-set hash.

    Parameters
    ----------
    prefixes : sequence of str, optional
        Target id prefixes of the run; ``None`` for all.

    Returns
    -------
    dict
        The run record (JSON-able).
    """
    from solidna import __version__

    record: dict[str, Any] = {
        "solidna_version": __version__,
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "prefixes": list(prefixes) if prefixes else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: _package_version(name) for name in RECORDED_PACKAGES},
    }
    try:
        from solidna.parameters import lu2019

        pset = lu2019()
        record["parameter_set"] = {"name": pset.name, "hash": pset.hash(), "entries": len(pset)}
    except Exception as exc:  # a broken set must not hide the rest of the record
        record["parameter_set"] = {"name": "lu2019", "error": f"{type(exc).__name__}: {exc}"}
    return record


# -- model values ---------------------------------------------------------------------------------
def _is_bool(value: Any) -> bool:
    # numpy booleans are not bool subclasses (np.bool_ in numpy 1, np.bool in numpy 2)
    return isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
    )


def _clean_model(value: Any) -> tuple[float | bool | None, str]:
    """A JSON-ready model value and, when it had to be dropped, why."""
    if value is None:
        return None, ""
    if _is_bool(value):
        return bool(value), ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None, f"model value {value!r} is not a number or boolean"
    if not math.isfinite(x):
        return None, f"model value was {x}"
    return x, ""


def _entry(target: Target, result: TargetResult | None) -> dict[str, Any]:
    if result is None:
        model, note = None, NO_MODEL_NOTE
    else:
        model, problem = _clean_model(result.model)
        note = "; ".join(s for s in (str(result.note or ""), problem) if s)
    entry: dict[str, Any] = {
        "id": target.id,
        "role": target.role,
        "paper": target.value,
        "model": model,
        "unit": target.unit,
        "tol": dict(target.tol),
    }
    if target.role != "reference":
        try:
            entry["pass"] = compare(target, model)
        except (TypeError, ValueError) as exc:
            entry["pass"] = False
            note = "; ".join(s for s in (note, f"cannot compare with the paper value: {exc}") if s)
    entry["note"] = note
    return entry


def _save_figure(figure: Any, path: Path) -> None:
    figure.savefig(path, dpi=FIGURE_DPI)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # free the memory of figures made with pyplot
        pyplot.close(figure)


def _safe_stem(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(stem)).strip("._") or "figure"


# -- progress -------------------------------------------------------------------------------------
def _monotonic(progress: Progress) -> Progress:
    """A callback that passes on fractions that never go backwards.

    A figure module that re-estimates its work may report a smaller fraction than before; the
    caller's bar and time-left estimate (:class:`solidna.progress.TimeLeft`) should not jump back.
    """
    done = 0.0

    def guarded(message: str, fraction: float | None = None) -> None:
        nonlocal done
        if fraction is not None and math.isfinite(fraction):
            done = max(done, min(float(fraction), 1.0))
            fraction = done
        elif fraction is not None:
            fraction = None
        progress(message, fraction)

    return guarded


def _labelled(progress: Progress, label: str) -> Progress:
    """A callback that prefixes every message with ``label`` (the figure module's name)."""

    def sub(message: str, fraction: float | None = None) -> None:
        progress(f"{label}: {message}", fraction)

    return sub


# -- the run --------------------------------------------------------------------------------------
@fill_doc
def reproduce(
    prefixes: list[str] | None = None,
    out: str | os.PathLike[str] = "results",
    force: bool = False,
    progress: Progress | None = None,
    *,
    modules: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Reproduce the paper's targets and write ``reproduction.json``, figures and ``report.html``.

    Parameters
    ----------
    prefixes : list of str, optional
        Target-id prefixes to run (``["fig4h"]``, ``["fig3", "thermo"]``); all targets when
        ``None`` or empty.
    out : str or path-like, default ``"results"``
        Output directory. It is created; an existing non-empty one is refused unless ``force``.
    force : bool, default False
        Write into an existing non-empty ``out``, overwriting only the files solidna writes.
    %(progress)s
        Reports the figure modules as they run.
    modules : sequence of str, optional
        Figure modules to choose from; default :data:`solidna.reproduce.FIGURE_MODULES`.

    Returns
    -------
    dict
        The content of ``reproduction.json``: ``paper``, ``solidna_version``, ``results`` (one
        entry per selected target, in ``targets.yaml`` order) and the ``run`` record (versions,
        date, prefixes, per-module status and wall time, notes, files written).

    Raises
    ------
    InvalidOptionError
        If a prefix matches no target id.
    OutputExistsError
        If ``out`` is not empty and ``force`` is False.
    """
    from solidna import __version__

    progress = _monotonic(progress or no_progress)
    requested = check_prefixes(prefixes)
    out_dir = prepare_output_dir(out, force)
    t_start = time.perf_counter()
    record = run_record(requested)

    targets = load_targets(requested)
    known_ids = {t.id for t in load_targets()}
    selected = select_modules(requested, modules)

    values: dict[str, TargetResult] = {}
    owner: dict[str, str] = {}
    notes: list[Note] = []
    figure_paths: dict[str, Path] = {}
    captions: dict[str, str] = {}
    module_records: list[dict[str, Any]] = []
    figures_dir = out_dir / "figures"
    # Each module gets a share of the bar in proportion to its typical wall time, so that the
    # fraction done tracks the time spent (Fig. 1's MD takes most of a full run).
    weights = [expected_wall_time_s(name) for name, _ in selected]
    edges = [
        _MODULES_SHARE * sum(weights[:k]) / max(sum(weights), 1e-9) for k in range(len(weights) + 1)
    ]

    for index, (name, mprefixes) in enumerate(selected):
        short = name.rsplit(".", 1)[-1]
        module_progress = scaled(_labelled(progress, short), edges[index], edges[index + 1])
        module_progress("starting", 0.0)
        entry: dict[str, Any] = {"module": name, "prefixes": list(mprefixes)}
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
                module, failure = None, exc  # the module exists but one of its imports is missing
            else:  # the module is not written yet: its targets stay "no model yet"
                entry.update(status="missing", wall_time_s=time.perf_counter() - t0)
                notes.append(
                    Note(
                        f"{short}: figure module {name} is not available in this version.",
                        mprefixes,
                    )
                )
                module_records.append(entry)
                module_progress("not available", 1.0)
                continue
        except Exception as exc:
            module, failure = None, exc
        else:
            failure = None

        output: FigureOutput | None = None
        if module is not None:
            try:
                output = module.run(module_progress)
                if not isinstance(output, FigureOutput):
                    raise TypeError(
                        f"{name}.run() returned {type(output).__name__}, not FigureOutput"
                    )
            except Exception as exc:
                failure, output = exc, None

        if failure is not None or output is None:
            error = f"{type(failure).__name__}: {failure}"
            entry.update(
                status="error",
                error=error,
                traceback="".join(traceback.format_exception(failure)),
            )
            for t in targets:
                if any(t.id.startswith(m) for m in mprefixes) and t.id not in values:
                    values[t.id] = TargetResult(
                        t.id, None, f"figure module {short} failed: {error}"
                    )
                    owner[t.id] = name
            notes.append(
                Note(
                    f"{short}: figure module {name} failed ({error}); its targets have no value.",
                    mprefixes,
                )
            )
            module_progress(f"failed ({error})", 1.0)
        else:
            entry["status"] = "ok"
            for result in output.results:
                if result.id not in known_ids:
                    notes.append(
                        Note(f"{short}: result for unknown target id {result.id!r} ignored.")
                    )
                elif result.id in values:
                    notes.append(
                        Note(
                            f"{short}: duplicate result for {result.id!r} ignored "
                            f"(already given by {owner[result.id]})."
                        )
                    )
                else:
                    values[result.id] = result
                    owner[result.id] = name
            for stem, figure in output.figures.items():
                safe = _safe_stem(stem)
                if safe in figure_paths:
                    notes.append(
                        Note(f"{short}: figure {safe!r} written twice; the last one is kept.")
                    )
                path = figures_dir / f"{safe}.png"
                try:
                    figures_dir.mkdir(parents=True, exist_ok=True)
                    _save_figure(figure, path)
                except Exception as exc:
                    notes.append(Note(f"{short}: figure {safe!r} could not be saved ({exc})."))
                    continue
                figure_paths[safe] = path
                captions[safe] = str(output.captions.get(stem, ""))
            label = output.name or short
            for note in output.notes:
                notes.append(Note(f"{label}: {note}", getattr(note, "about", ())))
            module_progress("done", 1.0)
        entry["wall_time_s"] = round(time.perf_counter() - t0, 3)
        module_records.append(entry)

    progress("writing reproduction.json and report.html", _MODULES_SHARE)
    results = [_entry(t, values.get(t.id)) for t in targets]
    paper = paper_info()
    record["modules"] = module_records
    # the fitted parameters with their uncertainties: the report shows them. (What each validate
    # result tests is not copied here: the report reads it from targets/validation.yaml.)
    if isinstance(record.get("parameter_set"), dict) and "error" not in record["parameter_set"]:
        record["parameter_set"]["fitted"] = calibrated_parameters()
    record["notes"] = [n.text for n in notes]
    record["wall_time_s"] = round(time.perf_counter() - t_start, 3)
    record["outputs"] = {
        "directory": str(out_dir),
        "files": ["reproduction.json", "report.html"]
        + [p.relative_to(out_dir).as_posix() for p in figure_paths.values()],
    }
    reproduction: dict[str, Any] = {
        "paper": {"citation": paper.get("citation", ""), "doi": paper.get("doi", "")},
        "solidna_version": __version__,
        "results": results,
        "run": record,
    }
    write_json(out_dir / "reproduction.json", reproduction)

    from solidna.report.html import write_report

    write_report(reproduction, figure_paths, out_dir / "report.html", notes, captions)
    progress("done", 1.0)
    return reproduction


def calibrated_parameters() -> list[dict[str, Any]]:
    """The fitted parameters of the Lu 2019 set with their uncertainty and provenance (the
    report's "Calibrated parameters" table): name, value, unit, 1-sd uncertainty (linearised,
    from the targets' tolerances), its log-space value, the calibration file and its targets."""
    from solidna.parameters import lu2019

    ps = lu2019()
    rows = []
    for name in ps:
        e = ps.entry(name)
        if e.method != "fitted":
            continue
        rows.append(
            {
                "name": name,
                "value": e.value,
                "unit": e.unit,
                "uncertainty": e.uncertainty,
                "uncertainty_log": e.extra.get("uncertainty_log"),
                "routine": e.extra.get("routine", ""),
                "targets": list(e.extra.get("targets", [])),
            }
        )
    return rows


def exit_code(results: Mapping[str, Any]) -> int:
    """Exit status of ``solidna reproduce`` for a reproduction dict.

    0 when every ``calibrate``/``validate`` result that was run passes, 1 when one fails or a
    figure module raised. Targets without a model value (no model yet, or a module's honest
    ``null``) do not fail the run; they are counted in the summary.

    Parameters
    ----------
    results : mapping
        The dict returned by :func:`reproduce` (the content of ``reproduction.json``).
    """
    for r in results.get("results", []):
        if r.get("role") in _SCORED_ROLES and r.get("pass") is False:
            return 1
    for m in (results.get("run") or {}).get("modules", []):
        if m.get("status") == "error":
            return 1
    return 0
