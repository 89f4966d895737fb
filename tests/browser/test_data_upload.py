"""The data step in a real browser: each format, labels on the leaves, distance matrices, bad files."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.data_helpers import BAD_DIR, FORMATS_DIR, choose_radio, upload, upload_and_wait
from tests.browser.helpers import DEFAULT_COPHENETIC, choose, dropdown_option, graph_eval, set_number, wait_for_graph

pytestmark = pytest.mark.browser

MEASUREMENTS = "23 samples × 3 features (Länge, Breite, Gewicht)"


def test_one_upload_of_each_format(app_page: Page):
    page = app_page
    for name in ("spreadsheet_export.csv", "tabs.tsv", "book.xlsx", "pandas.parquet", "records.json"):
        upload_and_wait(page, FORMATS_DIR / name, name)
        expect(page.locator("#data-summary")).to_contain_text(MEASUREMENTS)
        expect(page.locator("#data-options")).to_be_visible()
        expect(page.locator("#data-options-title")).to_contain_text(name)
        expect(page.locator("#dataset")).to_contain_text(f"Uploaded: {name}")
        if name == "book.xlsx":  # a workbook of two sheets: the other one holds distances
            choose(page, "sheet", "Distanzen")
            expect(page.locator("#data-summary")).to_contain_text("7 samples × 7 distances (precomputed)")
            expect(page.locator("#data-options-title")).to_contain_text("book.xlsx [Distanzen]")
    # The last file (JSON) has no sheets.
    expect(page.locator("#sheet-field")).to_be_hidden()
    assert wait_for_graph(page, "scatter", "(gd) => gd.calcdata[0].length === 23")


def test_label_column_names_the_dendrogram_leaves_and_options_re_prepare(app_page: Page):
    page = app_page
    upload_and_wait(page, FORMATS_DIR / "spreadsheet_export.csv", MEASUREMENTS)
    expect(page.locator("#message")).to_contain_text("Read as semicolon-separated, decimal commas, cp1252 text.")
    expect(page.locator("#message")).to_contain_text("so without scaling it will dominate the distances")

    set_number(page, "truncate-p", 23)
    labels = [f"P{i:02d}" for i in range(24) if i != 5]
    leaves_are_labels = wait_for_graph(
        page,
        "dendrogram",
        "(gd, names) => { const t = gd._fullLayout.xaxis.ticktext || [];"
        " return t.length === names.length && [...t].sort().join() === [...names].sort().join(); }",
        labels,
    )
    assert leaves_are_labels, graph_eval(page, "dendrogram", "(gd) => gd._fullLayout.xaxis.ticktext")

    # Keep the row with the gap (fill with the mean) and scale: no new upload needed.
    choose_radio(page, "missing-values", "mean")
    expect(page.locator("#data-summary")).to_contain_text("24 samples × 3 features")
    choose_radio(page, "scaling", "standardize")
    expect(page.locator("#data-summary")).to_contain_text("z-score")
    expect(page.locator("#message")).not_to_contain_text("dominate")


def test_distance_matrix_path(app_page: Page):
    page = app_page
    upload_and_wait(page, FORMATS_DIR / "distance_matrix.csv", "7 samples × 7 distances (precomputed)")

    expect(page.locator("#message")).to_contain_text("Read as a distance matrix of 7 samples")
    expect(page.locator("#scatter-caption")).to_contain_text("MDS")
    expect(page.locator("#metric")).to_contain_text("precomputed distances")
    expect(page.locator("#method")).to_contain_text("average")
    expect(page.locator("#read-as-field")).to_be_visible()
    expect(page.locator("#read-as input[value='distances']")).to_be_checked()
    assert wait_for_graph(page, "dendrogram", "(gd) => (gd._fullLayout.xaxis.ticktext || []).includes('Aachen')"), (
        "the city names should label the leaves"
    )

    ward = dropdown_option(page, "method", "ward")
    expect(ward).to_contain_text("needs coordinates")
    expect(ward.locator("input")).to_be_disabled()
    page.keyboard.press("Escape")

    # The other reading of the same table, without a new upload.
    choose_radio(page, "read-as", "observations")
    expect(page.locator("#data-summary")).to_contain_text("7 samples × 7 features")
    expect(page.locator("#metric")).to_contain_text("euclidean")
    expect(page.locator("#scatter-caption")).not_to_contain_text("MDS")


@pytest.mark.parametrize(
    "names",
    [
        (
            "binary_garbage.csv",
            "zip_not_excel.xlsx",
            "ragged.csv",
            "deeply_nested.json",
            "asymmetric_matrix.csv",
            "overflow_1e308.csv",
        )
    ],
)
def test_bad_files_explain_themselves_and_keep_the_result(app_page: Page, names):
    page = app_page
    for name in names:
        upload(page, BAD_DIR / name)
        expect(page.locator("#message .msg-error")).to_contain_text("Could not use")
        expect(page.locator("#message")).to_contain_text(name)
        expect(page.locator("#cophenetic")).to_have_text(DEFAULT_COPHENETIC)
        expect(page.locator("#data-summary")).to_contain_text("Classic")
