"""The height and k boxes are text boxes: what they send is parsed and checked on the server.

Reference (classic data, ward/euclidean): the first view cuts at 100 into 2
clusters; a height in [15.11533, 17.11527) gives 4 clusters and one in
[17.11527, 23.12199) gives 3.
"""

from __future__ import annotations

import pytest

from callbacks.cut import read_typed
from components import ids
from tests.callback.conftest import text_of
from tests.callback.test_callbacks import choose, cut, tree

BAD_K = ["abc", "0", "2.5", "151", "-1", "", "   "]
BAD_HEIGHT = ["abc", "-3", "", "1e999", "12..5"]


@pytest.fixture
def classic_view(client, dash_app):
    """ward/euclidean on the classic data, cut at 100 into 2 clusters."""
    ref = choose(client, dash_app, "classic").get(ids.DATA_REF, "data")
    return tree(client, dash_app, ref).get(ids.VIEW, "data")


def message_text(reply) -> str:
    return text_of(reply.get(ids.MESSAGE, "children"))


def assert_cut_kept(reply, box: str) -> None:
    """No new cut: neither graph, the view nor the summary changes; only the message and the typed box."""
    assert set(reply.response) == {ids.MESSAGE, box}, reply.response


# --- reading a box ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("3", 3.0),
        (" 3 ", 3.0),
        ("16.5", 16.5),
        ("16,5", 16.5),
        ("1e2", 100.0),
        (4, 4),
        (16.0, 16.0),
        (None, None),
        ("", None),
        ("  ", None),
        ("abc", "abc"),
        (" 1,000.5 ", "1,000.5"),
        ("inf", "inf"),
        ("nan", "nan"),
    ],
)
def test_read_typed(sent, expected):
    assert read_typed(sent) == expected


# --- a typed k ----------------------------------------------------------------


def test_typed_k_as_text_cuts_into_k_clusters(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "n-clusters.value", "3")

    view = reply.get(ids.VIEW, "data")
    assert view["k"] == 3 and view["criterion"] == "maxclust"
    assert 17.11527 < reply.get(ids.CUT_HEIGHT, "value") < 23.12199
    assert not reply.has(ids.N_CLUSTERS, "value")  # the box already shows 3
    assert "__dash_patch_update" in reply.get(ids.DENDROGRAM, "figure")
    assert message_text(reply) == ""


def test_typed_k_in_another_spelling_is_written_back_plainly(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "n-clusters.value", " 3.0 ")

    assert reply.get(ids.VIEW, "data")["k"] == 3
    assert reply.get(ids.N_CLUSTERS, "value") == 3


@pytest.mark.parametrize("sent", ["2", " 2 ", "2.0"])
def test_text_equal_to_the_current_k_is_no_request(client, dash_app, classic_view, sent):
    reply = cut(client, dash_app, classic_view, "n-clusters.value", sent)

    assert reply.status == 204


@pytest.mark.parametrize("sent", BAD_K)
def test_bad_k_says_the_rule_keeps_the_cut_and_puts_k_back(client, dash_app, classic_view, sent):
    reply = cut(client, dash_app, classic_view, "n-clusters.value", sent)

    assert_cut_kept(reply, ids.N_CLUSTERS)
    assert reply.get(ids.N_CLUSTERS, "value") == 2
    text = message_text(reply)
    assert text.startswith("The number of clusters k must be a whole number from 1 to 150 (")
    assert text.endswith("); the cut stays at k = 2 (height 100).")
    assert (f'you typed "{sent.strip()}"' if sent.strip() else "the box was empty") in text
    assert reply.get(ids.MESSAGE, "children")[0]["props"]["className"] == "msg msg-error"


def test_k_typed_again_after_a_graph_cut_is_a_new_request(client, dash_app, classic_view):
    """The server half of the retype bug: k=3, a click at 50 (k=2), k=3 again must cut again."""
    three = cut(client, dash_app, classic_view, "n-clusters.value", "3").get(ids.VIEW, "data")
    clicked = cut(client, dash_app, three, "graph-cut-store.data", {"y": 50, "source": "click", "t": 1})
    after_click = clicked.get(ids.VIEW, "data")
    assert (after_click["k"], clicked.get(ids.N_CLUSTERS, "value")) == (2, 2)

    again = cut(client, dash_app, after_click, "n-clusters.value", "3")

    assert again.get(ids.VIEW, "data")["k"] == 3
    assert again.get(ids.VIEW, "data")["height"] == three["height"]


# --- a typed height -----------------------------------------------------------


def test_typed_height_as_text_with_a_decimal_comma(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "cut-height.value", " 16,5 ")

    view = reply.get(ids.VIEW, "data")
    assert (view["height"], view["k"], view["criterion"]) == (16.5, 4, "distance")
    assert reply.get(ids.N_CLUSTERS, "value") == 4
    assert reply.get(ids.CUT_HEIGHT, "value") == 16.5  # written back with a point


def test_typed_height_as_plain_text_is_not_written_back(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "cut-height.value", "16")

    assert reply.get(ids.VIEW, "data")["height"] == 16
    assert not reply.has(ids.CUT_HEIGHT, "value")


@pytest.mark.parametrize("sent", BAD_HEIGHT)
def test_bad_height_says_the_rule_keeps_the_cut_and_puts_the_height_back(client, dash_app, classic_view, sent):
    reply = cut(client, dash_app, classic_view, "cut-height.value", sent)

    assert_cut_kept(reply, ids.CUT_HEIGHT)
    assert reply.get(ids.CUT_HEIGHT, "value") == 100
    text = message_text(reply)
    assert text.startswith("The cut height must be a number of at least 0 (")
    assert text.endswith("); the cut stays at k = 2 (height 100).")


def test_blank_height_during_an_inconsistency_cut_is_no_request(client, dash_app, classic_view):
    view = {**classic_view, "criterion": "inconsistent", "threshold": 1.0}

    assert cut(client, dash_app, view, "cut-height.value", "").status == 204


def test_bad_height_during_an_inconsistency_cut_leaves_the_box_empty(client, dash_app, classic_view):
    view = {**classic_view, "criterion": "inconsistent", "threshold": 1.0}

    reply = cut(client, dash_app, view, "cut-height.value", "abc")

    assert_cut_kept(reply, ids.CUT_HEIGHT)
    assert reply.get(ids.CUT_HEIGHT, "value") is None
    assert message_text(reply).endswith("; the cut stays at k = 2.")


def test_a_typed_height_above_the_tree_is_refused_with_the_range_and_the_cut_stays(client, dash_app, classic_view):
    reply = cut(client, dash_app, classic_view, "cut-height.value", "500")

    assert_cut_kept(reply, ids.CUT_HEIGHT)
    text = message_text(reply)
    assert text.startswith('The cut height must be from 0 to 194 (you typed "500"): every height above the top merge')
    assert text.endswith("; the cut stays at k = 2 (height 100).")
