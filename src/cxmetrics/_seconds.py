"""Duration arguments to seconds: the one duration rule of cxmetrics.

Every duration argument of the library (waits, thresholds, targets, handle
times, talk, hold and wrap, short abandons, staffing intervals, patience)
takes numbers of seconds, or time spans: `datetime.timedelta`,
`pandas.Timedelta` and `numpy.timedelta64`, one value or an array-like of
them (a timedelta64 array, a pandas Series or Index of Timedelta, a list).
This module turns each form into float seconds. It checks the form only;
the caller checks the values (negative, zero, missing) against its own
rule.

Dates where a duration belongs (a frequent slip: timestamps instead of the
waits between them) raise `InputError`, and so do time spans mixed with
plain numbers in one argument.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._validation import (
    FloatArray,
    InputError,
    format_count,
    format_examples,
    is_real,
    real_float,
    to_float_array,
)

__all__ = [
    "Duration",
    "Durations",
    "dates_error",
    "duration_values",
    "seconds",
    "seconds_or_scalar",
    "seconds_scalar",
    "time_spans",
]

#: One duration: a number of seconds or a time span.
Duration: TypeAlias = "float | dt.timedelta | np.timedelta64"
#: Durations: numbers of seconds or time spans (timedelta64, pandas Timedelta
#: Series, lists of `datetime.timedelta`).
Durations: TypeAlias = "npt.ArrayLike | pd.Series[Any] | pd.Index[Any]"

_ONE_SECOND = np.timedelta64(1, "s")
#: One value of a date or time type, where a duration belongs.
_DATE_TYPES = (dt.date, np.datetime64)  # dt.datetime and pd.Timestamp are dates


def dates_error(func: str, noun: str, examples: Any) -> InputError:
    """The error for dates or times given where durations belong."""
    return InputError(
        f"{func}: {noun} must be numbers of seconds or time spans; got dates or "
        f"times such as {format_examples(examples)} (subtract the start times first)"
    )


def _span_seconds(value: dt.timedelta | np.timedelta64) -> float:
    """One time span as float seconds; NaT gives NaN."""
    if isinstance(value, dt.timedelta):  # pandas Timedelta is one too
        return float(value.total_seconds())
    return float(value / _ONE_SECOND)


def time_spans(values: object, *, func: str, noun: str) -> FloatArray | None:
    """Seconds when ``values`` hold time spans; None when they hold something else.

    Dates (a common slip: timestamps instead of waits) raise `InputError`;
    everything else is left to `to_float_array`.
    """
    if isinstance(values, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        dtype = values.dtype
        if pd.api.types.is_timedelta64_dtype(dtype):
            spans = pd.Series(values, copy=False).to_numpy(dtype="timedelta64[ns]")
            return np.asarray(spans / _ONE_SECOND, dtype=np.float64)
        if pd.api.types.is_datetime64_any_dtype(dtype):
            raise dates_error(func, noun, list(values[:3]))
        if not pd.api.types.is_object_dtype(dtype):
            return None
        array = np.asarray(values, dtype=object)
    elif isinstance(values, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(values)
        except (ValueError, TypeError):
            return None  # ragged: to_float_array names the problem
        if array.dtype.kind == "m":
            return np.asarray(array / _ONE_SECOND, dtype=np.float64)
        if array.dtype.kind == "M":
            raise dates_error(func, noun, array[:3].tolist())
        if array.dtype.kind != "O":
            return None
    else:
        return None
    if array.ndim != 1:
        return None
    present = array[~np.asarray(pd.isna(array), dtype=bool)]
    if not present.size:
        return None
    kind = pd.api.types.infer_dtype(present, skipna=False)
    if kind in ("timedelta", "timedelta64"):
        spans = pd.to_timedelta(array).to_numpy(dtype="timedelta64[ns]")
        return np.asarray(spans / _ONE_SECOND, dtype=np.float64)
    if kind in ("datetime", "datetime64", "date"):
        raise dates_error(func, noun, present[:3].tolist())
    if kind.startswith("mixed"):
        is_span = np.fromiter(
            (isinstance(v, (dt.timedelta, np.timedelta64)) for v in present),
            dtype=bool,
            count=present.size,
        )
        if is_span.any() and not is_span.all():
            raise InputError(
                f"{func}: {noun} mix time spans and numbers; give all of them as "
                "time spans or all as numbers of seconds"
            )
    return None


def seconds(values: object, *, func: str, noun: str) -> FloatArray:
    """Durations as float seconds, NaN where missing; negative or infinite raise.

    Clean data cost two reductions; the masks that name bad values are built
    only when one of them fails (NaN fails both).
    """
    spans = time_spans(values, func=func, noun=noun)
    if spans is None:
        spans = to_float_array(values, func=func, name=noun, allow_bool=False)
    if not spans.size or (spans.min() >= 0 and spans.max() < math.inf):
        return spans
    infinite = np.isinf(spans)
    if infinite.any():
        raise InputError(
            f"{func}: {format_count(int(infinite.sum()))} of "
            f"{format_count(spans.size)} {noun} are infinite "
            f"({format_examples(spans[infinite])})"
        )
    negative = spans < 0
    if negative.any():
        raise InputError(
            f"{func}: {format_count(int(negative.sum()))} of "
            f"{format_count(spans.size)} {noun} are negative "
            f"({format_examples(spans[negative])})"
        )
    return spans


def _scalar_seconds(value: object, *, func: str, name: str) -> float | None:
    """One number or time span as float seconds (NaN for NaT); None otherwise.

    Dates raise `InputError`.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (dt.timedelta, np.timedelta64)):
        return _span_seconds(value)
    if isinstance(value, _DATE_TYPES):
        raise dates_error(func, name, [value])
    if is_real(value):
        return real_float(func, name, value)
    return None


def seconds_scalar(value: object, *, func: str, name: str) -> float:
    """One duration (a number of seconds or a time span) as float seconds >= 0."""
    seconds_ = _scalar_seconds(value, func=func, name=name)
    if seconds_ is None:
        raise InputError(
            f"{func}: {name} must be a number of seconds or a time span; got {value!r}"
        )
    if not math.isfinite(seconds_):
        raise InputError(f"{func}: {name} must be a finite duration; got {value!r}")
    if seconds_ < 0:
        raise InputError(f"{func}: {name} must not be negative; got {value!r}")
    return seconds_


def seconds_or_scalar(values: object, *, func: str, name: str, noun: str) -> FloatArray:
    """One duration for every row (a 0-d array), or durations (a 1-d array).

    ``None``, booleans and dates reach `seconds_scalar`, which refuses them.
    """
    if values is None or isinstance(
        values,
        (int, float, np.number, np.bool_, dt.timedelta, np.timedelta64, *_DATE_TYPES),
    ):
        return np.asarray(seconds_scalar(values, func=func, name=name))
    return seconds(values, func=func, noun=noun)


def duration_values(value: object, *, func: str, name: str) -> float | FloatArray:
    """A duration argument as seconds: a float for one value, else a float array.

    One number or time span gives a float (NaN for NaT); an array-like of
    numbers or of time spans gives a float64 array (NaN where missing).
    Booleans, text and dates raise `InputError`; the values themselves
    (negative, infinite, missing) are left for the caller to judge, with its
    own rule.
    """
    scalar = _scalar_seconds(value, func=func, name=name)
    if scalar is not None:
        return scalar
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{func}: {name} must be a number; got {value!r}")
    spans = time_spans(value, func=func, noun=name)
    if spans is not None:
        return spans
    return to_float_array(value, func=func, name=name, allow_bool=False)
