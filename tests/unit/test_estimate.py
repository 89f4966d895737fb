"""Plain words for the cost of a tree."""

import pytest

from hclust.estimate import (
    Estimate,
    describe,
    estimate_tree,
    exact_cophenetic_cost,
    mst_seconds,
    sampled_cophenetic_cost,
    samples_cophenetic,
)
from hclust.mst import MST_ENGINE, MST_MAX_D, MST_MIN_N


def test_describe_reads_naturally_from_milliseconds_to_minutes():
    assert describe(Estimate(seconds=0.2, peak_bytes=3_000_000, engine="e")) == "under 1 s and 3 MB"
    assert describe(Estimate(seconds=12.4, peak_bytes=1_600_000_000, engine="e")) == "about 12 s and 1.6 GB"
    assert describe(Estimate(seconds=300, peak_bytes=50_000_000, engine="e")) == "about 5 min and 50 MB"
    assert describe(Estimate(seconds=21_200, peak_bytes=4.8e12, engine="e")) == "about 6 h and 4.8 TB"


def test_a_consumed_distance_vector_counts_once():
    """fastcluster works in place past the direct cophenetic size: one vector; SciPy's engine needs two."""
    vector = 8 * 50_000 * 49_999 / 2
    complete = estimate_tree(50_000, 2, "complete", "euclidean")
    centroid = estimate_tree(50_000, 2, "centroid", "euclidean")
    small = estimate_tree(1_000, 2, "complete", "euclidean", direct_cophenetic_max_n=1_000)

    assert vector <= complete.peak_bytes < 1.3 * vector  # one vector, with the working margin
    assert 2 * vector <= centroid.peak_bytes
    assert small.peak_bytes >= 2 * 8 * 1_000 * 999 / 2


def test_ward_on_euclidean_data_never_counts_a_distance_vector():
    assert estimate_tree(100_000, 16, "ward", "euclidean").peak_bytes < 120e6  # arrays of n x d, no n^2


def test_precomputed_distances_are_kept_for_scipys_cophenet():
    """A distance matrix upload keeps its vector (SciPy's cophenet needs it): no in-place saving."""
    vector = 8 * 5_000 * 4_999 / 2

    assert estimate_tree(5_000, 0, "complete", "precomputed").peak_bytes >= 3 * vector


def test_a_million_row_single_linkage_tree_goes_through_the_mst_in_under_a_gigabyte():
    estimate = estimate_tree(1_000_000, 2, "single", "euclidean")
    assert estimate.engine == MST_ENGINE
    assert estimate.peak_bytes < 1e9  # measured: 129 MB of work beside the data
    assert mst_seconds(1_000_000, 2) < 10  # measured: 2.7 s


def test_mst_seconds_grow_with_the_features_from_seconds_to_minutes():
    assert mst_seconds(1_000_000, 1) == mst_seconds(1_000_000, 2)  # one feature runs as two
    assert mst_seconds(100_000, 4) < mst_seconds(100_000, 6) < mst_seconds(100_000, 8)
    assert 30 < mst_seconds(1_000_000, 8) < 600  # measured: 87 s
    assert mst_seconds(300_000, 2) < mst_seconds(1_000_000, 2) / 3  # n log n


@pytest.mark.parametrize(("n", "d"), [(MST_MIN_N - 1, 2), (1_000_000, MST_MAX_D + 1), (1_000_000, 0)])
def test_single_linkage_off_the_mst_keeps_the_linkage_vector_estimate(n, d):
    assert estimate_tree(n, d, "single", "euclidean") == estimate_tree(n, d, "ward", "euclidean")


def test_past_the_cophenetic_budget_the_random_pairs_are_counted_not_every_pair():
    exact = estimate_tree(100_000, 2, "ward", "euclidean")
    sampled = estimate_tree(100_000, 2, "ward", "euclidean", cophenetic_seconds=1.0)
    saved = exact_cophenetic_cost(100_000, 2, "ward", "euclidean").seconds - sampled_cophenetic_cost(100_000, 2).seconds
    assert saved > 20  # about 28 s of blockwise pairs against about 0.4 s of random ones
    assert sampled.seconds == pytest.approx(exact.seconds - saved)


def test_a_sampled_cophenetic_lets_the_engine_consume_the_distances_and_needs_no_cophenet_copy():
    vector = 8 * 900 * 899 / 2
    direct = estimate_tree(900, 2, "average", "euclidean")  # SciPy's cophenet: the vector kept, plus its own
    sampled = estimate_tree(900, 2, "average", "euclidean", cophenetic_seconds=0.0)
    extra = sampled_cophenetic_cost(900, 2).peak_bytes * 1.2  # the pairs and the LCA table, with the margin
    assert direct.peak_bytes - sampled.peak_bytes >= 2 * vector * 1.2 - extra


def test_within_the_budget_or_for_precomputed_distances_the_value_is_exact():
    assert not samples_cophenetic(10_000, 2, "ward", "euclidean", budget_seconds=1.0)  # about 0.3 s
    assert samples_cophenetic(30_000, 2, "ward", "euclidean", budget_seconds=1.0)  # about 2.5 s
    assert samples_cophenetic(5_000, 2, "centroid", "euclidean", budget_seconds=1.0)  # SciPy's cophenet: 1.2 s
    assert not samples_cophenetic(5_000, 0, "average", "precomputed", budget_seconds=0.0)
    assert not samples_cophenetic(2, 2, "ward", "euclidean", budget_seconds=0.0)
