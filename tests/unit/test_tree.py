"""build_tree against SciPy, and its refusals."""

import re
from functools import cache

import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.metrics import adjusted_rand_score

from hclust import LINKAGE_METHODS, METRICS, ClusteringError, build_tree
from hclust.engine import plan_engine
from hclust.tree import condensed_index_to_pairs
from loaders import load_builtin

EUCLIDEAN_ONLY = [name for name, m in LINKAGE_METHODS.items() if m.needs_euclidean]
ANY_METRIC = [name for name, m in LINKAGE_METHODS.items() if not m.needs_euclidean]

VALID_COMBINATIONS = [(method, "euclidean") for method in EUCLIDEAN_ONLY] + [
    (method, metric) for method in ANY_METRIC for metric in METRICS
]

# Iris has only non-zero values, so every jaccard distance is 1 (or 0): all merges
# sit at one height and the cophenetic correlation is 0/0. Left out here; see
# test_cophenetic_is_nan_when_all_merges_share_one_height.
DEGENERATE = {("iris", "jaccard")}


def _small_random():
    # One decimal, so that hamming/jaccard see some equal values and are not all 1.
    return np.round(np.random.default_rng(7).normal(size=(40, 5)) * 2, 1)


@cache
def _features(name):
    features = load_builtin("iris").features if name == "iris" else _small_random()
    features.flags.writeable = False
    return features


DATASET_NAMES = ["iris", "random"]
CASES = [
    (name, method, metric)
    for name in DATASET_NAMES
    for method, metric in VALID_COMBINATIONS
    if (name, metric) not in DEGENERATE
]


def test_every_method_is_in_exactly_one_metric_group():
    assert sorted(EUCLIDEAN_ONLY) == ["centroid", "median", "ward"]
    assert sorted(EUCLIDEAN_ONLY + ANY_METRIC) == sorted(LINKAGE_METHODS)
    assert len(LINKAGE_METHODS) == 7


def _levels_between_merges(heights):
    """Cut heights strictly between distinct merge heights (and below the first)."""
    distinct = np.unique(heights)
    return np.concatenate([[distinct[0] / 2], (distinct[:-1] + distinct[1:]) / 2])


@pytest.mark.parametrize(("dataset", "method", "metric"), CASES)
def test_build_tree_equals_scipy_linkage_and_cophenet(dataset, method, metric):
    # The contract of hclust.engine: the same merge heights as SciPy, the same
    # flat clusters at every level, the same cophenetic correlation; tied
    # merges may come in another order. Where SciPy is the engine
    # (centroid, median) the tree is SciPy's exactly.
    features = _features(dataset)
    tree = build_tree(features, method, metric)
    expected = linkage(features, method, metric)
    np.testing.assert_allclose(tree.linkage[:, 2], expected[:, 2], rtol=1e-12, atol=1e-12)
    if plan_engine(method, metric).engine == "scipy.linkage":
        assert np.array_equal(tree.linkage, expected)
    for level in _levels_between_merges(expected[:, 2]):
        ours = fcluster(tree.linkage, level, "distance")
        theirs = fcluster(expected, level, "distance")
        assert adjusted_rand_score(ours, theirs) == pytest.approx(1.0)
    expected_cophenetic = cophenet(expected, pdist(features, metric))[0]
    assert tree.cophenetic == pytest.approx(expected_cophenetic, rel=1e-12, abs=1e-15)
    assert (tree.method, tree.metric) == (method, metric)


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_tree_leaf_order_is_a_permutation_of_the_samples(dataset):
    features = _features(dataset)
    tree = build_tree(features, "average", "euclidean")
    assert sorted(tree.leaf_order.tolist()) == list(range(features.shape[0]))


def test_first_leaf_of_every_node_lies_inside_that_node():
    features = _small_random()
    tree = build_tree(features, "average", "euclidean")
    n = tree.n_samples
    members = {i: {i} for i in range(n)}
    for row, (a, b, _, count) in enumerate(tree.linkage):
        members[n + row] = members[int(a)] | members[int(b)]
        assert len(members[n + row]) == count
    for node in range(2 * n - 1):
        assert tree.first_leaf[node] in members[node]


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_cophenetic_is_nan_when_all_merges_share_one_height():
    # Documents current behaviour (see module comment on DEGENERATE).
    tree = build_tree(load_builtin("iris").features, "average", "jaccard")
    assert np.unique(tree.linkage[:, 2]).size == 1
    assert np.isnan(tree.cophenetic)


@pytest.mark.parametrize("method", EUCLIDEAN_ONLY)
def test_euclidean_only_method_with_cityblock_is_refused(method):
    with pytest.raises(ClusteringError, match="needs the euclidean metric"):
        build_tree(_small_random(), method, "cityblock")


