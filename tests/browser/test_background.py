"""Long trees run in the background: a progress bar, a cancel button, and the old result kept."""

import pytest
from playwright.sync_api import Page, expect

from config import Settings
from factory import create_app
from tests.browser.helpers import TRACK_REQUESTS_JS, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def background_page(page: Page, serve, tmp_path):
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.add_init_script(TRACK_REQUESTS_JS)
    page.goto(serve(create_app(Settings(cache_dir=tmp_path / "cache"))))
    expect(page.locator("#cophenetic")).to_have_text("0.98001", timeout=30_000)
    yield page
    assert errors == []


def test_a_long_tree_shows_progress_then_the_result(background_page: Page, big_csv):
    page = background_page
    page.locator("#upload input[type=file]").set_input_files(str(big_csv))
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    # The bar moves while the previous result stays on screen.
    page.wait_for_function("() => +document.querySelector('#job-progress').value > 0", timeout=30_000)
    # The linkage step has no progress of its own: the status gives the estimate.
    expect(page.locator("#job-status")).to_contain_text("ward / euclidean: ")
    expect(page.locator("#job-status")).to_contain_text(" · estimate about ")
    expect(page.locator("#cophenetic")).to_have_text("0.98001")
    expect(page.locator("#job-box")).to_be_hidden(timeout=120_000)
    expect(page.locator("#n-clusters")).to_have_value("3")
    expect(page.locator("#cophenetic")).not_to_have_text("0.98001")


def test_cancelling_keeps_the_previous_result_and_menus(background_page: Page, big_csv):
    page = background_page
    page.locator("#upload input[type=file]").set_input_files(str(big_csv))
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    expect(page.locator("#data-summary")).to_contain_text("big.csv")
    expect(page.locator("#dataset")).to_contain_text("Uploaded: big.csv")
    expect(page.locator("#feature-columns .dash-dropdown-value-item")).to_have_count(2)  # a, b
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#job-box")).to_be_hidden(timeout=15_000)
    expect(page.locator("#message")).to_contain_text("Cancelled: big.csv was not loaded")
    settle(page)  # the restored controls trigger the data callbacks: they must change nothing
    expect(page.locator("#message")).to_contain_text("the previous data is kept: 'Classic: 2 groups'")
    expect(page.locator("#cophenetic")).to_have_text("0.98001")
    expect(page.locator("#n-clusters")).to_have_value("2")
    # The data panel shows the classic example again, as before the upload.
    summary = page.locator("#data-summary")
    expect(summary).to_contain_text("Classic: 2 groups")
    expect(summary).to_contain_text("150 samples × 2 features")
    expect(summary).not_to_contain_text("big.csv")
    expect(page.locator("#dataset")).to_contain_text("Classic: 2 groups (150 x 2)")
    expect(page.locator("#dataset")).not_to_contain_text("Uploaded")
    expect(page.locator("#data-options")).to_be_hidden()
    expect(page.locator("#data-options-title")).to_have_text("")
    expect(page.locator("#feature-columns .dash-dropdown-value-item")).to_have_count(0)  # no column of big.csv
    expect(page.locator("#scaling input[value=none]")).to_be_checked()


def _job_processes() -> list:
    """The background jobs' processes: children of the fork server that this test's app started."""
    import psutil

    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if "forkserver" not in " ".join(process.cmdline()):
                continue
            found += [child for child in process.children() if child.status() != psutil.STATUS_ZOMBIE]
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue  # it ended while we looked
    return found


def test_a_killed_job_says_it_failed_and_retry_builds_the_tree(background_page: Page, big_csv):
    page = background_page
    page.locator("#upload input[type=file]").set_input_files(str(big_csv))
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    page.wait_for_function("() => +document.querySelector('#job-progress').value > 0", timeout=30_000)
    jobs = _job_processes()
    assert jobs, "no job process found"
    # The fork server loaded the app at the jobs' low priority, not at the pages' (state/job_priority.py).
    assert {job.parent().nice() for job in jobs} == {Settings.from_env().job_nice}
    for job in jobs:
        job.kill()  # a real SIGKILL, as the OOM killer or an operator would
    expect(page.locator("#job-box")).to_be_hidden(timeout=30_000)
    expect(page.locator("#message")).to_contain_text("stopped without a result")
    expect(page.locator("#cophenetic")).to_have_text("0.98001")  # the previous view stays
    retry = page.locator("#job-retry")
    expect(retry).to_be_visible()
    retry.click()
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    expect(page.locator("#job-box")).to_be_hidden(timeout=120_000)
    expect(page.locator("#n-clusters")).to_have_value("3")
    expect(retry).to_be_hidden()


def _open(page: Page, serve, settings: Settings) -> None:
    page.add_init_script(TRACK_REQUESTS_JS)
    page.goto(serve(create_app(settings)))
    expect(page.locator("#cophenetic")).to_have_text("0.98001", timeout=30_000)


def test_a_job_past_the_time_limit_is_stopped_and_the_page_says_why(page: Page, serve, tmp_path, big_csv):
    # The exact cophenetic correlation (about 1 s more) keeps this 20,000-sample job past the 2 s limit.
    settings = Settings(cache_dir=tmp_path / "cache", job_timeout_seconds=2, cophenetic_exact_seconds=float("inf"))
    _open(page, serve, settings)
    page.locator("#upload input[type=file]").set_input_files(str(big_csv))
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    expect(page.locator("#job-box")).to_be_hidden(timeout=60_000)
    expect(page.locator("#message")).to_contain_text("The tree job was stopped: it ran past this server's limit of 2 s")
    expect(page.locator("#cophenetic")).to_have_text("0.98001")
    assert not _job_processes()


def test_a_job_whose_page_was_closed_is_stopped(context, serve, tmp_path, big_csv):
    import time

    page = context.new_page()
    _open(page, serve, Settings(cache_dir=tmp_path / "cache", job_page_gone_seconds=3))
    page.locator("#upload input[type=file]").set_input_files(str(big_csv))
    expect(page.locator("#job-box")).to_be_visible(timeout=15_000)
    page.wait_for_function("() => +document.querySelector('#job-progress').value > 0", timeout=30_000)
    assert _job_processes()
    page.close()  # the tab goes away; its job would otherwise run to the end
    deadline = time.monotonic() + 30
    while _job_processes() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _job_processes()
