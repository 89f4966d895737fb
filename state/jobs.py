"""The background-callback manager: diskcache by default, Celery on Redis when configured."""

from __future__ import annotations

import diskcache
import multiprocess
from dash import CeleryManager, DiskcacheManager

from config import Settings
from state.private_dir import private_directory


def background_manager(settings: Settings) -> DiskcacheManager | CeleryManager:
    """Where long callbacks run.

    Parameters
    ----------
    settings : Settings
        With ``redis_url`` set, jobs go to Celery workers through Redis
        (start them with ``celery -A app:celery_app worker``); otherwise each
        job runs in a local process and reports through a diskcache
        directory, which needs no service.

    Returns
    -------
    dash.DiskcacheManager or dash.CeleryManager
    """
    if settings.redis_url:
        from celery import Celery

        celery_app = Celery("hclust_explorer", broker=settings.redis_url, backend=settings.redis_url)
        return CeleryManager(celery_app, expire=settings.job_expire_seconds)
    # Jobs are new processes. Forking the threaded web server (Flask's, or a
    # test server) can copy a lock some other thread holds and hang the job;
    # a fork server is a fresh single-threaded process with the app's modules
    # loaded once, so jobs start fast and safe. It loads them at the jobs'
    # low priority (state/job_priority.py), not at the pages'.
    multiprocess.set_forkserver_preload(["state.job_priority", "factory"])
    multiprocess.set_start_method("forkserver", force=True)
    cache = diskcache.Cache(private_directory(settings.cache_dir / "jobs"), size_limit=256 * 1_000_000)
    return DiskcacheManager(cache, expire=settings.job_expire_seconds)
