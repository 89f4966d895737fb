"""The cut-line hot path: drag, click, typed height or typed k -> color patches.

Graph events reach the server through a clientside callback that writes the
requested height to a store (so zoom, pan and autosize never make a request,
and a click is never lost behind a pending relayout). Typed values come
straight from the inputs. Nothing here builds a figure or recomputes a tree.
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, patch_from
from callbacks.render import ViewState, cluster_summary, cut_updates
from components import ids
from hclust import ClusteringError, clusters_at_height, clusters_for_k, snap_height
from state.session_store import SessionStore


def register(app: Dash, store: SessionStore) -> None:
    """Register the cut callbacks on ``app``."""
    app.clientside_callback(
        ClientsideFunction(namespace="hclust", function_name="graphCut"),
        Output(ids.GRAPH_CUT, "data"),
        Input(ids.DENDROGRAM, "relayoutData"),
        Input(ids.DENDROGRAM, "clickData"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
        Output(ids.SCATTER, "figure", allow_duplicate=True),
        Output(ids.CUT_HEIGHT, "value", allow_duplicate=True),
        Output(ids.N_CLUSTERS, "value", allow_duplicate=True),
        Output(ids.CLUSTER_SUMMARY, "children", allow_duplicate=True),
        Output(ids.VIEW, "data", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.GRAPH_CUT, "data"),
        Input(ids.CUT_HEIGHT, "value"),
        Input(ids.N_CLUSTERS, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def move_cut(graph_cut, typed_height, typed_k, view_data):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        request = _pick_request(ctx.triggered_prop_ids, graph_cut, typed_height, typed_k, view)
        if request is None:
            raise PreventUpdate  # the inputs just echo the current view
        source, value = request
        try:
            tree = store.tree(view.ref, view.method, view.metric)
            if source == "graph":
                cut = clusters_at_height(tree, snap_height(tree, value))
            elif source == "height":
                cut = clusters_at_height(tree, _number(value, "cut height"))
            else:
                cut = clusters_for_k(tree, _number(value, "number of clusters k"))
            slots = view.slots_for(cut)
            new_view = view.with_cut(cut, slots)
            dendrogram, scatter = cut_updates(store, new_view, cut, slots)
        except USER_ERRORS as error:
            return (*[no_update] * 6, error_message(error))
        return (
            patch_from(dendrogram),
            patch_from(scatter),
            no_update if source == "height" else cut.height,
            no_update if source == "k" and cut.n_clusters == value else cut.n_clusters,
            cluster_summary(cut, slots),
            new_view.to_store(),
            message(cut.note, kind="warning"),
        )


def _pick_request(triggered: dict, graph_cut, typed_height, typed_k, view: ViewState):
    """Which input asks for a new cut: ``(source, value)``, or None if none does.

    A graph event always counts. The two inputs are also written by the
    server after each cut; a value equal to the current view is that echo,
    not a request. When several fire at once, graph beats height beats k.
    """
    fired = {prop_id.rsplit(".", 1)[0] for prop_id in triggered}
    if ids.GRAPH_CUT in fired and isinstance(graph_cut, dict) and graph_cut.get("y") is not None:
        return "graph", graph_cut["y"]
    if ids.CUT_HEIGHT in fired and typed_height != view.height:
        return "height", typed_height
    if ids.N_CLUSTERS in fired and typed_k != view.k:
        return "k", typed_k
    return None


def _number(value, name: str) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ClusteringError(f"type a number for the {name}")
    return value
