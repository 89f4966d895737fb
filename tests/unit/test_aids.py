"""Aids for choosing the cut: every number equals SciPy's or scikit-learn's own."""

import math

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, inconsistent
from scipy.spatial.distance import pdist
from sklearn.metrics import silhouette_samples, silhouette_score

from hclust import ClusteringError, build_tree, clusters_at_height, clusters_for_k
from hclust.aids import (
    CUT_CRITERIA,
    Sampling,
    elbow_k,
    inconsistency_table,
    max_coefficient,
    merge_height_profile,
    merges_split,
    sampled_distances,
    silhouette_by_k,
    silhouette_per_cluster,
)
from hclust.cut import clusters_inconsistent
from hclust.tree import build_tree_from_distances
from loaders import load_builtin


def same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


@pytest.fixture(scope="module")
def classic():
    features = load_builtin("classic").features
    return features, build_tree(features, "ward", "euclidean")


@pytest.fixture(scope="module")
def harder():
    features = load_builtin("classic-harder").features
    return features, build_tree(features, "ward", "euclidean")


# --- merge heights and the elbow ------------------------------------------------


def test_elbow_suggests_2_for_the_classic_example(classic):
    assert merge_height_profile(classic[1]).suggested_k == 2
    assert elbow_k(classic[1]) == 2


def test_elbow_suggests_4_for_the_harder_sibling_though_it_has_5_groups(harder):
    assert merge_height_profile(harder[1]).suggested_k == 4


@pytest.mark.parametrize("last", [3, 5, 10, 20])
def test_heights_and_acceleration_are_the_notebooks_arrays(classic, last):
    z = classic[1].linkage
    profile = merge_height_profile(classic[1], last)
    np.testing.assert_array_equal(profile.heights, z[-last:, 2][::-1])
    np.testing.assert_array_equal(profile.acceleration, np.diff(z[-last:, 2], 2)[::-1])
    assert profile.suggested_k == int(np.diff(z[-last:, 2], 2)[::-1].argmax()) + 2
    assert profile.height_ks.tolist() == list(range(1, last + 1))
    assert profile.acceleration_ks.tolist() == list(range(2, last))


def test_default_profile_uses_the_last_10_merges(classic):
    z = classic[1].linkage
    profile = merge_height_profile(classic[1])
    assert profile.last == 10
    np.testing.assert_array_equal(profile.acceleration, np.diff(z[-10:, 2], 2)[::-1])
    # The reference's last four heights, top first.
    np.testing.assert_allclose(profile.heights[:4], [180.27043, 23.12199, 17.11527, 15.11533], atol=5e-6)


def test_elbow_never_suggests_1(classic):
    # Even for a tree that is one tight blob, k starts at 2.
    rng = np.random.default_rng(0)
    blob = build_tree(rng.normal(size=(40, 2)), "ward", "euclidean")
    for tree in (classic[1], blob):
        for last in range(3, 30):
            assert merge_height_profile(tree, last).suggested_k >= 2


def test_small_tree_has_no_acceleration_and_suggests_2():
    tree = build_tree(np.array([[0.0], [1.0], [5.0]]), "single", "euclidean")
    profile = merge_height_profile(tree)
    assert profile.acceleration.size == 0
    assert profile.suggested_k == 2
    assert profile.heights.tolist() == [4.0, 1.0]


@pytest.mark.parametrize("last", [2, 0, 2.5, None, "10", True, 101])
def test_merge_count_out_of_range_is_refused(classic, last):
    with pytest.raises(ClusteringError, match="number of merges N"):
        merge_height_profile(classic[1], last)


# --- inconsistency ----------------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 10])
def test_inconsistency_table_is_scipys_for_the_top_merges(classic, depth):
    z = classic[1].linkage
    table = inconsistency_table(classic[1], depth)
    expected = inconsistent(z, depth)[-10:][::-1]
    assert table.depth == depth
    assert table.rows.tolist() == list(range(148, 138, -1))
    np.testing.assert_array_equal(table.heights, z[-10:, 2][::-1])
    np.testing.assert_array_equal(table.mean, expected[:, 0])
    np.testing.assert_array_equal(table.std, expected[:, 1])
    np.testing.assert_array_equal(table.count, expected[:, 2])
    np.testing.assert_array_equal(table.coefficient, expected[:, 3])


def test_inconsistency_reference_numbers_depend_on_depth(classic):
    assert round(inconsistency_table(classic[1], 5).coefficient[0], 5) == 5.22936
    assert round(inconsistency_table(classic[1], 3).coefficient[0], 5) == 2.25872


def test_inconsistency_table_of_a_small_tree_has_every_merge():
    tree = build_tree(np.array([[0.0], [1.0], [5.0], [11.0]]), "average", "euclidean")
    table = inconsistency_table(tree, 2, top=10)
    assert table.rows.tolist() == [2, 1, 0]


