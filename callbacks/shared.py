"""What a view shows, computed once per process for every session that shows the same.

In a class, fifty students cut the same built-in example at the same few k,
and each cut asks every open panel (the cluster table, the True classes
scores) to compute the same thing again. A panel whose reply depends only on
the view's content (its data fingerprint, method, metric, cut and drawing
fields: everything but the session) and on the panel's own inputs keeps that
reply here, under that content, and the next session with the same view gets
it without the work.

Each reply is kept twice: in this process (:data:`SHARED`), and in the
session store by the data's fingerprint (:meth:`SessionStore.shared`), so
the other workers find it made too: a room's first minute computes each
reply once, not once per worker.

Privacy: an entry is reached only after the store confirms that the asking
session holds data of that fingerprint (:meth:`SessionStore.holds`), so a
reply computed for one session never reaches a session that does not hold
the same data. What is kept is the reply itself (Dash components, read,
never changed, by Dash's serialisation), bounded by count here
(:data:`MAX_ENTRIES`) and by the storing session's share in the store. A
computation that raises (an expired session, a tree not built yet) keeps
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from callbacks.render import ViewState
from state.local_cache import LocalCache
from state.session_store import SessionStore

T = TypeVar("T")

MAX_ENTRIES = 1024
"""Replies kept per process; each is a panel's few KB (tables and summaries are bounded in rows and columns)."""

SHARED = LocalCache(max_entries=MAX_ENTRIES)


def shared_reply(store: SessionStore, view: ViewState, panel: str, inputs: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s reply for this view's content, made once per process for every session that holds the data.

    Parameters
    ----------
    store : SessionStore
    view : ViewState
        The asking view; its session must hold its data.
    panel : str
        Which panel's reply (the key's first part).
    inputs : tuple
        The panel's other inputs (JSON-able): menus, tabs.
    compute : callable
        Makes the reply from the view; it may raise the app's own errors, and then nothing is kept.

    Raises
    ------
    SessionExpiredError
        If the view's session no longer holds its data.
    """
    content = view.content_digest(json.dumps(inputs, sort_keys=True, default=str))
    return store.shared(view.ref, ("reply", panel, content), compute, kept=SHARED)
