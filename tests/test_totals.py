"""Results rebuilt from stored statistics equal the results on the rows.

Each test stores per-period statistics of random data (counts, sums, sums
of squares), adds them up over the whole range and rebuilds the result; the
reference is the metric computed on all the rows at once, and for the mean
also statsmodels' ``DescrStatsW``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

import cxmetrics as cx
from cxmetrics import InputError


@pytest.fixture
def days() -> list[np.ndarray]:
    rng = np.random.default_rng(11)
    return [rng.integers(1, 6, size=rng.integers(20, 80)) for _ in range(7)]


@pytest.mark.parametrize("ci", ["wilson", "jeffreys", "wald", None])
def test_rate_from_daily_counts_equals_csat_on_all_rows(
    days: list[np.ndarray], ci: str | None
) -> None:
    successes = sum(int((day >= 4).sum()) for day in days)
    n = sum(day.size for day in days)
    rebuilt = cx.rate_from_counts(
        successes, n, ci=ci, label="CSAT", definition="4, 5 of 1-5"
    )
    assert rebuilt == cx.csat(np.concatenate(days), ci=ci)
    if ci is not None:
        method = "normal" if ci == "wald" else ci  # statsmodels calls Wald "normal"
        low, high = proportion_confint(successes, n, method=method)
        assert rebuilt.ci is not None
        assert (rebuilt.ci.low, rebuilt.ci.high) == pytest.approx((low, high))


def test_rate_from_counts_merges_with_rates_of_the_same_label() -> None:
    week = cx.rate_from_counts(30, 40, label="FCR")
    more = cx.rate_from_counts(10, 20, label="FCR")
    assert week.merge(more) == cx.rate_from_counts(40, 60, label="FCR")


@pytest.mark.parametrize("ci", ["adjusted_wald", "wald", None])
def test_net_score_from_daily_counts_equals_net_easy_on_all_rows(
    ci: str | None,
) -> None:
    rng = np.random.default_rng(5)
    days = [rng.integers(1, 8, size=50) for _ in range(5)]
    counts = [
        sum(int(np.isin(day, points).sum()) for day in days)
        for points in ([5, 6, 7], [4], [1, 2, 3])
    ]
    rebuilt = cx.net_score_from_counts(
        *counts,
        ci=ci,
        label="Net Easy",
        definition="easy 5-7, difficult 1-3 of 1-7",
    )
    assert rebuilt == cx.ces(np.concatenate(days), method="net_easy", ci=ci)


def test_mean_from_daily_sums_equals_the_mean_of_all_rows() -> None:
    rng = np.random.default_rng(8)
    days = [rng.gamma(4.0, 90.0, size=rng.integers(5, 60)) for _ in range(10)]
    n = sum(day.size for day in days)
    total = sum(float(day.sum()) for day in days)
    squares = sum(float((day * day).sum()) for day in days)
    rebuilt = cx.mean_from_sums(n, total, squares, label="AHT")
    everything = np.concatenate(days)
    reference = DescrStatsW(everything)
    low, high = reference.tconfint_mean()
    assert rebuilt.n == n
    assert rebuilt.value == pytest.approx(reference.mean, rel=1e-12)
    assert rebuilt.std == pytest.approx(reference.std * math.sqrt(n / (n - 1)))
    assert rebuilt.ci is not None
    assert (rebuilt.ci.low, rebuilt.ci.high) == pytest.approx((low, high), rel=1e-9)
    direct = cx.average_handle_time(everything)
    assert rebuilt.value == pytest.approx(direct.value, rel=1e-12)
    assert rebuilt.std == pytest.approx(direct.std, rel=1e-9)


def test_mean_from_sums_of_one_value_and_of_equal_values() -> None:
    one = cx.mean_from_sums(1, 4.0, 16.0)
    assert one.value == 4.0
    assert math.isnan(one.std)
    # 0.1 three times: the sums leave a rounding remainder, not a negative spread.
    same = cx.mean_from_sums(3, 0.1 + 0.1 + 0.1, 3 * 0.1 * 0.1, ci=None)
    assert same.std == pytest.approx(0.0, abs=1e-8)
    assert same.ci is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cx.rate_from_counts(5, 0), "rate_from_counts: n is 0"),
        (
            lambda: cx.rate_from_counts(6, 5),
            r"rate_from_counts: successes \(6\) cannot exceed n \(5\)",
        ),
        (
            lambda: cx.rate_from_counts(-1, 5),
            "rate_from_counts: successes must be a non-negative whole number",
        ),
        (lambda: cx.rate_from_counts(1, 5, ci="exact"), "rate_from_counts: ci"),
        (
            lambda: cx.net_score_from_counts(0, 0, 0),
            "net_score_from_counts: the counts are all zero",
        ),
        (
            lambda: cx.net_score_from_counts(1, 2, 3, ci="bootstrap"),
            "net_score_from_counts: ci='bootstrap' needs n_resamples and rng",
        ),
        (
            lambda: cx.net_score_from_counts(1.5, 2, 3),
            "net_score_from_counts: positive must be a non-negative whole number",
        ),
        (lambda: cx.mean_from_sums(0, 0.0, 0.0), "mean_from_sums: n is 0"),
        (
            lambda: cx.mean_from_sums(2, math.inf, 1.0),
            "mean_from_sums: total must be finite",
        ),
        (
            lambda: cx.mean_from_sums(2, "3", 1.0),
            "mean_from_sums: total must be a number",
        ),
        (
            lambda: cx.mean_from_sums(2, 10.0, 1.0),
            r"mean_from_sums: sum_of_squares \(1\) is below total\*\*2 / n \(50\)",
        ),
    ],
)
def test_bad_statistics_are_refused(call: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call()  # type: ignore[operator]
