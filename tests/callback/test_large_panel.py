"""The clusters panel at 30,000 rows: bounded listings on the page, every member in the downloads.

The same code serves a million rows (``benchmarks/bench_million.py`` times
it there); 30,000 keeps the test to a few seconds while going through the
minimum spanning tree path of single linkage (from 20,000 rows).
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster

from components import ids
from components.clusters_panel import MAX_LISTED_SAMPLES
from config import Settings
from factory import create_app
from hclust.clusters import MAX_SILHOUETTE_SAMPLES
from tests.callback.conftest import call, text_of
from tests.callback.test_callbacks import upload
from tests.callback.test_clusters import SESSION, download, select, show_tree

N = 30_000


@pytest.fixture(scope="module")
def big_csv() -> bytes:
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(center, 1.0, size=(N // 3, 2)) for center in (0, 10, 20)])
    frame = pd.DataFrame({"name": [f"s{i:05d}" for i in range(N)], "x": points[:, 0], "y": points[:, 1]})
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def page(big_csv, tmp_path_factory):
    """The app, its client and the view of the uploaded 30,000 rows with single linkage (built at once)."""
    app = create_app(Settings(cache_dir=tmp_path_factory.mktemp("cache"), background_after_seconds=float("inf")))
    client = app.server.test_client()
    ref = upload(client, app, big_csv, "big.csv", SESSION).get(ids.DATA_REF, "data")
    return app, client, show_tree(client, app, ref, method="single")


def branch_size(listing_text: str) -> int:
    return int(re.search(r"([\d,]+) samples", listing_text).group(1).replace(",", ""))


def pick_row(client, app, view: dict, node: int):
    """Select a node as a click on its cluster's number in the table does (``pickNode`` forwards the row)."""
    return select(client, app, view, **{"node-pick-store.data": {"row": node, "t": 1}})


BIG_BRANCH = 2 * N - 3  # the last merge but one: a branch of thousands of samples


def test_a_branch_of_thousands_lists_its_first_members_and_counts_the_rest(page):
    app, client, view = page
    reply = pick_row(client, app, view, BIG_BRANCH)
    listing = reply.get(ids.SELECTION_LIST, "children")
    text = text_of(listing)
    size = branch_size(text)
    items = next(part for part in listing if part["type"] == "Ul")["props"]["children"]
    assert size > 1_000 and len(items) == MAX_LISTED_SAMPLES + 1
    assert all(re.fullmatch(r"s\d{5}", text_of(item)) for item in items[:-1])  # the labels of the first members
    assert text_of(items[-1]) == f"+{size - MAX_LISTED_SAMPLES:,} more"
    assert len(json.dumps(listing)) < 20_000  # a few KB, whatever the branch's size
    assert reply.get(ids.EXPORT_SELECTION, "disabled") is False


def test_the_selection_download_has_every_member_of_the_branch(page):
    app, client, view = page
    selection = pick_row(client, app, view, BIG_BRANCH).get(ids.SELECTION, "data")
    data = download(client, app, "export-selection", "download-selection", view, **{"selection-store.data": selection})
    frame = pd.read_csv(io.StringIO(data["content"]))
    listing = pick_row(client, app, view, BIG_BRANCH).get(ids.SELECTION_LIST, "children")
    assert len(frame) == branch_size(text_of(listing)) > MAX_LISTED_SAMPLES
    assert frame["label"].is_unique and frame["label"].str.match(r"s\d{5}$").all()


def test_the_cluster_table_estimates_silhouettes_on_a_bounded_sample(page):
    app, client, view = page
    reply = call(
        client, app, ["cluster-table.children", "cluster-table-note.children"], inputs={"view-store.data": view}
    )
    note = text_of(reply.get(ids.CLUSTER_TABLE_NOTE, "children"))
    assert f"random subset of {MAX_SILHOUETTE_SAMPLES:,} of the {N:,} samples" in note


def test_the_python_code_links_without_the_distance_matrix_and_says_why(page):
    app, client, view = page
    code = call(client, app, ["python-code.children"], inputs={"view-store.data": view}).get(
        ids.PYTHON_CODE, "children"
    )
    assert 'fastcluster.linkage_vector(X, method="single"' in code and "pdist(X, " not in code
    assert "pdist(X) would need 3.6 GB for 30,000 samples" in code and "c = None" in code


def test_the_assignments_download_gives_scipys_clusters_for_every_row(page):
    app, client, view = page
    data = download(client, app, "export-assignments", "download-assignments", view)
    frame = pd.read_csv(io.StringIO(data["content"]))
    z = download(client, app, "export-linkage", "download-linkage", view)
    linkage_matrix = pd.read_csv(io.StringIO(z["content"]), comment="#").to_numpy(dtype=float)
    expected = fcluster(linkage_matrix, view["height"], "distance")
    assert len(frame) == N and frame["row"].tolist() == list(range(N))
    assert pd.crosstab(frame["cluster"], expected).gt(0).sum(axis=1).eq(1).all()  # the same partition
    assert frame["cluster"].nunique() == len(np.unique(expected))
