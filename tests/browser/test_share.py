"""Share and resume in headless Chromium: the address is the view, reloads and links restore it, sessions travel.

Each test compares what is drawn (the cophenetic correlation, the cut boxes,
the cluster chips, the scatter's colours per sample, the dendrogram's
branch) before and after, and the numbers against SciPy.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from scipy.cluster.hierarchy import cophenet, fcluster, linkage
from scipy.spatial.distance import pdist

from loaders import load_builtin
from tests.browser.data_helpers import FORMATS_DIR, upload_and_wait
from tests.browser.helpers import TIMEOUT_MS, TRACK_REQUESTS_JS, choose, graph_eval, set_number, settle, wait_for_graph
from tests.browser.test_zoom import box_zoom

pytestmark = pytest.mark.browser

MOONS_SINGLE = "data=moons&method=single&k=2"


def scipy_view(key: str, method: str, k: int) -> tuple[str, list[int]]:
    """SciPy's cophenetic correlation (as shown) and cluster sizes of a built-in example cut into k."""
    features = load_builtin(key).features
    distances = pdist(features)
    tree = linkage(distances, method)
    sizes = sorted(np.bincount(fcluster(tree, k, "maxclust"))[1:].tolist())
    return f"{cophenet(tree, distances)[0]:.5f}", sizes


def snapshot(page: Page) -> dict:
    """What the view shows, once the page is quiet."""
    settle(page)
    return {
        "query": parse_qs(urlparse(page.url).query),
        "cophenetic": page.locator("#cophenetic").inner_text(),
        "height": page.locator("#cut-height").input_value(),
        "k": page.locator("#n-clusters").input_value(),
        "chips": page.locator("#cluster-summary").inner_html(),
        "method": page.locator("#method").inner_text(),
        "caption": page.locator("#dendrogram-caption").inner_text(),
        "scatter": graph_eval(
            page,
            "scatter",
            "(gd) => ({colors: Array.from(gd._fullData[0].marker.color).map(Number),"
            " scale: gd._fullData[0].marker.colorscale, n: gd._fullData[0].x.length})",
        ),
        "leaves": graph_eval(page, "dendrogram", "(gd) => gd._fullLayout.xaxis.ticktext"),
    }


def sizes_of(shown: dict) -> list[int]:
    """The cluster sizes the scatter shows (its colour value is each sample's cluster)."""
    return sorted(np.unique(shown["scatter"]["colors"], return_counts=True)[1].tolist())


def wait_for_address(page: Page, **wanted: str | None) -> None:
    """Wait until the address holds these settings (None: leaves it out; "*": any value)."""
    page.wait_for_function(
        """(wanted) => {
            const query = new URLSearchParams(window.location.search);
            return Object.entries(wanted).every(([key, value]) =>
                value === null ? !query.has(key) : value === "*" ? query.has(key) : query.get(key) === value);
        }""",
        arg=wanted,
    )


def open_page(page: Page, url: str) -> None:
    """Open an address and wait for its view to be drawn."""
    page.add_init_script(TRACK_REQUESTS_JS)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    expect(page.locator("#cophenetic")).not_to_have_text("…", timeout=30_000)
    assert wait_for_graph(page, "scatter", "(gd) => gd.calcdata.length > 0", timeout=30_000)
    settle(page)


def test_a_view_set_by_hand_is_in_the_address_and_comes_back_on_reload(app_page):
    page = app_page
    choose(page, "dataset", "moons")
    expect(page.locator("#data-summary")).to_contain_text("Moons")
    settle(page)
    choose(page, "method", "single")
    settle(page)
    set_number(page, "n-clusters", 2)
    wait_for_address(page, k="2", method="single", data="moons")
    before = snapshot(page)
    coefficient, sizes = scipy_view("moons", "single", 2)
    assert before["cophenetic"] == coefficient
    assert sizes_of(before) == sizes

    page.reload()
    expect(page.locator("#cophenetic")).to_have_text(coefficient)
    assert snapshot(page) == before


def test_the_address_alone_opens_the_view_in_a_fresh_browser(app_page, browser):
    page = app_page
    page.goto(page.url.split("?")[0] + "?" + MOONS_SINGLE + "&select=1")
    coefficient, sizes = scipy_view("moons", "single", 2)
    expect(page.locator("#cophenetic")).to_have_text(coefficient)
    expect(page.locator("#selection-list")).to_contain_text("leaf 1")
    shown = snapshot(page)
    assert shown["k"] == "2" and sizes_of(shown) == sizes

    other = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        fresh = other.new_page()
        open_page(fresh, page.url)
        expect(fresh.locator("#selection-list")).to_contain_text("leaf 1")
        assert snapshot(fresh) == shown
    finally:
        other.close()


def test_back_undoes_one_step_of_the_cut(app_page):
    page = app_page
    set_number(page, "n-clusters", 3)
    wait_for_address(page, k="3")
    set_number(page, "n-clusters", 5)
    wait_for_address(page, k="5")
    page.go_back()
    wait_for_address(page, k="3")
    expect(page.locator("#n-clusters")).to_have_value("3")
    settle(page)
    assert np.unique(snapshot(page)["scatter"]["colors"]).size == 3


