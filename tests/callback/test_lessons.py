"""HTTP-contract tests of the lesson plan: true classes, other algorithms, colouring, images, heatmap, grouped export.

Every number the app prints is compared with scikit-learn's or SciPy's own,
computed here from the same data.
"""

from __future__ import annotations

import base64
import csv
import io
import re

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import pdist
from scipy.stats import mannwhitneyu
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.datasets import load_digits, load_iris, load_sample_image, make_moons
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

from callbacks.coloring import other_painting
from components import ids
from figures.style import CLUSTER_COLORS, N_SLOTS, NEUTRAL_COLOR
from hclust import Cut
from hclust.algorithms import COMPARISON_ALGORITHMS
from loaders.images import MAX_SIDE
from tests.callback.conftest import call, find_callback, text_of
from tests.callback.test_aids_callbacks import decode, move_cut, operations
from tests.callback.test_callbacks import choose, tree, upload

SMALL = np.random.RandomState(1).normal(size=(24, 3))  # no ties: one tree, one leaf order
SMALL_CSV = ("a,b,c\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in SMALL)).encode()


# --- helpers -----------------------------------------------------------------------


def app_labels(features: np.ndarray, view: dict, method: str = "ward") -> np.ndarray:
    """SciPy's clusters of the view's cut, numbered left to right in dendrogram order as the app numbers them."""
    z = linkage(features, method)
    if view["criterion"] == "maxclust":
        labels = fcluster(z, view["k"], criterion="maxclust")
    else:
        labels = fcluster(z, view["height"], criterion="distance")
    along = labels[leaves_list(z)]
    _, first = np.unique(along, return_index=True)
    renumber = np.zeros(labels.max() + 1, dtype=int)
    renumber[along[np.sort(first)]] = np.arange(1, first.size + 1)
    return renumber[labels]


def nodes(node):
    """Every serialized component in a reply's children, depth first."""
    if isinstance(node, list):
        for child in node:
            yield from nodes(child)
    elif isinstance(node, dict) and "props" in node:
        yield node
        yield from nodes(node["props"].get("children"))


def bold(children, class_name: str) -> str:
    (found,) = [n for n in nodes(children) if n["props"].get("className") == class_name]
    return text_of(found)


def table_cells(table) -> np.ndarray:
    body = [n for n in nodes(table) if n["type"] == "Tbody"]
    rows = [n for n in nodes(body) if n["type"] == "Tr"]
    return np.array([[int(text_of(c).replace(",", "")) for c in row["props"]["children"][1:]] for row in rows])


def data_uri_pixels(uri: str) -> np.ndarray:
    head, _, data = uri.partition(",")
    assert head == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))


OWN_TAB = {"algorithm-scores": "algorithms", "cluster-profile": "profile"}


def lesson(client, app, output: str, view: dict, tab: str, **inputs):
    """A tab's reply to the view the page sends it (callbacks/gates.py), with ``tab`` the open one.

    The True classes tab answers within the cut's panels request (``callbacks/cut_panels.py``).
    """
    if output.startswith("truth-"):
        given = {"view-store.data": view, "lesson-tabs.value": tab, "color-by.value": "tree"}
        return call(client, app, [output], inputs={**given, "compare-algorithm.value": None})
    own = OWN_TAB.get(output.split(".")[0], tab)
    given = {f"look-view-{own}.data": view}
    given.update({f"{key.replace('_', '-')}.value": value for key, value in inputs.items()})
    spec = app.callback_map[find_callback(app, [output])]
    state = {"lesson-tabs.value": tab} if any(d["id"] == "lesson-tabs" for d in spec["state"]) else None
    return call(client, app, [output], inputs=given, state=state)


def paint(client, app, view, color_by, algorithm="kmeans", centroids=(), triggered=ids.COLOR_BY):
    prop = {
        ids.COLOR_BY: "value",
        ids.COMPARE_ALGORITHM: "value",
        ids.SHOW_CENTROIDS: "value",
        ids.PANEL_VIEWS["paint"]: "data",
    }
    return call(
        client,
        app,
        ["scatter.figure", "message.children"],
        inputs={
            "color-by.value": color_by,
            "compare-algorithm.value": algorithm,
            "show-centroids.value": list(centroids),
            "panel-view-paint.data": view,
        },
        state={"view-store.data": view},
        triggered=[f"{triggered}.{prop[triggered]}"],
    )


