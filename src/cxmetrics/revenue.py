"""Revenue retention: NRR and GRR between two snapshots, and MRR movements.

`mrr_movements` maps every row to a (customer, period) cell once and sums
MRR per cell with ``bincount``: no loop over customers or periods.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._periods import check_freq, period_ordinals, period_range
from cxmetrics._retention_inputs import (
    TABLE_NAN_POLICIES,
    check_aligned,
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
    to_float_array,
)
from cxmetrics.results import RevenueRetentionResult

__all__ = ["mrr_movements", "revenue_retention"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

#: Cells of the largest (customers x periods) grid of float64 MRR sums held
#: in memory (64 MB); larger grids, unless a few cells per row, sort the
#: (customer, period) pairs instead.
_DENSE_LIMIT = 1 << 23


def revenue_retention(mrr_start: Any, mrr_end: Any) -> RevenueRetentionResult:
    r"""Net and gross revenue retention between two MRR snapshots.

    Parameters
    ----------
    mrr_start, mrr_end : pandas.Series, mapping or array_like
        Monthly recurring revenue of each customer at the two dates. Series
        (or mappings) indexed by customer are aligned on the union of their
        customers; a customer absent from one side has 0 there. Plain
        arrays must have equal lengths and are aligned by position.
        A missing value (NaN, None) is no revenue at that date, like an
        absent customer: it counts as 0 and is counted in ``n_missing``.

    Returns
    -------
    RevenueRetentionResult
        ``starting``, ``ending``, ``new``, ``expansion``, ``contraction``,
        ``churned``, ``nrr``, ``grr``, ``quick_ratio`` (see Notes), and
        ``n_missing``, the customers with a missing MRR at either date.

    Raises
    ------
    InputError
        Negative, infinite or non-numeric MRR; a customer twice in one Series;
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
    start, end, n_missing = _revenue_iv(func, mrr_start, mrr_end)
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
        n_missing=n_missing,
    )


def _quick_ratio(gained: float, lost: float) -> float:
    if lost > 0:
        return gained / lost
    return float("inf") if gained > 0 else float("nan")


def _revenue_iv(
    func: str, mrr_start: Any, mrr_end: Any
) -> tuple[FloatArray, FloatArray, int]:
    """Input validation for `revenue_retention`: two aligned MRR arrays, NaN as 0.

    Also returns how many customers have a missing MRR at either date.
    """
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
        check_aligned(func, ("mrr_start", start.size), ("mrr_end", end.size))
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    check_amounts(func, "mrr_start", start)
    check_amounts(func, "mrr_end", end)
    gaps = np.isnan(start), np.isnan(end)
    n_missing = int(np.count_nonzero(gaps[0] | gaps[1]))
    if n_missing:
        start, end = np.where(gaps[0], 0.0, start), np.where(gaps[1], 0.0, end)
    return start, end, n_missing


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
        Period length, with the aliases of `customer_flows` (``'D'``,
        ``'W'``, ``'M'``, ``'Q'``, ``'Y'``, ...). By default the frequency of
        Period input, else ``'M'``.
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
    frame.index = period_range(base, size, pfreq, "period")
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
    check_option(func, "nan_policy", nan_policy, TABLE_NAN_POLICIES)
    pfreq = None if freq is None else check_freq(func, freq)
    codes, uniques = customer_codes(func, "customer_ids", customer_ids)
    own_freq = _period_freq(func, periods)
    if own_freq is not None and pfreq is not None and own_freq != pfreq:
        raise InputError(
            f"{func}: periods are Periods of frequency {own_freq!r} but "
            f"freq={freq!r}; leave freq out or convert the periods with asfreq"
        )
    pfreq = pfreq or own_freq or "M"
    dates = to_timestamps(periods, func=func, name="periods")
    log = read_log(func, nan_policy, codes, [dates], {"mrr": mrr})
    codes, (walls,), n_missing = log.codes, log.walls, log.n_missing
    amounts = log.amounts["mrr"]
    if n_missing:
        codes, uniques = compact_codes(codes, uniques)
    check_amounts(func, "mrr", amounts)
    return codes, period_ordinals(walls, pfreq), amounts, n_missing, pfreq


def _period_freq(func: str, values: Any) -> str | None:
    """The frequency of Period input in our spelling; None for other input."""
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, pd.PeriodDtype):
        return None
    name = str(dtype.freq.freqstr)
    return check_freq(func, name, given=f"the Periods' frequency {name!r}")


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
        return weighted_bincount(at, weights, size)

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
        sums = weighted_bincount(keys, mrr, n_cells)
        positive = np.flatnonzero(sums > 0).astype(np.int64)
        return positive, sums[positive]
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = weighted_bincount(inverse.ravel(), mrr, unique.size)
    keep = sums > 0
    return unique[keep].astype(np.int64), sums[keep]
