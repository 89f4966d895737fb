"""The dendrogram figure: its labels stay readable and apart, and clusters that share a color still differ."""

import itertools

import numpy as np
import pytest

from figures.dendrogram import (
    CONTRACTION_TRACE,
    LEAF_TRACE,
    LINE_DASHES,
    MERGE_TRACE,
    N_COLOR_TRACES,
    cut_updates,
    dendrogram_figure,
)
from figures.labels import (
    CUT_FONT_SIZE,
    GAP_PX,
    MERGE_FONT_SIZE,
    TURNED_LEAF_FONT_SIZE,
    CutLabelPlace,
    DendrogramLabels,
    height_label,
    merge_label_boxes,
    text_height,
    text_width,
)
from figures.scatter import CLUSTER_SYMBOLS, cluster_symbols
from figures.style import N_SLOTS
from hclust import build_tree, clusters_at_height, clusters_for_k, color_links, truncated_geometry
from hclust.colors import assign_color_slots
from hclust.cut import HEADROOM
from loaders import load_builtin


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


@pytest.fixture(scope="module")
def digits_tree():
    return build_tree(load_builtin("digits").features, "ward", "euclidean")


@pytest.mark.parametrize(
    ("height", "label"),
    [(9.8412, "9.84"), (180.0, "180"), (1549.6, "1,550"), (123456.7, "123,457"), (0.001234, "0.00123"), (0, "0")],
)
def test_height_labels_have_three_digits_and_no_exponent(height, label):
    assert height_label(height) == label


def _draw(tree, p, cut, annotate_above=None):
    """The figure of a first cut (colors left to right), with its geometry and coloring."""
    geometry = truncated_geometry(tree, p)
    coloring = color_links(tree, geometry, cut)
    slots = assign_color_slots(cut.roots, None, N_SLOTS)
    figure = dendrogram_figure(tree, geometry, coloring, slots, cut.height, annotate_above)
    return figure, geometry, coloring, slots


def _figure(features):
    tree = build_tree(features, "ward", "euclidean")
    return _draw(tree, 12, clusters_at_height(tree, float(tree.linkage[-2, 2])))[0]


def test_short_leaf_labels_stand_upright():
    figure = _figure(load_builtin("classic").features)  # "(23)", "40", ...

    assert figure.layout.xaxis.tickangle == 0


def test_leaf_labels_that_would_run_together_are_turned():
    features = np.random.default_rng(0).normal(size=(12_000, 2))  # 12 leaves of about 1,000: "(1003)(987)..."

    figure = _figure(features)

    assert figure.layout.xaxis.tickangle == -90
    assert max(len(text) for text in figure.layout.xaxis.ticktext) >= 5


# --- clusters beyond the palette's 8 -------------------------------------------------------


def _traces_of_leaves(figure, leaf_x) -> list[int]:
    """The line trace of each leaf's leg (which starts at height 0)."""
    owner = {}
    for index in range(N_COLOR_TRACES):
        for x, y in zip(figure.data[index].x or (), figure.data[index].y or ()):
            if y == 0:
                owner[x] = index
    return [owner[x] for x in leaf_x]


def test_digits_at_k_10_give_every_cluster_its_own_color_and_dash(digits_tree):
    figure, geometry, coloring, slots = _draw(digits_tree, 35, clusters_for_k(digits_tree, 10))
    assert slots[0] == slots[8] and slots[1] == slots[9]  # 1 and 9 share blue, 2 and 10 orange

    styles = {cluster: set() for cluster in range(1, 11)}
    for cluster, trace in zip(coloring.leaves, _traces_of_leaves(figure, geometry.leaf_x)):
        styles[cluster].add((figure.data[trace].line.color, figure.data[trace].line.dash))

    assert all(len(style) == 1 for style in styles.values()), styles
    styles = {cluster: style.pop() for cluster, style in styles.items()}
    assert len(set(styles.values())) == 10, styles
    assert styles[1][0] == styles[9][0] and styles[1][1] != styles[9][1]
    shapes = cluster_symbols(slots)
    for cluster, (_, dash) in styles.items():
        assert dash == LINE_DASHES[shapes[cluster - 1] % len(LINE_DASHES)][1]


