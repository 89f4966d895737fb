"""Methods side by side: each method's partition at one k, its cophenetic correlation, their agreement."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.datasets import make_moons
from sklearn.metrics import adjusted_rand_score

from hclust import ClusteringError, build_tree
from hclust.methods import (
    COORDINATES_RULE,
    MAX_COMPARED,
    compare_methods,
    unavailable_reason,
    usable_methods,
    within_budget,
)
from hclust.tree import PRECOMPUTED
from loaders import load_builtin

METHODS = ("single", "complete", "average", "ward")


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two labelings group the samples alike, whatever the ids."""
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist()))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


@pytest.fixture(scope="module")
def moons():
    return load_builtin("moons").features


@pytest.fixture(scope="module")
def moon_labels():
    return make_moons(200, noise=0.05, random_state=0)[1]


@pytest.fixture(scope="module")
def comparison(moons):
    return compare_methods([build_tree(moons, method, "euclidean") for method in METHODS], 2)


def cut_of(comparison, method):
    return comparison.cuts[comparison.methods.index(method)]


def test_the_moons_example_is_make_moons(moons):
    assert np.array_equal(moons, make_moons(200, noise=0.05, random_state=0)[0])


def test_single_linkage_at_k2_is_scipys_maxclust_partition(comparison, moons):
    expected = fcluster(linkage(moons, "single"), 2, criterion="maxclust")
    assert same_partition(cut_of(comparison, "single").labels, expected)


def test_every_method_cuts_like_fcluster_maxclust(comparison, moons):
    for method in METHODS:
        expected = fcluster(linkage(moons, method), 2, criterion="maxclust")
        assert same_partition(cut_of(comparison, method).labels, expected), method


def test_single_linkage_separates_the_two_moons(comparison, moon_labels):
    assert adjusted_rand_score(moon_labels, cut_of(comparison, "single").labels) == 1.0


def test_ward_cuts_across_the_moons(comparison, moon_labels):
    assert adjusted_rand_score(moon_labels, cut_of(comparison, "ward").labels) < 0.6


def test_each_cut_has_the_asked_k(comparison):
    assert comparison.k == 2
    assert [cut.n_clusters for cut in comparison.cuts] == [2, 2, 2, 2]


def test_cophenetic_correlations_are_scipys(comparison, moons):
    distances = pdist(moons)
    for method, value in zip(comparison.methods, comparison.cophenetic):
        assert value == pytest.approx(cophenet(linkage(moons, method), distances)[0], abs=1e-12), method


def test_ari_matrix_is_symmetric_with_ones_on_the_diagonal(comparison):
    ari = comparison.ari
    assert ari.shape == (4, 4)
    assert np.array_equal(ari, ari.T)
    assert np.array_equal(np.diag(ari), np.ones(4))


def test_ari_entries_are_sklearns(comparison):
    for i, j in [(0, 1), (0, 3), (2, 3)]:
        expected = adjusted_rand_score(comparison.cuts[i].labels, comparison.cuts[j].labels)
        assert comparison.ari[i, j] == pytest.approx(expected, abs=1e-15)
    assert comparison.ari[0, 3] < 0.6  # single and ward disagree on the moons


def test_pairs_lists_each_pair_once(comparison):
    pairs = comparison.pairs()
    assert [(a, b) for a, b, _ in pairs] == [
        ("single", "complete"),
        ("single", "average"),
        ("single", "ward"),
        ("complete", "average"),
        ("complete", "ward"),
        ("average", "ward"),
    ]
    assert pairs[2][2] == comparison.ari[0, 3]


def test_trees_of_different_data_are_refused(moons):
    with pytest.raises(ClusteringError, match="same samples"):
        compare_methods([build_tree(moons, "single", "euclidean"), build_tree(moons[:50], "ward", "euclidean")], 2)


def test_a_method_given_twice_is_refused(moons):
    tree = build_tree(moons, "single", "euclidean")
    with pytest.raises(ClusteringError, match="once"):
        compare_methods([tree, tree], 2)


def test_k_out_of_range_is_refused(moons):
    with pytest.raises(ClusteringError):
        compare_methods([build_tree(moons, "single", "euclidean")], 201)


def test_no_tree_is_refused():
    with pytest.raises(ClusteringError, match="at least one tree"):
        compare_methods([], 2)


# --- what may be compared ----------------------------------------------------------


def test_every_method_is_usable_with_euclidean():
    assert usable_methods(["ward", "single", "median", "average"], "euclidean") == (
        ("ward", "single", "average", "median"),
        {},
    )


def test_ward_centroid_median_need_euclidean_and_say_so():
    usable, left_out = usable_methods(["ward", "single", "centroid"], "cityblock")
    assert usable == ("single",)
    assert left_out == {
        "ward": "needs the euclidean metric (this view uses 'cityblock')",
        "centroid": "needs the euclidean metric (this view uses 'cityblock')",
    }


def test_a_distance_matrix_allows_only_methods_without_coordinates():
    assert [
        m
        for m in ("ward", "single", "complete", "average", "weighted", "centroid", "median")
        if not unavailable_reason(m, PRECOMPUTED)
    ] == ["single", "complete", "average", "weighted"]
    assert unavailable_reason("ward", PRECOMPUTED) == COORDINATES_RULE


def test_more_than_four_methods_are_refused_with_the_rule():
    with pytest.raises(ClusteringError, match=f"at most {MAX_COMPARED}"):
        usable_methods(["ward", "single", "complete", "average", "weighted"], "euclidean")


def test_an_unknown_method_is_refused_with_the_choices():
    with pytest.raises(ClusteringError, match="unknown linkage method 'nearest'.*single"):
        usable_methods(["nearest", "single"], "euclidean")


def test_no_choice_is_nothing_to_compare():
    assert usable_methods(None, "euclidean") == ((), {})


def test_budget_builds_the_cheapest_first_and_keeps_the_order():
    build, too_slow = within_budget({"ward": 0.0, "single": 0.5, "complete": 2.1, "average": 2.1}, 3.0)
    assert build == ("ward", "single", "complete")
    assert too_slow == ("average",)


def test_built_trees_are_free_whatever_the_budget():
    assert within_budget({"ward": 0.0, "single": 0.0}, 0.0) == (("ward", "single"), ())
