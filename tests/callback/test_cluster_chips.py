"""The cluster chips under the scatter read well for large clusters."""

import numpy as np

from callbacks.render import cluster_summary
from hclust import build_tree, clusters_at_height


def _texts(component) -> list[str]:
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, list):
        children = [children]
    return [text for child in children for text in _texts(child)]


def test_chip_sizes_have_thousands_separators():
    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(0, 1, size=(1200, 2)), rng.normal(50, 1, size=(300, 2))])
    tree = build_tree(features, "ward", "euclidean")
    cut = clusters_at_height(tree, float(tree.linkage[-1, 2]) / 2)

    texts = _texts(cluster_summary(cut, np.arange(cut.n_clusters)))

    chips = {text for text in texts if ":" in text}
    assert chips in ({"1: 1,200", "2: 300"}, {"1: 300", "2: 1,200"})  # numbered left to right
