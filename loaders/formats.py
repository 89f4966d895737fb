"""Read an uploaded file's bytes into a pandas table, whatever its format.

One reader per format: delimited text here, Excel, Parquet and JSON in
:mod:`loaders.readers`; :mod:`loaders.table` holds the :class:`Table` they
return and what every reader does last. A table's ``read_kwargs`` make the
matching pandas reader return the same frame from the same file, so the
steps can be replayed as code.
Every problem raises :class:`DataError` with a message for the user.

The caps of :class:`loaders.limits.Limits` are checked before any per-column
work: on the header line of delimited text (counting delimiters, before pandas
parses), the ZIP directory of a workbook (before it is opened), the metadata
of a Parquet file and the parsed JSON document; then again on the table read.
Reading stops one row past the rows and cells caps. Nothing here is quadratic
in the number of columns (pandas' renaming of repeated header names is, in
the number of repeats, but only up to ``max_columns``). Text values longer
than ``max_label_chars`` are shortened, with a note: any text column may
label the samples, and a label is drawn on every figure.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePath

import pandas as pd

from loaders.errors import DataError
from loaders.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_columns,
    check_names,
)
from loaders.readers import read_excel, read_json, read_parquet
from loaders.sniff import decode, sniff_dialect
from loaders.table import Table, check_size, finish_table, reader_failed, stray_note, stray_tokens

FORMATS = ("csv", "tsv", "xlsx", "parquet", "json")
READERS = {"csv": "read_csv", "tsv": "read_csv", "xlsx": "read_excel", "parquet": "read_parquet", "json": "read_json"}
ACCEPTED_EXTENSIONS = (
    *(".csv", ".tsv", ".tab", ".txt"),
    *(".xlsx", ".xlsm"),
    *(".parquet", ".pq"),
    *(".json", ".jsonl", ".ndjson"),
)

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET_MAGIC = b"PAR1"
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_NON_BLANK = re.compile(r"\S")


def parse_file(raw: bytes, filename: str, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a file's bytes into a :class:`Table`, choosing the reader from its content and name.

    Parameters
    ----------
    raw : bytes
    filename : str
        Its extension breaks ties; it names the messages.
    sheet : str, optional
        Excel only: the sheet to read (default: the first).
    limits : Limits, optional
        Caps on columns, rows, cells, name lengths and archive sizes; a file
        over one is refused. Text values longer than
        ``limits.max_label_chars`` are shortened, with a note.

    Returns
    -------
    Table

    Raises
    ------
    DataError
        If the file cannot be read as a table, or is over a limit, with the reason and the fix.
    """
    if not raw.strip():
        raise DataError(f"{filename} is empty; upload a table with a header row and numeric columns")
    suffix = PurePath(filename).suffix.lower()
    if raw.startswith(_ZIP_MAGIC):
        table = read_excel(raw, filename, sheet, limits)
    elif raw.startswith(_OLE_MAGIC):
        raise DataError(
            f"{filename} is an old Excel 97-2003 workbook (.xls) or an encrypted one, which cannot be read; "
            "save it as .xlsx (without a password) or as CSV"
        )
    elif raw.startswith(_PARQUET_MAGIC):
        table = read_parquet(raw, filename, limits)
    elif suffix in (".xlsx", ".xlsm"):
        raise DataError(
            f"{filename} is not an Excel workbook: an .xlsx file is a ZIP archive, and this one is not; "
            "save it again from Excel, or upload it with its real extension"
        )
    elif suffix in (".parquet", ".pq"):
        raise DataError(f"{filename} is not a Parquet file (it does not start with PAR1); write it with to_parquet")
    elif suffix in (".json", ".jsonl", ".ndjson") or raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        table = read_json(raw, filename, limits)
    else:
        table = _read_text(raw, filename, limits)
    return replace(table, key=_content_key(raw, table.sheet))


