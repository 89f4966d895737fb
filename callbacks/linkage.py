"""Callbacks for the linkage choice: keep method and metric compatible, build the tree."""

from __future__ import annotations

import math
from dataclasses import replace

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, reply_in_order
from callbacks.data import CANCELLED_MARK, PANEL_OUTPUTS, panel_of
from callbacks.render import ViewState, cluster_summary, full_figures
from callbacks.zoom import zoom_caption
from components import ids
from config import Settings
from hclust import ClusteringError, clusters_at_height, clusters_for_k, elbow_k, validate_choice
from hclust.aids import INCONSISTENT
from hclust.cut import clusters_inconsistent
from hclust.estimate import Estimate, describe, estimate_tree
from state.session_store import EXACT, TREE_MODES, DataRef, SessionExpiredError, SessionStore

MAX_TRUNCATE_P = 500
FASTER = "an approximate tree (under Linkage) is much faster on large data."
CANCELLED = (
    "Cancelled: the new tree was not built, so the previous result is kept "
    "({method} linkage, {metric} metric). To build it, choose it again; " + FASTER
)
CANCELLED_DATA = (
    "Cancelled: {pending} was not loaded (its tree was not built), so the previous data is kept: '{shown}' "
    "with its columns and options, {method} linkage and the {metric} metric. To cluster {pending}, "
    "load it again; " + FASTER
)
CANCELLED_CHOICES = (
    "Cancelled: the new choices for '{shown}' were not used (their tree was not built), so the previous "
    "ones are kept, with {method} linkage and the {metric} metric. To use them, choose them again; " + FASTER
)


def cophenetic_text(value: float) -> tuple[str, str]:
    """The coefficient as shown (5 decimals), and a warning when it is undefined."""
    if math.isfinite(value):
        return f"{value:.5f}", ""
    return "undefined", (
        "The cophenetic correlation is undefined here: all merges are at one height "
        "(or all distances are equal), so there is no variation to correlate."
    )


def read_truncate_p(value) -> int:
    """Validate the "leaves shown" input; raises ClusteringError with the rule."""
    if value is None or not float(value).is_integer() or not 2 <= value <= MAX_TRUNCATE_P:
        raise ClusteringError(f"leaves shown (p) must be a whole number from 2 to {MAX_TRUNCATE_P} (got {value!r})")
    return int(value)


def read_annotate_above(value) -> float | None:
    """Validate the "label merges above" input (empty means automatic)."""
    if value is None or value == "":
        return None
    if not math.isfinite(value) or value < 0:
        raise ClusteringError(
            f"'label merges above' must be a height of at least 0, or empty for automatic (got {value!r})"
        )
    return float(value)


