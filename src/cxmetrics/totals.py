"""Results rebuilt from stored statistics, for running totals.

A service that keeps per-day (or per-hour, per-team) totals instead of raw
rows can report any range: sum the stored statistics over the range and
rebuild the result from the sums. `nps_from_counts` does this for NPS; this
module does it for the other additive results. The interval is estimated
from the sums exactly as the metric would on the raw rows, so the rebuilt
result equals the one computed on the rows themselves.

What to store per period:

- a share (CSAT, top-box, FCR, service level, conversion, churn, ...): the
  count of successes and the count of observations;
- a net score other than NPS (Net Easy): the positive, neutral and negative
  counts;
- a mean (mean score, CES mean, ASA, AHT): the count, the sum of the values
  and the sum of their squares.

These functions take unweighted counts. For weighted results, keep the
result records themselves and combine them with ``merge``, which carries the
sums of weights and Kish's effective sample size.
"""

from __future__ import annotations

import math

import numpy as np

from cxmetrics._estimators import mean_estimator, net_estimator, rate_estimator
from cxmetrics._stats import MomentStats, NetStats, RateStats
from cxmetrics._validation import InputError, check_count
from cxmetrics.results import MeanResult, NetScoreResult, RateResult

__all__ = ["mean_from_sums", "net_score_from_counts", "rate_from_counts"]


def rate_from_counts(
    successes: int,
    n: int,
    *,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    label: str = "Rate",
    definition: str = "",
) -> RateResult:
    """A share rebuilt from its count of successes and of observations.

    Parameters
    ----------
    successes : int
        Observations counted as a success (satisfied answers, calls answered
        in time, tickets resolved at first contact, ...).
    n : int
        All observations; at least ``successes`` and at least 1.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method, as in `csat`.
    confidence : float
        Confidence level in (0, 1).
    label : str
        What the share is called, e.g. ``"CSAT"``.
    definition : str
        What exactly is counted, as results computed on rows record it (for
        example ``cx.csat(ratings).definition`` is ``"4, 5 of 1-5"``); results
        merge and compare only when their labels and definitions agree.

    Returns
    -------
    RateResult
        Equal to the metric's result on rows with these counts.

    Raises
    ------
    InputError
        A count that is negative or not whole, ``n`` of 0, or more
        successes than observations.

    Examples
    --------
    Two days of stored CSAT counts, reported as one week-to-date result:

    >>> import cxmetrics as cx
    >>> days = [(412, 520), (388, 495)]
    >>> successes = sum(s for s, _ in days)
    >>> total = sum(n for _, n in days)
    >>> print(cx.rate_from_counts(successes, total, label="CSAT"))
    CSAT 78.8% (95% CI 76.2% to 81.2%, Wilson), n=1,015
    """
    func = "rate_from_counts"
    estimator = rate_estimator(func, ci, confidence, label=label, definition=definition)
    hits = check_count(func, "successes", successes)
    count = check_count(func, "n", n)
    if count == 0:
        raise InputError(f"{func}: n is 0; there is no observation to rate")
    if hits > count:
        raise InputError(f"{func}: successes ({hits:,}) cannot exceed n ({count:,})")
    return estimator.result(RateStats.of_counts(hits, count, n=count))


def net_score_from_counts(
    positive: int,
    neutral: int,
    negative: int,
    *,
    ci: str | None = "adjusted_wald",
    confidence: float = 0.95,
    label: str = "Net score",
    definition: str = "",
) -> NetScoreResult:
    """A net score (positive share minus negative share) rebuilt from counts.

    The NPS machinery for any three-way answer: Net Easy from the easy,
    neutral and difficult counts of a CES question, for example. For NPS
    itself use `nps_from_counts`, which returns an `NPSResult`.

    Parameters
    ----------
    positive, neutral, negative : int
        Non-negative whole counts, not all zero.
    ci : {'adjusted_wald', 'wald', 'score', None}
        Interval method, as in `nps`. The resampling methods need the
        random-number options of `nps_from_counts`.
    confidence : float
        Confidence level in (0, 1).
    label : str
        What the score is called, e.g. ``"Net Easy"``.
    definition : str
        What exactly is counted, as results computed on rows record it (for
        example ``cx.csat(ratings).definition`` is ``"4, 5 of 1-5"``); results
        merge and compare only when their labels and definitions agree.

    Returns
    -------
    NetScoreResult
        Equal to ``ces(..., method="net_easy")`` on ratings with these counts
        when the label is ``"Net Easy"``.

    Raises
    ------
    InputError
        A count that is negative or not whole, or all counts zero.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> print(cx.net_score_from_counts(140, 40, 20, label="Net Easy"))
    Net Easy 60.0 (95% CI 49.9 to 68.3, adjusted Wald), n=200
    """
    func = "net_score_from_counts"
    if ci in ("bootstrap", "bayes"):
        raise InputError(
            f"{func}: ci={ci!r} needs n_resamples and rng; use 'adjusted_wald', "
            "'wald', 'score' or None, or rebuild the counts with nps_from_counts"
        )
    estimator = net_estimator(
        func, ci, confidence, 10_000, None, label=label, definition=definition
    )
    pos = check_count(func, "positive", positive)
    neu = check_count(func, "neutral", neutral)
    neg = check_count(func, "negative", negative)
    n = pos + neu + neg
    if n == 0:
        raise InputError(f"{func}: the counts are all zero; there is nothing to score")
    result = estimator.result(NetStats.of_counts(pos, neu, neg, n=n))
    assert isinstance(result, NetScoreResult)
    return result


