"""Tango's score interval for NPS and net scores, and MOVER for their difference.

NPS is a difference of paired proportions: each answer is the pair
(promoter?, detractor?), never (1, 1), so the promoters are the discordant
pairs of one kind (b) and the detractors those of the other (c). Tango's
(1998) interval inverts the score test of ``p+ - p- = delta`` whose variance
is taken at the maximum-likelihood shares under that constraint.

References checked here, each independent of cxmetrics' code:

* R PropCIs ``scoreci.mp`` values published by its users:
  ``scoreci.mp(25, 28, 618, conf.level = 0.90)`` gives -0.0148 to 0.0247 and
  ``scoreci.mp(60, 20, 1000)`` gives -0.0584 to -0.0231 (PropCIs' interval is
  for ``(c - b) / n``: here c = promoters, b = detractors).
* An oracle written in this file: the constrained maximum likelihood found
  by numerical maximization of the trinomial log-likelihood (not the closed
  form cxmetrics uses), the score statistic from it, and scipy's ``brentq``
  for each bound.
* The closed form at the edge: with every answer a promoter the statistic
  is ``sqrt(n (1 - d) / (1 + d))``, so the lower bound is
  ``(n - z^2) / (n + z^2)``.
* MOVER (Newcombe 1998; Zou and Donner 2008) assembled by hand from the
  oracle's one-sample bounds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

import cxmetrics as cx
from cxmetrics import _two_sample
from cxmetrics.intervals import net_score_interval

Z95 = float(stats.norm.ppf(0.975))


def _constrained_shares(
    promoters: float, detractors: float, n: float, delta: float
) -> tuple[float, float]:
    """Promoter and detractor shares maximizing the likelihood with p+ - p- = delta.

    Numerical maximization over the detractor share q (promoters q + delta,
    passives the rest), on the interval where all three shares are >= 0.
    """
    passives = n - promoters - detractors
    low, high = max(0.0, -delta), (1.0 - delta) / 2.0
    if high - low < 1e-15:
        q = low
    else:

        def negative_loglik(q: float) -> float:
            total = 0.0
            for count, share in (
                (promoters, q + delta),
                (detractors, q),
                (passives, 1.0 - 2.0 * q - delta),
            ):
                if count > 0:
                    total -= count * math.log(max(share, 1e-300))
            return total

        found = optimize.minimize_scalar(
            negative_loglik,
            bounds=(low, high),
            method="bounded",
            options={"xatol": 1e-14, "maxiter": 2000},
        )
        # The bounded search never lands exactly on an end; the maximum may.
        q = min((float(found.x), low, high), key=negative_loglik)
    return q + delta, q


def _oracle_statistic(promoters: float, detractors: float, n: float, d: float) -> float:
    pos, neg = _constrained_shares(promoters, detractors, n, d)
    variance = pos + neg - d * d  # variance of one answer coded +1 / 0 / -1
    return (promoters - detractors - n * d) / math.sqrt(n * variance)


def _oracle_bounds(
    promoters: float, detractors: float, n: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Tango's bounds in points, by brentq on the oracle statistic."""
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    estimate = (promoters - detractors) / n
    eps = 1e-12
    low = (
        -1.0
        if estimate <= -1.0
        else optimize.brentq(
            lambda d: _oracle_statistic(promoters, detractors, n, d) - z,
            -1.0 + eps,
            estimate - eps,
            xtol=1e-13,
        )
    )
    high = (
        1.0
        if estimate >= 1.0
        else optimize.brentq(
            lambda d: _oracle_statistic(promoters, detractors, n, d) + z,
            estimate + eps,
            1.0 - eps,
            xtol=1e-13,
        )
    )
    return 100.0 * low, 100.0 * high


# ---------------------------------------------------------------------------
# The one-sample interval


@pytest.mark.parametrize(
    ("promoters", "detractors", "n", "confidence", "low", "high"),
    [
        (28, 25, 618, 0.90, -1.48, 2.47),  # scoreci.mp(25, 28, 618, 0.90)
        (20, 60, 1000, 0.95, -5.84, -2.31),  # scoreci.mp(60, 20, 1000)
    ],
)
def test_equals_published_propcis_values(
    promoters: int,
    detractors: int,
    n: int,
    confidence: float,
    low: float,
    high: float,
) -> None:
    ours = net_score_interval(
        promoters,
        n - promoters - detractors,
        detractors,
        method="score",
        confidence=confidence,
    )
    # PropCIs prints four decimals of a share: two of a point.
    assert round(float(ours[0]), 2) == low
    assert round(float(ours[1]), 2) == high


