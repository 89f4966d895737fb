"""Cancelling a background tree puts the whole page back to the tree on screen.

The renderer's sequence is replayed over HTTP: a dataset and its tree are on
screen, other data is loaded (its tree would run as a background job), then
Cancel is clicked. The cancel callback must bring back the shown tree's
dataset, the data panel exactly as it was for it, and the linkage choices;
the callbacks that the restored controls trigger must then do nothing.
"""

from __future__ import annotations

import pytest

from components import ids
from tests.callback.conftest import call, text_of
from tests.callback.data_calls import (
    FORMATS_DIR,
    SESSION,
    change_option,
    controls_after,
    message_text,
    tree,
    upload,
    upload_file,
)

PENDING_CSV = b"name,u,v\n" + b"\n".join(f"s{i},{i % 7}.5,{i % 5}.25".encode() for i in range(40))
CLASSIC_NAME = "Classic: 2 groups"


def choose(client, app, key, scaling="none"):
    """Pick a built-in example with a scaling, as the example menu and the scaling radio do."""
    return call(
        client,
        app,
        ["data-ref-store.data", "data-summary.children"],
        inputs={"dataset.value": key, "scaling.value": scaling},
        state={"session-store.data": SESSION},
        triggered=["dataset.value"],
    )


def cancel(client, app, view: dict, data_ref: dict):
    """Click Cancel while the tree of ``data_ref`` is computed and ``view`` is on screen."""
    return call(
        client,
        app,
        ["tree-mode.value", "data-ref-store.data"],
        inputs={"job-cancel.n_clicks": 1},
        state={"view-store.data": view, "data-ref-store.data": data_ref},
    )


def show_restored(client, app, restored_ref: dict, view: dict):
    """The tree callback as the restored data ref and linkage choices trigger it."""
    return call(
        client,
        app,
        ["dendrogram.figure", "scatter.figure", "tree-job-store.data"],
        inputs={
            "data-ref-store.data": restored_ref,
            "method.value": view["method"],
            "metric.value": view["metric"],
            "truncate-p.value": view["p"],
            "annotate-above.value": view["annotate_above"],
            "tree-mode.value": view["tree_mode"],
        },
        state={"view-store.data": view, "job-box.hidden": True},
        triggered=["data-ref-store.data", "method.value", "metric.value", "tree-mode.value"],
    )


def load_with(client, app, reply, triggered: list[str]):
    """The file callback as the controls written by ``reply`` (a cancel) trigger it."""
    restored = {
        f"{component}.value": reply.get(component, "value")
        for component in (ids.SHEET, ids.READ_AS, ids.FEATURES, ids.LABEL, ids.MISSING, ids.SCALING)
    }
    return call(
        client,
        app,
        ["upload.contents", "dataset.placeholder"],
        inputs={"upload.contents": None, **restored},
        state={
            "upload.filename": None,
            "session-store.data": SESSION,
            "table-ref-store.data": reply.get(ids.TABLE_REF, "data"),
            "data-ref-store.data": reply.get(ids.DATA_REF, "data"),
        },
        triggered=triggered,
    )


@pytest.fixture
def classic_on_screen(client, dash_app):
    """The classic example, z-scored, with its ward tree on screen: (data ref, view)."""
    ref = choose(client, dash_app, "classic", scaling="standardize").get(ids.DATA_REF, "data")
    view = tree(client, dash_app, ref, method="ward").get(ids.VIEW, "data")
    return ref, view


