"""Callbacks that bring a dataset in: the example menu, the upload and the reading options.

An upload is parsed once into a table that stays on the server; the column,
label, missing-value, scaling and "read as" choices re-prepare the dataset
from it. Any failure leaves the current dataset and result on screen and
says why in the message area.

Which dataset the page shows: ``DATA_REF`` names the dataset the data panel
describes, and changes as soon as a dataset is loaded; ``VIEW`` names the
dataset of the tree on screen. The two differ while a background job builds
the tree of new (pending) data; when that job is cancelled, the shown tree's
dataset wins and the whole data panel goes back to it (:func:`panel_of`).
Controls that another callback writes (a cancel, an opened address) trigger
the data callbacks too; one rule keeps them from loading twice: loading the
dataset that ``DATA_REF`` already names does nothing (:func:`already_loaded`).
"""

from __future__ import annotations

import hashlib
import json

from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, reply_in_order
from callbacks.options import values_for_data
from components import ids
from components.data_panel import NO_LABEL, blank_file_options, feature_menu, label_menu, sheet_menu
from config import Settings
from loaders import (
    AUTO,
    Dataset,
    LoadOptions,
    Table,
    decode_upload,
    load_builtin,
    parse_file,
    plan,
    prepare,
    with_scaling,
)
from state.session_file import MAX_DATA_BYTES
from state.session_store import DataRef, SessionExpiredError, SessionStore
from state.view import View, decode

RETRY_HINT = "The current data stays on screen; change the choices under Columns & options to try again."


def data_summary(dataset: Dataset) -> list:
    """What is loaded: name, shape, feature names and loading notes."""
    if dataset.is_distance_matrix:
        shape = f"{dataset.n_samples:,} samples × {dataset.n_samples:,} distances (precomputed)"
    else:
        names = ", ".join(dataset.feature_names[:6]) + (" …" if dataset.n_features > 6 else "")
        shape = f"{dataset.n_samples:,} samples × {dataset.n_features} features ({names})"
    notes = []
    if dataset.notes:
        count = len(dataset.notes)
        notes.append(
            html.Details(
                className="data-notes",
                children=[
                    html.Summary(f"{count} note{'s' if count > 1 else ''} on reading it"),
                    *[html.Div(note, className="hint") for note in dataset.notes],
                ],
            )
        )
    return [html.Div(dataset.name, className="data-name"), html.Div(shape), *notes]


def chosen_options(features, label, missing, scaling, read_as) -> LoadOptions:
    """The option controls' values as :class:`LoadOptions`."""
    return LoadOptions(
        feature_columns=tuple(features or ()),
        label_column=None if label in (None, NO_LABEL) else label,
        missing=missing or "drop",
        scaling=scaling or "none",
        read_as=read_as or AUTO,
    )


def panel_for(table: Table, options: LoadOptions) -> dict:
    """The option controls for a newly read table: its columns, and the choices resolved for it.

    Returns
    -------
    dict
        Values for the keys of :data:`FILE_OUTPUTS` that describe the panel.
    """
    resolved = plan(table, options)
    return {
        "panel_hidden": False,
        "panel_title": f"· {table.filename}" + (f" [{table.sheet}]" if len(table.sheets) > 1 else ""),
        "sheet_menu": sheet_menu(table.sheets),
        "sheet": table.sheet,
        "sheet_hidden": len(table.sheets) < 2,
        "read_as": resolved.read_as,
        "read_as_hidden": not resolved.detection.possible,
        "feature_menu": feature_menu(resolved.columns.numeric, resolved.columns.other),
        "features": list(resolved.features),
        "label_menu": label_menu(list(table.frame.columns)),
        "label": resolved.label or NO_LABEL,
        "missing": options.missing,
    }


def linkage_for(dataset: Dataset, method, metric) -> dict:
    """Method and metric values that go with the new data (see ``values_for_data``)."""
    new_method, new_metric = values_for_data(dataset.is_distance_matrix, method, metric)
    return {"method": new_method, "metric": new_metric}


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
    "missing": Output(ids.MISSING, "value"),
    "method": Output(ids.METHOD, "value", allow_duplicate=True),
    "metric": Output(ids.METRIC, "value", allow_duplicate=True),
    "scaling": Output(ids.SCALING, "value", allow_duplicate=True),
    "pending": Output(ids.PENDING, "data", allow_duplicate=True),
}


# The data panel: everything that says which dataset is loaded and how it was read.
# A cancel writes all of it back (callbacks/linkage.py: restore_after_cancel).
PANEL_OUTPUTS = {
    "data_ref": Output(ids.DATA_REF, "data", allow_duplicate=True),
    "summary": Output(ids.DATA_SUMMARY, "children", allow_duplicate=True),
    "example": Output(ids.DATASET, "value", allow_duplicate=True),
    "example_placeholder": Output(ids.DATASET, "placeholder", allow_duplicate=True),
    "table_ref": Output(ids.TABLE_REF, "data", allow_duplicate=True),
    "panel_hidden": Output(ids.DATA_OPTIONS, "hidden", allow_duplicate=True),
    "panel_title": Output(ids.DATA_OPTIONS_TITLE, "children", allow_duplicate=True),
    "sheet_menu": Output(ids.SHEET, "options", allow_duplicate=True),
    "sheet": Output(ids.SHEET, "value", allow_duplicate=True),
    "sheet_hidden": Output(ids.SHEET_FIELD, "hidden", allow_duplicate=True),
    "read_as": Output(ids.READ_AS, "value", allow_duplicate=True),
    "read_as_hidden": Output(ids.READ_AS_FIELD, "hidden", allow_duplicate=True),
    "feature_menu": Output(ids.FEATURES, "options", allow_duplicate=True),
    "features": Output(ids.FEATURES, "value", allow_duplicate=True),
    "label_menu": Output(ids.LABEL, "options", allow_duplicate=True),
    "label": Output(ids.LABEL, "value", allow_duplicate=True),
    "missing": Output(ids.MISSING, "value", allow_duplicate=True),
    "scaling": Output(ids.SCALING, "value", allow_duplicate=True),
}


