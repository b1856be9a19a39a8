"""Monitoring: control charts of a metric over time, funnel plots of segments.

`control_chart` asks of every period "signal or noise?" with the limits of
statistical process control; `funnel_plot` asks it of every segment (agent,
team, site) against the whole, with limits that follow each segment's size.
Both run on the statistics kernel: one pass of sufficient statistics per
period (the machinery of `cxmetrics.over_time`) or per segment (that of
`cxmetrics.by_segment`), pandas or dask, then a vectorized estimate. The
chart arithmetic on standardized values lives in `cxmetrics._control`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics import _control
from cxmetrics._plans import segmentation_of
from cxmetrics._stats import Stats
from cxmetrics._validation import (
    InputError,
    check_option,
    format_count,
    is_real,
    is_whole,
    real_float,
)
from cxmetrics.segments import check_keys_free, period_statistics, segment_statistics

__all__ = ["CHARTS", "RULES", "control_chart", "funnel_plot"]

#: The charts `control_chart` draws.
CHARTS: Final = ("shewhart", "laney", "ewma", "cusum")
#: The sets of run rules `control_chart` applies to Shewhart and Laney charts.
RULES: Final = ("western_electric", "nelson")

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Columns: TypeAlias = dict[str, npt.NDArray[Any]]


# ---------------------------------------------------------------------------
# Checks


def _number(
    func: str,
    name: str,
    value: object,
    *,
    rule: str,
    valid: Callable[[float], bool],
) -> float:
    """``value`` as a float, or an `InputError` that states ``rule``."""
    if not is_real(value) or not math.isfinite(real_float(func, name, value)):
        raise InputError(f"{func}: {name} must be a number {rule}; got {value!r}")
    number = float(value)
    if not valid(number):
        raise InputError(f"{func}: {name} must be {rule}; got {number:g}")
    return number


def _metric_options(
    func: str, metric: object, metric_options: dict[str, Any]
) -> dict[str, Any]:
    """The metric's options without an interval (the limits replace it).

    ``confidence`` and ``ci`` belong to intervals, which these charts do not
    draw; given, they would silently do nothing, so they are refused.
    """
    given = [name for name in ("ci", "confidence") if name in metric_options]
    if given:
        raise InputError(
            f"{func}: {given[0]}= sets a confidence interval, which {func} does not "
            "draw; the width of its limits is set by sigma= (3 by default)"
        )
    spec = segmentation_of(metric)
    if spec is not None and "ci" in spec.options:
        return {**metric_options, "ci": None}
    return dict(metric_options)


# ---------------------------------------------------------------------------
# The baseline


def _label_span(
    func: str, label: object, index: pd.PeriodIndex
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last instant a baseline label covers.

    A period label of the chart itself (``"2025-01-06/2025-01-12"``), a
    `pandas.Period`, text of any resolution (``"2025"``, ``"2025Q1"``,
    ``"2025-03"``, ``"2025-03-15"``) or a date or timestamp.
    """
    try:
        if isinstance(label, pd.Period):
            return label.start_time, label.end_time
        if isinstance(label, str):
            own = [str(period) for period in index]
            period = index[own.index(label)] if label in own else pd.Period(label)
            return period.start_time, period.end_time
        if isinstance(label, (datetime.date, np.datetime64)):
            moment = pd.Timestamp(label)
            if moment.tzinfo is not None:
                moment = moment.tz_localize(None)
            return moment, moment
    except (ValueError, TypeError, OverflowError):
        pass
    raise InputError(
        f"{func}: baseline labels must be periods, dates or text such as "
        f"'2025-03' or '2025-03-15'; got {label!r}"
    )


