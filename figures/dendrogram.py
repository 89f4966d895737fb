"""The truncated, annotated dendrogram with its draggable cut line.

The figure has a constant number of traces whatever the tree: one line trace
per (palette color, line dash) pair, one for the neutral links above the
cut, the dots of the hidden merges, the merge points and the leaf markers.
Beyond the palette's 8 clusters, clusters that share a color differ by
their links' dash and their leaf markers' shape, as in the scatter
(:func:`figures.scatter.cluster_symbols`). Moving the cut only reassigns
line segments between the line traces and restyles the leaves (see
:func:`cut_updates`). Where texts go, so that none overlaps another, is
:mod:`figures.labels`.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from figures.labels import CutLabelPlace, DendrogramLabels, LabelSizes, cut_line_text
from figures.style import N_SLOTS, color_slots, plain
from figures.theme import LIGHT, Theme
from hclust import DendrogramGeometry, LinkColoring, Tree
from hclust.cut import HEADROOM

# Line dashes, (name, plotly dash), for the clusters that share a color: cluster
# c takes LINE_DASHES[cluster_symbols(slots)[c - 1] % 3]. Patterns in px, readable
# at the links' 3 px width (plotly's own "dot" is 3px,3px: squares that run together).
LINE_DASHES = (("solid", "solid"), ("dashed", "12px,6px"), ("dotted", "3px,6px"))
N_COLOR_TRACES = N_SLOTS * len(LINE_DASHES) + 1  # the line traces: (color, dash) pairs + neutral
NEUTRAL_TRACE = N_COLOR_TRACES - 1
CONTRACTION_TRACE = N_COLOR_TRACES
MERGE_TRACE = N_COLOR_TRACES + 1
LEAF_TRACE = N_COLOR_TRACES + 2
# Figure updates are {path: value}; the callback layer applies them as a Patch.
FigureUpdates = dict[tuple, object]


def dendrogram_figure(
    tree: Tree,
    geometry: DendrogramGeometry,
    coloring: LinkColoring,
    cluster_slots: np.ndarray,
    cut_height: float,
    annotate_above: float | None = None,
    revision: str = "",
    fit_to_tree: bool = False,
    theme: Theme = LIGHT,
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
        Merges above this height get a dot, and their height written above
        it where it collides with no higher merge's label
        (:func:`figures.labels.kept_merge_labels`). Default: the upper half
        of the displayed merges.
    revision : str
        ``uirevision``: zoom and pan survive updates while it stays the same.
    fit_to_tree : bool
        Scale the height axis to the drawn merges only, even when the cut
        line is higher (a zoomed branch: detail, not a squeezed picture).
    theme : Theme
        Colours and sizes (``figures/theme.py``); the labels are laid out for its font sizes.

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
    labels = DendrogramLabels.of(geometry, label_sizes(theme))
    figure = go.Figure(
        [
            *_line_traces(theme),
            go.Scatter(
                x=geometry.contraction_x,
                y=geometry.contraction_y,
                mode="markers",
                marker={"color": theme.neutral, "size": round(6 * theme.marker_scale), "symbol": "circle"},
                hoverinfo="skip",
                name="hidden merges",
            ),
            _merge_trace(tree, geometry, labels, heights > annotate_above, theme),
            _leaf_trace(geometry, theme),
        ]
    )
    leaves = labels.leaves(geometry.leaf_text)
    figure.update_layout(
        theme.layout(
            margin={
                "l": 70 + 2 * (theme.tick_size - 14),
                "r": 20,
                "t": theme.label_size + 12,
                "b": 60 if leaves.upright else 90,
            },
            uirevision=revision,
            clickmode="event",
            dragmode="zoom",
            hovermode="closest",
            # Small, so a click near a merge dot still cuts unless it hits the dot.
            hoverdistance=10,
        ),
        clickanywhere=True,
    )
    shown = slice(None, None, leaves.stride)
    figure.update_xaxes(
        tickmode="array",
        tickvals=geometry.leaf_x[shown],
        ticktext=[plain(text) for text in geometry.leaf_text[shown]],
        tickangle=0 if leaves.upright else -90,
        tickfont={"size": theme.leaf_size if leaves.upright else theme.turned_leaf_size},
        showgrid=False,
        zeroline=False,
        range=[0, labels.x_span],
        title=None,
    )
    figure.update_yaxes(
        theme.axis(title={"text": "merge height (distance)", "font": {"size": theme.font_size}}),
        zeroline=False,
        rangemode="tozero",
        range=[-0.02 * labels.top, (1 + HEADROOM) * (labels.top if fit_to_tree else max(labels.top, cut_height))],
    )
    for path, value in cut_updates(geometry, coloring, cluster_slots, cut_height, theme, labels).items():
        _assign(figure, path, value)
    return figure


def label_sizes(theme: Theme) -> LabelSizes:
    """The font sizes the labels are laid out for, the theme's."""
    return LabelSizes(theme.label_size, theme.leaf_size, theme.turned_leaf_size, theme.label_size)


