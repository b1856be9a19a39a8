"""Two-sample differences and tests on sufficient statistics, vectorized.

Every function takes arrays of the two samples' statistics (counts,
effective sample sizes, means and standard deviations) that broadcast
together, and returns float arrays of the broadcast shape, so one call
compares one pair of samples or every segment with the rest at once. They
assume the arguments are already validated (`cxmetrics.compare` and the
segment functions do that); a sample of size 0 gives NaN.

Tests share one rule where the standard error is 0. The statistic is 0 and
the p-value 1 when the observed difference is also 0: every sample that
could have been drawn with the same totals shows the same difference, so
the exact conditional (permutation) p-value is 1. A non-zero difference over
a standard error of 0 gives an infinite statistic and a p-value of 0.

scipy is imported inside the functions that need it, so that
``import cxmetrics`` stays fast.
"""

from __future__ import annotations

from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt

from cxmetrics import intervals

__all__ = [
    "NET_SCORE_DIFFERENCE_METHODS",
    "RATE_DIFFERENCE_METHODS",
    "bootstrap_median_difference",
    "logrank_from_tables",
    "mean_difference",
    "median_test",
    "mood_test",
    "net_score_difference",
    "rate_difference",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
ArrayLike: TypeAlias = npt.ArrayLike
Difference: TypeAlias = tuple[
    FloatArray, FloatArray, FloatArray, FloatArray, FloatArray
]

NET_SCORE_DIFFERENCE_METHODS: Final = ("adjusted_wald", "wald")
RATE_DIFFERENCE_METHODS: Final = ("newcombe", "wald")


def _floats(*values: ArrayLike) -> list[FloatArray]:
    return [np.asarray(v, dtype=np.float64) for v in values]


def _two_sided_z(
    difference: FloatArray, se: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The z statistic and two-sided normal p-value; see the module for se == 0."""
    from scipy.special import ndtr

    statistic = _ratio_or_limit(difference, se)
    p_value = 2.0 * ndtr(-np.abs(statistic))
    return statistic, np.asarray(p_value, dtype=np.float64)


def _ratio_or_limit(difference: FloatArray, se: FloatArray) -> FloatArray:
    """``difference / se``; 0 for 0/0 and +-inf for d/0 (see the module notes)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = difference / se
    degenerate = (se == 0.0) & (difference == 0.0)
    return np.asarray(np.where(degenerate, 0.0, ratio), dtype=np.float64)


def _nan_unless(valid: npt.NDArray[np.bool_], *arrays: FloatArray) -> Difference:
    out = tuple(
        np.asarray(np.where(valid, a, np.nan), dtype=np.float64) for a in arrays
    )
    return out  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Net scores (NPS, Net Easy)


def _net_shares(
    positive: FloatArray,
    neutral: FloatArray,
    negative: FloatArray,
    effective_n: FloatArray,
    method: str,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Shares of positive and negative answers and the n to divide by.

    Adjusted Wald adds 3/4 positive, 3/2 neutral and 3/4 negative answers to
    a sample of ``effective_n``, as `intervals.net_score_interval` does.
    """
    total = positive + neutral + negative
    p_pos = positive / total
    p_neg = negative / total
    if method == "wald":
        return p_pos, p_neg, effective_n
    if method == "adjusted_wald":
        a_pos, a_neu, a_neg = intervals.ADJUSTED_WALD_PSEUDO
        n_adj = effective_n + a_pos + a_neu + a_neg
        return (
            (p_pos * effective_n + a_pos) / n_adj,
            (p_neg * effective_n + a_neg) / n_adj,
            n_adj,
        )
    raise ValueError(f"unknown net score difference method {method!r}")


def _trinomial_variance(p_pos: FloatArray, p_neg: FloatArray) -> FloatArray:
    net = p_pos - p_neg
    return np.maximum(p_pos + p_neg - net * net, 0.0)


def net_score_difference(
    pos_a: ArrayLike,
    neu_a: ArrayLike,
    neg_a: ArrayLike,
    eff_a: ArrayLike,
    pos_b: ArrayLike,
    neu_b: ArrayLike,
    neg_b: ArrayLike,
    eff_b: ArrayLike,
    *,
    method: str,
    confidence: float,
) -> Difference:
    r"""Difference of two independent net scores (NPS a - NPS b), in points.

    Parameters
    ----------
    pos_a, neu_a, neg_a : array_like
        Positive (promoter), neutral (passive) and negative (detractor)
        counts of sample a; sums of weights when weighted.
    eff_a : array_like
        Kish effective sample size of sample a; the sum of its counts when
        unweighted.
    pos_b, neu_b, neg_b, eff_b : array_like
        The same for sample b. All eight broadcast together.
    method : {'adjusted_wald', 'wald'}
        ``'wald'``: the unpooled normal interval and z test.
        ``'adjusted_wald'``: the same after the Rocks (2016) adjustment of
        each sample.
    confidence : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    diff : ndarray
        ``100 * ((p+_a - p-_a) - (p+_b - p-_b))`` from the observed shares,
        in points (-200 to 200).
    low, high : ndarray
        Interval bounds in points, clipped to [-200, 200].
    statistic : ndarray
        The z statistic.
    p_value : ndarray
        Two-sided p-value of the z test of no difference.

    Notes
    -----
    With the shares :math:`p_+, p_-` and sample size :math:`n` of each
    sample (after the adjustment for ``'adjusted_wald'``),

    .. math::

        \hat d = (p_{+a} - p_{-a}) - (p_{+b} - p_{-b}), \quad
        \mathrm{se} = \sqrt{\frac{v_a}{n_a} + \frac{v_b}{n_b}}, \quad
        v = p_+ + p_- - (p_+ - p_-)^2,

    the interval is :math:`100\,(\hat d \pm z_{1-\alpha/2}\,\mathrm{se})`
    and the statistic :math:`z = \hat d / \mathrm{se}`. The adjustment adds
    3/4 of a positive, 3/2 of a neutral and 3/4 of a negative answer to each
    sample (:math:`n + 3`); with weights the shares come from the weighted
    counts and :math:`n` is the effective sample size. For
    ``'adjusted_wald'`` the interval and the statistic use the adjusted
    difference, so the interval excludes 0 exactly when
    :math:`p < 1 - \text{confidence}`; ``diff`` is the observed difference.

    Examples
    --------
    NPS 20 (90/60/50) against NPS 0 (70/60/70):

    >>> diff, low, high, z, p = net_score_difference(
    ...     90, 60, 50, 200, 70, 60, 70, 200, method="wald", confidence=0.95)
    >>> print(f"{float(diff):.1f} ({float(low):.2f} to {float(high):.2f}), "
    ...       f"z={float(z):.3f}, p={float(p):.4f}")
    20.0 (3.84 to 36.16), z=2.425, p=0.0153
    """
    pa, ua, na, ea, pb, ub, nb, eb = _floats(
        pos_a, neu_a, neg_a, eff_a, pos_b, neu_b, neg_b, eff_b
    )
    total_a, total_b = pa + ua + na, pb + ub + nb
    with np.errstate(divide="ignore", invalid="ignore"):
        # Divide first, as the one-sample score does, so +-100 stays exact.
        diff = 100.0 * ((pa - na) / total_a - (pb - nb) / total_b)
        pos_sa, neg_sa, size_a = _net_shares(pa, ua, na, ea, method)
        pos_sb, neg_sb, size_b = _net_shares(pb, ub, nb, eb, method)
        centre = (pos_sa - neg_sa) - (pos_sb - neg_sb)
        se = np.sqrt(
            _trinomial_variance(pos_sa, neg_sa) / size_a
            + _trinomial_variance(pos_sb, neg_sb) / size_b
        )
    half = intervals.z_critical(confidence) * se
    low = np.clip(100.0 * (centre - half), -200.0, 200.0)
    high = np.clip(100.0 * (centre + half), -200.0, 200.0)
    statistic, p_value = _two_sided_z(centre, se)
    valid = (total_a > 0) & (ea > 0) & (total_b > 0) & (eb > 0)
    return _nan_unless(valid, diff, low, high, statistic, p_value)


# ---------------------------------------------------------------------------
# Rates


def rate_difference(
    successes_a: ArrayLike,
    n_a: ArrayLike,
    successes_b: ArrayLike,
    n_b: ArrayLike,
    *,
    method: str,
    confidence: float,
) -> Difference:
    r"""Difference of two independent proportions (rate a - rate b), a fraction.

    Parameters
    ----------
    successes_a, n_a, successes_b, n_b : array_like
        Successes and trials of the two samples; they broadcast together.
        Weighted data enter as effective counts: ``successes * eff / total``
        successes out of ``eff`` trials, with ``total`` the sum of the
        weights and ``eff`` Kish's effective sample size, as for one sample.
    method : {'newcombe', 'wald'}
        ``'newcombe'``: Newcombe's hybrid score interval with the pooled z
        test. ``'wald'``: the unpooled normal interval and z test.
    confidence : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    diff : ndarray
        ``successes_a / n_a - successes_b / n_b``, from -1 to 1.
    low, high : ndarray
        Interval bounds, within [-1, 1].
    statistic : ndarray
        The z statistic.
    p_value : ndarray
        Two-sided p-value of the z test of no difference.

    Notes
    -----
    Newcombe's interval (his method 10) combines the Wilson score intervals
    :math:`[l_a, u_a]` and :math:`[l_b, u_b]` of the two rates:

    .. math::

        \hat d - \sqrt{(\hat p_a - l_a)^2 + (u_b - \hat p_b)^2}, \quad
        \hat d + \sqrt{(u_a - \hat p_a)^2 + (\hat p_b - l_b)^2}.

    It equals statsmodels' ``confint_proportions_2indep(method="newcomb")``
    and keeps near its nominal coverage where the Wald interval does not
    (rates near 0 or 1, small samples). Its test is the classical pooled z
    test (the score test, equal to statsmodels' ``proportions_ztest``):

    .. math::

        z = \frac{\hat d}{\sqrt{\bar p (1 - \bar p) (1/n_a + 1/n_b)}}, \quad
        \bar p = \frac{x_a + x_b}{n_a + n_b},

    the p-value of the Pearson chi-squared test of the 2x2 table without
    continuity correction. Interval and test are both score methods but not
    inversions of each other, so in rare borderline cases one excludes 0 and
    the other does not. ``'wald'`` uses
    :math:`\hat d \pm z\,\sqrt{\hat p_a \hat q_a / n_a + \hat p_b \hat q_b / n_b}`
    (clipped to [-1, 1]) and :math:`z = \hat d / \mathrm{se}` with the same
    unpooled standard error (statsmodels' ``test_proportions_2indep(method=
    "wald")``).

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference
       between independent proportions: comparison of eleven methods.
       *Statistics in Medicine*, 17(8), 873-890.

    Examples
    --------
    >>> diff, low, high, z, p = rate_difference(
    ...     56, 70, 48, 80, method="newcombe", confidence=0.95)
    >>> print(f"{float(diff):.4f} ({float(low):.4f} to {float(high):.4f}), "
    ...       f"p={float(p):.4f}")
    0.2000 (0.0524 to 0.3339), p=0.0080
    """
    xa, na, xb, nb = _floats(successes_a, n_a, successes_b, n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa, pb = xa / na, xb / nb
        diff = pa - pb
        if method == "newcombe":
            low, high = _newcombe(xa, na, xb, nb, confidence)
            pooled = (xa + xb) / (na + nb)
            se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb))
        elif method == "wald":
            se = np.sqrt(pa * (1.0 - pa) / na + pb * (1.0 - pb) / nb)
            half = intervals.z_critical(confidence) * se
            low, high = np.clip(diff - half, -1.0, 1.0), np.clip(diff + half, -1.0, 1.0)
        else:
            raise ValueError(f"unknown rate difference method {method!r}")
    statistic, p_value = _two_sided_z(diff, np.maximum(se, 0.0))
    valid = (na > 0) & (nb > 0)
    return _nan_unless(valid, diff, low, high, statistic, p_value)


def _newcombe(
    xa: FloatArray, na: FloatArray, xb: FloatArray, nb: FloatArray, confidence: float
) -> tuple[FloatArray, FloatArray]:
    low_a, high_a = intervals.proportion_interval(
        xa, na, method="wilson", confidence=confidence
    )
    low_b, high_b = intervals.proportion_interval(
        xb, nb, method="wilson", confidence=confidence
    )
    pa, pb = xa / na, xb / nb
    diff = pa - pb
    low = diff - np.sqrt((pa - low_a) ** 2 + (high_b - pb) ** 2)
    high = diff + np.sqrt((high_a - pa) ** 2 + (pb - low_b) ** 2)
    return low, high


# ---------------------------------------------------------------------------
# Means


def mean_difference(
    mean_a: ArrayLike,
    std_a: ArrayLike,
    n_a: ArrayLike,
    mean_b: ArrayLike,
    std_b: ArrayLike,
    n_b: ArrayLike,
    *,
    confidence: float,
) -> Difference:
    r"""Difference of two independent means (mean a - mean b), Welch's t.

    Parameters
    ----------
    mean_a, std_a, n_a, mean_b, std_b, n_b : array_like
        Means, sample standard deviations (``n - 1`` in the denominator) and
        (effective) sample sizes of the two samples; they broadcast together.
    confidence : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    diff : ndarray
        ``mean_a - mean_b``.
    low, high : ndarray
        Welch interval bounds.
    statistic : ndarray
        Welch's t.
    p_value : ndarray
        Two-sided p-value; NaN where a sample has 1 value or fewer.

    Notes
    -----
    .. math::

        t = \frac{\bar x_a - \bar x_b}{\mathrm{se}}, \quad
        \mathrm{se}^2 = \frac{s_a^2}{n_a} + \frac{s_b^2}{n_b}, \quad
        \nu = \frac{\mathrm{se}^4}{\frac{(s_a^2/n_a)^2}{n_a - 1}
              + \frac{(s_b^2/n_b)^2}{n_b - 1}},

    referred to Student's t with the Welch-Satterthwaite degrees of freedom
    :math:`\nu`; the interval is :math:`\bar x_a - \bar x_b \pm
    t_{\nu, 1-\alpha/2}\,\mathrm{se}`. Equal to scipy's
    ``ttest_ind_from_stats(..., equal_var=False)`` and to the interval of
    ``ttest_ind(..., equal_var=False)``. Where both standard deviations are
    0 the interval is the single point ``diff`` and the test follows the
    module's rule for a standard error of 0 (scipy returns NaN there).

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem
       when several different population variances are involved.
       *Biometrika*, 34(1-2), 28-35.

    Examples
    --------
    >>> diff, low, high, t, p = mean_difference(
    ...     4.2, 0.9, 40, 3.8, 1.1, 50, confidence=0.95)
    >>> print(f"{float(diff):.2f} ({float(low):.3f} to {float(high):.3f}), "
    ...       f"t={float(t):.3f}, p={float(p):.4f}")
    0.40 (-0.019 to 0.819), t=1.897, p=0.0611
    """
    from scipy.special import stdtr, stdtrit

    ma, sa, na, mb, sb, nb = _floats(mean_a, std_a, n_a, mean_b, std_b, n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Variances in units of the larger sd: squares of tiny sds (1e-170)
        # would underflow to 0 and take the test with them.
        unit = np.maximum(sa, sb)
        unit = np.where(unit > 0, unit, 1.0)
        var_a, var_b = (sa / unit) ** 2 / na, (sb / unit) ** 2 / nb
        se = unit * np.sqrt(var_a + var_b)
        share = var_a / (var_a + var_b)
        df = 1.0 / (share**2 / (na - 1.0) + (1.0 - share) ** 2 / (nb - 1.0))
        diff = ma - mb
        statistic = _ratio_or_limit(diff, se)
        # At se == 0 the df are 0/0; the limits are p = 0 (or 1) and no width.
        p_value = np.where(
            se > 0, 2.0 * stdtr(df, -np.abs(statistic)), np.where(diff == 0, 1.0, 0.0)
        )
        half = np.where(se > 0, -stdtrit(df, (1.0 - confidence) / 2.0) * se, 0.0)
    valid = (na > 1) & (nb > 1) & np.isfinite(se)
    return _nan_unless(valid, diff, diff - half, diff + half, statistic, p_value)


# ---------------------------------------------------------------------------
# Medians of durations


def bootstrap_medians(
    sorted_values: FloatArray, n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    """Medians of ``n_resamples`` bootstrap resamples, drawn in O(n_resamples).

    A resample draws indices ``floor(n U)`` for ``n`` uniforms ``U``; as the
    values are sorted, its k-th smallest value is the value at the k-th
    smallest index, ``floor(n U_(k))``, and the order statistic ``U_(k)`` of
    ``n`` uniforms is Beta(k, n - k + 1). For an even ``n`` the next order
    statistic is ``U_(k) + (1 - U_(k)) B`` with ``B ~ Beta(1, n - k)``: the
    ``n - k`` uniforms above ``U_(k)`` are uniform on ``(U_(k), 1)``. The
    draws have exactly the distribution of the medians of resampled rows.
    """
    n = sorted_values.size
    k = (n + 1) // 2
    lower = rng.beta(k, n - k + 1, size=n_resamples)
    first = sorted_values[np.minimum((n * lower).astype(np.intp), n - 1)]
    if n % 2:
        return first
    upper = lower + (1.0 - lower) * rng.beta(1, n - k, size=n_resamples)
    second = sorted_values[np.minimum((n * upper).astype(np.intp), n - 1)]
    return np.asarray((first + second) / 2.0, dtype=np.float64)


def bootstrap_median_difference(
    sorted_a: FloatArray,
    sorted_b: FloatArray,
    *,
    confidence: float,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Percentile bootstrap interval of ``median(a) - median(b)``.

    Each sample is resampled on its own (independent samples), by
    `bootstrap_medians`; the bounds are the ``alpha / 2`` and
    ``1 - alpha / 2`` quantiles of the ``n_resamples`` differences.
    ``sorted_a`` and ``sorted_b`` must be sorted and non-empty.
    """
    draws = bootstrap_medians(sorted_a, n_resamples, rng) - bootstrap_medians(
        sorted_b, n_resamples, rng
    )
    alpha = 1.0 - confidence
    low, high = np.quantile(draws, [alpha / 2.0, 1.0 - alpha / 2.0])
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def mood_test(
    above_a: FloatArray, size_a: FloatArray, above_b: FloatArray, size_b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Mood's median test from the counts above the pooled median, vectorized.

    ``above_a`` of ``size_a`` values of sample a lie above the median of
    both samples pooled, ``above_b`` of ``size_b`` of sample b. Pearson's
    chi-squared with Yates' continuity correction (one degree of freedom) on
    the 2x2 table, as scipy's ``median_test`` with its defaults
    (``ties="below"``, ``correction=True``); statistic 0 and p-value 1 where
    no value, or every value, lies above the median (the split carries no
    information; scipy raises there). NaN where a sample is empty.

    Notes
    -----
    With :math:`o` the count above the median in sample a, :math:`e` its
    expectation under independence and :math:`E_{ij}` the four expected
    counts, every cell departs from its expectation by :math:`|o - e|`, so

    .. math::

        \chi^2 = \max(|o - e| - \tfrac12, 0)^2 \sum_{ij} \frac{1}{E_{ij}}.
    """
    from scipy.special import chdtrc

    total = size_a + size_b
    above = above_a + above_b
    below = total - above
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = sum(
            1.0 / (row * column / total)
            for row in (above, below)
            for column in (size_a, size_b)
        )
        departure = np.maximum(np.abs(above_a - above * size_a / total) - 0.5, 0.0)
        statistic = departure * departure * inverse
    degenerate = (above == 0) | (below == 0)
    statistic = np.where(degenerate, 0.0, statistic)
    p_value = np.where(degenerate, 1.0, chdtrc(1.0, statistic))
    valid = (size_a > 0) & (size_b > 0)
    return np.where(valid, statistic, np.nan), np.where(valid, p_value, np.nan)


def median_test(sorted_a: FloatArray, sorted_b: FloatArray) -> tuple[float, float]:
    """Mood's median test of two sorted samples: chi-squared statistic and p-value.

    Counts the values of each sample above the pooled median and runs
    `mood_test` on the counts.
    """
    grand = float(np.median(np.concatenate([sorted_a, sorted_b])))
    above_a = sorted_a.size - int(np.searchsorted(sorted_a, grand, side="right"))
    above_b = sorted_b.size - int(np.searchsorted(sorted_b, grand, side="right"))
    statistic, p_value = mood_test(
        np.float64(above_a),
        np.float64(sorted_a.size),
        np.float64(above_b),
        np.float64(sorted_b.size),
    )
    return float(statistic), float(p_value)


# ---------------------------------------------------------------------------
# Survival


def _on_times(
    times: FloatArray, table_times: FloatArray, values: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """Read a life-table column at ``times``: index of the next table time."""
    index = np.searchsorted(table_times, times, side="left")
    inside = index < table_times.size
    clipped = np.minimum(index, max(table_times.size - 1, 0))
    return values[clipped], inside, clipped


def _group_on(
    times: FloatArray,
    table_times: FloatArray,
    at_risk: FloatArray,
    events: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """A group's numbers at risk and events at the pooled ``times``.

    No one leaves the risk set between two of the group's table times, so the
    number at risk at a pooled time is that at the group's next table time,
    and 0 after its last (assumes no delayed entry).
    """
    if table_times.size == 0:
        zeros = np.zeros(times.size)
        return zeros, zeros
    n_next, inside, index = _on_times(times, table_times, at_risk)
    n_at = np.where(inside, n_next, 0.0)
    d_at = np.where(inside & (table_times[index] == times), events[index], 0.0)
    return n_at, d_at


def logrank_from_tables(
    times_a: ArrayLike,
    at_risk_a: ArrayLike,
    events_a: ArrayLike,
    times_b: ArrayLike,
    at_risk_b: ArrayLike,
    events_b: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    r"""Log-rank test from two life tables: chi-squared statistic (1 df) and p.

    Parameters
    ----------
    times_a, at_risk_a, events_a : array_like
        Group a's life table: its sorted distinct times, the number at risk
        just before each and the events at each (sums of weights when
        weighted), as on a `cxmetrics.SurvivalCurve`.
    times_b, at_risk_b, events_b : array_like
        The same for group b.

    Returns
    -------
    statistic, p_value : ndarray
        Zero-dimensional arrays: the chi-squared statistic with one degree
        of freedom and its p-value.

    Notes
    -----
    The tables are put on the pooled event times. A group's number at risk
    at a time missing from its table is that at its next table time, and 0
    after its last: this assumes no delayed entry (no subject joins the risk
    set after time 0), which holds for curves estimated without ``entry``.
    At each pooled event time :math:`t_j`, with :math:`n_j = n_{aj} +
    n_{bj}` at risk and :math:`d_j` events,

    .. math::

        E_j = d_j \frac{n_{aj}}{n_j}, \quad
        V_j = d_j \frac{n_{aj}}{n_j} \frac{n_{bj}}{n_j}
              \frac{n_j - d_j}{n_j - 1}, \quad
        \chi^2 = \frac{\left(\sum_j (d_{aj} - E_j)\right)^2}{\sum_j V_j}.

    A total variance of 0 (no events, or only times at which one group has
    no one at risk or everyone at risk has the event) forces
    :math:`\sum_j (d_{aj} - E_j) = 0`; the statistic is then 0 and the
    p-value 1.

    References
    ----------
    .. [1] Mantel, N. (1966). Evaluation of survival data and two new rank
       order statistics arising in its consideration. *Cancer Chemotherapy
       Reports*, 50(3), 163-170.

    Examples
    --------
    Group a: events at 1, 2 and 3 among 3 subjects; group b: events at 4 and
    5 among 2.

    >>> stat, p = logrank_from_tables(
    ...     [1, 2, 3], [3, 2, 1], [1, 1, 1], [4, 5], [2, 1], [1, 1])
    >>> print(f"{float(stat):.4f} {float(p):.4f}")
    3.4462 0.0634
    """
    from cxmetrics._life_tables import logrank_on_grid

    ta, na_table, da_table, tb, nb_table, db_table = _floats(
        times_a, at_risk_a, events_a, times_b, at_risk_b, events_b
    )
    times = np.union1d(ta[da_table > 0], tb[db_table > 0])
    n_a, d_a = _group_on(times, ta, na_table, da_table)
    n_b, d_b = _group_on(times, tb, nb_table, db_table)
    return logrank_on_grid(n_a, d_a, n_b, d_b)
