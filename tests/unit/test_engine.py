import fastcluster
import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, leaves_list, linkage
from scipy.spatial.distance import pdist

import hclust.engine
from hclust import build_tree
from hclust.distances import PARALLEL_MIN_N, condensed_distances, row_blocks
from hclust.engine import (
    DIRECT_COPHENETIC_MAX_N,
    FASTCLUSTER_METHODS,
    _fastcluster_linkage,
    blockwise_cophenetic_correlation,
    has_tied_merges,
    linkage_from_distances,
    linkage_from_observations,
    plan_engine,
)
from hclust.mst import MST_ENGINE, MST_MAX_D, MST_MIN_N
from hclust.options import METRICS
from loaders import load_builtin


@pytest.mark.parametrize(
    ("method", "metric", "engine"),
    [
        ("ward", "euclidean", "fastcluster.linkage_vector"),
        ("single", "euclidean", "fastcluster.linkage_vector"),
        ("single", "cityblock", "fastcluster.linkage"),
        ("average", "cosine", "fastcluster.linkage"),
        ("complete", "euclidean", "fastcluster.linkage"),
        ("centroid", "euclidean", "scipy.linkage"),
        ("median", "euclidean", "scipy.linkage"),
    ],
)
def test_engine_choice_per_method_and_metric(method, metric, engine):
    assert plan_engine(method, metric).engine == engine


@pytest.mark.parametrize(
    ("method", "metric", "n", "d", "engine"),
    [
        ("single", "euclidean", MST_MIN_N, 1, MST_ENGINE),
        ("single", "euclidean", 1_000_000, MST_MAX_D, MST_ENGINE),
        ("single", "euclidean", MST_MIN_N - 1, 2, "fastcluster.linkage_vector"),
        ("single", "euclidean", 1_000_000, MST_MAX_D + 1, "fastcluster.linkage_vector"),
        ("ward", "euclidean", 1_000_000, 2, "fastcluster.linkage_vector"),
        ("single", "cityblock", 1_000_000, 2, "fastcluster.linkage"),
        ("centroid", "euclidean", 1_000_000, 2, "scipy.linkage"),
    ],
)
def test_large_euclidean_single_linkage_goes_through_the_mst_and_nothing_else_does(method, metric, n, d, engine):
    assert plan_engine(method, metric, n, d).engine == engine


def test_the_mst_engine_gives_scipys_single_linkage():
    features = np.random.default_rng(10).normal(size=(600, 4))
    z, note = linkage_from_observations(features, "single", mst_min_n=100)
    expected = linkage(features, "single")
    assert np.array_equal(z[:, [0, 1, 3]], expected[:, [0, 1, 3]])
    np.testing.assert_allclose(z[:, 2], expected[:, 2], rtol=1e-15, atol=0)
    assert note == ""


def test_tied_heights_from_the_mst_fall_back_to_scipy_on_small_data():
    features = load_builtin("iris").features
    z, note = linkage_from_observations(features, "single", mst_min_n=100)
    assert np.array_equal(z, linkage(features, "single"))
    assert note == ""


def test_tied_heights_from_the_mst_on_large_data_keep_its_tree_and_say_the_cuts_are_scipys(monkeypatch):
    monkeypatch.setattr(hclust.engine, "SCIPY_TIE_FALLBACK_MAX_N", 100)
    features = load_builtin("iris").features
    z, note = linkage_from_observations(features, "single", mst_min_n=100)
    expected = linkage(features, "single")
    np.testing.assert_array_equal(np.sort(z[:, 2]), np.sort(expected[:, 2]))
    assert np.array_equal(cophenet(z), cophenet(expected))
    assert "clusters at every cut height are SciPy's" in note


@pytest.mark.parametrize(
    ("dataset", "method", "metric"),
    [
        ("classic", "ward", "euclidean"),
        ("classic-harder", "single", "euclidean"),
        ("iris", "average", "cityblock"),
        ("wine", "complete", "cosine"),
        ("blobs", "weighted", "chebyshev"),
        ("moons", "average", "sqeuclidean"),
    ],
)
def test_blockwise_cophenetic_equals_scipy(dataset, method, metric):
    features = load_builtin(dataset).features
    tree = linkage(features, method, metric)
    expected = cophenet(tree, pdist(features, metric))[0]
    got = blockwise_cophenetic_correlation(features, tree, leaves_list(tree), metric)
    assert got == pytest.approx(expected, abs=1e-12)


