"""Tests of cxmetrics.retention: churn_rate, annualized_churn, customer_flows,
cohort_retention, revenue_retention, mrr_movements, clv.

Every expected value comes from outside cxmetrics: hand-worked examples with
the arithmetic written out, statsmodels' ``proportion_confint``, plain-pandas
groupby computations written in the test, and brute-force oracles (Python
loops over customers and periods, a truncated CLV series).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

import cxmetrics as cx
from cxmetrics import cohorts, revenue

quick = settings(max_examples=80, deadline=None, database=None)

#: cxmetrics' proportion methods and statsmodels' names for them.
STATSMODELS_METHODS = {
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "wald": "normal",
}
RATE_CHOICES = "'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None"
FREQ_RULE = (
    "is not a period frequency; use 'D' (days), 'W' or 'W-MON' ... 'W-SUN' (weeks "
    "ending on that day), 'M', 'ME' or 'MS' (months), 'Q', 'QE' or 'QS' (quarters; "
    "'Q-JAN' ... 'Q-DEC' end in that month, 'QS-JAN' ... 'QS-DEC' start in it), or "
    "'Y', 'YE', 'YS' or 'A' (years, anchored the same way)"
)


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


def raises_input_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        call()
    assert isinstance(info.value, ValueError)


def months(first: str, last: str, name: str = "period") -> pd.PeriodIndex:
    return pd.period_range(first, last, freq="M", name=name)


# ---------------------------------------------------------------------------
# churn_rate


def test_churn_start_worked_example():
    # 45 of the 1,000 customers at the start of March left: 45 / 1000 = 4.5%
    result = cx.churn_rate(45, 1000)
    assert result.value == 0.045
    assert (result.successes, result.n, result.total_weight) == (45, 1000, 1000)
    assert result.effective_n == 1000.0
    assert result.label == "Churn"
    assert result.n_missing == 0
    low, high = proportion_confint(45, 1000, alpha=0.05, method="wilson")
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)
    assert (result.ci.level, result.ci.method) == (0.95, "wilson")
    assert str(result) == "Churn 4.5% (95% CI 3.4% to 6.0%, Wilson), n=1,000"


def test_churn_average_worked_example():
    # 1,000 at the start, 1,080 at the end: average (1000 + 1080) / 2 = 1040;
    # churn = 45 / 1040 = 0.0432692...; the interval uses n = 1040.
    result = cx.churn_rate(45, 1000, at_end=1080, method="average")
    assert result.value == pytest.approx(45 / 1040, rel=1e-15)
    assert round(result.value, 5) == 0.04327
    assert result.total_weight == 1040
    assert result.effective_n == 1040.0
    assert result.n == 1000
    low, high = proportion_confint(45, 1040, alpha=0.05, method="wilson")
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)


def test_churn_start_and_average_side_by_side():
    # A shrinking base: 200 at the start, 150 at the end, 60 lost.
    # start: 60 / 200 = 0.30; average: 60 / 175 = 0.342857...
    start = cx.churn_rate(60, 200)
    average = cx.churn_rate(60, 200, at_end=150, method="average")
    assert start.value == 0.3
    assert average.value == pytest.approx(60 / 175)
    assert average.value > start.value  # the base shrank


def test_churn_average_with_a_half_customer_denominator():
    # (1000 + 1081) / 2 = 1040.5: a non-integer n, as statsmodels allows
    result = cx.churn_rate(45, 1000, at_end=1081, method="average", ci="jeffreys")
    assert result.value == pytest.approx(45 / 1040.5)
    low, high = proportion_confint(45, 1040.5, alpha=0.05, method="jeffreys")
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)


def test_churn_average_may_lose_more_than_the_start_count():
    # 10 at the start, 30 at the end (20 net new), 12 lost: 12 / 20 = 0.6
    result = cx.churn_rate(12, 10, at_end=30, method="average")
    assert result.value == pytest.approx(0.6)


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
@pytest.mark.parametrize(("lost", "at_start"), [(0, 40), (3, 40), (40, 40), (17, 250)])
def test_churn_intervals_match_statsmodels(method, lost, at_start):
    result = cx.churn_rate(lost, at_start, ci=method, confidence=0.9)
    low, high = proportion_confint(
        lost, at_start, alpha=0.1, method=STATSMODELS_METHODS[method]
    )
    if method == "jeffreys":  # Brown, Cai and DasGupta's rule at 0 and n
        low = 0.0 if lost == 0 else low
        high = 1.0 if lost == at_start else high
    assert result.value == lost / at_start
    assert result.ci.low == pytest.approx(low, rel=1e-10, abs=1e-14)
    assert result.ci.high == pytest.approx(high, rel=1e-10, abs=1e-14)
    assert result.ci.level == 0.9


def test_churn_without_interval_and_whole_floats():
    result = cx.churn_rate(5.0, np.int64(50), ci=None)
    assert result.ci is None
    assert result.value == 0.1
    assert result.successes == 5
    assert isinstance(result.successes, int)


def test_churn_results_of_two_segments_merge_into_the_total():
    # 10 of 100 and 30 of 200 lost: together 40 of 300
    merged = cx.churn_rate(10, 100).merge(cx.churn_rate(30, 200))
    assert merged.value == pytest.approx(40 / 300)
    low, high = proportion_confint(40, 300, method="wilson")
    assert (merged.ci.low, merged.ci.high) == pytest.approx((low, high))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.churn_rate(-1, 10),
            "churn_rate: lost must be a non-negative whole number; got -1",
        ),
        (
            lambda: cx.churn_rate(2.5, 10),
            "churn_rate: lost must be a non-negative whole number; got 2.5",
        ),
        (
            lambda: cx.churn_rate(2, float("nan")),
            "churn_rate: at_start must be a non-negative whole number; got nan",
        ),
        (
            lambda: cx.churn_rate(True, 10),
            "churn_rate: lost must be a whole number; got True",
        ),
        (
            lambda: cx.churn_rate("3", 10),
            "churn_rate: lost must be a whole number; got '3'",
        ),
        (
            lambda: cx.churn_rate([1, 2], 10),
            "churn_rate: lost must be a whole number; got [1, 2]",
        ),
        (
            lambda: cx.churn_rate(12, 10),
            "churn_rate: lost (12) is more than at_start (10); with method='start' "
            "the customers lost are among those at the start",
        ),
        (
            lambda: cx.churn_rate(0, 0),
            "churn_rate: at_start is 0; there is no customer to lose "
            "(with method='start' the rate is lost / at_start)",
        ),
        (
            lambda: cx.churn_rate(1, 10, at_end=9),
            "churn_rate: at_end is used only by method='average'; leave it out "
            "with method='start'",
        ),
        (
            lambda: cx.churn_rate(1, 10, method="average"),
            "churn_rate: method='average' needs at_end, the customers at the end "
            "of the period",
        ),
        (
            lambda: cx.churn_rate(0, 0, at_end=0, method="average"),
            "churn_rate: at_start and at_end are both 0; there is no customer to lose",
        ),
        (
            lambda: cx.churn_rate(9, 10, at_end=2, method="average"),
            "churn_rate: lost (9) is more than the average customer count (6); "
            "the rate would exceed 1",
        ),
        (
            lambda: cx.churn_rate(1, 10, at_end=-2, method="average"),
            "churn_rate: at_end must be a non-negative whole number; got -2",
        ),
        (
            lambda: cx.churn_rate(1, 10, method="end"),
            "churn_rate: method='end' is not one of 'start', 'average'",
        ),
        (
            lambda: cx.churn_rate(1, 10, ci="exact"),
            f"churn_rate: ci='exact' is not one of {RATE_CHOICES}",
        ),
        (
            lambda: cx.churn_rate(1, 10, confidence=95),
            "churn_rate: confidence must be between 0 and 1 (exclusive); got 95",
        ),
    ],
)
def test_churn_bad_input(call, message):
    raises_input_error(call, message)


# ---------------------------------------------------------------------------
# annualized_churn


def test_annualized_churn_worked_examples():
    # 2% a month: 1 - 0.98^12 = 1 - 0.784716... = 0.215283...
    assert cx.annualized_churn(0.02) == pytest.approx(1 - 0.98**12, rel=1e-15)
    assert round(cx.annualized_churn(0.02), 4) == 0.2153
    # 10% a month is 1 - 0.9^12 = 71.8% a year, not 120%
    assert cx.annualized_churn(0.10) == pytest.approx(0.7175704635, rel=1e-9)
    # 5% a quarter over four quarters: 1 - 0.95^4 = 1 - 0.81450625 = 0.18549375
    assert cx.annualized_churn(0.05, periods=4) == pytest.approx(0.18549375)
    assert cx.annualized_churn(0.0) == 0.0
    assert cx.annualized_churn(1.0) == 1.0


def test_annualized_churn_back_to_monthly():
    # 20% a year is 1 - 0.8^(1/12) = 1.842...% a month, and back again
    monthly = cx.annualized_churn(0.2, periods=1 / 12)
    assert monthly == pytest.approx(1 - 0.8 ** (1 / 12))
    assert cx.annualized_churn(monthly) == pytest.approx(0.2)


def test_annualized_churn_is_vectorized():
    rates = np.array([0.01, 0.05])
    out = cx.annualized_churn(rates)
    assert isinstance(out, np.ndarray)
    assert out == pytest.approx([1 - 0.99**12, 1 - 0.95**12])
    assert cx.annualized_churn([0.01, 0.05]).tolist() == pytest.approx(out.tolist())
    grid = cx.annualized_churn(np.array([[0.01], [0.02]]), periods=[1, 3, 12])
    assert grid.shape == (2, 3)
    assert grid[1, 1] == pytest.approx(1 - 0.98**3)


def test_annualized_churn_returns_a_float_for_scalars():
    assert type(cx.annualized_churn(0.02)) is float
    assert type(cx.annualized_churn(np.float64(0.02), np.int64(12))) is float
    assert type(cx.annualized_churn(np.array(0.02))) is float
    assert type(cx.annualized_churn(cx.churn_rate(2, 100))) is float
    assert cx.annualized_churn(cx.churn_rate(2, 100)) == pytest.approx(1 - 0.98**12)


def _ragged_error() -> str:
    """numpy's own message for a ragged nested list."""
    try:
        np.asarray([[0.1, 0.2], [0.3]])
    except ValueError as err:
        return str(err)
    return ""


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.annualized_churn(1.2),
            "annualized_churn: rate is outside 0-1; got 1.2",
        ),
        (
            lambda: cx.annualized_churn(-0.1),
            "annualized_churn: rate is outside 0-1; got -0.1",
        ),
        (
            lambda: cx.annualized_churn(float("nan")),
            "annualized_churn: rate is missing; got nan",
        ),
        (
            lambda: cx.annualized_churn([0.1, 1.5, -2, 0.2, 7]),
            "annualized_churn: 3 of 5 rate values are outside 0-1 (1.5, -2, 7)",
        ),
        (
            lambda: cx.annualized_churn([0.1, None]),
            "annualized_churn: 1 of 2 rate values are missing (nan)",
        ),
        (
            lambda: cx.annualized_churn([0.1, np.inf]),
            "annualized_churn: 1 of 2 rate values are infinite (inf)",
        ),
        (
            lambda: cx.annualized_churn(0.1, periods=0),
            "annualized_churn: periods must be positive and finite; got 0",
        ),
        (
            lambda: cx.annualized_churn(0.1, periods=[12, -1]),
            "annualized_churn: periods must be positive and finite; got -1",
        ),
        (
            lambda: cx.annualized_churn("0.1"),
            "annualized_churn: rate must be a number or an array of numbers; got str",
        ),
        (
            lambda: cx.annualized_churn(True),
            "annualized_churn: rate must be numbers; got True",
        ),
        (
            lambda: cx.annualized_churn([0.1, "x"]),
            "annualized_churn: rate must be numbers; got '0.1', 'x'",
        ),
        (
            lambda: cx.annualized_churn([[0.1, 0.2], [0.3]]),
            "annualized_churn: rate could not be read as an array of numbers "
            f"({_ragged_error()})",
        ),
        (
            lambda: cx.annualized_churn([0.1, 0.2], periods=[1, 2, 3]),
            "annualized_churn: rate of shape (2,) and periods of shape (3,) do not "
            "broadcast together",
        ),
    ],
)
def test_annualized_churn_bad_input(call, message):
    raises_input_error(call, message)


