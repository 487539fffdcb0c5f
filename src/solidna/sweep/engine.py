"""Running a sweep on Dask (``dask.distributed``): many cells, results into the Zarr store.

Two ways to get workers:

- embedded (default): a :class:`distributed.LocalCluster` on this machine, one single-threaded
  worker process per core;
- ``scheduler="tcp://HOST:8786"``: a running Dask scheduler, with workers on any number of
  machines (or dask-jobqueue on HPC). Start them with::

      dask scheduler                       # prints its address, e.g. tcp://10.0.0.5:8786
      dask worker tcp://10.0.0.5:8786      # on every machine, in an environment with solidna

Points go to the workers in small batches, the points of one chunk of the store each
(:data:`~solidna.sweep.store.POINTS_PER_CHUNK`); for each point the worker builds
the cell through the public API and runs its protocol. A worker process keeps what the cells
cache across its points - the loaded parameter set here, the PyBaMM model objects in
:mod:`solidna.models.solve`, and the discretised, solver-ready simulations of the symmetric
cell's cycle jumping, whose current density, half cycle and any parameter that differs between
points are PyBaMM input parameters (:func:`solidna.cells.symmetric._block_simulation`) - so each
model is built and set up once per worker (once per value of a quantity that sets the mesh, such
as the SSE thickness). The client (this process) writes each finished batch into the store at
once (one chunk write per variable); a failed point is recorded with its error and the sweep
goes on.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from solidna._dask import SCHEDULER_HELP, dask_client
from solidna.errors import InvalidOptionError, OutOfRangeWarning, positive_int
from solidna.progress import Progress, format_duration, no_progress
from solidna.sweep.cells import build_cell, run_protocol
from solidna.sweep.outputs import point_values
from solidna.sweep.spec import SweepSpec, load_spec
from solidna.sweep.store import (
    DONE,
    FAILED,
    POINTS_PER_CHUNK,
    PointWriter,
    check_resume,
    create_store,
    open_store,
    pending_points,
)

__all__ = ["run", "run_point", "run_points", "SCHEDULER_HELP"]

#: Batches per worker at least (so that the workers stay balanced to the end of the sweep): a
#: small sweep splits its chunks into smaller batches.
BATCHES_PER_WORKER = 4

# The parameter set each worker process loaded (read once per process, reused by every point).
_PARAMETER_SETS: dict[str, Any] = {}


def _parameter_set(name: str):
    if name not in _PARAMETER_SETS:
        from solidna.parameters import ParameterSet

        _PARAMETER_SETS[name] = ParameterSet.load(name)
    return _PARAMETER_SETS[name]


def run_point(spec: SweepSpec, point: Mapping[str, float]) -> dict[str, Any]:
    """Run one design point (on a worker); never raises.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    point : mapping of str to float
        Value of each axis, in the axis' unit.

    Returns
    -------
    dict
        ``status`` (DONE or FAILED), ``values`` (output name -> value), ``error`` (message of a
        failed point), ``run_status`` (the run's own status) and ``wall_s`` [s].
    """
    tic = time.perf_counter()
    try:
        conditions, arguments, parameters = spec.inputs(point)
        with warnings.catch_warnings(record=True) as caught:
            # validity was checked before the sweep (an extrapolating sweep lets values outside
            # a validated range through); the warnings a run gives go into its status
            warnings.simplefilter("always")
            cell = build_cell(
                spec.kind, spec.anode, conditions, parameters, _parameter_set(spec.parameter_set)
            )
            result = run_protocol(cell, spec.protocol, arguments, spec.jump)
            values = point_values(spec.outputs, result, spec.cell)
        status, error, run_status = DONE, "", str(result.status)
        flagged = dict.fromkeys(
            str(w.message) for w in caught if issubclass(w.category, OutOfRangeWarning)
        )
        if flagged:
            run_status += "; warning: " + " ".join(flagged)
    except Exception as exc:  # one failed point is recorded, never fatal
        values, status, error, run_status = {}, FAILED, f"{type(exc).__name__}: {exc}", ""
    return {
        "status": status,
        "values": values,
        "error": error,
        "run_status": run_status,
        "wall_s": time.perf_counter() - tic,
    }


# Whether this worker process has run a point (its first one imports PyBaMM and builds the models
# that the later ones reuse).
_WARM = [False]


def run_points(spec: SweepSpec, batch: list[tuple[Any, Mapping[str, float]]]) -> list[tuple]:
    """Run a batch of ``(index, point)`` pairs on one worker: ``[(index, run_point(...)), ...]``.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    batch : list of (index, mapping)
        Point indices and axis values (each in the axis' unit).

    Returns
    -------
    list of tuple
        ``(index, result of run_point)`` for each point; the first point this worker process
        ran has ``first=True`` in its result (its ``wall_s`` includes the start-up).
    """
    results = []
    for idx, point in batch:
        first = not _WARM[0]
        result = run_point(spec, point)
        _WARM[0] = True
        results.append((idx, {**result, "first": first}))
    return results


class _StartUp:
    """The one-off start-up of a sweep's workers, from the wall times of the points they ran.

    A worker's first point imports PyBaMM and builds the models every later point reuses (12-30 s
    for the first point of the example sweep on 2 busy cores, 0.2-0.5 s for each later one), and
    before it the worker unpacks the spec and the task (about 6 s more there), so the rate of the
    first points was of the start-up: the first time left of a 12-point sweep was 2 min 22 s with
    3 s to go. Simulated sweeps on 2-4 workers (start-up 12-60 s, points of 0.3-300 s, batches of
    1-8; tests/unit/test_sweep_time_left_cli_s19.py): the median first estimate was 2-84 times the
    true time left, with the start-up left out and the batches under way counted 1.0-1.4 times. The start-up is the wait for the first batch to begin (the earliest first batch's
    return less its points' wall times) plus each worker's first point's wall time less the mean
    wall time of the other points, averaged over the workers (they start side by side, so the
    sweep loses one worker's start-up, not their sum; a worker that joins a running scheduler
    late adds its own first point, not the wait before it joined).
    """

    def __init__(self) -> None:
        self._first: list[float] = []
        self._wait_s = math.inf
        self._later_s = 0.0
        self._later_n = 0

    def add(self, results: list[tuple], returned_s: float) -> None:
        """Record a batch's results (``(index, result)`` pairs of :func:`run_points`; a batch
        whose worker died has no wall times and is left out) that came back ``returned_s``
        seconds after the workers were up."""
        walls = [r.get("wall_s") for _, r in results]
        if not results or any(w is None for w in walls):
            return
        for (_, result), wall in zip(results, walls, strict=True):
            if result.get("first"):
                self._first.append(float(wall))
            else:
                self._later_s += float(wall)
                self._later_n += 1
        if any(r.get("first") for _, r in results):
            self._wait_s = min(self._wait_s, max(0.0, returned_s - sum(walls)))

    @property
    def seconds(self) -> float | None:
        """The start-up [s] within the time the sweep has taken; 0 when no worker started here
        (workers of a running scheduler that ran points before); ``None`` while only first
        points have finished (their start-up cannot be told from their work)."""
        if not self._first:
            return 0.0
        if not self._later_n:
            return None
        typical = self._later_s / self._later_n
        models = sum(max(0.0, wall - typical) for wall in self._first) / len(self._first)
        return self._wait_s + models


def _in_mixed_order(batches: list[list]) -> list[list]:
    """The batches in a shuffled order, the same for every run (seeded), for the time left.

    Dask runs tasks about in the order they are sent, and the time left is estimated from the
    rate so far. Sent in grid order, the first points are one corner of the design space: when
    a point's cost changes along an axis (thicker membranes, more cycles before a criterion),
    the rate so far is of cheaper or dearer points than the rest, and the estimate drifts until
    the end. A simulated 1000-point sweep on 2 workers (batches of 8 points, each point's cost
    rising twofold across the grid, +-20 % noise) was off by 13 % of the run on average in grid
    order and by 1 % shuffled; with equal costs both were within 1 %. The store does not care:
    each batch is still one chunk's points, written together.
    """
    mixed = list(batches)
    random.Random(0).shuffle(mixed)
    return mixed


def _batches(points: list, workers: int, chunks: tuple[int, ...]) -> list[list]:
    """The ``(index, point)`` pairs in batches: the points of one chunk of the store together
    (one write per variable when the batch is done), split further while there are fewer than
    :data:`BATCHES_PER_WORKER` batches per worker."""
    groups: dict[tuple[int, ...], list] = {}
    for idx, point in points:
        key = tuple(int(i) // c for i, c in zip(idx, chunks, strict=True))
        groups.setdefault(key, []).append((idx, point))
    size = max(1, min(POINTS_PER_CHUNK, len(points) // max(1, BATCHES_PER_WORKER * workers)))
    return [g[i : i + size] for g in groups.values() for i in range(0, len(g), size)]


def run(
    spec: str | os.PathLike[str] | Mapping[str, Any] | SweepSpec,
    out: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    jump: bool | None = None,
    retry_failed: bool = False,
    progress: Progress = no_progress,
):
    """Run (or resume) a sweep and return its store as an :class:`xarray.Dataset`.

    Parameters
    ----------
    spec : path, mapping or SweepSpec
        The sweep spec (YAML/TOML file, or its content); checked whole before any work.
    out : path
        The Zarr store (a directory, e.g. ``"sweep.zarr"``). A new path is created; an existing
        store of the same spec is resumed (only its pending points run); a store of another
        spec is refused with the differences listed.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://HOST:8786``); default: an embedded
        LocalCluster.
    workers : int, optional
        Worker processes of the embedded cluster (default: one per core).
    jump : bool, optional
        Cycle jumping on/off (overrides the spec; ``None``: as the spec and cells decide).
    retry_failed : bool
        On resume, run the failed points again too (e.g. after a worker ran out of memory).
    progress : callable
        ``progress(message, fraction)``: points done/total, failures and rate; ``fraction`` is
        of all the sweep's points (a resumed sweep starts at the share done before). Time left
        is the display's (:class:`solidna.progress.TimeLeft`). If it has a
        ``workers_started()`` method, that is called once the workers are up, before the first
        point is sent (the command line's time left counts from then: the cluster's start-up,
        a minute on a busy machine, made the first estimates several times too long); if it has
        ``adjust_time_left(start_up_s, under_way)``, that is called before each fraction with
        the workers' one-off start-up within this run's time [s] (``None`` while not yet
        measured) and the share of the points under way in the other workers' batches [-] (see
        :meth:`solidna.progress.TimeLeft.adjust`); if it has ``stopping(message)``, that says at
        once that Ctrl-C stops the sweep.

    Raises
    ------
    InvalidOptionError, OutOfRangeError
        A bad option (``out`` not a path, ``workers`` not a whole number >= 1, ``jump`` or
        ``retry_failed`` not True/False), checked before a store is made; and those of
        :func:`~solidna.sweep.spec.load_spec`.

    Examples
    --------
    >>> import solidna.sweep  # doctest: +SKIP
    >>> ds = solidna.sweep.run("examples/sweep_symmetric.yaml", "sweep.zarr")  # doctest: +SKIP
    """
    workers = _check_run_options(out, scheduler, workers, jump, retry_failed)
    if not isinstance(spec, SweepSpec):
        spec = load_spec(spec, jump=jump)
    elif jump is not None and jump != spec.jump:
        raise InvalidOptionError("Pass jump to load_spec, or leave it out here.")
    path = Path(out).expanduser()
    parameter_hash = _parameter_set(spec.parameter_set).hash()
    created = not path.exists()
    if created:
        try:
            create_store(path, spec, spec.expected_cycles(), parameter_hash)
        except BaseException:  # (Ctrl-C, a full disk) no half-made store is left behind
            shutil.rmtree(path, ignore_errors=True)
            raise
    else:
        check_resume(path, spec, parameter_hash)
    todo = pending_points(path, include_failed=retry_failed)
    points = [(idx, p) for idx, p in spec.points() if idx in todo]
    total = spec.size
    already = total - len(points)
    if points:
        try:
            _execute(spec, points, path, scheduler, workers, progress, already, total)
        except BaseException:
            # a store this run created and no point reached (an unreachable scheduler, Ctrl-C
            # while the workers start) is removed: it would hold nothing but the spec, and a
            # corrected spec would then be refused as a changed one
            if created and _nothing_written(path, total):
                shutil.rmtree(path, ignore_errors=True)
            raise
    return open_store(path)


def _check_run_options(
    out: object, scheduler: object, workers: object, jump: object, retry_failed: object
) -> int | None:
    """Refuse a bad option of :func:`run` before a store is made or a worker started: ``out=None``
    reached Path() (TypeError), ``retry_failed="yes"`` numpy's "&" (TypeError), ``workers=0`` or
    ``-1`` was silently one worker per core or handed to Dask."""
    if not isinstance(out, str | os.PathLike):
        raise InvalidOptionError(
            f"out is the path of the sweep's Zarr store, got {type(out).__name__} {out!r:.60}. "
            "Example: out='sweep.zarr'."
        )
    if scheduler is not None and not isinstance(scheduler, str):
        raise InvalidOptionError(
            f"scheduler is the address of a Dask scheduler (a string such as "
            f"'tcp://10.0.0.5:8786') or None, got {scheduler!r:.60}. {SCHEDULER_HELP}"
        )
    for name, flag in (("jump", jump), ("retry_failed", retry_failed)):
        if not isinstance(flag, bool) and not (name == "jump" and flag is None):
            raise InvalidOptionError(f"{name} is True or False, got {flag!r:.60}.")
    if workers is None:
        return None
    return positive_int(workers, "workers", "Example: workers=2, or leave it out for one per core.")


def _nothing_written(path: Path, total: int) -> bool:
    """Whether every point of the store at ``path`` is still pending."""
    try:
        return len(pending_points(path, include_failed=False)) == total
    except Exception:  # an unreadable store was not written by a point either
        return True


#: Longest wait [s] for a first worker to join a running scheduler (``--scheduler``); workers
#: of a batch system may take a while to start, a scheduler nobody gave workers must not hang.
WORKER_WAIT_S = 120.0


def _worker_threads(client: Any, scheduler: str | None, progress: Progress, done: str) -> int:
    """Worker threads of the cluster, waiting up to :data:`WORKER_WAIT_S` for a first worker of
    a running scheduler; a scheduler without workers is refused with how to start them (sending
    the spec to no worker failed after 10 s with Dask's "No valid workers found")."""
    threads = sum(client.nthreads().values())
    if threads or not scheduler:
        return threads
    progress(
        f"{done}; waiting for a worker to join {scheduler} (start one with "
        f"`dask worker {scheduler}`)",
        None,
    )
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except (TimeoutError, OSError) as exc:
        raise InvalidOptionError(
            f"No Dask worker joined the scheduler at {scheduler!r} within {WORKER_WAIT_S:g} s "
            f"({type(exc).__name__}). Start workers with `dask worker {scheduler}` (in an "
            "environment where solidna is installed) and run the same command again (a "
            "store with finished points resumes; a new one is left unmade)."
        ) from None
    return sum(client.nthreads().values())


def _execute(spec, points, path, scheduler, workers, progress, already, total) -> None:
    from distributed import as_completed

    writer = PointWriter(path)
    done = failed = 0
    # the fraction is of all points, as the message counts them ("[ 33 %] 4/6 points done" was
    # shown on resume, the share of this run's points); the command line's time left takes its
    # rate from this run's points only (workers_started below)
    progress(f"{already}/{total} points done; starting the workers", already / total)
    with dask_client(scheduler, workers) as client:
        try:
            threads = _worker_threads(client, scheduler, progress, f"{already}/{total} points done")
            tic = time.monotonic()  # the rate is of the workers' points, not of the wait for them
            started = getattr(progress, "workers_started", None)
            if callable(started):
                started()
            n_workers = max(1, threads)
            start_up = _StartUp()
            # until the first batch comes back (a worker's first point also builds its models) the
            # message said "starting the workers" while they were already running points
            progress(
                f"{already}/{total} points done; {threads} worker thread"
                f"{'' if threads == 1 else 's'} running the first points",
                None,
            )
            # the spec goes to every worker once, not with every task
            spec_on_workers = client.scatter(spec, broadcast=True)
            futures = {
                client.submit(
                    run_points,
                    spec_on_workers,
                    batch,
                    pure=False,
                    key=f"solidna-points-{batch[0][0]}-{time.time_ns()}",
                ): batch
                for batch in _in_mixed_order(_batches(points, n_workers, writer.chunks))
            }
            pending = dict(futures)  # the batches not yet back, in the order sent
            # (the display's time left leaves the start-up out and counts the batches under way)
            adjust = getattr(progress, "adjust_time_left", None)
            for fut in as_completed(futures):
                try:
                    results = fut.result()
                except Exception as exc:  # the worker died (e.g. out of memory): record, go on
                    error = {
                        "status": FAILED,
                        "values": {},
                        "error": f"{type(exc).__name__}: {exc}",
                    }
                    results = [(idx, error) for idx, _ in futures[fut]]
                writer.write_many(
                    [
                        (idx, r["values"], r["status"], r["error"], r.get("run_status", ""))
                        for idx, r in results
                    ]
                )
                done += len(results)
                failed += sum(r["status"] == FAILED for _, r in results)
                start_up.add(results, time.monotonic() - tic)
                del pending[fut]
                if callable(adjust):
                    sizes = [len(batch) for batch in pending.values()]
                    adjust(start_up.seconds, _under_way(sizes, n_workers, total))
                progress(
                    f"{already + done}/{total} points done, {failed} failed, "
                    + _rate(done, time.monotonic() - tic, start_up.seconds),
                    (already + done) / total,
                )
        except KeyboardInterrupt:
            # closing the cluster takes seconds (a minute on a busy machine): say why nothing
            # seems to happen after Ctrl-C, and that nothing finished is lost
            _say_stopping(progress)
            raise


def _under_way(pending: list[int], threads: int, total: int) -> float:
    """Share of all ``total`` points done within the batches still running when one reports
    [-]: the other workers' batches (at most ``threads - 1``; the reporting worker starts a new
    one) are on average half done. ``pending`` holds the sizes of the batches not yet back, in
    the order sent (Dask runs them about in that order)."""
    running = pending[: max(0, threads - 1)]
    return 0.5 * sum(running) / total if total else 0.0


def _rate(done: int, elapsed_s: float, start_up_s: float | None) -> str:
    """The rate of this run's points for the progress message, after the workers' start-up
    once it is known ("0.08 points/s" beside "about 3 s left" read as a mistake)."""
    if start_up_s is None or start_up_s < 1.0 or elapsed_s - start_up_s <= 0.0:
        return f"{done / max(elapsed_s, 1e-9):.2f} points/s"
    return (
        f"{done / (elapsed_s - start_up_s):.2f} points/s after "
        f"{format_duration(start_up_s)} of start-up"
    )


def _say_stopping(progress: Progress) -> None:
    """Tell the user the sweep is stopping: the progress callback's ``stopping(message)`` if it
    has one (the command line prints it at once), else the message as progress."""
    message = (
        "stopping the workers; the finished points are in the store (run the same command to "
        "resume)"
    )
    stopping = getattr(progress, "stopping", None)
    if callable(stopping):
        stopping(message)
    else:
        progress(message, None)
