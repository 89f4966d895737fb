"""Estimate the time and memory of a tree before computing it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from hclust.cophenetic import CHUNK_ELEMENTS, DEFAULT_PAIRS
from hclust.distances import BLOCK_ELEMENTS
from hclust.engine import DIRECT_COPHENETIC_MAX_N, plan_engine, uses_blockwise_cophenetic
from hclust.mst import MST_ENGINE

# Nanoseconds per pair of samples, measured on this project's 2-core
# machines (see benchmarks/); d is the number of features. Estimates, not
# promises: they are meant to tell seconds from minutes.
_NS_DISTANCES = (4.0, 0.5)  # pdist: a + b d per pair
_NS_FASTCLUSTER = 32.0  # fastcluster.linkage on a distance vector
_NS_VECTOR = (2.2, 1.6)  # fastcluster.linkage_vector: a + b d per pair (5.4 ns at d = 2, 28 ns at d = 16)
_NS_SCIPY = 110.0  # scipy linkage, centroid and median
_NS_COPHENETIC_DIRECT = 100.0
_NS_COPHENETIC_BLOCKWISE = (5.0, 0.2)  # row blocks on 2 threads: 5.6 ns (d = 2), 7.5 ns (d = 16) at n = 20,000
_BYTES_PER_PAIR = 8
_NS_KMEANS = 2.5  # MiniBatchKMeans per sample x centre x (d + 2), for approximate trees
# The minimum spanning tree engine (hclust.mst), per sample: nanoseconds per n log2 n, by d, interpolated
# geometrically (d = 1 runs as d = 2). Whole linkage_from_observations(X, "single") on make_blobs data,
# 2 busy cores (benchmarks/bench_scale.py --parts single --big): d = 2: 0.22 s, 0.81 s, 2.65 s at
# n = 100,000, 300,000, 1,000,000 (133-148 ns); d = 4: 7.7 s at 1,000,000 (386 ns); d = 8: 5.6 s, 10.9 s,
# 87 s (2,000-4,400 ns); d = 10: 10.7 s and 62 s at 100,000 and 300,000 (6,400-11,300 ns). The cost per
# n log n grows with n at larger d, so the largest measured n sets each constant.
_NS_MST = {2: 135.0, 4: 390.0, 8: 4400.0, 10: 11_300.0}
# Its memory, bytes per sample a + b d: the data in K-d tree order, the tree's edges, the union-find and
# the matrix. Measured work (peak minus the data): 39 and 129 MB at 300,000 and 1,000,000 with d = 2,
# 60 and 199 MB with d = 8.
_MST_BYTES = (110, 12)
_NS_COPHENETIC_SAMPLED = (60.0, 13.0)  # per random pair: a + b d (86 ns at d = 2, 270 at d = 16, n = 1,000,000)
_NS_COPHENETIC_TABLE = 3.0  # per sample x level of the LCA table (hclust.cophenetic.PairCophenetic)


@dataclass(frozen=True)
class Estimate:
    """What building one tree will cost.

    Attributes
    ----------
    seconds : float
        Expected wall time of the linkage and the cophenetic correlation.
    peak_bytes : int
        Expected peak memory of the computation.
    engine : str
        The engine that will run (see :mod:`hclust.engine`).
    """

    seconds: float
    peak_bytes: int
    engine: str

    @property
    def peak_gb(self) -> float:
        """:attr:`peak_bytes` in GB."""
        return self.peak_bytes / 1e9


WORKING_MARGIN = 1.2
WORKING_BYTES = 30_000_000
"""What the arrays above leave out: the allocator's slack, temporaries and the cut after the tree.
Measured growth of a process building average linkage on 5,000, 10,000 and 20,000 x 2 samples (and
10,000 x 16): 0.13, 0.46, 1.78 and 0.46 GB, where the arrays alone are 0.10, 0.40, 1.60 and 0.41 GB;
with this margin every one is within its estimate."""


def estimate_tree(
    n: int,
    d: int,
    method: str,
    metric: str,
    direct_cophenetic_max_n: int = DIRECT_COPHENETIC_MAX_N,
    representatives_of: int = 0,
    cophenetic_seconds: float = math.inf,
) -> Estimate:
    """Estimate the cost of ``build_tree`` on n samples with d features.

    Parameters
    ----------
    n, d : int
        Samples and features (d is ignored for precomputed distances).
    method, metric : str
    direct_cophenetic_max_n : int
        Above this n, monotonic trees use the blockwise cophenetic
        correlation (see :data:`hclust.engine.DIRECT_COPHENETIC_MAX_N`).
    representatives_of : int
        For an approximate tree: the number of samples the n
        representatives stand for (adds the k-means step); 0 for exact.
    cophenetic_seconds : float
        ``build_tree``'s budget for the exact cophenetic correlation (see :func:`samples_cophenetic`).

    Returns
    -------
    Estimate
    """
    pairs = n * (n - 1) / 2
    plan = plan_engine(method, metric, n, d)
    sampled = samples_cophenetic(n, d, method, metric, cophenetic_seconds, direct_cophenetic_max_n)
    blockwise = (
        not sampled and metric != "precomputed" and uses_blockwise_cophenetic(method, n, direct_cophenetic_max_n)
    )
    seconds = 0.0
    peak = 3 * n * max(d, 1) * 8 + 200 * n  # observations, tree and its per-node arrays
    if plan.needs_distance_matrix:
        if metric != "precomputed":
            seconds += pairs * (_NS_DISTANCES[0] + _NS_DISTANCES[1] * d) * 1e-9
        # The distance vector, and a working copy unless fastcluster may consume
        # it in place (when the blockwise or sampled cophenetic correlation follows).
        in_place = (blockwise or sampled) and plan.engine.startswith("fastcluster")
        peak += (1 if in_place else 2) * pairs * _BYTES_PER_PAIR
        seconds += pairs * (_NS_FASTCLUSTER if plan.engine.startswith("fastcluster") else _NS_SCIPY) * 1e-9
    elif plan.engine == MST_ENGINE:
        seconds += mst_seconds(n, d)
        peak += n * (_MST_BYTES[0] + _MST_BYTES[1] * d)
    else:
        seconds += pairs * (_NS_VECTOR[0] + _NS_VECTOR[1] * d) * 1e-9
    if sampled:
        cost = sampled_cophenetic_cost(n, d)
        seconds, peak = seconds + cost.seconds, peak + cost.peak_bytes
    else:
        seconds += exact_cophenetic_cost(n, d, method, metric, direct_cophenetic_max_n).seconds
    if not (sampled or blockwise):
        # SciPy's cophenet holds the distances and the cophenetic distances
        extra = pairs * _BYTES_PER_PAIR * (1 if plan.needs_distance_matrix else 2)
        peak += int(extra)
    if representatives_of > n:
        seconds += representatives_of * n * (d + 2) * _NS_KMEANS * 1e-9
        peak += representatives_of * (d + 2) * 8 * 2
    peak = peak * WORKING_MARGIN + WORKING_BYTES
    return Estimate(seconds=seconds, peak_bytes=int(peak), engine=plan.engine)


def mst_seconds(n: int, d: int) -> float:
    """Expected seconds of single linkage through the minimum spanning tree (:mod:`hclust.mst`).

    ``c(d) n log2 n`` nanoseconds, with ``c`` measured at d = 2, 4, 8 and 10
    and interpolated geometrically in between.
    """
    dims = sorted(_NS_MST)
    per_point = np.exp(np.interp(d, dims, np.log([_NS_MST[k] for k in dims])))
    return float(per_point) * n * math.log2(max(n, 2)) * 1e-9


def exact_cophenetic_cost(
    n: int, d: int, method: str, metric: str, direct_max_n: int = DIRECT_COPHENETIC_MAX_N
) -> Estimate:
    """What the exact cophenetic correlation of a built tree costs: blockwise, or SciPy's ``cophenet``.

    The peak counts what it adds to the tree and its data: the blockwise
    path's ordered copy of the samples and its blocks, or the distance
    vector, SciPy's cophenetic vector and one temporary of their size.
    """
    pairs = n * (n - 1) / 2
    if metric != "precomputed" and uses_blockwise_cophenetic(method, n, direct_max_n):
        seconds = pairs * (_NS_COPHENETIC_BLOCKWISE[0] + _NS_COPHENETIC_BLOCKWISE[1] * d) * 1e-9
        return Estimate(seconds=seconds, peak_bytes=int(8 * n * (d + 4) + 4 * BLOCK_ELEMENTS * 8), engine="blockwise")
    return Estimate(pairs * _NS_COPHENETIC_DIRECT * 1e-9, int(3 * pairs * _BYTES_PER_PAIR), "scipy.cophenet")


def sampled_cophenetic_cost(n: int, d: int, pairs: int = DEFAULT_PAIRS) -> Estimate:
    """What the estimate from random pairs costs: the LCA table, then the pairs (16 bytes each, kept)."""
    levels = max(1, (n - 1).bit_length())
    seconds = (
        pairs * (_NS_COPHENETIC_SAMPLED[0] + _NS_COPHENETIC_SAMPLED[1] * d) + n * levels * _NS_COPHENETIC_TABLE
    ) * 1e-9
    peak = 16 * pairs + 4 * n * (levels + 2) + 16 * CHUNK_ELEMENTS * 8
    return Estimate(seconds=seconds, peak_bytes=peak, engine="random pairs")


def samples_cophenetic(
    n: int, d: int, method: str, metric: str, budget_seconds: float, direct_max_n: int = DIRECT_COPHENETIC_MAX_N
) -> bool:
    """True when ``build_tree`` estimates the cophenetic correlation from random pairs.

    That is when the exact value is expected to take longer than
    ``budget_seconds`` (the app's ``HCLUST_COPHENETIC_EXACT_SECONDS``).
    Precomputed distances (small by the upload limit) always get the exact
    value, and so do trees of two samples.
    """
    return (
        metric != "precomputed"
        and n > 2
        and exact_cophenetic_cost(n, d, method, metric, direct_max_n).seconds > budget_seconds
    )


def machine_memory_bytes() -> int:
    """Physical memory of this machine."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def describe(estimate: Estimate) -> str:
    """Plain words for an estimate: "about 12 s and 1.6 GB", "under 1 s and 3 MB"."""
    seconds = estimate.seconds
    duration = duration_text(seconds)
    size = size_text(estimate.peak_bytes)
    return f"{duration} and {size}" if seconds < 1 else f"about {duration} and {size}"


def duration_text(seconds: float) -> str:
    """Plain words for a duration: "under 1 s", "12 s", "5 min", "6 h"."""
    if seconds < 1:
        return "under 1 s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 3 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def size_text(n_bytes: float) -> str:
    """Plain words for an amount of memory: "3 MB", "1.6 GB", "4.8 TB"."""
    if n_bytes >= 1e12:
        return f"{n_bytes / 1e12:.1f} TB"
    return f"{n_bytes / 1e9:.1f} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:.0f} MB"
