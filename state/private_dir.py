"""The store's own directory: created for the app's user alone."""

from __future__ import annotations

import os
from pathlib import Path


def private_directory(directory: str | os.PathLike) -> str:
    """Create (or take over) a directory only the app's own user can enter: mode 0700.

    Everything the store writes inside (datasets, uploads, Dash's job-signing
    secret) is then out of other users' reach, whatever each file's own mode.
    A directory owned by another user is refused: it could be a trap laid in
    a shared temporary folder.

    Raises
    ------
    PermissionError
        If the directory belongs to another user.
    """
    path = Path(directory)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
        raise PermissionError(f"the store directory {path} belongs to another user; choose another HCLUST_CACHE_DIR")
    path.chmod(0o700)
    return str(path)
