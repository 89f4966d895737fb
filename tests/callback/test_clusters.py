"""HTTP-contract tests of the clusters panel: table, branch selection and the downloads."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import silhouette_samples

from callbacks.render import ViewState
from callbacks.selected import tree_key
from components import ids
from figures.dendrogram import LEAF_TRACE, MERGE_TRACE
from hclust import truncated_geometry
from hclust.tree import build_tree
from loaders import load_builtin
from tests.callback.conftest import call, patch_values, text_of

SESSION = "c" * 32
SELECT_OUTPUTS = ["selection-store.data", "selection-list.children"]
CLASSIC = load_builtin("classic").features


# --- helpers -----------------------------------------------------------------


def choose(client, app, key="classic"):
    reply = call(
        client, app, ["data-ref-store.data"], inputs={"dataset.value": key}, state={"session-store.data": SESSION}
    )
    return reply.get(ids.DATA_REF, "data")


def show_tree(client, app, ref, method="ward", metric="euclidean", previous=None):
    reply = call(
        client,
        app,
        ["view-store.data", "dendrogram.figure"],
        inputs={
            "data-ref-store.data": ref,
            "method.value": method,
            "metric.value": metric,
            "truncate-p.value": 12,
            "annotate-above.value": None,
        },
        state={"view-store.data": previous},
        triggered=["data-ref-store.data"],
    )
    return reply.get(ids.VIEW, "data")


def cut_to_k(client, app, view, k):
    inputs = {"graph-cut-store.data": None, "cut-height.value": view["height"], "n-clusters.value": k}
    reply = call(
        client,
        app,
        ["view-store.data", "scatter-cut-store.data"],
        inputs=inputs,
        state={"view-store.data": view},
        triggered=["n-clusters.value"],
    )
    return reply.get(ids.VIEW, "data")


def select(client, app, view, selection=None, trigger="node-pick-store.data", click=None, **inputs):
    """The selection callback as the renderer posts it (a dendrogram click arrives as ``pickNode`` forwards it)."""
    pick = {"click": click, "t": 1} if click is not None else None
    names = {
        "node-pick-store.data": pick,
        "clear-selection.n_clicks": None,
        "panel-view-selection.data": view,
        **inputs,
    }
    return call(
        client,
        app,
        SELECT_OUTPUTS,
        inputs=names,
        state={"view-store.data": view, "selection-store.data": selection},
        triggered=[trigger],
    )


def key_of(view: dict) -> str:
    """The tree key a selection of this view carries."""
    return tree_key(ViewState.from_store(view))


def click_on(trace: int, point: int) -> dict:
    return {"points": [{"curveNumber": trace, "pointNumber": point, "pointIndex": point, "x": 0, "y": 0}]}


def download(client, app, button: str, target: str, view, **state):
    reply = call(
        client, app, [f"{target}.data"], inputs={f"{button}.n_clicks": 1}, state={"view-store.data": view, **state}
    )
    return reply.get(target, "data")


def operations(patch: dict) -> dict[tuple, object]:
    assert "__dash_patch_update" in patch
    return patch_values(patch)


@pytest.fixture
def view(client, dash_app):
    """Classic data, ward/euclidean, the first cut (elbow: 2 clusters)."""
    return show_tree(client, dash_app, choose(client, dash_app))


@pytest.fixture(scope="module")
def geometry():
    return truncated_geometry(build_tree(CLASSIC, "ward", "euclidean"), p=12)


# --- the table and the code -----------------------------------------------------------


def test_panel_shows_a_row_per_cluster_and_the_code(client, dash_app, view):
    reply = call(client, dash_app, ["cluster-table.children", "python-code.children"], inputs={"view-store.data": view})

    table = json.dumps(reply.get(ids.CLUSTER_TABLE, "children"))
    assert table.count('"cluster-row"') == 2
    assert ids.CLUSTER_SELECT in table
    note = text_of(reply.get(ids.CLUSTER_TABLE_NOTE, "children"))
    assert "2 clusters" in note and "mean silhouette 0.853" in note
    code = reply.get(ids.PYTHON_CODE, "children")
    assert "linkage(" in code and "fcluster(" in code and "cophenet(" in code


def test_python_code_follows_the_cut(client, dash_app, view):
    four = cut_to_k(client, dash_app, view, 4)
    reply = call(client, dash_app, ["python-code.children"], inputs={"view-store.data": four})

    namespace: dict = {}
    exec(reply.get(ids.PYTHON_CODE, "children"), namespace)  # noqa: S102 - the generated code
    assert np.bincount(namespace["clusters"])[1:].tolist() == [23, 27, 24, 76]


# --- branch selection --------------------------------------------------------------


def test_click_on_a_merge_dot_selects_its_samples(client, dash_app, view, geometry):
    top_two = np.argsort(geometry.merge_height)[-2]  # the second-highest merge: one of the two groups
    reply = select(client, dash_app, view, click=click_on(MERGE_TRACE, int(top_two)))

    node = 150 + int(geometry.link_rows[top_two])
    selection = reply.get(ids.SELECTION, "data")
    assert selection["node"] == node and set(selection) == {"node", "tree"}
    scatter = operations(reply.get(ids.SCATTER, "figure"))
    selected = scatter[("data", 0, "selectedpoints")]
    groups = fcluster(linkage(CLASSIC, "ward"), 2, "maxclust")  # SciPy's two groups (50 and 100 samples)
    assert sorted(selected) in [np.flatnonzero(groups == g).tolist() for g in (1, 2)]
    dendrogram = operations(reply.get(ids.DENDROGRAM, "figure"))
    assert dendrogram[("data", MERGE_TRACE, "selectedpoints")] == [int(top_two)]
    listed = text_of(reply.get(ids.SELECTION_LIST, "children"))
    assert f"{len(selected)} samples" in listed and "all in" in listed and "more" in listed
    assert reply.get(ids.CLEAR_SELECTION, "disabled") is False


def test_click_on_a_contracted_leaf_selects_what_it_hides(client, dash_app, view, geometry):
    index = geometry.leaf_text.index("(33)")
    reply = select(client, dash_app, view, click=click_on(LEAF_TRACE, index))

    selected = operations(reply.get(ids.SCATTER, "figure"))[("data", 0, "selectedpoints")]
    assert len(selected) == 33
    listed = text_of(reply.get(ids.SELECTION_LIST, "children"))
    assert "33 samples" in listed and "contracted leaf (33)" in listed
    for sample in selected[:5]:
        assert str(sample) in listed


def test_click_that_moves_the_cut_selects_nothing(client, dash_app, view):
    reply = select(client, dash_app, view, click={"points": [], "xvals": [5], "yvals": [40]})
    assert reply.status == 204


def test_clear_empties_the_selection(client, dash_app, view):
    selection = {"node": 298, "tree": key_of(view)}
    reply = select(
        client, dash_app, view, selection, trigger="clear-selection.n_clicks", **{"clear-selection.n_clicks": 1}
    )

    assert reply.get(ids.SELECTION, "data") is None
    assert operations(reply.get(ids.SCATTER, "figure"))[("data", 0, "selectedpoints")] is None
    assert reply.get(ids.CLEAR_SELECTION, "disabled") is True


def test_a_new_cut_keeps_the_selection_and_updates_its_clusters(client, dash_app, view):
    selection = {"node": 298, "tree": key_of(view)}  # the root: every sample
    four = cut_to_k(client, dash_app, view, 4)
    reply = select(client, dash_app, four, selection, trigger="panel-view-selection.data")

    assert reply.get(ids.SELECTION, "data") == selection
    assert len(operations(reply.get(ids.SCATTER, "figure"))[("data", 0, "selectedpoints")]) == 150
    assert "in 4 clusters" in text_of(reply.get(ids.SELECTION_LIST, "children"))


def test_another_tree_drops_the_selection(client, dash_app, view):
    selection = {"node": 298, "tree": key_of(view)}
    other = {**view, "method": "average"}
    reply = select(client, dash_app, other, selection, trigger="panel-view-selection.data")

    assert reply.get(ids.SELECTION, "data") is None
    assert operations(reply.get(ids.SCATTER, "figure"))[("data", 0, "selectedpoints")] is None


def test_a_new_view_without_a_selection_sends_nothing(client, dash_app, view):
    assert select(client, dash_app, view, None, trigger="panel-view-selection.data").status == 204


def button_roots(node) -> list[int]:
    """The root node in the id of every cluster button inside serialized components."""
    found: list[int] = []
    if isinstance(node, dict):
        if isinstance(node.get("id"), dict) and node["id"].get("type") == ids.CLUSTER_SELECT:
            found.append(int(node["id"]["index"]))
        for value in node.values():
            found.extend(button_roots(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(button_roots(value))
    return found


def click_table_button(client, app, view, roots: list[int], clicked: int):
    """Post the selection callback as the renderer does when a cluster's button in the table is clicked.

    ``pickNode`` (assets/cut.js) forwards the clicked button's root node; the
    other roots only check that the button is one of the table's.
    """
    assert clicked in roots
    reply = select(client, app, view, **{"node-pick-store.data": {"row": clicked, "t": 1}})
    return reply.response


def test_a_cluster_button_in_the_table_selects_that_cluster(client, dash_app, view):
    four = cut_to_k(client, dash_app, view, 4)
    table = call(client, dash_app, ["cluster-table.children"], inputs={"view-store.data": four})
    roots = button_roots(table.response)
    assert len(roots) == 4

    response = click_table_button(client, dash_app, four, roots, roots[2])

    assert response[ids.SELECTION]["data"]["node"] == roots[2]
    listed = text_of(response[ids.SELECTION_LIST]["children"])
    assert "24 samples" in listed and "cluster 3" in listed


# --- downloads -----------------------------------------------------------------------


def test_assignments_download_is_what_the_table_shows(client, dash_app, view):
    four = cut_to_k(client, dash_app, view, 4)
    data = download(client, dash_app, "export-assignments", "download-assignments", four)

    assert data["filename"].endswith(".csv") and "k4" in data["filename"]
    frame = pd.read_csv(io.StringIO(data["content"]))
    assert list(frame.columns) == ["row", "cluster", "silhouette"]  # no label column for the classic data
    assert frame["row"].tolist() == list(range(150))
    assert np.bincount(frame["cluster"])[1:].tolist() == [23, 27, 24, 76]
    expected = silhouette_samples(CLASSIC, frame["cluster"].to_numpy())
    np.testing.assert_allclose(frame["silhouette"], expected, rtol=1e-12, atol=1e-12)


def test_linkage_download_reads_back_as_scipys_z(client, dash_app, view):
    data = download(client, dash_app, "export-linkage", "download-linkage", view)

    assert "linkage_ward_euclidean" in data["filename"]
    frame = pd.read_csv(io.StringIO(data["content"]), comment="#")
    np.testing.assert_allclose(frame.to_numpy(dtype=float), linkage(CLASSIC, "ward"), rtol=1e-12)
    assert data["content"].startswith("# Linkage matrix Z")


def test_selection_download_lists_only_the_selected_rows(client, dash_app, view, geometry):
    index = geometry.leaf_text.index("(33)")
    node = int(geometry.leaf_nodes[index])
    selection = {"node": node, "tree": key_of(view)}
    data = download(
        client, dash_app, "export-selection", "download-selection", view, **{"selection-store.data": selection}
    )

    rows = list(csv.reader(io.StringIO(data["content"])))
    assert rows[0] == ["row", "cluster", "silhouette"] and len(rows) == 34


def test_code_download_is_the_shown_code(client, dash_app, view):
    shown = call(client, dash_app, ["python-code.children"], inputs={"view-store.data": view}).get(
        ids.PYTHON_CODE, "children"
    )
    data = download(client, dash_app, "export-code", "download-code", view)

    assert data["content"] == shown and data["filename"].endswith(".py")


def test_labels_that_look_like_formulas_are_neutralized(client, dash_app, tmp_path):
    raw = b"name,x,y\n=cmd(),0,0\n+danger,0,1\nsafe,9,9\n@at,9,8\n"
    contents = "data:text/csv;base64," + __import__("base64").b64encode(raw).decode()
    reply = call(
        client,
        dash_app,
        ["data-ref-store.data"],
        inputs={"upload.contents": contents},
        state={"upload.filename": "evil.csv", "session-store.data": SESSION},
    )
    view = show_tree(client, dash_app, reply.get(ids.DATA_REF, "data"), method="average")
    data = download(client, dash_app, "export-assignments", "download-assignments", view)

    rows = list(csv.reader(io.StringIO(data["content"])))
    assert rows[0] == ["row", "label", "cluster", "silhouette"]
    assert [r[1] for r in rows[1:]] == ["'=cmd()", "'+danger", "safe", "'@at"]
