"""Retention: churn, customer flows, cohorts, revenue retention, lifetime value.

The table-shaped metrics (flows, cohorts, MRR movements) map every date to an
integer period ordinal once, then count with ``bincount`` and ``cumsum`` on
those codes: no loop over customers or periods. Kaplan-Meier customer
lifetime lives in `cxmetrics.survival` and is re-exported here.
"""

from __future__ import annotations

import warnings
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._estimators import rate_estimator
from cxmetrics._stats import RateStats
from cxmetrics._validation import (
    InputError,
    as_array,
    check_array_like,
    check_count,
    check_option,
    format_count,
    format_examples,
    one_dimensional_array,
    to_float_array,
)
from cxmetrics.results import (
    CohortTable,
    RateResult,
    RevenueRetentionResult,
)
from cxmetrics.survival import logrank_test, survival_curve

__all__ = [
    "annualized_churn",
    "churn_rate",
    "clv",
    "cohort_retention",
    "customer_flows",
    "logrank_test",
    "mrr_movements",
    "revenue_retention",
    "survival_curve",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
DateArray: TypeAlias = npt.NDArray[np.datetime64]

#: Missing-value policies of the table-shaped functions ("propagate" would
#: turn a whole table into NaN, which no analysis wants).
_TABLE_NAN_POLICIES = ("omit", "raise")

#: Frequencies as users type them (period or date_range aliases) mapped to
#: the period frequency pandas 2.x and 3.x both accept.
_FREQ_ALIASES = {
    "D": "D",
    "W": "W",
    "M": "M",
    "Q": "Q",
    "Y": "Y",
    "ME": "M",
    "MS": "M",
    "QE": "Q",
    "QS": "Q",
    "YE": "Y",
    "YS": "Y",
    "A": "Y",
}
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# fmt: off
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN",
           "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# fmt: on

#: Cells of the largest (customers x periods) grid held in memory: a boolean
#: bitmap of the distinct (customer, period) pairs of activity (64 MB), or
#: float64 MRR sums (``_DENSE_LIMIT``, 64 MB). Larger grids, unless a few cells
#: per row, hash or sort the pairs instead.
_BITMAP_LIMIT = 1 << 26
_DENSE_LIMIT = 1 << 23


# ---------------------------------------------------------------------------
# Churn rate and annualizing


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
    rates, scalar_rate = _to_numbers(func, "rate", rate)
    steps, scalar_steps = _to_numbers(func, "periods", periods)
    _check_within(func, "rate", rates, 0.0, 1.0)
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


def _to_numbers(func: str, name: str, value: object) -> tuple[FloatArray, bool]:
    """``value`` as a float array of any shape and whether it was a scalar."""
    if isinstance(value, RateResult):
        value = value.value
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise InputError(
            f"{func}: {name} must be a number or an array of numbers; "
            f"got {type(value).__name__}"
        )
    array = as_array(value, func=func, name=name, what="an array of numbers")
    if array.dtype.kind not in "iuf" and array.dtype.kind != "O":
        raise InputError(
            f"{func}: {name} must be numbers; got "
            f"{format_examples(array.ravel()[:3].tolist())}"
        )
    if array.dtype.kind == "O":
        flat = to_float_array(array.ravel(), func=func, name=name, allow_bool=False)
        array = flat.reshape(array.shape)
    return array.astype(np.float64, copy=False), array.ndim == 0


def _check_within(
    func: str, name: str, values: FloatArray, low: float, high: float = np.inf
) -> None:
    """Raise unless every value is a finite number in [low, high]."""
    missing = np.isnan(values)
    infinite = np.isinf(values)
    outside = ~missing & ~infinite & ((values < low) | (values > high))
    rule = f"outside {low:g}-{high:g}" if np.isfinite(high) else f"below {low:g}"
    if low == 0 and not np.isfinite(high):
        rule = "negative"
    for mask, broken in ((missing, "missing"), (infinite, "infinite"), (outside, rule)):
        if mask.any():
            if values.ndim == 0:
                raise InputError(f"{func}: {name} is {broken}; got {float(values):g}")
            raise InputError(
                f"{func}: {format_count(int(mask.sum()))} of "
                f"{format_count(values.size)} {name} values are {broken} "
                f"({format_examples(values[mask].ravel())})"
            )


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
    freq : {'M', 'D', 'W', 'Q', 'Y'}
        Period length: month (the default), day, week, quarter or year.
        Also accepted: ``'ME'``, ``'MS'``, ``'QE'``,
        ``'QS'``, ``'YE'``, ``'YS'``, ``'A'`` (the same periods), weeks
        ending on a given day (``'W-MON'`` ... ``'W-SUN'``; ``'W'`` is
        ``'W-SUN'``) and fiscal quarters (``'Q-JAN'`` ... ``'Q-DEC'``).
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
    date; the end dates are first converted to the start dates' zone.

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
    pfreq = _check_freq(func, freq)
    check_option(func, "nan_policy", nan_policy, _TABLE_NAN_POLICIES)
    starts = _to_datetimes(start_dates, func=func, name="start_dates")
    ends = _to_datetimes(end_dates, func=func, name="end_dates")
    _check_aligned(func, ("start_dates", starts.size), ("end_dates", ends.size))
    starts, ends = _same_zone(func, ("start_dates", starts), ("end_dates", ends))
    if starts.size == 0:
        raise InputError(f"{func}: start_dates is empty")
    start_values = starts.to_numpy()
    end_values = ends.to_numpy()
    missing = np.isnat(start_values)
    n_missing = _apply_nan_policy(func, nan_policy, ("start_dates", missing))
    if n_missing:
        start_values, end_values = start_values[~missing], end_values[~missing]
    has_end = ~np.isnat(end_values)
    early = has_end & (end_values < start_values)
    if early.any():
        raise InputError(
            f"{func}: {format_count(int(early.sum()))} of "
            f"{format_count(early.size)} end_dates are before their start_dates "
            f"({_format_dates(end_values[early])})"
        )
    start_codes = _period_ordinals(start_values, pfreq)
    end_codes = _period_ordinals(end_values[has_end], pfreq)
    first = int(start_codes.min())
    last = int(max(start_codes.max(), end_codes.max(initial=first)))
    frame = _flows_table(
        start_codes - first, end_codes - first, has_end, last - first + 1
    )
    frame.index = _period_range(first, last - first + 1, pfreq)
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


# ---------------------------------------------------------------------------
# Cohort tables


def cohort_retention(
    customer_ids: Any,
    activity_dates: Any,
    *,
    freq: str = "M",
    cohort_dates: Any = None,
    values: Any = None,
    kind: str = "classic",
    nan_policy: str = "omit",
) -> CohortTable:
    r"""Cohort retention table: who is still active k periods after joining.

    Parameters
    ----------
    customer_ids : array_like
        The customer of each activity (any hashable values: numbers or
        text). One row per event (a login, an order, a paid invoice); many
        rows per customer and period are fine.
    activity_dates : array_like
        When each activity happened, aligned with ``customer_ids`` (dates
        or timestamps, as in `customer_flows`).
    freq : {'M', 'D', 'W', 'Q', 'Y'}
        Period length, with the aliases of `customer_flows`.
    cohort_dates : array_like, optional
        Each row's customer's cohort date (e.g. the sign-up date), aligned
        with the rows; it must be the same on every row of a customer. To
        use a per-customer table, map it onto the rows first:
        ``cohort_dates=events.customer.map(signups)``. By default the cohort
        is the period of the customer's first activity.
    values : array_like, optional
        Non-negative amounts aligned with the rows (revenue). When given,
        the cells are sums of ``values`` instead of distinct customers
        (``measure="revenue"``); only ``kind="classic"`` applies.
    kind : {'classic', 'rolling'}
        ``'classic'``: a customer counts at offset k when active in the
        period k periods after the cohort's. ``'rolling'`` (unbounded
        retention): when active then or in any later period.
    nan_policy : {'omit', 'raise'}
        Rows with a missing customer, date, cohort date or value: left out
        (counted in ``counts.attrs["n_missing"]``) or an error.

    Returns
    -------
    CohortTable
        ``counts`` and ``rates``: DataFrames with the cohorts as rows (a
        `pandas.PeriodIndex` named ``"cohort"``, the cohorts that have
        customers) and the offsets 0..K as integer columns (named
        ``"offset"``), K from the first cohort to the last period in the
        data. ``sizes``: customers of each cohort (revenue at offset 0 for
        revenue cohorts). ``rates`` is ``counts / sizes`` by row. Cells not
        yet observable (cohort period + k after the last period in the
        data) are NaN, not 0. ``kind``, ``freq`` and ``measure`` as asked.

    Raises
    ------
    InputError
        Arrays of different lengths; values that are not dates or numbers;
        negative values; a customer with two cohort dates; activity before
        the customer's cohort period; ``values`` with ``kind='rolling'``;
        missing values with ``nan_policy='raise'``; no valid rows; an
        unknown option.

    See Also
    --------
    customer_flows : Counts by calendar period.
    survival_curve : Customer lifetime with censoring (Kaplan-Meier).

    Notes
    -----
    With :math:`c_i` the cohort period of customer :math:`i`, :math:`A_i`
    the set of periods in which it was active and :math:`C` the customers
    of cohort :math:`c`,

    .. math::

        \text{classic}_{c,k} = \#\{i \in C : c + k \in A_i\}, \qquad
        \text{rolling}_{c,k} = \#\{i \in C : \max A_i \ge c + k\},

    and the rate divides by :math:`|C|`. With the default cohorts every
    customer is active at offset 0, so :math:`|C|` is the offset-0 count;
    with ``cohort_dates`` a customer may first be active later, and the
    classic offset-0 rate can be below 1.

    The last period in the data counts whatever activity it holds; drop a
    partial last period (a month still running) first, or its cells will
    read low. Rolling retention of late offsets reads low for young
    cohorts too: a customer who will come back has not done so yet.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> table = cx.cohort_retention(
    ...     ["a", "a", "b", "b", "c", "a"],
    ...     ["2024-01-03", "2024-02-07", "2024-01-20", "2024-03-02",
    ...      "2024-02-14", "2024-03-30"],
    ... )
    >>> table.counts
    offset     0    1    2
    cohort
    2024-01  2.0  1.0  2.0
    2024-02  1.0  0.0  NaN
    >>> table.sizes.tolist()
    [2, 1]
    """
    func = "cohort_retention"
    pfreq = _check_freq(func, freq)
    check_option(func, "kind", kind, ("classic", "rolling"))
    check_option(func, "nan_policy", nan_policy, _TABLE_NAN_POLICIES)
    if values is not None and kind == "rolling":
        raise InputError(
            f"{func}: kind='rolling' counts customers active then or later; "
            "it has no revenue version, so values= needs kind='classic'"
        )
    data = _cohort_iv(
        func,
        customer_ids,
        activity_dates,
        cohort_dates=cohort_dates,
        values=values,
        nan_policy=nan_policy,
        pfreq=pfreq,
    )
    return _cohort_table(data, kind=kind, pfreq=pfreq)


@attrs.frozen
class _Activity:
    """Validated cohort input, rows with a missing value already left out.

    ``customer`` holds codes 0..n_customers-1 per row, ``period`` the period
    ordinal of each row, ``cohort`` the cohort ordinal of each customer and
    ``amounts`` the values per row (None for customer counts).
    """

    customer: IntArray
    period: IntArray
    cohort: IntArray
    amounts: FloatArray | None
    n_missing: int


def _cohort_iv(
    func: str,
    customer_ids: Any,
    activity_dates: Any,
    *,
    cohort_dates: Any,
    values: Any,
    nan_policy: str,
    pfreq: str,
) -> _Activity:
    """Input validation and standardization for `cohort_retention`."""
    codes, uniques = _customer_codes(func, "customer_ids", customer_ids)
    dates = _to_datetimes(activity_dates, func=func, name="activity_dates")
    columns = [("customer_ids", codes.size), ("activity_dates", dates.size)]
    cohorts = None
    if cohort_dates is not None:
        cohorts = _to_datetimes(cohort_dates, func=func, name="cohort_dates")
        columns.append(("cohort_dates", cohorts.size))
    amounts = None
    if values is not None:
        amounts = to_float_array(values, func=func, name="values", allow_bool=False)
        columns.append(("values", amounts.size))
    _check_aligned(func, *columns)
    if codes.size == 0:
        raise InputError(f"{func}: customer_ids is empty")
    if cohorts is not None:
        dates, cohorts = _same_zone(
            func, ("activity_dates", dates), ("cohort_dates", cohorts)
        )
    date_values = _wall_clock(dates).to_numpy()
    masks = [("customer_ids", codes < 0), ("activity_dates", np.isnat(date_values))]
    cohort_values = None
    if cohorts is not None:
        cohort_values = cohorts.to_numpy()
        masks.append(("cohort_dates", np.isnat(cohort_values)))
    if amounts is not None:
        masks.append(("values", np.isnan(amounts)))
    n_missing = _apply_nan_policy(func, nan_policy, *masks)
    if n_missing:
        keep = ~np.logical_or.reduce([mask for _, mask in masks])
        codes, date_values = codes[keep], date_values[keep]
        cohort_values = None if cohort_values is None else cohort_values[keep]
        amounts = None if amounts is None else amounts[keep]
        codes, uniques = _compact_codes(codes, uniques)
    if amounts is not None:
        _check_non_negative(func, "values", amounts)
    period = _period_ordinals(date_values, pfreq)
    if cohort_values is None:
        cohort = _per_customer(np.minimum, codes, period, uniques.size)
    else:
        cohort = _given_cohorts(
            func, codes, uniques, _period_ordinals(cohort_values, pfreq)
        )
        early = period < cohort[codes]
        if early.any():
            raise InputError(
                f"{func}: {format_count(int(early.sum()))} of "
                f"{format_count(early.size)} activity_dates fall in a period "
                f"before their customer's cohort ({_format_dates(date_values[early])})"
            )
    return _Activity(
        customer=codes,
        period=period,
        cohort=cohort,
        amounts=amounts,
        n_missing=n_missing,
    )


def _given_cohorts(
    func: str, codes: IntArray, uniques: npt.NDArray[Any], row_cohorts: IntArray
) -> IntArray:
    """One cohort ordinal per customer from per-row cohorts that must agree."""
    low = _per_customer(np.minimum, codes, row_cohorts, uniques.size)
    high = _per_customer(np.maximum, codes, row_cohorts, uniques.size)
    differ = low != high
    if differ.any():
        raise InputError(
            f"{func}: {format_count(int(differ.sum()))} of "
            f"{format_count(differ.size)} customers have more than one cohort "
            f"period in cohort_dates ({format_examples(uniques[differ].tolist())}); "
            "give each customer one cohort date"
        )
    return low


def _per_customer(
    ufunc: np.ufunc, codes: IntArray, values: IntArray, n_customers: int
) -> IntArray:
    """The ``ufunc`` reduction (minimum, maximum) of ``values`` per customer."""
    start = np.iinfo(np.int64).max if ufunc is np.minimum else np.iinfo(np.int64).min
    out = np.full(n_customers, start, dtype=np.int64)
    ufunc.at(out, codes, values)
    return out


def _cohort_table(data: _Activity, *, kind: str, pfreq: str) -> CohortTable:
    """The cohort x offset table from validated activity (pure computation)."""
    base = int(data.cohort.min())
    size = int(data.period.max()) - base + 1
    customers = np.bincount(data.cohort - base, minlength=size)
    present = np.flatnonzero(customers)  # cohorts with customers, 0..size-1
    # Rows of the table: the rank of each customer's cohort among those present.
    row = (np.cumsum(customers > 0) - 1)[data.cohort - base]
    n_cells = present.size * size
    offset = data.period - data.cohort[data.customer]  # per activity, >= 0
    grid: npt.NDArray[Any]
    if data.amounts is not None:
        cells = row[data.customer] * size + offset
        grid = _weighted_bincount(cells, data.amounts, n_cells)
    elif kind == "classic":
        customer, active = _distinct_pairs(data.customer, offset, row.size, size)
        grid = np.bincount(row[customer] * size + active, minlength=n_cells)
    else:
        last = _per_customer(np.maximum, data.customer, offset, row.size)
        hist = np.bincount(row * size + last, minlength=n_cells)
        # Active at offset k or later: customers whose last offset is >= k.
        hist = hist.reshape(present.size, size)
        grid = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]
    table = grid.reshape(present.size, size).astype(np.float64)
    table[present[:, None] + np.arange(size)[None, :] > size - 1] = np.nan
    sizes = table[:, 0].copy() if data.amounts is not None else customers[present]
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = table / np.asarray(sizes, dtype=np.float64)[:, None]
    index = _period_range(base, size, pfreq)[present].rename("cohort")
    columns = pd.RangeIndex(size, name="offset")
    counts_frame = pd.DataFrame(table, index=index, columns=columns)
    rates_frame = pd.DataFrame(rates, index=index, columns=columns)
    for frame in (counts_frame, rates_frame):
        frame.attrs["n_missing"] = data.n_missing
    return CohortTable(
        counts=counts_frame,
        rates=rates_frame,
        sizes=pd.Series(sizes, index=index, name="size"),
        kind=kind,
        freq=pfreq,
        measure="customers" if data.amounts is None else "revenue",
    )


