"""Aids for choosing where to cut a tree."""

from __future__ import annotations

import numpy as np

from hclust.tree import Tree

DEFAULT_ELBOW_MERGES = 10


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
    ``min(2, n)``.
    """
    heights = tree.linkage[-last:, 2]
    if heights.size < 3:
        return min(2, tree.n_samples)
    acceleration = np.diff(heights, 2)
    return int(acceleration[::-1].argmax()) + 2
