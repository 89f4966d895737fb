"""The image scatter in Chromium: drawn at the plot's size, recoloured by a cut, re-rendered on zoom, hovered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from config import Settings
from factory import create_app
from loaders.builtin import load_builtin
from tests.browser.helpers import graph_eval, set_number, settle, to_page, wait_for_graph, wait_past_double_click

CLASSIC = load_builtin("classic").features
SOURCE = "(gd) => gd.data[0].source"


@pytest.fixture
def dash_app(tmp_path):
    """Every scatter over 100 samples is an image, so the classic example's 150 are one."""
    return create_app(Settings(cache_dir=tmp_path / "cache", scatter_image_above=100))


def _placement(page) -> dict:
    return graph_eval(
        page,
        "scatter",
        "(gd) => ({type: gd.data[0].type, dx: gd.data[0].dx, w: gd._fullLayout._size.w, h: gd._fullLayout._size.h})",
    )


def _drawn_at_the_plot_size(page) -> None:
    """The caption names the plot area's own size as the image's, within 10 s."""
    aggregated = page.locator("#scatter-caption .aggregated")
    for _ in range(40):
        placed = _placement(page)
        size = f"drawn as a {round(placed['w'])} x {round(placed['h'])} pixel image"
        if size in (aggregated.get_attribute("title") or ""):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the image is not {size}: {aggregated.get_attribute('title')}")


def test_the_image_is_drawn_at_the_plot_size_and_follows_a_cut(app_page):
    page = app_page
    assert _placement(page)["type"] == "image"
    expect(page.locator("#scatter-caption .aggregated")).to_contain_text("150 samples as an image")
    # The first image is of a default size; the page then asks for one of its own plot area.
    _drawn_at_the_plot_size(page)
    before = graph_eval(page, "scatter", SOURCE)
    set_number(page, "n-clusters", 4)
    assert wait_for_graph(page, "scatter", f"(gd) => gd.data[0].source !== {before!r}"), "the cut did not repaint"
    expect(page.locator("#cluster-summary .chip")).to_have_count(4)


def test_every_resize_draws_the_image_again(app_page):
    # The window resized, then the page reflowing around the graph: each time the image follows its plot area.
    page = app_page
    _drawn_at_the_plot_size(page)
    for width, height in ((1100, 700), (1300, 800), (1200, 760)):
        page.set_viewport_size({"width": width, "height": height})
        _drawn_at_the_plot_size(page)
    # The page reflowing around the graph (a caption wrapping, a panel opening) resizes it too.
    for pixels in (420, 480, 440):
        page.evaluate("(h) => { document.getElementById('scatter').style.height = h + 'px'; }", pixels)
        _drawn_at_the_plot_size(page)


def test_zoom_renders_the_new_ranges_and_double_click_the_whole(app_page):
    page = app_page
    whole = _placement(page)["dx"]
    # Box-zoom around the lower group of samples.
    settle(page)
    start, end = to_page(page, -2, 6, "scatter"), to_page(page, 8, -6, "scatter")
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()
    assert wait_for_graph(page, "scatter", "(gd, whole) => gd.data[0].dx < whole / 2", whole), "no finer image"
    expect(page.locator("#scatter-caption")).to_contain_text(" in view")
    settle(page)
    wait_past_double_click(page, "scatter")
    page.mouse.dblclick(*to_page(page, 3, 0, "scatter"))
    assert wait_for_graph(page, "scatter", "(gd, whole) => Math.abs(gd.data[0].dx - whole) < whole / 10", whole)
    expect(page.locator("#scatter-caption")).not_to_contain_text(" in view")


def test_hover_shows_the_nearest_sample_and_its_cluster(app_page):
    page = app_page
    settle(page)
    x, y = CLASSIC[0]
    page.mouse.move(*to_page(page, float(x), float(y), "scatter"))
    tooltip = page.locator(".dcc-tooltip-bounding-box")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(re.compile(r"sample \d+\s*cluster [12]"))
    page.mouse.move(5, 5)  # away from the graph: the tooltip goes
    expect(tooltip).to_be_hidden()
