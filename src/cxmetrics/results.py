"""Result records: frozen attrs classes returned by every metric.

Results are plain records. They know how to print themselves, turn into a
dict, render in a notebook and, for the additive ones, merge with another
result of the same kind (summing the sufficient statistics and estimating
again), so a service can keep running totals.
"""

from __future__ import annotations

import html
import math
from typing import Any

import attrs
import numpy as np

__all__ = [
    "CohortTable",
    "Comparison",
    "DurationResult",
    "ErlangAResult",
    "ErlangCResult",
    "Interval",
    "MeanResult",
    "NPSResult",
    "NetScoreResult",
    "RakedWeights",
    "RateResult",
    "RevenueRetentionResult",
    "ShiftPlan",
    "StaffingResult",
    "SurvivalCurve",
]

_METHOD_LABELS = {
    "adjusted_wald": "adjusted Wald",
    "wald": "Wald",
    "score": "Tango score",
    "mover": "MOVER",
    "bootstrap": "bootstrap",
    "bayes": "Bayesian",
    "wilson": "Wilson",
    "agresti_coull": "Agresti-Coull",
    "clopper_pearson": "Clopper-Pearson",
    "jeffreys": "Jeffreys",
    "t": "Student t",
    "order_statistic": "order statistic",
    "brookmeyer_crowley": "Brookmeyer-Crowley",
    "newcombe": "Newcombe",
    "welch": "Welch",
    "logrank": "log-rank",
}


def _plain(value: Any) -> Any:
    """Numpy scalars to Python scalars, recursively, for ``to_dict``."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _level_text(level: float) -> str:
    return f"{100 * level:g}%"


@attrs.frozen
class Interval:
    """A confidence interval.

    Attributes
    ----------
    low, high : float
        The bounds, in the unit of the estimate (points for NPS, a fraction
        for rates).
    level : float
        The confidence level, e.g. 0.95.
    method : str
        The method's name, e.g. ``"wilson"`` or ``"adjusted_wald"``.

    Examples
    --------
    >>> print(Interval(0.72, 0.87, 0.95, "wilson"))
    95% CI 0.72 to 0.87, Wilson
    """

    low: float
    high: float
    level: float
    method: str

    def __str__(self) -> str:
        bounds = f"{self.low:.4g} to {self.high:.4g}"
        return f"{_level_text(self.level)} CI {bounds}, {self.label}"

    @property
    def label(self) -> str:
        """The method's readable name, e.g. ``"adjusted Wald"``."""
        return _METHOD_LABELS.get(self.method, self.method)

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low

    def contains(self, value: float) -> bool:
        """Whether ``low <= value <= high``."""
        return bool(self.low <= value <= self.high)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict of plain Python values."""
        return {k: _plain(v) for k, v in attrs.asdict(self).items()}


class _Record:
    """Shared behaviour of the result records: dict, HTML, interval text."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict of plain Python values (the interval as a dict)."""
        return {k: _plain(v) for k, v in attrs.asdict(self).items()}  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(_html_value(v))}</td></tr>"
            for k, v in self.to_dict().items()
        )
        return f"<table><caption>{html.escape(str(self))}</caption>{rows}</table>"


def _html_value(value: Any) -> str:
    if isinstance(value, dict) and {"low", "high"} <= value.keys():
        return f"{value['low']:.4g} to {value['high']:.4g} ({value['method']})"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _ci_text(ci: Interval | None, scale: float, suffix: str, digits: int) -> str:
    if ci is None:
        return ""
    return (
        f" ({_level_text(ci.level)} CI {ci.low * scale:.{digits}f}{suffix} to "
        f"{ci.high * scale:.{digits}f}{suffix}, {ci.label})"
    )


def _n_text(n: int, effective_n: float, n_missing: int) -> str:
    text = f"n={n:,}"
    if not math.isclose(effective_n, n) and not math.isnan(effective_n):
        text += f", effective n={effective_n:,.1f}"
    if n_missing:
        text += f", {n_missing:,} missing"
    return text


def _merge(a: Any, b: object, **options: Any) -> Any:
    """Merge through the statistics kernel (imported here: it imports this module)."""
    from cxmetrics._estimators import merge_results

    return merge_results(a, b, **options)


# ---------------------------------------------------------------------------
# Net scores (NPS, Net Easy)


@attrs.frozen(kw_only=True)
class NPSResult(_Record):
    """Net Promoter Score with its category counts and interval.

    Attributes
    ----------
    value : float
        NPS in points, ``100 * (promoters - detractors) / n``, from -100 to 100.
    n : int
        Number of valid responses.
    promoters, passives, detractors : int or float
        Counts of scores 9-10, 7-8 and 0-6; sums of weights when weighted.
    ci : Interval or None
        Confidence interval in points, or None when ``ci=None`` was asked.
    n_missing : int
        Missing scores left out (``nan_policy="omit"``).
    effective_n : float
        Kish effective sample size; equals ``n`` without weights.
    """

    value: float
    n: int
    promoters: float
    passives: float
    detractors: float
    ci: Interval | None
    n_missing: int = 0
    effective_n: float

    def __str__(self) -> str:
        return (
            f"NPS {self.value:.1f}{_ci_text(self.ci, 1.0, '', 1)}, "
            f"{_n_text(self.n, self.effective_n, self.n_missing)}"
        )

    @property
    def total_weight(self) -> float:
        """``promoters + passives + detractors`` (equals n without weights)."""
        return float(self.promoters + self.passives + self.detractors)

    @property
    def promoter_share(self) -> float:
        """Share of promoters, 0 to 1."""
        return float(self.promoters / self.total_weight)

    @property
    def passive_share(self) -> float:
        """Share of passives, 0 to 1."""
        return float(self.passives / self.total_weight)

    @property
    def detractor_share(self) -> float:
        """Share of detractors, 0 to 1."""
        return float(self.detractors / self.total_weight)

    def merge(
        self,
        other: NPSResult,
        *,
        n_resamples: int = 10_000,
        rng: np.random.Generator | int | None = None,
    ) -> NPSResult:
        """The result on both samples together, from the summed counts.

        The interval is estimated again with the same method and confidence;
        ``n_resamples`` and ``rng`` serve the bootstrap and Bayesian methods.

        Examples
        --------
        >>> import cxmetrics as cx
        >>> monday = cx.nps([10, 9, 7, 3])
        >>> tuesday = cx.nps([10, 2])
        >>> monday.merge(tuesday) == cx.nps([10, 9, 7, 3, 10, 2])
        True
        """
        result: NPSResult = _merge(self, other, n_resamples=n_resamples, rng=rng)
        return result


