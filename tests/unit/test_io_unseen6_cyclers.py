"""EC-Lab layouts seen in a sixth round of public files (synthetic twins; no real file here).

* ``Potential control : Ewe-Ece`` (a GCPL whose limits apply to the cell voltage, with
  ``Record Ece``): the cell voltage ``Ewe-Ece/V`` is read, not ``Ewe/V`` (near 0 V in such a
  cell);
* a header that names ``Ewe-Ece/V`` after an empty column but writes no values under it: the
  averaged ``<Ewe-Ece>/V`` is read;
* ``columns=`` chooses between EC-Lab columns of one quantity (``{"voltage": "Ewe-Ece/V"}``),
  also through ``solidna analyze --column``;
* the note on a record with a reference electrode says how far ``Ewe`` and ``Ewe-Ece`` are apart
  and how to read the other one.

* EC-Lab/BT-Lab's absolute time export (dates and times under ``time/s``) is read as seconds;
* the check of a capacity counter against the current leaves out the intervals in which the
  current switches (rest -> pulse), where the samples cannot tell when the switch happened.

Controls (pass before and after): a record without ``Ece``, a BT-Lab ``Ecell/V`` record, and a
counter at half the current's charge (still noted).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis.io import CAPACITY, TIME, VOLTAGE, read
from solidna.errors import DataFormatError

_COLS = ["mode", "time/s", "Ewe/V", "Ece/V", "<I>/mA", "(Q-Qo)/mA.h", "cycle number", "Ns"]


def _mpt(path: Path, control: str | None, rows: list[str], cols: list[str] = _COLS) -> Path:
    """An EC-Lab text export: the magic line, the header count, the technique, the
    ``Potential control`` line (when given), ``Record Ece``, the column line and ``rows``."""
    head = ["EC-Lab ASCII FILE", "", "", "Galvanostatic Cycling with Potential Limitation", ""]
    if control is not None:
        head.append(f"Potential control : {control}")
    head += ["Electrode surface area : 1.131 cm²", "Record Ece", ""]
    head[1] = f"Nb header lines : {len(head) + 1}"
    path.write_bytes(("\n".join(head + ["\t".join(cols)] + rows) + "\n").encode("latin-1"))
    return path


def _gcpl_rows(ece: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Charge then discharge at 0.12 mA; the cell voltage rises 0.9 -> 1.04 V then falls to
    0.70 V (the limit); the counter electrode sits at ``ece`` against the reference."""
    cell = np.r_[np.linspace(0.90, 1.04, 6), np.linspace(1.02, 0.70, 6)]
    current = np.r_[np.full(6, 0.12), np.full(6, -0.12)]
    t = 10.0 * np.arange(cell.size)
    q = np.r_[0.0, np.cumsum(current[1:] * np.diff(t) / 3600)]
    rows = [
        f"1\t{t[k]:.4E}\t{cell[k] + ece:.7E}\t{ece:.7E}\t{current[k]:.7E}\t{q[k]:.7E}\t0\t"
        f"{1 if current[k] > 0 else 2}"
        for k in range(cell.size)
    ]
    return rows, cell, cell + ece


def _with_cell_column(rows: list[str], cell: np.ndarray) -> list[str]:
    return [f"{r}\t{v:.7E}" for r, v in zip(rows, cell, strict=True)]


def test_potential_control_ewe_ece_reads_the_cell_voltage(tmp_path: Path) -> None:
    rows, cell, ewe = _gcpl_rows(ece=-0.95)
    path = _mpt(
        tmp_path / "gcpl.mpt", "Ewe-Ece", _with_cell_column(rows, cell), _COLS + ["Ewe-Ece/V"]
    )
    m = read(path)
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=1e-7)
    assert m.data[VOLTAGE].iloc[-1] == pytest.approx(0.70)  # the limit the technique applied
    note = next(n for n in m.notes if "voltage from 'Ewe-Ece/V'" in n)
    assert "Potential control : Ewe-Ece" in note and "columns={'voltage': 'Ewe/V'}" in note
    assert m.metadata["columns used"]["voltage"] == "Ewe-Ece/V"
    # and the half-cell potential on request
    m2 = read(path, columns={"voltage": "Ewe/V"})
    np.testing.assert_allclose(m2.data[VOLTAGE], ewe, atol=1e-7)
    assert any("columns chosen by hand: voltage from 'Ewe/V'" in n for n in m2.notes)


def test_a_named_column_without_values_is_passed_over(tmp_path: Path) -> None:
    # the header ends in "<Ewe-Ece>/V<TAB><TAB>Ewe-Ece/V" and the rows stop after <Ewe-Ece>/V
    rows, cell, _ = _gcpl_rows(ece=-0.95)
    cols = [c.replace("Ewe/V", "<Ewe>/V") for c in _COLS] + ["<Ewe-Ece>/V", "", "Ewe-Ece/V"]
    m = read(_mpt(tmp_path / "cp.mpt", "Ewe-Ece", _with_cell_column(rows, cell), cols))
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=1e-7)
    assert any("voltage from '<Ewe-Ece>/V'" in n for n in m.notes)


