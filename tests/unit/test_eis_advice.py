"""A poor circuit fit names the circuit the spectrum's own shape asks for: a series CPE where it
ends capacitive (a blocking electrode), an inductor where its highest frequencies are inductive.
The advice listed only two arcs or a diffusion tail, whatever the spectrum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solidna.analysis.pipeline import analyze

F = np.logspace(6, -1, 71)
W = 2 * np.pi * F
ARC = 20 + 1000 / (1 + (1j * W * 1e-4) ** 0.9)


def _spectrum(path, z):
    frame = {"Frequency [Hz]": F, "Z_re [Ohm]": z.real, "Z_im [Ohm]": z.imag}
    pd.DataFrame(frame).to_csv(path, index=False)
    return path


def _poor_fit_note(summary) -> str:
    notes = [n for n in summary["notes"] if "poor R0-p(R1,CPE1) fit" in n]
    assert notes, summary["notes"]
    return notes[0]


@pytest.mark.parametrize(
    ("extra", "advice", "circuit"),
    [
        (1 / (1e-5 * (1j * W) ** 0.9), "'R0-p(R1,CPE1)-CPE2'", "R0-p(R1,CPE1)-CPE2"),
        (1j * W * 2e-6, "'L0-R0-p(R1,CPE1)'", "L0-R0-p(R1,CPE1)"),
    ],
    ids=["blocking", "inductive"],
)
def test_the_advice_follows_the_spectrum_and_works(tmp_path, extra, advice, circuit):
    path = _spectrum(tmp_path / "z.csv", ARC + extra)
    note = _poor_fit_note(analyze([path], "eis", tmp_path / "a"))
    assert advice in note
    # and the circuit advised fits: no poor-fit note with it
    refit = analyze([path], "eis", tmp_path / "b", circuit=circuit)
    assert not [n for n in refit["notes"] if "poor" in n], refit["notes"]


def test_control_a_plain_arc_gets_no_advice(tmp_path):
    summary = analyze([_spectrum(tmp_path / "z.csv", ARC)], "eis", tmp_path / "a")
    assert not [n for n in summary["notes"] if "poor" in n]


def test_a_blocking_spectrum_passes_kramers_kronig_with_a_series_capacitance(tmp_path):
    """lin-KK's RC elements cannot follow a spectrum without a DC limit: it "failed" (residuals
    of 49 %) and was reported as non-linear or drifting. The KK test now adds lin-KK's series
    capacitance where the spectrum ends capacitive, in `analyze --kind eis` and in the DRT."""
    from solidna.analysis.drt import fit_drt

    z = ARC + 1 / (1e-5 * (1j * W) ** 0.9)
    summary = analyze([_spectrum(tmp_path / "z.csv", z)], "eis", tmp_path / "a")
    assert not [n for n in summary["notes"] if "Kramers-Kronig" in n], summary["notes"]
    assert fit_drt(F, z, unit="Ohm").kk.valid


def test_control_an_arc_is_checked_without_the_capacitance(tmp_path):
    from solidna.analysis.eis import kramers_kronig

    z = ARC + 1 / (1e-5 * (1j * W) ** 0.9)
    assert not kramers_kronig(F, z).valid  # the plain test on the blocking spectrum: it fails
    assert kramers_kronig(F, ARC).valid