def test_leaf_markers_take_the_scatters_shape_of_their_cluster(digits_tree):
    figure, _, coloring, slots = _draw(digits_tree, 35, clusters_for_k(digits_tree, 10))
    symbols = list(figure.data[LEAF_TRACE].marker.symbol)
    shapes = cluster_symbols(slots)

    for symbol, cluster in zip(symbols, coloring.leaves):
        assert symbol == (CLUSTER_SYMBOLS[shapes[cluster - 1]][1] if cluster else "circle")
    assert {symbols[i] for i in np.flatnonzero(coloring.leaves == 9)} == {"square"}
    assert {symbols[i] for i in np.flatnonzero(coloring.leaves == 1)} == {"circle"}


@pytest.mark.parametrize(("p", "k"), [(2, 1), (12, 2), (35, 10), (150, 30), (150, 150)])
def test_the_trace_count_is_the_same_whatever_the_tree_and_cut(digits_tree, p, k):
    figure = _draw(digits_tree, p, clusters_for_k(digits_tree, k))[0]

    assert len(figure.data) == LEAF_TRACE + 1 == N_COLOR_TRACES + 3 == N_SLOTS * len(LINE_DASHES) + 4
    assert figure.data[CONTRACTION_TRACE].name == "hidden merges"
    assert (figure.data[MERGE_TRACE].name, figure.data[LEAF_TRACE].name) == ("merges", "leaves")
    assert all(trace.mode == "lines" for trace in figure.data[:N_COLOR_TRACES])


def test_a_cut_updates_lines_leaves_and_the_cut_line_only(digits_tree):
    _, geometry, coloring, slots = _draw(digits_tree, 150, clusters_for_k(digits_tree, 10))

    updates = cut_updates(geometry, coloring, slots, 270.0)

    lines = {("data", trace, axis) for trace in range(N_COLOR_TRACES) for axis in ("x", "y")}
    leaves = {("data", LEAF_TRACE, "marker", "color"), ("data", LEAF_TRACE, "marker", "symbol")}
    leaves.add(("data", LEAF_TRACE, "customdata"))
    assert set(updates) == lines | leaves | {("layout", "shapes"), ("layout", "annotations")}
    assert len(updates[("data", LEAF_TRACE, "marker", "symbol")]) == geometry.leaf_x.size


def test_link_lines_are_drawn_to_a_millionth_of_the_top_and_merge_dots_keep_every_digit(digits_tree):
    figure, geometry, coloring, slots = _draw(digits_tree, 30, clusters_for_k(digits_tree, 4))
    cut = 1.0  # legs that reach down past it end at the cut itself
    updates = cut_updates(geometry, coloring, slots, cut)
    drawn = sorted(
        v for trace in range(N_COLOR_TRACES) for v in updates[("data", trace, "y")] if v not in (None, 0.0, cut)
    )
    exact = np.unique(geometry.dcoord[geometry.dcoord > 0])
    top = float(geometry.dcoord.max())
    nearest = exact[np.abs(exact[:, None] - np.asarray(drawn)[None, :]).argmin(axis=0)]
    np.testing.assert_allclose(drawn, nearest, rtol=0, atol=top * 1e-6)
    assert max(len(repr(v)) for v in drawn) <= 9  # 7 significant digits, not 17
    merge_heights = np.asarray(figure.data[MERGE_TRACE].y, dtype=float)
    np.testing.assert_array_equal(np.sort(merge_heights), np.sort(geometry.dcoord[:, 1]))