def _distinct_pairs(
    customer: IntArray, offset: IntArray, n_customers: int, size: int
) -> tuple[IntArray, IntArray]:
    """The distinct (customer, offset) pairs, as two aligned arrays."""
    keys = customer * size + offset
    if n_customers * size <= max(_BITMAP_LIMIT, 8 * keys.size):
        seen = np.zeros(n_customers * size, dtype=bool)
        seen[keys] = True
        unique = np.flatnonzero(seen).astype(np.int64)
    else:
        unique = np.asarray(pd.unique(keys), dtype=np.int64)
    return unique // size, unique % size


# ---------------------------------------------------------------------------
# Revenue retention and MRR movements


def revenue_retention(mrr_start: Any, mrr_end: Any) -> RevenueRetentionResult:
    r"""Net and gross revenue retention between two MRR snapshots.

    Parameters
    ----------
    mrr_start, mrr_end : pandas.Series, mapping or array_like
        Monthly recurring revenue of each customer at the two dates. Series
        (or mappings) indexed by customer are aligned on the union of their
        customers; a customer absent from one side has 0 there. Plain
        arrays must have equal lengths and are aligned by position.
        Missing values count as 0.

    Returns
    -------
    RevenueRetentionResult
        ``starting``, ``ending``, ``new``, ``expansion``, ``contraction``,
        ``churned``, ``nrr``, ``grr``, ``quick_ratio`` (see Notes).

    Raises
    ------
    InputError
        Negative or non-numeric MRR; a customer twice in one Series;
        arrays of different lengths; a Series against a plain array; no
        starting MRR.

    See Also
    --------
    mrr_movements : The same movements period by period, with reactivation.

    Notes
    -----
    With :math:`s_i` and :math:`e_i` customer :math:`i`'s MRR at the start
    and at the end, :math:`S = \sum_i s_i`,

    .. math::

        \begin{aligned}
        \text{new} &= \sum_{s_i = 0} e_i, \qquad
        \text{churned} = \sum_{e_i = 0} s_i, \\
        \text{expansion} &= \sum_{0 < s_i < e_i} (e_i - s_i), \qquad
        \text{contraction} = \sum_{0 < e_i < s_i} (s_i - e_i), \\
        \text{NRR} &= \frac{S + \text{expansion} - \text{contraction}
            - \text{churned}}{S}, \qquad
        \text{GRR} = \frac{S - \text{contraction} - \text{churned}}{S}, \\
        \text{quick ratio} &= \frac{\text{new} + \text{expansion}}
            {\text{contraction} + \text{churned}}.
        \end{aligned}

    NRR counts only the customers present at the start (new revenue is
    left out), so it can exceed 1; GRR leaves expansion out too and lies
    in [0, 1]. The quick ratio is inf when nothing was lost and NaN when
    nothing moved. Two snapshots cannot tell a returning customer from a
    new one; `mrr_movements` can.

    Examples
    --------
    >>> import pandas as pd
    >>> import cxmetrics as cx
    >>> january = pd.Series({"acme": 100.0, "bolt": 50.0, "core": 80.0})
    >>> february = pd.Series({"acme": 120.0, "core": 60.0, "dyno": 40.0})
    >>> result = cx.revenue_retention(january, february)
    >>> print(result)
    NRR 78.3%, GRR 69.6%, quick ratio 0.86 (MRR 230.00 to 220.00)
    >>> result.churned, result.contraction, result.expansion, result.new
    (50.0, 20.0, 20.0, 40.0)
    """
    func = "revenue_retention"
    start, end = _revenue_iv(func, mrr_start, mrr_end)
    starting = float(start.sum())
    if not starting > 0:
        raise InputError(f"{func}: the starting MRR is 0; NRR and GRR are shares of it")
    both = (start > 0) & (end > 0)
    change = end - start
    new = float(end[start == 0].sum())
    churned = float(start[end == 0].sum())
    expansion = float(change[both & (change > 0)].sum())
    contraction = float(-change[both & (change < 0)].sum())
    lost = contraction + churned
    return RevenueRetentionResult(
        starting=starting,
        ending=float(end.sum()),
        new=new,
        expansion=expansion,
        contraction=contraction,
        churned=churned,
        nrr=(starting + expansion - lost) / starting,
        grr=(starting - lost) / starting,
        quick_ratio=_quick_ratio(new + expansion, lost),
    )


