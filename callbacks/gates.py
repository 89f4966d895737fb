"""The view reaches a tab's server callbacks only while that tab is open.

Each tab of the aids and the "look inside" panel has its own store; a
clientside callback copies the view into the store of the open tab only (and
into a tab's store when it is opened). A cut then costs the server only the
tabs on screen: the closed ones send no request at all, instead of each
answering "no update".
"""

from __future__ import annotations

from dash import Dash, Input, Output

from components import ids

_GATE = """
function (view, aid, look) {
    const skip = window.dash_clientside.no_update;
    const aids = %s, looks = %s;
    return aids.map((tab) => (tab === aid ? view : skip)).concat(looks.map((tab) => (tab === look ? view : skip)));
}
"""


def register(app: Dash) -> None:
    """Register the clientside gate on ``app``."""
    aids, looks = list(ids.AID_VIEWS), list(ids.LESSON_VIEWS)
    app.clientside_callback(
        _GATE % (aids, looks),
        *[Output(ids.AID_VIEWS[tab], "data") for tab in aids],
        *[Output(ids.LESSON_VIEWS[tab], "data") for tab in looks],
        Input(ids.VIEW, "data"),
        Input(ids.AIDS_TABS, "value"),
        Input(ids.LESSON_TABS, "value"),
    )
