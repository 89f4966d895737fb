"""Benchmark hclust-explorer's hot paths against SciPy, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_core.py            # n = 1,000, 5,000, 10,000
    .venv/bin/python benchmarks/bench_core.py --quick    # n = 1,000, 5,000
    .venv/bin/python benchmarks/bench_core.py --profile  # + cProfile of cut requests at the largest n
    .venv/bin/python benchmarks/bench_core.py --sizes 10000 --repeats 1   # one size only

Data: ``sklearn.datasets.make_blobs(n, n_features=d, centers=5, random_state=0)``
for d = 2 and 16 (gaussian blobs, fixed seed).

Tables printed:

1. Time to first linkage (ward, euclidean), best of 3 (best of 2 at n > 5,000):
   SciPy ``linkage(X, 'ward')`` against the app's linkage-only path (validation,
   ``pdist``, ``linkage`` of the condensed distances) and against the app's
   ``hclust.build_tree`` (that plus the cophenetic correlation and the per-tree
   arrays), with the ratios app / SciPy, all measured in the same run and
   interleaved. Table 1b splits the app's time into its parts (CPU time);
   table 1c gives the peak memory (tracemalloc) of one build, SciPy against the app.
2. Server time through the real HTTP wiring (``app.server.test_client()``
   posting to ``/_dash-update-component`` the bodies Dash's renderer sends):
   the upload, the tree callback (cold: builds the tree; warm: tree cached)
   and 30 drag-cut requests alternating between two heights with different k.
3. Bytes: the full figures of the tree response and the cut response (raw and
   ``gzip.compress``-ed).

Nothing outside a temporary directory is written; the app code is not changed.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import gc
import gzip
import io
import json
import os
import platform
import pstats
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 0
CENTERS = 5
METHOD = "ward"
METRIC = "euclidean"
DIMS = (2, 16)
SIZES_FULL = (1_000, 5_000, 10_000)
SIZES_QUICK = (1_000, 5_000)
CUT_K = (4, 9)  # the two cluster counts the cut requests alternate between
UPDATE_URL = "/_dash-update-component"
SESSION_ID = "bench-session"


# ---------------------------------------------------------------- helpers


def make_data(n: int, d: int) -> np.ndarray:
    from sklearn.datasets import make_blobs

    features, _ = make_blobs(n_samples=n, n_features=d, centers=CENTERS, random_state=SEED)
    return features


def repeats_for(n: int) -> int:
    return 3 if n <= 5_000 else 2


@dataclass
class Best:
    """Best (smallest) wall-clock and CPU time over repeats, in seconds.

    CPU time (``time.process_time``) is kept beside wall time because the
    machine may be shared: for single-threaded SciPy code it is not inflated
    when another process takes the core.
    """

    wall: float = float("inf")
    cpu: float = float("inf")

    def add(self, wall: float, cpu: float) -> None:
        self.wall = min(self.wall, wall)
        self.cpu = min(self.cpu, cpu)


def timed(func: Callable[[], object]) -> tuple[float, float, object]:
    """Run ``func`` once: (wall seconds, CPU seconds, result)."""
    gc.collect()
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    result = func()
    return time.perf_counter() - wall_start, time.process_time() - cpu_start, result


def peak_mb(func: Callable[[], object]) -> float:
    """Peak memory traced while ``func`` runs, in MB (NumPy arrays included)."""
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
        gc.collect()


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def fmt_b(count: int) -> str:
    return f"{count:,}"


def print_table(title: str, headers: list[str], rows: list[list[str]], notes: list[str] = ()) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "+".join("-" * (w + 2) for w in widths)
    print()
    print(title)
    print("=" * len(title))
    print(" " + " | ".join(h.rjust(w) for h, w in zip(headers, widths)))
    print(line)
    for row in rows:
        print(" " + " | ".join(c.rjust(w) for c, w in zip(row, widths)))
    for note in notes:
        print(f"  {note}")
    sys.stdout.flush()


# ---------------------------------------------------------------- 1. linkage


@dataclass
class LinkageResult:
    n: int
    d: int
    repeats: int
    scipy_linkage: Best
    app_linkage_only: Best
    app_build_tree: Best
    parts: dict[str, Best]
    memory: dict[str, float]
    identical: bool
    linkage_matrix: np.ndarray = field(repr=False)


PARTS = ("pdist(X)", "linkage(D)", "cophenet(Z, D)", "tree_from_linkage")


def bench_linkage(features: np.ndarray, repeats: int) -> LinkageResult:
    from scipy.cluster.hierarchy import cophenet, linkage
    from scipy.spatial.distance import pdist

    from hclust import build_tree
    from hclust.options import validate_choice
    from hclust.tree import check_observations, pairwise_distances, tree_from_linkage

    def scipy_linkage():
        return linkage(features, METHOD)

    def app_linkage_only():
        # build_tree up to and including the linkage: no cophenet, no Tree.
        validate_choice(METHOD, METRIC)
        return linkage(pairwise_distances(check_observations(features), METRIC), method=METHOD)

    def app_build_tree():
        return build_tree(features, METHOD, METRIC)

    candidates = {"scipy": scipy_linkage, "app_only": app_linkage_only, "app_tree": app_build_tree}
    best = {name: Best() for name in candidates}
    results: dict[str, object] = {}
    names = list(candidates)
    for rep in range(repeats):
        order = names[rep % len(names) :] + names[: rep % len(names)]  # rotate to spread drift and load
        for name in order:
            wall, cpu, results[name] = timed(candidates[name])
            best[name].add(wall, cpu)

    z_scipy = results["scipy"]
    identical = bool(
        np.array_equal(z_scipy, results["app_only"]) and np.array_equal(z_scipy, results["app_tree"].linkage)
    )
    results.clear()
    gc.collect()

    # Context: the app's parts, each timed alone (best of the same count).
    parts = {name: Best() for name in PARTS}
    for _ in range(repeats):
        wall, cpu, distances = timed(lambda: pdist(features, METRIC))
        parts[PARTS[0]].add(wall, cpu)
        wall, cpu, z = timed(lambda dist=distances: linkage(dist, method=METHOD))
        parts[PARTS[1]].add(wall, cpu)
        wall, cpu, _ = timed(lambda dist=distances, z=z: cophenet(z, dist))
        parts[PARTS[2]].add(wall, cpu)
        wall, cpu, _ = timed(lambda z=z: tree_from_linkage(z, METHOD, METRIC, 0.0))
        parts[PARTS[3]].add(wall, cpu)
        del distances, z
        gc.collect()

    # Peak memory, in separate untimed runs (tracing slows allocation a little).
    memory = {name: peak_mb(func) for name, func in candidates.items()}

    return LinkageResult(
        n=features.shape[0],
        d=features.shape[1],
        repeats=repeats,
        scipy_linkage=best["scipy"],
        app_linkage_only=best["app_only"],
        app_build_tree=best["app_tree"],
        parts=parts,
        memory=memory,
        identical=identical,
        linkage_matrix=z_scipy,
    )


# ---------------------------------------------------------------- 2. HTTP


def _outputs(output_key: str) -> list[dict] | dict:
    """The renderer's ``outputs`` field for a callback's output key (property keeps its ``@hash``)."""
    if output_key.startswith(".."):
        parts = output_key[2:-2].split("...")
        return [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]
    return dict(zip(("id", "property"), output_key.rsplit(".", 1)))


class DashClient:
    """Posts callback requests the way dash-renderer formats them."""

    def __init__(self, dash_app) -> None:
        self.client = dash_app.server.test_client()
        self.dependencies = self.client.get("/_dash-dependencies").get_json()
        self.last_cpu = 0.0
        # Cross-check against the server's own map: every output key must be registered.
        missing = [dep["output"] for dep in self.dependencies if dep["output"] not in dash_app.callback_map]
        if missing:
            raise RuntimeError(f"output keys not in app.callback_map: {missing}")

    def callback(self, first_input: tuple[str, str]) -> dict:
        """The dependency entry whose first Input is ``(id, property)``."""
        for dep in self.dependencies:
            if not dep["clientside_function"] and (dep["inputs"][0]["id"], dep["inputs"][0]["property"]) == first_input:
                return dep
        raise LookupError(f"no server callback with first input {first_input}")

    @staticmethod
    def body(dep: dict, values: dict[tuple[str, str], object], changed: list[tuple[str, str]]) -> dict:
        def fill(specs):
            return [{**spec, "value": values.get((spec["id"], spec["property"]))} for spec in specs]

        body = {
            "output": dep["output"],
            "outputs": _outputs(dep["output"]),
            "inputs": fill(dep["inputs"]),
            "changedPropIds": [f"{i}.{p}" for i, p in changed],
        }
        if dep["state"]:
            body["state"] = fill(dep["state"])
        return body

    def post(self, body: dict) -> tuple[float, bytes, dict]:
        """POST one callback request: (wall seconds, raw body, decoded ``response``)."""
        self.last_cpu = time.process_time()
        start = time.perf_counter()
        response = self.client.post(UPDATE_URL, json=body)
        elapsed = time.perf_counter() - start
        self.last_cpu = time.process_time() - self.last_cpu
        if response.status_code != 200:
            raise RuntimeError(f"{UPDATE_URL} answered {response.status_code}: {response.data[:500]!r}")
        return elapsed, response.data, json.loads(response.data)["response"]


@dataclass
class HttpResult:
    n: int
    d: int
    csv_bytes: int
    upload: float
    tree_cold: float
    tree_cold_cpu: float
    tree_warm: float
    tree_raw: int
    tree_gzip: int
    dendrogram_bytes: int
    scatter_bytes: int
    k: tuple[int, int]
    heights: tuple[float, float]
    cut_times: list[float]
    cut_raw: dict[int, int]
    cut_gzip: dict[int, int]
    cut_dendrogram_bytes: dict[int, int]
    cut_scatter_bytes: dict[int, int]
    k_errors: int


def csv_data_url(features: np.ndarray) -> tuple[str, int]:
    buffer = io.StringIO()
    header = ",".join(f"f{i}" for i in range(features.shape[1]))
    np.savetxt(buffer, features, delimiter=",", fmt="%.17g", header=header, comments="")  # exact round trip
    raw = buffer.getvalue().encode()
    return "data:text/csv;base64," + base64.b64encode(raw).decode("ascii"), len(raw)


def height_for_k(linkage_matrix: np.ndarray, k: int) -> float:
    """A cut height in the middle of the range that gives k clusters (as a drag would land)."""
    from scipy.cluster.hierarchy import maxdists

    levels = np.sort(maxdists(linkage_matrix))
    n = levels.size + 1
    low, high = levels[n - k - 1], levels[n - k]
    if not low < high:
        raise RuntimeError(f"tied merge heights: no cut gives exactly {k} clusters")
    return float((low + high) / 2)


def json_bytes(value: object) -> int:
    from plotly.io.json import to_json_plotly  # the encoder Dash uses for responses

    return len(to_json_plotly(value).encode())


def make_app(cache_dir: str):
    from config import Settings
    from factory import create_app  # the composition root; nothing imports app.py

    # Time the tree synchronously in the request: no background job hand-off.
    return create_app(Settings(cache_dir=Path(cache_dir), background_after_seconds=float("inf")))


def bench_http(
    features: np.ndarray, linkage_matrix: np.ndarray, cache_dir: str, n_cuts: int, profile: bool
) -> HttpResult:
    from hclust.dendrogram import DEFAULT_TRUNCATE_P
    from loaders import Dataset

    n, d = features.shape
    client = DashClient(make_app(cache_dir))
    values: dict[tuple[str, str], object] = {
        ("session-store", "data"): SESSION_ID,
        ("method", "value"): METHOD,
        ("metric", "value"): METRIC,
        ("truncate-p", "value"): DEFAULT_TRUNCATE_P,
        ("annotate-above", "value"): None,
        ("view-store", "data"): None,
    }

    def absorb(response: dict) -> None:
        """Apply a response's plain (non-Patch) values to the page state, as the renderer does."""
        for component, props in response.items():
            for prop, value in props.items():
                values[(component, prop)] = value

    # (a) upload
    upload = client.callback(("upload", "contents"))
    url, csv_size = csv_data_url(features)
    values[("upload", "contents")] = url
    values[("upload", "filename")] = f"blobs_{n}x{d}.csv"
    t_upload, _, response = client.post(client.body(upload, values, [("upload", "contents")]))
    absorb(response)
    ref = values[("data-ref-store", "data")]
    expected_key = Dataset(name="x", features=features, feature_names=tuple(f"f{i}" for i in range(d))).fingerprint
    if ref["data"] != expected_key:
        raise RuntimeError("the uploaded table did not round-trip exactly; the app's tree may differ from SciPy's")

    # (b) tree: cold (builds the tree), then warm (same request, tree and layout cached)
    tree_cb = client.callback(("data-ref-store", "data"))
    tree_body = client.body(tree_cb, values, [("data-ref-store", "data")])
    t_cold, raw, response = client.post(tree_body)
    cpu_cold = client.last_cpu
    if "dendrogram" not in response:
        raise RuntimeError(f"tree callback returned no figure: {response.get('message')}")
    tree_raw, tree_gzip = len(raw), len(gzip.compress(raw))
    dendrogram_bytes = json_bytes(response["dendrogram"]["figure"])
    scatter_bytes = json_bytes(response["scatter"]["figure"])
    t_warm, _, _ = client.post(tree_body)
    absorb(response)

    # (c) cuts: the clientside callback writes {y, source, t} to the graph-cut store
    cut_cb = client.callback(("graph-cut-store", "data"))
    heights = tuple(height_for_k(linkage_matrix, k) for k in CUT_K)
    times: list[float] = []
    raw_by_k: dict[int, int] = {}
    gzip_by_k: dict[int, int] = {}
    dendro_by_k: dict[int, int] = {}
    scatter_by_k: dict[int, int] = {}
    k_errors = 0

    def one_cut(i: int) -> None:
        nonlocal k_errors
        k = CUT_K[i % 2]
        values[("graph-cut-store", "data")] = {"y": heights[i % 2], "source": "drag", "t": i}
        elapsed, raw, response = client.post(client.body(cut_cb, values, [("graph-cut-store", "data")]))
        times.append(elapsed)
        got = response.get("n-clusters", {}).get("value")
        if got != k:
            k_errors += 1
        if k not in raw_by_k:
            raw_by_k[k], gzip_by_k[k] = len(raw), len(gzip.compress(raw))
            dendro_by_k[k] = json_bytes(response["dendrogram"]["figure"])
            scatter_by_k[k] = json_bytes(response["scatter"]["figure"])
        # Patches are not page state; the view store, height and k inputs are.
        absorb({c: p for c, p in response.items() if c not in ("dendrogram", "scatter")})

    for i in range(n_cuts):
        one_cut(i)

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(n_cuts):
            one_cut(n_cuts + i)
        profiler.disable()
        del times[n_cuts:]
        print(f"\ncProfile of {n_cuts} cut requests at n={n:,}, d={d} (sorted by cumulative time, top 30)")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats("cumulative").print_stats(30)

    return HttpResult(
        n=n,
        d=d,
        csv_bytes=csv_size,
        upload=t_upload,
        tree_cold=t_cold,
        tree_cold_cpu=cpu_cold,
        tree_warm=t_warm,
        tree_raw=tree_raw,
        tree_gzip=tree_gzip,
        dendrogram_bytes=dendrogram_bytes,
        scatter_bytes=scatter_bytes,
        k=CUT_K,
        heights=heights,
        cut_times=times,
        cut_raw=raw_by_k,
        cut_gzip=gzip_by_k,
        cut_dendrogram_bytes=dendro_by_k,
        cut_scatter_bytes=scatter_by_k,
        k_errors=k_errors,
    )


