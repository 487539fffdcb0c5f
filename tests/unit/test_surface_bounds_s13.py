"""Values no instrument or cell has are refused, or warned about as bare numbers: the surface
kinds' Python API refuses what its command line refuses (a tip radius above 1 mm, a sputter rate
above 1 um/s and a relative sensitivity factor above 1000: typos of a unit or an exponent;
``rsf={'C 1s': 1e99}`` and ``tip_radius='2 mm'`` were accepted), with the keyword named so that
the command line reads its option (``--rsf: ...``); a bare area outside laboratory cells warns
with its SI reading; the degree signs of other keyboards are read."""

import warnings

import pytest

from solidna.analysis.surface_pipeline import (
    SPUTTER_RATE_MAX_M_S,
    TIP_RADIUS_MAX_M,
    surface_options,
)
from solidna.errors import InvalidOptionError, OutOfRangeError


@pytest.mark.parametrize(
    ("kind", "keyword", "value", "error", "words"),
    [
        ("afm-force", "tip_radius", "2 mm", OutOfRangeError, "1 nm to about 100 um"),
        ("xps", "sputter_rate", "1 mm/s", OutOfRangeError, "0.01-10 nm/s"),
        ("xps", "rsf", {"C 1s": 1e99}, InvalidOptionError, "rsf: the sensitivity factor"),
        ("xps", "rsf", {"C 1s": "abc"}, InvalidOptionError, "rsf: the sensitivity factor"),
    ],
)
def test_values_no_instrument_has_are_refused(kind, keyword, value, error, words):
    with pytest.raises(error, match=words):
        surface_options(kind, **{keyword: value})


def test_control_real_values_are_kept():
    afm = surface_options("afm-force", tip_radius="100 um")
    assert afm["tip_radius_m"] == pytest.approx(1e-4)
    xps = surface_options("xps", sputter_rate="10 nm/s", rsf={"U 4f7/2": 60})
    assert xps["sputter_rate_m_s"] == pytest.approx(1e-8)
    assert xps["rsf"] == {"U 4f7/2": 60.0}


def test_command_line_bounds_are_the_api_bounds():
    # written out in the command line so that it starts without importing the analysis package
    from solidna.cli.analyze import SPUTTER_RATE, TIP_RADIUS

    assert TIP_RADIUS.maximum == TIP_RADIUS_MAX_M
    assert SPUTTER_RATE.maximum == SPUTTER_RATE_MAX_M_S


def test_a_bare_area_outside_laboratory_cells_warns_with_its_si_reading(tmp_path):
    """``analyze(path, area="0.785")`` (meant in cm2) was read as 0.785 m2 without a word: every
    current density 1e4 times too small. A bare number is SI; outside 0.01-1000 cm2 it now warns
    with the SI reading and the unit to give."""
    from solidna.analysis.pipeline import _per_file
    from solidna.errors import OutOfRangeWarning

    for bare in ("0.785", 0.785):
        with pytest.warns(OutOfRangeWarning, match=r"read as 0\.785 m2 = 7850 cm2.*'0\.785 cm2'"):
            assert _per_file("area", bare, 1, "m**2", "area") == [0.785]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # control: a unit, or a plausible bare number, is silent
        assert _per_file("area", "0.785 cm2", 2, "m**2", "area") == pytest.approx([0.785e-4] * 2)
        assert _per_file("area", 0.785e-4, 1, "m**2", "area") == [0.785e-4]


def test_degree_signs_of_other_keyboards_are_read():
    """ "25 ºC" (the ordinal sign, typed for the degree on Spanish and Portuguese keyboards) and
    "25 ˚C" (the ring above) were refused as not a quantity."""
    from solidna.units import to_si

    for text in ("25 °C", "25 ºC", "25 ˚C", "25 ℃"):
        assert to_si(text, "K", "temperature") == pytest.approx(298.15), text
