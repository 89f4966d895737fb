"""Aids for choosing where to cut a tree: merge heights, inconsistency, silhouette.

Each aid is a pure function returning a frozen result; the values are
SciPy's (``inconsistent``, ``fcluster``) and scikit-learn's
(``silhouette_score``, ``silhouette_samples``) own. k-means, the comparison
from outside hierarchical clustering, is in :mod:`hclust.compare`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, inconsistent
from scipy.spatial.distance import squareform
from sklearn.metrics import silhouette_score

from hclust.cut import DEFAULT_INCONSISTENCY_DEPTH, DISTANCE, INCONSISTENT, MAXCLUST
from hclust.cut import DEFAULT_INCONSISTENCY_T as DEFAULT_INCONSISTENCY_T  # re-exported with the cut criteria
from hclust.errors import ClusteringError
from hclust.tree import PRECOMPUTED, Tree, pairwise_distances

DEFAULT_ELBOW_MERGES = 10
DEFAULT_TABLE_ROWS = 10
DEFAULT_MAX_K = 10
MAX_SWEEP_K = 30
MAX_ELBOW_MERGES = 100
MAX_INCONSISTENCY_DEPTH = 50


@dataclass(frozen=True)
class CutCriterion:
    """One of ``fcluster``'s criteria for cutting a tree.

    Attributes
    ----------
    name : str
        SciPy's name, passed as ``criterion``.
    label : str
        Short text for the menu.
    description : str
        One sentence on what the criterion keeps together.
    """

    name: str
    label: str
    description: str


CUT_CRITERIA: dict[str, CutCriterion] = {
    c.name: c
    for c in (
        CutCriterion(DISTANCE, "distance (height)", "Samples that merge at or below a height share a cluster."),
        CutCriterion(MAXCLUST, "maxclust (k)", "The lowest cut that makes at most k clusters."),
        CutCriterion(
            INCONSISTENT,
            "inconsistent (t, depth)",
            "Split every merge whose inconsistency coefficient, or one below it, exceeds t.",
        ),
    )
}


@dataclass(frozen=True)
class Sampling:
    """Which rows the quadratic aids (silhouette, k-means sweeps) use.

    Up to :attr:`above` samples every row is used. Beyond it, a seeded
    subset of :attr:`size` rows: ``np.random.RandomState(seed).permutation(n)[:size]``,
    the very rows ``sklearn.metrics.silhouette_score(..., sample_size=size,
    random_state=seed)`` draws, so the panel stays responsive at any n. The
    silhouette holds the subset's distances as one square matrix, 8 size^2
    bytes (72 MB for 3,000 rows), which is what bounds ``above``.

    Attributes
    ----------
    above : int, default 3000
    size : int, default 3000
    seed : int, default 0
    """

    above: int = 3000
    size: int = 3000
    seed: int = 0

    def rows(self, n: int) -> np.ndarray | None:
        """Sorted row indices of the subset, or None when every row is used."""
        if n <= self.above:
            return None
        return np.sort(np.random.RandomState(self.seed).permutation(n)[: self.size])


DEFAULT_SAMPLING = Sampling()


# --- merge heights and the elbow ---------------------------------------------


@dataclass(frozen=True, eq=False)
class MergeHeightProfile:
    """The last merge heights, their acceleration and the elbow's k.

    Attributes
    ----------
    last : int
        How many of the highest merges were looked at (N, or fewer in a
        small tree).
    heights : ndarray of shape (last,)
        Their heights, highest merge first: ``Z[-last:, 2][::-1]``. Entry
        ``i`` is drawn at ``k = i + 1``: the top merge leaves 1 cluster.
    acceleration : ndarray of shape (last - 2,)
        The second difference of the heights, top first:
        ``np.diff(Z[-last:, 2], 2)[::-1]``. Entry ``i`` is drawn at
        ``k = i + 2``.
    suggested_k : int
        ``argmax(acceleration) + 2``: the k below the sharpest jump in
        height; ``min(2, n)`` when there are fewer than 3 merges.
    """

    last: int
    heights: np.ndarray
    acceleration: np.ndarray
    suggested_k: int

    @property
    def height_ks(self) -> np.ndarray:
        """The k each height is drawn at: 1..last."""
        return np.arange(1, self.heights.size + 1)

    @property
    def acceleration_ks(self) -> np.ndarray:
        """The k each acceleration is drawn at: 2..last-1."""
        return np.arange(2, self.acceleration.size + 2)


def merge_height_profile(tree: Tree, last: int = DEFAULT_ELBOW_MERGES) -> MergeHeightProfile:
    """The elbow method of the reference workflow, with everything it looks at.

    Parameters
    ----------
    tree : Tree
    last : int, default 10
        How many of the highest merges to look at (N), 3 to
        :data:`MAX_ELBOW_MERGES`.

    Returns
    -------
    MergeHeightProfile

    Raises
    ------
    ClusteringError
        If ``last`` is not a whole number from 3 to :data:`MAX_ELBOW_MERGES`.

    Notes
    -----
    Time and memory O(N). The method never suggests 1 (the acceleration
    starts at k = 2), and it compares the heights of merges in different
    branches, so with groups of very different spread the sharpest jump can
    lie inside a wide group rather than between groups.
    """
    if not _is_whole(last) or not 3 <= last <= MAX_ELBOW_MERGES:
        raise ClusteringError(
            f"the number of merges N must be a whole number from 3 to {MAX_ELBOW_MERGES} (got {last!r})"
        )
    chosen = tree.linkage[-int(last) :, 2]
    heights = chosen[::-1].copy()
    if chosen.size < 3:
        return MergeHeightProfile(chosen.size, heights, np.empty(0), min(2, tree.n_samples))
    acceleration = np.diff(chosen, 2)[::-1].copy()
    return MergeHeightProfile(chosen.size, heights, acceleration, int(acceleration.argmax()) + 2)


def elbow_k(tree: Tree, last: int = DEFAULT_ELBOW_MERGES) -> int:
    """Suggest k from the acceleration of the last merge heights.

    Parameters
    ----------
    tree : Tree
    last : int, default 10
        How many of the highest merges to look at.

    Returns
    -------
    int
        ``argmax`` of the reversed second difference of the last ``last``
        merge heights, plus 2: the k below the sharpest jump in height.

    Notes
    -----
    The method never suggests 1, and it compares heights from different
    branches, so it can miss groups of very different spread. With fewer
    than 3 merges there is no acceleration and it returns
    ``min(2, n)``. See :func:`merge_height_profile`.
    """
    return merge_height_profile(tree, last).suggested_k


# --- inconsistency -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class InconsistencyTable:
    """``inconsistent(Z, depth)`` for the highest merges, highest first.

    Attributes
    ----------
    depth : int
    rows : ndarray of int, shape (r,)
        The merges' rows in the linkage matrix Z (the last row is the top).
    heights : ndarray of shape (r,)
        ``Z[rows, 2]``.
    mean, std, count, coefficient : ndarray of shape (r,)
        SciPy's four columns: mean and standard deviation of the heights of
        the links up to ``depth`` levels below and including each merge,
        how many links that is, and ``(height - mean) / std`` (0 when the
        standard deviation is 0).
    """

    depth: int
    rows: np.ndarray
    heights: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    count: np.ndarray
    coefficient: np.ndarray


def inconsistency_table(
    tree: Tree, depth: int = DEFAULT_INCONSISTENCY_DEPTH, top: int = DEFAULT_TABLE_ROWS
) -> InconsistencyTable:
    """The inconsistency statistics of the highest merges.

    Parameters
    ----------
    tree : Tree
    depth : int, default 2
        Levels of links to compare each merge with, 1 to
        :data:`MAX_INCONSISTENCY_DEPTH`.
    top : int, default 10
        How many of the highest merges (last rows of Z) to return.

    Returns
    -------
    InconsistencyTable
        Exactly ``scipy.cluster.hierarchy.inconsistent(Z, depth)[-top:][::-1]``.

    Raises
    ------
    ClusteringError
        If ``depth`` is not a whole number in range.

    Notes
    -----
    SciPy computes the statistics of every merge: time
    O(n min(2^depth, n)), memory O(n). The coefficient grows with depth,
    since more links enter the mean: with c links it is at most
    ``(c - 1) / sqrt(c)`` (see :func:`max_coefficient`).
    """
    if not _is_whole(depth) or not 1 <= depth <= MAX_INCONSISTENCY_DEPTH:
        raise ClusteringError(
            f"the inconsistency depth must be a whole number from 1 to {MAX_INCONSISTENCY_DEPTH} (got {depth!r})"
        )
    statistics = inconsistent(tree.linkage, int(depth))
    rows = np.arange(tree.n_samples - 2, max(tree.n_samples - 2 - int(top), -1), -1)
    chosen = statistics[rows]
    return InconsistencyTable(
        depth=int(depth),
        rows=rows,
        heights=tree.linkage[rows, 2].copy(),
        mean=chosen[:, 0].copy(),
        std=chosen[:, 1].copy(),
        count=chosen[:, 2].astype(np.int64),
        coefficient=chosen[:, 3].copy(),
    )


def max_coefficient(depth: int) -> float:
    """The largest inconsistency coefficient any merge can have at this depth.

    A merge compared with c links (itself and up to ``2^depth - 2`` below it)
    has a coefficient of at most ``(c - 1) / sqrt(c)``, reached when all the
    others are equal. At depth 2 that is 1.1547, so ``fcluster(Z, t,
    'inconsistent', depth=2)`` with ``t >= 1.1547`` always gives one cluster.
    """
    links = 2 ** int(depth) - 1
    return (links - 1) / math.sqrt(links)


def merges_split(tree: Tree, labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Which merges a cut separates (their samples lie in more than one cluster).

    Parameters
    ----------
    tree : Tree
    labels : ndarray of int, shape (n,)
        A flat clustering that follows the tree (a :class:`hclust.Cut`'s labels).
    rows : ndarray of int
        Rows of the linkage matrix.

    Returns
    -------
    ndarray of bool
        True for the merges above the cut.
    """
    along = np.asarray(labels)[tree.leaf_order]
    changes = np.concatenate([[0], np.cumsum(along[1:] != along[:-1])])
    spans = tree.leaf_span[tree.n_samples + np.asarray(rows, dtype=np.int64)]
    return changes[spans[:, 1] - 1] != changes[spans[:, 0]]


