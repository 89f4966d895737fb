"""The scatter as an image, for data too large to send point by point.

Beyond ``HCLUST_SCATTER_IMAGE_ABOVE`` samples (default 100,000) the scatter's
first trace is a plotly ``Image`` instead of a ``Scattergl``: datashader
counts the samples of each cluster in every pixel of the plot area
(``ds.by(..., ds.count())``), and each pixel is painted in the colour of the
cluster with most samples there, darker where more samples fall (four steps
on a log scale). The PNG is indexed (a palette of the slots' colours), so
its size follows the picture, not n: about 20-40 KB for a million points.

A cut, another colouring, a zoom or a pan sends one new image
(:func:`raster_updates`), the same ``{path: value}`` data as every other
figure update; the figure itself (:func:`raster_figure`) is a base plus
those updates. The axes keep the whole data in view on autorange through an
invisible trace at the data's corners (:data:`EXTENT_TRACE`).
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image, ImageColor

from figures.dendrogram import FigureUpdates
from figures.scatter import UNSELECTED_OPACITY, centroid_trace, lay_out
from figures.theme import LIGHT, Theme
from hclust import Projection

RASTER_TRACE = 0
"""The image trace (the samples); trace 1 is the centroid markers, as in the point scatter."""
EXTENT_TRACE = 2
"""An invisible two-point trace at the data's corners: autorange shows all the data."""
DEFAULT_SIZE = (640, 420)
"""The image's size in pixels before the page has said how large the plot area is."""
SIZE_LIMITS = (40, 2400)
"""The smallest and largest side of an image the page may ask for."""
LEVELS = (0.5, 0.7, 0.85, 1.0)
"""The opacity of a pixel by how many samples fall in it, from one to the most (log scale)."""
FADED = UNSELECTED_OPACITY
"""The opacity of samples outside a branch selection, relative to their own (as in the point scatter)."""
SPARSE = 0.1
"""Below this fraction of occupied pixels, each sample is drawn 3 x 3 pixels large (``tf.spread``)."""
PAD = 0.03
"""The margin around the data in the whole view, as a fraction of its span."""


@dataclass(frozen=True)
class Frame:
    """What the plot area shows: the axes' ranges and its size in screen pixels.

    ``autorange`` says, per axis, that the range is the whole data's because
    the page reported none (its axis on autorange), as ``reported`` gives back.
    """

    x: tuple[float, float]
    y: tuple[float, float]
    width: int
    height: int
    autorange: tuple[bool, bool] = (False, False)

    @classmethod
    def whole(cls, projection: Projection, width: int = DEFAULT_SIZE[0], height: int = DEFAULT_SIZE[1]) -> Frame:
        """All the data, with a small margin, in a plot area of ``width`` x ``height`` pixels."""
        return cls(_padded(projection.x), _padded(projection.y), width, height, (True, True))

    def reported(self) -> dict:
        """The frame in the page's terms (``from_store``'s), so the page can tell what an image was drawn for."""
        x, y = (None if auto else list(side) for auto, side in zip(self.autorange, (self.x, self.y)))
        return {"x": x, "y": y, "width": self.width, "height": self.height}

    @classmethod
    def from_store(cls, value: object, projection: Projection) -> Frame:
        """The frame the page reported (``{"x": [a, b], "y": [c, d], "width": w, "height": h}``).

        Anything missing or malformed gives the whole view; a missing range
        (an axis on autorange) gives that axis's whole range. So
        no payload can fail the request or ask for a huge image.
        """
        whole = cls.whole(projection)
        if not isinstance(value, dict):
            return whole
        width = _side(value.get("width"), whole.width)
        height = _side(value.get("height"), whole.height)
        x, y = _range(value.get("x"), None), _range(value.get("y"), None)
        return cls(x or whole.x, y or whole.y, width, height, (x is None, y is None))


@dataclass(frozen=True)
class Raster:
    """One rendered image and where it goes on the axes.

    Attributes
    ----------
    source : str
        A ``data:image/png;base64`` URI.
    x0, dx, y0, dy : float
        The centre of the bottom-left pixel and a pixel's size, in data units
        (plotly ``Image``'s own attributes; rows go up).
    frame : Frame
        What it was drawn for; its ``width`` and ``height`` are the image's, in pixels.
    most_per_pixel : int
        The largest number of samples in one pixel.
    shown : int
        Samples inside the frame.
    """

    source: str
    x0: float
    dx: float
    y0: float
    dy: float
    frame: Frame
    most_per_pixel: int
    shown: int

    @property
    def width(self) -> int:
        """The image's width in pixels."""
        return self.frame.width

    @property
    def height(self) -> int:
        """The image's height in pixels."""
        return self.frame.height

    def describe(self, n: int) -> tuple[str, str]:
        """How the image was made: a short phrase for the scatter's caption, and the whole of it (its tooltip)."""
        inside = "" if self.shown == n else f", {self.shown:,} in view"
        short = f"{n:,} samples as an image (up to {self.most_per_pixel:,} per pixel{inside})"
        whole = (
            f"{n:,} samples drawn as a {self.width} x {self.height} pixel image{inside}: each pixel in the "
            f"colour of most of its samples, darker with more (up to {self.most_per_pixel:,} per pixel). "
            "Zoom in to see them apart; hover for the nearest sample."
        )
        return short, whole


