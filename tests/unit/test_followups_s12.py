"""Follow-ups of session 12: one split of a record per fit, a keyword instead of a message
filter, plain words in messages.

* ``solidna analyze --kind symmetric --forecast`` checked the record a second time inside
  :meth:`InterphaseFit.fit`, so a warning about the record was printed twice; the pipeline now
  tells the fit it has said it (``check_time_unit=False``).
* :class:`SymmetricCell` silenced the analysis's "is time_s in hours or minutes?" warning by a
  regex on its message; it now skips the guard with ``check_time_unit=False``.
* Messages a CLI user sees no longer show Python's words (``see solidna.analysis.io.FORMATS``,
  ``energy_axis='kinetic' (Python)``, ``jump: None -> False``).

Every record here is a synthetic square wave or table written in the test (no third-party file).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from solidna import cli
from solidna.analysis import cycling
from solidna.analysis.pipeline import analyze
from solidna.calibrate.from_data import InterphaseFit
from solidna.errors import DataFormatError, InvalidOptionError, SolidnaWarning

HALF_S = 15.0  # between the fit's floor (10 s) and the analysis's warning (20 s)
SHORT = "hours or minutes"


def _short_record(n_half: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square wave at 1 A/m2 (0.1 mA/cm2) with 15-s half cycles, sampled every 0.5 s, the
    plateau growing slowly: time [s], voltage [V], current density [A/m2]."""
    t = np.arange(0.0, n_half * HALF_S, 0.5) + 0.25
    sign = np.where((t // HALF_S) % 2 == 0, 1.0, -1.0)
    return t, sign * (0.08 + 0.5e-3 * t / 3600), sign


def _short_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, SolidnaWarning) and SHORT in str(w.message)
    ]


