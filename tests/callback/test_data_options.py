"""Changing how a file is read re-prepares it from the server's copy; the menus follow the data."""

from __future__ import annotations

import pytest

from callbacks.options import menus as plain_menus
from callbacks.options import sized_menus
from components import ids
from config import Settings
from factory import create_app
from tests.callback.conftest import call, text_of
from tests.callback.data_calls import (
    FORMATS_DIR,
    SESSION,
    change_option,
    controls_after,
    menus,
    message_text,
    upload_file,
)


@pytest.fixture
def uploaded(client, dash_app):
    """The semicolon spreadsheet export, uploaded: (reply, table ref, control values)."""
    reply = upload_file(client, dash_app, FORMATS_DIR / "spreadsheet_export.csv")
    return reply, reply.get(ids.TABLE_REF, "data"), controls_after(reply)


def summary(reply) -> str:
    return text_of(reply.get(ids.DATA_SUMMARY, "children"))


def test_fewer_features_re_prepare_without_a_new_upload(client, dash_app, uploaded):
    first, table_ref, current = uploaded

    reply = change_option(client, dash_app, table_ref, "feature-columns.value", ["Länge", "Breite"], current)

    assert "2 features (Länge, Breite)" in summary(reply)
    assert reply.get(ids.DATA_REF, "data") != first.get(ids.DATA_REF, "data")
    assert not reply.has(ids.FEATURES, "value")  # the controls keep what the user chose


def test_fill_with_mean_keeps_every_row(client, dash_app, uploaded):
    _, table_ref, current = uploaded

    reply = change_option(client, dash_app, table_ref, "missing-values.value", "mean", current)

    assert "24 samples" in summary(reply)
    assert "Filled 1 missing or infinite value(s) with the column mean: line 7 'P05' (Breite)" in summary(reply)


def test_scaling_re_prepares_the_file_and_drops_the_spread_warning(client, dash_app, uploaded):
    first, table_ref, current = uploaded
    assert "will dominate the distances" in summary(first)

    reply = change_option(client, dash_app, table_ref, "scaling.value", "standardize", current)

    assert "z-score" in summary(reply)
    assert "dominate" not in summary(reply)


def test_no_label_column(client, dash_app, uploaded):
    _, table_ref, current = uploaded
    reply = change_option(client, dash_app, table_ref, "label-column.value", "__none__", current)
    assert "labels the samples" not in summary(reply)


def test_a_bad_choice_keeps_the_data_and_says_why(client, dash_app, uploaded):
    _, table_ref, current = uploaded

    reply = change_option(client, dash_app, table_ref, "feature-columns.value", [], current)

    assert "no feature column is chosen" in message_text(reply)
    assert "spreadsheet_export.csv" in message_text(reply)
    assert not reply.has(ids.DATA_REF, "data")


def test_scaling_without_an_uploaded_file_is_for_the_example(client, dash_app):
    reply = change_option(client, dash_app, None, "scaling.value", "standardize")
    assert reply.status == 204

    example = call(
        client,
        dash_app,
        ["data-ref-store.data"],
        inputs={"dataset.value": "wine", "scaling.value": "standardize"},
        state={"session-store.data": SESSION, "table-ref-store.data": None},
        triggered=["scaling.value"],
    )
    assert "z-score" in text_of(example.get(ids.DATA_SUMMARY, "children"))
    assert example.get(ids.DATA_OPTIONS, "hidden") is True


def test_wine_without_scaling_warns_about_proline(client, dash_app):
    reply = call(
        client,
        dash_app,
        ["data-ref-store.data"],
        inputs={"dataset.value": "wine", "scaling.value": "none"},
        state={"session-store.data": SESSION, "table-ref-store.data": None},
    )
    assert "Column 'proline' spreads" in text_of(reply.get(ids.DATA_SUMMARY, "children"))


def test_scaling_with_an_uploaded_file_leaves_the_example_callback_alone(client, dash_app, uploaded):
    _, table_ref, _ = uploaded
    reply = call(
        client,
        dash_app,
        ["data-ref-store.data"],
        inputs={"dataset.value": "wine", "scaling.value": "standardize"},
        state={"session-store.data": SESSION, "table-ref-store.data": table_ref},
        triggered=["scaling.value"],
    )
    assert reply.status == 204


def test_another_sheet_resets_the_options_for_it(client, dash_app):
    first = upload_file(client, dash_app, FORMATS_DIR / "book.xlsx")
    assert [o["value"] for o in first.get(ids.SHEET, "options")] == ["Messungen", "Distanzen"]

    reply = change_option(client, dash_app, first.get(ids.TABLE_REF, "data"), "sheet.value", "Distanzen")

    assert "7 samples × 7 distances (precomputed)" in summary(reply)
    assert reply.get(ids.READ_AS, "value") == "distances"
    assert reply.get(ids.READ_AS_FIELD, "hidden") is False
    assert reply.get(ids.DATA_OPTIONS_TITLE, "children") == "· book.xlsx [Distanzen]"
    assert reply.get(ids.TABLE_REF, "data") != first.get(ids.TABLE_REF, "data")


