"""Tests of cxmetrics.loyalty: nps, nps_from_counts, nps_category, csat, top_box,
mean_score.

Every expected value comes from outside cxmetrics: arithmetic written out in
the test, statsmodels (``proportion_confint``, ``DescrStatsW``) or scipy.stats.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

import cxmetrics as cx

Z95 = stats.norm.ppf(0.975)  # 1.959963984540054

#: cxmetrics' proportion methods and statsmodels' names for them.
STATSMODELS_METHODS = {
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "wald": "normal",
}


def net_wald(pos: float, neg: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Trinomial Wald interval in points, written out for the tests."""
    diff = pos - neg
    half = z * math.sqrt((pos + neg - diff**2) / n)
    return 100 * max(diff - half, -1.0), 100 * min(diff + half, 1.0)


# ---------------------------------------------------------------------------
# NPS: worked examples


TEN_ANSWERS = [10, 9, 9, 10, 9, 8, 7, 6, 3, 0]  # 5 promoters, 2 passives, 3 detractors


def test_nps_ten_answers_counts_and_value():
    result = cx.nps(TEN_ANSWERS)
    assert (result.promoters, result.passives, result.detractors) == (5, 2, 3)
    assert result.n == 10
    assert result.n_missing == 0
    assert result.effective_n == 10
    # NPS = 100 * (5 - 3) / 10 = 20 points
    assert result.value == pytest.approx(20.0)
    assert result.promoter_share == pytest.approx(0.5)
    assert result.passive_share == pytest.approx(0.2)
    assert result.detractor_share == pytest.approx(0.3)


def test_nps_ten_answers_wald_by_hand():
    # p+ = 0.5, p- = 0.3; var = 0.5 + 0.3 - 0.2^2 = 0.76
    # half width = 1.96 * sqrt(0.76 / 10) = 0.5403 -> 20 +- 54.03 points
    result = cx.nps(TEN_ANSWERS, ci="wald")
    half = Z95 * math.sqrt(0.76 / 10)
    assert result.ci.low == pytest.approx(100 * (0.2 - half), rel=1e-12)
    assert result.ci.high == pytest.approx(100 * (0.2 + half), rel=1e-12)
    assert result.ci.low == pytest.approx(-34.03, abs=0.01)
    assert result.ci.high == pytest.approx(74.03, abs=0.01)
    assert (result.ci.level, result.ci.method) == (0.95, "wald")


def test_nps_ten_answers_adjusted_wald_by_hand():
    # Rocks (2016): add 3/4 promoter, 3/2 passive, 3/4 detractor; n + 3 = 13.
    # p+ = 5.75 / 13 = 0.44231, p- = 3.75 / 13 = 0.28846, diff = 2 / 13
    # var = 0.44231 + 0.28846 - (2/13)^2 = 0.70710; half = 1.96 * sqrt(var / 13)
    p_pos, p_neg = 5.75 / 13, 3.75 / 13
    diff = p_pos - p_neg
    half = Z95 * math.sqrt((p_pos + p_neg - diff**2) / 13)
    result = cx.nps(TEN_ANSWERS)  # adjusted Wald is the default
    assert result.ci.method == "adjusted_wald"
    assert result.ci.low == pytest.approx(100 * (diff - half), rel=1e-12)
    assert result.ci.high == pytest.approx(100 * (diff + half), rel=1e-12)
    assert (round(result.ci.low, 1), round(result.ci.high, 1)) == (-30.3, 61.1)
    # The interval is centred on the adjusted score 100 * 2 / 13, not on 20.
    assert (result.ci.low + result.ci.high) / 2 == pytest.approx(100 * 2 / 13)


def test_nps_two_hundred_answers_wald():
    # 90 promoters, 60 passives, 50 detractors: NPS = 100 * 40 / 200 = 20
    # var = 0.45 + 0.25 - 0.2^2 = 0.66; half = 1.96 * sqrt(0.66 / 200) = 0.1126
    scores = [10] * 45 + [9] * 45 + [8] * 30 + [7] * 30 + [6] * 25 + [0] * 25
    result = cx.nps(scores, ci="wald")
    assert (result.promoters, result.passives, result.detractors) == (90, 60, 50)
    assert result.value == pytest.approx(20.0)
    assert (result.ci.low, result.ci.high) == pytest.approx(net_wald(0.45, 0.25, 200))
    assert (round(result.ci.low, 2), round(result.ci.high, 2)) == (8.74, 31.26)


