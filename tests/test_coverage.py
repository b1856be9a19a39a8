"""Coverage simulation: do the 95% intervals cover the truth 95% of the time?

For each scenario we know the true shares, draw many samples from them, build
every sample's interval in one vectorized call and count how often it
contains the true value. Quick mode (the default) draws 20,000 samples per
scenario; ``CXMETRICS_FULL=1`` draws 200,000. Seeds are fixed.

A simulated coverage ``c`` of ``D`` draws has Monte Carlo standard error
``sqrt(c (1 - c) / D)``: 0.15 points at 20,000 draws, 0.05 at 200,000. Every
tolerance below is 4.5 of those standard errors plus, where the claim is
"near 95%", a slack for the method's own departure from nominal: a discrete
sample cannot give exactly 95% coverage at every n and share, and the
coverage of binomial intervals oscillates with both (Brown, Cai and DasGupta
2001, figures 1-5).

What the literature says, and what is checked:

* Rocks (2016): the adjusted Wald NPS interval keeps close to 95% even at
  small n; the Wald interval falls short at small n and skewed shares. His
  iterative method, Tango's (1998) score interval for paired proportions,
  keeps close to 95% too (95.5% at n = 20, 96.5% at 80/15/5 and n = 30).
* Brown, Cai and DasGupta (2001): Wilson stays near 95% where Wald fails
  badly (p = 0.05, n = 30: Wald covers about 78%); Clopper-Pearson is
  conservative, never below 95%; averaged over p, Wilson, Jeffreys and
  Agresti-Coull are close to 95% and Wald is well below.
* Kish (1965): with weights unrelated to the answers, an interval at the
  effective sample size keeps its coverage; one at the raw n does not.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from cxmetrics.intervals import mean_interval, net_score_interval, proportion_interval

pytestmark = pytest.mark.slow

NOMINAL = 0.95
#: Monte Carlo standard errors allowed between a simulated and a true coverage.
K_SE = 4.5
#: Samples per vectorized call; full mode loops over chunks of this size.
CHUNK = 20_000


def _mc_se(draws: int, coverage: float = NOMINAL) -> float:
    return math.sqrt(coverage * (1 - coverage) / draws)


def _coverage(
    draws: int, seed: int, covered_in: Callable[[np.random.Generator, int], int]
) -> float:
    """Share of ``draws`` samples whose interval covers the truth.

    ``covered_in(rng, size)`` draws ``size`` samples at once and returns how
    many intervals covered the true value.
    """
    rng = np.random.default_rng(seed)
    covered = 0
    for start in range(0, draws, CHUNK):
        covered += covered_in(rng, min(CHUNK, draws - start))
    return covered / draws


def _assert_near_nominal(coverage: float, draws: int, slack: float) -> None:
    tolerance = slack + K_SE * _mc_se(draws)
    assert abs(coverage - NOMINAL) <= tolerance, (
        f"coverage {coverage:.4f} is not within {tolerance:.4f} of {NOMINAL}"
    )


# ---------------------------------------------------------------------------
# NPS: (true shares of promoters, passives, detractors, n)

NPS_SCENARIOS = {
    "n=20 typical": ((0.45, 0.30, 0.25), 20),
    "n=30": ((0.50, 0.30, 0.20), 30),
    "n=50 polarized": ((0.30, 0.40, 0.30), 50),
    "n=40 loyal": ((0.70, 0.20, 0.10), 40),
    "n=25 negative": ((0.10, 0.20, 0.70), 25),
    "n=30 skewed": ((0.80, 0.15, 0.05), 30),
    "n=100": ((0.60, 0.30, 0.10), 100),
    "n=200": ((0.45, 0.30, 0.25), 200),
}
#: Scenarios where Wald is known to fall short: small n, shares near 0 or 1.
WALD_SHORT = {
    "n=20 near-unanimous": ((0.90, 0.07, 0.03), 20),
    "n=25 negative": NPS_SCENARIOS["n=25 negative"],
    "n=30 skewed": NPS_SCENARIOS["n=30 skewed"],
}


def _nps_covered(
    shares: tuple[float, float, float], n: int, method: str, **options: object
) -> Callable[[np.random.Generator, int], int]:
    truth = 100 * (shares[0] - shares[2])

    def covered_in(rng: np.random.Generator, size: int) -> int:
        counts = rng.multinomial(n, shares, size=size)
        low, high = net_score_interval(
            counts[:, 0], counts[:, 1], counts[:, 2], method=method, **options
        )
        return int(np.count_nonzero((low <= truth) & (truth <= high)))

    return covered_in


def _exact_nps_coverage(
    shares: tuple[float, float, float], n: int, method: str
) -> float:
    """Coverage by enumerating every trinomial outcome with its probability."""
    pos, neg = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = pos + neg <= n
    pos, neg = pos[keep], neg[keep]
    neu = n - pos - neg
    pmf = stats.multinomial.pmf(np.stack([pos, neu, neg], axis=-1), n, shares)
    low, high = net_score_interval(pos, neu, neg, method=method)
    truth = 100 * (shares[0] - shares[2])
    return float(pmf[(low <= truth) & (truth <= high)].sum())


@pytest.mark.parametrize("method", ["adjusted_wald", "score"])
@pytest.mark.parametrize("scenario", list(NPS_SCENARIOS))
def test_nps_coverage_near_95(scenario: str, method: str, coverage_draws: int) -> None:
    # Slack 0.015: at skewed shares both intervals err on the safe side
    # (adjusted Wald 96.2%, score 96.5% for 80/15/5 at n = 30), as Rocks
    # (2016) reports.
    shares, n = NPS_SCENARIOS[scenario]
    coverage = _coverage(
        coverage_draws, seed=n, covered_in=_nps_covered(shares, n, method)
    )
    _assert_near_nominal(coverage, coverage_draws, slack=0.015)


@pytest.mark.parametrize("scenario", list(WALD_SHORT))
def test_nps_wald_undercovers_at_small_n(scenario: str, coverage_draws: int) -> None:
    # The same draws (same seed) for both methods: a paired comparison.
    shares, n = WALD_SHORT[scenario]
    wald = _coverage(coverage_draws, seed=n, covered_in=_nps_covered(shares, n, "wald"))
    adjusted = _coverage(
        coverage_draws, seed=n, covered_in=_nps_covered(shares, n, "adjusted_wald")
    )
    score = _coverage(
        coverage_draws, seed=n, covered_in=_nps_covered(shares, n, "score")
    )
    margin = K_SE * _mc_se(coverage_draws)
    assert wald + margin < 0.935  # clearly short of 95%
    assert adjusted - wald > 0.02  # and the adjustment recovers it
    assert score - wald > 0.02  # and so does the score interval
    _assert_near_nominal(adjusted, coverage_draws, slack=0.015)
    _assert_near_nominal(score, coverage_draws, slack=0.015)


@pytest.mark.parametrize("method", ["adjusted_wald", "wald", "score"])
@pytest.mark.parametrize("scenario", ["n=20 typical", "n=30 skewed", "n=50 polarized"])
def test_nps_simulation_agrees_with_exact_enumeration(
    scenario: str, method: str, coverage_draws: int
) -> None:
    # A check of the simulation itself: at small n every outcome can be
    # enumerated, giving the exact coverage (adjusted Wald: 94.58%, 96.25%,
    # 94.76%; Wald: 92.12%, 91.58%, 93.90%; score: 95.59%, 96.52%, 94.79%).
    shares, n = NPS_SCENARIOS[scenario]
    exact = _exact_nps_coverage(shares, n, method)
    simulated = _coverage(
        coverage_draws, seed=n + 1, covered_in=_nps_covered(shares, n, method)
    )
    assert abs(simulated - exact) <= K_SE * _mc_se(coverage_draws, exact)


@pytest.mark.parametrize("method", ["bootstrap", "bayes"])
@pytest.mark.parametrize("scenario", ["n=100", "n=200"])
def test_nps_resampling_intervals_coverage_near_95(
    scenario: str, method: str, resampling_draws: int
) -> None:
    # 1,000 resamples per interval; each call handles a chunk of samples at
    # once, so the cost is draws x resamples binomial draws.
    shares, n = NPS_SCENARIOS[scenario]
    rng = np.random.default_rng(99)
    covered_in = _nps_covered(shares, n, method, n_resamples=1_000, rng=rng)
    coverage = _coverage(resampling_draws, seed=n, covered_in=covered_in)
    _assert_near_nominal(coverage, resampling_draws, slack=0.015)


@pytest.mark.parametrize(
    "shares", [(0.30, 0.40, 0.30), (0.50, 0.30, 0.20), (0.70, 0.20, 0.10)]
)
def test_nps_score_exact_coverage_at_ten_answers(
    shares: tuple[float, float, float],
) -> None:
    # Every outcome of ten answers enumerated: the score interval stays
    # within 1.5 points of 95% (95.2%, 94.7%, 96.1%) where Wald covers
    # 91.2%, 89.6% and 87.7%.
    score = _exact_nps_coverage(shares, 10, "score")
    wald = _exact_nps_coverage(shares, 10, "wald")
    assert abs(score - NOMINAL) < 0.015
    assert wald < 0.92 < score


def test_nps_weighted_coverage_uses_effective_n(coverage_draws: int) -> None:
    # 100 respondents with log-normal weights unrelated to their answers
    # (Kish n_eff about 63). At n_eff the adjusted Wald interval covers about
    # 95%; at the raw n = 100 it is too narrow and covers about 83%.
    shares, n = (0.45, 0.30, 0.25), 100
    truth = 100 * (shares[0] - shares[2])

    def weighted_counts(
        rng: np.random.Generator, size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        category = rng.choice(3, p=shares, size=(size, n))
        weights = rng.lognormal(0.0, 0.7, size=(size, n))
        pos, neu, neg = ((weights * (category == k)).sum(axis=1) for k in range(3))
        n_eff = weights.sum(axis=1) ** 2 / (weights**2).sum(axis=1)
        return pos, neu, neg, n_eff

    def covered_in(rng: np.random.Generator, size: int, kish: bool) -> int:
        pos, neu, neg, n_eff = weighted_counts(rng, size)
        low, high = net_score_interval(
            pos, neu, neg, effective_n=n_eff if kish else None
        )
        return int(np.count_nonzero((low <= truth) & (truth <= high)))

    kish = _coverage(coverage_draws, 5, lambda rng, size: covered_in(rng, size, True))
    naive = _coverage(coverage_draws, 5, lambda rng, size: covered_in(rng, size, False))
    _assert_near_nominal(kish, coverage_draws, slack=0.015)
    assert naive + K_SE * _mc_se(coverage_draws) < 0.90


# ---------------------------------------------------------------------------
# Proportions: (true share, n)

PROPORTION_SCENARIOS = {
    "p=0.5 n=20": (0.5, 20),
    "p=0.3 n=40": (0.3, 40),
    "p=0.2 n=50": (0.2, 50),
    "p=0.05 n=30": (0.05, 30),
    "p=0.1 n=100": (0.1, 100),
    "p=0.05 n=200": (0.05, 200),
}


def _proportion_covered(
    p: float | None, n: int, method: str
) -> Callable[[np.random.Generator, int], int]:
    """Fixed ``p``, or (``p`` None) a fresh p ~ Uniform(0.05, 0.95) per sample."""

    def covered_in(rng: np.random.Generator, size: int) -> int:
        truth = rng.uniform(0.05, 0.95, size=size) if p is None else p
        successes = rng.binomial(n, truth, size=size)
        low, high = proportion_interval(successes, n, method=method)
        return int(np.count_nonzero((low <= truth) & (truth <= high)))

    return covered_in


@pytest.mark.parametrize("scenario", list(PROPORTION_SCENARIOS))
def test_wilson_coverage_near_95(scenario: str, coverage_draws: int) -> None:
    # Slack 0.02 for the oscillation of a discrete interval (true coverage
    # here runs from 93.6% at p = 0.1, n = 100 to 96.7% at p = 0.05, n = 200).
    p, n = PROPORTION_SCENARIOS[scenario]
    coverage = _coverage(
        coverage_draws, seed=n, covered_in=_proportion_covered(p, n, "wilson")
    )
    _assert_near_nominal(coverage, coverage_draws, slack=0.02)


def test_wald_proportion_fails_at_p_005_n_30(coverage_draws: int) -> None:
    # Brown, Cai and DasGupta (2001): at p = 0.05, n = 30 the Wald interval
    # is empty-width whenever no success is drawn (0.95^30 = 21.5% of
    # samples) and covers about 78% in all.
    wald = _coverage(
        coverage_draws, seed=30, covered_in=_proportion_covered(0.05, 30, "wald")
    )
    wilson = _coverage(
        coverage_draws, seed=30, covered_in=_proportion_covered(0.05, 30, "wilson")
    )
    # Exact Wald coverage from the binomial probabilities and the formula
    # |x/n - p| <= z sqrt(q (1 - q) / n), q = x/n: 78.21%.
    x = np.arange(31)
    q = x / 30
    covers = np.abs(q - 0.05) <= stats.norm.ppf(0.975) * np.sqrt(q * (1 - q) / 30)
    exact = float(stats.binom.pmf(x, 30, 0.05)[covers].sum())
    assert round(exact, 4) == 0.7821
    assert abs(wald - exact) <= K_SE * _mc_se(coverage_draws, exact)
    assert wald + K_SE * _mc_se(coverage_draws) < 0.90
    assert wilson - wald > 0.1


@pytest.mark.parametrize(
    "scenario", ["p=0.2 n=50", "p=0.05 n=30", "p=0.1 n=100", "p=0.05 n=200"]
)
def test_wald_proportion_undercovers_away_from_one_half(
    scenario: str, coverage_draws: int
) -> None:
    p, n = PROPORTION_SCENARIOS[scenario]
    wald = _coverage(
        coverage_draws, seed=n, covered_in=_proportion_covered(p, n, "wald")
    )
    assert wald + K_SE * _mc_se(coverage_draws) < NOMINAL


@pytest.mark.parametrize("scenario", list(PROPORTION_SCENARIOS))
def test_clopper_pearson_never_below_95(scenario: str, coverage_draws: int) -> None:
    # The exact interval guarantees at least its nominal coverage.
    p, n = PROPORTION_SCENARIOS[scenario]
    coverage = _coverage(
        coverage_draws,
        seed=n,
        covered_in=_proportion_covered(p, n, "clopper_pearson"),
    )
    assert coverage >= NOMINAL - K_SE * _mc_se(coverage_draws)


@pytest.mark.parametrize("n", [30, 50])
def test_average_coverage_over_p(n: int, coverage_draws: int) -> None:
    # Averaged over p ~ Uniform(0.05, 0.95): Wilson, Jeffreys and
    # Agresti-Coull within a point of 95% (Agresti-Coull slightly above),
    # Clopper-Pearson above, Wald well below.
    def average(method: str) -> float:
        return _coverage(
            coverage_draws, seed=n, covered_in=_proportion_covered(None, n, method)
        )

    for method in ("wilson", "jeffreys", "agresti_coull"):
        _assert_near_nominal(average(method), coverage_draws, slack=0.01)
    margin = K_SE * _mc_se(coverage_draws)
    assert average("clopper_pearson") - margin > NOMINAL
    assert average("wald") + margin < 0.94


def test_weighted_wilson_coverage_uses_effective_n(coverage_draws: int) -> None:
    # CSAT-style share of 0.45 among 100 weighted respondents, as in the NPS
    # case: successes enter as share * n_eff out of n_eff.
    p, n = 0.45, 100

    def covered_in(rng: np.random.Generator, size: int) -> int:
        satisfied = rng.random(size=(size, n)) < p
        weights = rng.lognormal(0.0, 0.7, size=(size, n))
        share = (weights * satisfied).sum(axis=1) / weights.sum(axis=1)
        n_eff = weights.sum(axis=1) ** 2 / (weights**2).sum(axis=1)
        low, high = proportion_interval(share * n_eff, n_eff, method="wilson")
        return int(np.count_nonzero((low <= p) & (p <= high)))

    coverage = _coverage(coverage_draws, seed=6, covered_in=covered_in)
    _assert_near_nominal(coverage, coverage_draws, slack=0.015)


# ---------------------------------------------------------------------------
# Means: Student t on a 1-5 rating scale


@pytest.mark.parametrize("n", [30, 100])
def test_mean_t_coverage_near_95(n: int, coverage_draws: int) -> None:
    # Ratings 1-5 with shares 10/10/20/30/30% (true mean 3.6, left-skewed):
    # the t interval is near 95% by n = 30 (94.6%).
    shares = np.array([0.1, 0.1, 0.2, 0.3, 0.3])
    points = np.arange(1.0, 6.0)
    truth = float(shares @ points)

    def covered_in(rng: np.random.Generator, size: int) -> int:
        counts = rng.multinomial(n, shares, size=size)
        mean = counts @ points / n
        std = np.sqrt((counts @ points**2 - n * mean**2) / (n - 1))
        low, high = mean_interval(mean, std, n)
        return int(np.count_nonzero((low <= truth) & (truth <= high)))

    coverage = _coverage(coverage_draws, seed=n, covered_in=covered_in)
    _assert_near_nominal(coverage, coverage_draws, slack=0.01)
