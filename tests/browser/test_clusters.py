"""End-to-end: select a branch of the dendrogram, read the cluster table, download the exports.

Reference (classic data, ward/euclidean): k = 4 gives clusters of 23, 27, 24 and 76
samples, numbered left to right; the contracted leaf "(33)" holds 33 samples.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import adjusted_rand_score, silhouette_samples

from figures.dendrogram import MERGE_TRACE
from hclust import build_tree, truncated_geometry
from hclust.clusters import samples_under
from loaders import load_builtin
from tests.browser.clusters_helpers import (
    click_point,
    download_text,
    leaf_markers,
    merge_dots,
    scatter_selection,
)
from tests.browser.helpers import graph_eval, set_number, settle, wait_for_graph, wait_past_double_click

pytestmark = pytest.mark.browser

CLASSIC = load_builtin("classic").features
TREE = build_tree(CLASSIC, "ward", "euclidean")
GEOMETRY = truncated_geometry(TREE, p=12)


def _wait_for_selection(page: Page, size: int | None) -> list[int] | None:
    predicate = (
        "(gd, n) => { const s = gd._fullData[0].selectedpoints;"
        " return n === null ? s == null : (s != null && s.length === n); }"
    )
    settled = wait_for_graph(page, "scatter", predicate, size)
    selection = scatter_selection(page)
    assert settled, f"scatter selection {selection}, expected {size} samples"
    return selection


def test_click_a_branch_then_a_contracted_leaf(app_page: Page):
    page = app_page
    dots = merge_dots(page)
    second = sorted(dots, key=lambda d: d["y"])[-2]  # the second-highest merge: one of the two groups
    expected = samples_under(TREE, TREE.n_samples + int(GEOMETRY.link_rows[second["index"]]))

    click_point(page, second)

    selected = _wait_for_selection(page, expected.size)
    assert sorted(selected) == sorted(expected.tolist())
    listing = page.locator("#selection-list")
    expect(listing).to_contain_text(f"{expected.size} samples")
    expect(listing).to_contain_text("all in")
    expect(listing.locator("li").first).to_have_text(str(expected[0]))
    marked = graph_eval(page, "dendrogram", f"(gd) => Array.from(gd._fullData[{MERGE_TRACE}].selectedpoints || [])")
    assert marked == [second["index"]]
    expect(page.locator("#cut-height")).to_have_value("100")  # a click on a dot selects, it does not cut

    page.locator("#clear-selection").click()
    _wait_for_selection(page, None)
    expect(listing).to_contain_text("Click a merge dot")
    expect(page.locator("#clear-selection")).to_be_disabled()

    wait_past_double_click(page)
    leaf = next(m for m in leaf_markers(page) if m["text"] == "(33)")
    click_point(page, leaf)
    selected = _wait_for_selection(page, 33)
    assert sorted(selected) == sorted(samples_under(TREE, int(GEOMETRY.leaf_nodes[leaf["index"]])).tolist())
    expect(listing).to_contain_text("contracted leaf (33)")


def test_table_and_downloads_match_the_screen(app_page: Page):
    page = app_page
    set_number(page, "n-clusters", 4)
    rows = page.locator("#cluster-table tbody tr")
    expect(rows).to_have_count(4)
    sizes = [int(rows.nth(i).locator("td").first.inner_text().replace(",", "")) for i in range(4)]
    assert sizes == [23, 27, 24, 76]
    code = page.locator("#python-code")
    expect(code).to_contain_text("linkage(")
    expect(code).to_contain_text("fcluster(")

    name, text = download_text(page, "export-assignments")
    assert name.endswith(".csv")
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == ["row", "cluster", "silhouette"]
    assert np.bincount(frame["cluster"])[1:].tolist() == sizes
    np.testing.assert_allclose(frame["silhouette"], silhouette_samples(CLASSIC, frame["cluster"]), atol=1e-12)

    name, text = download_text(page, "export-linkage")
    assert "linkage" in name
    assert text.startswith("#") and "idx1,idx2,dist,sample_count" in text
    z = pd.read_csv(io.StringIO(text), comment="#").to_numpy(dtype=float)
    np.testing.assert_allclose(z, linkage(CLASSIC, "ward"), rtol=1e-12)

    # The third cluster's button selects it; its samples download on their own.
    page.locator("#cluster-table .cluster-button").nth(2).click()
    _wait_for_selection(page, 24)
    expect(page.locator("#selection-list")).to_contain_text("cluster 3")
    _, text = download_text(page, "export-selection")
    selected = list(csv.reader(io.StringIO(text)))[1:]
    assert len(selected) == 24 and {row[1] for row in selected} == {"3"}


SCATTER_STYLE_JS = """(gd) => {
  const m = gd._fullData[0].marker;
  return {ids: Array.from(m.color), symbols: Array.isArray(m.symbol) || ArrayBuffer.isView(m.symbol)
    ? Array.from(m.symbol) : m.symbol, scale: m.colorscale};
}"""


def test_beyond_eight_clusters_each_cluster_has_its_own_look_and_a_reload_draws_the_same(app_page: Page):
    # A cut sends one marker shape per cluster; the page writes it out per sample (assets/cut.js).
    # The whole figure a reload builds writes it out in Python: both must give every sample the same shape.
    page = app_page
    set_number(page, "n-clusters", 12)
    assert wait_for_graph(page, "scatter", "(gd) => new Set(Array.from(gd._fullData[0].marker.color)).size === 12")
    painted = graph_eval(page, "scatter", SCATTER_STYLE_JS)
    ids_, symbols = np.asarray(painted["ids"]), np.asarray(painted["symbols"])
    assert ids_.size == symbols.size == 150
    expected = fcluster(linkage(CLASSIC, "ward"), 12, "maxclust")
    assert adjusted_rand_score(expected, ids_) == 1.0  # SciPy's 12 clusters
    by_cluster = {int(c): set(symbols[ids_ == c].tolist()) for c in np.unique(ids_)}
    assert all(len(shapes) == 1 for shapes in by_cluster.values()), by_cluster
    colour = {int(c): painted["scale"][2 * (int(c) - 1)][1] for c in np.unique(ids_)}  # stepped: two stops per id
    looks = {(colour[c], next(iter(by_cluster[c]))) for c in by_cluster}
    assert len(looks) == 12  # no two clusters share both colour and shape
    assert len({shape for shapes in by_cluster.values() for shape in shapes}) > 1  # 12 clusters, 8 colours

    settle(page)
    page.reload()
    expect(page.locator("#n-clusters")).to_have_value("12")
    assert wait_for_graph(page, "scatter", "(gd) => new Set(Array.from(gd._fullData[0].marker.color)).size === 12")
    reloaded = graph_eval(page, "scatter", SCATTER_STYLE_JS)
    assert reloaded["ids"] == painted["ids"]
    assert reloaded["symbols"] == painted["symbols"]