def painted(reply) -> tuple[np.ndarray, list[str], dict]:
    """The colour id of every sample, the colour of each id (1, 2, ...), and all the patch's assignments."""
    ops = operations(reply.get(ids.SCATTER, "figure"))
    colorscale = ops[("data", 0, "marker", "colorscale")]
    return decode(ops[("data", 0, "marker", "color")]).astype(int), [step[1] for step in colorscale[::2]], ops


def centroid_marks(ops: dict) -> dict[int, tuple[float, float, str]]:
    """{painted id: (x, y, colour)} of the centroid markers (trace 1)."""
    names = ops[("data", 1, "text")]
    found = [int(re.fullmatch(r"centroid of cluster (\d+)", name).group(1)) for name in names]
    coords = zip(ops[("data", 1, "x")], ops[("data", 1, "y")], ops[("data", 1, "marker", "color")])
    return dict(zip(found, coords))


def view_of(client, app, key: str, k: int | None = None, **kwargs) -> dict:
    ref = choose(client, app, key).get(ids.DATA_REF, "data")
    view = tree(client, app, ref, **kwargs).get(ids.VIEW, "data")
    if k is None or view["k"] == k:
        return view
    return move_cut(client, app, view, n_clusters=k).get(ids.VIEW, "data")


def small_view(client, app, p=12) -> dict:
    ref = upload(client, app, SMALL_CSV, "small.csv").get(ids.DATA_REF, "data")
    return tree(client, app, ref, p=p).get(ids.VIEW, "data")


@pytest.fixture
def iris3(client, dash_app):
    return view_of(client, dash_app, "iris", 3)


@pytest.fixture
def moons2(client, dash_app):
    return view_of(client, dash_app, "moons", 2)


# --- true classes ------------------------------------------------------------------


def test_truth_scores_on_iris_are_sklearns(client, dash_app, iris3):
    reply = lesson(client, dash_app, "truth-scores.children", iris3, "truth")

    iris = load_iris()
    clusters = app_labels(iris.data, iris3)
    scores = reply.get(ids.TRUTH_SCORES, "children")
    assert bold(scores, "ari") == f"{adjusted_rand_score(iris.target, clusters):.4f}" == "0.7312"
    assert bold(scores, "nmi") == f"{normalized_mutual_info_score(iris.target, clusters):.4f}"
    table = contingency_matrix(clusters, iris.target)  # rows: clusters 1..3, columns: setosa, versicolor, virginica
    assert bold(scores, "accuracy") == f"{table.max(axis=1).sum() / iris.target.size:.1%}"
    assert "k = 3" in text_of(scores) and "3 true classes" in text_of(scores)
    np.testing.assert_array_equal(table_cells(reply.get(ids.TRUTH_TABLE, "children")), table)
    header = [text_of(n) for n in nodes(reply.get(ids.TRUTH_TABLE, "children")) if n["type"] == "Th"][:4]
    assert header[1:] == list(iris.target_names)


def test_a_dataset_without_classes_says_so(client, dash_app):
    view = small_view(client, dash_app)
    reply = lesson(client, dash_app, "truth-scores.children", view, "truth")
    assert "has no known classes" in text_of(reply.get(ids.TRUTH_SCORES, "children"))
    assert reply.get(ids.TRUTH_TABLE, "children") is None


def test_the_truth_tab_before_any_view_computes_nothing(client, dash_app, iris3):
    # A closed tab is never sent the view (callbacks/gates.py; the browser test counts the requests).
    assert lesson(client, dash_app, "truth-scores.children", None, "truth").status == 204


# --- other algorithms ----------------------------------------------------------------


