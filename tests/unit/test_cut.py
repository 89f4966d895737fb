"""Flat clusters: the same partitions as SciPy's fcluster, with stable left-to-right ids."""

import math
import re
import warnings

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster

from hclust import ClusteringError, CutRule, build_tree, clusters_at_height, clusters_for_k, snap_height
from hclust.cut import (
    DEFAULT_INCONSISTENCY_DEPTH,
    DEFAULT_INCONSISTENCY_T,
    DISTANCE,
    INCONSISTENT,
    MAXCLUST,
    number_left_to_right,
    valid_height,
    valid_k,
)
from loaders import load_builtin


def same_partition(a, b):
    """True when two labelings group the samples identically (ids may differ)."""
    a = np.asarray(a)
    b = np.asarray(b)
    return a.shape == b.shape and np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


def ids_in_leaf_order(tree, labels):
    """Cluster ids in the order they are first met walking the leaves left to right."""
    along = labels[tree.leaf_order]
    _, first = np.unique(along, return_index=True)
    return along[np.sort(first)].tolist()


def merges_at_or_below(tree, height):
    return int(np.count_nonzero(tree.sorted_max_dists <= height))


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


@pytest.fixture(scope="module")
def centroid_tree():
    # centroid linkage can make inversions (non-monotonic heights).
    return build_tree(load_builtin("iris").features, "centroid", "euclidean")


@pytest.fixture(scope="module")
def grid_tree():
    # Single linkage on an integer grid: all three merges tie at height 1
    # (so the cophenetic correlation is 0/0; that warning is not under test here).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return build_tree(np.array([[0.0], [1.0], [2.0], [3.0]]), "single", "euclidean")


def test_same_partition_helper_ignores_ids_but_not_grouping():
    assert same_partition([1, 1, 2], [2, 2, 1])
    assert not same_partition([1, 1, 2], [1, 2, 2])


# clusters_at_height


@pytest.mark.parametrize("height", [0.0, 0.05, 1.0, 5.0, 15.11533118, 16.0, 20.0, 50.0, 180.27043021, 1000.0])
def test_cut_at_height_partition_equals_fcluster_distance(classic_tree, height):
    cut = clusters_at_height(classic_tree, height)
    expected = fcluster(classic_tree.linkage, height, criterion="distance")
    assert same_partition(cut.labels, expected)
    assert cut.n_clusters == len(set(expected))
    assert cut.height == height
    assert cut.note == ""


@pytest.mark.parametrize("height", [0.1, 0.3, 0.5, 1.0, 2.0, 4.0])
def test_cut_at_height_partition_equals_fcluster_on_tree_with_inversions(centroid_tree, height):
    cut = clusters_at_height(centroid_tree, height)
    assert same_partition(cut.labels, fcluster(centroid_tree.linkage, height, criterion="distance"))


@pytest.mark.parametrize("height", [0.5, 5.0, 16.0, 20.0, 50.0])
def test_cluster_ids_run_1_to_k_left_to_right_along_leaf_order(classic_tree, height):
    cut = clusters_at_height(classic_tree, height)
    assert ids_in_leaf_order(classic_tree, cut.labels) == list(range(1, cut.n_clusters + 1))
    assert cut.labels.min() == 1
    assert cut.labels.max() == cut.n_clusters


def test_moving_cut_down_keeps_id_of_leftmost_cluster(classic_tree):
    leftmost_sample = classic_tree.leaf_order[0]
    for height in (50.0, 20.0, 16.0, 5.0):
        assert clusters_at_height(classic_tree, height).labels[leftmost_sample] == 1


def test_cut_above_top_merge_gives_one_cluster(classic_tree):
    cut = clusters_at_height(classic_tree, 1e9)
    assert cut.n_clusters == 1
    assert set(cut.labels.tolist()) == {1}


def test_cut_at_zero_gives_one_cluster_per_distinct_sample(classic_tree):
    assert clusters_at_height(classic_tree, 0.0).n_clusters == 150


@pytest.mark.parametrize("height", [-0.001, -5, math.nan, math.inf, None])
def test_invalid_cut_height_is_refused(classic_tree, height):
    with pytest.raises(ClusteringError, match="cut height"):
        clusters_at_height(classic_tree, height)


