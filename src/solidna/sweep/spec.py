"""The sweep specification: which cell and protocol, what to vary, what to record.

A spec is a YAML or TOML file (or the same structure as a dict)::

    cell: symmetric                 # symmetric | na-co2 | nvp
    anode: modified
    conditions: {temperature: 25 degC}           # fixed cell conditions
    parameters: {"Charge-transfer coefficient [-]": 0.5}   # fixed parameter-set entries
    protocol:
      cycle: {current_density: 0.1 mA/cm2, half_cycle: 1 h, duration: 300 h}
    vary:                           # a product grid ...
      sse_thickness: {values: [40 um, 60 um, 100 um]}
      current_density: {linspace: [0.05, 0.2, 3], unit: mA/cm2}
    # ... or samples: design: {method: lhs, samples: 16, seed: 1} with {range: [lo, hi]}
    outputs:
      - time_to: {overpotential_above: 150 mV}
      - overpotential_at: {times: [100 h, 300 h]}
      - energy
      - per_cycle

A varied (or fixed) name is a condition of the cell (``temperature``, ``sse_thickness``,
``pvdf_ratio``, ``co2_pressure``, ``var_pts``), an argument of the protocol (``current_density``,
``half_cycle``, ``duration`` ...) or any entry of the parameter set (``"Exchange current density
[A.m-2]"``). Quantities carry units (``"60 um"``, or numbers with a ``unit`` key); a bare number is
accepted only for a plain number (a ratio, a count). The whole spec is checked by
:func:`load_spec` before any work: unknown names (with the closest matches), missing or wrong
units, empty grids, zero samples, and every value outside its parameter's validity range or
refused by the cell are errors naming the entry. A value the cell only warns about (outside its
validated range, e.g. 70 degC for the 10-60 C of the electrolyte data) is refused too, unless the
spec says ``extrapolate: true``: then it runs, and the warning goes into that point's
``run_status``; hard limits (the SSE's melting point) stay refused.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    SolidnaError,
    UnitError,
    closest_matches,
)
from solidna.parameters.parameter_set import unit_of
from solidna.sweep.cells import (
    CELL_KINDS,
    CONDITION_ENTRIES,
    CellKind,
    build_cell,
    protocol_step,
)
from solidna.sweep.outputs import ENERGY, PER_CYCLE, Output
from solidna.units import Q_, kind_of, parse_quantity, plain_powers

__all__ = ["Axis", "SweepSpec", "load_spec", "DESIGNS", "SAMPLE_DIM", "MAX_POINTS"]

#: Grid designs (a product of the axes) and sampled designs (scipy.stats.qmc).
DESIGNS = ("grid", "lhs", "sobol")
#: The store's dimension of a sampled design.
SAMPLE_DIM = "sample"
#: The most points a sweep takes: each is one simulation of seconds to minutes, so 100 000
#: points keep a 64-core cluster busy for a day or more; a larger grid is a typo in a count
#: (``linspace: [.., .., 100000000]`` was built and checked value by value, for hours).
MAX_POINTS = 100_000
_TOO_MANY = (
    "Use fewer values, or a sampled design (design: {method: lhs, samples: 64}) to cover "
    "many quantities with few points."
)

_TOP_KEYS = (
    "cell",
    "anode",
    "parameter_set",
    "conditions",
    "parameters",
    "protocol",
    "vary",
    "design",
    "outputs",
    "jump",
    "extrapolate",
)
_GRID_KEYS = ("values", "linspace", "logspace")
#: How to run a value a cell only warns about (outside its validated range).
_EXTRAPOLATE_HINT = (
    "To run it anyway, set 'extrapolate: true' in the spec (each such point's run status then "
    "carries the warning)."
)


@dataclass(frozen=True)
class Axis:
    """One varied quantity.

    Attributes
    ----------
    name : str
        As in the spec: a condition, a protocol argument or a parameter-set entry.
    target : str
        ``"condition"``, ``"protocol"`` or ``"parameter"``.
    unit : str
        The unit its values are given and stored in (``""`` for a plain number).
    values : tuple of float
        Grid values in ``unit`` (empty for a sampled axis).
    bounds : (float, float) or None
        Sampled range in ``unit``.
    scale : str
        ``"linear"`` or ``"log"`` (log-uniform samples; log axes in plots).
    """

    name: str
    target: str
    unit: str
    values: tuple[float, ...] = ()
    bounds: tuple[float, float] | None = None
    scale: str = "linear"


def _refuse_split_decimal_commas(items: list, where: str) -> None:
    """Refuse a list that YAML may have split at decimal commas: ``[0,1 mA/cm2, 0,2 mA/cm2]``
    reads as ``[0, "1 mA/cm2", 0, "2 mA/cm2"]`` (a flow list's items are separated by commas),
    so a whole number followed by a quantity that starts with a digit gets a message that names
    the decimal comma, not only "0 has no unit"."""
    for a, b in zip(items, items[1:], strict=False):
        if (
            isinstance(a, int)
            and not isinstance(a, bool)
            and isinstance(b, str)
            and re.match(r"\d+\s*[^\d\s.,eE+-]", b.strip())
        ):
            # the parsed list cannot tell a split decimal comma from a forgotten unit: say both
            raise UnitError(
                f"{where}: {a!r} has no unit and {b!r} follows it. If you meant {a},{b.strip()} "
                "with a decimal comma, YAML splits it into two list items; solidna reads a point "
                f"as the decimal separator: write {a}.{b.strip()}. Otherwise give {a} its unit."
            )


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification (built by :func:`load_spec`).

    ``conditions`` and ``arguments`` map names to ``(magnitude, unit)`` or plain numbers;
    ``parameters`` maps parameter-set entries to SI values; ``canonical`` is the spec as
    understood (JSON-able), kept in the store and compared on resume.
    """

    cell: str
    anode: str
    parameter_set: str
    protocol: str
    conditions: Mapping[str, Any]
    arguments: Mapping[str, Any]
    parameters: Mapping[str, float]
    axes: tuple[Axis, ...]
    design: str
    samples: int
    seed: int | None
    outputs: tuple[Output, ...]
    jump: bool | None
    canonical: Mapping[str, Any]
    #: Run values outside a cell's validated range (its extrapolation warnings) instead of
    #: refusing them; each such point's run status says so. Hard limits stay refused.
    extrapolate: bool = False

    @property
    def kind(self) -> CellKind:
        return CELL_KINDS[self.cell]

    @property
    def dims(self) -> tuple[str, ...]:
        """The store's design dimensions: one per axis (grid) or ``("sample",)``."""
        return tuple(a.name for a in self.axes) if self.design == "grid" else (SAMPLE_DIM,)

    @property
    def shape(self) -> tuple[int, ...]:
        if self.design == "grid":
            return tuple(len(a.values) for a in self.axes)
        return (self.samples,)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def sample_values(self) -> np.ndarray:
        """The sampled design, ``(samples, axes)`` in each axis's unit (log axes log-uniform)."""
        from scipy.stats import qmc

        d = len(self.axes)
        if self.design == "lhs":
            unit = qmc.LatinHypercube(d=d, seed=self.seed).random(self.samples)
        else:
            with warnings.catch_warnings():  # a sample count not a power of 2 only warns
                warnings.simplefilter("ignore", UserWarning)
                unit = qmc.Sobol(d=d, seed=self.seed).random(self.samples)
        out = np.empty_like(unit)
        for j, ax in enumerate(self.axes):
            lo, hi = ax.bounds
            if ax.scale == "log":
                out[:, j] = np.exp(np.log(lo) + unit[:, j] * (np.log(hi) - np.log(lo)))
            else:
                out[:, j] = lo + unit[:, j] * (hi - lo)
        return out

    def points(self) -> list[tuple[tuple[int, ...], dict[str, float]]]:
        """Every point: its index in the store and ``{axis name: value in the axis unit}``."""
        names = [a.name for a in self.axes]
        if self.design == "grid":
            grids = [range(len(a.values)) for a in self.axes]
            return [
                (idx, {ax.name: ax.values[i] for ax, i in zip(self.axes, idx, strict=True)})
                for idx in itertools.product(*grids)
            ]
        vals = self.sample_values()
        return [
            ((k,), dict(zip(names, map(float, row), strict=True))) for k, row in enumerate(vals)
        ]

    def inputs(self, point: Mapping[str, float]) -> tuple[dict, dict, dict]:
        """``(conditions, protocol arguments, parameter entries in SI)`` of one point.

        Parameters
        ----------
        point : mapping of str to float
            Value of each axis, in the axis' unit.

        Returns
        -------
        tuple of dict
            Conditions and protocol arguments (``(value, unit)`` where the axis has a unit),
            and parameter entries in SI.
        """
        conditions, arguments, parameters = (
            dict(self.conditions),
            dict(self.arguments),
            dict(self.parameters),
        )
        for ax in self.axes:
            value = point[ax.name]
            if ax.target == "parameter":
                parameters[ax.name] = _entry_si(value, ax.unit, ax.name)
            else:
                kind_unit = self._unit_kind(ax)
                if kind_unit == "int":
                    value = int(round(value))
                item = (value, ax.unit) if ax.unit else value
                (conditions if ax.target == "condition" else arguments)[ax.name] = item
        return conditions, arguments, parameters

    def _unit_kind(self, ax: Axis) -> str:
        if ax.target == "condition":
            return self.kind.conditions[ax.name]
        return self.kind.protocols[self.protocol].arguments[ax.name]

    def expected_cycles(self) -> int:
        """The largest number of cycles a point's protocol asks for (per-cycle table length)."""
        n = 0
        for _, point in self.points():
            try:
                n = max(n, protocol_step(self.kind, self.protocol, self.inputs(point)[1])[1])
            except SolidnaError:  # a combination the cell refuses fails as a point
                continue
        return n


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A spec given in Python as YAML would give it: tuples and numpy arrays as lists, numpy
    numbers as Python numbers (``values: np.linspace(...)`` and ``(40e-6, 60e-6)`` were read as
    one value and refused, a ``numpy.int64`` was "not a number")."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return copy.deepcopy(value)


def _read(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return _plain(source)
    if not isinstance(source, str | Path) or isinstance(source, bool):
        # None or a number reached Path() (TypeError)
        raise InvalidOptionError(
            f"A sweep spec is a YAML or TOML file (its path) or a dict of its content, got "
            f"{type(source).__name__} {source!r:.60}. Example: "
            "load_spec('examples/sweep_symmetric.yaml')."
        )
    path = Path(source).expanduser()
    if path.is_dir():
        raise DataFormatError(
            f"Sweep spec {str(path)!r} is a directory; give the spec file (.yaml, .yml or "
            ".toml), e.g. examples/sweep_symmetric.yaml."
        )
    if not path.is_file():
        raise DataFormatError(f"Sweep spec {str(path)!r} does not exist (or is not a file).")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataFormatError(
            f"Sweep spec {str(path)!r} is not a text file (not UTF-8); give a YAML or TOML spec."
        ) from None
    if not text.strip():
        raise DataFormatError(
            f"Sweep spec {str(path)!r} is empty; see examples/sweep_symmetric.yaml for one."
        )
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):  # before the try: it is no parse error
        raise DataFormatError(
            f"Sweep spec {str(path)!r}: unknown file type {suffix!r}; use .yaml, .yml or .toml."
        )
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise DataFormatError(f"Sweep spec {str(path)!r} cannot be read: {exc}") from None
    except Exception as exc:  # yaml.YAMLError and its kinds
        raise DataFormatError(
            f"Sweep spec {str(path)!r} is not valid YAML: {_yaml_problem(exc)}"
        ) from None
    if not isinstance(data, dict):
        raise DataFormatError(f"Sweep spec {str(path)!r} must be a mapping of keys to values.")
    return data


def _yaml_problem(exc: Exception) -> str:
    """A YAML parser's error as ``line 4, column 1: expected ',' or '}' ... (while parsing a flow
    mapping at line 3, column 18)``: PyYAML's own text names the file ``"<unicode string>"`` and
    puts a caret line under the column, which one line of an error cannot show."""
    mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
    if mark is None or not problem:
        return str(exc).replace('in "<unicode string>", ', "")
    text = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    context, at = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and at is not None:
        text += f" ({context} at line {at.line + 1}, column {at.column + 1})"
    return text + "."


def _unknown(what: str, name: str, allowed: list[str], where: str) -> InvalidOptionError:
    hint = closest_matches(name, allowed)
    shown = f" Closest: {', '.join(repr(h) for h in hint)}." if hint else ""
    return InvalidOptionError(f"{where}: unknown {what} {name!r}.{shown} Allowed: {allowed}.")


def _pint_unit(parameter_unit: str) -> str:
    """A parameter set's unit (``"m2.s-1"``, ``"-"``) as pint reads it (``"m**2*s**-1"``)."""
    if parameter_unit in ("-", "", "1"):
        return ""
    text = re.sub(r"([A-Za-z]+)(-?\d+)", r"\1**\2", parameter_unit)
    return text.replace(".", "*")


def _entry_si(value: float, unit: str, entry: str) -> float:
    """A value of a parameter-set entry, given in ``unit``, in the entry's own (SI) unit."""
    target = _pint_unit(unit_of(entry, ""))
    if not unit:
        return float(value)
    return float(Q_(value, unit).to(target or "dimensionless").magnitude)


def _split(value: Any, name: str = "value") -> tuple[float, str]:
    """``"60 um"`` -> ``(60.0, "um")``; a number -> ``(value, "")``.

    Text goes through :func:`solidna.units.parse_quantity`'s checks first, as on the command
    line: pint alone read ``"1,5 mm"`` as 15 mm, ``"1,000 um"`` as 1000 um and ``"0,04 mm"``
    as 0 mm (then "must be positive"), and skipped a character such as the ``?`` of a lost µ.
    """
    if isinstance(value, bool):
        raise UnitError(f"got the boolean {value!r}, not a quantity")
    if isinstance(value, int | float):
        return float(value), ""
    if isinstance(value, str):
        from solidna.units import _DECIMAL_COMMA, _parse_text, parse_quantity

        value = value.replace("\u2212", "-")  # the minus sign of typeset text, as parse_quantity
        try:
            q = _parse_text(value)  # the project's reader of "0.1 mA cm-2"
        except Exception:
            q = None
        if q is not None or _DECIMAL_COMMA.match(value):
            unit = format(q.units) if hasattr(q, "units") else ""
            try:
                # in its own unit the value passes unless its text is wrong; the words say how
                parse_quantity(value, unit or "dimensionless", name)
            except UnitError as exc:
                raise UnitError(str(exc).rstrip(".")) from None
        if q is None:
            raise UnitError(f"{value!r} cannot be read as a quantity (e.g. '60 um')")
        if not hasattr(q, "units"):
            return float(q), ""
        if q.dimensionless:
            # "80 %" is 0.8 (was 80: the percent was dropped with its unit)
            return float(q.to("dimensionless").magnitude), ""
        return float(q.magnitude), _ascii(format(q.units, "~C"))
    raise UnitError(f"expected a number or a string with units, got {value!r}")


def _count_fix(value: Any) -> str:
    """``" Write 3 (no unit)."`` for a count written with a word (``"3 points"``), else ``""``."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*[^\d\s.,].*", value)
        if m:
            return f" Write {int(m.group(1))} (no unit)."
    return ""


def _not_plain(name: str, kind: str, value: Any) -> str:
    """The message for a bad value of a plain number (``kind`` ``""``) or a count (``"int"``)."""
    what = "a count, a whole number" if kind == "int" else "a plain number"
    fix = _count_fix(value) or f" Example: {name}: {2 if kind == 'int' else 0.8}."
    return f"{name!r} is {what} without a unit; got {value!r}.{fix}"


def _shown_entry(value: Any) -> str:
    """A spec entry as YAML shows it (a string without its quotes)."""
    return value if isinstance(value, str) else repr(value)


def _ascii(unit: str) -> str:
    """pint's compact unit text in plain ASCII, as the spec files and stores write it."""
    for old, new in (("µ", "u"), ("°C", "degC"), ("Ω", "ohm")):
        unit = unit.replace(old, new)
    return unit


def _canonical_unit(unit: str, where: str) -> str:
    """A unit as the user wrote it (``"mA/cm2"``, ``"mA cm-2"``) in pint's compact form."""
    from solidna.units import _parse_text  # the project's reader of "0.1 mA cm-2"

    try:
        q = _parse_text(f"1 {unit}")
    except Exception:
        raise UnitError(f"{where}: unknown unit {unit!r}.") from None
    return "" if q.dimensionless else _ascii(format(q.units, "~C"))


class _Checker:
    """Turns the raw spec into a :class:`SweepSpec`, naming the entry of every problem."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        for key in raw:
            if key not in _TOP_KEYS:
                raise _unknown("key", key, list(_TOP_KEYS), "Sweep spec")
        cell = str(raw.get("cell", "")).strip().lower()
        if not cell:
            raise InvalidOptionError(
                f"Sweep spec: 'cell' is missing; give one of {list(CELL_KINDS)}."
            )
        if cell not in CELL_KINDS:
            raise _unknown("cell", cell, list(CELL_KINDS), "Sweep spec 'cell'")
        self.cell = cell
        self.kind = CELL_KINDS[cell]
        from solidna.parameters import ParameterSet

        self.set_name = str(raw.get("parameter_set", "lu2019"))
        self.base = ParameterSet.load(self.set_name)
        self.entries = set(self.base)  # (ParameterSet lookups of unknown names raise)
        self.protocol, protocol_args = self._protocol(raw.get("protocol"))
        self.protocol_args = protocol_args

    # -- names ------------------------------------------------------------------------------
    def target(self, name: str, where: str) -> tuple[str, str]:
        """``(target, SI unit kind)`` of a name: a condition, protocol argument or entry."""
        if name in self.kind.conditions:
            return "condition", self.kind.conditions[name]
        args = self.kind.protocols[self.protocol].arguments
        if name in args:
            return "protocol", args[name]
        if name in self.entries:
            unit = _pint_unit(self.base.entry(name).unit)
            return "parameter", unit
        allowed = list(self.kind.conditions) + list(args)
        hint = closest_matches(name, allowed + sorted(self.entries), n=3)
        shown = f" Closest: {', '.join(repr(h) for h in hint)}." if hint else ""
        raise InvalidOptionError(
            f"{where}: {name!r} is neither a condition or protocol argument of the "
            f"{self.cell} cell ({', '.join(allowed)}) nor an entry of the parameter set "
            f"{self.set_name!r}.{shown} See `solidna parameters` for the entries."
        )

    def _protocol(self, raw: Any) -> tuple[str, dict[str, Any]]:
        methods = list(self.kind.protocols)
        if raw is None:
            return self.kind.default_protocol, {}
        if isinstance(raw, str):
            raw = {raw: {}}
        if not isinstance(raw, Mapping) or len(raw) != 1:
            raise DataFormatError(
                f"Sweep spec 'protocol': give one protocol as a mapping, e.g. "
                f"'protocol: {{{methods[0]}: {{...}}}}'; the {self.cell} cell has {methods}."
            )
        method, args = next(iter(raw.items()))
        if method not in self.kind.protocols:
            raise _unknown("protocol", method, methods, f"Sweep spec 'protocol' ({self.cell})")
        if args is not None and not isinstance(args, Mapping):
            raise DataFormatError(
                f"Sweep spec 'protocol.{method}': expected a mapping of arguments, got {args!r}."
            )
        return method, dict(args or {})

    # -- values -----------------------------------------------------------------------------
    def quantity(self, name: str, value: Any, unit: str | None, where: str) -> tuple[float, str]:
        """One value as ``(magnitude, unit)``, its unit checked against what ``name`` takes."""
        target, kind = self.target(name, where)
        try:
            magnitude, given = _split(value, name)
        except UnitError as exc:
            if kind in ("", "int"):
                # "10 cells" for var_pts was "cannot be read as a quantity (e.g. '60 um')"
                raise UnitError(f"{where}: {_not_plain(name, kind, value)}") from None
            raise UnitError(f"{where}: {exc}.") from None
        if given and unit and given != unit:
            try:
                magnitude = float(Q_(magnitude, given).to(unit).magnitude)
            except Exception:  # pint's DimensionalityError and kin
                raise UnitError(f"{where}: {value!r} cannot be converted to {unit!r}.") from None
        unit = unit or given
        if kind in ("", "int"):
            if unit and unit not in ("-", "1"):
                raise UnitError(
                    f"{where}: {name!r} is a plain number, but {value!r} has the unit {unit!r}. "
                    "Give the number alone."
                )
            if kind == "int" and magnitude != int(magnitude):
                raise InvalidOptionError(f"{where}: {_not_plain(name, kind, value)}")
            return magnitude, ""
        if not unit:
            example = kind_of(kind).example
            raise UnitError(
                f"{where}: {value!r} has no unit; {name!r} needs one (e.g. {example!r}, or "
                f"numbers with 'unit: ...'). A sweep never guesses units."
            )
        try:
            parse_quantity(f"{magnitude!r} {unit}", kind or "dimensionless", name)
        except UnitError as exc:
            raise UnitError(f"{where}: {exc}") from None
        except Exception:
            raise UnitError(f"{where}: unknown unit {unit!r} in {value!r}.") from None
        return magnitude, unit

    def fixed(self, section: str) -> dict[str, Any]:
        raw = self.raw.get(section)
        raw = {} if raw is None else raw
        if not isinstance(raw, Mapping):
            raise DataFormatError(f"Sweep spec '{section}': expected a mapping, got {raw!r}.")
        return dict(raw)

    def axis(self, name: str, raw: Any, design: str) -> Axis:
        where = f"Sweep spec 'vary.{name}'"
        target, kind = self.target(name, where)
        if not isinstance(raw, Mapping):
            raw = {"values": raw} if isinstance(raw, list) else raw
        if not isinstance(raw, Mapping):
            raise DataFormatError(
                f"{where}: expected a mapping such as {{values: [...]}}, {{linspace: [start, "
                f"stop, num]}}, {{logspace: [start, stop, num]}} or {{range: [low, high]}}."
            )
        allowed = (*_GRID_KEYS, "range", "unit", "scale")
        for key in raw:
            if key not in allowed:
                raise _unknown("key", key, list(allowed), where)
        unit = raw.get("unit")
        unit = None if unit in (None, "") else _canonical_unit(str(unit), where)
        scale = str(raw.get("scale", "linear"))
        if scale not in ("linear", "log"):
            raise _unknown("scale", scale, ["linear", "log"], where)
        grid_keys = [k for k in _GRID_KEYS if k in raw]
        if design == "grid":
            if "range" in raw or len(grid_keys) != 1:
                raise DataFormatError(
                    f"{where}: a grid axis takes exactly one of values, linspace or logspace "
                    "(a 'range' is for sampled designs: design: {method: lhs, samples: N})."
                )
            return self._grid_axis(name, target, raw, grid_keys[0], unit, where)
        if grid_keys or "range" not in raw:
            raise DataFormatError(
                f"{where}: a sampled design ({design}) takes 'range: [low, high]' (and optionally "
                "'scale: log'), not a grid."
            )
        rng = raw["range"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise DataFormatError(f"{where}: 'range' must be [low, high], got {rng!r}.")
        lo = self.quantity(name, rng[0], unit, where)
        hi = self.quantity(name, rng[1], unit or lo[1] or None, where)
        if not hi[0] > lo[0]:
            raise OutOfRangeError(
                f"{where}: the range {rng!r} is empty; give [low, high], low < high."
            )
        if scale == "log" and lo[0] <= 0:
            raise OutOfRangeError(f"{where}: a log scale needs a positive range, got {rng!r}.")
        return Axis(name, target, hi[1], bounds=(lo[0], hi[0]), scale=scale)

    def _grid_axis(
        self, name: str, target: str, raw: Mapping, key: str, unit: str | None, where: str
    ) -> Axis:
        spec = raw[key]
        where = f"{where[:-1]}.{key}'"
        if key == "values":
            items = spec if isinstance(spec, list) else [spec]
            if not items:
                raise OutOfRangeError(f"{where} is empty; give at least one value.")
            _refuse_split_decimal_commas(items, where)
            first = self.quantity(name, items[0], unit, where)
            unit = unit or first[1] or None
            values = [first[0]] + [self.quantity(name, v, unit, where)[0] for v in items[1:]]
            scale = str(raw.get("scale", "linear"))
        else:
            if not isinstance(spec, list) or len(spec) != 3:
                raise DataFormatError(f"{where}: expected [start, stop, num], got {spec!r}.")
            start = self.quantity(name, spec[0], unit, where)
            unit = unit or start[1] or None
            stop = self.quantity(name, spec[1], unit, where)
            num = spec[2]
            if isinstance(num, bool) or not isinstance(num, int) or num < 2:
                # "3 points" and 2.5 were called "an empty grid"; one point was the start alone
                # (numpy's), the stop silently dropped
                one = " (one point would be the start alone; give one value with 'values')"
                raise OutOfRangeError(
                    f"{where}: the number of points, the third entry, must be a positive integer "
                    f"of at least 2, got {num!r}{one if num == 1 else ''}.{_count_fix(num)} Example: "
                    f"{key}: [{_shown_entry(spec[0])}, {_shown_entry(spec[1])}, 5]."
                )
            if num > MAX_POINTS:
                raise OutOfRangeError(
                    f"{where}: {num} points is more than a sweep takes (at most {MAX_POINTS}). "
                    f"{_TOO_MANY}"
                )
            if key == "linspace":
                values = np.linspace(start[0], stop[0], num).tolist()
                scale = "linear"
            else:
                if start[0] <= 0 or stop[0] <= 0:
                    raise OutOfRangeError(
                        f"{where}: logspace takes positive end points (values, not exponents), "
                        f"got {spec!r}."
                    )
                values = np.geomspace(start[0], stop[0], num).tolist()
                scale = "log"
        if len(set(values)) != len(values):
            raise InvalidOptionError(f"{where}: repeated values {spec!r}; give each value once.")
        return Axis(name, target, unit or "", values=tuple(float(v) for v in values), scale=scale)

    # -- checks by the cell -----------------------------------------------------------------
    def check_value(self, spec: SweepSpec, ax: Axis, value: float) -> None:
        """Refuse a value outside its parameter's validity range or refused by the cell (or its
        protocol step), with the other quantities at their fixed values or defaults."""
        shown = f"{value:g} {plain_powers(ax.unit)}".strip()
        where = f"Sweep spec 'vary.{ax.name}' = {shown}"
        single = SweepSpec(**{**spec.__dict__, "axes": (ax,), "design": "grid"})
        conditions, arguments, parameters = single.inputs({ax.name: value})
        entry = ax.name if ax.target == "parameter" else CONDITION_ENTRIES.get(ax.name)
        if entry and entry in self.entries:
            rng = self.base.entry(entry).valid_range
            si = parameters.get(entry)
            if si is None and ax.target == "condition":
                si = _condition_si(ax, value, entry)
            if rng is not None and si is not None and not rng[0] <= si <= rng[1]:
                raise OutOfRangeError(
                    f"{where} lies outside the validity range of {entry!r}, {rng[0]:g} to "
                    f"{rng[1]:g} (SI). Keep the values within it."
                )
        try:
            with warnings.catch_warnings():
                # an extrapolating sweep runs such a value; its point's status says so
                warnings.simplefilter("ignore" if spec.extrapolate else "error", OutOfRangeWarning)
                build_cell(self.kind, spec.anode, conditions, parameters, self.base)
                protocol_step(self.kind, spec.protocol, arguments)
        except OutOfRangeWarning as exc:
            raise OutOfRangeError(
                f"{where}: {plain_powers(str(exc))} {_EXTRAPOLATE_HINT}"
            ) from None
        except SolidnaError as exc:
            # the API's messages start with the argument's name: a fixed one is to blame, not
            # the varied value (a 'duration' of 1e99 h refused while checking 'vary.current_density')
            message = plain_powers(str(exc))
            fixed = [f"protocol.{spec.protocol}.{n}" for n in spec.arguments]
            fixed += [f"conditions.{n}" for n in spec.conditions]
            for entry in fixed:
                if message.startswith(entry.rsplit(".", 1)[1] + ":"):
                    where = f"Sweep spec '{entry}'"
            raise type(exc)(f"{where}: {message}") from None


def _condition_si(ax: Axis, value: float, entry: str) -> float | None:
    """The SI value a condition sets on its parameter entry (pressure stays in bar)."""
    if not ax.unit:
        return float(value)
    target = _pint_unit(entry[entry.rfind("[") + 1 : -1])
    try:
        return float(Q_(value, ax.unit).to(target).magnitude)
    except Exception:  # a unit pint cannot convert was refused earlier
        return None


def _outputs(raw: Any, cell: str) -> tuple[Output, ...]:
    """Parse the ``outputs`` list (default: the energy and the per-cycle table)."""
    where = "Sweep spec 'outputs'"
    items = raw if raw is not None else ["energy", "per_cycle"]
    if not isinstance(items, list) or not items:
        raise DataFormatError(f"{where}: give a non-empty list, e.g. [energy, per_cycle].")
    kinds = ["time_to", "cycles_to", "overpotential_at", "capacity_at", "energy", "per_cycle"]
    outs: list[Output] = []
    for item in items:
        if isinstance(item, str):
            key, body = item, None
        elif isinstance(item, Mapping) and len(item) == 1:
            key, body = next(iter(item.items()))
        else:
            raise DataFormatError(
                f"{where}: each entry is a name or a one-key mapping, got {item!r}."
            )
        if key not in kinds:
            raise _unknown("output", key, kinds, where)
        outs += _output(key, body, cell, f"{where} '{key}'")
    names = [o.name for o in outs]
    if len(set(names)) != len(names):
        raise InvalidOptionError(f"{where}: an output is asked for twice ({names}).")
    return tuple(outs)


def _output(key: str, body: Any, cell: str, where: str) -> list[Output]:
    columns = PER_CYCLE[cell]
    if key == "energy":
        name, sense = ENERGY[cell]
        return [Output("energy", name, sense)]
    if key == "per_cycle":
        return [Output("per_cycle", name, sense) for name, sense in columns.items()]
    if key in ("time_to", "cycles_to"):
        return [_criterion(key, body, cell, where)]
    quantity = "Overpotential [mV]" if key == "overpotential_at" else "Discharge capacity [mAh.g-1]"
    if quantity not in columns:
        raise InvalidOptionError(
            f"{where}: the {cell} cell reports no {quantity.split(' [')[0].lower()} per cycle; "
            f"its per-cycle quantities are {list(columns)}."
        )
    if not isinstance(body, Mapping) or not set(body) <= {"times", "cycles"} or not body:
        raise DataFormatError(
            f"{where}: give {{times: [100 h, ...]}} and/or {{cycles: [10, ...]}}."
        )
    label, unit = quantity.split(" [")
    outs = []
    for key_ in ("times", "cycles"):
        # one value alone is a list of one ("times: 100 h" was read letter by letter)
        if key_ in body and not isinstance(body[key_], list):
            body = {**body, key_: [] if body[key_] is None else [body[key_]]}
    for t in body.get("times", []) or []:
        t_h = _as(t, "h", where)
        outs.append(
            Output(
                "at", f"{label} at {t_h:g} h [{unit}", columns[quantity], quantity, at_time_h=t_h
            )
        )
    for c in body.get("cycles", []) or []:
        if isinstance(c, bool) or not isinstance(c, int) or c < 1:
            raise OutOfRangeError(f"{where}: cycle numbers are integers from 1, got {c!r}.")
        outs.append(
            Output("at", f"{label} at cycle {c} [{unit}", columns[quantity], quantity, at_cycle=c)
        )
    if not outs:
        raise OutOfRangeError(f"{where}: the list of times or cycles is empty.")
    return outs


def _as(value: Any, unit: str, where: str) -> float:
    try:
        magnitude, given = _split(value)
    except UnitError as exc:
        raise UnitError(f"{where}: {exc}.") from None
    if not given:
        raise UnitError(f"{where}: {value!r} has no unit; write e.g. '100 {unit}'.")
    try:
        return float(Q_(magnitude, given).to(unit).magnitude)
    except Exception:
        raise UnitError(f"{where}: {value!r} is not convertible to {unit}.") from None


def _percent(value: Any, where: str) -> float:
    """``"80 %"`` -> 80.0 (a bare number is refused: a fraction or a percentage?)."""
    from solidna.units import _parse_text

    text = str(value)
    if "%" not in text and "percent" not in text:
        raise UnitError(f"{where}: {value!r} has no unit; write a percentage, e.g. '80 %'.")
    try:
        _split(text, "percentage")  # "80,5 %" was 805 %
    except UnitError as exc:
        raise UnitError(f"{where}: {exc}.") from None
    try:
        return float(_parse_text(text).to("percent").magnitude)
    except Exception:
        raise UnitError(f"{where}: {value!r} cannot be read as a percentage.") from None


def _criterion(key: str, body: Any, cell: str, where: str) -> Output:
    noun = "Time" if key == "time_to" else "Cycles"
    unit = "h" if key == "time_to" else "-"
    sense = "max"  # reaching a failure criterion later is better
    if body == "voltage_limit":
        return Output(key, f"{noun} to voltage limit [{unit}]", sense, "voltage_limit")
    if not isinstance(body, Mapping) or len(body) != 1:
        raise DataFormatError(
            f"{where}: give one criterion: voltage_limit, {{overpotential_above: 150 mV}} or "
            "{capacity_below: 80 %}."
        )
    crit, value = next(iter(body.items()))
    if crit == "overpotential_above":
        if "Overpotential [mV]" not in PER_CYCLE[cell]:
            raise InvalidOptionError(
                f"{where}: the {cell} cell reports no overpotential per cycle."
            )
        mv = _as(value, "mV", where)
        return Output(key, f"{noun} to overpotential above {mv:g} mV [{unit}]", sense, crit, mv)
    if crit == "capacity_below":
        if "Discharge capacity [mAh.g-1]" not in PER_CYCLE[cell]:
            raise InvalidOptionError(f"{where}: the {cell} cell reports no capacity per cycle.")
        pct = _percent(value, where)
        if not 0 < pct < 100:
            raise OutOfRangeError(f"{where}: {value!r} must lie between 0 % and 100 %.")
        return Output(key, f"{noun} to capacity below {pct:g} % [{unit}]", sense, crit, pct)
    raise _unknown(
        "criterion", str(crit), ["voltage_limit", "overpotential_above", "capacity_below"], where
    )


def _design(raw: Any) -> tuple[str, int, int | None]:
    where = "Sweep spec 'design'"
    if raw is None:
        return "grid", 0, None
    if isinstance(raw, str):
        raw = {"method": raw}
    if not isinstance(raw, Mapping):
        raise DataFormatError(f"{where}: expected {{method: grid|lhs|sobol, samples: N, seed: S}}.")
    for key in raw:
        if key not in ("method", "samples", "seed"):
            raise _unknown("key", key, ["method", "samples", "seed"], where)
    method = str(raw.get("method", "grid")).lower()
    if method not in DESIGNS:
        raise _unknown("method", method, list(DESIGNS), where)
    if method == "grid":
        if "samples" in raw:
            raise InvalidOptionError(f"{where}: a grid takes no 'samples' (it is the product).")
        return "grid", 0, None
    n = raw.get("samples")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise OutOfRangeError(
            f"{where}: 'samples' must be a positive integer (the number of points of a {method} "
            f"design), got {n!r}.{_count_fix(n)} Example: samples: 16."
        )
    if n > MAX_POINTS:
        raise OutOfRangeError(
            f"{where}: {n} samples is more than a sweep takes (at most {MAX_POINTS}). Use fewer."
        )
    seed = raw.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InvalidOptionError(f"{where}: 'seed' must be an integer, got {seed!r}.")
    return method, n, seed


def load_spec(source: str | Path | Mapping[str, Any], jump: bool | None = None) -> SweepSpec:
    """Read and check a sweep spec (YAML or TOML file, or a dict) before any work starts.

    Parameters
    ----------
    source : str, Path or mapping
        The spec file or its content.
    jump : bool, optional
        Overrides the spec's ``jump`` (cycle jumping on/off; ``None``: as the spec says, and
        where it says nothing, as the cells decide). ``False`` is ``solidna sweep --full``.

    Raises
    ------
    InvalidOptionError, UnitError, OutOfRangeError, DataFormatError
        Naming the entry: an unknown name (with the closest matches), a missing or wrong unit,
        an empty grid, a sample count of zero, a value outside its parameter's validity range.
    """
    raw = _read(source)
    chk = _Checker(raw)
    anode = str(raw.get("anode", "modified"))
    conditions = {}
    for name, value in chk.fixed("conditions").items():
        where = f"Sweep spec 'conditions.{name}'"
        if chk.target(name, where)[0] != "condition":
            raise InvalidOptionError(
                f"{where}: {name!r} is not a condition of the {chk.cell} cell "
                f"({list(chk.kind.conditions)}); put parameter-set entries under 'parameters' "
                "and protocol arguments under 'protocol'."
            )
        conditions[name] = _item(chk.quantity(name, value, None, where))
    arguments = {}
    for name, value in chk.protocol_args.items():
        where = f"Sweep spec 'protocol.{chk.protocol}.{name}'"
        if name not in chk.kind.protocols[chk.protocol].arguments:
            args = list(chk.kind.protocols[chk.protocol].arguments)
            raise _unknown("argument", name, args, where)
        arguments[name] = _item(chk.quantity(name, value, None, where))
    parameters = {}
    for name, value in chk.fixed("parameters").items():
        where = f"Sweep spec 'parameters.{name}'"
        if chk.target(name, where)[0] != "parameter":
            raise InvalidOptionError(f"{where}: {name!r} is not an entry of the parameter set.")
        magnitude, unit = chk.quantity(name, value, None, where)
        parameters[name] = _entry_si(magnitude, unit, name)
    design, samples, seed = _design(raw.get("design"))
    vary = raw.get("vary")
    if not isinstance(vary, Mapping) or not vary:
        raise DataFormatError(
            "Sweep spec 'vary': give at least one quantity to vary, e.g. "
            "'vary: {sse_thickness: {values: [40 um, 60 um]}}'."
        )
    axes = tuple(chk.axis(str(name), body, design) for name, body in vary.items())
    for ax in axes:
        if ax.name in conditions or ax.name in arguments or ax.name in parameters:
            raise InvalidOptionError(
                f"Sweep spec 'vary.{ax.name}': also given a fixed value; give it in one place."
            )
    jump = raw.get("jump") if jump is None else jump
    if jump is not None and not isinstance(jump, bool):
        raise InvalidOptionError(f"Sweep spec 'jump': true or false, got {jump!r}.")
    if jump and chk.cell == "na-co2":
        # A jumped Na-CO2 run's time series lacks the skipped cycles, so the sweep's per-cycle
        # end times and criteria could not be read from it; the cell keeps it off by default
        # because it gains little over the paper's 50 cycles (solidna.cells.na_co2).
        raise InvalidOptionError(
            "Sweep spec 'jump': true is not available for the na-co2 cell (a sweep reads every "
            "cycle of its record). Leave 'jump' out or set it to false."
        )
    outputs = _outputs(raw.get("outputs"), chk.cell)
    extrapolate = raw.get("extrapolate", False)
    if not isinstance(extrapolate, bool):
        raise InvalidOptionError(
            f"Sweep spec 'extrapolate': true or false, got {extrapolate!r} (true runs values "
            "outside a cell's validated range, each such point marked)."
        )
    spec = SweepSpec(
        cell=chk.cell,
        anode=anode,
        parameter_set=chk.set_name,
        protocol=chk.protocol,
        conditions=conditions,
        arguments=arguments,
        parameters=parameters,
        axes=axes,
        design=design,
        samples=samples,
        seed=seed,
        outputs=outputs,
        jump=jump,
        canonical={},
        extrapolate=extrapolate,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore" if extrapolate else "error", OutOfRangeWarning)
            build_cell(chk.kind, anode, conditions, parameters, chk.base)
    except OutOfRangeWarning as exc:
        raise OutOfRangeError(
            f"Sweep spec (fixed conditions and parameters): {plain_powers(str(exc))} "
            f"{_EXTRAPOLATE_HINT}"
        ) from None
    except SolidnaError as exc:
        raise type(exc)(f"Sweep spec (fixed conditions and parameters): {exc}") from None
    if spec.size > MAX_POINTS:
        shape = " x ".join(f"{n} ({ax.name})" for n, ax in zip(spec.shape, axes, strict=True))
        raise OutOfRangeError(
            f"Sweep spec 'vary': the grid {shape} has {spec.size} points, more than a sweep "
            f"takes (at most {MAX_POINTS}). {_TOO_MANY}"
        )
    for ax in axes:
        for value in ax.values or ax.bounds:
            chk.check_value(spec, ax, value)
    canonical = json.loads(json.dumps(_canonical(spec)))
    return SweepSpec(**{**spec.__dict__, "canonical": canonical})


def _item(quantity: tuple[float, str]) -> Any:
    magnitude, unit = quantity
    return (magnitude, unit) if unit else magnitude


def _canonical(spec: SweepSpec) -> dict[str, Any]:
    """The spec as understood, in plain JSON types (stored with the results)."""

    def shown(v: Any) -> Any:
        return f"{v[0]!r} {v[1]}" if isinstance(v, tuple) else v

    return {
        "cell": spec.cell,
        "anode": spec.anode,
        "parameter_set": spec.parameter_set,
        "protocol": {spec.protocol: {k: shown(v) for k, v in spec.arguments.items()}},
        "conditions": {k: shown(v) for k, v in spec.conditions.items()},
        "parameters": dict(spec.parameters),
        "design": {"method": spec.design, "samples": spec.samples, "seed": spec.seed},
        "vary": {
            a.name: {
                "unit": a.unit,
                "scale": a.scale,
                **({"values": list(a.values)} if a.values else {"range": list(a.bounds)}),
            }
            for a in spec.axes
        },
        "outputs": [o.name for o in spec.outputs],
        "jump": spec.jump,
        # only when set: a store written before the key existed resumes unchanged
        **({"extrapolate": True} if spec.extrapolate else {}),
    }


#: An entry a canonical spec lacks (a store written before the key existed).
_ABSENT = object()

#: Values of ``jump`` in words: ``None`` leaves cycle jumping to the cells, ``False`` is
#: ``solidna sweep --full``.
_JUMP_WORDS = {None: "automatic", True: "on", False: "off"}


def _shown(path: str, value: Any) -> str:
    """A canonical spec's value as a message shows it: in the spec file's words, not Python's
    (``jump: None -> False`` reads ``jump: automatic -> off``)."""
    if value is _ABSENT:
        # "extrapolate" is stored only when true (see _canonical)
        return "false" if path == "extrapolate" else "not given"
    if path == "jump" and (value is None or isinstance(value, bool)):
        return _JUMP_WORDS[value]
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"  # as YAML and TOML write it
    if isinstance(value, (list, tuple, Mapping)):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def spec_differences(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The entries where two canonical specs differ, as ``"key: old -> new"`` lines, the values
    in the spec file's words (``"jump: automatic -> off"``, ``"design.seed: not set -> 3"``)."""
    out: list[str] = []
    for key in sorted(set(old) | set(new), key=str):
        path = f"{prefix}.{key}" if prefix else str(key)
        a, b = old.get(key, _ABSENT), new.get(key, _ABSENT)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out += spec_differences(a, b, path)
        elif a != b and not (_is_nan(a) and _is_nan(b)):
            out.append(f"{path}: {_shown(path, a)} -> {_shown(path, b)}")
    return out


def _is_nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)
