"""Tests of cxmetrics.durations: elapsed, first_response_time, resolution_time.

Expected values come from outside cxmetrics: arithmetic written out in the
test, numpy's percentile, scipy.stats.quantile_test's interval for a
quantile, and the Binomial(n, 1/2) distribution summed exactly with
math.comb and fractions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import cxmetrics as cx
from cxmetrics._order_stats import DurationPlan, Spans, median_ranks


def _median_ranks(n, confidence):
    """The ranks (l, n + 1 - l) of the median's interval, None when none exists."""
    low, ok = median_ranks(np.array([n]), confidence)
    return (int(low[0]), n + 1 - int(low[0])) if ok[0] else None


def _summarize_durations(
    durations,
    *,
    unit,
    percentiles=(50.0, 90.0),
    confidence=0.95,
    label="Duration",
    n_pending=0,
):
    """The summary step on plain durations, as the duration metrics run it."""
    values = np.asarray(durations, dtype=float)
    size = values.size + n_pending
    spans = Spans(
        durations=np.concatenate([values, np.full(n_pending, np.nan)]),
        pending=np.arange(size) >= values.size,
        missing=np.zeros(size, bool),
        backwards=np.zeros(size, bool),
    )
    plan = DurationPlan(
        func="f",
        label=label,
        measure=lambda data: spans,
        unit=unit,
        percentiles=tuple(percentiles),
        confidence=confidence,
        nan_policy="omit",
    )
    return plan.result({})


BERLIN = "Europe/Berlin"
quick = settings(max_examples=60, deadline=None, database=None)


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


def raises(call: Callable[[], object], message: str) -> None:
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


def hours_after(base: str, hours: list[float | None]) -> list[str | None]:
    """ISO strings ``hours`` after ``base`` (None stays None)."""
    start = pd.Timestamp(base)
    return [
        None if h is None else (start + pd.Timedelta(hours=h)).isoformat()
        for h in hours
    ]


# ---------------------------------------------------------------------------
# elapsed


def test_units():
    # 09:00 to 10:30 is 90 minutes = 5,400 s = 1.5 h = 1.5 / 24 d.
    start, end = ["2026-01-05 09:00"], ["2026-01-05 10:30"]
    assert cx.elapsed(start, end, unit="s").tolist() == [5_400.0]
    assert cx.elapsed(start, end, unit="min").tolist() == [90.0]
    assert cx.elapsed(start, end).tolist() == [1.5]
    assert cx.elapsed(start, end, unit="d").tolist() == [1.5 / 24]


def test_business_day_unit_is_24_counted_hours():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun")
    # Two whole days open around the clock: 48 h = 2 d.
    got = cx.elapsed(["2026-01-05"], ["2026-01-07"], calendar=cal, unit="d")
    assert got.tolist() == [2.0]


def test_naive_timestamps_give_wall_clock_time():
    # No calendar, naive: 00:00 to 12:00 on the day clocks spring forward in
    # Berlin reads 12 h on the wall.
    got = cx.elapsed(["2026-03-29 00:00"], ["2026-03-29 12:00"])
    assert got.tolist() == [12.0]


def test_aware_timestamps_give_real_time():
    # The same readings in Berlin: 00:00 CET (23:00 UTC) to 12:00 CEST
    # (10:00 UTC) is 11 h.
    start = pd.Series(pd.to_datetime(["2026-03-29 00:00"])).dt.tz_localize(BERLIN)
    end = pd.Series(pd.to_datetime(["2026-03-29 12:00"])).dt.tz_localize(BERLIN)
    assert cx.elapsed(start, end).tolist() == [11.0]


def test_result_is_a_float_array_aligned_with_the_input():
    start = pd.Series(
        pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"]), index=[5, 3]
    )
    end = pd.Series(
        pd.to_datetime(["2026-01-05 11:00", "2026-01-05 10:30"]), index=[5, 3]
    )
    got = cx.elapsed(start, end)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.tolist() == [2.0, 0.5]
    # The input is left as it was.
    assert start.tolist() == list(
        pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"])
    )


