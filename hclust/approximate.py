"""An approximate tree for data beyond the exact path's reach.

The samples are summarised by representatives (k-means micro-cluster centres
or a random sample), the tree is built exactly on the representatives, and
every sample joins its nearest representative. The result is a full linkage
matrix over all n samples: each representative's members first merge at
height 0 into a micro-cluster, then the representatives' tree joins the
micro-clusters. Every cut, the dendrogram's sample counts, the scatter and
the exports therefore work on all n samples as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.metrics import pairwise_distances_argmin

from hclust.tree import Progress, Tree, build_tree, check_observations, tree_from_linkage

DEFAULT_REPRESENTATIVES = 2000
HOW = {
    "kmeans": "k-means micro-clusters (MiniBatchKMeans centres; each sample in its micro-cluster)",
    "sample": "a random sample of the rows (each sample joins its nearest sampled row)",
}


@dataclass(frozen=True)
class Representatives:
    """Who stands for whom.

    Attributes
    ----------
    points : ndarray of shape (m, d)
        The representatives.
    assignment : ndarray of int, shape (n,)
        The representative of each sample, in ``0..m-1``; every one of the
        m is used.
    how : str
        A key of :data:`HOW`.
    """

    points: np.ndarray
    assignment: np.ndarray
    how: str


def choose_representatives(features: np.ndarray, m: int, how: str = "kmeans", seed: int = 0) -> Representatives:
    """Summarise n samples by at most m representatives.

    Parameters
    ----------
    features : ndarray of shape (n, d)
    m : int
        Number of representatives wanted (fewer when n is smaller, or when
        k-means leaves some micro-clusters empty).
    how : {"kmeans", "sample"}
    seed : int
        Makes the choice reproducible.

    Returns
    -------
    Representatives

    Notes
    -----
    k-means: MiniBatchKMeans, about O(n m d) per pass. Random sample: the
    nearest-sample assignment is O(n m d) in blocks, no n^2 memory.
    """
    n = features.shape[0]
    m = min(m, n)
    if how == "kmeans":
        model = MiniBatchKMeans(n_clusters=m, random_state=seed, n_init=1, batch_size=max(1024, 3 * m))
        assignment = model.fit_predict(features)
        points = model.cluster_centers_
    elif how == "sample":
        chosen = np.sort(np.random.default_rng(seed).choice(n, size=m, replace=False))
        points = features[chosen]
        assignment = pairwise_distances_argmin(features, points)
    else:
        raise ValueError(f"unknown representative choice {how!r}; choose one of: {', '.join(HOW)}")
    used, assignment = np.unique(assignment, return_inverse=True)
    return Representatives(points=np.asarray(points)[used], assignment=assignment, how=how)


def build_approximate_tree(
    features: np.ndarray,
    method: str,
    metric: str,
    m: int = DEFAULT_REPRESENTATIVES,
    how: str = "kmeans",
    progress: Progress | None = None,
) -> Tree:
    """A tree over all n samples from an exact tree of m representatives.

    Parameters
    ----------
    features : ndarray of shape (n, d)
    method, metric : str
        As for :func:`hclust.build_tree`, applied to the representatives.
    m : int
        Number of representatives.
    how : {"kmeans", "sample"}
    progress : callable, optional

    Returns
    -------
    Tree
        Over all n samples; its cophenetic correlation is the
        representatives' tree's against their distances, and its note says
        that the tree is approximate, of how many representatives, and how
        the rows were assigned.
    """
    observations = check_observations(features)
    if observations.shape[0] <= m:
        exact = build_tree(observations, method, metric, progress)
        note = f"Only {observations.shape[0]:,} samples (no more than {m:,} representatives): the tree is exact."
        return replace(exact, note=note)
    report = progress or (lambda fraction, stage: None)
    report(0.05, f"choosing {m:,} representatives ({how})")
    representatives = choose_representatives(observations, m, how)
    report(0.4, f"linking {len(representatives.points):,} representatives")
    small = build_tree(representatives.points, method, metric)
    report(0.9, "joining every sample to its representative")
    linkage_matrix = expand_linkage(small.linkage, representatives.assignment)
    note = (
        f"Approximate tree: {method} linkage of {len(representatives.points):,} representatives, "
        f"{HOW[how]}, standing for {observations.shape[0]:,} samples. Within a representative the samples "
        "merge at height 0; the cophenetic correlation is the representatives' tree's."
    )
    report(1.0, "done")
    return replace(tree_from_linkage(linkage_matrix, method, metric, small.cophenetic), note=note)


def expand_linkage(small: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """Turn a tree of m representatives into a linkage matrix over n samples.

    Parameters
    ----------
    small : ndarray of shape (m - 1, 4)
        The representatives' linkage matrix.
    assignment : ndarray of int, shape (n,)
        Each sample's representative; every representative has a sample.

    Returns
    -------
    ndarray of shape (n - 1, 4)
        First, per representative, its members chained together at height 0
        (n - m rows); then the representatives' merges with the micro-cluster
        node ids and sample counts.
    """
    n = assignment.size
    m = small.shape[0] + 1
    rows = np.empty((n - 1, 4))
    micro_node = np.empty(m, dtype=np.int64)
    sizes = np.bincount(assignment, minlength=m)
    order = np.argsort(assignment, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    row = 0
    for rep in range(m):
        members = order[starts[rep] : starts[rep] + sizes[rep]]
        node = int(members[0])
        for count, sample in enumerate(members[1:], start=2):
            rows[row] = (node, sample, 0.0, count)
            node = n + row
            row += 1
        micro_node[rep] = node
    # The representatives' merges: leaf r -> its micro-cluster, merge j -> its new row.
    first_merge_row = row
    node_of = np.concatenate([micro_node, n + first_merge_row + np.arange(m - 1)])
    counts = np.concatenate([sizes, np.zeros(m - 1, dtype=np.int64)])
    for j, (a, b, height, _) in enumerate(small):
        a, b = int(a), int(b)
        counts[m + j] = counts[a] + counts[b]
        rows[row] = (node_of[a], node_of[b], height, counts[m + j])
        row += 1
    return rows
