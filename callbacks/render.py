"""What the tree and cut callbacks draw, shared by both."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from dash import html

from components.clusters_panel import cluster_swatch
from config import Settings
from figures import aids as aids_fig
from figures import dendrogram as dendrogram_fig
from figures import raster as raster_fig
from figures import scatter as scatter_fig
from figures.style import N_SLOTS
from figures.theme import Theme, theme_for
from hclust import Cut, Projection, Tree, color_links
from hclust.colors import assign_color_slots, remembered_slots
from hclust.cut import DEFAULT_INCONSISTENCY_DEPTH, DEFAULT_INCONSISTENCY_T, DISTANCE, INCONSISTENT, CutRule
from state.local_cache import LocalCache
from state.refs import DataRef
from state.session_store import EXACT, SessionStore

MAX_CHIPS = 12


@dataclass(frozen=True)
class ViewState:
    """The current view, as the browser keeps it (a few short fields).

    Everything else (data, tree, layout) is looked up server-side from these.

    ``criterion`` says how the current cut was made, as ``fcluster`` would be
    called: ``"distance"`` at ``height``, ``"maxclust"`` with ``k``, or
    ``"inconsistent"`` with ``threshold`` (t) and ``depth``; :attr:`cut_rule`
    is that, as one value. An inconsistency cut has no single height: its
    line is hidden and ``height`` keeps where the line was, for when a height
    criterion comes back. ``present`` and ``dark`` choose the figures'
    :attr:`theme`.
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
    criterion: str = DISTANCE
    threshold: float | None = None
    depth: int = DEFAULT_INCONSISTENCY_DEPTH
    tree_mode: str = EXACT
    zoom_root: int | None = None
    present: bool = False
    dark: bool = False

    CUT_FIELDS = frozenset({"height", "k", "colors", "criterion", "threshold", "depth"})
    """The fields a cut sets; the others name the tree, the data and how they are drawn."""

    @property
    def theme(self) -> Theme:
        """How its figures look: presentation mode or not, dark or light (``figures/theme.py``)."""
        return theme_for(self.present, self.dark)

    def same_tree_as(self, other: ViewState | None) -> bool:
        """True when ``other`` shows the same tree (data, method, metric and exact or approximate)."""
        return other is not None and (self.data, self.method, self.metric, self.tree_mode) == (
            other.data,
            other.method,
            other.metric,
            other.tree_mode,
        )

    @property
    def ref(self) -> DataRef:
        """The dataset reference."""
        return DataRef(self.session, self.data)

    def content_key(self) -> str:
        """Everything the view shows, without whose view it is: equal for two sessions showing the same."""
        shown = {name: value for name, value in asdict(self).items() if name != "session"}
        return json.dumps(shown, sort_keys=True)

    def content_digest(self, *more: str) -> str:
        """A short name for :meth:`content_key` and ``more``, the same in every process (unlike ``hash``)."""
        return hashlib.sha256("\x00".join((self.content_key(), *more)).encode()).hexdigest()[:32]

    def to_store(self) -> dict:
        """Plain dict for a ``dcc.Store``."""
        return asdict(self)

    @classmethod
    def from_store(cls, value: dict | None) -> ViewState | None:
        """Read back :meth:`to_store`'s dict; None before the first view."""
        return cls(**value) if value else None

    @property
    def inconsistency_threshold(self) -> float:
        """The inconsistency criterion's threshold t (the default until one is chosen)."""
        return DEFAULT_INCONSISTENCY_T if self.threshold is None else self.threshold

    @property
    def cut_rule(self) -> CutRule:
        """How this view cuts its tree; ``view.cut_rule.apply(tree)`` makes its cut again.

        The same partition and ids as the cut shown: ``height`` and ``k``
        are that cut's own (:meth:`with_cut`), so for ``"maxclust"`` the k
        cut gives the clusters of the height cut, tied merge heights or not.
        """
        return CutRule(self.criterion, self.height, self.k, self.inconsistency_threshold, self.depth)

    def cutting_by(self, rule: CutRule) -> ViewState:
        """The same view, set to cut by ``rule``: its criterion, and for ``"inconsistent"`` its t and depth.

        The height and k are the cut's, set by :meth:`with_cut`; a height or
        k rule leaves the t and depth the view last used.
        """
        if rule.criterion != INCONSISTENT:
            return replace(self, criterion=rule.criterion)
        return replace(self, criterion=INCONSISTENT, threshold=float(rule.threshold), depth=int(rule.depth))

    def with_cut(self, cut: Cut, cluster_slots: np.ndarray, criterion: str | None = None) -> ViewState:
        """The same view with another cut, remembering its clusters' colors.

        Parameters
        ----------
        cut : Cut
        cluster_slots : ndarray of int
        criterion : str, optional
            How the cut was made. By default a cut without a height (NaN) is
            an inconsistency cut, and a cut with one keeps the criterion,
            except that it ends an inconsistency cut (then it is ``distance``).
        """
        if criterion is None:
            if not math.isfinite(cut.height):
                criterion = INCONSISTENT
            elif self.criterion == INCONSISTENT:
                criterion = DISTANCE
            else:
                criterion = self.criterion
        colors = {str(root): slot for root, slot in remembered_slots(cut.roots, cluster_slots).items()}
        height = cut.height if math.isfinite(cut.height) else self.height
        return replace(self, height=height, k=cut.n_clusters, colors=colors, criterion=criterion)

    def slots_for(self, cut: Cut) -> np.ndarray:
        """Color slots for a new cut of this view's tree: unchanged clusters keep theirs."""
        previous = {int(root): slot for root, slot in self.colors.items()}
        return assign_color_slots(cut.roots, previous, N_SLOTS)


