"""Edge cases where a user's data meet the library, one test each.

Each case was found by an adversarial sweep of the public API (silent
misalignment, lost masks, overflowing weights, memory blowups, tracebacks
of the wrong type). Each must now end in a correct value, checked against a
computation written here, or in a clear `cxmetrics.InputError`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

import cxmetrics as cx


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


# ---------------------------------------------------------------------------
# Pandas objects passed together must share one index


def test_weights_in_another_index_order_are_refused_not_paired_by_position():
    # Paired by position these would give NPS -66.7; by label +66.7.
    scores = pd.Series([10, 0, 10], index=["a", "b", "c"])
    weights = pd.Series([1.0, 1.0, 8.0], index=["c", "b", "a"])
    with pytest.raises(
        cx.InputError,
        match=r"^nps: scores and weights are pandas objects with different indexes",
    ):
        cx.nps(scores, weights=weights)
    aligned = cx.nps(scores, weights=weights.reindex(scores.index))
    assert aligned.value == pytest.approx(100 * (8 + 1 - 1) / 10)


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (
            lambda a, b: cx.elapsed(
                pd.to_datetime(a.astype(str).radd("2025-01-0")),
                pd.to_datetime(b.astype(str).radd("2025-01-0")),
            ),
            "elapsed: start and end",
        ),
        (lambda a, b: cx.service_level(a * 10.0, b > 1, threshold=20), "service_level"),
        (lambda a, b: cx.survival_curve(a, b > 1), "survival_curve: durations and"),
        (lambda a, b: cx.average_speed_of_answer(a, b > 1), "average_speed_of_answer"),
        (lambda a, b: cx.sla_attainment(a, b), "sla_attainment: durations and"),
    ],
    ids=["elapsed", "service_level", "survival", "asa", "sla"],
)
def test_every_pair_of_pandas_arguments_must_share_its_index(call, names):
    a = pd.Series([1, 2, 3], index=[0, 1, 2])
    b = pd.Series([2, 3, 1], index=[2, 0, 1])
    with pytest.raises(cx.InputError, match="^" + re.escape(names)):
        call(a, b)
    same = b.sort_index()  # the same index: fine, by position
    call(a, same)


def test_arrays_and_lists_go_by_position():
    result = cx.nps(pd.Series([10, 0], index=[5, 6]), weights=np.array([9.0, 1.0]))
    assert result.value == pytest.approx(80.0)


# ---------------------------------------------------------------------------
# Masked arrays: the mask is read


def test_a_masked_value_is_missing_not_a_score():
    scores = np.ma.masked_array([10, 0, 0, 50], mask=[0, 0, 0, 1])
    result = cx.nps(scores)
    assert (result.n, result.n_missing, result.promoters) == (3, 1, 1)
    assert result.value == pytest.approx(100 * (1 - 2) / 3)
    ratings = np.ma.masked_array([5, 4, 1, 50], mask=[0, 0, 0, 1])
    assert cx.csat(ratings).value == pytest.approx(2 / 3)
    with pytest.raises(cx.InputError, match="missing and nan_policy='raise'"):
        cx.csat(ratings, nan_policy="raise")


# ---------------------------------------------------------------------------
# Merging and comparing: nothing lost, nothing mixed


def test_merge_keeps_a_propagated_missing_value():
    merged = cx.nps([10, np.nan], nan_policy="propagate").merge(cx.nps([10, 0]))
    assert math.isnan(merged.value)
    assert (merged.n, merged.n_missing) == (3, 1)


def test_results_on_different_scales_neither_merge_nor_compare():
    with pytest.raises(
        cx.InputError,
        match=exact(
            "merge: MeanResult results merge only when they measure the same thing; "
            "got 'Mean score' (1-5 scale) and 'Mean score' (1-10 scale)"
        ),
    ):
        cx.mean_score([5, 5], scale=(1, 5)).merge(
            cx.mean_score([10, 10], scale=(1, 10))
        )
    with pytest.raises(cx.InputError, match=r"^compare: a and b measure different"):
        cx.compare(cx.csat([5, 5, 4, 1]), cx.csat([7, 6, 1, 1], scale=(1, 7)))


def test_service_levels_of_different_thresholds_do_not_merge():
    a = cx.service_level([5, 30], [True, True], threshold=20)
    b = cx.service_level([5, 30], [True, True], threshold=40)
    with pytest.raises(cx.InputError, match="answered within 20 s"):
        a.merge(b)


def test_comparing_a_propagated_survival_curve_gives_nan():
    curve = cx.survival_curve([1.0, 2.0, np.nan, 3.0], nan_policy="propagate")
    comparison = cx.compare(curve, cx.survival_curve([1.0, 5.0, 6.0]))
    assert math.isnan(comparison.p_value)
    assert math.isnan(comparison.statistic)
    assert comparison.ci is None


def test_merge_checks_its_options():
    a, b = cx.nps([10, 3], ci="bootstrap"), cx.nps([9], ci="bootstrap")
    with pytest.raises(
        cx.InputError, match=exact("merge: n_resamples must be at least 1; got 0")
    ):
        a.merge(b, n_resamples=0)
    with pytest.raises(cx.InputError, match=r"^merge: rng must be None"):
        a.merge(b, rng=-1)


# ---------------------------------------------------------------------------
# Numbers at the edges of floating point


@pytest.mark.parametrize("size", [1e154, 1e160, 1e300, 1e308])
def test_huge_weights_give_the_weighted_estimate(size):
    # Only the ratios of weights matter: equal weights are no weights.
    mean = cx.mean_score([1, 5], scale=(1, 5), weights=[size, size])
    assert mean.value == 3.0
    assert mean.effective_n == pytest.approx(2.0)
    assert mean.ci.low == pytest.approx(cx.mean_score([1, 5], scale=(1, 5)).ci.low)
    rate = cx.csat([5, 1, 1], weights=[size] * 3)
    plain = cx.csat([5, 1, 1])
    assert rate.value == pytest.approx(1 / 3)
    assert (rate.ci.low, rate.ci.high) == pytest.approx((plain.ci.low, plain.ci.high))


def test_tiny_weights_keep_their_ratios():
    weighted = cx.csat([5, 1], weights=[3e-300, 1e-300])
    assert weighted.value == pytest.approx(0.75)
    assert weighted.effective_n == pytest.approx(16 / 10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.nps_from_counts(2**64, 1, 1),
            "nps_from_counts: promoters is 1.845e+19, more than "
            "9,007,199,254,740,992 (2**53), the largest count that floating point "
            "holds exactly",
        ),
        (
            lambda: cx.churn_rate(2**70, 2**71),
            "churn_rate: lost is 1.181e+21, more than 9,007,199,254,740,992 (2**53), "
            "the largest count that floating point holds exactly",
        ),
        (
            lambda: cx.funnel({"visit": 1e19, "buy": 1e19}),
            "funnel: 2 of 2 stage counts are more than 9,007,199,254,740,992 (2**53, "
            "the largest count floating point holds exactly) ('visit': "
            "10000000000000000000, 'buy': 10000000000000000000)",
        ),
        (
            lambda: cx.funnel({"a": 10**400, "b": 5}),
            "funnel: 1 of 2 stage counts are more than 9,007,199,254,740,992 (2**53, "
            "the largest count floating point holds exactly) ('a': 1.000e+400)",
        ),
        (
            lambda: cx.nps([10**400, 5]),
            "nps: 1 of 2 scores are too large for floating point (1.000e+400)",
        ),
    ],
    ids=["nps counts", "churn", "funnel", "funnel python int", "huge score"],
)
def test_counts_beyond_float_range_are_refused(call, message):
    with pytest.raises(cx.InputError, match=exact(message)):
        call()


def test_a_time_span_is_no_confidence_level():
    with pytest.raises(
        cx.InputError,
        match=r"^nps: confidence must be a number between 0 and 1; got ",
    ):
        cx.nps([10], confidence=np.timedelta64(5, "s"))
    with pytest.raises(cx.InputError, match=r"^nps: n_resamples must be a whole"):
        cx.nps([10], n_resamples=np.timedelta64(5, "s"))


def test_mean_from_sums_takes_numpy_numbers():
    result = cx.mean_from_sums(5, np.int64(10), np.int64(30))
    assert result.value == 2.0
    assert result.std == pytest.approx(math.sqrt((30 - 10 * 2) / 4))


# ---------------------------------------------------------------------------
# Memory: bounds that say why


@pytest.mark.parametrize("high", [10**12, 2**62, 2**70])
def test_a_scale_too_wide_is_refused_before_any_allocation(high):
    with pytest.raises(
        cx.InputError,
        match=r"^csat: scale \(0, \d+\) has [\d,]+ points, more than the 10,001 a "
        r"rating scale may have",
    ):
        cx.csat([1.0, 2.0], scale=(0, high))


def test_resamples_are_bounded():
    with pytest.raises(
        cx.InputError, match=r"^nps: n_resamples=10,000,000,000 is more"
    ):
        cx.nps([10, 9, 3], ci="bootstrap", n_resamples=10**10)
    a = cx.resolution_time(["2025-01-06"] * 3, ["2025-01-07"] * 3)
    b = cx.resolution_time(["2025-01-06"] * 3, ["2025-01-08"] * 3)
    with pytest.raises(cx.InputError, match=r"^compare: n_resamples=1,000,000,000"):
        cx.compare(a, b, n_resamples=10**9)


# ---------------------------------------------------------------------------
# by_segment keys and arguments


def test_a_key_named_like_an_output_column_is_refused_not_overwritten():
    frame = pd.DataFrame({"nps": [10, 10, 0, 3], "promoters": ["N", "N", "S", "S"]})
    with pytest.raises(
        cx.InputError,
        match=r"^by_segment: the key column 'promoters' has the name of an output "
        r"column of cx\.nps \(n, value, .*promoters.*\); rename it first",
    ):
        cx.by_segment(frame, cx.nps, column="nps", by="promoters")
    renamed = frame.rename(columns={"promoters": "region"})
    table = cx.by_segment(renamed, cx.nps, column="nps", by="region")
    assert table["region"].tolist() == ["N", "S"]
    assert table["promoters"].tolist() == [2, 0]


def test_keys_that_cannot_be_sorted_or_hashed_are_refused():
    frame = pd.DataFrame(
        {"nps": [10, 3, 9], "k": [pd.Timestamp("2024-01-01"), 1.5, "a"]}
    )
    with pytest.raises(
        cx.InputError,
        match=r"^by_segment: key column 'k' mixes values that cannot be sorted "
        r"together \(Timestamp, float, str\)",
    ):
        cx.by_segment(frame, cx.nps, column="nps", by="k")
    with pytest.raises(
        cx.InputError,
        match=r"^by_segment: key column 'k' holds values that cannot be keys \(list\)",
    ):
        cx.by_segment(frame.assign(k=[[1], [2], [1]]), cx.nps, column="nps", by="k")


def test_by_time_and_weights_take_series_and_arrays():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "score": rng.integers(0, 11, 400),
            "seg": rng.choice(["a", "b", "c"], 400),
            "w": rng.uniform(0.5, 2.0, 400),
            "when": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(rng.integers(0, 200, 400), unit="D"),
        }
    )
    by_name = cx.by_segment(frame, cx.nps, column="score", by="seg", weights="w")
    by_series = cx.by_segment(
        frame, cx.nps, column="score", by=frame["seg"], weights=frame["w"].to_numpy()
    )
    pd.testing.assert_frame_equal(by_series, by_name)
    by_array = cx.by_segment(frame, cx.nps, column="score", by=frame["seg"].to_numpy())
    assert by_array.columns[0] == "key"
    assert by_array["key"].tolist() == ["a", "b", "c"]
    upper = cx.by_segment(frame, cx.nps, column="score", by=frame["seg"].str.upper())
    assert upper.columns[0] == "seg_1"  # not the frame's own 'seg' column
    assert upper["seg_1"].tolist() == ["A", "B", "C"]
    trend = cx.over_time(frame, cx.nps, column="score", time=frame["when"].to_numpy())
    expected = cx.over_time(frame, cx.nps, column="score", time="when")
    pd.testing.assert_frame_equal(trend, expected)


def test_keys_given_as_values_must_align_with_the_frame():
    frame = pd.DataFrame({"score": [10, 9, 0], "seg": ["a", "b", "a"]})
    with pytest.raises(
        cx.InputError,
        match=r"^by_segment: the Series given as by does not have the frame's index",
    ):
        cx.by_segment(frame, cx.nps, column="score", by=frame["seg"].iloc[::-1])
    with pytest.raises(
        cx.InputError,
        match=exact(
            "by_segment: weights has 2 values but frame has 3 rows; they must align "
            "one to one"
        ),
    ):
        cx.by_segment(frame, cx.nps, column="score", by="seg", weights=np.ones(2))


# ---------------------------------------------------------------------------
# Numeric edge of Welch's test


def test_welch_test_survives_variances_that_underflow():
    # Scale-free: the same test as on values 1e170 times larger (scipy).
    from scipy import stats

    from cxmetrics._two_sample import mean_difference

    _, low, high, statistic, p_value = mean_difference(
        0.0, 1e-170, 10, 1e-170, 2e-170, 12, confidence=0.95
    )
    reference = stats.ttest_ind_from_stats(0.0, 1.0, 10, 1.0, 2.0, 12, equal_var=False)
    assert float(statistic) == pytest.approx(reference.statistic, rel=1e-12)
    assert float(p_value) == pytest.approx(reference.pvalue, rel=1e-12)
    assert float(low) < -1e-170 < float(high)


# ---------------------------------------------------------------------------
# Plotting: bad arguments are InputErrors


@pytest.fixture
def plotting():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from cxmetrics import plotting

    return plotting


def test_plotting_refuses_text_values_a_bad_axes_and_an_empty_curve(plotting):
    table = cx.by_segment(cx.datasets.load_survey(), cx.nps, column="nps", by="region")
    with pytest.raises(
        cx.InputError,
        match=exact("plot_nps: column 'value' must hold numbers; got 'x'"),
    ):
        plotting.plot_nps(table.assign(value="x"))
    with pytest.raises(
        cx.InputError,
        match=exact(
            "plot_nps: ax must be matplotlib Axes (or None for a new figure); got str"
        ),
    ):
        plotting.plot_nps(cx.nps([10]), ax="x")
    with pytest.raises(cx.InputError, match=r"^plot_survival: curve 1 has nothing"):
        plotting.plot_survival(cx.survival_curve([np.nan], nan_policy="propagate"))
