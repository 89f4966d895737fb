"""A clustered heatmap's numbers: features as rows in the dendrogram's leaf order.

One row per displayed leaf of a (truncated) dendrogram: a sample's own
values, or the mean of the samples a contracted leaf holds. Columns are the
features, optionally clustered themselves, at most :data:`MAX_HEATMAP_COLUMNS`
of them. :func:`optimally_ordered` flips a tree's children so that
neighbouring leaves are as similar as possible (SciPy's optimal leaf
ordering), which makes the heatmap's blocks easier to see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import squareform

from hclust.cut import Cut
from hclust.dendrogram import DendrogramGeometry
from hclust.errors import ClusteringError
from hclust.tree import PRECOMPUTED, Tree, check_observations, pairwise_distances, tree_from_linkage

MAX_OPTIMAL_ORDERING = 500
"""Optimal leaf ordering is offered up to this many samples (about a second at most).

SciPy's ``optimal_leaf_ordering`` takes O(n^3) time in the worst case, and
its time depends on the tree: on the 2-core reference machine, ward trees of
6 blobs (2, 8 or 64 features, 4 seeds) took 0.05-0.08 s at 300 samples,
0.5-0.7 s at 500, 0.7-0.9 s at 600, 1.4 s at 650 and 4 s at 1,000; average
and single trees take less.
"""
MAX_HEATMAP_COLUMNS = 200
"""At most this many feature columns are drawn: those with the largest variance."""
SCALES = ("value", "zscore")
COLUMN_METHOD = "average"
COLUMN_METRIC = "correlation"
# Floats held in one temporary block while columns are summed (32 MB).
_BLOCK_VALUES = 4_000_000


@dataclass(frozen=True, eq=False)
class HeatmapData:
    """What a clustered heatmap draws, row by row and column by column.

    Attributes
    ----------
    values : ndarray of float, shape (p, c)
        Row i, column j: the value of feature ``column_order[j]`` for the
        displayed leaf ``row_nodes[i]``; for a contracted leaf, the mean over
        its samples. With ``scale="zscore"``, in standard deviations from the
        column's mean over all samples (0 for a column without spread).
    row_nodes : ndarray of int, shape (p,)
        The tree node of each row, top to bottom: the drawing's leaf nodes.
    row_counts : ndarray of int, shape (p,)
        Samples per row.
    row_text : tuple of str
        The drawing's leaf label of each row.
    row_members : ndarray of int, shape (N,)
        The samples of every row, row after row (N is the number of samples
        the drawing covers); see :meth:`members`.
    row_offsets : ndarray of int, shape (p + 1,)
        Row i's samples are ``row_members[row_offsets[i]:row_offsets[i + 1]]``.
    column_order : ndarray of int, shape (c,)
        The feature index of each drawn column, left to right.
    column_names : tuple of str
        Their names, in the same order.
    column_linkage : ndarray of shape (c - 1, 4) or None
        The columns' linkage matrix when they are clustered, else None. Its
        leaf j is the j-th drawn feature in data order (``sorted(column_order)``),
        so ``column_order == sorted(column_order)[leaves_list(column_linkage)]``.
    scale : {"value", "zscore"}
    n_columns_total : int
        Feature columns in the data; ``c < n_columns_total`` when some were left out.
    """

    values: np.ndarray
    row_nodes: np.ndarray
    row_counts: np.ndarray
    row_text: tuple[str, ...]
    row_members: np.ndarray
    row_offsets: np.ndarray
    column_order: np.ndarray
    column_names: tuple[str, ...]
    column_linkage: np.ndarray | None
    scale: str
    n_columns_total: int

    @property
    def n_rows(self) -> int:
        """p, the rows drawn."""
        return self.row_nodes.size

    @property
    def n_columns(self) -> int:
        """c, the columns drawn."""
        return self.column_order.size

    def members(self, row: int) -> np.ndarray:
        """The sample indices of one row."""
        return self.row_members[self.row_offsets[row] : self.row_offsets[row + 1]]


def optimally_ordered(tree: Tree, features: np.ndarray | None = None, distances: np.ndarray | None = None) -> Tree:
    """The same tree with its children flipped so that neighbouring leaves are most alike.

    Parameters
    ----------
    tree : Tree
    features : array_like of shape (n, m), optional
        The samples the tree was built from; their distances in the tree's
        metric are computed here.
    distances : ndarray of shape (n * (n - 1) / 2,), optional
        The condensed distances the tree was built from (needed for a
        precomputed-distance tree); used instead of ``features`` when given.

    Returns
    -------
    Tree
        ``linkage`` is ``scipy.cluster.hierarchy.optimal_leaf_ordering(Z, y)``:
        the same node ids, heights and sizes, only the two children of some
        merges swapped; the leaf order, first leaves and leaf spans follow.
        Cuts number clusters left to right, so cut this tree again rather
        than reuse the old tree's cuts.

    Raises
    ------
    ClusteringError
        Above :data:`MAX_OPTIMAL_ORDERING` samples; without features or
        distances; when they do not match the tree.

    Notes
    -----
    Time O(n^3) in the worst case (SciPy's dynamic programme), plus O(n^2 m)
    for the distances; memory 8 n (n - 1) / 2 bytes for them.
    """
    n = tree.n_samples
    if n > MAX_OPTIMAL_ORDERING:
        raise ClusteringError(
            f"optimal leaf ordering takes O(n^3) time, so it is offered up to {MAX_OPTIMAL_ORDERING:,} rows "
            f"(about a second); this tree has {n:,} samples; the rows keep the dendrogram's own order"
        )
    vector = _ordering_distances(tree, features, distances)
    ordered = optimal_leaf_ordering(tree.linkage, vector)
    derived = tree_from_linkage(ordered, tree.method, tree.metric, tree.cophenetic)
    return replace(
        tree,
        linkage=ordered,
        leaf_order=derived.leaf_order,
        first_leaf=derived.first_leaf,
        leaf_span=derived.leaf_span,
    )


def heatmap_data(
    tree: Tree,
    geometry: DendrogramGeometry,
    features: np.ndarray,
    feature_names: list[str] | tuple[str, ...],
    scale: str = "value",
    cluster_columns: bool = False,
) -> HeatmapData:
    """The rows and columns of a clustered heatmap beside a dendrogram drawing.

    Parameters
    ----------
    tree : Tree
    geometry : DendrogramGeometry
        A drawing of ``tree`` or of one of its branches
        (:func:`~hclust.dendrogram.truncated_geometry`,
        :func:`~hclust.dendrogram.subtree_geometry`): one row per leaf.
    features : array_like of shape (n, m)
        The samples' features.
    feature_names : sequence of str, length m
    scale : {"value", "zscore"}
        Raw values, or z-scores per column over all n samples.
    cluster_columns : bool
        Order the columns by ``linkage(columns, "average", "correlation")``:
        columns that rise and fall together sit side by side. A column
        without spread has no correlation; it is put at distance 1
        (uncorrelated) from every other column.

    Returns
    -------
    HeatmapData
        When m exceeds :data:`MAX_HEATMAP_COLUMNS`, only the columns with the
        largest variance over all samples (in their own units; ties go to the
        first column) are kept, in data order unless clustered.

    Raises
    ------
    ClusteringError
        For a distance-matrix dataset (no feature column), an unknown scale,
        features or names that do not match the tree, non-finite values, or a
        drawing of another tree.

    Notes
    -----
    Time O(n m) for the column statistics and the row means (``np.add.reduceat``
    over the samples in leaf order), plus O(n c^2) when the columns are
    clustered. Memory O(p c) for the result and O(n) for the members; the
    temporary blocks hold at most 4 million floats.
    """
    observations = _checked_features(tree, features, feature_names, scale)
    members, offsets = _row_members(tree, geometry)
    mean, spread = _column_moments(observations)
    columns = _shown_columns(spread)
    values = _row_means(observations, members, offsets, columns)
    if scale == "zscore":
        values = _standardised(values, mean[columns], spread[columns])
    column_linkage = None
    if cluster_columns and columns.size >= 2:
        column_linkage = _column_linkage(observations, columns, mean[columns], spread[columns])
        order = leaves_list(column_linkage)
        columns, values = columns[order], values[:, order]
    return HeatmapData(
        values=values,
        row_nodes=geometry.leaf_nodes.copy(),
        row_counts=np.diff(offsets),
        row_text=tuple(geometry.leaf_text),
        row_members=members,
        row_offsets=offsets,
        column_order=columns,
        column_names=tuple(str(feature_names[j]) for j in columns),
        column_linkage=column_linkage,
        scale=scale,
        n_columns_total=observations.shape[1],
    )


def row_clusters(cut: Cut, row_nodes: np.ndarray, tree: Tree) -> np.ndarray:
    """The cluster of each heatmap row under a cut.

    Parameters
    ----------
    cut : Cut
        A cut of ``tree``.
    row_nodes : ndarray of int, shape (p,)
        :attr:`HeatmapData.row_nodes`.
    tree : Tree

    Returns
    -------
    ndarray of int, shape (p,)
        The cluster id (1..k) of each row whose samples all lie in one
        cluster, or 0 for a contracted leaf the cut splits (it reaches above
        the cut). Equals :attr:`~hclust.dendrogram.LinkColoring.leaves` for
        the same drawing.

    Notes
    -----
    Time O(p): a node lies in cluster c when its leaf span sits inside the
    span of c's root.
    """
    if cut.labels.size != tree.n_samples:
        raise ClusteringError(f"the cut has {cut.labels.size:,} samples but the tree has {tree.n_samples:,}")
    nodes = np.asarray(row_nodes, dtype=np.int64)
    clusters = cut.labels[tree.first_leaf[nodes]]
    spans = tree.leaf_span[nodes]
    root_spans = tree.leaf_span[cut.roots[clusters - 1]]
    inside = (spans[:, 0] >= root_spans[:, 0]) & (spans[:, 1] <= root_spans[:, 1])
    return np.where(inside, clusters, 0).astype(np.int64)


def column_tree(data: HeatmapData) -> Tree | None:
    """The columns' tree, to draw with :func:`~hclust.dendrogram.truncated_geometry` (None when not clustered).

    Its leaf j is the j-th drawn feature in data order; drawn with all its
    leaves, they come out in :attr:`HeatmapData.column_order`.
    """
    if data.column_linkage is None:
        return None
    return tree_from_linkage(data.column_linkage, COLUMN_METHOD, COLUMN_METRIC, float("nan"))


def _ordering_distances(tree: Tree, features: np.ndarray | None, distances: np.ndarray | None) -> np.ndarray:
    """The condensed distances the tree was built from: given, or computed from the features in its metric."""
    n = tree.n_samples
    if distances is not None:
        vector = np.asarray(distances, dtype=float)
        if vector.shape != (n * (n - 1) // 2,) or not np.isfinite(vector).all():
            raise ClusteringError(
                f"optimal leaf ordering needs the tree's {n * (n - 1) // 2:,} finite condensed distances "
                f"(got an array of shape {vector.shape})"
            )
    elif features is None or tree.metric == PRECOMPUTED:
        raise ClusteringError(
            "optimal leaf ordering needs the samples' features or the distances the tree was built from"
        )
    else:
        observations = check_observations(features)
        if observations.shape[0] != n:
            raise ClusteringError(f"the tree has {n:,} samples but the features have {observations.shape[0]:,} rows")
        vector = pairwise_distances(observations, tree.metric)
    return vector


def _checked_features(tree: Tree, features: np.ndarray, names: list[str] | tuple[str, ...], scale: str) -> np.ndarray:
    """The features as floats, once every input is known to fit the tree."""
    if scale not in SCALES:
        raise ClusteringError(f"unknown heatmap scale {scale!r}; choose one of: {', '.join(SCALES)}")
    array = np.asarray(features)
    if array.ndim == 2 and array.shape[1] == 0:
        raise ClusteringError("the heatmap needs feature columns; this dataset is a distance matrix")
    observations = check_observations(array)
    n, m = observations.shape
    if n != tree.n_samples:
        raise ClusteringError(f"the tree has {tree.n_samples:,} samples but the features have {n:,} rows")
    if len(names) != m:
        raise ClusteringError(f"{len(names)} feature name(s) for {m} feature column(s)")
    return observations


def _row_members(tree: Tree, geometry: DendrogramGeometry) -> tuple[np.ndarray, np.ndarray]:
    """The samples of each displayed leaf, as one array in leaf order and row offsets into it.

    A node's samples are contiguous in the tree's leaf order (its leaf span),
    and a drawing's leaves, left to right, cover consecutive spans.
    """
    nodes = np.asarray(geometry.leaf_nodes, dtype=np.int64)
    if nodes.size == 0 or nodes.min() < 0 or nodes.max() >= 2 * tree.n_samples - 1:
        raise ClusteringError("the dendrogram drawing does not belong to this tree; draw it again")
    spans = tree.leaf_span[nodes]
    if not np.array_equal(spans[1:, 0], spans[:-1, 1]):
        raise ClusteringError(
            "the dendrogram drawing does not follow this tree's leaf order (was the tree reordered?); draw it again"
        )
    start, stop = int(spans[0, 0]), int(spans[-1, 1])
    offsets = np.append(spans[:, 0], stop) - start
    return tree.leaf_order[start:stop].copy(), offsets


def _row_blocks(n_rows: int, width: int) -> Iterator[slice]:
    """Row slices whose blocks of ``width`` columns hold at most :data:`_BLOCK_VALUES` floats."""
    step = max(1, _BLOCK_VALUES // max(width, 1))
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def _column_moments(observations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (population) standard deviation of every column, in row blocks, two passes."""
    n, m = observations.shape
    total = np.zeros(m)
    for rows in _row_blocks(n, m):
        total += observations[rows].sum(axis=0)
    mean = total / n
    squares = np.zeros(m)
    for rows in _row_blocks(n, m):
        squares += ((observations[rows] - mean) ** 2).sum(axis=0)
    return mean, np.sqrt(squares / n)


def _shown_columns(spread: np.ndarray) -> np.ndarray:
    """All columns, or the :data:`MAX_HEATMAP_COLUMNS` with the largest variance, in data order."""
    if spread.size <= MAX_HEATMAP_COLUMNS:
        return np.arange(spread.size)
    return np.sort(np.argsort(-spread, kind="stable")[:MAX_HEATMAP_COLUMNS])


def _row_means(observations: np.ndarray, members: np.ndarray, offsets: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Mean of each row's samples, column block by column block (``np.add.reduceat`` in leaf order)."""
    counts = np.diff(offsets)
    sums = np.empty((counts.size, columns.size))
    step = max(1, _BLOCK_VALUES // max(members.size, 1))
    for start in range(0, columns.size, step):
        block = columns[start : start + step]
        ordered = observations[np.ix_(members, block)]
        sums[:, start : start + step] = np.add.reduceat(ordered, offsets[:-1], axis=0)
    return sums / counts[:, None]


def _standardised(values: np.ndarray, mean: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Values in standard deviations from the column mean; 0 in a column without spread."""
    flat = spread <= 0
    scaled = (values - mean) / np.where(flat, 1.0, spread)
    scaled[:, flat] = 0.0
    return scaled


def _column_linkage(observations: np.ndarray, columns: np.ndarray, mean: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Average linkage of the columns on the correlation distance 1 - r.

    The correlations come from the z-scored columns' Gram matrix, summed over
    row blocks (one BLAS product per block). A constant column's z-scores are
    all 0, so its correlation with every other column is 0: distance 1.
    """
    n = observations.shape[0]
    flat = spread <= 0
    safe = np.where(flat, 1.0, spread)
    gram = np.zeros((columns.size, columns.size))
    for rows in _row_blocks(n, columns.size):
        scores = (observations[rows][:, columns] - mean) / safe
        scores[:, flat] = 0.0
        gram += scores.T @ scores
    distance = np.clip(1.0 - gram / n, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    return linkage(squareform(distance, checks=False), COLUMN_METHOD)