def test_nps_confidence_level_changes_the_critical_value():
    z90 = stats.norm.ppf(0.95)
    result = cx.nps(TEN_ANSWERS, ci="wald", confidence=0.90)
    assert result.ci.level == 0.90
    assert (result.ci.low, result.ci.high) == pytest.approx(
        net_wald(0.5, 0.3, 10, z=z90)
    )


def test_nps_all_promoters_is_100_and_wald_is_degenerate():
    result = cx.nps([9, 10, 10], ci="wald")
    assert result.value == 100.0
    # variance 1 + 0 - 1 = 0: the Wald interval collapses on the estimate
    assert (result.ci.low, result.ci.high) == (100.0, 100.0)


def test_nps_each_scale_point_goes_to_its_category():
    # one answer per point: 0-6 detractors (7), 7-8 passives (2), 9-10 promoters (2)
    result = cx.nps(list(range(11)), ci=None)
    assert (result.promoters, result.passives, result.detractors) == (2, 2, 7)
    assert result.value == pytest.approx(100 * (2 - 7) / 11)
    assert result.ci is None


def test_nps_counts_are_ints_without_weights():
    result = cx.nps(np.array([10, 7, 3]))
    assert all(type(c) is int for c in (result.promoters, result.passives))
    assert type(result.detractors) is int
    assert type(result.value) is float


def test_nps_str_reads_like_the_docs():
    assert str(cx.nps(TEN_ANSWERS)) == (
        "NPS 20.0 (95% CI -30.3 to 61.1, adjusted Wald), n=10"
    )


# ---------------------------------------------------------------------------
# NPS: weights


WEIGHTED_SCORES = [10, 9, 7, 3, 0]
WEIGHTS = [2.0, 1.0, 1.0, 0.5, 0.5]


def test_weighted_nps_by_hand():
    # promoters 2 + 1 = 3, passives 1, detractors 0.5 + 0.5 = 1; sum w = 5
    # NPS = 100 * (3 - 1) / 5 = 40
    # n_eff = 5^2 / (4 + 1 + 1 + 0.25 + 0.25) = 25 / 6.5 = 3.846
    result = cx.nps(WEIGHTED_SCORES, weights=WEIGHTS, ci="wald")
    n_eff = 25 / 6.5
    assert (result.promoters, result.passives, result.detractors) == (3.0, 1.0, 1.0)
    assert type(result.promoters) is float
    assert result.n == 5
    assert result.value == pytest.approx(40.0)
    assert result.effective_n == pytest.approx(n_eff)
    # shares 0.6 and 0.2 with the Kish effective n as the sample size
    assert (result.ci.low, result.ci.high) == pytest.approx(net_wald(0.6, 0.2, n_eff))


def test_weighted_nps_adjusted_wald_uses_effective_n():
    n_eff = 25 / 6.5
    n_adj = n_eff + 3
    p_pos = (0.6 * n_eff + 0.75) / n_adj
    p_neg = (0.2 * n_eff + 0.75) / n_adj
    result = cx.nps(WEIGHTED_SCORES, weights=WEIGHTS)
    assert (result.ci.low, result.ci.high) == pytest.approx(
        net_wald(p_pos, p_neg, n_adj)
    )


def test_nps_weights_of_one_equal_unweighted():
    plain = cx.nps(TEN_ANSWERS, ci="wald")
    weighted = cx.nps(TEN_ANSWERS, weights=np.ones(10), ci="wald")
    assert weighted.value == pytest.approx(plain.value)
    assert weighted.effective_n == pytest.approx(10)
    assert (weighted.ci.low, weighted.ci.high) == pytest.approx(
        (plain.ci.low, plain.ci.high)
    )


def test_nps_zero_weight_leaves_a_score_out_of_the_value():
    result = cx.nps([10, 0, 0], weights=[1, 1, 0], ci=None)
    assert result.value == pytest.approx(0.0)  # (1 - 1) / 2
    assert result.n == 3  # it is still a valid response
    assert result.effective_n == pytest.approx(2.0)  # 2^2 / 2


# ---------------------------------------------------------------------------
# NPS: randomized intervals


@pytest.mark.parametrize("method", ["bootstrap", "bayes"])
def test_randomized_nps_intervals_are_reproducible_with_rng(method):
    # 1,000 answers (the 200-answer example five times), so that the bounds
    # are fine-grained enough for two seeds to differ
    scores = np.repeat([10, 9, 8, 7, 6, 0], [225, 225, 150, 150, 125, 125])

    def run(rng):
        result = cx.nps(scores, ci=method, n_resamples=2_000, rng=rng)
        return result.ci.low, result.ci.high

    assert run(7) == run(7)
    assert run(7) == run(np.random.default_rng(7))
    assert run(7) == run(np.random.SeedSequence(7))
    assert run(7) != run(8)
    low, high = run(7)
    assert -100 <= low < 20.0 < high <= 100
    assert cx.nps(scores, ci=method, n_resamples=50).ci.method == method


