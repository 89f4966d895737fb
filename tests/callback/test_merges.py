"""The merge player over HTTP: a step is one small Patch of colors and marks; off paints the cut back."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from components import ids
from figures import merges as merges_fig
from tests.callback.conftest import call, patch_values, text_of
from tests.callback.test_callbacks import choose, cut, tree

PLAYER_OUTPUTS = ["merge-info.children", "merge-step.max"]
SENTENCE = (
    "merge 14 (Z[13]): sample 62 joins cluster 152 (samples 33, 68, formed in merge 3) at height 0.1726; "
    "the new cluster 163 has 3 samples"
)


def operations(patch: dict) -> list[dict]:
    assert "__dash_patch_update" in patch, patch
    return patch["operations"]


def assigned(patch: dict) -> dict:
    """``{location tuple: value}`` of a serialized Patch's assignments."""
    assert "__dash_patch_update" in patch, patch
    return patch_values(patch)


def decode(typed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(typed["bdata"]), dtype=np.dtype(typed["dtype"]).newbyteorder("<"))


def player(client, app, view, on=True, step=1, store=None, triggered=("merge-step.value",), kmeans=None):
    return call(
        client,
        app,
        PLAYER_OUTPUTS,
        inputs={
            "merge-on.value": ["on"] if on else [],
            "merge-step.value": step,
            "panel-view-merge.data": view,
            "merge-store.data": store,
        },
        state={
            "color-by.value": "algorithm" if kmeans else "tree",
            "compare-algorithm.value": "kmeans",
            "view-store.data": view,
        },
        triggered=list(triggered),
    )


@pytest.fixture
def classic_view(client, dash_app):
    ref = choose(client, dash_app, "classic").get(ids.DATA_REF, "data")
    return tree(client, dash_app, ref).get(ids.VIEW, "data")


@pytest.fixture
def classic_player(client, dash_app, classic_view):
    """The player's store once the classic tree is shown (the player still off)."""
    return player(client, dash_app, classic_view, on=False, triggered=["panel-view-merge.data"]).get(
        ids.MERGE_STORE, "data"
    )


def info(reply) -> str:
    """The info area's text, each run of spaces as one (text_of puts a space between elements)."""
    return " ".join(text_of(reply.get(ids.MERGE_INFO, "children")).split())


def lit(reply) -> tuple[set[int], set[int]]:
    colors = decode(assigned(reply.get(ids.SCATTER, "figure"))[("data", 0, "marker", "color")])
    return set(np.flatnonzero(colors == 1).tolist()), set(np.flatnonzero(colors == 2).tolist())


def test_a_new_tree_sets_the_slider_to_its_merges_and_shows_the_card(client, dash_app, classic_view):
    reply = player(client, dash_app, classic_view, on=False, triggered=["panel-view-merge.data"])
    assert reply.get(ids.MERGE_STEP, "max") == 149
    assert reply.get(ids.MERGE_STEP, "value") == 1
    assert reply.get(ids.MERGE_PANEL, "hidden") is False
    marks = reply.get(ids.MERGE_STEP, "marks")
    assert {"1", "149"} <= set(marks) and len(marks) <= 8
    assert reply.get(ids.MERGE_STORE, "data")["view"]["method"] == "ward"
    assert not reply.has(ids.SCATTER, "figure")  # off: nothing of the player is drawn


def test_merge_14_lights_exactly_samples_62_and_33_68(client, dash_app, classic_view, classic_player):
    reply = player(client, dash_app, classic_view, step=14, store=classic_player)
    assert lit(reply) == ({62}, {33, 68})
    assert info(reply).startswith(SENTENCE)
    assert "Z[13] = [62, 152, 0.1726, 3]" in info(reply)
    assert "inside the contracted leaf (33)" in info(reply)
    assert not reply.has(ids.MERGE_STEP, "max")  # the same tree: the slider stays
    assert len(reply.body) < 6000  # one small request: colors and marks, no figure


def test_a_step_marks_the_dendrogram_without_touching_the_cut_line(client, dash_app, classic_view, classic_player):
    reply = player(client, dash_app, classic_view, step=14, store=classic_player)
    dendrogram = assigned(reply.get(ids.DENDROGRAM, "figure"))
    assert set(dendrogram) == {("layout", "shapes", 1), ("layout", "shapes", 2), ("layout", "annotations", 1)}
    assert dendrogram[("layout", "shapes", 1)]["y0"] == pytest.approx(0.17259953, abs=1e-8)
    assert "inside (33)" in dendrogram[("layout", "annotations", 1)]["text"]


