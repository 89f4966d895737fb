"""Condensed pairwise distances on a thread per core, equal to SciPy's ``pdist`` bit for bit.

The condensed distances are SciPy's ``pdist``, bit for bit, filled by row
blocks on one thread per core (:func:`condensed_distances`); the blockwise
cophenetic correlation (:mod:`hclust.engine`) streams the same row blocks
(:func:`row_blocks`) over the same threads (:func:`worker_count`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.spatial.distance import cdist, pdist

# A block of rows times the columns past it: about this many distances (4 MB per thread).
BLOCK_ELEMENTS = 1 << 19
# Below this many samples pdist is a few milliseconds: threads would cost more than they save.
PARALLEL_MIN_N = 2000


def worker_count() -> int:
    """The CPU cores this process may run on (threads for distance blocks)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def condensed_distances(observations: np.ndarray, metric: str, workers: int | None = None) -> np.ndarray:
    """``scipy.spatial.distance.pdist(observations, metric)``, bit for bit, on several threads.

    Parameters
    ----------
    observations : ndarray of shape (n, m)
    metric : str
        A ``pdist`` metric name.
    workers : int, optional
        Threads to use; default :func:`worker_count`.

    Returns
    -------
    ndarray of shape (n * (n - 1) / 2,)

    Notes
    -----
    Row blocks are filled with ``cdist`` (SciPy's same kernels, which release
    the GIL) straight into the condensed vector, so the result equals
    ``pdist``'s exactly; the unit tests check every metric the app offers.
    """
    observations = np.ascontiguousarray(observations, dtype=float)
    n = observations.shape[0]
    workers = workers or worker_count()
    if n < PARALLEL_MIN_N or workers == 1:
        return pdist(observations, metric=metric)
    out = np.empty(n * (n - 1) // 2)

    def fill(a0: int, a1: int) -> None:
        block = cdist(observations[a0:a1], observations[a0 + 1 :], metric=metric)
        offset = _row_start(n, a0)
        for row in range(a1 - a0):
            width = n - a0 - row - 1
            out[offset : offset + width] = block[row, row:]
            offset += width

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(fill, a0, a1) for a0, a1 in row_blocks(n)]:
            future.result()
    return out


def _row_start(n: int, row: int) -> int:
    """Where row ``row``'s pairs (row, row + 1..n - 1) start in a condensed vector."""
    return row * (2 * n - row - 1) // 2


def pairs_in_rows(n: int, a0: int, a1: int) -> int:
    """How many pairs rows a0..a1 - 1 hold in a condensed vector of n samples."""
    return _row_start(n, a1) - _row_start(n, a0)


def row_blocks(n: int) -> list[tuple[int, int]]:
    """Consecutive row ranges [a0, a1) covering rows 0..n - 2, each about BLOCK_ELEMENTS distances wide."""
    blocks = []
    a0 = 0
    while a0 < n - 1:
        rows = max(1, min(n - 1 - a0, BLOCK_ELEMENTS // max(1, n - a0)))
        blocks.append((a0, a0 + rows))
        a0 += rows
    return blocks
