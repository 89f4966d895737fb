"""The view value: one encoder, one decoder, and hand-edited addresses that open the nearest valid view."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hclust import LINKAGE_METHODS, METRICS
from hclust.algorithms import COMPARISON_ALGORITHMS
from hclust.cut import CutRule
from hclust.dendrogram import MAX_TRUNCATE_P
from loaders import BUILTIN_DATASETS, MISSING_POLICIES, SCALINGS
from state.session_store import TREE_MODES
from state.view import AID_TABS, COLORINGS, HEATMAP_SCALES, LESSON_TABS, THEMES, Source, View, decode, encode

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).map(str.strip).filter(bool)
_height = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
_examples = st.builds(
    Source,
    example=st.sampled_from(sorted(BUILTIN_DATASETS)),
    scaling=st.sampled_from(sorted(SCALINGS)),
)
_uploads = st.builds(
    Source,
    example=st.none(),
    upload=st.text("0123456789abcdef", min_size=32, max_size=32),
    filename=st.none() | _text,
    sheet=st.none() | _text,
    read_as=st.sampled_from(["auto", "observations", "distances"]),
    features=st.none() | st.lists(_text, min_size=1, max_size=5).map(tuple),
    label=st.none() | st.just("auto") | _text,
    missing=st.sampled_from(sorted(MISSING_POLICIES)),
    scaling=st.sampled_from(sorted(SCALINGS)),
    classes=st.none() | _text,
)
_cuts = st.none() | st.one_of(
    _height.map(CutRule.at_height),
    st.integers(1, 10_000).map(CutRule.into),
    st.builds(CutRule.inconsistent, _height, st.integers(1, 20)),
)


@st.composite
def views(draw) -> View:
    """Any valid view: compatible method and metric, values in range."""
    method = draw(st.sampled_from(sorted(LINKAGE_METHODS)))
    metrics = ["euclidean"] if LINKAGE_METHODS[method].needs_euclidean else sorted(METRICS)
    return View(
        source=draw(_examples | _uploads),
        method=method,
        metric=draw(st.sampled_from(metrics)),
        tree_mode=draw(st.sampled_from(sorted(TREE_MODES))),
        p=draw(st.integers(2, MAX_TRUNCATE_P)),
        annotate_above=draw(st.none() | _height),
        cut=draw(_cuts),
        colors=tuple(draw(st.lists(st.integers(0, 9), max_size=12))),
        zoom=draw(st.none() | st.integers(0, 10**6)),
        selection=draw(st.none() | st.integers(0, 10**6)),
        coloring=draw(st.sampled_from(COLORINGS)),
        aid=draw(st.sampled_from(sorted(AID_TABS))),
        compare=tuple(draw(st.lists(st.sampled_from(sorted(LINKAGE_METHODS)), max_size=4, unique=True))),
        merge=draw(st.none() | st.integers(1, 10**6)),
        present=draw(st.booleans()),
        theme=draw(st.sampled_from(THEMES)),
        algorithm=draw(st.sampled_from(sorted(COMPARISON_ALGORITHMS))),
        centroids=draw(st.booleans()),
        lesson=draw(st.sampled_from(sorted(LESSON_TABS))),
        heat_scale=draw(st.sampled_from(HEATMAP_SCALES)),
        heat_columns=draw(st.booleans()),
        heat_optimal=draw(st.booleans()),
    )


@given(views())
def test_every_valid_view_comes_back_from_its_address_unchanged(view):
    decoded = decode(encode(view))
    assert decoded.problems == ()
    assert decoded.view == view


@given(views())
def test_an_address_is_written_one_way_only(view):
    assert encode(decode(encode(view)).view) == encode(view)


def test_the_default_view_has_an_empty_address():
    assert encode(View()) == ""
    assert decode("") == decode("?")
    assert decode("").view == View()


def test_the_teachers_view_reads_as_its_settings():
    view = View(source=Source(example="moons"), method="single", cut=CutRule.into(2))
    assert encode(view) == "data=moons&method=single&k=2"
    assert decode("?data=moons&method=single&k=2").view == view


def test_feature_columns_with_commas_and_spaces_survive():
    source = Source(example=None, upload="0" * 32, filename="my data, v2.csv", features=("a, b", "c&d", "é"))
    assert decode(encode(View(source=source))).view.source == source


def test_an_unknown_method_names_the_value_and_falls_back_to_ward():
    decoded = decode("data=moons&method=wart&k=2")
    assert decoded.view.method == "ward"
    assert decoded.view.source.example == "moons" and decoded.view.cut == CutRule.into(2)
    (problem,) = decoded.problems
    assert "'wart'" in problem and "single" in problem and "showing ward" in problem


def test_k_zero_is_refused_with_the_rule():
    decoded = decode("k=0")
    assert decoded.view.cut is None
    (problem,) = decoded.problems
    assert "'0'" in problem and "whole number of at least 1" in problem


def test_ward_with_cityblock_keeps_ward_and_takes_euclidean():
    decoded = decode("method=ward&metric=cityblock")
    assert (decoded.view.method, decoded.view.metric) == ("ward", "euclidean")
    (problem,) = decoded.problems
    assert "euclidean" in problem and "cityblock" in problem


def test_two_cuts_use_the_first_and_say_so():
    decoded = decode("height=16&k=3")
    assert decoded.view.cut == CutRule.at_height(16.0)
    assert "more than one cut" in decoded.problems[0]


def test_bad_values_each_get_a_sentence_and_a_default():
    decoded = decode(
        "data=nope&p=1&tree=fast&labels_above=-3&colors=%21%21&zoom=x&aid=help&color=red&foo=1"
        "&vs=single&vs=wart&present=yes&theme=pink&merge=0"
    )
    view = decoded.view
    assert view.source.example == "classic" and view.p == 12 and view.tree_mode == "exact"
    assert view.annotate_above is None and view.colors == () and view.zoom is None
    assert view.aid == "elbow" and view.coloring == "tree"
    assert view.compare == ("single",) and not view.present and view.theme == "auto" and view.merge is None
    assert len(decoded.problems) == 13
    assert any("'foo'" in problem for problem in decoded.problems)
    assert all(problem[0].isupper() and problem.endswith(".") for problem in decoded.problems)


def test_a_damaged_upload_reference_opens_the_example():
    decoded = decode("upload=../../etc&method=single")
    assert decoded.view.source == Source() and decoded.view.method == "single"
    assert "damaged" in decoded.problems[0]


def test_precomputed_distances_are_a_metric_only_for_uploads():
    upload = decode(f"upload={'a' * 32}&method=average&metric=precomputed").view
    assert upload.metric == "precomputed"
    example = decode("metric=precomputed")
    assert example.view.metric == "euclidean" and example.problems


def test_the_projector_view_with_methods_side_by_side_reads_as_its_settings():
    view = View(source=Source(example="moons"), compare=("single", "ward"), present=True, theme="dark", merge=14)
    assert encode(view) == "data=moons&vs=single&vs=ward&merge=14&present=1&theme=dark"
    assert decode(encode(view)).view == view


def test_an_old_k_means_colouring_address_colours_by_k_means():
    view = decode("color=kmeans").view
    assert (view.coloring, view.algorithm) == ("algorithm", "kmeans")
    assert decode("color=algorithm&algo=spectral").view.algorithm == "spectral"


def test_a_bad_lesson_setting_is_replaced_and_named():
    decoded = decode("algo=dbscan&look=nowhere&olo=2")
    assert (decoded.view.algorithm, decoded.view.lesson, decoded.view.heat_optimal) == ("kmeans", "truth", False)
    assert len(decoded.problems) == 3
    assert "dbscan" in decoded.problems[0]
