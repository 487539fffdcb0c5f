"""XPS files into :class:`XPSSpectrum` objects: VAMAS ``.vms``/``.npl``, PHI ``.pro``, text/CSV.

Readers
-------
VAMAS (ISO 14976)
    Our own line parser. The maintained ``vamas`` package (BSD-3) reads only REGULAR scans, insists
    on the ``.vms`` extension (PHI MultiPak writes ``.npl``) and refuses Kratos files that start
    with blank lines; the standard is short and fixed, so a complete parser (REGULAR and IRREGULAR,
    experimental variables, several blocks) is less code than working around it. It is checked
    against ``vamas`` on the files both read (tests/unit/test_xps.py).
PHI SmartSoft/MultiPak ``.pro`` (depth profile) and ``.spe`` (spectra; same layout)
    Our own reader: no maintained permissive reader serves it without pulling a whole NeXus stack
    (pynxtools-xps). The ASCII header (``SOFH`` ... ``EOFH``) describes the regions; the binary
    part starts with a table of 96-byte entries (point count, cycle count, unit, dtype, byte size
    and offset of each data set), followed by float32 data.
Thermo Avantage ``.avg`` (a DataSpace dumped as text: ``$SPACEAXES``, ``$DATA=*``, ``LIST@``)
    Our own reader (:func:`read_avantage_avg`); the energy axis is kinetic unless the file's
    ``DS_ACPROPID_EV_SCALE`` is 2.
Excel workbook ``.xlsx`` / ``.xls`` (Thermo Avantage "Export to Excel": one sheet per region)
    Each sheet is read as the text reader reads a table (:func:`read_xps_workbook`); the sheet's
    name labels its spectrum, and sheets without a spectrum table (a peak table) are set aside.
Text / CSV (CasaXPS "Export to ASCII", SPECS Prodigy ``.xy``, LG4X, lmfitxps-style
``E_kin, intensity``, Scienta ``.txt``, any two columns)
    Every table of the file is read (Prodigy writes one per region). The energy column is
    recognised by its header (``B.E.``, ``BE/eV``, ``Binding``, ``K.E.``, ``KE/eV``, ``Kinetic``,
    ``E_kin``) or a header setting (``Energy Axis: Kinetic Energy``); with neither, binding
    energy is assumed and the spectrum's notes say so. A row of units under the names (Thermo
    Avantage: ``Binding Energy (E)`` over ``eV``, the data column named by its unit ``Counts /
    s`` only) is paired with them cell by cell. A kinetic-energy axis needs the photon
    energy (``photon_energy_eV``, or ``hv=``, ``Excitation Energy``, ... in the header).

Omicron EIS text export (a ``Region ... Sweeps Dwell ... Notes ... Sweeps-Acquired`` row over
each region's settings, ``Layer`` rows, then ``Energy Counts``)
    Read by the text reader: each region is named by its ``Notes`` cell and scaled by its own
    dwell time and sweeps; layers switched off and regions flagged ``Empty`` are set aside.
PHI MultiPak ASCII export (each region headed ``Element Bi 4f; Region 1 of 6; Depth Cycle 1
of 1; Time Per Step 50; Sweeps 8; ...; Photon Energy 1253.6; XPS;``)
    Read by the text reader: each region is named by its element line (``Survey`` for an empty
    one), its whole counts are divided by the time per step [ms] times the sweeps (assumed, with
    a note: the export names no unit), and a depth profile's ``Depth Cycle`` sets the cycle.
NIMS' Multipak Exporter text of a PHI ``.spe`` (``//Multipak Exporter 1.2.5``, ``Key:value``
settings, then per region ``//Area Comment,RegionNo,AtomicName,Area No,XLabel,YLabel,DataCount``
and those values one a line over ``BE<TAB>cps`` rows)
    Read by the text reader: each region is named by its AtomicName; a region shorter than its
    DataCount says it was cut short.
SPECS Prodigy ``.xy`` with "Separate Channel Data"
    The detector channels of a scan (one table each) are summed into the scan's spectrum; a
    ``FixedEnergies`` region (counts against a point index) and an "External Channel Data"
    table (a sensor logged during the scan, e.g. a temperature in K) are set aside. A Scienta
    SES 2-D region (``Dimension 2``: one column per slice) is summed over its slices; a 3-D
    region (``Dimension 3``, one ``[Data n:k]`` block per value) gives one spectrum per value.
Native binaries (SPECS ``.sle`` SQLite, SpecsLab 2 XML, Igor ``.ibw``/``.pxt``, Thermo ``.vgd``)
    Refused, naming the format and the export to make. VAMAS blocks that are not photoemission
    (``AES diff``, ``ISS``, ...) are set aside, or refused when no XPS/UPS block is left. VAMAS
    blocks that repeat a region over an experimental variable (an angle-resolved series) or
    over samples are labelled by it (``O 1s (Angle 70 degree)``).

Intensities are counts per second [s-1]: VAMAS counts, and text exports of raw counts that state
their dwell time and number of scans, are divided by the dwell time times the number of scans
(CasaXPS's convention); count rates are kept. Raw counts without those stay counts, and
:attr:`XPSSpectrum.intensity_unit` says so; a text column that names neither is taken as a rate,
with a note.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import DataFormatError, check_choice

__all__ = [
    "XPSSpectrum",
    "read_xps",
    "read_vamas",
    "read_phi_pro",
    "read_avantage_avg",
    "read_xps_text",
    "read_xps_workbook",
    "FORMATS",
]

#: Formats of :func:`read_xps` (``format=``).
FORMATS = ("vamas", "phi-pro", "avantage", "workbook", "text")

_VAMAS_MAGIC = "VAMAS Surface Chemical Analysis Standard Data Transfer Format"


@dataclass
class XPSSpectrum:
    """One XPS region (or survey) on a binding-energy axis.

    Attributes
    ----------
    binding_energy_eV : numpy.ndarray
        Binding energy [eV], ascending.
    intensity_cps : numpy.ndarray
        Intensity [counts.s-1] on that axis (raw counts where :attr:`intensity_unit` is
        ``"counts"``).
    label : str
        Region name (block identifier, species and transition where the file has them).
    photon_energy_eV : float or None
        Excitation energy [eV].
    cycle : int or None
        Depth-profile cycle (PHI ``.pro``), else None.
    sputter_time_s : float or None
        Cumulative sputter time of the cycle [s] (depth profiles), else None.
    metadata : dict
        Instrument settings read from the file (pass energy, dwell, scans, ...).
    source : Path or None
        The file read.
    """

    binding_energy_eV: np.ndarray
    intensity_cps: np.ndarray
    label: str = ""
    photon_energy_eV: float | None = None
    cycle: int | None = None
    sputter_time_s: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def __post_init__(self) -> None:
        be = np.asarray(self.binding_energy_eV, dtype=float)
        y = np.asarray(self.intensity_cps, dtype=float)
        where = f"{self.source or 'spectrum'} {self.label!r}".strip()
        if be.ndim != 1 or be.shape != y.shape:
            raise DataFormatError(
                f"{where}: energy ({be.shape}) and intensity ({y.shape}) must be 1-D arrays of "
                "equal length."
            )
        if len(be) < 3:
            raise DataFormatError(f"{where}: {len(be)} points; a spectrum needs at least 3.")
        if not (np.all(np.isfinite(be)) and np.all(np.isfinite(y))):
            raise DataFormatError(f"{where}: energy or intensity holds NaN/inf values.")
        order = np.argsort(be, kind="stable")
        self.binding_energy_eV, self.intensity_cps = be[order], y[order]

    @property
    def intensity_unit(self) -> str:
        """``"counts.s-1"``, or ``"counts"`` for raw counts a text file gives without the dwell
        time and number of scans that would turn them into a rate."""
        return str(self.metadata.get("intensity unit", "counts.s-1"))

    @property
    def has_counts(self) -> bool:
        """False when every intensity is zero (an empty acquisition)."""
        return bool(np.any(self.intensity_cps != 0))

    def charge_corrected(self, shift_eV: float) -> XPSSpectrum:
        """A copy with the binding energy shifted by ``shift_eV`` [eV] (added).

        Parameters
        ----------
        shift_eV : float
            Shift added to the binding energy [eV].

        Returns
        -------
        XPSSpectrum
            The shifted copy.
        """
        return XPSSpectrum(
            self.binding_energy_eV + float(shift_eV),
            self.intensity_cps.copy(),
            self.label,
            self.photon_energy_eV,
            self.cycle,
            self.sputter_time_s,
            dict(self.metadata, charge_shift_eV=float(shift_eV)),
            self.source,
        )


# --------------------------------------------------------------------------------------------
# VAMAS (ISO 14976)
# --------------------------------------------------------------------------------------------
class _Lines:
    def __init__(self, lines: list[str], path: Path):
        self.lines, self.i, self.path = lines, 0, path

    def next(self) -> str:
        if self.i >= len(self.lines):
            raise DataFormatError(
                f"{self.path}: the VAMAS file ends early (line {self.i + 1}); it is truncated. "
                "Export it again from the acquisition software."
            )
        line = self.lines[self.i]
        self.i += 1
        return line.replace("\0", "").strip()  # PHI MultiPak pads labels with NUL

    def int(self) -> int:
        text = self.next()
        try:
            return int(float(text))
        except ValueError:
            raise DataFormatError(
                f"{self.path}: line {self.i} should hold an integer, found {text!r}; the file "
                "is not a valid VAMAS file."
            ) from None

    def float(self) -> float:
        text = self.next()
        try:
            return float(text)
        except ValueError:
            raise DataFormatError(
                f"{self.path}: line {self.i} should hold a number, found {text!r}; the file is "
                "not a valid VAMAS file."
            ) from None

    def skip(self, n: int) -> list[str]:
        return [self.next() for _ in range(n)]


_MAP_MODES = ("MAP", "MAPDP")
_SPUTTER_MODES = ("MAPDP", "MAPSVDP", "SDP", "SDPSV")
_FOV_MODES = ("MAP", "MAPDP", "MAPSV", "MAPSVDP", "SEM")
_SPECTRAL_TECHNIQUES = ("AES diff", "AES dir", "EDX", "ELS", "UPS", "XPS", "XRF")


def read_vamas(path: str | os.PathLike[str]) -> list[XPSSpectrum]:
    """Read every block of a VAMAS file (ISO 14976; ``.vms``, PHI ``.npl``).

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    list of XPSSpectrum
        One per block, in file order; ``metadata`` holds the header and block settings.

    Raises
    ------
    DataFormatError
        Not a VAMAS file, truncated, or a layout this reader does not know (MAPPING scans, a
        parameter inclusion list).
    """
    p = Path(path)
    text = _text_of(p.read_bytes())
    raw = text.splitlines()
    while raw and not raw[0].strip():
        raw.pop(0)  # Kratos ESCApe starts with blank lines
    if not raw or not raw[0].startswith(_VAMAS_MAGIC):
        raise DataFormatError(
            f"{p}: not a VAMAS file (the first line must start with {_VAMAS_MAGIC!r})."
        )
    r = _Lines(raw, p)
    r.next()
    header: dict[str, Any] = {
        "institution": r.next(),
        "instrument": r.next(),
        "operator": r.next(),
        "experiment": r.next(),
    }
    header["comment"] = "\n".join(r.skip(r.int()))
    exp_mode, scan_mode = r.next().upper(), r.next().upper()
    header.update(experiment_mode=exp_mode, scan_mode=scan_mode)
    if scan_mode not in ("REGULAR", "IRREGULAR"):
        raise DataFormatError(
            f"{p}: scan mode {scan_mode!r}; solidna reads REGULAR and IRREGULAR VAMAS spectra "
            "(MAPPING images are not spectra)."
        )
    if exp_mode in ("MAP", "MAPDP", "NORM", "SDP"):
        header["regions"] = r.int()
    if exp_mode in _MAP_MODES:
        r.skip(3)
    n_exp = r.int()
    exp_vars = [(r.next(), r.next()) for _ in range(n_exp)]
    n_incl = r.int()
    if n_incl != 0:
        raise DataFormatError(
            f"{p}: the VAMAS header has a parameter inclusion list ({n_incl} entries); solidna "
            "reads files where every block lists all its parameters. Export without omitting "
            "block parameters."
        )
    r.skip(r.int())  # manually entered items
    n_future_exp = r.int()
    n_future_block = r.int()
    r.skip(n_future_exp)
    n_blocks = r.int()
    spectra = []
    aside: list[str] = []  # blocks that are not photoemission spectra, with the reason
    for b in range(n_blocks):
        if r.i < len(raw) and raw[r.i].strip().lower() == "end of experiment":
            # the file ends properly after fewer blocks than announced: an acquisition
            # stopped early (feranick/xps 1.vms: 7 announced, 2 written); not a truncation
            for s in spectra:
                s.metadata.setdefault("notes", []).append(
                    f"the VAMAS header announces {n_blocks} blocks; the file holds {b} before "
                    "'end of experiment' (an acquisition stopped early): those are read."
                )
            break
        block = _vamas_block(r, p, b, exp_mode, scan_mode, exp_vars, n_future_block)
        block.metadata["header"] = header
        why = _not_photoemission(block)
        if why:
            aside.append(f"block {b + 1} ({block.label}): {why}")
            continue
        spectra.append(block)
    if not spectra and aside:
        raise DataFormatError(
            f"{p}: no block of the VAMAS file is a photoemission spectrum ({'; '.join(aside)}). "
            "solidna's XPS analysis needs binding energies: an XPS or UPS block, with the "
            "source energy recorded for a kinetic-energy axis."
        )
    if not spectra:
        raise DataFormatError(f"{p}: the VAMAS file holds no blocks.")
    _orient_by_the_fermi_level(spectra)
    _label_repeated_regions(spectra, exp_vars)
    for s in spectra:
        if aside:
            s.metadata.setdefault("notes", []).append(
                "blocks set aside, not photoemission spectra: " + "; ".join(aside)
            )
    return spectra


#: Binding energy [eV] below which a survey is clear of the Fermi edge (its width is the
#: analyser's resolution, < 1 eV, plus kT): no photoelectron comes from there, so the count rate
#: is the spectrum's floor (dark counts, scattered electrons).
FERMI_CLEARANCE_EV = -2.0
#: Count rate above the Fermi level, in multiples of the spectrum's floor (its 1st percentile),
#: beyond which a survey's intensities run opposite to the axis its block declares. Correct
#: surveys sit at 1.0-1.6x (pynxtools-xps regular.vms; LG4X's Kratos 0-150W.vms); matkrin/vamas'
#: xps_eis.vms reads 24x as declared and 1.5x reversed, and reversed its C 1s falls at 284.8 eV,
#: O 1s at 530.8 eV and Mo 3d at 232.5 eV (a consistent MoO3 sample; as declared no core line
#: of any element matched its peaks).
FERMI_FLOOR_FACTOR = 3.0


def _floor_ratio(s: XPSSpectrum, y: np.ndarray) -> float:
    """Mean count rate above the Fermi level over the spectrum's floor [-]."""
    above = s.binding_energy_eV < FERMI_CLEARANCE_EV
    floor = max(float(np.percentile(y, 1)), 1e-12)
    return float(np.mean(y[above])) / floor


