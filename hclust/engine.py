"""The fastest exact linkage engine per case, and a cophenetic correlation without n^2 memory.

Engines
-------
- ``single`` and ``ward`` on euclidean observations: ``fastcluster.linkage_vector``,
  which never builds the distance matrix (O(n d) memory).
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
result says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import fastcluster
import numpy as np
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import cdist

SCIPY_TIE_FALLBACK_MAX_N = 20_000
FASTCLUSTER_METHODS = frozenset({"single", "complete", "average", "weighted", "ward"})
VECTOR_METHODS = frozenset({"single", "ward"})
MONOTONIC_METHODS = frozenset({"single", "complete", "average", "weighted", "ward"})


@dataclass(frozen=True)
class EnginePlan:
    """How a tree will be computed.

    Attributes
    ----------
    engine : str
        ``"fastcluster.linkage_vector"``, ``"fastcluster.linkage"`` or ``"scipy.linkage"``.
    needs_distance_matrix : bool
        True when the condensed distance vector (8 n (n - 1) / 2 bytes) is built.
    """

    engine: str
    needs_distance_matrix: bool


def plan_engine(method: str, metric: str) -> EnginePlan:
    """Pick the engine for a method and metric (see the module notes)."""
    if method in VECTOR_METHODS and metric == "euclidean":
        return EnginePlan("fastcluster.linkage_vector", needs_distance_matrix=False)
    if method in FASTCLUSTER_METHODS:
        return EnginePlan("fastcluster.linkage", needs_distance_matrix=True)
    return EnginePlan("scipy.linkage", needs_distance_matrix=True)


def has_tied_merges(linkage_matrix: np.ndarray) -> bool:
    """True when two merges share a height (where engines may order them differently)."""
    heights = np.sort(linkage_matrix[:, 2])
    return bool(np.any(heights[1:] == heights[:-1]))


def linkage_from_observations(observations: np.ndarray, method: str) -> tuple[np.ndarray, str]:
    """Euclidean linkage straight from observations, in O(n d) memory.

    Parameters
    ----------
    observations : ndarray of shape (n, m)
    method : {"single", "ward"}

    Returns
    -------
    linkage_matrix : ndarray of shape (n - 1, 4)
    note : str
        Empty, or why the tree may differ from SciPy's in tied merges.
    """
    linkage_matrix = fastcluster.linkage_vector(np.ascontiguousarray(observations, dtype=float), method=method)
    if not has_tied_merges(linkage_matrix):
        return linkage_matrix, ""
    if observations.shape[0] <= SCIPY_TIE_FALLBACK_MAX_N:
        return linkage(observations, method=method), ""
    return linkage_matrix, _TIE_NOTE


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
    linkage_matrix = fastcluster.linkage(distances, method=method, preserve_input=keep_input)
    if not has_tied_merges(linkage_matrix):
        return linkage_matrix, ""
    n = linkage_matrix.shape[0] + 1
    if n <= SCIPY_TIE_FALLBACK_MAX_N and pristine is not None:
        return linkage(pristine, method=method), ""
    if n <= SCIPY_TIE_FALLBACK_MAX_N:
        return linkage_matrix, NEEDS_SCIPY
    return linkage_matrix, _TIE_NOTE


# Returned as the note when fastcluster consumed the input and SciPy is needed.
NEEDS_SCIPY = "needs scipy"
_TIE_NOTE = (
    "Some merges are tied at equal heights and the data is too large to recompute with SciPy: "
    "tied merges may be ordered differently from SciPy's (same heights)."
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
        Called as ``progress(fraction, stage)`` about a hundred times.

    Returns
    -------
    float
        Pearson's correlation of the cophenetic and the original distances
        over all n (n - 1) / 2 pairs, equal to ``cophenet(Z, pdist(X))[0]``
        up to rounding (about 1e-12); NaN when undefined.

    Notes
    -----
    In a monotonic tree the cophenetic distance of the leaves at positions
    a < b of the dendrogram order is the largest "gap" height between
    neighbouring leaves from a to b, so each row's cophenetic distances are a
    running maximum. Rows are streamed one at a time and combined with
    Chan's pairwise update of means and co-moments, which stays accurate over
    billions of pairs. Time O(n^2 m); memory O(n m).
    """
    ordered = np.ascontiguousarray(observations[leaf_order], dtype=float)
    n = ordered.shape[0]
    gaps = _neighbour_gaps(linkage_matrix, leaf_order)
    count = 0
    mean_x = mean_y = m2_x = m2_y = co = 0.0
    # Row a has n - 1 - a pairs: report by pairs done, not rows.
    total_pairs = n * (n - 1) / 2
    every = max(1, n // 200)
    for a in range(n - 1):
        if progress is not None and a % every == 0:
            done = a * (2 * n - a - 1) / 2
            progress(done / total_pairs, f"cophenetic correlation: {done / total_pairs:.0%} of the pairs")
        coph = np.maximum.accumulate(gaps[a:])
        dist = _row_distances(ordered, a, metric)
        k = coph.size
        row_mean_x, row_mean_y = coph.mean(), dist.mean()
        dx, dy = coph - row_mean_x, dist - row_mean_y
        row_m2x, row_m2y, row_co = float(dx @ dx), float(dy @ dy), float(dx @ dy)
        total = count + k
        delta_x, delta_y = row_mean_x - mean_x, row_mean_y - mean_y
        weight = count * k / total
        m2_x += row_m2x + delta_x * delta_x * weight
        m2_y += row_m2y + delta_y * delta_y * weight
        co += row_co + delta_x * delta_y * weight
        mean_x += delta_x * k / total
        mean_y += delta_y * k / total
        count = total
    if m2_x <= 0 or m2_y <= 0:
        return float("nan")
    return co / np.sqrt(m2_x * m2_y)


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


def _row_distances(ordered: np.ndarray, a: int, metric: str) -> np.ndarray:
    rest = ordered[a + 1 :]
    if metric in ("euclidean", "sqeuclidean"):
        diff = rest - ordered[a]
        squared = np.einsum("ij,ij->i", diff, diff)
        return squared if metric == "sqeuclidean" else np.sqrt(squared)
    return cdist(ordered[a : a + 1], rest, metric=metric)[0]
