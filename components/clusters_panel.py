"""Inside the clusters (table, selection, export): placeholder slot."""

from __future__ import annotations

from dash import html


def clusters_panel() -> html.Div:
    """The clusters panel below the graphs."""
    return html.Div(className="clusters-panel")
