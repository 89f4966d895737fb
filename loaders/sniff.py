"""Guess how a delimited text file is written: encoding, delimiter, decimal mark, header row.

Every guess is returned as keyword arguments of ``pandas.read_csv``, so the
same call can be shown to the user and replayed as code.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from loaders.errors import DataError

SNIFF_CHARS = 64_000
SNIFF_LINES = 200
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CONTROL_SHARE = 0.01
_CONTROL_ALLOWED = 4  # a few stray control characters do not make a text file binary
MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-nan", "#n/a", "<na>"}
DOT_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_COMMA_NUMBER = re.compile(r"^[+-]?\d+,\d+([eE][+-]?\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_SPECIAL_NUMBER = re.compile(r"^[+-]?(inf|infinity)$", re.IGNORECASE)


@dataclass(frozen=True)
class Dialect:
    """What sniffing found, as ``read_csv`` keyword arguments plus a sentence for the user."""

    read_kwargs: dict
    description: str
    has_header: bool


def decode(raw: bytes, filename: str) -> tuple[str, str]:
    """Decode a text file, trying UTF-8 (with or without BOM), UTF-16 with BOM, cp1252, Latin-1.

    Returns
    -------
    text, encoding : str, str
        The text and the codec name to pass to ``read_csv(encoding=...)``.

    Raises
    ------
    DataError
        If the bytes are binary (NUL bytes, or many control characters).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    elif raw.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "cp1252", "latin-1")
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        _refuse_binary(text, filename)
        return text, encoding
    raise DataError(f"{filename} could not be decoded as text; save it as UTF-8 CSV")


def _refuse_binary(text: str, filename: str) -> None:
    nul = text.find("\x00")
    if nul >= 0:
        raise DataError(
            f"{filename} is not a text table: it contains binary data (a NUL byte at character {nul + 1:,}); "
            "upload a CSV, TSV, Excel (.xlsx), Parquet or JSON file"
        )
    sample = text[:SNIFF_CHARS]
    control = sum(1 for ch in sample if ch not in "\t\r\n" and unicodedata.category(ch) in ("Cc", "Cs", "Co"))
    if control > max(_CONTROL_SHARE * len(sample), _CONTROL_ALLOWED):
        raise DataError(
            f"{filename} is not a text table: it contains binary data ({control} control characters in the first "
            f"{len(sample):,}); upload a CSV, TSV, Excel (.xlsx), Parquet or JSON file"
        )


def sample_lines(text: str) -> list[str]:
    """The first non-blank lines of the text (a cut-off last line is left out)."""
    sample = text[:SNIFF_CHARS]
    lines = sample.splitlines()
    if len(text) > SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]
    return [line for line in lines if line.strip()][:SNIFF_LINES]


def sniff_dialect(text: str, encoding: str) -> Dialect:
    """Find the delimiter, decimal mark and header row of delimited text.

    Parameters
    ----------
    text : str
        The decoded file.
    encoding : str
        The codec that decoded it (goes into the keyword arguments).

    Returns
    -------
    Dialect
        ``read_kwargs`` for ``pandas.read_csv`` on the file's bytes.
    """
    lines = sample_lines(text)
    delimiter = _delimiter(lines)
    rows = _rows(lines, delimiter)
    decimal, thousands = _decimal(rows[1:] if len(rows) > 1 else rows, delimiter)
    has_header = _has_header(rows, decimal, thousands)
    kwargs: dict = {"sep": delimiter, "encoding": encoding, "skipinitialspace": True, "index_col": False}
    if decimal == ",":
        kwargs["decimal"] = ","
    if thousands:
        kwargs["thousands"] = thousands
    if not has_header:
        width = max((len(r) for r in rows), default=1)
        kwargs["header"] = None
        kwargs["names"] = [f"column {i + 1}" for i in range(width)]
    words = [f"{DELIMITER_NAMES[delimiter]}-separated"]
    if decimal == ",":
        words.append("decimal commas")
    if thousands:
        words.append("'.' between thousands")
    if encoding not in ("utf-8", "utf-8-sig"):
        words.append(f"{encoding} text")
    if not has_header:
        words.append("no header row (columns named column 1, column 2, …)")
    return Dialect(read_kwargs=kwargs, description=", ".join(words), has_header=has_header)


