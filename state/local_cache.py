"""Large derived values kept in this process, for the next request that needs them.

The session store (``state/session_store.py``) pickles what it keeps to disk
or Redis, which suits trees and small results. Some values are large, cheap
to compute again and the same for everyone with the same data, such as the
sampled distance matrix behind the silhouettes (26 MB for the digits): worth
keeping only in memory, and only a few at a time. Keys name the data by its
fingerprint (content), never by session, so two students on one built-in
example share one entry, and nothing of one session can reach another that
does not hold the same data. An entry is dropped when it is the least
recently used beyond ``max_entries`` or ``max_bytes``, or when it is older
than ``seconds`` where a cache has them; nothing here outlives the process (a
pickled cache, as in the store a background job's process receives, arrives
empty).
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
    """A small, thread-safe least-recently-used cache of computed values.

    Parameters
    ----------
    max_entries : int
    max_bytes : int, optional
        The bound on the values' sizes together (by ``size``).
    size : callable, optional
        A value's size in bytes (0 for every value by default).
    seconds : float, optional
        How long a value is kept after it was put (None: until it is the
        least recently used beyond the bounds). The session store keeps its
        recent reads this way, so the store still sees each key read now and
        then (``state/session_store.py``).
    max_value_bytes : int, optional
        Larger values are not kept at all (default ``max_bytes``).
    """

    def __init__(
        self,
        max_entries: int,
        max_bytes: int | None = None,
        size: Callable[[object], int] | None = None,
        seconds: float | None = None,
        max_value_bytes: int | None = None,
    ):
        self._max = max_entries
        self._max_bytes = max_bytes
        self._max_value = max_bytes if max_value_bytes is None else max_value_bytes
        self._size = size or (lambda value: 0)
        self._seconds = seconds
        self._values: OrderedDict[Hashable, tuple[object, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key``, computed by ``compute()`` when not kept (two threads may both compute it)."""
        value = self.peek(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value  # type: ignore[return-value]

    def peek(self, key: Hashable):
        """The value kept for ``key``, or None (never kept, dropped, or older than ``seconds``); nothing is computed."""
        with self._lock:
            entry = self._values.get(key)
            if entry is None:
                return None
            if self._seconds is not None and time.monotonic() - entry[2] > self._seconds:
                self._forget(key)
                return None
            self._values.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: object) -> None:
        """Keep ``value`` under ``key`` (from now, for ``seconds``), unless it is over ``max_value_bytes``."""
        size = self._size(value)
        if self._max_value is not None and size > self._max_value:
            return
        with self._lock:
            self._forget(key)
            self._values[key] = (value, size, time.monotonic())
            self._bytes += size
            while len(self._values) > self._max or (self._max_bytes is not None and self._bytes > self._max_bytes):
                self._forget(next(iter(self._values)))

    def drop(self, key: Hashable) -> None:
        """Forget ``key`` (deleted elsewhere in this process)."""
        with self._lock:
            self._forget(key)

    def _forget(self, key: Hashable) -> None:
        entry = self._values.pop(key, None)
        if entry is not None:
            self._bytes -= entry[1]

    def __len__(self) -> int:
        return len(self._values)

    def __getstate__(self) -> dict:
        """Pickled (a job's process gets the store that holds this cache), it arrives empty: values stay here."""
        state = {name: value for name, value in self.__dict__.items() if name not in ("_values", "_lock")}
        return {**state, "_bytes": 0}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._values = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
            self._bytes = 0


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