def mean_from_sums(
    n: int,
    total: float,
    sum_of_squares: float,
    *,
    ci: str | None = "t",
    confidence: float = 0.95,
    label: str = "Mean",
    definition: str = "",
) -> MeanResult:
    r"""A mean rebuilt from the count, the sum and the sum of squares.

    Parameters
    ----------
    n : int
        Number of observations, at least 1.
    total : float
        Sum of the values, :math:`\sum x`.
    sum_of_squares : float
        Sum of the squared values, :math:`\sum x^2`.
    ci : {'t', None}
        Student t interval, or None.
    confidence : float
        Confidence level in (0, 1).
    label : str
        What the mean is of, e.g. ``"AHT"``.
    definition : str
        What exactly is counted, as results computed on rows record it (for
        example ``cx.csat(ratings).definition`` is ``"4, 5 of 1-5"``); results
        merge and compare only when their labels and definitions agree.

    Returns
    -------
    MeanResult
        The mean and the sample standard deviation

        .. math::

            s = \sqrt{\frac{\sum x^2 - (\sum x)^2 / n}{n - 1}},

        NaN for ``n = 1``, with its Student t interval.

    Raises
    ------
    InputError
        ``n`` negative, zero or not whole; a sum that is not finite; or sums
        that no set of real numbers has (a sum of squares below
        :math:`(\sum x)^2 / n` beyond rounding).

    Notes
    -----
    The two sums are additive, so per-period sums add up to the sums of any
    range. Subtracting :math:`(\sum x)^2 / n` loses digits when the mean is
    large against the spread (handle times in seconds with a spread of a few
    seconds, say); shifting the values by a typical value before summing
    keeps the digits, and the mean is then shifted back by the caller.

    Examples
    --------
    Handle times of two days, stored as (count, sum, sum of squares):

    >>> import cxmetrics as cx
    >>> monday = [300.0, 420.0, 380.0]
    >>> tuesday = [350.0, 410.0]
    >>> days = [monday, tuesday]
    >>> n = sum(len(d) for d in days)
    >>> total = sum(sum(d) for d in days)
    >>> squares = sum(sum(x * x for x in d) for d in days)
    >>> print(cx.mean_from_sums(n, total, squares, label="AHT"))
    AHT 372.00 (95% CI 311.55 to 432.45, Student t), n=5
    """
    func = "mean_from_sums"
    estimator = mean_estimator(func, ci, confidence, label=label, definition=definition)
    count = check_count(func, "n", n)
    if count == 0:
        raise InputError(f"{func}: n is 0; there is no observation to average")
    sums = {
        "total": _finite_number(func, "total", total),
        "sum_of_squares": _finite_number(func, "sum_of_squares", sum_of_squares),
    }
    mean = sums["total"] / count
    deviations = sums["sum_of_squares"] - sums["total"] * mean
    # Rounding can leave a tiny negative remainder when every value is equal.
    if deviations < -1e-9 * max(abs(sums["sum_of_squares"]), 1.0):
        raise InputError(
            f"{func}: sum_of_squares ({sum_of_squares:g}) is below "
            f"total**2 / n ({sums['total'] * mean:g}); no set of values has these sums"
        )
    stats = MomentStats.of_moments(float(count), mean, max(deviations, 0.0), n=count)
    return estimator.result(stats)


def _finite_number(func: str, name: str, value: object) -> float:
    """A finite real number (Python or numpy), as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InputError(f"{func}: {name} must be a number; got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InputError(f"{func}: {name} must be finite; got {value!r}")
    return number
