"""The generated Python code replays the app's view: same data, same partition, same cophenetic correlation."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster
from scipy.spatial.distance import pdist, squareform

from hclust import CutRule, build_tree, clusters_at_height, clusters_for_k
from hclust.cut import cut_from_labels
from hclust.tree import build_tree_from_distances
from loaders import BUILTIN_DATASETS, DataError, LoadOptions, load_builtin, parse_file, prepare, with_scaling
from loaders.codegen import python_code


def run(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)  # noqa: S102 - the code under test
    return namespace


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two labelings group the samples identically (whatever the ids)."""
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def tree_of(dataset, method="ward", metric="euclidean"):
    if dataset.is_distance_matrix:
        return build_tree_from_distances(dataset.distances, method)
    return build_tree(dataset.features, method, metric)


def assert_replays(code: str, dataset, tree, cut) -> dict:
    namespace = run(code)
    if dataset.is_distance_matrix:
        np.testing.assert_array_equal(namespace["distances"], dataset.distances)
    elif dataset.provenance.get("missing") == "mean":
        # The app's fill divides by the column's largest value first (against overflow): the last bit may differ.
        np.testing.assert_allclose(namespace["X"], dataset.features, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_array_equal(namespace["X"], dataset.features)
    assert same_partition(namespace["clusters"], cut.labels)
    assert namespace["c"] == pytest.approx(tree.cophenetic, abs=1e-12)
    return namespace


def test_same_partition_helper():
    assert same_partition(np.array([1, 1, 2]), np.array([5, 5, 3]))
    assert not same_partition(np.array([1, 1, 2]), np.array([1, 2, 2]))


# --- built-in datasets ---------------------------------------------------------------


@pytest.mark.parametrize("key", list(BUILTIN_DATASETS))
def test_every_builtin_replays_with_the_same_clusters(key, capsys):
    dataset = load_builtin(key)
    tree = tree_of(dataset)
    cut = clusters_for_k(tree, 3)
    code = python_code(dataset.provenance, "ward", "euclidean", CutRule.at_height(cut.height), dataset.name)

    namespace = assert_replays(code, dataset, tree, cut)
    # The app's ids, too: numbered left to right in dendrogram order.
    np.testing.assert_array_equal(namespace["clusters"], cut.labels)
    printed = capsys.readouterr().out
    assert f"cophenetic correlation: {tree.cophenetic:.5f}" in printed
    assert f"cluster sizes: {np.bincount(cut.labels)[1:].tolist()}" in printed


def test_classic_code_reads_like_the_notebook():
    code = python_code({"source": "builtin", "key": "classic"}, "ward", "euclidean", CutRule.at_height(50.0))
    for piece in ("RandomState(4711)", "linkage(", "cophenet(", 'fcluster(Z, t=50.0, criterion="distance")'):
        assert piece in code


def test_scaled_builtin_replays():
    dataset = with_scaling(load_builtin("wine"), "standardize")
    tree = tree_of(dataset, "average", "cityblock")
    cut = clusters_for_k(tree, 4)
    code = python_code(dataset.provenance, "average", "cityblock", CutRule.at_height(cut.height))

    assert "X.std(axis=0)" in code
    assert_replays(code, dataset, tree, cut)


# --- files --------------------------------------------------------------------------


def write_csv(path, with_gap: bool = True) -> None:
    rng = np.random.default_rng(3)
    lines = ["name,size,weight,price"]
    for i in range(40):
        size, weight, price = (rng.normal([0, 50, 1000], [1, 10, 300]) + (i % 3) * np.array([4, 20, 600])).tolist()
        lines.append(f"item-{i},{size!r},{weight!r},{price!r}")
    if with_gap:
        lines[7] = "item-6,,3.5,1200.0"  # a missing value
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("scaling", ["none", "standardize", "minmax"])
@pytest.mark.parametrize("missing", ["drop", "mean"])
def test_csv_file_replays_with_each_scaling(tmp_path, monkeypatch, scaling, missing):
    path = tmp_path / "items.csv"
    write_csv(path)
    dataset = prepare(parse_file(path.read_bytes(), "items.csv"), LoadOptions(scaling=scaling, missing=missing))
    assert dataset.provenance["scaling"] == scaling and dataset.provenance["missing"] == missing
    tree = tree_of(dataset)
    cut = clusters_at_height(tree, float(np.median(tree.linkage[-6:, 2])))
    code = python_code(dataset.provenance, "ward", "euclidean", CutRule.at_height(cut.height), dataset.name)

    monkeypatch.chdir(tmp_path)
    namespace = assert_replays(code, dataset, tree, cut)
    assert list(namespace["names"]) == list(dataset.sample_names)


def test_chosen_columns_are_replayed(tmp_path, monkeypatch):
    path = tmp_path / "items.csv"
    write_csv(path, with_gap=False)
    options = LoadOptions(feature_columns=("price", "size"), label_column=None)
    dataset = prepare(parse_file(path.read_bytes(), "items.csv"), options)
    tree = tree_of(dataset, "complete", "chebyshev")
    cut = clusters_for_k(tree, 3)
    code = python_code(dataset.provenance, "complete", "chebyshev", CutRule.at_height(cut.height))

    assert "['price', 'size']" in code and "names" not in code
    monkeypatch.chdir(tmp_path)
    assert_replays(code, dataset, tree, cut)


def test_distance_matrix_file_replays(tmp_path, monkeypatch):
    points = load_builtin("classic").features[::5]
    square = squareform(pdist(points, "cityblock"))
    names = [f"p{i}" for i in range(len(points))]
    lines = [",".join(["name", *names])]
    lines += [",".join([names[i], *(repr(v) for v in row)]) for i, row in enumerate(square.tolist())]
    (tmp_path / "distances.csv").write_text("\n".join(lines) + "\n")
    dataset = prepare(parse_file((tmp_path / "distances.csv").read_bytes(), "distances.csv"), LoadOptions())
    assert dataset.is_distance_matrix
    tree = tree_of(dataset, "average")
    cut = clusters_for_k(tree, 3)
    code = python_code(dataset.provenance, "average", "precomputed", CutRule.at_height(cut.height))

    assert "squareform(D, checks=False)" in code and "pdist(" not in code
    monkeypatch.chdir(tmp_path)
    assert_replays(code, dataset, tree, cut)


# --- cut criteria ----------------------------------------------------------------


def test_maxclust_and_inconsistent_criteria_replay():
    dataset = load_builtin("classic-harder")
    tree = tree_of(dataset)

    by_k = clusters_for_k(tree, 5)
    code = python_code(dataset.provenance, "ward", "euclidean", CutRule.into(5))
    assert 'fcluster(Z, t=5, criterion="maxclust")' in code
    assert "# ward linkage, euclidean distances, at most 5 clusters (maxclust)." in code
    assert_replays(code, dataset, tree, by_k)

    rule = CutRule.inconsistent(1.15, depth=3)
    expected = cut_from_labels(tree, fcluster(tree.linkage, 1.15, "inconsistent", depth=3), np.nan)
    code = python_code(dataset.provenance, "ward", "euclidean", rule)
    assert 'labels = fcluster(Z, t=1.15, criterion="inconsistent", depth=3)' in code
    assert "inconsistency at most 1.15 over depth 3." in code
    assert_replays(code, dataset, tree, expected)


def test_notes_go_into_the_header_as_comments():
    code = python_code(
        {"source": "builtin", "key": "classic"},
        "ward",
        "euclidean",
        CutRule.at_height(1.0),
        notes=("approximate\ntree",),
    )
    assert code.splitlines()[2] == "# approximate tree"
    run(code)


def test_a_long_height_is_written_exactly():
    height = 16.123456789012345
    code = python_code({"source": "builtin", "key": "classic"}, "ward", "euclidean", CutRule.at_height(height))
    assert f"t={height!r}," in code


# --- refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provenance", "cut", "match"),
    [
        ({"source": "builtin", "key": "nope"}, CutRule.at_height(1.0), "built-in dataset 'nope'"),
        ({}, CutRule.at_height(1.0), "only built-in examples and files"),
        ({"source": "file", "format": "sav"}, CutRule.at_height(1.0), "format 'sav'"),
        ({"source": "builtin", "key": "classic", "scaling": "log"}, CutRule.at_height(1.0), "scaling 'log'"),
        (
            {"source": "builtin", "key": "classic"},
            CutRule.at_height(float("nan")),
            "cut height must be a finite number",
        ),
        ({"source": "builtin", "key": "classic"}, CutRule.into(2.5), r"k must be a whole number .*\(got 2\.5\)"),
    ],
)
def test_what_cannot_be_replayed_is_explained(provenance, cut, match):
    with pytest.raises(DataError, match=match):
        python_code(provenance, "ward", "euclidean", cut)