def test_a_zoomed_branch_and_its_colours_come_back(app_page):
    page = app_page
    set_number(page, "n-clusters", 6)
    wait_for_address(page, k="6")
    box_zoom(page, 42, 118, 30, 1)  # the right-hand group of 100 samples (see test_zoom.py)
    expect(page.locator("#dendrogram-caption")).to_contain_text("zoomed into a branch of 100 samples")
    wait_for_address(page, k="6", zoom="*")
    before = snapshot(page)
    page.reload()
    expect(page.locator("#dendrogram-caption")).to_contain_text("zoomed into a branch of 100 samples")
    assert snapshot(page) == before


def test_a_bad_address_opens_the_nearest_valid_view_and_names_each_value(app_page):
    page = app_page
    page.goto(page.url.split("?")[0] + "?method=wart&k=0&metric=cityblock")
    message = page.locator("#message")
    expect(message).to_contain_text("'wart'")
    expect(message).to_contain_text("'0'")
    expect(page.locator("#cophenetic")).to_have_text("0.98001")  # classic, ward, euclidean
    expect(page.locator("#n-clusters")).to_have_value("2")
    wait_for_address(page, method=None, metric=None)


def test_an_upload_survives_a_reload(app_page):
    page = app_page
    upload_and_wait(page, FORMATS_DIR / "spreadsheet_export.csv", "spreadsheet_export.csv")
    settle(page)
    set_number(page, "n-clusters", 4)
    wait_for_address(page, upload="*", k="4")
    before = snapshot(page)
    page.reload()
    expect(page.locator("#data-summary")).to_contain_text("spreadsheet_export.csv")
    assert snapshot(page) == before


def test_a_link_to_an_upload_asks_for_the_file_and_restores_the_view_when_it_is_loaded(app_page, browser):
    page = app_page
    upload_and_wait(page, FORMATS_DIR / "spreadsheet_export.csv", "spreadsheet_export.csv")
    settle(page)
    choose(page, "method", "average")
    settle(page)
    set_number(page, "n-clusters", 4)
    wait_for_address(page, k="4", method="average")
    before = snapshot(page)

    other = browser.new_context()
    try:
        fresh = other.new_page()
        open_page(fresh, page.url)
        expect(fresh.locator("#message")).to_contain_text("this link names an uploaded file", ignore_case=True)
        assert fresh.url == page.url  # the address keeps naming the file
        upload_and_wait(fresh, FORMATS_DIR / "spreadsheet_export.csv", "spreadsheet_export.csv")
        expect(fresh.locator("#n-clusters")).to_have_value("4")
        wait_for_address(fresh, upload="*", k="4", method="average")
        assert snapshot(fresh) == before
    finally:
        other.close()


def test_a_saved_session_opens_the_same_view_in_a_fresh_browser(app_page, browser, tmp_path):
    page = app_page
    upload_and_wait(page, FORMATS_DIR / "spreadsheet_export.csv", "spreadsheet_export.csv")
    settle(page)
    set_number(page, "n-clusters", 4)
    settle(page)
    before = snapshot(page)
    with page.expect_download() as info:
        page.locator("#save-session").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    content = json.loads(saved.read_text())
    assert content["format"] == "hclust-explorer-session" and content["version"] == 1
    assert content["data"]["filename"] == "spreadsheet_export.csv"

    other = browser.new_context()
    try:
        fresh = other.new_page()
        open_page(fresh, page.url.split("?")[0])
        fresh.locator("#open-session input[type=file]").set_input_files(str(saved))
        expect(fresh.locator("#data-summary")).to_contain_text("spreadsheet_export.csv")
        expect(fresh.locator("#n-clusters")).to_have_value("4")
        wait_for_address(fresh, upload="*", k="4")
        assert snapshot(fresh) == before
    finally:
        other.close()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n", "not a session file"),
        (b'{"rows": [1, 2]}', "not an hclust-explorer session"),
        (b'{"format": "hclust-explorer-session", "version": 7, "address": "k=3"}', "newer hclust-explorer"),
    ],
)
def test_a_bad_session_file_is_refused_and_the_view_stays(app_page, tmp_path, content, words):
    page = app_page
    before = snapshot(page)
    bad = tmp_path / "view.json"
    bad.write_bytes(content)
    page.locator("#open-session input[type=file]").set_input_files(str(bad))
    expect(page.locator("#message")).to_contain_text(words)
    expect(page.locator("#message")).to_contain_text("The current view stays")
    assert snapshot(page) == before


def test_copy_link_puts_the_address_on_the_clipboard(app_page):
    page = app_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    set_number(page, "n-clusters", 3)
    wait_for_address(page, k="3")
    page.locator("#copy-link").click()
    expect(page.locator("#copy-link-status")).to_contain_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