# ---------------------------------------------------------------------------
# customer_flows

#: Six customers, months January to April 2024.
#:   A  2024-01-05 .. 2024-03-10
#:   B  2024-01-20 .. still active
#:   C  2024-02-01 .. 2024-02-20   (new and churned in February)
#:   D  2024-02-14 .. 2024-04-02
#:   E  2024-03-03 .. still active
#:   F  2024-03-31 .. 2024-03-31   (new and churned in March, same day)
SIX_STARTS = [
    "2024-01-05",
    "2024-01-20",
    "2024-02-01",
    "2024-02-14",
    "2024-03-03",
    "2024-03-31",
]
SIX_ENDS = ["2024-03-10", None, "2024-02-20", "2024-04-02", None, "2024-03-31"]


def test_customer_flows_six_customers_by_hand():
    flows = cx.customer_flows(SIX_STARTS, SIX_ENDS)
    # Jan: nobody before; A, B start; end with A, B.
    # Feb: start with A, B; C, D new; C churns (new and churned): end A, B, D.
    #      churn rate (1 - 1) / 2 = 0.
    # Mar: start with A, B, D; E, F new; A and F churn (F new): end B, D, E.
    #      churn rate (2 - 1) / 3 = 1/3.
    # Apr: start with B, D, E; D churns: end B, E.  churn rate 1/3.
    expected = pd.DataFrame(
        {
            "active_start": [0, 2, 3, 3],
            "new": [2, 2, 2, 0],
            "churned": [0, 1, 2, 1],
            "active_end": [2, 3, 3, 2],
            "churn_rate": [np.nan, 0.0, 1 / 3, 1 / 3],
            "retention_rate": [np.nan, 1.0, 2 / 3, 2 / 3],
            "new_churned": [0, 1, 1, 0],
        },
        index=months("2024-01", "2024-04"),
    )
    pd.testing.assert_frame_equal(flows, expected)
    assert flows.attrs["n_missing"] == 0


def test_customer_flows_by_quarter():
    # Q1: all six start; C, A, F churn, all new in Q1. Q2: start with B, D, E;
    # D churns: 1 / 3.
    flows = cx.customer_flows(SIX_STARTS, SIX_ENDS, freq="Q")
    assert flows.index.equals(pd.period_range("2024Q1", "2024Q2", freq="Q"))
    assert flows["new"].tolist() == [6, 0]
    assert flows["churned"].tolist() == [3, 1]
    assert flows["new_churned"].tolist() == [3, 0]
    assert flows["active_end"].tolist() == [3, 2]
    assert flows["churn_rate"].iloc[1] == pytest.approx(1 / 3)


def test_customer_flows_rate_equals_churn_rate_from_counts():
    flows = cx.customer_flows(SIX_STARTS, SIX_ENDS)
    march = flows.loc[pd.Period("2024-03", freq="M")]
    result = cx.churn_rate(
        int(march["churned"] - march["new_churned"]), int(march["active_start"])
    )
    assert result.value == march["churn_rate"]


def test_customer_flows_run_to_the_last_end_date_without_gaps():
    # One customer from January to June: the months between are present.
    flows = cx.customer_flows(["2024-01-15"], ["2024-06-01"])
    assert flows.index.equals(months("2024-01", "2024-06"))
    assert flows["active_end"].tolist() == [1, 1, 1, 1, 1, 0]
    assert flows["churn_rate"].tolist()[1:] == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_customer_flows_end_date_is_the_churn_date():
    # Ending 31 January counts in January; ending 1 February in February.
    flows = cx.customer_flows(
        ["2024-01-02", "2024-01-02", "2024-01-03"],
        ["2024-01-31", "2024-02-01", None],
    )
    assert flows["churned"].tolist() == [1, 1]
    assert flows["active_end"].tolist() == [2, 1]


def test_customer_flows_accepts_dates_in_many_forms():
    starts = pd.to_datetime(SIX_STARTS)
    ends = pd.to_datetime(SIX_ENDS)
    expected = cx.customer_flows(SIX_STARTS, SIX_ENDS)
    forms = [
        (starts.to_numpy(), ends.to_numpy()),
        (pd.Series(starts), pd.Series(ends)),
        (
            list(starts.to_pydatetime()),
            [None if pd.isna(e) else e.date() for e in ends],
        ),
        (starts.to_numpy().astype("datetime64[s]"), ends.to_numpy()),
        (pd.Series(SIX_STARTS, dtype="string"), pd.Series(SIX_ENDS, dtype="string")),
        (pd.Series(starts).dt.to_period("D"), pd.Series(ends).dt.to_period("D")),
    ]
    for start, end in forms:
        pd.testing.assert_frame_equal(cx.customer_flows(start, end), expected)


def test_customer_flows_with_times_of_day():
    flows = cx.customer_flows(
        ["2024-01-31T23:59:59", "2024-02-01T00:00:00"],
        ["2024-02-29 23:00", None],
    )
    assert flows["new"].tolist() == [1, 1]
    assert flows["churned"].tolist() == [0, 1]


def test_customer_flows_time_zones_use_local_dates():
    # Each argument's periods are read on its own zone's clock. 22:00 on 31
    # January in New York (03:00 on 1 February UTC) is a January start; the
    # end, 02:00 on 1 March UTC (21:00 on 29 February in New York), is given
    # in UTC and falls in March.
    starts = pd.Series(pd.to_datetime(["2024-01-31 22:00"]).tz_localize("US/Eastern"))
    ends = pd.Series(pd.to_datetime(["2024-03-01 02:00"]).tz_localize("UTC"))
    flows = cx.customer_flows(starts, ends)
    assert flows.index.equals(months("2024-01", "2024-03"))
    assert flows["new"].tolist() == [1, 0, 0]
    assert flows["churned"].tolist() == [0, 0, 1]
    # The same end in New York time falls in February.
    flows = cx.customer_flows(starts, ends.dt.tz_convert("US/Eastern"))
    assert flows.index.equals(months("2024-01", "2024-02"))
    assert flows["churned"].tolist() == [0, 1]


