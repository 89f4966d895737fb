"""What the graphs show in headless Chromium: equal scales for same-unit features, no cloud upload offered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import choose, graph_eval, set_number, settle

pytestmark = pytest.mark.browser

# Data units per screen pixel along each axis of the drawn plot.
UNITS_PER_PIXEL = """(gd) => {
  const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
  return [(x.range[1] - x.range[0]) / x._length, (y.range[1] - y.range[0]) / y._length];
}"""


def test_the_moons_are_drawn_to_the_same_scale_on_both_axes(app_page):
    page = app_page
    choose(page, "dataset", "moons")
    expect(page.locator("#data-summary")).to_contain_text("Moons")
    settle(page)
    across, up = graph_eval(page, "scatter", UNITS_PER_PIXEL)
    assert across == pytest.approx(up, rel=0.02)


def test_no_toolbar_button_offers_to_share_the_chart_elsewhere(app_page):
    page = app_page
    for graph in ("dendrogram", "scatter", "elbow-graph"):
        page.locator(f"#{graph} .js-plotly-plot").hover()
        expect(page.locator(f"#{graph} .modebar-btn").first).to_be_attached()
        titles = page.locator(f"#{graph} .modebar-btn").evaluate_all("(bs) => bs.map((b) => b.dataset.title)")
        assert titles and not [title for title in titles if "share" in title.lower() or "cloud" in title.lower()]


def test_a_typed_height_above_the_tree_is_refused_and_the_line_stays_on_the_plot(app_page):
    page = app_page
    set_number(page, "cut-height", 500)
    expect(page.locator("#message")).to_contain_text("must be from 0 to 194")
    expect(page.locator("#cut-height")).to_have_value("100")
    set_number(page, "n-clusters", 1)
    expect(page.locator("#n-clusters")).to_have_value("1")
    settle(page)
    line, top = graph_eval(page, "dendrogram", "(gd) => [gd._fullLayout.shapes[0].y0, gd._fullLayout.yaxis.range[1]]")
    assert 180.27 < line <= top


def test_each_example_shows_its_lesson_on_the_page(app_page):
    page = app_page
    lesson = page.locator("#data-summary .lesson")
    expect(lesson).to_contain_text("cut at 50: 2 clusters")
    choose(page, "dataset", "digits")
    expect(lesson).to_contain_text("leave Scaling at none")
    expect(page.locator("#data-summary")).not_to_contain_text("choose z-score")
