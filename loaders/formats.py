"""Read an uploaded file's bytes into a pandas table, whatever its format.

One reader per format (delimited text, Excel, Parquet, JSON). Each returns a
:class:`Table` whose ``read_kwargs`` make the matching pandas reader return
the same frame from the same file, so the steps can be replayed as code.
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
import json
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils.exceptions import InvalidFileException

from loaders.errors import DataError
from loaders.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_archive,
    check_cells,
    check_columns,
    check_names,
    check_rows,
    check_shape,
    label_note,
    shorten_label,
)
from loaders.sniff import DOT_NUMBER, decode, number_like, sniff_dialect

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
_MAX_STRAY_TOKENS = 3
_MAX_TOKEN_LENGTH = 12
_TOKEN_SAMPLE = 1000
_HEADER_SNIFF_ROWS = 50
_EXCEL_ERRORS = (
    *(zipfile.BadZipFile, KeyError, InvalidFileException),  # not a workbook
    *(ValueError, OSError, EOFError, TypeError, OverflowError),  # a workbook pandas cannot read
)
_PARQUET_ERRORS = (pa.ArrowException, ValueError, OSError, NotImplementedError, TypeError, IndexError, OverflowError)
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_NON_BLANK = re.compile(r"\S")
_ZIP_ERRORS = (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, NotImplementedError, OverflowError)


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
        table = _read_excel(raw, filename, sheet, limits)
    elif raw.startswith(_OLE_MAGIC):
        raise DataError(
            f"{filename} is an old Excel 97-2003 workbook (.xls) or an encrypted one, which cannot be read; "
            "save it as .xlsx (without a password) or as CSV"
        )
    elif raw.startswith(_PARQUET_MAGIC):
        table = _read_parquet(raw, filename, limits)
    elif suffix in (".xlsx", ".xlsm"):
        raise DataError(
            f"{filename} is not an Excel workbook: an .xlsx file is a ZIP archive, and this one is not; "
            "save it again from Excel, or upload it with its real extension"
        )
    elif suffix in (".parquet", ".pq"):
        raise DataError(f"{filename} is not a Parquet file (it does not start with PAR1); write it with to_parquet")
    elif suffix in (".json", ".jsonl", ".ndjson") or raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        table = _read_json(raw, filename, limits)
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
    _check_size(frame, filename, limits, cap)
    tokens = _stray_tokens(frame)
    notes = [f"Read as {dialect.description}."] if dialect.description != "comma-separated" else []
    if tokens:
        kwargs["na_values"] = sorted({t for column_tokens in tokens.values() for t in column_tokens})
        frame = _read_csv(raw, filename, kwargs, cap)
        notes.append(_stray_note(tokens))
    fmt = "tsv" if kwargs["sep"] == "\t" else "csv"
    return _finish(
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
        raise DataError(_reader_failed(filename, "a delimited text table", error)) from error
    except (ValueError, OverflowError, UnicodeError) as error:
        raise DataError(_reader_failed(filename, "a delimited text table", error)) from error


def _reader_failed(filename: str, what: str, error: BaseException) -> str:
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
    if isinstance(error, OverflowError):
        return f"{filename} could not be read as {what}: it holds a number too large for the reader ({detail})"
    return f"{filename} could not be read as {what} ({detail})"


def _stray_tokens(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Per text column that is mostly numbers, its few non-numeric values (``?``, ``-``, ``n.a.``).

    Such values are missing-value markers; reading them as missing keeps the
    column numeric.
    """
    found: dict[str, list[str]] = {}
    for name in frame.columns:
        column = frame[name]
        if _is_numeric(column) or pd.api.types.is_bool_dtype(column):
            continue
        values = column.dropna().astype(str).str.strip()
        if values.empty or not values.head(_TOKEN_SAMPLE).map(_is_number).mean() >= 0.5:
            continue  # decided on a sample first: a long text column costs nothing
        numeric = values.map(_is_number)
        tokens = sorted(set(values[~numeric]))
        few = len(tokens) <= _MAX_STRAY_TOKENS and all(len(t) <= _MAX_TOKEN_LENGTH for t in tokens)
        if numeric.mean() >= 0.5 and few and not any(DOT_NUMBER.match(t) for t in tokens):
            found[str(name)] = tokens
    return found


