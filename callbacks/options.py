"""Keep the method and metric menus compatible with each other and with the data.

Observations get the full menus (ward, centroid and median only with the
euclidean metric). A distance matrix gets a single metric, "precomputed
distances", and the methods that need coordinates switched off with the reason.

On large data the method menu says what an exact tree of each method would
cost there, and when single linkage is the only exact method that is quick
(its minimum-spanning-tree path, ``hclust/mst.py``), the help line says so,
with the way to use the others (an approximate tree). "Large" is the one
rule of ``Settings.asks_first``: some method's exact tree would be asked
about before it starts.
"""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update

from callbacks.common import USER_ERRORS
from callbacks.estimates import cost_here
from components import ids
from components.layout import method_options, metric_options
from config import Settings
from hclust import LINKAGE_METHODS
from hclust.estimate import describe, duration_text
from hclust.options import EUCLIDEAN
from hclust.tree import PRECOMPUTED
from state.refs import DataRef
from state.session_store import SessionStore

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


def sized_menus(method: str | None, metric: str | None, shape: tuple[int, int] | None, settings: Settings) -> tuple:
    """:func:`menus`, with each method's exact cost on data of ``shape`` (n, d) where some would be asked about.

    Each option's label gains its estimate ("average · exact: about 45 min"),
    and the help line names the quick exact methods, or says there are none.
    """
    method_menu, metric_menu, notes = menus(method, metric)
    if shape is None or metric == PRECOMPUTED:
        return method_menu, metric_menu, notes
    n, d = shape
    budget = settings.memory_budget_mb * 1_000_000
    costs = {}
    for option in method_menu:
        if not option["disabled"]:
            estimate = cost_here(n, d, option["value"], metric or EUCLIDEAN, settings)
            costs[option["value"]] = (estimate, settings.asks_first(estimate.seconds, estimate.peak_bytes))
    if not any(slow for _, slow in costs.values()):
        return method_menu, metric_menu, notes
    for option in method_menu:
        if option["value"] in costs:
            estimate = costs[option["value"]][0]
            cost = "over the memory budget" if estimate.peak_bytes > budget else duration_text(estimate.seconds)
            option["label"] = f"{option['label']} · {cost}"
            option["title"] = f"{option['title']} An exact tree here: {describe(estimate)}."
    quick = [name for name, (_, slow) in costs.items() if not slow]
    if quick:
        names = quick[0] if len(quick) == 1 else f"{', '.join(quick[:-1])} and {quick[-1]}"
        words = f"only {names} linkage is" if len(quick) == 1 else f"{names} linkage are"
        notes.append(html.Span(f" At {n:,} samples {words} exact and quick here.", className="block"))
    else:
        notes.append(html.Span(f" At {n:,} samples every exact tree takes long here.", className="block"))
    notes.append(html.Span(" For the others, choose an approximate tree under Tree.", className="muted"))
    return method_menu, metric_menu, notes


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the option-menu callback on ``app``."""

    @app.callback(
        Output(ids.METHOD, "options"),
        Output(ids.METRIC, "options"),
        Output(ids.METHOD_HELP, "children"),
        Input(ids.METHOD, "value"),
        Input(ids.METRIC, "value"),
        Input(ids.DATA_REF, "data"),
    )
    def keep_menus_compatible(method, metric, data_ref):
        ref = DataRef.from_store(data_ref)
        shape = None
        if ref is not None:
            try:
                dataset = store.dataset(ref)
                shape = (dataset.n_samples, dataset.n_features)
            except USER_ERRORS:
                shape = None  # the data panel says why; the menus stay plain
        return sized_menus(method, metric, shape, settings)
