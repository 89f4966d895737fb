"""Aids for choosing the cut (elbow, inconsistency, silhouette, k-means): placeholder slot."""

from __future__ import annotations

from dash import html


def aids_panel() -> html.Div:
    """The "choose the cut" panel below the graphs."""
    return html.Div(className="aids-panel")
