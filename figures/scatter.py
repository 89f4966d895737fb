"""The samples in a plane, colored by cluster like the dendrogram."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.dendrogram import FigureUpdates
from figures.style import plain, typed_array
from figures.theme import LIGHT, Theme
from hclust import Cut, Projection

CENTROID_TRACE = 1
"""The trace of the centroid markers (empty until they are asked for)."""
# Opacity of the samples outside a branch selection.
UNSELECTED_OPACITY = 0.15
# Marker shapes, for clusters that share a color (beyond the palette's 8):
# (plotly.js symbol number, name). Every shape also exists in WebGL.
CLUSTER_SYMBOLS = (
    (0, "circle"),
    (1, "square"),
    (2, "diamond"),
    (5, "triangle-up"),
    (4, "x"),
    (3, "cross"),
    (17, "star"),
    (14, "hexagon"),
    (6, "triangle-down"),
    (13, "pentagon"),
)


def cluster_symbols(cluster_slots: np.ndarray) -> np.ndarray:
    """The marker shape of each cluster: an index into :data:`CLUSTER_SYMBOLS`.

    Parameters
    ----------
    cluster_slots : ndarray of int, shape (k,)
        Palette slot of each cluster (``cluster_slots[c - 1]``).

    Returns
    -------
    ndarray of int, shape (k,)
        How many clusters to the left share this cluster's color (cycling
        through the shapes), so no two clusters get both the same color and
        the same shape. With colors cycling left to right (the first cut)
        this is ``(c - 1) // 8`` for cluster c; all 0 (circles) while every
        cluster has its own color.
    """
    slots = np.asarray(cluster_slots, dtype=np.int64)
    seen: dict[int, int] = {}
    shapes = np.empty(slots.size, dtype=np.int64)
    for index, slot in enumerate(slots.tolist()):
        shapes[index] = seen.get(slot, 0) % len(CLUSTER_SYMBOLS)
        seen[slot] = seen.get(slot, 0) + 1
    return shapes


def scatter_figure(
    projection: Projection,
    cut: Cut,
    cluster_slots: np.ndarray,
    sample_names: tuple[str, ...] | None,
    webgl: bool,
    revision: str = "",
    theme: Theme = LIGHT,
) -> go.Figure:
    """Scatter the samples, colored by their cluster.

    Parameters
    ----------
    projection : Projection
        Where each sample goes and what the axes mean.
    cut : Cut
        The current clusters.
    cluster_slots : ndarray of int, shape (k,)
        Palette slot of each cluster, as given to the dendrogram.
    sample_names : tuple of str, optional
        Shown on hover; the row index otherwise.
    webgl : bool
        Draw with ``Scattergl`` (for thousands of points).
    revision : str
        ``uirevision``: zoom and pan survive cut updates.
    theme : Theme
        Colours and sizes (``figures/theme.py``).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace whose ``marker.color`` holds cluster ids, painted through a
        per-cut colorscale (see :func:`cut_updates`); setting
        its ``selectedpoints`` highlights a selection
        (:func:`figures.selection.scatter_selection_updates`).
    """
    trace_type = go.Scattergl if webgl else go.Scatter
    n = projection.x.size
    hover_name = "%{text}" if sample_names is not None else "sample %{pointNumber}"
    size = round((9 if n <= 1000 else 6 if n <= 10_000 else 4) * theme.marker_scale)
    trace = trace_type(
        x=projection.x,
        y=projection.y,
        mode="markers",
        text=[plain(name) for name in sample_names] if sample_names is not None else None,
        # How a branch selection (``selectedpoints``) looks: its samples
        # stand out, the others fade.
        selected={"marker": {"opacity": 1.0, "size": size + 4}},
        unselected={"marker": {"opacity": UNSELECTED_OPACITY}},
        marker={
            "size": size,
            "line": {"width": 0.5, "color": theme.background} if n <= 1000 else {"width": 0},
            "opacity": 0.9,
        },
        hovertemplate=f"<b>{hover_name}</b><br>cluster %{{marker.color}}<extra></extra>",
        name="samples",
    )
    figure = go.Figure([trace, centroid_trace(theme)])
    lay_out(figure, projection, revision, theme)
    figure_dict = figure.to_dict()
    for path, value in expanded(cut_updates(cut, cluster_slots, theme), cut.labels).items():
        _set(figure_dict, path, value)
    return go.Figure(figure_dict, skip_invalid=False)


def centroid_trace(theme: Theme) -> go.Scatter:
    """The centroid markers' trace (:data:`CENTROID_TRACE`), empty until they are asked for."""
    return go.Scatter(
        x=[],
        y=[],
        mode="markers",
        marker={"symbol": "x", "size": round(20 * theme.marker_scale), "line": {"width": 2}},
        hovertemplate="<b>%{text}</b><extra></extra>",
        name="centroids",
    )


def lay_out(figure: go.Figure, projection: Projection, revision: str, theme: Theme) -> None:
    """The scatter's layout and axes, as points or as an image: titles from the projection, equal scale if it says."""
    figure.update_layout(
        theme.layout(
            margin={"l": 70, "r": 20, "t": 20, "b": 60}, uirevision=revision, hovermode="closest", showlegend=False
        )
    )
    figure.update_xaxes(theme.axis(title={"text": plain(projection.x_title), "font": {"size": theme.font_size}}))
    figure.update_yaxes(theme.axis(title={"text": plain(projection.y_title), "font": {"size": theme.font_size}}))
    figure.update_xaxes(zeroline=False)
    figure.update_yaxes(zeroline=False)
    if projection.equal_scale:
        # Same units on both axes: one unit as long across as up (the moons are not stretched).
        figure.update_yaxes(scaleanchor="x", scaleratio=1)


