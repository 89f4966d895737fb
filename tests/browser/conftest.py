"""Browser fixtures: a fresh app per test, opened in a page that must log no errors."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    DEFAULT_COPHENETIC,
    LINE_HELPER,
    TIMEOUT_MS,
    TRACK_REQUESTS_JS,
    settle,
    wait_for_graph,
)


@pytest.fixture
def console_errors(page) -> list[str]:
    """Every console error and uncaught page exception of the test's page."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console.error: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    return errors


@pytest.fixture
def app_page(page, serve, dash_app, console_errors):
    """A fresh app (own cache), loaded and drawn; after the test, no console error may have occurred."""
    expect.set_options(timeout=TIMEOUT_MS)
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(TRACK_REQUESTS_JS)
    page.goto(serve(dash_app))
    # The first load parses plotly.js: allow more than the usual timeout.
    expect(page.locator("#cophenetic")).to_have_text(DEFAULT_COPHENETIC, timeout=30_000)
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes.length > 0", timeout=30_000)
    assert wait_for_graph(page, "scatter", "(gd) => gd.calcdata.length > 0", timeout=30_000)
    page.locator(LINE_HELPER).wait_for(state="attached")
    # Follow-up callbacks after the first draw may still change the page layout.
    settle(page)
    yield page
    assert console_errors == [], f"the page logged errors: {console_errors}"


@pytest.fixture
def big_csv(tmp_path):
    """20,001 samples in 3 groups (6,667 each): a few seconds of linkage and cophenetic correlation."""
    rng = np.random.default_rng(1)
    points = np.vstack([rng.normal(center, 1.0, size=(6667, 2)) for center in (0, 6, 12)])
    path = tmp_path / "big.csv"
    np.savetxt(path, points, delimiter=",", header="a,b", comments="", fmt="%.5f")
    return path
