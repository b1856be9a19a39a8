"""The estimate step of the statistics kernel, and the one place results are built.

An estimator holds a metric's interval options and names (method,
confidence, label, definition). From statistics of any number of groups
(`cxmetrics._stats`) it gives

- ``columns``: the value, interval and counts of every group, the columns
  of a `by_segment` or `over_time` table;
- ``result``: the result record of a single group;
- ``difference``: the two-sample comparison of two sets of groups, element
  by element.

`merge_results` and `stats_of` rebuild statistics from result records, so
``a.merge(b)`` and `cxmetrics.compare` run through the same estimate. The
interval arithmetic itself lives in `cxmetrics.intervals` and
`cxmetrics._two_sample`.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics import _two_sample, intervals
from cxmetrics._stats import MomentStats, NetStats, RateStats, Stats
from cxmetrics._validation import (
    InputError,
    check_confidence,
    check_option,
    check_resamples,
    check_rng,
    make_rng,
)
from cxmetrics.results import (
    Interval,
    MeanResult,
    NetScoreResult,
    NPSResult,
    RateResult,
)

__all__ = [
    "Difference",
    "Estimator",
    "MeanEstimator",
    "NetEstimator",
    "RateEstimator",
    "estimator_of",
    "mean_estimator",
    "merge_results",
    "net_estimator",
    "rate_estimator",
    "stats_of",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
Columns: TypeAlias = dict[str, npt.NDArray[Any]]
#: difference, ci low, ci high, statistic, p-value: one of each per group.
Difference: TypeAlias = tuple[
    FloatArray, FloatArray, FloatArray, FloatArray, FloatArray
]
#: The additive result records.
AdditiveResult: TypeAlias = NPSResult | NetScoreResult | RateResult | MeanResult

#: Names of the three counts of a net score on its result and in tables.
NPS_COUNTS = ("promoters", "passives", "detractors")
NET_COUNTS = ("positive", "neutral", "negative")


def _nan_where(mask: npt.NDArray[np.bool_], *arrays: npt.ArrayLike) -> list[FloatArray]:
    return [np.where(mask, np.nan, np.asarray(a, dtype=np.float64)) for a in arrays]


def _count_column(values: FloatArray, weighted: bool) -> npt.NDArray[Any]:
    """Counts as int64 without weights, as the result records hold them."""
    return values if weighted else values.astype(np.int64)


def _count(value: float, weighted: bool) -> float:
    """A count for a record: an int when unweighted and whole, else a float."""
    number = float(value)
    if not weighted and number.is_integer():
        return int(number)
    return number


def _interval(
    ci: str | None, confidence: float, low: FloatArray, high: FloatArray
) -> Interval | None:
    if ci is None:
        return None
    return Interval(float(low[0]), float(high[0]), confidence, ci)


def _mask_difference(
    result: tuple[Any, ...], mask: npt.NDArray[np.bool_]
) -> Difference:
    diff, low, high, statistic, p_value = _nan_where(mask, *result)
    return diff, low, high, statistic, p_value


# ---------------------------------------------------------------------------
# Rates


@attrs.frozen(kw_only=True)
class RateEstimator:
    """A share with a proportion interval (Wilson by default).

    Weighted samples enter the interval with Kish's effective n: the share
    is kept and the counts are scaled to ``effective_n``.
    """

    STATS: ClassVar[type[RateStats]] = RateStats
    #: The lowest and highest value a group can have.
    BOUNDS: ClassVar[tuple[float, float]] = (0.0, 1.0)

    ci: str | None
    confidence: float
    label: str
    definition: str = ""
    pending: bool = False  # report n_pending in tables (SLA attainment)

    @property
    def interval(self) -> str | None:
        return self.ci

    def estimate(self, stats: RateStats) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Value and interval bounds of every group (NaN bounds without ``ci``)."""
        total = stats.total
        eff = stats.effective_n
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(total > 0, stats.successes / total, np.nan)
            if self.ci is None:
                low = high = np.full(value.shape, np.nan)
            else:
                # successes * eff / total is exactly `successes` without weights.
                low, high = intervals.proportion_interval(
                    np.where(total > 0, stats.successes * eff / total, 0.0),
                    np.where(total > 0, eff, 0.0),
                    method=self.ci,
                    confidence=self.confidence,
                )
        value, low, high = _nan_where(stats.propagated, value, low, high)
        return value, low, high

    def columns(self, stats: RateStats) -> Columns:
        value, low, high = self.estimate(stats)
        columns: Columns = {"value": value, "ci_low": low, "ci_high": high}
        columns["successes"] = _count_column(stats.successes, stats.weighted)
        columns["total_weight"] = _count_column(stats.total, stats.weighted)
        if self.pending:
            columns["n_pending"] = stats.n_pending
        columns["effective_n"] = stats.effective_n
        return columns

    def result(self, stats: RateStats) -> RateResult:
        value, low, high = self.estimate(stats)
        weighted = stats.weighted
        return RateResult(
            value=float(value[0]),
            successes=_count(stats.successes[0], weighted),
            n=int(stats.n[0]),
            ci=_interval(self.ci, self.confidence, low, high),
            n_missing=int(stats.n_missing[0]),
            effective_n=float(stats.effective_n[0]),
            total_weight=_count(stats.total[0], weighted),
            label=self.label,
            n_pending=int(stats.n_pending[0]),
            definition=self.definition,
        )

    def difference(
        self,
        a: RateStats,
        b: RateStats,
        confidence: float,
        method: str = "newcombe",
    ) -> Difference:
        eff_a, eff_b = a.effective_n, b.effective_n
        with np.errstate(divide="ignore", invalid="ignore"):
            x_a = np.where(a.total > 0, a.successes * eff_a / a.total, 0.0)
            x_b = np.where(b.total > 0, b.successes * eff_b / b.total, 0.0)
        result = _two_sample.rate_difference(
            x_a, eff_a, x_b, eff_b, method=method, confidence=confidence
        )
        return _mask_difference(result, a.propagated | b.propagated)

    def process_sd(self, stats: RateStats) -> float:
        """The standard deviation of one row's success, binomial at the pooled share.

        ``sqrt(p * (1 - p))`` with ``p`` the share of all the groups of
        ``stats`` together (the p chart's spread); NaN without rows or with
        a propagated missing value.
        """
        value = self.estimate(stats.sum())[0][0]
        return float(np.sqrt(value * (1.0 - value)))


