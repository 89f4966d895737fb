"""Settings, read from environment variables once at start-up."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise SystemExit(f"{name} must be a whole number (got {value!r})") from error


@dataclass(frozen=True)
class Settings:
    """Everything an operator can configure.

    Attributes
    ----------
    host, port : str, int
        Where ``python app.py`` serves (``HOST``, ``PORT``; default
        127.0.0.1:8050).
    cache_dir : Path
        Server-side store for datasets and trees (``HCLUST_CACHE_DIR``).
    cache_size_mb : int
        Bound of that store; least recently used entries go first
        (``HCLUST_CACHE_SIZE_MB``, default 2048).
    session_ttl_seconds : int
        A session's data expires this long after it was stored
        (``HCLUST_SESSION_TTL``, default 86400).
    max_upload_mb : int
        Largest accepted upload (``HCLUST_MAX_UPLOAD_MB``, default 50).
    webgl_threshold : int
        Scatter plots with more points than this use WebGL
        (``HCLUST_WEBGL_THRESHOLD``, default 3000).
    debug : bool
        Dash debug mode (``HCLUST_DEBUG=1``).
    """

    host: str = "127.0.0.1"
    port: int = 8050
    cache_dir: Path = Path(tempfile.gettempdir()) / "hclust-explorer-cache"
    cache_size_mb: int = 2048
    session_ttl_seconds: int = 86_400
    max_upload_mb: int = 50
    webgl_threshold: int = 3000
    debug: bool = False

    @property
    def max_upload_bytes(self) -> int:
        """:attr:`max_upload_mb` in bytes."""
        return self.max_upload_mb * 1_000_000

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment, with the defaults above."""
        defaults = cls()
        return cls(
            host=os.environ.get("HOST", defaults.host),
            port=_env_int("PORT", defaults.port),
            cache_dir=Path(os.environ.get("HCLUST_CACHE_DIR", str(defaults.cache_dir))),
            cache_size_mb=_env_int("HCLUST_CACHE_SIZE_MB", defaults.cache_size_mb),
            session_ttl_seconds=_env_int("HCLUST_SESSION_TTL", defaults.session_ttl_seconds),
            max_upload_mb=_env_int("HCLUST_MAX_UPLOAD_MB", defaults.max_upload_mb),
            webgl_threshold=_env_int("HCLUST_WEBGL_THRESHOLD", defaults.webgl_threshold),
            debug=os.environ.get("HCLUST_DEBUG", "") in {"1", "true", "yes"},
        )
