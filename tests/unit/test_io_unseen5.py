"""Layouts pasted by users in issue threads (round 5 of unseen files), on synthetic twins.

Each test builds a small file of the same structure as a pasted excerpt (no real file, no
network): a Neware/Landt-style record with a step clock ``Time`` beside ``Total Time``, a table
whose units sit on the line below the names (Gamry's ZCURVE as shown in its help pages), and
EZStat's ``Re{Z}``/``-Im{Z}`` names.
"""

from __future__ import annotations

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _step_clock_record(path, *, total: bool = True) -> None:
    """Rest, charge at +2 A, rest, discharge at -2 A; 'Time' restarts at every step."""
    head = "DataPoint,Step Type,Time," + ("Total Time," if total else "") + "Current(A),Voltage(V)"
    lines, clock, point = [head], 0, 0
    for kind, current in (("Rest", 0.0), ("CC Chg", 2.0), ("Rest", 0.0), ("CC DChg", -2.0)):
        for j in range(6):
            point += 1
            voltage = 3.6 + (0.05 * j if current > 0 else -0.05 * j if current < 0 else 0.0)
            total_cell = f"{_hms(clock)}," if total else ""
            lines.append(f"{point},{kind},{_hms(60 * j)},{total_cell}{current:.3f},{voltage:.4f}")
            clock += 60
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_total_time_is_read_not_the_step_clock(tmp_path):
    # PyProBE#139 (Neware 'record' headings) and a Neware-style data dictionary: 'Time' is the
    # time within the step, 'Total Time' the test's; before, 'Time' was read and refused
    path = tmp_path / "record.csv"
    _step_clock_record(path)
    m = sio.read(path)
    t = m.data["Time [s]"].to_numpy()
    assert np.all(np.diff(t) > 0)
    assert t[-1] == pytest.approx(23 * 60)
    assert m.metadata["columns used"]["time"] == "Total Time"
    assert any("'Time' beside it taken as the time within each step" in n for n in m.notes)
    # the charge step: 5 intervals at 2 A plus half of each interval across its edges
    # (trapezoidal integral of the current, the switch falls between two samples)
    q = m.data["Capacity [A.h]"].to_numpy()
    assert q.max() == pytest.approx(2.0 * 360 / 3600, rel=1e-6)
    assert q[-1] == pytest.approx(0.0, abs=1e-9)


def test_a_bare_time_alone_is_still_the_time(tmp_path):
    # control: without a test-time column the only 'Time' is read (here it goes backwards, so the
    # record is refused as before, naming the row)
    path = tmp_path / "steps_only.csv"
    _step_clock_record(path, total=False)
    with pytest.raises(DataFormatError, match="time goes backwards"):
        sio.read(path)


def test_a_mapped_time_column_is_kept(tmp_path):
    # control: the user's mapping wins over the name preference
    path = tmp_path / "mapped.csv"
    rows = ["Time [s],Total Time [s],Voltage [V],Current [A]"]
    rows += [f"{10 * k},{10 * k + 5},{3.7 + 0.01 * k:.3f},0.5" for k in range(8)]
    path.write_text("\n".join(rows) + "\n")
    m = sio.read(path, columns={"time": "Time [s]"})
    assert m.data["Time [s]"].iloc[-1] == pytest.approx(70.0)
    assert m.metadata["columns used"]["time"] == "Time [s]"


def test_units_on_the_line_below_the_names(tmp_path):
    # the Gamry help page's ZCURVE, pasted without the EXPLAIN header: names over units over
    # rows, white-space separated; units other than the defaults show the units row is used
    path = tmp_path / "zcurve.txt"
    path.write_text(
        "ZCURVE TABLE\n"
        "Pt Time Freq Zreal Zimag Zsig Zmod Zphz Idc Vdc Irange\n"
        "# s kHz mohm mohm V mohm \u00b0 A V #\n"
        "0 7 5 201039 -33332 1 203784 -9.41393 8.89475E-006 0.005877 4\n"
        "1 12 4.03226 198969 -41875 1 203328 -11.885 4.45025E-006 0.004065 4\n"
        "2 17 3.20513 201301 -49936 1 207402 -13.932 4.40000E-006 0.004000 4\n",
        encoding="latin-1",
    )
    m = sio.read(path)
    assert m.kind == "impedance"
    d = m.data
    assert d["Frequency [Hz]"].to_numpy() == pytest.approx([5000.0, 4032.26, 3205.13])
    assert d["Z_re [Ohm]"].iloc[0] == pytest.approx(201.039)
    assert d["Z_im [Ohm]"].iloc[0] == pytest.approx(-33.332)
    assert any("line below the column names gives their units" in n for n in m.notes)


@pytest.mark.parametrize(
    ("head", "last_s", "current_A", "units_row"),
    [
        # the same layout in a comma table: minutes and milliamperes from the units row
        (["Time,Voltage,Current", "min,V,mA"], 540.0, 0.25, True),
        # control: a title line above a header whose names are not units ('Time' is not)
        # leaves the header as it is
        (["run,cell,channel", "Time [s],Voltage [V],Current [mA]"], 9.0, 0.25, False),
    ],
)
def test_units_row_in_a_csv_time_series(tmp_path, head, last_s, current_A, units_row):
    path = tmp_path / "units_row.csv"
    rows = head + [f"{k},{3.5 + 0.01 * k:.3f},250" for k in range(10)]
    path.write_text("\n".join(rows) + "\n")
    m = sio.read(path)
    assert m.data["Time [s]"].iloc[-1] == pytest.approx(last_s)
    assert m.data["Current [A]"].iloc[0] == pytest.approx(current_A)
    assert any("line below the column names" in n for n in m.notes) is units_row


