"""Periods: the one set of ``freq=`` aliases, and period codes of timestamps.

Every function with ``freq=`` (`customer_flows`, `cohort_retention`,
`mrr_movements`, `over_time`, the command line's ``--freq``) checks it with
`check_freq`, which accepts pandas' period aliases and the offset aliases
people type for the same spans, and returns the period frequency that pandas
2 and 3 both take:

=========================================  =====================================
accepted                                   period
=========================================  =====================================
``D``                                      day
``W``, ``W-SUN``; ``W-MON`` ... ``W-SAT``  week ending on that day (``W``: Sunday)
``M``, ``ME``, ``MS``                      calendar month
``Q``, ``QE``, ``QS``                      calendar quarter
``Q-JAN`` ... ``Q-DEC`` (also ``QE-``)     quarter ending in that month
``QS-JAN`` ... ``QS-DEC``                  quarter starting in that month
``Y``, ``YE``, ``YS``, ``A``               calendar year
``Y-JAN`` ... ``Y-DEC`` (also ``YE-``,     year ending in that month
``A-``)
``YS-JAN`` ... ``YS-DEC``                  year starting in that month
=========================================  =====================================

A period is a span of time, so the start and end spellings of a date offset
(``MS`` and ``ME``) name the same period; ``QS-FEB`` (quarters starting in
February) is the period ``Q-JAN`` (quarters ending in January).

Timestamps become integer period ordinals (pandas' ``Period.ordinal``:
consecutive periods have consecutive codes) from their wall-clock readings,
with a table over the days spanned, so that a million dates cost one pass.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._timestamps import DAY_NS
from cxmetrics._validation import InputError, format_examples

__all__ = [
    "FREQUENCIES",
    "check_freq",
    "format_dates",
    "period_ordinals",
    "period_range",
]

IntArray: TypeAlias = npt.NDArray[np.int64]

_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# fmt: off
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN",
           "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# fmt: on
#: Plain aliases and the period each names.
_PLAIN = {
    "D": "D",
    "W": "W",
    "M": "M",
    "ME": "M",
    "MS": "M",
    "Q": "Q",
    "QE": "Q",
    "QS": "Q",
    "Y": "Y",
    "YE": "Y",
    "YS": "Y",
    "A": "Y",
}
#: Anchored heads: the period and how many months the anchor moves back
#: (an anchor that names the first month names the period ending the month
#: before).
_ANCHORED = {
    "Q": ("Q", 0),
    "QE": ("Q", 0),
    "QS": ("Q", 1),
    "Y": ("Y", 0),
    "YE": ("Y", 0),
    "A": ("Y", 0),
    "YS": ("Y", 1),
}


def _normalize(freq: str) -> str | None:
    """The period frequency for an alias, None if it is not one."""
    if freq in _PLAIN:
        return _PLAIN[freq]
    head, dash, anchor = freq.partition("-")
    if not dash:
        return None
    if head == "W" and anchor in _WEEKDAYS:
        return "W" if anchor == "SUN" else freq
    if head in _ANCHORED and anchor in _MONTHS:
        period, back = _ANCHORED[head]
        month = _MONTHS[(_MONTHS.index(anchor) - back) % 12]
        return period if month == "DEC" else f"{period}-{month}"
    return None


#: Every accepted alias, in the order the messages list them.
FREQUENCIES: tuple[str, ...] = (
    "D",
    "W",
    *(f"W-{day}" for day in _WEEKDAYS),
    "M",
    "ME",
    "MS",
    "Q",
    "QE",
    "QS",
    *(f"{head}-{month}" for head in ("Q", "QE", "QS") for month in _MONTHS),
    "Y",
    "YE",
    "YS",
    "A",
    *(f"{head}-{month}" for head in ("Y", "YE", "YS", "A") for month in _MONTHS),
)


def check_freq(func: str, freq: object, *, given: str | None = None) -> str:
    """The pandas period frequency for ``freq``, or an InputError listing the aliases.

    ``given`` describes where the frequency came from, for the message.
    """
    if isinstance(freq, str):
        period = _normalize(freq)
        if period is not None:
            return period
    raise InputError(
        f"{func}: {given or f'freq={freq!r}'} is not a period frequency; use 'D' "
        "(days), 'W' or 'W-MON' ... 'W-SUN' (weeks ending on that day), 'M', 'ME' "
        "or 'MS' (months), 'Q', 'QE' or 'QS' (quarters; 'Q-JAN' ... 'Q-DEC' end in "
        "that month, 'QS-JAN' ... 'QS-DEC' start in it), or 'Y', 'YE', 'YS' or "
        "'A' (years, anchored the same way)"
    )


def period_ordinals(walls: IntArray, pfreq: str) -> IntArray:
    """Period ordinals of wall-clock readings (ns since 1970-01-01 on the wall).

    ``pfreq`` is a frequency from `check_freq`; ``walls`` has no missing
    value. Each day's period is looked up in a table over the days spanned,
    which costs one pass over the data instead of a calendar computation per
    value; a few dates far apart are converted directly.
    """
    days = walls // DAY_NS
    if pfreq == "D" or days.size == 0:
        return days
    low = int(days.min())
    span = int(days.max()) - low + 1
    if span > max(4 * days.size, 1 << 16):
        table_days = np.unique(days)
        codes = _day_periods(table_days, pfreq)
        return codes[np.searchsorted(table_days, days)]
    return _day_periods(np.arange(low, low + span, dtype=np.int64), pfreq)[days - low]


def _day_periods(days: IntArray, pfreq: str) -> IntArray:
    """Period ordinals of days (days since 1970-01-01)."""
    index = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[s]"))
    return np.asarray(index.to_period(pfreq).asi8, dtype=np.int64)


def period_range(first: int, count: int, pfreq: str, name: str) -> pd.PeriodIndex:
    """``count`` consecutive periods from the ordinal ``first``."""
    start = pd.Period(ordinal=first, freq=pfreq)
    return pd.period_range(start=start, periods=count, freq=pfreq, name=name)


def format_dates(walls: IntArray) -> str:
    """A few wall-clock readings as text: days when at midnight, else minutes."""
    shown = walls[:10].view("datetime64[ns]")
    day = shown.astype("datetime64[D]")
    unit = "D" if bool((shown == day).all()) else "m"
    return format_examples(shown.astype(f"datetime64[{unit}]"))
