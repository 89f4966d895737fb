"""Step 1 of the sidebar: where the data comes from, and how a file becomes samples."""

from __future__ import annotations

from dash import dcc, html

from components import ids
from components.widgets import field, section
from loaders import BUILTIN_DATASETS, DEFAULT_DATASET, MISSING_POLICIES, READINGS, SCALINGS
from loaders.formats import ACCEPTED_EXTENSIONS
from loaders.images import IMAGE_EXTENSIONS

NO_LABEL = "__none__"
"""The label menu's value for "no label column" (a dropdown value cannot be None)."""
FORMATS_TEXT = "CSV, TSV, Excel, Parquet, JSON; PNG or JPEG images"


def data_controls(max_upload_mb: int) -> html.Section:
    """Step 1: choose a built-in dataset or upload a file, then how to read it."""
    return section(
        "1",
        "Data",
        [
            field(
                "Example dataset",
                dcc.Dropdown(
                    id=ids.DATASET,
                    options=[
                        {"label": d.title, "value": d.key, "title": d.description} for d in BUILTIN_DATASETS.values()
                    ],
                    value=DEFAULT_DATASET,
                    clearable=False,
                    searchable=False,
                ),
                html_for=ids.DATASET,
            ),
            dcc.Upload(
                id=ids.UPLOAD,
                className="upload",
                children=html.Div(
                    [
                        html.Strong("Drop a file here"),
                        " or click to choose",
                        html.Div(f"{FORMATS_TEXT} · up to {max_upload_mb} MB", className="hint"),
                    ]
                ),
                multiple=False,
                # The browser refuses a larger file before sending it; assets/upload.js says why
                # (dcc.Upload itself would drop it silently), and the server refuses larger bodies too.
                max_size=max_upload_mb * 1_000_000,
                accept=",".join((*ACCEPTED_EXTENSIONS, *IMAGE_EXTENSIONS)),
            ),
            html.Div(id=ids.UPLOAD_LIMIT, hidden=True, **{"data-max-bytes": str(max_upload_mb * 1_000_000)}),
            dcc.Store(id=ids.TABLE_REF),
            html.Div(id=ids.DATA_SUMMARY, className="data-summary"),
            file_options(),
            field(
                "Scaling",
                _choices(ids.SCALING, SCALINGS, "none"),
            ),
        ],
    )


def file_options() -> html.Details:
    """How an uploaded table is read: sheet, reading, feature and label columns, missing values.

    Hidden until a file is uploaded; the upload callback fills the menus.
    It starts with :func:`blank_file_options`' values.
    """
    blank = blank_file_options()
    return html.Details(
        id=ids.DATA_OPTIONS,
        className="data-options",
        open=True,
        hidden=blank["panel_hidden"],
        children=[
            html.Summary(
                [
                    "Columns & options ",
                    html.Span(blank["panel_title"], id=ids.DATA_OPTIONS_TITLE, className="options-file"),
                ]
            ),
            html.Div(
                id=ids.SHEET_FIELD,
                hidden=blank["sheet_hidden"],
                children=field(
                    "Sheet",
                    dcc.Dropdown(
                        id=ids.SHEET,
                        options=blank["sheet_menu"],
                        value=blank["sheet"],
                        clearable=False,
                        searchable=False,
                    ),
                    html_for=ids.SHEET,
                ),
            ),
            html.Div(
                id=ids.READ_AS_FIELD,
                hidden=blank["read_as_hidden"],
                children=field(
                    "Read as",
                    _choices(ids.READ_AS, READINGS, blank["read_as"]),
                ),
            ),
            field(
                "Features",
                dcc.Dropdown(
                    id=ids.FEATURES,
                    options=blank["feature_menu"],
                    value=blank["features"],
                    multi=True,
                    closeOnSelect=False,
                    debounce=True,
                    placeholder="numeric columns",
                    maxHeight=260,
                ),
                html_for=ids.FEATURES,
            ),
            field(
                "Labels from",
                dcc.Dropdown(id=ids.LABEL, options=blank["label_menu"], value=blank["label"], clearable=False),
                html_for=ids.LABEL,
            ),
            field(
                "True classes",
                dcc.Dropdown(id=ids.CLASS_COLUMN, options=blank["class_menu"], value=blank["classes"], clearable=False),
                hint="Known classes to score the clusters against; never a feature.",
                html_for=ids.CLASS_COLUMN,
            ),
            html.Div(
                className="missing-field",  # hidden by CSS while the table is read as distances
                children=field(
                    "Missing values",
                    _choices(ids.MISSING, MISSING_POLICIES, blank["missing"]),
                ),
            ),
        ],
    )


def blank_file_options() -> dict:
    """The file options before any upload, and while a built-in example is loaded.

    Returns
    -------
    dict
        The panel's visibility, title, menus and values, keyed as the data
        callbacks name their outputs (``features``, ``label_menu``, ...).
    """
    return {
        "panel_hidden": True,
        "panel_title": "",
        "sheet_menu": [],
        "sheet": None,
        "sheet_hidden": True,
        "read_as": "observations",
        "read_as_hidden": True,
        "feature_menu": [],
        "features": [],
        "label_menu": label_menu([]),
        "label": NO_LABEL,
        "class_menu": class_menu([]),
        "classes": NO_LABEL,
        "missing": "drop",
    }


def feature_menu(numeric: tuple[str, ...], other: tuple[str, ...]) -> list[dict]:
    """Feature options: numeric columns, then the others switched off with the reason."""
    return [{"label": name, "value": name} for name in numeric] + [
        {"label": f"{name} (not numeric)", "value": name, "disabled": True, "title": "only numbers can be features"}
        for name in other
    ]


def label_menu(columns: list[str]) -> list[dict]:
    """Label options: none, or any column."""
    return [{"label": "none (row numbers)", "value": NO_LABEL}] + [{"label": c, "value": c} for c in columns]


def class_menu(columns: list[str]) -> list[dict]:
    """True-class options: none, or any column."""
    return [{"label": "none", "value": NO_LABEL}] + [{"label": c, "value": c} for c in columns]


def sheet_menu(sheets: tuple[str, ...]) -> list[dict]:
    """One option per sheet of a workbook."""
    return [{"label": s, "value": s} for s in sheets]


def _choices(component_id: str, table: dict[str, str], value: str) -> dcc.RadioItems:
    """Inline radio buttons for one option table (value -> label)."""
    return dcc.RadioItems(
        id=component_id,
        options=[{"label": label, "value": key} for key, label in table.items()],
        value=value,
        inline=True,
        className="choices",
    )
