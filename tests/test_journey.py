"""Tests of cxmetrics.journey: conversion_rate and funnel.

Every expected value comes from outside cxmetrics: arithmetic written out in
the test, statsmodels' ``proportion_confint``, or a plain loop over people.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

import cxmetrics as cx
from cxmetrics.journey import FUNNEL_COLUMNS

#: cxmetrics' proportion methods and statsmodels' names for them.
STATSMODELS_METHODS = {
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "wald": "normal",
}
RATE_CHOICES = "'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None"


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


def raises_input_error(call, message: str) -> None:
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------------------
# conversion_rate: worked examples


def test_conversion_twelve_trials_by_hand():
    # 3 of 12 converted: p = 0.25. Wilson with z = 1.959964:
    # centre = (p + z^2 / 2n) / (1 + z^2 / n) = (0.25 + 0.160049) / 1.320109 = 0.310616
    # half = z sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n) = 0.221688
    result = cx.conversion_rate([1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0])
    assert result.value == 0.25
    assert (result.successes, result.n, result.n_missing) == (3, 12, 0)
    assert (result.effective_n, result.total_weight) == (12, 12)
    assert result.label == "Conversion"
    z = 1.959963984540054
    centre = (0.25 + z * z / 24) / (1 + z * z / 12)
    half = z * math.sqrt(0.25 * 0.75 / 12 + z * z / (4 * 144)) / (1 + z * z / 12)
    assert result.ci.low == pytest.approx(centre - half, rel=1e-12)
    assert result.ci.high == pytest.approx(centre + half, rel=1e-12)
    assert (round(result.ci.low, 4), round(result.ci.high, 4)) == (0.0889, 0.5323)
    assert str(result) == "Conversion 25.0% (95% CI 8.9% to 53.2%, Wilson), n=12"


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
@pytest.mark.parametrize(("successes", "n"), [(0, 40), (3, 250), (37, 120), (9, 9)])
def test_conversion_interval_equals_statsmodels(method, successes, n):
    outcomes = np.zeros(n, dtype=bool)
    outcomes[:successes] = True
    result = cx.conversion_rate(outcomes, ci=method, confidence=0.9)
    low, high = proportion_confint(
        successes, n, alpha=0.1, method=STATSMODELS_METHODS[method]
    )
    if method == "jeffreys":  # Brown, Cai and DasGupta's rule at 0 and n
        low = 0.0 if successes == 0 else low
        high = 1.0 if successes == n else high
    assert result.value == successes / n
    assert result.ci.low == pytest.approx(low, rel=1e-9, abs=1e-12)
    assert result.ci.high == pytest.approx(high, rel=1e-9, abs=1e-12)
    assert (result.ci.level, result.ci.method) == (0.9, method)


@pytest.mark.parametrize(
    "converted",
    [
        [True, False, True, True],
        [1, 0, 1, 1],
        [1.0, 0.0, 1.0, 1.0],
        np.array([True, False, True, True]),
        np.array([1, 0, 1, 1], dtype=np.int8),
        pd.Series([True, False, True, True]),
        pd.Series([True, False, True, True], dtype="boolean"),
        pd.Series([1, 0, 1, 1], dtype="Int64"),
        pd.Series([True, False, 1, 1], dtype=object),
    ],
    ids=[
        "bool list",
        "int list",
        "float list",
        "bool array",
        "int8 array",
        "bool series",
        "nullable boolean",
        "nullable Int64",
        "object series",
    ],
)
def test_conversion_accepts_booleans_and_zero_one(converted):
    result = cx.conversion_rate(converted)
    assert (result.successes, result.n, result.value) == (3, 4, 0.75)


def test_conversion_missing_values_follow_nan_policy():
    data = pd.Series([True, None, False, True, None], dtype="boolean")
    omitted = cx.conversion_rate(data)
    assert (omitted.successes, omitted.n, omitted.n_missing) == (2, 3, 2)
    complete = cx.conversion_rate([True, False, True])
    assert (omitted.value, omitted.ci) == (complete.value, complete.ci)
    propagated = cx.conversion_rate(data, nan_policy="propagate")
    assert math.isnan(propagated.value)
    assert math.isnan(propagated.ci.low)
    assert math.isnan(propagated.ci.high)
    assert propagated.n_missing == 2
    raises_input_error(
        lambda: cx.conversion_rate(data, nan_policy="raise"),
        "conversion_rate: 2 of 5 converted are missing and nan_policy='raise'",
    )


def test_conversion_weighted_by_hand():
    # w = 1, 2, 3, 2 on outcomes 1, 0, 1, 1: p = (1 + 3 + 2) / 8 = 0.75
    # n_eff = 8^2 / (1 + 4 + 9 + 4) = 64 / 18 = 3.5556
    result = cx.conversion_rate([1, 0, 1, 1], weights=[1, 2, 3, 2])
    assert result.value == 0.75
    assert result.successes == 6.0
    assert result.total_weight == 8.0
    assert result.effective_n == pytest.approx(64 / 18)
    low, high = proportion_confint(0.75 * 64 / 18, 64 / 18, method="wilson")
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)


def test_conversion_weights_of_one_equal_unweighted():
    outcomes = [1, 0, 0, 1, 1, 0, 1]
    weighted = cx.conversion_rate(outcomes, weights=np.ones(7))
    plain = cx.conversion_rate(outcomes)
    assert weighted.value == plain.value
    assert weighted.effective_n == plain.effective_n
    assert (weighted.ci.low, weighted.ci.high) == pytest.approx(
        (plain.ci.low, plain.ci.high), rel=1e-12
    )


def test_conversion_without_interval():
    result = cx.conversion_rate([1, 0], ci=None)
    assert result.ci is None
    assert result.value == 0.5


def test_conversion_merges_like_the_whole():
    a = cx.conversion_rate([1, 0, 0, 1])
    b = cx.conversion_rate([0, 0, 1])
    assert a.merge(b) == cx.conversion_rate([1, 0, 0, 1, 0, 0, 1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=200))
def test_conversion_is_the_share_of_trues(outcomes):
    result = cx.conversion_rate(outcomes)
    assert result.successes == sum(outcomes)
    assert result.value == pytest.approx(sum(outcomes) / len(outcomes))
    assert result.ci.low <= result.value <= result.ci.high


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.conversion_rate([1, 0, 2, 0.5, 1]),
            "conversion_rate: 2 of 5 converted values are not booleans or 0/1 (2, 0.5)",
        ),
        (
            lambda: cx.conversion_rate([-1, 1, 3, 4, 5]),
            "conversion_rate: 4 of 5 converted values are not booleans or 0/1 "
            "(-1, 3, 4)",
        ),
        (lambda: cx.conversion_rate([]), "conversion_rate: converted is empty"),
        (
            lambda: cx.conversion_rate([None, np.nan]),
            "conversion_rate: no valid converted: all 2 are missing",
        ),
        (
            lambda: cx.conversion_rate(["yes", "no"]),
            "conversion_rate: converted must be numbers; got text such as 'yes', 'no'",
        ),
        (
            lambda: cx.conversion_rate("yes"),
            "conversion_rate: converted must be a one-dimensional array-like of "
            "numbers; got str",
        ),
        (
            lambda: cx.conversion_rate([1, 0, 1], weights=[1, 2]),
            "conversion_rate: weights has 2 values but there are 3 converted; "
            "they must align one to one",
        ),
        (
            lambda: cx.conversion_rate([1, 0], weights=[1, -2]),
            "conversion_rate: 1 of 2 weights are negative (-2)",
        ),
        (
            lambda: cx.conversion_rate([1, 0], ci="exact"),
            f"conversion_rate: ci='exact' is not one of {RATE_CHOICES}",
        ),
        (
            lambda: cx.conversion_rate([1, 0], confidence=95),
            "conversion_rate: confidence must be between 0 and 1 (exclusive); got 95",
        ),
        (
            lambda: cx.conversion_rate([1, 0], nan_policy="drop"),
            "conversion_rate: nan_policy='drop' is not one of 'omit', 'raise', "
            "'propagate'",
        ),
        (
            lambda: cx.conversion_rate(np.array([True, False]), nan_policy="drop"),
            "conversion_rate: nan_policy='drop' is not one of 'omit', 'raise', "
            "'propagate'",
        ),
        (
            lambda: cx.conversion_rate(np.array([], dtype=bool)),
            "conversion_rate: converted is empty",
        ),
        (
            lambda: cx.conversion_rate(np.array([True, False]), weights=[0, 0]),
            "conversion_rate: weights of the valid converted are all zero",
        ),
    ],
    ids=[
        "not 0/1",
        "negative and large",
        "empty",
        "all missing",
        "text",
        "a string",
        "misaligned weights",
        "negative weight",
        "unknown ci",
        "confidence in percent",
        "unknown nan_policy",
        "unknown nan_policy on booleans",
        "empty booleans",
        "zero weights",
    ],
)
def test_conversion_bad_input(call, message):
    raises_input_error(call, message)


# ---------------------------------------------------------------------------
# funnel: worked example


def test_funnel_hand_worked():
    # 2,000 visit, 400 sign up, 100 subscribe.
    #   step:    400 / 2000 = 0.20, 100 / 400 = 0.25
    #   overall: 400 / 2000 = 0.20, 100 / 2000 = 0.05
    #   drop off: 2000 - 400 = 1600, 400 - 100 = 300
    table = cx.funnel({"visited": 2000, "signed_up": 400, "subscribed": 100})
    assert list(table.columns) == list(FUNNEL_COLUMNS)
    assert table["stage"].tolist() == ["visited", "signed_up", "subscribed"]
    assert table["count"].tolist() == [2000, 400, 100]
    assert table["count"].dtype == np.int64
    assert table["drop_off"].dtype == np.int64
    np.testing.assert_array_equal(table["step_rate"], [np.nan, 0.20, 0.25])
    np.testing.assert_array_equal(table["overall_rate"], [1.0, 0.20, 0.05])
    assert table["drop_off"].tolist() == [0, 1600, 300]
    assert table["drop_off"].sum() == 2000 - 100
    # The overall rate is the product of the step rates: 0.20 * 0.25 = 0.05.
    assert table["step_rate"].iloc[1:].prod() == pytest.approx(0.05)


def test_funnel_wilson_by_hand():
    # Step 2: 100 of 400, p = 0.25, n = 400, z = 1.959964, z^2 = 3.841459
    #   centre = (0.25 + 3.841459 / 800) / (1 + 3.841459 / 400) = 0.252378
    #   half = 1.959964 sqrt(0.25 * 0.75 / 400 + 3.841459 / 640000) / 1.009604
    #        = 0.042299  ->  0.210079 to 0.294677
    table = cx.funnel({"visited": 2000, "signed_up": 400, "subscribed": 100})
    z = 1.959963984540054
    denom = 1 + z * z / 400
    centre = (0.25 + z * z / 800) / denom
    half = z * math.sqrt(0.25 * 0.75 / 400 + z * z / 640_000) / denom
    assert table.loc[2, "step_ci_low"] == pytest.approx(centre - half, rel=1e-12)
    assert table.loc[2, "step_ci_high"] == pytest.approx(centre + half, rel=1e-12)
    assert round(table.loc[2, "step_ci_low"], 4) == 0.2101
    assert round(table.loc[2, "step_ci_high"], 4) == 0.2947


def test_funnel_first_row_has_no_step_and_no_overall_interval():
    table = cx.funnel({"a": 50, "b": 10})
    first = table.iloc[0]
    assert math.isnan(first["step_rate"])
    assert math.isnan(first["step_ci_low"])
    assert math.isnan(first["step_ci_high"])
    assert first["overall_rate"] == 1.0
    assert math.isnan(first["overall_ci_low"])
    assert math.isnan(first["overall_ci_high"])
    assert first["drop_off"] == 0


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_funnel_every_interval_equals_statsmodels(method, confidence):
    counts = {"visited": 9_731, "signed_up": 2_304, "activated": 1_288, "paid": 17}
    table = cx.funnel(counts, ci=method, confidence=confidence)
    c = list(counts.values())
    sm = STATSMODELS_METHODS[method]
    alpha = 1 - confidence
    for k in range(1, len(c)):
        step = proportion_confint(c[k], c[k - 1], alpha=alpha, method=sm)
        overall = proportion_confint(c[k], c[0], alpha=alpha, method=sm)
        row = table.iloc[k]
        assert row["step_rate"] == c[k] / c[k - 1]
        assert row["overall_rate"] == c[k] / c[0]
        assert (row["step_ci_low"], row["step_ci_high"]) == pytest.approx(
            step, rel=1e-9, abs=1e-12
        )
        assert (row["overall_ci_low"], row["overall_ci_high"]) == pytest.approx(
            overall, rel=1e-9, abs=1e-12
        )


def test_funnel_without_intervals_drops_the_interval_columns():
    table = cx.funnel({"a": 10, "b": 4}, ci=None)
    assert list(table.columns) == [
        "stage",
        "count",
        "step_rate",
        "overall_rate",
        "drop_off",
    ]


def test_funnel_after_a_stage_of_zero_the_step_is_undefined():
    # 10 -> 0 -> 0: step 2 is 0 / 10 = 0; step 3 is 0 / 0, undefined.
    table = cx.funnel({"a": 10, "b": 0, "c": 0})
    assert table["step_rate"].iloc[1] == 0.0
    assert math.isnan(table["step_rate"].iloc[2])
    assert math.isnan(table["step_ci_low"].iloc[2])
    low, high = proportion_confint(0, 10, method="wilson")
    assert (table["overall_ci_low"].iloc[2], table["overall_ci_high"].iloc[2]) == (
        pytest.approx(low, abs=1e-12),
        pytest.approx(high),
    )


@pytest.mark.parametrize(
    "stages",
    [
        {"a": 10, "b": 4.0, "c": np.int64(1)},
        pd.Series([10, 4, 1], index=["a", "b", "c"]),
        pd.Series([10.0, 4.0, 1.0], index=["a", "b", "c"]),
    ],
    ids=["mixed number types", "int series", "float series"],
)
def test_funnel_count_inputs(stages):
    table = cx.funnel(stages)
    assert table["stage"].tolist() == ["a", "b", "c"]
    assert table["count"].tolist() == [10, 4, 1]
    assert table["count"].dtype == np.int64


def test_funnel_equal_counts_are_allowed():
    table = cx.funnel({"a": 5, "b": 5, "c": 5})
    assert table["step_rate"].iloc[1:].tolist() == [1.0, 1.0]
    assert table["drop_off"].tolist() == [0, 0, 0]


# ---------------------------------------------------------------------------
# funnel: per-person data


def strict_counts_by_loop(frame: pd.DataFrame) -> dict[str, int]:
    """People at each stage: a plain loop that walks every row stage by stage."""
    counts = dict.fromkeys(frame.columns, 0)
    for row in frame.itertuples(index=False):
        for stage, reached in zip(frame.columns, row, strict=True):
            if not reached:
                break
            counts[stage] += 1
    return counts


def random_people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Mostly nested stages with some rows that skip a stage."""
    visited = rng.random(n) < 0.95
    signed = visited & (rng.random(n) < 0.4)
    activated = (signed & (rng.random(n) < 0.6)) | (rng.random(n) < 0.03)
    paid = (activated & (rng.random(n) < 0.5)) | (rng.random(n) < 0.02)
    return pd.DataFrame(
        {"visited": visited, "signed_up": signed, "activated": activated, "paid": paid}
    )