@pytest.mark.parametrize("depth", [0, -1, 1.5, None, 51])
def test_bad_depth_is_refused(classic, depth):
    with pytest.raises(ClusteringError, match="depth"):
        inconsistency_table(classic[1], depth)


@pytest.mark.parametrize("depth", [2, 3, 5])
def test_no_coefficient_exceeds_the_bound_for_its_depth(harder, depth):
    assert inconsistent(harder[1].linkage, depth)[:, 3].max() <= max_coefficient(depth) + 1e-12


def test_depth_2_bound_is_2_over_root_3():
    assert max_coefficient(2) == pytest.approx(2 / math.sqrt(3))


def test_merges_split_are_the_top_k_minus_1_for_a_height_cut(classic):
    tree = classic[1]
    rows = np.arange(tree.n_samples - 2, tree.n_samples - 12, -1)
    for k in (1, 2, 3, 4, 7):
        split = merges_split(tree, clusters_for_k(tree, k).labels, rows)
        assert split.tolist() == [True] * (k - 1) + [False] * (10 - k + 1)


# --- the inconsistent cut criterion -------------------------------------------------


@pytest.mark.parametrize(("t", "depth"), [(0.8, 2), (1.0, 2), (1.2, 2), (2.0, 3), (3.0, 4), (5.0, 5), (8.0, 10)])
def test_inconsistent_cut_is_fclusters_partition(classic, t, depth):
    tree = classic[1]
    cut = clusters_inconsistent(tree, t, depth)
    expected = fcluster(tree.linkage, t, criterion="inconsistent", depth=depth)
    assert same_partition(cut.labels, expected)
    assert cut.n_clusters == len(set(expected))
    assert math.isnan(cut.height)
    # Numbered left to right like every other cut.
    along = cut.labels[tree.leaf_order]
    assert along[np.sort(np.unique(along, return_index=True)[1])].tolist() == list(range(1, cut.n_clusters + 1))


def test_inconsistent_cut_t5_depth5_makes_2_clusters_of_the_classic_example(classic):
    cut = clusters_inconsistent(classic[1], 5, 5)
    assert cut.n_clusters == 2
    assert same_partition(cut.labels, clusters_for_k(classic[1], 2).labels)


def test_inconsistent_cut_on_a_tree_with_inversions():
    tree = build_tree(load_builtin("iris").features, "centroid", "euclidean")
    cut = clusters_inconsistent(tree, 1.0, 3)
    assert same_partition(cut.labels, fcluster(tree.linkage, 1.0, criterion="inconsistent", depth=3))


@pytest.mark.parametrize(("t", "depth"), [(-1, 2), (math.nan, 2), (None, 2), (1.0, 0), (1.0, 2.5), (1.0, None)])
def test_inconsistent_cut_refuses_bad_arguments(classic, t, depth):
    with pytest.raises(ClusteringError, match="inconsistency"):
        clusters_inconsistent(classic[1], t, depth)


def test_criteria_table_names_fclusters_three_criteria():
    assert list(CUT_CRITERIA) == ["distance", "maxclust", "inconsistent"]


# --- silhouette ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["ward", "average", "single"])
def test_silhouette_per_k_equals_sklearns_on_maxclust_labels(classic, method):
    features = classic[0]
    tree = build_tree(features, method, "euclidean")
    sweep = silhouette_by_k(tree, sampled_distances(tree, features=features), 10)
    assert sweep.ks.tolist() == list(range(2, 11))
    for k, score in zip(sweep.ks, sweep.scores):
        labels = fcluster(tree.linkage, k, criterion="maxclust")
        assert score == pytest.approx(silhouette_score(features, labels, metric="euclidean"), rel=1e-12)
    assert not sweep.sampled


@pytest.mark.parametrize("metric", ["cityblock", "cosine", "chebyshev"])
def test_silhouette_uses_the_linkages_metric(classic, metric):
    features = classic[0]
    tree = build_tree(features, "average", metric)
    sweep = silhouette_by_k(tree, sampled_distances(tree, features=features), 5)
    for k, score in zip(sweep.ks, sweep.scores):
        labels = fcluster(tree.linkage, k, criterion="maxclust")
        assert score == pytest.approx(silhouette_score(features, labels, metric=metric), rel=1e-9)


def test_silhouette_of_the_harder_sibling_is_highest_at_its_5_groups(harder):
    sweep = silhouette_by_k(harder[1], sampled_distances(harder[1], features=harder[0]), 10)
    assert sweep.best_k == 5


def test_silhouette_with_precomputed_distances(classic):
    distances = pdist(classic[0], "cityblock")
    tree = build_tree_from_distances(distances, "average")
    sweep = silhouette_by_k(tree, sampled_distances(tree, distances=distances), 6)
    for k, score in zip(sweep.ks, sweep.scores):
        labels = fcluster(tree.linkage, k, criterion="maxclust")
        assert score == pytest.approx(silhouette_score(classic[0], labels, metric="cityblock"), rel=1e-9)


