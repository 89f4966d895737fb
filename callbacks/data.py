"""Callbacks that bring a dataset in: the example menu, the upload and the reading options.

An upload is parsed once into a table that stays on the server; the column,
label, missing-value, scaling and "read as" choices re-prepare the dataset
from it. Any failure leaves the current dataset and result on screen and
says why in the message area.

Which dataset the page shows: ``DATA_REF`` names the dataset the data panel
describes, and changes as soon as a dataset is loaded; ``VIEW`` names the
dataset of the tree on screen. The two differ while a background job builds
the tree of new (pending) data; when that job is cancelled, the shown tree's
dataset wins and the whole data panel goes back to it
(:func:`callbacks.data_panel.panel_of`). Controls that another callback
writes (a cancel, an opened address) trigger the data callbacks too; one
rule keeps them from loading twice: loading the dataset that ``DATA_REF``
already names does nothing (:func:`callbacks.data_panel.already_loaded`).

What the data panel shows lives in :mod:`callbacks.data_panel`; the names
other modules import from here are re-exported.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from dash import Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, reply_in_order
from callbacks.data_panel import (
    PANEL_OUTPUTS,
    already_loaded,
    chosen_options,
    data_summary,
    explicit_linkage,
    linkage_for,
    panel_for,
    panel_of,
    put_file_dataset,
    source_record_key,
    table_ref_for,
)
from components import ids
from config import Settings
from loaders import LoadOptions, Table, decode_upload, load_builtin, parse_file, prepare, with_scaling
from loaders.images import is_image, read_image
from state.session_file import MAX_DATA_BYTES
from state.session_store import SessionStore
from state.view import View, decode

__all__ = [
    "EXAMPLE_OUTPUTS",
    "FILE_OUTPUTS",
    "PANEL_OUTPUTS",
    "RETRY_HINT",
    "already_loaded",
    "chosen_options",
    "data_summary",
    "explicit_linkage",
    "file_reply",
    "linkage_for",
    "new_table",
    "panel_for",
    "panel_of",
    "put_file_dataset",
    "register",
    "source_record_key",
    "waiting_upload",
]

RETRY_HINT = "The current data stays on screen; change the choices under Columns & options to try again."


# Everything the file callback can update, by name; a reply leaves out what stays.
FILE_OUTPUTS = {
    "data_ref": Output(ids.DATA_REF, "data", allow_duplicate=True),
    "summary": Output(ids.DATA_SUMMARY, "children", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
    "example": Output(ids.DATASET, "value"),
    "example_placeholder": Output(ids.DATASET, "placeholder"),
    "contents": Output(ids.UPLOAD, "contents"),
    "table_ref": Output(ids.TABLE_REF, "data"),
    "panel_hidden": Output(ids.DATA_OPTIONS, "hidden"),
    "panel_title": Output(ids.DATA_OPTIONS_TITLE, "children"),
    "sheet_menu": Output(ids.SHEET, "options"),
    "sheet": Output(ids.SHEET, "value"),
    "sheet_hidden": Output(ids.SHEET_FIELD, "hidden"),
    "read_as": Output(ids.READ_AS, "value"),
    "read_as_hidden": Output(ids.READ_AS_FIELD, "hidden"),
    "feature_menu": Output(ids.FEATURES, "options"),
    "features": Output(ids.FEATURES, "value"),
    "label_menu": Output(ids.LABEL, "options"),
    "label": Output(ids.LABEL, "value"),
    "class_menu": Output(ids.CLASS_COLUMN, "options"),
    "classes": Output(ids.CLASS_COLUMN, "value"),
    "missing": Output(ids.MISSING, "value"),
    "method": Output(ids.METHOD, "value", allow_duplicate=True),
    "metric": Output(ids.METRIC, "value", allow_duplicate=True),
    "scaling": Output(ids.SCALING, "value", allow_duplicate=True),
    "pending": Output(ids.PENDING, "data", allow_duplicate=True),
}


def file_reply(**values) -> tuple:
    """The file callback's outputs in order; anything not named stays as it is."""
    return reply_in_order(FILE_OUTPUTS, values, "file")