def test_funnel_frame_equals_mapping_of_strict_counts():
    people = random_people(np.random.default_rng(7), 3_000)
    expected = strict_counts_by_loop(people)
    from_frame = cx.funnel(people)
    from_mapping = cx.funnel(expected)
    pd.testing.assert_frame_equal(from_frame, from_mapping)
    # The rows that skip a stage make the plain column sums larger.
    assert (people.sum() >= from_frame.set_index("stage")["count"]).all()
    assert (people.sum() > from_frame.set_index("stage")["count"]).any()


def test_funnel_frame_small_by_hand():
    # Row 3 subscribed without signing up: strict, it counts as a visit only.
    # Row 4 signed up without visiting: it counts nowhere.
    people = pd.DataFrame(
        {
            "visited": [True, True, True, False, True],
            "signed_up": [True, True, False, True, False],
            "subscribed": [True, False, True, True, False],
        }
    )
    table = cx.funnel(people)
    assert table["count"].tolist() == [4, 2, 1]
    assert table["drop_off"].tolist() == [0, 2, 1]
    assert table["step_rate"].iloc[1:].tolist() == [0.5, 0.5]


@pytest.mark.parametrize(
    "convert",
    [
        lambda f: f.astype(np.int64),
        lambda f: f.astype(np.float64),
        lambda f: f.astype("boolean"),
        lambda f: f.astype("Int8"),
        lambda f: f.astype(object),
        lambda f: f.astype("category"),
    ],
    ids=["int64", "float64", "nullable boolean", "nullable Int8", "object", "category"],
)
def test_funnel_frame_column_kinds(convert):
    people = random_people(np.random.default_rng(3), 500)
    expected = cx.funnel(people)
    pd.testing.assert_frame_equal(cx.funnel(convert(people)), expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.booleans(), st.booleans()),
        min_size=1,
        max_size=60,
    )
)
def test_funnel_frame_matches_the_loop_on_any_rows(rows):
    people = pd.DataFrame(rows, columns=["a", "b", "c"])
    expected = strict_counts_by_loop(people)
    if expected["a"] == 0:
        with pytest.raises(cx.InputError):
            cx.funnel(people)
        return
    table = cx.funnel(people)
    assert dict(zip(table["stage"], table["count"], strict=True)) == expected
    assert (np.diff(table["count"]) <= 0).all()


