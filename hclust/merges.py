"""The tree as it was built: one merge, one row of the linkage matrix Z, at a time.

Row ``r`` of Z is merge ``r + 1`` (merges are numbered from 1, rows from 0):
it joins nodes ``Z[r, 0]`` and ``Z[r, 1]`` at height ``Z[r, 2]`` into the
cluster numbered ``n + r``, which holds ``Z[r, 3]`` samples. A node below n
is a sample; a node ``n + r`` is the cluster formed in row r.

Everything here reads the arrays a :class:`~hclust.tree.Tree` already holds
(``linkage``, ``leaf_order``, ``leaf_span``, ``parent``); nothing is
recomputed, and no step costs more than O(n).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hclust.clusters import samples_under
from hclust.dendrogram import DendrogramGeometry
from hclust.errors import ClusteringError
from hclust.tree import Tree

# A side's members are named one by one up to this many samples.
MAX_LISTED_MEMBERS = 20
# Trees with more samples than this start the player near the top of the
# tree, this many merges before the last one: the first merges of 10,000
# samples join pairs of points nobody can tell apart.
LARGE_TREE = 200
START_FROM_TOP = 30

DRAWN = "drawn"
CONTRACTED = "contracted"
OUTSIDE = "outside"


@dataclass(frozen=True, eq=False)
class MergeSide:
    """One of the two nodes a merge joins.

    Attributes
    ----------
    node : int
        A sample index (< n) or the cluster ``n + row`` formed in that row of Z.
    members : ndarray of int
        Its samples, left to right in dendrogram order (a view of
        ``tree.leaf_order``, not a copy).
    formed_in : int or None
        The merge number (1-based) that formed this cluster; None for a sample.
    """

    node: int
    members: np.ndarray
    formed_in: int | None

    @property
    def size(self) -> int:
        """Number of samples."""
        return int(self.members.size)

    @property
    def is_sample(self) -> bool:
        """True for a single sample (a leaf of the tree)."""
        return self.formed_in is None


@dataclass(frozen=True, eq=False)
class Merge:
    """One row of Z, read as a merge.

    Attributes
    ----------
    step : int
        The merge number, 1 to n - 1.
    row : int
        Its row of Z, ``step - 1``.
    left, right : MergeSide
        ``Z[row, 0]`` and ``Z[row, 1]``.
    height : float
        ``Z[row, 2]``, the distance at which they merge.
    node : int
        ``n + row``, the id of the new cluster.
    size : int
        ``Z[row, 3]``, the samples in the new cluster.
    n_samples : int
        n, the samples of the whole tree.
    """

    step: int
    row: int
    left: MergeSide
    right: MergeSide
    height: float
    node: int
    size: int
    n_samples: int

    @property
    def clusters_after(self) -> int:
        """How many clusters there are once this merge is made: ``n - step``."""
        return self.n_samples - self.step


@dataclass(frozen=True, eq=False)
class ClustersAfter:
    """The flat clusters once the first ``step`` merges are made.

    Attributes
    ----------
    step : int
        Merges made, 0 (every sample on its own) to n - 1 (one cluster).
    labels : ndarray of int, shape (n,)
        Cluster id per sample, 1..k, numbered left to right in dendrogram order.
    roots : ndarray of int, shape (k,)
        The node at the top of each cluster (``roots[c - 1]`` for cluster c).
    """

    step: int
    labels: np.ndarray
    roots: np.ndarray

    @property
    def n_clusters(self) -> int:
        """k, which is always ``n - step``."""
        return int(self.roots.size)


@dataclass(frozen=True)
class MergeLocation:
    """Where a merge sits in a drawn dendrogram (truncated, maybe zoomed).

    Attributes
    ----------
    where : str
        ``"drawn"`` (the merge is one of the drawn links), ``"contracted"``
        (it is hidden inside a contracted leaf, or is that leaf's own top
        merge) or ``"outside"`` (not under the drawn branch of a zoomed view).
    index : int or None
        For ``"drawn"``, the link's index in the drawing order
        (:attr:`~hclust.DendrogramGeometry.link_rows`); for
        ``"contracted"``, the leaf's index in
        :attr:`~hclust.DendrogramGeometry.leaf_nodes`; None otherwise.
    leaf_size : int or None
        For ``"contracted"``, how many samples the leaf holds (its label,
        "(33)"); None otherwise.
    """

    where: str
    index: int | None = None
    leaf_size: int | None = None


def first_step(n_samples: int) -> int:
    """The merge the player starts at: 1, or near the top of a large tree.

    Parameters
    ----------
    n_samples : int
        n; the tree has n - 1 merges.

    Returns
    -------
    int
        1 for up to :data:`LARGE_TREE` samples, else ``n - START_FROM_TOP``
        (the last 30 merges, where a step changes the picture).
    """
    if n_samples <= LARGE_TREE:
        return 1
    return max(1, n_samples - START_FROM_TOP)


def read_merge(tree: Tree, step: int) -> Merge:
    """Read merge number ``step`` (row ``step - 1`` of Z).

    Parameters
    ----------
    tree : Tree
    step : int
        1 to n - 1.

    Returns
    -------
    Merge

    Raises
    ------
    ClusteringError
        If ``step`` is not a whole number from 1 to n - 1.

    Notes
    -----
    Time O(1): the members are views of ``tree.leaf_order``, found through
    ``tree.leaf_span``.
    """
    n = tree.n_samples
    _check_whole(step, 1, n - 1, "the merge number")
    row = int(step) - 1
    left, right, height, size = tree.linkage[row]
    return Merge(
        step=int(step),
        row=row,
        left=_side(tree, int(left)),
        right=_side(tree, int(right)),
        height=float(height),
        node=n + row,
        size=int(size),
        n_samples=n,
    )


def _check_whole(value, low: int, high: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise ClusteringError(f"{what} must be a whole number from {low} to {high} (got {value!r})")


def _side(tree: Tree, node: int) -> MergeSide:
    n = tree.n_samples
    return MergeSide(node=node, members=samples_under(tree, node), formed_in=None if node < n else node - n + 1)


def clusters_after(tree: Tree, step: int) -> ClustersAfter:
    """The clusters as they stand after the first ``step`` merges.

    Parameters
    ----------
    tree : Tree
    step : int
        0 to n - 1.

    Returns
    -------
    ClustersAfter
        The nodes that exist after merge ``step`` (ids below ``n + step``)
        whose parent does not yet (id ``n + step`` or more, or the root):
        ``n - step`` clusters. Where the merge heights are distinct this is
        ``fcluster(Z, n - step, 'maxclust')``'s partition.

    Raises
    ------
    ClusteringError
        If ``step`` is not a whole number from 0 to n - 1.

    Notes
    -----
    Time and memory O(n), without sorting: each cluster's samples are a
    contiguous span of ``tree.leaf_order``, so marking where the spans start
    numbers the clusters left to right.
    """
    n = tree.n_samples
    _check_whole(step, 0, n - 1, "the number of merges made")
    limit = n + int(step)
    parent = tree.parent[:limit]
    roots = np.flatnonzero((parent >= limit) | (parent < 0))
    starts = tree.leaf_span[roots, 0]
    root_at = np.full(n, -1, dtype=np.int64)
    root_at[starts] = roots
    ordered_roots = root_at[root_at >= 0]
    is_start = np.zeros(n, dtype=np.int64)
    is_start[starts] = 1
    labels = np.empty(n, dtype=np.int64)
    labels[tree.leaf_order] = np.cumsum(is_start)
    return ClustersAfter(step=int(step), labels=labels, roots=ordered_roots)


def locate_merge(tree: Tree, geometry: DendrogramGeometry, node: int) -> MergeLocation:
    """Where a merge is in a drawn dendrogram: drawn, inside a contracted leaf, or outside.

    Parameters
    ----------
    tree : Tree
    geometry : DendrogramGeometry
        The drawing (the last p merges, or a zoomed branch), with global node ids.
    node : int
        The merge, ``n + row``.

    Returns
    -------
    MergeLocation

    Notes
    -----
    Time O(p): a node is inside a displayed leaf exactly when the leaf's
    span of ``tree.leaf_order`` contains the node's span (subtrees nest).
    """
    n = tree.n_samples
    links = np.flatnonzero(geometry.link_rows == node - n)
    if links.size:
        return MergeLocation(DRAWN, int(links[0]))
    start, stop = tree.leaf_span[node]
    spans = tree.leaf_span[geometry.leaf_nodes]
    holding = np.flatnonzero((geometry.leaf_nodes >= n) & (spans[:, 0] <= start) & (stop <= spans[:, 1]))
    if holding.size:
        leaf = int(holding[0])
        return MergeLocation(CONTRACTED, leaf, int(spans[leaf, 1] - spans[leaf, 0]))
    return MergeLocation(OUTSIDE)


@dataclass(frozen=True)
class MergeWords:
    """A merge as a sentence, in pieces, so each side can carry its color.

    ``opening + left + " joins " + right + closing`` is the sentence, e.g.
    "merge 14 (Z[13]): sample 62 joins cluster 152 (samples 33, 68, formed
    in merge 3) at height 0.1726; the new cluster 163 has 3 samples".
    """

    opening: str
    left: str
    right: str
    closing: str

    @property
    def sentence(self) -> str:
        """The whole sentence."""
        return f"{self.opening}{self.left} joins {self.right}{self.closing}"


def merge_words(merge: Merge, name: Callable[[int], str] = str) -> MergeWords:
    """Read a merge in words.

    Parameters
    ----------
    merge : Merge
    name : callable, optional
        A sample's label from its index (``Dataset.sample_label``); the
        index itself by default.

    Returns
    -------
    MergeWords
        Each side is "sample <label>", or "cluster <id> (<members>, formed
        in merge <m>)" where the members are named when there are at most
        :data:`MAX_LISTED_MEMBERS` of them, and counted otherwise.
    """
    return MergeWords(
        opening=f"merge {merge.step} (Z[{merge.row}]): ",
        left=side_words(merge.left, name),
        right=side_words(merge.right, name),
        closing=f" at height {height_words(merge.height)}; the new cluster {merge.node} has {merge.size:,} samples",
    )


def side_words(side: MergeSide, name: Callable[[int], str] = str) -> str:
    """One side of a merge: "sample 62", or "cluster 152 (samples 33, 68, formed in merge 3)"."""
    if side.is_sample:
        return f"sample {name(side.node)}"
    if side.size <= MAX_LISTED_MEMBERS:
        members = "samples " + ", ".join(name(int(sample)) for sample in sorted(side.members.tolist()))
    else:
        members = f"{side.size:,} samples"
    return f"cluster {side.node} ({members}, formed in merge {side.formed_in})"


def height_words(height: float) -> str:
    """A merge height with four significant digits (no exponent below a billion): ``0.1726``, ``180.3``."""
    if 1e4 <= abs(height) < 1e9:
        return f"{height:,.0f}"
    return f"{height:.4g}"


def row_words(merge: Merge) -> str:
    """The row of Z as SciPy prints it: ``Z[13] = [62, 152, 0.1726, 3]``."""
    return f"Z[{merge.row}] = [{merge.left.node}, {merge.right.node}, {height_words(merge.height)}, {merge.size}]"


def index_hint(merge: Merge) -> str:
    """The one rule that reads Z's node numbers, with a cluster of this merge as the example."""
    n = merge.n_samples
    formed = next((side for side in (merge.right, merge.left) if not side.is_sample), None)
    rule = f"An index of n = {n:,} or more names the cluster formed in row index − n"
    if formed is None:
        return f"{rule}: this merge forms cluster {merge.node} = {n:,} + {merge.row}."
    return f"{rule}: {formed.node} was formed in Z[{formed.node - n}]."