def _quick_ratio(gained: float, lost: float) -> float:
    if lost > 0:
        return gained / lost
    return float("inf") if gained > 0 else float("nan")


def _revenue_iv(
    func: str, mrr_start: Any, mrr_end: Any
) -> tuple[FloatArray, FloatArray]:
    """Input validation for `revenue_retention`: two aligned MRR arrays, NaN as 0."""
    keyed = [isinstance(m, (pd.Series, dict)) for m in (mrr_start, mrr_end)]
    if keyed[0] != keyed[1]:
        which = ("mrr_start", "mrr_end") if keyed[0] else ("mrr_end", "mrr_start")
        raise InputError(
            f"{func}: {which[0]} is indexed by customer and {which[1]} is not; "
            "give both as Series (or mappings) by customer, or both as arrays "
            "aligned by position"
        )
    if keyed[0]:
        start_series = _mrr_series(func, "mrr_start", mrr_start)
        end_series = _mrr_series(func, "mrr_end", mrr_end)
        customers = start_series.index.union(end_series.index, sort=False)
        start = start_series.reindex(customers, fill_value=0.0).to_numpy()
        end = end_series.reindex(customers, fill_value=0.0).to_numpy()
    else:
        start = to_float_array(mrr_start, func=func, name="mrr_start")
        end = to_float_array(mrr_end, func=func, name="mrr_end")
        _check_aligned(func, ("mrr_start", start.size), ("mrr_end", end.size))
    start = np.nan_to_num(np.asarray(start, dtype=np.float64), nan=0.0)
    end = np.nan_to_num(np.asarray(end, dtype=np.float64), nan=0.0)
    _check_non_negative(func, "mrr_start", start)
    _check_non_negative(func, "mrr_end", end)
    return start, end


