"""The table a reader returns, and what every reader does last: name, check and finish it.

Shared by the delimited-text reader (:mod:`loaders.formats`) and the
workbook, Parquet and JSON readers (:mod:`loaders.readers`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import pandas as pd

from loaders.errors import DataError
from loaders.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_cells,
    check_columns,
    check_names,
    check_rows,
    label_note,
    shorten_label,
)
from loaders.sniff import DOT_NUMBER, number_like

_MAX_STRAY_TOKENS = 3
_MAX_TOKEN_LENGTH = 12
_TOKEN_SAMPLE = 1000


@dataclass(frozen=True, eq=False)
class Table:
    """A file read into a DataFrame, with how it was read.

    Attributes
    ----------
    frame : pandas.DataFrame
        Column names are strings, stripped of surrounding spaces.
    filename : str
    format : str
        One of :data:`FORMATS`.
    read_kwargs : dict
        JSON-friendly keyword arguments of the format's pandas reader
        (:data:`READERS`) that return ``frame`` from the file.
    reset_index : bool
        True when the reader puts the sample labels into the index and
        ``frame`` is the reader's result after ``.reset_index()``.
    sheets : tuple of str
        Excel only: every sheet of the workbook, in order.
    notes : tuple of str
        Sentences on how the file was read (delimiter, decimal mark, ...).
    first_row : int
        The number the file gives its first data row in messages (2 below a
        header: a spreadsheet's row number or a text file's line number).
    row_word : str
        ``"line"``, ``"row"`` or ``"record"``: what a row is called in messages.
    key : str
        A content key (file bytes and sheet) for caching.
    raw : bytes or None
        The file's bytes, kept for workbooks with several sheets so another
        sheet can be read.
    """

    frame: pd.DataFrame
    filename: str
    format: str
    read_kwargs: dict
    reset_index: bool = False
    sheets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    first_row: int = 2
    row_word: str = "line"
    key: str = ""
    raw: bytes | None = field(default=None, repr=False)

    @property
    def sheet(self) -> str | None:
        """The sheet that was read (Excel only)."""
        return self.read_kwargs.get("sheet_name") if self.format == "xlsx" else None

    def row_name(self, index: int) -> str:
        """How messages name the row at a 0-based position of :attr:`frame`."""
        return f"{self.row_word} {index + self.first_row}"


def reader_failed(filename: str, what: str, error: BaseException) -> str:
    """The message when a pandas reader fails on a file: what it was reading and the first line of its error."""
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
    if isinstance(error, OverflowError):
        return f"{filename} could not be read as {what}: it holds a number too large for the reader ({detail})"
    return f"{filename} could not be read as {what} ({detail})"


def is_numeric(column: pd.Series) -> bool:
    """True for a numeric, non-boolean column."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def check_size(frame: pd.DataFrame, filename: str, limits: Limits, cap: int | None = None) -> None:
    """Refuse a frame over the columns, rows or cells cap; ``cap`` is the row count reading stopped at."""
    more = cap is not None and frame.shape[0] >= cap
    check_columns(frame.shape[1], filename, limits)
    check_rows(frame.shape[0], filename, limits, more=more)
    check_cells(frame.shape[0], frame.shape[1], filename, limits, more=more)


def clashing_names(names: list[str]) -> list[str]:
    """The names that occur more than once, sorted (one pass: a count per name)."""
    counts = Counter(names)
    return sorted(name for name, count in counts.items() if count > 1)


def finish_table(table: Table, limits: Limits = DEFAULT_LIMITS, cap: int | None = None) -> Table:
    """Name the columns with stripped strings; refuse empty or too large tables and clashing names.

    Text values longer than ``limits.max_label_chars`` are shortened, with a note.
    """
    frame = table.frame
    if frame.shape[1] == 0:
        raise DataError(f"{table.filename} has no columns; upload a table with a header row")
    check_size(frame, table.filename, limits, cap)
    names = [str(c).strip() for c in frame.columns]
    check_names(names, table.filename, limits)
    clashes = clashing_names(names)
    if clashes:
        raise DataError(
            f"{table.filename} has several columns named {', '.join(repr(c) for c in clashes)}; "
            "give every column its own name"
        )
    frame = frame.set_axis(names, axis=1)
    if frame.shape[0] == 0:
        raise DataError(f"{table.filename} has a header but no data rows; add at least 2 rows")
    frame, note = _shorten_labels(frame, limits)
    return replace(table, frame=frame, notes=(*table.notes, note) if note else table.notes)


def _shorten_labels(frame: pd.DataFrame, limits: Limits) -> tuple[pd.DataFrame, str | None]:
    """Cut text values longer than ``limits.max_label_chars`` (any text column may label the samples).

    Returns the frame (the same object when nothing is cut) and a note, or None.
    """
    shortened, columns = 0, []
    for j, name in enumerate(frame.columns):
        column = frame.iloc[:, j]
        if isinstance(column.dtype, pd.CategoricalDtype):
            if not any(isinstance(c, str) and len(c) > limits.max_label_chars for c in column.cat.categories):
                continue
            column = column.astype(object)
        elif not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
            continue
        long = _longer_than(column, limits.max_label_chars)
        if not long.any():
            continue
        values = column[long]
        short = {v: shorten_label(v, limits) for v in values.unique()}
        column = column.copy()
        column[long] = values.map(short)
        if not columns:
            frame = frame.copy(deep=False)  # the caller's frame is left as it was
        frame.isetitem(j, column)
        shortened += int(long.sum())
        columns.append(name)
    return frame, (label_note(shortened, columns, limits) if columns else None)


def _longer_than(column: pd.Series, limit: int) -> pd.Series:
    """A boolean mask of the string values longer than ``limit``."""
    try:
        lengths = column.str.len()
    except (AttributeError, TypeError):  # an object column of other values
        lengths = column.map(lambda v: len(v) if isinstance(v, str) else 0)
    return lengths.gt(limit).fillna(False).astype(bool)


def stray_tokens(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Per text column that is mostly numbers, its few non-numeric values (``?``, ``-``, ``n.a.``).

    Such values are missing-value markers; reading them as missing keeps the
    column numeric.
    """
    found: dict[str, list[str]] = {}
    for name in frame.columns:
        column = frame[name]
        if is_numeric(column) or pd.api.types.is_bool_dtype(column):
            continue
        values = column.dropna().astype(str).str.strip()
        if values.empty or not values.head(_TOKEN_SAMPLE).map(is_number_text).mean() >= 0.5:
            continue  # decided on a sample first: a long text column costs nothing
        numeric = values.map(is_number_text)
        tokens = sorted(set(values[~numeric]))
        few = len(tokens) <= _MAX_STRAY_TOKENS and all(len(t) <= _MAX_TOKEN_LENGTH for t in tokens)
        if numeric.mean() >= 0.5 and few and not any(DOT_NUMBER.match(t) for t in tokens):
            found[str(name)] = tokens
    return found


def is_number_text(value: str) -> bool:
    """True when a text cell reads as a number."""
    return number_like(value, ".", None) is True


def stray_note(tokens: dict[str, list[str]]) -> str:
    """A note naming the stray tokens read as missing values."""
    values = sorted({t for ts in tokens.values() for t in ts})
    columns = ", ".join(f"'{c}'" for c in tokens)
    return f"Read {', '.join(repr(v) for v in values)} as missing values (in column(s) {columns})."
