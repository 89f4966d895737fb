"""Ask before a long wait, in the browser: the question and its buttons, Start it, and keeping the current view."""

import pytest
from playwright.sync_api import Page, expect

from config import Settings
from factory import create_app
from tests.browser.helpers import TRACK_REQUESTS_JS, settle

pytestmark = pytest.mark.browser

# Ward linkage of 20,001 samples is estimated at about 1.4 s: over this, so it is asked about;
# its approximate tree and single linkage (about 0.4 s each) are offered.
ASK_ABOVE_SECONDS = 1.0


@pytest.fixture
def asking_page(page: Page, serve, tmp_path, big_csv):  # big_csv: tests/browser/conftest.py
    """The page with the classic example shown, then big.csv uploaded: its tree is asked about."""
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(TRACK_REQUESTS_JS)
    page.goto(serve(create_app(Settings(cache_dir=tmp_path / "cache", ask_above_seconds=ASK_ABOVE_SECONDS))))
    expect(page.locator("#cophenetic")).to_have_text("0.98001", timeout=30_000)
    page.locator("#upload input[type=file]").set_input_files(str(big_csv))
    expect(page.locator("#ask-box")).to_be_visible(timeout=15_000)
    yield page
    assert errors == []


def test_the_question_shows_the_estimate_and_its_three_choices_while_the_view_stays(asking_page: Page):
    page = asking_page
    text = page.locator("#ask-text")
    expect(text).to_contain_text("An exact ward-linkage tree (euclidean metric) of 20,001 samples")
    expect(text).to_contain_text("is estimated to take about 1 s")
    for name in ("Start it", "Use the approximate tree", "Use single linkage (exact, fast)", "Keep the current view"):
        expect(page.get_by_role("button", name=name)).to_be_visible()
    expect(page.locator("#job-box")).to_be_hidden()  # nothing started
    expect(page.locator("#cophenetic")).to_have_text("0.98001")  # the previous view stays
    expect(page.locator("#n-clusters")).to_have_value("2")


def test_keeping_the_current_view_puts_the_previous_data_back(asking_page: Page):
    page = asking_page
    page.get_by_role("button", name="Keep the current view").click()
    expect(page.locator("#ask-box")).to_be_hidden()
    expect(page.locator("#message")).to_contain_text("Not started: big.csv was not loaded")
    settle(page)  # the restored controls trigger the data and tree callbacks: they must change nothing
    expect(page.locator("#ask-box")).to_be_hidden()
    expect(page.locator("#job-box")).to_be_hidden()
    expect(page.locator("#cophenetic")).to_have_text("0.98001")
    expect(page.locator("#data-summary")).to_contain_text("Classic: 2 groups")
    expect(page.locator("#data-summary")).not_to_contain_text("big.csv")


def test_start_it_runs_the_tree_in_the_background_with_its_progress(asking_page: Page):
    page = asking_page
    page.get_by_role("button", name="Start it").click()
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    expect(page.locator("#ask-box")).to_be_hidden()
    expect(page.locator("#job-status")).to_contain_text("ward / euclidean: ")
    expect(page.locator("#job-box")).to_be_hidden(timeout=120_000)
    expect(page.locator("#n-clusters")).to_have_value("3")
    expect(page.locator("#cophenetic")).not_to_have_text("0.98001")
