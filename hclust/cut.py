"""Cut a tree into flat clusters: by height, by number of clusters or by inconsistency.

:class:`CutRule` (in :mod:`hclust.cut_rule`, exported here) names one such
cut as a value; this module holds the cuts themselves and the rules their
values follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.cluster.hierarchy import fcluster

from hclust.errors import ClusteringError
from hclust.tree import Tree

# SciPy's names for fcluster's criteria (its `criterion` argument).
DISTANCE = "distance"
MAXCLUST = "maxclust"
INCONSISTENT = "inconsistent"
CRITERIA = (DISTANCE, MAXCLUST, INCONSISTENT)

DEFAULT_INCONSISTENCY_T = 1.0
DEFAULT_INCONSISTENCY_DEPTH = 2

# Above the top merge any height gives one cluster; the line goes this far up.
_ABOVE_TOP = 0.05
HEADROOM = 0.08
"""The dendrogram's height axis reaches this far above the top merge (a share of its height)."""


@dataclass(frozen=True, eq=False)
class Cut:
    """Flat clusters from one cut of a tree.

    Attributes
    ----------
    height : float
        The cut height ``t`` of ``fcluster(Z, t, 'distance')``.
    labels : ndarray of int, shape (n,)
        Cluster id per sample, 1..k, numbered left to right in dendrogram
        order. The partition is exactly fcluster's; only the ids differ.
    n_clusters : int
        k, the number of clusters.
    roots : ndarray of int, shape (k,)
        The tree node at the top of each cluster (``roots[c - 1]`` for
        cluster c): a sample index below n, or ``n + row`` for a merge. A
        cluster keeps its root while a moving cut leaves it whole, which is
        what keeps its color.
    note : str
        Empty, or a sentence for the user (for example, why fewer clusters
        than asked for were made).
    """

    height: float
    labels: np.ndarray
    n_clusters: int
    roots: np.ndarray
    note: str = ""


def clusters_at_height(tree: Tree, height: float) -> Cut:
    """Cut a tree at a height (SciPy's ``distance`` criterion).

    Parameters
    ----------
    tree : Tree
    height : float
        Samples whose cophenetic distance is at most ``height`` share a
        cluster.

    Returns
    -------
    Cut

    Raises
    ------
    ClusteringError
        If the height is negative or not a finite number.

    Notes
    -----
    Time O(n), vectorised: as ``fcluster``, a node is whole when its largest
    merge height (:attr:`Tree.max_dists`) is at most ``height``, and each
    whole node whose parent is not is a cluster (0.05 s at a million
    samples, where ``fcluster`` and its checks of Z take 0.4 s). Numbering
    left to right in dendrogram order keeps the id of a cluster tied to its
    place in the dendrogram, so moving the cut does not reshuffle the ids
    (and colors) of the clusters on its left.
    """
    height = valid_height(height)
    n = tree.n_samples
    whole = np.concatenate([np.ones(n, dtype=bool), tree.max_dists <= height])
    tops = np.flatnonzero(whole & ~np.where(tree.parent >= 0, whole[tree.parent], False))
    tops = tops[np.argsort(tree.leaf_span[tops, 0])]  # left to right
    starts = np.zeros(n, dtype=np.int64)
    starts[tree.leaf_span[tops, 0]] = 1
    labels = np.empty(n, dtype=np.int64)
    labels[tree.leaf_order] = np.cumsum(starts)
    return Cut(height=float(height), labels=labels, n_clusters=int(tops.size), roots=tops)


def clusters_for_k(tree: Tree, k: int) -> Cut:
    """Cut a tree into k clusters (SciPy's ``maxclust`` criterion).

    The cut height is placed inside the range of heights that give k
    clusters, at a short decimal number near its middle, so the line can be
    drawn and read.

    Parameters
    ----------
    tree : Tree
    k : int
        The number of clusters, 1 <= k <= n.

    Returns
    -------
    Cut
        The same partition as ``fcluster(Z, k, 'maxclust')``. When tied merge
        heights make exactly k clusters impossible, that is fewer than k, as
        in SciPy, and :attr:`Cut.note` says so. One exception: for k = n with
        merges at height 0 (duplicate samples), SciPy returns n singletons,
        which no cut height gives; here the cut stays a height, so the
        duplicates share a cluster and the note says so.

    Raises
    ------
    ClusteringError
        If k is not a whole number between 1 and n.
    """
    n = tree.n_samples
    k = valid_k(k, n)
    levels = tree.sorted_max_dists
    reachable = k
    low, high = _height_range(levels, reachable)
    while low >= high:  # tied heights: no threshold gives exactly `reachable` clusters
        reachable -= 1
        low, high = _height_range(levels, reachable)
    cut = clusters_at_height(tree, short_number_between(low, high))
    note = ""
    if reachable != k:
        note = (
            f"No cut gives exactly {k} clusters: merges are tied at height "
            f"{levels[n - k]:.6g}. Showing {cut.n_clusters}, the most clusters a cut at or below k can give."
        )
    return replace(cut, note=note)


