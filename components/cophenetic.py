"""Beside an estimated cophenetic correlation: where the estimate comes from, and the way to the exact value."""

from __future__ import annotations

from dash import dcc, html

from components import ids

EXACT_BUTTON_TITLE = "Compute the exact value from every pair of samples, in the background (with a progress bar)"


def cophenetic_value() -> html.Span:
    """The coefficient and, under it, an estimate's pair count (its tooltip explains the estimate).

    While the exact value is computed, its progress bar and Cancel take the
    pair count's place, so the results strip keeps its layout.
    """
    return html.Span(
        className="cophenetic-value",
        children=[
            html.Span(id=ids.COPHENETIC, className="stat-value", children="…"),
            html.Span(id=ids.COPHENETIC_NOTE, className="cophenetic-note"),
            html.Span(
                id=ids.COPHENETIC_JOB,
                className="cophenetic-job",
                hidden=True,
                children=[
                    html.Progress(id=ids.COPHENETIC_PROGRESS, max="100", value="0"),
                    html.Span(id=ids.COPHENETIC_STATUS, className="job-status"),
                    html.Button("Cancel", id=ids.COPHENETIC_CANCEL, className="button compact", n_clicks=0),
                ],
            ),
        ],
    )


def cophenetic_estimate() -> html.Span:
    """The "Exact value" button, hidden while the value on screen is exact (and while its job runs)."""
    return html.Span(
        id=ids.COPHENETIC_ESTIMATE,
        className="cophenetic-estimate",
        hidden=True,
        children=[
            html.Button(
                "Exact value", id=ids.COPHENETIC_EXACT, className="button compact", n_clicks=0, title=EXACT_BUTTON_TITLE
            ),
            dcc.Store(id=ids.COPHENETIC_RESULT),
        ],
    )
