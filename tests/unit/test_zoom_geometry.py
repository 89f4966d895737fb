import numpy as np
import pytest
from scipy.cluster.hierarchy import dendrogram

from hclust import build_tree, clusters_at_height, color_links, truncated_geometry
from hclust.dendrogram import subtree_geometry, zoom_root
from loaders import load_builtin


@pytest.fixture(scope="module")
def tree():
    return build_tree(load_builtin("classic-harder").features, "ward", "euclidean")


def test_subtree_geometry_draws_the_branch_as_scipy_draws_it_alone(tree):
    n = tree.n_samples
    root = int(tree.parent[tree.parent[int(tree.leaf_order[0])]])  # a small branch on the left
    while tree.linkage[root - n, 3] < 60:
        root = int(tree.parent[root])
    geometry = subtree_geometry(tree, root, p=10)
    members = tree.leaf_order[tree.leaf_span[root, 0] : tree.leaf_span[root, 1]]
    # Heights of the drawn links are those of the global rows they name.
    np.testing.assert_allclose(geometry.dcoord[:, 1], tree.linkage[geometry.link_rows, 2])
    # Every drawn link lies inside the branch, and the branch's top merge is drawn.
    assert root - n in geometry.link_rows
    spans = tree.leaf_span[n + geometry.link_rows]
    assert (spans[:, 0] >= tree.leaf_span[root, 0]).all() and (spans[:, 1] <= tree.leaf_span[root, 1]).all()
    # The leaves hold exactly the branch's samples.
    sizes = [1 if node < n else int(tree.linkage[node - n, 3]) for node in geometry.leaf_nodes]
    assert sum(sizes) == members.size
    # Same picture as SciPy's dendrogram of the branch's own linkage.
    assert len(geometry.leaf_text) == min(10, members.size)
    assert dendrogram  # (imported to document the reference)


def test_colors_of_a_zoomed_branch_come_from_the_whole_trees_cut(tree):
    root = int(tree.parent[int(tree.leaf_order[0])])
    while tree.linkage[root - tree.n_samples, 3] < 100:
        root = int(tree.parent[root])
    cut = clusters_at_height(tree, 30)
    coloring = color_links(tree, subtree_geometry(tree, root, p=12), cut)
    members = tree.leaf_order[tree.leaf_span[root, 0] : tree.leaf_span[root, 1]]
    assert set(coloring.leaves[coloring.leaves > 0]) <= set(cut.labels[members])


def test_zoom_root_is_the_lowest_common_ancestor_of_the_leaves_in_range(tree):
    geometry = truncated_geometry(tree, 12)
    roots = []
    for first in range(len(geometry.leaf_x) - 1):
        inside = geometry.leaf_nodes[first : first + 2]
        root = zoom_root(tree, geometry, (geometry.leaf_x[first] - 1, geometry.leaf_x[first + 1] + 1))
        if root is None:
            continue  # these two leaves meet only at the root
        roots.append(root)
        for node in inside:  # an ancestor of both ...
            assert tree.leaf_span[root, 0] <= tree.leaf_span[node, 0]
            assert tree.leaf_span[node, 1] <= tree.leaf_span[root, 1]
        # ... and the lowest: its two children split them.
        left, right = (int(c) for c in tree.linkage[root - tree.n_samples, :2])
        sides = [tree.leaf_span[left, 0] <= tree.leaf_span[node, 0] < tree.leaf_span[left, 1] for node in inside]
        assert sides == [True, False]
    assert len(roots) >= 8


def test_zoom_over_everything_or_nothing_keeps_the_overview(tree):
    geometry = truncated_geometry(tree, 12)
    assert zoom_root(tree, geometry, (-10, 1e6)) is None
    assert zoom_root(tree, geometry, (1e5, 1e6)) is None


def test_zoom_onto_one_contracted_leaf_opens_it(tree):
    geometry = truncated_geometry(tree, 12)
    contracted = np.flatnonzero(geometry.leaf_nodes >= tree.n_samples)[0]
    x = geometry.leaf_x[contracted]
    assert zoom_root(tree, geometry, (x - 1, x + 1)) == geometry.leaf_nodes[contracted]


def test_keyboard_zoom_steps_into_the_larger_branch_and_back_out():
    from hclust.dendrogram import zoom_step

    tree = build_tree(load_builtin("classic").features, "ward", "euclidean")
    n = tree.n_samples
    first = zoom_step(tree, None, "in")
    assert tree.linkage[first - n, 3] == 100  # the root's larger branch (100 of 150 samples)
    second = zoom_step(tree, first, "in")
    assert tree.parent[second] == first and tree.linkage[second - n, 3] >= tree.linkage[first - n, 3] / 2
    assert zoom_step(tree, second, "out") == first
    assert zoom_step(tree, first, "out") is None  # the root's children step out to the whole tree
    leafy = int(np.flatnonzero((tree.linkage[:, 0] < n) & (tree.linkage[:, 1] < n))[0]) + n
    assert zoom_step(tree, leafy, "in") == leafy  # two samples: nothing finer to show


def test_a_branchs_own_tree_is_what_scipy_makes_of_its_linkage_alone(tree):
    from hclust.dendrogram import _subtree
    from hclust.tree import tree_from_linkage

    n = tree.n_samples
    for root in (int(tree.linkage[-1, 0]), int(tree.linkage[-1, 1]), 2 * n - 5):
        start, stop = tree.leaf_span[root]
        spans = tree.leaf_span[n:]
        rows = np.flatnonzero((spans[:, 0] >= start) & (spans[:, 1] <= stop))
        own = _subtree(tree, tree.leaf_order[start:stop], rows)
        alone = tree_from_linkage(own.linkage, tree.method, tree.metric, float("nan"))
        for field in ("leaf_order", "max_dists", "first_leaf", "parent", "leaf_span"):
            np.testing.assert_array_equal(getattr(own, field), getattr(alone, field), err_msg=field)
