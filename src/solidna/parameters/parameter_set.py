"""The frozen :class:`ParameterSet` and its TOML loader."""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
import warnings
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
        # a numpy array or a Series reached "in METHODS" / "not self.note" (ValueError: truth
        # value ambiguous), and a string value was stored to fail later in the laws
        for field_name in ("name", "unit", "source", "method", "note"):
            if not isinstance(getattr(self, field_name), str):
                raise DataFormatError(
                    f"Parameter {self.name!r}: {field_name} must be a string, got "
                    f"{type(getattr(self, field_name)).__name__} {getattr(self, field_name)!r:.60}."
                )
        if not is_number(self.value) or math.isnan(self.value):
            raise DataFormatError(
                f"Parameter {self.name!r}: value must be a number in {self.unit}, got "
                f"{self.value!r:.60}."
            )
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
        if not isinstance(entries, Mapping) or not all(
            isinstance(p, Parameter) for p in entries.values()
        ):
            raise InvalidOptionError(
                f"ParameterSet takes a mapping of name to Parameter, got {entries!r:.80}. Load a "
                "set with solidna.lu2019() or ParameterSet.load(...), and change it with "
                ".updated({name: value})."
            )
        if meta is not None and not isinstance(meta, Mapping):
            raise InvalidOptionError(f"ParameterSet meta must be a mapping, got {meta!r:.60}.")
        if known is not None and (isinstance(known, str) or not isinstance(known, Iterable)):
            raise InvalidOptionError(
                f"ParameterSet known must be an iterable of names, got {known!r:.60}."
            )
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
        # without this, Mapping's ``in`` and ``get`` would meet entry()'s InvalidOptionError; an
        # unhashable "name" (a list) is no parameter's name (it raised TypeError)
        try:
            return name in self._entries
        except TypeError:
            return False

    def __setitem__(self, name: str, value: object) -> None:
        # ``ps[name] = value`` is what a researcher tries first; Python's own "does not support
        # item assignment" said neither why (a set is shared, its hash recorded with each run)
        # nor what to do instead
        raise InvalidOptionError(
            f"A ParameterSet is read-only, so ps[{name!r:.80}] = {value!r:.40} cannot change it. "
            f"Make a changed copy: ps = ps.updated({{{name!r:.80}: {value!r:.40}}}) (the value "
            "in the unit of the name's brackets), then pass it to the cell: "
            "sd.SymmetricCell(parameters=ps)."
        )

    def __delitem__(self, name: str) -> None:
        raise InvalidOptionError(
            f"A ParameterSet is read-only, so del ps[{name!r:.80}] cannot remove a parameter: the "
            "models need every one. Change a value with ps.updated({name: value}), or take part "
            "of the set with ps.subset(prefix)."
        )

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` if the set has no such parameter.

        Parameters
        ----------
        name : str
            Full name of the parameter, unit included (``"Temperature [K]"``).
        default : optional
            Returned when the set has no parameter ``name`` (default ``None``).
        """
        return self._entries[name].value if name in self else default

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
            A copy with the same name and metadata; this set is left unchanged. A replaced
            entry keeps its unit and validity range, but not the old value's uncertainty nor its
            fit record (``extra``): they belonged to the old value.

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
        # checked up front: a numpy array or a Series here raised "truth value ambiguous", and
        # a misspelt method reached Parameter as a DataFormatError (a file's error)
        if not isinstance(method, str) or method not in METHODS:
            close = closest_matches(str(method), METHODS)
            raise InvalidOptionError(
                f"updated(): method {method!r:.60} is not one of {', '.join(METHODS)}."
                + (f" Did you mean {close[0]!r}?" if close else "")
            )
        for arg, given in (("source", source), ("note", note)):
            if not isinstance(given, str):
                raise InvalidOptionError(
                    f"updated(): {arg} must be a string, got {type(given).__name__} {given!r:.60}."
                )
        if not isinstance(add, bool):
            raise InvalidOptionError(f"updated(): add is True or False, got {add!r:.60}.")
        if method == "assumed" and not note:
            raise InvalidOptionError(
                "updated(): a value with method 'assumed' needs a note saying why; give note=..."
            )
        new = dict(self._entries)
        for key, value in values.items():
            self._check_update(key, value, add)
            if key in new:
                # the new value is not the one the old uncertainty and record (a fit's routine,
                # targets and residuals in ``extra``) belong to: a user's or a new fit's value
                # carried the Lu 2019 fit's standard uncertainty and routine into the provenance
                # table; its validity range belongs to the quantity and stays
                new[key] = replace(
                    new[key],
                    value=float(value),
                    method=method,
                    source=source,
                    note=note,
                    uncertainty=None,
                    extra={},
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
            suggestion = _converted(value, unit_of(key))
            raise OutOfRangeError(
                f"{key}: {_shown(value)} is not a finite number. Give the value in the unit of "
                f"the name ({unit_of(key)}) as a number"
                + (f", here {suggestion:.6g}" if suggestion is not None else "")
                + "; to convert a quantity with a unit, use solidna.units.to_si, e.g. "
                "to_si('25 degC', 'K')."
            )
        _check_sign(key, float(value), unit_of(key), "Give a value of 0 or more.")

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
        return write_text(
            folder / "parameters.toml",
            header + tomli_w.dumps(doc),
            unwritable=f"Cannot write the parameter set into {str(folder)!r} ({{error}}). Choose a "
            "folder you can write to.",
        )

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
        if exclude is None:
            exclude = ()
        if isinstance(exclude, str):
            exclude = (exclude,)
        elif isinstance(exclude, Iterable):
            exclude = tuple(exclude)
        if not isinstance(exclude, tuple) or not all(isinstance(e, str) for e in exclude):
            # a number was iterated (TypeError)
            raise InvalidOptionError(
                f"exclude lists file names of the set to leave out, got {exclude!r:.60}. "
                "Example: exclude=('fitted_electrolyte.toml',)."
            )
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
        if not entries:
            raise DataFormatError(
                f"Parameter set {str(folder)!r} defines no parameter: its TOML files hold no "
                '[parameters."<name> [<unit>]"] entries (ParameterSet.save writes them).'
            )
        if folder.parent != _SETS_DIR:
            _check_names(folder, entries, meta)
        return cls(name, entries, meta, known)


def _check_names(folder: Path, entries: Mapping[str, Parameter], meta: Mapping[str, Any]) -> None:
    """Refuse a user's set whose names were mistyped: a name the shipped set does not define whose
    near twin in it (a misspelling) is missing, and, for a set written by :meth:`ParameterSet.save`
    from a shipped set, any name of that set that is missing (the models need every one)."""
    import difflib

    shipped = available_sets()
    origins = [m.get("saved_from") for m in meta.values() if isinstance(m, Mapping)]
    origin = next((o for o in origins if o in shipped), None)
    reference = ParameterSet.load(origin or ("lu2019" if "lu2019" in shipped else shipped[0]))
    problems = []
    for key in entries:
        if key in reference:
            continue
        twin = difflib.get_close_matches(key, list(reference), n=1, cutoff=0.85)
        if twin and twin[0] not in entries:
            problems.append(f"{key!r} (did you mean {twin[0]!r}?)")
    missing = [k for k in reference if k not in entries] if origin else []
    if problems or missing:
        text = f"Parameter set {str(folder)!r}: "
        if problems:
            text += f"{len(problems)} name(s) that {reference.name} does not define: "
            text += "; ".join(problems) + ". "
        if missing:
            text += (
                f"{len(missing)} parameter(s) of {origin}, from which it was saved, are "
                f"missing: {', '.join(repr(k) for k in missing[:5])}"
                + (" ..." if len(missing) > 5 else "")
                + ". "
            )
        raise DataFormatError(
            text + "Correct the names in the set's TOML files (a name ends with its unit in "
            "brackets, exactly as 'solidna parameters' lists it)."
        )


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
    if own.is_file():
        raise InvalidOptionError(
            f"{str(name)!r} is a file; a parameter set is a folder of TOML files (every *.toml "
            f"in it is read). Give the folder that holds it: {str(own.parent)!r}."
        )
    allowed = available_sets()
    hint = closest_matches(str(name), allowed)
    raise InvalidOptionError(
        f"Unknown parameter set {str(name)!r}: neither a set shipped with solidna "
        f"({', '.join(allowed)}) nor a folder of TOML files (ParameterSet.save writes one)."
        + (f" Did you mean {hint[0]!r}?" if hint else "")
    )


def require_entries(
    parameters: object, names: Iterable[str], needed_for: str
) -> Mapping[str, float]:
    """``parameters`` once it is a mapping holding every entry of ``names`` as a finite number;
    else :class:`InvalidOptionError` naming what is wrong. The check a law of
    :mod:`solidna.materials` makes of the mapping it is given (a number, a string or a mapping
    lacking an entry reached the arithmetic as a TypeError or KeyError).

    Parameters
    ----------
    parameters : object
        What the caller passed (a :class:`ParameterSet` or a plain mapping of name to value).
    names : iterable of str
        The entries the law reads.
    needed_for : str
        What needs them, for the message (e.g. ``"the SSE laws"``).

    Returns
    -------
    Mapping
        ``parameters``, unchanged.
    """
    if not isinstance(parameters, Mapping):
        raise InvalidOptionError(
            f"parameters must be a parameter set or a mapping of parameter name to value, got "
            f"{type(parameters).__name__} {parameters!r:.60}. Example: "
            "parameters=solidna.lu2019(), or leave it out for the Lu 2019 set."
        )
    names = tuple(names)
    missing = [name for name in names if name not in parameters]
    if missing:
        raise InvalidOptionError(
            f"The parameters lack {missing}, which {needed_for} need. Pass a parameter set "
            "(solidna.lu2019(), or one changed with .updated()) or a mapping that holds them."
        )
    if not isinstance(parameters, ParameterSet):  # a set's values are checked when it is built
        bad = {
            name: parameters[name]
            for name in names
            if not (is_number(parameters[name]) and math.isfinite(parameters[name]))
        }
        if bad:
            raise InvalidOptionError(
                f"The parameters {bad} are not finite numbers; give each as a number in the unit "
                "in its name's brackets (SI). Convert a quantity with solidna.units.to_si, e.g. "
                "to_si('1.02 g/cm3', 'kg.m-3')."
            )
    return parameters


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
    if not isinstance(name, str):  # None reached str.endswith (AttributeError)
        raise InvalidOptionError(
            f"A parameter name is a string such as 'SSE thickness [m]', got {name!r:.60}."
        )
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


#: Units of quantities that cannot be negative by their nature (a length, an absolute
#: temperature, a conductivity, a diffusivity, a capacitance, a density ...): a value below 0 in a
#: parameter file or an update is a slip (a sign), never a setting the models can run with. Zero
#: is allowed: it switches a process off (a solvent diffusivity of 0 stops the film's growth, as
#: the physics tests use it).
POSITIVE_UNITS = frozenset(
    {
        "m", "m2", "m3", "K", "Pa", "bar", "S.m-1", "Ohm.m", "m2.s-1", "F.m-2", "A.m-2",
        "kg.m-2", "kg.m-3", "kg.mol-1", "m3.mol-1", "m2.kg-1", "m3.kg-1", "mol.m-3.bar-1",
    }
)  # fmt: skip

#: The fields every entry of a parameter file needs.
_REQUIRED_FIELDS = ("value", "unit", "source", "method")


def _shown(value: object) -> str:
    """A value as the user wrote it (``inf``, ``'60 um'``), without numpy's ``np.float64(...)``."""
    if is_number(value):
        return f"{float(value):g}"
    return repr(value)


def _check_sign(key: str, value: float, unit: str, fix: str) -> None:
    if unit in POSITIVE_UNITS and value < 0:
        raise OutOfRangeError(
            f"{key}: {value:g} {unit} is not possible; a quantity in {unit} is not negative. {fix}"
        )


def _converted(value: object, unit: str, given_unit: str | None = None) -> float | None:
    """``value`` (a number in ``given_unit``, or a string with a unit such as ``"60 um"``) in
    ``unit``, for a message that tells the user what to write; None when it does not convert."""
    from solidna.units import Q_, as_pint_unit

    try:
        if isinstance(value, str):
            quantity = Q_(value.strip())
        elif given_unit is not None and is_number(value):
            quantity = Q_(float(value), as_pint_unit(given_unit))
        else:
            return None
        if not hasattr(quantity, "to"):
            return None
        result = float(quantity.to(as_pint_unit(unit)).magnitude)
    except Exception:  # pint's parse and dimensionality errors: nothing to suggest
        return None
    return result if math.isfinite(result) else None


def _file_entry(path: Path, key: str, raw: Any) -> Parameter:
    """One ``[parameters."<name>"]`` table of a parameter file, checked: every field there, the
    value a finite number in the unit of the name (a quantity that cannot be negative by its
    nature at least 0), the unit that of the name, the method one of :data:`METHODS`."""
    where = f"{path}: parameter {key!r}"
    unit = unit_of(key)
    example = f'value = ..., unit = "{unit}", source = "...", method = "measured"'
    if not isinstance(raw, Mapping):
        raise DataFormatError(
            f'{where} is {_shown(raw)}, not a table. Write it as [parameters."{key}"] with '
            f"{example}."
        )
    raw = dict(raw)
    missing = [f for f in _REQUIRED_FIELDS if f not in raw]
    if missing:
        raise DataFormatError(
            f"{where} lacks {' and '.join(repr(f) for f in missing)}. Every entry needs value, "
            f"unit (that of its name: {unit!r}), source (a reference key) and method "
            f"({', '.join(METHODS)}), e.g. {example}."
        )
    value, given = raw.pop("value"), str(raw.pop("unit"))
    if given != unit:
        si = _converted(value, unit, given)
        fix = (
            f"Write value = {si:.6g} and unit = {unit!r}"
            if si is not None
            else f"Give the value in {unit} and write unit = {unit!r}"
        )
        raise DataFormatError(
            f"{where}: unit {given!r} is not the unit of the name ({unit!r}); the value of an "
            f"entry is in the unit in its name's brackets. {fix}."
        )
    # inf is a setting (a process switched off, e.g. no current enhancement); nan never is
    if not is_number(value) or math.isnan(value):
        si = _converted(value, unit)
        raise DataFormatError(
            f"{where}: value {_shown(value)} is not a number. Write the number in {unit}"
            + (f", e.g. value = {si:.6g}" if si is not None else "")
            + "."
        )
    value = float(value)
    try:
        _check_sign(key, value, unit, f"Correct value in {path}.")
    except OutOfRangeError as exc:
        raise DataFormatError(f"{path}: {exc}") from None
    method = str(raw.pop("method"))
    if method not in METHODS:
        close = closest_matches(method, METHODS)
        raise DataFormatError(
            f"{where}: method {method!r} is not one of {', '.join(METHODS)}."
            + (f" Did you mean {close[0]!r}?" if close else "")
        )
    low_high = raw.pop("valid_range", None)
    if low_high is not None:
        if (
            not isinstance(low_high, list | tuple)
            or len(low_high) != 2
            or not all(is_number(v) for v in low_high)
            or float(low_high[0]) > float(low_high[1])
        ):
            raise DataFormatError(
                f"{where}: valid_range {_shown(low_high)} is not [low, high] (two numbers in "
                f"{unit}, low <= high)."
            )
        low_high = (float(low_high[0]), float(low_high[1]))
        if not low_high[0] <= value <= low_high[1]:
            from solidna.errors import OutOfRangeWarning, user_stacklevel

            shown_unit = "" if unit == "-" else f" {unit}"
            warnings.warn(
                f"{key} = {value:g}{shown_unit} ({path}) lies outside its valid range "
                f"{low_high[0]:g} to {low_high[1]:g}{shown_unit}; results there are "
                "extrapolated.",
                OutOfRangeWarning,
                stacklevel=user_stacklevel(),
            )
    uncertainty = raw.pop("uncertainty", None)
    if uncertainty is not None and (not is_number(uncertainty) or not uncertainty >= 0):
        raise DataFormatError(
            f"{where}: uncertainty {_shown(uncertainty)} is not a number >= 0 (a standard "
            f"uncertainty in {unit})."
        )
    note = str(raw.pop("note", ""))
    if method == "assumed" and not note:
        raise DataFormatError(f'{where} is assumed but has no note saying why; add note = "...".')
    return Parameter(
        name=key,
        value=value,
        unit=unit,
        source=str(raw.pop("source")),
        method=method,
        uncertainty=None if uncertainty is None else float(uncertainty),
        valid_range=low_high,
        note=note,
        extra=raw,
    )


def _read_toml(path: Path) -> tuple[dict[str, Parameter], dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DataFormatError(f"{path}: not valid TOML ({exc}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"{path}: cannot be read ({exc}).") from None
    parameters = data.get("parameters", {})
    if not isinstance(parameters, Mapping):
        raise DataFormatError(
            f"{path}: 'parameters' must be a table of [parameters.\"<name> [<unit>]\"] entries."
        )
    entries = {key: _file_entry(path, key, raw) for key, raw in parameters.items()}
    return entries, data.get("meta", {})


def lu2019() -> ParameterSet:
    """The Lu et al. (Chem. Sci. 2019) parameter set used for every figure."""
    return ParameterSet.load("lu2019")