def algorithm_reply(client, app, view, name):
    return lesson(client, app, "algorithm-scores.children", view, "algorithms", compare_algorithm=name)


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")  # our own SpectralClustering fit below
def test_spectral_follows_the_moons_and_kmeans_cuts_across(client, dash_app, moons2):
    x, y = make_moons(200, noise=0.05, random_state=0)
    spectral = algorithm_reply(client, dash_app, moons2, "spectral").get(ids.ALGORITHM_SCORES, "children")
    kmeans = algorithm_reply(client, dash_app, moons2, "kmeans").get(ids.ALGORITHM_SCORES, "children")

    settings = COMPARISON_ALGORITHMS["spectral"].arguments(2)
    expected_spectral = adjusted_rand_score(y, SpectralClustering(**settings).fit_predict(x))
    assert bold(spectral, "ari-truth") == f"{expected_spectral:.4f}"
    assert float(bold(spectral, "ari-truth")) == pytest.approx(1.0, abs=1e-4)
    expected_kmeans = adjusted_rand_score(y, KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(x))
    assert bold(kmeans, "ari-truth") == f"{expected_kmeans:.4f}"
    assert float(bold(kmeans, "ari-truth")) < 0.5
    tree_ari = adjusted_rand_score(y, app_labels(x, moons2))
    assert f"(the tree's cut: {tree_ari:.4f})" in text_of(kmeans)
    assert "found 2 clusters." in text_of(kmeans)


def test_hdbscan_chooses_its_own_number(client, dash_app, moons2):
    reply = algorithm_reply(client, dash_app, moons2, "hdbscan")
    assert "(it chooses its own number)" in text_of(reply.get(ids.ALGORITHM_SCORES, "children"))
    limits = reply.get(ids.ALGORITHM_LIMITS, "children")
    assert COMPARISON_ALGORITHMS["hdbscan"].limits in text_of(limits)
    assert text_of(limits[-1]) == "HDBSCAN(min_cluster_size=5, copy=True)"


def test_the_limits_and_the_constructor_are_shown(client, dash_app, moons2):
    limits = algorithm_reply(client, dash_app, moons2, "kmeans").get(ids.ALGORITHM_LIMITS, "children")
    assert limits[0] == "Assumes round (convex) groups of similar size and needs k."
    assert limits[-1]["type"] == "Code"
    assert (
        text_of(limits[-1])
        == "KMeans(n_clusters=2, n_init=10, random_state=0)"
        == (COMPARISON_ALGORITHMS["kmeans"].code(2))
    )


def test_the_algorithms_tab_closed_or_an_unknown_name_computes_nothing(client, dash_app, moons2):
    closed = lesson(client, dash_app, "algorithm-scores.children", moons2, "truth", compare_algorithm="kmeans")
    assert closed.status == 204
    assert algorithm_reply(client, dash_app, moons2, "no-such").status == 204


# --- cluster profile ------------------------------------------------------------------


def p_text(p: float) -> str:
    return "< 0.0001" if p < 1e-4 else f"{p:.2g}"


def test_the_profile_ranks_features_by_cohens_d_with_scipys_rank_test(client, dash_app, iris3):
    reply = lesson(client, dash_app, "cluster-profile.children", iris3, "profile")
    iris = load_iris()
    labels = app_labels(iris.data, iris3)
    tables = [n for n in nodes(reply.get(ids.CLUSTER_PROFILE, "children")) if n["type"] == "Tbody"]
    assert len(tables) == 3
    for cluster, body in enumerate(tables, start=1):
        inside, outside = iris.data[labels == cluster], iris.data[labels != cluster]
        n_in, n_out = len(inside), len(outside)
        pooled = np.sqrt(
            ((n_in - 1) * inside.var(axis=0, ddof=1) + (n_out - 1) * outside.var(axis=0, ddof=1)) / (n_in + n_out - 2)
        )
        d = (inside.mean(axis=0) - outside.mean(axis=0)) / pooled
        p = mannwhitneyu(inside, outside, axis=0).pvalue
        order = np.argsort(-np.abs(d), kind="stable")
        rows = [[text_of(cell) for cell in row["props"]["children"]] for row in nodes(body) if row["type"] == "Tr"]
        assert [row[0] for row in rows] == [iris.feature_names[j] for j in order]
        assert [row[1] for row in rows] == [f"{d[j]:+.2f}" for j in order]
        assert [row[4] for row in rows] == [p_text(p[j]) for j in order]
    # A closed tab is never sent the view: callbacks/gates.py (the browser test counts the requests).


