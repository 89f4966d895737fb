"""Figures of the aids for choosing the cut; each marks the current cut.

Every curve is drawn against k, the number of clusters: a dashed line in the
cut line's color marks the current k, a ring marks what the aid suggests,
and a click on a point asks for a cut into that many clusters (the points'
``x`` is k).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from figures import scatter as scatter_fig
from figures.dendrogram import FigureUpdates, cut_line_shape
from figures.style import CUT_LINE_COLOR, GRID_COLOR, N_SLOTS, TEXT_COLOR, base_layout, slot_color
from hclust.aids import ClusterSilhouettes, MergeHeightProfile, SilhouetteSweep
from hclust.compare import KMeansSweep

CURVE_COLOR = "#374151"
SECOND_COLOR = "#B45F06"
SUGGESTION_COLOR = "#007A5A"
LABEL_SIZE = 14
CLICK_HINT = "click: cut into %{x} clusters"


def merge_heights_figure(profile: MergeHeightProfile, current_k: int, revision: str = "") -> go.Figure:
    """The last merge heights and their acceleration against k, the elbow ringed.

    Parameters
    ----------
    profile : MergeHeightProfile
    current_k : int
        The current cut's number of clusters, marked by a dashed line.
    revision : str
        ``uirevision``.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 the heights (at k = 1..N), trace 1 the acceleration (at
        k = 2..N-1), trace 2 the suggested k.
    """
    traces = [
        go.Scatter(
            x=profile.height_ks,
            y=profile.heights,
            mode="lines+markers",
            name="merge height",
            line={"color": CURVE_COLOR, "width": 3},
            marker={"size": 10},
            hovertemplate="k = %{x}: merge at height %{y:.5g}<br>" + CLICK_HINT + "<extra></extra>",
        ),
        go.Scatter(
            x=profile.acceleration_ks,
            y=profile.acceleration,
            mode="lines+markers",
            name="acceleration (2nd difference)",
            line={"color": SECOND_COLOR, "width": 3, "dash": "dot"},
            marker={"size": 10, "symbol": "diamond"},
            hovertemplate="k = %{x}: acceleration %{y:.5g}<br>" + CLICK_HINT + "<extra></extra>",
        ),
    ]
    suggested = profile.suggested_k
    if profile.acceleration.size:
        traces.append(_ring(suggested, float(profile.acceleration[suggested - 2]), f"elbow: k = {suggested}"))
    figure = go.Figure(traces)
    _k_layout(figure, "merge height", revision, [], profile.heights.size, current_k, legend=True)
    return _with_marks(figure, merge_heights_k_updates(profile, current_k))


def merge_heights_k_updates(profile: MergeHeightProfile, current_k: int) -> FigureUpdates:
    """The parts of :func:`merge_heights_figure` that change with the cut: the current k's line and label.

    A cut within the same tree sends just these as a ``Patch``.
    """
    annotations = []
    if profile.acceleration.size:
        suggested = profile.suggested_k
        y = float(profile.acceleration[suggested - 2])
        annotations.append(_label(suggested, y, f"elbow: k = {suggested}", SUGGESTION_COLOR, 1, profile.heights.size))
    shapes, annotations = k_marks(annotations, profile.heights.size, current_k)
    return {("layout", "shapes"): shapes, ("layout", "annotations"): annotations}


def silhouette_k_updates(sweep: SilhouetteSweep, current_k: int) -> FigureUpdates:
    """The parts of :func:`silhouette_figure` that change with the cut: the current k's line and label."""
    annotations = []
    best = sweep.best_k
    last = int(sweep.ks[-1]) if sweep.ks.size else 2
    if best is not None:
        y = float(sweep.scores[sweep.ks == best][0])
        annotations.append(_label(best, y, f"highest: k = {best}", SUGGESTION_COLOR, 2, last))
    shapes, annotations = k_marks(annotations, last, current_k, first=2)
    return {("layout", "shapes"): shapes, ("layout", "annotations"): annotations}


