"""hclust-explorer: explore hierarchical clustering in the browser.

Run ``python app.py`` (or ``gunicorn app:server``). Settings come from
environment variables; see ``config.py``. Nothing imports this module: tests
and benchmarks build their own apps with ``factory.create_app``.
"""

from config import Settings
from factory import create_app

settings = Settings.from_env()
app = create_app(settings)
server = app.server

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
