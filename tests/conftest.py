"""Fixtures shared by every test layer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import Settings

DATA_DIR = Path(__file__).parent / "data"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings with a private cache directory per test."""
    return Settings(cache_dir=tmp_path / "cache")


@pytest.fixture
def dash_app(settings):
    """A fresh app (own store) for one test."""
    from factory import create_app

    return create_app(settings)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium; never download a browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The default desktop viewport of the browser tests."""
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


class ServerThread(threading.Thread):
    """A Flask app served by werkzeug on a free port, on a thread (tests and bench_browser.py)."""

    def __init__(self, flask_app) -> None:
        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, flask_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def run(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.join(5)


@pytest.fixture
def serve():
    """Serve a Dash app on a free port for the duration of a test; returns its URL."""
    started: list[ServerThread] = []

    def _serve(dash_app) -> str:
        thread = ServerThread(dash_app.server)
        thread.start()
        started.append(thread)
        return thread.url

    yield _serve
    for thread in started:
        thread.stop()