def test_customer_flows_aware_starts_with_no_end_at_all():
    starts = pd.Series(pd.to_datetime(["2024-01-31 22:00"]).tz_localize("US/Eastern"))
    flows = cx.customer_flows(starts, [None])
    assert flows["active_end"].tolist() == [1]


@pytest.mark.parametrize(
    "ends",
    [
        [np.nan, np.nan],
        np.array([np.nan, np.nan]),
        pd.Series([np.nan, np.nan]),  # a blank CSV column reads as floats
        ["", ""],
        ["", "null"],
    ],
    ids=["nan list", "nan array", "nan Series", "empty strings", "blank and null"],
)
def test_customer_flows_all_blank_ends_are_open_subscriptions(ends):
    flows = cx.customer_flows(["2024-01-01", "2024-02-01"], ends)
    # Two starts, no end: both still active at the end of February.
    assert flows.index.equals(months("2024-01", "2024-02"))
    assert flows["new"].tolist() == [1, 1]
    assert flows["churned"].tolist() == [0, 0]
    assert flows["active_end"].tolist() == [1, 2]


def test_customer_flows_an_empty_string_end_is_open():
    flows = cx.customer_flows(["2024-01-01", "2024-02-01"], ["", "2024-03-01"])
    expected = cx.customer_flows(["2024-01-01", "2024-02-01"], [None, "2024-03-01"])
    pd.testing.assert_frame_equal(flows, expected)
    # a opens in January and stays; b opens in February, ends in March.
    assert flows["active_end"].tolist() == [1, 2, 1]


@pytest.mark.parametrize(
    ("freq", "pandas_freq"),
    [
        ("D", "D"),
        ("W", "W"),
        ("W-MON", "W-MON"),
        ("W-SUN", "W"),
        ("M", "M"),
        ("ME", "M"),
        ("MS", "M"),
        ("Q", "Q"),
        ("QE", "Q"),
        ("Q-JAN", "Q-JAN"),
        ("QE-MAR", "Q-MAR"),
        ("Q-DEC", "Q"),
        ("Y", "Y"),
        ("YE", "Y"),
        ("A", "Y"),
        ("Y-DEC", "Y"),
    ],
)
def test_customer_flows_frequencies_match_pandas_periods(freq, pandas_freq):
    rng = np.random.default_rng(5)
    start = np.datetime64("2021-06-01") + rng.integers(0, 900, 300).astype(
        "timedelta64[D]"
    )
    end = start + rng.integers(0, 400, 300).astype("timedelta64[D]")
    end[rng.random(300) < 0.3] = np.datetime64("NaT", "ns")
    flows = cx.customer_flows(start, end, freq=freq)
    # Plain pandas: value_counts of the periods, reindexed without gaps.
    start_p = pd.Series(start).dt.to_period(pandas_freq)
    end_p = pd.Series(end).dt.to_period(pandas_freq)
    index = pd.period_range(start_p.min(), max(start_p.max(), end_p.max()))
    new = start_p.value_counts().reindex(index, fill_value=0)
    churned = end_p.value_counts().reindex(index, fill_value=0)
    assert flows.index.equals(index)
    assert flows["new"].tolist() == new.tolist()
    assert flows["churned"].tolist() == churned.tolist()
    assert flows["active_end"].tolist() == (new - churned).cumsum().tolist()


def test_customer_flows_missing_starts_are_omitted_and_counted():
    flows = cx.customer_flows(
        [*SIX_STARTS, None, pd.NaT], [*SIX_ENDS, "2024-02-01", None]
    )
    expected = cx.customer_flows(SIX_STARTS, SIX_ENDS)
    pd.testing.assert_frame_equal(flows, expected, check_flags=False)
    assert flows.attrs["n_missing"] == 2


def _flows_oracle(starts: list[int], ends: list[int | None]) -> dict[str, list[float]]:
    """Period-by-period counts straight from the definitions (periods as ints)."""
    last = max([*starts, *(e for e in ends if e is not None)])
    out: dict[str, list[float]] = defaultdict(list)
    for p in range(min(starts), last + 1):
        alive_at_open = [
            i
            for i, s in enumerate(starts)
            if s < p and (ends[i] is None or ends[i] >= p)
        ]
        lost = [i for i in alive_at_open if ends[i] == p]
        out["active_start"].append(len(alive_at_open))
        out["new"].append(sum(s == p for s in starts))
        out["churned"].append(sum(e == p for e in ends))
        out["active_end"].append(
            sum(
                s <= p and (e is None or e > p)
                for s, e in zip(starts, ends, strict=True)
            )
        )
        out["churn_rate"].append(
            len(lost) / len(alive_at_open) if alive_at_open else math.nan
        )
    return out


customer_spans = st.lists(
    st.tuples(st.integers(0, 400), st.none() | st.integers(0, 200)),
    min_size=1,
    max_size=40,
)


@quick
@given(customer_spans, st.sampled_from(["D", "W", "M", "Q"]))
def test_customer_flows_identities_and_oracle(spans, freq):
    base = np.datetime64("2023-11-20")
    starts = [base + np.timedelta64(s, "D") for s, _ in spans]
    ends = [
        None if d is None else start + np.timedelta64(d, "D")
        for start, (_, d) in zip(starts, spans, strict=True)
    ]
    flows = cx.customer_flows(starts, ends, freq=freq)
    counts = flows[["active_start", "new", "churned", "active_end"]].to_numpy()
    active_start, new, churned, active_end = counts.T
    assert (active_end == active_start + new - churned).all()
    assert (active_start[1:] == active_end[:-1]).all()
    assert active_start[0] == 0
    assert new.sum() == len(spans)
    rate = flows["churn_rate"].to_numpy()
    assert np.all((rate[~np.isnan(rate)] >= 0) & (rate[~np.isnan(rate)] <= 1))

    # The oracle on period ordinals from pandas.
    def ordinal(stamp: np.datetime64) -> int:
        return pd.Period(pd.Timestamp(stamp), freq=freq).ordinal

    oracle = _flows_oracle(
        [ordinal(s) for s in starts], [None if e is None else ordinal(e) for e in ends]
    )
    for column, values in oracle.items():
        np.testing.assert_allclose(flows[column].to_numpy(), values, equal_nan=True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.customer_flows(
                ["2024-01-05", "2024-01-09"], ["2024-01-03", None]
            ),
            "customer_flows: 1 of 2 end_dates are before their start_dates "
            "(2024-01-03)",
        ),
        (
            lambda: cx.customer_flows(
                ["2024-01-05 10:00", "2024-01-09"], ["2024-01-05 09:30", "2024-01-01"]
            ),
            "customer_flows: 2 of 2 end_dates are before their start_dates "
            "(2024-01-05T09:30, 2024-01-01T00:00)",
        ),
        (
            lambda: cx.customer_flows(["2024-01-05", "2024-01-09"], [None]),
            "customer_flows: end_dates has 1 values but there are 2 start_dates; "
            "they must align one to one",
        ),
        (
            lambda: cx.customer_flows(
                ["2024-01-05", "soon", "2024-13-01", "x"], [None] * 4
            ),
            "customer_flows: 3 of 4 strings in start_dates are not ISO 8601 "
            "timestamps ('soon', '2024-13-01', 'x')",
        ),
        (
            lambda: cx.customer_flows([1, 2], [None, None]),
            "customer_flows: start_dates must be timestamps; got numbers such as 1, 2",
        ),
        (
            lambda: cx.customer_flows(np.array([1.5]), [None]),
            "customer_flows: start_dates must be timestamps; got numbers such as 1.5",
        ),
        (
            lambda: cx.customer_flows(pd.to_timedelta(["1D"]), [None]),
            "customer_flows: start_dates must be timestamps; got time spans such as "
            "1 days 00:00:00",
        ),
        (
            lambda: cx.customer_flows([], []),
            "customer_flows: start_dates is empty",
        ),
        (
            lambda: cx.customer_flows([None, None], ["2024-01-01", None]),
            "customer_flows: no valid rows: all 2 have a missing value in start_dates",
        ),
        (
            lambda: cx.customer_flows(
                ["2024-01-01", None], [None, None], nan_policy="raise"
            ),
            "customer_flows: 1 of 2 start_dates are missing and nan_policy='raise'",
        ),
        (
            lambda: cx.customer_flows(["2024-01-01"], [None], nan_policy="propagate"),
            "customer_flows: nan_policy='propagate' is not one of 'omit', 'raise'",
        ),
        (
            lambda: cx.customer_flows(["2024-01-01"], [None], freq="H"),
            f"customer_flows: freq='H' {FREQ_RULE}",
        ),
        (
            lambda: cx.customer_flows(["2024-01-01"], [None], freq="Y-JUNE"),
            f"customer_flows: freq='Y-JUNE' {FREQ_RULE}",
        ),
        (
            lambda: cx.customer_flows(["2024-01-01"], [None], freq=None),
            f"customer_flows: freq=None {FREQ_RULE}",
        ),
        (
            lambda: cx.customer_flows("2024-01-01", [None]),
            "customer_flows: start_dates must be a one-dimensional array-like of "
            "timestamps; got a single str",
        ),
        (
            lambda: cx.customer_flows(np.datetime64("2024-01-01"), [None]),
            "customer_flows: start_dates must be a one-dimensional array-like of "
            "timestamps; got a single datetime64",
        ),
        (
            lambda: cx.customer_flows([["2024-01-01"]], [None]),
            "customer_flows: start_dates must be one-dimensional; got shape (1, 1)",
        ),
        (
            lambda: cx.customer_flows(
                pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC")),
                ["2024-02-01"],
            ),
            "customer_flows: start_dates is time-zone aware but end_dates is naive; "
            "give both a time zone or neither",
        ),
    ],
)
def test_customer_flows_bad_input(call, message):
    raises_input_error(call, message)