@attrs.frozen(kw_only=True)
class NetScoreResult(_Record):
    """A net score other than NPS: share positive minus share negative, in points.

    Used by ``ces(method="net_easy")`` (positive = easy, negative =
    difficult). The interval methods are those of NPS.

    Attributes
    ----------
    value : float
        Net score in points, -100 to 100.
    n : int
        Number of valid responses.
    positive, neutral, negative : int or float
        Counts per category; sums of weights when weighted.
    ci : Interval or None
        Confidence interval in points.
    n_missing : int
        Missing ratings left out.
    effective_n : float
        Kish effective sample size; equals ``n`` without weights.
    label : str
        What the score is called, e.g. ``"Net Easy"``.
    definition : str
        What exactly is counted, e.g. ``"ratings 4, 5 on the 1-5 scale"``
        (empty when the label says it all). Results merge and compare only
        when their labels and definitions agree.
    """

    value: float
    n: int
    positive: float
    neutral: float
    negative: float
    ci: Interval | None
    n_missing: int = 0
    effective_n: float
    label: str = "Net score"
    definition: str = ""

    def __str__(self) -> str:
        return (
            f"{self.label} {self.value:.1f}{_ci_text(self.ci, 1.0, '', 1)}, "
            f"{_n_text(self.n, self.effective_n, self.n_missing)}"
        )

    @property
    def total_weight(self) -> float:
        """``positive + neutral + negative`` (equals n without weights)."""
        return float(self.positive + self.neutral + self.negative)

    @property
    def positive_share(self) -> float:
        """Share of positive answers, 0 to 1."""
        return float(self.positive / self.total_weight)

    @property
    def neutral_share(self) -> float:
        """Share of neutral answers, 0 to 1."""
        return float(self.neutral / self.total_weight)

    @property
    def negative_share(self) -> float:
        """Share of negative answers, 0 to 1."""
        return float(self.negative / self.total_weight)

    def merge(
        self,
        other: NetScoreResult,
        *,
        n_resamples: int = 10_000,
        rng: np.random.Generator | int | None = None,
    ) -> NetScoreResult:
        """The result on both samples together, from the summed counts."""
        result: NetScoreResult = _merge(self, other, n_resamples=n_resamples, rng=rng)
        return result


# ---------------------------------------------------------------------------
# Rates


@attrs.frozen(kw_only=True)
class RateResult(_Record):
    """A share of successes: CSAT, top-box, FCR, churn, conversion, ...

    Attributes
    ----------
    value : float
        The rate as a fraction, 0 to 1 (weighted when weighted).
    successes : int or float
        Count of successes; sum of their weights when weighted.
    n : int
        Number of valid observations.
    ci : Interval or None
        Confidence interval, a fraction.
    n_missing : int
        Missing values left out.
    effective_n : float
        Kish effective sample size; equals ``n`` without weights.
    total_weight : float
        Sum of the weights; equals ``n`` without weights.
    label : str
        What the rate is called, e.g. ``"CSAT"``.
    definition : str
        What exactly is counted, e.g. ``"ratings 4, 5 on the 1-5 scale"``
        (empty when the label says it all). Results merge and compare only
        when their labels and definitions agree.
    n_pending : int
        Items not yet decided and so not in ``n`` (a ticket still open and
        within its target, for example); 0 for metrics without that notion.
    """

    value: float
    successes: float
    n: int
    ci: Interval | None
    n_missing: int = 0
    effective_n: float
    total_weight: float
    label: str = "Rate"
    n_pending: int = 0
    definition: str = ""

    def __str__(self) -> str:
        text = (
            f"{self.label} {100 * self.value:.1f}%{_ci_text(self.ci, 100.0, '%', 1)}, "
            f"{_n_text(self.n, self.effective_n, self.n_missing)}"
        )
        if self.n_pending:
            text += f", {self.n_pending:,} pending"
        return text

    def merge(self, other: RateResult) -> RateResult:
        """The result on both samples together, from the summed counts.

        Examples
        --------
        >>> import cxmetrics as cx
        >>> a = cx.csat([5, 4, 2])
        >>> b = cx.csat([5, 1])
        >>> print(a.merge(b))
        CSAT 60.0% (95% CI 23.1% to 88.2%, Wilson), n=5
        """
        result: RateResult = _merge(self, other)
        return result


# ---------------------------------------------------------------------------
# Means


