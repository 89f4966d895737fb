"""Inside the clusters: samples under a node, centroids, medoids and silhouettes against SciPy, pandas and sklearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import to_tree
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import silhouette_samples, silhouette_score

import hclust.clusters as clusters_module
from hclust import ClusteringError, build_tree, clusters_at_height, clusters_for_k, truncated_geometry
from hclust.clusters import clusters_of, node_height, samples_under, summarize_clusters
from hclust.tree import build_tree_from_distances
from loaders import load_builtin


@pytest.fixture(scope="module")
def classic():
    features = load_builtin("classic").features
    return features, build_tree(features, "ward", "euclidean")


@pytest.fixture(scope="module")
def iris():
    features = load_builtin("iris").features
    return features, build_tree(features, "average", "cityblock")


def _scipy_nodes(tree):
    root, nodes = to_tree(tree.linkage, rd=True)
    return nodes


# --- samples under a node --------------------------------------------------------


def test_samples_under_every_node_match_scipy_pre_order(classic):
    _, tree = classic
    for node in _scipy_nodes(tree):
        assert sorted(samples_under(tree, node.id).tolist()) == sorted(node.pre_order()), node.id


def test_samples_under_a_merge_come_in_dendrogram_order(classic):
    _, tree = classic
    root = 2 * tree.n_samples - 2
    assert samples_under(tree, root).tolist() == tree.leaf_order.tolist()


def test_samples_under_contracted_leaves_partition_the_samples(classic):
    _, tree = classic
    geometry = truncated_geometry(tree, p=12)
    nodes = _scipy_nodes(tree)
    together = []
    for leaf in geometry.leaf_nodes.tolist():
        members = samples_under(tree, leaf)
        assert sorted(members.tolist()) == sorted(nodes[leaf].pre_order())
        together.extend(members.tolist())
    # The displayed leaves hold every sample once, left to right.
    assert together == tree.leaf_order.tolist()
    sizes = [int(text.strip("()")) if text.startswith("(") else 1 for text in geometry.leaf_text]
    assert sizes == [samples_under(tree, leaf).size for leaf in geometry.leaf_nodes.tolist()]


def test_row_13_merges_sample_62_with_samples_33_and_68(classic):
    # The reference workflow: Z[13] merges sample 62 with cluster 152, i.e. samples 33 and 68.
    _, tree = classic
    assert sorted(samples_under(tree, 150 + 13).tolist()) == [33, 62, 68]
    assert node_height(tree, 150 + 13) == tree.linkage[13, 2]
    assert node_height(tree, 7) == 0.0


@pytest.mark.parametrize("node", [-1, 299, 1.5, True, None])
def test_a_node_outside_the_tree_is_refused(classic, node):
    _, tree = classic
    with pytest.raises(ClusteringError, match="from 0 to 298"):
        samples_under(tree, node)


def test_clusters_of_counts_samples_per_cluster():
    labels = np.array([1, 2, 2, 3, 3, 3])
    assert clusters_of(labels, np.array([1, 3, 4, 5])) == {2: 1, 3: 3}


# --- the cluster summary -----------------------------------------------------------


def test_sizes_and_centroids_are_pandas_groupby(iris):
    features, tree = iris
    cut = clusters_for_k(tree, 4)
    summary = summarize_clusters(tree, cut.labels, features)

    frame = pd.DataFrame(features).assign(cluster=cut.labels)
    expected = frame.groupby("cluster").mean().to_numpy()
    np.testing.assert_allclose(summary.centroids, expected, rtol=1e-13, atol=1e-13)
    assert summary.sizes.tolist() == frame.groupby("cluster").size().tolist()
    assert summary.n_clusters == 4


def _brute_force_medoid(distances: np.ndarray, members: np.ndarray) -> int:
    block = distances[np.ix_(members, members)]
    return int(members[np.argmin(block.sum(axis=1))])


def test_medoid_minimizes_the_sum_of_distances_in_the_trees_metric(iris):
    features, tree = iris
    cut = clusters_for_k(tree, 5)
    summary = summarize_clusters(tree, cut.labels, features)

    distances = squareform(pdist(features, "cityblock"))
    for cluster in range(1, 6):
        members = np.flatnonzero(cut.labels == cluster)
        assert summary.medoids[cluster - 1] == _brute_force_medoid(distances, members)
        assert cut.labels[summary.medoids[cluster - 1]] == cluster
    assert summary.medoid_note == ""


def test_per_cluster_silhouette_is_the_mean_of_sklearn_silhouette_samples(iris):
    features, tree = iris
    cut = clusters_for_k(tree, 3)
    summary = summarize_clusters(tree, cut.labels, features)

    expected = silhouette_samples(features, cut.labels, metric="cityblock")
    np.testing.assert_allclose(summary.sample_silhouettes, expected, rtol=1e-12, atol=1e-12)
    for cluster in range(1, 4):
        assert summary.silhouettes[cluster - 1] == pytest.approx(expected[cut.labels == cluster].mean(), abs=1e-12)
    assert summary.overall_silhouette == pytest.approx(silhouette_score(features, cut.labels, metric="cityblock"))
    assert summary.silhouette_sampled == 150 and summary.silhouette_note == ""


def test_classic_ward_two_clusters(classic):
    features, tree = classic
    cut = clusters_at_height(tree, 50)
    summary = summarize_clusters(tree, cut.labels, features)

    assert sorted(summary.sizes.tolist()) == [50, 100]
    assert summary.overall_silhouette == pytest.approx(silhouette_score(features, cut.labels))


def test_singleton_cluster_has_no_mean_silhouette():
    features = np.array([[0.0, 0], [0, 1], [1, 0], [10, 10], [30, 30]])
    tree = build_tree(features, "single", "euclidean")
    cut = clusters_for_k(tree, 3)
    summary = summarize_clusters(tree, cut.labels, features)

    singletons = summary.sizes == 1
    assert singletons.sum() == 2
    assert np.isnan(summary.silhouettes[singletons]).all()
    assert np.isfinite(summary.silhouettes[~singletons]).all()
    # Per sample it is scikit-learn's value: 0 for a sample alone in its cluster.
    np.testing.assert_allclose(summary.sample_silhouettes, silhouette_samples(features, cut.labels))


@pytest.mark.parametrize("k", [1, 5])
def test_no_silhouette_for_one_cluster_or_all_singletons(k):
    features = np.array([[0.0], [1.0], [3.0], [7.0], [15.0]])
    tree = build_tree(features, "complete", "euclidean")
    cut = clusters_for_k(tree, k)
    summary = summarize_clusters(tree, cut.labels, features)

    assert np.isnan(summary.silhouettes).all() and np.isnan(summary.sample_silhouettes).all()
    assert np.isnan(summary.overall_silhouette)
    assert "2 to n - 1 clusters" in summary.silhouette_note


def test_large_n_uses_a_seeded_subset_and_says_so(classic):
    features, tree = classic
    cut = clusters_at_height(tree, 16)
    first = summarize_clusters(tree, cut.labels, features, max_silhouette_samples=60)
    again = summarize_clusters(tree, cut.labels, features, max_silhouette_samples=60)

    computed = np.isfinite(first.sample_silhouettes)
    assert computed.sum() == 60 == first.silhouette_sampled
    assert "random subset of 60 of the 150 samples" in first.silhouette_note
    np.testing.assert_array_equal(first.sample_silhouettes, again.sample_silhouettes)
    subset = np.flatnonzero(computed)
    expected = silhouette_samples(features[subset], cut.labels[subset])
    np.testing.assert_allclose(first.sample_silhouettes[subset], expected, rtol=1e-12, atol=1e-12)


def test_large_cluster_medoid_is_estimated_and_noted(classic, monkeypatch):
    features, tree = classic
    cut = clusters_at_height(tree, 50)
    monkeypatch.setattr(clusters_module, "MAX_EXACT_MEDOID", 60)
    monkeypatch.setattr(clusters_module, "MEDOID_CANDIDATES", 20)
    summary = summarize_clusters(tree, cut.labels, features)

    big = [c for c in (1, 2) if summary.sizes[c - 1] > 60]
    assert big and all(str(c) in summary.medoid_note for c in big)
    for cluster in (1, 2):
        assert cut.labels[summary.medoids[cluster - 1]] == cluster


def test_a_huge_clusters_medoid_is_scored_on_a_bounded_sample_of_its_members(monkeypatch):
    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(0, 1, (900, 2)), rng.normal(20, 1, (300, 2))])
    tree = build_tree(features, "single", "euclidean")
    cut = clusters_for_k(tree, 2)
    monkeypatch.setattr(clusters_module, "MAX_EXACT_MEDOID", 100)
    monkeypatch.setattr(clusters_module, "MEDOID_CANDIDATES", 50)
    monkeypatch.setattr(clusters_module, "MEDOID_REFERENCE", 400)
    asked = []
    real_block = clusters_module._DistanceSource.block

    def counting_block(self, rows, cols):
        asked.append(cols.size)
        return real_block(self, rows, cols)

    monkeypatch.setattr(clusters_module._DistanceSource, "block", counting_block)
    summary = summarize_clusters(tree, cut.labels, features)

    assert max(asked) == 400  # the 900-member cluster: 400 reference members, not 900
    assert "scored on 400 random members" in summary.medoid_note
    big = int(np.argmax(summary.sizes))
    members = features[cut.labels == big + 1]
    totals = np.sqrt(((members[:, None, :] - members[None, :, :]) ** 2).sum(axis=2)).sum(axis=1)
    estimated = np.sqrt(((members - features[summary.medoids[big]]) ** 2).sum(axis=1)).sum()
    assert estimated <= 1.05 * totals.min() < np.median(totals)  # nearly as central as the exact medoid


def test_precomputed_distances_give_the_same_medoids_and_silhouettes(iris):
    features, _ = iris
    distances = pdist(features, "cityblock")
    tree = build_tree_from_distances(distances, "average")
    cut = clusters_for_k(tree, 3)
    summary = summarize_clusters(tree, cut.labels, np.empty((150, 0)), distances)

    square = squareform(distances)
    assert summary.centroids.shape == (3, 0)
    for cluster in range(1, 4):
        members = np.flatnonzero(cut.labels == cluster)
        assert summary.medoids[cluster - 1] == _brute_force_medoid(square, members)
    expected = silhouette_samples(square, cut.labels, metric="precomputed")
    np.testing.assert_allclose(summary.sample_silhouettes, expected, rtol=1e-12, atol=1e-12)


def test_precomputed_tree_without_its_distances_is_refused(iris):
    features, _ = iris
    tree = build_tree_from_distances(pdist(features), "average")
    with pytest.raises(ClusteringError, match="precomputed distances"):
        summarize_clusters(tree, clusters_for_k(tree, 2).labels, np.empty((150, 0)))


def test_labels_must_number_clusters_from_one(classic):
    features, tree = classic
    with pytest.raises(ClusteringError):
        summarize_clusters(tree, np.zeros(150, dtype=int), features)
    with pytest.raises(ClusteringError, match="without gaps"):
        summarize_clusters(tree, np.where(np.arange(150) < 75, 1, 3), features)
