"""Impedance readers on a sixth round of files from other projects (the unseen-file review).

Each test builds a small synthetic file with the structure of a public export (the public files
are not copied here): a RelaxIS "Spectrum export" (names written ``Data: Frequency``,
``Data: Z'`` ... and a line of spectrum parameters above each spectrum's rows, hybrid-drt's
LPSCl tutorial file), and a Zahner Thales script's ``Frequency;Impedance;Phase`` table written
with matplotlib's EngFormatter (``727.384m``, ``1.461k``: an SI prefix after the number).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.ticker import EngFormatter

from solidna.analysis import io as sio
from solidna.analysis.pipeline import analyze
from solidna.errors import DataFormatError

F = np.logspace(6, -1, 36)
Z = 30 + 900 / (1 + (1j * 2 * np.pi * F * 1e-4) ** 0.9)  # R0 + R1 || CPE1


def _relaxis(path, spectra=((F, Z),)):
    """A RelaxIS 3.0 spectrum export: header, ``Data:`` names, per spectrum a parameter line."""
    lines = [
        "RelaxIS 3.0 Spectrum export",
        "Date: 12/16/2025 2:29:15 PM",
        "Data: Frequency\tData: Z'\tData: Z''\tData: |Z|\tData: Theta (Z)",
    ]
    for k, (f, z) in enumerate(spectra, start=1):
        lines.append(
            f"DC=-0.08, TM=33.7, J=-5E-6, FV2=1\tModel: Unassigned Spectra\t(WE/RE Spectrum) "
            f"run_C01.mpr_{k}\t\t"
        )
        lines += [
            "\t".join(repr(float(v)) for v in (a, b.real, b.imag, abs(b), np.angle(b, deg=True)))
            for a, b in zip(f[::-1], z[::-1], strict=True)  # RelaxIS: ascending frequency
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_relaxis_export_is_read_with_its_sign_and_a_note_on_units(tmp_path):
    # the parameter line under the names was taken for the header: "none of its columns is
    # recognised (columns found: 'DC=-0.080042, TM=33.741076, ...')"
    m = sio.read(_relaxis(tmp_path / "PEIS_RelaxIS.txt"))
    assert m.format == "relaxis-eis" and m.kind == "impedance"
    d = m.data.sort_values("Frequency [Hz]", ascending=False)
    np.testing.assert_allclose(d["Frequency [Hz]"], F)
    np.testing.assert_allclose(d["Z_re [Ohm]"] + 1j * d["Z_im [Ohm]"], Z)
    assert (d["Z_im [Ohm]"] < 0).all()  # Z'' is Im(Z): negative on the capacitive arc
    assert any("RelaxIS" in n and "Ohm" in n for n in m.notes)
    assert m.metadata["spectrum parameters"][0].startswith("DC=-0.08")


def test_relaxis_export_of_two_spectra_gives_two(tmp_path):
    z2 = 30 + 450 / (1 + (1j * 2 * np.pi * F * 1e-4) ** 0.9)
    m = sio.read(_relaxis(tmp_path / "two.txt", ((F, Z), (F, z2))))
    assert sorted(m.data["Spectrum"].unique()) == [1, 2]
    second = m.data[m.data["Spectrum"] == 2].sort_values("Frequency [Hz]", ascending=False)
    np.testing.assert_allclose(second["Z_re [Ohm]"] + 1j * second["Z_im [Ohm]"], z2)


def test_relaxis_export_of_modulus_and_phase_only(tmp_path):
    # an export of the columns Frequency, |Z| and Theta (Z) only
    lines = ["RelaxIS 3.0 Spectrum export", "Date: 1/2/2025 9:00:00 AM"]
    lines.append("Data: Frequency\tData: |Z|\tData: Theta (Z)")
    lines.append("DC=0, TM=25\tModel: Unassigned Spectra\t(WE/RE Spectrum) x.mpr_1\t\t")
    lines += [
        "\t".join(repr(float(v)) for v in (a, abs(b), np.degrees(np.angle(b))))
        for a, b in zip(F, Z, strict=True)
    ]
    path = tmp_path / "polar.txt"
    path.write_text("\n".join(lines) + "\n")
    m = sio.read(path)
    d = m.data.sort_values("Frequency [Hz]", ascending=False)
    np.testing.assert_allclose(d["Z_re [Ohm]"] + 1j * d["Z_im [Ohm]"], Z, rtol=1e-9)


def test_relaxis_export_round_trip_recovers_the_circuit(tmp_path):
    path = _relaxis(tmp_path / "rt.txt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = analyze([path], "eis", tmp_path / "out", write_data=False)["results"]["files"]
    assert (files[path.name]["Rs [Ohm]"], files[path.name]["Rct [Ohm]"]) == pytest.approx(
        (30, 900), rel=1e-3
    )


def _engineering(path):
    """Zahner Thales-Remote's EIS.csv: ``Frequency;Impedance;Phase`` in engineering notation."""
    f = np.logspace(1, 5.7, 25)
    z = 0.05 + 1 / (1j * 2 * np.pi * f * 2.2e-3) + 1j * 2 * np.pi * f * 2e-8
    fmt = EngFormatter(places=3, sep="")
    rows = [
        f"{fmt.format_data(a)};{fmt.format_data(abs(b))};{fmt.format_data(np.angle(b, deg=True))}"
        for a, b in zip(f, z, strict=True)
    ]
    path.write_text("Frequency;Impedance;Phase\n" + "\n".join(rows) + "\n")
    return path, f, z