def test_columns_choose_the_voltage_of_an_eclab_file(tmp_path: Path) -> None:
    rows, cell, ewe = _gcpl_rows(ece=-0.95)
    path = _mpt(tmp_path / "gcpl.mpt", "Ewe", _with_cell_column(rows, cell), _COLS + ["Ewe-Ece/V"])
    np.testing.assert_allclose(read(path).data[VOLTAGE], ewe, atol=1e-7)  # the default
    m = read(path, columns={"voltage": "Ewe-Ece/V"})
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=1e-7)
    with pytest.raises(DataFormatError, match=r"'Ecell/V' \(mapped to 'voltage'\) is not in"):
        read(path, columns={"voltage": "Ecell/V"})


def test_analyze_column_option_reaches_an_eclab_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from solidna.cli import app

    rows, cell, _ = _gcpl_rows(ece=-0.95)
    path = _mpt(tmp_path / "gcpl.mpt", "Ewe", _with_cell_column(rows, cell), _COLS + ["Ewe-Ece/V"])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "--kind",
            "na-co2",
            str(path),
            "--out",
            str(out),
            "--column",
            "voltage=Ewe-Ece/V",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "columns chosen by hand: voltage from 'Ewe-Ece/V'" in " ".join(result.output.split())


def test_note_says_how_far_ewe_and_the_cell_voltage_are_apart(tmp_path: Path) -> None:
    # counter and reference joined (a two-electrode cell): Ece within a millivolt of 0
    rows, cell, _ = _gcpl_rows(ece=0.0004)
    path = _mpt(tmp_path / "gcpl.mpt", "Ewe", _with_cell_column(rows, cell), _COLS + ["Ewe-Ece/V"])
    note = next(n for n in read(path).notes if "voltage from 'Ewe/V'" in n)
    assert "at most 0.4 mV apart" in note
    assert "columns={'voltage': 'Ewe-Ece/V'}" in note


def test_control_record_without_ece(tmp_path: Path) -> None:
    """Control: no Ece, no cell-voltage column; Ewe is read and no note names another one."""
    rows, _, ewe = _gcpl_rows(ece=0.0)
    cols = [c for c in _COLS if c != "Ece/V"]
    rows = ["\t".join(r.split("\t")[:3] + r.split("\t")[4:]) for r in rows]
    m = read(_mpt(tmp_path / "gcpl.mpt", "Ewe", rows, cols))
    np.testing.assert_allclose(m.data[VOLTAGE], ewe, atol=1e-7)
    assert not any("cell voltage" in n for n in m.notes)


def test_control_btlab_ecell_record(tmp_path: Path) -> None:
    """Control: a BT-Lab cycler record has only Ecell/V (no reference electrode)."""
    rows, cell, _ = _gcpl_rows(ece=0.0)
    cols = ["mode", "time/s", "Ecell/V", "<I>/mA", "(Q-Qo)/mA.h", "cycle number", "Ns"]
    rows = ["\t".join(r.split("\t")[:3] + r.split("\t")[4:]) for r in rows]
    text = _mpt(tmp_path / "bcs.mpt", None, rows, cols).read_bytes()
    path = tmp_path / "bcs2.mpt"
    path.write_bytes(text.replace(b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE"))
    m = read(path)
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=1e-7)


# --------------------------------------------------------------------------------------------
# BT-Lab / EC-Lab absolute time export: dates and times under the name "time/s"
# --------------------------------------------------------------------------------------------
_BT_COLS = ["Ns changes", "Ns", "time/s", "Ecell/V", "I/mA", "(Q-Qo)/mA.h", "cycle number"]


def _btlab(
    path: Path,
    times: list[str],
    current_mA: list[float],
    q_mAh: list[float],
    time_format: str | None = None,
) -> Path:
    head = ["BT-Lab ASCII FILE", "", "", "Modulo Bat", "", "Electrode surface area : 0.000 cm²"]
    if time_format is not None:
        head += ["Text export", "   Mode : Standard", f"   Time format : {time_format}"]
    head.append("")
    head[1] = f"Nb header lines : {len(head) + 1}"
    rows = [
        f"0\t{1 if i else 0}\t{s}\t{4.15 + 0.001 * k:.7E}\t{i:.7E}\t{q:.9E}\t0"
        for k, (s, i, q) in enumerate(zip(times, current_mA, q_mAh, strict=True))
    ]
    path.write_bytes(("\n".join(head + ["\t".join(_BT_COLS)] + rows) + "\n").encode("latin-1"))
    return path


def test_absolute_time_export_is_read_as_seconds(tmp_path: Path) -> None:
    # a rest sample, then 450 mA from 2 ms before the second sample, across midnight
    stamps = ["11/20/2024 23:59:51.707", "11/20/2024 23:59:58.171", "11/21/2024 00:00:01.171"]
    q = [0.0, 450 * 0.002 / 3600, 450 * 3.002 / 3600]
    m = read(_btlab(tmp_path / "ts.txt", stamps, [0.0, 450.0, 450.0], q))
    np.testing.assert_allclose(m.data[TIME], [0.0, 6.464, 9.464], atol=1e-6)
    assert any("read as month/day/year" in n and "11/20/2024 23:59:51.707" in n for n in m.notes)
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], 450 * 3.002 / 3.6e6, rtol=1e-9)