def _mrr_series(func: str, name: str, mrr: pd.Series[Any] | dict[Any, Any]) -> Any:
    """MRR by customer as a float Series with unique customers."""
    series = mrr if isinstance(mrr, pd.Series) else pd.Series(mrr, dtype=object)
    numbers = to_float_array(series, func=func, name=name)
    duplicated = series.index.duplicated()
    if duplicated.any():
        raise InputError(
            f"{func}: {format_count(int(duplicated.sum()))} customers appear more "
            f"than once in {name} ({format_examples(series.index[duplicated])}); "
            "give one MRR per customer"
        )
    return pd.Series(numbers, index=series.index)


_MOVEMENT_COLUMNS = (
    "starting",
    "new",
    "expansion",
    "contraction",
    "churned",
    "reactivation",
    "ending",
)


def mrr_movements(
    customer_ids: Any,
    periods: Any,
    mrr: Any,
    *,
    freq: str | None = None,
    nan_policy: str = "omit",
) -> pd.DataFrame:
    r"""Monthly recurring revenue movements per period: the MRR bridge.

    Parameters
    ----------
    customer_ids : array_like
        The customer of each row (any hashable values).
    periods : array_like
        The period of each row: pandas Periods, or dates (as in
        `customer_flows`) that are mapped to their period of ``freq``.
    mrr : array_like
        Non-negative MRR of the customer in that period. Rows of one
        customer and period are summed (one row per subscription is fine);
        a customer without a row in a period has 0 MRR there.
    freq : str, optional
        Period length (``'D'``, ``'W'``, ``'M'``, ``'Q'``, ``'Y'``), with
        the aliases of `customer_flows`. By default the frequency of Period
        input, else ``'M'``.
    nan_policy : {'omit', 'raise'}
        Rows with a missing customer, period or MRR: left out (counted in
        ``attrs["n_missing"]``) or an error.

    Returns
    -------
    pandas.DataFrame
        One row per period from the first to the last in the data, with no
        gaps (a `pandas.PeriodIndex` named ``"period"``). Columns:

        - ``starting``: MRR at the end of the previous period;
        - ``new``: MRR of customers with their first positive MRR;
        - ``expansion``, ``contraction``: increases and decreases (as a
          positive amount) of customers with MRR in both periods;
        - ``churned``: previous MRR of customers at 0 now;
        - ``reactivation``: MRR of customers back from 0, who had MRR in
          some earlier period (distinct from ``new``);
        - ``ending``: MRR in the period, ``starting + new + reactivation +
          expansion - contraction - churned``;
        - ``nrr``, ``grr``, ``quick_ratio``: as in `revenue_retention`,
          period over period, with reactivation in the quick ratio's
          numerator.

        The first period has no period before it: its movements and ratios
        are NaN and only ``ending`` is known. NRR and GRR are NaN where
        ``starting`` is 0.

    Raises
    ------
    InputError
        Arrays of different lengths; negative or non-numeric MRR; periods
        that are not dates or Periods; Periods of another frequency than
        ``freq``; missing values with ``nan_policy='raise'``; no valid rows.

    See Also
    --------
    revenue_retention : NRR and GRR between any two snapshots.

    Notes
    -----
    With :math:`m_{i,p}` customer :math:`i`'s MRR in period :math:`p`
    (0 without a row) and :math:`S_p = \sum_i m_{i,p-1}`,

    .. math::

        \text{NRR}_p = \frac{S_p + \text{expansion}_p - \text{contraction}_p
            - \text{churned}_p}{S_p}, \quad
        \text{GRR}_p = \frac{S_p - \text{contraction}_p - \text{churned}_p}{S_p},

    .. math::

        \text{quick ratio}_p = \frac{\text{new}_p + \text{reactivation}_p
            + \text{expansion}_p}{\text{contraction}_p + \text{churned}_p}.

    These are period-over-period ratios (a monthly NRR for monthly
    periods). The annual NRR compares snapshots twelve months apart; use
    `revenue_retention` on those. A customer whose MRR first appears in
    the data counts as new, even if it paid before the data begin.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> moves = cx.mrr_movements(
    ...     ["a", "b", "a", "c", "a", "b"],
    ...     ["2024-01", "2024-01", "2024-02", "2024-02", "2024-03", "2024-03"],
    ...     [100, 50, 120, 30, 90, 60],
    ... )
    >>> moves[["starting", "new", "expansion", "churned", "reactivation", "ending"]]
             starting   new  expansion  churned  reactivation  ending
    period
    2024-01       NaN   NaN        NaN      NaN           NaN   150.0
    2024-02     150.0  30.0       20.0     50.0           0.0   150.0
    2024-03     150.0   0.0        0.0     30.0          60.0   150.0
    """
    func = "mrr_movements"
    codes, period, amounts, n_missing, pfreq = _mrr_iv(
        func, customer_ids, periods, mrr, freq=freq, nan_policy=nan_policy
    )
    base = int(period.min())
    size = int(period.max()) - base + 1
    frame = _movements_table(codes, period - base, amounts, size)
    frame.index = _period_range(base, size, pfreq)
    frame.attrs["n_missing"] = n_missing
    return frame


