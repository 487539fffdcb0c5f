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
* **Text the readers choke on.** impedance.py opens most files as UTF-8 and turns every line of a
  data block into a row, so a Windows-1252 export (``µV`` in a VersaStudio header) or a blank
  line at the end of a table (VersaStudio writes one before ``</Segment1>``; editors add them at
  the end of a file) made complete files unreadable. The readers are therefore handed a
  normalised temporary copy (:func:`_normalised_copy`): decoded as UTF-8 when the bytes are valid
  UTF-8, else as Windows-1252, written back as UTF-8, without blank lines at the end of the file
  and inside the data block. The copy is deleted after reading.
* **Gamry DC techniques.** A ``.DTA`` without a ``ZCURVE`` (cyclic voltammetry,
  chronopotentiometry ...) holds ``CURVEn`` tables of ``T``/``Vf``/``Im``; those are read here
  as a time series (:func:`_gamry_curves`), one cycle number per table.
* **RelaxIS** (rhd instruments) spectrum exports (:func:`_read_relaxis`): impedance.py has no
  reader. Names are written ``Data: Frequency``, ``Data: Z'`` ... without units, and each
  spectrum's rows follow a line of its parameters (``DC=..., TM=...``, the model, the source
  file), which a delimited-text reader took for the header row.
* **Layouts impedance.py has no reader for** (:data:`_OWN_READERS`): PalmSens PSTrace CSV
  (:func:`_read_pstrace`, curves side by side), an impedance table repeated per scan under its
  own names row (NOVA; :func:`_read_blocks`), the Agilent/Keysight 4294A's text (two traces,
  or the data array of R and X; :func:`_read_4294a`), Ivium ``.idf``/``.ids``
  ``primary_data`` (:func:`_read_ivium`) and Zahner Thales ASCII with ``LOGF``
  (:func:`_read_zahner`). Tables with named columns are read
  with the generic reader's column rules (names, units, ``-Z''``, a Bode pair).
* **Gamry drift correction.** ``readGamry`` takes the 4th and 5th columns of the ``ZCURVE``
  table, ``Zreal``/``Zimag``. A run with drift correction on also holds ``ZrealDrCor``/
  ``ZimagDrCor``; those are used when present (:func:`_gamry_drift_corrected`), with a note.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.io._table import (
    CURRENT,
    CYCLE,
    FREQUENCY,
    SPECTRUM,
    TIME,
    VOLTAGE,
    Z_IM,
    Z_RE,
    Measurement,
    check_file,
    decimal_comma_rows_to_points,
    finish_table,
    gamry_overload_rows,
    no_data_rows,
    one_line,
    plain_number,
    stored_area,
    text_encoding,
)
from solidna.analysis.io.generic import _decimal_mark, _delimiter_of_rows, _fields
from solidna.errors import DataFormatError

__all__ = ["IMPEDANCE_TEXT_FORMATS", "detect_impedance_text", "read_impedance_text"]

