"""Potentiostat exports met in public sources in round 4b (session 18), read as a user would.

Each file is a synthetic twin written by the test: the layout of the public source with values
computed here, so that the expected numbers are known exactly. No text of the sources is copied.

* ciuccislab/quasiGP, ``experimental_data/LFP/LFP_cycle30.csv`` (no licence file in the stored
  copy: layout only): ``Freq,Real,Imag,|Z|/Ohm,Phase(Z)/deg,Re(Y)/Ohm-1,...``, where ``Imag`` is
  |Z''| (never negative) and the phase is positive (inductive) at the 4 highest frequencies.
* Metrohm Autolab NOVA's CV text as ComPlat/chemotion-converter-app's ``File021_CV.txt`` has it
  (``test_files/ChemConverter/CV/Metrohm/NOVA-txt``; no licence file in the stored copy: layout
  only): ``...;Scan;Index;Q+;Q-;Current range;Overload``, decimal commas, ``Current overload`` in
  the last column of a row where the current ran past its range.

The tests of the fixes fail on the code before this session (``PYTHONPATH=/tmp/s18/head2/src``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import solidna.analysis.io as sio
from solidna.errors import DataFormatError

# -- an impedance table whose Z_im column is |Z''| -------------------------------------------


def _z_series_rl_rc(f: np.ndarray) -> np.ndarray:
    """R0 + j w L + R1 / (1 + j w R1 C1): inductive at the highest frequencies [Ohm]."""
    w = 2 * np.pi * f
    return 3.0 + 1j * w * 1.5e-7 + 10.0 / (1 + 1j * w * 10.0 * 2e-5)


def _write_quasigp_twin(path: Path) -> np.ndarray:
    f = np.logspace(np.log10(8.7e5), 0, 60)
    z = _z_series_rl_rc(f)
    y = 1 / z
    lines = ["Freq,Real,Imag,|Z|/Ohm,Phase(Z)/deg,Re(Y)/Ohm-1,Im(Y)/Ohm-1,|Y|/Ohm-1,Phase(Y)/deg"]
    for fk, zk, yk in zip(f, z, y, strict=True):
        cells = [fk, zk.real, abs(zk.imag), abs(zk), np.degrees(np.angle(zk))]
        cells += [yk.real, yk.imag, abs(yk), np.degrees(np.angle(yk))]
        lines.append(",".join(f"{c:.6E}" for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return z


def test_z_im_column_holding_modulus_of_z_im_is_named_and_polar_pair_offered(
    tmp_path: Path,
) -> None:
    """An ``Imag`` column that is |Z''| (never negative) beside a phase of both signs was said to
    hold -Z'', and the mapping offered first (``-z_im=Imag``) turned the inductive points
    capacitive. The message now says the column holds |Z''| and offers only |Z|/phase."""
    path = tmp_path / "LFP_cycle30.csv"
    z = _write_quasigp_twin(path)
    assert (z.imag > 0).sum() >= 3  # the twin has inductive points, as the source does
    with pytest.raises(DataFormatError) as info:
        sio.read(path)
    text = str(info.value)
    assert "holds |Z''|" in text
    assert f"positive at {(z.imag > 0).sum()} and negative at {(z.imag < 0).sum()}" in text
    assert "-z_im=Imag" not in text and "z_re=Real" not in text
    assert "--column '|z|=|Z|/Ohm' --column 'phase=Phase(Z)/deg'" in text


def test_polar_pair_mapped_on_a_modulus_z_im_column_keeps_inductive_points(
    tmp_path: Path,
) -> None:
    """The mapping the message offers reads Z with the inductive points' sign (noted)."""
    path = tmp_path / "LFP_cycle30.csv"
    z = _write_quasigp_twin(path)
    m = sio.read(path, columns={"|z|": "|Z|/Ohm", "phase": "Phase(Z)/deg"})
    assert np.allclose(m.data[sio.Z_IM].to_numpy(), z.imag, rtol=1e-5, atol=1e-9)
    assert any("holds |Z''|" in n for n in m.notes)


