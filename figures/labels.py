"""Where the dendrogram's texts go, so that no two of them overlap.

The server does not know how many pixels the browser will give the plot, so
every rule here assumes the smallest plot area the page lays out
(:data:`MIN_PLOT_WIDTH_PX` by :data:`MIN_PLOT_HEIGHT_PX`) and estimates text
extents generously from the font size (:func:`text_width`). A bigger plot
only makes the texts smaller in data units, so what does not overlap here
does not overlap on screen. Positions and extents are in data units: x from
0 to ``10 p`` (SciPy's leaf spacing of 10), y in merge heights.

The rules: the leaf labels stand upright while neighbours fit side by side,
otherwise they are turned on their side and, when even that is too dense,
only every m-th is written (:func:`leaf_label_layout`); a merge height is
written only where it collides with no higher merge's label
(:func:`kept_merge_labels`); the cut line's label goes where it covers no
merge label or link bar, preferably at an end of the line (:func:`cut_label_place`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hclust import DendrogramGeometry
from hclust.cut import HEADROOM

# The dendrogram's plot area is at least this large: 360 px wide in windows
# from 1130 px wide (452 px at 1280, 548 at 1440; 345 at 1101), and below
# 1100 px the graphs stack and take the whole width; never under 300 px high.
MIN_PLOT_WIDTH_PX = 360
MIN_PLOT_HEIGHT_PX = 300
# Text extents, in em of the font size: generous for the sans-serif fonts of
# figures.style.FONT_FAMILY (Inter, Segoe UI, Roboto, Helvetica, Arial).
LINE_HEIGHT_EM = 1.2
_NARROW_EM, _UPPER_EM, _WIDE_EM, _OTHER_EM = 0.35, 0.72, 0.95, 0.62
_NARROW = frozenset(" .,:;'!|()[]{}ijl")
_WIDE = frozenset("MWmw@%")
# Free space kept between neighbouring texts, in px.
GAP_PX = 2.0
MERGE_GAP_X_PX = 4.0
# The dendrogram's font sizes, px: leaf labels upright and turned on their
# side, merge heights, the cut line's label.
LEAF_FONT_SIZE = 14
TURNED_LEAF_FONT_SIZE = 12
MERGE_FONT_SIZE = 14
CUT_FONT_SIZE = 14
# A merge label sits above its dot ("top center"), its text at most this far above the merge.
MERGE_LABEL_OFFSET_PX = 5.0
# The leaf markers reach this far above the axis (half their size, and the outline).
LEAF_MARKER_PX = 7.0
# A link's horizontal bar, with room to spare, reaches this far above and below its height (lines up to 4 px).
LINK_HALF_PX = 2.0 + GAP_PX


def text_width(text: str, font_size: float) -> float:
    """An upper estimate of a one-line text's width, in px."""
    ems = sum(
        _NARROW_EM if char in _NARROW else _WIDE_EM if char in _WIDE else _UPPER_EM if char.isupper() else _OTHER_EM
        for char in text
    )
    return ems * font_size


def text_height(font_size: float) -> float:
    """An upper estimate of a one-line text's height, in px."""
    return LINE_HEIGHT_EM * font_size


@dataclass(frozen=True)
class Scale:
    """Data units per pixel on the smallest plot: at least the real ones.

    Attributes
    ----------
    x, y : float
        Data units per px along each axis.
    """

    x: float
    y: float

    @classmethod
    def smallest_plot(cls, x_span: float, y_span: float) -> Scale:
        """The scale of axes spanning ``x_span`` and ``y_span`` on the smallest plot area."""
        return cls(x_span / MIN_PLOT_WIDTH_PX, max(y_span, 1e-300) / MIN_PLOT_HEIGHT_PX)


