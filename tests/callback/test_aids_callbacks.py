"""HTTP-contract tests of the aids: cut criteria, a picked k, the aids' numbers, k-means coloring."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, inconsistent
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from components import ids
from hclust import build_tree, clusters_for_k
from loaders import load_builtin
from tests.callback.conftest import call, patch_values, text_of
from tests.callback.test_callbacks import choose, tree

CUT_OUTPUTS = ["dendrogram.figure", "scatter-cut-store.data", "view-store.data"]
CUT_INPUTS = (
    "graph-cut-store.data",
    "cut-height.value",
    "n-clusters.value",
    "aids-pick-store.data",
    "cut-criterion.value",
    "cut-threshold.value",
    "cut-depth.value",
    "inconsistency-depth.value",
)


def move_cut(client, app, view, kmeans_color=None, **changed):
    """One cut request: ``changed`` maps input ids (with _ for -) to new values; they fire."""
    inputs = {
        "graph-cut-store.data": None,
        "cut-height.value": view["height"],
        "n-clusters.value": view["k"],
        "aids-pick-store.data": None,
        "cut-criterion.value": view.get("criterion", "distance"),
        "cut-threshold.value": view.get("threshold"),
        "cut-depth.value": view.get("depth", 2),
        "inconsistency-depth.value": view.get("depth", 2),
    }
    fired = []
    for key, value in changed.items():
        prop = next(name for name in CUT_INPUTS if name.split(".")[0] == key.replace("_", "-"))
        inputs[prop] = value
        fired.append(prop)
    return call(
        client,
        app,
        CUT_OUTPUTS,
        inputs=inputs,
        state={"view-store.data": view, "color-by.value": "algorithm" if kmeans_color else "tree"},
        triggered=fired,
    )


def operations(patch: dict) -> dict:
    """``{location tuple: value}`` of a serialized Patch's assignments."""
    assert "__dash_patch_update" in patch, patch
    return patch_values(patch)


def cut_line(reply) -> dict:
    return operations(reply.get(ids.DENDROGRAM, "figure"))[("layout", "shapes")][0]


def message_text(reply) -> str:
    return text_of(reply.get(ids.MESSAGE, "children"))


def decode(typed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]).newbyteorder("<"))


def show_table(client, app, view):
    """The Inconsistency tab's table for a view (at the view's depth)."""
    return call(
        client,
        app,
        ["inconsistency-table.children"],
        inputs={"aid-view-inconsistency.data": view},  # the page sends the view to the open tab
    )


@pytest.fixture
def classic_ref(client, dash_app):
    return choose(client, dash_app, "classic").get(ids.DATA_REF, "data")


@pytest.fixture
def classic_view(client, dash_app, classic_ref):
    """ward/euclidean, cut at 100 into 2 clusters by the elbow."""
    return tree(client, dash_app, classic_ref).get(ids.VIEW, "data")


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


# --- the cut criterion -----------------------------------------------------------


def test_first_view_is_a_distance_cut_with_default_inconsistency_settings(classic_view):
    assert classic_view["criterion"] == "distance"
    assert classic_view["threshold"] is None
    assert classic_view["depth"] == 2


def test_inconsistent_criterion_cuts_like_fcluster_and_hides_the_line(client, dash_app, classic_view, classic_tree):
    reply = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=5, cut_depth=5)

    expected = fcluster(classic_tree.linkage, 5, criterion="inconsistent", depth=5)
    assert reply.get(ids.N_CLUSTERS, "value") == len(set(expected)) == 2
    assert reply.get(ids.CUT_HEIGHT, "value") is None  # no single height
    view = reply.get(ids.VIEW, "data")
    assert (view["criterion"], view["threshold"], view["depth"]) == ("inconsistent", 5.0, 5)
    assert view["height"] == classic_view["height"]  # where the hidden line stays
    assert cut_line(reply)["visible"] is False
    label = operations(reply.get(ids.DENDROGRAM, "figure"))[("layout", "annotations")][0]
    assert "inconsistency" in label["text"] and "t = 5" in label["text"]
    assert "Cut by inconsistency" in message_text(reply)


def test_inconsistent_with_scipys_default_depth_gives_many_clusters_and_says_why(
    client, dash_app, classic_view, classic_tree
):
    reply = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=1.0)

    expected = fcluster(classic_tree.linkage, 1.0, criterion="inconsistent", depth=2)
    assert reply.get(ids.N_CLUSTERS, "value") == len(set(expected))
    assert "1.155" in message_text(reply)


