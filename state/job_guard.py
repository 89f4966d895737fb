"""Bounds on background tree jobs: a few at once across the server, a time limit, and none without its page.

Each job process holds a *lease*, one of ``limit`` slots kept in the shared
store with a short expiry that the job's watchdog thread renews. Jobs beyond
the limit wait for a slot and say so in their progress line; a job that dies
(killed, or its server restarted) stops renewing, so its slot frees itself
within :data:`LEASE_SECONDS`. The watchdog also ends a job that runs past
its time limit, or whose page has stopped asking about it (the tab was
closed): the page polls every few hundred milliseconds while a job runs, and
each request marks its session as seen (:meth:`JobGuard.seen`).

When a job is ended, it records why (:meth:`JobGuard.outcome`) before its
process exits, so the page can say so instead of silently dropping the
progress bar. The store is the app's own diskcache (or Redis): nothing here
runs a queue of its own; Dash's background callbacks run the jobs.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LEASE_SECONDS = 20
RENEW_SECONDS = 2.0
PAGE_GONE_SECONDS = 45
"""A job whose session has made no request for this long is stopped: its page is gone."""
SEEN_EVERY_SECONDS = 5
OUTCOME_SECONDS = 3600


class JobGuard:
    """Slots, time limits and page checks for tree jobs, kept in a cache shared by every process.

    Parameters
    ----------
    cache : diskcache.Cache or state.redis_cache.RedisCache
        Needs ``get``, ``set``, ``add`` (set only if absent) and ``delete``.
    limit : int
        Jobs running at once across the server.
    timeout_seconds : float
        A job running longer is stopped.
    page_gone_seconds : float
        A job whose session made no request for this long is stopped.
    nice : int
        The niceness a job's process takes when it starts (0 leaves it as it
        is): the job gets the CPU the web workers leave, so it cannot slow the
        pages. It is set, never added to, so a Celery worker that runs many
        jobs stays at this value.
    """

    def __init__(
        self, cache, limit: int, timeout_seconds: float, page_gone_seconds: float = PAGE_GONE_SECONDS, nice: int = 0
    ) -> None:
        self._cache = cache
        self.nice = int(nice)
        self.limit = max(1, int(limit))
        self.timeout_seconds = float(timeout_seconds)
        self.page_gone_seconds = float(page_gone_seconds)
        self._last_seen: dict[str, float] = {}
        self._job: tuple[str, str] = ("", "")

    # --- the page side -------------------------------------------------------------

    def seen(self, session_id: str) -> None:
        """Mark a session as having a live page (throttled: one write every few seconds per process)."""
        now = time.time()
        if now - self._last_seen.get(session_id, 0.0) < min(SEEN_EVERY_SECONDS, self.page_gone_seconds / 4):
            return
        self._last_seen[session_id] = now
        self._cache.set(_seen_key(session_id), now, expire=max(self.page_gone_seconds * 4, 60))

    def outcome(self, session_id: str, job: str) -> str | None:
        """Why a job of the session was stopped, once (the record is deleted when read); None if it wasn't."""
        key = _outcome_key(session_id, job)
        text = self._cache.get(key)
        if text is not None:
            self._cache.delete(key)
        return text

    # --- the job side --------------------------------------------------------------

    @contextmanager
    def running(self, session_id: str, job: str, waiting: Callable[[int], None]) -> Iterator[None]:
        """Hold a slot while the job runs; watch its time and its page; one running job per session.

        Parameters
        ----------
        session_id : str
            The session whose page started the job.
        job : str
            Names the job's tree (its outcome is read under this name).
        waiting : callable
            ``waiting(jobs_running)`` while the job waits for a slot (to tell the page).

        Notes
        -----
        A newer job of the same session (another tab, or a new choice)
        replaces this one: its watchdog sees that it is no longer the
        session's current job and stops it.
        """
        self._job = (session_id, job)
        lower_priority(self.nice)
        self._cache.delete(_outcome_key(session_id, job))
        token = uuid.uuid4().hex
        self._cache.set(_current_key(session_id), token, expire=max(self.timeout_seconds * 2, 60))
        slot = self._acquire(session_id, waiting, token)
        stop = threading.Event()
        watchdog = threading.Thread(target=self._watch, args=(slot, session_id, token, stop), daemon=True)
        watchdog.start()
        try:
            yield
        finally:
            stop.set()
            watchdog.join(RENEW_SECONDS * 2)
            self._cache.delete(_slot_key(slot))

    def _acquire(self, session_id: str, waiting: Callable[[int], None], token: str) -> int:
        started = time.monotonic()
        while True:
            for slot in range(self.limit):
                if self._cache.add(_slot_key(slot), session_id, expire=LEASE_SECONDS):
                    return slot
            self._check(session_id, token, started, f"it waited over {self.timeout_seconds:.0f} s for a free place")
            waiting(self.limit)
            time.sleep(RENEW_SECONDS)

    def _watch(self, slot: int, session_id: str, token: str, stop: threading.Event) -> None:
        started = time.monotonic()
        limit = f"it ran past this server's limit of {self.timeout_seconds:.0f} s (HCLUST_JOB_TIMEOUT)"
        while not stop.wait(RENEW_SECONDS):
            self._cache.set(_slot_key(slot), session_id, expire=LEASE_SECONDS)
            self._check(session_id, token, started, limit)

    def _check(self, session_id: str, token: str, started: float, too_long: str) -> None:
        """End the job when it took too long, its page is gone, or a newer job of its session replaced it."""
        if time.monotonic() - started > self.timeout_seconds:
            self._end(session_id, too_long)
        if not self._page_alive(session_id):
            self._end(session_id, "its page was closed")
        if self._cache.get(_current_key(session_id)) not in (token, None):
            self._end(session_id, "a newer tree of this session (in this tab or another) replaced it")

    def _page_alive(self, session_id: str) -> bool:
        seen = self._cache.get(_seen_key(session_id))
        return seen is None or time.time() - float(seen) < self.page_gone_seconds

    def _end(self, session_id: str, why: str) -> None:
        """Record why the job stops, then end its process at once (the tree it builds cannot be interrupted)."""
        _, job = self._job
        self._cache.set(_outcome_key(session_id, job), f"The tree job was stopped: {why}.", expire=OUTCOME_SECONDS)
        os._exit(3)


def _slot_key(slot: int) -> str:
    return f"jobs/slot/{slot}"


def lower_priority(nice: int) -> None:
    """Take at least this niceness (a process may lower its own priority, never raise it back)."""
    if nice > 0 and os.getpriority(os.PRIO_PROCESS, 0) < nice:
        os.setpriority(os.PRIO_PROCESS, 0, nice)


def _seen_key(session_id: str) -> str:
    return f"{session_id}/page-seen"


def _outcome_key(session_id: str, job: str) -> str:
    return f"{session_id}/job-outcome/{job}"


def _current_key(session_id: str) -> str:
    return f"{session_id}/job-current"
