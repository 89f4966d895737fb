"""A process serves what it read from the store in the last seconds, and reads the store again after them."""

from __future__ import annotations

import numpy as np
import pytest

from state import local_cache
from state.local_cache import LocalCache, approximate_bytes
from state.session_store import RECENT_SECONDS, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_served_for_its_seconds_then_read_again(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(local_cache.time, "monotonic", clock)
    recent = LocalCache(100, 10_000, size=approximate_bytes, seconds=10, max_value_bytes=1_000)
    recent.put("a", np.zeros(10))
    clock.now += 9.9
    assert recent.peek("a") is not None
    clock.now += 0.2
    assert recent.peek("a") is None  # older than its seconds: the store is asked again


def test_the_bounds_hold_oldest_first_and_large_values_are_not_kept():
    recent = LocalCache(100, 2_000, size=approximate_bytes, seconds=10, max_value_bytes=1_500)
    recent.put("big", np.zeros(400))  # 3,200 bytes: over the largest value kept
    assert recent.peek("big") is None
    for name in "abc":
        recent.put(name, np.zeros(100))  # 800 bytes each: only two fit in 2,000
    assert recent.peek("a") is None and recent.peek("b") is not None and recent.peek("c") is not None
    recent.drop("b")
    assert recent.peek("b") is None


def test_approximate_bytes_counts_arrays_and_strings_inside_fields():
    assert approximate_bytes(np.zeros(1000)) == 8000
    assert approximate_bytes({"x": np.zeros(10), "y": "abcd"}) >= 84
    assert approximate_bytes([np.zeros(100)] * 3) >= 2400


class CountingCache(dict):
    """Just enough of diskcache's interface, counting reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, key, default=None):
        self.reads += 1
        return super().get(key, default)

    def set(self, key, value, expire=None):
        self[key] = value

    def delete(self, key):
        self.pop(key, None)


def test_the_store_reads_a_result_once_within_the_window(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(local_cache.time, "monotonic", clock)
    cache = CountingCache()
    store = SessionStore(cache, ttl_seconds=3600)
    from loaders.builtin import load_builtin

    ref = store.put_dataset("s" * 32, load_builtin("classic"))
    store.tree(ref, "ward", "euclidean")
    reads = cache.reads
    for _ in range(5):
        store.tree(ref, "ward", "euclidean")
        store.dataset(ref)
    assert cache.reads == reads  # a cut's requests read the store once
    clock.now += RECENT_SECONDS + 1
    store.tree(ref, "ward", "euclidean")
    assert cache.reads == reads + 1  # and again after the window, so the store sees it in use
    cache.clear()
    clock.now += RECENT_SECONDS + 1
    assert not store.holds(ref)  # deleted in the store: gone here too once the window has passed


def test_sessions_holding_the_same_data_share_one_build_and_others_get_none(monkeypatch, tmp_path):
    from loaders.builtin import load_builtin
    from state import session_store
    from state.refs import DataRef, SessionExpiredError

    session_store.BUILT_TREES.clear()
    builds = []
    real = session_store._build
    monkeypatch.setattr(session_store, "_build", lambda *args: builds.append(args[1]) or real(*args))
    store = SessionStore.open(str(tmp_path / "store"), 64, 3600)
    data = load_builtin("wine")
    first, second = store.put_dataset("a" * 32, data), store.put_dataset("b" * 32, data)
    assert not store.has_tree(second, "average", "euclidean")
    trees = [store.tree(first, "average", "euclidean")]
    assert store.has_tree(second, "average", "euclidean")  # built for the other session: instant to show
    session_store.BUILT_TREES.clear()  # another process: it reads the tree from the store
    store2 = SessionStore.open(str(tmp_path / "store"), 64, 3600)
    trees.append(store2.tree(second, "average", "euclidean"))
    assert builds == ["average"]  # one build for both students, whichever process serves them
    np.testing.assert_array_equal(trees[0].linkage, trees[1].linkage)
    # A session that does not hold the data gets no tree of it, built or not.
    with pytest.raises(SessionExpiredError):
        store.tree(DataRef("c" * 32, first.data_key), "average", "euclidean")


def test_a_pickled_cache_arrives_empty_with_its_bounds():
    """A job's process receives the store by pickle: the web process's recent reads stay behind."""
    import pickle

    recent = LocalCache(100, 10_000, size=approximate_bytes, seconds=10, max_value_bytes=1_500)
    recent.put("a", np.zeros(100))
    copy = pickle.loads(pickle.dumps(recent))
    assert len(copy) == 0 and copy.peek("a") is None and len(recent) == 1
    copy.put("big", np.zeros(400))  # its bounds came along: over the largest value kept
    copy.put("b", np.zeros(100))
    assert copy.peek("big") is None and copy.peek("b") is not None