def _baseline(func: str, baseline: object, index: pd.PeriodIndex) -> BoolArray:
    """Which periods are the baseline: all, the first k, or a slice of labels."""
    size = len(index)
    chosen = np.zeros(size, dtype=bool)
    span = f"{index[0]} to {index[-1]}"
    if baseline is None:
        chosen[:] = True
    elif is_whole(baseline):
        count = int(baseline)
        if not 1 <= count <= size:
            raise InputError(
                f"{func}: baseline={count} must be a number of periods from 1 to "
                f"{size}, the periods of the chart ({span})"
            )
        chosen[:count] = True
    elif isinstance(baseline, slice) and baseline.step is None:
        starts = index.start_time.to_numpy()
        ends = index.end_time.to_numpy()
        if baseline.start is not None:
            first = _label_span(func, baseline.start, index)[0]
            chosen_from = ends >= first.to_datetime64()
        else:
            chosen_from = np.ones(size, dtype=bool)
        if baseline.stop is not None:
            last = _label_span(func, baseline.stop, index)[1]
            chosen_to = starts <= last.to_datetime64()
        else:
            chosen_to = np.ones(size, dtype=bool)
        chosen = chosen_from & chosen_to
        if not chosen.any():
            raise InputError(
                f"{func}: baseline={baseline!r} holds none of the chart's periods "
                f"({span}); give labels within that range, both ends included"
            )
    else:
        raise InputError(
            f"{func}: baseline must be None (every period), a number of periods "
            "(the first k) or a slice of period labels such as "
            f"slice('2025-01', '2025-03'); got {baseline!r}"
        )
    return chosen


# ---------------------------------------------------------------------------
# Center and spread


def _center_and_spread(
    func: str, stats: Stats, estimator: Any, where: str
) -> tuple[float, float]:
    """The pooled value of ``stats`` and the standard deviation of one row."""
    if int(stats.n.sum()) == 0:
        raise InputError(
            f"{func}: {where} holds no valid rows; choose periods with data"
        )
    center = float(estimator.estimate(stats.sum())[0][0])
    spread = float(estimator.process_sd(stats))
    if not (math.isfinite(center) and math.isfinite(spread)):
        raise InputError(
            f"{func}: {where} has no spread to set limits with (a missing value "
            "under nan_policy='propagate', or no period with two rows); use "
            "nan_policy='omit' or a longer baseline"
        )
    if not spread > 0:
        raise InputError(
            f"{func}: every row of {where} has the same answer (value "
            f"{center:g}), so the limits would have no width; use a longer "
            "baseline"
        )
    return center, spread