def test_changing_t_or_depth_recuts(client, dash_app, classic_view):
    view = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=5, cut_depth=5).get(
        ids.VIEW, "data"
    )
    reply = move_cut(client, dash_app, view, cut_threshold=4)
    assert reply.get(ids.N_CLUSTERS, "value") == 5
    reply = move_cut(client, dash_app, view, cut_depth=10)
    assert reply.get(ids.N_CLUSTERS, "value") == 6


def test_back_to_distance_restores_the_line_where_it_was(client, dash_app, classic_view):
    inconsistent_view = move_cut(
        client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=4, cut_depth=5
    ).get(ids.VIEW, "data")

    reply = move_cut(client, dash_app, inconsistent_view, cut_criterion="distance")

    shape = cut_line(reply)
    assert shape.get("visible", True) is not False
    assert shape["y0"] == shape["y1"] == classic_view["height"]
    assert reply.get(ids.CUT_HEIGHT, "value") == classic_view["height"]
    assert reply.get(ids.N_CLUSTERS, "value") == 2
    assert reply.get(ids.VIEW, "data")["criterion"] == "distance"


def test_maxclust_criterion_keeps_k(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, classic_view, cut_criterion="maxclust")

    assert reply.get(ids.VIEW, "data")["criterion"] == "maxclust"
    assert reply.get(ids.VIEW, "data")["k"] == 2


def test_typed_k_means_maxclust_and_typed_height_means_distance(client, dash_app, classic_view):
    by_k = move_cut(client, dash_app, classic_view, n_clusters=4).get(ids.VIEW, "data")
    assert by_k["criterion"] == "maxclust"
    by_height = move_cut(client, dash_app, by_k, cut_height=50).get(ids.VIEW, "data")
    assert by_height["criterion"] == "distance"


def test_drag_in_inconsistent_mode_switches_back_to_distance_and_says_so(client, dash_app, classic_view):
    view = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=5, cut_depth=5).get(
        ids.VIEW, "data"
    )

    reply = move_cut(client, dash_app, view, graph_cut_store={"y": 16.3, "source": "drag", "t": 1})

    assert reply.get(ids.N_CLUSTERS, "value") == 4
    assert reply.get(ids.VIEW, "data")["criterion"] == "distance"
    assert cut_line(reply).get("visible", True) is not False
    assert "distance criterion" in message_text(reply)


def test_echo_of_the_criterion_menu_is_no_request(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, classic_view, cut_criterion="distance", cut_depth=2)

    assert reply.status == 204


def test_bad_threshold_explains_and_keeps_the_cut(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=-1, cut_depth=2)

    assert set(reply.response) == {ids.MESSAGE}
    assert "at least 0" in message_text(reply)


def test_new_method_reapplies_the_inconsistent_criterion(client, dash_app, classic_ref, classic_view):
    view = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=3, cut_depth=4).get(
        ids.VIEW, "data"
    )

    reply = tree(client, dash_app, classic_ref, method="average", previous=view, triggered="method.value")

    average = build_tree(load_builtin("classic").features, "average", "euclidean")
    expected = fcluster(average.linkage, 3, criterion="inconsistent", depth=4)
    new_view = reply.get(ids.VIEW, "data")
    assert new_view["criterion"] == "inconsistent"
    assert reply.get(ids.N_CLUSTERS, "value") == len(set(expected))
    shapes = reply.get(ids.DENDROGRAM, "figure")["layout"]["shapes"]
    assert shapes[0]["visible"] is False


# --- one depth for the inconsistency table and the inconsistency cut -------------------------


def test_the_table_shows_the_cuts_depth(client, dash_app, classic_view):
    view = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=5, cut_depth=5).get(
        ids.VIEW, "data"
    )

    text = text_of(show_table(client, dash_app, view).get(ids.INCONSISTENCY_TABLE, "children"))

    assert "inconsistent(Z, 5)" in text
    assert "above t = 5" in text  # the cut's t is marked in the table at its own depth


def test_the_tables_depth_box_sets_the_one_depth_and_keeps_a_height_cut(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, classic_view, inconsistency_depth="4")

    view = reply.get(ids.VIEW, "data")
    assert (view["depth"], view["criterion"], view["k"], view["height"]) == (4, "distance", 2, classic_view["height"])
    assert "inconsistent(Z, 4)" in text_of(show_table(client, dash_app, view).get(ids.INCONSISTENCY_TABLE, "children"))
    switched = move_cut(client, dash_app, view, cut_criterion="inconsistent").get(ids.VIEW, "data")
    assert switched["depth"] == 4  # the cut then uses it


