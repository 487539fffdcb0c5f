"""Follow-ups of points off the spectrum (pipeline) and EC-Lab stack-mode impedance.

Real files behind these tests (layouts only; every number here is simulated):

* m0l0t0ph/thesis, EC-Lab multisine PEIS ``.mpt`` exports (``LiCoO2_Korrosion_04_PEIS_C01``,
  ``Al_Struktur_01_Laden_IS_03_PEIS_C03``): a first point at 1 MHz off the spectrum made the
  pipeline's Kramers-Kronig check fail (6.5 % and 8.7 %) with a note blaming a non-linear or
  drifting cell; on the other 36-37 points it passes (0.3 %).
* m0l0t0ph/thesis, ``LiCoO2_Korrosion_04_PEIS.mpt``: an EC-Lab stack-mode PEIS (``Stack
  channel(s) : 1, 3``; ``Re(Zstack)``, ``-Im(Zstack)``, ``Re(Z1)`` ... ``<Estack>``), header only.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.io import FREQUENCY, Z_IM, Z_RE, read
from solidna.analysis.pipeline import analyze
from solidna.errors import DataFormatError

F_HZ = np.logspace(6, 0, 37)  # 1 MHz to 1 Hz, 6 points per decade
R0, R1, Q, N = 15.0, 50.0, 2e-5, 0.8


def _cell(r0: float = R0, r1: float = R1) -> np.ndarray:
    return r0 + r1 / (1 + r1 * Q * (2j * np.pi * F_HZ) ** N)


def _mpt(path, columns: list[str], values: list[np.ndarray], extra: list[str] = ()) -> None:
    """An EC-Lab PEIS text export (decimal comma) with the given columns."""
    header = [
        "EC-Lab ASCII FILE",
        f"Nb header lines : {10 + len(extra)}",
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        *extra,
        "Electrode surface area : 0,001 cm²",
        "",
        "Number of loops : 1",
        f"Loop 0 from point number 0 to {F_HZ.size - 1}",
        "\t".join(columns),
    ]
    rows = [
        "\t".join(f"{v[k]:.9g}".replace(".", ",") for v in values) for k in range(len(values[0]))
    ]
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")


def _peis(path, z: np.ndarray) -> None:
    t = 10.0 + np.arange(F_HZ.size)
    _mpt(
        path,
        ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "time/s", "cycle number"],
        [F_HZ, z.real, -z.imag, t, np.ones(F_HZ.size)],
    )


def _run(tmp_path, z: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    src = tmp_path / "glitch.mpt"
    _peis(src, z)
    out = tmp_path / "out"
    analyze([src], "eis", out, force=True)
    notes = json.loads((out / "summary.json").read_text(encoding="utf-8"))["notes"]
    return pd.read_csv(out / "tables" / "eis_fits.csv"), notes


def test_a_bad_first_point_is_left_out_and_named_not_blamed_on_the_cell(tmp_path):
    z = _cell()
    z[0] = complex(-0.28, -6.8)  # the first point at the frequency limit, off the spectrum
    table, notes = _run(tmp_path, z)
    text = " ".join(notes)
    assert bool(table["KK valid"].iloc[0])
    assert "non-linear, drifting or non-causal" not in text
    assert "1 of 37 points lies off the continuous spectrum (1e+06 Hz" in text
    assert "the left-out points alone break it" in text
    assert table["Points off the spectrum (left out)"].iloc[0] == 1
    # the fit and its Rs are the cell's: the point no longer drags R0 down
    assert table["Rs [Ohm]"].iloc[0] == pytest.approx(R0, rel=0.02)
    # the row stays in the tidy table
    data = pd.read_csv(tmp_path / "out" / "tables" / "glitch.data.csv")
    assert len(data) == 37 and data[Z_RE].iloc[0] == pytest.approx(-0.28)


def test_a_clean_spectrum_leaves_nothing_out(tmp_path):
    table, notes = _run(tmp_path, _cell())
    assert table["Points off the spectrum (left out)"].iloc[0] == 0
    assert not any("off the continuous spectrum" in n for n in notes)
    assert table["Rs [Ohm]"].iloc[0] == pytest.approx(R0, rel=1e-3)


def test_a_drift_is_still_blamed_on_the_cell(tmp_path):
    # R0 growing by 20 % during the sweep: on the spectrum, and a real KK violation
    z = _cell() + 0.2 * R0 * np.linspace(0.0, 1.0, F_HZ.size)
    table, notes = _run(tmp_path, z)
    assert table["Points off the spectrum (left out)"].iloc[0] == 0
    assert not bool(table["KK valid"].iloc[0])
    assert any("the cell may be non-linear or drifting" in n for n in notes)


STACK = ["Run on channel : 1 (SN 1)", "Stack channel(s) : 1, 3"]
STACK_COLUMNS = [
    "freq/Hz",
    "Re(Zstack)/Ohm",
    "-Im(Zstack)/Ohm",
    "Re(Z1)/Ohm",
    "-Im(Z1)/Ohm",
    "Re(Z2)/Ohm",
    "-Im(Z2)/Ohm",
    "time/s",
    "<Estack>/V",
    "<I>/mA",
    "<E1>/V",
    "<E2>/V",
    "cycle number",
]


def _stack(path) -> tuple[np.ndarray, np.ndarray]:
    z1, z2 = _cell(5.0, 20.0), _cell(7.0, 30.0)
    zs = z1 + z2
    ones = np.ones(F_HZ.size)
    _mpt(
        path,
        STACK_COLUMNS,
        [F_HZ, zs.real, -zs.imag, z1.real, -z1.imag, z2.real, -z2.imag]
        + [np.arange(F_HZ.size), 7.6 * ones, 0 * ones, 3.8 * ones, 3.8 * ones, ones],
        STACK,
    )
    return zs, z1


def test_stack_mode_reads_the_stack_impedance_and_names_the_cells(tmp_path):
    p = tmp_path / "stack.mpt"
    zs, z1 = _stack(p)
    m = read(p)
    assert m.kind == "impedance" and len(m.data) == F_HZ.size
    assert m.data[FREQUENCY].iloc[0] == pytest.approx(1e6)
    np.testing.assert_allclose(m.data[Z_RE], zs.real, rtol=1e-8)
    np.testing.assert_allclose(m.data[Z_IM], zs.imag, rtol=1e-8)
    note = next(n for n in m.notes if "stack-mode" in n)
    assert "'Re(Z1)/Ohm'" in note and "'Re(Z2)/Ohm'" in note
    assert "columns={'z_re': 'Re(Z1)/Ohm', '-z_im': '-Im(Z1)/Ohm'}" in note
    one = read(p, columns={"z_re": "Re(Z1)/Ohm", "-z_im": "-Im(Z1)/Ohm"})
    np.testing.assert_allclose(one.data[Z_RE], z1.real, rtol=1e-8)


def test_a_header_only_stack_file_says_no_data_rows(tmp_path):
    p = tmp_path / "empty.mpt"
    _mpt(p, STACK_COLUMNS, [np.array([]) for _ in STACK_COLUMNS], STACK)
    with pytest.raises(DataFormatError, match="no data rows"):
        read(p)