def clusters_inconsistent(tree: Tree, t: float, depth: int = DEFAULT_INCONSISTENCY_DEPTH) -> Cut:
    """Cut a tree by inconsistency (SciPy's ``inconsistent`` criterion).

    Parameters
    ----------
    tree : Tree
    t : float
        The threshold: a merge whose inconsistency coefficient, or that of
        any merge below it, exceeds ``t`` is split; every other subtree
        becomes one cluster.
    depth : int, default 2
        How many levels of links below each merge its coefficient compares
        it with (``scipy.cluster.hierarchy.inconsistent(Z, depth)``).

    Returns
    -------
    Cut
        The same partition as ``fcluster(Z, t, 'inconsistent', depth=depth)``,
        numbered left to right. ``height`` is NaN: the clusters do not come
        from one cut height, so there is no line to draw.

    Raises
    ------
    ClusteringError
        If ``t`` is not a finite number of at least 0, or ``depth`` is not a
        whole number of at least 1.

    Notes
    -----
    Time O(n min(2^depth, n)) for the coefficients of every merge, then
    O(n); memory O(n).
    """
    if not is_number(t) or not math.isfinite(t) or t < 0:
        raise ClusteringError(f"the inconsistency threshold t must be a number of at least 0 (got {t!r})")
    if not is_number(depth) or not float(depth).is_integer() or depth < 1:
        raise ClusteringError(f"the inconsistency depth must be a whole number of at least 1 (got {depth!r})")
    labels = fcluster(tree.linkage, float(t), criterion=INCONSISTENT, depth=int(depth))
    return cut_from_labels(tree, labels, math.nan)


def valid_height(height, got: str | None = None, top: float | None = None) -> float:
    """A cut height, checked: the one rule for heights, wherever they come from.

    Parameters
    ----------
    height : object
        The height asked for.
    got : str, optional
        How the message shows what was asked for; by default ``got <value>``
        (the app passes, for example, ``you typed "abc"``).
    top : float, optional
        The tree's top merge height. Every height above it gives one
        cluster; with ``top``, heights above :func:`highest_cut` (the top
        of the plot's height axis) are refused, so a typed line never
        leaves the plot.

    Returns
    -------
    float
        ``height``, a finite number of at least 0 (and at most the limit above).

    Raises
    ------
    ClusteringError
        "the cut height must be a number of at least 0 (...)", or, above the
        tree, the range and why.
    """
    shown = got or f"got {height!r}"
    if not (is_number(height) and math.isfinite(height) and height >= 0):
        raise ClusteringError(f"the cut height must be a number of at least 0 ({shown})")
    if top is not None and top > 0:
        highest = highest_cut(top)
        if height > highest:
            raise ClusteringError(
                f"the cut height must be from 0 to {highest:g} ({shown}): every height above the top merge, "
                f"{top:.4g}, gives one cluster"
            )
    return float(height)


def valid_k(k, n: int, got: str | None = None) -> int:
    """A number of clusters, checked: the one rule for k, wherever it comes from.

    Parameters
    ----------
    k : object
        The number of clusters asked for.
    n : int
        The number of samples (the largest k).
    got : str, optional
        How the message shows what was asked for, as in :func:`valid_height`.

    Returns
    -------
    int
        ``k``, a whole number from 1 to n (``3.0`` is 3).

    Raises
    ------
    ClusteringError
        "the number of clusters k must be a whole number from 1 to n (...)".
    """
    if is_number(k) and float(k).is_integer() and 1 <= k <= n:
        return int(k)
    raise ClusteringError(f"the number of clusters k must be a whole number from 1 to {n} ({got or f'got {k!r}'})")


