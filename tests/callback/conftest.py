"""Call registered callbacks over HTTP, as the Dash renderer does (no browser).

``call(client, app, ["dendrogram.figure", ...], inputs={...}, state={...})``
finds the one callback whose outputs include all the given ``id.property``
names, builds the renderer's request body from the callback's own input and
state lists, posts it to ``/_dash-update-component`` and returns a
:class:`Reply`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from factory import SESSION_COOKIE
from state.ownership import sessions_named

UPDATE_URL = "/_dash-update-component"


@dataclass
class Reply:
    """One callback round trip."""

    status: int
    body: bytes
    response: dict  # {component id: {property: value}}; {} for 204 (PreventUpdate)

    def has(self, component_id: str, prop: str) -> bool:
        return prop in self.response.get(component_id, {})

    def get(self, component_id: str, prop: str):
        return self.response[component_id][prop]


def outputs_of(key: str) -> list[dict]:
    """``'..a.x...b.y@hash..'`` -> ``[{"id": "a", "property": "x"}, {"id": "b", "property": "y@hash"}]``."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = []
    for part in parts:
        name, _, digest = part.partition("@")
        component_id, prop = name.rsplit(".", 1)
        outputs.append({"id": component_id, "property": f"{prop}@{digest}" if digest else prop})
    return outputs


def _names(deps: list[dict]) -> set[str]:
    return {f"{d['id']}.{d['property'].split('@')[0]}" for d in deps}


def find_callback(app, outputs: list[str], inputs=()) -> str:
    """The exact ``callback_map`` key of the one callback writing all ``outputs`` (``id.prop``).

    When several callbacks write them (``allow_duplicate``), ``inputs`` picks
    the one that has all these inputs.
    """
    keys = [
        key
        for key, spec in app.callback_map.items()
        if set(outputs) <= _names(outputs_of(key)) and set(inputs) <= _names(spec["inputs"])
    ]
    if len(keys) != 1:
        raise LookupError(f"{len(keys)} callbacks write {sorted(outputs)} from {sorted(inputs)}: {keys}")
    return keys[0]


def _values(deps: list[dict], given: dict) -> list[dict]:
    unknown = set(given) - _names(deps)
    if unknown:
        raise KeyError(f"not an input/state of this callback: {sorted(unknown)}")
    return [{**d, "value": given.get(f"{d['id']}.{d['property']}")} for d in deps]


def call(client, app, outputs: list[str], inputs=None, state=None, triggered=None) -> Reply:
    """Post one callback request the way the renderer does.

    Parameters
    ----------
    outputs : list of str
        ``id.property`` names that identify the callback (a subset of its outputs).
    inputs, state : dict
        ``{"id.property": value}``; unnamed inputs and states are sent as None.
    triggered : list of str, optional
        ``changedPropIds``; defaults to every key of ``inputs``.
    """
    inputs = inputs or {}
    key = find_callback(app, outputs, inputs)
    spec = app.callback_map[key]
    out = outputs_of(key)
    body = {
        "output": key,
        "outputs": out if key.startswith("..") else out[0],
        "inputs": _values(spec["inputs"], inputs),
        "changedPropIds": list(inputs) if triggered is None else list(triggered),
    }
    if spec["state"]:
        body["state"] = _values(spec["state"], state or {})
    _act_as_owner(client, body)
    reply = client.post(UPDATE_URL, json=body)
    assert reply.status_code in (200, 204), reply.get_data(as_text=True)[:2000]
    raw = reply.get_data()
    response = json.loads(raw)["response"] if reply.status_code == 200 else {}
    return Reply(reply.status_code, raw, response)


def _act_as_owner(client, body: dict) -> None:
    """Send the session cookie of the session the request names, as the browser that owns it does.

    The server refuses requests naming another session than the cookie's
    (``state/ownership.py``); tests that mean to replay foreign keys set the
    cookie themselves and post with ``client.post``.
    """
    named = sessions_named(body)
    if len(named) == 1:
        client.set_cookie(SESSION_COOKIE, next(iter(named)))


def patch_values(patch: dict) -> dict[tuple, object]:
    """A Patch's assignments, ``{path: value}``, its ``Merge`` operations (``callbacks.common.patch_from``) taken apart.

    Other operations (a ``Delete``) are left out.
    """
    values: dict[tuple, object] = {}
    for op in patch["operations"]:
        location, value = tuple(op["location"]), op["params"].get("value")
        if op["operation"] == "Merge":
            values.update({(*location, key): item for key, item in value.items()})
        elif op["operation"] == "Assign":
            values[location] = value
    return values


def scatter_cut(reply: Reply) -> dict[tuple, object]:
    """A cut reply's scatter updates, ``{path: value}``, as the page's ``paintScatter`` applies them."""
    return {tuple(path): value for path, value in reply.get("scatter-cut-store", "data")["updates"]}


def text_of(node) -> str:
    """All text inside serialized Dash components (or plain strings and lists)."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return " ".join(text_of(child) for child in node)
    if isinstance(node, dict):
        return text_of(node.get("props", {}).get("children"))
    return ""


@pytest.fixture
def client(dash_app):
    return dash_app.server.test_client()
