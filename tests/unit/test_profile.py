"""What sets a cluster apart: Cohen's d and Mann-Whitney U, checked against numpy and scipy."""

import math

import numpy as np
import pytest
from scipy.stats import mannwhitneyu
from sklearn.datasets import load_wine

from hclust import ClusteringError
from hclust.aids import Sampling
from hclust.profile import (
    LARGE_EFFECT,
    MEDIUM_EFFECT,
    PROFILE_CELLS,
    SMALL_EFFECT,
    FeatureRanking,
    describe,
    profile_clusters,
    rank_features,
)


def cohens_d(inside, outside):
    n1, n2 = len(inside), len(outside)
    pooled = math.sqrt(((n1 - 1) * np.var(inside, ddof=1) + (n2 - 1) * np.var(outside, ddof=1)) / (n1 + n2 - 2))
    return (np.mean(inside) - np.mean(outside)) / pooled


def ranking(names, effects, title="cluster 2"):
    effect = np.asarray(effects, dtype=float)
    empty = np.zeros(effect.size)
    return FeatureRanking(title, 5, tuple(names), effect, empty, empty, empty, 10, 10)


@pytest.mark.parametrize("members", [12, 5])  # asymptotic test (vectorised) and exact test (per column)
def test_golden_effects_and_p_values(members):
    rng = np.random.default_rng(7)
    features = rng.normal(size=(40, 4)) * [1.0, 2.0, 0.5, 3.0]
    inside = np.zeros(40, dtype=bool)
    inside[:members] = True
    features[inside, 1] += 3.0
    features[inside, 3] -= 2.0
    result = rank_features(features, ["a", "b", "c", "d"], inside, "group")
    for j, name in enumerate("abcd"):
        at = result.names.index(name)
        x, y = features[inside, j], features[~inside, j]
        assert result.effect[at] == pytest.approx(cohens_d(x, y), rel=1e-12)
        assert result.p_value[at] == pytest.approx(mannwhitneyu(x, y).pvalue, rel=1e-12)
        assert result.mean_in[at] == pytest.approx(x.mean()) and result.mean_out[at] == pytest.approx(y.mean())
    assert result.names[0] == "b" and result.effect[0] > 0
    assert np.all(np.diff(np.abs(result.effect)) <= 0)
    assert (result.title, result.size, result.n_used, result.n_total, result.sampled) == (
        "group",
        members,
        40,
        40,
        False,
    )


def test_exact_test_per_column_even_when_another_column_has_ties():
    rng = np.random.default_rng(1)
    features = np.column_stack([rng.normal(size=30), np.repeat([0.0, 1.0], 15)])
    inside = np.zeros(30, dtype=bool)
    inside[:4] = True
    result = rank_features(features, ["smooth", "tied"], inside, "g")
    at = result.names.index("smooth")
    assert result.p_value[at] == pytest.approx(mannwhitneyu(features[:4, 0], features[4:, 0]).pvalue, rel=1e-12)


def test_edge_cases():
    features = np.array([[2.0, 1.0, 5.0], [2.0, 1.0, 6.0], [2.0, 0.0, 7.0], [2.0, 0.0, 9.0]])
    result = rank_features(features, ["constant", "split", "spread"], np.array([True, True, False, False]), "g")
    effect = dict(zip(result.names, result.effect))
    assert effect["constant"] == 0.0
    assert effect["split"] == math.inf  # each group constant, and they differ
    assert result.names[0] == "split" and result.names[-1] == "constant"
    p_value = dict(zip(result.names, result.p_value))
    assert p_value["constant"] == 1.0


def test_one_member_has_an_effect_but_no_p_value():
    features = np.array([[5.0], [1.0], [2.0], [3.0]])
    result = rank_features(features, ["x"], np.array([True, False, False, False]), "g")
    assert result.effect[0] == pytest.approx((5.0 - 2.0) / 1.0)
    assert math.isnan(result.p_value[0])


