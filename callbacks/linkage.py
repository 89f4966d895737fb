"""Callbacks for the linkage choice: build the tree the controls ask for, quickly or as a background job.

Every tree the page starts (a method or metric change, new data, an opened
address or session) starts here, so the rule for asking first before a long
wait applies to all of them (:func:`wait_or_ask`, ``callbacks/ask.py``).
What showing a tree sets is ``callbacks/show.py``'s. Showing the view that
is already on screen does nothing (the controls a cancel or an opened
address writes trigger this callback too), except that it stops a job
building another tree.
"""

from __future__ import annotations

import time
from dataclasses import replace

from dash import Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from callbacks.address import pending_for
from callbacks.ask import answers_new_data, question_for
from callbacks.common import USER_ERRORS, error_message, message, reply_in_order
from callbacks.data import PANEL_OUTPUTS, panel_of
from callbacks.display import display_of
from callbacks.estimates import check_estimate
from callbacks.render import ViewState
from callbacks.show import VIEW_OUTPUTS, failed, read_annotate_above, read_truncate_p, show, view_reply
from components import ids
from config import Settings
from hclust.estimate import describe
from state.job_guard import JobGuard
from state.refs import DataRef, SessionExpiredError
from state.session_store import EXACT, SessionStore

FASTER = "an approximate tree (under Linkage) is much faster on large data."
# The first word says what happened: a cancelled job, or a question answered "keep the current view" (callbacks/ask.py).
CANCELLED_LEAD, NOT_STARTED_LEAD = "Cancelled", "Not started"
CANCELLED = (
    "{lead}: the new tree was not built, so the previous result is kept "
    "({method} linkage, {metric} metric). To build it, choose it again; " + FASTER
)
CANCELLED_DATA = (
    "{lead}: {pending} was not loaded (its tree was not built), so the previous data is kept: '{shown}' "
    "with its columns and options, {method} linkage and the {metric} metric. To cluster {pending}, "
    "load it again; " + FASTER
)
CANCELLED_CHOICES = (
    "{lead}: the new choices for '{shown}' were not used (their tree was not built), so the previous "
    "ones are kept, with {method} linkage and the {metric} metric. To use them, choose them again; " + FASTER
)

TREE_OUTPUTS = {**VIEW_OUTPUTS, "job": Output(ids.TREE_JOB, "data"), "ask": Output(ids.ASK, "data")}