def _content_key(raw: bytes, sheet: str | None) -> str:
    digest = hashlib.sha256(raw)
    digest.update(repr(sheet).encode())
    return digest.hexdigest()[:32]


# --- delimited text -----------------------------------------------------------


def _read_text(raw: bytes, filename: str, limits: Limits) -> Table:
    text, encoding = decode(raw, filename)
    dialect = sniff_dialect(text, encoding)  # looks at the first 64,000 characters only
    kwargs = dict(dialect.read_kwargs)
    width = max(_check_header(text, kwargs["sep"], dialect.has_header, filename, limits), len(kwargs.get("names", ())))
    check_columns(width, filename, limits)
    cap = limits.row_cap(width)
    frame = _read_csv(raw, filename, kwargs, cap)
    check_size(frame, filename, limits, cap)
    tokens = stray_tokens(frame)
    notes = [f"Read as {dialect.description}."] if dialect.description != "comma-separated" else []
    if tokens:
        kwargs["na_values"] = sorted({t for column_tokens in tokens.values() for t in column_tokens})
        frame = _read_csv(raw, filename, kwargs, cap)
        notes.append(stray_note(tokens))
    fmt = "tsv" if kwargs["sep"] == "\t" else "csv"
    return finish_table(
        Table(frame, filename, fmt, kwargs, first_row=2 if dialect.has_header else 1, notes=tuple(notes)),
        limits,
        cap,
    )


def _check_header(text: str, sep: str, has_header: bool, filename: str, limits: Limits) -> int:
    """Refuse too many columns (or, in a header, too long names) from the first line; return its field count.

    Counting the delimiters of the first non-blank line is exact unless a
    field is quoted; then the ``csv`` module reads the first record (quoted
    fields may hold the delimiter or a line break).
    """
    start, end = _header_line(text)
    line = text[start:end]
    if '"' not in line:
        check_columns(line.count(sep) + 1, filename, limits)
        fields = line.split(sep)
    else:
        try:
            fields = next(csv.reader(_lines_from(text, start), delimiter=sep, skipinitialspace=True), [""])
        except csv.Error:  # a field over the csv module's limit (131,072 characters), or a stray line break
            fields = line.split(sep)
        check_columns(len(fields), filename, limits)
    if has_header:
        check_names([f.strip() for f in fields], filename, limits)
    return len(fields)


def _header_line(text: str) -> tuple[int, int]:
    """Start and end of the first non-blank line (string methods only, however many blank lines)."""
    found = _NON_BLANK.search(text)
    first = found.start() if found else len(text)
    start = max(text.rfind("\n", 0, first), text.rfind("\r", 0, first)) + 1
    newline = text.find("\n", first)
    newline = len(text) if newline < 0 else newline
    carriage = text.find("\r", first, newline)
    return start, newline if carriage < 0 else carriage


def _lines_from(text: str, start: int) -> Iterator[str]:
    """The lines of ``text`` from ``start``, ends included, one at a time."""
    pos, size = start, len(text)
    while pos < size:
        end = text.find("\n", pos)
        end = size if end < 0 else end + 1
        yield text[pos:end]
        pos = end


def _read_csv(raw: bytes, filename: str, kwargs: dict, nrows: int | None = None) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            return pd.read_csv(io.BytesIO(raw), **kwargs, nrows=nrows)
    except pd.errors.EmptyDataError as error:
        raise DataError(f"{filename} has no columns; upload a table with a header row") from error
    except pd.errors.ParserError as error:
        found = _RAGGED.search(str(error))
        if found:
            expected, line, saw = found.groups()
            raise DataError(
                f"{filename} has ragged rows: line {line} has {saw} fields where the lines above have {expected}; "
                "make every row have the same number of fields (check for stray delimiters)"
            ) from error
        raise DataError(reader_failed(filename, "a delimited text table", error)) from error
    except (ValueError, OverflowError, UnicodeError) as error:
        raise DataError(reader_failed(filename, "a delimited text table", error)) from error
