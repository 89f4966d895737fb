"""A saved session: one JSON file with the view's address and, when small enough, the uploaded file.

Written by "Save session", read by "Open session" in any browser::

    {"format": "hclust-explorer-session", "version": 1, "saved": "2026-12-02T10:00:00+00:00",
     "address": "data=moons&method=single&k=2",
     "data": null}

``data`` holds an upload as ``{"filename", "size", "sha256", "base64"}``
when the file is at most :data:`MAX_DATA_BYTES`; built-in examples need
none. Reading checks everything before anything is used, and each
problem (not JSON, another program's file, a newer version, damaged data)
gets a sentence that names it and the fix.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from loaders import DataError

FORMAT = "hclust-explorer-session"
VERSION = 1
MAX_DATA_BYTES = 5_000_000
"""Uploads up to this size travel inside a saved session; larger ones are named only."""
MAX_FILE_BYTES = 2 * MAX_DATA_BYTES
"""The largest session file that is read (base64 makes the data a third larger)."""


class SessionFileError(DataError):
    """A session file that cannot be opened; the message says why and what to do."""


@dataclass(frozen=True)
class SessionFile:
    """What a session file holds.

    Attributes
    ----------
    address : str
        The view's query string (:func:`state.view.encode`).
    data : bytes or None
        The uploaded file's bytes, when the session carries them.
    filename : str or None
        That file's name.
    """

    address: str
    data: bytes | None = None
    filename: str | None = None


def write_session(address: str, data: bytes | None = None, filename: str | None = None) -> str:
    """The JSON text of a session file.

    Parameters
    ----------
    address : str
        The view's query string.
    data : bytes, optional
        The uploaded file; left out (``null``) when over :data:`MAX_DATA_BYTES`.
    filename : str, optional

    Returns
    -------
    str
    """
    carried = None
    if data is not None and len(data) <= MAX_DATA_BYTES:
        carried = {
            "filename": filename or "data",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "base64": base64.b64encode(data).decode("ascii"),
        }
    content = {
        "format": FORMAT,
        "version": VERSION,
        "saved": datetime.now(UTC).isoformat(timespec="seconds"),
        "address": address,
        "data": carried,
    }
    return json.dumps(content, indent=1)


def read_session(raw: bytes, name: str = "the file") -> SessionFile:
    """Read and check a session file.

    Parameters
    ----------
    raw : bytes
    name : str
        The file's name, for the messages.

    Returns
    -------
    SessionFile

    Raises
    ------
    SessionFileError
        If the file is too large, not JSON, not a session of this app, of a
        newer version, or its data is damaged.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise SessionFileError(
            f"{name} is {len(raw) / 1e6:.1f} MB, larger than any session file ({MAX_FILE_BYTES / 1e6:.0f} MB); "
            "open a file saved with Save session"
        )
    try:
        content = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SessionFileError(
            f"{name} is not a session file (it is not JSON); open a file saved with Save session, "
            "or drop a data table on the upload box instead"
        ) from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise SessionFileError(
            f'{name} is JSON but not an hclust-explorer session (no "format": "{FORMAT}"); '
            "to cluster a JSON table, drop it on the upload box instead"
        )
    version = content.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionFileError(f"{name} has no valid version number; save the session again")
    if version > VERSION:
        raise SessionFileError(
            f"{name} was saved by a newer hclust-explorer (session version {version}; this one reads "
            f"up to {VERSION}); open it with that version, or update this one"
        )
    address = content.get("address")
    if not isinstance(address, str):
        raise SessionFileError(f"{name} is damaged: it has no address of the view; save the session again")
    data, filename = _carried_data(content.get("data"), name)
    return SessionFile(address=address, data=data, filename=filename)


def _carried_data(carried, name: str) -> tuple[bytes | None, str | None]:
    if carried is None:
        return None, None
    damaged = f"{name} is damaged: the data it carries does not match its checksum; save the session again"
    if not isinstance(carried, dict) or not isinstance(carried.get("base64"), str):
        raise SessionFileError(damaged)
    try:
        data = base64.b64decode(carried["base64"], validate=True)
    except (binascii.Error, ValueError):
        raise SessionFileError(damaged) from None
    if hashlib.sha256(data).hexdigest() != carried.get("sha256"):
        raise SessionFileError(damaged)
    filename = carried.get("filename")
    return data, str(filename) if filename else "data"
