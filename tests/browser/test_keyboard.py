"""The lesson without a mouse, in headless Chromium: tab order, tabs, the code's Copy button, the dendrogram's keys."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import settle

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement;
  return {id: e.id, cls: String(e.className), text: (e.innerText || "").trim().slice(0, 30)};
}"""


def tab_through(page: Page, presses: int) -> list[dict]:
    """What the Tab key focuses, press by press, from the top of the page."""
    page.locator("body").click(position={"x": 5, "y": 5})
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    return stops


def test_tab_skips_the_plotly_toolbars_and_reaches_the_tabs_the_dendrogram_and_copy(app_page):
    stops = tab_through(app_page, 60)
    assert not [stop for stop in stops if "modebar-btn" in stop["cls"]]
    names = [stop["text"] for stop in stops]
    assert "Inconsistency" in names and "Silhouette" in names and "Copy" in names
    assert "dendrogram" in [stop["id"] for stop in stops]


def test_an_aids_tab_opens_with_the_keyboard(app_page):
    page = app_page
    tab = page.locator("#aids-tabs .tab", has_text="Silhouette")
    tab.focus()
    page.keyboard.press("Enter")
    expect(tab).to_have_class("tab tab--selected")
    expect(page.locator("#silhouette-graph")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#aids-tabs .tab", has_text="k-means")).to_have_attribute("aria-selected", "true")


def test_the_arrow_keys_move_the_cut_by_one_merge_and_escape_zooms_out(app_page):
    page = app_page
    dendrogram = page.locator("#dendrogram")
    expect(dendrogram).to_have_attribute("tabindex", "0")
    dendrogram.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#n-clusters")).to_have_value("3")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#n-clusters")).to_have_value("4")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#n-clusters")).to_have_value("3")
    settle(page)
    page.keyboard.press("+")
    caption = page.locator("#dendrogram-caption")
    expect(caption).to_contain_text("zoomed into a branch of 100 samples")  # the root's larger branch
    settle(page)
    dendrogram.focus()
    page.keyboard.press("+")
    expect(caption).not_to_contain_text("of 100 samples")
    settle(page)
    dendrogram.focus()
    page.keyboard.press("-")
    expect(caption).to_contain_text("zoomed into a branch of 100 samples")
    settle(page)
    dendrogram.focus()
    page.keyboard.press("Escape")
    expect(caption).to_have_text("")
    expect(page.locator("#n-clusters")).to_have_value("3")  # zooming never moves the cut


def test_the_codes_copy_button_works_from_the_keyboard(app_page):
    page = app_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator("#copy-code")
    expect(copy).to_have_attribute("role", "button")
    copy.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => navigator.clipboard.readText().then((t) => t.includes('linkage('))")
