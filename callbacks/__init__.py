"""Thin adapters between the page and the pure layers: unpack, call, return."""

from dash import Dash

from callbacks import (
    address,
    aids,
    ask,
    clusters,
    coloring,
    compare,
    cophenetic,
    cut,
    cut_panels,
    data,
    display,
    export,
    gates,
    heatmap,
    image,
    lessons,
    linkage,
    merges,
    options,
    raster,
    session,
    zoom,
)
from config import Settings
from state.job_guard import JobGuard
from state.session_store import SessionStore


def register_callbacks(app: Dash, store: SessionStore, settings: Settings, guard: JobGuard | None = None) -> None:
    """Register every callback of the app.

    Parameters
    ----------
    app : dash.Dash
    store : SessionStore
        Server-side data for all sessions; callbacks reach it only through
        the keys the browser sends.
    settings : Settings
    guard : JobGuard, optional
        The bounds on background jobs (``SessionStore.job_guard``); made from the settings when omitted.
    """
    guard = guard or store.job_guard(
        settings.job_limit, settings.job_timeout_seconds, settings.job_page_gone_seconds, settings.job_nice
    )
    data.register(app, store, settings)
    options.register(app, store, settings)
    linkage.register(app, store, settings, guard)
    linkage.register_job_outcome(app, store, guard)
    ask.register(app, store, settings)
    cophenetic.register(app, store, settings, guard)
    cut.register(app, store, settings)
    aids.register(app, store)
    clusters.register(app, store, settings)
    cut_panels.register(app, store)
    export.register(app, store)
    zoom.register(app, store)
    address.register(app, store)
    session.register(app, store, settings)
    merges.register(app, store, settings)
    compare.register(app, store, settings)
    display.register(app, store, settings)
    gates.register(app)
    coloring.register(app, store, settings)
    raster.register(app, store, settings)
    lessons.register(app, store)
    image.register(app, store)
    heatmap.register(app, store)