# clusters_for_k


def test_clusters_for_every_k_match_fcluster_maxclust_on_classic(classic_tree):
    n = classic_tree.n_samples
    for k in range(1, n + 1):
        cut = clusters_for_k(classic_tree, k)
        assert cut.n_clusters == k, k
        assert cut.note == "", k
        assert same_partition(cut.labels, fcluster(classic_tree.linkage, k, criterion="maxclust")), k
        assert ids_in_leaf_order(classic_tree, cut.labels) == list(range(1, k + 1)), k


def test_height_chosen_for_every_k_lies_in_the_range_giving_k_clusters(classic_tree):
    n = classic_tree.n_samples
    for k in range(1, n + 1):
        cut = clusters_for_k(classic_tree, k)
        assert merges_at_or_below(classic_tree, cut.height) == n - k, k
        assert clusters_at_height(classic_tree, cut.height).n_clusters == k, k


def test_four_clusters_are_cut_at_height_16_on_classic(classic_tree):
    assert clusters_for_k(classic_tree, 4).height == 16.0


def test_one_cluster_is_cut_above_the_top_merge(classic_tree):
    cut = clusters_for_k(classic_tree, 1)
    assert cut.height > classic_tree.linkage[-1, 2]


@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_clusters_for_k_match_fcluster_maxclust_on_tree_with_inversions(centroid_tree, k):
    cut = clusters_for_k(centroid_tree, k)
    assert same_partition(cut.labels, fcluster(centroid_tree.linkage, k, criterion="maxclust"))


@pytest.mark.parametrize("k", [2, 3])
def test_unattainable_k_with_tied_heights_gives_fewer_clusters_like_fcluster(grid_tree, k):
    cut = clusters_for_k(grid_tree, k)
    expected = fcluster(grid_tree.linkage, k, criterion="maxclust")
    assert cut.n_clusters < k
    assert cut.n_clusters == len(set(expected)) == 1
    assert same_partition(cut.labels, expected)
    assert cut.note
    assert f"exactly {k} clusters" in cut.note
    assert "height 1" in cut.note


@pytest.mark.parametrize("k", [1, 4])
def test_attainable_k_with_tied_heights_has_no_note(grid_tree, k):
    cut = clusters_for_k(grid_tree, k)
    assert cut.n_clusters == k
    assert cut.note == ""


def test_k_equal_n_with_duplicate_samples_stays_a_height_cut_and_says_why():
    # SciPy's maxclust returns n singletons here, which no cut height gives;
    # the app keeps the cut a height (duplicates share a cluster) and explains.
    tree = build_tree(np.array([[0.0], [0.0], [5.0], [5.0], [9.0]]), "single", "euclidean")
    cut = clusters_for_k(tree, 5)
    assert cut.n_clusters == 3
    assert same_partition(cut.labels, fcluster(tree.linkage, 0.0, criterion="distance"))
    assert "tied at height 0" in cut.note


def test_unattainable_k_below_n_with_duplicate_samples_matches_fcluster_maxclust():
    tree = build_tree(np.array([[0.0], [0.0], [5.0], [5.0], [9.0]]), "single", "euclidean")
    cut = clusters_for_k(tree, 4)
    assert cut.n_clusters == 3
    assert same_partition(cut.labels, fcluster(tree.linkage, 4, criterion="maxclust"))
    assert "height 0" in cut.note


@pytest.mark.parametrize("k", [0, 151, 2.5, -1, math.nan, None])
def test_invalid_k_is_refused(classic_tree, k):
    with pytest.raises(ClusteringError, match="whole number from 1 to 150"):
        clusters_for_k(classic_tree, k)


def test_whole_float_k_is_accepted(classic_tree):
    assert clusters_for_k(classic_tree, 3.0).n_clusters == 3


# snap_height


@pytest.mark.parametrize("raw", [17.471234, 101.23456, 15.98765, 0.0312345, 0.987654321, 23.5, 500.123])
def test_snapped_height_gives_the_same_clusters_as_the_raw_height(classic_tree, raw):
    snapped_cut = clusters_at_height(classic_tree, snap_height(classic_tree, raw))
    raw_cut = clusters_at_height(classic_tree, raw)
    assert snapped_cut.n_clusters == raw_cut.n_clusters
    assert same_partition(snapped_cut.labels, raw_cut.labels)


