"""Reading each file format into a table, and replaying the read with pandas from the provenance."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders import DataError, LoadOptions, parse_file, prepare
from loaders.formats import READERS
from loaders.sniff import sniff_dialect

FORMATS_DIR = Path(__file__).parents[1] / "data" / "formats"
FEATURES = ("Länge", "Breite", "Gewicht")


def replay(table, raw: bytes) -> pd.DataFrame:
    """What the generated code does: the format's pandas reader with the recorded kwargs."""
    frame = getattr(pd, READERS[table.format])(io.BytesIO(raw), **table.read_kwargs)
    if table.reset_index:
        frame = frame.reset_index()
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def measurements() -> pd.DataFrame:
    from tests.data.make_fixtures import measurements as make

    return make()


# --- the committed real-world files --------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("spreadsheet_export.csv", "csv"),
        ("utf8_bom.csv", "csv"),
        ("tabs.tsv", "tsv"),
        ("pipes.txt", "csv"),
        ("records.json", "json"),
        ("columns.json", "json"),
        ("pandas.parquet", "parquet"),
        ("book.xlsx", "xlsx"),
    ],
)
def test_every_format_reads_the_same_measurements(name, fmt):
    raw = (FORMATS_DIR / name).read_bytes()
    table = parse_file(raw, name)
    dataset = prepare(table, LoadOptions())

    assert table.format == fmt
    assert dataset.feature_names == FEATURES
    assert dataset.sample_names[:3] == ("P00", "P01", "P02")
    expected = measurements().dropna()
    np.testing.assert_allclose(dataset.features, expected[list(FEATURES)].to_numpy())
    assert dataset.provenance["format"] == fmt


@pytest.mark.parametrize("name", sorted(p.name for p in FORMATS_DIR.iterdir()))
def test_read_kwargs_replay_the_same_table_with_pandas(name):
    raw = (FORMATS_DIR / name).read_bytes()
    table = parse_file(raw, name)

    pd.testing.assert_frame_equal(replay(table, raw), table.frame)


def test_spreadsheet_export_with_semicolons_decimal_commas_and_cp1252():
    raw = (FORMATS_DIR / "spreadsheet_export.csv").read_bytes()
    table = parse_file(raw, "spreadsheet_export.csv")

    assert table.read_kwargs["sep"] == ";"
    assert table.read_kwargs["decimal"] == ","
    assert table.read_kwargs["encoding"] == "cp1252"
    assert "Gruppe" in table.frame.columns and "Länge" in table.frame.columns
    assert table.notes == ("Read as semicolon-separated, decimal commas, cp1252 text.",)


def test_excel_reads_first_sheet_and_lists_every_sheet():
    raw = (FORMATS_DIR / "book.xlsx").read_bytes()
    table = parse_file(raw, "book.xlsx")

    assert table.sheets == ("Messungen", "Distanzen")
    assert table.sheet == "Messungen"
    assert table.read_kwargs == {"sheet_name": "Messungen"}
    assert table.raw == raw  # kept so another sheet can be read without a new upload


def test_excel_other_sheet_is_a_labelled_distance_matrix():
    raw = (FORMATS_DIR / "book.xlsx").read_bytes()
    dataset = prepare(parse_file(raw, "book.xlsx", sheet="Distanzen"), LoadOptions())

    assert dataset.is_distance_matrix
    assert dataset.sample_names[:2] == ("Aachen", "Bonn")
    assert dataset.name == "book.xlsx [Distanzen]"


def test_excel_unknown_sheet_lists_the_sheets():
    raw = (FORMATS_DIR / "book.xlsx").read_bytes()
    with pytest.raises(DataError, match="no sheet 'Nope'; choose one of: Messungen, Distanzen"):
        parse_file(raw, "book.xlsx", sheet="Nope")


def test_excel_sheet_without_header_gets_column_names(tmp_path):
    path = tmp_path / "plain.xlsx"
    pd.DataFrame([[1.5, 2], [3.5, 4], [5.5, 6]]).to_excel(path, header=False, index=False)
    raw = path.read_bytes()
    table = parse_file(raw, "plain.xlsx")

    assert list(table.frame.columns) == ["column 1", "column 2"]
    assert table.read_kwargs["header"] is None
    assert len(table.frame) == 3
    pd.testing.assert_frame_equal(replay(table, raw), table.frame)


