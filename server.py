"""The web server around the Dash app: health check, limits, headers, access control.

:func:`harden` installs all of it on a Dash app's Flask server;
``factory.create_app`` calls it, so the development server, gunicorn and
the tests serve the same thing.

- ``GET /healthz``: ``{"status": "ok", "store": "ok", "jobs": "ok"}`` (200)
  after writing and reading back a tiny key in the session store and in the
  job backend (or pinging Redis); 503 naming the part that failed.
- Request bodies above ``Settings.max_request_bytes`` are refused with 413
  before they are read.
- Security headers on every response; ``Cache-Control: no-store`` on all but
  the static files.
- With a password set, HTTP basic auth on everything but ``/healthz``.
- A callback request whose JSON does not have the renderer's shape, or names
  no server-side callback, gets a 400 with a one-line reason instead of a
  500 from deep inside Dash.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Mapping

import flask
from dash import CeleryManager, Dash, DiskcacheManager
from plotly.io.json import to_json_plotly as to_json
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from config import Settings
from state.redis_cache import StoreUnavailableError
from state.refs import DataRef, SessionExpiredError
from state.session_store import SessionStore

REALM = "hclust-explorer"
HEALTH_ROUTE = "healthz"
UPDATE_ROUTE = "_dash-update-component"
# Served files, left to their own caching (component suites are fingerprinted).
STATIC_ROUTES = ("assets/", "_dash-component-suites/", "_favicon.ico")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Only frame-ancestors: Dash's page needs its inline scripts.
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
Probe = Callable[[], None]  # returns when the part works, raises otherwise

log = logging.getLogger(__name__)


class SessionLayout:
    """The page's layout for the asking browser's session, serialised once per process.

    Every page gets the same layout but for one value, its session id (a
    ``dcc.Store``'s data). Building the component tree and serialising it
    takes about 35 ms, which fifty students opening the page at once pay
    fifty times over; here it is done once, and each page's JSON is the kept
    text with its own id written in. Called, it is an ordinary layout
    function (Dash calls it to validate callbacks, and outside a request).

    Parameters
    ----------
    build : callable
        The layout for a session id (``components.layout.build_layout``).
    session : callable
        The asking browser's session id (``factory.session_id``: it also sets the cookie).
    """

    def __init__(self, build: Callable[[str], object], session: Callable[[], str]) -> None:
        self._build = build
        self._session = session
        self._parts: tuple[str, str] | None = None

    def __call__(self):
        """The layout object for the asking browser (built afresh)."""
        return self._build(self._session())

    def json(self) -> str:
        """The layout as Dash serves it, with the asking browser's session id."""
        if self._parts is None:
            mark = json.dumps(f"session-{uuid.uuid4().hex}")  # no other value of the layout can equal it
            head, _, tail = to_json(self._build(json.loads(mark))).partition(mark)
            self._parts = (head, tail)
        head, tail = self._parts
        return head + json.dumps(self._session()) + tail


class HclustDash(Dash):
    """Dash, minus the exact Python version in the page's config, with its layout kept serialised.

    Dash writes ``sys.version`` into the ``_dash-config`` script of every
    page, only for its dev tools' version check. Dropping that one key where
    the config is built is one line; editing the rendered HTML instead would
    mean parsing JSON out of a script tag on every page load. A
    :class:`SessionLayout` is served from its kept JSON, unless Dash adds
    components or hooks of its own to the layout; the config's validation
    layout (about 300 components, the same for every page) is kept as plain
    JSON data, so a page load no longer serialises it component by component.
    """

    _plain_validation: tuple[int, object] | None = None

    def _config(self) -> dict:
        config = super()._config()
        config.pop("python_version", None)
        if "validation_layout" in config:
            layout = config["validation_layout"]
            if self._plain_validation is None or self._plain_validation[0] != id(layout):
                self._plain_validation = (id(layout), json.loads(to_json(layout)))
            config["validation_layout"] = self._plain_validation[1]
        return config

    def serve_layout(self):
        """``GET /_dash-layout``: the kept JSON of a :class:`SessionLayout`, else what Dash serves."""
        layout = self._layout
        if not isinstance(layout, SessionLayout) or self._extra_components or self._hooks.get_hooks("layout"):
            return super().serve_layout()
        return self.backend.make_response(layout.json(), mimetype="application/json")


def harden(dash_app: Dash, settings: Settings, probes: Mapping[str, Probe]) -> None:
    """Install the health check, body limit, headers, access control and payload checks.

    Parameters
    ----------
    dash_app : dash.Dash
    settings : Settings
        ``max_request_bytes``, ``max_upload_mb``, ``password`` and
        ``debug`` are used.
    probes : mapping of str to callable
        The parts ``/healthz`` checks, by name (``store``, ``jobs``).
    """
    server = dash_app.server
    # Flask turns its debug mode on from FLASK_DEBUG by itself; only HCLUST_DEBUG may.
    server.debug = settings.debug
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    prefix = dash_app.config.routes_pathname_prefix
    health_path = prefix + HEALTH_ROUTE
    update_path = prefix + UPDATE_ROUTE
    static_paths = tuple(prefix + route for route in STATIC_ROUTES)
    limit_mb = settings.max_request_bytes / 1_000_000

    def healthz() -> flask.Response:
        report = {name: _run(name, probe) for name, probe in probes.items()}
        healthy = all(value == "ok" for value in report.values())
        body = {"status": "ok" if healthy else "failing", **report}
        return flask.jsonify(body), 200 if healthy else 503

    def too_large(_error: RequestEntityTooLarge) -> flask.Response:
        return _plain(
            f"Request too large: this server reads at most {limit_mb:.1f} MB "
            f"(uploads up to {settings.max_upload_mb} MB).",
            413,
        )

    def guard() -> flask.Response | None:
        request = flask.request
        if request.path == health_path:
            return None
        if settings.password is not None and not _authorized(request.authorization, settings.password):
            response = _plain("Sign in to use hclust-explorer.", 401)
            response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}"'
            return response
        if request.content_length is not None and request.content_length > settings.max_request_bytes:
            raise RequestEntityTooLarge()  # before a byte of the body is read
        if request.method == "POST" and request.path == update_path:
            problem = _body_problem(request) or callback_request_problem(request.get_json(), dash_app.callback_map)
            if problem:
                return _plain(f"Bad callback request: {problem}", 400)
        return None

    def add_headers(response: flask.Response) -> flask.Response:
        response.headers.update(SECURITY_HEADERS)
        if not flask.request.path.startswith(static_paths):
            response.headers["Cache-Control"] = "no-store"
        return response

    server.add_url_rule(health_path, endpoint="hclust-healthz", view_func=healthz, methods=["GET"])
    server.register_error_handler(RequestEntityTooLarge, too_large)
    server.register_error_handler(StoreUnavailableError, store_down)
    if settings.redis_url:  # Dash's Celery manager talks to Redis itself: its connection errors too
        import kombu.exceptions
        import redis

        for kind in (
            redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError,
            kombu.exceptions.OperationalError,
        ):
            server.register_error_handler(kind, store_down)
    # After Dash's own first-request setup (registered when the app was made).
    server.before_request(guard)
    server.after_request(add_headers)