# --- colour by ---------------------------------------------------------------------


def test_colour_by_true_class_paints_the_classes(client, dash_app, iris3):
    colors, palette, ops = painted(paint(client, dash_app, iris3, "truth"))
    assert adjusted_rand_score(load_iris().target, colors) == 1.0
    assert "coloured by true class" in ops[("layout", "annotations")][0]["text"]
    assert len(palette) == 3


def test_colour_by_kmeans_paints_sklearns_fit(client, dash_app, moons2):
    x, _ = make_moons(200, noise=0.05, random_state=0)
    colors, _, ops = painted(paint(client, dash_app, moons2, "algorithm", "kmeans"))
    assert adjusted_rand_score(KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(x), colors) == 1.0
    assert "coloured by k-means" in ops[("layout", "annotations")][0]["text"]


def test_truth_without_classes_falls_back_to_the_tree_with_a_message(client, dash_app):
    view = small_view(client, dash_app)
    reply = paint(client, dash_app, view, "truth")
    colors, _, _ = painted(reply)
    np.testing.assert_array_equal(colors, app_labels(SMALL, view))
    message = text_of(reply.get(ids.MESSAGE, "children"))
    assert "Cannot colour by that" in message and "no known classes" in message


def test_centroids_are_the_cluster_means_of_the_plotted_positions(client, dash_app, moons2):
    x, _ = make_moons(200, noise=0.05, random_state=0)  # two features: the scatter shows them as they are
    reply = paint(client, dash_app, moons2, "tree", centroids=["on"], triggered=ids.SHOW_CENTROIDS)
    ops = operations(reply.get(ids.SCATTER, "figure"))
    assert ("data", 0, "marker", "color") not in ops  # the cut's own colours stay
    marks = centroid_marks(ops)
    labels = app_labels(x, moons2)
    assert sorted(marks) == [1, 2]
    for cluster, (cx, cy, _) in marks.items():
        np.testing.assert_allclose([cx, cy], x[labels == cluster].mean(axis=0), rtol=1e-12)

    off = operations(paint(client, dash_app, moons2, "tree", triggered=ids.SHOW_CENTROIDS).get(ids.SCATTER, "figure"))
    assert off[("data", 1, "x")] == [] and off[("data", 1, "y")] == []


def test_centroids_of_the_classes_on_the_pca_plane_wear_their_colours(client, dash_app):
    view = view_of(client, dash_app, "iris")  # k = 2: the third class has no tree cluster of its own
    assert view["k"] == 2
    colors, palette, ops = painted(paint(client, dash_app, view, "truth", centroids=["on"]))

    iris = load_iris()
    plane = PCA(n_components=2, svd_solver="full", random_state=0).fit_transform(iris.data)
    marks = centroid_marks(ops)
    assert sorted(marks) == [1, 2, 3]
    for painted_id, (cx, cy, colour) in marks.items():
        members = colors == painted_id
        assert len(set(iris.target[members])) == 1  # one class per colour
        np.testing.assert_allclose([cx, cy], plane[members].mean(axis=0), rtol=1e-9, atol=1e-12)
        assert colour == palette[painted_id - 1], painted_id  # the marker wears its points' colour


def test_noise_is_grey_even_when_fewer_groups_than_clusters_are_found():
    cut = Cut(height=1.0, labels=np.array([1, 1, 2, 2, 3, 3]), n_clusters=3, roots=np.array([6, 7, 8]))
    found = np.array([1, 1, 2, 2, 0, 0])  # two groups and noise, under a cut into three

    painting = other_painting(cut, np.array([0, 1, 2]), found, "note")

    np.testing.assert_array_equal(painting.labels, [1, 1, 2, 2, 0, 0])
    ids_painted = decode(painting.colors[("data", 0, "marker", "color")])
    slots = painting.slots[ids_painted - 1]
    assert slots[:4].tolist() == [0, 0, 1, 1] and slots[4:].tolist() == [N_SLOTS, N_SLOTS]
    steps = painting.colors[("data", 0, "marker", "colorscale")][::2]
    assert [steps[i - 1][1] for i in ids_painted] == [CLUSTER_COLORS[0]] * 2 + [CLUSTER_COLORS[1]] * 2 + [
        NEUTRAL_COLOR
    ] * 2