def test_excel_title_rows_above_the_table_are_skipped(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Measurements 2024"
    sheet["A2"] = "source: lab 3"
    for row in [[], ["name", "x", "y"], ["a", 1, 2], ["b", 3, None], ["c", 5, 7]]:
        sheet.append(row)
    path = tmp_path / "titled.xlsx"
    book.save(path)
    raw = path.read_bytes()
    table = parse_file(raw, "titled.xlsx")
    dataset = prepare(table, LoadOptions())

    assert table.read_kwargs["skiprows"] == 3
    assert "Skipped 3 title or blank row(s) above the table." in table.notes
    assert dataset.sample_names == ("a", "c")
    assert any("row 6 'b' (y)" in note for note in dataset.notes)  # the spreadsheet's own row number
    pd.testing.assert_frame_equal(replay(table, raw), table.frame)


def test_parquet_with_a_text_index_turns_it_into_the_label_column():
    buffer = io.BytesIO()
    measurements().set_index("Probe").to_parquet(buffer)
    table = parse_file(buffer.getvalue(), "indexed.parquet")
    dataset = prepare(table, LoadOptions())

    assert table.reset_index
    assert table.frame.columns[0] == "Probe"
    assert dataset.sample_names[0] == "P00"
    pd.testing.assert_frame_equal(replay(table, buffer.getvalue()), table.frame)


def test_parquet_with_a_numeric_index_drops_it():
    buffer = io.BytesIO()
    measurements().iloc[3:].to_parquet(buffer)  # index 3..23, stored by pandas
    table = parse_file(buffer.getvalue(), "filtered.parquet")

    assert not table.reset_index
    assert "index" not in table.frame.columns and "__index_level_0__" not in table.frame.columns


@pytest.mark.parametrize(
    ("text", "orient"),
    [
        ('[{"x": 1, "y": 2.5}, {"x": 3, "y": 4.5}]', "records"),
        ('{"x": [1, 3], "y": [2.5, 4.5]}', "columns"),
        ('{"x": {"0": 1, "1": 3}, "y": {"0": 2.5, "1": 4.5}}', "columns"),
        ('{"columns": ["x", "y"], "data": [[1, 2.5], [3, 4.5]]}', "split"),
        ('{"x": 1, "y": 2.5}\n{"x": 3, "y": 4.5}\n', "records"),
    ],
    ids=["records", "columns-lists", "columns-dicts", "split", "lines"],
)
def test_json_shapes(text, orient):
    raw = text.encode()
    table = parse_file(raw, "t.json")
    dataset = prepare(table, LoadOptions())

    assert table.read_kwargs["orient"] == orient
    np.testing.assert_array_equal(dataset.features, [[1, 2.5], [3, 4.5]])
    pd.testing.assert_frame_equal(replay(table, raw), table.frame)


def test_json_values_orient_has_no_header():
    table = parse_file(b"[[1, 2], [3, 4], [5, 7]]", "v.json")
    assert table.read_kwargs["orient"] == "values"
    assert list(table.frame.columns) == ["0", "1"]


def test_json_column_names_that_look_like_dates_stay_numbers():
    raw = b'[{"created_at": 1700000000, "y": 1}, {"created_at": 1700000500, "y": 2}]'
    dataset = prepare(parse_file(raw, "t.json"), LoadOptions())
    assert dataset.feature_names == ("created_at", "y")


# --- delimited text ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_text_encodings_keep_accented_labels(encoding):
    text = "name;x;y\nZürich;1,5;2\nSão Paulo;3,5;4\nKöln;5;6,25\n"
    raw = text.encode(encoding)
    table = parse_file(raw, "cities.csv")
    dataset = prepare(table, LoadOptions())

    assert dataset.sample_names == ("Zürich", "São Paulo", "Köln")
    np.testing.assert_array_equal(dataset.features, [[1.5, 2], [3.5, 4], [5, 6.25]])
    pd.testing.assert_frame_equal(replay(table, raw), table.frame)


def test_latin1_bytes_that_cp1252_cannot_decode_fall_back_to_latin1():
    raw = b"name,x\na\x81b,1\ncd,2\n"  # 0x81 is undefined in cp1252
    assert parse_file(raw, "odd.csv").read_kwargs["encoding"] == "latin-1"


@pytest.mark.parametrize(
    ("text", "sep", "decimal"),
    [
        ("a,b\n1.5,2\n3,4\n", ",", "."),
        ("a;b\n1,5;2\n3;4\n", ";", ","),
        ("a;b\n1.5;2\n3;4\n", ";", "."),
        ("a\tb\n1,5\t2\n3\t4\n", "\t", ","),
        ("a|b\n1.5|2\n3|4\n", "|", "."),
        ("1,5;2,5\n3,5;4,5\n", ";", ","),
    ],
)
def test_delimiter_and_decimal_mark_are_sniffed(text, sep, decimal):
    kwargs = sniff_dialect(text, "utf-8").read_kwargs
    assert kwargs["sep"] == sep
    assert kwargs.get("decimal", ".") == decimal


def test_thousands_dots_with_decimal_commas():
    dataset = prepare(parse_file(b"x;y\n1.234,5;2\n12,25;3\n", "t.csv"), LoadOptions())
    np.testing.assert_array_equal(dataset.features[:, 0], [1234.5, 12.25])


def test_quoted_text_with_delimiters_inside():
    raw = b'name,x,y\n"Smith, J.",1,2\n"Doe; A.",3,4\n'
    dataset = prepare(parse_file(raw, "q.csv"), LoadOptions())
    assert dataset.sample_names == ("Smith, J.", "Doe; A.")


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("x,y\n1,2\n3,4\n", True),
        ("1,2\n3,4\n5,6\n", False),
        ("a,1,2\nb,3,4\nc,5,6\n", False),
        ("name,x,y\na,3,4\nb,5,6\n", True),
        (",a,b\na,0,1\nb,1,0\n", True),
    ],
)
def test_header_row_is_detected(text, header):
    assert sniff_dialect(text, "utf-8").has_header is header


