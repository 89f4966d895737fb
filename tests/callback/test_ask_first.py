"""Ask before a long wait, over HTTP: a tree over the rule is asked about, and each answer starts the right thing.

The rule (``Settings.asks_first``) is met with small settings: a memory
budget of 4 GB asks above 1 GB, which an exact average-linkage tree of
20,000 samples (about 2 GB) passes and its approximate and single-linkage
trees (about 0.1 GB) do not; or ``ask_above_seconds=0``, which asks for any
tree not built yet.
"""

from __future__ import annotations

import numpy as np
import pytest

from components import ids
from tests.callback.conftest import call, text_of
from tests.callback.test_address import open_address
from tests.callback.test_callbacks import SESSION_A, choose, upload
from tests.callback.test_scale import app_with, tree_inputs

QUARTER_OF_4_GB = {"memory_budget_mb": 4000}
TREE = ["dendrogram.figure", "tree-job-store.data", "ask-store.data"]


def show(client, app, ref, method="average", tree_mode="exact", previous=None, asked=None, pending=None, trigger=None):
    """The tree callback as a control change (``trigger``, default the new data) fires it."""
    return call(
        client,
        app,
        TREE,
        inputs=tree_inputs(ref, method, tree_mode),
        state={
            "view-store.data": previous,
            "job-box.hidden": True,
            "ask-store.data": asked,
            "pending-view-store.data": pending,
        },
        triggered=[trigger or "data-ref-store.data"],
    )


def answer(client, app, button: str, question: dict):
    return call(
        client,
        app,
        ["tree-job-store.data", "ask-store.data"],
        inputs={f"{button}.n_clicks": 1},
        state={"ask-store.data": question},
        triggered=[f"{button}.n_clicks"],
    )


def shown_question(client, app, question):
    return call(client, app, ["ask-box.hidden", "ask-text.children"], inputs={"ask-store.data": question})


@pytest.fixture(scope="module")
def blobs_csv() -> bytes:
    """20,000 samples of 2 features in 3 groups: the MST engine's size for single linkage."""
    rng = np.random.default_rng(2)
    points = np.vstack([rng.normal(center, 1.0, size=(6667, 2)) for center in (0, 6, 12)])[:20_000]
    return ("a,b\n" + "\n".join(f"{x:.4f},{y:.4f}" for x, y in points)).encode()


@pytest.fixture
def asked(tmp_path, blobs_csv):
    """An app with a 4 GB budget, the 20,000-sample upload, and the question its average-linkage tree raises."""
    app, client = app_with(tmp_path, **QUARTER_OF_4_GB)
    ref = upload(client, app, blobs_csv, "blobs.csv", SESSION_A).get(ids.DATA_REF, "data")
    reply = show(client, app, ref)
    return app, client, ref, reply


def test_a_tree_over_a_quarter_of_the_memory_budget_is_asked_about_not_started(asked):
    app, client, ref, reply = asked
    question = reply.get(ids.ASK, "data")
    assert question["job"]["view"]["method"] == "average" and question["job"]["view"]["data"] == ref["data"]
    assert question["job"]["new_data"] is True and question["n"] == 20_000
    assert not reply.has(ids.TREE_JOB, "data") and not reply.has(ids.DENDROGRAM, "figure")  # the view stays


def test_the_question_names_the_estimate_and_all_three_choices(asked):
    app, client, _, reply = asked
    shown = shown_question(client, app, reply.get(ids.ASK, "data"))
    assert shown.get(ids.ASK_BOX, "hidden") is False
    assert shown.get(ids.ASK_APPROXIMATE, "hidden") is False and shown.get(ids.ASK_SINGLE, "hidden") is False
    text = text_of(shown.get(ids.ASK_TEXT, "children"))
    assert "An exact average-linkage tree (euclidean metric) of 20,000 samples is estimated to take about" in text
    assert "2.0 GB (fastcluster.linkage)" in text
    assert "Start it, use the approximate tree (under 1 s" in text
    assert "use single linkage (exact and fast for this size: under 1 s" in text
    assert "or keep the current view." in text and "over 1.0 GB (a quarter of its memory budget)" in text


def test_start_it_starts_exactly_the_job_that_was_asked(asked):
    app, client, _, reply = asked
    question = reply.get(ids.ASK, "data")
    started = answer(client, app, ids.ASK_START, question)
    assert started.get(ids.TREE_JOB, "data") == question["job"]
    assert started.get(ids.ASK, "data") is None
    assert question["job"]["estimate"].startswith("about ")  # the progress line's estimate, as today