def test_engineering_notation_is_read_with_its_prefixes(tmp_path):
    # "727.384m" and "1.461k" were taken for units: "|z| column 'Impedance' mixes units within
    # the column ('m' and none)", and 'Impedance' was no name of |Z|
    path, f, z = _engineering(tmp_path / "EIS.csv")
    assert "m;" in path.read_text() and "k;" in path.read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Hz and Ohm assumed (no units in the header)
        m = sio.read(path)
    d = m.data
    np.testing.assert_allclose(d["Frequency [Hz]"], f, rtol=1e-3)
    np.testing.assert_allclose(d["Z_re [Ohm]"] + 1j * d["Z_im [Ohm]"], z, rtol=2e-3, atol=2e-4)
    assert any("engineering notation" in n for n in m.notes)


def test_control_a_unit_in_every_cell_is_still_a_unit(tmp_path):
    # control: one suffix in every cell ("3.2 V") is the column's unit, not a prefix
    path = tmp_path / "v.csv"
    path.write_text("time,voltage,current\n0 s,3.2 V,1 mA\n1 s,3.3 V,1 mA\n2 s,3.4 V,1 mA\n")
    m = sio.read(path)
    np.testing.assert_allclose(m.data["Voltage [V]"], [3.2, 3.3, 3.4])
    np.testing.assert_allclose(m.data["Current [A]"], [1e-3] * 3)


def test_control_mixed_units_are_still_refused(tmp_path):
    # control: two real units in one column stay an error (not read as prefixes)
    path = tmp_path / "mixed.csv"
    path.write_text("time,voltage,current\n0 s,3.2 V,1 mA\n1 s,3300 mV,1 mA\n2 s,3.4 V,1 mA\n")
    with pytest.raises(DataFormatError, match="mixes units"):
        sio.read(path)


# --------------------------------------------------------------------------------------------
# DRT of a spectrum without a DC limit (hybrid-drt's LPSCl pellet between blocking electrodes)
# --------------------------------------------------------------------------------------------
FB = np.logspace(5, -2, 71)


def test_drt_of_a_blocking_electrode_fits_a_series_capacitance():
    # R_inf + R || CPE + C: the capacitive end was represented by one huge peak beyond the range
    # (R_pol 7.9e6 Ohm for a 100 Ohm arc); the LPSCl file gave R_pol = 5.4e7 Ohm, 98 % of it
    # from a peak at 0.01 Hz outside the sweep
    from solidna.analysis.drt import fit_drt

    z = 10 + 100 / (1 + (2j * np.pi * FB * 1e-4) ** 0.95) + 1 / (2j * np.pi * FB * 1e-5)
    r = fit_drt(FB, z, n_boot=0)
    assert r.R_inf == pytest.approx(10, rel=2e-3)
    assert r.R_pol == pytest.approx(100, rel=2e-3)
    assert getattr(r, "C_series", None) == pytest.approx(1e-5, rel=1e-3)
    assert any("series capacitance" in n for n in r.notes)


def test_control_drt_of_a_closing_spectrum_fits_no_capacitance():
    from solidna.analysis.drt import fit_drt

    z = 10 + 100 / (1 + 2j * np.pi * FB * 1e-3) + 50 / (1 + (2j * np.pi * FB * 1e-1) ** 0.9)
    r = fit_drt(FB, z, n_boot=0)
    assert getattr(r, "C_series", None) is None
    assert r.R_pol == pytest.approx(150, rel=2e-3)
    assert not any("series capacitance" in n for n in r.notes)
