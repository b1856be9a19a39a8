"""Reference tests for the interval math in ``cxmetrics.intervals``.

Every value is checked against a source outside cxmetrics: statsmodels'
``proportion_confint`` and ``DescrStatsW``, scipy's distributions,
hand-worked NPS examples with the arithmetic written out (Rocks 2016 for the
adjusted Wald), and the exact Dirichlet posterior by numerical integration.

References
----------
Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a
binomial proportion. *Statistical Science*, 16(2), 101-133.

Rocks, B. (2016). Interval estimation for the "net promoter score".
*The American Statistician*, 70(4), 365-372.

Kish, L. (1965). *Survey Sampling*. Wiley. (Effective sample size.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

import cxmetrics as cx
from cxmetrics.intervals import (
    PROPORTION_METHODS,
    effective_sample_size,
    mean_interval,
    net_score_interval,
    proportion_interval,
    z_critical,
)

#: Our method names and statsmodels' names for the same interval.
STATSMODELS_NAME = {
    "wilson": "wilson",
    "agresti_coull": "agresti_coull",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "wald": "normal",
}
LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999)
#: 1.959963984540054, the two-sided 95% normal critical value (scipy).
Z95 = float(stats.norm.ppf(0.975))


def _all_counts(max_n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (successes, n) with 0 <= successes <= n and 1 <= n <= max_n."""
    n = np.repeat(np.arange(1, max_n + 1), np.arange(2, max_n + 2))
    successes = np.concatenate([np.arange(k + 1) for k in range(1, max_n + 1)])
    return successes, n


GRID_X, GRID_N = _all_counts(200)  # 20,300 pairs, incl. 0 and n for every n


# ---------------------------------------------------------------------------
# Proportions: equal to statsmodels' proportion_confint


def test_grid_holds_every_count_from_0_to_n() -> None:
    assert GRID_X.size == sum(n + 1 for n in range(1, 201))
    assert np.array_equal(GRID_X[:5], [0, 1, 0, 1, 2])  # n = 1, then n = 2
    assert np.count_nonzero(GRID_X == 0) == 200
    assert np.count_nonzero(GRID_X == GRID_N) == 200


def jeffreys_boundaries(method, x, n, low, high):
    """statsmodels' bounds with Brown, Cai and DasGupta's rule for Jeffreys:
    the interval starts at 0 when x = 0 and ends at 1 when x = n."""
    if method not in ("jeffreys",):
        return low, high
    x, n = np.asarray(x, float), np.asarray(n, float)
    return np.where(x <= 0, 0.0, low), np.where(x >= n, 1.0, high)


