"""The exact cophenetic correlation on request: a background job whose value replaces the estimate on screen.

A tree whose exact cophenetic correlation would take longer than the budget
(``HCLUST_COPHENETIC_EXACT_SECONDS``) shows an estimate from random pairs and
an "Exact value" button. The button starts a background job with the tree
jobs' machinery (progress bar, Cancel, :class:`state.job_guard.JobGuard`),
which computes the value from every pair and records it in the session store
for that tree (:meth:`state.session_store.SessionStore.put_exact_cophenetic`).
Its result names the tree: it replaces the estimate only if that tree is
still on screen (otherwise it is shown when the tree comes back).
"""

from __future__ import annotations

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, reply_in_order
from callbacks.linkage import cancelled_just_now
from callbacks.render import ViewState
from callbacks.selected import tree_key
from callbacks.show import VIEW_OUTPUTS, cophenetic_outputs, cophenetic_text
from components import ids
from config import Settings
from hclust import ClusteringError
from hclust.cophenetic import CopheneticCorrelation, exact_cophenetic_correlation
from hclust.estimate import Estimate, describe, exact_cophenetic_cost
from state.job_guard import JobGuard
from state.session_store import SessionStore

JOB_OUTPUTS = {"result": Output(ids.COPHENETIC_RESULT, "data")}
SHOW_OUTPUTS = {
    **{name: VIEW_OUTPUTS[name] for name in ("cophenetic", "estimate_hidden", "estimate_pairs", "estimate_tooltip")},
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}
AGAIN = "'Exact value' starts it again."
STOPPED = "Its job stopped without a result (its process ended: it was killed, or the server restarted)."
CANCELLED = f"Cancelled: the cophenetic correlation stays an estimate. {AGAIN}"


def register(app: Dash, store: SessionStore, settings: Settings, guard: JobGuard) -> None:
    """Register the exact-value job, the callback that shows its value, and the one that says why it stopped."""
    _register_job(app, store, settings, guard)
    _register_result(app, store)
    _register_outcome(app, guard)


