"""Impedance exports of other instruments, read with impedance.py's ``preprocessing``.

impedance.py (ECSHackWeek, MIT) reads the text exports of Gamry (``.DTA``, also aborted runs),
Scribner ZPlot (``.z``, with and without a comment block), PAR VersaStudio (``.par``), Parstat
and PowerSuite text, Metrohm Autolab (Z60W/NOVA text) and CH Instruments. Its readers are used
as they are; this module only recognises the layouts from the file's content (never its name),
wraps the result in the tidy table and turns the library's exceptions into messages that say what
is wrong.

Own code where impedance.py does not serve:

* **Parstat** files are mixed records: the rows at 0 Hz are a time series (potential, current,
  elapsed time) and ``readParstat`` drops them. The impedance part is read with ``readParstat``;
  the time-series part with pandas here, so that ``kind="timeseries"`` gives it.
* **Headerless** ``f, Z', Z''`` CSV (the layout of impedance.py's ``readCSV``) is read with pandas
  in :mod:`solidna.analysis.io.generic` (``readCSV``'s ``genfromtxt`` turns a header or a text
  cell into NaN silently, and it reads no units).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.io._table import (
    CURRENT,
    FREQUENCY,
    TIME,
    VOLTAGE,
    Z_IM,
    Z_RE,
    Measurement,
    check_file,
    finish_table,
    no_data_rows,
    one_line,
)
from solidna.errors import DataFormatError

__all__ = ["IMPEDANCE_TEXT_FORMATS", "detect_impedance_text", "read_impedance_text"]

#: Format name -> (impedance.py reader name, instrument, description).
IMPEDANCE_TEXT_FORMATS: dict[str, tuple[str, str, str]] = {
    "gamry-eis": ("readGamry", "Gamry", "Gamry Framework .DTA potentiostatic EIS"),
    "zplot-eis": ("readZPlot", "Scribner ZPlot", "Scribner ZPlot .z"),
    "versastudio-eis": ("readVersaStudio", "PAR VersaStudio", "PAR VersaStudio .par"),
    "parstat": ("readParstat", "PAR Parstat", "Parstat text (EIS and the potential at 0 Hz)"),
    "powersuite-eis": ("readPowerSuite", "PAR PowerSuite", "PowerSuite Frequency/Zre/Zimg text"),
    "autolab-eis": ("readAutolab", "Metrohm Autolab", "Autolab (Z60W/NOVA) impedance text"),
    "chi-eis": ("readCHInstruments", "CH Instruments", "CH Instruments A.C. impedance text"),
}


def _cells(line: str) -> list[str]:
    return [c.strip().strip('"') for c in re.split(r"\t|,", line.strip())]


def detect_impedance_text(lines: list[str], head_text: str) -> str | None:
    """The impedance text format of a file whose first lines are ``lines``, or None.

    Parameters
    ----------
    lines : list of str
        The file's first lines.
    head_text : str
        The start of the file as one text.

    Returns
    -------
    str or None
        A format key (e.g. ``"gamry-eis"``), or None when none matches.
    """
    if not lines:
        return None
    first = lines[0].strip().lstrip("\ufeff").strip('"')
    if first == "EXPLAIN":
        # every Gamry Framework .DTA starts with EXPLAIN; the reader checks for the EIS table
        return "gamry-eis"
    if first.startswith("ZPLOT2 ASCII") or first.startswith("ZPlotW Data File"):
        return "zplot-eis"
    if first == "<Application>" and "VersaStudio" in head_text:
        return "versastudio-eis"
    if any(line.startswith("A.C. Impedance") for line in lines[:5]) or any(
        line.replace(" ", "").startswith("Freq/Hz,Z'/ohm") for line in lines[:40]
    ):
        return "chi-eis"
    header = _cells(lines[0].lstrip("\ufeff"))
    if "Frequency (Hz)" in header and "Zre (ohms)" in header and "Zim (ohms)" in header:
        return "parstat"
    if [h.lower() for h in header[:3]] == ["frequency", "zre", "zimg"]:
        return "powersuite-eis"
    for line in lines[:40]:
        squeezed = line.replace(" ", "")
        if "Freq(Hz)" in squeezed and "Z'(a)" in squeezed and "Z''(b)" in squeezed:
            return "autolab-eis"
    return None


def _parstat_timeseries(path: Path, notes: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(path, sep="\t", index_col=False, encoding="latin-1")
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]
    at_dc = raw["Frequency (Hz)"].to_numpy(dtype=float) == 0
    part = raw.loc[at_dc]
    notes.append(
        "Parstat current taken with the file's sign (the export does not state its convention)."
    )
    return pd.DataFrame(
        {
            TIME: part["Elapsed Time (s)"].to_numpy(dtype=float),
            VOLTAGE: part["Potential (V)"].to_numpy(dtype=float),
            CURRENT: part["Current (A)"].to_numpy(dtype=float),
        }
    )


def _parstat_parts(path: Path) -> dict[str, int]:
    raw = pd.read_csv(path, sep="\t", index_col=False, usecols=[3], encoding="latin-1")
    f = raw.iloc[:, 0].to_numpy(dtype=float)
    return {"impedance": int((f > 0).sum()), "timeseries": int((f == 0).sum())}


@fill_doc
def read_impedance_text(
    path: Path,
    fmt: str,
    *,
    area_m2: float | None = None,
    kind: str | None = None,
) -> Measurement:
    """Read an impedance export of :data:`IMPEDANCE_TEXT_FORMATS` with impedance.py.

    Parameters
    ----------
    %(file)s
    fmt : str
        A key of :data:`IMPEDANCE_TEXT_FORMATS`.
    area_m2 : float, optional
        Electrode area in m2 (kept on the measurement; the impedance stays in Ohm).
    kind : {"impedance", "timeseries"}, optional
        The part of a mixed file (Parstat) to return; default the part with more rows.

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        impedance.py cannot read the file (truncated, another technique), or ``kind`` asks for a
        part the file does not hold.
    """
    import impedance.preprocessing as pp

    reader_name, instrument, description = IMPEDANCE_TEXT_FORMATS[fmt]
    path = check_file(path, f"an impedance export of the format {fmt!r} ({description})")
    notes: list[str] = []
    metadata: dict[str, Any] = {
        "instrument": instrument,
        "reader": f"impedance.preprocessing.{reader_name}",
    }
    parts = _parstat_parts(path) if fmt == "parstat" else {"impedance": 1}
    if fmt == "parstat":
        metadata["parts"] = parts
    if not any(parts.values()):
        raise no_data_rows(path)
    chosen = kind or max(parts, key=parts.get)
    if chosen not in parts or parts[chosen] == 0:
        raise DataFormatError(
            f"{path}: a {description} file holds no {chosen} data (it holds: "
            f"{', '.join(k for k, n in parts.items() if n)}). Use kind="
            f"{next(k for k, n in parts.items() if n)!r} (analyze: the matching --kind)."
        )
    if chosen == "timeseries":
        frame = _parstat_timeseries(path, notes)
        notes.append(
            f"the file also holds {parts['impedance']} impedance points; read(path, "
            "kind='impedance') or analyze --kind eis gives them."
        )
        table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
        return Measurement(table, "timeseries", fmt, path, area_m2, metadata, notes)
    reader: Callable = getattr(pp, reader_name)
    if fmt == "gamry-eis":
        with open(path, encoding="latin-1") as fh:
            if not any(line.startswith("ZCURVE") for line in fh):
                raise DataFormatError(
                    f"{path}: a Gamry .DTA file without a ZCURVE table, i.e. not an impedance "
                    "run (solidna reads Gamry EIS files only). Export the data as CSV with "
                    "Time [s]/Voltage [V]/Current [A] headers to read a Gamry time series."
                )
    try:
        f, z = reader(str(path))
        f = np.asarray(f, dtype=float)
        z = np.asarray(z, dtype=complex)
    except Exception as exc:  # impedance.py raises IndexError/ValueError/UnboundLocalError ...
        raise DataFormatError(
            f"{path}: impedance.py's {reader_name} cannot read this {description} file "
            f"({one_line(exc)}); it is truncated or holds another technique than impedance. "
            "Export the impedance table again, or as CSV with Frequency/Z_re/Z_im headers."
        ) from None
    if fmt == "parstat" and parts.get("timeseries"):
        metadata["timeseries rows"] = parts["timeseries"]
        notes.append(
            f"the file also holds {parts['timeseries']} time-series rows at 0 Hz (potential, "
            "current); read(path, kind='timeseries') gives them."
        )
    frame = pd.DataFrame({FREQUENCY: f, Z_RE: z.real, Z_IM: z.imag})
    table = finish_table(frame, path=path, kind="impedance", notes=notes)
    return Measurement(table, "impedance", fmt, path, area_m2, metadata, notes)
