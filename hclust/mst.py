"""Exact euclidean single linkage through a minimum spanning tree, in O(n d) memory.

Single linkage is Kruskal's algorithm: its merges are the edges of a minimum
spanning tree (MST) of the samples, taken by increasing length. So the tree
of a million samples needs no distance matrix and no O(n^2) search: an exact
euclidean MST (``quitefastmst.mst_euclid``, Borůvka's algorithm on a K-d
tree) and one pass of union-find over its n - 1 edges, which names the merged
clusters as SciPy does.
"""

from __future__ import annotations

import numpy as np
import quitefastmst
from sklearn.cluster._hierarchical_fast import _single_linkage_label

from hclust.distances import worker_count
from hclust.errors import ClusteringError

MST_ENGINE = "quitefastmst.mst_euclid"
MST_MAX_D = 10
"""Up to this many features the MST engine is used. K-d trees lose their edge as d grows: on make_blobs
data (2 shared cores, busy) the MST took 5.6 s at n = 100,000 and d = 8 (fastcluster.linkage_vector:
38 s), 10.7 s and 62 s at 100,000 and 300,000 with d = 10, but 43 s at 100,000 with d = 12, no faster
than fastcluster there, and 345 s at 300,000 (about n^2). At d = 20 it lost at n = 20,000 (4.4 s against
2.4 s), where quitefastmst also stops using K-d trees."""
MST_MIN_N = 20_000
"""From this many samples the MST engine is used (for 1 to :data:`MST_MAX_D` features). Measured on 2
shared cores, make_blobs data, seconds MST / ``fastcluster.linkage_vector``: d = 2: 0.04-0.17 / 0.44 at
10,000, 0.02-0.06 / 0.97-1.27 at 20,000; d = 8: 0.17-0.28 / 0.47 at 10,000, 0.38-0.95 / 1.17-1.55 at
20,000. Low d would gain from about 5,000 already, but by under a second; at 20,000 the SciPy fallback
for tied heights (:data:`hclust.engine.SCIPY_TIE_FALLBACK_MAX_N`) ends too, so each engine keeps one
tie rule."""


def uses_mst(n: int, d: int, min_n: int = MST_MIN_N) -> bool:
    """True when euclidean single linkage of n samples with d features goes through the MST."""
    return n >= min_n and 1 <= d <= MST_MAX_D


def single_linkage(observations: np.ndarray, threads: int | None = None) -> np.ndarray:
    """SciPy's ``linkage(X, "single")`` from an exact euclidean minimum spanning tree.

    Parameters
    ----------
    observations : array_like of shape (n, d)
        n >= 2 samples with d >= 1 finite features.
    threads : int, optional
        OpenMP threads for the MST; default :func:`hclust.distances.worker_count`
        (the cores this process may run on, never more).

    Returns
    -------
    ndarray of shape (n - 1, 4)
        A linkage matrix in SciPy's format: row i merges clusters ``Z[i, 0]``
        and ``Z[i, 1]`` (samples are 0..n-1, the cluster of row i is n + i,
        and ``Z[i, 0] < Z[i, 1]``) at height ``Z[i, 2]``, into a cluster of
        ``Z[i, 3]`` samples. Rows are sorted by height.

    Raises
    ------
    ClusteringError
        If the array is not 2-D with at least 2 samples and 1 feature, or
        holds a missing or infinite value.

    See Also
    --------
    scipy.cluster.hierarchy.linkage : the reference, O(n^2) time and memory.
    fastcluster.linkage_vector : O(n^2) time, O(n d) memory.

    Notes
    -----
    The MST's edge lengths are computed as SciPy's ``pdist`` computes euclidean
    distances (the sum of squared differences in feature order, then the square
    root), so the heights equal ``linkage(X, "single")[:, 2]`` bit for bit, and
    where no two merges share a height the whole matrix is SciPy's.

    Tied heights (duplicate samples, points on a grid) have several valid
    trees: SciPy merges tied edges in the order its Prim's algorithm found
    them, this function by (height, smaller sample, larger sample). The
    heights, the cophenetic distances and so the clusters at every cut height
    (``fcluster(Z, t, "distance")``) are the same for every tie order; only
    which tied clusters pair up, and the dendrogram's leaf order, may differ.

    Time about O(n log n) for few features, growing quickly with d as K-d
    trees lose their edge (see :data:`MST_MAX_D`, and ``hclust.estimate``
    for measured times); memory O(n d): a copy of the data in K-d tree order,
    the edges and the matrix.

    Examples
    --------
    >>> single_linkage([[0.0], [1.0], [3.0]])
    array([[0., 1., 1., 2.],
           [2., 3., 2., 3.]])
    """
    x = _checked(observations)
    if x.shape[1] == 1:
        x = np.column_stack([x, np.zeros(x.shape[0])])  # K-d trees need 2 features; 0 adds nothing to a distance
    before = quitefastmst.omp_get_max_threads()
    quitefastmst.omp_set_num_threads(threads or worker_count())
    try:
        heights, edges = quitefastmst.mst_euclid(x)
    finally:
        quitefastmst.omp_set_num_threads(before)
    return linkage_from_mst(edges, heights)


def linkage_from_mst(edges: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """The single linkage matrix of a minimum spanning tree.

    Parameters
    ----------
    edges : array_like of int, shape (n - 1, 2)
        The tree's edges as pairs of sample indices 0..n-1.
    heights : array_like of float, shape (n - 1,)
        Their lengths. Edges of equal length are merged in the given order
        (a stable sort by length, as SciPy sorts its MST).

    Returns
    -------
    ndarray of shape (n - 1, 4)
        As :func:`single_linkage`.

    Notes
    -----
    Kruskal's labelling: a union-find over the samples, where each merge
    creates cluster n + i. It is scikit-learn's compiled one (the routine
    behind its single-linkage ``AgglomerativeClustering``), 0.7-1.0 s at
    n = 1,000,000 (its cost is memory latency, one find chain per endpoint).
    Measured against it: the same loop in Python, 4.4 s; and a NumPy
    relabelling in 20 rounds (split the edges at the median height, contract
    the lighter half with ``scipy.sparse.csgraph.connected_components``,
    recurse on both halves at once), 11 s, its random gathers costing more
    than the loop's chains. genieclust has an equivalent routine but needs
    Cython and deadwood at run time. SciPy's own labelling is not public.
    """
    edges = np.asarray(edges)
    heights = np.asarray(heights, dtype=float)
    if edges.ndim != 2 or edges.shape[1] != 2 or heights.shape != (edges.shape[0],):
        raise ClusteringError(f"an MST needs (m, 2) edges and m heights (got {edges.shape} and {heights.shape})")
    if np.any(heights[1:] < heights[:-1]):
        order = np.argsort(heights, kind="stable")
        edges, heights = edges[order], heights[order]
    linkage_matrix = _single_linkage_label(np.column_stack([edges.astype(float), heights]))
    linkage_matrix[:, :2].sort(axis=1)  # SciPy's order: the smaller cluster id first
    return linkage_matrix


def _checked(observations: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(observations, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 1:
        raise ClusteringError(
            f"single linkage needs a 2-D array of at least 2 samples by 1 feature (got shape {x.shape})"
        )
    if not np.isfinite(x).all():
        raise ClusteringError("single linkage needs finite values: remove or fill the missing or infinite ones")
    return x
