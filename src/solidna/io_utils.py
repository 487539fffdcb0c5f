"""Output directories that are never left half-written, and the JSON/CSV writers.

solidna never silently overwrites a user's results: an existing non-empty output directory is
refused unless ``force`` is given, and even then nothing is deleted; the files solidna writes
replace their namesakes and every other file is kept.

A run writes into a staging directory beside the target and moves its files into place only when
it succeeds (:func:`output_dir`), so a failed or interrupted run leaves nothing behind and the
corrected rerun needs no ``--force``. Inside ``with output_dir(out, force):``,
:func:`prepare_output_dir` called for the same ``out`` (by a cell's ``Result.save``, the analysis
pipeline, ``reproduce`` or ``screen``) returns the staging directory, so those routines take part
in the transaction without knowing about it; paths to the staging directory in JSON written by
:func:`write_json` are recorded as paths to ``out``. Files are created with the permissions the
process umask allows (as ``open`` would), so colleagues on a shared server can read them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import json
import math
import os
import secrets
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from solidna.errors import (
    InvalidOptionError,
    OutputExistsError,
    OutputNotWritableError,
    SolidnaWarning,
)

__all__ = [
    "OutputNotWritableError",
    "output_dir",
    "prepare_output_dir",
    "final_path",
    "to_jsonable",
    "write_json",
    "write_csv",
    "write_text",
]


_STAGING_PREFIX = ".solidna-staging-"

# final directory (resolved) -> (staging directory, final directory as given); guarded by a lock
# because a routine may hand its writing to a worker thread
_STAGED: dict[Path, tuple[Path, Path]] = {}
_STAGED_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read without changing it where the OS allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere the only portable way to read it is to set it
    os.umask(mask)
    return mask


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path.expanduser())).resolve()


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputExistsError(
            f"Output path '{out}' exists and is a file, not a directory. "
            "Choose another --out (CLI) / out= (Python)."
        )
    # the nearest existing ancestor must be a directory ('results.csv/run1' was reported as
    # "file exists in 'results.csv'")
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputNotWritableError(
                    f"Cannot create the output directory '{out}': it lies inside '{parent}', "
                    "which is a file, not a directory. Choose another --out (CLI) / out= "
                    "(Python)."
                )
            break
    if out.is_dir() and not force and any(out.iterdir()):
        raise OutputExistsError(
            f"Output directory '{out}' is not empty; "
            "pass --force (CLI) / force=True (Python) to overwrite, or choose another --out "
            "(--force overwrites only the files solidna writes and keeps all other files)."
        )
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise OutputNotWritableError(
            f"Output directory '{out}' is not writable (permission denied). "
            "Choose another --out (CLI) / out= (Python), or change its permissions."
        )


def _not_writable(out: Path, where: Path, exc: OSError) -> OutputNotWritableError:
    reason = exc.strerror or type(exc).__name__
    return OutputNotWritableError(
        f"Cannot create the output directory '{out}': {reason.lower()} in '{where}'. "
        "Choose another --out (CLI) / out= (Python) in a directory you can write to."
    )


def _missing_ancestors(out: Path) -> list[Path]:
    """The ancestors of ``out`` that do not exist yet, outermost first."""
    missing = [p for p in out.absolute().parents if not p.exists()]
    return missing[::-1]


def _make_staging(out: Path, tag: str) -> Path:
    """A fresh, empty staging directory beside ``out`` (or inside it, when only it is writable),
    its name starting with ``tag`` after the staging prefix (:func:`_remove_staging`)."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}{_STAGING_PREFIX}{tag}", dir=parent))
    except PermissionError as exc:
        if not (out.is_dir() and os.access(out, os.W_OK | os.X_OK)):
            raise _not_writable(out, parent, exc) from None
        # the parent is read-only but ``out`` itself is writable: stage inside it
        stage = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{tag}", dir=out))
    except OSError as exc:
        raise _not_writable(out, parent, exc) from None
    # mkdtemp creates 0700; the results are meant to be as readable as any file the user makes
    stage.chmod(0o777 & ~_umask())
    return stage


def _remove_staging(out: Path, tag: str) -> None:
    """Remove the staging directory that :func:`_make_staging` made for ``out`` with ``tag``,
    found by its name: an interrupt (Ctrl-C, SIGTERM, raised at whatever line runs) just after
    ``mkdtemp`` made it, before the call returned its path, left it behind."""
    for folder, prefix in (
        (out.parent, f".{out.name}{_STAGING_PREFIX}{tag}"),
        (out, f"{_STAGING_PREFIX}{tag}"),
    ):
        with contextlib.suppress(OSError):
            for path in folder.iterdir():
                if path.name.startswith(prefix):
                    shutil.rmtree(path, ignore_errors=True)


