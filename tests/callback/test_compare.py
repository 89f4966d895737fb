"""HTTP-contract tests of the methods side by side: the grid, the ARI table, the note and the menu."""

from __future__ import annotations

import pytest
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import pdist

import callbacks.compare
from components import ids
from loaders import load_builtin
from tests.callback.conftest import call, text_of
from tests.callback.data_calls import FORMATS_DIR
from tests.callback.test_callbacks import choose, tree, upload

OUTPUTS = ["compare-grid.children", "compare-ari.children", "compare-note.children"]


def compare(client, app, view, methods, shown=None):
    return call(
        client,
        app,
        OUTPUTS,
        inputs={"panel-view-compare.data": view, "compare-methods.value": methods},
        state={"compare-shown-store.data": shown, "view-store.data": view},
    )


def scipy_cophenetic(method: str) -> str:
    features = load_builtin("moons").features
    return f"{cophenet(linkage(features, method), pdist(features))[0]:.5f}"


@pytest.fixture
def moons_ref(client, dash_app):
    return choose(client, dash_app, "moons").get(ids.DATA_REF, "data")


@pytest.fixture
def moons_view(client, dash_app, moons_ref):
    """ward/euclidean on the moons, cut where the elbow says (k = 3)."""
    return tree(client, dash_app, moons_ref).get(ids.VIEW, "data")


def cards(reply) -> list[str]:
    return [text_of(card) for card in reply.get(ids.COMPARE_GRID, "children")]


def options(reply) -> dict:
    return {option["value"]: option for option in reply.get(ids.COMPARE_METHODS, "options")}


def test_single_and_ward_give_two_cards_with_scipys_cophenetic(client, dash_app, moons_view):
    reply = compare(client, dash_app, moons_view, ["single", "ward"])
    texts = cards(reply)
    assert len(texts) == 2
    by_method = {method: next(text for text in texts if text.split()[0] == method) for method in ("single", "ward")}
    for method, text in by_method.items():
        assert scipy_cophenetic(method) in text, (method, text)
    assert "main view" in by_method["ward"] and "main view" not in by_method["single"]
    assert "closest pair" in by_method["single"]  # what the method does


def test_each_card_holds_a_small_dendrogram_and_scatter_of_every_sample(client, dash_app, moons_view):
    reply = compare(client, dash_app, moons_view, ["single", "ward"])
    for card in reply.get(ids.COMPARE_GRID, "children"):
        graphs = [c["props"] for c in card["props"]["children"] if c.get("type") == "Graph"]
        assert [g["id"].split("-")[2] for g in graphs] == ["dendrogram", "scatter"]
        dendrogram, scatter = (g["figure"] for g in graphs)
        assert dendrogram["layout"]["height"] < 300 and scatter["layout"]["height"] < 300
        assert len(dendrogram["layout"]["shapes"]) == 1  # the cut line
        assert scatter["data"][0]["marker"]["color"]["dtype"] == "u1"  # one cluster id per sample


def test_the_cut_follows_the_main_views_k(client, dash_app, moons_view):
    three = compare(client, dash_app, moons_view, ["single", "ward"])
    assert "k = 3" in text_of(three.get(ids.COMPARE_NOTE, "children"))
    assert "1: 100 2: 1 3: 99" in " ".join(cards(three)[1].split())  # single: the two moons and a stray point
    two = compare(client, dash_app, {**moons_view, "k": 2}, ["single", "ward"])
    assert "k = 2" in text_of(two.get(ids.COMPARE_NOTE, "children"))
    assert "1: 100 2: 100" in " ".join(cards(two)[1].split())  # single: one cluster per moon


def test_ari_table_compares_every_pair(client, dash_app, moons_view):
    reply = compare(client, dash_app, moons_view, ["single", "complete", "average", "ward"])
    assert len(cards(reply)) == 4
    table = text_of(reply.get(ids.COMPARE_ARI, "children"))
    assert "Adjusted Rand index" in table and "k = 3" in table
    for method in ("ward", "single", "complete", "average"):
        assert method in table


