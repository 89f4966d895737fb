"""Built-in example datasets, generated or shipped locally (nothing is downloaded)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from sklearn import datasets as sk_datasets

from loaders.dataset import Dataset
from loaders.errors import DataError
from loaders.images import pixel_grid_shape, sample_image

_COVARIANCE = [[3, 1], [1, 4]]


@dataclass(frozen=True)
class BuiltinDataset:
    """One entry of the dataset menu.

    Attributes
    ----------
    key : str
        Stable id used in the UI and the URL.
    title : str
        Menu text.
    description : str
        One sentence on what it shows.
    make : callable
        Builds the :class:`Dataset` on demand.
    lesson : str
        What to try with it, shown on the page under the data: the lesson
        the example is there for.
    units : str
        When every column is measured in the same units (digits' pixel
        intensities), what they are; then scaling is not advised.
    """

    key: str
    title: str
    description: str
    make: Callable[[], Dataset]
    lesson: str = ""
    units: str = ""


def classic_points() -> np.ndarray:
    """The reference workflow's 150 x 2 example (two groups).

    Returns
    -------
    ndarray of shape (150, 2)
        ``np.random.seed(4711)``; 100 points around (10, 0) and 50 around
        (0, 20), covariance ``[[3, 1], [1, 4]]``.
    """
    return _classic_stream(harder=False)


def classic_harder_points() -> np.ndarray:
    """The classic example continued with three wider groups (750 x 2, five groups)."""
    return _classic_stream(harder=True)


def _classic_stream(harder: bool) -> np.ndarray:
    # A private RandomState seeded 4711 draws the same stream as
    # np.random.seed(4711) followed by np.random.multivariate_normal calls,
    # without touching NumPy's global state.
    rng = np.random.RandomState(4711)
    a = rng.multivariate_normal([10, 0], _COVARIANCE, size=[100])
    b = rng.multivariate_normal([0, 20], _COVARIANCE, size=[50])
    points = [a, b]
    if harder:
        points.append(rng.multivariate_normal([40, 40], [[20, 1], [1, 30]], size=[200]))
        points.append(rng.multivariate_normal([80, 80], [[30, 1], [1, 30]], size=[200]))
        points.append(rng.multivariate_normal([0, 100], [[100, 1], [1, 100]], size=[200]))
    return np.concatenate(points)


def _xy(name: str, points: np.ndarray, classes=None) -> Dataset:
    return Dataset(
        name=name, features=np.asarray(points, dtype=float), feature_names=("x", "y"), classes=_class_names(classes)
    )


def _class_names(classes, names=None) -> tuple[str, ...] | None:
    """The true class of each sample as text: a target's names, or its numbers."""
    if classes is None:
        return None
    if names is not None:
        return tuple(str(names[c]) for c in classes)
    return tuple(str(c) for c in classes)


def _groups(sizes: list[int]) -> np.ndarray:
    """The classic examples' groups: the first sizes[0] points are group 1, and so on."""
    return np.repeat(np.arange(1, len(sizes) + 1), sizes)


def _make_blobs() -> Dataset:
    points, classes = sk_datasets.make_blobs(n_samples=300, centers=4, cluster_std=0.60, random_state=0)
    return _xy("Blobs", points, classes)


def _make_moons() -> Dataset:
    points, classes = sk_datasets.make_moons(200, noise=0.05, random_state=0)
    return _xy("Moons", points, classes)


def _sklearn_bunch(name: str, bunch) -> Dataset:
    feature_names = tuple(str(c) for c in bunch.feature_names)
    return Dataset(
        name=name,
        features=np.asarray(bunch.data, dtype=float),
        feature_names=feature_names,
        classes=_class_names(bunch.target, bunch.target_names),
        image_shape=pixel_grid_shape(feature_names),
    )


def _sample_image(key: str) -> Callable[[], Dataset]:
    return lambda: sample_image(key)


