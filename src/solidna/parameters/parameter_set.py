"""The frozen :class:`ParameterSet` and its TOML loader."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from solidna.errors import DataFormatError, InvalidOptionError, closest_matches

__all__ = ["Parameter", "ParameterSet", "METHODS", "available_sets", "lu2019", "set_directory"]

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
        self, name: str, entries: Mapping[str, Parameter], meta: Mapping[str, Any] | None = None
    ):
        self._name = name
        self._entries = MappingProxyType(dict(entries))
        self._meta = MappingProxyType(dict(meta or {}))

    # -- Mapping interface ------------------------------------------------------------------
    def __getitem__(self, name: str) -> float:
        return self.entry(name).value

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

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
        except KeyError:
            hint = closest_matches(name, self._entries)
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
    ) -> ParameterSet:
        """Return a new set with ``values`` replaced (or added) and their provenance updated.

        Parameters
        ----------
        values : Mapping[str, float]
            New values by full parameter name, each in the unit of its name (SI by convention,
            e.g. ``{"Temperature [K]": 308.15}``). A name not yet in the set is added, its unit
            taken from the bracket at the end of the name (``"-"`` if there is none).
        method : str, optional
            Provenance method recorded for the new values: one of ``measured``,
            ``literature``, ``fitted``, ``estimated``, ``assumed`` (default).
        source : str, optional
            Provenance source recorded for the new values (a reference key; default ``"user"``).
        note : str, optional
            Free-text note recorded for the new values; an ``assumed`` value must say why
            (default ``"set by the user"``).

        Returns
        -------
        ParameterSet
            A copy with the same name and metadata; this set is left unchanged.
        """
        new = dict(self._entries)
        for key, value in values.items():
            if key in new:
                new[key] = replace(
                    new[key], value=float(value), method=method, source=source, note=note
                )
            else:
                unit = key[key.rfind("[") + 1 : -1] if key.endswith("]") else "-"
                new[key] = Parameter(key, float(value), unit, source, method, note=note)
        return ParameterSet(self._name, new, self._meta)

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

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def load(cls, name: str = "lu2019", exclude: tuple[str, ...] = ()) -> ParameterSet:
        """Load the set ``name`` from ``solidna/parameters/sets/<name>/*.toml``.

        ``exclude`` lists file names to skip (a calibration routine starts without its own
        previous fit).
        """
        folder = set_directory(name)
        entries: dict[str, Parameter] = {}
        meta: dict[str, Any] = {}
        for path in sorted(folder.glob("*.toml")):
            if path.name in exclude:
                continue
            file_entries, file_meta = _read_toml(path)
            for key, par in file_entries.items():
                if key in entries:
                    raise DataFormatError(
                        f"Parameter {key!r} is defined twice in set {name!r} ({path.name})."
                    )
                entries[key] = par
            if file_meta:
                meta[path.stem] = file_meta
        return cls(name, entries, meta)


def set_directory(name: str) -> Path:
    """Folder of the parameter set ``name``.

    Parameters
    ----------
    name : str
        Name of the parameter set (e.g. ``"lu2019"``).

    Returns
    -------
    pathlib.Path
        Folder holding the set's files.
    """
    folder = _SETS_DIR / name
    if not folder.is_dir():
        allowed = available_sets()
        raise InvalidOptionError(f"Unknown parameter set {name!r}. Available: {allowed}.")
    return folder


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
