"""What sets a cluster apart: each feature's effect size and rank test, members against the rest.

The effect is Cohen's d (the difference of the means over the pooled
standard deviation); the test is SciPy's two-sided Mann-Whitney U, which
asks whether members tend to have larger or smaller values without
assuming normal distributions. :func:`describe` puts the clearest effects
into words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import mannwhitneyu

from hclust.aids import DEFAULT_SAMPLING, Sampling, _is_whole
from hclust.errors import ClusteringError

# Wording of |d|: Cohen's conventional small (0.2) and medium (0.5) effects,
# and Sawilowsky's "very large" (1.2) for "much". Below 0.2 a feature is not mentioned.
LARGE_EFFECT = 1.2
MEDIUM_EFFECT = 0.5
SMALL_EFFECT = 0.2
DEFAULT_TOP = 3
# Each group (members, the rest) is ranked on at most about this many values
# (rows x columns), so very wide data (image pixels) stays quick.
PROFILE_CELLS = 500_000
MIN_GROUP_ROWS = 100
# SciPy's "auto" takes the exact test when a group has at most 8 rows and
# there are no ties; it decides for the whole array, so small groups are tested column by column.
EXACT_TEST_ROWS = 8


@dataclass(frozen=True, eq=False)
class FeatureRanking:
    """The features ordered by how strongly they set a group of samples apart.

    Attributes
    ----------
    title : str
        The group's name, e.g. "cluster 3".
    size : int
        Members in the whole dataset.
    names : tuple of str
        Feature names, largest ``|effect|`` first (ties keep the columns'
        order; undefined effects last).
    effect : ndarray of float
        Cohen's d of members against the rest: ``(mean_in - mean_out) / s``
        with the pooled standard deviation ``s`` (``ddof=1`` in each group).
        0 where the two means are equal (a constant feature); ``±inf`` where
        each group is constant but they differ; NaN when there is no rest,
        or only one member and one other sample with different values.
    p_value : ndarray of float
        Two-sided ``scipy.stats.mannwhitneyu(inside, outside).pvalue`` of
        the feature (SciPy's "auto" method, per column); NaN unless both
        groups have at least 2 rows.
    mean_in, mean_out : ndarray of float
        The feature's mean over the members and over the rest (NaN without
        a rest).
    n_used, n_total : int
        Rows compared and rows in the dataset.
    """

    title: str
    size: int
    names: tuple[str, ...]
    effect: np.ndarray
    p_value: np.ndarray
    mean_in: np.ndarray
    mean_out: np.ndarray
    n_used: int
    n_total: int

    @property
    def sampled(self) -> bool:
        """True when a subset of the rows was compared."""
        return self.n_used < self.n_total


def rank_features(
    features: np.ndarray,
    feature_names,
    members: np.ndarray,
    title: str,
    sampling: Sampling = DEFAULT_SAMPLING,
) -> FeatureRanking:
    """Rank every feature by how much it sets the members apart from the rest.

    Parameters
    ----------
    features : ndarray of shape (n, m)
    feature_names : sequence of str, length m
    members : ndarray of bool, shape (n,)
        True for the group's samples; at least one.
    title : str
    sampling : Sampling
        Members and the rest are each capped apart, so a small cluster is
        never thinned out by the size of the rest: with
        ``cap = max(MIN_GROUP_ROWS, PROFILE_CELLS // m)``, a group of more
        than ``min(sampling.above, cap)`` rows is compared on its seeded
        subset of ``min(sampling.size, cap)`` rows
        (:meth:`hclust.aids.Sampling.rows` of the group). Every column is
        ranked; means and effects are those of the rows compared.

    Returns
    -------
    FeatureRanking

    Raises
    ------
    ClusteringError
        If the features are not a finite 2-D array with columns, the names
        do not match the columns, or the members are not one flag per row
        with at least one set.

    Notes
    -----
    Time O(r m log r) for r rows compared (the ranks of the test); memory
    O(r m).
    """
    observations, names = _check_features(features, feature_names)
    return _rank(observations, names, _check_members(members, observations.shape[0]), str(title), sampling)


def profile_clusters(
    features: np.ndarray, feature_names, labels: np.ndarray, sampling: Sampling = DEFAULT_SAMPLING
) -> tuple[FeatureRanking, ...]:
    """One ranking per cluster, each cluster against all other samples.

    Parameters
    ----------
    features : ndarray of shape (n, m)
    feature_names : sequence of str, length m
    labels : ndarray of int, shape (n,)
        Cluster ids 1..k; rows with 0 (noise, not assigned) get no ranking
        of their own but count in every cluster's rest.
    sampling : Sampling
        As in :func:`rank_features`.

    Returns
    -------
    tuple of FeatureRanking
        Ascending cluster id, titled "cluster 1", "cluster 2", ...

    Raises
    ------
    ClusteringError
        As :func:`rank_features`, or if the labels are not one whole number
        from 0 per row.

    Notes
    -----
    Time k times that of :func:`rank_features` for k clusters.
    """
    observations, names = _check_features(features, feature_names)
    ids = np.asarray(labels)
    if (
        ids.shape != (observations.shape[0],)
        or not np.issubdtype(ids.dtype, np.number)
        or not all(_is_whole(value) and value >= 0 for value in np.unique(ids))
    ):
        raise ClusteringError(
            f"the labels must be one cluster id (a whole number from 0) for each of the {observations.shape[0]} rows"
        )
    clusters = [int(c) for c in np.unique(ids) if c != 0]
    return tuple(_rank(observations, names, ids == c, f"cluster {c}", sampling) for c in clusters)


def describe(ranking: FeatureRanking, top: int = DEFAULT_TOP) -> str:
    """The clearest differences in words, e.g. "cluster 2: much higher in proline, lower in hue".

    Parameters
    ----------
    ranking : FeatureRanking
    top : int, default 3
        At most this many features are named.

    Returns
    -------
    str
        The first ``top`` features with ``|d| >= SMALL_EFFECT``: "much"
        from :data:`LARGE_EFFECT`, no qualifier from :data:`MEDIUM_EFFECT`,
        "slightly" below; "no feature sets it clearly apart" when none.

    Raises
    ------
    ClusteringError
        If ``top`` is not a whole number from 1.
    """
    if not _is_whole(top) or top < 1:
        raise ClusteringError(f"the number of features to describe must be a whole number from 1 (got {top!r})")
    phrases = []
    for name, effect in zip(ranking.names, ranking.effect):
        size = abs(float(effect))
        if len(phrases) == top or not size >= SMALL_EFFECT:
            break
        strength = "much " if size >= LARGE_EFFECT else "" if size >= MEDIUM_EFFECT else "slightly "
        phrases.append(f"{strength}{'higher' if effect > 0 else 'lower'} in {name}")
    return f"{ranking.title}: {', '.join(phrases) or 'no feature sets it clearly apart'}"


def _rank(
    observations: np.ndarray, names: tuple[str, ...], inside: np.ndarray, title: str, sampling: Sampling
) -> FeatureRanking:
    cap = max(MIN_GROUP_ROWS, PROFILE_CELLS // observations.shape[1])
    group_sampling = Sampling(min(sampling.above, cap), min(sampling.size, cap), sampling.seed)
    x_in = observations[_subset(np.flatnonzero(inside), group_sampling)]
    x_out = observations[_subset(np.flatnonzero(~inside), group_sampling)]
    mean_in, var_in = _moments(x_in)
    mean_out, var_out = _moments(x_out)
    effect = _cohens_d(mean_in, var_in, x_in.shape[0], mean_out, var_out, x_out.shape[0])
    p_value = _mann_whitney(x_in, x_out)
    order = np.argsort(-np.where(np.isnan(effect), -1.0, np.abs(effect)), kind="stable")
    return FeatureRanking(
        title=title,
        size=int(np.count_nonzero(inside)),
        names=tuple(names[i] for i in order),
        effect=effect[order],
        p_value=p_value[order],
        mean_in=mean_in[order],
        mean_out=mean_out[order],
        n_used=x_in.shape[0] + x_out.shape[0],
        n_total=observations.shape[0],
    )


def _subset(rows: np.ndarray, sampling: Sampling) -> np.ndarray:
    chosen = sampling.rows(rows.size)
    return rows if chosen is None else rows[chosen]


def _moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance (ddof=1) per column; exact for a constant column (its value and 0)."""
    if x.shape[0] == 0:
        return np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
    constant = x.min(axis=0) == x.max(axis=0)
    variance = x.var(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1])
    return np.where(constant, x[0], x.mean(axis=0)), np.where(constant, 0.0, variance)