def test_nothing_is_computed_before_two_methods_are_chosen(client, dash_app, moons_view):
    none = compare(client, dash_app, moons_view, [])
    assert none.get(ids.COMPARE_GRID, "children") == []
    assert none.get(ids.COMPARE_PANEL, "hidden") is False
    assert "single and ward on the moons" in text_of(none.get(ids.COMPARE_NOTE, "children"))
    one = compare(client, dash_app, moons_view, ["single"])
    assert one.get(ids.COMPARE_GRID, "children") == []
    assert "one more method" in text_of(one.get(ids.COMPARE_NOTE, "children"))


def test_an_unchanged_view_redraws_nothing(client, dash_app, moons_view):
    first = compare(client, dash_app, moons_view, ["single", "ward"])
    shown = first.get(ids.COMPARE_SHOWN, "data")
    moved = {**moons_view, "height": moons_view["height"] * 1.01}  # the cut moved, k is the same
    assert compare(client, dash_app, moved, ["ward", "single"], shown).status == 204


def test_another_metric_offers_ward_off_with_the_reason_and_leaves_it_out(client, dash_app, moons_ref):
    view = tree(client, dash_app, moons_ref, method="average", metric="cityblock").get(ids.VIEW, "data")
    reply = compare(client, dash_app, view, ["single", "average", "ward"])
    menu = options(reply)
    assert menu["ward"]["disabled"] is True and menu["single"]["disabled"] is False
    assert "euclidean" in menu["ward"]["label"]["props"]["title"]
    assert len(cards(reply)) == 2
    note = text_of(reply.get(ids.COMPARE_NOTE, "children"))
    assert "ward is left out: it needs the euclidean metric (this view uses 'cityblock')" in note
    assert "cityblock metric" in note


def test_four_chosen_turn_the_others_off(client, dash_app, moons_view):
    reply = compare(client, dash_app, moons_view, ["single", "complete", "average", "ward"])
    off = {value for value, option in options(reply).items() if option["disabled"]}
    assert off == {"weighted", "centroid", "median"}


def test_trees_over_the_time_budget_are_named_with_their_estimate_not_built(client, dash_app, moons_view, monkeypatch):
    monkeypatch.setattr(callbacks.compare, "BUDGET_SECONDS", 0.0)
    reply = compare(client, dash_app, moons_view, ["single", "ward"])
    texts = cards(reply)
    assert len(texts) == 1 and texts[0].startswith("ward")  # the main view's tree is built already
    note = text_of(reply.get(ids.COMPARE_NOTE, "children"))
    assert "single is not built here: its tree would take under 1 s" in note
    assert "over the 0 s one request may spend" in note
    assert reply.get(ids.COMPARE_ARI, "children") == []


def test_a_second_look_at_a_method_is_free(client, dash_app, moons_view, monkeypatch):
    compare(client, dash_app, moons_view, ["single", "ward"])
    monkeypatch.setattr(callbacks.compare, "BUDGET_SECONDS", 0.0)  # only stored trees can be shown now
    reply = compare(client, dash_app, {**moons_view, "k": 2}, ["single", "ward"])
    assert len(cards(reply)) == 2


def test_more_than_four_methods_are_refused_in_the_note(client, dash_app, moons_view):
    reply = compare(client, dash_app, moons_view, ["single", "complete", "average", "ward", "weighted"])
    assert reply.get(ids.COMPARE_GRID, "children") == []
    assert "at most 4 methods" in text_of(reply.get(ids.COMPARE_NOTE, "children"))


def test_a_distance_matrix_compares_only_methods_without_coordinates(client, dash_app):
    raw = (FORMATS_DIR / "distance_matrix.csv").read_bytes()
    ref = upload(client, dash_app, raw, "distance_matrix.csv").get(ids.DATA_REF, "data")
    view = tree(client, dash_app, ref, method="average", metric="precomputed").get(ids.VIEW, "data")
    reply = compare(client, dash_app, view, ["single", "average", "ward"])
    assert [text.split()[0] for text in cards(reply)] == ["single", "average"]
    menu = options(reply)
    assert {value for value, option in menu.items() if option["disabled"]} == {"ward", "centroid", "median"}
    assert "(needs coordinates)" in text_of(menu["ward"]["label"])
    note = text_of(reply.get(ids.COMPARE_NOTE, "children"))
    assert "ward is left out: it needs the samples' coordinates" in note
    assert "precomputed distances" in note
