"""The aids panel: each aid is computed for the view's tree and marks the view's cut.

The merge heights (and the suggested k) follow every view change, answered
within the cut's panels request (``callbacks/cut_panels.py``), as is the
silhouette while its tab is open. The inconsistency table (at the view's
depth, the cut's own) and k-means are computed only while their tab is open
(the page sends them the view only then: ``callbacks/gates.py``); the sweeps are
cached server-side per dataset, tree and setting, so moving the cut only
re-marks them. A k picked on an aid goes to the cut callback through a
store (see :mod:`callbacks.cut`).
"""

from __future__ import annotations

import math

from dash import Dash, Input, Output, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, patch_from
from callbacks.render import ViewState
from callbacks.shared import shared_reply
from components import ids
from components.aids_panel import inconsistency_table_view
from figures import aids as aids_fig
from hclust import Tree
from hclust.aids import (
    DEFAULT_SAMPLING,
    INCONSISTENT,
    ClusterSilhouettes,
    MergeHeightProfile,
    SampledDistances,
    SilhouetteSweep,
    inconsistency_table,
    merge_height_profile,
    merges_split,
    sampled_distances,
    silhouette_by_k,
    silhouette_per_cluster,
)
from hclust.compare import (
    MAX_COMPARED_K,
    N_INIT,
    RANDOM_STATE,
    Agreement,
    KMeansFit,
    KMeansSweep,
    compare_partitions,
    kmeans_at_k,
    kmeans_sse_by_k,
)
from hclust.tree import PRECOMPUTED
from loaders import Dataset
from state.local_cache import LocalCache
from state.session_store import SessionStore

# What the merge-heights callback updates, by name; a reply leaves out what stays.
ELBOW_OUTPUTS = {
    "figure": Output(ids.ELBOW_GRAPH, "figure"),
    "suggested_label": Output(ids.SUGGESTED_K, "children"),
    "suggested_k": Output(ids.SUGGESTED_K, "value"),
    "note": Output(ids.ELBOW_NOTE, "children"),
    "shown": Output(ids.ELBOW_SHOWN, "data"),
}

SILHOUETTE_OUTPUTS = {
    "figure": Output(ids.SILHOUETTE_GRAPH, "figure"),
    "clusters": Output(ids.SILHOUETTE_CLUSTERS, "figure"),
    "note": Output(ids.SILHOUETTE_NOTE, "children"),
    "shown": Output(ids.SILHOUETTE_SHOWN, "data"),
}


def register(app: Dash, store: SessionStore) -> None:
    """Register the aids callbacks on ``app``."""

    @app.callback(
        Output(ids.INCONSISTENCY_TABLE, "children"),
        Input(ids.AID_VIEWS["inconsistency"], "data"),  # the view, while the tab is open (callbacks/gates.py)
    )
    def show_inconsistency(view_data):
        # The table's depth is the view's: its box and the cut's are one setting (callbacks.cut).
        view = _view(view_data)
        try:
            tree = _tree(store, view)
            table = store.memo(
                view.ref,
                ("aids-inconsistency", view.method, view.metric, str(view.depth)),
                lambda: inconsistency_table(tree, view.depth),
            )
            split = merges_split(tree, view.cut_rule.apply(tree).labels, table.rows)
        except USER_ERRORS as error:
            return error_message(error)
        cutting = view.criterion == INCONSISTENT
        return inconsistency_table_view(table, split, view.inconsistency_threshold if cutting else None)

    @app.callback(
        Output(ids.KMEANS_GRAPH, "figure"),
        Output(ids.KMEANS_SUMMARY, "children"),
        Input(ids.AID_VIEWS["kmeans"], "data"),
        Input(ids.KMEANS_MAX_K, "value"),
    )
    def show_kmeans(view_data, k_max):
        view = _view(view_data)
        try:
            tree = _tree(store, view)
            dataset = store.dataset(view.ref)
            sweep = store.memo(
                view.ref, ("aids-kmeans-sse", str(k_max)), lambda: kmeans_sse_by_k(dataset.features, k_max)
            )
            cut = view.cut_rule.apply(tree)
            comparison = None
            if cut.n_clusters <= MAX_COMPARED_K:
                fit = kmeans_fit(store, view, dataset, cut.n_clusters)
                comparison = fit, compare_partitions(cut.labels, fit.labels)
        except USER_ERRORS as error:
            return no_update, error_message(error)
        figure = aids_fig.sse_figure(sweep, view.k, revision=_revision(view))
        return figure, kmeans_summary(sweep, comparison, cut.n_clusters, tree.metric)