def _line_traces(theme: Theme) -> list[go.Scatter]:
    """The empty line traces, one per (color, dash) pair and the neutral one last (filled by :func:`cut_updates`)."""
    traces = [
        go.Scatter(
            mode="lines",
            line={"color": color, "width": theme.line_width, "dash": dash},
            hoverinfo="skip",
            name=f"clusters in color {slot + 1}, {name}",
        )
        for slot, color in enumerate(theme.palette)
        for name, dash in LINE_DASHES
    ]
    neutral = go.Scatter(
        mode="lines", line={"color": theme.neutral, "width": theme.line_width}, hoverinfo="skip", name="above the cut"
    )
    return [*traces, neutral]


def _merge_trace(
    tree: Tree, geometry: DendrogramGeometry, labels: DendrogramLabels, annotated: np.ndarray, theme: Theme
) -> go.Scatter:
    """The dots of the annotated merges, and those of their heights that collide with no other label."""
    written = annotated & labels.merge_kept
    return go.Scatter(
        x=geometry.merge_x,
        y=geometry.merge_height,
        mode="markers+text",
        marker={"color": np.where(annotated, theme.muted, "rgba(0,0,0,0)"), "size": round(8 * theme.marker_scale)},
        text=[text if show else "" for text, show in zip(labels.merge_texts, written)],
        textposition="top center",
        cliponaxis=False,  # the top merge's label may stand in the margin above a short plot
        textfont={"size": theme.label_size, "color": theme.muted},
        customdata=tree.linkage[geometry.link_rows, 3].astype(int),
        hovertemplate="merge at height %{y:.5f}<br>%{customdata} samples<extra></extra>",
        name="merges",
    )


def _leaf_trace(geometry: DendrogramGeometry, theme: Theme) -> go.Scatter:
    """The leaf markers; their colors, shapes and clusters come with each cut (:func:`cut_updates`)."""
    return go.Scatter(
        x=geometry.leaf_x,
        y=np.zeros(geometry.leaf_x.size),
        mode="markers",
        marker={
            "size": round(11 * theme.marker_scale),
            "colorscale": theme.colorscale(with_neutral=True),
            "cmin": -0.5,
            "cmax": N_SLOTS + 0.5,
            "line": {"width": 1, "color": theme.background},
        },
        text=[plain(text) for text in geometry.leaf_text],
        hovertemplate="leaf %{text}<br>cluster %{customdata}<extra></extra>",
        name="leaves",
    )


def cut_updates(
    geometry: DendrogramGeometry,
    coloring: LinkColoring,
    cluster_slots: np.ndarray,
    cut_height: float,
    theme: Theme = LIGHT,
    labels: DendrogramLabels | None = None,
) -> FigureUpdates:
    """The parts of the dendrogram figure that change when the cut moves.

    Parameters
    ----------
    geometry : DendrogramGeometry
    coloring : LinkColoring
    cluster_slots : ndarray of int, shape (k,)
    cut_height : float
    theme : Theme
        The cut line's colour and its label's size.
    labels : DendrogramLabels, optional
        The drawing's label layout, when the caller has it already (laid out here otherwise).

    Returns
    -------
    dict
        ``{path: value}``, for example ``("data", 0, "x"): [...]`` and
        ``("layout", "shapes", 0): {...}``: the line segments of each line
        trace, the leaf colors, shapes and clusters, and the cut line with
        its label. Small: O(p).
    """
    line_of, symbol_of = cluster_styles(cluster_slots)
    updates: FigureUpdates = {}
    for trace, (xs, ys) in enumerate(_segments_by_trace(geometry, coloring, line_of, cut_height)):
        updates[("data", trace, "x")] = xs
        updates[("data", trace, "y")] = ys
    leaf_symbols = symbol_of[coloring.leaves]
    updates[("data", LEAF_TRACE, "marker", "color")] = color_slots(coloring.leaves, cluster_slots).tolist()
    updates[("data", LEAF_TRACE, "marker", "symbol")] = (
        leaf_symbols.tolist() if (leaf_symbols != "circle").any() else "circle"
    )
    updates[("data", LEAF_TRACE, "customdata")] = coloring.leaves.tolist()
    updates[("layout", "shapes")] = [cut_line_shape(cut_height, theme)]
    labels = labels or DendrogramLabels.of(geometry, label_sizes(theme))
    place = labels.cut_label_place(cut_height)
    updates[("layout", "annotations")] = [cut_line_label(cut_height, place, theme)]
    return updates


