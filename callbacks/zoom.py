"""Zooming into the dendrogram re-truncates it to the zoomed branch; a double-click zooms out."""

from __future__ import annotations

from dataclasses import replace

from dash import ClientsideFunction, Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, reply_in_order
from callbacks.render import ViewState, dendrogram_figure_for
from components import ids
from hclust.dendrogram import shows_every_leaf, zoom_root, zoom_step
from state.session_store import SessionStore

# What the zoom callback updates, by name; a reply leaves out what stays.
ZOOM_OUTPUTS = {
    "dendrogram": Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
    "dendrogram_caption": Output(ids.DENDROGRAM_CAPTION, "children"),
    "view": Output(ids.VIEW, "data", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}


def zoom_caption(store: SessionStore, view: ViewState) -> str:
    """The dendrogram's caption: which branch is shown, and how to get back."""
    if view.zoom_root is None:
        return ""
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
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
        *ZOOM_OUTPUTS.values(),
        Input(ids.ZOOM, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def zoom_dendrogram(zoom, view_data):
        view = ViewState.from_store(view_data)
        if view is None or not zoom:
            raise PreventUpdate
        try:
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
            if zoom.get("reset"):
                if view.zoom_root is None:
                    raise PreventUpdate  # already the whole tree: plotly's own autorange is enough
                root = None
            elif zoom.get("step") in ("in", "out"):  # the keyboard's + and - (assets/keyboard.js)
                root = zoom_step(tree, view.zoom_root, zoom["step"])
                if root == view.zoom_root:
                    raise PreventUpdate
            else:
                shown = store.geometry(view.ref, view.method, view.metric, view.p, view.zoom_root, mode=view.tree_mode)
                x_range = (zoom["x0"], zoom["x1"])
                root = zoom_root(tree, shown, x_range)
                # The branch's whole drawing (a double-click's reset, as explicit ranges): the whole tree.
                zoom_out = root is None and view.zoom_root is not None and shows_every_leaf(shown, x_range)
                if root is None and not zoom_out:
                    raise PreventUpdate  # nothing finer to show: keep plotly's own zoom
            zoomed = replace(view, zoom_root=root)
            cut = zoomed.cut_rule.apply(tree)
            dendrogram = dendrogram_figure_for(store, zoomed, cut, zoomed.slots_for(cut))
        except USER_ERRORS as error:
            return reply_in_order(ZOOM_OUTPUTS, {"message": error_message(error)}, "zoom")
        return reply_in_order(
            ZOOM_OUTPUTS,
            {
                "dendrogram": dendrogram,
                "dendrogram_caption": zoom_caption(store, zoomed),
                "view": zoomed.to_store(),
                "message": [],
            },
            "zoom",
        )