def test_switching_off_paints_the_cut_back_and_removes_the_marks(client, dash_app, classic_view, classic_player):
    reply = player(
        client, dash_app, classic_view, on=False, step=14, store=classic_player, triggered=["merge-on.value"]
    )
    scatter = reply.get(ids.SCATTER, "figure")
    colors = decode(assigned(scatter)[("data", 0, "marker", "color")])
    assert sorted(set(colors.tolist())) == [1, 2]
    assert np.bincount(colors).tolist()[1:] == [50, 100]  # the cut at 100: the two groups
    assert assigned(scatter)[("data", 0, "marker", "cmin")] == 0.5
    deleted = [op["location"] for op in operations(scatter) if op["operation"] == "Delete"]
    assert deleted == [["data", merges_fig.OVERLAY_TRACE]]
    dendrogram = assigned(reply.get(ids.DENDROGRAM, "figure"))
    assert len(dendrogram[("layout", "shapes")]) == 1  # the cut line only
    assert dendrogram[("layout", "shapes")][0]["y0"] == classic_view["height"]
    assert "Replay how the tree was built" in info(reply)


def test_switching_off_with_kmeans_coloring_on_gives_the_kmeans_colors_back(
    client, dash_app, classic_view, classic_player
):
    reply = player(
        client, dash_app, classic_view, on=False, store=classic_player, triggered=["merge-on.value"], kmeans=["on"]
    )
    annotations = assigned(reply.get(ids.SCATTER, "figure"))[("layout", "annotations")]
    assert "coloured by k-means" in annotations[0]["text"]


def test_a_new_cut_keeps_the_player_on_at_the_same_merge(client, dash_app, classic_view, classic_player):
    new_view = cut(client, dash_app, classic_view, "cut-height.value", 16).get(ids.VIEW, "data")
    assert new_view["k"] == 4
    reply = player(client, dash_app, new_view, step=14, store=classic_player, triggered=["panel-view-merge.data"])
    assert lit(reply) == ({62}, {33, 68})
    assert not reply.has(ids.MERGE_STEP, "value")


def test_another_tree_resets_the_step(client, dash_app, classic_view, classic_player):
    ref = {"session": classic_view["session"], "data": classic_view["data"]}
    average = tree(client, dash_app, ref, method="average", previous=classic_view).get(ids.VIEW, "data")
    reply = player(client, dash_app, average, step=14, store=classic_player, triggered=["panel-view-merge.data"])
    assert reply.get(ids.MERGE_STEP, "value") == 1
    assert reply.get(ids.MERGE_STORE, "data")["view"]["method"] == "average"
    assert "merge 1 (Z[0])" in info(reply)


def test_a_view_change_while_the_player_is_off_sends_nothing(client, dash_app, classic_view, classic_player):
    reply = player(client, dash_app, classic_view, on=False, store=classic_player, triggered=["panel-view-merge.data"])
    assert reply.status == 204


def test_a_merge_number_the_tree_does_not_have_is_explained_in_the_info(client, dash_app, classic_view, classic_player):
    reply = player(client, dash_app, classic_view, step=500, store=classic_player)
    assert "from 1 to 149" in info(reply)
    assert not reply.has(ids.SCATTER, "figure")


def test_a_large_tree_starts_30_merges_below_the_top(client, dash_app):
    ref = choose(client, dash_app, "digits").get(ids.DATA_REF, "data")
    view = tree(client, dash_app, ref, method="average").get(ids.VIEW, "data")
    reply = player(client, dash_app, view, on=True, triggered=["panel-view-merge.data"])
    assert reply.get(ids.MERGE_STEP, "value") == 1797 - 30
    assert f"merge {1797 - 30} (Z[{1797 - 31}])" in info(reply)


def test_the_top_merges_table_reads_the_top_of_z_as_scipy_has_it(client, dash_app, classic_view):
    from scipy.cluster.hierarchy import linkage

    from loaders import load_builtin

    reply = call(client, dash_app, ["top-merges.children"], inputs={"panel-view-top-merges.data": classic_view})
    text = text_of(reply.get("top-merges", "children"))
    z = linkage(load_builtin("classic").features, "ward")
    assert text.index("Z[148]") < text.index("Z[147]") < text.index("Z[139]")  # highest first, ten rows
    assert "Z[138]" not in text
    assert f"{z[148, 2]:.4g}" in text and "cluster 296" in text and "cluster 297" in text