def test_the_tables_depth_box_recuts_an_inconsistency_cut(client, dash_app, classic_view, classic_tree):
    view = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=5, cut_depth=5).get(
        ids.VIEW, "data"
    )

    reply = move_cut(client, dash_app, view, inconsistency_depth=10)

    expected = fcluster(classic_tree.linkage, 5, criterion="inconsistent", depth=10)
    assert reply.get(ids.N_CLUSTERS, "value") == len(set(expected)) == 6
    assert (reply.get(ids.VIEW, "data")["depth"], reply.get(ids.VIEW, "data")["threshold"]) == (10, 5.0)


def test_the_echo_of_the_depth_in_the_tables_box_is_no_request(client, dash_app, classic_view):
    assert move_cut(client, dash_app, classic_view, inconsistency_depth="2").status == 204


def test_a_bad_depth_in_the_tables_box_explains_and_keeps_the_view(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, classic_view, inconsistency_depth="0")

    assert set(reply.response) == {ids.MESSAGE}
    assert "whole number from 1 to 50" in message_text(reply) and 'you typed "0"' in message_text(reply)


# --- a k picked on an aid -----------------------------------------------------------


def test_suggested_k_shows_the_elbow_and_its_click_moves_the_cut(client, dash_app, classic_view):
    elbow = call(
        client,
        dash_app,
        ["elbow-graph.figure", "suggested-k.children"],
        inputs={"view-store.data": classic_view, "elbow-merges.value": 10},
    )
    assert "2" in elbow.get(ids.SUGGESTED_K, "children")
    assert elbow.get(ids.SUGGESTED_K, "value") == "2"

    four = move_cut(client, dash_app, classic_view, n_clusters=4).get(ids.VIEW, "data")
    reply = move_cut(client, dash_app, four, aids_pick_store={"k": 2, "aid": "suggested-k", "t": 1})

    assert reply.get(ids.N_CLUSTERS, "value") == 2
    shape = cut_line(reply)
    assert 23.12199 <= shape["y0"] < 180.27043
    assert reply.get(ids.VIEW, "data")["criterion"] == "maxclust"
    assert "elbow" in message_text(reply)


def test_harder_sibling_suggests_4(client, dash_app):
    ref = choose(client, dash_app, "classic-harder").get(ids.DATA_REF, "data")
    view = tree(client, dash_app, ref).get(ids.VIEW, "data")
    elbow = call(
        client,
        dash_app,
        ["elbow-graph.figure", "suggested-k.children"],
        inputs={"view-store.data": view, "elbow-merges.value": 10},
    )
    assert elbow.get(ids.SUGGESTED_K, "children") == "Elbow suggests k = 4"
    assert view["k"] == 4  # the first cut uses the elbow


def test_picked_k_from_inconsistent_mode_brings_the_line_back(client, dash_app, classic_view):
    view = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=5, cut_depth=5).get(
        ids.VIEW, "data"
    )
    reply = move_cut(client, dash_app, view, aids_pick_store={"k": 2, "aid": "silhouette-graph", "t": 2})

    assert cut_line(reply).get("visible", True) is not False
    assert reply.get(ids.CUT_HEIGHT, "value") is not None
    assert "silhouette" in message_text(reply)


def test_elbow_figure_marks_the_current_k_and_rings_the_suggestion(client, dash_app, classic_view):
    figure = call(
        client,
        dash_app,
        ["elbow-graph.figure"],
        inputs={"view-store.data": {**classic_view, "k": 3}, "elbow-merges.value": 10},
    ).get(ids.ELBOW_GRAPH, "figure")

    assert figure["layout"]["shapes"][0]["x0"] == 3
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert any("current k = 3" in t for t in texts)
    assert any("elbow: k = 2" in t for t in texts)