def elbow_reply(store: SessionStore, view: ViewState, last, shown) -> dict:
    """The merge-heights aid's outputs by :data:`ELBOW_OUTPUTS` name for a view (its k mark only, when ``shown``).

    ``last`` is how many merges it shows; ``shown`` names the curve on screen. The cut's panels callback
    (``callbacks/cut_panels.py``) answers with it on every view change.
    """
    drawn = f"{_revision(view)}/{last}/{view.theme.name}"
    try:
        profile = store.shared(
            view.ref,
            ("aids-merge-heights", view.method, view.metric, str(view.tree_mode), str(last)),
            lambda: merge_height_profile(_tree(store, view), last),
        )
    except USER_ERRORS as error:
        return {"note": error_message(error), "shown": None}
    values = curve_or_marks(
        drawn,
        shown,
        lambda: aids_fig.merge_heights_figure(profile, view.k, revision=_revision(view)),
        lambda: aids_fig.merge_heights_k_updates(profile, view.k),
    )
    if "shown" in values:  # new curves: their suggestion and note too
        k = profile.suggested_k
        values.update(suggested_label=f"Elbow suggests k = {k}", suggested_k=str(k), note=elbow_note(profile))
    return values


def silhouette_reply(store: SessionStore, view: ViewState, k_max, shown) -> dict:
    """The Silhouette aid's outputs by :data:`SILHOUETTE_OUTPUTS` name for a view, while its tab is open.

    ``k_max`` is the sweep's last k; ``shown`` names the curve on screen (then only its k mark is sent). The
    cut's panels callback (``callbacks/cut_panels.py``) answers with it.
    """
    try:
        sweep, values = shared_reply(store, view, "silhouette", (k_max,), lambda: _silhouette(store, view, k_max))
    except USER_ERRORS as error:
        return {"note": error_message(error), "shown": None}
    curve = curve_or_marks(
        f"{_revision(view)}/{k_max}/{view.theme.name}",
        shown,
        lambda: aids_fig.silhouette_figure(sweep, view.k, revision=_revision(view)),
        lambda: aids_fig.silhouette_k_updates(sweep, view.k),
    )
    return {**values, **curve}


def elbow_note(profile: MergeHeightProfile) -> list:
    """What the elbow found, in numbers."""
    if not profile.acceleration.size:
        return [html.P("Too few merges for an acceleration: the elbow suggests 2.")]
    k = profile.suggested_k
    return [
        html.P(
            [
                "Largest acceleration ",
                html.B(f"{profile.acceleration[k - 2]:.5g}"),
                f" at k = {k}: the heights jump from {profile.heights[k - 1]:.5g} to {profile.heights[k - 2]:.5g}, ",
                "so the elbow suggests ",
                html.B(f"{k} clusters"),
                ".",
            ]
        )
    ]


def silhouette_note(sweep: SilhouetteSweep, per_cluster: ClusterSilhouettes, view: ViewState, metric: str) -> list:
    """The silhouette of the current cut, the best k, and the rows and metric used."""
    lines = []
    if math.isfinite(per_cluster.overall):
        lines.append(
            html.P(["Current cut (k = ", str(view.k), "): mean silhouette ", html.B(f"{per_cluster.overall:.4f}"), "."])
        )
    else:
        lines.append(html.P(f"The silhouette needs at least 2 clusters and fewer than the samples (k = {view.k})."))
    if sweep.best_k is not None:
        best = float(sweep.scores[sweep.ks == sweep.best_k][0])
        lines.append(html.P(["Highest for k = ", html.B(str(sweep.best_k)), f": {best:.4f}."]))
    fewer = [int(k) for k, made in zip(sweep.ks, sweep.n_clusters) if made < k]
    if fewer:
        tied = ", ".join(map(str, fewer))
        lines.append(html.P(f"Tied merges: no cut gives exactly k = {tied}; fewer clusters are used there."))
    used = "precomputed distances" if metric == PRECOMPUTED else f"the {metric} metric"
    lines.append(html.P(f"With {used}; {_rows_used(sweep.n_used, sweep.n_total)}", className="hint"))
    return lines