def store_down(error: Exception) -> flask.Response:
    """The store (Redis) went away during a callback: say so in the message line, change nothing else.

    The reply is an ordinary Dash callback response that sets only the
    message, when the callback writes it; otherwise no update (204), and the
    next callback that writes the message says it. No 500 and no traceback,
    whichever callback was running; service resumes when Redis is back.
    """
    body = flask.request.get_json(silent=True) if flask.request.path.endswith(UPDATE_PATH_SUFFIX) else None
    outputs = body.get("outputs") if isinstance(body, dict) else None
    outputs = outputs if isinstance(outputs, list) else [outputs]
    for output in outputs:
        if (
            isinstance(output, dict)
            and output.get("id") == "message"
            and str(output.get("property", "")).startswith("children")
        ):
            said = str(error if isinstance(error, StoreUnavailableError) else StoreUnavailableError())
            text = said[0].upper() + said[1:] + "."
            paragraph = {
                "type": "P",
                "namespace": "dash_html_components",
                "props": {"children": text, "className": "msg msg-error"},
            }
            reply = {"multi": True, "response": {"message": {"children": [paragraph]}}}
            return flask.Response(json.dumps(reply), status=200, mimetype="application/json")
    return flask.Response(status=204)


UPDATE_PATH_SUFFIX = "/_dash-update-component"


def _probe_key() -> str:
    """A key of this process and thread: concurrent probes never read each other's writes.

    Server threads are a fixed pool, so the keys are few; each is overwritten
    by the next probe of its thread.
    """
    return f"{_PROCESS}-{os.getpid()}-{threading.get_ident()}"


_PROCESS = uuid.uuid4().hex


def store_probe(store: SessionStore) -> Probe:
    """Write a tiny record into the session store and read it back.

    It goes through the store's public record API under a session id no
    browser can have (browsers' are 32 hex digits), and expires like a
    session's data.
    """

    def probe() -> None:
        token = uuid.uuid4().hex
        ref = DataRef("healthz", _probe_key())
        store.remember(ref, ("probe",), token)
        try:
            read = store.recall(ref, ("probe",))
        except SessionExpiredError as error:
            raise RuntimeError("the value just written is not there") from error
        if read != token:
            raise RuntimeError("read back a different value")

    return probe


