"""Confidence intervals on sufficient statistics, vectorized over arrays.

Every function here takes arrays of statistics (counts, effective sample
sizes, means and standard deviations) and returns a ``(low, high)`` pair of
float arrays of the broadcast shape, so one call serves one sample or ten
thousand segments. They assume the arguments are already validated; the
public metric functions do that.

scipy is imported inside the functions that need it, so that
``import cxmetrics`` stays fast.
"""

from __future__ import annotations

from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "MEAN_METHODS",
    "NET_SCORE_METHODS",
    "PROPORTION_METHODS",
    "effective_sample_size",
    "mean_interval",
    "net_score_interval",
    "proportion_interval",
    "z_critical",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
ArrayLike: TypeAlias = npt.ArrayLike

PROPORTION_METHODS: Final = (
    "wilson",
    "agresti_coull",
    "clopper_pearson",
    "jeffreys",
    "wald",
)
NET_SCORE_METHODS: Final = ("adjusted_wald", "wald", "bootstrap", "bayes")
MEAN_METHODS: Final = ("t",)

#: Pseudo-counts added by the adjusted Wald interval (Rocks 2016): 3/4 of a
#: promoter, 3/2 of a passive and 3/4 of a detractor, so n grows by 3.
ADJUSTED_WALD_PSEUDO: Final = (0.75, 1.5, 0.75)
#: Dirichlet prior of the Bayesian net-score interval: one pseudo-response per
#: category (the uniform distribution over the three shares).
DIRICHLET_PRIOR: Final = (1.0, 1.0, 1.0)


def z_critical(confidence: float) -> float:
    """Two-sided standard normal critical value, ``Phi^-1(1 - alpha / 2)``.

    Computed from the tail probability ``alpha / 2``, which is exact in
    floating point, rather than from ``1 - alpha / 2``, which is rounded.
    """
    from scipy.special import ndtri

    return float(-ndtri((1.0 - confidence) / 2.0))


