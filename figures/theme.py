"""How figures look: the everyday light theme, a dark one, and both for a projector.

A :class:`Theme` is passed to the figure builders; nothing else in them
names a colour or a font size. The presentation themes are for the back of
a room: every text at least 18 px, lines at least 3 px, and every colour
(text, lines, markers) at a contrast ratio of at least 4.5:1 against the
background (WCAG's ratio, :func:`contrast_ratio`; a unit test checks them).
The everyday light theme keeps Okabe and Ito's colour-blind-safe palette,
whose lighter colours (orange, sky blue, yellow) fall below that ratio on
white; the projector palettes are darker (on white) or lighter (on dark)
versions of the same hues.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from figures.style import CLUSTER_COLORS, CUT_LINE_COLOR, FONT_FAMILY, GRID_COLOR, NEUTRAL_COLOR, TEXT_COLOR

PROJECTOR_LIGHT_PALETTE = ("#0072B2", "#B35806", "#00785A", "#B2182B", "#6A3D9A", "#8C6D00", "#000000", "#C2185B")
DARK_PALETTE = ("#56B4E9", "#E69F00", "#00B383", "#F2703A", "#CC79A7", "#F0E442", "#FFFFFF", "#A78BFA")


@dataclass(frozen=True)
class Theme:
    """Colours and sizes of every figure.

    Attributes
    ----------
    name : str
        ``"light"``, ``"dark"``, ``"present-light"`` or ``"present-dark"``.
    font_size : int
        Axis titles and other text, in px.
    tick_size : int
        Axis tick labels.
    leaf_size : int
        The dendrogram's upright leaf labels.
    turned_leaf_size : int
        Its leaf labels turned on their side (many or long ones).
    label_size : int
        Merge-height labels and the cut line's label.
    line_width : int
        Dendrogram links and the cut line.
    marker_scale : float
        Multiplies marker sizes (the scatter's points, the leaf dots).
    text, muted, background, grid, neutral, cut : str
        Colours: text, secondary text, paper and plot, grid lines, links
        above the cut, the cut line.
    palette : tuple of str
        The 8 cluster colours, in slot order.
    """

    name: str = "light"
    font_size: int = 15
    tick_size: int = 14
    leaf_size: int = 14
    turned_leaf_size: int = 12
    label_size: int = 14
    line_width: int = 3
    marker_scale: float = 1.0
    text: str = TEXT_COLOR
    muted: str = "#374151"
    background: str = "white"
    grid: str = GRID_COLOR
    neutral: str = NEUTRAL_COLOR
    cut: str = CUT_LINE_COLOR
    palette: tuple[str, ...] = CLUSTER_COLORS

    @property
    def present(self) -> bool:
        """True for a projector theme."""
        return self.name.startswith("present")

    def slot_color(self, slot: int) -> str:
        """The colour of a palette slot; slot ``len(palette)`` (and any other) is the neutral one."""
        return self.palette[slot] if 0 <= slot < len(self.palette) else self.neutral

    def colorscale(self, with_neutral: bool) -> list[list]:
        """A stepped colorscale mapping integer slots to this palette (``cmin=-0.5``, ``cmax=slots - 0.5``)."""
        colors = [*self.palette, *([self.neutral] if with_neutral else [])]
        steps = len(colors)
        return [[(index + edge) / steps, color] for index, color in enumerate(colors) for edge in (0, 1)]

    def layout(self, **overrides) -> dict:
        """Layout settings every figure of this theme shares."""
        layout = {
            "font": {"family": FONT_FAMILY, "size": self.font_size, "color": self.text},
            "paper_bgcolor": self.background,
            "plot_bgcolor": self.background,
            "showlegend": False,
            "hoverlabel": {"font": {"size": self.font_size}},
        }
        layout.update(overrides)
        return layout

    def axis(self, **overrides) -> dict:
        """Axis settings: tick and title sizes, grid colour."""
        return {
            "tickfont": {"size": self.tick_size},
            "title": {"font": {"size": self.font_size}},
            "gridcolor": self.grid,
            "linecolor": self.muted,
            **overrides,
        }


LIGHT = Theme()
DARK = replace(
    LIGHT,
    name="dark",
    text="#E6EDF3",
    muted="#C9D1D9",
    background="#0D1117",
    grid="#30363D",
    neutral="#8B949E",
    cut="#FF5C8A",
    palette=DARK_PALETTE,
)
_PROJECTOR_SIZES = {
    "font_size": 20,
    "tick_size": 18,
    "leaf_size": 18,
    "turned_leaf_size": 18,
    "label_size": 18,
    "line_width": 4,
}
PRESENT_LIGHT = replace(
    LIGHT,
    name="present-light",
    **_PROJECTOR_SIZES,
    marker_scale=1.4,
    muted="#374151",
    grid="#D0D4DA",
    neutral="#767676",
    palette=PROJECTOR_LIGHT_PALETTE,
)
PRESENT_DARK = replace(DARK, name="present-dark", **_PROJECTOR_SIZES, marker_scale=1.4)


def theme_for(present: bool, dark: bool) -> Theme:
    """The theme of a view: presentation mode or not, dark or light."""
    return {
        (False, False): LIGHT,
        (False, True): DARK,
        (True, False): PRESENT_LIGHT,
        (True, True): PRESENT_DARK,
    }[bool(present), bool(dark)]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21; text needs 4.5)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(color: str) -> float:
    if color == "white":
        color = "#FFFFFF"
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
