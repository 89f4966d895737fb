"""Keep the method and metric menus compatible with each other and with the data.

Observations get the full menus (ward, centroid and median only with the
euclidean metric). A distance matrix gets a single metric, "precomputed
distances", and the methods that need coordinates switched off with the reason.
"""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update

from components import ids
from components.layout import method_options, metric_options
from hclust import LINKAGE_METHODS
from hclust.options import EUCLIDEAN
from hclust.tree import PRECOMPUTED

PRECOMPUTED_LABEL = "precomputed distances"
FALLBACK_METHOD = "average"
COORDINATES_RULE = "needs the samples' coordinates, which a distance matrix does not have"


def method_help(method: str) -> str:
    """One line on the chosen method, and the euclidean rule where it applies."""
    chosen = LINKAGE_METHODS.get(method)
    if chosen is None:
        return ""
    rule = " Defined only for euclidean distances." if chosen.needs_euclidean else ""
    return f"{chosen.description}{rule}"


def precomputed_method_options() -> list[dict]:
    """Method options for a distance matrix: those needing coordinates are off, with the reason."""
    return [
        {
            "label": f"{m.label} (needs coordinates)" if m.needs_euclidean else m.label,
            "value": m.name,
            "title": f"{m.name} {COORDINATES_RULE}" if m.needs_euclidean else m.description,
            "disabled": m.needs_euclidean,
        }
        for m in LINKAGE_METHODS.values()
    ]


def precomputed_metric_options() -> list[dict]:
    """The single metric of a distance matrix."""
    return [
        {
            "label": PRECOMPUTED_LABEL,
            "value": PRECOMPUTED,
            "title": "The uploaded table holds the distances; no metric is computed.",
        }
    ]


def values_for_data(is_distance_matrix: bool, method: str | None, metric: str | None) -> tuple:
    """The method and metric values to switch to for new data (``no_update`` where they stay).

    A distance matrix takes the "precomputed" metric and a method that needs
    no coordinates; observations after a distance matrix go back to the
    euclidean metric. The data callbacks return these with the new dataset,
    so the tree is built once, with a valid combination.
    """
    if is_distance_matrix:
        needs_coordinates = method not in LINKAGE_METHODS or LINKAGE_METHODS[method].needs_euclidean
        return (FALLBACK_METHOD if needs_coordinates else no_update), (
            no_update if metric == PRECOMPUTED else PRECOMPUTED
        )
    return no_update, (EUCLIDEAN if metric == PRECOMPUTED else no_update)


def menus(method: str | None, metric: str | None) -> tuple:
    """Both menus and the help line for the current method and metric.

    Returns
    -------
    tuple of (method options, metric options, help children)
    """
    notes = [html.Span(method_help(method))]
    if metric == PRECOMPUTED:
        notes.append(
            html.Span(
                f" With precomputed distances, ward, centroid and median are off: each {COORDINATES_RULE}.",
                className="muted",
            )
        )
        return precomputed_method_options(), precomputed_metric_options(), notes
    if LINKAGE_METHODS.get(method) and not LINKAGE_METHODS[method].needs_euclidean:
        notes.append(html.Span(" ward, centroid and median need the euclidean metric.", className="muted"))
    return method_options(metric or EUCLIDEAN), metric_options(method), notes


def register(app: Dash) -> None:
    """Register the option-menu callback on ``app``."""

    @app.callback(
        Output(ids.METHOD, "options"),
        Output(ids.METRIC, "options"),
        Output(ids.METHOD_HELP, "children"),
        Input(ids.METHOD, "value"),
        Input(ids.METRIC, "value"),
    )
    def keep_menus_compatible(method, metric):
        return menus(method, metric)
