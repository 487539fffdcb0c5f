"""ParameterSet: provenance on every entry, sources resolvable, frozen."""

import re
from pathlib import Path

import pytest

from solidna import lu2019
from solidna.errors import InvalidOptionError
from solidna.parameters import METHODS

BIB = Path(__file__).resolve().parents[2] / "src/solidna/parameters/references.bib"


def test_every_entry_has_provenance():
    ps = lu2019()
    assert len(ps) > 30
    for name in ps:
        p = ps.entry(name)
        assert p.unit, name
        assert p.method in METHODS, name
        assert p.source, name
        if p.method == "assumed":
            assert len(p.note) > 20, f"{name}: an assumption must say why"
        assert name.endswith("]"), f"{name}: PyBaMM-style names carry the unit in brackets"


def test_every_source_is_the_paper_or_in_references_bib():
    keys = set(re.findall(r"^@\w+\{([^,]+),", BIB.read_text(), flags=re.M))
    for name in lu2019():
        source = lu2019().entry(name).source
        if source.startswith("lu2019:"):
            continue
        assert source in keys, f"{name}: source {source!r} missing from references.bib"


def test_updated_returns_new_set_and_keeps_original():
    ps = lu2019()
    new = ps.updated({"Temperature [K]": 300.0})
    assert new["Temperature [K]"] == 300.0
    assert ps["Temperature [K]"] == 298.15
    assert new.entry("Temperature [K]").source == "user"
    assert new.hash() != ps.hash()


def test_unknown_parameter_names_closest():
    with pytest.raises(InvalidOptionError, match="Closest"):
        lu2019()["Temperatur [K]"]


def test_fitted_entries_record_their_routine():
    ps = lu2019()
    for name in ps:
        p = ps.entry(name)
        if p.method == "fitted":
            assert "routine" in p.extra and "targets" in p.extra, name
