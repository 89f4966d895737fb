"""The clustered heatmap: the features as colour, one row per leaf of the dendrogram on screen.

It follows the dendrogram's truncation (p) and zoom (a zoomed branch's
leaves), the cut (the strip of cluster colours) and its own options:
value or per-column z-score, the columns clustered, and the rows in
optimal leaf order (SciPy's ``optimal_leaf_ordering``, offered up to
:data:`hclust.heatmap.MAX_OPTIMAL_ORDERING` samples). It is computed only
while its tab is open; a cut of the same drawing sends only the strip.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, patch_from
from callbacks.render import ViewState
from components import ids
from figures import heatmap as heatmap_fig
from hclust import Tree, color_links
from hclust.dendrogram import subtree_geometry, truncated_geometry
from hclust.heatmap import (
    MAX_HEATMAP_COLUMNS,
    MAX_OPTIMAL_ORDERING,
    HeatmapData,
    column_tree,
    heatmap_data,
    optimally_ordered,
    row_clusters,
)
from state.session_store import SessionStore

OPTIMAL, COLUMNS = "optimal", "columns"


def register(app: Dash, store: SessionStore) -> None:
    """Register the heatmap's callback on ``app``."""

    @app.callback(
        Output(ids.HEATMAP, "figure"),
        Output(ids.HEATMAP_NOTE, "children"),
        Output(ids.HEATMAP_DRAWN, "data"),
        Input(ids.LESSON_VIEWS["heatmap"], "data"),  # the view, while the tab is open (callbacks/gates.py)
        Input(ids.HEATMAP_SCALE, "value"),
        Input(ids.HEATMAP_OPTIONS, "value"),
        State(ids.LESSON_TABS, "value"),
        State(ids.HEATMAP_DRAWN, "data"),
    )
    def show_heatmap(view_data, scale, options, tab, drawn_key):
        view = ViewState.from_store(view_data)
        if view is None or tab != "heatmap":
            raise PreventUpdate  # an option changed while the tab is closed
        options = set(options or ())
        key = drawing_key(view, scale, options)
        try:
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
            cut = view.cut_rule.apply(tree)
            slots = view.slots_for(cut)
            drawn, note = drawing(store, view, tree, scale or "value", options)
            ordered, geometry, data = drawn
            coloring = color_links(ordered, geometry, cut)
            clusters = row_clusters(cut, data.row_nodes, ordered)
        except USER_ERRORS as error:
            return no_update, error_message(error, "Cannot draw the heatmap: "), no_update
        if ctx.triggered_id == ids.LESSON_VIEWS["heatmap"] and drawn_key == key:
            # The same drawing: a cut changes only the colour strip and the row dendrogram's colours.
            updates = heatmap_fig.heatmap_cut_updates(clusters, slots, coloring, view.theme, geometry=geometry)
            return patch_from(updates), note, no_update
        columns = column_tree(data)
        figure = heatmap_fig.heatmap_figure(
            data,
            geometry,
            coloring,
            slots,
            clusters,
            view.theme,
            revision=key,
            column_geometry=None if columns is None else truncated_geometry(columns, columns.n_samples),
        )
        return figure, note, key


def drawing_key(view: ViewState, scale, options: set) -> str:
    """Names one drawing: the tree, its truncation and zoom, and the heatmap's options."""
    parts = (view.data, view.method, view.metric, view.tree_mode, view.p, view.zoom_root, scale, sorted(options))
    return "/".join(map(str, (*parts, view.present, view.dark)))


def drawing(store: SessionStore, view: ViewState, tree: Tree, scale: str, options: set):
    """The tree as drawn (optimally ordered or not), its layout and the heatmap's rows, with a note.

    Returns
    -------
    ((Tree, DendrogramGeometry, HeatmapData), list)
    """
    dataset = store.dataset(view.ref)
    note = []
    optimal = OPTIMAL in options
    if optimal and tree.n_samples > MAX_OPTIMAL_ORDERING:
        note.append(
            f"Optimal leaf ordering is offered up to {MAX_OPTIMAL_ORDERING:,} samples (this tree has "
            f"{tree.n_samples:,}): it takes time cubic in n. The rows are in the tree's own order."
        )
        optimal = False

    def compute():
        if not optimal:  # the dendrogram's own layout
            ordered, geometry = (
                tree,
                store.geometry(view.ref, view.method, view.metric, view.p, view.zoom_root, mode=view.tree_mode),
            )
        else:
            ordered = optimally_ordered(tree, features=dataset.features, distances=dataset.distances)
            if view.zoom_root is None:
                geometry = truncated_geometry(ordered, view.p, _names(dataset))
            else:
                geometry = subtree_geometry(ordered, view.zoom_root, view.p, _names(dataset))
        data = heatmap_data(ordered, geometry, dataset.features, dataset.feature_names, scale, COLUMNS in options)
        return ordered, geometry, data

    key = ("heatmap", view.method, view.metric, view.tree_mode, view.p, view.zoom_root, scale, sorted(options), optimal)
    drawn = store.memo(view.ref, tuple(str(part) for part in key), compute)
    note += [describe_rows(drawn[2], optimal)]
    return drawn, note


def describe_rows(data: HeatmapData, optimal: bool) -> str:
    """What the rows and columns are, in one sentence."""
    contracted = int((data.row_counts > 1).sum())
    rows = f"{data.n_rows} rows, one per leaf of the dendrogram on screen"
    if contracted:
        rows += f" ({contracted} of them contracted leaves, drawn as their members' mean)"
    order = "in optimal leaf order" if optimal else "in the dendrogram's order"
    columns = f"{data.n_columns} columns"
    if data.n_columns < data.n_columns_total:
        columns += f" (the {MAX_HEATMAP_COLUMNS} most variable of {data.n_columns_total})"
    scale = "z-scores per column" if data.scale == "zscore" else "values"
    return f"{rows}, {order}; {columns}, coloured by {scale}."


def _names(dataset) -> list[str] | None:
    return list(dataset.sample_names) if dataset.sample_names is not None else None