def test_bootstrap_nps_is_near_wald_for_a_large_sample():
    # With n = 2,000 the percentile bootstrap and the Wald interval agree to
    # within a point: 900 / 600 / 500 is the 200-answer example times ten.
    wald = net_wald(0.45, 0.25, 2_000)
    result = cx.nps_from_counts(900, 600, 500, ci="bootstrap", rng=1)
    assert result.ci.low == pytest.approx(wald[0], abs=1.0)
    assert result.ci.high == pytest.approx(wald[1], abs=1.0)


def test_bayes_nps_is_the_dirichlet_posterior_interval():
    # Posterior Dirichlet(5 + 1, 2 + 1, 3 + 1); its NPS quantiles by direct draws.
    draws = np.random.default_rng(0).dirichlet([6, 3, 4], size=200_000)
    net = 100 * (draws[:, 0] - draws[:, 2])
    low, high = np.quantile(net, [0.025, 0.975])
    result = cx.nps(TEN_ANSWERS, ci="bayes", n_resamples=100_000, rng=3)
    assert result.ci.low == pytest.approx(low, abs=1.0)
    assert result.ci.high == pytest.approx(high, abs=1.0)


# ---------------------------------------------------------------------------
# nps_from_counts


@pytest.mark.parametrize("method", ["adjusted_wald", "wald", "bootstrap", "bayes"])
def test_nps_from_counts_equals_nps_on_raw_scores(method):
    scores = [10] * 12 + [9] * 5 + [8] * 4 + [7] * 3 + [5] * 6 + [0] * 2
    raw = cx.nps(scores, ci=method, n_resamples=500, rng=11)
    counted = cx.nps_from_counts(17, 7, 8, ci=method, n_resamples=500, rng=11)
    assert counted == raw


def test_nps_from_counts_by_hand():
    # 90 / 60 / 50 -> NPS 20, Wald 8.74 to 31.26
    result = cx.nps_from_counts(90, 60, 50, ci="wald")
    assert result.value == pytest.approx(20.0)
    assert (result.n, result.n_missing, result.effective_n) == (200, 0, 200.0)
    assert (result.ci.low, result.ci.high) == pytest.approx(net_wald(0.45, 0.25, 200))


def test_nps_from_counts_accepts_whole_floats_and_numpy_ints():
    result = cx.nps_from_counts(np.int64(3), 2.0, np.uint8(1), ci=None)
    assert (result.promoters, result.passives, result.detractors) == (3, 2, 1)
    assert type(result.passives) is int
    assert result.value == pytest.approx(100 * 2 / 6)


def test_nps_from_counts_one_category_only():
    result = cx.nps_from_counts(0, 0, 4, ci="wald")
    assert result.value == -100.0
    assert (result.ci.low, result.ci.high) == (-100.0, -100.0)


# ---------------------------------------------------------------------------
# nps_category


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, "detractor"),
        (1, "detractor"),
        (2, "detractor"),
        (3, "detractor"),
        (4, "detractor"),
        (5, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_nps_category_of_every_scale_point(score, category):
    assert cx.nps_category(score) == category
    assert cx.nps_category(float(score)) == category
    assert cx.nps_category(np.int64(score)) == category


@pytest.mark.parametrize("missing", [np.nan, None, pd.NA, float("nan")])
def test_nps_category_of_a_missing_score_is_none(missing):
    assert cx.nps_category(missing) is None


def test_nps_category_of_an_array_is_an_ordered_categorical():
    result = cx.nps_category(pd.Series([0, 6, 7, 8, 9, 10, None], dtype="Int64"))
    assert isinstance(result, pd.Categorical)
    assert result.ordered
    assert list(result.categories) == ["detractor", "passive", "promoter"]
    assert list(result[:6]) == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
    ]
    assert pd.isna(result[6])
    assert result.min() == "detractor"
    assert result.max() == "promoter"


def test_nps_category_counts_match_nps():
    scores = np.array([10, 9, 9, 8, 7, 6, 0, 3, 10])
    categories = pd.Series(cx.nps_category(scores)).value_counts()
    result = cx.nps(scores)
    assert categories["promoter"] == result.promoters == 4
    assert categories["passive"] == result.passives == 2
    assert categories["detractor"] == result.detractors == 3


