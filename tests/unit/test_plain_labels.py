"""Labels and names are drawn as text: markup in a user's file is shown as written, never rendered."""

from __future__ import annotations

import numpy as np

from figures import dendrogram as dendrogram_fig
from figures import scatter as scatter_fig
from figures.style import plain
from hclust import build_tree, clusters_for_k, color_links, project_to_plane, truncated_geometry

LABELS = ("<b>bold</b>", "a<br>b", '<a href="https://example.org">x</a>', "R&amp;D", "plain")


def test_markup_is_escaped_so_plotly_draws_the_characters():
    assert plain("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert plain("R&amp;D") == "R&amp;amp;D"  # an entity in a label stays the text it is
    assert plain("plain") == "plain"


def test_the_scatter_and_the_dendrogram_draw_labels_as_text():
    points = np.random.default_rng(0).normal(size=(5, 2))
    tree = build_tree(points, "ward", "euclidean")
    cut = clusters_for_k(tree, 2)
    slots = np.array([0, 1])
    scatter = scatter_fig.scatter_figure(project_to_plane(points, ["<i>x</i>", "y"]), cut, slots, LABELS, webgl=False)
    assert not any("<" in text for text in scatter.data[0].text)
    assert "<i>" not in scatter.layout.xaxis.title.text
    geometry = truncated_geometry(tree, 5, list(LABELS))
    figure = dendrogram_fig.dendrogram_figure(tree, geometry, color_links(tree, geometry, cut), slots, cut.height, None)
    assert not any("<" in text for text in figure.layout.xaxis.ticktext)
    assert "&lt;b&gt;bold&lt;/b&gt;" in figure.layout.xaxis.ticktext
