"""Cycler exports with Chinese column names (Landt/LANHE, Neware BTS in Chinese), in UTF-8 and in
GB18030, the code page of Chinese Windows that LANDdt and BTSDA write.

Each test writes a known galvanostatic record (a rest sample, then two cycles of 1 h at
+-0.5 mA sampled every 10 s; the current unsigned beside a step-type column, as these exports
write it) and reads back its time,
current sign and capacities. Before, none of the columns was recognised, and a GB18030 file's
names were unreadable.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.analysis.metrics import galvanostatic_cycles

DT_S, HALF_S, I_MA = 10.0, 3600.0, 0.5


def _record() -> list[tuple[float, int, int, str, float, float, float]]:
    """(time [s], cycle, step, step type, voltage [V], |current| [mA], step capacity [mAh]):
    a rest sample (搁置), then each half cycle sampled every 10 s from 10 s after its start."""
    rows, t, step = [(0.0, 1, 1, "搁置", 3.0, 0.0, 0.0)], 0.0, 1
    for cycle in (1, 2):
        for kind, sign in (("恒流充电", 1), ("恒流放电", -1)):
            step += 1
            for k in range(1, int(HALF_S / DT_S) + 1):
                tau = k * DT_S
                v = 3.0 + sign * 0.2 * tau / HALF_S
                rows.append((t + tau, cycle, step, kind, v, I_MA, I_MA * tau / 3600))
            t += HALF_S
    return rows


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}.000"


def _landt(path: Path, encoding: str) -> Path:
    lines = ["测试时间/Sec,循环序号,状态,电压/V,电流/mA,容量/mAh"] + [
        f"{t:g},{c},{kind},{v:.5f},{i:g},{q:.6f}" for t, c, _, kind, v, i, q in _record()
    ]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _neware(path: Path, encoding: str) -> Path:
    lines = ["记录序号,循环号,工步号,工步类型,总时间,电流(mA),电压(V),容量(mAh)"] + [
        f"{k + 1},{c},{s},{kind},{_hms(t)},{i:g},{v:.5f},{q:.6f}"
        for k, (t, c, s, kind, v, i, q) in enumerate(_record())
    ]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("write", [_landt, _neware], ids=["landt", "neware"])
def test_chinese_export_round_trip(tmp_path: Path, encoding: str, write) -> None:
    path = write(tmp_path / "run.csv", encoding)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every column has its unit: nothing assumed
        m = sio.read(path)
    d = m.data
    rec = _record()
    np.testing.assert_allclose(d["Time [s]"], [r[0] for r in rec])
    signs = [{"恒流充电": 1, "恒流放电": -1, "搁置": 0}[r[3]] for r in rec]
    np.testing.assert_allclose(d["Current [A]"], np.array(signs) * I_MA * 1e-3)
    assert d["Cycle number"].tolist() == [r[1] for r in rec]
    table = galvanostatic_cycles(d["Time [s]"], d["Voltage [V]"], d["Current [A]"])
    assert len(table) == 2
    # 0.5 mA for 1 h: 0.5 mAh each way
    np.testing.assert_allclose(table["Charge capacity [A.h]"], 0.5e-3, rtol=1e-9)
    np.testing.assert_allclose(table["Discharge capacity [A.h]"], 0.5e-3, rtol=1e-9)
    assert any("step types of" in n for n in m.notes)  # signed from 恒流充电 / 恒流放电
    assert any("GB18030" in n for n in m.notes) == (encoding == "gb18030")


def test_western_code_page_is_not_taken_for_chinese(tmp_path: Path) -> None:
    # Windows-1252 bytes (µ = 0xB5) also decode as GB18030, into other characters: only the
    # column names of a Chinese export decide for it
    path = tmp_path / "west.csv"
    text = "Time [s],Voltage [V],Current [µA]\n" + "".join(
        f"{k},{3.0 + 0.01 * k:.2f},50\n" for k in range(10)
    )
    path.write_bytes(text.encode("cp1252"))
    m = sio.read(path)
    np.testing.assert_allclose(m.data["Current [A]"], 50e-6)
    assert not any("GB18030" in n for n in m.notes)


def test_landt_english_names_with_hyphens_and_sec(tmp_path: Path) -> None:
    path = tmp_path / "landt_en.csv"
    lines = ["TestTime/Sec,Cycle-Index,Step-Index,Voltage/V,Current/mA"] + [
        f"{t:g},{c},{s},{v:.5f},{(-1 if kind == '恒流放电' else 1) * i:g}"
        for t, c, s, kind, v, i, _ in _record()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert m.data["Time [s]"].iloc[-1] == pytest.approx(_record()[-1][0])
    assert m.data["Cycle number"].max() == 2 and m.data["Step"].max() == 5


@pytest.mark.parametrize("unit", ["?A", "\ufffdA"])
def test_a_unit_with_a_lost_character_is_refused(tmp_path: Path, unit: str) -> None:
    # "?A": a µ an ASCII export could not encode; "\ufffdA": one a decoder could not read.
    # pint skips the character, so the current was read in A, a million times too large.
    from solidna.errors import DataFormatError

    path = tmp_path / "lost.csv"
    text = f"Time [s],Voltage [V],Current [{unit}]\n" + "".join(
        f"{k},{3.0 + 0.01 * k:.2f},50\n" for k in range(10)
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match="no unit has"):
        sio.read(path)
