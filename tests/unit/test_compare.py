"""k-means for comparison: scikit-learn's own numbers, and labels matched to the tree's."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from hclust import ClusteringError, build_tree, clusters_for_k
from hclust.aids import Sampling
from hclust.compare import compare_partitions, kmeans_at_k, kmeans_sse_by_k, match_labels
from loaders import load_builtin


def kmeans(features, k):
    with threadpool_limits(limits=1, user_api="openmp"):
        return KMeans(n_clusters=k, n_init=10, random_state=0).fit(features)


@pytest.fixture(scope="module")
def classic():
    return load_builtin("classic").features


def test_sse_per_k_is_kmeans_inertia(classic):
    sweep = kmeans_sse_by_k(classic, 6)
    assert sweep.ks.tolist() == [1, 2, 3, 4, 5, 6]
    for k, sse in zip(sweep.ks, sweep.sse):
        assert sse == pytest.approx(kmeans(classic, int(k)).inertia_, rel=1e-9)
    assert not sweep.sampled


def test_sse_bend_is_the_largest_second_difference(classic):
    sweep = kmeans_sse_by_k(classic, 10)
    second = sweep.sse[:-2] - 2 * sweep.sse[1:-1] + sweep.sse[2:]
    assert sweep.bend_k == int(second.argmax()) + 2 == 2


def test_kmeans_at_k_labels_are_sklearns_plus_one(classic):
    fit = kmeans_at_k(classic, 3)
    model = kmeans(classic, 3)
    np.testing.assert_array_equal(fit.labels, model.labels_ + 1)
    assert fit.inertia == pytest.approx(model.inertia_, rel=1e-9)


def test_ari_equals_sklearns(classic):
    tree = build_tree(classic, "ward", "euclidean")
    for k in (2, 3, 4):
        cut = clusters_for_k(tree, k)
        fit = kmeans_at_k(classic, k)
        agreement = compare_partitions(cut.labels, fit.labels)
        assert agreement.ari == adjusted_rand_score(cut.labels, fit.labels)


def test_harder_sibling_kmeans_and_ward_agree_at_its_5_groups():
    features = load_builtin("classic-harder").features
    tree = build_tree(features, "ward", "euclidean")
    cut = clusters_for_k(tree, 5)
    agreement = compare_partitions(cut.labels, kmeans_at_k(features, 5).labels)
    assert agreement.ari == pytest.approx(adjusted_rand_score(cut.labels, kmeans_at_k(features, 5).labels))
    assert 0 < agreement.ari <= 1


def test_matching_renames_to_the_most_overlapping_cluster():
    reference = np.array([1, 1, 1, 2, 2, 3, 3, 3])
    other = np.array([3, 3, 1, 2, 2, 1, 1, 1])
    # other 3 -> reference 1, other 2 -> reference 2, other 1 -> reference 3.
    assert match_labels(reference, other).tolist() == [1, 1, 3, 2, 2, 3, 3, 3]


def test_matching_is_one_to_one_and_maximises_agreement():
    rng = np.random.default_rng(0)
    reference = rng.integers(1, 5, 200)
    permutation = np.array([0, 3, 1, 4, 2])
    other = permutation[reference]
    noisy = other.copy()
    noisy[:20] = rng.integers(1, 5, 20)
    matched = match_labels(reference, noisy)
    assert sorted(set(matched.tolist())) == [1, 2, 3, 4]
    assert np.count_nonzero(matched == reference) >= 180


def test_unmatched_clusters_get_new_ids():
    reference = np.array([1, 1, 2, 2])
    other = np.array([1, 2, 3, 3])
    matched = match_labels(reference, other)
    assert matched[2] == matched[3] == 2
    assert sorted({int(matched[0]), int(matched[1])}) == [1, 3]


def test_large_data_fits_on_a_seeded_sample_and_labels_every_row():
    rng = np.random.default_rng(3)
    features = np.concatenate([rng.normal(0, 1, (100, 2)), rng.normal(10, 1, (100, 2))])
    sampling = Sampling(above=150, size=120, seed=0)
    rows = np.sort(np.random.RandomState(0).permutation(200)[:120])
    fit = kmeans_at_k(features, 2, sampling)
    assert fit.sampled and fit.n_used == 120 and fit.labels.size == 200
    model = kmeans(features[rows], 2)
    np.testing.assert_array_equal(fit.labels, model.predict(features) + 1)
    sweep = kmeans_sse_by_k(features, 4, sampling)
    assert sweep.sampled
    assert sweep.sse[1] == pytest.approx(model.inertia_, rel=1e-9)


def test_kmeans_needs_features_not_only_distances():
    with pytest.raises(ClusteringError, match="features"):
        kmeans_sse_by_k(np.empty((10, 0)), 5)


@pytest.mark.parametrize("k", [0, 51, 2.5, None])
def test_kmeans_k_out_of_range_is_refused(classic, k):
    with pytest.raises(ClusteringError, match="k-means"):
        kmeans_at_k(classic, k)
