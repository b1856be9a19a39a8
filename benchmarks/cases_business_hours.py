"""Benchmark cases of the business clock: business hours against a per-row loop."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from harness import Case, Pair, Sizes, require, time_in_process

import cxmetrics as cx

__all__ = ["CASES", "per_row_business_hours"]

ZONE = "Europe/Berlin"
#: Weekday (Monday 0) to open ranges in seconds after midnight.
WEEK = {
    **dict.fromkeys(range(5), ((8 * 3600, 18 * 3600),)),
    5: ((10 * 3600, 14 * 3600),),
}
#: German national holidays, 2025 and 2026.
HOLIDAYS = tuple(
    dt.date.fromisoformat(day)
    for day in (
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-01",
        "2025-05-29",
        "2025-06-09",
        "2025-10-03",
        "2025-12-25",
        "2025-12-26",
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-01",
        "2026-05-14",
        "2026-05-25",
        "2026-10-03",
        "2026-12-25",
        "2026-12-26",
    )
)


def calendar() -> cx.BusinessCalendar:
    """The calendar both sides use: weekdays 08-18, Saturday 10-14, Berlin."""
    return cx.BusinessCalendar(
        hours={"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"},
        holidays=HOLIDAYS,
        tz=ZONE,
    )


def _sizes(sizes: Sizes) -> dict[str, Any]:
    return {"rows": 20_000 if sizes.quick else 200_000}


def tickets(rows: int, seed: int = 20_260_105) -> tuple[pd.Series, pd.Series]:
    """Created and resolved times, naive local time, as read from a CSV.

    Tickets arrive at any hour over two years; resolution takes a log-normal
    time with a median of 20 hours and a long tail (a few take weeks).
    """
    rng = np.random.default_rng(seed)
    first = np.datetime64("2025-01-01T00:00:00", "s")
    seconds = rng.integers(0, 730 * 86_400, size=rows)
    created = first + seconds.astype("timedelta64[s]")
    took = np.rint(rng.lognormal(np.log(20 * 3600), 1.2, size=rows))
    resolved = created + took.astype(np.int64).astype("timedelta64[s]")
    return (
        pd.Series(created.astype("datetime64[ns]"), name="created"),
        pd.Series(resolved.astype("datetime64[ns]"), name="resolved"),
    )


def per_row_business_hours(
    created: Sequence[dt.datetime],
    resolved: Sequence[dt.datetime],
    *,
    week: dict[int, tuple[tuple[int, int], ...]] = WEEK,
    holidays: Sequence[dt.date] = HOLIDAYS,
    zone: str = ZONE,
) -> list[float]:
    """Business hours per ticket by walking each span a day at a time.

    The usual hand-written loop, exact for calendars whose open hours do not
    contain a clock change: for each day from the created date to the
    resolved date that is open and not a holiday, add the real time where
    the ticket's span and each open range of the day overlap. Naive times
    are read in the zone as Python does (fold=0).
    """
    tz = zoneinfo.ZoneInfo(zone)
    closed = set(holidays)
    one_day = dt.timedelta(days=1)
    hours = []
    for start, end in zip(created, resolved, strict=True):
        t0 = start.replace(tzinfo=tz).timestamp()
        t1 = end.replace(tzinfo=tz).timestamp()
        total = 0.0
        day = start.date()
        while day <= end.date():
            ranges = week.get(day.weekday(), ())
            if ranges and day not in closed:
                midnight = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
                for open_at, close_at in ranges:
                    low = max(
                        (midnight + dt.timedelta(seconds=open_at)).timestamp(), t0
                    )
                    high = min(
                        (midnight + dt.timedelta(seconds=close_at)).timestamp(), t1
                    )
                    if high > low:
                        total += high - low
            day += one_day
        hours.append(total / 3600.0)
    return hours


def _check_hours(ours: npt.NDArray[np.float64], peer: Sequence[float]) -> None:
    expected = np.asarray(peer, dtype=np.float64)
    require(ours.shape == expected.shape, f"shapes {ours.shape} != {expected.shape}")
    gap = np.abs(ours - expected)
    worst = int(np.argmax(gap))
    require(
        bool(gap.max() <= 1e-9),
        f"business hours differ at row {worst}: cx.elapsed {ours[worst]!r} "
        f"!= per-row loop {expected[worst]!r}",
    )


def _prepare_business_clock(sizes: Sizes) -> Pair:
    created, resolved = tickets(_sizes(sizes)["rows"])
    cal = calendar()
    starts = pd.DatetimeIndex(created).to_pydatetime().tolist()
    ends = pd.DatetimeIndex(resolved).to_pydatetime().tolist()

    def check(ours: npt.NDArray[np.float64], peer: Sequence[float]) -> None:
        _check_hours(ours, peer)
        require(
            bool(np.all(ours >= 0)) and bool(np.any(ours > 0)),
            "business hours must be non-negative and not all zero",
        )

    return Pair(
        ours=lambda: cx.elapsed(created, resolved, calendar=cal),
        peer=lambda: per_row_business_hours(starts, ends),
        check=check,
    )


def _prepare_elapsed_plain(sizes: Sizes) -> Pair:
    created, resolved = tickets(_sizes(sizes)["rows"])

    def peer() -> npt.NDArray[np.float64]:
        return np.asarray((resolved - created) / pd.Timedelta(hours=1))

    def check(ours: npt.NDArray[np.float64], hours: npt.NDArray[np.float64]) -> None:
        require(
            bool(np.array_equal(ours, hours)),
            "cx.elapsed differs from the pandas subtraction",
        )

    return Pair(
        ours=lambda: cx.elapsed(created, resolved),
        peer=peer,
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="business-clock",
        ours_label="`cx.elapsed(start, end, calendar=cal)`, {rows:,} tickets",
        peer_label="per-row Python loop walking each span a day at a time",
        target=0.02,
        prepare=_prepare_business_clock,
        timer=time_in_process,
        params=_sizes,
        about="business hours on a Berlin calendar (weekdays 08-18, Saturday "
        "10-14, public holidays) for tickets over two years; both sides must "
        "give the same hours for every ticket, to 1e-9 h. The loop does the "
        "work per ticket and per day; the business clock is a few array "
        "passes whatever the spans",
    ),
    Case(
        name="elapsed-plain",
        ours_label="`cx.elapsed(start, end)`, {rows:,} tickets",
        peer_label="`(end - start) / pd.Timedelta(hours=1)`",
        target=None,
        prepare=_prepare_elapsed_plain,
        timer=time_in_process,
        params=_sizes,
        about="calendar time, no business hours: what reading and checking the "
        "timestamps costs next to a bare pandas subtraction",
    ),
)
