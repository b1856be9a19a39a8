"""Tests of the validation layer (cxmetrics._validation) and of the score histogram
that every survey metric is built on (cxmetrics._summaries).

The public behaviour of each check is pinned here once; tests/test_bad_input.py
checks that every public function goes through them.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx
from cxmetrics._scale import count_points
from cxmetrics._validation import (
    InputError,
    check_confidence,
    check_option,
    check_points,
    check_positive_int,
    check_rng,
    check_scale,
    check_scale_values,
    check_weights,
    format_count,
    format_examples,
    format_scale,
    make_rng,
    missing_rows,
    to_float_array,
)


def test_input_error_is_a_value_error_and_public():
    assert cx.InputError is InputError
    assert issubclass(InputError, ValueError)
    with pytest.raises(ValueError, match=r"^nps: 1 of 3 scores are outside"):
        cx.nps([10, 9, 11])


# ---------------------------------------------------------------------------
# Formatting


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0"), (999, "999"), (1_204, "1,204"), (1_234_567, "1,234,567")]
)
def test_format_count(n, text):
    assert format_count(n) == text


@pytest.mark.parametrize(
    ("values", "text"),
    [
        ([11.0, -1.0, 10.5], "11, -1, 10.5"),  # whole floats print as ints
        ([np.int64(7), np.uint8(3)], "7, 3"),
        ([np.float32(2.5)], "2.5"),
        ([np.nan, np.inf, -np.inf], "nan, inf, -inf"),
        ([np.True_], "True"),
        (["a", "b"], "'a', 'b'"),  # text is quoted
        ([None], "None"),
        ([1e-20], "1e-20"),
        ([5, 5, 5.0, 6], "5, 6"),  # distinct, in first-seen order
        ([4, 3, 2, 1, 0], "4, 3, 2"),  # at most three
        ([], ""),
    ],
)
def test_format_examples(values, text):
    assert format_examples(values) == text


@pytest.mark.parametrize(
    ("scale", "text"), [((0, 10), "0-10"), ((1, 5), "1-5"), ((-3, 3), "-3 to 3")]
)
def test_format_scale(scale, text):
    assert format_scale(scale) == text


# ---------------------------------------------------------------------------
# Options


def test_check_option_lists_the_choices():
    check_option("f", "mode", "b", ("a", "b", None))
    check_option("f", "mode", None, ("a", None))
    check_option("f", "mode", np.str_("a"), ("a",))
    with pytest.raises(InputError, match=r"^f: mode='c' is not one of 'a', 'b', None$"):
        check_option("f", "mode", "c", ("a", "b", None))
    # a non-string never matches, even when it compares equal to a choice
    with pytest.raises(InputError, match=r"^f: mode=array\(\['a', 'b'\]"):
        check_option("f", "mode", np.array(["a", "b"]), ("a", "b"))


@pytest.mark.parametrize("value", [0.95, 0.5, np.float32(0.9), np.float64(0.99), 1e-9])
def test_check_confidence_returns_a_float(value):
    level = check_confidence("f", value)
    assert type(level) is float
    assert level == pytest.approx(float(value))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "f: confidence must be between 0 and 1 (exclusive); got 0"),
        (1.0, "f: confidence must be between 0 and 1 (exclusive); got 1"),
        (np.int64(2), "f: confidence must be between 0 and 1 (exclusive); got 2"),
        ("0.9", "f: confidence must be a number between 0 and 1; got '0.9'"),
        (np.True_, "f: confidence must be a number between 0 and 1; got np.True_"),
    ],
)
def test_check_confidence_refuses(value, message):
    with pytest.raises(InputError) as info:
        check_confidence("f", value)
    assert str(info.value) == message


def test_check_positive_int():
    assert check_positive_int("f", "k", 3) == 3
    value = check_positive_int("f", "k", np.int64(7))
    assert (value, type(value)) == (7, int)
    with pytest.raises(InputError, match=r"^f: k must be at least 1; got 0$"):
        check_positive_int("f", "k", 0)
    with pytest.raises(InputError, match=r"^f: k must be a whole number; got 2\.0$"):
        check_positive_int("f", "k", 2.0)


def test_make_rng_from_seeds_and_generators():
    generator = np.random.default_rng(5)
    assert make_rng("f", generator) is generator
    assert make_rng("f", 5).random() == np.random.default_rng(5).random()
    assert make_rng("f", np.int64(5)).random() == np.random.default_rng(5).random()
    seq = np.random.SeedSequence(9)
    assert make_rng("f", seq).random() == np.random.default_rng(seq).random()
    assert isinstance(make_rng("f", None), np.random.Generator)
    assert make_rng("f", 0).random() != make_rng("f", 1).random()


@pytest.mark.parametrize(
    "rng", ["1", 1.0, False, np.True_, -3, np.int8(-1), np.random.RandomState(1)]
)
def test_check_rng_refuses(rng):
    with pytest.raises(InputError) as info:
        check_rng("f", rng)
    assert str(info.value) == (
        "f: rng must be None, a non-negative int seed or a numpy.random.Generator; "
        f"got {rng!r}"
    )
    with pytest.raises(InputError):
        make_rng("f", rng)


# ---------------------------------------------------------------------------
# Scales and points


@pytest.mark.parametrize(
    "scale", [(1, 5), [1, 5], np.array([1, 5]), (np.int64(1), np.uint8(5))]
)
def test_check_scale_returns_python_ints(scale):
    low, high = check_scale("f", scale)
    assert (low, high) == (1, 5)
    assert (type(low), type(high)) == (int, int)


def test_check_points_sorted_unique_ints():
    points = check_points("f", "easy", [7, 5, 6, 7, np.int64(5)], (1, 7))
    assert points.dtype == np.int64
    assert points.tolist() == [5, 6, 7]
    assert check_points("f", "easy", 3, (1, 7)).tolist() == [3]
    assert check_points("f", "easy", np.int64(3), (1, 7)).tolist() == [3]
    assert check_points("f", "easy", {1, 7}, (1, 7)).tolist() == [1, 7]
    assert check_points("f", "easy", np.array([2, 1]), (1, 7)).tolist() == [1, 2]
    assert check_points("f", "easy", range(5, 8), (1, 7)).tolist() == [5, 6, 7]


def test_check_points_outside_the_scale():
    with pytest.raises(InputError) as info:
        check_points("f", "easy", [-4, 0, 3, 4, 9], (-3, 3))
    assert str(info.value) == (
        "f: 3 of 5 easy points are outside the -3 to 3 scale (-4, 4, 9)"
    )


def test_check_scale_values_gives_offsets_from_the_low_point():
    offsets = check_scale_values(
        np.array([1.0, 5.0, 3.0]), func="f", name="ratings", scale=(1, 5)
    )
    assert offsets.dtype == np.intp
    assert offsets.tolist() == [0, 4, 2]
    empty = check_scale_values(np.array([]), func="f", name="ratings", scale=(1, 5))
    assert (empty.size, empty.dtype) == (0, np.intp)


def test_check_scale_values_reports_outside_before_fractional():
    with pytest.raises(InputError) as info:
        check_scale_values(
            np.array([1.5, 6.0, 2.5]), func="f", name="ratings", scale=(1, 5)
        )
    assert str(info.value) == "f: 1 of 3 ratings are outside the 1-5 scale (6)"


# ---------------------------------------------------------------------------
# to_float_array: one door for every accepted container


EXPECTED = [5.0, 4.0, math.nan, 1.0]


@pytest.mark.parametrize(
    "values",
    [
        pytest.param([5, 4, None, 1], id="list with None"),
        pytest.param((5, 4.0, float("nan"), 1), id="tuple with nan"),
        pytest.param(np.array([5, 4, np.nan, 1]), id="float64"),
        pytest.param(np.array([5, 4, np.nan, 1], dtype=np.float32), id="float32"),
        pytest.param(np.array([5, 4, None, 1], dtype=object), id="object with None"),
        pytest.param(np.array([5, 4, pd.NA, 1], dtype=object), id="object with NA"),
        pytest.param(pd.Series([5, 4, None, 1]), id="Series float64"),
        pytest.param(pd.Series([5, 4, None, 1], dtype="Int64"), id="Series Int64"),
        pytest.param(pd.Series([5, 4, None, 1], dtype="Float64"), id="Series Float64"),
        pytest.param(pd.Series([5, 4, None, 1], dtype="UInt16"), id="Series UInt16"),
        pytest.param(pd.array([5, 4, None, 1], dtype="Int8"), id="IntegerArray"),
        pytest.param(pd.Categorical([5, 4, None, 1]), id="Categorical of ints"),
        pytest.param(pd.Categorical([5.0, 4.0, None, 1.0]), id="Categorical of floats"),
        pytest.param(
            pd.Series([5, 4, None, 1], dtype="category"), id="Series category"
        ),
        pytest.param(pd.Index([5, 4, None, 1]), id="Index"),
        pytest.param(
            [Decimal(5), Decimal("4.0"), None, Decimal(1)], id="Decimal objects"
        ),
        pytest.param([Fraction(5), Fraction(8, 2), None, 1], id="Fraction objects"),
        pytest.param(
            [np.int64(5), np.float32(4), None, np.uint8(1)], id="numpy scalars"
        ),
    ],
)
def test_to_float_array_of_every_accepted_kind(values):
    array = to_float_array(values, func="f", name="ratings")
    assert array.dtype == np.float64
    assert array.ndim == 1
    np.testing.assert_array_equal(array, EXPECTED)


@pytest.mark.parametrize(
    "values",
    [
        [True, False, None],
        np.array([True, False, None], dtype=object),
        pd.Series([True, False, None], dtype="boolean"),
    ],
)
def test_booleans_are_zero_and_one_where_allowed(values):
    array = to_float_array(values, func="f", name="flags", allow_bool=True)
    np.testing.assert_array_equal(array, [1.0, 0.0, math.nan])


def test_numpy_booleans_where_allowed():
    array = to_float_array(np.array([True, False]), func="f", name="flags")
    np.testing.assert_array_equal(array, [1.0, 0.0])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            pd.Series(pd.period_range("2024-01", periods=2, freq="M")),
            "f: x must be numbers; got values of type period[M] such as "
            "2024-01, 2024-02",
        ),
        (
            pd.Series(pd.to_timedelta([5], unit="s")),
            "f: x must be numbers; got time spans such as 0 days 00:00:05",
        ),
        (
            pd.Categorical([True, False]),
            "f: x is a Categorical of non-numbers such as False, True",
        ),
        (
            pd.Series([1, "a", "b", "c", "d"]),
            "f: 4 of 5 x are not numbers ('a', 'b', 'c')",
        ),
        (b"123", "f: x must be a one-dimensional array-like of numbers; got bytes"),
        (
            np.array([1, 2], dtype="S1"),
            "f: x must be numbers; got text such as b'1', b'2'",
        ),
    ],
)
def test_to_float_array_refuses(values, message):
    with pytest.raises(InputError) as info:
        to_float_array(values, func="f", name="x")
    assert str(info.value) == message


def test_a_large_object_array_reports_counts_with_separators():
    values = np.array(["x"] * 1_500 + [1], dtype=object)
    with pytest.raises(InputError) as info:
        to_float_array(values, func="f", name="scores")
    assert str(info.value) == "f: 1,500 of 1,501 scores are not numbers ('x')"


# ---------------------------------------------------------------------------
# nan_policy and weights


def _count(values, **options):
    options.setdefault("nan_policy", "omit")
    return count_points(
        values,
        options.pop("weights", None),
        func="f",
        name="ratings",
        scale=(1, 5),
        **options,
    )


def test_missing_ratings_are_left_out_with_their_weights():
    counts = _count([5.0, np.nan, 3.0], weights=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(counts.counts[0], [0, 0, 3.0, 0, 1.0])
    assert counts.squared[0] == 1.0 + 9.0
    assert (counts.n[0], counts.n_missing[0], counts.propagated[0]) == (2, 1, False)


def test_propagate_flags_the_missing():
    counts = _count([5.0, np.nan], nan_policy="propagate")
    assert (counts.n[0], counts.n_missing[0], counts.propagated[0]) == (1, 1, True)
    clean = _count([5.0, 4.0], nan_policy="propagate")
    assert (clean.n_missing[0], clean.propagated[0]) == (0, False)


def test_propagate_all_missing_is_not_an_error():
    counts = _count([np.nan, np.nan], nan_policy="propagate", weights=[0.0, 0.0])
    assert counts.counts.sum() == 0
    assert (counts.n[0], counts.n_missing[0], counts.propagated[0]) == (0, 2, True)


def test_raise_counts_with_separators():
    values = np.r_[np.full(1_300, np.nan), np.ones(700)]
    with pytest.raises(InputError) as info:
        missing_rows(values, func="f", name="ratings", nan_policy="raise")
    assert str(info.value) == (
        "f: 1,300 of 2,000 ratings are missing and nan_policy='raise'"
    )


def test_the_policy_is_checked_before_the_data():
    with pytest.raises(InputError, match=r"^f: nan_policy='never' is not one of"):
        missing_rows(np.array([]), func="f", name="ratings", nan_policy="never")


def test_weight_messages_use_the_callers_name_for_the_data():
    with pytest.raises(InputError) as info:
        check_weights([1.0], 4, func="f", name="answers")
    assert str(info.value) == (
        "f: weights has 1 values but there are 4 answers; they must align one to one"
    )


# ---------------------------------------------------------------------------
# The score histogram and its integer fast path


class _Histogram:
    """One group's counts per point, as the survey metrics count them."""

    def __init__(self, counts):
        self.counts = counts.counts[0]
        self.squared = float(counts.squared[0])
        self.n = int(counts.n[0])
        self.n_missing = int(counts.n_missing[0])
        self.weighted = counts.weighted
        self.points = np.arange(counts.scale[0], counts.scale[1] + 1)
        self.total_weight = float(self.counts.sum())
        self.effective_n = float(counts.moments().effective_n[0])

    def total_at(self, mask):
        return float(self.counts[mask].sum())


