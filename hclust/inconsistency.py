"""The inconsistency criterion's t that keeps a number of clusters (a switch of criterion keeps the cut)."""

from __future__ import annotations

import math

import numpy as np

from hclust.aids import inconsistency_table
from hclust.cut import short_number_between
from hclust.cut_rule import CutRule
from hclust.tree import Tree


def threshold_keeping(tree: Tree, k: int, depth: int) -> float:
    """The inconsistency threshold t whose cut keeps k clusters, or else the closest count below k.

    Parameters
    ----------
    tree : Tree
    k : int
        The number of clusters to keep.
    depth : int
        The inconsistency depth.

    Returns
    -------
    float
        A short decimal t with ``fcluster(Z, t, 'inconsistent', depth)``
        giving k clusters if any t does, else the most clusters below k any
        t gives.

    Raises
    ------
    hclust.ClusteringError
        If ``depth`` is not a whole number from 1 to the largest depth.

    Notes
    -----
    The count changes only where t passes a coefficient of
    ``inconsistent(Z, depth)`` and falls as t grows (a merge stays whole
    when its coefficient and all those below it are at most t), so a binary
    search over the distinct coefficients finds the smallest one giving at
    most k clusters: O(log n) cuts of O(n min(2^depth, n)) each.
    """
    coefficients = np.unique(inconsistency_table(tree, depth, top=tree.n_samples - 1).coefficient)
    low, high = 0, coefficients.size - 1  # at the largest coefficient nothing is split: one cluster
    while low < high:
        middle = (low + high) // 2
        if CutRule.inconsistent(float(coefficients[middle]), depth).apply(tree).n_clusters <= k:
            high = middle
        else:
            low = middle + 1
    upper = float(coefficients[low + 1]) if low + 1 < coefficients.size else math.inf
    return short_number_between(float(coefficients[low]), upper)
