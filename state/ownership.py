"""Every callback request may touch only its own session's data: the session its cookie names.

The page keeps small references to server-side data (``DataRef``: a session
id and a content key; the view, which holds one; the session id itself).
They travel in the callback's JSON body, where any HTTP client can write
anything. The cookie is the owner: the server sets it with the page
(``factory.session_id``: HTTP-only, SameSite=Lax, unguessable), and this
check, run before Dash reads a callback request, refuses a request that
names any other session, so replaying another person's keys reads nothing
of theirs. It is one choke point for every callback, present and future: a
callback cannot forget it.
"""

from __future__ import annotations

from collections.abc import Iterator

SESSION_STORE_ID = "session-store"
MAX_DEPTH = 8  # stores nest a view at most a few levels deep (the merge player's {"view": {...}})

FOREIGN = (
    "this request names data of another browser session; a page can only use the data of the session "
    "its cookie names: reload the page"
)
NO_COOKIE = "this request has no session cookie (it expired, or cookies are off): reload the page"


def sessions_named(payload: dict) -> set[str]:
    """Every session id a callback request names: the session store's value, and ``session`` in any store.

    Parameters
    ----------
    payload : dict
        The request body Dash's renderer posts to ``/_dash-update-component``
        (``inputs`` and ``state``: lists of ``{"id", "property", "value"}``).

    Returns
    -------
    set of str
    """
    named: set[str] = set()
    for item in _dependencies(payload):
        value = item.get("value")
        if item.get("id") == SESSION_STORE_ID and value is not None:
            named.add(str(value))
        named.update(_session_fields(value, MAX_DEPTH))
    return named


def refusal(payload: dict, cookie_session: str | None) -> str | None:
    """Why a request may not run, or None when it names no session but the cookie's.

    Parameters
    ----------
    payload : dict
        The callback request's JSON body.
    cookie_session : str or None
        The session the request's cookie names (None without a cookie).
    """
    named = sessions_named(payload)
    if not named:
        return None  # it reads no session data
    if cookie_session is None:
        return NO_COOKIE
    if named != {cookie_session}:
        return FOREIGN
    return None


def _dependencies(payload: dict) -> Iterator[dict]:
    for key in ("inputs", "state"):
        for item in payload.get(key) or ():
            if isinstance(item, list):  # pattern-matching inputs (ALL) come as lists
                yield from (entry for entry in item if isinstance(entry, dict))
            elif isinstance(item, dict):
                yield item


def _session_fields(value, depth: int) -> Iterator[str]:
    if depth <= 0:
        return
    if isinstance(value, dict):
        if "session" in value and value["session"] is not None:
            yield str(value["session"])
        for child in value.values():
            if isinstance(child, dict | list):
                yield from _session_fields(child, depth - 1)
    elif isinstance(value, list):
        for child in value[:64]:  # stores hold few items; a long list is data, not references
            if isinstance(child, dict | list):
                yield from _session_fields(child, depth - 1)


def install(server, cookie_name: str, update_path: str = "/_dash-update-component", on_seen=None) -> None:
    """Refuse, with 403 and the reason, any callback request naming another session than its cookie's.

    Parameters
    ----------
    server : flask.Flask
        Dash's server; the check runs before Dash reads the request.
    cookie_name : str
        The session cookie (``factory.SESSION_COOKIE``).
    update_path : str
        Dash's callback route.
    on_seen : callable, optional
        ``on_seen(session_id)`` for each request of a session's own page
        (``JobGuard.seen``: a job whose page is gone is stopped).
    """
    import flask  # here, not at the top: the rest of the module is plain Python, tested without a server

    @server.before_request
    def only_own_session():
        if flask.request.method != "POST" or flask.request.path != update_path:
            return None
        payload = flask.request.get_json(silent=True)
        if not isinstance(payload, dict):
            return None  # malformed: the payload check answers it
        cookie = flask.request.cookies.get(cookie_name) or None
        reason = refusal(payload, cookie)
        if reason is None:
            if cookie is not None and on_seen is not None:
                on_seen(cookie)
            return None
        return flask.Response(reason[0].upper() + reason[1:] + ".", status=403, mimetype="text/plain")
