"""Methods side by side: the chosen methods' trees of the view's data, each cut at the view's k.

One callback follows the view (its data, metric and k) and the checklist.
Trees come from the session store, so a method already built (the main
view's, or one compared before) costs nothing. New trees are estimated
first (:func:`hclust.estimate.estimate_tree`, the main view's rule and
memory budget) and only those that fit :data:`BUDGET_SECONDS` together are
built in the request; the note names the others, with the numbers.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, reply_in_order
from callbacks.estimates import check_estimate  # the main view's estimate and memory rule: both refuse alike
from callbacks.render import ViewState, cluster_summary, scatter_is_image
from callbacks.show import cophenetic_text
from components import ids
from components.compare_panel import HINT, ari_table, method_card, method_choices
from config import Settings
from figures.compare import first_cut_slots, small_dendrogram, small_image_scatter, small_scatter
from hclust import ClusteringError, Tree, color_links
from hclust.dendrogram import DEFAULT_TRUNCATE_P
from hclust.estimate import describe
from hclust.methods import MIN_COMPARED, MethodComparison, compare_methods, usable_methods, within_budget
from hclust.tree import PRECOMPUTED
from state.session_store import EXACT, SessionStore

# The most seconds of new trees one request may build (by the estimate).
BUDGET_SECONDS = 3.0
# The small dendrograms show the last 12 merges, as the main one does by default.
COMPARE_P = DEFAULT_TRUNCATE_P
COLORS_NOTE = (
    "Colors run left to right along each tree, so one color need not be the same group in two methods; "
    "the table compares the groups themselves."
)
ESTIMATE_NOTE = (
    "A cophenetic correlation marked ± is estimated from random pairs of samples (the exact one would take "
    "too long here), with half its 95% confidence interval; the main tree's exact value is a click away "
    "('Exact value', next to its number above)."
)
SLOW_ADVICE = (
    "Trees built here are kept, so the next redraw (another k) builds the next ones within the same budget. "
    "Or show one as the main tree (step 2, Linkage), where a slow tree is built in the background: "
    "then it appears here at once."
)

COMPARE_OUTPUTS = {
    "hidden": Output(ids.COMPARE_PANEL, "hidden"),
    "options": Output(ids.COMPARE_METHODS, "options"),
    "grid": Output(ids.COMPARE_GRID, "children"),
    "ari": Output(ids.COMPARE_ARI, "children"),
    "note": Output(ids.COMPARE_NOTE, "children"),
    "shown": Output(ids.COMPARE_SHOWN, "data"),
}


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the side-by-side callback on ``app``."""
    # The main view's memory budget and WebGL threshold, as app.py configures them.

    @app.callback(
        *COMPARE_OUTPUTS.values(),
        Input(ids.PANEL_VIEWS["compare"], "data"),  # every cut with two methods chosen (callbacks/gates.py)
        Input(ids.COMPARE_METHODS, "value"),
        Input(ids.COPHENETIC, "children"),  # the main tree's exact value replacing its estimate
        State(ids.COMPARE_SHOWN, "data"),
        State(ids.VIEW, "data"),  # the view itself: the store above is a trigger, fed by the gate
    )
    def show_comparison(_fed, chosen, main_cophenetic, shown, view_data):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate  # no tree shown yet: the card stays hidden
        signature = {**shown_signature(view, chosen), "cophenetic": main_cophenetic}
        if signature == shown:
            raise PreventUpdate  # the cut moved within the same k: the grid is still right
        reply = {"hidden": False, "options": method_choices(view.metric, chosen), "shown": signature}
        try:
            usable, left_out = usable_methods(chosen, view.metric)
            if len(usable) < MIN_COMPARED:
                return _reply(**reply, grid=[], ari=[], note=choose_note(usable, left_out))
            build, too_slow, too_large = affordable(store, view, usable, settings)
            left_out = {**left_out, **too_large}
            if not build:
                return _reply(**reply, grid=[], ari=[], note=comparison_note(None, view, left_out, too_slow))
            trees = [store.tree(view.ref, method, view.metric, mode=view.tree_mode) for method in build]
            comparison = compare_methods(trees, view.k)
            grid = method_cards(store, view, comparison, trees, settings)
        except USER_ERRORS as error:
            return _reply(**reply, grid=[], ari=[], note=error_message(error, "Cannot compare the methods: "))
        note = comparison_note(comparison, view, left_out, too_slow, any(not t.cophenetic_is_exact for t in trees))
        return _reply(**reply, grid=grid, ari=ari_table(comparison), note=note)


def _reply(**values) -> tuple:
    return reply_in_order(COMPARE_OUTPUTS, values, "compare")


