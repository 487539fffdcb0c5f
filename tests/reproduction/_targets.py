"""Shared pieces of the reproduction tests: which targets to check, and how."""

import pytest

from solidna.targets import compare, load_targets


def checked_targets(prefixes: list[str], known_misses: dict[str, str]) -> list:
    """The calibrate and validate targets with these prefixes, as pytest params; a target the
    model honestly misses is a strict xfail carrying its physical reason (never loosened)."""
    targets = [t for t in load_targets(prefixes) if t.role in ("calibrate", "validate")]
    return [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=known_misses[t.id]), id=t.id)
        if t.id in known_misses
        else pytest.param(t, id=t.id)
        for t in targets
    ]


def assert_has_model_value(by_id: dict, target) -> None:
    """The figure module returned a model value (not null) for the target."""
    assert target.id in by_id, target.id
    assert by_id[target.id].model is not None, f"{target.id}: {by_id[target.id].note}"


def assert_within_tolerance(by_id: dict, target) -> None:
    """The model value passes the target's tolerance (targets.compare)."""
    model = by_id[target.id].model
    note = by_id[target.id].note
    assert compare(target, model), f"{target.id}: paper {target.value}, model {model} ({note})"


def paper_marker_lines(figure) -> list:
    """The Line2D artists of ``figure`` that draw the paper's numbers: the PAPER_MARKER style
    (open markers, black edge, no line) or a "Lu 2019" label."""
    from matplotlib.colors import same_color

    lines = []
    for ax in figure.axes:
        for line in ax.get_lines():
            styled = (
                line.get_linestyle() == "None"
                and same_color(line.get_markeredgecolor(), "black")
                and line.get_markerfacecolor() == "none"
            )
            if (styled or line.get_label().startswith("Lu 2019")) and len(line.get_xdata()):
                lines.append(line)
    return lines


def assert_every_figure_has_a_caption(out) -> None:
    """Every figure of a FigureOutput has a caption that says where the paper's numbers come
    from (or that the paper gives none)."""
    for stem in out.figures:
        caption = out.captions.get(stem, "")
        assert caption.strip(), f"figure {stem} has no caption"
        assert "Lu 2019" in caption or "paper" in caption, f"{stem}: {caption}"


def assert_paper_markers(out, stems) -> None:
    """Each of these figures of a FigureOutput draws the paper's numbers as markers."""
    missing = [stem for stem in stems if not paper_marker_lines(out.figures[stem])]
    assert not missing, f"no paper marker in {missing}"
