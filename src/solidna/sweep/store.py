"""The sweep's results: an xarray Dataset on Zarr, written point by point.

Layout (one store per sweep):

- one dimension per varied quantity (a grid), or ``sample`` (a sampled design, with each varied
  quantity a coordinate along it); units and scale in each coordinate's attributes;
- one variable per output (units in ``attrs["units"]``, better direction in ``attrs["sense"]``);
  per-cycle outputs have a further ``cycle`` dimension;
- ``status`` (``pending`` / ``done`` / ``failed``, stored as CF flags 0/1/2), ``error`` (the
  message of a failed point) and ``run_status`` (why a run stopped: ``completed``, or a voltage
  limit reached at a stated time);
- attributes: the spec as understood (JSON), the package versions and the parameter-set hash.

A chunk holds up to :data:`POINTS_PER_CHUNK` neighbouring points (:func:`point_chunks`), and the
engine sends the points of one chunk to a worker together: a finished batch is written at once,
one chunk write per variable (writing point by point cost about as much as a jumped point's
solve), its ``status`` last: a sweep killed at any moment loses only the points in flight, and
rerunning it runs only the points still pending. The empty store is staged next to its final
path and moved there when complete, so a failed start leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import InvalidOptionError, OutputExistsError
from solidna.sweep.spec import SAMPLE_DIM, SweepSpec, spec_differences

__all__ = [
    "STATUS",
    "PENDING",
    "DONE",
    "FAILED",
    "create_store",
    "open_store",
    "check_resume",
    "pending_points",
    "PointWriter",
    "point_chunks",
    "status_counts",
    "POINTS_PER_CHUNK",
]

PENDING, DONE, FAILED = 0, 1, 2
#: Status codes of the ``status`` variable (CF ``flag_values``/``flag_meanings``).
STATUS = {PENDING: "pending", DONE: "done", FAILED: "failed"}
CYCLE_DIM = "cycle"

#: Most points in a chunk of the store (and in a batch of work sent to a worker): a chunk write
#: has a fixed cost (~0.5 ms with zarr 3) comparable with a jumped point's own work, so points
#: are written a batch at a time; small enough that a killed sweep loses little.
POINTS_PER_CHUNK = 8
_VERSIONED = (
    "solidna",
    "pybamm",
    "numpy",
    "scipy",
    "pandas",
    "xarray",
    "zarr",
    "dask",
    "distributed",
)


def package_versions() -> dict[str, str | None]:
    """Versions of the packages that decide a sweep's numbers and its store."""
    import importlib.metadata as md

    out: dict[str, str | None] = {}
    for pkg in _VERSIONED:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover - all are dependencies
            out[pkg] = None
    return out


