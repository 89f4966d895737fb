"""What colours the samples: the cut's clusters, the true classes, or another algorithm at the same k.

The colouring menu (``COLOR_BY``) is one setting of the view. Colouring by
anything but the cut leaves the cut's own callback (``callbacks/cut.py``)
alone: it skips the scatter, and this callback repaints it after the view
changes. Each other partition is renamed after the cut's clusters it
overlaps most (``hclust.compare.match_labels``), so a class or an
algorithm's cluster that agrees with a tree cluster wears its colour.
Samples without a cluster (HDBSCAN's noise, rows outside a fitted sample)
are grey.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, patch_from
from callbacks.render import ViewState, render_view, scatter_is_image
from callbacks.selected import selected_samples
from components import ids
from components.lesson_panel import color_by_options
from config import Settings
from figures import aids as aids_fig
from figures import raster as raster_fig
from figures import scatter as scatter_fig
from figures.style import N_SLOTS
from hclust import ClusteringError, Cut
from hclust.algorithms import COMPARISON_ALGORITHMS, AlgorithmFit, fit_algorithm
from hclust.compare import match_labels
from loaders import Dataset
from state.refs import DataRef
from state.session_store import SessionStore

TREE, TRUTH, ALGORITHM = "tree", "truth", "algorithm"


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the colouring callbacks on ``app``."""

    @app.callback(
        Output(ids.SCATTER, "figure", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.COLOR_BY, "value"),
        Input(ids.COMPARE_ALGORITHM, "value"),
        Input(ids.SHOW_CENTROIDS, "value"),
        Input(ids.PANEL_VIEWS["paint"], "data"),  # while not coloured by the cut (callbacks/gates.py)
        State(ids.VIEW, "data"),  # the view itself: the store above is a trigger, fed by the gate
        State(ids.SCATTER_FRAME, "data"),  # what an image scatter shows
        State(ids.SELECTION, "data"),  # an image scatter keeps a selected branch lit
        prevent_initial_call=True,
    )
    def paint_scatter(color_by, algorithm, centroids, _fed, view_data, frame, selection):
        # One request per view change paints both the colouring and the centroids.
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        triggered = ctx.triggered_id
        by_tree = color_by in (None, TREE)
        if by_tree and not centroids and triggered not in (ids.COLOR_BY, ids.SHOW_CENTROIDS):
            raise PreventUpdate  # the cut callback colours the scatter itself
        if triggered == ids.COMPARE_ALGORITHM and color_by != ALGORITHM:
            raise PreventUpdate
        message = no_update
        try:
            painting = scatter_painting(store, view, color_by, algorithm)
        except USER_ERRORS as error:
            painting, message = (
                scatter_painting(store, view, TREE, algorithm),
                error_message(error, "Cannot colour by that: "),
            )
        updates = painting.centroids(store, view, bool(centroids))
        if not by_tree or triggered == ids.COLOR_BY or message is not no_update:
            image = scatter_is_image(painting.labels.size, settings)
            if image:
                updates.update(painting.image_updates(store, view, frame, selected_samples(store, view, selection)))
            else:
                updates.update(painting.colors)
        return patch_from(updates), message

    @app.callback(
        Output(ids.COLOR_BY, "options"),
        Output(ids.COLOR_BY, "value", allow_duplicate=True),
        Input(ids.DATA_REF, "data"),
        Input(ids.COMPARE_ALGORITHM, "value"),
        State(ids.COLOR_BY, "value"),
        prevent_initial_call=True,
    )
    def color_menu(data_ref, algorithm, color_by):
        ref = DataRef.from_store(data_ref)
        if ref is None:
            raise PreventUpdate
        try:
            has_classes = store.dataset(ref).classes is not None
        except USER_ERRORS:
            raise PreventUpdate from None
        value = TREE if color_by == TRUTH and not has_classes else no_update
        return color_by_options(has_classes, algorithm), value


