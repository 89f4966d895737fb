"""The address is the view: open the view an address (or a session file) names, write the view on screen back.

Opening: a clientside callback reads the page's query string once
(``assets/address.js``); :func:`opening` decodes it (``state.view.decode``),
loads its data, and sets the data panel, the linkage and display controls,
the aids tab and the colouring. The rest of the view (the cut, its colours,
the zoom and the selection) needs the tree: it waits in ``PENDING`` until
the tree callback shows the tree it belongs to (:func:`restored`). A
session file is opened the same way, once its data is in the session.

Writing: whenever the view on screen changes, :func:`view_value` makes it
one :class:`state.view.View` and the server encodes it into ``ADDRESS``;
``assets/address.js`` puts it in the address bar. While a view waits for
its uploaded file, the address keeps naming that view.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import USER_ERRORS, message, reply_in_order
from callbacks.data import PANEL_OUTPUTS, panel_of, put_file_dataset, source_record_key
from callbacks.options import values_for_data
from callbacks.render import ViewState
from callbacks.selected import tree_key
from components import ids
from figures.style import N_SLOTS
from hclust import ClusteringError, Cut, CutRule, Tree, elbow_k
from hclust.colors import assign_color_slots
from loaders import AUTO, load_builtin, plan, prepare, with_scaling
from loaders.images import is_image, read_image
from state.refs import DataRef
from state.session_store import SessionStore
from state.view import Source, View, decode, encode

MISSING_UPLOAD = (
    "This link names an uploaded file{name}; load that file to continue: the link's other settings are kept "
    "and its view comes back as soon as the file is loaded."
)

OPEN_OUTPUTS = {
    **PANEL_OUTPUTS,
    "method": Output(ids.METHOD, "value", allow_duplicate=True),
    "metric": Output(ids.METRIC, "value", allow_duplicate=True),
    "tree_mode": Output(ids.TREE_MODE, "value", allow_duplicate=True),
    "p": Output(ids.TRUNCATE_P, "value", allow_duplicate=True),
    "annotate_above": Output(ids.ANNOTATE_ABOVE, "value", allow_duplicate=True),
    "aid": Output(ids.AIDS_TABS, "value", allow_duplicate=True),
    "color_by": Output(ids.COLOR_BY, "value", allow_duplicate=True),
    "algorithm": Output(ids.COMPARE_ALGORITHM, "value", allow_duplicate=True),
    "centroids": Output(ids.SHOW_CENTROIDS, "value", allow_duplicate=True),
    "lesson": Output(ids.LESSON_TABS, "value", allow_duplicate=True),
    "heat_scale": Output(ids.HEATMAP_SCALE, "value", allow_duplicate=True),
    "heat_options": Output(ids.HEATMAP_OPTIONS, "value", allow_duplicate=True),
    "compare": Output(ids.COMPARE_METHODS, "value", allow_duplicate=True),
    "merge_on": Output(ids.MERGE_ON, "value", allow_duplicate=True),
    "merge_wanted": Output(ids.MERGE_WANTED, "data"),
    "present": Output(ids.PRESENT_MODE, "value", allow_duplicate=True),
    "theme": Output(ids.THEME, "value", allow_duplicate=True),
    "pending": Output(ids.PENDING, "data", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}


# The controls whose values are part of the view but not of the view store, by View field.
ADDRESS_CONTROLS = {
    "color_by": Input(ids.COLOR_BY, "value"),
    "algorithm": Input(ids.COMPARE_ALGORITHM, "value"),
    "centroids": Input(ids.SHOW_CENTROIDS, "value"),
    "lesson": Input(ids.LESSON_TABS, "value"),
    "heat_scale": Input(ids.HEATMAP_SCALE, "value"),
    "heat_options": Input(ids.HEATMAP_OPTIONS, "value"),
    "aid": Input(ids.AIDS_TABS, "value"),
    "compare": Input(ids.COMPARE_METHODS, "value"),
    "merge_on": Input(ids.MERGE_ON, "value"),
    "merge_step": Input(ids.MERGE_STEP, "value"),
    "present": Input(ids.PRESENT_MODE, "value"),
    "theme": Input(ids.THEME, "value"),
}


class MissingUploadError(LookupError):
    """The view names an uploaded table this session does not hold."""


def load_source(store: SessionStore, session_id: str, source: Source) -> DataRef:
    """Load the data a view names into the session; returns its reference.

    Raises
    ------
    MissingUploadError
        If the source is an upload this session does not hold.
    loaders.DataError
        If the upload does not fit the source's choices (a column it lacks, ...).
    """
    if not source.is_upload:
        return store.put_dataset(session_id, with_scaling(load_builtin(source.example), source.scaling))
    if not store.has_table(session_id, source.upload):
        raw = store.upload_bytes(session_id, source.upload)
        if raw is not None and is_image(raw, source.filename or ""):  # an uploaded image (callbacks.data.new_image)
            image = read_image(raw, source.filename or "the image")
            return store.put_dataset(
                session_id, replace(image, provenance={**image.provenance, "upload": source.upload})
            )
        raise MissingUploadError(source.upload)
    table = store.table(session_id, source.upload)
    dataset = prepare(table, source.load_options())
    return put_file_dataset(store, session_id, dataset, table, source.scaling)


def opening(store: SessionStore, session_id: str, query: str) -> dict:
    """Everything opening an address sets, by :data:`OPEN_OUTPUTS` name.

    The nearest valid view of the address is opened; each value it could
    not use is named in the message. An upload the session does not hold is
    named too, and the example is shown until that file is loaded.
    """
    decoded = decode(query)
    view, problems = decoded.view, list(decoded.problems)
    waiting = None
    try:
        ref = _load_nearest(store, session_id, view.source, problems)
    except MissingUploadError:
        name = f" ({view.source.filename})" if view.source.filename else ""
        problems.insert(0, MISSING_UPLOAD.format(name=name))
        waiting = view.source.upload
        ref = load_source(store, session_id, Source())
    dataset = store.dataset(ref)
    method, metric = values_for_data(dataset.is_distance_matrix, view.method, view.metric)
    pending = {
        "address": encode(view),
        "data": None if waiting else ref.data_key,
        "upload": waiting,
        "problems": problems,  # said again when the tree is shown, which writes the message
    }
    if waiting:
        pending["fallback"] = ref.data_key
    return {
        "data_ref": ref.to_store(),
        **panel_of(store, ref),
        "method": view.method if method is no_update else method,
        "metric": view.metric if metric is no_update else metric,
        "tree_mode": view.tree_mode,
        "p": str(view.p),
        "annotate_above": "" if view.annotate_above is None else _text(view.annotate_above),
        "aid": view.aid,
        "color_by": view.coloring,
        "algorithm": view.algorithm,
        "centroids": ["on"] if view.centroids else [],
        "lesson": view.lesson,
        "heat_scale": view.heat_scale,
        "heat_options": [name for name, on in (("columns", view.heat_columns), ("optimal", view.heat_optimal)) if on],
        "compare": list(view.compare),
        "merge_on": ["on"] if view.merge is not None else [],
        "merge_wanted": view.merge,
        "present": ["on"] if view.present else [],
        "theme": view.theme,
        "pending": pending,
        "message": opened_message(problems),
    }


def _load_nearest(store: SessionStore, session_id: str, source: Source, problems: list[str]) -> DataRef:
    """Load a source; an upload whose choices no longer fit falls back to its default reading."""
    try:
        return load_source(store, session_id, source)
    except USER_ERRORS as error:
        if not source.is_upload:
            raise
        problems.append(
            f"The address's choices for {source.filename or 'the file'} do not fit it ({error}); "
            "it is read with the default choices."
        )
        default = Source(example=None, upload=source.upload, filename=source.filename, scaling=source.scaling)
        return load_source(store, session_id, default)


def opened_message(problems) -> list:
    """One paragraph for what an opened address could not use (empty when it was all used)."""
    return message(" ".join(problems), kind="warning") if problems else []


def first_rule(tree: Tree) -> CutRule:
    """The first cut of new data: the number of clusters the elbow of the merge heights suggests."""
    return CutRule.into(elbow_k(tree))


def pending_for(pending: dict | None, ref: DataRef) -> View | None:
    """The waiting view, if it belongs to the data ``ref`` names."""
    if not pending or pending.get("data") != ref.data_key:
        return None
    return decode(pending["address"]).view


def still_pending(pending: dict | None, ref: DataRef):
    """The pending value after showing other data: kept while the fallback example stands in for an upload."""
    if waits_on(pending, ref):
        return no_update
    return None


def waits_on(pending: dict | None, ref: DataRef) -> bool:
    """True when the data ``ref`` names stands in for the upload a waiting view names."""
    return bool(pending and pending.get("upload") and pending.get("fallback") == ref.data_key)


def restored(tree: Tree, view: ViewState, wanted: View) -> tuple[Cut, np.ndarray, ViewState, list[str], dict | None]:
    """The cut, colours, zoom and selection a waiting view asks for, on its tree.

    Returns
    -------
    tuple
        The cut, its colour slots, the view with the zoom, a sentence per
        value that did not fit this tree (the nearest valid one is used:
        the elbow's cut, the default colours, the whole tree, no
        selection), and the selection store's value.
    """
    problems = []
    rule = wanted.cut or first_rule(tree)
    try:
        cut = rule.apply(tree)
    except ClusteringError as error:
        problems.append(f"The address's cut does not fit this tree: {error}; the suggested cut is shown instead.")
        rule = first_rule(tree)
        cut = rule.apply(tree)
    if wanted.cut is not None:
        view = view.cutting_by(rule)  # without a cut in the address, the criterion stays as it is
    slots = assign_color_slots(cut.roots, None, N_SLOTS)
    if wanted.colors and len(wanted.colors) == cut.n_clusters:
        by_root = dict(zip(sorted(int(root) for root in cut.roots), wanted.colors))
        slots = np.array([by_root[int(root)] % N_SLOTS for root in cut.roots], dtype=np.int64)
    n = tree.n_samples
    zoom = wanted.zoom
    if zoom is not None and not n <= zoom < 2 * n - 1:
        problems.append(
            f"The address zooms into branch {zoom}, which this tree of {n:,} samples does not have; "
            "the whole tree is shown."
        )
        zoom = None
    view = replace(view, zoom_root=zoom)
    selection = None
    if wanted.selection is not None:
        if 0 <= wanted.selection < 2 * n - 1:
            selection = {"node": wanted.selection, "tree": tree_key(view)}
        else:
            problems.append(f"The address selects node {wanted.selection}, which this tree does not have.")
    return cut, slots, view, problems, selection


def view_value(store: SessionStore, view: ViewState, selection: dict | None, controls: dict) -> View:
    """The view on screen as one :class:`state.view.View` (what the address, session file and code hold).

    ``controls`` holds the values of the controls that are not in the view store, by
    :data:`ADDRESS_CONTROLS` name.
    """
    node = selection.get("node") if selection and selection.get("tree") == tree_key(view) else None
    return View(
        source=store.memo(view.ref, ("address-source",), lambda: source_of(store, view.ref)),
        method=view.method,
        metric=view.metric,
        tree_mode=view.tree_mode,
        p=view.p,
        annotate_above=view.annotate_above,
        cut=view.cut_rule,
        colors=tuple(slot for _, slot in sorted((int(root), slot) for root, slot in view.colors.items())),
        zoom=view.zoom_root,
        selection=None if node is None else int(node),
        coloring=controls.get("color_by") or "tree",
        aid=controls.get("aid") or "elbow",
        compare=tuple(controls.get("compare") or ()),
        merge=_merge_step(controls),
        present="on" in (controls.get("present") or ()),
        theme=controls.get("theme") or "auto",
        **_lesson_settings(controls),
    )


def _lesson_settings(controls: dict) -> dict:
    """The "look inside" panel's settings (the other algorithm, centroids, its tab, the heatmap's options)."""
    heat = controls.get("heat_options") or ()
    return {
        "algorithm": controls.get("algorithm") or View.algorithm,
        "centroids": "on" in (controls.get("centroids") or ()),
        "lesson": controls.get("lesson") or View.lesson,
        "heat_scale": controls.get("heat_scale") or View.heat_scale,
        "heat_columns": "columns" in heat,
        "heat_optimal": "optimal" in heat,
    }


def _merge_step(controls: dict) -> int | None:
    """The merge player's step while it is on."""
    step = controls.get("merge_step")
    if not controls.get("merge_on") or not isinstance(step, int | float) or not float(step).is_integer():
        return None
    return int(step)


