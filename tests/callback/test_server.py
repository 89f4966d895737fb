"""The web server around the app (server.py, dev.py serve): health, limits, headers, auth, bad payloads."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import diskcache
import pytest
from dash import CeleryManager, DiskcacheManager

import config
import dev
from config import Settings
from factory import SESSION_COOKIE, create_app
from server import callback_request_problem, jobs_probe, store_probe
from state.session_store import SessionStore
from tests.callback.conftest import UPDATE_URL, call

ROOT = Path(__file__).parents[2]
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
SESSION = "a" * 32
CONFIG_SCRIPT = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


def make_app(tmp_path, **overrides):
    return create_app(Settings(cache_dir=tmp_path / "cache", **overrides))


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def assert_security_headers(response):
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, name


def page_config(client) -> dict:
    html = client.get("/").get_data(as_text=True)
    return json.loads(CONFIG_SCRIPT.search(html).group(1))


def first_component_suite(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'src="(/_dash-component-suites/[^"]+)"', html).group(1)


# --- /healthz --------------------------------------------------------------------


def test_healthz_reports_store_and_jobs(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok", "store": "ok", "jobs": "ok"}
    assert reply.headers["Cache-Control"] == "no-store"
    assert_security_headers(reply)


def test_healthz_twice_reads_back_its_own_writes(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200


class BrokenCache(diskcache.Cache):
    """A diskcache whose writes fail, as on a full or read-only disk."""

    def set(self, *args, **kwargs):
        raise OSError("disk full")


def test_healthz_names_the_failing_store(tmp_path, monkeypatch):
    broken = SessionStore(BrokenCache(str(tmp_path / "broken")), 60)
    monkeypatch.setattr("factory.SessionStore.open", lambda *args, **kwargs: broken)
    client = make_app(tmp_path).server.test_client()
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.get_json() == {"status": "failing", "store": "failed (OSError)", "jobs": "ok"}


def test_healthz_names_the_failing_job_backend(tmp_path):
    manager = DiskcacheManager(BrokenCache(str(tmp_path / "jobs")))
    client = create_app(Settings(cache_dir=tmp_path / "cache"), manager).server.test_client()
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.get_json() == {"status": "failing", "store": "ok", "jobs": "failed (OSError)"}


def test_store_probe_through_the_public_api(tmp_path):
    store = SessionStore.open(str(tmp_path / "store"), 10, 60)
    store_probe(store)()  # no error


def test_jobs_probe_pings_the_celery_broker():
    from celery import Celery

    unreachable = CeleryManager(Celery("t", broker="redis://127.0.0.1:1/0", backend="redis://127.0.0.1:1/0"))
    with pytest.raises(Exception, match="(?i)connect"):
        jobs_probe(unreachable)()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_healthz_with_redis_store_and_celery_jobs(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis_server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = make_app(tmp_path, redis_url=f"redis://127.0.0.1:{port}/0").server.test_client()
        deadline = time.monotonic() + 20
        while (reply := client.get("/healthz")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert reply.get_json() == {"status": "ok", "store": "ok", "jobs": "ok"}
        redis_server.terminate()
        redis_server.wait(10)
        reply = client.get("/healthz")
        assert reply.status_code == 503
        body = reply.get_json()
        assert body["store"].startswith("failed") and body["jobs"].startswith("failed")
    finally:
        redis_server.kill()
        redis_server.wait(10)


# --- request size ------------------------------------------------------------------


def test_max_content_length_allows_a_base64_upload_and_headroom(tmp_path):
    assert Settings(max_upload_mb=50).max_request_bytes == 66_666_667 + config.REQUEST_HEADROOM_BYTES
    server = make_app(tmp_path, max_upload_mb=3).server
    assert server.config["MAX_CONTENT_LENGTH"] == 4_000_000 + config.REQUEST_HEADROOM_BYTES


def test_a_too_large_body_gets_413_with_a_reason(tmp_path):
    app = make_app(tmp_path, max_upload_mb=1)
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    reply = app.server.test_client().post(UPDATE_URL, data=b"x" * (limit + 1), content_type="application/json")
    assert reply.status_code == 413
    assert reply.mimetype == "text/plain"
    assert "Request too large" in reply.get_data(as_text=True)
    assert "1 MB" in reply.get_data(as_text=True)
    assert_security_headers(reply)


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def test_a_200_mb_post_is_refused_before_it_is_read(client):
    reply = client.post(
        UPDATE_URL,
        content_type="application/json",
        environ_overrides={"wsgi.input": Unreadable(), "CONTENT_LENGTH": "200000000"},
    )
    assert reply.status_code == 413


def test_a_chunked_body_is_cut_off_at_the_limit(tmp_path):
    app = make_app(tmp_path, max_upload_mb=1)
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    reply = app.server.test_client().post(
        UPDATE_URL,
        input_stream=io.BytesIO(b"[" + b"0," * limit + b"0]"),
        content_type="application/json",
        # No Content-Length to check up front, as with chunked encoding.
        environ_overrides={"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True},
    )
    assert reply.status_code == 413


def test_an_upload_at_the_limit_is_not_refused(tmp_path):
    app = make_app(tmp_path, max_upload_mb=1)
    client = app.server.test_client()
    rows = "\n".join(f"{i},{i * 2},{i % 7}" for i in range(100_000))
    raw = ("a,b,c\n" + rows).encode()[: Settings(max_upload_mb=1).max_upload_bytes]
    raw = raw[: raw.rfind(b"\n")]  # just under 1 MB: its base64 body is 1.33 MB
    contents = "data:text/csv;base64," + base64.b64encode(raw).decode()
    reply = call(
        client,
        app,
        ["upload.contents"],
        inputs={"upload.contents": contents},
        state={"upload.filename": "points.csv", "session-store.data": SESSION},
    )
    assert reply.status == 200


# --- headers ------------------------------------------------------------------------


def test_the_page_has_security_headers_and_no_store(client):
    reply = client.get("/")
    assert reply.status_code == 200
    assert_security_headers(reply)
    assert reply.headers["Cache-Control"] == "no-store"


def test_a_callback_response_has_security_headers_and_no_store(client, dash_app):
    client.set_cookie(SESSION_COOKIE, SESSION)  # the session the body names is this browser's
    reply = client.post(UPDATE_URL, json=_body_of_choose(dash_app))
    assert reply.status_code == 200
    assert_security_headers(reply)
    assert reply.headers["Cache-Control"] == "no-store"


def _body_of_choose(dash_app) -> dict:
    from tests.callback.conftest import _values, find_callback, outputs_of

    key = find_callback(dash_app, ["data-ref-store.data"], {"dataset.value": "classic"})
    spec = dash_app.callback_map[key]
    outputs = outputs_of(key)
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": _values(spec["inputs"], {"dataset.value": "classic"}),
        "state": _values(spec["state"], {"session-store.data": SESSION}),
        "changedPropIds": ["dataset.value"],
    }


@pytest.mark.parametrize("path", ["/_dash-layout", "/_dash-dependencies", "/healthz", "/no-such-page/x"])
def test_data_responses_are_not_stored(client, path):
    reply = client.get(path)
    assert reply.headers["Cache-Control"] == "no-store"
    assert_security_headers(reply)


def test_static_files_keep_their_caching(client):
    asset = client.get("/assets/style.css")
    suite = client.get(first_component_suite(client))
    for reply in (asset, suite, client.get("/_favicon.ico")):
        assert reply.status_code == 200
        assert_security_headers(reply)
        assert "no-store" not in reply.headers.get("Cache-Control", "")


def test_the_page_config_does_not_disclose_the_python_version(client):
    config_json = page_config(client)
    assert "python_version" not in config_json
    assert "dash_version" in config_json  # the rest of the config is intact
    assert sys.version not in client.get("/").get_data(as_text=True)


def test_every_page_gets_the_validation_layout_dash_would_send(client, dash_app):
    """The config's validation layout is kept as plain JSON data (server.HclustDash), equal to Dash's own."""
    from plotly.io.json import to_json_plotly

    expected = json.loads(to_json_plotly(dash_app.validation_layout))
    configs = [page_config(client) for _ in range(2)]
    assert all(config["validation_layout"] == expected for config in configs)
    assert configs[0]["end_id"] != configs[1]["end_id"]  # each page load still gets its own signed id


# --- basic auth -----------------------------------------------------------------


@pytest.fixture
def locked(tmp_path):
    return make_app(tmp_path, password="correct horse ✓").server.test_client()


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/assets/style.css", "/_favicon.ico"])
def test_with_a_password_every_page_asks_for_it(locked, path):
    reply = locked.get(path)
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="hclust-explorer"'
    assert_security_headers(reply)


def test_with_a_password_callbacks_ask_for_it_before_reading_the_body(locked):
    reply = locked.post(
        UPDATE_URL,
        content_type="application/json",
        environ_overrides={"wsgi.input": Unreadable(), "CONTENT_LENGTH": "100"},
    )
    assert reply.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [basic("anyone", "wrong"), basic("anyone", "correct horse"), {"Authorization": "Bearer correct horse ✓"}],
)
def test_a_wrong_password_is_refused(locked, headers):
    assert locked.get("/", headers=headers).status_code == 401


@pytest.mark.parametrize("user", ["", "teacher", "student 7"])
def test_the_password_with_any_user_name_lets_in(locked, user):
    reply = locked.get("/", headers=basic(user, "correct horse ✓"))
    assert reply.status_code == 200
    assert "WWW-Authenticate" not in reply.headers


def test_healthz_needs_no_password(locked):
    assert locked.get("/healthz").status_code == 200


def test_without_a_password_nothing_asks(client):
    reply = client.get("/")
    assert reply.status_code == 200
    assert "WWW-Authenticate" not in reply.headers


def test_the_password_stays_out_of_the_settings_repr():
    assert "hunter2" not in repr(Settings(password="hunter2"))


# --- malformed callback payloads ---------------------------------------------------------


def _good(dash_app) -> dict:
    """The well-formed body of the dataset callback (choosing the "classic" example)."""
    return _body_of_choose(dash_app)


MALFORMED = {
    "not JSON": lambda app: {"data": b"{not json", "content_type": "application/json"},
    "a JSON list": lambda app: {"json": [1, 2, 3]},
    "no output": lambda app: {"json": {k: v for k, v in _good(app).items() if k != "output"}},
    "output not a string": lambda app: {"json": {**_good(app), "output": ["data-ref-store.data"]}},
    "inputs not a list": lambda app: {"json": {**_good(app), "inputs": {"id": "dataset"}}},
    "an input without id": lambda app: {
        "json": {**_good(app), "inputs": [{"property": "value", "value": "classic"}] * len(_good(app)["inputs"])}
    },
    "unknown output": lambda app: {"json": {"output": "nope.children", "inputs": [], "changedPropIds": []}},
    "huge nesting depth": lambda app: {
        "data": '{"output": "x", "inputs": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "content_type": "application/json",
    },
    "wrong number of inputs": lambda app: {"json": {**_good(app), "inputs": []}},
    "state missing": lambda app: {"json": {k: v for k, v in _good(app).items() if k != "state"}},
    "changedPropIds not a list": lambda app: {"json": {**_good(app), "changedPropIds": "dataset.value"}},
    "outputs missing": lambda app: {"json": {k: v for k, v in _good(app).items() if k != "outputs"}},
    "a clientside callback's output": lambda app: {
        "json": {"output": _clientside_key(app), "inputs": [], "changedPropIds": []}
    },
    "not sent as JSON": lambda app: {"data": json.dumps(_good(app)), "content_type": "text/plain"},
}


def _clientside_key(dash_app) -> str:
    return next(key for key, spec in dash_app.callback_map.items() if "callback" not in spec)


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_callback_payload_gets_400_with_a_reason(client, dash_app, kind):
    reply = client.post(UPDATE_URL, **MALFORMED[kind](dash_app))
    text = reply.get_data(as_text=True)
    assert reply.status_code == 400, text[:300]
    assert reply.mimetype == "text/plain"
    assert text.startswith("Bad callback request: ")
    assert len(text) < 200
    assert "Traceback" not in text


def test_the_well_formed_payload_of_those_tests_works(client, dash_app):
    client.set_cookie(SESSION_COOKIE, SESSION)
    assert client.post(UPDATE_URL, json=_good(dash_app)).status_code == 200


def test_an_unknown_output_names_it(client):
    reply = client.post(UPDATE_URL, json={"output": "nope.children", "inputs": [], "changedPropIds": []})
    assert reply.status_code == 400
    assert "'nope.children'" in reply.get_data(as_text=True)


def test_pattern_matching_inputs_are_lists_of_dependencies(dash_app):
    def wildcard(dep):  # the map names a pattern id by its JSON; the renderer sends the objects it matched
        return dep["id"].startswith("{")

    key = next(
        k for k, spec in dash_app.callback_map.items() if "callback" in spec and any(map(wildcard, spec["inputs"]))
    )
    spec = dash_app.callback_map[key]
    count = len(key[2:-2].split("...")) if key.startswith("..") else 1
    outputs = [{"id": "x", "property": "y"}] * count if count > 1 else {"id": "x", "property": "y"}
    matched = {"id": {"type": "t", "index": 3}, "property": "n_clicks", "value": 1}
    inputs = [[matched] if wildcard(d) else {**d, "value": None} for d in spec["inputs"]]
    state = [{**d, "value": None} for d in spec["state"]]
    body = {"output": key, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": []}
    assert callback_request_problem(body, dash_app.callback_map) is None
    index = next(i for i, d in enumerate(spec["inputs"]) if wildcard(d))
    body["inputs"][index] = [{"id": {"type": "t"}}]  # no property
    assert callback_request_problem(body, dash_app.callback_map)


def test_errors_inside_a_callback_are_not_hidden(tmp_path):
    from dash import Input, Output

    app = make_app(tmp_path)

    @app.callback(Output("boom", "children"), Input("boom-button", "n_clicks"))
    def boom(_clicks):
        raise ValueError("a bug in a callback")

    body = {
        "output": "boom.children",
        "outputs": {"id": "boom", "property": "children"},
        "inputs": [{"id": "boom-button", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["boom-button.n_clicks"],
    }
    reply = app.server.test_client().post(UPDATE_URL, json=body)
    assert reply.status_code == 500
    assert "a bug in a callback" not in reply.get_data(as_text=True)  # no traceback to the browser


# --- debug mode and settings ---------------------------------------------------------------


def test_debug_is_off_unless_hclust_debug(tmp_path, monkeypatch):
    for name in ("HCLUST_DEBUG", "HCLUST_PASSWORD", "HCLUST_WORKERS", "HCLUST_THREADS", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASH_DEBUG", "true")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("HCLUST_CACHE_DIR", str(tmp_path / "cache"))
    settings = Settings.from_env()
    assert settings.debug is False
    app = create_app(settings)
    assert app.server.debug is False
    assert page_config(app.server.test_client())["ui"] is False
    monkeypatch.setenv("HCLUST_DEBUG", "1")
    assert Settings.from_env().debug is True


def test_server_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("HCLUST_WORKERS", "3")
    monkeypatch.setenv("HCLUST_THREADS", "6")
    monkeypatch.setenv("HCLUST_PASSWORD", "pw")
    settings = Settings.from_env()
    assert (settings.workers, settings.threads, settings.password) == (3, 6, "pw")
    monkeypatch.setenv("HCLUST_PASSWORD", "")
    assert Settings.from_env().password is None
    monkeypatch.setenv("HCLUST_WORKERS", "0")
    with pytest.raises(SystemExit, match="HCLUST_WORKERS must be at least 1"):
        Settings.from_env()


def test_the_jobs_niceness_from_the_environment(monkeypatch):
    monkeypatch.delenv("HCLUST_JOB_NICE", raising=False)
    assert Settings.from_env().job_nice == 19  # the lowest priority: jobs take the cores the pages leave
    monkeypatch.setenv("HCLUST_JOB_NICE", "0")
    assert Settings.from_env().job_nice == 0  # jobs keep the web workers' priority
    monkeypatch.setenv("HCLUST_JOB_NICE", "40")
    assert Settings.from_env().job_nice == config.MAX_NICE
    monkeypatch.setenv("HCLUST_JOB_NICE", "-5")
    with pytest.raises(SystemExit, match="HCLUST_JOB_NICE must be at least 0"):
        Settings.from_env()


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 3), (3, 4), (4, 5), (7, 8), (64, 8)])
def test_default_workers_from_the_cores(monkeypatch, cores, workers):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert config.default_workers() == workers


# --- dev.py serve --------------------------------------------------------------------------


def test_serve_builds_the_gunicorn_command():
    settings = Settings(host="0.0.0.0", port=9000, workers=3, threads=2)
    assert dev.gunicorn_command(settings, "/venv/bin/python") == [
        "/venv/bin/python", "-m", "gunicorn",
        "--bind", "0.0.0.0:9000",
        "--workers", "3",
        "--worker-class", "gthread",
        "--threads", "2",
        "--keep-alive", "30",
        "--chdir", str(ROOT),
        "app:server",
    ]  # fmt: skip


def test_serve_brackets_an_ipv6_host_and_passes_extra_options():
    command = dev.gunicorn_command(Settings(host="::", port=8050), "py", ["--access-logfile", "-"])
    assert command[command.index("--bind") + 1] == "[::]:8050"
    assert command[-3:] == ["--access-logfile", "-", "app:server"]


def test_serve_says_how_to_start_celery_workers_only_with_redis():
    assert dev.celery_hint(Settings()) is None
    hint = dev.celery_hint(Settings(redis_url="redis://localhost:6379/0"))
    assert "celery -A app:celery_app worker" in hint


def test_serve_for_real(tmp_path):
    """gunicorn as `dev.py serve` starts it: /healthz answers, a 200 MB POST is refused unread."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = dev.gunicorn_command(Settings(host="127.0.0.1", port=port, workers=1, threads=2), sys.executable)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HCLUST_") and key not in ("REDIS_URL", "HOST", "PORT")
    }
    env["HCLUST_CACHE_DIR"] = str(tmp_path / "cache")
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 90
        body = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:
                    body = json.loads(reply.read())
                    headers = reply.headers
                break
            except OSError:
                time.sleep(0.3)
        assert body == {"status": "ok", "store": "ok", "jobs": "ok"}, log.read_text()[-3000:]
        assert headers["X-Content-Type-Options"] == "nosniff"

        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(
                b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 200000000\r\n\r\n{"
            )
            status_line = conn.recv(200).split(b"\r\n")[0]
        assert b" 413 " in status_line
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
