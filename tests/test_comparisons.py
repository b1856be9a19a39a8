"""Tests of cxmetrics.comparisons: compare and adjust_pvalues.

Every expected value comes from outside cxmetrics: arithmetic written out in
the test, statsmodels (``confint_proportions_2indep``, ``proportions_ztest``,
``multipletests``), scipy (``ttest_ind``, ``median_test``) or lifelines
(``logrank_test``). Results are built with the public metric functions, and
duration results directly (their values are what the bootstrap resamples).
"""

from __future__ import annotations

import math
import re

import attrs
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

import cxmetrics as cx
from cxmetrics.results import DurationResult, Interval, SurvivalCurve

Z95 = float(stats.norm.ppf(0.975))
KINDS = (
    "NPSResult, NetScoreResult, RateResult, MeanResult, DurationResult or SurvivalCurve"
)


NOTHING = "there is nothing to compare"


def exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


def scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


def duration(
    values: list[float] | np.ndarray,
    *,
    unit: str = "h",
    label: str = "Resolution time",
    level: float | None = 0.95,
) -> DurationResult:
    """A DurationResult as the duration functions would build it."""
    data = np.sort(np.asarray(values, dtype=float))
    return DurationResult(
        n=data.size,
        mean=float(data.mean()) if data.size else math.nan,
        median=float(np.median(data)) if data.size else math.nan,
        median_ci=None if level is None else Interval(0.0, 1.0, level, "binomial"),
        unit=unit,
        label=label,
        values=data,
    )


# ---------------------------------------------------------------------------
# NPS


NORTH = (90, 60, 50)  # NPS 20, n 200
SOUTH = (70, 60, 70)  # NPS 0, n 200


def test_compare_nps_wald_by_hand():
    # p+_a = 0.45, p-_a = 0.25, var_a = 0.70 - 0.04 = 0.66
    # p+_b = 0.35, p-_b = 0.35, var_b = 0.70
    # se = sqrt(0.66 / 200 + 0.70 / 200) = sqrt(0.0068) = 0.0824621
    # difference 20 points, interval 20 +- 100 * 1.95996 * 0.0824621
    #   = 3.8377 to 36.1623; z = 0.2 / 0.0824621 = 2.42536
    a = cx.nps(scores(*NORTH), ci="wald")
    b = cx.nps(scores(*SOUTH), ci="wald")
    result = cx.compare(a, b)
    se = math.sqrt(0.0068)
    assert result.method == "wald"
    assert result.label == "NPS"
    assert result.difference == pytest.approx(20.0, rel=1e-14)
    assert result.ci == Interval(
        pytest.approx(100 * (0.2 - Z95 * se), rel=1e-12),
        pytest.approx(100 * (0.2 + Z95 * se), rel=1e-12),
        0.95,
        "wald",
    )
    assert result.statistic == pytest.approx(2.42536, abs=1e-5)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(0.2 / se), rel=1e-10)
    assert result.a is a
    assert result.b is b


def test_compare_nps_adjusted_wald_by_hand():
    # Each sample + 3/4 promoter, + 3/2 passive, + 3/4 detractor (n = 203):
    # a: p+ = 90.75/203, p- = 50.75/203; b: p+ = p- = 70.75/203.
    pa, na = 90.75 / 203, 50.75 / 203
    pb = 70.75 / 203
    var_a = pa + na - (pa - na) ** 2
    var_b = 2 * pb
    se = math.sqrt((var_a + var_b) / 203)
    centre = pa - na
    result = cx.compare(cx.nps_from_counts(*NORTH), cx.nps_from_counts(*SOUTH))
    assert result.method == "adjusted_wald"
    assert result.difference == pytest.approx(20.0)
    assert result.ci.low == pytest.approx(100 * (centre - Z95 * se), rel=1e-12)
    assert result.ci.high == pytest.approx(100 * (centre + Z95 * se), rel=1e-12)
    assert result.statistic == pytest.approx(centre / se, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(centre / se), rel=1e-10)
    assert str(result) == (
        "NPS difference 20 (95% CI 3.69 to 35.72, adjusted Wald), p=0.0159"
    )


