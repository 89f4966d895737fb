"""Limits the page enforces before anything is sent, with the reason in the message line."""

from __future__ import annotations

import dataclasses

import pytest
from playwright.sync_api import Page, expect

from tests.browser.data_helpers import upload

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings):
    """A 1 MB upload limit, so the test file stays small."""
    return dataclasses.replace(settings, max_upload_mb=1)


def test_a_file_over_the_limit_is_refused_in_the_browser_with_the_reason(app_page: Page, tmp_path):
    page = app_page
    big = tmp_path / "big.csv"
    big.write_text("x,y\n" + "\n".join(f"{i},{i * 2}" for i in range(200_000)) + "\n")  # about 2.5 MB
    requests = []
    page.on("request", lambda r: requests.append(r) if "_dash-update-component" in r.url else None)
    upload(page, big)
    expect(page.locator("#message")).to_contain_text("big.csv: it is 2.")
    expect(page.locator("#message")).to_contain_text("files up to 1 MB can be loaded")
    expect(page.locator("#data-summary")).to_contain_text("Classic")  # the current data stays
    assert not any("upload.contents" in (r.post_data or "") for r in requests)  # nothing was sent
