"""Customer Effort Score (CES) in its common variants."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cxmetrics._estimators import (
    Estimator,
    mean_estimator,
    net_estimator,
    rate_estimator,
)
from cxmetrics._plans import Plan, segmentable
from cxmetrics._scale import (
    mean_plan,
    net_plan,
    points_text,
    rating_scale,
    scale_from_ratings,
    share_plan,
)
from cxmetrics._validation import (
    InputError,
    NanPolicy,
    Scale,
    check_option,
    check_points,
    check_resamples,
    check_rng,
    check_scale,
    format_examples,
    format_scale,
)
from cxmetrics.results import MeanResult, NetScoreResult, RateResult

__all__ = ["ces"]

#: The CES variants: the mean rating, the share of easy answers, and the
#: share easy minus the share difficult (Net Easy), in points.
CES_METHODS = ("mean", "percent_easy", "net_easy")
_DEFAULT_CI = {"mean": "t", "percent_easy": "wilson", "net_easy": "adjusted_wald"}


def _halves(scale: Scale) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Points above and below the scale's midpoint: easy and difficult."""
    points = np.arange(scale[0], scale[1] + 1, dtype=np.int64)
    middle = (scale[0] + scale[1]) / 2
    return points[points > middle], points[points < middle]


def _ces_plan(
    *,
    scale: object,
    method: object,
    easy: object,
    difficult: object,
    ci: object,
    confidence: object,
    nan_policy: object,
    n_resamples: object,
    rng: object,
) -> Plan:
    """Check the options of `ces` in its order; ``ci='auto'`` picks the default."""
    func = "ces"
    check_option(func, "method", method, CES_METHODS)
    if ci == "auto":
        ci = _DEFAULT_CI[str(method)]
    sc = check_scale(func, rating_scale(func, None, scale, (1, 7)))
    default_easy, default_difficult = _halves(sc)
    easy_points = default_easy if easy is None else check_points(func, "easy", easy, sc)
    difficult_points = (
        default_difficult
        if difficult is None
        else check_points(func, "difficult", difficult, sc)
    )
    overlap = np.intersect1d(easy_points, difficult_points)
    if overlap.size:
        raise InputError(
            f"{func}: easy and difficult must not overlap; both contain "
            f"{format_examples(overlap)}"
        )
    estimator: Estimator
    if method == "net_easy":
        estimator = net_estimator(
            func,
            ci,
            confidence,
            n_resamples,
            rng,
            label="Net Easy",
            definition=(
                f"easy {points_text(easy_points)}, difficult "
                f"{points_text(difficult_points)} of {format_scale(sc)}"
            ),
        )
        return net_plan(func, nan_policy, sc, easy_points, difficult_points, estimator)
    check_resamples(func, n_resamples)
    check_rng(func, rng)
    if method == "mean":
        return mean_plan(
            func, nan_policy, sc, mean_estimator(func, ci, confidence, label="CES")
        )
    return share_plan(
        func,
        nan_policy,
        sc,
        easy_points,
        rate_estimator(func, ci, confidence, label="CES easy"),
    )


@segmentable(_ces_plan, data=("ratings",), prepare=scale_from_ratings("ces", (1, 7)))
def ces(
    ratings: npt.ArrayLike,
    *,
    scale: Scale | None = None,
    method: str = "mean",
    easy: Sequence[int] | None = None,
    difficult: Sequence[int] | None = None,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "auto",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
) -> MeanResult | RateResult | NetScoreResult:
    r"""Customer Effort Score: how easy customers found it to get what they needed.

    The common question is "The company made it easy for me to handle my
    issue", answered on a 1-7 agreement scale where 7 is easiest.

    Parameters
    ----------
    ratings : array_like
        Whole points on ``scale``; high means easy. Labelled ratings, a
        pandas ordered Categorical of text ("Strongly disagree" < ... <
        "Strongly agree"), are read as the points 1..k in category order.
    scale : tuple of int, optional
        ``(low, high)``; by default 1-7, or (1, k) for k labels.
    method : {'mean', 'percent_easy', 'net_easy'}
        ``'mean'``: the mean rating (a `MeanResult`). ``'percent_easy'``: the
        share of easy answers (a `RateResult`). ``'net_easy'``: the share
        easy minus the share difficult, in points from -100 to 100 (a
        `NetScoreResult`, with the interval methods of NPS).
    easy, difficult : collection of int, optional
        The points that count as easy and as difficult. By default the
        points above and below the scale's midpoint: 5-7 and 1-3 on a 1-7
        scale. They must not overlap.
    weights : array_like, optional
        Non-negative survey weights; intervals use Kish's effective n.
    ci : str or None
        Interval method. ``'auto'`` (default) picks the default of the
        variant: ``'t'`` for the mean, ``'wilson'`` for percent easy,
        ``'adjusted_wald'`` for Net Easy. Otherwise a method the variant
        supports, or None for no interval.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing ratings.
    n_resamples : int
        Draws for the bootstrap and Bayesian Net Easy intervals.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap and Bayesian Net Easy intervals.

    Returns
    -------
    MeanResult, RateResult or NetScoreResult
        By ``method``, as described above.

    Raises
    ------
    InputError
        Bad ratings or weights, no valid ratings, ``easy`` and ``difficult``
        points that overlap or fall outside the scale, an unknown option.

    Notes
    -----
    Net Easy is computed like NPS: with :math:`p_e` and :math:`p_d` the
    shares of easy and difficult answers,
    :math:`\mathrm{NetEasy} = 100\,(p_e - p_d)` with the trinomial variance
    :math:`(p_e + p_d - (p_e - p_d)^2) / n`.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> ratings = [7, 6, 5, 5, 4, 3, 7, 2, 6, 7]
    >>> print(cx.ces(ratings))
    CES 5.20 (95% CI 3.95 to 6.45, Student t), n=10
    >>> print(cx.ces(ratings, method="percent_easy"))
    CES easy 70.0% (95% CI 39.7% to 89.2%, Wilson), n=10
    >>> print(cx.ces(ratings, method="net_easy"))
    Net Easy 50.0 (95% CI -5.7 to 82.6, adjusted Wald), n=10
    """
    plan = _ces_plan(
        scale=rating_scale("ces", ratings, scale, (1, 7)),
        method=method,
        easy=easy,
        difficult=difficult,
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
        n_resamples=n_resamples,
        rng=rng,
    )
    result: MeanResult | RateResult | NetScoreResult = plan.result(
        {"ratings": ratings, "weights": weights}
    )
    return result