@pytest.mark.parametrize(
    ("ci_a", "ci_b", "expected"),
    [
        ("wald", "wald", "wald"),
        ("adjusted_wald", "adjusted_wald", "adjusted_wald"),
        ("wald", "adjusted_wald", "adjusted_wald"),
        ("adjusted_wald", "wald", "adjusted_wald"),
        ("bootstrap", "bootstrap", "adjusted_wald"),
        ("bayes", "wald", "adjusted_wald"),
        (None, None, "adjusted_wald"),
        (None, "wald", "adjusted_wald"),
    ],
)
def test_compare_nps_default_method_follows_the_inputs(ci_a, ci_b, expected):
    a = cx.nps_from_counts(*NORTH, ci=ci_a, rng=1)
    b = cx.nps_from_counts(*SOUTH, ci=ci_b, rng=1)
    assert cx.compare(a, b).method == expected
    other = "wald" if expected == "adjusted_wald" else "adjusted_wald"
    assert cx.compare(a, b, method=other).method == other


def test_compare_weighted_nps_uses_effective_n():
    # Weights 1 and 3: promoters 10 x 1 + 10 x 3 = 40, passives 10, detractors
    # 10 x 1 = 10 (sum of weights 60). Kish n_eff = 60^2 / (10*9 + 20) = 32.727
    a = cx.nps(
        [10] * 20 + [8] * 10 + [3] * 10,
        weights=[1] * 10 + [3] * 10 + [1] * 20,
        ci="wald",
    )
    b = cx.nps(scores(20, 20, 20), ci="wald")
    eff = 60**2 / (10 * 1 + 10 * 9 + 20 * 1)
    assert a.effective_n == pytest.approx(eff)
    # a: p+ = 40/60, p- = 10/60; var = 50/60 - (30/60)^2 = 0.583333
    # b: p+ = p- = 1/3; var = 2/3
    se = math.sqrt((50 / 60 - 0.25) / eff + (2 / 3) / 60)
    result = cx.compare(a, b)
    assert result.difference == pytest.approx(50.0)
    assert result.ci.low == pytest.approx(100 * (0.5 - Z95 * se), rel=1e-12)
    assert result.statistic == pytest.approx(0.5 / se, rel=1e-12)


def test_compare_net_easy():
    # Net Easy on a 1-7 scale: easy 5-7, difficult 1-3.
    # a: 6 easy, 2 neutral, 2 difficult of 10 -> 40; b: 3 / 3 / 4 -> -10.
    a = cx.ces([7, 6, 5, 7, 6, 5, 4, 4, 1, 2], method="net_easy", ci="wald")
    b = cx.ces([7, 6, 5, 4, 4, 4, 1, 2, 3, 1], method="net_easy", ci="wald")
    # var_a = 0.8 - 0.16 = 0.64; var_b = 0.7 - 0.01 = 0.69; se = sqrt(1.33 / 10)
    se = math.sqrt(1.33 / 10)
    result = cx.compare(a, b)
    assert result.label == "Net Easy"
    assert result.method == "wald"
    assert result.difference == pytest.approx(50.0)
    assert result.ci.high == pytest.approx(100 * (0.5 + Z95 * se), rel=1e-12)


# ---------------------------------------------------------------------------
# Rates


def test_compare_csat_newcombe_equals_statsmodels():
    a = cx.csat([5] * 40 + [4] * 16 + [2] * 14)  # 56 of 70
    b = cx.csat([5] * 30 + [4] * 18 + [1] * 32)  # 48 of 80
    result = cx.compare(a, b)
    low, high = confint_proportions_2indep(56, 70, 48, 80, method="newcomb")
    z, p = proportions_ztest([56, 48], [70, 80])
    assert result.method == "newcombe"
    assert result.label == "CSAT"
    assert result.difference == pytest.approx(0.8 - 0.6)
    assert result.ci.low == pytest.approx(low, abs=1e-12)
    assert result.ci.high == pytest.approx(high, abs=1e-12)
    assert result.statistic == pytest.approx(z, rel=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-10)


