"""The image scatter over HTTP: a cut, a zoom and a hover answer with SciPy's clusters (callbacks/raster.py)."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image
from scipy.cluster.hierarchy import fcluster, linkage

from callbacks.render import ViewState
from callbacks.selected import tree_key
from components import ids
from config import Settings
from factory import create_app
from figures import raster as raster_fig
from hclust import build_tree
from hclust.clusters import samples_under
from loaders.builtin import load_builtin
from tests.callback.conftest import call, patch_values, scatter_cut, text_of
from tests.callback.test_callbacks import choose, tree
from tests.callback.test_compare import compare

CLASSIC = load_builtin("classic").features
FRAME = {"x": [-5.0, 30.0], "y": [-10.0, 30.0], "width": 500, "height": 400}


@pytest.fixture
def dash_app(tmp_path):
    """The app with every scatter drawn as an image (the classic data's 150 samples are 'large')."""
    return create_app(Settings(cache_dir=tmp_path / "cache", scatter_image_above=100))


@pytest.fixture
def image_view(client, dash_app):
    ref = choose(client, dash_app, "classic").get(ids.DATA_REF, "data")
    reply = tree(client, dash_app, ref)
    return reply, reply.get(ids.VIEW, "data")


def _operations(patch: dict) -> dict:
    return patch_values(patch)


def _image_of(values: dict) -> tuple[np.ndarray, dict]:
    """The patched image as RGBA (row 0 the lowest y) and its placement."""
    png = base64.b64decode(values[("data", 0, "source")].split(",", 1)[1])
    place = {name: values[("data", 0, name)] for name in ("x0", "dx", "y0", "dy")}
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")), place


def _pixels(place: dict) -> list[tuple[int, int]]:
    """(row, column) of each classic sample in the image."""
    columns = np.floor((CLASSIC[:, 0] - (place["x0"] - place["dx"] / 2)) / place["dx"]).astype(int)
    rows = np.floor((CLASSIC[:, 1] - (place["y0"] - place["dy"] / 2)) / place["dy"]).astype(int)
    return list(zip(rows, columns, strict=True))


def _colours_of_samples(image: np.ndarray, place: dict) -> list[tuple]:
    return [tuple(image[row, column, :3]) for row, column in _pixels(place)]  # opacity: density


def test_a_large_scatter_is_an_image_with_a_caption(image_view):
    reply, _ = image_view
    figure = reply.get(ids.SCATTER, "figure")
    assert figure["data"][0]["type"] == "image"
    assert figure["data"][0]["source"].startswith("data:image/png;base64,")
    assert len(json.dumps(figure)) < 30_000
    assert "150 samples as an image" in text_of(reply.get(ids.SCATTER_CAPTION, "children"))


def test_a_cut_repaints_the_image_with_scipys_clusters(client, dash_app, image_view):
    _, view = image_view
    inputs = {"graph-cut-store.data": None, "cut-height.value": view["height"], "n-clusters.value": 4}
    reply = call(
        client,
        dash_app,
        ["dendrogram.figure", "scatter-cut-store.data", "view-store.data"],
        inputs=inputs,
        state={"view-store.data": view, "scatter-frame-store.data": FRAME},
        triggered=["n-clusters.value"],
    )
    updates = scatter_cut(reply)
    image, place = _image_of(updates)
    assert image.shape == (FRAME["height"], FRAME["width"], 4)
    # The image says what it was drawn for, so the page can tell a reply for an older frame.
    assert updates[("data", 0, "meta")] == {"frame": FRAME}
    np.testing.assert_allclose(place["dx"], 35.0 / 500)
    expected = fcluster(linkage(CLASSIC, "ward"), 4, "maxclust")
    colours = _colours_of_samples(image, place)
    # One colour per SciPy cluster, and a different one for each (k = 4 is within the palette).
    by_cluster = {c: {colours[i] for i in np.flatnonzero(expected == c)} for c in range(1, 5)}
    assert all(len(found) == 1 for found in by_cluster.values()), by_cluster
    assert len({next(iter(found)) for found in by_cluster.values()}) == 4
    assert len(reply.body) < 20_000


def test_a_zoom_renders_the_frame_asked_for(client, dash_app, image_view):
    _, view = image_view
    zoom = {"x": [0.0, 10.0], "y": [0.0, 8.0], "width": 300, "height": 240}
    reply = call(
        client,
        dash_app,
        ["scatter.figure", "scatter-caption.children"],
        inputs={"scatter-frame-store.data": zoom},
        state={"view-store.data": view, "color-by.value": "tree"},
    )
    updates = _operations(reply.get(ids.SCATTER, "figure"))
    image, place = _image_of(updates)
    assert image.shape == (240, 300, 4)
    assert updates[("data", 0, "meta")] == {"frame": zoom}
    np.testing.assert_allclose([place["x0"], place["dx"]], [10.0 / 600, 10.0 / 300])
    inside = (CLASSIC[:, 0] >= 0) & (CLASSIC[:, 0] <= 10) & (CLASSIC[:, 1] >= 0) & (CLASSIC[:, 1] <= 8)
    assert f"{int(inside.sum()):,} in view" in text_of(reply.get(ids.SCATTER_CAPTION, "children"))


@pytest.mark.parametrize("frame", ["nonsense", {"x": [1, 1]}, {"width": -5}, [1, 2]])
def test_a_malformed_frame_renders_the_whole_view(client, dash_app, image_view, frame):
    _, view = image_view
    reply = call(
        client,
        dash_app,
        ["scatter.figure", "scatter-caption.children"],
        inputs={"scatter-frame-store.data": frame},
        state={"view-store.data": view},
    )
    assert "150 samples as an image" in text_of(reply.get(ids.SCATTER_CAPTION, "children"))


def _hover(client, app, view, hover):
    return call(
        client,
        app,
        ["scatter-tooltip.show", "scatter-tooltip.children"],
        inputs={"scatter-hover-store.data": hover},
        state={"view-store.data": view},
    )


def test_hover_names_the_nearest_sample_and_its_scipy_cluster(client, dash_app, image_view):
    _, view = image_view
    expected = fcluster(linkage(CLASSIC, "ward"), view["height"], "distance")
    sample = 17
    x, y = CLASSIC[sample]
    hover = {"x": x + 0.01, "y": y - 0.01, "pixel": [0.05, 0.05], "bbox": {"x0": 1, "x1": 2, "y0": 3, "y1": 4}}
    reply = _hover(client, dash_app, view, hover)
    assert reply.get(ids.SCATTER_TOOLTIP, "show") is True
    assert reply.get(ids.SCATTER_TOOLTIP, "bbox") == hover["bbox"]
    assert text_of(reply.get(ids.SCATTER_TOOLTIP, "children")) == f"sample {sample}  cluster {expected[sample]}"


@pytest.mark.parametrize(
    "hover",
    [None, "x", {"x": 1}, {"x": "a", "y": 1, "pixel": [1, 1]}, {"x": 1e9, "y": 1e9, "pixel": [0.01, 0.01]}],
)
def test_hover_far_from_samples_or_malformed_hides_the_tooltip(client, dash_app, image_view, hover):
    _, view = image_view
    reply = _hover(client, dash_app, view, hover)
    assert reply.status == 200
    assert reply.get(ids.SCATTER_TOOLTIP, "show") is False


def test_a_small_scatter_stays_points(tmp_path):
    app = create_app(Settings(cache_dir=tmp_path / "points"))
    client = app.server.test_client()
    ref = choose(client, app, "classic").get(ids.DATA_REF, "data")
    figure = tree(client, app, ref).get(ids.SCATTER, "figure")
    assert figure["data"][0]["type"] == "scatter"
    assert raster_fig.RASTER_TRACE == 0  # the image takes the samples' trace, so patches of trace 1 still fit


def test_a_selection_draws_the_image_again_not_every_point(client, dash_app, image_view):
    _, view = image_view
    root = int(next(iter(view["colors"])))
    reply = call(
        client,
        dash_app,
        ["selection-store.data"],
        inputs={"node-pick-store.data": {"row": root, "t": 1}},
        state={"view-store.data": view, "scatter-frame-store.data": FRAME, "color-by.value": "tree"},
        triggered=["node-pick-store.data"],
    )
    values = _operations(reply.get(ids.SCATTER, "figure"))
    assert ("data", 0, "selectedpoints") not in values
    image, place = _image_of(values)
    expected = fcluster(linkage(CLASSIC, "ward"), view["height"], "distance")
    alphas = np.array([image[r, c, 3] for r, c in _pixels(place)])
    chosen = expected == expected[np.flatnonzero(alphas == alphas.max())[0]]
    assert alphas[~chosen].max() < alphas[chosen].min()  # the other cluster fades


def _figures_in(node) -> list[dict]:
    """Every dcc.Graph figure inside serialized components."""
    if isinstance(node, list):
        return [figure for child in node for figure in _figures_in(child)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    own = [props["figure"]] if node.get("type") == "Graph" and "figure" in props else []
    return own + _figures_in(props.get("children"))


def test_the_methods_side_by_side_draw_their_scatters_as_images(client, dash_app, image_view):
    _, view = image_view
    reply = compare(client, dash_app, view, ["ward", "average"])
    figures = _figures_in(reply.get(ids.COMPARE_GRID, "children"))
    scatters = [figure for figure in figures if figure["data"][0].get("name") == "samples"]
    assert len(scatters) == 2
    assert all(figure["data"][0]["type"] == "image" for figure in scatters)
    assert len(reply.body) < 100_000


def test_another_colouring_keeps_a_selected_branch_lit(client, dash_app, image_view):
    # Colouring an image scatter by the true classes draws it again: a selected branch must stay lit.
    _, view = image_view
    root = int(next(iter(view["colors"])))
    selection = {"node": root, "tree": tree_key(ViewState.from_store(view))}
    reply = call(
        client,
        dash_app,
        ["scatter.figure", "message.children"],
        inputs={"color-by.value": "truth", "compare-algorithm.value": None, "show-centroids.value": []},
        state={"view-store.data": view, "scatter-frame-store.data": FRAME, "selection-store.data": selection},
        triggered=["color-by.value"],
    )
    image, place = _image_of(_operations(reply.get(ids.SCATTER, "figure")))
    expected = fcluster(linkage(CLASSIC, "ward"), view["height"], "distance")
    chosen = np.isin(np.arange(CLASSIC.shape[0]), samples_under(build_tree(CLASSIC, "ward", "euclidean"), root))
    assert 0 < chosen.sum() < chosen.size and len(set(expected[chosen])) == 1  # one of the two clusters
    alphas = np.array([image[r, c, 3] for r, c in _pixels(place)])
    assert alphas[~chosen].max() < alphas[chosen].min()  # the rest fades, in the new colouring too