#: Format name -> (impedance.py reader name, instrument, description).
IMPEDANCE_TEXT_FORMATS: dict[str, tuple[str, str, str]] = {
    "gamry-eis": (
        "readGamry",
        "Gamry",
        "Gamry Framework .DTA (EIS; a CV or other CURVE table as a time series)",
    ),
    # Scribner's CorrWare writes its DC techniques (CV, potentiodynamic ...) in the layout of
    # ZPlot (a header, the column names, "End Comments", the rows): one family, and a CorrWare
    # curve is read as a time series (:func:`_read_corrware`)
    "zplot-eis": (
        "readZPlot",
        "Scribner ZPlot",
        "Scribner ZPlot .z (a CorrWare .cor DC curve as a time series)",
    ),
    "versastudio-eis": ("readVersaStudio", "PAR VersaStudio", "PAR VersaStudio .par"),
    "parstat": ("readParstat", "PAR Parstat", "Parstat text (EIS and the potential at 0 Hz)"),
    "powersuite-eis": ("readPowerSuite", "PAR PowerSuite", "PowerSuite Frequency/Zre/Zimg text"),
    "autolab-eis": ("readAutolab", "Metrohm Autolab", "Autolab (Z60W/NOVA) impedance text"),
    "chi-eis": ("readCHInstruments", "CH Instruments", "CH Instruments A.C. impedance text"),
    # ZView writes its own data files (``"ZView Calculated Data File: Version 1.1"``) with the
    # column line of the Z60W layout that impedance.py reads as Autolab's: same reader, own name
    "zview-eis": ("readAutolab", "Scribner ZView", "Scribner ZView data file text"),
    # own reader (impedance.py has none): :func:`_read_relaxis`
    "relaxis-eis": ("", "RelaxIS (rhd instruments)", "RelaxIS spectrum export text"),
    # own readers below (impedance.py has none for these layouts)
    "pstrace-eis": ("", "PalmSens PSTrace", "PalmSens PSTrace CSV impedance export"),
    "keysight-4294a": ("", "Agilent/Keysight 4294A", "4294A text: two traces or R-X data array"),
    "ivium-eis": ("", "Ivium IviumSoft", "Ivium .idf/.ids data file (primary_data)"),
    "zahner-eis": ("", "Zahner Thales", "Zahner Thales ASCII spectrum (LOGF, ...)"),
    "eis-blocks": ("", "Metrohm NOVA", "one impedance table per scan, each with its names"),
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
    if first.startswith("RelaxIS") and "export" in first.lower():
        return "relaxis-eis"
    if first.startswith("4294A"):
        # the 4294A writes its model and firmware ("4294A REV1.11") on the first line
        return "keysight-4294a"
    if _pstrace_date_line(lines) is not None:
        return "pstrace-eis"
    if any(line.strip() == "primary_data" for line in lines):
        # IviumSoft's data files: "name=value" settings, then "primary_data", the number of
        # columns, of rows and the rows (pyimpspec's parse_ids, GPL-3, layout only)
        return "ivium-eis"
    if _zahner_names_at(lines) is not None:
        return "zahner-eis"
    if first == "EXPLAIN" or (first == "VFP600" and lines[1:2] == ["TAG\tVFP600"]):
        # every Gamry Framework .DTA starts with EXPLAIN (a Virtual Front Panel record with
        # VFP600); the reader checks for the EIS table
        return "gamry-eis"
    if first.startswith("ZPLOT2 ASCII") or first.startswith("ZPlotW Data File"):
        return "zplot-eis"
    if first == CORRWARE_MAGIC:
        # Scribner CorrWare (and CorrTest) DC-technique text, read by _read_corrware
        return "zplot-eis"
    if first.startswith("ZView") and "Data File" in first:
        return "zview-eis"
    if first == "<Application>" and "VersaStudio" in head_text:
        return "versastudio-eis"
    if any(line.startswith("A.C. Impedance") for line in lines[:5]) or any(
        line.replace(" ", "").startswith("Freq/Hz,Z'/ohm") for line in lines[:40]
    ):
        return "chi-eis"
    header = _cells(lines[0].lstrip("\ufeff"))
    if "Frequency (Hz)" in header and "Zre (ohms)" in header and "Zim (ohms)" in header:
        return "parstat"
    # PowerSuite separates its columns by tabs (impedance.py's readPowerSuite splits at them);
    # a comma-separated "Frequency,Zre,Zimg" table is a user's own CSV, for the generic reader
    if "\t" in lines[0] and [h.lower() for h in header[:3]] == ["frequency", "zre", "zimg"]:
        return "powersuite-eis"
    for line in lines[:40]:
        squeezed = line.replace(" ", "")
        if "Freq(Hz)" in squeezed and "Z'(a)" in squeezed and "Z''(b)" in squeezed:
            return "autolab-eis"
    if len(_repeated_header_blocks(lines)) > 1:
        return "eis-blocks"
    return None


def _parstat_table(path: Path) -> pd.DataFrame:
    """The Parstat table as text (decimal commas as points, :func:`_normalised_lines`)."""
    text = "\n".join(_normalised_lines(_decode(path.read_bytes()), "parstat"))
    try:
        return pd.read_csv(io.StringIO(text), sep="\t", index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFormatError(
            f"{path}: cannot read it as a Parstat tab-separated table ({one_line(exc)}). "
            "Export the data again."
        ) from None


def _parstat_number(raw: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """A Parstat column as floats, or a clear error naming the column and the cell."""
    try:
        return raw[column].to_numpy(dtype=float)
    except KeyError:
        raise DataFormatError(
            f"{path}: the Parstat table has no {column!r} column (columns: "
            f"{', '.join(map(repr, raw.columns))}). Export the data again with it."
        ) from None
    except ValueError:
        cells = pd.to_numeric(raw[column], errors="coerce").isna() & raw[column].notna()
        cell = raw[column][cells].iloc[0]
        raise DataFormatError(
            f"{path}: the Parstat column {column!r} holds {cell!r}, not a number. Export the "
            "data again with numbers only."
        ) from None


def _parstat_timeseries(path: Path, notes: list[str]) -> pd.DataFrame:
    raw = _parstat_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]
    at_dc = _parstat_number(raw, "Frequency (Hz)", path) == 0
    part = raw.loc[at_dc]
    notes.append(
        "Parstat current taken with the file's sign (the export does not state its convention)."
    )
    return pd.DataFrame(
        {
            TIME: _parstat_number(part, "Elapsed Time (s)", path),
            VOLTAGE: _parstat_number(part, "Potential (V)", path),
            CURRENT: _parstat_number(part, "Current (A)", path),
        }
    )


def _parstat_parts(path: Path) -> dict[str, int]:
    raw = _parstat_table(path)
    if raw.shape[1] < 4:
        raise DataFormatError(
            f"{path}: a Parstat table of {raw.shape[1]} column(s); the export has the frequency "
            "in its 4th column. Export the data again."
        )
    f = _parstat_number(raw, raw.columns[3], path)
    return {"impedance": int((f > 0).sum()), "timeseries": int((f == 0).sum())}


def _decode(data: bytes) -> str:
    """The text of an export (:func:`~solidna.analysis.io._table.text_encoding`, Windows-1252
    otherwise; a UTF-8 BOM dropped). The five bytes Windows-1252 leaves undefined become U+FFFD:
    only header text holds non-ASCII characters, never the numbers read."""
    if text_encoding(data, "cp1252") == "utf-8":
        return data.decode("utf-8-sig", errors="replace")  # a truncated file's cut character
    return data.decode("cp1252", errors="replace")


_SEGMENT_START = re.compile(r"<Segment\d+>")
_SEGMENT_END = re.compile(r"</Segment\d+>")


def _last_index(lines: list[str], marker: str, start: int = 0) -> int | None:
    """Index of the last line at or after ``start`` that contains ``marker`` (as readGamry)."""
    found = [i for i in range(start, len(lines)) if marker in lines[i]]
    return found[-1] if found else None


def _normalised_lines(text: str, fmt: str) -> list[str]:
    """The lines of ``text`` without the blank lines impedance.py would take for data rows.

    Every reader turns each line from its table's start to the end of the file (VersaStudio: to
    ``</Segment1>``; an aborted Gamry run: to ``EXPERIMENTABORTED``) into a row, and a blank line
    there ends in an IndexError. Blank lines are dropped only there: before a table some readers
    count lines from a header (CH Instruments' blank line after ``Freq/Hz``), so those stay.
    """
    lines = decimal_comma_rows_to_points(text.splitlines())
    while lines and not lines[-1].strip():
        lines.pop()
    if fmt == "versastudio-eis":
        out, inside = [], False
        for line in lines:
            bare = line.strip()
            if _SEGMENT_START.fullmatch(bare):
                inside = True
            elif _SEGMENT_END.fullmatch(bare):
                inside = False
            elif inside and not bare:
                continue
            out.append(line)
        lines = out
    elif fmt == "gamry-eis":
        start = _last_index(lines, "ZCURVE")
        if start is not None:
            # readGamry: data from the 3rd line after ZCURVE (names, units) to EXPERIMENTABORTED
            end = _last_index(lines, "EXPERIMENTABORTED", start) or len(lines)
            table = [line for line in lines[start + 3 : end] if line.strip()]
            lines = lines[: start + 3] + table + lines[end:]
    return lines


@contextlib.contextmanager
def _normalised_copy(path: Path, fmt: str) -> Iterator[tuple[Path, list[str]]]:
    """A temporary UTF-8 copy of ``path`` that impedance.py can read, and its lines.

    The copy is decoded with :func:`_decode`, cleaned with :func:`_normalised_lines` and written
    with LF line ends; it is deleted on leaving the block, also after an error.
    """
    lines = _normalised_lines(_decode(path.read_bytes()), fmt)
    handle, name = tempfile.mkstemp(prefix="solidna-", suffix=path.suffix)
    copy = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(lines) + "\n")
        yield copy, lines
    finally:
        copy.unlink(missing_ok=True)


#: Columns of a VersaStudio data segment that ``readVersaStudio`` reads by position (0-based),
#: with the names its ``Definition=`` line gives them (compared without spaces, any case).
_VERSASTUDIO_COLUMNS = {9: "Frequency(Hz)", 14: "Z Real", 15: "Z Imag"}


def _check_versastudio(lines: list[str], path: Path) -> None:
    """Refuse, with the actual reason, a ``.par`` whose data segment ``readVersaStudio`` cannot
    read: none, not closed (truncated), or not an impedance table (its ``Definition=`` line)."""
    bare = [line.strip() for line in lines]
    again = "Export the impedance data again, or as CSV with Frequency/Z_re/Z_im headers."
    if "<Segment1>" not in bare:
        raise DataFormatError(
            f"{path}: a VersaStudio .par file with no data segment (no <Segment1> line): it holds "
            f"no measured points (saved before the experiment ran, or cut off before them). {again}"
        )
    start = bare.index("<Segment1>")
    if "</Segment1>" not in bare[start:]:
        raise DataFormatError(
            f"{path}: the data segment <Segment1> (line {start + 1}) has no closing </Segment1>: "
            f"the file is truncated. Copy the file again from the instrument PC. {again}"
        )
    end = bare.index("</Segment1>", start)
    # readVersaStudio skips <Segment1>, Type=, Version= and Definition= (4 lines) by position
    definition = bare[start + 3] if start + 3 < end else ""
    if not definition.startswith("Definition="):
        raise DataFormatError(
            f"{path}: the data segment <Segment1> (line {start + 1}) does not have its column "
            f"names (Definition=...) on its 4th line, where readVersaStudio expects them; a "
            f"layout it does not know. {again}"
        )
    names = [n.strip() for n in definition.partition("=")[2].split(",")]

    def same(a: str, b: str) -> bool:
        return a.replace(" ", "").lower() == b.replace(" ", "").lower()

    if any(k >= len(names) or not same(names[k], v) for k, v in _VERSASTUDIO_COLUMNS.items()):
        wanted = ", ".join(f"{v!r} (column {k + 1})" for k, v in _VERSASTUDIO_COLUMNS.items())
        raise DataFormatError(
            f"{path}: the data segment holds another technique than impedance (or its columns in "
            f"another order): its Definition line names {', '.join(map(repr, names))}, and "
            f"readVersaStudio reads {wanted}. {again}"
        )
    if end == start + 4:
        raise no_data_rows(path)


#: Gamry's drift-corrected impedance columns (written when the run had drift correction on).
_GAMRY_DRIFT_COLUMNS = ("ZrealDrCor", "ZimagDrCor")


def _gamry_drift_corrected(
    lines: list[str],
    f: np.ndarray,
    z: np.ndarray,
    notes: list[str],
    metadata: dict[str, Any],
) -> np.ndarray:
    """The drift-corrected impedance of a Gamry ``ZCURVE`` table when it has one, else ``z``.

    Why the corrected pair: Gamry's drift correction (``DRIFTCOR``) removes the change of the cell
    during the sweep, and Gamry writes the corrected impedance beside the raw one; a user who
    switched it on wants the corrected spectrum, and Gamry-aware readers (pyimpspec, the MATLAB
    ``loadGamryEIS``) take it. ``readGamry`` reads the columns by position (``Zreal``/``Zimag``),
    so the table is read here by column name, with readGamry's rules (whitespace-separated,
    decimal commas, the rows from the 3rd line after ``ZCURVE`` to ``EXPERIMENTABORTED``), and
    used only when its ``Freq``, ``Zreal`` and ``Zimag`` agree with what readGamry returned:
    then both read the same rows.
    """
    start = _last_index(lines, "ZCURVE")
    if start is None or start + 1 >= len(lines):
        return z
    names = lines[start + 1].split()
    if not set(_GAMRY_DRIFT_COLUMNS) <= set(names):
        return z
    end = _last_index(lines, "EXPERIMENTABORTED", start) or len(lines)
    wanted = ("Freq", "Zreal", "Zimag", *_GAMRY_DRIFT_COLUMNS)
    fallback = (
        "the file also holds drift-corrected columns (ZrealDrCor/ZimagDrCor), but {why}: Z is "
        "taken from the uncorrected Zreal/Zimag."
    )
    if not set(wanted) <= set(names):
        notes.append(fallback.format(why="its table has no Freq/Zreal/Zimag columns by name"))
        return z
    cols = [names.index(n) for n in wanted]
    try:
        table = np.array(
            [
                [float(cells[k]) for k in cols]
                for cells in (line.replace(",", ".").split() for line in lines[start + 3 : end])
            ],
            dtype=float,
        ).reshape(-1, len(wanted))
    except (IndexError, ValueError) as exc:
        notes.append(fallback.format(why=f"they cannot be read ({one_line(exc)})"))
        return z
    agree = (
        table.shape[0] == f.size
        and np.allclose(table[:, 0], f, rtol=1e-12, atol=0)
        and np.allclose(table[:, 1] + 1j * table[:, 2], z, rtol=1e-12, atol=0)
    )
    z_cor = table[:, 3] + 1j * table[:, 4]
    if not agree or not np.all(np.isfinite(z_cor)):
        notes.append(fallback.format(why="their rows do not line up with the uncorrected ones"))
        return z
    metadata["impedance columns"] = ", ".join(_GAMRY_DRIFT_COLUMNS)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = float(np.nanmax(np.abs(z_cor - z) / np.abs(z))) if z.size else 0.0
    notes.append(
        "the run had drift correction on: Z is taken from the file's drift-corrected columns "
        f"ZrealDrCor/ZimagDrCor, not from Zreal/Zimag (they differ by up to {100 * change:.2g} % "
        "of |Z|)."
    )
    return z_cor


_GAMRY_CURVE = re.compile(r"^(?P<name>[A-Z]*CURVE\d*)\tTABLE")
#: Gamry's header line ``CONVENTION<TAB>IQUANT<TAB>1<TAB>Current Convention``: the sign the run
#: gave the current. Every Gamry file checked (EIS and DC, Framework 6 and 7) holds 1, with
#: anodic current positive; what another value means is not documented where solidna could
#: check, so a DC curve with another value is refused rather than read with a guessed sign.
_GAMRY_CONVENTION = re.compile(r"^CONVENTION\tIQUANT\t(?P<value>[-+]?\d+)")
GAMRY_DEFAULT_CONVENTION = 1


def _gamry_convention(lines: list[str], metadata: dict[str, Any]) -> int | None:
    """The value of a Gamry file's ``CONVENTION`` line (None without one), kept in
    ``metadata["current convention"]``."""
    for line in lines:
        m = _GAMRY_CONVENTION.match(line)
        if m:  # (after the OCVCURVE table in Framework 7 files: the whole file is searched)
            metadata["current convention"] = int(m.group("value"))
            return int(m.group("value"))
    return None


#: Gamry's header line ``AREA<TAB>QUANT<TAB>5.00000E-001<TAB>Sample Area (cm^2)``: the sample
#: area the run was set up with, in cm2 (Gamry's setup dialogs give the area in cm2; the label
#: names the unit, or says only "A Real Number"); a decimal comma under some Windows locales.
_GAMRY_AREA = re.compile(r"^AREA\tQUANT\t(?P<value>[^\t]*)(?:\t(?P<label>.*))?$")
#: The AREA most Gamry files hold (5 of the 6 Gamry EIS files checked, from 4 projects):
#: most likely the setup's starting value left as it was. A left-over 1 cm2 cannot be told
#: from a 1 cm2 electrode, so it is taken as unknown (as EC-Lab's default,
#: EC_LAB_DEFAULT_AREA_CM2).
GAMRY_UNSET_AREA_CM2 = 1.0
#: Units Gamry writes for Zreal/Zimag in the ZCURVE units row (its data-file help shows "ohm"):
#: absolute impedance, which the area multiplies once into Ohm.cm2, never divides.
_GAMRY_OHM = {"ohm", "ohms", "\u03c9", "\u2126"}


def _gamry_area(
    lines: list[str], area_m2: float | None, metadata: dict[str, Any], notes: list[str]
) -> float | None:
    """The electrode area [m2] to use for a Gamry file: the user's, else the header's ``AREA``.

    The header value goes to ``metadata["electrode area [cm2]"]``. Gamry writes the measured
    quantities unnormalised (``Im`` in A, ``Zreal``/``Zimag`` in ohm, as their units rows say),
    so the area is used as the electrode area, as one given with ``area=`` would be: the
    current density and the area-specific impedance come from it, once. A value of 1 cm2
    (:data:`GAMRY_UNSET_AREA_CM2`), zero, a negative or an unreadable value is taken as unknown,
    with a note.
    """
    found = next((m for m in map(_GAMRY_AREA.match, lines) if m), None)
    if found is None:
        return area_m2
    text = found.group("value").strip()
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        notes.append(f"the Gamry header's AREA {text!r} is not a number; it is not used.")
        return area_m2
    return stored_area(
        value,
        area_m2,
        "Gamry header's AREA",
        metadata,
        notes,
        unset_cm2=GAMRY_UNSET_AREA_CM2,
        unset_words="the value most Gamry files keep from the setup (a left-over value cannot be "
        "told from a 1 cm2 electrode)",
    )


def _check_gamry_ohm(lines: list[str], path: Path) -> None:
    """Refuse a ZCURVE whose units row gives Zreal/Zimag in another unit than ohm (an
    area-specific export would otherwise be multiplied by the area a second time)."""
    start = _last_index(lines, "ZCURVE")
    if start is None or start + 2 >= len(lines):
        return
    names, units = lines[start + 1].split(), lines[start + 2].split()
    for col in ("Zreal", "Zimag"):
        k = names.index(col) if col in names else None
        unit = units[k] if k is not None and k < len(units) else ""
        if unit and unit.lower() not in _GAMRY_OHM:
            raise DataFormatError(
                f"{path}: the Gamry impedance table gives {col} in {unit!r}, where Gamry writes "
                "'ohm'; solidna does not know whether it is area-specific. Export the spectrum "
                "as CSV with Frequency [Hz], Z_re [Ohm], Z_im [Ohm] (or [Ohm.cm2]) headers."
            )


#: Gamry CURVE column -> (tidy column, SI unit the units row must name).
_GAMRY_COLUMNS = {"T": (TIME, "s"), "Vf": (VOLTAGE, "V"), "Im": (CURRENT, "A")}
#: The Virtual Front Panel's ``VFPCURVE``: no time column; the rows are sampled at the header's
#: ``FREQ QUANT 1.50000E+1 Acquisition Frequency (Hz)`` (gamry-parser's VFP600 reader: row n at
#: n / FREQ seconds).
_GAMRY_VFP_COLUMNS = {"Voltage": (VOLTAGE, "V"), "Current": (CURRENT, "A")}
_GAMRY_FREQ = re.compile(r"^FREQ\tQUANT\t(?P<value>[^\t]*)")


def _gamry_vfp_time(lines: list[str], rows: int, path: Path, notes: list[str]) -> np.ndarray:
    """Times [s] of a VFP600 ``VFPCURVE``'s rows from the header's acquisition frequency."""
    found = [_GAMRY_FREQ.match(line) for line in lines]
    values = [m.group("value").replace(",", ".") for m in found if m]
    try:
        freq = float(values[0]) if values else float("nan")
    except ValueError:
        freq = float("nan")
    if not (np.isfinite(freq) and freq > 0):
        raise DataFormatError(
            f"{path}: a Gamry VFP600 curve has no time column and its header no positive "
            f"acquisition frequency ('FREQ QUANT ...'; found {values[:1] or 'none'}). Export "
            "the curve as CSV with Time [s]/Voltage [V]/Current [A] headers."
        )
    notes.append(
        f"Gamry VFP600 curve: no time column; row n is at n / {freq:g} Hz (the header's "
        "acquisition frequency), from 0 s."
    )
    return np.arange(rows) / freq


def _gamry_curves(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any]
) -> pd.DataFrame:
    """The time series of a Gamry DC-technique ``.DTA`` (CV, chronopotentiometry ...).

    Each ``CURVEn<TAB>TABLE`` block has a row of names (``Pt T Vf Im ...``), a row of units
    (``# s V vs. Ref. A ...``) and its data rows, which start with a tab; a CV writes one block
    per cycle. ``T`` [s] is the time since the start, ``Vf`` the measured potential, ``Im`` the
    current, used as written. Files with only a summary table (the cyclic charge-discharge
    ``CAPACITYCURVE``: one row per half cycle) are refused, as they hold no time series.
    """
    metadata["instrument"] = "Gamry"
    metadata.pop("reader", None)
    for line in lines[:5]:
        if line.startswith("TAG\t"):
            metadata["technique"] = line.split("\t")[1].strip()
    blocks: list[pd.DataFrame] = []
    tables: list[str] = []
    k = 0
    while k < len(lines):
        m = _GAMRY_CURVE.match(lines[k])
        if not m:
            k += 1
            continue
        names = lines[k + 1].strip().split("\t") if k + 1 < len(lines) else []
        # the table with its columns, for the refusal below (a square-wave CURVE has Vfwd/Ifwd)
        tables.append(f"{m.group('name')} ({', '.join(n for n in names if n)})")
        units = lines[k + 2].strip("\r\n").lstrip("\t").split("\t") if k + 2 < len(lines) else []
        rows = []
        k += 3
        while k < len(lines) and lines[k].startswith("\t"):
            rows.append(lines[k].strip().split("\t"))
            k += 1
        vfp = m.group("name") == "VFPCURVE" and set(_GAMRY_VFP_COLUMNS) <= set(names)
        # Gamry's open-circuit potential technique (TAG CORPOT) records T and Vf, no current:
        # the cell is at open circuit throughout (as EC-Lab's OCV, read with 0 A)
        open_circuit = metadata.get("technique") == "CORPOT" and "Im" not in names
        wanted = {"T", "Vf"} if open_circuit else {"T", "Vf", "Im"}
        if not vfp and (not m.group("name").startswith("CURVE") or not wanted <= set(names)):
            continue
        block = pd.DataFrame([r[: len(names)] for r in rows], columns=names)
        out = pd.DataFrame()
        if vfp:
            out[TIME] = _gamry_vfp_time(lines, len(block), path, notes)
        if open_circuit and not blocks:
            notes.append(
                "Gamry open-circuit potential record (TAG CORPOT): no current column, the "
                "cell is at open circuit throughout: current 0 A."
            )
        columns = _GAMRY_VFP_COLUMNS if vfp else _GAMRY_COLUMNS
        for col, (target, si) in columns.items():
            if col not in names:  # the current of an open-circuit record (above)
                continue
            unit = units[names.index(col)].split()[0] if names.index(col) < len(units) else ""
            if unit != si:
                raise DataFormatError(
                    f"{path}: the Gamry column {col!r} of {m.group('name')} is in {unit!r}, "
                    f"where solidna expects {si!r}. Export the curve again from Gamry, or as "
                    "CSV with Time [s]/Voltage [V]/Current [A] headers."
                )
            # a Windows locale with a decimal comma writes "4,99669E-001" (the cells are
            # separated by tabs, so a comma is only ever the decimal mark)
            cells = block[col].str.replace(",", ".", regex=False)
            out[target] = pd.to_numeric(cells, errors="coerce")
        if open_circuit:
            out[CURRENT] = 0.0
        out[CYCLE] = len(blocks) + 1
        if "Over" in names:
            # the overload flags, judged once over all tables below (gamry_overload_rows)
            out[_GAMRY_OVER] = block["Over"].fillna("").astype(str).to_numpy()
        blocks.append(out)
    if not blocks:
        found = "; ".join(tables) or "none"
        # the summary table of cyclic charge-discharge is named only when the file has one
        summary = (
            " A CAPACITYCURVE is a summary (one row per half cycle), not a time series."
            if any(t.startswith("CAPACITYCURVE") for t in tables)
            else ""
        )
        raise DataFormatError(
            f"{path}: a Gamry .DTA file (technique {metadata.get('technique', 'not stated')!r}) "
            f"with neither an impedance table (ZCURVE) nor a curve with T/Vf/Im columns "
            f"(tables: {found}).{summary} solidna reads EIS and the DC techniques that record "
            "time, potential and current (CV, chronoamperometry ...). Export the measured curve "
            "as CSV with Time [s]/Voltage [V]/Current [A] headers."
        )
    metadata["curves"] = len(blocks)
    convention = _gamry_convention(lines, metadata)
    if convention is not None and convention != GAMRY_DEFAULT_CONVENTION:
        raise DataFormatError(
            f"{path}: the Gamry header gives the current convention {convention} "
            f"('CONVENTION IQUANT {convention}'), not {GAMRY_DEFAULT_CONVENTION} (anodic current "
            "positive), the value of every Gamry file solidna was checked on; the sign of 'Im' "
            "cannot be taken as written. Export the curve as CSV with Time [s]/Voltage [V]/"
            "Current [A] columns, the current positive on charge (oxidation of the working "
            "electrode)."
        )
    current, potential = ("Current", "Voltage") if "VFPCURVE" in tables else ("Im", "Vf")
    stated = (
        f"this file's 'CONVENTION' is {convention}, the default"
        if convention is not None
        else "this file has no 'CONVENTION' line"
    )
    if metadata.get("technique") == "CORPOT":
        notes.append(f"{potential!r} is the measured potential.")
    else:
        notes.append(
            f"Gamry current {current!r} used as written (Gamry writes anodic current as "
            f"positive unless the run's current convention was changed; {stated}); "
            f"{potential!r} is the measured potential."
        )
    if len(blocks) > 1:
        notes.append(
            f"the file holds {len(blocks)} CURVE tables; 'Cycle number' is the table's number "
            "(one per CV cycle)."
        )
    frame = pd.concat(blocks, ignore_index=True)
    if _GAMRY_OVER in frame:
        flags = frame.pop(_GAMRY_OVER).fillna("").astype(str).tolist()
        t = frame[TIME].to_numpy(dtype=float) if TIME in frame else None
        frame = frame[gamry_overload_rows(flags, t, path, notes)].reset_index(drop=True)
    return frame


