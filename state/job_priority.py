"""Imported first by the jobs' fork server (``state/jobs.py``): it loads the app, and forks each job, at low priority.

A fork server is a fresh process that each web worker starts for its first
background job; importing the app into it takes seconds of CPU. At the web
workers' priority that import competes with every page a room is using
(three uploads in a class of fifty made cuts wait over a second); at the
jobs' own niceness (``HCLUST_JOB_NICE``, ``config.Settings.job_nice``) it
takes only the cores the pages leave. Each job still takes its app's
niceness when it starts (``state/job_guard.py``).
"""

from __future__ import annotations

from config import Settings
from state.job_guard import lower_priority

lower_priority(Settings.from_env().job_nice)
