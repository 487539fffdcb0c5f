"""An angle-resolved XPS file gives one composition per take-off angle, not their sum.

Layout: Kratos ESCApe's ARXPS.vms of cheminfo/vamas (MIT), written by the writer of
tests/unit/test_realfiles_surface2_s18.py; values invented. Before, the areas of O 1s and C 1s at
0 and 70 degrees were added into one atomic % that mixed the two measurements.
"""

from __future__ import annotations

import pytest
from test_realfiles_surface2_s18 import ARXPS_VARS, _kratos_block, _kratos_file, _peak

from solidna.analysis.pipeline import analyze


def _arxps(path, heights):
    blocks = []
    for angle, (o, c) in heights.items():
        pos = [angle, "55.0755", "11.8598125"]
        blocks.append(_kratos_block("O 1s", "O", "1s", pos, 943.69, 0.1, _peak(943.69, 532, o)))
        blocks.append(_kratos_block("C 1s", "C", "1s", pos, 1191.69, 0.1, _peak(1191.69, 285, c)))
    _kratos_file(path, "MAP", ARXPS_VARS, blocks)
    return path


def test_each_angle_has_its_own_atomic_percent(tmp_path):
    # carbon richer at grazing emission (70 degrees): a surface layer
    path = _arxps(tmp_path / "ARXPS.vms", {"0": (9e3, 2e3), "70": (6e3, 6e3)})
    summary = analyze([path], "xps", tmp_path / "out", surface={"charge_reference": None})
    per_series = _find(summary, "atomic % [at.%]")
    assert set(per_series) == {"Angle 0", "Angle 70"}
    c0, c70 = per_series["Angle 0"]["C 1s"], per_series["Angle 70"]["C 1s"]
    assert c70 > c0 + 10.0
    for comp in per_series.values():
        assert sum(comp.values()) == pytest.approx(100.0)


def test_a_single_measurement_keeps_one_atomic_percent(tmp_path):
    path = _arxps(tmp_path / "one.vms", {"0": (9e3, 2e3)})
    summary = analyze([path], "xps", tmp_path / "out", surface={"charge_reference": None})
    comp = _find(summary, "atomic % [at.%]")
    assert set(comp) == {"O 1s", "C 1s"}


def _find(tree, key):
    """The first value under ``key`` anywhere in a nested summary."""
    if isinstance(tree, dict):
        if key in tree:
            return tree[key]
        for v in tree.values():
            found = _find(v, key)
            if found is not None:
                return found
    if isinstance(tree, list):
        for v in tree:
            found = _find(v, key)
            if found is not None:
                return found
    return None
