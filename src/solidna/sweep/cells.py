"""What a sweep may vary for each cell: the cell's conditions and its protocols' arguments, with
the unit each is given in, and how one design point becomes a cell run.

A sweep calls the public cell API (:class:`~solidna.SymmetricCell`, :class:`~solidna.NaCO2Cell`,
:class:`~solidna.NVPCell`) with the point's values as strings with units, exactly as a user
would, so a sweep point and the single-cell run with the same inputs are the same computation.
Parameter-set entries (e.g. ``"Exchange current density [A.m-2]"``) are varied through
:meth:`~solidna.parameters.ParameterSet.updated`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CellKind",
    "ProtocolKind",
    "CELL_KINDS",
    "CONDITION_ENTRIES",
    "build_cell",
    "protocol_step",
    "run_protocol",
]

#: Conditions of the cell constructors and the parameter-set entry each one sets (their validity
#: ranges are checked against that entry).
CONDITION_ENTRIES: dict[str, str] = {
    "temperature": "Temperature [K]",
    "sse_thickness": "SSE thickness [m]",
    "pvdf_ratio": "SSE PVDF-HFP ratio [-]",
    "co2_pressure": "CO2 partial pressure [bar]",
}


@dataclass(frozen=True)
class CellKind:
    """One cell type as a sweep sees it.

    Attributes
    ----------
    name : str
        Spec name (``"symmetric"``, ``"na-co2"``, ``"nvp"``).
    conditions : dict
        Constructor keyword -> SI unit of its values (``""`` for a plain number).
    protocols : dict
        Method name -> :class:`ProtocolKind`.
    default_protocol : str
        The method run when the spec names none.
    """

    name: str
    factory: Callable[[], type]
    conditions: Mapping[str, str]
    protocols: Mapping[str, ProtocolKind]
    default_protocol: str


def _symmetric() -> type:
    from solidna.cells import SymmetricCell

    return SymmetricCell


def _na_co2() -> type:
    from solidna.cells import NaCO2Cell

    return NaCO2Cell


def _nvp() -> type:
    from solidna.cells import NVPCell

    return NVPCell


def _plating_stripping(a: Mapping[str, Any]):
    from solidna.protocols import PlatingStripping

    step = PlatingStripping(
        a["current_density"], a["duration"], half_cycle=a["half_cycle"], capacity=a["capacity"]
    )
    return step, math.ceil(step.duration_s / (2 * step.half_cycle_s) - 1e-9)


def _rest(a: Mapping[str, Any]):
    from solidna.protocols import Rest

    return Rest(a["duration"]), 0


def _capacity_cycling(a: Mapping[str, Any]):
    from solidna.protocols import CapacityCycling

    step = CapacityCycling(
        a["current"], a["capacity"], int(a["cycles"]), a["discharge_cutoff"], a["charge_cutoff"]
    )
    return step, int(a["cycles"])


def _full_discharge(a: Mapping[str, Any]):
    from solidna.protocols import FullDischarge

    return FullDischarge(a["current"], a["cutoff"]), 1


def _galvanostatic(a: Mapping[str, Any]):
    from solidna.protocols import GalvanostaticCycling

    step = GalvanostaticCycling(a["c_rate"], int(a["cycles"]), a["lower_cutoff"], a["upper_cutoff"])
    return step, int(a["cycles"])


@dataclass(frozen=True)
class ProtocolKind:
    """A protocol method of a cell: its keywords (-> SI unit; ``""`` a plain number, ``"int"`` a
    count) and the step it builds with the number of cycles it asks for (for checks before any
    run, and the length of the per-cycle tables)."""

    arguments: Mapping[str, str]
    step: Callable[[Mapping[str, Any]], tuple[Any, int]]


_COMMON = {"temperature": "K", "sse_thickness": "m", "pvdf_ratio": ""}

CELL_KINDS: dict[str, CellKind] = {
    "symmetric": CellKind(
        "symmetric",
        _symmetric,
        _COMMON | {"var_pts": "int"},
        {
            "cycle": ProtocolKind(
                {
                    "current_density": "A/m**2",
                    "half_cycle": "s",
                    "duration": "s",
                    "capacity": "C/m**2",
                },
                _plating_stripping,
            ),
            "rest": ProtocolKind({"duration": "s"}, _rest),
        },
        "cycle",
    ),
    "na-co2": CellKind(
        "na-co2",
        _na_co2,
        _COMMON | {"var_pts": "int", "co2_pressure": "bar"},
        {
            "cycle": ProtocolKind(
                {
                    "current": "A/kg",
                    "capacity": "C/kg",
                    "cycles": "int",
                    "charge_cutoff": "V",
                    "discharge_cutoff": "V",
                },
                _capacity_cycling,
            ),
            "discharge": ProtocolKind({"current": "A/kg", "cutoff": "V"}, _full_discharge),
        },
        "cycle",
    ),
    "nvp": CellKind(
        "nvp",
        _nvp,
        _COMMON,
        {
            "cycle": ProtocolKind(
                {"c_rate": "", "cycles": "int", "lower_cutoff": "V", "upper_cutoff": "V"},
                _galvanostatic,
            ),
        },
        "cycle",
    ),
}


def protocol_step(kind: CellKind, method: str, arguments: Mapping[str, Any]) -> tuple[Any, int]:
    """The protocol step of ``kind.method`` with ``arguments`` (the method's defaults for the
    rest) and its number of cycles; raises the step's own error for a bad value.

    Parameters
    ----------
    kind : CellKind
        The cell kind.
    method : str
        The cell's protocol method (e.g. ``"cycle"``).
    arguments : mapping
        Protocol arguments by name: numbers in SI, strings with units, or ``(value, unit)``.

    Returns
    -------
    tuple
        The protocol step and its number of cycles [-].
    """
    func = getattr(kind.factory(), method)
    defaults = {
        name: p.default
        for name, p in inspect.signature(func).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    return kind.protocols[method].step(defaults | {k: _argument(v) for k, v in arguments.items()})


def _argument(value: Any) -> Any:
    """A spec value as the cell API takes it: ``(magnitude, unit)`` -> ``"magnitude unit"``."""
    if isinstance(value, tuple):
        magnitude, unit = value
        return f"{magnitude!r} {unit}" if unit else magnitude
    return value


def build_cell(
    kind: CellKind,
    anode: str,
    conditions: Mapping[str, Any],
    parameters: Mapping[str, float],
    base: Any = None,
):
    """The cell of one point.

    Parameters
    ----------
    kind : CellKind
        The cell type.
    anode : str
        ``"modified"`` or ``"pristine"``.
    conditions : mapping
        Constructor keyword -> value (``(magnitude, unit)`` or a plain number).
    parameters : mapping
        Parameter-set entry -> SI value, applied with :meth:`ParameterSet.updated`.
    base : ParameterSet, optional
        The set to start from (default Lu 2019; loaded once per process by the caller).
    """
    from solidna.parameters import lu2019

    ps = base if base is not None else lu2019()
    if parameters:
        ps = ps.updated(dict(parameters), method="assumed", source="user", note="set by a sweep")
    kwargs = {k: _argument(v) for k, v in conditions.items()}
    if "var_pts" in kwargs:
        kwargs["var_pts"] = int(kwargs["var_pts"])
    return kind.factory()(anode, ps, **kwargs)


def accepts_keyword(func: Callable[..., Any], name: str) -> bool:
    """Whether ``func`` takes the keyword ``name`` (cycle jumping is passed only where the cells
    accept it)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def run_protocol(cell: Any, method: str, arguments: Mapping[str, Any], jump: bool | None):
    """Run ``cell.<method>(**arguments)``; ``jump`` (cycle jumping on/off, ``None``: the cell's
    default) is passed only when the method takes it.

    Parameters
    ----------
    cell : object
        The cell (e.g. a :class:`~solidna.SymmetricCell`).
    method : str
        The protocol method to call.
    arguments : mapping
        Its arguments, as for :func:`protocol_step`.
    jump : bool or None
        Cycle jumping on/off; None for the cell's default.

    Returns
    -------
    object
        The run's result.
    """
    func = getattr(cell, method)
    kwargs = {k: _argument(v) for k, v in arguments.items()}
    if "cycles" in kwargs:
        kwargs["cycles"] = int(kwargs["cycles"])
    if jump is not None and accepts_keyword(func, "jump"):
        kwargs["jump"] = jump
    return func(**kwargs)