def test_a_cut_within_the_same_curves_sends_only_the_moved_mark(client, dash_app, classic_view):
    def elbow(view, shown):
        return call(
            client,
            dash_app,
            ["elbow-graph.figure", "elbow-shown-store.data"],
            inputs={"view-store.data": view, "elbow-merges.value": 10},
            state={"elbow-shown-store.data": shown},
        )

    first = elbow({**classic_view, "k": 3}, None)
    full, shown = first.get(ids.ELBOW_GRAPH, "figure"), first.get(ids.ELBOW_SHOWN, "data")
    assert shown and len(full["data"]) == 3

    moved = elbow({**classic_view, "k": 5}, shown)
    marks = operations(moved.get(ids.ELBOW_GRAPH, "figure"))
    assert set(marks) == {("layout", "shapes"), ("layout", "annotations")}  # no trace is sent again
    assert marks[("layout", "shapes")][0]["x0"] == 5
    texts = [a["text"] for a in marks[("layout", "annotations")]]
    assert "current k = 5" in texts and any("elbow: k = 2" in t for t in texts)
    # The full figure at k = 5 is the same curves with these marks.
    again = elbow({**classic_view, "k": 5}, None).get(ids.ELBOW_GRAPH, "figure")
    assert again["layout"]["shapes"] == marks[("layout", "shapes")]
    assert again["layout"]["annotations"] == marks[("layout", "annotations")]
    assert again["data"] == full["data"]


def test_a_cut_moves_only_the_silhouette_curves_mark(client, dash_app, classic_view):
    def curve(view, shown):
        return call(
            client,
            dash_app,
            ["silhouette-graph.figure", "silhouette-shown-store.data"],
            inputs={"view-store.data": view, "aids-tabs.value": "silhouette", "silhouette-max-k.value": 10},
            state={"silhouette-shown-store.data": shown},
        )

    first = curve({**classic_view, "k": 3}, None)
    full, shown = first.get(ids.SILHOUETTE_GRAPH, "figure"), first.get(ids.SILHOUETTE_SHOWN, "data")
    marks = operations(curve({**classic_view, "k": 6}, shown).get(ids.SILHOUETTE_GRAPH, "figure"))
    assert set(marks) == {("layout", "shapes"), ("layout", "annotations")}
    again = curve({**classic_view, "k": 6}, None).get(ids.SILHOUETTE_GRAPH, "figure")
    assert again["layout"]["shapes"] == marks[("layout", "shapes")] and again["layout"]["shapes"][0]["x0"] == 6
    assert again["layout"]["annotations"] == marks[("layout", "annotations")]
    assert again["data"] == full["data"]


def test_bad_merge_count_explains_in_the_panel(client, dash_app, classic_view):
    reply = call(
        client,
        dash_app,
        ["elbow-graph.figure"],
        inputs={"view-store.data": classic_view, "elbow-merges.value": 1},
    )
    assert "from 3 to" in text_of(reply.get(ids.ELBOW_NOTE, "children"))


# --- the aids' numbers ---------------------------------------------------------------


def test_inconsistency_table_shows_scipys_values(client, dash_app, classic_view, classic_tree):
    reply = show_table(client, dash_app, {**classic_view, "depth": 5})

    text = text_of(reply.get(ids.INCONSISTENCY_TABLE, "children"))
    assert "5.22936" in text
    expected = inconsistent(classic_tree.linkage, 5)[-2]
    assert f"{expected[3]:.5f}" in text
    assert text.count("✂") == 1  # 2 clusters: only the top merge is split


def test_a_tab_never_opened_computes_nothing(client, dash_app, classic_view):
    # Closed tabs are not even asked (callbacks/gates.py; the browser test counts the requests); a tab's
    # own control before its tab was ever opened has no view to work on.
    for outputs, extra in (
        (["silhouette-graph.figure"], {"silhouette-max-k.value": 10}),
        (["kmeans-graph.figure"], {"kmeans-max-k.value": 10}),
    ):
        assert call(client, dash_app, outputs, inputs=extra).status == 204


def test_silhouette_curve_and_clusters_equal_sklearns(client, dash_app, classic_view, classic_tree):
    features = load_builtin("classic").features
    reply = call(
        client,
        dash_app,
        ["silhouette-graph.figure"],
        inputs={"view-store.data": classic_view, "aids-tabs.value": "silhouette", "silhouette-max-k.value": 6},
    )
    curve = reply.get(ids.SILHOUETTE_GRAPH, "figure")["data"][0]
    xs = curve["x"] if isinstance(curve["x"], list) else decode(curve["x"]).tolist()
    ys = curve["y"] if isinstance(curve["y"], list) else decode(curve["y"]).tolist()
    assert xs == [2, 3, 4, 5, 6]
    for k, score in zip(xs, ys):
        labels = fcluster(classic_tree.linkage, k, criterion="maxclust")
        assert score == pytest.approx(silhouette_score(features, labels), rel=1e-12)
    note = text_of(reply.get(ids.SILHOUETTE_NOTE, "children"))
    overall = silhouette_score(features, clusters_for_k(classic_tree, 2).labels)
    assert f"{overall:.4f}" in note
    assert "all 150 samples" in note