#: Temporary column of a Gamry curve's ``Over`` flags (dropped before the table is finished).
_GAMRY_OVER = "_gamry_over"


# RelaxIS "Spectrum export": a names row whose cells start with "Data: ", then per spectrum one
# line of its parameters (DC=..., TM=..., the model and the source file) and its rows.
_RELAXIS_PREFIX = re.compile(r"^\s*data\s*:\s*", re.IGNORECASE)
_RELAXIS_COLUMNS = {
    "frequency": FREQUENCY,
    "z'": Z_RE,
    "z''": Z_IM,
    "|z|": "|Z|",
    "theta (z)": "phase",
}


def _read_relaxis(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any]
) -> pd.DataFrame:
    """The spectra of a RelaxIS spectrum export (own reader: impedance.py has none).

    RelaxIS writes the names as ``Data: Frequency``, ``Data: Z'``, ``Data: Z''``, ``Data: |Z|``,
    ``Data: Theta (Z)`` without units, and above each spectrum's rows a line of its parameters
    (``DC=..., TM=..., J=...``, the model, the source file). Z'' is the imaginary part (negative
    on a capacitive arc: the same points as the EC-Lab file the spectrum came from, whose
    ``-Im(Z)`` is positive there).
    """
    names_at = next(
        (i for i, line in enumerate(lines) if _RELAXIS_PREFIX.match(line.split("\t")[0])), None
    )
    if names_at is None:
        raise DataFormatError(
            f"{path}: a RelaxIS export without its names row ('Data: Frequency<TAB>Data: Z'...'). "
            "Export the spectrum again with the data columns."
        )
    names = [_RELAXIS_PREFIX.sub("", c).strip() for c in lines[names_at].rstrip("\n").split("\t")]
    index = {
        _RELAXIS_COLUMNS[n.lower()]: k for k, n in enumerate(names) if n.lower() in _RELAXIS_COLUMNS
    }
    polar = "|Z|" in index and "phase" in index
    if FREQUENCY not in index or not ((Z_RE in index and Z_IM in index) or polar):
        raise DataFormatError(
            f"{path}: the RelaxIS export has the columns {', '.join(map(repr, names))}; "
            "Frequency with Z' and Z'' (or |Z| and Theta (Z)) are needed. Export them."
        )
    spectra: list[pd.DataFrame] = []
    parameters: list[str] = []
    rows: list[list[float]] = []

    def close() -> None:
        if rows:
            table = np.array(rows, dtype=float)
            f = table[:, index[FREQUENCY]]
            if Z_RE in index and Z_IM in index:
                z = table[:, index[Z_RE]] + 1j * table[:, index[Z_IM]]
            else:
                z = table[:, index["|Z|"]] * np.exp(1j * np.deg2rad(table[:, index["phase"]]))
            spectra.append(pd.DataFrame({FREQUENCY: f, Z_RE: z.real, Z_IM: z.imag}))
            rows.clear()

    width = max(index.values()) + 1
    for line in lines[names_at + 1 :]:
        cells = line.rstrip("\r\n").split("\t")
        numbers = [_number(c) for c in cells[:width]]
        if len(numbers) == width and np.all(np.isfinite(numbers)):
            rows.append(numbers)
        elif line.strip():
            close()  # a parameter line starts the next spectrum
            parameters.append(cells[0].strip())
    close()
    if not spectra:
        raise no_data_rows(path)
    for k, table in enumerate(spectra, start=1):
        table[SPECTRUM] = k
    metadata["spectrum parameters"] = parameters
    notes.append(
        "RelaxIS export: the file states no units; frequency in Hz, Z' and Z'' in Ohm "
        "(and the phase in degrees) assumed, as RelaxIS exports them unnormalised; Z'' read as "
        "the imaginary part (negative on a capacitive arc)."
    )
    return pd.concat(spectra, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Own readers of layouts impedance.py does not read (:data:`IMPEDANCE_TEXT_FORMATS`)
# --------------------------------------------------------------------------------------------
#: The line PalmSens PSTrace writes over each curve's column names in its CSV export.
PSTRACE_CURVE_DATE = "Date and time measurement:"
#: Lines of a file's start searched for a layout's marks.
_HEAD_LINES = 80
_NAME_PRIMES = ("z'", 'z"', "z′", "z″")
_NAME_STARTS = ("zre", "zim", "re(z)", "im(z)", "-im(z)", "|z|", "zmod", "phase", "-phase")


def _separator(line: str) -> str:
    """The delimiter of a names line: tab, else semicolon when it outnumbers commas, else
    comma (semicolons go with decimal commas in the exports of those locales).

    One line of names, not rows of numbers: the generic reader's ``_delimiter_of_rows`` decides
    from rows of numbers (the delimiter that splits most of them into one width) and, for a line
    without numbers, by counts alone, which took ``"Frequency, Hz<TAB>Z', Ohm"`` for a
    comma-separated line; the layouts read here mark their tables by the names line.
    """
    if "\t" in line:
        return "\t"
    return ";" if line.count(";") > line.count(",") else ","


def _split(line: str, sep: str) -> list[str]:
    """The cells of ``line`` split at ``sep`` as the generic reader splits them
    (:func:`~solidna.analysis.io.generic._fields`: a quoted cell may hold the delimiter), without
    the spaces and quotes around them."""
    return [c.strip().strip('"').strip() for c in _fields(line, sep)]


def _impedance_names(cells: list[str]) -> bool:
    """True for a row of column names that holds a frequency and an impedance quantity.

    The short forms below, or any names the generic reader maps to a frequency, a real part (or
    modulus) and an imaginary part (or phase): Zurich Instruments MFLI sweeps written by YAPPARI
    name theirs ``frequency /Hz, Real Z /Ohm, Im Z /Ohm``.
    """
    low = [c.lower().replace(" ", "") for c in cells]
    frequency = any(c.startswith("freq") for c in low)
    impedance = any(
        any(p in c for p in _NAME_PRIMES) or c.startswith(_NAME_STARTS) or c in ("z/ohm", "z(ω)")
        for c in low
    )
    if frequency and impedance:
        return True
    if len(cells) < 3 or any(_is_number(c) for c in cells if c):
        return False
    from solidna.analysis.io.generic import map_columns

    found = map_columns([c for c in cells if c], None, "")
    return (
        "frequency" in found
        and bool({"z_re", "|z|"} & found.keys())
        and bool({"z_im", "-z_im", "phase", "-phase"} & found.keys())
    )


def _number(cell: str, decimal: str = ".") -> float:
    """A cell as a float, NaN when it is not a number without digit groups in the decimal mark
    ``decimal`` (the generic reader's :func:`~solidna.analysis.io._table.plain_number`; an
    empty cell, a text, ``"nan"`` or ``"inf"`` are no measured values)."""
    text = cell.strip()
    if not plain_number(decimal).fullmatch(text):
        return float("nan")
    return float(text.replace(decimal, ".") if decimal != "." else text)


def _is_number(cell: str) -> bool:
    """True for a cell that is a number in either decimal mark (before the mark is known)."""
    return bool(np.isfinite(_number(cell, ".")) or np.isfinite(_number(cell, ",")))


def _decimal_of(rows: list[str], sep: str) -> str:
    """The decimal mark of rows split at ``sep``: ``"."`` for a comma-separated table, else as
    the generic reader decides it from the cells (:func:`~solidna.analysis.io.generic.
    _decimal_mark`: ``"1,020.5"`` and ``"1.020"`` are told apart there)."""
    if sep == ",":
        return "."
    return _decimal_mark([cell for row in rows[:200] for cell in _split(row, sep)])


def _pstrace_date_line(lines: list[str]) -> int | None:
    """Index of the PSTrace line of measurement dates over impedance columns, or None.

    PSTrace writes each curve under three lines: its title (``Impedance Spectroscopy: ...``), a
    line ``Date and time measurement:,<date>`` and its column names (``freq / Hz``, ``Z' / Ohm``,
    ``-Z'' / Ohm``, ``Z / Ohm``, ``-Phase / deg`` ...); several curves stand side by side.
    A voltammetry export has the same lines over potential and current: it is not taken here.
    """
    for k, line in enumerate(lines[: _HEAD_LINES - 1]):
        if line.lstrip("\ufeff").strip().strip('"').startswith(PSTRACE_CURVE_DATE):
            names = lines[k + 1]
            if _impedance_names(_split(names, _separator(names))):
                return k
    return None


def _repeated_header_blocks(lines: list[str]) -> list[int]:
    """Indices of the lines that repeat the first impedance names row (one table per scan, as
    NOVA can export several frequency scans), or [] for a file without one."""
    for k, line in enumerate(lines[:_HEAD_LINES]):
        bare = line.strip()
        if bare and _impedance_names(_split(bare, _separator(bare))):
            return [j for j in range(k, len(lines)) if lines[j].strip() == bare]
    return []


def _zahner_names_at(lines: list[str]) -> int | None:
    """Index of a Zahner Thales column line (``LOGF``, ``LOGZm``, ``Phim``, ``Real``, ``Imag``,
    the logarithm of the frequency first), or None."""
    for k, line in enumerate(lines[:_HEAD_LINES]):
        low = [c.lower() for c in _split(line, _separator(line))]
        if "logf" in low and ({"real", "imag"} <= set(low) or {"logzm", "phim"} <= set(low)):
            return k
    return None


def _impedance_frames(
    raws: list[pd.DataFrame], path: Path, notes: list[str], area_m2: float | None
) -> pd.DataFrame:
    """The tidy impedance columns of each table of ``raws``, numbered as spectra 1, 2, ...

    Each table is read as the generic reader reads one (names and units from the header,
    ``-Z''`` and ``-Phase`` columns, kOhm, a Bode pair checked against Z_re/Z_im:
    :func:`~solidna.analysis.io.generic.frame_from_columns`), so the layouts read here take the
    same names and units as any delimited table.
    """
    from solidna.analysis.io.generic import check_columns, frame_from_columns, map_columns

    frames = []
    for k, raw in enumerate(raws, start=1):
        own: list[str] = []
        mapping = map_columns(list(raw.columns), None, path)
        check_columns(mapping, raw.columns, path)
        frame, kind, _ = frame_from_columns(raw, mapping, path, own, area_m2=area_m2)
        if kind != "impedance":  # pragma: no cover - the detection asks for a frequency
            raise DataFormatError(f"{path}: table {k} holds no frequency column.")
        frame[SPECTRUM] = k
        frames.append(frame)
        notes.extend(n for n in own if n not in notes)
    return pd.concat(frames, ignore_index=True)


def _read_pstrace(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any], area_m2: float | None
) -> pd.DataFrame:
    """The spectra of a PalmSens PSTrace CSV impedance export (own reader).

    Layout (PSTrace 5, "Export as CSV", UTF-16; proespm's PalmSens reader, GPL-3, layout only):
    ``Date and time:``, ``Notes:`` and a blank line, then per curve a title (``Impedance
    Spectroscopy: ...``), ``Date and time measurement:,<date>`` and the column names
    (``freq / Hz``, ``Z' / Ohm``, ``-Z'' / Ohm``, ``Z / Ohm``, ``-Phase / deg``, ``Idc / uA``
    ...). Several curves are written side by side, each from the column of its date cell; the
    generic CSV reader refused them all as "curves side by side", the single ones too.
    """
    at = _pstrace_date_line(lines)
    assert at is not None  # detected so
    sep = _separator(lines[at + 1])
    dates = _split(lines[at], sep)
    names = _split(lines[at + 1], sep)
    starts = [k for k, c in enumerate(dates) if c.startswith(PSTRACE_CURVE_DATE)] or [0]
    titles = _split(lines[at - 1], sep) if at else []
    rows: list[list[str]] = []
    for line in lines[at + 2 :]:
        if not line.strip():
            continue
        cells = _split(line, sep)
        if not any(_is_number(c) for c in cells if c):
            break  # a text line after the table
        rows.append(cells)
    decimal = _decimal_of([sep.join(r) for r in rows], sep)
    raws = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(names)
        cols = [(k, names[k]) for k in range(s, min(e, len(names))) if names[k]]
        table: dict[str, list[float]] = {name: [] for _, name in cols}
        for r in rows:
            cells = [r[k] if k < len(r) else "" for k, _ in cols]
            if not any(cells):
                continue  # a shorter curve beside a longer one
            for (_, name), c in zip(cols, cells, strict=True):
                table[name].append(_number(c, decimal))
        if not cols or not table[cols[0][1]]:
            raise DataFormatError(
                f"{path}: curve {i + 1} of the PSTrace export ({', '.join(map(repr, table))}) "
                "has no data rows. Export the curve again."
            )
        raws.append(pd.DataFrame(table))
    metadata["curves"] = [titles[s] if s < len(titles) else "" for s in starts]
    metadata["measured"] = [dates[s + 1] if s + 1 < len(dates) else "" for s in starts]
    if len(raws) > 1:
        notes.append(
            f"PalmSens PSTrace export of {len(raws)} curves side by side "
            f"({', '.join(map(repr, metadata['curves']))}): 'Spectrum' numbers them."
        )
    return _impedance_frames(raws, path, notes, area_m2)