def _mrr_iv(
    func: str,
    customer_ids: Any,
    periods: Any,
    mrr: Any,
    *,
    freq: str | None,
    nan_policy: str,
) -> tuple[IntArray, IntArray, FloatArray, int, str]:
    """Input validation for `mrr_movements`: codes, period ordinals, MRR."""
    check_option(func, "nan_policy", nan_policy, _TABLE_NAN_POLICIES)
    pfreq = None if freq is None else _check_freq(func, freq)
    codes, uniques = _customer_codes(func, "customer_ids", customer_ids)
    own_freq = _period_freq(func, periods)
    if own_freq is not None and pfreq is not None and own_freq != pfreq:
        raise InputError(
            f"{func}: periods are Periods of frequency {own_freq!r} but "
            f"freq={freq!r}; leave freq out or convert the periods with asfreq"
        )
    pfreq = pfreq or own_freq or _FREQ_ALIASES["M"]
    dates = _to_datetimes(periods, func=func, name="periods")
    amounts = to_float_array(mrr, func=func, name="mrr", allow_bool=False)
    _check_aligned(
        func,
        ("customer_ids", codes.size),
        ("periods", dates.size),
        ("mrr", amounts.size),
    )
    if codes.size == 0:
        raise InputError(f"{func}: customer_ids is empty")
    date_values = _wall_clock(dates).to_numpy()
    masks = [
        ("customer_ids", codes < 0),
        ("periods", np.isnat(date_values)),
        ("mrr", np.isnan(amounts)),
    ]
    n_missing = _apply_nan_policy(func, nan_policy, *masks)
    if n_missing:
        keep = ~np.logical_or.reduce([mask for _, mask in masks])
        codes, date_values, amounts = codes[keep], date_values[keep], amounts[keep]
        codes, uniques = _compact_codes(codes, uniques)
    _check_non_negative(func, "mrr", amounts)
    return codes, _period_ordinals(date_values, pfreq), amounts, n_missing, pfreq


