"""Benchmark hclust-explorer at large n (1,000 to 100,000 samples) against SciPy, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_scale.py            # n = 1,000 ... 100,000, d = 2 and 16 (~15-25 min)
    .venv/bin/python benchmarks/bench_scale.py --quick    # n = 1,000 and 10,000, d = 2 only (< 2 min)
    .venv/bin/python benchmarks/bench_scale.py --full     # + the cophenetic correlation at n = 100,000
    .venv/bin/python benchmarks/bench_scale.py --profile  # + cProfile of every cut series and tree request
    .venv/bin/python benchmarks/bench_scale.py --parts single --big  # single linkage up to n = 1,000,000

Data: ``sklearn.datasets.make_blobs(n, n_features=d, centers=5, random_state=0)``
(``bench_core.make_data``), d = 2 and 16.

Every measurement runs in a fresh process (``multiprocessing`` with ``spawn``),
so one configuration's memory cannot leak into the next one's peak. Each child
reads its own peak resident memory (``VmHWM`` in ``/proc/self/status``) and
its resident memory before the measured call (``VmRSS``: the interpreter, the
imports and the data); "peak" is VmHWM, "work" is VmHWM minus that baseline.
CPU time (``time.process_time`` of the child) is printed next to wall time
because the machine is shared: for single-threaded code it is not inflated
when another process takes the core.

Tables printed:

1. Linkage time and peak memory, app against SciPy. App = the
   ``hclust.engine`` path of ``build_tree``: ``linkage_from_observations``
   (``fastcluster.linkage_vector``) for ward and single on euclidean data,
   else ``pdist`` + ``linkage_from_distances``. SciPy =
   ``scipy.cluster.hierarchy.linkage(X, method)``. complete, average and ward
   at n <= 10,000; ward only above (for the app; SciPy "cannot run" where its
   distance vector and copies exceed 12 GB).
2. Cophenetic correlation time and peak memory: the app's
   ``blockwise_cophenetic_correlation`` against SciPy's
   ``cophenet(Z, pdist(X))`` on the same ward tree.
3. One cut update through the real HTTP wiring (``app.server.test_client()``
   posting the bodies dash-renderer sends; ``bench_core.DashClient``):
   20 drag cuts through the graph-cut store, server time and bytes.
4. Upload to first full view: the upload request plus the tree request, both
   synchronous (``background_after_seconds=inf``), exact and approximate
   (``tree-mode`` ``kmeans-2000``); 4b splits the tree request into its parts.
5. Exact single linkage (``benchmarks/scale_single.py``): the app's minimum
   spanning tree engine against ``fastcluster.linkage_vector`` and SciPy,
   n = 20,000 and 100,000 (with ``--big`` also 300,000 and 1,000,000), d = 2
   and 8, and their agreement at n = 20,000.

Nothing outside a temporary directory is written; the app code is not changed.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import gzip
import io
import json
import multiprocessing
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_core, also when imported by a spawned child
from bench_core import (  # noqa: E402
    CENTERS,
    CUT_K,
    SEED,
    DashClient,
    csv_data_url,
    fmt_b,
    height_for_k,
    make_app,
    make_data,
    print_table,
    versions,
)

ROOT = Path(__file__).resolve().parent.parent
METRIC = "euclidean"
ALL_METHODS = ("complete", "average", "ward")
LARGE_METHOD = "ward"  # the only exact method without a distance matrix
ALL_METHODS_MAX_N = 10_000  # above this, the app runs ward only
SIZES_FULL = (1_000, 10_000, 50_000, 100_000)
SIZES_QUICK = (1_000, 10_000)
DIMS_FULL = (2, 16)
DIMS_QUICK = (2,)
COPHENET_MAX_N = 50_000  # 100,000 only with --full (minutes per d)
HTTP_SIZES_FULL = (10_000, 100_000)
HTTP_SIZES_QUICK = (10_000,)
HTTP_D = 2
APPROX_MODE = "kmeans-2000"
EXACT_MODE = "exact"
N_CUTS = 20
N_PROFILED_CUTS = 10
SESSION = "bench-scale"
WARM_UP_N = 300

GB = 1e9
MB = 1e6
SCIPY_LIMIT_BYTES = 12 * GB
# Float64 distance vectors SciPy holds at once (checked against the measured peak at n = 10,000):
# linkage(X): pdist's vector + the linkage's working copy of it;
# cophenet(Z, pdist(X)): the distances, the cophenetic distances and five temporaries of the same size.
SCIPY_LINKAGE_VECTORS = 2
SCIPY_COPHENET_VECTORS = 7

# Targets.
LINKAGE_SPEEDUP_TARGET = 2.0  # app at least 2x SciPy's speed at n = 10,000
LINKAGE_TARGET_N = 10_000
COPHENET_MEMORY_TARGET_N = 50_000
COPHENET_MEMORY_TARGET_BYTES = 1 * GB
CUT_MS_TARGET = {10_000: 20.0, 100_000: 100.0}
CUT_BYTES_TARGET = {10_000: 20_000}


# ---------------------------------------------------------------- helpers


def condensed_bytes(n: int) -> float:
    """One float64 condensed distance vector: 8 n (n - 1) / 2 bytes."""
    return 8 * n * (n - 1) / 2


def repeats_for(n: int, quick: bool) -> int:
    """Fresh processes per configuration: the best of these is reported."""
    if quick:
        return 1  # --quick checks the script; the full run takes the best of several
    if n <= 1_000:
        return 3
    if n <= 10_000:
        return 2
    return 1


def proc_status_kb(key: str) -> int:
    """A ``/proc/self/status`` field in kB (VmRSS, VmHWM); falls back to ru_maxrss."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_mb() -> float:
    return proc_status_kb("VmRSS") * 1024 / MB