def silhouette_figure(sweep: SilhouetteSweep, current_k: int, revision: str = "") -> go.Figure:
    """Mean silhouette against k, the best k ringed.

    Parameters
    ----------
    sweep : SilhouetteSweep
    current_k : int
    revision : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    defined = np.isfinite(sweep.scores)
    traces = [
        go.Scatter(
            x=sweep.ks[defined],
            y=sweep.scores[defined],
            customdata=sweep.n_clusters[defined],
            mode="lines+markers",
            name="mean silhouette",
            line={"color": CURVE_COLOR, "width": 3},
            marker={"size": 10},
            hovertemplate="k = %{x}: mean silhouette %{y:.4f}<br>" + CLICK_HINT + "<extra></extra>",
        )
    ]
    best = sweep.best_k
    if best is not None:
        traces.append(_ring(best, float(sweep.scores[sweep.ks == best][0]), f"highest: k = {best}"))
    figure = go.Figure(traces)
    last = int(sweep.ks[-1]) if sweep.ks.size else 2
    _k_layout(figure, "mean silhouette", revision, [], last, current_k, first=2)
    figure.update_yaxes(range=[min(0.0, float(np.nanmin(sweep.scores, initial=0.0))) - 0.05, 1.05])
    return _with_marks(figure, silhouette_k_updates(sweep, current_k))


def cluster_silhouette_figure(result: ClusterSilhouettes, cluster_slots: np.ndarray) -> dict:
    """Mean silhouette of each cluster of the current cut, in the clusters' colors.

    Parameters
    ----------
    result : ClusterSilhouettes
    cluster_slots : ndarray of int, shape (k,)
        Palette slot of each cluster (``cluster_slots[c - 1]``).

    Returns
    -------
    dict
        A figure as ``dcc.Graph`` takes it: one bar per cluster and a dashed
        line at the overall mean. It is drawn again on every cut while the tab
        is open, so it is built as plain data: plotly's validating objects
        took 19 ms of the callback's 31 (the digits, 2 cores).
    """
    colors = [slot_color(int(cluster_slots[c - 1]) if c <= len(cluster_slots) else N_SLOTS) for c in result.clusters]
    bar = {
        "type": "bar",
        "x": [str(c) for c in result.clusters],
        "y": np.asarray(result.means, dtype=float).tolist(),
        "marker": {"color": colors, "line": {"color": TEXT_COLOR, "width": 1}},
        "customdata": np.asarray(result.sizes).tolist(),
        "textposition": "inside",
        "insidetextanchor": "end",
        "textfont": {"size": LABEL_SIZE},
        "hovertemplate": "cluster %{x}: mean silhouette %{y:.4f}<br>%{customdata} samples<extra></extra>",
        "name": "clusters",
    }
    if result.clusters.size <= 12:
        bar["text"] = [f"{m:.2f}" for m in result.means]
    shapes = []
    annotations = []
    if math.isfinite(result.overall):
        shapes.append(_hline(result.overall))
        annotations.append(
            {
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "yref": "paper",
                "y": 1,
                "yanchor": "bottom",
                "text": f"- - mean of all samples: {result.overall:.3f}",
                "showarrow": False,
                "font": {"size": LABEL_SIZE, "color": CUT_LINE_COLOR},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    low = float(min(0.0, result.means.min(initial=0.0)))
    layout = base_layout(
        margin={"l": 64, "r": 12, "t": 30, "b": 56},
        shapes=shapes,
        annotations=annotations,
        bargap=0.25,
        hovermode="closest",
        xaxis={"title": {"text": "cluster (current cut)"}, "type": "category", "showgrid": False},
        yaxis={
            "title": {"text": "mean silhouette"},
            "range": [low - 0.08, 1.1],
            "gridcolor": GRID_COLOR,
            "zerolinecolor": "#9CA3AF",
        },
    )
    return {"data": [bar], "layout": layout}


def sse_figure(sweep: KMeansSweep, current_k: int, revision: str = "") -> go.Figure:
    """k-means' total squared error against k, its bend ringed.

    Parameters
    ----------
    sweep : KMeansSweep
    current_k : int
    revision : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    traces = [
        go.Scatter(
            x=sweep.ks,
            y=sweep.sse,
            mode="lines+markers",
            name="total squared error",
            line={"color": CURVE_COLOR, "width": 3},
            marker={"size": 10},
            hovertemplate="k = %{x}: squared error %{y:.6g}<br>" + CLICK_HINT + "<extra></extra>",
        )
    ]
    annotations = []
    if sweep.bend_k is not None:
        y = float(sweep.sse[sweep.bend_k - 1])
        traces.append(_ring(sweep.bend_k, y, f"bend: k = {sweep.bend_k}"))
        annotations.append(
            _label(sweep.bend_k, y, f"bend: k = {sweep.bend_k}", SUGGESTION_COLOR, int(sweep.ks[0]), int(sweep.ks[-1]))
        )
    figure = go.Figure(traces)
    _k_layout(figure, "k-means squared error", revision, annotations, int(sweep.ks[-1]), current_k)
    figure.update_yaxes(rangemode="tozero", exponentformat="SI")
    return figure


