"""Inside the clusters: the cluster table, the Python code and the branch selection.

The browser keeps only the selected node id (and which tree it belongs to);
its samples are looked up here, from the cached tree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from callbacks.coloring import scatter_painting
from callbacks.common import USER_ERRORS, patch_from, reply_in_order
from callbacks.render import ViewState, scatter_is_image
from callbacks.selected import tree_key
from callbacks.shared import shared_reply
from components import ids
from components.clusters_panel import (
    MAX_LISTED_SAMPLES,
    MAX_TABLE_FEATURES,
    MAX_TABLE_ROWS,
    SELECTION_HINT,
    cluster_table,
    selection_summary,
)
from config import Settings
from figures import raster as raster_fig
from figures.scatter import cluster_symbols
from figures.selection import dendrogram_selection_updates, node_from_click, scatter_selection_updates
from figures.style import N_SLOTS
from hclust import Cut, Tree
from hclust.clusters import ClusterSummary, clusters_of, node_height, samples_under, summarize_clusters
from hclust.cophenetic import interval_text, pairs_text
from hclust.profile import describe, rank_features
from loaders import DataError, Dataset
from loaders.codegen import python_code, uses_vector_linkage
from loaders.codegen_lessons import lesson_code
from state.local_cache import LocalCache
from state.session_store import EXACT, SessionStore

# What the selection callback updates, by name; a reply leaves out what stays.
SELECTION_OUTPUTS = {
    "selection": Output(ids.SELECTION, "data"),
    "selection_list": Output(ids.SELECTION_LIST, "children"),
    "scatter": Output(ids.SCATTER, "figure", allow_duplicate=True),
    "dendrogram": Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
    "clear_disabled": Output(ids.CLEAR_SELECTION, "disabled"),
    "export_disabled": Output(ids.EXPORT_SELECTION, "disabled"),
}


@dataclass(frozen=True, eq=False)
class ClusterView:
    """A view's clusters as the screen shows them: the same cut, ids, colors and silhouettes everywhere."""

    dataset: Dataset
    tree: Tree
    cut: Cut
    slots: np.ndarray
    shapes: np.ndarray
    medoid_of: object = None  # hclust.clusters.summarize_clusters' medoid_of, remembering medoids by tree node
    square_of: object = None  # and its square_of, keeping the silhouettes' distances in the process


def cluster_view(store: SessionStore, view: ViewState) -> ClusterView:
    """The dataset, tree and cut of a view, with each cluster's color slot and marker shape."""
    dataset = store.dataset(view.ref)
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    cut = view.cut_rule.apply(tree)
    slots = np.array(
        [view.colors.get(str(int(root)), index % N_SLOTS) for index, root in enumerate(cut.roots)], dtype=np.int64
    )

    def medoid_of(cluster: int, members: np.ndarray, compute) -> int:
        # A cluster's medoid depends only on its members, that is on its tree node: kept across cuts and
        # shared by every session holding the data.
        root = str(int(cut.roots[cluster - 1]))
        return store.shared(view.ref, ("medoid", view.method, view.metric, str(view.tree_mode), root), compute)

    def square_of(subset: np.ndarray, compute) -> np.ndarray:
        # The silhouettes' seeded subset is the same on every cut of this data (the key is its fingerprint).
        def kept() -> np.ndarray:
            square = compute()
            square.setflags(write=False)  # shared by every request of the process
            return square

        return TABLE_DISTANCES.get((view.data, tree.metric, tree.n_samples, subset.size), kept)

    return ClusterView(dataset, tree, cut, slots, cluster_symbols(slots), medoid_of, square_of)


TABLE_DISTANCES = LocalCache(max_entries=6, max_bytes=64_000_000, size=lambda square: square.nbytes)
"""The cluster table's silhouette distances (2,000 sampled rows at most: 32 MB), by data fingerprint and
metric, as ``callbacks/aids.py`` keeps the silhouette aid's: a class on the built-in examples computes each once
per process instead of on every cut."""


def shared_summary(store: SessionStore, view: ViewState, clusters: ClusterView) -> ClusterSummary:
    """:func:`view_summary`, made once for every session holding the data and cutting its tree into these clusters.

    The numbers depend on the partition alone, which the clusters' tree nodes name, not on the colours:
    students who reached k = 5 along different cuts share it.
    """
    partition = ",".join(str(int(root)) for root in np.sort(clusters.cut.roots))
    parts = ("cluster-summary", view.method, view.metric, str(view.tree_mode), partition)
    return store.shared(view.ref, parts, lambda: view_summary(clusters))


def view_summary(clusters: ClusterView) -> ClusterSummary:
    """Sizes, centroids, medoids and silhouettes of a view's clusters (the table's and the export's numbers)."""
    return summarize_clusters(
        clusters.tree,
        clusters.cut.labels,
        clusters.dataset.features,
        clusters.dataset.distances,
        medoid_of=clusters.medoid_of,
        square_of=clusters.square_of,
    )


