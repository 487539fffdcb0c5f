"""The paper's claimed numbers (targets) as package data, and the pass/fail comparison.

The data file ``targets.yaml`` is the project's copy of ``shared/paper/targets.yaml``. Calibration
routines call :func:`calibrate_targets`, which returns ``role == "calibrate"`` entries only; a
``validate`` number is never fitted.

Each ``validate`` target also carries a kind (``validation.yaml``, :func:`validation_kind`):
``prediction`` when the model value needs something no calibration fixed, ``consistency`` when
it follows from the calibrated numbers and the model's form, each with a one-line reason. The
report counts the two apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from solidna._docstrings import fill_doc
from solidna.errors import InvalidOptionError, closest_matches

__all__ = [
    "Target",
    "load_targets",
    "get_target",
    "calibrate_targets",
    "paper_info",
    "compare",
    "ValidationKind",
    "validation_kind",
    "VALIDATION_KINDS",
]

_PATH = Path(__file__).with_name("targets.yaml")
_KINDS_PATH = Path(__file__).with_name("validation.yaml")
#: What a validate result can be (see ``validation.yaml``).
VALIDATION_KINDS = ("prediction", "consistency")


@dataclass(frozen=True)
class Target:
    """One claimed number of the paper."""

    id: str
    role: str
    value: Any
    unit: str
    quantity: str
    figure: str
    tol: dict[str, float] = field(default_factory=dict)
    note: str = ""
    conditions: dict[str, Any] = field(default_factory=dict)

    def passes(self, model: Any) -> bool | None:
        """Whether ``model`` is within tolerance (``None`` for references or a missing value).

        Parameters
        ----------
        model : float, bool or None
            Model value, in the target's unit.

        Returns
        -------
        bool or None
            Pass/fail, ``None`` when not compared.
        """
        return compare(self, model)


@functools.lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Any], tuple[Target, ...]]:
    data = yaml.safe_load(_PATH.read_text(encoding="utf-8"))
    known = {"id", "role", "value", "unit", "quantity", "figure", "tol", "note"}
    targets = []
    for entry in data["targets"]:
        raw = _rejoined(entry)
        targets.append(
            Target(
                id=raw["id"],
                role=raw["role"],
                value=raw["value"],
                unit=str(raw.get("unit", "-")),
                quantity=raw.get("quantity", ""),
                figure=str(raw.get("figure", "")),
                tol=dict(raw.get("tol", {})),
                note=raw.get("note", ""),
                conditions={k: v for k, v in raw.items() if k not in known},
            )
        )
    return data["paper"], tuple(targets)


def _rejoined(entry: dict[Any, Any]) -> dict[str, Any]:
    """A target's fields with the pieces of an unquoted text put back together.

    The targets file writes each target as a YAML flow mapping, ``{id: ..., quantity: C 1s
    binding energy, C-F, value: 291.0}``; there a comma ends a plain value, so YAML reads the
    quantity as "C 1s binding energy" and "C-F" as a key without a value (20 targets lost the
    end of their quantity or note so: "capacities at 50" for "capacities at 50, 100, 200, 400,
    500 mA/g strictly decrease"). A key without a value right after a text field is the rest of
    that text.
    """
    fields: dict[str, Any] = {}
    last = None
    for key, value in entry.items():
        if value is None and last in ("quantity", "note"):
            fields[last] = f"{fields[last]}, {key}"
            continue
        fields[str(key)] = value
        last = str(key)
    return fields


def paper_info() -> dict[str, Any]:
    """Title, citation and DOI of the paper."""
    return dict(_load()[0])


@fill_doc
def load_targets(prefixes: list[str] | tuple[str, ...] | None = None) -> list[Target]:
    """All targets whose id starts with one of ``prefixes`` (all when none is given).

    %(Parameters: target_prefixes)s

    Returns
    -------
    list of Target
        The targets, in file order.
    """
    targets = list(_load()[1])
    if isinstance(prefixes, str):
        prefixes = [prefixes]  # one prefix, not its letters (every id starts with an "f")
    if prefixes:
        selected = [t for t in targets if any(t.id.startswith(p) for p in prefixes)]
        # an empty list would read as "nothing to check"; a figure module may name a prefix
        # without targets (fig2's "figS9") beside others, so only an empty selection is refused
        if not selected:
            valid = sorted({t.id.split(".", 1)[0] for t in targets})
            raise InvalidOptionError(
                f"No target id starts with {', '.join(repr(p) for p in prefixes)}. Valid "
                f"prefixes: {', '.join(valid)} (ids are case-sensitive: 'figS31')."
            )
        targets = selected
    return targets


@fill_doc
def get_target(target_id: str) -> Target:
    """The target with id ``target_id``.

    %(Parameters: target_id)s

    Returns
    -------
    Target
        The target.
    """
    for t in _load()[1]:
        if t.id == target_id:
            return t
    hint = closest_matches(target_id, [t.id for t in _load()[1]])
    raise InvalidOptionError(
        f"Unknown target id {target_id!r}." + (f" Closest: {hint}." if hint else "")
    )


@fill_doc
def calibrate_targets(prefixes: list[str] | tuple[str, ...] | None = None) -> dict[str, Target]:
    """The ``calibrate`` targets only (what calibration routines may read), keyed by id.

    %(Parameters: target_prefixes)s

    Returns
    -------
    dict of str to Target
        Calibration targets by id.
    """
    return {t.id: t for t in load_targets(prefixes) if t.role == "calibrate"}


def compare(target: Target, model: Any) -> bool | None:
    """Pass/fail of a model value against a target.

    Numbers pass when within ``tol`` (``rel``: ``|model - paper| <= rel * |paper|``; ``abs``:
    ``|model - paper| <= abs``). Booleans pass when equal. A paper value written ``'>2'`` passes
    for any model value above 2. References and missing model values give ``None``.

    Parameters
    ----------
    target : Target
        The target (paper value, tolerance, role).
    model : float, bool or None
        Model value, in the target's unit.

    Returns
    -------
    bool or None
        Pass/fail, ``None`` for references or a missing model value.
    """
    if target.role == "reference" or model is None:
        return None
    paper = target.value
    if isinstance(paper, bool):
        return bool(model) is paper
    if isinstance(paper, str) and paper.startswith(">"):
        return float(model) > float(paper[1:])
    if isinstance(paper, str) and paper.startswith("<"):
        return float(model) < float(paper[1:])
    diff = abs(float(model) - float(paper))
    if "rel" in target.tol:
        return bool(diff <= target.tol["rel"] * abs(float(paper)) + 1e-12)
    if "abs" in target.tol:
        return bool(diff <= target.tol["abs"] + 1e-12)
    return bool(diff <= 1e-9 * max(1.0, abs(float(paper))))


@dataclass(frozen=True)
class ValidationKind:
    """What a ``validate`` result tests: ``kind`` (one of :data:`VALIDATION_KINDS`) and why."""

    kind: str
    why: str


@functools.lru_cache(maxsize=1)
def _kinds() -> dict[str, ValidationKind]:
    raw = yaml.safe_load(_KINDS_PATH.read_text(encoding="utf-8")) or {}
    validate = {t.id for t in _load()[1] if t.role == "validate"}
    out = {}
    for tid, entry in raw.items():
        kind, why = entry.get("kind"), str(entry.get("why", "")).strip()
        if tid not in validate or kind not in VALIDATION_KINDS or not why:
            raise InvalidOptionError(  # pragma: no cover - package data, checked by the tests
                f"validation.yaml: {tid!r} must be a validate target with kind in "
                f"{VALIDATION_KINDS} and a reason; got kind {kind!r}."
            )
        out[tid] = ValidationKind(kind, why)
    return out


@fill_doc
def validation_kind(target_id: str) -> ValidationKind | None:
    """The kind of a ``validate`` target (``None`` for other roles or an unlabelled id).

    %(Parameters: target_id)s

    Returns
    -------
    ValidationKind or None
        The kind (``prediction`` or ``consistency``) and its reason.
    """
    return _kinds().get(target_id)
