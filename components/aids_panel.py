"""The "choose the cut" panel: merge heights, inconsistency, silhouette, k-means.

Every aid marks the current cut, and a suggested k (the button, or a point on
a curve) moves the cut there. The panel also says how each aid can mislead.
"""

from __future__ import annotations

from dash import dcc, html

from components import ids
from components.widgets import graph_config, number_input, typed_number
from hclust.aids import (
    CUT_CRITERIA,
    DEFAULT_ELBOW_MERGES,
    DEFAULT_INCONSISTENCY_DEPTH,
    DEFAULT_INCONSISTENCY_T,
    DEFAULT_MAX_K,
    DISTANCE,
    MAX_ELBOW_MERGES,
    MAX_INCONSISTENCY_DEPTH,
    MAX_SWEEP_K,
    max_coefficient,
)

AIDS_GRAPH_CONFIG = graph_config("lasso2d", "select2d", "autoScale2d")
GRAPH_HEIGHT = "340px"
# Spinners only for slow work (the sweeps of a new tree), not for every cut.
LOADING_DELAY_MS = 500

ELBOW_WEAKNESS = (
    "It never suggests 1 (the acceleration starts at k = 2), and it compares heights from different "
    "branches: groups of very different spread merge at very different heights, so the sharpest jump "
    "can fall inside a wide group instead of between groups. On the harder classic example it suggests "
    "4, though the data has 5 groups."
)


def aids_panel() -> html.Section:
    """The aids for choosing the cut, in tabs, with the elbow's suggestion on top."""
    return html.Section(
        id=ids.AIDS_PANEL,
        className="card aids-panel",
        **{"aria-label": "Aids for choosing the cut"},
        children=[
            # {"k", "aid", "t"}: a k picked on an aid (button or curve), for the cut callback.
            dcc.Store(id=ids.AIDS_PICK),
            html.Div(
                className="aids-header",
                children=[
                    html.H3("Choose the cut"),
                    html.Button(
                        "Elbow suggests k = …",
                        id=ids.SUGGESTED_K,
                        className="suggested-k",
                        title="Cut into the number of clusters the elbow of the merge heights suggests",
                        n_clicks=0,
                    ),
                    html.Span(
                        "Each aid marks the current k with a dashed red line; click a point on a curve to cut there.",
                        className="hint",
                    ),
                ],
            ),
            dcc.Tabs(
                id=ids.AIDS_TABS,
                value="elbow",
                className="aids-tabs",
                children=[
                    dcc.Tab(label="Merge heights", value="elbow", children=_elbow_tab()),
                    dcc.Tab(label="Inconsistency", value="inconsistency", children=_inconsistency_tab()),
                    dcc.Tab(label="Silhouette", value="silhouette", children=_silhouette_tab()),
                    dcc.Tab(label="k-means", value="kmeans", children=_kmeans_tab()),
                ],
            ),
        ],
    )


def criterion_controls() -> list[html.Div]:
    """The cut criterion menu, and t and depth for the inconsistency criterion (shown only for it)."""
    return [
        html.Div(
            className="stat cut-field criterion-field",
            title="How the clusters are made: fcluster's criterion",
            children=[
                html.Label("Cut by", htmlFor=ids.CUT_CRITERION, className="stat-label"),
                dcc.Dropdown(
                    id=ids.CUT_CRITERION,
                    options=[
                        {"label": c.label, "value": c.name, "title": c.description} for c in CUT_CRITERIA.values()
                    ],
                    value=DISTANCE,
                    clearable=False,
                    searchable=False,
                    className="criterion-menu",
                ),
            ],
        ),
        html.Div(
            id=ids.INCONSISTENT_FIELDS,
            className="stat cut-field inconsistent-fields",
            hidden=True,
            children=[
                html.Label("t", htmlFor=ids.CUT_THRESHOLD, className="stat-label"),
                typed_number(ids.CUT_THRESHOLD, min=0, step=0.05, value=DEFAULT_INCONSISTENCY_T),
                html.Label(
                    "depth",
                    htmlFor=ids.CUT_DEPTH,
                    className="stat-label",
                    title="The same depth as the Inconsistency tab's table: either box changes both",
                ),
                depth_input(ids.CUT_DEPTH),
            ],
        ),
    ]


def depth_input(component_id: str) -> dcc.Input:
    """A box for the inconsistency depth: the cut's (:data:`ids.CUT_DEPTH`) or the table's, one setting.

    A text box the server writes (``typed_number``): each box shows the
    view's depth, whichever was typed into.
    """
    return typed_number(
        component_id, whole=True, min=1, max=MAX_INCONSISTENCY_DEPTH, step=1, value=DEFAULT_INCONSISTENCY_DEPTH
    )


def _elbow_tab() -> html.Div:
    return _aid(
        [
            _graph(ids.ELBOW_GRAPH),
        ],
        [
            _control(
                "Last merges (N)",
                number_input(ids.ELBOW_MERGES, min=3, max=MAX_ELBOW_MERGES, step=1, value=DEFAULT_ELBOW_MERGES),
            ),
            html.P(
                [
                    "The last N merge heights, highest first, and their second difference, the ",
                    html.B("acceleration"),
                    ". The elbow is where the heights jump most sharply: k = argmax(acceleration) + 2.",
                ]
            ),
            html.Div(id=ids.ELBOW_NOTE, className="aid-result", role="status"),
            html.P([html.B("Can mislead: "), ELBOW_WEAKNESS], className="caveat"),
        ],
    )