def test_the_approximate_choice_switches_the_tree_mode_and_then_builds_that_tree(asked):
    app, client, ref, reply = asked
    question = reply.get(ids.ASK, "data")
    chosen = answer(client, app, ids.ASK_APPROXIMATE, question)
    assert chosen.get(ids.TREE_MODE, "value") == "kmeans-2000"
    assert not chosen.has(ids.TREE_JOB, "data")
    built = show(client, app, ref, tree_mode="kmeans-2000", asked=question, trigger="tree-mode.value")
    assert built.get(ids.TREE_BADGE, "children") == "approximate"
    assert built.get(ids.VIEW, "data")["tree_mode"] == "kmeans-2000"
    assert built.get(ids.ASK, "data") is None  # the question is closed


def test_the_single_linkage_choice_switches_the_method_and_builds_it_exactly(asked):
    app, client, ref, reply = asked
    question = reply.get(ids.ASK, "data")
    chosen = answer(client, app, ids.ASK_SINGLE, question)
    assert chosen.get(ids.METHOD, "value") == "single" and chosen.get(ids.TREE_MODE, "value") == "exact"
    built = show(client, app, ref, method="single", asked=question, trigger="method.value")
    view = built.get(ids.VIEW, "data")
    assert (view["method"], view["tree_mode"]) == ("single", "exact")
    assert built.get(ids.ASK, "data") is None and not built.has(ids.TREE_JOB, "data")


def test_keeping_the_current_view_puts_back_the_previous_data_and_closes_the_question(tmp_path, blobs_csv):
    app, client = app_with(tmp_path, **QUARTER_OF_4_GB)
    digits = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")
    view = show(client, app, digits).get(ids.VIEW, "data")  # digits is under the rule: shown at once
    ref = upload(client, app, blobs_csv, "blobs.csv", SESSION_A).get(ids.DATA_REF, "data")
    assert show(client, app, ref, previous=view).has(ids.ASK, "data")
    kept = call(
        client,
        app,
        ["tree-mode.value", "data-ref-store.data"],
        inputs={"ask-dismiss.n_clicks": 1},
        state={"view-store.data": view, "data-ref-store.data": ref},
        triggered=["ask-dismiss.n_clicks"],
    )
    assert kept.get(ids.DATA_REF, "data") == digits and kept.get(ids.METHOD, "value") == "average"
    assert kept.get(ids.ASK, "data") is None
    assert "Not started: blobs.csv was not loaded" in text_of(kept.get(ids.MESSAGE, "children"))


def test_a_tree_under_the_rule_is_shown_at_once_as_before(tmp_path):
    app, client = app_with(tmp_path)
    ref = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")
    reply = show(client, app, ref)
    assert reply.has(ids.DENDROGRAM, "figure") and not reply.has(ids.ASK, "data")


def test_a_slow_tree_under_the_rule_still_runs_as_a_background_job(tmp_path):
    app, client = app_with(tmp_path, background_after_seconds=0)
    ref = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")
    reply = show(client, app, ref)
    assert reply.get(ids.TREE_JOB, "data")["view"]["method"] == "average" and not reply.has(ids.ASK, "data")


def test_small_data_over_the_time_rule_is_offered_only_start_or_keep(tmp_path):
    app, client = app_with(tmp_path, ask_above_seconds=0)
    ref = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")  # 1,797 samples: no way out
    question = show(client, app, ref).get(ids.ASK, "data")
    assert question["approximate"] is None and question["single"] is None
    shown = shown_question(client, app, question)
    assert shown.get(ids.ASK_APPROXIMATE, "hidden") is True and shown.get(ids.ASK_SINGLE, "hidden") is True
    assert "Start it, or keep the current view." in text_of(shown.get(ids.ASK_TEXT, "children"))


def test_an_opened_address_asks_too_and_its_answer_keeps_the_waiting_view(tmp_path):
    app, client = app_with(tmp_path, ask_above_seconds=0)
    opened = open_address(client, app, "data=digits&method=complete&k=5")
    pending = opened.get(ids.PENDING, "data")
    reply = show(client, app, opened.get(ids.DATA_REF, "data"), method="complete", pending=pending)
    question = reply.get(ids.ASK, "data")
    assert question["job"]["pending"] == pending and question["job"]["view"]["method"] == "complete"
    assert answer(client, app, ids.ASK_START, question).get(ids.TREE_JOB, "data")["pending"] == pending