def warm_up(cache_dir: Path) -> None:
    """One small, unmeasured pass through every path, so lazy imports and first-request set-up are not timed."""
    from scipy.cluster.hierarchy import linkage

    for d in DIMS:
        features = make_data(300, d)
        bench_linkage(features, 1)
        bench_http(features, linkage(features, METHOD), str(cache_dir / str(d)), 4, profile=False)


# ---------------------------------------------------------------- main


def versions() -> str:
    from importlib.metadata import version

    packages = ("numpy", "scipy", "dash", "plotly", "flask", "diskcache")
    return ", ".join(f"{p} {version(p)}" for p in packages)


def ratio(app: float, reference: float) -> str:
    return f"{app / reference:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 1,000 and 5,000 only")
    parser.add_argument("--sizes", help="comma-separated n values instead (e.g. 10000)")
    parser.add_argument("--repeats", type=int, help="best of this many linkage runs (default 3, 2 above n=5,000)")
    parser.add_argument("--cuts", type=int, default=30, help="cut requests per dataset (default 30)")
    parser.add_argument("--profile", action="store_true", help="cProfile the cut requests at the largest n, d=16")
    args = parser.parse_args()
    sizes = tuple(int(v) for v in args.sizes.split(",")) if args.sizes else SIZES_QUICK if args.quick else SIZES_FULL

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hclust-bench-") as scratch:
        # In case anything imports app.py (it builds a served app at import), keep its store in scratch too.
        os.environ["HCLUST_CACHE_DIR"] = str(Path(scratch) / "module-app")
        print("hclust-explorer benchmark")
        print(f"  python {platform.python_version()}, {versions()}")
        print(f"  {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}")
        print(f"  data: make_blobs(n, n_features=d, centers={CENTERS}, random_state={SEED}); {METHOD}/{METRIC}")
        sys.stdout.flush()

        warm_up(Path(scratch) / "warm-up")
        linkage_results: list[LinkageResult] = []
        http_results: list[HttpResult] = []
        for n in sizes:
            for d in DIMS:
                features = make_data(n, d)
                print(f"  ... n={n:,} d={d}: linkage", end="", flush=True)
                result = bench_linkage(features, args.repeats or repeats_for(n))
                linkage_results.append(result)
                print(", HTTP", end="", flush=True)
                profile = args.profile and n == sizes[-1] and d == DIMS[-1]
                cache_dir = str(Path(scratch) / f"cache-{n}-{d}")
                http_results.append(bench_http(features, result.linkage_matrix, cache_dir, args.cuts, profile))
                print(" done", flush=True)
                gc.collect()

    print_table(
        "1. Time to first linkage (seconds, best of R; ward + euclidean; same run, interleaved)",
        [
            "n",
            "d",
            "R",
            "scipy linkage(X)",
            "app linkage-only",
            "ratio",
            "app build_tree",
            "ratio",
            "CPU ratios (only / tree)",
            "Z identical",
        ],
        [
            [
                fmt_b(r.n),
                str(r.d),
                str(r.repeats),
                fmt_s(r.scipy_linkage.wall),
                fmt_s(r.app_linkage_only.wall),
                ratio(r.app_linkage_only.wall, r.scipy_linkage.wall),
                fmt_s(r.app_build_tree.wall),
                ratio(r.app_build_tree.wall, r.scipy_linkage.wall),
                ratio(r.app_linkage_only.cpu, r.scipy_linkage.cpu)
                + " / "
                + ratio(r.app_build_tree.cpu, r.scipy_linkage.cpu),
                "yes" if r.identical else "NO",
            ]
            for r in linkage_results
        ],
        [
            "scipy linkage(X) = scipy.cluster.hierarchy.linkage(X, 'ward') on the observations.",
            "app linkage-only = validate_choice + check_observations + pairwise_distances (pdist)",
            "                   + linkage(D, 'ward'): the app's path up to Z.",
            "app build_tree   = hclust.build_tree(X, 'ward', 'euclidean'): linkage-only + cophenet + Tree arrays.",
            "ratio = app / scipy, wall clock; CPU ratios = the same from best process CPU time (robust to other",
            "load on the machine). Z identical: both app paths give exactly SciPy's Z.",
        ],
    )
    print_table(
        "1b. Where build_tree's time goes (CPU seconds, best of R, each part timed alone)",
        ["n", "d", *PARTS, "sum of parts", "build_tree", "scipy cophenet / linkage(X)"],
        [
            [
                fmt_b(r.n),
                str(r.d),
                *(fmt_s(r.parts[name].cpu) for name in PARTS),
                fmt_s(sum(r.parts[name].cpu for name in PARTS)),
                fmt_s(r.app_build_tree.cpu),
                ratio(r.parts[PARTS[2]].cpu, r.scipy_linkage.cpu),
            ]
            for r in linkage_results
        ],
        [
            "cophenet(Z, D) = scipy.cluster.hierarchy.cophenet(Z, pdist(X)) with D = pdist(X) computed once",
            "and reused, as the app does. tree_from_linkage = the app's per-tree arrays (leaf order, maxdists, ...).",
        ],
    )
    print_table(
        "1c. Peak memory of one tree build (MB traced by tracemalloc, NumPy arrays included)",
        ["n", "d", "condensed D", "scipy linkage(X)", "app linkage-only", "app build_tree", "ratio tree / scipy"],
        [
            [
                fmt_b(r.n),
                str(r.d),
                f"{8 * r.n * (r.n - 1) / 2 / 1e6:,.0f}",
                f"{r.memory['scipy']:,.0f}",
                f"{r.memory['app_only']:,.0f}",
                f"{r.memory['app_tree']:,.0f}",
                ratio(r.memory["app_tree"], r.memory["scipy"]),
            ]
            for r in linkage_results
        ],
        [
            "condensed D = 8 n (n - 1) / 2 bytes, one float64 distance vector.",
            "build_tree's extra is SciPy's cophenet(Z, Y): its cophenetic vector plus five temporaries of the",
            "same size, all alive at once (Y - mean, Z - mean, their product, two squares): about 7 x D in all.",
        ],
    )
    print_table(
        f"2. Server time through HTTP (Flask test client -> {UPDATE_URL})",
        [
            "n",
            "d",
            "upload ms",
            "tree cold s",
            "(CPU s)",
            "tree warm ms",
            "cut k",
            "cuts",
            "cut median ms",
            "cut max ms",
            "k ok",
        ],
        [
            [
                fmt_b(h.n),
                str(h.d),
                fmt_ms(h.upload),
                fmt_s(h.tree_cold),
                fmt_s(h.tree_cold_cpu),
                fmt_ms(h.tree_warm),
                f"{h.k[0]}<->{h.k[1]}",
                str(len(h.cut_times)),
                fmt_ms(statistics.median(h.cut_times)),
                fmt_ms(max(h.cut_times)),
                "yes" if h.k_errors == 0 else f"NO ({h.k_errors} wrong)",
            ]
            for h in http_results
        ],
        [
            "upload: dcc.Upload contents (base64 CSV data URL, columns f0..f{d-1}) -> data-ref store.",
            "tree cold: first tree callback (build_tree + projection + layout + both figures, serialised).",
            "tree warm: the same request again (tree, layout and projection cached server-side).",
            "cut: graph-cut store {y, source: 'drag', t} -> move_cut, alternating two heights (k shown);",
            "     k ok = every response's n-clusters value equals the k that height gives.",
            "All times are wall clock of test_client().post(...): Flask + Dash dispatch + callback + JSON.",
        ],
    )
    print_table(
        "3. Response sizes (bytes; gzip = gzip.compress of the raw HTTP body)",
        [
            "n",
            "d",
            "dendrogram fig",
            "scatter fig",
            "tree resp raw",
            "tree gzip",
            "cut resp raw",
            "cut gzip",
            "cut dendro patch",
            "cut scatter patch",
        ],
        [
            [
                fmt_b(h.n),
                str(h.d),
                fmt_b(h.dendrogram_bytes),
                fmt_b(h.scatter_bytes),
                fmt_b(h.tree_raw),
                fmt_b(h.tree_gzip),
                " / ".join(fmt_b(h.cut_raw[k]) for k in h.k),
                " / ".join(fmt_b(h.cut_gzip[k]) for k in h.k),
                " / ".join(fmt_b(h.cut_dendrogram_bytes[k]) for k in h.k),
                " / ".join(fmt_b(h.cut_scatter_bytes[k]) for k in h.k),
            ]
            for h in http_results
        ],
        [
            "fig = the full figure JSON inside the tree response (Dash's encoder, plotly.io.json.to_json_plotly).",
            "cut columns: k=a / k=b of the two alternating heights; patch = that output's Patch JSON.",
        ],
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nTotal {time.perf_counter() - started:.0f} s; peak RSS {peak_mb:,.0f} MB; "
        f"load average at end {os.getloadavg()[0]:.2f}."
    )


if __name__ == "__main__":
    main()
