"""The frozen :class:`ParameterSet` and its TOML loader."""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from solidna.errors import (
    DataFormatError,
    InvalidOptionError,
    OutOfRangeError,
    OutputExistsError,
    OutputNotWritableError,
    closest_matches,
    is_number,
)

__all__ = [
    "Parameter",
    "ParameterSet",
    "METHODS",
    "available_sets",
    "lu2019",
    "set_directory",
    "unit_of",
]

METHODS = ("measured", "literature", "fitted", "estimated", "assumed")
_SETS_DIR = Path(__file__).parent / "sets"


@dataclass(frozen=True)
class Parameter:
    """One parameter with its provenance.

    Attributes
    ----------
    name : str
        PyBaMM-style name with the unit in brackets, e.g. ``"Interphase thickness [m]"``.
    value : float
        Value in the unit of ``unit`` (SI by convention).
    unit : str
        Unit of ``value`` (same as the bracket in ``name``).
    source : str
        Key of ``references.bib`` or ``lu2019:<figure>``.
    method : str
        One of ``measured``, ``literature``, ``fitted``, ``estimated``, ``assumed``.
    uncertainty, valid_range, note : optional
        Standard uncertainty (same unit), ``[low, high]`` validity range, free text; an assumed
        value says why in its note.
    extra : dict
        Anything else recorded (fitted entries: targets, routine, residuals).
    """

    name: str
    value: float
    unit: str
    source: str
    method: str
    uncertainty: float | None = None
    valid_range: tuple[float, float] | None = None
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise DataFormatError(
                f"Parameter {self.name!r}: method {self.method!r} is not one of {METHODS}."
            )
        if self.method == "assumed" and not self.note:
            raise DataFormatError(
                f"Parameter {self.name!r} is assumed but its note does not say why."
            )


