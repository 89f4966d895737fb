"""Truncated dendrogram geometry against SciPy, contraction dots and link colors."""

import re
from functools import cache

import numpy as np
import pytest
from scipy.cluster.hierarchy import dendrogram

from hclust import build_tree, clusters_at_height, clusters_for_k, color_links, truncated_geometry
from hclust.dendrogram import MAX_CONTRACTION_DOTS
from loaders import load_builtin

TREES = [
    ("classic", "ward"),
    ("classic", "single"),
    ("moons", "single"),
    ("moons", "complete"),
    ("iris", "average"),
    ("iris", "centroid"),  # has inversions
    ("wine", "weighted"),
]
MONOTONIC_TREES = [case for case in TREES if case[1] not in ("centroid", "median")]
P_VALUES = [2, 5, 12, 30, 150]


@cache
def tree_for(dataset, method):
    return build_tree(load_builtin(dataset).features, method, "euclidean")


@cache
def members_of(dataset, method):
    """Samples under every node id (samples and merges) of a tree."""
    tree = tree_for(dataset, method)
    n = tree.n_samples
    members = [frozenset([i]) for i in range(n)]
    for a, b, _, _ in tree.linkage:
        members.append(members[int(a)] | members[int(b)])
    return members


def node_height(tree, node):
    return 0.0 if node < tree.n_samples else float(tree.linkage[node - tree.n_samples, 2])


def hidden_merge_heights(tree, node):
    """Heights of the merges hidden inside a contracted node (its own merge excluded, as SciPy's marks)."""
    n = tree.n_samples
    heights = []
    stack = [int(c) for c in tree.linkage[node - n, :2]]
    while stack:
        current = stack.pop()
        if current >= n:
            row = current - n
            heights.append(tree.linkage[row, 2])
            stack.extend(int(c) for c in tree.linkage[row, :2])
    return np.sort(heights)


def parent_link_height(tree, geometry, node):
    children = tree.linkage[geometry.link_rows, :2].astype(int)
    (link,) = np.flatnonzero((children == node).any(axis=1))
    return geometry.merge_height[link]


@pytest.fixture(scope="module")
def classic_tree():
    return tree_for("classic", "ward")


# Leaves


