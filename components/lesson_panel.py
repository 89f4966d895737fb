"""The "look inside" panel: the textbook lessons beyond the tree.

Known classes and the scores against them, other algorithms at the same k,
the clustered heatmap, what sets each cluster apart, and the centroids drawn
as images. Each tab is computed only while it is open (``callbacks/lessons.py``).
The image card (an image read as data, redrawn in its clusters' colours)
stands on the stage beside the graphs, since it is the lesson's result.
"""

from __future__ import annotations

import math

from dash import dcc, html

from components import ids
from components.clusters_panel import cluster_swatch, format_number
from components.widgets import graph_config
from hclust.algorithms import COMPARISON_ALGORITHMS, DEFAULT_ALGORITHM
from hclust.profile import describe
from state.view import LESSON_TABS

DEFAULT_LESSON_TAB = "truth"
HEATMAP_SCALE_LABELS = {"value": "value", "zscore": "z-score per column"}
HEATMAP_CONFIG = graph_config("lasso2d", "select2d", "autoScale2d")


def lesson_panel() -> html.Section:
    """Known classes, other algorithms, the heatmap, feature ranking and centroid images, in tabs."""
    return html.Section(
        id=ids.LESSON_PANEL,
        className="card lesson-panel",
        **{"aria-label": "Look inside the clusters"},
        children=[
            html.H3("Look inside the clusters"),
            dcc.Tabs(
                id=ids.LESSON_TABS,
                value=DEFAULT_LESSON_TAB,
                className="aids-tabs lesson-tabs",
                children=[
                    dcc.Tab(label=LESSON_TABS["truth"], value="truth", children=_truth_tab()),
                    dcc.Tab(label=LESSON_TABS["algorithms"], value="algorithms", children=_algorithms_tab()),
                    dcc.Tab(label=LESSON_TABS["heatmap"], value="heatmap", children=_heatmap_tab()),
                    dcc.Tab(label=LESSON_TABS["profile"], value="profile", children=_profile_tab()),
                    dcc.Tab(label=LESSON_TABS["centroids"], value="centroids", children=_centroids_tab()),
                ],
            ),
        ],
    )


def color_by_control() -> html.Div:
    """What colours the samples: the cut's clusters, the true classes, or the other algorithm."""
    return html.Div(
        className="stat cut-field color-by",
        title="What colours the samples (and an image's redrawn picture)",
        children=[
            html.Label("Colour by", htmlFor=ids.COLOR_BY, className="stat-label"),
            dcc.Dropdown(
                id=ids.COLOR_BY,
                options=color_by_options(has_classes=False, algorithm=DEFAULT_ALGORITHM),
                value="tree",
                clearable=False,
                searchable=False,
                className="color-by-menu",
            ),
            dcc.Checklist(
                id=ids.SHOW_CENTROIDS,
                options=[
                    {"label": html.Span(" centroids", title="Mark each cluster's centroid (its mean)"), "value": "on"}
                ],
                value=[],
                className="switch",
                inputClassName="switch-input",
            ),
        ],
    )


def color_by_options(has_classes: bool, algorithm: str) -> list[dict]:
    """The colouring menu; "true classes" is off when the data has none."""
    label = COMPARISON_ALGORITHMS[algorithm].label if algorithm in COMPARISON_ALGORITHMS else algorithm
    return [
        {"label": "clusters of the cut", "value": "tree"},
        {
            "label": "true classes" if has_classes else "true classes (none known)",
            "value": "truth",
            "disabled": not has_classes,
        },
        {"label": f"{label} (other algorithm)", "value": "algorithm", "title": "Chosen under Other algorithms"},
    ]


def image_card() -> html.Div:
    """The picture read as data and the same picture in its clusters' colours (hidden for tables)."""
    return html.Div(
        id=ids.IMAGE_CARD,
        className="card image-card",
        hidden=True,
        children=[
            html.Figure(
                [html.Img(id=ids.ORIGINAL_IMAGE, alt="the original image"), html.Figcaption("original")],
                className="image-pane",
            ),
            html.Figure(
                [
                    html.Img(id=ids.RECOLORED_IMAGE, alt="the image redrawn in its clusters' mean colours"),
                    html.Figcaption(id=ids.IMAGE_NOTE, children="redrawn"),
                ],
                className="image-pane",
            ),
        ],
    )


def _tab(children: list, caveat: str | None = None) -> html.Div:
    """One tab's content, with the caveat that says how its numbers can mislead."""
    return html.Div(
        className="lesson-tab", children=[*children, *([html.P(caveat, className="caveat")] if caveat else [])]
    )


def _truth_tab() -> html.Div:
    return _tab(
        [
            html.Div(id=ids.TRUTH_SCORES, className="scores", role="status"),
            html.Div(id=ids.TRUTH_TABLE, className="contingency-wrap", tabIndex="0"),
        ],
        "The adjusted Rand index is 1 for the same partition and about 0 for chance; normalised mutual "
        "information is 1 for the same partition and 0 for independent ones. Accuracy maps each cluster "
        "to its most common class, so more clusters can only raise it.",
    )


