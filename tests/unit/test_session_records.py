"""Small records about a dataset: the latest write wins, a missing one is an expired session."""

import pytest

from loaders import load_builtin
from state.refs import SessionExpiredError
from state.session_store import SessionStore


def test_a_record_is_recalled_and_overwritten(tmp_path):
    store = SessionStore.open(str(tmp_path), 100, 60)
    ref = store.put_dataset("session", load_builtin("classic"))

    store.remember(ref, ("file-source", "a"), {"scaling": "none"})
    store.remember(ref, ("file-source", "a"), {"scaling": "zscore"})

    assert store.recall(ref, ("file-source", "a")) == {"scaling": "zscore"}
    with pytest.raises(SessionExpiredError):
        store.recall(ref, ("file-source", "b"))