def test_nps_category_keeps_missing_values_missing():
    result = cx.nps_category([np.nan, None])
    assert len(result) == 2
    assert result.isna().all()
    assert len(cx.nps_category([])) == 0


# ---------------------------------------------------------------------------
# CSAT


CSAT_RATINGS = [5, 4, 4, 3, 5, 2, 5, 4, 1, 5]  # 7 of 10 rate 4 or 5


def test_csat_by_hand():
    result = cx.csat(CSAT_RATINGS)
    assert result.value == pytest.approx(0.7)  # 7 / 10
    assert (result.successes, result.n, result.total_weight) == (7, 10, 10)
    assert type(result.successes) is int
    assert (result.n_missing, result.effective_n) == (0, 10)
    assert result.ci.method == "wilson"
    assert str(result) == "CSAT 70.0% (95% CI 39.7% to 89.2%, Wilson), n=10"


def test_wilson_interval_by_hand():
    # Wilson: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), p = 0.7
    p, n, z = 0.7, 10, Z95
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    result = cx.csat(CSAT_RATINGS)
    assert result.ci.low == pytest.approx(centre - half, rel=1e-12)
    assert result.ci.high == pytest.approx(centre + half, rel=1e-12)


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
@pytest.mark.parametrize(
    "ratings",
    [
        CSAT_RATINGS,  # 7 of 10
        [5] * 12,  # all satisfied: x = n
        [1, 2, 3, 3, 2],  # none satisfied: x = 0
        [4],  # a single answer
        [5, 4, 1] * 40,  # 80 of 120
    ],
    ids=["7-of-10", "all", "none", "one", "80-of-120"],
)
def test_csat_interval_equals_statsmodels(method, ratings):
    satisfied = sum(r >= 4 for r in ratings)
    low, high = proportion_confint(
        satisfied, len(ratings), alpha=0.05, method=STATSMODELS_METHODS[method]
    )
    if method == "jeffreys":  # Brown, Cai and DasGupta's rule at 0 and n
        low = 0.0 if satisfied == 0 else low
        high = 1.0 if satisfied == len(ratings) else high
    result = cx.csat(ratings, ci=method)
    assert result.value == pytest.approx(satisfied / len(ratings))
    assert result.ci.low == pytest.approx(low, rel=1e-10, abs=1e-12)
    assert result.ci.high == pytest.approx(high, rel=1e-10, abs=1e-12)
    assert result.ci.method == method


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_csat_interval_at_90_percent_equals_statsmodels(method):
    low, high = proportion_confint(
        7, 10, alpha=0.10, method=STATSMODELS_METHODS[method]
    )
    result = cx.csat(CSAT_RATINGS, ci=method, confidence=0.90)
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-10)
    assert result.ci.level == 0.90


WEIGHTED_RATINGS = np.array([5, 4, 3, 1, 5, 2, 4])
RATING_WEIGHTS = np.array([1.5, 0.5, 2.0, 1.0, 0.25, 1.0, 3.0])


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_weighted_csat_uses_kish_effective_n(method):
    # satisfied (4 or 5): weights 1.5 + 0.5 + 0.25 + 3.0 = 5.25 of 9.25
    w = RATING_WEIGHTS
    share = (1.5 + 0.5 + 0.25 + 3.0) / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()
    low, high = proportion_confint(
        share * n_eff, n_eff, alpha=0.05, method=STATSMODELS_METHODS[method]
    )
    result = cx.csat(WEIGHTED_RATINGS, weights=w, ci=method)
    assert result.value == pytest.approx(5.25 / 9.25)
    assert result.successes == pytest.approx(5.25)
    assert result.total_weight == pytest.approx(9.25)
    assert result.effective_n == pytest.approx(n_eff)
    assert result.n == 7
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-10)
    assert "effective n=" in str(result)


def test_csat_custom_satisfied_points():
    ratings = [7, 6, 5, 7, 1, 4]
    # on 1-7, only 6 and 7 count: 3 of 6
    assert cx.csat(ratings, scale=(1, 7), satisfied={6, 7}).value == pytest.approx(0.5)
    # default on 1-7 is the top two (6, 7) as well
    assert cx.csat(ratings, scale=(1, 7)).value == pytest.approx(0.5)
    # top three: 5, 6, 7 -> 4 of 6
    assert cx.csat(ratings, scale=(1, 7), satisfied=[5, 6, 7]).value == pytest.approx(
        4 / 6
    )
    # one point as a bare int
    assert cx.csat(ratings, scale=(1, 7), satisfied=4).value == pytest.approx(1 / 6)