def _histogram(values, scale=(1, 5), weights=None, nan_policy="omit"):
    return _Histogram(
        count_points(
            values,
            weights,
            func="f",
            name="ratings",
            scale=scale,
            nan_policy=nan_policy,
        )
    )


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64]
)
def test_integer_fast_path_equals_the_float_path(dtype):
    ratings = [5, 4, 4, 1, 2, 5, 5]
    fast = _histogram(np.array(ratings, dtype=dtype))
    slow = _histogram(ratings)
    np.testing.assert_array_equal(fast.counts, [1, 1, 0, 2, 3])
    np.testing.assert_array_equal(fast.counts, slow.counts)
    assert fast.counts.dtype == np.float64
    assert (fast.n, fast.n_missing, fast.weighted) == (7, 0, False)
    assert fast.effective_n == 7.0


def test_integer_series_takes_the_fast_path_too():
    hist = _histogram(pd.Series([0, 10, 10], dtype="int64"), scale=(0, 10))
    assert hist.counts[0] == 1
    assert hist.counts[10] == 2


@pytest.mark.parametrize(
    ("scale", "ratings", "counts"),
    [
        ((-3, 3), [-3, 0, 3, 3], [1, 0, 0, 1, 0, 0, 2]),  # below zero
        ((2000, 2002), [2000, 2002, 2002], [1, 0, 2]),  # far from zero
        ((0, 2), [0, 0, 2], [2, 0, 1]),
    ],
)
def test_integer_histogram_on_scales_anywhere(scale, ratings, counts):
    for dtype in (np.int64, np.int16):
        hist = _histogram(np.array(ratings, dtype=dtype), scale=scale)
        np.testing.assert_array_equal(hist.counts, counts)
        np.testing.assert_array_equal(hist.points, np.arange(scale[0], scale[1] + 1))
    np.testing.assert_array_equal(_histogram(ratings, scale=scale).counts, counts)


def test_unsigned_ratings_on_a_scale_below_zero():
    hist = _histogram(np.array([0, 3, 3], dtype=np.uint64), scale=(-3, 3))
    np.testing.assert_array_equal(hist.counts, [0, 0, 0, 1, 0, 0, 2])


def test_weighted_histogram_counts_weights_and_squares():
    hist = _histogram([5, 4, 5, 1], weights=[1.0, 2.0, 3.0, 0.5])
    np.testing.assert_allclose(hist.counts, [0.5, 0, 0, 2.0, 4.0])
    assert hist.squared == pytest.approx(0.25 + 4.0 + 10.0)
    assert hist.weighted
    assert hist.total_weight == pytest.approx(6.5)
    assert hist.effective_n == pytest.approx(6.5**2 / 14.25)
    assert hist.total_at(np.array([False, False, False, True, True])) == 6.0


def test_integer_data_with_weights_go_through_the_weighted_path():
    hist = _histogram(np.array([5, 5, 1]), weights=[2.0, 2.0, 1.0])
    assert hist.weighted
    np.testing.assert_allclose(hist.counts, [1.0, 0, 0, 0, 4.0])
    assert hist.effective_n == pytest.approx(25 / 9)