CASES = [
    (90, 60, 50),
    (5, 2, 3),
    (1, 0, 0),
    (8, 0, 0),
    (0, 10, 0),
    (0, 0, 5),
    (3, 0, 1),
    (0, 1, 7),
    (40, 100, 20),
    (700, 200, 100),
    (15, 0, 15),
    (1, 48, 1),
    (12_000, 5_000, 3_000),
]


@pytest.mark.parametrize(("pos", "neu", "neg"), CASES)
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.99])
def test_equals_an_independent_root_finder(
    pos: int, neu: int, neg: int, confidence: float
) -> None:
    low, high = net_score_interval(pos, neu, neg, method="score", confidence=confidence)
    expected = _oracle_bounds(pos, neg, pos + neu + neg, confidence)
    # The oracle's maximization is good to about 1e-10 in a share.
    assert float(low) == pytest.approx(expected[0], abs=1e-6)
    assert float(high) == pytest.approx(expected[1], abs=1e-6)


def test_vectorized_over_groups_equals_one_call_each() -> None:
    pos, neu, neg = (np.array(column) for column in zip(*CASES, strict=True))
    low, high = net_score_interval(pos, neu, neg, method="score")
    for i, (p, u, d) in enumerate(CASES):
        one = net_score_interval(p, u, d, method="score")
        assert low[i] == pytest.approx(float(one[0]), abs=1e-12)
        assert high[i] == pytest.approx(float(one[1]), abs=1e-12)
    # Two-dimensional input keeps its shape.
    grid_low, _ = net_score_interval(
        pos.reshape(13, 1), neu.reshape(13, 1), neg.reshape(13, 1), method="score"
    )
    assert grid_low.shape == (13, 1)


def test_bounds_solve_the_score_equation() -> None:
    # Tango's statistic at each bound is +z and -z.
    for pos, neu, neg in [(90, 60, 50), (40, 100, 20), (3, 0, 1)]:
        n = pos + neu + neg
        low, high = net_score_interval(pos, neu, neg, method="score")
        assert _oracle_statistic(pos, neg, n, float(low) / 100) == pytest.approx(
            Z95, abs=1e-6
        )
        assert _oracle_statistic(pos, neg, n, float(high) / 100) == pytest.approx(
            -Z95, abs=1e-6
        )


@pytest.mark.parametrize("n", [1, 2, 8, 30, 500])
def test_all_promoters_closed_form(n: int) -> None:
    # b = n, c = 0: T(d) = sqrt(n (1 - d) / (1 + d)) = z at d = (n - z^2) / (n + z^2).
    low, high = net_score_interval(n, 0, 0, method="score")
    z2 = Z95 * Z95
    assert float(low) == pytest.approx(100 * (n - z2) / (n + z2), abs=1e-9)
    assert float(high) == 100.0
    # and the mirror image for all detractors
    low, high = net_score_interval(0, 0, n, method="score")
    assert float(low) == -100.0
    assert float(high) == pytest.approx(-100 * (n - z2) / (n + z2), abs=1e-9)


@pytest.mark.parametrize("n", [1, 10, 1000])
def test_all_passives_closed_form(n: int) -> None:
    # b = c = 0: T(d) = -sqrt(n d / (1 - d)) for d > 0, so d = z^2 / (n + z^2).
    low, high = net_score_interval(0, n, 0, method="score")
    half = 100 * Z95 * Z95 / (n + Z95 * Z95)
    assert float(high) == pytest.approx(half, abs=1e-9)
    assert float(low) == pytest.approx(-half, abs=1e-9)


def test_holds_the_estimate_and_stays_within_100_on_every_small_sample() -> None:
    # Every trinomial outcome of n = 1..40.
    rows = [
        (p, n - p - d, d)
        for n in range(1, 41)
        for p in range(n + 1)
        for d in range(n - p + 1)
    ]
    pos, neu, neg = (
        np.array(column, dtype=float) for column in zip(*rows, strict=True)
    )
    low, high = net_score_interval(pos, neu, neg, method="score")
    estimate = 100 * (pos - neg) / (pos + neu + neg)
    assert np.all(low <= estimate)
    assert np.all(estimate <= high)
    assert np.all(low >= -100)
    assert np.all(high <= 100)
    # 100 is reached only when every answer is a promoter.
    assert np.array_equal(high == 100, pos == pos + neu + neg)
    assert np.array_equal(low == -100, neg == pos + neu + neg)
    # Swapping promoters and detractors mirrors the interval.
    swapped_low, swapped_high = net_score_interval(neg, neu, pos, method="score")
    np.testing.assert_allclose(swapped_low, -high, atol=1e-9)
    np.testing.assert_allclose(swapped_high, -low, atol=1e-9)