def _orient_by_the_fermi_level(spectra: list[XPSSpectrum]) -> None:
    """Reverse the intensities of blocks written opposite to their declared energy axis.

    A REGULAR block gives its axis as a start and a step; a writer that gets the step's sign
    wrong (or writes the start of the other end) puts every intensity at the mirror energy. No
    single region shows this for sure, but a survey that reaches past the Fermi level does:
    there the count rate is the floor. A survey above :data:`FERMI_FLOOR_FACTOR` times its floor
    there, and below it when reversed, is read reversed, and so is every block of the file with
    the same axis label and step sign (one writer, one convention); each says so in its notes.
    """
    for survey in spectra:
        meta = survey.metadata
        be, y = survey.binding_energy_eV, survey.intensity_cps
        if "x step" not in meta or be[0] >= FERMI_CLEARANCE_EV or be[-1] - be[0] < 100.0:
            continue
        as_read, reversed_ = _floor_ratio(survey, y), _floor_ratio(survey, y[::-1])
        if as_read <= FERMI_FLOOR_FACTOR or reversed_ > FERMI_FLOOR_FACTOR:
            continue
        convention = (meta["energy axis"], np.sign(meta["x step"]))
        for s in spectra:
            if (
                "x step" in s.metadata
                and (
                    s.metadata["energy axis"],
                    np.sign(s.metadata["x step"]),
                )
                == convention
            ):
                s.intensity_cps = s.intensity_cps[::-1].copy()
                s.metadata.setdefault("notes", []).append(
                    f"read with the intensities reversed: the file's survey ({survey.label}) "
                    f"gives {as_read:.1f}x its floor count rate above the Fermi level (binding "
                    f"energy < {FERMI_CLEARANCE_EV:g} eV, where no photoelectron comes from) as "
                    f"declared ({meta['energy axis']}, step {meta['x step']:g}) and "
                    f"{reversed_:.1f}x reversed; every block with that axis and step sign is "
                    "read reversed."
                )
        return


#: VAMAS unit codes that name no unit: ``d`` (dimensionless) and ``n`` (not specified; Kratos
#: ESCApe writes it for its stage positions).
_NO_UNIT = ("", "d", "n")


def _label_repeated_regions(spectra: list[XPSSpectrum], exp_vars: list[tuple[str, str]]) -> None:
    """Label the blocks that repeat a region by what tells them apart.

    An angle-resolved series (Kratos ESCApe's ARXPS: experiment mode MAP, the experimental
    variable ``Angle`` [degree]) or a series over positions or samples writes every region once
    per value, under the same species and transition: all came back as ``O 1s``, told apart
    only by the pipeline's ``_2``, ``_3``. Each such block is labelled by the experimental
    variables (and the sample) that differ among the blocks of its region, ``O 1s (Angle 70
    degree)``, and ``metadata["series"]`` holds them; blocks that differ in nothing (repeated
    scans) keep their label.
    """
    units = dict(exp_vars)
    groups: dict[str, list[XPSSpectrum]] = {}
    for s in spectra:
        groups.setdefault(s.label, []).append(s)
    for label, group in groups.items():
        if len(group) < 2:
            continue
        values = [s.metadata.get("experimental variables", {}) for s in group]
        varying = [k for k in values[0] if len({v.get(k) for v in values}) > 1]
        samples = {str(s.metadata.get("sample", "")).strip() for s in group}
        if not varying and len(samples) < 2:
            continue
        shown = ", ".join(
            f"{k} {' / '.join(dict.fromkeys(v[k] for v in values))}"
            + (f" {units.get(k, '')}" if units.get(k, "").strip() not in _NO_UNIT else "")
            for k in varying
        )
        for s, v in zip(group, values, strict=True):
            series = {k: v[k] for k in varying}
            parts = [
                f"{k} {v[k]}"
                + (f" {units.get(k, '')}" if units.get(k, "").strip() not in _NO_UNIT else "")
                for k in varying
            ]
            if len(samples) > 1:
                series["sample"] = str(s.metadata.get("sample", "")).strip()
                parts.append(f"sample {series['sample']}")
            s.label = f"{label} ({', '.join(parts)})"
            s.metadata["series"] = series
            s.metadata.setdefault("notes", []).append(
                f"the file holds region {label!r} {len(group)} times"
                + (f" ({shown})" if shown else "")
                + (f" for samples {', '.join(sorted(samples))}" if len(samples) > 1 else "")
                + ": each block is labelled by what tells it apart; they are separate "
                "measurements, not scans to add"
            )


#: ISO 14976 techniques that are not photoemission: their energy axis is not hv - binding
#: energy. vamas' test file aes_staib.vms (Staib SuperCMA, "AES diff", source energy 0) was read
#: as XPS from -2200 to -20 eV of "binding energy".
_NOT_PHOTOEMISSION = (
    "AES DIFF",
    "AES DIR",
    "EDX",
    "ELS",
    "FABMS",
    "FABMS ENERGY SPEC",
    "ISS",
    "SIMS",
    "SIMS ENERGY SPEC",
    "SNMS",
    "SNMS ENERGY SPEC",
    "XRF",
)
#: A source energy above this [eV] is VAMAS's "not known" (1E37), not a photon energy.
_VAMAS_UNKNOWN = 1e30


def _not_photoemission(s: XPSSpectrum) -> str | None:
    """Why a VAMAS block cannot be analysed as XPS (the note's text), or None."""
    technique = str(s.metadata.get("technique", "")).strip()
    if technique.upper() in _NOT_PHOTOEMISSION:
        return (
            f"technique {technique!r}, not photoemission (an Auger, ion or X-ray emission "
            "spectrum has no binding-energy axis)"
        )
    hv = s.photon_energy_eV
    if s.metadata.get("converted from kinetic energy") and not (
        hv is not None and 0 < hv < _VAMAS_UNKNOWN
    ):
        return (
            f"a kinetic-energy axis and no source energy recorded ({hv} eV): the binding "
            "energy cannot be computed"
        )
    return None


def _vamas_block(r: _Lines, p, b, exp_mode, scan_mode, exp_vars, n_future_block) -> XPSSpectrum:
    meta: dict[str, Any] = {"block": b, "block identifier": r.next(), "sample": r.next()}
    meta["date"] = [r.int() for _ in range(6)]
    r.next()  # hours advance GMT
    meta["block comment"] = "\n".join(r.skip(r.int()))
    technique = r.next()
    meta["technique"] = technique
    if exp_mode in _MAP_MODES:
        r.skip(2)
    meta["experimental variables"] = {lab: r.next() for lab, _ in exp_vars}
    meta["source label"] = r.next()
    if exp_mode in _SPUTTER_MODES:
        r.skip(3)
    hv = r.float()
    meta["source strength"] = r.float()
    r.skip(2)
    if exp_mode in _FOV_MODES:
        r.skip(2)
    if exp_mode in ("MAPSV", "MAPSVDP", "SEM"):
        r.skip(6)
    r.skip(2)  # polar angle of incidence, azimuth
    meta["analyser mode"] = r.next()
    meta["pass energy [eV]"] = r.float()
    if technique == "AES diff":
        r.next()
    r.next()  # magnification
    meta["work function [eV]"] = r.float()
    r.next()  # target bias
    r.skip(2)  # analysis width
    r.skip(2)  # take-off angles
    species, transition = r.next(), r.next()
    r.next()  # charge of detected particle
    if scan_mode == "REGULAR":
        x_label, x_unit = r.next(), r.next()
        x_start, x_step = r.float(), r.float()
    n_var = r.int()
    variables = [(r.next(), r.next()) for _ in range(n_var)]
    meta["signal mode"] = r.next()
    dwell = r.float()
    scans = r.int()
    meta.update({"dwell [s]": dwell, "scans": scans})
    r.next()  # time correction
    if technique in _SPECTRAL_TECHNIQUES and exp_mode in _SPUTTER_MODES:
        r.skip(7)
    r.skip(2)  # sample tilt
    r.next()  # rotation
    n_add = r.int()
    for _ in range(n_add):
        label, unit, value = r.next(), r.next(), r.next()
        meta[f"{label} [{unit}]"] = value
    r.skip(n_future_block)
    n_values = r.int()
    r.skip(2 * n_var)  # min/max per variable
    try:
        values = np.array([float(v) for v in r.skip(n_values)])
    except ValueError as exc:
        raise DataFormatError(f"{p}: block {b + 1}: a value is not a number ({exc}).") from None
    if n_var == 0 or n_values % n_var:
        raise DataFormatError(
            f"{p}: block {b + 1} has {n_values} values for {n_var} variables; the file is damaged."
        )
    table = values.reshape(-1, n_var)
    if scan_mode == "REGULAR":
        x = x_start + x_step * np.arange(len(table))
        y_col, y_unit = 0, variables[0]
        meta["x step"] = x_step
    else:
        # IRREGULAR: the abscissa is the first corresponding variable
        x_label, x_unit = variables[0]
        x = table[:, 0]
        y_col, y_unit = 1, variables[1] if n_var > 1 else ("", "")
        if n_var < 2:
            raise DataFormatError(f"{p}: IRREGULAR block {b + 1} holds no intensity column.")
    y = table[:, y_col].astype(float)
    label, unit = y_unit
    rate = "c/s" in unit.lower() or "rate" in label.lower() or "cps" in unit.lower()
    if not rate and dwell > 0 and scans > 0:
        y = y / (dwell * scans)
    elif not rate:
        # no dwell time or scan count to turn counts into a rate: they stay counts, said so
        meta["intensity unit"] = "counts"
        meta["notes"] = [
            f"block {b + 1} gives counts with a dwell time of {dwell} s and {scans} scans: "
            "intensities and areas are in counts, not counts per second"
        ]
    meta["intensity"] = f"{label} [{unit}]" + (
        "" if rate or meta.get("intensity unit") == "counts" else f" / ({dwell} s x {scans} scans)"
    )
    kinetic = "kinetic" in x_label.lower()
    be = hv - x if kinetic else x
    if kinetic:
        meta["converted from kinetic energy"] = True  # no work function subtracted
    meta["energy axis"] = f"{x_label} [{x_unit}]"
    named = [_identifier(s) for s in (species, transition)]
    name = " ".join(s for s in named if s) or _identifier(meta["block identifier"])
    return XPSSpectrum(be, y, name or f"block {b + 1}", hv, metadata=meta, source=p)


