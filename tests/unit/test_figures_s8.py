"""Figures as a battery researcher reads them: units in brackets in the field's notation, a colour
bar where colour encodes the cycle, Nyquist axes at equal aspect with -Z'' up, titles naming the
anode (M-Na or Na) and the conditions. Checked on the figure objects, without drawing to disk."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from solidna.analysis import pipeline
from solidna.analysis.pipeline import analyze
from solidna.cells.na_co2 import NaCO2Result
from solidna.cells.symmetric import CVResult, CyclingResult, EISResult

DATA = Path(__file__).resolve().parents[1] / "data"
MACCOR = DATA / "maccor" / "maccor_002.txt"
EIS_MPT = DATA / "eis" / "exampleDataBioLogic.mpt"

#: a unit written PyBaMM-style (``mA.h.g-1``, ``Ohm.cm2``) inside an axis label's brackets
_DOTTED_UNIT = re.compile(r"\[[^\]]*[A-Za-z]\.[A-Za-z][^\]]*\]")

_BASE_INPUTS = {"anode": "modified", "temperature [K]": 298.15}


def _labels(fig) -> list[str]:
    out = []
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel()]
    return [s for s in out if s]


def _titles(fig) -> str:
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    return " ".join([sup, *(ax.get_title() for ax in fig.axes)])


@pytest.fixture
def captured(monkeypatch):
    """The figures ``analyze`` writes, by stem (kept open for inspection, closed afterwards)."""
    figures: dict[str, object] = {}
    original = pipeline._Writer.figure

    def keep(self, stem, fig):
        figures[stem] = fig
        fig.canvas.draw()  # the layout as saved (titles wrapped, colour bars placed)
        path = self.path(f"figures/{stem}.png")
        fig.savefig(path, dpi=40)
        return path

    monkeypatch.setattr(pipeline._Writer, "figure", keep)
    yield figures
    plt.close("all")
    assert original is not None


def _na_co2_cycles(n: int = 3) -> pd.DataFrame:
    parts, t0 = [], 0.0
    for _ in range(n):
        for sign, v in ((1.0, np.linspace(2.3, 2.2, 20)), (-1.0, np.linspace(4.0, 4.3, 20))):
            t = t0 + np.linspace(0, 5, 20)
            parts.append(
                pd.DataFrame(
                    {
                        "Time [h]": t,
                        "Current [mA.g-1]": sign * 200.0,
                        "Voltage [V]": v,
                        "Capacity [mAh.g-1]": np.linspace(0, 1000, 20),
                    }
                )
            )
            t0 = t[-1] + 1e-3
    return pd.concat(parts, ignore_index=True)


def test_na_co2_profiles_coloured_by_cycle_have_a_colour_bar():
    inputs = _BASE_INPUTS | {
        "CO2 pressure [bar]": 1.0,
        "protocol": [{"current [mA.g-1]": 200.0, "capacity [mAh.g-1]": 1000.0}],
    }
    fig = NaCO2Result(_na_co2_cycles(3), inputs, {}).plot()
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and "Cycle" in bars[0].get_ylabel()
    ticks = bars[0].get_yticks()
    assert ticks.min() >= 1 and ticks.max() <= 3  # the cycle numbers, not 0..1
    title = _titles(fig)
    assert "M-Na" in title and "200 mA g" in title and "25 \u00b0C" in title
    plt.close(fig)


def test_simulated_figures_name_anode_conditions_and_temperature():
    proto = {"current density [mA.cm-2]": 0.1, "capacity per half cycle [mAh.cm-2]": 0.1}
    ts = pd.DataFrame({"Time [h]": [0.0, 1.0, 2.0], "Voltage [V]": [0.08, -0.08, 0.08]})
    sym = CyclingResult(ts, _BASE_INPUTS | {"protocol": [proto]}, {}).plot()
    assert re.search(r"M-Na\|SSE\|M-Na.*0\.1 mA cm.*25 \u00b0C", _titles(sym))
    cv_ts = pd.DataFrame(
        {"Time [s]": [0, 1, 2], "Voltage [V]": [-0.1, 0, 0.1], "Current density [mA.cm-2]": 0}
    )
    pristine = _BASE_INPUTS | {"anode": "pristine", "protocol": [{"scan rate [mV.s-1]": 5.0}]}
    cv = CVResult(cv_ts, pristine, {}).plot()
    title = _titles(cv)
    assert "Na|SSE|Na" in title and "M-Na" not in title and "5 mV s" in title
    plt.close("all")


def test_simulated_nyquist_in_ohm_cm2_with_equal_aspect():
    f = np.logspace(5, -1, 30)
    z = 10 + 800 / (1 + 1j * 2 * np.pi * f * 1e-3)
    ts = pd.DataFrame({"Frequency [Hz]": f, "Z_re [Ohm.cm2]": z.real, "Z_im [Ohm.cm2]": z.imag})
    fig = EISResult(ts, _BASE_INPUTS | {"protocol": [{}]}, {}).plot()
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0
    assert ax.get_xlabel() == "Z' [\u03a9 cm$^{2}$]" and "Z''" in ax.get_ylabel()
    assert "M-Na" in ax.get_title()
    plt.close(fig)


def test_analysed_nyquist_labels_and_aspect(tmp_path, captured):
    analyze([EIS_MPT], "eis", tmp_path / "out", area="1 cm2")
    fig = captured["exampleDataBioLogic_nyquist"]
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0
    assert ax.get_xlabel().startswith("Z' [") and ax.get_ylabel().startswith("\u2212Z'' [")
    assert "\u03a9" in ax.get_xlabel()  # Ohm written as the field writes it
    assert not any(_DOTTED_UNIT.search(s) for s in _labels(fig))


def test_analysed_cycling_labels_units_and_titles_fit(tmp_path, captured):
    # a long file name, as instruments write them (channel, date, protocol in the name)
    long = (
        tmp_path / "cw_simba_fc_ct_napf6_015_053_channel_53_maccor_4_cw_mz_simba_ct_2021_05_11.txt"
    )
    long.write_bytes(MACCOR.read_bytes())
    analyze([long], "na-co2", tmp_path / "out", mass="2 mg")
    captured = {k.replace(long.stem, "maccor_002"): v for k, v in captured.items()}
    for stem, fig in captured.items():
        labels = _labels(fig)
        assert labels, stem
        for label in labels:
            # every axis names its unit in brackets, typeset (no PyBaMM-style dots)
            assert re.search(r"\[.+\]$", label) or label.startswith("Cycle"), (stem, label)
            assert not _DOTTED_UNIT.search(label), (stem, label)
        # no title wider than its figure (a long file name was cut at the edge)
        renderer = fig.canvas.get_renderer()
        width = fig.get_window_extent(renderer).width
        for ax in fig.axes:
            if ax.get_title():
                assert ax.title.get_window_extent(renderer).width <= width, stem
    assert "mAh g" in " ".join(_labels(captured["maccor_002_profiles"]))


def test_nvp_rate_test_names_its_c_rates_and_counts_whole_cycles():
    from solidna.cells.nvp import NVPResult

    rates = [0.1, 0.1, 0.5, 0.5, 2.0, 2.0]
    table = pd.DataFrame(
        {"C-rate [h-1]": rates, "Discharge capacity [mAh.g-1]": [110, 110, 105, 104, 95, 94]},
        index=pd.Index(range(1, 7), name="Cycle"),
    )
    ts = pd.DataFrame(
        {
            "Time [h]": np.arange(12.0),
            "Current density [mA.cm-2]": np.tile([-0.1, 0.1], 6),
            "Voltage [V]": np.tile([3.8, 2.5], 6),
            "Cycle": np.repeat(np.arange(1, 7), 2),
        }
    )
    inputs = _BASE_INPUTS | {
        "NVP loading [mg.cm-2]": 1.5,
        "protocol": [{"C-rates [h-1]": sorted(set(rates))}],
    }
    fig = NVPResult(ts, inputs, {}, cycle_table=table, theoretical_capacity_mAh_g=117.6).plot()
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert {"0.1 C", "0.5 C", "2 C"} <= texts  # each block of the rate test is named
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert all(float(t).is_integer() for t in ticks)  # no cycle 2.5
    assert "M-Na|SSE|NVP" in _titles(fig) and "25 \u00b0C" in _titles(fig)
    assert "theoretical" in [t.get_text() for t in ax.get_legend().get_texts()]
    # the profiles in specific capacity, as the capacity panel beside them
    assert fig.axes[1].get_xlabel() == "Capacity [mAh g$^{-1}$]"
    plt.close(fig)
