"""What names a session's data, and the errors of data that is not (or no longer) on the server.

The browser keeps a :class:`DataRef` (two short strings); the session store
(``state/session_store.py``) holds what it names.
"""

from __future__ import annotations

from dataclasses import dataclass


class SessionExpiredError(LookupError):
    """The data a request refers to is no longer stored (expired or evicted)."""

    def __init__(self) -> None:
        super().__init__("Your session's data has expired on the server; reload the page to start again.")


@dataclass(frozen=True)
class DataRef:
    """What the browser keeps to name a dataset: small and JSON-friendly."""

    session_id: str
    data_key: str

    def to_store(self) -> dict:
        """Plain dict for a ``dcc.Store``."""
        return {"session": self.session_id, "data": self.data_key}

    @classmethod
    def from_store(cls, value: dict | None) -> DataRef | None:
        """Read back :meth:`to_store`'s dict; None when there is none."""
        if not value or "session" not in value or "data" not in value:
            return None
        return cls(str(value["session"]), str(value["data"]))


class TreeNotBuiltError(LookupError):
    """The tree a request needs is not stored and is too slow to build inside a web request."""

    def __init__(self, method: str, n: int, seconds: float) -> None:
        super().__init__(
            f"the {method} tree of these {n:,} samples is no longer on the server (it was evicted or never built), "
            f"and rebuilding it takes about {seconds:.0f} s: choose the linkage method again to rebuild it in the "
            "background, with a progress bar"
        )