def test_no_rest_has_nothing_to_compare():
    result = rank_features(np.array([[1.0, 2.0], [3.0, 4.0]]), ["x", "y"], np.array([True, True]), "g")
    assert np.isnan(result.effect).all() and np.isnan(result.p_value).all() and np.isnan(result.mean_out).all()
    assert describe(result) == "g: no feature sets it clearly apart"


def test_wine_class_0_is_set_apart_by_proline():
    wine = load_wine()
    result = rank_features(wine.data, wine.feature_names, wine.target == 0, "class 0")
    assert "proline" in result.names[:3]
    assert result.effect[result.names.index("proline")] >= LARGE_EFFECT
    assert describe(result).startswith("class 0: much higher in proline")


def test_profile_clusters_one_per_id_noise_in_the_rest():
    wine = load_wine()
    labels = wine.target + 1
    labels[:5] = 0
    rankings = profile_clusters(wine.data, wine.feature_names, labels)
    assert [r.title for r in rankings] == ["cluster 1", "cluster 2", "cluster 3"]
    assert [r.size for r in rankings] == [np.count_nonzero(labels == c) for c in (1, 2, 3)]
    alone = rank_features(wine.data, wine.feature_names, labels == 2, "cluster 2")
    np.testing.assert_array_equal(rankings[1].effect, alone.effect)
    assert rankings[1].names == alone.names


def test_wide_data_is_compared_on_a_sampled_subset_of_each_group():
    rng = np.random.default_rng(0)
    columns = 2000
    features = rng.normal(size=(1000, columns))
    inside = np.zeros(1000, dtype=bool)
    inside[:30] = True
    result = rank_features(features, [f"p{j}" for j in range(columns)], inside, "g", Sampling())
    cap = max(100, PROFILE_CELLS // columns)
    assert result.n_used == 30 + cap and result.sampled and result.size == 30
    assert len(result.names) == columns


def test_describe_wording():
    text = describe(ranking(["proline", "hue", "alcohol", "ash"], [1.5, -0.7, 0.3, 0.25]))
    assert text == "cluster 2: much higher in proline, lower in hue, slightly higher in alcohol"
    assert describe(ranking(["a", "b"], [-1.2, 0.5]), top=1) == "cluster 2: much lower in a"
    assert describe(ranking(["a", "b"], [0.19, 0.1])) == "cluster 2: no feature sets it clearly apart"
    assert (LARGE_EFFECT, MEDIUM_EFFECT, SMALL_EFFECT) == (1.2, 0.5, 0.2)
    assert describe(ranking(["a"], [math.inf])) == "cluster 2: much higher in a"


@pytest.mark.parametrize(
    ("features", "names", "members", "message"),
    [
        (np.zeros((3, 0)), [], [True, False, False], "needs feature columns, not a distance matrix"),
        (np.array([[np.nan], [1.0]]), ["x"], [True, False], "finite"),
        (np.zeros((2, 2)), ["x"], [True, False], "one name per feature column: 2 columns, 1 names"),
        (np.zeros((2, 1)), ["x"], [1, 0], "True/False flag for each of the 2 rows"),
        (np.zeros((2, 1)), ["x"], [True], "each of the 2 rows"),
        (np.zeros((2, 1)), ["x"], [False, False], "no members"),
    ],
)
def test_errors_name_the_rule(features, names, members, message):
    with pytest.raises(ClusteringError, match=message):
        rank_features(features, names, np.asarray(members), "g")


def test_profile_and_describe_errors():
    with pytest.raises(ClusteringError, match="one cluster id"):
        profile_clusters(np.zeros((3, 1)), ["x"], np.array([1, 2]))
    with pytest.raises(ClusteringError, match="one cluster id"):
        profile_clusters(np.zeros((2, 1)), ["x"], np.array([1, -1]))
    with pytest.raises(ClusteringError, match="whole number from 1"):
        describe(ranking(["a"], [1.0]), top=0)
