"""The view as one value: what the page's address, a saved session and the generated code hold.

A :class:`View` names everything that shapes what the user sees (which data
and how it was read, the linkage, the display, the cut, the zoom, the
selection, the colouring and the open aid) and nothing that is derived from
it (trees, figures, the session id). It has one encoder, :func:`encode`, to
a query string, and one decoder, :func:`decode`, back; ``decode(encode(v))``
is ``v`` for every valid view (a property test checks it).

A hand-edited or stale address may hold values that are not valid. The
decoder never fails: each bad value is replaced by the nearest valid one
(usually the default) and a sentence naming the value and the rule is
added to :attr:`Decoded.problems`. Rules that need the data (k at most n, a
branch that exists in the tree, the columns of an upload) are checked when
the view is shown.

Only values that differ from the defaults are written, in a fixed order, so
equal views give equal addresses and the default view has an empty one.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlencode

from hclust import LINKAGE_METHODS, METRICS, ClusteringError, validate_choice
from hclust.algorithms import COMPARISON_ALGORITHMS, DEFAULT_ALGORITHM
from hclust.cut import DEFAULT_INCONSISTENCY_DEPTH, INCONSISTENT, MAXCLUST, CutRule
from hclust.dendrogram import DEFAULT_TRUNCATE_P, MAX_TRUNCATE_P
from hclust.options import DEFAULT_METHOD, DEFAULT_METRIC, EUCLIDEAN
from hclust.tree import PRECOMPUTED
from loaders import AUTO, BUILTIN_DATASETS, DEFAULT_DATASET, MISSING_POLICIES, READINGS, SCALINGS
from state.session_store import EXACT, TREE_MODES
from state.view_value import (
    AID_TABS,
    COLORINGS,
    HEATMAP_SCALES,
    LESSON_TABS,
    MAX_COMPARED,
    SLOT_DIGITS,
    THEMES,
    UPLOAD_KEY,
    Decoded,
    Source,
    View,
)

__all__ = [
    "AID_TABS",
    "COLORINGS",
    "HEATMAP_SCALES",
    "LESSON_TABS",
    "MAX_COMPARED",
    "THEMES",
    "Decoded",
    "Source",
    "View",
    "decode",
    "encode",
]


# --- encoding ---------------------------------------------------------------


def encode(view: View) -> str:
    """The query string (without ``?``) of a view; empty for the default view.

    Parameters
    ----------
    view : View

    Returns
    -------
    str
        ``key=value`` pairs, URL-encoded, in a fixed order; only values that
        differ from the defaults. A list of feature columns is one ``col``
        pair per column.
    """
    return urlencode(_pairs(view))


def _pairs(view: View) -> list[tuple[str, str]]:
    default = View()
    pairs = _source_pairs(view.source)
    for key, value, default_value in (
        ("method", view.method, default.method),
        ("metric", view.metric, default.metric),
        ("tree", view.tree_mode, default.tree_mode),
        ("p", view.p, default.p),
    ):
        if value != default_value:
            pairs.append((key, str(value)))
    if view.annotate_above is not None:
        pairs.append(("labels_above", _number(view.annotate_above)))
    pairs += _cut_pairs(view.cut)
    if view.colors:
        pairs.append(("colors", "".join(SLOT_DIGITS[slot] for slot in view.colors)))
    for key, value in (("zoom", view.zoom), ("select", view.selection)):
        if value is not None:
            pairs.append((key, str(value)))
    if view.coloring != default.coloring:
        pairs.append(("color", view.coloring))
    if view.aid != default.aid:
        pairs.append(("aid", view.aid))
    pairs += [("vs", method) for method in view.compare]
    if view.merge is not None:
        pairs.append(("merge", str(view.merge)))
    if view.present:
        pairs.append(("present", "1"))
    if view.theme != default.theme:
        pairs.append(("theme", view.theme))
    return pairs + _lesson_pairs(view, default)


def _lesson_pairs(view: View, default: View) -> list[tuple[str, str]]:
    pairs = []
    for key, value, default_value in (
        ("algo", view.algorithm, default.algorithm),
        ("look", view.lesson, default.lesson),
        ("heat", view.heat_scale, default.heat_scale),
    ):
        if value != default_value:
            pairs.append((key, value))
    for key, on in (("centroids", view.centroids), ("heatcols", view.heat_columns), ("olo", view.heat_optimal)):
        if on:
            pairs.append((key, "1"))
    return pairs


def _source_pairs(source: Source) -> list[tuple[str, str]]:
    default = Source()
    if source.is_upload:
        pairs = [("upload", source.upload)]
        pairs += [("file", source.filename)] if source.filename else []
        pairs += [("sheet", source.sheet)] if source.sheet is not None else []
        pairs += [("read", source.read_as)] if source.read_as != AUTO else []
        pairs += [("col", column) for column in source.features or ()]
        if source.label != AUTO:
            pairs.append(("label", "" if source.label is None else source.label))
        pairs += [("missing", source.missing)] if source.missing != default.missing else []
        pairs += [("classes", source.classes)] if source.classes is not None else []
    else:
        pairs = [("data", source.example)] if source.example != default.example else []
    if source.scaling != default.scaling:
        pairs.append(("scale", source.scaling))
    return pairs


def _cut_pairs(cut: CutRule | None) -> list[tuple[str, str]]:
    if cut is None:
        return []
    if cut.criterion == MAXCLUST:
        return [("k", str(int(cut.k)))]
    if cut.criterion == INCONSISTENT:
        return [("t", _number(cut.threshold)), ("depth", str(int(cut.depth)))]
    return [("height", _number(cut.height))]


def _number(value: float) -> str:
    """A float as short as it can be while reading back exactly (12.0 -> "12")."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


