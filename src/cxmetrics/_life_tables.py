"""Kaplan-Meier life tables: additive counts per time, estimated along the time axis.

A life table holds, for each group and each time of a common grid, the
events and the censorings there (sums of weights when weighted). Without
delayed entry the numbers at risk follow from them (reverse cumulative
sums), so life tables add: the table of two samples pooled is the sum of
their tables on the union of their times. That is what `SurvivalCurve.merge`
and `cxmetrics.by_segment` of `cxmetrics.survival_curve` rely on.

The estimates work on the last axis, so one call serves one curve (arrays
of times) or many groups at once (groups x times): the Kaplan-Meier
product, Greenwood's variance, the log(-log) bounds, the median and its
Brookmeyer-Crowley interval, and the log-rank test of two tables on one
grid.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

__all__ = [
    "LifeTables",
    "first_time_at_or_below_half",
    "kaplan_meier",
    "log_log_bounds",
    "logrank_on_grid",
    "median_interval",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: S(t) <= 1/2 is tested with this much slack, so that a curve that is exactly
#: 1/2 in exact arithmetic (4 of 8 customers churned) is not missed for a
#: rounding error of a few units in the last place.
HALF_TOLERANCE = 1e-12


def reverse_cumsum(values: FloatArray) -> FloatArray:
    """Sums from each time to the last, along the last axis."""
    return np.asarray(np.flip(np.cumsum(np.flip(values, -1), axis=-1), -1))


def kaplan_meier(
    at_risk: FloatArray, events: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """S(t) and Greenwood's variance of log S(t) at each time, along the last axis.

    Times with nobody at risk have no events (validation sees to it) and
    leave the curve as it is; the term of a time where everyone at risk
    churns is left out of the variance, where S is 0 from then on.
    """
    n = np.where(at_risk > 0, at_risk, 1.0)  # no one at risk: no event either
    d = events
    kept = d / n
    np.subtract(1.0, kept, out=kept)
    np.maximum(kept, 0.0, out=kept)  # summed weights may round d past n
    survival = np.cumprod(kept, axis=-1, out=kept)
    spread = n - d
    spread *= n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.divide(d, spread, out=np.zeros_like(spread), where=spread > 0)
    return survival, np.cumsum(terms, axis=-1, out=terms)


def log_log_bounds(
    survival: FloatArray, variance: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    r"""Pointwise bounds of S on the log(-log) scale: 1 where S is 1, 0 where 0.

    With :math:`h = z \sqrt{V} / \log S`, the bounds
    :math:`\exp(-\exp(\log(-\log S) \mp h))` are :math:`S^{\exp(\mp h)}`,
    computed as ``exp(log(S) * exp(-h))`` and ``exp(log(S) / exp(-h))``.
    """
    inside = (survival > 0) & (survival < 1)
    edge = np.where(survival > 0, 1.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_s = np.log(survival)
        shrink = np.exp(-z * np.sqrt(variance) / log_s)
        low = np.where(inside, np.exp(log_s * shrink), edge)
        high = np.where(inside, np.exp(log_s / shrink), edge)
    return low, high


def median_interval(
    times: FloatArray, low: FloatArray, high: FloatArray
) -> tuple[Any, Any]:
    """Brookmeyer and Crowley's interval for the median, along the last axis.

    The first times the lower and the upper pointwise bound are at or below
    one half; inf where a bound stays above.
    """
    return first_time_at_or_below_half(times, low), first_time_at_or_below_half(
        times, high
    )


def first_time_at_or_below_half(times: FloatArray, values: FloatArray) -> Any:
    """The first time where ``values <= 1/2`` along the last axis; inf when none.

    A float for one curve, an array with one entry per group for several.
    """
    return _first_time(times, values <= 0.5 + HALF_TOLERANCE)


def _first_time(times: FloatArray, hits: BoolArray) -> Any:
    found = hits.any(axis=-1)
    first = np.argmax(hits, axis=-1)
    picked = times[first] if times.size else np.zeros(np.shape(first))
    result = np.where(found, picked, np.inf)
    return float(result) if result.ndim == 0 else np.asarray(result, np.float64)


def logrank_on_grid(
    at_risk_a: FloatArray,
    events_a: FloatArray,
    at_risk_b: FloatArray,
    events_b: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Log-rank statistic (chi-squared, 1 df) and p-value of two tables on one grid.

    The arrays broadcast together, time on the last axis; the sums run over
    it, so one call tests every group against its rest. A total variance of
    0 gives statistic 0 and p-value 1 (see `cxmetrics.logrank_test`).
    """
    from scipy.special import chdtrc

    n = at_risk_a + at_risk_b
    d = events_a + events_b
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, at_risk_a / n, 0.0)
        variance = np.where(
            n > 1.0, d * share * (1.0 - share) * (n - d) / (n - 1.0), 0.0
        )
    observed_minus_expected = np.sum(events_a - d * share, axis=-1)
    total = np.sum(variance, axis=-1)
    statistic = np.where(
        total > 0, observed_minus_expected**2 / np.where(total > 0, total, 1.0), 0.0
    )
    return (
        np.asarray(statistic, dtype=np.float64),
        np.asarray(chdtrc(1.0, statistic), dtype=np.float64),
    )


