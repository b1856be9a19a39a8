"""Reference tests for the two-sample math in ``cxmetrics._two_sample``.

Every value is checked against a source outside cxmetrics: hand-worked NPS
differences with the arithmetic written out (Rocks 2016 for the adjusted
Wald), statsmodels (``confint_proportions_2indep``, ``proportions_ztest``,
``test_proportions_2indep``), scipy (``ttest_ind_from_stats``,
``ttest_ind``, ``median_test``), lifelines (``logrank_test``) and
brute-force oracles written here (every bootstrap resample of a small
sample, a Kaplan-Meier life table counted subject by subject).

References
----------
Newcombe, R. G. (1998). Interval estimation for the difference between
independent proportions: comparison of eleven methods. *Statistics in
Medicine*, 17(8), 873-890.

Rocks, B. (2016). Interval estimation for the "net promoter score".
*The American Statistician*, 70(4), 365-372.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from cxmetrics._two_sample import (
    bootstrap_median_difference,
    bootstrap_medians,
    logrank_from_tables,
    mean_difference,
    median_test,
    net_score_difference,
    rate_difference,
)

#: 1.959963984540054, the two-sided 95% normal critical value (scipy).
Z95 = float(stats.norm.ppf(0.975))
LEVELS = (0.8, 0.9, 0.95, 0.99)


def two_sided_p(z: float) -> float:
    return 2 * stats.norm.sf(abs(z))


# ---------------------------------------------------------------------------
# NPS differences: worked examples


def test_nps_wald_difference_by_hand():
    # a: 90 promoters, 60 passives, 50 detractors of 200 -> p+ = 0.45, p- = 0.25
    #    NPS 20; var_a = 0.45 + 0.25 - 0.20^2 = 0.66
    # b: 70 / 60 / 70 of 200 -> p+ = 0.35, p- = 0.35, NPS 0; var_b = 0.70 - 0 = 0.70
    # se = sqrt(0.66 / 200 + 0.70 / 200) = sqrt(0.0068) = 0.0824621
    # z = 0.20 / 0.0824621 = 2.42536; half width = 1.95996 * 0.0824621 = 0.161623
    # interval: 20 +- 16.1623 points = 3.8377 to 36.1623
    diff, low, high, z, p = net_score_difference(
        90, 60, 50, 200, 70, 60, 70, 200, method="wald", confidence=0.95
    )
    se = math.sqrt(0.0068)
    assert float(diff) == pytest.approx(20.0, rel=1e-14)
    assert float(low) == pytest.approx(100 * (0.2 - Z95 * se), rel=1e-12)
    assert float(high) == pytest.approx(100 * (0.2 + Z95 * se), rel=1e-12)
    assert float(low) == pytest.approx(3.8377, abs=1e-4)
    assert float(high) == pytest.approx(36.1623, abs=1e-4)
    assert float(z) == pytest.approx(0.2 / se, rel=1e-12)
    assert float(z) == pytest.approx(2.42536, abs=1e-5)
    assert float(p) == pytest.approx(two_sided_p(0.2 / se), rel=1e-10)
    assert float(p) == pytest.approx(0.015293, abs=1e-6)


def test_nps_adjusted_wald_difference_by_hand():
    # Rocks (2016), per sample: + 3/4 promoter, + 3/2 passive, + 3/4 detractor.
    # a: p+ = 90.75 / 203, p- = 50.75 / 203 -> net 40 / 203 = 0.197044
    # b: p+ = 70.75 / 203, p- = 70.75 / 203 -> net 0
    # var_a = (90.75 + 50.75) / 203 - (40 / 203)^2 = 0.697044 - 0.038826 = 0.658218
    # var_b = 141.5 / 203 = 0.697044
    # se = sqrt((0.658218 + 0.697044) / 203) = 0.0817046
    # z = 0.197044 / 0.0817046 = 2.41166; interval 19.7044 +- 1.95996 * 8.17046
    pa, na = 90.75 / 203, 50.75 / 203
    pb, nb = 70.75 / 203, 70.75 / 203
    var_a = pa + na - (pa - na) ** 2
    var_b = pb + nb - (pb - nb) ** 2
    se = math.sqrt(var_a / 203 + var_b / 203)
    centre = (pa - na) - (pb - nb)
    diff, low, high, z, p = net_score_difference(
        90, 60, 50, 200, 70, 60, 70, 200, method="adjusted_wald", confidence=0.95
    )
    assert float(diff) == pytest.approx(20.0, rel=1e-14)  # the observed difference
    assert float(low) == pytest.approx(100 * (centre - Z95 * se), rel=1e-12)
    assert float(high) == pytest.approx(100 * (centre + Z95 * se), rel=1e-12)
    assert float(low) == pytest.approx(3.690, abs=1e-3)
    assert float(high) == pytest.approx(35.719, abs=1e-3)
    assert float(z) == pytest.approx(centre / se, rel=1e-12)
    assert float(z) == pytest.approx(2.41157, abs=1e-5)
    assert float(p) == pytest.approx(two_sided_p(centre / se), rel=1e-10)


def test_nps_weighted_difference_uses_effective_n():
    # Weighted counts 30 / 10 / 10 (sum of weights 50) with Kish n_eff = 20,
    # against 20 / 20 / 10 (sum 50) with n_eff = 25.
    # a: p+ = 0.6, p- = 0.2, var = 0.8 - 0.16 = 0.64; b: p+ = 0.4, p- = 0.2,
    # var = 0.6 - 0.04 = 0.56.  se = sqrt(0.64 / 20 + 0.56 / 25) = sqrt(0.0544)
    se = math.sqrt(0.64 / 20 + 0.56 / 25)
    diff, low, high, z, _ = net_score_difference(
        30.0, 10.0, 10.0, 20.0, 20.0, 20.0, 10.0, 25.0, method="wald", confidence=0.95
    )
    assert float(diff) == pytest.approx(20.0)
    assert float(low) == pytest.approx(100 * (0.2 - Z95 * se), rel=1e-12)
    assert float(high) == pytest.approx(100 * (0.2 + Z95 * se), rel=1e-12)
    assert float(z) == pytest.approx(0.2 / se, rel=1e-12)
    # Adjusted Wald: shares from the weighted counts, pseudo-counts on n_eff:
    # a: p+ = (0.6 * 20 + 0.75) / 23, p- = (0.2 * 20 + 0.75) / 23
    adj = [
        ((0.6 * 20 + 0.75) / 23, (0.2 * 20 + 0.75) / 23, 23),
        ((0.4 * 25 + 0.75) / 28, (0.2 * 25 + 0.75) / 28, 28),
    ]
    variance = sum((p + q - (p - q) ** 2) / n for p, q, n in adj)
    centre = (adj[0][0] - adj[0][1]) - (adj[1][0] - adj[1][1])
    _, low, high, z, _ = net_score_difference(
        30.0,
        10.0,
        10.0,
        20.0,
        20.0,
        20.0,
        10.0,
        25.0,
        method="adjusted_wald",
        confidence=0.95,
    )
    assert float(low) == pytest.approx(100 * (centre - Z95 * math.sqrt(variance)))
    assert float(z) == pytest.approx(centre / math.sqrt(variance))


def test_nps_difference_levels_and_clipping():
    # A level's critical value: z = Phi^-1(1 - alpha / 2).
    for level in LEVELS:
        z_level = stats.norm.isf((1 - level) / 2)
        _, low, high, _, _ = net_score_difference(
            90, 60, 50, 200, 70, 60, 70, 200, method="wald", confidence=level
        )
        se = math.sqrt(0.0068)
        assert float(high - low) == pytest.approx(200 * z_level * se, rel=1e-10)
    # All promoters (n = 3) against all detractors (n = 3) by adjusted Wald:
    # the interval is clipped to [-200, 200].
    _, low, high, _, _ = net_score_difference(
        3, 0, 0, 3, 0, 0, 3, 3, method="adjusted_wald", confidence=0.9999
    )
    assert float(high) == 200.0
    assert -200.0 <= float(low) < 200.0


def test_nps_difference_interval_and_test_agree():
    # The interval excludes 0 exactly when p < 1 - confidence, for both methods.
    rng = np.random.default_rng(11)
    a = rng.multinomial(60, (0.5, 0.3, 0.2), size=2_000)
    b = rng.multinomial(70, (0.4, 0.3, 0.3), size=2_000)
    for method in ("wald", "adjusted_wald"):
        _, low, high, _, p = net_score_difference(
            a[:, 0], a[:, 1], a[:, 2], 60, b[:, 0], b[:, 1], b[:, 2], 70,
            method=method, confidence=0.95,
        )  # fmt: skip
        excludes = (low > 0) | (high < 0)
        np.testing.assert_array_equal(excludes, p < 0.05)


def test_nps_difference_zero_samples_are_nan():
    for method in ("wald", "adjusted_wald"):
        out = net_score_difference(
            [0, 5], [0, 5], [0, 5], [0, 15], 5, 5, 5, 15, method=method, confidence=0.95
        )
        for array in out:
            assert math.isnan(array[0])
            assert not math.isnan(array[1])


def test_nps_difference_zero_standard_error():
    # Both samples all promoters: var = 1 + 0 - 1 = 0 and the difference is 0,
    # so every sample with these totals shows the same: z = 0, p = 1.
    diff, low, high, z, p = net_score_difference(
        10, 0, 0, 10, 8, 0, 0, 8, method="wald", confidence=0.95
    )
    assert (float(diff), float(low), float(high), float(z), float(p)) == (
        0.0,
        0.0,
        0.0,
        0.0,
        1.0,
    )
    # All promoters against all detractors: a difference of 200 over se = 0.
    diff, _, _, z, p = net_score_difference(
        10, 0, 0, 10, 0, 0, 8, 8, method="wald", confidence=0.95
    )
    assert (float(diff), float(z), float(p)) == (200.0, math.inf, 0.0)


def test_nps_difference_unknown_method():
    with pytest.raises(ValueError, match="unknown net score difference method"):
        net_score_difference(1, 1, 1, 3, 1, 1, 1, 3, method="bayes", confidence=0.95)


# ---------------------------------------------------------------------------
# Rates: statsmodels on a grid of counts, including 0 and n


def _rate_grid() -> tuple[np.ndarray, ...]:
    xa, na, xb, nb = [], [], [], []
    for n_a, n_b in [(1, 1), (2, 5), (7, 3), (10, 10), (25, 40), (80, 33)]:
        for x_a in sorted({0, 1, n_a // 2, n_a - 1, n_a}):
            for x_b in sorted({0, 1, n_b // 3, n_b - 1, n_b}):
                xa.append(x_a)
                na.append(n_a)
                xb.append(x_b)
                nb.append(n_b)
    return tuple(np.array(v, dtype=float) for v in (xa, na, xb, nb))


RATE_GRID = _rate_grid()


@pytest.mark.parametrize("level", LEVELS)
def test_newcombe_equals_statsmodels(level):
    xa, na, xb, nb = RATE_GRID
    diff, low, high, _, _ = rate_difference(
        xa, na, xb, nb, method="newcombe", confidence=level
    )
    for i in range(xa.size):
        ref = confint_proportions_2indep(
            xa[i], na[i], xb[i], nb[i], method="newcomb", alpha=1 - level
        )
        assert low[i] == pytest.approx(ref[0], abs=1e-12)
        assert high[i] == pytest.approx(ref[1], abs=1e-12)
        assert diff[i] == pytest.approx(xa[i] / na[i] - xb[i] / nb[i], abs=1e-15)


def test_newcombe_test_is_the_pooled_z_test_of_statsmodels():
    xa, na, xb, nb = RATE_GRID
    _, _, _, z, p = rate_difference(xa, na, xb, nb, method="newcombe", confidence=0.95)
    for i in range(xa.size):
        pooled = (xa[i] + xb[i]) / (na[i] + nb[i])
        if pooled in (0.0, 1.0):
            # Both rates 0 or both 1: statsmodels returns NaN; the difference
            # is exactly 0 whatever the sample, so z = 0 and p = 1 here.
            assert (z[i], p[i]) == (0.0, 1.0)
            continue
        ref_z, ref_p = proportions_ztest([xa[i], xb[i]], [na[i], nb[i]])
        assert z[i] == pytest.approx(ref_z, rel=1e-10, abs=1e-12)
        assert p[i] == pytest.approx(ref_p, rel=1e-10, abs=1e-14)


def test_newcombe_p_value_equals_chi_squared_of_the_table():
    # The pooled z test is Pearson's chi-squared test of the 2x2 table
    # without continuity correction: z^2 = chi^2.
    table = np.array([[56, 70 - 56], [48, 80 - 48]])
    chi2, ref_p, _, _ = stats.chi2_contingency(table, correction=False)
    _, _, _, z, p = rate_difference(56, 70, 48, 80, method="newcombe", confidence=0.95)
    assert float(z) ** 2 == pytest.approx(chi2, rel=1e-12)
    assert float(p) == pytest.approx(ref_p, rel=1e-10)


@pytest.mark.parametrize("level", LEVELS)
def test_rate_wald_equals_statsmodels(level):
    xa, na, xb, nb = RATE_GRID
    _, low, high, z, p = rate_difference(
        xa, na, xb, nb, method="wald", confidence=level
    )
    for i in range(xa.size):
        ref_low, ref_high = confint_proportions_2indep(
            xa[i], na[i], xb[i], nb[i], method="wald", alpha=1 - level
        )
        # statsmodels leaves the Wald bounds unclipped; ours stay in [-1, 1].
        assert low[i] == pytest.approx(max(ref_low, -1.0), abs=1e-12)
        assert high[i] == pytest.approx(min(ref_high, 1.0), abs=1e-12)
        with np.errstate(all="ignore"):
            ref = sm_proportion.test_proportions_2indep(
                xa[i], na[i], xb[i], nb[i], method="wald", correction=False
            )
        if np.isnan(ref.statistic):  # 0/0: both rates 0 or both 1
            assert (z[i], p[i]) == (0.0, 1.0)
        else:
            assert z[i] == pytest.approx(ref.statistic, rel=1e-10, abs=1e-12)
            assert p[i] == pytest.approx(ref.pvalue, rel=1e-10, abs=1e-14)


def test_rate_difference_weighted_effective_counts():
    # A weighted sample: 60 of 100 (weight sums) satisfied, Kish n_eff = 50.
    # It enters as 60 * 50 / 100 = 30 successes of 50, the share unchanged.
    from_weights = rate_difference(
        60 * 50 / 100, 50, 20, 50, method="newcombe", confidence=0.95
    )
    plain = confint_proportions_2indep(30, 50, 20, 50, method="newcomb")
    assert float(from_weights[0]) == pytest.approx(0.6 - 0.4)
    assert float(from_weights[1]) == pytest.approx(plain[0], abs=1e-12)
    assert float(from_weights[2]) == pytest.approx(plain[1], abs=1e-12)


def test_rate_difference_zero_n_is_nan_and_unknown_method():
    out = rate_difference([0, 3], [0, 10], 4, 10, method="newcombe", confidence=0.95)
    for array in out:
        assert math.isnan(array[0])
        assert not math.isnan(array[1])
    with pytest.raises(ValueError, match="unknown rate difference method"):
        rate_difference(1, 2, 1, 2, method="wilson", confidence=0.95)


# ---------------------------------------------------------------------------
# Means: Welch


def test_welch_equals_scipy_from_stats():
    rng = np.random.default_rng(3)
    size = 300
    mean_a, mean_b = rng.normal(4, 1, size), rng.normal(4, 1, size)
    std_a, std_b = rng.uniform(0.1, 2.5, size), rng.uniform(0.1, 2.5, size)
    n_a, n_b = rng.integers(2, 200, size), rng.integers(2, 200, size)
    diff, _, _, t, p = mean_difference(
        mean_a, std_a, n_a, mean_b, std_b, n_b, confidence=0.95
    )
    ref = stats.ttest_ind_from_stats(
        mean_a, std_a, n_a, mean_b, std_b, n_b, equal_var=False
    )
    np.testing.assert_allclose(diff, mean_a - mean_b, rtol=1e-14)
    np.testing.assert_allclose(t, ref.statistic, rtol=1e-12)
    np.testing.assert_allclose(p, ref.pvalue, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("level", LEVELS)
def test_welch_interval_equals_scipy_on_data(level):
    rng = np.random.default_rng(int(level * 100))
    for n_a, n_b in [(2, 2), (5, 30), (40, 12), (200, 150)]:
        x = rng.gamma(2.0, 1.5, n_a)
        y = rng.normal(3.0, 0.5, n_b)
        ref = stats.ttest_ind(x, y, equal_var=False)
        ref_low, ref_high = ref.confidence_interval(confidence_level=level)
        _, low, high, t, p = mean_difference(
            x.mean(), x.std(ddof=1), n_a, y.mean(), y.std(ddof=1), n_b,
            confidence=level,
        )  # fmt: skip
        assert float(low) == pytest.approx(ref_low, rel=1e-10)
        assert float(high) == pytest.approx(ref_high, rel=1e-10)
        assert float(t) == pytest.approx(ref.statistic, rel=1e-10)
        assert float(p) == pytest.approx(ref.pvalue, rel=1e-9)


def test_welch_by_hand():
    # mean 4.2, sd 0.9, n 40 against 3.8, 1.1, 50:
    # v_a = 0.81 / 40 = 0.02025, v_b = 1.21 / 50 = 0.0242, se = sqrt(0.04445)
    # df = 0.04445^2 / (0.02025^2 / 39 + 0.0242^2 / 49)
    #    = 0.00197580 / (1.05144e-5 + 1.19518e-5) = 87.945
    va, vb = 0.81 / 40, 1.21 / 50
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / 39 + vb**2 / 49)
    assert df == pytest.approx(87.945, abs=5e-4)
    _, low, high, t, p = mean_difference(4.2, 0.9, 40, 3.8, 1.1, 50, confidence=0.95)
    half = stats.t.ppf(0.975, df) * se
    assert float(low) == pytest.approx(0.4 - half, rel=1e-12)
    assert float(high) == pytest.approx(0.4 + half, rel=1e-12)
    assert float(t) == pytest.approx(0.4 / se, rel=1e-12)
    assert float(p) == pytest.approx(2 * stats.t.sf(0.4 / se, df), rel=1e-10)


def test_welch_degenerate_samples():
    # One value in a sample: no standard deviation, NaN throughout.
    out = mean_difference([4.0, 4.0], [1.0, 1.0], [1, 5], 3.0, 1.0, 5, confidence=0.95)
    for array in out:
        assert math.isnan(array[0])
        assert not math.isnan(array[1])
    # Every answer identical in both samples: se = 0. Equal means: t = 0, p = 1,
    # the interval the point 0; different means: t = inf, p = 0.
    diff, low, high, t, p = mean_difference(5, 0, 10, 5, 0, 12, confidence=0.95)
    assert [float(v) for v in (diff, low, high, t, p)] == [0.0, 0.0, 0.0, 0.0, 1.0]
    diff, low, high, t, p = mean_difference(5, 0, 10, 4, 0, 12, confidence=0.95)
    assert [float(v) for v in (diff, low, high, t, p)] == [1.0, 1.0, 1.0, math.inf, 0]


# ---------------------------------------------------------------------------
# Log-rank from life tables: lifelines, with tables counted by brute force


def brute_force_table(
    durations: np.ndarray, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times, at risk just before each, events at each: one by one."""
    times = np.unique(durations)
    at_risk = np.array([sum(1 for d in durations if d >= t) for t in times])
    events = np.array(
        [
            sum(1 for d, o in zip(durations, observed, strict=True) if d == t and o)
            for t in times
        ]
    )
    return times.astype(float), at_risk.astype(float), events.astype(float)


