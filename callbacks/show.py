"""Showing a tree: every output a new tree (or a tree of new data) sets, by name.

Shared by the quick path and the background job of ``callbacks/linkage.py``.
The cut of a newly shown tree is the one a waiting view asks for (an opened
address or session, see ``callbacks/address.py``), else the previous cut
carried over (:func:`carry_over_rule`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dash import Output, no_update

from callbacks.address import first_rule, pending_for, restored, still_pending, waits_on
from callbacks.common import error_message, message, reply_in_order
from callbacks.cut import read_typed
from callbacks.render import ViewState, cluster_summary, full_figures
from callbacks.zoom import zoom_caption
from components import ids
from config import Settings
from hclust import ClusteringError, CutRule, Tree
from hclust.cophenetic import interval_text, pairs_text
from hclust.cut import INCONSISTENT
from hclust.dendrogram import MAX_TRUNCATE_P
from hclust.estimate import Estimate, describe, exact_cophenetic_cost
from state.session_store import EXACT, TREE_MODES, SessionStore

VIEW_OUTPUTS = {
    "dendrogram": Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
    "scatter": Output(ids.SCATTER, "figure", allow_duplicate=True),
    "cophenetic": Output(ids.COPHENETIC, "children", allow_duplicate=True),
    "estimate_hidden": Output(ids.COPHENETIC_ESTIMATE, "hidden", allow_duplicate=True),
    "estimate_pairs": Output(ids.COPHENETIC_NOTE, "children", allow_duplicate=True),
    "estimate_tooltip": Output(ids.COPHENETIC_NOTE, "title", allow_duplicate=True),
    "height": Output(ids.CUT_HEIGHT, "value", allow_duplicate=True),
    "k": Output(ids.N_CLUSTERS, "value", allow_duplicate=True),
    "chips": Output(ids.CLUSTER_SUMMARY, "children", allow_duplicate=True),
    "scatter_caption": Output(ids.SCATTER_CAPTION, "children", allow_duplicate=True),
    "view": Output(ids.VIEW, "data", allow_duplicate=True),
    "dendrogram_caption": Output(ids.DENDROGRAM_CAPTION, "children", allow_duplicate=True),
    "badge": Output(ids.TREE_BADGE, "children", allow_duplicate=True),
    "badge_hidden": Output(ids.TREE_BADGE, "hidden", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
    "pending": Output(ids.PENDING, "data", allow_duplicate=True),
    "selection": Output(ids.SELECTION, "data", allow_duplicate=True),
    "traits": Output(ids.DATA_TRAITS, "data", allow_duplicate=True),
    "frame": Output(ids.SCATTER_FRAME, "data", allow_duplicate=True),
}
"""What showing a tree updates; the tree callback adds the job store (``callbacks/linkage.py``)."""


def view_reply(values: dict) -> tuple:
    """The background job's outputs in order; anything not named stays as it is."""
    return reply_in_order(VIEW_OUTPUTS, values, "tree job")


def failed(error: Exception) -> dict:
    """Outputs for a tree that could not be shown: everything stays, the message says why."""
    return {"message": error_message(error)}


UNDEFINED_NOTE = (
    "The cophenetic correlation is undefined here: all merges are at one height "
    "(or all distances are equal), so there is no variation to correlate."
)


@dataclass(frozen=True)
class CopheneticText:
    """A tree's cophenetic correlation as the page shows it.

    Attributes
    ----------
    value : str
        "0.98001" (exact, 5 decimals), "0.8123 ± 0.0008" (an estimate and
        half its 95% interval, to the interval's first digit) or "undefined".
    pairs : str
        Empty when exact, else "estimated from 4,000,000 random pairs".
    tooltip : str
        Empty when exact, else what the estimate is and what the exact value costs.
    warning : str
        Empty, or why the value is undefined (for the message line).
    """

    value: str
    pairs: str = ""
    tooltip: str = ""
    warning: str = ""

    @property
    def estimated(self) -> bool:
        """True when the value is an estimate from random pairs."""
        return bool(self.pairs)


def cophenetic_text(tree: Tree, exact_cost: Estimate | None = None) -> CopheneticText:
    """The tree's cophenetic correlation as shown; an estimate's tooltip gives ``exact_cost``, the exact value's."""
    if not math.isfinite(tree.cophenetic):
        return CopheneticText("undefined", warning=UNDEFINED_NOTE)
    if tree.cophenetic_is_exact:
        return CopheneticText(f"{tree.cophenetic:.5f}")
    pairs, total = tree.cophenetic_pairs, tree.n_samples * (tree.n_samples - 1) // 2
    cost = f" ({describe(exact_cost)} here)" if exact_cost is not None else ""
    tooltip = (
        f"An estimate: Pearson's correlation over {pairs:,} pairs of samples drawn at random from all {total:,}, "
        f"± half its 95% confidence interval. The exact value needs every pair{cost}: "
        "'Exact value' computes it in the background."
    )
    return CopheneticText(interval_text(tree.cophenetic, tree.cophenetic_half_width), pairs_text(pairs), tooltip)


