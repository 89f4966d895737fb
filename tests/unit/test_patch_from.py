"""callbacks.common.patch_from: a figure's updates as a Dash Patch, named keys merged, list items assigned."""

from __future__ import annotations

import copy

from callbacks.common import patch_from


def _apply(figure: dict, patch: dict) -> dict:
    """Apply a serialized Patch as dash-renderer does (Assign sets the location, Merge updates the dict there)."""
    figure = copy.deepcopy(figure)
    for op in patch["operations"]:
        *parents, last = op["location"]
        target = figure
        for key in parents:
            target = target[key]
        value = op["params"]["value"]
        if op["operation"] == "Merge":
            assert isinstance(target[last], dict), f"a Merge of {op['location']}, which is no object"
            target[last] = {**target[last], **value}
        else:
            assert op["operation"] == "Assign"
            target[last] = value
    return figure


FIGURE = {
    "data": [{"x": [0], "y": [0], "marker": {"color": "red", "size": 3}}, {"x": [1], "y": [1]}],
    "layout": {"shapes": [{"y0": 1}, {"y0": 2}, {"y0": 3}], "annotations": [{"text": "a"}]},
}
UPDATES = {
    ("data", 0, "x"): [5, 6],
    ("data", 0, "y"): [7, 8],
    ("data", 0, "marker", "color"): "blue",
    ("data", 1, "x"): [],
    ("layout", "shapes", 1): {"y0": 20},
    ("layout", "shapes", 2): {"y0": 30},
    ("layout", "annotations"): [],
}


def test_the_patch_gives_the_figure_that_assigning_each_update_gives():
    expected = copy.deepcopy(FIGURE)
    for path, value in UPDATES.items():
        target = expected
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    assert _apply(FIGURE, patch_from(UPDATES).to_plotly_json()) == expected


def test_a_traces_x_and_y_go_as_one_merge_and_list_items_one_by_one():
    operations = patch_from(UPDATES).to_plotly_json()["operations"]
    by_location = {tuple(op["location"]): op["operation"] for op in operations}
    assert by_location == {
        ("data", 0): "Merge",  # x and y together
        ("data", 0, "marker", "color"): "Assign",  # one key under its parent: assigned where it is ...
        ("data", 1, "x"): "Assign",
        ("layout", "shapes", 1): "Assign",  # ... and list items never merged (a list is no object)
        ("layout", "shapes", 2): "Assign",
        ("layout", "annotations"): "Assign",
    }
