"""The truncated, annotated dendrogram with its draggable cut line.

The figure has a constant number of traces whatever the tree: one line trace
per palette color, one for the neutral links above the cut, the dots of the
hidden merges, the merge points and the leaf markers. Moving the cut only
reassigns line segments between the color traces (see :func:`cut_updates`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.style import (
    CLUSTER_COLORS,
    CUT_LINE_COLOR,
    GRID_COLOR,
    NEUTRAL_COLOR,
    base_layout,
    color_slots,
    slot_colorscale,
)
from hclust import DendrogramGeometry, LinkColoring, Tree
from hclust.cut import HEADROOM

N_COLOR_TRACES = len(CLUSTER_COLORS) + 1  # palette + neutral
CONTRACTION_TRACE = N_COLOR_TRACES
MERGE_TRACE = N_COLOR_TRACES + 1
LEAF_TRACE = N_COLOR_TRACES + 2
# Figure updates are {path: value}; the callback layer applies them as a Patch.
FigureUpdates = dict[tuple, object]


# More characters than this across the leaf labels and they are turned on their side.
MAX_UPRIGHT_LABEL_CHARS = 60


def height_label(height: float) -> str:
    """A merge height as a short label: three significant digits, and no exponent up to a billion.

    Examples: ``9.84``, ``180``, ``1,550``, ``0.00123``.
    """
    if abs(height) >= 1000 and abs(height) < 1e9:
        return f"{height:,.0f}"
    return f"{height:.3g}"


def dendrogram_figure(
    tree: Tree,
    geometry: DendrogramGeometry,
    coloring: LinkColoring,
    cluster_slots: np.ndarray,
    cut_height: float,
    annotate_above: float | None = None,
    revision: str = "",
    fit_to_tree: bool = False,
) -> go.Figure:
    """Draw a truncated dendrogram with clusters colored below the cut.

    Parameters
    ----------
    tree : Tree
    geometry : DendrogramGeometry
    coloring : LinkColoring
        Cluster ids of links, legs and leaves for the current cut.
    cluster_slots : ndarray of int, shape (k,)
        Palette slot of each cluster (``cluster_slots[c - 1]``).
    cut_height : float
        Where the horizontal cut line is drawn (``max_d``).
    annotate_above : float, optional
        Merges above this height get their height written beside them.
        Default: the upper half of the displayed merges.
    revision : str
        ``uirevision``: zoom and pan survive updates while it stays the same.
    fit_to_tree : bool
        Scale the height axis to the drawn merges only, even when the cut
        line is higher (a zoomed branch: detail, not a squeezed picture).

    Returns
    -------
    plotly.graph_objects.Figure
        ``layout.shapes[0]`` is the cut line; ``layout.annotations[0]`` its
        label. With ``config={'edits': {'shapePosition': True}}`` the line
        can be dragged.
    """
    heights = geometry.merge_height
    if annotate_above is None:
        annotate_above = default_annotation_threshold(heights)
    annotated = heights > annotate_above
    sizes = tree.linkage[geometry.link_rows, 3].astype(int)

    traces = [
        go.Scatter(
            mode="lines",
            line={"color": color, "width": 3},
            hoverinfo="skip",
            name=f"cluster color {index + 1}" if index < len(CLUSTER_COLORS) else "above the cut",
        )
        for index, color in enumerate((*CLUSTER_COLORS, NEUTRAL_COLOR))
    ]
    traces.append(
        go.Scatter(
            x=geometry.contraction_x,
            y=geometry.contraction_y,
            mode="markers",
            marker={"color": "#6B7280", "size": 6, "symbol": "circle"},
            hoverinfo="skip",
            name="hidden merges",
        )
    )
    traces.append(
        go.Scatter(
            x=geometry.merge_x,
            y=heights,
            mode="markers+text",
            marker={"color": np.where(annotated, "#374151", "rgba(0,0,0,0)"), "size": 8},
            text=[height_label(h) if show else "" for h, show in zip(heights, annotated)],
            textposition="top center",
            textfont={"size": 14, "color": "#374151"},
            customdata=sizes,
            hovertemplate="merge at height %{y:.5f}<br>%{customdata} samples<extra></extra>",
            name="merges",
        )
    )
    traces.append(
        go.Scatter(
            x=geometry.leaf_x,
            y=np.zeros(geometry.leaf_x.size),
            mode="markers",
            marker={
                "size": 11,
                "colorscale": slot_colorscale(with_neutral=True),
                "cmin": -0.5,
                "cmax": N_COLOR_TRACES - 0.5,
                "line": {"width": 1, "color": "white"},
            },
            text=list(geometry.leaf_text),
            customdata=coloring.leaves,
            hovertemplate="leaf %{text}<br>cluster %{customdata}<extra></extra>",
            name="leaves",
        )
    )
    figure = go.Figure(traces)
    top = float(heights.max()) if heights.size else 1.0
    # Upright leaf labels only while they fit side by side: "(6047)(5950)" must not run together.
    many = geometry.leaf_x.size > 24 or sum(len(text) + 1 for text in geometry.leaf_text) > MAX_UPRIGHT_LABEL_CHARS
    figure.update_layout(
        base_layout(
            margin={"l": 70, "r": 20, "t": 20, "b": 90 if many else 60},
            uirevision=revision,
            clickmode="event",
            dragmode="zoom",
            hovermode="closest",
            # Small, so a click near a merge dot still cuts unless it hits the dot.
            hoverdistance=10,
        ),
        clickanywhere=True,
    )
    figure.update_xaxes(
        tickmode="array",
        tickvals=geometry.leaf_x,
        ticktext=list(geometry.leaf_text),
        tickangle=-90 if many else 0,
        tickfont={"size": 12 if many else 14},
        showgrid=False,
        zeroline=False,
        range=[0, 10 * geometry.leaf_x.size],
        title=None,
    )
    figure.update_yaxes(
        title="merge height (distance)",
        gridcolor=GRID_COLOR,
        zeroline=False,
        rangemode="tozero",
        range=[-0.02 * top, (1 + HEADROOM) * (top if fit_to_tree else max(top, cut_height))],
    )
    for path, value in cut_updates(geometry, coloring, cluster_slots, cut_height).items():
        _assign(figure, path, value)
    return figure


def cut_updates(
    geometry: DendrogramGeometry, coloring: LinkColoring, cluster_slots: np.ndarray, cut_height: float
) -> FigureUpdates:
    """The parts of the dendrogram figure that change when the cut moves.

    Parameters
    ----------
    geometry : DendrogramGeometry
    coloring : LinkColoring
    cluster_slots : ndarray of int, shape (k,)
    cut_height : float

    Returns
    -------
    dict
        ``{path: value}``, for example ``("data", 0, "x"): [...]`` and
        ``("layout", "shapes", 0): {...}``: the line segments of each color
        trace, the leaf colors, and the cut line with its label. Small: O(p).
    """
    updates: FigureUpdates = {}
    for slot, (xs, ys) in enumerate(_segments_by_slot(geometry, coloring, cluster_slots, cut_height)):
        updates[("data", slot, "x")] = xs
        updates[("data", slot, "y")] = ys
    updates[("data", LEAF_TRACE, "marker", "color")] = color_slots(coloring.leaves, cluster_slots).tolist()
    updates[("data", LEAF_TRACE, "customdata")] = coloring.leaves.tolist()
    updates[("layout", "shapes")] = [cut_line_shape(cut_height)]
    updates[("layout", "annotations")] = [cut_line_label(cut_height)]
    return updates


def cut_line_shape(height: float) -> dict:
    """The cut line: horizontal, across the whole plot width, at ``height``."""
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": height,
        "y1": height,
        "line": {"color": CUT_LINE_COLOR, "width": 3, "dash": "dash"},
        "layer": "above",
    }


def cut_line_label(height: float) -> dict:
    """The label at the right end of the cut line."""
    return {
        "xref": "paper",
        "x": 1,
        "xanchor": "right",
        "yref": "y",
        "y": height,
        "yanchor": "bottom",
        "text": f"cut at {height:g} (drag me)",
        "showarrow": False,
        "font": {"color": CUT_LINE_COLOR, "size": 14},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def default_annotation_threshold(heights: np.ndarray) -> float:
    """Label the upper half of the displayed merges: a height just below the median."""
    if heights.size == 0:
        return 0.0
    ordered = np.sort(heights)
    return float(np.nextafter(ordered[ordered.size // 2], -np.inf))


def _segments_by_slot(
    geometry: DendrogramGeometry, coloring: LinkColoring, cluster_slots: np.ndarray, cut: float
) -> list[tuple[list, list]]:
    """Line coordinates per color trace, links separated by ``None``.

    A link inside a cluster is drawn whole in its color. A link above the cut
    is neutral, except for the part of each leg below the cut, which takes
    the color of the cluster it leads down to.
    """
    slots: list[tuple[list, list]] = [([], []) for _ in range(N_COLOR_TRACES)]
    neutral = N_COLOR_TRACES - 1
    link_slots = color_slots(coloring.link, cluster_slots)
    left_slots = color_slots(coloring.left, cluster_slots)
    right_slots = color_slots(coloring.right, cluster_slots)
    for index, (xs, ys) in enumerate(zip(geometry.icoord.tolist(), geometry.dcoord.tolist())):
        if coloring.link[index]:
            _add(slots[link_slots[index]], xs, ys)
            continue
        x_left, _, _, x_right = xs
        y_left, top, _, y_right = ys
        _add(slots[neutral], [x_left, x_left, x_right, x_right], [max(y_left, cut), top, top, max(y_right, cut)])
        if coloring.left[index] and y_left < cut:
            _add(slots[left_slots[index]], [x_left, x_left], [y_left, cut])
        if coloring.right[index] and y_right < cut:
            _add(slots[right_slots[index]], [x_right, x_right], [y_right, cut])
    return slots


def _add(slot: tuple[list, list], xs: list, ys: list) -> None:
    slot[0].extend((*xs, None))
    slot[1].extend((*ys, None))


def _assign(figure: go.Figure, path: tuple, value: object) -> None:
    """Set ``figure[path] = value`` for a ``("data", i, ...)`` or ``("layout", ...)`` path."""
    if path[0] == "data":
        figure.data[path[1]].update(_nest(path[2:], value))
    else:
        figure.layout.update(_nest(path[1:], value))


def _nest(keys: tuple, value: object) -> dict:
    for key in reversed(keys):
        value = {key: value}
    return value
