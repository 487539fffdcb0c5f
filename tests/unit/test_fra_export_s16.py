"""A frequency-response analyser's export (gain in dB and phase) is refused as a transfer function.

Layouts of ImpedanceFitter's examples (MIT licence): ``examples/FRA/MokuGo_47R_100R_shunt.csv``
(``% Frequency (Hz), Channel A Magnitude (dBm), ... Math (Ka B / Ka A) Phase (deg)``) and
``RohdeSchwarz_47R_100R_shunt.csv`` (``in Sa,Frequency in Hz,Gain in dB,Phase in °,...``). The
impedance follows from them only with the shunt resistor of the set-up; the message was "no
column for Z_re [Ohm], Z_im [Ohm]" or "none of its columns is recognised" with the list of
names, as if a column were misnamed.
"""

import pytest

from solidna.analysis.io import read
from solidna.errors import DataFormatError

MOKU = (
    "% Moku:Go Frequency Response Analyzer\n"
    "% 10.0000 Hz to 20.0000 MHz, Logarithmic sweep with 512 pts\n"
    "% Frequency (Hz), Channel A Magnitude (dBm), Channel A Phase (deg), Channel B Magnitude "
    "(dBm), Channel B Phase (deg), Math (Ka B / Ka A) Magnitude (dBm), Math (Ka B / Ka A) "
    "Phase (deg)\n"
    + "".join(
        f"{f:.8e}, -6.86e+00, -1.38e-01, -3.46e+00, -2.97e-02, 3.40e+00, 1.08e-01\n"
        for f in (10.0, 10.3, 10.6, 10.9, 11.2, 11.5)
    )
)
ROHDE = "in Sa,Frequency in Hz,Gain in dB,Phase in °,Amplitude in Vpp\n" + "".join(
    f"{k}.00E+00,{10 * 1.047**k:.3E},-3.404E+00,-3.235E-03,1.000E+00\n" for k in range(1, 8)
)


@pytest.mark.parametrize(
    ("name", "text", "gain"), [("moku.csv", MOKU, "dBm"), ("rs.csv", ROHDE, "Gain in dB")]
)
def test_transfer_function_is_named(tmp_path, name, text, gain):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read(path, kind="impedance")
    message = str(err.value)
    assert "transfer function" in message and gain in message
    assert "Z = R_s (1/H - 1)" in message
    assert "Recognised column names" not in message


def test_an_impedance_table_with_a_phase_is_still_read(tmp_path):
    """|Z| and a phase in degrees are an impedance (no decibels): read as before."""
    path = tmp_path / "bode.csv"
    path.write_text(
        "Frequency [Hz],|Z| [Ohm],Phase [deg]\n1000,100,-10\n100,120,-30\n10,150,-20\n1,160,-5\n"
    )
    assert len(read(path, kind="impedance").data) == 4
