"""With REDIS_URL, trees are built by a Celery worker and the session store lives in Redis."""

import re

import pytest
from playwright.sync_api import Page, expect
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import pdist

from config import Settings
from factory import create_app
from loaders import load_builtin
from state.jobs import background_manager
from tests.browser.helpers import choose

pytestmark = [pytest.mark.browser, pytest.mark.celery]


def test_a_celery_worker_builds_the_trees_the_page_shows(page: Page, serve, redis_url, celery_worker, tmp_path):
    # Every tree goes to the background here, so every one is the worker's.
    settings = Settings(cache_dir=tmp_path / "web-cache", redis_url=redis_url, background_after_seconds=0)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(serve(create_app(settings, background_manager(settings))))

    expect(page.locator("#cophenetic")).to_have_text("0.98001", timeout=60_000)
    expect(page.locator("#n-clusters")).to_have_value("2")

    # A second tree: average linkage, also computed by the worker.
    choose(page, "method", "average")
    features = load_builtin("classic").features
    expected = cophenet(linkage(features, "average"), pdist(features))[0]
    expect(page.locator("#cophenetic")).to_have_text(f"{expected:.5f}", timeout=60_000)

    worker_log = celery_worker.read_text()
    assert len(re.findall(r"Task background_callback_\w+\[[^\]]+\] succeeded", worker_log)) >= 2, worker_log
    assert errors == []
