"""Small pieces every callback module shares: error types, messages, patches."""

from __future__ import annotations

from dash import Patch, html, no_update

from hclust import ClusteringError
from loaders import DataError
from state.redis_cache import StoreUnavailableError
from state.refs import SessionExpiredError, TreeNotBuiltError

# The app's own errors: their messages are written for the user and shown
# as they are. Anything else is a bug and is left to raise.
USER_ERRORS = (ClusteringError, DataError, SessionExpiredError, TreeNotBuiltError, StoreUnavailableError)


def message(*lines: str, kind: str = "info") -> list[html.P]:
    """Paragraphs for the message area; ``kind`` is ``info``, ``warning`` or ``error``."""
    return [html.P(line, className=f"msg msg-{kind}") for line in lines if line]


def error_message(error: Exception, context: str = "") -> list[html.P]:
    """The message for one of :data:`USER_ERRORS`, optionally prefixed with what was attempted.

    The error's own text is kept as written (it may start with a file name);
    only a sentence that starts the message gets a capital.
    """
    text = str(error).rstrip(".") or "something went wrong"
    if not context:
        text = text[0].upper() + text[1:]
    return message(f"{context}{text}.", kind="error")


def patch_from(updates: dict[tuple, object]) -> Patch:
    """Turn a figure builder's ``{path: value}`` updates into a Dash ``Patch``.

    Updates of named keys under one parent (a trace's ``x`` and ``y``, the
    layout's shapes and annotations) go as one ``Merge`` of that parent, not
    an ``Assign`` each: the same figure on the page, and a cut's 24 line
    traces cost 24 operations on the wire instead of 48. Items of a list
    (``("layout", "shapes", 1)``) are assigned one by one: a ``Merge`` would
    turn the list into an object.
    """
    by_parent: dict[tuple, dict] = {}
    for path, value in updates.items():
        by_parent.setdefault(tuple(path[:-1]), {})[path[-1]] = value
    patch = Patch()
    for parent, values in by_parent.items():
        target = patch
        for key in parent:
            target = target[key]
        if len(values) > 1 and all(isinstance(key, str) for key in values):
            target.update(values)
            continue
        for key, value in values.items():
            target[key] = value
    return patch


def reply_in_order(outputs: dict, values: dict, callback: str) -> tuple:
    """A callback's return value from named outputs: anything not named stays as it is.

    Parameters
    ----------
    outputs : dict
        Output name -> ``dash.Output``, in the callback's order.
    values : dict
        The outputs to set, by name.
    callback : str
        The callback's name, for the error on an unknown output.

    Raises
    ------
    KeyError
        If ``values`` names an output the callback does not have.
    """
    unknown = set(values) - set(outputs)
    if unknown:
        raise KeyError(f"not an output of the {callback} callback: {sorted(unknown)}")
    return tuple(values.get(name, no_update) for name in outputs)
