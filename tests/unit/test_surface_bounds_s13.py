"""The surface kinds' Python API refuses the values its command line refuses: a tip radius
above 1 mm, a sputter rate above 1 um/s and a relative sensitivity factor above 1000 (typos of a
unit or an exponent; ``rsf={'C 1s': 1e99}`` and ``tip_radius='2 mm'`` were accepted), with the
keyword named so that the command line reads its option (``--rsf: ...``)."""

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
