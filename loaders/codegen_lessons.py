"""The generated code's lesson steps: scores against the true classes, another algorithm, the redrawn image.

They follow the steps of :func:`loaders.codegen.python_code`, which leave
``X`` (the features), ``clusters`` (the app's cluster ids) and, where the
data has them, ``y`` (the true classes) and ``pixels`` / ``picture`` / ``rows``
(an image's pixels, and which of them are the samples) defined.
"""

from __future__ import annotations

from hclust.algorithms import COMPARISON_ALGORITHMS


def lesson_code(has_classes: bool, algorithm: str | None, k: int, image: bool) -> tuple[tuple[str, ...], list[str]]:
    """Imports and lines for the lesson steps a view shows.

    Parameters
    ----------
    has_classes : bool
        The data defines ``y``: score the clusters against it.
    algorithm : str or None
        A key of :data:`hclust.algorithms.COMPARISON_ALGORITHMS` to run at the same k.
    k : int
        The tree cut's number of clusters.
    image : bool
        The samples are an image's pixels: redraw it in the clusters' mean colours.

    Returns
    -------
    imports : tuple of str
    lines : list of str
    """
    imports: list[str] = []
    lines: list[str] = []
    if has_classes or algorithm:
        imports.append("from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score")
    if has_classes:
        imports.append("from sklearn.metrics.cluster import contingency_matrix")
        lines += [
            "",
            "# 6. Score the clusters against the true classes",
            "table = contingency_matrix(clusters, y)  # rows: clusters 1..k, columns: classes",
            'print("adjusted Rand index:", round(adjusted_rand_score(y, clusters), 4))',
            'print("normalised mutual information:", round(normalized_mutual_info_score(y, clusters), 4))',
            'print("accuracy (each cluster read as its majority class):", round(table.max(axis=1).sum() / len(y), 4))',
        ]
    if algorithm in COMPARISON_ALGORITHMS:
        entry = COMPARISON_ALGORITHMS[algorithm]
        imports.append(entry.import_line())
        lines += [
            "",
            f"# 7. {entry.label} at the same k, for comparison ({entry.limits[0].lower() + entry.limits[1:]})",
            f"other = {entry.code(k)}.fit_predict(X)",
            "# (the app fits a seeded sample of 3,000 rows above 3,000, and leaves noise, -1, out of its scores)",
            'print("adjusted Rand index with the tree\'s clusters:", round(adjusted_rand_score(clusters, other), 4))',
        ]
        if has_classes:
            lines.append('print("... and with the true classes:", round(adjusted_rand_score(y, other), 4))')
    if image:
        lines += [
            "",
            "# 8. Redraw the picture: every pixel takes the mean colour of its nearest cluster",
            "colors = pixels[rows]  # the sampled pixels' own colours (X may be scaled)",
            "means = np.array([colors[clusters == c].mean(axis=0) for c in range(1, clusters.max() + 1)]).round()",
            "nearest = ((pixels[:, None, :] - means[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)",
            "redrawn = means[nearest].astype(np.uint8).reshape(np.asarray(picture).shape)",
            'Image.fromarray(redrawn).save("redrawn.png")',
        ]
    return tuple(imports), lines