COLOR_PATH = ("data", 0, "marker", "color")
SYMBOL_PATH = ("data", 0, "marker", "symbol")
PER_CLUSTER = "per_cluster"
"""A cut's ``marker.symbol`` as ``{PER_CLUSTER: [symbol number of cluster 1, 2, ...]}``: see :func:`expanded`."""


def cut_updates(cut: Cut, cluster_slots: np.ndarray, theme: Theme = LIGHT) -> FigureUpdates:
    """The parts of the scatter that change with the cut: colors (and shapes beyond the palette).

    What a cut sends to the page (``callbacks/cut.py``, through
    ``assets/cut.js`` ``paintScatter``); a whole figure is the base plus
    :func:`expanded` of these.

    Parameters
    ----------
    cut : Cut
        Only ``cut.labels`` is read.
    cluster_slots : ndarray of int, shape (k,)
    theme : Theme
        Its palette paints the clusters.

    Returns
    -------
    dict
        ``{path: value}``. ``marker.color`` is each sample's cluster id as a
        typed array (one byte per sample up to 255 clusters) with a stepped
        colorscale that paints id c in its palette slot's color; the hover
        reads the id from it, so no other per-sample array is sent.
        ``marker.symbol`` is ``"circle"`` while every cluster has a color of
        its own, else ``{PER_CLUSTER: [...]}``, the plotly symbol number of
        each cluster (see :func:`cluster_symbols`): k numbers, not one per
        sample, which the page (or :func:`expanded`) writes out per sample.
    """
    labels = np.asarray(cut.labels)
    shapes = cluster_symbols(cluster_slots)
    if shapes.any():
        symbol: object = {PER_CLUSTER: [CLUSTER_SYMBOLS[shape][0] for shape in shapes.tolist()]}
    else:
        symbol = CLUSTER_SYMBOLS[0][1]
    k = len(cluster_slots)
    return {
        COLOR_PATH: typed_array(labels),
        ("data", 0, "marker", "colorscale"): cluster_colorscale(cluster_slots, theme),
        ("data", 0, "marker", "cmin"): 0.5,
        ("data", 0, "marker", "cmax"): k + 0.5,
        SYMBOL_PATH: symbol,
    }


def expanded(updates: FigureUpdates, labels: np.ndarray) -> FigureUpdates:
    """``updates`` as plotly reads them: a per-cluster ``marker.symbol`` written out per sample.

    Sample i gets the symbol number of its cluster, ``labels[i]`` (1-based),
    as a typed array of one byte per sample. ``assets/cut.js``
    (``paintScatter``) does the same on the page with the ids in
    ``marker.color``, so a cut sends k numbers instead of n. Updates without
    a per-cluster symbol come back unchanged.
    """
    symbol = updates.get(SYMBOL_PATH)
    if not (isinstance(symbol, dict) and PER_CLUSTER in symbol):
        return updates
    numbers = np.asarray(symbol[PER_CLUSTER], dtype=np.uint8)
    return {**updates, SYMBOL_PATH: typed_array(numbers[np.asarray(labels, dtype=np.int64) - 1])}


def centroid_updates(
    x: np.ndarray, y: np.ndarray, cluster_ids: np.ndarray, cluster_slots: np.ndarray, theme: Theme = LIGHT
) -> FigureUpdates:
    """Mark each cluster's centroid on the scatter, in the cluster's colour with a dark outline.

    Parameters
    ----------
    x, y : ndarray of float, shape (c,)
        The centroids in the scatter's coordinates (the mean of each
        cluster's plotted positions: for a linear projection, the projected
        centroid).
    cluster_ids : ndarray of int, shape (c,)
        Which cluster each one is (1-based), for the colour and the hover.
    cluster_slots : ndarray of int
        Palette slot of cluster c at ``c - 1``.
    theme : Theme

    Returns
    -------
    dict
        ``{path: value}`` for trace :data:`CENTROID_TRACE`; empty arrays hide it.
    """
    ids = np.asarray(cluster_ids, dtype=np.int64)
    slots = np.asarray(cluster_slots, dtype=np.int64)
    colors = [theme.slot_color(int(slots[c - 1])) if 0 < c <= slots.size else theme.neutral for c in ids.tolist()]
    return {
        ("data", CENTROID_TRACE, "x"): np.asarray(x, dtype=float).tolist(),
        ("data", CENTROID_TRACE, "y"): np.asarray(y, dtype=float).tolist(),
        ("data", CENTROID_TRACE, "text"): [f"centroid of cluster {c}" for c in ids.tolist()],
        ("data", CENTROID_TRACE, "marker", "color"): colors,
        ("data", CENTROID_TRACE, "marker", "line", "color"): theme.text,
    }


def cluster_colorscale(cluster_slots: np.ndarray, theme: Theme = LIGHT) -> list[list]:
    """A stepped colorscale over cluster ids 1..k (``cmin=0.5``, ``cmax=k+0.5``) in their slots' colors."""
    k = max(len(cluster_slots), 1)
    scale: list[list] = []
    for index, slot in enumerate(np.asarray(cluster_slots, dtype=np.int64).tolist()):
        color = theme.slot_color(slot)
        scale.append([index / k, color])
        scale.append([(index + 1) / k, color])
    return scale or [[0, theme.slot_color(0)], [1, theme.slot_color(0)]]


def _set(tree: dict, path: tuple, value: object) -> None:
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
