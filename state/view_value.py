"""The view's value types: :class:`Source` (which data, read how) and :class:`View` (every setting).

:mod:`state.view` encodes a view to a query string and decodes it back; the
tables of valid values here feed both and the page's controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hclust.algorithms import DEFAULT_ALGORITHM
from hclust.cut import CutRule
from hclust.dendrogram import DEFAULT_TRUNCATE_P
from hclust.options import DEFAULT_METHOD, DEFAULT_METRIC
from loaders import AUTO, DEFAULT_DATASET, LoadOptions
from state.session_store import EXACT

AID_TABS = {"elbow": "Merge heights", "inconsistency": "Inconsistency", "silhouette": "Silhouette", "kmeans": "k-means"}
"""The aids panel's tabs: value -> label."""
COLORINGS = ("tree", "truth", "algorithm")
"""What colours the scatter: the tree's clusters, the true classes, or the other algorithm at the same k."""
LESSON_TABS = {
    "truth": "True classes",
    "algorithms": "Other algorithms",
    "heatmap": "Heatmap",
    "profile": "What sets clusters apart",
    "centroids": "Centroids",
}
"""The "look inside" panel's tabs (``components/lesson_panel.py``): value -> label."""
HEATMAP_SCALES = ("value", "zscore")
THEMES = ("auto", "light", "dark")
"""The page's colours: the system's choice (``prefers-color-scheme``), light or dark."""
MAX_COMPARED = 4
"""Methods side by side: at most this many."""
SLOT_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
UPLOAD_KEY = re.compile(r"[0-9a-f]{8,64}")


@dataclass(frozen=True)
class Source:
    """Which data the view shows, and how it was read.

    Attributes
    ----------
    example : str or None
        A key of :data:`loaders.BUILTIN_DATASETS`, or None for an upload.
    upload : str or None
        The uploaded table's content key (:attr:`loaders.Table.key`): the
        data itself never travels in an address.
    filename : str or None
        The upload's file name, for messages.
    sheet : str or None
        The workbook sheet of an upload.
    read_as : str
        ``"observations"``, ``"distances"`` or ``"auto"``.
    features : tuple of str or None
        The feature columns of an upload; None for the loader's default.
    label : str or None
        The label column of an upload; None for no labels, ``"auto"`` for the loader's choice.
    missing : str
        A key of :data:`loaders.MISSING_POLICIES`.
    scaling : str
        A key of :data:`loaders.SCALINGS`.
    classes : str or None
        The upload's column of true classes; None for none.
    """

    example: str | None = DEFAULT_DATASET
    upload: str | None = None
    filename: str | None = None
    sheet: str | None = None
    read_as: str = AUTO
    features: tuple[str, ...] | None = None
    label: str | None = AUTO
    missing: str = "drop"
    scaling: str = "none"
    classes: str | None = None

    @property
    def is_upload(self) -> bool:
        """True when the data is an uploaded file."""
        return self.upload is not None

    def load_options(self) -> LoadOptions:
        """How an upload source reads its table."""
        return LoadOptions(
            feature_columns=self.features,
            label_column=self.label,
            missing=self.missing,
            scaling=self.scaling,
            read_as=self.read_as,
            class_column=self.classes,
        )


@dataclass(frozen=True)
class View:
    """Every setting that shapes the view (see the module docstring).

    Attributes
    ----------
    source : Source
    method, metric : str
        The linkage method and the ``pdist`` metric (``"precomputed"`` for a distance matrix).
    tree_mode : str
        One of :data:`TREE_MODES`.
    p : int
        Leaves shown in the truncated dendrogram.
    annotate_above : float or None
        Merges above this height are labelled; None for automatic.
    cut : CutRule or None
        How the tree is cut; None for the first cut of new data (the elbow's k).
    colors : tuple of int
        The colour slot of each cluster, clusters taken by ascending root
        node id; empty for the default colours.
    zoom : int or None
        The node id of the zoomed branch (None for the whole tree).
    selection : int or None
        The node id of the selected branch, cluster or leaf.
    coloring : str
        One of :data:`COLORINGS`.
    aid : str
        The open tab of the aids panel, a key of :data:`AID_TABS`.
    compare : tuple of str
        The linkage methods shown side by side (none, or 2 to 4).
    merge : int or None
        The merge player's step (1-based), when the player is on.
    present : bool
        Presentation mode (the projector layout).
    theme : str
        One of :data:`THEMES`.
    algorithm : str
        The other algorithm compared at the same k, a key of
        :data:`hclust.algorithms.COMPARISON_ALGORITHMS`.
    centroids : bool
        Each cluster's centroid marked on the scatter.
    lesson : str
        The open tab of the "look inside" panel, one of :data:`LESSON_TABS`.
    heat_scale : str
        The heatmap's colours: ``"value"`` or per-column ``"zscore"``.
    heat_columns, heat_optimal : bool
        The heatmap's columns clustered; its rows in optimal leaf order.
    """

    source: Source = field(default_factory=Source)
    method: str = DEFAULT_METHOD
    metric: str = DEFAULT_METRIC
    tree_mode: str = EXACT
    p: int = DEFAULT_TRUNCATE_P
    annotate_above: float | None = None
    cut: CutRule | None = None
    colors: tuple[int, ...] = ()
    zoom: int | None = None
    selection: int | None = None
    coloring: str = "tree"
    aid: str = "elbow"
    compare: tuple[str, ...] = ()
    merge: int | None = None
    present: bool = False
    theme: str = "auto"
    algorithm: str = DEFAULT_ALGORITHM
    centroids: bool = False
    lesson: str = "truth"
    heat_scale: str = HEATMAP_SCALES[0]
    heat_columns: bool = False
    heat_optimal: bool = False

    def same_tree(self, other: View | None) -> bool:
        """True when ``other`` asks for the same tree (data, reading, linkage and tree mode)."""
        return other is not None and (self.source, self.method, self.metric, self.tree_mode) == (
            other.source,
            other.method,
            other.metric,
            other.tree_mode,
        )


@dataclass(frozen=True)
class Decoded:
    """What :func:`decode` read: the nearest valid view, and a sentence per value it could not use."""

    view: View
    problems: tuple[str, ...] = ()
