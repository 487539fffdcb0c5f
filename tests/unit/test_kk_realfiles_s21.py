"""Two real spectra that fail the Kramers-Kronig check: the data's defects, not the check's.

Real files behind these tests (numbers quoted here only; every spectrum below is simulated):

* ComPlat/chemotion-converter-app, ``test_files/ChemConverter/EIS/Gamry/Framework-DTA/
  DHM-Cudmp_EISPOT - Copy.DTA`` (Gamry Interface 1010, 100 kHz to 0.2 Hz, 10 per decade). With
  its 23 points below 38.4 Hz left out (off the spectrum: the AC current under 1e-7 A), lin-KK
  fails at 10.1 %, on its three lowest frequencies (62.9-38.4 Hz): there |Z| lies 13-26 % above
  a KK-compliant R0-p(R1,CPE1)-CPE2 continuation at an unchanged phase (within 3 deg), |Z| rises
  faster than 1/f (log-log slopes -1.54 and -1.33 at a phase of -80 deg), the current range
  switches (IERange 8 to 7) at 62.9 Hz and the AC current falls to 2.3 uA. Without those three
  points and the two noisiest at the top the check passes (0.98 %).
* impedance.py's ``exampleDataPowersuite.txt`` (PAR PowerSuite, 2 MHz to 0.1 Hz, 4 per decade).
  With its two points at 1.1 and 2 MHz left out (Z_re < 0; phase -146 and -109 deg, beyond any
  passive impedance) lin-KK fails at 4.0 %: real residuals of -11 % and -9.6 % at 110 and
  62 kHz on the capacitive flank of the 200 kOhm bulk arc. On a capacitive point a phase error
  of d rad gives a real residual of -d: about -6 deg, the same instrument phase error that puts
  the points above out of the passive range.

The series inductance is no cause: lin-KK has one (impedance.py's ``fit_linKK``), and neither
spectrum has an inductive point. KK-compliant twins on the same frequencies pass (20 of 20 noise
draws at 0.5 %); the same twins with the files' defects fail (20 of 20), at the defect. These
tests pin that verdict.
"""

from __future__ import annotations

import numpy as np

from _twins import noisy_impedance, quiet_kk

#: Relative noise of the twins (0.5 % of |Z| per part): the files' estimated noise, 0.5 %.
NOISE = 0.005


def _cpe(q: float, n: float, f: np.ndarray) -> np.ndarray:
    return 1 / (q * (2j * np.pi * f) ** n)


def _parallel(a, b):
    return a * b / (a + b)


def _worst_frequency(f: np.ndarray, result) -> float:
    """Frequency where the running mean of the residuals exceeds its threshold the most."""
    ratio = np.maximum(np.abs(result.systematic_real), np.abs(result.systematic_imag))
    return float(f[np.argmax(ratio / result.threshold_local)])


# The Gamry file's sweep (100 kHz to 40 Hz, 10 per decade) and its cell: R0-p(R1,CPE1)-CPE2, as
# a weighted fit of its on-spectrum points gives (52.6 Ohm, 20.7 Ohm, CPEs n = 0.81 and 0.94)
F_GAMRY = 1e5 * 10 ** (-np.arange(35) / 10)
Z_GAMRY = 52.6 + _parallel(20.7, _cpe(2.49e-6, 0.81, F_GAMRY)) + _cpe(1.74e-6, 0.935, F_GAMRY)
#: |Z| measured / KK-compliant at the three lowest frequencies, phase unchanged: the step at the
#: current range switch
RANGE_STEP = np.r_[np.ones(32), 1.15, 1.13, 1.26]


def test_a_gain_step_at_the_current_range_switch_fails_kk_at_the_low_end():
    z = noisy_impedance(Z_GAMRY, NOISE, seed=1)
    assert quiet_kk(F_GAMRY, z, add_cap="auto").valid
    stepped = quiet_kk(F_GAMRY, z * RANGE_STEP, add_cap="auto")
    assert not stepped.valid
    assert stepped.max_systematic > 0.05  # the file: 10.1 %
    assert _worst_frequency(F_GAMRY, stepped) < F_GAMRY[-4]
    # the rest of the sweep is the cell's: without the three points, valid
    assert quiet_kk(F_GAMRY[:-3], z[:-3], add_cap="auto").valid


# The PowerSuite file's sweep (0.1 Hz to 627 kHz, 4 per decade) and a cell of its shape: a
# 200 kOhm bulk arc with its apex near 35 kHz (a 40 pF CPE) and a slow 240 kOhm arc
F_PS = 0.1 * 10 ** (np.arange(28) * 6.8 / 27)
Z_PS = 4200 + _parallel(2.0e5, _cpe(4e-11, 0.95, F_PS)) + _parallel(2.4e5, _cpe(8e-7, 0.5, F_PS))
#: A 6 deg phase lag of the two points between 50 and 150 kHz, as the file's residuals say
PHASE_ERROR = np.where((F_PS > 5e4) & (F_PS < 1.5e5), np.exp(-1j * np.radians(6.0)), 1.0)


def test_a_phase_error_on_the_high_frequency_flank_fails_kk_there():
    z = noisy_impedance(Z_PS, NOISE, seed=1)
    assert quiet_kk(F_PS, z, add_cap="auto").valid  # 4 points per decade suffice
    lagged = quiet_kk(F_PS, z * PHASE_ERROR, add_cap="auto")
    assert not lagged.valid
    assert lagged.max_systematic > 0.02  # the file: 4.0 %
    assert _worst_frequency(F_PS, lagged) > 1e4
    keep = PHASE_ERROR == 1.0
    assert quiet_kk(F_PS[keep], z[keep], add_cap="auto").valid


def test_the_analysis_note_names_where_the_check_fails(tmp_path):
    # the note named the largest residual beside the threshold of another point, and blamed the
    # cell only: it now names the failing frequencies, the worst point against its own
    # threshold, and instrument artefacts among the causes
    from solidna.analysis.pipeline import analyze

    z = noisy_impedance(Z_GAMRY, NOISE, seed=1) * RANGE_STEP
    path = tmp_path / "stepped.csv"
    lines = [f"{f:.8g},{v.real:.8g},{v.imag:.8g}" for f, v in zip(F_GAMRY, z, strict=True)]
    path.write_text("Frequency [Hz],Z_re [Ohm],Z_im [Ohm]\n" + "\n".join(lines) + "\n")
    summary = analyze([path], kind="eis", out=tmp_path / "out", area="1 cm2")
    (note,) = [n for n in summary["notes"] if "Kramers-Kronig check fails" in n]
    kk = quiet_kk(F_GAMRY, z, add_cap="auto")
    worst = _worst_frequency(F_GAMRY, kk)
    assert "worst " in note and f"at {worst:.4g} Hz" in note
    assert f"{F_GAMRY[-1]:.4g}" in note  # the lowest frequency is among the failing ones
    assert "current-range switch" in note