def test_csat_on_a_0_to_10_scale():
    # default satisfied = the top two points, 9 and 10: 2 of 5
    result = cx.csat([10, 9, 8, 0, 5], scale=(0, 10))
    assert result.value == pytest.approx(0.4)


def test_csat_ci_none():
    result = cx.csat(CSAT_RATINGS, ci=None)
    assert result.ci is None
    assert str(result) == "CSAT 70.0%, n=10"


# ---------------------------------------------------------------------------
# top_box


TOP_BOX_RATINGS = [5, 5, 4, 3, 5, 2, 4, 5]  # four 5s, two 4s


@pytest.mark.parametrize(("boxes", "hits"), [(1, 4), (2, 6), (3, 7), (4, 8), (5, 8)])
def test_top_box_counts_the_top_points(boxes, hits):
    result = cx.top_box(TOP_BOX_RATINGS, scale=(1, 5), boxes=boxes)
    assert result.successes == hits
    assert result.value == pytest.approx(hits / 8)
    low, high = proportion_confint(hits, 8, alpha=0.05, method="wilson")
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-10)


def test_top_box_labels():
    assert str(cx.top_box(TOP_BOX_RATINGS, scale=(1, 5))).startswith("Top box 50.0%")
    assert str(cx.top_box(TOP_BOX_RATINGS, scale=(1, 5), boxes=2)).startswith(
        "Top 2 box 75.0%"
    )


def test_top_box_on_a_0_to_10_scale():
    # top box of 0-10 is 10 only: 2 of 4
    assert cx.top_box([10, 10, 9, 0], scale=(0, 10)).value == pytest.approx(0.5)


@pytest.mark.parametrize("method", list(STATSMODELS_METHODS))
def test_weighted_top_box_equals_statsmodels(method):
    w = RATING_WEIGHTS
    share = (1.5 + 0.25) / w.sum()  # the 5s
    n_eff = w.sum() ** 2 / (w**2).sum()
    low, high = proportion_confint(
        share * n_eff, n_eff, alpha=0.05, method=STATSMODELS_METHODS[method]
    )
    result = cx.top_box(WEIGHTED_RATINGS, scale=(1, 5), weights=w, ci=method)
    assert result.value == pytest.approx(share)
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-10)


# ---------------------------------------------------------------------------
# mean_score


MEAN_RATINGS = [4, 5, 3, 4, 5, 2]


def test_mean_score_equals_scipy_t_interval():
    x = np.array(MEAN_RATINGS, dtype=float)
    mean, sem = x.mean(), stats.sem(x)  # sem uses n - 1
    low, high = stats.t.interval(0.95, df=x.size - 1, loc=mean, scale=sem)
    result = cx.mean_score(MEAN_RATINGS, scale=(1, 5))
    assert result.value == pytest.approx(23 / 6)  # (4+5+3+4+5+2) / 6
    assert result.std == pytest.approx(x.std(ddof=1))
    assert (result.ci.low, result.ci.high) == pytest.approx((low, high), rel=1e-12)
    assert (result.n, result.effective_n, result.total_weight) == (6, 6, 6)
    assert result.ci.method == "t"
    assert str(result) == "Mean score 3.83 (95% CI 2.61 to 5.06, Student t), n=6"


def test_mean_score_equals_statsmodels_descrstatsw():
    stats_w = DescrStatsW(np.array(MEAN_RATINGS, dtype=float), ddof=1)
    result = cx.mean_score(MEAN_RATINGS, scale=(1, 5), confidence=0.9)
    assert result.std == pytest.approx(stats_w.std)
    assert (result.ci.low, result.ci.high) == pytest.approx(
        stats_w.tconfint_mean(alpha=0.10), rel=1e-12
    )


def test_weighted_mean_score_equals_descrstatsw_with_weights_summing_to_n_eff():
    x = WEIGHTED_RATINGS.astype(float)
    w = RATING_WEIGHTS
    n_eff = w.sum() ** 2 / (w**2).sum()
    stats_w = DescrStatsW(x, weights=w * n_eff / w.sum(), ddof=1)
    result = cx.mean_score(WEIGHTED_RATINGS, scale=(1, 5), weights=w)
    assert result.value == pytest.approx(np.average(x, weights=w))
    assert result.value == pytest.approx(stats_w.mean)
    assert result.std == pytest.approx(stats_w.std)
    assert result.effective_n == pytest.approx(n_eff)
    assert result.total_weight == pytest.approx(w.sum())
    assert (result.ci.low, result.ci.high) == pytest.approx(
        stats_w.tconfint_mean(alpha=0.05), rel=1e-12
    )


