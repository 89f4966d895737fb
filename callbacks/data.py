"""Callbacks that bring a dataset in: the example menu and the upload."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message
from components import ids
from config import Settings
from loaders import Dataset, decode_upload, load_builtin, read_table
from state.session_store import SessionStore


def data_summary(dataset: Dataset) -> list:
    """What is loaded: name, shape, feature names and loading notes."""
    names = ", ".join(dataset.feature_names[:6]) + (" …" if dataset.n_features > 6 else "")
    return [
        html.Div(dataset.name, className="data-name"),
        html.Div(f"{dataset.n_samples:,} samples × {dataset.n_features} features ({names})"),
        *[html.Div(note, className="hint") for note in dataset.notes],
    ]


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the data callbacks on ``app``."""

    @app.callback(
        Output(ids.DATA_REF, "data"),
        Output(ids.DATA_SUMMARY, "children"),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.DATASET, "value"),
        State(ids.SESSION, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def choose_example(key, session_id):
        if not key:
            raise PreventUpdate  # cleared after an upload
        try:
            dataset = load_builtin(key)
        except USER_ERRORS as error:
            return no_update, no_update, error_message(error)
        ref = store.put_dataset(session_id, dataset)
        return ref.to_store(), data_summary(dataset), no_update

    @app.callback(
        Output(ids.DATA_REF, "data", allow_duplicate=True),
        Output(ids.DATA_SUMMARY, "children", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.DATASET, "value"),
        Output(ids.DATASET, "placeholder"),
        Output(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def upload_file(contents, filename, session_id):
        if contents is None:
            raise PreventUpdate  # the contents were just cleared below
        filename = filename or "the uploaded file"
        try:
            dataset = read_table(decode_upload(contents, filename, settings.max_upload_bytes), filename)
        except USER_ERRORS as error:
            # Keep the current dataset and result; clear the contents so the
            # same file can be dropped again once fixed.
            return no_update, no_update, error_message(error, "Could not use the upload: "), no_update, no_update, None
        ref = store.put_dataset(session_id, dataset)
        return ref.to_store(), data_summary(dataset), no_update, None, f"Uploaded: {filename}", None
