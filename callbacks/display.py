"""Presentation mode and the theme: the page's classes are set clientside (assets/display.js); here the figures follow.

The display store says what the page resolved (presentation mode on or off,
dark or light, "auto" following the system). The view carries both, so every
figure drawn for it, now or later (a new tree, a zoom, a cut), uses its
theme (``figures/theme.py``).
"""

from __future__ import annotations

from dataclasses import replace

from dash import ClientsideFunction, Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, reply_in_order
from callbacks.render import ViewState, full_figures
from components import ids
from config import Settings
from state.session_store import SessionStore

RESTYLE_OUTPUTS = {
    "dendrogram": Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
    "scatter": Output(ids.SCATTER, "figure", allow_duplicate=True),
    "view": Output(ids.VIEW, "data", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}


def display_of(display: dict | None) -> tuple[bool, bool]:
    """(presentation mode, dark) from the display store (light, everyday before the page said)."""
    display = display or {}
    return bool(display.get("present")), bool(display.get("dark"))


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the display callbacks on ``app``."""
    app.clientside_callback(
        ClientsideFunction(namespace="display", function_name="apply"),
        Output(ids.APP, "className"),
        Output(ids.DISPLAY, "data"),
        Output(ids.DRAWER, "aria-expanded"),
        Input(ids.PRESENT_MODE, "value"),
        Input(ids.THEME, "value"),
        Input(ids.DRAWER, "n_clicks"),
        Input(ids.SCHEME, "data"),
        State(ids.DISPLAY, "data"),
        State(ids.APP, "className"),
    )

    @app.callback(
        *RESTYLE_OUTPUTS.values(),
        Input(ids.DISPLAY, "data"),
        State(ids.VIEW, "data"),
        State(ids.SCATTER_FRAME, "data"),
        prevent_initial_call=True,
    )
    def restyle(display, view_data, frame):
        view = ViewState.from_store(view_data)
        present, dark = display_of(display)
        if view is None or (view.present, view.dark) == (present, dark):
            raise PreventUpdate
        styled = replace(view, present=present, dark=dark)
        try:
            tree = store.tree(styled.ref, styled.method, styled.metric, mode=styled.tree_mode)
            cut = styled.cut_rule.apply(tree)
            dendrogram, scatter, _ = full_figures(store, styled, cut, styled.slots_for(cut), settings, frame)
        except USER_ERRORS as error:
            return reply_in_order(RESTYLE_OUTPUTS, {"message": error_message(error)}, "restyle")
        return reply_in_order(
            RESTYLE_OUTPUTS, {"dendrogram": dendrogram, "scatter": scatter, "view": styled.to_store()}, "restyle"
        )
