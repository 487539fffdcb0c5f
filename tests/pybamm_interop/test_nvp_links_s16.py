"""The NVP half cell's PyBaMM names of the set's entries: one table, two uses.

The SPMe reads PyBaMM's names ("Separator thickness [m]", "Electrolyte conductivity [S.m-1]",
...); :func:`solidna.models.nvp.half_cell_parameter_values` fills them with the numbers of the
set's entries ("SSE thickness [m]", "SSE conductivity [S.m-1]", ...) and
:func:`solidna.models.nvp.link_set_entries` makes each a link, ``pybamm.Parameter(entry)``, for
the export. Both read the one table ``_copied_entries``; it was written twice before (the
values' dict literal and the link table), so a row added to one and not the other silently left
a copy unlinked, or a link without a value.

The expectations below are written from the set, independently of that table: each PyBaMM name
holds exactly the entry's number (a functional parameter: the same function with the entries as
keywords), a ``state`` replaces only the start films, and every link of the export is a
``pybamm.Parameter`` of an entry the values hold, evaluating to the number it replaced. No files
are read.
"""

import functools
import math
import pickle

import pybamm
import pytest

from solidna import lu2019
from solidna.models import nvp
from solidna.models.parameter_values import pybamm_parameter_values
from solidna.models.solve import electrolyte_value_expressions, symmetric_parameter_values

ANODES = ["modified", "pristine"]
PREFIX = {"modified": "Modified", "pristine": "Pristine"}

# PyBaMM's name -> the set's entry it copies ("{P}" is the anode's "Modified"/"Pristine").
COPIES = {
    "Separator thickness [m]": "SSE thickness [m]",
    "Negative electrode thickness [m]": "NVP cell sodium foil thickness [m]",
    "Negative electrode conductivity [S.m-1]": "NVP cell sodium metal conductivity [S.m-1]",
    "Lithium metal partial molar volume [m3.mol-1]": "NVP cell sodium metal molar volume [m3.mol-1]",
    "Negative electrode charge transfer coefficient": "Charge-transfer coefficient [-]",
    "Negative electrode double-layer capacity [F.m-2]": "Double-layer capacitance [F.m-2]",
    "Positive electrode double-layer capacity [F.m-2]": "Double-layer capacitance [F.m-2]",
    "Positive particle radius [m]": "NVP particle radius [m]",
    "Positive electrode porosity": "Positive electrode porosity [-]",
    "Positive electrode active material volume fraction": (
        "Positive electrode active material volume fraction [-]"
    ),
    "Positive electrode Bruggeman coefficient (electrolyte)": (
        "Positive electrode Bruggeman coefficient [-]"
    ),
    "Positive electrode Bruggeman coefficient (electrode)": (
        "Positive electrode Bruggeman coefficient [-]"
    ),
    "Positive electrode charge transfer coefficient": "NVP charge-transfer coefficient [-]",
    "Initial concentration in electrolyte [mol.m-3]": "Salt concentration [mol.m-3]",
    "Cation transference number": "Cation transference number [-]",
    "Initial negative interphase thickness [m]": "{P} interphase initial thickness [m]",
    "Initial positive interphase thickness [m]": "Positive interphase initial thickness [m]",
}
T_REF = {"t_ref": "Reference temperature [K]"}
# PyBaMM's functional parameter -> (function, {keyword: the set's entry}, fixed keywords)
FUNCTIONALS = {
    "Exchange-current density for lithium metal electrode [A.m-2]": (
        nvp._na_exchange_current,
        {
            "i0": "{P} exchange-current density [A.m-2]",
            "c_e0": "Salt concentration [mol.m-3]",
            "e_a": "{P} exchange-current density activation energy [J.mol-1]",
        }
        | T_REF,
        {},
    ),
    "Positive particle diffusivity [m2.s-1]": (
        nvp._nvp_diffusivity,
        {"d": "NVP diffusivity [m2.s-1]", "e_a": "NVP diffusivity activation energy [J.mol-1]"}
        | T_REF,
        {},
    ),
    "Positive electrode exchange-current density [A.m-2]": (
        nvp._nvp_exchange_current,
        {
            "i0": "NVP exchange-current density [A.m-2]",
            "c_e0": "Salt concentration [mol.m-3]",
            "e_a": "NVP exchange-current density activation energy [J.mol-1]",
        }
        | T_REF,
        {},
    ),
    "Positive electrode OCP [V]": (
        nvp.ocp_nvp,
        {
            "plateau_V": "NVP plateau potential [V]",
            "slope_V": "NVP plateau slope [V]",
            "tail_height_V": "NVP tail height [V]",
            "tail_width": "NVP tail width [-]",
        },
        {},
    ),
    "Electrolyte diffusivity [m2.s-1]": (
        nvp._sse_property,
        {"value": "Salt diffusivity [m2.s-1]"},
        {"temperature_power": 1},
    ),
    "Electrolyte conductivity [S.m-1]": (
        nvp._sse_property,
        {"value": "SSE conductivity [S.m-1]"},
        {"temperature_power": 0},
    ),
}
# Expressions of entries: PyBaMM's area is height x width (a square of the set's area).
DERIVED = ("Electrode height [m]", "Electrode width [m]")
INITIAL_NVP = "Initial concentration in positive electrode [mol.m-3]"
STATE = {"negative interphase thickness [m]": 3.25e-9, "positive interphase thickness [m]": 1.5e-9}