# ---------------------------------------------------------------------------
# Net scores


@attrs.frozen(kw_only=True)
class NetEstimator:
    """A net score in points, share positive minus share negative.

    With ``nps`` the counts are promoters, passives and detractors and the
    result an `NPSResult`; otherwise positive, neutral and negative, and a
    `NetScoreResult` with ``label`` and ``definition``.
    """

    STATS: ClassVar[type[NetStats]] = NetStats
    BOUNDS: ClassVar[tuple[float, float]] = (-100.0, 100.0)

    ci: str | None
    confidence: float
    nps: bool = False
    label: str = "Net score"
    definition: str = ""
    n_resamples: int = 10_000
    rng: np.random.Generator | None = None

    @property
    def interval(self) -> str | None:
        return self.ci

    @property
    def names(self) -> tuple[str, str, str]:
        return NPS_COUNTS if self.nps else NET_COUNTS

    def estimate(self, stats: NetStats) -> tuple[FloatArray, FloatArray, FloatArray]:
        pos, neu, neg = stats.positive, stats.neutral, stats.negative
        total = stats.denominator
        with np.errstate(divide="ignore", invalid="ignore"):
            # Divide first: 100 * ((p - n) / total) cannot round past +-100.
            value = np.where(total > 0, 100.0 * ((pos - neg) / total), np.nan)
        if self.ci is None:
            low = high = np.full(value.shape, np.nan)
        else:
            low, high = intervals.net_score_interval(
                pos,
                neu,
                neg,
                method=self.ci,
                confidence=self.confidence,
                effective_n=stats.effective_n,
                n_resamples=self.n_resamples,
                rng=self.rng,
            )
        value, low, high = _nan_where(stats.propagated, value, low, high)
        return value, low, high

    def columns(self, stats: NetStats) -> Columns:
        value, low, high = self.estimate(stats)
        columns: Columns = {"value": value, "ci_low": low, "ci_high": high}
        for name, counts in zip(
            self.names, (stats.positive, stats.neutral, stats.negative), strict=True
        ):
            columns[name] = _count_column(counts, stats.weighted)
        columns["effective_n"] = stats.effective_n
        return columns

    def result(self, stats: NetStats) -> NPSResult | NetScoreResult:
        value, low, high = self.estimate(stats)
        weighted = stats.weighted
        counts = (
            _count(stats.positive[0], weighted),
            _count(stats.neutral[0], weighted),
            _count(stats.negative[0], weighted),
        )
        common: dict[str, Any] = {
            "value": float(value[0]),
            "n": int(stats.n[0]),
            "ci": _interval(self.ci, self.confidence, low, high),
            "n_missing": int(stats.n_missing[0]),
            "effective_n": float(stats.effective_n[0]),
        }
        if self.nps:
            return NPSResult(
                promoters=counts[0], passives=counts[1], detractors=counts[2], **common
            )
        return NetScoreResult(
            positive=counts[0],
            neutral=counts[1],
            negative=counts[2],
            label=self.label,
            definition=self.definition,
            **common,
        )

    def difference(
        self,
        a: NetStats,
        b: NetStats,
        confidence: float,
        method: str | None = None,
    ) -> Difference:
        if method is None:
            method = {"wald": "wald", "score": "mover"}.get(
                str(self.ci), "adjusted_wald"
            )
        result = _two_sample.net_score_difference(
            a.positive,
            a.neutral,
            a.negative,
            a.effective_n,
            b.positive,
            b.neutral,
            b.negative,
            b.effective_n,
            method=method,
            confidence=confidence,
        )
        return _mask_difference(result, a.propagated | b.propagated)

    def process_sd(self, stats: NetStats) -> float:
        """The standard deviation of one answer in points, trinomial (pooled shares).

        An answer scores 100 (positive), 0 or -100 (negative), so its
        variance is ``100**2 * (p+ + p- - (p+ - p-)**2)`` with the shares of
        all the groups of ``stats`` together; NaN without answers or with a
        propagated missing value.
        """
        pooled = stats.sum()
        total = float(pooled.denominator[0])
        if not total > 0 or bool(pooled.propagated[0]):
            return float("nan")
        variance = _two_sample._trinomial_variance(
            pooled.positive / total, pooled.negative / total
        )
        return float(100.0 * np.sqrt(variance[0]))


