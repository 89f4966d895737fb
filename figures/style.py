"""Colors, fonts and array encoding shared by every figure."""

from __future__ import annotations

import base64

import numpy as np

# Okabe & Ito's color-blind-safe palette, strongest colors first. Cluster k
# takes CLUSTER_COLORS[(k - 1) % len(CLUSTER_COLORS)].
CLUSTER_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
NEUTRAL_COLOR = "#A0A0A0"
CUT_LINE_COLOR = "#C0003C"
FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
BASE_FONT_SIZE = 15
TEXT_COLOR = "#1F2328"
GRID_COLOR = "#E6E8EB"


N_SLOTS = len(CLUSTER_COLORS)


def slot_color(slot: int) -> str:
    """The color of a palette slot; slot ``N_SLOTS`` is the neutral grey."""
    return CLUSTER_COLORS[slot] if 0 <= slot < N_SLOTS else NEUTRAL_COLOR


def color_slots(cluster_ids: np.ndarray, cluster_slots: np.ndarray) -> np.ndarray:
    """Palette slot per entry of ``cluster_ids``.

    Parameters
    ----------
    cluster_ids : ndarray of int
        Cluster ids (1..k), or 0 for "no single cluster" (neutral).
    cluster_slots : ndarray of int, shape (k,)
        Slot of cluster c at ``c - 1`` (see ``hclust.colors.assign_color_slots``).

    Returns
    -------
    ndarray of uint8
        0..N_SLOTS-1 for clusters, N_SLOTS for 0.
    """
    lookup = np.concatenate([[N_SLOTS], np.asarray(cluster_slots, dtype=np.int64)])
    return lookup[np.asarray(cluster_ids, dtype=np.int64)].astype(np.uint8)


def slot_colorscale(with_neutral: bool) -> list[list]:
    """A stepped colorscale mapping integer slots to palette colors.

    Use with ``cmin=-0.5`` and ``cmax=slots - 0.5``, where ``slots`` is the
    palette size, plus one when ``with_neutral``.
    """
    colors = list(CLUSTER_COLORS) + ([NEUTRAL_COLOR] if with_neutral else [])
    steps = len(colors)
    scale: list[list] = []
    for index, color in enumerate(colors):
        scale.append([index / steps, color])
        scale.append([(index + 1) / steps, color])
    return scale


def typed_array(values: np.ndarray) -> dict:
    """Encode an integer or float array as a plotly.js typed-array spec.

    A base64 ``{"dtype", "bdata"}`` object is several times smaller than a
    JSON list and plotly.js decodes it without parsing numbers.
    """
    array = np.ascontiguousarray(values)
    if array.dtype.kind in "iu":
        if array.size == 0 or (array.min() >= 0 and array.max() <= 255):
            array = array.astype(np.uint8)
        elif array.min() >= 0 and array.max() <= 65_535:
            array = array.astype(np.uint16)
        else:
            array = array.astype(np.int32)
    else:
        array = array.astype(np.float64)
    dtype = {"u1": "u1", "u2": "u2", "i4": "i4", "f8": "f8"}[array.dtype.str.lstrip("<|=")]
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def base_layout(**overrides) -> dict:
    """Layout settings every figure shares: fonts legible from the back of a room."""
    layout = {
        "font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
        "hoverlabel": {"font": {"size": BASE_FONT_SIZE}},
    }
    layout.update(overrides)
    return layout


def plain(text: str) -> str:
    """A user's label or column name as Plotly shows it: as text, never as markup.

    Plotly reads ``<b>``, ``<br>``, ``<a href>`` and HTML entities in every
    text it draws (ticks, hovers, titles); escaping ``&``, ``<`` and ``>``
    makes it draw them as the characters they are. (No script runs either
    way; the point is that a label reads as written.)
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
