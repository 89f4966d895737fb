"""The heatmap's numbers: rows in leaf order, contracted leaves as means, z-scores, clustered columns."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering, to_tree
from scipy.spatial.distance import pdist

from hclust import ClusteringError, build_tree, clusters_for_k, color_links, truncated_geometry
from hclust.dendrogram import subtree_geometry
from hclust.heatmap import (
    MAX_HEATMAP_COLUMNS,
    MAX_OPTIMAL_ORDERING,
    column_tree,
    heatmap_data,
    optimally_ordered,
    row_clusters,
)
from hclust.tree import build_tree_from_distances, tree_from_linkage

N, M = 40, 5


@pytest.fixture(scope="module")
def features():
    rng = np.random.default_rng(7)
    centers = rng.normal(0, 5, (4, M))
    return centers[rng.integers(0, 4, N)] + rng.normal(0, 1, (N, M))


@pytest.fixture(scope="module")
def names():
    return [f"f{j}" for j in range(M)]


@pytest.fixture(scope="module")
def tree(features):
    return build_tree(features, "average", "euclidean")


def _members(linkage_matrix, node):
    """A node's samples, the slow and obvious way (SciPy's ClusterNode)."""
    n = linkage_matrix.shape[0] + 1
    root, nodes = to_tree(linkage_matrix, rd=True)
    return np.sort(nodes[node].pre_order()) if node >= n else np.array([node])


def test_with_every_leaf_shown_the_rows_are_scipys_leaf_order(tree, features, names):
    geometry = truncated_geometry(tree, N)

    data = heatmap_data(tree, geometry, features, names)

    np.testing.assert_array_equal(data.row_nodes, leaves_list(tree.linkage))
    np.testing.assert_array_equal(data.row_counts, np.ones(N))
    np.testing.assert_array_equal(data.values, features[leaves_list(tree.linkage)])
    np.testing.assert_array_equal(data.column_order, np.arange(M))
    assert data.column_names == tuple(names) and data.column_linkage is None and data.n_columns_total == M


def test_optimal_ordering_keeps_nodes_and_heights_and_gives_scipys_order(tree, features, names):
    expected = optimal_leaf_ordering(tree.linkage, pdist(features))

    ordered = optimally_ordered(tree, features)
    data = heatmap_data(ordered, truncated_geometry(ordered, N), features, names)

    np.testing.assert_array_equal(ordered.linkage, expected)
    np.testing.assert_array_equal(ordered.linkage[:, 2:], tree.linkage[:, 2:])
    np.testing.assert_array_equal(np.sort(ordered.linkage[:, :2], axis=1), np.sort(tree.linkage[:, :2], axis=1))
    np.testing.assert_array_equal(data.row_nodes, leaves_list(expected))
    rebuilt = tree_from_linkage(expected, tree.method, tree.metric, tree.cophenetic)
    for field in ("leaf_order", "first_leaf", "leaf_span", "parent", "max_dists"):
        np.testing.assert_array_equal(getattr(ordered, field), getattr(rebuilt, field))
    assert (ordered.method, ordered.metric, ordered.cophenetic) == (tree.method, tree.metric, tree.cophenetic)


def test_optimal_ordering_of_precomputed_distances_uses_them(features):
    distances = pdist(features, "cityblock")
    tree = build_tree_from_distances(distances, "complete")

    ordered = optimally_ordered(tree, distances=distances)

    np.testing.assert_array_equal(ordered.linkage, optimal_leaf_ordering(tree.linkage, distances))
    with pytest.raises(ClusteringError, match="features or the distances"):
        optimally_ordered(tree, features=features)


def test_optimal_ordering_is_refused_above_its_cap():
    points = np.random.default_rng(0).random((MAX_OPTIMAL_ORDERING + 1, 2))
    tree = tree_from_linkage(linkage(points, "ward"), "ward", "euclidean", float("nan"))

    with pytest.raises(ClusteringError, match=rf"O\(n\^3\).*up to {MAX_OPTIMAL_ORDERING:,} rows"):
        optimally_ordered(tree, points)


@pytest.mark.parametrize("p", [2, 7, 15])
def test_a_contracted_leaf_is_the_mean_of_its_members(tree, features, names, p):
    geometry = truncated_geometry(tree, p)

    data = heatmap_data(tree, geometry, features, names)

    assert data.n_rows == p and data.row_counts.sum() == N
    np.testing.assert_array_equal(np.sort(data.row_members), np.arange(N))
    for row, node in enumerate(data.row_nodes):
        members = _members(tree.linkage, int(node))
        np.testing.assert_array_equal(np.sort(data.members(row)), members)
        np.testing.assert_allclose(data.values[row], features[members].mean(axis=0), rtol=1e-12)


def test_a_zoomed_branch_has_rows_for_its_samples_only(tree, features, names):
    root = 2 * N - 3  # the last merge but one: a child of the root
    geometry = subtree_geometry(tree, root, 6)

    data = heatmap_data(tree, geometry, features, names)

    np.testing.assert_array_equal(np.sort(data.row_members), _members(tree.linkage, root))
    assert data.row_counts.sum() == tree.linkage[root - N, 3]


def test_z_scores_are_per_column_over_all_samples_and_0_without_spread():
    points = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 4.0], [3.0, 5.0, 6.0], [6.0, 5.0, 0.0]])
    tree = build_tree(points, "single", "euclidean")

    data = heatmap_data(tree, truncated_geometry(tree, 4), points, ["a", "b", "c"], scale="zscore")

    by_sample = np.empty_like(data.values)
    by_sample[data.row_nodes] = data.values
    # Column a: mean 3, population sd sqrt(3.5); column b constant; column c: mean 3, sd sqrt(5).
    expected = np.column_stack([(points[:, 0] - 3) / np.sqrt(3.5), np.zeros(4), (points[:, 2] - 3) / np.sqrt(5)])
    np.testing.assert_allclose(by_sample, expected, rtol=1e-12)
    two = heatmap_data(tree, truncated_geometry(tree, 2), points, ["a", "b", "c"], scale="zscore")
    np.testing.assert_allclose(two.values, [expected[two.members(row)].mean(axis=0) for row in (0, 1)], rtol=1e-12)


def test_clustered_columns_follow_their_linkage(tree, features, names):
    data = heatmap_data(tree, truncated_geometry(tree, 10), features, names, cluster_columns=True)

    np.testing.assert_array_equal(data.column_order, leaves_list(data.column_linkage))
    standardised = (features - features.mean(0)) / features.std(0)
    reference = linkage(standardised.T, "average", "correlation")
    np.testing.assert_allclose(data.column_linkage[:, 2], reference[:, 2], atol=1e-10)
    unclustered = heatmap_data(tree, truncated_geometry(tree, 10), features, names)
    np.testing.assert_array_equal(data.values, unclustered.values[:, data.column_order])
    assert data.column_names == tuple(names[j] for j in data.column_order)
    assert column_tree(data).n_samples == M and column_tree(unclustered) is None


def test_a_constant_column_is_clustered_as_uncorrelated(tree, features):
    with_constant = np.column_stack([features, np.full(N, 3.0)])

    data = heatmap_data(tree, truncated_geometry(tree, 5), with_constant, list("abcdef"), cluster_columns=True)

    assert np.isfinite(data.column_linkage).all()
    assert sorted(data.column_order.tolist()) == list(range(M + 1))
    # At distance 1 from every column, it joins the others at an average distance of exactly 1.
    joins = np.flatnonzero((data.column_linkage[:, :2] == M).any(axis=1))
    assert data.column_linkage[joins[0], 2] == pytest.approx(1.0)


def test_only_the_most_variable_columns_are_kept_in_data_order():
    m = MAX_HEATMAP_COLUMNS + 50
    rng = np.random.default_rng(3)
    spread = rng.permutation(m) + 1.0
    points = rng.normal(0, 1, (30, m))
    points = (points - points.mean(0)) / points.std(0) * spread
    tree = build_tree(points, "ward", "euclidean")

    data = heatmap_data(tree, truncated_geometry(tree, 5), points, [f"c{j}" for j in range(m)])

    np.testing.assert_array_equal(data.column_order, np.sort(np.argsort(-spread)[:MAX_HEATMAP_COLUMNS]))
    assert data.n_columns == MAX_HEATMAP_COLUMNS and data.n_columns_total == m


def test_row_clusters_are_the_drawings_leaf_colours(tree, features):
    geometry = truncated_geometry(tree, 12)
    for k in (1, 3, 8, 20):
        cut = clusters_for_k(tree, k)
        clusters = row_clusters(cut, geometry.leaf_nodes, tree)
        np.testing.assert_array_equal(clusters, color_links(tree, geometry, cut).leaves)
        single = geometry.leaf_nodes < N
        np.testing.assert_array_equal(clusters[single], cut.labels[geometry.leaf_nodes[single]])
    assert (row_clusters(clusters_for_k(tree, 20), geometry.leaf_nodes, tree) == 0).any()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features": np.empty((N, 0))}, "the heatmap needs feature columns; this dataset is a distance matrix"),
        ({"scale": "log"}, "unknown heatmap scale 'log'"),
        ({"feature_names": ["a"]}, "1 feature name"),
        ({"features": np.zeros((N - 1, M))}, "the tree has 40 samples but the features have 39 rows"),
        ({"features": np.full((N, M), np.nan)}, "missing or infinite"),
    ],
)
def test_bad_inputs_are_refused_with_a_reason(tree, features, names, change, message):
    arguments = {"features": features, "feature_names": names, **change}

    with pytest.raises(ClusteringError, match=message):
        heatmap_data(tree, truncated_geometry(tree, 8), **arguments)


def test_a_drawing_of_the_tree_before_reordering_is_refused(tree, features, names):
    ordered = optimally_ordered(tree, features)
    stale = truncated_geometry(tree, N)
    assert not np.array_equal(stale.leaf_nodes, truncated_geometry(ordered, N).leaf_nodes)

    with pytest.raises(ClusteringError, match="reordered"):
        heatmap_data(ordered, stale, features, names)
