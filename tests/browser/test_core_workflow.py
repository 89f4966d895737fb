"""End-to-end tests of the core workflow in headless Chromium.

Reference numbers (classic data, ward/euclidean): the sorted top merge heights
are ... 15.11533, 17.11527, 23.12199, 180.27043, so a cut in [15.11533, 17.11527)
gives 4 clusters, [17.11527, 23.12199) gives 3 and [23.12199, 180.27043) gives 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from scipy.cluster.hierarchy import cophenet, linkage
from scipy.spatial.distance import pdist

from loaders import load_builtin
from tests.browser.helpers import (
    LINE_END_HANDLE,
    LINE_HELPER,
    PLOT_AREA,
    assert_cut_line_at,
    axis_ranges,
    choose,
    click_dendrogram_at,
    cut_height,
    cut_shape,
    drag_by,
    dropdown_option,
    graph_eval,
    set_number,
    settle,
    to_page,
    wait_for_cut_line,
    wait_for_graph,
    wait_past_double_click,
)

pytestmark = pytest.mark.browser

FOUR_CLUSTERS = (15.11533118, 17.11527362)
THREE_CLUSTERS = (17.11527362, 23.12198936)
TWO_CLUSTERS = (23.12198936, 180.27043021)


def _cophenetic(features: np.ndarray, method: str = "ward", metric: str = "euclidean") -> str:
    distances = pdist(features, metric)
    return f"{cophenet(linkage(distances, method), distances)[0]:.5f}"


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value < bounds[1]


def _settled_cut(page: Page) -> float:
    """Wait for the line to be redrawn at the height in #cut-height; return that height."""
    settled = wait_for_cut_line(page)
    height = cut_height(page)
    if not settled:
        pytest.fail(f"cut line not snapped to #cut-height={height}: shapes[0]={cut_shape(page)}")
    return height


def test_default_view(app_page: Page):
    page = app_page
    expect(page.locator("#cophenetic")).to_have_text("0.98001")
    expect(page.locator("#n-clusters")).to_have_value("2")
    expect(page.locator("#cut-height")).to_have_value("100")

    n_traces = graph_eval(page, "dendrogram", "(gd) => gd.data.length")
    assert n_traces > 0
    assert_cut_line_at(page, 100)
    assert cut_shape(page)["yref"] == "y"
    assert graph_eval(page, "scatter", "(gd) => gd.calcdata[0].length") == 150


def test_switch_to_iris(app_page: Page):
    from sklearn.datasets import load_iris

    page = app_page
    expected = _cophenetic(load_iris().data)
    assert expected != "0.98001"
    choose(page, "dataset", "iris")
    expect(page.locator("#cophenetic")).to_have_text(expected)
    wait_for_graph(page, "scatter", "(gd) => gd.calcdata[0].length === 150 && gd._fullLayout.xaxis.title.text")
    titles = graph_eval(page, "scatter", "(gd) => [gd._fullLayout.xaxis.title.text, gd._fullLayout.yaxis.title.text]")
    assert "PC1" in titles[0], titles
    assert "PC2" in titles[1], titles


def _write_groups_csv(path) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(7)
    centers = {"red": (0.0, 0.0), "green": (12.0, 0.0), "blue": (0.0, 12.0)}
    rows, names = [], []
    for colour, (cx, cy) in centers.items():
        for i in range(8):
            rows.append((cx + rng.normal(), cy + rng.normal()))
            names.append(f"{colour}-{i}")
    features = np.array(rows)
    lines = ["a,b,name", *(f"{a!r},{b!r},{name}" for (a, b), name in zip(rows, names))]
    path.write_text("\n".join(lines) + "\n")
    return features, names


def test_upload_csv_and_bad_upload(app_page: Page, tmp_path):
    page = app_page
    good = tmp_path / "three_groups.csv"
    features, names = _write_groups_csv(good)
    expected = _cophenetic(features)
    assert expected != "0.98001"

    page.locator("#upload input[type=file]").set_input_files(str(good))
    summary = page.locator("#data-summary")
    expect(summary).to_contain_text("three_groups.csv")
    expect(summary).to_contain_text(f"{len(names)} samples × 2 features (a, b)")
    expect(page.locator("#cophenetic")).to_have_text(expected)
    wait_for_graph(page, "scatter", "(gd, n) => gd.calcdata[0].length === n", len(names))
    assert graph_eval(page, "scatter", "(gd) => gd.calcdata[0].length") == len(names)

    # Show every leaf: the leaf labels are the names from the text column.
    set_number(page, "truncate-p", len(names))
    leaves_are_names = wait_for_graph(
        page,
        "dendrogram",
        "(gd, names) => { const t = gd._fullLayout.xaxis.ticktext || [];"
        " return t.length === names.length && [...t].sort().join() === [...names].sort().join(); }",
        names,
    )
    ticks = graph_eval(page, "dendrogram", "(gd) => gd._fullLayout.xaxis.ticktext")
    assert leaves_are_names, f"leaf labels {ticks}, expected the names {names}"

    # A file with no numeric column is refused; the current result stays.
    bad = tmp_path / "only_text.csv"
    bad.write_text("name,colour\nalpha,red\nbeta,green\ngamma,blue\n")
    page.locator("#upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#message")).to_contain_text("no numeric column")
    expect(page.locator("#cophenetic")).to_have_text(expected)
    expect(summary).to_contain_text("three_groups.csv")


