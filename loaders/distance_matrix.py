"""Recognise and check tables that hold pairwise distances rather than observations.

A distance matrix is square, symmetric, non-negative and zero on the
diagonal; a condensed one is the n(n-1)/2 entries above the diagonal in
``scipy.spatial.distance.squareform`` order. Problems are reported by cell,
with the row and column labels when the table has them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import squareform

from loaders.errors import DataError

MAX_NAMED_CELLS = 5
_SYMMETRY_RTOL = 1e-7


@dataclass(frozen=True)
class Detection:
    """What the shape and values of a numeric table say about it.

    Attributes
    ----------
    shape : str
        ``"square"``, ``"condensed"`` (one row or one column of n(n-1)/2
        values) or ``"none"`` (it cannot be a distance matrix).
    looks_like_distances : bool
        True when automatic reading should take it as distances: a square
        table with a zero diagonal or with row labels equal to its column
        names, or a single row of n(n-1)/2 values (one row cannot be
        observations).
    reason : str
        One sentence for the user on why (or why not).
    """

    shape: str
    looks_like_distances: bool
    reason: str

    @property
    def possible(self) -> bool:
        """True when the table could be read as distances at all."""
        return self.shape != "none"


def triangular_size(length: int) -> int | None:
    """The n with n(n-1)/2 == length (n >= 2), or None."""
    if length < 1:
        return None
    n = int(round((1 + math.sqrt(1 + 8 * length)) / 2))
    return n if n * (n - 1) // 2 == length else None


def detect(values: np.ndarray, row_labels: Sequence[str] | None, column_names: Sequence[str]) -> Detection:
    """Decide whether a numeric table looks like a distance matrix.

    Parameters
    ----------
    values : ndarray of shape (rows, columns)
        The numeric columns (missing values as NaN).
    row_labels : sequence of str or None
        The label column's values, if there is one.
    column_names : sequence of str

    Returns
    -------
    Detection
    """
    rows, cols = values.shape
    if rows == cols >= 2:
        diagonal = np.diag(values)
        zero_diagonal = bool(np.isfinite(diagonal).all() and (diagonal == 0).all())
        labelled = row_labels is not None and [str(r) for r in row_labels] == [str(c) for c in column_names]
        if zero_diagonal or labelled:
            why = "its row labels match its column names" if labelled else "its diagonal is zero"
            return Detection("square", True, f"The table is square ({rows} × {cols}) and {why}")
        if np.isfinite(values).all() and np.allclose(values, values.T):
            return Detection(
                "square", False, f"The table is square ({rows} × {cols}) and symmetric, but its diagonal is not zero"
            )
    if rows == 1 and (triangular_size(cols) or 0) >= 3:
        return Detection("condensed", True, f"The table is one row of {cols} = n(n-1)/2 values")
    if cols == 1 and (triangular_size(rows) or 0) >= 3:
        return Detection("condensed", False, f"The table is one column of {rows} = n(n-1)/2 values")
    return Detection("none", False, f"The table has {rows} rows and {cols} numeric columns")


def condensed_distances(values: np.ndarray, labels: Sequence[str] | None) -> np.ndarray:
    """Check a square or condensed distance table and return the condensed vector.

    Parameters
    ----------
    values : ndarray of shape (n, n), (1, L) or (L, 1)
        A square matrix, or one row or column of L = n(n-1)/2 values.
    labels : sequence of str or None
        Names for the n samples (square tables), used in messages.

    Returns
    -------
    ndarray of shape (n * (n - 1) / 2,)
        The entries above the diagonal (``squareform`` order).

    Raises
    ------
    DataError
        If the shape fits neither form, or a cell is missing, infinite or
        negative, the diagonal is not zero, or the matrix is not symmetric;
        the message names the cells.
    """
    rows, cols = values.shape
    if rows == cols >= 2:
        return _check_square(values, labels)
    if 1 in (rows, cols):
        vector = values.reshape(-1)
        n = triangular_size(vector.size)
        if n is None or n < 2:
            raise DataError(
                f"{vector.size} values cannot be a condensed distance vector: it needs n(n-1)/2 values "
                "(1, 3, 6, 10, 15, …) for n samples"
            )
        return _check_condensed(vector, n)
    raise DataError(
        f"a distance matrix must be square, but this one has {rows} rows and {cols} numeric columns; "
        "read it as observations, or upload an n × n matrix (or one row of n(n-1)/2 values)"
    )


def _check_square(matrix: np.ndarray, labels: Sequence[str] | None) -> np.ndarray:
    n = matrix.shape[0]
    names = [str(label) for label in labels] if labels is not None else [str(i + 1) for i in range(n)]

    def cells(mask: np.ndarray, upper_only: bool = False) -> str:
        if upper_only:
            mask = np.triu(mask, 1)
        rows, cols = np.nonzero(mask)
        shown = [f"({names[r]}, {names[c]}) = {_num(matrix[r, c])}" for r, c in zip(rows, cols)][:MAX_NAMED_CELLS]
        more = len(rows) - MAX_NAMED_CELLS
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    bad = ~np.isfinite(matrix)
    if bad.any():
        raise DataError(
            f"the distance matrix has {int(bad.sum())} missing or infinite cell(s) (row, column): {cells(bad)}; "
            "a distance matrix must be complete"
        )
    negative = matrix < 0
    if negative.any():
        raise DataError(
            f"the distance matrix has {int(negative.sum())} negative cell(s) (row, column): {cells(negative)}; "
            "distances must be at least 0"
        )
    scale = float(np.abs(matrix).max()) or 1.0
    bad_diagonal = np.diag(np.abs(np.diag(matrix)) > 1e-12 * scale)
    if bad_diagonal.any():
        raise DataError(
            f"the diagonal of a distance matrix must be 0 (each sample is at distance 0 from itself), "
            f"but {int(bad_diagonal.sum())} cell(s) are not: {cells(bad_diagonal)}; "
            "if the table holds features, read it as observations"
        )
    asymmetric = ~np.isclose(matrix, matrix.T, rtol=_SYMMETRY_RTOL, atol=1e-12 * scale)
    if asymmetric.any():
        rows, cols = np.nonzero(np.triu(asymmetric, 1))
        shown = [
            f"({names[r]}, {names[c]}) = {_num(matrix[r, c])} but ({names[c]}, {names[r]}) = {_num(matrix[c, r])}"
            for r, c in zip(rows, cols)
        ][:MAX_NAMED_CELLS]
        more = len(rows) - MAX_NAMED_CELLS
        raise DataError(
            f"the distance matrix is not symmetric: {'; '.join(shown)}{f' and {more} more pairs' if more > 0 else ''} "
            f"(cells named (row, column); {len(rows)} pair(s) differ). The distance from a to b must equal the "
            "distance from b to a"
        )
    symmetric = (matrix + matrix.T) / 2
    np.fill_diagonal(symmetric, 0.0)
    return squareform(symmetric, checks=False)


def _check_condensed(vector: np.ndarray, n: int) -> np.ndarray:
    bad = np.flatnonzero(~np.isfinite(vector) | (vector < 0))
    if bad.size:
        shown = ", ".join(f"value {i + 1} = {_num(vector[i])}" for i in bad[:MAX_NAMED_CELLS])
        more = bad.size - MAX_NAMED_CELLS
        raise DataError(
            f"a condensed distance vector must hold finite distances of at least 0, but {bad.size} do not: "
            f"{shown}{f' and {more} more' if more > 0 else ''}"
        )
    return vector.astype(float)


def _num(value: float) -> str:
    return "missing" if np.isnan(value) else f"{value:g}"
