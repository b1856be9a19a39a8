"""Elapsed times and duration summaries: first response and resolution time.

`elapsed` measures aligned starts and ends, in calendar time or on a
`BusinessCalendar`'s business clock. `first_response_time` and
`resolution_time` summarize those durations: mean, median with a
distribution-free interval, percentiles, and counts of items still pending
and of items left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from cxmetrics._order_stats import DurationPlan, Spans
from cxmetrics._plans import segmentable
from cxmetrics._timestamps import Timestamps, format_timestamp, to_timestamps
from cxmetrics._validation import (
    NAN_POLICIES,
    FloatArray,
    InputError,
    NanPolicy,
    check_confidence,
    check_option,
    check_same_index,
    format_count,
    format_examples,
    is_real,
)
from cxmetrics.business_hours import BusinessCalendar, elapsed_ns
from cxmetrics.results import DurationResult

__all__ = ["elapsed", "first_response_time", "resolution_time"]

BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Nanoseconds per unit; a day is 24 hours of counted time.
UNITS = {"s": 1e9, "min": 60e9, "h": 3600e9, "d": 86_400e9}


@attrs.frozen
class _Names:
    """How the messages name the two timestamps of an item."""

    start: str  # parameter names
    end: str
    starts: str  # plural nouns
    ends: str


_ELAPSED = _Names("start", "end", "starts", "ends")
_FIRST_RESPONSE = _Names(
    "created", "first_response", "created times", "first responses"
)
_RESOLUTION = _Names("created", "resolved", "created times", "resolution times")


def _backwards_error(
    func: str, names: _Names, start: Timestamps, end: Timestamps, bad: BoolArray
) -> InputError:
    aware = bool(start.aware)
    pairs = [
        f"{format_timestamp(int(e), aware=aware)} before "
        f"{format_timestamp(int(s), aware=aware)}"
        for s, e in zip(start.ns[bad][:3], end.ns[bad][:3], strict=True)
    ]
    return InputError(
        f"{func}: {format_count(int(bad.sum()))} of {format_count(start.size)} "
        f"{names.ends} are before their {names.starts} ({', '.join(pairs)})"
    )


def _check_measure_options(func: str, unit: object, nan_policy: object) -> None:
    check_option(func, "unit", unit, tuple(UNITS))
    check_option(func, "nan_policy", nan_policy, NAN_POLICIES)


def _check_summary_options(
    func: str, percentiles: object, confidence: object, unit: object, nan_policy: object
) -> tuple[tuple[float, ...], float]:
    """The options of a duration summary, in its order: percentiles, confidence."""
    points = _check_percentiles(func, percentiles)
    level = check_confidence(func, confidence)
    _check_measure_options(func, unit, nan_policy)
    return points, level


def _measure(
    func: str,
    names: _Names,
    start: object,
    end: object,
    *,
    calendar: object,
    unit: object,
    nan_policy: object,
) -> Spans:
    """Validate the options and the timestamps, and measure each item."""
    _check_measure_options(func, unit, nan_policy)
    check_same_index(func, {names.start: start, names.end: end})
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise InputError(
            f"{func}: calendar must be a BusinessCalendar or None; "
            f"got {type(calendar).__name__}"
        )
    starts = to_timestamps(start, func=func, name=names.start)
    ends = to_timestamps(end, func=func, name=names.end)
    diff, both = elapsed_ns(starts, ends, calendar, func=func)
    if starts.size == 0:
        raise InputError(f"{func}: {names.start} and {names.end} are empty")
    # An end before its start, or (with a calendar) whose business time is
    # negative: a naive start in a clock change's gap can read later than an
    # end written after it.
    backwards = diff < 0  # 0 where a timestamp is missing
    if calendar is not None:
        backwards |= both & (ends.ns < starts.ns)
    if nan_policy == "raise":
        if starts.n_missing:
            raise InputError(
                f"{func}: {format_count(starts.n_missing)} of "
                f"{format_count(starts.size)} {names.starts} are missing and "
                "nan_policy='raise'"
            )
        if backwards.any():
            raise _backwards_error(func, names, starts, ends, backwards)
    durations = diff
    durations /= UNITS[str(unit)]
    pending = ends.missing
    if ends.n_missing or starts.n_missing:
        durations[~both] = np.nan
        pending = ends.missing & ~starts.missing
    return Spans(
        durations=durations,
        pending=pending,
        missing=starts.missing,
        backwards=backwards,
    )


def elapsed(
    start: npt.ArrayLike,
    end: npt.ArrayLike,
    *,
    calendar: BusinessCalendar | None = None,
    unit: str = "h",
    nan_policy: NanPolicy = "omit",
) -> FloatArray:
    r"""Time from each start to its end, in calendar time or business hours.

    Parameters
    ----------
    start, end : array_like
        Aligned timestamps: numpy datetime64, pandas Series or DatetimeIndex
        (naive or tz-aware), Python datetimes or ISO 8601 strings (with or
        without a UTC offset). None, NaN, NaT and empty strings are missing.
        Naive and aware timestamps may not be mixed.
    calendar : BusinessCalendar, optional
        Count only open hours. Naive timestamps are read as wall-clock times
        in the calendar's zone; aware ones are converted to it.
    unit : {'s', 'min', 'h', 'd'}
        Unit of the result; ``'d'`` is 24 hours of counted time, not a
        business day.
    nan_policy : {'omit', 'raise', 'propagate'}
        What to do with a missing start or an end before its start:
        ``'omit'`` gives NaN; ``'raise'`` raises `InputError`;
        ``'propagate'`` checks nothing, so a missing start gives NaN and an
        end before its start its signed duration (negative, or zero when
        both fall in the same closed hours). A missing end is an item still
        open: NaN under every policy.

    Returns
    -------
    numpy.ndarray
        Float durations in ``unit``, aligned with the input.

    Raises
    ------
    InputError
        Values that are not timestamps, naive mixed with aware, aware
        timestamps with a calendar without a zone, misaligned or empty
        input, an unknown option; under ``nan_policy='raise'`` a missing
        start or an end before its start.

    Notes
    -----
    Without a calendar the duration is real elapsed time for aware
    timestamps; for naive ones it is the difference of the wall-clock
    readings (a clock change in between is not seen). With a calendar it is

    .. math:: d = B(t_\mathrm{end}) - B(t_\mathrm{start}),

    where the business clock :math:`B(t)` counts the open time up to
    :math:`t` (see `BusinessCalendar`). An end counts as before its start
    when it is earlier, or when its business time is negative (a naive start
    inside a clock change's gap is read an hour later, see
    `BusinessCalendar`).

    Examples
    --------
    >>> import cxmetrics as cx
    >>> cx.elapsed(["2026-01-05 09:00", "2026-01-05 09:30"],
    ...            ["2026-01-05 10:30", None])
    array([1.5, nan])

    On a 09:00-17:00 weekday calendar, Friday 16:00 to Monday 10:00 is two
    business hours:

    >>> cal = cx.BusinessCalendar(hours="09:00-17:00", days="Mon-Fri")
    >>> cx.elapsed(["2026-01-09 16:00"], ["2026-01-12 10:00"], calendar=cal)
    array([2.])
    """
    spans = _measure(
        "elapsed",
        _ELAPSED,
        start,
        end,
        calendar=calendar,
        unit=unit,
        nan_policy=nan_policy,
    )
    durations = spans.durations
    if nan_policy == "omit":
        durations[spans.backwards] = np.nan
    return durations


def _check_percentiles(func: str, percentiles: object) -> tuple[float, ...]:
    """Percentiles as distinct floats from 0 to 100, in the order given."""
    if is_real(percentiles):
        items: list[Any] = [percentiles]
    elif isinstance(percentiles, Iterable) and not isinstance(
        percentiles, (str, bytes)
    ):
        items = list(percentiles)
    else:
        raise InputError(
            f"{func}: percentiles must be numbers from 0 to 100; got {percentiles!r}"
        )
    bad = [p for p in items if not is_real(p) or not 0 <= p <= 100]
    if bad:
        raise InputError(
            f"{func}: percentiles must be numbers from 0 to 100; got "
            f"{format_examples(bad)}"
        )
    return tuple(dict.fromkeys(float(p) for p in items))


def _duration_plan(func: str, label: str, names: _Names) -> Callable[..., DurationPlan]:
    """The plan of a duration summary: its options checked, its timestamps named."""

    def plan(
        *,
        calendar: object,
        unit: object,
        percentiles: object,
        confidence: object,
        nan_policy: object,
    ) -> DurationPlan:
        points, level = _check_summary_options(
            func, percentiles, confidence, unit, nan_policy
        )

        def measure(data: Mapping[str, Any]) -> Spans:
            return _measure(
                func,
                names,
                data[names.start],
                data[names.end],
                calendar=calendar,
                unit=unit,
                nan_policy=nan_policy,
            )

        return DurationPlan(
            func=func,
            label=label,
            measure=measure,
            unit=str(unit),
            percentiles=points,
            confidence=level,
            nan_policy=str(nan_policy),
        )

    return plan


_first_response_plan = _duration_plan(
    "first_response_time", "First response time", _FIRST_RESPONSE
)
_resolution_plan = _duration_plan("resolution_time", "Resolution time", _RESOLUTION)


@segmentable(
    _first_response_plan,
    data=("created", "first_response"),
    column_options=(),
    additive=False,
)
def first_response_time(
    created: npt.ArrayLike,
    first_response: npt.ArrayLike,
    *,
    calendar: BusinessCalendar | None = None,
    unit: str = "h",
    percentiles: Iterable[float] = (50, 90),
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> DurationResult:
    r"""First response time: from creation to the first reply, summarized.

    Parameters
    ----------
    created, first_response : array_like
        Aligned timestamps (see `elapsed`). A missing first response is an
        item still waiting: counted in ``n_pending``, not in ``n``.
    calendar : BusinessCalendar, optional
        Count business hours only.
    unit : {'s', 'min', 'h', 'd'}
        Unit of the durations; ``'d'`` is 24 hours of counted time.
    percentiles : iterable of float
        Percentiles (0-100) to report.
    confidence : float
        Level of the median's interval, in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        What to do with a missing created time or a first response before
        its created time: ``'omit'`` leaves the item out and counts it in
        ``n_missing``; ``'raise'`` raises `InputError`; ``'propagate'``
        makes every estimate NaN.

    Returns
    -------
    DurationResult
        ``n``, ``n_pending``, ``n_missing``, ``mean``, ``median``,
        ``percentiles``, ``median_ci`` (method ``"order_statistic"``),
        ``unit``, ``label`` and the sorted durations in ``values``.

    Raises
    ------
    InputError
        As for `elapsed`; also bad percentiles or confidence, and no valid
        duration at all.

    Notes
    -----
    The median's interval is the distribution-free order-statistic interval
    :math:`[x_{(l)}, x_{(n+1-l)}]` of the sorted durations, with :math:`l`
    the largest rank such that

    .. math:: P(K \le l - 1) \le \frac{1 - \gamma}{2}, \qquad
              K \sim \mathrm{Binomial}(n, 1/2),

    for confidence :math:`\gamma`. Its coverage is at least :math:`\gamma`
    for any distribution of durations, skewed or with ties (exactly
    :math:`1 - 2 P(K \le l - 1)` for continuous ones) [1]_. With too few
    durations for the confidence asked (fewer than 6 at 95%, when
    :math:`2^{1-n} > 1 - \gamma`) both bounds are NaN. Percentiles
    interpolate linearly between order statistics (numpy's default).

    References
    ----------
    .. [1] Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd
       ed., section 3.2 (confidence interval for a quantile). Wiley.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> created = ["2026-01-05 09:00"] * 8
    >>> replied = ["2026-01-05 09:30", "2026-01-05 10:00", "2026-01-05 10:00",
    ...            "2026-01-05 11:00", "2026-01-05 12:00", "2026-01-05 13:00",
    ...            "2026-01-05 17:00", None]
    >>> result = cx.first_response_time(created, replied)
    >>> print(result)
    First response time: median 2 h (95% CI 0.5 to 8), mean 2.79 h, n=7, 1 pending
    >>> result.percentiles
    {50.0: 2.0, 90.0: 5.6}
    """
    plan = _first_response_plan(
        calendar=calendar,
        unit=unit,
        percentiles=percentiles,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    return plan.result({"created": created, "first_response": first_response})


@segmentable(
    _resolution_plan, data=("created", "resolved"), column_options=(), additive=False
)
def resolution_time(
    created: npt.ArrayLike,
    resolved: npt.ArrayLike,
    *,
    calendar: BusinessCalendar | None = None,
    unit: str = "h",
    percentiles: Iterable[float] = (50, 90),
    confidence: float = 0.95,
    nan_policy: NanPolicy = "omit",
) -> DurationResult:
    r"""Resolution time: from creation to resolution, summarized.

    Parameters
    ----------
    created, resolved : array_like
        Aligned timestamps (see `elapsed`). A missing resolution is an item
        still open: counted in ``n_pending``, not in ``n``.
    calendar : BusinessCalendar, optional
        Count business hours only.
    unit : {'s', 'min', 'h', 'd'}
        Unit of the durations; ``'d'`` is 24 hours of counted time.
    percentiles : iterable of float
        Percentiles (0-100) to report.
    confidence : float
        Level of the median's interval, in (0, 1).
    nan_policy : {'omit', 'raise', 'propagate'}
        What to do with a missing created time or a resolution before its
        created time: ``'omit'`` leaves the item out and counts it in
        ``n_missing``; ``'raise'`` raises `InputError`; ``'propagate'``
        makes every estimate NaN.

    Returns
    -------
    DurationResult
        As from `first_response_time`, labelled ``"Resolution time"``.

    Raises
    ------
    InputError
        As for `first_response_time`.

    Notes
    -----
    The median's interval is the distribution-free order-statistic interval
    :math:`[x_{(l)}, x_{(n+1-l)}]` of the sorted durations, with :math:`l`
    the largest rank such that

    .. math:: P(K \le l - 1) \le \frac{1 - \gamma}{2}, \qquad
              K \sim \mathrm{Binomial}(n, 1/2),

    for confidence :math:`\gamma`. Its coverage is at least :math:`\gamma`
    for any distribution of durations, skewed or with ties (exactly
    :math:`1 - 2 P(K \le l - 1)` for continuous ones) [1]_. With too few
    durations for the confidence asked (fewer than 6 at 95%, when
    :math:`2^{1-n} > 1 - \gamma`) both bounds are NaN. Percentiles
    interpolate linearly between order statistics (numpy's default).

    References
    ----------
    .. [1] Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd
       ed., section 3.2 (confidence interval for a quantile). Wiley.

    Examples
    --------
    Business hours on a 09:00-17:00 weekday calendar, in Berlin:

    >>> import cxmetrics as cx
    >>> cal = cx.BusinessCalendar(tz="Europe/Berlin")
    >>> result = cx.resolution_time(
    ...     ["2026-01-09 16:00", "2026-01-12 09:00", "2026-01-12 15:00"],
    ...     ["2026-01-12 10:00", "2026-01-12 13:00", None],
    ...     calendar=cal)
    >>> print(result)
    Resolution time: median 3 h (95% CI nan to nan), mean 3 h, n=2, 1 pending
    >>> result.values
    array([2., 4.])
    """
    plan = _resolution_plan(
        calendar=calendar,
        unit=unit,
        percentiles=percentiles,
        confidence=confidence,
        nan_policy=nan_policy,
    )
    return plan.result({"created": created, "resolved": resolved})