def _is_row(line: str, sep: str) -> bool:
    """True for a data row: at least two cells at ``sep``, most of the filled ones numbers."""
    filled = [c for c in _split(line, sep) if c]
    numbers = sum(_is_number(c) for c in filled)
    return numbers >= 2 and 2 * numbers >= len(filled)


def _read_blocks(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any], area_m2: float | None
) -> pd.DataFrame:
    """The spectra of a table repeated per scan under its own names row (own reader).

    Metrohm NOVA can export several frequency scans as one table each, the names row
    (``Index;Frequency (Hz);Z' (Ω);-Z'' (Ω);...``) over each; read as one table, the second
    names row was a data row of text and the file was refused. Each table is one spectrum.

    A table ends at its first line of text after its rows: acquisition programs write lines
    between the spectra (YAPPARI's Zurich Instruments MFLI sweeps, CC-BY-NC-ND, layout only:
    ``end of measure : <date>``, ``Temp /K after measurement : 449.670 K``, ``----------``,
    then the next spectrum's ``Temp /K before measurement``, its start time and sample name);
    those lines are kept in ``metadata["text between tables"]``, not read as rows. The rows'
    delimiter is found from the rows: the MFLI names row is separated by commas, its rows by
    tabs.
    """
    at = _repeated_header_blocks(lines)
    sep = _separator(lines[at[0]])
    first_end = at[1] if len(at) > 1 else len(lines)
    candidates = [line for line in lines[at[0] + 1 : first_end] if line.strip()]
    row_sep = _delimiter_of_rows(candidates[:200]) if candidates else sep
    if not any(_is_row(line, row_sep) for line in candidates):
        row_sep = sep
    names = _split(lines[at[0]], sep)
    raws = []
    between: list[list[str]] = []
    for i, h in enumerate(at):
        end = at[i + 1] if i + 1 < len(at) else len(lines)
        rows: list[str] = []
        text: list[str] = []
        for line in lines[h + 1 : end]:
            if not line.strip():
                continue
            if text or (rows and not _is_row(line, row_sep)):
                text.append(line.strip())
            else:
                rows.append(line)
        between.append(text)
        decimal = _decimal_of(rows, row_sep)
        # the names row as written when the rows share its delimiter (a quoted name may hold it)
        header = lines[h].strip() if row_sep == sep else row_sep.join(names)
        block = "\n".join([header, *rows])
        try:
            raw = pd.read_csv(io.StringIO(block), sep=row_sep, decimal=decimal, index_col=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataFormatError(
                f"{path}: cannot read the table from line {h + 1} ({one_line(exc)}). Export the "
                "scans again, one file per scan or as one table."
            ) from None
        raw.columns = [str(c).strip() for c in raw.columns]
        if raw.empty:
            raise DataFormatError(
                f"{path}: the table from line {h + 1} has its names row but no data rows: the "
                "export stopped there. Export the scans again."
            )
        raws.append(raw)
    notes.append(
        f"{len(raws)} tables, each under its own names row (one per scan): 'Spectrum' numbers them."
    )
    if row_sep != sep:
        shown = {"\t": "tabs", ",": "commas", ";": "semicolons"}
        notes.append(
            f"the names row {', '.join(map(repr, names))} is separated by "
            f"{shown.get(sep, repr(sep))}, its rows by {shown.get(row_sep, repr(row_sep))}."
        )
    skipped = [line for text in between for line in text]
    if skipped:
        metadata["text between tables"] = between
        notes.append(
            f"{len(skipped)} line(s) of text after the tables' rows were not read as data "
            f"(first: {skipped[0]!r}); they are in metadata['text between tables']."
        )
    return _impedance_frames(raws, path, notes, area_m2)


_A4294_PARAMETER = re.compile(r"MEASURE PARAMETER:\s*(?P<value>[^\"]*)")
_A4294_TRACE = re.compile(r"TRACE:\s*(?P<name>[AB])\b")


def _a4294_traces(lines: list[str], path: Path) -> dict[str, tuple[list[str], np.ndarray]]:
    """Trace name -> (names row, rows of frequency, real and imaginary cell) of a 4294A text
    file; the names row is ``[]`` when the trace has none."""
    traces: dict[str, tuple[list[str], list[list[float]]]] = {}
    current = None
    for line in lines:
        bare = line.strip().strip('"')
        m = _A4294_TRACE.fullmatch(bare)
        if m:
            current = m.group("name")
            traces[current] = ([], [])
            continue
        if current is None:
            continue
        try:
            values = [float(c) for c in line.replace(",", ".").split()]
        except ValueError:
            # the names row ("Frequency" "Data Trace Real" ...) or the FORMAT line
            cells = [c.strip().strip('"') for c in line.split("\t")]
            if cells and cells[0].lower() == "frequency" and not traces[current][0]:
                traces[current][0].extend(cells)
            continue
        if len(values) >= 2:
            traces[current][1].append((values + [0.0])[:3])
    return {
        k: (names, np.array(rows, dtype=float).reshape(-1, 3))
        for k, (names, rows) in traces.items()
    }


#: 4294A names-row columns (lower case, single spaces) of the *data array* and the *memory
#: array*: "always used to save the R and X values (data before the measurement parameter
#: conversion or data operation)" (Agilent 4294A Operation Manual, ch. 8, "Data contents saved
#: in the trace data"), i.e. Z = R + iX in Ohm whatever the measure parameter. The *trace*
#: arrays ("Data Trace Real" ...) hold the displayed measure parameter instead.
_A4294_RX_ARRAYS = (("data real", "data imag"), ("memory real", "memory imag"))


def _a4294_rx(
    traces: dict[str, tuple[list[str], np.ndarray]], path: Path, again: str
) -> tuple[str, np.ndarray] | None:
    """The array name and rows (f, R, X) when the file holds the data (or memory) array, else
    None. Traces A and B then hold the same R, X (one measurement); if both are present they
    must agree."""
    found = {}
    for name, (names, rows) in traces.items():
        key = tuple(" ".join(n.lower().split()) for n in names[1:3])
        if key in _A4294_RX_ARRAYS and len(rows):
            found[name] = (" ".join(names[1].split()[:-1]), rows)
    if not found:
        return None
    if len(found) == 2:
        (_, a), (_, b) = found["A"], found["B"]
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-9, atol=0):
            raise DataFormatError(
                f"{path}: the 4294A traces A and B both hold the data array (R and X) but "
                "different values; the file was edited or holds two measurements. Save one "
                f"trace per file. {again}"
            )
    return next(iter(found.values()))