def _entry(name: str, anode: str) -> str:
    return name.replace("{P}", PREFIX[anode])


def _parameter_leaves(symbol: pybamm.Symbol) -> set[str]:
    return {s.name for s in symbol.pre_order() if isinstance(s, pybamm.Parameter)}


@pytest.mark.parametrize("anode", ANODES)
@pytest.mark.parametrize("state", [None, STATE], ids=["fresh", "state"])
def test_every_pybamm_name_holds_exactly_its_entry(anode, state):
    p = symmetric_parameter_values(lu2019(), anode)  # the set, with the SSE's derived values
    values = nvp.half_cell_parameter_values(lu2019(), anode, state)
    for name, entry in COPIES.items():
        entry = _entry(entry, anode)
        assert values[entry] == p[entry], entry  # the set's entry stays in the values
        if state and name.startswith("Initial") and "interphase" in name:
            continue  # the start films: next test
        assert values[name] == p[entry], name
    for name in DERIVED:
        assert values[name] == math.sqrt(p["Electrode area [m2]"])
    c_max = nvp.maximum_concentration_mol_m3(p)
    assert values["Maximum concentration in positive electrode [mol.m-3]"] == c_max
    assert values[INITIAL_NVP] == p["NVP initial stoichiometry [-]"] * c_max
    for name, (func, keywords, fixed) in FUNCTIONALS.items():
        value = values[name]
        assert isinstance(value, functools.partial) and value.func is func, name
        assert value.args == ()
        assert value.keywords == {k: p[_entry(e, anode)] for k, e in keywords.items()} | fixed
    # the values pickle (module-level functions bound by functools.partial, never lambdas):
    # PyBaMM keeps them in the processed model, solutions and sim.save
    assert pickle.loads(pickle.dumps(values)).keys() == values.keys()


@pytest.mark.parametrize("anode", ANODES)
def test_a_state_replaces_only_the_start_films(anode):
    fresh = nvp.half_cell_parameter_values(lu2019(), anode)
    for state in (STATE, {"negative interphase thickness [m]": 7e-9}, {}):
        started = nvp.half_cell_parameter_values(lu2019(), anode, state)
        films = {f"Initial {key}": thickness for key, thickness in state.items()}
        assert started.keys() == fresh.keys()
        for name, value in started.items():
            if name in films:
                assert value == films[name]
            elif isinstance(value, functools.partial):
                assert (value.func, value.keywords) == (fresh[name].func, fresh[name].keywords)
            elif isinstance(value, float):
                assert value == fresh[name], name
        # in the export a start state stays a number; the fresh film's name is a link
        linked = nvp.link_set_entries(started, anode)
        for key in STATE:
            name = f"Initial {key}"
            if name in films:
                assert linked[name] == films[name]
            else:
                assert isinstance(linked[name], pybamm.Parameter)


