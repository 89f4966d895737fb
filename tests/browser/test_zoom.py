"""Zooming into a branch re-truncates the dendrogram to show more of it; a double-click zooms out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import graph_eval, settle, to_page, wait_for_graph, wait_past_double_click

pytestmark = pytest.mark.browser

TICKS = "(gd) => gd._fullLayout.xaxis._vals.map((v) => v.text)"


def box_zoom(page: Page, x_from: float, x_to: float, y_top: float, y_bottom: float) -> None:
    settle(page)
    x0, y0 = to_page(page, x_from, y_top)
    x1, y1 = to_page(page, x_to, y_bottom)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=10)
    page.mouse.up()


def test_zooming_into_a_branch_shows_more_of_it_and_double_click_restores(app_page: Page):
    page = app_page
    overview = graph_eval(page, "dendrogram", TICKS)
    assert "(33)" in overview  # the classic tree at p = 12, contracted leaves

    # The right-hand group: 100 samples under the merge at 23.1, leaves at x = 45..115.
    box_zoom(page, 42, 118, 30, 1)
    expect(page.locator("#dendrogram-caption")).to_have_text(re.compile(r"zoomed into a branch of 100 samples"))
    assert wait_for_graph(
        page,
        "dendrogram",
        "(gd, t) => JSON.stringify(gd._fullLayout.xaxis._vals.map(v => v.text)) !== JSON.stringify(t)",
        overview,
    )
    zoomed = graph_eval(page, "dendrogram", TICKS)
    # Still p leaves, but finer ones: the branch's 100 samples spread over 12 leaves.
    assert len(zoomed) == 12
    sizes = [int(t[1:-1]) if t.startswith("(") else 1 for t in zoomed]
    assert sum(sizes) == 100
    # The cut and the colors still work in the zoomed view.
    expect(page.locator("#n-clusters")).to_have_value("2")

    # Double-click: the whole tree again. Plotly counts two clicks as one
    # double-click only within 300 ms; on a loaded machine, try again.
    for _attempt in range(3):
        settle(page)
        wait_past_double_click(page)
        x, y = to_page(page, None, 5)
        page.mouse.dblclick(x, y)
        if wait_for_graph(
            page, "dendrogram", "(gd) => !document.querySelector('#dendrogram-caption').textContent", timeout=5_000
        ):
            break
    expect(page.locator("#dendrogram-caption")).to_have_text("")
    # The double-click's first click did not move the cut to where it landed (height 5).
    settle(page)
    expect(page.locator("#cut-height")).to_have_value("100")
    expect(page.locator("#n-clusters")).to_have_value("2")
    assert wait_for_graph(
        page,
        "dendrogram",
        "(gd, t) => JSON.stringify(gd._fullLayout.xaxis._vals.map(v => v.text)) === JSON.stringify(t)",
        overview,
    )