def test_leaf_text_equals_scipy_lastp_ivl_for_p_12(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    layout = dendrogram(classic_tree.linkage, truncate_mode="lastp", p=12, no_plot=True)
    assert list(geometry.leaf_text) == layout["ivl"]
    np.testing.assert_array_equal(geometry.leaf_nodes, layout["leaves"])


@pytest.mark.parametrize(("dataset", "method"), TREES)
@pytest.mark.parametrize("p", P_VALUES)
def test_leaf_text_and_coordinates_equal_scipy_lastp(dataset, method, p):
    tree = tree_for(dataset, method)
    geometry = truncated_geometry(tree, p=p)
    layout = dendrogram(tree.linkage, truncate_mode="lastp", p=p, no_plot=True)
    assert list(geometry.leaf_text) == layout["ivl"]
    np.testing.assert_array_equal(geometry.icoord, layout["icoord"])
    np.testing.assert_array_equal(geometry.dcoord, layout["dcoord"])


def test_contracted_leaves_are_labelled_with_their_size_in_brackets(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    n = classic_tree.n_samples
    assert "(33)" in geometry.leaf_text
    for node, text in zip(geometry.leaf_nodes, geometry.leaf_text):
        if node >= n:
            assert re.fullmatch(r"\(\d+\)", text)
            assert int(text[1:-1]) == classic_tree.linkage[node - n, 3]
        else:
            assert text == str(node)


def test_displayed_leaves_hold_every_sample_once(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    members = members_of("classic", "ward")
    covered = sorted(s for node in geometry.leaf_nodes for s in members[node])
    assert covered == list(range(classic_tree.n_samples))


def test_single_sample_leaves_use_sample_names(classic_tree):
    names = [f"s{i}" for i in range(classic_tree.n_samples)]
    geometry = truncated_geometry(classic_tree, p=12, sample_names=names)
    layout = dendrogram(classic_tree.linkage, truncate_mode="lastp", p=12, no_plot=True, labels=names)
    assert list(geometry.leaf_text) == layout["ivl"]
    assert "s40" in geometry.leaf_text
    assert "(33)" in geometry.leaf_text


def test_leaf_x_positions_are_scipy_spacing(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    np.testing.assert_array_equal(geometry.leaf_x, 5.0 + 10.0 * np.arange(12))


@pytest.mark.parametrize(("p", "shown"), [(-3, 2), (0, 2), (1, 2), (12, 12), (150, 150), (10_000, 150)])
def test_p_is_clipped_to_between_2_and_n(classic_tree, p, shown):
    geometry = truncated_geometry(classic_tree, p=p)
    assert geometry.leaf_nodes.size == shown
    assert geometry.link_rows.size == shown - 1


# Links in drawing order


@pytest.mark.parametrize(("dataset", "method"), TREES)
@pytest.mark.parametrize("p", P_VALUES)
def test_link_rows_heights_equal_drawn_heights(dataset, method, p):
    tree = tree_for(dataset, method)
    geometry = truncated_geometry(tree, p=p)
    np.testing.assert_array_equal(tree.linkage[geometry.link_rows, 2], geometry.dcoord[:, 1])
    np.testing.assert_array_equal(geometry.merge_height, geometry.dcoord[:, 1])


@pytest.mark.parametrize(("dataset", "method"), TREES)
@pytest.mark.parametrize("p", P_VALUES)
def test_link_rows_connect_the_drawn_children(dataset, method, p):
    """Each link's legs stand on its linkage row's children: a strict drawing-order check."""
    tree = tree_for(dataset, method)
    n = tree.n_samples
    geometry = truncated_geometry(tree, p=p)
    x_of = dict(zip(geometry.leaf_nodes.tolist(), geometry.leaf_x.tolist()))
    x_of.update(zip((n + geometry.link_rows).tolist(), geometry.merge_x.tolist()))
    leaves = set(geometry.leaf_nodes.tolist())
    for link, row in enumerate(geometry.link_rows):
        left, right = (int(c) for c in tree.linkage[row, :2])
        assert geometry.icoord[link, 0] == x_of[left]
        assert geometry.icoord[link, 3] == x_of[right]
        assert geometry.dcoord[link, 0] == (0.0 if left in leaves else node_height(tree, left))
        assert geometry.dcoord[link, 3] == (0.0 if right in leaves else node_height(tree, right))


@pytest.mark.parametrize("p", P_VALUES)
def test_link_rows_are_the_last_p_minus_1_merges(classic_tree, p):
    geometry = truncated_geometry(classic_tree, p=p)
    n = classic_tree.n_samples
    assert sorted(geometry.link_rows.tolist()) == list(range(n - p, n - 1))


# Contraction dots


@pytest.mark.parametrize(("dataset", "method"), TREES)
@pytest.mark.parametrize("p", [2, 5, 12, 30])
def test_contraction_dots_per_contracted_leaf_are_its_hidden_merges_capped(dataset, method, p):
    tree = tree_for(dataset, method)
    n = tree.n_samples
    geometry = truncated_geometry(tree, p=p)
    assert geometry.contraction_x.shape == geometry.contraction_y.shape
    contracted_x = set()
    for node, x in zip(geometry.leaf_nodes, geometry.leaf_x):
        dots = np.sort(geometry.contraction_y[geometry.contraction_x == x])
        if node < n:
            assert dots.size == 0
            continue
        hidden = hidden_merge_heights(tree, int(node))
        if hidden.size:  # a contracted pair hides no merge: no dot, as in SciPy
            contracted_x.add(x)
        assert hidden.size == tree.linkage[node - n, 3] - 2
        assert dots.size == min(hidden.size, MAX_CONTRACTION_DOTS)
        if hidden.size <= MAX_CONTRACTION_DOTS:
            np.testing.assert_array_equal(dots, hidden)
        else:
            assert dots[0] == hidden[0]
            assert dots[-1] == hidden[-1]
    assert set(geometry.contraction_x.tolist()) == contracted_x


@pytest.mark.parametrize(("dataset", "method"), MONOTONIC_TREES)
@pytest.mark.parametrize("p", [2, 5, 12, 30])
def test_contraction_dots_lie_below_the_contracted_leafs_parent_link(dataset, method, p):
    tree = tree_for(dataset, method)
    geometry = truncated_geometry(tree, p=p)
    for node, x in zip(geometry.leaf_nodes, geometry.leaf_x):
        dots = geometry.contraction_y[geometry.contraction_x == x]
        if dots.size:
            assert dots.max() <= parent_link_height(tree, geometry, int(node))
            assert dots.min() >= 0


def test_full_dendrogram_has_no_contraction_dots(classic_tree):
    geometry = truncated_geometry(classic_tree, p=classic_tree.n_samples)
    assert geometry.contraction_x.size == 0
    assert geometry.contraction_y.size == 0


def test_large_contracted_leaf_is_capped_at_max_dots(classic_tree):
    geometry = truncated_geometry(classic_tree, p=2)
    # Two contracted leaves of 100 and 50 samples: far more hidden merges than the cap.
    assert geometry.contraction_y.size == 2 * MAX_CONTRACTION_DOTS


# Link colors


def unique_label(cut, samples):
    labels = {int(cut.labels[s]) for s in samples}
    return labels.pop() if len(labels) == 1 else 0


@pytest.mark.parametrize(("dataset", "method"), TREES)
@pytest.mark.parametrize("p", [5, 12, 30])
@pytest.mark.parametrize("k", [2, 3, 4, 6])
def test_link_colors_follow_the_cut(dataset, method, p, k):
    tree = tree_for(dataset, method)
    members = members_of(dataset, method)
    n = tree.n_samples
    geometry = truncated_geometry(tree, p=p)
    cut = clusters_for_k(tree, k)
    coloring = color_links(tree, geometry, cut)
    for link, row in enumerate(geometry.link_rows):
        node = n + int(row)
        if tree.max_dists[row] <= cut.height:
            # Fully under the cut: one cluster, that of its samples.
            assert coloring.link[link] == unique_label(cut, members[node]) != 0
        else:
            assert coloring.link[link] == 0
        left, right = (int(c) for c in tree.linkage[row, :2])
        assert coloring.left[link] == unique_label(cut, members[left])
        assert coloring.right[link] == unique_label(cut, members[right])
    for leaf, node in enumerate(geometry.leaf_nodes):
        assert coloring.leaves[leaf] == unique_label(cut, members[node])


def test_links_above_cut_are_zero_and_below_are_colored_on_classic(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    cut = clusters_at_height(classic_tree, 16.0)
    coloring = color_links(classic_tree, geometry, cut)
    above = geometry.merge_height > 16.0
    assert above.sum() == 3  # 4 clusters: the top 3 merges join them
    assert (coloring.link[above] == 0).all()
    assert (coloring.link[~above] > 0).all()


def test_every_cluster_id_appears_in_the_drawing_at_p_12_for_k_4(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    cut = clusters_for_k(classic_tree, 4)
    coloring = color_links(classic_tree, geometry, cut)
    seen = set(np.concatenate([coloring.link, coloring.left, coloring.right, coloring.leaves]).tolist())
    assert seen - {0} == {1, 2, 3, 4}


def test_leaf_colors_match_the_cut_labels_of_their_samples(classic_tree):
    members = members_of("classic", "ward")
    geometry = truncated_geometry(classic_tree, p=12)
    cut = clusters_for_k(classic_tree, 4)
    coloring = color_links(classic_tree, geometry, cut)
    for leaf, node in enumerate(geometry.leaf_nodes):
        labels = {int(cut.labels[s]) for s in members[node]}
        assert labels == {int(coloring.leaves[leaf])}


def test_leaf_colors_run_left_to_right_like_cluster_ids(classic_tree):
    geometry = truncated_geometry(classic_tree, p=12)
    coloring = color_links(classic_tree, geometry, clusters_for_k(classic_tree, 4))
    assert coloring.leaves.tolist() == sorted(coloring.leaves.tolist())
    assert coloring.leaves[0] == 1


def test_contracted_leaf_split_by_the_cut_is_zero(classic_tree):
    geometry = truncated_geometry(classic_tree, p=2)
    coloring = color_links(classic_tree, geometry, clusters_for_k(classic_tree, 4))
    # Both leaves (the 100 and the 50 group) hold two of the four clusters each.
    assert coloring.leaves.tolist() == [0, 0]
