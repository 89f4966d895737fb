"""A minimal cache on Redis with diskcache's ``get``/``set``/``in`` interface."""

from __future__ import annotations

import pickle

KEY_PREFIX = "hclust-explorer:"


class RedisCache:
    """Pickled values in Redis, each with its own expiry.

    Parameters
    ----------
    url : str
        ``redis://host:port/db``.

    Notes
    -----
    Values are pickled: only this app's own processes may write to the
    Redis database it uses.
    """

    def __init__(self, url: str) -> None:
        import redis  # only needed when Redis is configured

        self._client = redis.Redis.from_url(url)

    def get(self, key: str, default=None):
        """The value under ``key``, or ``default``."""
        raw = self._client.get(KEY_PREFIX + key)
        return default if raw is None else pickle.loads(raw)

    def set(self, key: str, value, expire: float | None = None) -> bool:
        """Store ``value`` under ``key`` for ``expire`` seconds (forever when None)."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return bool(self._client.set(KEY_PREFIX + key, data, ex=int(expire) if expire else None))

    def __contains__(self, key: str) -> bool:
        return bool(self._client.exists(KEY_PREFIX + key))