def test_mean_score_of_one_answer_has_no_interval():
    result = cx.mean_score([4], scale=(1, 5))
    assert result.value == 4.0
    assert math.isnan(result.std)
    assert math.isnan(result.ci.low)
    assert math.isnan(result.ci.high)


def test_mean_score_ci_none():
    result = cx.mean_score(MEAN_RATINGS, scale=(1, 5), ci=None)
    assert result.ci is None
    assert result.value == pytest.approx(23 / 6)


# ---------------------------------------------------------------------------
# Every accepted input kind gives the same answer


def _kinds(values: list[int]) -> dict[str, tuple[object, int]]:
    """The same answers in every accepted container, with its count of missing."""
    return {
        "list": (list(values), 0),
        "list with None": ([*values, None], 1),
        "list with nan": ([*values, float("nan")], 1),
        "tuple": (tuple(values), 0),
        "numpy int64": (np.array(values, dtype=np.int64), 0),
        "numpy int8": (np.array(values, dtype=np.int8), 0),
        "numpy uint8": (np.array(values, dtype=np.uint8), 0),
        "numpy uint64": (np.array(values, dtype=np.uint64), 0),
        "numpy float64": (np.array(values, dtype=np.float64), 0),
        "numpy float32 with nan": (np.array([*values, np.nan], dtype=np.float32), 1),
        "object array with None": (np.array([*values, None], dtype=object), 1),
        "object array of Decimal": (np.array([Decimal(v) for v in values]), 0),
        "Series int64": (pd.Series(values, dtype="int64"), 0),
        "Series float64 with NaN": (pd.Series([*values, np.nan]), 1),
        "Series Int64 with NA": (pd.Series([*values, pd.NA], dtype="Int64"), 1),
        "Series Float64 with NA": (pd.Series([*values, pd.NA], dtype="Float64"), 1),
        "Series UInt8 with NA": (pd.Series([*values, pd.NA], dtype="UInt8"), 1),
        "Series with a shuffled index": (
            pd.Series(values, index=np.arange(len(values))[::-1]),
            0,
        ),
        "Categorical with a missing value": (pd.Categorical([*values, None]), 1),
        "Series category": (pd.Series([*values, None], dtype="category"), 1),
        "pandas Index": (pd.Index(values), 0),
        "IntegerArray": (pd.array([*values, None], dtype="Int64"), 1),
    }


def _kind_params(values: list[int]) -> list[object]:
    return [
        pytest.param(data, n_missing, id=kind)
        for kind, (data, n_missing) in _kinds(values).items()
    ]


NPS_VALUES = [10, 9, 9, 8, 7, 6, 3, 0, 10]  # 4 promoters, 2 passives, 3 detractors
RATING_VALUES = [5, 4, 4, 3, 1, 5, 2, 5]  # 5 of 8 satisfied; mean 29 / 8


@pytest.mark.parametrize(("data", "n_missing"), _kind_params(NPS_VALUES))
def test_nps_same_answer_for_every_input_kind(data, n_missing):
    result = cx.nps(data, ci="wald")
    assert (result.promoters, result.passives, result.detractors) == (4, 2, 3)
    assert result.n == 9
    assert result.n_missing == n_missing
    assert result.value == pytest.approx(100 * (4 - 3) / 9)
    assert (result.ci.low, result.ci.high) == pytest.approx(net_wald(4 / 9, 3 / 9, 9))


@pytest.mark.parametrize(("data", "n_missing"), _kind_params(RATING_VALUES))
def test_rating_metrics_same_answer_for_every_input_kind(data, n_missing):
    csat = cx.csat(data)
    top = cx.top_box(data, scale=(1, 5))
    mean = cx.mean_score(data, scale=(1, 5))
    assert (csat.successes, csat.n, csat.n_missing) == (5, 8, n_missing)
    assert csat.value == pytest.approx(5 / 8)
    assert top.value == pytest.approx(3 / 8)
    assert mean.value == pytest.approx(29 / 8)
    assert mean.std == pytest.approx(np.std(RATING_VALUES, ddof=1))
    assert mean.n_missing == n_missing


@pytest.mark.parametrize(("data", "n_missing"), _kind_params(NPS_VALUES))
def test_nps_category_same_answer_for_every_input_kind(data, n_missing):
    expected = ["promoter"] * 3 + ["passive"] * 2 + ["detractor"] * 3 + ["promoter"]
    result = cx.nps_category(data)
    assert list(result[: len(NPS_VALUES)]) == expected
    assert int(pd.isna(result).sum()) == n_missing


