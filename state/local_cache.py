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

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

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

    def __len__(self) -> int:
        return len(self._values)