def panel_of(store: SessionStore, ref: DataRef) -> dict:
    """The data panel for a stored dataset, as the data callbacks left it when they loaded it.

    A built-in example gets its menu entry and scaling, and the file options
    hidden and blank. A file gets its stored table back, with the menus of
    that table and the columns, label, missing-value policy, reading and
    scaling that made the dataset (from its provenance and the record of
    :func:`put_file_dataset`).

    Parameters
    ----------
    store : SessionStore
    ref : DataRef
        The dataset to show, e.g. the one of the tree on screen.

    Returns
    -------
    dict
        A value for every key of :data:`PANEL_OUTPUTS` but ``data_ref``.

    Raises
    ------
    SessionExpiredError
        If the dataset, its table or the record of its table is gone.
    loaders.DataError
        If the stored table no longer fits the recorded choices.
    """
    dataset = store.dataset(ref)
    provenance = dataset.provenance
    if provenance.get("source") != "file":
        return {
            **blank_file_options(),
            "summary": data_summary(dataset),
            "example": provenance.get("key"),
            "example_placeholder": None,
            "table_ref": None,
            "scaling": provenance.get("scaling", "none"),
        }
    source = store.recall(ref, source_record_key(dataset))
    table = store.table(ref.session_id, source["table"])
    options = LoadOptions(
        feature_columns=tuple(provenance["feature_columns"]),
        label_column=provenance["label_column"],
        missing=provenance["missing"],
        scaling=source["scaling"],
        read_as="distances" if provenance["distance_matrix"] else "observations",
    )
    return {
        **panel_for(table, options),
        "summary": data_summary(dataset),
        "example": None,
        "example_placeholder": f"Uploaded: {table.filename}",
        "table_ref": _table_ref(table),
        "scaling": options.scaling,
    }


def put_file_dataset(store: SessionStore, session_id: str, dataset: Dataset, table: Table, scaling) -> DataRef:
    """Store a dataset read from a file, and which table and scaling choice it came from.

    The dataset's provenance holds the other choices; the record lets
    :func:`panel_of` bring the whole panel back for this dataset.
    """
    ref = store.put_dataset(session_id, dataset)
    store.remember(ref, source_record_key(dataset), {"table": table.key, "scaling": scaling or "none"})
    return ref


def already_loaded(store: SessionStore, data_ref: dict | None, dataset: Dataset) -> bool:
    """True when ``DATA_REF`` already names ``dataset``, made with the same choices.

    A cancel or an opened address writes the data controls, which trigger
    the data callbacks; loading the same dataset again would redraw the
    tree and replace the message for nothing.
    """
    ref = DataRef.from_store(data_ref)
    if ref is None or ref.data_key != dataset.fingerprint:
        return False
    try:
        return store.dataset(ref).provenance == dataset.provenance
    except SessionExpiredError:
        return False


def source_record_key(dataset: Dataset) -> tuple[str, str]:
    """The key of a file dataset's source record: one per distinct provenance of the same data."""
    provenance = json.dumps(dataset.provenance, sort_keys=True, default=str)
    return "file-source", hashlib.sha256(provenance.encode()).hexdigest()[:16]


def _table_ref(table: Table) -> dict:
    return {"table": table.key, "filename": table.filename}


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
                table = parse_file(raw, filename, _waiting_sheet(pending))
            except USER_ERRORS as error:
                # Keep the current dataset and result; clear the contents so the
                # same file can be dropped again once fixed.
                return file_reply(message=error_message(error, "Could not use the upload: "), contents=None)
            return new_table(table, raw, scaling, session_id, method, metric, pending)
        if not table_ref:
            raise PreventUpdate  # no uploaded file: the scaling is for an example
        try:
            table = store.table(session_id, table_ref["table"])
            if trigger == ids.SHEET:
                if sheet == table.sheet or table.raw is None:
                    raise PreventUpdate
                table = parse_file(table.raw, table.filename, sheet)
                return new_table(table, table.raw, scaling, session_id, method, metric, None)
            dataset = prepare(table, chosen_options(features, label, missing, scaling, read_as))
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

    def new_table(table: Table, raw: bytes, scaling, session_id, method, metric, pending) -> tuple:
        """Store a newly read table, fill the option controls for it and try its reading.

        The reading is the default one, or the one of a view that waits for
        this very file (an opened link or session); then that view's linkage
        comes with it and the view is no longer waiting for a file.
        """
        store.put_table(session_id, table)
        if len(raw) <= MAX_DATA_BYTES:
            store.put_upload_bytes(session_id, table.key, raw)
        table_ref = _table_ref(table)
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


def explicit_linkage(dataset: Dataset, method: str, metric: str) -> dict:
    """The method and metric to show with the data: the given ones, or what the data needs instead."""
    new_method, new_metric = values_for_data(dataset.is_distance_matrix, method, metric)
    return {
        "method": method if new_method is no_update else new_method,
        "metric": metric if new_metric is no_update else new_metric,
    }


def _waiting_sheet(pending: dict | None) -> str | None:
    """The sheet a waiting view reads its upload from (None: the first)."""
    waiting = waiting_upload(pending)
    return waiting.source.sheet if waiting is not None else None


def _failed(error: Exception, filename: str | None) -> list:
    return [*error_message(error, f"Could not use {filename or 'the file'}: "), *message(RETRY_HINT)]
