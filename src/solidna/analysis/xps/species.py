"""Species assignment, charge correction, atomic percentages and depth profiles.

* :func:`assign` labels a fitted position with the chemical states of ``species.toml`` whose
  reference binding energy lies within its tolerance (nearest first; overlaps are reported, not
  hidden);
* :func:`charge_shift` is the shift that puts the C-C/C-H component at the reference energy
  (default 284.8 eV; the paper, Lu et al. 2019, uses 284.5 eV); :func:`charge_reference` also
  names the component taken and warns when the choice is doubtful (a carbide sample);
* :func:`atomic_percent` divides areas by relative sensitivity factors (``rsf.toml``, Scofield
  1976 cross-sections, or the user's table) and normalises;
* :func:`depth_profile` does that per sputter cycle, per element and per fitted species.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.errors import DataFormatError, InvalidOptionError

__all__ = [
    "Species",
    "species_table",
    "levels",
    "level_of",
    "Doublet",
    "doublet_of",
    "Companion",
    "companions_of",
    "state_span_eV",
    "metallic_state",
    "assign",
    "charge_shift",
    "charge_reference",
    "ChargeReference",
    "LARGE_CHARGE_SHIFT_EV",
    "rsf_table",
    "atomic_percent",
    "depth_profile",
    "ADVENTITIOUS_C1S_EV",
]

_HERE = Path(__file__).parent
#: Default charge reference: adventitious C 1s [eV] (the paper uses 284.5 eV).
ADVENTITIOUS_C1S_EV = 284.8
#: How far the C-C/C-H component may lie from the reference before a charge correction is
#: refused [eV]: a sample charging by more needs a flood gun or another reference line.
MAX_CHARGE_SHIFT_EV = 10.0


@dataclass(frozen=True)
class Species:
    """A chemical state with its reference binding energy [eV] and literature source."""

    name: str
    level: str
    be_eV: float
    tolerance_eV: float
    source: str
    method: str
    note: str = ""
    #: A metal (``metallic = true`` in ``species.toml``): its lines are asymmetric (the
    #: Doniach-Sunjic tail of conduction-electron screening), fitted with
    #: ``doniach_sunjic_gauss`` by :func:`~solidna.analysis.xps.fit.fit_states`.
    metallic: bool = False


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads((_HERE / "species.toml").read_text(encoding="utf-8"))


def species_table() -> list[Species]:
    """Every entry of ``species.toml``."""
    return [Species(**row) for row in _data()["species"]]


def levels() -> dict[str, float]:
    """Core level -> typical binding energy [eV] (for surveys and region detection)."""
    return {row["level"]: float(row["be_eV"]) for row in _data()["levels"]}


def _norm(level: str) -> str:
    # "C 1s", "C_1s" and "C1s" name one level (Scienta writes "Cu_3p")
    return "".join(level.replace("_", " ").split()).lower()


#: A label that names a core level itself (element, shell, subshell: "Cu 3p", "Ag3d5/2").
_NAMED_LEVEL = re.compile(r"^([A-Z][a-z]?)\s*_?\s*(\d)\s*([spdf])(\d/2)?\b")
#: A level's typical energy must lie this far inside a region [eV] to name the region from its
#: energies: a window 68-84 eV (Cu 3p) was taken for Au 4f7/2 at its very edge (84.0 eV).
_EDGE_MARGIN_EV = 1.0


def level_of(label: str, energy_eV: np.ndarray | None = None) -> str | None:
    """The core level of a region from its label (``"C 1s"``, ``"C1s"``) or, failing that, the
    level whose typical energy lies inside the region's energy range.

    Parameters
    ----------
    label : str
        The region's label.
    energy_eV : numpy.ndarray of float, optional
        The region's binding energies [eV].

    Returns
    -------
    str or None
        The core level (``"C 1s"``), or None when none fits.
    """
    key = _norm(label or "").rstrip(".")
    for lev in levels():
        base = _norm(lev).split("/")[0]  # "Sn 3d5/2" -> "sn3d5"
        if key == base or key.startswith(base) or (len(key) >= 3 and base.startswith(key)):
            return lev
    if _NAMED_LEVEL.match((label or "").strip()):
        # the label names a level the table does not hold (Cu 3p): none, rather than another
        # element's level that happens to lie in the window
        return None
    if energy_eV is not None and len(energy_eV) and np.ptp(energy_eV) < 80:
        low, high = energy_eV.min() + _EDGE_MARGIN_EV, energy_eV.max() - _EDGE_MARGIN_EV
        inside = [
            (abs(be - float(np.mean(energy_eV))), lev)
            for lev, be in levels().items()
            if low <= be <= high
        ]
        if inside:
            return min(inside)[1]
    return None


@dataclass(frozen=True)
class Doublet:
    """A spin-orbit doublet of ``species.toml``: the second line (j = l - 1/2) lies
    ``splitting_eV`` [eV] above the first with ``area_ratio`` [-] times its area."""

    level: str
    splitting_eV: float
    area_ratio: float
    source: str

    @property
    def ratio_text(self) -> str:
        """The area ratio as the degeneracies write it (``"1:2"``, ``"2:3"``, ``"3:4"``)."""
        for low, high in ((1, 2), (2, 3), (3, 4)):
            if abs(self.area_ratio - low / high) < 0.01:
                return f"{low}:{high}"
        return f"{self.area_ratio:.3g}"


def doublet_of(level: str | None) -> Doublet | None:
    """The spin-orbit doublet of a core level (``"W 4f7/2"``, ``"Mo 3d"``, ``"Cl 2p"``), or None
    for a single line (an s level) or a level ``species.toml`` does not list.

    Parameters
    ----------
    level : str or None
        The core level (spaces and case are ignored; a j suffix such as ``5/2`` is allowed).

    Returns
    -------
    Doublet or None
        Splitting [eV] and area ratio [-] of the level's two lines.
    """
    if not level:
        return None
    key = _norm(level)
    for row in _data().get("doublets", []):
        if key.startswith(_norm(row["level"])):
            return Doublet(
                row["level"], float(row["splitting_eV"]), float(row["area_ratio"]), row["source"]
            )
    return None


@dataclass(frozen=True)
class Companion:
    """A line of another level of the same element inside a spin-orbit region's window
    (``species.toml`` ``[[companions]]``): it lies ``offset_eV`` [eV] above the j = l + 1/2
    line of the region's strongest doublet, with a start FWHM of ``fwhm_eV`` [eV]."""

    level: str
    line: str
    offset_eV: float
    fwhm_eV: float
    source: str