def test_leaves_stay_circles_while_every_cluster_has_its_own_color(classic_tree):
    figure = _draw(classic_tree, 12, clusters_at_height(classic_tree, 16))[0]

    assert figure.data[LEAF_TRACE].marker.symbol == "circle"


# --- labels never overlap ------------------------------------------------------------------


def _written(figure):
    """Indices and texts of the merge heights the figure writes."""
    return [(index, text) for index, text in enumerate(figure.data[MERGE_TRACE].text) if text]


def _collide(a, b, scale) -> bool:
    """Two merge label boxes closer than the rule's minimum (4 px across, 2 px up and down, on the smallest plot)."""
    return (
        a[0] < b[1] + 4 * scale.x
        and b[0] < a[1] + 4 * scale.x
        and a[2] < b[3] + 2 * scale.y
        and b[2] < a[3] + 2 * scale.y
    )


@pytest.mark.parametrize("dataset", ["classic", "digits"])
@pytest.mark.parametrize("p", [2, 12, 30, 35, 40, 150])
def test_no_two_merge_labels_are_closer_than_the_minimum(classic_tree, digits_tree, dataset, p):
    tree = classic_tree if dataset == "classic" else digits_tree
    figure, geometry, _, _ = _draw(tree, p, clusters_for_k(tree, 4))
    scale = DendrogramLabels.of(geometry).scale
    written = _written(figure)
    index = np.array([i for i, _ in written], dtype=int)
    boxes = merge_label_boxes(
        geometry.merge_x[index], geometry.merge_height[index], [t for _, t in written], MERGE_FONT_SIZE, scale
    )

    assert written
    for a, b in itertools.combinations(zip(*boxes), 2):
        assert not _collide(a, b, scale), (a, b)


def test_classic_at_p_35_no_longer_writes_8_75_over_8_05(classic_tree):
    figure = _draw(classic_tree, 35, clusters_at_height(classic_tree, 16))[0]

    texts = [text for _, text in _written(figure)]
    assert "8.75" in texts and "8.05" not in texts


def test_a_typed_threshold_labels_what_it_asks_but_never_two_colliding(classic_tree):
    figure, geometry, _, _ = _draw(classic_tree, 40, clusters_at_height(classic_tree, 16), annotate_above=3.0)
    labels = DendrogramLabels.of(geometry)
    written = {index for index, _ in _written(figure)}

    above = set(np.flatnonzero(geometry.merge_height > 3.0).tolist())
    assert written <= above
    assert written == above & set(np.flatnonzero(labels.merge_kept).tolist())
    boxes = list(zip(*merge_label_boxes(geometry.merge_x, geometry.merge_height, labels.merge_texts, 14, labels.scale)))
    for dropped in above - written:  # each dropped label would collide with a written one
        assert any(_collide(boxes[dropped], boxes[kept], labels.scale) for kept in written), dropped


@pytest.mark.parametrize("p", [24, 35, 150])
def test_turned_leaf_labels_are_thinned_to_a_line_apart(digits_tree, p):
    figure, geometry, _, _ = _draw(digits_tree, p, clusters_for_k(digits_tree, 10))
    scale = DendrogramLabels.of(geometry).scale
    shown = np.asarray(figure.layout.xaxis.tickvals)

    assert figure.layout.xaxis.tickangle == -90
    assert np.diff(shown).min() / scale.x >= text_height(TURNED_LEAF_FONT_SIZE)
    stride = int(round(np.diff(shown).min() / 10))
    assert list(figure.layout.xaxis.ticktext) == list(geometry.leaf_text[::stride])
    if p == 24:
        assert stride == 1  # up to 24 leaves, every leaf keeps its label
    assert len(figure.data[LEAF_TRACE].text) == p  # the hover still names every leaf


# --- the cut line's label ------------------------------------------------------------------


