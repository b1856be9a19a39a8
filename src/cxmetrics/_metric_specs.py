"""The metrics `by_segment` and `over_time` know: summarize per segment, estimate.

Each supported public metric has a `MetricSpec`: which of its parameters hold
data (and so name columns of a frame), and how to turn its options into a
`Plan`. A plan does the two steps of the metric on many segments at once:

1. ``summarize``: validate the rows as the metric itself does (the same
   helpers, the same messages, the same ``nan_policy`` and weights rules),
   then sum their contributions per segment with one ``bincount`` per
   statistic. The statistics are additive: counts, sums of weights and of
   squared weights, sums of values and of squared values.
2. ``estimate`` and ``difference``: the value, interval and two-sample test
   of every segment from those sums, vectorized over segments.

Durations are not additive; their plan (`DurationPlan`) works on the sorted
values of each segment instead.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics import intervals
from cxmetrics._summaries import (
    check_mean_options,
    check_net_score_options,
    check_rate_options,
)
from cxmetrics._validation import (
    NAN_POLICIES,
    FloatArray,
    InputError,
    Scale,
    check_option,
    check_scale,
    check_scale_values,
    check_weights,
    format_count,
    integer_array,
    to_float_array,
)
from cxmetrics.durations import (
    _FIRST_RESPONSE,
    _RESOLUTION,
    _check_summary_options,
    _measure,
    first_response_time,
    resolution_time,
)
from cxmetrics.effort import _check_ces_options, ces
from cxmetrics.journey import _check_conversions, conversion_rate
from cxmetrics.loyalty import (
    NPS_SCALE,
    _check_boxes,
    _default_top,
    _satisfied_points,
    csat,
    mean_score,
    nps,
    top_box,
)
from cxmetrics.service import (
    SERVICE_LEVEL_VARIANTS,
    _abandon_limit,
    _abandoned_missing,
    _answered_missing,
    _first_contact,
    _handle_times,
    _read_abandoned,
    _read_answered,
    _read_items,
    _reopened,
    _service_level_limits,
    _short_abandons,
    _sla_outcomes,
    _ticket_values,
    _within_and_counted,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    fcr_rate,
    reopen_rate,
    service_level,
    sla_attainment,
)

__all__ = [
    "SPECS",
    "Difference",
    "DurationPlan",
    "GroupedDurations",
    "MetricSpec",
    "Plan",
    "Stats",
    "find_spec",
    "supported_names",
]

IntArray: TypeAlias = npt.NDArray[np.int64]
Codes: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
#: Per-segment statistics: name -> one value per segment.
Stats: TypeAlias = dict[str, npt.NDArray[Any]]
#: difference, ci low, ci high, statistic, p-value: one of each per segment.
Difference: TypeAlias = tuple[
    FloatArray, FloatArray, FloatArray, FloatArray, FloatArray
]


class Plan(Protocol):
    """The summarize and estimate steps of one metric with its options fixed."""

    @property
    def stat_names(self) -> tuple[str, ...]:
        """The statistics `summarize` returns, in order."""

    @property
    def interval(self) -> str | None:
        """The interval method, None when no interval was asked for."""

    def summarize(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        """Validate the rows and sum their contributions per segment code."""

    def estimate(self, stats: Stats) -> dict[str, npt.NDArray[Any]]:
        """Output columns, in order: value, ci_low, ci_high, the counts, effective_n."""

    def difference(self, a: Stats, b: Stats, confidence: float) -> Difference:
        """Two-sample comparison of ``a`` against ``b``, segment by segment."""

    def total_weight(self, stats: Stats) -> FloatArray:
        """The denominator weight of each segment (its count without weights)."""


# ---------------------------------------------------------------------------
# Summing by segment


def sum_by(
    codes: Codes,
    groups: int,
    *,
    weights: FloatArray | None = None,
    mask: BoolArray | None = None,
) -> npt.NDArray[Any]:
    """Sum of ``weights`` (or a count) per segment code, over the rows in ``mask``.

    Counts come back as int64, sums of weights as float64.
    """
    if mask is not None:
        codes = codes[mask]
        if weights is not None:
            weights = weights[mask]
    if weights is None:
        return np.bincount(codes, minlength=groups).astype(np.int64)
    return np.asarray(np.bincount(codes, weights=weights, minlength=groups), np.float64)


def _row_weights(
    missing: BoolArray,
    weights: object,
    *,
    func: str,
    noun: str,
    nan_policy: object,
) -> FloatArray | None:
    """``nan_policy`` and the weights checks of `valid_values`, row by row.

    The checks that need the whole data (no valid values at all, weights all
    zero) are made once the sums are in, so that one partition of a dask
    frame holding only missing values is not an error.
    """
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    size = missing.size
    w = None if weights is None else check_weights(weights, size, func=func, name=noun)
    if nan_policy == "raise":
        count = int(np.count_nonzero(missing))
        if count:
            raise InputError(
                f"{func}: {format_count(count)} of {format_count(size)} {noun} are "
                "missing and nan_policy='raise'"
            )
    return w


def _effective_n(
    n: npt.NDArray[Any], total: FloatArray, squared: FloatArray | None
) -> FloatArray:
    """Kish's effective n per segment; the count without weights."""
    if squared is None:
        return n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(squared > 0, total * total / squared, 0.0)


def _counts_column(values: npt.NDArray[Any], weighted: bool) -> npt.NDArray[Any]:
    """Counts as int64 without weights (as the result records hold them)."""
    return values.astype(np.float64 if weighted else np.int64)


def _nan_where(mask: BoolArray, *arrays: FloatArray) -> list[FloatArray]:
    return [np.where(mask, np.nan, np.asarray(a, dtype=np.float64)) for a in arrays]


# ---------------------------------------------------------------------------
# Survey answers on a scale: the histogram of scale points per segment


