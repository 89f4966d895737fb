"""One cut wakes only the panels on screen: a closed tab sends no request."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import set_number, settle

pytestmark = pytest.mark.browser

TAB_OUTPUTS = {
    "inconsistency": "inconsistency-table.children",
    "silhouette": "silhouette-graph.figure",
    "kmeans": "kmeans-graph.figure",
    "algorithms": "algorithm-scores.children",
    "heatmap": "heatmap.figure",
    "profile": "cluster-profile.children",
    "centroids": "centroid-images.children",
    "truth": "truth-scores.children",
}


def requests_of_one_cut(page: Page, k: int) -> list[str]:
    """The outputs of every callback request that typing k sends, until the page is quiet."""
    sent: list[str] = []

    def record(request) -> None:
        if "_dash-update-component" in request.url and request.post_data:
            sent.append(json.loads(request.post_data)["output"])

    page.on("request", record)
    set_number(page, "n-clusters", k)
    expect(page.locator("#cluster-summary .chip")).to_have_count(k)
    settle(page, 600)
    page.remove_listener("request", record)
    return sent


def woken(sent: list[str]) -> set[str]:
    return {tab for tab, output in TAB_OUTPUTS.items() if any(output in name for name in sent)}


def test_a_cut_wakes_only_the_open_tabs(app_page: Page):
    page = app_page
    # Open at first: the merge heights aid and the True classes tab.
    assert woken(requests_of_one_cut(page, 3)) == {"truth"}

    page.locator("#aids-tabs .tab", has_text="Silhouette").click()
    page.locator("#lesson-tabs").get_by_text("Heatmap", exact=True).click()
    expect(page.locator("#silhouette-note")).to_contain_text("mean silhouette")
    settle(page, 600)
    assert woken(requests_of_one_cut(page, 4)) == {"silhouette", "heatmap"}