def _place_of(annotation: dict) -> CutLabelPlace:
    """The place an annotation of the cut line's label was put."""
    short = "drag me" not in annotation["text"]
    side = "top" if annotation["yref"] == "paper" else "above" if annotation["yanchor"] == "bottom" else "below"
    if annotation["xref"] == "paper":
        return CutLabelPlace(side, end="right" if annotation["x"] == 1 else "left", short=short)
    return CutLabelPlace(side, anchor=annotation["x"], short=short)


def _cut_label_box(labels, place, height, text):
    """The cut label's box by the rule's own estimate, on the smallest plot."""
    width = (text_width(text, CUT_FONT_SIZE) + 2 * GAP_PX) * labels.scale.x
    tall = (text_height(CUT_FONT_SIZE) + 2 * GAP_PX) * labels.scale.y
    return place.box(height, width, tall, labels.x_span, (1 + HEADROOM) * labels.top)


def test_the_cut_label_at_16_leaves_the_merge_label_15_1_free(classic_tree):
    figure, geometry, _, _ = _draw(classic_tree, 12, clusters_at_height(classic_tree, 16))
    labels = DendrogramLabels.of(geometry)
    label = figure.layout.annotations[0].to_plotly_json()
    box = _cut_label_box(labels, _place_of(label), 16, label["text"])
    written = dict((text, index) for index, text in _written(figure))
    corners = merge_label_boxes(geometry.merge_x, geometry.merge_height, labels.merge_texts, 14, labels.scale)
    merge_box = [corner[written["15.1"]] for corner in corners]

    old = _cut_label_box(labels, CutLabelPlace("above"), 16, label["text"])  # right end, above the line
    assert old.x0 < merge_box[1] and merge_box[0] < old.x1 and old.y0 < merge_box[3] and merge_box[2] < old.y1
    assert not (box.x0 < merge_box[1] and merge_box[0] < box.x1 and box.y0 < merge_box[3] and merge_box[2] < box.y1)


def test_a_cut_just_under_the_top_merge_writes_its_label_off_the_top_link(classic_tree):
    """At 170, under the top merge at 180, the label above the line would sit on the top link's bar: it goes below."""
    top = float(classic_tree.linkage[-1, 2])
    geometry = truncated_geometry(classic_tree, 12)
    labels = DendrogramLabels.of(geometry)
    height = 0.95 * top
    figure, _, _, _ = _draw(classic_tree, 12, clusters_at_height(classic_tree, height))
    label = figure.layout.annotations[0].to_plotly_json()
    place = _place_of(label)
    assert place.side == "below"
    box = _cut_label_box(labels, place, height, label["text"])
    bar = labels.link_boxes[int(np.argmax(geometry.merge_height))]
    assert bar.y0 <= top <= bar.y1 and not box.intersects(bar)
    above = _cut_label_box(labels, CutLabelPlace("above"), height, label["text"])  # where the label used to go
    assert above.intersects(bar)


@pytest.mark.parametrize("dataset", ["classic", "digits"])
@pytest.mark.parametrize("p", [12, 35, 150])
def test_the_cut_label_covers_no_merge_label_at_any_cut(classic_tree, digits_tree, dataset, p):
    tree = classic_tree if dataset == "classic" else digits_tree
    geometry = truncated_geometry(tree, p)
    labels = DendrogramLabels.of(geometry)
    for height in np.linspace(0.5, float(tree.linkage[-1, 2]) * 1.05, 40):
        cut = clusters_at_height(tree, float(height))
        slots = assign_color_slots(cut.roots, None, N_SLOTS)
        updates = cut_updates(geometry, color_links(tree, geometry, cut), slots, float(height))
        label = updates[("layout", "annotations")][0]
        place = _place_of(label)
        assert label == {**label, **place.annotation(float(height))}
        box = _cut_label_box(labels, place, float(height), label["text"])
        assert not any(box.intersects(blocker) for blocker in labels.merge_boxes), (height, place)
        if place.side != "top":  # beside the line, it sits on no link's bar either
            assert not any(box.intersects(bar) for bar in labels.link_boxes), (height, place)