def scale_histograms(
    values: object,
    weights: object,
    codes: Codes,
    groups: int,
    *,
    func: str,
    name: str,
    scale: Scale,
    nan_policy: object,
) -> Stats:
    """Per-segment histograms of scale points, as `score_histogram` validates them.

    Returns ``hist`` (segments x points, sums of weights), ``w2`` (sums of
    squared weights, only with weights), ``n`` and ``n_missing``.
    """
    low, high = scale
    size = high - low + 1
    raw = integer_array(values)
    if raw is not None:
        # Integers cannot be missing or fractional: one min and one max check them.
        check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
        w = (
            None
            if weights is None
            else check_weights(weights, raw.size, func=func, name=name)
        )
        if raw.size and (raw.min() < low or raw.max() > high):
            check_scale_values(
                raw.astype(np.float64), func=func, name=name, scale=scale
            )
        offsets = raw.astype(np.intp) - low
        valid_codes = codes
        missing_codes = codes[:0]
    else:
        array = to_float_array(values, func=func, name=name, allow_bool=False)
        missing = np.isnan(array)
        w = _row_weights(missing, weights, func=func, noun=name, nan_policy=nan_policy)
        if missing.any():
            keep = ~missing
            offsets = check_scale_values(array[keep], func=func, name=name, scale=scale)
            valid_codes = codes[keep]
            missing_codes = codes[missing]
            if w is not None:
                w = w[keep]
        else:
            offsets = check_scale_values(array, func=func, name=name, scale=scale)
            valid_codes = codes
            missing_codes = codes[:0]
    cells = valid_codes * size + offsets
    stats: Stats = {}
    if w is None:
        hist = np.bincount(cells, minlength=groups * size).astype(np.int64)
    else:
        hist = np.asarray(
            np.bincount(cells, weights=w, minlength=groups * size), np.float64
        )
        stats["w2"] = sum_by(valid_codes, groups, weights=w * w)
    stats["hist"] = hist.reshape(groups, size)
    stats["n"] = sum_by(valid_codes, groups)
    stats["n_missing"] = sum_by(missing_codes, groups)
    return stats


def _point_mask(scale: Scale, points: npt.NDArray[np.int64]) -> BoolArray:
    return np.isin(np.arange(scale[0], scale[1] + 1), points)


