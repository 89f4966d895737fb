"""Each session has a share of the store: its own oldest results make room, never another session's data."""

from __future__ import annotations

import numpy as np
import pytest

from loaders import Dataset
from state.refs import SessionExpiredError
from state.session_store import SessionStore

A, B = "a" * 32, "b" * 32


def dataset(seed: int) -> Dataset:
    points = np.random.default_rng(seed).normal(size=(200, 2))
    return Dataset(name=f"d{seed}", features=points, feature_names=("x", "y"))


def test_a_session_over_its_share_loses_its_own_oldest_results_and_nobody_elses(tmp_path):
    store = SessionStore.open(str(tmp_path), 100, 600, session_quota_mb=1)
    theirs = store.put_dataset(B, dataset(0))
    kept = store.memo(theirs, ("result",), lambda: np.zeros(50_000))  # 0.4 MB of B's
    mine = store.put_dataset(A, dataset(1))
    for index in range(10):  # 10 x 0.4 MB for A, over its 1 MB share
        store.memo(mine, ("big", str(index)), lambda: np.ones(50_000))
    np.testing.assert_array_equal(store.memo(theirs, ("result",), lambda: None), kept)  # B untouched
    assert store.dataset(theirs).name == "d0"
    recomputed = []
    store.memo(mine, ("big", "0"), lambda: recomputed.append(1) or np.ones(50_000))
    assert recomputed == [1]  # A's oldest result was dropped, and is simply computed again
    store.memo(mine, ("big", "9"), lambda: recomputed.append(9) or np.ones(50_000))
    assert recomputed == [1]  # its newest stayed
    assert store.dataset(mine).name == "d1"  # and its dataset is never dropped for the share


def test_without_a_share_nothing_is_dropped(tmp_path):
    store = SessionStore.open(str(tmp_path), 100, 600)
    mine = store.put_dataset(A, dataset(1))
    for index in range(10):
        store.memo(mine, ("big", str(index)), lambda: np.ones(50_000))
    assert store.memo(mine, ("big", "0"), lambda: None) is not None
    try:
        store.dataset(mine)
    except SessionExpiredError:  # pragma: no cover - the point of the test
        raise AssertionError("the dataset was dropped") from None


def test_a_shared_result_is_made_once_for_two_sessions_and_paid_for_by_the_one_that_stored_it(tmp_path):
    store = SessionStore.open(str(tmp_path), 100, 600, session_quota_mb=1)
    data = dataset(2)
    mine, theirs = store.put_dataset(A, data), store.put_dataset(B, data)
    made = []
    first = store.shared(mine, ("sweep",), lambda: made.append(A) or np.arange(50_000.0))
    store._recent.clear()  # another process: only the store has it
    np.testing.assert_array_equal(store.shared(theirs, ("sweep",), lambda: made.append(B) or None), first)
    assert made == [A]
    # A session naming the data without holding it gets nothing.
    stranger = type(mine)("c" * 32, mine.data_key)
    with pytest.raises(SessionExpiredError):
        store.shared(stranger, ("sweep",), lambda: np.zeros(1))
    # Over A's share, the shared result goes with A's other oldest results; B then makes it again.
    for index in range(10):
        store.memo(mine, ("big", str(index)), lambda: np.ones(50_000))
    store._recent.clear()
    store.shared(theirs, ("sweep",), lambda: made.append(B) or np.arange(50_000.0))
    assert made == [A, B]
