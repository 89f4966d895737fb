"""The option tables for linkage methods and distance metrics.

Each table is the single source of truth for one choice: the dropdowns in the
UI are built from it and :func:`validate_choice` checks requests against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from hclust.errors import ClusteringError


@dataclass(frozen=True)
class LinkageMethod:
    """One SciPy linkage method.

    Attributes
    ----------
    name : str
        SciPy's name, passed to ``scipy.cluster.hierarchy.linkage``.
    label : str
        Short text for the dropdown.
    needs_euclidean : bool
        True when the method is defined only for euclidean distances.
    description : str
        One sentence on how the method measures the distance of two clusters.
    """

    name: str
    label: str
    needs_euclidean: bool
    description: str


@dataclass(frozen=True)
class Metric:
    """One distance metric of ``scipy.spatial.distance.pdist``.

    Attributes
    ----------
    name : str
        SciPy's name, passed to ``pdist``.
    label : str
        Short text for the dropdown.
    description : str
        One sentence on what the metric measures.
    """

    name: str
    label: str
    description: str


EUCLIDEAN = "euclidean"

LINKAGE_METHODS: dict[str, LinkageMethod] = {
    m.name: m
    for m in (
        LinkageMethod("ward", "ward", True, "Merges the pair that least increases the total within-cluster variance."),
        LinkageMethod("single", "single", False, "Distance of the closest pair of members (nearest neighbour)."),
        LinkageMethod("complete", "complete", False, "Distance of the farthest pair of members."),
        LinkageMethod("average", "average (UPGMA)", False, "Mean distance over all pairs of members."),
        LinkageMethod("weighted", "weighted (WPGMA)", False, "Mean of the two merged clusters' distances."),
        LinkageMethod("centroid", "centroid (UPGMC)", True, "Distance between the cluster centroids."),
        LinkageMethod("median", "median (WPGMC)", True, "Distance between the midpoints of the merged clusters."),
    )
}

METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("euclidean", "euclidean", "Straight-line distance."),
        Metric("sqeuclidean", "squared euclidean", "Squared straight-line distance."),
        Metric("cityblock", "cityblock (manhattan)", "Sum of absolute differences."),
        Metric("chebyshev", "chebyshev", "Largest absolute difference in any feature."),
        Metric("cosine", "cosine", "One minus the cosine of the angle between samples."),
        Metric("correlation", "correlation", "One minus the Pearson correlation of two samples."),
        Metric("canberra", "canberra", "Sum of |u-v| / (|u|+|v|): weights small values heavily."),
        Metric("braycurtis", "bray-curtis", "Sum of |u-v| over sum of |u+v|: for counts and abundances."),
        Metric("hamming", "hamming", "Fraction of features that differ: for categorical codes."),
        Metric("jaccard", "jaccard", "Dissimilarity of the non-zero features: for 0/1 data."),
    )
}

DEFAULT_METHOD = "ward"
DEFAULT_METRIC = EUCLIDEAN


def _choice_error(kind: str, value: object, valid: dict) -> ClusteringError:
    return ClusteringError(f"unknown {kind} {value!r}; choose one of: {', '.join(valid)}")


def validate_choice(method: str, metric: str) -> tuple[LinkageMethod, Metric]:
    """Check a method and metric request against the option tables.

    Parameters
    ----------
    method : str
        A key of :data:`LINKAGE_METHODS`.
    metric : str
        A key of :data:`METRICS`.

    Returns
    -------
    tuple of (LinkageMethod, Metric)
        The table entries.

    Raises
    ------
    ClusteringError
        If either name is unknown, or the method needs the euclidean metric
        and another metric was asked for. The message names the rule and the
        valid choices.
    """
    if method not in LINKAGE_METHODS:
        raise _choice_error("linkage method", method, LINKAGE_METHODS)
    if metric not in METRICS:
        raise _choice_error("metric", metric, METRICS)
    chosen = LINKAGE_METHODS[method]
    if chosen.needs_euclidean and metric != EUCLIDEAN:
        raise ClusteringError(
            f"method {method!r} needs the euclidean metric (got {metric!r}); "
            f"pick euclidean, or a method that accepts any metric: "
            f"{', '.join(m.name for m in LINKAGE_METHODS.values() if not m.needs_euclidean)}"
        )
    return chosen, METRICS[metric]