@pytest.mark.parametrize("confidence", LEVELS)
@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_proportion_interval_equals_statsmodels(method: str, confidence: float) -> None:
    # One vectorized call over the whole grid, against statsmodels' own
    # vectorized call. The critical value is computed from the tail
    # probability alpha / 2 on both sides, so the closed forms agree to the
    # last bit; Wilson's bounds at 0 and n are set exactly (0 and 1) where
    # statsmodels keeps its rounding error of about 1e-16.
    low, high = proportion_interval(
        GRID_X, GRID_N, method=method, confidence=confidence
    )
    ref_low, ref_high = jeffreys_boundaries(
        method,
        GRID_X,
        GRID_N,
        *proportion_confint(
            GRID_X, GRID_N, alpha=1 - confidence, method=STATSMODELS_NAME[method]
        ),
    )
    np.testing.assert_allclose(low, ref_low, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(high, ref_high, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_proportion_interval_weighted_counts_equal_statsmodels(method: str) -> None:
    # Weighted data enter as share * effective_n successes out of effective_n
    # trials: non-integer counts, which statsmodels accepts for all these
    # methods (only "binom_test" insists on integers).
    rng = np.random.default_rng(20160)
    n = rng.uniform(0.5, 300.0, size=2_000)
    successes = n * rng.uniform(0.0, 1.0, size=n.size)
    successes[:20] = 0.0
    successes[20:40] = n[20:40]
    for confidence in (0.9, 0.95, 0.99):
        low, high = proportion_interval(
            successes, n, method=method, confidence=confidence
        )
        ref_low, ref_high = jeffreys_boundaries(
            method,
            successes,
            n,
            *proportion_confint(
                successes, n, alpha=1 - confidence, method=STATSMODELS_NAME[method]
            ),
        )
        np.testing.assert_allclose(low, ref_low, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(high, ref_high, rtol=1e-12, atol=1e-14)


def test_jeffreys_interval_holds_the_estimate_at_the_boundaries() -> None:
    # 26 of 26 (the edge-case sweep): statsmodels' upper bound is 0.9999993,
    # which leaves out the estimate 1; Brown, Cai and DasGupta end it at 1.
    low, high = proportion_interval(
        [26, 0], [26, 26], method="jeffreys", confidence=0.99
    )
    assert high[0] == 1.0
    assert low[0] == pytest.approx(0.8606564404749031, rel=1e-12)
    assert low[1] == 0.0
    assert high[1] == pytest.approx(0.13934355952509692, rel=1e-12)


def test_proportion_interval_worked_wilson_example() -> None:
    # 81 satisfied of 100 (the docstring example), by hand:
    # q = 0.81, z = 1.959964, z^2 = 3.841459, denom = 1 + z^2/100 = 1.0384146,
    # centre = (0.81 + z^2/200) / denom = 0.8292073 / 1.0384146 = 0.7985320,
    # half = z * sqrt(0.81 * 0.19 / 100 + z^2 / 40000) / denom
    #      = 1.959964 * sqrt(0.001539 + 0.0000960) / 1.0384146
    #      = 1.959964 * 0.0404356 / 1.0384146 = 0.0763205,
    # CI = 0.7985320 -+ 0.0763205 = 0.72221 to 0.87485.
    z2 = Z95**2
    denom = 1 + z2 / 100
    centre = (0.81 + z2 / 200) / denom
    half = Z95 * math.sqrt(0.81 * 0.19 / 100 + z2 / 40_000) / denom
    low, high = proportion_interval(81, 100, method="wilson")
    assert float(low) == pytest.approx(centre - half, rel=1e-14)
    assert float(high) == pytest.approx(centre + half, rel=1e-14)
    assert (round(float(low), 5), round(float(high), 5)) == (0.72221, 0.87485)


@pytest.mark.parametrize("confidence", LEVELS)
def test_wilson_bounds_are_exact_at_zero_and_n(confidence: float) -> None:
    # At q = 0 the Wilson centre z^2/(2n) / denom equals its half-width
    # z * sqrt(z^2 / (4 n^2)) / denom, so the lower bound is exactly 0 (and
    # symmetrically the upper bound is exactly 1 at q = 1): the interval
    # always contains the estimate and never leaves [0, 1].
    low, high = proportion_interval(GRID_X, GRID_N, confidence=confidence)
    assert np.all(low[GRID_X == 0] == 0.0)
    assert np.all(high[GRID_X == GRID_N] == 1.0)
    assert np.all((low >= 0.0) & (high <= 1.0))
    q = GRID_X / GRID_N
    assert np.all((low <= q) & (q <= high))


@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_proportion_interval_bounds_within_0_and_1(method: str) -> None:
    low, high = proportion_interval(GRID_X, GRID_N, method=method, confidence=0.999)
    assert np.all((low >= 0.0) & (low <= high) & (high <= 1.0))


@pytest.mark.parametrize("method", PROPORTION_METHODS)
def test_proportion_interval_nan_for_zero_trials(method: str) -> None:
    low, high = proportion_interval([0, 3], [0, 10], method=method)
    assert np.isnan(low[0])
    assert np.isnan(high[0])
    assert np.isfinite(low[1])
    assert np.isfinite(high[1])


def test_proportion_interval_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown proportion interval method"):
        proportion_interval(3, 10, method="exact")


@pytest.mark.parametrize("confidence", LEVELS)
def test_z_critical_equals_scipy_normal_quantile(confidence: float) -> None:
    alpha = 1 - confidence
    assert z_critical(confidence) == stats.norm.isf(alpha / 2)
    assert z_critical(confidence) == pytest.approx(
        stats.norm.ppf(1 - alpha / 2), rel=1e-13
    )


# ---------------------------------------------------------------------------
# NPS: Wald and adjusted Wald, worked by hand


def test_nps_wald_worked_example() -> None:
    # 200 responses: 90 promoters, 60 passives, 50 detractors.
    # p+ = 90/200 = 0.45, p- = 50/200 = 0.25, NPS = 100 (0.45 - 0.25) = 20.
    # Trinomial variance: p+ + p- - (p+ - p-)^2 = 0.45 + 0.25 - 0.2^2 = 0.66.
    # se = sqrt(0.66 / 200) = sqrt(0.0033) = 0.0574456.
    # half-width = 1.959964 * 0.0574456 = 0.1125914, i.e. 11.259 points.
    # CI = 20 -+ 11.259 = 8.741 to 31.259.
    se = math.sqrt(0.66 / 200)
    assert se == pytest.approx(0.0574456, abs=1e-7)
    half = 100 * Z95 * se
    low, high = net_score_interval(90, 60, 50, method="wald")
    assert float(low) == pytest.approx(20 - half, rel=1e-12)
    assert float(high) == pytest.approx(20 + half, rel=1e-12)
    assert (round(float(low), 3), round(float(high), 3)) == (8.741, 31.259)


def test_nps_adjusted_wald_worked_example() -> None:
    # Rocks (2016): add 3/4 of a promoter, 3/2 of a passive and 3/4 of a
    # detractor, so n grows by 3, and centre the Wald interval on the
    # adjusted score. For 90 / 60 / 50:
    # promoters 90.75, passives 61.5, detractors 50.75, n = 203.
    # p+ = 90.75/203 = 0.4470443, p- = 50.75/203 = 0.25,
    # adjusted NPS = 100 (0.4470443 - 0.25) = 19.70443 (the centre, not 20).
    # variance = 0.4470443 + 0.25 - 0.1970443^2 = 0.6582179.
    # se = sqrt(0.6582179 / 203) = 0.0569425.
    # half-width = 1.959964 * 0.0569425 = 0.1116054, i.e. 11.161 points.
    # CI = 19.704 -+ 11.161 = 8.544 to 30.865.
    p_pos, p_neg = 90.75 / 203, 50.75 / 203
    diff = p_pos - p_neg
    variance = p_pos + p_neg - diff**2
    assert variance == pytest.approx(0.6582179, abs=1e-7)
    half = Z95 * math.sqrt(variance / 203)
    low, high = net_score_interval(90, 60, 50, method="adjusted_wald")
    assert float(low) == pytest.approx(100 * (diff - half), rel=1e-12)
    assert float(high) == pytest.approx(100 * (diff + half), rel=1e-12)
    assert (round(float(low), 3), round(float(high), 3)) == (8.544, 30.865)
    # The adjusted interval is centred on 19.704, not on the raw NPS of 20.
    assert float(low + high) / 2 == pytest.approx(100 * 40 / 203, rel=1e-12)


def test_nps_from_counts_carries_the_worked_intervals() -> None:
    # The same two worked examples through the public function.
    wald = cx.nps_from_counts(90, 60, 50, ci="wald")
    adjusted = cx.nps_from_counts(90, 60, 50)
    assert wald.value == 20.0
    assert wald.ci is not None
    assert adjusted.ci is not None
    assert (round(wald.ci.low, 3), round(wald.ci.high, 3)) == (8.741, 31.259)
    assert (round(adjusted.ci.low, 3), round(adjusted.ci.high, 3)) == (8.544, 30.865)


def test_nps_wald_at_90_percent() -> None:
    # Same counts at 90%: z = 1.644854, half = 1.644854 * 5.74456 = 9.449 points.
    low, high = net_score_interval(90, 60, 50, method="wald", confidence=0.90)
    half = 100 * stats.norm.ppf(0.95) * math.sqrt(0.66 / 200)
    assert float(high - low) / 2 == pytest.approx(half, rel=1e-12)
    assert round(half, 3) == 9.449


def test_nps_wald_all_promoters_is_a_point_at_100() -> None:
    # p+ = 1, p- = 0: variance 1 + 0 - 1^2 = 0, so the Wald interval is [100, 100].
    low, high = net_score_interval(10, 0, 0, method="wald")
    assert (float(low), float(high)) == (100.0, 100.0)
    low, high = net_score_interval(0, 0, 10, method="wald")
    assert (float(low), float(high)) == (-100.0, -100.0)


def test_nps_adjusted_wald_all_promoters_is_clipped_at_100() -> None:
    # Ten promoters. Adjusted: 10.75 / 1.5 / 0.75, n = 13.
    # p+ = 10.75/13 = 0.8269231, p- = 0.75/13 = 0.0576923, diff = 0.7692308.
    # variance = 0.8846154 - 0.7692308^2 = 0.2928994,
    # se = sqrt(0.2928994 / 13) = 0.1501024, half = 1.959964 * se = 0.2941953.
    # CI = 76.923 -+ 29.420 = 47.504 to 106.343, clipped to 47.504 to 100.
    diff = 10 / 13
    variance = 11.5 / 13 - diff**2
    half = Z95 * math.sqrt(variance / 13)
    low, high = net_score_interval(10, 0, 0, method="adjusted_wald")
    assert float(low) == pytest.approx(100 * (diff - half), rel=1e-12)
    assert round(float(low), 3) == 47.504
    assert 100 * (diff + half) > 100
    assert float(high) == 100.0


@pytest.mark.parametrize("method", ["wald", "adjusted_wald"])
def test_nps_interval_stays_within_plus_minus_100(method: str) -> None:
    # Every trinomial outcome for n = 1 ... 40.
    pos, neu, neg = _every_trinomial(40)
    low, high = net_score_interval(pos, neu, neg, method=method)
    assert np.all((low >= -100) & (low <= high) & (high <= 100))
    # The unclipped adjusted upper bound exceeds 100 for near-unanimous
    # samples, so the clipping is exercised, not vacuous.
    assert np.any(high == 100)
    assert np.any(low == -100)


def _every_trinomial(max_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [
        (p, n - p - d, d)
        for n in range(1, max_n + 1)
        for p in range(n + 1)
        for d in range(n + 1 - p)
    ]
    pos, neu, neg = np.array(rows, dtype=np.float64).T
    return pos, neu, neg


def _reference_net_wald(
    pos: float, neu: float, neg: float, n: float, z: float, adjusted: bool
) -> tuple[float, float]:
    """The NPS (adjusted) Wald interval for one sample, in plain Python."""
    total = pos + neu + neg
    p_pos, p_neg = pos / total, neg / total
    if adjusted:  # Rocks (2016): 3/4, 3/2, 3/4 pseudo-responses
        p_pos, p_neg, n = (
            (p_pos * n + 0.75) / (n + 3),
            (p_neg * n + 0.75) / (n + 3),
            n + 3,
        )
    diff = p_pos - p_neg
    half = z * math.sqrt(max(p_pos + p_neg - diff * diff, 0.0) / n)
    return max(100 * (diff - half), -100.0), min(100 * (diff + half), 100.0)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
@pytest.mark.parametrize("method", ["wald", "adjusted_wald"])
def test_nps_vectorized_over_segments_equals_per_sample(
    method: str, confidence: float
) -> None:
    # 1,000 segments in one call, against the formula applied to each one in
    # plain Python, and against one call per segment.
    rng = np.random.default_rng(7)
    counts = rng.multinomial(rng.integers(1, 400, size=1_000), [0.5, 0.3, 0.2])
    counts[:5] = [[7, 0, 0], [0, 0, 7], [0, 7, 0], [1, 0, 0], [0, 1, 0]]
    pos, neu, neg = counts.T.astype(np.float64)
    low, high = net_score_interval(pos, neu, neg, method=method, confidence=confidence)
    assert low.shape == high.shape == (1_000,)
    z = float(stats.norm.isf((1 - confidence) / 2))
    for i in range(1_000):
        ref = _reference_net_wald(
            pos[i], neu[i], neg[i], pos[i] + neu[i] + neg[i], z, method != "wald"
        )
        assert low[i] == pytest.approx(ref[0], rel=1e-12, abs=1e-12)
        assert high[i] == pytest.approx(ref[1], rel=1e-12, abs=1e-12)
    one_by_one = [
        net_score_interval(pos[i], neu[i], neg[i], method=method, confidence=confidence)
        for i in range(1_000)
    ]
    assert np.array_equal(low, [float(lo) for lo, _ in one_by_one])
    assert np.array_equal(high, [float(hi) for _, hi in one_by_one])


def test_nps_vectorized_over_segments_of_different_sizes() -> None:
    rng = np.random.default_rng(11)
    n = rng.integers(1, 2_000, size=500)
    pvals = rng.dirichlet([2.0, 1.0, 1.0], size=500)
    counts = np.array([rng.multinomial(k, p) for k, p in zip(n, pvals, strict=True)])
    pos, neu, neg = counts.T.astype(np.float64)
    low, high = net_score_interval(pos, neu, neg, method="adjusted_wald")
    for i in range(500):
        ref = _reference_net_wald(pos[i], neu[i], neg[i], float(n[i]), Z95, True)
        assert (low[i], high[i]) == pytest.approx(ref, rel=1e-12, abs=1e-12)


def test_nps_interval_nan_for_empty_segment() -> None:
    for method in ("wald", "adjusted_wald", "bootstrap", "bayes"):
        low, high = net_score_interval(
            [0, 5], [0, 3], [0, 2], method=method, n_resamples=200
        )
        assert np.isnan([low[0], high[0]]).all(), method
        assert np.isfinite([low[1], high[1]]).all(), method


def test_nps_weighted_wald_uses_effective_n() -> None:
    # Weighted counts 450.5 / 300.2 / 249.3 (sum of weights 1000) with a Kish
    # effective n of 400: shares from the counts, sample size from n_eff.
    # p+ = 0.4505, p- = 0.2493, diff = 0.2012,
    # variance = 0.6998 - 0.2012^2 = 0.65931856, se = sqrt(variance / 400).
    diff = 0.4505 - 0.2493
    se = math.sqrt((0.4505 + 0.2493 - diff**2) / 400)
    low, high = net_score_interval(
        450.5, 300.2, 249.3, method="wald", effective_n=400.0
    )
    assert float(low) == pytest.approx(100 * (diff - Z95 * se), rel=1e-12)
    assert float(high) == pytest.approx(100 * (diff + Z95 * se), rel=1e-12)


def test_net_score_interval_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown net score interval method"):
        net_score_interval(5, 3, 2, method="exact")


# ---------------------------------------------------------------------------
# NPS: bootstrap


def _wald(pos: float, neu: float, neg: float, n: float) -> tuple[float, float]:
    return _reference_net_wald(pos, neu, neg, n, Z95, adjusted=False)


def test_bootstrap_is_reproducible_with_the_same_rng() -> None:
    counts = ([4_567, 45, 612], [3_000, 30, 201], [2_433, 25, 187])
    first = net_score_interval(
        *counts, method="bootstrap", rng=np.random.default_rng(3)
    )
    again = net_score_interval(
        *counts, method="bootstrap", rng=np.random.default_rng(3)
    )
    other = net_score_interval(
        *counts, method="bootstrap", rng=np.random.default_rng(4)
    )
    assert np.array_equal(first, again)
    # Another seed moves the bounds, but only by resampling noise.
    assert not np.array_equal(first, other)
    assert np.allclose(first, other, atol=2.0)


def test_bootstrap_cost_does_not_grow_with_n() -> None:
    # A billion responses: the counts are resampled, never the rows, so this
    # runs as fast as n = 1,000 (it would need gigabytes otherwise).
    low, high = net_score_interval(
        450_000_000,
        300_000_000,
        250_000_000,
        method="bootstrap",
        n_resamples=2_000,
        rng=np.random.default_rng(5),
    )
    ref_low, ref_high = _wald(45e7, 30e7, 25e7, 1e9)
    # Wald half-width: 100 * 1.96 * sqrt(0.66 / 1e9) = 0.0050 points.
    assert float(low) == pytest.approx(ref_low, abs=0.001)
    assert float(high) == pytest.approx(ref_high, abs=0.001)
    small = net_score_interval(
        450,
        300,
        250,
        method="bootstrap",
        n_resamples=2_000,
        rng=np.random.default_rng(5),
    )
    assert np.all(np.isfinite(small))


def test_bootstrap_agrees_with_wald_for_large_n() -> None:
    # n = 10,000 with p+ = 0.45, p- = 0.25: Wald is 18.41 to 21.59; the
    # bootstrap percentile interval should be within half a point of it.
    low, high = net_score_interval(
        4_500, 3_000, 2_500, method="bootstrap", rng=np.random.default_rng(6)
    )
    ref_low, ref_high = _wald(4_500, 3_000, 2_500, 10_000)
    assert (round(ref_low, 2), round(ref_high, 2)) == (18.41, 21.59)
    assert float(low) == pytest.approx(ref_low, abs=0.5)
    assert float(high) == pytest.approx(ref_high, abs=0.5)


def test_bootstrap_all_promoters_is_a_point_at_100() -> None:
    low, high = net_score_interval(
        12, 0, 0, method="bootstrap", rng=np.random.default_rng(0)
    )
    assert (float(low), float(high)) == (100.0, 100.0)


def test_bootstrap_vectorized_over_segments() -> None:
    pos, neu, neg = (
        np.array([4_500, 45, 900]),
        np.array([3_000, 30, 50]),
        np.array([2_500, 25, 50]),
    )
    low, high = net_score_interval(
        pos, neu, neg, method="bootstrap", rng=np.random.default_rng(8)
    )
    assert low.shape == (3,)
    for i in range(3):
        ref_low, ref_high = _wald(pos[i], neu[i], neg[i], pos[i] + neu[i] + neg[i])
        width = ref_high - ref_low
        # Within 10% of the Wald width (the bootstrap is discrete at n = 100).
        assert float(low[i]) == pytest.approx(ref_low, abs=0.1 * width)
        assert float(high[i]) == pytest.approx(ref_high, abs=0.1 * width)


def test_bootstrap_weighted_uses_effective_n() -> None:
    # Weighted counts summing to 1,000 but with a Kish effective n of 250:
    # the resamples are of round(250) responses with the weighted shares, so
    # the interval is about as wide as Wald at n = 250, twice Wald at 1,000.
    low, high = net_score_interval(
        450.0,
        300.0,
        250.0,
        method="bootstrap",
        effective_n=250.0,
        rng=np.random.default_rng(9),
    )
    ref_low, ref_high = _wald(450, 300, 250, 250)
    # p+ = 0.45, p- = 0.25: half-width 100 * 1.96 * sqrt(0.66 / 250) = 10.07.
    assert (ref_high - ref_low) / 2 == pytest.approx(10.07, abs=0.01)
    assert float(low) == pytest.approx(ref_low, abs=0.75)
    assert float(high) == pytest.approx(ref_high, abs=0.75)
    wald_1000 = _wald(450, 300, 250, 1_000)
    assert float(high - low) > 1.8 * (wald_1000[1] - wald_1000[0])


def test_bootstrap_weighted_end_to_end_through_nps() -> None:
    # cx.nps with weights: effective_n is Kish's (sum w)^2 / sum w^2 of the
    # weights, and the bootstrap interval is about the Wald interval at n_eff.
    rng = np.random.default_rng(10)
    scores = rng.choice(np.arange(11), p=_NPS_POINT_SHARES, size=3_000)
    weights = rng.gamma(1.5, 1.0, size=scores.size)
    n_eff = weights.sum() ** 2 / (weights**2).sum()
    result = cx.nps(scores, weights=weights, ci="bootstrap", rng=11)
    assert result.effective_n == pytest.approx(n_eff, rel=1e-12)
    w_pos = weights[scores >= 9].sum()
    w_neg = weights[scores <= 6].sum()
    w_neu = weights.sum() - w_pos - w_neg
    ref_low, ref_high = _wald(w_pos, w_neu, w_neg, n_eff)
    assert result.ci is not None
    assert result.ci.low == pytest.approx(ref_low, abs=0.5)
    assert result.ci.high == pytest.approx(ref_high, abs=0.5)


#: Shares of the 0-10 points: 25% detractors, 30% passives, 45% promoters.
_NPS_POINT_SHARES = np.array(
    [0.02, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08, 0.12, 0.18, 0.2, 0.25]
)


# ---------------------------------------------------------------------------
# NPS: Bayesian (Dirichlet posterior)


def _posterior_cdf(t: float, a_pos: float, a_neu: float, a_neg: float) -> float:
    """P(p+ - p- <= t) under Dirichlet(a_pos, a_neu, a_neg), by quadrature.

    p+ ~ Beta(a_pos, a_neu + a_neg) and, given p+ = u, p- = (1 - u) V with
    V ~ Beta(a_neg, a_neu). So p+ - p- <= t exactly when V >= (u - t)/(1 - u):
    P = integral of f(u) * P(V >= (u - t)/(1 - u)) du over 0 < u < 1.
    """
    density = stats.beta(a_pos, a_neu + a_neg).pdf
    share = stats.beta(a_neg, a_neu)

    def integrand(u: float) -> float:
        return float(density(u) * (share.sf((u - t) / (1 - u)) if u > t else 1.0))

    kinks = [p for p in (t, (1 + t) / 2) if 0 < p < 1]
    value, _ = integrate.quad(integrand, 0, 1, points=kinks, limit=200, epsabs=1e-12)
    return float(value)


def _posterior_quantile(p: float, alphas: tuple[float, float, float]) -> float:
    return float(
        optimize.brentq(lambda t: _posterior_cdf(t, *alphas) - p, -1, 1, xtol=1e-12)
    )


def test_bayes_is_reproducible_with_the_same_rng() -> None:
    first = net_score_interval(12, 5, 3, method="bayes", rng=np.random.default_rng(1))
    again = net_score_interval(12, 5, 3, method="bayes", rng=np.random.default_rng(1))
    other = net_score_interval(12, 5, 3, method="bayes", rng=np.random.default_rng(2))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_bayes_matches_the_exact_dirichlet_posterior() -> None:
    # 12 promoters, 5 passives, 3 detractors with the uniform Dirichlet(1, 1, 1)
    # prior: posterior Dirichlet(13, 6, 4). Its 2.5% and 97.5% quantiles of
    # 100 (p+ - p-) by quadrature are 6.294 and 67.161.
    exact = [100 * _posterior_quantile(p, (13, 6, 4)) for p in (0.025, 0.975)]
    assert [round(v, 2) for v in exact] == [6.29, 67.16]
    low, high = net_score_interval(
        12, 5, 3, method="bayes", n_resamples=200_000, rng=np.random.default_rng(12)
    )
    # Monte Carlo standard error of each quantile at 200,000 draws is about
    # 0.1 points; 0.5 points is 5 standard errors.
    assert float(low) == pytest.approx(exact[0], abs=0.5)
    assert float(high) == pytest.approx(exact[1], abs=0.5)


def test_bayes_matches_numpy_dirichlet_draws() -> None:
    # The same posterior simulated independently with numpy's Dirichlet
    # sampler, for a skewed sample: 3 promoters, 4 passives, 23 detractors.
    draws = np.random.default_rng(13).dirichlet([4, 5, 24], size=400_000)
    ref_low, ref_high = np.quantile(100 * (draws[:, 0] - draws[:, 2]), [0.025, 0.975])
    low, high = net_score_interval(
        3, 4, 23, method="bayes", n_resamples=200_000, rng=np.random.default_rng(14)
    )
    assert float(low) == pytest.approx(ref_low, abs=0.6)
    assert float(high) == pytest.approx(ref_high, abs=0.6)


def test_bayes_close_to_wald_for_large_n() -> None:
    low, high = net_score_interval(
        4_500, 3_000, 2_500, method="bayes", rng=np.random.default_rng(15)
    )
    ref_low, ref_high = _wald(4_500, 3_000, 2_500, 10_000)
    assert float(low) == pytest.approx(ref_low, abs=0.5)
    assert float(high) == pytest.approx(ref_high, abs=0.5)


def test_bayes_weighted_posterior_uses_effective_n() -> None:
    # Weighted shares 0.45 / 0.30 / 0.25 at n_eff = 40: pseudo-counts
    # 18, 12, 10 plus the prior, i.e. Dirichlet(19, 13, 11).
    exact = [100 * _posterior_quantile(p, (19, 13, 11)) for p in (0.025, 0.975)]
    low, high = net_score_interval(
        450.0,
        300.0,
        250.0,
        method="bayes",
        effective_n=40.0,
        n_resamples=200_000,
        rng=np.random.default_rng(16),
    )
    assert float(low) == pytest.approx(exact[0], abs=0.5)
    assert float(high) == pytest.approx(exact[1], abs=0.5)


# ---------------------------------------------------------------------------
# Means: Student t


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99, 0.999])
def test_mean_interval_equals_scipy_and_statsmodels(confidence: float) -> None:
    # rtol 1e-12: scipy's t.interval takes its lower bound from the lower-tail
    # quantile t(alpha/2) and its upper one from t(1 - alpha/2); 1 - alpha/2
    # is rounded in floating point, which moves the quantile by ~1e-13
    # (relative) at 99.9% with 1 degree of freedom, where the t density in
    # the tail is tiny.
    rng = np.random.default_rng(17)
    for n in (2, 3, 5, 10, 30, 100, 1_000):
        x = rng.normal(3.0, 2.0, size=n)
        low, high = mean_interval(x.mean(), x.std(ddof=1), n, confidence=confidence)
        scipy_low, scipy_high = stats.t.interval(
            confidence, n - 1, loc=x.mean(), scale=stats.sem(x)
        )
        sm_low, sm_high = DescrStatsW(x).tconfint_mean(alpha=1 - confidence)
        assert float(low) == pytest.approx(scipy_low, rel=1e-12)
        assert float(high) == pytest.approx(scipy_high, rel=1e-12)
        assert float(low) == pytest.approx(sm_low, rel=1e-12)
        assert float(high) == pytest.approx(sm_high, rel=1e-12)


def test_mean_interval_worked_example() -> None:
    # mean 4, s = 1, n = 25: t(24, 0.975) = 2.063899, half = 2.063899 / 5.
    low, high = mean_interval(4.0, 1.0, 25)
    assert round(float(stats.t.ppf(0.975, 24)), 6) == 2.063899
    assert (round(float(low), 4), round(float(high), 4)) == (3.5872, 4.4128)


def test_mean_interval_vectorized_and_nan_below_two() -> None:
    means = np.array([3.0, 4.2, 1.5, 2.0, 2.0])
    stds = np.array([1.0, 0.5, 2.0, 1.0, 1.0])
    ns = np.array([10.0, 50.0, 3.5, 1.0, 0.0])
    low, high = mean_interval(means, stds, ns, confidence=0.9)
    for i in range(3):
        ref = stats.t.interval(
            0.9, ns[i] - 1, loc=means[i], scale=stds[i] / ns[i] ** 0.5
        )
        assert (low[i], high[i]) == pytest.approx(ref, rel=1e-12)
    assert np.isnan(low[3:]).all()
    assert np.isnan(high[3:]).all()


def test_weighted_mean_interval_equals_descrstatsw_at_kish_n() -> None:
    # The documented definition: DescrStatsW with the weights rescaled to sum
    # to Kish's effective n, so its degrees of freedom are n_eff - 1.
    rng = np.random.default_rng(18)
    x = rng.normal(3.5, 1.2, size=400)
    w = rng.lognormal(0.0, 0.8, size=400)
    n_eff = w.sum() ** 2 / (w**2).sum()
    ref = DescrStatsW(x, weights=w * n_eff / w.sum())
    mean = np.average(x, weights=w)
    std = math.sqrt(np.average((x - mean) ** 2, weights=w) * n_eff / (n_eff - 1))
    low, high = mean_interval(mean, std, n_eff)
    ref_low, ref_high = ref.tconfint_mean()
    assert float(low) == pytest.approx(ref_low, rel=1e-12)
    assert float(high) == pytest.approx(ref_high, rel=1e-12)


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_weighted_mean_score_end_to_end_equals_descrstatsw(confidence: float) -> None:
    rng = np.random.default_rng(19)
    ratings = rng.integers(1, 6, size=500)
    weights = rng.gamma(2.0, 1.0, size=500)
    n_eff = weights.sum() ** 2 / (weights**2).sum()
    result = cx.mean_score(
        ratings, scale=(1, 5), weights=weights, confidence=confidence
    )
    ref = DescrStatsW(ratings.astype(float), weights=weights * n_eff / weights.sum())
    assert result.value == pytest.approx(
        np.average(ratings, weights=weights), rel=1e-12
    )
    assert result.effective_n == pytest.approx(n_eff, rel=1e-12)
    # DescrStatsW's std has sum_weights (= n_eff) in the denominator.
    assert result.std == pytest.approx(
        ref.std * math.sqrt(n_eff / (n_eff - 1)), rel=1e-12
    )
    ref_low, ref_high = ref.tconfint_mean(alpha=1 - confidence)
    assert result.ci is not None
    assert result.ci.low == pytest.approx(ref_low, rel=1e-12)
    assert result.ci.high == pytest.approx(ref_high, rel=1e-12)


def test_unweighted_mean_score_end_to_end_equals_scipy() -> None:
    ratings = np.array([4, 5, 3, 4, 5, 2, 1, 5, 4, 4])
    result = cx.mean_score(ratings, scale=(1, 5))
    ref = stats.t.interval(
        0.95, ratings.size - 1, loc=ratings.mean(), scale=stats.sem(ratings)
    )
    assert result.value == 3.7
    assert result.std == pytest.approx(ratings.std(ddof=1), rel=1e-12)
    assert result.ci is not None
    assert (result.ci.low, result.ci.high) == pytest.approx(ref, rel=1e-12)


# ---------------------------------------------------------------------------
# Kish's effective sample size


def test_effective_sample_size_on_random_weights() -> None:
    rng = np.random.default_rng(20)
    weights = [
        rng.gamma(shape, 1.0, size=size)
        for shape, size in [(0.5, 50), (2, 300), (8, 1_000)]
    ]
    sums = np.array([w.sum() for w in weights])
    squares = np.array([(w**2).sum() for w in weights])
    n_eff = effective_sample_size(sums, squares)
    for w, value in zip(weights, n_eff, strict=True):
        ref = math.fsum(w) ** 2 / math.fsum(w * w)
        assert value == pytest.approx(ref, rel=1e-12)
        assert value < w.size  # unequal weights lose information


def test_effective_sample_size_of_equal_weights_is_n() -> None:
    # sum w = n c, sum w^2 = n c^2: (n c)^2 / (n c^2) = n.
    assert float(effective_sample_size(37 * 2.5, 37 * 2.5**2)) == pytest.approx(37.0)
    assert float(effective_sample_size(4.0, 4.0)) == 4.0
    # Weights 1, 1, 2: (1 + 1 + 2)^2 / (1 + 1 + 4) = 16 / 6 = 2.667.
    assert float(effective_sample_size(4.0, 6.0)) == pytest.approx(8 / 3)
