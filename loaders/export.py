"""Data out: the cluster assignments and the linkage matrix as CSV text.

Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-`` or ``@``, or a tab or carriage return) get a leading single
quote, so ``=cmd()`` is written as ``'=cmd()``. Numbers are written in full
(shortest round-trip ``repr``), so reading a file back gives the same values.

The files are written by ``pandas.DataFrame.to_csv`` (the ``csv`` module's
quoting, whole columns at once): a million rows take about a second, not a
Python call per cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # and their fullwidth forms
LINKAGE_COLUMNS = ("idx1", "idx2", "dist", "sample_count")


def neutralize(cell: str) -> str:
    """A text cell a spreadsheet shows as text: a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or CR."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def number_text(value: float) -> str:
    """A float in full (``repr``), or an empty cell for NaN."""
    value = float(value)
    return "" if math.isnan(value) else repr(value)


def assignments_csv(
    labels: np.ndarray,
    silhouettes: np.ndarray,
    sample_names: Sequence[str] | None = None,
    rows: np.ndarray | None = None,
) -> str:
    """The cluster of every sample, as CSV text.

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Cluster id per sample, as the app shows it (1..k, left to right in
        dendrogram order).
    silhouettes : ndarray of float, shape (n,)
        Silhouette per sample; NaN gives an empty cell.
    sample_names : sequence of str, optional
        A label per sample; the ``label`` column is left out without them.
    rows : ndarray of int, optional
        Only these samples, in this order (a selection); all by default.

    Returns
    -------
    str
        Header ``row,label,cluster,silhouette`` (``row`` is the 0-based
        index of the sample in the clustered table), one line per sample,
        newline line ends. Labels are quoted as needed and neutralized (see
        :func:`neutralize`).
    """
    labels = np.asarray(labels)
    rows = np.arange(labels.size) if rows is None else np.asarray(rows, dtype=np.int64)
    columns: dict[str, object] = {"row": rows}
    if sample_names is not None:
        columns["label"] = neutralized(np.asarray(sample_names, dtype=object)[rows])
    columns["cluster"] = labels[rows].astype(np.int64)
    columns["silhouette"] = np.asarray(silhouettes, dtype=float)[rows]
    return pd.DataFrame(columns).to_csv(index=False, lineterminator="\n")


def neutralized(cells) -> np.ndarray:
    """:func:`neutralize` on every cell of a column (each made text with ``str``)."""
    text = pd.Series(cells, dtype=object).map(str)
    risky = text.str.startswith(FORMULA_STARTS).to_numpy(dtype=bool)
    out = text.to_numpy(dtype=object, copy=True)
    out[risky] = "'" + text[risky].to_numpy(dtype=object)
    return out


def linkage_csv(linkage_matrix: np.ndarray, method: str, metric: str, dataset_name: str = "") -> str:
    """SciPy's linkage matrix Z as CSV text, after a comment block that explains it.

    Parameters
    ----------
    linkage_matrix : ndarray of shape (n - 1, 4)
    method, metric : str
        How Z was made (named in the comments).
    dataset_name : str
        Named in the comments (neutralized).

    Returns
    -------
    str
        Lines starting with ``#`` explain the columns; then the header
        ``idx1,idx2,dist,sample_count`` and one row per merge, indices and
        counts as integers, distances in full. Read it back with
        ``pandas.read_csv(path, comment="#")``.
    """
    z = np.asarray(linkage_matrix, dtype=float)
    n = z.shape[0] + 1
    name = " ".join(dataset_name.split())  # one line, whatever the name holds
    about = f" of {neutralize(name)}" if name else ""
    lines = [
        f"# Linkage matrix Z{about}: scipy.cluster.hierarchy.linkage, method={method}, metric={metric}.",
        f"# {n} samples, {n - 1} merges; row i is the i-th merge (0-based), in order of height.",
        "# idx1, idx2: the two clusters merged. An index below n is a sample (its 0-based row);",
        f"#   an index idx >= n ({n}) is the cluster formed in row idx - n of this table.",
        "# dist: the distance between them (the merge height in the dendrogram).",
        "# sample_count: the number of samples in the new cluster.",
        "# The new cluster of row i gets the index n + i.",
        "# Read it back with pandas.read_csv(path, comment='#').",
        ",".join(LINKAGE_COLUMNS),
    ]
    rows = pd.DataFrame(
        {
            "idx1": z[:, 0].astype(np.int64),
            "idx2": z[:, 1].astype(np.int64),
            "dist": z[:, 2],
            "sample_count": z[:, 3].astype(np.int64),
        }
    )
    return "\n".join(lines) + "\n" + rows.to_csv(index=False, header=False, lineterminator="\n")
