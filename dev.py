#!/usr/bin/env python3
"""Set up and run hclust-explorer with nothing but python3.

    python3 dev.py run     # install into .venv, then the development server on http://127.0.0.1:8050
    python3 dev.py serve   # install into .venv, then the production server (gunicorn) on HOST:PORT
    python3 dev.py test    # install into .venv (+ Debian's chromium), run every test

The virtual environment is made once and refreshed when pyproject.toml
changes. Extra arguments after ``serve`` go to gunicorn, after ``test`` to
pytest. ``serve`` for a room: ``HOST=0.0.0.0 python3 dev.py serve``; its
workers and threads come from ``HCLUST_WORKERS`` and ``HCLUST_THREADS``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("HCLUST_VENV", ROOT / ".venv"))
PYTHON = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")


def _run(*command: str | Path, **kwargs) -> None:
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True, **kwargs)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (with ``extras``) when needed."""
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == spec:
        return
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extras}]" if extras else str(ROOT))
    stamp.write_text(spec)


def ensure_system_packages() -> None:
    """Install Debian's chromium (browser tests) and redis-server (Celery tests) if missing."""
    missing = [
        pkg
        for pkg, exe in (("chromium", CHROMIUM), ("redis-server", Path("/usr/bin/redis-server")))
        if not exe.exists()
    ]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"Missing {', '.join(missing)}: install with `sudo apt-get install -y {' '.join(missing)}`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run("apt-get", "update", "-qq", env=env)
    _run("apt-get", "install", "-y", "-qq", *missing, env=env)


def run_app() -> None:
    """Serve the app on HOST:PORT (default 127.0.0.1:8050) with the development server."""
    ensure_venv("")
    os.execv(PYTHON, [str(PYTHON), str(ROOT / "app.py")])


def gunicorn_command(settings, python: str | Path = PYTHON, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The gunicorn command line that serves ``app:server`` as ``settings`` say.

    Parameters
    ----------
    settings : config.Settings
        ``host``, ``port``, ``workers`` and ``threads`` are used; every
        worker reads the rest from the environment itself when it imports
        ``app.py``, exactly as ``gunicorn app:server`` would.
    python : str or Path
        The interpreter that runs gunicorn (the project's .venv).
    extra : sequence of str
        More gunicorn options, placed before the app (a later option wins).

    Returns
    -------
    list of str
    """
    host = f"[{settings.host}]" if ":" in settings.host and not settings.host.startswith("[") else settings.host
    return [
        str(python), "-m", "gunicorn",
        "--bind", f"{host}:{settings.port}",
        "--workers", str(settings.workers),
        # Threads take the requests that mostly wait (progress polls, store reads);
        # and in gthread workers a long request does not trip gunicorn's timeout.
        "--worker-class", "gthread",
        "--threads", str(settings.threads),
        # A page sends a request about every second on each of its few connections: keep them open
        # longer than that (gunicorn's default is 2 s), so a reused connection is not closed under a
        # request in flight (the client then sees a reset).
        "--keep-alive", "30",
        # No --preload: each worker opens its own store and job cache (SQLite
        # connections must not cross a fork), as a plain `gunicorn app:server` does.
        "--chdir", str(ROOT),
        *extra,
        "app:server",
    ]  # fmt: skip


def celery_hint(settings) -> str | None:
    """How to start the Celery workers, when background jobs go to them (REDIS_URL set)."""
    if not settings.redis_url:
        return None
    celery = VENV / "bin" / "celery"
    return (
        "REDIS_URL is set: background jobs run on Celery workers. Start them with the same environment,\n"
        "on this or any machine that reaches Redis:\n"
        f"    cd {ROOT} && {celery} -A app:celery_app worker --loglevel=INFO"
    )


def serve_app(gunicorn_args: list[str]) -> None:
    """Serve the app on HOST:PORT with gunicorn: HCLUST_WORKERS processes of HCLUST_THREADS threads."""
    ensure_venv("")
    sys.path.insert(0, str(ROOT))
    from config import Settings  # standard library only, so this python3 can read it

    settings = Settings.from_env()
    hint = celery_hint(settings)
    if hint:
        print(hint, flush=True)
    if settings.debug:
        print("HCLUST_DEBUG is ignored by `serve` (Dash's debug mode is for `python3 dev.py run`).", flush=True)
    command = gunicorn_command(settings, PYTHON, gunicorn_args)
    print("+", " ".join(command), flush=True)
    os.execv(PYTHON, command)


def run_tests(pytest_args: list[str]) -> None:
    """Lint, then run the unit, callback and browser tests."""
    ensure_venv("test")
    ensure_system_packages()
    _run(PYTHON, "-m", "ruff", "check", ".", cwd=ROOT)
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *pytest_args])


def main() -> None:
    """Dispatch ``run``, ``serve`` or ``test``."""
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        run_app()
    elif command == "serve":
        serve_app(rest)
    elif command == "test":
        run_tests(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
