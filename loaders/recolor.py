"""Images out: an image's clusters as colours, the picture redrawn in them, and small images as data URIs.

The colour-quantisation lesson's other half (:mod:`loaders.images` reads the
picture): every pixel takes the colour of its nearest cluster, and the
result goes to the page as a PNG data URI; digits' centroids become small
grey pictures the same way.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

from loaders.pixels import PixelImage

EMPTY_CLUSTER_GREY = 128  # the colour (all three channels) of a cluster with no samples
_CHUNK_ELEMENTS = 1 << 21  # pixel x centre distances held at once (16 MB of float64)


def cluster_colors(features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each cluster's mean colour.

    Parameters
    ----------
    features : array of shape (n, 3)
        The samples' R, G, B (0..255).
    labels : array of int, shape (n,)
        Cluster ids 1..k; 0 means "in no cluster" and is left out of every mean.

    Returns
    -------
    ndarray of uint8, shape (k, 3)
        Row ``j - 1`` is cluster j's mean colour, rounded; a cluster id with
        no samples gets grey (:data:`EMPTY_CLUSTER_GREY`). k is the largest
        label (0 rows when there is none).

    Notes
    -----
    O(n) time and O(k) extra memory.
    """
    features = np.asarray(features, dtype=np.float64)
    labels = np.asarray(labels)
    if features.ndim != 2 or features.shape[1] != 3 or labels.shape != (features.shape[0],):
        raise ValueError(f"expected features (n, 3) and labels (n,), got {features.shape} and {labels.shape}")
    if labels.size and (not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0):
        raise ValueError("labels must be integers 0..k (0: in no cluster)")
    k = int(labels.max()) if labels.size else 0
    counts = np.bincount(labels, minlength=k + 1)[1:].astype(np.float64)
    sums = np.stack([np.bincount(labels, weights=features[:, c], minlength=k + 1)[1:] for c in range(3)], axis=1)
    means = np.full((k, 3), float(EMPTY_CLUSTER_GREY))
    filled = counts > 0
    means[filled] = sums[filled] / counts[filled, None]
    return np.clip(np.rint(means), 0, 255).astype(np.uint8)