#: What CasaXPS and other writers put in an identifier field they have nothing for: no name.
_PLACEHOLDERS = {"none", "null", "n/a", "unknown"}


def _identifier(text: str) -> str:
    """``text`` stripped, or "" when it is a placeholder (CasaXPS writes ``None``)."""
    text = text.strip()
    return "" if text.lower() in _PLACEHOLDERS else text


# --------------------------------------------------------------------------------------------
# PHI .pro depth profiles
# --------------------------------------------------------------------------------------------
_PHI_ENTRY = 96  # bytes per data-set entry of the binary table


def read_phi_pro(path: str | os.PathLike[str]) -> list[XPSSpectrum]:
    """Read a PHI ``.pro`` depth profile: one spectrum per region and sputter cycle.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.pro`` file.

    Returns
    -------
    list of XPSSpectrum
        Ordered by cycle then region; ``cycle`` (1-based) and ``sputter_time_s`` set.
    """
    p = Path(path)
    data = p.read_bytes()
    end = data.find(b"EOFH")
    if not data.startswith(b"SOFH") or end < 0:
        raise DataFormatError(f"{p}: not a PHI file (no SOFH ... EOFH header).")
    head = data[:end].decode("latin-1").splitlines()
    start = end + 4
    while data[start : start + 1] in (b"\r", b"\n"):
        start += 1
    binary = data[start:]
    hv = None
    regions: list[tuple[str, int, float, float]] = []
    for line in head:
        key, _, value = line.partition(":")
        if key == "XraySource":
            m = re.search(r"([\d.]+)", value)
            hv = float(m.group(1)) if m else None
        elif key == "SpectralRegDef":
            f = value.split()
            # number, number, name, Z, points, step, start, end, ...
            regions.append((f[2], int(f[4]), float(f[5]), float(f[6])))
    if len(binary) < 16:
        raise DataFormatError(f"{p}: the binary part is missing; the file is truncated.")
    _, n_entries, _, table_at = np.frombuffer(binary[:16], "<i4")
    entries = []
    for k in range(int(n_entries)):
        e = binary[table_at + k * _PHI_ENTRY : table_at + (k + 1) * _PHI_ENTRY]
        if len(e) < _PHI_ENTRY:
            raise DataFormatError(f"{p}: the data table is cut short; the file is truncated.")
        ints = np.frombuffer(e, "<i4")
        unit = e[56:72].split(b"\0")[0].decode("latin-1")
        entries.append((int(ints[5]), int(ints[6]), unit, int(ints[19]), int(ints[20])))

    def block(size: int, offset: int) -> np.ndarray:
        if offset + size > len(binary):
            raise DataFormatError(f"{p}: data ends before byte {offset + size}; truncated file.")
        return np.frombuffer(binary[offset : offset + size], "<f4").astype(float)

    spectral = [e for e in entries if e[2] == "c/s"]
    times = next((e for e in entries if e[2] == "s"), None)
    if len(spectral) != len(regions):
        raise DataFormatError(
            f"{p}: {len(regions)} regions in the header but {len(spectral)} spectra in the data."
        )
    n_cycles = spectral[0][1] if spectral else 0
    t = None
    if times is not None:
        t = block(times[3], times[4]).reshape(len(regions), -1)[0]
    out = []
    for (name, n, step, e0), (npts, ncyc, _, size, offset) in zip(regions, spectral, strict=True):
        if npts != n:
            raise DataFormatError(f"{p}: region {name}: {n} points in the header, {npts} in data.")
        y = block(size, offset).reshape(ncyc, npts)
        be = e0 + step * np.arange(npts)
        for c in range(ncyc):
            out.append(
                XPSSpectrum(
                    be,
                    y[c],
                    name,
                    hv,
                    cycle=c + 1,
                    sputter_time_s=None if t is None or c >= len(t) else float(t[c]),
                    metadata={"region": name, "cycles": n_cycles},
                    source=p,
                )
            )
    out.sort(key=lambda s: (s.cycle, [r[0] for r in regions].index(s.label)))
    return out


