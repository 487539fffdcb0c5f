"""CH Instruments time series as ecat writes them: rounded clocks and held potentials.

The layouts are those of the CH Instruments text exports shipped with eCAT
(``ecat-electrochemistry`` 0.1.0b7 on PyPI, ``examples/data``, MIT licence): a
chronopotentiometry (``CP-100-cycles_...txt``: ``Time/sec, Potential/V`` rows, the currents in
the header) and amperometric i-t curves (``CO2_0.1MKCl_..._cpe_0.6516C.txt``: ``Time/sec,
Current/A`` rows, the potential in the header). CHI writes its time with four significant
digits (``1.000e+4``), so a 0.5 s record repeats each stamp up to twenty times. The files here
are twins written by the tests, with invented numbers; no third-party file is copied.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError


def _chi_cp(path: Path, segment_s: float, interval_s: float, duration_s: float) -> None:
    """A CHI chronopotentiometry export: +-5 mA alternating every ``segment_s``, starting
    cathodic, sampled every ``interval_s``, the time written as CHI does (``%.3e``)."""
    n = int(round(duration_s / interval_s))
    t = interval_s * np.arange(1, n + 1)
    cathodic = (np.floor((t - 1e-9) / segment_s) % 2) == 0
    # a potential that drifts within the limits: only the clock matters here
    e = np.where(cathodic, 0.60, 0.80) + 1e-5 * (t % segment_s)
    head = [
        "Jan. 27, 2022   13:43:22",
        "Chronopotentiometry",
        "File: twin.bin",
        "Data Source:  Experiment",
        "Instrument Model:  CHI760E",
        "Header: ",
        "Note: ",
        "",
        "Cathodic Current (A) = 0.005",
        "Anodic Current (A) = 0.005",
        "Init P/N = N",
        f"Data Storage Interval (s) = {interval_s:g}",
        "High E Limit (V) = 1.5",
        "Low E Limit (V) = 0.1",
        f"Cathodic Time (s) = {segment_s:g}",
        f"Anodic Time (s) = {segment_s:g}",
        "Current Switching Polarity = Potential",
        f"Segment = {int(np.ceil(duration_s / segment_s)) + 1}",
        "",
        "Time/sec, Potential/V",
        "",
    ]
    rows = [f"{a:.3e}, {b:.4e}" for a, b in zip(t, e, strict=True)]
    path.write_text("\n".join(head + rows) + "\n")


def _chi_it(path: Path, init_e: str, extra: tuple[str, ...] = ()) -> np.ndarray:
    """A CHI amperometric i-t curve at ``Init E (V) = init_e``, 0.1 s for 1500 s; returns the
    currents written [A]."""
    t = 0.1 * np.arange(1, 15001)
    i = 2e-4 + 5e-4 * np.exp(-t / 300.0)
    head = [
        "May 4, 2024   20:18:27",
        "Amperometric i-t Curve",
        "File: twin",
        "Data Source:  Experiment",
        "Instrument Model:  CHI660D",
        "Header: ",
        "Note: ",
        "",
        f"Init E (V) = {init_e}",
        *extra,
        "Sample Interval (s) = 0.1",
        "Run Time (sec) = 1.5e+3",
        "Quiet Time (sec) = 5",
        "Sensitivity (A/V) = 0.001",
        "",
        "Results:",
        "",
        "Channel 1:",
        "",
        "Time/sec, Current/A",
        "",
    ]
    rows = [f"{a:.3e}, {b:.3e}" for a, b in zip(t, i, strict=True)]
    path.write_text("\n".join(head + rows) + "\n")
    return np.array([float(f"{b:.3e}") for b in i])


def test_chi_cp_rounded_clock_keeps_segments(tmp_path: Path) -> None:
    """Past 10 000 s CHI's clock moves in 10 s stamps: the current rebuilt from the programme
    used to switch up to 10 s (20 rows) off the 487 s segments; the rows of a stamp are now
    spread evenly, so every whole segment holds 487 s / 0.5 s = 974 rows (one either way)."""
    path = tmp_path / "cp.txt"
    _chi_cp(path, segment_s=487.0, interval_s=0.5, duration_s=12_000.0)
    m = sio.read(path)
    t = m.data["Time [s]"].to_numpy()
    current = m.data["Current [A]"].to_numpy()
    assert np.all(np.diff(t) > 0)
    assert np.max(np.abs(t - 0.5 * np.arange(1, t.size + 1))) < 1.0
    switches = np.flatnonzero(np.diff(np.sign(current)) != 0)
    lengths = np.diff(switches)
    assert lengths.size >= 20
    assert np.all(np.abs(lengths - 974) <= 1), lengths
    assert any("repeats its values" in n and "0.5 s sampling interval" in n for n in m.notes)


def test_chi_it_curve_reads_at_its_held_potential(tmp_path: Path) -> None:
    """An i-t curve has no potential column: it used to be refused for want of one; its
    potential is the header's Init E on every row, the charge is the integral of the current
    as written, and the note says that the current's sign is CHI's setting, not checked."""
    path = tmp_path / "it.txt"
    written = _chi_it(path, "-0.95")
    m = sio.read(path)
    assert np.allclose(m.data["Voltage [V]"], -0.95)
    charge_c = m.data["Capacity [A.h]"].iloc[-1] * 3600.0
    expected_c = np.trapezoid(written, 0.1 * np.arange(1, written.size + 1))
    assert charge_c == pytest.approx(expected_c, rel=2e-3)
    t = m.data["Time [s]"].to_numpy()
    assert np.all(np.diff(t) > 0)
    notes = " ".join(m.notes)
    assert "Init E = -0.95 V" in notes and "polarity convention" in notes


def test_chi_moving_potential_without_potential_column_still_refused(tmp_path: Path) -> None:
    """A header that moves the potential (a scan rate) holds no single potential: a record of
    time and current only is refused as before, naming the missing potential column."""
    path = tmp_path / "sweep_it.txt"
    _chi_it(path, "0.2", extra=("High E (V) = 0.5", "Scan Rate (V/s) = 0.1"))
    with pytest.raises(DataFormatError, match="Voltage"):
        sio.read(path)


def test_repeated_time_without_header_interval_kept(tmp_path: Path) -> None:
    """Repeated stamps are spread only where the header states the sampling interval they
    hide: a plain table whose clock repeats a value (a cycler's step change) is kept as is."""
    path = tmp_path / "plain.csv"
    t = [0.0, 1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    v = [3.0, 3.1, 3.2, 3.2, 3.1, 3.0, 2.9, 2.8]
    i = [1e-3, 1e-3, 1e-3, -1e-3, -1e-3, -1e-3, -1e-3, -1e-3]
    path.write_text(
        "Time/sec,Potential/V,Current/A\n"
        + "\n".join(f"{a},{b},{c}" for a, b, c in zip(t, v, i, strict=True))
        + "\n"
    )
    m = sio.read(path)
    assert list(m.data["Time [s]"]) == t
    assert not any("repeats its values" in n for n in m.notes)


def test_electrode_against_reference_is_not_a_symmetric_cell(tmp_path: Path) -> None:
    """A working electrode's chronopotentiometry against a reference (CHI, 0.38-1.08 V both
    ways in ecat's example) went through ``--kind symmetric`` as a Na|Na cell with an 845 mV
    "overpotential": its voltage never changes sign with the current, so it is refused."""
    from solidna.analysis.cycling import not_a_symmetric_cell

    i = np.sign(np.sin(np.linspace(0, 20, 2000))) * 5e-3
    # 0.35-0.75 V cathodic, 0.80-1.05 V anodic: below 0.5 V at times, one sign throughout
    ramp = np.linspace(0.0, 1.0, i.size) % 0.25
    v = np.where(i > 0, 0.80 + ramp, 0.35 + 1.6 * ramp)
    reason = not_a_symmetric_cell(v, i)
    assert reason is not None and "against a reference" in reason
    # a Na|Na cell with a small offset still changes sign: kept
    assert not_a_symmetric_cell(0.005 + 0.05 * np.sign(i), i) is None
    path = tmp_path / "cp.txt"
    _chi_cp(path, segment_s=487.0, interval_s=0.5, duration_s=3000.0)
    m = sio.read(path)
    assert not_a_symmetric_cell(m.data["Voltage [V]"], m.data["Current [A]"]) is not None


def test_tdms_refused_by_name(tmp_path: Path) -> None:
    """EC4 DAQ saves its runs as NI TDMS (ec4py's test data, MIT): refused as an unknown binary
    before, without naming it; now named, with the text export to read instead."""
    path = tmp_path / "CV_144820_ 3.tdms"
    path.write_bytes(b"TDSm\x0e\x00\x00\x00i\x12\x00\x00\xc8>\x00\x00" + bytes(64))
    with pytest.raises(DataFormatError, match="TDMS") as err:
        sio.read(path)
    assert "text export" in str(err.value)