@attrs.frozen(eq=False)
class LifeTables:
    """Events and censorings per group and time, without delayed entry.

    ``times`` is the common grid (sorted, every time some group has an event
    or a censoring); ``events`` and ``censored`` are groups x times. ``n``
    counts each group's subjects, ``n_missing`` those left out as missing,
    ``propagated`` marks groups that saw a missing value under
    ``nan_policy="propagate"``.
    """

    times: FloatArray
    events: FloatArray
    censored: FloatArray
    n: IntArray
    n_missing: IntArray
    propagated: BoolArray
    weighted: bool = False

    @property
    def size(self) -> int:
        """The number of groups."""
        return int(self.n.size)

    @property
    def at_risk(self) -> FloatArray:
        """Subjects at risk just before each time: all who leave then or later."""
        return reverse_cumsum(self.events + self.censored)

    @classmethod
    def from_codes(
        cls,
        times: FloatArray,
        time_codes: npt.NDArray[np.intp],
        observed: BoolArray | None,
        weights: FloatArray | None,
        *,
        groups: npt.NDArray[np.intp] | None,
        size: int,
        n: IntArray,
        n_missing: IntArray,
        propagated: BoolArray,
        cut: bool = True,
    ) -> LifeTables:
        """Count subjects on the grid ``times`` (``time_codes`` index it) by group.

        One ``bincount`` over group x time x (censored, event); with ``cut``
        the grid is then cut to the times some subject leaves at.
        """
        width = times.size
        events: FloatArray
        censored: FloatArray
        if observed is None:
            cells = time_codes.astype(np.intp, copy=False)
            if groups is not None:
                cells = groups * width + cells
            counts = np.bincount(cells, weights=weights, minlength=size * width)
            events = np.asarray(counts, np.float64).reshape(size, width)
            censored = np.zeros_like(events)
        else:
            # One pass counts both: bin 2j holds the censorings at time j, 2j + 1
            # the events (twice as fast as counting the events apart).
            # One expression, so numpy reuses its temporaries in place.
            cells = (
                time_codes * 2 + observed
                if groups is None
                else (groups * width + time_codes) * 2 + observed
            )
            counts = np.bincount(cells, weights=weights, minlength=2 * size * width)
            pairs = np.asarray(counts, np.float64).reshape(size, width, 2)
            censored, events = pairs[..., 0], pairs[..., 1]
        occupied = ((events + censored) > 0).any(axis=0)
        if cut and not occupied.all():
            times, events, censored = (
                times[occupied],
                events[:, occupied],
                censored[:, occupied],
            )
        return cls(
            times=np.asarray(times, np.float64),
            events=np.ascontiguousarray(events),
            censored=np.ascontiguousarray(censored),
            n=n,
            n_missing=n_missing,
            propagated=propagated,
            weighted=weights is not None,
        )

    def on_times(self, times: FloatArray) -> LifeTables:
        """The same tables on a finer grid that holds every one of their times."""
        position = np.searchsorted(times, self.times)
        events = np.zeros((self.size, times.size))
        censored = np.zeros((self.size, times.size))
        events[:, position] = self.events
        censored[:, position] = self.censored
        return attrs.evolve(self, times=times, events=events, censored=censored)

    def __add__(self, other: LifeTables) -> LifeTables:
        times = np.union1d(self.times, other.times)
        a, b = self.on_times(times), other.on_times(times)
        return LifeTables(
            times=times,
            events=a.events + b.events,
            censored=a.censored + b.censored,
            n=self.n + other.n,
            n_missing=self.n_missing + other.n_missing,
            propagated=self.propagated | other.propagated,
            weighted=self.weighted or other.weighted,
        )

    def sum(self) -> LifeTables:
        """All groups pooled into one."""
        return LifeTables(
            times=self.times,
            events=self.events.sum(axis=0, keepdims=True),
            censored=self.censored.sum(axis=0, keepdims=True),
            n=self.n.sum(keepdims=True),
            n_missing=self.n_missing.sum(keepdims=True),
            propagated=np.asarray(self.propagated.any(keepdims=True), dtype=bool),
            weighted=self.weighted,
        )

    def take(self, index: Any) -> LifeTables:
        """The groups at ``index`` (positions or a slice)."""
        return attrs.evolve(
            self,
            events=self.events[index],
            censored=self.censored[index],
            n=self.n[index],
            n_missing=self.n_missing[index],
            propagated=self.propagated[index],
        )

    def estimate(
        self, z: float, at_risk: FloatArray | None = None
    ) -> dict[str, npt.NDArray[Any]]:
        """Per group: events, the median and its interval (NaN where propagated).

        ``at_risk`` is `at_risk` when the caller has it already.
        """
        at_risk = self.at_risk if at_risk is None else at_risk
        survival, variance = kaplan_meier(at_risk, self.events)
        low, high = median_interval(self.times, *log_log_bounds(survival, variance, z))
        columns = {
            "median": first_time_at_or_below_half(self.times, survival),
            "median_ci_low": low,
            "median_ci_high": high,
        }
        out: dict[str, npt.NDArray[Any]] = {
            "events": self.events.sum(axis=1)
            if self.weighted
            else np.rint(self.events.sum(axis=1)).astype(np.int64)
        }
        for name, values in columns.items():
            out[name] = np.where(self.propagated, np.nan, np.atleast_1d(values))
        return out

    def versus_previous(self, at_risk: FloatArray | None = None) -> FloatArray:
        """The log-rank p-value of each group but the first against the one before."""
        at_risk = self.at_risk if at_risk is None else at_risk
        _, p_value = logrank_on_grid(
            at_risk[1:], self.events[1:], at_risk[:-1], self.events[:-1]
        )
        propagated = self.propagated[1:] | self.propagated[:-1]
        return np.where(propagated, np.nan, p_value)
