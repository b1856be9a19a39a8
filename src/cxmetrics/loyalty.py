"""Loyalty and satisfaction: NPS, CSAT, top-box and mean scores.

Each metric summarizes the answers into a histogram of scale points (the
additive sufficient statistic) and estimates from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._estimators import (
    mean_estimator,
    net_estimator,
    rate_estimator,
)
from cxmetrics._plans import Plan, segmentable
from cxmetrics._scale import (
    mean_plan,
    net_plan,
    rating_scale,
    scale_from_ratings,
    share_plan,
)
from cxmetrics._stats import NetStats
from cxmetrics._validation import (
    InputError,
    NanPolicy,
    Scale,
    check_count,
    check_points,
    check_positive_int,
    check_scale,
    check_scale_values,
    format_scale,
    to_float_array,
)
from cxmetrics.results import MeanResult, NPSResult, RateResult

__all__ = [
    "csat",
    "mean_score",
    "nps",
    "nps_category",
    "nps_from_counts",
    "top_box",
]

NPS_SCALE: Scale = (0, 10)
#: The three NPS categories, in order: scores 0-6, 7-8 and 9-10.
NPS_CATEGORIES = ("detractor", "passive", "promoter")


def _nps_plan(
    *,
    ci: object,
    confidence: object,
    nan_policy: object,
    n_resamples: object,
    rng: object,
) -> Plan:
    estimator = net_estimator("nps", ci, confidence, n_resamples, rng, nps=True)
    return net_plan(
        "nps",
        nan_policy,
        NPS_SCALE,
        [9, 10],
        range(7),
        estimator,
        name="scores",
        labels=False,
    )


@segmentable(_nps_plan, data=("scores",))
def nps(
    scores: npt.ArrayLike,
    *,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "adjusted_wald",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
) -> NPSResult:
    r"""Net Promoter Score of 0-10 "how likely are you to recommend" answers.

    Promoters answer 9 or 10, passives 7 or 8, detractors 0 to 6. NPS is the
    share of promoters minus the share of detractors, in points from -100 to
    100.

    Parameters
    ----------
    scores : array_like
        Whole numbers from 0 to 10 (list, numpy array, pandas Series with a
        numpy or nullable dtype, or a Categorical of numbers). Missing values
        (NaN, None, ``pd.NA``) follow ``nan_policy``.
    weights : array_like, optional
        Non-negative survey weights aligned with ``scores`` (e.g.
        post-stratification weights). The estimate is weighted and the
        interval uses Kish's effective sample size.
    ci : {'adjusted_wald', 'wald', 'bootstrap', 'bayes', None}
        Interval method; None for no interval. See Notes.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        ``'omit'`` leaves missing scores out and counts them in
        ``n_missing``; ``'raise'`` raises `InputError`; ``'propagate'``
        returns NaN for the value and the interval.
    n_resamples : int
        Draws for the bootstrap and Bayesian intervals.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap and Bayesian intervals.

    Returns
    -------
    NPSResult
        ``value`` (points), ``n``, ``promoters``, ``passives``,
        ``detractors``, ``ci``, ``n_missing``, ``effective_n`` and the shares
        ``promoter_share``, ``passive_share``, ``detractor_share``.

    Raises
    ------
    InputError
        Scores that are not numbers, outside 0-10 or not whole; bad weights;
        no valid scores; an unknown option.

    Notes
    -----
    With :math:`p_+` and :math:`p_-` the shares of promoters and detractors,

    .. math::

        \mathrm{NPS} = 100\,(p_+ - p_-), \qquad
        \operatorname{Var}(p_+ - p_-) = \frac{p_+ + p_- - (p_+ - p_-)^2}{n}.

    ``'wald'`` is the normal interval with that trinomial variance.
    ``'adjusted_wald'`` (the default) first adds 3/4 of a promoter, 3/2 of a
    passive and 3/4 of a detractor, so n grows by 3, and centres the interval
    on the adjusted score; it keeps close to its nominal coverage at small n,
    where Wald falls short [1]_. ``'bootstrap'`` is the percentile interval of
    multinomial resamples of the three counts; ``'bayes'`` the equal-tailed
    interval of the Dirichlet posterior under a uniform Dirichlet(1, 1, 1)
    prior. Intervals are clipped to [-100, 100].

    A common mistake is an interval from the mean and standard deviation of
    the 0-10 scores: that describes the mean score, not NPS.

    References
    ----------
    .. [1] Rocks, B. (2016). Interval estimation for the "net promoter
       score". *The American Statistician*, 70(4), 365-372.

    Examples
    --------
    Ten answers: five promoters, two passives, three detractors.

    >>> import cxmetrics as cx
    >>> result = cx.nps([10, 9, 9, 10, 9, 8, 7, 6, 3, 0])
    >>> print(result)
    NPS 20.0 (95% CI -30.3 to 61.1, adjusted Wald), n=10
    >>> result.promoters, result.passives, result.detractors
    (5, 2, 3)
    """
    plan = _nps_plan(
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
        n_resamples=n_resamples,
        rng=rng,
    )
    result: NPSResult = plan.result({"scores": scores, "weights": weights})
    return result


def nps_from_counts(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    ci: str | None = "adjusted_wald",
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
) -> NPSResult:
    """NPS from the counts of promoters, passives and detractors.

    For published tables, stored daily totals, or any place where the raw
    scores are gone. Equal to `nps` on scores with those counts.

    Parameters
    ----------
    promoters, passives, detractors : int
        Non-negative whole counts, not all zero.
    ci : {'adjusted_wald', 'wald', 'bootstrap', 'bayes', None}
        Interval method, as in `nps`.
    confidence : float
        Confidence level in (0, 1).
    n_resamples : int
        Draws for the bootstrap and Bayesian intervals.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the bootstrap and Bayesian intervals.

    Returns
    -------
    NPSResult
        As from `nps`, with ``n_missing`` 0.

    Raises
    ------
    InputError
        A count that is negative or not whole, or all counts zero.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> print(cx.nps_from_counts(90, 60, 50, ci="wald"))
    NPS 20.0 (95% CI 8.7 to 31.3, Wald), n=200
    """
    func = "nps_from_counts"
    estimator = net_estimator(func, ci, confidence, n_resamples, rng, nps=True)
    pro = check_count(func, "promoters", promoters)
    pas = check_count(func, "passives", passives)
    det = check_count(func, "detractors", detractors)
    n = pro + pas + det
    if n == 0:
        raise InputError(
            f"{func}: the counts are all zero; there is no response to score"
        )
    result = estimator.result(NetStats.of_counts(pro, pas, det, n=n))
    assert isinstance(result, NPSResult)
    return result


@overload
def nps_category(scores: float) -> str | None: ...
@overload
def nps_category(
    scores: Sequence[Any] | npt.NDArray[Any] | pd.Series[Any],
) -> pd.Categorical: ...
def nps_category(scores: Any) -> str | pd.Categorical | None:
    """The NPS category of each score: detractor (0-6), passive (7-8), promoter (9-10).

    Parameters
    ----------
    scores : float or array_like
        One score, or an array-like of scores from 0 to 10. Missing values
        stay missing.

    Returns
    -------
    str or None, or pandas.Categorical
        For one score, its category as a string (None when missing). For an
        array, an ordered Categorical with categories ``detractor < passive
        < promoter``, missing where the score is missing.

    Raises
    ------
    InputError
        Scores that are not numbers, outside 0-10 or not whole.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> cx.nps_category(9)
    'promoter'
    >>> list(cx.nps_category([0, 7, 10]))
    ['detractor', 'passive', 'promoter']
    """
    func = "nps_category"
    try:
        scalar = np.ndim(scores) == 0 and not isinstance(scores, (str, bytes))
    except ValueError:  # a ragged nested sequence; to_float_array says so
        scalar = False
    values = to_float_array(
        [scores] if scalar else scores, func=func, name="scores", allow_bool=False
    )
    check_scale_values(
        values[~np.isnan(values)], func=func, name="scores", scale=NPS_SCALE
    )
    codes = np.full(values.size, -1, dtype=np.int8)
    codes[values <= 6] = 0
    codes[(values >= 7) & (values <= 8)] = 1
    codes[values >= 9] = 2
    if scalar:
        return None if codes[0] < 0 else NPS_CATEGORIES[int(codes[0])]
    return pd.Categorical.from_codes(
        codes, categories=pd.Index(NPS_CATEGORIES), ordered=True
    )


def _default_top(scale: Scale, count: int) -> npt.NDArray[np.int64]:
    return np.arange(scale[1] - count + 1, scale[1] + 1, dtype=np.int64)


def _satisfied_points(scale: Scale, satisfied: object) -> npt.NDArray[np.int64]:
    """The points `csat` counts as satisfied: the top two unless given."""
    if satisfied is None:
        return _default_top(scale, 2)
    return check_points("csat", "satisfied", satisfied, scale)


def _csat_plan(
    *,
    scale: object,
    satisfied: object,
    ci: object,
    confidence: object,
    nan_policy: object,
) -> Plan:
    func = "csat"
    estimator = rate_estimator(func, ci, confidence, label="CSAT")
    sc = check_scale(func, rating_scale(func, None, scale, (1, 5)))
    points = _satisfied_points(sc, satisfied)
    return share_plan(func, nan_policy, sc, points, estimator)


def _check_boxes(scale: Scale, boxes: object) -> int:
    """The number of top points `top_box` counts, at most the scale's points."""
    n_points = scale[1] - scale[0] + 1
    count = check_positive_int("top_box", "boxes", boxes)
    if count > n_points:
        raise InputError(
            f"top_box: boxes={count} is more than the {n_points} points of the "
            f"{format_scale(scale)} scale"
        )
    return count


