"""Cohort retention tables: who is still active k periods after joining.

Every date is mapped to an integer period ordinal once; the table is counted
with ``bincount`` on (cohort, offset) cells: no loop over customers or periods.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._periods import check_freq, format_dates, period_ordinals, period_range
from cxmetrics._retention_inputs import (
    TABLE_NAN_POLICIES,
    check_amounts,
    compact_codes,
    customer_codes,
    read_log,
    weighted_bincount,
)
from cxmetrics._timestamps import to_timestamps
from cxmetrics._validation import (
    InputError,
    check_option,
    format_count,
    format_examples,
)
from cxmetrics.results import CohortTable

__all__ = ["MAX_TABLE_CELLS", "cohort_retention"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

#: Cells of the largest (customers x periods) boolean bitmap of the distinct
#: (customer, period) pairs of activity held in memory (64 MB); larger grids,
#: unless a few cells per row, hash the pairs instead.
_BITMAP_LIMIT = 1 << 26
#: The most cells (cohorts x offsets) a cohort table may hold: 80 MB for
#: each of its two float tables. Daily cohorts over seven years fit.
MAX_TABLE_CELLS = 10_000_000


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
    freq : str
        Period length (default ``'M'``), with the aliases of
        `customer_flows`.
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
        negative or infinite values; customer ids that are not hashable; a
        table of more than 10 million cells (cohorts times offsets, see
        Notes); a customer with two cohort dates; activity before
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

    A table holds at most 10 million cells (``MAX_TABLE_CELLS``), cohorts
    times offsets: daily cohorts over seven years fit, while one mistyped
    date centuries away is refused with a message that names the periods,
    before any memory is taken.

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
    pfreq = check_freq(func, freq)
    check_option(func, "kind", kind, ("classic", "rolling"))
    check_option(func, "nan_policy", nan_policy, TABLE_NAN_POLICIES)
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
    _check_table_size(func, data, pfreq)
    return _cohort_table(data, kind=kind, pfreq=pfreq)


def _check_table_size(func: str, data: _Activity, pfreq: str) -> None:
    """Refuse a table of more than `MAX_TABLE_CELLS` cells (cohorts x offsets)."""
    first, last = int(data.cohort.min()), int(data.period.max())
    cohorts, offsets = int(np.unique(data.cohort).size), last - first + 1
    if cohorts * offsets > MAX_TABLE_CELLS:
        start, end = (pd.Period(ordinal=o, freq=pfreq) for o in (first, last))
        raise InputError(
            f"{func}: {format_count(cohorts)} cohorts by {format_count(offsets)} "
            f"offsets (periods {start} to {end}) would make a table of "
            f"{format_count(cohorts * offsets)} cells, more than the "
            f"{format_count(MAX_TABLE_CELLS)} it may hold; look for a mistyped "
            "date, or use a longer freq"
        )


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
    codes, uniques = customer_codes(func, "customer_ids", customer_ids)
    dates = to_timestamps(activity_dates, func=func, name="activity_dates")
    stamps = [dates]
    if cohort_dates is not None:
        stamps.append(to_timestamps(cohort_dates, func=func, name="cohort_dates"))
    log = read_log(func, nan_policy, codes, stamps, {"values": values})
    codes, walls, amounts = log.codes, log.walls, log.amounts.get("values")
    if log.n_missing:
        codes, uniques = compact_codes(codes, uniques)
    if amounts is not None:
        check_amounts(func, "values", amounts)
    period = period_ordinals(walls[0], pfreq)
    if len(walls) == 1:
        cohort = _per_customer(np.minimum, codes, period, uniques.size)
    else:
        cohort = _given_cohorts(func, codes, uniques, period_ordinals(walls[1], pfreq))
        early = period < cohort[codes]
        if early.any():
            raise InputError(
                f"{func}: {format_count(int(early.sum()))} of "
                f"{format_count(early.size)} activity_dates fall in a period "
                f"before their customer's cohort ({format_dates(walls[0][early])})"
            )
    return _Activity(
        customer=codes,
        period=period,
        cohort=cohort,
        amounts=amounts,
        n_missing=log.n_missing,
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
        grid = weighted_bincount(cells, data.amounts, n_cells)
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
    table[np.arange(size)[None, :] > (size - 1 - present)[:, None]] = np.nan
    sizes = table[:, 0].copy() if data.amounts is not None else customers[present]
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = table / np.asarray(sizes, dtype=np.float64)[:, None]
    index = period_range(base, size, pfreq, "cohort")[present]
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
