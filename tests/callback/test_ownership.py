"""A session's data is the cookie's: another client replaying its keys over HTTP gets a refusal, never the data."""

from __future__ import annotations

import json

from factory import SESSION_COOKIE
from state.ownership import FOREIGN, NO_COOKIE, refusal, sessions_named
from tests.callback.conftest import UPDATE_URL, call, find_callback, outputs_of
from tests.callback.data_calls import upload
from tests.callback.test_callbacks import tree

SECRET_LABELS = [f"patient-{i:03d}" for i in range(40)]
OWNER = "a" * 32
INTRUDER = "b" * 32


def owners_view(client, app) -> dict:
    """The owner uploads a table of 40 named samples and shows its tree."""
    rows = "\n".join(f"{name},{i % 7},{(i * 3) % 11}" for i, name in enumerate(SECRET_LABELS))
    reply = upload(client, app, f"name,x,y\n{rows}\n".encode(), "private.csv", session=OWNER)
    return tree(client, app, reply.get("data-ref-store", "data")).get("view-store", "data")


def export_request(app, view: dict) -> dict:
    """The body the page posts for "Cluster assignments (CSV)": it names the view, and so its session."""
    key = find_callback(app, ["download-assignments.data"])
    spec = app.callback_map[key]
    return {
        "output": key,
        "outputs": outputs_of(key),
        "inputs": [{**dep, "value": 1} for dep in spec["inputs"]],
        "state": [{**dep, "value": view} for dep in spec["state"]],
        "changedPropIds": ["export-assignments.n_clicks"],
    }


def test_the_owner_downloads_its_labels(client, dash_app):
    view = owners_view(client, dash_app)
    client.set_cookie(SESSION_COOKIE, OWNER)
    reply = client.post(UPDATE_URL, json=export_request(dash_app, view))
    assert reply.status_code == 200
    assert "patient-007" in reply.get_data(as_text=True)


def test_another_session_replaying_the_owners_view_is_refused_and_sees_nothing(client, dash_app):
    view = owners_view(client, dash_app)
    intruder = dash_app.server.test_client()
    intruder.set_cookie(SESSION_COOKIE, INTRUDER)
    reply = intruder.post(UPDATE_URL, json=export_request(dash_app, view))
    assert reply.status_code == 403
    text = reply.get_data(as_text=True)
    assert "another browser session" in text
    assert not any(name in text for name in SECRET_LABELS)


def test_a_request_without_the_cookie_is_refused(client, dash_app):
    view = owners_view(client, dash_app)
    stranger = dash_app.server.test_client()
    reply = stranger.post(UPDATE_URL, json=export_request(dash_app, view))
    assert reply.status_code == 403
    assert "no session cookie" in reply.get_data(as_text=True)


def test_writing_a_dataset_under_another_sessions_id_is_refused(client, dash_app):
    intruder = dash_app.server.test_client()
    intruder.set_cookie(SESSION_COOKIE, INTRUDER)
    body = json.loads(json.dumps(_choose_body(dash_app, OWNER)))
    assert intruder.post(UPDATE_URL, json=body).status_code == 403
    # The same request from the owner's own browser is served.
    client.set_cookie(SESSION_COOKIE, OWNER)
    assert client.post(UPDATE_URL, json=body).status_code == 200


def test_the_page_sets_the_cookie_its_stores_name(client, dash_app):
    page = client.get("/")
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None and len(cookie.value) == 32
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert cookie.value in layout  # the session store holds the cookie's id
    assert page.status_code == 200


def test_each_page_gets_the_layout_built_for_its_own_session(client, dash_app, settings):
    """The layout is serialised once per process (server.SessionLayout): each page still gets its own id in it."""
    from plotly.io.json import to_json_plotly

    from components.layout import build_layout

    other = dash_app.server.test_client()
    layouts = {}
    for browser in (client, other, client):
        browser.get("/")
        served = browser.get("/_dash-layout").get_data(as_text=True)
        layouts.setdefault(browser.get_cookie(SESSION_COOKIE).value, []).append(served)
    assert len(layouts) == 2
    for session, served in layouts.items():
        fresh = json.loads(to_json_plotly(build_layout(settings.max_upload_mb, session)))
        assert all(json.loads(text) == fresh for text in served)


def test_a_view_nested_in_a_store_is_checked_too():
    payload = {"inputs": [{"id": "merge-store", "property": "data", "value": {"view": {"session": INTRUDER}}}]}
    assert sessions_named(payload) == {INTRUDER}
    assert refusal(payload, OWNER) == FOREIGN
    assert refusal(payload, None) == NO_COOKIE
    assert refusal({"inputs": [{"id": "theme", "property": "value", "value": "dark"}]}, None) is None
    mixed = {
        "inputs": [{"id": "session-store", "property": "data", "value": OWNER}],
        "state": [[{"value": {"session": INTRUDER}}]],
    }
    assert refusal(mixed, OWNER) == FOREIGN


def _choose_body(app, session: str) -> dict:
    key = find_callback(app, ["data-ref-store.data", "data-summary.children"], ["dataset.value"])
    spec = app.callback_map[key]
    values = {"dataset.value": "iris", "session-store.data": session}
    deps = lambda items: [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in items]  # noqa: E731
    return {
        "output": key,
        "outputs": outputs_of(key),
        "inputs": deps(spec["inputs"]),
        "state": deps(spec["state"]),
        "changedPropIds": ["dataset.value"],
    }


def test_the_call_helper_acts_as_the_owner(client, dash_app):
    reply = call(
        client, dash_app, ["data-ref-store.data"], inputs={"dataset.value": "iris"}, state={"session-store.data": OWNER}
    )
    assert reply.status == 200
    assert client.get_cookie(SESSION_COOKIE).value == OWNER
