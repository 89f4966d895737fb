"""How large a table the app reads: caps on rows, columns, cells, name and label lengths, archives.

A server shared by a classroom must refuse, quickly and with a clear message,
a file that would keep a worker busy or fill its memory. :class:`Limits`
holds the caps (an operator sets them through environment variables, see
:data:`ENVIRONMENT`); the ``check_*`` functions compare a count with its cap
and raise :class:`~loaders.errors.DataError` with the number found, the cap and
the fix. They are pure and cheap: the readers in :mod:`loaders.formats` call
them on counts taken before any per-column work (the header line, Parquet
metadata, the ZIP directory) and again on the table that was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from loaders.errors import DataError

ENVIRONMENT = {
    "max_rows": "HCLUST_MAX_ROWS",
    "max_columns": "HCLUST_MAX_COLUMNS",
    "max_cells": "HCLUST_MAX_CELLS",
    "max_name_chars": "HCLUST_MAX_NAME_CHARS",
    "max_label_chars": "HCLUST_MAX_LABEL_CHARS",
    "max_uncompressed_mb": "HCLUST_MAX_UNCOMPRESSED_MB",
    "max_compression_ratio": "HCLUST_MAX_COMPRESSION_RATIO",
}
"""The environment variable each :class:`Limits` field is read from (by ``config.py``)."""

RATIO_FLOOR_BYTES = 1_000_000
"""Archive members smaller than this are not checked for their compression ratio (they cannot hurt)."""

ELLIPSIS = "…"
_PREVIEW_CHARS = 24


@dataclass(frozen=True)
class Limits:
    """Caps on what a file may hold; a file above one is refused with a message (labels are shortened).

    The defaults suit a classroom server (a few GB of memory shared by a room):
    every table a lesson or a student project needs fits, and the largest
    accepted table stays far below the memory a worker has.

    Attributes
    ----------
    max_rows : int
        Data rows (``HCLUST_MAX_ROWS``, default 2,000,000). Clustering itself
        is bounded much lower by the memory budget; this cap keeps reading cheap.
    max_columns : int
        Columns (``HCLUST_MAX_COLUMNS``, default 2,000). Checked on the header
        before the file is parsed.
    max_cells : int
        Rows times columns (``HCLUST_MAX_CELLS``, default 50,000,000: 400 MB of
        numbers).
    max_name_chars : int
        Characters in a column name (``HCLUST_MAX_NAME_CHARS``, default 200);
        longer names are refused.
    max_label_chars : int
        Characters in a text cell, which may become a sample label
        (``HCLUST_MAX_LABEL_CHARS``, default 200); longer text is shortened
        to this length, ending in ``…``, with a note (not refused).
    max_uncompressed_mb : int
        What an archive (.xlsx) may unpack to, in MB
        (``HCLUST_MAX_UNCOMPRESSED_MB``, default 100: openpyxl reads about
        2 MB of sheet XML a second, so this bounds a workbook to about a minute).
    max_compression_ratio : int
        How many times smaller than its content an archive member may be
        (``HCLUST_MAX_COMPRESSION_RATIO``, default 100). Workbooks saved by
        Excel or LibreOffice compress 4 to 20 times; a zip bomb, about 1,000.
        Members under :data:`RATIO_FLOOR_BYTES` are not checked.
    """

    max_rows: int = 2_000_000
    max_columns: int = 2_000
    max_cells: int = 50_000_000
    max_name_chars: int = 200
    max_label_chars: int = 200
    max_uncompressed_mb: int = 100
    max_compression_ratio: int = 100

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{ENVIRONMENT[f.name]} must be a whole number of at least 1 (got {value!r})")

    @property
    def max_uncompressed_bytes(self) -> int:
        """:attr:`max_uncompressed_mb` in bytes."""
        return self.max_uncompressed_mb * 1_000_000

    def row_cap(self, columns: int) -> int:
        """How many data rows to read at most from a table of this many columns.

        One more than the rows and cells caps allow, so that reading stops
        early and a table over a cap is still seen to be over it.
        """
        return min(self.max_rows, self.max_cells // max(columns, 1)) + 1


DEFAULT_LIMITS = Limits()


def check_columns(count: int, filename: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a table with more than ``limits.max_columns`` columns."""
    if count > limits.max_columns:
        raise DataError(
            f"{filename} has {count:,} columns; up to {limits.max_columns:,} can be read: "
            f"keep the columns you need, or ask the operator to raise {ENVIRONMENT['max_columns']}"
        )


