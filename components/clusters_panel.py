"""Inside the clusters: the cluster table, the selected branch, the exports and the Python code."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from dash import dcc, html

from components import ids
from figures.scatter import CLUSTER_SYMBOLS
from figures.style import N_SLOTS, slot_color

MAX_TABLE_ROWS = 50
MAX_TABLE_FEATURES = 40
"""Centroid columns the table draws at most: a wide table (1,000 columns) would freeze the tab."""
MAX_LISTED_SAMPLES = 50
SELECTION_HINT = (
    "Click a merge dot or a leaf of the dendrogram (or a cluster's number in the table) "
    "to light up its samples in the scatter and list them here."
)


def clusters_panel() -> html.Section:
    """The panel below the graphs; the callbacks in ``callbacks/clusters.py`` fill it."""
    return html.Section(
        id=ids.CLUSTERS_PANEL,
        className="card clusters-panel",
        children=[
            dcc.Store(id=ids.SELECTION),
            dcc.Download(id=ids.DOWNLOAD_ASSIGNMENTS),
            dcc.Download(id=ids.DOWNLOAD_LINKAGE),
            dcc.Download(id=ids.DOWNLOAD_SELECTION),
            dcc.Download(id=ids.DOWNLOAD_CODE),
            dcc.Download(id=ids.DOWNLOAD_GROUPED_FILE),
            html.Div(
                className="clusters-head",
                children=[
                    html.H3("Inside the clusters"),
                    html.Div(id=ids.CLUSTER_TABLE_NOTE, className="caption", role="status"),
                ],
            ),
            html.Div(id=ids.CLUSTER_TABLE, className="cluster-table-wrap", tabIndex="0"),
            html.Div(
                className="clusters-lower",
                children=[selection_box(), export_box()],
            ),
            code_box(),
        ],
    )


def selection_box() -> html.Div:
    """The selected branch: its samples and the clusters they are in."""
    return html.Div(
        className="selection-box",
        children=[
            html.H4("Selected branch"),
            html.Div(html.P(SELECTION_HINT, className="hint"), id=ids.SELECTION_LIST, className="selection-list"),
            html.Div(
                className="button-row",
                children=[
                    html.Button(
                        "Download these samples (CSV)", id=ids.EXPORT_SELECTION, className="button", disabled=True
                    ),
                    html.Button("Clear selection", id=ids.CLEAR_SELECTION, className="button secondary", disabled=True),
                ],
            ),
        ],
    )


def export_box() -> html.Div:
    """Download buttons for the assignments and the linkage matrix."""
    return html.Div(
        className="export-box",
        children=[
            html.H4("Export"),
            html.Div(
                className="export-item",
                children=[
                    html.Button("Cluster assignments (CSV)", id=ids.EXPORT_ASSIGNMENTS, className="button"),
                    html.Span("row, label, cluster id and silhouette of every sample, as shown", className="hint"),
                ],
            ),
            html.Div(
                className="export-item",
                children=[
                    html.Button("Clusters, grouped", id=ids.DOWNLOAD_GROUPED, className="button"),
                    dcc.RadioItems(
                        id=ids.GROUPED_FORMAT,
                        options=[
                            {"label": " CSV", "value": "csv"},
                            {"label": " Excel (a sheet per cluster)", "value": "xlsx"},
                        ],
                        value="csv",
                        inline=True,
                        className="radio",
                    ),
                    dcc.Checklist(
                        id=ids.GROUPED_ROWS,
                        options=[{"label": " with the data rows", "value": "on"}],
                        value=[],
                        className="switch",
                        inputClassName="switch-input",
                    ),
                    html.Span(
                        "every cluster's id, size and members (label or row), one after another", className="hint"
                    ),
                ],
            ),
            html.Div(
                className="export-item",
                children=[
                    html.Button("Linkage matrix Z (CSV)", id=ids.EXPORT_LINKAGE, className="button"),
                    html.Span(
                        "idx1, idx2, dist, sample_count per merge, with a header that explains them", className="hint"
                    ),
                ],
            ),
        ],
    )


def code_box() -> html.Div:
    """The Python code that reproduces the view, with copy and download buttons."""
    return html.Div(
        className="code-box",
        children=[
            html.Div(
                className="code-head",
                children=[
                    html.H4("Python code for this view"),
                    html.Span(
                        "pandas + SciPy: reading, columns, scaling, linkage, cophenet, fcluster", className="hint"
                    ),
                    html.Div(
                        className="button-row",
                        children=[
                            dcc.Clipboard(
                                id=ids.COPY_CODE,
                                target_id=ids.PYTHON_CODE,
                                title="Copy the code",
                                className="button copy-button",
                                children="Copy",
                                copied_children="Copied",
                            ),
                            html.Button("Download .py", id=ids.EXPORT_CODE, className="button secondary"),
                        ],
                    ),
                ],
            ),
            html.Pre(id=ids.PYTHON_CODE, className="python-code", tabIndex="0"),
        ],
    )


def cluster_swatch(slot: int | None, shape: int) -> html.Span:
    """A cluster's color in its marker shape, as the scatter draws it.

    ``slot`` None: the colour of the enclosing ``--cluster-color`` (a cluster table's row).
    """
    name = CLUSTER_SYMBOLS[shape % len(CLUSTER_SYMBOLS)][1]
    if slot is None:
        return html.Span(className=f"cluster-swatch shape-{name}")
    return html.Span(className=f"cluster-swatch shape-{name}", style={"background": slot_css(int(slot))})


def slot_css(slot: int) -> str:
    """A palette slot's colour for CSS: the theme's (``--slot-N``, see assets/style.css), else the everyday one."""
    return f"var(--slot-{slot}, {slot_color(slot)})" if 0 <= slot < N_SLOTS else slot_color(slot)


ZERO_WIDTH_SPACE = "\u200b"


def breakable(name: str) -> str:
    """A column name that may wrap after ``_``, ``/``, ``.`` or ``-`` (long feature names in narrow headers).

    The break opportunities are zero-width spaces in the text, not ``<wbr>``
    components: the digits' 64 columns made 1,100 components per table, a
    third of the table callback's time on every cut.
    """
    return re.sub(r"(?<=[_/.\-])(?=.)", ZERO_WIDTH_SPACE, name)


def format_number(value: float) -> str:
    """Four significant digits, thousands separated above 10,000; "–" when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    text = f"{value:.4g}"
    return "0" if text == "-0" else text


def cluster_table(
    sizes: np.ndarray,
    silhouettes: np.ndarray,
    medoid_labels: Sequence[str],
    centroids: np.ndarray,
    feature_names: Sequence[str],
    slots: np.ndarray,
    shapes: np.ndarray,
    roots: np.ndarray,
) -> html.Table:
    """One row per cluster, colored like it: size, mean silhouette, medoid, centroid.

    Parameters
    ----------
    sizes, silhouettes : ndarray, shape (k,)
    medoid_labels : sequence of str, length k
    centroids : ndarray of shape (k, m)
    feature_names : sequence of str, length m
    slots, shapes : ndarray of int, shape (k,)
        Palette slot and marker shape of each cluster.
    roots : ndarray of int, shape (k,)
        Each cluster's top node: its number is a button that selects it.

    Returns
    -------
    html.Table
        At most :data:`MAX_TABLE_ROWS` rows and :data:`MAX_TABLE_FEATURES` centroid columns.
    """
    k = sizes.size
    features = list(feature_names)[:MAX_TABLE_FEATURES]
    head = [
        html.Tr(
            [
                html.Th("Cluster", scope="col", className="sticky"),
                html.Th("Size", scope="col", className="num"),
                html.Th("Mean silhouette", scope="col", className="num", title="scikit-learn silhouette_samples"),
                html.Th("Medoid", scope="col", title="The member with the smallest sum of distances to the others"),
                *[
                    html.Th(breakable(name), scope="col", className="num feature", title=f"mean {name}")
                    for name in features
                ],
            ]
        )
    ]
    if features:
        head.insert(
            0,
            html.Tr(
                [
                    html.Th("", colSpan=4, className="sticky group"),
                    html.Th("Mean of each feature (the centroid)", colSpan=len(features), className="group"),
                ]
            ),
        )
    rows = []
    for index in range(min(k, MAX_TABLE_ROWS)):
        cluster = index + 1
        # A cut sends every row again: the cells carry no classes or styles of their own. The
        # row's --cluster-color paints its swatch, and the columns are styled by place
        # (assets/style.css: .cluster-row td is a number, its 3rd td the medoid).
        rows.append(
            html.Tr(
                className="cluster-row",
                style={"--cluster-color": slot_css(int(slots[index]))},
                children=[
                    html.Th(
                        html.Button(
                            [cluster_swatch(None, int(shapes[index])), str(cluster)],
                            id={"type": ids.CLUSTER_SELECT, "index": int(roots[index])},
                            className="cluster-button",
                            title=f"Select cluster {cluster}: light up its {int(sizes[index])} samples",
                        ),
                        scope="row",
                    ),
                    html.Td(f"{int(sizes[index]):,}"),
                    html.Td(format_number(silhouettes[index])),
                    html.Td(medoid_labels[index], title=medoid_labels[index]),
                    *[html.Td(format_number(v)) for v in centroids[index, : len(features)].tolist()],
                ],
            )
        )
    return html.Table([html.Thead(head), html.Tbody(rows)], className="cluster-table")


def selection_summary(
    title: str,
    sample_labels: Sequence[str],
    n_samples: int,
    clusters: dict[int, int],
    slots: np.ndarray,
    shapes: np.ndarray,
) -> list:
    """The selected branch: what it is, the clusters it falls in, and its first samples.

    Parameters
    ----------
    title : str
        What was selected ("the merge at height 12.3", "leaf 7").
    sample_labels : sequence of str
        Labels (or row indices) of its first samples, in dendrogram order
        (at most :data:`MAX_LISTED_SAMPLES` are listed).
    n_samples : int
        How many samples it has in all.
    clusters : dict of int to int
        ``{cluster id: count}`` of its samples.
    slots, shapes : ndarray of int, shape (k,)
        Palette slot and marker shape of every cluster.
    """
    n = n_samples
    total = sum(clusters.values())
    parts: list = []
    for cluster, count in list(clusters.items())[:12]:
        parts.append(
            html.Span(
                [
                    cluster_swatch(int(slots[cluster - 1]), int(shapes[cluster - 1])),
                    f"cluster {cluster}" + ("" if count == total else f": {count:,}"),
                ],
                className="chip",
            )
        )
    if len(clusters) > 12:
        parts.append(html.Span(f"+{len(clusters) - 12} more clusters", className="chip more"))
    where = "all in" if len(clusters) == 1 else f"in {len(clusters)} clusters"
    shown = list(sample_labels[:MAX_LISTED_SAMPLES])
    items = [html.Li(label) for label in shown]
    if n > len(shown):
        items.append(html.Li(f"+{n - len(shown):,} more", className="more"))
    return [
        html.P(
            [html.Strong(f"{n:,} sample{'s' if n != 1 else ''}"), f" under {title}, {where} ", *parts],
            className="selection-title",
        ),
        html.Ul(items, className="sample-list", **{"aria-label": "samples of the selected branch"}),
    ]
