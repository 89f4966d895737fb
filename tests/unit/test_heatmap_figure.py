"""The heatmap figure: rows line up with the row dendrogram's leaves, and a cut is a small update."""

import json

import numpy as np
import pytest

from figures.dendrogram import N_COLOR_TRACES, NEUTRAL_TRACE
from figures.heatmap import (
    COLUMN_TREE_TRACE,
    HEATMAP_TRACE,
    ROW_CONTRACTION_TRACE,
    STRIP_TRACE,
    heatmap_cut_updates,
    heatmap_figure,
)
from figures.style import color_slots
from figures.theme import DARK, LIGHT, PRESENT_DARK, PRESENT_LIGHT
from hclust import build_tree, clusters_for_k, color_links, truncated_geometry
from hclust.colors import assign_color_slots
from hclust.heatmap import heatmap_data, row_clusters

N, M = 60, 6


@pytest.fixture(scope="module")
def features():
    rng = np.random.default_rng(11)
    centers = rng.normal(0, 4, (5, M))
    return centers[rng.integers(0, 5, N)] + rng.normal(0, 1, (N, M))


@pytest.fixture(scope="module")
def tree(features):
    return build_tree(features, "ward", "euclidean")


def _draw(tree, features, p, k, theme=LIGHT, **options):
    geometry = truncated_geometry(tree, p)
    data = heatmap_data(tree, geometry, features, [f"feature {j}" for j in range(M)], **options)
    cut = clusters_for_k(tree, k)
    slots = assign_color_slots(cut.roots, None, len(theme.palette))
    coloring = color_links(tree, geometry, cut)
    clusters = row_clusters(cut, data.row_nodes, tree)
    figure = heatmap_figure(data, geometry, coloring, slots, clusters, theme, revision="r")
    return figure, data, geometry, (clusters, slots, coloring)


def _patched(figure_json: dict, updates: dict) -> dict:
    """Apply ``{path: value}`` to a figure's JSON, as Dash applies a Patch."""
    patched = json.loads(json.dumps(figure_json))
    for path, value in updates.items():
        target = patched
        for key in path[:-1]:
            target = target.setdefault(key, {}) if isinstance(key, str) else target[key]
        target[path[-1]] = value
    return json.loads(json.dumps(patched))


def test_the_figure_has_the_tree_strip_heatmap_and_column_tree(tree, features):
    figure, data, geometry, _ = _draw(tree, features, 15, 4, scale="zscore", cluster_columns=True)

    assert len(figure.data) == COLUMN_TREE_TRACE + 1
    assert all(trace.type == "scatter" and trace.xaxis == "x2" for trace in figure.data[:N_COLOR_TRACES])
    assert figure.data[ROW_CONTRACTION_TRACE].name == "hidden merges"
    strip, heatmap, columns = figure.data[STRIP_TRACE], figure.data[HEATMAP_TRACE], figure.data[COLUMN_TREE_TRACE]
    assert (strip.type, strip.xaxis, heatmap.type, heatmap.xaxis) == ("heatmap", "x3", "heatmap", "x")
    assert {trace.yaxis for trace in figure.data[: HEATMAP_TRACE + 1]} == {"y"}
    assert (columns.xaxis, columns.yaxis) == ("x", "y2") and len(columns.x) > 0
    assert figure.layout.yaxis2.visible is not False
    assert figure.layout.uirevision == "r"


def test_rows_read_top_to_bottom_in_the_dendrograms_leaf_order(tree, features):
    figure, data, geometry, _ = _draw(tree, features, 20, 3)

    heatmap = figure.data[HEATMAP_TRACE]
    assert heatmap.meta["row_nodes"] == geometry.leaf_nodes.tolist() == data.row_nodes.tolist()
    assert heatmap.meta["column_order"] == list(range(M))
    np.testing.assert_array_equal(heatmap.y, geometry.leaf_x)
    np.testing.assert_array_equal(figure.data[STRIP_TRACE].y, geometry.leaf_x)
    np.testing.assert_allclose(heatmap.z, data.values, rtol=1e-6)
    low, high = figure.layout.yaxis.range
    assert low > high and high <= geometry.leaf_x[0]  # reversed: the first leaf at the top
    tree_x = figure.layout.xaxis2.range
    assert tree_x[0] > tree_x[1] == 0  # the root at the left, the leaves against the strip
    assert "feature 0" in heatmap.text[0][0] and "%{z" in heatmap.hovertemplate