def test_customer_flows_naive_and_aware_strings_in_one_argument():
    raises_input_error(
        lambda: cx.customer_flows(
            ["2024-01-05T10:00:00+01:00", "2024-01-06"], [None, None]
        ),
        "customer_flows: start_dates mixes 1 time-zone aware timestamps "
        "('2024-01-05T10:00:00+01:00') with 1 naive ones ('2024-01-06'); give all "
        "of them a time zone or none",
    )


# ---------------------------------------------------------------------------
# cohort_retention

#: Four customers' activity, months January to April 2024.
#:   a: Jan (twice), Feb, Apr        cohort Jan
#:   b: Jan, Mar                     cohort Jan
#:   c: Feb (twice), Mar             cohort Feb
#:   d: Feb, Apr                     cohort Feb
FOUR = pd.DataFrame(
    {
        "customer": ["a", "a", "b", "c", "d", "a", "c", "b", "c", "a", "d"],
        "date": [
            "2024-01-03",
            "2024-01-25",
            "2024-01-15",
            "2024-02-10",
            "2024-02-28",
            "2024-02-07",
            "2024-02-20",
            "2024-03-02",
            "2024-03-05",
            "2024-04-11",
            "2024-04-30",
        ],
        "amount": [10.0, 5.0, 40.0, 25.0, 50.0, 20.0, 5.0, 15.0, 10.0, 30.0, 60.0],
    }
)


def cohort_frame(rows: list[list[float]], first: str, last: str) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        index=months(first, last, name="cohort"),
        columns=pd.RangeIndex(len(rows[0]), name="offset"),
    )


def test_cohorts_classic_four_customers_by_hand():
    table = cx.cohort_retention(FOUR["customer"], FOUR["date"])
    # Jan cohort {a, b}: Jan a, b = 2; Feb a = 1; Mar b = 1; Apr a = 1.
    # Feb cohort {c, d}: Feb c, d = 2; Mar c = 1; Apr d = 1; May not observed.
    expected = cohort_frame(
        [[2.0, 1.0, 1.0, 1.0], [2.0, 1.0, 1.0, np.nan]], "2024-01", "2024-02"
    )
    pd.testing.assert_frame_equal(table.counts, expected)
    pd.testing.assert_frame_equal(table.rates, expected / 2.0)
    assert table.sizes.tolist() == [2, 2]
    assert table.sizes.index.equals(months("2024-01", "2024-02", name="cohort"))
    assert (table.kind, table.freq, table.measure) == ("classic", "M", "customers")
    assert (
        str(table) == "Cohort table (classic, customers, freq M): 2 cohorts x 4 periods"
    )


def test_cohorts_rolling_four_customers_by_hand():
    table = cx.cohort_retention(FOUR["customer"], FOUR["date"], kind="rolling")
    # Last active offsets: a 3 (Apr), b 2 (Mar); c 1 (Mar), d 2 (Apr).
    # Jan: >=0: 2, >=1: 2, >=2: 2, >=3: a = 1.
    # Feb: >=0: 2, >=1: 2, >=2: d = 1, >=3 not observed.
    expected = cohort_frame(
        [[2.0, 2.0, 2.0, 1.0], [2.0, 2.0, 1.0, np.nan]], "2024-01", "2024-02"
    )
    pd.testing.assert_frame_equal(table.counts, expected)
    pd.testing.assert_frame_equal(
        table.rates,
        cohort_frame(
            [[1.0, 1.0, 1.0, 0.5], [1.0, 1.0, 0.5, np.nan]], "2024-01", "2024-02"
        ),
    )
    assert table.kind == "rolling"


def test_cohorts_revenue_four_customers_by_hand():
    table = cx.cohort_retention(FOUR["customer"], FOUR["date"], values=FOUR["amount"])
    # Jan cohort: Jan 10 + 5 + 40 = 55; Feb 20 (a); Mar 15 (b); Apr 30 (a).
    # Feb cohort: Feb 25 + 50 + 5 = 80; Mar 10 (c); Apr 60 (d).
    expected = cohort_frame(
        [[55.0, 20.0, 15.0, 30.0], [80.0, 10.0, 60.0, np.nan]], "2024-01", "2024-02"
    )
    pd.testing.assert_frame_equal(table.counts, expected)
    assert table.sizes.tolist() == [55.0, 80.0]
    assert table.rates.iloc[0].tolist() == pytest.approx([1, 20 / 55, 15 / 55, 30 / 55])
    assert table.rates.iloc[1].tolist()[:3] == pytest.approx([1, 0.125, 0.75])
    assert table.measure == "revenue"


def test_cohorts_with_cohort_dates_by_hand():
    # Sign-ups: a Dec 2023, b Jan 2024, c Jan 2024 (30th), d Feb 2024.
    signup = {
        "a": "2023-12-20",
        "b": "2024-01-02",
        "c": "2024-01-30",
        "d": "2024-02-01",
    }
    table = cx.cohort_retention(
        FOUR["customer"], FOUR["date"], cohort_dates=FOUR["customer"].map(signup)
    )
    # Dec {a}: Jan(1), Feb(2), Apr(4) -> [0, 1, 1, 0, 1]
    # Jan {b, c}: b Jan(0), Mar(2); c Feb(1), Mar(2) -> [1, 1, 2, 0, NaN]
    # Feb {d}: Feb(0), Apr(2) -> [1, 0, 1, NaN, NaN]
    expected = cohort_frame(
        [
            [0.0, 1.0, 1.0, 0.0, 1.0],
            [1.0, 1.0, 2.0, 0.0, np.nan],
            [1.0, 0.0, 1.0, np.nan, np.nan],
        ],
        "2023-12",
        "2024-02",
    )
    pd.testing.assert_frame_equal(table.counts, expected)
    assert table.sizes.tolist() == [1, 2, 1]
    assert table.rates.iloc[1].tolist()[:4] == [0.5, 0.5, 1.0, 0.0]
    rolling = cx.cohort_retention(
        FOUR["customer"],
        FOUR["date"],
        cohort_dates=FOUR["customer"].map(signup),
        kind="rolling",
    )
    # Rolling offset 0 is every customer of the cohort.
    assert rolling.counts[0].tolist() == [1.0, 2.0, 1.0]


def test_cohorts_skip_cohorts_without_customers():
    table = cx.cohort_retention([1, 2, 1], ["2024-01-05", "2024-04-01", "2024-04-02"])
    assert table.counts.index.equals(
        pd.PeriodIndex(["2024-01", "2024-04"], freq="M", name="cohort")
    )
    assert table.counts.iloc[0].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert table.counts.iloc[1].tolist()[:1] == [1.0]
    assert np.isnan(table.counts.iloc[1].to_numpy()[1:]).all()


def test_cohorts_missing_values_are_omitted_and_counted():
    customers = [*FOUR["customer"], None, "e", "f"]
    dates = [*FOUR["date"], "2024-01-01", None, "2024-02-02"]
    amounts = [*FOUR["amount"], 1.0, 2.0, np.nan]
    table = cx.cohort_retention(customers, dates, values=amounts)
    expected = cx.cohort_retention(
        FOUR["customer"], FOUR["date"], values=FOUR["amount"]
    )
    pd.testing.assert_frame_equal(table.counts, expected.counts, check_flags=False)
    assert table.counts.attrs["n_missing"] == 3
    assert expected.counts.attrs["n_missing"] == 0


def test_cohorts_accept_many_id_and_date_forms():
    expected = cx.cohort_retention(FOUR["customer"], FOUR["date"])
    codes = FOUR["customer"].map({"a": 1, "b": 2, "c": 3, "d": 4})
    forms = [
        (codes.to_numpy(), pd.to_datetime(FOUR["date"]).to_numpy()),
        (codes.astype("Int64"), pd.to_datetime(FOUR["date"])),
        (FOUR["customer"].astype("category"), FOUR["date"].tolist()),
        (list(FOUR["customer"]), [dt.date.fromisoformat(d) for d in FOUR["date"]]),
        (
            FOUR["customer"].astype("string"),
            pd.to_datetime(FOUR["date"]).dt.tz_localize("UTC"),
        ),
    ]
    for ids, dates in forms:
        table = cx.cohort_retention(ids, dates)
        pd.testing.assert_frame_equal(table.counts, expected.counts)


def test_cohorts_accept_extension_arrays():
    expected = cx.cohort_retention(FOUR["customer"], FOUR["date"])
    table = cx.cohort_retention(
        pd.Categorical(FOUR["customer"]), pd.array(pd.to_datetime(FOUR["date"]))
    )
    pd.testing.assert_frame_equal(table.counts, expected.counts)