@segmentable(_csat_plan, data=("ratings",), prepare=scale_from_ratings("csat", (1, 5)))
def csat(
    ratings: npt.ArrayLike,
    *,
    scale: Scale | None = None,
    satisfied: Sequence[int] | None = None,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    r"""Customer Satisfaction (CSAT): the share of satisfied answers.

    Parameters
    ----------
    ratings : array_like
        Whole points on ``scale``. Missing values follow ``nan_policy``.
        Labelled ratings, a pandas ordered Categorical of text ("Very
        dissatisfied" < ... < "Very satisfied"), are read as the points 1..k
        in category order.
    scale : tuple of int, optional
        ``(low, high)``; by default the 1-5 scale, or (1, k) for k labels.
    satisfied : collection of int, optional
        The points that count as satisfied; by default the top two (4 and 5
        on a 1-5 scale).
    weights : array_like, optional
        Non-negative survey weights; the interval uses Kish's effective n.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method (see `cxmetrics.intervals.proportion_interval`).
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing ratings.

    Returns
    -------
    RateResult
        ``value`` (fraction satisfied), ``successes``, ``n``, ``ci``,
        ``n_missing``, ``effective_n``, ``total_weight``.

    Raises
    ------
    InputError
        Ratings that are not numbers, outside the scale or not whole; bad
        weights; no valid ratings; ``satisfied`` points outside the scale.

    Notes
    -----
    .. math:: \mathrm{CSAT} = \frac{\sum_i w_i [x_i \in S]}{\sum_i w_i}

    with :math:`S` the satisfied points and :math:`w_i = 1` without weights.
    The Wilson interval is the default: unlike Wald it keeps close to its
    nominal coverage near 0 and 1 and at small n (Brown, Cai and DasGupta
    2001).

    Examples
    --------
    >>> import cxmetrics as cx
    >>> print(cx.csat([5, 4, 4, 3, 5, 2, 5, 4, 1, 5]))
    CSAT 70.0% (95% CI 39.7% to 89.2%, Wilson), n=10

    A 1-7 scale where only 6 and 7 count as satisfied:

    >>> cx.csat([7, 6, 5, 7], scale=(1, 7), satisfied={6, 7}).value
    0.75

    Labelled answers, as survey tools export them:

    >>> import pandas as pd
    >>> labels = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied",
    ...           "Very satisfied"]
    >>> answers = pd.Categorical(
    ...     ["Satisfied", "Very satisfied", "Neutral", "Satisfied"],
    ...     categories=labels, ordered=True)
    >>> print(cx.csat(answers))
    CSAT 75.0% (95% CI 30.1% to 95.4%, Wilson), n=4
    """
    plan = _csat_plan(
        scale=rating_scale("csat", ratings, scale, (1, 5)),
        satisfied=satisfied,
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    result: RateResult = plan.result({"ratings": ratings, "weights": weights})
    return result


def _top_box_plan(
    *, scale: object, boxes: object, ci: object, confidence: object, nan_policy: object
) -> Plan:
    func = "top_box"
    estimator = rate_estimator(func, ci, confidence, label="Top box")
    sc = check_scale(func, rating_scale(func, None, scale, None))
    count = _check_boxes(sc, boxes)
    if count > 1:
        estimator = attrs.evolve(estimator, label=f"Top {count} box")
    return share_plan(func, nan_policy, sc, _default_top(sc, count), estimator)


@segmentable(
    _top_box_plan, data=("ratings",), prepare=scale_from_ratings("top_box", None)
)
def top_box(
    ratings: npt.ArrayLike,
    *,
    scale: Scale | None = None,
    boxes: int = 1,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "wilson",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> RateResult:
    """Top-box share: the share of answers in the top ``boxes`` points of the scale.

    Parameters
    ----------
    ratings : array_like
        Whole points on ``scale``.
        Labelled ratings, a pandas ordered Categorical of text ("Very
        dissatisfied" < ... < "Very satisfied"), are read as the points 1..k
        in category order.
    scale : tuple of int
        ``(low, high)``, e.g. ``(1, 5)``. Required for numbers (top-box means
        nothing without it); (1, k) for k labels.
    boxes : int
        How many points from the top count: 1 for top-box, 2 for top-two-box.
    weights : array_like, optional
        Non-negative survey weights.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing ratings.

    Returns
    -------
    RateResult
        The share in the top boxes, with its interval.

    Raises
    ------
    InputError
        Bad ratings or weights, or ``boxes`` not between 1 and the number of
        points on the scale.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> print(cx.top_box([5, 5, 4, 3, 5, 2, 4, 5], scale=(1, 5)))
    Top box 50.0% (95% CI 21.5% to 78.5%, Wilson), n=8
    >>> cx.top_box([5, 5, 4, 3, 5, 2, 4, 5], scale=(1, 5), boxes=2).value
    0.75
    """
    plan = _top_box_plan(
        scale=rating_scale("top_box", ratings, scale, None),
        boxes=boxes,
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    result: RateResult = plan.result({"ratings": ratings, "weights": weights})
    return result


def _mean_score_plan(
    *, scale: object, ci: object, confidence: object, nan_policy: object
) -> Plan:
    func = "mean_score"
    estimator = mean_estimator(func, ci, confidence, label="Mean score")
    sc = check_scale(func, rating_scale(func, None, scale, None))
    return mean_plan(func, nan_policy, sc, estimator)


@segmentable(
    _mean_score_plan,
    data=("ratings",),
    prepare=scale_from_ratings("mean_score", None),
)
def mean_score(
    ratings: npt.ArrayLike,
    *,
    scale: Scale | None = None,
    weights: npt.ArrayLike | None = None,
    ci: str | None = "t",
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> MeanResult:
    r"""Mean rating on a scale, with a Student t interval.

    Parameters
    ----------
    ratings : array_like
        Whole points on ``scale``.
        Labelled ratings, a pandas ordered Categorical of text ("Very
        dissatisfied" < ... < "Very satisfied"), are read as the points 1..k
        in category order.
    scale : tuple of int
        ``(low, high)``; every rating is checked against it. Required for
        numbers; (1, k) for k labels.
    weights : array_like, optional
        Non-negative survey weights. The mean is weighted; the interval uses
        Kish's effective n with ``effective_n - 1`` degrees of freedom.
    ci : {'t', None}
        Interval method.
    confidence : float
        Confidence level in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        How to treat missing ratings.

    Returns
    -------
    MeanResult
        ``value``, ``n``, ``std``, ``ci``, ``n_missing``, ``effective_n``,
        ``total_weight``.

    Raises
    ------
    InputError
        Bad ratings or weights, no valid ratings, an unknown option.

    Notes
    -----
    .. math::

        \bar x = \frac{\sum w_i x_i}{\sum w_i}, \quad
        s^2 = \frac{\sum w_i (x_i - \bar x)^2}{\sum w_i}
              \cdot \frac{n_\mathrm{eff}}{n_\mathrm{eff} - 1}, \quad
        \bar x \pm t_{n_\mathrm{eff} - 1} \frac{s}{\sqrt{n_\mathrm{eff}}}

    with :math:`n_\mathrm{eff} = (\sum w_i)^2 / \sum w_i^2`. Without
    weights this is the textbook t interval.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> print(cx.mean_score([4, 5, 3, 4, 5, 2], scale=(1, 5)))
    Mean score 3.83 (95% CI 2.61 to 5.06, Student t), n=6
    """
    plan = _mean_score_plan(
        scale=rating_scale("mean_score", ratings, scale, None),
        ci=ci,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    result: MeanResult = plan.result({"ratings": ratings, "weights": weights})
    return result
