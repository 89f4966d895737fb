"""Read an uploaded table into a :class:`Dataset`.

This module handles delimited text (CSV, TSV, semicolon- or pipe-separated).
Every problem raises :class:`DataError` with a message for the user.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io

import numpy as np
import pandas as pd

from loaders.dataset import Dataset
from loaders.errors import DataError

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64_000
_MAX_NAMED = 5


def decode_upload(contents: str, filename: str, max_bytes: int) -> bytes:
    """Turn ``dcc.Upload`` contents (a data URL) into the file's bytes.

    Parameters
    ----------
    contents : str
        ``"data:<mime>;base64,<payload>"``.
    filename : str
        Used in messages.
    max_bytes : int
        Files larger than this are refused.

    Returns
    -------
    bytes

    Raises
    ------
    DataError
        If the contents are not a base64 data URL, the file is empty, or it
        is larger than ``max_bytes``.
    """
    if not isinstance(contents, str) or "," not in contents:
        raise DataError(f"{filename}: the upload did not arrive as a file; try again")
    _, payload = contents.split(",", 1)
    # base64 grows data by 4/3: refuse a huge payload before decoding it.
    if len(payload) * 3 // 4 > max_bytes + 3:
        raise _too_large(filename, len(payload) * 3 // 4, max_bytes)
    try:
        raw = base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError) as error:
        raise DataError(f"{filename}: the upload is not valid base64 ({error}); try again") from error
    if len(raw) > max_bytes:
        raise _too_large(filename, len(raw), max_bytes)
    if not raw.strip():
        raise DataError(f"{filename} is empty; upload a table with a header row and numeric columns")
    return raw


def _too_large(filename: str, size: int, max_bytes: int) -> DataError:
    return DataError(
        f"{filename} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB. "
        "Upload a smaller file, or ask the operator to raise HCLUST_MAX_UPLOAD_MB"
    )


def read_table(raw: bytes, filename: str) -> Dataset:
    """Parse delimited text into a dataset of its numeric columns.

    Parameters
    ----------
    raw : bytes
        The file's content.
    filename : str
        Names the dataset and the messages.

    Returns
    -------
    Dataset
        Numeric columns become features. The first text column whose values
        are all distinct becomes the sample labels; other text columns are
        left out, and rows with missing values are dropped, each with a note.

    Raises
    ------
    DataError
        If the file is binary, cannot be decoded or parsed, or leaves no
        numeric column or fewer than 2 complete rows.
    """
    if b"\x00" in raw[:_SNIFF_BYTES]:
        raise DataError(f"{filename} is not a text table (it contains binary data); upload a CSV file")
    text = _decode(raw, filename)
    delimiter = _sniff_delimiter(text)
    frame = _parse(text, delimiter, filename)
    return _to_dataset(frame, filename, delimiter)


def _decode(raw: bytes, filename: str) -> str:
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{filename}: the text encoding is not UTF-8 or Latin-1; save it as UTF-8 CSV")


def _sniff_delimiter(text: str) -> str:
    sample = text[:_SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample.splitlines() else ""
        return max(_DELIMITERS, key=first_line.count)


def _parse(text: str, delimiter: str, filename: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
    except pd.errors.EmptyDataError as error:
        raise DataError(f"{filename} has no columns; upload a table with a header row") from error
    except (pd.errors.ParserError, ValueError) as error:
        raise DataError(
            f"{filename} could not be read as a table ({str(error).splitlines()[0]}); "
            "check that every row has the same number of fields"
        ) from error
    if frame.empty:
        raise DataError(f"{filename} has a header but no data rows; add at least 2 rows")
    return frame


def _to_dataset(frame: pd.DataFrame, filename: str, delimiter: str) -> Dataset:
    frame.columns = [str(c).strip() for c in frame.columns]
    empty = [c for c in frame.columns if frame[c].isna().all()]
    frame = frame.drop(columns=empty)
    numeric = [
        c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    text_columns = [c for c in frame.columns if c not in numeric]
    if not numeric:
        raise DataError(
            f"{filename} has no numeric column (columns: {_name(list(frame.columns))}); "
            "the features must be numbers, with a dot as the decimal separator"
        )
    notes: list[str] = [f"Empty column(s) {_name(empty)} left out."] if empty else []
    label_column = next((c for c in text_columns if frame[c].notna().all() and frame[c].is_unique), None)
    left_out = [c for c in text_columns if c != label_column]
    if label_column:
        notes.append(f"Column '{label_column}' labels the samples.")
    if left_out:
        notes.append(f"Text column(s) {_name(left_out)} left out of the features.")

    values = frame[numeric].to_numpy(dtype=float)
    complete = np.isfinite(values).all(axis=1)
    if not complete.all():
        dropped = np.flatnonzero(~complete)
        notes.append(
            f"Dropped {dropped.size} row(s) with missing or infinite values "
            f"(file line(s) {_name([int(i) + 2 for i in dropped])}, counting the header as line 1)."
        )
    if complete.sum() < 2:
        raise DataError(
            f"{filename} has {int(complete.sum())} complete row(s); clustering needs at least 2. "
            "Fill or remove the missing values"
        )
    names = None
    if label_column:
        names = tuple(str(v) for v in frame.loc[complete, label_column])
    return Dataset(
        name=filename,
        features=values[complete],
        feature_names=tuple(numeric),
        sample_names=names,
        notes=tuple(notes),
        provenance={
            "source": "file",
            "filename": filename,
            "format": "csv",
            "read_kwargs": {"sep": delimiter, "skipinitialspace": True},
            "feature_columns": list(numeric),
            "label_column": label_column,
            "missing": "drop",
            "scaling": "none",
            "distance_matrix": False,
        },
    )


def _name(items: list) -> str:
    shown = ", ".join(f"{i}" for i in items[:_MAX_NAMED])
    return f"{shown} and {len(items) - _MAX_NAMED} more" if len(items) > _MAX_NAMED else shown
