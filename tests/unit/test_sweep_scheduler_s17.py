"""A sweep sent to a running Dask scheduler that has no worker: it says it is waiting for one,
then stops with how to start workers, and leaves no store behind (so the same command, run
again once workers are up, starts cleanly).

The scheduler is an in-process ``distributed`` scheduler on 127.0.0.1 (no worker), closed at
the end of the test.
"""

from __future__ import annotations

import logging

import pytest

import solidna.sweep.engine as engine
from solidna.errors import InvalidOptionError

pytest.importorskip("distributed")

SPEC = {
    "cell": "symmetric",
    "protocol": {"cycle": {"current_density": "0.1 mA/cm2", "half_cycle": "1 h"}},
    "vary": {"duration": {"values": ["2 h", "4 h"]}},
    "outputs": ["energy"],
    "jump": False,
}


def test_a_scheduler_without_workers_is_refused_with_how_to_start_them(tmp_path, monkeypatch):
    from distributed import LocalCluster

    # a short wait keeps the test fast (Dask's own 10 s timeout gave "No valid workers found")
    monkeypatch.setattr(engine, "WORKER_WAIT_S", 1.0, raising=False)
    messages: list[str] = []
    store = tmp_path / "sweep.zarr"
    with LocalCluster(
        n_workers=0,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=":0",  # a free port: no clash with a dashboard running here
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        with pytest.raises(InvalidOptionError) as err:
            engine.run(
                SPEC, store, scheduler=address, progress=lambda m, f=None: messages.append(m)
            )
    text = str(err.value)
    assert f"dask worker {address}" in text and "No Dask worker joined" in text, text
    assert any("waiting for a worker" in m for m in messages), messages
    assert not store.exists()