def check_rows(count: int, filename: str, limits: Limits = DEFAULT_LIMITS, *, more: bool = False) -> None:
    """Refuse a table with more than ``limits.max_rows`` data rows.

    Parameters
    ----------
    count : int
        The rows found (or read, when reading stopped early).
    filename : str
    limits : Limits
    more : bool
        True when reading stopped at ``count`` rows, so the file has at least that many.
    """
    if count > limits.max_rows:
        found = f"more than {limits.max_rows:,}" if more else f"{count:,}"
        raise DataError(
            f"{filename} has {found} rows; up to {limits.max_rows:,} can be read: "
            f"keep a sample of the rows, or ask the operator to raise {ENVIRONMENT['max_rows']}"
        )


def check_cells(rows: int, columns: int, filename: str, limits: Limits = DEFAULT_LIMITS, *, more: bool = False) -> None:
    """Refuse a table with more than ``limits.max_cells`` cells (rows times columns).

    ``more`` as in :func:`check_rows`: reading stopped at ``rows`` rows.
    """
    cells = rows * columns
    if cells > limits.max_cells:
        found = (
            f"more than {limits.max_cells:,} cells ({columns:,} columns of at least {rows:,} rows)"
            if more
            else f"{cells:,} cells ({rows:,} rows of {columns:,} columns)"
        )
        raise DataError(
            f"{filename} has {found}; up to {limits.max_cells:,} cells can be read: "
            f"keep fewer rows or columns, or ask the operator to raise {ENVIRONMENT['max_cells']}"
        )


def check_shape(rows: int, columns: int, filename: str, limits: Limits = DEFAULT_LIMITS, *, more: bool = False) -> None:
    """:func:`check_columns`, :func:`check_rows` then :func:`check_cells`."""
    check_columns(columns, filename, limits)
    check_rows(rows, filename, limits, more=more)
    check_cells(rows, columns, filename, limits, more=more)


def check_names(names: Sequence[str], filename: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse column names longer than ``limits.max_name_chars`` (one pass over the names)."""
    limit = limits.max_name_chars
    long = [i for i, name in enumerate(names) if len(name) > limit]
    if long:
        first = long[0]
        others = f" (and {len(long) - 1:,} other column(s))" if len(long) > 1 else ""
        raise DataError(
            f"{filename}: column {first + 1:,} has a name of {len(names[first]):,} characters "
            f"({preview(names[first])}){others}; names of up to {limit:,} characters can be read: "
            f"shorten it, or ask the operator to raise {ENVIRONMENT['max_name_chars']}"
        )


def check_archive(members: Iterable, filename: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a ZIP archive that unpacks to too much, or whose members compress like a zip bomb.

    Parameters
    ----------
    members : iterable
        The archive's entries as ``zipfile.ZipInfo`` (anything with
        ``filename``, ``file_size`` and ``compress_size``): the sizes the
        archive's directory declares, which Python's ``zipfile`` enforces when
        it unpacks a member.
    filename : str
    limits : Limits
    """
    total = 0
    for member in members:
        size, packed = int(member.file_size), int(member.compress_size)
        total += size
        ratio = size / max(packed, 1)
        if size >= RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            raise DataError(
                f"{filename} looks like a zip bomb: its part {preview(str(member.filename), 60)} unpacks to "
                f"{_megabytes(size)} from {_megabytes(packed)}, {ratio:,.0f} times its packed size, where a "
                f"workbook packs at most {limits.max_compression_ratio:,} times; it was not opened. Save it again "
                f"from Excel or LibreOffice, or as CSV, or ask the operator to raise "
                f"{ENVIRONMENT['max_compression_ratio']}"
            )
        if total > limits.max_uncompressed_bytes:
            raise DataError(
                f"{filename} unpacks to more than {limits.max_uncompressed_mb:,} MB, the most an archive may "
                f"unpack to; it was not opened. Save the table as CSV or Parquet, or ask the operator to raise "
                f"{ENVIRONMENT['max_uncompressed_mb']}"
            )


def shorten_label(text: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """``text`` cut to ``limits.max_label_chars`` characters, the last one ``…``, if it is longer."""
    limit = limits.max_label_chars
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def label_note(count: int, columns: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> str:
    """The note for :func:`shorten_label` applied to ``count`` values in these columns."""
    named = ", ".join(preview(c) for c in columns)
    return (
        f"Shortened {count:,} text value(s) longer than {limits.max_label_chars:,} characters "
        f"(in column(s) {named}) to their first {limits.max_label_chars - 1:,} characters and '{ELLIPSIS}'; "
        f"the operator can raise {ENVIRONMENT['max_label_chars']} to keep more."
    )


def preview(text: str, chars: int = _PREVIEW_CHARS) -> str:
    """``text`` quoted for a message, cut to ``chars`` characters."""
    return repr(text if len(text) <= chars else text[:chars] + ELLIPSIS)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1_000_000 else f"{size / 1e3:,.1f} KB"
