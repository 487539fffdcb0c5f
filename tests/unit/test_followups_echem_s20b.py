"""Follow-ups from real cycler/potentiostat exports: a bipotentiostat's two currents, a
capacity column named by its unit word with a unit beside it, and EC-Lab's .mgr companion.

Every file here is a synthetic twin written by the test, shaped like the public exports
(CH Instruments RRDE CV text, BaSyTec's text export, EC-Lab's XML configuration).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from solidna.analysis import io
from solidna.errors import DataFormatError

_CHI_HEADER = """Mar. 10, 2019   12:09:40
Cyclic Voltammetry
File:
Data Source:  Experiment
Instrument Model:  CHI760E
Header:
Note:

Init E (V) = 0.2
High E (V) = 0.2
Low E (V) = -0.8
Init P/N = N
Scan Rate (V/s) = 0.01
Segment = 2
Sample Interval (V) = 0.001
Quiet Time (sec) = 2
Sensitivity (A/V) = 0.001
2nd E (V) = 0.6
Sens 2 (A/V) = 1e-4

Potential/V, i1/A, i2/A

"""


def _rrde_twin(tmp_path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    e = np.round(np.r_[np.arange(0.2, -0.8, -0.001), np.arange(-0.8, 0.2001, 0.001)], 3)
    disk = -1e-3 / (1.0 + np.exp((e + 0.15) / 0.03))
    ring = 1e-5 + 0.02 * np.abs(disk)
    rows = "\n".join(f"{a:.3f}, {b:.4e}, {c:.4e}" for a, b, c in zip(e, disk, ring, strict=True))
    path = tmp_path / "cv_orr_twin.txt"
    path.write_text(_CHI_HEADER + rows + "\n", encoding="utf-8")
    return path, disk, ring


def test_bipotentiostat_reads_working_electrode_1(tmp_path: Path) -> None:
    path, disk, _ = _rrde_twin(tmp_path)
    m = io.read(path)
    np.testing.assert_allclose(m.data["Current [A]"].abs(), np.abs(disk), rtol=1e-3)
    # 0.001 V steps at 0.01 V/s: 0.1 s apart
    assert m.data["Time [s]"].iloc[1] == pytest.approx(0.1)
    note = " ".join(m.notes)
    assert "'i2/A' is set aside" in note
    assert "columns={'current': 'i2/A'}" in note


def test_bipotentiostat_second_current_by_mapping(tmp_path: Path) -> None:
    path, _, ring = _rrde_twin(tmp_path)
    m = io.read(path, columns={"current": "i2/A"})
    np.testing.assert_allclose(m.data["Current [A]"].abs(), ring, rtol=1e-3)
    assert not any("set aside" in n for n in m.notes)


def test_capacity_named_by_unit_word_with_unit(tmp_path: Path) -> None:
    # BaSyTec writes the net charge as "Ah[Ah]"; its value must be read, not integrated
    t = np.array([0.0, 60.0, 61.0, 70.0])
    i = np.array([0.0, 0.0, 0.45, 0.45])
    ah = np.array([0.0, 0.0, 1.3e-4, 1.26e-3])  # deliberately not the current's integral
    lines = [
        "~Resultfile from Basytec Battery Test System",
        "~Name of Test: twin",
        "~",
        "~Time[s]\tU[V]\tI[A]\tAh[Ah]\tCyc-Count",
    ]
    lines += [f"{a}\t3.5\t{b}\t{c}\t1" for a, b, c in zip(t, i, ah, strict=True)]
    path = tmp_path / "basytec_twin.txt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    m = io.read(path)
    np.testing.assert_allclose(m.data["Capacity [A.h]"], ah, rtol=1e-9, atol=1e-12)


def test_eclab_mgr_refused_as_companion(tmp_path: Path) -> None:
    path = tmp_path / "run_02_MB_C04.mgr"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Configuration>\n'
        '\t<Configuration Num="1" Version="1">\n'
        '\t\t<Info Soft="EC-Lab" Version="1152" YYYY="2023" MM="8" DD="24"/>\n'
        '\t\t<Windows Num="1">\n\t\t</Windows>\n\t</Configuration>\n</Configuration>\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match=r"\.mgr.*no measured data.*\.mpt"):
        io.read(path)