def _files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            yield Path(dirpath, name)


def _check_commit(stage: Path, out: Path, protect: set[Path]) -> None:
    """Refuse, before anything moves, a commit that would replace an input or a directory."""
    for src in _files(stage):
        rel = src.relative_to(stage)
        dst = out / rel
        if _key(dst) in protect:
            raise InvalidOptionError(
                f"refusing to overwrite the input file {dst}; choose another --out."
            )
        if dst.is_dir():
            raise OutputExistsError(
                f"Cannot write '{dst}': a directory of that name is in the way. Move it, or "
                "choose another --out."
            )
        for parent in rel.parents:
            if str(parent) != "." and (out / parent).exists() and not (out / parent).is_dir():
                raise OutputExistsError(
                    f"Cannot write into '{out / parent}': it is a file, not a directory. Move "
                    "it, or choose another --out."
                )


def _merge(src: Path, dst: Path) -> None:
    if src.is_dir() and not src.is_symlink():
        if not dst.exists():
            os.rename(src, dst)
            return
        for child in src.iterdir():
            _merge(child, dst / child.name)
        return
    os.replace(src, dst)


def _commit(stage: Path, out: Path, protect: set[Path]) -> None:
    if not out.exists():
        os.rename(stage, out)  # one atomic step: the directory appears complete
        return
    _check_commit(stage, out, protect)
    earlier = _earlier_run_files(stage, out, protect)
    for child in list(stage.iterdir()):
        _merge(child, out / child.name)
    shutil.rmtree(stage, ignore_errors=True)
    if earlier:
        shown = ", ".join(earlier[:5]) + (
            f" and {len(earlier) - 5} more" if len(earlier) > 5 else ""
        )
        warnings.warn(
            f"'{out}' held an earlier run (its summary.json is replaced) and keeps "
            f"{len(earlier)} file(s) this run did not write: {shown}. If they are of the earlier "
            "run, remove them or write to a fresh directory, so that they are not taken for "
            "this run's.",
            SolidnaWarning,
            stacklevel=3,
        )


def _earlier_run_files(stage: Path, out: Path, protect: set[Path]) -> list[str]:
    """The files of an earlier solidna run in ``out`` (one with a summary.json) that the staged
    run does not replace: after ``simulate eis`` and ``simulate symmetric --force`` into one
    directory, nyquist.png stood beside the new run's summary.json as if it were one of its
    files."""
    if not (out / "summary.json").is_file():
        return []
    written = {src.relative_to(stage) for src in _files(stage)}
    kept = []
    for path in _files(out):
        rel = path.relative_to(out)
        if rel.parts[0].startswith(".") or rel in written or _key(path) in protect:
            continue  # staging directories, replaced files, the inputs of analyze
        kept.append(rel.as_posix())
    return sorted(kept)


