"""Flat clusters: the same partitions as SciPy's fcluster, with stable left-to-right ids."""

import math
import warnings

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster

from hclust import ClusteringError, build_tree, clusters_at_height, clusters_for_k, snap_height
from loaders import load_builtin


def same_partition(a, b):
    """True when two labelings group the samples identically (ids may differ)."""
    a = np.asarray(a)
    b = np.asarray(b)
    return a.shape == b.shape and np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


def ids_in_leaf_order(tree, labels):
    """Cluster ids in the order they are first met walking the leaves left to right."""
    along = labels[tree.leaf_order]
    _, first = np.unique(along, return_index=True)
    return along[np.sort(first)].tolist()


def merges_at_or_below(tree, height):
    return int(np.count_nonzero(tree.sorted_max_dists <= height))


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


@pytest.fixture(scope="module")
def centroid_tree():
    # centroid linkage can make inversions (non-monotonic heights).
    return build_tree(load_builtin("iris").features, "centroid", "euclidean")


@pytest.fixture(scope="module")
def grid_tree():
    # Single linkage on an integer grid: all three merges tie at height 1
    # (so the cophenetic correlation is 0/0; that warning is not under test here).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return build_tree(np.array([[0.0], [1.0], [2.0], [3.0]]), "single", "euclidean")


def test_same_partition_helper_ignores_ids_but_not_grouping():
    assert same_partition([1, 1, 2], [2, 2, 1])
    assert not same_partition([1, 1, 2], [1, 2, 2])


# clusters_at_height


@pytest.mark.parametrize("height", [0.0, 0.05, 1.0, 5.0, 15.11533118, 16.0, 20.0, 50.0, 180.27043021, 1000.0])
def test_cut_at_height_partition_equals_fcluster_distance(classic_tree, height):
    cut = clusters_at_height(classic_tree, height)
    expected = fcluster(classic_tree.linkage, height, criterion="distance")
    assert same_partition(cut.labels, expected)
    assert cut.n_clusters == len(set(expected))
    assert cut.height == height
    assert cut.note == ""


@pytest.mark.parametrize("height", [0.1, 0.3, 0.5, 1.0, 2.0, 4.0])
def test_cut_at_height_partition_equals_fcluster_on_tree_with_inversions(centroid_tree, height):
    cut = clusters_at_height(centroid_tree, height)
    assert same_partition(cut.labels, fcluster(centroid_tree.linkage, height, criterion="distance"))


@pytest.mark.parametrize("height", [0.5, 5.0, 16.0, 20.0, 50.0])
def test_cluster_ids_run_1_to_k_left_to_right_along_leaf_order(classic_tree, height):
    cut = clusters_at_height(classic_tree, height)
    assert ids_in_leaf_order(classic_tree, cut.labels) == list(range(1, cut.n_clusters + 1))
    assert cut.labels.min() == 1
    assert cut.labels.max() == cut.n_clusters


def test_moving_cut_down_keeps_id_of_leftmost_cluster(classic_tree):
    leftmost_sample = classic_tree.leaf_order[0]
    for height in (50.0, 20.0, 16.0, 5.0):
        assert clusters_at_height(classic_tree, height).labels[leftmost_sample] == 1


def test_cut_above_top_merge_gives_one_cluster(classic_tree):
    cut = clusters_at_height(classic_tree, 1e9)
    assert cut.n_clusters == 1
    assert set(cut.labels.tolist()) == {1}


def test_cut_at_zero_gives_one_cluster_per_distinct_sample(classic_tree):
    assert clusters_at_height(classic_tree, 0.0).n_clusters == 150


@pytest.mark.parametrize("height", [-0.001, -5, math.nan, math.inf, None])
def test_invalid_cut_height_is_refused(classic_tree, height):
    with pytest.raises(ClusteringError, match="cut height"):
        clusters_at_height(classic_tree, height)


# clusters_for_k


def test_clusters_for_every_k_match_fcluster_maxclust_on_classic(classic_tree):
    n = classic_tree.n_samples
    for k in range(1, n + 1):
        cut = clusters_for_k(classic_tree, k)
        assert cut.n_clusters == k, k
        assert cut.note == "", k
        assert same_partition(cut.labels, fcluster(classic_tree.linkage, k, criterion="maxclust")), k
        assert ids_in_leaf_order(classic_tree, cut.labels) == list(range(1, k + 1)), k