def hwm_mb() -> float:
    return proc_status_kb("VmHWM") * 1024 / MB


def in_fresh_process(func: Callable, *args):
    """Run ``func(*args)`` in a new spawned interpreter and return its result.

    A child killed by the kernel (out of memory) raises ``BrokenProcessPool``
    instead of hanging.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(func, *args).result()


@dataclass
class Run:
    """Best (smallest) wall and CPU seconds over fresh-process repeats, and the largest peak memory."""

    wall: float = float("inf")
    cpu: float = float("inf")
    base_mb: float = 0.0
    peak_mb: float = 0.0
    value: float = float("nan")
    count: int = 0

    def add(self, result: dict) -> None:
        self.wall = min(self.wall, result["wall"])
        self.cpu = min(self.cpu, result["cpu"])
        self.base_mb = max(self.base_mb, result["base_mb"])
        self.peak_mb = max(self.peak_mb, result["peak_mb"])
        self.value = result.get("value", self.value)
        self.count += 1

    @property
    def work_mb(self) -> float:
        return self.peak_mb - self.base_mb


def fmt_time(run: Run) -> str:
    return f"{run.wall:.3f} ({run.cpu:.3f})"


def fmt_mem(run: Run) -> str:
    return f"{run.peak_mb:,.0f} ({run.work_mb:,.0f})"


def ratio_text(app: float, scipy: float) -> str:
    return f"{app / scipy:.2f}x"


def cannot_run(need_bytes: float) -> str:
    return f"cannot run (needs {need_bytes / GB:.1f} GB)"


def verdict(label: str, met: bool | None, detail: str) -> str:
    state = {True: "met", False: "NOT MET", None: "n/a"}[met]
    return f"  [{state}] {label}: {detail}"


# ---------------------------------------------------------------- children (run in a fresh process)


def measured(run: Callable[[], object]) -> tuple[object, dict]:
    """``run()`` once, and its wall and CPU seconds, the RSS before it and the peak after it (MB)."""
    gc.collect()
    base = rss_mb()
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    value = run()
    wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    return value, {"wall": wall, "cpu": cpu, "base_mb": base, "peak_mb": hwm_mb()}


def child_linkage(x_path: str, impl: str, method: str, z_path: str) -> dict:
    """One linkage in this (fresh) process: time, CPU, memory; Z is saved to ``z_path``."""
    features = np.load(x_path)
    if impl == "app":
        from hclust.engine import linkage_from_distances, linkage_from_observations, plan_engine
        from hclust.tree import pairwise_distances

        plan = plan_engine(method, METRIC)

        def run():
            if plan.needs_distance_matrix:  # as build_tree: threaded pdist, then fastcluster in place
                return linkage_from_distances(pairwise_distances(features, METRIC), method, keep_input=False)[0]
            return linkage_from_observations(features, method)[0]

        engine = plan.engine
    else:
        from scipy.cluster.hierarchy import linkage

        import hclust.engine  # noqa: F401  (same imports as the app's child: equal baselines)

        def run():
            return linkage(features, method)

        engine = "scipy.linkage"
    linkage_matrix, result = measured(run)
    np.save(z_path, linkage_matrix)
    return {**result, "engine": engine}


def child_cophenet(x_path: str, z_path: str, impl: str) -> dict:
    """One cophenetic correlation in this (fresh) process."""
    features = np.load(x_path)
    linkage_matrix = np.load(z_path)
    if impl == "app":
        from scipy.cluster.hierarchy import leaves_list

        from hclust.engine import blockwise_cophenetic_correlation

        leaf_order = leaves_list(linkage_matrix)  # the app has it from the tree already

        def run():
            return blockwise_cophenetic_correlation(features, linkage_matrix, leaf_order, METRIC)

    else:
        from scipy.cluster.hierarchy import cophenet
        from scipy.spatial.distance import pdist

        import hclust.engine  # noqa: F401  (same imports as the app's child: equal baselines)

        def run():
            return cophenet(linkage_matrix, pdist(features, METRIC))[0]

    value, result = measured(run)
    return {**result, "value": float(value)}


class StageTimer:
    """Wall time spent in named app functions, by wrapping them in their modules (benchmark-side only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)

    def reset(self) -> None:
        self.seconds.clear()


STAGES = (
    "linkage",
    "cophenetic",
    "tree arrays",
    "representatives",
    "expand linkage",
    "projection",
    "figures",
    "JSON encoding",
)


