"""Distance matrices: detection, both readings, validation with the wrong cells named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import pdist, squareform

from loaders import DataError, LoadOptions, parse_file, plan, prepare
from loaders.distance_matrix import condensed_distances, detect, triangular_size

POINTS = np.array([[0.0, 0], [3, 4], [6, 8], [0, 1], [10, 0]])
NAMES = ["a", "b", "c", "d", "e"]


def matrix_csv(matrix: np.ndarray, labels=True) -> bytes:
    frame = pd.DataFrame(matrix, index=NAMES[: len(matrix)], columns=NAMES[: len(matrix)])
    return frame.to_csv(index=labels).encode()


def distances() -> np.ndarray:
    return squareform(pdist(POINTS))


# --- detection --------------------------------------------------------------------


@pytest.mark.parametrize("labels", [True, False])
def test_square_symmetric_zero_diagonal_table_is_read_as_distances(labels):
    dataset = prepare(parse_file(matrix_csv(distances(), labels), "d.csv"), LoadOptions())

    assert dataset.is_distance_matrix
    np.testing.assert_allclose(dataset.distances, pdist(POINTS))
    assert dataset.features.shape == (5, 0)
    assert dataset.sample_names == tuple(NAMES)  # from the label column, or else the header
    assert dataset.provenance["distance_matrix"] is True
    assert any("Read as a distance matrix of 5 samples (found" in note for note in dataset.notes)


def test_both_readings_are_offered_for_a_detected_matrix():
    table = parse_file(matrix_csv(distances()), "d.csv")
    assert plan(table, LoadOptions()).detection.possible
    observations = prepare(table, LoadOptions(read_as="observations"))
    assert not observations.is_distance_matrix
    assert observations.features.shape == (5, 5)


def test_square_symmetric_table_with_nonzero_diagonal_is_observations_with_a_note():
    similarity = np.exp(-distances())  # ones on the diagonal
    dataset = prepare(parse_file(matrix_csv(similarity, labels=False), "s.csv"), LoadOptions())
    assert not dataset.is_distance_matrix
    assert any("symmetric, but its diagonal is not zero" in note for note in dataset.notes)


def test_an_ordinary_square_table_gets_no_distance_note():
    dataset = prepare(parse_file(b"x,y\n1,2\n3,5\n", "sq.csv"), LoadOptions())
    assert not dataset.is_distance_matrix
    assert not any("distance" in note for note in dataset.notes)
    assert not plan(parse_file(b"x,y\n1,2\n3,5\n", "sq.csv"), LoadOptions()).detection.possible


def test_a_single_row_of_n_choose_2_values_is_a_condensed_matrix():
    dataset = prepare(parse_file(b"3,4,5\n", "row.csv"), LoadOptions())
    assert dataset.is_distance_matrix
    np.testing.assert_array_equal(dataset.distances, [3, 4, 5])
    assert dataset.n_samples == 3


def test_a_condensed_column_needs_an_explicit_choice():
    raw = ("d\n" + "\n".join(str(v) for v in pdist(POINTS)) + "\n").encode()
    table = parse_file(raw, "col.csv")
    assert not prepare(table, LoadOptions()).is_distance_matrix  # 10 samples of one feature
    dataset = prepare(table, LoadOptions(read_as="distances"))
    np.testing.assert_allclose(dataset.distances, pdist(POINTS))
    assert dataset.n_samples == 5


def test_detect_reasons():
    assert detect(distances(), None, NAMES).reason == "The table is square (5 × 5) and its diagonal is zero"
    assert detect(np.ones((2, 3)), None, ["x", "y", "z"]).shape == "none"


@pytest.mark.parametrize(("length", "n"), [(1, 2), (3, 3), (6, 4), (10, 5), (4, None), (0, None)])
def test_triangular_size(length, n):
    assert triangular_size(length) == n


# --- validation ---------------------------------------------------------------------


def test_asymmetric_cells_are_named_with_both_values():
    bad = distances()
    bad[1, 2] += 1
    with pytest.raises(DataError, match=r"not symmetric: \(b, c\) = 6 but \(c, b\) = 5") as caught:
        prepare(parse_file(matrix_csv(bad), "asym.csv"), LoadOptions())
    assert "choose that under Read as" in str(caught.value)


def test_negative_cells_are_named():
    bad = distances()
    bad[0, 4] = bad[4, 0] = -1
    with pytest.raises(DataError, match=r"2 negative cell\(s\) \(row, column\): \(a, e\) = -1, \(e, a\) = -1"):
        prepare(parse_file(matrix_csv(bad), "neg.csv"), LoadOptions())


def test_nonzero_diagonal_is_refused_when_distances_are_chosen():
    similarity = np.exp(-distances())
    with pytest.raises(DataError, match=r"diagonal .* must be 0.*\(a, a\) = 1"):
        prepare(parse_file(matrix_csv(similarity), "s.csv"), LoadOptions(read_as="distances"))


def test_missing_cell_is_named():
    bad = distances()
    bad[2, 3] = np.nan
    with pytest.raises(DataError, match=r"1 missing or infinite cell\(s\) \(row, column\): \(c, d\) = missing"):
        condensed_distances(bad, NAMES)


def test_many_bad_cells_are_counted_after_the_first_five():
    bad = -np.ones((5, 5))
    np.fill_diagonal(bad, 0)
    with pytest.raises(DataError, match="and 15 more"):
        condensed_distances(bad, NAMES)


def test_non_square_table_read_as_distances_is_refused_with_its_shape():
    with pytest.raises(DataError, match="must be square, but this one has 3 rows and 2 numeric columns"):
        prepare(parse_file(b"x,y\n1,2\n3,4\n5,6\n", "r.csv"), LoadOptions(read_as="distances"))


def test_condensed_vector_of_wrong_length_is_refused():
    with pytest.raises(DataError, match="4 values cannot be a condensed distance vector"):
        condensed_distances(np.array([[1.0, 2, 3, 4]]), None)


def test_negative_condensed_value_is_named():
    with pytest.raises(DataError, match="value 2 = -3"):
        condensed_distances(np.array([[1.0, -3, 2]]), None)


def test_tiny_rounding_asymmetry_is_averaged_away():
    almost = distances()
    almost[0, 1] *= 1 + 1e-12
    np.testing.assert_allclose(condensed_distances(almost, None), pdist(POINTS))


def test_scaling_does_not_touch_distances():
    dataset = prepare(parse_file(matrix_csv(distances()), "d.csv"), LoadOptions(scaling="standardize"))
    np.testing.assert_allclose(dataset.distances, pdist(POINTS))
    assert dataset.provenance["scaling"] == "none"
    assert any("Scaling does not apply" in note for note in dataset.notes)