def _period_freq(func: str, values: Any) -> str | None:
    """The frequency of Period input in our spelling; None for other input."""
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, pd.PeriodDtype):
        return None
    name = str(dtype.freq.freqstr)
    return _check_freq(func, name, given=f"the Periods' frequency {name!r}")


def _movements_table(
    customer: IntArray, period: IntArray, mrr: FloatArray, size: int
) -> pd.DataFrame:
    """The MRR bridge from periods 0..size-1 (assumes validated input)."""
    keys, amounts = _positive_mrr(customer, period, mrr, size)
    per = keys % size
    cust = keys // size
    # Keys are sorted and unique: a customer's previous period, when it has
    # MRR there, is the element just before; its next period the one after.
    has_prev = np.zeros(keys.size, dtype=bool)
    has_prev[1:] = keys[1:] == keys[:-1] + 1
    has_prev &= per > 0
    has_next = np.zeros(keys.size, dtype=bool)
    has_next[:-1] = has_prev[1:]
    seen_before = np.zeros(keys.size, dtype=bool)
    seen_before[1:] = cust[1:] == cust[:-1]
    previous = np.zeros(keys.size)
    previous[1:] = amounts[:-1]
    change = np.where(has_prev, amounts - previous, 0.0)
    leaves = ~has_next & (per < size - 1)

    def total(weights: FloatArray, at: IntArray = per) -> FloatArray:
        return _weighted_bincount(at, weights, size)

    moves = {
        "new": total(np.where(~has_prev & ~seen_before, amounts, 0.0)),
        "expansion": total(np.maximum(change, 0.0)),
        "contraction": total(np.maximum(-change, 0.0)),
        "churned": total(amounts[leaves], per[leaves] + 1),
        "reactivation": total(np.where(~has_prev & seen_before, amounts, 0.0)),
    }
    ending = total(amounts)
    starting = np.concatenate(([np.nan], ending[:-1]))
    for column in moves.values():
        column[0] = np.nan
    lost = moves["contraction"] + moves["churned"]
    gained = moves["new"] + moves["reactivation"] + moves["expansion"]
    with np.errstate(divide="ignore", invalid="ignore"):
        valid = starting > 0
        nrr = np.where(valid, (starting + moves["expansion"] - lost) / starting, np.nan)
        grr = np.where(valid, (starting - lost) / starting, np.nan)
        quick = np.where(lost > 0, gained / lost, np.where(gained > 0, np.inf, np.nan))
    quick[0] = np.nan
    frame: pd.DataFrame = pd.DataFrame(
        {
            "starting": starting,
            **{name: moves[name] for name in _MOVEMENT_COLUMNS[1:-1]},
            "ending": ending,
            "nrr": nrr,
            "grr": grr,
            "quick_ratio": quick,
        }
    )
    return frame


def _positive_mrr(
    customer: IntArray, period: IntArray, mrr: FloatArray, size: int
) -> tuple[IntArray, FloatArray]:
    """Sorted unique (customer, period) keys with positive summed MRR, and the sums."""
    keys = customer * size + period
    n_cells = (int(customer.max()) + 1) * size
    if n_cells <= max(_DENSE_LIMIT, 4 * keys.size):
        sums = _weighted_bincount(keys, mrr, n_cells)
        positive = np.flatnonzero(sums > 0).astype(np.int64)
        return positive, sums[positive]
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = _weighted_bincount(inverse.ravel(), mrr, unique.size)
    keep = sums > 0
    return unique[keep].astype(np.int64), sums[keep]


