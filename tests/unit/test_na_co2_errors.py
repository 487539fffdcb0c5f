"""Bad inputs to the Na-CO2 cell give clear errors."""

import pytest

from solidna.cells.na_co2 import NaCO2Cell
from solidna.errors import InvalidOptionError, OutOfRangeError, UnitError
from solidna.protocols.na_co2 import CapacityCycling, FullDischarge


def test_cutoff_above_open_circuit_voltage():
    with pytest.raises(OutOfRangeError, match="above the open-circuit voltage"):
        NaCO2Cell().discharge("50 mA/g", cutoff="2.5 V")


@pytest.mark.parametrize("cap", ["0 mAh/g", "-100 mAh/g", -5])
def test_capacity_limit_must_be_positive(cap):
    with pytest.raises(OutOfRangeError, match="Capacity limit"):
        CapacityCycling("200 mA/g", cap)


def test_charge_cutoff_above_sse_limit_is_refused():
    with pytest.raises(OutOfRangeError, match="anodic stability limit"):
        NaCO2Cell().cycle(charge_cutoff="5.0 V", cycles=1)


def test_unknown_anode():
    with pytest.raises(InvalidOptionError, match="anode type"):
        NaCO2Cell("lithium")


def test_current_needs_mass_units():
    with pytest.raises(UnitError, match="current per CNT mass"):
        FullDischarge("0.1 mA/cm2")


def test_non_positive_current():
    with pytest.raises(OutOfRangeError, match="Current"):
        FullDischarge("0 mA/g")
