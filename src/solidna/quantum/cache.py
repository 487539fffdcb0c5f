"""A results cache for first-principles values, keyed by molecule, level of theory and versions.

Repeated ``solidna screen`` and ``solidna reproduce`` runs are instant, but a cached value never
passes for a computation of this run: every value read here comes back marked
``source = "cache"`` with the date it was computed, and the callers print that mark beside it.

Where: ``$SOLIDNA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/solidna``, else ``~/.cache/solidna``
- a per-user directory, never the repository. One JSON file per entry,
``<dir>/<kind>/<sha256 of the key>.json``, holding the key itself, so entries can be inspected and
deleted by hand (``rm -r ~/.cache/solidna`` empties the cache).

The key holds the molecule (canonical SMILES, charge, multiplicity, complex), every setting of the
level, the versions of solidna, PySCF, RDKit, tblite, ASE and geomeTRIC, and
:data:`CACHE_SCHEMA`, so a new package version or a changed setting is a miss.

``SOLIDNA_NO_CACHE=1`` in the environment turns reading off (``solidna reproduce`` has no
``--no-cache`` flag of its own; ``solidna screen --no-cache`` does the same).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import importlib.metadata
import json
import os
from pathlib import Path
from typing import Any

from solidna._docstrings import fill_doc
from solidna.io_utils import to_jsonable, write_json

__all__ = [
    "CACHE_SCHEMA",
    "QUANTUM_PACKAGES",
    "cache_dir",
    "package_versions",
    "cache_key",
    "ResultsCache",
    "reading_enabled",
    "CachedRecord",
]

#: Bumped whenever the code changes what a cached value means (invalidates every entry).
CACHE_SCHEMA = 1
#: Packages whose versions enter every cache key and run record.
QUANTUM_PACKAGES = ("solidna", "pyscf", "rdkit", "tblite", "ase", "geometric", "numpy")


@dataclasses.dataclass(kw_only=True)
class CachedRecord:
    """Base of the results that the cache stores: where and when a value was computed.

    Attributes
    ----------
    versions : dict
        Versions of solidna, PySCF, RDKit, tblite, ASE, geomeTRIC, numpy.
    computed_at : str
        ISO date of the computation (UTC).
    wall_time_s : float
        Wall time of the computation [s] (of the original run when read from the cache).
    source : str
        ``"computed"`` (in this run) or ``"cache"``.
    cache_file : str or None
        The cache entry a cached value was read from.
    """

    versions: dict[str, Any]
    computed_at: str
    wall_time_s: float
    source: str = "computed"
    cache_file: str | None = None

    @property
    def provenance(self) -> str:
        """``"computed in this run"`` or ``"read from cache (computed <date>)"``."""
        if self.source == "cache":
            return f"read from cache (computed {self.computed_at})"
        return "computed in this run"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-able)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        """Rebuild from :meth:`as_dict` (extra keys ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def cache_dir() -> Path:
    """The cache directory (not created): ``$SOLIDNA_CACHE_DIR`` or the user cache dir."""
    explicit = os.environ.get("SOLIDNA_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(base).expanduser() / "solidna"


def reading_enabled() -> bool:
    """False when ``SOLIDNA_NO_CACHE`` is set to a true value (1, true, yes)."""
    return os.environ.get("SOLIDNA_NO_CACHE", "").strip().lower() not in ("1", "true", "yes")


def package_versions() -> dict[str, str | None]:
    """Installed versions of :data:`QUANTUM_PACKAGES` (None when absent)."""
    versions: dict[str, str | None] = {}
    for name in QUANTUM_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@fill_doc
def cache_key(kind: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The hash and the full key of an entry: ``kind``, ``payload``, versions and schema.

    %(Parameters: cache_kind)s

    Returns
    -------
    digest : str
        SHA-256 hex digest of the key.
    key : dict
        The full key.
    """
    key = {
        "kind": kind,
        "schema": CACHE_SCHEMA,
        "versions": package_versions(),
        **to_jsonable(payload),
    }
    text = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest(), key


class ResultsCache:
    """JSON files under :func:`cache_dir`, one per (kind, key).

    Parameters
    ----------
    directory : path-like, optional
        Where the entries live; default :func:`cache_dir`.
    read : bool, default True
        Read existing entries (False: always recompute; what ``--no-cache`` does).
    write : bool, default True
        Store new results (a read-only or full disk only produces a warning note).
    """

    def __init__(
        self, directory: str | os.PathLike[str] | None = None, read: bool = True, write: bool = True
    ) -> None:
        self.directory = Path(directory) if directory is not None else cache_dir()
        self.read = bool(read)
        self.write = bool(write)
        self.problems: list[str] = []

    def _path(self, kind: str, digest: str) -> Path:
        return self.directory / kind / f"{digest}.json"

    @fill_doc
    def get(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The stored value for this key, with ``source = "cache"``, or None on a miss.

        %(Parameters: cache_kind)s

        Returns
        -------
        dict or None
            The cached value, or ``None`` on a miss (or when reading is off).
        """
        if not self.read:
            return None
        digest, key = cache_key(kind, payload)
        path = self._path(kind, digest)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):  # a miss (or no cache directory at all)
            return None
        except (OSError, ValueError) as exc:  # unreadable or cut short: recomputed, and said
            self._problem(f"cache entry {path} is unreadable ({exc}); the value is recomputed")
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), dict):
            self._problem(f"cache entry {path} is not a solidna entry; the value is recomputed")
            return None
        if entry.get("key") != to_jsonable(key):  # a hash collision or a hand-edited file
            return None
        value = dict(entry["value"])
        value["source"] = "cache"
        value["cache_file"] = str(path)
        return value

    @fill_doc
    def put(self, kind: str, payload: dict[str, Any], value: dict[str, Any]) -> None:
        """Store ``value`` (a JSON-able dict) under this key.

        Parameters
        ----------
        %(cache_kind)s
        value : dict
            The result to store, JSON-able.
        """
        if not self.write:
            return
        digest, key = cache_key(kind, payload)
        stored = {k: v for k, v in value.items() if k not in ("source", "cache_file")}
        entry = {
            "key": key,
            "stored_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "value": stored,
        }
        try:
            write_json(self._path(kind, digest), entry)
        except OSError as exc:  # the result is still good; say that it could not be kept
            reason = exc.strerror or str(exc)
            self._problem(
                f"results are not stored in the cache {self.directory} ({reason}); set "
                "SOLIDNA_CACHE_DIR to a directory you can write to, to keep them"
            )

    def _problem(self, text: str) -> None:
        # one note per problem, however many entries meet it
        if text not in self.problems:
            self.problems.append(text)

    def usable(self) -> str | None:
        """Why new results cannot be stored here (a file in the way, no write permission), or
        None when the directory is or can be made writable. Nothing is created.

        Returns
        -------
        str or None
            The reason, for a line printed before a long run.
        """
        if not self.write:
            return None
        # the deepest existing ancestor decides: a file there, or one that is not writable
        path = self.directory
        while not path.exists() and path != path.parent:
            path = path.parent
        if not path.is_dir():
            return f"{path} is a file, not a directory"
        if not os.access(path, os.W_OK | os.X_OK):
            return f"{path} is not writable"
        return None
