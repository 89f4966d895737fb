"""The Python code that reproduces a view: pandas and SciPy, step by step.

The code is generated from :attr:`loaders.Dataset.provenance` (how the data
was read and prepared, see ``loaders/README.md``) and the view's linkage and
cut. Run next to the data file, it prints the same cophenetic correlation
and cluster sizes as the app, and ``clusters`` holds the same cluster ids
(numbered left to right in dendrogram order, as the app numbers them).
"""

from __future__ import annotations

from collections.abc import Sequence

from hclust.cut import CutRule
from hclust.errors import ClusteringError
from loaders.errors import DataError
from loaders.images import MAX_SIDE, SAMPLE_IMAGES, TREE_SAMPLE

PRECOMPUTED = "precomputed"
VECTOR_METHODS = ("single", "ward", "centroid", "median")
"""Methods ``fastcluster.linkage_vector`` links from the euclidean observations, without the distances."""
CODE_PDIST_MAX_BYTES = 2_000_000_000
"""Above this size of ``pdist(X)`` (about 22,000 samples), a script for those methods links without it."""

_READERS = {"csv": "read_csv", "tsv": "read_csv", "xlsx": "read_excel", "parquet": "read_parquet", "json": "read_json"}


def _sample_image_recipe(key: str) -> tuple[tuple[str, ...], list[str]]:
    """An image's pixels as X: scaled down, then a seeded sample of them (as ``loaders.images`` does)."""
    return (
        ("from PIL import Image", "from sklearn.datasets import load_sample_image"),
        [
            f'picture = Image.fromarray(load_sample_image("{SAMPLE_IMAGES[key]}"))',
            f"picture.thumbnail(({MAX_SIDE}, {MAX_SIDE}), Image.Resampling.LANCZOS)  # longer side <= {MAX_SIDE}",
            "pixels = np.asarray(picture).reshape(-1, 3).astype(float)  # one row per pixel: R, G, B",
            f"rows = np.sort(np.random.RandomState(0).choice(len(pixels), {TREE_SAMPLE}, replace=False))",
            f"X = pixels[rows]  # the tree is built on {TREE_SAMPLE:,} pixels drawn at random",
        ],
    )


_CLASSIC = [
    "# The classic example: np.random.seed(4711), 100 points around (10, 0) and 50 around (0, 20).",
    "rng = np.random.RandomState(4711)  # the same stream as np.random.seed(4711)",
    "a = rng.multivariate_normal([10, 0], [[3, 1], [1, 4]], size=[100])",
    "b = rng.multivariate_normal([0, 20], [[3, 1], [1, 4]], size=[50])",
]
_HARDER = [
    "# ... continued with three wider groups (750 x 2, five groups).",
    "c = rng.multivariate_normal([40, 40], [[20, 1], [1, 30]], size=[200])",
    "d = rng.multivariate_normal([80, 80], [[30, 1], [1, 30]], size=[200])",
    "e = rng.multivariate_normal([0, 100], [[100, 1], [1, 100]], size=[200])",
]

# Built-in datasets: (imports, lines that define X). Must draw exactly what
# loaders/builtin.py draws (a unit test replays every key).
BUILTIN_RECIPES: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "classic": ((), [*_CLASSIC, "X = np.concatenate([a, b])", "y = np.repeat([1, 2], [100, 50])  # the true groups"]),
    "classic-harder": (
        (),
        [
            *_CLASSIC,
            *_HARDER,
            "X = np.concatenate([a, b, c, d, e])",
            "y = np.repeat([1, 2, 3, 4, 5], [100, 50, 200, 200, 200])  # the true groups",
        ],
    ),
    "blobs": (
        ("from sklearn.datasets import make_blobs",),
        ["X, y = make_blobs(n_samples=300, centers=4, cluster_std=0.60, random_state=0)"],
    ),
    "moons": (("from sklearn.datasets import make_moons",), ["X, y = make_moons(200, noise=0.05, random_state=0)"]),
    "iris": (("from sklearn.datasets import load_iris",), ["X, y = load_iris(return_X_y=True)"]),
    "wine": (("from sklearn.datasets import load_wine",), ["X, y = load_wine(return_X_y=True)"]),
    "digits": (("from sklearn.datasets import load_digits",), ["X, y = load_digits(return_X_y=True)"]),
    **{key: _sample_image_recipe(key) for key in SAMPLE_IMAGES},
}


