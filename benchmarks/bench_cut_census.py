"""The whole of one cut: every request it triggers, its bytes and server time, and the wait.

Run from the repository root::

    .venv/bin/python benchmarks/bench_cut_census.py                  # n = 10,000, d = 2 (~1 min)
    .venv/bin/python benchmarks/bench_cut_census.py --sizes 150 10000 --tabs silhouette
    .venv/bin/python benchmarks/bench_cut_census.py --sizes 100000 1000000 --method single   # image scatter (~4 min)

A fresh app (``factory.create_app`` with a temporary cache, served by
werkzeug on a thread, as the browser tests serve it) is opened in Debian's
headless Chromium (``/usr/bin/chromium``, driven by Playwright). The script
uploads a ``make_blobs(n, 2, centers=5, random_state=0)`` CSV (with the
method chosen first: ward by default, or single linkage, the exact method
for a million rows), waits for the view, opens the aids tabs asked for, then makes each cut a user makes: a
click on the dendrogram (mouse release) at a series of heights, and k typed
in the box (3 to 12). For every cut it records, until the page has no request
in flight:

- *requests*: the ``_dash-update-component`` posts the cut triggered;
- *wire* and *raw*: their response bodies as sent (gzip) and as decoded;
- *slowest*: the largest server time of one of them (measured around each
  request inside the server process, so the browser's queueing is left out);
- *wait*: from the mouse release (or the key press) to the last response
  applied (the repainted page).

Same run baseline: SciPy's own cut of the same tree,
``fcluster(Z, k, "maxclust")``, and the ratio of the user's wait to it. Z is
SciPy's ``linkage`` up to 20,000 rows; beyond, where SciPy cannot build it,
single linkage's Z comes from ``hclust.mst.single_linkage`` (SciPy's heights
and clusters, checked at 20,000 in ``bench_scale.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_browser import VIEW_READY_JS, write_csv  # noqa: E402
from bench_core import make_data  # noqa: E402
from flask import g, request  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from scipy.cluster.hierarchy import fcluster, linkage  # noqa: E402

from config import Settings  # noqa: E402
from factory import create_app  # noqa: E402
from hclust.mst import single_linkage  # noqa: E402
from tests.browser.helpers import TRACK_REQUESTS_JS, choose, set_number, to_page  # noqa: E402
from tests.conftest import CHROMIUM, ServerThread  # noqa: E402

TIMING_HEADER = "X-Bench-Server-Ms"


def timed_app(cache_dir: Path):
    """The app with a header that carries each request's server time (for this script only)."""
    app = create_app(Settings(cache_dir=cache_dir, max_upload_mb=500))

    @app.server.before_request
    def _start() -> None:
        g.bench_started = time.perf_counter()

    @app.server.after_request
    def _stop(response):
        if request.path.endswith("_dash-update-component"):
            response.headers[TIMING_HEADER] = f"{(time.perf_counter() - g.bench_started) * 1000:.1f}"
        return response

    return app


class Census:
    """The callback responses a page receives, recorded while :attr:`on`."""

    def __init__(self, page) -> None:
        self.on = False
        self.rows: list[dict] = []
        page.on("requestfinished", self._record)

    def _record(self, req) -> None:
        if not self.on or "_dash-update-component" not in req.url:
            return
        try:
            response = req.response()
        except Exception:  # the page was closed under it (the end of the run)
            return
        if response is None:
            return
        try:
            body = response.body()
        except Exception:  # 204 No Content ("no update") has no body to read
            body = b""
        self.rows.append(
            {
                "output": json.loads(req.post_data or "{}").get("output", "?"),
                "wire": req.sizes()["responseBodySize"],
                "raw": len(body),
                "server_ms": float(response.headers.get(TIMING_HEADER.lower(), "nan")),
            }
        )