def is_number(value) -> bool:
    """True for a real number, Python's or NumPy's (a bool is not one)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _cluster_roots(tree: Tree, labels: np.ndarray) -> np.ndarray:
    """The top node of each cluster: all its samples in one cluster, its parent's not.

    Works for any partition that follows the tree (each cluster a subtree),
    whatever the criterion: along the dendrogram order a node is whole when
    no label changes inside its leaf span.
    """
    along = labels[tree.leaf_order]
    changes = np.concatenate([[0], np.cumsum(along[1:] != along[:-1])])
    start, stop = tree.leaf_span[:, 0], tree.leaf_span[:, 1]
    whole = changes[stop - 1] == changes[start]
    parent_whole = np.where(tree.parent >= 0, whole[tree.parent], False)
    tops = np.flatnonzero(whole & ~parent_whole)
    roots = np.empty(int(labels.max()), dtype=np.int64)
    roots[labels[tree.first_leaf[tops]] - 1] = tops
    return roots


def cut_from_labels(tree: Tree, labels: np.ndarray, height: float, note: str = "") -> Cut:
    """Wrap any flat clustering that follows the tree (e.g. fcluster's output) as a :class:`Cut`.

    Parameters
    ----------
    tree : Tree
    labels : ndarray of int, shape (n,)
        Cluster ids in any numbering; each cluster must be a subtree.
    height : float
        The cut height to draw, or NaN when the criterion has none.
    note : str
        A sentence for the user, if any.

    Returns
    -------
    Cut
        Renumbered left to right, with each cluster's root.
    """
    ordered = number_left_to_right(np.asarray(labels), tree.leaf_order)
    return Cut(
        height=float(height),
        labels=ordered,
        n_clusters=int(ordered.max()),
        roots=_cluster_roots(tree, ordered),
        note=note,
    )


def snap_height(tree: Tree, height: float) -> float:
    """Round a pointer-given height to a short number giving the same clusters.

    Parameters
    ----------
    tree : Tree
    height : float
        A height from a drag or a click, with meaningless trailing digits.

    Returns
    -------
    float
        The shortest decimal (in significant digits) that lies in the same
        range of heights as ``height``, so the cluster count is unchanged.
        Negative heights become 0.
    """
    height = max(float(height), 0.0)
    levels = tree.sorted_max_dists
    merged = int(np.searchsorted(levels, height, side="right"))
    low = levels[merged - 1] if merged > 0 else 0.0
    high = levels[merged] if merged < levels.size else math.inf
    return _shortest_in(height, low, high)


def number_left_to_right(labels: np.ndarray, leaf_order: np.ndarray) -> np.ndarray:
    """Renumber cluster ids 1..k in the order clusters appear left to right.

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Any cluster ids (such as fcluster's).
    leaf_order : ndarray of int, shape (n,)
        Sample indices in dendrogram order.

    Returns
    -------
    ndarray of int, shape (n,)
    """
    along_leaves = labels[leaf_order]
    _, first_seen = np.unique(along_leaves, return_index=True)
    in_order = along_leaves[np.sort(first_seen)]
    new_id = np.zeros(labels.max() + 1, dtype=np.int64)
    new_id[in_order] = np.arange(1, in_order.size + 1)
    return new_id[labels]


def highest_cut(top: float) -> float:
    """The highest cut height the dendrogram can show: its axis top (``top`` plus :data:`HEADROOM`), 3 digits."""
    limit = top * (1 + HEADROOM)
    digits = 3 - 1 - math.floor(math.log10(limit)) if limit > 0 else 0
    return math.floor(limit * 10**digits) / 10**digits


def short_number_between(low: float, high: float) -> float:
    """A short decimal number in ``[low, high)``, near the middle.

    Parameters
    ----------
    low : float
    high : float
        May be ``inf`` (above the top merge).

    Returns
    -------
    float
    """
    if math.isinf(high):
        target = low * (1 + _ABOVE_TOP) if low > 0 else 1.0
        # Within the plot (a line at 200 over a top merge of 180 would be off its axis).
        high = highest_cut(low) if low > 0 else math.inf
    else:
        target = (low + high) / 2
    return _shortest_in(target, low, high)


def _height_range(levels: np.ndarray, k: int) -> tuple[float, float]:
    """Heights ``[low, high)`` whose cut gives k clusters (empty if low >= high)."""
    n = levels.size + 1
    merged = n - k  # merges at or below the cut
    low = levels[merged - 1] if merged > 0 else 0.0
    high = levels[merged] if merged < levels.size else math.inf
    return float(low), float(high)


def _shortest_in(value: float, low: float, high: float) -> float:
    """Round ``value`` to the fewest significant digits that stay in ``[low, high)``."""
    for digits in range(1, 17):
        rounded = float(f"{value:.{digits}g}")
        if low <= rounded < high:
            return rounded
    return float(value)


# Exported here, defined last: hclust.cut_rule builds on the cuts above.
from hclust.cut_rule import CutRule as CutRule  # noqa: E402
