"""One cut wakes only the panels on screen that show the cut: any other panel sends no request."""

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


# What a cut always updates: the cut itself (dendrogram, scatter, chips), the k mark of the merge heights, the
# cluster table and the address.
CUT_OUTPUTS = ("dendrogram.figure", "elbow-graph.figure", "cluster-table.children", "address-store.data")


def woken(sent: list[str]) -> set[str]:
    """The tabs that had a request of their own (the True classes tab has none: it rides on the cluster table's)."""
    own = [name for name in sent if "cluster-table.children" not in name]
    return {tab for tab, output in TAB_OUTPUTS.items() if any(output in name for name in own)}


def others(sent: list[str]) -> list[str]:
    """Requests for anything but the cut's own outputs and the tabs: the panels that must stay asleep."""
    known = (*CUT_OUTPUTS, *TAB_OUTPUTS.values())
    return [name for name in sent if not any(output in name for output in known)]


def test_a_cut_wakes_only_the_open_tabs(app_page: Page):
    page = app_page
    # Open at first: the merge heights aid and the True classes tab.
    sent = requests_of_one_cut(page, 3)
    assert woken(sent) == set()  # the True classes tab answers within the cut's panels request
    assert len(sent) == 3  # the cut, the panels that show it, the address
    expect(page.locator("#truth-scores")).to_contain_text("k = 3")
    # Not the top merges, the image card (a table), the side-by-side grid (no methods chosen), the scatter's
    # repaint (coloured by the cut), the merge player (off) nor the branch selection (none).
    assert others(sent) == []
    assert sum("dendrogram.figure" in name for name in sent) == 1  # one reply for the cut itself

    page.locator("#aids-tabs .tab", has_text="Silhouette").click()
    page.locator("#lesson-tabs").get_by_text("Heatmap", exact=True).click()
    expect(page.locator("#silhouette-note")).to_contain_text("mean silhouette")
    settle(page, 600)
    sent = requests_of_one_cut(page, 4)
    assert woken(sent) == {"heatmap"}  # the silhouette answers within the cut's panels request
    assert any("silhouette-graph.figure" in name and "cluster-table.children" in name for name in sent)
    expect(page.locator("#silhouette-note")).to_contain_text("Current cut (k = 4)")
    assert others(sent) == []
    assert len(sent) == 4  # the cut, its panels, the address, the open Heatmap tab
