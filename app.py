"""hclust-explorer: explore hierarchical clustering in the browser.

Run ``python app.py`` (or ``gunicorn app:server``). Settings come from
environment variables; see ``config.py``.
"""

from functools import partial

from dash import Dash

from callbacks import register_callbacks
from components.layout import build_layout
from config import Settings
from state.session_store import SessionStore


def create_app(settings: Settings | None = None) -> Dash:
    """Build the Dash app: layout, callbacks and the server-side store."""
    settings = settings or Settings.from_env()
    store = SessionStore.open(str(settings.cache_dir), settings.cache_size_mb, settings.session_ttl_seconds)
    dash_app = Dash(__name__, title="hclust-explorer", update_title=None)
    dash_app.layout = partial(build_layout, settings.max_upload_mb)
    register_callbacks(dash_app, store, settings)
    return dash_app


settings = Settings.from_env()
app = create_app(settings)
server = app.server

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