def _template(spec: SweepSpec, n_cycles: int, parameter_hash: str):
    import xarray as xr

    dims = spec.dims
    shape = spec.shape
    coords: dict[str, Any] = {}
    if spec.design == "grid":
        for ax in spec.axes:
            coords[ax.name] = xr.Variable(
                ax.name, np.asarray(ax.values), {"units": ax.unit, "scale": ax.scale}
            )
    else:
        values = spec.sample_values()
        coords[SAMPLE_DIM] = np.arange(spec.samples)
        for j, ax in enumerate(spec.axes):
            coords[ax.name] = xr.Variable(
                SAMPLE_DIM, values[:, j], {"units": ax.unit, "scale": ax.scale}
            )
    data: dict[str, Any] = {}
    for out in spec.outputs:
        attrs = {"units": out.unit, "sense": out.sense}
        if out.kind in ("time_to", "cycles_to"):
            attrs["note"] = "NaN: the criterion was not reached within the run"
        if out.kind == "per_cycle":
            data[out.name] = xr.Variable(
                (*dims, CYCLE_DIM), np.full((*shape, n_cycles), np.nan), attrs
            )
        else:
            data[out.name] = xr.Variable(dims, np.full(shape, np.nan), attrs)
    if any(o.kind == "per_cycle" for o in spec.outputs):
        coords[CYCLE_DIM] = np.arange(1, n_cycles + 1)
        data["Cycle end time [h]"] = xr.Variable(
            (*dims, CYCLE_DIM), np.full((*shape, n_cycles), np.nan), {"units": "h"}
        )
    data["status"] = xr.Variable(
        dims,
        np.full(shape, PENDING, dtype="i1"),
        {"flag_values": list(STATUS), "flag_meanings": " ".join(STATUS.values())},
    )
    data["error"] = xr.Variable(dims, np.full(shape, "", dtype=object))
    data["run_status"] = xr.Variable(dims, np.full(shape, "", dtype=object))
    attrs = {
        "title": f"solidna sweep: {spec.cell} cell, {spec.protocol}",
        "spec": json.dumps(spec.canonical, sort_keys=True),
        "package_versions": json.dumps(package_versions(), sort_keys=True),
        "parameter_set": spec.parameter_set,
        "parameter_set_hash": parameter_hash,
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def point_chunks(shape: Sequence[int], most: int = POINTS_PER_CHUNK) -> tuple[int, ...]:
    """Chunk shape over the points' dimensions: whole trailing dimensions while their points fit
    in ``most``, then as much of the next one as fits, ones before (C order: a chunk's points
    are consecutive in the order a sweep runs them).

    Parameters
    ----------
    shape : sequence of int
        The points' dimensions (a grid's axes, or the number of samples).
    most : int, optional
        Most points in a chunk.

    Returns
    -------
    tuple of int
        Chunk length along each dimension.
    """
    chunks = [1] * len(shape)
    room = max(1, int(most))
    for k in range(len(shape) - 1, -1, -1):
        chunks[k] = max(1, min(int(shape[k]), room))
        room //= max(1, int(shape[k]))
        if room <= 1:
            break
    return tuple(chunks)


def create_store(
    path: str | os.PathLike[str], spec: SweepSpec, n_cycles: int, parameter_hash: str
) -> Path:
    """Write the empty store (every point pending); refuse an existing path.

    Parameters
    ----------
    path : str or os.PathLike
        The Zarr store to create.
    spec : SweepSpec
        The sweep.
    n_cycles : int
        Length of the per-cycle dimension [-].
    parameter_hash : str
        Hash of the parameter set.

    Returns
    -------
    pathlib.Path
        The store.
    """
    out = Path(path).expanduser()
    if out.exists():
        raise OutputExistsError(
            f"{str(out)!r} exists; resume it with the same spec or choose another --out."
        )
    ds = _template(spec, n_cycles, parameter_hash)
    point_dims = dict(zip(spec.dims, point_chunks(spec.shape), strict=True))
    encoding = {
        name: {"chunks": tuple(point_dims.get(d, var.shape[k]) for k, d in enumerate(var.dims))}
        for name, var in ds.data_vars.items()
    }
    stage = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with warnings.catch_warnings():
            # a coordinate named with spaces is stored as a variable; open_store restores it
            warnings.filterwarnings("ignore", "coordinate .* has a space in its name")
            ds.to_zarr(stage, encoding=encoding, mode="w-", consolidated=False)
        os.replace(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    return out


def open_store(path: str | os.PathLike[str], load: bool = True):
    """The store as an :class:`xarray.Dataset` (``status`` as its codes 0/1/2, :data:`STATUS`).

    Parameters
    ----------
    path : str or os.PathLike
        Directory of the sweep's Zarr store (``~`` is expanded).
    load : bool, optional
        Read every variable into memory (default True, so the store may change or be removed
        afterwards); False opens it lazily.

    Returns
    -------
    xarray.Dataset
        One variable per output (unit in ``attrs["units"]``), ``status``, ``error`` and
        ``run_status``; the varied quantities are coordinates (a grid's dimensions, or along
        ``sample`` for a sampled design), the spec (JSON) and versions in the attributes.

    Raises
    ------
    InvalidOptionError
        ``path`` holds no Zarr group.
    """
    import xarray as xr

    if not isinstance(path, str | os.PathLike):
        # None or a number reached Path() (TypeError)
        raise InvalidOptionError(
            f"open_store takes the path of a sweep's Zarr store, got {type(path).__name__} "
            f"{path!r:.60}. Example: open_store('sweep.zarr')."
        )
    p = Path(path).expanduser()
    if not p.exists():
        raise InvalidOptionError(
            f"{str(p)!r} does not exist; give the store a sweep wrote (solidna sweep SPEC --out "
            "STORE.zarr)."
        )
    if not (p / "zarr.json").is_file() and not (p / ".zgroup").is_file():
        raise InvalidOptionError(f"{str(p)!r} is not a sweep store (no Zarr group there).")
    # no Dask arrays: a store has a chunk per few points, and loading it through Dask (on the
    # sweep's own cluster, when a client is active) costs a task per chunk - ~1 s for 64 points
    ds = xr.open_zarr(p, consolidated=False, chunks=None)
    # The varied quantities of a sampled design are coordinates along `sample`; CF's
    # space-separated "coordinates" attribute cannot name one with spaces (a parameter entry),
    # so they are restored from the spec.
    varied = json.loads(ds.attrs.get("spec", "{}")).get("vary", {})
    ds = ds.set_coords([name for name in varied if name in ds.data_vars])
    return ds.load() if load else ds


def check_resume(
    path: str | os.PathLike[str], spec: SweepSpec, parameter_hash: str | None = None
) -> None:
    """Refuse to resume a store written for another spec (listing the differences) or, when
    ``parameter_hash`` is given, from another version of the parameter set.

    Parameters
    ----------
    path : str or os.PathLike
        The existing store.
    spec : SweepSpec
        The sweep to resume.
    parameter_hash : str, optional
        Hash of the parameter set now; None skips that check.
    """
    ds = open_store(path, load=False)
    if "spec" not in ds.attrs:
        raise InvalidOptionError(
            f"{str(path)!r} is a Zarr store but not a solidna sweep (no spec)."
        )
    old = json.loads(ds.attrs["spec"])
    new = json.loads(json.dumps(spec.canonical, sort_keys=True))
    diff = spec_differences(old, new)
    if diff:
        raise InvalidOptionError(
            f"{str(path)!r} holds a sweep with another spec; it would mix two designs. "
            "Differences (stored -> given):\n  " + "\n  ".join(diff) + "\nRun the stored spec "
            "to resume it, or write the new sweep to another --out."
        )
    stored = ds.attrs.get("parameter_set_hash")
    if parameter_hash is not None and stored != parameter_hash:
        raise InvalidOptionError(
            f"{str(path)!r} was started with another version of the parameter set "
            f"{spec.parameter_set!r} (hash {str(stored)[:12]}, now {parameter_hash[:12]}): its "
            "points would not be comparable. Write the sweep to another --out."
        )


def pending_points(
    path: str | os.PathLike[str], include_failed: bool = False
) -> set[tuple[int, ...]]:
    """Indices of the points not yet done or failed (and the failed ones, if asked).

    Parameters
    ----------
    path : str or os.PathLike
        The store.
    include_failed : bool, optional
        Also return the failed points (to run them again).

    Returns
    -------
    set of tuple of int
        Point indices.
    """
    import zarr

    status = np.asarray(zarr.open_group(Path(path).expanduser(), mode="r")["status"][...])
    todo = (status == PENDING) | (include_failed & (status == FAILED))
    return {tuple(int(i) for i in idx) for idx in np.argwhere(todo)}


def status_counts(ds) -> dict[str, int]:
    """``{"pending": n, "done": n, "failed": n}`` of a store's Dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        The store's Dataset.

    Returns
    -------
    dict of str to int
        Number of points by status.

    Raises
    ------
    InvalidOptionError
        ``ds`` is not a Dataset with a ``status`` variable.
    """
    status = ds.data_vars.get("status") if hasattr(ds, "data_vars") else None
    if status is None:
        # a path or None reached ds["status"] (TypeError, KeyError)
        raise InvalidOptionError(
            f"status_counts takes a sweep store's Dataset (with its 'status' variable), got "
            f"{type(ds).__name__} {ds!r:.60}. Example: status_counts(open_store('sweep.zarr'))."
        )
    codes = np.asarray(status.values)
    return {name: int(np.sum(codes == code)) for code, name in STATUS.items()}


class PointWriter:
    """Writes finished points into an existing store, a batch at a time (status last)."""

    def __init__(self, path: str | os.PathLike[str]):
        import zarr

        self.group = zarr.open_group(Path(path).expanduser(), mode="r+")
        # the arrays, opened once (opening one reads its metadata)
        self._arrays: dict[str, Any] = {}
        self.n_cycles = (
            int(self.group[CYCLE_DIM].shape[0]) if CYCLE_DIM in self.group.array_keys() else 0
        )
        #: Chunk shape over the points' dimensions (the engine batches points by chunk).
        self.chunks: tuple[int, ...] = tuple(self._array("status").chunks)

    def write(
        self,
        index: Sequence[int],
        values: Mapping[str, Any],
        status: int,
        error: str = "",
        run_status: str = "",
    ) -> None:
        """Write one point: ``values`` (name -> number, or per-cycle array), then its status.

        Parameters
        ----------
        index : sequence of int
            The point's index.
        values : mapping
            Output name -> value, each in its output's unit.
        status : int
            Status code (pending, done or failed).
        error : str, optional
            Message of a failed point.
        run_status : str, optional
            The run's own status.
        """
        self.write_many([(index, values, status, error, run_status)])

    def write_many(self, points: Sequence[tuple]) -> None:
        """Write several points, each ``(index, values, status, error, run_status)`` as the
        arguments of :meth:`write`: one write per variable, the statuses last.

        Parameters
        ----------
        points : sequence of tuple
            ``(index, values, status, error, run_status)`` of each point.
        """
        if not points:
            return
        index = np.array([[int(i) for i in p[0]] for p in points])
        # the batch's bounding box (a chunk, for the engine's batches), written as one region:
        # plain slicing is several times cheaper in zarr than a coordinate selection; a box with
        # points outside the batch is read first, so that they keep their values
        lo = index.min(axis=0)
        box = tuple(slice(int(a), int(b) + 1) for a, b in zip(lo, index.max(axis=0), strict=True))
        shape = tuple(sl.stop - sl.start for sl in box)
        whole = int(np.prod(shape)) == len({tuple(i) for i in index})
        at = tuple((index - lo).T)

        def put(name: str, column: Sequence[Any], fill: Any, dtype: Any) -> None:
            arr = self._array(name)
            region = box + (slice(None),) * (arr.ndim - len(box))
            if whole:
                block = np.full(shape + tuple(arr.shape[len(box) :]), fill, dtype=dtype)
            else:
                block = np.asarray(arr[region], dtype=dtype)
            block[at] = column
            arr[region] = block

        names = list(dict.fromkeys(name for p in points for name in p[1]))
        for name in names:
            arr = self._array(name)
            if arr.ndim > len(box):  # per-cycle: pad with NaN / trim to the cycle dimension
                rows = np.full((len(points), arr.shape[-1]), np.nan)
                for k, p in enumerate(points):
                    if name in p[1]:
                        v = np.asarray(p[1][name], float)[: arr.shape[-1]]
                        rows[k, : v.size] = v
                put(name, rows, np.nan, float)
            else:
                put(name, [float(p[1].get(name, np.nan)) for p in points], np.nan, float)
        put("error", [str(p[3]) for p in points], "", object)
        put("run_status", [str(p[4]) for p in points], "", object)
        put("status", [p[2] for p in points], PENDING, "i1")

    def _array(self, name: str) -> Any:
        if name not in self._arrays:
            self._arrays[name] = self.group[name]
        return self._arrays[name]