def companions_of(level: str | None) -> list[Companion]:
    """The lines of another level of the same element that lie inside a region of ``level``
    (W 5p3/2 in W 4f), from ``species.toml`` ``[[companions]]``; empty when none are listed.

    Parameters
    ----------
    level : str or None
        The region's core level (``"W 4f"``, ``"W 4f7/2"``; spaces and case are ignored).

    Returns
    -------
    list of Companion
        Line name, offset [eV] from the level's j = l + 1/2 line, start FWHM [eV] and source.
    """
    if not level:
        return []
    key = _norm(level)
    return [
        Companion(
            row["level"],
            row["line"],
            float(row["offset_eV"]),
            float(row["fwhm_eV"]),
            row["source"],
        )
        for row in _data().get("companions", [])
        if key.startswith(_norm(row["level"]))
    ]


def state_span_eV(level: str | None) -> float | None:
    """Widest distance [eV] between two chemical states of a spin-orbit level in
    ``species.toml`` (from the lowest state's reference minus its tolerance to the highest
    one's plus its tolerance; W 4f7/2: metal 31.4 - 0.3 to WO3 35.8 + 0.4 eV, 4.7 + 0.4 = 5.1 eV),
    or None when the table lists fewer than two states of the level.

    Two states of one element in one sample lie no further apart than its lowest (metal) and
    highest oxidation states: a doublet further from the others is a line of another level
    (W 5p3/2 in W 4f), not a state. A uniform charge shift moves all of them together and does
    not change the distance (differential charging of one phase would).

    Parameters
    ----------
    level : str or None
        Core level (``"W 4f"``, ``"Mo 3d5/2"``; spaces and case are ignored).

    Returns
    -------
    float or None
        The span [eV].
    """
    doublet = doublet_of(level)
    if doublet is None:
        return None
    key = _norm(doublet.level)
    rows = [s for s in species_table() if _norm(s.level).startswith(key)]
    if len(rows) < 2:
        return None
    return max(s.be_eV + s.tolerance_eV for s in rows) - min(s.be_eV - s.tolerance_eV for s in rows)


