"""Small layout pieces every panel uses."""

from __future__ import annotations

from dash import dcc, html


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

    (A timed debounce misses a retyped value after the server changed the
    box: a Dash 4.4 ``dcc.Input`` quirk for number boxes.)
    """
    return dcc.Input(id=component_id, type="number", debounce=True, className="number", **kwargs)


def card(title, children: list, class_name: str = "") -> html.Div:
    """A white panel with a heading."""
    return html.Div(className=f"card {class_name}".strip(), children=[html.H3(title), *children])