def test_kmeans_summary_shows_sklearns_ari(client, dash_app, classic_view, classic_tree):
    features = load_builtin("classic").features
    view = move_cut(client, dash_app, classic_view, n_clusters=3).get(ids.VIEW, "data")
    reply = call(
        client,
        dash_app,
        ["kmeans-graph.figure"],
        inputs={"aid-view-kmeans.data": view, "kmeans-max-k.value": 10},
    )
    labels = KMeans(n_clusters=3, n_init=10, random_state=0).fit(features).labels_
    ari = adjusted_rand_score(clusters_for_k(classic_tree, 3).labels, labels)
    assert f"{ari:.4f}" in text_of(reply.get(ids.KMEANS_SUMMARY, "children"))
    figure = reply.get(ids.KMEANS_GRAPH, "figure")
    sse = figure["data"][0]["y"]
    sse = sse if isinstance(sse, list) else decode(sse).tolist()
    assert sse[2] == pytest.approx(KMeans(n_clusters=3, n_init=10, random_state=0).fit(features).inertia_, rel=1e-9)


# --- coloring the scatter by k-means ------------------------------------------------------


def color_by_kmeans(client, app, view, on, triggered="color-by.value"):
    return call(
        client,
        app,
        ["scatter.figure"],
        inputs={
            "color-by.value": "algorithm" if on else "tree",
            "compare-algorithm.value": "kmeans",
            "show-centroids.value": [],
            "panel-view-paint.data": view,
        },
        state={"view-store.data": view},
        triggered=[triggered],
    )


def test_kmeans_switch_patches_matched_colors_and_a_note(client, dash_app, classic_view, classic_tree):
    features = load_builtin("classic").features
    view = move_cut(client, dash_app, classic_view, n_clusters=3).get(ids.VIEW, "data")
    on = operations(color_by_kmeans(client, dash_app, view, on=True).get(ids.SCATTER, "figure"))
    off = operations(color_by_kmeans(client, dash_app, view, on=False).get(ids.SCATTER, "figure"))

    kmeans_colors = decode(on[("data", 0, "marker", "color")])
    tree_colors = decode(off[("data", 0, "marker", "color")])
    hierarchical = clusters_for_k(classic_tree, 3).labels
    kmeans = KMeans(n_clusters=3, n_init=10, random_state=0).fit(features).labels_
    assert adjusted_rand_score(kmeans_colors, kmeans) == 1.0  # colored by k-means' partition
    assert adjusted_rand_score(tree_colors, hierarchical) == 1.0  # and back to the tree's
    # Each k-means cluster takes the color of the tree cluster it shares most samples with
    # (Hungarian matching; here every k-means cluster has a clear partner).
    table = np.zeros((4, 3), dtype=int)
    np.add.at(table, (hierarchical, kmeans), 1)
    rows, cols = linear_sum_assignment(table[1:], maximize=True)
    for tree_cluster, kmeans_cluster in zip(rows + 1, cols):
        partner_color = tree_colors[hierarchical == tree_cluster][0]
        assert set(kmeans_colors[kmeans == kmeans_cluster]) == {partner_color}
    # Equal ids are painted alike in both patches (whatever encodes the colors).
    color_keys = [key for key in off if key[:3] == ("data", 0, "marker") and key[3] != "color"]
    assert all(on[key] == off[key] for key in color_keys if key[3] != "symbol")
    assert "coloured by k-means" in on[("layout", "annotations")][0]["text"]
    assert off[("layout", "annotations")] == []


def test_view_change_recolors_only_while_the_switch_is_on(client, dash_app, classic_view):
    assert color_by_kmeans(client, dash_app, classic_view, on=False, triggered="panel-view-paint.data").status == 204
    reply = color_by_kmeans(client, dash_app, classic_view, on=True, triggered="panel-view-paint.data")
    assert "coloured by k-means" in str(reply.get(ids.SCATTER, "figure"))


def test_cut_leaves_the_scatter_to_kmeans_while_the_switch_is_on(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, classic_view, kmeans_color=["on"], n_clusters=3)

    assert not reply.has(ids.SCATTER, "figure")
    assert reply.get(ids.VIEW, "data")["k"] == 3
