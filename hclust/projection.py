"""Two-dimensional views of the samples for the scatter plot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh
from scipy.spatial.distance import squareform
from sklearn.decomposition import PCA


@dataclass(frozen=True, eq=False)
class Projection:
    """Samples placed in a plane, with axis titles that say how.

    Attributes
    ----------
    x, y : ndarray of float, shape (n,)
    x_title, y_title : str
    description : str
        One sentence for the user ("PCA of 4 features: 95.8 % of the variance").
    equal_scale : bool
        True when both axes are measured in the same units and should be
        drawn to the same scale (two raw features of similar spread, such
        as the moons' x and y): a unit is as long across as up.
    """

    x: np.ndarray
    y: np.ndarray
    x_title: str
    y_title: str
    description: str
    equal_scale: bool = False


def project_to_plane(features: np.ndarray, feature_names: list[str]) -> Projection:
    """Show two features as they are; project more with PCA.

    Parameters
    ----------
    features : ndarray of shape (n, m)
    feature_names : list of str
        Column names, length m.

    Returns
    -------
    Projection
        For m = 1 the second axis is the sample index; for m = 2 the two
        columns; for m > 2 the first two principal components, whose axis
        titles give the share of variance each explains.
    """
    n, m = features.shape
    if m == 1:
        return Projection(
            x=features[:, 0],
            y=np.arange(n, dtype=float),
            x_title=feature_names[0],
            y_title="sample index",
            description=f"{feature_names[0]} against the sample index",
        )
    if m == 2:
        return Projection(
            x=features[:, 0],
            y=features[:, 1],
            x_title=feature_names[0],
            y_title=feature_names[1],
            description=f"{feature_names[0]} against {feature_names[1]}",
            equal_scale=_similar_spread(features),
        )
    if not np.ptp(features, axis=0).any():
        # Every sample is the same point: there is no variance to explain.
        zeros = np.zeros(n)
        return Projection(zeros, zeros, "PC1 (no variance)", "PC2 (no variance)", "all samples are identical")
    pca = PCA(n_components=2, svd_solver="full" if n * m <= 5_000_000 else "randomized", random_state=0)
    plane = pca.fit_transform(features)
    share = pca.explained_variance_ratio_ * 100
    return Projection(
        x=plane[:, 0],
        y=plane[:, 1],
        x_title=f"PC1 ({share[0]:.1f}% of variance)",
        y_title=f"PC2 ({share[1]:.1f}% of variance)",
        description=f"PCA of {m} features: the plane keeps {share.sum():.1f}% of the variance",
    )


def embed_distances(distances: np.ndarray) -> Projection:
    """Place samples in a plane from their distances alone (classical MDS).

    Parameters
    ----------
    distances : ndarray of shape (n * (n - 1) / 2,)
        Condensed pairwise distances.

    Returns
    -------
    Projection
        Torgerson's classical multidimensional scaling: the top two
        eigenvectors of the double-centred squared distances. Exact for
        euclidean distances, an approximation otherwise; the description
        says how much of the (positive) spread the plane keeps.

    Notes
    -----
    Time O(n^2) plus an eigendecomposition; memory 8 n^2 bytes.
    """
    squared = squareform(np.asarray(distances, dtype=float)) ** 2
    n = squared.shape[0]
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean()
    gram = -0.5 * centred
    if n <= 2:
        values, vectors = np.linalg.eigh(gram)
    else:
        values, vectors = eigh(gram, subset_by_index=[n - 2, n - 1])
    order = np.argsort(values)[::-1][:2]
    values, vectors = np.clip(values[order], 0, None), vectors[:, order]
    if values.size < 2:
        values, vectors = np.append(values, 0.0), np.column_stack([vectors, np.zeros(n)])
    plane = vectors * np.sqrt(values)
    total = np.clip(np.linalg.eigvalsh(gram), 0, None).sum() if n <= 2000 else np.trace(gram)
    share = 100 * values / total if total > 0 else np.zeros(2)
    return Projection(
        x=plane[:, 0],
        y=plane[:, 1],
        x_title=f"MDS 1 ({share[0]:.1f}%)",
        y_title=f"MDS 2 ({share[1]:.1f}%)",
        description=f"classical MDS of the distance matrix: the plane keeps {share.sum():.1f}% of the spread",
    )


SAME_UNITS_SPREAD = 10.0
"""Two columns whose standard deviations differ by at most this factor are taken to share their units;
beyond it the data panel warns that one column would dominate the distances (loaders/prepare.py)."""


def _similar_spread(features: np.ndarray) -> bool:
    spread = features.std(axis=0)
    if not np.all(np.isfinite(spread)) or spread.min() <= 0:
        return False
    return bool(spread.max() / spread.min() <= SAME_UNITS_SPREAD)
