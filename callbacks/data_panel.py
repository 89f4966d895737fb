"""The data panel: what it shows for a dataset, and the records that let it come back.

The panel is the dataset's summary and, for an uploaded file, the reading
options (sheet, "read as", feature columns, label, missing values) with the
scaling. The data callbacks (:mod:`callbacks.data`) fill it when they load a
dataset; :func:`panel_of` fills it again for a stored dataset (a cancel, an
opened address), from the dataset's provenance and the record that
:func:`put_file_dataset` keeps of its table and scaling.
"""

from __future__ import annotations

import hashlib
import json

from dash import Output, html, no_update

from callbacks.options import values_for_data
from components import ids
from components.data_panel import NO_LABEL, blank_file_options, class_menu, feature_menu, label_menu, sheet_menu
from loaders import AUTO, BUILTIN_DATASETS, Dataset, LoadOptions, Table, plan
from state.refs import DataRef, SessionExpiredError
from state.session_store import SessionStore


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
    return [html.Div(dataset.name, className="data-name"), html.Div(shape), *notes, *lesson_card(dataset)]


def lesson_card(dataset: Dataset) -> list:
    """The "try this" card of a built-in example: the lesson it is there for (none for a file)."""
    provenance = dataset.provenance
    entry = BUILTIN_DATASETS.get(provenance.get("key")) if provenance.get("source") == "builtin" else None
    if entry is None or not entry.lesson:
        return []
    return [html.Div([html.Strong("Try this: "), entry.lesson], className="lesson", role="note")]


def chosen_options(features, label, missing, scaling, read_as, classes=None) -> LoadOptions:
    """The option controls' values as :class:`LoadOptions`."""
    return LoadOptions(
        feature_columns=tuple(features or ()),
        label_column=None if label in (None, NO_LABEL) else label,
        missing=missing or "drop",
        scaling=scaling or "none",
        read_as=read_as or AUTO,
        class_column=None if classes in (None, NO_LABEL) else classes,
    )


def panel_for(table: Table, options: LoadOptions) -> dict:
    """The option controls for a newly read table: its columns, and the choices resolved for it.

    Returns
    -------
    dict
        Values for the keys of :data:`PANEL_OUTPUTS` (and of the file
        callback's ``FILE_OUTPUTS``) that describe the reading options.
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
        "class_menu": class_menu(list(table.frame.columns)),
        "classes": resolved.classes or NO_LABEL,
        "missing": options.missing,
    }


def linkage_for(dataset: Dataset, method, metric) -> dict:
    """Method and metric values that go with the new data (see ``values_for_data``)."""
    new_method, new_metric = values_for_data(dataset.is_distance_matrix, method, metric)
    return {"method": new_method, "metric": new_metric}


def explicit_linkage(dataset: Dataset, method: str, metric: str) -> dict:
    """The method and metric to show with the data: the given ones, or what the data needs instead."""
    new_method, new_metric = values_for_data(dataset.is_distance_matrix, method, metric)
    return {
        "method": method if new_method is no_update else new_method,
        "metric": metric if new_metric is no_update else new_metric,
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
    "class_menu": Output(ids.CLASS_COLUMN, "options", allow_duplicate=True),
    "classes": Output(ids.CLASS_COLUMN, "value", allow_duplicate=True),
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
        class_column=provenance.get("class_column"),
        scaling=source["scaling"],
        read_as="distances" if provenance["distance_matrix"] else "observations",
    )
    return {
        **panel_for(table, options),
        "summary": data_summary(dataset),
        "example": None,
        "example_placeholder": f"Uploaded: {table.filename}",
        "table_ref": table_ref_for(table),
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


def table_ref_for(table: Table) -> dict:
    """The ``TABLE_REF`` store's value for an uploaded table: its key and file name."""
    return {"table": table.key, "filename": table.filename}