def _view_outputs() -> list[Output]:
    """What showing a tree updates; shared by the quick path and the background job."""
    return [
        Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
        Output(ids.SCATTER, "figure", allow_duplicate=True),
        Output(ids.COPHENETIC, "children", allow_duplicate=True),
        Output(ids.CUT_HEIGHT, "value", allow_duplicate=True),
        Output(ids.N_CLUSTERS, "value", allow_duplicate=True),
        Output(ids.CLUSTER_SUMMARY, "children", allow_duplicate=True),
        Output(ids.SCATTER_CAPTION, "children", allow_duplicate=True),
        Output(ids.VIEW, "data", allow_duplicate=True),
        Output(ids.DENDROGRAM_CAPTION, "children", allow_duplicate=True),
        Output(ids.TREE_BADGE, "children", allow_duplicate=True),
        Output(ids.TREE_BADGE, "hidden", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
    ]


N_VIEW_OUTPUTS = len(_view_outputs())

# What a cancel writes back: the data panel, the linkage choices of the view on
# screen and the message. (The "leaves shown" and "label merges above" boxes
# are never written by the server, see components/widgets.py: number_input.)
RESTORE_OUTPUTS = {
    **PANEL_OUTPUTS,
    "method": Output(ids.METHOD, "value"),
    "metric": Output(ids.METRIC, "value"),
    "tree_mode": Output(ids.TREE_MODE, "value", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}


def restore_reply(**values) -> tuple:
    """The cancel callback's outputs in order; anything not named stays as it is."""
    return reply_in_order(RESTORE_OUTPUTS, values, "cancel")


def cancelled_note(pending: str, shown: str, method: str, metric: str) -> str:
    """The message after cancelling the tree of other data (``pending``): what is kept, and how to retry."""
    if pending == shown:
        return CANCELLED_CHOICES.format(shown=shown, method=method, metric=metric)
    return CANCELLED_DATA.format(pending=pending, shown=shown, method=method, metric=metric)


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the linkage callbacks on ``app``."""

    @app.callback(
        *_view_outputs(),
        Output(ids.TREE_JOB, "data"),
        Input(ids.DATA_REF, "data"),
        Input(ids.METHOD, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.TRUNCATE_P, "value"),
        Input(ids.ANNOTATE_ABOVE, "value"),
        Input(ids.TREE_MODE, "value"),
        State(ids.VIEW, "data"),
        State(ids.JOB_BOX, "hidden"),
        prevent_initial_call="initial_duplicate",
    )
    def show_tree(data_ref, method, metric, p, annotate_above, tree_mode, previous_view, no_job_running):
        ref = DataRef.from_store(data_ref)
        if ref is None:
            raise PreventUpdate  # no dataset yet
        new_data = f"{ids.DATA_REF}.data" in ctx.triggered_prop_ids
        try:
            view = _requested_view(ref, method, metric, p, annotate_above, tree_mode, previous_view)
            store.set_tree_mode(ref, view.tree_mode)
            if not store.has_tree(ref, method, metric):
                estimate = _check_estimate(store, ref, method, metric, view.tree_mode, settings)
                if estimate.seconds > settings.background_after_seconds:
                    job = {
                        "view": view.to_store(),
                        "previous": previous_view,
                        "new_data": new_data,
                        "estimate": describe(estimate),
                    }
                    return (*[no_update] * N_VIEW_OUTPUTS, job)
            cancelled = data_ref.get(CANCELLED_MARK) if new_data else None
            outputs = _show(store, settings, view, previous_view, new_data, cancelled)
        except USER_ERRORS as error:
            # Keep everything on screen as it was; say what went wrong.
            return (*[no_update] * (N_VIEW_OUTPUTS - 1), error_message(error), no_update)
        # A quick result makes a running job stale: clearing the job cancels it.
        # Otherwise leave the job store alone (every change would start a job process).
        return (*outputs, no_update if no_job_running in (True, None) else None)

    @app.callback(
        *_view_outputs(),
        Input(ids.TREE_JOB, "data"),
        background=True,
        interval=300,
        progress=[Output(ids.JOB_PROGRESS, "value"), Output(ids.JOB_STATUS, "children")],
        running=[(Output(ids.JOB_BOX, "hidden"), False, True)],
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

        try:
            store.tree(view.ref, view.method, view.metric, progress=report)
            return _show(store, settings, view, job["previous"], job["new_data"])
        except USER_ERRORS as error:
            return (*[no_update] * (N_VIEW_OUTPUTS - 1), error_message(error))

    @app.callback(
        *RESTORE_OUTPUTS.values(),
        Input(ids.JOB_CANCEL, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.DATA_REF, "data"),
        prevent_initial_call=True,
    )
    def restore_after_cancel(_, view_data, data_ref):
        # Back to the tree on screen (VIEW): its linkage choices and, if the cancelled
        # job was for other data (DATA_REF), its dataset and the whole data panel.
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        linkage = {"method": view.method, "metric": view.metric, "tree_mode": view.tree_mode}
        pending = DataRef.from_store(data_ref)
        if pending == view.ref:  # the job was for another tree of the data on screen
            return restore_reply(**linkage, message=message(CANCELLED.format(**linkage)))
        try:
            panel = panel_of(store, view.ref)
        except USER_ERRORS as error:
            # The panel keeps describing the pending data, which stays loaded.
            return restore_reply(message=error_message(error, "Cancelled, but the previous data is gone: "))
        # The tree callback sees the mark and says what was cancelled and what is kept.
        restored = {**view.ref.to_store(), CANCELLED_MARK: _name_of(store, pending)}
        return restore_reply(data_ref=restored, **panel, **linkage)


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


def _check_estimate(
    store: SessionStore, ref: DataRef, method: str, metric: str, tree_mode: str, settings: Settings
) -> Estimate:
    """Refuse, before starting, a tree that would not fit in the memory budget."""
    dataset = store.dataset(ref)
    if not dataset.is_distance_matrix:
        validate_choice(method, metric)
    n, represented = dataset.n_samples, 0
    if tree_mode != EXACT:
        _, representatives = TREE_MODES[tree_mode]
        n, represented = min(n, representatives), n
    estimate = estimate_tree(n, dataset.n_features, method, metric, representatives_of=represented)
    budget = settings.memory_budget_mb * 1_000_000
    if estimate.peak_bytes > budget:
        raise ClusteringError(
            f"an exact {method} tree of {n:,} samples would need {describe(estimate)} "
            f"({estimate.engine}), over this server's memory budget of {budget / 1e9:.1f} GB. "
            "Choose an approximate tree under Linkage, or ward or single linkage with the euclidean "
            "metric (they need no distance matrix)"
        )
    return estimate


def _name_of(store: SessionStore, ref: DataRef | None) -> str:
    """The name of a dataset, for a message (it may be gone already)."""
    try:
        return store.dataset(ref).name if ref is not None else "the new data"
    except SessionExpiredError:
        return "the new data"


def _show(
    store: SessionStore,
    settings: Settings,
    view: ViewState,
    previous_view,
    new_data: bool,
    cancelled: str | None = None,
) -> tuple:
    """All the view outputs for a tree that is (now) in the store.

    ``cancelled`` names the data whose tree was cancelled when ``view`` is
    the restored view (then the message says so instead of the data's notes).
    """
    previous = ViewState.from_store(previous_view)
    ref = view.ref
    tree = store.tree(ref, view.method, view.metric)
    cut = _carry_over_cut(tree, view, previous)
    slots = (previous if view.same_tree_as(previous) else view).slots_for(cut)
    view = view.with_cut(cut, slots)
    dendrogram, scatter, caption = full_figures(store, view, cut, slots, settings.webgl_threshold)
    notes = store.dataset(ref).notes if new_data else ()
    if cancelled:
        notes = (cancelled_note(cancelled, store.dataset(ref).name, view.method, view.metric),)
    coefficient, coefficient_note = cophenetic_text(tree.cophenetic)
    # An "approximate" mode on data no larger than its representatives gives the exact tree.
    approximate = view.tree_mode != EXACT and store.dataset(ref).n_samples > TREE_MODES[view.tree_mode][1]
    warnings = [note for note in (cut.note, coefficient_note, tree.note) if note]
    return (
        dendrogram,
        scatter,
        coefficient,
        cut.height,
        cut.n_clusters,
        cluster_summary(cut, slots),
        caption,
        view.to_store(),
        zoom_caption(store, view),
        "approximate" if approximate else "",
        not approximate,
        message(*notes, *warnings, kind="warning" if warnings else "info"),
    )


def _carry_over_cut(tree, view: ViewState, previous: ViewState | None):
    """The cut for a new view: the elbow's k for new data, else the same criterion again.

    An inconsistency cut is made again with the same t and depth (when the
    new view carries that criterion). A height or k cut keeps its height for
    the same tree (only the drawing changed) and its k for a new method or
    metric, whose heights are not comparable.
    """
    if previous is None or previous.data != view.data:
        return clusters_for_k(tree, elbow_k(tree))
    if view.criterion == INCONSISTENT:
        return clusters_inconsistent(tree, view.inconsistency_threshold, view.depth)
    if (previous.method, previous.metric) == (view.method, view.metric):
        return clusters_at_height(tree, previous.height)
    return clusters_for_k(tree, min(previous.k, tree.n_samples))
