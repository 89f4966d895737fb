"""The reference numbers of docs/workflow.md, sections 2 to 5 (classic example, ward)."""

from pathlib import Path

import numpy as np
import pytest

from hclust import build_tree, clusters_at_height, clusters_for_k, elbow_k
from hclust.aids import inconsistency_table
from loaders import load_builtin

TUTORIAL_CSV = Path(__file__).parents[1] / "data" / "tutorial_150.csv"


@pytest.fixture(scope="module")
def classic_features():
    return load_builtin("classic").features


@pytest.fixture(scope="module")
def ward_tree(classic_features):
    return build_tree(classic_features, "ward", "euclidean")


def _rounded(row):
    return [round(float(v), 5) for v in row]


# Section 1: the data the numbers are computed on.


def test_classic_data_equals_tutorial_csv_exactly(classic_features):
    reference = np.loadtxt(TUTORIAL_CSV, delimiter=",", skiprows=1)
    assert classic_features.shape == (150, 2)
    assert np.array_equal(classic_features, reference)


def test_loading_classic_does_not_touch_global_random_state():
    np.random.seed(123)
    expected = np.random.random_sample(3)
    np.random.seed(123)
    load_builtin("classic")
    assert np.array_equal(np.random.random_sample(3), expected)


# Section 2: linkage.


def test_ward_linkage_has_n_minus_1_rows_of_four_columns(ward_tree):
    assert ward_tree.linkage.shape == (149, 4)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (0, [52, 53, 0.04151, 2]),
        (1, [14, 79, 0.05914, 2]),
        (2, [33, 68, 0.07107, 2]),
    ],
)
def test_first_ward_merges_match_reference(ward_tree, row, expected):
    assert _rounded(ward_tree.linkage[row]) == expected


def test_last_four_ward_merge_heights_match_reference(ward_tree):
    assert _rounded(ward_tree.linkage[-4:, 2]) == [15.11533, 17.11527, 23.12199, 180.27043]


def test_row_13_merges_sample_62_with_cluster_152_of_samples_33_and_68(ward_tree):
    z = ward_tree.linkage
    n = ward_tree.n_samples
    assert sorted(int(i) for i in z[13, :2]) == [62, 152]
    assert sorted(int(i) for i in z[152 - n, :2]) == [33, 68]
    assert z[13, 3] == 3


# Section 3: cophenetic correlation.


def test_ward_cophenetic_correlation_is_0_98001(ward_tree):
    assert round(ward_tree.cophenetic, 5) == 0.98001
    assert abs(ward_tree.cophenetic - 0.9800148387574266) < 1e-12


# Section 5: choosing the cut.


def test_cut_at_50_gives_two_clusters(ward_tree):
    assert clusters_at_height(ward_tree, 50).n_clusters == 2


def test_cut_at_16_gives_four_clusters(ward_tree):
    assert clusters_at_height(ward_tree, 16).n_clusters == 4


def test_two_clusters_by_count_are_the_100_and_50_point_groups(ward_tree):
    cut = clusters_for_k(ward_tree, 2)
    assert cut.n_clusters == 2
    assert sorted(np.bincount(cut.labels)[1:].tolist()) == [50, 100]
    # The first 100 samples were drawn around (10, 0), the last 50 around (0, 20).
    assert len(set(cut.labels[:100])) == 1
    assert len(set(cut.labels[100:])) == 1


def test_elbow_suggests_two_clusters_for_classic(ward_tree):
    assert elbow_k(ward_tree) == 2


def test_elbow_suggests_four_clusters_for_classic_harder_although_it_has_five_groups():
    tree = build_tree(load_builtin("classic-harder").features, "ward", "euclidean")
    assert elbow_k(tree) == 4


def test_inconsistency_coefficient_of_last_merge_depends_on_depth(ward_tree):
    """Reference: last row, depth 5 gives 5.22936, depth 3 gives 2.25872."""
    assert round(float(inconsistency_table(ward_tree, depth=5).coefficient[0]), 5) == 5.22936
    assert round(float(inconsistency_table(ward_tree, depth=3).coefficient[0]), 5) == 2.25872
