"""Methods side by side: two to four linkage methods on the same data at the same k."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from dash import dcc, html

from components import ids
from hclust import LINKAGE_METHODS
from hclust.methods import MAX_COMPARED, MIN_COMPARED, MethodComparison, unavailable_reason
from hclust.options import EUCLIDEAN

HINT = f"Choose {MIN_COMPARED} to {MAX_COMPARED} methods, e.g. single and ward on the moons example."
SMALL_GRAPH_CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False, "showTips": False}
# Spinners only for slow work (new trees), not for every redraw.
LOADING_DELAY_MS = 500
# The strongest ARI cell is this much accent color on white (text stays dark on it).
_MAX_SHADE_PERCENT = 45


def compare_panel() -> html.Section:
    """The side-by-side card: the method checklist, the grid, the ARI table and the note.

    Hidden until a tree is shown; nothing is computed until methods are chosen.
    """
    return html.Section(
        id=ids.COMPARE_PANEL,
        className="card compare-panel",
        hidden=True,
        **{"aria-label": "Linkage methods side by side"},
        children=[
            # What the grid shows (data, metric, k, methods), so an unchanged view redraws nothing.
            dcc.Store(id=ids.COMPARE_SHOWN),
            html.Div(
                className="compare-header",
                children=[
                    html.H3("Methods side by side"),
                    html.Span(
                        "Same data, metric and number of clusters as the main view: only the linkage method changes.",
                        className="hint",
                    ),
                ],
            ),
            dcc.Checklist(
                id=ids.COMPARE_METHODS,
                options=method_choices(EUCLIDEAN, []),
                value=[],
                inline=True,
                className="compare-methods",
                inputClassName="compare-check",
            ),
            dcc.Loading(
                html.Div(id=ids.COMPARE_GRID, className="compare-grid"),
                delay_show=LOADING_DELAY_MS,
                type="circle",
            ),
            html.Div(id=ids.COMPARE_ARI, className="compare-ari"),
            html.Div(id=ids.COMPARE_NOTE, className="compare-note", children=html.P(HINT, className="hint")),
        ],
    )


def method_choices(metric: str, chosen: Sequence[str] | None) -> list[dict]:
    """The checklist options: every method, off with the reason where the metric rules it out.

    Once :data:`MAX_COMPARED` are chosen, the others are off too, until one is untaken.
    """
    chosen = set(chosen or ())
    full = len(chosen) >= MAX_COMPARED
    options = []
    for method in LINKAGE_METHODS.values():
        reason = unavailable_reason(method.name, metric)
        # The short name fits all seven on one row; the title gives the full label and what it does.
        label, title = method.name, f"{method.label}: {method.description}"
        if reason:
            label += " (euclidean only)" if metric != "precomputed" else " (needs coordinates)"
            title = f"{method.name} {reason}"
        elif full and method.name not in chosen:
            title = f"At most {MAX_COMPARED} methods at a time: untick one first."
        options.append(
            {
                "label": html.Span(label, title=title),
                "value": method.name,
                "disabled": bool(reason) or (full and method.name not in chosen),
            }
        )
    return options


def graph_id(kind: str, method: str) -> str:
    """The id of a small graph in the grid: ``kind`` is ``"dendrogram"`` or ``"scatter"``."""
    return f"{ids.COMPARE_GRID}-{kind}-{method}"


def method_card(
    method: str,
    cophenetic: str,
    figures: tuple[go.Figure, go.Figure],
    clusters,
    main: bool,
    estimate: str = "",
    estimate_title: str = "",
) -> html.Article:
    """One method in the grid: its name and cophenetic correlation, both figures, its clusters, what it does.

    Parameters
    ----------
    method : str
    cophenetic : str
        The coefficient as the main view shows it (5 decimals, or an estimate "0.8123 ± 0.0008").
    figures : tuple of (dendrogram, scatter)
    clusters : Dash component
        The cluster chips (color and size of each cluster).
    main : bool
        This is the main view's method.
    estimate, estimate_title : str
        For an estimate: how it was made ("estimated from 4,000,000 random pairs") and its tooltip.
    """
    entry = LINKAGE_METHODS[method]
    dendrogram, scatter = figures
    title = [html.Span(entry.label, className="compare-method")]
    if main:
        title.append(html.Span("main view", className="compare-main", title="The method of the main view"))
    return html.Article(
        className="compare-item",
        children=[
            html.H4(title),
            html.P(
                ["cophenetic ", html.B(cophenetic)]
                + ([" ", html.Span(estimate, className="compare-estimate", title=estimate_title)] if estimate else []),
                className="compare-cophenetic",
            ),
            _small_graph(graph_id("dendrogram", method), dendrogram),
            _small_graph(graph_id("scatter", method), scatter),
            html.Div(clusters, className="compare-clusters"),
            html.P(entry.description, className="compare-description"),
        ],
    )


def _small_graph(component_id: str, figure: go.Figure) -> dcc.Graph:
    # A responsive graph takes its container's height: give it the figure's own.
    return dcc.Graph(
        id=component_id,
        figure=figure,
        config=SMALL_GRAPH_CONFIG,
        className="small",
        style={"height": f"{figure.layout.height}px"},
    )


def ari_table(comparison: MethodComparison) -> list:
    """The adjusted Rand index of every pair of partitions, as a small symmetric table."""
    if len(comparison.methods) < MIN_COMPARED:
        return []
    names = [LINKAGE_METHODS[m].label for m in comparison.methods]
    header = html.Tr([html.Th(""), *(html.Th(name, scope="col") for name in names)])
    rows = [
        html.Tr(
            [
                html.Th(name, scope="row"),
                *(_ari_cell(names[i], names[j], comparison.ari[i, j]) for j in range(len(names))),
            ]
        )
        for i, name in enumerate(names)
    ]
    caption = (
        f"Adjusted Rand index of the partitions at k = {comparison.k}: "
        "1 = the same clusters, about 0 = no more alike than chance."
    )
    return [html.Table([html.Caption(caption), html.Thead(header), html.Tbody(rows)], className="compare-ari-table")]


def _ari_cell(row: str, column: str, value: float) -> html.Td:
    if row == column:
        return html.Td("1", className="diagonal", title=f"{row} with itself")
    shade = round(_MAX_SHADE_PERCENT * min(max(value, 0.0), 1.0))
    return html.Td(
        f"{value:.3f}",
        title=f"{row} vs {column}: adjusted Rand index {value:.5f}",
        style={"background": f"color-mix(in srgb, var(--accent) {shade}%, white)"},
    )
