"""An image whose pixels are the samples (the colour-quantisation lesson)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class PixelImage:
    """A picture read as data: every pixel is a point (R, G, B).

    Attributes
    ----------
    pixels : ndarray of uint8, shape (h, w, 3)
        The picture as shown (after any downscaling, see :mod:`loaders.images`).
    sample_index : ndarray of int, shape (n,)
        Flat indices (``row * w + col``) of the pixels that are the dataset's
        samples, in sample order: all pixels, or a seeded random subset when
        there are too many for a tree.
    """

    pixels: np.ndarray
    sample_index: np.ndarray

    @property
    def n_pixels(self) -> int:
        """All pixels of the picture."""
        return int(self.pixels.shape[0] * self.pixels.shape[1])

    @property
    def flat(self) -> np.ndarray:
        """The pixels as an (h * w, 3) array of float64 in 0..255."""
        return self.pixels.reshape(-1, 3).astype(np.float64)
