"""A selected branch of the dendrogram: which node a click names, and how both figures show it.

A click on a merge dot (:data:`figures.dendrogram.MERGE_TRACE`) or a leaf
marker (:data:`figures.dendrogram.LEAF_TRACE`) names a tree node; its
samples light up in the scatter through the trace's ``selectedpoints``, and
the node's own dot is enlarged in the dendrogram.
"""

from __future__ import annotations

import numpy as np

from figures.dendrogram import LEAF_TRACE, MERGE_TRACE, FigureUpdates
from figures.style import CUT_LINE_COLOR
from hclust import DendrogramGeometry

SELECTED_DOT = {"marker": {"color": CUT_LINE_COLOR, "size": 18, "opacity": 1.0}}
SELECTED_LEAF = {"marker": {"size": 20, "opacity": 1.0}}
# Leave everything else in the dendrogram as it is drawn.
UNCHANGED = {"marker": {"opacity": 1.0}}


def node_from_click(click_data: dict | None, geometry: DendrogramGeometry, n_samples: int) -> int | None:
    """The tree node a dendrogram click names, or None for any other click.

    Parameters
    ----------
    click_data : dict or None
        ``dcc.Graph.clickData``: ``{"points": [{"curveNumber", "pointNumber", ...}], ...}``.
    geometry : DendrogramGeometry
        The drawn layout: ``pointNumber`` on the merge trace indexes
        :attr:`~hclust.DendrogramGeometry.link_rows` (drawing order), on the
        leaf trace :attr:`~hclust.DendrogramGeometry.leaf_nodes`.
    n_samples : int

    Returns
    -------
    int or None
        ``n + row`` for a merge, the leaf's node id for a leaf marker (a
        sample, or a merge when the leaf is contracted).
    """
    points = (click_data or {}).get("points") or []
    for point in points:
        curve, index = point.get("curveNumber"), point.get("pointNumber", point.get("pointIndex"))
        if not isinstance(index, int) or index < 0:
            continue
        if curve == MERGE_TRACE and index < geometry.link_rows.size:
            return n_samples + int(geometry.link_rows[index])
        if curve == LEAF_TRACE and index < geometry.leaf_nodes.size:
            return int(geometry.leaf_nodes[index])
    return None


def scatter_selection_updates(samples: np.ndarray | None) -> FigureUpdates:
    """Light up the selected samples in the scatter (None clears the selection).

    Parameters
    ----------
    samples : ndarray of int, optional
        Row indices of the selected samples.

    Returns
    -------
    dict
        ``{("data", 0, "selectedpoints"): [...]}``; the selected and
        unselected marker styles are part of the scatter figure.
    """
    value = None if samples is None else sorted(int(s) for s in samples)
    return {("data", 0, "selectedpoints"): value}


def dendrogram_selection_updates(geometry: DendrogramGeometry, node: int | None, n_samples: int) -> FigureUpdates:
    """Enlarge the selected node's merge dot or leaf marker (if it is drawn).

    Parameters
    ----------
    geometry : DendrogramGeometry
    node : int or None
        The selected node; None clears the mark.
    n_samples : int

    Returns
    -------
    dict
        ``selectedpoints`` plus the selected and unselected styles of the
        merge and leaf traces; a node hidden inside a contracted leaf or
        below the truncation gets no mark.
    """
    merge = leaf = None
    if node is not None:
        merges = np.flatnonzero(n_samples + geometry.link_rows == node)
        leaves = np.flatnonzero(geometry.leaf_nodes == node)
        merge = [int(merges[0])] if merges.size else None
        leaf = [int(leaves[0])] if leaves.size else None
    return {
        ("data", MERGE_TRACE, "selectedpoints"): merge,
        ("data", MERGE_TRACE, "selected"): SELECTED_DOT,
        ("data", MERGE_TRACE, "unselected"): {**UNCHANGED, "textfont": {"color": "#374151"}},
        ("data", LEAF_TRACE, "selectedpoints"): leaf,
        ("data", LEAF_TRACE, "selected"): SELECTED_LEAF,
        ("data", LEAF_TRACE, "unselected"): UNCHANGED,
    }
