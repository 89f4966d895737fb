"""A million rows, the rest of the page: every step after the upload, timed against plain pandas and SciPy.

Run from the repository root::

    .venv/bin/python benchmarks/bench_million.py                  # n = 100,000 and 1,000,000 (about 1 min)
    .venv/bin/python benchmarks/bench_million.py --sizes 100000   # one size (about 10 s)

Data: four well-separated 2-D blobs (standard deviation 1, centres 20
apart, seed 0), shuffled, written as a CSV ``x,y`` with 9 decimals (25 MB at
a million rows), the issue's "1,000,000-row, 2-column CSV".

Each size runs in a fresh process (``multiprocessing``, spawn), so one
size's memory does not raise the next one's peak; *peak* is that process's
``VmHWM`` (``/proc/self/status``) after every step, and holds the whole path:
the upload through the app's HTTP wiring, the tree, the dendrogram, the
cluster table, a selection and the exports (not the scatter, which another
benchmark measures). The steps call what the callbacks call:

- *upload*: the upload callback over HTTP (``app.server.test_client()``,
  a base64 data URL as ``dcc.Upload`` sends it: decode, sniff, parse,
  prepare, store); peer ``pandas.read_csv`` (C engine, the default) on the
  bytes. *loader only* is ``decode_upload``, ``parse_file`` and ``prepare``
  without HTTP.
- *tree*: ``SessionStore.tree`` as the background job calls it (single
  linkage, euclidean: the exact minimum spanning tree from 20,000 rows, and
  the cophenetic correlation estimated from 4,000,000 pairs);
  no peer, since SciPy's ``linkage`` needs the n^2/2 distances (40 GB at
  100,000 rows).
- *cut labels*: ``CutRule.apply`` (4 clusters) against
  ``fcluster(Z, h, "distance")``; the partitions are checked to be equal.
- *dendrogram* and *zoom*: ``dendrogram_figure_for`` (the figure of the
  truncated tree, p = 12, its layout computed once per tree; then the
  larger branch's) against ``scipy.cluster.hierarchy.dendrogram(Z,
  truncate_mode="lastp", p=12, no_plot=True)``.
- *cluster table*: ``view_summary`` and ``cluster_table`` (sizes,
  centroids, medoids, silhouettes on 2,000 samples) against pandas'
  ``groupby().mean()`` plus scikit-learn's ``silhouette_score`` on the same
  2,000 samples.
- *selection*: what the selection callback computes for the larger branch
  (its first 50 labels, its count per cluster, its profile); no peer.
- *exports*: ``assignments_csv`` (with the silhouettes), ``grouped_csv``,
  ``linkage_csv`` and ``view_code`` against ``DataFrame.to_csv`` of the same
  columns.
"""

from __future__ import annotations

import argparse
import base64
import io
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

SIZES = (100_000, 1_000_000)
SESSION = "m" * 32