@attrs.frozen(kw_only=True)
class MeanResult(_Record):
    """A mean with its standard deviation and Student t interval.

    Attributes
    ----------
    value : float
        The (weighted) mean.
    n : int
        Number of valid observations.
    std : float
        Sample standard deviation; with weights, the weighted analogue with
        ``effective_n - 1`` in the denominator.
    ci : Interval or None
        Confidence interval for the mean.
    n_missing : int
        Missing values left out.
    effective_n : float
        Kish effective sample size; equals ``n`` without weights.
    total_weight : float
        Sum of the weights; equals ``n`` without weights.
    label : str
        What the mean is of, e.g. ``"CES"``.
    definition : str
        What exactly is counted, e.g. ``"ratings 4, 5 on the 1-5 scale"``
        (empty when the label says it all). Results merge and compare only
        when their labels and definitions agree.
    """

    value: float
    n: int
    std: float
    ci: Interval | None
    n_missing: int = 0
    effective_n: float
    total_weight: float
    label: str = "Mean"
    definition: str = ""

    def __str__(self) -> str:
        return (
            f"{self.label} {self.value:.2f}{_ci_text(self.ci, 1.0, '', 2)}, "
            f"{_n_text(self.n, self.effective_n, self.n_missing)}"
        )

    def merge(self, other: MeanResult) -> MeanResult:
        """The result on both samples together (Chan's pairwise update).

        Examples
        --------
        >>> import cxmetrics as cx
        >>> a = cx.mean_score([4, 5, 3], scale=(1, 5))
        >>> b = cx.mean_score([2, 5], scale=(1, 5))
        >>> print(a.merge(b))
        Mean score 3.80 (95% CI 2.18 to 5.42, Student t), n=5
        """
        result: MeanResult = _merge(self, other)
        return result


# ---------------------------------------------------------------------------
# Durations


def _format_duration(value: float, unit: str) -> str:
    return f"{value:.3g} {unit}" if math.isfinite(value) else f"{value} {unit}"


@attrs.frozen(kw_only=True)
class DurationResult(_Record):
    """A summary of durations: first response, resolution, handle time, ...

    Durations are not additive, so there is no ``merge``; the sorted values
    are kept (``values``) for comparisons that resample them.

    Attributes
    ----------
    n : int
        Items with a valid duration (both ends present, end not before start).
    n_pending : int
        Items with a start but no end yet (still open); not in ``n``.
    n_missing : int
        Items left out for other reasons (missing start, or an end before its
        start under ``nan_policy="omit"``); not in ``n``.
    mean, median : float
        Of the ``n`` durations, in ``unit``.
    percentiles : dict of float to float
        Requested percentiles (0-100) and their values, in ``unit``.
    median_ci : Interval or None
        Distribution-free (order-statistic) interval for the median.
    unit : str
        ``"s"``, ``"min"``, ``"h"`` or ``"d"``.
    label : str
        What is measured, e.g. ``"Resolution time"``.
    values : numpy.ndarray
        The ``n`` durations, sorted ascending (left out of ``to_dict``).
    """

    n: int
    n_pending: int = 0
    n_missing: int = 0
    mean: float
    median: float
    percentiles: dict[float, float] = attrs.field(factory=dict)
    median_ci: Interval | None
    unit: str
    label: str = "Duration"
    values: np.ndarray[Any, np.dtype[np.float64]] = attrs.field(
        eq=False, repr=False, factory=lambda: np.empty(0)
    )

    def __str__(self) -> str:
        text = f"{self.label}: median {_format_duration(self.median, self.unit)}"
        if self.median_ci is not None:
            ci = self.median_ci
            text += (
                f" ({_level_text(ci.level)} CI {ci.low:.3g} to {ci.high:.3g}), "
                f"mean {_format_duration(self.mean, self.unit)}"
            )
        else:
            text += f", mean {_format_duration(self.mean, self.unit)}"
        text += f", n={self.n:,}"
        if self.n_pending:
            text += f", {self.n_pending:,} pending"
        if self.n_missing:
            text += f", {self.n_missing:,} missing"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values, without the ``values`` array."""
        fields = attrs.asdict(self, filter=lambda a, _: a.name != "values")
        return {k: _plain(v) for k, v in fields.items()}


# ---------------------------------------------------------------------------
# Comparisons


@attrs.frozen(kw_only=True)
class Comparison(_Record):
    """The difference between two results, with its interval and test.

    Attributes
    ----------
    difference : float
        ``a - b`` in the unit of the metric (points for NPS, a fraction for
        rates); NaN for tests without an effect size, such as the log-rank
        test.
    ci : Interval or None
        Confidence interval for the difference.
    p_value : float
        Two-sided p-value of the test of no difference.
    statistic : float
        The test statistic (z, t or chi-squared, per ``method``).
    method : str
        The method's name, e.g. ``"wald"``, ``"newcombe"``, ``"welch"``,
        ``"logrank"``.
    a, b : object
        The two results compared.
    label : str
        What is compared, e.g. ``"NPS"``.
    """

    difference: float
    ci: Interval | None
    p_value: float
    statistic: float
    method: str
    a: Any = attrs.field(eq=False, repr=False)
    b: Any = attrs.field(eq=False, repr=False)
    label: str = "Difference"

    def __str__(self) -> str:
        name = _METHOD_LABELS.get(self.method, self.method)
        if math.isnan(self.difference):
            text = f"{self.label}: {name} statistic {self.statistic:.4g}"
        else:
            text = f"{self.label} difference {self.difference:.4g}"
            if self.ci is not None:
                text += (
                    f" ({_level_text(self.ci.level)} CI {self.ci.low:.4g} to "
                    f"{self.ci.high:.4g}, {self.ci.label})"
                )
        return f"{text}, p={self.p_value:.3g}"

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values; ``a`` and ``b`` as their dicts."""
        fields = attrs.asdict(self, recurse=False)
        fields["ci"] = None if self.ci is None else self.ci.to_dict()
        for side in ("a", "b"):
            value = fields[side]
            fields[side] = value.to_dict() if hasattr(value, "to_dict") else value
        return {k: _plain(v) for k, v in fields.items()}


