"""HTTP-contract tests: every callback called through /_dash-update-component, as the renderer calls it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

from components import ids
from config import Settings
from factory import create_app
from figures.dendrogram import LEAF_TRACE
from tests.callback.conftest import call, patch_values, scatter_cut, text_of

DATA_DIR = Path(__file__).parents[1] / "data"
SESSION_A = "a" * 32
SESSION_B = "b" * 32
STORES = (ids.SESSION, ids.DATA_REF, ids.VIEW, ids.GRAPH_CUT)  # every dcc.Store of the layout
TREE_OUTPUTS = ["dendrogram.figure", "scatter.figure", "cophenetic.children"]
CUT_OUTPUTS = ["dendrogram.figure", "scatter-cut-store.data", "view-store.data"]


# --- helpers -----------------------------------------------------------------


def choose(client, app, key, session=SESSION_A):
    return call(
        client, app, ["data-ref-store.data"], inputs={"dataset.value": key}, state={"session-store.data": session}
    )


def tree(client, app, ref, method="ward", metric="euclidean", p=12, previous=None, triggered="data-ref-store.data"):
    return call(
        client,
        app,
        TREE_OUTPUTS,
        inputs={
            "data-ref-store.data": ref,
            "method.value": method,
            "metric.value": metric,
            "truncate-p.value": p,
            "annotate-above.value": None,
        },
        state={"view-store.data": previous},
        triggered=[triggered],
    )


def cut(client, app, view, trigger, value):
    """One cut request: the triggering input gets ``value``, the others their current values."""
    inputs = {"graph-cut-store.data": None, "cut-height.value": view["height"], "n-clusters.value": view["k"]}
    inputs[trigger] = value
    return call(client, app, CUT_OUTPUTS, inputs=inputs, state={"view-store.data": view}, triggered=[trigger])


def upload(client, app, raw: bytes, filename="points.csv", session=SESSION_A):
    contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
    return call(
        client,
        app,
        ["upload.contents"],
        inputs={"upload.contents": contents},
        state={"upload.filename": filename, "session-store.data": session},
    )


def message_text(reply) -> str:
    return text_of(reply.get("message", "children"))


def longest_array(value) -> int:
    """Length of the longest list, string or typed array anywhere in a JSON value."""
    if isinstance(value, dict):
        own = len(base64.b64decode(value["bdata"])) if "bdata" in value else 0
        return max([own, *(longest_array(v) for v in value.values())])
    if isinstance(value, list):
        return max([len(value), *(longest_array(v) for v in value)])
    if isinstance(value, str):
        return len(value)
    return 0


def assert_stores_small(reply, n_samples=150):
    for store in STORES:
        if reply.has(store, "data"):
            assert longest_array(reply.get(store, "data")) < n_samples, store


@pytest.fixture
def classic_ref(client, dash_app):
    return choose(client, dash_app, "classic").get(ids.DATA_REF, "data")


@pytest.fixture
def classic_view(client, dash_app, classic_ref):
    """The view store after the first tree of the classic data: ward, euclidean, p=12 (cut 100, k 2)."""
    return tree(client, dash_app, classic_ref).get(ids.VIEW, "data")


# --- 1. choosing an example ---------------------------------------------------


def test_choosing_classic_example_stores_only_a_reference(client, dash_app):
    reply = choose(client, dash_app, "classic")

    ref = reply.get(ids.DATA_REF, "data")
    assert set(ref) == {"session", "data"}
    assert ref["session"] == SESSION_A
    assert "150 samples" in text_of(reply.get(ids.DATA_SUMMARY, "children"))
    assert_stores_small(reply)


def test_unknown_dataset_shows_message_and_keeps_the_data(client, dash_app):
    reply = choose(client, dash_app, "no-such-dataset")

    assert reply.status == 200
    assert "no-such-dataset" in message_text(reply)
    assert not reply.has(ids.DATA_REF, "data")
    assert not reply.has(ids.DATA_SUMMARY, "children")


# --- 2. the tree --------------------------------------------------------------


def test_tree_of_classic_ward_euclidean(client, dash_app, classic_ref):
    reply = tree(client, dash_app, classic_ref)

    assert reply.get(ids.COPHENETIC, "children") == "0.98001"
    assert reply.get(ids.CUT_HEIGHT, "value") == 100
    assert reply.get(ids.N_CLUSTERS, "value") == 2
    figure = reply.get(ids.DENDROGRAM, "figure")
    line = figure["layout"]["shapes"][0]
    assert (line["type"], line["xref"], line["x0"], line["x1"]) == ("line", "paper", 0, 1)
    assert line["y0"] == line["y1"] == 100
    assert reply.has(ids.SCATTER, "figure")


@pytest.mark.parametrize("p", [12, 100])
def test_dendrogram_trace_count_does_not_depend_on_p(client, dash_app, classic_ref, p):
    reply = tree(client, dash_app, classic_ref, p=p)

    assert len(reply.get(ids.DENDROGRAM, "figure")["data"]) == LEAF_TRACE + 1


def test_tree_keeps_large_data_out_of_the_stores(client, dash_app, classic_ref):
    reply = tree(client, dash_app, classic_ref)

    view = reply.get(ids.VIEW, "data")
    assert view["method"] == "ward" and view["metric"] == "euclidean" and view["p"] == 12
    assert len(json.dumps(view)) < 500
    assert_stores_small(reply)


def test_ward_with_cityblock_only_explains(client, dash_app, classic_ref):
    reply = tree(client, dash_app, classic_ref, metric="cityblock", triggered="metric.value")

    assert "needs the euclidean metric" in message_text(reply)
    assert set(reply.response) == {ids.MESSAGE}


# --- 4. the cut ---------------------------------------------------------------


def _patched_shape(patch: dict) -> dict:
    shapes = patch_values(patch).get(("layout", "shapes"))
    assert shapes, "the patch does not move the cut line"
    return shapes[0]


def test_drag_returns_small_patches_and_snaps_the_height(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "graph-cut-store.data", {"y": 16.3, "source": "drag", "t": 1})

    dendrogram = reply.get(ids.DENDROGRAM, "figure")
    assert "__dash_patch_update" in dendrogram
    # The scatter's colours, for the page to apply (assets/cut.js paintScatter): SciPy's 4 clusters.
    colors = scatter_cut(reply)[("data", 0, "marker", "color")]
    assert np.unique(np.frombuffer(base64.b64decode(colors["bdata"]), dtype=colors["dtype"])).tolist() == [1, 2, 3, 4]
    assert reply.get(ids.N_CLUSTERS, "value") == 4
    assert reply.get(ids.CUT_HEIGHT, "value") == 16
    shape = _patched_shape(dendrogram)
    assert shape["y0"] == shape["y1"] == 16 and (shape["x0"], shape["x1"]) == (0, 1)
    assert reply.get(ids.VIEW, "data")["k"] == 4
    assert len(reply.body) < 10_000
    assert_stores_small(reply)


def test_typed_k_sets_the_height(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "n-clusters.value", 4)

    assert reply.get(ids.CUT_HEIGHT, "value") == 16.0
    assert "__dash_patch_update" in reply.get(ids.DENDROGRAM, "figure")


def test_typed_height_sets_k_without_echoing_the_height(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "cut-height.value", 50)

    assert reply.get(ids.N_CLUSTERS, "value") == 2
    assert not reply.has(ids.CUT_HEIGHT, "value")
    assert reply.get(ids.VIEW, "data")["height"] == 50


@pytest.mark.parametrize(("trigger", "field"), [("n-clusters.value", "k"), ("cut-height.value", "height")])
def test_echo_of_the_current_cut_is_no_request(client, dash_app, classic_view, trigger, field):
    reply = cut(client, dash_app, classic_view, trigger, classic_view[field])

    assert reply.status == 204
    assert reply.response == {}


@pytest.mark.parametrize("k", [0, 151])
def test_k_out_of_range_explains_the_range_and_puts_k_back(client, dash_app, classic_view, k):
    reply = cut(client, dash_app, classic_view, "n-clusters.value", k)

    assert "from 1 to 150" in message_text(reply)
    assert set(reply.response) == {ids.MESSAGE, ids.N_CLUSTERS}  # the cut and the other box stay
    assert reply.get(ids.N_CLUSTERS, "value") == 2


def test_negative_height_explains_and_puts_the_height_back(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "cut-height.value", -1)

    assert "at least 0" in message_text(reply)
    assert set(reply.response) == {ids.MESSAGE, ids.CUT_HEIGHT}
    assert reply.get(ids.CUT_HEIGHT, "value") == 100


# --- 5. upload ----------------------------------------------------------------


def test_upload_of_a_numeric_csv(client, dash_app):
    reply = upload(client, dash_app, (DATA_DIR / "tutorial_150.csv").read_bytes(), "tutorial_150.csv")

    ref = reply.get(ids.DATA_REF, "data")
    assert set(ref) == {"session", "data"} and ref["session"] == SESSION_A
    assert "150 samples" in text_of(reply.get(ids.DATA_SUMMARY, "children"))
    assert reply.get(ids.DATASET, "value") is None
    assert "tutorial_150.csv" in reply.get(ids.DATASET, "placeholder")
    assert reply.get(ids.UPLOAD, "contents") is None
    assert_stores_small(reply)
    # The reference works for the next callback.
    assert tree(client, dash_app, ref).has(ids.DENDROGRAM, "figure")


def test_upload_over_the_limit_names_the_limit(tmp_path):
    small_app = create_app(Settings(cache_dir=tmp_path / "cache", max_upload_mb=1))
    raw = b"x,y\n" + b"1.2345678,2.3456789\n" * 60_000  # 1.2 MB

    reply = upload(small_app.server.test_client(), small_app, raw, "big.csv")

    assert "1 MB" in message_text(reply)
    assert not reply.has(ids.DATA_REF, "data")
    assert reply.get(ids.UPLOAD, "contents") is None


def test_upload_of_binary_garbage_explains(client, dash_app):
    reply = upload(client, dash_app, b"\x89PNG\x00\x00\x01\xffgarbage\x00", "picture.csv")

    assert "binary data" in message_text(reply)
    assert not reply.has(ids.DATA_REF, "data")
    assert reply.get(ids.UPLOAD, "contents") is None


def test_upload_message_names_the_file_as_given(client, dash_app):
    # The message must show the user's file name unchanged ("picture.csv", not "Picture.csv").
    reply = upload(client, dash_app, b"\x00binary\x00", "picture.csv")

    assert "picture.csv" in message_text(reply)


# --- 6. sessions --------------------------------------------------------------


def test_another_session_cannot_read_the_data(client, dash_app, classic_ref):
    stolen = {"session": SESSION_B, "data": classic_ref["data"]}

    reply = tree(client, dash_app, stolen)

    assert "expired" in message_text(reply)
    assert not reply.has(ids.DENDROGRAM, "figure")
    assert not reply.has(ids.VIEW, "data")


# --- 7. method and metric options ---------------------------------------------


def test_ward_disables_every_metric_but_euclidean(client, dash_app):
    options = call(client, dash_app, ["metric.options"], inputs={"method.value": "ward"}).get(ids.METRIC, "options")

    assert {o["value"]: o["disabled"] for o in options} == {o["value"]: o["value"] != "euclidean" for o in options}
    assert len(options) > 1


def test_average_allows_every_metric(client, dash_app):
    options = call(client, dash_app, ["metric.options"], inputs={"method.value": "average"}).get(ids.METRIC, "options")

    assert not any(o["disabled"] for o in options)