def effective_sample_size(
    sum_weights: ArrayLike, sum_squared_weights: ArrayLike
) -> FloatArray:
    """Kish's effective sample size, ``(sum w)^2 / sum w^2``; 0 where there is none.

    Equal to the count when every weight is 1; smaller the more unequal the
    weights. It is exactly ``sum_w`` when ``sum_w2 == sum_w`` (every weight
    1), and computed as ``sum_w * (sum_w / sum_w2)`` for sums so large that
    their square would overflow.

    Examples
    --------
    >>> float(effective_sample_size(4.0, 4.0))
    4.0
    >>> float(effective_sample_size(1 + 1 + 2, 1 + 1 + 4))
    2.6666666666666665
    """
    sw = np.asarray(sum_weights, dtype=np.float64)
    sw2 = np.asarray(sum_squared_weights, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        kish = np.where(np.abs(sw) < 1e150, sw * sw / sw2, sw * (sw / sw2))
        kish = np.where(sw2 == sw, sw, kish)
        return np.asarray(np.where(sw2 > 0, kish, 0.0), dtype=np.float64)


def proportion_interval(
    successes: ArrayLike,
    n: ArrayLike,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for a binomial proportion, vectorized.

    Numerically equal to ``statsmodels.stats.proportion.proportion_confint``
    for the same method (``"wald"`` is its ``"normal"``, ``"clopper_pearson"``
    its ``"beta"``), but for one case: at ``successes = 0`` the Jeffreys
    interval starts at 0, and at ``successes = n`` it ends at 1, as Brown,
    Cai and DasGupta (2001) define it. Without that rule (statsmodels) the
    interval would leave out the estimate itself: 26 satisfied answers of
    26 would get an upper bound below 100%. ``successes`` and ``n`` may be
    non-integer (weighted data enter as ``share * effective_n`` and
    ``effective_n``).

    Parameters
    ----------
    successes, n : array_like
        Counts of successes and of trials; they broadcast together.
    method : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald'}
        The interval. Wilson is the default (Brown, Cai and DasGupta 2001
        recommend it, or Jeffreys, for all n).
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    low, high : ndarray
        Bounds in [0, 1]; NaN where ``n`` is 0.

    Examples
    --------
    >>> low, high = proportion_interval(81, 100)
    >>> print(f"{float(low):.4f} {float(high):.4f}")
    0.7222 0.8749
    """
    x = np.asarray(successes, dtype=np.float64)
    nobs = np.asarray(n, dtype=np.float64)
    alpha = 1.0 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        q = x / nobs
        if method == "wilson":
            low, high = _wilson(q, nobs, z_critical(confidence))
        elif method == "agresti_coull":
            low, high = _agresti_coull(x, nobs, z_critical(confidence))
        elif method == "wald":
            z = z_critical(confidence)
            dist = z * np.sqrt(q * (1.0 - q) / nobs)
            low, high = np.clip(q - dist, 0.0, 1.0), np.clip(q + dist, 0.0, 1.0)
        elif method == "clopper_pearson":
            low, high = _beta_bounds(x, nobs - x + 1.0, x + 1.0, nobs - x, alpha)
        elif method == "jeffreys":
            low, high = _beta_bounds(
                x + 0.5, nobs - x + 0.5, x + 0.5, nobs - x + 0.5, alpha
            )
            # Brown, Cai and DasGupta's boundary rule: 0 and 1 at x = 0 and n.
            low = np.where(x <= 0.0, 0.0, low)
            high = np.where(x >= nobs, 1.0, high)
        else:
            raise ValueError(f"unknown proportion interval method {method!r}")
    low = np.where(nobs > 0, low, np.nan)
    high = np.where(nobs > 0, high, np.nan)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _wilson(q: FloatArray, n: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    z2 = z * z
    denom = 1.0 + z2 / n
    center = (q + z2 / (2.0 * n)) / denom
    dist = z * np.sqrt(q * (1.0 - q) / n + z2 / (4.0 * n * n)) / denom
    # The bounds are exactly 0 at q = 0 and 1 at q = 1; rounding must not move
    # them past those ends, nor leave out an estimate of 0 or 1.
    low = np.where(q <= 0.0, 0.0, np.clip(center - dist, 0.0, 1.0))
    high = np.where(q >= 1.0, 1.0, np.clip(center + dist, 0.0, 1.0))
    return low, high


def _agresti_coull(
    x: FloatArray, n: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    z2 = z * z
    n_tilde = n + z2
    q_tilde = (x + z2 / 2.0) / n_tilde
    dist = z * np.sqrt(q_tilde * (1.0 - q_tilde) / n_tilde)
    return np.clip(q_tilde - dist, 0.0, 1.0), np.clip(q_tilde + dist, 0.0, 1.0)


def _beta_bounds(
    a_low: FloatArray,
    b_low: FloatArray,
    a_high: FloatArray,
    b_high: FloatArray,
    alpha: float,
) -> tuple[FloatArray, FloatArray]:
    """Beta quantile bounds; a zero shape parameter means the bound is 0 or 1."""
    from scipy import stats

    low = np.where(
        a_low > 0, stats.beta.ppf(alpha / 2.0, np.maximum(a_low, 1e-300), b_low), 0.0
    )
    high = np.where(
        b_high > 0, stats.beta.isf(alpha / 2.0, a_high, np.maximum(b_high, 1e-300)), 1.0
    )
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def net_score_interval(
    positive: ArrayLike,
    neutral: ArrayLike,
    negative: ArrayLike,
    *,
    method: str = "adjusted_wald",
    confidence: float = 0.95,
    effective_n: ArrayLike | None = None,
    n_resamples: int = 10_000,
    rng: np.random.Generator | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Confidence interval for a net score such as NPS, in points (-100 to 100).

    A net score is ``100 * (p+ - p-)``, the share of positive answers
    (promoters) minus the share of negative ones (detractors), from a
    trinomial sample.

    Parameters
    ----------
    positive, neutral, negative : array_like
        Counts per category (weighted counts for weighted data). They
        broadcast together.
    method : {'adjusted_wald', 'wald', 'bootstrap', 'bayes'}
        ``'wald'``: ``p +- z * sqrt(var / n)`` with the trinomial variance
        ``var = p+ + p- - (p+ - p-)^2``. ``'adjusted_wald'``: the same after
        adding 3/4 promoter, 3/2 passive and 3/4 detractor (n + 3), centred on
        the adjusted score (Rocks 2016). ``'bootstrap'``: percentile interval
        of ``n_resamples`` multinomial resamples of the three counts.
        ``'bayes'``: equal-tailed credible interval of the Dirichlet posterior
        with a uniform Dirichlet(1, 1, 1) prior, by ``n_resamples`` draws.
    confidence : float
        Confidence level in (0, 1).
    effective_n : array_like, optional
        Kish effective sample size for weighted data. The shares come from
        the (weighted) counts and the sample size from ``effective_n``. By
        default it is the sum of the counts.
    n_resamples : int
        Draws for ``'bootstrap'`` and ``'bayes'``.
    rng : numpy.random.Generator, optional
        Source of randomness for ``'bootstrap'`` and ``'bayes'``.

    Returns
    -------
    low, high : ndarray
        Bounds in points, clipped to [-100, 100]; NaN where n is 0.

    Notes
    -----
    The bootstrap and the Bayesian interval cost O(n_resamples) per sample,
    whatever its size: they draw the three counts, never the rows. With
    weights, the counts are drawn for a sample of ``round(effective_n)``
    responses with the weighted shares.

    Examples
    --------
    200 responses: 90 promoters, 60 passives, 50 detractors (NPS 20).

    >>> low, high = net_score_interval(90, 60, 50, method="wald")
    >>> print(f"{float(low):.2f} to {float(high):.2f}")
    8.74 to 31.26
    """
    pos = np.asarray(positive, dtype=np.float64)
    neu = np.asarray(neutral, dtype=np.float64)
    neg = np.asarray(negative, dtype=np.float64)
    total = pos + neu + neg
    n = total if effective_n is None else np.asarray(effective_n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_pos = pos / total
        p_neg = neg / total
        p_neu = neu / total
        if method == "wald":
            low, high = _net_wald(p_pos, p_neg, n, z_critical(confidence))
        elif method == "adjusted_wald":
            a_pos, a_neu, a_neg = ADJUSTED_WALD_PSEUDO
            n_adj = n + a_pos + a_neu + a_neg
            low, high = _net_wald(
                (p_pos * n + a_pos) / n_adj,
                (p_neg * n + a_neg) / n_adj,
                n_adj,
                z_critical(confidence),
            )
        elif method == "bootstrap":
            generator = rng if rng is not None else np.random.default_rng()
            low, high = _net_bootstrap(
                p_pos, p_neg, n, confidence, n_resamples, generator
            )
        elif method == "bayes":
            generator = rng if rng is not None else np.random.default_rng()
            low, high = _net_bayes(
                p_pos, p_neu, p_neg, n, confidence, n_resamples, generator
            )
        else:
            raise ValueError(f"unknown net score interval method {method!r}")
    valid = n > 0
    low = np.where(valid, np.clip(low, -100.0, 100.0), np.nan)
    high = np.where(valid, np.clip(high, -100.0, 100.0), np.nan)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _net_wald(
    p_pos: FloatArray, p_neg: FloatArray, n: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    diff = p_pos - p_neg
    variance = np.maximum(p_pos + p_neg - diff * diff, 0.0)
    half = z * np.sqrt(variance / n)
    return 100.0 * (diff - half), 100.0 * (diff + half)


def _quantile_bounds(
    draws: FloatArray, confidence: float
) -> tuple[FloatArray, FloatArray]:
    alpha = 1.0 - confidence
    low, high = np.quantile(draws, [alpha / 2.0, 1.0 - alpha / 2.0], axis=0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _net_bootstrap(
    p_pos: FloatArray,
    p_neg: FloatArray,
    n: FloatArray,
    confidence: float,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    # Multinomial draws of the three counts, as two binomials, never the rows.
    shape = np.broadcast(p_pos, p_neg, n).shape
    size = (n_resamples, *shape)
    valid = np.isfinite(p_pos) & np.isfinite(p_neg) & (n > 0)
    m = np.where(valid, np.maximum(np.rint(n), 1.0), 1.0).astype(np.int64)
    pp = np.where(valid, p_pos, 0.0)
    pn = np.where(valid, p_neg, 0.0)
    # Share of detractors among the non-promoters; 0/0 when all are promoters.
    rest = np.where(
        pp < 1.0, np.clip(pn / np.where(pp < 1.0, 1.0 - pp, 1.0), 0.0, 1.0), 0.0
    )
    promoters = rng.binomial(m, np.clip(pp, 0.0, 1.0), size=size)
    detractors = rng.binomial(m - promoters, rest, size=size)
    draws = 100.0 * (promoters - detractors) / m
    return _quantile_bounds(draws, confidence)


def _net_bayes(
    p_pos: FloatArray,
    p_neu: FloatArray,
    p_neg: FloatArray,
    n: FloatArray,
    confidence: float,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    shape = np.broadcast(p_pos, p_neg, n).shape
    size = (n_resamples, *shape)
    valid = np.isfinite(p_pos) & np.isfinite(p_neg) & (n > 0)
    counts = [np.where(valid, p * n, 0.0) for p in (p_pos, p_neu, p_neg)]
    g_pos, g_neu, g_neg = (
        rng.standard_gamma(c + prior, size=size)
        for c, prior in zip(counts, DIRICHLET_PRIOR, strict=True)
    )
    draws = 100.0 * (g_pos - g_neg) / (g_pos + g_neu + g_neg)
    return _quantile_bounds(draws, confidence)


def mean_interval(
    mean: ArrayLike,
    std: ArrayLike,
    effective_n: ArrayLike,
    *,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Student t interval for a mean: ``mean +- t(n - 1) * std / sqrt(n)``.

    With weights, ``effective_n`` is Kish's effective sample size and the
    degrees of freedom are ``effective_n - 1``; this equals statsmodels'
    ``DescrStatsW(x, weights).tconfint_mean()`` with the weights scaled to
    sum to the effective sample size.

    Parameters
    ----------
    mean, std, effective_n : array_like
        Sample mean, sample standard deviation (``n - 1`` in the
        denominator) and (effective) sample size.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    low, high : ndarray
        NaN where the sample size is 1 or less.

    Examples
    --------
    >>> low, high = mean_interval(4.0, 1.0, 25)
    >>> print(f"{float(low):.4f} to {float(high):.4f}")
    3.5872 to 4.4128
    """
    from scipy.special import stdtrit

    m = np.asarray(mean, dtype=np.float64)
    s = np.asarray(std, dtype=np.float64)
    n = np.asarray(effective_n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(n > 1.0, n - 1.0, np.nan)
        t = stdtrit(df, 0.5 + confidence / 2.0)
        # No spread, no width: even where t is infinite (df near 0).
        half = np.where(s == 0.0, 0.0, t * s / np.sqrt(n))
    return np.asarray(m - half, dtype=np.float64), np.asarray(
        m + half, dtype=np.float64
    )