# --- decoding ---------------------------------------------------------------

_KNOWN = {
    "data", "upload", "file", "sheet", "read", "col", "label", "missing", "scale", "method", "metric", "tree",
    "p", "labels_above", "height", "k", "t", "depth", "colors", "zoom", "select", "color", "aid",
    "vs", "merge", "present", "theme", "classes", "algo", "centroids", "look", "heat", "heatcols", "olo",
}  # fmt: skip


def decode(query: str) -> Decoded:
    """Read a query string (with or without ``?``) into the nearest valid :class:`View`.

    Parameters
    ----------
    query : str
        As :func:`encode` writes it, or edited by hand.

    Returns
    -------
    Decoded
        The view, and one sentence per value that was replaced (naming the
        value, the rule and what is shown instead). Never raises.
    """
    pairs = parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
    reader = _Reader(pairs)
    source = reader.source()
    method, metric = reader.linkage(source)
    view = View(
        source=source,
        method=method,
        metric=metric,
        tree_mode=reader.choice("tree", TREE_MODES, EXACT, "tree mode"),
        p=reader.whole("p", DEFAULT_TRUNCATE_P, 2, MAX_TRUNCATE_P, "leaves shown (p)"),
        annotate_above=reader.height("labels_above", "'label merges above' height"),
        cut=reader.cut(),
        colors=reader.colors(),
        zoom=reader.whole("zoom", None, 0, None, "zoomed branch", "showing the whole tree"),
        selection=reader.whole("select", None, 0, None, "selected branch", "nothing is selected"),
        coloring=reader.coloring(),
        aid=reader.choice("aid", AID_TABS, "elbow", "aids tab"),
        compare=reader.compared(),
        merge=reader.whole("merge", None, 1, None, "merge step", "the merge player is off"),
        present=reader.switch("present", "presentation mode"),
        theme=reader.choice("theme", THEMES, "auto", "theme"),
        algorithm=reader.algorithm(),
        centroids=reader.switch("centroids", "centroid markers"),
        lesson=reader.choice("look", LESSON_TABS, "truth", "'look inside' tab"),
        heat_scale=reader.choice("heat", HEATMAP_SCALES, HEATMAP_SCALES[0], "heatmap colouring"),
        heat_columns=reader.switch("heatcols", "heatmap column clustering"),
        heat_optimal=reader.switch("olo", "optimal leaf ordering"),
    )
    return Decoded(view, tuple(reader.problems))