def nearest_center(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The label (1..k) of each point's nearest centre, by squared euclidean distance in RGB.

    Parameters
    ----------
    points : array of shape (N, 3)
    centers : array of shape (k, 3), k >= 1

    Returns
    -------
    ndarray of intp, shape (N,)
        1-based: the first of equally near centres wins. Exact for whole-number
        centres (:func:`cluster_colors`' colours); with fractional centres a
        near tie (within about 1e-10 of the distance) may go either way.

    Notes
    -----
    O(N k) time (a matrix product); the points are taken in chunks so at
    most about ``_CHUNK_ELEMENTS`` distances (16 MB) are held at once.
    """
    points = np.asarray(points, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 3 or centers.shape[0] < 1:
        raise ValueError(f"expected centers of shape (k, 3) with k >= 1, got {centers.shape}")
    if points.ndim != 2 or points.shape[1] != 3:
        raise ValueError(f"expected points of shape (N, 3), got {points.shape}")
    # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, and |x|^2 is the same for every centre: a matrix product.
    # Exact for whole-number pixels and centres (every value below 2^53).
    norms = (centers**2).sum(axis=1)
    labels = np.empty(points.shape[0], dtype=np.intp)
    step = max(1, _CHUNK_ELEMENTS // centers.shape[0])
    for start in range(0, points.shape[0], step):
        distances = norms - 2.0 * (points[start : start + step] @ centers.T)
        labels[start : start + step] = distances.argmin(axis=1) + 1
    return labels


def recolor(image: PixelImage, centers: np.ndarray) -> np.ndarray:
    """The picture with every pixel painted its nearest centre's colour (colour quantisation).

    Parameters
    ----------
    image : PixelImage
    centers : array of shape (k, 3)
        Colours in 0..255 (cluster means: :func:`cluster_colors`); each is
        painted rounded to uint8.

    Returns
    -------
    ndarray of uint8, shape (h, w, 3)
        At most k distinct colours; exactly k when the rounded centres differ
        and each is some pixel's nearest.

    Notes
    -----
    Nearest centre, not tree membership: a sample the tree put in cluster A
    may lie nearer B's mean and is painted B (a cut of a tree need not be
    the Voronoi cells of its means). O(h w k) time, memory bounded as in
    :func:`nearest_center`; about 10 ms for 480 x 320 pixels at k = 8.
    """
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 3 or centers.shape[0] < 1:
        raise ValueError(f"expected centers of shape (k, 3) with k >= 1, got {centers.shape}")
    colors = np.clip(np.rint(centers), 0, 255).astype(np.uint8)
    return recolor_by(image, lambda flat: nearest_center(flat, centers), colors)


def recolor_by(image: PixelImage, assign: Callable[[np.ndarray], np.ndarray], colors: np.ndarray) -> np.ndarray:
    """The picture with every pixel painted the colour of the cluster a model assigns it.

    Parameters
    ----------
    image : PixelImage
    assign : callable
        ``assign(flat_pixels)`` takes an (N, 3) float64 array (0..255) and
        returns N labels 1..k (a fitted k-means' or mixture's ``predict`` + 1).
        It is called on chunks of the picture.
    colors : array of uint8, shape (k, 3)
        Colour j - 1 paints label j.

    Returns
    -------
    ndarray of uint8, shape (h, w, 3)

    Raises
    ------
    ValueError
        If a label is outside 1..k.

    Notes
    -----
    The pixels go to ``assign`` in chunks of about ``_CHUNK_ELEMENTS / k``
    so its memory stays bounded; time is whatever ``assign`` costs, linear in
    the pixels.
    """
    colors = np.asarray(colors)
    if colors.ndim != 2 or colors.shape[1] != 3 or colors.shape[0] < 1:
        raise ValueError(f"expected colors of shape (k, 3) with k >= 1, got {colors.shape}")
    colors = np.clip(np.rint(colors.astype(np.float64)), 0, 255).astype(np.uint8)
    height, width = image.pixels.shape[:2]
    flat = image.pixels.reshape(-1, 3)
    out = np.empty((height * width, 3), dtype=np.uint8)
    step = max(1, _CHUNK_ELEMENTS // colors.shape[0])
    for start in range(0, flat.shape[0], step):
        chunk = flat[start : start + step].astype(np.float64)
        labels = np.asarray(assign(chunk)).reshape(-1)
        if labels.shape[0] != chunk.shape[0] or labels.min() < 1 or labels.max() > colors.shape[0]:
            raise ValueError(f"assign must return one label in 1..{colors.shape[0]} per pixel")
        out[start : start + step] = colors[labels.astype(np.intp) - 1]
    return out.reshape(height, width, 3)


def png_data_uri(pixels: np.ndarray) -> str:
    """A picture as a ``data:image/png;base64,...`` URI, for an ``<img>``.

    Parameters
    ----------
    pixels : array of uint8, shape (h, w, 3) or (h, w)
        Colour, or grey.

    Returns
    -------
    str

    Notes
    -----
    Pillow's PNG writer without ``optimize`` (quick). For 480 x 320 pixels:
    about 15 ms and 70 kB quantised to 8 colours, 30 ms and 375 kB for the photo.
    """
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or not (pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] == 3)):
        raise ValueError(f"expected uint8 pixels of shape (h, w, 3) or (h, w), got {pixels.dtype} {pixels.shape}")
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def grey_image_uri(
    vector: np.ndarray, shape: tuple[int, int] = (8, 8), vmax: float = 16.0, scale: int = 6, invert: bool = True
) -> str:
    """A small grey picture of one sample or centroid (digits: 8 x 8) as a PNG data URI.

    Parameters
    ----------
    vector : array of shape (rows * cols,)
        Intensities in row-major order, 0..``vmax`` (clipped).
    shape : (rows, cols)
    vmax : float
        The intensity drawn as full ink.
    scale : int
        Each value becomes a ``scale`` x ``scale`` block (nearest neighbour,
        so the pixels stay crisp).
    invert : bool
        True: dark ink on light paper (0 is white); False: light on dark.

    Returns
    -------
    str
        A ``(rows * scale) x (cols * scale)`` PNG.

    Notes
    -----
    Time and memory are linear in the output's pixels.
    """
    rows, cols = shape
    values = np.asarray(vector, dtype=np.float64).reshape(-1)
    if values.size != rows * cols:
        raise ValueError(f"expected {rows * cols} values for a {rows} x {cols} image, got {values.size}")
    if vmax <= 0 or scale < 1:
        raise ValueError("vmax must be positive and scale at least 1")
    grey = np.rint(np.clip(np.nan_to_num(values) / vmax, 0.0, 1.0) * 255).astype(np.uint8).reshape(rows, cols)
    if invert:
        grey = 255 - grey
    big = Image.fromarray(grey).resize((cols * scale, rows * scale), Image.Resampling.NEAREST)
    return png_data_uri(np.asarray(big))


def hex_color(rgb: Sequence[float]) -> str:
    """``"#rrggbb"`` for an (R, G, B) triple in 0..255 (rounded to whole numbers)."""
    values = [int(round(float(v))) for v in rgb]
    if len(values) != 3 or not all(0 <= v <= 255 for v in values):
        raise ValueError(f"expected three values in 0..255, got {list(rgb)!r}")
    return "#{:02x}{:02x}{:02x}".format(*values)