@pytest.mark.parametrize(("raw", "snapped"), [(17.471234, 20.0), (101.23456, 100.0), (16.0, 16.0)])
def test_snapped_height_is_a_short_number(classic_tree, raw, snapped):
    assert snap_height(classic_tree, raw) == snapped


@pytest.mark.parametrize("raw", [17.471234, 101.23456, 15.98765, 0.0312345, 0.987654321, 500.123])
def test_snapped_height_has_no_more_significant_digits_than_the_raw_height(classic_tree, raw):
    def significant_digits(x):
        return len(f"{x:.15g}".replace(".", "").lstrip("0").rstrip("0").split("e")[0])

    assert significant_digits(snap_height(classic_tree, raw)) <= significant_digits(raw)


@pytest.mark.parametrize("raw", [-0.5, -100.0])
def test_negative_height_snaps_to_zero(classic_tree, raw):
    assert snap_height(classic_tree, raw) == 0.0


# the rules for a height and for k, each stated once

K_RULE = "the number of clusters k must be a whole number from 1 to 9"


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (16, 16.0), (np.float64(2.5), 2.5), (np.int64(3), 3.0)])
def test_valid_height_gives_the_height_as_a_float(value, expected):
    assert valid_height(value) == expected
    assert isinstance(valid_height(value), float)


@pytest.mark.parametrize("height", [-0.001, math.nan, math.inf, None, "16", True])
def test_valid_height_states_the_rule_and_the_value(height):
    with pytest.raises(
        ClusteringError, match=rf"^the cut height must be a number of at least 0 \(got {re.escape(repr(height))}\)$"
    ):
        valid_height(height)


def test_valid_height_and_k_quote_what_the_caller_says_was_asked():
    with pytest.raises(ClusteringError, match=r'at least 0 \(you typed "abc"\)$'):
        valid_height("abc", 'you typed "abc"')
    with pytest.raises(
        ClusteringError, match=r'^the number of clusters k must be a whole number from 1 to 9 \(you typed "x"\)$'
    ):
        valid_k("x", 9, 'you typed "x"')


@pytest.mark.parametrize(("k", "expected"), [(1, 1), (3.0, 3), (np.int64(9), 9)])
def test_valid_k_gives_a_whole_k(k, expected):
    assert valid_k(k, 9) == expected
    assert isinstance(valid_k(k, 9), int)


@pytest.mark.parametrize("k", [0, 10, 2.5, -1, math.nan, math.inf, None, "3", True])
def test_valid_k_states_the_rule_and_the_value(k):
    with pytest.raises(
        ClusteringError, match=rf"^the number of clusters k must be a whole number from 1 to 9 \(got {k!r}\)$"
    ):
        valid_k(k, 9)


# CutRule: fcluster's criterion and numbers as one value


def fcluster_ids(tree, *args, **kwargs):
    """fcluster's labels, numbered left to right as the app numbers them."""
    return number_left_to_right(fcluster(tree.linkage, *args, **kwargs), tree.leaf_order)


def test_rule_constructors_name_the_criterion_and_its_numbers():
    assert CutRule.at_height(16.0) == CutRule(DISTANCE, height=16.0)
    assert CutRule.into(4) == CutRule(MAXCLUST, k=4)
    assert CutRule.inconsistent(1.5, 3) == CutRule(INCONSISTENT, threshold=1.5, depth=3)
    default = CutRule.inconsistent()
    assert (default.threshold, default.depth) == (DEFAULT_INCONSISTENCY_T, DEFAULT_INCONSISTENCY_DEPTH) == (1.0, 2)


@pytest.mark.parametrize("height", [0.0, 5.0, 15.11533118, 16.0, 50.0, 1000.0])
def test_height_rule_cuts_like_fcluster_distance(classic_tree, height):
    cut = CutRule.at_height(height).apply(classic_tree)
    np.testing.assert_array_equal(cut.labels, fcluster_ids(classic_tree, height, criterion="distance"))
    assert cut.height == height


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7, 150])
def test_k_rule_cuts_like_fcluster_maxclust(classic_tree, k):
    cut = CutRule.into(k).apply(classic_tree)
    np.testing.assert_array_equal(cut.labels, fcluster_ids(classic_tree, k, criterion="maxclust"))
    assert cut.n_clusters == k


