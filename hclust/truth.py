"""How well a partition recovers known classes: contingency table, ARI, NMI, majority accuracy.

The scores are scikit-learn's own (``contingency_matrix``,
``adjusted_rand_score``, ``normalized_mutual_info_score``); the accuracy
maps each cluster to its majority class, as the Python Data Science
Handbook does for k-means on the digits with ``scipy.stats.mode``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

from hclust.errors import ClusteringError

NO_CLUSTER = 0


@dataclass(frozen=True, eq=False)
class TruthScores:
    """A partition scored against the samples' known classes.

    Attributes
    ----------
    clusters : ndarray of int
        The cluster ids present, ascending. Id 0 ("no cluster": noise, or a
        row an algorithm did not fit) is kept as a row of its own and scored
        as one more cluster.
    classes : tuple of str
        The class names present, in natural order: names that read as
        numbers by their value ("2" before "10"), then the others with their
        digit runs compared as numbers ("class 2" before "class 10").
    table : ndarray of int, shape (len(clusters), len(classes))
        ``sklearn.metrics.cluster.contingency_matrix``: samples of each class
        in each cluster.
    ari : float
        ``adjusted_rand_score(classes, labels)``: 1 for the same partition,
        about 0 for chance.
    nmi : float
        ``normalized_mutual_info_score(classes, labels)`` (arithmetic mean
        normalisation, scikit-learn's default): 0 to 1.
    accuracy : float
        The share of samples whose class is their cluster's majority class.
    majority : tuple of str
        The majority class of each cluster row (ties go to the class first
        in natural order, as ``scipy.stats.mode`` takes the smallest value).
    n_samples : int
        Samples scored: those with a known class.
    n_missing : int
        Samples left out because their class is missing (None, NaN or blank).
    """

    clusters: np.ndarray
    classes: tuple[str, ...]
    table: np.ndarray
    ari: float
    nmi: float
    accuracy: float
    majority: tuple[str, ...]
    n_samples: int
    n_missing: int


def score_against_classes(labels: np.ndarray, classes: Sequence) -> TruthScores:
    """Score cluster ids against known classes.

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Cluster id per sample, 1..k; 0 for "no cluster" (noise, or not
        fitted), which is scored as one more cluster.
    classes : sequence of str, length n
        The known class of each sample. Other values (numbers) are named by
        their text, whole floats without ".0"; None, NaN and blank strings
        are missing and their samples are left out of every score.

    Returns
    -------
    TruthScores

    Raises
    ------
    ClusteringError
        If the lengths differ, the labels are not whole numbers from 0, or
        no sample has both a label and a known class.

    Notes
    -----
    Time O(n log n) to sort the names and ids; memory O(n + k c) for k
    clusters and c classes.
    """
    labels = _check_labels(labels)
    classes = list(classes)
    if len(classes) != labels.size:
        raise ClusteringError(
            f"the classes must name every sample: {labels.size} cluster labels but {len(classes)} classes"
        )
    if labels.size == 0:
        raise ClusteringError("there are no samples to score against the classes")
    known = np.array([not _is_missing(value) for value in classes], dtype=bool)
    if not known.any():
        raise ClusteringError("every class is missing, so there is nothing to score against")
    names = [_name(value) for value, present in zip(classes, known) if present]
    ordered = tuple(sorted(set(names), key=_natural_key))
    codes = _codes(names, ordered)
    scored = labels[known]
    table = contingency_matrix(scored, codes).astype(np.int64)
    best = table.argmax(axis=1)
    return TruthScores(
        clusters=np.unique(scored),
        classes=ordered,
        table=table,
        ari=float(adjusted_rand_score(codes, scored)),
        nmi=float(normalized_mutual_info_score(codes, scored)),
        accuracy=float(table.max(axis=1).sum() / scored.size),
        majority=tuple(ordered[index] for index in best),
        n_samples=int(scored.size),
        n_missing=int(labels.size - scored.size),
    )


def _check_labels(labels) -> np.ndarray:
    values = np.asarray(labels)
    if values.ndim != 1:
        raise ClusteringError(f"the cluster labels must be one id per sample (got shape {values.shape})")
    if values.size and (
        not np.issubdtype(values.dtype, np.number)
        or np.issubdtype(values.dtype, np.complexfloating)
        or not np.all(np.isfinite(values))
        or not np.all(values == np.round(values))
        or values.min() < NO_CLUSTER
    ):
        raise ClusteringError("the cluster labels must be whole numbers: 1..k for clusters, 0 for no cluster")
    return values.astype(np.int64)


def _codes(names: list[str], ordered: tuple[str, ...]) -> np.ndarray:
    position = {name: index for index, name in enumerate(ordered)}
    return np.array([position[name] for name in names], dtype=np.int64)


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(value != value)  # NaN and NaT differ from themselves
    except TypeError:  # pandas.NA: its comparisons are neither true nor false
        return True


def _name(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def _natural_key(name: str) -> tuple:
    try:
        number = float(name)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return (0, number, (), name)
    parts = re.split(r"(\d+)", name.casefold())
    return (1, 0.0, tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), name)