def metallic_state(position_eV: float, level: str | None) -> Species | None:
    """The metallic state of ``species.toml`` (``metallic = true``) that a line at
    ``position_eV`` [eV] of ``level`` is, or None.

    The line is that state when the state's window (reference +- tolerance) holds the position
    and no other state of the level lies nearer (Na 1s of NaF at 1071.4 eV lies within the
    window of Na metal, 1071.7 +- 0.6 eV, and is taken for NaF). The position must be charge
    corrected (C 1s of adventitious carbon at its reference) as the table's are.

    Parameters
    ----------
    position_eV : float
        Charge-corrected binding energy of the line [eV] (the first line of a doublet).
    level : str or None
        Core level of the region (``"Mo 3d"``, ``"Mo 3d5/2"``, ``"Na 1s"``; spaces and case are
        ignored; a doublet level matches its j = l + 1/2 rows).

    Returns
    -------
    Species or None
        The metallic state, or None (no level, or the nearest state is not a metal).
    """
    if not level:
        return None
    doublet = doublet_of(level)
    key = _norm(doublet.level if doublet is not None else level)
    near = [
        (abs(float(position_eV) - s.be_eV), s)
        for s in species_table()
        if _norm(s.level).startswith(key) and abs(float(position_eV) - s.be_eV) <= s.tolerance_eV
    ]
    if not near:
        return None
    best = min(near, key=lambda t: t[0])[1]
    return best if best.metallic else None


def assign(position_eV: float, level: str | None = None) -> list[tuple[Species, float]]:
    """Chemical states whose window holds ``position_eV`` [eV], nearest first.

    Parameters
    ----------
    position_eV : float
        Fitted (charge-corrected) binding energy of the component [eV].
    level : str, optional
        Core level to restrict the search to (``"C 1s"``; spaces and case are ignored). Default:
        every level of ``species.toml``.

    Returns
    -------
    list of (Species, distance_eV)
        Empty when nothing in the table fits; then the component stays unlabelled.
        ``distance_eV`` is ``position_eV`` minus the species' reference binding energy [eV]
        (within its tolerance).
    """
    out = []
    for s in species_table():
        if level is not None and _norm(s.level) != _norm(level):
            continue
        d = float(position_eV) - s.be_eV
        if abs(d) <= s.tolerance_eV:
            out.append((s, d))
    return sorted(out, key=lambda t: abs(t[1]))


def label(position_eV: float, level: str | None = None) -> str:
    """A short label: the nearest state, with the other candidates in brackets."""
    found = assign(position_eV, level)
    if not found:
        return "unassigned"
    head = found[0][0].name
    rest = [s.name for s, _ in found[1:]]
    return head + (f" (or {', '.join(rest)})" if rest else "")


#: A charge shift larger than this [eV] is reported: the C 1s lines nearest to C-C/C-H lie
#: 1.3-2 eV from it (C-O near 286.3 eV, carbides at 281-283.5 eV), so past 1.5 eV a shift cannot
#: be told apart from a reference taken on another line, e.g. a carbide read as adventitious
#: carbon. Conductive or flood-gun-neutralised samples charge by less.
LARGE_CHARGE_SHIFT_EV = 1.5
#: Share of the largest C 1s area [-] a component needs to be the reference line: a weak
#: component (noise, a small carbide or graphite shoulder) is not the adventitious carbon.
REFERENCE_MIN_AREA_SHARE = 0.2


