"""The question before a long wait: the estimate and the choices (filled in by ``callbacks/ask.py``)."""

from __future__ import annotations

from dash import html

from components import ids

START = "Start it"
APPROXIMATE = "Use the approximate tree"
SINGLE = "Use single linkage (exact, fast)"
DISMISS = "Keep the current view"


def ask_panel() -> html.Div:
    """Hidden until a requested tree is estimated to take long or need much memory; the view stays meanwhile."""
    return html.Div(
        id=ids.ASK_BOX,
        className="ask-box",
        hidden=True,
        role="region",
        **{"aria-label": "Before a long wait", "aria-live": "polite"},
        children=[
            html.Div(id=ids.ASK_TEXT, className="ask-text"),
            html.Div(
                className="button-row",
                children=[
                    html.Button(START, id=ids.ASK_START, className="button primary", n_clicks=0),
                    html.Button(APPROXIMATE, id=ids.ASK_APPROXIMATE, className="button", n_clicks=0, hidden=True),
                    html.Button(SINGLE, id=ids.ASK_SINGLE, className="button", n_clicks=0, hidden=True),
                    html.Button(DISMISS, id=ids.ASK_DISMISS, className="button", n_clicks=0),
                ],
            ),
        ],
    )