def test_per_cluster_silhouette_is_the_mean_of_sklearns_samples(classic):
    features, tree = classic
    cut = clusters_at_height(tree, 16.0)
    result = silhouette_per_cluster(sampled_distances(tree, features=features), cut.labels)
    values = silhouette_samples(features, cut.labels)
    assert result.clusters.tolist() == [1, 2, 3, 4]
    for cluster, mean, size in zip(result.clusters, result.means, result.sizes):
        assert mean == pytest.approx(values[cut.labels == cluster].mean(), rel=1e-12)
        assert size == np.count_nonzero(cut.labels == cluster)
    assert result.overall == pytest.approx(silhouette_score(features, cut.labels), rel=1e-12)


def test_per_cluster_silhouette_is_undefined_for_one_cluster(classic):
    features, tree = classic
    result = silhouette_per_cluster(sampled_distances(tree, features=features), np.ones(150, dtype=int))
    assert math.isnan(result.overall)
    assert result.clusters.size == 0


def test_large_data_uses_sklearns_seeded_sample():
    rng = np.random.default_rng(1)
    features = np.concatenate([rng.normal(0, 1, (60, 2)), rng.normal(8, 1, (60, 2))])
    tree = build_tree(features, "ward", "euclidean")
    sampling = Sampling(above=100, size=80, seed=0)
    data = sampled_distances(tree, features=features, sampling=sampling)
    assert data.sampled and data.n_used == 80 and data.n_total == 120
    sweep = silhouette_by_k(tree, data, 4)
    assert sweep.sampled
    for k, score in zip(sweep.ks, sweep.scores):
        labels = fcluster(tree.linkage, k, criterion="maxclust")
        expected = silhouette_score(features, labels, sample_size=80, random_state=0)
        assert score == pytest.approx(expected, rel=1e-12)


def test_sampled_block_of_precomputed_distances_equals_the_square_matrix():
    from scipy.spatial.distance import squareform

    rng = np.random.default_rng(2)
    features = rng.normal(size=(50, 3))
    distances = pdist(features)
    tree = build_tree_from_distances(distances, "average")
    data = sampled_distances(tree, distances=distances, sampling=Sampling(above=10, size=20, seed=3))
    rows = np.sort(np.random.RandomState(3).permutation(50)[:20])
    np.testing.assert_array_equal(data.rows, rows)
    np.testing.assert_array_equal(data.square, squareform(distances)[np.ix_(rows, rows)])


def test_sampled_distances_wants_exactly_one_source(classic):
    with pytest.raises(ClusteringError, match="exactly one"):
        sampled_distances(classic[1])
    with pytest.raises(ClusteringError, match="exactly one"):
        sampled_distances(classic[1], features=classic[0], distances=pdist(classic[0]))


@pytest.mark.parametrize("k_max", [1, 31, 2.5, None])
def test_silhouette_k_max_out_of_range_is_refused(classic, k_max):
    with pytest.raises(ClusteringError, match="largest k"):
        silhouette_by_k(classic[1], sampled_distances(classic[1], features=classic[0]), k_max)


def test_the_per_cluster_silhouette_figure_is_valid_plotly_data(classic):
    import plotly.graph_objects as go

    from figures.aids import cluster_silhouette_figure

    features, tree = classic
    cut = clusters_at_height(tree, 16.0)
    result = silhouette_per_cluster(sampled_distances(tree, features=features), cut.labels)
    figure = cluster_silhouette_figure(result, np.array([0, 1, 2, 3]))
    validated = go.Figure(figure, skip_invalid=False)  # raises on any attribute plotly does not know
    assert list(validated.data[0].y) == pytest.approx(result.means.tolist())
    assert validated.layout.xaxis.type == "category"
    assert validated.layout.shapes[0].y0 == pytest.approx(result.overall)


@pytest.mark.parametrize(("best", "anchor"), [(2, "left"), (3, "left"), (9, "right"), (10, "right")])
def test_the_highest_k_label_runs_away_from_the_axis_and_stays_in_the_plot(best, anchor):
    # At k = 2 (the axis' first k) a centred label wrote over the y axis' "1" tick.
    from figures.aids import silhouette_k_updates
    from hclust.aids import SilhouetteSweep

    ks = np.arange(2, 11)
    scores = np.where(ks == best, 0.9, 0.4)
    sweep = SilhouetteSweep(ks=ks, n_clusters=ks, scores=scores, n_used=100, n_total=100)
    label = next(a for a in silhouette_k_updates(sweep, 5)[("layout", "annotations")] if "highest" in a["text"])
    assert label["xanchor"] == anchor
    assert (label["ax"] > 0) == (anchor == "left")  # the arrow's end is where the text starts
