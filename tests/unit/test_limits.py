"""Caps on what a file may hold: refused early, with the number, the cap and the fix; nothing quadratic."""

from __future__ import annotations

import io
import json
import time
import zipfile
from dataclasses import fields
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import DEFAULT_LIMITS, DataError, Limits, LoadOptions, parse_file, prepare, read_table
from loaders.limits import (
    ENVIRONMENT,
    RATIO_FLOOR_BYTES,
    check_archive,
    check_cells,
    check_columns,
    check_names,
    check_rows,
    shorten_label,
)
from loaders.table import clashing_names

WIDE = 100_000
BOMB_MB = 200


def wide_csv(columns: int = WIDE, quoted: bool = False, header: bool = True) -> bytes:
    names = ",".join(f'"c{i}"' if quoted else f"c{i}" for i in range(columns))
    row = ",".join("1" for _ in range(columns))
    return ((names + "\n" if header else "") + row + "\n" + row + "\n").encode()


@pytest.fixture
def no_pandas_reader(monkeypatch):
    """Fail the test if pandas is asked to parse the file (the refusal must come before)."""

    def refuse(*args, **kwargs):
        raise AssertionError("pandas parsed a file that should have been refused before")

    for reader in ("read_csv", "read_parquet", "read_json", "ExcelFile"):
        monkeypatch.setattr(pd, reader, refuse)


# --- the limits ---------------------------------------------------------------------


def test_defaults_suit_a_classroom_server():
    expected = Limits(
        max_rows=2_000_000,
        max_columns=2_000,
        max_cells=50_000_000,
        max_name_chars=200,
        max_label_chars=200,
        max_uncompressed_mb=100,
        max_compression_ratio=100,
    )
    assert expected == DEFAULT_LIMITS


def test_every_limit_names_its_environment_variable():
    assert set(ENVIRONMENT) == {f.name for f in fields(Limits)}
    assert all(name.startswith("HCLUST_MAX_") for name in ENVIRONMENT.values())


@pytest.mark.parametrize("value", [0, -5, 2.5, True, "10"])
def test_a_limit_must_be_a_positive_whole_number(value):
    with pytest.raises(ValueError, match="HCLUST_MAX_COLUMNS must be a whole number of at least 1"):
        Limits(max_columns=value)


def test_reading_stops_one_row_past_the_rows_or_cells_cap():
    limits = Limits(max_rows=1_000, max_cells=10_000)
    assert limits.row_cap(5) == 1_001
    assert limits.row_cap(100) == 101
    assert limits.row_cap(0) == 1_001


def test_the_messages_name_the_number_the_limit_and_the_fix():
    with pytest.raises(DataError) as found:
        check_columns(100_000, "data.csv")
    assert str(found.value) == (
        "data.csv has 100,000 columns; up to 2,000 can be read: keep the columns you need, "
        "or ask the operator to raise HCLUST_MAX_COLUMNS"
    )
    with pytest.raises(DataError, match=r"data.csv has 3,000,000 rows; up to 2,000,000 .* HCLUST_MAX_ROWS"):
        check_rows(3_000_000, "data.csv")
    with pytest.raises(DataError, match=r"has more than 10 rows; up to 10 can be read"):
        check_rows(11, "data.csv", Limits(max_rows=10), more=True)
    with pytest.raises(DataError, match=r"has 60,000,000 cells \(30,000 rows of 2,000 columns\).*HCLUST_MAX_CELLS"):
        check_cells(30_000, 2_000, "data.csv")
    with pytest.raises(DataError, match=r"column 2 has a name of 201 characters \('yyyy.*HCLUST_MAX_NAME_CHARS"):
        check_names(["x", "y" * 201], "data.csv")
    check_columns(2_000, "data.csv")
    check_names(["x" * 200], "data.csv")


# --- delimited text: refused from the header line, before pandas parses -----------------


@pytest.mark.parametrize(
    "raw",
    [wide_csv(), wide_csv(quoted=True), wide_csv(header=False)],
    ids=["plain header", "quoted header", "no header"],
)
def test_a_file_with_100000_columns_is_refused_before_parsing(raw, no_pandas_reader):
    started = time.perf_counter()
    with pytest.raises(DataError) as found:
        parse_file(raw, "data.csv")
    elapsed = time.perf_counter() - started
    assert str(found.value) == (
        "data.csv has 100,000 columns; up to 2,000 can be read: keep the columns you need, "
        "or ask the operator to raise HCLUST_MAX_COLUMNS"
    )
    assert elapsed < 2, f"took {elapsed:.2f} s"  # about 0.03 s; before, minutes


