"""A Dask client for solidna's parallel work (``solidna sweep``, forecast samples): a running
scheduler by its address, or an embedded :class:`distributed.LocalCluster` on this machine."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

from solidna.errors import InvalidOptionError

__all__ = ["SCHEDULER_HELP", "dask_client"]

#: How to start a cluster by hand (shown when the scheduler cannot be reached).
SCHEDULER_HELP = (
    "Start a scheduler with `dask scheduler` (it prints its address, e.g. tcp://HOST:8786) and "
    "workers with `dask worker tcp://HOST:8786`, each in an environment where solidna is installed."
)


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A ``distributed.Client``, closed (with its embedded cluster) on exit.

    Parameters
    ----------
    scheduler : str or None
        Address of a running Dask scheduler (``tcp://HOST:8786``); None starts an embedded
        ``LocalCluster``.
    workers : int or None
        Worker processes of the embedded cluster, each single-threaded (default: one per core).

    Raises
    ------
    InvalidOptionError
        The scheduler cannot be reached, or what answers at the address is not a Dask scheduler
        (the message says how to start one).
    """
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidOptionError(
                f"Cannot reach the Dask scheduler at {scheduler!r} ({exc}). {SCHEDULER_HELP}"
            ) from None
        except Exception as exc:
            # something answers there, but not Dask's protocol (a web server, the dashboard's
            # port): distributed fails reading its reply as frames (a MemoryError from a length
            # read out of "HTTP/1.1 400 ...")
            raise InvalidOptionError(
                f"{scheduler!r} answers, but not as a Dask scheduler ({type(exc).__name__}); the "
                f"dashboard's http://HOST:8787 is not it. {SCHEDULER_HELP}"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    # one thread per worker process: the solvers are serial; BLAS threads would only compete
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    with (
        LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
