"""Helpers for the clusters-panel browser tests: where the dendrogram's dots are, and downloads."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from figures.dendrogram import LEAF_TRACE, MERGE_TRACE
from tests.browser.helpers import graph_eval, to_page


def merge_dots(page: Page) -> list[dict]:
    """The drawn merge dots: ``{"index", "x", "y"}`` per point of the merge trace, in trace order."""
    return graph_eval(
        page,
        "dendrogram",
        "(gd, trace) => gd.calcdata[trace].map((p, i) => ({index: i, x: p.x, y: p.y}))",
        MERGE_TRACE,
    )


def leaf_markers(page: Page) -> list[dict]:
    """The drawn leaf markers: ``{"index", "x", "y", "text"}``, left to right."""
    return graph_eval(
        page,
        "dendrogram",
        """(gd, trace) => gd.calcdata[trace].map((p, i) => ({index: i, x: p.x, y: p.y,
            text: gd._fullData[trace].text[i]}))""",
        LEAF_TRACE,
    )


def click_point(page: Page, point: dict) -> None:
    """Click a dendrogram point at its pixel (from the drawn axes), the graph scrolled into view first."""
    page.locator("#dendrogram").scroll_into_view_if_needed()
    x, y = to_page(page, point["x"], point["y"])
    page.mouse.click(x, y)


def scatter_selection(page: Page) -> list[int] | None:
    """The scatter trace's ``selectedpoints`` as drawn (None when nothing is selected)."""
    return graph_eval(
        page,
        "scatter",
        "(gd) => { const s = gd._fullData[0].selectedpoints; return s == null ? null : Array.from(s); }",
    )


def download_text(page: Page, button: str) -> tuple[str, str]:
    """Click a download button; return the file's suggested name and its text."""
    with page.expect_download() as info:
        page.locator(f"#{button}").click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")
