"""An estimated cophenetic correlation, and the button that computes the exact value in the background."""

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from scipy.cluster.hierarchy import cophenet
from scipy.spatial.distance import pdist

from config import Settings
from factory import create_app
from hclust import build_tree
from tests.browser.helpers import TRACK_REQUESTS_JS

pytestmark = pytest.mark.browser

# Records what the exact-value job shows while it runs: its box and each progress text.
WATCH_JOB_JS = """
(() => {
  window.__jobSeen = {shown: false, statuses: []};
  new MutationObserver(() => {
    const box = document.querySelector('#cophenetic-job');
    const status = document.querySelector('#cophenetic-status');
    if (box && !box.hidden) window.__jobSeen.shown = true;
    if (status && status.textContent && !window.__jobSeen.statuses.includes(status.textContent))
      window.__jobSeen.statuses.push(status.textContent);
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""


@pytest.fixture
def points(tmp_path):
    """10,000 samples in 3 groups, as the CSV holds them (5 decimals)."""
    rng = np.random.default_rng(3)
    values = np.vstack([rng.normal(center, 1.0, size=(3334, 2)) for center in (0, 5, 10)])[:10_000]
    path = tmp_path / "points.csv"
    np.savetxt(path, values, delimiter=",", header="a,b", comments="", fmt="%.5f")
    return path, np.loadtxt(path, delimiter=",", skiprows=1)


def test_the_exact_value_button_shows_progress_then_scipys_value(page: Page, serve, tmp_path, points):
    path, features = points
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.add_init_script(TRACK_REQUESTS_JS)
    page.add_init_script(WATCH_JOB_JS)
    # 0.05 s: the classic example (150 samples) is exact, 10,000 samples get the estimate.
    page.goto(serve(create_app(Settings(cache_dir=tmp_path / "cache", cophenetic_exact_seconds=0.05))))
    expect(page.locator("#cophenetic")).to_have_text("0.98001", timeout=30_000)
    expect(page.locator("#cophenetic-exact")).to_be_hidden()

    page.locator("#upload input[type=file]").set_input_files(str(path))
    expect(page.locator("#cophenetic")).to_have_text(re.compile(r"^0\.\d{4,5} ± 0\.\d{4,5}$"), timeout=60_000)
    expect(page.locator("#cophenetic-note")).to_have_text("estimated from 4,000,000 random pairs")
    expect(page.locator("#cophenetic-note")).to_have_attribute("title", re.compile("95% confidence interval"))

    tree = build_tree(features, "ward", "euclidean")  # the app's default tree of these samples
    expected = f"{cophenet(tree.linkage, pdist(features))[0]:.5f}"
    page.locator("#cophenetic-exact").click()
    expect(page.locator("#cophenetic")).to_have_text(expected, timeout=120_000)
    expect(page.locator("#cophenetic-estimate")).to_be_hidden()
    expect(page.locator("#message")).to_contain_text("The exact cophenetic correlation, from all 49,995,000 pairs")
    seen = page.evaluate("() => window.__jobSeen")
    assert seen["shown"], "the job's progress bar never showed"
    assert any(re.fullmatch(r"\d+%", status) for status in seen["statuses"]), seen
    assert errors == []
