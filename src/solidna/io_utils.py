"""Output-directory safety and file writers shared by ``reproduce``, ``simulate`` and the CLI.

solidna never silently overwrites a user's results: :func:`prepare_output_dir` refuses an existing
non-empty directory unless ``force`` is given, and even then it deletes nothing; the files that
solidna writes are overwritten one by one and every other file in the directory is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from solidna.errors import OutputExistsError

__all__ = ["prepare_output_dir", "to_jsonable", "write_json", "write_csv"]


def prepare_output_dir(path: str | os.PathLike[str], force: bool = False) -> Path:
    """Create the output directory ``path``, refusing to write into a non-empty one.

    Parameters
    ----------
    path : str or path-like
        The output directory. Missing parent directories are created.
    force : bool, default False
        Allow an existing non-empty directory. Nothing in it is deleted: the files solidna writes
        are overwritten and all other files are left as they are.

    Returns
    -------
    pathlib.Path
        The directory (as given, with ``~`` expanded).

    Raises
    ------
    OutputExistsError
        If ``path`` is an existing file, or an existing non-empty directory and ``force`` is False.
    """
    out = Path(path).expanduser()
    if out.exists() and not out.is_dir():
        raise OutputExistsError(
            f"Output path '{out}' exists and is a file, not a directory. "
            "Choose another --out (CLI) / out= (Python)."
        )
    if out.is_dir() and not force and any(out.iterdir()):
        raise OutputExistsError(
            f"Output directory '{out}' is not empty; "
            "pass --force (CLI) / force=True (Python) to overwrite, or choose another --out "
            "(--force overwrites only the files solidna writes and keeps all other files)."
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def to_jsonable(obj: Any) -> Any:
    """Convert ``obj`` to plain JSON types.

    numpy scalars and arrays, pandas objects, paths, dates and dataclasses are converted; NaN,
    infinities, ``pandas.NA`` and ``NaT`` become ``None`` (JSON ``null``).

    Parameters
    ----------
    obj : Any
        The object to convert.

    Returns
    -------
    Any
        Nested dicts, lists, strings, numbers, booleans and ``None``.
    """
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj))
    if isinstance(obj, (_dt.datetime, _dt.date, _dt.time)):
        return obj.isoformat()
    # numpy and pandas are imported only if the object comes from them
    module = type(obj).__module__.split(".")[0]
    if module == "numpy":
        import numpy as np

        if isinstance(obj, np.ndarray):
            return to_jsonable(obj.tolist())
        if isinstance(obj, np.generic):
            return to_jsonable(obj.item())
    if module == "pandas":
        import pandas as pd

        if isinstance(obj, pd.DataFrame):
            return to_jsonable(obj.to_dict(orient="records"))
        if isinstance(obj, pd.Series):
            return to_jsonable(obj.to_dict())
        if isinstance(obj, pd.Timestamp):
            return None if pd.isna(obj) else obj.isoformat()
        if obj is pd.NA or obj is pd.NaT:
            return None
    if hasattr(obj, "item") and callable(obj.item):
        try:
            return to_jsonable(obj.item())
        except (TypeError, ValueError):
            pass
    return str(obj)


def _atomic_write_text(path: Path, text: str) -> None:
    # Write to a temporary file in the same directory and rename it, so that an interrupted run
    # never leaves a half-written file behind.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as JSON (indent 2, UTF-8) with numpy/pandas values converted and NaN as null.

    Parameters
    ----------
    path : str or path-like
        The file to write (overwritten; parent directories are created).
    obj : Any
        Data to write; see :func:`to_jsonable`.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = Path(path)
    text = json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False)
    _atomic_write_text(out, text + "\n")
    return out


def write_csv(path: str | os.PathLike[str], dataframe: Any) -> Path:
    """Write a :class:`pandas.DataFrame` as CSV.

    The index is written only when it carries information (not a default ``RangeIndex``).

    Parameters
    ----------
    path : str or path-like
        The file to write (overwritten; parent directories are created).
    dataframe : pandas.DataFrame
        The table; column names should carry their units, e.g. ``"Time [h]"``.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    import pandas as pd

    out = Path(path)
    keep_index = not isinstance(dataframe.index, pd.RangeIndex)
    _atomic_write_text(out, dataframe.to_csv(index=keep_index, lineterminator="\n"))
    return out
