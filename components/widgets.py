"""Small layout pieces every panel uses."""

from __future__ import annotations

from dash import dcc, html


def graph_config(*remove: str, **settings) -> dict:
    """A dcc.Graph config: no logo, no tips, PNG export at 2x, and never a button that sends the chart to a cloud.

    Parameters
    ----------
    *remove : str
        More modebar buttons to leave out (``"lasso2d"``, ``"autoScale2d"``, ...).
    **settings
        Other config keys (``edits``, ``displayModeBar``, ...).
    """
    return {
        "displaylogo": False,
        # Plotly's notices ("Double-click to zoom back out") would cover the controls above the graphs.
        "showTips": False,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "scale": 2},
        **settings,
        "modeBarButtonsToRemove": ["sendChartToCloud", *remove],
        # Never offer to upload a chart (and the data in it) to a third-party cloud.
        "showSendToCloud": False,
    }


def section(step: str, title: str, children: list) -> html.Section:
    """A numbered sidebar step."""
    return html.Section(
        className="panel",
        children=[html.H2([html.Span(step, className="step"), title]), *children],
    )


def field(label: str, control, hint: str | None = None, html_for: str | None = None) -> html.Div:
    """A labelled control with an optional hint."""
    children = [html.Label(label, htmlFor=html_for), control]
    if hint:
        children.append(html.Div(hint, className="hint"))
    return html.Div(className="field", children=children)


def number_input(component_id: str, **kwargs) -> dcc.Input:
    """A number box that commits on Enter or when it loses focus.

    Only for boxes the server never writes: Dash 4.4's ``type="number"`` box
    drops a retyped value once the server has changed it (see
    :func:`typed_number`, which the server-written boxes use).
    """
    return dcc.Input(id=component_id, type="number", debounce=True, className="number", **kwargs)


# What a typed k or height may look like (never negative; a decimal comma is
# fine): the browser colors anything else red (Dash's ``input:invalid``
# style) while it is typed. The server parses and checks the value itself.
# Browsers compile ``pattern`` with the ``v`` flag, hence the escaped ``-``.
WHOLE_NUMBER_PATTERN = r"\s*\+?[0-9]+(\.0*)?\s*"
DECIMAL_NUMBER_PATTERN = r"\s*\+?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+\-]?[0-9]+)?\s*"


def typed_number(component_id: str, *, whole: bool = False, **kwargs) -> dcc.Input:
    """A box for a number that the server also writes (the cut height, k).

    A text box, not ``type="number"``: Dash 4.4.1's number box keeps its own
    idea of the last value it sent, so after the server writes another value
    into it, typing the earlier value again sends nothing (and its +/-
    steppers blank it). A text box sends whatever it holds, as a string, on
    Enter or when it loses focus; the callback parses and checks it
    (``callbacks.cut.read_typed``). The arrow keys step the value by
    ``step`` within ``min`` and ``max`` (``assets/typed_number.js``), as in
    a number box.

    Parameters
    ----------
    component_id : str
    whole : bool
        Whole numbers only: a numeric keypad on touch screens.
    **kwargs
        ``min``, ``max``, ``step``, ``value``, ``placeholder``: passed on.
        ``step`` is what the arrow keys add (1 when omitted or ``"any"``).

    Returns
    -------
    dcc.Input
    """
    if whole:
        kwargs.setdefault("inputMode", "numeric")
    return dcc.Input(
        id=component_id,
        type="text",
        debounce=True,
        pattern=WHOLE_NUMBER_PATTERN if whole else DECIMAL_NUMBER_PATTERN,
        spellCheck=False,
        className="number typed-number",
        **kwargs,
    )


def card(title, children: list, class_name: str = "") -> html.Div:
    """A white panel with a heading."""
    return html.Div(className=f"card {class_name}".strip(), children=[html.H3(title), *children])