def _read_4294a(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any], area_m2: float | None
) -> pd.DataFrame:
    """The spectrum of an Agilent/Keysight 4294A text file (own reader).

    Layout (ethz-pes/impedance_analyzer_4294A_matlab, BSD-2, ``data/impedance.txt`` and
    ``read_4294A.m``): a header with ``"MEASURE PARAMETER: IMPEDANCE MAG PHASE (DEG)"``, then
    ``"TRACE: A"`` and ``"TRACE: B"``, each with a names row ``"Frequency" "Data Trace Real"
    "Data Trace Imag"`` and one row per frequency, tab-separated. The two traces are the two
    quantities of the measure parameter: |Z| [Ohm] and the phase [deg] (Z = |Z| exp(i phase),
    a capacitance at negative phase), or R and X [Ohm]; the "Imag" cells are 0 for such
    scalar traces. Read as one table, the columns named no impedance quantity.

    A file saved with the *data array* instead (names row ``"Frequency" "Data Real" "Data
    Imag"``, also ``"Memory Real"``; ImpedanceFitter's ``examples/test/C0-0.TXT``, MIT) holds R
    and X [Ohm] whatever the measure parameter (:data:`_A4294_RX_ARRAYS`), in one trace or the
    same in both: Z = R + iX. Such files were refused as "a complex display format".
    """
    parameter = next(
        (m.group("value").strip() for line in lines if (m := _A4294_PARAMETER.search(line))), ""
    )
    metadata["measure parameter"] = parameter
    parsed = _a4294_traces(lines, path)
    again = (
        "Set the 4294A's MEAS to |Z|-theta (IMPEDANCE MAG PHASE) or R-X with the traces in a "
        "scalar format (LIN/LOG) and save the data again, save the data array (Data Real/Data "
        "Imag: R and X) instead of the data trace, or write a CSV with Frequency/Z_re/Z_im "
        "headers."
    )
    rx = _a4294_rx(parsed, path, again)
    if rx is not None:
        array, table = rx
        notes.append(
            f"4294A {array} array ('{array} Real'/'{array} Imag'): R and X [Ohm] before the "
            f"conversion to the measure parameter ({parameter or 'not stated'!r}), as the "
            "4294A Operation Manual (ch. 8) states; Z = R + iX."
        )
        return pd.DataFrame({FREQUENCY: table[:, 0], Z_RE: table[:, 1], Z_IM: table[:, 2]})
    traces = {k: rows for k, (_, rows) in parsed.items()}
    columns = {k: names for k, (names, _) in parsed.items()}
    if set(traces) != {"A", "B"} or not all(len(t) for t in traces.values()):
        have = ", ".join(f"{k} ({len(v)} rows)" for k, v in traces.items()) or "none"
        raise DataFormatError(
            f'{path}: a 4294A text file needs its two traces, "TRACE: A" and "TRACE: B", '
            f"with rows (found: {have}). {again}"
        )
    a, b = traces["A"], traces["B"]
    if a.shape != b.shape or not np.allclose(a[:, 0], b[:, 0], rtol=1e-9, atol=0):
        raise DataFormatError(
            f"{path}: the 4294A traces A ({len(a)} rows) and B ({len(b)} rows) are not at the "
            f"same frequencies; the file is truncated or edited. {again}"
        )
    if np.any(a[:, 2] != 0) or np.any(b[:, 2] != 0):
        imag = next((n[2] for n in columns.values() if len(n) > 2), "the third column")
        raise DataFormatError(
            f"{path}: the 4294A traces hold complex values ({imag!r} not 0: a complex display "
            f"format), which do not say which quantity is which. {again}"
        )
    f = a[:, 0]
    key = parameter.upper().replace(" ", "")
    if "IMPEDANCE" in key and "MAG" in key and "PHASE" in key:
        theta = b[:, 1] if "RAD" in key else np.deg2rad(b[:, 1])
        z = a[:, 1] * np.exp(1j * theta)
        unit = "rad" if "RAD" in key else "deg"
        notes.append(
            f"4294A measure parameter {parameter!r}: trace A is |Z| [Ohm], trace B the phase "
            f"[{unit}]; Z = |Z| exp(i phase)."
        )
    elif key in ("R-X", "RS-XS"):
        z = a[:, 1] + 1j * b[:, 1]
        notes.append(f"4294A measure parameter {parameter!r}: trace A is R, trace B X [Ohm].")
    elif key in ("LS-RS", "CS-RS"):
        omega = 2 * np.pi * f
        if key == "LS-RS":
            z = b[:, 1] + 1j * omega * a[:, 1]
        else:
            with np.errstate(divide="ignore"):
                z = b[:, 1] - 1j / (omega * a[:, 1])
        notes.append(
            f"4294A measure parameter {parameter!r}: the series equivalent circuit, "
            f"Z = Rs + {'i w Ls' if key == 'LS-RS' else '1 / (i w Cs)'} (H, F, Ohm)."
        )
    else:
        raise DataFormatError(
            f"{path}: the 4294A measure parameter is {parameter or 'not stated'!r}; solidna "
            "reads IMPEDANCE MAG PHASE (|Z|-theta), R-X, Ls-Rs and Cs-Rs, which give Z itself. "
            + again
        )
    return pd.DataFrame({FREQUENCY: f, Z_RE: z.real, Z_IM: z.imag})