@dataclass(frozen=True)
class Box:
    """A text's extent in data units (``x0 <= x1``, ``y0 <= y1``)."""

    x0: float
    x1: float
    y0: float
    y1: float

    def intersects(self, other: Box) -> bool:
        """True when the two boxes share more than an edge."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass(frozen=True)
class LeafLabels:
    """How the leaf labels are written.

    Attributes
    ----------
    upright : bool
        Upright (every neighbour fits beside the next), or turned by -90°.
    stride : int
        Every ``stride``-th leaf is labelled (1: all of them).
    """

    upright: bool
    stride: int


def leaf_label_layout(
    texts: tuple[str, ...], pitch: float, scale: Scale, upright_size: float, turned_size: float
) -> LeafLabels:
    """Upright, turned, or turned and thinned leaf labels, whichever is the first that never overlaps.

    Parameters
    ----------
    texts : tuple of str
        The leaf labels, left to right.
    pitch : float
        Distance between neighbouring leaves, in x units.
    scale : Scale
    upright_size, turned_size : float
        Font sizes (px) of upright and of turned labels.

    Returns
    -------
    LeafLabels
        Upright when each two neighbours fit side by side with
        :data:`GAP_PX` between them; else turned, with a stride that leaves
        at least a line height (:func:`text_height`) from one label to the next.
    """
    pitch_px = pitch / scale.x
    widths = [text_width(text, upright_size) for text in texts]
    if all((left + right) / 2 + GAP_PX <= pitch_px for left, right in zip(widths, widths[1:])):
        return LeafLabels(upright=True, stride=1)
    return LeafLabels(upright=False, stride=max(1, math.ceil(text_height(turned_size) / pitch_px - 1e-9)))


def merge_label_boxes(
    x: np.ndarray, heights: np.ndarray, texts: list[str], font_size: float, scale: Scale
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The boxes of merge labels written centered above their merges (``textposition="top center"``).

    Each box reaches from the merge's dot up to the top of its text.

    Returns
    -------
    tuple of ndarray
        ``(x0, x1, y0, y1)``, one entry per merge.
    """
    half = np.array([text_width(text, font_size) for text in texts], dtype=float) * scale.x / 2
    y0 = np.asarray(heights, dtype=float)
    return x - half, x + half, y0, y0 + (MERGE_LABEL_OFFSET_PX + text_height(font_size)) * scale.y


def kept_merge_labels(
    x: np.ndarray, heights: np.ndarray, texts: list[str], font_size: float, scale: Scale, x_range: tuple[float, float]
) -> np.ndarray:
    """Which merge labels to write: the highest first, each only if it collides with none kept before it.

    Parameters
    ----------
    x, heights : ndarray of float, shape (m,)
        Where each merge is.
    texts : list of str
        Each merge's label.
    font_size : float
    scale : Scale
    x_range : (float, float)
        The x axis; a label that would reach beyond it (over the height
        axis's tick labels) is not written.

    Returns
    -------
    ndarray of bool, shape (m,)
        Two kept labels are at least :data:`MERGE_GAP_X_PX` apart across or
        :data:`GAP_PX` apart up and down. Because higher labels are decided
        first, the kept labels among those above any threshold are exactly
        what this rule keeps from those labels alone: a threshold given by
        the user gets the same labels it would get on its own.

    Notes
    -----
    Time O(m²) at worst, m the number of drawn merges (at most 499).
    """
    x0, x1, y0, y1 = merge_label_boxes(np.asarray(x, dtype=float), heights, texts, font_size, scale)
    gap_x, gap_y = MERGE_GAP_X_PX * scale.x, GAP_PX * scale.y
    keep = np.zeros(x0.size, dtype=bool)
    inside = (x0 >= x_range[0]) & (x1 <= x_range[1])
    for index in np.argsort(-np.asarray(heights, dtype=float), kind="stable"):
        if not inside[index]:
            continue
        clash = (
            keep
            & (x0 < x1[index] + gap_x)
            & (x0[index] < x1 + gap_x)
            & (y0 < y1[index] + gap_y)
            & (y0[index] < y1 + gap_y)
        )
        keep[index] = not clash.any()
    return keep


