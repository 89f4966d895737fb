"""Other clustering algorithms at the tree's k, from one table of options.

Each entry of :data:`COMPARISON_ALGORITHMS` names a scikit-learn estimator
and its settings; the same entry builds the fitted model and the constructor
line shown to the user (:meth:`Algorithm.code`), so they cannot drift apart.
Every algorithm needs coordinates: a distance-only dataset is refused.
Spectral clustering assigns labels with ``cluster_qr``: deterministic, with
no k-means restarts on the embedding, and as good on the classic shapes.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans, MiniBatchKMeans, SpectralClustering
from sklearn.metrics import pairwise_distances_argmin
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from hclust.aids import DEFAULT_SAMPLING, Sampling, _is_whole
from hclust.compare import N_INIT, RANDOM_STATE
from hclust.errors import ClusteringError

# Spectral clustering holds an n x n nearest-neighbour affinity and its
# eigenvectors; above this many rows it is fitted on a seeded subset.
SPECTRAL_MAX_ROWS = 3000
SPECTRAL_NEIGHBORS = 10
# scikit-learn's default: the smallest group HDBSCAN calls a cluster.
HDBSCAN_MIN_CLUSTER_SIZE = 5
DEFAULT_ALGORITHM = "kmeans"


@dataclass(frozen=True)
class Algorithm:
    """One clustering algorithm offered for comparison.

    Attributes
    ----------
    name : str
        Key in :data:`COMPARISON_ALGORITHMS`.
    label : str
        Short text for the menu.
    limits : str
        One plain sentence on what the algorithm assumes or gives up.
    estimator : type
        The scikit-learn class.
    k_parameter : str or None
        The constructor argument that takes k, or None when the algorithm
        chooses its own number of clusters.
    settings : tuple of (str, object)
        The other constructor arguments, in the order they are written.
    predicts : bool
        True when the fitted model labels new rows with ``predict``.
    max_rows : int or None
        Rows fitted at most, whatever the sampling allows.
    min_rows, min_rows_reason : int, str
        Rows the algorithm needs at least, and why (for the error message).
    k_below_rows : bool
        True when k must be below the rows fitted, not only at most that
        (spectral clustering takes k eigenvectors of an n x n matrix).
    """

    name: str
    label: str
    limits: str
    estimator: type
    k_parameter: str | None
    settings: tuple[tuple[str, object], ...]
    predicts: bool
    max_rows: int | None = None
    min_rows: int = 1
    min_rows_reason: str = ""
    k_below_rows: bool = False

    @property
    def uses_k(self) -> bool:
        """True when the number of clusters is asked for."""
        return self.k_parameter is not None

    def arguments(self, k: int) -> dict[str, object]:
        """The constructor's keyword arguments for k clusters (k is left out when unused)."""
        given = {} if self.k_parameter is None else {self.k_parameter: int(k)}
        return {**given, **dict(self.settings)}

    def code(self, k: int) -> str:
        """The exact constructor line, e.g. ``KMeans(n_clusters=3, n_init=10, random_state=0)``."""
        written = ", ".join(f"{key}={value!r}" for key, value in self.arguments(k).items())
        return f"{self.estimator.__name__}({written})"

    def import_line(self) -> str:
        """The import the constructor line needs, e.g. ``from sklearn.cluster import KMeans``."""
        parts = self.estimator.__module__.split(".")
        public = ".".join(itertools.takewhile(lambda part: not part.startswith("_"), parts))
        return f"from {public} import {self.estimator.__name__}"

    def make(self, k: int):
        """A new, unfitted estimator, exactly as :meth:`code` writes it."""
        return self.estimator(**self.arguments(k))

    def sampling_for(self, sampling: Sampling) -> Sampling:
        """The sampling this algorithm fits with: ``sampling``, capped at :attr:`max_rows`."""
        if self.max_rows is None:
            return sampling
        return Sampling(min(sampling.above, self.max_rows), min(sampling.size, self.max_rows), sampling.seed)