def test_a_100000_character_column_name_is_refused_before_parsing(no_pandas_reader):
    raw = ("x" * 100_000 + ",b\n1,2\n3,4\n").encode()
    with pytest.raises(DataError, match=r"data.csv: column 1 has a name of 100,000 characters \('xxx"):
        parse_file(raw, "data.csv")


def test_a_name_at_the_limit_is_read():
    raw = ("x" * 200 + ",b\n1,2\n3,4\n").encode()
    assert parse_file(raw, "data.csv").frame.columns[0] == "x" * 200


def test_the_header_is_the_first_non_blank_line():
    raw = b"\n\n  \na,b,c\n1,2,3\n4,5,6\n"
    with pytest.raises(DataError, match="has 3 columns; up to 2"):
        parse_file(raw, "data.csv", limits=Limits(max_columns=2))
    assert list(parse_file(raw, "data.csv", limits=Limits(max_columns=3)).frame.columns) == ["a", "b", "c"]


def test_quoted_delimiters_and_decimal_commas_are_not_counted_as_columns():
    limits = Limits(max_columns=2)
    assert parse_file(b'"a,b",c\n1,2\n3,4\n', "data.csv", limits=limits).frame.shape == (2, 2)
    assert parse_file(b"a;b\n1,5;2,5\n3,5;4,5\n", "data.csv", limits=limits).frame.shape == (2, 2)


def test_rows_over_the_cap_are_refused_and_reading_stops_there():
    raw = ("a,b\n" + "1,2\n" * 1_000).encode()
    with pytest.raises(DataError) as found:
        parse_file(raw, "data.csv", limits=Limits(max_rows=100))
    assert str(found.value) == (
        "data.csv has more than 100 rows; up to 100 can be read: keep a sample of the rows, "
        "or ask the operator to raise HCLUST_MAX_ROWS"
    )
    assert parse_file(raw, "data.csv", limits=Limits(max_rows=1_000)).frame.shape == (1_000, 2)


def test_cells_over_the_cap_are_refused():
    raw = ("a,b,c\n" + "1,2,3\n" * 100).encode()
    with pytest.raises(DataError, match=r"has more than 200 cells \(3 columns of at least 67 rows\).*HCLUST_MAX_CELLS"):
        parse_file(raw, "data.csv", limits=Limits(max_cells=200))
    assert parse_file(raw, "data.csv", limits=Limits(max_cells=300)).frame.shape == (100, 3)


def test_the_cap_is_not_part_of_the_replayed_reader_arguments():
    table = parse_file(b"a,b\n1,2\n3,4\n", "data.csv", limits=Limits(max_rows=10))
    assert "nrows" not in table.read_kwargs


# --- clashing names: one pass, same rule as before ---------------------------------------


def old_clashes(names: list[str]) -> list[str]:
    """The rule before: quadratic (``names.count`` per column)."""
    return sorted({n for n in names if names.count(n) > 1})


@pytest.mark.parametrize(
    "names",
    [["a", "a", "a.1", "a"], ["x", "x "], ["b", "a", "b", "a", "c"], [], ["only"], ["", "", " "]],
)
def test_clashing_names_are_found_as_before(names):
    assert clashing_names(names) == old_clashes(names)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "a.1", "a.2", "b", "", "Unnamed: 0"]), max_size=12))
def test_clashing_names_match_the_old_rule_on_random_headers(names):
    assert clashing_names(names) == old_clashes(names)


def test_repeated_header_names_get_the_same_names_as_before():
    raw = b"a,a,a.1,a\n1,2,3,4\n5,6,7,8\n"
    before = [str(c).strip() for c in pd.read_csv(io.BytesIO(raw)).columns]  # pandas renames repeats
    assert list(parse_file(raw, "data.csv").frame.columns) == before
    with pytest.raises(DataError, match="several columns named 'x'; give every column its own name"):
        parse_file(b"x,x \n1,2\n3,4\n", "data.csv")


