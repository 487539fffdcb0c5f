"""Test configuration: no telemetry prompt, no GUI backend."""

import os

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MPLBACKEND", "Agg")