@attrs.frozen(kw_only=True)
class _Scale:
    """What every survey plan shares: the metric, its data and nan_policy."""

    func: str
    name: str  # what the messages call the answers: "scores", "ratings"
    scale: Scale
    nan_policy: str
    weighted: bool

    def histograms(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        return scale_histograms(
            data[self.name],
            data.get("weights"),
            codes,
            groups,
            func=self.func,
            name=self.name,
            scale=self.scale,
            nan_policy=self.nan_policy,
        )

    def propagated(self, stats: Stats) -> BoolArray:
        return np.asarray(
            (stats["n_missing"] > 0) & (self.nan_policy == "propagate"), dtype=bool
        )

    def squared(self, stats: Stats) -> FloatArray | None:
        return stats["w2"] if self.weighted else None


@attrs.frozen(kw_only=True)
class NetScorePlan:
    """A net score (NPS, Net Easy): share positive minus share negative, in points."""

    base: _Scale
    positive: BoolArray  # scale points that count as positive
    negative: BoolArray
    names: tuple[str, str, str]  # the output count columns
    ci: str | None
    confidence: float
    n_resamples: int
    rng: np.random.Generator | None

    stat_names = ("positive", "neutral", "negative", "w2", "n", "n_missing")

    @property
    def interval(self) -> str | None:
        return self.ci

    def summarize(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        stats = self.base.histograms(data, codes, groups)
        hist = stats.pop("hist")
        positive = hist[:, self.positive].sum(axis=1)
        negative = hist[:, self.negative].sum(axis=1)
        stats["positive"] = positive
        stats["negative"] = negative
        stats["neutral"] = hist.sum(axis=1) - positive - negative
        stats.setdefault("w2", np.zeros(groups))
        return stats

    def total_weight(self, stats: Stats) -> FloatArray:
        return np.asarray(
            stats["positive"] + stats["neutral"] + stats["negative"], np.float64
        )

    def _shares(self, stats: Stats) -> tuple[FloatArray, FloatArray, BoolArray]:
        total = self.total_weight(stats)
        eff = _effective_n(stats["n"], total, self.base.squared(stats))
        return total, eff, self.base.propagated(stats)

    def estimate(self, stats: Stats) -> dict[str, npt.NDArray[Any]]:
        pos, neu, neg = stats["positive"], stats["neutral"], stats["negative"]
        total, eff, propagated = self._shares(stats)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(total > 0, 100.0 * ((pos - neg) / total), np.nan)
        columns: dict[str, npt.NDArray[Any]] = {"value": value}
        if self.ci is not None:
            low, high = intervals.net_score_interval(
                pos,
                neu,
                neg,
                method=self.ci,
                confidence=self.confidence,
                effective_n=eff,
                n_resamples=self.n_resamples,
                rng=self.rng,
            )
            columns["ci_low"], columns["ci_high"] = low, high
        columns = dict(
            zip(columns, _nan_where(propagated, *columns.values()), strict=True)
        )
        weighted = self.base.weighted
        for name, key in zip(
            self.names, ("positive", "neutral", "negative"), strict=True
        ):
            columns[name] = _counts_column(stats[key], weighted)
        columns["effective_n"] = eff
        return columns

    def difference(self, a: Stats, b: Stats, confidence: float) -> Difference:
        from cxmetrics._two_sample import net_score_difference

        _, eff_a, prop_a = self._shares(a)
        _, eff_b, prop_b = self._shares(b)
        result = net_score_difference(
            a["positive"],
            a["neutral"],
            a["negative"],
            eff_a,
            b["positive"],
            b["neutral"],
            b["negative"],
            eff_b,
            method="wald" if self.ci == "wald" else "adjusted_wald",
            confidence=confidence,
        )
        return _mask_difference(result, prop_a | prop_b)


def _mask_difference(result: tuple[Any, ...], mask: BoolArray) -> Difference:
    diff, low, high, statistic, p_value = _nan_where(mask, *result)
    return diff, low, high, statistic, p_value


@attrs.frozen(kw_only=True)
class _RateEstimates:
    """Rates share their estimate and test, whatever the rows they come from."""

    ci: str | None
    confidence: float
    weighted: bool
    nan_policy: str
    pending: bool = False  # report n_pending (SLA attainment)

    @property
    def interval(self) -> str | None:
        return self.ci

    def total_weight(self, stats: Stats) -> FloatArray:
        return np.asarray(stats["total"], np.float64)

    def _parts(
        self, stats: Stats
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        successes = np.asarray(stats["successes"], np.float64)
        total = self.total_weight(stats)
        eff = _effective_n(stats["n"], total, stats["w2"] if self.weighted else None)
        propagated = (stats["n_missing"] > 0) & (self.nan_policy == "propagate")
        return successes, total, eff, np.asarray(propagated, dtype=bool)

    def estimate(self, stats: Stats) -> dict[str, npt.NDArray[Any]]:
        successes, total, eff, propagated = self._parts(stats)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(total > 0, successes / total, np.nan)
            columns: dict[str, npt.NDArray[Any]] = {"value": value}
            if self.ci is not None:
                # successes * eff / total is exactly `successes` without weights.
                low, high = intervals.proportion_interval(
                    np.where(total > 0, successes * eff / total, 0.0),
                    np.where(total > 0, eff, 0.0),
                    method=self.ci,
                    confidence=self.confidence,
                )
                columns["ci_low"], columns["ci_high"] = low, high
        columns = dict(
            zip(columns, _nan_where(propagated, *columns.values()), strict=True)
        )
        columns["successes"] = _counts_column(stats["successes"], self.weighted)
        columns["total_weight"] = _counts_column(stats["total"], self.weighted)
        if self.pending:
            columns["n_pending"] = np.asarray(stats["n_pending"], np.int64)
        columns["effective_n"] = eff
        return columns

    def difference(self, a: Stats, b: Stats, confidence: float) -> Difference:
        from cxmetrics._two_sample import rate_difference

        s_a, t_a, eff_a, prop_a = self._parts(a)
        s_b, t_b, eff_b, prop_b = self._parts(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_a = np.where(t_a > 0, s_a * eff_a / t_a, 0.0)
            x_b = np.where(t_b > 0, s_b * eff_b / t_b, 0.0)
        result = rate_difference(
            x_a,
            eff_a,
            x_b,
            eff_b,
            method="newcombe",
            confidence=confidence,
        )
        return _mask_difference(result, prop_a | prop_b)


@attrs.frozen(kw_only=True)
class ScaleRatePlan(_RateEstimates):
    """A share of scale points: CSAT, top-box, CES percent easy."""

    base: _Scale
    selected: BoolArray

    stat_names = ("successes", "total", "w2", "n", "n_missing")

    def summarize(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        stats = self.base.histograms(data, codes, groups)
        hist = stats.pop("hist")
        stats["successes"] = hist[:, self.selected].sum(axis=1)
        stats["total"] = hist.sum(axis=1)
        stats.setdefault("w2", np.zeros(groups))
        return stats


@attrs.frozen(kw_only=True)
class _MeanEstimates:
    """Means share their interval and Welch test."""

    ci: str | None
    confidence: float
    weighted: bool
    nan_policy: str

    @property
    def interval(self) -> str | None:
        return self.ci

    def moments(self, stats: Stats) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Mean, standard deviation and effective n per segment."""
        raise NotImplementedError

    def _propagated(self, stats: Stats) -> BoolArray:
        return np.asarray(
            (stats["n_missing"] > 0) & (self.nan_policy == "propagate"), dtype=bool
        )

    def estimate(self, stats: Stats) -> dict[str, npt.NDArray[Any]]:
        mean, std, eff = self.moments(stats)
        propagated = self._propagated(stats)
        mean, std = _nan_where(propagated, mean, std)
        columns: dict[str, npt.NDArray[Any]] = {"value": mean}
        if self.ci is not None:
            low, high = intervals.mean_interval(
                mean, std, eff, confidence=self.confidence
            )
            columns["ci_low"], columns["ci_high"] = low, high
        columns["std"] = std
        columns["effective_n"] = eff
        return columns

    def difference(self, a: Stats, b: Stats, confidence: float) -> Difference:
        from cxmetrics._two_sample import mean_difference

        mean_a, std_a, eff_a = self.moments(a)
        mean_b, std_b, eff_b = self.moments(b)
        result = mean_difference(
            mean_a, std_a, eff_a, mean_b, std_b, eff_b, confidence=confidence
        )
        return _mask_difference(result, self._propagated(a) | self._propagated(b))


def _sample_std(
    squared_deviations: FloatArray, total: FloatArray, eff: FloatArray
) -> FloatArray:
    """``sqrt(M2 / sum w * eff / (eff - 1))``, NaN where ``eff <= 1``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            eff > 1,
            np.sqrt(squared_deviations / total * eff / (eff - 1.0)),
            np.nan,
        )


@attrs.frozen(kw_only=True)
class ScaleMeanPlan(_MeanEstimates):
    """The mean of scale points (mean score, CES mean), from the histograms.

    The arithmetic is that of the single-sample metric: shares first, the
    mean clipped to the answered points, deviations about the mean.
    """

    base: _Scale

    @property
    def stat_names(self) -> tuple[str, ...]:
        size = self.base.scale[1] - self.base.scale[0] + 1
        return (*(f"h{k}" for k in range(size)), "w2", "n", "n_missing")

    def summarize(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        stats = self.base.histograms(data, codes, groups)
        hist = stats.pop("hist")
        for k in range(hist.shape[1]):
            stats[f"h{k}"] = hist[:, k]
        stats.setdefault("w2", np.zeros(groups))
        return stats

    def _histogram(self, stats: Stats) -> FloatArray:
        size = self.base.scale[1] - self.base.scale[0] + 1
        columns = [np.asarray(stats[f"h{k}"], np.float64) for k in range(size)]
        return np.asarray(np.column_stack(columns), dtype=np.float64)

    def total_weight(self, stats: Stats) -> FloatArray:
        return np.asarray(self._histogram(stats).sum(axis=1), dtype=np.float64)

    def moments(self, stats: Stats) -> tuple[FloatArray, FloatArray, FloatArray]:
        hist = self._histogram(stats)
        points = np.arange(self.base.scale[0], self.base.scale[1] + 1, dtype=np.float64)
        total = hist.sum(axis=1)
        eff = _effective_n(stats["n"], total, self.base.squared(stats))
        answered = hist > 0
        has_any = answered.any(axis=1)
        lowest = points[np.argmax(answered, axis=1)]
        highest = points[points.size - 1 - np.argmax(answered[:, ::-1], axis=1)]
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = hist / total[:, None]
            mean = np.clip(shares @ points, lowest, highest)
            deviations = ((points[None, :] - mean[:, None]) ** 2 * hist).sum(axis=1)
        mean = np.where(has_any & (total > 0), mean, np.nan)
        return mean, _sample_std(deviations, total, eff), eff


# ---------------------------------------------------------------------------
# Service and journey rates: per-row successes and denominators


@attrs.frozen
class RateRows:
    """Per-row flags of a rate, as a metric's own rules decide them.

    ``success`` and ``counted`` are read only where ``missing`` is False;
    ``pending`` marks rows left out as undecided (SLA attainment).
    """

    success: BoolArray
    counted: BoolArray
    missing: BoolArray
    weights: FloatArray | None
    pending: BoolArray | None = None


RateRowsFunc: TypeAlias = Callable[[Mapping[str, Any]], RateRows]


@attrs.frozen(kw_only=True)
class RowRatePlan(_RateEstimates):
    """A rate whose rows are judged by a metric's own rules (FCR, SLA, ...)."""

    rows: RateRowsFunc

    stat_names = ("successes", "total", "w2", "n", "n_missing", "n_pending")

    def summarize(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        rows = self.rows(data)
        kept = ~rows.missing
        counted = kept & rows.counted
        w = rows.weights
        stats: Stats = {
            "successes": sum_by(codes, groups, weights=w, mask=counted & rows.success),
            "total": sum_by(codes, groups, weights=w, mask=counted),
            "w2": (
                np.zeros(groups)
                if w is None
                else sum_by(codes, groups, weights=w * w, mask=counted)
            ),
            "n": sum_by(codes, groups, mask=counted),
            "n_missing": sum_by(codes, groups, mask=rows.missing),
            "n_pending": (
                np.zeros(groups, dtype=np.int64)
                if rows.pending is None
                else sum_by(codes, groups, mask=kept & rows.pending)
            ),
        }
        return stats


@attrs.frozen
class MeanRows:
    """Per-row values of a mean, read where ``counted`` and not ``missing``."""

    values: FloatArray
    counted: BoolArray
    missing: BoolArray
    weights: FloatArray | None


@attrs.frozen(kw_only=True)
class RowMeanPlan(_MeanEstimates):
    """A mean of per-row values (ASA, AHT), from sums of values and of squares.

    ``sum w x^2 - (sum w x)^2 / sum w`` loses digits only when the spread
    is tiny next to the mean (a relative error of about ``1e-16`` times
    ``mean^2 / variance``), far from the case for waits and handle times.
    """

    rows: Callable[[Mapping[str, Any]], MeanRows]

    stat_names = ("sw", "swx", "swx2", "w2", "n", "n_missing")

    def summarize(self, data: Mapping[str, Any], codes: Codes, groups: int) -> Stats:
        rows = self.rows(data)
        counted = ~rows.missing & rows.counted
        x = np.where(counted, rows.values, 0.0)
        w = np.ones(x.size) if rows.weights is None else rows.weights
        wx = w * x
        return {
            "sw": sum_by(codes, groups, weights=w, mask=counted),
            "swx": sum_by(codes, groups, weights=wx, mask=counted),
            "swx2": sum_by(codes, groups, weights=wx * x, mask=counted),
            "w2": sum_by(codes, groups, weights=w * w, mask=counted),
            "n": sum_by(codes, groups, mask=counted),
            "n_missing": sum_by(codes, groups, mask=rows.missing),
        }

    def total_weight(self, stats: Stats) -> FloatArray:
        return np.asarray(stats["sw"], np.float64)

    def moments(self, stats: Stats) -> tuple[FloatArray, FloatArray, FloatArray]:
        total = self.total_weight(stats)
        eff = _effective_n(stats["n"], total, stats["w2"] if self.weighted else None)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(total > 0, stats["swx"] / total, np.nan)
            squared = np.maximum(stats["swx2"] - stats["swx"] * mean, 0.0)
        return mean, _sample_std(squared, total, eff), eff


# ---------------------------------------------------------------------------
# Options: each metric's own checks, in its own order


def _survey_base(
    func: str,
    name: str,
    scale: Scale,
    options: Mapping[str, Any],
    given: frozenset[str],
) -> _Scale:
    return _Scale(
        func=func,
        name=name,
        scale=scale,
        nan_policy=options.get("nan_policy", "omit"),
        weighted="weights" in given,
    )


def _required(func: str, options: Mapping[str, Any], name: str, example: str) -> Any:
    """An option the metric takes without a default (its keyword is required)."""
    if name not in options:
        raise InputError(f"{func}: {name} is required, e.g. {example}")
    return options[name]


def _share_plan(
    base: _Scale, points: npt.NDArray[np.int64], ci: str | None, level: float
) -> Plan:
    """The share of answers on ``points``: CSAT, top-box, CES percent easy."""
    return ScaleRatePlan(
        base=base,
        selected=_point_mask(base.scale, points),
        ci=ci,
        confidence=level,
        weighted=base.weighted,
        nan_policy=base.nan_policy,
    )


def _scale_mean_plan(base: _Scale, ci: str | None, level: float) -> Plan:
    return ScaleMeanPlan(
        base=base,
        ci=ci,
        confidence=level,
        weighted=base.weighted,
        nan_policy=base.nan_policy,
    )


def _net_score_plan(
    base: _Scale,
    positive: npt.NDArray[np.int64],
    negative: npt.NDArray[np.int64],
    names: tuple[str, str, str],
    checked: tuple[str | None, float, int, np.random.Generator | None],
) -> Plan:
    """A net score from the options `check_net_score_options` returned."""
    ci, level, resamples, rng = checked
    return NetScorePlan(
        base=base,
        positive=_point_mask(base.scale, positive),
        negative=_point_mask(base.scale, negative),
        names=names,
        ci=ci,
        confidence=level,
        n_resamples=resamples,
        rng=rng,
    )


def _nps_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    checked = check_net_score_options(
        "nps",
        options.get("ci", "adjusted_wald"),
        options.get("confidence", 0.95),
        options.get("n_resamples", 10_000),
        options.get("rng"),
    )
    return _net_score_plan(
        _survey_base("nps", "scores", NPS_SCALE, options, given),
        np.array([9, 10]),
        np.arange(0, 7),
        ("promoters", "passives", "detractors"),
        checked,
    )


def _csat_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "csat"
    ci, level = check_rate_options(
        func, options.get("ci", "wilson"), options.get("confidence", 0.95)
    )
    scale = check_scale(func, options.get("scale", (1, 5)))
    points = _satisfied_points(scale, options.get("satisfied"))
    return _share_plan(
        _survey_base(func, "ratings", scale, options, given), points, ci, level
    )


def _top_box_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "top_box"
    ci, level = check_rate_options(
        func, options.get("ci", "wilson"), options.get("confidence", 0.95)
    )
    scale = check_scale(func, _required(func, options, "scale", "scale=(1, 5)"))
    count = _check_boxes(scale, options.get("boxes", 1))
    return _share_plan(
        _survey_base(func, "ratings", scale, options, given),
        _default_top(scale, count),
        ci,
        level,
    )


def _mean_score_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "mean_score"
    ci, level = check_mean_options(
        func, options.get("ci", "t"), options.get("confidence", 0.95)
    )
    scale = check_scale(func, _required(func, options, "scale", "scale=(1, 5)"))
    return _scale_mean_plan(
        _survey_base(func, "ratings", scale, options, given), ci, level
    )


def _ces_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    checked = _check_ces_options(
        options.get("method", "mean"),
        options.get("ci", "auto"),
        options.get("confidence", 0.95),
        options.get("scale", (1, 7)),
        options.get("easy"),
        options.get("difficult"),
        options.get("n_resamples", 10_000),
        options.get("rng"),
    )
    base = _survey_base("ces", "ratings", checked.scale, options, given)
    if checked.method == "mean":
        return _scale_mean_plan(base, checked.ci, checked.confidence)
    if checked.method == "percent_easy":
        return _share_plan(base, checked.easy, checked.ci, checked.confidence)
    return _net_score_plan(
        base,
        checked.easy,
        checked.difficult,
        ("positive", "neutral", "negative"),
        (checked.ci, checked.confidence, checked.n_resamples, checked.rng),
    )


def _row_options(
    func: str,
    options: Mapping[str, Any],
    given: frozenset[str],
    *,
    mean: bool = False,
) -> dict[str, Any]:
    """The interval options of a rate (or of a mean), nan_policy and weights."""
    if mean:
        ci, level = check_mean_options(
            func, options.get("ci", "t"), options.get("confidence", 0.95)
        )
    else:
        ci, level = check_rate_options(
            func, options.get("ci", "wilson"), options.get("confidence", 0.95)
        )
    nan_policy = options.get("nan_policy", "omit")
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)
    return {
        "ci": ci,
        "confidence": level,
        "weighted": "weights" in given,
        "nan_policy": nan_policy,
    }


def _everyone(size: int) -> BoolArray:
    return np.ones(size, dtype=bool)


def _full(mask: BoolArray | None, size: int) -> BoolArray:
    """A row mask, where the service module's None stands for no row."""
    return np.zeros(size, dtype=bool) if mask is None else mask


def _weights_of(
    data: Mapping[str, Any], missing: BoolArray, func: str, noun: str, nan_policy: str
) -> FloatArray | None:
    return _row_weights(
        missing, data.get("weights"), func=func, noun=noun, nan_policy=nan_policy
    )


# The service metrics read their columns with the service module's readers and
# decide missing, counted and successful rows by its rules, row by row.


def _ticket_plan(
    func: str,
    param: str,
    noun: str,
    least: int,
    success: Callable[[npt.NDArray[Any]], BoolArray],
) -> PlanFactory:
    """FCR and reopen rate: flags or contact counts per ticket."""

    def plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
        common = _row_options(func, options, given)

        def rows(data: Mapping[str, Any]) -> RateRows:
            values, missing_or_none = _ticket_values(
                data[param], func=func, param=param, noun=noun, least=least
            )
            missing = _full(missing_or_none, values.size)
            w = _weights_of(data, missing, func, "tickets", common["nan_policy"])
            return RateRows(success(values), _everyone(values.size), missing, w)

        return RowRatePlan(rows=rows, **common)

    return plan


def _conversion_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "conversion_rate"
    common = _row_options(func, options, given)

    def rows(data: Mapping[str, Any]) -> RateRows:
        values = to_float_array(
            data["converted"], func=func, name="converted", allow_bool=True
        )
        missing = np.isnan(values)
        w = _weights_of(data, missing, func, "converted", common["nan_policy"])
        _check_conversions(values[~missing])
        return RateRows(values == 1.0, _everyone(values.size), missing, w)

    return RowRatePlan(rows=rows, **common)


def _abandonment_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "abandonment_rate"
    common = _row_options(func, options, given)
    limit = _abandon_limit(func, options.get("short_abandon"), "wait_time" in given)

    def rows(data: Mapping[str, Any]) -> RateRows:
        calls = _read_abandoned(func, data["abandoned"], data.get("wait_time"))
        size = calls.flag.size
        missing = _full(_abandoned_missing(calls, limit), size)
        counted = (
            _everyone(size)
            if limit is None
            else ~_short_abandons(calls.flag, calls.wait, limit)
        )
        w = _weights_of(data, missing, func, "calls", common["nan_policy"])
        return RateRows(calls.flag, counted, missing, w)

    return RowRatePlan(rows=rows, **common)


def _service_level_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "service_level"
    common = _row_options(func, options, given)
    abandoned = options.get("abandoned", "include")
    check_option(func, "abandoned", abandoned, SERVICE_LEVEL_VARIANTS)
    threshold = _required(func, options, "threshold", "threshold=20 (seconds)")
    target, limit = _service_level_limits(
        func, abandoned, threshold, options.get("short_abandon")
    )

    def rows(data: Mapping[str, Any]) -> RateRows:
        calls = _read_answered(func, data["wait_time"], data["answered"])
        size = calls.flag.size
        missing = _full(_answered_missing(calls, every_wait=limit is not None), size)
        w = _weights_of(data, missing, func, "calls", common["nan_policy"])
        within, counted = _within_and_counted(
            calls.flag, calls.wait, target=target, abandoned=abandoned, limit=limit
        )
        return RateRows(
            within, _everyone(size) if counted is None else counted, missing, w
        )

    return RowRatePlan(rows=rows, **common)


def _sla_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "sla_attainment"
    common = _row_options(func, options, given)

    def rows(data: Mapping[str, Any]) -> RateRows:
        items = _read_items(
            func, data["durations"], data["targets"], data.get("pending")
        )
        size = items.taken.size
        missing = _full(items.missing, size)
        w = _weights_of(data, missing, func, "items", common["nan_policy"])
        success, counted, undecided = _sla_outcomes(
            items.taken, items.goal, items.is_open
        )
        return RateRows(
            success,
            _everyone(size) if counted is None else counted,
            missing,
            w,
            pending=_full(undecided, size),
        )

    return RowRatePlan(rows=rows, pending=True, **common)


def _asa_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "average_speed_of_answer"
    common = _row_options(func, options, given, mean=True)

    def rows(data: Mapping[str, Any]) -> MeanRows:
        calls = _read_answered(func, data["wait_time"], data["answered"])
        missing = _full(_answered_missing(calls, every_wait=False), calls.flag.size)
        w = _weights_of(data, missing, func, "calls", common["nan_policy"])
        return MeanRows(calls.wait, calls.flag, missing, w)

    return RowMeanPlan(rows=rows, **common)


def _aht_plan(options: Mapping[str, Any], given: frozenset[str]) -> Plan:
    func = "average_handle_time"
    common = _row_options(func, options, given, mean=True)

    def rows(data: Mapping[str, Any]) -> MeanRows:
        handle = _handle_times(
            func, data["talk"], data.get("hold", 0), data.get("wrap", 0)
        )
        missing = np.isnan(handle)
        w = _weights_of(data, missing, func, "contacts", common["nan_policy"])
        return MeanRows(handle, _everyone(handle.size), missing, w)

    return RowMeanPlan(rows=rows, **common)


# ---------------------------------------------------------------------------
# Durations: not additive, so each group's sorted values


@attrs.frozen(eq=False)
class GroupedDurations:
    """The valid durations sorted by group and value, and the groups' counts.

    Group ``g`` holds ``sorted_values[starts[g] : starts[g] + n[g]]``.
    """

    sorted_values: FloatArray
    codes: Codes  # the group of each sorted value
    starts: IntArray
    n: IntArray
    n_pending: IntArray
    n_missing: IntArray
    propagated: BoolArray


def _percentiles_of(
    values: FloatArray, starts: IntArray, n: IntArray, percentile: float
) -> FloatArray:
    """The default (linear) percentile of numpy, of every group, vectorized."""
    has = n > 0
    q = percentile / 100.0
    virtual = (np.maximum(n, 1) - 1) * q
    previous = np.floor(virtual)
    t = virtual - previous
    last = np.maximum(n - 1, 0)
    below = np.minimum(previous.astype(np.int64), last)
    above = np.minimum(below + 1, last)
    safe = np.where(has, starts, 0)
    a = values[np.minimum(safe + below, max(values.size - 1, 0))] if values.size else t
    b = values[np.minimum(safe + above, max(values.size - 1, 0))] if values.size else t
    step = b - a
    result = np.where(t >= 0.5, b - step * (1.0 - t), a + step * t)
    return np.where(has, result, np.nan)


def _medians_of(values: FloatArray, starts: IntArray, n: IntArray) -> FloatArray:
    """``np.median`` of every group: the middle value, or the mean of the two."""
    has = n > 0
    if not values.size:
        return np.full(n.size, np.nan)
    lower = np.where(has, starts + (n - 1) // 2, 0)
    upper = np.where(has, starts + n // 2, 0)
    return np.where(has, (values[lower] + values[upper]) / 2.0, np.nan)


def median_ranks(n: IntArray, confidence: float) -> tuple[IntArray, BoolArray]:
    r"""1-based rank ``l`` of the order-statistic median interval, per group.

    The largest ``l`` with :math:`P(K \le l - 1) \le \alpha/2` for
    :math:`K \sim \mathrm{Binomial}(n, 1/2)`, as `first_response_time`
    finds it one sample at a time; the flag is False where none exists.
    """
    from scipy import stats

    tail = (1.0 - confidence) / 2.0
    sizes = np.maximum(n, 1)
    k = stats.binom.ppf(tail, sizes, 0.5).astype(np.int64)
    k = np.where(stats.binom.cdf(k, sizes, 0.5) > tail * (1.0 + 1e-12), k - 1, k)
    low = k + 1
    return low, (low >= 1) & (n > 0)


def _mood_test(
    above_a: FloatArray, size_a: FloatArray, above_b: FloatArray, size_b: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Mood's median test from the counts above the pooled median, vectorized.

    Pearson's chi-squared with Yates' correction on the 2x2 table, as
    `cxmetrics.compare` does for two durations; statistic 0 and p-value 1
    where no value, or every value, lies above the median.
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


@attrs.frozen(kw_only=True)
class DurationPlan:
    """First response or resolution time per group: medians, not sums."""

    func: str
    label: str
    names: Any  # the durations module's names of the two timestamps
    calendar: Any
    unit: str
    percentiles: tuple[float, ...]
    confidence: float
    nan_policy: str

    def group(
        self, data: Mapping[str, Any], codes: Codes, groups: int
    ) -> GroupedDurations:
        """Measure every row as the metric does; sort the valid ones by group."""
        start, end = (data[name] for name in (self.names.start, self.names.end))
        spans = _measure(
            self.func,
            self.names,
            start,
            end,
            calendar=self.calendar,
            unit=self.unit,
            nan_policy=self.nan_policy,
        )
        left_out = spans.missing | spans.backwards
        valid = ~(left_out | spans.pending)
        kept_codes = codes[valid]
        kept = spans.durations[valid]
        order = np.lexsort((kept, kept_codes))
        n = sum_by(kept_codes, groups)
        n_missing = sum_by(codes, groups, mask=left_out)
        return GroupedDurations(
            sorted_values=kept[order],
            codes=kept_codes[order],
            starts=np.cumsum(n) - n,
            n=n,
            n_pending=sum_by(codes, groups, mask=spans.pending),
            n_missing=n_missing,
            propagated=(n_missing > 0) & (self.nan_policy == "propagate"),
        )

    def medians(self, grouped: GroupedDurations) -> FloatArray:
        medians = _medians_of(grouped.sorted_values, grouped.starts, grouped.n)
        return np.where(grouped.propagated, np.nan, medians)

    def estimate(self, grouped: GroupedDurations) -> dict[str, npt.NDArray[Any]]:
        """The median as ``value``, its interval, mean, percentiles, n_pending."""
        values, starts, n = grouped.sorted_values, grouped.starts, grouped.n
        low, ok = median_ranks(n, self.confidence)
        last = max(values.size - 1, 0)

        def at(rank: IntArray) -> FloatArray:
            if not values.size:
                return np.full(n.size, np.nan)
            picked = values[np.clip(starts + rank - 1, 0, last)]
            return np.where(ok, picked, np.nan)

        with np.errstate(divide="ignore", invalid="ignore"):
            sums = np.bincount(grouped.codes, weights=values, minlength=n.size)
            mean = np.where(n > 0, sums / n, np.nan)
        columns: dict[str, npt.NDArray[Any]] = {
            "value": self.medians(grouped),
            "ci_low": at(low),
            "ci_high": at(n + 1 - low),
            "mean": mean,
        }
        for p in self.percentiles:
            columns[f"p{p:g}"] = _percentiles_of(values, starts, n, p)
        propagated = grouped.propagated
        for name in list(columns):
            columns[name] = np.where(propagated, np.nan, columns[name])
        columns["n_pending"] = grouped.n_pending
        return columns

    def versus_rest(
        self, grouped: GroupedDurations
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Each group's median, the median of all the other rows, and Mood's p.

        The pooled median of a group and its rest is the median of every
        row, the same for all groups. The rest's order statistics come from
        the rows sorted once: ``Q[i] = P[i] - i`` counts the rest's rows
        below the group's ``i``-th row at global position ``P[i]``, so the
        rest's ``r``-th row lies ``#{i: Q[i] <= r}`` places after ``r``.
        """
        n = grouped.n
        size = grouped.sorted_values.size
        groups = n.size
        order = np.argsort(grouped.sorted_values)
        everything = grouped.sorted_values[order]
        position = np.empty(size, dtype=np.int64)
        position[order] = np.arange(size)
        rank_in_group = np.arange(size) - np.repeat(grouped.starts, n)
        keys = grouped.codes.astype(np.int64) * (size + 1) + (position - rank_in_group)
        rest = size - n

        def rest_value(rank: IntArray) -> FloatArray:
            target = np.arange(groups, dtype=np.int64) * (size + 1) + rank
            before = np.searchsorted(keys, target, side="right") - grouped.starts
            index = np.clip(rank + before, 0, max(size - 1, 0))
            return everything[index] if size else np.full(groups, np.nan)

        rest_median = np.where(
            rest > 0,
            (rest_value((rest - 1) // 2) + rest_value(rest // 2)) / 2.0,
            np.nan,
        )
        grand = float(np.median(everything)) if size else math.nan
        above = sum_by(grouped.codes, groups, mask=grouped.sorted_values > grand)
        _, p_value = _mood_test(
            above.astype(np.float64),
            n.astype(np.float64),
            float(above.sum()) - above,
            rest.astype(np.float64),
        )
        any_propagated = bool(grouped.propagated.any())
        if any_propagated:
            rest_median = np.full(groups, np.nan)
            p_value = np.full(groups, np.nan)
        return self.medians(grouped), rest_median, p_value

    def versus_previous(
        self, grouped: GroupedDurations, dated: int
    ) -> tuple[FloatArray, FloatArray]:
        """The change of the median between neighbouring groups, and Mood's p.

        The first ``dated`` groups are periods in order (a NaT group follows).

        Each pair of neighbours pools its two groups: every row enters the
        pair it closes (as the later group) and the pair it opens.
        """
        medians = self.medians(grouped)
        change = medians[1:dated] - medians[: dated - 1]
        pairs = dated - 1
        codes, values = grouped.codes, grouped.sorted_values
        inside = codes < dated
        codes, values = codes[inside], values[inside]
        pair = np.concatenate([codes - 1, codes])  # the pair each row closes, opens
        later = np.concatenate([np.ones(codes.size, bool), np.zeros(codes.size, bool)])
        doubled = np.concatenate([values, values])
        keep = (pair >= 0) & (pair < pairs)
        pair, later, doubled = pair[keep], later[keep], doubled[keep]
        order = np.lexsort((doubled, pair))
        pair, later, doubled = pair[order], later[order], doubled[order]
        size = sum_by(pair, pairs)
        starts = np.cumsum(size) - size
        pooled = _medians_of(doubled, starts, size)
        above = doubled > pooled[pair] if pairs else np.zeros(0, bool)
        n = grouped.n.astype(np.float64)
        _, p_value = _mood_test(
            sum_by(pair, pairs, mask=above & later).astype(np.float64),
            n[1:dated],
            sum_by(pair, pairs, mask=above & ~later).astype(np.float64),
            n[: dated - 1],
        )
        propagated = grouped.propagated[1:dated] | grouped.propagated[: dated - 1]
        return np.where(propagated, np.nan, change), np.where(
            propagated, np.nan, p_value
        )


def _duration_plan(func: str, label: str, names: Any) -> PlanFactory:
    def plan(options: Mapping[str, Any], given: frozenset[str]) -> DurationPlan:
        unit = options.get("unit", "h")
        nan_policy = options.get("nan_policy", "omit")
        points, level = _check_summary_options(
            func,
            options.get("percentiles", (50, 90)),
            options.get("confidence", 0.95),
            unit,
            nan_policy,
        )
        del given  # durations take no column options
        return DurationPlan(
            func=func,
            label=label,
            names=names,
            calendar=options.get("calendar"),
            unit=unit,
            percentiles=points,
            confidence=level,
            nan_policy=nan_policy,
        )

    return plan


# ---------------------------------------------------------------------------
# The registry


#: Checks a metric's options as the metric does and fixes them in a plan;
#: the second argument names the data parameters given (columns or values).
PlanFactory: TypeAlias = Callable[
    [Mapping[str, Any], frozenset[str]], "Plan | DurationPlan"
]


@attrs.frozen(kw_only=True)
class MetricSpec:
    """How `by_segment` and `over_time` call one public metric.

    ``data`` are the metric's data parameters in its positional order:
    ``column`` names columns for them in that order (the first ``required``
    are needed). ``column_options`` are keyword parameters that name a
    column (``weights``, ``wait_time``, ``pending``); ``scalar_or_column``
    data parameters may also be one value for every row (``targets``,
    ``hold``, ``wrap``).
    """

    function: Callable[..., Any]
    data: tuple[str, ...]
    required: int
    plan: PlanFactory
    column_options: tuple[str, ...] = ("weights",)
    scalar_or_column: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.function.__name__)

    @property
    def options(self) -> tuple[str, ...]:
        """The metric's own option names (its keyword parameters that hold no data)."""
        taken = {*self.data, *self.column_options}
        return tuple(
            p for p in inspect.signature(self.function).parameters if p not in taken
        )


SPECS: tuple[MetricSpec, ...] = (
    MetricSpec(function=nps, data=("scores",), required=1, plan=_nps_plan),
    MetricSpec(function=csat, data=("ratings",), required=1, plan=_csat_plan),
    MetricSpec(function=top_box, data=("ratings",), required=1, plan=_top_box_plan),
    MetricSpec(
        function=mean_score,
        data=("ratings",),
        required=1,
        plan=_mean_score_plan,
    ),
    MetricSpec(function=ces, data=("ratings",), required=1, plan=_ces_plan),
    MetricSpec(
        function=fcr_rate,
        data=("contacts_to_resolve",),
        required=1,
        plan=_ticket_plan(
            "fcr_rate", "contacts_to_resolve", "contact counts", 1, _first_contact
        ),
    ),
    MetricSpec(
        function=reopen_rate,
        data=("reopens",),
        required=1,
        plan=_ticket_plan("reopen_rate", "reopens", "reopen counts", 0, _reopened),
    ),
    MetricSpec(
        function=abandonment_rate,
        data=("abandoned",),
        required=1,
        plan=_abandonment_plan,
        column_options=("wait_time", "weights"),
    ),
    MetricSpec(
        function=service_level,
        data=("wait_time", "answered"),
        required=2,
        plan=_service_level_plan,
    ),
    MetricSpec(
        function=sla_attainment,
        data=("durations", "targets"),
        required=2,
        plan=_sla_plan,
        column_options=("pending", "weights"),
        scalar_or_column=("targets",),
    ),
    MetricSpec(
        function=average_speed_of_answer,
        data=("wait_time", "answered"),
        required=2,
        plan=_asa_plan,
    ),
    MetricSpec(
        function=average_handle_time,
        data=("talk", "hold", "wrap"),
        required=1,
        plan=_aht_plan,
        scalar_or_column=("hold", "wrap"),
    ),
    MetricSpec(
        function=first_response_time,
        data=("created", "first_response"),
        required=2,
        plan=_duration_plan(
            "first_response_time", "First response time", _FIRST_RESPONSE
        ),
        column_options=(),
    ),
    MetricSpec(
        function=resolution_time,
        data=("created", "resolved"),
        required=2,
        plan=_duration_plan("resolution_time", "Resolution time", _RESOLUTION),
        column_options=(),
    ),
    MetricSpec(
        function=conversion_rate,
        data=("converted",),
        required=1,
        plan=_conversion_plan,
    ),
)


def find_spec(metric: object) -> MetricSpec | None:
    """The spec of a public metric function, or None when it has none."""
    for spec in SPECS:
        if metric is spec.function:
            return spec
    return None


def supported_names() -> str:
    """The supported metrics as ``cx.nps, cx.csat, ...``, for messages."""
    return ", ".join(f"cx.{spec.name}" for spec in SPECS)
