"""Turn ``dcc.Upload`` contents into bytes, and bytes into a :class:`Dataset`.

Every problem raises :class:`DataError` with a message for the user.
"""

from __future__ import annotations

import base64
import binascii

from loaders.dataset import Dataset
from loaders.errors import DataError
from loaders.formats import parse_file
from loaders.limits import DEFAULT_LIMITS, Limits
from loaders.options import LoadOptions
from loaders.prepare import prepare


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


def read_table(raw: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Dataset:
    """Read a file with the default choices: the shortcut for :func:`parse_file` then :func:`prepare`.

    Parameters
    ----------
    raw : bytes
        The file's content (any format :func:`loaders.formats.parse_file` reads).
    filename : str
        Names the dataset and the messages.
    limits : Limits, optional
        Caps on the table's size (see :func:`loaders.formats.parse_file`).

    Returns
    -------
    Dataset
        Numeric columns are the features, the first text column with unique
        values labels the samples, rows with missing values are dropped, a
        distance matrix is detected; each with a note.

    Raises
    ------
    DataError
        With the problem and the fix.
    """
    return prepare(parse_file(raw, filename, limits=limits), LoadOptions())