EXAMPLE_OUTPUTS = {
    "data_ref": Output(ids.DATA_REF, "data"),
    "summary": Output(ids.DATA_SUMMARY, "children"),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
    "table_ref": Output(ids.TABLE_REF, "data", allow_duplicate=True),
    "panel_hidden": Output(ids.DATA_OPTIONS, "hidden", allow_duplicate=True),
    "method": Output(ids.METHOD, "value", allow_duplicate=True),
    "metric": Output(ids.METRIC, "value", allow_duplicate=True),
}


def waiting_upload(pending: dict | None) -> View | None:
    """The view an opened address keeps waiting for its uploaded file, if there is one."""
    if not pending or not pending.get("upload"):
        return None
    return decode(pending["address"]).view


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the data callbacks on ``app``."""

    @app.callback(
        *EXAMPLE_OUTPUTS.values(),
        Input(ids.DATASET, "value"),
        Input(ids.SCALING, "value"),
        State(ids.SESSION, "data"),
        State(ids.TABLE_REF, "data"),
        State(ids.METHOD, "value"),
        State(ids.METRIC, "value"),
        State(ids.DATA_REF, "data"),
        prevent_initial_call=True,  # the page opens its address (callbacks/address.py)
    )
    def choose_example(key, scaling, session_id, table_ref, method, metric, data_ref):
        if not key:
            raise PreventUpdate  # cleared after an upload
        if ctx.triggered_id == ids.SCALING and table_ref:
            raise PreventUpdate  # the scaling is for the uploaded file
        try:
            dataset = with_scaling(load_builtin(key), scaling or "none")
        except USER_ERRORS as error:
            return reply_in_order(EXAMPLE_OUTPUTS, {"message": error_message(error)}, "example")
        if already_loaded(store, data_ref, dataset):
            raise PreventUpdate
        ref = store.put_dataset(session_id, dataset)
        return reply_in_order(
            EXAMPLE_OUTPUTS,
            {
                "data_ref": ref.to_store(),
                "summary": data_summary(dataset),
                "table_ref": None,
                "panel_hidden": True,
                **linkage_for(dataset, method, metric),
            },
            "example",
        )

    @app.callback(
        *FILE_OUTPUTS.values(),
        Input(ids.UPLOAD, "contents"),
        Input(ids.SHEET, "value"),
        Input(ids.READ_AS, "value"),
        Input(ids.FEATURES, "value"),
        Input(ids.LABEL, "value"),
        Input(ids.MISSING, "value"),
        Input(ids.SCALING, "value"),
        Input(ids.CLASS_COLUMN, "value"),
        State(ids.UPLOAD, "filename"),
        State(ids.SESSION, "data"),
        State(ids.TABLE_REF, "data"),
        State(ids.METHOD, "value"),
        State(ids.METRIC, "value"),
        State(ids.DATA_REF, "data"),
        State(ids.PENDING, "data"),
        prevent_initial_call=True,
    )
    def load_file(
        contents,
        sheet,
        read_as,
        features,
        label,
        missing,
        scaling,
        classes,
        filename,
        session_id,
        table_ref,
        method,
        metric,
        data_ref,
        pending,
    ):
        trigger = ctx.triggered_id
        if trigger == ids.UPLOAD:
            if contents is None:
                raise PreventUpdate  # the contents were just cleared below
            filename = filename or "the uploaded file"
            try:
                raw = decode_upload(contents, filename, settings.max_upload_bytes)
                if is_image(raw, filename):
                    return new_image(store, raw, filename, session_id, method, metric)
                table = parse_file(raw, filename, _waiting_sheet(pending), limits=settings.limits)
            except USER_ERRORS as error:
                # Keep the current dataset and result; clear the contents so the
                # same file can be dropped again once fixed.
                return file_reply(message=error_message(error, "Could not use the upload: "), contents=None)
            return new_table(store, table, raw, scaling, session_id, method, metric, pending)
        if not table_ref:
            raise PreventUpdate  # no uploaded file: the scaling is for an example
        try:
            table = store.table(session_id, table_ref["table"])
            if trigger == ids.SHEET:
                if sheet == table.sheet or table.raw is None:
                    raise PreventUpdate
                table = parse_file(table.raw, table.filename, sheet, limits=settings.limits)
                return new_table(store, table, table.raw, scaling, session_id, method, metric, None)
            dataset = prepare(table, chosen_options(features, label, missing, scaling, read_as, classes))
        except USER_ERRORS as error:
            return file_reply(message=_failed(error, table_ref.get("filename")))
        if already_loaded(store, data_ref, dataset):
            raise PreventUpdate
        return file_reply(
            data_ref=put_file_dataset(store, session_id, dataset, table, scaling).to_store(),
            summary=data_summary(dataset),
            example=None,
            example_placeholder=f"Uploaded: {table.filename}",
            **linkage_for(dataset, method, metric),
        )


def new_table(store: SessionStore, table: Table, raw: bytes, scaling, session_id, method, metric, pending) -> tuple:
    """Store a newly read table, fill the option controls for it and try its reading.

    The reading is the default one, or the one of a view that waits for
    this very file (an opened link or session); then that view's linkage
    comes with it and the view is no longer waiting for a file. Returns the
    file callback's outputs (:func:`file_reply`).
    """
    store.put_table(session_id, table)
    if len(raw) <= MAX_DATA_BYTES:
        store.put_upload_bytes(session_id, table.key, raw)
    table_ref = table_ref_for(table)
    waiting = waiting_upload(pending)
    restoring = waiting is not None and waiting.source.upload == table.key
    options = waiting.source.load_options() if restoring else LoadOptions(scaling=scaling or "none")
    panel = panel_for(table, options)
    if restoring:
        panel["scaling"] = options.scaling
    try:
        dataset = prepare(table, options)
    except USER_ERRORS as error:
        # The panel shows the new file so that another choice can fix it.
        return file_reply(message=_failed(error, table.filename), contents=None, table_ref=table_ref, **panel)
    ref = put_file_dataset(store, session_id, dataset, table, options.scaling)
    linkage = linkage_for(dataset, method, metric)
    if restoring:
        linkage = explicit_linkage(dataset, waiting.method, waiting.metric)
    return file_reply(
        data_ref=ref.to_store(),
        summary=data_summary(dataset),
        example=None,
        example_placeholder=f"Uploaded: {table.filename}",
        contents=None,
        table_ref=table_ref,
        **panel,
        **linkage,
        **({"pending": {**pending, "data": ref.data_key, "upload": None}} if restoring else {}),
    )


def new_image(store: SessionStore, raw: bytes, filename: str, session_id, method, metric) -> tuple:
    """Read an uploaded PNG or JPEG as pixels (R, G, B) and load it; the table options are hidden.

    The image's bytes are kept under their content key (when small enough),
    so the view's address can name it and a reload reads it again.
    """
    key = image_key(raw)
    dataset = read_image(raw, filename)
    dataset = replace(dataset, provenance={**dataset.provenance, "upload": key})
    if len(raw) <= MAX_DATA_BYTES:
        store.put_upload_bytes(session_id, key, raw)
    ref = store.put_dataset(session_id, dataset)
    return file_reply(
        data_ref=ref.to_store(),
        summary=data_summary(dataset),
        example=None,
        example_placeholder=f"Uploaded: {filename}",
        contents=None,
        table_ref=None,
        panel_hidden=True,
        **linkage_for(dataset, method, metric),
    )


def image_key(raw: bytes) -> str:
    """The content key of an uploaded image (as :attr:`loaders.Table.key` is a table's)."""
    return hashlib.sha256(raw).hexdigest()[:32]


def _waiting_sheet(pending: dict | None) -> str | None:
    """The sheet a waiting view reads its upload from (None: the first)."""
    waiting = waiting_upload(pending)
    return waiting.source.sheet if waiting is not None else None


def _failed(error: Exception, filename: str | None) -> list:
    return [*error_message(error, f"Could not use {filename or 'the file'}: "), *message(RETRY_HINT)]
