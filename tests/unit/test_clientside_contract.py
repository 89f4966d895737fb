"""The clientside cut-line code names trace indices that the figure builder owns."""

import re
from pathlib import Path

from figures.dendrogram import LEAF_TRACE, MERGE_TRACE

CUT_JS = Path(__file__).parents[2] / "assets" / "cut.js"


def test_clicks_on_merge_and_leaf_traces_are_reserved_for_selection():
    match = re.search(r"const SELECTABLE_TRACES = \[(\d+), (\d+)\];", CUT_JS.read_text())
    assert match, "SELECTABLE_TRACES not found in assets/cut.js"
    assert sorted(int(g) for g in match.groups()) == sorted([MERGE_TRACE, LEAF_TRACE])