def _algorithms_tab() -> html.Div:
    return html.Div(
        className="lesson-tab",
        children=[
            html.Div(
                className="aid-controls",
                children=[
                    html.Label("Algorithm", htmlFor=ids.COMPARE_ALGORITHM, className="stat-label"),
                    dcc.Dropdown(
                        id=ids.COMPARE_ALGORITHM,
                        options=[
                            {"label": a.label, "value": a.name, "title": a.limits}
                            for a in COMPARISON_ALGORITHMS.values()
                        ],
                        value=DEFAULT_ALGORITHM,
                        clearable=False,
                        searchable=False,
                        className="algorithm-menu",
                    ),
                ],
            ),
            dcc.Loading(
                html.Div(id=ids.ALGORITHM_SCORES, className="scores", role="status"),
                delay_show=500,
                type="dot",
            ),
            html.P(id=ids.ALGORITHM_LIMITS, className="caveat"),
        ],
    )


def _heatmap_tab() -> html.Div:
    return html.Div(
        className="lesson-tab",
        children=[
            html.Div(
                className="aid-controls",
                children=[
                    dcc.RadioItems(
                        id=ids.HEATMAP_SCALE,
                        options=[{"label": f" {label}", "value": key} for key, label in HEATMAP_SCALE_LABELS.items()],
                        value="value",
                        inline=True,
                        className="radio",
                    ),
                    dcc.Checklist(
                        id=ids.HEATMAP_OPTIONS,
                        options=[
                            {"label": " cluster the columns", "value": "columns"},
                            {"label": " optimal leaf ordering", "value": "optimal"},
                        ],
                        value=[],
                        inline=True,
                        className="switch",
                        inputClassName="switch-input",
                    ),
                ],
            ),
            html.Div(id=ids.HEATMAP_NOTE, className="hint", role="status"),
            dcc.Store(id=ids.HEATMAP_DRAWN),
            dcc.Loading(
                dcc.Graph(id=ids.HEATMAP, config=HEATMAP_CONFIG, className="heatmap-graph", style={"height": "560px"}),
                delay_show=500,
                type="dot",
            ),
        ],
    )


def _profile_tab() -> html.Div:
    return _tab(
        [html.Div(id=ids.CLUSTER_PROFILE, className="cluster-profile")],
        "Each feature is ranked by how far the cluster's mean sits from the rest's, in pooled standard "
        "deviations (Cohen's d); p is the two-sided Mann-Whitney U test of the cluster against the rest, "
        "a guide rather than a proof: the clusters were made from these very values.",
    )


def _centroids_tab() -> html.Div:
    return _tab(
        [
            html.Div(id=ids.CENTROID_IMAGES, className="centroid-images"),
            html.Div(id=ids.CENTROID_MEMBERS, className="centroid-members", role="status"),
        ]
    )


MAX_TABLE_CLASSES = 30
MAX_TABLE_CLUSTERS = 50
PROFILE_FEATURES_SHOWN = 5


def contingency_table(scores) -> html.Table:
    """Clusters by true classes (``hclust.truth.TruthScores``): the majority class of each row in bold."""
    classes = scores.classes[:MAX_TABLE_CLASSES]
    header = html.Tr([html.Th("cluster \\ class", scope="col"), *[html.Th(c, scope="col") for c in classes]])
    rows = []
    for index, cluster in enumerate(scores.clusters[:MAX_TABLE_CLUSTERS].tolist()):
        counts = scores.table[index]
        best = int(counts.argmax())
        cells = [
            html.Td(f"{int(count):,}", className="majority" if column == best else None)
            for column, count in enumerate(counts[: len(classes)].tolist())
        ]
        rows.append(html.Tr([html.Th("none" if cluster == 0 else str(cluster), scope="row"), *cells]))
    caption = "Samples of each true class in each cluster; each row's majority class is bold."
    cut_off = len(scores.classes) > MAX_TABLE_CLASSES or scores.clusters.size > MAX_TABLE_CLUSTERS
    if cut_off:
        caption += f" The first {MAX_TABLE_CLUSTERS} clusters and {MAX_TABLE_CLASSES} classes are shown."
    return html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(rows)], className="contingency", id="truth-table-grid"
    )


def profile_view(rankings, slots) -> html.Div:
    """Per cluster: the plain-words summary, then its top features with effect and p-value."""
    blocks = []
    for index, ranking in enumerate(rankings):
        top = range(min(PROFILE_FEATURES_SHOWN, len(ranking.names)))
        rows = [
            html.Tr(
                [
                    html.Td(ranking.names[i]),
                    html.Td(f"{ranking.effect[i]:+.2f}"),
                    html.Td(format_number(ranking.mean_in[i])),
                    html.Td(format_number(ranking.mean_out[i])),
                    html.Td(_p_text(ranking.p_value[i])),
                ]
            )
            for i in top
        ]
        head = html.Tr([html.Th(h, scope="col") for h in ("feature", "d", "mean in", "mean out", "p")])
        swatch = cluster_swatch(int(slots[index]), 0) if index < len(slots) else None
        blocks.append(
            html.Details(
                [
                    html.Summary([swatch, describe(ranking)]),
                    html.Table([html.Thead(head), html.Tbody(rows)], className="profile-table"),
                ],
                className="profile-block",
                open=index < 3,
            )
        )
    return html.Div(blocks)


def _p_text(p: float) -> str:
    if math.isnan(p):  # NaN: the test does not apply (too few samples on one side)
        return "–"
    return "< 0.0001" if p < 1e-4 else f"{p:.2g}"
