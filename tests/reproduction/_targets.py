"""Shared pieces of the reproduction tests: which targets to check, and how."""

import pytest

from solidna.targets import compare, load_targets


def checked_targets(prefixes: list[str], known_misses: dict[str, str]) -> list:
    """The calibrate and validate targets with these prefixes, as pytest params; a target the
    model honestly misses is a strict xfail carrying its physical reason (never loosened)."""
    targets = [t for t in load_targets(prefixes) if t.role in ("calibrate", "validate")]
    return [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=known_misses[t.id]), id=t.id)
        if t.id in known_misses
        else pytest.param(t, id=t.id)
        for t in targets
    ]


def assert_has_model_value(by_id: dict, target) -> None:
    """The figure module returned a model value (not null) for the target."""
    assert target.id in by_id, target.id
    assert by_id[target.id].model is not None, f"{target.id}: {by_id[target.id].note}"


def assert_within_tolerance(by_id: dict, target) -> None:
    """The model value passes the target's tolerance (targets.compare)."""
    model = by_id[target.id].model
    note = by_id[target.id].note
    assert compare(target, model), f"{target.id}: paper {target.value}, model {model} ({note})"
