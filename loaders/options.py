"""The user's choices for turning a table into a dataset, and the tables of valid values.

Each choice table feeds both the UI's controls and :func:`validate_options`.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.errors import DataError

AUTO = "auto"
"""Let the loader decide (the label column, or how to read a square table)."""

MISSING_POLICIES: dict[str, str] = {
    "drop": "drop rows",
    "mean": "fill with mean",
}
SCALINGS: dict[str, str] = {
    "none": "none",
    "standardize": "z-score",
    "minmax": "min-max",
}
READINGS: dict[str, str] = {
    "observations": "samples × features",
    "distances": "distance matrix",
}


@dataclass(frozen=True)
class LoadOptions:
    """How to read a table as a dataset.

    Attributes
    ----------
    feature_columns : tuple of str or None
        The feature columns, in order; None takes every numeric column that
        is not the label column.
    label_column : str or None
        The column that names the samples; None for no labels, :data:`AUTO`
        for the first text column whose values are unique.
    missing : str
        A key of :data:`MISSING_POLICIES`: ``"drop"`` rows with missing or
        infinite values, or fill them with the column ``"mean"``.
    scaling : str
        A key of :data:`SCALINGS`: ``"none"``, ``"standardize"`` (z-score with
        the population standard deviation) or ``"minmax"`` (to [0, 1]).
    read_as : str
        ``"observations"``, ``"distances"`` (the table is a square or
        condensed distance matrix) or :data:`AUTO` (detect it).
    class_column : str or None
        The column of known ("true") classes, to score the clusters against;
        never a feature. None for none.
    """

    feature_columns: tuple[str, ...] | None = None
    label_column: str | None = AUTO
    missing: str = "drop"
    scaling: str = "none"
    read_as: str = AUTO
    class_column: str | None = None


def validate_options(options: LoadOptions) -> LoadOptions:
    """Check the choices against the tables; raises :class:`DataError` naming the valid values."""
    for name, value, valid in (
        ("missing values", options.missing, MISSING_POLICIES),
        ("scaling", options.scaling, SCALINGS),
        ("read as", options.read_as, {**READINGS, AUTO: AUTO}),
    ):
        if value not in valid:
            raise DataError(f"unknown {name} option {value!r}; choose one of: {', '.join(valid)}")
    return options