# --- the image card ----------------------------------------------------------------


def china_picture() -> np.ndarray:
    picture = Image.fromarray(load_sample_image("china.jpg"))
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return np.asarray(picture)


def image_reply(client, app, view, color_by="tree", algorithm="kmeans"):
    return call(
        client,
        app,
        ["recolored-image.src"],
        inputs={"panel-view-image.data": view, "color-by.value": color_by, "compare-algorithm.value": algorithm},
        state={"view-store.data": view},
    )


def test_china_at_k8_is_redrawn_in_the_clusters_mean_colours(client, dash_app):
    view = view_of(client, dash_app, "china", 8)
    reply = image_reply(client, dash_app, view)

    assert reply.get(ids.IMAGE_CARD, "hidden") is False
    original = data_uri_pixels(reply.get(ids.ORIGINAL_IMAGE, "src"))
    np.testing.assert_array_equal(original, china_picture())
    redrawn = data_uri_pixels(reply.get(ids.RECOLORED_IMAGE, "src"))
    assert redrawn.shape == original.shape == (320, 480, 3)
    colours = np.unique(redrawn.reshape(-1, 3), axis=0)
    stated = int(
        re.match(r"redrawn in (\d+) colours by the tree's cut", text_of(reply.get(ids.IMAGE_NOTE, "children")))[1]
    )
    assert len(colours) == stated <= 8
    # Every colour is the rounded mean colour of one of SciPy's clusters of the sampled pixels.
    rows = np.sort(np.random.RandomState(0).choice(original.shape[0] * original.shape[1], 2000, replace=False))
    sampled = original.reshape(-1, 3)[rows].astype(float)
    labels = app_labels(sampled, view)
    means = {tuple(np.rint(sampled[labels == c].mean(axis=0)).astype(int)) for c in range(1, 9)}
    assert {tuple(c) for c in colours.tolist()} <= means


def test_china_coloured_by_kmeans_is_redrawn_by_kmeans(client, dash_app):
    view = view_of(client, dash_app, "china", 8)
    reply = image_reply(client, dash_app, view, "algorithm", "kmeans")
    assert text_of(reply.get(ids.IMAGE_NOTE, "children")).endswith("by k-means")
    assert len(np.unique(data_uri_pixels(reply.get(ids.RECOLORED_IMAGE, "src")).reshape(-1, 3), axis=0)) <= 8


def test_a_table_hides_the_image_card(client, dash_app, iris3):
    reply = image_reply(client, dash_app, iris3)
    assert reply.get(ids.IMAGE_CARD, "hidden") is True
    assert not reply.has(ids.RECOLORED_IMAGE, "src")


def test_an_image_hdbscan_finds_no_cluster_in_is_grey_and_not_redrawn(client, dash_app):
    noise = np.random.RandomState(0).randint(0, 256, size=(4, 4, 3)).astype(np.uint8)  # HDBSCAN: all noise
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    ref = upload(client, dash_app, buffer.getvalue(), "noise.png").get(ids.DATA_REF, "data")
    view = tree(client, dash_app, ref).get(ids.VIEW, "data")

    colors, palette, ops = painted(paint(client, dash_app, view, "algorithm", "hdbscan", centroids=["on"]))
    assert {palette[c - 1] for c in colors} == {NEUTRAL_COLOR}
    assert ops[("data", 1, "x")] == []  # no centroid to mark
    reply = image_reply(client, dash_app, view, "algorithm", "hdbscan")  # was a 500 (recolor with no centre)
    assert reply.get(ids.RECOLORED_IMAGE, "src") is None
    assert "HDBSCAN found no clusters" in text_of(reply.get(ids.IMAGE_NOTE, "children"))
    np.testing.assert_array_equal(data_uri_pixels(reply.get(ids.ORIGINAL_IMAGE, "src")), noise)


