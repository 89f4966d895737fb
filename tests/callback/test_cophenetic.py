"""HTTP-contract tests of an estimated cophenetic correlation: shown as such, and replaced by the exact value."""

from __future__ import annotations

import re

import pytest
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import pdist

from callbacks.cophenetic import affordable, exact_cophenetic
from callbacks.render import ViewState
from components import ids
from config import Settings
from factory import create_app
from hclust import ClusteringError
from loaders import load_builtin
from state.session_store import SessionStore
from tests.callback.conftest import call, text_of
from tests.callback.test_callbacks import choose, tree
from tests.callback.test_clusters import download
from tests.callback.test_compare import cards, compare

ESTIMATE = re.compile(r"^(0\.\d+) ± (0\.\d+)$")


def scipy_cophenetic(key: str, method: str) -> float:
    features = load_builtin(key).features
    return cophenet(linkage(features, method), pdist(features))[0]


def show_result(client, app, result: dict, view: dict):
    """What the page shows when the exact-value job's result arrives while ``view`` is on screen."""
    return call(
        client,
        app,
        ["cophenetic.children"],
        inputs={"cophenetic-result-store.data": result},
        state={"view-store.data": view},
    )


@pytest.fixture
def sampled_app(tmp_path):
    """An app whose budget for the exact cophenetic correlation is 0 s: every tree gets the estimate."""
    app = create_app(Settings(cache_dir=tmp_path / "cache", cophenetic_exact_seconds=0))
    return app, app.server.test_client()


@pytest.fixture
def sampled_store(tmp_path, sampled_app):
    """The sampled app's store, opened again (a background job opens it so, in its own process)."""
    return SessionStore.open(str(tmp_path / "cache"), 2048, 86_400, cophenetic_seconds=0)


def test_over_the_budget_the_estimate_is_shown_with_its_interval_pairs_and_tooltip(sampled_app):
    app, client = sampled_app
    ref = choose(client, app, "iris").get(ids.DATA_REF, "data")
    reply = tree(client, app, ref, method="average")
    value, half_width = map(float, ESTIMATE.match(reply.get(ids.COPHENETIC, "children")).groups())
    assert abs(value - scipy_cophenetic("iris", "average")) <= half_width
    assert reply.get(ids.COPHENETIC_ESTIMATE, "hidden") is False  # the "Exact value" button is on screen
    assert reply.get(ids.COPHENETIC_NOTE, "children") == "estimated from 4,000,000 random pairs"
    tooltip = reply.get(ids.COPHENETIC_NOTE, "title")
    assert "drawn at random from all 11,175" in tooltip and "95% confidence interval" in tooltip
    assert "'Exact value' computes it in the background" in tooltip


def test_within_the_budget_the_value_is_exact_and_the_button_hidden(client, dash_app):
    ref = choose(client, dash_app, "iris").get(ids.DATA_REF, "data")
    reply = tree(client, dash_app, ref, method="average")
    assert reply.get(ids.COPHENETIC, "children") == f"{scipy_cophenetic('iris', 'average'):.5f}"
    assert reply.get(ids.COPHENETIC_ESTIMATE, "hidden") is True
    assert reply.get(ids.COPHENETIC_NOTE, "children") == ""


def test_the_compare_cards_and_the_python_code_say_the_value_is_an_estimate(sampled_app):
    app, client = sampled_app
    ref = choose(client, app, "moons").get(ids.DATA_REF, "data")
    view = tree(client, app, ref).get(ids.VIEW, "data")
    reply = compare(client, app, view, ["single", "ward"])
    assert all(" ± " in card and "estimated from 4,000,000 random pairs" in card for card in cards(reply))
    assert "marked ± is estimated from random pairs" in text_of(reply.get(ids.COMPARE_NOTE, "children"))
    code = download(client, app, "export-code", "download-code", view)["content"]
    assert "estimated from 4,000,000 random pairs" in code
    assert "this script computes it exactly, from every pair" in code


def test_the_exact_value_replaces_the_estimate_for_that_tree_only(sampled_app, sampled_store):
    app, client = sampled_app
    ref = choose(client, app, "iris").get(ids.DATA_REF, "data")
    view = tree(client, app, ref, method="average").get(ids.VIEW, "data")
    exact = exact_cophenetic(sampled_store, ViewState.from_store(view), lambda fraction, stage: None)
    assert exact.exact and exact.value == pytest.approx(scipy_cophenetic("iris", "average"), abs=1e-12)
    result = {"tree": f"{view['data']}/average/euclidean/exact", "value": exact.value}
    shown = show_result(client, app, result, view)
    assert shown.get(ids.COPHENETIC, "children") == f"{scipy_cophenetic('iris', 'average'):.5f}"
    assert shown.get(ids.COPHENETIC_ESTIMATE, "hidden") is True
    assert "from all 11,175 pairs, replaced the estimate" in text_of(shown.get(ids.MESSAGE, "children"))
    # The tree shown again comes with its exact value; another tree keeps its estimate.
    again = tree(client, app, ref, method="average", triggered="method.value")
    assert again.get(ids.COPHENETIC, "children") == f"{scipy_cophenetic('iris', 'average'):.5f}"
    other = tree(client, app, ref, method="complete", previous=view, triggered="method.value")
    assert " ± " in other.get(ids.COPHENETIC, "children")
    stale = show_result(client, app, result, other.get(ids.VIEW, "data"))
    assert stale.status == 204  # the complete tree on screen keeps its estimate


def test_the_budget_is_the_background_threshold_unless_its_own_variable_is_set(monkeypatch):
    monkeypatch.setenv("HCLUST_BACKGROUND_AFTER", "3")
    assert Settings.from_env().cophenetic_budget_seconds == 3.0
    monkeypatch.setenv("HCLUST_COPHENETIC_EXACT_SECONDS", "0")
    assert Settings.from_env().cophenetic_budget_seconds == 0.0
    monkeypatch.setenv("HCLUST_COPHENETIC_EXACT_SECONDS", "soon")
    with pytest.raises(SystemExit, match="HCLUST_COPHENETIC_EXACT_SECONDS must be a number of seconds"):
        Settings.from_env()


def test_an_exact_value_past_the_job_time_limit_is_refused_before_it_starts_and_the_page_says_why(tmp_path):
    settings = Settings(cache_dir=tmp_path / "cache", cophenetic_exact_seconds=0, job_timeout_seconds=0)
    app = create_app(settings)
    client = app.server.test_client()
    ref = choose(client, app, "iris").get(ids.DATA_REF, "data")
    view = tree(client, app, ref).get(ids.VIEW, "data")
    store = SessionStore.open(str(tmp_path / "cache"), 2048, 86_400, cophenetic_seconds=0)
    with pytest.raises(ClusteringError, match=r"over this server's limit of 0 s per job \(HCLUST_JOB_TIMEOUT\)"):
        affordable(store, ViewState.from_store(view), settings)
    result = {"tree": f"{view['data']}/ward/euclidean/exact", "clicks": 1, "error": "it would take 3 s, over the limit"}
    shown = show_result(client, app, result, view)
    assert not shown.has(ids.COPHENETIC, "children")  # the estimate stays
    text = text_of(shown.get(ids.MESSAGE, "children"))
    assert text == "The exact cophenetic correlation was not computed: it would take 3 s, over the limit."
