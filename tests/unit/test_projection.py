"""The scatter plot's plane: features as they are, or PCA."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from hclust import project_to_plane
from loaders import load_builtin


def test_two_features_are_shown_as_they_are_with_column_names_as_axis_titles():
    dataset = load_builtin("classic")
    projection = project_to_plane(dataset.features, list(dataset.feature_names))
    np.testing.assert_array_equal(projection.x, dataset.features[:, 0])
    np.testing.assert_array_equal(projection.y, dataset.features[:, 1])
    assert (projection.x_title, projection.y_title) == ("x", "y")


def test_two_features_keep_custom_column_names():
    features = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
    projection = project_to_plane(features, ["height", "weight"])
    assert (projection.x_title, projection.y_title) == ("height", "weight")
    assert "height" in projection.description and "weight" in projection.description


def test_one_feature_is_plotted_against_the_sample_index():
    features = np.array([[3.0], [1.0], [2.0], [8.0]])
    projection = project_to_plane(features, ["score"])
    np.testing.assert_array_equal(projection.x, [3.0, 1.0, 2.0, 8.0])
    np.testing.assert_array_equal(projection.y, [0.0, 1.0, 2.0, 3.0])
    assert projection.x_title == "score"
    assert projection.y_title == "sample index"


@pytest.mark.parametrize("key", ["iris", "wine", "digits"])
def test_more_than_two_features_are_projected_with_pca(key):
    dataset = load_builtin(key)
    projection = project_to_plane(dataset.features, list(dataset.feature_names))
    reference = PCA(n_components=2, svd_solver="full").fit(dataset.features)
    share = reference.explained_variance_ratio_ * 100
    assert projection.x_title.startswith("PC1")
    assert projection.y_title.startswith("PC2")
    assert "% of variance" in projection.x_title
    assert "% of variance" in projection.y_title
    assert projection.x_title == f"PC1 ({share[0]:.1f}% of variance)"
    assert projection.y_title == f"PC2 ({share[1]:.1f}% of variance)"
    assert f"{share.sum():.1f}%" in projection.description
    assert projection.x.shape == projection.y.shape == (dataset.n_samples,)


def test_pca_coordinates_match_sklearn_up_to_sign():
    features = load_builtin("iris").features
    projection = project_to_plane(features, ["a", "b", "c", "d"])
    plane = PCA(n_components=2, svd_solver="full").fit_transform(features)
    np.testing.assert_allclose(np.abs(projection.x), np.abs(plane[:, 0]), atol=1e-9)
    np.testing.assert_allclose(np.abs(projection.y), np.abs(plane[:, 1]), atol=1e-9)
    assert np.var(projection.x) >= np.var(projection.y)


def test_iris_first_component_explains_92_5_percent():
    features = load_builtin("iris").features
    projection = project_to_plane(features, ["a", "b", "c", "d"])
    assert projection.x_title == "PC1 (92.5% of variance)"


def test_projection_is_deterministic():
    features = load_builtin("wine").features
    first = project_to_plane(features, [str(i) for i in range(13)])
    second = project_to_plane(features, [str(i) for i in range(13)])
    np.testing.assert_array_equal(first.x, second.x)
    np.testing.assert_array_equal(first.y, second.y)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_identical_samples_do_not_give_nan_percent_in_axis_titles():
    projection = project_to_plane(np.ones((5, 3)), ["a", "b", "c"])
    assert "nan" not in projection.x_title
    assert "nan" not in projection.description


def test_two_features_in_the_same_units_are_drawn_to_the_same_scale():
    moons = load_builtin("moons")
    assert project_to_plane(moons.features, moons.feature_names).equal_scale


def test_two_features_of_very_different_spread_keep_their_own_scales():
    rng = np.random.default_rng(0)
    features = np.column_stack([rng.normal(0, 1, 50), rng.normal(0, 60, 50)])  # e.g. width (cm) and weight (g)
    assert not project_to_plane(features, ["width", "weight"]).equal_scale
    assert not project_to_plane(np.c_[features, features], ["a", "b", "c", "d"]).equal_scale  # a PCA plane
