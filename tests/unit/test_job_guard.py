"""The bounds on background jobs: slots shared through the store, leases that free themselves, page checks."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time

import diskcache
import pytest

from state import job_guard
from state.job_guard import JobGuard


def test_a_second_job_waits_for_the_only_slot_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(job_guard, "RENEW_SECONDS", 0.05)
    guard = JobGuard(diskcache.Cache(str(tmp_path)), limit=1, timeout_seconds=60)
    order, waits = [], []
    first_in = threading.Event()

    def first():
        with guard.running("a" * 32, "tree-a", waits.append):
            order.append("first starts")
            first_in.set()
            time.sleep(0.4)
            order.append("first ends")

    def second():
        first_in.wait(5)
        with guard.running("b" * 32, "tree-b", waits.append):
            order.append("second starts")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first starts", "first ends", "second starts"]
    assert waits and set(waits) == {1}  # the waiting job was told how many run


def test_a_slot_held_by_a_dead_job_frees_itself_when_its_lease_expires(tmp_path, monkeypatch):
    monkeypatch.setattr(job_guard, "RENEW_SECONDS", 0.05)
    cache = diskcache.Cache(str(tmp_path))
    cache.add("jobs/slot/0", "killed job", expire=0.3)  # its process died: nobody renews the lease
    guard = JobGuard(cache, limit=1, timeout_seconds=60)
    started = time.monotonic()
    with guard.running("c" * 32, "tree-c", lambda running: None):
        waited = time.monotonic() - started
    assert 0.2 < waited < 5


def test_a_page_that_stopped_asking_is_gone_and_the_reason_is_read_once(tmp_path, monkeypatch):
    cache = diskcache.Cache(str(tmp_path))
    guard = JobGuard(cache, limit=1, timeout_seconds=60)
    session = "d" * 32
    assert guard._page_alive(session)  # never seen (no cookie): not judged gone
    guard.seen(session)
    assert guard._page_alive(session)
    cache.set(f"{session}/page-seen", time.time() - guard.page_gone_seconds - 1)
    assert not guard._page_alive(session)

    exits = []
    monkeypatch.setattr(job_guard.os, "_exit", exits.append)
    guard._job = (session, "tree-d")
    guard._end(session, "its page was closed")
    assert exits == [3]
    assert guard.outcome(session, "tree-d") == "The tree job was stopped: its page was closed."
    assert guard.outcome(session, "tree-d") is None


def test_a_newer_job_of_the_same_session_replaces_the_running_one(tmp_path, monkeypatch):
    cache = diskcache.Cache(str(tmp_path))
    guard = JobGuard(cache, limit=2, timeout_seconds=60)
    ended = []
    monkeypatch.setattr(guard, "_end", lambda session, why: ended.append(why))
    session = "e" * 32
    guard._check(session, "old", time.monotonic(), "too long")
    assert ended == []  # no current job recorded: nothing to replace
    cache.set(f"{session}/job-current", "new")
    guard._check(session, "old", time.monotonic(), "too long")
    assert ended == ["a newer tree of this session (in this tab or another) replaced it"]


def _niceness_inside_a_job(directory: str, nice: int, queue) -> None:
    guard = JobGuard(diskcache.Cache(directory), limit=1, timeout_seconds=60, nice=nice)
    before = os.getpriority(os.PRIO_PROCESS, 0)
    with guard.running("a" * 32, "tree-a", lambda running: None):
        queue.put((before, os.getpriority(os.PRIO_PROCESS, 0)))


def _niceness_in_a_job_process(directory: str, nice: int) -> tuple[int, int]:
    """The niceness before and inside a job, in a process of its own (as Dash's job processes are)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_niceness_inside_a_job, args=(directory, nice, queue))
    process.start()
    before, during = queue.get(timeout=30)
    process.join(30)
    return before, during


def test_a_job_process_takes_the_configured_niceness_so_pages_keep_the_cores(tmp_path):
    before, during = _niceness_in_a_job_process(str(tmp_path), 10)
    assert during == max(before, 10)


def test_a_job_with_niceness_0_keeps_its_priority(tmp_path):
    before, during = _niceness_in_a_job_process(str(tmp_path), 0)
    assert during == before


@pytest.mark.parametrize("nice", ["7", "30"])
def test_the_fork_server_loads_the_app_at_the_jobs_niceness(nice):
    """``state.job_priority``, the fork server's first import, takes HCLUST_JOB_NICE (clamped to 19)."""
    script = "import os, state.job_priority; print(os.getpriority(os.PRIO_PROCESS, 0))"
    env = {**os.environ, "HCLUST_JOB_NICE": nice}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) == min(int(nice), 19)
