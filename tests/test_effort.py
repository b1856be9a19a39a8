"""Tests of cxmetrics.effort: the Customer Effort Score in its three variants.

Expected values are hand-counted, or come from statsmodels and scipy.stats.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

import cxmetrics as cx

Z95 = stats.norm.ppf(0.975)

STATSMODELS_METHODS = {
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "wald": "normal",
}

# "The company made it easy for me to handle my issue", 1-7, 7 = easiest.
# easy (5-7): 7, 6, 5, 5, 7, 6, 7 -> 7; neutral (4): 1; difficult (1-3): 3, 2 -> 2
RATINGS = [7, 6, 5, 5, 4, 3, 7, 2, 6, 7]


def net_wald(pos: float, neg: float, n: float, z: float = Z95) -> tuple[float, float]:
    diff = pos - neg
    half = z * math.sqrt((pos + neg - diff**2) / n)
    return 100 * max(diff - half, -1.0), 100 * min(diff + half, 1.0)


# ---------------------------------------------------------------------------
# The three variants on the worked example


def test_ces_mean_is_the_default_and_equals_scipy_t():
    x = np.array(RATINGS, dtype=float)
    low, high = stats.t.interval(0.95, df=9, loc=x.mean(), scale=stats.sem(x))
    result = cx.ces(RATINGS)
    assert isinstance(result, cx.MeanResult)
    assert result.value == pytest.approx(5.2)  # 52 / 10
    assert result.std == pytest.approx(x.std(ddof=1))
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)
    assert result.ci.method == "t"
    assert str(result) == "CES 5.20 (95% CI 3.95 to 6.45, Student t), n=10"


def test_ces_mean_equals_descrstatsw():
    stats_w = DescrStatsW(np.array(RATINGS, dtype=float), ddof=1)
    result = cx.ces(RATINGS, method="mean", confidence=0.99)
    assert (result.ci.low, result.ci.high) == pytest.approx(
        stats_w.tconfint_mean(alpha=0.01), rel=1e-12
    )


def test_ces_percent_easy_by_hand():
    result = cx.ces(RATINGS, method="percent_easy")
    assert isinstance(result, cx.RateResult)
    assert (result.successes, result.n) == (7, 10)
    assert result.value == pytest.approx(0.7)
    assert result.ci.method == "wilson"
    assert str(result) == "CES easy 70.0% (95% CI 39.7% to 89.2%, Wilson), n=10"


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_ces_percent_easy_interval_equals_statsmodels(method):
    low, high = proportion_confint(
        7, 10, alpha=0.05, method=STATSMODELS_METHODS[method]
    )
    result = cx.ces(RATINGS, method="percent_easy", ci=method)
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-10)


def test_ces_net_easy_by_hand():
    # Net Easy = 100 * (7 - 2) / 10 = 50 points
    result = cx.ces(RATINGS, method="net_easy")
    assert isinstance(result, cx.NetScoreResult)
    assert (result.positive, result.neutral, result.negative) == (7, 1, 2)
    assert all(type(c) is int for c in (result.positive, result.negative))
    assert result.value == pytest.approx(50.0)
    assert result.positive_share == pytest.approx(0.7)
    assert result.neutral_share == pytest.approx(0.1)
    assert result.negative_share == pytest.approx(0.2)
    assert result.label == "Net Easy"
    # adjusted Wald (the default): (7 + 3/4) / 13 easy, (2 + 3/4) / 13 difficult
    assert result.ci.method == "adjusted_wald"
    assert (result.ci.low, result.ci.high) == pytest.approx(
        net_wald(7.75 / 13, 2.75 / 13, 13)
    )
    assert str(result) == ("Net Easy 50.0 (95% CI -5.7 to 82.6, adjusted Wald), n=10")


def test_ces_net_easy_wald_by_hand():
    # p+ = 0.7, p- = 0.2; var = 0.9 - 0.25 = 0.65; half = 1.96 sqrt(0.65 / 10)
    result = cx.ces(RATINGS, method="net_easy", ci="wald")
    assert (result.ci.low, result.ci.high) == pytest.approx(net_wald(0.7, 0.2, 10))
    assert result.ci.low == pytest.approx(50 - 100 * Z95 * math.sqrt(0.065))


@pytest.mark.parametrize("ci", ["adjusted_wald", "wald", "bootstrap", "bayes"])
def test_ces_net_easy_equals_nps_from_counts_of_easy_neutral_difficult(ci):
    # Net Easy is NPS arithmetic on (easy, neutral, difficult) counts
    net = cx.ces(RATINGS, method="net_easy", ci=ci, n_resamples=500, rng=5)
    nps = cx.nps_from_counts(7, 1, 2, ci=ci, n_resamples=500, rng=5)
    assert net.value == pytest.approx(nps.value)
    assert (net.ci.low, net.ci.high) == pytest.approx((nps.ci.low, nps.ci.high))


@pytest.mark.parametrize(
    ("method", "default_ci"),
    [("mean", "t"), ("percent_easy", "wilson"), ("net_easy", "adjusted_wald")],
)
def test_ci_auto_picks_the_default_of_the_variant(method, default_ci):
    assert cx.ces(RATINGS, method=method).ci.method == default_ci
    assert cx.ces(RATINGS, method=method, ci="auto").ci.method == default_ci
    assert cx.ces(RATINGS, method=method, ci=default_ci).ci.method == default_ci
    no_ci = cx.ces(RATINGS, method=method, ci=None)
    assert no_ci.ci is None
    assert no_ci.value == cx.ces(RATINGS, method=method).value


# ---------------------------------------------------------------------------
# Easy and difficult: the midpoint rule and custom sets


@pytest.mark.parametrize(
    ("scale", "easy", "difficult"),
    [
        ((1, 7), [5, 6, 7], [1, 2, 3]),  # midpoint 4 is neutral
        ((1, 5), [4, 5], [1, 2]),  # midpoint 3 is neutral
        ((1, 10), [6, 7, 8, 9, 10], [1, 2, 3, 4, 5]),  # midpoint 5.5: no neutral
        ((0, 10), [6, 7, 8, 9, 10], [0, 1, 2, 3, 4]),  # midpoint 5 is neutral
        ((1, 3), [3], [1]),
    ],
)
def test_default_easy_and_difficult_points_follow_the_midpoint(scale, easy, difficult):
    low, high = scale
    points = list(range(low, high + 1))
    n = len(points)
    # one answer on every point: percent easy = |easy| / n
    percent = cx.ces(points, scale=scale, method="percent_easy")
    assert percent.successes == len(easy)
    assert percent.value == pytest.approx(len(easy) / n)
    net = cx.ces(points, scale=scale, method="net_easy")
    assert (net.positive, net.negative) == (len(easy), len(difficult))
    assert net.neutral == n - len(easy) - len(difficult)
    # an answer only on the easy points is 100% easy, only on difficult -100
    assert cx.ces(easy, scale=scale, method="net_easy").value == 100.0
    assert cx.ces(difficult, scale=scale, method="net_easy").value == -100.0
    # the mean is the plain mean of the points
    assert cx.ces(points, scale=scale).value == pytest.approx((low + high) / 2)


def test_ces_on_1_to_5_by_hand():
    # easy 4, 5: three answers; difficult 1, 2: two answers; neutral 3: one
    ratings = [5, 4, 4, 3, 2, 1]
    assert cx.ces(ratings, scale=(1, 5), method="percent_easy").value == 0.5
    net = cx.ces(ratings, scale=(1, 5), method="net_easy")
    assert net.value == pytest.approx(100 * (3 - 2) / 6)


def test_ces_custom_easy_and_difficult_sets():
    # only 6 and 7 are easy, only 1 and 2 difficult: 3, 4, 5 are neutral
    net = cx.ces(RATINGS, method="net_easy", easy={6, 7}, difficult=[1, 2])
    # easy: 7, 6, 7, 6, 7 -> 5; difficult: 2 -> 1
    assert (net.positive, net.neutral, net.negative) == (5, 4, 1)
    assert net.value == pytest.approx(100 * (5 - 1) / 10)
    pct = cx.ces(RATINGS, method="percent_easy", easy=[7])
    assert pct.value == pytest.approx(0.3)


def test_ces_custom_easy_keeps_the_default_difficult():
    # easy = 7 only; difficult stays 1-3 (3 and 2 -> 2 answers)
    net = cx.ces(RATINGS, method="net_easy", easy=7)
    assert (net.positive, net.neutral, net.negative) == (3, 5, 2)


def test_ces_mean_ignores_easy_and_difficult():
    assert cx.ces(RATINGS, easy=[7], difficult=[1]).value == pytest.approx(5.2)


# ---------------------------------------------------------------------------
# Weights


RATINGS_W = np.array([7, 6, 4, 2, 5, 1])
WEIGHTS = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 0.5])


def test_weighted_ces_mean_equals_descrstatsw_with_weights_summing_to_n_eff():
    n_eff = WEIGHTS.sum() ** 2 / (WEIGHTS**2).sum()
    stats_w = DescrStatsW(
        RATINGS_W.astype(float), weights=WEIGHTS * n_eff / WEIGHTS.sum(), ddof=1
    )
    result = cx.ces(RATINGS_W, weights=WEIGHTS)
    assert result.value == pytest.approx(np.average(RATINGS_W, weights=WEIGHTS))
    assert result.std == pytest.approx(stats_w.std)
    assert result.effective_n == pytest.approx(n_eff)
    assert (result.ci.low, result.ci.high) == pytest.approx(
        stats_w.tconfint_mean(), rel=1e-12
    )


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_weighted_percent_easy_equals_statsmodels(method):
    # easy (5-7): weights 1 + 2 + 1 = 4 of 6.5
    n_eff = WEIGHTS.sum() ** 2 / (WEIGHTS**2).sum()
    share = 4.0 / 6.5
    low, high = proportion_confint(
        share * n_eff, n_eff, alpha=0.05, method=STATSMODELS_METHODS[method]
    )
    result = cx.ces(RATINGS_W, method="percent_easy", weights=WEIGHTS, ci=method)
    assert result.value == pytest.approx(share)
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-10)


def test_weighted_net_easy_by_hand():
    # easy 4.0, neutral (4) 0.5, difficult (1-3) 1.5 + 0.5 = 2.0; sum w = 6.5
    n_eff = 6.5**2 / (WEIGHTS**2).sum()
    result = cx.ces(RATINGS_W, method="net_easy", weights=WEIGHTS, ci="wald")
    assert (result.positive, result.neutral, result.negative) == (4.0, 0.5, 2.0)
    assert type(result.positive) is float
    assert result.value == pytest.approx(100 * (4 - 2) / 6.5)
    assert result.effective_n == pytest.approx(n_eff)
    assert (result.ci.low, result.ci.high) == pytest.approx(
        net_wald(4 / 6.5, 2 / 6.5, n_eff)
    )


# ---------------------------------------------------------------------------
# Input kinds and nan_policy


KINDS = {
    "list": (RATINGS, 0),
    "numpy uint8": (np.array(RATINGS, dtype=np.uint8), 0),
    "Series Int64 with NA": (pd.Series([*RATINGS, pd.NA], dtype="Int64"), 1),
    "Series Float64 with NA": (pd.Series([*RATINGS, None], dtype="Float64"), 1),
    "Categorical with a missing value": (pd.Categorical([*RATINGS, None]), 1),
    "object array with None": (np.array([None, *RATINGS], dtype=object), 1),
}


@pytest.mark.parametrize(
    ("data", "n_missing"),
    [pytest.param(*value, id=kind) for kind, value in KINDS.items()],
)
def test_ces_same_answer_for_every_input_kind(data, n_missing):
    mean = cx.ces(data)
    easy = cx.ces(data, method="percent_easy")
    net = cx.ces(data, method="net_easy")
    assert (mean.value, mean.n, mean.n_missing) == (pytest.approx(5.2), 10, n_missing)
    assert (easy.successes, easy.n_missing) == (7, n_missing)
    assert (net.positive, net.neutral, net.negative) == (7, 1, 2)
    assert net.n_missing == n_missing


@pytest.mark.parametrize("method", ["mean", "percent_easy", "net_easy"])
def test_ces_nan_policies(method):
    data = [7, np.nan, 5, 2, None, 6]
    clean = cx.ces([7, 5, 2, 6], method=method)
    omitted = cx.ces(data, method=method)
    assert (omitted.n, omitted.n_missing) == (4, 2)
    assert omitted.value == pytest.approx(clean.value)
    assert (omitted.ci.low, omitted.ci.high) == pytest.approx(
        (clean.ci.low, clean.ci.high)
    )
    with pytest.raises(
        cx.InputError, match=r"^ces: 2 of 6 ratings are missing and nan_policy='raise'$"
    ):
        cx.ces(data, method=method, nan_policy="raise")
    propagated = cx.ces(data, method=method, nan_policy="propagate")
    assert math.isnan(propagated.value)
    assert math.isnan(propagated.ci.low)
    assert math.isnan(propagated.ci.high)
    assert (propagated.n, propagated.n_missing) == (4, 2)


@pytest.mark.parametrize("method", ["mean", "percent_easy", "net_easy"])
def test_ces_missing_rating_takes_its_weight_with_it(method):
    dropped = cx.ces([7, None, 2, 5], method=method, weights=[1.0, 50.0, 2.0, 1.0])
    clean = cx.ces([7, 2, 5], method=method, weights=[1.0, 2.0, 1.0])
    assert dropped.value == pytest.approx(clean.value)
    assert dropped.effective_n == pytest.approx(16 / 6)  # (1+2+1)^2 / (1+4+1)
    assert (dropped.ci.low, dropped.ci.high) == pytest.approx(
        (clean.ci.low, clean.ci.high)
    )
