"""BioLogic EC-Lab files: binary ``.mpr`` (galvani) and text ``.mpt`` (own reader).

``.mpr`` is read with galvani (:class:`galvani.BioLogic.MPRfile`), the field's reverse-engineered
reader. ``.mpt`` is read here, because galvani's ``MPTfile`` accepts only the columns of its fixed
table, only ASCII and only CRLF line ends (real exports carry Latin-1 ``µ``/``²``, decimal commas
and LF line ends), and impedance.py's ``readBioLogic`` reads only frequency and impedance. The
text export is tab-separated with a header whose length a line near the top states
(``Nb header lines : 61``; EC-Lab writes it on the second line, files that were edited or made
by other tools may have it lower); pandas' C parser reads the table. The text is Latin-1
(EC-Lab's Windows-1252) or, after an editor or converter, UTF-8: the header's bytes decide.

Column names are EC-Lab's in both formats (galvani keeps them): ``time/s``, ``Ewe/V`` or
``Ecell/V``, ``I/mA`` or ``<I>/mA``, ``(Q-Qo)/mA.h``, ``cycle number``, ``Ns``, ``freq/Hz``,
``Re(Z)/Ohm``, ``-Im(Z)/Ohm``. A GCPL ``.mpr`` often stores no current column; the current is then
the charge passed between samples over the time between them, ``dq/dt`` (the mean current over
the interval, as EC-Lab's ``<I>``), which integrates back to ``(Q-Qo)`` exactly.

**Mixed records.** Modulo Bat, GCPL-with-EIS and PEIS files hold a ``freq/Hz`` column that is
non-zero only on the impedance rows; the other rows are the time series (and, in a PEIS file,
the potential recorded at 0 Hz before the sweep). Both parts are read: ``kind`` chooses, the
default is the part with more rows, and the notes say that the other part exists. The spectra
are numbered (``"Spectrum"``): a new one wherever the impedance rows are interrupted or the sweep
turns back.

**Voltage.** A record with a reference electrode (``Record Ece``) holds ``Ewe/V`` (working
electrode against the reference, the half-cell potential) and ``Ewe-Ece/V`` (against the counter
electrode, the cell voltage); BT-Lab cyclers write ``Ecell/V`` only. The voltage read is the one
the header's ``Potential control`` line names, the quantity the technique controlled and
limited: ``Ewe`` (also when the line is missing) or, for ``Potential control : Ewe-Ece``,
``Ewe-Ece/V`` (``<Ewe-Ece>/V``, ``Ecell/V``). A note names the other column, how far the two are
apart (within a few mV when the counter and reference are joined, as in a two-electrode cell)
and how to read it instead: ``columns={"voltage": "Ewe-Ece/V"}`` (``read``, ``read_mpt``,
``read_mpr``) or ``--column voltage=Ewe-Ece/V`` (``solidna analyze``). A ``.mpr`` stores the
counter electrode's potential ``Ece/V`` rather than the difference: ``Ewe-Ece/V`` is formed as
Ewe - Ece. The ``.mpr`` does not say which potential was controlled (where EC-Lab keeps its
``Potential control`` setting in the binary file is not known from public sources: yadg's and
galvani's layouts of the settings and log modules have no such field), so the steps decide where
they can: the potential the technique limited ends its potential-limited steps at the limit,
the same value at every end of one current direction, while the other spreads; without such
ends Ewe is read, and the note says that the control is not known.

**Time.** An export with EC-Lab's absolute time format writes dates and times under ``time/s``
(``11/20/2024 11:38:41.707``); they are read as seconds from the first row, month first as EC-Lab
writes dates unless the header's ``Time format : Absolute DDMMYYYY`` says otherwise (noted).

**Electrode area.** EC-Lab writes ``Electrode surface area : 0.001 cm²`` when the user never set
it; that default is taken as unknown (noted; give ``area=``), never as the area. The text export
states it in its header, the binary file in its settings module (``VMP Set``), which galvani keeps
undecoded (``MPRfile.modules``); :func:`mpr_settings` decodes the fields of its fixed-layout head
(:data:`MPR_SETTINGS_LAYOUT`), and both readers decide on the area with :func:`electrode_area`, so
a ``.mpr`` and its ``.mpt`` twin give the same area, units and analysis.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.cycling import rest_threshold
from solidna.analysis.io._table import (
    CAPACITY,
    CURRENT,
    EC_LAB_DEFAULT_AREA_CM2,
    FREQUENCY,
    QUANTITIES,
    SPECTRUM,
    TIME,
    Measurement,
    Progress,
    check_file,
    cumulative_from_counter,
    finish_table,
    one_line,
    spectrum_index,
    split_header,
    stored_area,
    text_encoding,
    time_from_clock,
    unit_factor,
)
from solidna.analysis.io.generic import (
    SignedCurrent,
    check_columns,
    frame_from_columns,
    map_columns,
    read_delimited,
)
from solidna.errors import DataFormatError

__all__ = [
    "read_mpr",
    "read_mpt",
    "looks_like_mpt_columns",
    "write_mpt",
    "mpr_settings",
    "electrode_area",
    "MPR_MAGIC",
    "MPT_MAGICS",
    "MPR_SETTINGS_LAYOUT",
]

MPR_MAGIC = b"BIO-LOGIC MODULAR FILE"
MPT_MAGICS = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")

#: Names of EC-Lab's column line that only an EC-Lab/BT-Lab text export starts with: its time
#: beside its mode or potential columns. An export saved without its header (EC-Lab's text
#: export lets the header go; ImperialCollegeLondon/PyProBE's test file
#: ``Sample_data_biologic_no_header.mpt``) starts with this line.
_MPT_TIME = "time/s"
_MPT_MARKS = {"mode", "ox/red", "Ns", "Ewe/V", "Ecell/V", "<Ewe>/V", "control/V/mA", "I/mA"}


def looks_like_mpt_columns(line: str) -> bool:
    """True for EC-Lab's tab-separated column line (``mode  ox/red ... time/s ...``), the first
    line of an ``.mpt`` exported without its header.

    Parameters
    ----------
    line : str
        The file's first line.

    Returns
    -------
    bool
        Whether it names ``time/s`` and at least two other columns only EC-Lab writes.
    """
    cells = {c.strip() for c in line.lstrip("\ufeff").rstrip("\r\n").split("\t")}
    return _MPT_TIME in cells and len(cells & _MPT_MARKS) >= 2


# Quantity -> EC-Lab column names, most direct first.
_BIOLOGIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "time": ("time/s",),
    # a technique that records the average writes its unit inside the brackets: ``<Ewe/V>``
    # (chronopotentiometry with ``record <Ewe>``), elsewhere ``<Ewe>/V``
    # the working electrode's potential first, then the cell voltage (a BT-Lab cycler records
    # only Ecell); _choose_voltage reads Ewe-Ece where the header says the technique controlled it
    "voltage": ("Ewe/V", "<Ewe>/V", "<Ewe/V>", "Ecell/V", "<Ecell>/V", "<Ecell/V>")
    + ("Ewe-Ece/V", "<Ewe-Ece>/V")
    # a stack-mode record (``Stack channel(s)``: cells in series on one channel) writes the
    # stack's voltage ``<Estack>`` and each cell's ``<E1>``, ``<E2>``...; the stack's is read
    + ("Estack/V", "<Estack>/V"),
    "current": ("I/mA", "<I>/mA", "I/A", "<I>/A", "<I/mA>", "<I/A>"),
    "capacity": ("(Q-Qo)/mA.h", "(Q-Qo)/C"),
    "cycle": ("cycle number",),
    "step": ("Ns",),
    "frequency": ("freq/Hz",),
    # a stack-mode PEIS writes the stack's impedance ``Re(Zstack)``/``-Im(Zstack)`` and each
    # cell's ``Re(Z1)``/``-Im(Z1)``...; the stack's is read (:func:`_note_other_impedances`)
    "z_re": ("Re(Z)/Ohm", "Re(Zstack)/Ohm"),
    "-z_im": ("-Im(Z)/Ohm", "-Im(Zstack)/Ohm"),
}


# --------------------------------------------------------------------------------------------
# Electrode area: one decision for both formats
# --------------------------------------------------------------------------------------------
def electrode_area(
    area_cm2: float,
    area_m2: float | None,
    where: str,
    metadata: dict[str, Any],
    notes: list[str],
) -> float | None:
    """The electrode area to use, from the value EC-Lab stored and the one the user gave.

    EC-Lab's default (:data:`~solidna.analysis.io._table.EC_LAB_DEFAULT_AREA_CM2`, 0.001 cm2, a
    cell whose area was never set) and a non-positive value are taken as unknown, with a note; a
    user's ``area_m2`` wins over the file's (noted when they differ). The stored value goes to
    ``metadata["electrode area [cm2]"]``. The rule is :func:`~solidna.analysis.io._table.stored_area`'s,
    shared with the Gamry reader.

    Parameters
    ----------
    area_cm2 : float
        Electrode surface area stored in the file, in cm2.
    area_m2 : float or None
        Area given by the user, in m2 (None: not given).
    where : str
        Where the file stores it, for the note (e.g. ``"header"``).
    metadata, notes
        The measurement's metadata and notes, added to in place.

    Returns
    -------
    float or None
        Area in m2, or None when unknown.
    """
    return stored_area(
        area_cm2,
        area_m2,
        f"file's {where}",
        metadata,
        notes,
        unset_cm2=EC_LAB_DEFAULT_AREA_CM2,
        unset_words="EC-Lab's default (never set)",
    )


#: Fields of the head of an EC-Lab ``.mpr`` settings module (``VMP Set``): name -> (byte offset
#: in the module's data, numpy dtype). The layout is reverse-engineered (the same offsets in
#: eclabfiles/yadg); it was checked on the ``.mpr`` files of ``shared/data/biologic`` (EC-Lab
#: 11.32, GCPL; BT-Lab Modulo Bat), whose fields at these offsets read EC-Lab's own defaults and
#: values (x = 1, 90.93 g/mol, 6.94 g/mol, x0 = 0.9, 1 electron, reference "(unspecified)"). The
#: area is a float32 in cm2 between the electrolyte and reference-electrode strings. ``"pascal"``
#: is a length byte followed by the text; its slot ends where the next field begins.
MPR_SETTINGS_LAYOUT: dict[str, tuple[int, str]] = {
    "technique id": (0x0000, "u1"),
    "comments": (0x0007, "pascal"),
    "active material mass": (0x0107, "<f4"),
    "at x": (0x010B, "<f4"),
    "molecular weight [g.mol-1]": (0x010F, "<f4"),
    "atomic weight [g.mol-1]": (0x0113, "<f4"),
    "acquisition started at x0": (0x0117, "<f4"),
    "electrons per ion": (0x011B, "<u2"),
    "electrode material": (0x011E, "pascal"),
    "electrolyte": (0x01C0, "pascal"),
    "electrode area [cm2]": (0x0211, "<f4"),
    "reference electrode": (0x0215, "pascal"),
    "characteristic mass": (0x024C, "<f4"),
}

#: Largest area taken as decoded, cm2 (1 m2): a larger float at the area's offset means the
#: layout is not the one above (no electrode on an EC-Lab channel is a square metre).
MPR_MAX_AREA_CM2 = 1e4


def mpr_settings(modules: list[dict[str, Any]]) -> tuple[dict[str, Any], str | None]:
    """Decode the head of the settings module of an EC-Lab ``.mpr`` (:data:`MPR_SETTINGS_LAYOUT`).

    Parameters
    ----------
    modules : list of dict
        galvani's ``MPRfile.modules`` (each with ``"shortname"`` and the raw ``"data"`` bytes).

    Returns
    -------
    settings : dict
        Field name -> value (floats rounded to the decimal float32 holds: 0.001, not
        0.0010000000475); empty when the layout is not recognised.
    problem : str or None
        Why the module could not be decoded (None when it was).
    """
    found = [m for m in modules if bytes(m.get("shortname", b"")).strip() == b"VMP Set"]
    if not found:
        return {}, "the file has no settings module"
    data = bytes(found[0]["data"])
    ends = sorted(offset for offset, _ in MPR_SETTINGS_LAYOUT.values())
    out: dict[str, Any] = {}
    for name, (offset, dtype) in MPR_SETTINGS_LAYOUT.items():
        if dtype == "pascal":
            slot_end = next((e for e in ends if e > offset), len(data))
            if offset >= len(data) or data[offset] > slot_end - offset - 1:
                return {}, f"the {name!r} text at byte {offset} overruns its slot"
            out[name] = data[offset + 1 : offset + 1 + data[offset]].decode("latin-1")
            continue
        size = np.dtype(dtype).itemsize
        if offset + size > len(data):
            return {}, f"the settings module is {len(data)} bytes, too short for {name!r}"
        value = np.frombuffer(data, dtype=dtype, count=1, offset=offset)[0]
        # float32 -> the shortest decimal that reads back as it (what EC-Lab displays)
        out[name] = float(str(value)) if value.dtype.kind == "f" else int(value)
    area = out["electrode area [cm2]"]
    if not (np.isfinite(area) and 0 < area <= MPR_MAX_AREA_CM2):
        return {}, f"the value at the area's offset, {area!r}, is not an area in cm2"
    return out, None


def _mapping(header: list[str]) -> dict[str, tuple[str, str | None]]:
    found = {}
    for key, names in _BIOLOGIC_COLUMNS.items():
        for name in names:
            if name in header:
                found[key] = (name, split_header(name)[1])
                break
    return found


_IMPEDANCE_KEYS = ("frequency", "z_re", "-z_im")

#: The cell voltage, working against counter electrode: EC-Lab's ``Ewe-Ece`` (``Record Ece``),
#: or ``Ecell`` (BT-Lab, and EC-Lab's "CE to ground" connection), recorded or averaged.
_CELL_VOLTAGE = ("Ewe-Ece/V", "<Ewe-Ece>/V", "Ecell/V", "<Ecell>/V", "<Ecell/V>")
#: The working electrode against the reference electrode (the half-cell potential).
_WE_POTENTIAL = ("Ewe/V", "<Ewe>/V", "<Ewe/V>")
#: The counter electrode against the reference (``Record Ece``). A ``.mpr`` stores it as
#: measured; the text export adds the difference ``Ewe-Ece``, which :func:`_cell_from_ece`
#: forms where a file holds the two potentials but not their difference.
_CE_POTENTIAL = ("Ece/V", "<Ece>/V", "<Ece/V>")
#: Ends of the steps the controlled potential limited lie at the limit: at most this far apart
#: [V] (the last sample at or just past the limit; EC-Lab samples the limit within ~1 mV).
_AT_LIMIT_V = 0.005
#: ... while the potential that was not controlled spreads by at least this much [V] there.
_OFF_LIMIT_V = 0.02


def _user_columns(
    header: list[str],
    columns: Mapping[str, str] | None,
    path: Path,
    full: dict[str, tuple[str, str | None]],
    notes: list[str],
) -> set[str]:
    """Put the user's ``columns`` (quantity -> EC-Lab column) into ``full``; the keys mapped.

    EC-Lab names its columns one way, so they are found without help; a mapping chooses
    between columns that hold one quantity in different ways (``Ewe/V`` or ``Ewe-Ece/V`` for
    the voltage, ``I/mA`` or ``<I>/mA``, ``(Q-Qo)/mA.h`` or ``Q charge/discharge/mA.h``).
    """
    if not columns:
        return set()
    user = map_columns(header, columns, path)
    keys = {str(k).lower() for k in columns}
    for key in keys:
        if key in ("z_im", "-z_im"):
            # one imaginary column: the user's replaces EC-Lab's -Im(Z)
            full.pop("-z_im" if key == "z_im" else "z_im", None)
        full[key] = user[key]
    notes.append(
        "columns chosen by hand: "
        + ", ".join(f"{key} from {user[key][0]!r}" for key in sorted(keys))
        + "."
    )
    return keys


def _first_with_data(raw: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that is a column of ``raw`` holding at least one number (EC-Lab
    can name a column in the header and write no values under it)."""
    for name in names:
        if name in raw and pd.to_numeric(raw[name], errors="coerce").notna().any():
            return name
    return None


