"""Other algorithms at the same k: scikit-learn's seeded results, sampling, assign, errors."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from hclust import ClusteringError
from hclust.aids import Sampling
from hclust.algorithms import (
    COMPARISON_ALGORITHMS,
    DEFAULT_ALGORITHM,
    SPECTRAL_MAX_ROWS,
    fit_algorithm,
)


def pasted(name, k):
    """The estimator a user gets by pasting the import and constructor lines."""
    algorithm = COMPARISON_ALGORITHMS[name]
    namespace = {}
    exec(algorithm.import_line(), namespace)
    return eval(algorithm.code(k), namespace)


def sklearn_labels(name, features, k):
    with threadpool_limits(limits=1, user_api="openmp"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # spectral: a graph that is not connected
        return pasted(name, k).fit_predict(features)


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(300, centers=3, cluster_std=1.0, random_state=1)


def test_table_keys_and_default():
    assert list(COMPARISON_ALGORITHMS) == ["kmeans", "minibatch-kmeans", "spectral", "gmm", "hdbscan"]
    assert DEFAULT_ALGORITHM in COMPARISON_ALGORITHMS
    assert [a.uses_k for a in COMPARISON_ALGORITHMS.values()] == [True, True, True, True, False]
    for name, algorithm in COMPARISON_ALGORITHMS.items():
        assert algorithm.name == name and algorithm.label and algorithm.limits.endswith(".")


def test_code_lines_are_exact():
    codes = {name: a.code(3) for name, a in COMPARISON_ALGORITHMS.items()}
    assert codes["kmeans"] == "KMeans(n_clusters=3, n_init=10, random_state=0)"
    assert codes["minibatch-kmeans"] == "MiniBatchKMeans(n_clusters=3, n_init=3, random_state=0)"
    assert codes["spectral"] == (
        "SpectralClustering(n_clusters=3, affinity='nearest_neighbors', n_neighbors=10, "
        "assign_labels='cluster_qr', random_state=0)"
    )
    assert codes["gmm"] == "GaussianMixture(n_components=3, random_state=0)"
    assert codes["hdbscan"] == "HDBSCAN(min_cluster_size=5, copy=True)"
    assert COMPARISON_ALGORITHMS["gmm"].import_line() == "from sklearn.mixture import GaussianMixture"
    assert COMPARISON_ALGORITHMS["hdbscan"].import_line() == "from sklearn.cluster import HDBSCAN"


def test_kmeans_settings_are_compares():
    from hclust.compare import kmeans_at_k

    features, _ = make_blobs(200, centers=4, random_state=3)
    fit = fit_algorithm("kmeans", features, 4)
    assert adjusted_rand_score(fit.labels, kmeans_at_k(features, 4).labels) == 1.0


@pytest.mark.parametrize("name", list(COMPARISON_ALGORITHMS))
def test_each_algorithm_gives_sklearns_seeded_result(name, blobs):
    features, _ = blobs
    fit = fit_algorithm(name, features, 3)
    expected = sklearn_labels(name, features, 3)
    assert fit.algorithm == name and fit.n_used == fit.n_total == 300
    assert adjusted_rand_score(expected, fit.labels) == 1.0
    assert fit.labels.dtype == np.int64 and fit.labels.min() >= 0
    assert fit.n_clusters == np.unique(fit.labels[fit.labels > 0]).size
    assert fit.n_noise == np.count_nonzero(expected < 0) == np.count_nonzero(fit.labels == 0)
    assert fit.centers.shape == (fit.n_clusters, 2)
    assert fit_algorithm(name, features, 3).labels.tolist() == fit.labels.tolist()  # seeded


def test_ids_follow_first_occurrence(blobs):
    labels = fit_algorithm("kmeans", blobs[0], 3).labels
    _, first = np.unique(labels, return_index=True)
    assert labels[np.sort(first)].tolist() == [1, 2, 3]


def test_centers_are_the_models_or_the_cluster_means(blobs):
    features, _ = blobs
    kmeans = fit_algorithm("kmeans", features, 3)
    for cluster in (1, 2, 3):
        np.testing.assert_allclose(kmeans.centers[cluster - 1], features[kmeans.labels == cluster].mean(axis=0))
    spectral = fit_algorithm("spectral", features, 3)
    for cluster in (1, 2, 3):
        np.testing.assert_allclose(spectral.centers[cluster - 1], features[spectral.labels == cluster].mean(axis=0))


def test_spectral_separates_the_moons_kmeans_does_not():
    features, moons = make_moons(200, noise=0.05, random_state=0)
    spectral = adjusted_rand_score(moons, fit_algorithm("spectral", features, 2).labels)
    kmeans = adjusted_rand_score(moons, fit_algorithm("kmeans", features, 2).labels)
    assert spectral == pytest.approx(1.0)
    assert kmeans == pytest.approx(0.2564, abs=1e-4)


def test_hdbscan_ignores_k_and_counts_its_own():
    features, moons = make_moons(200, noise=0.05, random_state=0)
    fits = [fit_algorithm("hdbscan", features, k) for k in (2, 7, None)]
    assert all(f.labels.tolist() == fits[0].labels.tolist() for f in fits)
    assert fits[0].n_clusters == 2 and fits[0].n_noise == 0
    assert adjusted_rand_score(moons, fits[0].labels) == 1.0


def test_hdbscan_noise_is_zero():
    features, _ = make_blobs(300, centers=3, random_state=1)
    fit = fit_algorithm("hdbscan", features, 3)
    assert fit.n_noise > 0
    assert np.count_nonzero(fit.labels == 0) == fit.n_noise


@pytest.mark.parametrize("name", ["kmeans", "minibatch-kmeans", "gmm"])
def test_sampling_fits_a_subset_and_predicts_every_row(name):
    features, _ = make_blobs(500, centers=3, random_state=2)
    sampling = Sampling(above=200, size=150, seed=0)
    fit = fit_algorithm(name, features, 3, sampling)
    assert (fit.n_used, fit.n_total, fit.sampled, fit.n_unassigned) == (150, 500, True, 0)
    assert np.all(fit.labels > 0)
    rows = sampling.rows(500)
    expected = sklearn_labels(name, features[rows], 3)
    assert adjusted_rand_score(expected, fit.labels[rows]) == 1.0


@pytest.mark.parametrize("name", ["spectral", "hdbscan"])
def test_sampling_leaves_unfitted_rows_at_zero(name):
    features, _ = make_blobs(500, centers=3, random_state=2)
    sampling = Sampling(above=200, size=150, seed=0)
    fit = fit_algorithm(name, features, 3, sampling)
    rows = sampling.rows(500)
    outside = np.setdiff1d(np.arange(500), rows)
    assert (fit.n_used, fit.n_unassigned) == (150, 350)
    assert np.all(fit.labels[outside] == 0)
    assert adjusted_rand_score(sklearn_labels(name, features[rows], 3), fit.labels[rows]) == 1.0


def test_spectral_has_its_own_cap():
    features, _ = make_blobs(SPECTRAL_MAX_ROWS + 200, centers=3, n_features=2, random_state=0)
    wide = Sampling(above=10_000, size=10_000, seed=0)
    assert fit_algorithm("spectral", features, 3, wide).n_used == SPECTRAL_MAX_ROWS
    assert fit_algorithm("kmeans", features, 3, wide).n_used == SPECTRAL_MAX_ROWS + 200


def test_assign_equals_predict_for_kmeans(blobs):
    features, _ = blobs
    fit = fit_algorithm("kmeans", features, 3)
    grid = np.random.default_rng(0).uniform(features.min(0), features.max(0), size=(1000, 2))
    with threadpool_limits(limits=1, user_api="openmp"):
        predicted = pasted("kmeans", 3).fit(features).predict(grid)
    assigned = fit.assign(grid)
    assert adjusted_rand_score(predicted, assigned) == 1.0
    np.testing.assert_array_equal(fit.assign(features), fit.labels)


def test_assign_uses_nearest_centre_without_predict(blobs):
    features, _ = blobs
    fit = fit_algorithm("hdbscan", features, 3)
    points = fit.centers + 0.01
    assert fit.assign(points).tolist() == list(range(1, fit.n_clusters + 1))
    assert np.all(fit.assign(features) > 0)


def test_a_fit_pickles(blobs):
    fit = fit_algorithm("gmm", blobs[0], 3)
    again = pickle.loads(pickle.dumps(fit))
    np.testing.assert_array_equal(again.assign(blobs[0]), fit.labels)


def test_spectral_notes_a_disconnected_graph(blobs):
    fit = fit_algorithm("spectral", blobs[0], 3)
    assert any("not fully connected" in note for note in fit.notes)


@pytest.mark.parametrize(
    ("name", "features", "k", "message"),
    [
        ("dbscan", np.zeros((20, 2)), 2, "unknown clustering algorithm 'dbscan'; choose one of: kmeans, "),
        ("kmeans", np.zeros((20, 0)), 2, "k-means needs feature columns, not a distance matrix"),
        ("gmm", np.full((20, 2), np.nan), 2, "finite"),
        ("kmeans", np.random.default_rng(0).normal(size=(20, 2)), 0, "k from 1 to 20 \\(got 0\\)"),
        ("kmeans", np.random.default_rng(0).normal(size=(20, 2)), 21, "k from 1 to 20"),
        ("kmeans", np.random.default_rng(0).normal(size=(20, 2)), 2.5, "k from 1 to 20"),
        ("spectral", np.random.default_rng(0).normal(size=(20, 2)), 20, "k from 1 to 19"),
        ("spectral", np.random.default_rng(0).normal(size=(8, 2)), 2, "at least 10 rows to connect each row"),
        ("hdbscan", np.random.default_rng(0).normal(size=(3, 2)), None, "at least 5 rows"),
    ],
)
def test_errors_name_the_rule(name, features, k, message):
    with pytest.raises(ClusteringError, match=message):
        fit_algorithm(name, features, k)


def test_assign_checks_the_columns(blobs):
    with pytest.raises(ClusteringError, match="2 feature columns"):
        fit_algorithm("kmeans", blobs[0], 3).assign(np.zeros((4, 3)))