# --- silhouette ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SampledDistances:
    """Pairwise distances of the rows an aid uses, as a square matrix.

    Attributes
    ----------
    rows : ndarray of int or None
        The rows used (sorted), or None for all of them.
    square : ndarray of shape (m, m)
        Their distances, in the tree's metric.
    n_total : int
        Number of samples in the dataset.
    """

    rows: np.ndarray | None
    square: np.ndarray
    n_total: int

    @property
    def sampled(self) -> bool:
        """True when only a subset of the rows is used."""
        return self.rows is not None

    @property
    def n_used(self) -> int:
        """How many rows are used."""
        return self.square.shape[0]

    def take(self, labels: np.ndarray) -> np.ndarray:
        """The labels of the rows used."""
        labels = np.asarray(labels)
        return labels if self.rows is None else labels[self.rows]


def sampled_distances(
    tree: Tree,
    features: np.ndarray | None = None,
    distances: np.ndarray | None = None,
    sampling: Sampling = DEFAULT_SAMPLING,
) -> SampledDistances:
    """The distances the tree was built from, for the rows the aids use.

    Parameters
    ----------
    tree : Tree
        Its ``metric`` is the one used (``pdist`` names).
    features : ndarray of shape (n, m), optional
    distances : ndarray of shape (n * (n - 1) / 2,), optional
        Exactly one of ``features`` and ``distances``: the observations the
        tree was built from, or the precomputed distances of a tree with
        ``metric == "precomputed"``.
    sampling : Sampling

    Returns
    -------
    SampledDistances

    Raises
    ------
    ClusteringError
        If not exactly one of ``features`` and ``distances`` is given, or it
        does not match the tree.

    Notes
    -----
    Memory 8 m^2 bytes for m rows used (72 MB at the default 3,000);
    time O(m^2 features).
    """
    if (features is None) == (distances is None):
        raise ClusteringError("give exactly one of features and distances")
    n = tree.n_samples
    rows = sampling.rows(n)
    if distances is not None:
        if tree.metric != PRECOMPUTED:
            raise ClusteringError(f"distances were given for a tree built with the {tree.metric} metric")
        vector = np.asarray(distances, dtype=float)
        if vector.size != n * (n - 1) // 2:
            raise ClusteringError(f"the distances describe another number of samples than the tree's {n}")
        square = squareform(vector) if rows is None else _condensed_block(vector, n, rows)
        return SampledDistances(rows, square, n)
    observations = np.asarray(features, dtype=float)
    if tree.metric == PRECOMPUTED:
        raise ClusteringError("this tree was built from precomputed distances; give them, not features")
    if observations.ndim != 2 or observations.shape[0] != n:
        raise ClusteringError(f"the features must have the tree's {n} rows (got shape {observations.shape})")
    chosen = observations if rows is None else observations[rows]
    return SampledDistances(rows, squareform(pairwise_distances(chosen, tree.metric)), n)


