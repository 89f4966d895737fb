"""Single linkage through the minimum spanning tree is SciPy's single linkage."""

import numpy as np
import pytest
import quitefastmst
from scipy.cluster.hierarchy import cophenet, fcluster, linkage

from hclust.errors import ClusteringError
from hclust.mst import linkage_from_mst, single_linkage


def canonical(labels: np.ndarray) -> np.ndarray:
    """Cluster labels renamed by first appearance, so equal partitions give equal arrays."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    return rank[inverse]


def cut_levels(heights: np.ndarray) -> np.ndarray:
    """Every distinct height, the midpoints between them, and one level below and above all."""
    distinct = np.unique(heights)
    middles = (distinct[1:] + distinct[:-1]) / 2
    return np.concatenate([[distinct[0] - 1], distinct, middles, [distinct[-1] + 1]])


def assert_same_single_linkage(z: np.ndarray, features: np.ndarray) -> None:
    expected = linkage(features, "single")
    np.testing.assert_allclose(np.sort(z[:, 2]), np.sort(expected[:, 2]), rtol=0, atol=1e-12)
    for level in cut_levels(expected[:, 2]):
        got = canonical(fcluster(z, level, "distance"))
        want = canonical(fcluster(expected, level, "distance"))
        assert np.array_equal(got, want), f"partitions differ at height {level}"
    assert np.array_equal(cophenet(z), cophenet(expected))


def grid_with_duplicates() -> np.ndarray:
    """Integer grid points, some repeated: many tied distances, zero-height merges."""
    rng = np.random.default_rng(4)
    grid = np.array([(i, j) for i in range(9) for j in range(7)], dtype=float)
    return np.vstack([grid, grid[rng.choice(len(grid), 25)], rng.integers(0, 9, size=(40, 2))])


@pytest.mark.parametrize("d", [1, 2, 3, 8])
def test_untied_random_data_gives_scipys_matrix(d):
    features = np.random.default_rng(d).normal(size=(400, d)) * [10.0] * d
    z = single_linkage(features)
    expected = linkage(features, "single")
    assert np.array_equal(z[:, [0, 1, 3]], expected[:, [0, 1, 3]])
    np.testing.assert_allclose(z[:, 2], expected[:, 2], rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    "features",
    [
        pytest.param(grid_with_duplicates(), id="grid-with-duplicates"),
        pytest.param(np.repeat(np.arange(30.0)[:, None], 4, axis=0), id="d1-every-row-four-times"),
        pytest.param(np.random.default_rng(5).integers(0, 3, size=(300, 8)).astype(float), id="d8-small-integers"),
        pytest.param(np.zeros((20, 3)), id="all-equal"),
        pytest.param(np.random.default_rng(6).normal(size=(500, 2)), id="random"),
    ],
)
def test_heights_and_every_cut_equal_scipys(features):
    assert_same_single_linkage(single_linkage(features), features)


@pytest.mark.parametrize("features", [[[0.0], [2.0]], [[1.0, 1.0], [4.0, 5.0]], [[0.0], [1.0], [3.0]]])
def test_two_and_three_samples(features):
    assert np.array_equal(single_linkage(features), linkage(features, "single"))


def test_clusters_are_named_as_scipy_names_them():
    z = single_linkage(grid_with_duplicates())
    n = z.shape[0] + 1
    assert np.all(z[:, 0] < z[:, 1])
    assert np.all(np.diff(z[:, 2]) >= 0)
    assert z[-1, 3] == n
    for row, (a, b) in enumerate(z[:, :2].astype(int)):
        assert a < n + row and b < n + row  # children are formed before their parent


def test_an_unsorted_tree_is_sorted_stably_before_labelling():
    heights, edges = quitefastmst.mst_euclid(grid_with_duplicates())
    order = np.random.default_rng(7).permutation(heights.size)
    shuffled = linkage_from_mst(edges[order], heights[order])
    np.testing.assert_array_equal(np.sort(shuffled[:, 2]), np.sort(heights))
    np.testing.assert_array_equal(cophenet(shuffled), cophenet(linkage_from_mst(edges, heights)))


def test_the_thread_count_changes_nothing_and_is_restored():
    features = np.random.default_rng(8).normal(size=(3000, 3))
    before = quitefastmst.omp_get_max_threads()
    assert np.array_equal(single_linkage(features, threads=1), single_linkage(features, threads=2))
    assert quitefastmst.omp_get_max_threads() == before


@pytest.mark.parametrize(
    ("features", "words"),
    [
        (np.zeros(5), "2-D array"),
        (np.zeros((1, 2)), "at least 2 samples"),
        (np.zeros((4, 0)), "1 feature"),
        (np.array([[0.0, 1.0], [np.nan, 2.0]]), "finite"),
    ],
)
def test_bad_input_is_refused_in_words(features, words):
    with pytest.raises(ClusteringError, match=words):
        single_linkage(features)


def test_a_malformed_tree_is_refused_in_words():
    with pytest.raises(ClusteringError, match="edges and m heights"):
        linkage_from_mst(np.zeros((3, 2), dtype=int), np.zeros(2))