def _rows(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return [[field.strip() for field in row] for row in csv.reader(lines, delimiter=delimiter)]
    except csv.Error:
        return [[field.strip() for field in line.split(delimiter)] for line in lines]


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits every line into the same number (>= 2) of fields.

    When a comma and another delimiter both do (``1,5;2,5``), the other one
    wins if the comma only ever sits inside numbers (decimal commas). Ragged
    files get the delimiter with the most common width, so the reader can
    point at the bad line.
    """
    if not lines:
        return ","
    widths = {d: [len(row) for row in _rows(lines, d)] for d in DELIMITERS}
    consistent = {d: w[0] for d, w in widths.items() if w and w[0] >= 2 and len(set(w)) == 1}
    if not consistent:
        # Allow a header of another width (R's write.table) or ragged rows.
        body = {d: Counter(w[1:] or w).most_common(1)[0] for d, w in widths.items()}
        usable = {d: width for d, (width, count) in body.items() if width >= 2}
        if not usable:
            return ","
        return max(usable, key=lambda d: (body[d][1], usable[d]))
    others = [d for d in consistent if d != ","]
    if "," in consistent and others:
        for d in others:
            if _comma_only_in_numbers(_rows(lines, d)):
                return d
    return max(consistent, key=lambda d: (consistent[d], -DELIMITERS.index(d)))


def _comma_only_in_numbers(rows: list[list[str]]) -> bool:
    with_comma = [field for row in rows for field in row if "," in field]
    return bool(with_comma) and all(_COMMA_NUMBER.match(f) or _THOUSANDS_DOT.match(f) for f in with_comma)


def _decimal(rows: list[list[str]], delimiter: str) -> tuple[str, str | None]:
    """Decimal mark and thousands separator of the numbers in these rows."""
    if delimiter == ",":
        return ".", None
    fields = [field for row in rows for field in row]
    comma = sum(1 for f in fields if _COMMA_NUMBER.match(f))
    grouped = sum(1 for f in fields if _THOUSANDS_DOT.match(f) and "," in f)
    dotted = sum(1 for f in fields if "." in f and DOT_NUMBER.match(f) and not _THOUSANDS_DOT.match(f))
    if comma + grouped and not dotted:
        return ",", "." if grouped else None
    return ".", None


def number_like(field: str, decimal: str, thousands: str | None) -> bool | None:
    """True for a number, False for text, None for an empty or missing-value marker."""
    if field.strip().lower() in MISSING_TOKENS:
        return None
    value = field.strip()
    if thousands:
        value = value.replace(thousands, "")
    if decimal == ",":
        value = value.replace(",", ".")
    return bool(DOT_NUMBER.match(value) or _SPECIAL_NUMBER.match(value))


def _has_header(rows: list[list[str]], decimal: str, thousands: str | None) -> bool:
    """Is the first row a header? Yes, unless it holds numbers wherever the rows below do.

    A single row of numbers is data (perhaps a condensed distance vector).
    """
    if not rows:
        return True
    first = [number_like(f, decimal, thousands) for f in rows[0]]
    if len(rows) == 1:
        return not (first and all(v is True for v in first))
    numeric_columns = []
    for j in range(len(rows[0])):
        body = [number_like(row[j], decimal, thousands) for row in rows[1:] if j < len(row)]
        if any(v is True for v in body) and not any(v is False for v in body):
            numeric_columns.append(j)
    if not numeric_columns:
        return True
    marks = [first[j] for j in numeric_columns if j < len(first)]
    return any(v is False for v in marks) or all(v is None for v in marks)
