#!/usr/bin/env python3
"""Set up and run hclust-explorer with nothing but python3.

    python3 dev.py run     # install into .venv, then serve http://127.0.0.1:8050
    python3 dev.py test    # install into .venv (+ Debian's chromium), run every test

The virtual environment is made once and refreshed when pyproject.toml
changes. Extra arguments after ``test`` go to pytest.
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
    """Serve the app on HOST:PORT (default 127.0.0.1:8050)."""
    ensure_venv("")
    os.execv(PYTHON, [str(PYTHON), str(ROOT / "app.py")])


def run_tests(pytest_args: list[str]) -> None:
    """Lint, then run the unit, callback and browser tests."""
    ensure_venv("test")
    ensure_system_packages()
    _run(PYTHON, "-m", "ruff", "check", ".", cwd=ROOT)
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *pytest_args])


def main() -> None:
    """Dispatch ``run`` or ``test``."""
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        run_app()
    elif command == "test":
        run_tests(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
