"""Requests the data-step tests make: upload a file, change an option, show the tree."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.callback.conftest import call, text_of
from tests.callback.test_callbacks import tree as tree_request

DATA_DIR = Path(__file__).parents[1] / "data"
FORMATS_DIR = DATA_DIR / "formats"
BAD_DIR = DATA_DIR / "bad"
SESSION = "d" * 32
UPLOAD_OUTPUTS = ["upload.contents", "dataset.placeholder"]


def upload(client, app, raw: bytes, filename: str, session: str = SESSION, scaling: str = "none"):
    contents = "data:application/octet-stream;base64," + base64.b64encode(raw).decode()
    return call(
        client,
        app,
        UPLOAD_OUTPUTS,
        inputs={"upload.contents": contents, "scaling.value": scaling},
        state={"upload.filename": filename, "session-store.data": session},
        triggered=["upload.contents"],
    )


def upload_file(client, app, path: Path, **kwargs):
    return upload(client, app, path.read_bytes(), path.name, **kwargs)


def change_option(client, app, table_ref: dict, trigger: str, value, current: dict | None = None):
    """Change one option control; ``current`` holds the other controls' values (``id.prop``: value)."""
    inputs = {
        "sheet.value": None,
        "read-as.value": "observations",
        "feature-columns.value": None,
        "label-column.value": "__none__",
        "missing-values.value": "drop",
        "scaling.value": "none",
        **(current or {}),
        trigger: value,
    }
    return call(
        client,
        app,
        UPLOAD_OUTPUTS,
        inputs={"upload.contents": None, **inputs},
        state={"upload.filename": None, "session-store.data": SESSION, "table-ref-store.data": table_ref},
        triggered=[trigger],
    )


def controls_after(reply) -> dict:
    """The option controls' values an upload reply sets, as ``id.prop`` inputs for :func:`change_option`."""
    return {
        f"{component}.value": reply.get(component, "value")
        for component in ("read-as", "feature-columns", "label-column", "missing-values")
    }


def tree(client, app, ref, method="average", metric="euclidean", p=12):
    """The tree callback for a fresh view (the data tests' default method is average)."""
    return tree_request(client, app, ref, method, metric, p)


def menus(client, app, method, metric, triggered="metric.value"):
    return call(
        client,
        app,
        ["method.options", "metric.options"],
        inputs={"method.value": method, "metric.value": metric},
        triggered=[triggered],
    )


def message_text(reply) -> str:
    return text_of(reply.get("message", "children"))
