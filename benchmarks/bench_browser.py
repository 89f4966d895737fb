"""Time from a CSV upload to the first full view, measured in a real browser.

Run from the repository root::

    .venv/bin/python benchmarks/bench_browser.py                     # n = 10,000 and 100,000, d = 2 (~4 min)
    .venv/bin/python benchmarks/bench_browser.py --sizes 100000 --dims 16
    .venv/bin/python benchmarks/bench_browser.py --modes exact       # skip the approximate tree
    .venv/bin/python benchmarks/bench_browser.py --sizes 1000000 --method single --modes exact   # ~2 min

For each configuration a fresh app (``factory.create_app`` with a temporary
cache, served by werkzeug on a thread, exactly as the browser tests serve it)
is opened in Debian's headless Chromium (``/usr/bin/chromium``, driven by
Playwright). The script waits for the built-in example, picks the tree mode,
then puts a ``make_blobs(n, d, centers=5, random_state=0)`` CSV into the
upload box and records, from the moment the file is handed to the page:

- *feedback*: the progress box becomes visible (long trees run as a
  background job), or "-" when the tree is quick enough to come back in the
  upload's own requests;
- *first full view*: the scatter holds all n samples, the cophenetic
  correlation shows the new data's value and no job is running;
- *cut*: after the view is up, a click on the dendrogram at half the cut's
  height, until k has changed, the scatter is recoloured and the page has no
  request in flight (the round trip a user feels when moving the cut);
- *peak*: the largest resident memory of the whole app over the run (the
  server's process and every job process under it, summed; sampled every
  50 ms with psutil), the browser and Playwright's driver left out.

SciPy baseline in the same run: ``linkage(X, method)`` plus
``cophenet(Z, pdist(X))`` on the same data (what a notebook computes before it
can draw anything), where its memory allows (n <= 20,000 here); above that the
line says why not. Nothing outside a temporary directory is written.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_core import make_data  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from callbacks.estimates import cost_here  # noqa: E402
from config import Settings  # noqa: E402
from factory import create_app  # noqa: E402
from hclust.estimate import describe  # noqa: E402
from tests.browser.helpers import TRACK_REQUESTS_JS, choose, to_page  # noqa: E402
from tests.conftest import CHROMIUM, ServerThread  # noqa: E402

SCIPY_MAX_N = 20_000  # 2 distance vectors of 1.6 GB each at 20,000; far beyond at 50,000
MODE_LABELS = {"exact": "exact (as SciPy)", "kmeans-2000": "approximate: 2,000 k-means"}

SCATTER_POINTS_JS = """(n) => {
  const gd = document.querySelector('#scatter .js-plotly-plot');
  if (!gd || !gd._fullData) return false;
  if (gd._fullData[0] && gd._fullData[0].type === 'image') {  // an image scatter: its caption counts the samples
    const caption = document.getElementById('scatter-caption');
    return !!caption && caption.textContent.includes(n.toLocaleString('en-US') + ' samples as an image');
  }
  const count = gd._fullData.filter(t => t.name === 'samples').reduce((s, t) => s + (t._length || 0), 0);
  return count === n;
}"""
VIEW_READY_JS = f"""([n, before]) => {{
  const box = document.getElementById('job-box');
  const busy = box && box.offsetParent !== null;
  const coph = document.getElementById('cophenetic').textContent;
  return !busy && coph !== before && ({SCATTER_POINTS_JS})(n);
}}"""
COLOURS_JS = """() => {
  const gd = document.querySelector('#scatter .js-plotly-plot');
  if (gd.data[0].type === 'image') return gd.data[0].source;
  const t = gd._fullData.find(t => t.name === 'samples');
  return JSON.stringify([t.marker.colorscale, Array.from(t.marker.color.slice ? t.marker.color.slice(0, 50) : [])]);
}"""


def write_csv(features: np.ndarray, path: Path) -> None:
    header = ",".join(f"f{i}" for i in range(features.shape[1]))
    np.savetxt(path, features, delimiter=",", header=header, comments="", fmt="%.6f")


def scipy_first_view(features: np.ndarray, method: str) -> str:
    """Seconds for SciPy's linkage + cophenetic correlation, or why it cannot run here."""
    n = features.shape[0]
    if n > SCIPY_MAX_N:
        return f"cannot run (needs {2 * 8 * n * (n - 1) / 2 / 1e9:.0f} GB)"
    from scipy.cluster.hierarchy import cophenet, linkage
    from scipy.spatial.distance import pdist

    start = time.perf_counter()
    tree = linkage(features, method)
    cophenet(tree, pdist(features))
    return f"{time.perf_counter() - start:.1f} s"