def cluster_styles(cluster_slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How each cluster is drawn: its line trace, and its leaf markers' symbol.

    Parameters
    ----------
    cluster_slots : ndarray of int, shape (k,)

    Returns
    -------
    line_of : ndarray of int, shape (k + 1,)
        ``line_of[c]`` is cluster c's line trace: its color's slot and the
        dash of its scatter shape (:func:`figures.scatter.cluster_symbols`),
        ``slot * 3 + shape % 3``; ``line_of[0]`` is :data:`NEUTRAL_TRACE`.
    symbol_of : ndarray of str, shape (k + 1,)
        Cluster c's marker symbol name, the scatter's; ``"circle"`` for 0.
    """
    # Imported here: figures.scatter imports FigureUpdates from this module.
    from figures.scatter import CLUSTER_SYMBOLS, cluster_symbols

    slots = np.asarray(cluster_slots, dtype=np.int64)
    shapes = cluster_symbols(slots)
    line_of = np.concatenate([[NEUTRAL_TRACE], slots * len(LINE_DASHES) + shapes % len(LINE_DASHES)])
    names = np.array([name for _, name in CLUSTER_SYMBOLS])
    symbol_of = np.concatenate([["circle"], names[shapes]]) if shapes.size else np.array(["circle"])
    return line_of.astype(np.int64), symbol_of


def cut_line_shape(height: float, theme: Theme = LIGHT) -> dict:
    """The cut line: horizontal, across the whole plot width, at ``height``."""
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": height,
        "y1": height,
        "line": {"color": theme.cut, "width": max(3, theme.line_width - 1), "dash": "dash"},
        "layer": "above",
    }


def cut_line_label(height: float, place: CutLabelPlace, theme: Theme = LIGHT) -> dict:
    """The cut line's label, where it covers no merge label (see :func:`figures.labels.cut_label_place`)."""
    return {
        **place.annotation(height),
        "text": cut_line_text(height, place.short),
        "showarrow": False,
        "font": {"color": theme.cut, "size": theme.label_size},
        "bgcolor": theme.background,
    }


def default_annotation_threshold(heights: np.ndarray) -> float:
    """Label the upper half of the displayed merges: a height just below the median."""
    if heights.size == 0:
        return 0.0
    ordered = np.sort(heights)
    return float(np.nextafter(ordered[ordered.size // 2], -np.inf))


def _segments_by_trace(
    geometry: DendrogramGeometry, coloring: LinkColoring, line_of: np.ndarray, cut: float
) -> list[tuple[list, list]]:
    """Line coordinates per line trace, links separated by ``None``.

    A link inside a cluster is drawn whole in its cluster's trace. A link
    above the cut is neutral, except for the part of each leg below the
    cut, which takes the trace of the cluster it leads down to.
    """
    traces: list[tuple[list, list]] = [([], []) for _ in range(N_COLOR_TRACES)]
    link_traces = line_of[coloring.link]
    dcoord = _drawn(geometry.dcoord)
    left_traces = line_of[coloring.left]
    right_traces = line_of[coloring.right]
    for index, (xs, ys) in enumerate(zip(geometry.icoord.tolist(), dcoord.tolist())):
        if coloring.link[index]:
            _add(traces[link_traces[index]], xs, ys)
            continue
        x_left, _, _, x_right = xs
        y_left, top, _, y_right = ys
        _add(traces[NEUTRAL_TRACE], [x_left, x_left, x_right, x_right], [max(y_left, cut), top, top, max(y_right, cut)])
        if coloring.left[index] and y_left < cut:
            _add(traces[left_traces[index]], [x_left, x_left], [y_left, cut])
        if coloring.right[index] and y_right < cut:
            _add(traces[right_traces[index]], [x_right, x_right], [y_right, cut])
    return traces


DRAWN_DIGITS = 7
"""Significant digits of the link lines' heights, relative to the top merge: a millionth of the
plot's height, far below a pixel. The lines have no hover; every height a user reads (merge dots,
labels, the cut) keeps all its digits. A cut sends every link again, so 7 digits instead of 17
keep its reply small."""


def _drawn(heights: np.ndarray) -> np.ndarray:
    """``heights`` rounded for drawing: to :data:`DRAWN_DIGITS` significant digits of the largest."""
    top = float(np.max(np.abs(heights), initial=0.0))
    if not math.isfinite(top) or top == 0.0:
        return heights
    return np.round(heights, max(0, DRAWN_DIGITS - 1 - math.floor(math.log10(top))))


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