START = ["2026-01-05 09:00", "2026-01-05 09:00", None, "2026-01-05 09:00"]
END = ["2026-01-05 10:00", None, "2026-01-05 10:00", "2026-01-05 08:00"]


def test_elapsed_omit():
    got = cx.elapsed(START, END)
    assert got[0] == 1.0
    assert np.isnan(got[1:]).all()  # pending, no start, end before start


def test_elapsed_propagate_checks_nothing():
    got = cx.elapsed(START, END, nan_policy="propagate")
    assert got[0] == 1.0
    assert got[3] == -1.0
    assert np.isnan(got[1:3]).all()


def test_elapsed_raise():
    raises(
        lambda: cx.elapsed(START, END, nan_policy="raise"),
        "elapsed: 1 of 4 starts are missing and nan_policy='raise'",
    )
    raises(
        lambda: cx.elapsed(
            START[:2] + START[3:], END[:2] + END[3:], nan_policy="raise"
        ),
        "elapsed: 1 of 3 ends are before their starts "
        "(2026-01-05 08:00 before 2026-01-05 09:00)",
    )
    # A missing end is an open item, never an error.
    got = cx.elapsed(START[:2], END[:2], nan_policy="raise")
    assert got[0] == 1.0
    assert np.isnan(got[1])


def test_end_before_start_inside_closed_hours_is_still_before():
    # Both on a Saturday: business time 0, but the end comes first.
    cal = cx.BusinessCalendar()
    start, end = ["2026-01-10 12:00"], ["2026-01-10 10:00"]
    assert np.isnan(cx.elapsed(start, end, calendar=cal)).all()
    assert cx.elapsed(start, end, calendar=cal, nan_policy="propagate").tolist() == [
        0.0
    ]
    raises(
        lambda: cx.elapsed(start, end, calendar=cal, nan_policy="raise"),
        "elapsed: 1 of 1 ends are before their starts "
        "(2026-01-10 10:00 before 2026-01-10 12:00)",
    )


def test_naive_start_in_a_gap_read_after_its_end_is_before():
    # 02:30 does not exist in Berlin on 29 March 2026 and is read as 03:30;
    # an end at 03:10 is then before it.
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=BERLIN)
    start, end = ["2026-03-29 02:30"], ["2026-03-29 03:10"]
    assert np.isnan(cx.elapsed(start, end, calendar=cal)).all()
    propagated = cx.elapsed(
        start, end, calendar=cal, unit="min", nan_policy="propagate"
    )
    assert propagated.tolist() == [-20.0]


