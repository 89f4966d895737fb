"""The merge player: step through the merges of the tree, one row of Z at a time.

The buttons, the timer and the speed move the slider in the browser
(:data:`TRANSPORT`); each new slider value is one small request that
answers with ``Patch`` updates of the scatter's colors and the dendrogram's
marks (:func:`show_merge`), nothing else. The player wins over any other
coloring while it is on: when another callback repaints the scatter (a new
cut, the k-means switch), :data:`WATCH` sees that the colors are no longer
the player's and asks for the step again. Turning the player off paints the
view's own colors back.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from callbacks.clusters import cluster_view, shown_geometry
from callbacks.coloring import scatter_coloring
from callbacks.common import USER_ERRORS, error_message, patch_from, reply_in_order
from callbacks.render import ViewState, cut_updates, scatter_is_image
from components import ids
from components.merge_panel import intro, merge_info, slider_marks, top_merges_table
from config import Settings
from figures import merges as merges_fig
from figures.scatter import expanded
from hclust.merges import (
    CONTRACTED,
    DRAWN,
    first_step,
    index_hint,
    locate_merge,
    merge_words,
    read_merge,
    row_words,
    side_words,
)
from state.session_store import SessionStore

# What the player's callback updates, by name; a reply leaves out what stays.
MERGE_OUTPUTS = {
    "scatter": Output(ids.SCATTER, "figure", allow_duplicate=True),
    "dendrogram": Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
    "info": Output(ids.MERGE_INFO, "children"),
    "step": Output(ids.MERGE_STEP, "value"),
    "last": Output(ids.MERGE_STEP, "max"),
    "marks": Output(ids.MERGE_STEP, "marks"),
    "player": Output(ids.MERGE_STORE, "data"),
    "hidden": Output(ids.MERGE_PANEL, "hidden"),
    "wanted": Output(ids.MERGE_WANTED, "data", allow_duplicate=True),
}

# Previous, next, play/pause, the timer's tick and the speed, in the browser:
# the slider's new value, the switch (a button turns the player on), and the
# timer's state. Playing stops at the last merge; play from there restarts
# at the player's first step.
TRANSPORT = f"""
function (prevClicks, nextClicks, ticks, playClicks, speed, on, step, first, last, stopped, player) {{
    const noUpdate = window.dash_clientside.no_update;
    const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id.split(".")[0]);
    const isOn = Array.isArray(on) && on.length > 0;
    const clamp = (value) => Math.min(last, Math.max(first, value));
    let playing = !stopped;
    let next = step;
    if (fired.includes("{ids.MERGE_ON}")) {{
        playing = playing && isOn;
        if (isOn) {{  // the graphs make room for the panel (assets/merges.css): show both
            const panel = document.getElementById("{ids.MERGE_PANEL}");
            window.requestAnimationFrame(() => panel && panel.scrollIntoView({{block: "end"}}));
        }}
    }} else if (fired.includes("{ids.MERGE_PREV}")) {{
        next = clamp(step - 1);
    }} else if (fired.includes("{ids.MERGE_NEXT}")) {{
        next = clamp(step + 1);
    }} else if (fired.includes("{ids.MERGE_PLAY}")) {{
        playing = !playing;
        if (playing && step >= last) {{ next = clamp((player && player.start) || first); }}
    }} else if (fired.includes("{ids.MERGE_TIMER}")) {{
        if (!playing) {{ return [noUpdate, noUpdate, noUpdate, noUpdate, noUpdate, noUpdate]; }}
        next = clamp(step + 1);
        playing = next < last;
    }}
    const button = fired.some((id) => ["{ids.MERGE_PREV}", "{ids.MERGE_NEXT}", "{ids.MERGE_PLAY}"].includes(id));
    return [
        next === step ? noUpdate : next,
        button && !isOn ? ["on"] : noUpdate,
        !playing,
        1000 / (Number(speed) || 1),
        playing ? "Pause" : "Play",
        playing ? "button merge-button merge-play playing" : "button merge-button merge-play",
    ];
}}
"""

# While the player is on, a scatter repainted by anyone else (a marker.cmin
# that is not the player's) asks the player's callback for the step again.
# A new view is left out: the player's callback follows the view itself.
WATCH = f"""
function (figure, view, on, player) {{
    const noUpdate = window.dash_clientside.no_update;
    const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id.split(".")[0]);
    if (!Array.isArray(on) || !on.length || fired.includes("{ids.VIEW}")) {{ return noUpdate; }}
    const trace = figure && figure.data && figure.data[0];
    if (!trace || trace.type === "image") {{ return noUpdate; }}  // the player leaves an image scatter alone
    if (trace.marker && trace.marker.cmin === {merges_fig.PLAYER_CMIN}) {{ return noUpdate; }}
    return Object.assign({{}}, player, {{repaint: Date.now()}});
}}
"""

# Dash 4's slider takes no aria props: name its thumb and its number box
# once they are drawn (the server sets the slider's range for each new
# tree). Its box commits a typed merge only on blur: Enter does it too.
SLIDER_NAME = "Merge number"
LABEL_SLIDER = f"""
function (last) {{
    const slider = document.getElementById("{ids.MERGE_STEP}");
    if (!slider) {{ return window.dash_clientside.no_update; }}
    slider.querySelectorAll("[role=slider], input").forEach((part) => part.setAttribute("aria-label", "{SLIDER_NAME}"));
    const box = slider.querySelector("input");
    if (box && !box.dataset.enterCommits) {{
        box.dataset.enterCommits = "yes";
        box.addEventListener("keydown", (event) => {{
            if (event.key === "Enter") {{ box.blur(); box.focus(); }}
        }});
    }}
    return window.dash_clientside.no_update;
}}
"""


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the merge player's callbacks on ``app``."""
    app.clientside_callback(
        TRANSPORT,
        Output(ids.MERGE_STEP, "value", allow_duplicate=True),
        Output(ids.MERGE_ON, "value"),
        Output(ids.MERGE_TIMER, "disabled"),
        Output(ids.MERGE_TIMER, "interval"),
        Output(ids.MERGE_PLAY, "children"),
        Output(ids.MERGE_PLAY, "className"),
        Input(ids.MERGE_PREV, "n_clicks"),
        Input(ids.MERGE_NEXT, "n_clicks"),
        Input(ids.MERGE_TIMER, "n_intervals"),
        Input(ids.MERGE_PLAY, "n_clicks"),
        Input(ids.MERGE_SPEED, "value"),
        Input(ids.MERGE_ON, "value"),
        State(ids.MERGE_STEP, "value"),
        State(ids.MERGE_STEP, "min"),
        State(ids.MERGE_STEP, "max"),
        State(ids.MERGE_TIMER, "disabled"),
        State(ids.MERGE_STORE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        WATCH,
        Output(ids.MERGE_STORE, "data", allow_duplicate=True),
        Input(ids.SCATTER, "figure"),
        Input(ids.VIEW, "data"),
        State(ids.MERGE_ON, "value"),
        State(ids.MERGE_STORE, "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(LABEL_SLIDER, Output(ids.MERGE_STEP, "className"), Input(ids.MERGE_STEP, "max"))

    @app.callback(
        Output(ids.TOP_MERGES, "children"),
        Input(ids.PANEL_VIEWS["top_merges"], "data"),  # a new tree, not a cut (callbacks/gates.py)
        prevent_initial_call=True,
    )
    def show_top_merges(view_data):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        try:
            return top_merges(store, view)
        except USER_ERRORS as error:
            return error_message(error)

    @app.callback(
        *MERGE_OUTPUTS.values(),
        Input(ids.MERGE_ON, "value"),
        Input(ids.MERGE_STEP, "value"),
        Input(ids.PANEL_VIEWS["merge"], "data"),  # every cut while it plays, else a new tree (callbacks/gates.py)
        Input(ids.MERGE_STORE, "data"),
        State(ids.COLOR_BY, "value"),
        State(ids.COMPARE_ALGORITHM, "value"),
        State(ids.MERGE_WANTED, "data"),
        State(ids.VIEW, "data"),  # the view itself: the store above is a trigger, fed by the gate
        prevent_initial_call=True,
    )
    def show_merge(switch, step, _fed, player, color_by, algorithm, wanted, view_data):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        on = bool(switch)
        step = int(step) if isinstance(step, float) and step.is_integer() else step  # a typed "14" may come as 14.0
        try:
            values = {}
            if not view.same_tree_as(ViewState.from_store((player or {}).get("view"))):
                values = new_tree_values(store, view, wanted)
                step = values["step"]
            elif not on and ctx.triggered_id != ids.MERGE_ON:
                raise PreventUpdate  # the player is off: nothing of it is on screen
            if on:
                values.update(step_values(store, view, step, image_scatter(store, view, settings)))
            elif ctx.triggered_id == ids.MERGE_ON:
                if not image_scatter(store, view, settings):  # the player left an image scatter alone
                    values.update(restore_values(store, view, color_by, algorithm))
                else:
                    values["info"] = intro()
        except USER_ERRORS as error:
            return reply_in_order(MERGE_OUTPUTS, {"info": error_message(error)}, "merge player")
        return reply_in_order(MERGE_OUTPUTS, values, "merge player")


TOP_MERGES_SHOWN = 10


def top_merges(store: SessionStore, view: ViewState):
    """The dendrogram's text alternative: its highest merges as a table."""
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    name = store.dataset(view.ref).sample_label
    last = tree.n_samples - 1
    merges = [read_merge(tree, step) for step in range(last, max(last - TOP_MERGES_SHOWN, 0), -1)]
    return top_merges_table([(m, side_words(m.left, name), side_words(m.right, name)) for m in merges])


def new_tree_values(store: SessionStore, view: ViewState, wanted=None) -> dict:
    """The slider of a newly shown tree: merges 1 to n - 1, at the player's first step; the card shown.

    ``wanted`` is the step an opened address asks for (``callbacks/address.py``): the slider starts
    there when the tree has that merge.
    """
    n = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode).n_samples
    start = first_step(n)
    step = wanted if isinstance(wanted, int) and 1 <= wanted <= n - 1 else start
    return {
        "step": step,
        "last": n - 1,
        "marks": slider_marks(n - 1),
        "player": {"view": view.to_store(), "start": start},
        "hidden": False,
        "wanted": None,
    }


def image_scatter(store: SessionStore, view: ViewState, settings: Settings) -> bool:
    """True when the view's scatter is an image (``callbacks/raster.py``): the player marks the dendrogram only."""
    return scatter_is_image(store.dataset(view.ref).n_samples, settings)


def step_values(store: SessionStore, view: ViewState, step, image: bool = False) -> dict:
    """The scatter, dendrogram and info at merge ``step`` of the view's tree (raises ClusteringError for a bad step).

    With an ``image`` scatter, whose points cannot be marked one by one, only
    the dendrogram is marked, and the info says so.
    """
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    dataset = store.dataset(view.ref)
    geometry = shown_geometry(store, view)
    merge = read_merge(tree, step)
    location = locate_merge(tree, geometry, merge.node)
    projection = store.projection(view.ref)
    # The figures' theme (light, dark, projector), where the view has one.
    style = merges_fig.MarkStyle.of(getattr(view, "theme", None))
    info = merge_info(
        merge,
        merge_words(merge, dataset.sample_label),
        where_words(location, geometry),
        index_hint(merge),
        row_words(merge),
    )
    values = {"dendrogram": patch_from(merges_fig.dendrogram_updates(merge, location, geometry, style))}
    if image:
        note = html.P(
            f"With {dataset.n_samples:,} samples the scatter is an image: the merge is marked on the dendrogram."
        )
        return {**values, "info": html.Div([info, note])}
    scatter = merges_fig.scatter_updates(merge, projection.x, projection.y, dataset.sample_names is not None, style)
    return {**values, "scatter": patch_from(scatter), "info": info}


def where_words(location, geometry) -> str:
    """Where the dendrogram shows a merge, in words."""
    if location.where == DRAWN:
        return "the ringed merge"
    if location.where == CONTRACTED:
        return f"inside the contracted leaf {geometry.leaf_text[location.index]}"
    return "outside the branch shown (zoom out to see it)"


def restore_values(store: SessionStore, view: ViewState, color_by: str | None, algorithm: str | None) -> dict:
    """The view's own colors again (the cut's, or the chosen colouring's), without the player's marks."""
    clusters = cluster_view(store, view)
    dendrogram, scatter = cut_updates(store, clusters.tree, view, clusters.cut, clusters.slots)
    scatter = {**expanded(scatter, clusters.cut.labels), ("layout", "annotations"): []}
    if color_by not in (None, "tree"):  # as callbacks/coloring.py colours the samples
        scatter = scatter_coloring(store, view, color_by, algorithm)
    scatter.update(merges_fig.scatter_restore_updates(clusters.dataset.sample_names is not None))
    patch = patch_from(scatter)
    del patch["data"][merges_fig.OVERLAY_TRACE]
    return {"scatter": patch, "dendrogram": patch_from(dendrogram), "info": intro()}