# ---------------------------------------------------------------------------
# nan_policy


SURVEY_FUNCTIONS = {
    "nps": lambda data, **kw: cx.nps(data, **kw),
    "csat": lambda data, **kw: cx.csat(data, **kw),
    "top_box": lambda data, **kw: cx.top_box(data, scale=(1, 5), **kw),
    "mean_score": lambda data, **kw: cx.mean_score(data, scale=(1, 5), **kw),
}
WITH_MISSING = [5, np.nan, 4, 1, None, 5]  # 4 valid, 2 missing


@pytest.mark.parametrize("func", list(SURVEY_FUNCTIONS))
def test_nan_policy_omit_counts_and_leaves_out_the_missing(func):
    call = SURVEY_FUNCTIONS[func]
    omitted = call(WITH_MISSING)  # omit is the default
    clean = call([5, 4, 1, 5])
    assert (omitted.n, omitted.n_missing) == (4, 2)
    assert omitted.value == pytest.approx(clean.value)
    assert (omitted.ci.low, omitted.ci.high) == pytest.approx(
        (clean.ci.low, clean.ci.high)
    )
    assert "2 missing" in str(omitted)


@pytest.mark.parametrize("func", list(SURVEY_FUNCTIONS))
def test_nan_policy_raise_names_the_count(func):
    with pytest.raises(
        cx.InputError,
        match=rf"^{func}: 2 of 6 \w+ are missing and nan_policy='raise'$",
    ):
        SURVEY_FUNCTIONS[func](WITH_MISSING, nan_policy="raise")
    # without missing values, raise changes nothing
    assert SURVEY_FUNCTIONS[func]([5, 4], nan_policy="raise").n == 2


@pytest.mark.parametrize("func", list(SURVEY_FUNCTIONS))
def test_nan_policy_propagate_gives_nan_and_reports_the_missing(func):
    result = SURVEY_FUNCTIONS[func](WITH_MISSING, nan_policy="propagate")
    assert math.isnan(result.value)
    assert math.isnan(result.ci.low)
    assert math.isnan(result.ci.high)
    assert (result.n, result.n_missing) == (4, 2)
    # without missing values propagate is a plain estimate
    assert not math.isnan(SURVEY_FUNCTIONS[func]([5, 4], nan_policy="propagate").value)


@pytest.mark.parametrize("func", list(SURVEY_FUNCTIONS))
def test_nan_policy_propagate_with_ci_none(func):
    result = SURVEY_FUNCTIONS[func](WITH_MISSING, nan_policy="propagate", ci=None)
    assert math.isnan(result.value)
    assert result.ci is None


@pytest.mark.parametrize("func", list(SURVEY_FUNCTIONS))
def test_nan_policy_propagate_all_missing(func):
    result = SURVEY_FUNCTIONS[func]([np.nan, None], nan_policy="propagate")
    assert math.isnan(result.value)
    assert (result.n, result.n_missing) == (0, 2)


@pytest.mark.parametrize("func", list(SURVEY_FUNCTIONS))
def test_a_missing_answer_takes_its_weight_with_it(func):
    call = SURVEY_FUNCTIONS[func]
    # the weight 100 belongs to a missing answer: it must not count anywhere
    dropped = call([5, np.nan, 1, 4], weights=[1.0, 100.0, 2.0, 3.0])
    clean = call([5, 1, 4], weights=[1.0, 2.0, 3.0])
    assert (dropped.n, dropped.n_missing) == (3, 1)
    assert dropped.value == pytest.approx(clean.value)
    assert dropped.effective_n == pytest.approx(36 / 14)  # (1+2+3)^2 / (1+4+9)
    assert (dropped.ci.low, dropped.ci.high) == pytest.approx(
        (clean.ci.low, clean.ci.high)
    )


def test_weighted_nps_with_missing_by_hand():
    # valid: 10 (w 1), 3 (w 2), 9 (w 3) -> promoters 4, detractors 2 of 6
    result = cx.nps([10, None, 3, 9], weights=[1, 5, 2, 3], ci=None)
    assert result.value == pytest.approx(100 * (4 - 2) / 6)
    assert (result.promoters, result.detractors, result.n_missing) == (4.0, 2.0, 1)


def test_weighted_propagate_keeps_the_effective_n_of_the_valid_answers():
    result = cx.csat([5, None, 1], weights=[1, 1, 3], nan_policy="propagate")
    assert math.isnan(result.value)
    assert result.effective_n == pytest.approx(16 / 10)  # (1 + 3)^2 / (1 + 9)


