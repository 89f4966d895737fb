"""The merge player in headless Chromium: step to merge 14, play, and give the cut's colors back.

Classic data, ward/euclidean (``app_page``): Z[13] = [62, 152, 0.1726, 3], and
152 is Z[2] = [33, 68, ...]; the cut at 100 gives the groups of 50 and 100.
What is checked is what plotly drew (``gd._fullData``, ``gd._fullLayout``).
The page must log no console error (``app_page``).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import choose, graph_eval, set_number, settle, wait_for_graph

pytestmark = pytest.mark.browser

MERGE_14 = re.compile(
    r"^merge 14 \(Z\[13\]\): sample 62 joins cluster 152 \(samples 33, 68, formed in merge 3\) "
    r"at height 0\.1726; the new cluster 163 has 3 samples"
)
# Sample indices by drawn color code of the scatter's trace 0 (0 muted, 1 red, 2 amber; else a cut's ids).
DRAWN_CODES = """(gd) => {
    const m = gd._fullData[0].marker, byCode = {};
    Array.from(m.color).forEach((c, i) => { (byCode[c] = byCode[c] || []).push(i); });
    return {cmin: m.cmin, byCode: byCode, traces: gd._fullData.length};
}"""
LIT_62_33_68 = """(gd) => {
    const c = gd._fullData[0].marker.color;
    return gd._fullData[0].marker.cmin < 0 && c[62] === 1 && c[33] === 2 && c[68] === 2
        && Array.from(c).filter((v) => v !== 0).length === 3;
}"""


def sentence(page: Page):
    return page.locator("#merge-info .merge-sentence")


def turn_on(page: Page) -> None:
    switch = page.get_by_role("checkbox", name="Step through the merges")
    switch.check()
    expect(sentence(page)).to_have_text(re.compile(r"^merge 1 \(Z\[0\]\): sample 52 joins sample 53"))


def assert_lit_62_33_68(page: Page) -> None:
    assert wait_for_graph(page, "scatter", LIT_62_33_68), graph_eval(page, "scatter", DRAWN_CODES)
    drawn = graph_eval(page, "scatter", DRAWN_CODES)
    assert drawn["byCode"]["1"] == [62] and drawn["byCode"]["2"] == [33, 68]


def test_step_to_merge_14_by_keyboard_and_next_then_play_then_off(app_page: Page):
    page = app_page
    panel = page.locator("#merge-panel")
    expect(panel).to_be_visible()
    turn_on(page)

    # The slider's thumb has a name and steps with the arrow keys.
    thumb = page.get_by_role("slider", name="Merge number")
    thumb.focus()
    for _ in range(12):
        thumb.press("ArrowRight")
    expect(sentence(page)).to_have_text(re.compile(r"^merge 13 \(Z\[12\]\)"))
    page.get_by_role("button", name="Next").click()
    expect(sentence(page)).to_have_text(MERGE_14)
    expect(page.locator("#merge-info")).to_contain_text("inside the contracted leaf (33)")
    expect(page.locator("#merge-info")).to_contain_text("An index of n = 150 or more names the cluster")

    assert_lit_62_33_68(page)
    marks = graph_eval(
        page,
        "dendrogram",
        "(gd) => ({shapes: gd._fullLayout.shapes.length, cut: gd._fullLayout.shapes[0].y0, "
        "mark: gd._fullLayout.shapes[1].y0, label: gd._fullLayout.annotations[1].text})",
    )
    assert marks["shapes"] == 3 and marks["cut"] == 100
    assert abs(marks["mark"] - 0.1726) < 1e-4 and "inside (33)" in marks["label"]

    # Play advances one merge a second (at the default speed), pause stops it.
    play = page.get_by_role("button", name="Play")
    play.click()
    expect(page.locator("#merge-play")).to_have_text("Pause")
    expect(sentence(page)).to_have_text(re.compile(r"^merge 16 \(Z\[15\]\)"), timeout=8000)
    page.locator("#merge-play").click()
    expect(page.locator("#merge-play")).to_have_text("Play")
    settle(page)
    stopped = page.locator("#merge-step input").input_value()
    page.wait_for_timeout(1500)
    assert page.locator("#merge-step input").input_value() == stopped

    # Off: the cut's colors (groups of 50 and 100), no overlay, no marks.
    page.get_by_role("checkbox", name="Step through the merges").uncheck()
    assert wait_for_graph(page, "scatter", "(gd) => gd._fullData[0].marker.cmin === 0.5")
    drawn = graph_eval(page, "scatter", DRAWN_CODES)
    assert (
        sorted(drawn["byCode"]) == ["1", "2"] and drawn["traces"] == 2
    )  # the samples and the (empty) centroid markers
    assert sorted(len(samples) for samples in drawn["byCode"].values()) == [50, 100]
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes.length === 1")
    expect(page.locator("#merge-info")).to_contain_text("Replay how the tree was built")


def test_the_player_stays_on_over_kmeans_colors_and_a_new_cut(app_page: Page):
    page = app_page
    turn_on(page)
    box = page.get_by_role("spinbutton", name="Merge number")
    box.fill("14")
    box.press("Enter")  # Dash's box commits on blur only; the player makes Enter commit too
    expect(sentence(page)).to_have_text(MERGE_14)
    assert_lit_62_33_68(page)

    # k-means coloring turned on while the player is on: the player's colors win.
    choose(page, "color-by", "algorithm")
    settle(page)
    assert_lit_62_33_68(page)

    # A new cut (k = 4): the player stays at merge 14 and the cut line moves.
    set_number(page, "n-clusters", 4)
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes[0].y0 < 17.2")
    assert wait_for_graph(page, "dendrogram", "(gd) => gd._fullLayout.shapes.length === 3")
    settle(page)
    assert_lit_62_33_68(page)
    expect(sentence(page)).to_have_text(MERGE_14)

    # Off: k-means' colors come back, with its note.
    page.get_by_role("checkbox", name="Step through the merges").uncheck()
    assert wait_for_graph(
        page, "scatter", "(gd) => (gd.layout.annotations || []).some((a) => a.text.includes('k-means'))"
    )
    assert graph_eval(page, "scatter", "(gd) => gd._fullData[0].marker.cmin") == 0.5


def test_another_tree_resets_the_step_and_keeps_the_player_on(app_page: Page):
    page = app_page
    turn_on(page)
    page.get_by_role("button", name="Next").click()
    expect(sentence(page)).to_have_text(re.compile(r"^merge 2 \(Z\[1\]\)"))
    choose(page, "method", "single")
    expect(sentence(page)).to_have_text(re.compile(r"^merge 1 \(Z\[0\]\)"))
    assert wait_for_graph(page, "scatter", "(gd) => gd._fullData[0].marker.cmin < 0 && gd._fullData.length === 3")
