"""The clientside code and the graphs' config agree with what the figure builders own."""

import re
from pathlib import Path

from components.widgets import graph_config
from figures.dendrogram import LEAF_TRACE, MERGE_TRACE

CUT_JS = Path(__file__).parents[2] / "assets" / "cut.js"


def test_clicks_on_merge_and_leaf_traces_are_reserved_for_selection():
    match = re.search(r"const SELECTABLE_TRACES = \[(\d+), (\d+)\];", CUT_JS.read_text())
    assert match, "SELECTABLE_TRACES not found in assets/cut.js"
    assert sorted(int(g) for g in match.groups()) == sorted([MERGE_TRACE, LEAF_TRACE])


def test_no_graph_shows_plotlys_tips_over_the_controls():
    # "Double-click to zoom back out" would cover the "Cut by" menu above the dendrogram.
    assert graph_config()["showTips"] is False
    assert graph_config("lasso2d", edits={"shapePosition": True})["showTips"] is False
