"""Step 1 of the sidebar: where the data comes from."""

from __future__ import annotations

from dash import dcc, html

from components import ids
from components.widgets import field, section
from loaders import BUILTIN_DATASETS, DEFAULT_DATASET


def data_controls(max_upload_mb: int) -> html.Section:
    """Step 1: choose a built-in dataset or upload a CSV."""
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
                        html.Strong("Drop a CSV here"),
                        " or click to choose",
                        html.Div(f"numeric columns are the features · up to {max_upload_mb} MB", className="hint"),
                    ]
                ),
                multiple=False,
                accept=".csv,.tsv,.txt,text/csv,text/plain",
            ),
            html.Div(id=ids.DATA_SUMMARY, className="data-summary"),
        ],
    )