SHARED_FIGURES_MAX_SAMPLES = 2_000
"""Figures of at most this many samples (every built-in example) are drawn once for every view alike."""

SHARED_FIGURES = LocalCache(max_entries=64)
"""Both figures by view content (:meth:`ViewState.content_key`): fifty students opening one example draw it once.

At most 64 pairs of a few hundred KB each (the figures of 2,000 samples), as
plain dicts; the session store keeps them too (:meth:`SessionStore.shared`),
for the other processes. An entry is reached only after the store confirms
that the asking session holds the data (:meth:`SessionStore.shared`), so no
session gets figures of data it does not hold.
"""


def full_figures(
    store: SessionStore, view: ViewState, cut: Cut, slots: np.ndarray, settings: Settings, frame: object = None
):
    """Both figures, drawn from scratch for a new tree or dataset (or kept from a view alike).

    Beyond ``settings.scatter_image_above`` samples the scatter is an image
    (:mod:`callbacks.raster`) of ``frame``, the plot area the page reported
    (None: the whole data).

    Returns
    -------
    tuple of (dendrogram figure, scatter figure, the scatter's caption)
    """
    if store.dataset(view.ref).n_samples > SHARED_FIGURES_MAX_SAMPLES:
        return _draw_figures(store, view, cut, slots, settings, frame)
    drawn_by = (settings.scatter_image_above, settings.webgl_threshold, frame)
    content = view.content_digest(slots.tobytes().hex(), json.dumps(drawn_by, default=str))

    def draw() -> tuple:
        dendrogram, scatter, caption = _draw_figures(store, view, cut, slots, settings, frame)
        return dendrogram.to_plotly_json(), scatter.to_plotly_json(), caption

    return store.shared(view.ref, ("figures", content), draw, kept=SHARED_FIGURES)


def _draw_figures(store: SessionStore, view: ViewState, cut: Cut, slots: np.ndarray, settings: Settings, frame):
    projection = store.projection(view.ref)
    dataset = store.dataset(view.ref)
    if scatter_is_image(dataset.n_samples, settings):
        raster = render_view(projection, cut.labels, slots, view.theme, frame)
        # A new tree shows the whole data again (its image is of the whole data).
        revision = f"{view.data}/{view.method}/{view.metric}/{view.tree_mode}"
        scatter = raster_fig.raster_figure(projection, raster, revision=revision, theme=view.theme)
        caption = image_caption(projection, raster)
        return dendrogram_figure_for(store, view, cut, slots), scatter, caption
    scatter = scatter_fig.scatter_figure(
        projection,
        cut,
        slots,
        dataset.sample_names,
        webgl=dataset.n_samples > settings.webgl_threshold,
        revision=view.data,
        theme=view.theme,
    )
    return dendrogram_figure_for(store, view, cut, slots), scatter, projection.description


def dendrogram_figure_for(store: SessionStore, view: ViewState, cut: Cut, slots: np.ndarray):
    """The dendrogram of a view (the whole tree, or the zoomed branch), drawn from scratch."""
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    geometry = store.geometry(view.ref, view.method, view.metric, view.p, view.zoom_root, mode=view.tree_mode)
    revision = f"{view.data}/{view.method}/{view.metric}/{view.p}/{view.zoom_root}"
    dendrogram = dendrogram_fig.dendrogram_figure(
        tree,
        geometry,
        color_links(tree, geometry, cut),
        slots,
        cut.height,
        view.annotate_above,
        revision=revision,
        fit_to_tree=view.zoom_root is not None,
        theme=view.theme,
    )
    for (_, prop), value in criterion_updates(view).items():
        dendrogram.layout[prop] = value  # ("layout", "shapes") -> layout.shapes
    return dendrogram


