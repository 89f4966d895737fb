"""The bad corpus: every file gets its own specific message, and nothing but the app's error type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders import DataError, LoadOptions, parse_file, prepare

BAD_DIR = Path(__file__).parents[1] / "data" / "bad"
EXPECTED: dict[str, str] = json.loads((BAD_DIR / "EXPECTED.json").read_text(encoding="utf-8"))


def test_the_corpus_has_at_least_25_files_each_with_an_expected_message():
    files = {p.name for p in BAD_DIR.iterdir() if p.name != "EXPECTED.json"}
    assert len(files) >= 25
    assert files == set(EXPECTED)


@pytest.mark.parametrize(("name", "fragment"), sorted(EXPECTED.items()))
def test_bad_file_gets_a_specific_message(name, fragment):
    raw = (BAD_DIR / name).read_bytes()
    with pytest.raises(DataError) as caught:
        prepare(parse_file(raw, name), LoadOptions())
    assert fragment in str(caught.value)


def test_messages_are_all_different():
    messages = set()
    for name in EXPECTED:
        with pytest.raises(DataError) as caught:
            prepare(parse_file((BAD_DIR / name).read_bytes(), name), LoadOptions())
        messages.add(str(caught.value).replace(name, "<file>"))
    # Two empty files share a message, and two tables without numbers; everything else is specific.
    assert len(messages) >= len(EXPECTED) - 3
