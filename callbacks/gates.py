"""A view change reaches a panel's server callback only when the panel needs it.

Each panel fed this way has its own store; one clientside callback copies the
view into each store by the panel's rule:

- ``cut``: every change of the view (the panel shows the cut);
- ``tree``: only a change of anything but the cut (the panel shows the tree,
  the data or the display, never the cut);
- ``skip``: nothing (the tab is closed, or the panel is off).

The rules follow what is on screen: an aids or "look inside" tab is fed while
it is open (the True classes and Silhouette tabs are answered within the
cut's panels request, ``callbacks/cut_panels.py``, so they have no store here),
the image card only for an image, the side-by-side grid only with two methods
chosen, the scatter's repaint only when it is coloured by something other
than the cut (or shows centroids), the merge player only while it plays, and
the branch selection only while a branch is selected. A cut then costs the
server only the panels on screen: the others send no request at all,
instead of each answering "no update".
"""

from __future__ import annotations

import json

from dash import Dash, Input, Output, State

from callbacks.render import ViewState
from components import ids

_GATE = """
function (view, aid, look, traits, colorBy, centroids, chosen, mergeOn, selection, ...current) {
    const skip = window.dash_clientside.no_update;
    const cutKeys = %(cut_keys)s, aids = %(aids)s, looks = %(looks)s;
    const on = (value) => (Array.isArray(value) ? value.length > 0 : Boolean(value));
    const treeOf = (v) =>
        JSON.stringify(v ? Object.keys(v).filter((k) => !cutKeys.includes(k)).map((k) => [k, v[k]]) : null);
    const feed = (rule, old) => {
        if (rule === "skip" || !view) return skip;
        const same = rule === "cut" ? JSON.stringify(old) === JSON.stringify(view) : treeOf(old) === treeOf(view);
        return same ? skip : view;
    };
    const has = traits || {};
    // The panels below have inputs of their own (a menu, a switch, a click): when one of those fired, the
    // panel's own callback has run already, and is fed again only by the next change of the view.
    const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
    const viewFired = fired.includes("%(view)s.data") || fired.includes("%(traits)s.data");
    const panel = (rule) => (viewFired ? rule : "skip");
    const rules = [
        ...aids.map((tab) => (tab === aid ? "cut" : "skip")),
        ...looks.map((tab) => (tab === look ? "cut" : "skip")),
        panel(has.image ? "cut" : "tree"),                                   // the image card
        panel("tree"),                                                       // the top merges
        panel((chosen || []).length >= 2 ? "cut" : "tree"),                  // the side-by-side grid
        panel((colorBy && colorBy !== "tree") || on(centroids) ? "cut" : "skip"),  // the scatter's repaint
        panel(on(mergeOn) ? "cut" : "tree"),                                 // the merge player
        panel(selection ? "cut" : "skip"),                                   // the branch selection
    ];
    return rules.map((rule, i) => feed(rule, current[i]));
}
"""

PANELS = ("image", "top_merges", "compare", "paint", "merge", "selection")
"""The panels of :data:`components.ids.PANEL_VIEWS`, in the gate's order."""


def gated_stores() -> list[str]:
    """Every store the gate feeds, in the order of its outputs."""
    return [*ids.AID_VIEWS.values(), *ids.LESSON_VIEWS.values(), *(ids.PANEL_VIEWS[panel] for panel in PANELS)]


def register(app: Dash) -> None:
    """Register the clientside gate on ``app``."""
    stores = gated_stores()
    source = _GATE % {
        "cut_keys": json.dumps(sorted(ViewState.CUT_FIELDS)),
        "aids": json.dumps(list(ids.AID_VIEWS)),
        "looks": json.dumps(list(ids.LESSON_VIEWS)),
        "view": ids.VIEW,
        "traits": ids.DATA_TRAITS,
    }
    app.clientside_callback(
        source,
        *[Output(store, "data") for store in stores],
        Input(ids.VIEW, "data"),
        Input(ids.AIDS_TABS, "value"),
        Input(ids.LESSON_TABS, "value"),
        Input(ids.DATA_TRAITS, "data"),
        Input(ids.COLOR_BY, "value"),
        Input(ids.SHOW_CENTROIDS, "value"),
        Input(ids.COMPARE_METHODS, "value"),
        Input(ids.MERGE_ON, "value"),
        State(ids.SELECTION, "data"),  # a State: the selection callback writes it (no loop)
        *[State(store, "data") for store in stores],
    )