def cut_updates(
    store: SessionStore, tree: Tree, view: ViewState, cut: Cut, slots: np.ndarray, image_frame: object = None
) -> tuple[dict, dict]:
    """The dendrogram and scatter updates for a new cut of the view's tree (no figure is built).

    The caller passes the tree it already read, so the hot path unpickles it
    once, and ``image_frame`` when the scatter is an image: the plot area
    the page reported (a dict, or None for the whole data), which the image
    is rendered for.
    """
    geometry = store.geometry(view.ref, view.method, view.metric, view.p, view.zoom_root, mode=view.tree_mode)
    dendrogram = dendrogram_fig.cut_updates(geometry, color_links(tree, geometry, cut), slots, cut.height, view.theme)
    dendrogram = {**dendrogram, **criterion_updates(view)}
    if image_frame is not None:
        raster = render_view(store.projection(view.ref), cut.labels, slots, view.theme, image_frame)
        return dendrogram, raster_fig.raster_updates(raster)
    return dendrogram, scatter_fig.cut_updates(cut, slots, view.theme)


def image_caption(projection: Projection, raster: raster_fig.Raster) -> list:
    """The image scatter's caption: the projection, and how the samples are aggregated (all of it on hover)."""
    short, whole = raster.describe(projection.x.size)
    return [f"{projection.description} · ", html.Span(short, title=whole, className="aggregated")]


def scatter_is_image(n_samples: int, settings: Settings) -> bool:
    """The one rule for how the scatter is drawn: as an image beyond ``HCLUST_SCATTER_IMAGE_ABOVE`` samples."""
    return n_samples > settings.scatter_image_above


def render_view(
    projection: Projection,
    labels: np.ndarray,
    slots: np.ndarray,
    theme: Theme,
    frame: object,
    selected: np.ndarray | None = None,
) -> raster_fig.Raster:
    """The scatter's image: samples painted by ``labels`` (ids 1..k in ``slots``' colours, 0 grey) in ``frame``.

    ``frame`` is the plot area as the page reported it (``{}`` or None: the
    whole data); ``selected``, a branch selection's samples (the others fade).
    """
    return raster_fig.render_clusters(
        projection, labels, slots, theme, raster_fig.Frame.from_store(frame, projection), selected
    )


def criterion_updates(view: ViewState) -> dict:
    """Dendrogram updates the cut criterion adds: for ``inconsistent``, the line hidden and a label.

    Returns
    -------
    dict
        ``{path: value}`` replacing ``layout.shapes`` and ``layout.annotations``,
        or empty for the height criteria (the figure's own cut line stays).
    """
    if view.criterion != INCONSISTENT:
        return {}
    return aids_fig.inconsistent_cut_updates(view.height, view.inconsistency_threshold, view.depth)


def cluster_summary(cut: Cut, slots: np.ndarray, mean_colours: list[str] | None = None) -> html.Div:
    """A colored chip per cluster with its size, in cluster order.

    ``mean_colours`` (CSS colours, one per cluster) puts each cluster's mean
    colour before its id: the clusters of an image's pixels.
    """
    sizes = _cluster_sizes(cut)
    shapes = scatter_fig.cluster_symbols(slots)

    def mean(cluster: int) -> list:
        if mean_colours is None:
            return []
        return [html.Span(className="mean-colour", style={"background": mean_colours[cluster - 1]})]

    chips = [
        html.Span(
            [*mean(cluster), cluster_swatch(int(slots[cluster - 1]), int(shapes[cluster - 1])), f"{cluster}: {size:,}"],
            className="chip",
            title=f"cluster {cluster}: {size:,} samples",
        )
        for cluster, size in list(sizes.items())[:MAX_CHIPS]
    ]
    if len(sizes) > MAX_CHIPS:
        chips.append(html.Span(f"+{len(sizes) - MAX_CHIPS} more", className="chip more"))
    return html.Div(chips, className="chips", title="cluster: number of samples")


def _cluster_sizes(cut: Cut) -> dict[int, int]:
    counts = np.bincount(cut.labels, minlength=cut.n_clusters + 1)[1:]
    return {cluster: int(size) for cluster, size in enumerate(counts, start=1)}
