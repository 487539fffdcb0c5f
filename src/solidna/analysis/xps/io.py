"""XPS files into :class:`XPSSpectrum` objects: VAMAS ``.vms``/``.npl``, PHI ``.pro``, text/CSV.

Readers
-------
VAMAS (ISO 14976)
    Our own line parser. The maintained ``vamas`` package (BSD-3) reads only REGULAR scans, insists
    on the ``.vms`` extension (PHI MultiPak writes ``.npl``) and refuses Kratos files that start
    with blank lines; the standard is short and fixed, so a complete parser (REGULAR and IRREGULAR,
    experimental variables, several blocks) is less code than working around it. It is checked
    against ``vamas`` on the files both read (tests/unit/test_xps.py).
PHI SmartSoft/MultiPak ``.pro`` (depth profile)
    Our own reader: no maintained permissive reader serves it without pulling a whole NeXus stack
    (pynxtools-xps). The ASCII header (``SOFH`` ... ``EOFH``) describes the regions; the binary
    part starts with a table of 96-byte entries (point count, cycle count, unit, dtype, byte size
    and offset of each data set), followed by float32 data.
Text / CSV (CasaXPS "Export to ASCII", lmfitxps-style ``E_kin, intensity``, any two columns)
    The energy column is recognised by its header (``B.E.``, ``Binding``, ``K.E.``, ``Kinetic``,
    ``E_kin``); a kinetic-energy axis needs the photon energy (``photon_energy_eV`` or an
    ``hv=...`` in the header).

Intensities are counts per second [s-1]: VAMAS counts are divided by the dwell time times the
number of scans (CasaXPS's convention), count rates are kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solidna.errors import DataFormatError, check_choice

__all__ = ["XPSSpectrum", "read_xps", "read_vamas", "read_phi_pro", "read_xps_text", "FORMATS"]

#: Formats of :func:`read_xps` (``format=``).
FORMATS = ("vamas", "phi-pro", "text")

_VAMAS_MAGIC = "VAMAS Surface Chemical Analysis Standard Data Transfer Format"


@dataclass
class XPSSpectrum:
    """One XPS region (or survey) on a binding-energy axis.

    Attributes
    ----------
    binding_energy_eV : numpy.ndarray
        Binding energy [eV], ascending.
    intensity_cps : numpy.ndarray
        Intensity [counts.s-1] on that axis.
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
    text = p.read_bytes().decode("latin-1")
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
    for b in range(n_blocks):
        spectra.append(_vamas_block(r, p, b, exp_mode, scan_mode, exp_vars, n_future_block))
        spectra[-1].metadata["header"] = header
    if not spectra:
        raise DataFormatError(f"{p}: the VAMAS file holds no blocks.")
    return spectra


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
    meta["intensity"] = f"{label} [{unit}]" + ("" if rate else f" / ({dwell} s x {scans} scans)")
    kinetic = "kinetic" in x_label.lower()
    be = hv - x if kinetic else x
    meta["energy axis"] = f"{x_label} [{x_unit}]"
    name = " ".join(s for s in (species, transition) if s) or meta["block identifier"]
    return XPSSpectrum(be, y, name or f"block {b + 1}", hv, metadata=meta, source=p)


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
_BE_HEADERS = ("b.e.", "binding", "be ", "be[", "be(", "e_bin", "ebin")
_KE_HEADERS = ("k.e.", "kinetic", "ke ", "ke[", "ke(", "e_kin", "ekin")