@dataclass(frozen=True, eq=False)
class SilhouetteSweep:
    """Mean silhouette of the tree's cuts into k = 2..k_max clusters.

    Attributes
    ----------
    ks : ndarray of int
        The k asked for: 2..k_max (at most n - 1).
    n_clusters : ndarray of int
        The clusters ``fcluster(Z, k, 'maxclust')`` made (fewer than k when
        merges tie).
    scores : ndarray of float
        ``silhouette_score`` of those labels with the tree's metric; NaN
        where it is undefined (fewer than 2 clusters among the rows used, or
        as many clusters as rows).
    n_used, n_total : int
        Rows used and rows in the dataset (see :class:`Sampling`).
    """

    ks: np.ndarray
    n_clusters: np.ndarray
    scores: np.ndarray
    n_used: int
    n_total: int

    @property
    def sampled(self) -> bool:
        """True when a subset of the rows was used."""
        return self.n_used < self.n_total

    @property
    def best_k(self) -> int | None:
        """The k with the highest mean silhouette (None if none is defined)."""
        if not np.isfinite(self.scores).any():
            return None
        return int(self.ks[np.nanargmax(self.scores)])


def silhouette_by_k(tree: Tree, data: SampledDistances, k_max: int = DEFAULT_MAX_K) -> SilhouetteSweep:
    """Mean silhouette against k, for the flat clusters of ``maxclust`` cuts.

    Parameters
    ----------
    tree : Tree
    data : SampledDistances
        From :func:`sampled_distances` for this tree.
    k_max : int, default 10
        The largest k, 2 to :data:`MAX_SWEEP_K` (capped at n - 1).

    Returns
    -------
    SilhouetteSweep
        Each score equals ``sklearn.metrics.silhouette_score(X, labels,
        metric=tree.metric)`` on the rows used, with
        ``labels = fcluster(Z, k, 'maxclust')``.

    Raises
    ------
    ClusteringError
        If ``k_max`` is out of range.

    Notes
    -----
    Time O(k_max m^2) for m rows used; memory O(m^2) (the distances are
    computed once and passed as ``metric='precomputed'``).
    """
    _check_k_max(k_max)
    ks = np.arange(2, min(int(k_max), tree.n_samples - 1) + 1)
    made = np.zeros(ks.size, dtype=np.int64)
    scores = np.full(ks.size, np.nan)
    for index, k in enumerate(ks):
        labels = fcluster(tree.linkage, k, criterion="maxclust")
        made[index] = np.unique(labels).size
        scores[index] = _mean_silhouette(data, data.take(labels))
    return SilhouetteSweep(ks, made, scores, data.n_used, data.n_total)


