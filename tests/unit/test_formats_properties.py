"""Property tests: random bytes and random tables give a dataset or a DataError, nothing else."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import DataError, LoadOptions, parse_file, prepare

NAMES = st.sampled_from(["data.csv", "data.tsv", "data.txt", "data.json", "data.xlsx", "data.parquet", "noext"])
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(raw: bytes, name: str, options: LoadOptions | None = None):
    """A dataset whose values are all finite, or a DataError; any other exception fails the test."""
    try:
        dataset = prepare(parse_file(raw, name), options or LoadOptions())
    except DataError as error:
        assert str(error), "a DataError must say what is wrong"
        return None
    assert dataset.n_samples >= 2
    assert np.isfinite(dataset.features).all()
    if dataset.is_distance_matrix:
        assert np.isfinite(dataset.distances).all() and (dataset.distances >= 0).all()
    return dataset


MAGIC = st.sampled_from([b"", b"PK\x03\x04", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe", b"[", b"{", b"x,y\n"])


@PROPERTY_SETTINGS
@given(prefix=MAGIC, body=st.binary(max_size=600), name=NAMES)
def test_random_bytes_give_a_table_or_a_data_error(prefix, body, name):
    load(prefix + body, name)


TEXTISH = st.text(alphabet=st.sampled_from(list("0123456789.,;|\t\n -eEinfaNx\"'")), max_size=400)


@PROPERTY_SETTINGS
@given(text=TEXTISH, name=NAMES)
def test_random_delimited_text_gives_a_table_or_a_data_error(text, name):
    load(text.encode(), name)


CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
    st.none(),
)


@st.composite
def tables(draw):
    n_cols = draw(st.integers(1, 5))
    n_rows = draw(st.integers(0, 8))
    columns = draw(st.lists(st.text(alphabet="abcxyzÄé _1", min_size=1, max_size=6), min_size=n_cols, max_size=n_cols))
    data = {f"{name}{i}": draw(st.lists(CELLS, min_size=n_rows, max_size=n_rows)) for i, name in enumerate(columns)}
    return pd.DataFrame(data)


def write(frame: pd.DataFrame, fmt: str, sep: str, decimal: str, encoding: str, header: bool) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if fmt == "csv":
        text = frame.to_csv(sep=sep, decimal=decimal, index=False, header=header)
        return text.encode(encoding, errors="replace"), "t.csv"
    if fmt == "json":
        return frame.to_json(orient="records").encode(), "t.json"
    if fmt == "parquet":
        frame.astype(str).to_parquet(buffer)  # mixed object columns need one type
        return buffer.getvalue(), "t.parquet"
    frame.to_excel(buffer, index=False, header=header)
    return buffer.getvalue(), "t.xlsx"


@PROPERTY_SETTINGS
@given(
    frame=tables(),
    fmt=st.sampled_from(["csv", "csv", "json", "parquet", "xlsx"]),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    decimal=st.sampled_from([".", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    header=st.booleans(),
    missing=st.sampled_from(["drop", "mean"]),
    scaling=st.sampled_from(["none", "standardize", "minmax"]),
)
def test_random_tables_give_a_dataset_or_a_data_error(frame, fmt, sep, decimal, encoding, header, missing, scaling):
    if decimal == "," and sep == ",":
        decimal = "."
    raw, name = write(frame, fmt, sep, decimal, encoding, header)
    load(raw, name, LoadOptions(missing=missing, scaling=scaling))


@PROPERTY_SETTINGS
@given(
    values=st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=4), min_size=2, max_size=12
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_clean_numeric_tables_round_trip_exactly(values, sep):
    frame = pd.DataFrame(values, columns=[f"f{i}" for i in range(len(values[0]))])
    decimal = "," if sep == ";" else "."
    raw = frame.to_csv(sep=sep, decimal=decimal, index=False).encode()
    dataset = load(raw, "clean.csv", LoadOptions(read_as="observations"))
    assert dataset is not None
    np.testing.assert_array_equal(dataset.features, frame.to_numpy())
