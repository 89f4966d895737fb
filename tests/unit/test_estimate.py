"""Plain words for the cost of a tree."""

from hclust.estimate import Estimate, describe, estimate_tree


def test_describe_reads_naturally_from_milliseconds_to_minutes():
    assert describe(Estimate(seconds=0.2, peak_bytes=3_000_000, engine="e")) == "under 1 s and 3 MB"
    assert describe(Estimate(seconds=12.4, peak_bytes=1_600_000_000, engine="e")) == "about 12 s and 1.6 GB"
    assert describe(Estimate(seconds=300, peak_bytes=50_000_000, engine="e")) == "about 5 min and 50 MB"


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
