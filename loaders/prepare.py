"""Turn a read table and the user's choices into a :class:`Dataset` ready to cluster.

Steps, in order: choose the label and feature columns, decide between
observations and a distance matrix, handle missing and infinite values,
scale, and note anything the user should know (columns left out, rows
dropped, one column dominating the distances).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from hclust.projection import SAME_UNITS_SPREAD
from loaders.dataset import Dataset
from loaders.distance_matrix import Detection, condensed_distances, detect
from loaders.errors import DataError
from loaders.options import AUTO, MISSING_POLICIES, SCALINGS, LoadOptions, validate_options
from loaders.table import Table

MAX_NAMED = 5
SPREAD_RATIO_WARNING = SAME_UNITS_SPREAD  # beyond it, the columns are not in comparable units
LARGEST_VALUE = 1e150  # beyond this, squared differences overflow float64
_DEFAULT_NAME_PREFIX = "column "


@dataclass(frozen=True)
class Columns:
    """The table's columns by kind, in table order.

    Attributes
    ----------
    numeric : tuple of str
        Integer or float columns with at least one value (booleans are not numbers here).
    other : tuple of str
        Text, dates, booleans and anything else: possible labels, never features.
    empty : tuple of str
        Columns without a single value.
    """

    numeric: tuple[str, ...]
    other: tuple[str, ...]
    empty: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The choices resolved against one table: what :func:`prepare` will do.

    Attributes
    ----------
    columns : Columns
    features : tuple of str
    label : str or None
    read_as : str
        ``"observations"`` or ``"distances"``.
    detection : Detection
        What the numeric block's shape says (drives the "read as" control).
    auto_reading : bool
        True when ``read_as`` was detected rather than chosen.
    notes : tuple of str
    classes : str or None
        The column of known classes (never a feature).
    """

    columns: Columns
    features: tuple[str, ...]
    label: str | None
    read_as: str
    detection: Detection
    auto_reading: bool
    notes: tuple[str, ...]
    classes: str | None = None

    def options(self, missing: str = "drop", scaling: str = "none") -> LoadOptions:
        """These choices as explicit :class:`LoadOptions` (what the UI's controls show)."""
        return LoadOptions(
            feature_columns=self.features,
            label_column=self.label,
            missing=missing,
            scaling=scaling,
            read_as=self.read_as,
            class_column=self.classes,
        )


def column_kinds(frame: pd.DataFrame) -> Columns:
    """Sort a frame's columns into numeric, other and empty."""
    numeric, other, empty = [], [], []
    for name in frame.columns:
        column = frame[name]
        if column.isna().all():
            empty.append(name)
        elif _is_number_column(column):
            numeric.append(name)
        else:
            other.append(name)
    return Columns(tuple(numeric), tuple(other), tuple(empty))


def _is_number_column(column: pd.Series) -> bool:
    dtype = column.dtype
    return (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype)) and not (
        pd.api.types.is_bool_dtype(dtype)
    )


def plan(table: Table, options: LoadOptions) -> Plan:
    """Resolve the choices against the table: label, features and reading.

    Raises
    ------
    DataError
        If an option is unknown, a named column does not exist, or a text
        column is chosen as a feature.
    """
    validate_options(options)
    frame = table.frame
    columns = column_kinds(frame)
    label = _label_column(frame, columns, options.label_column)
    classes = _class_column(frame, options.class_column)
    notes: list[str] = []
    if options.feature_columns is None:
        features = tuple(c for c in columns.numeric if c not in (label, classes))
    else:
        _check_features(frame, columns, options.feature_columns)
        features = tuple(dict.fromkeys(c for c in options.feature_columns if c not in (label, classes)))
        if label is not None and label in options.feature_columns:
            notes.append(f"Column '{label}' labels the samples, so it is not a feature.")
        if classes is not None and classes in options.feature_columns:
            notes.append(f"Column '{classes}' holds the true classes, so it is not a feature.")
    values = frame[list(features)].to_numpy(dtype=float, na_value=np.nan) if features else np.empty((len(frame), 0))
    detection = detect(values, _label_values(frame, label) if label else None, features)
    auto = options.read_as == AUTO
    read_as = ("distances" if detection.looks_like_distances else "observations") if auto else options.read_as
    return Plan(columns, features, label, read_as, detection, auto, tuple(notes), classes)