def other_scatter_updates(matched: np.ndarray, cluster_slots: np.ndarray, note: str) -> FigureUpdates:
    """Color the scatter by another partition, renamed after the tree's clusters, with a note on the plot.

    Parameters
    ----------
    matched : ndarray of int, shape (n,)
        Ids 1..j, renamed so that those matching a tree cluster share its id
        (:func:`hclust.compare.match_labels`).
    cluster_slots : ndarray of int
        Palette slots of ids 1..k; ids beyond take the least used slots.
    note : str
        What colours the plot ("<b>coloured by k-means</b> (3 clusters)").
    """
    slots = extend_slots(np.asarray(cluster_slots, dtype=np.int64), int(np.max(matched)))
    labels = _Labels(np.asarray(matched))
    updates = dict(scatter_fig.expanded(scatter_fig.cut_updates(labels, slots), labels.labels))
    updates[("layout", "annotations")] = [
        {
            "xref": "paper",
            "yref": "paper",
            "x": 0.01,
            "y": 0.99,
            "xanchor": "left",
            "yanchor": "top",
            "text": note,
            "showarrow": False,
            "font": {"size": 15, "color": TEXT_COLOR},
            "bgcolor": "rgba(255,246,219,0.95)",
            "bordercolor": "#C28B00",
            "borderwidth": 1,
            "borderpad": 4,
        }
    ]
    return updates


def hierarchical_scatter_updates(cut, cluster_slots: np.ndarray) -> FigureUpdates:
    """Back to the tree's colors: :func:`figures.scatter.cut_updates` and no k-means note."""
    updates = dict(scatter_fig.expanded(scatter_fig.cut_updates(cut, cluster_slots), cut.labels))
    updates[("layout", "annotations")] = []
    return updates


def inconsistent_cut_updates(line_height: float, t: float, depth: int) -> FigureUpdates:
    """The dendrogram's cut line for an inconsistency cut: hidden, with a label that says why.

    Parameters
    ----------
    line_height : float
        Where the (hidden) line stays, for when a height criterion returns.
    t : float
    depth : int

    Returns
    -------
    dict
        Replaces ``layout.shapes`` (the line, ``visible: False``, so it cannot
        be dragged either) and ``layout.annotations`` (the label).
    """
    shape = cut_line_shape(line_height if math.isfinite(line_height) else 0.0)
    shape["visible"] = False
    label = {
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "paper",
        "y": 1,
        "yanchor": "bottom",  # in the top margin, clear of the merge labels
        "text": f"cut by inconsistency: t = {t:g}, depth {depth} (no single height)",
        "showarrow": False,
        "font": {"color": CUT_LINE_COLOR, "size": 14},
        "bgcolor": "rgba(255,255,255,0.9)",
    }
    return {("layout", "shapes"): [shape], ("layout", "annotations"): [label]}


class _Labels:
    """Just the ``labels`` a scatter color update reads from a cut."""

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = labels


