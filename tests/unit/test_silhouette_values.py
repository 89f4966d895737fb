"""hclust.aids.silhouette_values is scikit-learn's silhouette_samples, and state.local_cache keeps a few values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import silhouette_samples

from hclust.aids import silhouette_values
from state.local_cache import LocalCache


@pytest.mark.parametrize("seed", range(5))
def test_equals_sklearns_silhouette_samples(seed):
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(300, 3))
    labels = rng.integers(1, 7, size=300)
    square = squareform(pdist(points))
    np.testing.assert_allclose(
        silhouette_values(square, labels), silhouette_samples(square, labels, metric="precomputed"), atol=1e-13
    )


def test_a_sample_alone_in_its_cluster_gets_zero_and_ties_give_no_nan():
    points = np.array([[0.0], [0.0], [0.0], [5.0], [9.0], [9.0]])  # duplicates: zero distances
    labels = np.array([3, 3, 3, 7, 9, 9])  # any ids; cluster 7 holds one sample
    square = squareform(pdist(points))
    values = silhouette_values(square, labels)
    np.testing.assert_allclose(values, silhouette_samples(square, labels, metric="precomputed"), atol=1e-15)
    assert values[3] == 0.0 and np.isfinite(values).all()


def test_local_cache_computes_once_and_drops_the_least_recently_used():
    cache, calls = LocalCache(max_entries=2), []

    def make(key):
        return lambda: calls.append(key) or key * 10

    assert cache.get(1, make(1)) == 10 and cache.get(1, make(1)) == 10
    cache.get(2, make(2))
    cache.get(1, make(1))  # 1 is now the most recent
    cache.get(3, make(3))  # drops 2
    assert calls == [1, 2, 3] and len(cache) == 2
    cache.get(2, make(2))
    assert calls == [1, 2, 3, 2]


def test_local_cache_keeps_within_its_bytes_and_never_keeps_what_exceeds_them():
    cache = LocalCache(max_entries=10, max_bytes=100, size=len)
    cache.get("a", lambda: "x" * 60)
    cache.get("b", lambda: "y" * 30)
    cache.get("c", lambda: "z" * 30)  # 120 bytes: "a" goes
    assert len(cache) == 2
    assert cache.get("huge", lambda: "w" * 101) == "w" * 101 and len(cache) == 2  # returned, not kept
    calls = []
    cache.get("a", lambda: calls.append(1) or "x" * 60)
    assert calls == [1]
