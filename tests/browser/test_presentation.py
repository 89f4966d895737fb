"""Presentation mode in headless Chromium, at a projector's 1280x720 and at 1024x576 (the same screen at 125%).

What a teacher at the back of the room needs is measured on the drawn page:
the cut controls, the cophenetic correlation, the dendrogram and the scatter
on one screen without scrolling; every text in them at least 18 px; lines at
least 3 px; text and cluster colours at a contrast of at least 4.5:1.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from figures.theme import contrast_ratio
from tests.browser.helpers import TIMEOUT_MS, TRACK_REQUESTS_JS, settle, wait_for_graph

pytestmark = pytest.mark.browser

STAGE = ["#cophenetic", "#cut-height", "#n-clusters", "#cut-criterion", "#dendrogram", "#scatter", "#cluster-summary"]

# Every drawn text of a graph (ticks, axis titles, annotations, merge labels), with its size and colour.
GRAPH_TEXTS = """(id) => Array.from(document.querySelectorAll('#' + id + ' svg text')).filter((t) =>
  t.textContent.trim() && t.getBoundingClientRect().width > 0 && !t.closest('.modebar')).map((t) => ({
    text: t.textContent.trim(), size: parseFloat(getComputedStyle(t).fontSize),
    fill: getComputedStyle(t).fill}))"""
LINK_WIDTHS = """() => Array.from(document.querySelectorAll('#dendrogram .scatterlayer .trace path.js-line'))
  .filter((p) => p.getAttribute('d') && p.getAttribute('d').length > 4)
  .map((p) => ({width: parseFloat(getComputedStyle(p).strokeWidth), stroke: getComputedStyle(p).stroke}))"""
PAGE_TEXTS = """(selectors) => selectors.flatMap((s) => Array.from(document.querySelectorAll(s)))
  .filter((e) => e.getBoundingClientRect().width > 0)
  .map((e) => ({text: e.innerText.trim().slice(0, 30), size: parseFloat(getComputedStyle(e).fontSize)}))"""


def hex_of(css: str) -> str:
    """``rgb(r, g, b)`` as ``#rrggbb``."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def open_presenting(page: Page, base: str, width: int, height: int, query: str = "present=1") -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(TRACK_REQUESTS_JS)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}?{query}")
    expect(page.locator("#app-root")).to_have_class(re.compile(r"\bpresent\b"))
    expect(page.locator("#cophenetic")).to_have_text("0.98001", timeout=30_000)
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.font.size >= 18", timeout=30_000)
    settle(page)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1024, 576)])
def test_the_stage_fits_one_screen_and_reads_from_the_back_of_the_room(app_page, width, height):
    page = app_page
    base = page.url.split("?")[0]
    open_presenting(page, base, width, height)
    page.screenshot(path=f"/tmp/hclust-present-{width}x{height}.png")
    for selector in STAGE:
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, (selector, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
    assert page.evaluate("() => document.scrollingElement.scrollTop") == 0
    texts = page.evaluate(PAGE_TEXTS, [".stat-label", ".stat-value", ".chip", ".card h3"])
    assert texts and min(t["size"] for t in texts) >= 18, texts
    for graph in ("dendrogram", "scatter"):
        drawn = page.evaluate(GRAPH_TEXTS, graph)
        assert drawn, graph
        small = [t for t in drawn if t["size"] < 18]
        assert not small, (graph, small)
        low = [t for t in drawn if contrast_ratio(hex_of(t["fill"]), "#FFFFFF") < 4.5]
        assert not low, (graph, low)
    links = page.evaluate(LINK_WIDTHS)
    assert links and min(link["width"] for link in links) >= 3
    assert all(contrast_ratio(hex_of(link["stroke"]), "#FFFFFF") >= 4.5 for link in links), links


def test_the_controls_fold_into_a_drawer_and_come_back(app_page):
    page = app_page
    open_presenting(page, page.url.split("?")[0], 1280, 720)
    sidebar = page.locator("#sidebar")
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off screen
    page.locator("#drawer-toggle").click()
    expect(page.locator("#drawer-toggle")).to_have_attribute("aria-expanded", "true")
    page.wait_for_function("() => document.querySelector('#sidebar').getBoundingClientRect().x >= 0")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelector('#sidebar').getBoundingClientRect().right <= 0")


def test_the_switch_turns_presentation_mode_on_and_off_and_the_address_keeps_it(app_page):
    page = app_page
    page.locator("#present-mode input").check()
    expect(page.locator("#app-root")).to_have_class(re.compile(r"\bpresent\b"))
    page.wait_for_function("() => new URLSearchParams(location.search).get('present') === '1'")
    assert wait_for_graph(page, "scatter", "(gd) => gd._fullLayout.xaxis.tickfont.size >= 18")
    page.locator("#present-mode input").uncheck()
    expect(page.locator("#app-root")).not_to_have_class(re.compile(r"\bpresent\b"))
    page.wait_for_function("() => !new URLSearchParams(location.search).has('present')")
    assert wait_for_graph(page, "scatter", "(gd) => gd._fullLayout.xaxis.tickfont.size < 18")


def test_the_dark_theme_darkens_the_page_and_the_figures(app_page):
    page = app_page
    page.goto(page.url.split("?")[0] + "?theme=dark")
    expect(page.locator("#app-root")).to_have_class(re.compile(r"\btheme-dark\b"))
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.paper_bgcolor === '#0D1117'", timeout=30_000)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.card')).backgroundColor")
    assert contrast_ratio(hex_of(background), "#FFFFFF") > 10  # a dark card


def test_auto_follows_the_systems_dark_setting(browser, serve, dash_app):
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(serve(dash_app))
        expect(page.locator("#app-root")).to_have_class(re.compile(r"\btheme-dark\b"))
        page.emulate_media(color_scheme="light")
        expect(page.locator("#app-root")).to_have_class(re.compile(r"\btheme-light\b"))
    finally:
        context.close()
