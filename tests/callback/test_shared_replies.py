"""A panel's reply and a view's figures are shared by the sessions showing one view, never without its data."""

from __future__ import annotations

from dataclasses import replace

import diskcache
import numpy as np
import pytest
from plotly.io.json import to_json_plotly
from scipy.cluster.hierarchy import fcluster, linkage

from callbacks import clusters, render, shared
from callbacks.render import ViewState
from components import ids
from hclust import CutRule
from loaders.builtin import load_builtin
from state.refs import SessionExpiredError
from state.session_store import SessionStore
from tests.callback.conftest import call, text_of
from tests.callback.test_callbacks import choose, tree
from tests.callback.test_ownership import SECRET_LABELS, owners_view

TABLE = ["cluster-table.children", "cluster-table-note.children", "python-code.children"]
TRUTH = ["truth-scores.children", "truth-table.children"]


def _table(client, app, view):
    inputs = {"view-store.data": view, "color-by.value": "tree", "compare-algorithm.value": None}
    return call(client, app, TABLE, inputs={**inputs, "lesson-tabs.value": None})


def _truth(client, app, view):
    """The True classes tab, open: it answers within the cut's panels request."""
    inputs = {"view-store.data": view, "color-by.value": "tree", "compare-algorithm.value": None}
    return call(client, app, TRUTH, inputs={**inputs, "lesson-tabs.value": "truth"})


def _view_of(client, app, session: str, key: str = "iris") -> dict:
    ref = choose(client, app, key, session=session).get(ids.DATA_REF, "data")
    return tree(client, app, ref).get(ids.VIEW, "data")


def test_two_sessions_on_one_example_get_the_same_scores_as_scipy(client, dash_app):
    shared.SHARED.clear()
    first, second = _view_of(client, dash_app, "c" * 32), _view_of(client, dash_app, "d" * 32)
    assert first["data"] == second["data"] and first["session"] != second["session"]
    replies = [_truth(client, dash_app, view) for view in (first, second)]
    truths = [key for key in shared.SHARED._values if "/reply/truth/" in key]
    assert len(truths) == 1  # the second session got the first's
    texts = [text_of(reply.get(ids.TRUTH_SCORES, "children")) for reply in replies]
    assert texts[0] == texts[1]
    # Against the classes, the numbers are scikit-learn's on SciPy's cut.
    from sklearn.metrics import adjusted_rand_score

    iris = load_builtin("iris")
    labels = fcluster(linkage(iris.features, "ward"), first["k"], "maxclust")
    assert f"{adjusted_rand_score(np.asarray(iris.classes), labels):.4f}" in texts[0]


def test_a_session_not_holding_the_data_never_gets_its_shared_reply(client, dash_app):
    shared.SHARED.clear()
    view = owners_view(client, dash_app)
    owner = _table(client, dash_app, view)
    assert any(name in owner.body.decode() for name in SECRET_LABELS)  # its medoids are named
    assert len(shared.SHARED) == 1  # the owner's table
    # Another session names the owner's data (its fingerprint) in a view of its own: its cookie matches the
    # view, so the ownership check passes, but the session does not hold the data.
    forged = {**view, "session": "e" * 32}
    reply = _table(client, dash_app, forged)
    assert reply.status == 200
    assert not any(name in reply.body.decode() for name in SECRET_LABELS)
    assert "expired" in text_of(reply.get(ids.CLUSTER_TABLE_NOTE, "children"))


def test_two_sessions_on_one_example_get_one_drawing_and_a_session_without_the_data_none(
    settings, tmp_path, monkeypatch
):
    """Both figures are drawn once for a view alike, in this process and (through the store) in the others."""
    render.SHARED_FIGURES.clear()
    store = SessionStore(diskcache.Cache(str(tmp_path / "store")), ttl_seconds=3600)
    iris = load_builtin("iris")
    views = []
    for session in ("c" * 32, "d" * 32):
        ref = store.put_dataset(session, iris)
        views.append(ViewState(session, ref.data_key, "ward", "euclidean", 12, None, height=0.0, k=0))
    cut = CutRule.into(3).apply(store.tree(views[0].ref, "ward", "euclidean"))
    np.testing.assert_array_equal(cut.labels, fcluster(linkage(iris.features, "ward"), 3, "maxclust"))
    slots = views[0].slots_for(cut)
    drawn = [render.full_figures(store, view.with_cut(cut, slots), cut, slots, settings) for view in views]
    assert drawn[0] is drawn[1] and len(render.SHARED_FIGURES) == 1  # the second session drew nothing
    fresh = render._draw_figures(store, views[1].with_cut(cut, slots), cut, slots, settings, None)
    assert [to_json_plotly(figure) for figure in drawn[1][:2]] == [to_json_plotly(figure) for figure in fresh[:2]]
    # Another process (its own SHARED_FIGURES, empty) reads them from the store instead of drawing them.
    render.SHARED_FIGURES.clear()
    monkeypatch.setattr(render, "_draw_figures", lambda *args: pytest.fail("drawn again"))
    again = render.full_figures(store, views[1].with_cut(cut, slots), cut, slots, settings)
    assert to_json_plotly(again[0]) == to_json_plotly(drawn[0][0])
    # A session naming the same fingerprint without holding the data gets no figure of it.
    forged = replace(views[0], session="e" * 32).with_cut(cut, slots)
    with pytest.raises(SessionExpiredError):
        render.full_figures(store, forged, cut, slots, settings)


def test_the_cluster_numbers_are_made_once_per_partition_whatever_its_colours(tmp_path, monkeypatch):
    """Two students who reached the same clusters along different cuts share the table's numbers, not its colours."""
    shared.SHARED.clear()
    store = SessionStore(diskcache.Cache(str(tmp_path / "store")), ttl_seconds=3600)
    iris = load_builtin("iris")
    made = []
    real = clusters.view_summary
    monkeypatch.setattr(clusters, "view_summary", lambda view: made.append(1) or real(view))
    tables = []
    for session, colors in (("c" * 32, None), ("d" * 32, "reversed")):
        ref = store.put_dataset(session, iris)
        view = ViewState(session, ref.data_key, "ward", "euclidean", 12, None, height=0.0, k=0)
        cut = CutRule.into(4).apply(store.tree(ref, "ward", "euclidean"))
        slots = view.slots_for(cut)
        view = view.with_cut(cut, slots[::-1] if colors else slots)
        tables.append(clusters.table_reply(store, view, None)[0])
    assert made == [1]  # the second colouring reused the first one's numbers
    assert to_json_plotly(tables[0]) != to_json_plotly(tables[1])  # each table is drawn in its own colours
    sizes = np.bincount(fcluster(linkage(iris.features, "ward"), 4, "maxclust"))[1:]
    assert all(f'"{size:,}"' in to_json_plotly(tables[1]) for size in sizes)  # SciPy's cluster sizes
