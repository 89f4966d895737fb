"""The lesson plan in a real browser: images as data, true classes, other algorithms, centroids, heatmap, export."""

from __future__ import annotations

import base64
import csv
import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sklearn.datasets import make_blobs

from tests.browser.data_helpers import upload, upload_and_wait
from tests.browser.helpers import choose, graph_eval, set_number, settle, wait_for_graph

pytestmark = pytest.mark.browser


def load(page: Page, key: str) -> None:
    """Choose a built-in dataset and wait until its tree is on screen."""
    choose(page, "dataset", key)
    settle(page, 600, 60_000)


def open_tab(page: Page, label: str) -> None:
    page.locator("#lesson-tabs").get_by_text(label, exact=True).click()


def picture(page: Page, image_id: str) -> np.ndarray:
    """The pixels of an img whose src is a PNG data URI, as the browser holds it."""
    src = page.locator(f"#{image_id}").get_attribute("src")
    assert src.startswith("data:image/png;base64,"), src[:40]
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB"))


def colours(pixels: np.ndarray) -> int:
    return len(np.unique(pixels.reshape(-1, 3), axis=0))


def test_a_photo_is_redrawn_in_as_many_colours_as_the_cut_has_clusters(app_page: Page):
    page = app_page
    load(page, "china")
    expect(page.locator("#data-summary")).to_contain_text("2,000 samples × 3 features (R, G, B)")
    set_number(page, "n-clusters", 8)
    expect(page.locator("#image-note")).to_contain_text("redrawn in 8 colours by the tree's cut")
    eight = picture(page, "recolored-image")
    assert colours(eight) == 8
    assert eight.shape == picture(page, "original-image").shape == (320, 480, 3)
    expect(page.locator("#cluster-summary .mean-colour")).to_have_count(8)

    set_number(page, "n-clusters", 3)
    expect(page.locator("#image-note")).to_contain_text("redrawn in 3 colours")
    assert colours(picture(page, "recolored-image")) == 3

    # The chapters' own method: k-means colours the samples and redraws the picture.
    choose(page, "color-by", "algorithm")
    expect(page.locator("#image-note")).to_contain_text("by k-means")
    assert colours(picture(page, "recolored-image")) == 3
    settle(page)


def test_a_png_upload_is_read_as_pixels(app_page: Page, tmp_path):
    page = app_page
    rng = np.random.default_rng(0)
    image = np.zeros((40, 60, 3), dtype=np.uint8)
    image[:, :30] = (200, 30, 30)
    image[:, 30:] = (20, 40, 220)
    image = np.clip(image + rng.integers(0, 20, image.shape), 0, 255).astype(np.uint8)
    path = tmp_path / "two-colours.png"
    Image.fromarray(image).save(path)
    upload_and_wait(page, path, "2,000 samples × 3 features (R, G, B)")
    settle(page)
    expect(page.locator("#image-card")).to_be_visible()
    set_number(page, "n-clusters", 2)
    expect(page.locator("#image-note")).to_contain_text("redrawn in 2 colours")
    redrawn = picture(page, "recolored-image")
    assert colours(redrawn) == 2
    assert (redrawn[:, 5] == redrawn[0, 5]).all() and not (redrawn[0, 5] == redrawn[0, 55]).all()

    # A broken image gets a message, and the picture stays.
    broken = tmp_path / "broken.png"
    broken.write_bytes(path.read_bytes()[:200])
    upload(page, broken)
    expect(page.locator("#message")).to_contain_text("broken.png")
    expect(page.locator("#image-card")).to_be_visible()


def test_on_moons_k_means_fails_where_spectral_clustering_succeeds(app_page: Page):
    page = app_page
    load(page, "moons")
    set_number(page, "n-clusters", 2)
    open_tab(page, "Other algorithms")
    scores = page.locator("#algorithm-scores")
    expect(scores).to_contain_text("k-means found 2 clusters")
    expect(scores.locator(".ari-truth")).to_have_text(re.compile(r"^-?\d\.\d{4}$"))
    truth = float(scores.locator(".ari-truth").inner_text())
    assert truth < 0.5
    choose(page, "compare-algorithm", "spectral")
    expect(scores).to_contain_text("spectral clustering found 2 clusters")
    expect(scores.locator(".ari-truth")).to_have_text("1.0000")
    expect(page.locator("#algorithm-limits")).to_contain_text("nearest-neighbour affinity")
    expect(page.locator("#algorithm-limits")).to_contain_text("SpectralClustering(n_clusters=2")

    choose(page, "color-by", "algorithm")
    note = "(gd) => (gd._fullLayout.annotations || []).some((a) => /coloured by spectral clustering/.test(a.text))"
    assert wait_for_graph(page, "scatter", note)
    choose(page, "compare-algorithm", "hdbscan")
    expect(scores).to_contain_text("it chooses its own number")


