"""Every cluster's members in one download: CSV grouped by cluster, or a workbook with a sheet per cluster.

The notebook's readers ask for it again and again ("export the labels
grouped by cluster"). Text cells are neutralised as in
:mod:`loaders.export`, so a label such as ``=cmd()`` stays text in a
spreadsheet; numbers are written in full.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from loaders.dataset import Dataset
from loaders.errors import DataError
from loaders.export import neutralize, neutralized

MAX_SHEETS = 200
"""Clusters a workbook holds one sheet each for at most; beyond, the CSV holds them all."""
_SHEET_NAME_CHARS = 31  # Excel's limit
_REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def grouped_rows(dataset: Dataset, labels: np.ndarray, with_data: bool) -> tuple[list[str], list[list]]:
    """The header and the rows of the grouped export: by cluster id, then by row.

    Parameters
    ----------
    dataset : Dataset
    labels : ndarray of int, shape (n,)
        Cluster id per sample, 1..k.
    with_data : bool
        Add each sample's feature values after its label.

    Returns
    -------
    header : list of str
        ``cluster, size, row, label`` (the label is the row index when the
        data has no labels), then ``class`` when the true classes are known,
        then the feature names when ``with_data``.
    rows : list of list
        One per sample; numbers as numbers, text neutralised.
    """
    labels = np.asarray(labels, dtype=np.int64)
    order = np.lexsort((np.arange(labels.size), labels))
    sizes = np.bincount(labels)
    header = _header(dataset, with_data)
    rows = []
    for row in order.tolist():
        line = [int(labels[row]), int(sizes[labels[row]]), row, neutralize(dataset.sample_label(row))]
        if dataset.classes is not None:
            line.append(neutralize(str(dataset.classes[row])))
        if with_data:
            line.extend(float(v) for v in dataset.features[row])
        rows.append(line)
    return header, rows


def grouped_csv(dataset: Dataset, labels: np.ndarray, with_data: bool = False) -> str:
    """Every sample, grouped by cluster, as CSV text (the rows of :func:`grouped_rows`, whole columns at once)."""
    labels = np.asarray(labels, dtype=np.int64)
    order = np.lexsort((np.arange(labels.size), labels))
    sizes = np.bincount(labels)
    names = np.asarray(dataset.sample_names, dtype=object) if dataset.sample_names is not None else None
    label_cells = neutralized(order if names is None else names[order])
    columns: list[object] = [labels[order], sizes[labels[order]], order, label_cells]
    if dataset.classes is not None:
        columns.append(neutralized(np.asarray(dataset.classes, dtype=object)[order]))
    if with_data:
        columns.extend(np.asarray(dataset.features, dtype=float)[order].T)
    header = _header(dataset, with_data)
    frame = pd.DataFrame(dict(enumerate(columns)))
    return frame.to_csv(index=False, header=header, lineterminator="\n")


def grouped_xlsx(dataset: Dataset, labels: np.ndarray, with_data: bool = False) -> bytes:
    """An Excel workbook: a "clusters" sheet (id and size), then one sheet per cluster with its members.

    Raises
    ------
    DataError
        With more than :data:`MAX_SHEETS` clusters (then the CSV is the way).

    Notes
    -----
    Written with openpyxl's write-only mode: memory stays about one row.
    """
    labels = np.asarray(labels, dtype=np.int64)
    k = int(labels.max()) if labels.size else 0
    if k > MAX_SHEETS:
        raise DataError(
            f"a workbook holds one sheet per cluster for up to {MAX_SHEETS} clusters (this cut has {k}); "
            "cut into fewer clusters, or download the grouped CSV"
        )
    header, rows = grouped_rows(dataset, labels, with_data)
    book = Workbook(write_only=True)
    summary = book.create_sheet("clusters")
    summary.append(["cluster", "size"])
    sizes = np.bincount(labels, minlength=k + 1)
    for cluster in range(1, k + 1):
        summary.append([cluster, int(sizes[cluster])])
    sheets = {cluster: book.create_sheet(f"cluster {cluster}"[:_SHEET_NAME_CHARS]) for cluster in range(1, k + 1)}
    for sheet in sheets.values():
        sheet.append([_cell(v) for v in header[2:]])
    for line in rows:
        sheets[line[0]].append([_cell(v) for v in line[2:]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(dataset: Dataset, with_data: bool) -> list[str]:
    """The grouped export's header (see :func:`grouped_rows`)."""
    header = ["cluster", "size", "row", "label"]
    header += ["class"] if dataset.classes is not None else []
    return header + ([neutralize(name) for name in dataset.feature_names] if with_data else [])


def _cell(value):
    """A value a worksheet can hold: control characters (which openpyxl refuses) become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub(_REPLACEMENT, value) if isinstance(value, str) else value
