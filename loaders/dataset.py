"""The table every loader returns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from loaders.pixels import PixelImage


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples by numeric features, ready to cluster.

    Attributes
    ----------
    name : str
        What the user called it (a built-in's title or the file name).
    features : ndarray of float64, shape (n, m)
    feature_names : tuple of str, length m
    sample_names : tuple of str or None
        A label per sample from a label column, or None (then the sample
        index is the label).
    notes : tuple of str
        Sentences for the user about what loading did (columns left out,
        rows dropped).
    distances : ndarray of shape (n * (n - 1) / 2,), optional
        Precomputed pairwise distances (condensed) when the table was a
        distance matrix; then ``features`` has shape (n, 0).
    classes : tuple of str or None
        The known (true) class of each sample, when the data comes with
        them: a built-in's target, or an upload's "true classes" column. Never
        a feature; used only to score clusters against.
    image : PixelImage or None
        For an image read as data (:mod:`loaders.images`): the whole picture;
        then each sample is one of its pixels (see ``PixelImage.sample_index``).
    image_shape : tuple of int or None
        When every sample's features are the pixels of one small grey image
        (digits: 8 x 8), its (rows, columns), so a centroid can be drawn as
        that image.
    provenance : dict
        How the dataset was made, JSON-friendly, so the steps can be shown
        and replayed as code. Built-ins: ``{"source": "builtin", "key": ...}``.
        Files: ``{"source": "file", "filename", "format", "read_kwargs",
        "feature_columns", "label_column", "missing", "scaling",
        "distance_matrix"}`` (see ``loaders/README.md``).
    """

    name: str
    features: np.ndarray
    feature_names: tuple[str, ...]
    sample_names: tuple[str, ...] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    distances: np.ndarray | None = None
    provenance: dict = field(default_factory=dict)
    classes: tuple[str, ...] | None = None
    image: PixelImage | None = None
    image_shape: tuple[int, int] | None = None

    @property
    def is_distance_matrix(self) -> bool:
        """True when the samples come as precomputed distances, not features."""
        return self.distances is not None

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return self.features.shape[0]

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return self.features.shape[1]

    @property
    def fingerprint(self) -> str:
        """A content hash: equal data gives an equal key, so results can be cached."""
        digest = hashlib.sha256()
        digest.update(repr((self.features.shape, self.feature_names)).encode())
        digest.update(np.ascontiguousarray(self.features, dtype=np.float64).tobytes())
        digest.update(repr(self.sample_names).encode())
        digest.update(repr(self.classes).encode())
        if self.distances is not None:
            digest.update(np.ascontiguousarray(self.distances, dtype=np.float64).tobytes())
        return digest.hexdigest()[:32]

    def sample_label(self, index: int) -> str:
        """The label of one sample: its name, or its row index."""
        return self.sample_names[index] if self.sample_names is not None else str(index)
