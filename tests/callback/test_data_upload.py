"""The upload over HTTP: every format loads, every bad file explains itself and changes nothing else."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import squareform

from components import ids
from tests.callback.conftest import text_of
from tests.callback.data_calls import (
    BAD_DIR,
    FORMATS_DIR,
    change_option,
    controls_after,
    message_text,
    tree,
    upload,
    upload_file,
)

GOOD_FILES = ["spreadsheet_export.csv", "utf8_bom.csv", "tabs.tsv", "records.json", "pandas.parquet", "book.xlsx"]
EXPECTED_BAD: dict[str, str] = json.loads((BAD_DIR / "EXPECTED.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", GOOD_FILES)
def test_each_format_uploads_and_fills_the_options(client, dash_app, name):
    reply = upload_file(client, dash_app, FORMATS_DIR / name)

    assert reply.status == 200
    ref = reply.get(ids.DATA_REF, "data")
    assert set(ref) == {"session", "data"}
    assert "23 samples × 3 features (Länge, Breite, Gewicht)" in text_of(reply.get(ids.DATA_SUMMARY, "children"))
    assert reply.get(ids.DATA_OPTIONS, "hidden") is False
    assert reply.get(ids.FEATURES, "value") == ["Länge", "Breite", "Gewicht"]
    assert reply.get(ids.LABEL, "value") == "Probe"
    assert {"label": "Gruppe (not numeric)", "value": "Gruppe", "disabled": True} | {
        "title": "only numbers can be features"
    } in reply.get(ids.FEATURES, "options")
    assert reply.get(ids.READ_AS_FIELD, "hidden") is True
    assert reply.get(ids.SHEET_FIELD, "hidden") is (name != "book.xlsx")
    assert reply.get(ids.DATASET, "value") is None
    assert reply.get(ids.DATASET, "placeholder") == f"Uploaded: {name}"
    assert len(json.dumps(reply.get(ids.TABLE_REF, "data"))) < 200  # a key, not the table
    assert tree(client, dash_app, ref).has(ids.DENDROGRAM, "figure")


@pytest.mark.parametrize(("name", "fragment"), sorted(EXPECTED_BAD.items()))
def test_bad_file_shows_its_message_and_changes_nothing(client, dash_app, name, fragment):
    reply = upload_file(client, dash_app, BAD_DIR / name)

    assert reply.status == 200
    assert fragment in message_text(reply)
    assert "Could not use" in message_text(reply)
    assert not reply.has(ids.DATA_REF, "data")
    assert not reply.has(ids.DATA_SUMMARY, "children")
    assert reply.get(ids.UPLOAD, "contents") is None


def test_file_over_the_configured_limit_is_refused_by_the_server(tmp_path):
    from config import Settings
    from factory import create_app

    small_app = create_app(Settings(cache_dir=tmp_path / "cache", max_upload_mb=1))
    raw = b"x;y\n" + b"1,2345678;2,3456789\n" * 60_000

    reply = upload(small_app.server.test_client(), small_app, raw, "big.csv")

    assert "big.csv is 1.2 MB; the limit is 1 MB" in message_text(reply)
    assert not reply.has(ids.DATA_REF, "data")


def test_layout_says_the_limit_and_the_browser_enforces_it(dash_app):
    layout = json.dumps(dash_app.layout(), default=lambda c: c.to_plotly_json())
    assert "up to 50 MB" in layout
    assert '"max_size": 50000000' in layout  # assets/upload.js says why a larger file is refused
    assert '"data-max-bytes": "50000000"' in layout


def test_a_table_that_fails_after_reading_offers_its_options_but_keeps_the_data(client, dash_app):
    reply = upload_file(client, dash_app, BAD_DIR / "asymmetric_matrix.csv")

    assert not reply.has(ids.DATA_REF, "data")
    assert "not symmetric: (Bonn, Köln) = 1.939 but (Köln, Bonn) = 0.939" in message_text(reply)
    assert "The current data stays on screen" in message_text(reply)
    assert reply.get(ids.READ_AS, "value") == "distances"
    assert reply.get(ids.READ_AS_FIELD, "hidden") is False
    table_ref = reply.get(ids.TABLE_REF, "data")

    # The other reading works: seven samples of seven features.
    again = change_option(client, dash_app, table_ref, "read-as.value", "observations", controls_after(reply))
    assert "7 samples × 7 features" in text_of(again.get(ids.DATA_SUMMARY, "children"))
    assert again.get(ids.DATASET, "placeholder") == "Uploaded: asymmetric_matrix.csv"


def test_distance_matrix_upload_builds_the_tree_from_the_given_distances(client, dash_app):
    reply = upload_file(client, dash_app, FORMATS_DIR / "distance_matrix.csv")
    ref = reply.get(ids.DATA_REF, "data")
    assert "7 samples × 7 distances (precomputed)" in text_of(reply.get(ids.DATA_SUMMARY, "children"))
    assert reply.get(ids.READ_AS, "value") == "distances"

    shown = tree(client, dash_app, ref, method="average", metric="precomputed")

    matrix = np.loadtxt(FORMATS_DIR / "distance_matrix.csv", delimiter=",", skiprows=1, usecols=range(1, 8))
    condensed = squareform(matrix, checks=False)
    expected = cophenet(linkage(condensed, "average"), condensed)[0]
    assert shown.get(ids.COPHENETIC, "children") == f"{expected:.5f}"
    assert "MDS" in text_of(shown.get(ids.SCATTER_CAPTION, "children"))
    ticks = shown.get(ids.DENDROGRAM, "figure")["layout"]["xaxis"]["ticktext"]
    assert set(ticks) == {"Aachen", "Bonn", "Köln", "Düren", "Essen", "Hagen", "Witten"}


def test_ward_on_a_distance_matrix_is_refused_with_the_reason(client, dash_app):
    ref = upload_file(client, dash_app, FORMATS_DIR / "distance_matrix.csv").get(ids.DATA_REF, "data")

    reply = tree(client, dash_app, ref, method="ward", metric="precomputed")

    assert "coordinates" in message_text(reply)
    assert not reply.has(ids.DENDROGRAM, "figure")


def test_labels_reach_the_dendrogram_leaves(client, dash_app):
    ref = upload_file(client, dash_app, FORMATS_DIR / "tabs.tsv").get(ids.DATA_REF, "data")

    figure = tree(client, dash_app, ref, p=23).get(ids.DENDROGRAM, "figure")

    assert sorted(figure["layout"]["xaxis"]["ticktext"]) == sorted(f"P{i:02d}" for i in range(24) if i != 5)


def test_rows_that_make_cosine_undefined_are_named(client, dash_app):
    ref = upload(client, dash_app, b"name,x,y\na,0,0\nb,1,2\nc,2,1\nd,0,0\n", "zeros.csv").get(ids.DATA_REF, "data")

    reply = tree(client, dash_app, ref, method="average", metric="cosine")

    assert "undefined for row(s) 0, 3" in message_text(reply)
    assert not reply.has(ids.DENDROGRAM, "figure")
