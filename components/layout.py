"""The page: a control sidebar and the linked dendrogram and scatter."""

from __future__ import annotations

import uuid

from dash import dcc, html

from components import ids
from components.aids_panel import aids_panel, criterion_controls
from components.ask_panel import ask_panel
from components.clusters_panel import clusters_panel
from components.compare_panel import compare_panel
from components.cophenetic import cophenetic_estimate, cophenetic_value
from components.data_panel import data_controls
from components.lesson_panel import color_by_control, image_card, lesson_panel
from components.merge_panel import merge_panel
from components.widgets import field, graph_config, section, typed_number
from hclust import LINKAGE_METHODS, METRICS
from hclust.dendrogram import DEFAULT_TRUNCATE_P, MAX_TRUNCATE_P
from hclust.options import DEFAULT_METHOD, DEFAULT_METRIC, EUCLIDEAN

GRAPH_CONFIG = graph_config("lasso2d", "select2d")
DENDROGRAM_CONFIG = graph_config("lasso2d", "select2d", edits={"shapePosition": True})


def build_layout(max_upload_mb: int, session_id: str | None = None) -> html.Div:
    """The whole page, built per page load.

    Parameters
    ----------
    max_upload_mb : int
        Shown in the drop zone, so nobody has to guess the limit.
    session_id : str, optional
        The browser's session (its cookie, see ``factory.session_id``); a
        fresh one when omitted.
    """
    return html.Div(
        id=ids.APP,
        className="app",
        children=[
            dcc.Store(id=ids.DISPLAY),
            dcc.Store(id=ids.SCHEME),
            dcc.Store(id=ids.SESSION, data=session_id or uuid.uuid4().hex),
            dcc.Store(id=ids.ADDRESS_IN),
            dcc.Store(id=ids.ADDRESS),
            dcc.Store(id=ids.ADDRESS_WRITTEN),
            dcc.Store(id=ids.PENDING),
            dcc.Store(id=ids.OPENED),
            dcc.Store(id=ids.MERGE_WANTED),
            dcc.Download(id=ids.DOWNLOAD_SESSION),
            dcc.Store(id=ids.DATA_REF),
            dcc.Store(id=ids.VIEW),
            dcc.Store(id=ids.GRAPH_CUT),
            dcc.Store(id=ids.NODE_PICK),
            dcc.Store(id=ids.TREE_JOB),
            dcc.Store(id=ids.ASK),
            dcc.Store(id=ids.ZOOM),
            *[
                dcc.Store(id=store)
                for store in (*ids.AID_VIEWS.values(), *ids.LESSON_VIEWS.values(), *ids.PANEL_VIEWS.values())
            ],
            dcc.Store(id=ids.DATA_TRAITS),
            dcc.Store(id=ids.ELBOW_SHOWN),
            dcc.Store(id=ids.SILHOUETTE_SHOWN),
            header(),
            html.Div(
                className="body",
                children=[
                    html.Aside(
                        id="sidebar",
                        className="sidebar",
                        children=[data_controls(max_upload_mb), linkage_controls(), display_controls()],
                    ),
                    html.Main(
                        className="main",
                        children=[
                            # The stage: what a projector shows on one screen in presentation mode.
                            html.Div(
                                className="stage", children=[results_strip(), ask_panel(), job_progress(), graphs()]
                            ),
                            html.Div(
                                className="analysis",
                                children=[
                                    merge_panel(),
                                    compare_panel(),
                                    aids_panel(),
                                    lesson_panel(),
                                    clusters_panel(),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )


def header() -> html.Header:
    """Title bar."""
    return html.Header(
        className="header",
        children=[
            html.H1("hclust-explorer"),
            html.Span("hierarchical clustering, step by step", className="tagline"),
            display_switches(),
            share_controls(),
        ],
    )


def display_switches() -> html.Div:
    """Presentation mode (the projector layout), the theme, and in presentation mode the controls' drawer."""
    return html.Div(
        className="display-switches",
        children=[
            html.Button(
                "☰ Controls",
                id=ids.DRAWER,
                className="button secondary drawer-toggle",
                title="Show or hide the data, linkage and display controls",
                n_clicks=0,
                **{"aria-controls": "sidebar", "aria-expanded": "false"},
            ),
            dcc.Checklist(
                id=ids.PRESENT_MODE,
                options=[
                    {
                        "label": html.Span(
                            " Present", title="Presentation mode: large type and the graphs on one screen"
                        ),
                        "value": "on",
                    }
                ],
                value=[],
                className="switch present-switch",
                inputClassName="switch-input",
            ),
            html.Label("Theme", htmlFor=ids.THEME, className="theme-label"),
            dcc.Dropdown(
                id=ids.THEME,
                options=[
                    {"label": "auto", "value": "auto", "title": "Follow the system's light or dark setting"},
                    {"label": "light", "value": "light"},
                    {"label": "dark", "value": "dark"},
                ],
                value="auto",
                clearable=False,
                searchable=False,
                className="theme-menu",
            ),
        ],
    )


def share_controls() -> html.Div:
    """Copy the view's link; save the view (and a small upload) to a file, and open such a file."""
    return html.Div(
        className="share",
        children=[
            html.Span(id=ids.COPY_LINK_STATUS, className="share-status", role="status", **{"aria-live": "polite"}),
            _share_button("Copy link", ids.COPY_LINK, "Copy the address of this view: whoever opens it sees it"),
            _share_button(
                "Save session", ids.SAVE_SESSION, "Download this view as a file (with the uploaded data, up to 5 MB)"
            ),
            dcc.Upload(
                html.Button("Open session", className="button secondary", title="Open a file saved with Save session"),
                id=ids.OPEN_SESSION,
                accept=".json,application/json",
                className="open-session",
            ),
        ],
    )


def _share_button(label: str, component_id: str, title: str) -> html.Button:
    return html.Button(label, id=component_id, className="button secondary", title=title, n_clicks=0)


def method_options(metric: str) -> list[dict]:
    """Linkage method options; those needing euclidean say so and are off for other metrics."""
    return [
        {
            "label": f"{m.label} (euclidean only)" if m.needs_euclidean else m.label,
            "value": m.name,
            "title": m.description,
            "disabled": m.needs_euclidean and metric != EUCLIDEAN,
        }
        for m in LINKAGE_METHODS.values()
    ]


def metric_options(method: str) -> list[dict]:
    """Metric options; only euclidean stays on for methods that need it."""
    euclidean_only = LINKAGE_METHODS[method].needs_euclidean if method in LINKAGE_METHODS else False
    return [
        {
            "label": m.label,
            "value": m.name,
            "title": m.description,
            "disabled": euclidean_only and m.name != EUCLIDEAN,
        }
        for m in METRICS.values()
    ]


def linkage_controls() -> html.Section:
    """Step 2: linkage method and distance metric."""
    return section(
        "2",
        "Linkage",
        [
            field(
                "Method",
                dcc.Dropdown(
                    id=ids.METHOD,
                    options=method_options(DEFAULT_METRIC),
                    value=DEFAULT_METHOD,
                    clearable=False,
                    searchable=False,
                ),
                html_for=ids.METHOD,
            ),
            field(
                "Distance metric",
                dcc.Dropdown(
                    id=ids.METRIC,
                    options=metric_options(DEFAULT_METHOD),
                    value=DEFAULT_METRIC,
                    clearable=False,
                    searchable=False,
                ),
                html_for=ids.METRIC,
            ),
            html.Div(id=ids.METHOD_HELP, className="hint"),
            field(
                "Tree",
                dcc.Dropdown(
                    id=ids.TREE_MODE,
                    options=[
                        {"label": "exact (as SciPy)", "value": "exact"},
                        {"label": "approximate: 2,000 k-means representatives", "value": "kmeans-2000"},
                        {"label": "approximate: 2,000 sampled rows", "value": "sample-2000"},
                    ],
                    value="exact",
                    clearable=False,
                    searchable=False,
                ),
                hint="Approximate trees are for data too large for an exact tree.",
                html_for=ids.TREE_MODE,
            ),
        ],
    )


def display_controls() -> html.Section:
    """Step 3: how much of the tree to show and which merges to label."""
    return section(
        "3",
        "Display",
        [
            html.Div(
                className="field-row",
                children=[
                    field(
                        "Leaves shown (p)",
                        typed_number(
                            ids.TRUNCATE_P, whole=True, min=2, max=MAX_TRUNCATE_P, step=1, value=str(DEFAULT_TRUNCATE_P)
                        ),
                        html_for=ids.TRUNCATE_P,
                    ),
                    field(
                        "Label heights above",
                        typed_number(ids.ANNOTATE_ABOVE, min=0, step=1, placeholder="auto"),
                        html_for=ids.ANNOTATE_ABOVE,
                    ),
                ],
            ),
            html.Div(
                "The dendrogram shows the last p merges; a leaf like (33) holds 33 samples, "
                "its grey dots are the merges hidden inside it.",
                className="hint",
            ),
        ],
    )


def results_strip() -> html.Div:
    """The live numbers and the cut controls above the graphs, and the message line."""
    return html.Div(
        className="results",
        children=[
            html.Div(
                className="stats",
                children=[
                    html.Div(
                        className="stat",
                        title="Correlation of the tree's cophenetic distances with the original ones (1 is perfect)",
                        children=[
                            html.Span("Cophenetic correlation", className="stat-label"),
                            cophenetic_value(),
                            html.Span(id=ids.TREE_BADGE, className="badge", hidden=True),
                            cophenetic_estimate(),
                        ],
                    ),
                    html.Div(
                        className="stat cut-field",
                        title="Drag the dashed line, click the dendrogram, or type a height",
                        children=[
                            html.Label("Cut height", htmlFor=ids.CUT_HEIGHT, className="stat-label"),
                            typed_number(ids.CUT_HEIGHT, min=0, step=1),
                        ],
                    ),
                    html.Div(
                        className="stat cut-field",
                        title="Type the number of clusters k; the line moves to a height that gives k",
                        children=[
                            html.Label("Clusters k", htmlFor=ids.N_CLUSTERS, className="stat-label"),
                            typed_number(ids.N_CLUSTERS, whole=True, min=1, step=1),
                        ],
                    ),
                    *criterion_controls(),
                    color_by_control(),
                ],
            ),
            html.Div(id=ids.MESSAGE, className="message", role="status", **{"aria-live": "polite"}),
            html.Button(
                "Retry the tree", id=ids.JOB_RETRY, className="button", hidden=True, n_clicks=0, title="Start it again"
            ),
        ],
    )


def job_progress() -> html.Div:
    """Progress of a long tree computation, with a way out (hidden when idle)."""
    return html.Div(
        id=ids.JOB_BOX,
        className="job-box",
        hidden=True,
        children=[
            html.Progress(id=ids.JOB_PROGRESS, max="100", value="0"),
            html.Span(id=ids.JOB_STATUS, className="job-status", children="Computing the tree…"),
            html.Button("Cancel", id=ids.JOB_CANCEL, className="button", n_clicks=0),
            html.Span("The current result stays until the new one is ready.", className="hint"),
        ],
    )


def graphs() -> html.Div:
    """The dendrogram and the scatter, side by side."""
    return html.Div(
        className="graphs",
        children=[
            html.Div(
                className="card dendrogram-card",
                children=[
                    html.H3(["Dendrogram ", html.Span(id=ids.DENDROGRAM_CAPTION, className="caption")]),
                    dcc.Graph(id=ids.DENDROGRAM, config=DENDROGRAM_CONFIG, className="graph"),
                ],
            ),
            html.Div(
                className="card scatter-card",
                children=[
                    html.Div(
                        className="card-header",
                        children=[
                            html.H3(["Samples ", html.Span(id=ids.SCATTER_CAPTION, className="caption")]),
                            html.Div(id=ids.CLUSTER_SUMMARY, className="cluster-summary"),
                        ],
                    ),
                    # clear_on_unhover: the image scatter's tooltip goes when the pointer leaves.
                    dcc.Graph(id=ids.SCATTER, config=GRAPH_CONFIG, className="graph", clear_on_unhover=True),
                    dcc.Store(id=ids.SCATTER_CUT),
                    dcc.Store(id=ids.SCATTER_FRAME),
                    dcc.Store(id=ids.SCATTER_HOVER),
                    dcc.Tooltip(id=ids.SCATTER_TOOLTIP, direction="right"),
                ],
            ),
            image_card(),
        ],
    )
