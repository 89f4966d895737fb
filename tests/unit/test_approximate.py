import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, is_valid_linkage, linkage
from sklearn.metrics import adjusted_rand_score

from hclust import build_tree, clusters_for_k
from hclust.approximate import build_approximate_tree, choose_representatives, expand_linkage
from loaders import Dataset, load_builtin
from state.session_store import SessionStore


@pytest.fixture(scope="module")
def three_groups():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(center, 1.0, size=(1500, 2)) for center in (0, 8, 16)])


@pytest.mark.parametrize("how", ["kmeans", "sample"])
def test_representatives_cover_every_sample_and_are_all_used(three_groups, how):
    reps = choose_representatives(three_groups, 200, how)
    assert reps.assignment.shape == (len(three_groups),)
    assert set(np.unique(reps.assignment)) == set(range(len(reps.points)))
    assert len(reps.points) <= 200


@pytest.mark.parametrize("k", [2, 3, 7, 20])
def test_expanded_tree_cuts_like_the_representatives_tree(three_groups, k):
    reps = choose_representatives(three_groups, 150, "sample")
    small = linkage(reps.points, "average")
    full = expand_linkage(small, reps.assignment)
    assert is_valid_linkage(full)
    assert full.shape == (len(three_groups) - 1, 4)
    assert full[-1, 3] == len(three_groups)
    expected = fcluster(small, k, "maxclust")[reps.assignment]
    assert adjusted_rand_score(fcluster(full, k, "maxclust"), expected) == pytest.approx(1.0)


def test_approximate_tree_covers_all_samples_and_says_how(three_groups):
    tree = build_approximate_tree(three_groups, "ward", "euclidean", m=300, how="kmeans")
    assert tree.n_samples == len(three_groups)
    assert "Approximate tree" in tree.note and "300 representatives" in tree.note and "k-means" in tree.note
    cut = clusters_for_k(tree, 3)
    assert sorted(np.bincount(cut.labels)[1:].tolist()) == [1500, 1500, 1500]
    assert 0 < tree.cophenetic <= 1


def test_small_data_gets_the_exact_tree():
    features = load_builtin("classic").features
    tree = build_approximate_tree(features, "ward", "euclidean", m=2000)
    np.testing.assert_allclose(tree.linkage, build_tree(features, "ward", "euclidean").linkage)
    assert "the tree is exact" in tree.note


def test_store_builds_the_tree_of_the_chosen_mode(tmp_path, three_groups):
    store = SessionStore.open(str(tmp_path), 100, 60)
    ref = store.put_dataset("s", Dataset(name="groups", features=three_groups, feature_names=("a", "b")))
    exact = store.tree(ref, "average", "euclidean")
    approximate = store.tree(ref, "average", "euclidean", mode="sample-2000")
    assert exact.note == "" and "Approximate" in approximate.note
    assert store.tree(ref, "average", "euclidean", mode="exact").note == ""
