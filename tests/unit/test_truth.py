"""Scores against known classes: scikit-learn's own numbers, and the handbook's majority mapping."""

import math

import numpy as np
import pytest
from scipy.stats import mode
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits, load_iris
from sklearn.metrics import accuracy_score, adjusted_rand_score, normalized_mutual_info_score
from threadpoolctl import threadpool_limits

from hclust import ClusteringError, build_tree, clusters_for_k
from hclust.truth import score_against_classes


def test_scores_are_sklearns_own():
    iris = load_iris()
    labels = clusters_for_k(build_tree(iris.data, "ward", "euclidean"), 3).labels
    names = iris.target_names[iris.target]
    scores = score_against_classes(labels, list(names))
    assert scores.ari == adjusted_rand_score(names, labels)
    assert scores.nmi == normalized_mutual_info_score(names, labels)
    assert scores.classes == ("setosa", "versicolor", "virginica")
    assert scores.n_samples == 150 and scores.n_missing == 0
    assert scores.table.sum() == 150 and scores.table.dtype == np.int64


def test_hand_made_table_and_majority():
    labels = np.array([1, 1, 1, 2, 2, 2, 2, 3, 3, 0])
    classes = ["a", "a", "b", "b", "b", "c", "b", "c", "c", "a"]
    scores = score_against_classes(labels, classes)
    assert scores.clusters.tolist() == [0, 1, 2, 3]
    assert scores.classes == ("a", "b", "c")
    assert scores.table.tolist() == [[1, 0, 0], [2, 1, 0], [0, 3, 1], [0, 0, 2]]
    assert scores.majority == ("a", "a", "b", "c")
    assert scores.accuracy == pytest.approx((1 + 2 + 3 + 2) / 10)


def test_majority_tie_goes_to_the_first_class_in_natural_order():
    scores = score_against_classes(np.array([1, 1, 2, 2]), ["10", "2", "b", "a"])
    assert scores.classes == ("2", "10", "a", "b")
    assert scores.majority == ("2", "a")


def test_natural_order_of_class_names():
    names = ["10", "2", "-1", "1.5", "class 10", "class 2", "B", "a"]
    scores = score_against_classes(np.arange(1, 9), names)
    assert scores.classes == ("-1", "1.5", "2", "10", "a", "B", "class 2", "class 10")


def test_numbers_and_whole_floats_are_named_as_text():
    scores = score_against_classes(np.array([1, 1, 2]), np.array([3.0, 3.0, 12.0]))
    assert scores.classes == ("3", "12")
    assert scores.accuracy == 1.0


def test_missing_classes_are_left_out():
    labels = np.array([1, 1, 2, 2, 2])
    scores = score_against_classes(labels, ["x", None, "y", math.nan, "  "])
    assert scores.n_samples == 2 and scores.n_missing == 3
    assert scores.table.tolist() == [[1, 0], [0, 1]]
    assert scores.ari == adjusted_rand_score(["x", "y"], [1, 2])


def test_no_cluster_is_one_more_row():
    labels = np.array([0, 0, 1, 1, 2, 2])
    classes = ["n", "n", "p", "p", "q", "p"]
    scores = score_against_classes(labels, classes)
    assert scores.clusters.tolist() == [0, 1, 2]
    assert scores.majority[0] == "n"
    assert scores.ari == adjusted_rand_score(classes, labels)


def test_handbook_digits_kmeans_accuracy():
    digits = load_digits()
    with threadpool_limits(limits=1, user_api="openmp"):
        clusters = KMeans(n_clusters=10, random_state=0, n_init=10).fit_predict(digits.data)
    mapped = np.zeros_like(clusters)
    for i in range(10):
        mask = clusters == i
        mapped[mask] = mode(digits.target[mask])[0]
    expected = accuracy_score(digits.target, mapped)
    scores = score_against_classes(clusters + 1, digits.target.astype(str))
    assert scores.accuracy == pytest.approx(expected, abs=1e-12)
    assert 0.78 <= scores.accuracy <= 0.81
    assert scores.classes == tuple(str(d) for d in range(10))


@pytest.mark.parametrize(
    ("labels", "classes", "message"),
    [
        ([1, 2], ["a"], "2 cluster labels but 1 classes"),
        ([], [], "no samples"),
        ([1, 2], [None, ""], "every class is missing"),
        ([1, -1], ["a", "b"], "whole numbers"),
        ([1, 1.5], ["a", "b"], "whole numbers"),
        ([[1, 2]], ["a", "b"], "one id per sample"),
    ],
)
def test_errors_name_the_rule(labels, classes, message):
    with pytest.raises(ClusteringError, match=message):
        score_against_classes(np.asarray(labels), classes)