def test_cohorts_ragged_ids():
    with pytest.raises(
        cx.InputError,
        match=r"^cohort_retention: customer_ids could not be read as a "
        r"one-dimensional array \(",
    ):
        cx.cohort_retention([[1, 2], [3]], ["2024-01-01", "2024-01-02"])


def test_cohorts_to_dict_keeps_unobservable_cells_as_none():
    data = cx.cohort_retention(FOUR["customer"], FOUR["date"]).to_dict()
    assert data["counts"]["2024-02"] == {0: 2.0, 1: 1.0, 2: 1.0, 3: None}
    assert data["sizes"] == {"2024-01": 2, "2024-02": 2}


def random_activity(seed: int, n: int = 3_000, customers: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    joined = rng.integers(0, 500, customers)
    who = rng.integers(0, customers, n)
    day = joined[who] + rng.integers(0, 400, n)
    return pd.DataFrame(
        {
            "customer": np.char.add("c", who.astype(str)),
            "date": np.datetime64("2022-03-01")
            + day.astype("timedelta64[D]")
            + rng.integers(0, 86_400, n).astype("timedelta64[s]"),
            "amount": rng.uniform(0, 50, n).round(2),
            "signup": np.datetime64("2022-03-01")
            + joined[who].astype("timedelta64[D]")
            - rng.integers(0, 60, customers)[who].astype("timedelta64[D]"),
        }
    )


def pandas_offsets(
    frame: pd.DataFrame, freq: str, cohort_column: str | None
) -> pd.DataFrame:
    """Period, cohort and offset per row, the plain pandas way."""
    out = pd.DataFrame(
        {"customer": frame["customer"], "period": frame["date"].dt.to_period(freq)}
    )
    if cohort_column is None:
        out["cohort"] = out.groupby("customer")["period"].transform("min")
    else:
        out["cohort"] = frame[cohort_column].dt.to_period(freq)
    out["offset"] = (out["period"] - out["cohort"]).map(lambda offset: offset.n)
    out["amount"] = frame["amount"]
    return out


def mask_unobservable(table: pd.DataFrame, last: pd.Period) -> pd.DataFrame:
    horizon = np.array([(last - cohort).n for cohort in table.index])
    return table.where(table.columns.to_numpy()[None, :] <= horizon[:, None])


def pandas_classic(
    frame: pd.DataFrame, freq: str, cohort_column: str | None = None
) -> pd.DataFrame:
    rows = pandas_offsets(frame, freq, cohort_column)
    last = rows["period"].max()
    width = (last - rows["cohort"].min()).n + 1
    table = (
        rows.drop_duplicates(["customer", "period"])
        .pivot_table(
            index="cohort", columns="offset", values="customer", aggfunc="nunique"
        )
        .reindex(columns=range(width))
        .fillna(0.0)
    )
    return mask_unobservable(table, last)


def pandas_rolling(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    rows = pandas_offsets(frame, freq, None)
    last = rows["period"].max()
    width = (last - rows["cohort"].min()).n + 1
    per_customer = rows.groupby("customer").agg(
        cohort=("cohort", "first"), last=("offset", "max")
    )
    hist = pd.crosstab(per_customer["cohort"], per_customer["last"]).reindex(
        columns=range(width), fill_value=0
    )
    # Active at k or later = last offset >= k: cumulative sums from the right.
    table = hist.iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1].astype(float)
    return mask_unobservable(table, last)


def pandas_revenue(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    rows = pandas_offsets(frame, freq, None)
    last = rows["period"].max()
    width = (last - rows["cohort"].min()).n + 1
    table = (
        rows.pivot_table(
            index="cohort", columns="offset", values="amount", aggfunc="sum"
        )
        .reindex(columns=range(width))
        .fillna(0.0)
    )
    return mask_unobservable(table, last)


def assert_same_table(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert ours.index.equals(pd.PeriodIndex(theirs.index))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(
        ours.to_numpy(), theirs.to_numpy(dtype=float), equal_nan=True, rtol=1e-12
    )


@pytest.mark.parametrize("freq", ["D", "W", "M", "Q", "Y", "W-WED", "Q-JUN"])
@pytest.mark.parametrize("seed", [1, 2])
def test_cohorts_classic_match_pandas_groupby(seed, freq):
    frame = random_activity(seed)
    table = cx.cohort_retention(frame["customer"], frame["date"], freq=freq)
    expected = pandas_classic(frame, freq)
    assert_same_table(table.counts, expected)
    sizes = (
        frame.assign(p=frame["date"].dt.to_period(freq))
        .groupby("customer")["p"]
        .min()
        .value_counts()
        .sort_index()
    )
    assert table.sizes.tolist() == sizes.tolist()
    np.testing.assert_allclose(
        table.rates.to_numpy(),
        expected.to_numpy() / sizes.to_numpy()[:, None],
        equal_nan=True,
    )


@pytest.mark.parametrize("freq", ["D", "W", "M", "Q"])
@pytest.mark.parametrize("seed", [3, 4])
def test_cohorts_rolling_match_pandas_groupby(seed, freq):
    frame = random_activity(seed)
    table = cx.cohort_retention(
        frame["customer"], frame["date"], freq=freq, kind="rolling"
    )
    assert_same_table(table.counts, pandas_rolling(frame, freq))


@pytest.mark.parametrize("freq", ["W", "M"])
def test_cohorts_revenue_match_pandas_pivot(freq):
    frame = random_activity(5)
    table = cx.cohort_retention(
        frame["customer"], frame["date"], freq=freq, values=frame["amount"]
    )
    expected = pandas_revenue(frame, freq)
    assert_same_table(table.counts, expected)
    assert table.sizes.to_numpy() == pytest.approx(expected[0].to_numpy())


def test_cohorts_with_cohort_dates_match_pandas():
    frame = random_activity(6)
    table = cx.cohort_retention(
        frame["customer"], frame["date"], cohort_dates=frame["signup"]
    )
    assert_same_table(table.counts, pandas_classic(frame, "M", cohort_column="signup"))


def test_cohorts_hashed_pairs_equal_the_bitmap(monkeypatch):
    frame = random_activity(7)
    bitmap = cx.cohort_retention(frame["customer"], frame["date"], freq="W")
    monkeypatch.setattr(cohorts, "_BITMAP_LIMIT", 0)
    hashed = cx.cohort_retention(frame["customer"], frame["date"], freq="W")
    pd.testing.assert_frame_equal(hashed.counts, bitmap.counts)


def test_cohorts_dates_far_apart():
    # Two centuries between the dates: periods come from pandas directly.
    table = cx.cohort_retention(
        ["a", "a", "b"], ["1800-03-01", "2024-05-01", "2024-01-01"], freq="Y"
    )
    assert table.counts.index.equals(
        pd.PeriodIndex(["1800", "2024"], freq="Y", name="cohort")
    )
    assert table.counts.shape == (2, 225)
    assert table.counts.iloc[0, 224] == 1.0


def test_cohorts_refuse_a_table_past_the_bound():
    # A year of daily sign-ups and one mistyped date in 2261: 366 cohorts by
    # 86,198 offsets would be 31.5 million cells (250 MB per table).
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D").strftime("%Y-%m-%d")
    ids = [*range(days.size), 0]
    dates = [*days, "2261-01-01"]
    first, last = dt.date(2025, 1, 1), dt.date(2261, 1, 1)
    offsets = (last - first).days + 1
    assert (days.size, offsets) == (365, 86_198)
    raises_input_error(
        lambda: cx.cohort_retention(ids, dates, freq="D"),
        f"cohort_retention: 365 cohorts by 86,198 offsets (periods 2025-01-01 to "
        f"2261-01-01) would make a table of {365 * offsets:,} cells, more than the "
        "10,000,000 it may hold; look for a mistyped date, or use a longer freq",
    )
    # By month the same rows make a small table: 12 cohorts by 2,833 months.
    table = cx.cohort_retention(ids, dates, freq="M")
    assert table.counts.shape == (12, (2261 - 2025) * 12 + 1) == (12, 2_833)


def test_cohorts_at_the_bound_are_built():
    # 2,000 daily cohorts over 5,000 days: exactly 10,000,000 cells.
    days = pd.date_range("2000-01-01", periods=2000, freq="D")
    last = days[0] + pd.Timedelta(days=4999)
    ids = [*range(2000), 0]
    dates = [*days, last]
    assert cx.cohorts.MAX_TABLE_CELLS == 2000 * 5000
    table = cx.cohort_retention(ids, dates, freq="D")
    assert table.counts.shape == (2000, 5000)
    assert table.counts.iloc[0, 4999] == 1.0


def test_cohorts_unhashable_ids_among_hashable_ones_are_named():
    raises_input_error(
        lambda: cx.cohort_retention(
            pd.Series(["a", {"id": 2}, 3], dtype=object), ["2024-01-01"] * 3
        ),
        "cohort_retention: 1 of 3 customer_ids are not hashable ({'id': 2}); give "
        "each customer an id such as a number or a text",
    )


@pytest.mark.parametrize("ids", [[{"id": 1}, {"id": 2}], [[1], [2]], [{1}, {2}]])
def test_cohorts_unhashable_ids_are_refused(ids):
    shown = ", ".join(repr(i) for i in ids)
    raises_input_error(
        lambda: cx.cohort_retention(pd.Series(ids), ["2024-01-01", "2024-02-01"]),
        f"cohort_retention: 2 of 2 customer_ids are not hashable ({shown}); give "
        "each customer an id such as a number or a text",
    )


activity_rows = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 500)), min_size=1, max_size=60
)


