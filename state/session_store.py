"""Per-session, server-side storage of datasets and clustering results.

The browser holds only a session id and content keys; the data, trees and
projections live here, in a diskcache directory that several worker
processes can share. Entries are bounded in total size and expire.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import diskcache

from hclust import DendrogramGeometry, Projection, Tree, build_tree, project_to_plane, truncated_geometry
from hclust.approximate import build_approximate_tree
from hclust.cophenetic import CopheneticCorrelation
from hclust.dendrogram import subtree_geometry
from hclust.errors import ClusteringError
from hclust.estimate import estimate_tree
from hclust.projection import embed_distances
from hclust.tree import Progress, build_tree_from_distances
from loaders import Dataset, Table
from state.job_guard import JobGuard
from state.local_cache import LocalCache, approximate_bytes
from state.private_dir import private_directory
from state.redis_cache import RedisCache
from state.refs import DataRef, SessionExpiredError, TreeNotBuiltError
from state.shares import SessionShares

_MB = 1_000_000
EXACT = "exact"
APPROXIMATE = "kmeans-2000"  # the approximate mode a page offers instead of a long exact tree
# mode -> (how representatives are chosen, how many); see hclust.approximate.
TREE_MODES: dict[str, tuple[str, int] | None] = {
    EXACT: None,
    APPROXIMATE: ("kmeans", 2000),
    "sample-2000": ("sample", 2000),
}
T = TypeVar("T")


RECENT_SECONDS = 10.0
"""How long a process serves a value it read from the store without reading it again."""
RECENT_MAX_ENTRIES = 4096
RECENT_MAX_BYTES = 96 * 1024 * 1024
RECENT_MAX_VALUE_BYTES = 24 * 1024 * 1024
"""The recent reads' bound per process, and the largest value kept (a 1,000,000-row tree is read each time)."""


BUILT_TREES = LocalCache(max_entries=32, max_bytes=64 * 1024 * 1024, size=approximate_bytes)
"""Trees this process built or read, by data fingerprint (content), method, metric and mode, in front of the
store's own copy by content (:meth:`SessionStore.shared`): fifty students opening one built-in example build its
tree once, not once each. Reached only from :meth:`SessionStore.tree`, after the asking session's own dataset was
read; each session still stores its own copy."""


