"""Test configuration: no telemetry prompt, no GUI backend, a private results cache."""

import os

import pytest

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """Results cached in the test's own directory, never the user's cache (SOLIDNA_CACHE_DIR),
    with caching on whatever the environment says."""
    monkeypatch.setenv("SOLIDNA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOLIDNA_NO_CACHE", raising=False)
