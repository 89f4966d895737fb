"""Helpers for the Playwright tests: Dash 4 dropdowns, number inputs and Plotly graph state.

Everything that reads a graph goes through the Plotly div inside the dcc.Graph
(``#<id> .js-plotly-plot``) and its ``_fullLayout``, i.e. what is drawn, not
what the server sent.
"""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

TIMEOUT_MS = 15_000
DEFAULT_COPHENETIC = "0.98001"

# The dashed line (and its 10 px drag helper) that plotly.js draws for shapes[0]
# with config.edits.shapePosition.
LINE_HELPER = "#dendrogram .shapelayer g[drag-helper] > path"
LINE_END_HANDLE = "#dendrogram .shapelayer g[drag-helper] > circle[data-line-point='end-point']"
PLOT_AREA = "#dendrogram .nsewdrag"

_GD = "document.querySelector('#' + id + ' .js-plotly-plot')"

# Installed before the page loads: counts Dash's callback requests in flight
# (the renderer uses fetch), so a test can wait until the page is quiet.
TRACK_REQUESTS_JS = """
(() => {
  const originalFetch = window.fetch;
  window.__testPending = 0;
  window.__testQuietSince = performance.now();
  window.fetch = function (...args) {
    window.__testPending += 1;
    const done = () => { window.__testPending -= 1; window.__testQuietSince = performance.now(); };
    return originalFetch.apply(this, args).then(
      (response) => { done(); return response; },
      (error) => { done(); throw error; },
    );
  };
})();
"""


def settle(page: Page, quiet_ms: int = 400, timeout: float = TIMEOUT_MS) -> None:
    """Wait until no callback request has been in flight for ``quiet_ms``.

    Needs :data:`TRACK_REQUESTS_JS` (the ``app_page`` fixture installs it).
    Use before pointer gestures: a late response can change the page layout
    (a box appearing or going away above the graphs) and move the target.
    The quiet time is longer than the 300 ms polling of background callbacks.
    """
    page.wait_for_function(
        "(quiet) => window.__testPending === 0 && performance.now() - window.__testQuietSince > quiet",
        arg=quiet_ms,
        timeout=timeout,
    )


def graph_eval(page: Page, graph_id: str, body: str, arg=None):
    """Run ``body``, a JS function ``(gd, arg) => ...``, on a graph's Plotly div."""
    return page.evaluate(f"([id, arg]) => {{ const gd = {_GD}; return ({body})(gd, arg); }}", [graph_id, arg])


def wait_for_graph(page: Page, graph_id: str, body: str, arg=None, timeout: float = TIMEOUT_MS) -> bool:
    """Wait until ``body`` (``(gd, arg) => bool``) holds for a drawn graph; False on timeout.

    The caller then asserts on the values it reads, so a failure shows them.
    """
    predicate = (
        f"([id, arg]) => {{ const gd = {_GD}; "
        f"if (!gd || !gd._fullLayout || !gd.calcdata) return false; return !!({body})(gd, arg); }}"
    )
    try:
        page.wait_for_function(predicate, arg=[graph_id, arg], timeout=timeout)
    except PlaywrightError:
        return False
    return True


def cut_shape(page: Page) -> dict | None:
    """The drawn cut line, ``layout.shapes[0]`` of the dendrogram (None if there is none)."""
    return graph_eval(
        page,
        "dendrogram",
        """(gd) => {
            const s = gd && gd._fullLayout && gd._fullLayout.shapes && gd._fullLayout.shapes[0];
            return s ? {xref: s.xref, yref: s.yref, x0: s.x0, x1: s.x1, y0: s.y0, y1: s.y1} : null;
        }""",
    )


def axis_ranges(page: Page, graph_id: str) -> dict:
    """The drawn x and y ranges of a graph."""
    return graph_eval(
        page, graph_id, "(gd) => ({x: gd._fullLayout.xaxis.range.slice(), y: gd._fullLayout.yaxis.range.slice()})"
    )


