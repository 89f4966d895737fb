"""Settings, read from environment variables once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from loaders.limits import DEFAULT_LIMITS, ENVIRONMENT, Limits


def _env_int(name: str, default: int, minimum: int | None = None) -> int:
    return _env_number(name, default, int, "a whole number", minimum)


def _env_seconds(name: str) -> float | None:
    return _env_number(name, None, float, "a number of seconds", 0)


def _env_number(name: str, default, parse, kind: str, minimum):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = parse(value)
    except ValueError as error:
        raise SystemExit(f"{name} must be {kind} (got {value!r})") from error
    if minimum is not None and not number >= minimum:  # "not >=": NaN is refused too
        raise SystemExit(f"{name} must be at least {minimum} (got {number})")
    return number


def _user_cache_dir() -> Path:
    """The store's default home: this user's own cache folder, never a shared, predictable temporary path."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hclust-explorer"


def _half_machine_memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2 // 1_000_000


MAX_DEFAULT_WORKERS = 8
MAX_NICE = 19  # the lowest CPU priority a process can take
REQUEST_HEADROOM_BYTES = 2_000_000


def default_workers() -> int:
    """One worker per core and one more, capped at :data:`MAX_DEFAULT_WORKERS`.

    The cores are those this process may run on (a container's CPU set, not
    the host's). Each worker is a whole process with its own copy of the
    scientific stack (about 250 MB before any data), and the work is CPU
    bound: the threads of each worker take the waiting requests (progress
    polls, store reads). Gunicorn's rule of thumb for waiting work,
    ``2 * cores + 1``, was slower here: each worker keeps its own recent
    reads and starts its own fork server for jobs. A room of 50 with 3
    uploads on 2 cores (``benchmarks/load_room.py``) had a whole-cut p95 of
    187-241 ms with 3 workers against 352-521 ms with 5, and 1 GB less memory.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores + 1, MAX_DEFAULT_WORKERS)


@dataclass(frozen=True)
class Settings:
    """Everything an operator can configure.

    Attributes
    ----------
    host, port : str, int
        Where ``python3 dev.py run`` and ``python3 dev.py serve`` serve
        (``HOST``, ``PORT``; default 127.0.0.1:8050; ``HOST=0.0.0.0`` for a
        room).
    cache_dir : Path
        Server-side store for datasets and trees (``HCLUST_CACHE_DIR``).
    cache_size_mb : int
        Bound of that store; least recently used entries go first
        (``HCLUST_CACHE_SIZE_MB``, default 2048).
    session_ttl_seconds : int
        A session's data expires this long after it was stored
        (``HCLUST_SESSION_TTL``, default 86400).
    max_upload_mb : int
        Largest accepted upload (``HCLUST_MAX_UPLOAD_MB``, default 50). It
        also bounds every request body: see :attr:`max_request_bytes`.
    webgl_threshold : int
        Scatter plots with more points than this use WebGL
        (``HCLUST_WEBGL_THRESHOLD``, default 3000).
    scatter_image_above : int
        Scatter plots of more samples than this are drawn as an image
        rendered on the server (datashader), recoloured on every cut and
        re-rendered on zoom (``HCLUST_SCATTER_IMAGE_ABOVE``, default 100000).
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
    ask_above_seconds : float
        Trees estimated to take longer are not started without asking: the
        page shows the estimate and offers to start it, to use the
        approximate tree or, where it applies, single linkage
        (``HCLUST_ASK_ABOVE_SECONDS``, default 60). See :meth:`asks_first`.
    ask_above_memory_fraction : float
        Likewise for trees estimated to need more than this share of
        :attr:`memory_budget_mb` (0.25: a quarter; trees over the whole
        budget are refused).
    cophenetic_exact_seconds : float or None
        A tree's cophenetic correlation is exact when that is estimated to
        take at most this long; beyond it, it is estimated from random pairs
        (with a button for the exact value) (``HCLUST_COPHENETIC_EXACT_SECONDS``;
        None, the default, means :attr:`background_after_seconds`). See
        :attr:`cophenetic_budget_seconds`.
    job_expire_seconds : int
        How long a finished job's result is kept for its page.
    job_limit : int
        Tree jobs running at once across the server (``HCLUST_JOBS``; default
        the cores): the rest wait for a place, and their page says so.
    job_timeout_seconds : int
        A tree job running (or waiting) longer is stopped, and its page says
        why (``HCLUST_JOB_TIMEOUT``, default 1800).
    job_nice : int
        The CPU niceness of a tree job's process (``HCLUST_JOB_NICE``, 0-19,
        default 19, the lowest priority): a long tree takes the cores the
        pages leave idle, so an upload's job does not slow every other user's
        cuts. In a room of 50 on 2 cores with 3 uploads, 19 gave a cut p95 of
        521 ms (88-263 ms after the first 10 s) against 782-988 ms at 10, and
        the jobs finished no later (``benchmarks/load_room.py``).
    job_page_gone_seconds : float
        A tree job whose page has made no request for this long (the tab was
        closed; a live page polls several times a second) is stopped.
    session_quota_mb : int
        Each session's share of the store (``HCLUST_SESSION_QUOTA_MB``,
        default 256): beyond it, that session's own oldest entries go first,
        so one user cannot evict everyone else's data.
    max_rows, max_columns, max_cells, max_name_chars, max_label_chars, max_uncompressed_mb, max_compression_ratio
        The caps on an uploaded file (``HCLUST_MAX_ROWS`` and so on: see
        ``loaders.limits.ENVIRONMENT``), checked before any per-column work.
    workers : int
        Gunicorn worker processes of ``python3 dev.py serve``
        (``HCLUST_WORKERS``; default :func:`default_workers`).
    threads : int
        Threads per worker (``HCLUST_THREADS``, default 4).
    password : str or None
        With ``HCLUST_PASSWORD`` set, every page and request but
        ``/healthz`` asks for HTTP basic auth with this password (any user
        name). Left out of the settings' repr.
    """

    host: str = "127.0.0.1"
    port: int = 8050
    cache_dir: Path = field(default_factory=lambda: _user_cache_dir())
    cache_size_mb: int = 2048
    session_ttl_seconds: int = 86_400
    max_upload_mb: int = 50
    webgl_threshold: int = 3000
    scatter_image_above: int = 100_000
    debug: bool = False
    redis_url: str | None = None
    memory_budget_mb: int = field(default_factory=lambda: _half_machine_memory_mb())
    background_after_seconds: float = 1.0
    ask_above_seconds: float = 60.0
    ask_above_memory_fraction: float = 0.25
    cophenetic_exact_seconds: float | None = None
    job_expire_seconds: int = 3600
    job_limit: int = field(default_factory=lambda: max(1, len(os.sched_getaffinity(0))))
    job_timeout_seconds: int = 1800
    job_nice: int = MAX_NICE
    job_page_gone_seconds: float = 45.0
    session_quota_mb: int = 256
    max_rows: int = DEFAULT_LIMITS.max_rows
    max_columns: int = DEFAULT_LIMITS.max_columns
    max_cells: int = DEFAULT_LIMITS.max_cells
    max_name_chars: int = DEFAULT_LIMITS.max_name_chars
    max_label_chars: int = DEFAULT_LIMITS.max_label_chars
    max_uncompressed_mb: int = DEFAULT_LIMITS.max_uncompressed_mb
    max_compression_ratio: int = DEFAULT_LIMITS.max_compression_ratio

    @property
    def limits(self) -> Limits:
        """The caps an uploaded file is checked against (``loaders.limits``)."""
        return Limits(**{name: getattr(self, name) for name in ENVIRONMENT})

    workers: int = field(default_factory=lambda: default_workers())
    threads: int = 4
    password: str | None = field(default=None, repr=False)

    @property
    def cophenetic_budget_seconds(self) -> float:
        """The most seconds an exact cophenetic correlation may take in ``build_tree``, by its estimate."""
        if self.cophenetic_exact_seconds is None:
            return self.background_after_seconds
        return self.cophenetic_exact_seconds

    @property
    def ask_above_bytes(self) -> int:
        """Trees estimated to need more memory than this are not started without asking."""
        return int(self.memory_budget_mb * 1_000_000 * self.ask_above_memory_fraction)

    def asks_first(self, seconds: float, peak_bytes: int) -> bool:
        """True when a tree of this estimate is not started without asking (the one rule for every path)."""
        return seconds > self.ask_above_seconds or peak_bytes > self.ask_above_bytes

    @property
    def max_upload_bytes(self) -> int:
        """:attr:`max_upload_mb` in bytes."""
        return self.max_upload_mb * 1_000_000

    @property
    def max_request_bytes(self) -> int:
        """Largest request body the server reads (Flask's ``MAX_CONTENT_LENGTH``).

        An upload arrives base64-encoded (4 bytes for every 3) inside a
        callback's JSON body, next to the callback's other inputs; those get
        :data:`REQUEST_HEADROOM_BYTES`.
        """
        return -(-self.max_upload_bytes * 4 // 3) + REQUEST_HEADROOM_BYTES

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
            scatter_image_above=_env_int("HCLUST_SCATTER_IMAGE_ABOVE", defaults.scatter_image_above, minimum=0),
            debug=os.environ.get("HCLUST_DEBUG", "") in {"1", "true", "yes"},
            redis_url=os.environ.get("REDIS_URL") or None,
            memory_budget_mb=_env_int("HCLUST_MEMORY_BUDGET_MB", defaults.memory_budget_mb),
            background_after_seconds=float(
                os.environ.get("HCLUST_BACKGROUND_AFTER", defaults.background_after_seconds)
            ),
            cophenetic_exact_seconds=_env_seconds("HCLUST_COPHENETIC_EXACT_SECONDS"),
            ask_above_seconds=_env_number(
                "HCLUST_ASK_ABOVE_SECONDS", defaults.ask_above_seconds, float, "a number of seconds", 0
            ),
            workers=_env_int("HCLUST_WORKERS", defaults.workers, minimum=1),
            job_limit=_env_int("HCLUST_JOBS", defaults.job_limit, minimum=1),
            session_quota_mb=_env_int("HCLUST_SESSION_QUOTA_MB", defaults.session_quota_mb, minimum=1),
            **{name: _env_int(variable, getattr(defaults, name), minimum=1) for name, variable in ENVIRONMENT.items()},
            job_timeout_seconds=_env_int("HCLUST_JOB_TIMEOUT", defaults.job_timeout_seconds, minimum=1),
            job_nice=min(_env_int("HCLUST_JOB_NICE", defaults.job_nice, minimum=0), MAX_NICE),
            threads=_env_int("HCLUST_THREADS", defaults.threads, minimum=1),
            password=os.environ.get("HCLUST_PASSWORD") or None,
        )