def _cell_from_ece(raw: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
    """``raw`` with the cell voltage ``Ewe-Ece/V`` = Ewe - Ece where the file records both
    potentials against the reference but no cell voltage (a ``.mpr`` of a ``Record Ece`` run);
    ``metadata["cell voltage formed as"]`` says so (noted where the voltage is read from it)."""
    if _first_with_data(raw, _CELL_VOLTAGE) is not None:
        return raw
    we = _first_with_data(raw, _WE_POTENTIAL)
    ce = _first_with_data(raw, _CE_POTENTIAL)
    if we is None or ce is None:
        return raw
    cell = pd.to_numeric(raw[we], errors="coerce") - pd.to_numeric(raw[ce], errors="coerce")
    metadata["cell voltage formed as"] = f"{we!r} - {ce!r}"
    return raw.assign(**{"Ewe-Ece/V": cell.to_numpy(dtype=float)})


#: Agreement [V] of Ewe with (Ewe-Ece) + Ece on the rows where all three are written: the
#: three come from one sample, written with 7 or more digits (5 uV at the rows of
#: cheminfo/biologic-converter's ``cp.mpt``), so 1 mV tells an identity from a coincidence.
_WE_FROM_CELL_V = 0.001


def _fill_unwritten_we(raw: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """``raw`` with the exact zeros of the working electrode's potential that are no
    measurement replaced by (Ewe-Ece) + Ece, said in a note.

    A chronopotentiometry run with ``Record Ece`` can write ``<Ewe>/V`` as 0.0000000E+000 on
    most rows while ``<Ece>/V`` and ``Ewe-Ece/V`` go on (cheminfo/biologic-converter's
    ``cp.mpt``: -3.45 V for 4 rows, then 0 at a constant -100 mA, while Ewe-Ece + Ece stays at
    -3.45 V). Read as the potential, the zeros are a 3.45 V step that never happened, and
    the current's sign would be judged from it. The zeros are replaced only where the file
    proves the identity Ewe = (Ewe-Ece) + Ece on its other rows (within
    :data:`_WE_FROM_CELL_V`) and the sum is off 0 V by more than that at the zeros.
    """
    we = _first_with_data(raw, _WE_POTENTIAL)
    cell = _first_with_data(raw, ("Ewe-Ece/V", "<Ewe-Ece>/V"))
    ce = _first_with_data(raw, _CE_POTENTIAL)
    if we is None or cell is None or ce is None:
        return raw
    e_we = pd.to_numeric(raw[we], errors="coerce").to_numpy(float, copy=True)
    summed = pd.to_numeric(raw[cell], errors="coerce").to_numpy(float) + pd.to_numeric(
        raw[ce], errors="coerce"
    ).to_numpy(float)
    zero = (e_we == 0) & np.isfinite(summed) & (np.abs(summed) > _WE_FROM_CELL_V)
    written = (e_we != 0) & np.isfinite(e_we) & np.isfinite(summed)
    if not zero.any() or written.sum() < 2:
        return raw
    if np.max(np.abs(e_we[written] - summed[written])) > _WE_FROM_CELL_V:
        return raw
    e_we[zero] = summed[zero]
    notes.append(
        f"{int(zero.sum())} of {len(e_we)} rows write {we!r} as exactly 0 V while "
        f"{cell!r} + {ce!r} give {np.median(summed[zero]):.4g} V there (median): EC-Lab left the "
        f"potential unwritten, not at 0 V (on the {int(written.sum())} rows that write all "
        f"three, {we!r} = {cell!r} + {ce!r} within {_WE_FROM_CELL_V * 1e3:.3g} mV). Those rows "
        f"read {we!r} as {cell!r} + {ce!r}."
    )
    return raw.assign(**{we: e_we})


def _limited_by_data(raw: pd.DataFrame, we: str, cell: str) -> tuple[str, str] | None:
    """The column the technique limited, read off the ends of its current steps, or None.

    A step that ends on a potential limit (EC-Lab's ``EM``, ``E1``...) ends with the
    controlled potential at the limit, so the ends of the steps of one current direction lie
    together in that potential (within :data:`_AT_LIMIT_V`) and apart in the other (by at
    least :data:`_OFF_LIMIT_V`). Used where the file does not say which potential was
    controlled (the ``.mpr``, whose ``Potential control`` setting is not decoded). Steps that
    end on time or charge spread in both and decide nothing; directions that disagree, or
    fewer than two ends in a direction, leave it undecided (None). Returns the column and the
    reason, for the note.
    """
    step_col = next((c for c in ("Ns", "half cycle", "ox/red") if c in raw), None)
    current_col = next((c for c in _BIOLOGIC_COLUMNS["current"] + ("dq/mA.h",) if c in raw), None)
    if step_col is None or current_col is None:
        return None
    step = pd.to_numeric(raw[step_col], errors="coerce").to_numpy(float)
    current = pd.to_numeric(raw[current_col], errors="coerce").to_numpy(float)
    ends = np.flatnonzero(np.diff(step) != 0)
    values = {c: pd.to_numeric(raw[c], errors="coerce").to_numpy(float) for c in (we, cell)}
    decided: set[str] = set()
    reasons = []
    for sign, words in ((1, "charge"), (-1, "discharge")):
        at = ends[np.sign(current[ends]) == sign]
        at = at[np.isfinite(values[we][at]) & np.isfinite(values[cell][at])]
        if at.size < 2:
            continue
        spread = {c: float(np.ptp(v[at])) for c, v in values.items()}
        for this, other in ((we, cell), (cell, we)):
            if spread[this] <= _AT_LIMIT_V and spread[other] >= _OFF_LIMIT_V:
                decided.add(this)
                reasons.append(
                    f"the {at.size} {words} steps end with {this!r} within "
                    f"{spread[this] * 1e3:.2g} mV of {np.mean(values[this][at]):.4g} V (a "
                    f"limit) and {other!r} spread over {spread[other] * 1e3:.3g} mV"
                )
    if len(decided) != 1:
        return None
    return decided.pop(), "; ".join(reasons)


def _choose_voltage(
    raw: pd.DataFrame,
    mapping: dict[str, tuple[str, str | None]],
    metadata: dict[str, Any],
    notes: list[str],
) -> None:
    """Read the potential the technique controlled, and say which of several it is.

    A record with ``Record Ece`` holds the working electrode against the reference (``Ewe``,
    the half-cell potential) and against the counter electrode (``Ewe-Ece``, the cell voltage).
    The header line ``Potential control : Ewe-Ece`` says the technique controlled (and limited)
    the cell voltage: that column is read (a two-electrode cell wired as such has Ewe near 0 V,
    which would otherwise be taken for the voltage). Otherwise ``Ewe`` is read, as EC-Lab
    plots it. The note names the other column, how far the two are apart and how to choose it
    (``columns={"voltage": ...}``). ``mapping`` is changed in place.
    """
    control = str(metadata.get("Potential control", "")).replace(" ", "").lower()
    cell = _first_with_data(raw, _CELL_VOLTAGE)
    we = _first_with_data(raw, _WE_POTENTIAL)
    if control in ("ewe-ece", "ecell") and cell is not None:
        mapping["voltage"] = (cell, "V")
        if we is not None:
            notes.append(
                f"voltage from {cell!r} (working against counter electrode, the cell voltage): "
                f"the header says 'Potential control : {metadata['Potential control']}', the "
                f"quantity the technique controlled and limited. The file also records {we!r} "
                f"(working electrode against the reference), {_apart(raw, cell, we)}; read it "
                f"with columns={{'voltage': {we!r}}} (--column 'voltage={we}')."
            )
        return
    used = mapping.get("voltage", ("",))[0]
    if control in ("ewe-ece", "ecell") and used in _WE_POTENTIAL:
        notes.append(
            f"the header says 'Potential control : {metadata['Potential control']}' (the "
            f"technique controlled and limited the cell voltage), but the file records no cell "
            f"voltage column (export it with 'Record Ece'): the voltage is {used!r}, the "
            "working electrode against the reference."
        )
        return
    if used in _WE_POTENTIAL and cell is not None and not control:
        # no 'Potential control' line (a .mpr, whose setting is not decoded, or an old export):
        # the ends of the potential-limited steps may still tell which potential was limited
        limited = _limited_by_data(raw, used, cell)
        if limited is not None and limited[0] == cell:
            mapping["voltage"] = (cell, "V")
            notes.append(
                f"voltage from {cell!r} (working against counter electrode, the cell "
                f"voltage): the file does not say which potential the technique controlled, "
                f"but {limited[1]}. {used!r} (working electrode against the reference) is "
                f"{_apart(raw, cell, used)}; read it with columns={{'voltage': {used!r}}} "
                f"(--column 'voltage={used}')."
            )
            return
        why = (
            f": {limited[1]}"
            if limited is not None
            else (
                " (EC-Lab's 'Potential control' setting is not in this file, or not decoded from "
                "a .mpr), so the working electrode's potential is read, as EC-Lab plots it"
            )
        )
        notes.append(
            f"voltage from {used!r} (working electrode against the reference); the file does "
            f"not say which potential the technique controlled{why}. The file also records "
            f"{cell!r} (working against counter electrode, the cell voltage), "
            f"{_apart(raw, used, cell)}; read it with columns={{'voltage': {cell!r}}} "
            f"(--column 'voltage={cell}')."
        )
        return
    if used in _WE_POTENTIAL and cell is not None:
        notes.append(
            f"voltage from {used!r} (working electrode against the reference, the potential "
            f"the technique controlled); the file also records {cell!r} (working against "
            f"counter electrode, the cell voltage), {_apart(raw, used, cell)}; read it with "
            f"columns={{'voltage': {cell!r}}} (--column 'voltage={cell}')."
        )


def _apart(raw: pd.DataFrame, a: str, b: str) -> str:
    """How far two voltage columns are apart, in words (the largest difference)."""
    diff = pd.to_numeric(raw[a], errors="coerce") - pd.to_numeric(raw[b], errors="coerce")
    most = float(np.nanmax(np.abs(diff))) if diff.notna().any() else float("nan")
    if not np.isfinite(most):
        return "never on the same row"
    # within a few mV the counter and reference electrodes are joined or the counter barely
    # polarises: either column is then the cell voltage
    return f"at most {most * 1e3:.3g} mV apart" if most < 0.1 else f"up to {most:.3g} V apart"


#: Impedances a ``Record Ece`` record writes beside EC-Lab's ``Re(Z)``/``-Im(Z)`` (Ewe/I, the
#: working electrode against the reference): of the whole cell (working against counter
#: electrode) and of the counter electrode, with what each is.
_OTHER_IMPEDANCES = (
    ("Re(Zwe-ce)/Ohm", "-Im(Zwe-ce)/Ohm", "the whole cell, working against counter electrode"),
    ("Re(Zce)/Ohm", "-Im(Zce)/Ohm", "the counter electrode against the reference"),
)


def _note_other_impedances(
    raw: pd.DataFrame, mapping: dict[str, tuple[str, str | None]], notes: list[str]
) -> None:
    """Name the impedances a record holds besides the one read, how far apart, how to choose.

    A ``Record Ece`` spectrum (EC-Lab and BT-Lab) writes ``Re(Zwe-ce)``/``-Im(Zwe-ce)`` (the
    cell) and ``Re(Zce)``/``-Im(Zce)`` beside ``Re(Z)``/``-Im(Z)`` (the working electrode,
    Ewe/I, as EC-Lab plots it); with a reference electrode apart from the counter they differ
    by the counter electrode's impedance (a public GEIS export of a solid-state cell: |Z| 3.5
    Ohm, |Zwe-ce| 2.6 kOhm at 409 Hz). The one read stays EC-Lab's; the note keeps the choice
    from being silent.
    """
    used = (mapping.get("z_re", ("",))[0], mapping.get("-z_im", ("",))[0])
    if used == ("Re(Zstack)/Ohm", "-Im(Zstack)/Ohm"):
        _note_cell_impedances(raw, used, notes)
        return
    if used != ("Re(Z)/Ohm", "-Im(Z)/Ohm"):
        return
    z = _modulus(raw, *used)
    others = []
    for re_name, im_name, what in _OTHER_IMPEDANCES:
        if _first_with_data(raw, (re_name,)) is None or _first_with_data(raw, (im_name,)) is None:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.abs(_modulus(raw, re_name, im_name) - z) / z
        most = float(np.nanmax(ratio)) if np.isfinite(ratio).any() else float("nan")
        apart = (
            f"its |Z| up to {most * 100:.3g} % from the one read"
            if np.isfinite(most)
            else "never on the same row"
        )
        others.append(
            f"{re_name!r} and {im_name!r} ({what}; {apart}: columns={{'z_re': {re_name!r}, "
            f"'-z_im': {im_name!r}}}, --column 'z_re={re_name}' --column '-z_im={im_name}')"
        )
    if others:
        notes.append(
            f"impedance from {used[0]!r} and {used[1]!r} (Ewe/I: the working electrode against "
            "the reference, as EC-Lab plots it); the file also records "
            + " and ".join(others)
            + "."
        )


def _note_cell_impedances(raw: pd.DataFrame, used: tuple[str, str], notes: list[str]) -> None:
    """Name the per-cell impedances of a stack-mode record beside the stack's, read by default.

    EC-Lab's stack mode (``Stack channel(s)`` in the header: cells in series on one channel)
    writes the stack's ``Re(Zstack)``/``-Im(Zstack)`` and each cell's ``Re(Z<n>)``/``-Im(Z<n>)``
    (n = 1, 2, ...); the stack's impedance is the sum of the cells'. The note says how to read
    one cell instead.
    """
    cells = []
    for name in raw.columns:
        hit = re.fullmatch(r"Re\(Z(\d+)\)/Ohm", str(name))
        im_name = f"-Im(Z{hit.group(1)})/Ohm" if hit else ""
        if hit and im_name in raw.columns:
            cells.append((hit.group(1), str(name), im_name))
    text = (
        f"stack-mode record: impedance of the whole stack from {used[0]!r} and {used[1]!r} "
        "(the cells in series)"
    )
    if cells:
        n, re_name, im_name = cells[0]
        text += (
            f"; the file also records each cell's ({', '.join(repr(r) for _, r, _ in cells)} "
            f"with their -Im columns): read cell {n} with columns={{'z_re': {re_name!r}, "
            f"'-z_im': {im_name!r}}} or --column 'z_re={re_name}' --column '-z_im={im_name}'"
        )
    notes.append(text + ".")


def _modulus(raw: pd.DataFrame, re_name: str, im_name: str) -> np.ndarray:
    """|Z| [Ohm] from a real and a negated imaginary column of ``raw``."""
    re_z = pd.to_numeric(raw[re_name], errors="coerce").to_numpy(float)
    im_z = pd.to_numeric(raw[im_name], errors="coerce").to_numpy(float)
    return np.hypot(re_z, im_z)


def _current_from_dq(raw: pd.DataFrame) -> np.ndarray | None:
    """Mean current (A) over each sampling interval from ``dq/mA.h``, or None without it."""
    if "dq/mA.h" not in raw or "time/s" not in raw:
        return None
    dq_C = raw["dq/mA.h"].to_numpy(dtype=float) * 3.6
    t = raw["time/s"].to_numpy(dtype=float)
    dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(dt > 0, dq_C[1:] / np.where(dt > 0, dt, 1.0), np.nan)
    current = np.r_[0.0 if dq_C.size and dq_C[0] == 0 else np.nan, mean]
    # a repeated time stamp has no interval: keep the previous current
    return pd.Series(current).ffill().fillna(0.0).to_numpy()


def _all_at_rest(raw: pd.DataFrame) -> bool:
    """True when every row is in EC-Lab's control mode 3 (rest: no current imposed)."""
    if "mode" not in raw or raw.empty:
        return False
    mode = pd.to_numeric(raw["mode"], errors="coerce").to_numpy(dtype=float)
    return bool(np.all(mode == 3))


def _to_measurement(
    raw: pd.DataFrame,
    path: Path,
    fmt: str,
    area_m2: float | None,
    metadata: dict[str, Any],
    notes: list[str],
    kind: str | None = None,
    loops: np.ndarray | None = None,
    columns: Mapping[str, str] | None = None,
) -> Measurement:
    raw = _cell_from_ece(raw, metadata)
    raw = _fill_unwritten_we(raw, notes)
    header = [str(c) for c in raw.columns]
    full = _mapping(header)
    by_hand = _user_columns(header, columns, path, full, notes)
    if "time" in full:
        # EC-Lab's absolute time export keeps the name time/s over dates and times
        order = _CLOCK_ORDER.get(str(metadata.get("time format", "")).upper())
        seconds = time_from_clock(raw[full["time"][0]], full["time"][0], notes, order)
        if seconds is not None:
            raw = raw.assign(**{full["time"][0]: seconds})
    if ("z_re" in full or "-z_im" in full) and "frequency" not in full:
        raise DataFormatError(
            f"{path}: impedance columns ({', '.join(full[k][0] for k in ('z_re', '-z_im') if k in full)}) "
            "but no frequency column: '\"freq/Hz\" not found in column headers'. Export the "
            "spectrum again with the freq/Hz column."
        )
    parts: dict[str, int] = {}
    z_rows = np.zeros(len(raw), dtype=bool)
    if "frequency" in full:
        f = pd.to_numeric(raw[full["frequency"][0]], errors="coerce").to_numpy(float)
        z_rows = np.isfinite(f) & (f > 0)
        if z_rows.any():
            parts["impedance"] = int(z_rows.sum())
    has_current = "current" in full or "dq/mA.h" in raw
    if {"time", "voltage"} <= set(full) and has_current and (~z_rows).sum() > 1:
        parts["timeseries"] = int((~z_rows).sum())
    if not parts:
        parts["impedance" if "frequency" in full else "timeseries"] = len(raw)
    chosen = kind or max(parts, key=parts.get)
    if chosen not in parts:
        have = next(iter(parts))
        raise DataFormatError(
            f"{path}: kind={chosen!r} asked for, but this file holds only "
            f"{'impedance rows' if have == 'impedance' else 'a time series'} "
            f"({parts[have]} row{'s' if parts[have] != 1 else ''}). Read it with kind={have!r}."
        )
    if len(parts) > 1:
        metadata["parts"] = dict(parts)
    metadata["columns used"] = {k: v[0] for k, v in full.items()}
    if chosen == "impedance":
        mapping = {k: v for k, v in full.items() if k in _IMPEDANCE_KEYS}
        sub = raw
        spectra = None
        if "frequency" in full and z_rows.any() and not z_rows.all():
            # a new spectrum wherever cycling rows interrupt the impedance rows
            gap = np.r_[False, ~z_rows[:-1]]
            f_all = pd.to_numeric(raw[full["frequency"][0]], errors="coerce").to_numpy(float)
            spectra = spectrum_index(f_all[z_rows], gap[z_rows])
            sub = raw.loc[z_rows].reset_index(drop=True)
            if "timeseries" in parts:
                notes.append(
                    f"the file also holds a time series ({parts['timeseries']} rows); "
                    "read(path, kind='timeseries') or a cycling analyze --kind gives it."
                )
            else:
                notes.append(
                    f"{int((~z_rows).sum())} rows at 0 Hz (the potential recorded before or "
                    "between spectra, not impedance) dropped."
                )
        _note_other_impedances(sub, mapping, notes)
        frame, _, area = frame_from_columns(sub, mapping, path, notes, area_m2=area_m2)
        if spectra is not None:
            frame[SPECTRUM] = spectra
        if "time" in full:
            frame[TIME] = pd.to_numeric(sub[full["time"][0]], errors="coerce").to_numpy(float)
        check_columns(mapping, raw.columns, path)
        table = finish_table(frame, path=path, kind="impedance", area_m2=area, notes=notes)
        return Measurement(table, "impedance", fmt, path, area, metadata, notes)
    mapping = {k: v for k, v in full.items() if k not in _IMPEDANCE_KEYS}
    sub = raw
    if z_rows.any():
        sub = raw.loc[~z_rows].reset_index(drop=True)
        notes.append(
            f"the file also holds {parts['impedance']} impedance rows "
            f"({_count_spectra(raw, full, z_rows)} spectra); read(path, kind='impedance') or analyze --kind eis gives them."
        )
    if "voltage" not in by_hand:
        _choose_voltage(sub, mapping, metadata, notes)
        metadata["columns used"].update({k: v[0] for k, v in mapping.items()})
    if "cell voltage formed as" in metadata and mapping.get("voltage", ("",))[0] == "Ewe-Ece/V":
        notes.append(
            f"cell voltage 'Ewe-Ece/V' formed as {metadata['cell voltage formed as']} (the file "
            "records the counter electrode against the reference, not their difference)."
        )
    frame, kind_found, area = frame_from_columns(
        sub, mapping, path, notes, area_m2=area_m2, signed_current=_ox_red_states_sign(sub, mapping)
    )
    if loops is not None and CAPACITY in frame and np.unique(loops).size > 1:
        # (Q-Qo) restarts at each loop: without the running total the capacity would look like a
        # per-step counter and be integrated from the current, also across the unrecorded time
        # between loops
        loop = loops[~z_rows] if z_rows.any() else loops
        frame[CAPACITY] = cumulative_from_counter(frame[CAPACITY].to_numpy(float), loop)
        notes.append(
            f"the file holds {int(loops.max()) + 1} loops of the technique and (Q-Qo) restarts "
            "at each: the capacity is its running total over the loops (no charge counted "
            "between loops, where nothing was recorded)."
        )
    if CURRENT not in frame and "current" not in mapping:
        current = _current_from_dq(sub)
        if current is not None:
            frame[CURRENT] = current
            notes.append("no current column: current computed as dq/dt between samples.")
        elif _all_at_rest(sub):
            # EC-Lab's OCV technique records no current: the cell is at open circuit throughout
            frame[CURRENT] = np.zeros(len(sub))
            notes.append(
                "no current column, and every row is in EC-Lab's mode 3 (rest, open circuit): "
                "current 0 A."
            )
    check_columns(mapping, raw.columns, path, have=["current"] if CURRENT in frame else [])
    table = finish_table(frame, path=path, kind="timeseries", area_m2=area, notes=notes)
    return Measurement(table, "timeseries", fmt, path, area, metadata, notes)


#: Share [-] of the current-carrying rows whose ``ox/red`` must agree with the current's sign
#: for the file to be taken as stating it (EC-Lab sets ox/red from the current it applied; a
#: row at the switch of direction may lag).
_OX_RED_AGREE = 0.9


def _ox_red_states_sign(
    raw: pd.DataFrame, mapping: Mapping[str, tuple[str, str | None]]
) -> SignedCurrent | None:
    """The current column as one whose sign the file states, when EC-Lab's ``ox/red`` column
    (1 oxidation, 0 reduction of the working electrode) agrees with it.

    EC-Lab counts the current positive when it oxidises the working electrode, as solidna
    does, and writes the direction in ``ox/red``; where the two agree (at
    :data:`_OX_RED_AGREE` of the rows that carry current) the sign is the file's statement,
    not to be overruled by the voltage's course (a cathodic chronopotentiometry whose
    potential creeps up, cheminfo/biologic-converter's ``cp.mpt``, is no discharge counted
    positive). None otherwise: the usual checks then apply.
    """
    if "ox/red" not in raw or "current" not in mapping:
        return None
    col = mapping["current"][0]
    i = pd.to_numeric(raw[col], errors="coerce").to_numpy(float)
    ox = pd.to_numeric(raw["ox/red"], errors="coerce").to_numpy(float)
    threshold = rest_threshold(np.nan_to_num(i))
    flowing = np.isfinite(i) & (np.abs(i) > threshold) & np.isin(ox, (0.0, 1.0))
    if not threshold > 0 or flowing.sum() < 2:
        return None
    agree = np.where(ox[flowing] == 1, i[flowing] > 0, i[flowing] < 0)
    if agree.mean() < _OX_RED_AGREE:
        return None
    return SignedCurrent(
        col,
        f"EC-Lab's 'ox/red' column (1 oxidation, 0 reduction), which agrees with the sign of "
        f"{col!r} at {agree.mean():.0%} of the rows that carry current",
    )


def _count_spectra(raw: pd.DataFrame, full: dict, z_rows: np.ndarray) -> int:
    f = pd.to_numeric(raw[full["frequency"][0]], errors="coerce").to_numpy(float)
    gap = np.r_[False, ~z_rows[:-1]]
    return int(spectrum_index(f[z_rows], gap[z_rows]).max())


def _cycle_from_half_cycles(raw: pd.DataFrame, notes: list[str], why: str) -> pd.DataFrame:
    """``raw`` with a ``cycle number`` column from its ``half cycle`` column where it has the
    one and not the other.

    EC-Lab counts half cycles from 0 and two half cycles make a cycle, so the cycle is
    ``half cycle // 2 + 1`` (EC-Lab's own ``cycle number`` of a text export is the same count,
    from 1). A half-cycle column with cells that are not numbers is left alone.

    Parameters
    ----------
    raw : pandas.DataFrame
        The EC-Lab table, EC-Lab's column names.
    notes : list of str
        Receives what was done (appended to in place).
    why : str
        Why the file has no cycle number, for the note.

    Returns
    -------
    pandas.DataFrame
        ``raw``, or a copy with ``cycle number``.
    """
    if "cycle number" in raw or "half cycle" not in raw:
        return raw
    half = pd.to_numeric(raw["half cycle"], errors="coerce").to_numpy(dtype=float)
    if half.size == 0 or not np.all(np.isfinite(half)):
        return raw
    raw = raw.assign(**{"cycle number": (np.floor(half).astype(np.int64) // 2 + 1)})
    notes.append(f"cycle number = half cycle // 2 + 1 ({why}).")
    return raw


def read_mpr(
    path: Path,
    *,
    area_m2: float | None = None,
    kind: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Measurement:
    """Read a BioLogic EC-Lab ``.mpr`` with galvani.

    Parameters
    ----------
    path : pathlib.Path
        The ``.mpr`` file.
    area_m2 : float, optional
        Electrode area in m2; overrides the area in the file's settings module (EC-Lab's default
        0.001 cm2 there means never set, so the area is then unknown).
    kind : {"timeseries", "impedance"}, optional
        Part of a mixed record to return (default: the part with more rows).
    columns : mapping, optional
        Quantity -> column, to choose between columns that hold one quantity (e.g.
        ``{"voltage": "Ewe-Ece/V"}``); by default the columns are found by their EC-Lab names.

    Raises
    ------
    DataFormatError
        Not a BioLogic file, truncated, or a data layout galvani does not know.
    InvalidOptionError
        galvani is not installed.
    """
    path = check_file(path, "a BioLogic EC-Lab binary .mpr file")
    try:
        from galvani import BioLogic
    except ImportError:
        from solidna.errors import InvalidOptionError

        raise InvalidOptionError(
            f"{path}: reading BioLogic .mpr files needs the package galvani "
            "(pip install galvani); or export the file from EC-Lab as text (.mpt)."
        ) from None
    with open(path, "rb") as fh:
        magic = fh.read(len(MPR_MAGIC))
    if magic != MPR_MAGIC:
        raise DataFormatError(
            f"{path}: not a BioLogic .mpr file (it does not start with {MPR_MAGIC.decode()!r})."
        )
    try:
        with open(path, "rb") as fh:
            mpr = BioLogic.MPRfile(fh)
        data = mpr.data
    except Exception as exc:  # galvani raises ValueError, AssertionError, struct errors ...
        raise DataFormatError(
            f"{path}: galvani cannot read this .mpr ({one_line(exc)}). The file is "
            "truncated or uses a layout galvani does not know; export it from EC-Lab as .mpt "
            "text and read that."
        ) from None
    raw = pd.DataFrame({name: data[name] for name in data.dtype.names})
    notes: list[str] = []
    raw = _cycle_from_half_cycles(raw, notes, "the .mpr stores half cycles")
    metadata: dict[str, Any] = {
        "instrument": "BioLogic (EC-Lab .mpr)",
        "start date": str(getattr(mpr, "startdate", "")),
        "end date": str(getattr(mpr, "enddate", "")),
        "data points": int(len(data)),
        "column ids": [int(c) for c in getattr(mpr, "cols", [])],
        "reader": "galvani.BioLogic.MPRfile",
    }
    settings, problem = mpr_settings(getattr(mpr, "modules", []))
    area = area_m2
    if problem is not None:
        if area_m2 is None:
            notes.append(
                f"electrode area unknown: the .mpr settings module could not be decoded "
                f"({problem}); currents and impedances stay absolute (A, Ohm); give area= / "
                "--area for densities."
            )
    else:
        area = electrode_area(
            settings["electrode area [cm2]"], area_m2, "settings module", metadata, notes
        )
        metadata["technique id"] = settings["technique id"]
        # EC-Lab lets the user pick the unit of this mass, and where it stores the unit is not
        # known: the value is kept for reference only, never used.
        metadata["characteristic mass (unit not decoded)"] = settings["characteristic mass"]
    return _to_measurement(raw, path, "biologic-mpr", area, metadata, notes, kind, columns=columns)


_HEADER_LINES = re.compile(r"Nb header lines\s*:\s*(\d+)")
#: Lines searched for ``Nb header lines : N``. EC-Lab writes it on line 2; edited files and those
#: of other tools may have a blank line before it (e.g. the BT-Lab-style fixture of the
#: battery-data-format project, on line 3). Ten lines leaves room for that and cannot pick up a
#: data row (numbers only); the count found still has to agree with the file (header length,
#: columns).
HEADER_COUNT_SEARCH_LINES = 10
# "Loop 1 from point number 11 to 21": a technique repeated by EC-Lab's loop; (Q-Qo) restarts
# at every loop's first point.
_LOOP = re.compile(r"^Loop\s+(\d+)\s+from point number\s+(\d+)\s+to\s+(\d+)", re.MULTILINE)
_AREA = re.compile(r"Electrode surface area\s*:\s*([-+0-9.eE,]+)\s*(\S+)")
_MASS = re.compile(r"Characteristic mass\s*:\s*([-+0-9.eE,]+)\s*(\S+)")
#: EC-Lab's intercalation line ``Acquisition started at : xo = 0,000`` (the x at the start, beside
#: ``Mass of active material`` and ``at x``), not a time: the time is ``Acquisition started on``.
_X0 = re.compile(r"Acquisition started at\s*:\s*x[o0]\s*=\s*(\S+)")
#: The text export's time format (``Text export`` block: ``Time format : Elapsed`` or
#: ``Absolute MMDDYYYY``): the order of the dates an absolute export writes under ``time/s``.
_TIME_FORMAT = re.compile(r"^\s*Time format\s*:\s*(.+?)\s*$")
_CLOCK_ORDER = {
    "ABSOLUTE MMDDYYYY": "month",
    "ABSOLUTE DDMMYYYY": "day",
    "ABSOLUTE YYYYMMDD": "year",
}
#: Header lines kept as metadata (key : value) when a line starts with one of them.
_METADATA_KEYS = (
    "Acquisition started on",
    "Device",
    "Run on channel",
    # which potential the techniques control (Ewe, or Ewe-Ece for the cell voltage): the
    # voltage read (see _choose_voltage)
    "Potential control",
    "Reference electrode",
)


def _header_area(
    value_text: str,
    unit_text: str,
    area_m2: float | None,
    path: Path,
    metadata: dict[str, Any],
    notes: list[str],
) -> float | None:
    """The electrode area from the header line ``Electrode surface area : <value> <unit>``.

    A unit that cannot be read (a header garbled by a wrong conversion: ``cmÂ²``, ``cm?``) is not
    fatal when the area is not needed: a user's ``area_m2`` decides, and an unset area (0, or
    EC-Lab's default 0.001, whose unit EC-Lab writes as cm2) is unknown as it would be anyway.
    """
    value = float(value_text.replace(",", "."))
    unit = unit_text.replace("²", "2")
    try:
        to_cm2 = unit_factor(unit, "cm**2", what="electrode area", path=path)
    except DataFormatError:
        stated = f"{value_text} {unit_text}"
        if area_m2 is not None:
            metadata["electrode area (header, unit not read)"] = stated
            notes.append(
                f"the header's electrode area {stated!r} has a unit that cannot be read; the "
                "area given (area=) is used."
            )
            return area_m2
        if value <= 0 or np.isclose(value, EC_LAB_DEFAULT_AREA_CM2, rtol=1e-9):
            notes.append(
                f"the header's electrode area {stated!r} has a unit that cannot be read (a "
                "header converted with the wrong encoding?); its value is 0 or EC-Lab's unset "
                "default, read as cm2."
            )
            return electrode_area(value, None, "header", metadata, notes)
        raise DataFormatError(
            f"{path}: cannot read the unit of the header's electrode area {stated!r} (the "
            "header was probably converted with the wrong encoding; EC-Lab writes 'cm²'). Give "
            "the area yourself: area='1.5 cm2' in Python, --area '1.5 cm2' with solidna analyze "
            "(it overrides the header); or correct the header line to "
            f"'Electrode surface area : {value_text} cm2'."
        ) from None
    return electrode_area(value * to_cm2, area_m2, "header", metadata, notes)


def _header_metadata(head: list[str], metadata: dict[str, Any]) -> None:
    """Technique, start time, device, channel and the intercalation x0 of an EC-Lab header."""
    if len(head) > 3 and head[3].strip():
        metadata["technique"] = head[3].strip()
    for line in head:
        x0 = _X0.match(line)
        if x0:
            text = x0.group(1)
            try:
                metadata["acquisition started at x0"] = float(text.replace(",", "."))
            except ValueError:
                metadata["acquisition started at x0"] = text
        elif _TIME_FORMAT.match(line):
            metadata["time format"] = _TIME_FORMAT.match(line).group(1)
        elif ":" in line and line.startswith(_METADATA_KEYS):
            key, _, value = line.partition(":")
            metadata[key.strip()] = value.strip()


@fill_doc
def read_mpt(
    path: Path,
    *,
    area_m2: float | None = None,
    progress: Progress | None = None,
    kind: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Measurement:
    """Read a BioLogic EC-Lab ``.mpt`` text export (any technique: GCPL, CV, PEIS ...).

    The electrode area is taken from the header line ``Electrode surface area : ...`` unless
    ``area_m2`` is given. The header is decoded as UTF-8 when its bytes are valid UTF-8, else as
    Latin-1 (EC-Lab's Windows-1252 ``µ``/``²``/``°``); the header length is read from
    ``Nb header lines : N`` in its first :data:`HEADER_COUNT_SEARCH_LINES` lines.

    Parameters
    ----------
    path : pathlib.Path
        The ``.mpt`` file.
    area_m2 : float, optional
        Electrode area [m2]; None to use the header's, or leave currents absolute.
    %(file_progress)s
    kind : {"timeseries", "impedance"}, optional
        What the file holds; None to decide from its columns.
    columns : mapping, optional
        Quantity -> column, to choose between columns that hold one quantity. The voltage is
        by default the potential the header's ``Potential control`` names: ``Ewe/V``
        (working electrode against the reference) or, for ``Potential control : Ewe-Ece``,
        ``Ewe-Ece/V`` (against the counter electrode, the cell voltage); a note names the other
        one, and ``{"voltage": "Ewe-Ece/V"}`` reads it.

    %(Returns: measurement)s

    Raises
    ------
    DataFormatError
        Bad first line, no ``Nb header lines``, header shorter than stated, an electrode area
        whose unit cannot be read (and is needed), no data rows, missing columns.
    """
    path = check_file(path, "a BioLogic EC-Lab text export (.mpt)")
    with open(path, "rb") as fh:
        raw_head = [fh.readline() for _ in range(HEADER_COUNT_SEARCH_LINES)]
        raw_head[0] = raw_head[0].removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark
        first = raw_head[0].decode("latin-1").strip()
        # blank lines before the column line of an export without its header
        # (cheminfo/biologic-converter's noHeader.mpt starts with one)
        blank = 0
        while (
            first not in MPT_MAGICS
            and blank < len(raw_head) - 1
            and raw_head[blank].strip() == b""
            and raw_head[blank]
        ):
            blank += 1
        headerless = first not in MPT_MAGICS and looks_like_mpt_columns(
            raw_head[blank].decode("latin-1").strip()
        )
        if first not in MPT_MAGICS and not headerless:
            raise DataFormatError(
                f"{path}: not an EC-Lab text export (first line {first[:40]!r}, expected "
                f"{MPT_MAGICS[0]!r}). Read it with format='csv' and a column mapping."
            )
        found = [m for m in (_HEADER_LINES.search(b.decode("latin-1")) for b in raw_head) if m]
        if not found and not headerless:
            raise DataFormatError(
                f"{path}: no 'Nb header lines : N' line in the first {HEADER_COUNT_SEARCH_LINES} "
                "lines, so the length of the header is not known (EC-Lab writes it on line 2). "
                "Export the file again from EC-Lab with its header, or read the table with "
                "format='csv' and a column mapping."
            )
        # exported without its header: the column line is the only header line (EC-Lab counts
        # the column line among the header lines)
        n_header = blank + 1 if headerless else int(found[0].group(1))
        head_bytes = [b for b in raw_head[:n_header] if b]
        head_bytes += [fh.readline() for _ in range(max(n_header - len(raw_head), 0))]
    if n_header < (1 if headerless else 2) or len(head_bytes) < n_header or head_bytes[-1] == b"":
        raise DataFormatError(
            f"{path}: the header says {n_header} header lines but the file ends before them "
            "(truncated export). Export it again from EC-Lab."
        )
    # EC-Lab's Windows-1252 read as Latin-1: the same characters for every header byte,
    # and it never fails
    encoding = text_encoding(b"".join(head_bytes), "latin-1")
    # line by line: str.splitlines would also split at U+0085, which is how Latin-1 decodes
    # Windows-1252's ellipsis
    head = [line.decode(encoding) for line in head_bytes]
    text = "".join(head)
    metadata: dict[str, Any] = {"instrument": "BioLogic (EC-Lab .mpt)"}
    _header_metadata(head, metadata)
    notes: list[str] = []
    if headerless:
        notes.append(
            "an EC-Lab text export without its header (it starts with the column line): no "
            "electrode area, technique, potential control or loops known from the file."
        )
    area = area_m2
    am = _AREA.search(text)
    if am:
        area = _header_area(am.group(1), am.group(2), area_m2, path, metadata, notes)
    elif area is None:
        notes.append("no electrode area in the header: currents and impedances stay absolute.")
    mm = _MASS.search(text)
    if mm:
        metadata["characteristic mass"] = f"{mm.group(1)} {mm.group(2)}"
    # decimal commas (European EC-Lab settings): numbers like 1,234E+000 in the first data line
    with open(path, encoding=encoding, errors="replace") as fh:
        for _ in range(n_header):
            fh.readline()
        sample = fh.readline()
    decimal = "," if re.search(r"\d,\d", sample) and not re.search(r"\d\.\d", sample) else "."
    raw = read_delimited(
        path,
        sep="\t",
        skiprows=n_header - 1,
        decimal=decimal,
        encoding=encoding,
        progress=progress,
    )
    raw = raw.loc[:, [c for c in raw.columns if not str(c).startswith("Unnamed")]]
    raw.columns = [str(c).strip() for c in raw.columns]
    # an export whose column selection kept "half cycle" but not "cycle number" (EC-Lab's
    # export dialog lets either go): the cycles as the .mpr twin gives them
    raw = _cycle_from_half_cycles(raw, notes, "the export has half cycles, no cycle number")
    loops = _loop_index(text, len(raw))
    if loops is not None:
        metadata["loops"] = int(loops.max()) + 1
    return _to_measurement(
        raw, path, "biologic-mpt", area, metadata, notes, kind, loops, columns=columns
    )


def _loop_index(header: str, n_rows: int) -> np.ndarray | None:
    """Loop number per data row from the header's ``Loop k from point number a to b`` lines.

    None when the header lists fewer than two loops. Rows past the last listed point (a
    truncated copy lists loops it does not hold, an export may hold more) stay in the last loop.
    """
    found = [(int(a), int(b), int(c)) for a, b, c in _LOOP.findall(header)]
    if len(found) < 2:
        return None
    index = np.zeros(n_rows, dtype=np.int64)
    for k, first, _last in found:
        if first < n_rows:
            index[first:] = k
    return index


# Quantity -> factor from the tidy SI column to the EC-Lab column written by write_mpt.
_MPT_TIMESERIES = {"time": 1, "voltage": 1, "current": 1e3, "capacity": 1e3, "cycle": 1, "step": 1}
_MPT_IMPEDANCE = {"frequency": 1, "z_re": 1, "-z_im": -1}


def write_mpt(measurement_or_frame: Measurement | pd.DataFrame, path: str | Path) -> Path:
    """Write a tidy table as a BioLogic-like ``.mpt`` text file (for tests and data exchange).

    The layout (first line, ``Nb header lines``, tab-separated EC-Lab column names, the
    ``Electrode surface area`` header line when the area is known) is what :func:`read_mpt`
    and other EC-Lab text readers expect; EC-Lab itself cannot import it.

    Parameters
    ----------
    measurement_or_frame : Measurement or pandas.DataFrame
        A tidy time series or impedance table (see :data:`solidna.analysis.io.COLUMNS`).
    path : str or path-like
        File to write (overwritten).
    """
    if isinstance(measurement_or_frame, Measurement):
        frame, area = measurement_or_frame.data, measurement_or_frame.area_m2
    else:
        frame, area = measurement_or_frame, None
    impedance = FREQUENCY in frame
    technique = (
        "Potentio Electrochemical Impedance Spectroscopy"
        if impedance
        else "Galvanostatic Cycling with Potential Limitation"
    )
    out = pd.DataFrame()
    # each quantity under the first (most direct) EC-Lab name the reader looks for
    for key, factor in (_MPT_IMPEDANCE if impedance else _MPT_TIMESERIES).items():
        column = QUANTITIES[key][0]
        if column in frame:
            out[_BIOLOGIC_COLUMNS[key][0]] = frame[column] * factor
    header = [
        "EC-Lab ASCII FILE",
        "Nb header lines : {n}",
        "",
        technique,
        "",
        "Written by solidna (BioLogic-like text export)",
    ]
    if area is not None:
        header.append(f"Electrode surface area : {area * 1e4:.6g} cm²")
    header.append("")
    n = len(header) + 1
    header[1] = header[1].format(n=n)
    body = out.to_csv(sep="\t", index=False, lineterminator="\n", float_format="%.9E")
    target = Path(path)
    target.write_text("\n".join(header) + "\n" + body, encoding="latin-1")
    return target
