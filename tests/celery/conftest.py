"""A real redis-server and Celery worker for the scale-out path (skipped without redis-server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private redis-server on a free loopback port."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        try:
            return redis.Redis.from_url(url).ping()
        except redis.ConnectionError:
            return False

    try:
        _wait_for(answers, 20, "redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def celery_worker(redis_url, tmp_path_factory):
    """A Celery worker that imports app.py exactly as in production; yields its log path."""
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": redis_url,
        "HCLUST_CACHE_DIR": str(tmp_path_factory.mktemp("worker-cache")),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo", "--concurrency=1",
        "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, 60, "the Celery worker")
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited:\n{log.read_text()}")
        yield log
    finally:
        process.terminate()
        process.wait(20)
