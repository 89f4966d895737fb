// Graph events that move the cut line, turned into one small request
// (returned with the value to set relayoutData to).
// Only a drag of the line (relayout of shapes[0]) or a click on the plot
// produces a value; zoom, pan and autosize return no_update and never reach
// the server.
//
// A click on a merge dot or a leaf marker selects that branch instead (see
// the branch-selection callback), so it does not move the cut.
// These are figures/dendrogram.py's MERGE_TRACE and LEAF_TRACE; a unit test
// keeps them in step.
const SELECTABLE_TRACES = [26, 27];

function onSelectableTrace(clickData) {
  return Boolean(
    clickData.points && clickData.points.some((p) => SELECTABLE_TRACES.includes(p.curveNumber)),
  );
}

// Neither click of a double-click (which zooms back out) may move the cut.
// Plotly's own rule: two presses within doubleClickDelay make a double-click.
// Presses on the dendrogram are timed here from page load (a callback runs
// too late to watch for them), and a click waits out that delay: it counts
// only if no other press came within the delay of the last one.
const DENDROGRAM_ID = "dendrogram";
const recentPresses = [];

document.addEventListener(
  "mousedown",
  (event) => {
    if (event.target instanceof Element && event.target.closest("#" + DENDROGRAM_ID)) {
      recentPresses.push(performance.now());
      if (recentPresses.length > 8) {
        recentPresses.shift();
      }
    }
  },
  true,
);

function unlessDoubleClick(value, instead) {
  const gd = document.querySelector("#" + DENDROGRAM_ID + " .js-plotly-plot");
  const delay = (gd && gd._context && gd._context.doubleClickDelay) || 300;
  const pressedAt = recentPresses.length ? recentPresses[recentPresses.length - 1] : performance.now();
  return new Promise((resolve) => {
    setTimeout(() => {
      const paired = recentPresses.some((t) => t !== pressedAt && Math.abs(t - pressedAt) <= delay);
      resolve(paired ? instead : value);
    }, Math.max(0, pressedAt + delay + 20 - performance.now())); // only until the window after the press closes
  });
}

// A typed-array spec ({dtype, bdata}, as figures/style.typed_array writes it) to its numbers.
function decodeTyped(spec) {
  const raw = atob(spec.bdata);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const types = { u1: Uint8Array, u2: Uint16Array, i4: Int32Array, f8: Float64Array };
  return new types[spec.dtype](bytes.buffer);
}

// One byte per value back to a typed-array spec (what the server would have sent).
function encodeBytes(bytes) {
  let raw = "";
  for (let i = 0; i < bytes.length; i += 0x8000) raw += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return { dtype: "u1", bdata: btoa(raw) };
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  hclust: {
    // A cut's scatter updates ([path, value] pairs, callbacks/cut.py) as a Patch of the figure.
    // A per-cluster marker.symbol ({per_cluster: [...]}) is written out per sample from the
    // cluster ids in marker.color, as figures.scatter.expanded does: the cut sends k numbers, not n.
    paintScatter: function (paint) {
      if (!paint || !paint.updates) {
        return window.dash_clientside.no_update;
      }
      const patch = new window.dash_clientside.Patch();
      const key = (path) => path.join("/");
      const byPath = new Map(paint.updates.map(([path, value]) => [key(path), value]));
      for (const [path, value] of paint.updates) {
        if (value && value.per_cluster) {
          const colorPath = path.slice(0, -1).concat(["color"]);
          const ids = decodeTyped(byPath.get(key(colorPath)));
          const symbols = new Uint8Array(ids.length);
          for (let i = 0; i < ids.length; i++) symbols[i] = value.per_cluster[ids[i] - 1];
          patch.assign(path, encodeBytes(symbols));
        } else {
          patch.assign(path, value);
        }
      }
      return patch.build();
    },

    graphCut: function (relayoutData, clickData) {
      const noUpdate = window.dash_clientside.no_update;
      const triggered = window.dash_clientside.callback_context.triggered.map((t) => t.prop_id);
      if (triggered.some((p) => p.endsWith(".clickData")) && clickData) {
        if (onSelectableTrace(clickData)) {
          return [noUpdate, noUpdate];
        }
        let y;
        if (clickData.yvals && clickData.yvals.length) {
          y = clickData.yvals[0];
        } else if (clickData.points && clickData.points.length) {
          y = clickData.points[0].y;
        }
        if (typeof y === "number" && isFinite(y)) {
          return unlessDoubleClick([{ y: y, source: "click", t: Date.now() }, noUpdate], [noUpdate, noUpdate]);
        }
      }
      if (triggered.some((p) => p.endsWith(".relayoutData")) && relayoutData) {
        // A body drag sets y0 and y1; an end-handle drag sets one end only.
        const y = relayoutData["shapes[0].y0"] !== undefined ? relayoutData["shapes[0].y0"] : relayoutData["shapes[0].y1"];
        if (typeof y === "number" && isFinite(y)) {
          // Clear relayoutData: Dash fires callbacks only for changed props, and an
          // identical second drag would otherwise never be snapped back.
          return [{ y: y, source: "drag", t: Date.now() }, null];
        }
      }
      return [noUpdate, noUpdate];
    },

    // What the branch selection hears: a click on a merge dot or a leaf
    // marker, or a clicked cluster number in the table. A click that moves
    // the cut and a redrawn table (its buttons fire with no click) send
    // nothing, so they never supersede the selection's own redraw of a new view.
    pickNode: function (clickData, rowClicks) {
      const noUpdate = window.dash_clientside.no_update;
      const triggered = window.dash_clientside.callback_context.triggered;
      for (const t of triggered) {
        if (t.prop_id.endsWith(".clickData") && clickData && onSelectableTrace(clickData)) {
          return { click: clickData, t: Date.now() };
        }
        if (t.prop_id.startsWith("{") && t.value) {
          return { row: JSON.parse(t.prop_id.slice(0, t.prop_id.lastIndexOf("."))).index, t: Date.now() };
        }
      }
      return noUpdate;
    },

    // A box zoom of the x axis (or a double-click back to the whole view),
    // for the server to re-truncate the dendrogram to the zoomed branch.
    graphZoom: function (relayoutData) {
      const noUpdate = window.dash_clientside.no_update;
      if (!relayoutData) {
        return noUpdate;
      }
      if (relayoutData["xaxis.autorange"] === true) {
        return { reset: true, t: Date.now() };
      }
      const x0 = relayoutData["xaxis.range[0]"];
      const x1 = relayoutData["xaxis.range[1]"];
      if (typeof x0 === "number" && typeof x1 === "number") {
        return { x0: x0, x1: x1, t: Date.now() };
      }
      return noUpdate;
    },
  },
});