def install_stage_timer() -> StageTimer:
    import plotly.io.json

    import callbacks.show
    import hclust.approximate
    import hclust.tree
    import state.session_store

    timer = StageTimer()
    timer.wrap(hclust.tree, "linkage_from_observations", "linkage")
    timer.wrap(hclust.tree, "linkage_from_distances", "linkage")
    timer.wrap(hclust.tree, "blockwise_cophenetic_correlation", "cophenetic")
    timer.wrap(hclust.tree, "cophenetic_correlation", "cophenetic")
    timer.wrap(hclust.tree, "tree_from_linkage", "tree arrays")
    timer.wrap(hclust.approximate, "tree_from_linkage", "tree arrays")
    timer.wrap(hclust.approximate, "choose_representatives", "representatives")
    timer.wrap(hclust.approximate, "expand_linkage", "expand linkage")
    timer.wrap(state.session_store, "_project", "projection")
    timer.wrap(callbacks.show, "full_figures", "figures+projection")
    timer.wrap(plotly.io.json, "to_json_plotly", "JSON encoding")
    return timer


def find_callback(client: DashClient, first_input: tuple[str, str], output_contains: str) -> dict:
    """The server callback with this first Input whose output key names ``output_contains``."""
    for dep in client.dependencies:
        first = (dep["inputs"][0]["id"], dep["inputs"][0]["property"])
        if not dep["clientside_function"] and first == first_input and output_contains in dep["output"]:
            return dep
    raise LookupError(f"no server callback with first input {first_input} and output {output_contains}")


class Page:
    """One browser page's state for one session, and the requests it sends (upload, tree, cuts)."""

    def __init__(self, client: DashClient, callbacks: dict[str, dict], session: str, tree_mode: str) -> None:
        from hclust.dendrogram import DEFAULT_TRUNCATE_P

        self.client = client
        self.callbacks = callbacks
        self.values: dict[tuple[str, str], object] = {
            ("session-store", "data"): session,
            ("method", "value"): LARGE_METHOD,
            ("metric", "value"): METRIC,
            ("truncate-p", "value"): DEFAULT_TRUNCATE_P,
            ("annotate-above", "value"): None,
            ("tree-mode", "value"): tree_mode,
            ("view-store", "data"): None,
        }
        self.heights: tuple[float, ...] = ()

    def post(self, name: str, changed: tuple[str, str]) -> tuple[float, float, bytes, dict]:
        """(wall s, CPU s, raw body, response) of one callback request."""
        body = self.client.body(self.callbacks[name], self.values, [changed])
        wall, raw, response = self.client.post(body)
        return wall, self.client.last_cpu, raw, response

    def absorb(self, response: dict, skip: tuple[str, ...] = ()) -> None:
        """Apply a response's plain values to the page state, as the renderer does (Patches are not state)."""
        for component, props in response.items():
            if component not in skip:
                for prop, value in props.items():
                    self.values[(component, prop)] = value

    def upload(self, features: np.ndarray) -> dict:
        from loaders import Dataset

        url, csv_bytes = csv_data_url(features)
        self.values[("upload", "contents")] = url
        self.values[("upload", "filename")] = f"blobs_{features.shape[0]}x{features.shape[1]}.csv"
        wall, cpu, _, response = self.post("upload", ("upload", "contents"))
        self.absorb(response)
        self.values[("upload", "contents")] = None
        ref = self.values.get(("data-ref-store", "data"))
        names = tuple(f"f{i}" for i in range(features.shape[1]))
        if not ref or ref["data"] != Dataset(name="x", features=features, feature_names=names).fingerprint:
            raise RuntimeError(f"the upload did not round-trip exactly: {response.get('message')}")
        return {"csv_bytes": csv_bytes, "upload_s": wall, "upload_cpu": cpu}

    def tree(self, profiler: cProfile.Profile | None = None) -> dict:
        if profiler is not None:
            profiler.enable()
        wall, cpu, raw, response = self.post("tree", ("data-ref-store", "data"))
        if profiler is not None:
            profiler.disable()
        if "dendrogram" not in response:
            raise RuntimeError(f"the tree callback returned no figure: {response.get('message')}")
        if isinstance(response.get("tree-job-store", {}).get("data"), dict):  # a job (None / absent: none)
            raise RuntimeError("the tree callback handed the tree to a background job")
        self.absorb(response)
        return {"tree_s": wall, "tree_cpu": cpu, "tree_raw": len(raw), "tree_gzip": len(gzip.compress(raw))}

    def cut(self, i: int) -> tuple[float, float, bytes, dict]:
        """Drag the cut line to the height of k = CUT_K[i % 2]: (wall s, CPU s, raw body, response)."""
        self.values[("graph-cut-store", "data")] = {"y": self.heights[i % 2], "source": "drag", "t": i}
        wall, cpu, raw, response = self.post("cut", ("graph-cut-store", "data"))
        self.absorb(response, skip=("dendrogram", "scatter"))
        return wall, cpu, raw, response