@pytest.mark.parametrize("anode", ANODES)
def test_every_link_of_the_export_is_an_entry_of_the_values(anode):
    values = nvp.half_cell_parameter_values(lu2019(), anode)
    pv = pybamm_parameter_values("nvp", anode)
    numbers = pybamm.ParameterValues(values)
    table = nvp._copied_entries(PREFIX[anode])
    # the table's names are the spec's, every one in the values and linked in the export
    assert set(table) == set(COPIES) | set(FUNCTIONALS) | set(DERIVED) | {INITIAL_NVP}
    assert set(table) <= set(values)
    links = 0
    for name in pv.keys():
        value = pv[name]
        if isinstance(value, functools.partial):
            symbols = {k: v for k, v in value.keywords.items() if isinstance(v, pybamm.Symbol)}
            for keyword, link in symbols.items():
                # a link to an entry the values hold as a number, or to a derived value that
                # is an expression of such entries (the salt diffusivity; no longer chains)
                assert isinstance(link, pybamm.Parameter), (name, keyword)
                target = pv[link.name]
                leaves = [] if isinstance(target, float) else _parameter_leaves(target)
                assert all(isinstance(pv[leaf], float) for leaf in leaves), (name, link.name)
                assert link.name in values
                assert values[link.name] == values[name].keywords[keyword], (name, keyword)
            links += bool(symbols)
            assert bool(symbols) == (name in table), name
        elif isinstance(value, pybamm.Symbol) and name in electrolyte_value_expressions():
            # a derived value linked to its inputs (link_derived_values), not a copy: the same
            # number up to rounding
            assert float(numbers.evaluate(value)) == pytest.approx(values[name], rel=1e-12)
        elif isinstance(value, pybamm.Symbol) and name in values:
            leaves = _parameter_leaves(value)
            assert leaves and all(leaf in values for leaf in leaves), name
            assert all(isinstance(pv[leaf], float) for leaf in leaves), name
            # evaluated with the values' numbers, the link is exactly the number it replaced
            assert float(numbers.evaluate(value)) == values[name], name
            assert name in table
            links += 1
    assert links == len(table)


def test_a_row_added_to_the_table_reaches_both_uses(monkeypatch):
    # the table is the only place: a PyBaMM name added to it is filled with the entry's number
    # by half_cell_parameter_values and linked by link_set_entries (before, the values' dict
    # literal was a second copy of the table and a new row reached the links only)
    table = nvp._copied_entries
    name = "Test copy of the SSE thickness [m]"

    def with_row(prefix):
        return table(prefix) | {name: lambda get: 2 * get("SSE thickness [m]")}

    monkeypatch.setattr(nvp, "_copied_entries", with_row)
    values = nvp.half_cell_parameter_values(lu2019(), "modified")
    assert values[name] == 2 * values["SSE thickness [m]"]
    linked = nvp.link_set_entries(values, "modified")
    assert _parameter_leaves(linked[name]) == {"SSE thickness [m]"}


def test_a_changed_copy_stays_a_number():
    # a value changed under PyBaMM's name (not the entry's number) is the modeller's: no link
    values = nvp.half_cell_parameter_values(lu2019(), "pristine")
    values["Separator thickness [m]"] = 2 * values["SSE thickness [m]"]
    conductivity = values["Electrolyte conductivity [S.m-1]"]
    values["Electrolyte conductivity [S.m-1]"] = functools.partial(
        conductivity.func, **conductivity.keywords | {"value": 1e-3}
    )
    diffusivity = values["Positive particle diffusivity [m2.s-1]"]
    values["Positive particle diffusivity [m2.s-1]"] = functools.partial(
        nvp._sse_property, value=diffusivity.keywords["d"], temperature_power=0
    )  # another function: not the table's
    linked = nvp.link_set_entries(values, "pristine")
    assert linked["Separator thickness [m]"] == 2 * values["SSE thickness [m]"]
    assert linked["Electrolyte conductivity [S.m-1]"].keywords["value"] == 1e-3
    assert linked["Positive particle diffusivity [m2.s-1]"].func is nvp._sse_property
    assert not isinstance(
        linked["Positive particle diffusivity [m2.s-1]"].keywords["value"], pybamm.Symbol
    )
    # the rest is linked
    assert isinstance(linked["Positive particle radius [m]"], pybamm.Parameter)
    # values missing an entry: that copy is not linked (nothing to link to), the rest is
    del values["NVP particle radius [m]"]
    linked = nvp.link_set_entries(values, "pristine")
    assert isinstance(linked["Positive particle radius [m]"], float)
    assert isinstance(linked["Cation transference number"], pybamm.Parameter)
