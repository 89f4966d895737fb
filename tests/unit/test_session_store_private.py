"""The store's directory is the app user's alone."""

from __future__ import annotations

import os
import stat

import pytest

from state.private_dir import private_directory
from state.session_store import SessionStore


def test_the_store_directory_is_created_for_the_app_user_only(tmp_path):
    SessionStore.open(str(tmp_path / "store"), 10, 60)
    assert stat.S_IMODE(os.stat(tmp_path / "store").st_mode) == 0o700


def test_an_existing_open_directory_is_closed_to_others(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    private_directory(shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a directory owned by another user")
def test_a_directory_owned_by_another_user_is_refused(tmp_path):
    trap = tmp_path / "trap"
    trap.mkdir()
    os.chown(trap, 65534, 65534)
    with pytest.raises(PermissionError, match="belongs to another user"):
        private_directory(trap)
