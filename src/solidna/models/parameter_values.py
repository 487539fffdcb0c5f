"""The Lu 2019 parameter set as ``pybamm.ParameterValues`` for each cell, with provenance.

A PyBaMM user needs nothing else::

    >>> import pybamm
    >>> from solidna.models.parameter_values import pybamm_parameter_values, provenance_table
    >>> pv = pybamm_parameter_values("symmetric", anode="modified")
    >>> isinstance(pv, pybamm.ParameterValues)
    True
    >>> provenance_table("symmetric").loc["SSE conductivity [S.m-1]", "method"]
    'derived'

Each model's ``default_parameter_values`` is this export, so ``pybamm.Simulation(model)`` runs
with no further input. Values that PyBaMM's machinery needs but the paper does not give (the
current of a plain ``Simulation``, a nominal capacity for C-rate steps) are listed in the
provenance table with method ``assumed`` and the reason.
"""

from __future__ import annotations

from typing import Any

import pybamm

from solidna.errors import check_choice
from solidna.parameters import ParameterSet, lu2019
from solidna.parameters.parameter_set import unit_of

__all__ = ["CELLS", "pybamm_parameter_values", "provenance_table"]

#: Cells that can be exported.
CELLS = ("symmetric", "na-co2", "nvp")

# Entries the export adds for PyBaMM (not in the TOML set): method, source, note.
_PYBAMM_ENTRIES: dict[str, tuple[str, str, str]] = {
    "Ambient temperature [K]": (
        "derived",
        "Temperature [K]",
        "the temperature the model runs at: the set's 'Temperature [K]' (where the derived SSE "
        "and CO2 values are quoted) unless an experiment step's temperature= sets another",
    ),
    "Current function [A]": (
        "assumed",
        "solidna.models.parameter_values",
        "PyBaMM's default current for a plain Simulation: 0.1 mA/cm2 (symmetric, Na-CO2) or 1 C "
        "(NVP), positive on discharge; an Experiment sets its own",
    ),
    "Nominal cell capacity [A.h]": (
        "assumed",
        "solidna.models.base.CircuitParameters",
        "symmetric and Na-CO2 cells: one hour at the current scale (0.1 mA/cm2 x area), so a "
        "PyBaMM C-rate step is a multiple of 0.1 mA/cm2 (the Na metal is in excess, the cell has "
        "no capacity of its own); NVP: the theoretical capacity of the cathode (1 C)",
    ),
    "Voltage function [V]": (
        "assumed",
        "solidna.models.parameter_values",
        "0 V (the rest potential of the symmetric cell) for the voltage operating mode",
    ),
}

_DERIVED_SOURCE = {
    "symmetric": "solidna.models.solve.symmetric_parameter_values",
    "na-co2": "solidna.models.na_co2.na_co2_parameter_values",
    "nvp": "solidna.models.nvp.half_cell_parameter_values",
}


def _values(
    cell: str,
    anode: str,
    parameters: ParameterSet,
    initial_thickness_m: tuple[float, float] | None = None,
) -> dict[str, Any]:
    if cell == "symmetric":
        from solidna.models.solve import symmetric_parameter_values

        values = symmetric_parameter_values(parameters, anode, initial_thickness_m)
        # a 0.1 mA/cm2 discharge: one nominal capacity per hour
        values["Current function [A]"] = values["Nominal cell capacity [A.h]"]
        values["Voltage function [V]"] = 0.0
        return values
    if cell == "na-co2":
        from solidna.models.na_co2 import na_co2_parameter_values

        values = na_co2_parameter_values(parameters, anode)
        values["Current function [A]"] = values["Nominal cell capacity [A.h]"]
        return values
    from solidna.models.nvp import half_cell_parameter_values

    return half_cell_parameter_values(parameters, anode)


def pybamm_parameter_values(
    cell: str = "symmetric",
    anode: str = "modified",
    parameters: ParameterSet | None = None,
    initial_thickness_m: tuple[float, float] | None = None,
) -> pybamm.ParameterValues:
    """The parameter set as PyBaMM expects it for ``cell``'s model.

    Parameters
    ----------
    cell : str
        ``"symmetric"`` (:class:`~solidna.models.SymmetricCellModel`), ``"na-co2"``
        (:class:`~solidna.models.na_co2.NaCO2CellModel`) or ``"nvp"``
        (:class:`~solidna.models.nvp.NVPHalfCellModel`).
    anode : str
        ``"modified"`` (M-Na) or ``"pristine"``.
    parameters : ParameterSet, optional
        Defaults to :func:`solidna.lu2019`.
    initial_thickness_m : (float, float), optional
        Symmetric cell: interphase thicknesses [m] of the left and right electrodes at t = 0
        (default: the set's initial thickness).

    Returns
    -------
    pybamm.ParameterValues
        SI values (derived quantities computed), including "Current function [A]" (positive on
        discharge) and the voltage cut-offs.
    """
    check_choice("cell", cell, CELLS)
    check_choice("anode type", anode, ("modified", "pristine"))
    values = _values(cell, anode, parameters or lu2019(), initial_thickness_m)
    return pybamm.ParameterValues(values)


def provenance_table(
    cell: str = "symmetric", anode: str = "modified", parameters: ParameterSet | None = None
):
    """Where each value of :func:`pybamm_parameter_values` comes from.

    Parameters
    ----------
    cell : str
        ``"symmetric"`` (default), ``"na-co2"`` or ``"nvp"``: the cell whose exported values are
        listed.
    anode : str
        ``"modified"`` (M-Na, default) or ``"pristine"``.
    parameters : ParameterSet, optional
        Set the values and their provenance come from. Defaults to :func:`solidna.lu2019`.

    Returns
    -------
    pandas.DataFrame
        Indexed by PyBaMM name: ``value`` (a number, or the name of the function for functional
        parameters), ``unit``, ``method`` (measured | literature | fitted | estimated | assumed,
        or ``derived`` when computed from other entries), ``source`` (a reference key,
        ``lu2019:<figure>``, or the function that derives it) and ``note``.
    """
    import pandas as pd

    check_choice("cell", cell, CELLS)
    ps = parameters or lu2019()
    own = set(ps)  # ParameterSet raises InvalidOptionError (not KeyError) for unknown names
    rows = []
    for name, value in _values(cell, anode, ps).items():
        unit = unit_of(name)
        shown = value if isinstance(value, int | float) else getattr(value, "__name__", repr(value))
        if name in own:
            p = ps.entry(name)
            method, source, note = p.method, p.source, p.note
        elif name in _PYBAMM_ENTRIES:
            method, source, note = _PYBAMM_ENTRIES[name]
        else:
            method, source = "derived", _DERIVED_SOURCE[cell]
            note = "computed from the set's entries (or PyBaMM's name for one of them)"
        rows.append(
            {"name": name, "value": shown, "unit": unit, "method": method, "source": source}
            | {"note": note}
        )
    return pd.DataFrame(rows).set_index("name")
