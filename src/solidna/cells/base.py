"""What every cell shares: the anode choice, the user's conditions, validity checks, the run
record, and a :class:`Result` that saves itself.

A cell is a parameter set with conditions applied (:class:`Cell`); calling one of its protocols
solves a model of :mod:`solidna.models` and returns a :class:`Result`. Building a model's
equations takes milliseconds; each run discretises and solves it (:mod:`solidna.models.solve`).
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from solidna import __version__
from solidna._docstrings import fill_doc
from solidna.cells.jump import JumpTolerance, check_tolerance
from solidna.errors import (
    InvalidOptionError,
    OutOfRangeError,
    OutOfRangeWarning,
    UnitError,
    check_choice,
    check_flag,
    closest_matches,
    is_number,
    positive_int,
    user_stacklevel,
)
from solidna.materials import electrolyte
from solidna.parameters import ParameterSet, lu2019
from solidna.progress import Progress
from solidna.units import to_si, warn_unusual

__all__ = [
    "Cell",
    "Result",
    "ANODES",
    "ANODE_ALIASES",
    "run_record",
    "cell_setup",
    "checked_progress",
    "checked_run_options",
    "checked_arguments",
    "cycle_message",
    "UnknownArgumentError",
]

ANODES = ("modified", "pristine")
ANODE_ALIASES = {
    "m-na": "modified",
    "mna": "modified",
    "fec": "modified",
    # the paper's words for the two ("FEC-treated Na"; "treated" was matched to 'pristine')
    "treated": "modified",
    "fec-treated": "modified",
    "untreated": "pristine",
    "na": "pristine",
    "bare": "pristine",
}

# Packages whose versions decide a run's numbers (recorded with every result).
_RECORDED_PACKAGES = ("pybamm", "numpy", "scipy", "pandas", "impedance")

# Typical ranges of the cell conditions in SI, used to warn when a bare number (read as SI) lies
# far outside them - most often a number meant in the paper's units (degC, um, bar).
_TYPICAL_TEMPERATURE_K = (223.15, 378.15)  # -50 degC to the SSE melting point (Fig. S14)
_TYPICAL_SSE_THICKNESS_M = (1e-6, 5e-3)  # 1 um films to 5 mm pellets
#: Finite-volume cells across the SSE accepted: the finite-volume gradient needs 3; 1000 (50 times
#: the default) resolves any profile of these models and still fits in memory.
VAR_PTS_RANGE = (3, 1000)


def _anode(anode: object) -> str:
    """The canonical anode name: case, spaces and the aliases of :data:`ANODE_ALIASES` allowed."""
    if not isinstance(anode, str):
        raise InvalidOptionError(
            f"anode must be a name, got {type(anode).__name__} {anode!r}. Allowed: "
            f"{', '.join(repr(a) for a in ANODES)} (or an alias: "
            f"{', '.join(repr(a) for a in ANODE_ALIASES)})."
        )
    key = anode.strip().lower()
    return check_choice("anode type", ANODE_ALIASES.get(key, key), ANODES)


def _parameter_set(parameters: object) -> ParameterSet:
    """A :class:`ParameterSet`: the one given, the one named (``"lu2019"``), or Lu 2019."""
    if parameters is None:
        return lu2019()
    if isinstance(parameters, ParameterSet):
        return parameters
    if isinstance(parameters, str):
        try:
            return ParameterSet.load(parameters)
        except InvalidOptionError as exc:
            raise InvalidOptionError(
                f"parameters: {exc} (parameters is the second argument of a cell; give its "
                "conditions by keyword, e.g. sse_thickness='60 um'.)"
            ) from None
    raise InvalidOptionError(
        f"parameters must be a ParameterSet (or the name of one, e.g. 'lu2019'), got "
        f"{type(parameters).__name__}. To change values, pass "
        "sd.lu2019().updated({'Temperature [K]': 308.15}), or use the cell's own arguments "
        "(temperature=, sse_thickness=, pvdf_ratio=)."
    )


class UnknownArgumentError(InvalidOptionError, TypeError):
    """A cell or protocol was called with an argument it does not have (a misspelt keyword, or
    more positional arguments than it takes); also a ``TypeError``, as Python's own was."""