# ---------------------------------------------------------------------------
# Queueing and staffing

#: A number, or an array of numbers (one per interval); agent counts are int64.
FloatOrArray = float | np.ndarray[Any, np.dtype[Any]]


def _interval_count(record: Any, names: tuple[str, ...]) -> int | None:
    """How many intervals the record covers: None when every field is a number."""
    values = [getattr(record, name) for name in names]
    sizes = [np.size(value) for value in values if np.ndim(value)]
    return max(sizes) if sizes else None


def _frame_of(record: Any, names: tuple[str, ...]) -> Any:
    """One row per interval; the index of the pandas inputs when there was one."""
    import pandas as pd

    columns = {name: np.atleast_1d(getattr(record, name)) for name in names}
    size = max(len(column) for column in columns.values())
    return pd.DataFrame(
        {name: np.broadcast_to(col, (size,)) for name, col in columns.items()},
        index=record.index,
    )


def _queue_dict(record: Any) -> dict[str, Any]:
    """`_Record.to_dict` without the index (its rows are the arrays' positions)."""
    values = attrs.asdict(record, filter=lambda field, _: field.name != "index")
    return {k: _plain(v) for k, v in values.items()}


_ERLANG_FIELDS = (
    "arrival_rate",
    "aht",
    "interval",
    "target_time",
    "traffic",
    "agents",
    "prob_wait",
    "service_level",
    "asa",
    "occupancy",
)


@attrs.frozen(kw_only=True, eq=False)
class ErlangCResult(_Record):
    """Erlang C measures of a queue; arrays when the inputs are arrays.

    Attributes
    ----------
    arrival_rate : float or numpy.ndarray
        Contacts offered per interval.
    aht : float or numpy.ndarray
        Average handle time, seconds.
    interval : float or numpy.ndarray
        Interval length, seconds.
    target_time : float or numpy.ndarray
        The service-level threshold, seconds.
    traffic : float or numpy.ndarray
        Offered load in Erlangs, ``arrival_rate * aht / interval``.
    agents : int or numpy.ndarray
        Agents on the queue.
    prob_wait : float or numpy.ndarray
        Probability that a contact waits (Erlang C); 1 when the queue is
        unstable (``agents <= traffic``).
    service_level : float or numpy.ndarray
        Share answered within ``target_time``; 0 when unstable.
    asa : float or numpy.ndarray
        Average speed of answer, seconds; inf when unstable.
    occupancy : float or numpy.ndarray
        ``traffic / agents``, capped at 1.
    index : pandas.Index or None
        The index of the pandas Series given as inputs (they must share
        one), kept by `to_frame`; None otherwise.
    """

    arrival_rate: FloatOrArray
    aht: FloatOrArray
    interval: FloatOrArray
    target_time: FloatOrArray
    traffic: FloatOrArray
    agents: FloatOrArray
    prob_wait: FloatOrArray
    service_level: FloatOrArray
    asa: FloatOrArray
    occupancy: FloatOrArray
    index: Any = attrs.field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict of plain Python values (not the index)."""
        return _queue_dict(self)

    def __str__(self) -> str:
        intervals = _interval_count(self, _ERLANG_FIELDS)
        if intervals is None:
            return (
                f"Erlang C: {float(self.traffic):.4g} Erlangs on "
                f"{int(np.asarray(self.agents))} agents: P(wait) "
                f"{float(self.prob_wait):.1%}, service level "
                f"{float(self.service_level):.1%} in {float(self.target_time):g} s, "
                f"ASA {float(self.asa):.4g} s, occupancy {float(self.occupancy):.1%}"
            )
        return f"Erlang C for {intervals:,} intervals (see .to_frame())"

    def to_frame(self) -> Any:
        """One row per interval, one column per field (a pandas DataFrame)."""
        return _frame_of(self, _ERLANG_FIELDS)


_ERLANG_A_FIELDS = (
    "arrival_rate",
    "aht",
    "interval",
    "target_time",
    "patience",
    "traffic",
    "agents",
    "prob_wait",
    "prob_abandon",
    "service_level",
    "asa",
    "mean_wait",
    "occupancy",
)


@attrs.frozen(kw_only=True, eq=False)
class ErlangAResult(_Record):
    """Erlang A (M/M/N+M) measures of a queue; arrays when the inputs are arrays.

    Attributes
    ----------
    arrival_rate, aht, interval, target_time : float or numpy.ndarray
        The inputs, as in `ErlangCResult` (times in seconds).
    patience : float or numpy.ndarray
        Mean patience of a waiting caller, seconds.
    traffic : float or numpy.ndarray
        Offered load in Erlangs, ``arrival_rate * aht / interval``.
    agents : int or numpy.ndarray
        Agents on the queue.
    prob_wait : float or numpy.ndarray
        Probability that a call waits (finds every agent busy).
    prob_abandon : float or numpy.ndarray
        Share of offered calls that hang up before an agent answers.
    service_level : float or numpy.ndarray
        Share of offered calls answered within ``target_time``: abandoned
        calls count as misses, whenever they hang up.
    asa : float or numpy.ndarray
        Average speed of answer: the mean wait of answered calls, seconds.
    mean_wait : float or numpy.ndarray
        Mean wait of all offered calls (answered or abandoned), seconds.
    occupancy : float or numpy.ndarray
        Share of the agents' time spent on calls: the answered load
        ``traffic * (1 - prob_abandon)`` over ``agents``.
    index : pandas.Index or None
        As in `ErlangCResult`.
    """

    arrival_rate: FloatOrArray
    aht: FloatOrArray
    interval: FloatOrArray
    target_time: FloatOrArray
    patience: FloatOrArray
    traffic: FloatOrArray
    agents: FloatOrArray
    prob_wait: FloatOrArray
    prob_abandon: FloatOrArray
    service_level: FloatOrArray
    asa: FloatOrArray
    mean_wait: FloatOrArray
    occupancy: FloatOrArray
    index: Any = attrs.field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict of plain Python values (not the index)."""
        return _queue_dict(self)

    def __str__(self) -> str:
        intervals = _interval_count(self, _ERLANG_A_FIELDS)
        if intervals is None:
            return (
                f"Erlang A: {float(self.traffic):.4g} Erlangs on "
                f"{int(np.asarray(self.agents))} agents, patience "
                f"{float(self.patience):.4g} s: P(wait) {float(self.prob_wait):.1%}, "
                f"P(abandon) {float(self.prob_abandon):.1%}, service level "
                f"{float(self.service_level):.1%} in {float(self.target_time):g} s, "
                f"ASA {float(self.asa):.4g} s, occupancy {float(self.occupancy):.1%}"
            )
        return f"Erlang A for {intervals:,} intervals (see .to_frame())"

    def to_frame(self) -> Any:
        """One row per interval, one column per field (a pandas DataFrame)."""
        return _frame_of(self, _ERLANG_A_FIELDS)