@pytest.mark.parametrize("method", EUCLIDEAN_ONLY)
def test_euclidean_only_method_refusal_names_the_methods_that_accept_any_metric(method):
    with pytest.raises(ClusteringError) as caught:
        build_tree(_small_random(), method, "cosine")
    for other in ANY_METRIC:
        assert other in str(caught.value)


def test_unknown_method_message_lists_every_valid_method():
    with pytest.raises(ClusteringError, match="unknown linkage method 'wards'") as caught:
        build_tree(_small_random(), "wards", "euclidean")
    for name in LINKAGE_METHODS:
        assert name in str(caught.value)


def test_unknown_metric_message_lists_every_valid_metric():
    with pytest.raises(ClusteringError, match="unknown metric 'manhattan'") as caught:
        build_tree(_small_random(), "single", "manhattan")
    for name in METRICS:
        assert name in str(caught.value)


def test_nan_value_is_refused_naming_its_row():
    features = _small_random()
    features[17, 2] = np.nan
    with pytest.raises(ClusteringError, match=r"row\(s\) 17\b"):
        build_tree(features, "single", "euclidean")


def test_infinite_value_is_refused_naming_its_row():
    features = _small_random()
    features[3, 0] = np.inf
    with pytest.raises(ClusteringError, match=r"row\(s\) 3\b"):
        build_tree(features, "single", "euclidean")


@pytest.mark.parametrize("n_samples", [0, 1])
def test_fewer_than_two_samples_are_refused(n_samples):
    with pytest.raises(ClusteringError, match="at least 2 samples"):
        build_tree(np.ones((n_samples, 3)), "single", "euclidean")


def test_one_dimensional_input_is_refused():
    with pytest.raises(ClusteringError, match="2-D"):
        build_tree(np.arange(5.0), "single", "euclidean")


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_two_samples_make_one_merge():
    tree = build_tree(np.array([[0.0, 0.0], [3.0, 4.0]]), "single", "euclidean")
    np.testing.assert_array_equal(tree.linkage, [[0, 1, 5.0, 2]])
    # One distance has no variance: the correlation is undefined (documents current behaviour).
    assert np.isnan(tree.cophenetic)


def _with_zero_row(row):
    features = np.random.default_rng(0).normal(size=(20, 3))
    features[row] = 0.0
    return features


def test_cosine_with_all_zero_row_raises_instead_of_returning_nan_distances():
    with pytest.raises(ClusteringError, match="cosine distance is undefined"):
        build_tree(_with_zero_row(7), "average", "cosine")


def test_cosine_with_all_zero_row_names_that_row():
    with pytest.raises(ClusteringError) as caught:
        build_tree(_with_zero_row(7), "average", "cosine")
    message = str(caught.value)
    assert re.search(r"\b7\b", message)
    assert not re.search(r"\b0\b", message)


def test_correlation_with_constant_row_raises():
    features = np.random.default_rng(0).normal(size=(20, 3))
    features[11] = 4.0
    with pytest.raises(ClusteringError, match="correlation distance is undefined"):
        build_tree(features, "average", "correlation")


@pytest.mark.parametrize("n", [2, 3, 7, 50])
def test_condensed_index_to_pairs_matches_triu_indices_for_every_position(n):
    rows, cols = condensed_index_to_pairs(np.arange(n * (n - 1) // 2), n)
    expected_rows, expected_cols = np.triu_indices(n, k=1)
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(cols, expected_cols)


def test_condensed_index_to_pairs_handles_unordered_subsets():
    n = 50
    expected_rows, expected_cols = np.triu_indices(n, k=1)
    index = np.array([1224, 0, 48, 49, 600, 97])
    rows, cols = condensed_index_to_pairs(index, n)
    np.testing.assert_array_equal(rows, expected_rows[index])
    np.testing.assert_array_equal(cols, expected_cols[index])


@pytest.mark.parametrize("method", ["single", "average", "ward"])
def test_every_nodes_span_and_left_most_leaf_follow_scipys_tree_walk(method):
    from scipy.cluster.hierarchy import to_tree

    features = np.vstack([_small_random(), np.round(_small_random(), 1)])  # ties make long single-linkage chains
    tree = build_tree(features, method, "euclidean")
    nodes = to_tree(tree.linkage, rd=True)[1]
    position = np.argsort(tree.leaf_order)
    for node in nodes:
        leaves = node.pre_order()  # SciPy's left-to-right order of the node's samples
        start, stop = tree.leaf_span[node.id]
        assert tree.leaf_order[start:stop].tolist() == leaves
        assert tree.first_leaf[node.id] == leaves[0] and start == position[leaves[0]]