@pytest.mark.parametrize(("t", "depth"), [(0.8, 2), (1.0, 2), (1.15, 3), (2.0, 5), (5.0, 5)])
def test_inconsistency_rule_cuts_like_fcluster_inconsistent(classic_tree, t, depth):
    cut = CutRule.inconsistent(t, depth).apply(classic_tree)
    np.testing.assert_array_equal(cut.labels, fcluster_ids(classic_tree, t, criterion="inconsistent", depth=depth))
    assert math.isnan(cut.height)


@pytest.mark.parametrize(
    "rule",
    [
        CutRule.at_height(16.0),
        CutRule.at_height(16.123456789012345),
        CutRule.into(4),
        CutRule.into(150),
        CutRule.inconsistent(1.15, 3),
        CutRule.inconsistent(0.7071067811865476, 2),
    ],
    ids=repr,
)
def test_the_fcluster_call_replays_the_rule(classic_tree, rule):
    written = rule.fcluster_call()
    labels = eval(written, {"fcluster": fcluster, "Z": classic_tree.linkage})  # noqa: S307 - the code under test

    assert same_partition(labels, rule.apply(classic_tree).labels)


@pytest.mark.parametrize("row", [-2, -4, -40])
def test_a_height_at_a_merge_is_written_exactly(classic_tree, row):
    # fcluster joins a merge at exactly the cut height: one digit short would split it.
    height = float(classic_tree.linkage[row, 2])
    rule = CutRule.at_height(height)
    labels = eval(rule.fcluster_call(), {"fcluster": fcluster, "Z": classic_tree.linkage})  # noqa: S307

    np.testing.assert_array_equal(labels, fcluster(classic_tree.linkage, height, criterion="distance"))
    assert f"t={height!r}," in rule.fcluster_call()


def test_the_fcluster_calls_and_descriptions_read_like_scipy():
    assert CutRule.at_height(16).fcluster_call() == 'fcluster(Z, t=16.0, criterion="distance")'
    assert CutRule.into(4.0).fcluster_call() == 'fcluster(Z, t=4, criterion="maxclust")'
    call = CutRule.inconsistent(1.15, 3).fcluster_call()
    assert call == 'fcluster(Z, t=1.15, criterion="inconsistent", depth=3)'
    assert CutRule.at_height(16.0).describe() == "cut at height 16.0"
    assert CutRule.into(4).describe() == "at most 4 clusters (maxclust)"
    assert CutRule.inconsistent(1.15, 3).describe() == "inconsistency at most 1.15 over depth 3"


@pytest.mark.parametrize(
    ("rule", "match"),
    [
        (CutRule.at_height(math.nan), r"^the cut height must be a finite number to be written as Python \(got nan\)$"),
        (CutRule.into(2.5), r"^the number of clusters k must be a whole number .* \(got 2\.5\)$"),
        (CutRule.inconsistent(math.inf), r"^the inconsistency threshold t must be a finite number .* \(got inf\)$"),
        (CutRule.inconsistent(depth=None), r"^the inconsistency depth must be a whole number .* \(got None\)$"),
    ],
)
def test_a_number_that_cannot_be_written_is_named(rule, match):
    with pytest.raises(ClusteringError, match=match):
        rule.fcluster_call()


def test_an_unknown_criterion_names_the_choices(classic_tree):
    message = r"^unknown cut criterion 'monocrit'; choose one of: distance, maxclust, inconsistent$"
    with pytest.raises(ClusteringError, match=message):
        CutRule("monocrit", height=1.0).apply(classic_tree)


@pytest.mark.parametrize(
    ("rule", "match"),
    [
        (CutRule.at_height(-1), "cut height must be a number of at least 0"),
        (CutRule.into(151), "whole number from 1 to 150"),
        (CutRule.inconsistent(-1), "threshold t must be a number of at least 0"),
        (CutRule.inconsistent(1.0, 0), "depth must be a whole number of at least 1"),
    ],
)
def test_applying_a_rule_checks_its_numbers(classic_tree, rule, match):
    with pytest.raises(ClusteringError, match=match):
        rule.apply(classic_tree)


