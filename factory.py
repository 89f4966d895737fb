"""The composition root: build a configured Dash app.

``app.py`` calls this for the served app; tests and benchmarks call it for
apps of their own, so nothing imports ``app.py``.
"""

from functools import partial
from pathlib import Path

from dash import Dash

from callbacks import register_callbacks
from components.layout import build_layout
from config import Settings
from state.jobs import background_manager
from state.session_store import SessionStore

ASSETS = str(Path(__file__).parent / "assets")


def create_app(settings: Settings | None = None, manager=None) -> Dash:
    """Build the Dash app: layout, callbacks, the server-side store and the job manager.

    Parameters
    ----------
    settings : Settings, optional
        Read from the environment when omitted.
    manager : dash.DiskcacheManager or dash.CeleryManager, optional
        Where background callbacks run; :func:`state.jobs.background_manager`
        of the settings when omitted.

    Returns
    -------
    dash.Dash
    """
    settings = settings or Settings.from_env()
    store = SessionStore.open(
        str(settings.cache_dir), settings.cache_size_mb, settings.session_ttl_seconds, settings.redis_url
    )
    dash_app = Dash(
        __name__,
        title="hclust-explorer",
        update_title=None,
        assets_folder=ASSETS,
        background_callback_manager=manager or background_manager(settings),
        # gzip the responses: cut updates are typed arrays that shrink about 3x.
        compress=True,
    )
    dash_app.layout = partial(build_layout, settings.max_upload_mb)
    register_callbacks(dash_app, store, settings)
    return dash_app