# --- the heatmap -------------------------------------------------------------------


def heatmap_reply(client, app, view, options=(), drawn=None, triggered=None):
    return call(
        client,
        app,
        ["heatmap.figure"],
        inputs={
            "look-view-heatmap.data": view,
            "heatmap-scale.value": "value",
            "heatmap-options.value": list(options),
        },
        state={"heatmap-drawn.data": drawn, "lesson-tabs.value": "heatmap"},
        triggered=triggered,
    )


def heatmap_rows(reply) -> list[int]:
    (meta,) = [trace["meta"] for trace in reply.get(ids.HEATMAP, "figure")["data"] if trace.get("meta")]
    return meta["row_nodes"]


def test_heatmap_rows_follow_scipys_leaf_order_and_the_optimal_one(client, dash_app):
    view = small_view(client, dash_app, p=30)  # p >= n: every sample is a row
    z = linkage(SMALL, "ward")

    plain = heatmap_reply(client, dash_app, view)
    assert heatmap_rows(plain) == leaves_list(z).tolist()
    optimal = heatmap_reply(client, dash_app, view, ["optimal"])
    assert heatmap_rows(optimal) == leaves_list(optimal_leaf_ordering(z, pdist(SMALL))).tolist()
    assert heatmap_rows(optimal) != heatmap_rows(plain)  # the ordering changed something here
    assert "in optimal leaf order" in text_of(optimal.get(ids.HEATMAP_NOTE, "children"))


def test_a_cut_of_the_same_drawing_sends_a_patch(client, dash_app):
    view = small_view(client, dash_app, p=30)
    first = heatmap_reply(client, dash_app, view)
    drawn = first.get(ids.HEATMAP_DRAWN, "data")
    assert "__dash_patch_update" not in first.get(ids.HEATMAP, "figure")

    moved = move_cut(client, dash_app, view, n_clusters=4).get(ids.VIEW, "data")
    second = heatmap_reply(client, dash_app, moved, drawn=drawn, triggered=["look-view-heatmap.data"])
    assert "__dash_patch_update" in second.get(ids.HEATMAP, "figure")
    assert not second.has(ids.HEATMAP_DRAWN, "data")
    # Another option is another drawing: a whole figure again.
    third = heatmap_reply(client, dash_app, moved, ["optimal"], drawn=drawn, triggered=["heatmap-options.value"])
    assert "__dash_patch_update" not in third.get(ids.HEATMAP, "figure")


# --- grouped export ----------------------------------------------------------------


def grouped_reply(client, app, view, kind, rows=()):
    return call(
        client,
        app,
        ["download-grouped-file.data"],
        inputs={"download-grouped.n_clicks": 1},
        state={"grouped-format.value": kind, "grouped-rows.value": list(rows), "view-store.data": view},
    )


def test_grouped_csv_lists_the_members_cluster_by_cluster(client, dash_app, iris3):
    download = grouped_reply(client, dash_app, iris3, "csv").get(ids.DOWNLOAD_GROUPED_FILE, "data")
    assert download["filename"] == "iris_ward_k3_grouped.csv" and download["type"] == "text/csv"
    lines = list(csv.reader(io.StringIO(download["content"])))

    assert lines[0] == ["cluster", "size", "row", "label", "class"]
    clusters = np.array([int(line[0]) for line in lines[1:]])
    assert np.all(np.diff(clusters) >= 0)  # grouped
    expected = app_labels(load_iris().data, iris3)
    sizes = np.bincount(expected)
    np.testing.assert_array_equal(np.bincount(clusters), sizes)
    assert all(int(line[1]) == sizes[int(line[0])] for line in lines[1:])
    for cluster in (1, 2, 3):
        members = [int(line[2]) for line in lines[1:] if line[0] == str(cluster)]
        np.testing.assert_array_equal(members, np.flatnonzero(expected == cluster))
    assert [line[4] for line in lines[1:51]] == ["setosa"] * 50


