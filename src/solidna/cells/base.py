"""What every cell shares: the anode choice, the user's conditions, validity checks, the run
record, and a :class:`Result` that saves itself.

A cell is a parameter set with conditions applied (:class:`Cell`); calling one of its protocols
solves a model of :mod:`solidna.models` and returns a :class:`Result`. Building a model's
equations takes milliseconds; each run discretises and solves it (:mod:`solidna.models.solve`).
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from solidna import __version__
from solidna.errors import InvalidOptionError, OutOfRangeWarning, check_choice
from solidna.materials import electrolyte
from solidna.parameters import ParameterSet, lu2019
from solidna.units import to_si

__all__ = ["Cell", "Result", "ANODES", "ANODE_ALIASES", "run_record", "cell_setup"]

ANODES = ("modified", "pristine")
ANODE_ALIASES = {
    "m-na": "modified",
    "mna": "modified",
    "fec": "modified",
    "na": "pristine",
    "bare": "pristine",
}

# Packages whose versions decide a run's numbers (recorded with every result).
_RECORDED_PACKAGES = ("pybamm", "numpy", "scipy", "pandas", "impedance")

# Typical ranges of the cell conditions in SI, used to warn when a bare number (read as SI) lies
# far outside them - most often a number meant in the paper's units (degC, um, bar).
_TYPICAL_TEMPERATURE_K = (223.15, 378.15)  # -50 degC to the SSE melting point (Fig. S14)
_TYPICAL_SSE_THICKNESS_M = (1e-6, 5e-3)  # 1 um films to 5 mm pellets


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
    anode : str
        ``"modified"`` or ``"pristine"`` (or an alias in :data:`ANODE_ALIASES`).
    parameters : ParameterSet, optional
        Defaults to :func:`solidna.lu2019`.
    temperature : str or float, optional
        e.g. ``"25 degC"``; a bare number is in K.
    sse_thickness : str or float, optional
        e.g. ``"60 um"``; a bare number is in m.
    pvdf_ratio : float, optional
        PVDF-HFP : SN weight ratio [-].
    extra : dict, optional
        Further entries (SI values keyed by parameter name) set by the user.
    """
    anode = ANODE_ALIASES.get(str(anode).lower(), anode)
    anode = check_choice("anode type", anode, ANODES)
    ps = parameters if parameters is not None else lu2019()
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
    if pvdf_ratio is not None:
        updates["SSE PVDF-HFP ratio [-]"] = pvdf_ratio  # checked by the electrolyte below
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
        "options": {"anode": cell.anode, "mesh points in the SSE": cell.var_pts},
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


def _styled_axes(figsize: tuple[float, float], ncols: int = 1):
    """A new figure in the house style (:mod:`solidna.report.style`)."""
    import matplotlib.pyplot as plt

    from solidna.report.style import apply_style

    apply_style()
    return plt.subplots(1, ncols, figsize=figsize)


class Cell:
    """A cell of the paper: a parameter set with the user's conditions and an anode type.

    Subclasses add their own conditions and protocols, each protocol returning a :class:`Result`.

    Parameters
    ----------
    anode : str
        ``"modified"`` (M-Na, 1 M NaClO4/FEC treated, default) or ``"pristine"`` (aliases in
        :data:`ANODE_ALIASES`, e.g. ``"M-Na"``, ``"Na"``).
    parameters : ParameterSet, optional
        Defaults to the Lu 2019 set (:func:`solidna.lu2019`).
    temperature : str or float, optional
        e.g. ``"25 degC"`` (a bare number is in K). Refused at or above the SSE melting point.
    sse_thickness : str or float, optional
        e.g. ``"60 um"`` (a bare number is in m).
    pvdf_ratio : float, optional
        PVDF-HFP : SN weight ratio of the SSE [-] (0.8 in the paper).
    var_pts : int, optional
        Finite-volume cells across the SSE (default :attr:`default_var_pts`; see the
        convergence tests). Refused by cells whose model sets its own mesh.
    """

    #: Mesh points across the SSE when ``var_pts`` is not given (``None``: the model's own mesh).
    default_var_pts: int | None = 20
    #: Temperatures [K] over which the cell's predictions are validated (a warning outside;
    #: refusal at or above the SSE melting point), and why; subclasses state their own.
    validated_temperature_K: tuple[float, float] = (283.15, 333.15)
    validated_temperature_reason: str = (
        "the SSE conductivity is measured over 10-60 C (Fig. 3g); the other temperature laws are "
        "literature or assumed activation energies anchored at 25 C"
    )

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
                f"temperature {T - 273.15:.1f} C lies outside the validated range "
                f"{lo - 273.15:.0f}-{hi - 273.15:.0f} C of {type(self).__name__} "
                f"({self.validated_temperature_reason}); its results are extrapolated there.",
                OutOfRangeWarning,
                stacklevel=2,
            )
        self.var_pts = self.default_var_pts if var_pts is None else int(var_pts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(anode={self.anode!r}, parameters={self.parameters.name!r})"

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
