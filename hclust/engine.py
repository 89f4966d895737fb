"""The fastest exact linkage engine per case, and a cophenetic correlation without n^2 memory.

Engines
-------
- ``single`` on euclidean observations from :data:`hclust.mst.MST_MIN_N` samples
  (and up to :data:`hclust.mst.MST_MAX_D` features): an exact minimum spanning
  tree (``quitefastmst.mst_euclid``) labelled as SciPy labels merges
  (:func:`hclust.mst.single_linkage`). It is about O(n log n) where
  ``fastcluster.linkage_vector`` is O(n^2): a million samples take seconds
  (d = 2) to minutes (d = 8) instead of hours. Below that size, and with more
  features (where K-d trees lose their edge), fastcluster is as fast or faster.
  quitefastmst's OpenMP threads are set per call to the cores this process
  may run on (:func:`hclust.distances.worker_count`), as the distance threads are.
- ``single`` (otherwise) and ``ward`` on euclidean observations:
  ``fastcluster.linkage_vector``, which never builds the distance matrix
  (O(n d) memory).
- ``single``, ``complete``, ``average``, ``weighted``, ``ward`` otherwise:
  ``fastcluster.linkage`` on the condensed distances (2-4x faster than SciPy here).
- ``centroid`` and ``median``: SciPy's ``linkage``. Both engines resolve ties
  (equal distances, duplicate samples) in their own order; for these two
  non-monotonic methods a different tie order can change later merges, so
  SciPy itself is used and the tree is SciPy's exactly.

For the other methods fastcluster's tree equals SciPy's (merge heights to
about 1e-12) whenever no two merges share a height. Tied distances (duplicate
samples, integer or rounded data) are where the engines differ: they may
merge tied pairs in another order and so build another, equally valid tree.
So when fastcluster's result has tied merge heights, the tree is computed
again with SciPy (up to :data:`SCIPY_TIE_FALLBACK_MAX_N` samples, where
SciPy's memory still fits); above that, fastcluster's tree is kept and the
result says so. The MST engine is treated the same way: its heights are
SciPy's bit for bit, and with no tied heights so is its whole tree; tied
heights go to SciPy up to that size, and above it the MST's tree is kept,
whose clusters at every cut height are still SciPy's (single linkage's are the
same for every tie order; see :func:`hclust.mst.single_linkage`).

Distances
---------
The condensed distances are SciPy's ``pdist``, bit for bit, filled by row
blocks on one thread per core (:func:`hclust.distances.condensed_distances`,
re-exported here); the blockwise cophenetic correlation streams the same row
blocks over the same threads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import fastcluster
import numpy as np
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import cdist, pdist

from hclust.distances import condensed_distances as condensed_distances  # re-exported: hclust.tree calls it from here
from hclust.distances import pairs_in_rows, row_blocks, worker_count
from hclust.mst import MST_ENGINE, MST_MIN_N, single_linkage, uses_mst

SCIPY_TIE_FALLBACK_MAX_N = 20_000
FASTCLUSTER_METHODS = frozenset({"single", "complete", "average", "weighted", "ward"})
VECTOR_METHODS = frozenset({"single", "ward"})
MONOTONIC_METHODS = frozenset({"single", "complete", "average", "weighted", "ward"})


# Up to this many samples SciPy's cophenet (n^2 memory) computes the cophenetic
# correlation; above it a monotonic tree gets the blockwise one.
DIRECT_COPHENETIC_MAX_N = 1000


def uses_blockwise_cophenetic(method: str, n: int, direct_max_n: int = DIRECT_COPHENETIC_MAX_N) -> bool:
    """True when a tree of observations gets the blockwise cophenetic correlation.

    Then nothing needs the distance vector after the linkage, so fastcluster
    may consume it in place. (Precomputed distances always take SciPy's
    ``cophenet`` with the given vector.)
    """
    return method in MONOTONIC_METHODS and n > direct_max_n


@dataclass(frozen=True)
class EnginePlan:
    """How a tree will be computed.

    Attributes
    ----------
    engine : str
        ``"quitefastmst.mst_euclid"``, ``"fastcluster.linkage_vector"``,
        ``"fastcluster.linkage"`` or ``"scipy.linkage"``.
    needs_distance_matrix : bool
        True when the condensed distance vector (8 n (n - 1) / 2 bytes) is built.
    """

    engine: str
    needs_distance_matrix: bool


def plan_engine(method: str, metric: str, n: int = 0, d: int = 0, mst_min_n: int = MST_MIN_N) -> EnginePlan:
    """Pick the engine for a method and metric, and n samples of d features (see the module notes).

    Without n and d (0) the plan is the one for small data.
    """
    if method == "single" and metric == "euclidean" and uses_mst(n, d, mst_min_n):
        return EnginePlan(MST_ENGINE, needs_distance_matrix=False)
    if method in VECTOR_METHODS and metric == "euclidean":
        return EnginePlan("fastcluster.linkage_vector", needs_distance_matrix=False)
    if method in FASTCLUSTER_METHODS:
        return EnginePlan("fastcluster.linkage", needs_distance_matrix=True)
    return EnginePlan("scipy.linkage", needs_distance_matrix=True)


def has_tied_merges(linkage_matrix: np.ndarray) -> bool:
    """True when two merges share a height (where engines may order them differently)."""
    heights = np.sort(linkage_matrix[:, 2])
    return bool(np.any(heights[1:] == heights[:-1]))


def linkage_from_observations(
    observations: np.ndarray, method: str, mst_min_n: int = MST_MIN_N
) -> tuple[np.ndarray, str]:
    """Euclidean linkage straight from observations, in O(n d) memory.

    Parameters
    ----------
    observations : ndarray of shape (n, m)
    method : {"single", "ward"}
    mst_min_n : int
        From this many samples single linkage goes through the minimum
        spanning tree (:func:`plan_engine`).

    Returns
    -------
    linkage_matrix : ndarray of shape (n - 1, 4)
    note : str
        Empty, or why the tree may differ from SciPy's in tied merges.
    """
    n, d = observations.shape
    if plan_engine(method, "euclidean", n, d, mst_min_n).engine == MST_ENGINE:
        linkage_matrix, tie_note = single_linkage(observations, threads=worker_count()), _SINGLE_TIE_NOTE
    else:
        observations = np.ascontiguousarray(observations, dtype=float)
        linkage_matrix, tie_note = fastcluster.linkage_vector(observations, method=method), _TIE_NOTE
    if not has_tied_merges(linkage_matrix):
        return linkage_matrix, ""
    if n <= SCIPY_TIE_FALLBACK_MAX_N:
        return linkage(observations, method=method), ""
    return linkage_matrix, tie_note


def linkage_from_distances(distances: np.ndarray, method: str, keep_input: bool = True) -> tuple[np.ndarray, str]:
    """Linkage of a condensed distance vector with the fastest exact engine.

    Parameters
    ----------
    distances : ndarray of shape (n * (n - 1) / 2,)
    method : str
    keep_input : bool, default True
        False lets fastcluster work in place when the caller no longer needs
        ``distances`` (one distance vector less at the peak). Then, if a tie
        sends the work to SciPy, the distances are computed again by the
        caller; see ``note``.

    Returns
    -------
    linkage_matrix : ndarray of shape (n - 1, 4)
    note : str
        Empty, or why the tree may differ from SciPy's in tied merges.
    """
    if method not in FASTCLUSTER_METHODS:
        return linkage(distances, method=method), ""
    pristine = distances if keep_input else None
    linkage_matrix = _fastcluster_linkage(distances, method, keep_input)
    if not has_tied_merges(linkage_matrix):
        return linkage_matrix, ""
    n = linkage_matrix.shape[0] + 1
    if n <= SCIPY_TIE_FALLBACK_MAX_N and pristine is not None:
        return linkage(pristine, method=method), ""
    if n <= SCIPY_TIE_FALLBACK_MAX_N:
        return linkage_matrix, NEEDS_SCIPY
    return linkage_matrix, _TIE_NOTE


def _fastcluster_linkage(distances: np.ndarray, method: str, keep_input: bool) -> np.ndarray:
    """``fastcluster.linkage`` on a condensed vector, without its wrapper's extra copy.

    The wrapper starts with ``numpy.array(X)``, which copies the whole vector
    (400 MB at n = 10,000) even with ``preserve_input=False``, and then copies
    it again to preserve it. Its C entry point, ``fastcluster.linkage_wrap``,
    takes the vector as it is; the wrapper is the fallback if a fastcluster
    release no longer has it.
    """
    engine = getattr(fastcluster, "linkage_wrap", None)
    codes = getattr(fastcluster, "mthidx", {})
    usable = distances.dtype == np.float64 and distances.ndim == 1 and distances.flags.c_contiguous
    if engine is None or method not in codes or not usable:
        return fastcluster.linkage(distances, method=method, preserve_input=keep_input)
    n = int(round((1 + math.sqrt(1 + 8 * distances.size)) / 2))
    linkage_matrix = np.empty((n - 1, 4))
    engine(n, distances.copy() if keep_input else distances, linkage_matrix, codes[method])
    return linkage_matrix


# Returned as the note when fastcluster consumed the input and SciPy is needed.
NEEDS_SCIPY = "needs scipy"
_TIE_NOTE = (
    "Some merges are tied at equal heights and the data is too large to recompute with SciPy: "
    "tied merges may be ordered differently from SciPy's (same heights)."
)
_SINGLE_TIE_NOTE = (
    "Some merges are tied at equal heights and the data is too large to recompute with SciPy: "
    "tied clusters may be paired and ordered differently from SciPy's tree; the heights and the "
    "clusters at every cut height are SciPy's."
)


def cophenetic_correlation(linkage_matrix: np.ndarray, distances: np.ndarray) -> float:
    """SciPy's ``cophenet(Z, Y)[0]`` (NaN when undefined)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(cophenet(linkage_matrix, distances)[0])