def test_digits_clusters_are_drawn_as_digits_and_scored_against_the_labels(app_page: Page):
    page = app_page
    load(page, "digits")
    set_number(page, "n-clusters", 10)
    expect(page.locator("#truth-scores")).to_contain_text("against the 10 true classes")
    expect(page.locator("#truth-scores .accuracy")).to_have_text("86.2%")  # ward on digits, k = 10
    expect(page.locator("#truth-table-grid tbody tr")).to_have_count(10)

    open_tab(page, "Centroids")
    expect(page.locator("#centroid-images img")).to_have_count(10)
    page.locator("#centroid-images button").first.click()
    expect(page.locator("#centroid-members")).to_contain_text("Cluster 1: the first 12")
    expect(page.locator("#centroid-members img")).to_have_count(12)

    choose(page, "color-by", "truth")
    assert wait_for_graph(page, "scatter", "(gd) => (gd._fullLayout.annotations || []).length > 0")
    page.locator("#show-centroids input").check()
    assert wait_for_graph(page, "scatter", "(gd) => gd._fullData[1].x.length === 10")


def test_the_heatmap_follows_the_dendrograms_leaves_and_the_cut(app_page: Page):
    page = app_page
    load(page, "wine")
    open_tab(page, "Heatmap")
    rows = "(gd, n) => (gd.data || []).some((t) => t.meta && t.meta.row_nodes && t.meta.row_nodes.length === n)"
    assert wait_for_graph(page, "heatmap", rows, 12)
    leaves = graph_eval(page, "dendrogram", "(gd) => gd.data[27].customdata.length")
    assert leaves == 12
    set_number(page, "truncate-p", 30)
    assert wait_for_graph(page, "heatmap", rows, 30)
    page.locator("#heatmap-options input[value='columns']").check()
    expect(page.locator("#heatmap-note")).to_contain_text("13 columns")
    page.locator("#heatmap-options input[value='optimal']").check()
    expect(page.locator("#heatmap-note")).to_contain_text("in optimal leaf order")
    set_number(page, "n-clusters", 3)
    settle(page)
    strip = graph_eval(page, "heatmap", "(gd) => new Set(gd.data.find((t) => t.name === 'clusters').z.flat()).size")
    assert strip >= 3


def test_the_clusters_download_grouped_and_the_profile_names_the_features(app_page: Page):
    page = app_page
    load(page, "wine")
    page.locator("#scaling input[value='standardize']").check()
    settle(page)
    set_number(page, "n-clusters", 3)
    open_tab(page, "What sets clusters apart")
    expect(page.locator("#cluster-profile")).to_contain_text("cluster 1:")
    expect(page.locator("#cluster-profile")).to_contain_text("proline")

    with page.expect_download() as info:
        page.locator("#download-grouped").click()
    rows = list(csv.reader(io.StringIO(info.value.path().read_text())))
    assert rows[0][:4] == ["cluster", "size", "row", "label"]
    clusters = [int(row[0]) for row in rows[1:]]
    assert clusters == sorted(clusters) and len(clusters) == 178
    assert {int(row[1]) for row in rows[1:] if row[0] == "1"} == {clusters.count(1)}


def test_an_uploads_class_column_is_scored_and_never_a_feature(app_page: Page, tmp_path):
    page = app_page
    points, classes = make_blobs(n_samples=120, centers=3, cluster_std=0.5, random_state=1)
    path = tmp_path / "blobs.csv"
    lines = ["x,y,kind"] + [f"{x:.6f},{y:.6f},group {c}" for (x, y), c in zip(points, classes)]
    path.write_text("\n".join(lines) + "\n")
    upload_and_wait(page, path, "120 samples")
    settle(page)
    choose(page, "class-column", "kind")
    expect(page.locator("#data-summary")).to_contain_text("× 2 features")
    settle(page)
    set_number(page, "n-clusters", 3)
    expect(page.locator("#truth-scores")).to_contain_text("against the 3 true classes")
    expect(page.locator("#truth-scores .ari")).to_have_text("1.0000")