@dataclass(frozen=True)
class CutLabelPlace:
    """Where the cut line's label goes, and whether it says it all.

    Attributes
    ----------
    side : {"above", "below", "top"}
        Just above or below the line, or in the margin over the plot
        (``"top"``) when the line has no free stretch.
    anchor : float or None
        The x (data units) of the label's right edge; None for the ends of
        the line, where the label is flush with the plot's edge at any width.
    end : {"right", "left"}
        With ``anchor`` None: which end.
    short : bool
        Only "cut at h", without "(drag me)": a shorter label fits more often.
    """

    side: str
    anchor: float | None = None
    end: str = "right"
    short: bool = False

    def annotation(self, height: float) -> dict:
        """The annotation's anchor (``x``, ``xanchor``, ``y``, ``yref``, ``yanchor``) for a line at ``height``."""
        if self.anchor is None:
            place = {"xref": "paper", "x": 1 if self.end == "right" else 0, "xanchor": self.end}
        else:
            place = {"xref": "x", "x": self.anchor, "xanchor": "right"}
        if self.side == "top":
            return {**place, "yref": "paper", "y": 1, "yanchor": "bottom"}
        return {**place, "yref": "y", "y": height, "yanchor": "bottom" if self.side == "above" else "top"}

    def box(self, height: float, width: float, tall: float, x_span: float, plot_top: float) -> Box:
        """Its box in data units, for a label ``width`` by ``tall`` (data units) and a line at ``height``."""
        right = self.anchor if self.anchor is not None else x_span if self.end == "right" else width
        y0 = plot_top if self.side == "top" else height if self.side == "above" else height - tall
        return Box(right - width, right, y0, y0 + tall)


def cut_label_place(
    height: float, texts: tuple[str, str], font_size: float, scale: Scale, x_span: float, plot_top: float, blockers
) -> CutLabelPlace:
    """Where the cut line's label covers none of ``blockers`` (the merge labels that may be written, the link bars).

    Parameters
    ----------
    height : float
        The cut line's height.
    texts : (str, str)
        The label, and its short form.
    font_size : float
    scale : Scale
    x_span : float
        The x axis runs from 0 to this.
    plot_top : float
        The top of the height axis, or a lower bound of it: a label above
        the line stays under it.
    blockers : list of Box

    Returns
    -------
    CutLabelPlace
        The first free place, trying the full label, then the short one:
        above the line, then below it (only while it stays clear of the leaf
        markers); at the right end, the left end, then the free stretch
        furthest right. The margin over the plot when nothing is free.
    """
    tall = (text_height(font_size) + 2 * GAP_PX) * scale.y
    for short, text in enumerate(texts):
        width = (text_width(text, font_size) + 2 * GAP_PX) * scale.x
        for side, y0 in (("above", height), ("below", height - tall)):
            if y0 + tall > plot_top or y0 < LEAF_MARKER_PX * scale.y:
                continue
            near = [(box.x0, box.x1) for box in blockers if box.y0 < y0 + tall and y0 < box.y1]
            place = _free_stretch(near, width, x_span)
            if place is not None:
                return CutLabelPlace(side, *place, short=bool(short))
    width = (text_width(texts[0], font_size) + 2 * GAP_PX) * scale.x
    for place in (CutLabelPlace("top"), CutLabelPlace("top", end="left")):
        if not any(place.box(height, width, tall, x_span, plot_top).intersects(box) for box in blockers):
            return place
    return CutLabelPlace("top")


def _free_stretch(taken: list[tuple[float, float]], width: float, x_span: float) -> tuple[float | None, str] | None:
    """``(anchor, end)`` of a stretch of ``[0, x_span]``, ``width`` long, that misses every interval of ``taken``.

    The right end first, then the left end, then the free stretch furthest
    right (its right edge); None when there is none.
    """
    gaps, cursor = [], 0.0
    for x0, x1 in sorted(taken):
        if x0 > cursor:
            gaps.append((cursor, x0))
        cursor = max(cursor, x1)
    if cursor < x_span:
        gaps.append((cursor, x_span))
    wide = [(x0, x1) for x0, x1 in gaps if x1 - x0 >= width]
    if wide and wide[-1][1] >= x_span:
        return None, "right"
    if wide and wide[0][0] <= 0:
        return None, "left"
    return (wide[-1][1], "right") if wide else None


def height_label(height: float) -> str:
    """A merge height as a short label: three significant digits, and no exponent up to a billion.

    Examples: ``9.84``, ``180``, ``1,550``, ``0.00123``.
    """
    if abs(height) >= 1000 and abs(height) < 1e9:
        return f"{height:,.0f}"
    return f"{height:.3g}"


