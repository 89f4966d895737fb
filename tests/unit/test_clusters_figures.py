"""How clusters and a selection show in the figures: marker shapes beyond 8 clusters, clicks, highlights."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from figures.dendrogram import LEAF_TRACE, MERGE_TRACE
from figures.scatter import (
    CLUSTER_SYMBOLS,
    COLOR_PATH,
    PER_CLUSTER,
    SYMBOL_PATH,
    cluster_symbols,
    cut_updates,
    expanded,
    scatter_figure,
)
from figures.selection import dendrogram_selection_updates, node_from_click, scatter_selection_updates
from figures.style import N_SLOTS
from hclust import build_tree, clusters_for_k, project_to_plane, truncated_geometry
from hclust.clusters import samples_under
from hclust.colors import assign_color_slots
from loaders import load_builtin


@pytest.fixture(scope="module")
def classic():
    features = load_builtin("classic").features
    return features, build_tree(features, "ward", "euclidean")


def _decode(typed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]))


# --- marker shapes ---------------------------------------------------------------


def test_shapes_are_circles_while_every_cluster_has_its_own_color():
    assert cluster_symbols(np.arange(8)).tolist() == [0] * 8


def test_cycling_colors_give_shape_index_cluster_minus_one_div_8():
    k = 20
    slots = assign_color_slots(np.arange(k), None, N_SLOTS)
    assert cluster_symbols(slots).tolist() == [(c - 1) // 8 for c in range(1, k + 1)]


def test_no_two_clusters_share_both_color_and_shape():
    slots = np.array([3, 3, 0, 3, 1, 0, 7])  # stable colors can repeat anywhere
    pairs = list(zip(slots.tolist(), cluster_symbols(slots).tolist()))
    assert len(set(pairs)) == len(pairs)


def test_scatter_update_sets_symbols_only_beyond_the_palette(classic):
    features, tree = classic
    few = clusters_for_k(tree, 4)
    assert cut_updates(few, assign_color_slots(few.roots, None, N_SLOTS))[("data", 0, "marker", "symbol")] == "circle"

    many = clusters_for_k(tree, 12)
    slots = assign_color_slots(many.roots, None, N_SLOTS)
    updates = cut_updates(many, slots)
    numbers = [number for number, _ in CLUSTER_SYMBOLS]
    # What a cut sends: one symbol number per cluster, not per sample ...
    assert updates[SYMBOL_PATH] == {PER_CLUSTER: [numbers[(c - 1) // 8] for c in range(1, 13)]}
    # ... written out per sample for plotly (as assets/cut.js paintScatter does on the page).
    symbols = _decode(expanded(updates, many.labels)[SYMBOL_PATH])
    assert symbols.tolist() == [numbers[(c - 1) // 8] for c in many.labels.tolist()]
    assert expanded(updates, many.labels)[COLOR_PATH] == updates[COLOR_PATH]


def test_expanded_leaves_updates_without_per_cluster_symbols_alone(classic):
    _, tree = classic
    few = clusters_for_k(tree, 4)
    updates = cut_updates(few, assign_color_slots(few.roots, None, N_SLOTS))
    assert expanded(updates, few.labels) is updates


def test_scatter_figure_carries_symbols_and_selection_styles(classic):
    features, tree = classic
    cut = clusters_for_k(tree, 10)
    slots = assign_color_slots(cut.roots, None, N_SLOTS)
    figure = scatter_figure(project_to_plane(features, ["x", "y"]), cut, slots, None, webgl=False)

    trace = figure.data[0]
    numbers = [number for number, _ in CLUSTER_SYMBOLS]
    # A whole figure writes the shapes out per sample (a typed array of symbol numbers).
    assert _decode(figure.to_dict()["data"][0]["marker"]["symbol"]).tolist() == [
        numbers[(c - 1) // 8] for c in cut.labels.tolist()
    ]
    assert trace.unselected.marker.opacity < 0.5
    assert trace.selected.marker.size > trace.marker.size


# --- clicks and selection ------------------------------------------------------------


def test_click_on_a_merge_dot_names_its_linkage_row(classic):
    _, tree = classic
    geometry = truncated_geometry(tree, p=12)
    for index, row in enumerate(geometry.link_rows.tolist()):
        click = {"points": [{"curveNumber": MERGE_TRACE, "pointNumber": index, "x": 1, "y": 2}]}
        assert node_from_click(click, geometry, tree.n_samples) == 150 + row


def test_click_on_a_contracted_leaf_names_its_merge(classic):
    _, tree = classic
    geometry = truncated_geometry(tree, p=12)
    index = next(i for i, text in enumerate(geometry.leaf_text) if text == "(33)")
    node = node_from_click({"points": [{"curveNumber": LEAF_TRACE, "pointNumber": index}]}, geometry, 150)

    assert node >= 150 and samples_under(tree, node).size == 33


@pytest.mark.parametrize(
    "click",
    [
        None,
        {"points": [], "xvals": [10], "yvals": [50]},  # a click on the plot moves the cut
        {"points": [{"curveNumber": 0, "pointNumber": 1}]},  # a link line
        {"points": [{"curveNumber": MERGE_TRACE, "pointNumber": 99}]},  # out of range
    ],
)
def test_other_clicks_name_no_node(classic, click):
    _, tree = classic
    assert node_from_click(click, truncated_geometry(tree, p=12), 150) is None


def test_scatter_selection_sets_and_clears_selectedpoints():
    assert scatter_selection_updates(np.array([5, 2, 9])) == {("data", 0, "selectedpoints"): [2, 5, 9]}
    assert scatter_selection_updates(None) == {("data", 0, "selectedpoints"): None}


def test_dendrogram_marks_the_selected_merge_only_when_drawn(classic):
    _, tree = classic
    geometry = truncated_geometry(tree, p=12)
    top = 2 * 150 - 2
    updates = dendrogram_selection_updates(geometry, top, 150)
    assert updates[("data", MERGE_TRACE, "selectedpoints")] == [int(np.flatnonzero(geometry.link_rows == 148)[0])]
    assert updates[("data", LEAF_TRACE, "selectedpoints")] is None

    hidden = dendrogram_selection_updates(geometry, 150, 150)  # the first merge, inside a contracted leaf
    assert hidden[("data", MERGE_TRACE, "selectedpoints")] is None
    assert hidden[("data", LEAF_TRACE, "selectedpoints")] is None
