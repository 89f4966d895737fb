"""CSV exports: assignments with neutralized formulas, and the linkage matrix Z that reads back to the same numbers."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import linkage

from loaders import load_builtin
from loaders.export import assignments_csv, linkage_csv, neutralize


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=cmd()", "'=cmd()"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralize_prefixes_a_quote_to_formula_starts(cell, expected):
    assert neutralize(cell) == expected


def test_assignments_have_row_label_cluster_silhouette():
    text = assignments_csv(
        np.array([2, 1, 2]), np.array([0.5, np.nan, -0.25]), sample_names=["alpha", "=cmd()", "has, comma"]
    )

    rows = _rows(text)
    assert rows[0] == ["row", "label", "cluster", "silhouette"]
    assert rows[1] == ["0", "alpha", "2", "0.5"]
    assert rows[2] == ["1", "'=cmd()", "1", ""]
    assert rows[3] == ["2", "has, comma", "2", "-0.25"]  # a negative number stays a number
    assert text.endswith("\n") and "\r" not in text


def test_assignments_without_labels_leave_the_label_column_out():
    rows = _rows(assignments_csv(np.array([1, 1]), np.array([np.nan, np.nan])))
    assert rows == [["row", "cluster", "silhouette"], ["0", "1", ""], ["1", "1", ""]]


def test_assignments_of_a_selection_keep_the_row_indices():
    rows = _rows(assignments_csv(np.array([1, 2, 3, 3]), np.zeros(4), rows=np.array([3, 1])))
    assert [r[0] for r in rows[1:]] == ["3", "1"]
    assert [r[1] for r in rows[1:]] == ["3", "2"]


def test_silhouettes_are_written_in_full():
    value = 0.1 + 0.2
    rows = _rows(assignments_csv(np.array([1]), np.array([value])))
    assert float(rows[1][2]) == value


def test_linkage_csv_round_trips_to_the_same_numbers():
    features = load_builtin("classic").features
    z = linkage(features, "ward")

    text = linkage_csv(z, "ward", "euclidean", "Classic: 2 groups")
    frame = pd.read_csv(io.StringIO(text), comment="#")

    assert list(frame.columns) == ["idx1", "idx2", "dist", "sample_count"]
    np.testing.assert_array_equal(frame.to_numpy(dtype=float), z)
    assert frame["idx1"].dtype.kind == "i" and frame["sample_count"].dtype.kind == "i"
    # The reference rows: Z[0] = [52, 53, 0.04151, 2], Z[13] merges 62 with cluster 152.
    assert frame.iloc[0][["idx1", "idx2", "sample_count"]].tolist() == [52, 53, 2]
    assert sorted(frame.iloc[13][["idx1", "idx2"]].tolist()) == [62, 152]


def test_linkage_csv_header_explains_the_columns():
    z = linkage(np.array([[0.0], [1.0], [5.0]]), "single")
    header = [line for line in linkage_csv(z, "single", "euclidean", "=evil\nname").splitlines() if line[0] == "#"]
    text = "\n".join(header)

    for word in ("idx1", "idx2", "dist", "sample_count", "idx - n", "method=single", "metric=euclidean"):
        assert word in text
    assert "3 samples" in text and "'=evil name" in text