def child_http(n: int, d: int, tree_mode: str, n_cuts: int, cache_dir: str, profile: bool) -> dict:
    """Upload, tree and cut requests through the real Dash wiring, in this (fresh) process."""
    from config import Settings
    from hclust.estimate import estimate_tree
    from state.refs import DataRef
    from state.session_store import TREE_MODES, SessionStore

    timer = install_stage_timer()
    app = make_app(cache_dir)
    client = DashClient(app)
    callbacks = {
        "upload": client.callback(("upload", "contents")),
        "tree": find_callback(client, ("data-ref-store", "data"), "tree-job-store.data"),
        "cut": find_callback(client, ("graph-cut-store", "data"), "view-store.data"),
    }
    defaults = Settings()
    reader = SessionStore.open(cache_dir, defaults.cache_size_mb, defaults.session_ttl_seconds)

    def cut_heights(page: Page) -> tuple[float, ...]:
        ref = DataRef.from_store(page.values[("data-ref-store", "data")])
        tree = reader.tree(ref, LARGE_METHOD, METRIC)  # the app's own tree, from its store
        return tuple(height_for_k(tree.linkage, k) for k in CUT_K)

    # Warm-up on the same app (another session): imports, Dash's first-request set-up, lazy paths.
    warm = Page(client, callbacks, "warm-up", tree_mode)
    warm.upload(make_data(WARM_UP_N, d))
    warm.tree()
    warm.heights = cut_heights(warm)
    for i in range(4):
        warm.cut(i)
    del warm
    gc.collect()

    features = make_data(n, d)
    representatives = TREE_MODES[tree_mode]
    n_tree = n if representatives is None else min(n, representatives[1])
    result: dict = {"n": n, "d": d, "tree_mode": tree_mode, "base_mb": rss_mb(), "compress": bool(app.config.compress)}
    represented = n if n_tree < n else 0  # as the app's own check: the k-means step is part of the estimate
    result["estimate_s"] = estimate_tree(n_tree, d, LARGE_METHOD, METRIC, representatives_of=represented).seconds
    page = Page(client, callbacks, SESSION, tree_mode)
    result.update(page.upload(features))
    timer.reset()
    tree_profiler = cProfile.Profile() if profile else None
    result.update(page.tree(tree_profiler))
    result["stages"] = dict(timer.seconds)
    result["cophenetic"] = reader.tree(
        DataRef.from_store(page.values[("data-ref-store", "data")]), LARGE_METHOD, METRIC
    ).cophenetic
    if tree_profiler is not None:
        result["tree_profile"] = profile_text(tree_profiler, f"tree request (n={n:,}, d={d}, {tree_mode})")

    page.heights = cut_heights(page)
    times, cpus, raw_by_k, gzip_by_k, parts_by_k, k_errors = [], [], {}, {}, {}, 0
    for i in range(n_cuts):
        wall, cpu, raw, response = page.cut(i)
        times.append(wall)
        cpus.append(cpu)
        k = CUT_K[i % 2]
        k_errors += response.get("n-clusters", {}).get("value") != k
        if k not in raw_by_k:
            raw_by_k[k], gzip_by_k[k] = len(raw), len(gzip.compress(raw))
            # Bytes of each output component in the body (compact JSON, as Dash sends it).
            parts_by_k[k] = {c: len(json.dumps(p, separators=(",", ":"))) for c, p in response.items()}
    result.update(cut_times=times, cut_cpus=cpus, cut_raw=raw_by_k, cut_gzip=gzip_by_k, k_errors=k_errors)
    result["cut_parts"] = parts_by_k
    result["peak_mb"] = hwm_mb()

    # Where the cut time goes, when its target is missed (or when asked).
    target = CUT_MS_TARGET.get(n) if tree_mode == EXACT_MODE else None
    if profile or (target is not None and statistics.median(times) * 1000 > target):
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(N_PROFILED_CUTS):
            page.cut(n_cuts + i)
        profiler.disable()
        result["cut_profile"] = profile_text(profiler, f"{N_PROFILED_CUTS} cut requests (n={n:,}, d={d}, {tree_mode})")
    return result


def profile_text(profiler: cProfile.Profile, title: str, top: int = 30) -> str:
    stream = io.StringIO()
    stream.write(f"cProfile of {title}, sorted by cumulative time, top {top}\n")
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return stream.getvalue()


# ---------------------------------------------------------------- 1. linkage


@dataclass
class LinkageRow:
    n: int
    d: int
    method: str
    engine: str = ""
    app: Run = field(default_factory=Run)
    scipy: Run | None = None  # None: SciPy cannot run here
    scipy_need: float = 0.0
    max_height_diff: float = float("nan")
    same_merges: bool | None = None


def bench_linkage(sizes, dims, scratch: Path, quick: bool) -> list[LinkageRow]:
    rows: list[LinkageRow] = []
    for n in sizes:
        for d in dims:
            x_path = scratch / f"X-{n}-{d}.npy"
            np.save(x_path, make_data(n, d))
            methods = ALL_METHODS if n <= ALL_METHODS_MAX_N else (LARGE_METHOD,)
            need = SCIPY_LINKAGE_VECTORS * condensed_bytes(n)
            row_of = {m: LinkageRow(n, d, m, scipy=Run() if need <= SCIPY_LIMIT_BYTES else None, scipy_need=need)
                      for m in methods}  # fmt: skip
            repeats = repeats_for(n, quick)
            for rep in range(repeats):
                for method in methods:
                    row = row_of[method]
                    impls = ["app", "scipy"] if row.scipy is not None else ["app"]
                    if rep % 2:
                        impls.reverse()  # alternate the order to spread drift and load
                    for impl in impls:
                        print(f"  ... linkage n={n:,} d={d} {method} {impl} ({rep + 1}/{repeats})", flush=True)
                        z_path = str(scratch / f"Z-{impl}-{method}-{n}-{d}.npy")
                        result = in_fresh_process(child_linkage, str(x_path), impl, method, z_path)
                        (row.app if impl == "app" else row.scipy).add(result)
                        if impl == "app":
                            row.engine = result["engine"]
            for row in row_of.values():
                if row.scipy is not None:
                    z_app = np.load(scratch / f"Z-app-{row.method}-{n}-{d}.npy")
                    z_scipy = np.load(scratch / f"Z-scipy-{row.method}-{n}-{d}.npy")
                    row.max_height_diff = float(np.max(np.abs(z_app[:, 2] - z_scipy[:, 2])))
                    row.same_merges = bool(np.array_equal(z_app[:, [0, 1, 3]], z_scipy[:, [0, 1, 3]]))
                rows.append(row)
    return rows