@dataclass(frozen=True)
class ChargeReference:
    """The C 1s component taken as C-C/C-H and the charge shift it gives.

    Attributes
    ----------
    shift_eV : float
        Shift [eV] to add to every binding energy.
    position_eV : float
        Uncorrected position of the reference component [eV].
    index : int
        Index of that component among the positions given.
    warnings : tuple of str
        Why the choice needs a look (a shift above :data:`LARGE_CHARGE_SHIFT_EV`, a reference
        that is not the largest C 1s component); empty when none.
    """

    shift_eV: float
    position_eV: float
    index: int
    warnings: tuple[str, ...] = ()


@fill_doc
def charge_reference(
    c1s_positions_eV: Sequence[float],
    reference_eV: float = ADVENTITIOUS_C1S_EV,
    areas: Sequence[float] | None = None,
) -> ChargeReference:
    """The C-C/C-H component of a C 1s fit and the shift that puts it at ``reference_eV``.

    The C-C/C-H component is the lowest-energy C 1s component (carbides and graphite aside,
    every other carbon state lies higher); with ``areas``, among those with at least
    :data:`REFERENCE_MIN_AREA_SHARE` of the largest area (a weak component is not the reference
    line). A carbide sample breaks the rule: its strongest line (281-283.5 eV) is then taken,
    so a shift above :data:`LARGE_CHARGE_SHIFT_EV`, or a reference that is not the largest
    component, comes back with a warning.

    %(Parameters: c1s_positions)s

    Returns
    -------
    ChargeReference
        The shift [eV], the reference component and the warnings.

    %(Raises: no_c1s)s
    """
    positions = [float(p) for p in c1s_positions_eV]
    keep = list(range(len(positions)))
    if areas is not None and positions:
        big = max(areas)
        keep = [k for k in keep if areas[k] >= REFERENCE_MIN_AREA_SHARE * big]
    if not keep:
        raise DataFormatError(
            "charge correction needs a fitted C 1s region (adventitious carbon); the file has "
            "none. Give the shift directly or measure C 1s."
        )
    index = min(keep, key=lambda k: positions[k])
    at = positions[index]
    shift = float(reference_eV) - at
    if abs(shift) > MAX_CHARGE_SHIFT_EV:
        raise DataFormatError(
            f"the C-C/C-H component lies at {at:.2f} eV, a shift of {shift:+.2f} eV "
            f"from {reference_eV} eV (more than {MAX_CHARGE_SHIFT_EV} eV): is this region C 1s?"
        )
    warnings = []
    if abs(shift) > LARGE_CHARGE_SHIFT_EV:
        warnings.append(
            f"the charge correction moves every binding energy by {shift:+.2f} eV (more than "
            f"{LARGE_CHARGE_SHIFT_EV} eV): the C 1s component at {at:.2f} eV was taken as "
            f"adventitious C-C/C-H. If it is another line (a carbide lies at 281-283.5 eV), "
            "the corrected positions and species are off by that shift: check the C 1s fit "
            "and read the uncorrected 'Position [eV]' of the components table"
        )
    if areas is not None and len(positions) > 1:
        largest = int(np.argmax(areas))
        if largest != index:
            share = float(areas[index]) / float(sum(areas))
            warnings.append(
                f"the C 1s component taken as C-C/C-H ({at:.2f} eV, {100 * share:.0f} % of the "
                f"C 1s area) is not the largest one ({positions[largest]:.2f} eV); check that it "
                "is adventitious carbon"
            )
    return ChargeReference(shift, at, index, tuple(warnings))


@fill_doc
def charge_shift(
    c1s_positions_eV: Sequence[float],
    reference_eV: float = ADVENTITIOUS_C1S_EV,
    areas: Sequence[float] | None = None,
) -> float:
    """Shift [eV] to add to every binding energy so that the C-C/C-H component sits at
    ``reference_eV`` (:func:`charge_reference`, which also says when the choice is doubtful).

    %(Parameters: c1s_positions)s

    Returns
    -------
    float
        Shift [eV] to add to every binding energy: ``reference_eV`` minus the position of the
        C-C/C-H component (negative when positive charging moved the lines up).

    %(Raises: no_c1s)s
    """
    return charge_reference(c1s_positions_eV, reference_eV, areas).shift_eV


