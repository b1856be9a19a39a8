"""Churn: the rate of one period, annualizing, and customer flows per period.

`customer_flows` maps every start and end date to an integer period ordinal
once, then counts with ``bincount`` and ``cumsum`` on those codes: no loop
over customers or periods.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._estimators import rate_estimator
from cxmetrics._periods import check_freq, format_dates, period_ordinals, period_range
from cxmetrics._retention_inputs import (
    TABLE_NAN_POLICIES,
    apply_nan_policy,
    check_aligned,
    check_within,
    to_numbers,
    wall_clocks,
)
from cxmetrics._stats import RateStats
from cxmetrics._timestamps import to_timestamps
from cxmetrics._validation import (
    InputError,
    check_count,
    check_option,
    format_count,
    format_examples,
)
from cxmetrics.results import RateResult

__all__ = ["annualized_churn", "churn_rate", "customer_flows"]

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_CHURN_DEFINITIONS = {
    "start": "lost / customers at the start",
    "average": "lost / mean of the customers at the start and at the end",
}


def churn_rate(
    lost: int,
    at_start: int,
    *,
    at_end: int | None = None,
    method: str = "start",
    ci: str | None = "wilson",
    confidence: float = 0.95,
) -> RateResult:
    r"""Churn rate of one period from customer counts.

    Parameters
    ----------
    lost : int
        Customers lost during the period.
    at_start : int
        Customers at the start of the period.
    at_end : int, optional
        Customers at the end of the period; required by ``method="average"``
        and only used by it.
    method : {'start', 'average'}
        The denominator: the customers at the start, or the mean of the
        counts at the start and at the end. See Notes.
    ci : {'wilson', 'agresti_coull', 'clopper_pearson', 'jeffreys', 'wald', None}
        Interval method (see `cxmetrics.intervals.proportion_interval`);
        None for no interval.
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    RateResult
        ``value`` (the churn rate, 0 to 1), ``successes`` (``lost``), ``n``
        (``at_start``), ``ci``, and ``total_weight`` and ``effective_n``,
        both the denominator (``at_start``, or the average count).
        ``label`` is ``"Churn"``.

    Raises
    ------
    InputError
        A count that is negative or not whole; no customers in the
        denominator; more customers lost than the denominator holds;
        ``at_end`` missing for ``method="average"`` or given for
        ``method="start"``; an unknown option.

    See Also
    --------
    annualized_churn : Turn a per-period rate into an annual one.
    customer_flows : Counts and rates per period from start and end dates.

    Notes
    -----
    With :math:`L` customers lost, :math:`N_0` at the start and :math:`N_1`
    at the end of the period,

    .. math::

        c_\text{start} = \frac{L}{N_0}, \qquad
        c_\text{average} = \frac{L}{(N_0 + N_1)/2}.

    ``"start"`` is the share of the customers at the start who were lost
    when ``lost`` counts only those (the cohort definition); it is a
    binomial proportion and the interval is exact in that sense.
    ``"average"`` spreads the exposure over the period, so customers won
    and lost within it enter the denominator too; it is smaller than
    ``"start"`` in a growing base. Its interval treats the average count as
    the number of trials, an approximation: the customers exposed during
    the period are neither exactly that many nor independent trials.

    Examples
    --------
    A base of 1,000 subscribers at the start of March loses 45 in the month
    and ends it at 1,080:

    >>> import cxmetrics as cx
    >>> print(cx.churn_rate(45, 1000))
    Churn 4.5% (95% CI 3.4% to 6.0%, Wilson), n=1,000
    >>> round(cx.churn_rate(45, 1000, at_end=1080, method="average").value, 5)
    0.04327
    """
    func = "churn_rate"
    check_option(func, "method", method, ("start", "average"))
    estimator = rate_estimator(
        func,
        ci,
        confidence,
        label="Churn",
        definition=_CHURN_DEFINITIONS.get(str(method), ""),
    )
    n_lost = check_count(func, "lost", lost)
    n_start = check_count(func, "at_start", at_start)
    denominator: float
    if method == "start":
        if at_end is not None:
            raise InputError(
                f"{func}: at_end is used only by method='average'; "
                "leave it out with method='start'"
            )
        if n_start == 0:
            raise InputError(
                f"{func}: at_start is 0; there is no customer to lose "
                "(with method='start' the rate is lost / at_start)"
            )
        if n_lost > n_start:
            raise InputError(
                f"{func}: lost ({format_count(n_lost)}) is more than at_start "
                f"({format_count(n_start)}); with method='start' the customers "
                "lost are among those at the start"
            )
        denominator = n_start
    else:
        if at_end is None:
            raise InputError(
                f"{func}: method='average' needs at_end, the customers at the "
                "end of the period"
            )
        n_end = check_count(func, "at_end", at_end)
        denominator = (n_start + n_end) / 2
        if denominator == 0:
            raise InputError(
                f"{func}: at_start and at_end are both 0; there is no customer to lose"
            )
        if n_lost > denominator:
            raise InputError(
                f"{func}: lost ({format_count(n_lost)}) is more than the average "
                f"customer count ({denominator:g}); the rate would exceed 1"
            )
    stats = RateStats.of_counts(n_lost, denominator, n=n_start)
    return estimator.result(stats)


def annualized_churn(rate: Any, periods: Any = 12) -> Any:
    r"""Churn over ``periods`` periods at a constant per-period rate.

    Parameters
    ----------
    rate : float, array_like or RateResult
        Churn per period, 0 to 1 (a `RateResult` gives its ``value``).
    periods : float or array_like
        Periods to compound over, > 0: 12 turns a monthly rate into an
        annual one, 4 a quarterly one, and 1/12 an annual rate into a
        monthly one. Broadcasts with ``rate``.

    Returns
    -------
    float or numpy.ndarray
        A float when ``rate`` and ``periods`` are scalars, else an array of
        their broadcast shape.

    Raises
    ------
    InputError
        A rate outside 0-1 or missing; ``periods`` not positive.

    Notes
    -----
    A customer survives each period with probability :math:`1 - c`,
    independently, so over :math:`k` periods

    .. math:: c_k = 1 - (1 - c)^k.

    Multiplying by 12 instead overstates the annual rate (a 10% monthly
    churn is 72%, not 120%, a year).

    Examples
    --------
    >>> import cxmetrics as cx
    >>> round(cx.annualized_churn(0.02), 4)
    0.2153
    >>> cx.annualized_churn([0.01, 0.05], periods=12).round(4)
    array([0.1136, 0.4596])
    """
    func = "annualized_churn"
    rates, scalar_rate = to_numbers(func, "rate", rate)
    steps, scalar_steps = to_numbers(func, "periods", periods)
    check_within(func, "rate", rates, 0.0, 1.0)
    bad = ~(steps > 0) | ~np.isfinite(steps)
    if bad.any():
        raise InputError(
            f"{func}: periods must be positive and finite; got "
            f"{format_examples(steps[bad].ravel())}"
        )
    try:
        out = 1.0 - (1.0 - rates) ** steps
    except ValueError:
        raise InputError(
            f"{func}: rate of shape {rates.shape} and periods of shape "
            f"{steps.shape} do not broadcast together"
        ) from None
    return float(out) if scalar_rate and scalar_steps else out


# ---------------------------------------------------------------------------
# Customer flows


def customer_flows(
    start_dates: Any,
    end_dates: Any,
    *,
    freq: str = "M",
    nan_policy: str = "omit",
) -> pd.DataFrame:
    r"""Customers active, won and lost in each period, with churn and retention.

    Parameters
    ----------
    start_dates : array_like
        When each customer became active: dates or timestamps (numpy
        datetime64, pandas datetime, naive or time-zone aware, ISO strings,
        ``datetime`` objects). One entry per customer (or per subscription).
    end_dates : array_like
        When each customer churned, aligned with ``start_dates``; missing
        (NaT, None, NaN) for a customer still active. The customer counts
        as churned in the period that contains this date (see Notes).
    freq : str
        Period length (default ``'M'``), a pandas period alias: ``'D'``
        (day), ``'W'`` or ``'W-MON'`` ... ``'W-SUN'`` (week ending on that
        day; ``'W'`` ends on Sunday), ``'M'`` (month; also ``'ME'``,
        ``'MS'``), ``'Q'`` (quarter; also ``'QE'``, ``'QS'``, and
        ``'Q-JAN'`` ... ``'Q-DEC'`` for quarters ending in that month),
        ``'Y'`` (year; also ``'YE'``, ``'YS'``, ``'A'``, anchored the same
        way). Every function with ``freq`` takes the same aliases (see
        "Data you bring" in the docs).
    nan_policy : {'omit', 'raise'}
        What to do with a missing start date: leave that customer out
        (counted in ``attrs["n_missing"]``) or raise.

    Returns
    -------
    pandas.DataFrame
        One row per period (a `pandas.PeriodIndex` named ``"period"``),
        from the period of the first start to that of the last date in the
        data, with no gaps. Columns:

        - ``active_start``: customers active when the period opens;
        - ``new``: customers who started in the period;
        - ``churned``: customers whose end date falls in the period;
        - ``active_end``: customers active when the period closes,
          ``active_start + new - churned`` (the next ``active_start``);
        - ``churn_rate``: share of ``active_start`` lost in the period;
        - ``retention_rate``: ``1 - churn_rate``;
        - ``new_churned``: customers both new and churned in the period
          (counted in ``new`` and in ``churned``, not in the rates).

        The rates are NaN where ``active_start`` is 0. ``attrs["n_missing"]``
        holds the number of customers left out for a missing start date.

    Raises
    ------
    InputError
        Values that are not dates; arrays of different lengths; an end
        before its start; missing start dates with ``nan_policy='raise'``;
        no valid start date; an unknown ``freq``.

    See Also
    --------
    churn_rate : The rate, with an interval, from counts.
    cohort_retention : Retention by cohort rather than by calendar period.

    Notes
    -----
    With :math:`s_i` and :math:`e_i` the periods of customer :math:`i`'s
    start and end (:math:`e_i = \infty` while active), for period :math:`p`

    .. math::

        \begin{aligned}
        A^\text{start}_p &= \#\{i : s_i < p \le e_i\}, \qquad
        \text{new}_p = \#\{i : s_i = p\}, \qquad
        \text{churned}_p = \#\{i : e_i = p\}, \\
        A^\text{end}_p &= \#\{i : s_i \le p < e_i\}
            = A^\text{start}_p + \text{new}_p - \text{churned}_p, \\
        \text{churn rate}_p &= \frac{\#\{i : s_i < p = e_i\}}{A^\text{start}_p}
            = \frac{\text{churned}_p - \text{new\_churned}_p}{A^\text{start}_p}.
        \end{aligned}

    The churn rate is the cohort definition: of the customers present when
    the period opened, the share gone when it closed. Customers won and
    lost within the period are left out of both its numerator and its
    denominator, so the rate lies in [0, 1]; ``churn_rate(churned -
    new_churned, active_start)`` gives the same value with an interval.

    An end date is the churn date: a customer whose subscription ends on
    31 January counts as churned in January and not in ``active_end`` of
    January. If your end dates are the last active day and such a customer
    should count as active through January, add one day to them.
    Time-zone-aware dates fall in the period of their local (wall-clock)
    date in their own zone (UTC when an argument mixes offsets); an end is
    compared with its start as an instant.

    Examples
    --------
    Four customers, one still active:

    >>> import cxmetrics as cx
    >>> flows = cx.customer_flows(
    ...     ["2024-01-10", "2024-01-20", "2024-02-05", "2024-02-11"],
    ...     ["2024-02-15", None, "2024-02-25", "2024-03-01"],
    ... )
    >>> flows[["active_start", "new", "churned", "active_end", "churn_rate"]]
             active_start  new  churned  active_end  churn_rate
    period
    2024-01             0    2        0           2         NaN
    2024-02             2    2        2           2    0.500000
    2024-03             2    0        1           1    0.500000
    """
    func = "customer_flows"
    pfreq = check_freq(func, freq)
    check_option(func, "nan_policy", nan_policy, TABLE_NAN_POLICIES)
    starts = to_timestamps(start_dates, func=func, name="start_dates")
    ends = to_timestamps(end_dates, func=func, name="end_dates")
    check_aligned(func, ("start_dates", starts.size), ("end_dates", ends.size))
    if starts.size == 0:
        raise InputError(f"{func}: start_dates is empty")
    start_walls, end_walls = wall_clocks(func, starts, ends)
    n_missing = apply_nan_policy(func, nan_policy, ("start_dates", starts.missing))
    keep = ~starts.missing
    has_end = ~ends.missing[keep]
    early = has_end & (ends.ns[keep] < starts.ns[keep])
    if early.any():
        raise InputError(
            f"{func}: {format_count(int(early.sum()))} of "
            f"{format_count(early.size)} end_dates are before their start_dates "
            f"({format_dates(end_walls[keep][early])})"
        )
    start_codes = period_ordinals(start_walls[keep], pfreq)
    end_codes = period_ordinals(end_walls[keep][has_end], pfreq)
    first = int(start_codes.min())
    last = int(max(start_codes.max(), end_codes.max(initial=first)))
    frame = _flows_table(
        start_codes - first, end_codes - first, has_end, last - first + 1
    )
    frame.index = period_range(first, last - first + 1, pfreq, "period")
    frame.attrs["n_missing"] = n_missing
    return frame


def _flows_table(
    start: IntArray, end: IntArray, has_end: BoolArray, size: int
) -> pd.DataFrame:
    """Per-period counts from period codes 0..size-1 (assumes validated input).

    ``end`` holds the codes of the customers with ``has_end`` only.
    """
    new = np.bincount(start, minlength=size)
    churned = np.bincount(end, minlength=size)
    same = end == start[has_end]
    new_churned = np.bincount(end[same], minlength=size)
    active_end = np.cumsum(new - churned)
    active_start = np.concatenate(([0], active_end[:-1]))
    lost = churned - new_churned
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(active_start > 0, lost / active_start, np.nan)
    frame: pd.DataFrame = pd.DataFrame(
        {
            "active_start": active_start.astype(np.int64),
            "new": new.astype(np.int64),
            "churned": churned.astype(np.int64),
            "active_end": active_end.astype(np.int64),
            "churn_rate": rate,
            "retention_rate": 1.0 - rate,
            "new_churned": new_churned.astype(np.int64),
        }
    )
    return frame
