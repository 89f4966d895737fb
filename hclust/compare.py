"""k-means for comparison: its error curve, its clusters at the tree's k, their agreement.

k-means needs coordinates (it moves centroids), so everything here takes
the feature matrix, never precomputed distances, and always measures
squared euclidean distance, whatever metric built the tree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from hclust.aids import DEFAULT_MAX_K, DEFAULT_SAMPLING, MAX_SWEEP_K, Sampling, _is_whole
from hclust.errors import ClusteringError

N_INIT = 10
RANDOM_STATE = 0
# Above this many clusters the comparison is not offered: k-means with
# hundreds of centroids says little and takes long.
MAX_COMPARED_K = 50


@dataclass(frozen=True, eq=False)
class KMeansSweep:
    """Total within-cluster squared error of k-means against k.

    Attributes
    ----------
    ks : ndarray of int
        1..k_max (at most the rows used).
    sse : ndarray of float
        ``KMeans(k, n_init=10, random_state=0).fit(X).inertia_`` for each k.
    bend_k : int or None
        The k of the sharpest bend: the largest second difference
        ``sse[k-1] - 2 sse[k] + sse[k+1]`` (the same rule as the elbow of
        merge heights); None with fewer than 3 values.
    n_used, n_total : int
        Rows fitted and rows in the dataset (see :class:`hclust.aids.Sampling`).
    """

    ks: np.ndarray
    sse: np.ndarray
    bend_k: int | None
    n_used: int
    n_total: int

    @property
    def sampled(self) -> bool:
        """True when a subset of the rows was fitted."""
        return self.n_used < self.n_total


def kmeans_sse_by_k(
    features: np.ndarray, k_max: int = DEFAULT_MAX_K, sampling: Sampling = DEFAULT_SAMPLING
) -> KMeansSweep:
    """k-means' own way to choose k: the total squared error for k = 1..k_max.

    Parameters
    ----------
    features : ndarray of shape (n, m)
    k_max : int, default 10
        The largest k, 2 to :data:`hclust.aids.MAX_SWEEP_K`.
    sampling : Sampling
        Above ``sampling.above`` rows, k-means is fitted on the seeded subset.

    Returns
    -------
    KMeansSweep

    Raises
    ------
    ClusteringError
        If ``k_max`` is out of range or there are no features.

    Notes
    -----
    Time O(k_max^2 n_init m iterations) for m rows used; memory O(m k).
    Fits run single-threaded: several threaded fits in a busy multi-worker
    server oversubscribe the cores and are many times slower.
    """
    if not _is_whole(k_max) or not 2 <= k_max <= MAX_SWEEP_K:
        raise ClusteringError(f"the largest k must be a whole number from 2 to {MAX_SWEEP_K} (got {k_max!r})")
    observations, _ = _observations(features, sampling)
    ks = np.arange(1, min(int(k_max), observations.shape[0]) + 1)
    sse = np.array([_fit(observations, int(k)).inertia_ for k in ks])
    bend = None
    if sse.size >= 3:
        bend = int(np.argmax(sse[:-2] - 2 * sse[1:-1] + sse[2:])) + 2
    return KMeansSweep(ks, sse, bend, observations.shape[0], np.asarray(features).shape[0])


@dataclass(frozen=True, eq=False)
class KMeansFit:
    """k-means with k clusters, labels for every sample.

    Attributes
    ----------
    k : int
    labels : ndarray of int, shape (n,)
        k-means cluster per sample, 1..k (scikit-learn's ``labels_ + 1``;
        with sampling, ``predict`` of the fitted model on every row).
    inertia : float
        ``inertia_`` of the fit (on the rows fitted).
    n_used, n_total : int
    """

    k: int
    labels: np.ndarray
    inertia: float
    n_used: int
    n_total: int

    @property
    def sampled(self) -> bool:
        """True when a subset of the rows was fitted."""
        return self.n_used < self.n_total


def kmeans_at_k(features: np.ndarray, k: int, sampling: Sampling = DEFAULT_SAMPLING) -> KMeansFit:
    """k-means with k clusters (``n_init=10, random_state=0``).

    Parameters
    ----------
    features : ndarray of shape (n, m)
    k : int
        1 to ``min(n, MAX_COMPARED_K)``.
    sampling : Sampling
        Above ``sampling.above`` rows the model is fitted on the seeded
        subset and every row is then assigned to its nearest centroid.

    Returns
    -------
    KMeansFit

    Raises
    ------
    ClusteringError
        If k is out of range or there are no features.

    Notes
    -----
    Time O(k n_init m iterations) for m rows fitted, plus O(n k) to assign
    every row; single-threaded (see :func:`kmeans_sse_by_k`).
    """
    observations, rows = _observations(features, sampling)
    limit = min(observations.shape[0], MAX_COMPARED_K)
    if not _is_whole(k) or not 1 <= k <= limit:
        raise ClusteringError(f"k-means is compared for k from 1 to {limit} (got {k!r})")
    model = _fit(observations, int(k))
    if rows is None:
        labels = model.labels_
    else:
        with threadpool_limits(limits=1, user_api="openmp"):
            labels = model.predict(np.asarray(features, dtype=float))
    return KMeansFit(int(k), labels.astype(np.int64) + 1, float(model.inertia_), observations.shape[0], len(labels))


@dataclass(frozen=True, eq=False)
class Agreement:
    """How k-means' clusters relate to the tree's.

    Attributes
    ----------
    ari : float
        ``adjusted_rand_score(tree_labels, kmeans_labels)``: 1 for the same
        partition, about 0 for chance agreement.
    matched : ndarray of int, shape (n,)
        k-means labels renamed to the tree cluster each one overlaps most,
        one to one (Hungarian matching on the contingency table), so equal
        ids can share a color. k-means clusters left without a partner get
        ids above the tree's.
    """

    ari: float
    matched: np.ndarray


def compare_partitions(reference: np.ndarray, other: np.ndarray) -> Agreement:
    """Agreement of two flat clusterings, and ``other`` renamed to match ``reference``.

    Parameters
    ----------
    reference : ndarray of int, shape (n,)
        Cluster ids 1..k of the tree's cut.
    other : ndarray of int, shape (n,)
        Cluster ids 1..j (any j) of the other clustering.

    Returns
    -------
    Agreement

    Notes
    -----
    Time O(n + k j) plus O(max(k, j)^3) for the matching.
    """
    reference = np.asarray(reference, dtype=np.int64)
    other = np.asarray(other, dtype=np.int64)
    return Agreement(float(adjusted_rand_score(reference, other)), match_labels(reference, other))


def match_labels(reference: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Rename the clusters of ``other`` after the ``reference`` clusters they overlap most.

    Parameters
    ----------
    reference, other : ndarray of int, shape (n,)
        Cluster ids starting at 1.

    Returns
    -------
    ndarray of int, shape (n,)
        ``other`` with its ids replaced: the one-to-one assignment that
        maximises the number of samples whose two ids agree
        (``scipy.optimize.linear_sum_assignment``); unmatched clusters of
        ``other`` take the ids after ``reference.max()``, in order.
    """
    reference = np.asarray(reference, dtype=np.int64)
    other = np.asarray(other, dtype=np.int64)
    table = np.zeros((reference.max() + 1, other.max() + 1), dtype=np.int64)
    np.add.at(table, (reference, other), 1)
    ref_ids, other_ids = linear_sum_assignment(table[1:, 1:], maximize=True)
    new_id = np.zeros(other.max() + 1, dtype=np.int64)
    new_id[other_ids + 1] = ref_ids + 1
    unmatched = np.setdiff1d(np.arange(1, other.max() + 1), other_ids + 1)
    new_id[unmatched] = reference.max() + 1 + np.arange(unmatched.size)
    return new_id[other]


def _observations(features: np.ndarray, sampling: Sampling) -> tuple[np.ndarray, np.ndarray | None]:
    observations = np.asarray(features, dtype=float)
    if observations.ndim != 2 or observations.shape[1] == 0:
        raise ClusteringError("k-means needs the samples' features (coordinates), not only their distances")
    rows = sampling.rows(observations.shape[0])
    return (observations if rows is None else observations[rows]), rows


def _fit(observations: np.ndarray, k: int) -> KMeans:
    # OpenMP limits are per calling thread, so this does not slow other requests.
    with threadpool_limits(limits=1, user_api="openmp"):
        return KMeans(n_clusters=k, n_init=N_INIT, random_state=RANDOM_STATE).fit(observations)