def kmeans_summary(sweep: KMeansSweep, comparison: tuple[KMeansFit, Agreement] | None, k: int, metric: str) -> list:
    """k-means at the current k against the tree's clusters, and how it was run."""
    lines = []
    if comparison is None:
        lines.append(html.P(f"k-means is compared for up to {MAX_COMPARED_K} clusters (the cut has {k})."))
    else:
        fit, agreement = comparison
        lines.append(
            html.P(
                [
                    f"k-means with k = {fit.k}: adjusted Rand index with the tree's clusters ",
                    html.B(f"{agreement.ari:.4f}", className="ari"),
                    " (1 = the same clusters, about 0 = chance). ",
                    f"Squared error {fit.inertia:.6g}.",
                ]
            )
        )
    if sweep.bend_k is not None:
        lines.append(html.P(["Sharpest bend (largest second difference): k = ", html.B(str(sweep.bend_k)), "."]))
    lines.append(
        html.P(
            f"KMeans(n_init={N_INIT}, random_state={RANDOM_STATE}), euclidean"
            + (f" (the tree uses {metric})" if metric != "euclidean" else "")
            + f"; {_rows_used(sweep.n_used, sweep.n_total)}",
            className="hint",
        )
    )
    return lines


def _rows_used(n_used: int, n_total: int) -> str:
    if n_used >= n_total:
        return f"all {n_total:,} samples."
    sampling = DEFAULT_SAMPLING
    return (
        f"a seeded sample of {n_used:,} of the {n_total:,} samples "
        f"(RandomState({sampling.seed}).permutation(n)[:{sampling.size}]), to stay quick."
    )


def _silhouette(store: SessionStore, view: ViewState, k_max) -> tuple[SilhouetteSweep, dict]:
    """The silhouette sweep, and the cut's per-cluster figure and note (raises the app's own errors)."""
    tree = _tree(store, view)
    distances = _distances(store, view, tree)
    # The sweep depends on the tree and the sampled rows alone: one per data fingerprint, whoever holds it.
    content = ("silhouette-sweep", view.method, tree.metric, view.tree_mode, str(tree.n_samples), str(k_max))
    sweep = store.shared(view.ref, content, lambda: silhouette_by_k(tree, distances, k_max), kept=SILHOUETTE_SWEEPS)
    cut = view.cut_rule.apply(tree)
    per_cluster = silhouette_per_cluster(distances, cut.labels)
    return sweep, {
        "clusters": aids_fig.cluster_silhouette_figure(per_cluster, view.slots_for(cut)),
        "note": silhouette_note(sweep, per_cluster, view, tree.metric),
    }


def _view(view_data) -> ViewState:
    """The view, or no update before the first view (a closed tab is never sent it: callbacks/gates.py)."""
    view = ViewState.from_store(view_data)
    if view is None:
        raise PreventUpdate
    return view


def _tree(store: SessionStore, view: ViewState) -> Tree:
    return store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)


SAMPLED_DISTANCES = LocalCache(max_entries=6, max_bytes=64_000_000, size=lambda data: data.square.nbytes)
"""The silhouettes' distance matrices, by data fingerprint and metric: a class on the six built-in examples
reuses them on every cut (all six: 27 MB, the digits' 26 MB of it). Within 64 MB per process: a large upload's
matrix (72 MB at its 3,000 sampled rows) is computed again on each cut instead."""


SILHOUETTE_SWEEPS = LocalCache(max_entries=64)
"""The silhouette against k of each tree (a few numbers each), by data fingerprint, method, metric and range: a
class on one built-in example computes it once (the store shares it between processes) instead of once per
student."""


def _distances(store: SessionStore, view: ViewState, tree: Tree) -> SampledDistances:
    """The tree's sampled distances; the dataset is read from the store only when they are not kept."""

    def compute() -> SampledDistances:
        dataset = store.dataset(view.ref)
        if dataset.is_distance_matrix:
            return sampled_distances(tree, distances=dataset.distances)
        return sampled_distances(tree, features=dataset.features)

    # The data key is the dataset's fingerprint (SessionStore.put_dataset): the same data, whoever holds it.
    return SAMPLED_DISTANCES.get((view.data, tree.metric, tree.n_samples), compute)


def curve_or_marks(drawn: str, shown, figure, marks) -> dict:
    """A curve against k: the whole ``figure()`` unless ``drawn`` is what is ``shown``, else a Patch of ``marks()``.

    ``drawn`` names the curve (tree, range, theme); a cut within it moves only
    the current k's mark. Returns the ``figure`` output, and ``shown`` when
    the whole figure goes.
    """
    if drawn == shown:
        return {"figure": patch_from(marks())}
    return {"figure": figure(), "shown": drawn}


def kmeans_fit(store: SessionStore, view: ViewState, dataset: Dataset, k: int) -> KMeansFit:
    """k-means at the view's k, fitted once per dataset and k (the aid, the colouring and the merge player share it)."""
    return store.memo(view.ref, ("aids-kmeans", str(k)), lambda: kmeans_at_k(dataset.features, k))


def _revision(view: ViewState) -> str:
    return f"{view.data}/{view.method}/{view.metric}"
