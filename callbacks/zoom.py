"""Zooming into the dendrogram re-truncates it to the zoomed branch; a double-click zooms out."""

from __future__ import annotations

from dataclasses import replace

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message
from callbacks.render import ViewState, dendrogram_figure_for
from components import ids
from hclust.dendrogram import zoom_root
from state.session_store import SessionStore


def zoom_caption(store: SessionStore, view: ViewState) -> str:
    """The dendrogram's caption: which branch is shown, and how to get back."""
    if view.zoom_root is None:
        return ""
    tree = store.tree(view.ref, view.method, view.metric)
    size = int(tree.linkage[view.zoom_root - tree.n_samples, 3])
    return f"zoomed into a branch of {size:,} samples · double-click the plot for the whole tree"


def register(app: Dash, store: SessionStore) -> None:
    """Register the zoom callbacks on ``app``."""
    app.clientside_callback(
        ClientsideFunction(namespace="hclust", function_name="graphZoom"),
        Output(ids.ZOOM, "data"),
        Input(ids.DENDROGRAM, "relayoutData"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
        Output(ids.DENDROGRAM_CAPTION, "children"),
        Output(ids.VIEW, "data", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.ZOOM, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def zoom_dendrogram(zoom, view_data):
        view = ViewState.from_store(view_data)
        if view is None or not zoom:
            raise PreventUpdate
        try:
            tree = store.tree(view.ref, view.method, view.metric)
            if zoom.get("reset"):
                if view.zoom_root is None:
                    raise PreventUpdate  # already the whole tree: plotly's own autorange is enough
                root = None
            else:
                shown = store.geometry(view.ref, view.method, view.metric, view.p, view.zoom_root)
                root = zoom_root(tree, shown, (zoom["x0"], zoom["x1"]))
                if root is None:
                    raise PreventUpdate  # nothing finer to show: keep plotly's own zoom
            zoomed = replace(view, zoom_root=root)
            cut = zoomed.cut_rule.apply(tree)
            dendrogram = dendrogram_figure_for(store, zoomed, cut, zoomed.slots_for(cut))
        except USER_ERRORS as error:
            return no_update, no_update, no_update, error_message(error)
        return dendrogram, zoom_caption(store, zoomed), zoomed.to_store(), []