_STAFFING_FIELDS = (
    "arrival_rate",
    "aht",
    "interval",
    "target_time",
    "patience",
    "target_service_level",
    "max_occupancy",
    "max_abandonment",
    "shrinkage",
    "traffic",
    "agents_on_queue",
    "agents",
    "prob_wait",
    "prob_abandon",
    "service_level",
    "asa",
    "mean_wait",
    "occupancy",
)


@attrs.frozen(kw_only=True, eq=False)
class StaffingResult(_Record):
    """Agents needed to meet a service target; arrays when the inputs are arrays.

    Attributes
    ----------
    agents : int or numpy.ndarray
        Headcount to schedule, after shrinkage:
        ``ceil(agents_on_queue / (1 - shrinkage))``.
    agents_on_queue : int or numpy.ndarray
        The least number of agents on the queue meeting every target.
    traffic, prob_wait, service_level, asa, occupancy : float or numpy.ndarray
        The measures at ``agents_on_queue``: of Erlang C (see
        `ErlangCResult`), or of Erlang A when ``patience`` is given (see
        `ErlangAResult`).
    prob_abandon, mean_wait : float or numpy.ndarray
        Share of offered calls that abandon, and the mean wait of all
        offered calls (seconds): Erlang A's; with Erlang C nobody abandons
        (0) and the mean wait is the ASA.
    arrival_rate, aht, interval, target_time : float or numpy.ndarray
        The inputs, as in `ErlangCResult`.
    patience : float, numpy.ndarray or None
        Mean patience (seconds) of the Erlang A model; None for Erlang C.
    target_service_level : float
        The share to answer within ``target_time``.
    max_occupancy, max_abandonment : float or None
        The caps on occupancy and abandonment, when given.
    shrinkage : float
        Share of paid time agents are not on the queue.
    index : pandas.Index or None
        As in `ErlangCResult`.
    """

    arrival_rate: FloatOrArray
    aht: FloatOrArray
    interval: FloatOrArray
    target_time: FloatOrArray
    patience: FloatOrArray | None
    target_service_level: float
    max_occupancy: float | None
    max_abandonment: float | None
    shrinkage: float
    traffic: FloatOrArray
    agents_on_queue: FloatOrArray
    agents: FloatOrArray
    prob_wait: FloatOrArray
    prob_abandon: FloatOrArray
    service_level: FloatOrArray
    asa: FloatOrArray
    mean_wait: FloatOrArray
    occupancy: FloatOrArray
    index: Any = attrs.field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict of plain Python values (not the index)."""
        return _queue_dict(self)

    def __str__(self) -> str:
        model = "" if self.patience is None else " (Erlang A)"
        intervals = _interval_count(self, _STAFFING_FIELDS)
        if intervals is None:
            abandon = ""
            if self.patience is not None:
                abandon = f", abandonment {float(self.prob_abandon):.1%}"
            text = (
                f"Staffing{model}: {int(np.asarray(self.agents))} agents to "
                f"schedule ({int(np.asarray(self.agents_on_queue))} on the queue) "
                f"for {float(self.traffic):.4g} Erlangs: service level "
                f"{float(self.service_level):.1%} in {float(self.target_time):g} s"
                f"{abandon}, ASA {float(self.asa):.4g} s, occupancy "
                f"{float(self.occupancy):.1%}"
            )
            if self.shrinkage:
                text += f", shrinkage {self.shrinkage:.0%}"
            return text
        total = int(np.sum(self.agents))
        return (
            f"Staffing{model} for {intervals:,} intervals: "
            f"{total:,} agent-intervals to schedule (see .to_frame())"
        )

    def to_frame(self) -> Any:
        """One row per interval, one column per field (a pandas DataFrame)."""
        return _frame_of(self, _STAFFING_FIELDS)


_CRITERIA = {
    "cover": "least cost, every period covered",
    "match": "least total gap to the requirements",
}


@attrs.frozen(kw_only=True, eq=False)
class ShiftPlan(_Record):
    """Agents on each shift each day, from `cxmetrics.schedule_shifts`.

    Attributes
    ----------
    counts : pandas.DataFrame
        Agents per day (rows, labelled as the requirements' days) and shift
        (columns, in the order given).
    requirements : numpy.ndarray
        The agents needed per period (int64), as given (1-D or 2-D).
    coverage : numpy.ndarray
        Agents on duty per period under the plan, shaped like
        ``requirements``.
    shortfall, surplus : numpy.ndarray
        ``max(requirements - coverage, 0)`` and ``max(coverage -
        requirements, 0)``, per period.
    objective : float
        The optimal value: the total cost ("cover") or the total absolute
        gap in agent-periods ("match").
    criterion : str
        ``"cover"`` or ``"match"``.
    total_cost : float
        The plan's cost: the sum over shifts of agents times cost.
    agents : int
        Agent-shifts in the plan (the sum of ``counts``).
    """

    counts: Any = attrs.field(repr=False)
    requirements: np.ndarray[Any, np.dtype[Any]] = attrs.field(repr=False)
    coverage: np.ndarray[Any, np.dtype[Any]] = attrs.field(repr=False)
    shortfall: np.ndarray[Any, np.dtype[Any]] = attrs.field(repr=False)
    surplus: np.ndarray[Any, np.dtype[Any]] = attrs.field(repr=False)
    objective: float
    criterion: str
    total_cost: float
    agents: int
    day_labels: Any = attrs.field(repr=False)
    period_labels: Any = attrs.field(repr=False)
    horizon_labels: Any = attrs.field(repr=False)

    def __str__(self) -> str:
        days = len(self.counts.index)
        head = (
            f"Shift plan ({self.criterion}: {_CRITERIA[self.criterion]}): "
            f"{self.agents:,} agent-shifts over {days:,} day{'s' * (days != 1)}, "
            f"cost {self.total_cost:,.2f}".rstrip("0").rstrip(".")
        )
        short, extra = int(self.shortfall.sum()), int(self.surplus.sum())
        if self.criterion == "match":
            head += f"; total gap {self.objective:,.0f} agent-periods"
        head += (
            f"; shortfall {short:,}, surplus {extra:,} agent-periods"
            if short
            else f"; every period covered, surplus {extra:,} agent-periods"
        )
        return f"{head}\n{self.counts.to_string()}"

    def _repr_html_(self) -> str:
        first = html.escape(str(self).splitlines()[0])
        return f"<div><p>{first}</p>{self.counts.to_html()}</div>"

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values: counts as {day: {shift: agents}}."""
        counts = {
            _plain(day): {str(shift): int(n) for shift, n in row.items()}
            for day, row in self.counts.iterrows()
        }
        return {
            "counts": counts,
            "requirements": self.requirements.tolist(),
            "coverage": self.coverage.tolist(),
            "shortfall": self.shortfall.tolist(),
            "surplus": self.surplus.tolist(),
            "objective": self.objective,
            "criterion": self.criterion,
            "total_cost": self.total_cost,
            "agents": self.agents,
        }

    def to_frame(self) -> Any:
        """One row per period: day, period, requirement, coverage, shortfall, surplus.

        ``day`` and ``period`` are the requirements' labels (for a 1-D
        horizon: the day's number and the period's position in it, and the
        index is the horizon's labels when it was a Series).

        Examples
        --------
        >>> import cxmetrics as cx
        >>> plan = cx.schedule_shifts(
        ...     [2, 3, 3, 1], {"early": [1, 1, 0, 0], "late": [0, 1, 1, 1]})
        >>> plan.to_frame()
           day  period  requirement  coverage  shortfall  surplus
        0    0       0            2         2          0        0
        1    0       1            3         5          0        2
        2    0       2            3         3          0        0
        3    0       3            1         3          0        2
        """
        import pandas as pd

        periods = len(self.period_labels)
        count = self.requirements.size
        days = np.arange(count) // periods
        within = np.arange(count) % periods
        frame = pd.DataFrame(
            {
                "day": np.asarray(self.day_labels)[days],
                "period": np.asarray(self.period_labels)[within],
                "requirement": self.requirements.reshape(-1),
                "coverage": self.coverage.reshape(-1),
                "shortfall": self.shortfall.reshape(-1),
                "surplus": self.surplus.reshape(-1),
            }
        )
        if self.horizon_labels is not None:
            frame.index = self.horizon_labels
        return frame


# ---------------------------------------------------------------------------
# Survival


_SURVIVAL_COLUMNS = (
    "timeline",
    "at_risk",
    "events",
    "censored",
    "survival",
    "ci_low",
    "ci_high",
)


@attrs.frozen(kw_only=True, eq=False)
class SurvivalCurve(_Record):
    """A Kaplan-Meier survival curve with its pointwise interval.

    The curve is a right-continuous step function: ``survival[i]`` holds from
    ``timeline[i]`` up to (not including) ``timeline[i + 1]``; before the
    first time it is 1.

    Attributes
    ----------
    timeline : numpy.ndarray
        The distinct times at which an event or a censoring happened, sorted.
    survival : numpy.ndarray
        S(t) just after each time.
    ci_low, ci_high : numpy.ndarray
        Pointwise log(-log) Greenwood bounds at ``confidence``.
    at_risk, events, censored : numpy.ndarray
        Number at risk just before each time, events and censorings at it
        (weighted when weighted).
    median : float
        The first time with S(t) <= 0.5; inf when the curve stays above.
    median_ci : Interval or None
        Interval for the median from where the bounds cross 0.5.
    confidence : float
        The level of the bounds.
    n : int
        Number of subjects.
    n_missing : int
        Subjects left out for missing values.
    weighted : bool
        Whether the counts are sums of weights.
    left_truncated : bool
        Whether the curve was estimated with delayed entry (``entry=``).
    """

    timeline: np.ndarray[Any, np.dtype[np.float64]]
    survival: np.ndarray[Any, np.dtype[np.float64]]
    ci_low: np.ndarray[Any, np.dtype[np.float64]]
    ci_high: np.ndarray[Any, np.dtype[np.float64]]
    at_risk: np.ndarray[Any, np.dtype[np.float64]]
    events: np.ndarray[Any, np.dtype[np.float64]]
    censored: np.ndarray[Any, np.dtype[np.float64]]
    median: float
    median_ci: Interval | None
    confidence: float = 0.95
    n: int
    n_missing: int = 0
    weighted: bool = False
    left_truncated: bool = False

    def __str__(self) -> str:
        events = float(np.sum(self.events))
        text = f"Kaplan-Meier: median {self.median:.4g}"
        if self.median_ci is not None:
            ci = self.median_ci
            text += f" ({_level_text(ci.level)} CI {ci.low:.4g} to {ci.high:.4g})"
        text += f", n={self.n:,}, events={events:,.0f}"
        if self.n_missing:
            text += f", {self.n_missing:,} missing"
        return text

    def at(self, t: Any) -> Any:
        """S(t) read off the step function; a float for a scalar ``t``.

        Examples
        --------
        >>> import numpy as np
        >>> from cxmetrics.results import SurvivalCurve
        >>> curve = SurvivalCurve(
        ...     timeline=np.array([2.0, 5.0]), survival=np.array([0.5, 0.25]),
        ...     ci_low=np.array([0.1, 0.05]), ci_high=np.array([0.9, 0.6]),
        ...     at_risk=np.array([4.0, 2.0]), events=np.array([2.0, 1.0]),
        ...     censored=np.array([0.0, 1.0]), median=2.0, median_ci=None, n=4)
        >>> curve.at([0, 2, 4.9, 5, 99]).tolist()
        [1.0, 0.5, 0.5, 0.25, 0.25]
        """
        times = np.asarray(t, dtype=np.float64)
        index = np.searchsorted(self.timeline, times, side="right") - 1
        # A curve of NaN (nan_policy="propagate") is NaN everywhere, 0 included.
        start = math.nan if np.isnan(self.survival).all() and self.n else 1.0
        padded = np.concatenate(([start], self.survival))
        values = padded[index + 1]
        return float(values) if values.ndim == 0 else values

    def to_frame(self) -> Any:
        """The curve as a DataFrame, one row per time (a pandas DataFrame)."""
        import pandas as pd

        return pd.DataFrame({name: getattr(self, name) for name in _SURVIVAL_COLUMNS})

    def merge(self, other: SurvivalCurve) -> SurvivalCurve:
        """The curve of both samples pooled, from the sum of their life tables.

        Without delayed entry the numbers at risk follow from the events and
        censorings, so the pooled table is the sum of the two tables on the
        union of their times, and the curve, its bounds and its median are
        estimated from it: the result equals `cxmetrics.survival_curve` on
        the rows of both samples. Curves estimated with ``entry=``, a
        weighted curve with an unweighted one, or curves at different
        confidence levels raise `cxmetrics.InputError`.

        Examples
        --------
        >>> import cxmetrics as cx
        >>> january = cx.survival_curve([2, 3, 3, 5], [1, 1, 0, 1])
        >>> february = cx.survival_curve([6, 6, 8, 9], [1, 1, 0, 1])
        >>> print(january.merge(february))
        Kaplan-Meier: median 6 (95% CI 2 to 9), n=8, events=6
        """
        from cxmetrics.survival import merge_curves

        return merge_curves(self, other)


# ---------------------------------------------------------------------------
# Cohorts and revenue


@attrs.frozen(kw_only=True, eq=False)
class CohortTable(_Record):
    """A cohort retention table.

    Attributes
    ----------
    counts : pandas.DataFrame
        Cohort (a PeriodIndex named ``"cohort"``) by period offset (columns
        0..K): customers active (classic) or active then or later (rolling);
        sums of ``values`` for revenue cohorts. Cells not yet observable are
        NaN.
    rates : pandas.DataFrame
        ``counts`` divided by the cohort's size.
    sizes : pandas.Series
        Customers of each cohort (revenue at offset 0 for revenue cohorts).
    kind : str
        ``"classic"`` or ``"rolling"``.
    freq : str
        The period frequency, e.g. ``"M"``.
    measure : str
        ``"customers"`` or ``"revenue"``.
    """

    counts: Any
    rates: Any
    sizes: Any
    kind: str
    freq: str
    measure: str = "customers"

    def __str__(self) -> str:
        return (
            f"Cohort table ({self.kind}, {self.measure}, freq {self.freq}): "
            f"{len(self.sizes):,} cohorts x {self.counts.shape[1]:,} periods"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain Python values: the tables as ``{cohort: {offset: value}}``."""

        def table(frame: Any) -> dict[str, dict[int, float | None]]:
            return {
                str(cohort): {
                    int(k): (None if math.isnan(v) else float(v))
                    for k, v in row.items()
                }
                for cohort, row in frame.iterrows()
            }

        return {
            "kind": self.kind,
            "freq": self.freq,
            "measure": self.measure,
            "sizes": {str(k): _plain(v) for k, v in self.sizes.items()},
            "counts": table(self.counts),
            "rates": table(self.rates),
        }


@attrs.frozen(kw_only=True)
class RevenueRetentionResult(_Record):
    """Recurring revenue kept and grown from one date to the next.

    Attributes
    ----------
    starting, ending : float
        Total MRR at the start and at the end.
    new : float
        MRR at the end from customers with none at the start.
    expansion, contraction : float
        Increases and decreases (as a positive amount) of customers with MRR
        at both dates.
    churned : float
        Starting MRR of customers with none at the end.
    nrr : float
        Net revenue retention,
        ``(starting + expansion - contraction - churned) / starting``.
    grr : float
        Gross revenue retention, ``(starting - contraction - churned) / starting``.
    quick_ratio : float
        ``(new + expansion) / (contraction + churned)``; inf when nothing was lost.
    n_missing : int
        Customers with a missing MRR (NaN) at either date, counted as no
        revenue at that date.
    """

    starting: float
    ending: float
    new: float
    expansion: float
    contraction: float
    churned: float
    nrr: float
    grr: float
    quick_ratio: float
    n_missing: int = 0

    def __str__(self) -> str:
        text = (
            f"NRR {self.nrr:.1%}, GRR {self.grr:.1%}, quick ratio "
            f"{self.quick_ratio:.2f} (MRR {self.starting:,.2f} to {self.ending:,.2f})"
        )
        if self.n_missing:
            text += f", {self.n_missing:,} missing MRR counted as 0"
        return text


# ---------------------------------------------------------------------------
# Survey design


@attrs.frozen(kw_only=True, eq=False)
class RakedWeights(_Record):
    """Survey weights raked to population margins, from `cxmetrics.rake`.

    Array-like: ``np.asarray(raked)`` gives the weights, one per row of the
    frame raked, in its order. Passed as ``weights=`` to `cxmetrics.nps`,
    `cxmetrics.csat`, `cxmetrics.top_box`, `cxmetrics.mean_score`,
    `cxmetrics.ces` and to `cxmetrics.by_segment` and `cxmetrics.over_time`
    with those metrics, it makes their intervals use the raking-aware
    (linearized) variance rather than Kish's effective n.

    Attributes
    ----------
    weights : numpy.ndarray
        The raked weights (read-only).
    design_weights : numpy.ndarray
        The weights raking started from (1 for every row when none were
        given), read-only.
    codes : tuple of numpy.ndarray
        For each margin, each row's category as its position in that
        margin's categories (read-only).
    margins : pandas.DataFrame
        One row per margin category: ``margin``, ``category``,
        ``respondents`` (rows in it), ``target`` (population total),
        ``achieved`` (sum of the raked weights) and ``error``
        (``achieved / target - 1``; 0 for a target of 0 met exactly).
    iterations : int
        Full passes over the margins that were made.
    converged : bool
        Whether every margin is within ``tol`` of its target
        (``max_error <= tol``).
    max_error : float
        The largest relative margin error of the final weights,
        ``max |achieved / target - 1|``: reported whether or not raking
        converged.
    tol : float
        The tolerance asked for.
    effective_n : float
        Kish's effective sample size of the raked weights.
    design_effect : float
        ``n / effective_n``, the variance inflation of the weights alone.
    n : int
        Rows raked.
    """

    weights: np.ndarray[Any, np.dtype[np.float64]] = attrs.field(repr=False)
    design_weights: np.ndarray[Any, np.dtype[np.float64]] = attrs.field(repr=False)
    codes: tuple[np.ndarray[Any, np.dtype[np.intp]], ...] = attrs.field(repr=False)
    margins: Any = attrs.field(repr=False)
    iterations: int
    converged: bool
    max_error: float
    tol: float
    effective_n: float
    design_effect: float
    n: int

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        """The weights as a numpy array (a copy when ``copy`` is True)."""
        weights = self.weights if dtype is None else self.weights.astype(dtype)
        return np.array(weights, copy=True) if copy else weights

    def __len__(self) -> int:
        return int(self.n)

    def __str__(self) -> str:
        count = self.margins["margin"].nunique()
        state = (
            f"converged in {self.iterations:,} iteration{'s' * (self.iterations != 1)}"
            if self.converged
            else f"did not converge in {self.iterations:,} iterations"
        )
        return (
            f"Raked weights: n={self.n:,}, {count} margin{'s' * (count != 1)}, "
            f"{state} (largest margin error {self.max_error:.2g}), effective "
            f"n={self.effective_n:,.1f}, design effect {self.design_effect:.3g}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain Python values; the margins as a list of rows."""
        return {
            "n": self.n,
            "iterations": self.iterations,
            "converged": self.converged,
            "max_error": self.max_error,
            "tol": self.tol,
            "effective_n": self.effective_n,
            "design_effect": self.design_effect,
            "margins": [
                {k: _plain(v) for k, v in row.items()}
                for row in self.margins.to_dict(orient="records")
            ],
        }

    def _repr_html_(self) -> str:
        first = html.escape(str(self))
        return f"<div><p>{first}</p>{self.margins.to_html(index=False)}</div>"