def make_csv(n: int, path: Path) -> bytes:
    """Four blobs of n // 4 points, shuffled, as ``x,y`` text."""
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(centre, 1.0, size=(n // 4, 2)) for centre in (0.0, 20.0, 40.0, 60.0)])
    rng.shuffle(points)
    with path.open("w") as handle:
        handle.write("x,y\n")
        np.savetxt(handle, points, fmt="%.9f", delimiter=",")
    return path.read_bytes()


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Steps:
    """Rows of (step, app seconds, peer seconds, peak MB, note)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float | None, float, str]] = []

    def time(self, step: str, run, peer=None, note: str = ""):
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        peer_seconds = None
        if peer is not None:
            start = time.perf_counter()
            peer()
            peer_seconds = time.perf_counter() - start
        self.rows.append((step, seconds, peer_seconds, peak_mb(), note))
        return result


def child(n: int) -> list:
    """Every step at n rows, in this (fresh) process."""
    from scipy.cluster.hierarchy import dendrogram, fcluster
    from sklearn.metrics import silhouette_score

    from callbacks.clusters import branch_profile, cluster_view, view_code, view_summary
    from callbacks.render import ViewState, dendrogram_figure_for
    from components import ids
    from components.clusters_panel import MAX_LISTED_SAMPLES, cluster_table
    from config import Settings
    from factory import create_app
    from hclust.clusters import MAX_SILHOUETTE_SAMPLES, SILHOUETTE_SEED, clusters_of, samples_under
    from loaders import LoadOptions, decode_upload, parse_file, prepare
    from loaders.export import assignments_csv, linkage_csv
    from loaders.grouped import grouped_csv
    from state.refs import DataRef
    from state.session_store import SessionStore
    from tests.callback.test_callbacks import upload

    steps = Steps()
    scratch = Path(tempfile.mkdtemp(prefix="bench-million-"))
    raw = make_csv(n, scratch / "blobs.csv")
    settings = Settings(cache_dir=scratch / "cache")  # the defaults: the tree job's cophenetic budget is 1 s
    app = create_app(settings)
    client = app.server.test_client()
    url = "data:text/csv;base64," + base64.b64encode(raw).decode()

    def loader():
        decoded = decode_upload(url, "blobs.csv", settings.max_upload_bytes)
        return prepare(parse_file(decoded, "blobs.csv"), LoadOptions())

    peer_read = lambda: pd.read_csv(io.BytesIO(raw))  # noqa: E731
    steps.time("upload, loader only", loader, peer_read, f"{len(raw) / 1e6:.1f} MB CSV")
    reply = steps.time("upload over HTTP", lambda: upload(client, app, raw, "blobs.csv", SESSION), peer_read)
    ref = DataRef.from_store(reply.get(ids.DATA_REF, "data"))
    store = SessionStore.open(
        str(settings.cache_dir),
        settings.cache_size_mb,
        settings.session_ttl_seconds,
        cophenetic_seconds=settings.cophenetic_budget_seconds,
    )
    dataset = store.dataset(ref)
    tree = steps.time("tree (single, euclidean)", lambda: store.tree(ref, "single", "euclidean"), None, "no peer")
    z = tree.linkage
    height = float((z[-4, 2] + z[-3, 2]) / 2)  # 4 clusters
    view = ViewState(SESSION, ref.data_key, "single", "euclidean", 12, None, height, 4)
    cut = steps.time(
        "cut labels", lambda: view.cut_rule.apply(tree), lambda: fcluster(z, height, "distance"), "vs fcluster"
    )
    expected = fcluster(z, height, "distance")
    same = pd.crosstab(cut.labels, expected).gt(0).sum(axis=1).eq(1).all() and cut.n_clusters == expected.max()
    slots = np.arange(cut.n_clusters) % 8
    lastp = lambda: dendrogram(z, truncate_mode="lastp", p=12, no_plot=True)  # noqa: E731
    steps.time("dendrogram (first)", lambda: dendrogram_figure_for(store, view, cut, slots), lastp, "vs lastp")
    steps.time("dendrogram (again)", lambda: dendrogram_figure_for(store, view, cut, slots), lastp, "vs lastp")
    branch = int(z[-1, 0]) if z[int(z[-1, 0]) - n, 3] > z[int(z[-1, 1]) - n, 3] else int(z[-1, 1])
    zoomed = ViewState(SESSION, ref.data_key, "single", "euclidean", 12, None, height, 4, zoom_root=branch)
    steps.time("zoom into a branch", lambda: dendrogram_figure_for(store, zoomed, cut, slots), lastp, "vs lastp")
    clusters = cluster_view(store, view)

    def table():
        summary = view_summary(clusters)
        medoids = [f"#{int(m)}" for m in summary.medoids]
        names = dataset.feature_names
        cluster_table(
            summary.sizes, summary.silhouettes, medoids, summary.centroids, names, slots, clusters.shapes, cut.roots
        )
        return summary

    subset = np.sort(np.random.default_rng(SILHOUETTE_SEED).choice(n, MAX_SILHOUETTE_SAMPLES, replace=False))

    def peer_table():
        pd.DataFrame(dataset.features).groupby(cut.labels).mean()
        silhouette_score(dataset.features[subset], cut.labels[subset])

    summary = steps.time("cluster table (first)", table, peer_table, "vs groupby + silhouette_score")
    steps.time("cluster table (again)", table, peer_table, "medoids kept")

    def select():
        samples = samples_under(tree, branch)
        [dataset.sample_label(int(s)) for s in samples[:MAX_LISTED_SAMPLES]]
        clusters_of(cut.labels, samples)
        return branch_profile(dataset, samples)

    steps.time("selection of the branch", select, None, f"{int(z[branch - n, 3]):,} samples")
    frame = pd.DataFrame({"row": np.arange(n), "cluster": expected, "silhouette": summary.sample_silhouettes})
    steps.time(
        "export assignments",
        lambda: assignments_csv(cut.labels, summary.sample_silhouettes, dataset.sample_names),
        lambda: frame.to_csv(index=False),
    )
    steps.time(
        "export grouped, with data",
        lambda: grouped_csv(dataset, cut.labels, True),
        lambda: frame.assign(x=dataset.features[:, 0], y=dataset.features[:, 1]).sort_values("cluster").to_csv(),
    )
    steps.time(
        "export linkage matrix",
        lambda: linkage_csv(z, "single", "euclidean", dataset.name),
        lambda: pd.DataFrame(z).to_csv(index=False),
    )
    steps.time("python code", lambda: view_code(clusters, view), None)
    return [steps.rows, bool(same)]


def in_fresh_process(n: int) -> list:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(child, (n,))


def print_table(n: int, rows: list, same: bool) -> None:
    print(f"\nn = {n:,} rows x 2 columns, single linkage (cut labels same partition as fcluster: {same})")
    print(f"{'step':28s} {'app s':>8s} {'peer s':>8s} {'app/peer':>9s} {'peak MB':>8s}  note")
    for step, seconds, peer, peak, note in rows:
        peer_text = f"{peer:8.3f}" if peer is not None else f"{'-':>8s}"
        ratio = f"{seconds / peer:8.2f}x" if peer else f"{'-':>9s}"
        print(f"{step:28s} {seconds:8.3f} {peer_text} {ratio} {peak:8.0f}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    for n in args.sizes:
        rows, same = in_fresh_process(n)
        print_table(n, rows, same)


if __name__ == "__main__":
    main()
