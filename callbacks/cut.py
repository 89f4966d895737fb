"""The cut-line hot path: drag, click, typed height or k, a k picked on an aid, or a criterion -> color patches.

Graph events reach the server through a clientside callback that writes the
requested height to a store (so zoom, pan and autosize never make a request,
and a click is never lost behind a pending relayout); a k picked on an aid
(the suggested-k button, a point on a curve) arrives the same way. Typed
values and the criterion come straight from the inputs. Nothing here builds
a figure or recomputes a tree.

The criterion follows what drives the cut: the line (drag, click, typed
height) means ``distance``, a typed or picked k means ``maxclust``, and t or
depth mean ``inconsistent``, whose cut has no single height, so its line is
hidden. A switch to ``inconsistent`` without a typed t keeps the current k
(:func:`hclust.inconsistency.threshold_keeping`). The depth is one setting, the view's: the box
beside t and the Inconsistency tab's box both show it and both change it.

The height and k boxes are text boxes (``components.widgets.typed_number``):
their values arrive as typed, are parsed (:func:`callbacks.typed_cut.read_typed`,
also importable from here) and checked against the tree; a value that is no
valid height or k leaves the cut as it was, puts the box back and says what
the rule is (:mod:`callbacks.typed_cut`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dash import ClientsideFunction, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, error_message, message, patch_from, reply_in_order
from callbacks.render import ViewState, cluster_summary, cut_updates, scatter_is_image
from callbacks.typed_cut import box_values, kept_cut_message, read_typed, typed_text
from components import ids
from config import Settings
from hclust import ClusteringError, Cut, CutRule, Tree, snap_height
from hclust.aids import CUT_CRITERIA, MAX_INCONSISTENCY_DEPTH, max_coefficient
from hclust.cut import INCONSISTENT, is_number, valid_height, valid_k
from hclust.inconsistency import threshold_keeping
from state.session_store import SessionStore

# Which aid a picked k came from, as the message names it.
AID_NAMES = {
    ids.SUGGESTED_K: "the elbow of the merge heights suggests",
    ids.ELBOW_GRAPH: "picked on the merge heights",
    ids.SILHOUETTE_GRAPH: "picked on the silhouette curve",
    ids.KMEANS_GRAPH: "picked on the k-means error curve",
    "keyboard": "stepped with the arrow keys on the dendrogram",  # assets/keyboard.js
}

# What the cut callback updates, by name; a reply leaves out what stays.
CUT_OUTPUTS = {
    "dendrogram": Output(ids.DENDROGRAM, "figure", allow_duplicate=True),
    # The scatter's updates go through the page (assets/cut.js paintScatter), which writes out
    # a per-cluster marker shape per sample: a cut sends k numbers, not one per sample.
    "scatter": Output(ids.SCATTER_CUT, "data"),
    "height": Output(ids.CUT_HEIGHT, "value", allow_duplicate=True),
    "k": Output(ids.N_CLUSTERS, "value", allow_duplicate=True),
    "chips": Output(ids.CLUSTER_SUMMARY, "children", allow_duplicate=True),
    "view": Output(ids.VIEW, "data", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}

# A k picked on an aid: the suggested-k button carries its k in `value`, a
# curve point in its `x`. Only the event that fired counts.
PICK_K = f"""
function (nClicks, elbowClick, silhouetteClick, kmeansClick, suggested) {{
    const noUpdate = window.dash_clientside.no_update;
    const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
    if (!fired.length) {{ return noUpdate; }}
    const source = fired[0].split(".")[0];
    let k = null;
    if (source === "{ids.SUGGESTED_K}") {{
        k = nClicks ? Number(suggested) : null;
    }} else {{
        const data = {{"{ids.ELBOW_GRAPH}": elbowClick, "{ids.SILHOUETTE_GRAPH}": silhouetteClick,
                      "{ids.KMEANS_GRAPH}": kmeansClick}}[source];
        const point = data && data.points && data.points[0];
        k = point ? Number(point.x) : null;
    }}
    if (!Number.isInteger(k) || k < 1) {{ return noUpdate; }}
    return {{k: k, aid: source, t: Date.now()}};
}}
"""

# The criterion menu, t and both depth boxes (the cut's and the inconsistency
# table's: one setting) follow the view, whoever changed it (a new dataset
# resets the criterion; a drag ends an inconsistency cut).
SYNC_CRITERION = """
function (view, criterion, threshold, depth, tableDepth) {
    const noUpdate = window.dash_clientside.no_update;
    if (!view) { return [noUpdate, noUpdate, noUpdate, noUpdate, noUpdate]; }
    const same = (a, b) => a === b || (a !== null && b !== null && Number(a) === Number(b));
    const t = view.threshold === null || view.threshold === undefined ? noUpdate : view.threshold;
    return [
        view.criterion === criterion ? noUpdate : view.criterion,
        t === noUpdate || same(t, threshold) ? noUpdate : t,
        same(view.depth, depth) ? noUpdate : view.depth,
        same(view.depth, tableDepth) ? noUpdate : view.depth,
        view.criterion !== "inconsistent",
    ];
}
"""


@dataclass(frozen=True)
class CutRequest:
    """What the user asked for.

    Attributes
    ----------
    source : str
        ``graph`` (drag or click, value: height), ``height`` or ``k`` (typed),
        ``pick`` (a k picked on ``aid``), ``criterion`` (value: the new
        criterion), ``inconsistent`` (new t or depth) or ``depth`` (a new
        depth while the cut is by height or k: only the setting changes).
    value : object
        For a typed height or k, as :func:`read_typed` reads the box.
    aid : str
        The component a picked k came from.
    threshold, depth : object
        t and depth for the inconsistency criterion, as :func:`read_typed`
        reads them. A switch to ``inconsistent`` without a t (None) chooses
        the t that keeps the current k.
    typed : object
        A typed height's or k's box value as it arrived (text, or a number).
    """

    source: str
    value: object = None
    aid: str = ""
    threshold: object = None
    depth: object = None
    typed: object = None


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the cut callbacks on ``app``."""
    app.clientside_callback(
        ClientsideFunction(namespace="hclust", function_name="graphCut"),
        Output(ids.GRAPH_CUT, "data"),
        # Cleared once read, so an identical second drag still counts as a change.
        Output(ids.DENDROGRAM, "relayoutData"),
        Input(ids.DENDROGRAM, "relayoutData"),
        Input(ids.DENDROGRAM, "clickData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="hclust", function_name="paintScatter"),
        Output(ids.SCATTER, "figure", allow_duplicate=True),
        Input(ids.SCATTER_CUT, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        PICK_K,
        Output(ids.AIDS_PICK, "data"),
        Input(ids.SUGGESTED_K, "n_clicks"),
        Input(ids.ELBOW_GRAPH, "clickData"),
        Input(ids.SILHOUETTE_GRAPH, "clickData"),
        Input(ids.KMEANS_GRAPH, "clickData"),
        State(ids.SUGGESTED_K, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        SYNC_CRITERION,
        Output(ids.CUT_CRITERION, "value"),
        Output(ids.CUT_THRESHOLD, "value"),
        Output(ids.CUT_DEPTH, "value"),
        Output(ids.INCONSISTENCY_DEPTH, "value"),
        Output(ids.INCONSISTENT_FIELDS, "hidden"),
        Input(ids.VIEW, "data"),
        State(ids.CUT_CRITERION, "value"),
        State(ids.CUT_THRESHOLD, "value"),
        State(ids.CUT_DEPTH, "value"),
        State(ids.INCONSISTENCY_DEPTH, "value"),
    )

    @app.callback(
        *CUT_OUTPUTS.values(),
        Input(ids.GRAPH_CUT, "data"),
        Input(ids.CUT_HEIGHT, "value"),
        Input(ids.N_CLUSTERS, "value"),
        Input(ids.AIDS_PICK, "data"),
        Input(ids.CUT_CRITERION, "value"),
        Input(ids.CUT_THRESHOLD, "value"),
        Input(ids.CUT_DEPTH, "value"),
        Input(ids.INCONSISTENCY_DEPTH, "value"),
        State(ids.VIEW, "data"),
        State(ids.COLOR_BY, "value"),
        State(ids.SCATTER_FRAME, "data"),
        prevent_initial_call=True,
    )
    def move_cut(
        graph_cut, typed_height, typed_k, pick, criterion, threshold, depth, table_depth, view_data, color_by, frame
    ):
        view = ViewState.from_store(view_data)
        if view is None:
            raise PreventUpdate
        boxes = {"criterion": criterion, "threshold": threshold, "depth": depth, "table_depth": table_depth}
        request = pick_request(ctx.triggered_prop_ids, graph_cut, typed_height, typed_k, pick, boxes, view)
        if request is None:
            raise PreventUpdate  # the inputs just echo the current view
        try:
            tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
            cut, new_view = apply_request(tree, view, request)
            slots = view.slots_for(cut)
            new_view = new_view.with_cut(cut, slots, new_view.criterion)
            by_tree = color_by in (None, "tree")
            # An image scatter coloured by the cut is rendered here, in the cut's reply.
            image_frame = (frame or {}) if by_tree and scatter_is_image(tree.n_samples, settings) else None
            dendrogram, scatter = cut_updates(store, tree, new_view, cut, slots, image_frame)
        except USER_ERRORS as error:
            if isinstance(error, ClusteringError) and request.source in ("height", "k"):
                # A typed value the cut cannot use: the cut stays, and the box shows it again.
                values = {**box_values(request, view, view.k, refused=True), "message": kept_cut_message(error, view)}
                return reply_in_order(CUT_OUTPUTS, values, "cut")
            return reply_in_order(CUT_OUTPUTS, {"message": error_message(error)}, "cut")
        values = {
            "dendrogram": patch_from(dendrogram),
            **box_values(request, new_view, cut.n_clusters),
            "chips": cluster_summary(cut, slots),
            "view": new_view.to_store(),
            "message": cut_message(request, view, new_view, cut),
        }
        if by_tree:
            # Colored by anything else, the scatter is left alone: callbacks/coloring.py repaints it.
            values["scatter"] = {"updates": [[list(path), value] for path, value in scatter.items()]}
        return reply_in_order(CUT_OUTPUTS, values, "cut")


def pick_request(
    triggered: dict, graph_cut, typed_height, typed_k, pick, boxes: dict, view: ViewState
) -> CutRequest | None:
    """Which input asks for a new cut, or None if none does.

    A graph event and a picked k always count. The inputs are also written
    after each cut (by the server, or by the menu's sync with the view); a
    value equal to the current view is that echo, not a request. Typed
    values are compared as numbers (:func:`read_typed`): ``"3"`` or
    ``" 3.0"`` in the k box is the echo of k = 3. ``boxes`` holds the
    criterion menu's value and the t and depth boxes' (``criterion``,
    ``threshold``, ``depth``, ``table_depth``). When several fire at once:
    graph, pick, criterion, t and depth, the table's depth, height, k.
    """
    fired = {prop_id.rsplit(".", 1)[0] for prop_id in triggered}
    height, k = read_typed(typed_height), read_typed(typed_k)
    criterion, threshold, depth = boxes["criterion"], read_typed(boxes["threshold"]), read_typed(boxes["depth"])
    table_depth = read_typed(boxes["table_depth"])
    if ids.GRAPH_CUT in fired and isinstance(graph_cut, dict) and graph_cut.get("y") is not None:
        return CutRequest("graph", graph_cut["y"])
    if ids.AIDS_PICK in fired and isinstance(pick, dict) and pick.get("k") is not None:
        return CutRequest("pick", pick["k"], str(pick.get("aid", "")))
    if ids.CUT_CRITERION in fired and criterion in CUT_CRITERIA and criterion != view.criterion:
        # A t typed with the switch is used; otherwise the switch chooses one (see threshold_keeping).
        return CutRequest(
            "criterion",
            criterion,
            threshold=threshold if ids.CUT_THRESHOLD in fired else None,
            depth=view.depth if depth is None else depth,
        )
    threshold_changed = ids.CUT_THRESHOLD in fired and threshold != view.threshold
    depth_changed = ids.CUT_DEPTH in fired and depth != view.depth
    if threshold_changed or depth_changed:
        return CutRequest("inconsistent", threshold=threshold, depth=depth)
    if ids.INCONSISTENCY_DEPTH in fired and table_depth != view.depth:
        # The table's box is the same setting as the cut's depth.
        if view.criterion == INCONSISTENT:
            return CutRequest("inconsistent", threshold=view.inconsistency_threshold, depth=table_depth)
        return CutRequest("depth", depth=table_depth, typed=boxes["table_depth"])
    if ids.CUT_HEIGHT in fired:
        # While cutting by inconsistency the box is empty: anything typed is a request.
        asked = height is not None if view.criterion == INCONSISTENT else height != view.height
        if asked:
            return CutRequest("height", height, typed=typed_height)
    if ids.N_CLUSTERS in fired and k != view.k:
        return CutRequest("k", k, typed=typed_k)
    return None


def apply_request(tree: Tree, view: ViewState, request: CutRequest) -> tuple[Cut, ViewState]:
    """The cut a request makes, and the view's criterion settings after it.

    Raises
    ------
    hclust.ClusteringError
        For a value the criterion cannot use; the message names the rule.
    """
    rule = requested_rule(tree, view, request)
    after = view.cutting_by(rule)
    return rule.apply(tree), replace(after, depth=rule.depth) if request.source == "depth" else after


def requested_rule(tree: Tree, view: ViewState, request: CutRequest) -> CutRule:
    """How a request asks to cut the tree (a typed height or k is checked here, to quote the box).

    Raises
    ------
    hclust.ClusteringError
        For a typed height or k that breaks its rule, or a typed t or depth that is no number.
    """
    source, value = request.source, request.value
    if source == "graph":
        return CutRule.at_height(snap_height(tree, value))
    if source == "height":
        return CutRule.at_height(valid_height(value, typed_text(request.typed), top=float(tree.linkage[-1, 2])))
    if source == "k":
        return CutRule.into(valid_k(value, tree.n_samples, typed_text(request.typed)))
    if source == "pick":
        return CutRule.into(value)
    if source == "criterion":
        if value == INCONSISTENT and request.threshold is None:
            depth = _number(request.depth, "inconsistency depth")
            return CutRule.inconsistent(threshold_keeping(tree, view.k, depth), depth)
        # The boxes' t and depth: only an inconsistency cut uses them, and checks them.
        threshold = view.inconsistency_threshold if request.threshold is None else request.threshold
        return replace(view.cut_rule, criterion=value, threshold=threshold, depth=request.depth)
    if source == "depth":
        return replace(view.cut_rule, depth=_depth(request.depth, request.typed))
    return CutRule.inconsistent(
        _number(request.threshold, "inconsistency threshold t"), _number(request.depth, "inconsistency depth")
    )


def cut_message(request: CutRequest, before: ViewState, after: ViewState, cut: Cut) -> list:
    """What the message line says about a new cut: a warning note, a criterion switch, or nothing."""
    if cut.note:
        return message(cut.note, kind="warning")
    if after.criterion == INCONSISTENT:
        cap = max_coefficient(after.depth)
        return message(
            _chosen_t(request, before, after, cut),
            f"Cut by inconsistency (t = {after.inconsistency_threshold:g}, depth {after.depth}): "
            f"{cut.n_clusters} clusters. A merge is split when its coefficient, or one below it, exceeds t; "
            f"at depth {after.depth} no coefficient exceeds {cap:.4g}, so t ≥ {cap:.4g} gives one cluster.",
            kind="info",
        )
    if request.source == "pick":
        return message(f"Cut into {cut.n_clusters} clusters, as {AID_NAMES.get(request.aid, 'picked')}.")
    if before.criterion == INCONSISTENT and request.source in ("graph", "height"):
        return message("You moved the cut line: back to the distance criterion (one height for all clusters).")
    return []


def _chosen_t(request: CutRequest, before: ViewState, after: ViewState, cut: Cut) -> str:
    """What a switch to the inconsistency criterion says about the t it chose (empty for a typed t)."""
    if request.source != "criterion" or request.threshold is not None:
        return ""
    t = after.inconsistency_threshold
    if cut.n_clusters == before.k:
        return f"t = {t:g} keeps the {before.k} clusters."
    return (
        f"No t gives {before.k} clusters at depth {after.depth}: t = {t:g} gives {cut.n_clusters}, "
        "the most below that (a larger depth may give more)."
    )


def _depth(value, typed) -> int:
    """An inconsistency depth typed into the Inconsistency tab's box, checked."""
    if is_number(value) and float(value).is_integer() and 1 <= value <= MAX_INCONSISTENCY_DEPTH:
        return int(value)
    raise ClusteringError(
        f"the inconsistency depth must be a whole number from 1 to {MAX_INCONSISTENCY_DEPTH} ({typed_text(typed)})"
    )


def _number(value, name: str) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        raise ClusteringError(f"type a number for the {name}")
    return value