def cut_line_text(height: float, short: bool = False) -> str:
    """What the cut line's label says (``short``: without "(drag me)")."""
    return f"cut at {height:g}" if short else f"cut at {height:g} (drag me)"


@dataclass(frozen=True)
class LabelSizes:
    """The font sizes of the dendrogram's texts, in px (a theme's; these defaults are the everyday ones)."""

    merge: float = MERGE_FONT_SIZE
    leaf: float = LEAF_FONT_SIZE
    turned_leaf: float = TURNED_LEAF_FONT_SIZE
    cut: float = CUT_FONT_SIZE


@dataclass(frozen=True, eq=False)
class DendrogramLabels:
    """The texts of one drawing of a dendrogram, laid out so that none overlaps another.

    Built by :meth:`of`, the same for the figure and for every cut update:
    the scale is the smallest plot's, with the tallest height axis a cut
    line can give (the axis reaches :data:`~hclust.cut.HEADROOM` above the
    top merge or above the line, which stays below the top merge plus that
    headroom).

    Attributes
    ----------
    merge_texts : list of str
        Every drawn merge's height label (:func:`height_label`).
    merge_kept : ndarray of bool
        The merge labels that may be written (:func:`kept_merge_labels`); a
        figure writes those above its threshold, which are what the rule
        keeps among those alone.
    merge_boxes : list of Box
        The boxes of the labels that may be written: the cut line's label
        avoids them all, whatever the threshold.
    link_boxes : list of Box
        The horizontal bar of each drawn link (with :data:`LINK_HALF_PX` on
        either side): the cut line's label does not sit on one either, where
        it can go elsewhere.
    scale : Scale
    x_span : float
        The x axis runs from 0 to this (SciPy puts the leaves 10 apart).
    top : float
        The highest drawn merge (1 for a drawing without merges).
    """

    merge_texts: list[str]
    merge_kept: np.ndarray
    merge_boxes: list[Box]
    scale: Scale
    x_span: float
    top: float
    sizes: LabelSizes = field(default_factory=lambda: LabelSizes())
    link_boxes: list[Box] = field(default_factory=list)

    @classmethod
    def of(cls, geometry: DendrogramGeometry, sizes: LabelSizes | None = None) -> DendrogramLabels:
        """Lay out the labels of a drawing. Time O(m²) at worst for m drawn merges (see :func:`kept_merge_labels`).

        ``sizes`` are the texts' font sizes (a theme's, ``figures/theme.py``); larger texts keep fewer labels.
        """
        sizes = sizes or LabelSizes()
        heights, x = geometry.merge_height, geometry.merge_x
        top = float(heights.max()) if heights.size else 1.0
        x_span = 10.0 * geometry.leaf_x.size
        scale = Scale.smallest_plot(x_span, top * ((1 + HEADROOM) ** 2 + 0.02))
        texts = [height_label(height) for height in heights]
        kept = kept_merge_labels(x, heights, texts, sizes.merge, scale, (0.0, x_span))
        x0, x1, y0, y1 = (corner[kept] for corner in merge_label_boxes(x, heights, texts, sizes.merge, scale))
        half = LINK_HALF_PX * scale.y
        bars = [
            Box(float(left), float(right), float(height) - half, float(height) + half)
            for left, right, height in zip(geometry.icoord[:, 1], geometry.icoord[:, 2], heights)
        ]
        boxes = [Box(*corners) for corners in zip(x0, x1, y0, y1)]
        return cls(texts, kept, boxes, scale, x_span, top, sizes, link_boxes=bars)

    def leaves(self, leaf_text: tuple[str, ...]) -> LeafLabels:
        """How the leaf labels are written (:func:`leaf_label_layout`)."""
        return leaf_label_layout(leaf_text, 10.0, self.scale, self.sizes.leaf, self.sizes.turned_leaf)

    def cut_label_place(self, height: float) -> CutLabelPlace:
        """Where the label of a cut line at ``height`` covers no merge label (:func:`cut_label_place`)."""
        return cut_label_place(
            height,
            (cut_line_text(height), cut_line_text(height, short=True)),
            self.sizes.cut,
            self.scale,
            self.x_span,
            (1 + HEADROOM) * self.top,  # the height axis reaches at least this high
            [*self.merge_boxes, *self.link_boxes],
        )
