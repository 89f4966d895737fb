"""The label rules: no two kept merge labels closer than the minimum, leaf labels a line apart, a free cut label."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.labels import (
    GAP_PX,
    MERGE_GAP_X_PX,
    MIN_PLOT_HEIGHT_PX,
    MIN_PLOT_WIDTH_PX,
    Box,
    CutLabelPlace,
    Scale,
    cut_label_place,
    height_label,
    kept_merge_labels,
    leaf_label_layout,
    merge_label_boxes,
    text_height,
    text_width,
)

FONT = 14


def _apart(boxes, i, j, scale) -> bool:
    """At least the minimum apart: MERGE_GAP_X_PX across or GAP_PX up and down."""
    x0, x1, y0, y1 = boxes
    across = x1[i] + MERGE_GAP_X_PX * scale.x <= x0[j] or x1[j] + MERGE_GAP_X_PX * scale.x <= x0[i]
    up = y1[i] + GAP_PX * scale.y <= y0[j] or y1[j] + GAP_PX * scale.y <= y0[i]
    return across or up


merges = st.lists(
    st.tuples(st.floats(0, 1000, allow_nan=False), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(merges=merges, threshold=st.floats(0, 100))
def test_no_two_kept_merge_labels_are_closer_than_the_minimum(merges, threshold):
    x = np.array([m[0] for m in merges])
    heights = np.array([m[1] for m in merges])
    texts = [height_label(h) for h in heights]
    scale = Scale.smallest_plot(1000.0, 110.0)

    kept = kept_merge_labels(x, heights, texts, FONT, scale, (0.0, 1000.0))

    boxes = merge_label_boxes(x, heights, texts, FONT, scale)
    for i, j in itertools.combinations(np.flatnonzero(kept), 2):
        assert _apart(boxes, i, j, scale), (merges[i], merges[j])
    inside = (boxes[0] >= 0) & (boxes[1] <= 1000)
    for i in np.flatnonzero(~kept & inside):  # a dropped label would collide with a higher kept one
        assert any(not _apart(boxes, i, j, scale) and heights[j] >= heights[i] for j in np.flatnonzero(kept))
    # A threshold keeps exactly what the rule keeps from the labels above it alone.
    above = heights > threshold
    alone = kept_merge_labels(x[above], heights[above], [t for t, a in zip(texts, above) if a], FONT, scale, (0, 1000))
    assert (kept[above] == alone).all()


def test_labels_that_reach_over_the_axis_ends_are_not_written():
    scale = Scale.smallest_plot(100.0, 10.0)
    kept = kept_merge_labels(
        np.array([0.5, 50.0, 99.5]), np.array([1.0, 1.0, 1.0]), ["8.75"] * 3, FONT, scale, (0, 100)
    )

    assert kept.tolist() == [False, True, False]


def test_the_higher_of_two_colliding_labels_is_written():
    scale = Scale.smallest_plot(350.0, 10.0)
    x, heights = np.array([100.0, 103.0]), np.array([8.05, 8.75])

    kept = kept_merge_labels(x, heights, ["8.05", "8.75"], FONT, scale, (0, 350))

    assert kept.tolist() == [False, True]


def test_text_extents_grow_with_the_text_and_the_font():
    assert text_width("(6047)", 14) > text_width("(47)", 14) > text_width("47", 14) > 0
    assert text_width("WWW", 14) > text_width("iii", 14)
    assert text_width("8.75", 28) == 2 * text_width("8.75", 14)
    assert text_height(12) >= 14  # Chromium's box of a 12 px sans-serif line is 14 px


def test_scale_is_that_of_the_smallest_plot():
    scale = Scale.smallest_plot(1500.0, 600.0)

    assert (scale.x, scale.y) == (1500.0 / MIN_PLOT_WIDTH_PX, 600.0 / MIN_PLOT_HEIGHT_PX)


@pytest.mark.parametrize("p", [12, 24, 25, 35, 60, 150, 500])
def test_turned_leaf_labels_stand_a_line_apart_on_the_smallest_plot(p):
    scale = Scale.smallest_plot(10.0 * p, 1.0)

    leaves = leaf_label_layout(tuple(f"({1000 + i})" for i in range(p)), 10.0, scale, 14, 12)

    assert not leaves.upright
    assert leaves.stride * 10.0 / scale.x >= text_height(12)  # pixels from one written label to the next
    assert leaves.stride == 1 or (leaves.stride - 1) * 10.0 / scale.x < text_height(12)  # and no sparser


def test_up_to_24_leaves_keep_every_label():
    scale = Scale.smallest_plot(240.0, 1.0)

    assert leaf_label_layout(tuple(f"name-{i}" for i in range(24)), 10.0, scale, 14, 12).stride == 1


def test_short_leaf_labels_that_fit_side_by_side_stand_upright():
    labels = ("(23)", "(17)", "(4)", "(6)", "(10)", "40", "(13)", "(10)", "(3)", "(9)", "(21)", "(33)")
    scale = Scale.smallest_plot(120.0, 1.0)

    assert leaf_label_layout(labels, 10.0, scale, 14, 12).upright
    assert not leaf_label_layout(("(6047)",) * 12, 10.0, scale, 14, 12).upright


# --- the cut line's label ------------------------------------------------------------------

TEXTS = ("cut at 16 (drag me)", "cut at 16")
SCALE = Scale.smallest_plot(120.0, 200.0)


def _place(blockers, height=50.0):
    return cut_label_place(height, TEXTS, FONT, SCALE, 120.0, 190.0, blockers)


def _box_of(place, height=50.0):
    text = TEXTS[1] if place.short else TEXTS[0]
    width = (text_width(text, FONT) + 2 * GAP_PX) * SCALE.x
    tall = (text_height(FONT) + 2 * GAP_PX) * SCALE.y
    return place.box(height, width, tall, 120.0, 190.0)


def test_a_free_line_gets_its_label_above_the_right_end():
    assert _place([]) == CutLabelPlace("above", end="right")
    assert _place([Box(0, 10, 50, 60)]) == CutLabelPlace("above", end="right")  # far from the right end


def test_a_label_at_the_right_end_sends_the_cut_label_to_the_left_end():
    place = _place([Box(100, 115, 48, 60)])

    assert place == CutLabelPlace("above", end="left")


def test_labels_at_both_ends_leave_it_a_free_stretch_above_the_line():
    blockers = [Box(100, 115, 48, 60), Box(2, 12, 48, 60)]

    place = _place(blockers)

    assert place.side == "above" and place.anchor is not None
    assert not any(_box_of(place).intersects(blocker) for blocker in blockers)


def test_a_line_taken_above_gets_its_label_below():
    assert _place([Box(0, 120, 51, 60)]) == CutLabelPlace("below", end="right")


def test_a_crowded_line_takes_a_free_stretch_or_the_short_label():
    blockers = [Box(x, x + 8, 30, 70) for x in (0, 12, 100, 110)]  # a gap from 20 to 100 at every height

    place = _place(blockers)

    assert place.side in ("above", "below") and place.anchor is not None
    assert not any(_box_of(place).intersects(blocker) for blocker in blockers)


def test_a_line_with_no_free_stretch_gets_its_label_over_the_plot():
    blockers = [Box(x, x + 9, 0, 100) for x in range(0, 120, 8)]

    place = _place(blockers)

    assert place.side == "top"
    assert place.annotation(50.0)["yref"] == "paper"


def test_the_label_never_goes_below_the_line_onto_the_leaves():
    low = 2.0  # the label's height (in data units) is more than this above the axis
    blockers = [Box(100, 120, 0, 40), Box(0, 20, 0, 40)]

    place = cut_label_place(low, TEXTS, FONT, SCALE, 120.0, 190.0, blockers)

    assert place.side != "below"
    assert not any(_box_of(place, low).intersects(blocker) for blocker in blockers)


@pytest.mark.parametrize("place", [CutLabelPlace("above"), CutLabelPlace("below", end="left"), CutLabelPlace("top")])
def test_a_place_is_anchored_as_its_box(place):
    annotation = place.annotation(50.0)
    box = _box_of(place)

    if annotation["xanchor"] == "right":
        assert box.x1 == 120.0 and annotation["x"] == 1
    else:
        assert box.x0 == 0.0 and annotation["x"] == 0
    if annotation["yref"] == "y":
        assert (box.y0 if annotation["yanchor"] == "bottom" else box.y1) == 50.0