class PeakMemory:
    """The largest summed RSS of this process and its descendants, sampled on a thread."""

    def __init__(self, every: float = 0.05) -> None:
        import threading

        self.peak = 0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    if not proc.name().startswith("python"):
                        continue  # the browser and Playwright's driver are not the app
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue  # a job process ended between the listing and the read
            self.peak = max(self.peak, total)
            self._stop.wait(self._every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def choose_tree_mode(page, mode: str) -> None:
    if mode == "exact":
        return
    page.locator("#tree-mode").click()
    page.get_by_text(MODE_LABELS[mode], exact=False).first.click()
    page.wait_for_function("() => window.__testPending === 0", timeout=30_000)


def measure(browser, csv: Path, n: int, mode: str, method: str, cache_dir: Path, timeout_s: float) -> dict:
    app = create_app(Settings(cache_dir=cache_dir, max_upload_mb=500))
    server = ServerThread(app.server)
    server.start()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.add_init_script(TRACK_REQUESTS_JS)
    try:
        page.goto(server.url)
        page.wait_for_function("() => document.getElementById('cophenetic')?.textContent === '0.98001'", timeout=60_000)
        choose_tree_mode(page, mode)
        if method != "ward":
            choose(page, "method", method)
            page.wait_for_function("() => window.__testPending === 0", timeout=60_000)
        before = page.locator("#cophenetic").text_content()
        start = time.perf_counter()
        page.locator("#upload input[type=file]").set_input_files(str(csv))
        feedback = None
        deadline = start + timeout_s
        while time.perf_counter() < deadline:
            if page.locator("#job-box").is_visible():
                feedback = time.perf_counter() - start
                break
            if page.evaluate(VIEW_READY_JS, [n, before]):
                break
            page.wait_for_timeout(20)
        page.wait_for_function(VIEW_READY_JS, arg=[n, before], timeout=timeout_s * 1000, polling=50)
        first_view = time.perf_counter() - start
        coph = page.locator("#cophenetic").text_content()
        page.wait_for_function("() => window.__testPending === 0", timeout=60_000)
        colours = page.evaluate(COLOURS_JS)
        height = float(page.locator("#cut-height").input_value())
        k_before = page.locator("#n-clusters").input_value()
        page.wait_for_timeout(400)  # past Plotly's double-click window
        start = time.perf_counter()
        page.mouse.click(*to_page(page, None, height * 0.5))  # half the cut height: more clusters
        page.wait_for_function(
            f"([k, before]) => document.getElementById('n-clusters').value !== k && ({COLOURS_JS})() !== before",
            arg=[k_before, colours],
            timeout=60_000,
            polling=10,
        )
        page.wait_for_function("() => window.__testPending === 0", timeout=60_000, polling=10)
        cut = time.perf_counter() - start
        return {"feedback": feedback, "first_view": first_view, "cut": cut, "cophenetic": coph}
    finally:
        context.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dims", type=int, nargs="+", default=[2])
    parser.add_argument("--modes", nargs="+", default=["exact", "kmeans-2000"], choices=list(MODE_LABELS))
    parser.add_argument("--method", default="ward", choices=["ward", "single"], help="chosen before the upload")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for one first view")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print(f"bench_browser: load average at start {os.getloadavg()[0]:.2f}; Chromium {CHROMIUM}; method {args.method}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        scratch = Path(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for d in args.dims:
            for n in args.sizes:
                features = make_data(n, d)
                csv = scratch / f"blobs_{n}_{d}.csv"
                write_csv(features, csv)
                baseline = scipy_first_view(features, args.method)
                for mode in args.modes:
                    if mode != "exact" and n <= 2000:
                        continue
                    represented = n if mode != "exact" else 0
                    reps = 2000 if mode != "exact" else n
                    estimate = cost_here(reps, d, args.method, "euclidean", Settings(), represented)
                    with PeakMemory() as memory:
                        result = measure(
                            browser, csv, n, mode, args.method, scratch / f"cache_{n}_{d}_{mode}", args.timeout
                        )
                    result["peak_mb"] = memory.peak / 1e6
                    rows.append((n, d, mode, csv.stat().st_size, estimate, baseline, result))
                    print(f"  n={n:,} d={d} {mode}: {result}", flush=True)
        browser.close()
    print()
    header = (
        f"{'n':>8} {'d':>3} {'tree':<12} {'CSV MB':>7} {'estimate':>22} {'feedback':>9} "
        f"{'first view':>11} {'cut':>7} {'peak MB':>8} {'cophenetic':>16}   SciPy linkage+cophenet"
    )
    print(header)
    print("-" * len(header))
    for n, d, mode, size, estimate, baseline, r in rows:
        feedback = f"{r['feedback']:.2f} s" if r["feedback"] is not None else "-"
        print(
            f"{n:>8,} {d:>3} {mode:<12} {size / 1e6:>7.1f} {describe(estimate):>22} {feedback:>9} "
            f"{r['first_view']:>9.1f} s {r['cut']:>5.2f} s {r['peak_mb']:>8,.0f} {r['cophenetic']:>16}   {baseline}"
        )
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