def print_linkage(rows: list[LinkageRow]) -> None:
    table = []
    for r in rows:
        if r.scipy is None:
            scipy_time = scipy_mem = cannot_run(r.scipy_need)
            time_ratio = cpu_ratio = mem_ratio = "-"
            check = "-"
        else:
            scipy_time, scipy_mem = fmt_time(r.scipy), fmt_mem(r.scipy)
            time_ratio = f"{ratio_text(r.app.wall, r.scipy.wall)} ({r.scipy.wall / r.app.wall:.1f}x faster)"
            cpu_ratio = ratio_text(r.app.cpu, r.scipy.cpu)
            mem_ratio = f"{ratio_text(r.app.peak_mb, r.scipy.peak_mb)} / {ratio_text(r.app.work_mb, r.scipy.work_mb)}"
            check = f"{r.max_height_diff:.0e}, {'same' if r.same_merges else 'DIFFERENT'}"
        table.append(
            [
                fmt_b(r.n),
                str(r.d),
                r.method,
                r.engine,
                str(r.app.count),
                fmt_time(r.app),
                scipy_time,
                time_ratio,
                cpu_ratio,
                fmt_mem(r.app),
                scipy_mem,
                mem_ratio,
                check,
            ]
        )
    print_table(
        "1. Linkage: time (s) and peak memory (MB), app vs SciPy; each run in a fresh process",
        [
            "n",
            "d",
            "method",
            "app engine",
            "R",
            "app wall (CPU) s",
            "SciPy wall (CPU) s",
            "app/SciPy wall",
            "CPU",
            "app peak (work) MB",
            "SciPy peak (work) MB",
            "app/SciPy peak / work",
            "max |dh|, merges",
        ],
        table,
        [
            "app = hclust.engine: linkage_from_observations (fastcluster.linkage_vector) for ward, else pdist(X)",
            "      + linkage_from_distances (fastcluster.linkage). SciPy = scipy.cluster.hierarchy.linkage(X, method).",
            "R fresh processes per variant, interleaved; best wall and best CPU time; peak = VmHWM of the child,",
            "work = peak minus the child's RSS before the call (interpreter, imports and X). Ratios are app / SciPy.",
            f"SciPy 'cannot run' = {SCIPY_LINKAGE_VECTORS} x 8 n (n-1)/2 bytes (pdist's vector and linkage's"
            f" working copy) > {SCIPY_LIMIT_BYTES / GB:.0f} GB.",
            "Above n = 10,000 the app runs ward only: complete and average need the same distance vector as SciPy.",
            "max |dh|, merges: largest difference of the merge heights, and whether both Z have the same merges.",
        ],
    )
    largest = max((r.n for r in rows if r.scipy is not None), default=0)
    for r in rows:
        if r.n == largest and r.scipy is not None and r.d == rows[0].d:
            vectors = condensed_bytes(r.n) / MB
            app_note = (
                f"app {r.app.work_mb / vectors:.2f} x D" if r.engine == "fastcluster.linkage" else "app no D (O(n d))"
            )
            print(
                f"  Memory in distance vectors D = {vectors:,.0f} MB at n={r.n:,}, {r.method}: SciPy work"
                f" {r.scipy.work_mb / vectors:.2f} x D (model {SCIPY_LINKAGE_VECTORS} x D), {app_note}."
            )
    if any(r.engine == "fastcluster.linkage" for r in rows):
        print(
            "  (hclust.estimate assumes 2 x D for fastcluster.linkage: the distance vector and the engine's working"
            " copy.)"
        )
    for method in ALL_METHODS:
        targets = [r for r in rows if r.n == LINKAGE_TARGET_N and r.method == method and r.scipy is not None]
        if not targets:
            continue
        wall = min(r.scipy.wall / r.app.wall for r in targets)
        cpu = min(r.scipy.cpu / r.app.cpu for r in targets)
        met = wall >= LINKAGE_SPEEDUP_TARGET and cpu >= LINKAGE_SPEEDUP_TARGET
        if (wall >= LINKAGE_SPEEDUP_TARGET) != (cpu >= LINKAGE_SPEEDUP_TARGET):
            met = None
        dims = "/".join(str(r.d) for r in targets)
        detail = (
            f"app >= {LINKAGE_SPEEDUP_TARGET:g}x SciPy's speed at n={LINKAGE_TARGET_N:,} (d={dims}): "
            f"slowest case {wall:.2f}x by wall, {cpu:.2f}x by CPU"
            + (" (wall and CPU disagree: borderline)" if met is None else "")
        )
        print(verdict(f"linkage {method}", met, detail))
    sys.stdout.flush()