def test_blockwise_cophenetic_reports_progress_up_to_the_end():
    features = np.random.default_rng(5).normal(size=(3000, 2))
    tree = linkage(features, "ward")
    seen = []
    blockwise_cophenetic_correlation(features, tree, leaves_list(tree), "euclidean", lambda f, s: seen.append(f))
    assert seen[0] == 0.0
    assert len(seen) >= 5  # one report per block at this size
    assert all(b >= a for a, b in zip(seen, seen[1:]))
    assert seen[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("metric", ["euclidean", "cityblock", "cosine"])
def test_blockwise_cophenetic_on_many_blocks_and_threads_equals_scipy(metric, workers):
    features = np.random.default_rng(6).normal(size=(2500, 4))
    tree = linkage(features, "average", metric)
    expected = cophenet(tree, pdist(features, metric))[0]
    got = blockwise_cophenetic_correlation(features, tree, leaves_list(tree), metric, workers=workers)
    assert got == pytest.approx(expected, abs=1e-13)


def test_blockwise_cophenetic_stays_accurate_far_from_the_origin():
    """Distances with a large mean and a small spread: naive sums would lose digits."""
    rng = np.random.default_rng(7)
    features = np.vstack([rng.normal(0, 1, size=(700, 2)), rng.normal(1e3, 1, size=(700, 2))])
    tree = linkage(features, "complete")
    expected = cophenet(tree, pdist(features))[0]
    got = blockwise_cophenetic_correlation(features, tree, leaves_list(tree), "euclidean")
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", list(METRICS))
def test_condensed_distances_equal_pdist_bit_for_bit(metric):
    rng = np.random.default_rng(8)
    features = rng.integers(0, 3, size=(PARALLEL_MIN_N + 37, 5)).astype(float) + (metric != "jaccard") * rng.random(
        (PARALLEL_MIN_N + 37, 5)
    )
    expected = pdist(features, metric)
    got = condensed_distances(features, metric, workers=2)
    assert np.array_equal(got, expected, equal_nan=True)


def test_row_blocks_cover_every_row_once():
    for n in (2, 3, 1500, 20_000):
        blocks = row_blocks(n)
        assert blocks[0][0] == 0 and blocks[-1][1] == n - 1
        assert all(a1 == b0 for (_, a1), (b0, _) in zip(blocks, blocks[1:]))


def test_large_trees_use_the_blockwise_cophenetic_and_still_match_scipy():
    features = np.random.default_rng(3).normal(size=(DIRECT_COPHENETIC_MAX_N + 50, 3))
    tree = build_tree(features, "ward", "euclidean")
    expected = cophenet(linkage(features, "ward"), pdist(features))[0]
    assert tree.cophenetic == pytest.approx(expected, abs=1e-12)


def test_tied_data_falls_back_to_scipy_and_gives_scipy_tree():
    features = load_builtin("iris").features  # duplicates and rounded values: many ties
    for method in ("ward", "single"):
        z, note = linkage_from_observations(features, method)
        assert np.array_equal(z, linkage(features, method))
        assert note == ""
    distances = pdist(features, "cityblock")
    z, _ = linkage_from_distances(distances, "average")
    assert np.array_equal(z, linkage(distances, "average"))


def test_untied_data_keeps_the_fast_engine_with_scipy_heights():
    features = load_builtin("classic").features
    z, note = linkage_from_observations(features, "ward")
    assert not has_tied_merges(z)
    np.testing.assert_allclose(z, linkage(features, "ward"), rtol=1e-12)
    assert note == ""


def test_progress_of_build_tree_ends_at_one():
    seen = []
    build_tree(load_builtin("classic").features, "average", "cityblock", progress=lambda f, s: seen.append((f, s)))
    assert seen[-1] == (1.0, "done")
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


@pytest.mark.parametrize("method", sorted(FASTCLUSTER_METHODS))
@pytest.mark.parametrize("keep_input", [True, False])
def test_fastcluster_without_its_wrapper_copy_gives_the_wrappers_tree(method, keep_input):
    distances = pdist(np.random.default_rng(9).normal(size=(300, 3)))
    expected = fastcluster.linkage(distances, method=method)
    given = distances.copy()

    got = _fastcluster_linkage(given, method, keep_input)

    assert np.array_equal(got, expected)
    assert np.array_equal(given, distances) == keep_input or method == "single"  # single never writes
