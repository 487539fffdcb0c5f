"""Per-cycle axes of quantities that barely change (capacity-limited cycling)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from solidna.analysis._output import STEADY_SPAN_FRACTION, steady_axis  # noqa: E402


@pytest.mark.parametrize("values", [[999.999, 999.999, 999.999], [99.9998, 99.99981, np.nan]])
def test_a_steady_quantity_gets_a_readable_axis(values):
    """matplotlib zoomed into the last digits and labelled the axis "1e-9+9.99999e2"."""
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], values)
    steady_axis(ax, values)
    fig.canvas.draw()
    lo, hi = ax.get_ylim()
    assert hi - lo >= STEADY_SPAN_FRACTION * np.nanmax(values)
    assert ax.yaxis.get_offset_text().get_text() == ""
    plt.close(fig)


def test_a_changing_quantity_keeps_its_own_range():
    # control: a fading capacity keeps matplotlib's limits around its data
    values = [120.0, 110.0, 100.0]
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], values)
    before = ax.get_ylim()
    steady_axis(ax, values)
    assert ax.get_ylim() == before
    plt.close(fig)
