"""Readers of the binary and structured formats: Excel workbooks, Parquet and JSON.

Each checks the caps of :class:`loaders.limits.Limits` on what it can count
before reading (the ZIP directory, Parquet metadata, the parsed document),
returns a :class:`loaders.table.Table` whose ``read_kwargs`` replay it with
pandas, and raises :class:`DataError` with a message for the user.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils.exceptions import InvalidFileException

from loaders.errors import DataError
from loaders.limits import (
    Limits,
    check_archive,
    check_columns,
    check_names,
    check_shape,
)
from loaders.sniff import number_like
from loaders.table import Table, check_size, finish_table, is_numeric, reader_failed, stray_note, stray_tokens

_HEADER_SNIFF_ROWS = 50
_EXCEL_ERRORS = (
    *(zipfile.BadZipFile, KeyError, InvalidFileException),  # not a workbook
    *(ValueError, OSError, EOFError, TypeError, OverflowError),  # a workbook pandas cannot read
)
_PARQUET_ERRORS = (pa.ArrowException, ValueError, OSError, NotImplementedError, TypeError, IndexError, OverflowError)
_ZIP_ERRORS = (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, NotImplementedError, OverflowError)


# --- Excel ----------------------------------------------------------------------


def read_excel(raw: bytes, filename: str, sheet: str | None, limits: Limits) -> Table:
    """An Excel workbook's sheet (the first when ``sheet`` is None), its ZIP directory checked before it is opened."""
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
            check_size(frame, filename, limits, cap)
            tokens = stray_tokens(frame)
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
        raise DataError(reader_failed(filename, "an Excel workbook", error)) from error
    notes = [f"Read sheet {chosen!r} ({sheets.index(chosen) + 1} of {len(sheets)} sheets)."] if len(sheets) > 1 else []
    if skip:
        notes.append(f"Skipped {skip} title or blank row(s) above the table.")
    if not has_header:
        notes.append("The first row holds numbers, so it is data: columns are named column 1, column 2, ….")
    if tokens:
        notes.append(stray_note(tokens))
    return finish_table(
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


def read_parquet(raw: bytes, filename: str, limits: Limits) -> Table:
    """A Parquet file, its metadata checked against the caps before any data is read."""
    _check_parquet(raw, filename, limits)
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except _PARQUET_ERRORS as error:
        raise DataError(reader_failed(filename, "a Parquet file", error)) from error
    frame, reset = _labels_from_index(frame)
    return finish_table(Table(frame, filename, "parquet", {}, reset_index=reset, first_row=1, row_word="row"), limits)


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
    if isinstance(index, pd.RangeIndex) or is_numeric(pd.Series(index)) or isinstance(index, pd.MultiIndex):
        return frame.reset_index(drop=True), False
    return frame.reset_index(), True


# --- JSON -----------------------------------------------------------------------


def read_json(raw: bytes, filename: str, limits: Limits) -> Table:
    """A JSON table (records, columns, split or lines), its columns counted before pandas builds the frame."""
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
        raise DataError(reader_failed(filename, "a JSON table", error)) from error
    frame, reset = _labels_from_index(frame)
    return finish_table(
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
