"""The maps of a three-axis sweep as a researcher reads them: the heatmaps of one output share
one colour scale, and the panels along the third axis reach its last value.

The store is written here (no cell is run): a synthetic sweep of the symmetric cell over
current density, temperature and SSE thickness, with made-up values.
"""

from __future__ import annotations

import numpy as np

from solidna.sweep import load_spec, open_store
from solidna.sweep.plots import MAX_PANELS, figures
from solidna.sweep.store import DONE, PointWriter, create_store

NAME = "Dissipated energy [Wh.m-2]"

SPEC = {
    "cell": "symmetric",
    "protocol": {"cycle": {"half_cycle": "1 h", "duration": "10 h"}},
    "vary": {
        "current_density": {"values": ["0.1 mA/cm2", "0.2 mA/cm2"]},
        "temperature": {"values": ["25 degC", "40 degC"]},
        "sse_thickness": {"linspace": ["40 um", "200 um", MAX_PANELS + 2]},
    },
    "outputs": ["energy"],
}


def _store(tmp_path):
    spec = load_spec(SPEC)
    path = create_store(tmp_path / "maps.zarr", spec, 0, "synthetic")
    writer = PointWriter(path)
    # the energy grows tenfold along the thickness: each panel alone spans a small range
    writer.write_many(
        [
            (idx, {NAME: (1.0 + idx[0] + 0.1 * idx[1]) * 10.0 ** (idx[2] / (MAX_PANELS + 1))}, DONE)
            + ("", "completed")
            for idx, _ in spec.points()
        ]
    )
    return open_store(path)


def _heatmaps(figs: dict) -> dict:
    return {stem: v for stem, v in figs.items() if stem.startswith("output1_")}


def test_the_maps_of_one_output_share_one_colour_scale(tmp_path):
    ds = _store(tmp_path)
    maps = _heatmaps(figures(ds))
    limits = {stem: fig.axes[0].images[0].get_clim() for stem, (fig, _) in maps.items()}
    values = ds[NAME].values
    # every panel spans the output's whole range (each panel scaled to its own range painted
    # 1.0 and 10 in the same colour)
    for stem, (lo, hi) in limits.items():
        assert np.isclose(lo, np.nanmin(values)) and np.isclose(hi, np.nanmax(values)), stem


def test_the_panels_along_the_third_axis_reach_its_last_value(tmp_path):
    ds = _store(tmp_path)
    maps = _heatmaps(figures(ds))
    assert len(maps) == MAX_PANELS
    captions = [caption for _, caption in maps.values()]
    # the first and the last thickness are both drawn, and the caption gives the value and unit
    assert any("SSE thickness 40 um" in c for c in captions), captions
    assert any("SSE thickness 200 um" in c for c in captions), captions
    titles = [fig.axes[0].get_title() for fig, _ in maps.values()]
    assert any("200 um" in t for t in titles), titles


def test_the_energy_output_says_it_is_summed_over_the_whole_run(tmp_path):
    # 20 capacity-limited Na-CO2 cycles of 1000 mAh/g store ~44 500 Wh/kg: a total, which the
    # map caption must say (read as one discharge, the number is absurd)
    spec = load_spec(
        {
            "cell": "na-co2",
            "protocol": {"cycle": {"cycles": 20}},
            "vary": {"current": {"values": ["50 mA/g", "100 mA/g"]}},
            "outputs": ["energy"],
        }
    )
    ds = open_store(create_store(tmp_path / "na.zarr", spec, 0, "synthetic"))
    captions = [caption for _, caption in figures(ds).values()]
    assert any("summed over the whole run" in c and "MWCNT" in c for c in captions), captions


def test_map_labels_of_a_thousand_read_1000_not_1e03(tmp_path):
    # the Na-CO2 capacity limit (1000 mAh/g) filled a map with "1e+03", its current axis too
    spec = load_spec(
        {
            "cell": "na-co2",
            "protocol": {"cycle": {"cycles": 2}},
            "vary": {
                "current": {"values": ["500 mA/g", "1000 mA/g"]},
                "co2_pressure": {"values": ["0.5 bar", "1 bar"]},
            },
            "outputs": [{"capacity_at": {"cycles": [1]}}],
        }
    )
    path = create_store(tmp_path / "na.zarr", spec, 0, "synthetic")
    name = "Discharge capacity at cycle 1 [mAh.g-1]"
    PointWriter(path).write_many(
        [(idx, {name: 1000.0 - 0.5 * idx[0]}, DONE, "", "completed") for idx, _ in spec.points()]
    )
    fig, _ = figures(open_store(path))["output1"]
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert "1000" in texts and not any("e+" in t for t in texts), texts
    assert "1000" in [t.get_text() for t in ax.get_yticklabels()]