# ---------------------------------------------------------------- 2. cophenetic correlation


@dataclass
class CophenetRow:
    n: int
    d: int
    app: Run = field(default_factory=Run)
    scipy: Run | None = None
    scipy_need: float = 0.0


def bench_cophenet(sizes, dims, scratch: Path, quick: bool) -> list[CophenetRow]:
    rows: list[CophenetRow] = []
    for n in sizes:
        for d in dims:
            x_path = str(scratch / f"X-{n}-{d}.npy")
            z_path = str(scratch / f"Z-app-{LARGE_METHOD}-{n}-{d}.npy")  # the app's ward tree from table 1
            need = SCIPY_COPHENET_VECTORS * condensed_bytes(n)
            row = CophenetRow(n, d, scipy=Run() if need <= SCIPY_LIMIT_BYTES else None, scipy_need=need)
            repeats = max(1, repeats_for(n, quick) - 1)
            for rep in range(repeats):
                impls = ["app", "scipy"] if row.scipy is not None else ["app"]
                if rep % 2:
                    impls.reverse()
                for impl in impls:
                    print(f"  ... cophenet n={n:,} d={d} {impl} ({rep + 1}/{repeats})", flush=True)
                    result = in_fresh_process(child_cophenet, x_path, z_path, impl)
                    (row.app if impl == "app" else row.scipy).add(result)
            rows.append(row)
    return rows


def print_cophenet(rows: list[CophenetRow]) -> None:
    table = []
    for r in rows:
        if r.scipy is None:
            scipy_time = scipy_mem = cannot_run(r.scipy_need)
            time_ratio = cpu_ratio = mem_ratio = diff = "-"
        else:
            scipy_time, scipy_mem = fmt_time(r.scipy), fmt_mem(r.scipy)
            time_ratio = ratio_text(r.app.wall, r.scipy.wall)
            cpu_ratio = ratio_text(r.app.cpu, r.scipy.cpu)
            mem_ratio = f"{ratio_text(r.app.peak_mb, r.scipy.peak_mb)} / {ratio_text(r.app.work_mb, r.scipy.work_mb)}"
            diff = f"{abs(r.app.value - r.scipy.value):.0e}"
        pairs = r.n * (r.n - 1) / 2
        table.append(
            [
                fmt_b(r.n),
                str(r.d),
                str(r.app.count),
                fmt_time(r.app),
                f"{r.app.wall / pairs * 1e9:.1f}",
                scipy_time,
                time_ratio,
                cpu_ratio,
                fmt_mem(r.app),
                scipy_mem,
                mem_ratio,
                f"{r.app.value:.6f}",
                diff,
            ]
        )
    print_table(
        "2. Cophenetic correlation of the ward tree: time (s) and peak memory (MB), app vs SciPy; fresh processes",
        [
            "n",
            "d",
            "R",
            "app wall (CPU) s",
            "app ns/pair",
            "SciPy wall (CPU) s",
            "app/SciPy wall",
            "CPU",
            "app peak (work) MB",
            "SciPy peak (work) MB",
            "app/SciPy peak / work",
            "coefficient",
            "|app - SciPy|",
        ],
        table,
        [
            "app = hclust.engine.blockwise_cophenetic_correlation(X, Z, leaves_list(Z), 'euclidean') (row blocks on"
            " every core);",
            "SciPy = cophenet(Z, pdist(X))[0], pdist included (the app computes its distances too). Same Z: the app's.",
            "Note: build_tree itself uses SciPy's cophenet up to DIRECT_COPHENETIC_MAX_N = 1,000 samples.",
            "CPU above wall = more than one thread: the row blocks run on a thread per core.",
            f"SciPy 'cannot run' = {SCIPY_COPHENET_VECTORS} x 8 n (n-1)/2 bytes (distances, cophenetic distances and"
            f" five temporaries) > {SCIPY_LIMIT_BYTES / GB:.0f} GB.",
        ],
    )
    measured = [r for r in rows if r.scipy is not None]
    if measured:
        r = max(measured, key=lambda x: x.n)
        expected = SCIPY_COPHENET_VECTORS * condensed_bytes(r.n) / MB
        print(
            f"  SciPy memory model check at n={r.n:,}, d={r.d}: measured work {r.scipy.work_mb:,.0f} MB,"
            f" model {SCIPY_COPHENET_VECTORS} x D = {expected:,.0f} MB."
        )
    targets = [r for r in rows if r.n == COPHENET_MEMORY_TARGET_N]
    if targets:
        worst = max(targets, key=lambda r: r.app.peak_mb)
        print(
            verdict(
                f"cophenetic memory at n={COPHENET_MEMORY_TARGET_N:,}",
                worst.app.peak_mb * MB <= COPHENET_MEMORY_TARGET_BYTES,
                f"within about {COPHENET_MEMORY_TARGET_BYTES / GB:.0f} GB: largest peak {worst.app.peak_mb:,.0f} MB"
                f" (d={worst.d}; whole process), work {worst.app.work_mb:,.0f} MB",
            )
        )
    else:
        print(verdict(f"cophenetic memory at n={COPHENET_MEMORY_TARGET_N:,}", None, "not measured in this run"))
    sys.stdout.flush()


# ---------------------------------------------------------------- 3 and 4. HTTP


