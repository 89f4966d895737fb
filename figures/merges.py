"""The merge player's marks: the two clusters of a merge lit in the scatter, the merge marked in the dendrogram.

Like :func:`figures.scatter.cut_updates`, everything here is a small
``{path: value}`` update of a figure already drawn; no figure is built.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

from figures.dendrogram import FigureUpdates, cut_line_shape
from figures.style import TEXT_COLOR, typed_array
from hclust.dendrogram import DendrogramGeometry
from hclust.merges import CONTRACTED, DRAWN, Merge, MergeLocation, MergeSide, height_words

# The notebook lights one side in red and the other in yellow; this amber
# keeps its contrast on white. Everything else is muted.
LEFT_COLOR = "#d62728"  # Z[row, 0]
RIGHT_COLOR = "#e6a700"  # Z[row, 1]
MUTED_COLOR = "#d4d8dd"  # on a light background
DARK_MUTED_COLOR = "#4b5563"  # on a dark one
# Per-sample codes of the scatter's marker.color: 0 muted, 1 left, 2 right,
# painted by a stepped colorscale over cmin..cmax. A cut's coloring starts
# at cmin 0.5, so a negative cmin says the scatter shows the player (the
# page's watcher in callbacks/merges.py reads it).
PLAYER_CMIN = -0.5
PLAYER_CMAX = 2.5
# The dendrogram's layout.shapes[0] is the cut line and annotations[0] its
# label; the player owns the entries after them.
LINE_SHAPE = 1
RING_SHAPE = 2
LABEL_ANNOTATION = 1
RING_RADIUS_PX = 12
LABEL_FONT_SIZE = 16
# The lit samples of a side this small are drawn again, above the others, in
# a trace of their own (the scatter's trace 1): marker sizes in pixels, the
# left side's larger so that two samples on top of each other show as an
# amber dot in a red ring.
OVERLAY_TRACE = 2
MAX_OVERLAID = 300
SMALL_SIDE = 20  # at most this many samples: drawn large
OVERLAY_SIZES = (17, 11)  # small left side, small right side
OVERLAY_SIZE = 10  # a larger side


@dataclass(frozen=True)
class MarkStyle:
    """The colors and text size of the player's marks, following the figures' theme.

    Attributes
    ----------
    ink : str
        The dendrogram's line, ring and label text.
    paper : str
        The background: the labels' box and the outline of the lit points.
    muted : str
        The samples that take no part in the merge.
    font_size : int
        The labels' text, in px (at least :data:`LABEL_FONT_SIZE`).
    """

    ink: str = TEXT_COLOR
    paper: str = "white"
    muted: str = MUTED_COLOR
    font_size: int = LABEL_FONT_SIZE

    @classmethod
    def of(cls, theme=None) -> MarkStyle:
        """The style for a figure theme: anything with ``text``, ``background`` and ``label_size`` (None: light)."""
        if theme is None:
            return cls()
        dark = _luminance(theme.background) < 0.4
        return cls(
            ink=theme.text,
            paper=theme.background,
            muted=DARK_MUTED_COLOR if dark else MUTED_COLOR,
            font_size=max(LABEL_FONT_SIZE, int(theme.label_size)),
        )

    @property
    def colorscale(self) -> list[list]:
        """Codes 0, 1, 2 over ``PLAYER_CMIN..PLAYER_CMAX``: muted, left, right."""
        steps = (self.muted, LEFT_COLOR, RIGHT_COLOR)
        return [[bound / 3, color] for index, color in enumerate(steps) for bound in (index, index + 1)]


LIGHT_MARKS = MarkStyle()


def _luminance(color: str) -> float:
    """Relative luminance (0 black to 1 white) of ``#rrggbb`` or ``white``."""
    hex_color = "ffffff" if color == "white" else color.lstrip("#")
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def scatter_updates(
    merge: Merge, x: np.ndarray, y: np.ndarray, labelled: bool, style: MarkStyle = LIGHT_MARKS
) -> FigureUpdates:
    """Light the two sides of a merge in red and amber; mute every other sample.

    Parameters
    ----------
    merge : Merge
    x, y : ndarray of float, shape (n,)
        Where the scatter draws each sample (the projection).
    labelled : bool
        The samples have labels (the scatter's hover shows them as ``text``).
    style : MarkStyle

    Returns
    -------
    dict
        ``{path: value}``: trace 0's ``marker.color`` as one byte per sample
        (0 muted, 1 left, 2 right) with its colorscale, circles for every
        sample and a hover without the cluster id; trace 1
        (:data:`OVERLAY_TRACE`), the lit samples of each side of at most
        :data:`MAX_OVERLAID` drawn again on top, the left side larger, so
        two points among thousands, or on top of each other, still show;
        and no annotation (the k-means note, if any, goes: the colors are the
        player's). The info area under the graphs says which color is which.
    """
    codes = np.zeros(merge.n_samples, dtype=np.uint8)
    codes[merge.left.members] = 1
    codes[merge.right.members] = 2
    return {
        ("data", 0, "marker", "color"): typed_array(codes),
        ("data", 0, "marker", "colorscale"): style.colorscale,
        ("data", 0, "marker", "cmin"): PLAYER_CMIN,
        ("data", 0, "marker", "cmax"): PLAYER_CMAX,
        ("data", 0, "marker", "symbol"): "circle",
        ("data", 0, "hovertemplate"): f"<b>{_hover_name(labelled)}</b><extra></extra>",
        ("data", OVERLAY_TRACE): _overlay(merge, x, y, style),
        ("layout", "annotations"): [],
    }


