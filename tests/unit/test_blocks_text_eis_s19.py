"""Several spectra in one text file, with lines of text between the tables.

Layout: the Zurich Instruments MFLI sweeps that YAPPARI (nitad54448/yappari-5-1,
``files/Z_MFLI_datafile_example.txt``, CC-BY-NC-ND 4.0: layout only, every value here is
simulated) writes during a temperature run. Each spectrum is::

    Temp /K before measurement : 449.810
    measure started : 26/07/2023  18:33:58
    T34B descente
    temp /K  : 0.000
    frequency /Hz, Real Z /Ohm, Im Z /Ohm
    1.000000E+6<TAB>9.414706E+5<TAB>-7.383074E+4
    ...
    <blank>
    end of measure  : 26/07/2023  18:35:34
    Temp /K after measurement : 449.670 K
    ----------

The names row is separated by commas, the rows by tabs. The file was refused ("frequency
column 'frequency /Hz' holds a value that is not a number, 'end of measure : ...' in data
row 81"): the names row was not taken as an impedance names row (``Real Z``/``Im Z``), and a
table did not end at the text after its rows.
"""

from __future__ import annotations

import numpy as np
import pytest

from solidna.analysis.io import FREQUENCY, SPECTRUM, Z_IM, Z_RE, read
from solidna.analysis.io.impedance_text import detect_impedance_text

F_HZ = np.logspace(6, -1, 36)


def _arc(r_ohm: float, tau_s: float) -> np.ndarray:
    return r_ohm / (1 + 1j * 2 * np.pi * F_HZ * tau_s)


def _block(t_before: float, t_after: float, z: np.ndarray, start: str) -> list[str]:
    lines = [
        f"Temp /K before measurement : {t_before:.3f}",
        f"measure started : 26/07/2023  {start}",
        "T34B descente",
        "temp /K  : 0.000",
        "frequency /Hz, Real Z /Ohm, Im Z /Ohm ",
    ]
    lines += [f"{f:.6E}\t{zk.real:.6E}\t{zk.imag:.6E}" for f, zk in zip(F_HZ, z, strict=True)]
    lines += [
        "",
        "end of measure  : 26/07/2023  18:35:34",
        f"Temp /K after measurement : {t_after:.3f} K",
        "----------",
    ]
    return lines


def _write(path, spectra: list[np.ndarray]) -> None:
    lines: list[str] = []
    for k, z in enumerate(spectra):
        lines += _block(449.81 - k, 449.67 - k, z, f"18:3{2 * k + 3}:58")
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")


def test_mfli_temperature_run_reads_one_spectrum_per_table(tmp_path):
    """Three spectra, each of 36 points, read as spectra 1-3 with their own values."""
    spectra = [_arc(1.1e5 * (1 + 0.1 * k), 2e-6) for k in range(3)]
    path = tmp_path / "Z_MFLI_datafile.txt"
    _write(path, spectra)
    m = read(path)
    assert m.format == "eis-blocks"
    data = m.data
    assert sorted(data[SPECTRUM].unique()) == [1, 2, 3]
    for k, z in enumerate(spectra, start=1):
        one = data[data[SPECTRUM] == k]
        assert len(one) == F_HZ.size
        assert np.allclose(one[FREQUENCY].to_numpy(), F_HZ, rtol=1e-6)
        assert np.allclose(one[Z_RE].to_numpy(), z.real, rtol=1e-6)
        assert np.allclose(one[Z_IM].to_numpy(), z.imag, rtol=1e-6, atol=1e-9)
    text = " ".join(m.notes)
    assert "separated by commas, its rows by tabs" in text
    assert "'end of measure : 26/07/2023 18:35:34'" in text or "end of measure" in text
    between = m.metadata["text between tables"]
    assert len(between) == 3
    assert between[0][0].startswith("end of measure")
    assert any("Temp /K before measurement : 448.810" in line for line in between[0])


def test_repeated_names_of_a_time_series_are_not_impedance_blocks():
    """The wider names rule asks for a frequency and impedance names: a cycler's repeated
    ``Time, Voltage, Current`` rows are not taken for impedance tables."""
    names = "Time (s), Voltage (V), Current (A)"
    lines = [names, "0\t3.1\t0.1", "1\t3.2\t0.1", "end", names, "0\t3.0\t-0.1"]
    assert detect_impedance_text(lines, "\n".join(lines)) is None
    mfli = ["frequency /Hz, Real Z /Ohm, Im Z /Ohm ", "1e6\t1e5\t-7e4", "x", ""]
    assert detect_impedance_text(mfli * 2, "\n".join(mfli * 2)) == "eis-blocks"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_nova_blocks_with_one_delimiter_still_read(tmp_path, sep):
    """NOVA's layout (names and rows at one delimiter, nothing between) reads as before."""
    names = sep.join(["Index", "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)", "Z (Ω)", "-Phase (°)"])
    lines: list[str] = []
    for scan in range(2):
        z = _arc(50.0 + 10 * scan, 1e-4) + 5.0
        lines.append(names)
        for i, (f, zk) in enumerate(zip(F_HZ, z, strict=True), start=1):
            cells = [i, f, zk.real, -zk.imag, abs(zk), -np.degrees(np.angle(zk))]
            lines.append(sep.join(f"{c:.6g}" for c in cells))
    path = tmp_path / "nova.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = read(path)
    assert m.format == "eis-blocks"
    assert sorted(m.data[SPECTRUM].unique()) == [1, 2]
    assert "text between tables" not in m.metadata
    first = m.data[m.data[SPECTRUM] == 1]
    assert first[Z_RE].max() == pytest.approx(55.0, rel=1e-3)