def test_generated_script_runs_on_its_own(tmp_path):
    dataset = load_builtin("classic")
    code = python_code(dataset.provenance, "ward", "euclidean", CutRule.at_height(16.0), dataset.name)
    script = tmp_path / "view.py"
    script.write_text(code)

    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True)

    assert "cophenetic correlation: 0.98001" in done.stdout
    assert "number of clusters: 4" in done.stdout
    assert "cluster sizes: [" in done.stdout


def test_replay_is_independent_of_the_dataset_object():
    # Only the provenance travels: a dataset renamed or with notes gives the same code body.
    dataset = load_builtin("blobs")
    renamed = replace(dataset, name="Other", notes=("x",))
    a = python_code(dataset.provenance, "single", "euclidean", CutRule.at_height(1.0))
    b = python_code(renamed.provenance, "single", "euclidean", CutRule.at_height(1.0))
    assert a == b


@pytest.mark.parametrize("method", ["single", "ward"])
def test_a_large_datasets_script_links_without_the_distance_matrix(tmp_path, monkeypatch, method):
    import loaders.codegen as codegen

    monkeypatch.setattr(codegen, "CODE_PDIST_MAX_BYTES", 1_000)  # as if 40 samples were a million
    path = tmp_path / "items.csv"
    write_csv(path, with_gap=False)
    dataset = prepare(parse_file(path.read_bytes(), "items.csv"), LoadOptions())
    tree = tree_of(dataset, method)
    cut = clusters_for_k(tree, 3)
    code = python_code(dataset.provenance, method, "euclidean", CutRule.into(3), dataset.name, n_samples=40)

    assert "fastcluster.linkage_vector(X" in code and "pdist(X, " not in code and "import pdist" not in code
    monkeypatch.chdir(tmp_path)
    namespace = run(code)
    assert same_partition(namespace["clusters"], cut.labels) and namespace["c"] is None


def test_a_large_datasets_script_keeps_pdist_where_no_vector_linkage_exists(monkeypatch):
    import loaders.codegen as codegen

    monkeypatch.setattr(codegen, "CODE_PDIST_MAX_BYTES", 1_000)
    dataset = load_builtin("classic")
    code = python_code(dataset.provenance, "average", "euclidean", CutRule.into(2), dataset.name, n_samples=150)
    assert "pdist(X" in code and "linkage_vector" not in code