def source_of(store: SessionStore, ref: DataRef) -> Source:
    """The source of a stored dataset, as short as it can be: choices equal to the defaults are left out."""
    dataset = store.dataset(ref)
    provenance = dataset.provenance
    if provenance.get("source") == "image" and provenance.get("upload"):
        return Source(example=None, upload=provenance["upload"], filename=provenance.get("filename"))
    if provenance.get("source") != "file":
        return Source(example=provenance.get("key"), scaling=provenance.get("scaling", "none"))
    record = store.recall(ref, source_record_key(dataset))
    table = store.table(ref.session_id, record["table"])
    full = Source(
        example=None,
        upload=record["table"],
        filename=table.filename,
        sheet=table.sheet,
        read_as="distances" if provenance["distance_matrix"] else "observations",
        features=tuple(provenance["feature_columns"]),
        label=provenance["label_column"],
        missing=provenance["missing"],
        scaling=record["scaling"],
        classes=provenance.get("class_column"),
    )
    wanted = plan(table, full.load_options())
    short = full
    for name, default in (("read_as", AUTO), ("label", AUTO), ("features", None)):
        candidate = replace(short, **{name: default})
        resolved = plan(table, candidate.load_options())
        if (resolved.read_as, resolved.label, resolved.features) == (wanted.read_as, wanted.label, wanted.features):
            short = candidate
    return short


