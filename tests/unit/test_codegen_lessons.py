"""The generated code's lesson steps run and print the app's own numbers; the image recipe redraws the picture."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image
from sklearn.metrics import adjusted_rand_score

from hclust import CutRule, build_tree
from hclust.algorithms import COMPARISON_ALGORITHMS, fit_algorithm
from hclust.truth import score_against_classes
from loaders import load_builtin, with_scaling
from loaders.codegen import python_code
from loaders.codegen_lessons import lesson_code
from loaders.recolor import cluster_colors, recolor


def generated(dataset, k: int, algorithm: str | None = None, image: bool = False) -> str:
    """The script of a ward view cut into k clusters, with the lesson steps (as ``callbacks.clusters.view_code``)."""
    lessons = lesson_code(dataset.classes is not None, algorithm, k, image)
    return python_code(dataset.provenance, "ward", "euclidean", CutRule.into(k), dataset.name, (), lessons)


def run(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)  # noqa: S102 - the code under test
    return namespace


def printed_number(out: str, label: str) -> float:
    match = re.search(rf"^{re.escape(label)}:? (\S+)$", out, flags=re.MULTILINE)
    assert match, (label, out)
    return float(match.group(1))


@pytest.fixture(scope="module")
def iris():
    dataset = load_builtin("iris")
    return dataset, CutRule.into(3).apply(build_tree(dataset.features, "ward", "euclidean"))


def test_scores_against_the_classes_print_the_apps_numbers(iris, capsys):
    dataset, cut = iris
    namespace = run(generated(dataset, 3))
    out = capsys.readouterr().out

    app = score_against_classes(cut.labels, dataset.classes)
    np.testing.assert_array_equal(namespace["clusters"], cut.labels)
    assert printed_number(out, "adjusted Rand index") == round(app.ari, 4)
    assert printed_number(out, "normalised mutual information") == round(app.nmi, 4)
    assert printed_number(out, "accuracy (each cluster read as its majority class)") == round(app.accuracy, 4)
    np.testing.assert_array_equal(namespace["table"], app.table)  # the app's contingency table
    assert round(app.ari, 4) == 0.7312  # ward on iris: the textbook number


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")  # spectral on iris (the app notes it)
@pytest.mark.parametrize("algorithm", ["kmeans", "gmm", "spectral"])
def test_another_algorithm_prints_the_apps_scores(iris, algorithm, capsys):
    dataset, cut = iris
    namespace = run(generated(dataset, 3, algorithm))
    out = capsys.readouterr().out

    fit = fit_algorithm(algorithm, dataset.features, 3)
    assert COMPARISON_ALGORITHMS[algorithm].code(3) in generated(dataset, 3, algorithm)
    assert adjusted_rand_score(namespace["other"], fit.labels) == pytest.approx(1.0)  # the same fit
    with_tree = adjusted_rand_score(cut.labels, fit.labels)
    assert printed_number(out, "adjusted Rand index with the tree's clusters") == round(with_tree, 4)
    with_classes = score_against_classes(fit.labels, dataset.classes).ari
    assert printed_number(out, "... and with the true classes") == round(with_classes, 4)


@pytest.mark.parametrize("scaling", ["none", "standardize"])
def test_the_china_recipe_redraws_the_picture_as_the_app_does(scaling, tmp_path, monkeypatch, capsys):
    k = 8
    dataset = with_scaling(load_builtin("china"), scaling)
    cut = CutRule.into(k).apply(build_tree(dataset.features, "ward", "euclidean"))
    monkeypatch.chdir(tmp_path)

    namespace = run(generated(dataset, k, image=True))

    np.testing.assert_array_equal(namespace["X"], dataset.features)
    np.testing.assert_array_equal(namespace["clusters"], cut.labels)
    redrawn = np.asarray(Image.open(tmp_path / "redrawn.png").convert("RGB"))
    assert redrawn.shape == dataset.image.pixels.shape
    colours = np.unique(redrawn.reshape(-1, 3), axis=0)
    assert len(colours) <= k
    # The app's picture: each pixel in its nearest cluster's mean colour (of the pixels' own colours).
    own = dataset.image.flat[dataset.image.sample_index]
    np.testing.assert_array_equal(redrawn, recolor(dataset.image, cluster_colors(own, cut.labels)))
    assert f"cluster sizes: {np.bincount(cut.labels)[1:].tolist()}" in capsys.readouterr().out