@dataclass(frozen=True, eq=False)
class ClusterSilhouettes:
    """Silhouette of one cut, per cluster.

    Attributes
    ----------
    clusters : ndarray of int
        Cluster ids with at least one row used, ascending.
    means : ndarray of float
        Mean ``silhouette_samples`` value of each cluster's rows (0 for a
        cluster of one sample, as scikit-learn defines it).
    sizes : ndarray of int
        Rows used per cluster.
    overall : float
        The mean over all rows used: ``silhouette_score``. NaN when
        undefined (fewer than 2 clusters, or as many clusters as rows).
    n_used, n_total : int
    """

    clusters: np.ndarray
    means: np.ndarray
    sizes: np.ndarray
    overall: float
    n_used: int
    n_total: int

    @property
    def sampled(self) -> bool:
        """True when a subset of the rows was used."""
        return self.n_used < self.n_total


def silhouette_values(square: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``sklearn.metrics.silhouette_samples(square, labels, metric="precomputed")``, in one matrix product.

    The sums of distances from each sample to each cluster come from
    ``square @ one_hot(labels)`` (BLAS) instead of scikit-learn's per-row
    reductions: the same values up to rounding (about 1e-15 relative), 3-4x
    faster at 2,000 samples. As in scikit-learn, a sample alone in its cluster
    gets 0.
    """
    clusters, codes = np.unique(labels, return_inverse=True)
    one_hot = np.zeros((labels.size, clusters.size))
    one_hot[np.arange(labels.size), codes] = 1.0
    sums = square @ one_hot
    counts = one_hot.sum(axis=0)
    rows = np.arange(labels.size)
    own = counts[codes]
    intra = sums[rows, codes] / np.maximum(own - 1, 1)
    means = sums / counts
    means[rows, codes] = np.inf
    inter = means.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (inter - intra) / np.maximum(intra, inter)
    values[own == 1] = 0.0
    return np.nan_to_num(values)


def silhouette_per_cluster(data: SampledDistances, labels: np.ndarray) -> ClusterSilhouettes:
    """Per-cluster silhouette of a flat clustering.

    Parameters
    ----------
    data : SampledDistances
    labels : ndarray of int, shape (n,)
        Cluster id per sample of the whole dataset (ids 1..k).

    Returns
    -------
    ClusterSilhouettes
        Empty (and ``overall`` NaN) when the silhouette is undefined.

    Notes
    -----
    Time O(m^2) for m rows used; memory O(m) besides the distances.
    """
    used = data.take(labels)
    clusters, sizes = np.unique(used, return_counts=True)
    if not 2 <= clusters.size <= data.n_used - 1:
        empty = np.empty(0)
        return ClusterSilhouettes(
            np.empty(0, dtype=np.int64), empty, np.empty(0, dtype=np.int64), math.nan, data.n_used, data.n_total
        )
    values = silhouette_values(data.square, used)
    sums = np.bincount(np.searchsorted(clusters, used), weights=values, minlength=clusters.size)
    return ClusterSilhouettes(
        clusters=clusters.astype(np.int64),
        means=sums / sizes,
        sizes=sizes.astype(np.int64),
        overall=float(values.mean()),
        n_used=data.n_used,
        n_total=data.n_total,
    )


def _mean_silhouette(data: SampledDistances, labels: np.ndarray) -> float:
    if not 2 <= np.unique(labels).size <= data.n_used - 1:
        return math.nan
    return float(silhouette_score(data.square, labels, metric="precomputed"))


def _condensed_block(vector: np.ndarray, n: int, rows: np.ndarray) -> np.ndarray:
    """The square block of a condensed distance vector for some rows, without the full n x n matrix."""
    i, j = np.meshgrid(rows, rows, indexing="ij")
    low, high = np.minimum(i, j), np.maximum(i, j)
    position = n * low - low * (low + 1) // 2 + (high - low - 1)
    block = vector[np.where(low == high, 0, position)]
    np.fill_diagonal(block, 0.0)
    return block


def _check_k_max(k_max) -> None:
    if not _is_whole(k_max) or not 2 <= k_max <= MAX_SWEEP_K:
        raise ClusteringError(f"the largest k must be a whole number from 2 to {MAX_SWEEP_K} (got {k_max!r})")


def _is_whole(value) -> bool:
    return (
        value is not None
        and not isinstance(value, bool)
        and isinstance(value, int | float | np.integer | np.floating)
        and math.isfinite(value)
        and float(value).is_integer()
    )
