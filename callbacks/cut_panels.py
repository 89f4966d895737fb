"""The panels on screen that show the cut, answered in one request per view change.

A cut changes the view, and with it the cluster table (with its note and the
Python code), the merge heights' k mark (and, for a new tree, the curve and
the elbow's suggestion) and, while their tab is open, the True classes
scores and the silhouettes.
Each was a request of its own; in a class of fifty, each request's fixed cost
(Flask, Dash's dispatch, the JSON, gzip) was most of the server's time. Here
one callback answers for all of them, each computed by its own module
(``callbacks.clusters.table_reply``, ``callbacks.aids.elbow_reply`` and
``silhouette_reply``, ``callbacks.lessons.truth_reply``) and each shared by
the sessions that show the same view (``callbacks/shared.py``).
"""

from __future__ import annotations

import contextlib

from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from callbacks.aids import ELBOW_OUTPUTS, SILHOUETTE_OUTPUTS, elbow_reply, silhouette_reply
from callbacks.clusters import table_reply
from callbacks.common import USER_ERRORS, reply_in_order
from callbacks.lessons import truth_reply
from callbacks.render import ViewState
from components import ids
from state.session_store import SessionStore

OUTPUTS = {
    "table": Output(ids.CLUSTER_TABLE, "children"),
    "table_note": Output(ids.CLUSTER_TABLE_NOTE, "children"),
    "code": Output(ids.PYTHON_CODE, "children"),
    "truth_scores": Output(ids.TRUTH_SCORES, "children"),
    "truth_table": Output(ids.TRUTH_TABLE, "children"),
    **{f"elbow_{name}": output for name, output in ELBOW_OUTPUTS.items()},
    **{f"silhouette_{name}": output for name, output in SILHOUETTE_OUTPUTS.items()},
}


def register(app: Dash, store: SessionStore) -> None:
    """Register the cut's panels callback on ``app``."""

    @app.callback(
        *OUTPUTS.values(),
        Input(ids.VIEW, "data"),
        Input(ids.COLOR_BY, "value"),
        Input(ids.COMPARE_ALGORITHM, "value"),
        Input(ids.LESSON_TABS, "value"),
        Input(ids.ELBOW_MERGES, "value"),
        Input(ids.AIDS_TABS, "value"),
        Input(ids.SILHOUETTE_MAX_K, "value"),
        State(ids.ELBOW_SHOWN, "data"),
        State(ids.SILHOUETTE_SHOWN, "data"),
    )
    def refresh_cut_panels(view_data, color_by, algorithm, lesson_tab, last, aid, k_max, elbow_shown, sil_shown):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        compared = algorithm if color_by == "algorithm" or lesson_tab == "algorithms" else None
        values = _named("elbow", elbow_reply(store, view, last, elbow_shown))
        if aid == "silhouette":
            values.update(_named("silhouette", silhouette_reply(store, view, k_max, sil_shown)))
        try:
            values["table"], values["table_note"], values["code"] = table_reply(store, view, compared)
        except USER_ERRORS as error:
            values["table_note"] = html.Span(str(error), className="hint")
            return reply_in_order(OUTPUTS, values, "cut panels")  # the tab would say the same
        if lesson_tab == "truth":
            with contextlib.suppress(*USER_ERRORS):  # the data went between the two: the next cut says so
                values["truth_scores"], values["truth_table"] = truth_reply(store, view)
        return reply_in_order(OUTPUTS, values, "cut panels")


def _named(panel: str, values: dict) -> dict:
    return {f"{panel}_{name}": value for name, value in values.items()}
