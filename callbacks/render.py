"""What the tree and cut callbacks draw, shared by both."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np
from dash import html

from figures import dendrogram as dendrogram_fig
from figures import scatter as scatter_fig
from figures.style import N_SLOTS, slot_color
from hclust import Cut, color_links
from hclust.colors import assign_color_slots, remembered_slots
from state.session_store import DataRef, SessionStore

MAX_CHIPS = 12


@dataclass(frozen=True)
class ViewState:
    """The current view, as the browser keeps it (a few short fields).

    Everything else (data, tree, layout) is looked up server-side from these.
    """

    session: str
    data: str
    method: str
    metric: str
    p: int
    annotate_above: float | None
    height: float
    k: int
    colors: dict[str, int] = field(default_factory=dict)

    @property
    def ref(self) -> DataRef:
        """The dataset reference."""
        return DataRef(self.session, self.data)

    def to_store(self) -> dict:
        """Plain dict for a ``dcc.Store``."""
        return asdict(self)

    @classmethod
    def from_store(cls, value: dict | None) -> ViewState | None:
        """Read back :meth:`to_store`'s dict; None before the first view."""
        return cls(**value) if value else None

    def with_cut(self, cut: Cut, cluster_slots: np.ndarray) -> ViewState:
        """The same view with another cut, remembering its clusters' colors."""
        colors = {str(root): slot for root, slot in remembered_slots(cut.roots, cluster_slots).items()}
        return replace(self, height=cut.height, k=cut.n_clusters, colors=colors)

    def slots_for(self, cut: Cut) -> np.ndarray:
        """Color slots for a new cut of this view's tree: unchanged clusters keep theirs."""
        previous = {int(root): slot for root, slot in self.colors.items()}
        return assign_color_slots(cut.roots, previous, N_SLOTS)


def full_figures(store: SessionStore, view: ViewState, cut: Cut, slots: np.ndarray, webgl_threshold: int):
    """Both figures, drawn from scratch for a new tree or dataset.

    Returns
    -------
    tuple of (dendrogram figure, scatter figure, projection description)
    """
    ref = view.ref
    tree = store.tree(ref, view.method, view.metric)
    geometry = store.geometry(ref, view.method, view.metric, view.p)
    projection = store.projection(ref)
    dataset = store.dataset(ref)
    revision = f"{view.data}/{view.method}/{view.metric}/{view.p}"
    dendrogram = dendrogram_fig.dendrogram_figure(
        tree, geometry, color_links(tree, geometry, cut), slots, cut.height, view.annotate_above, revision=revision
    )
    scatter = scatter_fig.scatter_figure(
        projection,
        cut,
        slots,
        dataset.sample_names,
        webgl=dataset.n_samples > webgl_threshold,
        revision=view.data,
    )
    return dendrogram, scatter, projection.description


def cut_updates(store: SessionStore, view: ViewState, cut: Cut, slots: np.ndarray) -> tuple[dict, dict]:
    """The dendrogram and scatter updates for a new cut of the cached tree (no figure is built)."""
    tree = store.tree(view.ref, view.method, view.metric)
    geometry = store.geometry(view.ref, view.method, view.metric, view.p)
    return (
        dendrogram_fig.cut_updates(geometry, color_links(tree, geometry, cut), slots, cut.height),
        scatter_fig.cut_updates(cut, slots),
    )


def cluster_summary(cut: Cut, slots: np.ndarray) -> html.Div:
    """A colored chip per cluster with its size, in cluster order."""
    sizes = _cluster_sizes(cut)
    chips = [
        html.Span(
            [
                html.Span(className="swatch", style={"background": slot_color(int(slots[cluster - 1]))}),
                f"{cluster}: {size}",
            ],
            className="chip",
            title=f"cluster {cluster}: {size} samples",
        )
        for cluster, size in list(sizes.items())[:MAX_CHIPS]
    ]
    if len(sizes) > MAX_CHIPS:
        chips.append(html.Span(f"+{len(sizes) - MAX_CHIPS} more", className="chip more"))
    return html.Div(chips, className="chips", title="cluster: number of samples")


def _cluster_sizes(cut: Cut) -> dict[int, int]:
    counts = np.bincount(cut.labels, minlength=cut.n_clusters + 1)[1:]
    return {cluster: int(size) for cluster, size in enumerate(counts, start=1)}