def test_one_promoter_holds_its_estimate_where_adjusted_wald_does_not() -> None:
    adjusted = cx.nps([10])
    score = cx.nps([10], ci="score")
    assert adjusted.ci is not None
    assert score.ci is not None
    assert adjusted.ci.high < 100.0  # -48.5 to 98.5 leaves out the estimate
    assert score.ci.low <= 100.0 <= score.ci.high
    z2 = Z95 * Z95
    assert score.ci.low == pytest.approx(100 * (1 - z2) / (1 + z2))
    assert str(score) == "NPS 100.0 (95% CI -58.7 to 100.0, Tango score), n=1"


def test_wider_at_a_higher_confidence() -> None:
    bounds = [
        net_score_interval(13, 380, 3, method="score", confidence=c)
        for c in (0.8, 0.9, 0.95, 0.99)
    ]
    lows = [float(b[0]) for b in bounds]
    highs = [float(b[1]) for b in bounds]
    assert lows == sorted(lows, reverse=True)
    assert highs == sorted(highs)


def test_weighted_uses_shares_times_effective_n() -> None:
    scores = [10, 9, 7, 3, 10, 6, 9, 8]
    weights = [0.5, 0.5, 1.0, 2.0, 0.5, 2.0, 1.0, 0.5]
    result = cx.nps(scores, weights=weights, ci="score")
    eff = 8.0**2 / 11.0  # Kish: (sum w)^2 / sum w^2
    expected = _oracle_bounds(2.5 / 8 * eff, 4.0 / 8 * eff, eff)
    assert result.ci is not None
    assert result.ci.low == pytest.approx(expected[0], abs=1e-6)
    assert result.ci.high == pytest.approx(expected[1], abs=1e-6)


# ---------------------------------------------------------------------------
# Every net score takes it


def test_every_net_score_function_takes_the_score_interval() -> None:
    expected = _oracle_bounds(90, 50, 200)
    from_counts = cx.nps_from_counts(90, 60, 50, ci="score")
    scores = [10] * 90 + [8] * 60 + [2] * 50
    on_rows = cx.nps(scores, ci="score")
    net = cx.net_score_from_counts(90, 60, 50, ci="score", label="Net Easy")
    easy = cx.ces([7] * 90 + [4] * 60 + [1] * 50, method="net_easy", ci="score")
    for result in (from_counts, on_rows, net, easy):
        assert result.ci is not None
        assert result.ci.method == "score"
        assert result.ci.low == pytest.approx(expected[0], abs=1e-6)
        assert result.ci.high == pytest.approx(expected[1], abs=1e-6)
    assert str(from_counts) == "NPS 20.0 (95% CI 8.5 to 30.9, Tango score), n=200"
    assert from_counts == on_rows


def test_merge_of_score_results_equals_the_pooled_sample() -> None:
    a = cx.nps([10, 9, 9, 7, 3, 10, 6], ci="score")
    b = cx.nps([10, 8, 2, 9], ci="score")
    assert a.merge(b) == cx.nps([10, 9, 9, 7, 3, 10, 6, 10, 8, 2, 9], ci="score")


def test_by_segment_bounds_equal_one_call_per_segment() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "score": rng.integers(0, 11, size=600),
            "team": rng.choice(["a", "b", "c", "d"], size=600),
        }
    )
    table = cx.by_segment(frame, cx.nps, column="score", by="team", ci="score")
    for row in table.itertuples():
        own = cx.nps(frame.loc[frame["team"] == row.team, "score"], ci="score")
        assert own.ci is not None
        assert row.ci_low == pytest.approx(own.ci.low, abs=1e-10)
        assert row.ci_high == pytest.approx(own.ci.high, abs=1e-10)
        rest = cx.nps(frame.loc[frame["team"] != row.team, "score"], ci="score")
        versus = cx.compare(own, rest)
        assert versus.method == "mover"
        assert row.difference_ci_low == pytest.approx(versus.ci.low, abs=1e-9)
        assert row.p_value == pytest.approx(versus.p_value, abs=1e-12)