@quick
@given(activity_rows, st.sampled_from(["W", "M", "Q"]))
def test_cohort_properties(rows, freq):
    ids = [f"c{c}" for c, _ in rows]
    dates = [np.datetime64("2024-01-01") + np.timedelta64(d, "D") for _, d in rows]
    classic = cx.cohort_retention(ids, dates, freq=freq)
    rolling = cx.cohort_retention(ids, dates, freq=freq, kind="rolling")
    c, r = classic.counts.to_numpy(), rolling.counts.to_numpy()
    assert np.array_equal(np.isnan(c), np.isnan(r))
    seen = ~np.isnan(c)
    assert (c[seen] <= r[seen]).all()  # active at k implies active at k or later
    assert (np.diff(np.nan_to_num(r, nan=0.0), axis=1) <= 0).all()
    assert (c[:, 0] == classic.sizes.to_numpy()).all()
    assert (r[:, 0] == classic.sizes.to_numpy()).all()
    assert classic.sizes.sum() == len(set(ids))
    # Permuting the rows changes nothing.
    order = np.random.default_rng(len(rows)).permutation(len(rows))
    shuffled = cx.cohort_retention(
        np.array(ids)[order], np.array(dates)[order], freq=freq
    )
    pd.testing.assert_frame_equal(shuffled.counts, classic.counts)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.cohort_retention(["a", "b"], ["2024-01-01"]),
            "cohort_retention: activity_dates has 1 values but there are 2 "
            "customer_ids; they must align one to one",
        ),
        (
            lambda: cx.cohort_retention(["a"], ["2024-01-01"], values=[1.0, 2.0]),
            "cohort_retention: values has 2 values but there are 1 customer_ids; "
            "they must align one to one",
        ),
        (
            lambda: cx.cohort_retention(["a"], ["2024-01-01"], cohort_dates=[]),
            "cohort_retention: cohort_dates has 0 values but there are 1 "
            "customer_ids; they must align one to one",
        ),
        (
            lambda: cx.cohort_retention([], []),
            "cohort_retention: customer_ids is empty",
        ),
        (
            lambda: cx.cohort_retention(["a", None], [None, "2024-01-01"]),
            "cohort_retention: no valid rows: all 2 have a missing value in "
            "customer_ids or activity_dates",
        ),
        (
            lambda: cx.cohort_retention(
                ["a", "b"], ["2024-01-01", None], nan_policy="raise"
            ),
            "cohort_retention: 1 of 2 activity_dates are missing and "
            "nan_policy='raise'",
        ),
        (
            lambda: cx.cohort_retention(["a", "b"], ["2024-01-01", "later"]),
            "cohort_retention: 1 of 2 strings in activity_dates are not ISO 8601 "
            "timestamps ('later')",
        ),
        (
            lambda: cx.cohort_retention(["a", "b"], ["2024-01-01"] * 2, values=[1, -3]),
            "cohort_retention: 1 of 2 values are negative (-3)",
        ),
        (
            lambda: cx.cohort_retention(
                ["a", "b"], ["2024-01-01"] * 2, values=[1, np.inf]
            ),
            "cohort_retention: 1 of 2 values are infinite (inf)",
        ),
        (
            lambda: cx.cohort_retention(
                ["a", "b"], ["2024-01-01"] * 2, values=["1", "x"]
            ),
            "cohort_retention: values must be numbers; got text such as '1', 'x'",
        ),
        (
            lambda: cx.cohort_retention(
                ["a"], ["2024-01-01"], values=[1.0], kind="rolling"
            ),
            "cohort_retention: kind='rolling' counts customers active then or later; "
            "it has no revenue version, so values= needs kind='classic'",
        ),
        (
            lambda: cx.cohort_retention(["a"], ["2024-01-01"], kind="unbounded"),
            "cohort_retention: kind='unbounded' is not one of 'classic', 'rolling'",
        ),
        (
            lambda: cx.cohort_retention(["a"], ["2024-01-01"], freq="15min"),
            f"cohort_retention: freq='15min' {FREQ_RULE}",
        ),
        (
            lambda: cx.cohort_retention(
                ["a", "a", "b", "c", "c"],
                ["2024-03-01"] * 5,
                cohort_dates=[
                    "2024-01-01",
                    "2024-02-01",
                    "2024-01-01",
                    "2024-01-01",
                    "2023-01-01",
                ],
            ),
            "cohort_retention: 2 of 3 customers have more than one cohort period in "
            "cohort_dates ('a', 'c'); give each customer one cohort date",
        ),
        (
            lambda: cx.cohort_retention(
                ["a", "a", "b"],
                ["2024-01-31", "2024-03-01", "2023-12-15 08:30"],
                cohort_dates=["2024-02-01", "2024-02-01", "2024-01-01"],
            ),
            "cohort_retention: 2 of 3 activity_dates fall in a period before their "
            "customer's cohort (2024-01-31T00:00, 2023-12-15T08:30)",
        ),
        (
            lambda: cx.cohort_retention(
                ["a"],
                pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC")),
                cohort_dates=["2024-01-01"],
            ),
            "cohort_retention: activity_dates is time-zone aware but cohort_dates "
            "is naive; give both a time zone or neither",
        ),
        (
            lambda: cx.cohort_retention("abc", ["2024-01-01"]),
            "cohort_retention: customer_ids must be a one-dimensional array-like of "
            "customers; got str",
        ),
        (
            lambda: cx.cohort_retention(7, ["2024-01-01"]),
            "cohort_retention: customer_ids must be a one-dimensional array-like of "
            "customers; got a single int",
        ),
        (
            lambda: cx.cohort_retention(["a"], [20240101]),
            "cohort_retention: activity_dates must be timestamps; got numbers such as "
            "20240101",
        ),
    ],
)
def test_cohorts_bad_input(call, message):
    raises_input_error(call, message)


# ---------------------------------------------------------------------------
# revenue_retention


def test_revenue_retention_worked_example():
    january = pd.Series({"acme": 100.0, "bolt": 50.0, "core": 80.0, "flat": 10.0})
    february = pd.Series({"acme": 120.0, "core": 60.0, "dyno": 40.0, "flat": 10.0})
    result = cx.revenue_retention(january, february)
    # acme +20 expansion; bolt -50 churned; core -20 contraction; dyno +40 new;
    # flat unchanged. starting 240, ending 230 = 240 + 40 + 20 - 20 - 50.
    assert (result.starting, result.ending) == (240.0, 230.0)
    assert (result.new, result.expansion) == (40.0, 20.0)
    assert (result.contraction, result.churned) == (20.0, 50.0)
    # NRR = (240 + 20 - 20 - 50) / 240 = 190 / 240; GRR = (240 - 70) / 240
    assert result.nrr == pytest.approx(190 / 240)
    assert result.grr == pytest.approx(170 / 240)
    # quick ratio = (40 + 20) / (20 + 50) = 60 / 70
    assert result.quick_ratio == pytest.approx(60 / 70)
    assert (
        str(result) == "NRR 79.2%, GRR 70.8%, quick ratio 0.86 (MRR 240.00 to 230.00)"
    )


def test_revenue_retention_aligns_on_the_union_of_customers():
    start = pd.Series([100.0, 50.0], index=["b", "a"])
    end = pd.Series([70.0, 0.0, 25.0], index=["a", "b", "c"])
    result = cx.revenue_retention(start, end)
    # a 50 -> 70 expansion 20; b 100 -> 0 churned 100; c new 25
    assert (result.expansion, result.churned, result.new) == (20.0, 100.0, 25.0)
    assert result.nrr == pytest.approx((150 + 20 - 100) / 150)
    same = cx.revenue_retention({"b": 100, "a": 50}, {"a": 70, "c": 25})
    assert same == result


def test_revenue_retention_positional_arrays_and_missing_as_zero():
    result = cx.revenue_retention([100, 50, np.nan, 30], [120, None, 10, 30])
    # 100 -> 120 expansion 20; 50 -> 0 churned; 0 -> 10 new; 30 unchanged
    assert (result.expansion, result.churned, result.new) == (20.0, 50.0, 10.0)
    assert result.grr == pytest.approx((180 - 50) / 180)
    # Two customers had a missing MRR at one of the dates: counted.
    assert result.n_missing == 2


def test_revenue_retention_missing_mrr_is_no_revenue_and_counted():
    # The sweep's case: NaN at the start, read as no revenue then.
    result = cx.revenue_retention([np.nan, 10.0], [5.0, 10.0])
    # The first customer is new (5); the second unchanged: NRR 10/10.
    assert (result.starting, result.ending, result.new) == (10.0, 15.0, 5.0)
    assert (result.nrr, result.grr, result.quick_ratio) == (1.0, 1.0, math.inf)
    assert result.n_missing == 1
    assert str(result) == (
        "NRR 100.0%, GRR 100.0%, quick ratio inf (MRR 10.00 to 15.00), 1 missing "
        "MRR counted as 0"
    )
    # The same as leaving the customer out of the start snapshot.
    keyed = cx.revenue_retention({"b": 10.0}, {"a": 5.0, "b": 10.0})
    assert (keyed.nrr, keyed.new) == (result.nrr, result.new)
    assert keyed.n_missing == 0
    by_key = cx.revenue_retention({"a": np.nan, "b": 10.0}, {"a": 5.0, "b": 10.0})
    assert by_key.n_missing == 1


