"""Keep the method and metric menus compatible with each other."""

from __future__ import annotations

from dash import Dash, Input, Output, html

from components import ids
from components.layout import method_options, metric_options
from hclust import LINKAGE_METHODS
from hclust.options import EUCLIDEAN


def method_help(method: str) -> str:
    """One line on the chosen method, and the euclidean rule where it applies."""
    chosen = LINKAGE_METHODS.get(method)
    if chosen is None:
        return ""
    rule = " Defined only for euclidean distances." if chosen.needs_euclidean else ""
    return f"{chosen.description}{rule}"


def register(app: Dash) -> None:
    """Register the option-menu callbacks on ``app``."""

    @app.callback(
        Output(ids.METRIC, "options"),
        Output(ids.METHOD_HELP, "children"),
        Input(ids.METHOD, "value"),
    )
    def restrict_metrics(method):
        notes = [html.Span(method_help(method))]
        if LINKAGE_METHODS.get(method) and not LINKAGE_METHODS[method].needs_euclidean:
            notes.append(html.Span(" ward, centroid and median need the euclidean metric.", className="muted"))
        return metric_options(method), notes

    @app.callback(Output(ids.METHOD, "options"), Input(ids.METRIC, "value"), prevent_initial_call=True)
    def restrict_methods(metric):
        return method_options(metric or EUCLIDEAN)
