"""Geometry of a truncated dendrogram, from SciPy's ``dendrogram(no_plot=True)``."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.cluster.hierarchy import dendrogram

from hclust.cut import Cut
from hclust.tree import Tree

# Dots drawn per contracted leaf at most (evenly spaced quantiles of its
# hidden merge heights); keeps the figure small whatever n is.
MAX_CONTRACTION_DOTS = 24
DEFAULT_TRUNCATE_P = 12
MAX_TRUNCATE_P = 500
"""The most leaves a truncated dendrogram shows (its p)."""


@dataclass(frozen=True, eq=False)
class DendrogramGeometry:
    """Where to draw each piece of a truncated dendrogram.

    Attributes
    ----------
    icoord, dcoord : ndarray of shape (m, 4)
        SciPy's link coordinates: x and height of the four corners of each
        U-shaped link, one row per displayed merge.
    link_rows : ndarray of int, shape (m,)
        For each link, its row in the linkage matrix.
    leaf_x : ndarray of float, shape (m + 1,)
        x position of each displayed leaf, left to right.
    leaf_text : tuple of str
        Leaf labels: a sample's label or index, or "(size)" for a
        contracted leaf.
    leaf_nodes : ndarray of int, shape (m + 1,)
        The node id of each displayed leaf (< n: a sample; >= n: merge
        ``id - n``, contracted).
    contraction_x, contraction_y : ndarray of float
        Dots at the heights of the merges hidden inside contracted leaves
        (as ``show_contracted=True`` draws them).
    """

    icoord: np.ndarray
    dcoord: np.ndarray
    link_rows: np.ndarray
    leaf_x: np.ndarray
    leaf_text: tuple[str, ...]
    leaf_nodes: np.ndarray
    contraction_x: np.ndarray
    contraction_y: np.ndarray

    @property
    def merge_x(self) -> np.ndarray:
        """The x of the top of each link (the middle of its horizontal bar)."""
        return (self.icoord[:, 1] + self.icoord[:, 2]) / 2

    @property
    def merge_height(self) -> np.ndarray:
        """Height of each displayed merge."""
        return self.dcoord[:, 1]


def truncated_geometry(
    tree: Tree, p: int = DEFAULT_TRUNCATE_P, sample_names: list[str] | None = None
) -> DendrogramGeometry:
    """Lay out the last ``p`` merges of a tree, as ``truncate_mode='lastp'``.

    Parameters
    ----------
    tree : Tree
    p : int, default 12
        Number of leaves to show; clipped to ``[2, n]``.
    sample_names : list of str, optional
        Label per sample for the leaves that are single samples; indices
        when omitted.

    Returns
    -------
    DendrogramGeometry

    Notes
    -----
    Time O(n) (SciPy's own layout plus one pass to find the hidden merge
    heights); the result has O(p) links and at most
    ``p * MAX_CONTRACTION_DOTS`` dots.
    """
    n = tree.n_samples
    p = int(min(max(p, 2), n))
    layout = dendrogram(
        tree.linkage,
        truncate_mode="lastp",
        p=p,
        no_plot=True,
        labels=sample_names,
        count_sort=False,
        distance_sort=False,
    )
    icoord = np.asarray(layout["icoord"], dtype=float).reshape(-1, 4)
    dcoord = np.asarray(layout["dcoord"], dtype=float).reshape(-1, 4)
    leaf_nodes = np.asarray(layout["leaves"], dtype=np.int64)
    leaf_x = 5.0 + 10.0 * np.arange(leaf_nodes.size)
    dots_x, dots_y = _contraction_dots(tree, leaf_nodes, leaf_x)
    return DendrogramGeometry(
        icoord=icoord,
        dcoord=dcoord,
        link_rows=_links_in_drawing_order(tree, p),
        leaf_x=leaf_x,
        leaf_text=tuple(str(t) for t in layout["ivl"]),
        leaf_nodes=leaf_nodes,
        contraction_x=dots_x,
        contraction_y=dots_y,
    )


@dataclass(frozen=True, eq=False)
class LinkColoring:
    """Cluster ids along each displayed link under a cut (0: above the cut).

    Attributes
    ----------
    link : ndarray of int, shape (m,)
        The whole link lies inside this cluster (its subtree's largest merge
        height is at most the cut, fcluster's rule), or 0 when it joins
        clusters.
    left, right : ndarray of int, shape (m,)
        The cluster of the link's left and right child, or 0 when that child
        itself spans several clusters. A leg of a link above the cut is
        colored with its child's cluster up to the cut line.
    leaves : ndarray of int, shape (m + 1,)
        The cluster of each displayed leaf, or 0 for a contracted leaf that
        the cut splits.
    """

    link: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaves: np.ndarray


def color_links(tree: Tree, geometry: DendrogramGeometry, cut: Cut) -> LinkColoring:
    """Which cluster each link, leg and leaf of the drawing belongs to.

    Parameters
    ----------
    tree : Tree
    geometry : DendrogramGeometry
    cut : Cut

    Returns
    -------
    LinkColoring

    Notes
    -----
    Time O(p): a few array look-ups per displayed link.
    """
    rows = geometry.link_rows
    n = tree.n_samples
    children = tree.linkage[rows, :2].astype(np.int64)
    return LinkColoring(
        link=_node_clusters(tree, cut, n + rows),
        left=_node_clusters(tree, cut, children[:, 0]),
        right=_node_clusters(tree, cut, children[:, 1]),
        leaves=_node_clusters(tree, cut, geometry.leaf_nodes),
    )


def _node_clusters(tree: Tree, cut: Cut, nodes: np.ndarray) -> np.ndarray:
    """Cluster id of each node whose whole subtree lies in one cluster, else 0.

    A node lies in cluster c when its samples are a part of c's, that is when
    its leaf span sits inside the span of c's root. This holds for any cut
    that follows the tree (distance, maxclust, inconsistent).
    """
    clusters = cut.labels[tree.first_leaf[nodes]]
    spans = tree.leaf_span[nodes]
    root_spans = tree.leaf_span[cut.roots[clusters - 1]]
    inside = (spans[:, 0] >= root_spans[:, 0]) & (spans[:, 1] <= root_spans[:, 1])
    return np.where(inside, clusters, 0)


def _links_in_drawing_order(tree: Tree, p: int) -> np.ndarray:
    """Linkage rows of the displayed merges, in SciPy's drawing order.

    SciPy appends a link after laying out its left then its right subtree
    (a post-order walk from the root); nodes with id below ``2n - p`` are
    leaves of the truncated drawing.
    """
    n = tree.n_samples
    z = tree.linkage
    first_shown = 2 * n - p
    order: list[int] = []
    stack: list[tuple[int, bool]] = [(2 * n - 2, False)]
    while stack:
        node, children_done = stack.pop()
        if node < first_shown:
            continue
        row = node - n
        if children_done:
            order.append(row)
        else:
            stack.append((node, True))
            stack.append((int(z[row, 1]), False))
            stack.append((int(z[row, 0]), False))
    return np.asarray(order, dtype=np.int64)


def _contraction_dots(tree: Tree, leaf_nodes: np.ndarray, leaf_x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heights of the merges hidden inside each contracted leaf, lowest first, at most MAX_CONTRACTION_DOTS each.

    A merge is hidden inside a contracted leaf when its samples lie within the
    leaf's span in dendrogram order (:attr:`Tree.leaf_span`): one vectorised
    pass over the merges, O(n), however deep the hidden subtrees are.
    """
    n = tree.n_samples
    contracted = np.flatnonzero(leaf_nodes >= n)
    if contracted.size == 0:
        return np.empty(0), np.empty(0)
    nodes = leaf_nodes[contracted]
    spans = tree.leaf_span[nodes]  # disjoint, in drawing order
    merge_spans = tree.leaf_span[n:]
    owner = np.searchsorted(spans[:, 0], merge_spans[:, 0], side="right") - 1
    clipped = np.maximum(owner, 0)
    inside = (owner >= 0) & (merge_spans[:, 1] <= spans[clipped, 1]) & (n + np.arange(n - 1) != nodes[clipped])
    rows = np.flatnonzero(inside)
    heights, owner = tree.linkage[rows, 2], owner[rows]
    order = np.lexsort((heights, owner))
    heights, owner = heights[order], owner[order]
    bounds = np.searchsorted(owner, np.arange(nodes.size + 1))
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for leaf in range(nodes.size):
        own = heights[bounds[leaf] : bounds[leaf + 1]]
        if own.size > MAX_CONTRACTION_DOTS:
            own = np.quantile(own, np.linspace(0, 1, MAX_CONTRACTION_DOTS))
        xs.append(np.full(own.size, leaf_x[contracted[leaf]]))
        ys.append(own)
    return np.concatenate(xs), np.concatenate(ys)


def subtree_geometry(
    tree: Tree, root: int, p: int = DEFAULT_TRUNCATE_P, sample_names: list[str] | None = None
) -> DendrogramGeometry:
    """Lay out the last ``p`` merges of the subtree under ``root``.

    Parameters
    ----------
    tree : Tree
    root : int
        A node id: ``n + row`` for a merge (a sample has no subtree to show).
    p : int
        Leaves to show, as in :func:`truncated_geometry`.
    sample_names : list of str, optional
        Labels of all n samples.

    Returns
    -------
    DendrogramGeometry
        Drawn as SciPy draws the subtree on its own, but with
        :attr:`~DendrogramGeometry.link_rows` and
        :attr:`~DendrogramGeometry.leaf_nodes` in the whole tree's ids, so
        coloring and cuts of the whole tree apply unchanged.

    Notes
    -----
    Time O(n) to find the subtree (its leaves are contiguous in dendrogram
    order) plus O(s) to lay it out, for s samples under ``root``.
    """
    n = tree.n_samples
    start, stop = tree.leaf_span[root]
    samples = tree.leaf_order[start:stop]
    spans = tree.leaf_span[n:]
    rows = np.flatnonzero((spans[:, 0] >= start) & (spans[:, 1] <= stop))  # children before parents
    sub_tree = _subtree(tree, samples, rows)
    names = [sample_names[i] for i in samples] if sample_names is not None else [str(i) for i in samples]
    geometry = truncated_geometry(sub_tree, p, names)
    global_node = np.concatenate([samples, n + rows])
    return replace(
        geometry,
        link_rows=rows[geometry.link_rows],
        leaf_nodes=global_node[geometry.leaf_nodes],
    )


def _subtree(tree: Tree, samples: np.ndarray, rows: np.ndarray) -> Tree:
    """The subtree over ``samples`` (in dendrogram order) and merge ``rows`` as a tree of its own.

    Samples are renumbered 0..s-1 in dendrogram order and merges s.. in row
    order, so the subtree's per-node arrays are the whole tree's, renumbered:
    O(s), no new walk of the tree (``leaves_list`` of it is ``arange(s)``).
    """
    n, size = tree.n_samples, samples.size
    local = np.full(2 * n - 1, -1, dtype=np.int64)
    local[samples] = np.arange(size)
    local[n + rows] = size + np.arange(rows.size)
    global_node = np.concatenate([samples, n + rows])
    children = tree.linkage[rows, :2].astype(np.int64)
    linkage = np.column_stack([local[children[:, 0]], local[children[:, 1]], tree.linkage[rows, 2:]]).astype(float)
    parent = tree.parent[global_node]
    parent = np.where(parent >= 0, local[np.maximum(parent, 0)], -1)  # the subtree's root has none in it
    return replace(
        tree,
        linkage=linkage,
        cophenetic=float("nan"),
        leaf_order=np.arange(size, dtype=np.int64),
        max_dists=tree.max_dists[rows],
        first_leaf=local[tree.first_leaf[global_node]],
        parent=parent,
        leaf_span=tree.leaf_span[global_node] - tree.leaf_span[samples[0], 0],
        note="",
        cophenetic_half_width=0.0,
        cophenetic_pairs=0,
    )


def zoom_root(tree: Tree, geometry: DendrogramGeometry, x_range: tuple[float, float]) -> int | None:
    """The node to zoom into for a box zoom over ``x_range`` of a drawing.

    Parameters
    ----------
    tree : Tree
    geometry : DendrogramGeometry
        The drawing that was zoomed.
    x_range : (float, float)
        The zoomed x-axis range.

    Returns
    -------
    int or None
        The lowest common ancestor of the displayed leaves inside the range
        (a contracted leaf itself when only it is inside), or None when the
        range holds every leaf or no leaf, when its leaves meet only at the
        root, or when it holds a single sample (nothing more to show).
    """
    low, high = sorted(x_range)
    inside = geometry.leaf_nodes[(geometry.leaf_x >= low) & (geometry.leaf_x <= high)]
    if inside.size == 0 or inside.size == geometry.leaf_nodes.size:
        return None
    spans = tree.leaf_span[inside]
    start, stop = spans[:, 0].min(), spans[:, 1].max()
    node = int(inside[0])
    while tree.leaf_span[node, 0] > start or tree.leaf_span[node, 1] < stop:
        node = int(tree.parent[node])
    if node < tree.n_samples or node == 2 * tree.n_samples - 2:
        return None  # a single sample, or the whole tree again
    return node


def shows_every_leaf(geometry: DendrogramGeometry, x_range: tuple[float, float]) -> bool:
    """True when ``x_range`` holds every leaf of the drawing: the drawing's own full view.

    Plotly's double-click resets a figure with explicit axis ranges to those
    ranges (not to autorange), so on a zoomed branch this is how "back to
    the whole tree" arrives.
    """
    low, high = sorted(x_range)
    return bool(((geometry.leaf_x >= low) & (geometry.leaf_x <= high)).all())


def zoom_step(tree: Tree, root: int | None, direction: str) -> int | None:
    """The branch one step in or out of a zoomed view (the keyboard's + and -).

    Parameters
    ----------
    tree : Tree
    root : int or None
        The zoomed branch, or None for the whole tree.
    direction : {"in", "out"}
        ``"in"``: the larger of the branch's two children (a single sample
        has nothing more to show, so the branch stays). ``"out"``: the
        branch's parent; the whole tree (None) above the root's children.

    Returns
    -------
    int or None
        The node to show, or None for the whole tree.
    """
    n = tree.n_samples
    top = 2 * n - 2
    node = top if root is None else root
    if direction == "out":
        parent = int(tree.parent[node]) if node != top else -1
        return None if parent < 0 or parent == top else parent
    children = [int(child) for child in tree.linkage[node - n, :2]]
    larger = max(children, key=lambda child: int(tree.linkage[child - n, 3]) if child >= n else 1)
    return root if larger < n else larger
