"""Small dendrograms and scatters for the methods side by side.

They are the main view's figures (:mod:`figures.dendrogram`,
:mod:`figures.scatter`), made compact: a fixed small height, narrow margins,
no leaf labels or merge heights, no cut-line label, and nothing to drag.
Colors follow the main view's rule for a first cut: clusters take the
palette slots left to right along their own tree.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures import raster
from figures.dendrogram import LEAF_TRACE, N_COLOR_TRACES, dendrogram_figure
from figures.scatter import scatter_figure
from figures.style import BASE_FONT_SIZE, N_SLOTS
from figures.theme import LIGHT, Theme
from hclust import Cut, DendrogramGeometry, LinkColoring, Projection, Tree
from hclust.colors import assign_color_slots

DENDROGRAM_HEIGHT_PX = 170
SCATTER_HEIGHT_PX = 190
# Legible from the back of a room, as the rest of the page.
SMALL_FONT_SIZE = max(BASE_FONT_SIZE, 16)
_MARGIN = {"l": 48, "r": 8, "t": 8, "b": 8}


def first_cut_slots(cut: Cut) -> np.ndarray:
    """Palette slots of a cut with no previous cut to remember: left to right, cycling."""
    return assign_color_slots(cut.roots, None, N_SLOTS)


def small_dendrogram(
    tree: Tree,
    geometry: DendrogramGeometry,
    coloring: LinkColoring,
    cut: Cut,
    revision: str = "",
    theme: Theme = LIGHT,
) -> go.Figure:
    """A compact truncated dendrogram with the cut's clusters colored and the cut line dashed.

    Parameters
    ----------
    tree : Tree
    geometry : DendrogramGeometry
        Usually the main view's truncation (the last 12 merges).
    coloring : LinkColoring
        ``color_links(tree, geometry, cut)``.
    cut : Cut
        The clusters; its height is where the line is drawn.
    revision : str
        ``uirevision`` (zoom survives a redraw while it stays the same).

    Returns
    -------
    plotly.graph_objects.Figure
        :func:`figures.dendrogram.dendrogram_figure` with no merge labels,
        no leaf labels, no cut-line label, and no click-to-cut.
    """
    figure = dendrogram_figure(
        tree,
        geometry,
        coloring,
        first_cut_slots(cut),
        cut.height,
        annotate_above=np.inf,
        revision=revision,
        theme=theme,
    )
    for trace in figure.data[:N_COLOR_TRACES]:
        trace.line.width = 2
    figure.data[LEAF_TRACE].marker.size = 8
    figure.layout.annotations = ()  # the cut line's "drag me" label: these lines do not move
    figure.update_layout(clickanywhere=False, dragmode=False)
    figure.update_xaxes(showticklabels=False)
    figure.update_yaxes(title=None, nticks=4)
    return _compact(figure, DENDROGRAM_HEIGHT_PX)


def small_scatter(
    projection: Projection,
    cut: Cut,
    sample_names: tuple[str, ...] | None,
    webgl: bool,
    revision: str = "",
    theme: Theme = LIGHT,
) -> go.Figure:
    """A compact scatter of the samples in the main view's plane, colored by ``cut``.

    Parameters
    ----------
    projection : Projection
        The main scatter's 2-D projection.
    cut : Cut
    sample_names : tuple of str, optional
        Shown on hover.
    webgl : bool
        Draw with ``Scattergl``.
    revision : str
        ``uirevision``.

    Returns
    -------
    plotly.graph_objects.Figure
        :func:`figures.scatter.scatter_figure` with smaller markers and no
        axis titles or tick labels (the main scatter names the axes).
    """
    figure = scatter_figure(
        projection, cut, first_cut_slots(cut), sample_names, webgl=webgl, revision=revision, theme=theme
    )
    n = projection.x.size
    figure.data[0].marker.size = 6 if n <= 1000 else 4 if n <= 10_000 else 3
    figure.update_layout(dragmode="pan")
    figure.update_xaxes(title=None, showticklabels=False)
    figure.update_yaxes(title=None, showticklabels=False)
    return _compact(figure, SCATTER_HEIGHT_PX, left=8)


def small_image_scatter(projection: Projection, cut: Cut, revision: str = "", theme: Theme = LIGHT) -> go.Figure:
    """:func:`small_scatter` for data drawn as an image (``figures/raster.py``): the whole data, card-sized.

    The card's image is of the whole data and is not drawn again on zoom (the
    main scatter is); it is a small picture of the same samples, coloured by ``cut``.
    """
    frame = raster.Frame.whole(projection, 320, SCATTER_HEIGHT_PX)
    image = raster.render_clusters(projection, cut.labels, first_cut_slots(cut), theme, frame)
    figure = raster.raster_figure(projection, image, revision=revision, theme=theme)
    figure.update_layout(dragmode="pan")
    figure.update_xaxes(title=None, showticklabels=False)
    figure.update_yaxes(title=None, showticklabels=False)
    return _compact(figure, SCATTER_HEIGHT_PX, left=8)


def _compact(figure: go.Figure, height: int, left: int = _MARGIN["l"]) -> go.Figure:
    figure.update_layout(
        height=height,
        autosize=True,
        margin={**_MARGIN, "l": left},
        showlegend=False,
        font={"size": SMALL_FONT_SIZE},
        hoverlabel={"font": {"size": SMALL_FONT_SIZE}},
    )
    return figure
