"""The merge player: step through the merges of the tree, one row of Z at a time."""

from __future__ import annotations

from dash import dcc, html

from components import ids
from figures.merges import LEFT_COLOR, RIGHT_COLOR
from hclust.merges import Merge, MergeWords, height_words

SPEEDS = (0.5, 1, 2)  # merges per second
DEFAULT_SPEED = 1
# Marks on the slider: every merge up to this many merges, else about this many round numbers.
ALL_MARKS_UP_TO = 12
N_MARKS = 6

INTRO = (
    "Replay how the tree was built: each step is one row of the linkage matrix Z. "
    "The two clusters it joins light up in the scatter, in red and amber; the dendrogram marks the merge."
)


def merge_panel() -> html.Section:
    """The merge player's card: a switch, the transport buttons, the merge slider and what the merge does.

    Hidden until a tree is shown (the player's callback then sets the slider to the tree's merges).
    """
    return html.Section(
        id=ids.MERGE_PANEL,
        className="card merge-panel",
        hidden=True,
        **{"aria-label": "Step through the merges"},
        children=[
            # {"view": the view whose tree the slider counts, "start": the first step, "repaint": a request}
            dcc.Store(id=ids.MERGE_STORE),
            dcc.Interval(id=ids.MERGE_TIMER, interval=1000 / DEFAULT_SPEED, disabled=True),
            html.Div(
                className="merge-controls",
                children=[
                    dcc.Checklist(
                        id=ids.MERGE_ON,
                        options=[{"label": " Step through the merges", "value": "on"}],
                        value=[],
                        className="switch merge-switch",
                        inputClassName="switch-input",
                    ),
                    html.Div(
                        className="merge-transport",
                        children=[
                            _button("Previous", ids.MERGE_PREV, "Previous merge (the slider's left arrow key)"),
                            _button("Play", ids.MERGE_PLAY, "Play the merges one after another", "merge-play"),
                            _button("Next", ids.MERGE_NEXT, "Next merge (the slider's right arrow key)"),
                        ],
                    ),
                    html.Div(
                        className="merge-slider",
                        children=[
                            html.Span("Merge", className="merge-slider-label", **{"aria-hidden": "true"}),
                            dcc.Slider(
                                id=ids.MERGE_STEP,
                                min=1,
                                max=2,
                                step=1,
                                value=1,
                                marks=None,
                                className="merge-step",
                            ),
                        ],
                    ),
                    html.Div(
                        className="merge-speed",
                        role="radiogroup",
                        **{"aria-label": "Speed, in merges per second"},
                        children=[
                            html.Span("Merges per second", className="merge-slider-label", **{"aria-hidden": "true"}),
                            dcc.RadioItems(
                                id=ids.MERGE_SPEED,
                                options=[{"label": f"{speed:g}", "value": speed} for speed in SPEEDS],
                                value=DEFAULT_SPEED,
                                inline=True,
                                className="merge-speed-choice",
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(
                id=ids.MERGE_INFO,
                className="merge-info",
                role="status",
                **{"aria-live": "polite"},
                children=intro(),
            ),
            html.Details(
                className="top-merges",
                children=[
                    html.Summary("The top merges as a table (the dendrogram in words)"),
                    html.Div(id=ids.TOP_MERGES),
                ],
            ),
        ],
    )


def top_merges_table(rows: list[tuple[Merge, str, str]]) -> html.Table:
    """The last merges of the tree, highest first: step, Z's row, height, what joins what, and the size."""
    head = html.Thead(html.Tr([html.Th(text, scope="col") for text in ("merge", "Z row", "height", "joins", "size")]))
    body = [
        html.Tr(
            [
                html.Td(f"{merge.step:,}", className="num"),
                html.Td(f"Z[{merge.row}]", className="num"),
                html.Td(height_words(merge.height), className="num"),
                html.Td(f"{left} + {right}"),
                html.Td(f"{merge.size:,}", className="num"),
            ]
        )
        for merge, left, right in rows
    ]
    caption = html.Caption(f"The {len(rows)} highest merges, from the top of the tree down")
    return html.Table([caption, head, html.Tbody(body)], className="top-merges-table")


def _button(label: str, component_id: str, title: str, class_name: str = "") -> html.Button:
    return html.Button(
        label,
        id=component_id,
        className=f"button merge-button {class_name}".strip(),
        title=title,
        n_clicks=0,
        type="button",
    )


def intro() -> list[html.P]:
    """What the info area says while the player is off."""
    return [html.P(INTRO, className="merge-intro")]


def slider_marks(n_merges: int) -> dict[int, str]:
    """Sparse marks for a slider over merges 1..n_merges: the ends and a few round numbers between."""
    if n_merges <= ALL_MARKS_UP_TO:
        return {step: str(step) for step in range(1, n_merges + 1)}
    spacing = _round_spacing(n_merges / N_MARKS)
    inner = range(spacing, n_merges - spacing // 2, spacing)
    return {1: "1", **{step: f"{step:,}" for step in inner}, n_merges: f"{n_merges:,}"}


def _round_spacing(raw: float) -> int:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if factor * power >= raw:
                return factor * power
        power *= 10


def merge_info(merge: Merge, words: MergeWords, where: str, hint: str, row: str) -> list[html.P]:
    """The info area at a merge: the sentence (each side in its color), the row of Z, and the index rule.

    Parameters
    ----------
    merge : Merge
    words : MergeWords
        The sentence in pieces (:func:`hclust.merges.merge_words`).
    where : str
        Where the dendrogram shows the merge, e.g. "inside the contracted leaf (33)".
    hint : str
        The rule for reading node numbers (:func:`hclust.merges.index_hint`).
    row : str
        The row of Z as SciPy prints it.
    """
    return [
        html.P(
            className="merge-sentence",
            children=[
                words.opening,
                _side(words.left, LEFT_COLOR, "merge-left"),
                " joins ",
                _side(words.right, RIGHT_COLOR, "merge-right"),
                words.closing,
            ],
        ),
        html.P(
            className="merge-facts",
            children=[
                html.Code(row),
                f" · {merge.clusters_after:,} cluster{'s' if merge.clusters_after != 1 else ''} after it",
                f" · in the dendrogram: {where}",
            ],
        ),
        html.P(hint, className="hint merge-hint"),
    ]


def _side(text: str, color: str, class_name: str) -> html.Span:
    return html.Span(
        [html.Span(className="swatch", style={"background": color}, **{"aria-hidden": "true"}), text],
        className=class_name,
    )