def render(
    projection: Projection, paint: np.ndarray, colors: list[str], frame: Frame, selected: np.ndarray | None = None
) -> Raster:
    """Aggregate the samples into the frame's pixels by colour, and paint each pixel in its most common one.

    Parameters
    ----------
    projection : Projection
        Where each sample goes.
    paint : ndarray of int, shape (n,)
        Each sample's colour, an index into ``colors`` (:func:`paint_of`).
    colors : list of str
        CSS colours, at most 63.
    frame : Frame
    selected : ndarray of int, optional
        A branch selection's samples: they keep their colours, the others
        fade (as the point scatter's ``unselected`` style), and a pixel with
        any selected sample shows the selection.

    Returns
    -------
    Raster
    """
    k = len(colors)
    ids = np.clip(np.asarray(paint, dtype=np.int64), 0, k - 1)
    if selected is not None:
        faded = np.ones(ids.size, dtype=bool)
        faded[np.asarray(selected, dtype=np.int64)] = False
        ids = np.where(faded, ids + k, ids)  # ids k..2k-1: the same colours, faded
    counts, most, shown = _counts(projection, ids, 2 * k if selected is not None else k, frame)
    total = counts.sum(axis=2)
    top = counts.argmax(axis=2)
    if selected is not None:
        chosen = counts[..., :k]
        top = np.where(chosen.sum(axis=2) > 0, chosen.argmax(axis=2), counts[..., k:].argmax(axis=2) + k)
    index = _palette_index(top, total, int(total.max(initial=0)))
    image = Image.fromarray(index, mode="P")  # row 0 is the lowest y, drawn at y0 (dy > 0)
    image.putpalette(_palette(colors, faded=selected is not None), rawmode="RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    dx = (frame.x[1] - frame.x[0]) / frame.width
    dy = (frame.y[1] - frame.y[0]) / frame.height
    return Raster(
        source="data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        x0=frame.x[0] + dx / 2,
        dx=dx,
        y0=frame.y[0] + dy / 2,
        dy=dy,
        frame=frame,
        most_per_pixel=most,
        shown=shown,
    )


def paint_of(labels: np.ndarray, cluster_slots: np.ndarray, theme: Theme) -> tuple[np.ndarray, list[str]]:
    """Each sample's colour index, and the colours: cluster c (1-based) wears its slot's, id 0 the neutral grey.

    Clusters that share a slot share a colour here too (the point scatter
    tells them apart by shape, which an image cannot).
    """
    slots = np.asarray(cluster_slots, dtype=np.int64)
    neutral = len(theme.palette)
    of_id = np.concatenate([[neutral], np.where((slots >= 0) & (slots < neutral), slots, neutral)])
    ids = np.asarray(labels, dtype=np.int64)
    ids = np.where((ids >= 0) & (ids < of_id.size), ids, 0)
    return of_id[ids].astype(np.uint8), [theme.slot_color(slot) for slot in range(neutral + 1)]


def render_clusters(
    projection: Projection,
    labels: np.ndarray,
    cluster_slots: np.ndarray,
    theme: Theme,
    frame: Frame,
    selected: np.ndarray | None = None,
) -> Raster:
    """:func:`render` of a partition: ids 1..k in their slots' colours, 0 grey (:func:`paint_of`)."""
    paint, colors = paint_of(labels, cluster_slots, theme)
    return render(projection, paint, colors, frame, selected)


def raster_updates(raster: Raster) -> FigureUpdates:
    """The image trace's updates for a new rendering (a cut, a colouring, a zoom)."""
    return {
        ("data", RASTER_TRACE, "source"): raster.source,
        ("data", RASTER_TRACE, "x0"): raster.x0,
        ("data", RASTER_TRACE, "dx"): raster.dx,
        ("data", RASTER_TRACE, "y0"): raster.y0,
        ("data", RASTER_TRACE, "dy"): raster.dy,
        ("data", RASTER_TRACE, "meta"): {"frame": raster.frame.reported()},
    }


def raster_figure(projection: Projection, raster: Raster, revision: str = "", theme: Theme = LIGHT) -> go.Figure:
    """The scatter for a large dataset: the image, the (empty) centroid markers, the data's corners.

    The axes are those of the point scatter (titles, equal scale where it
    applies); the image's hover is off, since a pixel is no sample: the
    page asks the server for the nearest one (``callbacks/raster.py``).
    """
    image = go.Image(source=raster.source, hoverinfo="none", name="samples")
    x, y = _padded(projection.x), _padded(projection.y)
    corners = go.Scatter(x=list(x), y=list(y), mode="markers", marker={"opacity": 0}, hoverinfo="skip", name="extent")
    figure = go.Figure([image, centroid_trace(theme), corners])
    lay_out(figure, projection, revision, theme)
    # An image would reverse the y axis and pin its scale to x by default; these are the scatter's axes.
    figure.update_xaxes(autorange=True, constrain="range")
    figure.update_yaxes(autorange=True, constrain="range")
    if not projection.equal_scale:
        figure.update_yaxes(scaleanchor=False)
    figure_dict = figure.to_dict()
    for (_, trace, prop), value in raster_updates(raster).items():
        figure_dict["data"][trace][prop] = value
    return go.Figure(figure_dict, skip_invalid=False)


def nearest_sample(projection: Projection, x: float, y: float, pixel: tuple[float, float], reach: float = 4.0):
    """The sample nearest to ``(x, y)`` on screen, or None when none is within ``reach`` pixels.

    ``pixel`` is a screen pixel's size in data units along x and y, so
    distance is measured as the eye sees it whatever the axes' scales.
    """
    sx, sy = (abs(float(v)) for v in pixel)
    if not all(math.isfinite(v) for v in (x, y, sx, sy)) or sx <= 0 or sy <= 0:
        return None
    distance = ((projection.x - x) / sx) ** 2 + ((projection.y - y) / sy) ** 2
    index = int(np.argmin(distance))
    return index if distance[index] <= reach**2 else None


def _counts(projection: Projection, ids: np.ndarray, categories: int, frame: Frame) -> tuple[np.ndarray, int, int]:
    """Samples of each id per pixel (datashader), shape (height, width, categories); the most in a pixel; how many.

    Sparse pictures (under :data:`SPARSE` of the pixels occupied) are spread
    by a pixel all round, so a lone sample shows; the two numbers are the
    counts before spreading.
    """
    # Imported here: datashader (and numba) take 0.6 s to import, and only large data need them.
    import datashader as ds
    import datashader.transfer_functions as tf

    frame_data = pd.DataFrame(
        {"x": projection.x, "y": projection.y, "id": pd.Categorical.from_codes(ids, categories=range(categories))}
    )
    canvas = ds.Canvas(plot_width=frame.width, plot_height=frame.height, x_range=frame.x, y_range=frame.y)
    aggregate = canvas.points(frame_data, "x", "y", agg=ds.by("id", ds.count()))
    total = aggregate.values.sum(axis=2)
    most, shown = int(total.max(initial=0)), int(total.sum())
    if np.count_nonzero(total) < SPARSE * total.size:
        aggregate = tf.spread(aggregate, px=1)
    return aggregate.values, most, shown


def _palette_index(top: np.ndarray, total: np.ndarray, most: int) -> np.ndarray:
    """Each pixel's palette entry: 0 when empty, else 1 + id * len(LEVELS) + its density step."""
    steps = len(LEVELS)
    if most <= 1:
        level = np.full(total.shape, steps - 1)
    else:
        level = np.floor(np.log(np.maximum(total, 1)) / math.log(most) * (steps - 1) + 0.5).astype(np.int64)
    index = 1 + top.astype(np.int64) * steps + level
    return np.where(total > 0, index, 0).astype(np.uint8)


def _palette(colors: list[str], faded: bool = False) -> list[int]:
    """RGBA entries: transparent, then each colour at each density step; with ``faded``, then all faded."""
    entries = [0, 0, 0, 0]
    scales = (1.0, FADED) if faded else (1.0,)
    for scale in scales:
        for color in colors[: (256 - 1) // (len(LEVELS) * len(scales))]:
            red, green, blue = ImageColor.getrgb(color)[:3]
            for alpha in LEVELS:
                entries.extend((red, green, blue, round(255 * alpha * scale)))
    return entries


def _padded(values: np.ndarray) -> tuple[float, float]:
    low, high = (float(np.min(values)), float(np.max(values))) if len(values) else (0.0, 1.0)
    span = high - low if high > low else max(abs(high), 1.0)
    return low - PAD * span, high + PAD * span


def _side(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return int(min(max(round(value), SIZE_LIMITS[0]), SIZE_LIMITS[1]))


def _range(value: object, default: tuple[float, float] | None) -> tuple[float, float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return default
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return default
    low, high = float(value[0]), float(value[1])
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        return default
    return (low, high) if low < high else (high, low)
