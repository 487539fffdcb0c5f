"""Design-space sweeps: many cells on Dask, results in an xarray Dataset on Zarr.

Quick start::

    import solidna.sweep as sweep
    from solidna.sweep.plots import write_report

    ds = sweep.run("examples/sweep_symmetric.yaml", "sweep.zarr")   # embedded LocalCluster
    write_report(ds, "sweep-report")                                 # PNG maps + report.html

Modules: :mod:`~solidna.sweep.spec` (the spec and its checks), :mod:`~solidna.sweep.cells` (what
each cell lets a sweep vary, and one point's run through the public cell API),
:mod:`~solidna.sweep.outputs` (the recorded figures), :mod:`~solidna.sweep.store` (the Zarr store,
resume), :mod:`~solidna.sweep.engine` (Dask), :mod:`~solidna.sweep.plots` (maps and report).
"""

from __future__ import annotations

from solidna.sweep.engine import SCHEDULER_HELP, run, run_point
from solidna.sweep.spec import Axis, SweepSpec, load_spec
from solidna.sweep.store import STATUS, open_store, status_counts

__all__ = [
    "run",
    "run_point",
    "load_spec",
    "SweepSpec",
    "Axis",
    "open_store",
    "status_counts",
    "STATUS",
    "SCHEDULER_HELP",
]
