"""The composition root: build a configured Dash app.

``app.py`` calls this for the served app; tests and benchmarks call it for
apps of their own, so nothing imports ``app.py``.
"""

import re
import uuid
from pathlib import Path

import flask

from callbacks import register_callbacks
from components.layout import build_layout
from config import Settings
from server import HclustDash, SessionLayout, harden, jobs_probe, store_probe
from state import ownership
from state.jobs import background_manager
from state.session_store import SessionStore

ASSETS = str(Path(__file__).parent / "assets")
SESSION_COOKIE = "hclust_session"
_SESSION_ID = re.compile(r"[0-9a-f]{32}")


def session_id(ttl_seconds: int) -> str:
    """The browser's session id: the one its cookie names, or a new one (then set as the cookie).

    The id names the browser's data in the server-side store, so uploads
    and trees survive a reload for as long as the session lives. The cookie
    is HTTP-only (page scripts never see it) and lives as long as the
    session's data.
    """
    if not flask.has_request_context():
        return uuid.uuid4().hex  # Dash checking the layout outside a page load
    current = flask.request.cookies.get(SESSION_COOKIE, "")
    if _SESSION_ID.fullmatch(current):
        return current
    if "new_session_id" in flask.g:  # Dash builds the layout twice on its first request
        return flask.g.new_session_id
    new = flask.g.new_session_id = uuid.uuid4().hex

    @flask.after_this_request
    def set_cookie(response: flask.Response) -> flask.Response:
        response.set_cookie(SESSION_COOKIE, new, max_age=ttl_seconds, httponly=True, samesite="Lax")
        return response

    return new


def create_app(settings: Settings | None = None, manager=None) -> HclustDash:
    """Build the Dash app: layout, callbacks, the server-side store and the job manager.

    Its Flask server gets ``/healthz``, the request-size limit, security
    headers, optional basic auth and callback-payload checks (see
    :mod:`server`).

    Parameters
    ----------
    settings : Settings, optional
        Read from the environment when omitted.
    manager : dash.DiskcacheManager or dash.CeleryManager, optional
        Where background callbacks run; :func:`state.jobs.background_manager`
        of the settings when omitted.

    Returns
    -------
    server.HclustDash
        A ``dash.Dash``.
    """
    settings = settings or Settings.from_env()
    store = SessionStore.open(
        str(settings.cache_dir),
        settings.cache_size_mb,
        settings.session_ttl_seconds,
        settings.redis_url,
        quick_seconds=settings.background_after_seconds,
        session_quota_mb=settings.session_quota_mb,
        cophenetic_seconds=settings.cophenetic_budget_seconds,
    )
    manager = manager or background_manager(settings)
    dash_app = HclustDash(
        __name__,
        title="hclust-explorer",
        update_title=None,
        assets_folder=ASSETS,
        background_callback_manager=manager,
        # gzip the responses: cut updates are typed arrays that shrink about 3x.
        compress=True,
    )
    dash_app.layout = SessionLayout(
        lambda session: build_layout(settings.max_upload_mb, session), lambda: session_id(settings.session_ttl_seconds)
    )
    guard = store.job_guard(
        settings.job_limit, settings.job_timeout_seconds, settings.job_page_gone_seconds, settings.job_nice
    )
    register_callbacks(dash_app, store, settings, guard)
    harden(dash_app, settings, {"store": store_probe(store), "jobs": jobs_probe(manager)})
    # After harden: the payload's shape is checked first. Each request marks its page as alive for the jobs.
    ownership.install(dash_app.server, SESSION_COOKIE, on_seen=guard.seen)
    return dash_app