def python_code(
    provenance: dict,
    method: str,
    metric: str,
    cut: CutRule,
    dataset_name: str = "",
    notes: Sequence[str] = (),
    lessons: tuple[tuple[str, ...], list[str]] = ((), []),
    n_samples: int = 0,
) -> str:
    """The pandas/SciPy script that reproduces a view from its data.

    Parameters
    ----------
    provenance : dict
        :attr:`loaders.Dataset.provenance`.
    method : str
        The linkage method.
    metric : str
        The pdist metric, or ``"precomputed"`` for a distance matrix.
    cut : CutRule
        How the view cuts its tree; the script calls its
        :meth:`~hclust.cut.CutRule.fcluster_call`.
    dataset_name : str
        Named in the first comment.
    notes : sequence of str
        Extra comment lines for the header (for example, that the app's tree
        is approximate).
    lessons : (imports, lines)
        Steps after the cut (:func:`loaders.codegen_lessons.lesson_code`).
    n_samples : int, optional
        The samples the script will link. When ``pdist(X)`` would be over
        :data:`CODE_PDIST_MAX_BYTES` and the method is one of
        :data:`VECTOR_METHODS` on euclidean data, the script links with
        ``fastcluster.linkage_vector`` (the same Z, in O(n d) memory) and
        leaves ``c`` as None: the exact cophenetic correlation needs every pair.

    Returns
    -------
    str
        A complete script: imports; reading (or generating) the data, the
        column choice, missing values and scaling; ``pdist``; ``linkage``;
        ``cophenet``; ``fcluster``; the left-to-right renumbering. It prints
        the cophenetic correlation and the cluster sizes, and leaves ``X``,
        ``Z``, ``c`` (the cophenetic correlation) and ``clusters`` defined.

    Raises
    ------
    DataError
        If the provenance names a source, built-in, format or option this
        module cannot write code for, or the cut has a number that cannot be
        written (such as a NaN height).
    """
    try:
        cut_call, cut_words = cut.fcluster_call(), cut.describe()
    except ClusteringError as error:
        raise DataError(str(error)) from error
    imports, data_lines, precomputed = _data_code(provenance)
    name = " ".join(str(dataset_name).split())
    header = [
        f"# Reproduces the hclust-explorer view{f' of {name}' if name else ''}:",
        f"# {method} linkage, {'precomputed' if precomputed else metric} distances, {cut_words}.",
    ]
    header += [f"# {' '.join(str(note).split())}" for note in notes]
    if provenance.get("source") == "file":
        header.append("# Run it in the folder that holds the data file (or change the path below).")
    link_imports, linkage_lines = _linkage_code(method, metric, precomputed, n_samples)
    lines = [
        *header,
        "import numpy as np",
        *(["import pandas as pd"] if provenance.get("source") == "file" else []),
        *link_imports,
        *imports,
        *lessons[0],
        "",
        "# 1. Data",
        *data_lines,
        "",
        *linkage_lines,
        "",
        "# 4. Cut the tree into flat clusters",
        f"labels = {cut_call}",
        "",
        "# 5. Number the clusters left to right in dendrogram order, as the app does",
        "along = labels[leaves_list(Z)]",
        "_, first = np.unique(along, return_index=True)",
        "renumber = np.zeros(labels.max() + 1, dtype=int)",
        "renumber[along[np.sort(first)]] = np.arange(1, first.size + 1)",
        "clusters = renumber[labels]",
        'print("number of clusters:", clusters.max())',
        'print("cluster sizes:", np.bincount(clusters)[1:].tolist())',
        *lessons[1],
    ]
    return "\n".join(lines) + "\n"


