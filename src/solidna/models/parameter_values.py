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
with no further input. Where a model reads a name of its own for one of the set's entries (the
NVP half cell's PyBaMM names, e.g. "Separator thickness [m]" for "SSE thickness [m]"; the start
state of the symmetric and Na-CO2 cells' films), that name is a link, ``pybamm.Parameter`` of the
entry: a change under either name reaches the model. Derived values with a closed form are
expressions of the entries they come from (:func:`solidna.models.solve.link_derived_values`): the
salt diffusivity (Nernst-Einstein from the conductivity and the transference number) in every
cell, and the Na-CO2 cell's CO2 saturation, equilibrium voltage, accessible volume fraction, CNT
area and product molar volume: ``pv["CO2 partial pressure [bar]"] = 2`` gives what the values
built at 2 bar give; read one as a number with ``pv.evaluate(pybamm.Parameter(name))``. The SSE
conductivity cannot be written so (its law has no closed form): an edit of its inputs ("SSE
PVDF-HFP ratio [-]", the law's entries, "Temperature [K]") is refused when the model is processed
(:func:`solidna.models.solve.check_electrolyte_entries`). Values that PyBaMM's machinery needs but
the paper does not give (the current of a plain ``Simulation``, a nominal capacity for C-rate
steps) are listed in the provenance table with method ``assumed`` and the reason.
"""

from __future__ import annotations

import functools
import numbers
import re
from importlib import resources
from typing import Any

import pybamm

from solidna._docstrings import fill_doc
from solidna.errors import check_choice
from solidna.parameters import ParameterSet, lu2019
from solidna.parameters.parameter_set import unit_of

__all__ = ["CELLS", "SET_CITATION", "bibtex_entry", "pybamm_parameter_values", "provenance_table"]

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
        "PyBaMM's default current for a plain Simulation, positive on discharge: 0.1 mA/cm2 "
        "(symmetric, Na-CO2); NVP: 1 C across the window from the start state "
        "(solidna.models.nvp.default_current_A), a charge from the as-made, discharged cell and "
        "a discharge from one started charged; an Experiment sets its own",
    ),
    "Initial temperature [K]": (
        "derived",
        "Temperature [K]",
        "the temperature the cell starts at (an experiment sets it to its first step's "
        "temperature): the NVP SPMe's initial temperature; the temperature of the CO2 "
        "saturation that scales the Na-CO2 model's CO2 concentration for the solver",
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


#: Key of the parameter set's source in ``solidna/parameters/references.bib``, registered with
#: PyBaMM's citations when the values are exported (as ``pybamm.ParameterValues("Chen2020")``
#: registers Chen 2020).
SET_CITATION = "lu2019"


@functools.lru_cache(maxsize=8)
def bibtex_entry(key: str) -> str:
    """The BibTeX entry ``key`` of ``solidna/parameters/references.bib`` (its text, from ``@`` to
    the closing brace).

    Parameters
    ----------
    key : str
        The entry's key, e.g. ``"lu2019"``.

    Returns
    -------
    str
        The entry, as ``pybamm.citations.register`` takes it.

    Raises
    ------
    KeyError
        No entry of that key.
    """
    text = resources.files("solidna.parameters").joinpath("references.bib").read_text("utf-8")
    match = re.search(r"@\w+\{\s*" + re.escape(key) + r"\s*,", text)
    if match is None:
        raise KeyError(f"No entry {key!r} in solidna/parameters/references.bib.")
    depth = 0
    for end in range(text.index("{", match.start()), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[match.start() : end + 1]
    raise KeyError(f"The entry {key!r} of solidna/parameters/references.bib is not closed.")


def _initial_thickness_entry(anode: str) -> str:
    """The set's entry of the fresh interphase's thickness on ``anode``."""
    return f"{'Modified' if anode == 'modified' else 'Pristine'} interphase initial thickness [m]"


def _link_copies(values: dict[str, Any], copies: dict[str, str]) -> dict[str, Any]:
    """``values`` with each model-named copy of one of the set's entries (``copies``: the
    model's name -> the entry) made a link to the entry, ``pybamm.Parameter(entry)``, where the
    copy holds the entry's number (the fresh cell; a start state of an aged cell stays a number).

    The models read their own names for the start state ("Initial left interphase thickness
    [m]"); the set's entry ("Modified interphase initial thickness [m]") stays in the export,
    and a modeller who changed it saw no change at all. Linked, a change under either name
    reaches the model, with the same numbers
    (:func:`solidna.models.nvp.link_set_entries` does the same for the half cell's PyBaMM names).
    """
    for name, entry in copies.items():
        value = values.get(name)
        if isinstance(value, numbers.Real) and value == values.get(entry):
            values[name] = pybamm.Parameter(entry)
    return values


def _derived_expressions(cell: str) -> dict[str, pybamm.Symbol]:
    """``cell``'s derived values that are expressions of other entries, as those expressions:
    the SSE's salt diffusivity in every cell, and the Na-CO2 cell's CO2 and cathode values."""
    from solidna.models.solve import electrolyte_value_expressions

    expressions = electrolyte_value_expressions()
    if cell == "na-co2":
        from solidna.models.na_co2 import derived_value_expressions

        expressions |= derived_value_expressions()
    return expressions


def _values(
    cell: str,
    anode: str,
    parameters: ParameterSet,
    initial_thickness_m: tuple[float, float] | None = None,
) -> dict[str, Any]:
    from solidna.models.solve import link_derived_values

    # derived values as expressions of the entries they come from (the salt diffusivity; the
    # Na-CO2 CO2 saturation, equilibrium voltage, cathode fractions, ...): an edit of the
    # transference number, the pressure, the loading or the thickness reaches the model
    expressions = _derived_expressions(cell)
    if cell == "symmetric":
        from solidna.models.solve import symmetric_parameter_values

        values = symmetric_parameter_values(parameters, anode, initial_thickness_m)
        # a 0.1 mA/cm2 discharge: one nominal capacity per hour
        values["Current function [A]"] = values["Nominal cell capacity [A.h]"]
        values["Voltage function [V]"] = 0.0
        initial = _initial_thickness_entry(anode)
        return _link_copies(
            link_derived_values(values, expressions),
            {
                "Initial left interphase thickness [m]": initial,
                "Initial right interphase thickness [m]": initial,
            },
        )
    if cell == "na-co2":
        from solidna.models.na_co2 import na_co2_parameter_values

        values = na_co2_parameter_values(parameters, anode)
        values["Current function [A]"] = values["Nominal cell capacity [A.h]"]
        values = link_derived_values(values, expressions)
        return _link_copies(
            values, {"Initial anode interphase thickness [m]": _initial_thickness_entry(anode)}
        )
    from solidna.models.nvp import half_cell_parameter_values, link_set_entries

    # PyBaMM's names of the set's entries are links to them: a change of either reaches the model
    values = link_set_entries(half_cell_parameter_values(parameters, anode), anode)
    return link_derived_values(values, expressions)


@fill_doc
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
    %(parameter_set)s
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
    # pybamm.print_citations() lists the source of the values (it listed PyBaMM's papers only)
    pybamm.citations.register(bibtex_entry(SET_CITATION))
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
    values = _values(cell, anode, ps)
    derived = set(_derived_expressions(cell))
    for name, value in values.items():
        unit = unit_of(name)
        shown = value if isinstance(value, int | float) else getattr(value, "__name__", repr(value))
        if name in own:
            p = ps.entry(name)
            method, source, note = p.method, p.source, p.note
        elif name in _PYBAMM_ENTRIES:
            method, source, note = _PYBAMM_ENTRIES[name]
        elif isinstance(value, pybamm.Symbol) and name in derived:
            # a derived value linked to its inputs (solidna.models.solve.link_derived_values)
            shown = float(pybamm.ParameterValues(values).evaluate(value))
            method, source = "derived", _DERIVED_SOURCE[cell]
            note = (
                f"{value}: an expression of the entries it is derived from, so an edit of "
                "one of them reaches the model"
            )
        elif isinstance(value, pybamm.Symbol):
            # PyBaMM's name for one of the set's entries (solidna.models.nvp.link_set_entries)
            shown = str(value)
            method, source = "derived", _DERIVED_SOURCE[cell]
            note = (
                f"PyBaMM's name for {shown}: a link, so a change under either name reaches "
                "the model"
            )
        else:
            method, source = "derived", _DERIVED_SOURCE[cell]
            note = "computed from the set's entries (or PyBaMM's name for one of them)"
        rows.append(
            {"name": name, "value": shown, "unit": unit, "method": method, "source": source}
            | {"note": note}
        )
    return pd.DataFrame(rows).set_index("name")
