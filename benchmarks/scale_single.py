"""Table 5 of ``bench_scale.py``: exact single linkage at large n, app against fastcluster and SciPy.

App = ``hclust.engine.linkage_from_observations(X, "single")``, which from
20,000 samples is the minimum spanning tree engine (``hclust.mst``);
fastcluster = ``fastcluster.linkage_vector(X, "single")``; SciPy =
``scipy.cluster.hierarchy.linkage(X, "single")``. Each runs in a fresh process
(``bench_scale.in_fresh_process``), so each peak is its own. Where a
reference cannot run in reasonable time or memory its cell says why.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import fmt_b, make_data, print_table  # noqa: E402
from bench_scale import GB, METRIC, Run, condensed_bytes, fmt_mem, fmt_time, in_fresh_process, measured  # noqa: E402

SIZES = (20_000, 100_000)
SIZES_BIG = (300_000, 1_000_000)  # with --big
SIZES_QUICK = (20_000,)
DIMS = (2, 8)
DIMS_QUICK = (2,)
FASTCLUSTER_MAX_N = 100_000  # O(n^2): about 30 s (d = 2) and 75 s (d = 8) at 100,000
FASTCLUSTER_MAX_N_QUICK = 20_000
SCIPY_MAX_N = 20_000  # pdist's vector (its single linkage needs no copy): 1.6 GB at 20,000, 10 s
CHECK_LEVELS = 200  # cut heights compared, spread over the distinct merge heights
IMPLS = ("app", "fastcluster", "scipy")


def child_single(x_path: str, impl: str, z_path: str) -> dict:
    """One single linkage in this (fresh) process; every impl imports the same modules (equal baselines)."""
    import fastcluster
    from scipy.cluster.hierarchy import linkage

    from hclust.engine import linkage_from_observations, plan_engine

    features = np.load(x_path)
    run = {
        "app": lambda: linkage_from_observations(features, "single")[0],
        "fastcluster": lambda: fastcluster.linkage_vector(features, "single"),
        "scipy": lambda: linkage(features, "single"),
    }[impl]
    linkage_matrix, result = measured(run)
    if z_path:
        np.save(z_path, linkage_matrix)
    engine = plan_engine("single", METRIC, *features.shape).engine if impl == "app" else impl
    return {**result, "engine": engine}


@dataclass
class SingleRow:
    n: int
    d: int
    engine: str = ""
    runs: dict[str, Run] = field(default_factory=dict)  # impl -> its run, for the impls that ran
    checks: dict[str, str] = field(default_factory=dict)  # reference impl -> agreement with the app


def same_cuts(z_app: np.ndarray, z_ref: np.ndarray) -> str:
    """Largest height difference, and whether the partitions agree at CHECK_LEVELS cut heights."""
    from scipy.cluster.hierarchy import fcluster

    diff = float(np.max(np.abs(np.sort(z_app[:, 2]) - np.sort(z_ref[:, 2]))))
    distinct = np.unique(z_ref[:, 2])
    middles = (distinct[1:] + distinct[:-1]) / 2
    levels = middles[np.unique(np.linspace(0, middles.size - 1, CHECK_LEVELS).astype(int))]
    agree = all(_same_partition(fcluster(z_app, t, "distance"), fcluster(z_ref, t, "distance")) for t in levels)
    same_z = np.array_equal(z_app[:, [0, 1, 3]], z_ref[:, [0, 1, 3]])
    return f"{diff:.0e}, {'same' if agree else 'DIFFERENT'} cuts at {levels.size}" + (", same Z" if same_z else "")


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = np.unique(np.stack([a, b]), axis=1)  # each cluster of a meets exactly one of b, and back
    return pairs.shape[1] == np.unique(a).size == np.unique(b).size


def bench_single(scratch: Path, quick: bool, big: bool) -> list[SingleRow]:
    sizes = SIZES_QUICK if quick else SIZES + (SIZES_BIG if big else ())
    fastcluster_max = FASTCLUSTER_MAX_N_QUICK if quick else FASTCLUSTER_MAX_N
    rows = []
    for d in DIMS_QUICK if quick else DIMS:
        for n in sizes:
            x_path = scratch / f"X-single-{n}-{d}.npy"
            np.save(x_path, make_data(n, d))
            row = SingleRow(n, d)
            limits = {"app": n, "fastcluster": fastcluster_max, "scipy": SCIPY_MAX_N}
            for impl in (impl for impl in IMPLS if n <= limits[impl]):
                print(f"  ... single n={n:,} d={d} {impl}", flush=True)
                z_path = str(scratch / f"Z-single-{impl}-{n}-{d}.npy") if n <= SCIPY_MAX_N else ""
                result = in_fresh_process(child_single, str(x_path), impl, z_path)
                row.runs.setdefault(impl, Run()).add(result)
                row.engine = result["engine"] if impl == "app" else row.engine
            if n <= SCIPY_MAX_N:
                z_app = np.load(scratch / f"Z-single-app-{n}-{d}.npy")
                for ref in ("fastcluster", "scipy"):
                    row.checks[ref] = same_cuts(z_app, np.load(scratch / f"Z-single-{ref}-{n}-{d}.npy"))
            rows.append(row)
            x_path.unlink()
    return rows


def _reference_cells(row: SingleRow, impl: str, rows: list[SingleRow]) -> list[str]:
    """Time, memory and app/reference wall ratio, or why the reference did not run."""
    app, ref = row.runs["app"], row.runs.get(impl)
    if ref is not None:
        return [fmt_time(ref), fmt_mem(ref), _ratio(app.wall / ref.wall)]
    if impl == "scipy":
        return [f"not run (needs {condensed_bytes(row.n) / GB:,.0f} GB)", "-", "-"]
    measured = [r for r in rows if r.d == row.d and "fastcluster" in r.runs]
    if not measured:
        return ["not run", "-", "-"]
    largest = max(measured, key=lambda r: r.n)
    guess = largest.runs["fastcluster"].wall * (row.n / largest.n) ** 2  # O(n^2)
    return [f"not run (~{guess / 60:,.0f} min: n^2 from {largest.n:,})", "-", "~" + _ratio(app.wall / guess)]


def _ratio(ratio: float) -> str:
    """app / reference, and how many times faster or slower that is."""
    if ratio < 1:
        return f"{ratio:.3g}x ({1 / ratio:,.1f}x faster)"
    return f"{ratio:.3g}x ({ratio:.1f}x slower)"


def print_single(rows: list[SingleRow]) -> None:
    from importlib.metadata import version

    from hclust.distances import worker_count

    table = []
    for r in rows:
        cells = [fmt_b(r.n), str(r.d), r.engine, fmt_time(r.runs["app"]), fmt_mem(r.runs["app"])]
        cells += _reference_cells(r, "fastcluster", rows) + _reference_cells(r, "scipy", rows)
        cells.append("; ".join(f"{ref}: {text}" for ref, text in r.checks.items()) or "-")
        table.append(cells)
    print_table(
        "5. Single linkage, euclidean: time (s) and peak memory (MB), app vs fastcluster.linkage_vector and SciPy",
        ["n", "d", "app engine", "app wall (CPU) s", "app peak (work) MB"]
        + ["fastcluster wall (CPU) s", "fastcluster peak (work) MB", "app/fastcluster wall"]
        + ["SciPy wall (CPU) s", "SciPy peak (work) MB", "app/SciPy wall", "check vs app: max |dh|, cuts"],
        table,
        [
            "app = hclust.engine.linkage_from_observations(X, 'single'): the exact MST (quitefastmst, OpenMP threads",
            "      = the process' cores) + scikit-learn's union-find, from 20,000 samples (hclust.mst.MST_MIN_N).",
            "One fresh process per cell; peak = VmHWM, work = peak minus the RSS before the call (imports and X).",
            f"check (at n <= {SCIPY_MAX_N:,}): largest difference of the sorted merge heights; whether fcluster(Z, t,",
            f"'distance') gives the same partition at {CHECK_LEVELS} midpoints between distinct heights; 'same Z' when",
            "the whole matrix is equal. Ratios are app / reference (below 1: the app is faster).",
            ", ".join(f"{p} {version(p)}" for p in ("quitefastmst", "fastcluster", "scikit-learn"))
            + f"; {worker_count()} OpenMP threads for the MST.",
        ],
    )
    sys.stdout.flush()