def test_braces_in_impedance_names(tmp_path):
    # impedance.py#172: EZStat writes Re{Z} and -Im{Z}; braces read like parentheses
    path = tmp_path / "ezstat.csv"
    f = np.logspace(4, 0, 9)
    z = 10 + 50 / (1 + 1j * 2 * np.pi * f * 50 * 1e-5)
    rows = ["Frequency [Hz],Re{Z} [Ohm],-Im{Z} [Ohm]"]
    rows += [f"{a:.6g},{b.real:.6g},{-b.imag:.6g}" for a, b in zip(f, z, strict=True)]
    path.write_text("\n".join(rows) + "\n")
    m = sio.read(path)
    assert m.data["Z_re [Ohm]"].to_numpy() == pytest.approx(z.real, rel=1e-5)
    assert m.data["Z_im [Ohm]"].to_numpy() == pytest.approx(z.imag, rel=1e-5)


def test_headerless_message_says_why_the_lines_above_are_not_the_header(tmp_path):
    # BEEP PR#260: a pandas DataFrame printed and pasted (names with spaces, an index column, a
    # comment after a row, and no voltage): refused, and the message names the line the numbers
    # start on and the likely reasons instead of "the first line is numbers only"
    path = tmp_path / "printed.txt"
    rows = ["    test_time (s)  current (a)  cycle_index  step_index  step_time"]
    rows += [
        f"{k:<3d}  {10.0 * (k + 1):10.3f}  {0.549 * (k > 5):11.3f}  1.0  {1 + (k > 5)}  "
        f"{10.0 * k:8.3f}" + ("   # rest to charge" if k == 6 else "")
        for k in range(15)
    ]
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(DataFormatError) as err:
        sio.read(path)
    text = str(err.value)
    assert "from line 9" in text
    assert "index column" in text and "names hold spaces" in text


def _vna_table(path, *, same: bool = False) -> np.ndarray:
    """A network analyser's table (LibreVNA#85): the reflection's phase before |Z| and Theta."""
    f = np.array([14.235e6, 14.240e6, 14.245e6, 14.250e6])
    z = np.array([64.8 + 1.5j, 64.0 + 1.4j, 64.9 + 1.5j, 65.1 + 1.6j])
    theta = np.degrees(np.angle(z))
    other = theta if same else np.full(4, 5.10)
    rows = ["Frequency(Hz),Return   Loss(dB),Phase(deg),|Z| (Ohm),Theta"]
    rows += [
        f"{a:.0f},17.77,{p:.6f},{abs(b):.6f},{t:.6f}"
        for a, b, p, t in zip(f, z, other, theta, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return z


def test_two_phase_columns_with_different_numbers_are_refused(tmp_path):
    # before: the first 'Phase' (of the reflection coefficient) was read as the impedance's, a
    # silent Z_im of 5.8 instead of 1.5 Ohm
    path = tmp_path / "vna.csv"
    z = _vna_table(path)
    with pytest.raises(DataFormatError, match="two columns could hold the phase") as err:
        sio.read(path)
    assert "--column 'phase=Theta'" in str(err.value)
    m = sio.read(path, columns={"phase": "Theta"})
    assert m.data["Z_re [Ohm]"].to_numpy() == pytest.approx(z.real, rel=1e-5)
    assert m.data["Z_im [Ohm]"].to_numpy() == pytest.approx(z.imag, rel=1e-4)


def test_two_phase_columns_that_agree_are_read(tmp_path):
    # control: a repeated quantity with the same numbers is no ambiguity
    path = tmp_path / "vna_same.csv"
    z = _vna_table(path, same=True)
    m = sio.read(path)
    assert m.data["Z_im [Ohm]"].to_numpy() == pytest.approx(z.imag, rel=1e-4)


def _sweep_rows(f: np.ndarray, z: np.ndarray) -> list[str]:
    return [
        f"{a:.6g} {abs(b):.6g} {np.degrees(np.angle(b)):.6g}" for a, b in zip(f, z, strict=True)
    ]


def test_names_after_a_lone_comment_mark_are_read(tmp_path):
    # scimpy#9 (ZMA/FRD: '* Hz Ohms Deg'), and '# f ...' headers: the mark is a field of its own,
    # so the header had one field more than the rows and was passed over; a sweep over decades
    # was then read as f, Z', Z'' - |Z| taken for Z' and the phase in degrees for Z''
    f = np.logspace(3, 0, 7)
    z = 10 + 40 / (1 + 1j * 2 * np.pi * f * 40 * 1e-4)
    path = tmp_path / "marked.txt"
    path.write_text("\n".join(["# Freq(Hz) |Z|(Ohm) Phase(deg)", *_sweep_rows(f, z)]) + "\n")
    m = sio.read(path)
    assert m.data["Z_re [Ohm]"].to_numpy() == pytest.approx(z.real, rel=1e-4)
    assert m.data["Z_im [Ohm]"].to_numpy() == pytest.approx(z.imag, rel=1e-4)
    # the ZMA header names units only: refused naming them, not read as f, Z', Z''
    zma = tmp_path / "speaker.zma"
    zma.write_text("\n".join(["* Hz Ohms Deg ", *_sweep_rows(f, z)]) + "\n")
    with pytest.raises(DataFormatError, match="columns found: 'Hz', 'Ohms', 'Deg'"):
        sio.read(zma)
