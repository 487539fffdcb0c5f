"""Cycler and potentiostat text files met in public sources that solidna misread (session 18).

Every file here is a synthetic twin, written by the test, of a layout seen in a public source;
no text of those sources is copied. The layouts are those of:

* the TOYO battery cyclers' files as the public toyo-battery reader (PyPI sdist
  ``toyo-battery-0.0.3``, MIT licence) reads and describes them, in Shift_JIS as Japanese
  Windows writes it (cp932): the raw data files with six-digit names (``000001``), a line
  ``0,0,0,...``, blank lines, then ``日付,時刻,経過時間[Sec],電圧[V],電流[mA]``, six empty
  columns, ``状態,ﾓｰﾄﾞ,ｻｲｸﾙ,総ｻｲｸﾙ``; the current unsigned, ``状態`` 0 rest, 1 charge,
  2 discharge, ``経過時間`` restarting at every change of state; and the processed
  ``連続データ.csv`` (three lines of settings, the names ``サイクル,モード,状態,電圧,電気量``, a
  line of the channel, a line of ``-``, the units ``[],[],[],[V],[mAh/g]``);
* Digatron's German client export as the public digatron-utility reader (PyPI sdist
  ``digatron-utility-0.0.0``, AGPL-3.0: layout only) reads it (tab-separated ISO-8859-1 text,
  ``Key:<TAB>value`` lines, the header from ``Zeitstempel`` on, the units in brackets on the
  line below), with the column names of RWTH Aachen's public description of its Digatron
  cycling data (``Programmdauer``, ``Schritt``, ``Schrittdauer``, ``Spannung``, ``Strom``,
  ``AhAkku``, ``Zustand``, ``Zyklus``);
* the settings file Admiral Instruments' Squidstat software writes beside each run's CSV
  (``Experiment settings and notes.txt``: the experiment's name, ``System: Windows64``,
  ``Software Version: Squidstat User Interface ...``, then ``Key: value`` lines), as the
  public runs of marciG30/Squidstat_1092_1338 (no licence stated: layout only) have it;
* an export in the Korean Windows code page (cp949): no public Korean cycler export was found,
  so the rule is held on a table with the standard Korean words (시간 time, 전압 voltage,
  전류 current) whose names must reach the message readably.

Each test of a fix fails on the code before this session (``PYTHONPATH=/tmp/s18/head/src``);
the tests named guards hold rules that must stay (they pass there too).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError

CAPACITY = "Capacity [A.h]"
CURRENT = "Current [A]"
TIME = "Time [s]"
VOLTAGE = "Voltage [V]"

#: TOYO's six empty columns between the measured block and the state block.
_EMPTY = ",,,,,,"


def _toyo_raw(path: Path, start: dt.datetime) -> float:
    """A TOYO raw data file: 1 mA charge for 1 h, 10 min rest, 1 mA discharge for 1 h, a row a
    minute, written in cp932; returns the clock span [s] from the first row to the last."""
    lines = [
        "0,0,0,0,0,0,0",
        "",
        "",
        f"日付,時刻,経過時間[Sec],電圧[V],電流[mA]{_EMPTY},状態,ﾓｰﾄﾞ,ｻｲｸﾙ,総ｻｲｸﾙ",
    ]
    clock = 0
    for state, current, span in ((1, 1.0, 3600), (0, 0.0, 600), (2, 1.0, 3600)):
        for elapsed in range(0, span + 1, 60):
            share = elapsed / span
            volts = {1: 3.5 + 0.1 * share, 0: 3.6 - 0.01 * share, 2: 3.4 - 0.2 * share}[state]
            stamp = start + dt.timedelta(seconds=clock + elapsed)
            lines.append(
                f"{stamp:%Y/%m/%d},{stamp:%H:%M:%S},{elapsed:08d},+{volts:.4f},{current:.6f}"
                f"{_EMPTY},{state}, 1,  1,     1"
            )
        clock += span + 1  # the next state's first row a second after this one's last
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return float(clock - 1)


def test_toyo_raw_file_in_shift_jis_is_read(tmp_path: Path) -> None:
    """A TOYO raw data file in cp932 was refused with its names garbled ('“ú•t' for 日付):
    now its Japanese names are read, the time is its date and time of day as one clock (on
    across midnight: the run starts at 23:30), and the unsigned current is signed by the state
    codes (1 charge, 2 discharge), so the capacity rises by 1 mAh and falls back to 0."""
    path = tmp_path / "000001"
    span = _toyo_raw(path, dt.datetime(2026, 1, 1, 23, 30, 0))
    m = sio.read(path)
    t, i, q = (m.data[c].to_numpy() for c in (TIME, CURRENT, CAPACITY))
    assert np.all(np.diff(t) > 0)
    assert t[-1] == pytest.approx(span)
    assert m.data[VOLTAGE].iloc[0] == pytest.approx(3.5)
    assert i.max() == pytest.approx(1e-3) and i.min() == pytest.approx(-1e-3)
    # 1 mA for 1 h each way (the trapezoids across the switches add a little on each side)
    assert q.max() == pytest.approx(1e-3, rel=0.01)
    assert q[-1] == pytest.approx(0.0, abs=1e-5)
    assert m.metadata["columns used"]["voltage"] == "電圧[V]"
    assert any("CP932" in n for n in m.notes)
    assert any("'日付'" in n and "midnight" in n for n in m.notes)
    assert any("state codes of '状態'" in n for n in m.notes)


def test_toyo_processed_table_refused_naming_the_record(tmp_path: Path) -> None:
    """TOYO's 連続データ.csv (voltage and capacity per mass by state, no time or current) was
    refused naming columns '-', '-.1', ...: the line of '-' between its names and units was
    taken for the names. Now the names are read past those lines and the message says that
    the raw data files are the record to read."""
    lines = [
        ",試験名,C:\\data\\cell,,,,開始日時,2026/01/01 00:00:00",
        ",測定備考,",
        ",重量[mg],1.000",
        "サイクル,モード,状態,電圧,電気量",
        "1ch,1ch,1ch,1ch,1ch",
        "-,-,-,-,-",
        "[],[],[],[V],[mAh/g]",
    ]
    lines += [f"1,1,充電,{3.5 + 0.01 * k:.4f},{100.0 * k:.6f}" for k in range(8)]
    lines += [f"1,1,放電,{3.4 - 0.01 * k:.4f},{100.0 * k:.6f}" for k in range(8)]
    path = tmp_path / "連続データ.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    with pytest.raises(DataFormatError) as err:
        sio.read(path)
    message = str(err.value)
    assert "'電圧 [V]'" in message and "'電気量 [mAh/g]'" in message
    assert "'-.1'" not in message
    assert "six-digit names" in message


def test_digatron_german_client_export_is_read(tmp_path: Path) -> None:
    """Digatron's German export names its columns in German: 'Programmdauer' (the test time,
    h:mm:ss), 'Schritt', 'Zyklus', 'Spannung', 'Strom', 'AhAkku' (the net charge). It was
    refused for want of a time column; now it is read, the capacity the file's own AhAkku."""
    lines = ["Prüfling:\tZelle 7", "Programm:\tCheckUp", "", "Zeitstempel\tSchritt\tZustand\t"]
    lines[-1] += "Programmdauer\tSchrittdauer\tZyklus\tSpannung\tStrom\tAhAkku\tTemp1"
    lines.append("\t\t\t\t\t\t[V]\t[A]\t[Ah]\t[°C]")
    start, clock, charge = dt.datetime(2021, 5, 20, 11, 41, 28), 0, 0.0

    def hms(seconds: float) -> str:
        return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"

    for step, state, amps, span in ((1, "PAU", 0.0, 600), (2, "DCH", -2.0, 3600)):
        for k in range(0, span + 1, 300):
            stamp = start + dt.timedelta(seconds=clock + k)
            volts = 3.6 - 0.3 * k / span if amps else 3.6
            lines.append(
                f"{stamp:%d.%m.%Y %H:%M:%S}\t{step}\t{state}\t{hms(clock + k)}\t{hms(k)}\t1\t"
                f"{volts:.4f}\t{amps:.3f}\t{charge + amps * k / 3600:.4f}\t25.0"
            )
        clock, charge = clock + span + 1, charge + amps * span / 3600
    path = tmp_path / "digatron.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    m = sio.read(path)
    used = m.metadata["columns used"]
    assert used["time"] == "Programmdauer" and used["capacity"] == "AhAkku [Ah]"
    assert used["step"] == "Schritt"
    assert m.data[TIME].iloc[-1] == pytest.approx(4201.0)
    assert m.data[CURRENT].min() == pytest.approx(-2.0)
    assert m.data[CAPACITY].iloc[-1] == pytest.approx(-2.0)


