"""Session files: what Save session writes is what Open session reads; anything else is refused clearly."""

from __future__ import annotations

import json

import pytest

from state.session_file import MAX_DATA_BYTES, VERSION, SessionFileError, read_session, write_session


def test_a_session_with_its_data_reads_back_the_same():
    data = b"x,y\n1,2\n3,4\n"
    opened = read_session(write_session("upload=abc&k=2", data, "points.csv").encode())
    assert (opened.address, opened.data, opened.filename) == ("upload=abc&k=2", data, "points.csv")


def test_a_built_in_example_needs_no_data():
    opened = read_session(write_session("data=moons&method=single&k=2").encode())
    assert opened.address == "data=moons&method=single&k=2" and opened.data is None


def test_data_over_the_limit_is_named_but_not_carried():
    content = json.loads(write_session("upload=abc", b"0" * (MAX_DATA_BYTES + 1), "big.csv"))
    assert content["data"] is None and content["version"] == VERSION


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"\x89PNG\r\n", "not JSON"),
        (b'{"rows": [1, 2]}', "not an hclust-explorer session"),
        (b"[1, 2, 3]", "not an hclust-explorer session"),
        (b'{"format": "hclust-explorer-session", "version": 99, "address": ""}', "newer hclust-explorer"),
        (b'{"format": "hclust-explorer-session", "version": "one", "address": ""}', "no valid version"),
        (b'{"format": "hclust-explorer-session", "version": 1}', "no address"),
    ],
)
def test_a_foreign_damaged_or_newer_file_is_refused_with_the_reason(raw, words):
    with pytest.raises(SessionFileError, match=words):
        read_session(raw, "view.json")


def test_data_that_does_not_match_its_checksum_is_refused():
    content = json.loads(write_session("upload=abc", b"x,y\n1,2\n", "a.csv"))
    content["data"]["base64"] = "eCx5CjEsMwo="  # "x,y\n1,3\n"
    with pytest.raises(SessionFileError, match="checksum"):
        read_session(json.dumps(content).encode(), "view.json")
