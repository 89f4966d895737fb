"""From a read table to a dataset: feature and label columns, missing values, scaling, provenance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from loaders import AUTO, DataError, LoadOptions, default_options, load_builtin, parse_file, plan, prepare, with_scaling
from loaders.prepare import LARGEST_VALUE, scale_columns, spread_warning

MIXED = b"id,kind,a,b,c\np,u,1,10,100\nq,u,2,,300\nr,v,3,30,200\ns,v,4,40,inf\nt,w,5,50,500\n"


def table(raw: bytes = MIXED, name: str = "mixed.csv"):
    return parse_file(raw, name)


# --- columns --------------------------------------------------------------------


def test_default_features_are_the_numeric_columns_and_the_label_is_the_unique_text_column():
    chosen = plan(table(), LoadOptions())
    assert chosen.features == ("a", "b", "c")
    assert chosen.label == "id"
    assert chosen.columns.other == ("id", "kind")


def test_default_options_are_resolved_for_the_controls():
    options = default_options(table())
    assert options == LoadOptions(
        feature_columns=("a", "b", "c"), label_column="id", missing="drop", scaling="none", read_as="observations"
    )


def test_chosen_features_in_the_chosen_order():
    dataset = prepare(table(), LoadOptions(feature_columns=("c", "a")))
    assert dataset.feature_names == ("c", "a")
    np.testing.assert_array_equal(dataset.features[:, 1], [1, 2, 3, 5])  # only row s (c = inf) dropped


def test_no_label_column_uses_row_numbers():
    dataset = prepare(table(), LoadOptions(label_column=None))
    assert dataset.sample_names is None
    assert dataset.sample_label(0) == "0"


def test_a_numeric_label_column_is_taken_out_of_the_features():
    raw = b"code,x,y\n101,1,2\n102,3,4\n103,5,7\n"
    dataset = prepare(table(raw), LoadOptions(feature_columns=("code", "x", "y"), label_column="code"))
    assert dataset.feature_names == ("x", "y")
    assert dataset.sample_names == ("101", "102", "103")
    assert any("'code' labels the samples, so it is not a feature" in note for note in dataset.notes)


def test_a_repeated_label_column_can_be_chosen():
    dataset = prepare(table(), LoadOptions(label_column="kind"))
    assert dataset.sample_names == ("u", "v", "w")


def test_text_columns_other_than_the_label_are_named_in_a_note():
    dataset = prepare(table(), LoadOptions())
    assert any("non-numeric column(s) 'kind' left out" in note for note in dataset.notes)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (LoadOptions(feature_columns=("a", "nope")), "there is no column 'nope'"),
        (LoadOptions(feature_columns=("a", "kind")), "'kind' do not hold numbers"),
        (LoadOptions(feature_columns=()), "no feature column is chosen"),
        (LoadOptions(label_column="nope"), "no column 'nope' to label"),
        (LoadOptions(missing="zero"), "unknown missing values option 'zero'"),
        (LoadOptions(scaling="log"), "unknown scaling option 'log'"),
        (LoadOptions(read_as="graph"), "unknown read as option 'graph'"),
    ],
)
def test_bad_choices_are_refused_with_the_valid_ones(options, fragment):
    with pytest.raises(DataError, match=fragment):
        prepare(table(), options)


def test_label_values_keep_integers_as_integers_and_name_missing_ones():
    raw = b"tag,x\n1,1\n2,2\n,3\n"
    dataset = prepare(table(raw), LoadOptions(feature_columns=("x",), label_column="tag"))
    assert dataset.sample_names == ("1", "2", "(row 3)")


def test_text_label_values_are_the_cells_as_written_and_missing_ones_are_named():
    raw = b"name,x\nalpha,1\n,2\n=cmd(),3\n007,4\n"
    dataset = prepare(table(raw), LoadOptions(feature_columns=("x",), label_column="name"))
    assert dataset.sample_names == ("alpha", "(row 2)", "=cmd()", "007")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (pd.Series(["a", 3, 4.0, 2.5, None, True], dtype=object), ("a", "3", "4", "2.5", "(row 5)", "True")),
        (pd.Series(pd.Categorical(["p", None, "q"])), ("p", "(row 2)", "q")),
        (pd.Series(pd.array(["u", pd.NA], dtype="string")), ("u", "(row 2)")),
    ],
)
def test_label_values_of_any_column_kind_read_one_text_per_row(values, expected):
    from loaders.prepare import _label_values

    assert _label_values(pd.DataFrame({"tag": values}), "tag") == expected


# --- missing and infinite values -------------------------------------------------


def test_drop_says_how_many_and_where():
    dataset = prepare(table(), LoadOptions())
    assert dataset.n_samples == 3
    assert dataset.sample_names == ("p", "r", "t")
    (note,) = [n for n in dataset.notes if n.startswith("Dropped")]
    assert "Dropped 2 row(s) with 2 missing or infinite value(s): line 3 'q' (b), line 5 's' (c)" in note
    assert "fill with mean" in note


def test_mean_fills_with_the_mean_of_the_finite_values():
    dataset = prepare(table(), LoadOptions(missing="mean"))
    assert dataset.n_samples == 5
    np.testing.assert_allclose(dataset.features[1], [2, np.mean([10, 30, 40, 50]), 300])
    np.testing.assert_allclose(dataset.features[3], [4, 40, np.mean([100, 300, 200, 500])])
    assert any(n.startswith("Filled 2 missing or infinite value(s) with the column mean") for n in dataset.notes)


@pytest.mark.parametrize("missing", ["drop", "mean"])
def test_no_missing_or_infinite_value_reaches_the_features(missing):
    dataset = prepare(table(), LoadOptions(missing=missing))
    assert np.isfinite(dataset.features).all()


def test_a_chosen_column_without_any_value_is_named():
    raw = b"x,y,z\n1,2,\n3,4,\n5,6,\n"
    with pytest.raises(DataError, match="column\\(s\\) 'z' are empty"):
        prepare(table(raw), LoadOptions(feature_columns=("x", "z"), missing="mean"))


def test_an_empty_column_is_left_out_by_default_with_a_note():
    dataset = prepare(table(b"x,y,z\n1,2,\n3,4,\n5,6,\n"), LoadOptions())
    assert dataset.feature_names == ("x", "y")
    assert any("Empty column(s) 'z' left out" in note for note in dataset.notes)


def test_too_few_complete_rows_suggests_the_mean_and_the_worst_column():
    raw = b"x,y\n1,\n2,\n3,5\n4,\n"
    with pytest.raises(DataError, match=r"1 complete row\(s\).*leave out column 'y' \(missing in 3 of 4 rows\)"):
        prepare(table(raw), LoadOptions())


# --- scaling --------------------------------------------------------------------

VALUES = np.array([[1.0, 200, 5], [2, 100, 5], [4, 400, 5], [8, 300, 5]])


def test_standardize_matches_sklearn_standard_scaler():
    np.testing.assert_allclose(scale_columns(VALUES, "standardize"), StandardScaler().fit_transform(VALUES))


def test_minmax_matches_sklearn_minmax_scaler():
    np.testing.assert_allclose(scale_columns(VALUES, "minmax"), MinMaxScaler().fit_transform(VALUES))


def test_none_leaves_values_alone():
    np.testing.assert_array_equal(scale_columns(VALUES, "none"), VALUES)


@pytest.mark.parametrize("scaling", ["standardize", "minmax"])
def test_huge_values_scale_without_overflow(scaling):
    huge = np.array([[1e308, 1], [-1e308, 2], [0, 3]])
    scaled = scale_columns(huge, scaling)
    assert np.isfinite(scaled).all()
    reference = (StandardScaler() if scaling == "standardize" else MinMaxScaler()).fit_transform(huge / [1e308, 1])
    np.testing.assert_allclose(scaled, reference)


def test_scaled_dataset_records_the_scaling():
    dataset = prepare(table(), LoadOptions(scaling="standardize"))
    np.testing.assert_allclose(dataset.features.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(dataset.features.std(axis=0), 1)
    assert dataset.provenance["scaling"] == "standardize"


def test_values_too_large_for_distances_are_refused_unless_scaled():
    raw = b"x,y\n1e200,1\n-1e200,2\n0,3\n"
    with pytest.raises(DataError, match="column 'x' holds values as large as 1e\\+200"):
        prepare(table(raw), LoadOptions())
    assert prepare(table(raw), LoadOptions(scaling="minmax")).features.max() == 1
    assert np.finfo(float).max > LARGEST_VALUE**2


def test_spread_warning_names_the_dominating_column():
    note = spread_warning(VALUES, ("a", "b", "c"))
    assert note.startswith("Column 'b' spreads 42x more than 'a'")
    assert "without scaling it will dominate the distances" in note


def test_no_spread_warning_within_ten_times():
    assert spread_warning(np.array([[1.0, 10], [2, 20], [3, 28]]), ("a", "b")) is None


def test_spread_warning_only_without_scaling():
    raw = b"a,b\n1,100\n2,300\n3,200\n"
    assert any("dominate" in note for note in prepare(table(raw), LoadOptions()).notes)
    assert not any("dominate" in note for note in prepare(table(raw), LoadOptions(scaling="minmax")).notes)


def test_builtin_wine_warns_and_scales():
    wine = with_scaling(load_builtin("wine"), "none")
    assert any(note.startswith("Column 'proline' spreads") and "dominate" in note for note in wine.notes)
    scaled = with_scaling(load_builtin("wine"), "standardize")
    np.testing.assert_allclose(scaled.features, StandardScaler().fit_transform(load_builtin("wine").features))
    assert scaled.provenance == {"source": "builtin", "key": "wine", "scaling": "standardize"}


# --- provenance -------------------------------------------------------------------


def test_provenance_fills_every_key_of_the_contract():
    dataset = prepare(parse_file(b"id;x;y\na;1,5;2\nb;3;4\nc;5;6\n", "e.csv"), LoadOptions(scaling="minmax"))
    assert dataset.provenance == {
        "source": "file",
        "filename": "e.csv",
        "format": "csv",
        "read_kwargs": {"sep": ";", "encoding": "utf-8", "skipinitialspace": True, "index_col": False, "decimal": ","},
        "reset_index": False,
        "feature_columns": ["x", "y"],
        "label_column": "id",
        "class_column": None,
        "missing": "drop",
        "scaling": "minmax",
        "distance_matrix": False,
    }


def test_a_class_column_is_never_a_feature_and_follows_dropped_rows():
    raw = b"name,x,y,kind\na,1,2,p\nb,,4,q\nc,5,6,q\nd,7,8,p\n"
    dataset = prepare(parse_file(raw, "k.csv"), LoadOptions(class_column="kind"))
    assert dataset.feature_names == ("x", "y")
    assert dataset.classes == ("p", "q", "p")  # row b is dropped with its class
    assert dataset.provenance["class_column"] == "kind"
    numeric = prepare(parse_file(b"x,y,c\n1,2,1\n3,4,2\n5,6,1\n", "n.csv"), LoadOptions(class_column="c"))
    assert numeric.feature_names == ("x", "y") and numeric.classes == ("1", "2", "1")
    with pytest.raises(DataError, match="no column 'nope' of true classes"):
        prepare(parse_file(raw, "k.csv"), LoadOptions(class_column="nope"))


def test_auto_label_is_recorded_as_the_resolved_column():
    assert LoadOptions().label_column == AUTO
    assert prepare(table(), LoadOptions()).provenance["label_column"] == "id"