COMPARISON_ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            "kmeans",
            "k-means",
            "Assumes round (convex) groups of similar size and needs k.",
            KMeans,
            "n_clusters",
            (("n_init", N_INIT), ("random_state", RANDOM_STATE)),
            predicts=True,
        ),
        Algorithm(
            "minibatch-kmeans",
            "mini-batch k-means",
            "k-means on small random batches: fast for large n, with slightly worse fits.",
            MiniBatchKMeans,
            "n_clusters",
            (("n_init", 3), ("random_state", RANDOM_STATE)),
            predicts=True,
        ),
        Algorithm(
            "spectral",
            "spectral clustering",
            "Follows connected shapes, but builds an n x n nearest-neighbour affinity, "
            f"so it is fitted on at most {SPECTRAL_MAX_ROWS:,} rows.",
            SpectralClustering,
            "n_clusters",
            (
                ("affinity", "nearest_neighbors"),
                ("n_neighbors", SPECTRAL_NEIGHBORS),
                ("assign_labels", "cluster_qr"),
                ("random_state", RANDOM_STATE),
            ),
            predicts=False,
            max_rows=SPECTRAL_MAX_ROWS,
            min_rows=SPECTRAL_NEIGHBORS,
            min_rows_reason=f"to connect each row to its {SPECTRAL_NEIGHBORS} nearest neighbours",
            k_below_rows=True,
        ),
        Algorithm(
            "gmm",
            "Gaussian mixture",
            "Fits elliptical groups of any orientation with soft memberships; each sample is shown in its likeliest.",
            GaussianMixture,
            "n_components",
            (("random_state", RANDOM_STATE),),
            predicts=True,
        ),
        Algorithm(
            "hdbscan",
            "HDBSCAN",
            "Chooses its own number of clusters and leaves sparse points as noise; k is ignored.",
            HDBSCAN,
            None,
            (("min_cluster_size", HDBSCAN_MIN_CLUSTER_SIZE), ("copy", True)),
            predicts=False,
            min_rows=HDBSCAN_MIN_CLUSTER_SIZE,
            min_rows_reason=f"for its smallest cluster of {HDBSCAN_MIN_CLUSTER_SIZE}",
        ),
    )
}


@dataclass(frozen=True, eq=False)
class AlgorithmFit:
    """One algorithm's clusters, labels for every sample, and a way to label new points.

    Attributes
    ----------
    algorithm : str
        Its key in :data:`COMPARISON_ALGORITHMS`.
    labels : ndarray of int, shape (n_total,)
        Cluster id per sample, 1..n_clusters by first occurrence in row
        order (the first labelled row is in cluster 1), whatever
        scikit-learn's own numbering. 0: noise (HDBSCAN), or a row outside
        the fitted subset of an algorithm that cannot predict.
    n_clusters : int
        Clusters found: at most k, and HDBSCAN's own count (possibly 0).
    n_noise : int
        Fitted rows the algorithm itself left as noise.
    n_used, n_total : int
        Rows fitted and rows in the dataset.
    centers : ndarray of shape (n_clusters, m)
        Row ``i`` is cluster ``i + 1``'s centre: k-means' ``cluster_centers_``,
        the mixture's ``means_``, else the mean of the cluster's fitted rows.
    notes : tuple of str
        scikit-learn's warnings while fitting (e.g. a neighbour graph that is
        not connected), for the user.
    """

    algorithm: str
    labels: np.ndarray
    n_clusters: int
    n_noise: int
    n_used: int
    n_total: int
    centers: np.ndarray
    notes: tuple[str, ...]
    _model: object = field(repr=False)
    _ids: np.ndarray = field(repr=False)  # the model's label -> cluster id, 0 for none

    @property
    def sampled(self) -> bool:
        """True when a subset of the rows was fitted."""
        return self.n_used < self.n_total

    @property
    def n_unassigned(self) -> int:
        """Rows left at 0 because they were outside the fitted subset of an algorithm that cannot predict."""
        return 0 if COMPARISON_ALGORITHMS[self.algorithm].predicts else self.n_total - self.n_used

    def assign(self, features: np.ndarray) -> np.ndarray:
        """Cluster ids for new points: ``predict`` where the model can, else the nearest centre.

        The nearest centre (euclidean) also labels the points a model puts
        in a component that labelled no sample. No point is left as noise.

        Parameters
        ----------
        features : ndarray of shape (p, m)

        Returns
        -------
        ndarray of int, shape (p,)
            Ids 1..n_clusters; all 0 when no cluster was found.

        Raises
        ------
        ClusteringError
            If the points do not have the fitted number of columns.

        Notes
        -----
        Time O(p k m); memory bounded (``pairwise_distances_argmin`` works in chunks).
        """
        points = np.asarray(features, dtype=float)
        columns = self.centers.shape[1]
        if points.ndim != 2 or points.shape[1] != columns:
            raise ClusteringError(f"the points must have the fitted {columns} feature columns (got {points.shape})")
        labels = np.zeros(points.shape[0], dtype=np.int64)
        if self.n_clusters == 0 or points.shape[0] == 0:
            return labels
        if COMPARISON_ALGORITHMS[self.algorithm].predicts:
            with threadpool_limits(limits=1, user_api="openmp"):
                raw = self._model.predict(points)
            known = raw < self._ids.size
            labels[known] = self._ids[raw[known]]
        missing = labels == 0
        if missing.any():
            labels[missing] = pairwise_distances_argmin(points[missing], self.centers) + 1
        return labels