def test_z_im_of_one_sign_with_phase_of_one_sign_still_reads(tmp_path: Path) -> None:
    """A capacitive spectrum whose Imag is -Z'' (all positive, phase all negative) is not
    mistaken for |Z''|: the columns agree once the sign is flipped, so it is read."""
    f = np.logspace(5, 0, 30)
    w = 2 * np.pi * f
    z = 3.0 + 10.0 / (1 + 1j * w * 10.0 * 2e-5)
    lines = ["Freq,Real,-Imag,|Z|/Ohm,Phase(Z)/deg"]
    lines += [
        f"{fk:.6E},{zk.real:.6E},{-zk.imag:.6E},{abs(zk):.6E},{np.degrees(np.angle(zk)):.6E}"
        for fk, zk in zip(f, z, strict=True)
    ]
    path = tmp_path / "rc.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = sio.read(path)
    assert np.allclose(m.data[sio.Z_IM].to_numpy(), z.imag, rtol=1e-5)
    assert not any("|Z''|" in n for n in m.notes)


# -- NOVA rows flagged "Current overload" ------------------------------------------------------


def _write_nova_cv(path: Path, flagged: set[int]) -> None:
    head = (
        "Potential applied (V);Time (s);WE(1).Current (A);WE(1).Potential (V);Scan;Index;Q+;Q-;"
        "Current range;Overload"
    )
    rows = []
    potentials = [0.5 + 0.01 * j for j in range(30)] + [0.8 - 0.01 * j for j in range(30)]
    for k, e in enumerate(potentials, start=1):
        over = k in flagged
        current = 1e-5 if over else 1e-7 * (e - 0.6)
        cells = [f"{e:.6f}", f"{6.4 + 0.01 * k:.5f}", f"{current:.6E}", f"{e + 1e-3:.6f}"]
        cells += ["1", str(k), "3,3E-05", "-2,2E-05"]
        cells = [c.replace(".", ",") for c in cells]
        cells += ["1 µA" if over else "100 nA", "Current overload" if over else ""]
        rows.append(";".join(cells))
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")


def test_nova_current_overload_rows_are_left_out_and_reported(tmp_path: Path) -> None:
    """NOVA's 'Current overload' rows were read as measured current (1e-5 A on a 100 nA-scale
    sweep) without a word; they are now left out, and the note gives their count and time."""
    path = tmp_path / "File021_CV.txt"
    _write_nova_cv(path, flagged={1, 2})
    m = sio.read(path)
    assert len(m.data) == 58
    assert m.data["Current [A]"].abs().max() < 1e-7
    assert m.data["Time [s]"].iloc[0] == pytest.approx(6.43)
    note = next(n for n in m.notes if "overload" in n)
    assert "2 of 60 rows" in note and "'Current overload'" in note
    assert "6.41 to 6.42 s" in note and "left out" in note


def test_nova_every_row_overloaded_is_refused(tmp_path: Path) -> None:
    """A record overloaded throughout has no current to read: refused, saying what to do."""
    path = tmp_path / "all_over.txt"
    _write_nova_cv(path, flagged=set(range(1, 61)))
    with pytest.raises(DataFormatError, match=r"60 of 60 rows .*larger current range"):
        sio.read(path)


def test_nova_without_overload_rows_has_no_overload_note(tmp_path: Path) -> None:
    path = tmp_path / "clean.txt"
    _write_nova_cv(path, flagged=set())
    m = sio.read(path)
    assert len(m.data) == 60
    assert not any("overload" in n for n in m.notes)


# -- BioLogic EC-Lab text: layouts of cheminfo/biologic-converter and rstol/eightinks-experimental


