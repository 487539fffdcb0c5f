"""Columns per mass of active material (mA/g, mAh/g): many cycler exports write a specific
capacity beside the current, and ``solidna simulate na-co2`` writes its current per gram."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import solidna.analysis.io as sio
from solidna.analysis.pipeline import analyze
from solidna.errors import DataFormatError


def _square_wave(path, current_header: str, scale: float, extra: dict | None = None):
    t = np.arange(0.0, 4 * 3600.0, 60.0)
    charge = (t // 3600) % 2 == 0
    frame = {
        "Time [s]": t,
        "Voltage [V]": np.where(charge, 3.4 + 1e-5 * (t % 3600), 3.3 - 1e-5 * (t % 3600)),
        current_header: np.where(charge, 1.0, -1.0) * scale,
    }
    pd.DataFrame({**frame, **(extra or {})}).to_csv(path, index=False)
    return path


def test_per_gram_capacity_beside_a_current_is_set_aside(tmp_path):
    """It was refused ("'mAh/g' is not a unit of 'A*h'"), the whole file with it."""
    t = np.arange(0.0, 4 * 3600.0, 60.0)
    path = _square_wave(
        tmp_path / "x.csv", "Current [mA]", 0.2, {"Capacity [mAh/g]": (t % 3600) / 3600 * 100}
    )
    m = sio.read(path)
    assert any("per mass" in n and "set aside" in n for n in m.notes)
    # the capacity comes from the current: 0.2 mA for 1 h per half cycle
    assert m.data[sio.CAPACITY].max() == pytest.approx(0.2e-3, rel=0.02)


def test_per_gram_current_is_a_specific_current(tmp_path):
    """It was refused as "'mA/g' is not a unit of 'A'"."""
    path = _square_wave(tmp_path / "x.csv", "Current [mA/g]", 100.0)
    m = sio.read(path)
    assert sio.SPECIFIC_CURRENT in m.data and sio.CURRENT not in m.data
    assert m.data[sio.SPECIFIC_CURRENT].abs().max() == pytest.approx(100.0)  # A/kg = mA/g
    with_mass = analyze([path], "nvp", tmp_path / "a", mass="2 mg")["results"]["x.csv"]
    per_gram = analyze([path], "nvp", tmp_path / "b")["results"]["x.csv"]
    for result in (with_mass, per_gram):
        assert result["specific discharge capacity, first cycle [mA.h.g-1]"] == pytest.approx(
            100.0, rel=0.02
        )
        assert result["specific current [mA.g-1]"] == pytest.approx(100.0)
    assert with_mass["discharge capacity, first cycle [A.h]"] == pytest.approx(2e-4, rel=0.02)
    assert "discharge capacity, first cycle [A.h.g-1]" in per_gram


def test_per_gram_current_refused_where_a_density_is_needed(tmp_path):
    path = _square_wave(tmp_path / "x.csv", "Current [mA/g]", 100.0)
    with pytest.raises(DataFormatError, match="per mass of active material"):
        analyze([path], "cv", tmp_path / "a")