# ---------------------------------------------------------------------------
# funnel: bad input


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ({}, "funnel: stages is empty; give at least two stages"),
        (
            {"visited": 100},
            "funnel: a funnel needs at least two stages; got one ('visited')",
        ),
        (
            {"visited": 100, "signed_up": 120, "paid": 30},
            "funnel: counts must not grow from a stage to the next; 1 of 2 steps "
            "grow ('visited' 100 to 'signed_up' 120)",
        ),
        (
            {"a": 3, "b": 5, "c": 4, "d": 6, "e": 1_500},
            "funnel: counts must not grow from a stage to the next; 3 of 4 steps "
            "grow ('a' 3 to 'b' 5, 'c' 4 to 'd' 6, 'd' 6 to 'e' 1,500)",
        ),
        (
            {"a": 10, "b": -1, "c": -2},
            "funnel: 2 of 3 stage counts are negative ('b': -1, 'c': -2)",
        ),
        (
            {"a": 10, "b": 2.5},
            "funnel: 1 of 2 stage counts are not whole numbers ('b': 2.5)",
        ),
        (
            {"a": 10, "b": "4"},
            "funnel: 1 of 2 stage counts are not numbers ('b': '4')",
        ),
        (
            {"a": 10, "b": True},
            "funnel: 1 of 2 stage counts are not numbers ('b': True)",
        ),
        (
            {"a": 10, "b": None},
            "funnel: 1 of 2 stage counts are not numbers ('b': None)",
        ),
        (
            {"a": 10, "b": float("nan")},
            "funnel: 1 of 2 stage counts are missing or infinite ('b': nan)",
        ),
        (
            {"a": 0, "b": 0},
            "funnel: the first stage ('a') has a count of 0; a funnel needs "
            "someone to start with",
        ),
        (
            pd.Series([10, 5, 1], index=["a", "b", "a"]),
            "funnel: stage names must be unique; 'a' appears more than once",
        ),
        (
            [100, 50],
            "funnel: stages must be a mapping of stage to count or a DataFrame "
            "with one boolean column per stage; got list",
        ),
        (
            np.ones((3, 2), dtype=bool),
            "funnel: stages must be a mapping of stage to count or a DataFrame "
            "with one boolean column per stage; got ndarray",
        ),
    ],
    ids=[
        "empty mapping",
        "one stage",
        "growing count",
        "several growing",
        "negative",
        "not whole",
        "text count",
        "boolean count",
        "None count",
        "NaN count",
        "zero at first",
        "repeated names",
        "list",
        "array",
    ],
)
def test_funnel_bad_counts(stages, message):
    raises_input_error(lambda: cx.funnel(stages), message)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame(),
            "funnel: stages is empty; give at least two stages",
        ),
        (
            pd.DataFrame({"visited": [True]}),
            "funnel: a funnel needs at least two stages; got one ('visited')",
        ),
        (
            pd.DataFrame({"a": pd.Series([], dtype=bool), "b": []}),
            "funnel: stages has no rows; give one row per person",
        ),
        (
            pd.DataFrame([[True, True, False]], columns=["a", "b", "a"]),
            "funnel: stage names must be unique; 'a' appears more than once",
        ),
        (
            pd.DataFrame({"a": [True, True, True], "segment": ["web", "app", "web"]}),
            "funnel: 3 of 3 values in column 'segment' are not booleans or 0/1 "
            "('web', 'app')",
        ),
        (
            pd.DataFrame({"a": [1, 1, 1, 1], "b": [0, 2, 1, -1]}),
            "funnel: 2 of 4 values in column 'b' are not booleans or 0/1 (2, -1)",
        ),
        (
            pd.DataFrame({"a": [1.0, 1.0], "b": [0.5, 1.0]}),
            "funnel: 1 of 2 values in column 'b' are not booleans or 0/1 (0.5)",
        ),
        (
            pd.DataFrame(
                {
                    "a": [True, True, True, True],
                    "b": pd.array([True, None, None, False], dtype="boolean"),
                    "c": [1.0, np.nan, 0.0, np.nan],
                }
            ),
            "funnel: 3 of 4 people have missing stage values ('b': 2, 'c': 2); "
            "fill them (e.g. with False) or drop those rows first",
        ),
        (
            pd.DataFrame({"a": [False, False], "b": [True, True]}),
            "funnel: the first stage ('a') has a count of 0; a funnel needs "
            "someone to start with",
        ),
    ],
    ids=[
        "no columns",
        "one column",
        "no rows",
        "repeated columns",
        "text column",
        "integers beyond 0/1",
        "fractions",
        "missing values",
        "nobody at the first stage",
    ],
)
def test_funnel_bad_frames(frame, message):
    raises_input_error(lambda: cx.funnel(frame), message)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ci": "exact"}, f"funnel: ci='exact' is not one of {RATE_CHOICES}"),
        (
            {"confidence": 1.0},
            "funnel: confidence must be between 0 and 1 (exclusive); got 1",
        ),
    ],
)
def test_funnel_bad_options(options, message):
    raises_input_error(lambda: cx.funnel({"a": 2, "b": 1}, **options), message)
