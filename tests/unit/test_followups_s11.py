"""Follow-ups of the s11 CLI audit below the CLI: a CV vertex beyond the cycler's limit is named
before the sweep's length; a simulated run of very short half cycles does not ask whether its
own time is in hours; the XPS text reader refuses a table whose first column is in a unit other
than an energy, and notes a photon energy it does not use."""

import warnings

import pytest

import solidna as sd
from solidna.errors import OutOfRangeError


def test_cv_vertex_beyond_the_limit_is_named_before_the_sweep_length():
    # -1e6 V also makes the sweep last 1.1e5 h: the error named that length, not the vertex
    with pytest.raises(OutOfRangeError, match="vertex v_min"):
        sd.SymmetricCell().cv(v_min="-1e6 V")


def test_short_half_cycles_of_a_simulation_do_not_ask_for_the_time_unit():
    result = sd.SymmetricCell().cycle(half_cycle="1 s", duration="0.02 h", jump=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = result.cycles()
    assert len(table) == 36  # 72 s of 2-s cycles
    assert (table["Overpotential [mV]"] > 0).all()


def test_an_impedance_table_given_as_xps_is_refused(tmp_path):
    # the CLI audit's case: Frequency [Hz], Z_re, Z_im read as a survey with Z as its counts
    from solidna.analysis.xps.io import read_xps
    from solidna.errors import DataFormatError

    path = tmp_path / "eis.csv"
    rows = [(1e5, 10, -1), (1e4, 11, -3), (1e3, 15, -6), (100, 25, -8), (10, 35, -5), (1, 40, -2)]
    path.write_text(
        "Frequency [Hz],Z_re [Ohm],Z_im [Ohm]\n" + "".join(f"{f},{a},{b}\n" for f, a, b in rows)
    )
    with pytest.raises(DataFormatError, match="not an energy"):
        read_xps(path)


def test_a_photon_energy_beside_a_binding_axis_is_noted(tmp_path):
    from solidna.analysis.xps.io import read_xps

    path = tmp_path / "c1s.csv"
    path.write_text(
        "Binding Energy (eV),Counts/s\n"
        + "".join(f"{290 - 0.1 * k:.1f},{1000 + 10 * k}\n" for k in range(60))
    )
    spectrum = read_xps(path, photon_energy_eV=1486.6)[0]
    assert any("not used" in n for n in spectrum.metadata["notes"])


def test_an_undetermined_eis_fit_value_is_marked():
    # a sweep stopping at 10 Hz never reaches the high-frequency intercept: Rs came out
    # 1.9e-8 Ohm.cm2 (+- 9160) and was printed and stored as a plain number
    cell = sd.SymmetricCell()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spectrum = cell.eis(f_max="10 Hz", state=cell.rest("1 h").final_state)
        summary = spectrum.summary()
    # only Rs + Rct is fixed without the intercept: both standard errors are ~9e3 Ohm.cm2
    assert set(summary["fit undetermined"]) == {"Rs [Ohm.cm2]", "Rct [Ohm.cm2]"}
    full = cell.eis().summary()
    assert "fit undetermined" not in full


def test_screen_refuses_a_large_or_siteless_molecule_from_its_graph(monkeypatch):
    # the 3D geometry was built first: 14 s for 100 carbons, hours (deaf to Ctrl-C) for 3000
    from solidna.errors import InvalidOptionError
    from solidna.quantum import screen

    def no_geometry(*args, **kwargs):
        raise AssertionError("a 3D geometry was built before the checks")

    monkeypatch.setattr(screen, "molecule", no_geometry)
    with pytest.raises(InvalidOptionError, match="Too large to screen"):
        screen.parse_molecules(["C" * 3000 + "O"])
    with pytest.raises(InvalidOptionError, match="No atom to bind Na"):
        screen.parse_molecules(["C" * 30])
