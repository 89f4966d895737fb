"""The image scatter's own callbacks: re-render on zoom and pan, and say which sample is under the pointer.

Beyond ``HCLUST_SCATTER_IMAGE_ABOVE`` samples the scatter is an image
(``figures/raster.py``): a cut re-renders it in the cut's own reply
(``callbacks/cut.py``), another colouring in the colouring's
(``callbacks/coloring.py``). Here:

- a clientside callback writes the plot area (ranges and size in pixels)
  to ``SCATTER_FRAME`` after each zoom, pan, autorange or resize, only while
  the scatter is an image; the server then renders that frame, in the
  colours on screen, with the branch selection lit (a selection itself is
  drawn by ``callbacks/clusters.py``);
- a clientside callback passes on a hover over the image (where, and how
  large a screen pixel is), and the server answers with the nearest sample's
  name and cluster in a ``dcc.Tooltip``, or hides it when no sample is within
  a few pixels.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate

from callbacks.coloring import scatter_painting
from callbacks.common import USER_ERRORS, error_message, patch_from, reply_in_order
from callbacks.render import ViewState, image_caption, scatter_is_image
from callbacks.selected import selected_samples
from components import ids
from config import Settings
from figures import raster as raster_fig
from state.session_store import SessionStore

# The plot area after a relayout (zoom, pan, autorange, resize) or a new figure, while trace 0 is an
# image drawn for another frame; nothing for a point scatter.
FRAME = f"""
function (relayout, figure) {{
    const skip = window.dash_clientside.no_update;
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const graph = document.getElementById("{ids.SCATTER}");
    // The plot area, when trace 0 is an image that was drawn for another frame (and that mismatch was not
    // asked about already, so an odd frame cannot loop); else null. An image says what frame it was drawn
    // for (its meta), which may not be the store's: a reply rendered for an older frame can come last.
    const ask = () => {{
        const plot = graph && graph.querySelector(".js-plotly-plot");
        const full = plot && plot._fullLayout;
        const image = plot && plot.data && plot.data[0];
        if (!full || !image || image.type !== "image") {{ return null; }}
        watch(plot);
        // An axis on autorange shows the whole data (the server knows its extent): sending no range
        // keeps the image inside the autorange, so drawing it cannot widen the axes again.
        const range = (axis) => (axis.autorange ? null : axis.range.map(Number));
        const [least, most] = [{raster_fig.SIZE_LIMITS[0]}, {raster_fig.SIZE_LIMITS[1]}];  // as the server clamps
        const side = (pixels) => Math.min(Math.max(Math.round(pixels), least), most);
        const frame = {{x: range(full.xaxis), y: range(full.yaxis)}};
        Object.assign(frame, {{width: side(full._size.w), height: side(full._size.h)}});
        const drawn = image.meta && image.meta.frame;
        const asked = JSON.stringify([drawn, frame]), now = Date.now();
        if (same(frame, drawn) || (window._hclustAsked === asked && now - window._hclustAskedAt < 2000)) {{
            return null;
        }}
        window._hclustAsked = asked;
        window._hclustAskedAt = now;
        return frame;
    }};
    // After every draw of the plot (a new image, a zoom, a resize of the window or of the page around it),
    // whatever Dash made of the events that led to it: the last word on what is on screen.
    const watch = (plot) => {{
        if (plot._hclustFrameWatch) {{ return; }}
        plot._hclustFrameWatch = true;
        plot.on("plotly_afterplot", () => {{
            const frame = ask();
            if (frame) {{ window.dash_clientside.set_props("{ids.SCATTER_FRAME}", {{data: frame}}); }}
        }});
    }};
    const fired = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
    if (!fired.includes("{ids.SCATTER}.figure")) {{ return ask() || skip; }}
    if (!figure || !figure.data || !figure.data.length || figure.data[0].type !== "image") {{ return skip; }}
    // A new figure is measured once plotly has drawn it.
    return new Promise((resolve) => setTimeout(() => resolve(ask() || skip), 250));
}}
"""

# A hover over the image: the point, a screen pixel in data units, and where to put the tooltip
# (relative to the scatter card, the tooltip's positioning parent).
HOVER = f"""
function (hover) {{
    const skip = window.dash_clientside.no_update;
    const graph = document.getElementById("{ids.SCATTER}");
    const plot = graph && graph.querySelector(".js-plotly-plot");
    const full = plot && plot._fullLayout;
    const point = hover && hover.points && hover.points[0];
    if (!full || !plot.data || !plot.data.length || plot.data[0].type !== "image") {{ return skip; }}
    if (!point || point.curveNumber !== 0) {{ return null; }}
    const card = graph.closest(".scatter-card") || graph;
    const from = card.getBoundingClientRect(), to = plot.getBoundingClientRect();
    const left = to.left - from.left + full.xaxis._offset + full.xaxis.l2p(point.x);
    const top = to.top - from.top + full.yaxis._offset + full.yaxis.l2p(point.y);
    return {{
        x: point.x, y: point.y, pixel: [1 / Math.abs(full.xaxis._m), 1 / Math.abs(full.yaxis._m)],
        bbox: {{x0: left - 2, x1: left + 2, y0: top - 2, y1: top + 2}},
    }};
}}
"""

ZOOM_OUTPUTS = {
    "scatter": Output(ids.SCATTER, "figure", allow_duplicate=True),
    "caption": Output(ids.SCATTER_CAPTION, "children", allow_duplicate=True),
    "message": Output(ids.MESSAGE, "children", allow_duplicate=True),
}


def register(app: Dash, store: SessionStore, settings: Settings) -> None:
    """Register the image scatter's callbacks on ``app``."""
    app.clientside_callback(
        FRAME,
        Output(ids.SCATTER_FRAME, "data"),
        Input(ids.SCATTER, "relayoutData"),
        Input(ids.SCATTER, "figure"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        HOVER, Output(ids.SCATTER_HOVER, "data"), Input(ids.SCATTER, "hoverData"), prevent_initial_call=True
    )

    @app.callback(
        *ZOOM_OUTPUTS.values(),
        Input(ids.SCATTER_FRAME, "data"),
        State(ids.VIEW, "data"),
        State(ids.COLOR_BY, "value"),
        State(ids.COMPARE_ALGORITHM, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def render_frame(frame, view_data, color_by, algorithm, selection):
        view = ViewState.from_store(view_data)
        if view is None or frame is None:
            raise PreventUpdate  # a new view: its figure is of the whole data already
        try:
            projection = store.projection(view.ref)
            if not scatter_is_image(projection.x.size, settings):
                raise PreventUpdate
            painting = scatter_painting(store, view, color_by, algorithm)
            selected = selected_samples(store, view, selection)  # a selection stays lit
            raster = painting.image(store, view, frame, selected)
        except USER_ERRORS as error:
            return reply_in_order(ZOOM_OUTPUTS, {"message": error_message(error)}, "zoom of the image scatter")
        values = {
            "scatter": patch_from(raster_fig.raster_updates(raster)),
            "caption": image_caption(projection, raster),
        }
        return reply_in_order(ZOOM_OUTPUTS, values, "zoom of the image scatter")

    @app.callback(
        Output(ids.SCATTER_TOOLTIP, "show"),
        Output(ids.SCATTER_TOOLTIP, "bbox"),
        Output(ids.SCATTER_TOOLTIP, "children"),
        Input(ids.SCATTER_HOVER, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def nearest(hover, view_data):
        view = ViewState.from_store(view_data)
        if view is None or not isinstance(hover, dict):
            return False, None, None
        try:
            sample = nearest_of(store, view, hover)
        except USER_ERRORS:
            sample = None
        if sample is None:
            return False, None, None
        return True, hover.get("bbox"), sample


def nearest_of(store: SessionStore, view: ViewState, hover: dict) -> html.Div | None:
    """The tooltip for a hover: the nearest sample's name and cluster, or None when none is close."""
    pixel = hover.get("pixel")
    if not isinstance(pixel, list) or len(pixel) != 2:
        return None
    try:
        x, y, pixel = float(hover["x"]), float(hover["y"]), (float(pixel[0]), float(pixel[1]))
    except (KeyError, TypeError, ValueError):
        return None
    index = raster_fig.nearest_sample(store.projection(view.ref), x, y, pixel)
    if index is None:
        return None
    dataset = store.dataset(view.ref)
    tree = store.tree(view.ref, view.method, view.metric, mode=view.tree_mode)
    cluster = int(view.cut_rule.apply(tree).labels[index])
    name = dataset.sample_names[index] if dataset.sample_names is not None else f"sample {index}"
    return html.Div([html.B(str(name)[:80]), html.Br(), f"cluster {cluster}"], className="scatter-tip")
