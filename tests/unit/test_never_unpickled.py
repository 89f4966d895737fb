"""Uploads are parsed, never deserialised: a pickle sent as a file runs nothing, whatever its name."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pickle

import pytest

from loaders import DataError, parse_file, read_table
from state.session_file import read_session


class Trap:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (self.path,))  # would run on pickle.loads


@pytest.mark.parametrize("name", ["data.pkl", "data.csv", "data.parquet", "data.json", "data.xlsx", "table.tsv"])
def test_a_pickle_uploaded_under_any_name_is_refused_and_runs_nothing(tmp_path, name):
    marker = tmp_path / "ran"
    raw = pickle.dumps(Trap(str(marker)))
    with pytest.raises(DataError):
        read_table(raw, name)
    with pytest.raises(DataError):
        parse_file(raw, name)
    assert not marker.exists()


def test_a_session_file_carrying_a_pickle_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    raw = pickle.dumps(Trap(str(marker)))
    carried = {"base64": base64.b64encode(raw).decode(), "sha256": hashlib.sha256(raw).hexdigest(), "filename": "x.pkl"}
    document = {"format": "hclust-explorer-session", "version": 1, "address": "upload=ab12cd34", "data": carried}
    opened = read_session(json.dumps(document).encode(), "s.json")  # a well-formed session: its data are bytes
    assert opened.data == raw
    with pytest.raises(DataError):
        parse_file(opened.data, opened.filename)  # and bytes are only ever parsed as a table
    assert not marker.exists()
