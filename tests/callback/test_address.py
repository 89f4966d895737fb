"""The address flow over HTTP: open an address, show its tree with its cut, write the address back; the cookie."""

from __future__ import annotations

import base64

import numpy as np
from scipy.cluster.hierarchy import cophenet, fcluster, linkage
from scipy.spatial.distance import pdist

from factory import SESSION_COOKIE
from loaders import load_builtin
from tests.callback.conftest import call, text_of
from tests.callback.data_calls import FORMATS_DIR, upload_file

SESSION = "e" * 32
OPEN = ["data-ref-store.data", "pending-view-store.data", "aids-tabs.value"]
TREE = ["dendrogram.figure", "tree-job-store.data"]


def open_address(client, app, query: str, session: str = SESSION):
    return call(
        client,
        app,
        OPEN,
        inputs={"address-in-store.data": query, "opened-session-store.data": None},
        state={"session-store.data": session},
        triggered=["address-in-store.data"],
    )


def show(client, app, opened, previous=None):
    """The tree callback as the opened address's controls trigger it."""
    get = opened.get
    return call(
        client,
        app,
        TREE,
        inputs={
            "data-ref-store.data": get("data-ref-store", "data"),
            "method.value": get("method", "value"),
            "metric.value": get("metric", "value"),
            "truncate-p.value": get("truncate-p", "value"),
            "annotate-above.value": get("annotate-above", "value"),
            "tree-mode.value": get("tree-mode", "value"),
        },
        state={"view-store.data": previous, "job-box.hidden": True, "pending-view-store.data": get(*PENDING)},
        triggered=["data-ref-store.data"],
    )


PENDING = ("pending-view-store", "data")


def address_of(client, app, view, selection=None, kmeans=(), aid="elbow", compare=(), present=False, theme="auto"):
    return call(
        client,
        app,
        ["address-store.data"],
        inputs={
            "view-store.data": view,
            "selection-store.data": selection,
            "color-by.value": "algorithm" if kmeans else "tree",
            "compare-algorithm.value": "kmeans",
            "aids-tabs.value": aid,
            "compare-methods.value": list(compare),
            "present-mode.value": ["on"] if present else [],
            "theme.value": theme,
            "pending-view-store.data": None,
        },
        triggered=["view-store.data"],
    ).get("address-store", "data")


def test_the_teachers_link_opens_moons_single_linkage_cut_into_two_as_scipy_does(client, dash_app):
    opened = open_address(client, dash_app, "data=moons&method=single&k=2&aid=silhouette")
    assert opened.get("method", "value") == "single" and opened.get("dataset", "value") == "moons"
    assert opened.get("aids-tabs", "value") == "silhouette"
    shown = show(client, dash_app, opened)
    view = shown.get("view-store", "data")

    features = load_builtin("moons").features
    tree = linkage(pdist(features), "single")
    assert shown.get("cophenetic", "children") == f"{cophenet(tree, pdist(features))[0]:.5f}"
    assert view["k"] == 2 and view["criterion"] == "maxclust"
    np.testing.assert_array_equal(np.sort(np.bincount(fcluster(tree, 2, "maxclust"))[1:]), [100, 100])
    assert shown.get(*PENDING) is None  # the waiting view is shown
    assert (
        address_of(client, dash_app, view, aid="silhouette") == "data=moons&method=single&k=2&colors=01&aid=silhouette"
    )


def test_a_reopened_address_shows_the_same_cut_colours_and_zoom(client, dash_app):
    first = show(client, dash_app, open_address(client, dash_app, "k=6&zoom=297&colors=301245"))
    view = first.get("view-store", "data")
    assert view["zoom_root"] == 297 and view["k"] == 6
    address = address_of(client, dash_app, view)
    assert address == "k=6&colors=301245&zoom=297"
    again = show(client, dash_app, open_address(client, dash_app, address, session="f" * 32))
    assert {key: again.get("view-store", "data")[key] for key in ("height", "k", "colors", "zoom_root")} == {
        key: view[key] for key in ("height", "k", "colors", "zoom_root")
    }


def test_a_cut_the_tree_cannot_make_is_named_and_the_suggested_cut_shown(client, dash_app):
    shown = show(client, dash_app, open_address(client, dash_app, "k=151&zoom=5&select=9999"))
    text = text_of(shown.get("message", "children"))
    assert "k must be a whole number from 1 to 150" in text
    assert "branch 5" in text and "node 9999" in text
    assert shown.get("view-store", "data")["k"] == 2 and shown.get("view-store", "data")["zoom_root"] is None


def test_a_link_to_an_upload_waits_for_that_file_then_shows_its_view(client, dash_app):
    path = FORMATS_DIR / "spreadsheet_export.csv"
    key = upload_file(client, dash_app, path, session="a" * 32).get("table-ref-store", "data")["table"]
    # Another browser (session SESSION) opens the first one's link.
    opened = open_address(client, dash_app, f"upload={key}&file={path.name}&method=complete&k=3")
    assert "load that file to continue" in text_of(opened.get("message", "children"))
    pending = opened.get(*PENDING)
    assert pending["upload"] == key and opened.get("dataset", "value") == "classic"

    loaded = call(
        client,
        dash_app,
        ["upload.contents", "dataset.placeholder"],
        inputs={"upload.contents": "data:text/csv;base64," + base64.b64encode(path.read_bytes()).decode()},
        state={"upload.filename": path.name, "session-store.data": SESSION, "pending-view-store.data": pending},
        triggered=["upload.contents"],
    )
    assert loaded.get("method", "value") == "complete"
    assert loaded.get(*PENDING)["data"] == loaded.get("data-ref-store", "data")["data"]


def test_the_page_sets_a_session_cookie_and_keeps_it(client):
    first = client.get("/_dash-layout")
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    session = cookie.split(";")[0].split("=", 1)[1]
    assert session in first.get_data(as_text=True)
    again = client.get("/_dash-layout")  # the test client sends the cookie back
    assert "Set-Cookie" not in again.headers and session in again.get_data(as_text=True)


def zoom(client, app, view, data):
    return call(
        client, app, ["dendrogram-caption.children"], inputs={"zoom-store.data": data}, state={"view-store.data": view}
    )


def test_a_double_click_reset_that_arrives_as_the_branchs_full_ranges_shows_the_whole_tree(client, dash_app):
    # Plotly resets a figure with explicit axis ranges to those ranges, not to autorange.
    zoomed = show(client, dash_app, open_address(client, dash_app, "zoom=297")).get("view-store", "data")
    assert zoomed["zoom_root"] == 297
    reply = zoom(client, dash_app, zoomed, {"x0": 0, "x1": 120, "t": 1})  # p = 12 leaves at x = 5 .. 115
    assert reply.get("dendrogram-caption", "children") == ""
    assert reply.get("view-store", "data")["zoom_root"] is None
    # On the whole tree the same ranges are plotly's own view: nothing to do.
    assert zoom(client, dash_app, reply.get("view-store", "data"), {"x0": 0, "x1": 120, "t": 2}).status == 204


def test_the_keyboard_zooms_one_branch_in_and_out(client, dash_app):
    whole = show(client, dash_app, open_address(client, dash_app, "")).get("view-store", "data")
    inside = zoom(client, dash_app, whole, {"step": "in", "t": 1})
    assert "100 samples" in inside.get("dendrogram-caption", "children")
    out = zoom(client, dash_app, inside.get("view-store", "data"), {"step": "out", "t": 2})
    assert out.get("view-store", "data")["zoom_root"] is None