BUILTIN_DATASETS: dict[str, BuiltinDataset] = {
    d.key: d
    for d in (
        BuiltinDataset(
            "classic",
            "Classic: 2 groups (150 x 2)",
            "The reference workflow's example: 100 + 50 points, seed 4711.",
            lambda: _xy("Classic: 2 groups", classic_points(), _groups([100, 50])),
            lesson=(
                "Look for the big jump in merge height: any cut between 23 and 180 gives the two groups "
                "(cut at 50: 2 clusters); cut at 16 and the larger group splits into 4."
            ),
        ),
        BuiltinDataset(
            "classic-harder",
            "Classic, harder: 5 groups (750 x 2)",
            "Three wider groups added: the elbow suggests 4 although there are 5.",
            lambda: _xy("Classic, harder: 5 groups", classic_harder_points(), _groups([100, 50, 200, 200, 200])),
            lesson=(
                "There are 5 groups, yet the elbow of the merge heights suggests 4: open Merge heights below, "
                "then cut at k = 5 and see which group the elbow merged."
            ),
        ),
        BuiltinDataset(
            "blobs",
            "Blobs: 4 groups (300 x 2)",
            "make_blobs(300, centers=4, cluster_std=0.6, random_state=0).",
            _make_blobs,
            lesson="Four round, well separated groups: every linkage method agrees here; compare them side by side.",
        ),
        BuiltinDataset(
            "moons",
            "Moons: 2 crescents (200 x 2)",
            "make_moons(200, noise=0.05): single linkage finds them, ward does not.",
            _make_moons,
            lesson=(
                "Two crescents: single linkage (nearest neighbours) follows each moon, ward and complete cut "
                "across them, and so does k-means. Cut at k = 2 with each method."
            ),
        ),
        BuiltinDataset(
            "iris",
            "Iris (150 x 4)",
            "Fisher's iris flowers: 3 species, 4 measurements.",
            lambda: _sklearn_bunch("Iris", sk_datasets.load_iris()),
            lesson=(
                "Four measurements in cm, 3 species: try ward with and without z-score scaling, and compare "
                "the clusters at k = 3."
            ),
        ),
        BuiltinDataset(
            "wine",
            "Wine (178 x 13)",
            "Chemical analysis of 3 cultivars; features on very different scales.",
            lambda: _sklearn_bunch("Wine", sk_datasets.load_wine()),
            lesson=(
                "Proline (hundreds) dwarfs every other column (below 10): without scaling it decides the "
                "clusters alone. Choose z-score and watch the tree change."
            ),
        ),
        BuiltinDataset(
            "digits",
            "Digits (1,797 x 64)",
            "8 x 8 images of handwritten digits.",
            lambda: _sklearn_bunch("Digits", sk_datasets.load_digits()),
            lesson=(
                "64 pixels of 8 x 8 images of handwritten digits. The pixels share one scale (0 to 16), so "
                "leave Scaling at none; try ward at k = 10 and look inside the clusters."
            ),
            units="pixel intensities from 0 to 16",
        ),
        *(
            BuiltinDataset(
                key,
                f"{title} (image: pixels as colours)",
                f"scikit-learn's sample image {key}.jpg: every pixel is a point (R, G, B).",
                _sample_image(key),
                lesson=(
                    "Every pixel is a point in colour space. Cut into k = 8 clusters and the picture is redrawn "
                    "in 8 colours (colour quantisation); then colour by k-means, the chapters' own method."
                ),
            )
            for key, title in (("china", "China"), ("flower", "Flower"))
        ),
    )
}

DEFAULT_DATASET = "classic"


def load_builtin(key: str) -> Dataset:
    """Build a built-in dataset.

    Parameters
    ----------
    key : str
        A key of :data:`BUILTIN_DATASETS`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        If the key is unknown; the message lists the valid keys.
    """
    if key not in BUILTIN_DATASETS:
        raise DataError(f"unknown dataset {key!r}; choose one of: {', '.join(BUILTIN_DATASETS)}")
    entry = BUILTIN_DATASETS[key]
    provenance = {"source": "builtin", "key": key, **({"units": entry.units} if entry.units else {})}
    return replace(entry.make(), provenance=provenance)