def test_cancelling_an_upload_brings_back_the_example_and_its_whole_panel(client, dash_app, classic_on_screen):
    classic_ref, view = classic_on_screen
    pending = upload(client, dash_app, PENDING_CSV, "pending.csv", scaling="standardize")
    assert pending.get(ids.DATA_OPTIONS, "hidden") is False  # the panel showed the upload

    reply = cancel(client, dash_app, view, pending.get(ids.DATA_REF, "data"))

    restored = reply.get(ids.DATA_REF, "data")
    assert {"session": restored["session"], "data": restored["data"]} == classic_ref
    summary = text_of(reply.get(ids.DATA_SUMMARY, "children"))
    assert CLASSIC_NAME in summary and "150 samples × 2 features" in summary and "pending" not in summary
    assert reply.get(ids.DATASET, "value") == "classic"
    assert reply.get(ids.SCALING, "value") == "standardize"
    assert reply.get(ids.TABLE_REF, "data") is None
    assert reply.get(ids.DATA_OPTIONS, "hidden") is True
    assert reply.get(ids.FEATURES, "options") == [] and reply.get(ids.FEATURES, "value") == []
    assert reply.get(ids.LABEL, "value") == "__none__"
    assert (reply.get(ids.METHOD, "value"), reply.get(ids.METRIC, "value")) == ("ward", "euclidean")

    text = message_text(reply)
    assert text.startswith("Cancelled: pending.csv was not loaded") and f"kept: '{CLASSIC_NAME}'" in text
    assert "load it again" in text
    # The restored ref and menus trigger the tree callback: the view on screen stays as it is.
    assert show_restored(client, dash_app, restored, view).status == 204

    # The restored menu and radio trigger the example callback: it must not load the data again.
    again = call(
        client,
        dash_app,
        ["data-ref-store.data", "data-summary.children"],
        inputs={"dataset.value": "classic", "scaling.value": "standardize"},
        state={"session-store.data": SESSION, "data-ref-store.data": restored},
        triggered=["dataset.value", "scaling.value"],
    )
    assert again.status == 204
    assert load_with(client, dash_app, reply, ["scaling.value"]).status == 204


def test_cancelling_brings_back_an_uploaded_files_columns_label_and_scaling(client, dash_app):
    first = upload_file(client, dash_app, FORMATS_DIR / "spreadsheet_export.csv")
    table_ref = first.get(ids.TABLE_REF, "data")
    current = controls_after(first)
    chosen = change_option(client, dash_app, table_ref, "feature-columns.value", ["Länge", "Breite"], current)
    current["feature-columns.value"] = ["Länge", "Breite"]
    scaled = change_option(client, dash_app, table_ref, "scaling.value", "minmax", current)
    assert chosen.has(ids.DATA_REF, "data")
    shown_ref = scaled.get(ids.DATA_REF, "data")
    view = tree(client, dash_app, shown_ref).get(ids.VIEW, "data")
    pending = upload(client, dash_app, PENDING_CSV, "pending.csv", scaling="minmax")

    reply = cancel(client, dash_app, view, pending.get(ids.DATA_REF, "data"))

    assert reply.get(ids.DATA_REF, "data")["data"] == shown_ref["data"]
    assert reply.get(ids.TABLE_REF, "data") == table_ref
    assert reply.get(ids.FEATURES, "value") == ["Länge", "Breite"]
    assert reply.get(ids.FEATURES, "options") == first.get(ids.FEATURES, "options")
    assert reply.get(ids.LABEL, "value") == "Probe"
    assert reply.get(ids.LABEL, "options") == first.get(ids.LABEL, "options")
    assert reply.get(ids.SCALING, "value") == "minmax"
    assert reply.get(ids.MISSING, "value") == "drop"
    assert reply.get(ids.READ_AS, "value") == "observations"
    assert reply.get(ids.DATA_OPTIONS, "hidden") is False
    assert "spreadsheet_export.csv" in reply.get(ids.DATA_OPTIONS_TITLE, "children")
    assert reply.get(ids.DATASET, "value") is None
    assert reply.get(ids.DATASET, "placeholder") == "Uploaded: spreadsheet_export.csv"
    summary = text_of(reply.get(ids.DATA_SUMMARY, "children"))
    assert "spreadsheet_export.csv" in summary and "2 features (Länge, Breite)" in summary

    # The restored controls trigger the file callback: the same choices load nothing again...
    assert load_with(client, dash_app, reply, ["feature-columns.value", "scaling.value"]).status == 204
    # ...but a real change after the cancel still loads.
    changed = call(
        client,
        dash_app,
        ["upload.contents", "dataset.placeholder"],
        inputs={
            "upload.contents": None,
            **{
                f"{c}.value": reply.get(c, "value")
                for c in (ids.SHEET, ids.READ_AS, ids.FEATURES, ids.LABEL, ids.MISSING)
            },
            "scaling.value": "none",
        },
        state={
            "session-store.data": SESSION,
            "table-ref-store.data": table_ref,
            "data-ref-store.data": reply.get(ids.DATA_REF, "data"),
        },
        triggered=["scaling.value"],
    )
    assert changed.get(ids.DATA_REF, "data")["data"] != shown_ref["data"]