def _mpt(path: Path, technique: str, settings: list[str], names: list[str], rows: list) -> Path:
    """An EC-Lab text export: magic, 'Nb header lines', the technique, its settings, then the
    tab-separated names line (with EC-Lab's trailing tab) and the rows."""
    head = ["EC-Lab ASCII FILE", "Nb header lines : {n}", "", technique, "", *settings, ""]
    head[1] = head[1].format(n=len(head) + 1)
    lines = [*head, "\t".join(names) + "\t"]
    lines += ["\t".join(f"{v:.7E}" if isinstance(v, float) else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def test_unwritten_we_potential_zeros_are_not_read_as_0_v(tmp_path: Path) -> None:
    """Chronopotentiometry at -100 mA with 'Record Ece' (cheminfo/biologic-converter, MIT,
    ``src/mpt/__tests__/data/cp.mpt``): '<Ewe>/V' reads -3.45 V for 4 rows, then exactly 0
    while '<Ece>/V' and 'Ewe-Ece/V' go on. The zeros were read as the potential, and the jump
    to 0 V at a negative current turned the current's sign (+0.1 A instead of the -0.1 A the
    header's 'Is -100.000 mA' states). Ewe is now (Ewe-Ece) + Ece there, and the sign kept."""
    names = ["mode", "ox/red", "Ns", "time/s", "<Ewe>/V", "I/mA", "(Q-Qo)/C", "<Ece>/V"]
    names += ["cycle number", "Ewe-Ece/V"]
    rows = []
    for k in range(60):
        ece = 5.2 + 1e-4 * k
        we = -3.45 + 2e-4 * k
        written = we if k < 4 else 0.0
        rows.append([1, 0, 0, 328.0 + k, written, -99.9, -0.0999 * k, ece, 0.0, we - ece])
    settings = ["Record Ece", "Is                  -100.000            ", "unit Is             mA"]
    path = _mpt(tmp_path / "cp.mpt", "Chronopotentiometry", settings, names, rows)
    m = sio.read(path)
    v = m.data["Voltage [V]"].to_numpy()
    assert np.allclose(v, [-3.45 + 2e-4 * k for k in range(60)], atol=1e-6)
    assert (m.data["Current [A]"] < 0).all()
    assert m.data["Capacity [A.h]"].iloc[-1] == pytest.approx(-0.0999 * 59 / 3600, rel=1e-6)
    assert any("56 of 60 rows write '<Ewe>/V' as exactly 0 V" in n for n in m.notes)


def test_we_potential_at_zero_without_the_identity_is_kept(tmp_path: Path) -> None:
    """Zeros are replaced only where the file proves Ewe = (Ewe-Ece) + Ece on its other rows:
    a record whose columns do not add up keeps its values."""
    names = ["mode", "ox/red", "Ns", "time/s", "<Ewe>/V", "I/mA", "<Ece>/V", "Ewe-Ece/V"]
    rows = [[1, 0, 0, float(k), 0.0 if k % 2 else 0.5, -1.0, 1.0, -3.0] for k in range(20)]
    path = _mpt(tmp_path / "odd.mpt", "Chronopotentiometry", ["Record Ece"], names, rows)
    m = sio.read(path)
    assert (m.data["Voltage [V]"].to_numpy()[1::2] == 0).all()
    assert not any("exactly 0 V" in n for n in m.notes)


def test_chronoamperometry_transient_does_not_discard_the_counted_charge(tmp_path: Path) -> None:
    """Chronoamperometry sampled every 60 s (cheminfo/biologic-converter, MIT,
    ``src/mpt/__tests__/data/ca.mpt``): the first sample, 18.6 uA, decays to 0.03 uA by the
    next; the trapezoid over that minute made the current's integral 16x EC-Lab's own
    '(Q-Qo)/C' (counted every 0.1 s), so the file's charge was thrown away and the capacity
    integrated from the sparse samples (5.7e-4 C instead of 3.7e-5 C)."""
    names = ["mode", "ox/red", "Ns", "time/s", "Ewe/V", "I/mA", "(Q-Qo)/C", "cycle number"]
    t = [108874.2 + 60.0 * k for k in range(20)]
    i_ma = [1.86e-2] + [2.9e-5 * (1 - 0.03 * k) for k in range(1, 20)]
    q = [0.0, 2.45e-5]
    for k in range(2, 20):
        q.append(q[-1] + 0.5 * (i_ma[k] + i_ma[k - 1]) * 1e-3 * 60.0)
    rows = [[2, 1, 0, t[k], 0.2986, i_ma[k], q[k], 0.0] for k in range(20)]
    path = _mpt(tmp_path / "ca.mpt", "Chronoamperometry / Chronocoulometry", [], names, rows)
    m = sio.read(path)
    assert m.data["Capacity [A.h]"].iloc[-1] * 3600 == pytest.approx(q[-1], rel=1e-6)
    assert not any("does not follow the current" in n for n in m.notes)


def test_eclab_export_of_some_columns_names_the_export_to_make(tmp_path: Path) -> None:
    """EC-Lab's 'Export as Text' of two ticked columns (rstol/eightinks-experimental,
    ``Biologic/Parsing/mpr_to_txt/TestData/S0013_E0001/S0013_E0001_1_C06_0.txt``: 'Ewe/V',
    'Capacity/mA.h' and a trailing tab, no magic line): refused, now naming EC-Lab and the
    columns to tick or the file to read instead."""
    path = tmp_path / "S0013_E0001_1_C06_0.txt"
    lines = ["Ewe/V\tCapacity/mA.h\t"]
    lines += [f"{2.32 + 0.003 * k:.7E}\t{0.0:.15E}" for k in range(30)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    with pytest.raises(DataFormatError) as info:
        sio.read(path)
    text = str(info.value)
    assert "EC-Lab" in text and "time/s" in text and ".mpr" in text


def test_eclab_ox_red_keeps_a_cathodic_current_whose_potential_creeps_up(tmp_path: Path) -> None:
    """A cathodic chronopotentiometry (I = -99.9 mA, 'ox/red' 0 on every row) whose potential
    creeps up by 20 mV (as cheminfo/biologic-converter's ``cp.mpt`` does, -3.449 to -3.431 V)
    was taken for a discharge counted positive and its current turned to +0.1 A. EC-Lab states
    the direction in 'ox/red'; where it agrees with the current's sign the sign is kept."""
    names = ["mode", "ox/red", "Ns", "time/s", "Ewe/V", "I/mA", "(Q-Qo)/C", "cycle number"]
    rows = [[1, 0, 0, float(k), -3.45 + 2e-4 * k, -99.9, -0.0999 * k, 0.0] for k in range(100)]
    path = _mpt(tmp_path / "cp_up.mpt", "Chronopotentiometry", [], names, rows)
    m = sio.read(path)
    assert np.allclose(m.data["Current [A]"].to_numpy(), -0.0999)
    assert m.data["Capacity [A.h]"].iloc[-1] < 0
    assert not any("positive on discharge" in n for n in m.notes)


def test_eclab_current_against_its_ox_red_is_still_checked(tmp_path: Path) -> None:
    """The 'ox/red' statement is used only where it agrees with the current: a column that
    contradicts it decides nothing, and the usual checks run (here: no change of sign)."""
    names = ["mode", "ox/red", "Ns", "time/s", "Ewe/V", "I/mA", "cycle number"]
    rows = [[1, 1, 0, float(k), 3.0 + 0.01 * k, 1.0, 0.0] for k in range(50)]
    rows += [[1, 1, 1, float(50 + k), 3.5 - 0.01 * k, -1.0, 0.0] for k in range(50)]
    path = _mpt(tmp_path / "mixed.mpt", "Galvanostatic Cycling", [], names, rows)
    m = sio.read(path)
    assert m.data["Current [A]"].iloc[0] == pytest.approx(1e-3)
    assert m.data["Current [A]"].iloc[-1] == pytest.approx(-1e-3)


def test_eclab_export_without_header_after_a_blank_line(tmp_path: Path) -> None:
    """An EC-Lab text export saved without its header that starts with a blank line, then the
    column line (cheminfo/biologic-converter, MIT, ``src/mpt/__tests__/data/noHeader.mpt``,
    chronoamperometry at -0.4 V) was refused as 'delimited text' under an .mpt name; it is
    read as EC-Lab text."""
    names = ["mode", "ox/red", "error", "Ns", "time/s", "control/V", "Ewe/V", "I/mA"]
    names += ["(Q-Qo)/C", "Efficiency/%", "cycle number"]
    # the first 10 samples' current [mA] and charge [C] as the source has them
    i_ma = [-4.097, -0.03389, -0.01167, -0.01113, -0.003669, -0.008563, 4.68e-5, -0.005025]
    i_ma += [-0.001781, -0.004891]
    charge = [0.0, -1.2951e-4, -1.4884e-4, -1.6161e-4, -1.6764e-4, -1.7497e-4, -1.7797e-4]
    charge += [-1.8339e-4, -1.8508e-4, -1.8955e-4]
    rows = []
    for k, i in enumerate(i_ma):
        eff = "INF" if k == 5 else "0.0000000E+000"
        rows.append([2, int(i > 0), 0, 0, 0.0508 + k, -0.4, -0.3997, i, charge[k], eff, 0.0])
    lines = ["", "\t".join(names) + "\t"]
    lines += ["\t".join(f"{v:.7E}" if isinstance(v, float) else str(v) for v in r) for r in rows]
    path = tmp_path / "noHeader.mpt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    m = sio.read(path)
    assert m.format == "biologic-mpt"
    assert len(m.data) == len(i_ma)
    assert m.data["Current [A]"].iloc[0] == pytest.approx(-4.097e-3)
    assert m.data["Time [s]"].iloc[-1] == pytest.approx(9.0508)