def _weighted_bincount(codes: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Sums of ``weights`` per code 0..size-1."""
    return np.asarray(
        np.bincount(codes, weights=weights, minlength=size), dtype=np.float64
    )


# ---------------------------------------------------------------------------
# Customer lifetime value


def clv(
    arpa: Any,
    gross_margin: Any,
    churn_rate: Any,
    *,
    discount_rate: Any = 0.0,
) -> Any:
    r"""Customer lifetime value at constant revenue, margin and churn.

    Parameters
    ----------
    arpa : float or array_like
        Average revenue per account per period (>= 0).
    gross_margin : float or array_like
        Gross margin as a fraction, 0 to 1.
    churn_rate : float, array_like or RateResult
        Churn per period, 0 to 1 (a `RateResult` gives its ``value``).
    discount_rate : float or array_like
        Discount rate per period (>= 0), e.g. ``0.01`` a month.

    Returns
    -------
    float or numpy.ndarray
        The value, in the unit of ``arpa``: a float when every input is a
        scalar, else an array of the inputs' broadcast shape.

    Raises
    ------
    InputError
        Negative ARPA; margin, churn or a discount rate out of range or
        missing; churn 0 with discount 0 (an infinite lifetime); shapes
        that do not broadcast.

    Notes
    -----
    A customer pays :math:`\text{ARPA}` at the start of each period it is
    still a customer; it stays from one period to the next with
    probability :math:`r = 1 - c`, so its lifetime is geometric with mean
    :math:`1/c` periods. With margin :math:`m` and discount rate :math:`d`,

    .. math::

        \text{CLV} = \sum_{t=0}^{\infty} \frac{m\,\text{ARPA}\,r^t}{(1+d)^t}
            = \frac{m\,\text{ARPA}\,(1+d)}{1+d-r}
            = \frac{m\,\text{ARPA}\,(1+d)}{d + c},

    which is :math:`m\,\text{ARPA}/c` when :math:`d = 0`. The assumptions
    (churn, revenue and margin constant over the lifetime, every customer
    alike) rarely hold exactly: churn usually falls with tenure, which this
    formula ignores. See the customer-lifetime guide for a lifetime read off
    a Kaplan-Meier curve instead.

    Examples
    --------
    ARPA of 50 a month at an 80% margin and 2% monthly churn:

    >>> import cxmetrics as cx
    >>> cx.clv(50, 0.8, 0.02)
    2000.0
    >>> round(cx.clv(50, 0.8, 0.02, discount_rate=0.01), 2)
    1346.67
    """
    func = "clv"
    revenue, scalar_a = _to_numbers(func, "arpa", arpa)
    margin, scalar_m = _to_numbers(func, "gross_margin", gross_margin)
    churn, scalar_c = _to_numbers(func, "churn_rate", churn_rate)
    discount, scalar_d = _to_numbers(func, "discount_rate", discount_rate)
    _check_within(func, "arpa", revenue, 0.0)
    _check_within(func, "gross_margin", margin, 0.0, 1.0)
    _check_within(func, "churn_rate", churn, 0.0, 1.0)
    _check_within(func, "discount_rate", discount, 0.0)
    try:
        revenue, margin, churn, discount = np.broadcast_arrays(
            revenue, margin, churn, discount
        )
    except ValueError:
        raise InputError(
            f"{func}: arpa, gross_margin, churn_rate and discount_rate of shapes "
            f"{revenue.shape}, {margin.shape}, {churn.shape} and {discount.shape} "
            "do not broadcast together"
        ) from None
    forever = (churn == 0) & (discount == 0)
    if forever.any():
        count = ""
        if forever.ndim:
            count = (
                f" in {format_count(int(forever.sum()))} of "
                f"{format_count(forever.size)} cases"
            )
        raise InputError(
            f"{func}: churn_rate and discount_rate are both 0{count}: the expected "
            "lifetime is infinite and so is the value; give a churn rate or a "
            "discount rate above 0"
        )
    value = margin * revenue * (1.0 + discount) / (discount + churn)
    if scalar_a and scalar_m and scalar_c and scalar_d:
        return float(value)
    return value


# ---------------------------------------------------------------------------
# Shared input handling: dates, periods, customers


def _check_freq(func: str, freq: object, *, given: str | None = None) -> str:
    """The pandas period frequency for ``freq``, or an InputError.

    ``given`` describes where the frequency came from, for the message.
    """
    if isinstance(freq, str):
        if freq in _FREQ_ALIASES:
            return _FREQ_ALIASES[freq]
        head, _, anchor = freq.partition("-")
        if head == "W" and anchor in _WEEKDAYS:
            return "W" if anchor == "SUN" else freq
        if head in ("Q", "QE") and anchor in _MONTHS:
            return "Q" if anchor == "DEC" else f"Q-{anchor}"
        if head in ("Y", "YE", "A") and anchor == "DEC":
            return "Y"
    raise InputError(
        f"{func}: {given or f'freq={freq!r}'} is not a period frequency; use "
        "'D', 'W', 'M', 'Q' or 'Y' (or weeks ending on a day, 'W-MON' ... "
        "'W-SUN', or fiscal quarters, 'Q-JAN' ... 'Q-DEC')"
    )


def _to_datetimes(values: Any, *, func: str, name: str) -> pd.DatetimeIndex:
    """Dates or timestamps as a DatetimeIndex (naive or aware), NaT for missing.

    Accepts numpy datetime64, pandas datetime (naive or aware), Periods
    (their start), ISO 8601 strings, and ``datetime``/``date`` objects.
    Numbers are refused rather than read as epoch offsets.
    """
    array = _one_dimensional(func, name, values, "dates")
    index: pd.DatetimeIndex
    if len(array) == 0:
        index = pd.DatetimeIndex([])
        return index
    if isinstance(array.dtype, pd.PeriodDtype):
        index = pd.PeriodIndex(array).to_timestamp(how="start")
        return index
    kind = array.dtype.kind
    if isinstance(array.dtype, pd.DatetimeTZDtype) or kind == "M":
        index = pd.DatetimeIndex(array)
        return index
    if kind in "iufcbm":
        shown = np.asarray(array[:3])
        what, examples = "numbers", shown.tolist()
        if kind == "m":
            what, examples = "time spans", [pd.Timedelta(v) for v in shown]
        raise InputError(
            f"{func}: {name} must be dates; got {what} such as "
            f"{format_examples(examples)}"
        )
    return _parse_dates(np.asarray(array, dtype=object), func=func, name=name)


def _one_dimensional(func: str, name: str, values: Any, what: str) -> Any:
    """``values`` as a one-dimensional numpy or pandas array, or an InputError."""
    check_array_like(values, func=func, name=name, what=what)
    if isinstance(values, (pd.Series, pd.Index)):
        is_numpy = isinstance(values.dtype, np.dtype)
        return values.to_numpy() if is_numpy else values.array
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return values
    return one_dimensional_array(values, func=func, name=name, what=what)


def _parse_dates(array: npt.NDArray[Any], *, func: str, name: str) -> pd.DatetimeIndex:
    """Parse an object array of strings and date objects; name what fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            parsed: pd.DatetimeIndex = pd.DatetimeIndex(
                pd.to_datetime(array, errors="coerce", format="ISO8601")
            )
    except (ValueError, TypeError, OverflowError, FutureWarning) as err:
        raise InputError(
            f"{func}: {name} could not be read as dates; mixed time zones, or "
            f"time-zone-aware and naive values together? ({err})"
        ) from None
    bad = np.asarray(parsed.isna()) & ~np.asarray(pd.isna(array), dtype=bool)
    if bad.any():
        raise InputError(
            f"{func}: {format_count(int(bad.sum()))} of {format_count(array.size)} "
            f"{name} are not dates ({format_examples(array[bad].tolist())})"
        )
    return parsed


def _same_zone(
    func: str, first: tuple[str, pd.DatetimeIndex], second: tuple[str, pd.DatetimeIndex]
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Both as naive wall-clock times, the second in the first's time zone."""
    (name_a, a), (name_b, b) = first, second
    aware_a, aware_b = a.tz is not None, b.tz is not None
    if aware_a != aware_b and not (b.isna().all() or a.isna().all()):
        aware, naive = (name_a, name_b) if aware_a else (name_b, name_a)
        raise InputError(
            f"{func}: {aware} are time-zone aware and {naive} are naive; give "
            "both with a time zone or both without"
        )
    if aware_a and aware_b:
        b = b.tz_convert(a.tz)
    return _wall_clock(a), _wall_clock(b)


def _wall_clock(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return stamps if stamps.tz is None else stamps.tz_localize(None)


def _check_aligned(func: str, first: tuple[str, int], *others: tuple[str, int]) -> None:
    """Every array has as many values as the first."""
    name, size = first
    for other, other_size in others:
        if other_size != size:
            raise InputError(
                f"{func}: {other} has {format_count(other_size)} values but there "
                f"are {format_count(size)} {name}; they must align one to one"
            )


def _apply_nan_policy(func: str, nan_policy: str, *masks: tuple[str, BoolArray]) -> int:
    """Rows to leave out for a missing value; raise under ``'raise'``."""
    for name, mask in masks:
        missing = int(np.count_nonzero(mask))
        if missing and nan_policy == "raise":
            raise InputError(
                f"{func}: {format_count(missing)} of {format_count(mask.size)} "
                f"{name} are missing and nan_policy='raise'"
            )
    dropped = int(np.count_nonzero(np.logical_or.reduce([m for _, m in masks])))
    if dropped == masks[0][1].size:
        names = [name for name, _ in masks]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1])
        if len(names) > 1:
            listed += f" or {names[-1]}"
        raise InputError(
            f"{func}: no valid rows: all {format_count(dropped)} have a missing "
            f"value in {listed}"
        )
    return dropped


def _customer_codes(
    func: str, name: str, customer_ids: Any
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Integer codes 0..k-1 per customer (-1 where missing) and the customers."""
    array = _one_dimensional(func, name, customer_ids, "customers")
    codes, uniques = pd.factorize(array)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _compact_codes(
    codes: IntArray, uniques: npt.NDArray[Any]
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Renumber the codes of the customers left after rows were omitted."""
    present = np.bincount(codes, minlength=uniques.size) > 0
    renumber = np.cumsum(present) - 1
    return renumber[codes].astype(np.int64), uniques[present]


def _check_non_negative(func: str, name: str, values: FloatArray) -> None:
    negative = values < 0
    if negative.any():
        raise InputError(
            f"{func}: {format_count(int(negative.sum()))} of "
            f"{format_count(values.size)} {name} are negative "
            f"({format_examples(values[negative])})"
        )


def _period_ordinals(stamps: DateArray, pfreq: str) -> IntArray:
    """Integer period codes of naive datetime64 values (none missing).

    Consecutive periods have consecutive codes (pandas' Period ordinals).
    Each day's period is looked up in a table over the days spanned, which
    costs one pass over the data instead of a calendar computation per value.
    """
    days = stamps.astype("datetime64[D]").astype(np.int64)
    if pfreq == "D" or days.size == 0:
        return days
    low = int(days.min())
    span = int(days.max()) - low + 1
    if span > max(4 * days.size, 1 << 16):  # few dates far apart
        return np.asarray(
            pd.DatetimeIndex(stamps).to_period(pfreq).asi8, dtype=np.int64
        )
    calendar = np.arange(low, low + span).astype("datetime64[D]")
    table = pd.DatetimeIndex(calendar).to_period(pfreq).asi8
    return np.asarray(table, dtype=np.int64)[days - low]


def _period_range(first: int, count: int, pfreq: str) -> pd.PeriodIndex:
    """``count`` consecutive periods from the ordinal ``first``, named "period"."""
    start = pd.Period(ordinal=first, freq=pfreq)
    return pd.period_range(start=start, periods=count, freq=pfreq, name="period")


def _format_dates(stamps: DateArray) -> str:
    """A few dates as text: days when they fall at midnight, else minutes."""
    shown = stamps[:10]
    day = shown.astype("datetime64[D]")
    unit = "D" if bool((shown == day).all()) else "m"
    return format_examples(shown.astype(f"datetime64[{unit}]"))
