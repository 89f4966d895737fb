"""Faults survived with real components: Redis stopped and started again, a tree evicted from the store."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import numpy as np
import pytest

from config import Settings
from factory import create_app
from loaders import Dataset
from state.refs import TreeNotBuiltError
from state.session_store import SessionStore
from tests.callback.conftest import call, text_of
from tests.callback.test_callbacks import tree

SESSION = "9" * 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server on a loopback port that a test can stop and start again."""

    def __init__(self, workdir) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def choose(client, app, key: str):
    return call(
        client, app, ["data-ref-store.data"], inputs={"dataset.value": key}, state={"session-store.data": SESSION}
    )


def test_redis_going_away_gives_a_message_and_service_resumes_when_it_returns(redis_server, tmp_path):
    app = create_app(Settings(cache_dir=tmp_path / "cache", redis_url=redis_server.url))
    client = app.server.test_client()
    ref = choose(client, app, "iris").get("data-ref-store", "data")
    assert tree(client, app, ref).status == 200

    redis_server.stop()
    reply = choose(client, app, "wine")
    assert reply.status == 200  # not a 500: a message, and the page keeps what it shows
    assert "data store (Redis) is not reachable" in text_of(reply.get("message", "children"))
    assert not reply.has("data-ref-store", "data")

    redis_server.start()  # an empty Redis: the data the page named is gone, the page can start again
    again = choose(client, app, "wine")
    assert again.status == 200 and again.has("data-ref-store", "data")


def test_a_slow_tree_evicted_from_the_store_is_not_rebuilt_inside_a_request(tmp_path):
    store = SessionStore.open(str(tmp_path), 100, 60, quick_seconds=1e-6)
    points = np.random.default_rng(0).normal(size=(300, 2))
    ref = store.put_dataset(SESSION, Dataset(name="points", features=points, feature_names=("x", "y")))
    with pytest.raises(TreeNotBuiltError, match="choose the linkage method again"):
        store.tree(ref, "average", "euclidean")
    # A background job (it reports progress) may build it; then every request reads it.
    built = store.tree(ref, "average", "euclidean", progress=lambda fraction, stage: None)
    assert store.tree(ref, "average", "euclidean").linkage.shape == built.linkage.shape == (299, 4)