def default_options(table: Table, scaling: str = "none") -> LoadOptions:
    """The choices a new table starts with, resolved (what the UI shows after an upload)."""
    return plan(table, LoadOptions(scaling=scaling)).options(scaling=scaling)


def _label_column(frame: pd.DataFrame, columns: Columns, wanted: str | None) -> str | None:
    if wanted is None:
        return None
    if wanted == AUTO:
        for name in columns.other:
            values = frame[name]
            if values.notna().all() and values.astype(str).is_unique:
                return name
        return None
    if wanted not in frame.columns:
        raise DataError(f"there is no column {wanted!r} to label the samples; choose one of: {_names(frame.columns)}")
    return wanted


def _class_column(frame: pd.DataFrame, wanted: str | None) -> str | None:
    if wanted is None:
        return None
    if wanted not in frame.columns:
        raise DataError(f"there is no column {wanted!r} of true classes; choose one of: {_names(frame.columns)}")
    if frame[wanted].isna().all():
        raise DataError(f"column {wanted!r} is empty, so it cannot hold the true classes; choose another column")
    return wanted


def _check_features(frame: pd.DataFrame, columns: Columns, wanted: tuple[str, ...]) -> None:
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise DataError(f"there is no column {_names(missing)}; the columns are: {_names(frame.columns)}")
    empty = [c for c in wanted if c in columns.empty]
    if empty:
        raise DataError(f"column(s) {_names(empty)} are empty; leave them out of the features")
    not_numbers = [c for c in wanted if c not in columns.numeric]
    if not_numbers:
        raise DataError(
            f"column(s) {_names(not_numbers)} do not hold numbers and cannot be features; "
            f"choose among the numeric columns: {_names(columns.numeric) or 'none'}"
        )


def prepare(table: Table, options: LoadOptions) -> Dataset:
    """Build the dataset the user asked for.

    Parameters
    ----------
    table : Table
        From :func:`loaders.formats.parse_file`.
    options : LoadOptions

    Returns
    -------
    Dataset
        Observations (features of shape (n, m)) or, for a distance matrix,
        condensed ``distances`` and features of shape (n, 0). No value is
        missing or infinite. ``provenance`` records every choice.

    Raises
    ------
    DataError
        With the problem and the fix: no numeric column, fewer than 2
        samples, a column with no value to fill from, values too large to
        measure distances, or a distance matrix that is not square,
        symmetric, non-negative and zero on the diagonal (naming the cells).
    """
    chosen = plan(table, options)
    notes = [*table.notes, *_column_notes(table, chosen), *chosen.notes]
    if not chosen.columns.numeric and not chosen.columns.other:
        raise DataError(f"{table.filename} has no values: every cell below the header is empty; fill in the table")
    if not chosen.columns.numeric:
        raise DataError(
            f"{table.filename} has no numeric column (columns: {_names(table.frame.columns)}); "
            "the features must be numbers (with a dot or, in ';'-separated files, a comma as the decimal mark)"
        )
    if not chosen.features:
        raise DataError(f"no feature column is chosen; choose at least one of: {_names(chosen.columns.numeric)}")
    if chosen.read_as == "distances":
        return _distance_dataset(table, chosen, options, notes)
    return _observation_dataset(table, chosen, options, notes)


def _column_notes(table: Table, chosen: Plan) -> list[str]:
    parts = [f"Column '{chosen.label}' labels the samples"] if chosen.label else []
    left_out = [c for c in chosen.columns.other if c != chosen.label]
    if left_out:
        parts.append(f"non-numeric column(s) {_names(left_out)} left out of the features")
    notes = ["; ".join(parts)[0].upper() + "; ".join(parts)[1:] + "."] if parts else []
    if chosen.columns.empty:
        notes.append(f"Empty column(s) {_names(chosen.columns.empty)} left out.")
    return notes