@pytest.mark.parametrize("ci", ["wilson", "wald", "jeffreys", None])
def test_compare_rates_default_is_newcombe_whatever_the_interval(ci):
    a = cx.csat([5, 5, 4, 1, 2], ci=ci)
    b = cx.csat([5, 1, 1, 2], ci=ci)
    assert cx.compare(a, b).method == "newcombe"


def test_compare_rates_wald_on_request():
    a = cx.csat([5] * 40 + [4] * 16 + [2] * 14)
    b = cx.csat([5] * 30 + [4] * 18 + [1] * 32)
    result = cx.compare(a, b, method="wald")
    # se = sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80) = sqrt(0.0052857)
    se = math.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert result.method == "wald"
    assert result.ci.low == pytest.approx(0.2 - Z95 * se, rel=1e-12)
    assert result.ci.high == pytest.approx(0.2 + Z95 * se, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(0.2 / se), rel=1e-10)


def test_compare_weighted_rates_enter_with_effective_counts():
    # a: satisfied weights 2 + 2 + 1 + 1 = 6 of a total 8 (weights 2, 2, 1, 1, 1, 1)
    # Kish n_eff = 8^2 / (4 + 4 + 1 + 1 + 1 + 1) = 64 / 12 = 5.3333
    # effective successes = 6 * 5.3333 / 8 = 4 of 5.3333
    a = cx.csat([5, 5, 4, 5, 1, 2], weights=[2, 2, 1, 1, 1, 1])
    b = cx.csat([5, 1, 1, 2, 4, 5, 1, 1])
    assert a.effective_n == pytest.approx(64 / 12)
    result = cx.compare(a, b)
    low, high = confint_proportions_2indep(4, 64 / 12, 3, 8, method="newcomb")
    assert result.difference == pytest.approx(0.75 - 0.375)
    assert result.ci.low == pytest.approx(low, abs=1e-12)
    assert result.ci.high == pytest.approx(high, abs=1e-12)


def test_compare_rates_from_other_metrics():
    a = cx.fcr_rate([1, 1, 2, 1, 3, 1])
    b = cx.fcr_rate([1, 2, 2, 1])
    result = cx.compare(a, b)
    low, high = confint_proportions_2indep(4, 6, 2, 4, method="newcomb")
    assert result.label == "FCR"
    assert result.ci.low == pytest.approx(low, abs=1e-12)
    assert result.ci.high == pytest.approx(high, abs=1e-12)


# ---------------------------------------------------------------------------
# Means


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_compare_means_welch_equals_scipy(level):
    x = [4, 5, 3, 4, 5, 2, 5, 5, 4, 4, 3, 5]
    y = [3, 2, 4, 3, 1, 2, 3, 5, 2]
    a = cx.mean_score(x, scale=(1, 5), confidence=level)
    b = cx.mean_score(y, scale=(1, 5))
    ref = stats.ttest_ind(x, y, equal_var=False)
    result = cx.compare(a, b)  # the level of a's interval
    assert result.method == "welch"
    assert result.label == "Mean score"
    assert result.ci.level == level
    assert result.difference == pytest.approx(np.mean(x) - np.mean(y), rel=1e-12)
    low, high = ref.confidence_interval(confidence_level=level)
    assert result.ci.low == pytest.approx(low, rel=1e-10)
    assert result.ci.high == pytest.approx(high, rel=1e-10)
    assert result.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert result.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_compare_ces_means():
    a = cx.ces([7, 6, 6, 5, 7, 3])
    b = cx.ces([4, 5, 3, 6, 2])
    ref = stats.ttest_ind([7, 6, 6, 5, 7, 3], [4, 5, 3, 6, 2], equal_var=False)
    result = cx.compare(a, b)
    assert result.label == "CES"
    assert result.p_value == pytest.approx(ref.pvalue, rel=1e-9)


# ---------------------------------------------------------------------------
# Durations


TEAM_A = [1.5, 2.0, 2.5, 3.0, 4.0, 4.5, 6.0, 8.0, 9.0, 12.0, 20.0]
TEAM_B = [0.5, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 5.0, 7.0]