def test_file_without_header_gets_numbered_column_names():
    table = parse_file(b"1,2\n3,4\n5,6\n", "plain.csv")
    assert list(table.frame.columns) == ["column 1", "column 2"]
    assert table.first_row == 1
    assert "no header row" in table.notes[0]


def test_trailing_delimiters_on_data_lines_do_not_shift_columns():
    table = parse_file(b"x,y\n1,2,\n3,4,\n", "trailing.csv")
    np.testing.assert_array_equal(table.frame[["x", "y"]].to_numpy(), [[1, 2], [3, 4]])


def test_stray_missing_markers_keep_a_column_numeric():
    table = parse_file(b"x,y\n1,?\n3,4\n5,6\n-,8\n9,10\n", "q.csv")
    dataset = prepare(table, LoadOptions())

    assert table.read_kwargs["na_values"] == ["-", "?"]
    assert dataset.feature_names == ("x", "y")
    assert dataset.n_samples == 3
    assert any("'-', '?' as missing" in note for note in table.notes)


def test_mostly_text_column_is_not_turned_into_numbers():
    table = parse_file(b"kind,x\nfoo,1\nbar,2\n3,3\n", "k.csv")
    assert "na_values" not in table.read_kwargs


def test_column_names_are_stripped_strings():
    table = parse_file(b" x , y \n1,2\n3,4\n", "s.csv")
    assert list(table.frame.columns) == ["x", "y"]


def test_content_key_differs_per_file_and_sheet():
    raw = (FORMATS_DIR / "book.xlsx").read_bytes()
    assert parse_file(raw, "book.xlsx").key != parse_file(raw, "book.xlsx", sheet="Distanzen").key
    assert parse_file(b"x,y\n1,2\n3,4\n", "a.csv").key == parse_file(b"x,y\n1,2\n3,4\n", "b.csv").key
