"""Write the upload fixtures under tests/data: good files from the usual tools and the bad corpus.

Run from the repository root: ``python tests/data/make_fixtures.py``. The
files are committed (all small); this script documents how each was made and
rebuilds them. Every bad file's expected message is in ``bad/EXPECTED.json``.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial.distance import pdist, squareform

HERE = Path(__file__).parent
GOOD = HERE / "formats"
BAD = HERE / "bad"


def measurements() -> pd.DataFrame:
    """24 samples in three groups: a label, a text column, three numbers on different scales, one gap."""
    rng = np.random.default_rng(7)
    centres = np.repeat([[10.0, 5.0, 400.0], [14.0, 3.0, 650.0], [7.0, 7.0, 520.0]], 8, axis=0)
    values = np.round(centres + rng.normal(0, [0.8, 0.5, 40.0], size=centres.shape), 2)
    frame = pd.DataFrame(
        {
            "Probe": [f"P{i:02d}" for i in range(24)],
            "Gruppe": np.repeat(["Nord", "Süd", "Ost"], 8),
            "Länge": values[:, 0],
            "Breite": values[:, 1],
            "Gewicht": values[:, 2],
        }
    )
    frame.loc[5, "Breite"] = np.nan
    return frame


def city_distances() -> pd.DataFrame:
    """Distances between 7 labelled cities (symmetric, zero diagonal)."""
    rng = np.random.default_rng(3)
    points = np.concatenate([rng.normal(0, 1, (4, 2)), rng.normal(6, 1, (3, 2))])
    names = ["Aachen", "Bonn", "Köln", "Düren", "Essen", "Hagen", "Witten"]
    return pd.DataFrame(squareform(pdist(points)).round(3), index=names, columns=names)


def good_files() -> None:
    GOOD.mkdir(exist_ok=True)
    frame = measurements()
    # A German spreadsheet export: semicolons, decimal commas, cp1252.
    frame.to_csv(GOOD / "spreadsheet_export.csv", sep=";", decimal=",", index=False, encoding="cp1252")
    frame.to_csv(GOOD / "utf8_bom.csv", index=False, encoding="utf-8-sig")
    frame.to_csv(GOOD / "tabs.tsv", sep="\t", index=False)
    frame.to_csv(GOOD / "pipes.txt", sep="|", index=False)
    frame[["Länge", "Breite", "Gewicht"]].dropna().to_csv(GOOD / "no_header.csv", index=False, header=False)
    frame.to_json(GOOD / "records.json", orient="records", force_ascii=False)
    frame.to_json(GOOD / "columns.json", orient="columns", force_ascii=False)
    frame.to_parquet(GOOD / "pandas.parquet", index=False)
    with pd.ExcelWriter(GOOD / "book.xlsx") as writer:
        frame.to_excel(writer, sheet_name="Messungen", index=False)
        city_distances().to_excel(writer, sheet_name="Distanzen")
    city_distances().to_csv(GOOD / "distance_matrix.csv")
    vector = squareform(city_distances().to_numpy(), checks=False)
    (GOOD / "condensed.csv").write_text("distance\n" + "\n".join(f"{v:g}" for v in vector) + "\n")


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def bad_files() -> dict[str, str]:
    """Write the bad corpus; returns {file name: a fragment its message must contain}."""
    BAD.mkdir(exist_ok=True)
    rng = np.random.default_rng(11)
    matrix = city_distances()
    asymmetric = matrix.copy()
    asymmetric.iloc[1, 2] += 1.0
    negative = matrix.copy()
    negative.iloc[0, 3] = negative.iloc[3, 0] = -2.0
    holey = matrix.copy()
    holey.iloc[2, 4] = np.nan
    files: dict[str, tuple[bytes, str]] = {
        "empty.csv": (b"", "is empty"),
        "blank_lines.csv": (b"\n\n   \n\t\n", "is empty"),
        "header_only.csv": (b"x,y,z\n", "no data rows"),
        "one_row.csv": (b"x,y\n1.5,2.5\n", "at least 2 samples"),
        "binary_garbage.csv": (rng.bytes(2048), "binary data"),
        "control_characters.csv": (bytes(range(1, 32)) * 40, "binary data"),
        "nul_bytes.csv": (b"x,y\n1,2\n3\x00,4\n5,6\n", "NUL byte"),
        "zip_not_excel.xlsx": (zip_bytes({"readme.txt": "not a workbook"}), "ZIP archive but not an Excel workbook"),
        "csv_named.xlsx": (b"x,y\n1,2\n3,4\n", "not an Excel workbook"),
        "old_excel.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Excel 97-2003"),
        "not_parquet.parquet": (b"x,y\n1,2\n3,4\n", "not a Parquet file"),
        "truncated.parquet": (b"PAR1" + rng.bytes(200), "could not be read as a Parquet file"),
        "ragged.csv": (b"x,y\n1,2\n3,4,5\n6,7\n", "ragged rows: line 3 has 3 fields"),
        "all_text.csv": (b"name,colour\nalpha,red\nbeta,green\ngamma,blue\n", "no numeric column"),
        "all_missing.csv": (b"x,y\n,\n,\n,\n", "every cell below the header is empty"),
        "mostly_missing.csv": (b"x,y\n1,\n,2\n3,\n,4\n", "complete row(s)"),
        "infinities.csv": (b"x,y\ninf,1\n-inf,2\n3,inf\n", "missing or infinite"),
        "overflow_1e308.csv": (b"x,y\n1e308,1\n-1e308,2\n0,3\n", "would overflow"),
        "duplicate_names.csv": (b"x,x \n1,2\n3,4\n", "several columns named 'x'"),
        "deeply_nested.json": (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        "nested_records.json": (b'[{"a": {"b": 1}}, {"a": {"b": 2}}]', "holds a nested object"),
        "invalid.json": (b'{"x": [1, 2, 3], "y": [4, 5', "not valid JSON"),
        "scalar.json": (b"42", "single JSON number"),
        "empty_list.json": (b"[]", "empty JSON list"),
        "uneven_columns.json": (b'{"x": [1, 2, 3], "y": [4, 5]}', "different lengths"),
        "asymmetric_matrix.csv": (asymmetric.to_csv().encode(), "not symmetric: (Bonn, Köln)"),
        "negative_matrix.csv": (negative.to_csv().encode(), "negative cell(s)"),
        "matrix_with_gap.csv": (holey.to_csv().encode(), "missing or infinite cell(s)"),
        "one_label_column.csv": (b"name\nann\nbob\ncid\n", "no numeric column"),
    }
    for name, (raw, _) in files.items():
        (BAD / name).write_bytes(raw)
    empty_book = BAD / "empty_sheet.xlsx"
    pd.DataFrame().to_excel(empty_book, sheet_name="Leer", index=False)
    expected = {name: fragment for name, (_, fragment) in files.items()}
    expected["empty_sheet.xlsx"] = "sheet 'Leer' of empty_sheet.xlsx is empty"
    (BAD / "EXPECTED.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    return expected


if __name__ == "__main__":
    good_files()
    print(f"{len(bad_files())} bad files in {BAD}")