def _observation_dataset(table: Table, chosen: Plan, options: LoadOptions, notes: list[str]) -> Dataset:
    frame = table.frame
    values = frame[list(chosen.features)].to_numpy(dtype=float, na_value=np.nan)
    names = _label_values(frame, chosen.label) if chosen.label else None
    classes = _class_values(frame, chosen.classes)
    if chosen.auto_reading and chosen.detection.possible:
        notes.append(
            f"{chosen.detection.reason}, so it is read as samples × features; if it holds distances, "
            "choose 'distance matrix' under Read as."
        )
    bad = ~np.isfinite(values)
    if bad.any():
        where = _where(table, bad, chosen.features, names)
        if options.missing == "drop":
            keep = ~bad.any(axis=1)
            if keep.sum() < 2:
                raise DataError(_too_few_complete(table, bad, chosen.features, int(keep.sum())))
            values = values[keep]
            names = tuple(np.asarray(names, dtype=object)[keep]) if names is not None else None
            classes = tuple(np.asarray(classes, dtype=object)[keep]) if classes is not None else None
            notes.append(
                f"Dropped {int((~keep).sum())} row(s) with {int(bad.sum())} missing or infinite value(s): {where}. "
                f"Choose '{MISSING_POLICIES['mean']}' to keep them."
            )
        else:
            values = _fill_with_means(values, bad, chosen.features)
            notes.append(f"Filled {int(bad.sum())} missing or infinite value(s) with the column mean: {where}.")
    if values.shape[0] < 2:
        raise DataError(
            f"{table.filename} has {values.shape[0]} row(s) of data; clustering needs at least 2 samples, add rows"
        )
    scaled = scale_columns(values, options.scaling)
    _check_magnitude(scaled, chosen.features)
    notes.extend(_scaling_notes(values, chosen.features, options.scaling))
    return Dataset(
        name=_dataset_name(table),
        features=scaled,
        feature_names=chosen.features,
        sample_names=names,
        notes=tuple(notes),
        provenance=_provenance(table, chosen, options.missing, options.scaling, distance_matrix=False),
        classes=classes,
    )


def _distance_dataset(table: Table, chosen: Plan, options: LoadOptions, notes: list[str]) -> Dataset:
    frame = table.frame
    values = frame[list(chosen.features)].to_numpy(dtype=float, na_value=np.nan)
    labels = _label_values(frame, chosen.label) if chosen.label else None
    square = values.shape[0] == values.shape[1]
    if labels is None and square and not all(c.startswith(_DEFAULT_NAME_PREFIX) for c in chosen.features):
        labels = chosen.features  # a matrix with only a header row: the column names name the samples
    try:
        distances = condensed_distances(values, labels if square else None)
    except DataError as error:
        if chosen.auto_reading:
            raise DataError(
                f"{chosen.detection.reason.lower()}, so it was read as a distance matrix, but {error}. "
                "To read it as samples × features instead, choose that under Read as"
            ) from error
        raise
    n = values.shape[0] if square else int(round((1 + np.sqrt(1 + 8 * distances.size)) / 2))
    how = "found" if chosen.auto_reading else "chosen"
    notes.append(
        f"Read as a distance matrix of {n} samples ({how}: {chosen.detection.reason.lower()}). "
        "Methods that need coordinates (ward, centroid, median) are off; the scatter is an MDS map."
    )
    if options.scaling != "none":
        notes.append("Scaling does not apply to a distance matrix; the distances are used as they are.")
    return Dataset(
        name=_dataset_name(table),
        features=np.empty((n, 0)),
        feature_names=(),
        sample_names=tuple(labels) if labels is not None and square else None,
        notes=tuple(notes),
        distances=distances,
        provenance=_provenance(table, chosen, options.missing, "none", distance_matrix=True),
        classes=_class_values(frame, chosen.classes) if square else None,
    )