def extend_slots(slots: np.ndarray, count: int) -> np.ndarray:
    """Slots for ``count`` clusters: the given ones, then the least used palette slots."""
    if count <= slots.size:
        return slots
    uses = np.bincount(slots, minlength=N_SLOTS)
    extra = []
    for _ in range(count - slots.size):
        slot = int(np.argmin(uses))
        extra.append(slot)
        uses[slot] += 1
    return np.concatenate([slots, np.asarray(extra, dtype=np.int64)])


def _ring(x: float, y: float, name: str) -> go.Scatter:
    return go.Scatter(
        x=[x],
        y=[y],
        mode="markers",
        name=name,
        marker={"size": 26, "symbol": "circle-open", "color": SUGGESTION_COLOR, "line": {"width": 4}},
        hovertemplate=name + "<br>" + CLICK_HINT + "<extra></extra>",
        showlegend=False,
    )


def _label(x: float, y: float, text: str, color: str, first: int, last: int) -> dict:
    """A ringed k's label, up and away from the middle of the axis ``first..last``.

    It starts at the end of its short arrow and runs outwards (right of a k in the left half,
    left of one in the right half), so it never covers the y axis' tick labels or leaves the plot.
    """
    right = x <= (first + last) / 2
    return {
        "x": x,
        "y": y,
        "text": f"<b>{text}</b>",
        "showarrow": True,
        "arrowhead": 0,
        "ax": 34 if right else -34,
        "ay": -34,
        "xanchor": "left" if right else "right",
        "font": {"size": LABEL_SIZE + 1, "color": color},
        "bgcolor": "rgba(255,255,255,0.9)",
    }


def _hline(y: float) -> dict:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y,
        "y1": y,
        "line": {"color": CUT_LINE_COLOR, "width": 2, "dash": "dash"},
    }


def _with_marks(figure: go.Figure, marks: FigureUpdates) -> go.Figure:
    """The figure with a cut's k marks (``{("layout", name): value}``), each replaced whole as the Patch does."""
    for path, value in marks.items():
        figure.layout[path[-1]] = value
    return figure


def k_marks(annotations: list, last: int, current_k: int, first: int = 1) -> tuple[list, list]:
    """The current k's dashed line (when k is on the axis, ``first..last``) and its label, after ``annotations``."""
    shapes = []
    if first <= current_k <= last:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "x0": current_k,
                "x1": current_k,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": CUT_LINE_COLOR, "width": 3, "dash": "dash"},
                "layer": "below",
            }
        )
        where = {"x": current_k, "xref": "x", "xanchor": "left"}
    else:
        side = 1 if current_k > last else 0
        where = {"x": side, "xref": "paper", "xanchor": "right" if side else "left"}
    label = {
        **where,
        "yref": "paper",
        "y": 1,
        "yanchor": "bottom",
        "text": f"current k = {current_k}" + (" →" if current_k > last else ""),
        "showarrow": False,
        "font": {"size": LABEL_SIZE, "color": CUT_LINE_COLOR},
        "bgcolor": "rgba(255,255,255,0.9)",
    }
    return shapes, [*annotations, label]


def _k_layout(
    figure: go.Figure,
    y_title: str,
    revision: str,
    annotations: list,
    last: int,
    current_k: int,
    first: int = 1,
    legend: bool = False,
) -> None:
    """Shared layout of the curves against k, with the current k marked."""
    shapes, annotations = k_marks(annotations, last, current_k, first)
    figure.update_layout(
        base_layout(
            margin={"l": 72, "r": 16, "t": 30, "b": 56},
            uirevision=revision,
            shapes=shapes,
            annotations=annotations,
            hovermode="x",
            clickmode="event",
            showlegend=legend,
            legend={
                "x": 1,
                "xanchor": "right",
                "y": 1,
                "yanchor": "top",
                "font": {"size": LABEL_SIZE},
                "bgcolor": "rgba(255,255,255,0.85)",
            },
        )
    )
    figure.update_xaxes(
        title="k (number of clusters)",
        range=[first - 0.5, last + 0.5],
        dtick=1,
        showgrid=False,
        zeroline=False,
    )
    figure.update_yaxes(title=y_title, gridcolor=GRID_COLOR, zeroline=False)