def test_korean_code_page_names_reach_the_message(tmp_path: Path) -> None:
    """A table in cp949 (Korean Windows) was read as a Western code page: its names reached the
    message garbled. Now the text is decoded as cp949, so a refusal names the columns as the
    user sees them and they can be mapped by those names."""
    lines = ["시간(s),전압(V),전류(mA)"] + [f"{10 * k},{3.5 + 0.01 * k:.3f},1.0" for k in range(6)]
    path = tmp_path / "korean.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    with pytest.raises(DataFormatError, match="'전압\\(V\\)'"):
        sio.read(path)
    m = sio.read(path, columns={"time": "시간(s)", "voltage": "전압(V)", "current": "전류(mA)"})
    assert m.data[CURRENT].iloc[0] == pytest.approx(1e-3)
    assert any("CP949" in n for n in m.notes)


def test_guard_western_code_page_is_not_taken_for_japanese(tmp_path: Path) -> None:
    """Guard: Windows-1252 text ('µA', '°C') also decodes as cp932 (half-width katakana), but
    names no Japanese column: it is read as before, without a code-page note."""
    lines = ["Time (s);Voltage (V);Current (µA);T (°C)"]
    lines += [f"{k};{3.5 + 0.01 * k:.3f};250;25" for k in range(6)]
    path = tmp_path / "western.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    m = sio.read(path)
    assert m.data[CURRENT].iloc[0] == pytest.approx(250e-6)
    assert not any("CP932" in n or "CP949" in n for n in m.notes)


def test_squidstat_settings_file_refused_naming_the_csv(tmp_path: Path) -> None:
    """Squidstat's 'Experiment settings and notes.txt' holds the run's settings, no data. It was
    refused as a CSV that pandas cannot split ('Expected 1 fields in line 5, saw 2 ... may be
    truncated'): now the message says what the file is and which file to read."""
    lines = ["my run", "System: Windows64", "Software Version: Squidstat User Interface v2.11", ""]
    lines += ["Prime1000, Channel 1", "Firmware version: 2020 Prime firmware", ""]
    lines += ["Data Sampling Options: ", "Maximum data averaging period: 0.1 s", ""]
    lines += ["Experiment Parameters:", "Step 1) Cyclic voltammetry parameters"]
    lines += ["Upper scan limit: 0.6 V, with respect to reference", "Scan rate: 10mV/s"]
    path = tmp_path / "Experiment settings and notes.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="Squidstat.*no measured data.*CSV in the same"):
        sio.read(path)
