"""The cophenetic correlation at any size: LCA heights, paired distances and the estimate's interval, against SciPy."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import pdist
from sklearn.datasets import make_blobs

from hclust.cophenetic import (
    DEFAULT_PAIRS,
    PairCophenetic,
    exact_cophenetic_correlation,
    paired_distances,
    sampled_cophenetic_correlation,
)
from hclust.options import LINKAGE_METHODS, METRICS
from hclust.tree import build_tree, condensed_index_to_pairs, tree_from_linkage


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    return condensed_index_to_pairs(np.arange(n * (n - 1) // 2), n)


def _pair_cophenetic(linkage_matrix: np.ndarray) -> PairCophenetic:
    tree = tree_from_linkage(linkage_matrix, "any", "euclidean", 0.0)
    return PairCophenetic(linkage_matrix, tree.leaf_order, tree.leaf_span)


RNG = np.random.default_rng(7)
SMALL_DATA = {
    "gaussian": RNG.normal(size=(60, 3)),
    "tied integers": RNG.integers(0, 3, size=(50, 2)).astype(float),
    "duplicates": np.vstack([np.zeros((6, 2)), np.ones((4, 2)), RNG.normal(size=(20, 2))]),
    "two samples": RNG.normal(size=(2, 2)),
    "three samples": RNG.normal(size=(3, 2)),
}


@pytest.mark.parametrize("method", LINKAGE_METHODS)
@pytest.mark.parametrize("data", SMALL_DATA, ids=str)
def test_lca_heights_of_every_pair_equal_scipys_cophenet_exactly(method, data):
    features = SMALL_DATA[data]
    linkage_matrix = linkage(features, method)
    rows, cols = _all_pairs(features.shape[0])
    lca = _pair_cophenetic(linkage_matrix)
    assert np.array_equal(lca.distances(rows, cols), cophenet(linkage_matrix))
    assert np.array_equal(lca.distances(cols, rows), cophenet(linkage_matrix))  # either order


def test_lca_heights_follow_scipy_in_a_non_monotonic_tree():
    # Centroid linkage of these points merges below an earlier merge (an inversion).
    features = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.8]])
    linkage_matrix = linkage(features, "centroid")
    assert linkage_matrix[1, 2] < linkage_matrix[0, 2]
    rows, cols = _all_pairs(3)
    assert np.array_equal(_pair_cophenetic(linkage_matrix).distances(rows, cols), cophenet(linkage_matrix))


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("features", [1, 2, 5, 8, 17, 64])
def test_paired_distances_equal_pdist_bit_for_bit(metric, features):
    rng = np.random.default_rng(features)
    data = rng.normal(size=(40, features))
    data[rng.random(data.shape) < 0.3] = 0.0  # zeros: canberra's and jaccard's 0 / 0 rules
    data[3] = data[4]  # a duplicate row
    data[rng.random(data.shape) < 0.1] = 2.0  # repeated values: hamming's and jaccard's ties
    if metric in ("cosine", "correlation"):
        data[:, 0] += np.arange(40)  # no all-zero or constant row (undefined there)
    rows, cols = _all_pairs(40)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = pdist(data, metric)
        got = paired_distances(data, rows, cols, metric)
    assert np.array_equal(got, expected, equal_nan=True)


@pytest.fixture(scope="module")
def blobs_3000():
    features, _ = make_blobs(n_samples=3000, centers=5, cluster_std=1.5, random_state=0)
    return features


@pytest.mark.parametrize("method", ["single", "complete", "ward", "centroid"])
def test_the_95_percent_interval_covers_the_exact_value_in_about_95_percent_of_estimates(blobs_3000, method):
    # Fisher's z interval covers 74% (single) and 99.7% (complete) here: see sampled_cophenetic_correlation.
    linkage_matrix = linkage(blobs_3000, method)
    exact = cophenet(linkage_matrix, pdist(blobs_3000))[0]
    lca = _pair_cophenetic(linkage_matrix)
    estimates = [
        sampled_cophenetic_correlation(blobs_3000, lca, "euclidean", pairs=20_000, seed=seed) for seed in range(200)
    ]
    covered = np.mean([abs(e.value - exact) <= e.half_width for e in estimates])
    assert 0.9 <= covered <= 0.99, covered


def test_the_default_estimate_is_within_its_narrow_interval(blobs_3000):
    linkage_matrix = linkage(blobs_3000, "average", "cityblock")
    exact = cophenet(linkage_matrix, pdist(blobs_3000, "cityblock"))[0]
    estimate = sampled_cophenetic_correlation(blobs_3000, _pair_cophenetic(linkage_matrix), "cityblock")
    assert estimate.pairs == DEFAULT_PAIRS and not estimate.exact
    assert abs(estimate.value - exact) <= estimate.half_width < 0.002


def test_the_same_seed_gives_the_same_estimate_and_another_seed_another(blobs_3000):
    lca = _pair_cophenetic(linkage(blobs_3000, "ward"))
    first, again, other = (
        sampled_cophenetic_correlation(blobs_3000, lca, "euclidean", pairs=10_000, seed=seed) for seed in (0, 0, 1)
    )
    assert first == again
    assert first.value != other.value


def test_an_estimate_is_undefined_when_every_merge_is_at_one_height():
    features = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])  # all distances 1
    lca = _pair_cophenetic(linkage(features, "single"))
    estimate = sampled_cophenetic_correlation(features, lca, "euclidean", pairs=1000)
    assert np.isnan(estimate.value) and np.isnan(estimate.half_width)


@pytest.mark.parametrize(("method", "n"), [("centroid", 300), ("average", 1500)])  # SciPy's cophenet; blockwise
def test_the_exact_correlation_is_scipys(method, n):
    features, _ = make_blobs(n_samples=n, centers=3, random_state=1)
    linkage_matrix = linkage(features, method)
    tree = tree_from_linkage(linkage_matrix, method, "euclidean", 0.0)
    result = exact_cophenetic_correlation(features, linkage_matrix, tree.leaf_order, method, "euclidean")
    assert result.exact and result.half_width == 0 and result.pairs == n * (n - 1) // 2
    assert result.value == pytest.approx(cophenet(linkage_matrix, pdist(features))[0], abs=1e-12)


@pytest.mark.parametrize("method", ["ward", "average", "median"])
def test_build_tree_estimates_beyond_its_budget_and_keeps_the_same_tree(blobs_3000, method):
    exact = build_tree(blobs_3000, method, "euclidean")
    sampled = build_tree(blobs_3000, method, "euclidean", cophenetic_seconds=0.0)
    assert exact.cophenetic_is_exact and exact.cophenetic_half_width == 0
    assert not sampled.cophenetic_is_exact and sampled.cophenetic_pairs == DEFAULT_PAIRS
    assert np.array_equal(sampled.linkage, exact.linkage)
    assert abs(sampled.cophenetic - exact.cophenetic) <= sampled.cophenetic_half_width < 0.002


def test_build_tree_within_its_budget_is_exact(blobs_3000):
    tree = build_tree(blobs_3000[:500], "complete", "cosine", cophenetic_seconds=10.0)
    assert tree.cophenetic_is_exact
    assert tree.cophenetic == pytest.approx(
        cophenet(linkage(blobs_3000[:500], "complete", "cosine"), pdist(blobs_3000[:500], "cosine"))[0], abs=1e-12
    )
