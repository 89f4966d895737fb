"""The dendrogram figure's labels stay readable whatever the data's scale and size."""

import numpy as np
import pytest

from figures.dendrogram import dendrogram_figure, height_label
from hclust import build_tree, clusters_at_height, color_links, truncated_geometry
from loaders import load_builtin


@pytest.mark.parametrize(
    ("height", "label"),
    [(9.8412, "9.84"), (180.0, "180"), (1549.6, "1,550"), (123456.7, "123,457"), (0.001234, "0.00123"), (0, "0")],
)
def test_height_labels_have_three_digits_and_no_exponent(height, label):
    assert height_label(height) == label


def _figure(features):
    tree = build_tree(features, "ward", "euclidean")
    geometry = truncated_geometry(tree, 12)
    height = float(tree.linkage[-2, 2])
    cut = clusters_at_height(tree, height)
    return dendrogram_figure(tree, geometry, color_links(tree, geometry, cut), np.arange(cut.n_clusters), height)


def test_short_leaf_labels_stand_upright():
    figure = _figure(load_builtin("classic").features)  # "(23)", "40", ...

    assert figure.layout.xaxis.tickangle == 0


def test_leaf_labels_that_would_run_together_are_turned():
    features = np.random.default_rng(0).normal(size=(12_000, 2))  # 12 leaves of about 1,000: "(1003)(987)..."

    figure = _figure(features)

    assert figure.layout.xaxis.tickangle == -90
    assert max(len(text) for text in figure.layout.xaxis.ticktext) >= 5
