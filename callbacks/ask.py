"""Ask before a long wait: a tree estimated to take long or need much memory is not started silently.

The rule is :meth:`config.Settings.asks_first` (over ``HCLUST_ASK_ABOVE_SECONDS``,
or over a quarter of the memory budget). The tree callback
(``callbacks/linkage.py``) is the one place that starts a tree for a method
or metric change, new data and an opened address or session alike; before it
starts one it calls :func:`question_for`. A question goes to the ``ASK``
store (keys, small settings and estimates: the job the tree callback would
have started, and the other choices' estimates) and the page shows it while
the view on screen stays. The answer starts exactly that job, or switches
the controls to the approximate tree or to single linkage (the tree callback
then builds that, by the same rule); dismissing it puts the controls back as
a cancel does (``callbacks/linkage.py``, ``restore_after_cancel``).
"""

from __future__ import annotations

from dataclasses import asdict

from dash import Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from callbacks.common import reply_in_order
from callbacks.estimates import estimate_for
from callbacks.render import ViewState
from components import ids
from config import Settings
from hclust import ClusteringError
from hclust.estimate import Estimate, describe, size_text
from hclust.mst import MST_ENGINE
from hclust.options import EUCLIDEAN
from loaders import Dataset
from state.refs import DataRef
from state.session_store import APPROXIMATE, EXACT, TREE_MODES, SessionStore

SINGLE = "single"

SHOW_OUTPUTS = {
    "hidden": Output(ids.ASK_BOX, "hidden"),
    "text": Output(ids.ASK_TEXT, "children"),
    "approximate_hidden": Output(ids.ASK_APPROXIMATE, "hidden"),
    "single_hidden": Output(ids.ASK_SINGLE, "hidden"),
}

ANSWER_OUTPUTS = {
    "job": Output(ids.TREE_JOB, "data", allow_duplicate=True),
    "method": Output(ids.METHOD, "value", allow_duplicate=True),
    "tree_mode": Output(ids.TREE_MODE, "value", allow_duplicate=True),
    "ask": Output(ids.ASK, "data", allow_duplicate=True),
}


def question_for(
    store: SessionStore, settings: Settings, view: ViewState, estimate: Estimate, job: dict
) -> dict | None:
    """The question to ask before starting ``job`` (the tree of ``view``), or None when it may start unasked.

    Returns
    -------
    dict or None
        ``job`` as the tree callback would start it, the number of samples,
        the estimate, and the estimates of the approximate tree and of
        single linkage where each is offered (else None).
    """
    if not settings.asks_first(estimate.seconds, estimate.peak_bytes):
        return None
    dataset = store.dataset(view.ref)
    return {
        "job": job,
        "n": dataset.n_samples,
        "estimate": asdict(estimate),
        "approximate": _approximate_offer(dataset, view, settings),
        "single": _single_offer(dataset, view, settings),
    }


def _approximate_offer(dataset: Dataset, view: ViewState, settings: Settings) -> dict | None:
    """The approximate tree's estimate, where there is one: coordinates, and more samples than representatives."""
    representatives = TREE_MODES[APPROXIMATE][1]
    if view.tree_mode != EXACT or dataset.is_distance_matrix or dataset.n_samples <= representatives:
        return None
    return _quick_estimate(dataset, view.method, view.metric, APPROXIMATE, settings)


def _single_offer(dataset: Dataset, view: ViewState, settings: Settings) -> dict | None:
    """Single linkage's estimate, where it is exact and fast: euclidean data the MST engine takes."""
    if view.method == SINGLE or view.metric != EUCLIDEAN or dataset.is_distance_matrix:
        return None
    offer = _quick_estimate(dataset, SINGLE, EUCLIDEAN, EXACT, settings)
    return offer if offer is not None and offer["engine"] == MST_ENGINE else None


def _quick_estimate(dataset: Dataset, method: str, metric: str, mode: str, settings: Settings) -> dict | None:
    """The estimate of another choice, offered only when it would start without asking."""
    try:
        estimate = estimate_for(dataset, method, metric, mode, settings)
    except ClusteringError:
        return None  # over the memory budget: not a way out
    return None if settings.asks_first(estimate.seconds, estimate.peak_bytes) else asdict(estimate)


def answers_new_data(question: dict | None, ref: DataRef) -> bool:
    """True when an open question was about new data ``ref`` names (its reading notes are still to show)."""
    return bool(question and question["job"]["new_data"] and question["job"]["view"]["data"] == ref.data_key)


def question_text(question: dict, settings: Settings) -> list:
    """The question in words: what was asked and its estimate, the choices with theirs, and why it asks."""
    job_view, estimate = question["job"]["view"], Estimate(**question["estimate"])
    kind = "An exact" if job_view["tree_mode"] == EXACT else "An approximate"
    choices = ["start it"]
    if question["approximate"]:
        choices.append(f"use the approximate tree ({describe(Estimate(**question['approximate']))})")
    if question["single"]:
        choices.append(f"use single linkage (exact and fast for this size: {describe(Estimate(**question['single']))})")
    choices.append("keep the current view")
    asked = (
        f"{kind} {job_view['method']}-linkage tree ({job_view['metric']} metric) of {question['n']:,} samples "
        f"is estimated to take {describe(estimate)} ({estimate.engine}). "
    )
    offer = ", ".join(choices[:-1]) + f", or {choices[-1]}."
    why = (
        f"This server asks before a tree estimated to take over {settings.ask_above_seconds:g} s or to need "
        f"over {size_text(settings.ask_above_bytes)} (a quarter of its memory budget); the current view stays "
        "until you choose."
    )
    return [html.P(asked + offer[0].upper() + offer[1:], className="ask-question"), html.P(why, className="hint")]


def answer(question: dict, button: str) -> dict:
    """What a choice sets, by :data:`ANSWER_OUTPUTS` name.

    "Start it" starts the asked job itself. The other two switch the
    controls; the tree callback then builds that tree (reading the question
    for the data's notes) and closes the question.
    """
    job = question["job"]
    if button == ids.ASK_START:
        return {"job": job, "ask": None}  # the job builds the tree of its view's mode
    if button == ids.ASK_APPROXIMATE and question["approximate"]:
        return {"tree_mode": APPROXIMATE}
    if button == ids.ASK_SINGLE and question["single"]:
        return {"method": SINGLE, "tree_mode": EXACT}
    raise PreventUpdate  # a choice this question does not offer


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the question's callbacks on ``app``: show it, and answer it (dismissing is a cancel's)."""

    @app.callback(*SHOW_OUTPUTS.values(), Input(ids.ASK, "data"), prevent_initial_call=True)
    def show_question(question):
        if not question:
            return reply_in_order(SHOW_OUTPUTS, {"hidden": True}, "question")
        shown = {
            "hidden": False,
            "text": question_text(question, settings),
            "approximate_hidden": not question["approximate"],
            "single_hidden": not question["single"],
        }
        return reply_in_order(SHOW_OUTPUTS, shown, "question")

    @app.callback(
        *ANSWER_OUTPUTS.values(),
        Input(ids.ASK_START, "n_clicks"),
        Input(ids.ASK_APPROXIMATE, "n_clicks"),
        Input(ids.ASK_SINGLE, "n_clicks"),
        State(ids.ASK, "data"),
        prevent_initial_call=True,
    )
    def answer_question(_start, _approximate, _single, question):
        if not question:
            raise PreventUpdate  # answered already (a double click)
        return reply_in_order(ANSWER_OUTPUTS, answer(question, ctx.triggered_id), "answer")
