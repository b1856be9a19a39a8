"""Business calendars and the vectorized business clock.

A `BusinessCalendar` says when a team is open: hours per weekday (one or
several ranges a day), holidays and a time zone. Its business clock B(t)
counts the open time from an origin up to each timestamp, for whole arrays
at once, so that an elapsed business time is a difference,
``B(end) - B(start)``.

`elapsed_ns` measures aligned starts and ends, read by the one door for
timestamps (`cxmetrics._timestamps`), with or without a calendar.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from cxmetrics._timestamps import (
    Timestamps,
    check_same_awareness,
    format_timestamp,
    to_timestamps,
    wall_clock,
)
from cxmetrics._validation import InputError, format_count, format_examples

__all__ = ["BusinessCalendar", "elapsed_ns"]

IntArray: TypeAlias = npt.NDArray[np.int64]
FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Windows: TypeAlias = tuple[tuple[int, int], ...]  # (start, end) seconds after midnight

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_NAMES = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_DAY_NUMBERS = {
    **{name.lower(): i for i, name in enumerate(WEEKDAYS)},
    **{name: i for i, name in enumerate(_FULL_NAMES)},
}

SECOND_NS = 1_000_000_000
DAY_SECONDS = 86_400
DAY_NS = DAY_SECONDS * SECOND_NS
MINUTE_NS = 60 * SECOND_NS
DAY_MINUTES = 1440
#: 1970-01-01, day 0 of the epoch, was a Thursday: weekday = (day + 3) % 7.
_EPOCH_WEEKDAY = 3
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: The longest stretch of time measured in one call, so that every business
#: clock reading fits in int64 nanoseconds (about 292 years).
MAX_SPAN_DAYS = 100_000
#: Offsets in use never reach two days, so naive wall-clock times are
#: localized from transitions found within this margin.
_WALL_MARGIN_NS = 2 * DAY_NS


# ---------------------------------------------------------------------------
# Parsing the calendar


_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def _format_clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _format_windows(windows: Windows) -> str:
    return ",".join(f"{_format_clock(a)}-{_format_clock(b)}" for a, b in windows)


def _clock_seconds(hour: str, minute: str, *, is_end: bool) -> int | None:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and (m or not is_end)):
        return None
    return h * 3600 + m * 60


def _parse_hours_text(text: object, label: str) -> Windows:
    """``"09:00-12:00,13:00-17:00"`` to sorted, merged (start, end) seconds."""
    func = "BusinessCalendar"
    if not isinstance(text, str):
        raise InputError(
            f"{func}: {label} must be a string like '09:00-17:00'; got {text!r}"
        )
    windows: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if match is None:
            raise InputError(
                f"{func}: {label} {text!r} is not in the form 'HH:MM-HH:MM' "
                "(e.g. '09:00-17:00', or '09:00-12:00,13:00-17:00' for a split day)"
            )
        start = _clock_seconds(match[1], match[2], is_end=False)
        end = _clock_seconds(match[3], match[4], is_end=True)
        if start is None or end is None:
            raise InputError(
                f"{func}: {label} {text!r} has a time that does not exist "
                f"({part.strip()}); hours run from 00:00 to 24:00"
            )
        if end <= start:
            raise InputError(
                f"{func}: {label} {text!r} has a range that does not end after it "
                f"starts ({part.strip()}); write a shift past midnight as two "
                "ranges, e.g. '00:00-06:00,22:00-24:00'"
            )
        windows.append((start, end))
    windows.sort()
    merged = [windows[0]]
    for start, end in windows[1:]:
        last_start, last_end = merged[-1]
        if start < last_end:
            raise InputError(
                f"{func}: {label} {text!r} has overlapping ranges "
                f"({_format_windows(((last_start, last_end),))} and "
                f"{_format_windows(((start, end),))})"
            )
        if start == last_end:  # touching ranges are one range
            merged[-1] = (last_start, end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _parse_days(days: object, label: str) -> tuple[int, ...]:
    """Weekday names and ranges (``"Mon-Fri"``, ``"Mon,Wed"``) to sorted numbers."""
    func = "BusinessCalendar"
    if isinstance(days, str):
        pieces = days.split(",")
    elif isinstance(days, Iterable) and not isinstance(days, (bytes, Mapping)):
        pieces = list(days)
    else:
        raise InputError(
            f"{func}: {label} must be weekday names like 'Mon-Fri' or "
            f"['Mon', 'Wed']; got {days!r}"
        )
    not_text = [p for p in pieces if not isinstance(p, str)]
    if not_text:
        raise InputError(
            f"{func}: {label} must be weekday names; got {format_examples(not_text)}"
        )
    numbers: set[int] = set()
    unknown: list[str] = []
    names = 0
    for piece in pieces:
        ends = [name.strip() for name in piece.split("-")]
        if len(ends) > 2:
            raise InputError(
                f"{func}: {label} {piece.strip()!r} is not a weekday, a range like "
                "'Mon-Fri' or a list like 'Mon,Wed,Fri'"
            )
        names += len(ends)
        known = [_DAY_NUMBERS[n.lower()] for n in ends if n.lower() in _DAY_NUMBERS]
        if len(known) < len(ends):
            unknown.extend(n for n in ends if n.lower() not in _DAY_NUMBERS)
            continue
        first, last = known[0], known[-1]
        # A range may wrap past Sunday: "Sun-Thu" is Sun, Mon, ..., Thu.
        numbers.update((first + k) % 7 for k in range((last - first) % 7 + 1))
    if unknown:
        raise InputError(
            f"{func}: {format_count(len(unknown))} of {format_count(names)} weekday "
            f"names in {label} are unknown ({format_examples(unknown)}); use Mon to "
            "Sun or Monday to Sunday"
        )
    if not numbers:
        raise InputError(
            f"{func}: {label} names no weekday; a calendar needs at least one open day"
        )
    return tuple(sorted(numbers))


def _parse_week(hours: object, days: object) -> tuple[Windows, ...]:
    """The open windows of each weekday, Monday first; closed days are empty."""
    func = "BusinessCalendar"
    week: list[Windows] = [()] * 7
    if isinstance(hours, Mapping):
        if days != "Mon-Fri":
            raise InputError(
                f"{func}: days={days!r} cannot be combined with an hours mapping; "
                "the mapping's keys are the open days"
            )
        if not hours:
            raise InputError(
                f"{func}: the hours mapping is empty; it must give the hours of at "
                "least one open day"
            )
        given_by: dict[int, object] = {}
        for key, text in hours.items():
            windows = _parse_hours_text(text, f"hours[{key!r}]")
            for day in _parse_days(key, f"hours key {key!r}"):
                if day in given_by:
                    raise InputError(
                        f"{func}: the hours mapping gives {WEEKDAYS[day]} more than "
                        f"once ({given_by[day]!r} and {key!r})"
                    )
                given_by[day] = key
                week[day] = windows
        return tuple(week)
    if not isinstance(hours, str):
        raise InputError(
            f"{func}: hours must be a string like '09:00-17:00' or a mapping of "
            f"weekday to such a string; got {hours!r}"
        )
    windows = _parse_hours_text(hours, "hours")
    for day in _parse_days(days, "days"):
        week[day] = windows
    return tuple(week)


def _parse_holidays(holidays: object) -> tuple[dt.date, ...]:
    """Holidays as sorted distinct dates, read by the timestamp rule.

    Aware values count on their own zone's wall clock; every holiday must be
    a whole date (midnight) and present.
    """
    func = "BusinessCalendar"
    if holidays is None:
        return ()
    if isinstance(holidays, (str, dt.date, np.datetime64)):
        holidays = [holidays]
    elif not isinstance(holidays, Iterable) or isinstance(holidays, (bytes, Mapping)):
        raise InputError(
            f"{func}: holidays must be a collection of dates; got {holidays!r}"
        )
    items = holidays if isinstance(holidays, (pd.Series, pd.Index)) else list(holidays)
    stamps = to_timestamps(items, func=func, name="holidays")
    shown = np.asarray(items, dtype=object)
    if stamps.n_missing:
        raise InputError(
            f"{func}: {format_count(stamps.n_missing)} of "
            f"{format_count(stamps.size)} holidays are missing "
            f"({format_examples(shown[stamps.missing])}); give each holiday a date"
        )
    walls = wall_clock(stamps, stamps.zone)
    timed = walls % DAY_NS != 0
    if timed.any():
        raise InputError(
            f"{func}: {format_count(int(timed.sum()))} of {format_count(stamps.size)} "
            f"holidays have a time of day ({format_examples(shown[timed])}); "
            "holidays are whole dates"
        )
    days = np.unique(walls // DAY_NS)
    return tuple(dt.date.fromordinal(_EPOCH_ORDINAL + int(day)) for day in days)


def _parse_tz(tz: object) -> str | None:
    func = "BusinessCalendar"
    if tz is None:
        return None
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key is not None:
        return tz.key
    if not isinstance(tz, str):
        raise InputError(
            f"{func}: tz must be an IANA time-zone name such as 'Europe/Berlin', "
            f"or None; got {tz!r}"
        )
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            f"{func}: unknown time zone {tz!r}; use an IANA name such as "
            "'Europe/Berlin' or 'America/New_York'"
        ) from None
    return tz


# ---------------------------------------------------------------------------
# The wall-clock business clock


@attrs.frozen(eq=False)
class _WeekClock:
    """Open time of a week, minute by minute, and the holidays (nanoseconds).

    Open hours start and end on whole minutes, so a minute is open or closed
    as a whole. Row ``w`` of the tables (flattened, 1,440 minutes a row) is
    weekday ``w``, Monday first; row 7 is a closed day, used for holidays:
    ``is_open[m]`` is 1 for an open minute, ``open_today[m]`` the open time
    of the minute's day before it. ``day_open[w]`` is the open time of
    weekday ``w``; ``holidays`` are the holidays on open weekdays, as days
    since 1970-01-01.
    """

    is_open: IntArray
    open_today: IntArray
    day_open: IntArray
    holidays: IntArray

    @classmethod
    def build(
        cls, week: tuple[Windows, ...], holidays: tuple[dt.date, ...]
    ) -> _WeekClock:
        is_open = np.zeros((8, DAY_MINUTES), dtype=np.int64)
        for day, windows in enumerate(week):
            for start, end in windows:
                is_open[day, start // 60 : end // 60] = 1
        open_today = (np.cumsum(is_open, axis=1) - is_open) * MINUTE_NS
        day_open = is_open.sum(axis=1) * MINUTE_NS
        days = np.array(
            [d.toordinal() - _EPOCH_ORDINAL for d in holidays], dtype=np.int64
        )
        return cls(
            is_open=is_open.ravel(),
            open_today=open_today.ravel(),
            day_open=day_open,
            holidays=days[day_open[(days + _EPOCH_WEEKDAY) % 7] > 0],
        )

    @property
    def week_open(self) -> int:
        """Open time of a week without holidays."""
        return int(self.day_open.sum())

    def days(self, first: int, last: int) -> _DayTables:
        """Tables over days ``first`` to ``last`` (days since 1970-01-01).

        The open time before each day (holidays count nothing) and the row
        of the minute tables that the day follows: its weekday's, or the
        closed row on a holiday.
        """
        days = np.arange(first, last + 1, dtype=np.int64)
        row = (days + _EPOCH_WEEKDAY) % 7
        row[np.isin(days, self.holidays)] = 7
        before = np.cumsum(np.concatenate(([0], self.day_open[row[:-1]])))
        # Minute m of day d (counted from the first day) is entry
        # row[d] * 1440 + m of the minute tables: m + shift[d].
        shift = (row - np.arange(days.size)) * DAY_MINUTES
        return _DayTables(first=first, before=before, shift=shift)

    def clock(self, wall: IntArray, days: _DayTables) -> IntArray:
        """Open time from the start of ``days`` to each wall-clock reading.

        ``wall`` holds wall-clock times as nanoseconds since 1970-01-01 00:00
        (naive), all on the days of the tables. Each reading adds to the
        open time before its day what the day counted before its minute
        and, when that minute is open, the part of it that has passed.
        """
        # In place where it can be: each fresh temporary costs a full pass.
        into = wall - days.first * DAY_NS  # nanoseconds since the first day
        minute = into // MINUTE_NS  # minutes since the first day
        scratch = minute * MINUTE_NS
        into -= scratch  # nanoseconds into the minute
        day = np.floor_divide(minute, DAY_MINUTES, out=scratch)
        minute += np.take(days.shift, day, mode="clip")  # index into the tables
        today = np.take(self.is_open, minute, mode="clip")
        today *= into
        today += np.take(self.open_today, minute, out=into, mode="clip")
        today += np.take(days.before, day, out=minute, mode="clip")
        return today


@attrs.frozen(eq=False)
class _DayTables:
    """Per-day tables of a business clock from day ``first`` on (see `_WeekClock`)."""

    first: int
    before: IntArray
    shift: IntArray


#: Timestamps are clocked in blocks of this many: the temporaries of a block
#: stay in the processor's cache (and are reused rather than fetched fresh
#: from the system), which makes the clock several times faster on large
#: arrays than one pass over the whole array.
_BLOCK = 16_384


# ---------------------------------------------------------------------------
# Time-zone offsets


@attrs.frozen(eq=False)
class _Transitions:
    """The UTC-offset changes of a zone over a range of instants.

    ``times[i]`` is the instant (UTC nanoseconds) of change ``i``;
    ``offsets[0]`` is the offset before the first change and
    ``offsets[i + 1]`` the offset from change ``i`` on.
    """

    times: IntArray
    offsets: IntArray

    def between(self, low: int, high: int) -> _Transitions:
        """The changes in (``low``, ``high``], with the offset in force at ``low``."""
        first, last = np.searchsorted(self.times, [low, high], side="right")
        return _Transitions(
            times=self.times[first:last], offsets=self.offsets[first : last + 1]
        )

    def walls(self, instants: IntArray) -> tuple[IntArray, IntArray]:
        """Wall-clock readings of instants, and the changes up to each."""
        k = np.searchsorted(self.times, instants, side="right")
        return instants + np.take(self.offsets, k), k

    def localize(self, walls: IntArray) -> tuple[IntArray, IntArray]:
        """Naive wall-clock times read as Python does with fold=0.

        Returns the wall-clock readings of the instants meant, and the
        changes up to each instant. A wall time in a gap (clocks spring
        forward) is read with the offset before the change, so 02:30 in a
        02:00-03:00 gap is the instant that reads 03:30; a wall time that
        occurs twice (clocks fall back) is the earlier of its two instants,
        whose reading it is.
        """
        before, after = self.offsets[:-1], self.offsets[1:]
        new_offset_from = self.times + np.maximum(before, after)
        k = np.searchsorted(new_offset_from, walls, side="right")
        # Only a wall time in a gap reads differently from what was written,
        # and its instant falls after the change that opened the gap.
        gap_from = np.where(after > before, self.times + before, _NEVER)
        gap = np.concatenate((after - before, [0]))
        in_gap = walls >= np.take(np.concatenate((gap_from, [_NEVER])), k)
        if not in_gap.any():
            return walls, k
        return walls + np.where(in_gap, np.take(gap, k), 0), k + in_gap


_NEVER = np.iinfo(np.int64).max


def _utc_offsets(zone: zoneinfo.ZoneInfo, seconds: IntArray) -> IntArray:
    """UTC offsets (seconds) of a zone at instants given in epoch seconds."""
    utc = pd.DatetimeIndex((seconds * SECOND_NS).view("datetime64[ns]"))
    local = utc.tz_localize("UTC").tz_convert(zone).tz_localize(None).as_unit("ns")
    return np.asarray((local.asi8 - utc.asi8) // SECOND_NS, dtype=np.int64)


#: The supported instants in epoch seconds (pandas' nanosecond range), a day
#: inside each end so that offsets can be read around them.
_LOWEST = int(pd.Timestamp.min.value) // SECOND_NS + DAY_SECONDS
_HIGHEST = int(pd.Timestamp.max.value) // SECOND_NS - DAY_SECONDS

#: Offset changes found so far, per (zone, year): the changes after
#: 1 January 00:00 UTC of the year up to and including the next 1 January,
#: as (instant, new offset) pairs, and the offset in force when the year
#: begins; all in nanoseconds. Finding them costs far more than a call on a
#: few timestamps, and they never change.
_YearChanges: TypeAlias = tuple[tuple[tuple[int, int], ...], int]
_YEARS: dict[tuple[str, int], _YearChanges] = {}
_YEARS_KEPT = 20_000


def _year_start(year: int) -> int:
    """1 January of ``year``, 00:00 UTC, in epoch seconds."""
    return (dt.date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * DAY_SECONDS


def _scan_changes(
    zone: zoneinfo.ZoneInfo, first: int, last: int
) -> tuple[IntArray, IntArray]:
    """Offset changes in (``first``, ``last``] (epoch seconds), and the new offsets.

    Offsets are read once a day over the range; each day whose offset differs
    from the day before is searched by bisection down to the second (tz
    database transitions fall on whole seconds). The tz database has no two
    changes less than three days apart, so a daily grid sees every change; a
    day with more than one change is still resolved, change by change.
    """
    grid = np.append(np.arange(first, last, DAY_SECONDS, dtype=np.int64), last)
    offsets = _utc_offsets(zone, grid)
    changed = np.flatnonzero(offsets[1:] != offsets[:-1])
    lo, hi = grid[changed], grid[changed + 1]
    off_lo, off_hi = offsets[changed], offsets[changed + 1]
    times: list[IntArray] = [np.zeros(0, dtype=np.int64)]
    after: list[IntArray] = [np.zeros(0, dtype=np.int64)]
    while lo.size:
        # Invariant: the offset at lo is off_lo and the offset at hi differs.
        upper = hi.copy()
        while np.any(upper - lo > 1):
            mid = (lo + upper) // 2
            same = _utc_offsets(zone, mid) == off_lo
            lo = np.where(same, mid, lo)
            upper = np.where(same, upper, mid)
        off_at = _utc_offsets(zone, upper)
        times.append(upper)
        after.append(off_at)
        more = off_at != off_hi  # another change later in the same day
        lo, hi, off_lo, off_hi = upper[more], hi[more], off_at[more], off_hi[more]
    found, new = np.concatenate(times), np.concatenate(after)
    order = np.argsort(found)
    return found[order], new[order]


def _scan_years(key: str, first: int, last: int) -> dict[int, _YearChanges]:
    """Find the offset changes of years ``first`` to ``last``, and keep them."""
    zone = zoneinfo.ZoneInfo(key)
    starts = [_year_start(year) for year in range(first, last + 2)]
    bounds = np.clip(np.array(starts, dtype=np.int64), _LOWEST, _HIGHEST)
    times, after = _scan_changes(zone, int(bounds[0]), int(bounds[-1]))
    at_start = _utc_offsets(zone, bounds[:-1])
    found: dict[int, _YearChanges] = {}
    for i, year in enumerate(range(first, last + 1)):
        inside = (times > bounds[i]) & (times <= bounds[i + 1])
        changes = tuple(
            (int(t) * SECOND_NS, int(o) * SECOND_NS)
            for t, o in zip(times[inside], after[inside], strict=True)
        )
        found[year] = (changes, int(at_start[i]) * SECOND_NS)
    if len(_YEARS) > _YEARS_KEPT:
        _YEARS.clear()
    _YEARS.update({(key, year): entry for year, entry in found.items()})
    return found


def _find_transitions(key: str, low: int, high: int) -> _Transitions:
    """Offset changes of zone ``key`` over the years of instants ``low`` to ``high``.

    ``low`` and ``high`` are UTC nanoseconds. The changes of each year are
    found once and kept; the offsets before the first change are those in
    force on 1 January of ``low``'s year.
    """
    first = pd.Timestamp(max(low, _LOWEST * SECOND_NS)).year
    last = pd.Timestamp(min(high, _HIGHEST * SECOND_NS)).year
    years = {year: _YEARS.get((key, year)) for year in range(first, last + 1)}
    todo = [year for year, entry in years.items() if entry is None]
    while todo:  # one scan per run of consecutive years not seen yet
        run = 1
        while run < len(todo) and todo[run] == todo[0] + run:
            run += 1
        years.update(_scan_years(key, todo[0], todo[run - 1]))
        todo = todo[run:]
    entries = [entry for entry in years.values() if entry is not None]
    changes = [change for year_changes, _ in entries for change in year_changes]
    return _Transitions(
        times=np.array([t for t, _ in changes], dtype=np.int64),
        offsets=np.array([entries[0][1], *(o for _, o in changes)], dtype=np.int64),
    )


# ---------------------------------------------------------------------------
# The calendar


def _format_days(days: Iterable[int]) -> str:
    """Weekday numbers as runs: ``[0, 1, 2, 4] -> 'Mon-Wed,Fri'``."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        WEEKDAYS[run[0]]
        if len(run) == 1
        else f"{WEEKDAYS[run[0]]}{'-' if len(run) > 2 else ','}{WEEKDAYS[run[-1]]}"
        for run in runs
    )