def _provenance(table: Table, chosen: Plan, missing: str, scaling: str, distance_matrix: bool) -> dict:
    return {
        "source": "file",
        "filename": table.filename,
        "format": table.format,
        "read_kwargs": dict(table.read_kwargs),
        "reset_index": table.reset_index,
        "feature_columns": list(chosen.features),
        "label_column": chosen.label,
        "class_column": chosen.classes,
        "missing": missing,
        "scaling": scaling,
        "distance_matrix": distance_matrix,
    }


def _dataset_name(table: Table) -> str:
    return f"{table.filename} [{table.sheet}]" if len(table.sheets) > 1 else table.filename


def _label_values(frame: pd.DataFrame, label: str) -> tuple[str, ...]:
    """Each row's label as text; a missing one is ``(row i)``, 1-based.

    A text column is taken as it is (one conversion, no Python call per
    value: a million labels take about 0.05 s); other columns go through
    :func:`_label_text`.
    """
    values = frame[label]
    missing = values.isna().to_numpy()
    if pd.api.types.is_string_dtype(values.dtype) and not isinstance(values.dtype, pd.CategoricalDtype):
        texts = values.to_numpy(dtype=object, na_value=None, copy=True)
        if values.dtype == object and not all(isinstance(v, str) for v in texts[~missing]):
            texts = np.array([_label_text(v) for v in texts], dtype=object)
    else:
        texts = np.array([_label_text(v) for v in values.astype(object).tolist()], dtype=object)
    for i in np.flatnonzero(missing).tolist():
        texts[i] = f"(row {i + 1})"
    return tuple(texts.tolist())


def _class_values(frame: pd.DataFrame, column: str | None) -> tuple[str, ...] | None:
    """The true class of each row as text; a missing class is the class "(missing)"."""
    if column is None:
        return None
    return tuple("(missing)" if pd.isna(v) else _label_text(v) for v in frame[column].astype(object).tolist())


def _label_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _where(table: Table, bad: np.ndarray, features: tuple[str, ...], names) -> str:
    """Rows and columns of the bad cells: ``line 5 (y), line 9 (x, y)``."""
    rows = np.flatnonzero(bad.any(axis=1))
    parts = []
    for row in rows[:MAX_NAMED]:
        columns = ", ".join(features[j] for j in np.flatnonzero(bad[row]))
        label = f" '{names[row]}'" if names is not None else ""
        parts.append(f"{table.row_name(int(row))}{label} ({columns})")
    more = rows.size - MAX_NAMED
    return ", ".join(parts) + (f" and {more} more row(s)" if more > 0 else "")


def _too_few_complete(table: Table, bad: np.ndarray, features: tuple[str, ...], complete: int) -> str:
    counts = bad.sum(axis=0)
    worst = int(np.argmax(counts))
    n = bad.shape[0]
    advice = f"choose '{MISSING_POLICIES['mean']}'"
    if counts[worst] == n:
        return f"column '{features[worst]}' has no usable value in any of the {n} row(s); leave it out of the features"
    if counts[worst] > n / 2:
        advice += f", or leave out column '{features[worst]}' (missing in {int(counts[worst])} of {n} rows)"
    return (
        f"{table.filename} has {complete} complete row(s) (without missing or infinite values); clustering needs "
        f"at least 2. Fill in the missing values, or {advice}"
    )


