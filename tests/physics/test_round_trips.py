"""Round trips: simulate with known parameters, analyse as an experimenter would, recover them."""

import numpy as np
import pytest

from solidna import lu2019
from solidna.calibrate.cv import fit_cv
from solidna.cells.symmetric import SymmetricCell

F = 96485.33212
R = 8.314462618

ROUND_TRIP_REL = 0.05  # acceptance of the issue: recovered within 5 %


@pytest.mark.parametrize(
    ("anode", "i0_true"),
    [("pristine", 0.05), ("modified", 8.0)],
)
def test_cv_exchange_current_round_trip(anode, i0_true):
    prefix = "Modified" if anode == "modified" else "Pristine"
    ps = lu2019().updated({f"{prefix} exchange-current density [A.m-2]": i0_true})
    cv = SymmetricCell(anode, ps).cv()
    ts = cv.timeseries
    fit = fit_cv(
        ts["Time [s]"].to_numpy(),
        ts["Voltage [V]"].to_numpy(),
        ts["Current density [mA.cm-2]"].to_numpy() * 10,
        anode,
        ps,
        initial_i0_A_m2=3 * i0_true,  # start far from the truth
    )
    assert fit.i0_A_m2 == pytest.approx(i0_true, rel=ROUND_TRIP_REL)


def test_cv_bv_fit_round_trip_when_kinetics_dominate():
    """The plain Butler-Volmer fit recovers i0 when no film hides the kinetics (pristine Na)."""
    ps = lu2019().updated({"Pristine exchange-current density [A.m-2]": 0.02})
    res = SymmetricCell("pristine", ps).cv().exchange_current("bv-fit")
    assert res.i0_A_m2 == pytest.approx(0.02, rel=ROUND_TRIP_REL)


def test_eis_rs_rct_round_trip():
    ps = lu2019()
    cell = SymmetricCell("modified", ps)
    spec = cell.eis()
    fitted = spec.fit()
    from solidna.models.solve import symmetric_parameter_values

    v = symmetric_parameter_values(ps, "modified")
    rs = v["SSE thickness [m]"] / v["SSE conductivity [S.m-1]"] * 1e4
    r_film = (
        v["Modified interphase resistivity [Ohm.m]"] * v["Initial left interphase thickness [m]"]
    )
    r_ct = R * v["Temperature [K]"] / (F * v["Modified exchange-current density [A.m-2]"])
    rct = 2 * (r_film + r_ct) * 1e4  # both interfaces, film and charge transfer in one arc
    assert fitted["Rs [Ohm.cm2]"] == pytest.approx(rs, rel=ROUND_TRIP_REL)
    assert fitted["Rct [Ohm.cm2]"] == pytest.approx(rct, rel=ROUND_TRIP_REL)


def test_conductivity_round_trip_activation_energy():
    """sigma(T) from the electrolyte model -> Arrhenius fit -> the model's activation energy."""
    from solidna.analysis.eis import arrhenius_fit
    from solidna.materials import electrolyte

    ps = lu2019()
    T = np.array([283.15, 293.15, 303.15, 313.15, 323.15, 333.15])
    sigma = np.array([electrolyte.conductivity_S_m(t, 0.8, ps) for t in T])
    fit = arrhenius_fit(T, sigma)
    ea_key = [k for k in fit if k.lower().startswith("activation energy")][0]
    assert fit[ea_key] == pytest.approx(electrolyte.activation_energy(ps), rel=1e-6)
