"""Log axes of a few swept values are labelled with the values themselves (Fig. 5d, sweeps)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import LogLocator  # noqa: E402

from solidna.report.style import label_log_axis  # noqa: E402


def _labels(values):
    fig, ax = plt.subplots()
    ax.semilogx(values, range(len(values)), "o-")
    label_log_axis(ax.xaxis, values)
    fig.canvas.draw()
    major = [t.get_text() for t in ax.get_xticklabels()]
    minor = [t.get_text() for t in ax.get_xticklabels(minor=True) if t.get_text()]
    locator = ax.xaxis.get_major_locator()
    plt.close(fig)
    return major, minor, locator


def test_fig5d_currents_are_plain_ticks():
    """Fig. 5d's currents (50-500 mA/g, one decade) read 50 ... 500, not "6x10^1" labels."""
    major, minor, _ = _labels([50, 100, 200, 400, 500])
    assert major == ["50", "100", "200", "400", "500"]
    assert minor == []


def test_many_values_keep_matplotlib_ticks():
    """Past eight distinct values the axis is matplotlib's own (a tick per value would crowd)."""
    _, _, locator = _labels([10.0 * 1.5**k for k in range(12)])
    assert isinstance(locator, LogLocator)


def test_non_positive_and_repeated_values_are_ignored():
    """Repeated points (a grid) and values a log axis cannot show do not become ticks."""
    fig, ax = plt.subplots()
    ax.set_xscale("log")
    label_log_axis(ax.xaxis, [0.0, -1.0, float("nan"), 2e-6, 2e-6, 5e-5])
    assert list(ax.xaxis.get_major_locator().tick_values(1e-6, 1e-4)) == [2e-6, 5e-5]
    assert ax.xaxis.get_major_formatter()(2e-6, 0) == "2e-06"
    plt.close(fig)


def test_fig1d_title_wraps_between_settings():
    """Fig. 1d's title (a list of MD settings) breaks only after a comma: textwrap at spaces put
    "dt" on one line and "= 0.5 fs" on the next."""
    from solidna.quantum.plots import _wrap_settings

    title = (
        "Fig. 1d (model): GFN2-xTB (tblite), T_el = 1000 K, NVE 250 fs (stopped 20 fs after the "
        "events, >= 100 fs) x 8 seeds, dt = 0.5 fs, 300 K start, Na(100) cluster 3x3x2"
    )
    lines = _wrap_settings(title, 110).split("\n")
    assert len(lines) == 2
    assert all(len(line) <= 110 for line in lines)
    assert all(line.endswith(",") for line in lines[:-1])
    assert " ".join(lines) == title
    assert any("dt = 0.5 fs" in line for line in lines)