@attrs.frozen(init=False, repr=False)
class BusinessCalendar:
    r"""When a team is open: hours per weekday, holidays and a time zone.

    Parameters
    ----------
    hours : str or mapping of str to str
        Open hours of each open day as ``"HH:MM-HH:MM"`` (``"24:00"`` allowed
        as an end), or several ranges separated by commas for a split day,
        e.g. ``"09:00-12:00,13:00-17:00"``. A mapping gives the hours per
        weekday, e.g. ``{"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"}``:
        its keys (weekday names or ranges of them) are the open days and every
        other day is closed.
    days : str or iterable of str
        The open days when ``hours`` is a string: a range ``"Mon-Fri"`` (a
        range may wrap, ``"Sun-Thu"``), a list ``"Mon,Wed,Fri"``, or an
        iterable of names. Names are three-letter or full English weekday
        names in any case. Leave it at its default with an ``hours`` mapping.
    holidays : iterable of date-like
        Closed dates: ISO strings, `datetime.date`, midnight datetimes,
        numpy datetime64, pandas Timestamps or a DatetimeIndex.
    tz : str, optional
        IANA time zone of the calendar (``"Europe/Berlin"``). Open hours are
        wall-clock hours in this zone; naive timestamps are read in it and
        aware ones are converted to it. None: the calendar has no zone and
        takes naive wall-clock times only.

    Attributes
    ----------
    hours : dict of str to str
        Open hours per open weekday (``{"Mon": "09:00-17:00", ...}``).
    days : tuple of str
        The open weekdays.
    holidays : tuple of datetime.date
        The holidays, sorted.
    tz : str or None
        The time zone.
    weekly_hours : float
        Open hours in a week without holidays.

    Raises
    ------
    InputError
        Hours not in the ``HH:MM-HH:MM`` form, a range that ends before it
        starts or overlaps another, unknown weekday names, ``days`` together
        with an hours mapping, holidays that are not dates, an unknown time
        zone.

    Notes
    -----
    The business clock :math:`B(t)` is the open time from an origin up to
    :math:`t`; the business time between two timestamps is

    .. math:: B(t_\mathrm{end}) - B(t_\mathrm{start}).

    A timestamp outside open hours (at night, on a closed day or a holiday)
    reads the same as the close of the last open window before it, so a
    ticket opened on Saturday starts counting when Monday opens.

    Open hours are wall-clock hours in the calendar's zone, and what is
    counted is the real time that passes while the wall clock is inside
    them. A clock change inside open hours therefore shortens or lengthens
    that day: a ``"00:00-24:00"`` day holds 23 hours when clocks spring
    forward and 25 when they fall back. A change at night outside open hours
    changes nothing.

    Naive timestamps are read the way Python reads a local time with
    ``fold=0`` (PEP 495): a time that does not exist (in the gap when
    clocks spring forward) is read with the offset before the change, so
    02:30 becomes the instant the clock shows as 03:30; a time that occurs
    twice (when clocks fall back) is its first occurrence. Nothing is dropped
    or set to missing; pass aware timestamps to name the instant exactly.

    Examples
    --------
    >>> import cxmetrics as cx
    >>> cal = cx.BusinessCalendar(hours="09:00-17:00", days="Mon-Fri",
    ...                           holidays=["2026-12-25"], tz="Europe/Berlin")
    >>> cal
    BusinessCalendar(hours='09:00-17:00', days='Mon-Fri', holidays=('2026-12-25',), tz='Europe/Berlin')
    >>> cal.weekly_hours
    40.0

    A ticket opened on Thursday 24 December at 16:00 and closed on Monday
    28 December at 10:00 took one hour on Thursday and one on Monday
    (Friday is a holiday):

    >>> cx.elapsed(["2026-12-24 16:00"], ["2026-12-28 10:00"], calendar=cal)
    array([2.])

    Hours that differ by weekday:

    >>> cx.BusinessCalendar(hours={"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"})
    BusinessCalendar(hours={'Mon': '08:00-18:00', 'Tue': '08:00-18:00', 'Wed': '08:00-18:00', 'Thu': '08:00-18:00', 'Fri': '08:00-18:00', 'Sat': '10:00-14:00'}, holidays=(), tz=None)
    """  # noqa: E501

    _week: tuple[Windows, ...]
    _holidays: tuple[dt.date, ...]
    _tz: str | None
    _clock: _WeekClock = attrs.field(eq=False, hash=False)

    def __init__(
        self,
        hours: str | Mapping[str, str] = "09:00-17:00",
        days: str | Iterable[str] = "Mon-Fri",
        holidays: Iterable[Any] | None = (),
        tz: str | None = None,
    ) -> None:
        week = _parse_week(hours, days)
        parsed_holidays = _parse_holidays(holidays)
        zone = _parse_tz(tz)
        self.__attrs_init__(
            week, parsed_holidays, zone, _WeekClock.build(week, parsed_holidays)
        )

    @property
    def hours(self) -> dict[str, str]:
        """Open hours per open weekday, Monday first."""
        return {
            WEEKDAYS[day]: _format_windows(windows)
            for day, windows in enumerate(self._week)
            if windows
        }

    @property
    def days(self) -> tuple[str, ...]:
        """The open weekdays, Monday first."""
        return tuple(WEEKDAYS[day] for day, windows in enumerate(self._week) if windows)

    @property
    def holidays(self) -> tuple[dt.date, ...]:
        """The holidays, sorted."""
        return self._holidays

    @property
    def tz(self) -> str | None:
        """The IANA time zone, or None for naive wall-clock time."""
        return self._tz

    @property
    def weekly_hours(self) -> float:
        """Open hours in a week without holidays."""
        return self._clock.week_open / (3600 * SECOND_NS)

    def __repr__(self) -> str:
        hours = self.hours
        holidays = tuple(day.isoformat() for day in self._holidays)
        tail = f"holidays={holidays!r}, tz={self._tz!r})"
        if len(set(hours.values())) == 1:
            (text,) = set(hours.values())
            open_days = [WEEKDAYS.index(day) for day in hours]
            return (
                f"BusinessCalendar(hours={text!r}, days={_format_days(open_days)!r}, "
                + tail
            )
        return f"BusinessCalendar(hours={hours!r}, " + tail

    def _business_clock(
        self, low: int, high: int, *, aware: bool
    ) -> Callable[[IntArray], IntArray]:
        """The business clock over the stamps ``low`` to ``high``.

        Returns a function of an array of stamps in that range: the business
        nanoseconds from an origin shared by every stamp of the range to
        each one. Stamps are UTC instants when ``aware``, else wall-clock
        times in the calendar's zone (or plain wall-clock times when it has
        none). Apply it block by block (`_BLOCK`) to large arrays.
        """
        if self._tz is None:
            days = self._clock.days(low // DAY_NS, high // DAY_NS)
            return lambda part: self._clock.clock(part, days)
        # Offsets stay within a day of UTC, so the wall-clock readings of the
        # stamps and of the changes near them fall within a day of the range.
        margin = DAY_NS if aware else _WALL_MARGIN_NS
        low, high = low - margin, high + margin
        changes = _find_transitions(self._tz, low, high).between(low, high)
        days = self._clock.days(low // DAY_NS - 1, high // DAY_NS + 1)
        # B(t) = wall-clock business time at t's wall reading, less what the
        # wall clock skipped (spring) or repeated (autumn) inside open hours
        # at each change up to t.
        before = self._clock.clock(changes.times + changes.offsets[:-1], days)
        after = self._clock.clock(changes.times + changes.offsets[1:], days)
        skipped = np.concatenate(([0], np.cumsum(after - before)))

        def step(part: IntArray) -> IntArray:
            walls, k = changes.walls(part) if aware else changes.localize(part)
            business = self._clock.clock(walls, days)
            business -= np.take(skipped, k)
            return business

        return step


# ---------------------------------------------------------------------------
# Elapsed time


def _check_alignment(start: Timestamps, end: Timestamps, func: str) -> None:
    if start.size != end.size:
        raise InputError(
            f"{func}: {start.name} has {format_count(start.size)} values but "
            f"{end.name} has {format_count(end.size)}; they must align one to one"
        )


def _common_awareness(
    start: Timestamps, end: Timestamps, calendar: BusinessCalendar | None, func: str
) -> bool:
    aware = check_same_awareness(func, start, end)
    if aware and calendar is not None and calendar.tz is None:
        raise InputError(
            f"{func}: the timestamps are time-zone aware but the calendar has no "
            "time zone (tz=None); give the calendar a tz, or pass naive local times"
        )
    return aware


def _check_span(
    start: Timestamps, end: Timestamps, both: BoolArray, *, aware: bool, func: str
) -> tuple[int, int]:
    """The first and last timestamp measured, at most `MAX_SPAN_DAYS` apart.

    Only rows with both timestamps count; no temporary array is made.
    Without any such row: (0, 0).
    """
    if start.n_missing or end.n_missing:
        if not both.any():
            return 0, 0
        first = min(int(s.ns.min(where=both, initial=_NEVER)) for s in (start, end))
        last = max(int(s.ns.max(where=both, initial=-_NEVER)) for s in (start, end))
    elif start.size:
        first = min(int(start.ns.min()), int(end.ns.min()))
        last = max(int(start.ns.max()), int(end.ns.max()))
    else:
        return 0, 0
    days = (last - first) // DAY_NS
    if days > MAX_SPAN_DAYS:
        raise InputError(
            f"{func}: the timestamps span {format_count(days)} days "
            f"({format_timestamp(first, aware=aware)} to "
            f"{format_timestamp(last, aware=aware)}); at most "
            f"{format_count(MAX_SPAN_DAYS)} days can be measured in one call"
        )
    return first, last


def elapsed_ns(
    start: Timestamps,
    end: Timestamps,
    calendar: BusinessCalendar | None,
    *,
    func: str,
) -> tuple[FloatArray, BoolArray]:
    """Signed ``end - start`` in nanoseconds (float) where both are present.

    Returns the differences (0 where either is missing), a fresh array the
    caller may change in place, and the mask of rows where both are present
    (read-only). Without a calendar the difference is real time for aware
    timestamps and wall-clock time for naive ones; with a calendar it is
    ``B(end) - B(start)``. The int64 difference is exact; its float is exact
    up to 2**53 ns (104 days) and within a part in 10**16 beyond.
    """
    _check_alignment(start, end, func)
    aware = _common_awareness(start, end, calendar, func)
    complete = not (start.n_missing or end.n_missing)
    both = np.broadcast_to(np.True_, (start.size,))
    if not complete:
        both = ~(start.missing | end.missing)
    first, last = _check_span(start, end, both, aware=aware, func=func)
    diff = np.zeros(start.size)
    if calendar is None:
        # Straight into the float result: every large temporary costs page
        # faults on each call.
        np.subtract(end.ns, start.ns, out=diff, casting="unsafe")
        if not complete:
            diff[~both] = 0.0
        return diff, both
    clock = calendar._business_clock(first, last, aware=aware)
    starts, ends = (start.ns, end.ns) if complete else (start.ns[both], end.ns[both])
    spans = diff if complete else np.zeros(starts.size)
    for i in range(0, starts.size, _BLOCK):
        block = slice(i, i + _BLOCK)
        spans[block] = clock(ends[block]) - clock(starts[block])
    if not complete:
        diff[both] = spans
    return diff, both