# --------------------------------------------------------------------------------------------
# Text and CSV
# --------------------------------------------------------------------------------------------
_BE_HEADERS = ("b.e.", "binding", "be ", "be[", "be(", "be/", "e_bin", "ebin")
_KE_HEADERS = ("k.e.", "kinetic", "ke ", "ke[", "ke(", "ke/", "e_kin", "ekin")
#: A column named as the photon energy (LG4X ``PE/eV``, ``Photon energy [eV]``, ``hv``): the axis
#: of an absorption spectrum (NEXAFS/XAS), which scans the photon energy, not of photoemission.
#: Only a bare name with an optional eV unit counts (LG4X's header field ``PE: 600 eV`` holds a
#: value and is the photon energy of a photoemission spectrum, read by ``_LG4X_PE``).
_PHOTON_AXIS = re.compile(
    r"^\s*(?:pe|photon\s*energy|excitation\s*energy|hv|h\s*nu|h\u03bd)\s*"
    r"(?:[/\[(]\s*ev\s*[\])]?)?\s*$",
    re.IGNORECASE,
)
#: Header settings that name the energy axis: SPECS Prodigy ``Energy Axis: Kinetic Energy``,
#: Scienta ``Energy Scale=Kinetic`` and ``Dimension 1 name=Kinetic Energy [eV]``.
_AXIS_SETTING = re.compile(
    r"^[#%\s]*(?:energy\s+(?:axis|scale)|dimension\s+1\s+name)\s*[:=]\s*(kinetic|binding)",
    re.IGNORECASE | re.MULTILINE,
)
#: A scan range that names the axis: SLRI's CLAM2 EDC export writes ``Kinetic Energy Scan:
#: 290.0000 - 325.0000 eV`` (and ``Kinetic Energy Step``) above a column named ``Energy (eV)``.
_AXIS_SCAN = re.compile(
    r"^[#%\s]*(kinetic|binding)\s+energy\s+(?:scan|range|window|sweep|start|step)\b",
    re.IGNORECASE | re.MULTILINE,
)
#: SPECS Prodigy writes the results of a processing step (``# Operation: Shirley background``,
#: ``# Result Name: Background``, ``Residuum``, fitted components) as tables after the region's
#: data, under the region's name: model curves, not measured spectra.
_OPERATION_RESULT = re.compile(r"^[#%\s]*(?:operation|result\s+name)\s*:\s*(\S[^\n]*?)\s*$", re.I)
#: A table of one scan of a multi-scan export (CLAM2 ``Scan : 1``): labels the spectrum.
_SCAN = re.compile(r"^[#%\s]*scan\s*(?:no\.?|number|#)?\s*[:=]?\s*(\d+)\s*$", re.I | re.M)
#: A number as exports write it; CasaXPS writes settings in exponent form
#: (``Characteristic Energy eV\t1.486610e+003``), which must not be cut at the ``e``.
_NUMBER = r"(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
#: Where a header states the photon energy [eV]: ``hv=180eV`` (lmfitxps), ``Excitation
#: Energy: 1486.61`` (SPECS Prodigy, Scienta), ``Characteristic Energy eV 1486.6`` (CasaXPS;
#: Thermo Avantage's CSV writes ``Characteristic Energy eV,1486.6``, a comma before the value),
#: ``Photon energy: 600``, ``Source Energy``.
_PHOTON_ENERGY = (
    re.compile(rf"\bh\s*(?:v|nu|ν)\s*[:=]?\s*{_NUMBER}", re.IGNORECASE),
    re.compile(
        rf"\b(?:excitation|photon|source|characteristic)\s+energy\s*(?:\[?\s*ev\s*\]?)?"
        rf"\s*[:=\t ,]\s*{_NUMBER}",
        re.IGNORECASE,
    ),
)
#: LG4X writes ``PE: 600 eV`` beside the energy column: the photon energy in LG4X's own exports
#: (its VAMAS converter writes the block's source energy there and its GUI reads it back as
#: "hn"), but LG4X-V2 files carry the pass energy in the same place. It is taken as the photon
#: energy only when it can be one (see :data:`PHOTON_ENERGY_MARGIN_EV`).
_LG4X_PE = re.compile(rf"\bPE:\s*{_NUMBER}\s*eV\b")
#: A photon of energy hv frees electrons of at most hv minus the work function (4-5 eV), but a
#: kinetic scan may run a few eV past that edge into the noise: a stated value is a photon energy
#: only when it lies above the largest kinetic energy less this margin [eV] (and above every
#: binding energy). A pass energy (5-200 eV) fails the test for any core-level scan.
PHOTON_ENERGY_MARGIN_EV = 10.0
_REGION = re.compile(
    r"^[#%\s]*region(?:\s+name)?\s*[:=][ \t]*(\S[^\n]*?)\s*$", re.IGNORECASE | re.MULTILINE
)
_WORK_FUNCTION = re.compile(rf"work\s*function\s*(?:\[?\s*ev\s*\]?)?\s*[:=\t ]\s*{_NUMBER}", re.I)
#: CasaXPS "Export to ASCII" starts a block with ``Cycle 0:Sample:Region`` (or ``Cycle 0:Region``).
_CASA_CYCLE = re.compile(r"^cycle\s+\d+\s*:(?:[^\n]*:)?[ \t]*(\S[^\n:]*?)\s*$", re.I | re.M)
#: ... and its sample, ``Cycle 15:NiO:Survey`` (pynxtools-xps' vms_txt_export.txt holds the
#: regions of two samples, Ni and NiO, under the same region names).
_CASA_SAMPLE = re.compile(r"^cycle\s+\d+\s*:[ \t]*([^\n:]*?)[ \t]*:[^\n:]*$", re.I | re.M)
#: Scienta SES names the axis in its region header: ``Dimension 1 name=Binding Energy [eV]``.
_DIMENSION_NAME = re.compile(r"^[#%\s]*dimension\s+1\s+name\s*=\s*(\S[^\n]*?)\s*$", re.I | re.M)
#: A Scienta SES 2-D region: ``Dimension 2 name=Y-Scale [mm]`` (or an angle) and ``Dimension 2
#: size=N``, written as N intensity columns beside the energy.
_DIMENSION2_NAME = re.compile(r"^[#%\s]*dimension\s+2\s+name\s*=\s*(\S[^\n]*?)\s*$", re.I | re.M)
_DIMENSION2_SIZE = re.compile(r"^[#%\s]*dimension\s+2\s+size\s*=\s*(\d+)\s*$", re.I | re.M)
#: Section headers (Scienta ``[Data 1]``, ``[Info 1]``) name no column.
_SECTION = re.compile(r"^\[[^\]]*\]$")
#: A Scienta SES region of three dimensions (energy, detector slices and a third, e.g. ``Dimension
#: 3 name=Seq. Iteration[a.u.]`` of the "Add Dimension" run mode) writes one ``[Data n:k]``
#: block per value k of the third dimension, each a 2-D table under nothing but that line
#: (minespex' tests/data/scienta3D.txt). The first came out summed over its slices, each later
#: one as a spectrum per slice, all under the region's name.
_SCIENTA_LAYER = re.compile(r"^\[data\s+\d+\s*:\s*(\d+)\s*\]\s*$", re.I | re.M)
_DIMENSION3_NAME = re.compile(r"^[#%\s]*dimension\s+3\s+name\s*=\s*(\S[^\n]*?)\s*$", re.I | re.M)
_DIMENSION3_SCALE = re.compile(r"^[#%\s]*dimension\s+3\s+scale\s*=\s*(\S[^\n]*?)\s*$", re.I | re.M)
#: A column named as the measured intensity. CasaXPS writes it beside its fit curves (components,
#: background, envelope), once in counts and once as a rate (``Counts`` ... ``CPS``). Fitting
#: programs' exports qualify it and join words with underscores (``binding_energy_eV,
#: raw_intensity,background,component:...,total_fit,residual``; ``Raw Data``, ``Measured``,
#: ``Experimental``): such a column was not taken for the data, and the background, every
#: component, the envelope and the residual came back as spectra of their own.
_DATA_COLUMN = re.compile(
    r"^(?:raw|measured|experimental|(?:(?:raw|measured|experimental|exp\.?|original)[\s_.-]*)?"
    r"(?:counts?|cps|c/s|counts?\s*/\s*s|counts?[\s_]+per[\s_]+second|intensity|data|signal)"
    r"(?:[\s_.-]*[(\[]?\s*(?:raw|measured|experimental|exp)\s*[)\]]?)?)"
    r"(?:[\s_]*[\[(]?\s*(?:cps|c/s|counts?/s|a\.?u\.?|arb\.?\s*units?)\s*[\])]?)?$",
    re.I,
)
_RATE_COLUMN = re.compile(r"cps|c/s|/\s*s(?:ec)?\b|per\s+second", re.I)
#: A cell of a units row under the column names (Thermo Avantage: ``Binding Energy (E)`` over
#: ``eV``, an unnamed data column over ``Counts / s``); a row of such cells, one of them an
#: energy, is units, not names.
_UNIT_CELL = re.compile(
    r"^(?:[kmµμ]?ev|counts?(?:\s*/\s*s(?:ec)?)?|cts(?:\s*/\s*s)?|cps|c/s|a\.?\s*u\.?|"
    r"arb\.?\s*units?|%|s)$",
    re.I,
)
_ENERGY_UNIT = re.compile(r"^[kmµμ]?ev$", re.I)
#: An intensity column named after the X-ray anode (``AlKa``, ``Mg Ka``, ``Al K-alpha``): it
#: names the photon energy, not the region.
_SOURCE_COLUMN = re.compile(r"^(al|mg)\s*k\s*[-_]?\s*(?:a|alpha|\u03b1)\s*\d?$", re.I)
#: Photon energy of the anode's K-alpha line [eV] (Al 1486.6, Mg 1253.6; standard values).
_ANODE_EV = {"al": 1486.6, "mg": 1253.6}
#: A column of raw counts (Omicron EIS ``Counts``, SPECS ``ColumnLabels: energy counts``).
_COUNTS_COLUMN = re.compile(
    r"^(?:raw\s+)?(?:counts?|cts)(?:\s*[\[(]\s*(?:counts?|cts)?\s*[\])])?$", re.I
)
#: A header that says what the intensities are: SPECS Prodigy ``Count Rate: Counts per Second``
#: (or ``Counts``).
_COUNT_RATE = re.compile(
    r"^[#%\s]*count\s*rate\s*[:=]\s*(counts?\s*per\s*second|counts?\s*/\s*s|cps|counts?)\s*$",
    re.I | re.M,
)
#: The dwell time per point [s] and the number of scans (sweeps) summed, where a header states
#: them as ``key: value`` (SPECS ``Dwell Time: 0.1``, ``Number of Scans: 5``).
_DWELL = re.compile(
    rf"^[#%\s]*dwell(?:\s*time)?\s*(?:\[\s*s\s*\]|\(\s*s\s*\))?\s*[:=]\s*{_NUMBER}", re.I | re.M
)
_SCANS = re.compile(
    rf"^[#%\s]*(?:number\s+of\s+(?:scans|sweeps)|scans|sweeps)\s*[:=]\s*{_NUMBER}", re.I | re.M
)
_SEPARATE_SCANS = re.compile(r"^[#%\s]*separate\s+scan\s+data\s*[:=]\s*yes", re.I | re.M)
#: PHI MultiPak's ASCII export heads each region's rows with one line of ``key value;`` settings:
#: ``Element Bi 4f; Region 1 of 6; Depth Cycle 1 of 1; Time Per Step 50; Sweeps 8; Anode Mg;
#: Photon Energy 1253.6; XPS;`` (``Element ;`` for a survey). It was taken for the column names,
#: so every region came back labelled ``Region 1 of 6``.
_PHI_REGION = re.compile(r"^element\s+([^;\n]*?)\s*;\s*region\s+\d+\s+of\s+\d+\s*;", re.I | re.M)
#: ... and its technique, the line's last field (``...; XPS;``, ``Element ; Region 1 of 1; ...;
#: AES;`` for an Auger region, as a public lab-control README describes PHI's AES text export).
_PHI_TECHNIQUE = re.compile(
    r"^element\s+([^;\n]*?)\s*;\s*region\s+\d+\s+of\s+\d+\s*;[^\n]*?;\s*([A-Za-z]+)\s*;?\s*$",
    re.I | re.M,
)
#: PHI techniques that are not photoemission: Auger (AES, scanning Auger SAM), ion scattering
#: (ISS), reflection electron energy loss (REELS), secondary ions (SIMS).
_PHI_NOT_PHOTOEMISSION = ("AES", "SAM", "ISS", "LEIS", "REELS", "EELS", "SIMS")
#: SPECS Prodigy's table of an external channel: ``# External Channel Data Cycle: 0, Temp1_Sen
#: [K] (EBH 150)`` over ``# ColumnLabels: energy Temp1_Sen [K] (EBH 150)``.
_EXTERNAL_CHANNEL = re.compile(
    r"^[#%\s]*external\s+channel\s+data\s+cycle\s*:\s*\d+\s*,\s*([^\n]*?)\s*$", re.I | re.M
)
#: ... its sputter cycle in a depth profile (``Depth Cycle 3 of 10``) ...
_PHI_DEPTH_CYCLE = re.compile(
    r"^element\s[^\n]*;\s*depth\s+cycle\s+(\d+)\s+of\s+(\d+)\s*;", re.I | re.M
)
#: ... and its timing: the time per energy step (PHI states it in ms) and the sweeps summed.
_PHI_TIMING = re.compile(
    rf"^element\s[^\n]*;\s*time\s+per\s+step\s+{_NUMBER}\s*;\s*sweeps\s+{_NUMBER}\s*;",
    re.I | re.M,
)
#: Column names of a tabular settings header (Omicron EIS: a row of names, ``... Sweeps Dwell
#: ... Sweeps-Acquired``, over a row of values).
_DWELL_KEYS = ("dwell", "dwell time", "dwell [s]", "dwell (s)")
_SCANS_KEYS = ("sweeps-acquired", "sweeps acquired", "sweeps", "scans", "number of scans")
_COLUMN_LABELS = re.compile(r"^columnlabels\s*:\s*(.*)$", re.IGNORECASE)
#: The number of points a SPECS Prodigy region's curve holds (``# Values/Curve: 56``), stated
#: above its table: a table of fewer rows was cut short (an export stopped or edited).
_VALUES_PER_CURVE = re.compile(r"^[#%\s]*values\s*/\s*curve\s*[:=]\s*(\d+)\s*$", re.I | re.M)
#: PHI spectra converted by NIMS' Multipak Exporter (MPExport.exe; nims-dpfc/M-DaC_XPS, MIT):
#: ``Key:value`` settings, then for each region this legend and its seven values one a line
#: (``#3 Cu foil``, ``1``, ``Survey``, ``1``, ``Binding Energy(eV),reverse``, ``Intensity(cps)``,
#: ``2801``) over the rows. The axis and intensity names stand on lines of their own, and the
#: region's name (AtomicName) above the Area No.
_MPEXPORT_LEGEND = re.compile(
    r"^//\s*area\s+comment\s*,\s*regionno\s*,\s*atomicname\s*,\s*area\s+no\s*,"
    r"\s*xlabel\s*,\s*ylabel\s*,\s*datacount\s*$",
    re.I | re.M,
)
_SETTING = re.compile(r"^[^:=]*[A-Za-z][^:=]*[:=]")
_CONFLICT = re.compile(r"^(?:<{7} |>{7} |={7}$)")
#: A detector-channel column set is recognised when one column equals the sum of all the others
#: within this fraction of its largest value (exports round each channel to whole counts).
CHANNEL_SUM_RTOL = 2e-3
#: ... and when at least two of the others each reach this fraction of it, none reaching all
#: but this fraction (detector channels share the signal).
CHANNEL_SUM_SHARE = 0.01
ENERGY_AXES = ("binding", "kinetic")


def _split(line: str) -> list[str]:
    return [s for s in re.split(r"[,;\t]|\s{2,}|(?<=\d)\s(?=[-+\d.])", line.strip()) if s]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _column_names(header: list[str]) -> list[str]:
    """The column names of a table from the header lines just above it (last one first).

    SPECS Prodigy ends its header with ``#`` and names the columns earlier
    (``# ColumnLabels: energy counts/s``); settings (``key: value``), empty comment lines and
    numeric comments (lmfitxps' ``#84 95.9984 0.04095 9``) are passed over.
    """
    for i in range(len(header) - 1, -1, -1):
        line = header[i]
        text = line.strip().lstrip("#%").strip()
        if not text or all(_is_number(t) for t in text.split()) or _SECTION.match(text):
            continue
        m = _COLUMN_LABELS.match(text)
        if m:
            return m.group(1).split()
        if _PHI_REGION.match(text):
            continue  # PHI MultiPak's region settings, not names
        fields = [s.strip() for s in re.split(r"[,;\t]", text) if s.strip()]
        if _SETTING.match(fields[0]) and (
            "=" in fields[0]
            or all(map(_SETTING.match, fields))
            or all(_is_number(f) for f in fields[1:])
        ):
            # settings, e.g. "Pass Energy: 20", "Cycle: 0, Curve: 0", Scienta's
            # "File=Z:\\data\\Ag_0001.txt,.pxt,.ibw" (a key=value line whose value has commas),
            # or CLAM2's "Scan : <TAB>1" between the column names and each scan's rows
            continue
        cells = fields if len(fields) > 1 else text.split()
        if all(_UNIT_CELL.match(c) for c in cells) and any(map(_ENERGY_UNIT.match, cells)):
            return _names_over_units(header[:i], line) or fields
        return fields
    return []


def _region_suffix(names: list[str]) -> tuple[list[str], str | None]:
    """Column names without the region name Thermo Avantage appends to each of them, and that
    region name; ``(names, None)`` when the names share no such suffix.

    Avantage's CSV export of a fitted region names every column ``<quantity>_<region>``
    (theoechem/article_MAHE_2024_IL_pitfalls' data/xps_raw: ``BE_Na 1s 8``, ``CPS_Na 1s 8``,
    ``Na 1s_1_Na 1s 8``, ``Background_Na 1s 8``, ``Envelope_Na 1s 8``). Read as they stand, the
    axis went unrecognised (binding energy assumed, with a note) and the peak, background and
    envelope columns came back as spectra of their own, each fitted and quantified. The suffix
    is the longest ``_...`` ending of the first name that every named column shares, and it is
    taken only when, without it, one column names an energy axis and one the measured data
    (``BE`` and ``CPS``), so that a name such as ``E_kin`` is never cut.
    """
    named = [n.strip() for n in names if n.strip()]
    if len(named) < 2:
        return names, None
    for i, char in enumerate(named[0]):
        if char != "_":
            continue
        suffix = named[0][i:]
        if len(suffix) < 2 or not all(len(n) > len(suffix) and n.endswith(suffix) for n in named):
            continue
        short = [n.strip()[: -len(suffix)].strip() if n.strip() else n for n in names]
        lowered = [n.lower() + " " for n in short]
        axis = any(h in n for n in lowered for h in _BE_HEADERS + _KE_HEADERS)
        if axis and any(_DATA_COLUMN.match(n) for n in short):
            return short, suffix[1:].strip() or None
        return names, None
    return names, None


