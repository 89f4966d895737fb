"""Out of the app: the assignments, the linkage matrix, a selection and the Python code as downloads.

Each export recomputes the view's clusters exactly as the clusters panel
does (:func:`callbacks.clusters.cluster_view` and ``view_summary``), so the
files hold what is on screen.
"""

from __future__ import annotations

import re

from dash import Dash, Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks.clusters import cluster_view, view_code, view_summary
from callbacks.common import USER_ERRORS, error_message
from callbacks.render import ViewState
from callbacks.selected import selected_samples
from components import ids
from loaders.export import assignments_csv, linkage_csv
from loaders.grouped import grouped_csv, grouped_xlsx
from state.session_store import SessionStore

CSV = "text/csv"


def file_stem(name: str) -> str:
    """A file-name-safe version of a dataset name ("Classic: 2 groups" -> "classic-2-groups")."""
    stem = re.sub(r"\.(csv|tsv|txt|xlsx|parquet|json)$", "", name.strip(), flags=re.IGNORECASE)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    return stem[:60] or "data"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(app: Dash, store: SessionStore) -> None:
    """Register the download callbacks on ``app``."""

    @app.callback(
        Output(ids.DOWNLOAD_ASSIGNMENTS, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.EXPORT_ASSIGNMENTS, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def export_assignments(n_clicks, view_data):
        view = _view(n_clicks, view_data)
        try:
            clusters = cluster_view(store, view)
            summary = view_summary(clusters)
        except USER_ERRORS as error:
            return no_update, error_message(error, "Could not export the assignments: ")
        dataset = clusters.dataset
        content = assignments_csv(clusters.cut.labels, summary.sample_silhouettes, dataset.sample_names)
        filename = f"{file_stem(dataset.name)}_{view.method}_k{clusters.cut.n_clusters}_clusters.csv"
        return {"content": content, "filename": filename, "type": CSV}, no_update

    @app.callback(
        Output(ids.DOWNLOAD_GROUPED_FILE, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.DOWNLOAD_GROUPED, "n_clicks"),
        State(ids.GROUPED_FORMAT, "value"),
        State(ids.GROUPED_ROWS, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def export_grouped(n_clicks, kind, rows, view_data):
        view = _view(n_clicks, view_data)
        with_data = bool(rows)
        try:
            clusters = cluster_view(store, view)
            dataset, labels = clusters.dataset, clusters.cut.labels
            stem = f"{file_stem(dataset.name)}_{view.method}_k{clusters.cut.n_clusters}_grouped"
            if kind == "xlsx":
                content = grouped_xlsx(dataset, labels, with_data)
                return dcc.send_bytes(content, f"{stem}.xlsx", type=XLSX), no_update
        except USER_ERRORS as error:
            return no_update, error_message(error, "Could not export the clusters: ")
        return {"content": grouped_csv(dataset, labels, with_data), "filename": f"{stem}.csv", "type": CSV}, no_update

    @app.callback(
        Output(ids.DOWNLOAD_LINKAGE, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.EXPORT_LINKAGE, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def export_linkage(n_clicks, view_data):
        view = _view(n_clicks, view_data)
        try:
            dataset = store.dataset(view.ref)
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
        except USER_ERRORS as error:
            return no_update, error_message(error, "Could not export the linkage matrix: ")
        content = linkage_csv(tree.linkage, tree.method, tree.metric, dataset.name)
        filename = f"{file_stem(dataset.name)}_linkage_{tree.method}_{tree.metric}.csv"
        return {"content": content, "filename": filename, "type": CSV}, no_update

    @app.callback(
        Output(ids.DOWNLOAD_SELECTION, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.EXPORT_SELECTION, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def export_selection(n_clicks, view_data, selection):
        view = _view(n_clicks, view_data)
        try:
            samples = selected_samples(store, view, selection)
            if samples is None:
                raise PreventUpdate
            clusters = cluster_view(store, view)
            summary = view_summary(clusters)
        except USER_ERRORS as error:
            return no_update, error_message(error, "Could not export the selection: ")
        dataset = clusters.dataset
        content = assignments_csv(clusters.cut.labels, summary.sample_silhouettes, dataset.sample_names, samples)
        filename = f"{file_stem(dataset.name)}_selection_{samples.size}_samples.csv"
        return {"content": content, "filename": filename, "type": CSV}, no_update

    @app.callback(
        Output(ids.DOWNLOAD_CODE, "data"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.EXPORT_CODE, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def export_code(n_clicks, view_data):
        view = _view(n_clicks, view_data)
        try:
            clusters = cluster_view(store, view)
            code = view_code(clusters, view)
        except USER_ERRORS as error:
            return no_update, error_message(error, "Could not write the Python code: ")
        filename = f"{file_stem(clusters.dataset.name)}_hclust.py"
        return {"content": code, "filename": filename, "type": "text/x-python"}, no_update


def _view(n_clicks, view_data) -> ViewState:
    view = ViewState.from_store(view_data)
    if not n_clicks or view is None:
        raise PreventUpdate
    return view