def fit_algorithm(name: str, features: np.ndarray, k: int, sampling: Sampling = DEFAULT_SAMPLING) -> AlgorithmFit:
    """Fit one of :data:`COMPARISON_ALGORITHMS` with k clusters.

    Parameters
    ----------
    name : str
        A key of :data:`COMPARISON_ALGORITHMS`.
    features : ndarray of shape (n, m)
        The samples' coordinates (m >= 1).
    k : int
        1 to the rows fitted (spectral: fewer than the rows fitted);
        ignored by HDBSCAN.
    sampling : Sampling
        Above ``sampling.above`` rows (spectral: at most
        :data:`SPECTRAL_MAX_ROWS`) the model is fitted on ``sampling.rows(n)``.
        Those that predict then label every row; the others leave the rest
        at 0 (:attr:`AlgorithmFit.n_unassigned`).

    Returns
    -------
    AlgorithmFit
        Seeded (``random_state=0``): the same data gives the same clusters.

    Raises
    ------
    ClusteringError
        If the name is unknown, there are no feature columns (a distance
        matrix) or not finite ones, too few rows, k is out of range, or
        scikit-learn cannot fit the rows.

    Notes
    -----
    Single-threaded in OpenMP, as :mod:`hclust.compare`. For m rows fitted
    and d columns: k-means O(n_init m k d) per iteration; the mixture
    O(m k d^2); spectral a sparse m x m neighbour graph and k eigenvectors;
    HDBSCAN O(m log m) with a tree index, up to O(m^2) in high dimension.
    """
    algorithm = _choose(name)
    observations = _observations(features, algorithm)
    rows = algorithm.sampling_for(sampling).rows(observations.shape[0])
    fitted = observations if rows is None else observations[rows]
    _check_size(algorithm, fitted.shape[0], k)
    model, raw, notes = _fit(algorithm, fitted, k)
    every = _every_row(algorithm, model, raw, observations, rows)
    ids, order = _numbering(every)
    labels = np.zeros(every.size, dtype=np.int64)
    labels[every >= 0] = ids[every[every >= 0]]
    fitted_labels = labels if rows is None else labels[rows]
    return AlgorithmFit(
        algorithm=algorithm.name,
        labels=labels,
        n_clusters=int(order.size),
        n_noise=int(np.count_nonzero(raw < 0)),
        n_used=int(fitted.shape[0]),
        n_total=int(observations.shape[0]),
        centers=_centers(model, order, fitted, fitted_labels),
        notes=notes,
        _model=model,
        _ids=ids,
    )