def test_clashing_names_take_one_pass_over_100000_names():
    names = ["x"] * 50_000 + [f"c{i}" for i in range(50_000)]
    started = time.perf_counter()
    assert clashing_names(names) == ["x"]
    assert time.perf_counter() - started < 1  # about 0.01 s; the old rule took minutes on 100,000 names


def test_names_that_clash_once_stripped_are_refused():
    raw = (",".join("x" + " " * i for i in range(2_000)) + "\n" + ",".join(["1"] * 2_000) + "\n").encode()
    with pytest.raises(DataError, match="several columns named 'x'; give every column its own name"):
        parse_file(raw, "data.csv")


# --- Excel: the archive is checked before it is opened --------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A 200 KB "workbook" whose sheet unpacks to 200 MB of zeros (written in 1 MB chunks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(BOMB_MB):
                member.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(zip_bomb, no_pandas_reader):
    assert len(zip_bomb) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(DataError) as found:
        parse_file(zip_bomb, "bomb.xlsx")
    elapsed = time.perf_counter() - started
    message = str(found.value)
    assert message.startswith("bomb.xlsx looks like a zip bomb: its part 'xl/worksheets/sheet1.xml' unpacks to 209.7")
    assert "workbook packs at most 100 times; it was not opened" in message
    assert "HCLUST_MAX_COMPRESSION_RATIO" in message
    assert elapsed < 1, f"took {elapsed:.2f} s"  # about 0.001 s


def test_an_archive_that_unpacks_to_too_much_is_refused(no_pandas_reader):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(3):
            archive.writestr(f"xl/part{i}.xml", np.random.default_rng(i).bytes(400_000))
    with pytest.raises(DataError, match=r"unpacks to more than 1 MB.*not opened.*HCLUST_MAX_UNCOMPRESSED_MB"):
        parse_file(buffer.getvalue(), "big.xlsx", limits=Limits(max_uncompressed_mb=1))


def test_declared_sizes_decide_and_small_parts_are_not_checked_for_their_ratio():
    def part(size, packed):
        return SimpleNamespace(filename="xl/worksheets/sheet1.xml", file_size=size, compress_size=packed)

    check_archive([part(36_734_028, 2_433_852)], "real.xlsx")  # a sheet of zeros saved by openpyxl: 15 times
    check_archive([part(RATIO_FLOOR_BYTES - 1, 1)], "tiny.xlsx")
    with pytest.raises(DataError, match="1,000 times its packed size"):
        check_archive([part(400_000_000, 400_000)], "bomb.xlsx")
    with pytest.raises(DataError, match="unpacks to more than 100 MB"):
        check_archive([part(60_000_000, 6_000_000), part(60_000_000, 6_000_000)], "two.xlsx")


def test_a_corrupt_zip_keeps_its_message():
    with pytest.raises(DataError, match="is a ZIP archive but not an Excel workbook"):
        parse_file(b"PK\x03\x04" + b"\x00" * 200, "broken.xlsx")


