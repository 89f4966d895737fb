"""The image scatter (figures/raster.py): counts, colours, frames and the nearest sample."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageColor

from figures import raster
from figures.theme import LIGHT, PRESENT_LIGHT
from hclust import Projection


def _projection(x, y) -> Projection:
    return Projection(np.asarray(x, dtype=float), np.asarray(y, dtype=float), "x", "y", "two features")


def _decoded(result: raster.Raster) -> np.ndarray:
    """The image as RGBA, row 0 the lowest y (as plotly draws it with dy > 0)."""
    png = base64.b64decode(result.source.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _pixel_of(result: raster.Raster, x: float, y: float) -> tuple[int, int]:
    """(row, column) of the pixel holding the point (x, y)."""
    column = int(np.floor((x - (result.x0 - result.dx / 2)) / result.dx))
    row = int(np.floor((y - (result.y0 - result.dy / 2)) / result.dy))
    return row, column


def test_counts_per_pixel_are_numpys_histogram():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=50_000), rng.normal(size=50_000)
    frame = raster.Frame((-3.0, 3.0), (-2.0, 2.0), 120, 80)
    result = raster.render(_projection(x, y), np.zeros(x.size, dtype=np.uint8), ["#000000"], frame)
    counts, _, _ = np.histogram2d(y, x, bins=(80, 120), range=((-2, 2), (-3, 3)))
    assert result.most_per_pixel == int(counts.max())
    assert result.shown == int(counts.sum())
    assert (result.width, result.height) == (120, 80)
    np.testing.assert_allclose([result.x0, result.dx, result.y0, result.dy], [-3 + 0.025, 0.05, -2 + 0.025, 0.05])


def test_each_pixel_wears_its_majority_colour_and_empty_ones_are_transparent():
    # Three samples of colour 1 and one of colour 0 share a pixel; one sample of colour 0 is alone.
    x = [0.1, 0.12, 0.13, 0.11, 0.9]
    y = [0.1, 0.12, 0.11, 0.13, 0.9]
    paint = np.array([1, 1, 1, 0, 0])
    colors = ["#0072B2", "#E69F00"]
    frame = raster.Frame((0.0, 1.0), (0.0, 1.0), 10, 10)
    result = raster.render(_projection(x, y), paint, colors, frame)
    image = _decoded(result)
    shared = image[_pixel_of(result, 0.1, 0.1)]
    alone = image[_pixel_of(result, 0.9, 0.9)]
    assert tuple(shared[:3]) == ImageColor.getrgb("#E69F00")
    assert tuple(alone[:3]) == ImageColor.getrgb("#0072B2")
    assert shared[3] == 255  # the densest pixel is opaque
    assert alone[3] < shared[3]  # a single sample is lighter
    # Sparse data are spread to 3 x 3 pixels; far from both, nothing is drawn.
    assert image[5, 5, 3] == 0
    assert (image[..., 3] > 0).sum() == 9 + 4  # the corner sample's 3 x 3 is cut to 2 x 2


def test_paint_of_uses_the_slots_colours_and_grey_for_no_cluster():
    paint, colors = raster.paint_of(np.array([1, 2, 3, 0, 2]), np.array([4, 0, 9]), PRESENT_LIGHT)
    assert [colors[i] for i in paint] == [
        PRESENT_LIGHT.slot_color(4),
        PRESENT_LIGHT.slot_color(0),
        PRESENT_LIGHT.neutral,  # slot 9 is beyond the palette
        PRESENT_LIGHT.neutral,
        PRESENT_LIGHT.slot_color(0),
    ]


def test_the_image_is_small_whatever_n():
    rng = np.random.default_rng(1)
    n = 400_000
    centers = rng.uniform(-10, 10, size=(6, 2))
    which = rng.integers(0, 6, size=n)
    points = centers[which] + rng.normal(size=(n, 2))
    projection = _projection(points[:, 0], points[:, 1])
    paint, colors = raster.paint_of(which + 1, np.arange(6), LIGHT)
    result = raster.render(projection, paint, colors, raster.Frame.whole(projection, 900, 600))
    assert result.shown == n
    assert len(result.source) < 120_000  # an indexed PNG: what the wire carries does not grow with n


@pytest.mark.parametrize(
    "value",
    [None, "x", 3, {}, {"x": "a"}, {"x": [1]}, {"x": [1, 1]}, {"x": [0, float("nan")]}, {"x": [True, 2]}],
)
def test_malformed_frames_give_the_whole_view(value):
    projection = _projection([0.0, 10.0], [0.0, 5.0])
    assert raster.Frame.from_store(value, projection) == raster.Frame.whole(projection)


def test_a_frame_from_the_page_is_bounded_and_ordered():
    projection = _projection([0.0, 10.0], [0.0, 5.0])
    frame = raster.Frame.from_store({"x": [4, 2], "y": None, "width": 10**9, "height": 3.4}, projection)
    assert frame.x == (2.0, 4.0)
    assert frame.y == raster.Frame.whole(projection).y  # an axis on autorange: the whole data
    assert (frame.width, frame.height) == (raster.SIZE_LIMITS[1], raster.SIZE_LIMITS[0])


@pytest.mark.parametrize(
    "value",
    [
        {"x": [2.0, 4.0], "y": None, "width": 300, "height": 200},
        {"x": None, "y": [-1.5, 0.25], "width": 40, "height": 2400},
        {"x": None, "y": None, "width": 640, "height": 420},
    ],
)
def test_a_frame_gives_back_what_the_page_reported(value):
    # The image's meta carries it: the page compares it with its plot area to see a stale image.
    projection = _projection([0.0, 10.0], [0.0, 5.0])
    frame = raster.Frame.from_store(value, projection)
    assert frame.reported() == value
    assert raster.Frame.from_store(frame.reported(), projection) == frame
    whole = raster.Frame.whole(projection)
    assert whole.reported() == {"x": None, "y": None, "width": whole.width, "height": whole.height}


def test_nearest_sample_is_measured_in_screen_pixels():
    projection = _projection([0.0, 1.0, 100.0], [0.0, 100.0, 0.0])
    # One screen pixel is 1 unit across and 100 up: (0.5, 95) is 0.5 px across, 0.05 px up from sample 1.
    assert raster.nearest_sample(projection, 0.5, 95.0, (1.0, 100.0)) == 1
    assert raster.nearest_sample(projection, 50.0, 50.0, (1.0, 1.0)) is None  # nothing within 4 px
    assert raster.nearest_sample(projection, float("nan"), 0.0, (1.0, 1.0)) is None
    assert raster.nearest_sample(projection, 0.0, 0.0, (0.0, 1.0)) is None


def test_the_figure_is_the_base_plus_the_updates():
    projection = _projection([0.0, 10.0, 5.0], [0.0, 5.0, 2.0])
    paint, colors = raster.paint_of(np.array([1, 2, 1]), np.array([0, 1]), LIGHT)
    result = raster.render(projection, paint, colors, raster.Frame.whole(projection))
    figure = raster.raster_figure(projection, result, revision="r").to_dict()
    image = figure["data"][raster.RASTER_TRACE]
    assert image["type"] == "image"
    for (_, trace, prop), value in raster.raster_updates(result).items():
        assert figure["data"][trace][prop] == value
    extent = figure["data"][raster.EXTENT_TRACE]
    assert min(extent["x"]) < 0 < 10 < max(extent["x"])  # autorange shows all the data
    assert figure["layout"]["yaxis"]["autorange"] is True  # not reversed, as an image's would be


def test_a_selection_keeps_its_colours_and_the_rest_fades():
    x, y = [0.1, 0.5, 0.9], [0.1, 0.5, 0.9]
    frame = raster.Frame((0.0, 1.0), (0.0, 1.0), 10, 10)
    result = raster.render(
        _projection(x, y), np.array([0, 0, 1]), ["#0072B2", "#E69F00"], frame, selected=np.array([1])
    )
    image = _decoded(result)
    chosen, other, third = (image[_pixel_of(result, v, v)] for v in (0.5, 0.1, 0.9))
    assert tuple(chosen[:3]) == tuple(other[:3]) == ImageColor.getrgb("#0072B2")
    assert tuple(third[:3]) == ImageColor.getrgb("#E69F00")
    assert other[3] == third[3] == round(chosen[3] * raster.FADED)