def test_backwards_examples_name_seconds_and_utc():
    start = ["2026-01-05T09:00:30Z", "2026-01-05T09:00:00Z", "2026-01-05T09:00:00Z"]
    end = ["2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z", "2026-01-05T08:59:59.5Z"]
    raises(
        lambda: cx.elapsed(start, end, nan_policy="raise"),
        "elapsed: 2 of 3 ends are before their starts (2026-01-05 09:00 UTC "
        "before 2026-01-05 09:00:30 UTC, 2026-01-05 08:59:59.500000 UTC before "
        "2026-01-05 09:00 UTC)",
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.elapsed(["2026-01-05"] * 2, ["2026-01-06"] * 3),
            "elapsed: start has 2 values but end has 3; they must align one to one",
        ),
        (lambda: cx.elapsed([], []), "elapsed: start and end are empty"),
        (
            lambda: cx.elapsed(
                np.array([], dtype="datetime64[ns]"), pd.Series([], dtype=object)
            ),
            "elapsed: start and end are empty",
        ),
        (
            lambda: cx.elapsed(["2026-01-05"], ["2026-01-06"], unit="hours"),
            "elapsed: unit='hours' is not one of 's', 'min', 'h', 'd'",
        ),
        (
            lambda: cx.elapsed(["2026-01-05"], ["2026-01-06"], nan_policy="skip"),
            "elapsed: nan_policy='skip' is not one of 'omit', 'raise', 'propagate'",
        ),
        (
            lambda: cx.elapsed(
                ["2026-01-05"], ["2026-01-06"], calendar={"hours": "9-5"}
            ),
            "elapsed: calendar must be a BusinessCalendar or None; got dict",
        ),
        (
            lambda: cx.first_response_time(["2026-01-05"] * 2, ["2026-01-06"]),
            "first_response_time: created has 2 values but first_response has 1; "
            "they must align one to one",
        ),
        (
            lambda: cx.resolution_time([], []),
            "resolution_time: created and resolved are empty",
        ),
        (
            lambda: cx.resolution_time(["2026-01-05"], ["2026-01-06"], unit="w"),
            "resolution_time: unit='w' is not one of 's', 'min', 'h', 'd'",
        ),
        (
            lambda: cx.resolution_time(["2026-01-05"], ["x"]),
            "resolution_time: 1 of 1 strings in resolved are not ISO 8601 "
            "timestamps ('x')",
        ),
        (
            lambda: cx.first_response_time([1], ["2026-01-06"]),
            "first_response_time: created must be timestamps; got numbers such as 1",
        ),
    ],
)
def test_bad_input(call, message):
    raises(call, message)


# ---------------------------------------------------------------------------
# Summaries: a worked example


REPLIED_AFTER = [0.5, 1, 1, 2, 3, 4, 8, None]  # hours; the last is still waiting


def test_first_response_worked_example():
    created = ["2026-01-05 09:00"] * 8
    result = cx.first_response_time(
        created, hours_after("2026-01-05 09:00", REPLIED_AFTER)
    )
    assert (result.n, result.n_pending, result.n_missing) == (7, 1, 0)
    # mean = (0.5 + 1 + 1 + 2 + 3 + 4 + 8) / 7 = 19.5 / 7
    assert result.mean == pytest.approx(19.5 / 7, rel=1e-15)
    # Sorted: 0.5, 1, 1, 2, 3, 4, 8; the median is the 4th value.
    assert result.median == 2.0
    # 90th percentile, linear interpolation: position 0.9 * (7 - 1) = 5.4,
    # so x[5] + 0.4 * (x[6] - x[5]) = 4 + 0.4 * 4 = 5.6 (0-based positions).
    assert result.percentiles == {50.0: 2.0, 90.0: pytest.approx(5.6, rel=1e-15)}
    # Median interval, n = 7: P(K <= 0) = 1/128 <= 0.025 < P(K <= 1) = 8/128,
    # so l = 1 and the interval is [x(1), x(7)] = [0.5, 8].
    ci = result.median_ci
    assert (ci.low, ci.high, ci.level, ci.method) == (0.5, 8.0, 0.95, "order_statistic")
    assert result.unit == "h"
    assert result.label == "First response time"
    assert result.values.tolist() == [0.5, 1.0, 1.0, 2.0, 3.0, 4.0, 8.0]
    assert "values" not in result.to_dict()


def test_resolution_time_counts_pending_and_missing():
    created = [
        "2026-01-05 09:00",
        "2026-01-05 09:00",
        None,  # no created time: missing
        "2026-01-05 09:00",  # resolved before created: missing
        "2026-01-05 09:00",  # not resolved yet: pending
        None,  # neither: missing
    ]
    resolved = [
        "2026-01-05 10:00",
        "2026-01-05 12:00",
        "2026-01-05 12:00",
        "2026-01-05 08:00",
        None,
        None,
    ]
    result = cx.resolution_time(created, resolved)
    assert (result.n, result.n_pending, result.n_missing) == (2, 1, 3)
    assert result.values.tolist() == [1.0, 3.0]
    assert result.label == "Resolution time"
    raises(
        lambda: cx.resolution_time(created, resolved, nan_policy="raise"),
        "resolution_time: 2 of 6 created times are missing and nan_policy='raise'",
    )
    raises(
        lambda: cx.resolution_time(
            created[:2] + created[3:5], resolved[:2] + resolved[3:5], nan_policy="raise"
        ),
        "resolution_time: 1 of 4 resolution times are before their created times "
        "(2026-01-05 08:00 before 2026-01-05 09:00)",
    )
    raises(
        lambda: cx.first_response_time(
            ["2026-01-05 09:00"], ["2026-01-05 08:00"], nan_policy="raise"
        ),
        "first_response_time: 1 of 1 first responses are before their created "
        "times (2026-01-05 08:00 before 2026-01-05 09:00)",
    )


