"""Large derived values kept in this process, for the next request that needs them.

The session store (``state/session_store.py``) pickles what it keeps to disk
or Redis, which suits trees and small results. Some values are large, cheap
to compute again and the same for everyone with the same data, such as the
sampled distance matrix behind the silhouettes (26 MB for the digits): worth
keeping only in memory, and only a few at a time. Keys name the data by its
fingerprint (content), never by session, so two students on one built-in
example share one entry, and nothing of one session can reach another that
does not hold the same data. An entry is dropped when it is the least
recently used beyond ``max_entries`` or ``max_bytes``; nothing here outlives
the process.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np

T = TypeVar("T")


class LocalCache:
    """A small, thread-safe least-recently-used cache of computed values."""

    def __init__(self, max_entries: int, max_bytes: int | None = None, size: Callable[[object], int] | None = None):
        self._max = max_entries
        self._max_bytes = max_bytes
        self._size = size or (lambda value: 0)
        self._values: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key``, computed by ``compute()`` when not kept (two threads may both compute it)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key][0]  # type: ignore[return-value]
        value = compute()
        size = self._size(value)
        if self._max_bytes is not None and size > self._max_bytes:
            return value  # too large to keep at all
        with self._lock:
            if key not in self._values:
                self._values[key] = (value, size)
                self._bytes += size
            self._values.move_to_end(key)
            while len(self._values) > self._max or (self._max_bytes is not None and self._bytes > self._max_bytes):
                _, (_, dropped) = self._values.popitem(last=False)
                self._bytes -= dropped
        return value

    def peek(self, key: Hashable):
        """The value kept for ``key``, or None (nothing is computed)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key][0]
        return None

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
            self._bytes = 0


class RecentReads:
    """Values read from the shared store in the last ``seconds``, kept in this process for the next read.

    For values that never change under their key (a dataset, a tree, a
    layout: each key names its content). A hit costs no store read, which for
    diskcache is a write transaction (its least-recently-used policy records
    every read); the store still sees each key read once per ``seconds``, so
    what is in use stays the most recently used there. A key deleted in
    another process (expired, or evicted) is still served here for at most
    ``seconds``. Values over ``max_value_bytes`` are not kept, and the whole
    stays within ``max_bytes`` (by :func:`approximate_bytes`).
    """

    def __init__(self, seconds: float, max_bytes: int, max_value_bytes: int) -> None:
        self._seconds = seconds
        self._max_bytes = max_bytes
        self._max_value = max_value_bytes
        self._values: OrderedDict[Hashable, tuple[object, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value kept for ``key``, or None (never kept, dropped, or older than ``seconds``)."""
        with self._lock:
            entry = self._values.get(key)
            if entry is None:
                return None
            value, size, at = entry
            if time.monotonic() - at > self._seconds:
                del self._values[key]
                self._bytes -= size
                return None
            self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object) -> None:
        """Keep ``value`` (just read or written) for ``seconds``."""
        size = approximate_bytes(value)
        if size > self._max_value:
            return
        with self._lock:
            old = self._values.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._values[key] = (value, size, time.monotonic())
            self._bytes += size
            while self._bytes > self._max_bytes and self._values:
                _, (_, dropped, _) = self._values.popitem(last=False)
                self._bytes -= dropped

    def drop(self, key: Hashable) -> None:
        """Forget ``key`` (deleted in this process)."""
        with self._lock:
            old = self._values.pop(key, None)
            if old is not None:
                self._bytes -= old[1]


def approximate_bytes(value: object, depth: int = 3) -> int:
    """The memory a value holds, roughly: its arrays' and strings' bytes, through a few levels of fields."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    if depth == 0:
        return 64
    if isinstance(value, dict):
        return 64 + sum(approximate_bytes(k, depth - 1) + approximate_bytes(v, depth - 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return 64 + sum(approximate_bytes(item, depth - 1) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (getattr(value, f.name, None) for f in dataclasses.fields(value))
        return 64 + sum(approximate_bytes(field, depth - 1) for field in fields)
    return 64