# What a cancel (or dismissing the question) writes back: the data panel, the linkage
# choices of the view on screen, the message, and no open question.
RESTORE_OUTPUTS = {
    **PANEL_OUTPUTS,
    "method": Output(ids.METHOD, "value"),
    "metric": Output(ids.METRIC, "value"),
    "tree_mode": Output(ids.TREE_MODE, "value", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
    "ask": Output(ids.ASK, "data", allow_duplicate=True),
}


def tree_reply(**values) -> tuple:
    """The tree callback's outputs in order; anything not named stays as it is."""
    return reply_in_order(TREE_OUTPUTS, values, "tree")


def restore_reply(**values) -> tuple:
    """The cancel callback's outputs in order; anything not named stays as it is."""
    return reply_in_order(RESTORE_OUTPUTS, values, "cancel")


def cancelled_note(pending: str, shown: str, method: str, metric: str, lead: str = CANCELLED_LEAD) -> str:
    """The message after cancelling the tree of other data (``pending``): what is kept, and how to retry."""
    if pending == shown:
        return CANCELLED_CHOICES.format(lead=lead, shown=shown, method=method, metric=metric)
    return CANCELLED_DATA.format(lead=lead, pending=pending, shown=shown, method=method, metric=metric)


def register(app: Dash, store: SessionStore, settings: Settings, guard: JobGuard) -> None:
    """Register the linkage callbacks on ``app``; ``guard`` bounds the background jobs."""

    @app.callback(
        *TREE_OUTPUTS.values(),
        Input(ids.DATA_REF, "data"),
        Input(ids.METHOD, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.TRUNCATE_P, "value"),
        Input(ids.ANNOTATE_ABOVE, "value"),
        Input(ids.TREE_MODE, "value"),
        State(ids.VIEW, "data"),
        State(ids.JOB_BOX, "hidden"),
        State(ids.PENDING, "data"),
        State(ids.DISPLAY, "data"),
        State(ids.ASK, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def show_tree(
        data_ref, method, metric, p, annotate_above, tree_mode, previous_view, no_job_running, pending, display, asked
    ):
        ref = DataRef.from_store(data_ref)
        if ref is None:
            raise PreventUpdate  # no dataset yet
        # An answered question (callbacks/ask.py) about new data still owes its reading notes.
        new_data = f"{ids.DATA_REF}.data" in ctx.triggered_prop_ids or answers_new_data(asked, ref)
        # A quick result makes a running job stale: clearing the job cancels it.
        # Otherwise leave the job store alone (every change would start a job process).
        stop_job = {} if no_job_running in (True, None) else {"job": None}
        closed = {"ask": None} if asked else {}  # any reply answers or overtakes an open question
        try:
            view = _requested_view(ref, method, metric, p, annotate_above, tree_mode, previous_view)
            view = replace(view, **dict(zip(("present", "dark"), display_of(display))))
            if view == ViewState.from_store(previous_view) and pending_for(pending, ref) is None:
                if stop_job or closed:
                    return tree_reply(**stop_job, **closed)
                raise PreventUpdate  # this view is on screen already
            if not store.has_tree(ref, method, metric, view.tree_mode):
                job = {"view": view.to_store(), "previous": previous_view, "new_data": new_data, "pending": pending}
                waiting = wait_or_ask(store, settings, view, job)
                if waiting:
                    return tree_reply(**{**stop_job, **closed, **waiting})
            outputs = show(store, settings, view, previous_view, new_data, pending)
        except USER_ERRORS as error:
            return tree_reply(**failed(error), **closed)  # everything stays on screen as it was
        return tree_reply(**outputs, **stop_job, **closed)

    @app.callback(
        *VIEW_OUTPUTS.values(),
        Input(ids.TREE_JOB, "data"),
        background=True,
        interval=300,
        progress=[Output(ids.JOB_PROGRESS, "value"), Output(ids.JOB_STATUS, "children")],
        # No exact cophenetic job meanwhile: it would replace this job (one job per session, state/job_guard.py).
        running=[(Output(ids.JOB_BOX, "hidden"), False, True), (Output(ids.COPHENETIC_EXACT, "disabled"), True, False)],
        cancel=[Input(ids.JOB_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def build_tree_in_background(set_progress, job):
        if not job:
            raise PreventUpdate  # cleared by a quicker request: just cancel the old job
        view = ViewState.from_store(job["view"])
        # The linkage step reports no progress of its own: the estimate says how long to expect.
        expected = f" · estimate {job['estimate']}" if job.get("estimate") else ""

        def report(fraction: float, stage: str) -> None:
            set_progress((str(round(100 * fraction)), f"{view.method} / {view.metric}: {stage}{expected}"))

        def waiting(running: int) -> None:
            set_progress(("0", f"Waiting: {running} trees are being built on this server; yours starts next."))

        try:
            with guard.running(view.session, job_name(view), waiting):
                store.tree(view.ref, view.method, view.metric, progress=report, mode=view.tree_mode)
            return view_reply(show(store, settings, view, job["previous"], job["new_data"], job.get("pending")))
        except USER_ERRORS as error:
            return view_reply(failed(error))

    @app.callback(
        *RESTORE_OUTPUTS.values(),
        Input(ids.JOB_CANCEL, "n_clicks"),
        Input(ids.ASK_DISMISS, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.DATA_REF, "data"),
        prevent_initial_call=True,
    )
    def restore_after_cancel(_cancel, _dismiss, view_data, data_ref):
        # Back to the tree on screen (VIEW): its linkage choices and, if the cancelled
        # job (or the question) was for other data (DATA_REF), its dataset and the whole data panel.
        lead = NOT_STARTED_LEAD if ctx.triggered_id == ids.ASK_DISMISS else CANCELLED_LEAD
        view = ViewState.from_store(view_data)
        if view is None:
            if lead == NOT_STARTED_LEAD:
                return restore_reply(ask=None)  # asked before the first tree: there is nothing to put back
            raise PreventUpdate
        linkage = {"method": view.method, "metric": view.metric, "tree_mode": view.tree_mode}
        pending = DataRef.from_store(data_ref)
        if pending == view.ref:  # the job was for another tree of the data on screen
            return restore_reply(**linkage, message=message(CANCELLED.format(lead=lead, **linkage)), ask=None)
        try:
            panel = panel_of(store, view.ref)
            shown = store.dataset(view.ref).name
        except USER_ERRORS as error:
            # The panel keeps describing the pending data, which stays loaded.
            return restore_reply(message=error_message(error, f"{lead}, but the previous data is gone: "), ask=None)
        note = cancelled_note(_name_of(store, pending), shown, view.method, view.metric, lead)
        return restore_reply(data_ref=view.ref.to_store(), **panel, **linkage, message=message(note), ask=None)


JOB_FAILED = (
    "The tree job stopped without a result (its process ended: it was killed, or the server restarted), "
    "so the previous view stays."
)


def register_job_outcome(app: Dash, store: SessionStore, guard: JobGuard) -> None:
    """Say why a tree job ended without its tree, and offer to start it again."""

    @app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.JOB_RETRY, "hidden"),
        Input(ids.JOB_BOX, "hidden"),
        State(ids.TREE_JOB, "data"),
        State(ids.JOB_CANCEL, "n_clicks_timestamp"),
        prevent_initial_call=True,
    )
    def job_ended(hidden, job, cancelled_at):
        if not hidden or not job:
            raise PreventUpdate  # a job started, or none was asked for
        view = ViewState.from_store(job["view"])
        if cancelled_just_now(cancelled_at):
            raise PreventUpdate  # cancelled: the cancel callback says so
        if store.has_tree(view.ref, view.method, view.metric, view.tree_mode):
            raise PreventUpdate  # built: the job showed it
        why = guard.outcome(view.session, job_name(view)) or JOB_FAILED
        return [html.P(f"{why} Retry starts it again.", className="msg msg-error")], False

    @app.callback(
        Output(ids.TREE_JOB, "data", allow_duplicate=True),
        Output(ids.JOB_RETRY, "hidden", allow_duplicate=True),
        Input(ids.JOB_RETRY, "n_clicks"),
        State(ids.TREE_JOB, "data"),
        prevent_initial_call=True,
    )
    def retry_job(clicks, job):
        if not clicks or not job:
            raise PreventUpdate
        return {**job, "attempt": int(job.get("attempt", 0)) + 1}, True  # a new value starts the job again


CANCEL_WINDOW_MS = 10_000


def cancelled_just_now(cancelled_at: float | None) -> bool:
    """True when a Cancel button's ``n_clicks_timestamp`` says it was clicked in the last few seconds."""
    return bool(cancelled_at) and time.time() * 1000 - cancelled_at < CANCEL_WINDOW_MS


def job_name(view: ViewState) -> str:
    """Names a tree job by the tree it builds (its outcome is recorded under this name)."""
    return f"{view.data}/{view.method}/{view.metric}/{view.tree_mode}"


def wait_or_ask(store: SessionStore, settings: Settings, view: ViewState, job: dict) -> dict:
    """How a tree that is not built yet starts, by :data:`TREE_OUTPUTS` name.

    ``{"ask": question}`` when its estimate passes the rule of
    :meth:`config.Settings.asks_first`; else ``{"job": job}`` when it takes
    longer than ``background_after_seconds``; else ``{}``, to build it now.
    Raises ClusteringError over the memory budget.
    """
    estimate = check_estimate(store, view.ref, view.method, view.metric, view.tree_mode, settings)
    job = {**job, "estimate": describe(estimate)}
    question = question_for(store, settings, view, estimate, job)
    if question is not None:
        return {"ask": question}
    if estimate.seconds <= settings.background_after_seconds:
        return {}
    return {"job": job}


def _requested_view(ref: DataRef, method, metric, p, annotate_above, tree_mode, previous_view) -> ViewState:
    """The view the inputs ask for, carrying over the previous view's other settings."""
    previous = ViewState.from_store(previous_view)
    fields = {
        "session": ref.session_id,
        "data": ref.data_key,
        "method": method,
        "metric": metric,
        "p": read_truncate_p(p),
        "annotate_above": read_annotate_above(annotate_above),
        "tree_mode": tree_mode or EXACT,
    }
    if previous is None:
        return ViewState(**fields, height=0.0, k=0)
    requested = replace(previous, **fields)
    # A zoomed branch belongs to its tree: a new tree starts from the whole view.
    return replace(requested, zoom_root=previous.zoom_root if requested.same_tree_as(previous) else None)


def _name_of(store: SessionStore, ref: DataRef | None) -> str:
    """The name of a dataset, for a message (it may be gone already)."""
    try:
        return store.dataset(ref).name if ref is not None else "the new data"
    except SessionExpiredError:
        return "the new data"