def uses_vector_linkage(method: str, metric: str, n_samples: int) -> bool:
    """True when the script for n samples links without ``pdist`` (see :func:`python_code`)."""
    return method in VECTOR_METHODS and metric == "euclidean" and 4 * n_samples * (n_samples - 1) > CODE_PDIST_MAX_BYTES


def _linkage_code(method: str, metric: str, precomputed: bool, n: int) -> tuple[list[str], list[str]]:
    """The imports, and the lines from the data to Z and the cophenetic correlation c."""
    scipy = "from scipy.cluster.hierarchy import cophenet, fcluster, leaves_list, linkage"
    cophenetic = [
        "# 3. Cophenetic correlation: how faithfully the tree keeps the distances (1 is perfect)",
        "c, coph_dists = cophenet(Z, distances)",
        'print(f"cophenetic correlation: {c:.5f}")',
    ]
    if precomputed:
        link = ["# 2. Linkage of the precomputed distances", f'Z = linkage(distances, method="{method}")']
        return [scipy, "from scipy.spatial.distance import squareform"], [*link, "", *cophenetic]
    if not (n and uses_vector_linkage(method, metric, n)):
        link = [
            "# 2. Linkage",
            f'distances = pdist(X, metric="{metric}")',
            f'Z = linkage(distances, method="{method}")  # = linkage(X, method="{method}", metric="{metric}")',
        ]
        return [scipy, "from scipy.spatial.distance import pdist"], [*link, "", *cophenetic]
    gigabytes = 4 * n * (n - 1) / 1e9
    link = [
        f"# 2. Linkage without the distance matrix: pdist(X) would need {gigabytes:,.{0 if gigabytes >= 10 else 1}f} GB"
        f" for {n:,} samples.",
        "#    fastcluster's linkage_vector gives SciPy's Z in O(n d) memory; its time grows as n^2",
        "#    (minutes at 100,000 samples, about an hour at 1,000,000).",
        f'Z = fastcluster.linkage_vector(X, method="{method}", metric="euclidean")  # = linkage(X, "{method}")',
        "",
        "# 3. Cophenetic correlation: cophenet(Z, pdist(X)) needs every pair of samples, so it is left out",
        "#    (the app shows it; from about 19,000 samples, estimated from random pairs with a 95% interval).",
        "c = None",
    ]
    return ["import fastcluster", "from scipy.cluster.hierarchy import fcluster, leaves_list"], link


def _data_code(provenance: dict) -> tuple[tuple[str, ...], list[str], bool]:
    """Imports, the lines that define X (or the distances), and whether they are precomputed."""
    source = provenance.get("source")
    if source == "builtin":
        key = provenance.get("key")
        if key not in BUILTIN_RECIPES:
            raise DataError(f"no Python recipe for the built-in dataset {key!r}")
        imports, lines = BUILTIN_RECIPES[key]
        return imports, [*lines, *_prepare(provenance)], False
    if source == "file":
        return (), _file_code(provenance), bool(provenance.get("distance_matrix"))
    if source == "image" and provenance.get("filename"):
        max_side, size = provenance.get("max_side", MAX_SIDE), provenance.get("sample_size", TREE_SAMPLE)
        lines = [
            f'picture = ImageOps.exif_transpose(Image.open({provenance["filename"]!r})).convert("RGB")',
            f"picture.thumbnail(({max_side}, {max_side}), Image.Resampling.LANCZOS)  # longer side <= {max_side}",
            "pixels = np.asarray(picture).reshape(-1, 3).astype(float)  # one row per pixel: R, G, B",
            f"rows = np.arange(len(pixels)) if len(pixels) <= {size} else np.sort(",
            f"    np.random.RandomState({provenance.get('seed', 0)}).choice(len(pixels), {size}, replace=False))",
            "X = pixels[rows]  # the tree is built on these pixels",
        ]
        return ("from PIL import Image, ImageOps",), lines, False
    raise DataError(f"no Python code for data from {source!r}: only built-in examples and files can be replayed")