def test_cancelling_another_method_keeps_the_data_and_says_what_to_do(client, dash_app, classic_on_screen):
    classic_ref, view = classic_on_screen

    reply = cancel(client, dash_app, view, classic_ref)

    assert not reply.has(ids.DATA_REF, "data") and not reply.has(ids.DATA_SUMMARY, "children")
    assert (reply.get(ids.METHOD, "value"), reply.get(ids.METRIC, "value")) == ("ward", "euclidean")
    assert reply.get(ids.TREE_MODE, "value") == "exact"
    text = message_text(reply)
    assert text.startswith("Cancelled: the new tree was not built") and "choose it again" in text


def test_cancelling_when_the_previous_data_expired_says_so_and_keeps_the_new_data(client, dash_app):
    pending = upload(client, dash_app, PENDING_CSV, "pending.csv")
    gone = {"session": SESSION, "data": "0" * 32, "method": "ward", "metric": "euclidean"}
    view = {**tree(client, dash_app, pending.get(ids.DATA_REF, "data")).get(ids.VIEW, "data"), **gone}

    reply = cancel(client, dash_app, view, pending.get(ids.DATA_REF, "data"))

    assert not reply.has(ids.DATA_REF, "data") and not reply.has(ids.METHOD, "value")
    assert "previous data is gone" in message_text(reply) and "reload the page" in message_text(reply)


def test_cancelling_new_choices_for_the_same_file_brings_back_the_previous_ones(client, dash_app):
    first = upload_file(client, dash_app, FORMATS_DIR / "spreadsheet_export.csv")
    table_ref, current = first.get(ids.TABLE_REF, "data"), controls_after(first)
    view = tree(client, dash_app, first.get(ids.DATA_REF, "data")).get(ids.VIEW, "data")
    pending = change_option(client, dash_app, table_ref, "missing-values.value", "mean", current)

    reply = cancel(client, dash_app, view, pending.get(ids.DATA_REF, "data"))

    assert reply.get(ids.MISSING, "value") == "drop"
    assert reply.get(ids.FEATURES, "value") == current["feature-columns.value"]
    assert reply.get(ids.TABLE_REF, "data") == table_ref
    assert show_restored(client, dash_app, reply.get(ids.DATA_REF, "data"), view).status == 204
    text = message_text(reply)
    assert text.startswith("Cancelled: the new choices for 'spreadsheet_export.csv' were not used")
    assert "choose them again" in text


def test_the_view_on_screen_keeps_its_own_tree_mode_while_another_mode_is_asked_for(client, dash_app, tmp_path):
    """With the approximate tree of the data built too, the exact view on screen still cuts its own tree."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from sklearn.datasets import make_blobs

    from state.refs import DataRef
    from state.session_store import SessionStore
    from tests.callback.test_callbacks import cut

    features, _ = make_blobs(2500, 2, centers=6, random_state=3)  # more rows than 2,000 representatives
    raw = b"x,y\n" + b"\n".join(f"{a:.6f},{b:.6f}".encode() for a, b in features)
    ref = upload(client, dash_app, raw, "blobs.csv").get(ids.DATA_REF, "data")
    view = tree(client, dash_app, ref, method="ward").get(ids.VIEW, "data")
    assert view["tree_mode"] == "exact"
    # The approximate tree of the same data is in the store too (a job for it ran, or was cancelled).
    store = SessionStore.open(str(tmp_path / "cache"), 2048, 86_400)
    store.tree(DataRef.from_store(ref), "ward", "euclidean", mode="kmeans-2000")
    reply = cut(client, dash_app, view, "n-clusters.value", 4)
    z = linkage(np.loadtxt(raw.decode().splitlines()[1:], delimiter=","), "ward")
    height = reply.get(ids.VIEW, "data")["height"]
    assert z[-4, 2] <= height < z[-3, 2]  # the exact tree's heights, not the approximate tree's
