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


@pytest.fixture
def python_ctrl_c():
    """Python's own Ctrl-C handler while the test runs, whatever the shell that started the
    tests set: a job put in the background of a shell starts with SIGINT ignored (and so do the
    pytest-xdist workers it starts), and the command line and a solve leave an ignored signal
    ignored, as they must for such a job."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
