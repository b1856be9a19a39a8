"""From a transaction log to the histories the models take, and back to a check.

`rfm_summary` turns a log of purchases (customer, date, value) into one row
per customer: frequency, recency, T and the mean spend, in an explicit time
unit, with an optional calibration/holdout split; `holdout_check` compares
a model's predictions for the holdout with what happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from cxmetrics._retention_inputs import (
    one_dimensional,
    read_log,
)
from cxmetrics._timestamps import DAY_NS, to_timestamps, wall_clock
from cxmetrics._validation import (
    InputError,
    check_option,
    check_positive_int,
    format_count,
)

__all__ = ["holdout_check", "rfm_summary"]

#: Time units by name, in days.
UNITS = {"D": 1.0, "W": 7.0}
_NS_PER_DAY = 86_400 * 10**9


def _unit_days(func: str, unit: object) -> float:
    """The length of ``unit`` in days: "D", "W" or a positive time span."""
    if isinstance(unit, str) and unit in UNITS:
        return UNITS[unit]
    if isinstance(unit, (dt.timedelta, np.timedelta64, pd.Timedelta)):
        days = pd.Timedelta(unit).value / _NS_PER_DAY
        if days > 0:
            return float(days)
    raise InputError(
        f"{func}: unit={unit!r} is not a time unit; use 'D' (days), 'W' (weeks "
        "of 7 days) or a positive time span such as pd.Timedelta(days=28)"
    )


def _boundary(func: str, name: str, value: object, zone: Any) -> int | None:
    """A date argument as a day number (days since 1970-01-01), or None.

    Read by the timestamp rule; an aware one on the clock of ``zone`` (the
    dates' zone), else on its own.
    """
    if value is None:
        return None
    stamps = to_timestamps([value], func=func, name=name)
    if stamps.n_missing:
        raise InputError(f"{func}: {name}={value!r} is not a date")
    walls = wall_clock(stamps, zone if zone is not None else stamps.zone)
    return int(walls[0] // DAY_NS)


def _day_label(day: int) -> str:
    return str(np.datetime64(day, "D"))


def rfm_summary(
    customer_ids: Any,
    dates: Any,
    values: Any = None,
    *,
    unit: Any = "W",
    observation_end: Any = None,
    calibration_end: Any = None,
    nan_policy: str = "omit",
) -> pd.DataFrame:
    """Frequency, recency, age and mean spend of each customer, from a purchase log.

    Parameters
    ----------
    customer_ids : array_like
        The customer of each purchase.
    dates : array_like
        When each purchase happened (dates or timestamps; time-zone aware
        ones are read in their own zone). Purchases count by calendar day:
        several on one day are one purchase day.
    values : array_like, optional
        The value of each purchase; gives the column ``monetary_value``.
    unit : {'W', 'D'} or timedelta
        The time unit of recency, T and the holdout's duration: weeks of
        7 days (default), days, or any positive span, e.g.
        ``pd.Timedelta(days=28)``. There is no month unit: months differ in
        length.
    observation_end : date, optional
        The end of the observation (its day included); default the last
        date in the log. Purchases after it are left out.
    calibration_end : date, optional
        Splits the log into a calibration period (up to and including this
        day) and a holdout period (after it, to ``observation_end``).
        Frequency, recency, T and monetary value describe the calibration
        period, customers first seen after it are left out, and the
        columns ``frequency_holdout`` and ``duration_holdout`` are added.
    nan_policy : {'omit', 'raise'}
        Rows with a missing customer, date or value: left out (their count
        is in ``.attrs["n_missing"]``), or an error.

    Returns
    -------
    pandas.DataFrame
        One row per customer, indexed by customer (sorted when the ids
        sort), with the columns

        ``frequency`` : int64
            Distinct purchase days after the first one (repeat purchases).
        ``recency`` : float64
            From the first to the last purchase day, in ``unit``; 0
            without repeat purchases.
        ``T`` : float64
            From the first purchase day to the end (``observation_end``,
            or ``calibration_end``), in ``unit``.
        ``monetary_value`` : float64
            With ``values``: the mean of the per-day totals of the repeat
            purchase days (the first purchase left out, as the Gamma-Gamma
            model wants); 0 without repeat purchases.
        ``frequency_holdout`` : int64
            With ``calibration_end``: distinct purchase days in the holdout.
        ``duration_holdout`` : float64
            With ``calibration_end``: the holdout's length in ``unit``.

    Raises
    ------
    InputError
        Arrays of different lengths; dates that are not dates; values
        that are not numbers; an unknown unit; ``calibration_end`` not
        before ``observation_end``; no purchase in the period.

    Notes
    -----
    Time is counted in whole days, from calendar day to calendar day, then
    divided by the unit's length in days: a purchase at 23:59 and one at
    00:01 the next day are one day apart. A customer's first purchase day
    starts its clock, so ``recency`` and ``T`` are ages since acquisition
    (the convention of the BG/NBD and Pareto/NBD models).

    Examples
    --------
    >>> import cxmetrics as cx
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"], log["amount"],
    ...                      calibration_end="2025-09-30")
    >>> rfm[["frequency", "recency", "T", "monetary_value"]].round(2).head(3)
                 frequency  recency      T  monetary_value
    customer_id
    1                    1    32.71  38.86           38.91
    2                    0     0.00  38.86            0.00
    3                    1    23.00  38.86           22.76
    >>> rfm[["frequency_holdout", "duration_holdout"]].round(2).head(3)
                 frequency_holdout  duration_holdout
    customer_id
    1                            1             13.14
    2                            0             13.14
    3                            0             13.14
    """
    func = "rfm_summary"
    check_option(func, "nan_policy", nan_policy, ("omit", "raise"))
    unit_days = _unit_days(func, unit)
    codes, uniques = _customer_codes(func, customer_ids)
    stamps = to_timestamps(dates, func=func, name="dates")
    log = read_log(func, nan_policy, codes, [stamps], {"values": values})
    codes, (walls,), n_missing = log.codes, log.walls, log.n_missing
    amounts = log.amounts.get("values")
    zone = stamps.zone
    days = walls // DAY_NS
    end = _boundary(func, "observation_end", observation_end, zone)
    end = int(days.max()) if end is None else end
    split = _boundary(func, "calibration_end", calibration_end, zone)
    if split is not None and split >= end:
        raise InputError(
            f"{func}: calibration_end ({_day_label(split)}) must be before "
            f"observation_end ({_day_label(end)})"
        )
    cut = end if split is None else split
    frame = _summarize(codes, days, amounts, cut=cut, end=end, unit_days=unit_days)
    if frame.empty:
        raise InputError(
            f"{func}: no purchase on or before {_day_label(cut)}; the log has "
            f"{format_count(days.size)} purchases from {_day_label(int(days.min()))}"
        )
    index = pd.Index(uniques[frame.index.to_numpy()], name=_index_name(customer_ids))
    frame.index = index
    if split is None:
        frame = frame.drop(columns=["frequency_holdout", "duration_holdout"])
    if amounts is None:
        frame = frame.drop(columns=["monetary_value"])
    frame.attrs["n_missing"] = n_missing
    return frame


def _index_name(customer_ids: Any) -> str:
    name = getattr(customer_ids, "name", None)
    return name if isinstance(name, str) else "customer_id"


def _customer_codes(func: str, customer_ids: Any) -> tuple[Any, Any]:
    """Codes 0..k-1 per purchase (-1 where missing), customers sorted when they sort."""
    array = one_dimensional(func, "customer_ids", customer_ids, "customers")
    try:
        codes, uniques = pd.factorize(array, sort=True)
    except TypeError:  # ids of types that do not sort together
        codes, uniques = pd.factorize(array)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _summarize(
    codes: Any,
    days: Any,
    amounts: Any,
    *,
    cut: int,
    end: int,
    unit_days: float,
) -> pd.DataFrame:
    """The per-customer table from validated purchases (pure computation).

    Index: the customer codes with a purchase on or before ``cut``.
    """
    inside = days <= end
    codes, days = codes[inside], days[inside]
    amounts = None if amounts is None else amounts[inside]
    size = int(codes.max()) + 1 if codes.size else 0
    first = np.full(size, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    # One row per distinct purchase day of each customer, with its total.
    low = int(days.min()) if days.size else 0
    span = (int(days.max()) - low + 1) if days.size else 1
    key = codes * span + (days - low)
    pairs, inverse = np.unique(key, return_inverse=True)
    pair_customer = pairs // span
    pair_day = pairs % span + low
    totals = (
        None
        if amounts is None
        else np.bincount(inverse.ravel(), weights=amounts, minlength=pairs.size)
    )
    calibration = pair_day <= cut
    repeat = calibration & (pair_day > first[pair_customer])
    frequency = np.bincount(pair_customer[repeat], minlength=size)
    last = first.copy()
    np.maximum.at(last, pair_customer[calibration], pair_day[calibration])
    holdout = np.bincount(pair_customer[~calibration], minlength=size)
    spend = np.zeros(size)
    if totals is not None:
        sums = np.bincount(
            pair_customer[repeat], weights=totals[repeat], minlength=size
        )
        np.divide(sums, frequency, out=spend, where=frequency > 0)
    seen = first <= cut
    keep = np.flatnonzero(seen)
    frame: pd.DataFrame = pd.DataFrame(
        {
            "frequency": frequency[keep].astype(np.int64),
            "recency": (last[keep] - first[keep]) / unit_days,
            "T": (cut - first[keep]) / unit_days,
            "monetary_value": spend[keep],
            "frequency_holdout": holdout[keep].astype(np.int64),
            "duration_holdout": np.full(keep.size, (end - cut) / unit_days),
        },
        index=keep,
    )
    return frame


_HOLDOUT_COLUMNS = (
    "frequency",
    "recency",
    "T",
    "frequency_holdout",
    "duration_holdout",
)


def holdout_check(model: Any, summary: pd.DataFrame, *, max_frequency: int = 7) -> Any:
    """Predicted against actual holdout purchases, by calibration frequency.

    Parameters
    ----------
    model : BGNBDModel or ParetoNBDModel
        A purchase model fitted on the calibration period.
    summary : pandas.DataFrame
        Made by `rfm_summary` with ``calibration_end``: the columns
        ``frequency``, ``recency``, ``T``, ``frequency_holdout`` and
        ``duration_holdout``.
    max_frequency : int
        Calibration frequencies from this one up share the last row.

    Returns
    -------
    pandas.DataFrame
        One row per calibration frequency (index ``frequency``: ``'0'``,
        ``'1'``, ... and ``'7+'``), with the columns ``customers``,
        ``actual`` (mean purchases in the holdout) and ``predicted`` (mean
        of the model's conditional expectation for the holdout's length).

    Raises
    ------
    InputError
        ``model`` not a purchase model; ``summary`` without the holdout
        columns; ``max_frequency`` not a whole number >= 1.

    Notes
    -----
    This is the standard test of a buy-till-you-die model (Fader, Hardie
    and Lee 2005, figure 4): the model has not seen the holdout, so close
    rows mean it forecasts well, and a pattern in the gaps (too high for
    the frequent buyers, too low for the zeros) shows where it does not.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> log = cx.datasets.load_transactions()
    >>> rfm = cx.rfm_summary(log["customer_id"], log["date"],
    ...                      calibration_end="2025-09-30")
    >>> model = cx.fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
    >>> cx.holdout_check(model, rfm, max_frequency=3).round(3)
               customers  actual  predicted
    frequency
    0               1685   0.085      0.093
    1                619   0.174      0.202
    2                286   0.434      0.390
    3+               410   1.234      1.188
    """
    from cxmetrics.value.bgnbd import BGNBDModel
    from cxmetrics.value.pareto_nbd import ParetoNBDModel

    func = "holdout_check"
    if not isinstance(model, (BGNBDModel, ParetoNBDModel)):
        raise InputError(
            f"{func}: model must be a BGNBDModel or ParetoNBDModel; got "
            f"{type(model).__name__}"
        )
    if not isinstance(summary, pd.DataFrame):
        raise InputError(
            f"{func}: summary must be a DataFrame made by rfm_summary; got "
            f"{type(summary).__name__}"
        )
    missing = [c for c in _HOLDOUT_COLUMNS if c not in summary.columns]
    if missing:
        raise InputError(
            f"{func}: summary lacks the column(s) {', '.join(map(repr, missing))}; "
            "make it with rfm_summary(..., calibration_end=...)"
        )
    top = check_positive_int(func, "max_frequency", max_frequency)
    predicted = model.expected_purchases(
        summary["duration_holdout"].to_numpy(dtype=np.float64),
        summary["frequency"].to_numpy(dtype=np.float64),
        summary["recency"].to_numpy(dtype=np.float64),
        summary["T"].to_numpy(dtype=np.float64),
    )
    bucket = np.minimum(summary["frequency"].to_numpy(dtype=np.int64), top)
    customers = np.bincount(bucket, minlength=top + 1)
    actual = np.bincount(
        bucket,
        weights=summary["frequency_holdout"].to_numpy(dtype=np.float64),
        minlength=top + 1,
    )
    expected = np.bincount(bucket, weights=predicted, minlength=top + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame(
            {
                "customers": customers.astype(np.int64),
                "actual": actual / customers,
                "predicted": expected / customers,
            },
            index=pd.Index(
                [str(k) for k in range(top)] + [f"{top}+"], name="frequency"
            ),
        )
    return table
