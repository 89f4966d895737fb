"""The "look inside" panel: scores against the true classes, other algorithms, feature ranking, centroids.

Each tab is computed only while it is open, from the view's cut
(``view.cut_rule.apply(tree)``); the other algorithm's fit is cached per
dataset, algorithm and k (``callbacks.coloring.algorithm_fit``), so moving
the cut to a k already seen costs only the scores.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from dash import ALL, Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from callbacks.coloring import algorithm_fit
from callbacks.common import USER_ERRORS, error_message
from callbacks.render import ViewState
from callbacks.shared import shared_reply
from components import ids
from components.lesson_panel import contingency_table, profile_view
from hclust import ClusteringError, Cut
from hclust.algorithms import COMPARISON_ALGORITHMS, AlgorithmFit
from hclust.compare import compare_partitions
from hclust.profile import profile_clusters
from hclust.truth import TruthScores, score_against_classes
from loaders import Dataset
from loaders.recolor import grey_image_uri, hex_color
from state.session_store import SessionStore

CENTROID_MEMBERS_SHOWN = 12
MAX_CENTROID_IMAGES = 60


def register(app: Dash, store: SessionStore) -> None:
    """Register the lesson panel's callbacks on ``app``."""

    @app.callback(
        Output(ids.ALGORITHM_SCORES, "children"),
        Output(ids.ALGORITHM_LIMITS, "children"),
        Input(ids.LESSON_VIEWS["algorithms"], "data"),
        Input(ids.COMPARE_ALGORITHM, "value"),
        State(ids.LESSON_TABS, "value"),
    )
    def show_algorithm(view_data, name, tab):
        if tab != "algorithms":
            raise PreventUpdate  # the menu changed while the tab is closed (the address opened it)
        view, cut, dataset = _open_tab(store, view_data)
        algorithm = COMPARISON_ALGORITHMS.get(name)
        if algorithm is None:
            raise PreventUpdate
        try:
            fit = algorithm_fit(store, view, dataset, name, cut.n_clusters)
        except USER_ERRORS as error:
            return error_message(error, f"Cannot run {algorithm.label}: "), algorithm.limits
        return algorithm_summary(fit, cut, dataset), [algorithm.limits, " ", html.Code(algorithm.code(cut.n_clusters))]

    @app.callback(
        Output(ids.CLUSTER_PROFILE, "children"),
        Input(ids.LESSON_VIEWS["profile"], "data"),
    )
    def show_profile(view_data):
        view, cut, dataset = _open_tab(store, view_data)
        if dataset.is_distance_matrix:
            return html.P("A distance matrix has no feature columns to rank.")
        try:
            rankings = profile_clusters(dataset.features, dataset.feature_names, cut.labels)
        except USER_ERRORS as error:
            return error_message(error)
        return profile_view(rankings, view.slots_for(cut))

    @app.callback(
        Output(ids.CENTROID_IMAGES, "children"),
        Input(ids.LESSON_VIEWS["centroids"], "data"),
    )
    def show_centroids(view_data):
        view, cut, dataset = _open_tab(store, view_data)
        return centroid_gallery(dataset, cut)

    @app.callback(
        Output(ids.CENTROID_MEMBERS, "children"),
        Input({"type": ids.CENTROID_PICK, "index": ALL}, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def show_members(clicks, view_data):
        if not ctx.triggered_id or not any(clicks or ()):
            raise PreventUpdate
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        cluster = int(ctx.triggered_id["index"])
        try:
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
            cut = view.cut_rule.apply(tree)
            dataset = store.dataset(view.ref)
        except USER_ERRORS as error:
            return error_message(error)
        return member_thumbnails(dataset, cut, cluster)


NO_CLASSES = (
    "This dataset has no known classes. The built-in examples come with theirs; for a file, choose its column "
    "under True classes (in Data, Columns & options)."
)


def truth_reply(store: SessionStore, view: ViewState) -> tuple:
    """The True classes tab's scores and contingency table for a view, shared by every session showing it.

    The cut's panels callback answers with it while the tab is open (``callbacks/cut_panels.py``), so a cut
    costs no request of its own for the tab. Raises the app's own errors.
    """
    # The scores and the table do not show the clusters' colours: one reply for every colouring of the cut.
    return shared_reply(store, replace(view, colors={}), "truth", (), lambda: _truth(store, view))


def _truth(store: SessionStore, view: ViewState) -> tuple:
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    cut, dataset = view.cut_rule.apply(tree), store.dataset(view.ref)
    if dataset.classes is None:
        return [html.P(NO_CLASSES)], None
    try:
        scores = score_against_classes(cut.labels, dataset.classes)
    except ClusteringError as error:
        return error_message(error), None
    return truth_summary(scores, f"The tree's cut (k = {cut.n_clusters})"), contingency_table(scores)


def _open_tab(store: SessionStore, view_data) -> tuple[ViewState, Cut, Dataset]:
    """The view, its cut and dataset; no update before the first view."""
    view = ViewState.from_store(view_data)
    if view is None:
        raise PreventUpdate
    try:
        tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
        return view, view.cut_rule.apply(tree), store.dataset(view.ref)
    except USER_ERRORS:
        raise PreventUpdate from None  # the cut callback says what is wrong


def truth_summary(scores: TruthScores, what: str) -> list:
    """The scores of a partition against the true classes, in one paragraph."""
    missing = f" ({scores.n_missing:,} samples without a class are left out)" if scores.n_missing else ""
    return [
        html.P(
            [
                f"{what} against the {len(scores.classes)} true classes: adjusted Rand index ",
                html.B(f"{scores.ari:.4f}", className="ari"),
                ", normalised mutual information ",
                html.B(f"{scores.nmi:.4f}", className="nmi"),
                ", accuracy ",
                html.B(f"{scores.accuracy:.1%}", className="accuracy"),
                f" (each cluster read as its most common class){missing}.",
            ]
        )
    ]


def algorithm_summary(fit: AlgorithmFit, cut: Cut, dataset: Dataset) -> list:
    """The other algorithm against the tree's cut and, where known, the true classes."""
    algorithm = COMPARISON_ALGORITHMS[fit.algorithm]
    assigned = fit.labels > 0
    found = f"{fit.n_clusters} clusters" + ("" if algorithm.uses_k else " (it chooses its own number)")
    lines = [html.P([html.B(algorithm.label), f" found {found}."])]
    if fit.n_noise:
        lines.append(html.P(f"{fit.n_noise:,} samples are left out as noise (grey when it colours the samples)."))
    if fit.n_used < fit.n_total:
        lines.append(
            html.P(f"Fitted on a seeded sample of {fit.n_used:,} of the {fit.n_total:,} samples.", className="hint")
        )
    versus_tree = compare_partitions(cut.labels[assigned], fit.labels[assigned]).ari if assigned.any() else np.nan
    parts = [
        f"Against the tree's cut (k = {cut.n_clusters}): adjusted Rand index ",
        html.B(f"{versus_tree:.4f}", className="ari-tree"),
    ]
    if dataset.classes is not None:
        scores = score_against_classes(fit.labels, dataset.classes)
        tree_scores = score_against_classes(cut.labels, dataset.classes)
        parts += [
            "; against the true classes ",
            html.B(f"{scores.ari:.4f}", className="ari-truth"),
            f" (the tree's cut: {tree_scores.ari:.4f}), accuracy {scores.accuracy:.1%} ",
            f"(the tree's cut: {tree_scores.accuracy:.1%})",
        ]
    lines.append(html.P([*parts, "."]))
    lines += [html.P(f"scikit-learn warns: {note}", className="hint") for note in fit.notes]
    return lines


def centroid_gallery(dataset: Dataset, cut: Cut) -> list:
    """Each cluster's centroid: as its small image (digits), its colour (an image's pixels), or a note."""
    if dataset.image_shape is None and dataset.image is None:
        return [
            html.P(
                "Centroids are drawn as pictures when every feature is a pixel of a small image (digits, 8 x 8) "
                "or when the samples are an image's pixels; the cluster table lists the centroids of other data, "
                "and 'centroids' above the scatter marks them on it."
            )
        ]
    counts = np.bincount(cut.labels, minlength=cut.n_clusters + 1)[1:]
    vmax = _grey_scale(dataset)
    shown = min(cut.n_clusters, MAX_CENTROID_IMAGES)
    tiles = []
    for cluster in range(1, shown + 1):
        members = cut.labels == cluster
        tiles.append(_centroid_tile(dataset, cluster, members, int(counts[cluster - 1]), vmax))
    more = [html.P(f"The first {shown} of {cut.n_clusters} clusters are shown.")] if shown < cut.n_clusters else []
    hint = html.P("Click a centroid to see some of its members.", className="hint")
    return [html.Div(tiles, className="centroid-grid"), hint, *more]


def _centroid_tile(dataset: Dataset, cluster: int, members: np.ndarray, size: int, vmax: float) -> html.Button:
    if dataset.image is not None:
        rgb = dataset.image.flat[dataset.image.sample_index][members].mean(axis=0)
        picture = html.Span(className="color-tile", style={"background": hex_color(rgb)})
    else:
        centroid = dataset.features[members].mean(axis=0)
        picture = html.Img(src=_grey(dataset, centroid, vmax), alt=f"centroid of cluster {cluster}")
    return html.Button(
        [picture, html.Span(f"{cluster}: {size:,}", className="centroid-caption")],
        id={"type": ids.CENTROID_PICK, "index": cluster},
        className="centroid-tile",
        title=f"cluster {cluster}: {size:,} samples; click to see some of them",
        n_clicks=0,
    )


def member_thumbnails(dataset: Dataset, cut: Cut, cluster: int) -> list:
    """A few members of one cluster, as images (or colours) with their labels."""
    rows = np.flatnonzero(cut.labels == cluster)
    if rows.size == 0:
        return [html.P(f"Cluster {cluster} is not in this cut any more.")]
    shown = rows[:CENTROID_MEMBERS_SHOWN]
    vmax = _grey_scale(dataset)
    tiles = []
    for row in shown.tolist():
        label = dataset.sample_label(row)
        if dataset.image is not None:
            rgb = dataset.image.flat[dataset.image.sample_index[row]]
            picture = html.Span(className="color-tile small", style={"background": hex_color(rgb)})
        elif dataset.image_shape is not None:
            picture = html.Img(src=_grey(dataset, dataset.features[row], vmax), alt=f"sample {label}")
        else:
            picture = None
        caption = label if dataset.classes is None else f"{label} ({dataset.classes[row]})"
        tiles.append(html.Figure([picture, html.Figcaption(caption)], className="member-tile"))
    title = f"Cluster {cluster}: the first {shown.size} of its {rows.size:,} members"
    return [html.P(title), html.Div(tiles, className="member-grid")]


def _grey_scale(dataset: Dataset) -> float:
    """The value drawn darkest in every small picture of a dataset (its largest feature value), computed once."""
    high = float(np.max(dataset.features)) if dataset.features.size else 1.0
    return high or 1.0


def _grey(dataset: Dataset, vector: np.ndarray, vmax: float) -> str:
    return grey_image_uri(vector, dataset.image_shape, vmax=vmax)