def test_the_row_dendrogram_is_drawn_sideways_on_the_leaf_positions(tree, features):
    figure, _, geometry, _ = _draw(tree, features, 12, 1)

    ys = [y for trace in figure.data[:N_COLOR_TRACES] for y in trace.y if y is not None]
    xs = [x for trace in figure.data[:N_COLOR_TRACES] for x in trace.x if x is not None]
    assert sorted(ys) == sorted(geometry.icoord.ravel().tolist())
    assert sorted(xs) == sorted(geometry.dcoord.ravel().tolist())


def test_z_scores_take_a_diverging_scale_centred_at_0_and_values_a_sequential_one(tree, features):
    zscores = _draw(tree, features, 12, 3, scale="zscore")[0].data[HEATMAP_TRACE]
    values = _draw(tree, features, 12, 3)[0].data[HEATMAP_TRACE]

    assert zscores.zmid == 0 and zscores.zmin == -zscores.zmax
    assert zscores.colorbar.title.text == "z-score" and values.colorbar.title.text == "value"
    assert values.zmid is None and zscores.colorscale != values.colorscale


def test_the_strip_holds_each_rows_cluster_colour(tree, features):
    figure, data, _, (clusters, slots, _) = _draw(tree, features, 12, 4)

    assert [row[0] for row in figure.data[STRIP_TRACE].z] == color_slots(clusters, slots).tolist()
    assert figure.data[STRIP_TRACE].colorscale == tuple(tuple(step) for step in LIGHT.colorscale(with_neutral=True))


def test_links_inside_a_cluster_take_its_colour_and_the_others_are_neutral(tree, features):
    figure, _, geometry, (_, _, coloring) = _draw(tree, features, 12, 4)

    neutral_links = figure.data[NEUTRAL_TRACE].x.count(None)
    assert neutral_links == int((coloring.link == 0).sum())
    coloured = sum(trace.x.count(None) for trace in figure.data[:NEUTRAL_TRACE])
    assert coloured == int((coloring.link > 0).sum())


@pytest.mark.parametrize(("first", "second"), [(2, 5), (5, 1), (3, 12)])
def test_a_full_figure_is_the_base_plus_the_cut_updates(tree, features, first, second):
    before = _draw(tree, features, 15, first, cluster_columns=True)[0]
    after, _, geometry, (clusters, slots, coloring) = _draw(tree, features, 15, second, cluster_columns=True)

    updates = heatmap_cut_updates(clusters, slots, coloring, LIGHT, geometry=geometry)

    assert _patched(json.loads(before.to_json()), updates) == json.loads(after.to_json())
    strip = {("data", STRIP_TRACE, "z"), ("data", STRIP_TRACE, "text")}
    lines = {("data", trace, axis) for trace in range(N_COLOR_TRACES) for axis in ("x", "y")}
    assert set(updates) == strip | lines


def test_the_figure_follows_the_theme(tree, features):
    present = _draw(tree, features, 30, 3, PRESENT_LIGHT, scale="zscore")[0]
    dark = _draw(tree, features, 12, 3, PRESENT_DARK, scale="zscore")[0]
    light = _draw(tree, features, 12, 3, DARK, scale="zscore")[0]

    assert present.layout.yaxis.tickfont.size >= 18 and present.layout.xaxis.tickfont.size >= 18
    assert present.layout.font.size == PRESENT_LIGHT.font_size
    assert dark.layout.paper_bgcolor == PRESENT_DARK.background
    assert dark.data[HEATMAP_TRACE].colorscale == light.data[HEATMAP_TRACE].colorscale
    assert dark.data[HEATMAP_TRACE].colorscale != present.data[HEATMAP_TRACE].colorscale  # a dark middle


def test_without_clustered_columns_the_column_tree_is_empty_and_hidden(tree, features):
    figure = _draw(tree, features, 12, 3)[0]

    assert not figure.data[COLUMN_TREE_TRACE].x
    assert figure.layout.yaxis2.visible is False
    assert figure.layout.yaxis.domain == (0.0, 1.0)


def test_many_rows_are_labelled_sparsely(tree, features):
    figure, _, geometry, _ = _draw(tree, features, N, 3)

    labelled = len(figure.layout.yaxis.tickvals)
    assert 5 <= labelled < N
    assert figure.layout.yaxis.tickvals[0] == geometry.leaf_x[0]