@lru_cache(maxsize=1)
def _rsf_data() -> dict:
    return tomllib.loads((_HERE / "rsf.toml").read_text(encoding="utf-8"))


def rsf_table() -> dict[str, float]:
    """Default relative sensitivity factors (Scofield 1976, Al K-alpha, C 1s = 1)."""
    return dict(_rsf_data()["rsf"])


def _rsf_for(level: str, rsf: Mapping[str, float]) -> float:
    for key, value in rsf.items():
        if _norm(key) == _norm(level) or _norm(level).startswith(_norm(key)):
            if not float(value) > 0:
                raise InvalidOptionError(f"RSF of {key} must be > 0; got {value}.")
            return float(value)
    raise InvalidOptionError(
        f"no relative sensitivity factor for {level!r}; the table has {sorted(rsf)}. Pass "
        f"rsf={{'{level}': value, ...}} with your instrument's value."
    )


def atomic_percent(
    areas: Mapping[str, float], rsf: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Atomic % from peak areas per core level: ``x_i = (A_i / S_i) / sum_j (A_j / S_j)``.

    Parameters
    ----------
    areas : mapping
        Core level (``"C 1s"``) -> background-subtracted area [cps.eV].
    rsf : mapping, optional
        Core level -> sensitivity factor; default :func:`rsf_table`. Entries override the
        default ones.
    """
    table = rsf_table() | dict(rsf or {})
    scaled = {lev: float(a) / _rsf_for(lev, table) for lev, a in areas.items()}
    total = sum(scaled.values())
    if not total > 0:
        raise DataFormatError("the areas sum to zero; no atomic percentages can be formed.")
    return {lev: 100.0 * v / total for lev, v in scaled.items()}


def depth_profile(
    rows: Sequence[Mapping[str, object]],
    rsf: Mapping[str, float] | None = None,
    sputter_rate_m_s: float | None = None,
) -> pd.DataFrame:
    """Atomic % per element and per fitted species against sputter cycle (or time/depth).

    Parameters
    ----------
    rows : sequence of mapping
        One per fitted component: ``cycle``, ``level`` (``"C 1s"``), ``species`` (a label),
        ``area`` [cps.eV], optionally ``sputter time [s]``.

    Returns
    -------
    pandas.DataFrame
        Index ``Cycle``; columns ``"<level> [at.%]"`` and ``"<level>: <species> [at.%]"`` (a
        species' share of all atoms), ``"Sputter time [s]"`` when given and ``"Depth [nm]"``
        (sputter time x ``sputter_rate_m_s``, a rate calibrated on a reference film) with a rate.
    """
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        raise DataFormatError("no fitted components to build a depth profile from.")
    table = rsf_table() | dict(rsf or {})
    frame["norm"] = [
        float(a) / _rsf_for(str(lev), table)
        for a, lev in zip(frame["area"], frame["level"], strict=True)
    ]
    out = {}
    for cycle, group in frame.groupby("cycle", sort=True):
        total = group["norm"].sum()
        row: dict[str, float] = {}
        if "sputter time [s]" in group:
            # a profile exported as text (PHI MultiPak's "Depth Cycle 2 of 10") states its
            # cycles and no sputter time: NaN, where None stopped the profile with a TypeError
            time = group["sputter time [s]"].iloc[0]
            row["Sputter time [s]"] = np.nan if time is None else float(time)
        for lev, g in group.groupby("level"):
            row[f"{lev} [at.%]"] = 100 * g["norm"].sum() / total if total > 0 else np.nan
            for sp, gs in g.groupby("species"):
                row[f"{lev}: {sp} [at.%]"] = 100 * gs["norm"].sum() / total if total > 0 else np.nan
        out[cycle] = row
    result = pd.DataFrame.from_dict(out, orient="index")
    result.index.name = "Cycle"
    if "Sputter time [s]" in result and result["Sputter time [s]"].isna().all():
        result = result.drop(columns="Sputter time [s]")
    if sputter_rate_m_s is not None and "Sputter time [s]" in result:
        result.insert(1, "Depth [nm]", result["Sputter time [s]"] * sputter_rate_m_s * 1e9)
    return result