def test_revenue_retention_quick_ratio_edges():
    assert cx.revenue_retention([10, 20], [15, 20]).quick_ratio == math.inf
    assert math.isnan(cx.revenue_retention([10, 20], [10, 20]).quick_ratio)
    assert cx.revenue_retention([10, 20], [10, 20]).nrr == 1.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.revenue_retention([10, -5], [10, 5]),
            "revenue_retention: 1 of 2 mrr_start are negative (-5)",
        ),
        (
            lambda: cx.revenue_retention([np.inf, 10.0], [5.0, 10.0]),
            "revenue_retention: 1 of 2 mrr_start are infinite (inf)",
        ),
        (
            lambda: cx.revenue_retention({"a": 1.0}, {"a": -np.inf}),
            "revenue_retention: 1 of 1 mrr_end are infinite (-inf)",
        ),
        (
            lambda: cx.revenue_retention([10, 5], [10, 5, 3]),
            "revenue_retention: mrr_end has 3 values but there are 2 mrr_start; "
            "they must align one to one",
        ),
        (
            lambda: cx.revenue_retention([0, 0], [10, 5]),
            "revenue_retention: the starting MRR is 0; NRR and GRR are shares of it",
        ),
        (
            lambda: cx.revenue_retention([], []),
            "revenue_retention: the starting MRR is 0; NRR and GRR are shares of it",
        ),
        (
            lambda: cx.revenue_retention(
                pd.Series([1.0, 2.0, 3.0], index=["a", "b", "a"]), pd.Series({"a": 1.0})
            ),
            "revenue_retention: 1 customers appear more than once in mrr_start ('a'); "
            "give one MRR per customer",
        ),
        (
            lambda: cx.revenue_retention(pd.Series({"a": 1.0}), [1.0]),
            "revenue_retention: mrr_start is indexed by customer and mrr_end is not; "
            "give both as Series (or mappings) by customer, or both as arrays "
            "aligned by position",
        ),
        (
            lambda: cx.revenue_retention([1.0], {"a": 1.0}),
            "revenue_retention: mrr_end is indexed by customer and mrr_start is not; "
            "give both as Series (or mappings) by customer, or both as arrays "
            "aligned by position",
        ),
        (
            lambda: cx.revenue_retention({"a": "lots"}, {"a": 1.0}),
            "revenue_retention: 1 of 1 mrr_start are not numbers ('lots')",
        ),
    ],
)
def test_revenue_retention_bad_input(call, message):
    raises_input_error(call, message)


# ---------------------------------------------------------------------------
# mrr_movements

#: MRR by customer and month, January to May 2024 (no row = 0):
#:   a  100, 120,  90,  90,   0 (an explicit zero row)
#:   b   50,   -,   -,  70,   -     churns in Feb, reactivates in Apr
#:   c    -, 30+20, 50,  80,  -     two subscriptions in Feb
#:   d    -,   -,  40,   -,  40     new in Mar, churns Apr, reactivates May
#:   e    -,   -,   -,   -,  10
MRR = pd.DataFrame(
    [
        ("a", "2024-01", 100.0),
        ("a", "2024-02", 120.0),
        ("a", "2024-03", 90.0),
        ("a", "2024-04", 90.0),
        ("a", "2024-05", 0.0),
        ("b", "2024-01", 50.0),
        ("b", "2024-04", 70.0),
        ("c", "2024-02", 30.0),
        ("c", "2024-02", 20.0),
        ("c", "2024-03", 50.0),
        ("c", "2024-04", 80.0),
        ("d", "2024-03", 40.0),
        ("d", "2024-05", 40.0),
        ("e", "2024-05", 10.0),
    ],
    columns=["customer", "month", "mrr"],
)


def test_mrr_movements_worked_example():
    moves = cx.mrr_movements(MRR["customer"], MRR["month"], MRR["mrr"])
    nan = np.nan
    # Feb: a +20 expansion; b 50 churned; c 50 new.        150 -> 170
    # Mar: a -30 contraction; d 40 new.                    170 -> 180
    # Apr: b 70 reactivation; c +30 expansion; d 40 churned. 180 -> 240
    # May: a, b, c churn 90 + 70 + 80; d 40 reactivation; e 10 new. 240 -> 50
    expected = pd.DataFrame(
        {
            "starting": [nan, 150.0, 170.0, 180.0, 240.0],
            "new": [nan, 50.0, 40.0, 0.0, 10.0],
            "expansion": [nan, 20.0, 0.0, 30.0, 0.0],
            "contraction": [nan, 0.0, 30.0, 0.0, 0.0],
            "churned": [nan, 50.0, 0.0, 40.0, 240.0],
            "reactivation": [nan, 0.0, 0.0, 70.0, 40.0],
            "ending": [150.0, 170.0, 180.0, 240.0, 50.0],
            # NRR: (150 + 20 - 50) / 150, (170 - 30) / 170, (180 + 30 - 40) / 180, 0
            "nrr": [nan, 120 / 150, 140 / 170, 170 / 180, 0.0],
            # GRR: (150 - 50) / 150, 140 / 170, (180 - 40) / 180, 0
            "grr": [nan, 100 / 150, 140 / 170, 140 / 180, 0.0],
            # quick: (50 + 20) / 50, 40 / 30, (70 + 30) / 40, (10 + 40) / 240
            "quick_ratio": [nan, 70 / 50, 40 / 30, 100 / 40, 50 / 240],
        },
        index=months("2024-01", "2024-05"),
    )
    pd.testing.assert_frame_equal(moves, expected)
    assert moves.attrs["n_missing"] == 0


def test_mrr_movements_bridge_and_revenue_retention_agree():
    moves = cx.mrr_movements(MRR["customer"], MRR["month"], MRR["mrr"])
    bridge = (
        moves["starting"]
        + moves["new"]
        + moves["reactivation"]
        + moves["expansion"]
        - moves["contraction"]
        - moves["churned"]
    )
    np.testing.assert_allclose(bridge.to_numpy()[1:], moves["ending"].to_numpy()[1:])
    # March against April by revenue_retention: the same NRR and GRR.
    wide = MRR.pivot_table(
        index="customer", columns="month", values="mrr", aggfunc="sum"
    )
    result = cx.revenue_retention(wide["2024-03"], wide["2024-04"])
    april = moves.loc[pd.Period("2024-04", freq="M")]
    assert (result.nrr, result.grr) == pytest.approx((april["nrr"], april["grr"]))


def test_mrr_movements_period_input_and_frequencies():
    periods = pd.PeriodIndex(MRR["month"], freq="M")
    expected = cx.mrr_movements(MRR["customer"], MRR["month"], MRR["mrr"])
    pd.testing.assert_frame_equal(
        cx.mrr_movements(MRR["customer"], periods, MRR["mrr"]), expected
    )
    pd.testing.assert_frame_equal(
        cx.mrr_movements(MRR["customer"], pd.Series(periods), MRR["mrr"], freq="ME"),
        expected,
    )
    quarters = cx.mrr_movements(
        ["a", "a"], pd.PeriodIndex(["2024Q1", "2024Q3"], freq="Q"), [5, 6]
    )
    assert quarters.index.equals(
        pd.period_range("2024Q1", "2024Q3", freq="Q", name="period")
    )
    # Q2: a churns 5; Q3: a comes back with 6.
    assert quarters["churned"].tolist()[1:] == [5.0, 0.0]
    assert quarters["reactivation"].tolist()[1:] == [0.0, 6.0]


def test_mrr_movements_dates_map_to_their_period():
    moves = cx.mrr_movements(
        ["a", "a", "b"],
        ["2024-01-31", "2024-02-01T09:00", "2024-02-29"],
        [10, 12, 5],
        freq="M",
    )
    assert moves["expansion"].iloc[1] == 2.0
    assert moves["new"].iloc[1] == 5.0


def test_mrr_movements_missing_rows_are_omitted_and_counted():
    customers = [*MRR["customer"], None, "z", "y"]
    months_ = [*MRR["month"], "2024-02", None, "2024-03"]
    mrr = [*MRR["mrr"], 10.0, 10.0, np.nan]
    moves = cx.mrr_movements(customers, months_, mrr)
    expected = cx.mrr_movements(MRR["customer"], MRR["month"], MRR["mrr"])
    pd.testing.assert_frame_equal(moves, expected, check_flags=False)
    assert moves.attrs["n_missing"] == 3