def view_code(clusters: ClusterView, view: ViewState, algorithm: str | None = None) -> str:
    """The Python code that reproduces the view (raises DataError when it cannot)."""
    dataset = clusters.dataset
    notes = ()
    mode = view.tree_mode
    if mode != EXACT:
        notes = (
            f"The app shows an approximate tree ({mode}); this script builds SciPy's exact tree,",
            "so its merges and clusters can differ from the screen.",
        )
    tree = clusters.tree
    n = 0 if dataset.is_distance_matrix else dataset.n_samples
    if not tree.cophenetic_is_exact:
        shown = interval_text(tree.cophenetic, tree.cophenetic_half_width)
        exact = not uses_vector_linkage(view.method, tree.metric, n)
        notes = (
            *notes,
            f"The app shows the cophenetic correlation {shown}, {pairs_text(tree.cophenetic_pairs)};",
            "this script computes it exactly, from every pair." if exact else "this script leaves it out.",
        )
    lessons = lesson_code(
        has_classes=dataset.classes is not None and not dataset.is_distance_matrix,
        algorithm=algorithm,
        k=clusters.cut.n_clusters,
        image=dataset.image is not None,
    )
    return python_code(
        dataset.provenance, view.method, clusters.tree.metric, view.cut_rule, dataset.name, notes, lessons, n
    )


def shown_geometry(store: SessionStore, view: ViewState):
    """The dendrogram layout on screen (a zoomed subtree when the view has a zoom root)."""
    return store.geometry(
        view.ref,
        view.method,
        view.metric,
        view.p,
        view.zoom_root,
        mode=view.tree_mode,
    )