class ParameterSet(Mapping[str, float]):
    """A frozen, named collection of :class:`Parameter` entries.

    Behaves as a read-only mapping from name to value (SI floats). Use :meth:`entry` for the full
    provenance, :meth:`updated` for a modified copy and :meth:`provenance` for the table.

    Examples
    --------
    >>> ps = lu2019()
    >>> ps["Temperature [K]"]
    298.15
    >>> ps.updated({"Temperature [K]": 308.15})["Temperature [K]"]
    308.15
    """

    def __init__(
        self,
        name: str,
        entries: Mapping[str, Parameter],
        meta: Mapping[str, Any] | None = None,
        known: Iterable[str] | None = None,
    ):
        self._name = name
        self._entries = MappingProxyType(dict(entries))
        self._meta = MappingProxyType(dict(meta or {}))
        # the names the set's files define (also those of files left out by ``load(exclude=)``):
        # :meth:`updated` refuses others as misspelt; ``None`` (a set built in code) takes any
        self._known = None if known is None else frozenset(known) | set(self._entries)

    def __reduce__(self):
        # mapping proxies do not pickle; a set travels to worker processes as plain dicts
        known = None if self._known is None else sorted(self._known)
        return (type(self), (self._name, dict(self._entries), dict(self._meta), known))

    # -- Mapping interface ------------------------------------------------------------------
    def __getitem__(self, name: str) -> float:
        return self.entry(name).value

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        # without this, Mapping's ``in`` and ``get`` would meet entry()'s InvalidOptionError
        return name in self._entries

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` if the set has no such parameter.

        Parameters
        ----------
        name : str
            Full name of the parameter, unit included (``"Temperature [K]"``).
        default : optional
            Returned when the set has no parameter ``name`` (default ``None``).
        """
        return self._entries[name].value if name in self._entries else default

    def __repr__(self) -> str:
        return f"ParameterSet({self._name!r}, {len(self)} entries, hash={self.hash()[:10]})"

    @property
    def name(self) -> str:
        """Name of the set (e.g. ``"lu2019"``)."""
        return self._name

    @property
    def meta(self) -> Mapping[str, Any]:
        """Metadata per file (e.g. the calibration record of the fitted values)."""
        return self._meta

    def entry(self, name: str) -> Parameter:
        """Return the :class:`Parameter` called ``name`` (with provenance).

        Parameters
        ----------
        name : str
            Full name of the parameter, unit included, e.g. ``"Temperature [K]"``.

        Returns
        -------
        Parameter
            The entry: value (in the unit of its name), unit, source, method, uncertainty and
            note.

        Raises
        ------
        InvalidOptionError
            If the set has no parameter ``name`` (the message lists the closest names).
        """
        try:
            return self._entries[name]
        except (KeyError, TypeError):  # TypeError: an unhashable name, e.g. a list
            hint = closest_matches(str(name), self._entries)
            raise InvalidOptionError(
                f"Parameter set {self._name!r} has no parameter {name!r}."
                + (f" Closest: {hint}." if hint else "")
            ) from None

    def updated(
        self,
        values: Mapping[str, float],
        method: str = "assumed",
        source: str = "user",
        note: str = "set by the user",
        *,
        add: bool = False,
    ) -> ParameterSet:
        """Return a new set with ``values`` replaced (or added) and their provenance updated.

        Parameters
        ----------
        values : Mapping[str, float]
            New values by full parameter name, each a finite number in the unit of its name (SI
            by convention, e.g. ``{"Temperature [K]": 308.15}``; a string with a unit is
            refused: convert it with :func:`solidna.units.to_si`). A name the set's files do not
            define is refused as misspelt (the message names the closest ones) unless ``add``.
            A name added gets its unit from the bracket at the end of the name (``"-"`` if there
            is none).
        method : str, optional
            Provenance method recorded for the new values: one of ``measured``,
            ``literature``, ``fitted``, ``estimated``, ``assumed`` (default).
        source : str, optional
            Provenance source recorded for the new values (a reference key; default ``"user"``).
        note : str, optional
            Free-text note recorded for the new values; an ``assumed`` value must say why
            (default ``"set by the user"``).
        add : bool, optional
            Add names the set does not define (default ``False``: refused as misspelt). A set
            built in code (not loaded from files) takes any name.

        Returns
        -------
        ParameterSet
            A copy with the same name and metadata; this set is left unchanged.

        Raises
        ------
        InvalidOptionError
            ``values`` is not a mapping, or names a parameter the set does not define.
        OutOfRangeError
            A value is not a finite number.
        """
        if not isinstance(values, Mapping):
            raise InvalidOptionError(
                f"updated() takes a mapping of parameter name to value, got "
                f"{type(values).__name__}. Example: ps.updated({{'Temperature [K]': 308.15}})."
            )
        new = dict(self._entries)
        for key, value in values.items():
            self._check_update(key, value, add)
            if key in new:
                new[key] = replace(
                    new[key], value=float(value), method=method, source=source, note=note
                )
            else:
                new[key] = Parameter(key, float(value), unit_of(key), source, method, note=note)
        return ParameterSet(self._name, new, self._meta, self._known)

    def _check_update(self, key: object, value: object, add: bool) -> None:
        """Refuse a misspelt name (unless ``add``) and a value that is not a finite number."""
        if not isinstance(key, str):
            raise InvalidOptionError(
                f"Parameter names are strings such as 'Temperature [K]'; got {key!r}."
            )
        if not add and key not in self._entries and self._known is not None:
            if key not in self._known:
                hint = closest_matches(key, self._known)
                raise InvalidOptionError(
                    f"Parameter set {self._name!r} has no parameter {key!r}"
                    + (f"; closest: {hint}" if hint else "")
                    + ". Correct the name, or pass add=True to add a new parameter."
                )
        if not is_number(value) or not math.isfinite(value):
            raise OutOfRangeError(
                f"{key}: {value!r} is not a finite number. Give the value in the unit of the "
                f"name ({unit_of(key)}) as a number; to convert a quantity with a unit, use "
                f"solidna.units.to_si, e.g. to_si('25 degC', 'K')."
            )

    def subset(self, prefix: str) -> dict[str, float]:
        """Values of all entries whose name starts with ``prefix``.

        Parameters
        ----------
        prefix : str
            Start of the parameter names to keep (case-sensitive), e.g. ``"Modified"``.

        Returns
        -------
        dict[str, float]
            Value by full parameter name, each in the unit of its name.
        """
        if not isinstance(prefix, str):
            raise InvalidOptionError(f"subset() takes the start of a name, got {prefix!r}.")
        return {k: p.value for k, p in self._entries.items() if k.startswith(prefix)}

    def hash(self) -> str:
        """SHA-256 of the names and values: identifies the set in run records."""
        payload = json.dumps({k: p.value for k, p in sorted(self._entries.items())}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def provenance(self):
        """Return the provenance table as a :class:`pandas.DataFrame` (one row per parameter;
        ``uncertainty`` is the standard uncertainty when the entry records one, e.g. a fitted
        value's, else ``None``)."""
        import pandas as pd

        rows = [
            {
                "name": p.name,
                "value": p.value,
                "uncertainty": p.uncertainty,
                "unit": p.unit,
                "method": p.method,
                "source": p.source,
                "note": p.note,
            }
            for p in self._entries.values()
        ]
        return pd.DataFrame(rows).set_index("name")

    # -- saving and loading ---------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write the set as ``<folder>/parameters.toml``, every entry with its provenance, so that
        ``ParameterSet.load(folder)`` reads it back (same values, same :meth:`hash`).

        Parameters
        ----------
        folder : str or Path
            A new or empty folder, or one holding only an earlier ``parameters.toml`` (replaced).

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        OutputExistsError
            ``folder`` is a file, or holds other TOML files (``load`` would read them too).
        OutputNotWritableError
            ``folder`` cannot be created or written.
        """
        import tomli_w

        from solidna import __version__
        from solidna.io_utils import write_text

        folder = Path(folder).expanduser()
        if folder.exists() and not folder.is_dir():
            raise OutputExistsError(f"{str(folder)!r} is a file; give a folder to save the set in.")
        others = sorted(p.name for p in folder.glob("*.toml") if p.name != "parameters.toml")
        if others:
            raise OutputExistsError(
                f"{str(folder)!r} holds other TOML files ({', '.join(others)}), which "
                "ParameterSet.load would read with the set; choose a new or empty folder."
            )
        doc: dict[str, Any] = {
            "meta": {"saved_from": self._name, "solidna_version": __version__}
            | ({"files": dict(self._meta)} if self._meta else {}),
            "parameters": {name: _toml_entry(p) for name, p in self._entries.items()},
        }
        header = f"# Parameter set {self._name!r} saved by ParameterSet.save\n"
        try:
            return write_text(folder / "parameters.toml", header + tomli_w.dumps(doc))
        except OSError as exc:
            raise OutputNotWritableError(
                f"Cannot write the parameter set into {str(folder)!r} ({exc.strerror}). Choose a "
                "folder you can write to."
            ) from None

    @classmethod
    def load(cls, name: str = "lu2019", exclude: tuple[str, ...] = ()) -> ParameterSet:
        """Load the set ``name`` from ``solidna/parameters/sets/<name>/*.toml``, or from the
        folder ``name`` (e.g. one written by :meth:`save`).

        ``exclude`` lists file names to skip (a calibration routine starts without its own
        previous fit).
        """
        folder = set_directory(name)
        if folder.parent != _SETS_DIR:
            name = folder.name
        # one name alone is a name, not a string to search in ("nvp.toml" in "fitted_nvp.toml");
        # a file that is not there (no previous fit yet) is nothing to leave out
        exclude = (exclude,) if isinstance(exclude, str) else tuple(exclude)
        entries: dict[str, Parameter] = {}
        meta: dict[str, Any] = {}
        known: set[str] = set()
        for path in sorted(folder.glob("*.toml")):
            if path.name in exclude:
                # its names stay known (a calibration re-adds them); a broken file is not read
                try:
                    known |= set(_read_toml(path)[0])
                except DataFormatError:
                    pass
                continue
            file_entries, file_meta = _read_toml(path)
            known |= set(file_entries)
            for key, par in file_entries.items():
                if key in entries:
                    raise DataFormatError(
                        f"Parameter {key!r} is defined twice in set {name!r} ({path.name})."
                    )
                entries[key] = par
            if file_meta:
                meta[path.stem] = file_meta
        return cls(name, entries, meta, known)


def set_directory(name: str | Path) -> Path:
    """Folder of the parameter set ``name``: a set shipped with solidna, else a folder.

    Parameters
    ----------
    name : str or Path
        Name of a shipped parameter set (e.g. ``"lu2019"``), or the path of a folder of TOML
        files (e.g. written by :meth:`ParameterSet.save`).

    Returns
    -------
    pathlib.Path
        Folder holding the set's files.
    """
    if not isinstance(name, str | Path):
        raise InvalidOptionError(
            f"A parameter set is named by a string, got {name!r}. Available: {available_sets()}."
        )
    folder = _SETS_DIR / name
    if folder.is_dir():
        return folder
    own = Path(name).expanduser()
    if own.is_dir() and any(own.glob("*.toml")):
        return own
    allowed = available_sets()
    hint = closest_matches(str(name), allowed)
    raise InvalidOptionError(
        f"Unknown parameter set {str(name)!r}: neither a set shipped with solidna "
        f"({', '.join(allowed)}) nor a folder of TOML files (ParameterSet.save writes one)."
        + (f" Did you mean {hint[0]!r}?" if hint else "")
    )


def unit_of(name: str, default: str = "-") -> str:
    """The unit in the bracket that ends a parameter name (``"SSE thickness [m]"`` -> ``"m"``),
    or ``default`` for a name without one.

    Parameters
    ----------
    name : str
        Full parameter name.
    default : str, optional
        Returned for a name that does not end in a bracket (default ``"-"``, dimensionless).
    """
    return name[name.rfind("[") + 1 : -1] if name.endswith("]") else default


def _toml_entry(p: Parameter) -> dict[str, Any]:
    """A :class:`Parameter` as its TOML table (fields left unset are left out)."""
    entry: dict[str, Any] = {
        "value": p.value,
        "unit": p.unit,
        "source": p.source,
        "method": p.method,
    }
    if p.uncertainty is not None:
        entry["uncertainty"] = p.uncertainty
    if p.valid_range is not None:
        entry["valid_range"] = list(p.valid_range)
    if p.note:
        entry["note"] = p.note
    return entry | dict(p.extra)


def available_sets() -> list[str]:
    """Names of the parameter sets shipped with solidna."""
    return sorted(p.name for p in _SETS_DIR.iterdir() if p.is_dir())


def _read_toml(path: Path) -> tuple[dict[str, Parameter], dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise DataFormatError(f"{path}: not valid TOML ({exc}).") from None
    entries = {}
    for key, raw in data.get("parameters", {}).items():
        raw = dict(raw)
        try:
            par = Parameter(
                name=key,
                value=float(raw.pop("value")),
                unit=str(raw.pop("unit")),
                source=str(raw.pop("source")),
                method=str(raw.pop("method")),
                uncertainty=raw.pop("uncertainty", None),
                valid_range=tuple(raw.pop("valid_range")) if "valid_range" in raw else None,
                note=str(raw.pop("note", "")),
                extra=raw,
            )
        except KeyError as exc:
            raise DataFormatError(f"{path}: parameter {key!r} lacks the field {exc}.") from None
        entries[key] = par
    return entries, data.get("meta", {})


def lu2019() -> ParameterSet:
    """The Lu et al. (Chem. Sci. 2019) parameter set used for every figure."""
    return ParameterSet.load("lu2019")
