"""The dendrogram's texts in headless Chromium: no two drawn label boxes intersect; one depth setting; no tips.

Every text of the dendrogram's SVG (leaf labels, merge heights, the cut
line's label, the axes' ticks and title) is measured with
``getBoundingClientRect``, at 1440 x 900 and at 1280 x 720.
"""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

from figures.dendrogram import LEAF_TRACE
from tests.browser.helpers import choose, graph_eval, set_number, settle, wait_for_graph

pytestmark = pytest.mark.browser

TEXT_BOXES = """(id) => Array.from(document.querySelectorAll('#' + id + ' svg text'))
  .filter((t) => t.textContent.trim() && !t.closest('.modebar') && !t.closest('.hoverlayer'))
  .map((t) => { const r = t.getBoundingClientRect();
    return {text: t.textContent.trim(), x0: r.left, x1: r.right, y0: r.top, y1: r.bottom}; })
  .filter((b) => b.x1 > b.x0 && b.y1 > b.y0)"""


def overlapping(boxes: list[dict], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """The pairs of boxes that share more than ``tolerance`` px both across and up and down."""
    return [
        (a["text"], b["text"])
        for a, b in itertools.combinations(boxes, 2)
        if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
        and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tolerance
    ]


def open_view(page: Page, query: str, leaves: int) -> None:
    """Open a view by its address and wait until the dendrogram shows its ``leaves`` leaves."""
    page.goto(page.url.split("?")[0] + "?" + query)
    drawn = "(gd, n) => gd._fullData.length > 0 && gd._fullData[{}].x.length === n && gd._fullLayout.shapes.length > 0"
    assert wait_for_graph(page, "dendrogram", drawn.format(LEAF_TRACE), leaves, timeout=30_000)
    settle(page)
    page.mouse.move(1, 1)  # no hover label


@pytest.mark.parametrize(
    ("query", "leaves"),
    [("data=digits&p=150&k=10", 150), ("data=digits&p=35&k=10", 35), ("height=16", 12), ("p=35&height=16", 35)],
)
def test_no_two_dendrogram_texts_overlap(app_page: Page, query, leaves):
    page = app_page
    open_view(page, query, leaves)
    for width, height in ((1440, 900), (1280, 720)):
        if width != page.viewport_size["width"]:
            before = graph_eval(page, "dendrogram", "(gd) => gd._fullLayout.width")
            page.set_viewport_size({"width": width, "height": height})
            assert wait_for_graph(page, "dendrogram", "(gd, w) => gd._fullLayout.width !== w", before)
            page.wait_for_timeout(300)  # the redraw after the resize

        boxes = page.evaluate(TEXT_BOXES, "dendrogram")

        texts = [box["text"] for box in boxes]
        assert any(text.startswith("cut at") for text in texts), texts
        assert len(texts) > 10, texts
        assert overlapping(boxes) == [], (width, height, overlapping(boxes))


def test_the_table_and_the_cut_share_one_depth(app_page: Page):
    page = app_page
    page.locator("#aids-tabs .tab", has_text="Inconsistency").click()
    table = page.locator("#inconsistency-table")
    expect(table).to_contain_text("inconsistent(Z, 2)")

    set_number(page, "inconsistency-depth", 3)
    expect(table).to_contain_text("inconsistent(Z, 3)")
    expect(page.locator("#cut-depth")).to_have_value("3")
    expect(page.locator("#cut-criterion")).to_contain_text("distance")  # the cut stays as it was

    choose(page, "cut-criterion", "inconsistent")
    expect(page.locator("#message")).to_contain_text("keeps the 2 clusters")
    expect(page.locator("#n-clusters")).to_have_value("2")
    expect(page.locator("#cut-threshold")).not_to_have_value("1")  # the chosen t, written into the box

    set_number(page, "cut-depth", 4)
    expect(page.locator("#inconsistency-depth")).to_have_value("4")
    expect(table).to_contain_text("inconsistent(Z, 4)")


def test_no_graph_shows_plotlys_tips(app_page: Page):
    for graph in ("dendrogram", "scatter"):
        assert graph_eval(app_page, graph, "(gd) => gd._context.showTips") is False
