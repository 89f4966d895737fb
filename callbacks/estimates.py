"""The estimate of a tree before it is built: the memory budget's refusal and its ways out.

Shared by the tree callback (``callbacks/linkage.py``), the question before a
long wait (``callbacks/ask.py``) and the side-by-side comparison
(``callbacks/compare.py``), so all of them refuse alike.
"""

from __future__ import annotations

from config import Settings
from hclust import ClusteringError, validate_choice
from hclust.estimate import Estimate, describe, estimate_tree
from hclust.mst import MST_ENGINE
from hclust.options import EUCLIDEAN
from loaders import Dataset
from state.refs import DataRef
from state.session_store import EXACT, TREE_MODES, SessionStore


def check_estimate(
    store: SessionStore, ref: DataRef, method: str, metric: str, tree_mode: str, settings: Settings
) -> Estimate:
    """Refuse, before starting, a tree that would not fit in the memory budget."""
    return estimate_for(store.dataset(ref), method, metric, tree_mode, settings)


def cost_here(n: int, d: int, method: str, metric: str, settings: Settings, represented: int = 0) -> Estimate:
    """What a tree of n samples (standing for ``represented``, when approximate) costs on this server's settings."""
    return estimate_tree(
        n, d, method, metric, representatives_of=represented, cophenetic_seconds=settings.cophenetic_budget_seconds
    )


def estimate_for(dataset: Dataset, method: str, metric: str, tree_mode: str, settings: Settings) -> Estimate:
    """:func:`check_estimate` of a dataset already read: its estimate, or ClusteringError over the memory budget."""
    if not dataset.is_distance_matrix:
        validate_choice(method, metric)
    n, represented = dataset.n_samples, 0
    if tree_mode != EXACT:
        _, representatives = TREE_MODES[tree_mode]
        n, represented = min(n, representatives), n
    estimate = cost_here(n, dataset.n_features, method, metric, settings, represented)
    budget = settings.memory_budget_mb * 1_000_000
    if estimate.peak_bytes > budget:
        raise ClusteringError(
            f"an exact {method} tree of {n:,} samples would need {describe(estimate)} "
            f"({estimate.engine}), over this server's memory budget of {budget / 1e9:.1f} GB. "
            + ways_out(n, dataset.n_features, settings, has_coordinates=not dataset.is_distance_matrix)
        )
    return estimate


def ways_out(n: int, d: int, settings: Settings, has_coordinates: bool) -> str:
    """What to choose instead of an exact tree over the memory budget (the refusal's last sentence).

    The costs it names are this server's (:func:`cost_here`): with its cophenetic budget, a million-row
    single linkage tree is seconds, not the hour an exact cophenetic correlation would add.
    """
    single = cost_here(n, d, "single", EUCLIDEAN, settings)
    if not has_coordinates or single.engine != MST_ENGINE:
        return (
            "Choose an approximate tree under Linkage, or ward or single linkage with the euclidean "
            "metric (they need no distance matrix)"
        )
    ward = cost_here(n, d, "ward", EUCLIDEAN, settings)
    return (
        "Choose an approximate tree under Linkage, or single linkage with the euclidean metric: the one exact "
        f"method built for this size (a minimum spanning tree, no distance matrix: {describe(single)} here). "
        f"ward with the euclidean metric needs no distance matrix either, but takes {describe(ward)} here"
    )