def test_propagate_makes_every_estimate_nan():
    result = cx.resolution_time(
        ["2026-01-05 09:00", None, "2026-01-05 09:00"],
        ["2026-01-05 10:00", "2026-01-05 10:00", None],
        nan_policy="propagate",
    )
    assert (result.n, result.n_pending, result.n_missing) == (1, 1, 1)
    assert math.isnan(result.mean)
    assert math.isnan(result.median)
    assert math.isnan(result.percentiles[50.0])
    assert math.isnan(result.percentiles[90.0])
    assert math.isnan(result.median_ci.low)
    assert math.isnan(result.median_ci.high)
    # Pending items alone are not missing values: the estimates stand.
    clean = cx.resolution_time(
        ["2026-01-05 09:00", "2026-01-05 09:00"],
        ["2026-01-05 10:00", None],
        nan_policy="propagate",
    )
    assert clean.median == 1.0


def test_propagate_with_nothing_valid_is_all_nan_not_an_error():
    result = cx.resolution_time([None], ["2026-01-05 10:00"], nan_policy="propagate")
    assert (result.n, result.n_missing) == (0, 1)
    assert math.isnan(result.median)


def test_no_valid_duration_is_an_error():
    raises(
        lambda: cx.resolution_time(["2026-01-05 09:00"] * 3, [None] * 3),
        "resolution_time: no valid durations among 3 items (3 pending)",
    )
    raises(
        lambda: cx.first_response_time(
            [None, "2026-01-05 09:00"], ["2026-01-05 10:00", "2026-01-05 08:00"]
        ),
        "first_response_time: no valid durations among 2 items (1 ends before it "
        "starts, 1 has no start)",
    )
    # Every end before its start is said so, not counted as missing.
    raises(
        lambda: cx.resolution_time(["2025-01-06 12:00"], ["2025-01-06 10:00"]),
        "resolution_time: no valid durations among 1 items (1 ends before it starts)",
    )
    raises(
        lambda: cx.resolution_time(
            ["2025-01-06 12:00", "2025-01-06 13:00", None, "2025-01-06 09:00"],
            ["2025-01-06 10:00", "2025-01-06 11:00", "2025-01-06 11:00", None],
        ),
        "resolution_time: no valid durations among 4 items (2 end before they "
        "start, 1 pending, 1 has no start)",
    )


def test_summary_on_a_business_calendar():
    # Mon-Fri 09:00-17:00 in Berlin. Friday 16:00 -> Monday 10:00 is 2 h;
    # Monday 09:00 -> 13:00 is 4 h; Monday 15:00 -> Tuesday 11:00 is
    # 2 h + 2 h = 4 h; the last is pending.
    cal = cx.BusinessCalendar(tz=BERLIN)
    result = cx.resolution_time(
        [
            "2026-01-09 16:00",
            "2026-01-12 09:00",
            "2026-01-12 15:00",
            "2026-01-12 15:00",
        ],
        ["2026-01-12 10:00", "2026-01-12 13:00", "2026-01-13 11:00", None],
        calendar=cal,
        unit="min",
        percentiles=(25,),
    )
    assert result.values.tolist() == [120.0, 240.0, 240.0]
    assert result.median == 240.0
    assert result.mean == pytest.approx(200.0, rel=1e-15)
    # 25th percentile: position 0.25 * 2 = 0.5 -> 120 + 0.5 * 120 = 180.
    assert result.percentiles == {25.0: 180.0}
    assert result.unit == "min"
    assert result.n_pending == 1


