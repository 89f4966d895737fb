"""The aids panel in headless Chromium: a suggested k moves the cut; the inconsistency criterion hides the line.

Classic data, ward/euclidean: a cut in [23.12199, 180.27043) gives 2 clusters,
in [15.11533, 17.11527) 4. The page must log no console error (``app_page``).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from scipy.cluster.hierarchy import fcluster
from sklearn.metrics import silhouette_score

from hclust import build_tree
from hclust.inconsistency import threshold_keeping
from loaders import load_builtin
from tests.browser.helpers import (
    PLOT_AREA,
    choose,
    cut_height,
    graph_eval,
    set_number,
    to_page,
    wait_for_cut_line,
    wait_for_graph,
    wait_past_double_click,
)

pytestmark = pytest.mark.browser

TWO_CLUSTERS = (23.12198936, 180.27043021)


@pytest.fixture(scope="module")
def classic_tree():
    return build_tree(load_builtin("classic").features, "ward", "euclidean")


def line_visible(page: Page) -> bool:
    return graph_eval(page, "dendrogram", "(gd) => gd._fullLayout.shapes[0].visible !== false")


def test_suggested_k_click_moves_the_cut_line_and_n_clusters(app_page: Page):
    page = app_page
    suggested = page.locator("#suggested-k")
    expect(suggested).to_have_text(re.compile(r"k = 2\b"))

    set_number(page, "n-clusters", 4)
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes[0].y0 < 17.2")
    expect(page.locator("#cut-criterion")).to_contain_text("maxclust")

    suggested.click()
    expect(page.locator("#n-clusters")).to_have_value("2")
    assert wait_for_cut_line(page), "the line did not move to the height in #cut-height"
    assert TWO_CLUSTERS[0] <= cut_height(page) < TWO_CLUSTERS[1]
    expect(page.locator("#message")).to_contain_text("elbow")
    # The aid re-marks the new cut.
    assert wait_for_graph(page, "elbow-graph", "(gd) => gd._fullLayout.shapes[0].x0 === 2")


def test_a_click_on_the_silhouette_curve_cuts_there(app_page: Page, classic_tree):
    page = app_page
    page.locator("#aids-tabs .tab", has_text="Silhouette").click()
    features = load_builtin("classic").features
    score = silhouette_score(features, fcluster(classic_tree.linkage, 3, criterion="maxclust"))
    expect(page.locator("#silhouette-note")).to_contain_text("0.8528")  # the current cut's (k = 2)
    assert wait_for_graph(page, "silhouette-graph", "(gd) => gd.calcdata[0].length === 9")
    page.locator("#silhouette-graph").scroll_into_view_if_needed()

    x, y = to_page(page, 3, score, graph_id="silhouette-graph")
    page.mouse.click(x, y)
    expect(page.locator("#n-clusters")).to_have_value("3")
    assert wait_for_cut_line(page)
    assert wait_for_graph(page, "silhouette-graph", "(gd) => gd._fullLayout.shapes[0].x0 === 3")


def test_inconsistent_criterion_changes_the_count_and_hides_the_line(app_page: Page, classic_tree):
    page = app_page
    expect(page.locator("#inconsistent-fields")).to_be_hidden()

    choose(page, "cut-criterion", "inconsistent")
    # The switch picks the t that keeps the current 2 clusters, or the closest count below it.
    t = threshold_keeping(classic_tree, 2, 2)
    expected = len(set(fcluster(classic_tree.linkage, t, criterion="inconsistent", depth=2)))
    expect(page.locator("#n-clusters")).to_have_value(str(expected))
    expect(page.locator("#inconsistent-fields")).to_be_visible()
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes[0].visible === false")
    expect(page.locator("#cut-height")).to_have_value("")
    expect(page.locator("#message")).to_contain_text("Cut by inconsistency")

    set_number(page, "cut-depth", 5)
    set_number(page, "cut-threshold", 5)
    expect(page.locator("#n-clusters")).to_have_value("2")
    assert not line_visible(page)

    # A click on the dendrogram cuts at a height again: back to distance, line shown.
    wait_past_double_click(page)
    x, y = to_page(page, 1, 50)
    page.mouse.click(x, y)
    expect(page.locator("#cut-height")).to_have_value("50")
    expect(page.locator("#cut-criterion")).to_contain_text("distance")
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes[0].visible !== false")
    expect(page.locator("#inconsistent-fields")).to_be_hidden()
    expect(page.locator(PLOT_AREA)).to_be_visible()


def test_kmeans_switch_colors_the_scatter_and_back(app_page: Page):
    page = app_page
    page.locator("#aids-tabs .tab", has_text="k-means").click()
    expect(page.locator("#kmeans-summary")).to_contain_text("adjusted Rand index")

    choose(page, "color-by", "algorithm")  # the other algorithm, k-means by default
    has_note = "(gd) => (gd._fullLayout.annotations || []).some((a) => /coloured by k-means/.test(a.text))"
    assert wait_for_graph(page, "scatter", has_note)
    choose(page, "color-by", "tree")
    assert wait_for_graph(page, "scatter", f"(gd) => !({has_note})(gd)")