def _values_and_errors(
    stats: Stats, estimator: Any, spread: float
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """Each period's or segment's value, effective size, standard error, validity.

    The standard error is that of a mean of ``effective_n`` rows of
    standard deviation ``spread``; a value is valid where both are finite.
    """
    value = np.asarray(estimator.estimate(stats)[0], dtype=np.float64)
    effective = np.asarray(stats.effective_n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(effective > 0, spread / np.sqrt(effective), np.nan)
    valid = np.isfinite(value) & np.isfinite(se)
    return value, effective, se, valid


def _within(
    estimator: Any, lower: FloatArray, upper: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Limits kept to the values the metric can take (0 to 1 for a share).

    A value never passes the end of its range, so a limit beyond it signals
    nothing on that side; clipping it (as a p chart's negative lower limit
    becomes 0) changes no signal.
    """
    low, high = estimator.BOUNDS
    with np.errstate(invalid="ignore"):
        return np.maximum(lower, low), np.minimum(upper, high)


def _spread_out(
    values: FloatArray, valid: BoolArray, fill: float = np.nan
) -> FloatArray:
    """Values of the valid periods put back on every period, carried forward.

    Periods before the first valid one get ``fill``.
    """
    out = np.full(valid.size, fill)
    out[valid] = values
    taken = np.where(valid, np.arange(valid.size), -1)
    last = np.maximum.accumulate(taken)
    carried = last >= 0
    out[carried] = out[last[carried]]
    return out


def _on_valid(values: npt.NDArray[Any], valid: BoolArray, fill: Any) -> Any:
    """Values of the valid periods on every period, ``fill`` elsewhere."""
    out = np.full(valid.size, fill, dtype=values.dtype)
    out[valid] = values
    return out


# ---------------------------------------------------------------------------
# The charts


def _laney_factor(
    func: str, z: FloatArray, valid: BoolArray, chosen: BoolArray
) -> float:
    """sigma_z from the moving ranges of the baseline's periods with data."""
    in_base = z[valid & chosen]
    if in_base.size < 2:
        raise InputError(
            f"{func}: chart='laney' needs a baseline with at least two periods "
            "with data (one moving range); use a longer baseline"
        )
    return float(_control.moving_range_sigma(in_base))


#: The limit columns and the signal, last in every chart's table.
_LIMITS = ("lower", "upper", "signal")
#: Columns carried over a period without data: the chart's running statistic.
_CARRIED = {"ewma": ("ewma", "lower", "upper"), "cusum": ("cusum_upper", "cusum_lower")}


def _chart_columns(
    chart: str,
    value: FloatArray,
    se: FloatArray,
    center: float,
    valid: BoolArray,
    settings: dict[str, float],
) -> Columns:
    """The chart on its periods with data, put back on every period.

    A period without data does not signal; the EWMA and the CUSUM sums
    carry their last value over it, the other columns are NaN there.
    """
    own = _control.chart(chart, value[valid], se[valid], center, **settings)
    carried = _CARRIED.get(chart, ())
    columns: Columns = {}
    for name, values in own.items():
        if name == "signal":
            columns[name] = _on_valid(values, valid, False)
        elif name in carried:
            fill = 0.0 if name.startswith("cusum") else np.nan
            columns[name] = _spread_out(values, valid, fill)
        else:
            columns[name] = _on_valid(values, valid, np.nan)
    return columns


def control_chart(
    frame: Any,
    metric: Callable[..., Any],
    *,
    column: Hashable | Sequence[Hashable],
    time: Hashable,
    freq: str = "W",
    chart: str = "shewhart",
    baseline: int | slice | None = None,
    sigma: float = 3.0,
    lam: float = 0.2,
    k: float = 0.5,
    h: float = 5.0,
    rules: str | None = None,
    **metric_options: Any,
) -> pd.DataFrame:
    r"""A control chart of a metric, period by period: signal or noise?

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        One row per response, ticket, call or visitor, with a time column.
    metric : callable
        An additive metric of cxmetrics: a rate (`cxmetrics.csat`,
        `cxmetrics.fcr_rate`, `cxmetrics.service_level`, ...), a net score
        (`cxmetrics.nps`, Net Easy) or a mean (`cxmetrics.mean_score`,
        `cxmetrics.average_handle_time`, ...).
    column : column name or tuple of column names
        The metric's data columns, as for `cxmetrics.by_segment`.
    time : column name
        When each row happened, as for `cxmetrics.over_time`.
    freq : str
        Period length, with the aliases of `cxmetrics.over_time`: weeks
        (``'W'``, Monday to Sunday) by default, or ``'W-SAT'`` (weeks ending
        on Saturday), ``'D'``, ``'M'``, ``'Q'``, ``'Y'``, ...
    chart : {'shewhart', 'laney', 'ewma', 'cusum'}
        Shewhart limits that follow each period's size; Laney's p′ limits,
        widened (or narrowed) by the moving range of the standardized
        values, for large samples whose periods differ by more than
        sampling; the EWMA; or the tabular CUSUM (see Notes).
    baseline : None, int or slice
        The periods that set the center line and the spread: all of them
        (None), the first ``k`` (an int), or a slice of period labels with
        both ends included, ``slice("2025-01", "2025-06")`` (text of any
        resolution, `pandas.Period` or dates; every period that meets the
        span of the labels; an open end runs to the first or last period).
    sigma : float
        Width of the limits in standard errors (Shewhart, Laney) or in
        standard deviations of the EWMA (the EWMA's ``L``); above 0.
    lam : float
        The EWMA's weight of the newest period, in (0, 1].
    k : float
        The CUSUM's reference value (allowance), in standard errors, 0 or
        more; 0.5 tunes it to a shift of one standard error.
    h : float
        The CUSUM's decision interval, in standard errors, above 0.
    rules : {None, 'western_electric', 'nelson'}
        Run rules (Shewhart and Laney charts): a period also signals when it
        completes one of the patterns of the set (see Notes).
    **metric_options
        The metric's own options (``scale``, ``weights``, ``nan_policy``,
        ...), as for `cxmetrics.by_segment`. ``ci`` and ``confidence`` do
        not apply: the chart draws limits, not intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by period (a PeriodIndex named ``"period"``), one row per
        period from the first to the last: ``n`` (valid rows),
        ``n_missing`` (rows left out as missing, under ``nan_policy``),
        ``effective_n`` (Kish's n of weighted rows; ``n`` without weights),
        ``value`` (the period's own value), the chart's statistic
        (``ewma``; ``cusum_upper`` and ``cusum_lower``, both 0 or more),
        ``center``, ``lower``, ``upper``, ``signal`` (bool) and, with
        ``rules``, one bool column per rule, ``rule_1``, ``rule_2``, ...,
        in the set's own numbering (``rule_1`` is the limits). An empty
        period has ``n = 0``, NaN ``value`` and limits, and no signal.
        Limits stay within the values the metric can take (0 to 1 for a
        share, -100 to 100 for a net score): a limit beyond them could
        never be crossed, so a negative lower limit of a share is 0, as on
        a textbook p chart, and no signal changes. ``frame.attrs`` holds
        the settings: ``chart``, ``sigma``, ``lam``,
        ``k``, ``h``, ``sd`` (the spread of one row) and, for Laney,
        ``sigma_z``; and ``n_without_time``, the rows left off the chart
        because their time is missing.

    Raises
    ------
    InputError
        As `cxmetrics.over_time`; also a duration or survival metric (not
        additive), fewer than two periods, a baseline outside the periods or
        without data (or without spread), ``sigma`` or ``h`` not above 0,
        ``lam`` outside (0, 1], ``k`` below 0, an unknown ``chart`` or
        ``rules``, rules with the EWMA or CUSUM, and ``ci`` or
        ``confidence`` among the metric's options.

    Notes
    -----
    **Center and spread.** The baseline's rows pooled give the center
    :math:`\bar x` (the share, net score or mean of all its rows) and the
    standard deviation of one row, :math:`s`: binomial
    :math:`\sqrt{\bar p(1-\bar p)}` for rates, trinomial
    :math:`100\sqrt{\bar p_+ + \bar p_- - (\bar p_+ - \bar p_-)^2}` for net
    scores in points (an answer counts +100, 0 or -100), and the pooled
    within-period standard deviation for means (the spread between the
    periods' means is left out, as on an X-bar chart). A period of
    :math:`n_t` rows (Kish's effective n when weighted) has standard error
    :math:`s_t = s / \sqrt{n_t}`.

    **Shewhart.** Limits :math:`\bar x \pm \sigma s_t`: wide for a small
    week, narrow for a busy one. A period signals when its value is
    outside them.

    **Laney p′.** With thousands of rows a period, real week-to-week
    variation of the process dwarfs sampling error and a Shewhart chart
    signals nearly every week. Laney (2002) standardizes each period,
    :math:`z_t = (x_t - \bar x) / s_t`, measures the spread of the
    :math:`z_t` by their average moving range,
    :math:`\sigma_z = \overline{|z_t - z_{t-1}|} / d_2` with
    :math:`d_2 = 2/\sqrt\pi \approx 1.128`, and draws
    :math:`\bar x \pm \sigma\,\sigma_z s_t`. The derivation does not use
    the binomial form of :math:`s_t`: if a period's value is
    :math:`x_t = \mu + u_t + e_t`, with :math:`e_t` the sampling error of
    standard deviation :math:`s_t` and :math:`u_t` the process's own
    variation, Laney's model takes the total to be proportional to the
    sampling part, :math:`\operatorname{sd}(x_t - \mu) = \sigma_z s_t`, so
    :math:`z_t` has standard deviation :math:`\sigma_z` and the moving
    range estimates it. The same holds for a net score, whose sampling
    error is the trinomial :math:`s_t` above, and for a mean: the net-score
    and mean analogues of p′ are that chart with their own :math:`s_t`.
    The moving range, rather than the standard deviation of the
    :math:`z_t`, keeps a shift between periods from inflating
    :math:`\sigma_z`; it is taken over the baseline's periods with data.
    :math:`\sigma_z = 1` gives the Shewhart chart; :math:`\sigma_z < 1`
    (underdispersion) narrows the limits, as Laney's does.

    **EWMA.** :math:`z_t = \lambda x_t + (1 - \lambda) z_{t-1}`,
    :math:`z_0 = \bar x`, with limits :math:`\bar x \pm \sigma \sqrt{V_t}`,
    :math:`V_t = \lambda^2 s_t^2 + (1-\lambda)^2 V_{t-1}`, :math:`V_0 = 0`:
    the exact variance of :math:`z_t` when the periods differ in size.
    With one size for every period it is the textbook
    :math:`s_t^2 \frac{\lambda}{2-\lambda}(1 - (1-\lambda)^{2t})`
    (Montgomery 2019, §9.2). A period signals when its ``ewma`` is outside
    the limits.

    **CUSUM.** On the standardized values :math:`z_t = (x_t - \bar x)/s_t`,
    :math:`C^+_t = \max(0, C^+_{t-1} + z_t - k)` and
    :math:`C^-_t = \max(0, C^-_{t-1} - z_t - k)` from 0 (``cusum_upper``,
    ``cusum_lower``); a period signals when either exceeds ``h``. The sums
    go on after a signal (no restart), so a lasting shift keeps
    signalling. ``lower`` and ``upper`` are the values the period would
    have needed to signal: :math:`\bar x \pm s_t (h + k - C^\mp_{t-1})`,
    so that ``signal`` is, as on every chart, a value (or EWMA) outside
    ``lower`` to ``upper``.

    The EWMA and CUSUM pass over an empty period (or a NaN value under
    ``nan_policy="propagate"``): their statistic is carried, and the
    period does not signal. Rows without a time belong to no period and
    are left out of the chart (`cxmetrics.over_time` shows them in a last
    row, NaT).

    **Run rules.** ``rules="western_electric"`` (Western Electric 1956):
    1 one point beyond the limits; 2 two of three in a row beyond 2/3 of
    the limits (2 standard errors at ``sigma=3``) on one side; 3 four of
    five beyond 1/3 of the limits on one side; 4 eight in a row on one
    side of the center. ``rules="nelson"`` (Nelson 1984): 1 beyond the
    limits; 2 nine in a row on one side; 3 six in a row steadily rising or
    falling; 4 fourteen in a row alternating up and down; 5 two of three
    beyond 2/3 (one side); 6 four of five beyond 1/3 (one side); 7 fifteen
    in a row within 1/3, either side; 8 eight in a row beyond 1/3, either
    side. Each rule raises the false alarms of the chart: a 3-sigma
    Shewhart chart in control signals once in 370 periods on average, with
    the four Western Electric rules once in 92 (Champ and Woodall 1987),
    with the eight Nelson rules once in 73 (simulated); the guide
    "Monitoring" has the table for each rule.

    **Average run length in control** at the defaults, for normal
    standardized values (simulated with 20,000 charts, against the
    literature): Shewhart 3-sigma 370 (exact 370.4); EWMA with ``lam=0.2``
    and ``sigma=3`` about 560, and 497 with ``sigma=2.962`` (Lucas and
    Saccucci's 500 is for the asymptotic limits); CUSUM with ``k=0.5``,
    ``h=5`` 462 (465 in Montgomery 2019). After a shift of one standard
    error, the EWMA signals in 9.8 periods on average (10.5 with asymptotic
    limits: these limits start narrow and find an early shift sooner), the
    CUSUM in 10.3 (10.4), the Shewhart chart in 43.9.

    References
    ----------
    .. [1] Montgomery, D. C. (2019). Introduction to Statistical Quality
       Control, 8th ed. Wiley. Chapters 7 and 9.
    .. [2] Laney, D. B. (2002). Improved control charts for attributes.
       Quality Engineering 14(4), 531-537.
    .. [3] Lucas, J. M. and Saccucci, M. S. (1990). Exponentially weighted
       moving average control schemes: properties and enhancements.
       Technometrics 32(1), 1-12.
    .. [4] Champ, C. W. and Woodall, W. H. (1987). Exact results for
       Shewhart control charts with supplementary runs rules.
       Technometrics 29(4), 393-399.
    .. [5] Nelson, L. S. (1984). The Shewhart control chart: tests for
       special causes. Journal of Quality Technology 16(4), 237-239.

    Examples
    --------
    A weekly survey whose NPS fell by about 9 points from the week of 1
    September 2025; the first 26 weeks set the center and the spread. The
    EWMA signals six weeks into the change:

    >>> import cxmetrics as cx
    >>> weekly = cx.datasets.load_weekly_survey()
    >>> chart = cx.control_chart(
    ...     weekly, cx.nps, column="nps", time="date", chart="ewma", baseline=26)
    >>> chart.loc[chart["signal"], ["n", "value", "ewma", "lower"]].head(3).round(1)
                             n  value  ewma  lower
    period
    2025-10-06/2025-10-12  126   -2.4  11.2   11.7
    2025-10-13/2025-10-19  137    5.1  10.0   11.7
    2025-10-20/2025-10-26  146    8.9   9.8   11.8

    The Shewhart chart's limits are about 22 points either side of the
    center for a week of 140 answers: it never signals this small shift,
    which its Western Electric rules find in the same week as the EWMA.

    >>> shewhart = cx.control_chart(
    ...     weekly, cx.nps, column="nps", time="date", baseline=26)
    >>> int(shewhart["signal"].sum())
    0
    >>> ruled = cx.control_chart(
    ...     weekly, cx.nps, column="nps", time="date", baseline=26,
    ...     rules="western_electric")
    >>> str(ruled.index[ruled["signal"]][0])
    '2025-10-06/2025-10-12'
    """
    func = "control_chart"
    check_option(func, "chart", chart, CHARTS)
    check_option(func, "rules", rules, (None, *RULES))
    settings = {
        "sigma": _number(func, "sigma", sigma, rule="above 0", valid=lambda v: v > 0),
        "lam": _number(func, "lam", lam, rule="in (0, 1]", valid=lambda v: 0 < v <= 1),
        "k": _number(func, "k", k, rule="0 or more", valid=lambda v: v >= 0),
        "h": _number(func, "h", h, rule="above 0", valid=lambda v: v > 0),
    }
    if rules is not None and chart in ("ewma", "cusum"):
        raise InputError(
            f"{func}: rules apply to the 'shewhart' and 'laney' charts; the "
            f"{chart!r} chart already weighs runs of periods: leave out rules="
        )
    options = _metric_options(func, metric, metric_options)
    stats, index, estimator = period_statistics(
        func,
        frame,
        metric,
        column=column,
        time=time,
        freq=freq,
        metric_options=options,
        fix="control chart",
    )
    dated = ~np.asarray(index.isna())
    undated = 0
    if not dated.all():
        left_out = stats.take(~dated)
        undated = int(np.sum(left_out.n) + np.sum(left_out.n_missing))
        stats, index = stats.take(dated), index[dated]
    if len(index) < 2:
        periods = "period" if len(index) == 1 else "periods"
        raise InputError(
            f"{func}: the data span {format_count(len(index))} {periods} (freq="
            f"{freq!r}); a control chart needs at least two: use shorter periods "
            "(freq='D' or 'W') or more data"
        )
    chosen = _baseline(func, baseline, index)
    center, spread = _center_and_spread(
        func, stats.take(chosen), estimator, "the baseline"
    )
    value, effective, se, valid = _values_and_errors(stats, estimator, spread)
    attributes: dict[str, Any] = {"chart": chart, **settings, "sd": spread}
    attributes["n_without_time"] = undated
    attributes["label"] = estimator.label
    if chart == "laney":
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (value - center) / se
        settings["sigma_z"] = attributes["sigma_z"] = _laney_factor(
            func, z, valid, chosen
        )
    own = _chart_columns(chart, value, se, center, valid, settings)
    own["lower"], own["upper"] = _within(estimator, own["lower"], own["upper"])
    columns: Columns = {
        "n": np.asarray(stats.n, np.int64),
        "n_missing": np.asarray(stats.n_missing, np.int64),
        "effective_n": effective,
    }
    columns["value"] = value
    columns.update({name: own[name] for name in own if name not in _LIMITS})
    columns["center"] = np.full(len(index), center)
    columns.update({name: own[name] for name in _LIMITS})
    if rules is not None:
        width = settings.get("sigma_z", 1.0) * se[valid]
        fired = _control.run_rules(
            (value[valid] - center) / width, rules, settings["sigma"]
        )
        named = {
            f"rule_{number}": _on_valid(flags, valid, False)
            for number, flags in enumerate(fired, start=1)
        }
        columns["signal"] = np.logical_or.reduce(list(named.values()))
        columns.update(named)
    table: pd.DataFrame = pd.DataFrame(columns, index=index)
    table.attrs.update(attributes)
    return table


# ---------------------------------------------------------------------------
# Funnel plots


def funnel_plot(
    frame: Any,
    metric: Callable[..., Any],
    *,
    column: Hashable | Sequence[Hashable],
    by: Hashable | Sequence[Hashable],
    sigma: float = 3.0,
    **metric_options: Any,
) -> pd.DataFrame:
    r"""Each segment's value against limits for its size: who stands out?

    A funnel plot compares many agents, teams or sites with the whole at
    once. Each segment's limits are those a Shewhart chart would draw for a
    period of its size, so a small team's wide limits and a large team's
    narrow ones are judged alike, and no table of many tests (with its
    multiple-testing correction) is needed.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        One row per response, ticket, call or visitor.
    metric : callable
        An additive metric of cxmetrics (a rate, net score or mean), as for
        `control_chart`.
    column : column name or tuple of column names
        The metric's data columns, as for `cxmetrics.by_segment`.
    by : column name or list of column names
        The segment keys, as for `cxmetrics.by_segment`.
    sigma : float
        Width of the limits in standard errors, above 0: 3 (the default)
        keeps about 0.27% of the segments of an in-control process
        outside, 2 about 5%.
    **metric_options
        The metric's own options, as for `control_chart`.

    Returns
    -------
    pandas.DataFrame
        One row per segment, in key order, the key columns first (named
        after ``by``), then ``n``, ``n_missing`` (rows left out as missing,
        under ``nan_policy``), ``effective_n``, ``value``, ``center``
        (the value of all rows), ``lower``, ``upper`` (kept within the
        metric's values, as in `control_chart`) and ``signal`` (the value is
        outside the limits). ``frame.attrs`` holds ``center``,
        ``sd`` (the spread of one row), ``sigma``, ``bounds`` (the
        lowest and highest value the metric can take) and ``label`` (the
        metric's name), which
        `cxmetrics.plotting.plot_funnel` draws the funnel with.

    Raises
    ------
    InputError
        As `cxmetrics.by_segment`; also a metric that is not additive,
        data without spread, ``sigma`` not above 0, ``ci`` or
        ``confidence`` among the metric's options, and a key column named
        like an output column.

    Notes
    -----
    The center :math:`\bar x` and the standard deviation of one row
    :math:`s` come from all the rows together, by the rules of
    `control_chart` (binomial for rates, trinomial for net scores in
    points, pooled within-segment for means); a segment of :math:`n`
    rows (Kish's effective n when weighted) has limits
    :math:`\bar x \pm \sigma s / \sqrt{n}` (Spiegelhalter 2005). The limits
    surround the whole, of which each segment is part; with many small
    segments that part is small.

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing
       institutional performance. Statistics in Medicine 24(8), 1185-1202.

    Examples
    --------
    NPS by agent over a year of the weekly survey: two of 24 agents stand
    out, one below and one above, whatever their volumes.

    >>> import cxmetrics as cx
    >>> weekly = cx.datasets.load_weekly_survey()
    >>> funnel = cx.funnel_plot(weekly, cx.nps, column="nps", by="agent")
    >>> funnel.loc[funnel["signal"], ["agent", "n", "value", "lower", "upper"]].round(1)
       agent    n  value  lower  upper
    6    A07  827   -6.0    7.7   24.8
    18   A19  303   38.0    2.1   30.4
    """
    func = "funnel_plot"
    width = _number(func, "sigma", sigma, rule="above 0", valid=lambda v: v > 0)
    options = _metric_options(func, metric, metric_options)
    stats, keys_table, estimator = segment_statistics(
        func,
        frame,
        metric,
        column=column,
        by=by,
        metric_options=options,
        fix="funnel plot",
    )
    center, spread = _center_and_spread(func, stats, estimator, "the data")
    value, effective, se, valid = _values_and_errors(stats, estimator, spread)
    limits = _chart_columns("shewhart", value, se, center, valid, {"sigma": width})
    lower, upper = _within(estimator, limits["lower"], limits["upper"])
    columns: Columns = {
        "n": np.asarray(stats.n, np.int64),
        "n_missing": np.asarray(stats.n_missing, np.int64),
        "effective_n": effective,
        "value": value,
        "center": np.full(value.size, center),
        "lower": lower,
        "upper": upper,
        "signal": limits["signal"],
    }
    check_keys_free(func, list(keys_table.columns), list(columns))
    data: dict[Hashable, Any] = {key: keys_table[key].array for key in keys_table}
    data.update(columns)
    table: pd.DataFrame = pd.DataFrame(data)
    table.attrs.update(
        {
            "center": center,
            "sd": spread,
            "sigma": width,
            "bounds": tuple(estimator.BOUNDS),
            "label": estimator.label,
        }
    )
    return table