# ---------------------------------------------------------------------------
# Means


@attrs.frozen(kw_only=True)
class MeanEstimator:
    """A mean with its Student t interval; Welch's test between groups."""

    STATS: ClassVar[type[MomentStats]] = MomentStats
    BOUNDS: ClassVar[tuple[float, float]] = (-math.inf, math.inf)

    ci: str | None
    confidence: float
    label: str
    definition: str = ""

    @property
    def interval(self) -> str | None:
        return self.ci

    def estimate(
        self, stats: MomentStats
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Mean, standard deviation and interval bounds of every group."""
        mean, std = _nan_where(stats.propagated, stats.mean, stats.std)
        if self.ci is None:
            low = high = np.full(mean.shape, np.nan)
        else:
            low, high = intervals.mean_interval(
                mean, std, stats.effective_n, confidence=self.confidence
            )
        return mean, std, low, high

    def columns(self, stats: MomentStats) -> Columns:
        mean, std, low, high = self.estimate(stats)
        return {
            "value": mean,
            "ci_low": low,
            "ci_high": high,
            "std": std,
            "effective_n": stats.effective_n,
        }

    def result(self, stats: MomentStats) -> MeanResult:
        mean, std, low, high = self.estimate(stats)
        return MeanResult(
            value=float(mean[0]),
            n=int(stats.n[0]),
            std=float(std[0]),
            ci=_interval(self.ci, self.confidence, low, high),
            n_missing=int(stats.n_missing[0]),
            effective_n=float(stats.effective_n[0]),
            total_weight=_count(stats.total[0], stats.weighted),
            label=self.label,
            definition=self.definition,
        )

    def difference(
        self,
        a: MomentStats,
        b: MomentStats,
        confidence: float,
        method: str = "welch",
    ) -> Difference:
        del method  # Welch's t is the one method
        mean_a, std_a, _, _ = self.estimate(a)
        mean_b, std_b, _, _ = self.estimate(b)
        result = _two_sample.mean_difference(
            mean_a,
            std_a,
            a.effective_n,
            mean_b,
            std_b,
            b.effective_n,
            confidence=confidence,
        )
        return _mask_difference(result, a.propagated | b.propagated)

    def process_sd(self, stats: MomentStats) -> float:
        r"""The pooled within-group standard deviation of the groups of ``stats``.

        .. math::

            s_p^2 = \frac{\sum_g (n_g - 1)\, s_g^2}{\sum_g (n_g - 1)}

        over the groups with more than one (effective) row, each ``s_g`` the
        group's own sample standard deviation: the spread of one value with
        the differences between the groups' means left out (the X-bar
        chart's spread). NaN when no group has two rows, or with a
        propagated missing value.
        """
        if bool(stats.propagated.any()):
            return float("nan")
        eff = stats.effective_n
        usable = eff > 1
        freedom = float((eff[usable] - 1.0).sum())
        if not freedom > 0:
            return float("nan")
        std = stats.std[usable]
        return float(np.sqrt(((eff[usable] - 1.0) * std * std).sum() / freedom))


#: Any estimator.
Estimator: TypeAlias = RateEstimator | NetEstimator | MeanEstimator


# ---------------------------------------------------------------------------
# Estimators from a metric's options, checked in the metric's order


def rate_estimator(
    func: str,
    ci: object,
    confidence: object,
    *,
    label: str,
    definition: str = "",
    pending: bool = False,
) -> RateEstimator:
    """A proportion's options checked: ``ci`` in the menu, ``confidence`` in (0, 1)."""
    check_option(func, "ci", ci, (*intervals.PROPORTION_METHODS, None))
    level = check_confidence(func, confidence)
    return RateEstimator(
        ci=ci,  # type: ignore[arg-type]
        confidence=level,
        label=label,
        definition=definition,
        pending=pending,
    )


def mean_estimator(
    func: str, ci: object, confidence: object, *, label: str, definition: str = ""
) -> MeanEstimator:
    """A mean's options checked."""
    check_option(func, "ci", ci, (*intervals.MEAN_METHODS, None))
    level = check_confidence(func, confidence)
    return MeanEstimator(
        ci=ci,  # type: ignore[arg-type]
        confidence=level,
        label=label,
        definition=definition,
    )


def net_estimator(
    func: str,
    ci: object,
    confidence: object,
    n_resamples: object,
    rng: object,
    *,
    nps: bool = False,
    label: str = "Net score",
    definition: str = "",
) -> NetEstimator:
    """A net score's options checked; a Generator is made only when ``ci`` draws.

    A bad ``n_resamples`` or ``rng`` is an error whatever ``ci`` is.
    """
    check_option(func, "ci", ci, (*intervals.NET_SCORE_METHODS, None))
    level = check_confidence(func, confidence)
    resamples = check_resamples(func, n_resamples)
    if ci in ("bootstrap", "bayes"):
        generator: np.random.Generator | None = make_rng(func, rng)
    else:
        check_rng(func, rng)
        generator = None
    return NetEstimator(
        ci=ci,  # type: ignore[arg-type]
        confidence=level,
        nps=nps,
        label="NPS" if nps else label,
        definition=definition,
        n_resamples=resamples,
        rng=generator,
    )


# ---------------------------------------------------------------------------
# Results back to statistics: merge and compare


def _propagated(result: AdditiveResult) -> bool:
    """A result made NaN by a missing value under ``nan_policy="propagate"``."""
    return bool(result.n_missing > 0 and math.isnan(result.value))


def stats_of(result: AdditiveResult) -> Stats:
    """The statistics of one result record (a single group).

    The sum of squared weights is recovered from Kish's effective n as
    ``total**2 / effective_n``; weighted counts are floats on the record.
    """
    weighted = _is_weighted(result)
    common: dict[str, Any] = {
        "n": result.n,
        "effective_n": result.effective_n,
        "n_missing": result.n_missing,
        "propagated": _propagated(result),
        "weighted": weighted,
    }
    if isinstance(result, NPSResult):
        return NetStats.of_counts(
            result.promoters, result.passives, result.detractors, **common
        )
    if isinstance(result, NetScoreResult):
        return NetStats.of_counts(
            result.positive, result.neutral, result.negative, **common
        )
    if isinstance(result, RateResult):
        return RateStats.of_counts(
            result.successes,
            result.total_weight,
            n_pending=result.n_pending,
            **common,
        )
    eff = result.effective_n
    m2 = 0.0
    if eff > 1 and not math.isnan(result.std):
        m2 = result.std * result.std * (eff - 1.0) / eff * result.total_weight
    return MomentStats.of_moments(
        result.total_weight,
        result.value if result.total_weight > 0 else math.nan,
        m2,
        **common,
    )


def _is_weighted(result: AdditiveResult) -> bool:
    """Whether the record holds weighted counts (floats where counts are ints)."""
    if isinstance(result, NPSResult):
        counts: tuple[float, ...] = (
            result.promoters,
            result.passives,
            result.detractors,
        )
    elif isinstance(result, NetScoreResult):
        counts = (result.positive, result.neutral, result.negative)
    elif isinstance(result, RateResult):
        counts = (result.successes,)
    else:
        counts = (result.total_weight,)
    return not all(isinstance(c, (int, np.integer)) for c in counts)


def estimator_of(
    result: AdditiveResult,
    *,
    n_resamples: int = 10_000,
    rng: np.random.Generator | None = None,
) -> Estimator:
    """The estimator that made ``result``: its interval method, level and names."""
    ci = None if result.ci is None else result.ci.method
    level = 0.95 if result.ci is None else result.ci.level
    if isinstance(result, NPSResult):
        return NetEstimator(
            ci=ci, confidence=level, nps=True, n_resamples=n_resamples, rng=rng
        )
    if isinstance(result, NetScoreResult):
        return NetEstimator(
            ci=ci,
            confidence=level,
            label=result.label,
            definition=result.definition,
            n_resamples=n_resamples,
            rng=rng,
        )
    if isinstance(result, RateResult):
        return RateEstimator(
            ci=ci, confidence=level, label=result.label, definition=result.definition
        )
    return MeanEstimator(
        ci=ci, confidence=level, label=result.label, definition=result.definition
    )


def same_metric(a: object, b: object) -> tuple[str, str] | None:
    """None when ``a`` and ``b`` measure one thing, else the two descriptions."""
    described = [
        (getattr(r, "label", None), getattr(r, "definition", "")) for r in (a, b)
    ]
    if described[0] == described[1]:
        return None
    return tuple(_describe(label, definition) for label, definition in described)  # type: ignore[return-value]


def _describe(label: object, definition: str) -> str:
    text = repr(label) if label is not None else "NPS"
    return f"{text} ({definition})" if definition else text


def merge_results(
    a: AdditiveResult,
    b: object,
    *,
    n_resamples: int = 10_000,
    rng: np.random.Generator | int | None = None,
) -> Any:
    """The result of both samples together, through the statistics of each.

    Both must be of one kind, one metric (label and definition) and one
    interval method and level; see the ``merge`` methods of the records.
    """
    other = _check_mergeable(a, b)
    resamples = check_resamples("merge", n_resamples)
    draws = a.ci is not None and a.ci.method in ("bootstrap", "bayes")
    check_rng("merge", rng)
    generator = make_rng("merge", rng) if draws else None
    estimator = estimator_of(a, n_resamples=resamples, rng=generator)
    total = stats_of(a) + stats_of(other)  # type: ignore[operator]
    return estimator.result(total)  # type: ignore[arg-type]


def _check_mergeable(a: AdditiveResult, b: object) -> AdditiveResult:
    """Both results are of one kind, one metric and one interval method and level."""
    kind = type(a).__name__
    if type(b) is not type(a):
        raise InputError(
            f"merge: {kind} merges only with {kind}; got {type(b).__name__}"
        )
    differ = same_metric(a, b)
    if differ is not None:
        raise InputError(
            f"merge: {kind} results merge only when they measure the same thing; "
            f"got {differ[0]} and {differ[1]}"
        )
    assert isinstance(b, (NPSResult, NetScoreResult, RateResult, MeanResult))
    ci_a: Interval | None = a.ci
    ci_b: Interval | None = b.ci
    if (ci_a is None) != (ci_b is None) or (
        ci_a is not None
        and ci_b is not None
        and (ci_a.method, ci_a.level) != (ci_b.method, ci_b.level)
    ):
        raise InputError(
            "merge: both results must use the same interval method and confidence; "
            f"got {_describe_ci(ci_a)} and {_describe_ci(ci_b)}"
        )
    return b


def _describe_ci(ci: Interval | None) -> str:
    return "no interval" if ci is None else f"{ci.method} at {ci.level:g}"
