"""Scale wiring: the memory budget, approximate trees and the hand-off to a background job."""

from __future__ import annotations

import numpy as np
import pytest

from callbacks.estimates import ways_out
from components import ids
from config import Settings
from factory import create_app
from hclust.estimate import describe, estimate_tree
from tests.callback.conftest import call, text_of
from tests.callback.test_callbacks import SESSION_A, choose, upload

TREE_OUTPUTS = ["dendrogram.figure", "scatter.figure", "cophenetic.children", "tree-job-store.data"]


def tree_inputs(ref, method="average", tree_mode="exact") -> dict:
    """The tree callback's inputs for a euclidean tree of ``ref``'s data."""
    return {
        "data-ref-store.data": ref,
        "method.value": method,
        "metric.value": "euclidean",
        "truncate-p.value": 12,
        "annotate-above.value": None,
        "tree-mode.value": tree_mode,
    }


def show(client, app, ref, tree_mode="exact", method="average"):
    return call(
        client,
        app,
        TREE_OUTPUTS,
        inputs=tree_inputs(ref, method, tree_mode),
        state={"view-store.data": None},
        triggered=["data-ref-store.data"],
    )


def app_with(tmp_path, **settings):
    app = create_app(Settings(cache_dir=tmp_path / "cache", **settings))
    return app, app.server.test_client()


def test_a_tree_over_the_memory_budget_is_refused_before_it_starts(tmp_path):
    app, client = app_with(tmp_path, memory_budget_mb=0)
    ref = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")
    reply = show(client, app, ref)
    text = text_of(reply.get(ids.MESSAGE, "children"))
    assert "memory budget" in text and "approximate tree" in text
    assert not reply.has(ids.DENDROGRAM, "figure")
    assert not reply.has(ids.TREE_JOB, "data")


def test_a_refusal_at_a_million_rows_names_single_linkages_exact_fast_path():
    text = ways_out(1_000_000, 2, Settings(), has_coordinates=True)
    assert "single linkage with the euclidean metric" in text and "minimum spanning tree" in text
    assert "approximate tree" in text and "ward" in text


def test_the_fast_paths_cost_is_this_servers_with_its_cophenetic_budget():
    # The tree the app would build: its cophenetic correlation estimated past the budget, not an
    # hour of exact pairs. Before the fix the sentence offered single linkage at "about 45 min".
    settings = Settings()
    expected = describe(
        estimate_tree(1_000_000, 2, "single", "euclidean", cophenetic_seconds=settings.cophenetic_budget_seconds)
    )
    text = ways_out(1_000_000, 2, settings, has_coordinates=True)
    assert f"no distance matrix: {expected} here" in text
    assert "min" not in expected.split(" and ")[0]


@pytest.mark.parametrize(("n", "has_coordinates"), [(5_000, True), (1_000_000, False)])
def test_a_refusal_without_the_mst_path_keeps_the_plain_ways_out(n, has_coordinates):
    text = ways_out(n, 2, Settings(), has_coordinates=has_coordinates)
    assert "minimum spanning tree" not in text and "approximate tree" in text


def test_a_slow_tree_is_handed_to_a_background_job(tmp_path):
    app, client = app_with(tmp_path, background_after_seconds=0)
    ref = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")
    reply = show(client, app, ref)
    job = reply.get(ids.TREE_JOB, "data")
    assert job["view"]["method"] == "average" and job["view"]["data"] == ref["data"]
    assert not reply.has(ids.DENDROGRAM, "figure")


@pytest.mark.parametrize("mode", ["kmeans-2000", "sample-2000"])
def test_an_approximate_mode_on_small_data_gives_the_exact_tree_and_no_badge(tmp_path, mode):
    app, client = app_with(tmp_path)
    ref = choose(client, app, "digits", SESSION_A).get(ids.DATA_REF, "data")  # 1,797 < 2,000: exact anyway
    reply = show(client, app, ref, tree_mode=mode)
    assert reply.get(ids.TREE_BADGE, "hidden") is True
    assert "the tree is exact" in text_of(reply.get(ids.MESSAGE, "children"))


@pytest.mark.parametrize("mode", ["kmeans-2000", "sample-2000"])
def test_an_approximate_tree_is_shown_with_a_badge_and_a_note(tmp_path, mode):
    app, client = app_with(tmp_path, background_after_seconds=float("inf"))
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(center, 1.0, size=(1250, 2)) for center in (0, 8)])
    raw = ("a,b\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in points)).encode()
    ref = upload(client, app, raw, "big.csv", SESSION_A).get(ids.DATA_REF, "data")
    reply = show(client, app, ref, tree_mode=mode)
    assert reply.get(ids.TREE_BADGE, "children") == "approximate"
    assert reply.get(ids.TREE_BADGE, "hidden") is False
    text = text_of(reply.get(ids.MESSAGE, "children"))
    assert "Approximate tree" in text and "2,500 samples" in text