def bench_http(sizes, scratch: Path, approx_n: int, profile: bool) -> list[dict]:
    runs = [(n, EXACT_MODE) for n in sizes] + [(approx_n, APPROX_MODE)]
    results = []
    for n, mode in runs:
        print(f"  ... HTTP n={n:,} d={HTTP_D} {mode}: upload, tree, {N_CUTS} cuts", flush=True)
        cache_dir = str(scratch / f"cache-{n}-{mode}")
        results.append(in_fresh_process(child_http, n, HTTP_D, mode, N_CUTS, cache_dir, profile))
    return results


def tree_label(mode: str) -> str:
    return "exact" if mode == EXACT_MODE else f"approx ({mode})"


def print_http(results: list[dict]) -> None:
    table = []
    for h in results:
        ms = [t * 1000 for t in h["cut_times"]]
        table.append(
            [
                fmt_b(h["n"]),
                str(h["d"]),
                tree_label(h["tree_mode"]),
                str(len(ms)),
                f"{statistics.median(ms):.1f}",
                f"{max(ms):.1f}",
                f"{statistics.median(h['cut_cpus']) * 1000:.1f}",
                " / ".join(fmt_b(h["cut_raw"][k]) for k in CUT_K),
                " / ".join(fmt_b(h["cut_gzip"][k]) for k in CUT_K),
                "yes" if h["k_errors"] == 0 else f"NO ({h['k_errors']} wrong)",
            ]
        )
    print_table(
        f"3. One cut update through HTTP ({LARGE_METHOD}, Flask test client -> /_dash-update-component)",
        [
            "n",
            "d",
            "tree",
            "cuts",
            "median ms",
            "max ms",
            "median CPU ms",
            f"raw bytes k={CUT_K[0]} / {CUT_K[1]}",
            "gzip bytes",
            "k ok",
        ],
        table,
        [
            "create_app(Settings(cache_dir=tmp, background_after_seconds=inf)) in a fresh process, warmed up on n=300;",
            "upload -> tree callback (tree-mode as shown) -> cut requests writing the graph-cut store",
            f"{{y, source: 'drag', t}}, alternating between heights that give k = {CUT_K[0]} and k = {CUT_K[1]}.",
            "Time = wall clock of test_client().post (dispatch + callback + JSON), no network, no browser redraw.",
            "The follow-on callbacks the browser sends after a cut (view-store.data -> cluster table, aids) are not"
            " included.",
        ],
    )
    for h in results:
        if h["tree_mode"] != EXACT_MODE:
            continue
        n = h["n"]
        median_ms = statistics.median(h["cut_times"]) * 1000
        max_ms = max(h["cut_times"]) * 1000
        if n in CUT_MS_TARGET:
            target = CUT_MS_TARGET[n]
            print(
                verdict(
                    f"cut time at n={n:,}",
                    median_ms < target,
                    f"median {median_ms:.1f} ms (max {max_ms:.1f}) vs < {target:g} ms"
                    f" = {median_ms / target:.2f}x the budget",
                )
            )
        if n in CUT_BYTES_TARGET:
            target = CUT_BYTES_TARGET[n]
            largest = max(h["cut_raw"].values())
            print(
                verdict(
                    f"cut bytes at n={n:,}",
                    largest < target,
                    f"largest raw body {largest:,} B (gzip {max(h['cut_gzip'].values()):,} B)"
                    f" vs < {target / 1000:g} KB = {largest / target:.2f}x the budget",
                )
            )
    components = sorted({c for h in results for c in h["cut_parts"][CUT_K[1]]})
    by_size = sorted(components, key=lambda c: -max(h["cut_parts"][CUT_K[1]].get(c, 0) for h in results))
    print_table(
        f"3b. What a cut response carries (bytes of each output's JSON, k = {CUT_K[1]})",
        ["n", "tree", *by_size, "scatter B/sample"],
        [
            [
                fmt_b(h["n"]),
                tree_label(h["tree_mode"]),
                *(fmt_b(h["cut_parts"][CUT_K[1]].get(c, 0)) for c in by_size),
                f"{h['cut_parts'][CUT_K[1]].get('scatter', 0) / h['n']:.2f}",
            ]
            for h in results
        ],
        [
            "dendrogram and scatter are Patches (the changed figure properties only); the rest are plain values.",
            "Dash compress option in the app: "
            + ("on (gzip when the browser accepts it)." if results[0]["compress"] else "off: the raw body is what the")
            + ("" if results[0]["compress"] else " server sends (unless a proxy in front compresses)."),
        ],
    )
    sys.stdout.flush()


