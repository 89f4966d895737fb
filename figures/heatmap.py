"""The clustered heatmap: the row dendrogram, a strip of cluster colours, the features as colour.

Left to right, sharing one y axis (the drawing's leaf positions, 5, 15, 25, ...,
the first leaf at the top): the truncated dendrogram drawn sideways with its
root at the left, a narrow strip with each row's cluster colour, and the
heatmap itself, whose row labels stand on its right beside the colour bar.
When the columns are clustered, their dendrogram stands above the heatmap,
on the heatmap's own x axis (columns at 5, 15, 25, ... as well).

The trace count is constant: the row dendrogram's line traces (one per
palette colour and dash, as in :mod:`figures.dendrogram`, and a neutral one),
its hidden-merge dots, the strip, the heatmap and the column dendrogram
(empty when the columns keep their order). A cut only reassigns the row
links between line traces and recolours the strip (:func:`heatmap_cut_updates`).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from figures.dendrogram import LINE_DASHES, N_COLOR_TRACES, NEUTRAL_TRACE, FigureUpdates, cluster_styles
from figures.labels import text_height, text_width
from figures.style import N_SLOTS, color_slots, plain
from figures.theme import LIGHT, Theme
from hclust import DendrogramGeometry, LinkColoring, truncated_geometry
from hclust.cut import HEADROOM
from hclust.heatmap import HeatmapData, column_tree

ROW_CONTRACTION_TRACE = N_COLOR_TRACES
STRIP_TRACE = N_COLOR_TRACES + 1
HEATMAP_TRACE = N_COLOR_TRACES + 2
COLUMN_TREE_TRACE = N_COLOR_TRACES + 3
NOMINAL_WIDTH_PX = 900
NOMINAL_HEIGHT_PX = 560
"""The size the labels are thinned for (the app's ``.heatmap-graph``): every k-th row or column is
labelled when more would overlap at this size (all are in the hover)."""
MAX_LABEL_CHARS = 20
"""Longer row and column labels are shortened with an ellipsis (the hover has them whole)."""
# Paper fractions, left to right: row dendrogram, cluster strip, heatmap.
ROW_TREE_DOMAIN = (0.0, 0.16)
STRIP_DOMAIN = (0.17, 0.195)
HEATMAP_DOMAIN = (0.205, 1.0)
COLUMN_TREE_SHARE = 0.16
"""The share of the height the column dendrogram takes, when drawn."""
# Diverging scales for z-scores (blue low, red high; ColorBrewer RdBu, colour-blind safe),
# their middle the background's lightness; sequential values use Viridis on both.
DIVERGING_LIGHT = [[0.0, "#2166AC"], [0.25, "#92C5DE"], [0.5, "#F7F7F7"], [0.75, "#F4A582"], [1.0, "#B2182B"]]
DIVERGING_DARK = [[0.0, "#4393C3"], [0.25, "#2B4A66"], [0.5, "#1A1F26"], [0.75, "#6E3431"], [1.0, "#E0604F"]]
SEQUENTIAL = "Viridis"


def heatmap_figure(
    data: HeatmapData,
    geometry: DendrogramGeometry,
    coloring: LinkColoring,
    slots: np.ndarray,
    row_clusters: np.ndarray,
    theme: Theme = LIGHT,
    revision: str | None = None,
    column_geometry: DendrogramGeometry | None = None,
) -> go.Figure:
    """Draw the clustered heatmap beside its row dendrogram.

    Parameters
    ----------
    data : HeatmapData
        From :func:`hclust.heatmap.heatmap_data` with the same ``geometry``.
    geometry : DendrogramGeometry
        The row dendrogram's drawing; its ``leaf_x`` are the rows' y.
    coloring : LinkColoring
        Cluster ids of the drawing's links for the current cut.
    slots : ndarray of int, shape (k,)
        Palette slot of each cluster (``slots[c - 1]``).
    row_clusters : ndarray of int, shape (p,)
        Cluster of each row, 0 for none (:func:`hclust.heatmap.row_clusters`).
    theme : Theme
    revision : str, optional
        ``uirevision``: zoom survives updates while it stays the same.
    column_geometry : DendrogramGeometry, optional
        The column dendrogram's drawing with every leaf; made from
        ``data.column_linkage`` when omitted and the columns are clustered.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace :data:`HEATMAP_TRACE` is the heatmap; its ``meta`` holds
        ``row_nodes`` (top to bottom) and ``column_order`` (left to right).
    """
    if column_geometry is None and data.column_linkage is not None:
        column_geometry = truncated_geometry(column_tree(data), data.n_columns)
    has_columns_tree = column_geometry is not None
    main = (0.0, 1.0 - COLUMN_TREE_SHARE - 0.02) if has_columns_tree else (0.0, 1.0)
    figure = go.Figure(
        [
            *_row_line_traces(theme),
            _row_contraction_trace(geometry, theme),
            _strip_trace(geometry, theme),
            _heatmap_trace(data, geometry, theme, main),
            _column_tree_trace(column_geometry, theme),
        ]
    )
    figure.update_layout(theme.layout(**_layout(data, geometry, column_geometry, theme, main)))
    if revision is not None:
        figure.update_layout(uirevision=revision)
    for path, value in heatmap_cut_updates(row_clusters, slots, coloring, theme, geometry=geometry).items():
        _assign(figure, path, value)
    return figure


def heatmap_cut_updates(
    row_clusters: np.ndarray,
    slots: np.ndarray,
    coloring: LinkColoring,
    theme: Theme = LIGHT,
    *,
    geometry: DendrogramGeometry,
) -> FigureUpdates:
    """The parts of the heatmap figure that change with the cut.

    Parameters
    ----------
    row_clusters : ndarray of int, shape (p,)
    slots : ndarray of int, shape (k,)
    coloring : LinkColoring
    theme : Theme
        Unused (the traces carry their colours); there for the same call as every figure's updates.
    geometry : DendrogramGeometry
        The row dendrogram's drawing: its links move between line traces.

    Returns
    -------
    dict
        ``{path: value}``: the x and y of each row-dendrogram line trace (a
        link wholly inside a cluster takes that cluster's colour and dash,
        any other is neutral), and the strip's slots and hover texts. O(p).
    """
    line_of, _ = cluster_styles(slots)
    traces: list[tuple[list, list]] = [([], []) for _ in range(N_COLOR_TRACES)]
    link_traces = np.where(coloring.link > 0, line_of[coloring.link], NEUTRAL_TRACE)
    for trace, xs, ys in zip(link_traces.tolist(), geometry.icoord.tolist(), geometry.dcoord.tolist()):
        traces[trace][0].extend((*ys, None))  # sideways: height along x
        traces[trace][1].extend((*xs, None))
    updates: FigureUpdates = {}
    for trace, (xs, ys) in enumerate(traces):
        updates[("data", trace, "x")] = xs
        updates[("data", trace, "y")] = ys
    clusters = np.asarray(row_clusters, dtype=np.int64)
    updates[("data", STRIP_TRACE, "z")] = [[int(slot)] for slot in color_slots(clusters, slots)]
    updates[("data", STRIP_TRACE, "text")] = [
        [f"cluster {cluster}" if cluster else "spans several clusters"] for cluster in clusters.tolist()
    ]
    return updates


def _row_line_traces(theme: Theme) -> list[go.Scatter]:
    """The row dendrogram's empty line traces, as the dendrogram figure's (filled by the cut updates)."""
    styles = [
        (color, dash, f"clusters in color {slot + 1}, {name}")
        for slot, color in enumerate(theme.palette)
        for name, dash in LINE_DASHES
    ]
    styles.append((theme.neutral, "solid", "above the cut"))
    width = max(2, theme.line_width - 1)
    return [
        go.Scatter(
            mode="lines",
            line={"color": color, "width": width, "dash": dash},
            hoverinfo="skip",
            name=name,
            xaxis="x2",
            yaxis="y",
        )
        for color, dash, name in styles
    ]


def _row_contraction_trace(geometry: DendrogramGeometry, theme: Theme) -> go.Scatter:
    """The dots of the merges hidden inside contracted rows, sideways."""
    return go.Scatter(
        x=geometry.contraction_y,
        y=geometry.contraction_x,
        mode="markers",
        marker={"color": theme.neutral, "size": round(4 * theme.marker_scale)},
        hoverinfo="skip",
        name="hidden merges",
        xaxis="x2",
        yaxis="y",
    )


def _strip_trace(geometry: DendrogramGeometry, theme: Theme) -> go.Heatmap:
    """The cluster colour of each row (the dendrogram's leaf-marker scale); its slots come with each cut."""
    return go.Heatmap(
        x=[0],
        y=geometry.leaf_x,
        colorscale=theme.colorscale(with_neutral=True),
        zmin=-0.5,
        zmax=N_SLOTS + 0.5,
        showscale=False,
        hovertemplate="%{text}<extra></extra>",
        name="clusters",
        xaxis="x3",
        yaxis="y",
    )


def _heatmap_trace(data: HeatmapData, geometry: DendrogramGeometry, theme: Theme, main: tuple) -> go.Heatmap:
    """The features as colour, rows at the leaves' positions, columns at 5, 15, 25, ..."""
    zscore = data.scale == "zscore"
    quantity = "z-score" if zscore else "value"
    rows = [
        f"{text} ({count:,} samples, mean)" if count > 1 else text
        for text, count in zip(data.row_text, data.row_counts.tolist())
    ]
    colour: dict = {"colorscale": SEQUENTIAL}
    if zscore:
        bound = float(np.abs(data.values).max()) or 1.0
        diverging = DIVERGING_DARK if "dark" in theme.name else DIVERGING_LIGHT
        colour = {"colorscale": diverging, "zmid": 0.0, "zmin": -bound, "zmax": bound}
    return go.Heatmap(
        z=data.values.astype(np.float32),  # 4 significant digits are shown; half the bytes
        x=_column_x(data.n_columns),
        y=geometry.leaf_x,
        text=[[f"{plain(row)}<br>{plain(column)}" for column in data.column_names] for row in rows],
        hovertemplate=f"%{{text}}<br>{quantity} %{{z:.4g}}<extra></extra>",
        **colour,
        colorbar={
            "title": {"text": quantity, "side": "top", "font": {"size": theme.font_size}},
            "tickfont": {"size": theme.tick_size},
            "xref": "container",
            "x": 1.0,
            "xanchor": "right",
            "xpad": 10,
            "thickness": round(14 * theme.marker_scale),
            "len": main[1] - main[0],
            "y": main[0],
            "yanchor": "bottom",
            "outlinewidth": 0,
        },
        meta={"row_nodes": data.row_nodes.tolist(), "column_order": data.column_order.tolist()},
        name="heatmap",
        xaxis="x",
        yaxis="y",
    )


def _column_tree_trace(column_geometry: DendrogramGeometry | None, theme: Theme) -> go.Scatter:
    """The column dendrogram's links in one neutral trace (empty when the columns are not clustered)."""
    xs: list = []
    ys: list = []  # links separated by None
    if column_geometry is not None:
        for link_x, link_y in zip(column_geometry.icoord.tolist(), column_geometry.dcoord.tolist()):
            xs.extend((*link_x, None))
            ys.extend((*link_y, None))
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": theme.muted, "width": max(2, theme.line_width - 1)},
        hoverinfo="skip",
        name="column tree",
        xaxis="x",
        yaxis="y2",
    )


def _layout(
    data: HeatmapData,
    geometry: DendrogramGeometry,
    column_geometry: DendrogramGeometry | None,
    theme: Theme,
    main: tuple,
) -> dict:
    """Axes and margins: the shared row axis reads top to bottom, labels sized for the theme's fonts."""
    column_axis, column_px = _column_axis(data, theme)
    top_px = 12 if data.n_columns == data.n_columns_total else text_height(theme.label_size) + 12
    plot_px = (NOMINAL_HEIGHT_PX - top_px - column_px - 24) * (main[1] - main[0])
    row_axis, row_px = _row_axis(data, geometry, theme, main, plot_px)
    bar_label_px = max(text_width("-0.00", theme.tick_size), text_width("z-score", theme.font_size))
    bar_px = 30 + 14 * theme.marker_scale + bar_label_px
    margin = {"l": 20, "r": round(row_px + bar_px + 16), "t": round(top_px), "b": round(column_px + 24)}
    return {
        "margin": margin,
        "annotations": _columns_note(data, theme),
        "dragmode": "zoom",
        "hovermode": "closest",
        "xaxis": column_axis,
        "yaxis": row_axis,
        "xaxis2": theme.axis(
            domain=ROW_TREE_DOMAIN,
            anchor="y",
            range=[(1 + HEADROOM) * max(_top(geometry), 1e-12), 0],  # the root at the left, leaves at the strip
            nticks=3,
            showgrid=False,
            zeroline=False,
            title={"text": "height", "font": {"size": theme.tick_size}},
        ),
        "xaxis3": {"domain": STRIP_DOMAIN, "anchor": "y", "visible": False},
        "yaxis2": _column_tree_axis(column_geometry, main),
    }


def _column_axis(data: HeatmapData, theme: Theme) -> tuple[dict, float]:
    """The heatmap's x axis (column names under their columns) and the labels' height in px."""
    plot_px = NOMINAL_WIDTH_PX * 0.75 * (HEATMAP_DOMAIN[1] - HEATMAP_DOMAIN[0])
    names = [_short(name) for name in data.column_names]
    widest = max(text_width(name, theme.tick_size) for name in names)
    upright = widest + 8 <= plot_px / data.n_columns
    stride = 1 if upright else _stride(data.n_columns, text_height(theme.tick_size), plot_px)
    labels = names[::stride]
    axis = {
        "domain": HEATMAP_DOMAIN,
        "anchor": "y",
        "tickmode": "array",
        "tickvals": _column_x(data.n_columns)[::stride].tolist(),
        "ticktext": labels,
        "tickangle": 0 if upright else -90,
        "tickfont": {"size": theme.tick_size},
        "range": [0, 10 * data.n_columns],
        "showgrid": False,
        "zeroline": False,
    }
    return axis, text_height(theme.tick_size) if upright else widest


def _row_axis(
    data: HeatmapData, geometry: DendrogramGeometry, theme: Theme, main: tuple, plot_px: float
) -> tuple[dict, float]:
    """The shared row axis, first leaf at the top, row labels on the heatmap's right; and their width in px."""
    rows = geometry.leaf_x.size
    stride = _stride(rows, text_height(theme.tick_size), plot_px)
    labels = [_short(text) for text in data.row_text[::stride]]
    axis = {
        "domain": main,
        "anchor": "x",
        "side": "right",
        "tickmode": "array",
        "tickvals": geometry.leaf_x[::stride].tolist(),
        "ticktext": labels,
        "tickfont": {"size": theme.tick_size},
        "range": [10 * rows, 0],
        "showgrid": False,
        "zeroline": False,
    }
    return axis, max(text_width(name, theme.tick_size) for name in labels)


def _stride(count: int, label_px: float, span_px: float) -> int:
    """Label every k-th of ``count`` evenly spaced items so that labels ``label_px`` tall do not overlap."""
    return max(1, math.ceil(count * (label_px + 2) / max(span_px, 1.0)))


def _short(text: str) -> str:
    """A label of at most :data:`MAX_LABEL_CHARS` characters."""
    return plain(text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "\u2026")


def _columns_note(data: HeatmapData, theme: Theme) -> list[dict]:
    """A line above the heatmap when some columns were left out (none otherwise)."""
    if data.n_columns == data.n_columns_total:
        return []
    text = f"the {data.n_columns} most variable of {data.n_columns_total:,} columns"
    font = {"size": theme.label_size, "color": theme.muted}
    place = {"xref": "paper", "yref": "paper", "x": HEATMAP_DOMAIN[0], "y": 1.0, "xanchor": "left", "yanchor": "bottom"}
    return [{"text": text, "showarrow": False, "font": font, **place}]


def _top(geometry: DendrogramGeometry) -> float:
    """The highest merge of a drawing (0 for none)."""
    return float(geometry.dcoord.max()) if geometry.dcoord.size else 0.0


def _column_tree_axis(column_geometry: DendrogramGeometry | None, main: tuple) -> dict:
    """The column dendrogram's height axis, above the heatmap (hidden when there is none)."""
    if column_geometry is None:
        return {"visible": False, "domain": [0.98, 1.0], "anchor": "x"}
    return {
        "domain": [main[1] + 0.02, 1.0],
        "anchor": "x",
        "range": [0, 1.05 * max(_top(column_geometry), 1e-12)],
        "showticklabels": False,
        "showgrid": False,
        "zeroline": False,
    }


def _column_x(n_columns: int) -> np.ndarray:
    """Column positions, as a dendrogram's leaves: 5, 15, 25, ..."""
    return 5.0 + 10.0 * np.arange(n_columns)


def _assign(figure: go.Figure, path: tuple, value: object) -> None:
    """Set ``figure[path] = value`` for a ``("data", i, key, ...)`` path."""
    for key in reversed(path[2:]):
        value = {key: value}
    figure.data[path[1]].update(value)
