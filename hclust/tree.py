"""Build a hierarchical clustering tree and its cophenetic correlation."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy.cluster.hierarchy import leaves_list, maxdists

from hclust.cophenetic import (
    DEFAULT_PAIRS,
    CopheneticCorrelation,
    PairCophenetic,
    exact_cophenetic_correlation,
    sampled_cophenetic_correlation,
)
from hclust.engine import (
    NEEDS_SCIPY,
    condensed_distances,
    cophenetic_correlation,
    linkage_from_distances,
    linkage_from_observations,
    plan_engine,
    uses_blockwise_cophenetic,
)
from hclust.errors import ClusteringError
from hclust.estimate import samples_cophenetic
from hclust.options import LINKAGE_METHODS, validate_choice

_MAX_NAMED_ROWS = 5
Progress = Callable[[float, str], None]


@dataclass(frozen=True, eq=False)
class Tree:
    """A linkage result with what the views derive from it once.

    Attributes
    ----------
    linkage : ndarray of shape (n - 1, 4)
        SciPy's linkage matrix Z: ``[idx1, idx2, dist, sample_count]``.
    method, metric : str
        The linkage method and distance metric that built it.
    cophenetic : float
        Cophenetic correlation of the tree against the distances it was
        built from; NaN when it is undefined (every merge at one height, or
        every distance equal). Exact unless :attr:`cophenetic_pairs` says
        it is an estimate.
    leaf_order : ndarray of shape (n,)
        Sample indices in dendrogram order, left to right
        (``scipy.cluster.hierarchy.leaves_list``).
    max_dists : ndarray of shape (n - 1,)
        Per merge, the largest merge height in its subtree
        (``scipy.cluster.hierarchy.maxdists``). It equals the merge height
        for monotonic trees and is what ``fcluster`` compares with a cut.
    first_leaf : ndarray of shape (2n - 1,)
        For every node (sample or merge), one sample inside it: the left-most
        one. A merge's cluster after a cut is the cluster of this sample.
    parent : ndarray of shape (2n - 1,)
        For every node, the node it merges into; -1 for the root.
    note : str
        Empty, or a sentence for the user about how the tree was computed.
    cophenetic_half_width : float
        For an estimate, half the width of its 95% confidence interval
        (:class:`hclust.cophenetic.CopheneticCorrelation`); 0 when exact.
    cophenetic_pairs : int
        For an estimate, the random pairs it was computed from; 0 when the
        value is exact (from every pair, as SciPy's ``cophenet``).
    leaf_span : ndarray of shape (2n - 1, 2)
        For every node, the first and one-past-last position in
        :attr:`leaf_order` of the samples under it (a subtree's samples are
        contiguous in dendrogram order): its members are
        ``leaf_order[start:stop]``.
    """

    linkage: np.ndarray
    method: str
    metric: str
    cophenetic: float
    leaf_order: np.ndarray
    max_dists: np.ndarray
    first_leaf: np.ndarray
    parent: np.ndarray
    leaf_span: np.ndarray
    note: str = ""
    cophenetic_half_width: float = 0.0
    cophenetic_pairs: int = 0

    @property
    def cophenetic_is_exact(self) -> bool:
        """True when :attr:`cophenetic` is SciPy's value from every pair, not an estimate."""
        return self.cophenetic_pairs == 0

    def with_cophenetic(self, result: CopheneticCorrelation) -> Tree:
        """The same tree with that cophenetic correlation (exact, or an estimate with its interval)."""
        pairs = 0 if result.exact else result.pairs
        half_width = result.half_width if pairs else 0.0
        return replace(self, cophenetic=result.value, cophenetic_half_width=half_width, cophenetic_pairs=pairs)

    @property
    def n_samples(self) -> int:
        """Number of samples (leaves)."""
        return self.linkage.shape[0] + 1

    @property
    def sorted_max_dists(self) -> np.ndarray:
        """:attr:`max_dists` in ascending order (the possible cut levels)."""
        return np.sort(self.max_dists)


def check_observations(features: np.ndarray) -> np.ndarray:
    """Validate a feature matrix for clustering.

    Parameters
    ----------
    features : array_like of shape (n, m)
        n samples with m numeric features.

    Returns
    -------
    ndarray of float64, shape (n, m)

    Raises
    ------
    ClusteringError
        If the array is not 2-D, has fewer than 2 samples or no feature, or
        holds a missing or infinite value.
    """
    observations = np.asarray(features, dtype=float)
    if observations.ndim != 2:
        raise ClusteringError(f"the data must be a 2-D table of samples by features (got {observations.ndim}-D)")
    n, m = observations.shape
    if n < 2:
        raise ClusteringError(f"clustering needs at least 2 samples (got {n}); add rows")
    if m < 1:
        raise ClusteringError("the data has no numeric feature column; add at least one")
    bad = ~np.isfinite(observations)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        raise ClusteringError(
            f"{bad.sum()} missing or infinite value(s) in row(s) {_name_rows(rows)}; "
            "remove or fill them before clustering"
        )
    return observations


def pairwise_distances(observations: np.ndarray, metric: str) -> np.ndarray:
    """Condensed pairwise distances, refusing undefined ones.

    Parameters
    ----------
    observations : ndarray of shape (n, m)
    metric : str
        A ``scipy.spatial.distance.pdist`` metric name.

    Returns
    -------
    ndarray of shape (n * (n - 1) / 2,)

    Raises
    ------
    ClusteringError
        If the metric is undefined for some pairs (for example cosine with an
        all-zero row, correlation with a constant row); the message names the
        rows.

    Notes
    -----
    Time O(n^2 m), spread over the CPU cores (the result is ``pdist``'s, bit for bit);
    memory 8 n (n - 1) / 2 bytes.
    """
    distances = condensed_distances(observations, metric)
    undefined = np.flatnonzero(~np.isfinite(distances))
    if undefined.size:
        # A bad row (all zeros for cosine, constant for correlation) spoils
        # every pair it is in: name the rows in the most undefined pairs.
        pairs = np.concatenate(condensed_index_to_pairs(undefined, observations.shape[0]))
        counts = np.bincount(pairs)
        rows = np.flatnonzero(counts == counts.max())
        raise ClusteringError(
            f"the {metric} distance is undefined for row(s) {_name_rows(rows)} "
            "(all-zero rows for cosine, constant rows for correlation); "
            "remove those rows or pick another metric"
        )
    return distances


def condensed_index_to_pairs(index: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Map positions in a condensed distance vector to (row, column) pairs.

    Parameters
    ----------
    index : ndarray of int
        Positions in a vector of length n (n - 1) / 2.
    n : int
        Number of samples.

    Returns
    -------
    rows, cols : ndarray of int
        ``rows < cols``, the sample pair each position describes.
    """
    index = np.asarray(index, dtype=np.int64)
    row_ids = np.arange(n - 1, dtype=np.int64)
    row_starts = row_ids * n - row_ids * (row_ids + 1) // 2
    rows = np.searchsorted(row_starts, index, side="right") - 1
    cols = index - row_starts[rows] + rows + 1
    return rows, cols


def build_tree(
    features: np.ndarray,
    method: str,
    metric: str,
    progress: Progress | None = None,
    cophenetic_seconds: float = math.inf,
) -> Tree:
    """Cluster observations hierarchically.

    Parameters
    ----------
    features : array_like of shape (n, m)
        n samples with m numeric features.
    method : str
        A key of :data:`hclust.options.LINKAGE_METHODS`.
    metric : str
        A key of :data:`hclust.options.METRICS`.
    progress : callable, optional
        Called as ``progress(fraction, stage)`` while the tree is built.
    cophenetic_seconds : float, default inf
        The most seconds the exact cophenetic correlation may take by its
        estimate; beyond it, it is estimated from random pairs with a 95%
        interval (:func:`hclust.estimate.samples_cophenetic`).

    Returns
    -------
    Tree
        The merge heights of ``scipy.cluster.hierarchy.linkage(X, method,
        metric)`` (see :mod:`hclust.engine` for the engine and tied merges),
        with its cophenetic correlation ``cophenet(Z, pdist(X, metric))[0]``
        or its estimate (:attr:`Tree.cophenetic_pairs`).

    Raises
    ------
    ClusteringError
        Checked in this order: unknown method or metric, a method that needs
        euclidean with another metric, bad shape, non-finite values,
        distances the metric leaves undefined.

    Notes
    -----
    Time O(n^2 m). Memory: O(n m) for ward and single on euclidean data;
    otherwise the condensed distances, 8 n (n - 1) / 2 bytes, and a working
    copy unless no cophenetic step needs them again.
    """
    validate_choice(method, metric)
    observations = check_observations(features)
    report = progress or _ignore_progress
    n, d = observations.shape
    sampled = samples_cophenetic(n, d, method, metric, cophenetic_seconds)
    linkage_matrix, engine_note, distances = _link(observations, method, metric, report, sampled)
    tree = replace(tree_from_linkage(linkage_matrix, method, metric, float("nan")), note=engine_note)
    if sampled:
        report(0.6, f"estimating the cophenetic correlation from {DEFAULT_PAIRS:,} random pairs")
        pairs = PairCophenetic(linkage_matrix, tree.leaf_order, tree.leaf_span)
        result = sampled_cophenetic_correlation(observations, pairs, metric)
    else:
        report(0.6, "computing the cophenetic correlation")
        result = exact_cophenetic_correlation(
            observations, linkage_matrix, tree.leaf_order, method, metric, distances, _scaled(report, 0.6, 1.0)
        )
    report(1.0, "done")
    return tree.with_cophenetic(result)


def _link(
    observations: np.ndarray, method: str, metric: str, report: Progress, sampled: bool
) -> tuple[np.ndarray, str, np.ndarray | None]:
    """The linkage with the planned engine, its note, and the distances when the cophenetic step reuses them."""
    n = observations.shape[0]
    plan = plan_engine(method, metric, n, observations.shape[1])
    if not plan.needs_distance_matrix:
        report(0.05, f"linking with {plan.engine}")
        return (*linkage_from_observations(observations, method), None)
    report(0.05, f"computing {n * (n - 1) // 2:,} {metric} distances")
    distances = pairwise_distances(observations, metric)
    report(0.25, f"linking with {plan.engine}")
    keep = not (sampled or uses_blockwise_cophenetic(method, n))
    linkage_matrix, engine_note = linkage_from_distances(distances, method, keep_input=keep)
    if engine_note == NEEDS_SCIPY:  # tied merges: SciPy's own tree, from fresh distances
        linkage_matrix, engine_note = linkage_from_distances(pairwise_distances(observations, metric), method)
    return linkage_matrix, engine_note, distances if keep else None


def _ignore_progress(fraction: float, stage: str) -> None:
    return None


def _scaled(report: Progress, start: float, stop: float) -> Progress:
    return lambda fraction, stage: report(start + (stop - start) * fraction, stage)


PRECOMPUTED = "precomputed"


def build_tree_from_distances(distances: np.ndarray, method: str) -> Tree:
    """Cluster from a condensed vector of precomputed distances.

    Parameters
    ----------
    distances : ndarray of shape (n * (n - 1) / 2,)
        Pairwise distances in ``scipy.spatial.distance.squareform`` order.
    method : str
        A key of :data:`hclust.options.LINKAGE_METHODS` that accepts any
        metric (not ward, centroid or median: they need the euclidean
        coordinates of the samples, which a distance matrix does not have).

    Returns
    -------
    Tree
        ``linkage(distances, method)`` with ``metric="precomputed"`` and the
        cophenetic correlation against the given distances.

    Raises
    ------
    ClusteringError
        If the method needs euclidean observations, or the vector is not a
        finite, non-negative condensed distance vector of at least 2 samples.
    """
    if method not in LINKAGE_METHODS:
        raise ClusteringError(f"unknown linkage method {method!r}; choose one of: {', '.join(LINKAGE_METHODS)}")
    if LINKAGE_METHODS[method].needs_euclidean:
        usable = ", ".join(m.name for m in LINKAGE_METHODS.values() if not m.needs_euclidean)
        raise ClusteringError(
            f"method {method!r} needs the samples' euclidean coordinates, and precomputed distances "
            f"do not have them; pick one of: {usable}"
        )
    vector = np.asarray(distances, dtype=float)
    n = int(round((1 + np.sqrt(1 + 8 * vector.size)) / 2))
    if vector.ndim != 1 or vector.size == 0 or n * (n - 1) // 2 != vector.size:
        raise ClusteringError(
            f"a condensed distance vector must have n(n-1)/2 entries for some n >= 2 (got {vector.size})"
        )
    if not np.isfinite(vector).all() or (vector < 0).any():
        raise ClusteringError("distances must be finite and at least 0")
    linkage_matrix, engine_note = linkage_from_distances(vector, method)
    tree = tree_from_linkage(linkage_matrix, method, PRECOMPUTED, cophenetic_correlation(linkage_matrix, vector))
    return replace(tree, note=engine_note)


def tree_from_linkage(linkage_matrix: np.ndarray, method: str, metric: str, cophenetic: float) -> Tree:
    """Wrap a linkage matrix with its derived, per-tree arrays.

    Parameters
    ----------
    linkage_matrix : ndarray of shape (n - 1, 4)
    method, metric : str
    cophenetic : float

    Returns
    -------
    Tree
    """
    n = linkage_matrix.shape[0] + 1
    children = linkage_matrix[:, :2].astype(np.int64)
    first_leaf = _left_most_leaves(children, n)
    parent = np.full(2 * n - 1, -1, dtype=np.int64)
    parent[children[:, 0]] = n + np.arange(n - 1)
    parent[children[:, 1]] = n + np.arange(n - 1)
    leaf_order = leaves_list(linkage_matrix)
    position = np.empty(n, dtype=np.int64)
    position[leaf_order] = np.arange(n)
    # A node's samples are contiguous in dendrogram order and start at its left-most leaf.
    leaf_span = np.empty((2 * n - 1, 2), dtype=np.int64)
    leaf_span[:, 0] = position[first_leaf]
    leaf_span[:n, 1] = leaf_span[:n, 0] + 1
    leaf_span[n:, 1] = leaf_span[n:, 0] + linkage_matrix[:, 3].astype(np.int64)
    return Tree(
        linkage=linkage_matrix,
        method=method,
        metric=metric,
        cophenetic=cophenetic,
        leaf_order=leaf_order,
        max_dists=maxdists(linkage_matrix),
        first_leaf=first_leaf,
        parent=parent,
        leaf_span=leaf_span,
    )


def _left_most_leaves(children: np.ndarray, n: int) -> np.ndarray:
    """For every node, the sample reached by always following the left child (``Z[:, 0]``).

    Pointer doubling: each pass jumps twice as far down the left spine, so a
    chain of a million left children takes 20 vectorised passes, not a
    Python loop over the rows.
    """
    left = np.arange(2 * n - 1, dtype=np.int64)
    left[n:] = children[:, 0]
    while (left >= n).any():
        left = left[left]
    return left


def _name_rows(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:_MAX_NAMED_ROWS])
    more = len(rows) - _MAX_NAMED_ROWS
    return f"{shown} and {more} more" if more > 0 else shown