#: Bytes IviumSoft data files hold between their text lines (pyimpspec drops the same three).
_IVIUM_CONTROL = re.compile("[\x00\x1c\x1e]")


def _read_ivium(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any], area_m2: float | None
) -> pd.DataFrame:
    """The spectra of an Ivium ``.idf``/``.ids`` data file (own reader).

    Layout (pyimpspec's ``parse_ids``, GPL-3, layout only): ``name=value`` settings
    (``Title=``, ``Technique=`` ...), then per data set a line ``primary_data``, the number of
    columns (3), the number of rows and the rows, separated by spaces: Z' [Ohm], Z'' [Ohm] and
    the frequency [Hz]. A ``.ids`` holds several such sets, one per spectrum.
    """
    lines = [_IVIUM_CONTROL.sub("", line) for line in lines]
    settings = {}
    for line in lines:
        name, eq, value = line.partition("=")
        if eq and name.strip() and name.strip() not in settings:
            settings[name.strip()] = value.strip()
    technique = settings.get("Technique", "")
    metadata.update({k: settings[k] for k in ("Title", "Technique", "Method") if k in settings})
    if technique and "imped" not in technique.lower():
        raise DataFormatError(
            f"{path}: an Ivium data file of the technique {technique!r}, not impedance; its "
            "primary_data columns are not named in the file. Export the curve from IviumSoft as "
            "text (File > Export, columns time/s, I/A, E/V), which solidna reads."
        )
    marks = [k for k, line in enumerate(lines) if line.strip() == "primary_data"]
    spectra = []
    for k in marks:
        try:
            ncols, n = int(lines[k + 1].strip()), int(lines[k + 2].strip())
        except (IndexError, ValueError):
            raise DataFormatError(
                f"{path}: the primary_data at line {k + 1} is not followed by its numbers of "
                "columns and rows; the file is truncated or damaged. Save it again in IviumSoft."
            ) from None
        if ncols != 3:
            raise DataFormatError(
                f"{path}: the primary_data at line {k + 1} has {ncols} columns; an Ivium "
                "impedance set has 3 (Z', Z'', frequency). Export the spectrum from IviumSoft as "
                "text with Frequency/Z_re/Z_im columns."
            )
        rows = [line for line in lines[k + 3 : k + 3 + n]]
        try:
            table = np.array([[float(c) for c in r.replace(",", ".").split()] for r in rows])
        except ValueError:
            table = np.empty((0, 0))
        if len(rows) < n or table.shape != (n, 3):
            raise DataFormatError(
                f"{path}: the primary_data at line {k + 1} announces {n} rows of 3 numbers; "
                f"{len(rows)} lines follow and not all are such rows: the file is truncated. "
                "Save it again in IviumSoft."
            )
        if not np.all(table[:, 2] > 0):
            raise DataFormatError(
                f"{path}: the third column of the primary_data at line {k + 1} is not a "
                "frequency (values <= 0): not an impedance spectrum. Export the curve from "
                "IviumSoft as text with named columns."
            )
        spectra.append(
            pd.DataFrame(
                {
                    FREQUENCY: table[:, 2],
                    Z_RE: table[:, 0],
                    Z_IM: table[:, 1],
                    SPECTRUM: len(spectra) + 1,
                }
            )
        )
    if not spectra:
        raise no_data_rows(path)
    notes.append(
        "Ivium data file: the primary_data columns are not named in the file; read as Z' "
        "[Ohm], Z'' [Ohm] (the imaginary part, negative on a capacitive arc) and the frequency "
        "[Hz], the order IviumSoft writes (as pyimpspec reads them)."
    )
    return pd.concat(spectra, ignore_index=True)