def checked_arguments(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a public cell method so that a misspelt keyword or a surplus positional argument is
    refused naming the closest argument and listing all of them.

    Python's own ``TypeError: ... got an unexpected keyword argument 'temprature'`` named no
    alternative; a researcher guessing ``current=`` for ``current_density=`` had to read the
    signature. The arguments are bound before the method runs, so a ``TypeError`` from inside
    the run is never mistaken for one of the call's.

    Parameters
    ----------
    method : callable
        A method of a cell (``__init__`` or a protocol such as ``cycle``).
    """
    signature = inspect.signature(method)
    names = [
        name
        for name, p in signature.parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as exc:
            owner = type(args[0]).__name__ if args else method.__qualname__.split(".")[0]
            call = owner if method.__name__ == "__init__" else f"{owner}.{method.__name__}"
            listed = ", ".join(names)
            unknown = [k for k in kwargs if k not in signature.parameters]
            if unknown:
                close = closest_matches(unknown[0], names, n=1)
                raise UnknownArgumentError(
                    f"{call}() has no argument {unknown[0]!r}"
                    + (f"; did you mean {close[0]!r}?" if close else ".")
                    + f" Its arguments: {listed}."
                ) from None
            example = f" (e.g. {names[-1]}=...)" if names else ""
            raise UnknownArgumentError(
                f"{call}(): {exc}. Its arguments, in order: {listed}; pass them by name{example}."
            ) from None
        return method(*args, **kwargs)

    return wrapper


def checked_progress(progress: object) -> Progress | None:
    """The caller's ``progress`` callback once it is callable (or ``None``), else
    :class:`InvalidOptionError`.

    Checked before the run starts: a number or a string given here (``progress=True``, a
    positional argument in the wrong place) otherwise failed only when the solver first reported,
    as a bare ``TypeError: 'int' object is not callable`` from inside the run.

    Parameters
    ----------
    progress : object
        What the user gave: ``None`` (report nothing) or ``progress(message, fraction)``
        (:mod:`solidna.progress`).
    """
    if progress is None or callable(progress):
        return progress
    raise InvalidOptionError(
        f"progress must be a function progress(message, fraction) or None, got "
        f"{type(progress).__name__} {progress!r:.60}. Example: "
        "progress=lambda message, fraction: print(message, fraction); leave it out to report "
        "nothing."
    )


@fill_doc
def checked_run_options(
    jump: object, jump_tolerance: object, progress: object
) -> tuple[bool | None, JumpTolerance | None, Progress | None]:
    """The options every cycling protocol of a cell takes, checked before anything runs:
    ``(jump, jump_tolerance, progress)`` as given once valid, else
    :class:`InvalidOptionError`.

    All three are checked whether or not the run uses them (a protocol that is never jumped
    still refuses ``jump="no"``, which would otherwise pass unnoticed).

    Parameters
    ----------
    %(jump, jump_tolerance, progress)s
    """
    return check_flag(jump, "jump"), check_tolerance(jump_tolerance), checked_progress(progress)


def cycle_message(period_s: float, cycles: int) -> Callable[[float], str]:
    """``message(t)`` for the progress of a full run: ``"cycle k of n"`` at the simulated time
    ``t`` [s] (a run solved in pieces reports it after each piece,
    :func:`solidna.models.base.solve_schedule`).

    Parameters
    ----------
    period_s : float
        Duration of one cycle [s].
    cycles : int
        Cycles of the run [-].

    Returns
    -------
    callable
        ``message(t)`` for the simulated time ``t`` [s].
    """

    def message(t_s: float) -> str:
        done = min(max(int(math.ceil(t_s / period_s - 1e-6)), 1), cycles)
        return f"cycle {done} of {cycles}"

    return message


@fill_doc
def plain_number(value: object, name: str, example: str) -> float:
    """A finite dimensionless number (int, float or a string holding one), else
    :class:`UnitError` (not a number) or :class:`OutOfRangeError` (not finite).

    Parameters
    ----------
    value : object
        What the user gave.
    %(argument_name)s
    example : str
        A valid value (``"0.8"``).
    """
    number = None
    if is_number(value):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
    if number is not None and math.isfinite(number):
        return number
    if number is not None:
        raise OutOfRangeError(
            f"{name} must be a finite number, got {value!r}. Example: {name}={example}."
        )
    raise UnitError(
        f"{name} must be a plain number (no unit), got {type(value).__name__} {value!r}. "
        f"Example: {name}={example}."
    )


@fill_doc
def cell_setup(
    anode: str,
    parameters: ParameterSet | None = None,
    *,
    temperature: str | float | None = None,
    sse_thickness: str | float | None = None,
    pvdf_ratio: float | None = None,
    extra: dict[str, float] | None = None,
) -> tuple[str, ParameterSet]:
    """Check the anode type and apply the user's conditions to a parameter set.

    Returns ``(anode, parameters)``: the anode's canonical name (aliases such as ``"M-Na"``
    accepted) and the set with the user's values recorded as such (method ``assumed``, source
    ``user``). The electrolyte is checked at these conditions: refusal at or above the 105 degC
    melting point (Fig. S14), a warning outside its validated PVDF-HFP ratios; the temperature
    warning is the cell's own (:class:`Cell` states its validated range).

    Parameters
    ----------
    %(cell_anode, parameter_set, cell_conditions)s
    extra : dict, optional
        Further entries (SI values keyed by parameter name) set by the user.
    """
    anode = _anode(anode)
    ps = _parameter_set(parameters)
    updates = dict(extra or {})
    if temperature is not None:
        updates["Temperature [K]"] = to_si(
            temperature, "K", "temperature", typical=_TYPICAL_TEMPERATURE_K
        )
    if sse_thickness is not None:
        updates["SSE thickness [m]"] = to_si(
            sse_thickness,
            "m",
            "SSE thickness",
            typical=_TYPICAL_SSE_THICKNESS_M,
            positive=True,
            hint="Example: '60 um'.",
        )
        warn_unusual(
            sse_thickness,
            updates["SSE thickness [m]"],
            _TYPICAL_SSE_THICKNESS_M,
            "SSE thickness",
            "um",
            "the paper's films are 30-90 um (Fig. S26)",
        )
    if pvdf_ratio is not None:
        # its range is checked by the electrolyte below
        updates["SSE PVDF-HFP ratio [-]"] = plain_number(pvdf_ratio, "pvdf_ratio", "0.8")
    if updates:
        ps = ps.updated(updates, method="assumed", source="user", note="set by the user")
    # the cell states its own validated temperature range (one warning, naming the cell)
    electrolyte.check_conditions(
        ps["Temperature [K]"], ps["SSE PVDF-HFP ratio [-]"], ps, warn_temperature=False
    )
    return anode, ps


@functools.lru_cache(maxsize=1)
def _package_versions() -> tuple[tuple[str, str | None], ...]:
    # read once per process: ~10 ms a call, paid by every run of a many-run forecast or sweep
    import importlib.metadata as md

    versions = []
    for pkg in _RECORDED_PACKAGES:
        try:
            versions.append((pkg, md.version(pkg)))
        except md.PackageNotFoundError:  # pragma: no cover - a package of the pinned set
            versions.append((pkg, None))
    return tuple(versions)


def run_record(cell: Cell, protocol: list[dict]) -> dict[str, Any]:
    """Everything needed to repeat a run: versions, parameter-set hash, options, protocol.

    Parameters
    ----------
    cell : Cell
        The cell that ran.
    protocol : list of dict
        The protocol's steps as records (quantities with their units).

    Returns
    -------
    dict
        Versions, parameter set name and hash, options and protocol.
    """
    return {
        "solidna_version": __version__,
        "package_versions": dict(_package_versions()),
        "parameter_set": cell.parameters.name,
        "parameter_set_hash": cell.parameters.hash(),
        "options": {"anode": cell.anode, f"mesh points in the {cell.mesh_region}": cell.var_pts},
        "protocol": protocol,
    }


@dataclass
class Result:
    """One simulated run: a time series with unit-bearing columns, the inputs as understood, the
    run record, and why the run stopped.

    Attributes
    ----------
    timeseries : pandas.DataFrame
        Columns named with their units, e.g. ``Time [h]``, ``Voltage [V]``.
    inputs : dict
        The conditions and protocol as the cell understood them (with units in the keys).
    run_record : dict
        Versions, parameter-set hash, options and protocol (:func:`run_record`).
    status : str
        ``"completed"``, or why the run stopped (e.g. a voltage limit reached at a stated time).
    wall_time_s : float
        Wall time of the solve [s].
    """

    timeseries: pd.DataFrame
    inputs: dict[str, Any]
    run_record: dict[str, Any]
    status: str = "completed"
    wall_time_s: float = 0.0

    #: File stem of the first plot (``DIR/<stem>.png``).
    _plot_name = "plot"

    def __repr__(self) -> str:
        # one line, not the dataclass's dump of every row and the whole run record (a wall of
        # text in a notebook); the table itself is .timeseries
        ts = self.timeseries
        span = ""
        if "Time [h]" in ts.columns and len(ts):
            span = f" over {float(ts['Time [h]'].iloc[-1]):.4g} h"
        columns = ", ".join(map(str, ts.columns))
        return (
            f"<{type(self).__name__} status={self.status!r}: {len(ts)} rows{span} ({columns}); "
            "the table is .timeseries, the inputs .inputs>"
        )

    def summary(self) -> dict[str, Any]:
        """Inputs as understood (with units), status and key figures (for summary.json)."""
        return {
            "inputs": self.inputs,
            "status": self.status,
            "wall time [s]": round(self.wall_time_s, 3),
            "run": self.run_record,
        }

    def save(
        self, out: str | Path, force: bool = False, extra: dict[str, Any] | None = None
    ) -> Path:
        """Write ``timeseries.csv``, ``summary.json`` and the first plot into ``out``.

        Parameters
        ----------
        out : str or Path
            Output directory; an existing non-empty one is refused unless ``force``.
        force : bool
            Write into a non-empty ``out``, replacing solidna's own files.
        extra : dict, optional
            Further entries for ``summary.json`` (e.g. an analysis of the run).
        """
        import matplotlib.pyplot as plt

        from solidna.io_utils import output_dir, write_csv, write_json

        if not isinstance(out, str | os.PathLike) or not str(out).strip():
            raise InvalidOptionError(
                f"out must name a directory to write into, got {out!r}. Example: "
                "result.save('runs/mna-0p1')."
            )

        # written into a staging directory and moved into ``out`` only when all of it is there
        with output_dir(out, force) as stage:
            write_csv(stage / "timeseries.csv", self.timeseries)
            write_json(stage / "summary.json", self.summary() | (extra or {}))
            fig = self.plot()
            fig.savefig(stage / f"{self._plot_name}.png", dpi=150)
            plt.close(fig)
        return Path(out).expanduser()

    def plot(self):  # pragma: no cover - every result type draws its own
        """The plot a researcher looks at first (a matplotlib Figure)."""
        raise NotImplementedError

    def plot_title(self, cell: str, *conditions: str) -> str:
        """Title naming the cell with its anode as the paper writes it (M-Na for the treated
        anode, Na for pristine), the conditions, the temperature and, on a line of its own
        when the run stopped early, why.

        Parameters
        ----------
        cell : str
            The cell with ``{anode}`` where the anode goes, e.g. ``"{anode}|SSE|Na"``.
        *conditions : str
            The protocol's conditions in the field's notation, e.g. ``"0.1 mA cm$^{-2}$"``.
        """
        anode = {"modified": "M-Na", "pristine": "Na"}.get(self.inputs.get("anode", ""), "Na")
        parts = [cell.format(anode=anode), *conditions]
        temperature_K = self.inputs.get("temperature [K]")
        if temperature_K is not None:
            parts.append(f"{temperature_K - 273.15:.0f} \u00b0C")
        title = ", ".join(parts)
        return title if self.status == "completed" else f"{title}\n{self.status}"

    def protocol_step(self) -> dict[str, Any]:
        """The first protocol step of :attr:`inputs` (its conditions, units in the keys)."""
        steps = self.inputs.get("protocol") or [{}]
        return steps[0]

    def step_conditions(self, *keys: str) -> list[str]:
        """The values of ``keys`` in the first protocol step, each written with its unit in the
        field's notation (``"0.1 mA cm$^{-2}$"``), for a figure's title.

        Parameters
        ----------
        *keys : str
            Entries of the step's description, ``"name [unit]"``; absent ones are left out.

        Returns
        -------
        list of str
            The values with their units, in the order given.
        """
        from solidna.analysis._output import pretty_unit

        step = self.protocol_step()
        return [
            f"{step[key]:g} {pretty_unit(key.rsplit('[', 1)[1].rstrip(']'))}"
            for key in keys
            if key in step
        ]


def _styled_axes(figsize: tuple[float, float], ncols: int = 1):
    """A new figure in the house style (:mod:`solidna.report.style`)."""
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    return plt.subplots(1, ncols, figsize=figsize)


@fill_doc
class Cell:
    """A cell of the paper: a parameter set with the user's conditions and an anode type.

    Subclasses add their own conditions and protocols, each protocol returning a :class:`Result`.

    Parameters
    ----------
    %(cell_anode, parameter_set, cell_conditions)s
    var_pts : int, optional
        Finite-volume cells across the SSE (default :attr:`default_var_pts`; see the
        convergence tests). Refused by cells whose model sets its own mesh.
    """

    #: The cell's PyBaMM model: its class in :mod:`solidna.models` and its name in
    #: :func:`solidna.models.pybamm_parameter_values`.
    pybamm_model: str = "SymmetricCellModel"
    pybamm_cell: str = "symmetric"
    #: Mesh points across the SSE when ``var_pts`` is not given (``None``: the model's own mesh).
    default_var_pts: int | None = 20
    #: What ``var_pts`` divides into mesh cells (named in the run record).
    mesh_region: str = "SSE"
    #: Temperatures [K] over which the cell's predictions are validated (a warning outside;
    #: refusal at or above the SSE melting point), and why; subclasses state their own.
    validated_temperature_K: tuple[float, float] = (283.15, 333.15)
    validated_temperature_reason: str = (
        "the SSE conductivity is measured over 10-60 C (Fig. 3g); the other temperature laws are "
        "literature or assumed activation energies anchored at 25 C"
    )

    @checked_arguments
    def __init__(
        self,
        anode: str = "modified",
        parameters: ParameterSet | None = None,
        *,
        temperature: str | float | None = None,
        sse_thickness: str | float | None = None,
        pvdf_ratio: float | None = None,
        var_pts: int | None = None,
        extra: dict[str, float] | None = None,
    ):
        if var_pts is not None and self.default_var_pts is None:
            raise InvalidOptionError(
                f"{type(self).__name__} uses its model's own mesh; var_pts={var_pts!r} is not an "
                "option of this cell. Leave it out."
            )
        self.anode, self.parameters = cell_setup(
            anode,
            parameters,
            temperature=temperature,
            sse_thickness=sse_thickness,
            pvdf_ratio=pvdf_ratio,
            extra=extra,
        )
        lo, hi = self.validated_temperature_K
        T = self.parameters["Temperature [K]"]
        if not lo <= T <= hi:
            warnings.warn(
                f"temperature {T - 273.15:.4g} degC lies outside the validated range "
                f"{lo - 273.15:.0f}-{hi - 273.15:.0f} degC of {type(self).__name__} "
                f"({self.validated_temperature_reason}); its results are extrapolated there.",
                OutOfRangeWarning,
                stacklevel=user_stacklevel(),
            )
        self.var_pts = self.default_var_pts
        if var_pts is not None:
            lo, hi = VAR_PTS_RANGE
            self.var_pts = positive_int(
                var_pts, "var_pts", f"Example: var_pts={self.default_var_pts}.", hi, lo
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(anode={self.anode!r}, parameters={self.parameters.name!r})"

    def model(self, **options: str):
        """The PyBaMM model of this cell (the class :attr:`pybamm_model` of
        :mod:`solidna.models`, this anode), to run in a plain ``pybamm.Simulation`` with a
        ``pybamm.Experiment`` and :meth:`parameter_values`.

        Parameters
        ----------
        **options : str
            PyBaMM model options added to ``{"anode": ...}``; an underscore in a name stands for
            PyBaMM's space (``surface_form="differential"`` is ``"surface form"``).
        """
        import solidna.models as models

        options = {name.replace("_", " "): value for name, value in options.items()}
        return getattr(models, self.pybamm_model)({"anode": self.anode} | options)

    def parameter_values(self):
        """This cell's values (conditions applied) as ``pybamm.ParameterValues`` for
        :meth:`model` (:func:`solidna.models.pybamm_parameter_values`)."""
        from solidna.models.parameter_values import pybamm_parameter_values

        return pybamm_parameter_values(self.pybamm_cell, self.anode, self.parameters)

    @property
    def initial_state(self) -> dict[str, float]:  # pragma: no cover - cells that continue
        """The state of the fresh cell (thicknesses [m] by name), for cells that take ``state``."""
        raise NotImplementedError

    def _start_state(self, state: Mapping[str, float] | Result | None) -> dict[str, float]:
        """The state a run starts from: the fresh cell's for ``None``, else ``state`` (or a
        result's ``final_state``) checked against it: the same names, each a finite thickness
        [m] >= 0 and thinner than the SSE.

        Raises
        ------
        InvalidOptionError
            ``state`` is not a mapping with the names of :attr:`initial_state` (e.g. the
            ``final_state`` of another cell type).
        OutOfRangeError
            A thickness is not finite, negative, or not thinner than the SSE (most likely given
            in nm or um instead of m).
        """
        fresh = self.initial_state
        if state is None:
            return fresh
        cell = type(self).__name__
        names = ", ".join(repr(k) for k in fresh)
        how = (
            f"Pass result.final_state of an earlier {cell} run (or the result itself), or leave "
            "state out to start from the fresh cell."
        )
        if isinstance(state, Result):
            state = getattr(state, "final_state", None) or {}
        if not isinstance(state, Mapping) or set(state) != set(fresh):
            got = (
                f"keys {sorted(state)} (the final_state of another cell type?)"
                if isinstance(state, Mapping)
                else f"{type(state).__name__} {state!r}"
            )
            raise InvalidOptionError(
                f"state: {cell} starts from the interphase thicknesses [m] {names}; got {got}. "
                f"{how}"
            )
        sse_m = self.parameters["SSE thickness [m]"]
        checked = {}
        for name in fresh:
            value = state[name]
            if not is_number(value) or not math.isfinite(value) or not 0 < value < sse_m:
                raise OutOfRangeError(
                    f"state[{name!r}] = {value!r} is not a thickness in m between 0 and the SSE's "
                    f"{sse_m:.3g} m (a final_state holds metres: 8 nm is 8e-09). {how}"
                )
            checked[name] = float(value)
        return checked

    @property
    def interphase_initial_thickness_m(self) -> float:
        """Initial thickness of the Na interphase of this anode type [m]."""
        prefix = "Modified" if self.anode == "modified" else "Pristine"
        return self.parameters[f"{prefix} interphase initial thickness [m]"]

    def _inputs(self) -> dict[str, Any]:
        """The conditions every cell reports (units in the keys)."""
        ps = self.parameters
        return {
            "anode": self.anode,
            "temperature [K]": ps["Temperature [K]"],
            "SSE thickness [um]": ps["SSE thickness [m]"] * 1e6,
            "PVDF-HFP weight ratio [-]": ps["SSE PVDF-HFP ratio [-]"],
        }

    def _result(
        self,
        result_type: Callable[..., Result],
        timeseries: pd.DataFrame,
        protocol: list[dict],
        started: float,
        inputs: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Result:
        """Assemble a result: the cell's inputs plus ``inputs``, the protocol, the run record and
        the wall time since ``started`` (a :func:`time.perf_counter` reading)."""
        return result_type(
            timeseries=timeseries,
            inputs=self._inputs() | (inputs or {}) | {"protocol": protocol},
            run_record=run_record(self, protocol),
            wall_time_s=time.perf_counter() - started,
            **fields,
        )