def one_cut(page, census: Census, act) -> dict:
    """Run ``act`` (the user's gesture) and record every response until the page is quiet."""
    page.wait_for_function("() => window.__testPending === 0", timeout=60_000)
    page.wait_for_timeout(400)  # past Plotly's double-click window, and any echo of the last cut
    census.rows = []
    census.on = True
    start = page.evaluate("performance.now()")
    act()
    page.wait_for_function("() => window.__testPending > 0", timeout=5_000, polling=5)
    page.wait_for_function("() => window.__testPending === 0", timeout=60_000, polling=5)
    page.wait_for_timeout(150)  # a follow-up callback fired by the last response
    page.wait_for_function("() => window.__testPending === 0", timeout=60_000, polling=5)
    wait = (page.evaluate("window.__testQuietSince") - start) / 1000
    census.on = False
    rows = census.rows
    return {
        "requests": len(rows),
        "wire": sum(r["wire"] for r in rows),
        "raw": sum(r["raw"] for r in rows),
        "slowest": max((r["server_ms"] for r in rows), default=0.0),
        "wait": wait,
        "outputs": [f"{r['output'][:40]} {r['raw'] / 1000:.1f} KB {r['server_ms']:.0f} ms" for r in rows],
    }


def measure(browser, n: int, tabs: list[str], cache_dir: Path, method: str) -> list[dict]:
    app = timed_app(cache_dir)
    server = ServerThread(app.server)
    server.start()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.add_init_script(TRACK_REQUESTS_JS)
    csv = cache_dir / f"blobs_{n}.csv"
    write_csv(make_data(n, 2), csv)
    try:
        page.goto(server.url)
        page.wait_for_function("() => document.getElementById('cophenetic')?.textContent === '0.98001'", timeout=60_000)
        if method != "ward":
            choose(page, "method", method)
            page.wait_for_function("() => window.__testPending === 0", timeout=60_000)
        before = page.locator("#cophenetic").text_content()
        page.locator("#upload input[type=file]").set_input_files(str(csv))
        page.wait_for_function(VIEW_READY_JS, arg=[n, before], timeout=600_000, polling=100)
        for tab in tabs:
            page.locator("#aids-tabs .tab", has_text=tab).click()
        census = Census(page)
        results = []
        height = float(page.locator("#cut-height").input_value())
        for fraction in (0.5, 0.8, 0.35, 0.65, 0.9):
            x, y = to_page(page, None, height * fraction)
            results.append(
                {"cut": f"click at {fraction:.2f} h", **one_cut(page, census, lambda x=x, y=y: page.mouse.click(x, y))}
            )
        for k in range(3, 13):
            typed = lambda k=k: set_number(page, "n-clusters", k)  # noqa: E731
            results.append({"cut": f"typed k = {k}", **one_cut(page, census, typed)})
        return results
    finally:
        context.close()
        server.stop()


def scipy_cut_ms(n: int, method: str) -> float:
    """SciPy's own cut of the same tree: the median of ``fcluster(Z, k, 'maxclust')`` over k = 3..12."""
    data = make_data(n, 2)
    z = linkage(data, method) if n <= 20_000 or method != "single" else single_linkage(data)
    times = []
    for k in range(3, 13):
        start = time.perf_counter()
        fcluster(z, k, "maxclust")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(n: int, method: str, results: list[dict], verbose: bool) -> None:
    scipy_ms = scipy_cut_ms(n, method)
    print(f"\nn = {n:,} ({method}, euclidean); SciPy's fcluster alone: {scipy_ms:.2f} ms")
    print(f"{'cut':<18}{'requests':>9}{'wire KB':>9}{'raw KB':>9}{'slowest ms':>12}{'wait ms':>9}{'x SciPy':>9}")
    for r in results:
        print(
            f"{r['cut']:<18}{r['requests']:>9}{r['wire'] / 1000:>9.1f}{r['raw'] / 1000:>9.1f}"
            f"{r['slowest']:>12.1f}{r['wait'] * 1000:>9.0f}{r['wait'] * 1000 / scipy_ms:>9.0f}"
        )
        if verbose:
            print("    " + "; ".join(r["outputs"]))
    for key, scale, label in (("wire", 1000, "wire KB"), ("raw", 1000, "raw KB"), ("slowest", 1, "slowest ms")):
        values = [r[key] / scale for r in results]
        print(f"{label:>12}: median {statistics.median(values):.1f}, max {max(values):.1f}")
    waits = [r["wait"] * 1000 for r in results]
    print(f"{'wait ms':>12}: median {statistics.median(waits):.0f}, max {max(waits):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--tabs", nargs="*", default=[], help="aids tabs to open first, e.g. Silhouette")
    parser.add_argument("--verbose", action="store_true", help="list each cut's outputs")
    parser.add_argument("--method", default="ward", choices=["ward", "single"], help="chosen before the upload")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            for n in args.sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    report(n, args.method, measure(browser, n, args.tabs, Path(tmp), args.method), args.verbose)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
