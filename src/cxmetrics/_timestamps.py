"""The one door for timestamps: every function that takes dates reads them here.

The rule, in every function (the "Data you bring" page says it for users):

- Accepted: numpy datetime64, pandas datetimes (naive or time-zone aware),
  pandas Periods (their start), Python ``datetime`` and ``date`` objects,
  pandas Timestamps, and ISO 8601 strings.
- Values that carry a UTC offset (an aware datetime, a string with ``Z`` or
  ``+01:00``) are instants, kept as UTC; offsets may differ from value to
  value (``+01:00`` and ``+02:00`` across a clock change). Naive values stay
  naive: wall-clock readings, never shifted.
- Naive and aware values in one argument raise `InputError`, and so do a
  naive argument and an aware one in one call.
- Missing: None, NaN, NaT, ``pd.NA``, empty strings and the texts ``NaT``,
  ``NaN``, ``None``, ``null`` (any case); an array of nothing but NaN is all
  missing. What a function does with them is its ``nan_policy``.
- A value that cannot be read raises `InputError` naming it. ISO week dates
  (``2025-W02-1``) are refused by name.
- The supported range is pandas' nanosecond range less a few days at each
  end, so that any time-zone conversion stays inside it: `EARLIEST` to
  `LATEST`.
- Periods of aware values are taken on the wall clock of their own zone:
  the zone an argument's values share (a tz-aware Series' zone, the fixed
  offset that every string carries), or UTC when they have more than one.
  Each argument is read on its own clock; instants are compared in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._validation import (
    InputError,
    as_array,
    check_one_dimensional,
    format_count,
    format_examples,
)

__all__ = [
    "DAY_NS",
    "EARLIEST",
    "LATEST",
    "Timestamps",
    "check_same_awareness",
    "format_timestamp",
    "none_missing",
    "to_index",
    "to_timestamps",
    "wall_clock",
    "zone_of_parts",
]

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

DAY_NS = 86_400 * 1_000_000_000
#: The first and the last day of the supported range: pandas' nanosecond
#: range (1677-09-21 00:12 to 2262-04-11 23:47) less five days at each end,
#: so that readings in any time zone, and the days around them that a
#: business clock looks at, stay inside it.
EARLIEST = dt.date(1677, 9, 26)
LATEST = dt.date(2262, 4, 6)
_EPOCH = dt.date(1970, 1, 1)
_LOW_NS = (EARLIEST - _EPOCH).days * DAY_NS
_HIGH_NS = ((LATEST - _EPOCH).days + 1) * DAY_NS  # exclusive

_NAT = np.iinfo(np.int64).min
_MISSING_TEXTS = frozenset({"", "nat", "nan", "none", "null"})
_SCALAR_TYPES = (str, bytes, dt.date, np.generic, int, float)
_MAX_EXAMPLES = 3
#: The longest UTC offset an ISO 8601 string can carry: ``+HH:MM:SS``.
_OFFSET_WIDTH = 9
_WEEK_DATE = re.compile(r"^(\d{4})-?W(\d{2})(?:-?([1-7]))?(?![\d])")
_CALENDAR_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")


@attrs.frozen(eq=False)
class Timestamps:
    """Timestamps as epoch nanoseconds, with a missing mask.

    ``ns`` holds UTC instants when ``aware`` is True and wall-clock times
    (nanoseconds since 1970-01-01 00:00 on the wall) when False; it is 0
    where ``missing`` and may be a read-only view of the caller's data.
    ``n_missing`` counts them (when it is 0, ``missing`` may be a read-only
    view that takes no memory). ``aware`` is None when every value is
    missing. ``zone`` is the zone whose wall clock the aware values' periods
    are taken on (None when naive); ``name`` is the argument's name for
    messages.
    """

    ns: IntArray
    missing: BoolArray
    n_missing: int
    aware: bool | None
    name: str
    zone: dt.tzinfo | None = None

    @property
    def size(self) -> int:
        """Number of timestamps, missing ones included."""
        return int(self.ns.size)


def format_timestamp(ns: int, *, aware: bool) -> str:
    """``2026-01-05 09:00`` (naive) or ``2026-01-05 08:00 UTC`` (aware)."""
    stamp = pd.Timestamp(ns)
    if stamp.second or stamp.microsecond or stamp.nanosecond:
        text = stamp.isoformat(sep=" ")
    else:
        text = stamp.strftime("%Y-%m-%d %H:%M")
    return f"{text} UTC" if aware else text


# ---------------------------------------------------------------------------
# Reading


def to_timestamps(values: object, *, func: str, name: str) -> Timestamps:
    """Read a one-dimensional array-like of timestamps by the rule above.

    Arrays of datetime64 and pandas datetimes are the fast path (no copy
    when nothing is missing); strings and Python objects are parsed first.
    """
    if values is None or isinstance(values, (*_SCALAR_TYPES, Mapping)):
        raise InputError(
            f"{func}: {name} must be a one-dimensional array-like of timestamps; "
            f"got a single {type(values).__name__}"
        )
    if isinstance(values, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        dtype = values.dtype
        if isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
            return _from_datetime_index(pd.DatetimeIndex(values), func=func, name=name)
        if isinstance(dtype, pd.PeriodDtype):
            starts = pd.PeriodIndex(values).to_timestamp(how="start")
            return _from_datetime_index(starts, func=func, name=name)
        array = np.asarray(values)
    else:
        array = as_array(values, func=func, name=name)
    check_one_dimensional(array, func=func, name=name)
    kind = array.dtype.kind
    if kind == "M":
        return _from_datetime_index(pd.DatetimeIndex(array), func=func, name=name)
    if kind in "US":
        texts = np.char.strip(array.astype(str))
        ns, missing, aware, zone = _parse_texts(texts, func=func, name=name)
        return _assemble(ns, missing, aware, [zone], array, func=func, name=name)
    if kind == "O":
        return _from_objects(array, func=func, name=name)
    if array.size == 0 or (kind == "f" and bool(np.isnan(array).all())):
        return Timestamps(
            ns=np.zeros(array.size, dtype=np.int64),
            missing=np.ones(array.size, dtype=bool),
            n_missing=array.size,
            aware=None,
            name=name,
        )
    head = array[:_MAX_EXAMPLES]
    examples = (
        ", ".join(str(pd.Timedelta(v)) for v in head)
        if kind == "m"
        else format_examples(head.tolist())
    )
    raise InputError(
        f"{func}: {name} must be timestamps; got {_describe_kind(kind)} such as "
        f"{examples}"
    )


def _describe_kind(kind: str) -> str:
    if kind == "m":
        return "time spans"
    if kind == "b":
        return "booleans"
    return "numbers" if kind in "iufc" else f"values of kind {kind!r}"


def _out_of_range(
    func: str, name: str, bad: Iterable[Any], count: int, total: int
) -> InputError:
    return InputError(
        f"{func}: {format_count(count)} of {format_count(total)} values in {name} "
        f"are outside the supported range {EARLIEST} to {LATEST} "
        f"({format_examples(bad)})"
    )


def _outside(index: pd.DatetimeIndex) -> BoolArray:
    """Which values of a DatetimeIndex (any unit, naive or aware) are out of range."""
    plain = index.tz_convert(None) if index.tz is not None else index
    low = pd.Timestamp(EARLIEST)
    high = pd.Timestamp(LATEST) + pd.Timedelta(days=1)
    return np.asarray((plain < low) | (plain >= high), dtype=bool)


def _check_range(ns: IntArray, index_of: Any, *, func: str, name: str) -> None:
    """Refuse values outside the supported range; ``ns`` is 0 where missing."""
    if ns.size and (int(ns.min()) < _LOW_NS or int(ns.max()) >= _HIGH_NS):
        index: pd.DatetimeIndex = index_of()
        bad = _outside(index)
        shown = [str(stamp) for stamp in index[bad][:_MAX_EXAMPLES]]
        raise _out_of_range(func, name, shown, int(bad.sum()), ns.size)


def none_missing(size: int) -> BoolArray:
    """A read-only all-False mask that takes no memory (the fast path's)."""
    return np.broadcast_to(np.False_, (size,))


def _from_datetime_index(
    index: pd.DatetimeIndex, *, func: str, name: str
) -> Timestamps:
    try:
        index = index.as_unit("ns")
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        bad = _outside(index)
        shown = [str(stamp) for stamp in index[bad][:_MAX_EXAMPLES]]
        raise _out_of_range(func, name, shown, int(bad.sum()), index.size) from None
    ns = np.asarray(index.asi8, dtype=np.int64)
    # NaT is the smallest int64: the minimum tells whether any is missing,
    # and no mask is made when none is (large temporaries cost page faults).
    n_missing = 0
    if ns.size and int(ns.min()) == _NAT:
        missing = ns == _NAT
        n_missing = int(np.count_nonzero(missing))
        ns = np.where(missing, 0, ns)
    else:
        missing = none_missing(ns.size)
    _check_range(ns, lambda: index, func=func, name=name)
    aware = None if n_missing == ns.size else index.tz is not None
    return Timestamps(
        ns=ns,
        missing=missing,
        n_missing=n_missing,
        aware=aware,
        name=name,
        zone=index.tz if aware else None,
    )


def _from_objects(array: npt.NDArray[Any], *, func: str, name: str) -> Timestamps:
    """Object arrays: strings, datetimes, dates and datetime64, missing values."""
    size = array.size
    missing = np.asarray(pd.isna(array), dtype=bool)
    ns = np.zeros(size, dtype=np.int64)
    aware = np.zeros(size, dtype=bool)
    kind = pd.api.types.infer_dtype(array, skipna=True)
    if kind == "string":
        is_text, is_moment = ~missing, np.zeros(size, dtype=bool)
    elif kind in ("datetime", "datetime64", "date"):
        is_text, is_moment = np.zeros(size, dtype=bool), ~missing
    else:  # a mix, or something that is not a timestamp
        is_text = np.fromiter(
            (isinstance(v, str) for v in array), dtype=bool, count=size
        )
        is_moment = np.fromiter(
            (isinstance(v, (dt.date, np.datetime64)) for v in array),
            dtype=bool,
            count=size,
        )
        is_moment &= ~missing
        bad = ~(missing | is_text | is_moment)
        if bad.any():
            raise InputError(
                f"{func}: {format_count(int(bad.sum()))} of {format_count(size)} "
                f"values in {name} are not timestamps ({format_examples(array[bad])})"
            )
    zones: list[dt.tzinfo | None] = []
    if is_text.any():
        texts = np.char.strip(array[is_text].astype(str))
        parsed = _parse_texts(texts, func=func, name=name)
        ns[is_text], missing[is_text], aware[is_text] = parsed[:3]
        zones.append(parsed[3])
    if is_moment.any():
        ns[is_moment], aware[is_moment], zone = _parse_moments(
            array[is_moment], func=func, name=name
        )
        zones.append(zone)
    return _assemble(ns, missing, aware, zones, array, func=func, name=name)


def _assemble(
    ns: IntArray,
    missing: BoolArray,
    aware: BoolArray,
    zones: list[dt.tzinfo | None],
    original: npt.NDArray[Any],
    *,
    func: str,
    name: str,
) -> Timestamps:
    """Timestamps from parsed parts, refusing naive and aware in one array."""
    present = ~missing
    n_aware = int(np.count_nonzero(aware & present))
    n_naive = int(np.count_nonzero(present)) - n_aware
    if n_aware and n_naive:
        aware_example = format_examples(original[aware & present][:1].tolist())
        naive_example = format_examples(original[~aware & present][:1].tolist())
        raise InputError(
            f"{func}: {name} mixes {format_count(n_aware)} time-zone aware "
            f"timestamps ({aware_example}) with {format_count(n_naive)} naive ones "
            f"({naive_example}); give all of them a time zone or none"
        )
    n_missing = int(np.count_nonzero(missing))
    if n_missing:
        ns = np.where(missing, 0, ns)
    _check_range(
        ns,
        lambda: pd.DatetimeIndex(np.where(missing, _NAT, ns).view("datetime64[ns]")),
        func=func,
        name=name,
    )
    return Timestamps(
        ns=ns,
        missing=missing,
        n_missing=n_missing,
        aware=bool(n_aware) if (n_aware or n_naive) else None,
        name=name,
        zone=_one_zone(z for z in zones if z is not None) if n_aware else None,
    )


def _offset_start(texts: npt.NDArray[np.str_]) -> IntArray:
    """Where the UTC offset of each ISO 8601 string starts; -1 without one.

    Past the date (its first ten characters, ``YYYY-MM-DD``; the basic form
    ``YYYYMMDD`` is shorter) an ISO timestamp holds a sign only in its
    offset, and ends in ``Z`` only when the offset is UTC.
    """
    if texts.size == 0:
        return np.zeros(0, dtype=np.int64)
    width = texts.dtype.itemsize // 4
    codes = np.ascontiguousarray(texts).view(np.uint32).reshape(texts.size, width)
    length = np.char.str_len(texts).astype(np.int64)
    sign = (codes == ord("+")) | (codes == ord("-"))
    sign[:, : min(10, width)] = False
    last_sign = width - 1 - np.argmax(sign[:, ::-1], axis=1)
    start = np.where(sign.any(axis=1), last_sign, -1)
    rows = np.arange(texts.size)
    ends_z = (length > 0) & (codes[rows, np.maximum(length - 1, 0)] == ord("Z"))
    return np.where(ends_z, length - 1, start).astype(np.int64)


def _has_offset(texts: npt.NDArray[np.str_]) -> BoolArray:
    """Which ISO 8601 strings carry a UTC offset."""
    return np.asarray(_offset_start(texts) >= 0, dtype=bool)


def _text_zone(texts: npt.NDArray[np.str_], start: IntArray) -> dt.tzinfo:
    """The offset that strings with offsets share, else UTC.

    The offsets (the characters from ``start`` on, nine at most) are compared
    as written: each distinct spelling is read once, and the search stops at
    the second distinct offset.
    """
    width = texts.dtype.itemsize // 4
    codes = np.ascontiguousarray(texts).view(np.uint32).reshape(texts.size, width)
    length = np.char.str_len(texts).astype(np.int64)
    columns = start[:, None] + np.arange(_OFFSET_WIDTH)
    picked = np.take_along_axis(codes, np.minimum(columns, width - 1), axis=1)
    tails = np.where(columns < length[:, None], np.minimum(picked, 127), 0)
    tails = tails.astype(np.uint8)  # offsets are ASCII
    found: dt.timedelta | None = None
    left = np.arange(texts.size)
    while left.size:
        first = int(left[0])
        offset = pd.to_datetime(str(texts[first]), format="ISO8601").utcoffset()
        if offset is None or (found is not None and offset != found):
            return dt.timezone.utc
        found = offset
        left = left[(tails[left] != tails[first]).any(axis=1)]
    return dt.timezone(found) if found is not None else dt.timezone.utc


def _parse_texts(
    texts: npt.NDArray[np.str_], *, func: str, name: str
) -> tuple[IntArray, BoolArray, BoolArray, dt.tzinfo | None]:
    """ISO 8601 strings (stripped) to epoch ns: UTC with an offset, wall clock without.

    Returns the nanoseconds, the missing mask (empty and ``NaT``-like
    strings), which strings carry an offset, and the zone they share.
    """
    # With utc=True a string without an offset is read as if it were UTC,
    # which keeps its wall-clock reading: one parse serves both kinds.
    parsed = pd.DatetimeIndex(
        pd.to_datetime(texts, format="ISO8601", utc=True, errors="coerce")
    )
    failed = np.asarray(parsed.isna(), dtype=bool)
    # pandas reads "now" and "today" as the clock's time; they are not ISO 8601.
    failed |= (texts == "now") | (texts == "today")
    missing = np.zeros(texts.size, dtype=bool)
    if failed.any():
        words = np.char.lower(texts[failed])
        missing[failed] = np.isin(words, sorted(_MISSING_TEXTS))
        bad = failed & ~missing
        if bad.any():
            raise _unreadable(texts[bad], texts.size, func=func, name=name)
    try:
        # pandas 3 parses dates past 2262 at a coarser unit instead of NaT.
        parsed = parsed.as_unit("ns")
    except pd.errors.OutOfBoundsDatetime:
        out = _outside(parsed)
        raise _out_of_range(
            func, name, texts[out].tolist(), int(out.sum()), texts.size
        ) from None
    ns = np.asarray(parsed.asi8, dtype=np.int64)
    start = _offset_start(texts)
    aware = (start >= 0) & ~missing
    zone = _text_zone(texts[aware], start[aware]) if aware.any() else None
    return ns, missing, aware, zone


def _unreadable(
    bad: npt.NDArray[np.str_], total: int, *, func: str, name: str
) -> InputError:
    """Why strings pandas could not read fail: week dates, out of range, or not ISO."""
    week = [text for text in bad.tolist() if _WEEK_DATE.match(text)]
    if week:
        year, number, day = _WEEK_DATE.match(week[0]).groups()  # type: ignore[union-attr]
        try:
            date = dt.date.fromisocalendar(int(year), int(number), int(day or 1))
            hint = f"such as {date.isoformat()} for {week[0]!r}"
        except ValueError:
            hint = "in the form YYYY-MM-DD"
        return InputError(
            f"{func}: {format_count(len(week))} of {format_count(total)} strings in "
            f"{name} are ISO week dates ({format_examples(week)}); week dates are "
            f"not supported: give calendar dates, {hint}"
        )
    far = [text for text in bad.tolist() if _beyond_range(text)]
    if far:
        return _out_of_range(func, name, far, len(far), total)
    return InputError(
        f"{func}: {format_count(bad.size)} of {format_count(total)} strings in "
        f"{name} are not ISO 8601 timestamps ({format_examples(bad.tolist())})"
    )


def _beyond_range(text: str) -> bool:
    """Whether ``text`` starts with a real calendar date outside the range."""
    match = _CALENDAR_DATE.match(text)
    if match is None:
        return False
    try:
        date = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
    return not EARLIEST <= date <= LATEST


def _parse_moments(
    moments: npt.NDArray[Any], *, func: str, name: str
) -> tuple[IntArray, BoolArray, dt.tzinfo | None]:
    """Datetimes, dates and datetime64 objects to epoch ns, awareness and zone."""
    aware = np.fromiter(
        (isinstance(v, dt.datetime) and v.utcoffset() is not None for v in moments),
        dtype=bool,
        count=moments.size,
    )
    ns = np.zeros(moments.size, dtype=np.int64)
    for mask, utc in ((aware, True), (~aware, False)):
        if mask.any():
            try:
                stamps = pd.DatetimeIndex(pd.to_datetime(moments[mask], utc=utc))
                ns[mask] = stamps.as_unit("ns").asi8
            except (pd.errors.OutOfBoundsDatetime, OverflowError):
                shown = [str(v) for v in moments[mask]]
                far = [text for text in shown if _beyond_range(text)]
                raise _out_of_range(
                    func, name, far or shown, len(far) or len(shown), moments.size
                ) from None
    zone = _one_zone(v.tzinfo for v in moments[aware]) if aware.any() else None
    return ns, aware, zone


# ---------------------------------------------------------------------------
# Zones


def _zone_key(zone: dt.tzinfo) -> str:
    """A name under which equal zones compare equal, whatever library made them."""
    key = getattr(zone, "key", None) or getattr(zone, "zone", None)
    if key:
        return str(key)
    if isinstance(zone, dt.timezone):
        return f"UTC{zone.utcoffset(None)}"
    return repr(zone)


def _one_zone(zones: Iterable[dt.tzinfo | None]) -> dt.tzinfo:
    """The zone all of ``zones`` share, else UTC."""
    distinct = {_zone_key(zone): zone for zone in zones if zone is not None}
    if len(distinct) == 1:
        (zone,) = distinct.values()
        return zone
    return dt.timezone.utc


def check_same_awareness(func: str, *stamps: Timestamps) -> bool:
    """Whether the arguments are aware; naive ones with aware ones raise.

    An argument with every value missing goes with either.
    """
    known = [s for s in stamps if s.aware is not None]
    naive = [s for s in known if not s.aware]
    aware = [s for s in known if s.aware]
    if naive and aware:
        raise InputError(
            f"{func}: {aware[0].name} is time-zone aware but {naive[0].name} is "
            "naive; give both a time zone or neither"
        )
    return bool(aware)


def zone_of_parts(
    func: str, name: str, parts: Iterable[tuple[bool | None, dt.tzinfo | None]]
) -> dt.tzinfo | None:
    """The zone of one argument read in parts (``(aware, zone)`` of each part).

    What `to_timestamps` decides for a whole argument, decided from its
    parts: naive parts with aware ones raise; the aware parts' zone is the
    one they share, else UTC; None when every part is naive or empty.
    """
    readings = [(aware, zone) for aware, zone in parts if aware is not None]
    kinds = {bool(aware) for aware, _ in readings}
    if kinds == {True, False}:
        raise InputError(
            f"{func}: {name} mixes time-zone aware timestamps with naive ones; "
            "give all of them a time zone or none"
        )
    if kinds != {True}:
        return None
    return _one_zone(zone for _, zone in readings)


def wall_clock(stamps: Timestamps, zone: dt.tzinfo | None) -> IntArray:
    """Wall-clock readings (ns since 1970-01-01 00:00 on the wall) in ``zone``.

    Naive timestamps are wall-clock readings already; aware ones are read
    on the clock of ``zone``. The result is 0 where a value is missing.
    """
    if not stamps.aware or zone is None:
        return stamps.ns
    if isinstance(zone, dt.timezone):
        offset = zone.utcoffset(None) // dt.timedelta(microseconds=1) * 1000
        walls = stamps.ns + offset
    else:
        utc = pd.DatetimeIndex(stamps.ns.view("datetime64[ns]")).tz_localize("UTC")
        walls = np.asarray(utc.tz_convert(zone).tz_localize(None).asi8, np.int64)
    return np.where(stamps.missing, 0, walls) if stamps.n_missing else walls


def to_index(stamps: Timestamps, zone: dt.tzinfo | None = None) -> pd.DatetimeIndex:
    """The timestamps as a DatetimeIndex: aware ones in ``zone`` (default theirs)."""
    values = np.where(stamps.missing, _NAT, stamps.ns)
    index: pd.DatetimeIndex = pd.DatetimeIndex(values.view("datetime64[ns]"))
    if stamps.aware:
        index = index.tz_localize("UTC").tz_convert(zone or stamps.zone)
    return index
