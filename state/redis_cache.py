"""A minimal cache on Redis with diskcache's ``get``/``set``/``in`` interface."""

from __future__ import annotations

import pickle

KEY_PREFIX = "hclust-explorer:"
CONNECT_TIMEOUT_S = 2
READ_TIMEOUT_S = 10


class StoreUnavailableError(ConnectionError):
    """The Redis store cannot be reached: a message for the page, and service resumes when Redis is back."""

    def __init__(self) -> None:
        super().__init__(
            "the server's data store (Redis) is not reachable right now; nothing saved is lost, try again in a moment"
        )


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

        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=READ_TIMEOUT_S
        )
        self._down = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

    def get(self, key: str, default=None):
        """The value under ``key``, or ``default``."""
        raw = self._call(self._client.get, KEY_PREFIX + key)
        return default if raw is None else pickle.loads(raw)

    def set(self, key: str, value, expire: float | None = None) -> bool:
        """Store ``value`` under ``key`` for ``expire`` seconds (forever when None)."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return bool(self._call(self._client.set, KEY_PREFIX + key, data, ex=int(expire) if expire else None))

    def add(self, key: str, value, expire: float | None = None) -> bool:
        """Store ``value`` only if ``key`` is absent (atomic); True when it was stored."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return bool(self._call(self._client.set, KEY_PREFIX + key, data, ex=int(expire) if expire else None, nx=True))

    def delete(self, key: str) -> bool:
        """Remove ``key``; True when it was there."""
        return bool(self._call(self._client.delete, KEY_PREFIX + key))

    def __contains__(self, key: str) -> bool:
        return bool(self._call(self._client.exists, KEY_PREFIX + key))

    def _call(self, operation, *args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except self._down as error:
            raise StoreUnavailableError() from error