class SessionStore:
    """Datasets, trees and projections keyed by session and content.

    Parameters
    ----------
    cache : diskcache.Cache
        The backing store; its ``size_limit`` bounds everything here.
    ttl_seconds : int
        Lifetime of each entry after it is written.

    Notes
    -----
    Datasets, tables and computed results never change under their key, so
    each process keeps what it read in the last :data:`RECENT_SECONDS`
    (a ``state.local_cache.LocalCache`` with ``seconds``): a cut's requests then
    read the store once, not a dozen times, and with diskcache each such
    read is a write transaction (its least-recently-used bookkeeping) that
    every worker waits for. Records that do change (:meth:`remember`, the
    quota's ledger, job records) are always read from the store.
    """

    def __init__(
        self,
        cache: diskcache.Cache,
        ttl_seconds: int,
        quick_seconds: float | None = None,
        quota_bytes: int | None = None,
        cophenetic_seconds: float = math.inf,
    ) -> None:
        self._cache = cache
        self._ttl = ttl_seconds
        self._quick = quick_seconds
        self._cophenetic = cophenetic_seconds
        self._recent = LocalCache(
            RECENT_MAX_ENTRIES,
            RECENT_MAX_BYTES,
            size=approximate_bytes,
            seconds=RECENT_SECONDS,
            max_value_bytes=RECENT_MAX_VALUE_BYTES,
        )
        shares = None if quota_bytes is None else SessionShares(cache, quota_bytes, ttl_seconds, self._recent.drop)
        self._shares = shares

    @classmethod
    def open(
        cls,
        directory: str,
        size_mb: int,
        ttl_seconds: int,
        redis_url: str | None = None,
        quick_seconds: float | None = None,
        session_quota_mb: int | None = None,
        cophenetic_seconds: float = math.inf,
    ) -> SessionStore:
        """Open (or create) a store: a diskcache directory, or Redis when a URL is given.

        Parameters
        ----------
        directory : str
            diskcache directory, shared by the worker processes of one machine.
        size_mb : int
            Upper bound of the directory's size; least recently used entries
            are evicted beyond it. (With Redis, bound the server itself with
            ``maxmemory`` and ``maxmemory-policy allkeys-lru``.)
        ttl_seconds : int
        redis_url : str, optional
            Store in Redis instead, so several machines share the data.
        quick_seconds : float, optional
            Trees estimated to take longer are built only by background jobs
            (see :meth:`tree`); None builds any tree where it is asked for.
        session_quota_mb : int, optional
            Each session's share of the store (``state/shares.py``); None for no share.
        cophenetic_seconds : float, optional
            ``hclust.build_tree``'s budget for an exact cophenetic correlation.
        """
        quota = None if session_quota_mb is None else session_quota_mb * _MB
        if redis_url:
            return cls(RedisCache(redis_url), ttl_seconds, quick_seconds, quota, cophenetic_seconds)
        cache = diskcache.Cache(
            private_directory(directory), size_limit=size_mb * _MB, eviction_policy="least-recently-used"
        )
        cache.expire()  # what expired while the server was down is deleted, not only hidden
        return cls(cache, ttl_seconds, quick_seconds, quota, cophenetic_seconds)

    def put_dataset(self, session_id: str, dataset: Dataset) -> DataRef:
        """Store a dataset for a session and return the reference the browser keeps."""
        ref = DataRef(session_id, dataset.fingerprint)
        self._put(ref.session_id, self._key(ref, "dataset"), dataset, evictable=False)
        return ref

    def holds(self, ref: DataRef) -> bool:
        """True when the reference's session holds its dataset (read in the last seconds, or its key is stored)."""
        key = self._key(ref, "dataset")
        return self._recent.peek(key) is not None or key in self._cache

    def dataset(self, ref: DataRef) -> Dataset:
        """The stored dataset; raises :class:`SessionExpiredError` when gone."""
        return self._get(self._key(ref, "dataset"), unchanging=True)

    def tree(self, ref: DataRef, method: str, metric: str, progress: Progress | None = None, mode: str = EXACT) -> Tree:
        """The tree for (dataset, method, metric), built once and then reused.

        Parameters
        ----------
        ref : DataRef
        method, metric : str
        progress : callable, optional
            ``progress(fraction, stage)`` while a new tree is built. Only a
            background job passes it; without it, a tree that is not stored
            is rebuilt here only when its estimate is quick (``quick_seconds``),
            so no web request builds a slow tree, whatever path asked.

        mode : str
            Exact (the default) or approximate, a key of :data:`TREE_MODES`:
            the asking view's own ``tree_mode``, so each view reads its own
            tree whatever another request (a job, a cancelled one) asked for.

        Raises
        ------
        hclust.ClusteringError
            If the method and metric cannot cluster this dataset.
        SessionExpiredError
            If the dataset is gone.
        TreeNotBuiltError
            If the tree is not stored and too slow to build in a request.
        """
        mode = _known_mode(mode)

        def build() -> Tree:
            dataset = self.dataset(ref)  # the session holds the data: the tree of its content may be shared

            def make() -> Tree:
                if progress is None and self._quick is not None:
                    self._check_quick(dataset, method, metric, mode)
                return _build(dataset, method, metric, mode, progress, self._cophenetic)

            # This process's trees, then the store's (another process may have built it), then a new one.
            return self.shared(ref, self._tree_parts(method, metric, mode), make, kept=BUILT_TREES)

        tree = self._memo(ref, ("tree", method, metric, mode), build)
        exact = self._cache.get(self._key(ref, "cophenetic", method, metric, mode)) if tree.cophenetic_pairs else None
        return tree if exact is None else tree.with_cophenetic(exact)

    def put_exact_cophenetic(
        self, ref: DataRef, method: str, metric: str, exact: CopheneticCorrelation, mode: str = EXACT
    ) -> None:
        """Record a tree's exact cophenetic correlation: :meth:`tree` gives it instead of the estimate from now on."""
        self._put(ref.session_id, self._key(ref, "cophenetic", method, metric, _known_mode(mode)), exact)

    def _check_quick(self, dataset: Dataset, method: str, metric: str, mode: str) -> None:
        n, represented = dataset.n_samples, 0
        if mode != EXACT:
            n, represented = min(n, TREE_MODES[mode][1]), n
        tree_metric = "precomputed" if dataset.is_distance_matrix else metric
        options = {"representatives_of": represented, "cophenetic_seconds": self._cophenetic}
        estimate = estimate_tree(n, dataset.n_features, method, tree_metric, **options)
        if estimate.seconds > self._quick:
            raise TreeNotBuiltError(method, dataset.n_samples, estimate.seconds)

    def job_guard(self, limit: int, timeout_seconds: float, page_gone_seconds: float, nice: int = 0) -> JobGuard:
        """The bounds on background tree jobs, kept in this store (shared by every process)."""
        return JobGuard(self._cache, limit, timeout_seconds, page_gone_seconds, nice)

    def has_tree(self, ref: DataRef, method: str, metric: str, mode: str = EXACT) -> bool:
        """True when that tree is already built, for this session or another with the same data (instant to show)."""
        mode = _known_mode(mode)
        shared = self._shared_key(ref, self._tree_parts(method, metric, mode))
        return self._key(ref, "tree", method, metric, mode) in self._cache or shared in self._cache

    def _tree_parts(self, method: str, metric: str, mode: str) -> tuple[str, ...]:
        """The key of a tree among the results shared by content (:meth:`shared`)."""
        return ("tree", method, metric, mode, repr(self._cophenetic))

    def put_table(self, session_id: str, table: Table) -> str:
        """Store an uploaded file's parsed table for a session; returns its key.

        Changing the column or scaling choices re-prepares the dataset from
        this table, without another upload.
        """
        self._put(session_id, self._table_key(session_id, table.key), table, evictable=False)
        return table.key

    def table(self, session_id: str, key: str) -> Table:
        """The stored table; raises :class:`SessionExpiredError` when gone."""
        return self._get(self._table_key(session_id, key), unchanging=True)

    def put_upload_bytes(self, session_id: str, key: str, raw: bytes) -> None:
        """Keep an uploaded file's bytes (under its table's key), for a saved session to carry."""
        self._put(session_id, "/".join((session_id, "upload-bytes", key)), raw, evictable=False)

    def upload_bytes(self, session_id: str, key: str) -> bytes | None:
        """The bytes kept by :meth:`put_upload_bytes`, or None (too large to keep, or gone)."""
        return self._cache.get("/".join((session_id, "upload-bytes", key)))

    def has_table(self, session_id: str, key: str) -> bool:
        """True when this session holds the uploaded table of that key."""
        return self._table_key(session_id, key) in self._cache

    @staticmethod
    def _table_key(session_id: str, key: str) -> str:
        return "/".join((session_id, "upload-table", key))

    def geometry(
        self, ref: DataRef, method: str, metric: str, p: int, root: int | None = None, mode: str = EXACT
    ) -> DendrogramGeometry:
        """The truncated dendrogram layout of that tree with ``p`` leaves, computed once.

        With ``root``, the layout of the subtree under that node (a zoomed view).
        """
        mode = _known_mode(mode)

        def layout() -> DendrogramGeometry:
            tree = self.tree(ref, method, metric, mode=mode)
            names = _names(self.dataset(ref))
            return truncated_geometry(tree, p, names) if root is None else subtree_geometry(tree, root, p, names)

        # The layout depends on the data and the tree alone: one for every session holding the data.
        return self.shared(ref, ("geometry", method, metric, mode, str(p), str(root)), layout)

    def projection(self, ref: DataRef) -> Projection:
        """The 2-D view of the dataset's samples, computed once for every session holding the data."""
        return self.shared(ref, ("projection",), lambda: _project(self.dataset(ref)))

    def memo(self, ref: DataRef, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
        """Any result derived from a dataset, computed once per key and then reused.

        Parameters
        ----------
        ref : DataRef
            The dataset the result belongs to (it expires with the session).
        parts : tuple of str
            What else the result depends on, e.g. ``("silhouette", method,
            metric, "10")``; the first part names the kind of result, so
            features never collide.
        compute : callable
            Makes the value when it is not stored (must not return None).
        """
        return self._memo(ref, parts, compute)

    def shared(
        self, ref: DataRef, parts: tuple[str, ...], compute: Callable[[], T], kept: LocalCache | None = None
    ) -> T:
        """A result that depends only on the data's content, computed once for every session and process.

        Like :meth:`memo`, but keyed by the data's fingerprint, not the
        session: fifty students on one example, spread over the workers, make
        it once. It is reached only while the asking session holds the data
        (:meth:`holds`), and it counts against the share of the session that
        stored it (when that session's share is full, it is dropped, and the
        next session to need it computes it again).

        Parameters
        ----------
        kept : LocalCache, optional
            Where this process also keeps such results for good (a caller's
            own cache, in front of the store and of the recent reads); it is
            reached only after the same check.

        Raises
        ------
        SessionExpiredError
            If the session does not hold the data (any more).
        """
        if not self.holds(ref):
            raise SessionExpiredError()
        key = self._shared_key(ref, parts)

        def read() -> T:
            return self._read_through(ref.session_id, key, compute)

        return read() if kept is None else kept.get(key, read)

    def remember(self, ref: DataRef, parts: tuple[str, ...], value) -> None:
        """Store a small record about a dataset (the latest write wins); see :meth:`recall`.

        Parameters
        ----------
        ref : DataRef
            The dataset the record belongs to (it expires with the session).
        parts : tuple of str
            The record's key, its first part naming the kind of record.
        value : object
            Anything picklable but None.
        """
        self._cache.set(self._key(ref, *parts), value, expire=self._ttl)

    def recall(self, ref: DataRef, parts: tuple[str, ...]):
        """A record stored by :meth:`remember`.

        Raises
        ------
        SessionExpiredError
            If there is no such record (never written, or expired).
        """
        return self._get(self._key(ref, *parts))

    def _memo(self, ref: DataRef, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
        return self._read_through(ref.session_id, self._key(ref, *parts), compute)

    def _read_through(self, session_id: str, key: str, compute: Callable[[], T]) -> T:
        """The value under ``key`` (this process's recent reads, then the store), else computed and stored."""

        def read() -> T:
            value = self._cache.get(key)
            if value is None:
                value = compute()
                self._put(session_id, key, value)
            return value

        return self._recent.get(key, read)

    def _put(self, session_id: str, key: str, value, evictable: bool = True) -> None:
        """Store a session's value within its share of the store (``state/shares.py``)."""
        self._cache.set(key, value, expire=self._ttl)
        if self._shares is not None:
            self._shares.charge(session_id, key, value, evictable)

    def _get(self, key: str, unchanging: bool = False):
        """The value under ``key``; ``unchanging`` values may come from this process's recent reads."""
        value = self._recent.peek(key) if unchanging else None
        if value is not None:
            return value
        value = self._cache.get(key)
        if value is None:
            raise SessionExpiredError()
        if unchanging:
            self._recent.put(key, value)
        return value

    @staticmethod
    def _key(ref: DataRef, kind: str, *parts: str) -> str:
        return "/".join((ref.session_id, ref.data_key, kind, *parts))

    @staticmethod
    def _shared_key(ref: DataRef, parts: tuple[str, ...]) -> str:
        """Where :meth:`shared` keeps a result: by the data's fingerprint, under no session."""
        return "/".join(("shared", ref.data_key, *parts))


def _known_mode(mode: str) -> str:
    """``mode`` if it is a key of :data:`TREE_MODES` (a view's, as the page sent it), else ClusteringError."""
    if mode not in TREE_MODES:
        raise ClusteringError(f"unknown tree mode {mode!r}; choose one of: {', '.join(TREE_MODES)}")
    return mode


def _names(dataset: Dataset) -> list[str] | None:
    return list(dataset.sample_names) if dataset.sample_names is not None else None


def _build(dataset: Dataset, method: str, metric: str, mode: str, progress: Progress | None, coph: float) -> Tree:
    if dataset.is_distance_matrix:
        return build_tree_from_distances(dataset.distances, method)
    if mode == EXACT:
        return build_tree(dataset.features, method, metric, progress, cophenetic_seconds=coph)
    how, representatives = TREE_MODES[mode]
    return build_approximate_tree(dataset.features, method, metric, representatives, how, progress)


def _project(dataset: Dataset) -> Projection:
    if dataset.is_distance_matrix:
        return embed_distances(dataset.distances)
    return project_to_plane(dataset.features, list(dataset.feature_names))