@pytest.fixture(scope="module")
def tied_tree():
    # Single linkage on integers: six merges tie at height 1, one at 0 (a duplicate sample).
    points = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [11.0], [20.0], [20.0], [30.0], [31.0], [32.0]])
    return build_tree(points, "single", "euclidean")


def test_tied_tree_has_ties(tied_tree):
    heights = tied_tree.linkage[:, 2]
    assert np.count_nonzero(heights == 1.0) == 6 and np.count_nonzero(heights == 0.0) == 1


def view_cut_by_k(cut):
    """A view whose cut is ``cut``, made by k, as the app keeps it (height and k are the cut's own)."""
    from callbacks.render import ViewState

    blank = ViewState("s", "d", "single", "euclidean", 30, None, height=0.0, k=0, criterion=MAXCLUST)
    return blank.with_cut(cut, blank.slots_for(cut), MAXCLUST)


@pytest.mark.parametrize("k", range(1, 12))
def test_a_k_view_cut_again_by_its_k_is_the_cut_at_its_height(tied_tree, k):
    # The cut a view shows used to be made again at the view's height; its rule makes it
    # again with the view's k. With tied heights k may be unattainable (fewer clusters):
    # the view's k is the cut's own count, which a height gives, so both agree exactly.
    view = view_cut_by_k(clusters_for_k(tied_tree, k))
    by_rule = view.cut_rule.apply(tied_tree)
    at_height = clusters_at_height(tied_tree, view.height)

    assert view.cut_rule == CutRule(MAXCLUST, view.height, view.k, DEFAULT_INCONSISTENCY_T, DEFAULT_INCONSISTENCY_DEPTH)
    np.testing.assert_array_equal(by_rule.labels, at_height.labels)
    np.testing.assert_array_equal(by_rule.roots, at_height.roots)
    assert (by_rule.n_clusters, by_rule.height, by_rule.note) == (at_height.n_clusters, at_height.height, "")


def test_a_k_view_at_any_height_keeps_its_partition(tied_tree):
    # Even a k view whose height was carried over from elsewhere: every height with k clusters gives one partition.
    levels = np.unique(tied_tree.linkage[:, 2])
    heights = np.concatenate([levels, (levels[:-1] + levels[1:]) / 2, [levels[-1] + 1]])
    for height in heights:
        view = view_cut_by_k(clusters_at_height(tied_tree, float(height)))
        by_rule = view.cut_rule.apply(tied_tree)
        at_height = clusters_at_height(tied_tree, view.height)
        np.testing.assert_array_equal(by_rule.labels, at_height.labels, err_msg=f"height {height}")
        np.testing.assert_array_equal(by_rule.roots, at_height.roots, err_msg=f"height {height}")


def test_a_height_above_the_plot_is_refused_with_the_range_and_why():
    from hclust.cut import valid_height

    with pytest.raises(ClusteringError, match=r"from 0 to 194 \(got 500\): every height above the top merge, 180.3"):
        valid_height(500, top=180.27043021)
    assert valid_height(194, top=180.27043021) == 194


def test_the_line_for_one_cluster_stays_on_the_plot():
    from hclust.cut import highest_cut, short_number_between

    for top in (0.3306, 1.0, 180.27043021, 1550.0, 9.99e6):
        line = short_number_between(top, math.inf)
        assert top <= line <= highest_cut(top) <= top * 1.08


@pytest.mark.parametrize("method", ["single", "centroid", "median", "ward"])
def test_a_height_cut_is_fclusters_partition_numbered_left_to_right_at_every_merge_height(method):
    from hclust.cut import cut_from_labels

    rng = np.random.default_rng(3)
    features = np.round(rng.normal(size=(300, 2)), 1)  # ties; centroid and median give inversions
    tree = build_tree(features, method, "euclidean")
    heights = tree.linkage[:, 2]
    for height in np.concatenate([[0.0], heights, np.nextafter(heights, -np.inf).clip(0), heights * 1.5]):
        cut = clusters_at_height(tree, float(height))
        scipy = cut_from_labels(tree, fcluster(tree.linkage, float(height), "distance"), float(height))
        np.testing.assert_array_equal(cut.labels, scipy.labels)
        np.testing.assert_array_equal(cut.roots, scipy.roots)