def _names_over_units(above: list[str], units: str) -> list[str]:
    """Column names from a header of two rows, names over units (Thermo Avantage exports, saved
    as CSV: ``Binding Energy (E),,,,Backgnd.`` over ``eV,,Counts / s,,Counts / s``, the data
    column unnamed). The cells are paired by position, empty cells included, and a column empty
    in both rows (a spacer) is dropped, as the rows' empty cells are; ``[]`` when no line of
    names stands above or the two rows do not pair up."""
    names = next((n for n in reversed(above) if n.strip().lstrip("#%").strip()), None)
    if names is None or _SETTING.match(names.strip().lstrip("#%").strip()):
        return []  # no names above, or a "key: value" setting line
    cells = [
        [c.strip() for c in re.split(r"[,;\t]", row.strip().lstrip("#%"))] for row in (names, units)
    ]
    if len(cells[1]) < 2:
        # white-space separated: no empty cells to pair by, so only rows of as many words
        cells = [row.strip().lstrip("#%").split() for row in (names, units)]
        if len(cells[0]) != len(cells[1]):
            return []
    cells[0] += [""] * (len(cells[1]) - len(cells[0]))
    merged = []
    for name, unit in zip(cells[0], cells[1], strict=False):
        if name and unit:
            merged.append(f"{name} [{unit}]")
        elif name or unit:
            merged.append(name or unit)
    return merged


def _last(patterns: tuple[re.Pattern[str], ...], *texts: str) -> str | None:
    """The last match of any pattern in the first text that has one (the block's own header
    before the lines above it)."""
    for text in texts:
        found = [(m.start(), m.group(1)) for pat in patterns for m in pat.finditer(text)]
        if found:
            return max(found)[1]
    return None


def _blocks(lines: list[str]) -> list[tuple[int, list[str], list[list[float]]]]:
    """(first line number, header lines, numeric rows) of every table of a text file: a
    SPECS Prodigy export holds one table per region (and per scan), each after its own comment
    block, so a non-numeric line after a table starts the next one."""
    out: list[tuple[int, list[str], list[list[float]]]] = []
    header: list[str] = []
    rows: list[list[float]] = []
    start = 1
    for n, line in enumerate(lines, 1):
        parts = _split(line)
        if not parts:
            continue  # blank line (between a header block and the table)
        try:
            values = [float(s) for s in parts]
        except ValueError:
            if rows:
                out.append((start, header, rows))
                header, rows = [], []
            header.append(line)
            continue
        if len(values) >= 2 and len(rows) == 1 and len(rows[0]) == 1 and rows[0][0] >= 1:
            if float(rows[0][0]).is_integer():
                # a whole number alone on the line above the rows is their point count (NIMS'
                # Multipak Exporter writes "DataCount" there): it heads the table, it is not a
                # row of it (the table had a first row of one number and was refused)
                header.append(lines[start - 1])
                rows = []
        if not rows:
            start = n
        rows.append(values)
    if rows:
        out.append((start, header, rows))
    return out


def read_xps_text(
    path: str | os.PathLike[str],
    photon_energy_eV: float | None = None,
    energy_axis: str | None = None,
) -> list[XPSSpectrum]:
    """Read a text/CSV export with an energy column and one or more intensity columns.

    Every table of the file is read (a SPECS Prodigy ``.xy`` holds one per region, named by its
    ``# Region:`` line). In each, the first column whose header names a binding or kinetic
    energy is the axis (``B.E.``, ``BE/eV``, ``Binding``, ``K.E.``, ``KE/eV``, ``Kinetic``,
    ``E_kin``); else a header setting names it (``Energy Axis: Kinetic Energy``, ``Energy
    Scale=Kinetic``) and the first column is the axis; else the first column is taken as binding
    energy, which the spectrum's ``metadata["notes"]`` says. Every other numeric column is a
    spectrum (CasaXPS exports the components and envelope beside the data: those come back too,
    labelled by header); unnamed columns are labelled by the file name and column number, and
    detector channels beside their sum are replaced by the sum.

    A kinetic axis becomes binding energy as ``BE = hv - KE`` (no work function subtracted, as
    for VAMAS files; the charge correction to C 1s absorbs a constant offset) with
    ``photon_energy_eV`` or, failing that, the photon energy the header states (``hv=``,
    ``Excitation Energy``, CasaXPS' ``Characteristic Energy``, LG4X's ``PE: ... eV`` when it
    can be a photon energy).

    Parameters
    ----------
    path : str or os.PathLike
        The text file.
    photon_energy_eV : float, optional
        Photon energy [eV] (1486.6 for Al K-alpha); None to take it from the header.
    energy_axis : {"binding", "kinetic"}, optional
        What the energy column is, overriding the header (for a file that does not say).

    Returns
    -------
    list of XPSSpectrum
        One spectrum per intensity column of every table, binding energy in eV; ``metadata``
        holds ``notes`` on what was assumed or converted.

    Raises
    ------
    DataFormatError
        No table, rows of one number, or a kinetic axis without a photon energy.
    """
    p = Path(path)
    if energy_axis is not None:
        energy_axis = check_choice("energy axis", energy_axis, ENERGY_AXES)
    return _spectra_of_lines(
        p, _text_of(p.read_bytes()).splitlines(), photon_energy_eV, energy_axis
    )


def _spectra_of_lines(
    p: Path, lines: list[str], photon_energy_eV: float | None, energy_axis: str | None
) -> list[XPSSpectrum]:
    """:func:`read_xps_text` of the lines of a text file (or of a workbook's sheet)."""
    from solidna.analysis.io._table import decimal_comma_rows_to_points

    # a table re-saved with decimal commas (84,0016;9616,0): the splitter takes commas for
    # delimiters too
    lines = decimal_comma_rows_to_points(lines)
    blocks = _blocks(lines)
    if not blocks:
        raise DataFormatError(f"{p}: no numeric rows; the file is empty or not a spectrum table.")
    file_notes = []
    conflict = [n for n, line in enumerate(lines, 1) if _CONFLICT.match(line.rstrip())]
    if any(lines[n - 1].startswith(("<<<<<<< ", ">>>>>>> ")) for n in conflict):
        file_notes.append(
            f"the file holds git merge-conflict markers (lines {', '.join(map(str, conflict))}): "
            "its tables may be two versions of the same data"
        )
    # a spectrum has at least 3 points of energy and intensity; shorter numeric runs (a
    # footer's numbers) are set aside with a note
    is_table = [len(r) >= 3 and min(map(len, r)) >= 2 for _, _, r in blocks]
    if not any(is_table):
        singles = sum(len(r) == 1 for _, _, rows in blocks for r in rows)
        if max(len(r) for _, _, rows in blocks for r in rows) < 2 or singles >= 3:
            # e.g. Omicron Presenter SPECTRA: a line "start end step scans dwell points PE",
            # then one count per line; the axis would be rebuilt from an unlabelled header
            raise DataFormatError(
                f"{p}: {singles} rows hold one number each (a list of intensities whose energy "
                "axis is only in a header line); solidna needs energy and intensity columns. "
                "Export the spectrum as two columns (energy, intensity) with the axis named "
                "(e.g. 'Binding Energy [eV]')."
            )
        raise DataFormatError(f"{p}: no table of at least 3 rows; the file is not a spectrum.")
    out: list[XPSSpectrum] = []
    mpexport_file = any(_MPEXPORT_LEGEND.match(line.strip()) for line in lines)
    above: list[str] = []  # the header lines of the tables before (settings carry over)
    named: list[str] = []  # the column names of the last table that had some
    for (start, header, rows), table in zip(blocks, is_table, strict=True):
        result = [m[1] for line in header if (m := _OPERATION_RESULT.match(line))]
        if table and result:
            file_notes.append(
                f"the table from line {start} ({' / '.join(result)}) is the exporting program's "
                "processing result, not a measured spectrum: set aside"
            )
        elif table:
            # a scan of a multi-scan export repeats the table under the first one's names
            # (CLAM2: "Scan : 2" is all that stands above the second scan's rows)
            own = _column_names(header)
            inherited = named if not own and len(named) == min(map(len, rows)) else []
            named = own or named
            aside = _not_a_spectrum(own or inherited, header, above)
            if aside:
                file_notes.append(f"the table from line {start} {aside}: set aside")
            else:
                out += _text_table(
                    p, start, header, above, rows, photon_energy_eV, energy_axis, inherited
                )
        elif not (mpexport_file and len(rows) == 1 and len(rows[0]) == 1):
            # (a Multipak Exporter record's RegionNo and Area No are numbers alone on a line)
            file_notes.append(f"{len(rows)} numeric row(s) from line {start} are not a spectrum")
        above += header
    if not out:
        raise DataFormatError(
            f"{p}: no table of the file is a measured energy spectrum ("
            + "; ".join(file_notes)
            + "). Export the regions' spectra (energy and intensity columns)."
        )
    out = _sum_detector_channels(out)
    for s in out:
        s.metadata["notes"] = file_notes + s.metadata["notes"]
    return out


#: SPECS Prodigy's "Separate Channel Data: yes" writes each detector channel of a scan as its own
#: table (``# Cycle: 0, Curve: 0, Scan: 0, Channel: 3``), all on the region's nominal energies.
_CHANNEL = re.compile(r"^[#%\s]*cycle\s*:\s*\d+\s*,.*\bchannel\s*:\s*(\d+)\s*$", re.I | re.M)
#: A first column that counts points or time, not energy: SPECS Prodigy writes ``ColumnLabels:
#: index counts/s`` for a region of scan mode ``FixedEnergies`` (an alignment or a snapshot at a
#: fixed analyser energy: a time series), which was read as 0 ... 2999 eV of "binding energy".
_NOT_ENERGY_AXIS = re.compile(r"^(?:index|point(?:s|\s*no\.?)?|time|scan\s*mode)$", re.I)
#: Prodigy's scan mode of such a region.
_FIXED_ENERGIES = re.compile(r"^[#%\s]*scan\s+mode\s*:\s*fixedenergies\s*$", re.I | re.M)


def _tabular_row(lines: list[str], first: str) -> dict[str, str] | None:
    """The nearest (last) row of a settings table whose first name is ``first``, as ``{name:
    value}`` (names lower-cased): Omicron EIS writes a row of names, ``Region Enabled DataFlag
    Start End Step Sweeps Dwell ... Notes ...``, over each region's values, and ``Layer Enabled
    DataFlag Notes Formula ...`` over each layer's."""
    if not re.search(rf"(?im)^{re.escape(first)}\t", "\n".join(lines)):
        return None  # the usual case, found at C speed (a Prodigy file has 10^5 header lines)
    for i in range(len(lines) - 2, -1, -1):
        if not lines[i][: len(first)].lower() == first:
            continue
        names = [c.strip().lower() for c in lines[i].split("\t")]
        values = [c.strip() for c in lines[i + 1].split("\t")]
        if len(names) >= 2 and names[0] == first and len(values) >= 2 and _is_number(values[0]):
            # EIS drops the empty cells at the end of a row ("2<TAB>False<TAB><TAB>0)")
            values += [""] * (len(names) - len(values))
            return dict(zip(names, values, strict=False))
    return None


def _not_a_spectrum(names: list[str], header: list[str], above: list[str]) -> str | None:
    """Why a table of a text file is not a measured energy spectrum (the note's text), or None.

    An Omicron EIS layer switched off (``Layer ... Enabled False``: EIS writes its energies with
    zeros) and a region flagged ``Empty`` (defined, never acquired: zeros) were read as spectra
    beside the real ones (gxps skips them too); a Prodigy table whose first column is an index
    or a time, not an energy, was read as a spectrum from 0 eV up.
    """
    phi = _PHI_TECHNIQUE.search("\n".join(header))
    if phi is not None and phi[2].upper() in _PHI_NOT_PHOTOEMISSION:
        # PHI MultiPak writes an Auger region as it writes an XPS one, the technique last on the
        # region's line; the kinetic energies were read as binding energies and the Auger
        # spectrum analysed as a photoemission survey
        return (
            f"(PHI MultiPak region {_identifier(phi[1]) or 'survey'}, technique {phi[2]}) is "
            "not a photoemission spectrum (an Auger or scattering spectrum on a kinetic-energy "
            "axis); solidna's XPS analysis reads XPS and UPS regions"
        )
    external = _EXTERNAL_CHANNEL.search("\n".join(header))
    if external:
        # SPECS Prodigy "External Channel Data: yes" writes a sensor logged during the scan (a
        # temperature in K, a pressure) as a table against the same energies; it was read as a
        # second spectrum of the region, its kelvins taken for counts per second
        return f"(external channel {external[1].strip()!r}) is a sensor recorded beside the scan"
    layer = _tabular_row(header, "layer")
    if layer is not None and layer.get("enabled", "").lower() == "false":
        return f"(Omicron EIS layer {layer['layer']}) is a layer switched off (Enabled False)"
    region = _tabular_row(above + header, "region")
    if region is not None and region.get("dataflag", "").lower() == "empty":
        return (
            f"(Omicron EIS region {region['region']}, {region.get('notes') or 'unnamed'}) is "
            "flagged Empty: defined but not acquired"
        )
    first = names[0].strip() if names else ""
    named_energy = any(any(h in n.lower() + " " for h in _BE_HEADERS + _KE_HEADERS) for n in names)
    if first and _NOT_ENERGY_AXIS.match(first) and not named_energy:
        why = (
            " (scan mode FixedEnergies: the analyser held at one energy, a time series)"
            if _FIXED_ENERGIES.search("\n".join(header)) or _FIXED_ENERGIES.search("\n".join(above))
            else ""
        )
        return f"counts against {first!r}, not an energy{why}"
    return None