def _fill_with_means(values: np.ndarray, bad: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    filled = values.copy()
    for j in np.flatnonzero(bad.any(axis=0)):
        good = values[~bad[:, j], j]
        if good.size == 0:
            raise DataError(
                f"column '{features[j]}' has no usable value to take a mean of; leave it out of the features"
            )
        big = np.abs(good).max() or 1.0
        filled[bad[:, j], j] = big * np.mean(good / big)
    return filled


def scale_columns(values: np.ndarray, scaling: str) -> np.ndarray:
    """Scale each column as ``sklearn.preprocessing`` would.

    Parameters
    ----------
    values : ndarray of shape (n, m), finite
    scaling : str
        ``"none"``; ``"standardize"``: ``(x - mean) / std`` with the
        population standard deviation (``StandardScaler``); ``"minmax"``:
        ``(x - min) / (max - min)`` (``MinMaxScaler``). A constant column
        becomes 0 in both, as in scikit-learn.

    Returns
    -------
    ndarray of shape (n, m)
    """
    if scaling not in SCALINGS:
        raise DataError(f"unknown scaling {scaling!r}; choose one of: {', '.join(SCALINGS)}")
    values = np.asarray(values, dtype=float)
    if scaling == "none" or values.size == 0:
        return values
    big = np.abs(values).max(axis=0)
    # Huge columns are divided down first so that squares and ranges stay finite.
    factor = np.where(big > LARGEST_VALUE, big, 1.0)
    shrunk = values / factor
    if scaling == "standardize":
        centre = shrunk.mean(axis=0)
        spread = shrunk.std(axis=0)
    else:
        centre = shrunk.min(axis=0)
        spread = shrunk.max(axis=0) - centre
    spread = np.where(spread > 0, spread, 1.0)
    return (shrunk - centre) / spread


def _check_magnitude(values: np.ndarray, features: tuple[str, ...]) -> None:
    magnitude = np.abs(values)
    if magnitude.size and magnitude.max() > LARGEST_VALUE:
        row, column = np.unravel_index(int(np.argmax(magnitude)), magnitude.shape)
        raise DataError(
            f"column '{features[column]}' holds values as large as {values[row, column]:.3g}; distances between "
            f"samples would overflow. Choose z-score or min-max scaling, or divide the column by a power of ten"
        )


def _scaling_notes(values: np.ndarray, features: tuple[str, ...], scaling: str) -> list[str]:
    if scaling == "standardize":
        return ["Each feature is scaled to mean 0 and standard deviation 1 (z-score)."]
    if scaling == "minmax":
        return ["Each feature is scaled to the range 0 to 1 (min-max)."]
    note = spread_warning(values, features)
    return [note] if note else []


def spread_warning(values: np.ndarray, features: tuple[str, ...]) -> str | None:
    """A warning when the features' standard deviations differ by more than :data:`SPREAD_RATIO_WARNING`.

    Columns with no spread at all are ignored (they add nothing to distances).
    """
    if values.shape[1] < 2 or values.shape[0] < 2:
        return None
    big = np.abs(values).max(axis=0)
    big = np.where(big > 0, big, 1.0)
    spread = (values / big).std(axis=0) * big
    varying = np.flatnonzero(spread > 0)
    if varying.size < 2:
        return None
    largest = varying[np.argmax(spread[varying])]
    smallest = varying[np.argmin(spread[varying])]
    with np.errstate(over="ignore"):
        ratio = spread[largest] / spread[smallest]
    if ratio <= SPREAD_RATIO_WARNING:
        return None
    times = f"{ratio:,.0f}" if ratio < 1e6 else "over 1,000,000"
    return (
        f"Column '{features[largest]}' spreads {times}x more than '{features[smallest]}' (standard deviation "
        f"{spread[largest]:.3g} vs {spread[smallest]:.3g}), so without scaling it will dominate the distances; "
        f"choose {SCALINGS['standardize']} or {SCALINGS['minmax']} scaling to weigh the columns equally."
    )


def with_scaling(dataset: Dataset, scaling: str) -> Dataset:
    """A dataset (such as a built-in) with its features scaled, noted and recorded in its provenance."""
    if dataset.is_distance_matrix:
        return dataset
    scaled = scale_columns(dataset.features, scaling)
    units = dataset.provenance.get("units")
    if units:  # one scale for every column (pixels): scaling would only blow up the near-blank ones
        advice = "scaling them is not advised" if scaling == "none" else "scaling them is not advised, but it is on"
        scaling_notes = [f"Every column is in the same units ({units}): {advice}."]
    else:
        scaling_notes = _scaling_notes(dataset.features, dataset.feature_names, scaling)
    notes = [*dataset.notes, *scaling_notes]
    return replace(dataset, features=scaled, notes=tuple(notes), provenance={**dataset.provenance, "scaling": scaling})


def _names(items) -> str:
    items = list(items)
    shown = ", ".join(f"'{i}'" for i in items[:MAX_NAMED])
    return f"{shown} and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else shown
