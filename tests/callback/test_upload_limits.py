"""Hostile files get a message from the server in a moment, and the current data stays."""

from __future__ import annotations

import time

from tests.callback.data_calls import upload
from tests.callback.test_data_upload import message_text


def test_a_file_of_100000_columns_is_refused_at_once_with_the_limit(client, dash_app):
    wide = (",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)) + "\n").encode()
    started = time.perf_counter()
    reply = upload(client, dash_app, wide, "wide.csv")
    elapsed = time.perf_counter() - started
    assert reply.status == 200
    assert "wide.csv has 100,000 columns; up to 2,000 can be read" in message_text(reply)
    assert "HCLUST_MAX_COLUMNS" in message_text(reply)
    assert not reply.has("data-ref-store", "data")  # the current data stays
    assert elapsed < 5  # refused before any per-column work (about 0.1 s here; was minutes)


def test_a_column_name_of_100000_characters_is_refused(client, dash_app):
    raw = ("x" * 100_000 + ",y\n1,2\n3,4\n").encode()
    reply = upload(client, dash_app, raw, "long-name.csv")
    assert "has a name of 100,000 characters" in message_text(reply)
    assert len(reply.body) < 5_000  # the reply quotes the name, cut short