def _sum_detector_channels(spectra: list[XPSSpectrum]) -> list[XPSSpectrum]:
    """Spectra with the detector channels of each scan summed into one (SPECS Prodigy's
    "Separate Channel Data: yes"): before, each channel came back as a spectrum of its own, and
    a 24-channel survey became 24 surveys of a 24th of the signal each."""
    out: list[XPSSpectrum] = []
    group: list[XPSSpectrum] = []

    def flush() -> None:
        if not group:
            return
        first = group[0]
        if len(group) == 1:
            out.append(first)
        else:
            meta = dict(first.metadata)
            meta.pop("detector channel", None)
            meta["detector channels"] = len(group)
            meta["notes"] = list(first.metadata.get("notes", [])) + [
                f"the file gives each of the {len(group)} detector channels of the scan as its "
                "own table (Separate Channel Data): their intensities are summed into the "
                "scan's spectrum, as the acquisition program sums them"
            ]
            out.append(
                XPSSpectrum(
                    first.binding_energy_eV,
                    np.sum([s.intensity_cps for s in group], axis=0),
                    first.label,
                    first.photon_energy_eV,
                    first.cycle,
                    first.sputter_time_s,
                    meta,
                    first.source,
                )
            )
        group.clear()

    for s in spectra:
        channel = s.metadata.get("detector channel")
        if channel is None:
            flush()
            out.append(s)
            continue
        if group and not (
            channel == group[-1].metadata["detector channel"] + 1
            and s.label == group[0].label
            and s.binding_energy_eV.shape == group[0].binding_energy_eV.shape
            and np.allclose(s.binding_energy_eV, group[0].binding_energy_eV)
            and s.intensity_unit == group[0].intensity_unit
        ):
            flush()
        group.append(s)
    flush()
    return out


def _refuse_non_energy_axis(p: Path, name: str, energy_axis: str | None) -> None:
    """Refuse a first column the energy axis was to be assumed for when its name states a unit
    that is not an energy: an impedance table (``Frequency [Hz], Z_re [Ohm], ...``) given as XPS
    was read as a survey, with Z_re and Z_im as its "counts"."""
    # the cyclers' reader splits names the same way ("Frequency [Hz]", "Z_re (Ohm)", "t/s")
    from solidna.analysis.io._table import split_header

    unit = split_header(name or "")[1]
    if energy_axis is not None or unit is None:
        return
    if _ENERGY_UNIT.match(unit) or unit.lower() in ("j", "kj"):
        return
    raise DataFormatError(
        f"{p}: no column names an energy axis, and the first, {name!r}, is in {unit!r}, not an "
        "energy: this is not an XPS spectrum (is it another kind of measurement? choose its "
        "--kind). If it is one, name the energy column 'Binding energy [eV]' or 'Kinetic "
        "energy [eV]' (or pass energy_axis= in Python)."
    )


def _text_table(
    p: Path,
    start: int,
    header: list[str],
    above: list[str],
    rows: list[list[float]],
    photon_energy_eV: float | None,
    energy_axis: str | None,
    inherited: list[str] | None = None,
) -> list[XPSSpectrum]:
    """The spectra of one table of a text file (see :func:`read_xps_text`); ``inherited``
    names the columns of a table whose own header names none (a later scan)."""
    notes: list[str] = []
    width = min(len(r) for r in rows)
    table = np.array([r[:width] for r in rows])
    own, before = "\n".join(header), "\n".join(above)
    names = _column_names(header) or list(inherited or [])
    count = header[-1].strip() if header else ""
    mpexport = _MPEXPORT_LEGEND.search(before) is not None and len(header) >= 3 and count.isdigit()
    if mpexport:
        # XLabel ("Binding Energy(eV),reverse": the axis is drawn reversed) and YLabel, each on
        # a line of its own above the DataCount
        names = [header[-3].split(",")[0].strip(), header[-2].strip()]
    names = names + [""] * (width - len(names))
    # Thermo Avantage: "BE_Na 1s 8, CPS_Na 1s 8, Na 1s_1_Na 1s 8, Background_Na 1s 8, ...":
    # the quantities are what precedes the region's name
    names, suffix_region = _region_suffix(names)
    lowered = [n.lower() + " " for n in names[:width]]
    is_be = [any(h in n for h in _BE_HEADERS) for n in lowered]
    is_ke = [any(h in n for h in _KE_HEADERS) for n in lowered]
    setting = _last((_AXIS_SETTING, _AXIS_SCAN), own, before)
    photon = [n for n in names[:width] if _PHOTON_AXIS.match(n)]
    if photon and not any(is_be) and not any(is_ke) and energy_axis is None:
        raise DataFormatError(
            f"{p}: its energy column {photon[0]!r} is a photon energy: an absorption spectrum "
            "(NEXAFS/XAS, e.g. a carbon K edge), not photoemission. XPS analysis needs binding "
            "or kinetic energies. If the column does hold binding energies, name it "
            "'Binding energy [eV]' (or pass energy_axis='binding' in Python)."
        )
    # a binding-energy column wins (CasaXPS writes K.E. and B.E. side by side)
    if any(is_be):
        axis, kinetic = is_be.index(True), False
    elif any(is_ke):
        axis, kinetic = is_ke.index(True), True
    elif setting:
        axis, kinetic = 0, setting.lower() == "kinetic"
    else:
        axis, kinetic = 0, energy_axis == "kinetic"
        _refuse_non_energy_axis(p, names[axis], energy_axis)
        if energy_axis is None:
            notes.append(
                "no header names the energy axis: column 1 taken as binding energy [eV] "
                "(assumed). If it is kinetic energy, name the column 'Kinetic energy [eV]' (or "
                "pass energy_axis='kinetic' in Python)"
            )
    if energy_axis is not None and kinetic != (energy_axis == "kinetic"):
        notes.append(
            f"energy axis taken as {energy_axis} energy, as asked (the file says otherwise)"
        )
        kinetic = energy_axis == "kinetic"
    stated_points, stated_by = _last((_VALUES_PER_CURVE,), own, before), "'Values/Curve'"
    if stated_points is None and mpexport:
        # the record's DataCount (elsewhere a lone whole number above the rows heads the table
        # but is not taken for a count: it could be a sample number or a year)
        stated_points, stated_by = count, f"the DataCount {count} above the rows"
    if stated_points is not None and len(table) < int(stated_points):
        # the spectrum is read as it stands, but a fit or a quantification of a region that
        # lost its end must not pass for one of the whole region
        notes.append(
            f"the header states {stated_points} points per curve ({stated_by}); the table "
            f"from line {start} holds {len(table)}: the region is cut short (an incomplete or "
            "edited export). Export the region again for its full energy range"
        )
    x = table[:, axis]
    axis_name = names[axis] or _last((_DIMENSION_NAME,), own, before) or f"column {axis + 1}"
    stated = _last(_PHOTON_ENERGY, own, before)
    hv_file = float(stated) if stated else None
    source = "stated in the file"
    lg4x = _last((_LG4X_PE,), own, before)
    if hv_file is None and lg4x is not None:
        value = float(lg4x)
        # a photon energy must exceed every binding energy and (nearly) every kinetic energy
        if value > (x.max() - PHOTON_ENERGY_MARGIN_EV if kinetic else x.max()):
            hv_file, source = value, f"LG4X's 'PE: {lg4x} eV'"
    named_source = next((n for n in names[:width] if _SOURCE_COLUMN.match(n)), None)
    if hv_file is None and named_source is not None:
        # the intensity column named after the anode (Ctrl+Q/LG4X "BE/eV<TAB>AlKa")
        hv_file = _ANODE_EV[_SOURCE_COLUMN.match(named_source).group(1).lower()]
        source = f"the column name {named_source!r}"
    hv = photon_energy_eV if photon_energy_eV is not None else hv_file
    if photon_energy_eV is not None and hv_file is not None and hv_file != photon_energy_eV:
        notes.append(
            f"photon energy {photon_energy_eV:g} eV as given; the file states {hv_file:g} eV"
        )
    if not kinetic and photon_energy_eV is not None:
        # a binding-energy axis needs no photon energy: say so rather than take it silently
        notes.append(
            f"photon energy {photon_energy_eV:g} eV given, not used: the energy axis "
            f"{axis_name!r} is binding energy (the photon energy converts a kinetic axis)"
        )
    if kinetic:
        if hv is None:
            raise DataFormatError(
                f"{p}: the energy axis ({axis_name!r}) is kinetic and the file states no photon "
                "energy; give it: --photon-energy '1486.6 eV' on the command line (Al K-alpha; "
                "Mg K-alpha 1253.6 eV), or photon_energy_eV=1486.6 in Python."
            )
        given = "as given" if photon_energy_eV is not None else source
        wf = _last((_WORK_FUNCTION,), own, before)
        notes.append(
            f"the energy axis {axis_name!r} is kinetic: binding energy = {hv:g} eV (photon energy, "
            f"{given}) - kinetic energy"
            + (
                f"; the file's work function ({wf} eV) is not subtracted, as for VAMAS files "
                "(the charge correction absorbs a constant offset)"
                if wf
                else ""
            )
        )
        x = hv - x
    region = _last((_REGION, _CASA_CYCLE), own, before) or suffix_region
    if region is None and mpexport and above and _identifier(above[-1]):
        region = _identifier(above[-1])  # the record's AtomicName ("Survey", "C1s")
    phi = _PHI_REGION.search(own)
    if region is None and phi is not None:
        # PHI MultiPak: "Element Bi 4f; Region 1 of 6; ..." names the region's core level
        region = _identifier(phi[1]) or "Survey"
    depth = _PHI_DEPTH_CYCLE.search(own) if phi is not None else None
    # a depth profile writes every region once per sputter cycle under the same element: the
    # cycle tells them apart, as for a PHI .pro
    cycle = int(depth[1]) if depth is not None and int(depth[2]) > 1 else None
    eis = _tabular_row(above + header, "region")
    if region is None and eis is not None and _identifier(eis.get("notes", "")):
        # Omicron EIS names a region in its "Notes" cell ("C1s", "survey"); before, every
        # region of the file was labelled by the file's name
        region = _identifier(eis["notes"])
    columns = [k for k in range(width) if k != axis and not is_be[k] and not is_ke[k]]
    columns, model_note = _data_columns(columns, names, axis)
    if model_note:
        notes.append(model_note)
    columns, channel_note = _channel_sum(table, columns, names)
    if channel_note:
        notes.append(channel_note)
    slices = _last((_DIMENSION2_SIZE,), own)  # the [Region n] block stands above [Data n]
    layer = _last((_SCIENTA_LAYER,), own)
    layer_label = None
    if layer is not None:
        # a [Data n:k] block of a 3-D region: the region's header stands above its first block
        slices = _last((_DIMENSION2_SIZE,), own, before)
        dim3 = _last((_DIMENSION3_NAME,), own, before) or "dimension 3"
        scale = (_last((_DIMENSION3_SCALE,), own, before) or "").split()
        k3 = int(layer)
        value = scale[k3 - 1] if 0 < k3 <= len(scale) else str(k3)
        layer_label = f"{dim3} {value}"
        notes.append(
            f"block {k3} of a 3-D region ({dim3!r}, Scienta 'Dimension 3'): read as a spectrum "
            f"of its own, {layer_label}"
        )
    if slices is not None and int(slices) > 1 and len(columns) == int(slices):
        # Scienta SES writes a 2-D region (energy x detector slices or angles) as one column
        # per slice; each came back as a spectrum of its own. XPS integrates over the slices.
        region_header = (own, before) if layer is not None else (own,)
        dim2 = _last((_DIMENSION2_NAME,), *region_header) or "dimension 2"
        table = np.column_stack([table, table[:, columns].sum(axis=1)])
        names = names + [""]
        notes.append(
            f"the region is a 2-D image of {slices} slices along {dim2!r} (Scienta 'Dimension "
            "2'): the slices are summed into one spectrum, integrated over the detector"
        )
        columns = [table.shape[1] - 1]
    meta = {
        "header": "\n".join(above + header),
        "energy axis": axis_name,
        "table starts at line": start,
        "notes": notes,
    }
    if kinetic:
        # BE = hv - KE without the spectrometer's work function: the Fermi level lies a few eV
        # above 0 on this axis (surface_pipeline's valence-band rule needs to know)
        meta["converted from kinetic energy"] = True
    if region:
        meta["region"] = region
    sample = _last((_CASA_SAMPLE,), own)  # "Cycle n:Sample:Region" heads its block
    if sample and _identifier(sample):
        meta["sample"] = _identifier(sample)
    scan = _last((_SCAN,), own)
    if scan is not None:
        meta["scan"] = int(scan)
    channel = _last((_CHANNEL,), own)
    if channel is not None:
        meta["detector channel"] = int(channel)
    scales = {k: _intensity_scale(names[k] or f"column {k + 1}", header, above) for k in columns}
    unstated = [names[k] or f"column {k + 1}" for k in columns if scales[k][2] is None]
    if unstated:
        shown = ", ".join(repr(c) for c in unstated)
        notes.append(
            f"the file does not say whether {shown} hold{'s' if len(unstated) == 1 else ''} "
            "counts or counts per second: taken as counts per second (assumed)"
        )
    out = []
    for k in columns:
        # "CPS" or "Counts" names the quantity, not the region: such a column is labelled as
        # an unnamed one (by the region or the file)
        named = (
            names[k]
            and not _SETTING.match(names[k])
            and not _DATA_COLUMN.match(names[k])
            and not _SOURCE_COLUMN.match(names[k])
        )
        if region:
            label = region if len(columns) == 1 or not named else f"{region} {names[k]}"
        elif named:
            label = names[k]
        else:
            label = p.stem if len(columns) == 1 else f"{p.stem} column {k + 1}"
        if scan is not None:
            label = f"{label} scan {scan}"
        if layer_label:
            label = f"{label} ({layer_label})"
        column = names[k] or f"column {k + 1}"
        divisor, unit, unit_note = scales[k]
        out.append(
            XPSSpectrum(
                x,
                table[:, k] / divisor,
                label,
                hv,
                cycle=cycle,
                metadata=dict(
                    meta,
                    intensity=column,
                    notes=notes + ([unit_note] if unit_note else []),
                    **{"intensity unit": unit},
                    # raw counts turned into a rate: the counts per unit of it (dwell x scans),
                    # which let a fit be judged under counting noise (XPSFit.quality_)
                    **({"counts per unit [s]": divisor} if divisor != 1.0 else {}),
                ),
                source=p,
            )
        )
    return out