def _register_job(app: Dash, store: SessionStore, settings: Settings, guard: JobGuard) -> None:
    @app.callback(
        *JOB_OUTPUTS.values(),
        Input(ids.COPHENETIC_EXACT, "n_clicks"),
        State(ids.VIEW, "data"),
        background=True,
        interval=300,
        progress=[
            Output(ids.COPHENETIC_PROGRESS, "value"),
            Output(ids.COPHENETIC_STATUS, "children"),
            Output(ids.COPHENETIC_JOB, "title"),
        ],
        running=[
            (Output(ids.COPHENETIC_JOB, "hidden"), False, True),
            (Output(ids.COPHENETIC_EXACT, "hidden"), True, False),
            (Output(ids.COPHENETIC_NOTE, "hidden"), True, False),
        ],
        cancel=[Input(ids.COPHENETIC_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def compute_exact_cophenetic(set_progress, clicks, view_data):
        view = ViewState.from_store(view_data)
        if not clicks or view is None:
            raise PreventUpdate

        def waiting(running: int) -> None:
            set_progress(("0", "waiting", f"Waiting: {running} jobs are running on this server; this one starts next."))

        try:
            about = f"The exact value from all the pairs: estimate {describe(affordable(store, view, settings))}."

            def report(fraction: float, stage: str) -> None:
                set_progress((str(round(100 * fraction)), f"{fraction:.0%}", about))

            report(0.0, "starting")
            with guard.running(view.session, job_name(view), waiting):
                exact = exact_cophenetic(store, view, report)
        except USER_ERRORS as error:
            return {"tree": tree_key(view), "clicks": clicks, "error": str(error)}
        return {"tree": tree_key(view), "clicks": clicks, "value": exact.value}


def _register_result(app: Dash, store: SessionStore) -> None:
    @app.callback(
        *SHOW_OUTPUTS.values(),
        Input(ids.COPHENETIC_RESULT, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def show_exact_cophenetic(result, view_data):
        view = ViewState.from_store(view_data)
        if not result or view is None or result["tree"] != tree_key(view):
            raise PreventUpdate  # another tree is on screen: the value is kept for its own tree
        if "error" in result:
            return _shown(message=message(f"{NOT_COMPUTED}{result['error']}.", kind="error"))
        try:
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
        except USER_ERRORS as error:
            return _shown(message=error_message(error, NOT_COMPUTED))
        pairs = tree.n_samples * (tree.n_samples - 1) // 2
        replaced = message(f"The exact cophenetic correlation, from all {pairs:,} pairs, replaced the estimate.")
        return _shown(
            **cophenetic_outputs(cophenetic_text(tree)), message=replaced + message(tree.note, kind="warning")
        )


def _register_outcome(app: Dash, guard: JobGuard) -> None:
    @app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.COPHENETIC_JOB, "hidden"),
        State(ids.VIEW, "data"),
        State(ids.COPHENETIC_CANCEL, "n_clicks_timestamp"),
        State(ids.COPHENETIC_EXACT, "n_clicks"),
        State(ids.COPHENETIC_RESULT, "data"),
        prevent_initial_call=True,
    )
    def exact_job_ended(hidden, view_data, cancelled_at, clicks, result):
        view = ViewState.from_store(view_data)
        if not hidden or view is None or not clicks:
            raise PreventUpdate  # the job started, or none ran
        if cancelled_just_now(cancelled_at):
            return message(CANCELLED)
        if result and result.get("clicks") == clicks:
            raise PreventUpdate  # it ended with a value or an error: show_exact_cophenetic says which
        why = guard.outcome(view.session, job_name(view)) or STOPPED
        return message(f"The exact cophenetic correlation was not computed. {why} {AGAIN}", kind="error")


NOT_COMPUTED = "The exact cophenetic correlation was not computed: "


def _shown(**values) -> tuple:
    return reply_in_order(SHOW_OUTPUTS, values, "exact cophenetic")


def job_name(view: ViewState) -> str:
    """Names the exact-value job of the view's tree (its outcome is recorded under this name)."""
    return f"{tree_key(view)}/cophenetic"


def affordable(store: SessionStore, view: ViewState, settings: Settings) -> Estimate:
    """The exact value's cost; refused before starting when over the memory budget or the job time limit."""
    tree, dataset = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode), store.dataset(view.ref)
    cost = exact_cophenetic_cost(tree.n_samples, dataset.n_features, tree.method, tree.metric)
    budget = settings.memory_budget_mb * 1_000_000
    if cost.peak_bytes > budget:
        raise ClusteringError(
            f"it would need {describe(cost)}, over this server's memory budget of {budget / 1e9:.1f} GB; "
            "the estimate stays"
        )
    if cost.seconds > settings.job_timeout_seconds:
        raise ClusteringError(
            f"it would take {describe(cost)}, over this server's limit of {settings.job_timeout_seconds} s "
            "per job (HCLUST_JOB_TIMEOUT); the estimate stays"
        )
    return cost


def exact_cophenetic(store: SessionStore, view: ViewState, progress) -> CopheneticCorrelation:
    """The exact value of the view's tree from every pair, recorded in the store for that tree."""
    tree, dataset = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode), store.dataset(view.ref)
    if tree.cophenetic_is_exact:  # computed meanwhile (another tab)
        return CopheneticCorrelation(tree.cophenetic, 0.0, tree.n_samples * (tree.n_samples - 1) // 2, exact=True)
    exact = exact_cophenetic_correlation(
        dataset.features, tree.linkage, tree.leaf_order, tree.method, tree.metric, progress=progress
    )
    store.put_exact_cophenetic(view.ref, view.method, view.metric, exact, mode=view.tree_mode)
    progress(1.0, "done")
    return exact