def cophenetic_outputs(text: CopheneticText) -> dict:
    """The value, the estimate's note and its tooltip, by :data:`VIEW_OUTPUTS` name."""
    return {
        "cophenetic": text.value,
        "estimate_hidden": not text.estimated,
        "estimate_pairs": text.pairs,
        "estimate_tooltip": text.tooltip,
    }


def read_truncate_p(value) -> int:
    """Validate the "leaves shown" box (text as typed, or a number); raises ClusteringError with the rule."""
    number = read_typed(value)
    if not isinstance(number, int | float) or not float(number).is_integer() or not 2 <= number <= MAX_TRUNCATE_P:
        raise ClusteringError(f"leaves shown (p) must be a whole number from 2 to {MAX_TRUNCATE_P} (got {value!r})")
    return int(number)


def read_annotate_above(value) -> float | None:
    """Validate the "label heights above" box (empty means automatic)."""
    number = read_typed(value)
    if number is None:
        return None
    if not isinstance(number, int | float) or not math.isfinite(number) or number < 0:
        raise ClusteringError(
            f"'label heights above' must be a height of at least 0, or empty for automatic (got {value!r})"
        )
    return float(number)


def show(store: SessionStore, settings: Settings, view: ViewState, previous_view, new_data: bool, pending) -> dict:
    """All the view outputs for a tree that is (now) in the store, by :data:`VIEW_OUTPUTS` name.

    Parameters
    ----------
    store : SessionStore
    settings : Settings
    view : ViewState
        The view asked for (its cut is made here).
    previous_view : dict or None
        The view on screen, as stored.
    new_data : bool
        The data changed: its reading notes are shown.
    pending : dict or None
        A view waiting for its tree (``callbacks/address.py``); when this is
        its tree, its cut, colours, zoom and selection are shown.
    """
    previous = ViewState.from_store(previous_view)
    ref = view.ref
    tree = store.tree(ref, view.method, view.metric, mode=view.tree_mode)
    dataset = store.dataset(ref)
    wanted = pending_for(pending, ref)
    problems, selection = [], no_update
    if wanted is not None:
        cut, slots, view, problems, selection = restored(tree, view, wanted)
        pending_after = None
    else:
        cut = carry_over_rule(tree, view, previous).apply(tree)
        slots = (previous if view.same_tree_as(previous) else view).slots_for(cut)
        pending_after = still_pending(pending, ref)
    view = view.with_cut(cut, slots)
    dendrogram, scatter, caption = full_figures(store, view, cut, slots, settings)
    notes = dataset.notes if new_data or wanted is not None else ()
    if wanted is not None or waits_on(pending, ref):
        problems = [*pending.get("problems", ()), *problems]  # what the opened address could not use
    coefficient = cophenetic_text(
        tree, exact_cophenetic_cost(tree.n_samples, dataset.n_features, tree.method, tree.metric)
    )
    # An "approximate" mode on data no larger than its representatives gives the exact tree.
    approximate = view.tree_mode != EXACT and dataset.n_samples > TREE_MODES[view.tree_mode][1]
    warnings = [note for note in (" ".join(problems), cut.note, coefficient.warning, tree.note) if note]
    return {
        "dendrogram": dendrogram,
        "scatter": scatter,
        **cophenetic_outputs(coefficient),
        "height": None if view.criterion == INCONSISTENT else cut.height,
        "k": cut.n_clusters,
        "chips": cluster_summary(cut, slots),
        "scatter_caption": caption,
        "view": view.to_store(),
        "dendrogram_caption": zoom_caption(store, view),
        "badge": "approximate" if approximate else "",
        "badge_hidden": not approximate,
        "message": message(*notes, *warnings, kind="warning" if warnings else "info"),
        "pending": pending_after,
        "selection": selection,
        "traits": {"classes": dataset.classes is not None, "image": dataset.image is not None},
        "frame": None,  # a new scatter shows the whole data
    }


def carry_over_rule(tree: Tree, view: ViewState, previous: ViewState | None) -> CutRule:
    """The cut rule for a new view: the elbow's k for new data, else the same criterion again.

    An inconsistency cut is made again with the same t and depth (when the
    new view carries that criterion). A height or k cut keeps its height for
    the same tree (only the drawing changed) and its k for a new method or
    metric, whose heights are not comparable.
    """
    if previous is None or previous.data != view.data:
        return first_rule(tree)
    if view.criterion == INCONSISTENT:
        return view.cut_rule
    if (previous.method, previous.metric) == (view.method, view.metric):
        return CutRule.at_height(previous.height)
    return CutRule.into(min(previous.k, tree.n_samples))
