"""Targets whose text holds a comma keep the whole text.

The targets file writes each target as a YAML flow mapping; a comma ends a plain value there, so
"quantity: C 1s binding energy, C-F" was read as "C 1s binding energy" and a key "C-F" without a
value (``solidna targets`` and the report showed five XPS rows as just "C 1s binding energy").
"""

import yaml

from solidna.targets import _PATH, _rejoined, load_targets


def test_no_target_has_a_condition_without_a_value():
    assert [t.id for t in load_targets() if None in t.conditions.values()] == []


def test_quantities_with_commas_are_whole():
    by_id = {t.id: t for t in load_targets()}
    assert by_id["fig2a.c1s.cf"].quantity == "C 1s binding energy, C-F"
    assert by_id["fig5c.capacity.monotonic"].quantity == (
        "capacities at 50, 100, 200, 400, 500 mA/g strictly decrease"
    )
    assert by_id["fig4g.mna.exchange_current"].quantity.endswith("5 mV/s) of M-Na|M-Na")


def test_every_valueless_key_of_the_file_is_rejoined():
    """Each key the file's flow mappings leave without a value is part of a quantity or note."""
    for entry in yaml.safe_load(_PATH.read_text())["targets"]:
        fragments = [str(k) for k, v in entry.items() if v is None]
        fields = _rejoined(entry)
        text = f"{fields.get('quantity', '')} {fields.get('note', '')}"
        assert all(f in text for f in fragments), (entry["id"], fragments)
        assert None not in fields.values()