def test_drag_cut_line(app_page: Page):
    page = app_page
    settle(page)
    helper = page.locator(LINE_HELPER)
    helper.wait_for(state="attached")
    box = helper.bounding_box()
    y = box["y"] + box["height"] / 2
    assert abs(y - to_page(page, None, 100)[1]) < 3, "the drag helper is not on the line at 100"

    drag_by(page, LINE_HELPER, 0, to_page(page, None, 16)[1] - y)
    expect(page.locator("#n-clusters")).to_have_value("4")
    height = _settled_cut(page)
    assert _in(height, FOUR_CLUSTERS), height
    assert_cut_line_at(page, height)

    # Drag the right end up and to the left: the line snaps back horizontal, full width.
    wait_past_double_click(page)
    drag_by(page, LINE_END_HANDLE, -150, -80)
    expect(page.locator("#n-clusters")).to_have_value("2")
    height = _settled_cut(page)
    assert _in(height, TWO_CLUSTERS), height
    assert_cut_line_at(page, height)


@pytest.mark.parametrize(
    ("selector", "dx", "dy"),
    [(LINE_END_HANDLE, -150, -3), (LINE_HELPER, 0, -10)],
    ids=["tilt-end", "nudge-line"],
)
def test_same_drag_twice_snaps_back_both_times(app_page: Page, selector, dx, dy):
    """A drag that keeps the clusters must re-snap the line, also when repeated exactly.

    Both drags start from the same snapped line, so Plotly reports the very same
    relayoutData twice; the second one must not be ignored.
    """
    page = app_page
    for attempt in (1, 2):
        wait_past_double_click(page)
        drag_by(page, selector, dx, dy)
        snapped = wait_for_cut_line(page, timeout=5_000)
        assert snapped, (
            f"drag {attempt} of 2: the line was left at shapes[0]={cut_shape(page)} "
            f"while #cut-height shows {cut_height(page)}"
        )
        assert_cut_line_at(page, 100)
        expect(page.locator("#n-clusters")).to_have_value("2")


def test_click_sets_cut(app_page: Page):
    page = app_page
    expect(page.locator(PLOT_AREA)).to_be_visible()

    # x=1 lies left of the first leaf (x=5): an empty part of the plot.
    click_dendrogram_at(page, 1, 50)
    expect(page.locator("#cut-height")).to_have_value("50")
    expect(page.locator("#n-clusters")).to_have_value("2")
    assert _settled_cut(page) == 50
    assert_cut_line_at(page, 50)

    # Two presses within Plotly's double-click delay would autoscale instead.
    wait_past_double_click(page)
    click_dendrogram_at(page, 1, 16)
    expect(page.locator("#n-clusters")).to_have_value("4")
    height = _settled_cut(page)
    assert _in(height, FOUR_CLUSTERS), height
    assert_cut_line_at(page, height)


def test_typed_height_and_k(app_page: Page):
    page = app_page
    set_number(page, "cut-height", 16)
    expect(page.locator("#n-clusters")).to_have_value("4")
    assert _settled_cut(page) == 16
    assert_cut_line_at(page, 16)

    set_number(page, "n-clusters", 3)
    wait_for_graph(page, "dendrogram", "(gd, lo) => gd._fullLayout.shapes[0].y0 > lo", FOUR_CLUSTERS[1])
    height = _settled_cut(page)
    assert THREE_CLUSTERS[0] < height < THREE_CLUSTERS[1], height
    assert_cut_line_at(page, height)
    expect(page.locator("#n-clusters")).to_have_value("3")


def test_method_metric_rule(app_page: Page):
    page = app_page
    features = load_builtin("classic").features
    average_euclidean = _cophenetic(features, "average", "euclidean")
    average_cityblock = _cophenetic(features, "average", "cityblock")
    assert len({"0.98001", average_euclidean, average_cityblock}) == 3

    choose(page, "method", "average")
    expect(page.locator("#cophenetic")).to_have_text(average_euclidean)
    choose(page, "metric", "cityblock")
    expect(page.locator("#cophenetic")).to_have_text(average_cityblock)

    ward = dropdown_option(page, "method", "ward")
    expect(ward).to_have_count(1)
    expect(ward.locator("input")).to_be_disabled()
    popup = ward.locator("xpath=ancestor::*[@role='dialog'][1]")
    expect(popup.locator("input[value='average']")).to_be_enabled()
    # Clicking the disabled option changes nothing.
    ward.click(force=True)
    page.keyboard.press("Escape")
    expect(page.locator("#method")).to_contain_text("average")
    expect(page.locator("#cophenetic")).to_have_text(average_cityblock)


