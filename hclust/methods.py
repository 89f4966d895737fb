"""Linkage methods side by side: the trees of one dataset under several methods, cut at one k.

The central lesson of hierarchical clustering is that the linkage method
changes the clusters. This module holds the comparison itself (each
method's partition at the same k, its cophenetic correlation and the
agreement of every pair of partitions) and the rules of what may be
compared: which methods a metric allows, and which trees fit a time
budget. Building the trees is the caller's (they are cached per session).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score

from hclust.cut import Cut, clusters_for_k, valid_k
from hclust.errors import ClusteringError
from hclust.options import EUCLIDEAN, LINKAGE_METHODS
from hclust.tree import PRECOMPUTED, Tree

MIN_COMPARED = 2
MAX_COMPARED = 4
COORDINATES_RULE = "needs the samples' coordinates, which a distance matrix does not have"


def unavailable_reason(method: str, metric: str) -> str:
    """Why ``method`` cannot be compared under ``metric``; empty when it can.

    Parameters
    ----------
    method : str
        A key of :data:`hclust.options.LINKAGE_METHODS`.
    metric : str
        The view's metric: a key of :data:`hclust.options.METRICS`, or
        ``"precomputed"`` for a distance matrix.

    Returns
    -------
    str
        ``""``, or a sentence fragment such as "needs the euclidean metric
        (this view uses 'cityblock')".

    Raises
    ------
    ClusteringError
        If the method is unknown.
    """
    if method not in LINKAGE_METHODS:
        raise ClusteringError(f"unknown linkage method {method!r}; choose one of: {', '.join(LINKAGE_METHODS)}")
    if not LINKAGE_METHODS[method].needs_euclidean or metric == EUCLIDEAN:
        return ""
    if metric == PRECOMPUTED:
        return COORDINATES_RULE
    return f"needs the euclidean metric (this view uses {metric!r})"


def usable_methods(chosen: Sequence[str] | None, metric: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Split the chosen methods into those the metric allows and those it does not.

    Parameters
    ----------
    chosen : sequence of str, optional
        Method names, in any order; None is no choice.
    metric : str
        The view's metric (see :func:`unavailable_reason`).

    Returns
    -------
    usable : tuple of str
        The allowed methods, in the order of :data:`LINKAGE_METHODS` (the
        order the menu shows them in).
    left_out : dict of str to str
        Method -> why it is left out.

    Raises
    ------
    ClusteringError
        If a name is unknown, or more than :data:`MAX_COMPARED` methods are
        chosen.
    """
    names = set(chosen or ())
    for name in names:
        unavailable_reason(name, metric)  # unknown names raise
    if len(names) > MAX_COMPARED:
        raise ClusteringError(
            f"compare at most {MAX_COMPARED} methods at a time (got {len(names)}: {', '.join(sorted(names))})"
        )
    ordered = [name for name in LINKAGE_METHODS if name in names]
    left_out = {name: unavailable_reason(name, metric) for name in ordered if unavailable_reason(name, metric)}
    return tuple(name for name in ordered if name not in left_out), left_out


def within_budget(seconds: Mapping[str, float], budget: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which trees to build now: the cheapest first, while their total stays within ``budget``.

    Parameters
    ----------
    seconds : mapping of str to float
        Method -> expected seconds to build its tree (0 for a tree that is
        built already), in display order.
    budget : float
        The most seconds the new trees may take together.

    Returns
    -------
    build, too_slow : tuple of str
        Both in the order of ``seconds``.
    """
    total, build = 0.0, set()
    for name in sorted(seconds, key=lambda name: seconds[name]):
        if total + seconds[name] > budget:
            break
        total += seconds[name]
        build.add(name)
    return tuple(n for n in seconds if n in build), tuple(n for n in seconds if n not in build)


@dataclass(frozen=True, eq=False)
class MethodComparison:
    """Several linkage methods' partitions of one dataset at the same k.

    Attributes
    ----------
    k : int
        The number of clusters asked for.
    methods : tuple of str
        The linkage methods, one per tree.
    cuts : tuple of Cut
        Per method, ``clusters_for_k(tree, k)``: the partition of
        ``fcluster(Z, k, 'maxclust')``, numbered left to right in that tree's
        dendrogram order. Tied merge heights can make fewer than k clusters;
        then the cut's ``note`` says so.
    cophenetic : ndarray of float, shape (m,)
        Per method, the tree's cophenetic correlation (NaN when undefined).
    ari : ndarray of float, shape (m, m)
        ``adjusted_rand_score`` of every pair of partitions: symmetric, 1 on
        the diagonal; 1 for the same partition, about 0 for chance agreement.
    """

    k: int
    methods: tuple[str, ...]
    cuts: tuple[Cut, ...]
    cophenetic: np.ndarray
    ari: np.ndarray

    def pairs(self) -> list[tuple[str, str, float]]:
        """Every pair of methods once, with the ARI of their partitions, in table order."""
        m = len(self.methods)
        return [(self.methods[i], self.methods[j], float(self.ari[i, j])) for i in range(m) for j in range(i + 1, m)]


def compare_methods(trees: Sequence[Tree], k: int) -> MethodComparison:
    """Cut trees of the same samples, built with different linkage methods, at the same k.

    Parameters
    ----------
    trees : sequence of Tree
        One tree per method, all of the same n samples (in the same order)
        and with different methods.
    k : int
        The number of clusters, 1 <= k <= n.

    Returns
    -------
    MethodComparison

    Raises
    ------
    ClusteringError
        Checked in this order: no tree, trees of different sample counts, a
        method given twice, k not a whole number from 1 to n.

    Notes
    -----
    Time O(m n) for the m cuts plus O(m^2 n) for the adjusted Rand indices;
    memory O(m n). The trees' cophenetic correlations are read, not
    computed again.
    """
    if not trees:
        raise ClusteringError("compare needs at least one tree (got none)")
    sizes = {tree.n_samples for tree in trees}
    if len(sizes) > 1:
        raise ClusteringError(f"the trees compared must cluster the same samples (got sizes {sorted(sizes)})")
    methods = tuple(tree.method for tree in trees)
    if len(set(methods)) < len(methods):
        raise ClusteringError(f"each method may be compared once (got {', '.join(methods)})")
    k = valid_k(k, trees[0].n_samples)
    cuts = tuple(clusters_for_k(tree, k) for tree in trees)
    m = len(cuts)
    ari = np.eye(m)
    for i in range(m):
        for j in range(i + 1, m):
            ari[i, j] = ari[j, i] = adjusted_rand_score(cuts[i].labels, cuts[j].labels)
    cophenetic = np.array([tree.cophenetic for tree in trees], dtype=float)
    return MethodComparison(k, methods, cuts, cophenetic, ari)
