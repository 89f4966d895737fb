"""How a view cuts its tree, as one value: fcluster's criterion and its numbers.

:class:`CutRule` is the one place that turns a criterion into a cut
(:meth:`CutRule.apply`) and into the line of SciPy that makes the same cut
(:meth:`CutRule.fcluster_call`). It is exported from :mod:`hclust.cut`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hclust.cut import (
    CRITERIA,
    DEFAULT_INCONSISTENCY_DEPTH,
    DEFAULT_INCONSISTENCY_T,
    DISTANCE,
    INCONSISTENT,
    MAXCLUST,
    Cut,
    clusters_at_height,
    clusters_for_k,
    clusters_inconsistent,
    is_number,
)
from hclust.errors import ClusteringError
from hclust.tree import Tree


@dataclass(frozen=True)
class CutRule:
    """One way to cut a tree into flat clusters, as ``scipy.cluster.hierarchy.fcluster`` takes it.

    ``CutRule(criterion, ...)`` stands for ``fcluster(Z, t, criterion, depth)``
    with ``t`` the criterion's own number: ``height``, ``k`` or ``threshold``.

    Attributes
    ----------
    criterion : {"distance", "maxclust", "inconsistent"}
        fcluster's ``criterion``.
    height : float or None
        For ``"distance"``, fcluster's ``t``: samples whose cophenetic
        distance is at most ``height`` share a cluster.
    k : int or None
        For ``"maxclust"``, fcluster's ``t``: the number of clusters.
    threshold : float, default 1.0
        For ``"inconsistent"``, fcluster's ``t``: a merge whose inconsistency
        coefficient, or that of a merge below it, exceeds it is split.
    depth : int, default 2
        For ``"inconsistent"``, fcluster's ``depth`` (as in
        ``scipy.cluster.hierarchy.inconsistent(Z, depth)``): how many levels
        of links below each merge its coefficient compares it with.

    Raises
    ------
    ClusteringError
        If ``criterion`` is none of SciPy's three; the message names them.

    Notes
    -----
    Only the criterion's own numbers are used; the others ride along (a view
    cutting by height keeps the t and depth it last used). The numbers are
    checked when the rule is applied, where the largest k (n) is known.

    Examples
    --------
    >>> CutRule.into(4).fcluster_call()
    'fcluster(Z, t=4, criterion="maxclust")'
    >>> CutRule.at_height(16.5).describe()
    'cut at height 16.5'
    """

    criterion: str
    height: float | None = None
    k: int | None = None
    threshold: float = DEFAULT_INCONSISTENCY_T
    depth: int = DEFAULT_INCONSISTENCY_DEPTH

    def __post_init__(self) -> None:
        if self.criterion not in CRITERIA:
            raise ClusteringError(f"unknown cut criterion {self.criterion!r}; choose one of: {', '.join(CRITERIA)}")

    @classmethod
    def at_height(cls, height: float) -> CutRule:
        """Cut at a height: ``fcluster(Z, t=height, criterion="distance")``."""
        return cls(DISTANCE, height=height)

    @classmethod
    def into(cls, k: int) -> CutRule:
        """Cut into k clusters: ``fcluster(Z, t=k, criterion="maxclust")``."""
        return cls(MAXCLUST, k=k)

    @classmethod
    def inconsistent(
        cls, threshold: float = DEFAULT_INCONSISTENCY_T, depth: int = DEFAULT_INCONSISTENCY_DEPTH
    ) -> CutRule:
        """Cut by inconsistency: ``fcluster(Z, t=threshold, criterion="inconsistent", depth=depth)``."""
        return cls(INCONSISTENT, threshold=threshold, depth=depth)

    def apply(self, tree: Tree) -> Cut:
        """Cut a tree by this rule.

        Parameters
        ----------
        tree : Tree

        Returns
        -------
        Cut
            fcluster's partition, numbered left to right in dendrogram order:
            :func:`~hclust.cut.clusters_at_height`,
            :func:`~hclust.cut.clusters_for_k` (which explains where tied
            heights make k clusters impossible) or
            :func:`~hclust.cut.clusters_inconsistent`.

        Raises
        ------
        ClusteringError
            If the criterion's number breaks its rule (a negative height, a
            k outside 1..n, ...); the message states the rule and the value.
        """
        if self.criterion == DISTANCE:
            return clusters_at_height(tree, self.height)
        if self.criterion == MAXCLUST:
            return clusters_for_k(tree, self.k)
        return clusters_inconsistent(tree, self.threshold, self.depth)

    def fcluster_call(self) -> str:
        """The line of SciPy this rule stands for.

        Returns
        -------
        str
            For example ``fcluster(Z, t=16.0, criterion="distance")``. A
            height or threshold is written as ``repr`` writes it, so Python
            reads back exactly the same float; k and depth as integers.

        Raises
        ------
        ClusteringError
            If a number the call needs cannot be written: not a finite
            number, or for k and depth not a whole one.
        """
        depth = f", depth={self._written_depth()}" if self.criterion == INCONSISTENT else ""
        return f'fcluster(Z, t={self._written_t()}, criterion="{self.criterion}"{depth})'

    def describe(self) -> str:
        """A few words on the rule, with its numbers as :meth:`fcluster_call` writes them.

        Returns
        -------
        str
            ``cut at height 16.0``, ``at most 4 clusters (maxclust)`` or
            ``inconsistency at most 1.15 over depth 3``.
        """
        t = self._written_t()
        if self.criterion == DISTANCE:
            return f"cut at height {t}"
        if self.criterion == MAXCLUST:
            return f"at most {t} clusters ({MAXCLUST})"
        return f"inconsistency at most {t} over depth {self._written_depth()}"

    def _written_t(self) -> str:
        """The ``t`` of fcluster for this rule, written as Python."""
        if self.criterion == DISTANCE:
            return _written(self.height, "cut height")
        if self.criterion == MAXCLUST:
            return _written(self.k, "number of clusters k", whole=True)
        return _written(self.threshold, "inconsistency threshold t")

    def _written_depth(self) -> str:
        return _written(self.depth, "inconsistency depth", whole=True)


def _written(value, name: str, whole: bool = False) -> str:
    """A number as Python source that reads back exactly the same value."""
    if is_number(value) and math.isfinite(value) and (not whole or float(value).is_integer()):
        return str(int(value)) if whole else repr(float(value))
    kind = "a whole number" if whole else "a finite number"
    raise ClusteringError(f"the {name} must be {kind} to be written as Python (got {value!r})")
