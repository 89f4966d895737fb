"""hclust-explorer: explore hierarchical clustering in the browser.

``python3 dev.py serve`` serves ``app:server`` with gunicorn (production);
``python app.py`` (what ``python3 dev.py run`` does) is Dash's development
server, with Dash's debug mode only when ``HCLUST_DEBUG=1``. Settings come
from environment variables; see ``config.py``. Nothing imports this module:
tests and benchmarks build their own apps with ``factory.create_app``.
"""

from dash import CeleryManager

from config import Settings
from factory import create_app
from state.jobs import background_manager

settings = Settings.from_env()
manager = background_manager(settings)
app = create_app(settings, manager)
server = app.server
# With REDIS_URL set: `celery -A app:celery_app worker` runs the background jobs.
celery_app = manager.handle if isinstance(manager, CeleryManager) else None

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