def _overlay(merge: Merge, x: np.ndarray, y: np.ndarray, style: MarkStyle) -> dict:
    """The small sides' samples again, above every other point: left (larger) first, right on top."""
    members, codes, sizes = [], [], []
    for code, side in ((1, merge.left), (2, merge.right)):
        if side.size <= MAX_OVERLAID:
            members.append(side.members)
            codes.append(np.full(side.size, code, dtype=np.uint8))
            sizes.append(np.full(side.size, _overlay_size(side, code), dtype=np.uint8))
    shown = _joined(members, np.int64)
    return {
        # WebGL whatever trace 0 is: plotly draws WebGL traces above SVG ones.
        "type": "scattergl",
        "mode": "markers",
        "x": _float32(np.asarray(x)[shown]),
        "y": _float32(np.asarray(y)[shown]),
        "marker": {
            "color": typed_array(_joined(codes, np.uint8)),
            "colorscale": style.colorscale,
            "cmin": PLAYER_CMIN,
            "cmax": PLAYER_CMAX,
            "size": typed_array(_joined(sizes, np.uint8)),
            "line": {"width": 1.5, "color": style.paper},
            "opacity": 1.0,
        },
        "hoverinfo": "skip",
        "showlegend": False,
        "name": f"merge {merge.step}",
    }


