"""A figure of the reproduction comes with its caption (FigureOutput.figure)."""

import pytest

from solidna.reproduce.base import FigureOutput


def test_a_figure_is_added_with_its_caption():
    out = FigureOutput("figX")
    fig = object()
    out.figure("figX_a", fig, "What it shows; markers: the paper's Fig. X.")
    assert out.figures["figX_a"] is fig
    assert out.captions["figX_a"].startswith("What it shows")


def test_a_figure_without_a_caption_is_refused():
    out = FigureOutput("figX")
    with pytest.raises(ValueError, match="figX_a"):
        out.figure("figX_a", object(), "  ")
    assert not out.figures and not out.captions