def _inconsistency_tab() -> html.Div:
    return _aid(
        [
            html.Div(id=ids.INCONSISTENCY_TABLE, className="aid-table"),
        ],
        [
            # One setting with the cut's depth (beside t under "Cut by"): either box changes both.
            _control("Depth (shared with the cut)", depth_input(ids.INCONSISTENCY_DEPTH)),
            html.P(
                [
                    html.Code("inconsistent(Z, depth)"),
                    " compares each merge with the links up to depth levels below it: "
                    "coefficient = (height − mean) / std. ",
                    "Rows the current cut splits are marked ✂.",
                ]
            ),
            html.P(
                [
                    html.B("Depends strongly on depth: "),
                    f"at depth 2 no coefficient can exceed {max_coefficient(2):.4f}, "
                    f"at depth 3 {max_coefficient(3):.4f}. ",
                    "To cut by it, choose “inconsistent” under Cut by, above.",
                ],
                className="caveat",
            ),
        ],
    )


def _silhouette_tab() -> html.Div:
    return _aid(
        [
            _graph(ids.SILHOUETTE_GRAPH),
            _graph(ids.SILHOUETTE_CLUSTERS),
        ],
        [
            _control(
                "Largest k",
                number_input(ids.SILHOUETTE_MAX_K, min=2, max=MAX_SWEEP_K, step=1, value=DEFAULT_MAX_K),
            ),
            html.P(
                "How much closer each sample is to its own cluster than to the next one "
                "(1 best, 0 on a border, below 0 probably in the wrong cluster), with the linkage's metric. "
                "Left: the mean for each k (maxclust cuts); right: each cluster of the current cut."
            ),
            _loading_result(ids.SILHOUETTE_NOTE),
        ],
    )


def _kmeans_tab() -> html.Div:
    return _aid(
        [
            _graph(ids.KMEANS_GRAPH),
        ],
        [
            _control(
                "Largest k",
                number_input(ids.KMEANS_MAX_K, min=2, max=MAX_SWEEP_K, step=1, value=DEFAULT_MAX_K),
            ),
            _loading_result(ids.KMEANS_SUMMARY),
            html.P(
                "k-means' own way to choose k: the total squared error falls as k grows; "
                "look for the bend. k-means always uses euclidean distance, whatever the linkage's metric. "
                "To colour the samples by k-means, choose it under Colour by (above the scatter).",
                className="caveat",
            ),
        ],
    )


def _graph(component_id: str) -> dcc.Loading:
    return dcc.Loading(
        dcc.Graph(id=component_id, config=AIDS_GRAPH_CONFIG, className="aid-graph", style={"height": GRAPH_HEIGHT}),
        delay_show=LOADING_DELAY_MS,
        type="circle",
        parent_className="aid-graph-box",
    )


def _control(label: str, control) -> html.Div:
    return html.Div(className="aid-control", children=[html.Label(label, htmlFor=control.id), control])


def _aid(main: list, side: list) -> html.Div:
    """One aid's tab: its graphs or table, and beside them its controls and notes."""
    return html.Div(className="aid", children=[*main, html.Div(className="aid-side", children=side)])


def _loading_result(component_id: str) -> dcc.Loading:
    """An aid's result line, with a spinner while it is computed."""
    return dcc.Loading(
        html.Div(id=component_id, className="aid-result", role="status"), delay_show=LOADING_DELAY_MS, type="dot"
    )


def inconsistency_table_view(table, split, threshold: float | None) -> html.Div:
    """The inconsistency statistics of the top merges as a table.

    Parameters
    ----------
    table : hclust.aids.InconsistencyTable
    split : ndarray of bool
        Per row, whether the current cut separates that merge (marked ✂).
    threshold : float, optional
        t of an inconsistency cut at this depth: coefficients above it are
        emphasised, since they are the merges that cut splits.
    """
    header = html.Tr(
        [
            html.Th("row of Z", title="the merge's row in the linkage matrix Z"),
            html.Th("height"),
            html.Th("mean"),
            html.Th("std"),
            html.Th("count"),
            html.Th("coefficient"),
            html.Th("cut", title="✂: the current cut separates this merge's samples"),
        ]
    )
    rows = []
    for index, row in enumerate(table.rows):
        coefficient = table.coefficient[index]
        above_t = threshold is not None and coefficient > threshold
        rows.append(
            html.Tr(
                className="split" if split[index] else None,
                children=[
                    html.Td(str(int(row))),
                    html.Td(f"{table.heights[index]:.5f}"),
                    html.Td(f"{table.mean[index]:.5f}"),
                    html.Td(f"{table.std[index]:.5f}"),
                    html.Td(str(int(table.count[index]))),
                    html.Td(f"{coefficient:.5f}", className="above-t" if above_t else None),
                    html.Td("✂" if split[index] else ""),
                ],
            )
        )
    children = [
        html.Table(
            className="inconsistency",
            children=[
                html.Caption(f"inconsistent(Z, {table.depth}), top {len(table.rows)} merges, highest first"),
                html.Thead(header),
                html.Tbody(rows),
            ],
        )
    ]
    if threshold is not None:
        children.append(
            html.P(
                f"In red: coefficients above t = {threshold:g}. The inconsistency cut splits these merges "
                "and every merge above them.",
                className="hint",
            )
        )
    return html.Div(children)