def test_percentiles_match_numpy():
    rng = np.random.default_rng(4)
    took = rng.lognormal(1.0, 1.0, 501)
    created = np.full(took.size, np.datetime64("2026-01-05T09:00", "ns"))
    replied = created + (took * 3600e9).astype("timedelta64[ns]")
    result = cx.first_response_time(created, replied, percentiles=[10, 50, 75, 99.5])
    hours = (replied - created) / np.timedelta64(1, "h")
    expected = np.percentile(hours, [10, 50, 75, 99.5])
    assert list(result.percentiles) == [10.0, 50.0, 75.0, 99.5]
    np.testing.assert_allclose(list(result.percentiles.values()), expected, rtol=1e-13)
    assert result.median == pytest.approx(float(np.median(hours)), rel=1e-13)
    assert result.mean == pytest.approx(float(hours.mean()), rel=1e-12)


@pytest.mark.parametrize(
    ("percentiles", "keys"),
    [
        ((), []),
        (50, [50.0]),
        ([75, 25, 75], [75.0, 25.0]),
        (np.array([5, 95]), [5.0, 95.0]),
        ([0, 100], [0.0, 100.0]),
    ],
)
def test_percentile_forms(percentiles, keys):
    result = cx.resolution_time(
        ["2026-01-05"] * 3,
        ["2026-01-06", "2026-01-07", "2026-01-08"],
        percentiles=percentiles,
    )
    assert list(result.percentiles) == keys


@pytest.mark.parametrize(
    ("percentiles", "shown"),
    [
        ([150], "150"),
        ([-1, 50], "-1"),
        (["a"], "'a'"),
        ([True], "True"),
        ("50", "'50'"),
        (None, "None"),
        ([math.nan], "nan"),
    ],
)
def test_bad_percentiles(percentiles, shown):
    raises(
        lambda: cx.first_response_time(
            ["2026-01-05"], ["2026-01-06"], percentiles=percentiles
        ),
        f"first_response_time: percentiles must be numbers from 0 to 100; got {shown}",
    )


@pytest.mark.parametrize(
    ("confidence", "message"),
    [
        (1.5, "confidence must be between 0 and 1 (exclusive); got 1.5"),
        (0, "confidence must be between 0 and 1 (exclusive); got 0"),
        ("95%", "confidence must be a number between 0 and 1; got '95%'"),
    ],
)
def test_bad_confidence(confidence, message):
    raises(
        lambda: cx.resolution_time(
            ["2026-01-05"], ["2026-01-06"], confidence=confidence
        ),
        f"resolution_time: {message}",
    )


# ---------------------------------------------------------------------------
# The order-statistic interval for the median


def exact_ranks(n: int, confidence: str) -> tuple[int, int] | None:
    """The largest l with P(K <= l - 1) <= (1 - confidence) / 2, summed exactly."""
    tail = (1 - Fraction(confidence)) / 2
    cdf = [
        Fraction(sum(math.comb(n, i) for i in range(k + 1)), 2**n) for k in range(n + 1)
    ]
    ranks = [low for low in range(1, n + 1) if cdf[low - 1] <= tail]
    return (max(ranks), n + 1 - max(ranks)) if ranks else None