def _is_number(value: str) -> bool:
    return number_like(value, ".", None) is True


def _stray_note(tokens: dict[str, list[str]]) -> str:
    values = sorted({t for ts in tokens.values() for t in ts})
    columns = ", ".join(f"'{c}'" for c in tokens)
    return f"Read {', '.join(repr(v) for v in values)} as missing values (in column(s) {columns})."


# --- Excel ----------------------------------------------------------------------


def _read_excel(raw: bytes, filename: str, sheet: str | None, limits: Limits) -> Table:
    _check_zip(raw, filename, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl: unsupported extensions, styles
            book = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
            sheets = tuple(str(s) for s in book.sheet_names)
            if not sheets:
                raise DataError(f"{filename} has no sheets; add a sheet with a table")
            chosen = sheets[0] if sheet is None else sheet
            if chosen not in sheets:
                raise DataError(f"{filename} has no sheet {chosen!r}; choose one of: {', '.join(sheets)}")
            # openpyxl parses every cell of a row: a wide first row is refused after one row, not 50
            check_columns(book.parse(chosen, header=None, nrows=1).shape[1], filename, limits)
            head = book.parse(chosen, header=None, nrows=_HEADER_SNIFF_ROWS)
            if head.empty:
                raise DataError(f"sheet {chosen!r} of {filename} is empty; put the table on it or pick another sheet")
            check_columns(head.shape[1], filename, limits)
            kwargs: dict = {"sheet_name": chosen}
            skip = _title_rows(head)
            if skip:
                kwargs["skiprows"] = skip
                head = head.iloc[skip:].reset_index(drop=True)
            has_header = _frame_has_header(head)
            if has_header:
                check_names([str(v).strip() for v in head.iloc[0]], filename, limits)
            else:
                kwargs.update(header=None, names=[f"column {i + 1}" for i in range(head.shape[1])])
            cap = limits.row_cap(head.shape[1])
            frame = book.parse(**kwargs, nrows=cap)
            _check_size(frame, filename, limits, cap)
            tokens = _stray_tokens(frame)
            if tokens:
                kwargs["na_values"] = sorted({t for ts in tokens.values() for t in ts})
                frame = book.parse(**kwargs, nrows=cap)
    except DataError:
        raise
    except _EXCEL_ERRORS as error:
        if isinstance(error, zipfile.BadZipFile | KeyError | InvalidFileException):
            raise DataError(
                f"{filename} is a ZIP archive but not an Excel workbook ({_first_line(error)}); "
                "upload an .xlsx saved by Excel or LibreOffice, or a CSV"
            ) from error
        raise DataError(_reader_failed(filename, "an Excel workbook", error)) from error
    notes = [f"Read sheet {chosen!r} ({sheets.index(chosen) + 1} of {len(sheets)} sheets)."] if len(sheets) > 1 else []
    if skip:
        notes.append(f"Skipped {skip} title or blank row(s) above the table.")
    if not has_header:
        notes.append("The first row holds numbers, so it is data: columns are named column 1, column 2, ….")
    if tokens:
        notes.append(_stray_note(tokens))
    return _finish(
        Table(
            frame,
            filename,
            "xlsx",
            kwargs,
            sheets=sheets,
            notes=tuple(notes),
            first_row=skip + (2 if has_header else 1),
            row_word="row",
            raw=raw if len(sheets) > 1 else None,
        ),
        limits,
        cap,
    )


def _check_zip(raw: bytes, filename: str, limits: Limits) -> None:
    """Refuse a workbook whose ZIP directory declares too much unpacked data, before anything unpacks it.

    ``zipfile`` never unpacks more than a member's declared size, so the
    directory can be trusted. An archive ``zipfile`` cannot list is left to
    the reader, which names the problem.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except _ZIP_ERRORS:
        return
    check_archive(members, filename, limits)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().strip("'\"").splitlines() or [type(error).__name__])[0][:160]


def _cell_kind(value) -> bool | None:
    """True for a number, False for text (or anything else), None for an empty cell."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return True
    if isinstance(value, str):
        return number_like(value, ".", None)
    return False


def _title_rows(head: pd.DataFrame) -> int:
    """How many rows above the table hold at most one cell (a title, a note, nothing).

    Spreadsheets often put a title above the table; the table starts at the
    first row that fills at least two cells.
    """
    filled = head.notna().sum(axis=1).to_numpy()
    if filled.size == 0 or filled.max() < 2:
        return 0
    return int(np.argmax(filled >= 2))


def _frame_has_header(head: pd.DataFrame) -> bool:
    """Like the text sniffer: the first row is a header unless it holds numbers over numeric columns."""
    if head.shape[0] == 1:
        return not all(_cell_kind(v) is True for v in head.iloc[0])
    first = [_cell_kind(v) for v in head.iloc[0]]
    marks = []
    for j in range(head.shape[1]):
        body = [_cell_kind(v) for v in head.iloc[1:, j]]
        if any(k is True for k in body) and not any(k is False for k in body):
            marks.append(first[j])
    if not marks:
        return True
    return any(m is False for m in marks) or all(m is None for m in marks)


# --- Parquet --------------------------------------------------------------------


def _read_parquet(raw: bytes, filename: str, limits: Limits) -> Table:
    _check_parquet(raw, filename, limits)
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except _PARQUET_ERRORS as error:
        raise DataError(_reader_failed(filename, "a Parquet file", error)) from error
    frame, reset = _labels_from_index(frame)
    return _finish(Table(frame, filename, "parquet", {}, reset_index=reset, first_row=1, row_word="row"), limits)


def _check_parquet(raw: bytes, filename: str, limits: Limits) -> None:
    """Refuse too many columns, rows or cells, or too long names, from the file's metadata (no data is read).

    A file whose metadata cannot be read is left to the reader, which names the problem.
    """
    try:
        parquet = pq.ParquetFile(pa.BufferReader(raw))
        meta = parquet.metadata
        columns, rows = meta.num_columns, meta.num_rows  # leaf columns: nested ones count each part
        if columns > limits.max_columns:
            schema = parquet.schema_arrow
            pandas_meta = schema.pandas_metadata
            stored = pandas_meta.get("index_columns") if isinstance(pandas_meta, dict) else None
            index = sum(isinstance(c, str) for c in stored) if isinstance(stored, list) else 0
            columns = len(schema.names) - index  # a text index becomes a column again: checked after reading
    except _PARQUET_ERRORS:  # not DataError: it is a ValueError
        return
    check_shape(rows, columns, filename, limits)
    try:
        names = parquet.schema_arrow.names
    except _PARQUET_ERRORS:
        return
    check_names([str(n).strip() for n in names], filename, limits)


def _labels_from_index(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Move an index of text labels into the first column; drop a numeric index."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) or _is_numeric(pd.Series(index)) or isinstance(index, pd.MultiIndex):
        return frame.reset_index(drop=True), False
    return frame.reset_index(), True


# --- JSON -----------------------------------------------------------------------


def _read_json(raw: bytes, filename: str, limits: Limits) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"{filename} is not UTF-8 text; JSON files must be UTF-8") from error
    if "\x00" in text:
        raise DataError(f"{filename} is not a text table: it contains binary data (a NUL byte)")
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    kwargs: dict = {"encoding": encoding, "convert_dates": False}
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise DataError(
            f"{filename} is JSON nested too deeply to be a table; use records ([{{...}}, ...]) or columns "
            '({"column": [...]})'
        ) from error
    except json.JSONDecodeError as error:
        records = _json_lines(text)
        if records is None:
            raise DataError(
                f"{filename} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
            ) from error
        data, kwargs["lines"] = records, True
    _check_json(data, filename, limits)
    kwargs["orient"] = _json_orient(data, filename)
    try:
        frame = pd.read_json(io.BytesIO(raw), **kwargs)
    except (ValueError, OverflowError, TypeError) as error:
        raise DataError(_reader_failed(filename, "a JSON table", error)) from error
    frame, reset = _labels_from_index(frame)
    return _finish(
        Table(frame, filename, "json", kwargs, reset_index=reset, first_row=1, row_word="record"),
        limits,
    )


def _check_json(data, filename: str, limits: Limits) -> None:
    """Refuse a parsed document with too many columns, rows or cells, or too long names, before pandas builds it.

    One pass over the records at most (their keys make the columns); shapes
    that are not tables are left to :func:`_json_orient`.
    """
    names: list = []
    rows = width = 0
    if isinstance(data, list):
        rows = len(data)
        if data and isinstance(data[0], dict):
            keys: dict = {}
            for record in data:
                if isinstance(record, dict):
                    keys.update(dict.fromkeys(record))
            names = list(keys)
        elif data and isinstance(data[0], list):
            width = max((len(r) for r in data if isinstance(r, list)), default=0)
    elif isinstance(data, dict):
        if {"columns", "data"} <= data.keys():
            names = data["columns"] if isinstance(data["columns"], list) else []
            rows = len(data["data"]) if isinstance(data["data"], list) else 0
        else:
            names = list(data)
            rows = max((len(c) for c in data.values() if isinstance(c, list | dict)), default=0)
    check_shape(rows, max(width, len(names)), filename, limits)
    check_names([str(n).strip() for n in names], filename, limits)


def _json_lines(text: str) -> list | None:
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError):
            return None
    return records if records and all(isinstance(r, dict) for r in records) else None