def test_expired_table_says_so(client, dash_app):
    reply = change_option(client, dash_app, {"table": "gone", "filename": "x.csv"}, "missing-values.value", "mean")
    assert "expired" in message_text(reply)


# --- the method and metric menus --------------------------------------------------


def test_distance_matrix_upload_switches_method_and_metric_with_the_data(client, dash_app):
    reply = upload_file(client, dash_app, FORMATS_DIR / "distance_matrix.csv")
    assert reply.get(ids.METRIC, "value") == "precomputed"
    assert reply.get(ids.METHOD, "value") == "average"  # ward needs coordinates


def test_observations_keep_method_and_metric(client, dash_app, uploaded):
    reply, _, _ = uploaded
    assert not reply.has(ids.METHOD, "value") and not reply.has(ids.METRIC, "value")


def test_precomputed_metric_gives_the_precomputed_menus(client, dash_app):
    reply = menus(client, dash_app, "average", "precomputed")

    assert reply.get(ids.METRIC, "options") == [
        {
            "label": "precomputed distances",
            "value": "precomputed",
            "title": "The uploaded table holds the distances; no metric is computed.",
        }
    ]
    disabled = {o["value"] for o in reply.get(ids.METHOD, "options") if o["disabled"]}
    assert disabled == {"ward", "centroid", "median"}
    ward = next(o for o in reply.get(ids.METHOD, "options") if o["value"] == "ward")
    assert ward["label"] == "ward (needs coordinates)"
    assert "coordinates" in ward["title"]
    assert "ward, centroid and median are off" in text_of(reply.get(ids.METHOD_HELP, "children"))


def test_an_example_after_a_distance_matrix_restores_euclidean(client, dash_app):
    reply = call(
        client,
        dash_app,
        ["data-ref-store.data"],
        inputs={"dataset.value": "iris", "scaling.value": "none"},
        state={"session-store.data": SESSION, "method.value": "average", "metric.value": "precomputed"},
    )
    assert reply.get(ids.METRIC, "value") == "euclidean"
    assert not reply.has(ids.METHOD, "value")

    menus_now = menus(client, dash_app, "average", "euclidean")
    assert len(menus_now.get(ids.METRIC, "options")) > 5
    assert not any(o["disabled"] for o in menus_now.get(ids.METHOD, "options"))


def test_observations_from_a_file_after_a_distance_matrix_restore_euclidean(client, dash_app, uploaded):
    _, table_ref, current = uploaded
    reply = call(
        client,
        dash_app,
        ["upload.contents", "dataset.placeholder"],
        inputs={"upload.contents": None, **current, "scaling.value": "none", "sheet.value": None},
        state={
            "upload.filename": None,
            "session-store.data": SESSION,
            "table-ref-store.data": table_ref,
            "method.value": "average",
            "metric.value": "precomputed",
        },
        triggered=["missing-values.value"],
    )
    assert reply.get(ids.METRIC, "value") == "euclidean"


# --- the method menu on large data -----------------------------------------------


def test_the_method_menu_says_what_each_exact_tree_costs_where_some_would_ask():
    method_menu, _, notes = sized_menus("ward", "euclidean", (1_000_000, 2), Settings())
    labels = {option["value"]: option["label"] for option in method_menu}
    assert labels["single"] == "single · 3 s"  # the minimum spanning tree: exact and quick
    assert labels["average"].endswith("· over the memory budget")
    words = " ".join(span.children for span in notes)
    assert "At 1,000,000 samples only single linkage is exact and quick here." in words
    assert "approximate tree" in words


def test_the_method_menu_stays_plain_on_small_data():
    plain_menu, _, _ = plain_menus("ward", "euclidean")
    assert sized_menus("ward", "euclidean", (150, 2), Settings())[0] == plain_menu


def test_the_menus_callback_reads_the_size_of_the_data(tmp_path):
    # A server that asks before any tree: the classic example's 150 samples are "large" there.
    app = create_app(Settings(cache_dir=tmp_path / "cache", ask_above_seconds=0))
    client = app.server.test_client()
    ref = call(
        client,
        app,
        ["data-ref-store.data"],
        inputs={"dataset.value": "classic"},
        state={"session-store.data": "a" * 32},
    ).get(ids.DATA_REF, "data")
    reply = call(
        client,
        app,
        ["method.options", "metric.options"],
        inputs={"method.value": "ward", "metric.value": "euclidean", "data-ref-store.data": ref},
        triggered=["data-ref-store.data"],
    )
    labels = [option["label"] for option in reply.get(ids.METHOD, "options")]
    assert all(" · " in label for label in labels)
    assert "every exact tree takes long here" in text_of(reply.get(ids.METHOD_HELP, "children"))
