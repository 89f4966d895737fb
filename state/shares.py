"""Each session's share of the store, so one user's work can never evict everyone else's data.

The store (``state/session_store.py``) is bounded as a whole, and evicts
its least recently used entries beyond that bound, whoever they belong to.
A ledger per session, kept in the store itself (so every worker sees the
same), records the pickled size of each value the session stored; past
its quota, that session's own least recently written *results* (trees,
layouts, sweeps, shared replies: anything computed again on demand) are
deleted. Its datasets and uploads (``evictable=False``) count, but are
never dropped for it. The ledger is approximate when several processes
write at once (the store's own bound still holds).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable


class SessionShares:
    """The per-session quota of a store.

    Parameters
    ----------
    cache : diskcache.Cache or RedisCache
        The store's backing cache; the ledgers live in it too.
    quota_bytes : int
        What each session may hold (pickled size).
    ttl_seconds : int
        A ledger lives as long as what it counts.
    forget : callable
        Told each key deleted for a session (the store drops its own copy of the value).
    """

    def __init__(self, cache, quota_bytes: int, ttl_seconds: int, forget: Callable[[str], None]) -> None:
        self._cache = cache
        self._quota = quota_bytes
        self._ttl = ttl_seconds
        self._forget = forget

    def charge(self, session_id: str, key: str, value, evictable: bool) -> None:
        """Count ``value``, just stored under ``key``, to the session; make room from its oldest results."""
        ledger_key = f"{session_id}/__ledger"
        ledger: dict[str, tuple[int, bool]] = self._cache.get(ledger_key) or {}
        ledger.pop(key, None)
        ledger[key] = (len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)), evictable)
        total = sum(size for size, _ in ledger.values())
        for oldest, (size, may_go) in list(ledger.items())[:-1]:  # never the value just stored
            if total <= self._quota:
                break
            if may_go:
                self._cache.delete(oldest)
                self._forget(oldest)
                del ledger[oldest]
                total -= size
        self._cache.set(ledger_key, ledger, expire=self._ttl)