def _is_scalar(value) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _json_orient(data, filename: str) -> str:
    """The ``read_json`` orient of a parsed document; refuses shapes that are not flat tables."""
    shape_hint = 'use records ([{"x": 1, "y": 2}, ...]) or columns ({"x": [1, ...], "y": [2, ...]})'
    if isinstance(data, list):
        if not data:
            raise DataError(f"{filename} is an empty JSON list; add at least 2 records")
        if all(isinstance(r, dict) for r in data):
            for i, record in enumerate(data):
                for key, value in record.items():
                    if not _is_scalar(value):
                        raise DataError(
                            f"{filename}: record {i + 1}, field {key!r} holds a nested {_kind(value)}; "
                            "a table needs flat records (flatten it with pandas.json_normalize)"
                        )
            return "records"
        if all(isinstance(r, list) for r in data):
            widths = {len(r) for r in data}
            if len(widths) > 1:
                raise DataError(f"{filename}: the JSON rows have different lengths ({sorted(widths)}); make them equal")
            if not all(_is_scalar(v) for r in data for v in r):
                raise DataError(f"{filename}: a JSON row holds a nested list or object; {shape_hint}")
            return "values"
        raise DataError(f"{filename} is a JSON list of {_kind(data[0])}s, not a table; {shape_hint}")
    if isinstance(data, dict):
        if set(data) >= {"columns", "data"}:
            return "split"
        if not data:
            raise DataError(f"{filename} is an empty JSON object; {shape_hint}")
        lengths = set()
        for key, column in data.items():
            if isinstance(column, list):
                values = column
            elif isinstance(column, dict):
                values = list(column.values())
            else:
                raise DataError(f"{filename}: field {key!r} is a single {_kind(column)}, not a column; {shape_hint}")
            if not all(_is_scalar(v) for v in values):
                raise DataError(f"{filename}: column {key!r} holds nested lists or objects; a table needs plain values")
            lengths.add(len(values))
        if len(lengths) > 1 and all(isinstance(c, list) for c in data.values()):
            raise DataError(f"{filename}: the JSON columns have different lengths ({sorted(lengths)}); make them equal")
        return "columns"
    raise DataError(f"{filename} holds a single JSON {_kind(data)}, not a table; {shape_hint}")


def _kind(value) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean"}.get(type(value), "number")


# --- shared -----------------------------------------------------------------------


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _check_size(frame: pd.DataFrame, filename: str, limits: Limits, cap: int | None = None) -> None:
    """Refuse a frame over the columns, rows or cells cap; ``cap`` is the row count reading stopped at."""
    more = cap is not None and frame.shape[0] >= cap
    check_columns(frame.shape[1], filename, limits)
    check_rows(frame.shape[0], filename, limits, more=more)
    check_cells(frame.shape[0], frame.shape[1], filename, limits, more=more)


def clashing_names(names: list[str]) -> list[str]:
    """The names that occur more than once, sorted (one pass: a count per name)."""
    counts = Counter(names)
    return sorted(name for name, count in counts.items() if count > 1)


def _finish(table: Table, limits: Limits = DEFAULT_LIMITS, cap: int | None = None) -> Table:
    """Name the columns with stripped strings; refuse empty or too large tables and clashing names.

    Text values longer than ``limits.max_label_chars`` are shortened, with a note.
    """
    frame = table.frame
    if frame.shape[1] == 0:
        raise DataError(f"{table.filename} has no columns; upload a table with a header row")
    _check_size(frame, table.filename, limits, cap)
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
