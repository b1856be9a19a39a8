"""Order statistics by group: medians, percentiles and their tests, vectorized.

Medians and percentiles are not additive, so durations are summarized by
group from their sorted values: the rows sorted once by group and value,
each group a contiguous run. Every group's median, percentiles and
order-statistic median interval come from index arithmetic on that one
array; a single sample is one group. `DurationPlan` runs a duration metric
(first response, resolution time) this way, for the metric itself and for
`by_segment` and `over_time`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics._stats import group_count
from cxmetrics._two_sample import mood_test
from cxmetrics._validation import InputError, format_count
from cxmetrics.results import DurationResult, Interval

__all__ = [
    "MEDIAN_CI_METHOD",
    "DurationPlan",
    "GroupedDurations",
    "Spans",
    "median_ranks",
    "medians_of",
    "percentiles_of",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Codes: TypeAlias = npt.NDArray[np.intp]

#: The interval method of `DurationResult.median_ci`.
MEDIAN_CI_METHOD = "order_statistic"


def sum_by(codes: Codes, groups: int, *, mask: BoolArray | None = None) -> IntArray:
    """Rows per group code, of those in ``mask``."""
    return group_count(codes, groups, mask)


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
    n_missing: IntArray  # no start, or the end before the start
    n_backwards: IntArray  # the end before the start
    propagated: BoolArray


def percentiles_of(
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


def medians_of(values: FloatArray, starts: IntArray, n: IntArray) -> FloatArray:
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


def _read_only(values: FloatArray) -> FloatArray:
    """The array, its writeable flag off: a result's arrays cannot change."""
    values.flags.writeable = False
    return values


@attrs.frozen(eq=False)
class Spans:
    """Durations of items and why some have none.

    ``durations`` is NaN where the start or the end is missing, and signed
    where the end is before the start.
    """

    durations: FloatArray
    pending: BoolArray  # a start but no end yet
    missing: BoolArray  # no start
    backwards: BoolArray  # the end before the start


def _reason(count: int, one: str, many: str) -> str:
    """``1 has no start``, ``3 have no start``, or nothing for none."""
    if not count:
        return ""
    return f"{format_count(count)} {one if count == 1 else many}"


@attrs.frozen(kw_only=True)
class DurationPlan:
    """A duration metric with its options fixed: medians by group, not sums.

    ``measure`` validates the metric's data and measures every item.
    """

    func: str
    label: str
    measure: Callable[[Mapping[str, Any]], Spans]
    unit: str
    percentiles: tuple[float, ...]
    confidence: float
    nan_policy: str

    def result(self, data: Mapping[str, Any]) -> DurationResult:
        """The metric on one sample: its summary."""
        spans = self.measure(data)
        grouped = self._grouped(spans, np.zeros(spans.durations.size, np.intp), 1)
        self.check_some_valid(grouped)
        n = int(grouped.n[0])
        columns = self.estimate(grouped)
        level = self.confidence
        return DurationResult(
            n=n,
            n_pending=int(grouped.n_pending[0]),
            n_missing=int(grouped.n_missing[0]),
            mean=float(columns["mean"][0]),
            median=float(columns["value"][0]),
            percentiles={p: float(columns[f"p{p:g}"][0]) for p in self.percentiles},
            median_ci=Interval(
                float(columns["ci_low"][0]),
                float(columns["ci_high"][0]),
                level,
                MEDIAN_CI_METHOD,
            ),
            unit=self.unit,
            label=self.label,
            values=_read_only(grouped.sorted_values),
        )

    def check_some_valid(self, grouped: GroupedDurations) -> None:
        """No valid duration in any group is an error (unless NaN propagates)."""
        n = int(grouped.n.sum())
        if n or bool(grouped.propagated.any()):
            return
        pending = int(grouped.n_pending.sum())
        backwards = int(grouped.n_backwards.sum())
        missing = int(grouped.n_missing.sum()) - backwards
        reasons = [
            _reason(backwards, "ends before it starts", "end before they start"),
            _reason(pending, "pending", "pending"),
            _reason(missing, "has no start", "have no start"),
        ]
        raise InputError(
            f"{self.func}: no valid durations among "
            f"{format_count(pending + missing + backwards)} items "
            f"({', '.join(reason for reason in reasons if reason)})"
        )

    def group(
        self, data: Mapping[str, Any], codes: Codes, groups: int
    ) -> GroupedDurations:
        """Measure every row as the metric does; sort the valid ones by group."""
        return self._grouped(self.measure(data), codes, groups)

    def _grouped(self, spans: Spans, codes: Codes, groups: int) -> GroupedDurations:
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
            n_backwards=sum_by(codes, groups, mask=spans.backwards),
            propagated=(n_missing > 0) & (self.nan_policy == "propagate"),
        )

    def medians(self, grouped: GroupedDurations) -> FloatArray:
        medians = medians_of(grouped.sorted_values, grouped.starts, grouped.n)
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
            columns[f"p{p:g}"] = percentiles_of(values, starts, n, p)
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
        _, p_value = mood_test(
            above.astype(np.float64),
            n.astype(np.float64),
            (float(above.sum()) - above).astype(np.float64),
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
        pooled = medians_of(doubled, starts, size)
        above = doubled > pooled[pair] if pairs else np.zeros(0, bool)
        n = grouped.n.astype(np.float64)
        _, p_value = mood_test(
            sum_by(pair, pairs, mask=above & later).astype(np.float64),
            n[1:dated],
            sum_by(pair, pairs, mask=above & ~later).astype(np.float64),
            n[: dated - 1],
        )
        propagated = grouped.propagated[1:dated] | grouped.propagated[: dated - 1]
        return np.where(propagated, np.nan, change), np.where(
            propagated, np.nan, p_value
        )