@contextlib.contextmanager
def output_dir(
    out: str | os.PathLike[str],
    force: bool = False,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[Path]:
    """Write a run's outputs into a staging directory; move them to ``out`` only on success.

    ``out`` is checked first (as :func:`prepare_output_dir` does). The block writes into the
    directory it is given, a hidden staging directory beside ``out``. When the block finishes, the
    staged files move into ``out`` (a single rename when ``out`` does not exist yet; with
    ``force``, file by file, replacing only the files of the same name and keeping all others;
    when ``out`` held an earlier run, a :class:`~solidna.errors.SolidnaWarning` names the files
    it keeps that this run did not write).
    When the block raises (an error, Ctrl-C), the staging directory and any parent directory
    created for it are removed and ``out`` is left as it was.

    Inside the block, ``prepare_output_dir(out, ...)`` returns the staging directory, so routines
    that call it write into the staging directory too. Nested ``output_dir`` blocks for the same
    ``out`` share the outermost staging directory.

    Parameters
    ----------
    out : str or path-like
        The output directory.
    force : bool, default False
        Allow an existing non-empty ``out``; nothing in it is deleted.
    protect : iterable of path-like
        Files that must never be replaced (e.g. the input files of ``analyze``): a commit that
        would replace one is refused and nothing moves.

    Yields
    ------
    pathlib.Path
        The staging directory to write into.

    Raises
    ------
    OutputExistsError
        If ``out`` is a file, or a non-empty directory and ``force`` is False.
    OutputNotWritableError
        If ``out`` or the directory that would hold it cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with output_dir(root / "run") as stage:
    ...     _ = write_json(stage / "summary.json", {"status": "completed"})
    >>> sorted(p.name for p in (root / "run").iterdir())
    ['summary.json']
    """
    target = Path(out).expanduser()
    key = _key(target)
    with _STAGED_LOCK:
        outer = _STAGED.get(key)
    if outer is not None:  # nested: the outermost block commits
        yield outer[0]
        return
    _check_target(target, force)
    created = _missing_ancestors(target)
    # Ctrl-C or SIGTERM (`timeout`, a batch system's limit) just after the staging directory was
    # made, before this try, left `.OUT.solidna-staging-*` behind: it is made inside the try,
    # with a name of this block's own, by which it is found
    tag = f"{secrets.token_hex(4)}-"
    try:
        stage = _make_staging(target, tag)
        with _STAGED_LOCK:
            _STAGED[key] = (stage, target)
        yield stage
        with _STAGED_LOCK:
            del _STAGED[key]
        _commit(stage, target, {_key(Path(p)) for p in protect})
    except BaseException:
        with _STAGED_LOCK:
            _STAGED.pop(key, None)
        _remove_staging(target, tag)
        for directory in reversed(created):  # innermost first; only if still empty
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def final_path(path: str | os.PathLike[str]) -> Path:
    """Where ``path`` (possibly inside an active staging directory) ends up after the commit.

    Parameters
    ----------
    path : str or os.PathLike
        File path, possibly inside an active staging directory.

    Returns
    -------
    pathlib.Path
        Where the file will be after the staging directory is committed (``path``
        itself when it is not staged).
    """
    p = Path(path)
    with _STAGED_LOCK:
        staged = list(_STAGED.values())
    for stage, target in staged:
        for root in (stage, _key(stage)):
            with contextlib.suppress(ValueError):
                return target / p.relative_to(root)
    return p


def prepare_output_dir(path: str | os.PathLike[str], force: bool = False) -> Path:
    """Create the output directory ``path``, refusing to write into a non-empty one.

    Inside an :func:`output_dir` block for the same ``path``, return its staging directory (the
    block has checked ``path`` already).

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
        The directory to write into (as given, with ``~`` expanded).

    Raises
    ------
    OutputExistsError
        If ``path`` is an existing file, or an existing non-empty directory and ``force`` is False.
    OutputNotWritableError
        If the directory cannot be created or written.
    """
    out = Path(path).expanduser()
    key = _key(out)
    with _STAGED_LOCK:
        staged = _STAGED.get(key)
        stages = {_key(s) for s, _ in _STAGED.values()}
    if staged is not None:
        return staged[0]
    if key in stages:  # the caller was handed the staging directory itself
        return out
    _check_target(out, force)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except PermissionError as exc:
        raise _not_writable(out, out.parent, exc) from None
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


def _unstage(obj: Any) -> Any:
    """Paths into an active staging directory, rewritten to where they will end up."""
    if isinstance(obj, str):
        with _STAGED_LOCK:
            staged = list(_STAGED.values())
        for stage, target in staged:
            for root in (str(stage), str(_key(stage))):
                if obj == root or obj.startswith(root + os.sep):
                    return str(target) + obj[len(root) :]
        return obj
    if isinstance(obj, dict):
        return {k: _unstage(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unstage(v) for v in obj]
    return obj


def write_text(path: str | os.PathLike[str], text: str, *, unwritable: str | None = None) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file beside it, renamed into
    place, so a crash never leaves a half-written file (e.g. a TOML every later run reads).

    The new file gets the mode the umask allows; a replaced file keeps its mode.

    Parameters
    ----------
    path : str or path-like
        The file to write or replace (parent directories are created).
    text : str
        The whole content.
    unwritable : str, optional
        The message of the :class:`~solidna.errors.OutputNotWritableError` raised when the file
        cannot be written, with ``{error}`` for the system's reason (what to do instead);
        default: the OSError as it is.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    try:
        return _write_text(Path(path), text)
    except OSError as exc:
        if unwritable is None:
            raise
        raise OutputNotWritableError(unwritable.format(error=exc.strerror or exc)) from None


def _write_text(path: Path, text: str) -> Path:
    # mkstemp creates the file 0600; give it the mode a plain open() would (or keep the mode of
    # the file it replaces).
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as JSON (indent 2, UTF-8) with numpy/pandas values converted and NaN as null.

    Parameters
    ----------
    path : str or path-like
        The file to write (overwritten; parent directories are created).
    obj : Any
        Data to write; see :func:`to_jsonable`. Inside an :func:`output_dir` block, paths into
        the staging directory are written as the paths they will have after the commit.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    text = json.dumps(_unstage(to_jsonable(obj)), indent=2, ensure_ascii=False, allow_nan=False)
    return write_text(path, text + "\n")


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

    keep_index = not isinstance(dataframe.index, pd.RangeIndex)
    return write_text(path, dataframe.to_csv(index=keep_index, lineterminator="\n"))
