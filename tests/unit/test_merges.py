"""The merge player's pure parts: reading a row of Z, the clusters after merge i, where a merge is drawn."""

from __future__ import annotations

import base64
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage

from components.merge_panel import slider_marks
from figures import merges as merges_fig
from figures.scatter import scatter_figure
from hclust import ClusteringError, build_tree, clusters_for_k, project_to_plane, truncated_geometry
from hclust.dendrogram import subtree_geometry
from hclust.merges import (
    CONTRACTED,
    DRAWN,
    OUTSIDE,
    clusters_after,
    first_step,
    index_hint,
    locate_merge,
    merge_words,
    read_merge,
    row_words,
)
from loaders import load_builtin

MERGE_14 = (
    "merge 14 (Z[13]): sample 62 joins cluster 152 (samples 33, 68, formed in merge 3) at height 0.1726; "
    "the new cluster 163 has 3 samples"
)


@pytest.fixture(scope="module")
def classic():
    return load_builtin("classic").features


@pytest.fixture(scope="module")
def ward(classic):
    return build_tree(classic, "ward", "euclidean")


def decode(typed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]).newbyteorder("<"))


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to the cluster ids: every (a, b) label pair is one-to-one (a contingency check)."""
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist()))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


# Reading a merge


def test_merge_14_is_scipys_row_13_of_the_classic_example(classic, ward):
    scipy_z = linkage(classic, "ward")
    np.testing.assert_allclose(ward.linkage[13], scipy_z[13], rtol=1e-12)
    np.testing.assert_allclose(scipy_z[13], [62, 152, 0.17260, 3], atol=5e-6)
    merge = read_merge(ward, 14)
    assert (merge.row, merge.left.node, merge.right.node, merge.node, merge.size) == (13, 62, 152, 163, 3)
    assert merge.height == ward.linkage[13, 2] == pytest.approx(scipy_z[13, 2], rel=1e-12)
    assert merge.left.is_sample and merge.left.members.tolist() == [62]
    assert sorted(merge.right.members.tolist()) == [33, 68]
    assert merge.right.formed_in == 3  # 152 - 150 = row 2, merge 3
    np.testing.assert_array_equal(scipy_z[2, :2], [33, 68])
    assert merge.clusters_after == 136


def test_merge_14_reads_as_a_sentence_with_both_sides_named(ward):
    merge = read_merge(ward, 14)
    assert merge_words(merge).sentence == MERGE_14
    assert row_words(merge) == "Z[13] = [62, 152, 0.1726, 3]"
    assert index_hint(merge).endswith(
        "n = 150 or more names the cluster formed in row index − n: 152 was formed in Z[2]."
    )


def test_a_sentence_uses_the_sample_labels_when_there_are_some(ward):
    words = merge_words(read_merge(ward, 14), name=lambda index: f"s{index}")
    assert words.left == "sample s62"
    assert words.right == "cluster 152 (samples s33, s68, formed in merge 3)"


def test_a_side_of_more_than_20_samples_is_counted_not_listed(ward):
    last = read_merge(ward, 149)
    words = merge_words(last)
    assert last.left.size + last.right.size == 150
    assert f"({last.left.size} samples, formed in merge {last.left.formed_in})" in words.left
    assert "samples 0" not in words.sentence


def test_the_first_merge_joins_two_samples_and_names_the_cluster_it_forms(ward):
    merge = read_merge(ward, 1)
    assert merge_words(merge).sentence.startswith("merge 1 (Z[0]): sample 52 joins sample 53 at height 0.04151;")
    assert index_hint(merge).endswith("this merge forms cluster 150 = 150 + 0.")


@pytest.mark.parametrize("step", [0, 150, -1, 14.5, True, "14", None])
def test_a_merge_number_outside_1_to_n_minus_1_is_refused_with_the_range(ward, step):
    with pytest.raises(ClusteringError, match="from 1 to 149"):
        read_merge(ward, step)


@pytest.mark.parametrize(("n", "expected"), [(2, 1), (150, 1), (200, 1), (201, 171), (10_000, 9970)])
def test_the_player_starts_at_1_or_30_merges_below_the_top_of_a_large_tree(n, expected):
    assert first_step(n) == expected


# The clusters after merge i


def test_the_classic_example_has_distinct_merge_heights(ward):
    assert np.unique(ward.linkage[:, 2]).size == 149


@pytest.mark.parametrize("step", [0, 1, 13, 14, 75, 140, 147, 148, 149])
def test_clusters_after_merge_i_are_fclusters_maxclust_n_minus_i(ward, step):
    after = clusters_after(ward, step)
    expected = fcluster(ward.linkage, 150 - step, criterion="maxclust")
    assert after.n_clusters == len(set(expected.tolist())) == 150 - step
    assert same_partition(after.labels, expected)


@pytest.mark.parametrize("method", ["single", "complete", "average"])
def test_clusters_after_every_merge_match_fcluster_on_random_data(method):
    points = np.random.default_rng(7).normal(size=(40, 3))
    tree = build_tree(points, method, "euclidean")
    assert np.unique(tree.linkage[:, 2]).size == 39  # distinct heights: maxclust is unambiguous
    for step in range(40):
        expected = fcluster(tree.linkage, 40 - step, criterion="maxclust")
        assert same_partition(clusters_after(tree, step).labels, expected), step


def test_clusters_after_a_merge_are_numbered_left_to_right_and_rooted_at_their_nodes(ward):
    after = clusters_after(ward, 14)
    assert np.all(np.diff(after.labels[ward.leaf_order]) >= 0)
    assert 163 in after.roots.tolist() and 152 not in after.roots.tolist()  # merge 14 swallowed cluster 152
    cluster = after.labels[62]
    assert sorted(np.flatnonzero(after.labels == cluster).tolist()) == [33, 62, 68]
    assert after.roots[cluster - 1] == 163


def test_clusters_after_refuses_more_merges_than_the_tree_has(ward):
    with pytest.raises(ClusteringError, match="from 0 to 149"):
        clusters_after(ward, 150)


# Where a merge is drawn


def test_merge_14_is_inside_the_contracted_leaf_of_33(ward):
    geometry = truncated_geometry(ward, 12)
    location = locate_merge(ward, geometry, read_merge(ward, 14).node)
    assert location.where == CONTRACTED
    assert geometry.leaf_text[location.index] == "(33)"
    assert location.leaf_size == 33
    leaf = int(geometry.leaf_nodes[location.index])
    start, stop = ward.leaf_span[leaf]
    assert {33, 62, 68} <= set(ward.leaf_order[start:stop].tolist())


def test_a_contracted_leafs_own_top_merge_is_inside_it(ward):
    geometry = truncated_geometry(ward, 12)
    leaf = next(i for i, node in enumerate(geometry.leaf_nodes) if node >= 150)
    location = locate_merge(ward, geometry, int(geometry.leaf_nodes[leaf]))
    assert (location.where, location.index) == (CONTRACTED, leaf)


def test_the_last_merges_are_drawn_links(ward):
    geometry = truncated_geometry(ward, 12)
    for step in range(139, 150):
        location = locate_merge(ward, geometry, 150 + step - 1)
        assert location.where == DRAWN
        assert geometry.link_rows[location.index] == step - 1


def test_a_merge_outside_a_zoomed_branch_is_outside(ward):
    left, right = (int(node) for node in ward.linkage[-1, :2])  # the top merge's two clusters
    geometry = subtree_geometry(ward, left, 12)
    assert locate_merge(ward, geometry, 298).where == OUTSIDE  # the top merge, above the branch
    assert locate_merge(ward, geometry, right).where == OUTSIDE  # the other branch
    assert locate_merge(ward, geometry, left).where == DRAWN  # the branch's own top


# The figure updates


def test_the_scatter_lights_sample_62_red_and_33_and_68_amber(ward, classic):
    projection = project_to_plane(classic, ["x", "y"])
    updates = merges_fig.scatter_updates(read_merge(ward, 14), projection.x, projection.y, labelled=False)
    codes = decode(updates[("data", 0, "marker", "color")])
    assert codes.size == 150
    assert np.flatnonzero(codes == 1).tolist() == [62]
    assert np.flatnonzero(codes == 2).tolist() == [33, 68]
    assert updates[("data", 0, "marker", "cmin")] == merges_fig.PLAYER_CMIN < 0.5  # the watcher's sign
    overlay = updates[("data", merges_fig.OVERLAY_TRACE)]
    np.testing.assert_allclose(decode(overlay["x"]), projection.x[[62, 33, 68]], rtol=1e-6)
    np.testing.assert_array_equal(decode(overlay["marker"]["color"]), [1, 2, 2])
    assert decode(overlay["marker"]["size"]).tolist() == [17, 11, 11]  # the left side rings the right


def test_a_side_of_more_than_300_samples_is_not_drawn_again():
    points = np.random.default_rng(1).normal(size=(700, 2))
    tree = build_tree(points, "ward", "euclidean")
    merge = read_merge(tree, 699)
    big = [side for side in (merge.left, merge.right) if side.size > merges_fig.MAX_OVERLAID]
    assert big, (merge.left.size, merge.right.size)
    updates = merges_fig.scatter_updates(merge, points[:, 0], points[:, 1], labelled=False)
    overlay = updates[("data", merges_fig.OVERLAY_TRACE)]
    assert decode(overlay["x"]).size == 700 - sum(side.size for side in big)


@pytest.mark.parametrize("labelled", [False, True])
def test_the_restored_hover_is_the_scatters_own(ward, classic, labelled):
    projection = project_to_plane(classic, ["x", "y"])
    names = tuple(f"s{i}" for i in range(150)) if labelled else None
    cut = clusters_for_k(ward, 2)
    figure = scatter_figure(projection, cut, np.array([0, 1]), names, webgl=False)
    restored = merges_fig.scatter_restore_updates(labelled)
    assert restored[("data", 0, "hovertemplate")] == figure.data[0].hovertemplate


def test_the_dendrogram_marks_leave_the_cut_line_and_its_label_alone(ward):
    geometry = truncated_geometry(ward, 12)
    merge = read_merge(ward, 14)
    updates = merges_fig.dendrogram_updates(merge, locate_merge(ward, geometry, merge.node), geometry)
    assert set(updates) == {("layout", "shapes", 1), ("layout", "shapes", 2), ("layout", "annotations", 1)}
    line, ring = updates[("layout", "shapes", 1)], updates[("layout", "shapes", 2)]
    assert (line["y0"], line["y1"]) == (merge.height, merge.height)
    assert ring["xanchor"] == geometry.leaf_x[geometry.leaf_text.index("(33)")]
    assert "inside (33)" in updates[("layout", "annotations", 1)]["text"]


def test_a_drawn_merge_is_ringed_at_its_link_and_an_outside_one_not_at_all(ward):
    geometry = truncated_geometry(ward, 12)
    top = read_merge(ward, 149)
    ring = merges_fig.dendrogram_updates(top, locate_merge(ward, geometry, top.node), geometry)[("layout", "shapes", 2)]
    assert ring["xanchor"] == geometry.merge_x[list(geometry.link_rows).index(148)]
    assert ring.get("visible", True)
    zoomed = subtree_geometry(ward, int(ward.linkage[-1, 0]), 12)
    hidden = merges_fig.dendrogram_updates(top, locate_merge(ward, zoomed, top.node), zoomed)
    assert hidden[("layout", "shapes", 2)]["visible"] is False
    assert "outside this branch" in hidden[("layout", "annotations", 1)]["text"]


# The slider


def test_a_small_tree_marks_every_merge():
    assert slider_marks(5) == {1: "1", 2: "2", 3: "3", 4: "4", 5: "5"}


@pytest.mark.parametrize("n_merges", [149, 1796, 9999])
def test_a_large_tree_marks_its_ends_and_a_few_round_numbers(n_merges):
    marks = slider_marks(n_merges)
    assert marks[1] == "1" and marks[n_merges] == f"{n_merges:,}"
    assert 4 <= len(marks) <= 8
    inner = sorted(marks)[1:-1]
    assert all(step % 10 == 0 for step in inner)
    assert min(np.diff(sorted(marks))) >= n_merges / 20  # no two marks on top of each other


def test_the_marks_follow_a_dark_theme_and_never_shrink_below_16_px():
    dark = merges_fig.MarkStyle.of(SimpleNamespace(text="#E6EDF3", background="#0D1117", label_size=14))
    assert (dark.ink, dark.paper, dark.muted, dark.font_size) == (
        "#E6EDF3",
        "#0D1117",
        merges_fig.DARK_MUTED_COLOR,
        16,
    )
    projector = merges_fig.MarkStyle.of(SimpleNamespace(text="#1F2328", background="white", label_size=18))
    assert (projector.muted, projector.font_size) == (merges_fig.MUTED_COLOR, 18)
    assert merges_fig.MarkStyle.of(None) == merges_fig.LIGHT_MARKS


def test_the_colorscale_paints_codes_0_1_2_muted_red_amber():
    scale = merges_fig.LIGHT_MARKS.colorscale
    cmin, cmax = merges_fig.PLAYER_CMIN, merges_fig.PLAYER_CMAX

    def color_of(code):
        position = (code - cmin) / (cmax - cmin)
        return next(color for (low, color), (high, _) in zip(scale[::2], scale[1::2]) if low <= position <= high)

    assert [color_of(code) for code in (0, 1, 2)] == [
        merges_fig.MUTED_COLOR,
        merges_fig.LEFT_COLOR,
        merges_fig.RIGHT_COLOR,
    ]
