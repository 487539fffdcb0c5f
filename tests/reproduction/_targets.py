"""Shared pieces of the reproduction tests: which targets to check, and how."""

import pytest

from solidna.targets import VALIDATION_KINDS, compare, load_targets, validation_kind


def _param_id(target) -> str:
    """The test id: the target id with what it tests - [calibrate], [prediction] or
    [consistency] (validate results counted apart, as the report's headline does)."""
    label = validation_kind(target.id)
    return f"{target.id}[{label.kind if label else target.role}]"


def checked_targets(prefixes: list[str], known_misses: dict[str, str]) -> list:
    """The calibrate and validate targets with these prefixes, as pytest params; a target the
    model honestly misses is a strict xfail carrying its physical reason (never loosened)."""
    targets = [t for t in load_targets(prefixes) if t.role in ("calibrate", "validate")]
    return [
        pytest.param(
            t,
            marks=pytest.mark.xfail(strict=True, reason=known_misses[t.id]),
            id=_param_id(t),
        )
        if t.id in known_misses
        else pytest.param(t, id=_param_id(t))
        for t in targets
    ]


def assert_validate_targets_labelled(prefixes: list[str]) -> None:
    """Every validate target of these prefixes says whether it is a prediction or a consistency
    check, with a reason (targets/validation.yaml)."""
    for t in load_targets(prefixes):
        if t.role == "validate":
            label = validation_kind(t.id)
            assert label is not None, f"{t.id}: no kind in targets/validation.yaml"
            assert label.kind in VALIDATION_KINDS and label.why, t.id


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
