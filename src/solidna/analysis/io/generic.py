"""Generic delimited text (CSV, TSV) with a column mapping, and solidna's own tables.

Why our own: a CSV has no fixed layout, so no instrument reader applies; pandas' C parser does
the reading (fast on a million rows) and this module only maps columns to quantities and units.

Columns are found by the ``columns`` mapping (quantity -> header, optionally with a unit:
``{"time": "t [min]"}``), else by their names (``"Time [h]"``, ``"Voltage [V]"``,
``"Current density [mA.cm-2]"``, ``"Ewe/V"``, ``"freq/Hz"``, ``"-Im(Z)/Ohm"``, Digatron's
``"Voltage#V"`` ...), so the ``timeseries.csv`` written by ``solidna simulate`` reads back as it
is (also ``"Real"``, ``"Imag"``, ``"Zimg"``). A column of durations (``00:00:05``, ``0d
00:00:05``) is read in seconds. A time unit that a wall-clock column beside it refutes (read in
it, the test would outrun its clock: milliseconds under Digatron's ``Program Duration#s``) gives
way to the smaller unit that matches the clock, with a note.
A column named by its unit word alone (``Seconds``, ``Minutes``, ``Hours``, ``Amps``, ``Volts``,
``Ah``, ``mAh``: NREL ampworks' example data) is that quantity in that unit. A table without a
header whose rows hold three or more numbers is impedance.py's ``readCSV`` layout, ``f, Z',
Z''`` (Hz, Ohm, Ohm; noted), unless its first column rises in equal steps (a clock, as a
homemade potentiostat's ``t, E, I`` log) or its second is often negative: that is refused,
asking for a header. A header written as names over a line of units
(``Pt Time Freq Zreal`` over ``# s Hz ohm``, Gamry's tables) takes its units from that line; a
comment mark before the names (``# f Z' Z''``, ``* Hz Ohms Deg``) is not a column. Where a
``Total Time``/``Test Time`` column exists, a bare ``Time`` beside it is the step's clock and not
read; two columns that could hold one impedance quantity with different numbers are refused
unless one is mapped. A file of several tables one below the other, each under a header whose
first name is ``Cycle``, ``Step`` or ``Record`` (Landt's CSV of all layers), is read for its
record table only. A capacity column beside a specific-capacity one (``SpeCap/mAh/g``) gives
the active mass the cycler was given, reported in the metadata (not used). A header that names
only the first columns of wider rows (Novonix's HPC export: 15 names over 20 fields) names
those; the unnamed fields after them are not read. A table whose lines are each wholly in
double quotes (a CSV saved again by a program that took every line for one cell) is read
without those quotes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from solidna._docstrings import fill_doc
from solidna.analysis.cycling import rest_threshold
from solidna.analysis.io._table import (
    GROUPED,
    QUANTITIES,
    SPECIFIC_CURRENT,
    Measurement,
    Progress,
    _pint_unit,
    accumulate_counter,
    check_file,
    clock_seconds,
    digit_group_separator,
    finish_table,
    numeric_column,
    parse_durations,
    plain_number,
    split_header,
    text_encoding,
    time_from_clock,
    unit_factor,
    wall_clock,
    warn_assumed_units,
)
from solidna.errors import DataFormatError, check_choice

__all__ = [
    "read_csv",
    "read_pssession",
    "looks_like_pssession",
    "table_measurement",
    "map_columns",
    "check_columns",
    "read_delimited",
    "refuse_summary",
    "note_scaled_rivals",
    "ALIASES",
]

#: Header stems (lower case, spaces/underscores/dots and hyphens between letters removed)
#: recognised for each quantity. The Chinese names are those of Landt/LANHE and Neware BTS
#: exports in Chinese: 测试时间 test time, 总时间 total time (not 时间/相对时间, the time within a
#: step), 电压 voltage, 电流 current, 容量 capacity, 循环(号/序号) cycle, 工步(号/序号) and 步次 step.
ALIASES: dict[str, tuple[str, ...]] = {
    # German and French names as a spreadsheet of those locales writes them ("Zeit [s]",
    # "Spannung [V]", "Strom [mA]"; "Temps (s)", "Tension (V)", "Courant (mA)"), as the
    # Chinese ones of Landt and Neware below
    # "progtime": Digatron's time since the programme started ("Prog Time", h:mm:ss.sss), in
    # its German client's export "Programmdauer" (beside "Schrittdauer", the step's time; the
    # names of the public digatron-utility reader and of RWTH's Digatron data description:
    # "Zeitstempel, Schritt, Zustand, Programmdauer, Schrittdauer, Zyklus, Spannung, Strom,
    # AhAkku")
    # "programduration": the same in its English export, whose names carry their unit after a
    # "#" ("Program Duration#s" beside "Step Duration#s"; Battery Data Alliance's Digatron reader,
    # Apache-2.0, maps these names)
    # "tottime": PNE Solution's (CTSPro) CSV export, "TotTime(H:M:S)" beside the step's
    # "StepTime(H:M:S)" (Korean cells' public analysis code reads these columns so)
    # "時刻": the time of day of TOYO's raw data files, beside their date "日付" (joined into
    # one clock: _date_beside); their "経過時間" restarts at every change of state (the public
    # toyo-battery reader, MIT licence, says so) and is not the test time
    "time": ("time", "testtime", "totaltime", "elapsedtime", "t", "runtime", "testtimes")
    + ("progtime", "tottime", "测试时间", "总时间", "累计时间", "zeit", "temps", "時刻")
    + ("programmdauer", "programduration"),
    # "u": the IEC symbol (BaSyTec and Digatron write "U[V]")
    # "workingelectrode": Admiral Squidstat names the working electrode's potential
    # "Working Electrode (V)" (its "... vs. NHE" and "Counter Electrode" columns are not it)
    # "電圧", "電流": the Japanese spellings (TOYO's raw data files: "電圧[V]", "電流[mA]")
    "voltage": ("voltage", "ewe", "ecell", "<ewe>", "potential", "cellvoltage", "e", "v")
    + ("volts", "u", "workingelectrode", "电压", "spannung", "tension", "potentiel", "電圧"),
    "current": ("current", "i", "<i>", "amps", "cellcurrent", "电流", "strom", "courant")
    + ("電流",),
    "current density": ("currentdensity", "j"),
    # "cumulativecharge": Admiral Squidstat's running charge since the start ("Cumulative
    # Charge (mAh)"); finish_table checks it against the current's integral
    # "ahakku": Digatron's net charge of the cell ("AhAkku", negative with more discharged
    # than charged, as RWTH's Digatron data description says), "AhAccu#Ah" in its English
    # export; "ahbal": its charge balance ("AhBal#Ah"), read where no AhAccu precedes it
    # (finish_table checks either against the current's integral); its "AhCha"/"AhDch" are
    # the charge and discharge counters of _COUNTER_STEMS
    "capacity": ("capacity", "(q-qo)", "q", "netcapacity", "charge", "cumulativecharge")
    + ("容量", "kapazität", "ladung", "capacité", "ahakku", "ahaccu", "ahbal"),
    # "cyccount": BaSyTec's cycle counter ("Cyc-Count"); "totcycle": PNE's cycle count over the
    # whole test ("TotCycle"; its "CurCycle" restarts in every loop of the schedule)
    # "サイクル"/"ｻｲｸﾙ": TOYO's cycle, in full- and half-width katakana (its raw data files
    # write the half-width one; "総ｻｲｸﾙ", the total count, is not it)
    # "scan": Metrohm Autolab NOVA's CV cycle ("Scan" beside "WE(1).Potential (V)" and
    # "Index" in its text exports; a file of one scan holds "3" on every row)
    "cycle": ("cyclenumber", "cycle", "cycleindex", "cycleno", "cyclec", "cyc#", "cyccount")
    + ("totcycle", "循环", "循环号", "循环序号", "サイクル", "ｻｲｸﾙ", "zyklus", "scan"),
    # "stepno": Landt's record layer ("CycleNo", "StepNo" in its CSV and workbook exports)
    "step": ("step", "stepindex", "ns", "stepnumber", "stepno", "工步", "工步号", "工步序号")
    + ("步次", "schritt"),
    "frequency": ("frequency", "freq", "f", "frequenz", "fréquence"),
    # "rez"/"imz": PyEIS writes "ReZ /Ohms", "ImZ /Ohms" ("Re Z", "Re_Z" normalise to it);
    # "z′"/"z″": the typographic primes of exports written from word processors or Origin
    # "zr"/"zi": yappari's "Freq /Hz, Zr , Zi" (nitad54448/yappari); "zi" states no sign, see
    # _SIGN_UNSTATED
    "z_re": ("z_re", "zre", "re(z)", "z'", "zreal", "realz", "z'(ohm)", "real", "rez", "z′")
    + ("zr",),
    "z_im": ("z_im", "zim", "im(z)", 'z"', "z''", "zimag", "imagz", "zimg", "imag", "imaginary")
    + ("imz", "z″", "zi"),
    "-z_im": ("-z_im", "-zim", "-im(z)", '-z"', "-z''", "-zimag", "-imag", "-imaginary", "-imz")
    + ("-imagz", "-zimg", "-z″"),
    # "impedance": Zahner Thales' "Frequency;Impedance;Phase" (the modulus, with the phase);
    # "z": the modulus beside Z' and Z'' (PalmSens PSTrace "Z / Ohm", CHI "Z/ohm")
    # "impedancemagnitude": Solartron ModuLab's SMaRT export ("Impedance Magnitude (Ohms)")
    "|z|": ("|z|", "zmod", "modz", "mod(z)", "modulus", "magnitude", "impedancemodulus")
    + ("impedance", "z", "impedancemagnitude"),
    # "theta"/"θ": the phase symbol of LCR meters and network analysers ("|Z|, θ")
    # "impedancephase": SMaRT's "Impedance Phase Degrees (')" (see _PHASE_IN_DEGREES)
    "phase": ("phase", "phase(z)", "zphz", "phz", "phaseangle", "angle", "theta", "θ")
    + ("impedancephase",),
    # "negphase": PalmSens PSTrace's "neg. Phase / °"
    "-phase": ("-phase", "-phase(z)", "-zphz", "-phz", "-phaseangle", "-angle", "-theta", "-θ")
    + ("negphase", "negativephase"),
}

#: Lines looked at to find the delimiter and the header line.
_SNIFF_LINES = 200
#: A phase column whose name ends in its unit, "degrees" (Solartron ModuLab's SMaRT CSV export:
#: "Impedance Phase Degrees (')", beside "Impedance Magnitude (Ohms)").
_PHASE_IN_DEGREES = re.compile(r"(-?(?:impedance)?phase)(?:in)?degrees?")

_NUMBERISH = re.compile(
    r"^\s*[-+]?(\d+[.,]?\d*|[.,]\d+|\d{1,3}(?:(?P<sep>[,.' \u00a0\u202f])\d{3})"
    r"(?:(?P=sep)\d{3})*(?:[.,]\d*)?)([eE][-+]?\d+)?\s*$"
)
#: Column names that are a unit word (Maccor's "mAmps", "mVolts"): the quantity's alias and
#: the unit. A Maccor export opened in Excel and saved as CSV is read by the generic reader,
#: which read "Volts" but found no current in "mAmps". A table named wholly in unit words
#: (``Seconds,Amps,Volts,Ah``: the example data shipped with NREL's ampworks, BSD-3-Clause)
#: names its time and capacity so too; the word is the unit, so nothing is assumed.
_NAMED_IN_UNITS = {
    "mamps": ("amps", "mA"),
    "mvolts": ("volts", "mV"),
    "amps": ("amps", "A"),
    "volts": ("volts", "V"),
    "seconds": ("time", "s"),
    "secs": ("time", "s"),
    "minutes": ("time", "min"),
    "hours": ("time", "h"),
    "ah": ("capacity", "A.h"),
    "mah": ("capacity", "mA.h"),
}


def _norm(stem: str) -> str:
    # a leading "~", "#", "%" or "*" marks the header line as a comment in some exports
    # (BaSyTec "~Time[h]", MATLAB "% Freq", ZMA/FRD "* Freq(Hz)"): not part of the name;
    # a hyphen between words is a separator (Landt "Cycle-Index"), a leading one a sign
    # ("-Z''"), one between symbols a minus ("(Q-Qo)")
    # Metrohm Autolab (NOVA) names a quantity after its channel, "WE(1).Current (A)",
    # "WE(1).Potential (V)": the quantity is what follows the working-electrode prefix
    # braces stand for parentheses in some exports (EZStat "Re{Z}", "-Im{Z}")
    # RelaxIS names its exported columns "Data: Frequency", "Data: Z'" (also in workbooks)
    text = re.sub(r"^\s*we\s*\(\d+\)\s*\.", "", stem.lower().replace("{", "(").replace("}", ")"))
    text = re.sub(r"^\s*data\s*:\s*", "", text)
    text = re.sub(r"[\s_.]+", "", text).lstrip("~#%*")
    text = re.sub(r"(?<=[^\W\d_]{2})-(?=[^\W\d_]{2})", "", text)
    # a sign written as a word (ciuccislab DNN-DRT "Minus Im(Z) / mohm cm2") is the sign
    return "-" + text[5:] if text.startswith("minus") and len(text) > 5 else text


def _lookup(name: str, header: list[str]) -> tuple[str, str | None] | None:
    """Find ``name`` in ``header``: exactly, else ``"stem [unit]"`` with the unit given here."""
    if name in header:
        return name, split_header(name)[1]
    stem, unit = split_header(name)
    if stem in header:
        return stem, unit
    return None


def map_columns(
    header: list[str],
    columns: Mapping[str, str] | None,
    path: Path | str,
) -> dict[str, tuple[str, str | None]]:
    """Quantity -> (file column, unit text or None) for the columns of ``header``.

    Parameters
    ----------
    header : list of str
        The file's column names.
    columns : mapping, optional
        User mapping quantity -> column (``"time"``, ``"voltage"``, ``"current"``,
        ``"current density"``, ``"capacity"``, ``"cycle"``, ``"step"``, ``"frequency"``,
        ``"z_re"``, ``"z_im"``, ``"-z_im"``). A value ``"t [min]"`` names the column ``t`` in
        minutes when the file has no column called ``"t [min]"``.
    path : path
        File, for messages.
    """
    found: dict[str, tuple[str, str | None]] = {}
    for key, name in (columns or {}).items():
        key = check_choice("column mapping key", str(key).lower(), list(QUANTITIES))
        hit = _lookup(str(name), header)
        if hit is None:
            raise DataFormatError(
                f"{path}: column {name!r} (mapped to {key!r}) is not in the file; its columns "
                f"are {', '.join(repr(h) for h in header)}."
            )
        found[key] = hit
    taken = {col for col, _ in found.values()}
    for col in header:
        if col in taken:
            continue
        stem, unit = split_header(col)
        norm = _norm(stem)
        in_degrees = _PHASE_IN_DEGREES.fullmatch(norm)
        if in_degrees and unit in (None, "'", "°", "deg"):
            # the unit is a word of the name ("Impedance Phase Degrees (')": SMaRT writes an
            # apostrophe for the degree sign, which would read as a lost character)
            norm, unit = in_degrees.group(1), "deg"
        if norm.endswith("#") and not any(norm in aliases for aliases in ALIASES.values()):
            # a number sign ending the name ("Step#", "Cycle#": Digatron's counters, whose unit
            # after the sign is none) is no part of it; "Cyc#" (Maccor, Landt) is an alias
            norm = norm[:-1]
        if norm in _NAMED_IN_UNITS:
            # a unit stated beside the unit word wins (BaSyTec's "Ah[Ah]": the cell's net
            # charge, which went unread and was integrated from the current instead)
            norm, unit = _NAMED_IN_UNITS[norm][0], unit or _NAMED_IN_UNITS[norm][1]
        for key, aliases in ALIASES.items():
            if norm in aliases and key not in found:
                if key in ("z_im", "-z_im") and ("z_im" in found or "-z_im" in found):
                    continue
                found[key] = (col, unit)
                break
    if columns is None or "time" not in {str(k).lower() for k in columns}:
        _prefer_test_time(found, header)
    _resistance_and_reactance(found, header)
    _calculated_pair(found, header)
    return found


#: Columns of a calculated spectrum (yappari's simulation export ``Freq /Hz, Zr_calc , Zi_calc``,
#: nitad54448/yappari): read only where the file gives no measured Z' and Z''.
_CALCULATED_PAIR = ("zrcalc", "zicalc")


def _calculated_pair(found: dict[str, tuple[str, str | None]], header: list[str]) -> None:
    """Map yappari's ``Zr_calc``/``Zi_calc`` to Z'/Z'' beside a frequency column when no
    measured pair was found (a measured ``Zr``/``Zi`` beside them is read first). ``found`` is
    changed in place; :func:`frame_from_columns` notes that the spectrum is a calculated one."""
    if "frequency" not in found or {"z_re", "z_im", "-z_im", "|z|"} & found.keys():
        return
    taken = {col for col, _ in found.values()}
    stems = {_norm(split_header(c)[0]): c for c in header if c not in taken}
    if all(name in stems for name in _CALCULATED_PAIR):
        for key, name in zip(("z_re", "z_im"), _CALCULATED_PAIR, strict=True):
            found[key] = (stems[name], split_header(stems[name])[1])


#: Resistance and reactance of an impedance meter, Z = R + jX: Hioki's battery impedance meters
#: in their RX mode (BT4560; a public logger of it writes ``FREQUENCY, R(ohm), X(ohm), V(V)``),
#: LCR meters' series equivalents ``Rs``/``Xs``.
_RX_PAIRS = (("r", "x"), ("rs", "xs"))


def _resistance_and_reactance(found: dict[str, tuple[str, str | None]], header: list[str]) -> None:
    """Map a pair of resistance and reactance columns beside a frequency to Z' and Z''.

    Only as a pair, beside a frequency column, where no other real or imaginary part was found
    and in ohm (or without a unit): a lone ``R`` is a cycler's resistance. The reactance is
    Z'' itself (negative on a capacitive arc). ``found`` is changed in place.
    """
    if "frequency" not in found or {"z_re", "z_im", "-z_im"} & found.keys():
        return
    taken = {col for col, _ in found.values()}
    stems = {_norm(split_header(c)[0]): c for c in header if c not in taken}
    for r, x in _RX_PAIRS:
        if r in stems and x in stems:
            units = [split_header(stems[r])[1], split_header(stems[x])[1]]
            if all(u is None or _has_dimension(u, "[resistance]") for u in units):
                found["z_re"] = (stems[r], units[0])
                found["z_im"] = (stems[x], units[1])
                return


#: Names of a time counted from the start of the test (not of the step): Neware BTS and Landt
#: write the time within the current step as a bare "Time" beside them.
_TEST_TIMES = ("testtime", "totaltime", "testtimes", "测试时间", "总时间", "累计时间")


def _prefer_test_time(found: dict[str, tuple[str, str | None]], header: list[str]) -> None:
    """Read the test's time, not the step's: a bare ``Time`` beside a ``Total Time`` or ``Test
    Time`` column is the time within each step (Neware BTS and Landt exports; it restarts at
    0 at every step), which :func:`finish_table` would refuse as time going backwards."""
    if "time" not in found or _norm(split_header(found["time"][0])[0]) not in ("time", "t"):
        return
    for col in header:
        stem, unit = split_header(col)
        if _norm(stem) in _TEST_TIMES:
            found["time"] = (col, unit)
            return


# What a table must hold, as alternatives per need: (time) and (voltage) and (current or density).
_NEEDS = {
    "timeseries": (("time",), ("voltage",), ("current", "current density")),
    "impedance": (("frequency",), ("z_re", "|z|"), ("z_im", "-z_im", "phase", "-phase")),
}
_IMPEDANCE_KEYS = ("frequency", "z_re", "z_im", "-z_im", "|z|", "phase", "-phase")
_MAPPING_EXAMPLE = {
    "timeseries": (
        "columns={'time': 't [min]', 'voltage': 'E', 'current': 'I [mA]'} in Python, or "
        "--column 'time=t [min]' --column voltage=E --column 'current=I [mA]' on the command line"
    ),
    "impedance": (
        "columns={'frequency': 'f [Hz]', 'z_re': 'Zr [Ohm]', 'z_im': 'Zi [Ohm]'} in Python "
        "('-z_im' for a column of -Z''), or --column 'frequency=f [Hz]' --column "
        "'z_re=Zr [Ohm]' --column 'z_im=Zi [Ohm]' on the command line"
    ),
}


def check_columns(
    mapping: Mapping[str, object],
    header: Iterable[str],
    path: Path | str,
    *,
    have: Iterable[str] = (),
) -> None:
    """Refuse a table whose columns do not give what every analysis needs, saying why.

    A time series needs time, voltage and current (or current density); an impedance spectrum
    frequency, Z_re and Z_im. The message names the file's columns, the names recognised for
    each missing quantity (:data:`ALIASES`) and how to map the columns by hand.

    Parameters
    ----------
    mapping : mapping
        Quantity -> file column, as :func:`map_columns` found them.
    header : iterable of str
        The file's column names.
    path : path
        File, for the message.
    have : iterable of str
        Quantities the reader derives without a column (e.g. the current from ``dq``).

    Raises
    ------
    DataFormatError
        None of the columns is recognised, or a needed quantity has no column.
    """
    keys = set(mapping) | set(have)
    kind = "impedance" if "frequency" in keys and not _complete(keys, "timeseries") else None
    if kind is None:
        # a table with a complete time series and a frequency column is checked as a time
        # series unless its impedance part is complete too (the rows then decide, see
        # frame_from_columns)
        both = "frequency" in keys and _complete(keys, "impedance")
        kind = "impedance" if both else "timeseries"
    missing = [alts for alts in _NEEDS[kind] if not keys & set(alts)]
    if not missing:
        return
    found = ", ".join(repr(str(h)) for h in header) or "none"
    if not keys & {"z_re", "z_im", "-z_im", "|z|"}:
        _refuse_transfer_function(header, path)
    if not keys:
        wanted = [alts for needs in _NEEDS.values() for alts in needs]
        problem = f"none of its columns is recognised (columns found: {found})"
    else:
        wanted = missing
        tidy = ", ".join(QUANTITIES[alts[0]][0] for alts in missing)
        used = ", ".join(f"{k}={v[0] if isinstance(v, tuple) else v!r}" for k, v in mapping.items())
        problem = f"no column for {tidy} (columns found: {found}; recognised: {used})"
    names = "; ".join(f"{key}: {', '.join(ALIASES[key])}" for alts in wanted for key in alts)
    rest = ""
    if kind == "timeseries" and missing == [_NEEDS[kind][2]]:
        # time and voltage but no current: an open-circuit record (EC-Lab's OCV text export
        # writes time/s, <Ewe>/V only); a current of zero is not assumed from an absent column
        rest = (
            " If the record has no current (an open-circuit rest), the file cannot show it: "
            "export the instrument's own file (an EC-Lab .mpt keeps the mode column that marks a "
            "rest), or add a current column of zeros."
        )
    eclab = [h for h in map(str, header) if h.strip() in _ECLAB_OWN_NAMES]
    # (a record without its time; one with time and voltage only is the open-circuit case above)
    if kind == "timeseries" and eclab and "time" not in keys:
        # EC-Lab's "Export as Text" writes only the columns ticked in its dialog (rstol/
        # eightinks-experimental's S0013_E0001_1_C06_0.txt: Ewe/V and Capacity/mA.h, no time,
        # no current): the record itself has them
        rest += (
            f" The columns are named as BioLogic EC-Lab/BT-Lab writes them ({', '.join(map(repr, eclab))}): "
            "an EC-Lab 'Export as Text' with only some columns ticked. Export it again with "
            "time/s and I/mA (or <I>/mA) ticked, or read the run's .mpr file (or an .mpt with "
            "all columns) instead."
        )
    per_mass = [h for h in map(str, header) if _PER_MASS.search(split_header(h)[1] or "")]
    if kind == "timeseries" and {"time", "current"}.isdisjoint(keys) and per_mass:
        # a cycler's processed table (TOYO's 連続データ.csv: cycle, mode, state, voltage and
        # 電気量 in mAh/g, no time or current) is a view of the record, not the record
        rest += (
            f" The file gives a capacity per mass ({per_mass[0]!r}) but neither time nor "
            "current: a table the cycler's software derived from its record. Read the record "
            "itself (TOYO: the raw data files with six-digit names, e.g. 000001, beside "
            "連続データ.csv)."
        )
    raise DataFormatError(
        f"{path}: {problem}. Recognised column names (case, spaces, dots and underscores "
        f"ignored; a unit in [..], (..) or after '/' or '#'): {names}. Map the columns with "
        f"{_MAPPING_EXAMPLE[kind]}.{rest}"
    )


#: Column names only BioLogic EC-Lab/BT-Lab write (a quantity, "/", its unit with EC-Lab's
#: "mA.h"; the averaged ones in angle brackets), as its text exports have them.
_ECLAB_OWN_NAMES = {
    "Ewe/V",
    "<Ewe>/V",
    "Ecell/V",
    "<Ecell>/V",
    "Ece/V",
    "<Ece>/V",
    "Ewe-Ece/V",
    "<I>/mA",
    "control/V/mA",
    "Capacity/mA.h",
    "(Q-Qo)/mA.h",
    "Q charge/discharge/mA.h",
    "Q discharge/mA.h",
    "Q charge/mA.h",
    "dq/mA.h",
}

#: A unit per mass of material (``mAh/g``, ``Ah/kg``, ``mA h g-1``).
_PER_MASS = re.compile(r"(?i)(?:/\s*k?g\b|\bk?g\s*-1\b|\bk?g\^-1\b)")


#: A magnitude in decibels (``Gain in dB``, ``Magnitude (dBm)``): a frequency-response
#: analyser's ratio of two voltages, not an impedance in Ohm.
_DECIBEL = re.compile(r"(?i)(?:\bgain\b|\bdbm?\b)")
_PHASE = re.compile(r"(?i)\bphase\b")


def _refuse_transfer_function(header: Iterable[str], path: Path | str) -> None:
    """Refuse a frequency-response analyser's export (a gain in dB and a phase against
    frequency: ImpedanceFitter's Moku:Go and Rohde & Schwarz examples) as what it is: the
    transfer function of the set-up, from which the impedance follows only with the shunt
    resistor and the circuit the user wired, which the file does not state."""
    names = [str(h) for h in header]
    gains = [n for n in names if _DECIBEL.search(n)]
    if not gains or not any(_PHASE.search(n) for n in names):
        return
    raise DataFormatError(
        f"{path}: a frequency-response analyser's transfer function ({gains[0]!r} and a phase "
        "against frequency), not an impedance: Z follows from it only with the shunt resistor "
        "and the circuit of your set-up, which the file does not state (for the cell in "
        "series with a shunt R_s, the voltage across R_s over the source is H = R_s / (Z + "
        "R_s), so Z = R_s (1/H - 1), with H = 10^(gain/20) exp(i phase)). Compute Z and give "
        "a table of 'Frequency [Hz]', 'Z_re [Ohm]', 'Z_im [Ohm]'."
    )


#: Parts of column names (lower case; spaces, underscores, dots and hyphens removed) that only a
#: summary of cycles or steps holds, one row per cycle or step and no sampled record: Neware BTS
#: cycle and step layers ("Charge/Discharge Efficiency(%)", "Capacity Retention(%)",
#: "Chg_Time(h:min:s.ms)", "Plat_Cap(mAh)", "Start Voltage(V)", "End Voltage(V)", BTS 8
#: "Chg.-DChg. Eff(%)", "Oneset Volt.(V)"), Arbin's StatisticByCycle ("Charge_Time(s)",
#: "V_Max_On_Cycle(V)", "Coulombic Efficiency(%)"), and the Chinese names of Neware and Landt
#: (效率 efficiency, 保持率 retention, 起始/终止/中值电压 start/end/median voltage, 充电/放电时间
#: charge/discharge time).
_SUMMARY_MARKS = (
    "efficiency",
    "retention",
    "startvolt",
    "endvolt",
    "onesetvolt",
    "medianvolt",
    "chgtime",
    "chargetime",
    "platcap",
    "plattime",
    "vmaxoncycle",
    "vminoncycle",
    "效率",
    "保持率",
    "起始电压",
    "终止电压",
    "中值电压",
    "充电时间",
    "放电时间",
)

#: An efficiency abbreviated "Eff" (BTS 8 "Chg.-DChg. Eff(%)"), not the end of "Coeff".
_EFFICIENCY = re.compile(r"(?<!co)eff(?:\(|$)")


def _summary_columns(header: Iterable[str]) -> list[str]:
    """The columns of ``header`` whose names only a per-cycle or per-step summary has."""
    marked = []
    for col in header:
        text = re.sub(r"[\s_.\-]+", "", str(col).lower())
        if any(mark in text for mark in _SUMMARY_MARKS) or _EFFICIENCY.search(text):
            marked.append(str(col))
    return marked


def refuse_summary(
    raw: pd.DataFrame,
    mapping: Mapping[str, object],
    path: Path | str,
    *,
    complete: bool,
) -> None:
    """Refuse a per-cycle or per-step summary table given as a time series, saying so.

    A summary (a cycler's cycle or step layer, Arbin's statistics) holds one row per cycle or
    step; read as a time series it gave a few points a cycle apart, which every analysis took
    for a record, or a message that asked for columns to be mapped. It is told by its column
    names (:data:`_SUMMARY_MARKS`) and by a cycle or step index that differs on every row;
    without such an index, a table whose columns are incomplete is one unless its cycle or step
    numbers repeat or it has a time column (a record lacking, say, its current column that
    carries an "End Voltage" column is told what it lacks, not that it is a summary).

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read.
    mapping : mapping
        Quantity -> (column, unit) found by :func:`map_columns`.
    path : path
        The file, for the message.
    complete : bool
        Whether the columns give a whole time series.

    Raises
    ------
    DataFormatError
        The table is a summary.
    """
    marked = _summary_columns(raw.columns)
    if not marked or "frequency" in mapping:
        return
    per_row, repeats = {}, False
    for key in ("step", "cycle"):
        if key in mapping:
            found = mapping[key]
            column = found[0] if isinstance(found, tuple) else found
            values = pd.to_numeric(raw[column], errors="coerce").dropna().to_numpy(float)
            per_row[key] = values.size >= 2 and bool(np.all(np.diff(values) > 0))
            repeats |= values.size >= 2 and not per_row[key]
    if not any(per_row.values()) and (complete or repeats or "time" in mapping):
        # a record that lacks a column (its cycle or step numbers repeat over rows, or it has a
        # time column of its own, which no summary has) is not a summary: check_columns names
        # what is missing
        return
    unit = next((key for key in ("step", "cycle") if per_row.get(key)), "cycle or step")
    shown = ", ".join(repr(c) for c in marked[:4])
    raise DataFormatError(
        f"{path}: a summary table, one row per {unit} ({len(raw)} rows; columns such as "
        f"{shown} exist only in a cycler's cycle or step summary), not a record of samples: "
        "the analyses need the time series. Export the record layer instead (Neware BTS: the "
        "'record' or 'Detail' layer, not 'cycle' or 'step'; Arbin: the Channel sheet, not "
        "Statistics; Landt: the Record sheet)."
    )


def _complete(keys: Iterable[str], kind: str) -> bool:
    """True when ``keys`` give every quantity a table of ``kind`` needs."""
    return all(set(keys) & set(alts) for alts in _NEEDS[kind])


#: Share of the rows [-] with a positive frequency from which a table that holds both a time
#: series and impedance columns is read as impedance (below it, as the time series).
IMPEDANCE_ROW_SHARE = 0.5


def _impedance_rows(
    raw: pd.DataFrame, mapping: Mapping[str, tuple[str, str | None]]
) -> np.ndarray | None:
    """Rows that hold an impedance point (a positive frequency) in a table whose columns give a
    complete time series too; None when the table has no frequency column or no time series.

    Cycler schemas that also cover impedance (BatteryArchive's and battery-data-toolkit's
    ``Frequency_Hz``, ``Z_Real_Ohm`` ...) leave those columns empty in the cycling rows; a
    frequency column alone does not make the file a spectrum."""
    if "frequency" not in mapping or not _complete(mapping, "timeseries"):
        return None
    f = pd.to_numeric(raw[mapping["frequency"][0]], errors="coerce").to_numpy(dtype=float)
    return np.isfinite(f) & (f > 0)


def frame_from_columns(
    raw: pd.DataFrame,
    mapping: dict[str, tuple[str, str | None]],
    path: Path | str,
    notes: list[str],
    *,
    area_m2: float | None,
    chosen: Iterable[str] = (),
    signed_current: SignedCurrent | None = None,
) -> tuple[pd.DataFrame, str, float | None]:
    """Convert the mapped columns of ``raw`` to the tidy SI table (not yet checked).

    ``chosen`` holds the quantity keys the user mapped (the pair of impedance columns to read
    when a table gives two that disagree). ``signed_current`` names a current column whose sign
    the file itself states (:class:`SignedCurrent`), passed on to :func:`_current_sign`.
    Returns the table, its kind and the electrode area (unchanged).
    """
    kind = "impedance" if "frequency" in mapping else "timeseries"
    z_rows = _impedance_rows(raw, mapping)
    if z_rows is not None and z_rows.mean() < IMPEDANCE_ROW_SHARE:
        kind = "timeseries"
        if z_rows.any():
            raw = raw.loc[~z_rows].reset_index(drop=True)
            notes.append(
                f"{int(z_rows.sum())} impedance rows (a frequency given) set aside; the rest "
                "is read as the time series."
            )
        else:
            cols = ", ".join(repr(v[0]) for k, v in mapping.items() if k in _IMPEDANCE_KEYS)
            notes.append(f"the impedance columns ({cols}) are empty: read as a time series.")
    out: dict[str, np.ndarray] = {}
    assumed: dict[str, str] = {}
    area_specific: list[str] = []
    nominal_area = False
    for key, (col, unit) in mapping.items():
        target, si = QUANTITIES[key]
        if (kind == "impedance") != (key in _IMPEDANCE_KEYS):
            continue
        what = f"{key} column {col!r}"
        dated = _date_beside(raw, col, mapping) if key == "time" else None
        if dated is not None:
            joined = raw[dated].astype(str).str.strip() + " " + raw[col].astype(str).str.strip()
            clock = clock_seconds(joined)
            if clock is not None:
                out[target] = clock[0]
                notes.append(
                    f"the time of day {col!r} read with the date {dated!r} beside it as one "
                    f"clock ({clock[1]}), in seconds from the first row, {joined.iloc[0]} (a "
                    "record that runs past midnight goes on counting)."
                )
                continue
        seconds = parse_durations(raw[col]) if key == "time" else None
        if seconds is not None:
            out[target] = seconds
            notes.append(f"time column {col!r} read as hh:mm:ss durations.")
            continue
        seconds = time_from_clock(raw[col], col, notes) if key == "time" else None
        if seconds is not None:
            out[target] = seconds
            continue
        values, cell_unit = numeric_column(raw[col], what=what, path=path, notes=notes)
        unit = unit if unit is not None else cell_unit
        if key == "time":
            # a stated unit is checked too: Digatron's TestSuite writes milliseconds under
            # "Program Duration#s"
            unit = _time_unit_from_wall_clock(raw, col, values, notes, stated=unit) or unit
        if unit is None and key in ("phase", "-phase"):
            unit = "deg"
            notes.append(f"phase column {col!r} has no unit: read in degrees, as exported.")
        elif unit is None and si and key not in ("capacity",):
            assumed[col] = si.replace("**", "^").replace("*", ".")
        elif unit is None and key == "capacity":
            assumed[col] = "A.h"
        if (
            key in ("z_re", "z_im", "-z_im")
            and unit is not None
            and _has_dimension(unit, "[resistance] * [area]")
        ):
            # Area-specific impedance (Ohm.cm2, e.g. solidna simulate output): needs the area.
            area_specific.append(col)
            factor = unit_factor(unit, "ohm*m**2", what=what, path=path)
            if area_m2 is None:
                # The area-specific results (Ohm.cm2, and the conductivity from the thickness)
                # do not depend on the area, so any area gives them exactly; 1 cm2 makes the
                # Ohm values equal the file's Ohm.cm2 ones (solidna simulate eis writes these).
                area_m2, nominal_area = 1e-4, True
            factor /= area_m2
        elif key == "current" and unit is not None and _has_dimension(unit, "[current] / [area]"):
            target, si = QUANTITIES["current density"]
            factor = unit_factor(unit, si, what=what, path=path)
        elif key == "current" and unit is not None and _has_dimension(unit, "[current] / [mass]"):
            # per gram of active material: the analysis turns it into a current with the mass
            target, si = SPECIFIC_CURRENT, "A/kg"
            factor = unit_factor(unit, si, what=what, path=path)
            notes.append(
                f"current column {col!r} is per mass ({unit}): read as a specific current."
            )
        elif key == "capacity" and unit is not None and _has_dimension(unit, "[charge] / [mass]"):
            # a per-gram counter says nothing the current does not: the capacity is integrated
            notes.append(
                f"capacity column {col!r} is per mass ({unit}): set aside; the capacity is "
                "integrated from the current."
            )
            continue
        else:
            factor = unit_factor(unit, si, what=what, path=path)
        values = values * factor
        if key in ("-z_im", "-phase"):
            values = -values
        out[target] = values
    if kind == "impedance":
        _sign_of_unsigned_imaginary(out, mapping, notes, chosen)
        _from_modulus_and_phase(out, mapping, path, notes, chosen)
    if area_specific and nominal_area:
        notes.append(
            f"impedance columns {', '.join(area_specific)} are area-specific and no area is "
            "given: read for 1 cm2 (Ohm = the file's Ohm.cm2). The area-specific results are "
            "the file's; those in Ohm are of a 1-cm2 cell: give --area for the cell's own."
        )
    elif area_specific:
        notes.append(
            f"impedance columns {', '.join(area_specific)} were area-specific; divided by the "
            f"area {area_m2 * 1e4:g} cm2."
        )
    if kind == "timeseries" and QUANTITIES["capacity"][0] not in out:
        net = _net_charge_from_counters(raw, path, assumed, notes)
        if net is not None:
            out[QUANTITIES["capacity"][0]] = net
    warn_assumed_units(assumed, path, notes)
    currents = [QUANTITIES[k][0] for k in ("current", "current density")] + [SPECIFIC_CURRENT]
    currents = [c for c in currents if c in out]
    if kind == "timeseries" and currents:
        # one decision for the current and its density (one note)
        read = mapping.get("current", ("",))[0]
        sign = _current_sign(
            raw,
            out[currents[0]],
            notes,
            time=out.get(QUANTITIES["time"][0]),
            voltage=out.get(QUANTITIES["voltage"][0]),
            step=out.get(QUANTITIES["step"][0]),
            stated_by=(
                signed_current.source
                if signed_current is not None and signed_current.column == read
                else None
            ),
        )
        for target in currents:
            out[target] = out[target] * sign
    return pd.DataFrame(out), kind, area_m2


#: Names of an imaginary part that do not say whether it is Z'' or -Z'' (yappari's ``Zi``,
#: ``Zi_calc``): the sign is read from the data.
_SIGN_UNSTATED = ("zi", "zicalc")


def _sign_of_unsigned_imaginary(
    out: dict[str, np.ndarray],
    mapping: Mapping[str, tuple[str, str | None]],
    notes: list[str],
    chosen: Iterable[str],
) -> None:
    """Decide from the data whether an imaginary column named without a sign (``Zi``) is Z''.

    A passive cell's spectrum is capacitive over most of the sweep (Z'' < 0; only an
    inductive tail at the highest frequencies has Z'' > 0), so a column positive in most rows
    is -Z'': it is negated. The assumption is noted either way; a column mapped by the user
    (``z_im`` or ``-z_im``) is taken as mapped. ``out`` is changed in place.
    """
    if "z_im" not in mapping or "z_im" in chosen:
        return
    col = mapping["z_im"][0]
    if _norm(split_header(col)[0]) not in _SIGN_UNSTATED:
        return
    target = QUANTITIES["z_im"][0]
    values = out.get(target)
    if values is None:
        return
    finite = values[np.isfinite(values)]
    positive = finite.size > 0 and float(np.mean(finite > 0)) > 0.5
    if positive:
        out[target] = -values
        notes.append(
            f"column {col!r} does not state its sign and is positive in most rows: read as "
            "-Z'' (a capacitive spectrum has Z'' < 0). Map it as 'z_im' to read it as Z''."
        )
    else:
        notes.append(
            f"column {col!r} does not state its sign and is negative in most rows: read as "
            "Z'' (capacitive, Z'' < 0). Map it as '-z_im' if it holds -Z''."
        )
    if _norm(split_header(col)[0]) == "zicalc":
        notes.append(
            f"the spectrum read is the file's calculated one ({mapping['z_re'][0]!r}, {col!r}: "
            "a simulation or a fit), not a measurement."
        )


def _from_modulus_and_phase(
    out: dict[str, np.ndarray],
    mapping: Mapping[str, tuple[str, str | None]],
    path: Path | str,
    notes: list[str],
    chosen: Iterable[str] = (),
) -> None:
    """Z_re and Z_im from ``|Z|`` and the phase (a Bode export) where the file lacks them.

    A table with both pairs has them checked against each other (:func:`_prefer_polar_pair`);
    the Cartesian pair is read unless the user mapped the polar one (``chosen``: the quantity
    keys of the user's column mapping).
    """
    z_re, z_im = QUANTITIES["z_re"][0], QUANTITIES["z_im"][0]
    modulus, phase = QUANTITIES["|z|"][0], QUANTITIES["phase"][0]
    if z_re in out and z_im in out:
        if modulus in out and phase in out:
            polar = _prefer_polar_pair(out, mapping, path, notes, set(chosen))
        else:
            polar = False
        if not polar:
            out.pop(modulus, None)
            out.pop(phase, None)
            return
        out.pop(z_re)
        out.pop(z_im)
    if modulus not in out or phase not in out:
        have = ", ".join(f"{k}={v[0]!r}" for k, v in mapping.items())
        raise DataFormatError(
            f"{path}: the impedance needs Z_re and Z_im, or |Z| and the phase; the file gives "
            f"{have}. Map the missing column, e.g. columns={{'phase': 'Phase [deg]'}} or "
            "--column 'phase=Phase [deg]'."
        )
    theta = np.deg2rad(out.pop(phase))
    z = out.pop(modulus) * np.exp(1j * theta)
    out[z_re], out[z_im] = z.real, z.imag
    notes.append(
        "Z_re and Z_im computed from |Z| and the phase (Z = |Z| exp(i phase); a capacitive arc "
        "has a negative phase)."
    )


#: Agreement of a table's two impedance pairs, point by point: |Z| within 2 % of
#: |Z_re + i Z_im| and the phase within 2 degrees of its angle, at 90 % of the points. Both pairs
#: come from one measured ratio and are written with 4 or more digits (rounding <= 0.05 % and
#: 0.03 deg; a Gamry ZCURVE's Zmod/Zphz agree with Zreal/Zimag to 1e-6 and 5e-5 deg): 2 % and
#: 2 deg leave room for 3-digit exports while a unit or scale mix-up (x 1000, x 3600, cm2) or a
#: sign or radian mix-up (tens of degrees on an arc) stays far outside.
PAIR_MODULUS_REL = 0.02
PAIR_PHASE_DEG = 2.0
PAIR_SHARE = 0.9


def _prefer_polar_pair(
    out: dict[str, np.ndarray],
    mapping: Mapping[str, tuple[str, str | None]],
    path: Path | str,
    notes: list[str],
    chosen: set[str],
) -> bool:
    """Check a table's Z_re/Z_im against its |Z|/phase; True to read the polar pair instead.

    Agreeing pairs (:data:`PAIR_MODULUS_REL`, :data:`PAIR_PHASE_DEG`) read the Cartesian pair
    as before. A phase column in radians read as degrees, or of the opposite sign (``-phase``
    under a plain name), beside a capacitive Z_im (< 0 on the arc) is noted: Z does not depend
    on it. Anything else (a constant factor between the moduli, a Z_im whose sign disagrees
    with a capacitive phase, no pattern) is refused naming both pairs and the mappings that
    choose one, unless the user's mapping already chose one: then that pair is read and the
    disagreement noted. One is never picked silently (PyEIS ``ex3.txt``: Z_re/Z_img are ~3,600
    x smaller than |Z| and Z_img holds -Z'').
    """
    z_re, z_im = QUANTITIES["z_re"][0], QUANTITIES["z_im"][0]
    zc = out[z_re] + 1j * out[z_im]
    mod, ph = out[QUANTITIES["|z|"][0]], out[QUANTITIES["phase"][0]]
    ok = np.isfinite(zc) & np.isfinite(mod) & np.isfinite(ph)
    # a pair left unfilled (pyimpspec's EC-Lab test files write |Z| and Phase(Z) as zeros) holds
    # nothing to check against: the other pair is read, said so
    empty = [not np.any(v[ok] != 0) for v in (zc, mod)]
    if any(empty) and not all(empty):
        pairs = {"Z_re/Z_im": ("z_re", "z_im", "-z_im"), "|Z|/phase": ("|z|", "phase", "-phase")}
        used, unused = ("|Z|/phase", "Z_re/Z_im") if empty[0] else ("Z_re/Z_im", "|Z|/phase")
        cols = ", ".join(repr(v[0]) for k, v in mapping.items() if k in pairs[used])
        notes.append(
            f"the {unused} columns hold only zeros (not filled in by the export): Z is read "
            f"from the {used} columns ({cols})."
        )
        return bool(empty[0])
    ok &= np.abs(zc) > 0
    if ok.sum() < 2:
        return False
    zc, mod, ph = zc[ok], mod[ok], ph[ok]
    angle = np.degrees(np.angle(zc))

    def share(candidate: np.ndarray) -> float:
        off = (candidate - angle + 180.0) % 360.0 - 180.0
        return float(np.mean(np.abs(off) <= PAIR_PHASE_DEG))

    ratio = mod / np.abs(zc)
    factor = float(np.median(ratio))
    scaled = float(np.mean(np.abs(ratio / factor - 1) <= PAIR_MODULUS_REL)) >= PAIR_SHARE
    same_size = scaled and abs(factor - 1) <= PAIR_MODULUS_REL
    # the phase as read, of the opposite sign, and as radians read as degrees
    readings = {
        "as read": ph,
        "opposite sign": -ph,
        "radians": np.degrees(ph),
        "radians, opposite sign": -np.degrees(ph),
    }
    phase_fit = next((k for k, v in readings.items() if share(v) >= PAIR_SHARE), None)
    im_key = "-z_im" if "-z_im" in mapping else "z_im"
    ph_key = "-phase" if "-phase" in mapping else "phase"
    cols = {k: mapping[k][0] for k in ("z_re", im_key, "|z|", ph_key)}
    # Z_im of one sign beside a phase of both (beyond rounding) whose size follows the angle:
    # the Z_im column holds |Z''| and the sign of the inductive (or capacitive) points is only
    # in the phase (ciuccislab/quasiGP LFP_cycle30.csv: "Imag" never negative, "Phase(Z)/deg"
    # +12.9 to +1.76 deg at its 4 highest frequencies); read as -Z'' those points would turn
    # capacitive, so only the polar pair is offered
    positive, negative = ph > PAIR_PHASE_DEG, ph < -PAIR_PHASE_DEG
    one_sign = bool(np.all(zc.imag >= 0) or np.all(zc.imag <= 0))
    sizes_agree = float(np.mean(np.abs(np.abs(ph) - np.abs(angle)) <= PAIR_PHASE_DEG))
    if same_size and one_sign and positive.any() and negative.any() and sizes_agree >= PAIR_SHARE:
        never = "negative" if np.all(zc.imag >= 0) else "positive"
        problem = (
            f"the Z_im column {cols[im_key]!r} holds |Z''|, not Z'' or -Z'': it is never "
            f"{never} while the phase column {cols[ph_key]!r} is positive at "
            f"{int(np.sum(ph > 0))} and negative at {int(np.sum(ph < 0))} of {ph.size} points "
            "(|Z| and the size of the phase agree with Z_re and |Z''|); the sign of Z'' is "
            "only in the phase"
        )
        if chosen & {"|z|", "phase", "-phase"}:
            notes.append(f"{problem}. The pair mapped (|Z|/phase) is read.")
            return True
        if chosen & {"z_re", "z_im", "-z_im"}:
            notes.append(
                f"{problem}. The pair mapped (Z_re/Z_im) is read as mapped: the points whose "
                "phase has the other sign are read with the wrong sign of Z''."
            )
            return False
        ph_col, ph_unit = mapping[ph_key]
        ph_named = ph_col + (f" [{ph_unit}]" if ph_unit and split_header(ph_col)[1] is None else "")
        mod_col, mod_unit = mapping["|z|"]
        mod_named = mod_col + (
            f" [{mod_unit}]" if mod_unit and split_header(mod_col)[1] is None else ""
        )
        raise DataFormatError(
            f"{path}: {problem}. Read Z from the modulus and the phase: --column "
            f"'|z|={mod_named}' --column '{ph_key}={ph_named}' (Python: columns={{...}} with "
            "the same keys)."
        )
    if same_size and phase_fit == "as read":
        return False
    capacitive = float(np.median(zc.imag)) < 0
    sign_off = phase_fit is not None and "opposite" in phase_fit
    in_radians = phase_fit is not None and "radians" in phase_fit
    if phase_fit is None:
        phase_words = "the phase does not follow the angle of Z_re + i Z_im"
    elif phase_fit == "as read":
        phase_words = "the phase agrees with the angle of Z_re + i Z_im"
    else:
        how = ["in radians"] if in_radians else []
        if sign_off:
            held = "the phase column holds -phase" if capacitive else "the Z_im column holds -Z''"
            how.append(f"with the opposite sign ({held})")
        phase_words = "the phase agrees with the angle of Z_re + i Z_im only read " + (
            " and ".join(how)
        )
    if same_size and phase_fit is not None and (capacitive or not sign_off):
        # Z itself is right (the Cartesian pair is capacitive, |Z| agrees); only the phase
        # column's unit or sign differs from what its name says
        notes.append(
            f"phase column {cols[ph_key]!r}: {phase_words}; Z is read from {cols['z_re']!r} "
            f"and {cols[im_key]!r} (|Z| agrees)."
        )
        return False
    if same_size:
        size_words = "|Z| agrees with |Z_re + i Z_im|"
    elif scaled:
        size_words = f"|Z| is {factor:.4g} x |Z_re + i Z_im| at every point (a unit or a scale)"
    else:
        bad = int(np.sum(np.abs(ratio - 1) > PAIR_MODULUS_REL))
        size_words = (
            f"|Z| and |Z_re + i Z_im| differ by more than 2 % at {bad} of {ratio.size} points"
        )
    # the mappings that choose one pair, with the sign the other pair's phase says
    flip_im = sign_off and not capacitive
    im_use = ("z_im" if im_key == "-z_im" else "-z_im") if flip_im else im_key
    ph_use = ("phase" if ph_key == "-phase" else "-phase") if sign_off and capacitive else ph_key

    def named(key: str) -> str:
        # the column with the unit a mapping gave it (the header's own is part of its name)
        col, unit = mapping[key]
        if key == ph_key and in_radians and unit is None:
            unit = "rad"
        return col + (f" [{unit}]" if unit and split_header(col)[1] is None else "")

    cart = f"--column 'z_re={named('z_re')}' --column '{im_use}={named(im_key)}'"
    polar = f"--column '|z|={named('|z|')}' --column '{ph_use}={named(ph_key)}'"
    problem = (
        f"the table gives the impedance twice and the two disagree: Z_re/Z_im from "
        f"{cols['z_re']!r}, {cols[im_key]!r} and |Z|/phase from {cols['|z|']!r}, "
        f"{cols[ph_key]!r}: {size_words}; {phase_words}"
    )
    user_cart = bool(chosen & {"z_re", "z_im", "-z_im"})
    user_polar = bool(chosen & {"|z|", "phase", "-phase"})
    if user_cart != user_polar:
        used = "Z_re/Z_im" if user_cart else "|Z|/phase"
        notes.append(f"{problem}. The pair mapped ({used}) is read, the other set aside.")
        return user_polar
    raise DataFormatError(
        f"{path}: {problem}. solidna does not choose between them. Map the pair that holds the "
        f"impedance in Ohm and it is read (the other set aside, with a note): {cart}, or "
        f"{polar} (Python: columns={{...}} with the same keys)."
    )


# Columns that say which way the current flows: a step type (Battery Data Format "Step Type",
# Landt "step_name", "StepStatus" (its CSV record layer), "Step-State", Neware "Status", Maccor
# "Md", BaSyTec "Command") or a pair of charge and discharge counters.
_STEP_TYPE_STEMS = {"steptype", "stepname", "steptypename", "status", "state", "type", "mode", "md"}
_STEP_TYPE_STEMS |= {"stepstatus", "stepstate", "stepmode", "command", "zustand"}
_STEP_TYPE_STEMS |= {"工步类型", "工步名称", "工步状态", "状态"}  # Neware/Landt in Chinese
#: Step-type columns written as numbers, with what each code means (+1 charge, -1 discharge, 0
#: rest): TOYO's raw data files write "状態" 0 rest, 1 charge, 2 discharge beside a current
#: written unsigned (the codes of the public toyo-battery reader, MIT licence).
_STATE_CODES = {"状態": {0: 0, 1: 1, 2: -1}}
#: Landt's step modes, named by what is held and ending in C (charge) or D (discharge): CCC/CCD
#: constant current, CVC/CVD constant voltage, CPC/CPD power, CRC/CRD resistance, RateC/RateD a
#: C-rate step; R is a rest (LANDdt's work modes).
_LANDT_CHARGE = re.compile(r"(?:cc|cv|cp|cr|cccv|rate)c")
_LANDT_DISCHARGE = re.compile(r"(?:cc|cv|cp|cr|cccv|rate)d")
_COUNTER_STEMS = {"chargecapacity": 1, "dischargecapacity": -1, "充电容量": 1, "放电容量": -1}
# Digatron's charged and discharged ampere-hours ("AhCha#Ah", "AhDch#Ah"), counted apart
_COUNTER_STEMS |= {"ahcha": 1, "ahdch": -1}


#: Time units a test-time column without a unit is tried in against a wall clock [s per unit];
#: a stated unit the clock refutes is tried against those below it, down to ms.
_CLOCK_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}
_SMALLER_CLOCK_UNITS = {"ms": 1e-3, **_CLOCK_UNITS}
#: Factor [-] within which the wall clock's elapsed time over the test time's span must match a
#: unit's seconds for the column to be read in that unit (pauses lengthen the wall clock).
_CLOCK_MATCH = 1.5
#: Resolution [s] of a wall clock written to the whole second, at each end of the record.
_CLOCK_RESOLUTION_S = 1.0
_DATE_AND_TIME = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[ T]+\d{1,2}:\d{2}"


def _clock_columns(raw: pd.DataFrame, time_col: str, first: int, last: int) -> Iterator[str]:
    """The columns of ``raw`` other than ``time_col`` that hold a date and a time of day in rows
    ``first`` and ``last``: columns of numbers (a MATLAB datenum) and of durations (``00:10:00``,
    a step time) are no clock."""
    for col in raw.columns:
        if col == time_col or pd.api.types.is_numeric_dtype(raw[col]):
            continue
        ends = raw[col].iloc[[first, last]].astype(str)
        if ends.str.contains(_DATE_AND_TIME, regex=True).all():
            yield col


def _elapsed_on_clock(
    raw: pd.DataFrame, col: str, first: int, last: int, *, whole: bool = True
) -> float | None:
    """Wall-clock seconds from row ``first`` to row ``last`` of the clock column ``col``, or None
    where a cell is no date or the clock does not advance. The whole column decides the order
    of day and month (read_clock), not its two ends; ``whole=False`` reads the ends alone, a
    first look that costs nothing on a million rows."""
    if whole:
        stamps = wall_clock(raw[col]).iloc[[first, last]]
    else:
        stamps = wall_clock(raw[col].iloc[[first, last]])
    if stamps.isna().any():
        return None
    elapsed = (stamps.iloc[1] - stamps.iloc[0]).total_seconds()
    return elapsed if elapsed > 0 else None


def _matching_unit(ratio: float, units: Mapping[str, float]) -> str | None:
    """The unit of ``units`` (name -> seconds) nearest to ``ratio`` [s per value] within a
    factor of :data:`_CLOCK_MATCH`, or None."""
    if not units:
        return None
    unit = min(units, key=lambda u: abs(np.log(ratio / units[u])))
    return unit if abs(np.log(ratio / units[unit])) < np.log(_CLOCK_MATCH) else None


def _time_unit_from_wall_clock(
    raw: pd.DataFrame,
    time_col: str,
    values: np.ndarray,
    notes: list[str],
    stated: str | None = None,
) -> str | None:
    """The unit of a test-time column, read off a date-and-time column, or None.

    Without a unit (``stated`` None): exports without units in their headers (Maccor's comma
    export: ``TestTime`` in minutes beside ``DPt Time``) often carry a wall clock. The elapsed
    wall-clock time between the first and the last row, divided by the test time's span, is 1,
    60 or 3600 for s, min or h; a ratio within a factor of 1.5 of one of them decides (pauses in
    the wall clock shift it a little).

    With a ``stated`` unit: the unit is kept (None returned) unless the test time, read in it,
    outruns the wall clock by more than that factor (beyond the clock's resolution): a test's
    time cannot pass faster than the clock it runs by, while pauses only lengthen the clock. A
    smaller unit that then matches the clock is returned, with a note (Digatron's TestSuite
    writes milliseconds under ``Program Duration#s``); without one, a note says so and the
    stated unit stays.
    """
    finite = np.flatnonzero(np.isfinite(values))
    if finite.size < 2 or values[finite[-1]] <= values[finite[0]]:
        return None
    first, last = finite[0], finite[-1]
    span = values[last] - values[first]
    if stated is not None:
        return _refuted_time_unit(raw, time_col, stated, (first, last, span), notes)
    for col in _clock_columns(raw, time_col, first, last):
        elapsed = _elapsed_on_clock(raw, col, first, last)
        unit = _matching_unit(elapsed / span, _CLOCK_UNITS) if elapsed is not None else None
        if unit is not None:
            notes.append(
                f"time column {time_col!r} has no unit: read in {unit}, as the wall clock "
                f"{col!r} shows ({elapsed:g} s elapsed over {span:g})."
            )
            return unit
    return None


def _refuted_time_unit(
    raw: pd.DataFrame,
    time_col: str,
    stated: str,
    rows: tuple[int, int, float],
    notes: list[str],
) -> str | None:
    """:func:`_time_unit_from_wall_clock` of a column with a ``stated`` unit; ``rows`` holds
    the first and last row with a time and the span of the values between them."""
    first, last, span = rows
    try:
        factor = unit_factor(stated, "s", what=f"time column {time_col!r}", path="")
    except DataFormatError:
        return None  # no time unit: reading the column says so, naming the file
    col = next(_clock_columns(raw, time_col, first, last), None)
    if col is None:
        return None

    def outruns(elapsed: float | None) -> bool:
        return elapsed is not None and span * factor > _CLOCK_MATCH * (
            elapsed + 2 * _CLOCK_RESOLUTION_S
        )

    if not outruns(_elapsed_on_clock(raw, col, first, last, whole=False)):
        return None
    elapsed = _elapsed_on_clock(raw, col, first, last)
    if elapsed is None or not outruns(elapsed):
        return None
    smaller = {u: f for u, f in _SMALLER_CLOCK_UNITS.items() if f < factor}
    unit = _matching_unit(elapsed / span, smaller)
    read_so = f"read in {stated} it spans {span * factor:g} s, against {elapsed:g} s elapsed"
    if unit is not None:
        notes.append(
            f"time column {time_col!r} says {stated}, but {read_so} on the wall clock {col!r}, "
            f"and a test time cannot outrun its clock: read in {unit}, which matches the clock."
        )
        return unit
    notes.append(
        f"time column {time_col!r}: {read_so} on the wall clock {col!r}, and a test time cannot "
        f"outrun its clock (a clock set back, or values in a smaller unit than {stated}?): read "
        f"in {stated}, as its header says. Check the column's unit."
    )
    return None


#: A cell holding a date alone (``2026/01/01``, ``01.01.2026``) and one holding a time of day
#: alone (``00:10:00``, ``9:05:30.5``).
_DATE_ONLY = re.compile(r"\s*(?:\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\s*")
_TIME_OF_DAY = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*")


def _date_beside(
    raw: pd.DataFrame, col: str, mapping: Mapping[str, tuple[str, str | None]]
) -> str | None:
    """The column of dates that goes with the time column ``col`` when ``col`` holds times of
    day (``hh:mm:ss`` under 24 h) and another column, not mapped to a quantity, dates alone;
    else None.

    A logger that writes the date and the time of day in two columns (TOYO's raw data files:
    ``日付`` 2026/01/01, ``時刻`` 00:10:00) gives the time only with both: the time of day alone
    would be read as a duration since midnight and fall back to 0 at midnight.
    """
    if pd.api.types.is_numeric_dtype(raw[col]):
        return None
    times = raw[col].dropna().astype(str)
    if times.empty or not times.head(200).str.fullmatch(_TIME_OF_DAY).all():
        return None
    taken = {c for c, _ in mapping.values()}
    for other in raw.columns:
        if other == col or other in taken or pd.api.types.is_numeric_dtype(raw[other]):
            continue
        dates = raw[other].dropna().astype(str)
        if len(dates) == len(times) and dates.head(200).str.fullmatch(_DATE_ONLY).all():
            return other
    return None


def _net_charge_from_counters(
    raw: pd.DataFrame, path: Path | str, assumed: dict[str, str], notes: list[str]
) -> np.ndarray | None:
    """Running net charge [A.h] from a pair of charge and discharge capacity counters, or None.

    Cyclers count the charge and the discharge apart, unsigned, restarting at each cycle
    (Arbin, BatteryArchive), at each step (Neware) or never; a counter that falls has
    restarted from zero. The net charge adds what the charge counter rose by and subtracts what
    the discharge counter rose by, so it follows the instrument's counting rather than an
    integral of the sampled current (finish_table still checks it against that integral).
    """
    si = QUANTITIES["capacity"][1]
    found: dict[int, np.ndarray] = {}
    unitless: dict[str, str] = {}
    for col in raw.columns:
        stem, unit = split_header(col)
        sign = _COUNTER_STEMS.get(_norm(stem))
        if sign is None or sign in found:
            continue
        what = f"capacity counter {col!r}"
        values, cell_unit = numeric_column(raw[col], what=what, path=path)
        unit = unit if unit is not None else cell_unit
        if unit is None:
            unitless[col] = "A.h"
        factor = unit_factor(unit, si, what=what, path=path)
        found[sign] = np.abs(np.nan_to_num(values * factor))
    if len(found) < 2 or not len(raw):
        return None
    assumed.update(unitless)  # only the counters used are reported as read without a unit

    notes.append(
        "capacity: the running net charge from the file's charge and discharge capacity "
        "counters (charge +, discharge -)."
    )
    # each counter's running total, a fall read as a restart from zero at any row
    rows = np.arange(len(raw))
    return accumulate_counter(found[1], rows) - accumulate_counter(found[-1], rows)


def _direction_labels(raw: pd.DataFrame) -> tuple[np.ndarray, str] | None:
    """Per row +1 (charge), -1 (discharge) or 0 as the file itself states it, and the columns
    that state it; None when the file has no such column."""
    for col in raw.columns:
        if _norm(split_header(col)[0]) in _STEP_TYPE_STEMS and not pd.api.types.is_numeric_dtype(
            raw[col]
        ):
            text = raw[col].astype(str).str.strip().str.lower()
            # Chinese step types: 恒流充电 CC charge, 恒流放电 CC discharge, 搁置/静置 rest
            dis = (
                text.str.contains(r"dis|dchg|dch\b|放电", regex=True)
                | (text == "d")
                | text.str.fullmatch(_LANDT_DISCHARGE)
            )
            # Bitrode's modes: CHRG, DCHG, LCHR, LDCH, LRCHR, LRDCH (and REST); Digatron's
            # status CHA, DCH, PAU
            chg = ~dis & (
                text.str.contains(r"charg|chg|chrg|chr\b|充电", regex=True)
                | text.isin(["c", "cha"])
                | text.str.fullmatch(_LANDT_CHARGE)
            )
            if dis.any() or chg.any():
                return np.where(dis, -1, np.where(chg, 1, 0)), f"the step types of {col!r}"
    for col in raw.columns:
        codes = _STATE_CODES.get(_norm(split_header(col)[0]))
        if codes is None or not pd.api.types.is_numeric_dtype(raw[col]):
            continue
        values = raw[col].to_numpy(dtype=float)
        known = np.isin(values, list(codes)) | np.isnan(values)
        if known.all() and np.isin(values, [k for k, v in codes.items() if v]).any():
            labels = np.array([codes.get(int(x), 0) if np.isfinite(x) else 0 for x in values])
            meaning = ", ".join(
                f"{k} {('rest', 'charge', 'discharge')[v]}" for k, v in sorted(codes.items())
            )
            return labels, f"the state codes of {col!r} ({meaning})"
    counters = {}
    for col in raw.columns:
        sign = _COUNTER_STEMS.get(_norm(split_header(col)[0]))
        if sign is not None and sign not in counters:
            counters[sign] = pd.to_numeric(raw[col], errors="coerce").to_numpy(dtype=float)
    if len(counters) == 2:
        grows = {s: np.r_[False, np.diff(np.abs(q)) > 0] for s, q in counters.items()}
        labels = np.where(grows[-1] & ~grows[1], -1, np.where(grows[1] & ~grows[-1], 1, 0))
        return labels, "the charge and discharge capacity columns"
    return None


def _current_sign(
    raw: pd.DataFrame,
    current,
    notes: list[str],
    *,
    time=None,
    voltage=None,
    step=None,
    stated_by: str | None = None,
) -> np.ndarray | float:
    """Factor per row (or one for all) that gives the current solidna's sign, checked against
    what the file itself states.

    ``stated_by`` says where the file states the current's sign when a reader built the column
    from the file's own words (CHI's chronopotentiometry programme, "Init P/N", "Anodic
    Current": :func:`_current_from_segments`): the sign is then known, not inferred, and is kept
    (1.0) without the checks below, as the voltage's course must not overrule it.

    solidna counts a charge (oxidation of the working electrode) positive. Most cyclers do too,
    but some exports count the discharge positive (BattMo's Battery Data Format CSV) and some
    write the current unsigned beside a mode column (Maccor's ``Md`` C/D). Where the file states
    the direction of each step, the sign is taken from it rather than assumed: an unsigned
    current gets the sign of its rows' labels; a clear majority against the labels (90 % of the
    rows that carry current) turns the sign round; a mixed answer leaves it and says so. Each
    case is a note. A file that states no direction is checked against its own voltage: an
    unsigned current (:func:`_unsigned_by_voltage`), a discharge counted positive
    (:func:`_sign_from_voltage`).
    """
    if stated_by is not None:
        return 1.0
    i = np.asarray(current, dtype=float)
    found = _direction_labels(raw)
    if found is None:
        unsigned = _unsigned_by_voltage(time, voltage, i, step, notes)
        if unsigned is not None:
            return unsigned
        return _sign_from_voltage(time, voltage, i, notes)
    labels, source = found
    threshold = rest_threshold(i)
    flowing = (np.abs(i) > threshold) & (labels != 0)
    if threshold <= 0 or flowing.sum() < 2:
        return 1.0
    if np.all(i[flowing] > 0) and {-1, 1} <= set(labels[flowing].tolist()):
        notes.append(
            f"the current is unsigned in the file: signed from {source} (charge +, discharge "
            "-; solidna counts a charge, the oxidation of the working electrode, positive)."
        )
        return np.where(labels != 0, labels, 1.0)  # the current is >= 0 where it flows
    agree = int(np.sum(np.sign(i[flowing]) == labels[flowing]))
    share = 1.0 - agree / int(flowing.sum())
    if share >= 0.9:
        notes.append(
            f"the file counts the current positive on discharge ({source} show(s) it for "
            f"{share:.0%} of the rows with current); the sign is turned to solidna's convention "
            "(positive = charge, oxidation of the working electrode)."
        )
        return -1.0
    if share > 0.1:
        notes.append(
            f"{source} and the current's sign disagree in {share:.0%} of the rows with current; "
            "the current is used as given (positive = charge). Check the sign convention."
        )
    return 1.0


#: Least voltage change [V] over a constant-current segment that counts as its response, and
#: least rows of such a segment (a handful of rows is too few to tell a response from noise).
_RESPONSE_V = 1e-3
_RESPONSE_ROWS = 5


#: Least ratio of the voltage's rate of change in the later half of a current-carrying stretch
#: to that in the earlier half for the stretch to tell its direction (see _stretch_direction).
_STEADY_COURSE = 0.25


def _stretch_direction(t: np.ndarray, v: np.ndarray, i: np.ndarray, seg: np.ndarray) -> float:
    """+1 / -1 when the voltage rises / falls steadily through a current-carrying stretch that
    starts at a constant current, else 0.

    Steadily: by at least half of :data:`_RESPONSE_V` in each half of the stretch (the first
    row, the switch, left out), the later half at no less than :data:`_STEADY_COURSE` of the
    earlier half's rate. The state of charge moves the open-circuit voltage at a rate that
    changes slowly along a step; an overpotential relaxing after a change of current decays
    instead (BEEP's fast charge: 6.6 A then 1.1 A, the voltage 3.47 -> 3.38 V over 100 s,
    then flat, a charge throughout), and does not decide. Constant current at the start: a
    sweep's current (CV, LSV) changes from row to row and never decides.
    """
    if seg.size < 2 * _RESPONSE_ROWS:
        return 0.0
    lead = np.abs(i[seg[1 : 1 + min(10, max(_RESPONSE_ROWS, seg.size // 4))]])
    if not np.ptp(lead) <= 0.05 * np.median(lead):
        return 0.0
    rates = []
    for half in np.array_split(seg[1:], 2):
        part = max(1, half.size // 4)
        dv = np.nanmedian(v[half[-part:]]) - np.nanmedian(v[half[:part]])
        dt = np.nanmedian(t[half[-part:]]) - np.nanmedian(t[half[:part]])
        if not (abs(dv) >= _RESPONSE_V / 2 and dt > 0):
            return 0.0
        rates.append(dv / dt)
    if np.sign(rates[0]) != np.sign(rates[1]) or rates[1] / rates[0] < _STEADY_COURSE:
        return 0.0
    return float(np.sign(rates[0]))


def _unsigned_by_voltage(time, voltage, current: np.ndarray, step, notes: list[str]):
    """Per-row sign of a current that the file writes unsigned (never negative), or None.

    Some exports write the current as a magnitude and the direction in a mode column (Maccor's
    ``Md``) that a user's export may leave out (PyProBE's Maccor sample: ``Rec, Cycle C, Step,
    Test Time (sec), ..., Capacity, Energy, Current, Voltage``). Read as given, every discharge
    becomes a charge and the capacity runs up through the discharge. Under a current of one
    sign the state of charge, hence the open-circuit voltage, moves one way: a charge raises
    the voltage, a discharge lowers it, steadily. So the current's stretches (split at rests
    and at the file's step changes) are judged by :func:`_stretch_direction`. A current that is never
    negative, with stretches that raise and stretches that lower the voltage throughout, and
    every stretch deciding, is unsigned: each stretch takes the sign of its voltage's course,
    with a note. Where some stretches do not decide (a CC-CV charge's hold, a stretch whose
    voltage falls and then turns), the current is kept as written, with a note that it may be
    unsigned: a wrong sign is not guessed. A file whose stretches all move the voltage one way
    is left to :func:`_sign_from_voltage`.
    """
    if time is None or voltage is None or current.size < 2 * _RESPONSE_ROWS:
        return None
    i = np.nan_to_num(current)
    threshold = rest_threshold(i)
    flowing = np.abs(i) > threshold
    if not threshold > 0 or np.any(i[flowing] < 0):
        return None
    v = np.asarray(voltage, dtype=float)
    t = np.asarray(time, dtype=float)
    breaks = np.diff(flowing.astype(int)) != 0
    if step is not None:
        breaks |= np.diff(np.nan_to_num(np.asarray(step, dtype=float), nan=-1.0)) != 0
    stretches = [
        seg for seg in np.split(np.arange(i.size), np.flatnonzero(breaks) + 1) if flowing[seg[0]]
    ]
    directions = [_stretch_direction(t, v, i, seg) for seg in stretches]
    rising, falling = directions.count(1.0), directions.count(-1.0)
    if not (rising and falling):
        return None
    if rising + falling < len(stretches):
        notes.append(
            f"the current is never negative, yet the voltage falls throughout {falling} of its "
            f"{len(stretches)} current-carrying stretches: if the export wrote the current "
            "unsigned (a Maccor export without the 'Md' column), its discharges are read as "
            "charges. The current is used as written, since "
            f"{len(stretches) - rising - falling} stretch(es) do not show their direction; "
            "export the signed current or the mode column to be sure."
        )
        return None
    sign = np.ones(i.size)
    for seg, d in zip(stretches, directions, strict=True):
        sign[seg] = d
    notes.append(
        "the current is unsigned in the file (never negative, while the voltage rises "
        f"throughout {rising} and falls throughout {falling} of its current-carrying "
        "stretches): each stretch is signed by its voltage's course (a charge raises it; "
        "solidna counts a charge, the oxidation of the working electrode, positive). Export "
        "the signed current or the mode column to be sure."
    )
    return sign


def _sign_from_voltage(time, voltage, current: np.ndarray, notes: list[str]) -> float:
    """-1 when the file's current is positive on discharge by its own voltage, else 1.

    Under a constant current the voltage answers the current: a charge (positive current, the
    oxidation of the working electrode) raises it, by the ohmic step at the switch and by the
    change of state of charge after it; a discharge lowers it. Each constant-current segment
    (one sign, the current within +-5 % of its median) is compared with the voltage just before
    it: the segment's mean voltage above it with a positive current agrees. When the segments
    (of 5 rows or more) that moved the voltage by at least 1 mV disagree for 90 % of their
    rows, the file counts the discharge positive (BatteryArchive's flow-cell CSV ``i``): the
    sign is turned, with a note. Potentiostatic records (a current that varies: CV,
    chronoamperometry) give no segment and are left as they are.
    """
    if time is None or voltage is None or current.size < 3:
        return 1.0
    v = np.asarray(voltage, dtype=float)
    i = np.nan_to_num(current)
    threshold = rest_threshold(i)
    if not threshold > 0:
        return 1.0
    s = np.where(np.abs(i) > threshold, np.sign(i), 0.0)
    votes = np.zeros(2)  # rows that agree, rows that disagree
    segments = 0
    for seg in np.split(np.arange(i.size), np.flatnonzero(np.diff(s)) + 1):
        mag = np.abs(i[seg])
        if s[seg[0]] == 0 or seg.size < _RESPONSE_ROWS or np.ptp(mag) > 0.1 * np.median(mag):
            continue
        before = v[seg[0] - 1] if seg[0] > 0 else v[seg[0]]
        dv = np.nanmean(v[seg[1:]]) - before
        if not abs(dv) >= _RESPONSE_V:
            continue
        segments += 1
        votes[int(np.sign(dv) != s[seg[0]])] += seg.size
    if segments and votes[1] >= 0.9 * votes.sum():
        notes.append(
            f"the file counts the current positive on discharge: in {segments} constant-current "
            "segment(s) the voltage falls while the current is positive and rises while it is "
            "negative; the sign is turned to solidna's convention (positive = charge, "
            "oxidation of the working electrode). Check the file's sign convention."
        )
        return -1.0
    return 1.0


def _has_dimension(unit: str, dimension: str) -> bool:
    """True when ``unit`` reads (pint) as a unit of ``dimension`` (``"[current] / [area]"``)."""
    from solidna.units import Q_

    try:
        return Q_(1.0, _pint_unit(unit)).check(dimension)
    except Exception:
        return False


def _sniff(path: Path, encoding: str) -> tuple[str, int, str]:
    """Delimiter, number of lines before the header and decimal mark of a text table."""
    # Enough lines to see past a long metadata block (PEC writes ~45 "Key:,value" lines) and
    # still have a run of data rows below the header.
    with _open_text(path, encoding, newline="") as fh:
        # a preamble longer than the lines sniffed (a Novonix full export writes its whole
        # protocol, ~700 lines, above the header): start the window a little above the data
        offset = _preamble_lines(fh)
        fh.seek(0)
        for _ in range(offset):
            fh.readline()
        head = [fh.readline() for _ in range(_SNIFF_LINES)]
    head = [line for line in head if line != ""]
    sample = "".join(head)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = _delimiter_of_rows(head)
    # None of those in the file: columns separated by spaces ("f Z' Z''" over "1000.0 109.0
    # -26.5", pyimpspec's space-separated export), read as runs of white space; so too where
    # every comma is the decimal mark of a number between spaces ("10000,0 10,02 -1,59")
    if (delimiter not in sample and any(len(line.split()) > 1 for line in head)) or (
        delimiter == "," and _comma_is_decimal_mark(head)
    ):
        delimiter = WHITESPACE
    # The header is the first line above a run of numeric lines with as many fields. A trailing
    # delimiter does not count: EC-Lab ends its column-name line with one and Landt its data
    # rows, so header and rows would otherwise never match and a data row would pass for the
    # header.
    split = [_fields(line, delimiter) for line in head]
    # a line's possible widths: as split, and without a trailing empty field (a trailing
    # delimiter, or an empty last column such as an unused label column); between white space,
    # also with each date and time of day taken as one field (a 'DateTime' cell written
    # '05.05.2025 14:36:06' is two words)
    width = [
        {len(row), len(row) - (len(row) > 1 and not row[-1].strip()), len(row) - _is_marked(row)}
        | ({len(_join_date_times(row))} if delimiter == WHITESPACE else set())
        for row in split
    ]
    # a row of empty cells (",,,": Excel writes one for every row it once used) is blank too
    blank = [
        not line.strip() or not any(x.strip() for x in row)
        for line, row in zip(head, split, strict=True)
    ]
    # Of the candidate headers, the one above the longest run of such numeric lines (blank lines
    # do not end a run): a metadata block of "Key:,value" lines has pairs that look like a header
    # and one data row ("Test:,25205"; "Parameter names:,..." over "Parameter values:,...").
    skip, best = 0, 0
    for k in range(len(split) - 1):
        if max(width[k]) < 2 or blank[k]:
            continue
        run, shape = 0, width[k]
        for j in range(k + 1, len(split)):
            if blank[j] or (j == k + 1 and _is_point_count(split[j])):
                continue
            if not _is_data_row(split[j]):
                break
            if not width[j] & shape:
                if run or delimiter == WHITESPACE or not _names_first_columns(split[k], split[j]):
                    break
                # the header names only the first columns of wider rows: Novonix's HPC export
                # writes 20 fields under its 15 names
                shape = width[j]
            run += 1
        if run > best:
            skip, best = k, run
    decimal = "."
    if delimiter != ",":
        decimal = _decimal_mark([x for row in split[skip + 1 :] for x in row])
    return delimiter, offset + skip, decimal


def _names_first_columns(names: list[str], row: list[str]) -> bool:
    """True when ``names`` can be a header naming the first columns of the wider data ``row``:
    three or more names, none empty and none a number, at least half as many as the row has
    fields (so a ``Key:,value`` line above a table without a header is not one), and the row
    not led by a whole number (the row names R's ``write.table`` writes without a header
    name would shift every name one column to the left)."""
    names = names[:-1] if len(names) > 1 and not names[-1].strip() else names
    row = row[:-1] if len(row) > 1 and not row[-1].strip() else row
    return (
        len(names) >= 3
        and all(x.strip() and not _NUMBERISH.match(x) for x in names)
        and len(names) < len(row) <= 2 * len(names)
        and not re.fullmatch(r'\s*"?[-+]?\d+"?\s*', row[0])
    )


def _short_header(path: Path, sep: str, skip: int, encoding: str) -> list[str] | None:
    """The header at line ``skip`` padded with ``Unnamed: k`` names to the width of the rows
    below it, when it names fewer columns than they have (Novonix's HPC export: 15 names over
    20 fields); None for a header as wide as its rows.

    pandas would cut the rows to the header's width with a warning.
    """
    if sep == WHITESPACE:
        return None
    with _open_text(path, encoding, newline="") as fh:
        for _ in range(skip):
            fh.readline()
        header = fh.readline()
        rows = [fh.readline() for _ in range(20)]
    names = _fields(header, sep)
    if names and not names[-1].strip():
        names = names[:-1]
    split = [_fields(r, sep) for r in rows if r.strip()]
    if not split or not all(_names_first_columns(names, row) for row in split):
        return None
    names = [x.strip() for x in names]
    return names + [f"Unnamed: {k}" for k in range(len(names), max(map(len, split)))]


def _delimiter_of_rows(lines: list[str]) -> str:
    """The delimiter that splits the most lines into rows of numbers of one width, for a table
    the csv sniffer cannot decide (a block of "key;value" lines above it).

    Counting the delimiters alone took "," for that of a table separated by ";" whose numbers
    have decimal commas ("200015,6;825,8584;1367,239" has more commas than semicolons), and its
    header was not found. Without any such rows, the most frequent delimiter.
    """
    best, rows = None, 0
    for delimiter in (",", ";", "\t"):
        widths: dict[int, int] = {}
        for line in lines:
            fields = _fields(line, delimiter)
            filled = [x for x in fields if x.strip()]
            if len(fields) > 1 and filled and all(_NUMBERISH.match(x) for x in filled):
                widths[len(fields)] = widths.get(len(fields), 0) + 1
        most = max(widths.values(), default=0)
        if most > rows:
            best, rows = delimiter, most
    if best is not None:
        return best
    sample = "".join(lines)
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get)


#: A number with a decimal comma or point and nothing else ("3,0006", "2,00015E+05").
_DECIMAL = {mark: re.compile(rf"\s*[-+]?\d*\{mark}\d+(?:[eE][-+]?\d+)?\s*") for mark in (",", ".")}
#: One digit group after one to three digits ("1.020", "1,020"): a decimal mark or a thousands
#: separator, which the cell alone cannot tell.
_ONE_GROUP = re.compile(r"\s*[-+]?\d{1,3}[.,]\d{3}\s*")


def _decimal_mark(cells: list[str]) -> str:
    """The decimal mark (``","`` or ``"."``) of a table's cells (not comma-separated).

    A cell that can only be read one way decides: ``"3,0006"`` or ``"1.020,5"`` has a decimal
    comma, ``"3.0006"`` or ``"1,020.5"`` a decimal point. ``"1.020"`` (one group of three
    digits) is either, and so does not decide: a German export whose times pass 1000 s
    (``"1.020"``) beside voltages ``"3,0006"`` was read with a decimal point, every voltage
    refused. With no deciding cell, a decimal comma needs commas between digits and no point.
    """
    comma = point = False
    for x in cells:
        grouped = GROUPED.fullmatch(x)
        if grouped and grouped.group("dec"):
            comma |= grouped.group("dec")[0] == ","
            point |= grouped.group("dec")[0] == "."
        elif not _ONE_GROUP.fullmatch(x):
            comma |= bool(_DECIMAL[","].fullmatch(x))
            point |= bool(_DECIMAL["."].fullmatch(x))
    if comma != point:
        return "," if comma else "."
    if any(re.fullmatch(r"\s*[-+]?\d+,\d+\s*", x) for x in cells) and not any(
        re.fullmatch(r"\s*[-+]?\d+\.\d+\s*", x) for x in cells
    ):
        return ","
    return "."


#: A number written with a decimal comma ("10,0253", "-1,5911E-03", "5").
_COMMA_NUMBER = re.compile(r"[-+]?\d+(?:,\d+)?(?:[eE][-+]?\d+)?")


def _comma_is_decimal_mark(lines: list[str]) -> bool:
    """True for a table whose columns are separated by spaces and whose numbers have a decimal
    comma: the sniffer takes the commas for the delimiter ("10000,0000 10,0253 -1,5911" splits
    into '10000', '0000 10', '0253 -1', '5911'). At least three rows of two or more words, most
    of them such numbers, and no comma anywhere in those rows outside such a number."""
    rows = [line.split() for line in lines if line.strip()]
    rows = [
        words
        for words in rows
        if len(words) > 1
        and any("," in w for w in words)
        and 2 * sum(bool(_COMMA_NUMBER.fullmatch(w)) for w in words) >= len(words)
    ]
    if len(rows) < 3:
        return False
    return all(_COMMA_NUMBER.fullmatch(w) for words in rows for w in words if "," in w)


#: A comment mark written as a field of its own before the column names ("# f Z' Z''",
#: "* Hz Ohms Deg" in ZMA/FRD files, "% Freq Zre Zim" from MATLAB).
_COMMENT_MARKS = ("#", "*", "%", "//", "!")


def _is_marked(fields: list[str]) -> bool:
    """True for a line whose first field is a lone comment mark followed by names."""
    return len(fields) > 2 and fields[0].strip() in _COMMENT_MARKS and not _is_data_row(fields)


def _is_data_row(fields: list[str]) -> bool:
    """True for a line that can be a data row: at least half of its filled fields are numbers.

    One number is not enough: a metadata block of "key, description, channel, type, value"
    lines (Spectro Inlets' Zilien writes ~100 of them above its table) has one numeric field a
    line and would otherwise pass for a longer run of data rows than the table's own.
    """
    filled = [x for x in fields if x.strip()]
    return 2 * sum(bool(_NUMBERISH.match(x)) for x in filled) >= len(filled) > 0


#: Lines searched for the first data rows of a text table with a long preamble.
_MAX_PREAMBLE_LINES = 20_000


def _preamble_lines(fh) -> int:
    """Lines to pass over before sniffing: 0, unless the first run of data rows (3 lines that
    split into the same number of fields, most of them numbers) starts too far down for the
    sniffed window; then the window starts 50 lines above it (the header and a few lines of the
    preamble stay in view)."""
    run, last = 0, None
    for k in range(_MAX_PREAMBLE_LINES):
        line = fh.readline()
        if line == "":
            break
        shape = None
        for delimiter in (",", ";", "\t"):
            fields = line.rstrip("\r\n").split(delimiter)
            numbers = sum(bool(_NUMBERISH.match(x)) for x in fields)
            if len(fields) > 1 and 2 * numbers >= len(fields):
                shape = (delimiter, len(fields))
                break
        run = run + 1 if shape is not None and shape == last else int(shape is not None)
        last = shape
        if run == 3:
            start = k - 2
            return start - 50 if start > _SNIFF_LINES - 50 else 0
    return 0


#: The ``sep`` of a table whose columns are separated by runs of spaces or tabs.
WHITESPACE = r"\s+"


def _fields(line: str, delimiter: str) -> list[str]:
    """The fields of one text line (white-space runs when ``delimiter`` is :data:`WHITESPACE`)."""
    line = line.rstrip("\r\n")
    if delimiter == WHITESPACE:
        return line.split()
    if '"' in line:
        # quoted fields may hold the delimiter (Bitrode: "Total Time, S","Cycle",...); a quote
        # inside a field ("Z\"/ohm") is kept as written
        with contextlib.suppress(csv.Error):
            return next(csv.reader([line], delimiter=delimiter))
    return line.split(delimiter)


#: A date and a clock time written as two words (``05.05.2025 14:36:06``, ``2025-05-05
#: 14:36:06``, ``5/5/2025 2:36:06 PM``): the two (three with AM/PM) words of one cell.
_DATE_WORD = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_CLOCK_WORD = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?")


def _join_date_times(words: list[str]) -> list[str]:
    """``words`` with each date followed by a clock time (and AM/PM) joined into one field.

    A table whose columns are separated by white space splits a date-and-time cell in two:
    BaSyTec's export (``~Time[h] DataSet DateTime t-Step[h] ...`` over ``0.000000 1 05.05.2025
    14:36:06 0.000000 ...``, the layout its public readers document) then has one field more a
    row than names, and no line passes for the header.
    """
    joined: list[str] = []
    k = 0
    while k < len(words):
        word = words[k]
        if (
            _DATE_WORD.fullmatch(word)
            and k + 1 < len(words)
            and _CLOCK_WORD.fullmatch(words[k + 1])
        ):
            word, k = f"{word} {words[k + 1]}", k + 1
            if k + 1 < len(words) and words[k + 1].upper() in ("AM", "PM"):
                word, k = f"{word} {words[k + 1]}", k + 1
        joined.append(word)
        k += 1
    return joined


def _splits_date_times(path: Path, skip: int, encoding: str) -> bool:
    """True for a white-space table whose rows match its header only with each date and clock
    time joined into one field (see :func:`_join_date_times`); the first rows decide."""
    with _open_text(path, encoding) as fh:
        for _ in range(skip):
            fh.readline()
        header = fh.readline().split()
        rows = [line.split() for line in (fh.readline() for _ in range(20)) if line.strip()]
    return bool(rows) and all(
        len(row) != len(header) and len(_join_date_times(row)) == len(header) for row in rows[:5]
    )


def _read_joining_date_times(
    path: Path, skip: int, decimal: str, encoding: str, notes: list[str]
) -> pd.DataFrame:
    """The white-space table below ``skip`` lines, each date and clock time read as one cell.

    pandas splits at every run of white space; the lines are split here instead and the table
    handed to pandas with tabs between its cells (held as text once).
    """
    with _open_text(path, encoding) as fh:
        for _ in range(skip):
            fh.readline()
        text = "\n".join("\t".join(_join_date_times(line.split())) for line in fh if line.strip())
    notes.append(
        "dates and clock times written as two words between columns separated by white space "
        "(e.g. '05.05.2025 14:36:06') read as one cell each."
    )
    return _parsed_table(
        io.StringIO(text),
        f"{path}: cannot parse it as a table of columns separated by white space, its dates and "
        "clock times as one cell each",
        "The file may be truncated; check it, or name its format with format=.",
        sep="\t",
        decimal=decimal,
    )


def _parsed_table(source: Any, what: str, fix: str, **kwargs: Any) -> pd.DataFrame:
    """``pandas.read_csv(source, **kwargs)`` of a table already found in a file, its first column
    never the index (rows ending in a delimiter); a table pandas cannot split into rows of
    equal length is refused with ``what`` (the file and what it was read as), pandas' reason
    and ``fix`` (what the user can do)."""
    try:
        return pd.read_csv(source, index_col=False, low_memory=False, **kwargs)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataFormatError(f"{what} ({exc}). {fix}") from None


def _is_point_count(fields: list[str]) -> bool:
    """True for a line holding one whole number only: a point count below a column header.

    Several impedance exports write the number of points between the header and the rows (the
    ``.P00`` layout pyimpspec reads: ``f/Hz  Z'/Ohm  -Z''/Ohm ...`` then `` 29 ``).
    """
    filled = [x.strip() for x in fields if x.strip()]
    return len(filled) == 1 and filled[0].isdigit()


def _drop_point_count(raw: pd.DataFrame, path: Path, notes: list[str]) -> pd.DataFrame:
    """Remove a first row that is a point count (one whole number, the other fields empty)."""
    if len(raw) < 2 or raw.shape[1] < 2 or not raw.iloc[0, 1:].isna().all():
        return raw
    first = pd.to_numeric(pd.Series([raw.iloc[0, 0]]), errors="coerce").iloc[0]
    if not (np.isfinite(first) and first >= 1 and float(first).is_integer()):
        return raw
    rows = len(raw) - 1
    if int(first) != rows:
        notes.append(
            f"the line below the header announces {int(first)} points; {rows} rows follow (a "
            "truncated or appended file?)."
        )
    return raw.iloc[1:].reset_index(drop=True)


def _drop_end_marker(raw: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Remove a last row that is an ``END`` marker (the other fields empty).

    Keysight's CSV exports (impedance and network analysers) close each trace's table, opened
    by ``BEGIN CH1_DATA``, with a line ``END``; read as a row, it would be a frequency that is
    not a number.
    """
    if len(raw) < 2 or raw.shape[1] < 2:
        return raw
    last = raw.iloc[-1]
    if str(last.iloc[0]).strip().upper() != "END" or not last.iloc[1:].isna().all():
        return raw
    notes.append("the 'END' line closing the table (Keysight CSV) is not a data row: left out.")
    return raw.iloc[:-1].reset_index(drop=True)


def read_delimited(
    path: Path,
    *,
    sep: str,
    skiprows: int,
    decimal: str = ".",
    encoding: str = "utf-8",
    progress: Progress | None = None,
    usecols: Any = None,
    names: list[str] | None = None,
    nrows: int | None = None,
) -> pd.DataFrame:
    """pandas' C parser, in chunks with progress for large files (> 20 MB).

    Parameters
    ----------
    path : pathlib.Path or _TextInMemory
        The text table (a file, or a file's text already read).
    sep : str
        Column delimiter.
    skiprows : int
        Lines to skip before the column header.
    decimal : str, optional
        Decimal mark.
    encoding : str, optional
        Text encoding (undecodable bytes are replaced).
    progress : callable, optional
        Called as ``progress(message, fraction)`` with the fraction read [-].
    usecols : optional
        Columns to read, as for :func:`pandas.read_csv`; None reads all.
    names : list of str, optional
        Column names for a table whose first line after ``skiprows`` is already data.
    nrows : int, optional
        Data rows to read (blank lines not counted); None reads to the end of the file.

    Returns
    -------
    pandas.DataFrame
        The table as read, values in the file's units.
    """
    kwargs = dict(
        sep=sep,
        skiprows=skiprows,
        decimal=decimal,
        encoding=encoding,
        encoding_errors="replace",
        skip_blank_lines=True,
        engine="c",
        low_memory=False,
        usecols=usecols,
        # rows ending in a delimiter (Maccor) must not turn the first column into the index
        index_col=False,
        nrows=nrows,
    )
    if names is not None:
        kwargs.update(header=None, names=names)
    try:
        source = _table_input(path)
        # text held in memory is read at once (it was small enough to hold); a file in chunks
        # with progress when large
        if not isinstance(source, Path) or progress is None or path.stat().st_size < 20e6:
            return pd.read_csv(source, **kwargs)
        size = path.stat().st_size
        parts = []
        with open(path, "rb") as fh:
            for chunk in pd.read_csv(fh, chunksize=500_000, **kwargs):
                parts.append(chunk)
                progress(f"reading {path.name}", min(fh.tell() / size, 1.0))
        return pd.concat(parts, ignore_index=True)
    except pd.errors.EmptyDataError:
        # the file itself is not empty (the readers start with check_file): the header took it all
        raise DataFormatError(
            f"{path}: nothing to read after the first {skiprows} line(s): no column header and "
            "no data rows. Check that the export finished, then export the file again."
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataFormatError(
            f"{path}: cannot parse it as a {sep!r}-separated table ({exc}). The file may be "
            "truncated or not a text table; check it, or name its format with format=."
        ) from None


@fill_doc
def read_csv(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    area_m2: float | None = None,
    progress: Progress | None = None,
) -> Measurement:
    """Read a generic delimited text table (CSV/TSV/semicolon) into a :class:`Measurement`.

    Parameters
    ----------
    %(file)s
    columns : mapping, optional
        Quantity -> column, see :func:`map_columns`.
    area_m2 : float, optional
        Electrode area in m2 (to add current density, or to convert area-specific impedance).
    %(file_progress)s

    %(Returns: measurement)s
    """
    path = check_file(path, "a delimited text table (CSV, TSV) with a header row")
    # UTF-8, else the Windows code page instrument software writes ("Current [µA]" in
    # Windows-1252): read as UTF-8, its µ was lost and the unit read as A
    with open(path, "rb") as fh:
        encoding = text_encoding(fh.read(1 << 16), "cp1252")
    if _wrapped_rows(path, encoding):
        return _read_unwrapped(path, encoding, columns, area_m2, progress)
    if _complex_rows(path, encoding):
        return _read_complex_cells(path, encoding, columns, area_m2, progress)
    return _read_text(path, encoding, columns, area_m2, progress)


_REAL = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
#: A complex number as Python and numpy write it (``numpy.savetxt`` of a complex array:
#: ``(2.18e+03-7.96e+05j)``; FrancescoGalli/impedance_analysis_project's RC_series_data.txt).
_COMPLEX_CELL = re.compile(
    rf"\s*\(?\s*(?P<re>{_REAL})\s*(?P<im>[-+]\s*(?:\d+\.?\d*|\.\d+)"
    rf"(?:[eE][-+]?\d+)?)[jJ]\s*\)?\s*"
)
#: Lines looked at for complex cells.
_COMPLEX_SNIFF = 50


def _complex_fields(line: str) -> list[str] | None:
    """The cells of a row of numbers, at least one of them complex (``(a+bj)``), or None."""
    for delimiter in (";", ",", "\t", WHITESPACE):
        fields = [x for x in _fields(line, delimiter) if x.strip()]
        if (
            fields
            and all(_COMPLEX_CELL.fullmatch(x) or _NUMBERISH.match(x) for x in fields)
            and any(_COMPLEX_CELL.fullmatch(x) for x in fields)
        ):
            return fields
    return None


def _complex_rows(path: Path, encoding: str) -> bool:
    """True when the first lines of the file hold a row of complex cells."""
    with _open_text(path, encoding) as fh:
        head = [fh.readline() for _ in range(_COMPLEX_SNIFF)]
    return any("j" in line.lower() and _complex_fields(line) for line in head if line)


def _complex_value(cell: str) -> complex:
    """The value of a cell written as a complex number or a real one."""
    hit = _COMPLEX_CELL.fullmatch(cell)
    if hit is None:
        return complex(float(cell), 0.0)
    return complex(float(hit["re"]), float(hit["im"].replace(" ", "")))


def _read_complex_cells(
    path: Path,
    encoding: str,
    columns: Mapping[str, str] | None,
    area_m2: float | None,
    progress: Progress | None,
) -> Measurement:
    """:func:`read_csv` of a table whose cells are complex numbers ``(a+bj)``.

    A column of complex cells named as an impedance (``Impedance(Ohm)``, ``Z``), or the one
    complex column beside a real first column of a table without a header, is the impedance
    Z = a + bj itself: a -> Z', b -> Z'' (no sign to assume). A complex column whose imaginary
    parts are all 0 (numpy writes a real frequency saved in a complex array so) is read as its
    real part. The rows are rewritten as a tab-separated table with those columns and read as
    any other; the lines above the header are kept.
    """
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        lines = fh.read().splitlines()
    first = next(k for k, line in enumerate(lines) if _complex_fields(line))
    rows = [_complex_fields(line) for line in lines[first:] if line.strip()]
    width = len(rows[0])
    bad = next((k for k, r in enumerate(rows) if r is None or len(r) != width), None)
    if bad is not None:
        raise DataFormatError(
            f"{path}: a table of complex cells ('(a+bj)', as numpy writes them) from line "
            f"{first + 1}, but a later row is not {width} such cells: "
            f"{[line for line in lines[first:] if line.strip()][bad].strip()[:80]!r}. Remove "
            "the rows that are not data, or write Z' and Z'' as two columns of real numbers."
        )
    values = np.array([[_complex_value(x) for x in r] for r in rows])
    filled = [k for k in range(first) if lines[k].strip()]
    names: list[str] | None = None
    if filled:
        above = lines[filled[-1]]
        for split in (
            [x for x in re.split(r"[;,\t]", above) if x.strip()],
            re.split(r"\s{2,}|\t", above.strip()),
        ):
            split = [x.strip() for x in split]
            if split and split[0] in _COMMENT_MARKS:
                split = split[1:]
            if len(split) == width and not any(_NUMBERISH.match(x) for x in split):
                names = split
                break
    header_line = filled[-1] if names is not None else first
    out_names: list[str] = []
    out_cols: list[np.ndarray] = []
    complex_names: list[str] = []
    for j in range(width):
        name = names[j] if names is not None else None
        col = values[:, j]
        if np.all(col.imag == 0):
            out_names.append(name if name is not None else ("Frequency" if j == 0 else f"c{j}"))
            out_cols.append(col.real)
            continue
        stem, unit = split_header(name) if name is not None else ("Z", None)
        if _norm(stem) not in ALIASES["|z|"]:
            raise DataFormatError(
                f"{path}: column {name!r} holds complex numbers ('(a+bj)'), which solidna reads "
                "only as an impedance Z = a + bj in a column named so ('Impedance (Ohm)', 'Z'). "
                "Rename the column, or write its real and imaginary parts as two columns."
            )
        suffix = f" [{unit}]" if unit else ""
        out_names += [f"Z_re{suffix}", f"Z_im{suffix}"]
        out_cols += [col.real, col.imag]
        complex_names.append(name if name is not None else f"column {j + 1}")
    table = "\n".join(
        ["\t".join(out_names)]
        + ["\t".join(repr(float(v)) for v in row) for row in np.column_stack(out_cols)]
    )
    text = "\n".join([*lines[:header_line], table]) + "\n"
    m = _read_text(_TextInMemory(path, text), encoding, columns, area_m2, progress)
    m.source = path
    m.notes.append(
        f"cells written as complex numbers '(a+bj)' (numpy.savetxt of a complex array): "
        f"{', '.join(repr(n) for n in complex_names)} read as the impedance Z = a + bj "
        "(Z' = a, Z'' = b)."
    )
    return m


def _read_text(
    path: Path | _TextInMemory,
    encoding: str,
    columns: Mapping[str, str] | None,
    area_m2: float | None,
    progress: Progress | None,
) -> Measurement:
    """:func:`read_csv` of a file, or of a file's text already read (:class:`_TextInMemory`),
    once its encoding is known."""
    sep, skip, decimal = _sniff(path, encoding)
    notes: list[str] = []
    nrows = None
    section = _record_section(path, encoding)
    if section is not None:
        skip, nrows, sep, others = section
        notes.append(
            f"a file of tables one below the other (Landt's export of its {', '.join(others)} "
            f"and record layers): the record is read (line {skip + 1} on), the others are not."
        )
    with _open_text(path, encoding) as fh:
        preamble = [fh.readline() for _ in range(skip)]
    _refuse_curves_side_by_side(preamble, path)
    names = None
    short = _short_header(path, sep, skip, encoding)
    if short is not None:
        names, skip = short, skip + 1
        named = sum(not n.startswith("Unnamed: ") for n in short)
        notes.append(
            f"{len(short)} fields a row under {named} names: the names taken for the first "
            f"{named} columns, the last {len(short) - named} left unnamed and not read."
        )
    elif _headerless(path, sep, skip, encoding):
        names = _names_above(preamble, sep, _first_row(path, sep, skip, encoding), notes)
        if names is None and not columns:
            _refuse_polar_comment(preamble, path, skip)
            return _read_headerless(path, sep, skip, decimal, area_m2, notes)
    if names is None:
        _refuse_second_header(path, sep, skip, encoding)
    units_row = None if names is not None else _units_row(path, sep, skip, encoding)
    units, above = units_row if units_row is not None else (None, 0)
    if (
        sep == WHITESPACE
        and names is None
        and units is None
        and _splits_date_times(path, skip, encoding)
    ):
        raw = _read_joining_date_times(path, skip, decimal, encoding, notes)
    else:
        raw = read_delimited(
            path,
            sep=sep,
            skiprows=skip - above,
            decimal=decimal,
            encoding=encoding,
            progress=progress,
            names=names,
            nrows=nrows,
        )
    raw.columns = _without_trailing_comment([str(c).strip() for c in raw.columns], sep)
    raw = _without_digit_groups(raw, decimal, notes)
    if units is not None:
        raw = _with_units_row(raw, units, above, notes)
    elif _is_marked(list(raw.columns)) and raw.iloc[:, -1].isna().all():
        # "# f Z' Z''": the mark took the first name's place and the names sit one column to
        # the left of their numbers (pandas fills the last column with nothing)
        raw = raw.iloc[:, :-1].set_axis(list(raw.columns[1:]), axis=1)
    # a quantity the file leaves out but its header states (after the units row is read: the
    # columns are then numbers in the units of their names); the header is parsed once and
    # each step below reads what it needs from it
    header = _TextHeader.parse(preamble, path)
    columns = _first_working_electrode(raw, columns, path, notes)
    raw = _time_from_scan_rate(raw, header, columns, notes)
    raw = _time_between_rounded_stamps(raw, header, columns, notes)
    raw = _voltage_from_held_potential(raw, header, columns, notes)
    raw, signed_current = _current_from_segments(raw, header, columns, notes)
    raw = _drop_point_count(raw, path, notes)
    raw = _drop_end_marker(raw, notes)
    columns = _ixdat_columns(list(raw.columns), preamble, columns, notes)
    return table_measurement(
        raw, path, columns=columns, area_m2=area_m2, notes=notes, signed_current=signed_current
    )


@dataclass(frozen=True)
class SignedCurrent:
    """A current column whose sign the file itself states (not inferred from the voltage).

    Attributes
    ----------
    column : str
        The column's name in the table as read.
    source : str
        Where the file states the sign (e.g. CHI's chronopotentiometry programme, ``Init P/N``
        and ``Anodic Current``).
    """

    column: str
    source: str


#: ixdat's CSV export (ixdat, MIT licence; written by ``src/ixdat/exporters/csv_exporter.py``, as
#: its tutorial data ``co_strip.csv``): ``key = value`` lines from ``ixdat version = ...`` on,
#: among them ``aliases = {json}``, which names the columns holding the time (``"t"``), the
#: potential (``"raw_potential"``) and the current (``"raw_current"``) whatever their own names
#: say ("time from scan rate", "$U_{RHE}$ / [V]").
_IXDAT_VERSION = re.compile(r"^\s*ixdat version\s*=", re.IGNORECASE)
_IXDAT_ALIASES = re.compile(r"^\s*aliases\s*=\s*(?P<json>\{.*\})\s*$")
_IXDAT_ROLES = (("t", "time"), ("raw_potential", "voltage"), ("raw_current", "current"))


def _ixdat_columns(
    header: list[str],
    preamble: list[str],
    columns: Mapping[str, str] | None,
    notes: list[str],
) -> Mapping[str, str] | None:
    """``columns`` completed with the roles an ixdat CSV export's ``aliases`` line gives.

    A quantity the user mapped is kept; a current column whose unit is per area (ixdat's
    ``J / [mA cm$^{-2}$]``) is the current density. Noted. Any other file: ``columns`` as is.
    """
    if not any(_IXDAT_VERSION.match(line) for line in preamble):
        return columns
    aliases: Any = None
    for line in preamble:
        match = _IXDAT_ALIASES.match(line.rstrip("\r\n"))
        if match is not None:
            try:
                aliases = json.loads(match["json"])
            except ValueError:
                return columns
    if not isinstance(aliases, dict):
        return columns
    mapped = dict(columns or {})
    given = {str(k).lower() for k in mapped}
    added = []
    for role, key in _IXDAT_ROLES:
        names = aliases.get(role)
        names = [names] if isinstance(names, str) else names
        col = next((n for n in names or () if isinstance(n, str) and n in header), None)
        if col is None:
            continue
        unit = split_header(col)[1]
        if key == "current" and unit and _has_dimension(unit, "[current] / [area]"):
            key = "current density"
        currents = {"current", "current density"}
        if key in given or (key in currents and given & currents):
            continue
        mapped[key] = col
        given.add(key)
        added.append(f"{key} = {col!r}")
    if added:
        notes.append(
            f"ixdat CSV export: {', '.join(added)}, as its header's 'aliases' line names them "
            "(t, raw_potential, raw_current)."
        )
    return mapped or columns


#: A line wholly in one pair of double quotes, with none inside: a row of a CSV saved again by
#: a program that took each line for one cell (TRI-AMDD/beep's Novonix test file
#: ``test_Nova_Form-CH01-01_short.csv`` has its header and every data row so).
_WRAPPED_LINE = re.compile(r'^"([^"]*[,;\t][^"]*)"\s*$')
#: Lines at the end of a file that must all be wrapped for the file to be unwrapped.
_WRAPPED_TAIL = 3


def _unwrapped_line(line: str) -> str:
    """``line`` without the quotes around it when it is wholly in quotes (:data:`_WRAPPED_LINE`),
    else ``line`` itself (the same object). String tests, not the regular expression: a
    pattern that backtracks through each line took seconds on a million rows."""
    text = line.rstrip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return line
    inner = text[1:-1]
    if '"' in inner or not ("," in inner or ";" in inner or "\t" in inner):
        return line
    return inner


def _wrapped_rows(path: Path, encoding: str) -> bool:
    """True when the last lines of the file (its data rows) are each wholly in quotes."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - 16384))
        tail = fh.read().decode(encoding, errors="replace").splitlines()[1:]
    lines = [line for line in tail if line.strip()][-_WRAPPED_TAIL:]
    return len(lines) == _WRAPPED_TAIL and all(_WRAPPED_LINE.match(line) for line in lines)


def _read_unwrapped(
    path: Path,
    encoding: str,
    columns: Mapping[str, str] | None,
    area_m2: float | None,
    progress: Progress | None,
) -> Measurement:
    """:func:`read_csv` of the file's text without the quotes around its lines (see
    :data:`_WRAPPED_LINE`): the file is read once and its text, unwrapped, parsed from memory;
    messages and notes name the file itself."""
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        lines = fh.read().splitlines()
    unwrapped = [_unwrapped_line(line) for line in lines]
    count = sum(a is not b for a, b in zip(lines, unwrapped, strict=True))
    text = "\n".join(unwrapped) + "\n"
    del lines, unwrapped
    m = _read_text(_TextInMemory(path, text), encoding, columns, area_m2, progress)
    m.source = path
    m.notes.append(
        f"{count} line(s) each wholly in double quotes (the CSV saved again by a program that "
        "took every line for one cell): read without those quotes."
    )
    return m


@dataclass(frozen=True)
class _TextInMemory:
    """A text file's content already read, parsed in place of the file (read once).

    Messages name the file: ``str()`` gives its path.

    Attributes
    ----------
    path : pathlib.Path
        The file the text was read from.
    text : str
        The text to parse (lines ended by ``\\n``).
    """

    path: Path
    text: str

    def __str__(self) -> str:
        return str(self.path)

    @property
    def name(self) -> str:
        """The file's name."""
        return self.path.name


class _TextLines:
    """The lines of a text held in memory, read as from an open file (``readline``, iteration,
    ``seek``) without copying the text: the sniffers open a table several times and read a
    few lines each."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0

    def __enter__(self) -> _TextLines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def readline(self) -> str:
        """The next line with its ``\\n``; ``""`` at the end of the text."""
        if self._pos >= len(self._text):
            return ""
        end = self._text.find("\n", self._pos)
        end = len(self._text) if end < 0 else end + 1
        line, self._pos = self._text[self._pos : end], end
        return line

    def __iter__(self) -> Iterator[str]:
        while line := self.readline():
            yield line

    def seek(self, offset: int) -> int:
        """Go to character ``offset`` (0: the start)."""
        self._pos = offset
        return offset


def _open_text(source: Path | _TextInMemory, encoding: str, newline: str | None = None):
    """A text stream over ``source``: the file (undecodable bytes replaced), or the lines of
    the text held in memory (which end in ``\\n`` alone, so ``newline`` changes nothing)."""
    if isinstance(source, _TextInMemory):
        return _TextLines(source.text)
    return open(source, encoding=encoding, errors="replace", newline=newline)


def _table_input(source: Path | _TextInMemory) -> Path | io.StringIO:
    """What :func:`pandas.read_csv` reads for ``source``: the file, or its text in memory."""
    return io.StringIO(source.text) if isinstance(source, _TextInMemory) else source


#: First names of the headers of the tables that Landt's LANDdt writes one below the other in
#: one CSV when all layers are exported (a public LAND CSV parser, "蓝电数据工作台", reads it so:
#: ``Cycle,CapC/mAh,CapD/mAh,...``, ``Step,CycleNo,Mode,...``, ``Record,CycleNo,StepNo,
#: StepStatus,TestTime,...``; in either order, a blank line between them). The Chinese names
#: are the same headers in a Chinese installation (assumed: 循环 cycle, 工步 step, 记录 record).
_SECTION_NAMES = {
    "Cycle": "cycle",
    "Step": "step",
    "Record": "record",
    "循环": "cycle",
    "循环号": "cycle",
    "循环序号": "cycle",
    "工步": "step",
    "工步号": "step",
    "记录": "record",
    "记录号": "record",
    "记录序号": "record",
}


def _record_section(path: Path, encoding: str) -> tuple[int, int, str, list[str]] | None:
    """Where the record is in a file of several tables one below the other (Landt's mixed
    CSV): lines before its header, its data lines (blank lines not counted), the delimiter and
    the other tables' names; None for any other file.

    Read as one table from the header the sniffer found, the file stopped at the next table's
    header ("not a number in data row 281") or, with a cycle table longer than the lines
    sniffed, took that table for the data. Only a file whose first line is such a header, with
    a record table and another one below, is read so (every line is looked at: one pass).
    """

    def first_name(line: str, delimiter: str) -> str | None:
        fields = line.rstrip("\r\n").split(delimiter)
        name = fields[0].strip().lstrip("\ufeff")
        return name if len(fields) >= 3 and name in _SECTION_NAMES else None

    with _open_text(path, encoding) as fh:
        head = fh.readline()
        delimiter = next((d for d in (",", "\t", ";") if first_name(head, d)), None)
        if delimiter is None:
            return None
        starts: list[tuple[int, str]] = [(0, _SECTION_NAMES[first_name(head, delimiter)])]
        filled: list[int] = [1]  # non-blank lines up to and including each line
        count = 1
        for k, line in enumerate(fh, start=1):
            name = first_name(line, delimiter) if line[:1] in "CSR循工记\ufeff" else None
            if name is not None:
                starts.append((k, _SECTION_NAMES[name]))
            count += bool(line.strip())
            filled.append(count)
    kinds = [kind for _, kind in starts]
    if "record" not in kinds or len(set(kinds)) < 2:
        return None
    at = kinds.index("record")
    line = starts[at][0]
    end = starts[at + 1][0] - 1 if at + 1 < len(starts) else len(filled) - 1
    rows = filled[end] - filled[line]
    others = [kind for kind in dict.fromkeys(kinds) if kind != "record"]
    return line, rows, delimiter, others


def _without_digit_groups(raw: pd.DataFrame, decimal: str, notes: list[str]) -> pd.DataFrame:
    """``raw`` with the columns of numbers written with digit groups as floats.

    pandas reads such a column as text and the quantity readers then refused it or, worse, read
    ``"1.020"`` as 1.02 where the file's decimal mark is a comma. The separator is found as for
    any column (:func:`~solidna.analysis.io._table.digit_group_separator`); a column is
    converted here only when its other filled cells are plain numbers in the file's decimal
    mark (``decimal``): the rest is left to
    :func:`~solidna.analysis.io._table.numeric_column`, which names a cell that is no number.
    """
    plain = plain_number(decimal)
    converted = []
    for name in raw.columns:
        col = raw[name]
        sep = digit_group_separator(col, decimal)
        if sep is None:
            continue
        text = col[col.notna()].astype(str)
        text = text[text.str.strip() != ""]
        if not text[~text.str.fullmatch(GROUPED)].str.fullmatch(plain).all():
            continue
        numbers = text.str.replace(sep, "", regex=False).str.replace(decimal, ".", regex=False)
        raw[name] = pd.to_numeric(numbers, errors="coerce").reindex(raw.index)
        converted.append(f"{name!r} ({sep!r})")
    if converted:
        notes.append(
            "numbers written with digit-group separators read without them: "
            + ", ".join(converted)
            + "."
        )
    return raw


@fill_doc
def table_measurement(
    raw: pd.DataFrame,
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    area_m2: float | None = None,
    notes: list[str] | None = None,
    format: str = "csv",
    metadata: Mapping[str, Any] | None = None,
    signed_current: SignedCurrent | None = None,
) -> Measurement:
    """Turn a table as read (a CSV's, a workbook sheet's) into a :class:`Measurement`.

    Columns are found by ``columns`` and by their names (:func:`map_columns`), checked
    (:func:`check_columns`), converted to SI (:func:`frame_from_columns`) and the table finished
    (:func:`~solidna.analysis.io._table.finish_table`): one path for every generic table.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table, the file's column names and units.
    path : pathlib.Path
        The file, for messages and the measurement's source.
    columns : mapping, optional
        Quantity -> column, see :func:`map_columns`.
    area_m2 : float, optional
        Electrode area [m2].
    notes : list of str, optional
        Notes so far (appended to in place).
    format : str, optional
        The measurement's format name.
    metadata : mapping, optional
        Metadata to keep beside the columns used.
    signed_current : SignedCurrent, optional
        A current column whose sign the file states (kept as it is, not checked against the
        voltage).

    %(Returns: measurement)s
    """
    notes = [] if notes is None else notes
    mapping = map_columns(list(raw.columns), columns, path)
    if not columns:
        # columns mapped by hand are the user's decision; a summary read without them is not
        refuse_summary(raw, mapping, path, complete=_complete(mapping, "timeseries"))
    check_columns(mapping, raw.columns, path)
    _note_repeated_names(mapping, list(raw.columns), notes)
    _note_step_clock(mapping, list(raw.columns), notes)
    _check_rival_columns(raw, mapping, path, chosen=columns or {})
    _refuse_frequency_copy(raw, mapping, path)
    note_scaled_rivals(raw, mapping, path, notes)
    chosen = [str(k).lower() for k in (columns or {})]
    raw = _drop_overloaded_rows(raw, mapping, path, notes)
    frame, kind, area = frame_from_columns(
        raw, mapping, path, notes, area_m2=area_m2, chosen=chosen, signed_current=signed_current
    )
    table = finish_table(frame, path=path, kind=kind, area_m2=area, notes=notes)
    metadata = {**(metadata or {}), "columns used": {k: v[0] for k, v in mapping.items()}}
    if kind == "timeseries":
        _mass_from_specific_capacity(raw, mapping, path, metadata, notes)
    return Measurement(
        data=table,
        kind=kind,
        format=format,
        source=path,
        area_m2=area,
        metadata=metadata,
        notes=notes,
    )


def _refuse_frequency_copy(
    raw: pd.DataFrame, mapping: Mapping[str, tuple[str, str | None]], path: Path | str
) -> None:
    """Refuse an impedance column that repeats the frequency column value for value.

    chamodw/eis-data's AD5933 logs (``raw.csv``: ``freq, real, imaginary, concentration``)
    write the frequency again in the ``imaginary`` column: read as Z'', it is a spectrum that
    does not exist (and every Z'' > 0 would pass for an inductive one).
    """
    if "frequency" not in mapping:
        return
    f_col = mapping["frequency"][0]
    f = pd.to_numeric(raw[f_col], errors="coerce").to_numpy(dtype=float)
    for key in ("z_re", "z_im", "-z_im", "|z|"):
        if key not in mapping or mapping[key][0] == f_col:
            continue
        col = mapping[key][0]
        z = pd.to_numeric(raw[col], errors="coerce").to_numpy(dtype=float)
        both = np.isfinite(f) & np.isfinite(z)
        if both.sum() >= 3 and np.all(z[both] == f[both]) and both.sum() >= 0.9 * len(f):
            raise DataFormatError(
                f"{path}: the {key} column {col!r} repeats the frequency column {f_col!r} value "
                f"for value ({f[both][0]:g}, {f[both][1]:g}, ... in both): it holds no "
                "impedance (the logger wrote the frequency in it again). Map the column that "
                "holds the impedance with columns=, or export the spectrum again."
            )


def _drop_overloaded_rows(
    raw: pd.DataFrame,
    mapping: Mapping[str, tuple[str, str | None]],
    path: Path | str,
    notes: list[str],
) -> pd.DataFrame:
    """Leave out the rows an overload column flags, with a note of how many and when.

    Metrohm Autolab NOVA writes an ``Overload`` column: ``Current overload`` on a row where the
    current ran past the selected current range, empty elsewhere (ComPlat/chemotion-converter-app
    ``File021_CV.txt``: its first row reads 1E-05 A on the 1 uA range). The number on such a row
    is not the cell's current (the converter saturates), so the row is left out rather than
    analysed as a measurement. A column is such a flag when its name holds "overload"; a row is
    flagged when its cell does too (what NOVA writes), so a numeric column is never one.
    """
    flags = [c for c in raw.columns if "overload" in _norm(str(c))]
    if not flags:
        return raw
    cells = {c: raw[c].astype(str).str.strip() for c in flags}
    hit = {c: v.str.contains("overload", case=False, na=False) for c, v in cells.items()}
    flagged = np.logical_or.reduce([h.to_numpy() for h in hit.values()])
    n, total = int(flagged.sum()), len(raw)
    if n == 0:
        return raw
    words = sorted({w for c in flags for w in cells[c][hit[c]].unique()})
    cols = ", ".join(repr(c) for c in flags)
    if total - n < 2:
        raise DataFormatError(
            f"{path}: {n} of {total} rows are flagged {', '.join(map(repr, words))} in {cols}: "
            "the current ran past the instrument's range on every row (or all but one), so "
            "there is no measured current to read. Measure again on a larger current range "
            "(or with autoranging), or export the rows without the overload column to read "
            "the saturated values as they are."
        )
    rows = np.flatnonzero(flagged) + 1
    first, last = f"{rows[0]}", f"{rows[-1]}"
    what, unit = "data rows", ""
    if "time" in mapping:
        col, t_unit = mapping["time"]
        t = pd.to_numeric(raw[col], errors="coerce").to_numpy()[flagged]
        if np.isfinite(t).any():
            first, last = f"{np.nanmin(t):.6g}", f"{np.nanmax(t):.6g}"
            what, unit = f"{col!r} =", f" {t_unit}" if t_unit else ""
    where = f"{what} {first}{unit}" if first == last else f"{what} {first} to {last}{unit}"
    notes.append(
        f"{n} of {total} rows flagged {', '.join(map(repr, words))} in {cols} (at {where}) left "
        "out: there the current ran past the instrument's current range, so the value written "
        "is the saturated reading, not the cell's current."
    )
    return raw.loc[~flagged].reset_index(drop=True)


#: A specific-capacity column beside the capacity (Landt "SpeCap/mAh/g", 比容量/mAh/g; "Specific
#: Capacity (mAh/g)"): its unit.
_SPECIFIC_CAPACITY = re.compile(
    r"(?i)^\s*(?:spe(?:cific)?[\s_.-]*cap(?:acity)?|比容量)\s*[/(\[]\s*(?P<unit>[^)\]]+?)\s*[)\]]?\s*$"
)
#: Largest spread [-] of the ratio of capacity to specific capacity over the rows for it to be
#: taken as the mass the cycler was given (one number, rounded in the export).
_MASS_RATIO_SPREAD = 0.01


def _mass_from_specific_capacity(
    raw: pd.DataFrame,
    mapping: Mapping[str, tuple[str, str | None]],
    path: Path | str,
    metadata: dict[str, Any],
    notes: list[str],
) -> None:
    """The active mass the cycler divided by, from a capacity column and a specific-capacity
    column beside it (Landt writes both, ``Capacity/mAh`` and ``SpeCap/mAh/g``; navani derives
    the mass so), into ``metadata["active mass [g]"]`` with a note. Solidna's analyses take the
    mass the user gives (``--mass``), as they take the mass an EC-Lab header states: it is not
    used, only reported, so that a user can check the mass given against the cycler's."""
    if "capacity" not in mapping:
        return
    col, unit = mapping["capacity"]
    spec = next((c for c in raw.columns if _SPECIFIC_CAPACITY.match(str(c))), None)
    if spec is None:
        return
    try:
        q, cell_unit = numeric_column(raw[col], what=f"capacity column {col!r}", path=path)
        qs, _ = numeric_column(raw[spec], what=f"column {spec!r}", path=path)
        factor = unit_factor(unit or cell_unit, "A*h", what="capacity", path=path)
        spec_unit = _SPECIFIC_CAPACITY.match(str(spec))["unit"]
        spec_factor = unit_factor(spec_unit, "A*h/kg", what="specific capacity", path=path)
    except DataFormatError:
        return
    q, qs = np.abs(q * factor), np.abs(qs * spec_factor)
    use = np.isfinite(q) & np.isfinite(qs) & (qs > 0.01 * np.nanmax(qs, initial=0.0)) & (q > 0)
    if use.sum() < 3:
        return
    ratio = q[use] / qs[use]  # kg
    mass = float(np.median(ratio))
    if not (mass > 0 and np.max(np.abs(ratio / mass - 1)) <= _MASS_RATIO_SPREAD):
        return
    metadata["active mass [g]"] = mass * 1e3
    notes.append(
        f"active mass {mass * 1e6:.4g} mg, as the cycler was given it ({col!r} over {spec!r}); "
        "not used: give the mass with --mass (mass=) for specific capacities."
    )


def _note_repeated_names(
    mapping: Mapping[str, tuple[str, str | None]], header: list[str], notes: list[str]
) -> None:
    """Note a column read whose name the file repeats (pandas reads the repeats as ``name.1``,
    ``name.2``): a file of several data series side by side, each with its own time column
    (Spectro Inlets' Zilien writes one per instrument); the first is the one read."""
    for key, (col, _) in mapping.items():
        repeats = [h for h in header if re.fullmatch(re.escape(col) + r"\.\d+", h)]
        if repeats:
            notes.append(
                f"{len(repeats) + 1} columns are named {col!r}: the first is read as the {key} "
                "(the others belong to further data series of the file)."
            )


#: Largest distance [decades] of the factor between two columns of one quantity from a power of
#: ten for the two to count as the same values in different units (a unit prefix lost or
#: mislabelled: 1000 for mA written as A); any other factor is two measurements (a pack's
#: voltage beside a cell's, EC-Lab's "Ewe/V" beside "<Ewe/V>"), not noted.
_PREFIX_DECADES = 0.01


def note_scaled_rivals(
    raw: pd.DataFrame,
    mapping: Mapping[str, tuple[str, str | None]],
    path: Path | str,
    notes: list[str],
) -> None:
    """Note another column of the voltage or current whose values are the read column's times
    a power of ten, once both are in SI by their headers' units.

    A file can hold one quantity twice: datalab's export of an Arbin test
    (datalab-org/datalab's ``example_data/echem/arbin_example.bdf.csv``, MIT licence) keeps
    Arbin's ``Current`` (A) beside its own ``Current / A``, a thousand times smaller. The
    first is read, as the names say; which one is right the names cannot tell, so the note
    says so and gives the factor (a power of 1000 points to a unit prefix lost on the way).

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read, values in the file's units.
    mapping : mapping
        Quantity -> (column read, its unit or None), as :func:`map_columns` found them.
    path : Path or str
        The file, for the messages.
    notes : list of str
        Appended to, in place.

    Returns
    -------
    None
    """

    def in_si(column: Any, unit: str | None, key: str) -> np.ndarray | None:
        try:
            values = pd.to_numeric(raw[column], errors="coerce").to_numpy(dtype=float)
            return values * unit_factor(unit, QUANTITIES[key][1], what=key, path=path)
        except (DataFormatError, TypeError, ValueError):
            return None

    for key in ("voltage", "current"):
        if key not in mapping:
            continue
        col, unit = mapping[key]
        rivals = [
            (other, other_unit)
            for other in raw.columns
            for stem, other_unit in [split_header(str(other))]
            if other != col and _norm(stem) in ALIASES[key]
        ]
        # the read column is converted only when the file has another one of its quantity
        read = in_si(col, unit, key) if rivals else None
        if read is None:
            continue
        for other, other_unit in rivals:
            values = in_si(other, other_unit, key)
            if values is None:
                continue
            both = np.isfinite(read) & np.isfinite(values) & (np.abs(read) > 0)
            both &= np.abs(values) > 0
            if both.sum() < 2:
                continue
            ratio = values[both] / read[both]
            factor = float(np.median(ratio))
            decades = np.log10(abs(factor)) if factor else 0.0
            steady = np.allclose(ratio, factor, rtol=1e-2)
            if not steady or round(decades) == 0 or abs(decades - round(decades)) > _PREFIX_DECADES:
                continue
            notes.append(
                f"the file holds the {key} twice: {other!r} is {factor:.3g} times {col!r} "
                f"(in SI by their headers' units), a unit lost or mislabelled in one of them. "
                f"{col!r} was read; check which one the instrument wrote. To read the other: "
                f"--format csv --column '{key}={other}' (format='csv', "
                f"columns={{'{key}': '{other}'}} in Python)."
            )


def _check_rival_columns(
    raw: pd.DataFrame,
    mapping: Mapping[str, tuple[str, str | None]],
    path: Path,
    *,
    chosen: Mapping[str, str],
) -> None:
    """Refuse an impedance quantity that two columns with different values could hold.

    The first column of a name is read (:func:`map_columns`); for the impedance that is not safe
    when another column carries a name of the same quantity and other numbers: a network
    analyser's table has the phase of its reflection coefficient ("Return Loss(dB),Phase(deg)")
    beside the impedance's ("|Z|,Theta"), and the first is the wrong one. Columns the user mapped
    are not questioned.
    """
    keys = {str(k).lower() for k in chosen}
    # a pair the user mapped makes the other form of the impedance not needed
    cartesian, polar = {"z_re", "z_im", "-z_im"}, {"|z|", "phase", "-phase"}
    skip = keys | (polar if keys & cartesian else set()) | (cartesian if keys & polar else set())
    for key in ("frequency", *sorted(cartesian), *sorted(polar)):
        if key not in mapping or key in skip:
            continue
        rivals = [
            c
            for c in raw.columns
            if _norm(split_header(c)[0]) in ALIASES[key] and c != mapping[key][0]
        ]
        first = pd.to_numeric(raw[mapping[key][0]], errors="coerce").to_numpy(dtype=float)
        for col in rivals:
            other = pd.to_numeric(raw[col], errors="coerce").to_numpy(dtype=float)
            if np.allclose(first, other, rtol=1e-6, atol=0.0, equal_nan=True):
                continue
            raise DataFormatError(
                f"{path}: two columns could hold the {key}: {mapping[key][0]!r} (first value "
                f"{first[0]:g}) and {col!r} ({other[0]:g}), with different numbers; which one "
                f"belongs to the impedance cannot be told from the names. Map it, e.g. "
                f"--column '{key}={col}' (columns={{'{key}': '{col}'}} in Python)."
            )


def _note_step_clock(
    mapping: Mapping[str, tuple[str, str | None]], header: list[str], notes: list[str]
) -> None:
    """Say which time column was read when a bare ``Time`` was passed over (see
    :func:`_prefer_test_time`)."""
    if "time" not in mapping or _norm(split_header(mapping["time"][0])[0]) not in _TEST_TIMES:
        return
    bare = [h for h in header if _norm(split_header(h)[0]) in ("time", "t")]
    if bare:
        notes.append(
            f"{mapping['time'][0]!r} read as the time; {bare[0]!r} beside it taken as the time "
            "within each step (it restarts at every step in Neware and Landt exports), not read."
        )


#: Fields of a units row that say "no unit" (Gamry writes "#" under a point number or range).
_NO_UNIT = ("#", "-", "")


def _is_unit(text: str) -> bool:
    """True for a field that is a unit alone (``s``, ``Hz``, ``ohm``, ``°``, ``mA.h``)."""
    from solidna.units import Q_

    text = text.strip()
    if not text or len(text) > 12 or _NUMBERISH.match(text) or not re.search(r"[^\W\d_]|°", text):
        return False
    try:
        Q_(1.0, _pint_unit(text))
    except Exception:
        return False
    return True


#: Most lines between a table's names and its units row that repeat one value in every cell.
_MAX_FILLER_LINES = 3


def _is_filler(fields: list[str]) -> bool:
    """True for a line of two or more cells that all hold one value (``1ch,1ch,1ch``, ``-,-,-``):
    no names (a header never names two columns alike) and no data row."""
    cells = [x.strip() for x in fields]
    return len(cells) >= 2 and bool(cells[0]) and len(set(cells)) == 1


def _units_row(path: Path, sep: str, skip: int, encoding: str) -> tuple[list[str], int] | None:
    """The units of a table whose header is two lines, the names over their units, and how many
    lines above the units the names are (1, or more past filler lines); None for another
    header.

    Gamry's tables (``Pt Time Freq Zreal ...`` over ``# s Hz ohm ...``), Digatron's
    (``Voltage,Current`` over ``[V],[A]``) and Origin-style exports put each column's unit on
    the line below its name (in brackets or not); the sniffer finds the units line
    as the header (it is the line right above the numbers). It is one when every field is a unit
    or a "no unit" mark (``#``), two or more are units, and the line above has as many fields,
    not all of them units (pint reads "t" or "Pt" as units, never "Time" or "Freq"). Lines that
    repeat one value in every cell between the names and the units are passed over: TOYO's
    ``連続データ.csv`` writes its channel (``1ch`` in every column) and a line of ``-`` there
    (the layout the public toyo-battery reader, MIT licence, reads).
    """
    if skip < 1:
        return None
    with _open_text(path, encoding) as fh:
        lines = [_fields(fh.readline(), sep) for _ in range(skip + 1)]
    units, above = lines[skip], 1
    while above <= _MAX_FILLER_LINES and skip - above > 0 and _is_filler(lines[skip - above]):
        above += 1
    names = lines[skip - above]
    if len(names) != len(units) or len(units) < 2:
        return None
    # units in brackets ("[V]", "(A)"; Digatron writes ",,,[V],[A],[C],[Ah]" under its names)
    bracketed = [bool(re.fullmatch(r"\s*[\[(].*[\])]\s*", u)) for u in units]
    units = [re.sub(r"^\s*[\[(](.*)[\])]\s*$", r"\1", u) for u in units]
    # a bracketed word that pint does not know ("[Cnt]") still stands in a unit's place
    is_unit = [_is_unit(u) or b for u, b in zip(units, bracketed, strict=True)]
    if sum(is_unit) < 2 or not all(
        ok or u.strip() in _NO_UNIT for ok, u in zip(is_unit, units, strict=True)
    ):
        return None
    if _is_data_row(names) or all(_is_unit(n) for n in names if n.strip()):
        return None
    return [u.strip() for u in units], above


def _with_units_row(
    raw: pd.DataFrame, units: list[str], above: int, notes: list[str]
) -> pd.DataFrame:
    """``raw`` read with the names line as header: drop its first ``above`` rows (the units and
    any filler lines above them) and write each unit into its column's name (``Freq`` + ``Hz``
    -> ``Freq [Hz]``)."""
    named = [
        f"{c} [{u}]" if u not in _NO_UNIT else c for c, u in zip(raw.columns, units, strict=False)
    ]
    raw = raw.iloc[above:].reset_index(drop=True)
    raw.columns = named + list(raw.columns[len(named) :])
    notes.append("the line below the column names gives their units; read with them.")
    return raw


def _headerless(path: Path, sep: str, skip: int, encoding: str = "utf-8") -> bool:
    """True when the table's first line is data (numbers only), not a header."""
    with _open_text(path, encoding) as fh:
        for _ in range(skip):
            fh.readline()
        first = _fields(fh.readline(), sep)
    return len(first) >= 2 and all(_NUMBERISH.match(x) for x in first)


#: PalmSens PSTrace writes one such cell over each curve of an export of several curves side by
#: side (``V,µA,V,µA`` below it: potential and current of each scan, no time).
_PSTRACE_CURVE_DATE = "Date and time measurement:"


def _refuse_curves_side_by_side(preamble: list[str], path: Path) -> None:
    """Refuse PSTrace's export of curves side by side with a message that says what it is.

    Its header is three lines (curve titles, measurement dates, units) over pairs of columns
    (potential and current of a CV scan, time and current of a chronoamperometry); read as one
    table, the dates would pass for column names.
    """
    dated = [line for line in preamble if line.lstrip("\ufeff").startswith(_PSTRACE_CURVE_DATE)]
    if not dated:
        return
    curves = dated[-1].count(_PSTRACE_CURVE_DATE)
    raise DataFormatError(
        f"{path}: a PalmSens PSTrace export of {curves} curve{'s' if curves != 1 else ''} side "
        "by side: a title, a measurement date and units over each pair of columns (potential "
        "and current of each scan, or time and one quantity), not one table of named columns. "
        "solidna reads a table of time, voltage and current: write one, e.g. with the header "
        "'Time [s],Voltage [V],Current [A]', from the curve to analyse."
    )


def _first_row(path: Path, sep: str, skip: int, encoding: str) -> list[str]:
    """The filled fields of the table's first line (below ``skip`` lines)."""
    with _open_text(path, encoding) as fh:
        for _ in range(skip):
            fh.readline()
        return [x for x in _fields(fh.readline(), sep) if x.strip()]


#: A comment after the last column name (yappari writes ``Freq /Hz, Zr , Zi ; Name: sim_``,
#: nitad54448/yappari): a semicolon and a space, then anything.
_TRAILING_COMMENT = re.compile(r"\s*;\s.*$")


def _without_trailing_comment(names: list[str], delimiter: str) -> list[str]:
    """``names`` with a ``; comment`` cut from the last one, where the semicolon is no
    delimiter (a last name that would be left empty is kept as it is)."""
    if not names or delimiter == ";":
        return names
    last = _TRAILING_COMMENT.sub("", names[-1]).strip()
    return [*names[:-1], last] if last else names


def _refuse_second_header(path: Path | _TextInMemory, sep: str, skip: int, encoding: str) -> None:
    """Refuse a header line over a second header line as wide as the rows, not as the first.

    chamodw/eis-data's AD5933 ``mag.csv`` keeps the header of the raw log (``freq, real,
    imaginary, concentration``) over the header pandas wrote for its pivoted table
    (``,freq,1.25,2.5,...``: an index, then one column a concentration). Read with the first,
    the names land on the wrong columns ('real' over the cells 'freq'); the second, text where
    the rows below hold numbers, shows that the first names another table.
    """
    with _open_text(path, encoding) as fh:
        for _ in range(skip):
            fh.readline()
        lines = []
        for line in fh:
            if line.strip():
                lines.append(_fields(line, sep))
            if len(lines) == 3:
                break
    if len(lines) < 3 or sep == WHITESPACE:
        return
    header, second, row = ([x.strip() for x in r] for r in lines)
    if header and not header[-1]:
        header = header[:-1]
    if len(second) == len(header) or len(second) != len(row) or not _is_data_row(row):
        return
    text_over_numbers = [
        k
        for k, (a, b) in enumerate(zip(second, row, strict=True))
        if a and not _NUMBERISH.match(a) and _NUMBERISH.match(b)
    ]
    if not text_over_numbers:
        return
    raise DataFormatError(
        f"{path}: two header lines: line {skip + 1} names {len(header)} columns "
        f"({', '.join(repr(x) for x in header)}), but the line below it "
        f"({sep.join(second)!r}) is a header too, of the {len(row)} fields the rows have "
        f"({second[text_over_numbers[0]]!r} where the rows hold numbers). The first names "
        "another table (left over from another layout?). Delete the header line that does not "
        "name these columns, then map the columns with columns= if their names are not "
        "recognised."
    )


def _names_above(
    preamble: list[str], sep: str, first_row: list[str], notes: list[str]
) -> list[str] | None:
    """Column names on the last filled line above a table whose rows start with data, or None.

    Two layouts: the names separated by another delimiter than the rows (CH Instruments writes
    ``Potential/V, Current/A`` over rows separated by tabs in some versions), and fewer names
    than fields, the last fields unnamed (Ivium's text export writes ``time/s I/A E/V`` over
    rows with a fourth column, the measured potential beside the applied ``E/V``). The second
    is not taken where the first field is a whole number (a printed table's index column, one
    field more at the start of each row, would look the same).
    """
    filled = [line.rstrip("\r\n") for line in preamble if line.strip()]
    width = len(first_row)
    if not filled or width < 2:
        return None
    line = filled[-1]
    shown = {"\t": "tab", ",": "comma", ";": "semicolon"}
    # (names, how they are separated): another delimiter than the rows', then runs of spaces
    # over rows with a delimiter (numpy.savetxt with a header: FrancescoGalli/
    # impedance_analysis_project writes "%Frequency(Hz)    Modulus(Ohm)    Phase(deg)" over
    # ";"-separated rows); single spaces may be inside a name, not split
    candidates = [
        (_without_trailing_comment([x.strip() for x in line.split(d)], d), f"{shown[d]}s")
        for d in (",", ";", "\t")
        if d != sep
    ]
    if sep != WHITESPACE:
        spaced = [x.strip() for x in re.split(r"\s{2,}|\t", line.strip())]
        if spaced and spaced[0] in _COMMENT_MARKS:
            spaced = spaced[1:]
        candidates.append((spaced, "runs of spaces"))
    for names, how in candidates:
        if len(names) == width and all(names) and not any(_NUMBERISH.match(x) for x in names):
            notes.append(
                f"column names {', '.join(repr(n) for n in names)} read from the line above "
                f"the rows, separated by {how} while the rows use "
                f"{shown.get(sep, 'white space' if sep == WHITESPACE else sep)}"
                f"{'' if sep == WHITESPACE else 's'}."
            )
            return names
    names = [x.strip() for x in _fields(line, sep) if x.strip()]
    if (
        2 <= len(names) < width
        and not any(_NUMBERISH.match(x) for x in names)
        and not re.fullmatch(r"[-+]?\d+", first_row[0].strip())
    ):
        extra = [f"unnamed {k + 1}" for k in range(len(names), width)]
        notes.append(
            f"{width} fields a row under {len(names)} names: the names taken for the first "
            f"{len(names)} columns, the last {width - len(names)} left unnamed and not read "
            f"({', '.join(repr(x) for x in extra)})."
        )
        return names + extra
    return None


#: A scan rate stated in a text header above a table (CH Instruments ``Scan Rate (V/s) = 0.1``,
#: BASi ``Scan Rate : 50 mV/s``): value and unit.
_SCAN_RATE = re.compile(
    r"^\s*Scan\s*Rate\s*(?:\((?P<u1>[mµu]?V/s)\))?\s*[=:]\s*"
    r"(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<u2>[mµu]?V/s)?\s*$",
    re.IGNORECASE,
)


def _mapped_without(
    raw: pd.DataFrame,
    columns: Mapping[str, str] | None,
    path: Path,
    missing: str | None,
    need: Iterable[str],
) -> dict[str, tuple[str, str | None]] | None:
    """The columns of ``raw`` by quantity when it has those of ``need`` but none for
    ``missing`` (nor a user mapping for it), else None: a table whose ``missing`` quantity its
    header may state (:func:`_time_from_scan_rate`, :func:`_current_from_segments`). A user's
    mapping of ``missing`` is in ``found`` (or refused by :func:`map_columns`): None then.
    ``missing`` None: the columns when ``need`` is there."""
    try:
        found = map_columns(list(raw.columns), columns, path)
    except DataFormatError:
        return None
    if (missing is not None and missing in found) or not set(need) <= set(found):
        return None
    return found


def _si_values(
    raw: pd.DataFrame, found: Mapping[str, tuple[str, str | None]], key: str, si: str, path: Path
) -> np.ndarray:
    """The column of quantity ``key`` (:func:`map_columns`' ``found``) in the SI unit ``si``."""
    column, unit = found[key]
    values, cell_unit = numeric_column(raw[column], what=f"{key} column {column!r}", path=path)
    return values * unit_factor(cell_unit or unit, si, what=key, path=path)


#: The currents of a bipotentiostat's two working electrodes (CH Instruments' RRDE CV text:
#: ``Potential/V, i1/A, i2/A``, the disk's current first, the ring's second), by column stem.
_BIPOTENTIOSTAT_CURRENTS = ("i1", "i2")


def _first_working_electrode(
    raw: pd.DataFrame,
    columns: Mapping[str, str] | None,
    path: Path,
    notes: list[str],
) -> Mapping[str, str] | None:
    """``columns`` with the current mapped to working electrode 1 where ``raw`` holds a
    bipotentiostat's two currents (``i1``, ``i2``) and no other current, else ``columns`` as is.

    Working electrode 1 is the one the potential is swept on (the disk of a rotating
    ring-disk electrode); the second current (the ring's) is set aside, noted with the mapping
    that reads it instead.
    """
    keys = {str(k).lower() for k in columns or {}}
    if keys & {"current", "current density"}:
        return columns
    found = _mapped_without(raw, columns, path, "current", ("voltage",))
    if found is None or "current density" in found:
        return columns
    stems = {_norm(split_header(str(c))[0]): str(c) for c in raw.columns}
    if not all(stem in stems for stem in _BIPOTENTIOSTAT_CURRENTS):
        return columns
    first, second = (stems[stem] for stem in _BIPOTENTIOSTAT_CURRENTS)
    notes.append(
        f"two working electrodes' currents ({first!r}, {second!r}: a bipotentiostat, e.g. "
        f"the disk and ring of an RRDE): the current is {first!r} (working electrode 1, the "
        f"swept one); {second!r} is set aside. Read it with columns={{'current': {second!r}}}."
    )
    return {**(columns or {}), "current": first}


def _time_from_scan_rate(
    raw: pd.DataFrame,
    header: _TextHeader,
    columns: Mapping[str, str] | None,
    notes: list[str],
) -> pd.DataFrame:
    """``raw`` with a time column from the scan rate its header states, for a voltammogram
    written as potential and current only (CH Instruments' CV/LSV text), else ``raw`` as is.

    The potential of a linear sweep moves at the scan rate v, so the time of each row is the
    potential travelled since the first, sum |dE| / v (exact for the staircase the instrument
    writes; the quiet time before the sweep is not part of the record). Noted.
    """
    found = _mapped_without(raw, columns, header.path, "time", ("voltage", "current"))
    if found is None or header.scan_rate is None:
        return raw
    value, unit, line = header.scan_rate
    rate = value * unit_factor(unit, "V/s", what="scan rate", path=header.path)
    if not rate > 0:
        return raw
    e_si = _si_values(raw, found, "voltage", "V", header.path)
    steps = np.abs(np.diff(np.nan_to_num(e_si, nan=0.0)))
    time = np.r_[0.0, np.cumsum(steps)] / rate
    notes.append(
        f"no time column: time = potential travelled / scan rate, from the header's "
        f"{line!r} (a linear sweep; the quiet time before it is not recorded)."
    )
    return raw.assign(**{"Time [s]": time})


#: Header keys of a sampling interval in time units (CH Instruments: ``Sample Interval (s)`` of
#: an i-t curve, ``Data Storage Interval (s)`` of a chronopotentiometry).
_SAMPLING_KEYS = ("sample interval", "data storage interval")
#: Relative tolerance [-] within which a record's mean step must equal the header's sampling
#: interval for its rows to be taken as evenly sampled (the instrument's clock drifts by less:
#: 36 000 rows of 0.1 s span 3599.9 s in ecat's CHI i-t examples).
_SAMPLING_TOLERANCE = 0.02


def _time_between_rounded_stamps(
    raw: pd.DataFrame,
    header: _TextHeader,
    columns: Mapping[str, str] | None,
    notes: list[str],
) -> pd.DataFrame:
    """``raw`` with its time column spread between rounded stamps, where the column repeats
    its values because it is written with too few digits for the sampling interval its header
    states; else ``raw`` as is.

    CH Instruments writes ``Time/sec`` with four significant digits (``1.000e+4``): past
    1000 s a 0.5 s record repeats each stamp twice, past 10 000 s twenty times (ecat's
    public CHI examples, MIT), so segment ends and charge integrals are off by up to 10 s.
    Each stamp is the rounded time of its rows, so the middle of a run of equal stamps is
    the stamp; the time of every row is interpolated between these middles along the row
    index (the rows are evenly sampled: the header's interval, which the mean step must
    match). A column without repeated stamps is kept. Noted, with the largest move.
    """
    interval = header.sampling_interval
    if interval is None or not interval > 0:
        return raw
    found = _mapped_without(raw, columns, header.path, None, ("time",))
    if found is None:
        return raw
    column, unit = found["time"]
    try:
        t = _si_values(raw, found, "time", "s", header.path)
    except DataFormatError:
        return raw
    steps = np.diff(t)
    if t.size < 3 or not np.isfinite(t).all() or np.any(steps < 0) or np.all(steps > 0):
        return raw
    mean_step = (t[-1] - t[0]) / (t.size - 1)
    if abs(mean_step - interval) > _SAMPLING_TOLERANCE * interval:
        return raw
    stamps, first, counts = np.unique(t, return_index=True, return_counts=True)
    middle = first + 0.5 * (counts - 1)
    # a stamp is the middle of its run only where its run is whole: not the first and last
    # runs (the record may start or end inside one), nor a run where the rounding step
    # changes (1.000e+4 follows 9.999e+3 and precedes 1.001e+4: it holds 10000-10005 s only)
    whole = np.zeros(stamps.size, dtype=bool)
    if stamps.size > 2:
        before, after = np.diff(stamps)[:-1], np.diff(stamps)[1:]
        whole[1:-1] = np.isclose(before, after, rtol=1e-6, atol=0.0)
    if whole.sum() < 2:
        return raw
    nodes, at = middle[whole], stamps[whole]
    rows = np.arange(t.size, dtype=float)
    spread = np.interp(rows, nodes, at)
    # before the first node and after the last, the slope of the nearest two (np.interp
    # would hold one time there)
    head, tail = rows < nodes[0], rows > nodes[-1]
    spread[head] = at[0] + (rows[head] - nodes[0]) * (at[1] - at[0]) / (nodes[1] - nodes[0])
    spread[tail] = at[-1] + (rows[tail] - nodes[-1]) * (at[-1] - at[-2]) / (nodes[-1] - nodes[-2])
    repeated = counts > 1
    from_s = float(stamps[repeated][0])
    most = int(counts.max())
    notes.append(
        f"the time column {column!r} repeats its values ({int((counts - 1).sum())} rows share a "
        f"stamp with the row before, from {from_s:g} s on, up to {most} rows a stamp): it is "
        f"written with too few digits for the header's {interval:g} s sampling interval. The "
        "rows of each stamp are spread evenly around it (moved by at most "
        f"{float(np.max(np.abs(spread - t))):.3g} s)."
    )
    factor = unit_factor(unit, "s", what="time", path=header.path) if unit else 1.0
    return raw.assign(**{column: spread / factor})


#: Header keys of a CH Instruments technique that moves the potential (sweeps, steps, pulses):
#: a record of theirs without a potential column is not at one held potential.
_CHI_MOVING_POTENTIAL = ("high e", "low e", "final e", "scan rate", "step e", "incr e", "amplitude")


def _voltage_from_held_potential(
    raw: pd.DataFrame,
    header: _TextHeader,
    columns: Mapping[str, str] | None,
    notes: list[str],
) -> pd.DataFrame:
    """``raw`` with a voltage column at the one potential its header holds, for a record of
    time and current only (CH Instruments' amperometric i-t curve or bulk electrolysis:
    ``Time/sec, Current/A`` rows under ``Init E (V) = -0.95``); else ``raw`` as is.

    Only a header that states ``Init E`` and no setting that moves the potential (high, low
    or final E, scan rate, step, amplitude) holds one potential. Noted, with the current's
    sign as written: CHI writes it in the polarity convention the run was set to, which the
    file does not state (ecat's public i-t examples, MIT, have a CO2 reduction at -0.95 V
    positive, its CVs a reduction negative).
    """
    found = _mapped_without(raw, columns, header.path, "voltage", ("time", "current"))
    if found is None:
        return raw
    if any(k in header.settings for k in _CHI_MOVING_POTENTIAL):
        return raw
    held = header.number("init e", "V")
    if not np.isfinite(held):
        return raw
    notes.append(
        f"no potential column: the potential is the one the header holds, Init E = {held:g} V "
        "(an amperometric i-t curve or bulk electrolysis), on every row. The current's sign is "
        "as written: CH Instruments writes it in the polarity convention the run was set to, "
        "which the file does not state; check that a reduction is negative."
    )
    return raw.assign(**{"Voltage [V]": np.full(len(raw), held)})


#: A "Key (unit) = value" line of a CH Instruments header (``Anodic Current (A) = 0.025``).
_CHI_SETTING = re.compile(
    r"^\s*(?P<key>[A-Za-z/ ]+?)\s*(?:\((?P<unit>[^)]*)\))?\s*=\s*(?P<value>\S+)\s*$"
)
#: Tolerance [V] within which a recorded potential counts as having reached a segment's limit:
#: the instrument switches between two samples, so the last sample may fall just short.
_LIMIT_TOLERANCE_V = 1e-3


@dataclass(frozen=True)
class _TextHeader:
    """The lines above a text table, parsed once for the quantities a header may state that
    the table leaves out (read by :func:`_time_from_scan_rate`,
    :func:`_time_between_rounded_stamps`, :func:`_voltage_from_held_potential` and
    :func:`_current_from_segments`, one after the other).

    Attributes
    ----------
    settings : dict
        CH Instruments' ``Key (unit) = value`` lines (``Anodic Current (A) = 0.025``): lower-case
        key -> (value as written, unit or None).
    scan_rate : tuple of (float, str, str) or None
        The first scan rate a line states (CHI ``Scan Rate (V/s) = 0.1``, BASi ``Scan Rate :
        50 mV/s``): its value as written, its unit (V/s where none is given) and the line,
        stripped; None without one. Converted where it is used: a unit that cannot be read
        is refused only for a table that needs the scan rate.
    sampling_interval : float or None
        The sampling interval [s] stated in a time unit (CHI ``Sample Interval (s)`` of an i-t
        curve, ``Data Storage Interval (s)`` of a chronopotentiometry); None without one.
    path : pathlib.Path
        The file, for the messages of a unit that cannot be converted.
    """

    settings: dict[str, tuple[str, str | None]]
    scan_rate: tuple[float, str, str] | None
    sampling_interval: float | None
    path: Path

    @classmethod
    def parse(cls, preamble: list[str], path: Path) -> _TextHeader:
        """The header of the lines ``preamble`` (those above the column names) of ``path``."""
        settings: dict[str, tuple[str, str | None]] = {}
        scan_rate = None
        for line in preamble:
            text = line.rstrip("\r\n")
            m = _CHI_SETTING.match(text)
            if m:
                settings[m["key"].strip().lower()] = (m["value"], m["unit"])
            rate = _SCAN_RATE.match(text)
            if rate is not None and scan_rate is None:
                unit = rate["u1"] or rate["u2"] or "V/s"
                scan_rate = (float(rate["value"]), unit, text.strip())
        interval = None
        for key in _SAMPLING_KEYS:
            value, unit = settings.get(key, (None, None))
            if value is None or not _has_dimension(unit or "", "[time]"):
                continue
            with contextlib.suppress(ValueError, DataFormatError):
                interval = float(value) * unit_factor(unit, "s", what=key, path=path)
            break
        return cls(settings, scan_rate, interval, path)

    def number(self, key: str, si: str, default: float = float("nan")) -> float:
        """The setting ``key`` in the SI unit ``si`` (signed as written; a value without a unit
        is taken in ``si``); ``default`` where the header has no such line, NaN where its value
        is no number or its unit not one of ``si``'s dimension."""
        if key not in self.settings:
            return default
        value, unit = self.settings[key]
        try:
            return float(value) * unit_factor(unit or si, si, what=key, path=self.path)
        except (ValueError, DataFormatError):
            return float("nan")


def _current_from_segments(
    raw: pd.DataFrame,
    header: _TextHeader,
    columns: Mapping[str, str] | None,
    notes: list[str],
) -> tuple[pd.DataFrame, SignedCurrent | None]:
    """``raw`` with a current column rebuilt from a chronopotentiometry programme its header
    states (CH Instruments: ``Time/sec, Potential/V`` rows, the currents only in the header),
    and that column as a :class:`SignedCurrent` (its sign is the programme's); else ``raw`` as
    is and None.

    CHI's chronopotentiometry applies ``Anodic Current`` for ``Anodic Time`` and ``Cathodic
    Current`` for ``Cathodic Time``, alternately, starting with the polarity ``Init P/N``, for
    ``Segment`` segments; a segment also ends where the potential reaches its limit (``High E
    Limit`` while anodic, ``Low E Limit`` while cathodic). The current is signed by the words,
    not by the header's numbers: anodic (oxidation of the working electrode) positive. Rows
    after the last segment are refused, as the programme does not say what flowed then.
    """
    found = _mapped_without(raw, columns, header.path, "current", ("time", "voltage"))
    if found is None:
        return raw, None
    setting, number = header.settings, header.number
    keys = ("anodic current", "cathodic current", "anodic time", "cathodic time", "init p/n")
    if not all(k in setting for k in keys):
        return raw, None
    amps = {1: abs(number("anodic current", "A")), -1: abs(number("cathodic current", "A"))}
    span = {1: number("anodic time", "s"), -1: number("cathodic time", "s")}
    limit = {1: number("high e limit", "V", np.inf), -1: number("low e limit", "V", -np.inf)}
    start_word = setting["init p/n"][0].strip().lower()
    polarity = {"p": 1, "n": -1}.get(start_word)
    segments = setting.get("segment", ("1", None))[0]
    values = [*amps.values(), *span.values(), *limit.values()]
    if polarity is None or not segments.isdigit() or np.isnan(values).any():
        return raw, None
    if not (min(span.values()) > 0 and int(segments) > 0):
        return raw, None
    segments = int(segments)
    t = _si_values(raw, found, "time", "s", header.path)
    e = _si_values(raw, found, "voltage", "V", header.path)
    current = np.full(t.size, np.nan)
    start, segment, ended_at_limit = (t[0] if t.size else 0.0), 1, 0
    # a record that runs from t = 0 to the very end of the programme (two 10 s segments
    # sampled every 2 s: 0, 2, ... 20 s, as the CHI twins of a public parser's tests have it)
    # ends on the sample that closes the last segment: within half a sampling step of its
    # end, a sample belongs to it and is no row after the programme
    steps = np.diff(t)
    close = 0.5 * float(np.median(steps[steps > 0])) if np.any(steps > 0) else 0.0
    for k in range(t.size):
        while t[k] >= start + span[polarity] and segment <= segments:
            if segment == segments and t[k] <= start + span[polarity] + close:
                break
            start, polarity, segment = start + span[polarity], -polarity, segment + 1
        if segment > segments:
            raise DataFormatError(
                f"{header.path}: a CH Instruments chronopotentiometry record without a current column "
                f"runs on past its {segments} segment(s) (row {k + 1} at {t[k]:g} s), so its "
                "current cannot be rebuilt from the header. Export the current with the "
                "potential, or map a current column."
            )
        current[k] = polarity * amps[polarity]
        reached = (
            e[k] >= limit[1] - _LIMIT_TOLERANCE_V
            if polarity > 0
            else (e[k] <= limit[-1] + _LIMIT_TOLERANCE_V)
        )
        if reached and k + 1 < t.size:
            # the switch falls between this sample and the next
            start, polarity, segment = t[k + 1], -polarity, segment + 1
            ended_at_limit += 1
    notes.append(
        "no current column: the current is rebuilt from the header's chronopotentiometry "
        f"programme (anodic +{amps[1]:g} A for {span[1]:g} s, cathodic -{amps[-1]:g} A for "
        f"{span[-1]:g} s, starting {'anodic' if start_word == 'p' else 'cathodic'}, "
        f"{segments} segment(s); {ended_at_limit} segment(s) ended at a potential limit); "
        "anodic current (oxidation of the working electrode) positive."
    )
    source = "the header's chronopotentiometry programme (Init P/N, Anodic/Cathodic Current)"
    return raw.assign(**{"Current [A]": current}), SignedCurrent("Current [A]", source)


#: Least rows, and share [-] of the steps that must be equal, for a first column to be read as
#: a clock sampled at a fixed interval rather than a frequency sweep (whose points are spaced
#: evenly on a log scale: successive ratios equal, differences growing by a decade a decade).
_CLOCK_ROWS = 10
_CLOCK_SHARE = 0.8
#: Relative tolerance [-] within which two steps of the first column count as equal.
_CLOCK_TOLERANCE = 0.01


def _clock_not_sweep(raw: pd.DataFrame) -> str | None:
    """Why the numbers of a headerless table are no impedance spectrum (``f, Z', Z''``), else
    None.

    A sweep's frequencies are spaced evenly on a log scale; a first column that rises in equal
    steps through most of the table is a clock sampled at a fixed interval (the public
    Rodeostat potentiostat's Python library, IO Rodeo, MIT licence, writes ``t, volt, curr``
    lines so: 0.010, 0.020, ...). A real part below zero in many rows is no impedance of a
    passive cell either (a potential, a signed current).
    """
    f = pd.to_numeric(raw[0], errors="coerce").to_numpy(dtype=float)
    steps = np.diff(f[np.isfinite(f)])
    if steps.size >= _CLOCK_ROWS - 1 and np.all(steps > 0):
        typical = float(np.median(steps))
        equal = np.abs(steps - typical) <= _CLOCK_TOLERANCE * typical
        if equal.mean() >= _CLOCK_SHARE:
            return (
                f"it rises in equal steps of {typical:g} in {equal.mean():.0%} of its rows, as "
                "a clock does (a sweep's frequencies are spaced evenly on a log scale)"
            )
    if raw.shape[1] >= 2:
        second = pd.to_numeric(raw[1], errors="coerce").to_numpy(dtype=float)
        negative = np.mean(second[np.isfinite(second)] < 0) if np.isfinite(second).any() else 0
        if negative > 0.1:
            return (
                f"its second column, which would be Z', is negative in {negative:.0%} of the "
                "rows (the real part of a cell's impedance is not)"
            )
    return None


def _above(skip: int, width: int) -> str:
    """Why the lines above a headerless run of rows were not its header (for the message)."""
    if skip == 0:
        return ""
    return (
        f"; the lines above do not split into {width} fields: a header whose names hold spaces "
        "('test_time (s)') in a table aligned with spaces, a comment mark before the names "
        "('* Hz Ohms Deg'), a comment after a row, or a printed table's index column (one "
        "field more in each row than names)"
    )


def _frequency_last(raw: pd.DataFrame) -> bool:
    """Whether a headerless 3-column table has its frequency sweep last, not first.

    An impedance analyser steps its frequency by a fixed ratio (so many points per decade): a
    sweep's logarithm advances in near-equal steps over a decade or more. A resistance can be
    positive over a decade too (Z' of an RC network falls monotonically with frequency), but
    not in equal logarithmic steps. Several spectra in one file restart the sweep: then neither
    column qualifies and nothing is decided here.
    """

    def sweep(k: int) -> bool:
        a = pd.to_numeric(raw[k], errors="coerce").to_numpy(dtype=float)
        if len(a) < 5 or not np.all(a > 0) or np.max(a) < 10 * np.min(a):
            return False
        step = np.diff(np.log10(a))
        typical = float(np.median(step))
        # 90 % of the steps within 20 % of the typical one: a sweep of 5-20 points a decade
        # with the odd range change, not a resistance
        near = np.abs(step - typical) <= 0.2 * abs(typical)
        return typical != 0 and float(np.mean(near)) >= 0.9

    return sweep(2) and not sweep(0)


#: A modulus and a phase named on one line (a header the reader could not split, or a comment).
_MODULUS_WORD = re.compile(r"(?i)modulus|magnitude|\|z\||\bmod\s*\(?z|\bzmod")
_PHASE_WORD = re.compile(r"(?i)phase|theta|θ")


def _refuse_polar_comment(preamble: list[str], path: Path | _TextInMemory, skip: int) -> None:
    """Refuse to read a headerless table as f, Z', Z'' where a line above it names a modulus
    and a phase: its columns are then most likely f, |Z|, phase, and read as Z', Z'' they would
    give a wrong spectrum that only a failed Kramers-Kronig test would show."""
    for k, line in enumerate(preamble):
        if _MODULUS_WORD.search(line) and _PHASE_WORD.search(line):
            raise DataFormatError(
                f"{path}: line {k + 1} ({line.strip()[:80]!r}) names a modulus and a phase, but "
                f"does not split into the columns of the rows below it (from line {skip + 1}): "
                "they are likely frequency, |Z| and phase, not f, Z', Z'' as a table without a "
                "header is read. Write the header with the rows' delimiter, e.g. "
                "'Frequency [Hz];|Z| [Ohm];Phase [deg]' (one name per column, separated as "
                "the rows are)."
            )


def _read_headerless(
    path: Path, sep: str, skip: int, decimal: str, area_m2: float | None, notes: list[str]
) -> Measurement:
    """impedance.py's ``readCSV`` layout: ``f, Z', Z''`` per row, no header (Hz, Ohm, Ohm).

    The rows start at line ``skip`` (below any preamble). Only a table of exactly three columns
    is read so: with more, which of them hold Z' and Z'' cannot be told from numbers alone (an
    OrigaLys ``.crv`` has nine, with Z' and -Z'' in the 7th and 8th).
    """
    raw = _parsed_table(
        _table_input(path),
        f"{path}: its first line of numbers (line {skip + 1}) has no header, and the rows below "
        "do not form one table",
        "Add a header line naming the columns with units, e.g. "
        "'Frequency [Hz],Z_re [Ohm],Z_im [Ohm]'.",
        sep=sep,
        header=None,
        decimal=decimal,
        skiprows=skip,
    )
    raw = raw.dropna(axis=1, how="all")  # a delimiter at the end of each row
    raw.columns = range(raw.shape[1])
    f = pd.to_numeric(raw[0], errors="coerce").to_numpy(dtype=float) if raw.shape[1] else []
    # a frequency sweep is positive and spans a decade or more; anything else (a cycler table
    # whose header was not found, a constant first column) must not pass for a spectrum
    sweep = len(f) > 1 and np.all(f > 0) and np.nanmax(f) >= 10 * np.nanmin(f)
    if raw.shape[1] < 3 or not sweep:
        raise DataFormatError(
            f"{path}: a table without a recognisable header ({raw.shape[1]} columns of numbers "
            f"from line {skip + 1}{_above(skip, raw.shape[1])}). Without a header solidna reads "
            "only impedance.py's layout f, Z', Z'' (a first column of positive frequencies over "
            "a decade or more), and this table is not that. Add a header line with units, e.g. "
            "'Time [s],Voltage [V],Current [A]', or check that the header is on one line."
        )
    if raw.shape[1] == 3 and _frequency_last(raw):
        raise DataFormatError(
            f"{path}: a table of 3 columns of numbers without a header (from line {skip + 1}) "
            "whose third column, not its first, is a frequency sweep (positive, over a decade "
            "or more, in equal logarithmic steps; the first is not): the layout "
            "Z', Z'', f of EIS Spectrum Analyser files, whose sign of Z'' is not stated. Add "
            "a header line naming the columns with units, e.g. 'Z_re [Ohm],Z_im [Ohm],"
            "Frequency [Hz]' ('-Z_im [Ohm]' if the column holds -Z'')."
        )
    clock = _clock_not_sweep(raw)
    if clock is not None:
        raise DataFormatError(
            f"{path}: a table of {raw.shape[1]} columns of numbers without a header (from line "
            f"{skip + 1}) whose first column is no frequency sweep: {clock}. It looks like a "
            "time series (time, potential, current, as a homemade potentiostat's log writes "
            "them), whose units cannot be told from numbers. Add a header line naming the "
            "columns with units, e.g. 'Time [s],Voltage [V],Current [uA]'."
        )
    if raw.shape[1] > 3:
        raise DataFormatError(
            f"{path}: a sweep of {raw.shape[1]} columns without a recognisable header (from "
            f"line {skip + 1}). Without a header solidna reads only impedance.py's "
            "three-column layout f, Z', Z''; with more columns, which of them hold Z' and Z'' "
            "is not known, and taking columns 2-3 could give a wrong spectrum. Add a header "
            "line naming the columns with units, e.g. 'Frequency [Hz],Z_re [Ohm],Z_im [Ohm],...'."
        )
    notes.append(
        "no header: columns 1-3 taken as frequency [Hz], Z_re [Ohm], Z_im [Ohm] (impedance.py's "
        "readCSV layout; Z_im < 0 on a capacitive arc). Add a header to be sure."
    )
    frame = pd.DataFrame(
        {
            QUANTITIES["frequency"][0]: pd.to_numeric(raw[0], errors="coerce"),
            QUANTITIES["z_re"][0]: pd.to_numeric(raw[1], errors="coerce"),
            QUANTITIES["z_im"][0]: pd.to_numeric(raw[2], errors="coerce"),
        }
    )
    table = finish_table(frame, path=path, kind="impedance", area_m2=area_m2, notes=notes)
    return Measurement(
        data=table,
        kind="impedance",
        format="csv",
        source=path,
        area_m2=area_m2,
        metadata={"columns used": {"frequency": 1, "z_re": 2, "z_im": 3}},
        notes=notes,
    )


# -- PalmSens PSTrace session files (.pssession) ---------------------------------------------

#: The ``Type`` a PSTrace session file names itself by, the first key of its JSON object.
PSSESSION_TYPE = "PalmSens.DataFiles.SessionFile"
#: Prefix words of PalmSens unit types (``PalmSens.Units.MicroAmpere``) -> factor to SI. The
#: unit's symbol ``S`` names the base unit only ("A" for ``MicroAmpere``): the values of such
#: an array are in uA (as PSTrace-compatible writers and readers in public repositories treat
#: them), so the factor comes from the type's name, never from ``S``.
_PALMSENS_PREFIXES = {"pico": 1e-12, "nano": 1e-9, "micro": 1e-6, "milli": 1e-3, "kilo": 1e3}
#: Base unit words of PalmSens unit types for each quantity read.
_PALMSENS_BASES = {
    "time": ("time", "second"),
    "potential": ("volt",),
    "current": ("ampere",),
    "charge": ("coulomb",),
}
#: ``ArrayType`` codes of PalmSens data arrays (the numbers PSTrace writes beside each array's
#: ``Description``): 0 time, 1 potential, 2 current, 3 charge; impedance 5 frequency, 7 Z',
#: 8 -Z''.
_PALMSENS_ARRAYS = {0: "time", 1: "potential", 2: "current", 3: "charge"}
_PALMSENS_EIS_ARRAYS = {5: "frequency", 7: "zre", 8: "zim"}


def looks_like_pssession(text: str) -> bool:
    """Whether a file's beginning is a PalmSens PSTrace session.

    Parameters
    ----------
    text : str
        The file's first characters, decoded.

    Returns
    -------
    bool
        True for a JSON object whose ``Type`` is :data:`PSSESSION_TYPE`.
    """
    start = text.lstrip("\ufeff\x00 \t\r\n")
    return start.startswith("{") and PSSESSION_TYPE in start[:400]


def _palmsens_factor(array: Mapping[str, Any], quantity: str, path: Path) -> float:
    """Factor [-] from a PalmSens data array's values to SI (s, V, A, C), from its unit type."""
    unit = array.get("Unit") or {}
    name = str(unit.get("Type", "")).rsplit(".", 1)[-1].lower()
    base = next((b for b in _PALMSENS_BASES[quantity] if name.endswith(b)), None)
    if base is None:
        raise DataFormatError(
            f"{path}: the PalmSens {quantity} array {array.get('Description')!r} is in "
            f"{unit.get('Type')!r} (symbol {unit.get('S')!r}), a unit solidna does not know for "
            f"a {quantity}. Export the curve from PSTrace as CSV (File > Export) and read that."
        )
    prefix = name[: -len(base)]
    if prefix and prefix not in _PALMSENS_PREFIXES:
        raise DataFormatError(
            f"{path}: the PalmSens unit {unit.get('Type')!r} has a prefix {prefix!r} solidna does "
            f"not know (known: {', '.join(_PALMSENS_PREFIXES)}). Export the curve from PSTrace "
            "as CSV and read that."
        )
    return _PALMSENS_PREFIXES.get(prefix, 1.0)


def _palmsens_values(array: Mapping[str, Any]) -> np.ndarray:
    """The numbers of a PalmSens data array (``DataValues``: ``{"V": value, ...}`` each)."""
    values = array.get("DataValues") or []
    return np.array([v.get("V", np.nan) if isinstance(v, dict) else v for v in values], dtype=float)


def _palmsens_arrays(
    dataset: Mapping[str, Any], codes: Mapping[int, str]
) -> tuple[dict[str, list[Mapping[str, Any]]], list[str]]:
    """The arrays of a PalmSens data set by quantity (by ``ArrayType``, else ``Description``),
    and the descriptions of all its arrays (for messages)."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    names = []
    for array in dataset.get("Values") or []:
        if not isinstance(array, dict):
            continue
        desc = str(array.get("Description", ""))
        names.append(desc)
        code = array.get("ArrayType")
        key = codes.get(code) if isinstance(code, int) else None
        if key is None and desc.strip().lower() in codes.values():
            key = desc.strip().lower()
        if key is not None:
            found.setdefault(key, []).append(array)
    return found, names


@fill_doc
def read_pssession(
    path: Path, *, area_m2: float | None = None, kind: str | None = None
) -> Measurement:
    """Read a PalmSens PSTrace session file (``.pssession``) into a :class:`Measurement`.

    The file is one JSON object (UTF-16 with a byte-order mark at both ends; :func:`read` hands
    a UTF-8 copy): ``{"Type": "PalmSens.DataFiles.SessionFile", "Measurements": [...]}``, each
    measurement with a ``DataSet`` of typed arrays (``ArrayType`` 0 time, 1 potential,
    2 current, 3 charge; impedance 5 frequency, 7 Z', 8 -Z''), values in the unit its type
    names (``PalmSens.Units.MicroAmpere``: uA). The layout is that of the PSTrace files public
    readers and writers handle (e.g. the session builders and parsers of PalmSens-instrument
    projects on GitHub); no PalmSens software is needed.

    A session can hold several measurements: the first of the part asked for (``kind``, else
    the first measurement's) is read, and a note names the others.

    Parameters
    ----------
    %(file)s
    area_m2 : float, optional
        Electrode area in m2 (the file has none).
    kind : {"timeseries", "impedance"}, optional
        The part to read; default the first measurement's.

    %(Returns: measurement)s
    """
    path = check_file(path, "a PalmSens PSTrace session file (.pssession)")
    text = path.read_text(encoding="utf-8", errors="replace")
    # PSTrace writes a byte-order mark after the JSON object too, and padding NULs are seen
    body = text.strip("\ufeff\ufffe\x00 \t\r\n")
    try:
        session = json.loads(body)
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            f"{path}: a PalmSens session file whose JSON cannot be parsed ({exc.msg} at "
            f"character {exc.pos} of {len(body)}): truncated or edited. Save the session again "
            "from PSTrace, or export the curve as CSV (File > Export) and read that."
        ) from None
    measurements = session.get("Measurements") if isinstance(session, dict) else None
    if not measurements:
        raise DataFormatError(
            f"{path}: a PalmSens session file without measurements (a method only, or an "
            "unfinished run). Save the session after the measurement, or export its curve as "
            "CSV from PSTrace."
        )
    parts = []
    for meas in measurements:
        dataset = (meas.get("DataSet") or {}) if isinstance(meas, dict) else {}
        eis, _ = _palmsens_arrays(dataset, _PALMSENS_EIS_ARRAYS)
        parts.append("impedance" if {"frequency", "zre", "zim"} <= set(eis) else "timeseries")
    wanted = kind or parts[0]
    if wanted not in parts:
        raise DataFormatError(
            f"{path}: kind={wanted!r} asked for, but this PalmSens session holds only "
            f"{parts[0]} measurements ({len(parts)}). Read it with kind={parts[0]!r}."
        )
    index = parts.index(wanted)
    meas = measurements[index]
    title = str(meas.get("Title", f"measurement {index + 1}"))
    notes: list[str] = []
    metadata: dict[str, Any] = {"instrument": "PalmSens", "measurement": title}
    method = str(meas.get("Method") or session.get("MethodForMeasurement") or "")
    technique = re.search(r"^METHOD_ID=(\S+)", method, re.MULTILINE)
    if technique:
        metadata["technique"] = technique.group(1)
    for key in ("DeviceSerial", "DeviceFW"):
        if meas.get(key):
            metadata[key] = meas[key]
    if len(measurements) > 1:
        others = [
            str(m.get("Title", "?")) if isinstance(m, dict) else "?"
            for k, m in enumerate(measurements)
            if k != index
        ]
        notes.append(
            f"the session holds {len(measurements)} measurements; read: {title!r} (number "
            f"{index + 1}); not read: {', '.join(map(repr, others))}. Save each measurement "
            "as its own session (or CSV) in PSTrace to read another."
        )
    dataset = meas.get("DataSet") or {}
    if wanted == "impedance":
        frame = _palmsens_impedance(dataset, path, notes)
    else:
        frame = _palmsens_timeseries(dataset, path, notes, title)
    table = finish_table(frame, path=path, kind=wanted, area_m2=area_m2, notes=notes)
    return Measurement(
        data=table,
        kind=wanted,
        format="pssession",
        source=path,
        area_m2=area_m2,
        metadata=metadata,
        notes=notes,
    )


def _palmsens_pick(
    found: Mapping[str, list[Mapping[str, Any]]], key: str, n: int, notes: list[str]
) -> Mapping[str, Any] | None:
    """The first array of ``key`` with ``n`` values; a note names any other array of it (a
    second channel of a multiplexed run) that is not read."""
    arrays = [a for a in found.get(key, []) if len(a.get("DataValues") or []) == n]
    if len(arrays) > 1:
        notes.append(
            f"{len(arrays)} {key} arrays ({', '.join(repr(a.get('Description')) for a in arrays)}"
            f"): the first is read (a multiplexed run writes one per channel). Save the others "
            "as their own sessions or CSV curves in PSTrace to read them."
        )
    return arrays[0] if arrays else None


def _palmsens_timeseries(
    dataset: Mapping[str, Any], path: Path, notes: list[str], title: str
) -> pd.DataFrame:
    """Time, potential, current (and the instrument's charge) of a PalmSens data set."""
    found, names = _palmsens_arrays(dataset, _PALMSENS_ARRAYS)
    times = found.get("time", [])
    if not times or "current" not in found:
        raise DataFormatError(
            f"{path}: the PalmSens measurement {title!r} has no "
            f"{'time' if not times else 'current'} array (arrays: "
            f"{', '.join(map(repr, names)) or 'none'}), so it is no time series solidna reads. "
            "Export the curve from PSTrace as CSV with time, potential and current."
        )
    n = len(times[0].get("DataValues") or [])
    frame = pd.DataFrame({QUANTITIES["time"][0]: _palmsens_values(times[0])})
    frame[QUANTITIES["time"][0]] *= _palmsens_factor(times[0], "time", path)
    for key, quantity in (("potential", "voltage"), ("current", "current")):
        array = _palmsens_pick(found, key, n, notes)
        if array is None:
            raise DataFormatError(
                f"{path}: the PalmSens measurement {title!r} has no {key} array of the time "
                f"array's {n} points (arrays: {', '.join(map(repr, names))}). Export the curve "
                "from PSTrace as CSV with time, potential and current."
            )
        frame[QUANTITIES[quantity][0]] = _palmsens_values(array) * _palmsens_factor(
            array, key, path
        )
    charge = _palmsens_pick(found, "charge", n, [])
    if charge is not None:
        coulomb = _palmsens_values(charge) * _palmsens_factor(charge, "charge", path)
        frame[QUANTITIES["capacity"][0]] = coulomb / 3600.0
    notes.append(
        "PalmSens current used as written: the session states no sign convention, and a "
        "positive current is read as oxidation of the working electrode (check the sign on a "
        "known peak); the potential is the working electrode's against the reference."
    )
    return frame


def _palmsens_impedance(dataset: Mapping[str, Any], path: Path, notes: list[str]) -> pd.DataFrame:
    """Frequency, Z' and Z'' of a PalmSens impedance data set. Its ``ZIm`` array holds -Z''
    (its unit's quantity reads ``-Z''``: positive on a capacitive arc), read with its sign
    turned; an array whose quantity reads ``Z''`` is read as written."""
    found, _ = _palmsens_arrays(dataset, _PALMSENS_EIS_ARRAYS)
    f = _palmsens_values(found["frequency"][0])
    frame = pd.DataFrame(
        {
            QUANTITIES["frequency"][0]: f,
            QUANTITIES["z_re"][0]: _palmsens_values(found["zre"][0]),
        }
    )
    zim = found["zim"][0]
    negated = str((zim.get("Unit") or {}).get("Q", "-Z''")).strip().startswith("-")
    frame[QUANTITIES["z_im"][0]] = -_palmsens_values(zim) if negated else _palmsens_values(zim)
    if negated:
        notes.append("PalmSens ZIm holds -Z'' (its unit says so): read with its sign turned.")
    return frame
