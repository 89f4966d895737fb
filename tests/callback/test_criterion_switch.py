"""Switching the cut criterion to "inconsistent" keeps the cut: a t for the current k, checked against fcluster."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, inconsistent

from components import ids
from hclust import build_tree
from hclust.inconsistency import threshold_keeping
from loaders import load_builtin
from tests.callback.test_aids_callbacks import message_text, move_cut
from tests.callback.test_callbacks import choose, tree


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


@pytest.fixture
def classic_view(client, dash_app):
    """ward/euclidean, cut at 100 into 2 clusters by the elbow; no t chosen yet."""
    ref = choose(client, dash_app, "classic").get(ids.DATA_REF, "data")
    return tree(client, dash_app, ref).get(ids.VIEW, "data")


def _clusters(linkage, t, depth) -> int:
    return len(set(fcluster(linkage, t, criterion="inconsistent", depth=depth)))


def _closest_counts(linkage, depth) -> set[int]:
    """Every cluster count some t gives (the count changes only at the coefficients)."""
    coefficients = np.unique(inconsistent(linkage, depth)[:, 3])
    return {_clusters(linkage, float(t), depth) for t in coefficients}


def test_switching_keeps_the_2_clusters_and_writes_that_t(client, dash_app, classic_view, classic_tree):
    reply = move_cut(client, dash_app, {**classic_view, "depth": 3}, cut_criterion="inconsistent")

    view = reply.get(ids.VIEW, "data")
    assert (view["criterion"], view["k"], view["depth"]) == ("inconsistent", 2, 3)
    assert reply.get(ids.N_CLUSTERS, "value") == 2
    assert _clusters(classic_tree.linkage, view["threshold"], 3) == 2
    assert f"t = {view['threshold']:g} keeps the 2 clusters" in message_text(reply)


def test_at_depth_2_no_t_gives_2_clusters_so_the_closest_count_below(client, dash_app, classic_view, classic_tree):
    assert 2 not in _closest_counts(classic_tree.linkage, 2)  # 1, 8, 10, ... clusters

    reply = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent")

    view = reply.get(ids.VIEW, "data")
    assert view["k"] == 1 == _clusters(classic_tree.linkage, view["threshold"], 2)  # not t = 1's 52 clusters
    assert f"No t gives 2 clusters at depth 2: t = {view['threshold']:g} gives 1" in message_text(reply)


@pytest.mark.parametrize("depth", [2, 3, 5])
@pytest.mark.parametrize("k", [3, 4, 5, 7, 12])
def test_switching_after_a_k_cut_keeps_k_or_the_closest_count_below(
    client, dash_app, classic_view, classic_tree, k, depth
):
    view = move_cut(client, dash_app, {**classic_view, "depth": depth}, n_clusters=k).get(ids.VIEW, "data")

    reply = move_cut(client, dash_app, view, cut_criterion="inconsistent")

    switched = reply.get(ids.VIEW, "data")
    expected = max(count for count in _closest_counts(classic_tree.linkage, depth) if count <= k)
    assert _clusters(classic_tree.linkage, switched["threshold"], depth) == expected == switched["k"]
    assert switched["depth"] == depth
    if expected == k:
        assert f"keeps the {k} clusters" in message_text(reply)
    else:
        assert f"No t gives {k} clusters at depth {depth}" in message_text(reply)


@pytest.mark.parametrize("dataset", ["classic-harder", "digits"])
def test_the_chosen_t_matches_fcluster_on_other_trees(dataset):
    tree_ = build_tree(load_builtin(dataset).features, "ward", "euclidean")
    for k in (2, 4, 6, 10):
        counts = _closest_counts(tree_.linkage, 2)
        expected = max(count for count in counts if count <= k)

        t = threshold_keeping(tree_, k, 2)

        assert _clusters(tree_.linkage, t, 2) == expected
        assert len(f"{t:g}") <= 6  # a short number for the t box


def test_a_t_typed_with_the_switch_is_used_as_typed(client, dash_app, classic_view, classic_tree):
    reply = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent", cut_threshold=1.0)

    assert reply.get(ids.VIEW, "data")["threshold"] == 1.0
    assert reply.get(ids.N_CLUSTERS, "value") == _clusters(classic_tree.linkage, 1.0, 2)
    assert "keeps" not in message_text(reply)


def test_switching_again_after_moving_the_line_keeps_the_new_cut(client, dash_app, classic_view, classic_tree):
    first = move_cut(client, dash_app, classic_view, cut_criterion="inconsistent").get(ids.VIEW, "data")
    back = move_cut(client, dash_app, first, graph_cut_store={"y": 16.3, "source": "drag", "t": 1}).get(
        ids.VIEW, "data"
    )
    assert back["k"] == 4

    again = move_cut(client, dash_app, back, cut_criterion="inconsistent").get(ids.VIEW, "data")

    expected = max(count for count in _closest_counts(classic_tree.linkage, 2) if count <= 4)
    assert again["k"] == expected == _clusters(classic_tree.linkage, again["threshold"], 2)


def test_a_bad_depth_on_the_switch_explains_and_keeps_the_cut(client, dash_app, classic_view):
    reply = move_cut(client, dash_app, {**classic_view, "depth": 99}, cut_criterion="inconsistent")

    assert set(reply.response) == {ids.MESSAGE}
    assert "from 1 to 50" in message_text(reply)
