"""A restarted server: the open page carries on, because its session lives on disk and in its cookie."""

from __future__ import annotations

import socket
import threading

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from config import Settings
from factory import create_app
from tests.browser.helpers import DEFAULT_COPHENETIC, TRACK_REQUESTS_JS, set_number, settle

pytestmark = pytest.mark.browser


class Server:
    """One app served on a fixed loopback port, so a new process of it can take the same address."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.http = make_server("127.0.0.1", port, create_app(settings).server, threaded=True)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join(5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_open_page_carries_on_after_the_server_restarts(page: Page, tmp_path):
    expect.set_options(timeout=15_000)
    settings = Settings(cache_dir=tmp_path / "cache")
    port = _free_port()
    server = Server(settings, port)
    page.add_init_script(TRACK_REQUESTS_JS)
    page.goto(f"http://127.0.0.1:{port}/?data=iris&k=3")
    expect(page.locator("#cophenetic")).not_to_have_text(DEFAULT_COPHENETIC, timeout=30_000)
    expect(page.locator("#cluster-summary .chip")).to_have_count(3)
    settle(page, 1500)  # the opened address is shown in full
    shown = page.locator("#cophenetic").inner_text()

    server.stop()  # the server goes away (a deploy, a crash) ...
    server = Server(settings, port)  # ... and a new one starts on the same store
    try:
        set_number(page, "n-clusters", 4)  # the page was not reloaded
        expect(page.locator("#cluster-summary .chip")).to_have_count(4)
        expect(page.locator("#cophenetic")).to_have_text(shown)
        expect(page.locator("#message")).not_to_contain_text("expired")
    finally:
        server.stop()
