"""Helpers for the data-step browser tests: upload a file and wait for what it changes."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

DATA_DIR = Path(__file__).parents[1] / "data"
FORMATS_DIR = DATA_DIR / "formats"
BAD_DIR = DATA_DIR / "bad"


def upload(page: Page, path: Path) -> None:
    """Drop a file on the upload zone (through its hidden file input)."""
    page.locator("#upload input[type=file]").set_input_files(str(path))


def upload_and_wait(page: Page, path: Path, summary_text: str) -> None:
    """Upload a file and wait until the data summary shows it."""
    upload(page, path)
    expect(page.locator("#data-summary")).to_contain_text(summary_text)


def choose_radio(page: Page, group_id: str, value: str) -> None:
    """Click the radio item with this value in a dcc.RadioItems."""
    page.locator(f"#{group_id} input[value='{value}']").check()