def _file_code(provenance: dict) -> list[str]:
    file_format = provenance.get("format", "csv")
    if file_format not in _READERS:
        raise DataError(f"no pandas reader for the format {file_format!r}; known: {', '.join(_READERS)}")
    arguments = [repr(provenance.get("filename", "data.csv"))]
    arguments += [f"{key}={value!r}" for key, value in (provenance.get("read_kwargs") or {}).items()]
    features = list(provenance.get("feature_columns") or [])
    label = provenance.get("label_column")
    lines = [f"df = pd.{_READERS[file_format]}({', '.join(arguments)})"]
    if provenance.get("reset_index"):
        lines.append("df = df.reset_index()  # the sample labels were the index")
    lines += [
        "df.columns = [str(column).strip() for column in df.columns]",
        f"features = {features!r}",
    ]
    if provenance.get("distance_matrix"):
        lines += [
            "D = df[features].to_numpy(dtype=float, na_value=np.nan)  # the table holds distances",
            "if D.shape[0] == D.shape[1]:  # a square matrix: its upper triangle, as a condensed vector",
            "    D = (D + D.T) / 2",
            "    np.fill_diagonal(D, 0.0)",
            "    distances = squareform(D, checks=False)",
            "else:  # one row (or column) of n(n-1)/2 distances, already condensed",
            "    distances = D.reshape(-1)",
        ]
        if label:
            lines.append(f"names = df[{label!r}].astype(str).to_numpy()  # sample labels")
        return lines
    lines.append("X = df[features].to_numpy(dtype=float, na_value=np.nan)")
    missing = provenance.get("missing", "drop")
    if missing == "drop":
        lines += [
            "keep = np.isfinite(X).all(axis=1)  # rows with missing or infinite values are dropped",
            "X = X[keep]",
        ]
        if label:
            lines.append(f"names = df.loc[keep, {label!r}].astype(str).to_numpy()  # sample labels")
        if provenance.get("class_column"):
            lines.append(f"y = df.loc[keep, {provenance['class_column']!r}].astype(str).to_numpy()  # true classes")
    elif missing == "mean":
        lines += [
            "X[~np.isfinite(X)] = np.nan  # missing (or infinite) values take their column's mean",
            "X = np.where(np.isnan(X), np.nanmean(X, axis=0), X)",
        ]
        if label:
            lines.append(f"names = df[{label!r}].astype(str).to_numpy()  # sample labels")
        if provenance.get("class_column"):
            lines.append(f"y = df[{provenance['class_column']!r}].astype(str).to_numpy()  # true classes")
    else:
        raise DataError(f"unknown handling of missing values {missing!r}; choose 'drop' or 'mean'")
    return lines + _prepare(provenance)


def _prepare(provenance: dict) -> list[str]:
    """The scaling step (none for ``"none"`` or no scaling key)."""
    scaling = provenance.get("scaling", "none")
    if scaling == "none":
        return []
    if scaling == "standardize":
        return [
            "std = X.std(axis=0)  # population standard deviation (ddof=0); constant columns stay 0",
            "X = (X - X.mean(axis=0)) / np.where(std > 0, std, 1)",
        ]
    if scaling == "minmax":
        return [
            "low, span = X.min(axis=0), np.ptp(X, axis=0)  # each column to [0, 1]; constant columns stay 0",
            "X = (X - low) / np.where(span > 0, span, 1)",
        ]
    raise DataError(f"unknown scaling {scaling!r}; choose 'none', 'standardize' or 'minmax'")