def jobs_probe(manager) -> Probe:
    """Check the background-job backend: its diskcache directory takes a write, or Redis answers."""
    if isinstance(manager, DiskcacheManager):
        cache = manager.handle

        def probe() -> None:
            token = uuid.uuid4().hex
            key = f"hclust-explorer-healthz-{_probe_key()}"
            cache.set(key, token, expire=60)
            if cache.get(key) != token:
                raise RuntimeError("read back a different value")

        return probe
    if isinstance(manager, CeleryManager):
        clients = []

        def probe() -> None:
            if not clients:
                import redis  # only with REDIS_URL

                url = manager.handle.conf.broker_url
                clients.append(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))
            if not clients[0].ping():
                raise RuntimeError("Redis did not answer the ping")

        return probe
    raise TypeError(f"no health probe for {type(manager).__name__}")


def callback_request_problem(body, callback_map: Mapping[str, dict]) -> str | None:
    """What is wrong with a callback request's JSON, or None when it has the renderer's shape.

    The renderer sends ``{"output": key, "outputs": ..., "inputs": [...],
    "state": [...], "changedPropIds": [...]}`` where ``key`` names a
    server-side callback, and ``inputs``/``state`` hold one entry per
    dependency of that callback: ``{"id", "property", "value"}``, or a list
    of those for a pattern-matching (``ALL``) dependency. Only the envelope
    is checked; the values are the callbacks' business.
    """
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    if not isinstance(output, str):
        return "'output' must be a string"
    spec = callback_map.get(output)
    if spec is None or "callback" not in spec:  # clientside callbacks are in the map too, without one
        return f"no server callback writes {_short(output)}"
    for name in ("inputs", "state"):
        expected = len(spec.get(name) or [])
        if name not in body and (name == "state" and expected == 0):
            continue
        entries = body.get(name)
        if not isinstance(entries, list):
            return f"'{name}' must be a list"
        if len(entries) != expected:
            return f"'{name}' has {len(entries)} entries; this callback takes {expected}"
        if any(_dependency_problem(entry) for entry in entries):
            return f"each of '{name}' must be an object with 'id' and 'property' (or a list of those)"
    changed = body.get("changedPropIds")
    if not isinstance(changed, list) or not all(isinstance(prop, str) for prop in changed):
        return "'changedPropIds' must be a list of strings"
    if not spec.get("no_output"):
        problem = _outputs_problem(body.get("outputs"), output)
        if problem:
            return problem
    return None


def _outputs_problem(outputs, key: str) -> str | None:
    if key.startswith(".."):  # several outputs: "..a.x...b.y.."
        count = len(key[2:-2].split("..."))
        if not isinstance(outputs, list) or len(outputs) != count:
            return f"'outputs' must be a list of {count} outputs"
        if any(_dependency_problem(entry) for entry in outputs):
            return "each of 'outputs' must be an object with 'id' and 'property' (or a list of those)"
        return None
    if _dependency_problem(outputs):
        return "'outputs' must be an object with 'id' and 'property' (or a list of those)"
    return None


def _dependency_problem(entry) -> bool:
    if isinstance(entry, list):
        return any(not _is_dependency(item) for item in entry)
    return not _is_dependency(entry)


def _is_dependency(entry) -> bool:
    return (
        isinstance(entry, dict) and isinstance(entry.get("id"), str | dict) and isinstance(entry.get("property"), str)
    )


def _body_problem(request: flask.Request) -> str | None:
    """Why the body cannot be read as JSON, or None (then ``get_json()`` answers from its cache)."""
    if not request.is_json:
        return "the body must be JSON (Content-Type: application/json)"
    if request.content_length is None and len(request.get_data()) >= request.max_content_length:
        # A chunked body has no length to check up front; werkzeug stops reading it
        # at the limit, without an error of its own.
        raise RequestEntityTooLarge()
    try:
        request.get_json()
    except RecursionError:
        return "the JSON is nested too deeply"
    except BadRequest:
        return "the body is not valid JSON"
    return None


def _authorized(auth, password: str) -> bool:
    if auth is None or auth.type != "basic" or auth.password is None:
        return False
    return hmac.compare_digest(auth.password.encode(), password.encode())


def _run(name: str, probe: Probe) -> str:
    try:
        probe()
    except Exception as error:  # a health check reports every failure, whatever it is
        log.warning("health check: %s failed", name, exc_info=True)
        return f"failed ({type(error).__name__})"
    return "ok"


def _plain(text: str, status: int) -> flask.Response:
    return flask.Response(text + "\n", status=status, mimetype="text/plain")


def _short(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")