def read_xps_text(
    path: str | os.PathLike[str], photon_energy_eV: float | None = None
) -> list[XPSSpectrum]:
    """Read a text/CSV export with an energy column and one or more intensity columns.

    The first column whose header names a binding or kinetic energy is the axis (the first column
    when no header says); every other numeric column is a spectrum (CasaXPS exports the
    components and envelope beside the data: those columns come back too, labelled by header).
    A kinetic axis is converted with ``photon_energy_eV`` or an ``hv=...`` found in the header.

    Parameters
    ----------
    path : str or os.PathLike
        The text file.
    photon_energy_eV : float, optional
        Photon energy [eV] (1486.6 for Al K-alpha); None to take it from the header.

    Returns
    -------
    list of XPSSpectrum
        One spectrum per intensity column, binding energy in eV.
    """
    p = Path(path)
    text = p.read_bytes().decode("latin-1")
    rows, header = [], []
    for line in text.splitlines():
        parts = [s for s in re.split(r"[,;\t]|\s{2,}|(?<=\d)\s(?=[-+\d.])", line.strip()) if s]
        if not parts:
            continue  # blank line (between a header block and the table)
        try:
            rows.append([float(s) for s in parts])
        except ValueError:
            if not rows:
                header.append(line)
            elif line.strip():
                break
    if not rows:
        raise DataFormatError(f"{p}: no numeric rows; the file is empty or not a spectrum table.")
    width = min(len(r) for r in rows)
    if width < 2:
        raise DataFormatError(f"{p}: rows hold one number; need energy and intensity columns.")
    table = np.array([r[:width] for r in rows])
    head_text = "\n".join(header)
    names = [s.strip() for s in re.split(r"[,;\t]", header[-1].lstrip("#"))] if header else []
    if len(names) < width:
        names = names + [f"column {k + 1}" for k in range(len(names), width)]
    lowered = [n.lower() + " " for n in names[:width]]
    is_be = [any(h in n for h in _BE_HEADERS) for n in lowered]
    is_ke = [any(h in n for h in _KE_HEADERS) for n in lowered]
    # a binding-energy column wins (CasaXPS writes K.E. and B.E. side by side)
    if any(is_be):
        axis, kinetic = is_be.index(True), False
    elif any(is_ke):
        axis, kinetic = is_ke.index(True), True
    else:
        axis, kinetic = 0, False
    x = table[:, axis]
    if kinetic:
        if photon_energy_eV is None:
            m = re.search(r"h\s*(?:v|nu|ν)\s*=?\s*([\d.]+)", head_text, re.IGNORECASE)
            if not m:
                raise DataFormatError(
                    f"{p}: the energy axis is kinetic and the photon energy is not in the file; "
                    "give it (photon_energy_eV=1486.6 for Al K-alpha)."
                )
            photon_energy_eV = float(m.group(1))
        x = photon_energy_eV - x
    out = []
    for k in range(width):
        if k == axis or is_be[k] or is_ke[k]:
            continue
        out.append(
            XPSSpectrum(
                x,
                table[:, k],
                names[k] if names[k] and not names[k].startswith("column") else p.stem,
                photon_energy_eV,
                metadata={"header": head_text, "energy axis": names[axis]},
                source=p,
            )
        )
    return out


def read_xps(
    path: str | os.PathLike[str],
    format: str | None = None,
    photon_energy_eV: float | None = None,
) -> list[XPSSpectrum]:
    """Read any supported XPS file; the format is detected from the content.

    Parameters
    ----------
    path : path
        VAMAS (``.vms``, ``.npl``), PHI ``.pro``, or a text/CSV export.
    format : {"vamas", "phi-pro", "text"}, optional
        Force a reader.
    photon_energy_eV : float, optional
        Photon energy [eV] for a text file on a kinetic-energy axis.

    Raises
    ------
    DataFormatError
        Empty, unreadable or truncated file.
    """
    from solidna.analysis.io import check_file

    p = check_file(path, "an XPS file (VAMAS .vms/.npl, PHI .pro, or a text export)")
    if format is None:
        with open(p, "rb") as fh:  # the start only: the reader reads the whole file
            start = fh.read(400).lstrip()
        if start.startswith(b"VAMAS"):
            format = "vamas"
        elif start.startswith(b"SOFH"):
            format = "phi-pro"
        else:
            format = "text"
    format = check_choice("XPS format", format, FORMATS)
    reader = {"vamas": read_vamas, "phi-pro": read_phi_pro}.get(format)
    return reader(p) if reader else read_xps_text(p, photon_energy_eV)