def blockwise_cophenetic_correlation(
    observations: np.ndarray,
    linkage_matrix: np.ndarray,
    leaf_order: np.ndarray,
    metric: str,
    progress: Callable[[float, str], None] | None = None,
    workers: int | None = None,
) -> float:
    """The cophenetic correlation of a monotonic tree without n^2 memory.

    Parameters
    ----------
    observations : ndarray of shape (n, m)
    linkage_matrix : ndarray of shape (n - 1, 4)
        A monotonic tree (merge heights never decrease up the tree: single,
        complete, average, weighted, ward).
    leaf_order : ndarray of shape (n,)
        ``leaves_list(Z)``.
    metric : str
        The metric of the distances the tree was built from.
    progress : callable, optional
        Called as ``progress(fraction, stage)`` about a hundred times, from
        the calling thread.
    workers : int, optional
        Threads to use; default :func:`worker_count`.

    Returns
    -------
    float
        Pearson's correlation of the cophenetic and the original distances
        over all n (n - 1) / 2 pairs, equal to ``cophenet(Z, pdist(X))[0]``
        up to rounding (about 1e-13); NaN when undefined.

    Notes
    -----
    In a monotonic tree the cophenetic distance of the leaves at positions
    a < b of the dendrogram order is the largest "gap" height between
    neighbouring leaves from a to b. For a block of rows a0 <= a < a1 and the
    leaves b >= a1 past it, that is ``max(s[a], r[b])``: the largest gap from
    a to the block's end, and the running maximum of the gaps from the
    block's end to b. So a block's cophenetic distances are one broadcast
    ``maximum``, next to the block's ``cdist``. The cophenetic side's mean
    and spread come from the merges alone (a merge of clusters of sizes p
    and q accounts for p q pairs at its height). Both sides are shifted by
    their (estimated) means before summing, and block sums are added with
    ``math.fsum``, so billions of pairs lose no accuracy. Blocks are
    spread over threads (SciPy's distance kernels and NumPy release the
    GIL). Time O(n^2 m); memory O(n m) plus a few MB per thread.
    """
    ordered = np.ascontiguousarray(observations[leaf_order], dtype=float)
    n = ordered.shape[0]
    if n < 3:
        return float("nan")
    pairs = n * (n - 1) / 2
    gaps = _neighbour_gaps(linkage_matrix, leaf_order)
    pair_counts, heights = _pairs_per_merge(linkage_matrix)
    mean_x = math.fsum(pair_counts * heights) / pairs
    centred_heights = heights - mean_x
    m2_x = math.fsum(pair_counts * centred_heights * centred_heights)
    sum_x = math.fsum(pair_counts * centred_heights)  # about 0; kept for exactness
    centred_gaps = gaps - mean_x
    shift_y = _estimated_mean_distance(ordered, metric)

    def block_sums(a0: int, a1: int) -> tuple[float, float, float]:
        block = ordered[a0:a1]
        near_x = _within_block_cophenetic(centred_gaps[a0 : a1 - 1])
        near_y = pdist(block, metric=metric) - shift_y if a1 - a0 > 1 else np.empty(0)
        sums = [float(near_y.sum()), float(near_y @ near_y), float(near_x @ near_y)]
        if a1 < n:
            to_end = np.maximum.accumulate(centred_gaps[a0:a1][::-1])[::-1]
            running = np.empty(n - a1)
            running[0] = -np.inf
            np.maximum.accumulate(centred_gaps[a1:], out=running[1:])
            far_y = cdist(block, ordered[a1:], metric=metric)
            far_y -= shift_y
            far_x = np.maximum(to_end[:, None], running[None, :])
            sums[0] += float(far_y.sum())
            sums[1] += float(np.einsum("ij,ij->", far_y, far_y))
            sums[2] += float(np.einsum("ij,ij->", far_x, far_y))
        return sums[0], sums[1], sums[2]

    blocks = row_blocks(n)
    totals: list[list[float]] = [[], [], []]
    done = 0.0
    report = progress or (lambda fraction, stage: None)
    report(0.0, "cophenetic correlation: 0% of the pairs")
    with ThreadPoolExecutor(max_workers=workers or worker_count()) as pool:
        futures = {pool.submit(block_sums, a0, a1): pairs_in_rows(n, a0, a1) for a0, a1 in blocks}
        every = max(1, len(futures) // 100)
        for count, future in enumerate(as_completed(futures), start=1):
            for total, value in zip(totals, future.result()):
                total.append(value)
            done += futures[future]
            if count % every == 0:
                report(done / pairs, f"cophenetic correlation: {done / pairs:.0%} of the pairs")
    sum_y, sum_yy, sum_xy = (math.fsum(total) for total in totals)
    m2_y = sum_yy - sum_y * sum_y / pairs
    co = sum_xy - sum_x * sum_y / pairs
    if m2_x <= 0 or m2_y <= 0:
        return float("nan")
    return co / math.sqrt(m2_x * m2_y)


def _pairs_per_merge(linkage_matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each merge, how many leaf pairs it joins (p q) and at what height."""
    n = linkage_matrix.shape[0] + 1
    sizes = np.concatenate([np.ones(n), linkage_matrix[:, 3]])
    left = sizes[linkage_matrix[:, 0].astype(np.int64)]
    right = sizes[linkage_matrix[:, 1].astype(np.int64)]
    return left * right, linkage_matrix[:, 2].astype(float)


def _estimated_mean_distance(ordered: np.ndarray, metric: str, sample: int = 64) -> float:
    """The mean distance among a fixed sample of rows: a shift that keeps the sums well conditioned."""
    rows = np.random.default_rng(0).choice(ordered.shape[0], size=min(sample, ordered.shape[0]), replace=False)
    values = pdist(ordered[np.sort(rows)], metric=metric)
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else 0.0


def _within_block_cophenetic(block_gaps: np.ndarray) -> np.ndarray:
    """Cophenetic distances of the pairs inside a block of consecutive leaves, in ``pdist`` order."""
    size = block_gaps.size + 1
    if size < 2:
        return np.empty(0)
    steps = np.full((size, size), -np.inf)
    columns = np.arange(1, size)
    steps[:, 1:] = np.where(np.arange(size)[:, None] < columns[None, :], block_gaps[None, :], -np.inf)
    return np.maximum.accumulate(steps, axis=1)[np.triu_indices(size, 1)]


def _neighbour_gaps(linkage_matrix: np.ndarray, leaf_order: np.ndarray) -> np.ndarray:
    """Height of the lowest merge joining each pair of neighbouring leaves."""
    n = leaf_order.size
    position = np.empty(n, dtype=np.int64)
    position[leaf_order] = np.arange(n)
    # Each merge joins two contiguous runs of leaves; the gap between them is
    # at the right end of the left run. Track run ends per node.
    left_end = np.empty(2 * n - 1, dtype=np.int64)
    right_end = np.empty(2 * n - 1, dtype=np.int64)
    left_end[:n] = position
    right_end[:n] = position
    gaps = np.empty(n - 1)
    for row, (a, b, height, _) in enumerate(linkage_matrix):
        a, b = int(a), int(b)
        first, second = (a, b) if left_end[a] < left_end[b] else (b, a)
        gaps[right_end[first]] = height
        left_end[n + row] = left_end[first]
        right_end[n + row] = right_end[second]
    return gaps
