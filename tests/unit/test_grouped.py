"""The grouped export: every cluster's members in one CSV, or a workbook with a sheet per cluster."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from openpyxl import load_workbook

from loaders import DataError, load_builtin
from loaders.dataset import Dataset
from loaders.grouped import MAX_SHEETS, grouped_csv, grouped_rows, grouped_xlsx

FORMULAS = ("=cmd()", "＝cmd()", "+1+1", "-2", "@SUM(A1)", "＠x", "\tx", "plain")


def labelled(names=FORMULAS, classes=None, feature_names=("a", "b")) -> Dataset:
    n = len(names)
    features = np.arange(n * len(feature_names), dtype=float).reshape(n, len(feature_names)) / 3
    return Dataset(
        name="labelled",
        features=features,
        feature_names=tuple(feature_names),
        sample_names=tuple(names),
        classes=classes,
    )


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content), read_only=True)


def test_rows_are_grouped_by_cluster_then_row_with_each_clusters_size():
    dataset = labelled(names=("a", "b", "c", "d", "e"))
    labels = np.array([2, 1, 2, 1, 3])

    header, rows = grouped_rows(dataset, labels, with_data=False)

    assert header == ["cluster", "size", "row", "label"]
    assert [line[2] for line in rows] == [1, 3, 0, 2, 4]
    assert [line[:2] for line in rows] == [[1, 2], [1, 2], [2, 2], [2, 2], [3, 1]]
    assert [line[3] for line in rows] == ["b", "d", "a", "c", "e"]
    np.testing.assert_array_equal([line[2] for line in rows], np.argsort(labels, kind="stable"))


def test_without_labels_the_label_is_the_row_index():
    dataset = Dataset(name="plain", features=np.zeros((3, 1)), feature_names=("x",))
    _, rows = grouped_rows(dataset, np.array([1, 1, 1]), with_data=False)
    assert [line[3] for line in rows] == ["0", "1", "2"]


def test_formula_labels_classes_and_feature_names_are_neutralised_including_fullwidth():
    classes = tuple(f"={i}" for i in range(len(FORMULAS)))
    dataset = labelled(classes=classes, feature_names=("＝f", "+g"))
    labels = np.ones(len(FORMULAS), dtype=int)

    header, rows = grouped_rows(dataset, labels, with_data=True)

    assert header == ["cluster", "size", "row", "label", "class", "'＝f", "'+g"]
    assert [line[3] for line in rows] == [
        "'=cmd()",
        "'＝cmd()",
        "'+1+1",
        "'-2",
        "'@SUM(A1)",
        "'＠x",
        "'\tx",
        "plain",
    ]
    assert [line[4] for line in rows] == [f"'={i}" for i in range(len(FORMULAS))]
    # The CSV holds the same cells.
    written = csv_rows(grouped_csv(dataset, labels, with_data=True))
    assert written[0] == header
    assert [line[3] for line in written[1:]] == [line[3] for line in rows]


def test_with_data_appends_every_feature_in_full():
    dataset = load_builtin("iris")
    labels = np.repeat([1, 2, 3], 50)

    header, rows = grouped_rows(dataset, labels, with_data=True)

    assert header[4] == "class" and header[5:] == list(dataset.feature_names)
    np.testing.assert_array_equal(np.array([line[5:] for line in rows]), dataset.features)
    text = csv_rows(grouped_csv(dataset, labels, with_data=True))
    np.testing.assert_array_equal(np.array(text[1:])[:, 5:].astype(float), dataset.features)  # repr round-trips
    assert [line[4] for line in text[1:]] == list(dataset.classes)
    without = grouped_rows(dataset, labels, with_data=False)[0]
    assert without == ["cluster", "size", "row", "label", "class"]


def test_workbook_has_a_clusters_sheet_and_a_sheet_per_cluster():
    dataset = labelled(names=("a", "=b", "c", "d", "e"))
    labels = np.array([2, 1, 2, 1, 3])

    book = workbook(grouped_xlsx(dataset, labels, with_data=True))

    assert book.sheetnames == ["clusters", "cluster 1", "cluster 2", "cluster 3"]
    summary = list(book["clusters"].iter_rows(values_only=True))
    assert summary == [("cluster", "size"), (1, 2), (2, 2), (3, 1)]
    one = list(book["cluster 1"].iter_rows(values_only=True))
    assert one[0] == ("row", "label", "a", "b")
    assert [line[:2] for line in one[1:]] == [(1, "'=b"), (3, "d")]  # text, never a formula
    # openpyxl writes 16 significant digits ("%.16g"), more than Excel's own 15.
    np.testing.assert_allclose(np.array([line[2:] for line in one[1:]]), dataset.features[[1, 3]], rtol=1e-15)


def test_a_label_with_a_control_character_does_not_break_the_workbook():
    # openpyxl refuses control characters in a cell (IllegalCharacterError); the CSV keeps them.
    dataset = labelled(names=("x\x07y", "q\x1b=z", "ok"), classes=("a\x01", "b", "b"))
    labels = np.array([1, 1, 2])

    book = workbook(grouped_xlsx(dataset, labels))

    first = list(book["cluster 1"].iter_rows(values_only=True))
    assert first[1:] == [(0, "x\ufffdy", "a\ufffd"), (1, "q\ufffd=z", "b")]
    assert csv_rows(grouped_csv(dataset, labels))[1][3] == "x\x07y"


def test_more_clusters_than_sheets_is_refused_with_the_way_out():
    dataset = Dataset(name="many", features=np.zeros((MAX_SHEETS + 1, 1)), feature_names=("x",))
    labels = np.arange(1, MAX_SHEETS + 2)

    with pytest.raises(DataError, match=rf"up to {MAX_SHEETS} clusters \(this cut has {MAX_SHEETS + 1}\).*grouped CSV"):
        grouped_xlsx(dataset, labels)
    assert len(csv_rows(grouped_csv(dataset, labels))) == MAX_SHEETS + 2  # the CSV holds them all
    at_the_cap = workbook(grouped_xlsx(dataset, np.minimum(labels, MAX_SHEETS)))
    assert len(at_the_cap.sheetnames) == MAX_SHEETS + 1 and at_the_cap.sheetnames[-1] == f"cluster {MAX_SHEETS}"