class _Reader:
    """Reads one address's values, collecting a sentence per value it replaces."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.values: dict[str, list[str]] = {}
        for key, value in pairs:
            self.values.setdefault(key, []).append(value)
        self.problems: list[str] = []
        unknown = sorted(set(self.values) - _KNOWN)
        if unknown:
            names = ", ".join(f"'{name}'" for name in unknown)
            self.problems.append(f"The address has settings this app does not know ({names}); they were ignored.")

    def get(self, key: str) -> str | None:
        values = self.values.get(key)
        return values[-1].strip() if values else None

    def refuse(self, text: str) -> None:
        self.problems.append(text[0].upper() + text[1:] + ".")

    def choice(self, key: str, valid, default, name: str) -> str:
        value = self.get(key)
        if value is None or value in valid:
            return default if value is None else value
        self.refuse(f"the {name} '{value}' in the address is not one of: {', '.join(valid)}; showing {default}")
        return default

    def whole(self, key: str, default, low: int, high: int | None, name: str, instead: str = ""):
        text = self.get(key)
        if text is None:
            return default
        number = _float(text)
        if number is not None and number.is_integer() and number >= low and (high is None or number <= high):
            return int(number)
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        instead = instead or f"showing {default}"
        self.refuse(f"the {name} '{text}' in the address must be a whole number {bounds}; {instead}")
        return default

    def height(self, key: str, name: str, instead: str = "it was left out") -> float | None:
        text = self.get(key)
        if text is None or text == "":
            return None
        number = _float(text)
        if number is not None and number >= 0:
            return number
        self.refuse(f"the {name} '{text}' in the address must be a number of at least 0; {instead}")
        return None

    def source(self) -> Source:
        scaling = self.choice("scale", SCALINGS, "none", "scaling")
        upload = self.get("upload")
        if upload is not None:
            if UPLOAD_KEY.fullmatch(upload):
                return self.upload_source(upload, scaling)
            self.refuse(
                f"the upload reference '{upload}' in the address is damaged; showing the {DEFAULT_DATASET} example"
            )
            return Source(scaling=scaling)
        example = self.choice("data", BUILTIN_DATASETS, DEFAULT_DATASET, "dataset")
        return Source(example=example, scaling=scaling)

    def upload_source(self, upload: str, scaling: str) -> Source:
        label = self.get("label")
        return Source(
            example=None,
            upload=upload,
            filename=self.get("file") or None,
            sheet=self.get("sheet"),
            read_as=self.choice("read", {**READINGS, AUTO: AUTO}, AUTO, "reading"),
            features=tuple(value.strip() for value in self.values["col"]) if "col" in self.values else None,
            label=AUTO if label is None else (label or None),
            missing=self.choice("missing", MISSING_POLICIES, "drop", "missing-value policy"),
            scaling=scaling,
            classes=self.get("classes") or None,
        )

    def coloring(self) -> str:
        if self.get("color") == "kmeans":  # addresses written before the other algorithms: k-means colours
            return "algorithm"
        return self.choice("color", COLORINGS, "tree", "colouring")

    def algorithm(self) -> str:
        if self.get("color") == "kmeans" and self.get("algo") is None:
            return "kmeans"
        return self.choice("algo", COMPARISON_ALGORITHMS, DEFAULT_ALGORITHM, "comparison algorithm")

    def linkage(self, source: Source) -> tuple[str, str]:
        method = self.choice("method", LINKAGE_METHODS, DEFAULT_METHOD, "linkage method")
        metrics = {**METRICS, PRECOMPUTED: None} if source.is_upload else METRICS
        metric = self.choice("metric", metrics, DEFAULT_METRIC, "metric")
        if metric == PRECOMPUTED:
            return method, metric  # the data decides (a distance matrix); checked when it is read
        try:
            validate_choice(method, metric)
        except ClusteringError:
            self.refuse(
                f"the address asks for {method} linkage with the {metric} metric, but {method} is defined only "
                f"for euclidean distances; showing {method} with {EUCLIDEAN}"
            )
            return method, EUCLIDEAN
        return method, metric

    def cut(self) -> CutRule | None:
        given = [key for key in ("height", "k", "t") if self.get(key) is not None]
        if len(given) > 1:
            self.refuse(
                f"the address gives more than one cut ({', '.join(given)}); a cut is a height, a k, "
                f"or t with depth; using {given[0]}"
            )
        if not given:
            if self.get("depth") is not None:
                self.refuse("the inconsistency depth in the address needs its threshold t; it was left out")
            return None
        return {"height": self.cut_at_height, "k": self.cut_into, "t": self.cut_inconsistent}[given[0]]()

    def cut_at_height(self) -> CutRule | None:
        height = self.height("height", "cut height", "showing the suggested cut")
        return None if height is None else CutRule.at_height(height)

    def cut_into(self) -> CutRule | None:
        k = self.whole("k", None, 1, None, "number of clusters k", "showing the suggested cut")
        return None if k is None else CutRule.into(k)

    def cut_inconsistent(self) -> CutRule | None:
        t = self.height("t", "inconsistency threshold t", "showing the suggested cut")
        depth = self.whole("depth", DEFAULT_INCONSISTENCY_DEPTH, 1, None, "inconsistency depth")
        return None if t is None else CutRule.inconsistent(t, depth)

    def compared(self) -> tuple[str, ...]:
        methods = tuple(dict.fromkeys(value.strip() for value in self.values.get("vs", ())))
        unknown = [method for method in methods if method not in LINKAGE_METHODS]
        if unknown:
            self.refuse(
                f"the side-by-side method{'s' if len(unknown) > 1 else ''} {', '.join(repr(m) for m in unknown)} "
                f"in the address {'are' if len(unknown) > 1 else 'is'} not one of: {', '.join(LINKAGE_METHODS)}; "
                "left out"
            )
        known = tuple(method for method in methods if method in LINKAGE_METHODS)
        if len(known) > MAX_COMPARED:
            self.refuse(f"at most {MAX_COMPARED} methods go side by side; showing the first {MAX_COMPARED}")
        return known[:MAX_COMPARED]

    def switch(self, key: str, name: str) -> bool:
        value = self.get(key)
        if value is None or value in ("0", "1"):
            return value == "1"
        self.refuse(f"the {name} setting '{value}' in the address must be 1 (on) or 0 (off); it is off")
        return False

    def colors(self) -> tuple[int, ...]:
        text = self.get("colors")
        if not text:
            return ()
        if all(char in SLOT_DIGITS for char in text):
            return tuple(SLOT_DIGITS.index(char) for char in text)
        self.refuse(f"the colours '{text}' in the address are damaged; the default colours are shown")
        return ()


def _float(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


__all__ = ["AID_TABS", "COLORINGS", "MAX_COMPARED", "THEMES", "Decoded", "Source", "View", "decode", "encode"]
