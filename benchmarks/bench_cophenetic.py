"""Benchmark the cophenetic correlation at any size: the estimate from random pairs against the exact value.

Run from the repository root::

    .venv/bin/python benchmarks/bench_cophenetic.py            # n = 1,000,000 (d = 2, 16) and n = 20,000 / 50,000
    .venv/bin/python benchmarks/bench_cophenetic.py --quick    # n = 200,000 and 20,000 only

Tables printed:

1. The estimate at large n: ``hclust.cophenetic.PairCophenetic`` (the LCA
   table) and ``sampled_cophenetic_correlation`` (4,000,000 random pairs), wall
   time best of 3, and the peak memory they add (``tracemalloc``, which counts
   NumPy's arrays). The tree over n samples is an approximate one (2,000 random
   representatives expanded to every sample, ``hclust.approximate``): a full
   linkage matrix over n samples, built in seconds.
2. The estimate against the exact value at mid n (blobs, ward): the exact one
   is ``hclust.engine.blockwise_cophenetic_correlation`` (SciPy's
   ``cophenet`` to 1e-13, see tests/unit/test_engine.py); the time of each,
   and whether the 95% interval covers the exact value.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

import fastcluster
import numpy as np
from sklearn.datasets import make_blobs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hclust.approximate import choose_representatives, expand_linkage  # noqa: E402
from hclust.cophenetic import PairCophenetic, sampled_cophenetic_correlation  # noqa: E402
from hclust.engine import blockwise_cophenetic_correlation  # noqa: E402
from hclust.tree import tree_from_linkage  # noqa: E402


def _best(repeats: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peak_mb(run) -> float:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def large(n: int, d: int, repeats: int) -> str:
    features = np.random.default_rng(0).normal(size=(n, d))
    representatives = choose_representatives(features, 2000, "sample")
    linkage_matrix = expand_linkage(
        fastcluster.linkage_vector(representatives.points, "ward"), representatives.assignment
    )
    tree = tree_from_linkage(linkage_matrix, "ward", "euclidean", float("nan"))

    def table() -> PairCophenetic:
        return PairCophenetic(linkage_matrix, tree.leaf_order, tree.leaf_span)

    table_s, pairs = _best(repeats, table)
    sample_s, estimate = _best(repeats, lambda: sampled_cophenetic_correlation(features, pairs, "euclidean"))
    peak = _peak_mb(lambda: sampled_cophenetic_correlation(features, table(), "euclidean"))
    return (
        f"| {n:>9,} | {d:>2} | {table_s:6.2f} | {sample_s:6.2f} | {table_s + sample_s:6.2f} | {peak:7.0f} | "
        f"{estimate.value:.4f} ± {estimate.half_width:.4f} |"
    )


def mid(n: int, d: int) -> str:
    features, _ = make_blobs(n_samples=n, n_features=d, centers=5, random_state=0)
    linkage_matrix = fastcluster.linkage_vector(features, "ward")
    tree = tree_from_linkage(linkage_matrix, "ward", "euclidean", float("nan"))
    exact_s, exact = _best(
        1, lambda: blockwise_cophenetic_correlation(features, linkage_matrix, tree.leaf_order, "euclidean")
    )

    def estimate():
        return sampled_cophenetic_correlation(
            features, PairCophenetic(linkage_matrix, tree.leaf_order, tree.leaf_span), "euclidean"
        )

    sample_s, result = _best(1, estimate)
    covered = abs(result.value - exact) <= result.half_width
    return (
        f"| {n:>7,} | {d:>2} | {exact:.6f} | {exact_s:6.2f} | {result.value:.6f} ± {result.half_width:.6f} | "
        f"{sample_s:6.2f} | {'yes' if covered else 'NO'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 200,000 and 20,000 only")
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}, load average at start: {os.getloadavg()[0]:.1f}")
    print("\n1. The estimate from 4,000,000 random pairs (seconds, best of 3; extra peak memory in MB)\n")
    print("| n | d | LCA table s | pairs s | total s | peak MB | estimate |")
    print("|---|---|---|---|---|---|---|")
    for n, d in [(200_000, 2)] if args.quick else [(1_000_000, 2), (1_000_000, 16)]:
        print(large(n, d, repeats=3), flush=True)
    print("\n2. Estimate against the exact value (ward on blobs; seconds, one run)\n")
    print("| n | d | exact | exact s | estimate ± half-width | estimate s | covered |")
    print("|---|---|---|---|---|---|---|")
    for n in [20_000] if args.quick else [20_000, 50_000]:
        print(mid(n, 2), flush=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