def _cohens_d(
    mean_in: np.ndarray, var_in: np.ndarray, n_in: int, mean_out: np.ndarray, var_out: np.ndarray, n_out: int
) -> np.ndarray:
    if n_out == 0:
        return np.full(mean_in.shape, np.nan)
    difference = mean_in - mean_out
    dof = n_in + n_out - 2
    pooled = np.sqrt(((n_in - 1) * var_in + (n_out - 1) * var_out) / dof) if dof else np.full(mean_in.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pooled > 0, difference / pooled, np.sign(difference) * math.inf)
    return np.where(difference == 0, 0.0, np.where(np.isnan(pooled), np.nan, ratio))


def _mann_whitney(x_in: np.ndarray, x_out: np.ndarray) -> np.ndarray:
    smaller = min(x_in.shape[0], x_out.shape[0])
    if smaller < 2:
        return np.full(x_in.shape[1], np.nan)
    if smaller > EXACT_TEST_ROWS:
        return np.asarray(mannwhitneyu(x_in, x_out, axis=0).pvalue, dtype=float)
    return np.array([mannwhitneyu(x_in[:, j], x_out[:, j]).pvalue for j in range(x_in.shape[1])], dtype=float)


def _check_features(features, feature_names) -> tuple[np.ndarray, tuple[str, ...]]:
    observations = np.asarray(features, dtype=float)
    if observations.ndim != 2 or observations.shape[1] == 0:
        raise ClusteringError("a cluster profile needs feature columns, not a distance matrix")
    if not np.all(np.isfinite(observations)):
        raise ClusteringError("a cluster profile needs finite features; some values are missing or infinite")
    names = tuple(str(name) for name in feature_names)
    if len(names) != observations.shape[1]:
        raise ClusteringError(f"give one name per feature column: {observations.shape[1]} columns, {len(names)} names")
    return observations, names


def _check_members(members, n: int) -> np.ndarray:
    inside = np.asarray(members)
    if inside.dtype != bool or inside.shape != (n,):
        raise ClusteringError(f"the members must be one True/False flag for each of the {n} rows")
    if not inside.any():
        raise ClusteringError("the group has no members to profile")
    return inside
