"""An image read as data: the picture redrawn in its clusters' mean colours, following the cut.

Only images (``Dataset.image``) show the card. The tree is built on a sample
of the pixels; the redrawn picture gives every pixel the mean colour of its
nearest cluster (nearest by colour), so the whole picture follows the cut.
Coloured by another algorithm, the picture is redrawn with that
algorithm's clusters instead: the chapters' k-means lesson.
"""

from __future__ import annotations

import numpy as np
from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from callbacks.coloring import ALGORITHM, algorithm_fit
from callbacks.common import USER_ERRORS, error_message, reply_in_order
from callbacks.render import ViewState, cluster_summary
from components import ids
from hclust import Cut
from hclust.algorithms import COMPARISON_ALGORITHMS
from loaders import Dataset
from loaders.recolor import cluster_colors, hex_color, png_data_uri, recolor
from state.session_store import SessionStore

IMAGE_OUTPUTS = {
    "hidden": Output(ids.IMAGE_CARD, "hidden"),
    "original": Output(ids.ORIGINAL_IMAGE, "src"),
    "recolored": Output(ids.RECOLORED_IMAGE, "src"),
    "note": Output(ids.IMAGE_NOTE, "children"),
    "chips": Output(ids.CLUSTER_SUMMARY, "children", allow_duplicate=True),
}


def register(app: Dash, store: SessionStore) -> None:
    """Register the image card's callback on ``app``."""

    @app.callback(
        *IMAGE_OUTPUTS.values(),
        Input(ids.PANEL_VIEWS["image"], "data"),  # every cut for an image, else a new tree (callbacks/gates.py)
        Input(ids.COLOR_BY, "value"),
        Input(ids.COMPARE_ALGORITHM, "value"),
        State(ids.VIEW, "data"),  # the view itself: the store above is a trigger, fed by the gate
        prevent_initial_call=True,
    )
    def show_image(_fed, color_by, algorithm, view_data):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        try:
            # Read once per dataset: a table's cuts then skip unpickling the dataset here.
            if not store.memo(view.ref, ("has-image",), lambda: store.dataset(view.ref).image is not None):
                return reply_in_order(IMAGE_OUTPUTS, {"hidden": True}, "image")
            dataset = store.dataset(view.ref)
            cut = view.cut_rule.apply(store.tree(view.ref, view.method, view.metric, mode=view.tree_mode))
            original = store.memo(view.ref, ("image-original",), lambda: png_data_uri(dataset.image.pixels))
            values = {"hidden": False, "original": original, "chips": colour_chips(cut, view.slots_for(cut), dataset)}
            if color_by == ALGORITHM and algorithm in COMPARISON_ALGORITHMS:
                fit = algorithm_fit(store, view, dataset, algorithm, cut.n_clusters)
                values.update(redrawn(dataset, fit.labels, COMPARISON_ALGORITHMS[algorithm].label))
            else:
                values.update(redrawn(dataset, cut.labels, "the tree's cut"))
        except USER_ERRORS as error:
            return reply_in_order(IMAGE_OUTPUTS, {"note": error_message(error)}, "image")
        return reply_in_order(IMAGE_OUTPUTS, values, "image")


def sample_colors(dataset: Dataset) -> np.ndarray:
    """The sampled pixels' own colours (R, G, B in 0..255), whatever scaling the features had."""
    return dataset.image.flat[dataset.image.sample_index]


def redrawn(dataset: Dataset, labels: np.ndarray, by: str) -> dict:
    """The picture in the mean colours of ``labels``' clusters, and its caption."""
    labels = np.asarray(labels, dtype=np.int64)
    if not (labels > 0).any():  # HDBSCAN may call every sample noise: no colour to paint with
        return {"recolored": None, "note": f"{by} found no clusters (every sample is noise): nothing to redraw"}
    centers = cluster_colors(sample_colors(dataset), labels)
    picture = recolor(dataset.image, centers)
    distinct = len(np.unique(picture.reshape(-1, 3), axis=0))
    return {
        "recolored": png_data_uri(picture),
        "note": html.Span(
            f"redrawn in {distinct} colours by {by}",
            title="Each pixel takes the mean colour of its nearest cluster (nearest by colour)",
        ),
    }


def colour_chips(cut: Cut, slots: np.ndarray, dataset: Dataset) -> html.Div:
    """The cluster chips, each with its cluster's mean colour beside the id."""
    means = cluster_colors(sample_colors(dataset), np.asarray(cut.labels, dtype=np.int64))
    return cluster_summary(cut, slots, [hex_color(rgb) for rgb in means])