def _text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def register(app: Dash, store: SessionStore) -> None:
    """Register the address callbacks on ``app``."""
    app.clientside_callback(
        ClientsideFunction(namespace="address", function_name="read"),
        Output(ids.ADDRESS_IN, "data"),
        Input(ids.SESSION, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="address", function_name="write"),
        Output(ids.ADDRESS_WRITTEN, "data"),
        Input(ids.ADDRESS, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="address", function_name="copy"),
        Output(ids.COPY_LINK_STATUS, "children"),
        Input(ids.COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        *OPEN_OUTPUTS.values(),
        Input(ids.ADDRESS_IN, "data"),
        Input(ids.OPENED, "data"),
        State(ids.SESSION, "data"),
        prevent_initial_call=True,
    )
    def open_view(address, opened, session_id):
        query = opened.get("address") if ctx.triggered_id == ids.OPENED and opened else address
        if query is None:
            raise PreventUpdate
        return reply_in_order(OPEN_OUTPUTS, opening(store, session_id, query), "open view")

    @app.callback(
        Output(ids.ADDRESS, "data"),
        Input(ids.VIEW, "data"),
        Input(ids.SELECTION, "data"),
        *ADDRESS_CONTROLS.values(),
        # An input, not a state: once the waiting view is shown (PENDING cleared), the address is written.
        Input(ids.PENDING, "data"),
        prevent_initial_call=True,
    )
    def write_address(view_data, selection, *controls_and_pending):
        *controls, pending = controls_and_pending
        view = ViewState.from_store(view_data)
        if view is None or pending:
            raise PreventUpdate  # nothing shown yet, or a view still waits for its data
        try:
            return encode(view_value(store, view, selection, dict(zip(ADDRESS_CONTROLS, controls))))
        except USER_ERRORS:
            raise PreventUpdate from None  # the data is gone: the address keeps the last view