def excel(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_a_workbook_is_checked_for_columns_names_and_rows():
    raw = excel(pd.DataFrame(np.ones((3, 4)), columns=list("abcd")))
    with pytest.raises(DataError, match="book.xlsx has 4 columns; up to 3"):
        parse_file(raw, "book.xlsx", limits=Limits(max_columns=3))
    with pytest.raises(DataError, match="column 1 has a name of 7 characters"):
        parse_file(excel(pd.DataFrame({"a" * 7: [1, 2], "b": [3, 4]})), "book.xlsx", limits=Limits(max_name_chars=6))
    raw = excel(pd.DataFrame(np.ones((50, 2)), columns=["a", "b"]))
    with pytest.raises(DataError, match="book.xlsx has more than 20 rows; up to 20"):
        parse_file(raw, "book.xlsx", limits=Limits(max_rows=20))
    assert parse_file(raw, "book.xlsx", limits=Limits(max_rows=50)).frame.shape == (50, 2)


# --- Parquet and JSON ------------------------------------------------------------------------


def parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def test_parquet_is_checked_from_its_metadata_before_the_data_is_read(no_pandas_reader):
    raw = parquet(pd.DataFrame(np.ones((1_000, 3)), columns=list("abc")))
    with pytest.raises(DataError, match="data.parquet has 3 columns; up to 2"):
        parse_file(raw, "data.parquet", limits=Limits(max_columns=2))
    with pytest.raises(DataError, match="data.parquet has 1,000 rows; up to 100"):
        parse_file(raw, "data.parquet", limits=Limits(max_rows=100))
    with pytest.raises(DataError, match=r"data.parquet has 3,000 cells \(1,000 rows of 3 columns\)"):
        parse_file(raw, "data.parquet", limits=Limits(max_cells=2_999))
    with pytest.raises(DataError, match="column 1 has a name of 300 characters"):
        parse_file(parquet(pd.DataFrame({"x" * 300: [1.0, 2.0]})), "data.parquet")


def test_a_parquet_index_of_labels_counts_as_a_column():
    frame = pd.DataFrame(np.ones((3, 2)), columns=["a", "b"], index=pd.Index(["p", "q", "r"], name="name"))
    raw = parquet(frame)
    assert list(parse_file(raw, "data.parquet", limits=Limits(max_columns=3)).frame.columns) == ["name", "a", "b"]
    with pytest.raises(DataError, match="has 3 columns; up to 2"):
        parse_file(raw, "data.parquet", limits=Limits(max_columns=2))


@pytest.mark.parametrize(
    "document",
    [
        [{"a": 1}, {"b": 2}, {"c": 3}],  # records: the columns are every key
        {"a": [1, 2], "b": [3, 4], "c": [5, 6]},
        {"columns": ["a", "b", "c"], "data": [[1, 2, 3], [4, 5, 6]]},
        [[1, 2, 3], [4, 5, 6]],
    ],
    ids=["records", "columns", "split", "values"],
)
def test_json_is_checked_before_pandas_builds_the_table(document, no_pandas_reader):
    with pytest.raises(DataError, match="data.json has 3 columns; up to 2"):
        parse_file(json.dumps(document).encode(), "data.json", limits=Limits(max_columns=2))


def test_json_rows_and_names_are_checked():
    with pytest.raises(DataError, match="data.json has 500 rows; up to 100"):
        parse_file(json.dumps([[1, 2]] * 500).encode(), "data.json", limits=Limits(max_rows=100))
    with pytest.raises(DataError, match="column 2 has a name of 500 characters"):
        parse_file(json.dumps({"a": [1, 2], "b" * 500: [3, 4]}).encode(), "data.json")


# --- long labels are shortened, with a note ----------------------------------------------------


def test_shorten_label():
    limits = Limits(max_label_chars=5)
    assert shorten_label("abcde", limits) == "abcde"
    assert shorten_label("abcdef", limits) == "abcd…"


def test_a_5_mb_label_is_shortened_with_a_note():
    raw = ("name,x,y\n" + "z" * 5_000_000 + ",1,2\nb,2,3\nc,3,5\n").encode()
    table = parse_file(raw, "data.csv")
    assert table.frame["name"].tolist() == ["z" * 199 + "…", "b", "c"]
    assert any(
        note.startswith("Shortened 1 text value(s) longer than 200 characters (in column(s) 'name')")
        and "HCLUST_MAX_LABEL_CHARS" in note
        for note in table.notes
    )
    dataset = prepare(table, LoadOptions())
    assert dataset.sample_names[0] == "z" * 199 + "…"


@pytest.mark.parametrize(
    "make",
    [
        lambda values: values,
        lambda values: pd.Series(values, dtype=object),
        lambda values: pd.Categorical(values),
    ],
    ids=["str", "object", "categorical"],
)
def test_long_values_are_shortened_in_every_kind_of_text_column(make):
    frame = pd.DataFrame({"name": make(["a" * 50, "b", "c"]), "x": [1.0, 2.0, 3.0]})
    table = parse_file(parquet(frame), "data.parquet", limits=Limits(max_label_chars=10))
    assert table.frame["name"].tolist() == ["a" * 9 + "…", "b", "c"]
    assert len(table.notes) == 1


def test_short_labels_leave_the_table_and_its_notes_alone():
    table = parse_file(b"name,x\np,1\nq,2\n", "data.csv")
    assert table.notes == ()
    assert table.frame["name"].tolist() == ["p", "q"]


def test_read_table_passes_the_limits_on():
    with pytest.raises(DataError, match="has 2 columns; up to 1"):
        read_table(b"a,b\n1,2\n3,4\n", "data.csv", Limits(max_columns=1))