def table_note(clusters: ClusterView, summary: ClusterSummary) -> list:
    """The line above the table: k, the overall silhouette, and how the numbers were made."""
    k = clusters.cut.n_clusters
    metric = clusters.tree.metric
    parts = [f"{k} cluster{'s' if k != 1 else ''}"]
    if math.isfinite(summary.overall_silhouette):
        parts.append(f"mean silhouette {summary.overall_silhouette:.3f} ({metric} distances, scikit-learn)")
    scaling = clusters.dataset.provenance.get("scaling", "none")
    if scaling != "none" and clusters.dataset.n_features:
        parts.append(f"features as clustered ({scaling})")
    notes = [n for n in (summary.silhouette_note, summary.medoid_note) if n]
    if k > MAX_TABLE_ROWS:
        notes.append(f"The table shows the first {MAX_TABLE_ROWS} of {k} clusters; the CSV export has every sample.")
    m = clusters.dataset.n_features
    if m > MAX_TABLE_FEATURES:
        notes.append(
            f"The centroids are shown for the first {MAX_TABLE_FEATURES} of {m} features; "
            "'Clusters, grouped' with the data rows exports them all."
        )
    return [html.Span(" · ".join(parts)), *[html.Span(note, className="hint block") for note in notes]]


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the clusters-panel callbacks on ``app``."""
    _register_selection(app, store, settings)


def table_reply(store: SessionStore, view: ViewState, compared: str | None) -> tuple:
    """The cluster table, its note and the view's Python code, shared by every session showing the view.

    ``compared`` names the other algorithm the code should also fit (or None). The cut's panels callback
    answers with it (``callbacks/cut_panels.py``). Raises the app's own errors.
    """
    return shared_reply(store, view, "cluster-table", (compared,), lambda: _panel(store, view, compared))


def _panel(store: SessionStore, view: ViewState, compared: str | None) -> tuple:
    """The cluster table, its note and the view's Python code (raises the app's own errors)."""
    clusters = cluster_view(store, view)
    summary = shared_summary(store, view, clusters)
    code = _code_or_reason(clusters, view, compared)
    dataset = clusters.dataset
    table = cluster_table(
        summary.sizes,
        summary.silhouettes,
        [dataset.sample_label(int(m)) if dataset.sample_names else f"#{int(m)}" for m in summary.medoids],
        summary.centroids,
        dataset.feature_names if dataset.n_features else (),
        clusters.slots,
        clusters.shapes,
        clusters.cut.roots,
    )
    return table, table_note(clusters, summary), code


def _register_selection(app: Dash, store: SessionStore, settings: Settings) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="hclust", function_name="pickNode"),
        Output(ids.NODE_PICK, "data"),
        Input(ids.DENDROGRAM, "clickData"),
        Input({"type": ids.CLUSTER_SELECT, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        *SELECTION_OUTPUTS.values(),
        Input(ids.NODE_PICK, "data"),
        Input(ids.CLEAR_SELECTION, "n_clicks"),
        Input(ids.PANEL_VIEWS["selection"], "data"),  # a new view while a branch is selected (callbacks/gates.py)
        State(ids.VIEW, "data"),  # the view itself: the gate feeds the store above only while there is a selection
        State(ids.SELECTION, "data"),
        State(ids.SCATTER_FRAME, "data"),  # an image scatter is drawn again with the selection
        State(ids.COLOR_BY, "value"),
        State(ids.COMPARE_ALGORITHM, "value"),
        prevent_initial_call=True,
    )
    def select_branch(pick, _clear_clicks, _new_view, view_data, selection, frame, color_by, algorithm):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        node = selection.get("node") if selection and selection.get("tree") == tree_key(view) else None
        try:
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
            geometry = shown_geometry(store, view)
            asked = selection_request(ctx.triggered_prop_ids, pick, geometry, tree.n_samples)
            if asked is IGNORE or (asked is KEEP and node is None and not selection):
                raise PreventUpdate  # nothing asked, or a new view with nothing selected
            node = node if asked is KEEP else asked
            image = {"frame": frame, "color_by": color_by, "algorithm": algorithm}
            if not scatter_is_image(tree.n_samples, settings):
                image = None
            if node is None:
                values = {**_cleared(geometry, tree.n_samples), "scatter": highlight(store, view, None, image)}
                return reply_in_order(SELECTION_OUTPUTS, values, "selection")
            clusters = cluster_view(store, view)
            samples = samples_under(tree, node)
            scatter = highlight(store, view, samples, image)
        except USER_ERRORS as error:
            values = {"selection_list": html.P(str(error), className="hint"), **_nothing_selected()}
            return reply_in_order(SELECTION_OUTPUTS, values, "selection")
        values = {
            "selection": {"node": int(node), "tree": tree_key(view)},
            "selection_list": selection_summary(
                _node_title(tree, geometry, node),
                [clusters.dataset.sample_label(int(s)) for s in samples[:MAX_LISTED_SAMPLES]],
                int(samples.size),
                clusters_of(clusters.cut.labels, samples),
                clusters.slots,
                clusters.shapes,
            )
            + branch_profile(clusters.dataset, samples),
            "scatter": scatter,
            "dendrogram": patch_from(dendrogram_selection_updates(geometry, node, tree.n_samples)),
            "clear_disabled": False,
            "export_disabled": False,
        }
        return reply_in_order(SELECTION_OUTPUTS, values, "selection")


KEEP = object()  # selection_request's answer for a new view: the stored selection, drawn on it
IGNORE = object()  # and when nothing asks for anything


def selection_request(triggered: dict, pick: dict | None, geometry, n_samples: int):
    """The node the inputs that fired ask for: a node id, None to clear, :data:`KEEP` or :data:`IGNORE`.

    Read from everything that fired, in no particular order: a picked node
    (a dendrogram click on a merge dot or a leaf, or a table row: see
    ``pickNode`` in ``assets/cut.js``), then the clear button; else a new
    view keeps the stored selection (drawn again on it).
    """
    fired = {prop_id.rsplit(".", 1)[0] for prop_id in triggered}
    if ids.NODE_PICK in fired and isinstance(pick, dict):
        if pick.get("row") is not None:
            return int(pick["row"])
        clicked = node_from_click(pick.get("click"), geometry, n_samples)
        if clicked is not None:
            return clicked
    if ids.CLEAR_SELECTION in fired:
        return None
    return KEEP if ids.PANEL_VIEWS["selection"] in fired else IGNORE


def branch_profile(dataset: Dataset, samples: np.ndarray) -> list:
    """What sets the selected samples apart from the rest, in plain words (none for a distance matrix)."""
    if dataset.is_distance_matrix or not 0 < samples.size < dataset.n_samples:
        return []
    members = np.zeros(dataset.n_samples, dtype=bool)
    members[samples] = True
    ranking = rank_features(dataset.features, dataset.feature_names, members, "the selection")
    return [html.P(describe(ranking), className="branch-profile", title="Cohen's d against the other samples")]


def highlight(store: SessionStore, view: ViewState, samples: np.ndarray | None, image: dict | None):
    """The scatter's Patch for a selection (None: none): its points lit, or its image drawn again.

    ``image`` is None for a point scatter; for an image scatter, what it
    shows: the page's ``frame`` and the colouring (``color_by``,
    ``algorithm``), so the selection keeps both.
    """
    if image is None:
        return patch_from(scatter_selection_updates(samples))
    painting = scatter_painting(store, view, image["color_by"], image["algorithm"])
    return patch_from(raster_fig.raster_updates(painting.image(store, view, image["frame"], samples)))


def _cleared(geometry, n_samples: int) -> dict:
    """The selection outputs but the scatter's, by :data:`SELECTION_OUTPUTS` name, with nothing selected."""
    return {
        "selection_list": html.P(SELECTION_HINT, className="hint"),
        "dendrogram": patch_from(dendrogram_selection_updates(geometry, None, n_samples)),
        **_nothing_selected(),
    }


def _nothing_selected() -> dict:
    """No stored selection, and nothing to clear or export."""
    return {"selection": None, "clear_disabled": True, "export_disabled": True}


def _node_title(tree: Tree, geometry, node: int) -> str:
    """What the selected node is, in the words of the dendrogram."""
    n = tree.n_samples
    if node < n:
        return f"leaf {node}"
    if node in set(geometry.leaf_nodes.tolist()):
        return f"the contracted leaf ({int(tree.linkage[node - n, 3])})"
    return f"the merge at height {node_height(tree, node):.4g}"


def _code_or_reason(clusters: ClusterView, view: ViewState, algorithm: str | None = None) -> str:
    try:
        return view_code(clusters, view, algorithm)
    except DataError as error:
        return f"# No Python code for this view: {error}.\n"