def _mrr_oracle(rows: list[tuple[int, int, float]]) -> dict[str, list[float]]:
    """Movements straight from the definitions, with dicts and loops."""
    mrr: dict[tuple[int, int], float] = defaultdict(float)
    for customer, period, amount in rows:
        mrr[customer, period] += amount
    customers = {c for c, _, _ in rows}
    first, last = min(p for _, p, _ in rows), max(p for _, p, _ in rows)
    out: dict[str, list[float]] = defaultdict(list)
    for p in range(first + 1, last + 1):
        move = dict.fromkeys(
            ("new", "expansion", "contraction", "churned", "reactivation"), 0.0
        )
        for c in customers:
            before, now = mrr[c, p - 1], mrr[c, p]
            earlier = any(mrr[c, q] > 0 for q in range(first, p - 1))
            if before > 0 and now == 0:
                move["churned"] += before
            elif before > 0 and now > before:
                move["expansion"] += now - before
            elif before > 0 and now < before:
                move["contraction"] += before - now
            elif before == 0 and now > 0:
                move["reactivation" if earlier else "new"] += now
        for name, value in move.items():
            out[name].append(value)
        out["ending"].append(sum(mrr[c, p] for c in customers))
    return out


mrr_rows = st.lists(
    st.tuples(
        st.integers(0, 5), st.integers(0, 7), st.sampled_from([0.0, 10.0, 25.0, 40.0])
    ),
    min_size=1,
    max_size=50,
)


@quick
@given(mrr_rows)
def test_mrr_movements_match_the_oracle(rows):
    customers, periods, amounts = zip(*rows, strict=True)
    stamps = [pd.Period("2024-01", freq="M") + p for p in periods]
    moves = cx.mrr_movements(list(customers), pd.PeriodIndex(stamps), list(amounts))
    oracle = _mrr_oracle(rows)
    for column, values in oracle.items():
        np.testing.assert_allclose(moves[column].to_numpy()[1:], values)
    ending = moves["ending"].to_numpy()
    assert (moves["starting"].to_numpy()[1:] == ending[:-1]).all()


def test_mrr_movements_sparse_path_equals_the_dense_one(monkeypatch):
    rng = np.random.default_rng(9)
    # 1,000 customers x 60 months is more than 4 cells per row: the sparse path
    ids = rng.integers(0, 1_000, 2_000)
    periods = pd.period_range("2022-01", periods=60, freq="M")[
        rng.integers(0, 60, 2_000)
    ]
    amounts = rng.choice([0.0, 20.0, 50.0, 99.0], 2_000)
    dense = cx.mrr_movements(ids, periods, amounts)
    monkeypatch.setattr(revenue, "_DENSE_LIMIT", 0)
    sparse = cx.mrr_movements(ids, periods, amounts)
    pd.testing.assert_frame_equal(sparse, dense)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.mrr_movements(["a", "b"], ["2024-01", "2024-01"], [10, -2]),
            "mrr_movements: 1 of 2 mrr are negative (-2)",
        ),
        (
            lambda: cx.mrr_movements(["a", "b"], ["2024-01", "2024-01"], [10, np.inf]),
            "mrr_movements: 1 of 2 mrr are infinite (inf)",
        ),
        (
            lambda: cx.mrr_movements(["a", "b"], ["2024-01"], [10, 2]),
            "mrr_movements: periods has 1 values but there are 2 customer_ids; "
            "they must align one to one",
        ),
        (
            lambda: cx.mrr_movements(["a"], ["2024-01"], [10, 2]),
            "mrr_movements: mrr has 2 values but there are 1 customer_ids; "
            "they must align one to one",
        ),
        (
            lambda: cx.mrr_movements([], [], []),
            "mrr_movements: customer_ids is empty",
        ),
        (
            lambda: cx.mrr_movements(
                ["a", "b"], ["2024-01", "2024-02"], [1, None], nan_policy="raise"
            ),
            "mrr_movements: 1 of 2 mrr are missing and nan_policy='raise'",
        ),
        (
            lambda: cx.mrr_movements(["a"], ["2024-01"], [None]),
            "mrr_movements: no valid rows: all 1 have a missing value in "
            "customer_ids, periods or mrr",
        ),
        (
            lambda: cx.mrr_movements(["a"], ["Jan"], [1.0]),
            "mrr_movements: 1 of 1 strings in periods are not ISO 8601 timestamps "
            "('Jan')",
        ),
        (
            lambda: cx.mrr_movements(["a"], ["2024-01"], ["ten"]),
            "mrr_movements: mrr must be numbers; got text such as 'ten'",
        ),
        (
            lambda: cx.mrr_movements(["a"], ["2024-01"], [True]),
            "mrr_movements: mrr must be numbers; got booleans",
        ),
        (
            lambda: cx.mrr_movements(
                ["a"], pd.PeriodIndex(["2024Q1"], freq="Q"), [1.0], freq="M"
            ),
            "mrr_movements: periods are Periods of frequency 'Q' but freq='M'; "
            "leave freq out or convert the periods with asfreq",
        ),
        (
            lambda: cx.mrr_movements(
                ["a"], pd.PeriodIndex(["2024-01-01 10:00"], freq="h"), [1.0]
            ),
            f"mrr_movements: the Periods' frequency 'h' {FREQ_RULE}",
        ),
        (
            lambda: cx.mrr_movements(["a"], ["2024-01"], [1.0], freq="fortnight"),
            f"mrr_movements: freq='fortnight' {FREQ_RULE}",
        ),
    ],
)
def test_mrr_movements_bad_input(call, message):
    raises_input_error(call, message)


# ---------------------------------------------------------------------------
# clv


def test_clv_without_discounting():
    # 0.8 * 50 / 0.02 = 40 / 0.02 = 2000: margin per month times 50 months
    assert cx.clv(50, 0.8, 0.02) == pytest.approx(2000.0)
    # Churn 1: the customer pays once: 0.8 * 50 = 40
    assert cx.clv(50, 0.8, 1.0) == pytest.approx(40.0)


def test_clv_with_discounting():
    # 0.8 * 50 * 1.01 / (1.01 - 0.98) = 40.4 / 0.03 = 1346.666...
    assert cx.clv(50, 0.8, 0.02, discount_rate=0.01) == pytest.approx(40.4 / 0.03)
    # No churn, 10% discount: a perpetuity paid from now: 40 * 1.1 / 0.1 = 440
    assert cx.clv(50, 0.8, 0.0, discount_rate=0.1) == pytest.approx(440.0)


@pytest.mark.parametrize(("churn", "discount"), [(0.02, 0.0), (0.05, 0.01), (0.3, 0.2)])
def test_clv_equals_the_truncated_series(churn, discount):
    # sum over t of m * ARPA * (1 - c)^t / (1 + d)^t, to where the tail is negligible
    t = np.arange(20_000)
    series = np.sum(0.7 * 80 * ((1 - churn) / (1 + discount)) ** t)
    assert cx.clv(80, 0.7, churn, discount_rate=discount) == pytest.approx(
        series, rel=1e-10
    )


def test_clv_broadcasts_and_keeps_types():
    values = cx.clv([50, 60], 0.8, np.array([[0.02], [0.05]]), discount_rate=0.01)
    assert values.shape == (2, 2)
    assert values[1, 0] == pytest.approx(0.8 * 50 * 1.01 / 0.06)
    assert isinstance(values, np.ndarray)
    assert type(cx.clv(50, 0.8, 0.02)) is float
    assert type(cx.clv(np.float32(50), np.array(0.8), 0.02)) is float
    assert cx.clv(50, 0.8, cx.churn_rate(2, 100)) == pytest.approx(2000.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: cx.clv(50, 0.8, 0.0),
            "clv: churn_rate and discount_rate are both 0: the expected lifetime is "
            "infinite and so is the value; give a churn rate or a discount rate "
            "above 0",
        ),
        (
            lambda: cx.clv(50, 0.8, [0.1, 0.0, 0.0]),
            "clv: churn_rate and discount_rate are both 0 in 2 of 3 cases: the "
            "expected lifetime is infinite and so is the value; give a churn rate or "
            "a discount rate above 0",
        ),
        (
            lambda: cx.clv(50, 1.2, 0.02),
            "clv: gross_margin is outside 0-1; got 1.2",
        ),
        (
            lambda: cx.clv(50, 0.8, -0.02),
            "clv: churn_rate is outside 0-1; got -0.02",
        ),
        (
            lambda: cx.clv(-50, 0.8, 0.02),
            "clv: arpa is negative; got -50",
        ),
        (
            lambda: cx.clv([50, -1, -2], 0.8, 0.02),
            "clv: 2 of 3 arpa values are negative (-1, -2)",
        ),
        (
            lambda: cx.clv(np.inf, 0.8, 0.02),
            "clv: arpa is infinite; got inf",
        ),
        (
            lambda: cx.clv(50, np.nan, 0.02),
            "clv: gross_margin is missing; got nan",
        ),
        (
            lambda: cx.clv(50, 0.8, 0.02, discount_rate=-0.01),
            "clv: discount_rate is negative; got -0.01",
        ),
        (
            lambda: cx.clv(50, "high", 0.02),
            "clv: gross_margin must be a number or an array of numbers; got str",
        ),
        (
            lambda: cx.clv(None, 0.8, 0.02),
            "clv: arpa must be a number or an array of numbers; got NoneType",
        ),
        (
            lambda: cx.clv([50, 60], 0.8, [0.02, 0.03, 0.04]),
            "clv: arpa, gross_margin, churn_rate and discount_rate of shapes (2,), (), "
            "(3,) and () do not broadcast together",
        ),
    ],
)
def test_clv_bad_input(call, message):
    raises_input_error(call, message)
