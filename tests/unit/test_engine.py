import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, leaves_list, linkage
from scipy.spatial.distance import pdist

from hclust import build_tree
from hclust.engine import (
    blockwise_cophenetic_correlation,
    has_tied_merges,
    linkage_from_distances,
    linkage_from_observations,
    plan_engine,
)
from hclust.tree import DIRECT_COPHENETIC_MAX_N
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
    features = load_builtin("classic").features
    tree = linkage(features, "ward")
    seen = []
    blockwise_cophenetic_correlation(features, tree, leaves_list(tree), "euclidean", lambda f, s: seen.append(f))
    assert seen[0] == 0.0
    assert all(b >= a for a, b in zip(seen, seen[1:]))
    assert 0.9 < seen[-1] < 1.0


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