def shown_signature(view: ViewState, chosen) -> dict:
    """Everything the grid depends on: the same signature means the same grid."""
    return {
        "session": view.session,
        "data": view.data,
        "metric": view.metric,
        "tree_mode": view.tree_mode,
        "k": view.k,
        "main": view.method,
        "methods": sorted(chosen or ()),
        "theme": view.theme.name,
    }


def affordable(
    store: SessionStore, view: ViewState, methods: tuple[str, ...], settings: Settings
) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """The methods whose trees are built or fit the budget, and why each other one is not built.

    Returns
    -------
    build : tuple of str
        In the order of ``methods``.
    too_slow : dict of str to str
        Method -> its estimate, for trees over :data:`BUDGET_SECONDS` together.
    too_large : dict of str to str
        Method -> the main view's message, for trees over the memory budget.
    """
    seconds, estimates, too_large = {}, {}, {}
    for method in methods:
        if store.has_tree(view.ref, method, view.metric, view.tree_mode):
            seconds[method] = 0.0
            continue
        try:
            estimates[method] = check_estimate(store, view.ref, method, view.metric, view.tree_mode, settings)
        except ClusteringError as error:  # over the memory budget
            too_large[method] = str(error)
            continue
        seconds[method] = estimates[method].seconds
    build, slow = within_budget(seconds, BUDGET_SECONDS)
    total = sum(estimate.seconds for estimate in estimates.values())
    too_slow = {
        method: (
            f"its tree would take {describe(estimates[method])}, and the {len(estimates)} new trees "
            f"about {total:.1f} s together, over the {BUDGET_SECONDS:g} s one request may spend on them"
        )
        for method in slow
    }
    return build, too_slow, too_large


def method_cards(
    store: SessionStore, view: ViewState, comparison: MethodComparison, trees: list[Tree], settings: Settings
) -> list:
    """One card per method: its small dendrogram and scatter (an image for large data), colored by its cut."""
    dataset = store.dataset(view.ref)
    projection = store.projection(view.ref)
    webgl = dataset.n_samples > settings.webgl_threshold
    image = scatter_is_image(dataset.n_samples, settings)
    cards = []
    for method, cut, tree in zip(comparison.methods, comparison.cuts, trees):
        geometry = store.geometry(view.ref, method, view.metric, COMPARE_P, mode=view.tree_mode)
        revision = f"{view.data}/{method}/{view.metric}"
        figures = (
            small_dendrogram(tree, geometry, color_links(tree, geometry, cut), cut, revision, view.theme),
            small_image_scatter(projection, cut, revision, view.theme)
            if image
            else small_scatter(projection, cut, dataset.sample_names, webgl, revision, view.theme),
        )
        clusters = cluster_summary(cut, first_cut_slots(cut))
        text = cophenetic_text(tree)
        card = method_card(method, text.value, figures, clusters, method == view.method, text.pairs, text.tooltip)
        cards.append(card)
    return cards


def choose_note(usable: tuple[str, ...], left_out: dict[str, str]) -> list:
    """The note before enough methods are chosen: what to do."""
    lines = [HINT if not usable else f"Choose one more method to compare with {usable[0]}."]
    return message(*lines) + message(*_left_out_lines(left_out), kind="warning")


def comparison_note(
    comparison: MethodComparison | None,
    view: ViewState,
    left_out: dict[str, str],
    too_slow: dict[str, str],
    estimated: bool = False,
) -> list:
    """What the grid shows (k, metric, tree mode, colors, estimated cophenetic correlations), what it leaves out."""
    distances = "the precomputed distances" if view.metric == PRECOMPUTED else f"the {view.metric} metric"
    mode = "" if view.tree_mode == EXACT else " Approximate trees, as in the main view."
    lines = [f"Each tree is cut into k = {view.k} clusters, the main view's number, with {distances}.{mode}"]
    warnings = _left_out_lines(left_out)
    if comparison is not None:
        lines.append(COLORS_NOTE)
    if comparison is not None and estimated:
        lines.append(ESTIMATE_NOTE)
        warnings += [f"{method}: {cut.note}" for method, cut in zip(comparison.methods, comparison.cuts) if cut.note]
    if too_slow:
        warnings += [f"{method} is not built here: {reason}." for method, reason in too_slow.items()]
        warnings.append(SLOW_ADVICE)
    return message(*lines) + message(*warnings, kind="warning")


def _left_out_lines(left_out: dict[str, str]) -> list[str]:
    """A line per method left out: the metric rules it out ("it needs ..."), or the main view's memory rule."""
    return [
        f"{method} is left out: " + (f"it {reason}." if reason.startswith("needs") else f"{reason}.")
        for method, reason in left_out.items()
    ]