def _read_zahner(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any], area_m2: float | None
) -> pd.DataFrame:
    """The spectrum of a Zahner Thales ASCII export (own reader).

    Layout (Thales ``Bin2Txt`` / "Save as ASCII", as the R package of the public ``txt2df``
    reader describes it): settings lines (``Potential : ...``), then a tab-separated names row
    ``LOGF LOGO LOGZm Phim Real Imag ...`` and rows in decimal commas. ``LOGF`` is log10 of the
    frequency [Hz], ``LOGZm`` log10 of |Z| [Ohm], ``Phim`` the phase [deg], ``Real``/``Imag``
    the parts of Z [Ohm]. The generic reader found no frequency in ``LOGF``.
    """
    at = _zahner_names_at(lines)
    assert at is not None
    sep = _separator(lines[at])
    names = [c.lower() for c in _split(lines[at], sep)]
    body = [line for line in lines[at + 1 :] if line.strip()]
    decimal = _decimal_of(body, sep)
    rows = []
    for line in body:
        values = [_number(c, decimal) for c in _split(line, sep)]
        if len(values) < len(names) or not np.isfinite(values[names.index("logf")]):
            break
        rows.append(values[: len(names)])
    if not rows:
        raise no_data_rows(path)
    table = np.array(rows, dtype=float)

    def col(name: str) -> np.ndarray:
        return table[:, names.index(name)]

    f = 10.0 ** col("logf")
    if {"real", "imag"} <= set(names):
        z = col("real") + 1j * col("imag")
        notes.append(
            "Zahner export: frequency = 10**LOGF [Hz]; Z from the Real and Imag columns [Ohm], "
            "the imaginary part as written (negative on a capacitive arc)."
        )
    else:
        z = 10.0 ** col("logzm") * np.exp(1j * np.deg2rad(col("phim")))
        notes.append(
            "Zahner export: frequency = 10**LOGF [Hz], |Z| = 10**LOGZm [Ohm], Phim the phase "
            "[deg]; Z = |Z| exp(i Phim)."
        )
    return pd.DataFrame({FREQUENCY: f, Z_RE: z.real, Z_IM: z.imag})


#: First line of the text files of Scribner CorrWare (``.cor``: CV, potentiodynamic, open
#: circuit ...) and of CorrTest, which writes the same layout.
CORRWARE_MAGIC = "CORRW ASCII"
#: CorrWare column name (lower case, without spaces) -> tidy quantity. ``I(A/cm2)`` is the current
#: divided by the header's ``Surface Area`` [cm2] (corrosionR's ``openCorrware`` reads it as a
#: density; CorrTest writes ``i(A/cm^2)``).
_CORRWARE_COLUMNS = {
    "e(volts)": VOLTAGE,
    "e(v)": VOLTAGE,
    "i(amps)": CURRENT,
    "i(a)": CURRENT,
    "i(a/cm2)": "density",
    "i(a/cm^2)": "density",
    "t(seconds)": TIME,
    "t(s)": TIME,
}
_CORRWARE_SETTING = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z .#]*?)\s*:\s*(?P<value>\S.*?)\s*$")
#: CorrWare's starting value of the cell's Surface Area [cm2] (the CorrTest file of the CORRECT
#: README keeps it): a left-over 1 cm2 cannot be told from a 1 cm2 electrode, so it is unknown.
CORRWARE_UNSET_AREA_CM2 = 1.0


def _corrware_settings(lines: list[str]) -> dict[str, str]:
    """The ``Name: value`` lines of a CorrWare header (the first of each name)."""
    settings: dict[str, str] = {}
    for line in lines:
        m = _CORRWARE_SETTING.match(line)
        if m and m.group("name") not in settings:
            settings[m.group("name")] = m.group("value")
    return settings


def _corrware_rows(
    lines: list[str], start: int, width: int, path: Path, again: str
) -> tuple[np.ndarray, list[int]]:
    """The rows of a CorrWare table from line index ``start`` and their cycle numbers (from 1).

    CorrTest ends the last row of each cycle with ``<n> CYCLE`` (n from 0), so a row so marked
    closes cycle n + 1; without marks every row is in cycle 1.
    """
    rows, cycles, cycle = [], [], 1
    for k, line in enumerate(decimal_comma_rows_to_points(lines[start:]), start=start + 1):
        cells = line.split()
        if not cells:
            continue
        marker = len(cells) == width + 2 and cells[-1].upper() == "CYCLE"
        values = [_number(c) for c in cells[:width]]
        if (
            len(values) != width
            or not np.all(np.isfinite(values))
            or (len(cells) != width and not marker)
        ):
            raise DataFormatError(
                f"{path}: line {k} of the CorrWare table is not {width} numbers "
                f"({line.strip()[:60]!r}); the file is damaged or edited. {again}"
            )
        rows.append(values)
        cycles.append(cycle)
        cycle += marker
    return np.array(rows, dtype=float).reshape(-1, width), cycles