def test_zoom_kept_after_cut(app_page: Page):
    page = app_page
    settle(page)
    before = axis_ranges(page, "dendrogram")
    # Box-zoom over the lower part of the tree, well below the line at 100.
    x0, y0 = to_page(page, 20, 60)
    x1, y1 = to_page(page, 80, 5)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=10)
    page.mouse.up()
    zoomed_in = wait_for_graph(page, "dendrogram", "(gd, xr) => gd._fullLayout.xaxis.range[0] > xr[0] + 1", before["x"])
    zoomed = axis_ranges(page, "dendrogram")
    assert zoomed_in, f"box zoom did not change the x range: {before} -> {zoomed}"
    expect(page.locator("#n-clusters")).to_have_value("2")

    set_number(page, "n-clusters", 3)
    wait_for_graph(page, "dendrogram", "(gd, hi) => gd._fullLayout.shapes[0].y0 < hi", THREE_CLUSTERS[1])
    height = _settled_cut(page)
    assert THREE_CLUSTERS[0] < height < THREE_CLUSTERS[1], height
    after = axis_ranges(page, "dendrogram")
    assert after["x"] == zoomed["x"], f"x zoom lost after the cut: {zoomed['x']} -> {after['x']}"
    assert after["y"] == zoomed["y"], f"y zoom lost after the cut: {zoomed['y']} -> {after['y']}"


def test_retype_same_k_after_graph_cut(app_page: Page):
    """Typing k=3 again after a click moved the cut must cut at k=3 again.

    (Dash 4.4.1's number box sent nothing here; the k box is a text box.)
    """
    page = app_page
    set_number(page, "n-clusters", 3)
    wait_for_graph(page, "dendrogram", "(gd, hi) => gd._fullLayout.shapes[0].y0 < hi", THREE_CLUSTERS[1])
    assert _in(_settled_cut(page), THREE_CLUSTERS)

    click_dendrogram_at(page, 1, 50)
    expect(page.locator("#cut-height")).to_have_value("50")
    expect(page.locator("#n-clusters")).to_have_value("2")
    _settled_cut(page)

    set_number(page, "n-clusters", 3)
    moved = wait_for_graph(
        page, "dendrogram", "(gd, hi) => gd._fullLayout.shapes[0].y0 < hi", THREE_CLUSTERS[1], timeout=5_000
    )
    assert moved, (
        f"k=3 typed again: #n-clusters shows {page.locator('#n-clusters').input_value()} but the cut stayed at "
        f"#cut-height={cut_height(page)}, shapes[0]={cut_shape(page)}"
    )
    height = _settled_cut(page)
    assert _in(height, THREE_CLUSTERS), height


def test_bad_k_shows_the_rule_and_keeps_the_cut(app_page: Page):
    page = app_page
    set_number(page, "n-clusters", "abc")
    message = page.locator("#message")
    expect(message).to_contain_text("k must be a whole number from 1 to 150")
    expect(message).to_contain_text('you typed "abc"')
    expect(message).to_contain_text("the cut stays at k = 2 (height 100)")
    expect(page.locator("#n-clusters")).to_have_value("2")
    expect(page.locator("#cut-height")).to_have_value("100")
    settle(page)
    assert_cut_line_at(page, 100)

    # A good k afterwards cuts, and clears the message.
    set_number(page, "n-clusters", 3)
    assert wait_for_graph(page, "dendrogram", "(gd, hi) => gd._fullLayout.shapes[0].y0 < hi", THREE_CLUSTERS[1])
    assert _in(_settled_cut(page), THREE_CLUSTERS)
    expect(message).to_be_empty()


def test_arrow_keys_step_the_boxes_and_enter_commits(app_page: Page):
    page = app_page
    k_box = page.locator("#n-clusters")
    k_box.focus()
    k_box.press("ArrowUp")
    k_box.press("ArrowUp")
    expect(k_box).to_have_value("4")
    settle(page)
    assert_cut_line_at(page, 100)  # stepping only edits the box
    k_box.press("Enter")
    assert wait_for_graph(page, "dendrogram", "(gd, hi) => gd._fullLayout.shapes[0].y0 < hi", FOUR_CLUSTERS[1])
    assert _in(_settled_cut(page), FOUR_CLUSTERS)

    # The height steps by 1 (to a whole number first), never below 0.
    height_box = page.locator("#cut-height")
    expect(height_box).to_have_value("16")
    height_box.focus()
    height_box.press("ArrowDown")
    expect(height_box).to_have_value("15")
    height_box.press("Enter")
    expect(k_box).to_have_value("5")
    assert _settled_cut(page) == 15
    height_box.fill("12.4")
    height_box.press("ArrowUp")
    expect(height_box).to_have_value("13")
    height_box.fill("0.5")
    height_box.press("ArrowDown")
    height_box.press("ArrowDown")
    expect(height_box).to_have_value("0")