def _tabular_setting(lines: list[str], keys: tuple[str, ...]) -> float | None:
    """A value from a settings table: a row of names over a row of values, tab-separated
    (Omicron EIS ``Region ... Sweeps Dwell ... Sweeps-Acquired``), from the nearest (last)
    such row; ``keys`` in order of preference."""
    # the nearest row first: EIS writes one row per region, and the first region's sweeps
    # were taken for every region (a 30-sweep region came out 30 times too intense)
    for i in range(len(lines) - 2, -1, -1):
        names = [c.strip().lower() for c in lines[i].split("\t")]
        values = lines[i + 1].split("\t")
        if len(names) < 2 or len(values) != len(names):
            continue
        for key in keys:
            if key in names and _is_number(values[names.index(key)].strip()):
                return float(values[names.index(key)])
    return None


def _intensity_scale(
    column: str, header: list[str], above: list[str]
) -> tuple[float, str, str | None]:
    """What a text column's intensities are: (divisor to counts per second, unit, note).

    A column named as a rate (``CPS``, ``counts/s``) or a header saying so (SPECS ``Count Rate:
    Counts per Second``) is a rate (note ``""``). Raw counts (``Counts``, SPECS ``Count Rate:
    Counts``) become counts per second with the dwell time and the number of scans the file
    states (as CasaXPS does for VAMAS counts); without both they stay counts, labelled so. A
    column that says neither is taken as counts per second; its note is None, and the caller
    says so once for the table.
    """
    own, before = "\n".join(header), "\n".join(above)
    stated = _last((_COUNT_RATE,), own, before)
    stated_rate = stated is not None and bool(re.search(r"per|/|cps", stated, re.I))
    if _RATE_COLUMN.search(column) or (stated_rate and not _COUNTS_COLUMN.match(column)):
        return 1.0, "counts.s-1", ""
    phi = _PHI_TIMING.search(own)
    if phi is not None and not _RATE_COLUMN.search(column) and stated is None:
        # PHI MultiPak's ASCII export writes the counts summed over the sweeps, whole numbers
        # (a region of 8 sweeps of 50 ms holds ~580 counts a point scattering by ~30, the
        # counting noise of summed counts; a rate would scatter by ~38, an average per sweep by
        # ~9): taken as counts, turned into a rate with the time per step in ms, PHI's unit.
        # Before, they were taken as a rate, so regions of different sweeps (Na 1s of 16 beside
        # Bi 4f of 8) were compared in different units.
        step_ms, sweeps = float(phi[1]), float(phi[2])
        if step_ms > 0 and sweeps > 0:
            divisor = step_ms * 1e-3 * sweeps
            return (
                divisor,
                "counts.s-1",
                (
                    f"PHI MultiPak export: {column!r} taken as the counts summed over the "
                    f"{sweeps:g} sweeps of {step_ms:g} ms per step the region line states "
                    f"('Time Per Step' in ms, PHI's unit; assumed, the export names no unit): "
                    f"divided by {divisor:g} s to counts per second"
                ),
            )
    if not (_COUNTS_COLUMN.match(column.strip()) or stated is not None):
        return 1.0, "counts.s-1", None
    dwell = _last((_DWELL,), own, before)
    scans = _last((_SCANS,), own, before)
    lines = above + header
    dwell = float(dwell) if dwell else _tabular_setting(lines, _DWELL_KEYS)
    scans = float(scans) if scans else _tabular_setting(lines, _SCANS_KEYS)
    if _SEPARATE_SCANS.search(own) or _SEPARATE_SCANS.search(before):
        scans = 1.0  # SPECS writes each scan as its own table
    if dwell and scans and dwell > 0 and scans > 0:
        return (
            dwell * scans,
            "counts.s-1",
            (
                f"{column!r} holds raw counts: divided by the dwell time ({dwell:g} s) times the "
                f"number of scans ({scans:g}) the file states, to counts per second"
            ),
        )
    missing = " and ".join(
        w for w, v in (("dwell time", dwell), ("number of scans", scans)) if not v
    )
    return (
        1.0,
        "counts",
        (
            f"{column!r} holds raw counts and the file states no {missing}: intensities and areas "
            "are in counts, not counts per second"
        ),
    )


def _data_columns(columns: list[int], names: list[str], axis: int) -> tuple[list[int], str | None]:
    """The intensity columns to keep when the table names its measured data.

    CasaXPS exports the data beside its fit (``K.E. Counts Fe 2p ... Background Envelope``, then
    ``B.E. CPS Fe 2p ... Background CPS Envelope CPS``): the component, background and envelope
    columns are model curves, not spectra, and ``Counts``/``CPS`` are one spectrum in two units.
    When a column is named as the data (:data:`_DATA_COLUMN`), only the data columns are kept, a
    count rate before raw counts (intensities are counts per second), and the rest are set aside
    with a note. A table that names no data column keeps every column.
    """
    data = [k for k in columns if _DATA_COLUMN.match(names[k].strip())]
    if not data:
        return columns, None
    rates = [k for k in data if _RATE_COLUMN.search(names[k])]
    keep = rates or data
    if len(keep) > 1 and any(k > axis for k in keep):
        # one data column per energy axis: the one after the axis read (B.E. ... CPS)
        keep = [min(k for k in keep if k > axis)]
    aside = [k for k in columns if k not in keep]
    if not aside:
        return keep, None
    shown = ", ".join(repr(names[k] or f"column {k + 1}") for k in aside)
    return keep, (
        f"intensity taken from {', '.join(repr(names[k]) for k in keep)}; the other columns "
        f"({shown}) are set aside: the exporting program's fit curves (components, "
        "background, envelope), the same data in other units, or other recorded quantities"
    )


def _channel_sum(
    table: np.ndarray, columns: list[int], names: list[str]
) -> tuple[list[int], str | None]:
    """The intensity columns to keep: when one column is the sum of all the others (detector
    channels beside their total, as lmfitxps' Au 4f example), that column alone."""
    if len(columns) < 3:
        return columns, None
    for k in columns:
        rest = [c for c in columns if c != k]
        total = table[:, rest].sum(axis=1)
        scale = float(np.max(np.abs(table[:, k]))) or 1.0
        shares = np.max(np.abs(table[:, rest]), axis=0) / scale
        if np.max(shares) > 1 - CHANNEL_SUM_SHARE or np.sum(shares > CHANNEL_SUM_SHARE) < 2:
            # one column carries (nearly) all of the "sum": not channels, but a column and
            # its copy beside small ones (CLAM2 writes CPS/Ip and Avg CPS/Ip, equal in scan 1,
            # beside the ring current and the photon flux)
            continue
        if np.max(np.abs(total - table[:, k])) <= CHANNEL_SUM_RTOL * scale:
            label = names[k] or f"column {k + 1}"
            return [k], (
                f"columns {', '.join(str(c + 1) for c in rest)} add up to {label!r}: they are "
                "taken as detector channels and only their sum is analysed"
            )
    return columns, None


# --------------------------------------------------------------------------------------------
# Thermo Avantage .avg (DataSpace dump)
# --------------------------------------------------------------------------------------------
#: What an Avantage text dump starts with (``;Dump of DataSpace '...VGD'``), or its format line.
_AVG_MAGIC = ("dump of dataspace", "$format=")
#: ``DS_SOPROPID_ENERGY : VT_R4 = 1486.680054`` (some dumps insert a description between the
#: key and the type: ``DS_SOPROPID_ENERGY : Source energy : VT_R4 = 1486.68``).
_AVG_PROPERTY = re.compile(r"^(DS_\w+)\s*:(?:[^:=]*:)?\s*VT_\w+\s*=\s*(.*?)\s*$")


def _avg_value(text: str) -> str | float:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1]
    try:
        return float(text)
    except ValueError:
        return text


