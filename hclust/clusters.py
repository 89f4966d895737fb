"""Inside the clusters: the samples under a node, and a summary per cluster.

Everything here follows the tree's own distances (its metric, or the
precomputed distances it was built from), so the medoids and silhouettes
agree with what the linkage saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist, pdist, squareform

from hclust.aids import silhouette_values
from hclust.errors import ClusteringError
from hclust.tree import PRECOMPUTED, Tree

# Silhouettes need all pairwise distances: above this many samples they are
# computed on a seeded random subset of this size (and the summary says so).
MAX_SILHOUETTE_SAMPLES = 2000
SILHOUETTE_SEED = 0
# Entries per block of distances computed at once for the medoids (32 MB of float64).
_BLOCK_ENTRIES = 4_000_000
# Medoids are exact up to this cluster size; a larger cluster's medoid is the
# best of MEDOID_CANDIDATES seeded random members, each scored by its sum of
# distances to all members, or to MEDOID_REFERENCE seeded random members when
# the cluster is larger (a million-sample cluster: 500 x 20,000 distances, not 500 x 1,000,000).
# 2,000 keeps the table's first reply for a new cut within 100 ms at 10,000 rows: an exact medoid of
# 5,000 members is 25M distances (70 ms each with cdist on 2 cores), the estimate 2.5M.
MAX_EXACT_MEDOID = 2000
MEDOID_CANDIDATES = 500
MEDOID_REFERENCE = 20_000


def samples_under(tree: Tree, node: int) -> np.ndarray:
    """The samples of a subtree, left to right in dendrogram order.

    Parameters
    ----------
    tree : Tree
    node : int
        A sample index (< n) or a merge ``n + row`` of the linkage matrix;
        a contracted leaf of a truncated dendrogram is such a merge.

    Returns
    -------
    ndarray of int
        ``tree.leaf_order[start:stop]`` for the node's leaf span: the same
        set as ``to_tree(Z).pre_order()`` of that node, in drawing order.

    Raises
    ------
    ClusteringError
        If the node is not a node of this tree.

    Notes
    -----
    Time O(size of the subtree); no walk of the tree is needed because a
    subtree's samples are contiguous in dendrogram order.
    """
    n_nodes = 2 * tree.n_samples - 1
    if isinstance(node, bool) or not isinstance(node, int | np.integer) or not 0 <= node < n_nodes:
        raise ClusteringError(f"node must be a whole number from 0 to {n_nodes - 1} (got {node!r})")
    start, stop = tree.leaf_span[int(node)]
    return tree.leaf_order[start:stop]


def node_height(tree: Tree, node: int) -> float:
    """The merge height of a node (0 for a single sample)."""
    n = tree.n_samples
    return 0.0 if node < n else float(tree.linkage[node - n, 2])


@dataclass(frozen=True, eq=False)
class ClusterSummary:
    """One row per cluster of a cut: size, centroid, medoid and silhouette.

    Attributes
    ----------
    sizes : ndarray of int, shape (k,)
        Samples in cluster c at ``c - 1``.
    centroids : ndarray of float, shape (k, m)
        Mean of each feature per cluster; shape (k, 0) for precomputed
        distances, which have no features.
    medoids : ndarray of int, shape (k,)
        Per cluster, the member with the smallest sum of distances to the
        other members (the tree's metric); ties go to the lowest index.
        Above :data:`MAX_EXACT_MEDOID` members, the best of
        :data:`MEDOID_CANDIDATES` seeded random members; above
        :data:`MEDOID_REFERENCE`, each scored by its sum of distances to that
        many seeded random members.
    silhouettes : ndarray of float, shape (k,)
        Mean silhouette of each cluster's members; NaN when undefined (one
        cluster, n clusters, a single-sample cluster, or, on a subset, fewer
        than two sampled members).
    sample_silhouettes : ndarray of float, shape (n,)
        ``sklearn.metrics.silhouette_samples`` with the tree's distances (0
        for a single-sample cluster, scikit-learn's convention); NaN where
        not computed.
    overall_silhouette : float
        Mean of :attr:`sample_silhouettes` over the samples that have one
        (``silhouette_score``); NaN when undefined.
    silhouette_sampled : int
        How many samples the silhouettes were computed on (n unless n is
        above :data:`MAX_SILHOUETTE_SAMPLES`).
    silhouette_note : str
        Empty, or a sentence for the user: why there are no silhouettes,
        or that they come from a random subset.
    medoid_note : str
        Empty, or a sentence naming the clusters whose medoid is estimated.
    """

    sizes: np.ndarray
    centroids: np.ndarray
    medoids: np.ndarray
    silhouettes: np.ndarray
    sample_silhouettes: np.ndarray
    overall_silhouette: float
    silhouette_sampled: int
    silhouette_note: str
    medoid_note: str = ""

    @property
    def n_clusters(self) -> int:
        """k, the number of clusters."""
        return int(self.sizes.size)


def summarize_clusters(
    tree: Tree,
    labels: np.ndarray,
    features: np.ndarray,
    distances: np.ndarray | None = None,
    max_silhouette_samples: int = MAX_SILHOUETTE_SAMPLES,
    medoid_of: Callable[[int, np.ndarray, Callable[[], int]], int] | None = None,
    square_of: Callable[[np.ndarray, Callable[[], np.ndarray]], np.ndarray] | None = None,
) -> ClusterSummary:
    """Size, centroid, medoid and mean silhouette of every cluster.

    Parameters
    ----------
    tree : Tree
        The tree that was cut; its metric measures the distances.
    labels : ndarray of int, shape (n,)
        Cluster ids 1..k (:attr:`hclust.Cut.labels`).
    features : ndarray of shape (n, m)
        The samples as clustered (m may be 0 with precomputed distances).
    distances : ndarray of shape (n * (n - 1) / 2,), optional
        The condensed distances the tree was built from; required when the
        tree's metric is ``"precomputed"``.
    max_silhouette_samples : int, default 2000
        Above this many samples the silhouettes come from a random subset
        of this size (seed :data:`SILHOUETTE_SEED`, so they do not change
        while the cut moves).
    medoid_of : callable, optional
        ``medoid_of(cluster_id, members, compute)`` returns the cluster's
        medoid, calling ``compute()`` when it does not know it. A cluster's
        medoid depends only on its members, so a caller can remember it by the
        cluster's tree node while the cut moves. By default it is computed.
    square_of : callable, optional
        ``square_of(subset, compute)`` returns the square distance matrix of
        the silhouettes' samples, calling ``compute()`` when it does not know
        it. The subset is the same for every cut of the data (seeded), so a
        caller can keep the matrix while the cut moves. By default it is computed.

    Returns
    -------
    ClusterSummary

    Raises
    ------
    ClusteringError
        If the labels do not number 1..k over n samples, or precomputed
        distances are missing.

    Notes
    -----
    Time O(sum of squared cluster sizes) distances for the medoids, at
    most ``MEDOID_CANDIDATES * MEDOID_REFERENCE`` per cluster, in blocks of
    bounded memory, plus O(s^2) for the silhouettes of
    s = min(n, max_silhouette_samples) samples (8 s^2 bytes).
    """
    labels = np.asarray(labels, dtype=np.int64)
    n = tree.n_samples
    if labels.shape != (n,) or labels.min() < 1:
        raise ClusteringError(f"labels must give a cluster id from 1 per sample ({n} samples)")
    k = int(labels.max())
    source = _DistanceSource(tree, features, distances)
    sizes = np.bincount(labels, minlength=k + 1)[1:]
    if (sizes == 0).any():
        raise ClusteringError(f"labels must number the clusters 1..k without gaps (cluster {np.argmin(sizes) + 1})")
    members = _members(labels, sizes)
    observations = np.asarray(features, dtype=float).reshape(n, -1)
    centroids = np.vstack([observations[idx].mean(axis=0) for idx in members])
    ask = medoid_of or (lambda cluster, idx, compute: compute())
    medoids = np.array(
        [ask(c, idx, lambda idx=idx: source.medoid(idx)) for c, idx in enumerate(members, start=1)], dtype=np.int64
    )
    square = square_of or (lambda subset, compute: compute())
    samples, means, overall, sampled, note = _silhouettes(source, labels, sizes, max_silhouette_samples, square)
    estimated = np.flatnonzero(sizes > MAX_EXACT_MEDOID) + 1
    medoid_note = ""
    if estimated.size:
        medoid_note = (
            f"Medoids of clusters over {MAX_EXACT_MEDOID:,} samples ({', '.join(map(str, estimated[:5]))}"
            f"{' …' if estimated.size > 5 else ''}) are the best of {MEDOID_CANDIDATES} random members"
            + (f", scored on {MEDOID_REFERENCE:,} random members each." if (sizes > MEDOID_REFERENCE).any() else ".")
        )
    return ClusterSummary(
        sizes=sizes,
        centroids=centroids,
        medoids=medoids,
        silhouettes=means,
        sample_silhouettes=samples,
        overall_silhouette=overall,
        silhouette_sampled=sampled,
        silhouette_note=note,
        medoid_note=medoid_note,
    )


def clusters_of(labels: np.ndarray, samples: np.ndarray) -> dict[int, int]:
    """How many of ``samples`` fall in each cluster: ``{cluster id: count}``, by id."""
    counts = np.bincount(np.asarray(labels)[np.asarray(samples, dtype=np.int64)])
    return {int(c): int(counts[c]) for c in np.flatnonzero(counts)}


def _members(labels: np.ndarray, sizes: np.ndarray) -> list[np.ndarray]:
    """Sample indices of each cluster, ascending."""
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.cumsum(sizes)[:-1])


def _silhouettes(source: _DistanceSource, labels: np.ndarray, sizes: np.ndarray, limit: int, square_of):
    n, k = labels.size, sizes.size
    per_sample = np.full(n, np.nan)
    per_cluster = np.full(k, np.nan)
    if not 2 <= k <= n - 1:
        why = "one cluster" if k < 2 else "every sample in a cluster of its own"
        return per_sample, per_cluster, np.nan, 0, f"No silhouette with {why}: it needs 2 to n - 1 clusters."
    subset = np.arange(n)
    note = ""
    if n > limit:
        rng = np.random.default_rng(SILHOUETTE_SEED)
        subset = np.sort(rng.choice(n, size=limit, replace=False))
        note = (
            f"Silhouettes estimated on a random subset of {limit:,} of the {n:,} samples "
            f"(seed {SILHOUETTE_SEED}); the others have none."
        )
    sub_labels = labels[subset]
    if not 2 <= np.unique(sub_labels).size <= subset.size - 1:
        return per_sample, per_cluster, np.nan, 0, note + " Too few clusters in the subset for a silhouette."
    values = silhouette_values(square_of(subset, lambda: source.square(subset)), sub_labels)
    per_sample[subset] = values
    counted = np.bincount(sub_labels, minlength=k + 1)[1:]
    sums = np.bincount(sub_labels, weights=values, minlength=k + 1)[1:]
    defined = (sizes > 1) & (counted > 1)
    per_cluster[defined] = sums[defined] / counted[defined]
    return per_sample, per_cluster, float(values.mean()), int(subset.size), note


class _DistanceSource:
    """Distances between samples as the tree measured them."""

    def __init__(self, tree: Tree, features: np.ndarray, distances: np.ndarray | None) -> None:
        self.n = tree.n_samples
        self.metric = tree.metric
        if self.metric == PRECOMPUTED:
            if distances is None:
                raise ClusteringError("a tree built from precomputed distances needs those distances")
            self.condensed = np.asarray(distances, dtype=float)
        else:
            self.observations = np.asarray(features, dtype=float)

    def block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Distances from each of ``rows`` to each of ``cols``."""
        if self.metric != PRECOMPUTED:
            return cdist(self.observations[rows], self.observations[cols], metric=self.metric)
        a = np.minimum(rows[:, None], cols[None, :])
        b = np.maximum(rows[:, None], cols[None, :])
        index = self.n * a - a * (a + 1) // 2 + (b - a - 1)
        return np.where(a == b, 0.0, self.condensed[np.where(a == b, 0, index)])

    def square(self, subset: np.ndarray) -> np.ndarray:
        """The square distance matrix of a subset of samples."""
        if self.metric != PRECOMPUTED:
            return squareform(pdist(self.observations[subset], metric=self.metric))
        return self.block(subset, subset)

    def medoid(self, members: np.ndarray) -> int:
        """The member with the smallest sum of distances to the members (see :attr:`ClusterSummary.medoids`)."""
        if members.size <= 2:
            return int(members[0])
        candidates = reference = members
        if members.size > MAX_EXACT_MEDOID:
            rng = np.random.default_rng(SILHOUETTE_SEED)
            candidates = np.sort(rng.choice(members, size=MEDOID_CANDIDATES, replace=False))
            if members.size > MEDOID_REFERENCE:
                reference = np.sort(rng.choice(members, size=MEDOID_REFERENCE, replace=False))
        step = max(1, _BLOCK_ENTRIES // reference.size)
        totals = np.concatenate(
            [self.block(candidates[i : i + step], reference).sum(axis=1) for i in range(0, candidates.size, step)]
        )
        return int(candidates[np.argmin(totals)])
