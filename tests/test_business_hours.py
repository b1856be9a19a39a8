"""Tests of cxmetrics.business_hours: BusinessCalendar, the business clock and
the timestamp door.

The business clock is checked against a brute-force oracle written here: it
walks time one minute at a time (real instants, turned into local time by
zoneinfo), asks whether the calendar is open in that minute, and counts.
Every timestamp in those tests falls on a whole minute, so the count is the
exact business time. Other references: hand-worked examples with the
arithmetic written out, numpy's busday_count, Python's own reading of naive
local times (PEP 495, fold=0) and pandas' parsing of ISO 8601 strings.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
import re
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxmetrics as cx
from cxmetrics import business_hours
from cxmetrics._timestamps import _has_offset, to_timestamps
from cxmetrics.business_hours import _find_transitions

UTC = dt.timezone.utc
MINUTE = 60
ONE_DAY = dt.timedelta(days=1)
quick = settings(max_examples=60, deadline=None, database=None)


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


def raises(call: Callable[[], object], message: str) -> None:
    with pytest.raises(cx.InputError, match=exact(message)):
        call()


# ---------------------------------------------------------------------------
# The oracle


Week = Mapping[int, Sequence[tuple[int, int]]]  # weekday -> (open, close) minutes


def is_open(local: dt.datetime, week: Week, holidays: frozenset[dt.date]) -> bool:
    """Whether the minute starting at this local wall-clock time is open."""
    if local.date() in holidays:
        return False
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in week.get(local.weekday(), ()))


class MinuteGrid(NamedTuple):
    """Local wall-clock readings of consecutive minutes, from ``base``.

    ``base`` is in epoch minutes: UTC instants for a zone, wall-clock minutes
    for naive time (zone None).
    """

    zone: zoneinfo.ZoneInfo | None
    base: int
    local: list[dt.datetime]

    def open_count(self, week: Week, holidays: frozenset[dt.date]) -> np.ndarray:
        """``count[i]``: open minutes among the first ``i`` minutes of the grid."""
        flags = [is_open(local, week, holidays) for local in self.local]
        return np.concatenate(([0], np.cumsum(flags)))

    def instants(self, minutes: np.ndarray) -> pd.DatetimeIndex:
        """Timestamps of grid minutes: aware UTC for a zone, naive without."""
        ns = ((self.base + minutes) * MINUTE * 10**9).astype("datetime64[ns]")
        index = pd.DatetimeIndex(ns)
        return index if self.zone is None else index.tz_localize("UTC")


def minute_grid(zone_name: str | None, center: str, days: int = 33) -> MinuteGrid:
    """Minutes from about ``days / 2`` days before ``center`` to after it."""
    zone = zoneinfo.ZoneInfo(zone_name) if zone_name else None
    first = dt.datetime.fromisoformat(center) - dt.timedelta(days=days // 2)
    base = int((first.replace(tzinfo=UTC)).timestamp()) // MINUTE
    local = []
    for i in range(days * 1440):
        seconds = (base + i) * MINUTE
        if zone is None:
            local.append(dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds))
        else:
            local.append(dt.datetime.fromtimestamp(seconds, zone))
    return MinuteGrid(zone, base, local)


class Spec(NamedTuple):
    """A calendar as cx.BusinessCalendar reads it and as the oracle reads it."""

    label: str
    hours: Any
    days: Any
    week: Week


ALL_WEEK = {day: [(0, 1440)] for day in range(7)}
SPECS = [
    Spec("24/7", "00:00-24:00", "Mon-Sun", ALL_WEEK),
    Spec(
        "split weekdays, Sunday around the clock change",
        {
            "Mon-Fri": "08:00-12:00,13:00-18:00",
            "Sun": "01:30-02:30,02:45-03:15,22:00-24:00",
        },
        "Mon-Fri",
        {
            **{day: [(480, 720), (780, 1080)] for day in range(5)},
            6: [(90, 150), (165, 195), (1320, 1440)],
        },
    ),
    Spec(
        "opens inside the clock change, weekend and Monday",
        "02:30-10:00",
        "Sat-Mon",
        {day: [(150, 600)] for day in (5, 6, 0)},
    ),
    Spec(
        "office hours",
        "09:00-17:00",
        "Mon-Fri",
        {day: [(540, 1020)] for day in range(5)},
    ),
]

#: (zone, the day of a clock change to centre the grid on)
SCENARIOS = [
    ("Europe/Berlin", "2026-03-29"),  # spring forward 02:00 -> 03:00, Sunday
    ("Europe/Berlin", "2026-10-25"),  # fall back 03:00 -> 02:00, Sunday
    ("America/New_York", "2026-03-08"),
    ("America/New_York", "2026-11-01"),
    ("Australia/Lord_Howe", "2026-04-05"),  # half-hour change, 02:00 -> 01:30
    ("Australia/Lord_Howe", "2026-10-04"),  # half-hour change, 02:00 -> 02:30
    (None, "2026-03-29"),  # naive wall-clock time
]


@pytest.fixture(scope="module")
def grids() -> dict[tuple[str | None, str], MinuteGrid]:
    return {scenario: minute_grid(*scenario) for scenario in SCENARIOS}


def holidays_near(center: str) -> frozenset[dt.date]:
    """A holiday on a weekday and one on a Sunday, near the clock change."""
    day = dt.date.fromisoformat(center)
    return frozenset({day - dt.timedelta(days=5), day + dt.timedelta(days=7)})


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s[0]}-{s[1]}")
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.label)
def test_business_clock_equals_minute_by_minute_count(grids, scenario, spec):
    grid = grids[scenario]
    holidays = holidays_near(scenario[1])
    count = grid.open_count(spec.week, holidays)
    cal = cx.BusinessCalendar(
        hours=spec.hours,
        days=spec.days if isinstance(spec.hours, str) else "Mon-Fri",
        holidays=sorted(holidays),
        tz=scenario[0],
    )
    rng = np.random.default_rng(abs(hash((scenario, spec.label))) % 2**32)
    a, b = rng.integers(0, len(grid.local), size=(2, 3_000))
    start, end = np.minimum(a, b), np.maximum(a, b)
    got = cx.elapsed(grid.instants(start), grid.instants(end), calendar=cal, unit="min")
    expected = count[end] - count[start]
    np.testing.assert_array_equal(got, expected)
    # Spans reach from minutes to weeks; a good share starts or ends when closed.
    assert (end - start).max() > 14 * 1440
    assert (got < (end - start)).mean() > 0.5


@pytest.mark.parametrize("scenario", [SCENARIOS[1], SCENARIOS[-1]], ids=str)
def test_many_pairs_at_once_equal_the_minute_count(grids, scenario):
    # Enough timestamps (2 x 40,000) that the clock works through them in
    # several blocks.
    grid = grids[scenario]
    spec = SPECS[1]
    holidays = holidays_near(scenario[1])
    count = grid.open_count(spec.week, holidays)
    cal = cx.BusinessCalendar(
        hours=spec.hours, holidays=sorted(holidays), tz=scenario[0]
    )
    rng = np.random.default_rng(99)
    start, end = np.sort(rng.integers(0, len(grid.local), size=(2, 40_000)), axis=0)
    got = cx.elapsed(grid.instants(start), grid.instants(end), calendar=cal, unit="min")
    np.testing.assert_array_equal(got, count[end] - count[start])


@pytest.mark.parametrize("scenario", SCENARIOS[:-1], ids=lambda s: f"{s[0]}-{s[1]}")
def test_aware_timestamps_in_another_zone_are_converted(grids, scenario):
    grid = grids[scenario]
    spec = SPECS[1]
    count = grid.open_count(spec.week, frozenset())
    cal = cx.BusinessCalendar(hours=spec.hours, tz=scenario[0])
    rng = np.random.default_rng(7)
    start, end = np.sort(rng.integers(0, len(grid.local), size=(2, 500)), axis=0)
    in_kolkata = [grid.instants(m).tz_convert("Asia/Kolkata") for m in (start, end)]
    got = cx.elapsed(*in_kolkata, calendar=cal, unit="min")
    np.testing.assert_array_equal(got, count[end] - count[start])


def python_instant_minutes(walls: Sequence[dt.datetime], zone: zoneinfo.ZoneInfo):
    """Epoch minutes of naive local times as Python reads them (fold=0)."""
    return np.array([int(w.replace(tzinfo=zone).timestamp()) // MINUTE for w in walls])


@pytest.mark.parametrize("scenario", SCENARIOS[:-1], ids=lambda s: f"{s[0]}-{s[1]}")
def test_naive_timestamps_are_read_in_the_calendar_zone_like_python(grids, scenario):
    # Naive times near the clock change, including ones in the gap (spring)
    # or in the repeated hour (autumn): each is read as Python reads it with
    # fold=0, and the business time between the instants is counted.
    grid = grids[scenario]
    spec = SPECS[0] if scenario[1].endswith(("29", "08", "05")) else SPECS[2]
    count = grid.open_count(spec.week, frozenset())
    cal = cx.BusinessCalendar(hours=spec.hours, days=spec.days, tz=scenario[0])
    change = dt.datetime.fromisoformat(scenario[1])
    walls = [change + dt.timedelta(minutes=int(m)) for m in range(0, 8 * 60, 5)]
    rng = np.random.default_rng(3)
    i, j = rng.integers(0, len(walls), size=(2, 2_000))
    starts = [walls[k] for k in i]
    ends = [walls[k] for k in j]
    zone = zoneinfo.ZoneInfo(scenario[0])
    start_idx = python_instant_minutes(starts, zone) - grid.base
    end_idx = python_instant_minutes(ends, zone) - grid.base
    expected = count[end_idx] - count[start_idx]
    # Signed: a naive time in a gap can be read as a later instant than a
    # naive time written after it.
    got = cx.elapsed(starts, ends, calendar=cal, unit="min", nan_policy="propagate")
    np.testing.assert_array_equal(got, expected)
    as_text = cx.elapsed(
        [w.isoformat(sep=" ") for w in starts],
        [w.isoformat() for w in ends],
        calendar=cal,
        unit="min",
        nan_policy="propagate",
    )
    np.testing.assert_array_equal(as_text, expected)


# ---------------------------------------------------------------------------
# Random calendars against the oracle (hypothesis)


@st.composite
def random_calendars(draw):
    """Per-weekday hours (closed, one range or two), as text and as minutes."""
    hours: dict[str, str] = {}
    week: dict[int, list[tuple[int, int]]] = {}
    for day in range(7):
        n_ranges = draw(st.integers(0, 2))
        if not n_ranges:
            continue
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(0, 1440),
                    min_size=2 * n_ranges,
                    max_size=2 * n_ranges,
                    unique=True,
                )
            )
        )
        ranges = list(zip(cuts[::2], cuts[1::2], strict=False))
        week[day] = ranges
        hours[["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day]] = ",".join(
            f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in ranges
        )
    if not hours:
        hours["Wed"] = "10:00-11:00"
        week[2] = [(600, 660)]
    return hours, week


@quick
@given(
    calendar=random_calendars(),
    holiday_offsets=st.sets(st.integers(0, 9), max_size=3),
    minutes=st.lists(
        st.tuples(st.integers(0, 10 * 1440), st.integers(0, 10 * 1440)),
        min_size=1,
        max_size=20,
    ),
)
def test_random_calendars_equal_the_minute_count(calendar, holiday_offsets, minutes):
    hours, week = calendar
    first = dt.datetime(2026, 2, 2)  # a Monday
    holidays = frozenset(first.date() + dt.timedelta(days=k) for k in holiday_offsets)
    flags = [
        is_open(first + dt.timedelta(minutes=m), week, holidays)
        for m in range(10 * 1440 + 1)
    ]
    count = np.concatenate(([0], np.cumsum(flags)))
    start = np.array([min(a, b) for a, b in minutes])
    end = np.array([max(a, b) for a, b in minutes])
    cal = cx.BusinessCalendar(hours=hours, holidays=sorted(holidays))
    stamps = np.datetime64(first, "m")
    got = cx.elapsed(stamps + start, stamps + end, calendar=cal, unit="min")
    np.testing.assert_array_equal(got, count[end] - count[start])


# ---------------------------------------------------------------------------
# Worked examples


BERLIN = "Europe/Berlin"


def test_friday_afternoon_to_monday_morning():
    # Mon-Fri 09:00-17:00: Friday 16:00-17:00 is 1 h, the weekend is closed,
    # Monday 09:00-10:30 is 1.5 h: 2.5 h in all.
    cal = cx.BusinessCalendar()
    got = cx.elapsed(["2026-01-09 16:00"], ["2026-01-12 10:30"], calendar=cal)
    assert got.tolist() == [2.5]


def test_timestamps_outside_hours_sit_at_the_boundary():
    cal = cx.BusinessCalendar()  # Mon-Fri 09:00-17:00
    start = ["2026-01-05 06:00", "2026-01-05 20:00", "2026-01-10 12:00"]
    end = ["2026-01-05 08:59", "2026-01-06 09:15", "2026-01-12 09:45"]
    # Before opening: 0. Monday evening to Tuesday 09:15: 0.25 h. Saturday
    # noon (closed) to Monday 09:45: 0.75 h.
    got = cx.elapsed(start, end, calendar=cal)
    assert got.tolist() == [0.0, 0.25, 0.75]


def test_holiday_is_closed_all_day():
    # Thursday 24 December 16:00 to Monday 28 December 10:00; Friday the
    # 25th is a holiday: 1 h on Thursday + 1 h on Monday.
    cal = cx.BusinessCalendar(holidays=["2026-12-25"], tz=BERLIN)
    got = cx.elapsed(["2026-12-24 16:00"], ["2026-12-28 10:00"], calendar=cal)
    assert got.tolist() == [2.0]
    # Starting and ending inside the holiday counts nothing.
    inside = cx.elapsed(["2026-12-25 10:00"], ["2026-12-25 12:00"], calendar=cal)
    assert inside.tolist() == [0.0]


def test_split_day_skips_lunch():
    cal = cx.BusinessCalendar(hours="09:00-12:00,13:00-17:00")
    # 11:00-12:00 is 1 h, lunch is closed, 13:00-14:30 is 1.5 h.
    got = cx.elapsed(["2026-01-05 11:00"], ["2026-01-05 14:30"], calendar=cal)
    assert got.tolist() == [2.5]
    assert cal.weekly_hours == 5 * 7


def test_hours_per_weekday():
    cal = cx.BusinessCalendar(hours={"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"})
    # Friday 17:00 to Monday 09:00: 1 h Friday + 4 h Saturday + 1 h Monday.
    got = cx.elapsed(["2026-01-09 17:00"], ["2026-01-12 09:00"], calendar=cal)
    assert got.tolist() == [6.0]
    assert cal.weekly_hours == 5 * 10 + 4


def test_a_day_around_the_clock_in_spring_has_23_hours():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=BERLIN)
    # Clocks go from 02:00 to 03:00 on Sunday 29 March 2026.
    got = cx.elapsed(
        ["2026-03-28 12:00", "2026-03-29 00:00"],
        ["2026-03-29 12:00", "2026-03-30 00:00"],
        calendar=cal,
    )
    assert got.tolist() == [23.0, 23.0]


def test_a_day_around_the_clock_in_autumn_has_25_hours():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=BERLIN)
    got = cx.elapsed(["2026-10-25 00:00"], ["2026-10-26 00:00"], calendar=cal)
    assert got.tolist() == [25.0]


def test_new_york_spring_day_has_23_hours():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Sun", tz="America/New_York")
    got = cx.elapsed(["2026-03-08 00:00"], ["2026-03-09 00:00"], calendar=cal)
    assert got.tolist() == [23.0]


def test_clock_change_outside_open_hours_changes_nothing():
    cal = cx.BusinessCalendar(hours="09:00-17:00", days="Mon-Sun", tz=BERLIN)
    got = cx.elapsed(["2026-03-28 09:00"], ["2026-03-30 09:00"], calendar=cal)
    assert got.tolist() == [16.0]


def test_window_opening_inside_the_spring_gap_opens_at_the_change():
    # 02:30 does not exist on 29 March 2026 in Berlin; the wall clock reads
    # 03:00 from the change on, so the window 02:30-10:00 is open from 03:00
    # to 10:00 CEST: 7 h.
    cal = cx.BusinessCalendar(hours="02:30-10:00", days="Sun", tz=BERLIN)
    start = pd.Series(pd.to_datetime(["2026-03-28 23:00"])).dt.tz_localize("UTC")
    end = pd.Series(pd.to_datetime(["2026-03-29 12:00"])).dt.tz_localize("UTC")
    assert cx.elapsed(start, end, calendar=cal).tolist() == [7.0]


def test_window_opening_inside_the_repeated_hour_counts_both_passes():
    # 25 October 2026: 03:00 CEST becomes 02:00 CET. The wall clock reads
    # 02:30-03:00 twice; the first pass (00:30-01:00 UTC) is open, then the
    # clock is back at 02:00 (closed until 02:30 CET = 01:30 UTC), then open
    # to 10:00 CET (09:00 UTC): 0.5 h + 7.5 h = 8 h.
    cal = cx.BusinessCalendar(hours="02:30-10:00", days="Sun", tz=BERLIN)
    start = pd.DatetimeIndex(["2026-10-24 22:00"]).tz_localize("UTC")
    end = pd.DatetimeIndex(["2026-10-25 12:00"]).tz_localize("UTC")
    assert cx.elapsed(start, end, calendar=cal).tolist() == [8.0]
    # Up to 01:15 UTC (02:15 CET, in the closed part of the second pass):
    # only the first half hour.
    middle = pd.DatetimeIndex(["2026-10-25 01:15"]).tz_localize("UTC")
    assert cx.elapsed(start, middle, calendar=cal).tolist() == [0.5]


def test_naive_time_in_the_spring_gap_is_read_with_the_old_offset():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=BERLIN)
    # 02:30 is read with +01:00, the offset before the change: the instant
    # 01:30 UTC, which reads 03:30 CEST. From 00:00 (23:00 UTC the day
    # before) that is 2.5 h; 02:30 and 03:30 are the same instant.
    got = cx.elapsed(
        ["2026-03-29 00:00", "2026-03-29 02:30"],
        ["2026-03-29 02:30", "2026-03-29 03:30"],
        calendar=cal,
    )
    assert got.tolist() == [2.5, 0.0]


def test_naive_time_in_the_repeated_hour_is_the_first_pass():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=BERLIN)
    # 02:30 on 25 October is read as 02:30 CEST (00:30 UTC). From 00:00 CEST
    # (22:00 UTC) that is 2.5 h; to 03:00 CET (02:00 UTC) another 1.5 h.
    got = cx.elapsed(
        ["2026-10-25 00:00", "2026-10-25 02:30"],
        ["2026-10-25 02:30", "2026-10-25 03:00"],
        calendar=cal,
    )
    assert got.tolist() == [2.5, 1.5]


def test_a_skipped_calendar_day_counts_nothing():
    # Samoa moved across the date line: 29 December 2011 23:59:59 (-10:00)
    # was followed by 31 December 2011 00:00 (+14:00). Real time runs on, so a
    # round-the-clock calendar counts 24 h from the 29th 12:00 to the 31st
    # 12:00 local.
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz="Pacific/Apia")
    got = cx.elapsed(["2011-12-29 12:00"], ["2011-12-31 12:00"], calendar=cal)
    assert got.tolist() == [24.0]
    zone = zoneinfo.ZoneInfo("Pacific/Apia")
    start = dt.datetime(2011, 12, 29, 12, tzinfo=zone).timestamp()
    end = dt.datetime(2011, 12, 31, 12, tzinfo=zone).timestamp()
    assert (end - start) / 3600 == 24.0


# ---------------------------------------------------------------------------
# Long spans: exact against numpy's business-day arithmetic


def test_years_of_whole_days_match_busday_count():
    # Per-weekday hours and holidays over 30 years, from midnight to
    # midnight: the open hours are the hours of each weekday times the
    # number of open days of that weekday, counted by np.busday_count with a
    # weekmask of that weekday alone.
    hours = {
        "Mon": "08:00-18:00",
        "Wed": "09:00-12:00,13:00-17:30",
        "Sat": "10:00-14:00",
    }
    per_weekday = {"Mon": 10.0, "Wed": 7.5, "Sat": 4.0}
    rng = np.random.default_rng(11)
    holidays = np.datetime64("2000-01-01") + rng.choice(11_000, 200, replace=False)
    cal = cx.BusinessCalendar(hours=hours, holidays=holidays)
    starts = np.datetime64("2000-01-01") + rng.integers(0, 5_000, 300)
    ends = starts + rng.integers(0, 6_000, 300)
    expected = np.zeros(300)
    for day, h in per_weekday.items():
        mask = [
            int(name == day)
            for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        ]
        expected += h * np.busday_count(starts, ends, weekmask=mask, holidays=holidays)
    got = cx.elapsed(starts, ends, calendar=cal)
    np.testing.assert_array_equal(got, expected)


def test_around_the_clock_in_a_zone_is_real_elapsed_time_over_decades():
    cal = cx.BusinessCalendar(hours="00:00-24:00", days="Mon-Sun", tz=BERLIN)
    rng = np.random.default_rng(5)
    seconds = np.sort(rng.integers(0, 40 * 365 * 86_400, size=(2, 2_000)), axis=0)
    start = pd.DatetimeIndex(
        (np.datetime64("1990-01-01", "s") + seconds[0]).astype("datetime64[ns]")
    ).tz_localize("UTC")
    end = pd.DatetimeIndex(
        (np.datetime64("1990-01-01", "s") + seconds[1]).astype("datetime64[ns]")
    ).tz_localize("UTC")
    got = cx.elapsed(start, end, calendar=cal, unit="s")
    np.testing.assert_array_equal(got, (seconds[1] - seconds[0]).astype(float))


def test_sub_second_timestamps_are_exact():
    cal = cx.BusinessCalendar()
    start = np.array(["2026-01-05T16:59:59.999999999"], dtype="datetime64[ns]")
    end = np.array(["2026-01-06T09:00:00.000000001"], dtype="datetime64[ns]")
    # 1 ns on Monday before closing, 1 ns on Tuesday after opening.
    assert cx.elapsed(start, end, calendar=cal, unit="s").tolist() == [2e-9]


# ---------------------------------------------------------------------------
# Properties of the clock


naive_minutes = st.integers(0, 60 * 24 * 60)  # minutes into a 60-day stretch


@quick
@given(
    calendar=random_calendars(),
    points=st.lists(naive_minutes, min_size=3, max_size=3),
    zone=st.sampled_from([None, BERLIN, "America/New_York", "Asia/Kolkata"]),
)
def test_elapsed_is_additive_and_never_negative(calendar, points, zone):
    hours, _ = calendar
    cal = cx.BusinessCalendar(hours=hours, tz=zone)
    a, b, c = np.datetime64("2026-02-15T00:00", "m") + np.sort(points)
    ab, bc, ac = (
        cx.elapsed([x], [y], calendar=cal, unit="s", nan_policy="propagate")[0]
        for x, y in ((a, b), (b, c), (a, c))
    )
    if zone is None or zone == "Asia/Kolkata":  # no clock change: B is monotone
        assert min(ab, bc) >= 0
    assert ac == ab + bc


@quick
@given(
    calendar=random_calendars(),
    seconds=st.lists(st.integers(0, 90 * 86_400), min_size=2, max_size=40),
)
def test_business_clock_is_monotone_in_real_time(calendar, seconds):
    hours, _ = calendar
    cal = cx.BusinessCalendar(hours=hours, tz="America/New_York")
    instants = pd.DatetimeIndex(
        np.datetime64("2026-01-20", "s") + np.sort(seconds)
    ).tz_localize("UTC")
    steps = cx.elapsed(instants[:-1], instants[1:], calendar=cal, unit="s")
    real = np.diff(np.sort(seconds))
    assert np.all(steps >= 0)
    assert np.all(steps <= real)


# ---------------------------------------------------------------------------
# Time-zone transitions


@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        (BERLIN, "2020-01-01", "2030-01-01"),
        ("Australia/Lord_Howe", "2024-01-01", "2027-01-01"),
        ("Pacific/Apia", "2010-06-01", "2012-06-01"),
        ("America/Sao_Paulo", "2015-01-01", "2021-01-01"),
        ("Asia/Tokyo", "2020-01-01", "2021-01-01"),
    ],
)
def test_found_transitions_give_pythons_offsets(zone, first, last):
    tz = zoneinfo.ZoneInfo(zone)
    low = pd.Timestamp(first).value
    high = pd.Timestamp(last).value
    changes = _find_transitions(zone, low, high)
    # Each change: the offset a second before and at the change, per Python.
    for i, at in enumerate(changes.times // 10**9):
        before = dt.datetime.fromtimestamp(int(at) - 1, tz).utcoffset()
        after = dt.datetime.fromtimestamp(int(at), tz).utcoffset()
        assert before.total_seconds() * 1e9 == changes.offsets[i]
        assert after.total_seconds() * 1e9 == changes.offsets[i + 1]
        assert before != after
    # Everywhere in between, the offset in force is Python's.
    rng = np.random.default_rng(1)
    probe = rng.integers(low // 10**9, high // 10**9, 3_000)
    k = np.searchsorted(changes.times // 10**9, probe, side="right")
    python = [dt.datetime.fromtimestamp(int(s), tz).utcoffset() for s in probe]
    assert [o.total_seconds() for o in python] == (changes.offsets[k] / 1e9).tolist()


def test_two_changes_in_one_day_are_both_found(monkeypatch):
    # A made-up zone whose offset goes 0 -> +1 h -> +2 h within three hours
    # and a few seconds of one day; the daily grid sees only 0 -> +2 h.
    first = 1_778_000_000
    one, two = first + 86_400 + 6 * 3600, first + 86_400 + 9 * 3600 + 17

    def offsets(zone: object, seconds: np.ndarray) -> np.ndarray:
        return np.where(seconds < one, 0, np.where(seconds < two, 3600, 7200))

    monkeypatch.setattr(business_hours, "_utc_offsets", offsets)
    times, after = business_hours._scan_changes(None, first, first + 3 * 86_400)
    assert times.tolist() == [one, two]
    assert after.tolist() == [3600, 7200]


def test_kept_offset_changes_stay_bounded(monkeypatch):
    monkeypatch.setattr(business_hours, "_YEARS_KEPT", 0)
    monkeypatch.setattr(business_hours, "_YEARS", {("Europe/Berlin", 1999): ((), 0)})
    changes = _find_transitions(
        "Europe/Berlin",
        pd.Timestamp("2026-01-02").value,
        pd.Timestamp("2026-02-01").value,
    )
    assert set(business_hours._YEARS) == {("Europe/Berlin", 2026)}
    assert changes.times.size == 2  # March and October 2026


# ---------------------------------------------------------------------------
# The calendar object


def test_defaults():
    cal = cx.BusinessCalendar()
    assert cal.hours == dict.fromkeys(
        ("Mon", "Tue", "Wed", "Thu", "Fri"), "09:00-17:00"
    )
    assert cal.days == ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert cal.holidays == ()
    assert cal.tz is None
    assert cal.weekly_hours == 40.0


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("Mon-Fri", ("Mon", "Tue", "Wed", "Thu", "Fri")),
        ("mon,WED,Fri", ("Mon", "Wed", "Fri")),
        (["Monday", "wednesday"], ("Mon", "Wed")),
        ("Sun-Thu", ("Mon", "Tue", "Wed", "Thu", "Sun")),
        ("Mon-Wed, Fri", ("Mon", "Tue", "Wed", "Fri")),
        (("Sat",), ("Sat",)),
        ("Sat-Sat", ("Sat",)),
        ("Fri-Mon", ("Mon", "Fri", "Sat", "Sun")),
    ],
)
def test_days_forms(days, expected):
    assert cx.BusinessCalendar(days=days).days == expected


@pytest.mark.parametrize(
    ("hours", "canonical", "weekly"),
    [
        ("09:00-17:00", "09:00-17:00", 40.0),
        ("9:00 - 17:00", "09:00-17:00", 40.0),
        ("09:00-12:00,12:00-17:00", "09:00-17:00", 40.0),  # touching ranges merge
        ("13:00-17:00, 09:00-12:00", "09:00-12:00,13:00-17:00", 35.0),  # sorted
        ("00:00-24:00", "00:00-24:00", 120.0),
        ("08:15-08:45", "08:15-08:45", 2.5),
    ],
)
def test_hours_forms(hours, canonical, weekly):
    cal = cx.BusinessCalendar(hours=hours)
    assert set(cal.hours.values()) == {canonical}
    assert cal.weekly_hours == weekly


def test_hours_mapping_keys_are_the_open_days():
    cal = cx.BusinessCalendar(hours={"Mon-Thu": "08:00-16:00", "friday": "08:00-12:00"})
    assert cal.days == ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert cal.hours["Fri"] == "08:00-12:00"
    assert cal.weekly_hours == 4 * 8 + 4


def test_holiday_forms_are_read_as_dates():
    cal = cx.BusinessCalendar(
        holidays=[
            "2026-12-25",
            dt.date(2026, 12, 26),
            dt.datetime(2026, 1, 1),
            np.datetime64("2026-05-01"),
            pd.Timestamp("2026-10-03"),
            "2026-12-25",  # repeated
            "2026-04-03",
        ]
    )
    assert cal.holidays == tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2026-01-01",
            "2026-04-03",
            "2026-05-01",
            "2026-10-03",
            "2026-12-25",
            "2026-12-26",
        )
    )
    index = pd.DatetimeIndex(["2026-12-25", "2026-12-24"])
    assert cx.BusinessCalendar(holidays=index).holidays == (
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 25),
    )
    assert cx.BusinessCalendar(holidays="2026-12-25").holidays == (
        dt.date(2026, 12, 25),
    )
    assert cx.BusinessCalendar(holidays=None).holidays == ()


def test_holiday_on_a_closed_day_changes_nothing():
    plain = cx.BusinessCalendar()
    sunday = cx.BusinessCalendar(holidays=["2026-01-11"])
    args = (["2026-01-09 12:00"], ["2026-01-13 12:00"])
    assert cx.elapsed(*args, calendar=plain).tolist() == [16.0]
    assert cx.elapsed(*args, calendar=sunday).tolist() == [16.0]


def test_time_zone_object_is_accepted_by_its_key():
    assert cx.BusinessCalendar(tz=zoneinfo.ZoneInfo(BERLIN)).tz == BERLIN


@pytest.mark.parametrize(
    "cal",
    [
        cx.BusinessCalendar(),
        cx.BusinessCalendar(
            hours="08:00-12:00,13:00-17:00",
            days="Mon-Wed,Fri",
            holidays=["2026-12-25"],
            tz=BERLIN,
        ),
        cx.BusinessCalendar(hours={"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"}),
        cx.BusinessCalendar(days="Mon,Wed"),
    ],
)
def test_repr_rebuilds_an_equal_calendar(cal):
    rebuilt = eval(repr(cal), {"BusinessCalendar": cx.BusinessCalendar})
    assert rebuilt == cal
    assert hash(rebuilt) == hash(cal)
    assert pickle.loads(pickle.dumps(cal)) == cal


def test_repr_reads_like_the_call():
    cal = cx.BusinessCalendar(
        days="Mon,Wed,Thu,Fri", holidays=["2026-12-25"], tz=BERLIN
    )
    assert repr(cal) == (
        "BusinessCalendar(hours='09:00-17:00', days='Mon,Wed-Fri', "
        "holidays=('2026-12-25',), tz='Europe/Berlin')"
    )
    two = cx.BusinessCalendar(days="Sat,Sun")
    assert repr(two) == (
        "BusinessCalendar(hours='09:00-17:00', days='Sat,Sun', holidays=(), tz=None)"
    )


def test_equality_follows_the_definition():
    assert cx.BusinessCalendar(days="Mon-Fri") == cx.BusinessCalendar(
        hours={"Mon-Fri": "09:00-17:00"}
    )
    assert cx.BusinessCalendar() != cx.BusinessCalendar(tz="UTC")
    assert cx.BusinessCalendar() != cx.BusinessCalendar(holidays=["2026-01-01"])
    assert cx.BusinessCalendar() != cx.BusinessCalendar(hours="09:00-17:30")


def test_calendar_is_immutable():
    cal = cx.BusinessCalendar()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cal._tz = BERLIN  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Bad calendars


HOURS_FORM = (
    "is not in the form 'HH:MM-HH:MM' (e.g. '09:00-17:00', or "
    "'09:00-12:00,13:00-17:00' for a split day)"
)
OVERNIGHT = "write a shift past midnight as two ranges, e.g. '00:00-06:00,22:00-24:00'"
DAY_NAMES = "use Mon to Sun or Monday to Sunday"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": "9-17"}, f"hours '9-17' {HOURS_FORM}"),
        ({"hours": ""}, f"hours '' {HOURS_FORM}"),
        ({"hours": "09:00-17:00,"}, f"hours '09:00-17:00,' {HOURS_FORM}"),
        (
            {"hours": "25:00-26:00"},
            "hours '25:00-26:00' has a time that does not exist (25:00-26:00); "
            "hours run from 00:00 to 24:00",
        ),
        (
            {"hours": "09:60-10:00"},
            "hours '09:60-10:00' has a time that does not exist (09:60-10:00); "
            "hours run from 00:00 to 24:00",
        ),
        (
            {"hours": "24:00-24:00"},
            "hours '24:00-24:00' has a time that does not exist (24:00-24:00); "
            "hours run from 00:00 to 24:00",
        ),
        (
            {"hours": "17:00-09:00"},
            "hours '17:00-09:00' has a range that does not end after it starts "
            f"(17:00-09:00); {OVERNIGHT}",
        ),
        (
            {"hours": "09:00-09:00"},
            "hours '09:00-09:00' has a range that does not end after it starts "
            f"(09:00-09:00); {OVERNIGHT}",
        ),
        (
            {"hours": "09:00-12:00,11:00-13:00"},
            "hours '09:00-12:00,11:00-13:00' has overlapping ranges "
            "(09:00-12:00 and 11:00-13:00)",
        ),
        (
            {"hours": 9},
            "hours must be a string like '09:00-17:00' or a mapping of weekday "
            "to such a string; got 9",
        ),
        (
            {"hours": {"Mon": 9}},
            "hours['Mon'] must be a string like '09:00-17:00'; got 9",
        ),
        (
            {"hours": {"Sat": "10-14"}},
            f"hours['Sat'] '10-14' {HOURS_FORM}",
        ),
        (
            {"hours": {}},
            "the hours mapping is empty; it must give the hours of at least one "
            "open day",
        ),
        (
            {"hours": {"Mon-Fri": "08:00-16:00", "Fri": "08:00-12:00"}},
            "the hours mapping gives Fri more than once ('Mon-Fri' and 'Fri')",
        ),
        (
            {"hours": {"Mon": "08:00-16:00"}, "days": "Mon-Sat"},
            "days='Mon-Sat' cannot be combined with an hours mapping; the "
            "mapping's keys are the open days",
        ),
        (
            {"hours": {"Mo": "08:00-16:00"}},
            f"1 of 1 weekday names in hours key 'Mo' are unknown ('Mo'); {DAY_NAMES}",
        ),
        (
            {"days": "Mon-Fry"},
            f"1 of 2 weekday names in days are unknown ('Fry'); {DAY_NAMES}",
        ),
        (
            {"days": ["Mo", "Tue", "Thurs"]},
            f"2 of 3 weekday names in days are unknown ('Mo', 'Thurs'); {DAY_NAMES}",
        ),
        (
            {"days": "Mon-Wed-Fri"},
            "days 'Mon-Wed-Fri' is not a weekday, a range like 'Mon-Fri' or a "
            "list like 'Mon,Wed,Fri'",
        ),
        ({"days": [1, 2]}, "days must be weekday names; got 1, 2"),
        (
            {"days": 5},
            "days must be weekday names like 'Mon-Fri' or ['Mon', 'Wed']; got 5",
        ),
        (
            {"days": []},
            "days names no weekday; a calendar needs at least one open day",
        ),
        (
            {"holidays": ["2026-12-25", "2026-13-01", "xmas", 5]},
            "3 of 4 strings in holidays are not ISO 8601 timestamps ('2026-13-01', "
            "'xmas', '5')",
        ),
        (
            {"holidays": [None, np.datetime64("NaT", "ns")]},
            "2 of 2 holidays are missing (None, NaT); give each holiday a date",
        ),
        (
            {"holidays": ["2025-12-25", pd.NaT]},
            "1 of 2 holidays are missing (NaT); give each holiday a date",
        ),
        (
            {"holidays": ["2025-12-25", pd.Timestamp("2025-12-26", tz="UTC")]},
            "holidays mixes 1 time-zone aware timestamps (2025-12-26 00:00:00+00:00) "
            "with 1 naive ones ('2025-12-25'); give all of them a time zone or none",
        ),
        (
            {"holidays": ["2025-W52-4"]},
            "1 of 1 strings in holidays are ISO week dates ('2025-W52-4'); week "
            "dates are not supported: give calendar dates, such as 2025-12-25 for "
            "'2025-W52-4'",
        ),
        (
            {"holidays": ["2026-12-24 12:00", "2026-12-25"]},
            "1 of 2 holidays have a time of day ('2026-12-24 12:00'); holidays "
            "are whole dates",
        ),
        ({"holidays": 5}, "holidays must be a collection of dates; got 5"),
        (
            {"tz": "Mars/Olympus"},
            "unknown time zone 'Mars/Olympus'; use an IANA name such as "
            "'Europe/Berlin' or 'America/New_York'",
        ),
        (
            {"tz": "../etc/passwd"},
            "unknown time zone '../etc/passwd'; use an IANA name such as "
            "'Europe/Berlin' or 'America/New_York'",
        ),
        (
            {"tz": 1},
            "tz must be an IANA time-zone name such as 'Europe/Berlin', or None; got 1",
        ),
    ],
)
def test_bad_calendar(kwargs, message):
    raises(lambda: cx.BusinessCalendar(**kwargs), f"BusinessCalendar: {message}")


# ---------------------------------------------------------------------------
# Timestamps in every form


INSTANTS = ["2026-03-27 16:00", "2026-03-30 10:30"]  # Friday, Monday (Berlin)
EXPECTED_BERLIN_HOURS = [1.0 + 1.5]  # Fri 16-17, Mon 09-10:30


def naive_forms() -> dict[str, tuple[Any, Any]]:
    s, e = INSTANTS
    stamps = pd.to_datetime(INSTANTS)
    return {
        "strings": ([s], [e]),
        "iso T strings": (["2026-03-27T16:00:00"], ["2026-03-30T10:30"]),
        "numpy array of strings": (np.array([s]), np.array([e])),
        "datetime64[ns]": (stamps[:1].to_numpy(), stamps[1:].to_numpy()),
        "datetime64[s]": (
            stamps[:1].to_numpy().astype("datetime64[s]"),
            stamps[1:].to_numpy().astype("datetime64[s]"),
        ),
        "datetime64 objects in a list": (
            [np.datetime64("2026-03-27T16:00")],
            [np.datetime64("2026-03-30T10:30")],
        ),
        "Series": (pd.Series(stamps[:1]), pd.Series(stamps[1:])),
        "DatetimeIndex": (stamps[:1], stamps[1:]),
        "DatetimeArray": (stamps[:1].array, stamps[1:].array),
        "python datetimes": ([stamps[0].to_pydatetime()], [stamps[1].to_pydatetime()]),
        "Timestamps": ([stamps[0]], [stamps[1]]),
        "object Series of strings": (
            pd.Series([s], dtype=object),
            pd.Series([e], dtype=object),
        ),
        "string dtype Series": (
            pd.Series([s], dtype="string"),
            pd.Series([e], dtype="string"),
        ),
        "tuple": ((s,), (e,)),
        "mixed objects": (
            np.array([stamps[0].to_pydatetime()], dtype=object),
            np.array([e], dtype=object),
        ),
    }


def aware_forms() -> dict[str, tuple[Any, Any]]:
    stamps = pd.to_datetime(INSTANTS).tz_localize(BERLIN)
    in_utc = stamps.tz_convert("UTC")
    return {
        "strings with offsets": (
            ["2026-03-27 16:00+01:00"],
            ["2026-03-30T10:30:00+02:00"],
        ),
        "strings in UTC": (["2026-03-27T15:00:00Z"], ["2026-03-30T08:30Z"]),
        "aware Series": (pd.Series(stamps[:1]), pd.Series(stamps[1:])),
        "aware DatetimeIndex in UTC": (in_utc[:1], in_utc[1:]),
        "aware datetimes": ([stamps[0].to_pydatetime()], [stamps[1].to_pydatetime()]),
        "aware Timestamps in another zone": (
            [stamps[0].tz_convert("Asia/Tokyo")],
            [stamps[1].tz_convert("America/Chicago")],
        ),
        "datetimes with a fixed offset": (
            [dt.datetime(2026, 3, 27, 15, tzinfo=UTC)],
            [
                dt.datetime(
                    2026, 3, 30, 4, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4))
                )
            ],
        ),
    }


@pytest.mark.parametrize(
    ("label", "pair"), list(naive_forms().items()) + list(aware_forms().items())
)
def test_every_timestamp_form_gives_the_same_business_hours(label, pair):
    cal = cx.BusinessCalendar(tz=BERLIN)
    got = cx.elapsed(*pair, calendar=cal)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.tolist() == EXPECTED_BERLIN_HOURS, label


@pytest.mark.parametrize(("label", "pair"), list(naive_forms().items()))
def test_naive_forms_without_a_zone(label, pair):
    cal = cx.BusinessCalendar()
    assert cx.elapsed(*pair, calendar=cal).tolist() == EXPECTED_BERLIN_HOURS, label
    # Without a calendar: wall-clock hours, Friday 16:00 to Monday 10:30.
    assert cx.elapsed(*pair).tolist() == [66.5], label


def test_dates_are_midnight():
    got = cx.elapsed([dt.date(2026, 1, 5)], [dt.date(2026, 1, 6)])
    assert got.tolist() == [24.0]
    got = cx.elapsed(["2026-01-05"], [dt.datetime(2026, 1, 5, 6)])
    assert got.tolist() == [6.0]


MISSING_FORMS = [
    None,
    np.nan,
    pd.NaT,
    pd.NA,
    "",
    "  ",
    "NaT",
    "nan",
    "None",
    "null",
    "NULL",
]


@pytest.mark.parametrize("missing", MISSING_FORMS, ids=repr)
def test_missing_forms(missing):
    stamps = to_timestamps(["2026-01-05 09:00", missing], func="f", name="x")
    assert stamps.missing.tolist() == [False, True]
    assert stamps.aware is False
    got = cx.elapsed(
        ["2026-01-05 09:00", "2026-01-05 09:00"], ["2026-01-05 10:00", missing]
    )
    assert got[0] == 1.0
    assert math.isnan(got[1])


def test_all_missing_has_no_awareness_and_mixes_with_anything():
    stamps = to_timestamps([None, pd.NaT], func="f", name="x")
    assert stamps.aware is None
    assert stamps.missing.all()
    aware_end = pd.DatetimeIndex(["2026-01-05 10:00", None]).tz_localize(BERLIN)
    got = cx.elapsed([None, None], aware_end)
    assert np.isnan(got).all()
    nat_index = to_timestamps(pd.DatetimeIndex([None, None]), func="f", name="x")
    assert nat_index.aware is None


def test_all_rows_missing_with_a_calendar():
    cal = cx.BusinessCalendar(tz=BERLIN)
    got = cx.elapsed(
        ["2026-01-05 09:00", None], [None, "2026-01-05 10:00"], calendar=cal
    )
    assert np.isnan(got).all()


def test_ragged_input_is_refused():
    with pytest.raises(
        cx.InputError,
        match=r"^elapsed: start could not be read as a one-dimensional array \(",
    ):
        cx.elapsed([["2026-01-05"], ["2026-01-05", "2026-01-06"]], ["2026-01-06"] * 2)


def test_missing_values_in_datetime_arrays():
    start = np.array(["2026-01-05T09:00", "NaT"], dtype="datetime64[ns]")
    end = pd.Series(pd.to_datetime(["2026-01-05 11:00", "2026-01-05 12:00"]))
    got = cx.elapsed(start, end)
    assert got[0] == 2.0
    assert math.isnan(got[1])


ISO_VARIANTS = [
    "2026-01-05",
    "2026-01-05 09:00",
    "2026-01-05T09:00",
    "2026-01-05T09:00:00",
    "2026-01-05T09:00:00.123",
    "2026-01-05T09:00:00.123456789",
    "20260105T0900",
    "2026-01",
    "2026-01-05T09:00Z",
    "2026-01-05T09:00:00Z",
    "2026-01-05 09:00+01:00",
    "2026-01-05T09:00:00-05:00",
    "2026-01-05T09:00:00.5+05:30",
    "2026-01-05T09:00+0530",
    "2026-01-05T09+01",
    "20260105T090000+0100",
    "20260105T090000-0100",
    "2026-01-05T09:00:00 +01:00",
]


@pytest.mark.parametrize("text", ISO_VARIANTS)
def test_offset_detection_agrees_with_pandas(text):
    # pandas returns an aware Timestamp exactly when the string has an offset.
    aware = pd.Timestamp(text).tzinfo is not None
    assert _has_offset(np.array([text])).tolist() == [aware]
    stamps = to_timestamps([text], func="f", name="x")
    assert stamps.aware is aware
    expected = pd.Timestamp(text)
    expected = expected.tz_convert("UTC") if aware else expected
    assert stamps.ns[0] == expected.as_unit("ns").value


# ---------------------------------------------------------------------------
# Bad timestamps


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (
            "2026-01-05 09:00",
            "start must be a one-dimensional array-like of timestamps; got a "
            "single str",
        ),
        (
            None,
            "start must be a one-dimensional array-like of timestamps; got a single "
            "NoneType",
        ),
        (
            pd.Timestamp("2026-01-05"),
            "start must be a one-dimensional array-like of timestamps; got a single "
            "Timestamp",
        ),
        (
            {"a": 1},
            "start must be a one-dimensional array-like of timestamps; got a "
            "single dict",
        ),
        (
            np.datetime64("2026-01-05"),
            "start must be a one-dimensional array-like of timestamps; got a single "
            "datetime64",
        ),
        (
            np.array([["2026-01-05"]], dtype="datetime64[ns]"),
            "start must be one-dimensional; got shape (1, 1)",
        ),
        ([1, 2], "start must be timestamps; got numbers such as 1, 2"),
        (np.array([1.5, 2.0]), "start must be timestamps; got numbers such as 1.5, 2"),
        ([True, False], "start must be timestamps; got booleans such as True, False"),
        (
            pd.Series(pd.to_timedelta([1, 2], unit="h")),
            "start must be timestamps; got time spans such as 0 days 01:00:00, "
            "0 days 02:00:00",
        ),
        (
            ["2026-01-05 09:00", "soon", "2026-13-01", "soon"],
            "3 of 4 strings in start are not ISO 8601 timestamps ('soon', "
            "'2026-13-01')",
        ),
        (
            ["2026-01-05 09:00", 5, None, 3.5],
            "2 of 4 values in start are not timestamps (5, 3.5)",
        ),
        (
            pd.Series([1, 2], dtype="Int64"),
            "start must be timestamps; got numbers such as 1, 2",
        ),
        (
            ["2026-01-05 09:00+01:00", "2026-01-05 10:00", "2026-01-05 11:00"],
            "start mixes 1 time-zone aware timestamps ('2026-01-05 09:00+01:00') "
            "with 2 naive ones ('2026-01-05 10:00'); give all of them a time zone "
            "or none",
        ),
        (
            [dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 5, 10, tzinfo=UTC)],
            "start mixes 1 time-zone aware timestamps (2026-01-05 10:00:00+00:00) "
            "with 1 naive ones (2026-01-05 09:00:00); give all of them a time zone "
            "or none",
        ),
        (
            np.array(["2300-01-01"], dtype="datetime64[s]"),
            "1 of 1 values in start are outside the supported range 1677-09-26 to "
            "2262-04-06 ('2300-01-01 00:00:00')",
        ),
        (
            [dt.datetime(2300, 1, 1)],
            "1 of 1 values in start are outside the supported range 1677-09-26 to "
            "2262-04-06 ('2300-01-01 00:00:00')",
        ),
        (
            ["2026-01-05", "1677-09-22", "2262-04-10"],
            "2 of 3 values in start are outside the supported range 1677-09-26 to "
            "2262-04-06 ('1677-09-22 00:00:00', '2262-04-10 00:00:00')",
        ),
        (
            ["2026-01-05", "2500-01-01"],
            "1 of 2 values in start are outside the supported range 1677-09-26 to "
            "2262-04-06 ('2500-01-01')",
        ),
        (
            pd.DatetimeIndex(["2262-04-07 12:00"]).tz_localize("UTC"),
            "1 of 1 values in start are outside the supported range 1677-09-26 to "
            "2262-04-06 ('2262-04-07 12:00:00+00:00')",
        ),
        (
            ["2025-W02-1"],
            "1 of 1 strings in start are ISO week dates ('2025-W02-1'); week dates "
            "are not supported: give calendar dates, such as 2025-01-06 for "
            "'2025-W02-1'",
        ),
        (
            ["2025-01-06", "2025W021T10:00", "2025-W53"],
            "2 of 3 strings in start are ISO week dates ('2025W021T10:00', "
            "'2025-W53'); week dates are not supported: give calendar dates, such as "
            "2025-01-06 for '2025W021T10:00'",
        ),
    ],
)
def test_bad_timestamps(start, message):
    def call() -> object:
        end = ["2026-01-06 09:00"] * (np.size(start) if np.ndim(start) else 1)
        return cx.elapsed(start, end)

    raises(call, f"elapsed: {message}")


def test_naive_start_and_aware_end():
    raises(
        lambda: cx.elapsed(["2026-01-05 09:00"], ["2026-01-05 10:00+01:00"]),
        "elapsed: end is time-zone aware but start is naive; give both a time "
        "zone or neither",
    )
    raises(
        lambda: cx.elapsed(["2026-01-05 09:00Z"], ["2026-01-05 10:00"]),
        "elapsed: start is time-zone aware but end is naive; give both a time "
        "zone or neither",
    )


def test_aware_timestamps_need_a_calendar_with_a_zone():
    raises(
        lambda: cx.elapsed(
            ["2026-01-05 09:00Z"], ["2026-01-05 10:00Z"], calendar=cx.BusinessCalendar()
        ),
        "elapsed: the timestamps are time-zone aware but the calendar has no time "
        "zone (tz=None); give the calendar a tz, or pass naive local times",
    )


def test_span_longer_than_the_clock_can_hold():
    raises(
        lambda: cx.elapsed(["1700-01-01"], ["2200-01-01 12:00"]),
        "elapsed: the timestamps span 182,621 days (1700-01-01 00:00 to "
        "2200-01-01 12:00); at most 100,000 days can be measured in one call",
    )
    # 1700-01-01 to 2200-01-01: 500 years with 121 leap days = 182,621 days
    # (1700, 1800, 1900 and 2100 are not leap years); whole days are counted.
    assert (dt.date(2200, 1, 1) - dt.date(1700, 1, 1)).days == 182_621
    raises(
        lambda: cx.elapsed(["2026-01-05T00:00Z"], ["2300-01-01T00:00Z"]),
        "elapsed: 1 of 1 values in end are outside the supported range 1677-09-26 to "
        "2262-04-06 ('2300-01-01T00:00Z')",
    )
