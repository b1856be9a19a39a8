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

from cxmetrics import intervals
from cxmetrics._validation import InputError

__all__ = [
    "Interval",
    "MeanResult",
    "NPSResult",
    "NetScoreResult",
    "RateResult",
]

_METHOD_LABELS = {
    "adjusted_wald": "adjusted Wald",
    "wald": "Wald",
    "bootstrap": "bootstrap",
    "bayes": "Bayesian",
    "wilson": "Wilson",
    "agresti_coull": "Agresti-Coull",
    "clopper_pearson": "Clopper-Pearson",
    "jeffreys": "Jeffreys",
    "t": "Student t",
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


def _check_mergeable(a: _Record, b: object) -> None:
    """Both results are of one kind, one label and one interval method and level."""
    kind = type(a).__name__
    if type(b) is not type(a):
        raise InputError(
            f"merge: {kind} merges only with {kind}; got {type(b).__name__}"
        )
    label_a, label_b = getattr(a, "label", None), getattr(b, "label", None)
    if label_a != label_b:
        raise InputError(
            f"merge: {kind} results merge only when their labels match; "
            f"got {label_a!r} and {label_b!r}"
        )
    ci_a: Interval | None = getattr(a, "ci", None)
    ci_b: Interval | None = getattr(b, "ci", None)
    if (ci_a is None) != (ci_b is None) or (
        ci_a is not None
        and ci_b is not None
        and (ci_a.method, ci_a.level) != (ci_b.method, ci_b.level)
    ):
        raise InputError(
            "merge: both results must use the same interval method and confidence; "
            f"got {_describe_ci(ci_a)} and {_describe_ci(ci_b)}"
        )


def _describe_ci(ci: Interval | None) -> str:
    return "no interval" if ci is None else f"{ci.method} at {ci.level:g}"


def _pooled_weights(
    total_a: float, effective_n_a: float, total_b: float, effective_n_b: float
) -> tuple[float, float]:
    """Sum of weights and Kish effective n of two samples pooled.

    The sum of squared weights of each sample is recovered as
    ``(sum w)^2 / effective_n``.
    """
    squared = sum(
        total * total / eff
        for total, eff in ((total_a, effective_n_a), (total_b, effective_n_b))
        if total > 0
    )
    total = total_a + total_b
    return total, (total * total / squared if squared > 0 else 0.0)


def _count(total: float, *parts: float) -> float:
    """A merged count: an int when every part is a count (unweighted), else a float.

    Weighted counts stay floats even when their sum happens to be whole, so a
    merged result has the types of the result on the data taken together.
    """
    if all(isinstance(part, (int, np.integer)) for part in parts):
        return int(total)
    return float(total)


def _method_of(ci: Interval | None) -> tuple[str | None, float]:
    return (None, 0.95) if ci is None else (ci.method, ci.level)


def _nan_interval(ci: str | None, confidence: float) -> Interval | None:
    return None if ci is None else Interval(math.nan, math.nan, confidence, ci)


# ---------------------------------------------------------------------------
# The estimate step for one sample, shared by the metrics and by merge.


def estimate_net_score(
    positive: float,
    neutral: float,
    negative: float,
    *,
    effective_n: float,
    ci: str | None,
    confidence: float,
    n_resamples: int = 10_000,
    rng: np.random.Generator | None = None,
    propagate: bool = False,
) -> tuple[float, Interval | None]:
    """Net score in points and its interval from (weighted) category counts."""
    total = positive + neutral + negative
    if propagate or total <= 0:
        return math.nan, _nan_interval(ci, confidence)
    # Divide first: 100 * ((p - n) / total) cannot round past +-100.
    value = 100.0 * ((positive - negative) / total)
    if ci is None:
        return value, None
    low, high = intervals.net_score_interval(
        positive,
        neutral,
        negative,
        method=ci,
        confidence=confidence,
        effective_n=effective_n,
        n_resamples=n_resamples,
        rng=rng,
    )
    return value, Interval(float(low), float(high), confidence, ci)


def estimate_rate(
    successes: float,
    total_weight: float,
    effective_n: float,
    *,
    ci: str | None,
    confidence: float,
    propagate: bool = False,
) -> tuple[float, Interval | None]:
    """Rate and its interval; weighted data enter with Kish's effective n."""
    if propagate or total_weight <= 0:
        return math.nan, _nan_interval(ci, confidence)
    share = successes / total_weight
    if ci is None:
        return share, None
    # successes * eff / total is exactly `successes` when eff == total (no weights).
    low, high = intervals.proportion_interval(
        successes * effective_n / total_weight,
        effective_n,
        method=ci,
        confidence=confidence,
    )
    return share, Interval(float(low), float(high), confidence, ci)


def estimate_mean_interval(
    mean: float,
    std: float,
    effective_n: float,
    *,
    ci: str | None,
    confidence: float,
    propagate: bool = False,
) -> Interval | None:
    """Student t interval of a mean, or None when no interval was asked."""
    if ci is None:
        return None
    if propagate:
        return _nan_interval(ci, confidence)
    low, high = intervals.mean_interval(mean, std, effective_n, confidence=confidence)
    return Interval(float(low), float(high), confidence, ci)


# ---------------------------------------------------------------------------
# Net scores (NPS, Net Easy)


def _merge_net(
    a: NPSResult | NetScoreResult,
    b: NPSResult | NetScoreResult,
    counts_a: tuple[float, float, float],
    counts_b: tuple[float, float, float],
    *,
    n_resamples: int,
    rng: np.random.Generator | int | None,
) -> tuple[tuple[float, float, float], dict[str, Any]]:
    counts = (
        counts_a[0] + counts_b[0],
        counts_a[1] + counts_b[1],
        counts_a[2] + counts_b[2],
    )
    _, eff = _pooled_weights(
        a.total_weight, a.effective_n, b.total_weight, b.effective_n
    )
    method, level = _method_of(a.ci)
    value, interval = estimate_net_score(
        *counts,
        effective_n=eff,
        ci=method,
        confidence=level,
        n_resamples=n_resamples,
        rng=None if rng is None else np.random.default_rng(rng),
    )
    common = {
        "value": value,
        "n": a.n + b.n,
        "ci": interval,
        "n_missing": a.n_missing + b.n_missing,
        "effective_n": eff,
    }
    pos, neu, neg = (_count(counts[i], counts_a[i], counts_b[i]) for i in range(3))
    return (pos, neu, neg), common


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
        _check_mergeable(self, other)
        counts, common = _merge_net(
            self,
            other,
            (self.promoters, self.passives, self.detractors),
            (other.promoters, other.passives, other.detractors),
            n_resamples=n_resamples,
            rng=rng,
        )
        return NPSResult(
            promoters=counts[0], passives=counts[1], detractors=counts[2], **common
        )


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
        _check_mergeable(self, other)
        counts, common = _merge_net(
            self,
            other,
            (self.positive, self.neutral, self.negative),
            (other.positive, other.neutral, other.negative),
            n_resamples=n_resamples,
            rng=rng,
        )
        return attrs.evolve(
            self, positive=counts[0], neutral=counts[1], negative=counts[2], **common
        )


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
    """

    value: float
    successes: float
    n: int
    ci: Interval | None
    n_missing: int = 0
    effective_n: float
    total_weight: float
    label: str = "Rate"

    def __str__(self) -> str:
        return (
            f"{self.label} {100 * self.value:.1f}%{_ci_text(self.ci, 100.0, '%', 1)}, "
            f"{_n_text(self.n, self.effective_n, self.n_missing)}"
        )

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
        _check_mergeable(self, other)
        total, eff = _pooled_weights(
            self.total_weight, self.effective_n, other.total_weight, other.effective_n
        )
        successes = self.successes + other.successes
        method, level = _method_of(self.ci)
        value, interval = estimate_rate(
            successes, total, eff, ci=method, confidence=level
        )
        return attrs.evolve(
            self,
            value=value,
            successes=_count(successes, self.successes, other.successes),
            n=self.n + other.n,
            ci=interval,
            n_missing=self.n_missing + other.n_missing,
            effective_n=eff,
            total_weight=_count(total, self.total_weight, other.total_weight),
        )


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
    """

    value: float
    n: int
    std: float
    ci: Interval | None
    n_missing: int = 0
    effective_n: float
    total_weight: float
    label: str = "Mean"

    def __str__(self) -> str:
        return (
            f"{self.label} {self.value:.2f}{_ci_text(self.ci, 1.0, '', 2)}, "
            f"{_n_text(self.n, self.effective_n, self.n_missing)}"
        )

    def _sum_squared_deviations(self) -> float:
        """Weighted sum of squared deviations from the mean, sum w (x - mean)^2."""
        eff = self.effective_n
        if eff <= 1 or math.isnan(self.std):
            return 0.0
        return self.std * self.std * (eff - 1.0) / eff * self.total_weight

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
        _check_mergeable(self, other)
        total, eff = _pooled_weights(
            self.total_weight, self.effective_n, other.total_weight, other.effective_n
        )
        delta = other.value - self.value
        mean = self.value + delta * other.total_weight / total
        m2 = (
            self._sum_squared_deviations()
            + other._sum_squared_deviations()
            + delta * delta * self.total_weight * other.total_weight / total
        )
        std = math.sqrt(m2 / total * eff / (eff - 1.0)) if eff > 1 else math.nan
        method, level = _method_of(self.ci)
        return attrs.evolve(
            self,
            value=mean,
            n=self.n + other.n,
            std=std,
            ci=estimate_mean_interval(mean, std, eff, ci=method, confidence=level),
            n_missing=self.n_missing + other.n_missing,
            effective_n=eff,
            total_weight=_count(total, self.total_weight, other.total_weight),
        )