def _logrank_case(seed: int, n_a: int, n_b: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    # Whole months, so that tied times occur within and across the groups.
    dur_a = np.ceil(rng.exponential(6.0, n_a))
    dur_b = np.ceil(rng.exponential(9.0, n_b))
    obs_a = rng.random(n_a) < 0.7
    obs_b = rng.random(n_b) < 0.6
    return dur_a, obs_a, dur_b, obs_b


@pytest.mark.parametrize(
    ("seed", "n_a", "n_b"), [(1, 5, 7), (2, 30, 25), (3, 80, 120), (4, 1, 40)]
)
def test_logrank_from_tables_equals_lifelines(seed, n_a, n_b):
    lifelines_stats = pytest.importorskip("lifelines.statistics")
    dur_a, obs_a, dur_b, obs_b = _logrank_case(seed, n_a, n_b)
    ref = lifelines_stats.logrank_test(
        dur_a, dur_b, event_observed_A=obs_a, event_observed_B=obs_b
    )
    statistic, p = logrank_from_tables(
        *brute_force_table(dur_a, obs_a), *brute_force_table(dur_b, obs_b)
    )
    assert float(statistic) == pytest.approx(ref.test_statistic, rel=1e-10)
    assert float(p) == pytest.approx(ref.p_value, rel=1e-9)
    # The test is symmetric in the two groups.
    swapped, _ = logrank_from_tables(
        *brute_force_table(dur_b, obs_b), *brute_force_table(dur_a, obs_a)
    )
    assert float(swapped) == pytest.approx(float(statistic), rel=1e-12)


def test_logrank_by_hand():
    # a: events at 1, 2, 3 (3 subjects); b: events at 4, 5 (2 subjects).
    # t=1: n=5, n_a=3, d=1: E=3/5, V=(3/5)(2/5)(4/4)=0.24
    # t=2: n=4, n_a=2, d=1: E=1/2, V=(1/2)(1/2)=0.25
    # t=3: n=3, n_a=1, d=1: E=1/3, V=(1/3)(2/3)=0.222222
    # t=4: n=2, n_a=0: E=0, V=0;  t=5: n=1, n_a=0: E=0, V=0
    # O - E = 3 - (0.6 + 0.5 + 0.333333) = 1.566667; V = 0.712222
    # chi^2 = 1.566667^2 / 0.712222 = 3.446178
    o_e = 3 - (0.6 + 0.5 + 1 / 3)
    v = 0.24 + 0.25 + 2 / 9
    statistic, p = logrank_from_tables(
        [1, 2, 3], [3, 2, 1], [1, 1, 1], [4, 5], [2, 1], [1, 1]
    )
    assert float(statistic) == pytest.approx(o_e**2 / v, rel=1e-12)
    assert float(p) == pytest.approx(stats.chi2.sf(o_e**2 / v, 1), rel=1e-12)


def test_logrank_without_information():
    # No events at all: the variance is 0 and so is O - E: statistic 0, p 1.
    assert [float(v) for v in logrank_from_tables([3], [2], [0], [4], [1], [0])] == [
        0.0,
        1.0,
    ]
    # An empty table for one group: it is never at risk.
    statistic, p = logrank_from_tables([], [], [], [1, 2], [2, 1], [1, 1])
    assert (float(statistic), float(p)) == (0.0, 1.0)


# ---------------------------------------------------------------------------
# Bootstrap of medians: the order-statistic draws against every resample


def exact_bootstrap_median_distribution(values: np.ndarray) -> dict[float, float]:
    """Every one of the n^n resamples, each with probability n^-n."""
    n = values.size
    counts: dict[float, float] = {}
    for index in itertools.product(range(n), repeat=n):
        median = float(np.median(values[list(index)]))
        counts[median] = counts.get(median, 0.0) + 1.0
    return {k: v / n**n for k, v in counts.items()}


@pytest.mark.parametrize(
    "values",
    [
        np.array([1.0, 2.0, 4.0, 8.0, 9.5]),  # odd n
        np.array([0.5, 1.0, 3.0, 7.0]),  # even n
        np.array([1.0, 2.0, 2.0, 2.0, 5.0, 6.0]),  # even n with ties
        np.array([3.0]),
    ],
)
def test_bootstrap_medians_have_the_exact_bootstrap_distribution(values):
    exact = exact_bootstrap_median_distribution(values)
    draws = 200_000
    sample = bootstrap_medians(values, draws, np.random.default_rng(5))
    seen, frequency = np.unique(sample, return_counts=True)
    assert set(seen.tolist()) <= set(exact)
    for value, probability in exact.items():
        observed = frequency[seen == value].sum() / draws
        se = math.sqrt(probability * (1 - probability) / draws)
        assert abs(observed - probability) <= 5 * se + 1e-12, value


def test_bootstrap_interval_matches_resampling_rows():
    # The percentile interval from the order-statistic draws against one from
    # resampling the rows themselves, both with 40,000 resamples.
    rng = np.random.default_rng(8)
    a = np.sort(rng.lognormal(1.0, 0.8, 151))
    b = np.sort(rng.lognormal(0.7, 0.8, 120))
    low, high = bootstrap_median_difference(
        a, b, confidence=0.9, n_resamples=40_000, rng=np.random.default_rng(1)
    )
    rows = np.random.default_rng(2)
    med_a = np.median(rows.choice(a, size=(40_000, a.size)), axis=1)
    med_b = np.median(rows.choice(b, size=(40_000, b.size)), axis=1)
    ref_low, ref_high = np.quantile(med_a - med_b, [0.05, 0.95])
    spread = np.std(med_a - med_b)
    assert float(low) == pytest.approx(ref_low, abs=0.05 * spread)
    assert float(high) == pytest.approx(ref_high, abs=0.05 * spread)


def test_bootstrap_interval_is_reproducible():
    a, b = np.arange(10.0), np.arange(3.0, 9.0)
    first = bootstrap_median_difference(
        a, b, confidence=0.95, n_resamples=500, rng=np.random.default_rng(4)
    )
    second = bootstrap_median_difference(
        a, b, confidence=0.95, n_resamples=500, rng=np.random.default_rng(4)
    )
    assert first == second


# ---------------------------------------------------------------------------
# Mood's median test


@pytest.mark.parametrize("seed", range(6))
def test_median_test_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    a = np.sort(np.round(rng.exponential(5.0, rng.integers(3, 60)), 1))
    b = np.sort(np.round(rng.exponential(7.0, rng.integers(3, 60)), 1))
    ref_stat, ref_p, _, _ = stats.median_test(a, b)
    statistic, p = median_test(a, b)
    assert statistic == pytest.approx(ref_stat, rel=1e-10, abs=1e-14)
    assert p == pytest.approx(ref_p, rel=1e-10)


def test_median_test_by_hand():
    # a = 1..5, b = 6..10: pooled median 5.5; above: a 0 of 5, b 5 of 5.
    # Table [[0, 5], [5, 0]], every expected count 2.5, |o - e| = 2.5;
    # Yates: (2.5 - 0.5)^2 * 4 / 2.5 = 6.4
    statistic, p = median_test(np.arange(1.0, 6.0), np.arange(6.0, 11.0))
    assert statistic == pytest.approx(6.4, rel=1e-12)
    assert p == pytest.approx(stats.chi2.sf(6.4, 1), rel=1e-12)


def test_median_test_without_values_above_the_median():
    # Pooled median 2 and nothing above it: scipy raises; no information here.
    assert median_test(np.array([1.0, 2.0, 2.0]), np.array([2.0, 2.0, 2.0])) == (
        0.0,
        1.0,
    )


# ---------------------------------------------------------------------------
# Vectorized equals one at a time


def test_vectorized_equals_elementwise():
    rng = np.random.default_rng(21)
    size = 200
    a = rng.multinomial(40, (0.5, 0.3, 0.2), size=size)
    b = rng.multinomial(55, (0.4, 0.35, 0.25), size=size)
    eff_a, eff_b = rng.uniform(20, 40, size), rng.uniform(30, 55, size)
    for method in ("wald", "adjusted_wald"):
        whole = net_score_difference(
            a[:, 0], a[:, 1], a[:, 2], eff_a, b[:, 0], b[:, 1], b[:, 2], eff_b,
            method=method, confidence=0.9,
        )  # fmt: skip
        for i in range(size):
            one = net_score_difference(
                a[i, 0], a[i, 1], a[i, 2], eff_a[i], b[i, 0], b[i, 1], b[i, 2],
                eff_b[i], method=method, confidence=0.9,
            )  # fmt: skip
            for column, value in zip(whole, one, strict=True):
                assert column[i] == value
    xa, na, xb, nb = RATE_GRID
    for method in ("newcombe", "wald"):
        whole = rate_difference(xa, na, xb, nb, method=method, confidence=0.9)
        for i in range(xa.size):
            one = rate_difference(
                xa[i], na[i], xb[i], nb[i], method=method, confidence=0.9
            )
            for column, value in zip(whole, one, strict=True):
                assert column[i] == value
    means = rng.normal(3, 1, (4, size))
    stds = rng.uniform(0.5, 2, (2, size))
    sizes = rng.integers(2, 80, (2, size))
    whole = mean_difference(
        means[0], stds[0], sizes[0], means[1], stds[1], sizes[1], confidence=0.9
    )
    for i in range(size):
        one = mean_difference(
            means[0, i], stds[0, i], sizes[0, i], means[1, i], stds[1, i], sizes[1, i],
            confidence=0.9,
        )  # fmt: skip
        for column, value in zip(whole, one, strict=True):
            assert column[i] == value


def test_broadcasting_one_sample_against_many():
    # Every segment against one fixed "rest" in one call.
    diff, low, high, _, _ = rate_difference(
        np.array([[3, 5], [7, 9]]), 10, 4, 10, method="newcombe", confidence=0.95
    )
    assert diff.shape == low.shape == high.shape == (2, 2)
    np.testing.assert_allclose(diff, [[-0.1, 0.1], [0.3, 0.5]])


# ---------------------------------------------------------------------------
# Coverage simulation


def _mc_se(draws: int, coverage: float = 0.95) -> float:
    return math.sqrt(coverage * (1 - coverage) / draws)


NPS_DIFFERENCE_SCENARIOS = {
    "n=20 vs 30": (((0.45, 0.30, 0.25), 20), ((0.35, 0.35, 0.30), 30)),
    "n=50 vs 60": (((0.50, 0.30, 0.20), 50), ((0.40, 0.30, 0.30), 60)),
    "n=40 loyal": (((0.70, 0.20, 0.10), 40), ((0.60, 0.25, 0.15), 40)),
    "n=150 vs 120": (((0.45, 0.30, 0.25), 150), ((0.45, 0.30, 0.25), 120)),
}
RATE_DIFFERENCE_SCENARIOS = {
    "0.3 of 30 vs 0.5 of 40": ((0.3, 30), (0.5, 40)),
    "0.1 of 50 vs 0.05 of 60": ((0.1, 50), (0.05, 60)),
    "0.8 of 25 vs 0.7 of 25": ((0.8, 25), (0.7, 25)),
    "0.5 of 100 vs 0.5 of 100": ((0.5, 100), (0.5, 100)),
}
#: Allowed departure from 95% beyond Monte Carlo error: a discrete sample
#: cannot give exactly 95% at every n and share (Newcombe 1998 reports the
#: hybrid score interval's coverage between about 93% and 97%).
SLACK = 0.02


#: Wald is checked only where both samples have 50 or more answers: below
#: that it is known to fall short (Rocks 2016).
NPS_COVERAGE_CASES = [
    (method, scenario)
    for scenario, ((_, n_a), (_, n_b)) in NPS_DIFFERENCE_SCENARIOS.items()
    for method in ("wald", "adjusted_wald")
    if method == "adjusted_wald" or min(n_a, n_b) >= 50
]


@pytest.mark.slow
@pytest.mark.parametrize(("method", "scenario"), NPS_COVERAGE_CASES)
def test_nps_difference_coverage(coverage_draws, method, scenario):
    (shares_a, n_a), (shares_b, n_b) = NPS_DIFFERENCE_SCENARIOS[scenario]
    truth = 100 * ((shares_a[0] - shares_a[2]) - (shares_b[0] - shares_b[2]))
    rng = np.random.default_rng(2016)
    a = rng.multinomial(n_a, shares_a, size=coverage_draws)
    b = rng.multinomial(n_b, shares_b, size=coverage_draws)
    _, low, high, _, _ = net_score_difference(
        a[:, 0], a[:, 1], a[:, 2], n_a, b[:, 0], b[:, 1], b[:, 2], n_b,
        method=method, confidence=0.95,
    )  # fmt: skip
    coverage = np.mean((low <= truth) & (truth <= high))
    assert abs(coverage - 0.95) <= SLACK + 4.5 * _mc_se(coverage_draws), coverage


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(RATE_DIFFERENCE_SCENARIOS))
def test_newcombe_coverage(coverage_draws, scenario):
    (p_a, n_a), (p_b, n_b) = RATE_DIFFERENCE_SCENARIOS[scenario]
    rng = np.random.default_rng(1998)
    xa = rng.binomial(n_a, p_a, size=coverage_draws)
    xb = rng.binomial(n_b, p_b, size=coverage_draws)
    _, low, high, _, p = rate_difference(
        xa, n_a, xb, n_b, method="newcombe", confidence=0.95
    )
    truth = p_a - p_b
    coverage = np.mean((low <= truth) & (truth <= high))
    assert abs(coverage - 0.95) <= SLACK + 4.5 * _mc_se(coverage_draws), coverage
    if p_a == p_b:
        # Under no difference, the pooled z test rejects about 5% of the time.
        size = np.mean(p < 0.05)
        assert abs(size - 0.05) <= 0.01 + 4.5 * _mc_se(coverage_draws), size