@pytest.mark.parametrize(
    "confidence", ["0.5", "0.75", "0.8", "0.875", "0.9", "0.95", "0.99"]
)
def test_median_ranks_match_an_exact_binomial_sum(confidence):
    # Dyadic levels (0.5, 0.75, 0.875) hit P(K <= k) = tail exactly for some
    # n, where the rank must still be taken.
    for n in range(1, 121):
        expected = exact_ranks(n, confidence)
        assert _median_ranks(n, float(confidence)) == expected, n


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_median_interval_matches_scipy_quantile_test(confidence):
    rng = np.random.default_rng(12)
    for n in [*range(1, 40), 57, 100, 333, 1_000]:
        hours = rng.exponential(3.0, n)
        created = np.full(n, np.datetime64("2026-01-05T09:00", "ns"))
        resolved = created + (hours * 3600e9).astype("timedelta64[ns]")
        result = cx.resolution_time(created, resolved, confidence=confidence)
        values = result.values
        reference = stats.quantile_test(values, q=np.median(values), p=0.5)
        expected = reference.confidence_interval(confidence)
        np.testing.assert_array_equal(
            [result.median_ci.low, result.median_ci.high],
            [expected.low, expected.high],
            err_msg=f"n={n}",
        )


def test_too_few_durations_for_the_confidence_give_nan_bounds():
    # At 95%, l = 1 needs P(K <= 0) = 2**-n <= 0.025: n >= 6.
    five = _summarize_durations(np.arange(1.0, 6.0), unit="h")
    assert math.isnan(five.median_ci.low)
    assert math.isnan(five.median_ci.high)
    assert five.median == 3.0  # the estimate itself is still there
    six = _summarize_durations(np.arange(1.0, 7.0), unit="h")
    assert (six.median_ci.low, six.median_ci.high) == (1.0, 6.0)
    # A lower level needs fewer: at 80%, 2**-n <= 0.1 from n = 4.
    four = _summarize_durations(np.arange(1.0, 5.0), unit="h", confidence=0.8)
    assert (four.median_ci.low, four.median_ci.high) == (1.0, 4.0)


def test_median_interval_covers_at_least_its_level():
    # Skewed (log-normal) durations, n = 15 at 90%: l = 4, whose exact
    # coverage is 1 - 2 P(K <= 3) = 1 - 2 * 576 / 32768 = 0.96484375.
    rng = np.random.default_rng(2026)
    n, reps, true_median = 15, 4_000, 1.0  # log-normal(0, 1) has median e^0
    assert _median_ranks(n, 0.9) == (4, 12)
    exact = 1 - 2 * Fraction(1 + 15 + 105 + 455, 2**15)
    samples = np.sort(rng.lognormal(0.0, 1.0, (reps, n)), axis=1)
    covered = (samples[:, 3] <= true_median) & (true_median <= samples[:, 11])
    se = math.sqrt(float(exact) * (1 - float(exact)) / reps)
    assert abs(covered.mean() - float(exact)) < 4 * se
    assert float(exact) >= 0.9


# ---------------------------------------------------------------------------
# The reusable summary step


def test_summary_step_reused_on_plain_durations():
    durations = np.array([3.0, 1.0, 2.0, 8.0, 5.0, 4.0, 6.0])
    result = _summarize_durations(
        durations,
        unit="min",
        percentiles=(50.0, 90.0),
        label="Handle time",
        n_pending=2,
    )
    assert result.values.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0]
    assert durations.tolist() == [
        3.0,
        1.0,
        2.0,
        8.0,
        5.0,
        4.0,
        6.0,
    ]  # not sorted in place
    assert (result.n, result.n_pending, result.median, result.mean) == (
        7,
        2,
        4.0,
        29.0 / 7,
    )
    assert result.label == "Handle time"
    assert result.unit == "min"


@quick
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60), st.randoms()
)
def test_summary_does_not_depend_on_order(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)
    a = _summarize_durations(np.array(values), unit="h")
    b = _summarize_durations(np.array(shuffled), unit="h")
    np.testing.assert_equal(a.to_dict(), b.to_dict())  # NaN bounds compare equal
    assert a.values.tolist() == sorted(values)
    low, high = a.median_ci.low, a.median_ci.high
    if not math.isnan(low):
        assert low <= a.median <= high