# --- item 1: one split per fit ------------------------------------------------------------------
def test_the_forecast_of_a_short_record_warns_once(tmp_path):
    t, v, j = _short_record()
    path = tmp_path / "sym.csv"
    # 1 cm2: the current in mA is the density in mA/cm2
    pd.DataFrame({"Time [s]": t, "Voltage [V]": v, "Current [mA]": 0.1 * j}).to_csv(
        path, index=False
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analyze(
            [path], "symmetric", tmp_path / "out", area="1 cm2", forecast="0.1 h",
            forecast_samples=2,
        )  # fmt: skip
    # before: the same warning twice (the pipeline's check, then the fit's)
    assert len(_short_warnings(caught)) == 1
    # the file's reader sees the warnings, not Python's arguments (before: "is time_s in hours
    # or minutes? Pass seconds", "time_s is in s")
    said = " ".join(str(w.message) for w in caught)
    assert "time_s" not in said and "_A_m2" not in said
    assert "is the time in hours or minutes" in said and "the time is read in s" in said
    assert (tmp_path / "out" / "tables" / "sym.forecast.csv").is_file()


def test_the_fit_alone_still_warns_once_and_can_be_told_the_record_is_checked():
    t, v, j = _short_record()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        alone = InterphaseFit().fit(t, v, j)
    assert len(_short_warnings(caught)) == 1  # the fit alone still says it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        told = InterphaseFit().fit(t, v, j, check_time_unit=False)
    assert not _short_warnings(caught)
    pd.testing.assert_frame_equal(alone.data_, told.data_)
    with pytest.raises(InvalidOptionError, match="check_time_unit"):
        InterphaseFit().fit(t, v, j, check_time_unit="no")


# --- item 2: a keyword, not a message filter ------------------------------------------------------
class _RewordedWarnings:
    """The ``warnings`` module as :mod:`solidna.analysis.cycling` sees it, its messages reworded:
    a filter on the wording would miss them."""

    def __getattr__(self, name):
        return getattr(warnings, name)

    @staticmethod
    def warn(message, *args, **kwargs):
        warnings.warn(f"reworded: {message}".replace(SHORT, "the wrong unit"), *args, **kwargs)


def test_a_simulated_run_of_1_s_half_cycles_warns_nothing_whatever_the_wording(monkeypatch):
    import solidna as sd

    monkeypatch.setattr(cycling, "warnings", _RewordedWarnings())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sd.SymmetricCell("modified").cycle("0.1 mA/cm2", half_cycle="1 s", duration="10 s")
        # before: "reworded: the half cycles last 1 s ..." got through the message filter
        table = result.cycles()
    assert len(table) == 5


def test_a_files_record_of_1_s_half_cycles_still_warns():
    t = np.arange(0.0, 10.0, 0.05)
    sign = np.where((t // 1.0) % 2 == 0, 1.0, -1.0)
    v = 0.08 * sign
    with pytest.warns(SolidnaWarning, match=r"half cycles last 1 s .* hours or minutes"):
        cycling.per_cycle_overpotential(t, v, sign)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = cycling.per_cycle_overpotential(t, v, sign, check_time_unit=False)
    assert len(table) == 5
    with pytest.raises(InvalidOptionError, match=r"check_time_unit must be True or False .*'no'"):
        cycling.per_cycle_overpotential(t, v, sign, check_time_unit="no")


# --- item 3: plain words in messages ------------------------------------------------------------
def test_an_empty_file_names_the_formats_in_the_words_of_the_cli_and_of_python(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    result = CliRunner().invoke(
        cli.app, ["analyze", str(path), "--kind", "symmetric", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code != 0
    shown = " ".join(result.output.split())
    # before: "(see solidna.analysis.io.FORMATS)" on the command line
    assert "expected an instrument data file (a format listed under --format)" in shown
    assert "solidna.analysis" not in shown
    with pytest.raises(DataFormatError, match=r"--format \(CLI\) / solidna\.analysis\.io\.FORMATS"):
        analyze([path], "symmetric", tmp_path / "o")


def test_an_xps_table_without_an_energy_header_says_how_to_name_its_axis(tmp_path):
    from solidna.analysis.xps.io import read_xps_text

    path = tmp_path / "scan.txt"
    energy = np.linspace(290.0, 280.0, 51)
    counts = 1000 + 5000 * np.exp(-(((energy - 284.8) / 0.6) ** 2))
    path.write_text("\n".join(f"{e:.2f}\t{c:.1f}" for e, c in zip(energy, counts, strict=True)))
    notes = " ".join(read_xps_text(path)[0].metadata["notes"])
    # before: "... or pass energy_axis='kinetic' (Python)"
    assert (
        "name the column 'Kinetic energy [eV]' (or pass energy_axis='kinetic' in Python)" in notes
    )


def test_a_resumed_sweep_names_its_differences_in_the_spec_files_words():
    from solidna.sweep import load_spec
    from solidna.sweep.spec import spec_differences

    raw = {
        "cell": "symmetric",
        "protocol": {"cycle": {"half_cycle": "1 h", "duration": "10 h"}},
        "vary": {"sse_thickness": {"values": ["40 um", "60 um"]}},
        "outputs": ["energy"],
    }
    stored = load_spec(raw).canonical
    # before: "jump: None -> False" (solidna sweep --full on a sweep started without it)
    assert spec_differences(stored, load_spec(raw, jump=False).canonical) == [
        "jump: automatic -> off"
    ]
    assert spec_differences(
        load_spec(raw, jump=True).canonical, load_spec({**raw, "extrapolate": True}).canonical
    ) == ["extrapolate: false -> true", "jump: on -> automatic"]
    sampled = {**raw, "vary": {"sse_thickness": {"range": ["40 um", "100 um"]}}}
    design = {"method": "lhs", "samples": 4}
    assert spec_differences(
        load_spec({**sampled, "design": design}).canonical,
        load_spec({**sampled, "design": {**design, "seed": 3}}).canonical,
    ) == ["design.seed: not set -> 3"]
    # strings keep their quotes, as the spec writes them
    assert spec_differences(stored, load_spec({**raw, "anode": "pristine"}).canonical) == [
        "anode: 'modified' -> 'pristine'"
    ]


def test_a_sensitivity_factor_that_is_no_number_is_named_in_plain_words():
    from solidna.analysis.surface_pipeline import surface_options

    with pytest.raises(InvalidOptionError) as info:
        surface_options("xps", rsf={"Sn 3d5/2": "abc"})
    message = str(info.value)
    assert "'Sn 3d5/2' must be a single number; got 'abc'" in message
    assert "np.str_" not in message  # before: "(could not convert string to float: np.str_('abc'))"