def _float32(values: np.ndarray) -> dict:
    """Positions as a float32 typed array: half of float64's bytes, and finer than any screen."""
    data = np.ascontiguousarray(values, dtype="<f4")
    return {"dtype": "f4", "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def _joined(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


def _overlay_size(side: MergeSide, code: int) -> int:
    return OVERLAY_SIZES[code - 1] if side.size <= SMALL_SIDE else OVERLAY_SIZE


def scatter_restore_updates(labelled: bool) -> FigureUpdates:
    """The scatter's own hover again, as :func:`figures.scatter.scatter_figure` sets it (a unit test checks).

    The overlay, trace :data:`OVERLAY_TRACE`, is the caller's to delete.
    """
    return {("data", 0, "hovertemplate"): f"<b>{_hover_name(labelled)}</b><br>cluster %{{marker.color}}<extra></extra>"}


def dendrogram_updates(
    merge: Merge, location: MergeLocation, geometry: DendrogramGeometry, style: MarkStyle = LIGHT_MARKS
) -> FigureUpdates:
    """Mark a merge in the dendrogram: a dotted line at its height, a ring where it sits, a label.

    Parameters
    ----------
    merge : Merge
    location : MergeLocation
        Where the merge is drawn (:func:`hclust.merges.locate_merge`).
    geometry : DendrogramGeometry
        The drawing.
    style : MarkStyle

    Returns
    -------
    dict
        ``{path: value}`` setting ``layout.shapes[1]`` (the line),
        ``layout.shapes[2]`` (the ring; hidden when the merge is outside the
        drawn branch) and ``layout.annotations[1]`` (the label). The cut
        line and its label, entry 0 of each, are left alone.
    """
    height = merge.height
    line = {**cut_line_shape(height), "line": {"color": style.ink, "width": 2, "dash": "dot"}}
    x = _mark_x(location, geometry)
    if x is None:
        ring = {**_ring(0.0, height, style), "visible": False}
        label = {
            "xref": "paper",
            "x": 0.01,
            "xanchor": "left",
            "yref": "y",
            "y": height,
            "yanchor": "bottom",
            "showarrow": False,
            "text": f"merge {merge.step} ({height_words(height)}) is outside this branch",
            **_label_style(style),
        }
    else:
        ring = _ring(x, height, style)
        label = _pointing_label(_mark_text(merge, location), x, height, geometry, style)
    return {
        ("layout", "shapes", LINE_SHAPE): line,
        ("layout", "shapes", RING_SHAPE): ring,
        ("layout", "annotations", LABEL_ANNOTATION): label,
    }


def _mark_x(location: MergeLocation, geometry: DendrogramGeometry) -> float | None:
    if location.where == DRAWN:
        return float(geometry.merge_x[location.index])
    if location.where == CONTRACTED:
        return float(geometry.leaf_x[location.index])
    return None


def _mark_text(merge: Merge, location: MergeLocation) -> str:
    text = f"merge {merge.step} ({height_words(merge.height)})"
    if location.where == CONTRACTED:
        text += f": inside ({location.leaf_size:,})"
    return text


def _ring(x: float, height: float, style: MarkStyle) -> dict:
    r = RING_RADIUS_PX
    return {
        "type": "circle",
        "xref": "x",
        "yref": "y",
        "xsizemode": "pixel",
        "ysizemode": "pixel",
        "xanchor": x,
        "yanchor": height,
        "x0": -r,
        "x1": r,
        "y0": -r,
        "y1": r,
        "line": {"color": style.ink, "width": 3},
        "fillcolor": "rgba(0,0,0,0)",
        "layer": "above",
    }


def _pointing_label(text: str, x: float, height: float, geometry: DendrogramGeometry, style: MarkStyle) -> dict:
    """A label with an arrow to the ring, placed towards the middle of the plot."""
    width = 10.0 * max(geometry.leaf_x.size, 1)
    top = float(geometry.merge_height.max()) if geometry.merge_height.size else height
    right = x > 0.5 * width
    return {
        "xref": "x",
        "x": x,
        "yref": "y",
        "y": height,
        "text": text,
        "showarrow": True,
        "arrowhead": 0,
        "arrowwidth": 2,
        "arrowcolor": style.ink,
        "standoff": RING_RADIUS_PX + 1,
        # The box ends at the arrow's tail, on the side towards the middle, so it never runs off the plot.
        "ax": -36 if right else 36,
        "ay": 45 if height > 0.75 * top else -45,
        "xanchor": "right" if right else "left",
        **_label_style(style),
    }


def _label_style(style: MarkStyle) -> dict:
    return {
        "font": {"size": style.font_size, "color": style.ink},
        "bgcolor": style.paper,
        "bordercolor": style.ink,
        "borderwidth": 1,
        "borderpad": 3,
    }


def _hover_name(labelled: bool) -> str:
    return "%{text}" if labelled else "sample %{pointNumber}"