@dataclass(frozen=True, eq=False)
class Painting:
    """How the samples are painted: each one's id in the colouring, the ids' slots, and the scatter updates.

    ``labels`` are the colouring's ids renamed after the cut's clusters (0:
    no cluster, painted grey); for the tree's own colouring, the cut's.
    """

    labels: np.ndarray
    slots: np.ndarray
    colors: dict

    def image(self, store: SessionStore, view: ViewState, frame: object, selected=None) -> raster_fig.Raster:
        """The same painting as an image of ``frame`` (the plot area the page reported; None: the whole data).

        ``selected``: a branch selection's samples, lit while the others fade.
        """
        return render_view(store.projection(view.ref), self.labels, self.slots, view.theme, frame or {}, selected)

    def image_updates(self, store: SessionStore, view: ViewState, frame: object, selected=None) -> dict:
        """The same painting for an image scatter: the image rendered for ``frame``, and the note.

        ``selected``: a branch selection's samples, which stay lit.
        """
        note = {path: value for path, value in self.colors.items() if path[0] == "layout"}
        return {**raster_fig.raster_updates(self.image(store, view, frame, selected)), **note}

    def centroids(self, store: SessionStore, view: ViewState, on: bool) -> dict:
        """Updates of the centroid markers: each painted group's mean position in the scatter, or none."""
        if not on:
            return scatter_fig.centroid_updates(np.empty(0), np.empty(0), np.empty(0, int), self.slots, view.theme)
        projection = store.projection(view.ref)
        labels = self.labels
        ids_ = np.unique(labels[labels > 0])
        counts = np.bincount(labels, minlength=ids_.max(initial=0) + 1)[ids_]
        x = np.bincount(labels, weights=projection.x)[ids_] / counts
        y = np.bincount(labels, weights=projection.y)[ids_] / counts
        return scatter_fig.centroid_updates(x, y, ids_, self.slots, view.theme)


def scatter_painting(store: SessionStore, view: ViewState, color_by: str | None, algorithm: str | None) -> Painting:
    """How the view's samples are painted under a colouring, with the scatter's colour updates.

    Raises
    ------
    ClusteringError
        If the colouring cannot be made (no true classes, an algorithm that
        cannot run on this data).
    """
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    cut = view.cut_rule.apply(tree)
    slots = view.slots_for(cut)
    if color_by == TRUTH:
        dataset = store.dataset(view.ref)
        if dataset.classes is None:
            raise ClusteringError("this dataset has no known classes; for a file, choose a column under True classes")
        codes, names = class_codes(dataset.classes)
        return other_painting(cut, slots, codes, f"<b>coloured by true class</b> ({len(names)} classes)")
    if color_by == ALGORITHM:
        fit = algorithm_fit(store, view, store.dataset(view.ref), algorithm or "kmeans", cut.n_clusters)
        name = COMPARISON_ALGORITHMS[fit.algorithm].label
        return other_painting(cut, slots, fit.labels, f"<b>coloured by {name}</b> ({fit.n_clusters} clusters)")
    return Painting(np.asarray(cut.labels), slots, aids_fig.hierarchical_scatter_updates(cut, slots))


def scatter_coloring(store: SessionStore, view: ViewState, color_by: str | None, algorithm: str | None) -> dict:
    """The scatter's colour updates under a colouring (see :func:`scatter_painting`)."""
    return scatter_painting(store, view, color_by, algorithm).colors


def other_painting(cut: Cut, slots: np.ndarray, labels: np.ndarray, note: str) -> Painting:
    """Another partition (ids 1..j, 0 for none), renamed after the cut's clusters, painted with a note."""
    labels = np.asarray(labels, dtype=np.int64)
    assigned = labels > 0
    matched = np.zeros_like(labels)
    if assigned.any():
        matched[assigned] = match_labels(cut.labels[assigned], labels[assigned])
    # Ids beyond the cut's k (groups no tree cluster matched) take slots of their own, so the
    # centroid markers wear the same colours as the points.
    painted, last = matched, int(matched.max())
    paint_slots = aids_fig.extend_slots(np.asarray(slots, dtype=np.int64), last)
    if not assigned.all():
        # The grey id comes right after the last one used, which may be below k.
        none_id = last + 1
        painted = np.where(assigned, matched, none_id)
        paint_slots = np.concatenate([paint_slots[:last], [N_SLOTS]])
    return Painting(matched, paint_slots, aids_fig.other_scatter_updates(painted, paint_slots, note))


def class_codes(classes: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """True classes as ids 1..c (in sorted order of the names) and the names."""
    names, codes = np.unique(np.asarray(classes, dtype=object).astype(str), return_inverse=True)
    return codes.astype(np.int64) + 1, tuple(names.tolist())


def algorithm_fit(store: SessionStore, view: ViewState, dataset: Dataset, name: str, k: int) -> AlgorithmFit:
    """The other algorithm at k, fitted once per dataset, algorithm and k (colouring and scores share it)."""
    return store.memo(view.ref, ("algorithm", name, str(k)), lambda: fit_algorithm(name, dataset.features, k))