def test_compare_durations_difference_and_median_test():
    a, b = duration(TEAM_A), duration(TEAM_B)
    result = cx.compare(a, b, rng=7)
    # Medians: 4.5 (6th of 11) and (2.0 + 2.5) / 2 = 2.25.
    assert result.difference == pytest.approx(4.5 - 2.25)
    assert result.method == "bootstrap"
    assert result.label == "Resolution time median"
    assert result.ci.method == "bootstrap"
    statistic, p, _, _ = stats.median_test(TEAM_A, TEAM_B)
    assert result.statistic == pytest.approx(statistic, rel=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-12)


def test_compare_durations_bootstrap_matches_resampling_rows():
    rng = np.random.default_rng(12)
    x = rng.lognormal(1.0, 1.0, 80)
    y = rng.lognormal(0.6, 1.0, 90)
    result = cx.compare(duration(x), duration(y), n_resamples=40_000, rng=3)
    rows = np.random.default_rng(4)
    med_x = np.median(rows.choice(x, size=(40_000, x.size)), axis=1)
    med_y = np.median(rows.choice(y, size=(40_000, y.size)), axis=1)
    low, high = np.quantile(med_x - med_y, [0.025, 0.975])
    spread = np.std(med_x - med_y)
    assert result.ci.low == pytest.approx(low, abs=0.05 * spread)
    assert result.ci.high == pytest.approx(high, abs=0.05 * spread)


def test_compare_durations_reproducible_with_rng():
    a, b = duration(TEAM_A), duration(TEAM_B)
    first = cx.compare(a, b, n_resamples=2_000, rng=11)
    second = cx.compare(a, b, n_resamples=2_000, rng=np.random.default_rng(11))
    assert first.ci == second.ci
    assert first.p_value == second.p_value


def test_compare_durations_unsorted_values_are_sorted():
    a = attrs.evolve(duration(TEAM_A), values=np.array(TEAM_A[::-1]))
    b = duration(TEAM_B)
    assert cx.compare(a, b, rng=1).ci == cx.compare(duration(TEAM_A), b, rng=1).ci


def test_compare_durations_confidence_default():
    assert cx.compare(duration(TEAM_A, level=0.8), duration(TEAM_B)).ci.level == 0.8
    assert cx.compare(duration(TEAM_A, level=None), duration(TEAM_B)).ci.level == 0.95


# ---------------------------------------------------------------------------
# Survival curves


