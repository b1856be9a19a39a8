"""Input handling shared by the retention modules: numbers, dates, periods, customers.

Every table-shaped retention metric (flows, cohorts, MRR movements) maps each
date to an integer period ordinal once; the helpers here read the dates,
check the frequency, code the customers and apply the missing-value policy.
"""

from __future__ import annotations

import warnings
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._validation import (
    InputError,
    as_array,
    check_array_like,
    format_count,
    format_examples,
    one_dimensional_array,
    to_float_array,
)
from cxmetrics.results import RateResult

__all__ = [
    "FREQ_ALIASES",
    "TABLE_NAN_POLICIES",
    "apply_nan_policy",
    "check_aligned",
    "check_freq",
    "check_non_negative",
    "check_within",
    "compact_codes",
    "customer_codes",
    "format_dates",
    "period_ordinals",
    "period_range",
    "same_zone",
    "to_datetimes",
    "to_numbers",
    "wall_clock",
    "weighted_bincount",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
DateArray: TypeAlias = npt.NDArray[np.datetime64]

#: Missing-value policies of the table-shaped functions ("propagate" would
#: turn a whole table into NaN, which no analysis wants).
TABLE_NAN_POLICIES = ("omit", "raise")

#: Frequencies as users type them (period or date_range aliases) mapped to
#: the period frequency pandas 2.x and 3.x both accept.
FREQ_ALIASES = {
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


def to_numbers(func: str, name: str, value: object) -> tuple[FloatArray, bool]:
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
    return array.astype(np.float64), array.ndim == 0


def check_within(
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


def check_freq(func: str, freq: object, *, given: str | None = None) -> str:
    """The pandas period frequency for ``freq``, or an InputError.

    ``given`` describes where the frequency came from, for the message.
    """
    if isinstance(freq, str):
        if freq in FREQ_ALIASES:
            return FREQ_ALIASES[freq]
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


def to_datetimes(values: Any, *, func: str, name: str) -> pd.DatetimeIndex:
    """Dates or timestamps as a DatetimeIndex (naive or aware), NaT for missing.

    Accepts numpy datetime64, pandas datetime (naive or aware), Periods
    (their start), ISO 8601 strings, and ``datetime``/``date`` objects.
    Numbers are refused rather than read as epoch offsets.
    """
    array = one_dimensional(func, name, values, "dates")
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


def one_dimensional(func: str, name: str, values: Any, what: str) -> Any:
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


def same_zone(
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
    return wall_clock(a), wall_clock(b)


def wall_clock(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return stamps if stamps.tz is None else stamps.tz_localize(None)


def check_aligned(func: str, first: tuple[str, int], *others: tuple[str, int]) -> None:
    """Every array has as many values as the first."""
    name, size = first
    for other, other_size in others:
        if other_size != size:
            raise InputError(
                f"{func}: {other} has {format_count(other_size)} values but there "
                f"are {format_count(size)} {name}; they must align one to one"
            )


def apply_nan_policy(func: str, nan_policy: str, *masks: tuple[str, BoolArray]) -> int:
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


def customer_codes(
    func: str, name: str, customer_ids: Any
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Integer codes 0..k-1 per customer (-1 where missing) and the customers."""
    array = one_dimensional(func, name, customer_ids, "customers")
    codes, uniques = pd.factorize(array)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def compact_codes(
    codes: IntArray, uniques: npt.NDArray[Any]
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Renumber the codes of the customers left after rows were omitted."""
    present = np.bincount(codes, minlength=uniques.size) > 0
    renumber = np.cumsum(present) - 1
    return renumber[codes].astype(np.int64), uniques[present]


def check_non_negative(func: str, name: str, values: FloatArray) -> None:
    negative = values < 0
    if negative.any():
        raise InputError(
            f"{func}: {format_count(int(negative.sum()))} of "
            f"{format_count(values.size)} {name} are negative "
            f"({format_examples(values[negative])})"
        )


def period_ordinals(stamps: DateArray, pfreq: str) -> IntArray:
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


def period_range(first: int, count: int, pfreq: str) -> pd.PeriodIndex:
    """``count`` consecutive periods from the ordinal ``first``, named "period"."""
    start = pd.Period(ordinal=first, freq=pfreq)
    return pd.period_range(start=start, periods=count, freq=pfreq, name="period")


def format_dates(stamps: DateArray) -> str:
    """A few dates as text: days when they fall at midnight, else minutes."""
    shown = stamps[:10]
    day = shown.astype("datetime64[D]")
    unit = "D" if bool((shown == day).all()) else "m"
    return format_examples(shown.astype(f"datetime64[{unit}]"))


def weighted_bincount(codes: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Sums of ``weights`` per code 0..size-1."""
    return np.asarray(
        np.bincount(codes, weights=weights, minlength=size), dtype=np.float64
    )