def test_height_chosen_for_every_k_lies_in_the_range_giving_k_clusters(classic_tree):
    n = classic_tree.n_samples
    for k in range(1, n + 1):
        cut = clusters_for_k(classic_tree, k)
        assert merges_at_or_below(classic_tree, cut.height) == n - k, k
        assert clusters_at_height(classic_tree, cut.height).n_clusters == k, k


def test_four_clusters_are_cut_at_height_16_on_classic(classic_tree):
    assert clusters_for_k(classic_tree, 4).height == 16.0


def test_one_cluster_is_cut_above_the_top_merge(classic_tree):
    cut = clusters_for_k(classic_tree, 1)
    assert cut.height > classic_tree.linkage[-1, 2]


@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_clusters_for_k_match_fcluster_maxclust_on_tree_with_inversions(centroid_tree, k):
    cut = clusters_for_k(centroid_tree, k)
    assert same_partition(cut.labels, fcluster(centroid_tree.linkage, k, criterion="maxclust"))


@pytest.mark.parametrize("k", [2, 3])
def test_unattainable_k_with_tied_heights_gives_fewer_clusters_like_fcluster(grid_tree, k):
    cut = clusters_for_k(grid_tree, k)
    expected = fcluster(grid_tree.linkage, k, criterion="maxclust")
    assert cut.n_clusters < k
    assert cut.n_clusters == len(set(expected)) == 1
    assert same_partition(cut.labels, expected)
    assert cut.note
    assert f"exactly {k} clusters" in cut.note
    assert "height 1" in cut.note


@pytest.mark.parametrize("k", [1, 4])
def test_attainable_k_with_tied_heights_has_no_note(grid_tree, k):
    cut = clusters_for_k(grid_tree, k)
    assert cut.n_clusters == k
    assert cut.note == ""


def test_k_equal_n_with_duplicate_samples_stays_a_height_cut_and_says_why():
    # SciPy's maxclust returns n singletons here, which no cut height gives;
    # the app keeps the cut a height (duplicates share a cluster) and explains.
    tree = build_tree(np.array([[0.0], [0.0], [5.0], [5.0], [9.0]]), "single", "euclidean")
    cut = clusters_for_k(tree, 5)
    assert cut.n_clusters == 3
    assert same_partition(cut.labels, fcluster(tree.linkage, 0.0, criterion="distance"))
    assert "tied at height 0" in cut.note


def test_unattainable_k_below_n_with_duplicate_samples_matches_fcluster_maxclust():
    tree = build_tree(np.array([[0.0], [0.0], [5.0], [5.0], [9.0]]), "single", "euclidean")
    cut = clusters_for_k(tree, 4)
    assert cut.n_clusters == 3
    assert same_partition(cut.labels, fcluster(tree.linkage, 4, criterion="maxclust"))
    assert "height 0" in cut.note


@pytest.mark.parametrize("k", [0, 151, 2.5, -1, math.nan, None])
def test_invalid_k_is_refused(classic_tree, k):
    with pytest.raises(ClusteringError, match="whole number from 1 to 150"):
        clusters_for_k(classic_tree, k)


def test_whole_float_k_is_accepted(classic_tree):
    assert clusters_for_k(classic_tree, 3.0).n_clusters == 3


# snap_height


@pytest.mark.parametrize("raw", [17.471234, 101.23456, 15.98765, 0.0312345, 0.987654321, 23.5, 500.123])
def test_snapped_height_gives_the_same_clusters_as_the_raw_height(classic_tree, raw):
    snapped_cut = clusters_at_height(classic_tree, snap_height(classic_tree, raw))
    raw_cut = clusters_at_height(classic_tree, raw)
    assert snapped_cut.n_clusters == raw_cut.n_clusters
    assert same_partition(snapped_cut.labels, raw_cut.labels)


@pytest.mark.parametrize(("raw", "snapped"), [(17.471234, 20.0), (101.23456, 100.0), (16.0, 16.0)])
def test_snapped_height_is_a_short_number(classic_tree, raw, snapped):
    assert snap_height(classic_tree, raw) == snapped


@pytest.mark.parametrize("raw", [17.471234, 101.23456, 15.98765, 0.0312345, 0.987654321, 500.123])
def test_snapped_height_has_no_more_significant_digits_than_the_raw_height(classic_tree, raw):
    def significant_digits(x):
        return len(f"{x:.15g}".replace(".", "").lstrip("0").rstrip("0").split("e")[0])

    assert significant_digits(snap_height(classic_tree, raw)) <= significant_digits(raw)


@pytest.mark.parametrize("raw", [-0.5, -100.0])
def test_negative_height_snaps_to_zero(classic_tree, raw):
    assert snap_height(classic_tree, raw) == 0.0
