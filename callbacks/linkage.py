"""Callbacks for the linkage choice: keep method and metric compatible, build the tree."""

from __future__ import annotations

import math

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message
from callbacks.render import ViewState, cluster_summary, full_figures
from components import ids
from config import Settings
from hclust import ClusteringError, clusters_at_height, clusters_for_k, elbow_k
from state.session_store import DataRef, SessionStore

MAX_TRUNCATE_P = 500


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


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the linkage callbacks on ``app``."""

    @app.callback(
        Output(ids.DENDROGRAM, "figure"),
        Output(ids.SCATTER, "figure"),
        Output(ids.COPHENETIC, "children"),
        Output(ids.CUT_HEIGHT, "value"),
        Output(ids.N_CLUSTERS, "value"),
        Output(ids.CLUSTER_SUMMARY, "children"),
        Output(ids.SCATTER_CAPTION, "children"),
        Output(ids.VIEW, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.DATA_REF, "data"),
        Input(ids.METHOD, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.TRUNCATE_P, "value"),
        Input(ids.ANNOTATE_ABOVE, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def show_tree(data_ref, method, metric, p, annotate_above, previous_view):
        ref = DataRef.from_store(data_ref)
        if ref is None:
            raise PreventUpdate  # no dataset yet
        previous = ViewState.from_store(previous_view)
        try:
            view = ViewState(
                session=ref.session_id,
                data=ref.data_key,
                method=method,
                metric=metric,
                p=read_truncate_p(p),
                annotate_above=read_annotate_above(annotate_above),
                height=0.0,
                k=0,
            )
            tree = store.tree(ref, method, metric)
            cut = _carry_over_cut(tree, view, previous)
            same_tree = previous is not None and (previous.data, previous.method, previous.metric) == (
                view.data,
                view.method,
                view.metric,
            )
            slots = (previous if same_tree else view).slots_for(cut)
            view = view.with_cut(cut, slots)
            dendrogram, scatter, caption = full_figures(store, view, cut, slots, settings.webgl_threshold)
            notes = store.dataset(ref).notes if ctx.triggered_id == ids.DATA_REF else ()
            coefficient, coefficient_note = cophenetic_text(tree.cophenetic)
        except USER_ERRORS as error:
            # Keep everything on screen as it was; say what went wrong.
            return (*[no_update] * 8, error_message(error))
        return (
            dendrogram,
            scatter,
            coefficient,
            cut.height,
            cut.n_clusters,
            cluster_summary(cut, slots),
            caption,
            view.to_store(),
            message(*notes, cut.note, coefficient_note, kind="warning" if cut.note or coefficient_note else "info"),
        )


def _carry_over_cut(tree, view: ViewState, previous: ViewState | None):
    """The cut for a new view.

    The same height for the same tree (only the drawing changed), the same k
    for a new method or metric, and the elbow's k for new data.
    """
    if previous is None or previous.data != view.data:
        return clusters_for_k(tree, elbow_k(tree))
    if (previous.method, previous.metric) == (view.method, view.metric):
        return clusters_at_height(tree, previous.height)
    return clusters_for_k(tree, min(previous.k, tree.n_samples))