def _churn(seed: int, scale: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.ceil(rng.exponential(scale, n)), rng.random(n) < 0.7


@pytest.mark.parametrize(("n_a", "n_b"), [(8, 8), (40, 60), (150, 90)])
def test_compare_survival_curves_equals_lifelines(n_a, n_b):
    lifelines_stats = pytest.importorskip("lifelines.statistics")
    dur_a, obs_a = _churn(n_a, 6.0, n_a)
    dur_b, obs_b = _churn(n_b + 1, 9.0, n_b)
    try:
        curve_a = cx.survival_curve(dur_a, obs_a)
        curve_b = cx.survival_curve(dur_b, obs_b)
    except NotImplementedError:
        pytest.skip("survival_curve is not available")
    ref = lifelines_stats.logrank_test(
        dur_a, dur_b, event_observed_A=obs_a, event_observed_B=obs_b
    )
    result = cx.compare(curve_a, curve_b)
    assert result.method == "logrank"
    assert result.label == "Survival"
    assert math.isnan(result.difference)
    assert result.ci is None
    assert result.statistic == pytest.approx(ref.test_statistic, rel=1e-10)
    assert result.p_value == pytest.approx(ref.p_value, rel=1e-9)


def curve(
    timeline: list[float],
    at_risk: list[float],
    events: list[float],
    censored: list[float],
) -> SurvivalCurve:
    """A curve built from its life table (the survival values do not matter)."""
    t = np.asarray(timeline, dtype=float)
    ones = np.ones(t.size)
    return SurvivalCurve(
        timeline=t,
        survival=ones,
        ci_low=ones,
        ci_high=ones,
        at_risk=np.asarray(at_risk, dtype=float),
        events=np.asarray(events, dtype=float),
        censored=np.asarray(censored, dtype=float),
        median=math.inf,
        median_ci=None,
        n=int(at_risk[0]) if at_risk else 0,
    )


def test_compare_survival_by_hand():
    # a: events at 1, 2, 3 (3 subjects); b: events at 4, 5 (2 subjects).
    # O - E = 3 - (3/5 + 2/4 + 1/3) = 1.566667; V = 0.24 + 0.25 + 2/9
    a = curve([1, 2, 3], [3, 2, 1], [1, 1, 1], [0, 0, 0])
    b = curve([4, 5], [2, 1], [1, 1], [0, 0])
    o_e, v = 3 - (0.6 + 0.5 + 1 / 3), 0.24 + 0.25 + 2 / 9
    result = cx.compare(a, b)
    assert result.statistic == pytest.approx(o_e**2 / v, rel=1e-12)
    assert result.p_value == pytest.approx(stats.chi2.sf(o_e**2 / v, 1), rel=1e-12)


# ---------------------------------------------------------------------------
# Options and NaN


def test_compare_confidence():
    a = cx.nps_from_counts(*NORTH, confidence=0.9)
    b = cx.nps_from_counts(*SOUTH)
    assert cx.compare(a, b).ci.level == 0.9  # a's level
    assert cx.compare(b, a).ci.level == 0.95
    explicit = cx.compare(a, b, confidence=0.99)
    assert explicit.ci.level == 0.99
    # 99%: the half width grows by z_0.995 / z_0.975.
    base = cx.compare(a, b, confidence=0.95)
    ratio = explicit.ci.width / base.ci.width
    assert ratio == pytest.approx(stats.norm.ppf(0.995) / Z95, rel=1e-12)
    no_interval = cx.nps_from_counts(*NORTH, ci=None)
    assert cx.compare(no_interval, b).ci.level == 0.95


def test_compare_propagated_nan_gives_nan():
    a = cx.nps([10, 9, None, 3], nan_policy="propagate")
    b = cx.nps([10, 9, 3])
    result = cx.compare(a, b)
    assert math.isnan(result.difference)
    assert math.isnan(result.p_value)
    assert math.isnan(result.ci.low)
    assert math.isnan(result.ci.high)
    assert result.method == "adjusted_wald"
    rate = cx.compare(cx.csat([5, 2]), cx.csat([None, 4], nan_policy="propagate"))
    assert math.isnan(rate.statistic)


def test_compare_result_round_trips_to_dict():
    result = cx.compare(cx.csat([5, 4, 1]), cx.csat([5, 1, 1, 2]))
    plain = result.to_dict()
    assert plain["method"] == "newcombe"
    assert plain["a"]["label"] == "CSAT"
    assert plain["ci"]["level"] == 0.95


# ---------------------------------------------------------------------------
# Bad input, with exact messages


NPS_A = cx.nps_from_counts(*NORTH)


@pytest.mark.parametrize(
    ("a", "b", "options", "message"),
    [
        (
            NPS_A,
            cx.csat([5, 4]),
            {},
            "compare: a and b must be results of the same kind; got NPSResult "
            "and RateResult",
        ),
        (
            [10, 9],
            NPS_A,
            {},
            f"compare: a must be a cxmetrics result ({KINDS}); got list",
        ),
        (
            NPS_A,
            20.0,
            {},
            f"compare: b must be a cxmetrics result ({KINDS}); got float",
        ),
        (
            cx.csat([5, 4]),
            cx.fcr_rate([1, 2]),
            {},
            "compare: a and b measure different things ('CSAT' (4, 5 of 1-5) and "
            "'FCR'); compare two results of one metric, or give them one label and "
            "definition with attrs.evolve(b, label=a.label, "
            "definition=a.definition) if they are comparable",
        ),
        (
            duration([1, 2], unit="h"),
            duration([60, 90], unit="min"),
            {},
            "compare: a and b are in different units ('h' and 'min'); summarize "
            "both with the same unit=",
        ),
        (
            NPS_A,
            NPS_A,
            {"method": "welch"},
            "compare: method='welch' is not one of 'adjusted_wald', 'wald', "
            "'mover', None for NPSResult",
        ),
        (
            cx.csat([5, 4]),
            cx.csat([5, 1]),
            {"method": "wilson"},
            "compare: method='wilson' is not one of 'newcombe', 'wald', None for "
            "RateResult",
        ),
        (
            cx.mean_score([1, 2], scale=(1, 5)),
            cx.mean_score([1, 3], scale=(1, 5)),
            {"method": 1},
            "compare: method=1 is not one of 'welch', None for MeanResult",
        ),
        (
            NPS_A,
            NPS_A,
            {"confidence": 1.5},
            "compare: confidence must be between 0 and 1 (exclusive); got 1.5",
        ),
        (
            NPS_A,
            NPS_A,
            {"n_resamples": 0},
            "compare: n_resamples must be at least 1; got 0",
        ),
        (
            NPS_A,
            NPS_A,
            {"rng": -1},
            "compare: rng must be None, a non-negative int seed or a "
            "numpy.random.Generator; got -1",
        ),
        (
            cx.mean_score([4], scale=(1, 5)),
            cx.mean_score([1, 3], scale=(1, 5)),
            {},
            "compare: a has n=1; Welch's t test needs at least 2 values in each sample",
        ),
        (
            duration(TEAM_A),
            attrs.evolve(duration(TEAM_B), values=np.empty(0)),
            {},
            "compare: b has n=10 but holds 0 values; the bootstrap resamples the "
            "durations kept on the result (DurationResult.values)",
        ),
        (
            attrs.evolve(duration([1, 2, 3]), values=np.array([1.0, np.nan, 3.0])),
            duration(TEAM_B),
            {},
            "compare: 1 of 3 values of a are missing",
        ),
    ],
)
def test_compare_bad_input(a, b, options, message):
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.compare(a, b, **options)


def test_compare_empty_results():
    empty_rate = cx.RateResult(
        value=0.0, successes=0, n=0, ci=None, effective_n=0.0, total_weight=0
    )
    with pytest.raises(
        cx.InputError,
        match=exact(
            "compare: b has no observations (n=0); there is nothing to compare"
        ),
    ):
        cx.compare(
            cx.csat([5, 4]),
            attrs.evolve(empty_rate, label="CSAT", definition="4, 5 of 1-5"),
        )
    with pytest.raises(
        cx.InputError,
        match=exact(
            "compare: a has no observations (n=0); there is nothing to compare"
        ),
    ):
        cx.compare(duration([]), duration([1.0]))


def test_compare_survival_bad_input():
    a = curve([1, 2, 3], [3, 2, 1], [1, 1, 1], [0, 0, 0])
    # b gains a subject between 3 and 4 (a late entrant): 2 - 1 - 0 = 1, yet 2.
    late = curve([3, 4, 5], [2, 2, 1], [1, 1, 0], [0, 0, 1])
    with pytest.raises(
        cx.InputError,
        match=exact(
            "compare: b's life table has subjects entering late (at times 3); the "
            "log-rank test from two curves assumes no delayed entry"
        ),
    ):
        cx.compare(a, late)
    censored = curve([1, 2], [2, 1], [0, 0], [1, 1])
    with pytest.raises(
        cx.InputError,
        match=exact(
            "compare: neither curve has an event; the log-rank test compares "
            "event times"
        ),
    ):
        cx.compare(censored, censored)
    with pytest.raises(
        cx.InputError,
        match=exact(
            "compare: a has no observations (n=0); there is nothing to compare"
        ),
    ):
        cx.compare(curve([], [], [], []), a)


# ---------------------------------------------------------------------------
# adjust_pvalues


ADJUST_METHODS = ("holm", "bonferroni", "fdr_bh")


def random_pvalues(seed: int, size: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.05, size // 3), rng.uniform(0, 1, size)])
    p = np.round(p, 3)  # ties
    p[rng.integers(0, p.size, 3)] = 0.0
    p[rng.integers(0, p.size, 2)] = 1.0
    return rng.permutation(p)


@pytest.mark.parametrize("method", ADJUST_METHODS)
@pytest.mark.parametrize(("seed", "size"), [(1, 1), (2, 2), (3, 10), (4, 250)])
def test_adjust_pvalues_equals_statsmodels(method, seed, size):
    p = random_pvalues(seed, size)
    expected = multipletests(p, method=method)[1]
    np.testing.assert_allclose(
        cx.adjust_pvalues(p, method=method), expected, rtol=1e-13
    )


@pytest.mark.parametrize("method", ADJUST_METHODS)
def test_adjust_pvalues_nan_stays_and_does_not_count(method):
    p = random_pvalues(9, 60)
    missing = np.zeros(p.size, dtype=bool)
    missing[[0, 7, 33, 50]] = True
    with_nan = np.where(missing, np.nan, p)
    adjusted = cx.adjust_pvalues(with_nan, method=method)
    assert np.isnan(adjusted[missing]).all()
    expected = multipletests(p[~missing], method=method)[1]
    np.testing.assert_allclose(adjusted[~missing], expected, rtol=1e-13)


def test_adjust_pvalues_by_hand():
    # Holm, m = 4, sorted 0.01, 0.03, 0.04, 0.20:
    #   4 * 0.01 = 0.04; 3 * 0.03 = 0.09; 2 * 0.04 = 0.08 -> max 0.09; 1 * 0.20
    p = [0.01, 0.04, 0.03, 0.20]
    np.testing.assert_allclose(cx.adjust_pvalues(p), [0.04, 0.09, 0.09, 0.20])
    # Benjamini-Hochberg: 0.20 * 4/4 = 0.2; 0.04 * 4/3 = 0.05333; 0.03 * 4/2 = 0.06
    #   -> min from the top 0.05333; 0.01 * 4 = 0.04
    np.testing.assert_allclose(
        cx.adjust_pvalues(p, method="fdr_bh"), [0.04, 0.16 / 3, 0.16 / 3, 0.20]
    )
    np.testing.assert_allclose(
        cx.adjust_pvalues(p, method="bonferroni"), [0.04, 0.16, 0.12, 0.80]
    )


def test_adjust_pvalues_input_kinds():
    p = pd.Series([0.01, None, 0.02], index=["north", "south", "west"], dtype="Float64")
    adjusted = cx.adjust_pvalues(p, method="bonferroni")
    assert type(adjusted) is np.ndarray
    assert adjusted.dtype == np.float64
    np.testing.assert_array_equal(adjusted, [0.02, np.nan, 0.04])
    assert cx.adjust_pvalues((0.5,)).tolist() == [0.5]
    empty = cx.adjust_pvalues([])
    assert empty.shape == (0,)
    assert empty.dtype == np.float64
    assert np.isnan(cx.adjust_pvalues([np.nan, None])).all()


@pytest.mark.parametrize(
    ("p", "options", "message"),
    [
        (
            [0.1, 1.5, -0.1, 0.2],
            {},
            "adjust_pvalues: 2 of 4 p-values are outside [0, 1] (1.5, -0.1)",
        ),
        ([0.1, np.inf], {}, "adjust_pvalues: 1 of 2 p-values are outside [0, 1] (inf)"),
        (
            [0.1, 0.2],
            {"method": "bh"},
            "adjust_pvalues: method='bh' is not one of 'holm', 'bonferroni', 'fdr_bh'",
        ),
        (
            [0.1, 0.2],
            {"method": None},
            "adjust_pvalues: method=None is not one of 'holm', 'bonferroni', 'fdr_bh'",
        ),
        (
            0.05,
            {},
            "adjust_pvalues: p must be a one-dimensional array-like of numbers; got "
            "a single float",
        ),
        (
            [[0.1, 0.2], [0.3, 0.4]],
            {},
            "adjust_pvalues: p must be one-dimensional; got shape (2, 2)",
        ),
        ([True, False], {}, "adjust_pvalues: p must be numbers; got booleans"),
        (
            ["0.1", "0.2"],
            {},
            "adjust_pvalues: p must be numbers; got text such as '0.1', '0.2'",
        ),
    ],
)
def test_adjust_pvalues_bad_input(p, options, message):
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.adjust_pvalues(p, **options)