def test_grouped_workbook_has_a_clusters_sheet_and_a_sheet_per_cluster(client, dash_app, iris3):
    download = grouped_reply(client, dash_app, iris3, "xlsx", ["on"]).get(ids.DOWNLOAD_GROUPED_FILE, "data")
    assert download["filename"] == "iris_ward_k3_grouped.xlsx" and download["base64"] is True
    book = load_workbook(io.BytesIO(base64.b64decode(download["content"])), read_only=True)

    assert book.sheetnames == ["clusters", "cluster 1", "cluster 2", "cluster 3"]
    expected = app_labels(load_iris().data, iris3)
    summary = list(book["clusters"].iter_rows(values_only=True))
    assert summary == [("cluster", "size"), *((c, int(n)) for c, n in enumerate(np.bincount(expected)[1:], 1))]
    iris = load_iris()
    for cluster in (1, 2, 3):
        rows = list(book[f"cluster {cluster}"].iter_rows(values_only=True))
        assert rows[0] == ("row", "label", "class", *iris.feature_names)
        np.testing.assert_array_equal([row[0] for row in rows[1:]], np.flatnonzero(expected == cluster))
        np.testing.assert_allclose(np.array([row[3:] for row in rows[1:]]), iris.data[expected == cluster])


# --- centroid gallery --------------------------------------------------------------


def test_digits_gallery_has_one_centroid_image_per_cluster(client, dash_app):
    view = view_of(client, dash_app, "digits", 10)
    reply = lesson(client, dash_app, "centroid-images.children", view, "centroids")
    images = [n for n in nodes(reply.get(ids.CENTROID_IMAGES, "children")) if n["type"] == "Img"]
    assert len(images) == 10

    digits = load_digits()
    labels = app_labels(digits.data, view)
    first = data_uri_pixels(images[0]["props"]["src"])[::6, ::6, 0]  # 6 x 6 blocks of one grey
    mean = digits.data[labels == 1].mean(axis=0).reshape(8, 8)
    np.testing.assert_array_equal(first, 255 - np.rint(mean / 16 * 255).astype(np.uint8))
    captions = [text_of(n) for n in nodes(reply.get(ids.CENTROID_IMAGES, "children")) if n["type"] == "Span"]
    assert captions == [f"{c}: {n:,}" for c, n in enumerate(np.bincount(labels)[1:], 1)]


def test_a_clicked_centroid_shows_its_first_members(client, dash_app):
    view = view_of(client, dash_app, "digits", 10)
    clicks = [0] * 10
    clicks[2] = 1
    reply = call(
        client,
        dash_app,
        ["centroid-members.children"],
        inputs={'{"index":["ALL"],"type":"centroid-pick"}.n_clicks': clicks},
        state={"view-store.data": view},
        triggered=['{"index":3,"type":"centroid-pick"}.n_clicks'],
    )
    children = reply.get(ids.CENTROID_MEMBERS, "children")
    digits = load_digits()
    members = np.flatnonzero(app_labels(digits.data, view) == 3)
    assert text_of(children[0]) == f"Cluster 3: the first 12 of its {members.size:,} members"
    captions = [text_of(n) for n in nodes(children) if n["type"] == "Figcaption"]
    assert captions == [f"{row} ({digits.target[row]})" for row in members[:12]]


def test_a_zoomed_branch_zooms_the_heatmaps_rows(client, dash_app):
    view = small_view(client, dash_app, p=30)
    z = linkage(SMALL, "ward")
    n = len(SMALL)
    root = n + len(z) - 2  # the second highest merge: one branch of the tree
    zoomed = {**view, "zoom_root": int(root)}
    rows = heatmap_rows(heatmap_reply(client, dash_app, zoomed))
    # The rows are the branch's samples, in the tree's left-to-right order.
    order = leaves_list(z).tolist()
    size = int(z[root - n, 3])
    assert len(rows) == size
    start = order.index(rows[0])
    assert rows == order[start : start + size]