def test_counter_check_leaves_out_the_interval_of_a_switch(tmp_path: Path) -> None:
    # rest sampled every 10 s; the current starts 2 ms before the next sample: the samples
    # alone would count the whole 10 s at 450 mA, the instrument's counter knows better
    times = ["0.000", "10.000", "11.000", "12.000"]
    q = [0.0, 450 * 0.002 / 3600, 450 * 1.002 / 3600, 450 * 2.002 / 3600]
    m = read(_btlab(tmp_path / "pulse.txt", times, [0.0, 450.0, 450.0, 450.0], q))
    np.testing.assert_allclose(m.data[CAPACITY].iloc[-1], 450 * 2.002 / 3.6e6, rtol=1e-9)
    assert not any("capacity column counts" in n for n in m.notes)


def test_absolute_time_export_day_first(tmp_path: Path) -> None:
    stamps = ["25/11/2024 10:00:00.000", "25/11/2024 10:00:10.000", "25/11/2024 10:00:20.000"]
    q = [0.0, 1.0 * 10 / 3600, 1.0 * 20 / 3600]
    m = read(_btlab(tmp_path / "ts.txt", stamps, [1.0, 1.0, 1.0], q))
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0, 20.0])
    assert any("read as day/month/year" in n for n in m.notes)


def test_control_a_counter_off_by_half_is_still_noted(tmp_path: Path) -> None:
    """Control: a counter at half the current's charge on steady intervals keeps its note."""
    times = [f"{10.0 * k:.3f}" for k in range(5)]
    q = [0.5 * 1.0 * 10 * k / 3600 for k in range(5)]
    m = read(_btlab(tmp_path / "half.txt", times, [1.0] * 5, q))
    assert any("capacity column counts 50%" in n for n in m.notes)


def test_headerless_eclab_table_with_clock_times(tmp_path: Path) -> None:
    # the EC-Lab columns without EC-Lab's header block (read as a delimited table), time/s as
    # MM/DD/YYYY hh:mm:ss.ffff, 50 ms apart
    cols = ["mode", "ox/red", "error", "time/s", "Ewe/V", "I/mA", "(Q-Qo)/mA.h"]
    rows = [
        f"1\t1\t0\t07/19/2024 16:53:{36.5 + 0.05 * k:07.4f}\t{3.1 + 0.01 * k:.2f}\t1.0\t"
        f"{0.05 * k / 3600:.9f}"
        for k in range(4)
    ]
    path = tmp_path / "cp.txt"
    path.write_text("\n".join(["\t".join(cols)] + rows) + "\n")
    m = read(path)
    np.testing.assert_allclose(m.data[TIME], [0.0, 0.05, 0.10, 0.15], atol=1e-9)
    assert any("holds dates and times" in n and "month/day/year" in n for n in m.notes)


def test_absolute_time_export_order_from_the_header(tmp_path: Path) -> None:
    # 2 January 23:59:50 -> 3 January 00:00:00 (10 s) read month first would be 1 February ->
    # 1 March (28 days and 10 s): the header's "Time format : Absolute DDMMYYYY" decides
    stamps = ["02/01/2024 23:59:50.000", "03/01/2024 00:00:00.000"]
    q = [0.0, 10 / 3600]
    args = (stamps, [1.0, 1.0], q)
    m = read(_btlab(tmp_path / "dmy.txt", *args, time_format="Absolute DDMMYYYY"))
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0])
    assert any("read as day/month/year" in n for n in m.notes)
    # no statement: the values decide (month first would step 28 days between two rows)
    m = read(_btlab(tmp_path / "mdy.txt", *args))
    np.testing.assert_allclose(m.data[TIME], [0.0, 10.0])
    assert any("read as day/month/year (assumed" in n for n in m.notes)


def test_ewe_ece_control_without_the_cell_column_is_said(tmp_path: Path) -> None:
    # Ewe and Ece recorded, their difference not exported: the cell voltage is formed
    rows, cell, _ = _gcpl_rows(ece=-0.95)
    m = read(_mpt(tmp_path / "gcpl.mpt", "Ewe-Ece", rows))
    np.testing.assert_allclose(m.data[VOLTAGE], cell, atol=1e-7)
    assert any("formed as 'Ewe/V' - 'Ece/V'" in n for n in m.notes)
    # neither the cell voltage nor Ece: Ewe, said so
    cols = [c for c in _COLS if c != "Ece/V"]
    rows = ["\t".join(r.split("\t")[:3] + r.split("\t")[4:]) for r in rows]
    m = read(_mpt(tmp_path / "gcpl2.mpt", "Ewe-Ece", rows, cols))
    assert any("records no cell voltage column" in n for n in m.notes)
