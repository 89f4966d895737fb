"""Stable color assignment: a cluster keeps its color while a cut leaves it whole."""

from __future__ import annotations

import numpy as np

# Above this many clusters the palette repeats anyway: colors simply cycle
# left to right and no assignment is remembered.
MAX_REMEMBERED_CLUSTERS = 256


def assign_color_slots(roots: np.ndarray, previous: dict[int, int] | None, n_slots: int) -> np.ndarray:
    """Choose a palette slot for each cluster of a cut.

    Parameters
    ----------
    roots : ndarray of int, shape (k,)
        The tree node at the top of each cluster (:attr:`hclust.Cut.roots`),
        in cluster-id order (left to right).
    previous : dict of int to int, optional
        Slot per root node of the previous cut of the same tree.
    n_slots : int
        Palette size.

    Returns
    -------
    ndarray of int, shape (k,)
        ``slots[c - 1]`` is the color slot of cluster c. A cluster whose root
        was colored before keeps its slot; the others take the least used
        slots, avoiding their neighbours' colors where possible. Without a
        previous cut (or beyond :data:`MAX_REMEMBERED_CLUSTERS`), slots
        cycle left to right.
    """
    k = roots.size
    cycling = np.arange(k) % n_slots
    if not previous or k > MAX_REMEMBERED_CLUSTERS:
        return cycling
    slots = np.array([previous.get(int(root), -1) for root in roots], dtype=np.int64)
    uses = np.bincount(slots[slots >= 0], minlength=n_slots)
    for index in np.flatnonzero(slots < 0):
        neighbours = {int(slots[j]) for j in (index - 1, index + 1) if 0 <= j < k and slots[j] >= 0}
        # Least used first, then not a neighbour's color, then palette order.
        choice = min(range(n_slots), key=lambda slot: (uses[slot], slot in neighbours, slot))
        slots[index] = choice
        uses[choice] += 1
    return slots


def remembered_slots(roots: np.ndarray, slots: np.ndarray) -> dict[int, int]:
    """The ``previous`` mapping for the next cut (empty when too many clusters to remember)."""
    if roots.size > MAX_REMEMBERED_CLUSTERS:
        return {}
    return {int(root): int(slot) for root, slot in zip(roots, slots)}