def test_over_time_takes_the_score_interval() -> None:
    frame = pd.DataFrame(
        {
            "score": [10, 9, 3, 7, 10, 10, 2, 9],
            "when": pd.to_datetime(["2025-01-05"] * 4 + ["2025-02-07"] * 4),
        }
    )
    table = cx.over_time(frame, cx.nps, column="score", time="when", ci="score")
    january = cx.nps([10, 9, 3, 7], ci="score")
    assert january.ci is not None
    assert table["ci_low"].iloc[0] == pytest.approx(january.ci.low)


# ---------------------------------------------------------------------------
# compare: MOVER on the two score intervals


def _mover_by_hand(
    a: tuple[int, int, int], b: tuple[int, int, int]
) -> tuple[float, float, float]:
    """Newcombe / Zou-Donner from the oracle's one-sample bounds, in points."""
    est_a = 100 * (a[0] - a[2]) / sum(a)
    est_b = 100 * (b[0] - b[2]) / sum(b)
    low_a, high_a = _oracle_bounds(a[0], a[2], sum(a))
    low_b, high_b = _oracle_bounds(b[0], b[2], sum(b))
    diff = est_a - est_b
    low = diff - math.hypot(est_a - low_a, high_b - est_b)
    high = diff + math.hypot(high_a - est_a, est_b - low_b)
    return diff, low, high


@pytest.mark.parametrize(
    ("a", "b"),
    [((90, 60, 50), (70, 60, 70)), ((8, 0, 0), (3, 2, 5)), ((5, 2, 3), (40, 100, 20))],
)
def test_compare_of_score_results_is_mover(
    a: tuple[int, int, int], b: tuple[int, int, int]
) -> None:
    result = cx.compare(
        cx.nps_from_counts(*a, ci="score"), cx.nps_from_counts(*b, ci="score")
    )
    diff, low, high = _mover_by_hand(a, b)
    assert result.method == "mover"
    assert result.difference == pytest.approx(diff)
    assert result.ci is not None
    assert result.ci.low == pytest.approx(low, abs=1e-6)
    assert result.ci.high == pytest.approx(high, abs=1e-6)
    # The p-value agrees with the interval at its level: z over the standard
    # error recovered on the side of 0.
    se = (diff - low) / Z95 if diff >= 0 else (high - diff) / Z95
    assert result.statistic == pytest.approx(diff / se, rel=1e-6)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(diff / se)), rel=1e-5)
    assert (result.p_value < 0.05) == (result.ci.low > 0 or result.ci.high < 0)


def test_compare_mixed_methods_stays_adjusted_wald_and_mover_can_be_asked() -> None:
    score = cx.nps_from_counts(90, 60, 50, ci="score")
    adjusted = cx.nps_from_counts(70, 60, 70)
    assert cx.compare(score, adjusted).method == "adjusted_wald"
    asked = cx.compare(adjusted, score, method="mover")
    _diff, low, _high = _mover_by_hand((70, 60, 70), (90, 60, 50))
    assert asked.ci is not None
    assert asked.ci.low == pytest.approx(low, abs=1e-6)
    assert str(cx.compare(score, cx.nps_from_counts(70, 60, 70, ci="score"))) == (
        "NPS difference 20 (95% CI 3.715 to 35.88, MOVER), p=0.0161"
    )


def test_mover_of_wilson_bounds_is_newcombe() -> None:
    # The shared MOVER helper gives Newcombe's interval from Wilson bounds
    # (checked against statsmodels in test_two_sample); here the identity of
    # the two code paths on one case.
    _, low, high, _, _ = _two_sample.rate_difference(
        56, 70, 48, 80, method="newcombe", confidence=0.95
    )
    assert float(low) == pytest.approx(0.0524, abs=5e-5)
    assert float(high) == pytest.approx(0.3339, abs=5e-5)


def test_mover_difference_is_nan_for_an_empty_sample() -> None:
    diff, low, high, stat, p = _two_sample.net_score_difference(
        0, 0, 0, 0, 5, 2, 3, 10, method="mover", confidence=0.95
    )
    assert all(math.isnan(float(v)) for v in (diff, low, high, stat, p))