def _read_corrware(
    lines: list[str], path: Path, notes: list[str], metadata: dict[str, Any], area_m2: float | None
) -> tuple[pd.DataFrame, float | None]:
    """The curve of a Scribner CorrWare / CorrTest ``.cor`` text file, and the area [m2] to use.

    Layout (corrosionR's ``openCorrware`` and its ``cyclic_voltammogram.cor``, MIT; CorrTest's
    in the CORRECT project's README): ``CORRW ASCII``, header lines (``Surface Area: 4``, ``Scan
    Rate: 100`` ...), the column names (``E(Volts)<TAB>I(A/cm2)<TAB>T(Seconds)``; CorrTest:
    ``E(V)``, ``i(A/cm^2)``, ``T(s)``), a line ``End Comments`` and the rows, whitespace-
    separated. The generic reader refused such files ("a table without a recognisable header"):
    the ``End Comments`` line stands between the names and the rows.

    ``I(A/cm2)`` is the current divided by the header's Surface Area, so the current is the
    density times that area, whatever electrode area the analysis then uses.

    Returns
    -------
    tuple of (pandas.DataFrame, float or None)
        The time series, and the electrode area [m2] (the user's, else the header's).
    """
    metadata["instrument"] = "Scribner CorrWare"
    metadata.pop("reader", None)
    again = (
        "Export the curve from CorrView as text again, or as CSV with Time [s]/Voltage [V]/"
        "Current [A] headers."
    )
    end = next((k for k, line in enumerate(lines) if line.strip() == "End Comments"), None)
    names_at = next((k for k in range(end - 1, 0, -1) if lines[k].strip()), None) if end else None
    if end is None or names_at is None:
        raise DataFormatError(
            f"{path}: a CorrWare file (first line {CORRWARE_MAGIC!r}) without its column names "
            f"over an 'End Comments' line: truncated or edited. {again}"
        )
    names = [c.strip() for c in lines[names_at].split("\t") if c.strip()]
    found = {_CORRWARE_COLUMNS.get(n.lower().replace(" ", "")): k for k, n in enumerate(names)}
    current = "density" if "density" in found else CURRENT
    if not {TIME, VOLTAGE, current} <= set(found):
        raise DataFormatError(
            f"{path}: the CorrWare columns {', '.join(map(repr, names))} (line {names_at + 1}) "
            "do not give the time (T(Seconds)), the potential (E(Volts)) and the current "
            f"(I(Amps) or I(A/cm2)). {again}"
        )
    settings = _corrware_settings(lines[:end])
    metadata.update({k: settings[k] for k in ("Scan Rate", "Data Points") if k in settings})
    polarity = settings.get("PolarityI", "0")
    metadata["current polarity (PolarityI)"] = polarity
    if polarity != "0":
        # 0 in every CorrWare file checked, with the cathodic current negative (hydrogen
        # evolution at -1.5 V in corrosionR's CV); what another value does to the sign written
        # is not documented where solidna could check: refused rather than read with a guess
        raise DataFormatError(
            f"{path}: the CorrWare header gives 'PolarityI: {polarity}', not 0 (the value of "
            "every CorrWare file solidna was checked on, anodic current positive): the sign of "
            "the current cannot be taken as written. Export the curve as CSV with Time [s]/"
            "Voltage [V]/Current [A] columns, the current positive on oxidation of the working "
            "electrode."
        )
    table, cycles = _corrware_rows(lines, end + 1, len(names), path, again)
    if not len(table):
        raise no_data_rows(path)
    announced = _number(settings.get("Data Points", ""))
    if np.isfinite(announced) and announced != len(table):
        notes.append(
            f"the CorrWare header announces {announced:g} points, the file holds {len(table)}: "
            "the run was stopped or the file cut; the rows present are read."
        )
    frame = pd.DataFrame({TIME: table[:, found[TIME]], VOLTAGE: table[:, found[VOLTAGE]]})
    area_text = settings.get("Surface Area", "")
    file_area_cm2 = _number(area_text, "," if "," in area_text else ".")
    if current == "density":
        density = table[:, found["density"]]
        if np.isfinite(file_area_cm2) and file_area_cm2 > 0:
            frame[CURRENT] = density * file_area_cm2
            notes.append(
                "CorrWare writes the current divided by the header's Surface Area "
                f"({file_area_cm2:g} cm2) as I(A/cm2): current = I(A/cm2) x {file_area_cm2:g} cm2."
            )
        elif area_m2 is not None:
            frame[CURRENT] = density * area_m2 * 1e4
            notes.append(
                f"the CorrWare header has no usable Surface Area ({area_text!r}): current = "
                f"I(A/cm2) x the area given ({area_m2 * 1e4:g} cm2)."
            )
        else:
            raise DataFormatError(
                f"{path}: the CorrWare current is a density (I(A/cm2)) and the header has no "
                f"usable 'Surface Area' ({area_text!r}) to turn it into a current. Give the "
                "area the run was set up with, e.g. --area '1 cm2' (area= in Python)."
            )
    else:
        frame[CURRENT] = table[:, found[CURRENT]]
    if cycles[-1] > 1:
        frame[CYCLE] = cycles
        notes.append("the rows' 'n CYCLE' marks (CorrTest) give the cycle numbers.")
    notes.append(
        "CorrWare current used as written (PolarityI 0: anodic current positive); 'E' is the "
        "working electrode's potential."
    )
    if np.isfinite(file_area_cm2):
        area_m2 = stored_area(
            file_area_cm2,
            area_m2,
            "CorrWare header's Surface Area",
            metadata,
            notes,
            unset_cm2=CORRWARE_UNSET_AREA_CM2,
            unset_words="CorrWare's starting value (a left-over value cannot be told from a "
            "1 cm2 electrode)",
        )
    return frame, area_m2


#: Format -> own reader of the layout (impedance.py has none).
_OWN_READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "pstrace-eis": _read_pstrace,
    "keysight-4294a": _read_4294a,
    "ivium-eis": _read_ivium,
    "zahner-eis": _read_zahner,
    "eis-blocks": _read_blocks,
}


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
    metadata: dict[str, Any] = {"instrument": instrument}
    if reader_name:  # RelaxIS has no impedance.py reader (solidna's _read_relaxis)
        metadata["reader"] = f"impedance.preprocessing.{reader_name}"
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
    if fmt == "relaxis-eis":
        lines = _normalised_lines(_decode(path.read_bytes()), fmt)
        frame = _read_relaxis(lines, path, notes, metadata)
        table = finish_table(frame, path=path, kind="impedance", notes=notes)
        return Measurement(table, "impedance", fmt, path, area_m2, metadata, notes)
    if fmt in _OWN_READERS:
        text = _decode(path.read_bytes())
        frame = _OWN_READERS[fmt](text.splitlines(), path, notes, metadata, area_m2)
        table = finish_table(frame, path=path, kind="impedance", notes=notes)
        return Measurement(table, "impedance", fmt, path, area_m2, metadata, notes)
    if fmt == "zplot-eis":
        text = _decode(path.read_bytes())
        if text.lstrip().startswith(CORRWARE_MAGIC):
            frame, area_m2 = _read_corrware(text.splitlines(), path, notes, metadata, area_m2)
            table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
            return Measurement(table, "timeseries", fmt, path, area_m2, metadata, notes)
    reader: Callable = getattr(pp, reader_name)
    with _normalised_copy(path, fmt) as (copy, lines):
        if fmt == "gamry-eis":
            area_m2 = _gamry_area(lines, area_m2, metadata, notes)
        if fmt == "gamry-eis" and not any(line.startswith("ZCURVE") for line in lines):
            frame = _gamry_curves(lines, path, notes, metadata)
            table = finish_table(frame, path=path, kind="timeseries", area_m2=area_m2, notes=notes)
            return Measurement(table, "timeseries", fmt, path, area_m2, metadata, notes)
        if fmt == "versastudio-eis":
            _check_versastudio(lines, path)
        try:
            f, z = reader(str(copy))
            f = np.asarray(f, dtype=float)
            z = np.asarray(z, dtype=complex)
        except Exception as exc:  # impedance.py raises IndexError/ValueError/UnboundLocalError ...
            # encodings and blank lines are handled by the copy: what remains is the file itself
            raise DataFormatError(
                f"{path}: impedance.py's {reader_name} cannot read this {description} file "
                f"({one_line(exc)}); it is truncated, holds another technique than impedance, "
                "or has a layout the reader does not know. Export the impedance table again, or "
                "as CSV with Frequency/Z_re/Z_im headers."
            ) from None
        if fmt == "gamry-eis":
            _check_gamry_ohm(lines, path)
            z = _gamry_drift_corrected(lines, f, z, notes, metadata)
            convention = _gamry_convention(lines, metadata)
            if convention is not None and convention != GAMRY_DEFAULT_CONVENTION:
                # Zreal/Zimag are the ratio of the AC potential to the AC current; the
                # convention is the sign given to the DC current (Idc), which is not read
                notes.append(
                    f"the file's current convention is {convention} (not "
                    f"{GAMRY_DEFAULT_CONVENTION}): Zreal and Zimag are read as written; check "
                    "that the capacitive arc has Zimag < 0."
                )
    if fmt == "parstat" and parts.get("timeseries"):
        metadata["timeseries rows"] = parts["timeseries"]
        notes.append(
            f"the file also holds {parts['timeseries']} time-series rows at 0 Hz (potential, "
            "current); read(path, kind='timeseries') gives them."
        )
    frame = pd.DataFrame({FREQUENCY: f, Z_RE: z.real, Z_IM: z.imag})
    table = finish_table(frame, path=path, kind="impedance", notes=notes)
    return Measurement(table, "impedance", fmt, path, area_m2, metadata, notes)
