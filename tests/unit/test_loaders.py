"""Built-in datasets, uploaded tables and the dataset fingerprint."""

import base64

import numpy as np
import pytest

from loaders import BUILTIN_DATASETS, DEFAULT_DATASET, DataError, Dataset, decode_upload, load_builtin, read_table

EXPECTED_SHAPES = {
    "classic": (150, 2),
    "classic-harder": (750, 2),
    "blobs": (300, 2),
    "moons": (200, 2),
    "iris": (150, 4),
    "wine": (178, 13),
    "digits": (1797, 64),
    "china": (2000, 3),  # 2,000 of the picture's pixels (R, G, B) build the tree
    "flower": (2000, 3),
}


def data_url(raw: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


# Built-in datasets


def test_expected_shapes_cover_every_builtin_dataset():
    assert set(EXPECTED_SHAPES) == set(BUILTIN_DATASETS)


@pytest.mark.parametrize(("key", "shape"), sorted(EXPECTED_SHAPES.items()))
def test_builtin_dataset_loads_with_expected_shape(key, shape):
    dataset = load_builtin(key)
    assert dataset.features.shape == shape
    assert dataset.features.dtype == np.float64
    assert len(dataset.feature_names) == shape[1]
    assert np.isfinite(dataset.features).all()
    assert dataset.n_samples == shape[0]
    assert dataset.n_features == shape[1]


@pytest.mark.parametrize("key", sorted(EXPECTED_SHAPES))
def test_builtin_dataset_is_the_same_on_every_load(key):
    assert load_builtin(key).fingerprint == load_builtin(key).fingerprint


def test_builtin_registry_keys_match_entries_and_default_exists():
    for key, entry in BUILTIN_DATASETS.items():
        assert entry.key == key
        assert entry.title and entry.description
    assert DEFAULT_DATASET in BUILTIN_DATASETS


def test_classic_harder_starts_with_the_classic_points():
    harder = load_builtin("classic-harder").features
    np.testing.assert_array_equal(harder[:150], load_builtin("classic").features)


def test_unknown_builtin_key_raises_data_error_listing_valid_keys():
    with pytest.raises(DataError, match="unknown dataset 'claSSic'") as caught:
        load_builtin("claSSic")
    for key in BUILTIN_DATASETS:
        assert key in str(caught.value)


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


# read_table: delimiters and encodings


@pytest.mark.parametrize(
    "raw",
    [
        b"x,y\n1,2\n3,4.5\n-1,0\n",
        b"x;y\n1;2\n3;4.5\n-1;0\n",
        b"x\ty\n1\t2\n3\t4.5\n-1\t0\n",
        b"x|y\n1|2\n3|4.5\n-1|0\n",
        b"x, y\n1, 2\n3, 4.5\n-1, 0\n",
        b"x,y\r\n1,2\r\n3,4.5\r\n-1,0\r\n",
    ],
    ids=["comma", "semicolon", "tab", "pipe", "comma-space", "crlf"],
)
def test_read_table_parses_common_delimiters(raw):
    dataset = read_table(raw, "data.csv")
    assert dataset.feature_names == ("x", "y")
    np.testing.assert_array_equal(dataset.features, [[1, 2], [3, 4.5], [-1, 0]])
    assert dataset.sample_names is None
    assert all("dropped" not in note.lower() and "left out" not in note for note in dataset.notes)
    assert dataset.name == "data.csv"


def test_plain_comma_file_gets_no_reading_note():
    assert read_table(b"x,y\n1,2\n3,4.5\n-1,0\n", "plain.csv").notes == ()


@pytest.mark.parametrize(("raw", "word"), [(b"x;y\n1;2\n3;4\n", "semicolon"), (b"x\ty\n1\t2\n3\t4\n", "tab")])
def test_other_delimiters_are_named_in_a_note(raw, word):
    (note,) = read_table(raw, "data.csv").notes
    assert note.startswith(f"Read as {word}-separated")


def test_read_table_strips_utf8_byte_order_mark_from_first_header():
    dataset = read_table(b"\xef\xbb\xbfx,y\n1,2\n3,4\n", "bom.csv")
    assert dataset.feature_names == ("x", "y")


def test_read_table_decodes_cp1252_text():
    raw = "name,size\nCaf\u00e9,1\nna\u00efve,2\n\u20acuro,3\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    dataset = read_table(raw, "cp1252.csv")
    assert dataset.sample_names == ("Caf\u00e9", "na\u00efve", "\u20acuro")


def test_read_table_decodes_utf8_text_labels():
    raw = "name,size\nZ\u00fcrich,1\n\u6771\u4eac,2\n".encode()
    assert read_table(raw, "utf8.csv").sample_names == ("Z\u00fcrich", "\u6771\u4eac")


# read_table: columns and rows


def test_unique_text_column_becomes_sample_names():
    dataset = read_table(b"id,x,y\na,1,2\nb,3,4\nc,5,6\n", "labels.csv")
    assert dataset.sample_names == ("a", "b", "c")
    assert dataset.feature_names == ("x", "y")
    assert any("'id' labels the samples" in note for note in dataset.notes)
    assert dataset.sample_label(1) == "b"


def test_sample_label_is_the_row_index_without_label_column():
    assert read_table(b"x,y\n1,2\n3,4\n", "plain.csv").sample_label(1) == "1"


def test_other_text_columns_are_left_out_with_a_note_naming_them():
    raw = b"id,species,x,colour,y\na,cat,1,red,2\nb,cat,3,red,4\nc,dog,5,blue,6\n"
    dataset = read_table(raw, "mixed.csv")
    assert dataset.feature_names == ("x", "y")
    assert dataset.sample_names == ("a", "b", "c")
    left_out = [note for note in dataset.notes if "left out" in note]
    assert len(left_out) == 1
    named = left_out[0].split("non-numeric column(s)")[1]
    assert "'species'" in named and "'colour'" in named
    assert "'id'" not in named


def test_text_column_with_repeated_values_is_not_a_label_column():
    dataset = read_table(b"kind,x\nu,1\nu,2\nv,3\n", "repeated.csv")
    assert dataset.sample_names is None
    assert any("kind" in note and "left out" in note for note in dataset.notes)


def test_rows_with_missing_values_are_dropped_with_a_note():
    raw = b"id,x,y\na,1,2\nb,,4\nc,5,6\nd,7,NA\ne,9,10\n"
    dataset = read_table(raw, "gaps.csv")
    np.testing.assert_array_equal(dataset.features, [[1, 2], [5, 6], [9, 10]])
    assert dataset.sample_names == ("a", "c", "e")
    (note,) = [note for note in dataset.notes if "Dropped" in note]
    assert "2 row(s)" in note


def test_fewer_than_two_complete_rows_is_refused():
    with pytest.raises(DataError, match="at least 2"):
        read_table(b"x,y\n1,2\n3,\n", "short.csv")


def test_trailing_delimiter_does_not_drop_every_row():
    dataset = read_table(b"x,y,\n1,2,\n3,4,\n5,6,\n", "trailing.csv")
    assert dataset.features.shape == (3, 2)


# read_table: refusals


def test_all_text_table_is_refused_with_no_numeric_column():
    with pytest.raises(DataError, match="no numeric column"):
        read_table(b"a,b\nfoo,bar\nbaz,qux\n", "text.csv")


def test_read_table_of_a_labelled_distance_matrix_detects_it():
    dataset = read_table(b",a,b,c\na,0,1,2\nb,1,0,3\nc,2,3,0\n", "dist.csv")
    assert dataset.is_distance_matrix
    np.testing.assert_array_equal(dataset.distances, [1, 2, 3])
    assert dataset.sample_names == ("a", "b", "c")
    assert dataset.features.shape == (3, 0)


def test_decimal_comma_table_is_read_with_comma_as_decimal_mark():
    dataset = read_table(b"x;y\n1,5;2,5\n3,5;4,5\n5;6\n", "decimal-comma.csv")
    np.testing.assert_array_equal(dataset.features, [[1.5, 2.5], [3.5, 4.5], [5, 6]])
    assert dataset.provenance["read_kwargs"]["decimal"] == ","


def test_header_only_table_is_refused():
    with pytest.raises(DataError, match="no data rows"):
        read_table(b"x,y\n", "header.csv")


@pytest.mark.parametrize("raw", [b"", b"\n\n"])
def test_empty_table_is_refused(raw):
    with pytest.raises(DataError, match="empty.csv is empty"):
        read_table(raw, "empty.csv")


def test_ragged_rows_are_refused():
    with pytest.raises(DataError, match="same number of fields"):
        read_table(b"x,y\n1,2\n3,4,5\n", "ragged.csv")


def test_binary_garbage_with_nul_bytes_is_refused():
    garbage = bytes(range(256)) * 4
    with pytest.raises(DataError, match="binary"):
        read_table(garbage, "image.png")


def test_data_error_messages_name_the_file():
    with pytest.raises(DataError, match="^my-file.csv "):
        read_table(b"a,b\nfoo,bar\n", "my-file.csv")


# decode_upload


def test_decode_upload_returns_the_file_bytes():
    raw = b"x,y\n1,2\n3,4\n"
    assert decode_upload(data_url(raw), "ok.csv", max_bytes=1_000_000) == raw


def test_decode_upload_refuses_file_over_limit_naming_limit_in_mb():
    raw = b"1,2\n" * 500_000  # 2 MB
    with pytest.raises(DataError, match="the limit is 1 MB") as caught:
        decode_upload(data_url(raw), "big.csv", max_bytes=1_000_000)
    assert "big.csv" in str(caught.value)
    assert "2.0 MB" in str(caught.value)


def test_decode_upload_accepts_file_exactly_at_limit():
    raw = b"x" * 999
    assert decode_upload(data_url(raw), "edge.csv", max_bytes=999) == raw


def test_decode_upload_refuses_file_one_byte_over_limit():
    with pytest.raises(DataError):
        decode_upload(data_url(b"x" * 1001), "edge.csv", max_bytes=1000)


@pytest.mark.parametrize("raw", [b"", b"  \n\t\n"])
def test_decode_upload_refuses_empty_file(raw):
    with pytest.raises(DataError, match="empty.csv is empty"):
        decode_upload(data_url(raw), "empty.csv", max_bytes=1_000_000)


@pytest.mark.parametrize("contents", [None, "", "not a data url"])
def test_decode_upload_refuses_contents_that_are_not_a_data_url(contents):
    with pytest.raises(DataError, match="did not arrive as a file"):
        decode_upload(contents, "odd.csv", max_bytes=1_000_000)


def test_upload_round_trip_through_read_table():
    raw = b"name;a;b;c\np;1;2;3\nq;4;5;6\n"
    dataset = read_table(decode_upload(data_url(raw), "t.csv", max_bytes=1_000), "t.csv")
    assert dataset.sample_names == ("p", "q")
    assert dataset.feature_names == ("a", "b", "c")


# fingerprint


def _dataset(features, names=("x", "y"), sample_names=None):
    features = np.asarray(features, dtype=float)
    return Dataset(name="any", features=features, feature_names=names, sample_names=sample_names)


def test_fingerprint_is_equal_for_equal_data():
    a = _dataset([[1, 2], [3, 4]])
    b = _dataset(np.array([[1, 2], [3, 4]], dtype=np.int64))
    assert a.fingerprint == b.fingerprint
    assert isinstance(a.fingerprint, str) and len(a.fingerprint) == 32


def test_fingerprint_ignores_the_dataset_name():
    a = Dataset(name="one", features=np.eye(2), feature_names=("x", "y"))
    b = Dataset(name="two", features=np.eye(2), feature_names=("x", "y"))
    assert a.fingerprint == b.fingerprint


def test_fingerprint_of_fortran_ordered_copy_is_equal():
    features = np.arange(6, dtype=float).reshape(3, 2)
    assert _dataset(features).fingerprint == _dataset(np.asfortranarray(features)).fingerprint


@pytest.mark.parametrize(
    "other",
    [
        _dataset([[1, 2], [3, 4.000001]]),
        _dataset([[3, 4], [1, 2]]),
        _dataset([[1, 2], [3, 4]], names=("a", "b")),
        _dataset([[1, 2], [3, 4]], sample_names=("p", "q")),
        Dataset(name="any", features=np.array([[1.0, 2.0, 3.0, 4.0]]), feature_names=("a", "b", "c", "d")),
    ],
    ids=["value", "row-order", "feature-names", "sample-names", "shape"],
)
def test_fingerprint_differs_for_different_data(other):
    assert _dataset([[1, 2], [3, 4]]).fingerprint != other.fingerprint


def test_fingerprint_differs_between_builtin_datasets():
    prints = {load_builtin(key).fingerprint for key in ("classic", "classic-harder", "blobs", "moons", "iris")}
    assert len(prints) == 5


def test_every_built_in_example_has_its_lesson():
    from loaders import BUILTIN_DATASETS

    for entry in BUILTIN_DATASETS.values():
        assert len(entry.lesson) > 40 and entry.lesson.endswith("."), entry.key


def test_digits_pixels_share_their_units_so_no_scaling_is_advised():
    from loaders import load_builtin, with_scaling

    notes = with_scaling(load_builtin("digits"), "none").notes
    assert notes == (
        "Every column is in the same units (pixel intensities from 0 to 16): scaling them is not advised.",
    )  # noqa: E501
    assert not any("z-score" in note for note in notes)
    assert "spreads" in with_scaling(load_builtin("wine"), "none").notes[0]  # wine's columns do not share units
