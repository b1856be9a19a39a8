"""Two-sample comparisons of results, and p-value adjustment for many tests.

`compare` takes two results of one metric from independent samples (two
segments, two periods, two variants of an A/B test) and returns the
difference with its interval and test as a `cxmetrics.Comparison`.
`adjust_pvalues` corrects a family of p-values for multiple testing.

The arithmetic lives in `cxmetrics._two_sample`, vectorized over arrays of
sufficient statistics; `by_segment` and `over_time` call it for every
segment at once, and `compare` for one pair.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics import _two_sample
from cxmetrics._estimators import estimator_of, same_metric, stats_of
from cxmetrics._validation import (
    InputError,
    check_confidence,
    check_option,
    check_resamples,
    check_rng,
    format_count,
    format_examples,
    make_rng,
    to_float_array,
)
from cxmetrics.results import (
    Comparison,
    DurationResult,
    Interval,
    MeanResult,
    NetScoreResult,
    NPSResult,
    RateResult,
    SurvivalCurve,
)

__all__ = ["ADJUST_METHODS", "COMPARE_METHODS", "adjust_pvalues", "compare"]

FloatArray: TypeAlias = npt.NDArray[np.float64]

#: The methods `compare` accepts for each kind of result.
COMPARE_METHODS: Final[dict[type, tuple[str, ...]]] = {
    NPSResult: _two_sample.NET_SCORE_DIFFERENCE_METHODS,
    NetScoreResult: _two_sample.NET_SCORE_DIFFERENCE_METHODS,
    RateResult: _two_sample.RATE_DIFFERENCE_METHODS,
    MeanResult: ("welch",),
    DurationResult: ("bootstrap",),
    SurvivalCurve: ("logrank",),
}
#: The corrections `adjust_pvalues` offers.
ADJUST_METHODS: Final = ("holm", "bonferroni", "fdr_bh")

_KIND_NAMES = (
    "NPSResult, NetScoreResult, RateResult, MeanResult, DurationResult or SurvivalCurve"
)
#: Relative tolerance when checking that a life table loses, from one time to
#: the next, exactly the subjects with an event or a censoring there.
_TABLE_RTOL = 1e-9


@attrs.frozen
class _Options:
    """Validated options of one comparison."""

    method: str
    confidence: float
    n_resamples: int
    rng: object


def compare(
    a: Any,
    b: Any,
    *,
    method: str | None = None,
    confidence: float | None = None,
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
) -> Comparison:
    r"""Compare two results of one metric from independent samples.

    The difference is always ``a - b``: in points for NPS and other net
    scores, as a fraction for rates, in the metric's unit for means and
    medians.

    Parameters
    ----------
    a, b : result
        Two results of the same kind (`NPSResult`, `NetScoreResult`,
        `RateResult`, `MeanResult`, `DurationResult` or `SurvivalCurve`) and
        of the same metric (equal ``label``; durations also in the same
        ``unit``), from independent samples.
    method : str, optional
        The comparison, by kind of result (None chooses as in Notes):

        - NPS and net scores: ``'adjusted_wald'``, ``'wald'`` or ``'mover'``;
        - rates: ``'newcombe'`` or ``'wald'``;
        - means: ``'welch'``;
        - durations: ``'bootstrap'`` (difference of medians);
        - survival curves: ``'logrank'``.
    confidence : float, optional
        Confidence level of the interval for the difference; by default the
        level of ``a``'s interval, or 0.95 when ``a`` has none.
    n_resamples : int
        Bootstrap resamples for durations.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the duration bootstrap; the same seed gives the
        same interval.

    Returns
    -------
    Comparison
        ``difference`` (``a - b``; NaN for survival curves), ``ci`` (an
        `Interval`, None for survival curves), ``statistic``, ``p_value``
        (two-sided), ``method``, ``a``, ``b`` and ``label`` (``"NPS"``, the
        results' label, ``"<label> median"`` for durations, ``"Survival"``).
        A result made NaN by ``nan_policy="propagate"`` (a missing value
        seen) gives a comparison of NaNs.

    Raises
    ------
    InputError
        ``a`` or ``b`` is not a result `compare` knows; the two are of
        different kinds, carry different labels or (durations) different
        units; ``method`` does not apply to their kind; a result has no
        observations (n = 0); a mean has fewer than 2 values; a duration
        result holds no values to resample; survival curves with delayed
        entry or without any event; a bad ``confidence``, ``n_resamples`` or
        ``rng``.

    Notes
    -----
    **Which method when** ``method=None``.

    - *NPS and net scores*: ``'wald'`` when both results were estimated with
      ``ci="wald"``; ``'mover'`` when both were estimated with
      ``ci="score"``; ``'adjusted_wald'`` otherwise (adjusted Wald,
      bootstrap, Bayesian, no interval, or two different methods), because
      adjusted Wald keeps near its nominal coverage at small n where Wald
      does not.
    - *Rates*: ``'newcombe'`` whatever the one-sample method, even
      ``ci="wald"``. The one-sample menu (Wilson, Agresti-Coull,
      Clopper-Pearson, Jeffreys, Wald) has no two-sample counterpart for
      most of its entries, and the Wald difference interval undercovers
      near 0 and 1 (Newcombe 1998); pass ``method="wald"`` to get it.
    - *Means*: ``'welch'``; *durations*: ``'bootstrap'``; *survival
      curves*: ``'logrank'``.

    **Kinds and labels.** The two results must be of one kind and carry
    one label: the difference between CSAT and FCR, or NPS and Net Easy,
    has no meaning, and a test of it answers no question, so `compare`
    refuses it rather than return a number. Variants of one metric with
    different definitions (top box against top-two box, abandonment with
    and without short abandons) carry different labels and are refused
    too; when two results really measure the same thing under different
    names, ``attrs.evolve(b, label=a.label)`` makes them comparable.
    Results do not record their rating scale, so `compare` cannot tell two
    mean scores on different scales apart: compare means of one scale.

    **Differences, intervals and p-values.** With :math:`\hat d = a - b`:

    - ``'wald'`` (net scores): :math:`\hat d \pm z\,\mathrm{se}`,
      :math:`\mathrm{se}^2 = v_a/n_a + v_b/n_b`,
      :math:`v = p_+ + p_- - (p_+ - p_-)^2`; p from :math:`z = \hat d /
      \mathrm{se}`. ``'adjusted_wald'``: the same after adding 3/4 of a
      promoter, 3/2 of a passive and 3/4 of a detractor to each sample
      (Rocks 2016); interval and z are centred on the adjusted difference,
      ``difference`` is the observed one. ``'mover'``: the interval that
      recovers the variance from each sample's Tango score interval
      (Newcombe 1998; Zou and Donner 2008),
      :math:`\hat d - \sqrt{(\hat\theta_a - l_a)^2 + (u_b - \hat\theta_b)^2}`
      to :math:`\hat d + \sqrt{(u_a - \hat\theta_a)^2 + (\hat\theta_b - l_b)^2}`;
      z is :math:`\hat d` over the standard error it recovers on the side of
      0, so the interval excludes 0 exactly when the p-value is below
      ``1 - confidence``.
    - ``'newcombe'`` (rates): Newcombe's hybrid score interval from the two
      Wilson intervals [2]_; p from the pooled z test
      (:math:`\bar p = (x_a + x_b)/(n_a + n_b)`), the classic two-proportion
      test. ``'wald'`` (rates): unpooled interval and unpooled z.
    - ``'welch'``: Welch's t interval and test with Welch-Satterthwaite
      degrees of freedom.
    - ``'bootstrap'`` (durations): ``difference`` is ``a.median -
      b.median``; its interval is the percentile bootstrap of
      ``n_resamples`` medians of each sample resampled on its own (drawn
      exactly from the order statistics, in O(n_resamples) whatever the
      sample sizes); the p-value is Mood's median test (chi-squared with
      Yates' correction, 1 df, as scipy's ``median_test``), deterministic
      and independent of ``rng``. The interval and the test are different
      procedures and can disagree near the 5% line.
    - ``'logrank'``: the log-rank chi-squared test (1 df) from the two
      curves' life tables on the pooled event times. It needs the at-risk
      counts of each group at the other group's times, read off the tables
      assuming no delayed entry; curves with late entrants are refused.

    With weights, the samples enter with their Kish effective sizes, as
    their one-sample intervals do. Where a standard error is 0 (two
    samples all promoters, or two rates of 0), the statistic is 0 and the
    p-value 1 if the observed difference is 0 as well.

    References
    ----------
    .. [1] Rocks, B. (2016). Interval estimation for the "net promoter
       score". *The American Statistician*, 70(4), 365-372.
    .. [2] Newcombe, R. G. (1998). Interval estimation for the difference
       between independent proportions: comparison of eleven methods.
       *Statistics in Medicine*, 17(8), 873-890.
    .. [3] Mood, A. M. (1950). *Introduction to the Theory of Statistics*.
       McGraw-Hill. (The median test.)

    Examples
    --------
    NPS in two regions, 200 answers each:

    >>> import cxmetrics as cx
    >>> north = cx.nps_from_counts(90, 60, 50)
    >>> south = cx.nps_from_counts(70, 60, 70)
    >>> print(cx.compare(north, south))
    NPS difference 20 (95% CI 3.69 to 35.72, adjusted Wald), p=0.0159

    CSAT of two support teams, by Newcombe's interval:

    >>> team_a = cx.csat([5] * 40 + [4] * 16 + [2] * 14)
    >>> team_b = cx.csat([5] * 30 + [4] * 18 + [1] * 32)
    >>> result = cx.compare(team_a, team_b)
    >>> result.method
    'newcombe'
    >>> print(f"{result.difference:.2f} ({result.ci.low:.3f} to "
    ...       f"{result.ci.high:.3f}), z={result.statistic:.2f}, "
    ...       f"p={result.p_value:.4f}")
    0.20 (0.052 to 0.334), z=2.65, p=0.0080

    Median resolution time, two teams (hours), with a seeded bootstrap:

    >>> import numpy as np
    >>> from cxmetrics import DurationResult
    >>> def hours(values):
    ...     v = np.sort(np.asarray(values, dtype=float))
    ...     return DurationResult(
    ...         n=v.size, mean=v.mean(), median=np.median(v), median_ci=None,
    ...         unit="h", label="Resolution time", values=v)
    >>> slow = hours([1.5, 2, 2.5, 3, 4, 4.5, 6, 8, 9, 12, 20])
    >>> fast = hours([0.5, 1, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7])
    >>> print(cx.compare(slow, fast, rng=1))
    Resolution time median difference 2.25 (95% CI -0.25 to 7, bootstrap), p=0.27
    """
    func = "compare"
    options = _compare_iv(a, b, method, confidence, n_resamples, rng)
    kind = type(a)
    if _propagated(a) or _propagated(b):
        return _nan_comparison(a, b, options)
    _check_not_empty(func, a, "a")
    _check_not_empty(func, b, "b")
    return _RUNNERS[kind](a, b, options)


# ---------------------------------------------------------------------------
# Input validation and standardization


def _compare_iv(
    a: object,
    b: object,
    method: object,
    confidence: object,
    n_resamples: object,
    rng: object,
) -> _Options:
    """Check the two results and the options; resolve ``method=None``."""
    func = "compare"
    for name, value in (("a", a), ("b", b)):
        if type(value) not in COMPARE_METHODS:
            raise InputError(
                f"{func}: {name} must be a cxmetrics result ({_KIND_NAMES}); "
                f"got {type(value).__name__}"
            )
    kind = type(a)
    if type(b) is not kind:
        raise InputError(
            f"{func}: a and b must be results of the same kind; got "
            f"{kind.__name__} and {type(b).__name__}"
        )
    _check_same_metric(func, a, b)
    allowed = COMPARE_METHODS[kind]
    if method is not None and (not isinstance(method, str) or method not in allowed):
        choices = ", ".join(repr(m) for m in (*allowed, None))
        raise InputError(
            f"{func}: method={method!r} is not one of {choices} for {kind.__name__}"
        )
    level = 0.95
    if confidence is not None:
        level = check_confidence(func, confidence)
    elif (own := _own_interval(a)) is not None:
        level = own.level
    resamples = check_resamples(func, n_resamples)
    check_rng(func, rng)
    chosen = method if method is not None else _default_method(a, b)
    return _Options(method=chosen, confidence=level, n_resamples=resamples, rng=rng)


def _check_same_metric(func: str, a: object, b: object) -> None:
    differ = same_metric(a, b)
    if differ is not None:
        raise InputError(
            f"{func}: a and b measure different things ({differ[0]} and "
            f"{differ[1]}); compare two results of one metric, or give them one "
            "label and definition with attrs.evolve(b, label=a.label, "
            "definition=a.definition) if they are comparable"
        )
    unit_a, unit_b = getattr(a, "unit", None), getattr(b, "unit", None)
    if unit_a != unit_b:
        raise InputError(
            f"{func}: a and b are in different units ({unit_a!r} and {unit_b!r}); "
            "summarize both with the same unit="
        )


def _own_interval(result: object) -> Interval | None:
    if isinstance(result, DurationResult):
        return result.median_ci
    interval: Interval | None = getattr(result, "ci", None)
    return interval


def _default_method(a: object, b: object) -> str:
    """The method for ``method=None``: see the Notes of `compare`."""
    if isinstance(a, (NPSResult, NetScoreResult)):
        methods = {ci.method if ci is not None else None for ci in (a.ci, _ci(b))}
        if methods == {"score"}:
            return "mover"
        return "wald" if methods == {"wald"} else "adjusted_wald"
    return COMPARE_METHODS[type(a)][0]


def _ci(result: object) -> Interval | None:
    interval: Interval | None = getattr(result, "ci", None)
    return interval


def _propagated(result: Any) -> bool:
    """Whether the result is NaN because of ``nan_policy="propagate"``.

    Such a result saw a missing value (``n_missing > 0``) and holds NaN.
    """
    value = (
        result.median
        if isinstance(result, (DurationResult, SurvivalCurve))
        else result.value
    )
    return bool(result.n_missing > 0 and math.isnan(value))


def _check_not_empty(func: str, result: Any, name: str) -> None:
    if result.n == 0:
        raise InputError(
            f"{func}: {name} has no observations (n=0); there is nothing to compare"
        )


def _check_welch_sizes(func: str, a: MeanResult, b: MeanResult) -> None:
    for name, result in (("a", a), ("b", b)):
        if result.n < 2:
            raise InputError(
                f"{func}: {name} has n={result.n}; Welch's t test needs at least "
                "2 values in each sample"
            )


def _sorted_durations(func: str, result: DurationResult, name: str) -> FloatArray:
    values = np.asarray(result.values, dtype=np.float64)
    if values.ndim != 1 or values.size != result.n:
        raise InputError(
            f"{func}: {name} has n={format_count(result.n)} but holds "
            f"{format_count(values.size)} values; the bootstrap resamples the "
            "durations kept on the result (DurationResult.values)"
        )
    missing = np.isnan(values)
    if missing.any():
        raise InputError(
            f"{func}: {format_count(int(missing.sum()))} of "
            f"{format_count(values.size)} values of {name} are missing"
        )
    if values.size > 1 and np.any(values[1:] < values[:-1]):
        values = np.sort(values)
    return values


def _check_life_table(func: str, curve: SurvivalCurve, name: str) -> None:
    """The table loses exactly its events and censorings from time to time.

    Late entrants would make the number at risk grow; then the at-risk count
    between two of the table's times cannot be read off the table.
    """
    leaving = curve.at_risk - curve.events - curve.censored
    following = np.append(curve.at_risk[1:], 0.0)
    gap = np.abs(leaving - following)
    bad = gap > _TABLE_RTOL * np.maximum(curve.at_risk, 1.0)
    if bad.any():
        raise InputError(
            f"{func}: {name}'s life table has subjects entering late (at times "
            f"{format_examples(curve.timeline[bad])}); the log-rank test from two "
            "curves assumes no delayed entry"
        )


# ---------------------------------------------------------------------------
# One runner per kind of result


def _comparison(
    a: Any,
    b: Any,
    options: _Options,
    label: str,
    values: tuple[Any, Any, Any, Any, Any],
) -> Comparison:
    diff, low, high, statistic, p_value = (float(v) for v in values)
    return Comparison(
        difference=diff,
        ci=Interval(low, high, options.confidence, options.method),
        p_value=p_value,
        statistic=statistic,
        method=options.method,
        a=a,
        b=b,
        label=label,
    )


def _label(result: Any) -> str:
    if isinstance(result, NPSResult):
        return "NPS"
    if isinstance(result, DurationResult):
        return f"{result.label} median"
    if isinstance(result, SurvivalCurve):
        return "Survival"
    return str(result.label)


def _compare_additive(a: Any, b: Any, options: _Options) -> Comparison:
    """Net scores, rates and means: through the statistics of each result."""
    if isinstance(a, MeanResult):
        _check_welch_sizes("compare", a, b)
    estimator: Any = estimator_of(a)
    values = estimator.difference(
        stats_of(a), stats_of(b), options.confidence, options.method
    )
    return _comparison(a, b, options, _label(a), tuple(v[0] for v in values))


def _compare_duration(
    a: DurationResult, b: DurationResult, options: _Options
) -> Comparison:
    func = "compare"
    sorted_a = _sorted_durations(func, a, "a")
    sorted_b = _sorted_durations(func, b, "b")
    low, high = _two_sample.bootstrap_median_difference(
        sorted_a,
        sorted_b,
        confidence=options.confidence,
        n_resamples=options.n_resamples,
        rng=make_rng(func, options.rng),
    )
    statistic, p_value = _two_sample.median_test(sorted_a, sorted_b)
    values = (a.median - b.median, low, high, statistic, p_value)
    return _comparison(a, b, options, _label(a), values)


def _compare_survival(
    a: SurvivalCurve, b: SurvivalCurve, options: _Options
) -> Comparison:
    func = "compare"
    _check_life_table(func, a, "a")
    _check_life_table(func, b, "b")
    if not (np.any(a.events > 0) or np.any(b.events > 0)):
        raise InputError(
            f"{func}: neither curve has an event; the log-rank test compares "
            "event times"
        )
    statistic, p_value = _two_sample.logrank_from_tables(
        a.timeline, a.at_risk, a.events, b.timeline, b.at_risk, b.events
    )
    return Comparison(
        difference=math.nan,
        ci=None,
        p_value=float(p_value),
        statistic=float(statistic),
        method=options.method,
        a=a,
        b=b,
        label=_label(a),
    )


def _nan_comparison(a: Any, b: Any, options: _Options) -> Comparison:
    nan = math.nan
    if isinstance(a, SurvivalCurve):  # the log-rank test has no interval
        return Comparison(
            difference=nan,
            ci=None,
            p_value=nan,
            statistic=nan,
            method=options.method,
            a=a,
            b=b,
            label=_label(a),
        )
    return _comparison(a, b, options, _label(a), (nan, nan, nan, nan, nan))


_RUNNERS: Final[dict[type, Callable[[Any, Any, _Options], Comparison]]] = {
    NPSResult: _compare_additive,
    NetScoreResult: _compare_additive,
    RateResult: _compare_additive,
    MeanResult: _compare_additive,
    DurationResult: _compare_duration,
    SurvivalCurve: _compare_survival,
}


# ---------------------------------------------------------------------------
# Multiple testing


def adjust_pvalues(p: npt.ArrayLike, method: str = "holm") -> FloatArray:
    r"""Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    p : array_like
        One-dimensional p-values in [0, 1] (list, numpy array, pandas
        Series). Missing values (NaN, None, ``pd.NA``) stay missing and do
        not count as tests.
    method : {'holm', 'bonferroni', 'fdr_bh'}
        ``'holm'`` (the default) and ``'bonferroni'`` control the
        family-wise error rate; ``'fdr_bh'`` (Benjamini-Hochberg) the false
        discovery rate.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values (float64), in the order of ``p``, capped at 1. A
        numpy array whatever the input type; for a Series, wrap it back with
        ``pd.Series(adjusted, index=p.index)``.

    Raises
    ------
    InputError
        ``p`` is not a one-dimensional array of numbers, has values outside
        [0, 1], or ``method`` is unknown.

    Notes
    -----
    With :math:`m` the number of non-missing p-values and
    :math:`p_{(1)} \le \dots \le p_{(m)}` their sorted values:

    .. math::

        \text{Bonferroni: } \min(1, m\,p_i), \qquad
        \text{Holm: } \tilde p_{(i)} = \min\Bigl(1, \max_{j \le i}
            (m - j + 1)\,p_{(j)}\Bigr),

    .. math::

        \text{Benjamini-Hochberg: } \tilde p_{(i)} = \min\Bigl(1,
            \min_{j \ge i} \frac{m}{j}\,p_{(j)}\Bigr).

    The values equal statsmodels' ``multipletests(p, method=...)[1]`` for
    the same method when nothing is missing. statsmodels would count a NaN
    as a test and spread NaN to the other values; here a missing p-value
    (a segment too small to test, say) is left out of :math:`m` and stays
    missing.

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. *Scandinavian Journal of Statistics*, 6(2), 65-70.
    .. [2] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false
       discovery rate: a practical and powerful approach to multiple
       testing. *Journal of the Royal Statistical Society B*, 57(1),
       289-300.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> p = [0.01, 0.04, 0.03, 0.20]
    >>> cx.adjust_pvalues(p).tolist()
    [0.04, 0.09, 0.09, 0.2]
    >>> cx.adjust_pvalues(p, method="fdr_bh").tolist()
    [0.04, 0.05333333333333334, 0.05333333333333334, 0.2]
    >>> cx.adjust_pvalues([0.01, None, 0.02], method="bonferroni").tolist()
    [0.02, nan, 0.04]
    """
    func = "adjust_pvalues"
    check_option(func, "method", method, ADJUST_METHODS)
    values = to_float_array(p, func=func, name="p", allow_bool=False)
    outside = ~((values >= 0.0) & (values <= 1.0)) & ~np.isnan(values)
    if outside.any():
        raise InputError(
            f"{func}: {format_count(int(outside.sum()))} of "
            f"{format_count(values.size)} p-values are outside [0, 1] "
            f"({format_examples(values[outside])})"
        )
    adjusted = np.full(values.shape, np.nan)
    present = np.flatnonzero(~np.isnan(values))
    adjusted[present] = _adjust(values[present], method)
    return adjusted


def _adjust(p: FloatArray, method: str) -> FloatArray:
    """Adjusted p-values of a complete family (no NaN), in the input order."""
    m = p.size
    if method == "bonferroni":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        steps = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:  # fdr_bh
        scaled = ranked * m / np.arange(1, m + 1)
        steps = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(steps, 1.0)
    return out