def to_page(page: Page, x: float | None, y: float, graph_id: str = "dendrogram") -> tuple[float, float]:
    """Viewport pixel of a data point of a graph (``x=None``: the middle of the plot width)."""
    return tuple(
        graph_eval(
            page,
            graph_id,
            """(gd, [x, y]) => {
                const L = gd._fullLayout, box = gd.getBoundingClientRect();
                const px = x === null ? L._size.w / 2 : L.xaxis.l2p(x);
                return [box.left + L._size.l + px, box.top + L._size.t + L.yaxis.l2p(y)];
            }""",
            [x, y],
        )
    )


def drag_by(page: Page, selector: str, dx: float, dy: float) -> None:
    """Press on the middle of an element (attached, maybe zero-height) and drag it by (dx, dy) pixels."""
    settle(page)
    target = page.locator(selector)
    target.wait_for(state="attached")
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=10)
    page.mouse.up()


def click_dendrogram_at(page: Page, x: float, height: float) -> None:
    """Click the dendrogram's plot area at data x and the given height."""
    settle(page)
    page.mouse.click(*to_page(page, x, height))


def wait_past_double_click(page: Page, graph_id: str = "dendrogram") -> None:
    """Let Plotly's double-click window pass before the next press on a graph.

    Two presses within ``config.doubleClickDelay`` (300 ms) make a double-click:
    Plotly autoscales both axes and reports the second click in the new axis
    coordinates, so a second, quick click lands at another height.
    """
    delay = graph_eval(page, graph_id, "(gd) => gd._context.doubleClickDelay")
    page.wait_for_timeout(delay + 50)


def wait_for_cut_line(page: Page, timeout: float = TIMEOUT_MS) -> bool:
    """Wait until the line is horizontal, full width, and at the height shown in #cut-height."""
    return wait_for_graph(
        page,
        "dendrogram",
        """(gd) => {
            const s = gd._fullLayout.shapes && gd._fullLayout.shapes[0];
            const v = parseFloat(document.getElementById('cut-height').value);
            return s && s.x0 === 0 && s.x1 === 1 && s.y0 === s.y1 && Math.abs(s.y0 - v) < 1e-9;
        }""",
        timeout=timeout,
    )


def assert_cut_line_at(page: Page, height: float) -> None:
    """The drawn cut line is horizontal, spans the whole width and sits at ``height``."""
    shape = cut_shape(page)
    assert shape is not None, "the dendrogram has no cut line (layout.shapes[0])"
    assert (shape["xref"], shape["x0"], shape["x1"]) == ("paper", 0, 1), f"not full width: {shape}"
    assert shape["y0"] == shape["y1"], f"not horizontal: {shape}"
    assert shape["y0"] == height, f"line at {shape['y0']}, expected {height}: {shape}"


def cut_height(page: Page) -> float:
    """The number in #cut-height."""
    return float(page.locator("#cut-height").input_value())


def set_number(page: Page, component_id: str, value) -> None:
    """Type a value into a box that commits on Enter or blur (a number box or a typed-number text box), then Tab."""
    box = page.locator(f"#{component_id}")
    box.fill(str(value))
    box.press("Tab")


def dropdown_popup(page: Page, dropdown_id: str):
    """Open a Dash 4 dcc.Dropdown; returns the locator of its open popup.

    The trigger button gets ``aria-expanded=true`` and ``aria-controls`` naming
    the popup (a Radix popover rendered in a portal, not inside the button), so
    this finds the right list even when other option lists are on the page.
    """
    button = page.locator(f"#{dropdown_id}")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    popup = page.locator(f'[id="{button.get_attribute("aria-controls")}"]')
    expect(popup.locator("[role=option]").first).to_be_visible()
    return popup


def dropdown_option(page: Page, dropdown_id: str, value: str):
    """Open a dropdown; returns the locator of the option with this value."""
    popup = dropdown_popup(page, dropdown_id)
    return popup.locator("[role=option]").filter(has=page.locator(f"input[value='{value}']"))


def choose(page: Page, dropdown_id: str, value: str) -> None:
    """Pick an option of a Dash 4 dcc.Dropdown by its value, through the UI."""
    dropdown_option(page, dropdown_id, value).click()
    expect(page.locator(f"#{dropdown_id}")).to_have_attribute("aria-expanded", "false")