def test_weighted_propagate_all_missing_has_no_effective_n():
    result = cx.nps([None, None], weights=[1.0, 2.0], nan_policy="propagate")
    assert math.isnan(result.value)
    assert result.effective_n == 0.0


def test_zero_weight_does_not_hide_an_out_of_scale_integer_score():
    # The weighted integer path counts with bincount(weights=...); a score of
    # 11 with weight 0 would add nothing to the counts, so the range is checked
    # on the scores themselves.
    scores = np.array([10, 11, 3], dtype=np.int64)
    with pytest.raises(cx.InputError, match=r"^nps: 1 of 3 scores are outside"):
        cx.nps(scores, weights=[1.0, 0.0, 1.0])


def test_weighted_integer_scores_equal_weighted_float_scores():
    # Same data through the integer fast path and the float path.
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 11, 500)
    weights = rng.uniform(0.2, 3.0, 500)
    a = cx.nps(scores, weights=weights)
    b = cx.nps(scores.astype(float), weights=weights)
    assert a == b
    # Hand check of the weighted counts against a plain numpy sum.
    assert a.promoters == pytest.approx(weights[scores >= 9].sum(), rel=1e-12)
    assert a.detractors == pytest.approx(weights[scores <= 6].sum(), rel=1e-12)


# ---------------------------------------------------------------------------
# Labelled ratings: an ordered Categorical of text is read as points 1..k

SATISFACTION = [
    "Very dissatisfied",
    "Dissatisfied",
    "Neutral",
    "Satisfied",
    "Very satisfied",
]


def _labelled(points, labels=SATISFACTION):
    """Points 1..k as the labels a survey tool would export, missing as None."""
    texts = [None if p is None else labels[p - 1] for p in points]
    return pd.Series(pd.Categorical(texts, categories=labels, ordered=True))


def test_labelled_ratings_equal_their_points():
    points = [5, 4, 4, 3, 5, 2, 5, 4, 1, 5, None, 2]
    labelled = _labelled(points)
    numbers = [np.nan if p is None else p for p in points]
    assert cx.csat(labelled) == cx.csat(numbers)
    assert cx.top_box(labelled) == cx.top_box(numbers, scale=(1, 5))
    assert cx.mean_score(labelled) == cx.mean_score(numbers, scale=(1, 5))
    assert cx.csat(labelled).n_missing == 1


def test_labelled_effort_on_seven_points():
    agreement = [f"level {k}" for k in range(1, 8)]
    points = [7, 6, 5, 5, 4, 3, 7, 2, 6, 7]
    labelled = _labelled(points, agreement)
    for method in ("mean", "percent_easy", "net_easy"):
        assert cx.ces(labelled, method=method) == cx.ces(points, method=method)


def test_labelled_ratings_by_segment_and_with_a_matching_scale():
    frame = pd.DataFrame(
        {"answer": _labelled([5, 4, 1, 2, 5, 5]), "team": list("aabbab")}
    )
    table = cx.by_segment(frame, cx.csat, column="answer", by="team", min_n=1)
    expected = cx.by_segment(
        frame.assign(answer=frame["answer"].cat.codes + 1),
        cx.csat,
        column="answer",
        by="team",
        min_n=1,
    )
    pd.testing.assert_frame_equal(table, expected)
    assert cx.csat(frame["answer"], scale=(1, 5)).value == pytest.approx(4 / 6)


def test_labelled_ratings_refuse_a_scale_that_does_not_match():
    with pytest.raises(
        cx.InputError,
        match=r"^csat: ratings are 5 ordered labels \('Very dissatisfied', "
        r"'Dissatisfied', 'Neutral' \.\.\.\), read as the points 1-5; "
        r"scale=\(1, 7\) does not match",
    ):
        cx.csat(_labelled([5, 4]), scale=(1, 7))


@pytest.mark.parametrize(
    "ratings",
    [
        pd.Categorical(["Satisfied", "Neutral"]),  # unordered
        ["Satisfied", "Neutral"],  # plain text
    ],
    ids=["unordered Categorical", "text"],
)
def test_text_ratings_without_an_order_are_refused_with_the_fix(ratings):
    with pytest.raises(
        cx.InputError,
        match=r"labelled ratings are read as scale points when they are an ordered "
        r"pandas Categorical: pd\.Categorical\(values, categories=\[lowest, \.\.\., "
        r"highest\], ordered=True\)$",
    ):
        cx.csat(ratings)
