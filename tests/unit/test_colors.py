import numpy as np
import pytest

from hclust import build_tree, clusters_at_height
from hclust.colors import MAX_REMEMBERED_CLUSTERS, assign_color_slots, remembered_slots
from loaders import load_builtin

N_SLOTS = 8


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


def colors_of_samples(cut, slots):
    return slots[cut.labels - 1]


def test_first_cut_cycles_the_palette_left_to_right():
    slots = assign_color_slots(np.arange(10, 20), None, N_SLOTS)
    assert slots.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 0, 1]


def test_clusters_left_whole_by_a_moved_cut_keep_their_colors(classic_tree):
    before = clusters_at_height(classic_tree, 100)  # 2 clusters
    before_slots = assign_color_slots(before.roots, None, N_SLOTS)
    after = clusters_at_height(classic_tree, 20)  # the right cluster splits in two
    after_slots = assign_color_slots(after.roots, remembered_slots(before.roots, before_slots), N_SLOTS)
    assert after.n_clusters == 3
    unchanged = set(before.roots.tolist()) & set(after.roots.tolist())
    assert len(unchanged) == 1
    for root in unchanged:
        old = before_slots[before.roots.tolist().index(root)]
        new = after_slots[after.roots.tolist().index(root)]
        assert old == new
    # Every sample of the unchanged cluster is drawn in the same color as before.
    members = np.isin(before.labels, [before.roots.tolist().index(r) + 1 for r in unchanged])
    np.testing.assert_array_equal(
        colors_of_samples(before, before_slots)[members], colors_of_samples(after, after_slots)[members]
    )


def test_new_clusters_take_unused_colors_first(classic_tree):
    before = clusters_at_height(classic_tree, 100)
    before_slots = assign_color_slots(before.roots, None, N_SLOTS)
    after = clusters_at_height(classic_tree, 16)
    after_slots = assign_color_slots(after.roots, remembered_slots(before.roots, before_slots), N_SLOTS)
    assert len(set(after_slots.tolist())) == after.n_clusters  # 4 clusters, 4 distinct colors


def test_roots_are_the_top_node_of_each_cluster(classic_tree):
    cut = clusters_at_height(classic_tree, 16)
    n = classic_tree.n_samples
    for cluster, root in enumerate(cut.roots, start=1):
        members = np.flatnonzero(cut.labels == cluster)
        size = 1 if root < n else int(classic_tree.linkage[root - n, 3])
        assert size == members.size
        assert cut.labels[classic_tree.first_leaf[root]] == cluster


def test_too_many_clusters_are_not_remembered():
    roots = np.arange(MAX_REMEMBERED_CLUSTERS + 1)
    assert remembered_slots(roots, roots % N_SLOTS) == {}