def _choose(name) -> Algorithm:
    if name not in COMPARISON_ALGORITHMS:
        raise ClusteringError(
            f"unknown clustering algorithm {name!r}; choose one of: {', '.join(COMPARISON_ALGORITHMS)}"
        )
    return COMPARISON_ALGORITHMS[name]


def _observations(features, algorithm: Algorithm) -> np.ndarray:
    observations = np.asarray(features, dtype=float)
    if observations.ndim != 2 or observations.shape[1] == 0:
        raise ClusteringError(f"{algorithm.label} needs feature columns, not a distance matrix")
    if not np.all(np.isfinite(observations)):
        raise ClusteringError(f"{algorithm.label} needs finite features; some values are missing or infinite")
    return observations


def _check_size(algorithm: Algorithm, rows: int, k) -> None:
    if rows < algorithm.min_rows:
        reason = f" {algorithm.min_rows_reason}" if algorithm.min_rows_reason else ""
        raise ClusteringError(f"{algorithm.label} needs at least {algorithm.min_rows} rows{reason} (got {rows})")
    if not algorithm.uses_k:
        return
    limit = rows - 1 if algorithm.k_below_rows else rows
    if not _is_whole(k) or not 1 <= k <= limit:
        raise ClusteringError(f"{algorithm.label} on {rows} rows is fitted for k from 1 to {limit} (got {k!r})")


def _fit(algorithm: Algorithm, fitted: np.ndarray, k) -> tuple[object, np.ndarray, tuple[str, ...]]:
    model = algorithm.make(int(k) if algorithm.uses_k else 0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # OpenMP limits are per calling thread, so this does not slow other requests.
        try:
            with threadpool_limits(limits=1, user_api="openmp"):
                model.fit(fitted)
                raw = model.labels_ if hasattr(model, "labels_") else model.predict(fitted)
        except ValueError as error:  # e.g. a mixture component with no spread left
            raise ClusteringError(f"{algorithm.label} could not be fitted to these rows: {error}") from error
    notes = []
    for item in caught:
        if issubclass(item.category, DeprecationWarning | PendingDeprecationWarning | FutureWarning):
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
        elif str(item.message) not in notes:
            notes.append(str(item.message))
    return model, np.asarray(raw, dtype=np.int64), tuple(notes)


def _every_row(algorithm: Algorithm, model, raw: np.ndarray, observations: np.ndarray, rows) -> np.ndarray:
    """The model's own label for every row: ``raw`` itself, ``predict``, or -1 outside the fitted rows."""
    if rows is None:
        return raw
    if algorithm.predicts:
        with threadpool_limits(limits=1, user_api="openmp"):
            return np.asarray(model.predict(observations), dtype=np.int64)
    every = np.full(observations.shape[0], -1, dtype=np.int64)
    every[rows] = raw
    return every


def _numbering(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ids by first occurrence: ``ids[raw label]`` (0 for labels never seen), and the raw labels in id order."""
    present = raw[raw >= 0]
    if present.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    values, first = np.unique(present, return_index=True)
    order = values[np.argsort(first)]
    ids = np.zeros(int(values.max()) + 1, dtype=np.int64)
    ids[order] = np.arange(1, order.size + 1)
    return ids, order


def _centers(model, order: np.ndarray, fitted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    for attribute in ("cluster_centers_", "means_"):
        if hasattr(model, attribute):
            return np.asarray(getattr(model, attribute), dtype=float)[order]
    sums = np.zeros((order.size + 1, fitted.shape[1]))
    np.add.at(sums, labels, fitted)
    counts = np.bincount(labels, minlength=order.size + 1)[1:, None]
    return sums[1:] / np.maximum(counts, 1)
