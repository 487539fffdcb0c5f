"""Real cycler and potentiostat exports, round 6 (session 20): defects their layouts exposed.

Each test writes a synthetic twin of a public file's layout (no file from the repositories is
copied; the numbers are made here):

* BaSyTec's result file as battery-data-alliance/battery-data-format's test file
  ``tests/data/basytec/sample_data_basytec.txt`` has it: ``~`` comment lines, then
  ``~Time[s]``, ``U[V]``, ``I[A]``, ..., ``Cyc-Count``, whose value is 0 on the test's first
  data set only (a rest) and 1 from the next one on. The counter was read as counting from 0
  and shifted, so the first cycle was numbered 2 in the tidy table and in the per-cycle
  results.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.analysis.metrics import galvanostatic_cycles

_BASYTEC_HEAD = [
    "~Resultfile from Basytec Battery Test System",
    "~Date and Time of Data Converting: 07.07.2023 10:55:58",
    "~",
    "~Name of Test: test",
    "~Testchannel: CH01",
    "~Start of Test: 19.06.2023 17:56:53",
    "~",
    "~Time[s]\tDataSet\tt-Step[s]\tLine\tCommand\tU[V]\tI[A]\tAh[Ah]\tT1[\u00b0C]\tCyc-Count\tState",
]


def _basytec(path: Path, counter_start: int, rest_current: float = 0.0) -> Path:
    """Two charge/discharge cycles at 0.45 A after a 60 s rest; ``Cyc-Count`` is
    ``counter_start`` on the first row only (BaSyTec: 0), the cycle's number after it."""
    rows: list[tuple[float, str, float, float, int]] = [(0.0, "Pause", 3.5, rest_current, 0)]
    rows[0] = (*rows[0][:4], counter_start)
    t = 1.0
    rows += [(t + k, "Pause", 3.5, rest_current, 1) for k in range(60)]
    t += 60.0
    for cycle in (1, 2):
        for k in range(120):
            rows.append((t, "Charge", 3.5 + 0.6 * k / 120, 0.45, cycle))
            t += 30.0
        for k in range(110):
            rows.append((t, "Discharge", 4.0 - 0.9 * k / 110, -0.45, cycle))
            t += 30.0
    charge = np.cumsum([0.0] + [r[3] * 30.0 / 3600.0 for r in rows[1:]])
    lines = [
        f"{r[0]:.6f}\t{i + 1}\t0\t3\t{r[1]}\t{r[2]:.5f}\t{r[3]:.5f}\t{q:.9f}\t25.4\t{r[4]}\t1"
        for i, (r, q) in enumerate(zip(rows, charge, strict=True))
    ]
    path.write_text("\n".join(_BASYTEC_HEAD + lines) + "\n", encoding="latin-1")
    return path


def test_basytec_cycle_counter_zero_on_the_first_rest_row_keeps_its_numbers(
    tmp_path: Path,
) -> None:
    m = sio.read(_basytec(tmp_path / "basytec.txt", counter_start=0))
    cycles = m.data["Cycle number"].to_numpy()
    # the instrument's numbers: 1 and 2 (the first row's 0 joins cycle 1), not 1, 2 and 3
    assert sorted(set(cycles.tolist())) == [1, 2]
    assert cycles[0] == 1 and cycles[-1] == 2
    assert any("0 on the first 1 row(s) only" in n for n in m.notes)
    # the per-cycle results are numbered as the instrument numbers its cycles
    table = galvanostatic_cycles(
        m.data["Time [s]"].to_numpy(),
        m.data["Voltage [V]"].to_numpy(),
        m.data["Current [A]"].to_numpy(),
        cycle_index=cycles,
    )
    assert list(table.index) == [1, 2]


@pytest.mark.parametrize("rest_current", [0.0, 0.2])
def test_a_counter_from_zero_is_still_shifted(tmp_path: Path, rest_current: float) -> None:
    # a cycle 0 that passes current (EC-Lab's, Maccor's first cycle), or a whole cycle 0: the
    # count is from 0 and every number moves up by one
    path = _basytec(tmp_path / "from0.txt", counter_start=0, rest_current=rest_current)
    text = path.read_text(encoding="latin-1").splitlines()
    body = [line.rsplit("\t", 2) for line in text[len(_BASYTEC_HEAD) :]]
    # the rest before the first cycle counted 0 as well (61 rows)
    body = [[b[0], "0" if i < 61 else b[1], b[2]] for i, b in enumerate(body)]
    path.write_text(
        "\n".join(_BASYTEC_HEAD + ["\t".join(b) for b in body]) + "\n", encoding="latin-1"
    )
    m = sio.read(path)
    cycles = m.data["Cycle number"].to_numpy()
    if rest_current:
        # the rows of cycle 0 carry current: a count from 0
        assert sorted(set(cycles.tolist())) == [1, 2, 3]
        assert any("counts cycles from 0" in n for n in m.notes)
    else:
        assert sorted(set(cycles.tolist())) == [1, 2]
