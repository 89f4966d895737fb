"""Settings, read from environment variables once at start-up."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise SystemExit(f"{name} must be a whole number (got {value!r})") from error


def _half_machine_memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 // 1_000_000


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
    redis_url : str or None
        With ``REDIS_URL`` set, background jobs run on Celery workers through
        Redis and the session store lives in Redis, so several machines
        share both.
    memory_budget_mb : int
        Trees whose estimated peak memory is above this are not started
        (``HCLUST_MEMORY_BUDGET_MB``; default half the machine's memory).
    background_after_seconds : float
        Trees estimated to take longer run as background jobs with a progress
        bar and a cancel button (``HCLUST_BACKGROUND_AFTER``, default 1).
    job_expire_seconds : int
        How long a finished job's result is kept for its page.
    """

    host: str = "127.0.0.1"
    port: int = 8050
    cache_dir: Path = Path(tempfile.gettempdir()) / "hclust-explorer-cache"
    cache_size_mb: int = 2048
    session_ttl_seconds: int = 86_400
    max_upload_mb: int = 50
    webgl_threshold: int = 3000
    debug: bool = False
    redis_url: str | None = None
    memory_budget_mb: int = field(default_factory=lambda: _half_machine_memory_mb())
    background_after_seconds: float = 1.0
    job_expire_seconds: int = 3600

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
            redis_url=os.environ.get("REDIS_URL") or None,
            memory_budget_mb=_env_int("HCLUST_MEMORY_BUDGET_MB", defaults.memory_budget_mb),
            background_after_seconds=float(
                os.environ.get("HCLUST_BACKGROUND_AFTER", defaults.background_after_seconds)
            ),
        )