def _avg_text(raw: bytes) -> str:
    """An Avantage dump's text: Latin-1, or UTF-16 with its byte-order mark (some Avantage
    versions write it so; public readers try UTF-16 first)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("latin-1")


def _text_of(raw: bytes) -> str:
    """A text file's content: Latin-1 (every byte a character, as the instrument programs
    write), unless the file was re-saved as UTF-16 (Excel's "Unicode text", with or without a
    byte-order mark) or as UTF-8 with a byte-order mark (Windows Notepad, Excel's "CSV UTF-8"),
    whose mark is not part of the text. Read as Latin-1, those gave "no numeric rows" (a NUL
    beside every character) or a VAMAS file whose first line did not start with its magic."""
    from solidna.analysis.io import _utf16_encoding

    wide = _utf16_encoding(raw[:8192])
    if wide is not None:
        return raw.decode(wide, errors="replace").lstrip("\ufeff")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError:
            return raw[3:].decode("latin-1")
    return raw.decode("latin-1")


def read_avantage_avg(path: str | os.PathLike[str]) -> list[XPSSpectrum]:
    """Read a Thermo Avantage ``.avg`` file (a DataSpace dumped as text; K-Alpha, Theta Probe).

    The first space axis (``$SPACEAXES``: start, width, number of points, ``ENERGY``, ...) is the
    energy: kinetic (Avantage's ``DS_ACPROPID_EV_SCALE`` 1; 2 is binding), turned into binding
    energy with the photon energy ``DS_SOPROPID_ENERGY``. Each ``$DATA=`` block (its values on
    ``LIST@`` lines, ``#empty#`` where none was taken) is one spectrum. Values labelled
    ``Counts`` are divided by the dwell time ``DS_ACPROPID_ACQ_TIME``, as PyExpLabSys' Avantage
    reader does (the dump states no number of scans).

    Parameters
    ----------
    path : path
        The ``.avg`` file.

    Returns
    -------
    list of XPSSpectrum
        One spectrum per data block, binding energy [eV].

    Raises
    ------
    DataFormatError
        No energy axis, no photon energy for a kinetic axis, or no data.
    """
    p = Path(path)
    lines = _avg_text(p.read_bytes()).splitlines()
    props: dict[str, str | float] = {}
    axis: list[str] | None = None
    blocks: list[list[float]] = []
    mode = ""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        m = _AVG_PROPERTY.match(line)
        if m:
            props[m.group(1).upper()] = _avg_value(m.group(2))
            continue
        if line.startswith("$"):
            mode = line[1:].split("=", 1)[0].upper()
            if mode == "DATA":
                blocks.append([])
            continue
        if mode == "SPACEAXES" and axis is None and "=" in line:
            axis = [c.strip().strip("'") for c in line.split("=", 1)[1].split(",")]
        elif mode == "DATA" and "=" in line:
            for cell in line.split("=", 1)[1].split(","):
                cell = cell.strip()
                if cell:
                    blocks[-1].append(np.nan if "empty" in cell.lower() else float(cell))
    if axis is None or len(axis) < 3:
        raise DataFormatError(f"{p}: an Avantage .avg file without its energy axis ($SPACEAXES).")
    try:
        start, width, n = float(axis[0]), float(axis[1]), int(float(axis[2]))
    except ValueError:
        raise DataFormatError(
            f"{p}: the Avantage energy axis {', '.join(axis)!r} is not 'start, width, points'."
        ) from None
    if len(axis) > 3 and axis[3].upper() != "ENERGY":
        raise DataFormatError(
            f"{p}: the first axis of this Avantage file is {axis[3]!r}, not ENERGY: not an "
            "energy spectrum (a map or a profile's other axis); export the spectra from Avantage."
        )
    energy = start + width * np.arange(n)
    hv = props.get("DS_SOPROPID_ENERGY")
    hv = float(hv) if isinstance(hv, float) and hv > 0 else None
    notes: list[str] = []
    binding = props.get("DS_ACPROPID_EV_SCALE") == 2.0
    if binding:
        be = energy
    else:
        if hv is None:
            raise DataFormatError(
                f"{p}: the Avantage energy axis is kinetic and the file states no photon energy "
                "(DS_SOPROPID_ENERGY): the binding energy cannot be computed."
            )
        be = hv - energy
        notes.append(
            f"Avantage kinetic energy axis: binding energy = {hv:g} eV (DS_SOPROPID_ENERGY) - "
            "kinetic energy"
        )
    label = str(props.get("DS_EXT_SUPROPID_TITLE") or p.stem)
    value_label = str(props.get("DS_GEPROPID_VALUE_LABEL", ""))
    unit_text = f"{value_label} {props.get('DS_GEPROPID_VALUE_UNIT', '')}"
    dwell = props.get("DS_ACPROPID_ACQ_TIME")
    divisor, unit = 1.0, "counts.s-1"
    if _RATE_COLUMN.search(unit_text):
        pass
    elif value_label.strip().lower() == "counts" and isinstance(dwell, float) and dwell > 0:
        divisor = dwell
        notes.append(
            f"values labelled 'Counts' divided by the dwell time ({dwell:g} s, "
            "DS_ACPROPID_ACQ_TIME) to counts per second"
        )
    elif value_label.strip().lower() == "counts":
        unit = "counts"
        notes.append("values labelled 'Counts' and no dwell time: intensities in counts")
    else:
        notes.append(
            f"the values are labelled {value_label!r}: taken as counts per second (assumed)"
        )
    meta: dict[str, Any] = {
        "format": "Thermo Avantage .avg",
        "intensity unit": unit,
        "notes": notes,
        "pass energy [eV]": props.get("DS_ANPROPID_PASS"),
        "dwell [s]": dwell,
    }
    if not binding:
        meta["converted from kinetic energy"] = True
    out = []
    for k, values in enumerate(blocks):
        y = np.asarray(values[:n], dtype=float)
        if len(y) != n:
            raise DataFormatError(
                f"{p}: data block {k + 1} holds {len(y)} values for {n} energies; the file is "
                "truncated."
            )
        keep = np.isfinite(y)
        if keep.sum() < 3:
            continue  # an empty acquisition (#empty#)
        name = label if len(blocks) == 1 else f"{label} #{k + 1}"
        out.append(
            XPSSpectrum(be[keep], y[keep] / divisor, name, hv, metadata=dict(meta), source=p)
        )
    if not out:
        raise DataFormatError(f"{p}: the Avantage file holds no measured values ($DATA).")
    return out


def _cell_text(cell: Any) -> str:
    """A workbook cell as the text a CSV export writes (delimiters inside text removed)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    return re.sub(r"[,;\t]", " ", str(cell))


def read_xps_workbook(
    path: str | os.PathLike[str],
    photon_energy_eV: float | None = None,
    energy_axis: str | None = None,
) -> list[XPSSpectrum]:
    """Read every region of an Excel workbook, one sheet per region (Thermo Avantage).

    Avantage's "Export to Excel" writes each region on its own sheet, named after it (``C1s
    Scan``), in the layout of its CSV export: a parameter block, a row of names (``Binding
    Energy (E)``, the data column unnamed, ``Backgnd.``, ``Peak A`` ...) over a row of units
    (``eV``, ``Counts / s``) and the table. Each sheet is read as :func:`read_xps_text` reads
    that text; a sheet without a spectrum table (a peak table, a chart) is set aside with a
    note. Before, a workbook was read as text and refused ("no numeric rows").

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` (or ``.xls``) workbook.
    photon_energy_eV : float, optional
        Photon energy [eV] for sheets on a kinetic-energy axis.
    energy_axis : {"binding", "kinetic"}, optional
        What the energy columns are, when the sheets do not say.

    Returns
    -------
    list of XPSSpectrum
        The spectra of every sheet, labelled by the sheet's name.

    Raises
    ------
    DataFormatError
        No sheet holds a spectrum table (the reason of the first sheet is given).
    """
    from solidna.analysis.io.workbook import _Book

    p = Path(path)
    if energy_axis is not None:
        energy_axis = check_choice("energy axis", energy_axis, ENERGY_AXES)
    book = _Book(p)
    out: list[XPSSpectrum] = []
    skipped: list[tuple[str, str]] = []
    try:
        for sheet in book.names:
            lines = ["\t".join(_cell_text(c) for c in row) for row in book.rows(sheet)]
            try:
                spectra = _spectra_of_lines(p, lines, photon_energy_eV, energy_axis)
            except DataFormatError as exc:
                skipped.append((sheet, str(exc).replace(f"{p}: ", "", 1)))
                continue
            for s in spectra:
                # the text reader labels an unnamed data column by the file; here the sheet
                # names the region
                if s.label == p.stem:
                    s.label = sheet
                elif s.label.startswith(f"{p.stem} column "):
                    s.label = sheet + s.label[len(p.stem) :]
                s.metadata["sheet"] = sheet
            out += spectra
    finally:
        book.close()
    if not out:
        reasons = "; ".join(f"sheet {name!r}: {why}" for name, why in skipped) or "no sheets"
        raise DataFormatError(
            f"{p}: no sheet of the workbook holds a spectrum table ({reasons}). Export each "
            "region with its energy and intensity columns (Avantage: Export to Excel of the "
            "spectrum, not of the peak table), or as CSV."
        )
    if skipped:
        note = "sheets without a spectrum table set aside: " + "; ".join(
            f"{name!r} ({why})" for name, why in skipped
        )
        for s in out:
            s.metadata.setdefault("notes", []).append(note)
    return out


#: Native files of acquisition programs that solidna does not read, recognised by their start
#: (or, for Igor's and Avantage's binaries, which have no fixed magic, their extension), with the
#: export that does: before, each was read as text and refused with "no numeric rows" or "rows
#: hold one number each", which sent the researcher looking for a fault in the data.
_NATIVE_FORMATS: tuple[tuple[bytes | None, tuple[str, ...], str, str], ...] = (
    (
        b"SQLite format 3\x00",
        (),
        "an SQLite database (SPECS SpecsLab Prodigy .sle stores its experiments so)",
        "in Prodigy, export the regions as .xy (XY-Serializer: Energy Axis 'Binding Energy', "
        "Count Rate 'Counts per Second') or as VAMAS",
    ),
    (
        b"<?xml",
        (),
        "an XML document (SPECS SpecsLab 2 .xml, or a NeXus/other XML export)",
        "export the spectra from the acquisition program as VAMAS (.vms) or as a text table "
        "(energy and intensity columns)",
    ),
    (
        None,
        (".ibw", ".pxt", ".pxp"),
        "an Igor Pro binary wave/packed experiment (Scienta SES writes its regions so)",
        "export the region from SES as text (.txt: its [Region]/[Data] blocks are read) or "
        "open it in Igor and save the wave as a delimited text table",
    ),
    (
        None,
        (".vgd", ".vgp"),
        "a Thermo Avantage binary DataSpace (.vgd) / project (.vgp)",
        "in Avantage, export the spectra as the .avg text dump, to Excel, or as VAMAS",
    ),
)


def _refuse_binary_format(p: Path, head: bytes) -> None:
    """Refuse, with the export to make, an acquisition program's native file (see
    :data:`_NATIVE_FORMATS`)."""
    for magic, suffixes, what, fix in _NATIVE_FORMATS:
        if (magic is not None and head.lstrip().startswith(magic)) or (
            p.suffix.lower() in suffixes
        ):
            raise DataFormatError(
                f"{p}: {what}, not a format solidna reads (VAMAS .vms/.npl, PHI .pro/.spe, "
                f"Thermo Avantage .avg/.xlsx, or a text/CSV export). To analyse it, {fix}."
            )


def read_xps(
    path: str | os.PathLike[str],
    format: str | None = None,
    photon_energy_eV: float | None = None,
    energy_axis: str | None = None,
) -> list[XPSSpectrum]:
    """Read any supported XPS file; the format is detected from the content.

    Parameters
    ----------
    path : path
        VAMAS (``.vms``, ``.npl``), PHI ``.pro``, Thermo Avantage ``.avg``, or a text/CSV
        export.
    format : {"vamas", "phi-pro", "avantage", "workbook", "text"}, optional
        Force a reader.
    photon_energy_eV : float, optional
        Photon energy [eV] for a text file on a kinetic-energy axis (overrides the one its
        header states). VAMAS and PHI files record their own; a value given for them is not
        used (their notes say so).
    energy_axis : {"binding", "kinetic"}, optional
        What the energy column of a text file is, when its header does not say.

    Returns
    -------
    list of XPSSpectrum
        Every region of the file, binding energy in eV.

    Raises
    ------
    DataFormatError
        Empty, unreadable or truncated file.
    """
    from solidna.analysis.io import check_file

    p = check_file(path, "an XPS file (VAMAS .vms/.npl, PHI .pro, or a text export)")
    if format is None:
        with open(p, "rb") as fh:  # the start only: the reader reads the whole file
            head = fh.read(800)
        _refuse_binary_format(p, head)
        # re-saved as UTF-16 or with a UTF-8 byte-order mark, a VAMAS file starts otherwise
        start = _text_of(head).encode("latin-1", "replace")[:400].lstrip()
        if start.startswith(b"VAMAS"):
            format = "vamas"
        elif start.startswith(b"SOFH"):
            format = "phi-pro"
        elif any(mark in _avg_text(start).lower() for mark in _AVG_MAGIC):
            format = "avantage"
        elif head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            # an .xlsx (ZIP) or .xls (OLE) workbook: read as text it gave "no numeric rows"
            format = "workbook"
        else:
            format = "text"
    format = check_choice("XPS format", format, FORMATS)
    reader = {"vamas": read_vamas, "phi-pro": read_phi_pro, "avantage": read_avantage_avg}.get(
        format
    )
    if format == "workbook":
        return read_xps_workbook(p, photon_energy_eV, energy_axis)
    if reader is None:
        return read_xps_text(p, photon_energy_eV, energy_axis)
    spectra = reader(p)
    if photon_energy_eV is not None:
        for s in spectra:
            s.metadata.setdefault("notes", []).append(
                f"photon energy {photon_energy_eV:g} eV given but not used: the {format} file "
                f"records its own ({s.photon_energy_eV} eV)"
            )
    return spectra
