"""Plain words for the cost of a tree."""

from hclust.estimate import Estimate, describe


def test_describe_reads_naturally_from_milliseconds_to_minutes():
    assert describe(Estimate(seconds=0.2, peak_bytes=3_000_000, engine="e")) == "under 1 s and 3 MB"
    assert describe(Estimate(seconds=12.4, peak_bytes=1_600_000_000, engine="e")) == "about 12 s and 1.6 GB"
    assert describe(Estimate(seconds=300, peak_bytes=50_000_000, engine="e")) == "about 5 min and 50 MB"