def print_first_view(results: list[dict]) -> None:
    table = []
    for h in results:
        total = h["upload_s"] + h["tree_s"]
        table.append(
            [
                fmt_b(h["n"]),
                str(h["d"]),
                tree_label(h["tree_mode"]),
                f"{h['csv_bytes'] / MB:.1f}",
                f"{h['upload_s']:.2f} ({h['upload_cpu']:.2f})",
                f"{h['tree_s']:.2f} ({h['tree_cpu']:.2f})",
                f"{total:.2f}",
                f"{h['estimate_s']:.1f}",
                f"{h['tree_s'] / h['estimate_s']:.2f}x",
                f"{h['tree_raw'] / MB:.2f} / {h['tree_gzip'] / MB:.2f}",
                f"{h['cophenetic']:.5f}",
                f"{h['peak_mb']:,.0f}",
            ]
        )
    print_table(
        f"4. Upload to first full view ({LARGE_METHOD}, both requests synchronous)",
        [
            "n",
            "d",
            "tree",
            "CSV MB",
            "upload wall (CPU) s",
            "tree wall (CPU) s",
            "total s",
            "app's estimate s",
            "tree / estimate",
            "tree resp raw / gzip MB",
            "cophenetic",
            "server peak MB",
        ],
        table,
        [
            "upload = the dcc.Upload request (base64 CSV, parse, store); tree = the tree callback with",
            "tree-mode.value as shown: the tree, cophenetic correlation, projection, dendrogram and scatter figures.",
            "app's estimate = hclust.estimate.estimate_tree (what decides between the request and a background job).",
            "server peak = VmHWM of the server process (warm-up, upload, tree and cuts).",
        ],
    )
    headers = ["n", "tree", "tree request s", *STAGES, "rest"]
    rows = []
    for h in results:
        stages = dict(h["stages"])
        stages["figures"] = stages.pop("figures+projection", 0.0) - stages.get("projection", 0.0)
        rest = h["tree_s"] - sum(stages.get(s, 0.0) for s in STAGES)
        rows.append(
            [
                fmt_b(h["n"]),
                tree_label(h["tree_mode"]),
                f"{h['tree_s']:.2f}",
                *(f"{stages.get(s, 0.0):.2f}" for s in STAGES),
                f"{rest:.2f}",
            ]
        )
    print_table(
        "4b. Where the tree request's time goes (wall s, app functions timed by wrappers in this benchmark)",
        headers,
        rows,
        [
            "linkage = linkage_from_observations; cophenetic = blockwise_cophenetic_correlation; tree arrays =",
            "tree_from_linkage; representatives = choose_representatives (MiniBatchKMeans); expand linkage =",
            "expand_linkage; projection = the 2-D projection; figures = full_figures minus projection;",
            "JSON encoding = plotly's to_json_plotly (the response); rest = store I/O (pickling), Dash, Flask.",
        ],
    )
    sys.stdout.flush()


# ---------------------------------------------------------------- main


PARTS = ("linkage", "cophenet", "http", "single")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 1,000 and 10,000, d = 2 only (< 2 min)")
    parser.add_argument("--full", action="store_true", help="also the cophenetic correlation at n = 100,000")
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=list(PARTS), help="which tables to measure (default: all)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile every cut series and tree request")
    parser.add_argument(
        "--big", action="store_true", help="single linkage (table 5) also at n = 300,000 and 1,000,000 (about 5 min)"
    )
    args = parser.parse_args()
    sizes = SIZES_QUICK if args.quick else SIZES_FULL
    dims = DIMS_QUICK if args.quick else DIMS_FULL
    cophenet_sizes = tuple(n for n in sizes if n <= COPHENET_MAX_N or args.full)
    http_sizes = HTTP_SIZES_QUICK if args.quick else HTTP_SIZES_FULL

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    cpu_children_start = os.times().children_user + os.times().children_system
    with tempfile.TemporaryDirectory(prefix="hclust-bench-scale-") as scratch_dir:
        scratch = Path(scratch_dir)
        os.environ["HCLUST_CACHE_DIR"] = str(scratch / "module-app")  # in case anything imports app.py
        print("hclust-explorer large-n benchmark" + (" (--quick)" if args.quick else ""))
        print(f"  python {platform.python_version()}, {versions()}")
        print(f"  {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}")
        print(f"  data: make_blobs(n, n_features=d, centers={CENTERS}, random_state={SEED}); metric {METRIC}")
        print(f"  n = {', '.join(fmt_b(n) for n in sizes)}; d = {', '.join(map(str, dims))}")
        sys.stdout.flush()

        if "linkage" in args.parts:
            print_linkage(bench_linkage(sizes, dims, scratch, args.quick))
            print()
        if "cophenet" in args.parts:
            print_cophenet(bench_cophenet(cophenet_sizes, dims, scratch, args.quick))
            if not args.full and not args.quick:
                # ~5 ns per pair at n = 100,000 (row blocks on 2 cores, table 2 of a --full run).
                print(f"  (n = 100,000 skipped: about {condensed_bytes(100_000) / 8 * 5e-9:.0f} s per d;"
                      " run with --full)")  # fmt: skip
            print()
        http_results = []
        if "http" in args.parts:
            http_results = bench_http(http_sizes, scratch, max(http_sizes), args.profile)
            print_http(http_results)
            print_first_view(http_results)
        if "single" in args.parts:
            from scale_single import bench_single, print_single  # imports this module's helpers

            print_single(bench_single(scratch, args.quick, args.big))

    profiles = [h[key] for h in http_results for key in ("tree_profile", "cut_profile") if key in h]
    for text in profiles:
        print()
        print(text.rstrip())
    times = os.times()
    children_cpu = times.children_user + times.children_system - cpu_children_start
    print(
        f"\nTotal {time.perf_counter() - started:.0f} s wall, {children_cpu:.0f} s CPU in the measuring processes;"
        f" load average at end {os.getloadavg()[0]:.2f}."
    )


if __name__ == "__main__":
    main()
