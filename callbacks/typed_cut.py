"""The height and k boxes of the cut: what a typed value reads as, and what the boxes show back.

The boxes are text boxes (``components.widgets.typed_number``): their values
arrive as typed and are parsed here (:func:`read_typed`); the cut callback
(:mod:`callbacks.cut`) checks them against the tree. A value that is no valid
height or k leaves the cut as it was, puts the box back
(:func:`box_values`) and says what the rule is (:func:`kept_cut_message`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from dash import no_update

from callbacks.common import message
from callbacks.render import ViewState
from hclust.cut import INCONSISTENT

if TYPE_CHECKING:
    from callbacks.cut import CutRequest


def read_typed(value: object) -> object:
    """A box's value as a number where it is one.

    Parameters
    ----------
    value : object
        What a box sent: text as typed (a text box), a number (a number box,
        or the value the server last wrote), or None.

    Returns
    -------
    object
        None for a blank box; a float for text that reads as a finite number
        (surrounding spaces and one decimal comma are fine: ``" 12,5"`` is
        12.5); otherwise ``value`` unchanged (stripped, if text), for
        :func:`callbacks.cut.apply_request` to refuse with a message.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return value.strip()
    return number if math.isfinite(number) else value.strip()


def kept_cut_message(error: Exception, view: ViewState) -> list:
    """The message for a typed height or k that was refused: the rule, and the cut that stays.

    Parameters
    ----------
    error : Exception
        One of the app's own errors; its text states the rule.
    view : ViewState
        The view before the request, which stays.

    Returns
    -------
    list
        The message line's paragraphs.
    """
    rule = str(error).rstrip(".")
    kept = f"k = {view.k}" if view.criterion == INCONSISTENT else f"k = {view.k} (height {view.height:g})"
    return message(f"{rule[:1].upper()}{rule[1:]}; the cut stays at {kept}.", kind="error")


def box_values(request: CutRequest, view: ViewState, k: int, refused: bool = False) -> dict:
    """What the height and k boxes get after a request.

    Parameters
    ----------
    request : CutRequest
    view : ViewState
        The view after the request (before it, if it was refused).
    k : int
        The number of clusters of that view's cut.
    refused : bool
        The request was refused: only the box typed into is put back.

    Returns
    -------
    dict
        The boxes' new values by the cut callback's output names, ``height``
        and ``k``; a value is ``no_update`` when the box shows it already (a
        typed ``"3"`` for k = 3 stays as typed). The height box is cleared
        for an inconsistency cut, which has no single height. After a refused
        request, only the box typed into is named.
    """
    boxes = {"height": None if view.criterion == INCONSISTENT else view.height, "k": k}
    # A typed height or k comes from the box of the same name.
    if request.source in boxes:
        boxes[request.source] = _box_value(request.typed, boxes[request.source])
    if refused:
        return {name: value for name, value in boxes.items() if name == request.source}
    return boxes


def typed_text(typed) -> str:
    """How a message quotes a box's value as typed (shortened to 20 characters)."""
    text = "" if typed is None else str(typed).strip()
    if not text:
        return "the box was empty"
    return f'you typed "{text if len(text) <= 20 else text[:20] + "…"}"'


def _box_value(typed, value):
    """``value`` for a box, or no_update if the box (which holds ``typed``) already shows it."""
    if isinstance(typed, str):
        shown = typed == _as_text(value)
    else:
        shown = typed is not None and value is not None and typed == value
    return no_update if shown else value


def _as_text(value) -> str | None:
    """How the browser writes a number into a text box (JavaScript's ``String(x)``, but for exponents)."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))
