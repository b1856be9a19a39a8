"""pytest-benchmark cases for the business clock and the duration summaries.

The business-clock group puts ``cx.elapsed`` with a calendar next to the
per-row loop that walks each span a day at a time (on fewer rows: the loop
is slow). Every case checks its result, so the CI smoke run
(``--benchmark-disable``: each case runs once) catches a wrong answer too.
The ratio that matters is reported by ``benchmarks/compare.py`` (case
``business-clock``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from cases_business_hours import calendar, per_row_business_hours, tickets

import cxmetrics as cx

#: Rows for the per-row loop, whatever the size: it takes ~10 µs a row.
LOOP_ROWS = 2_000

Tickets = tuple["pd.Series[Any]", "pd.Series[Any]"]


@pytest.fixture(scope="module")
def ticket_times(size: int) -> Tickets:
    """``size`` created and resolved times, naive Berlin time, over two years."""
    return tickets(size)


@pytest.fixture(scope="module")
def berlin() -> cx.BusinessCalendar:
    return calendar()


def _loop_hours(created: pd.Series[Any], resolved: pd.Series[Any]) -> list[float]:
    return per_row_business_hours(
        pd.DatetimeIndex(created).to_pydatetime().tolist(),
        pd.DatetimeIndex(resolved).to_pydatetime().tolist(),
    )


# The business clock -------------------------------------------------------------


@pytest.mark.benchmark(group="business-clock")
def test_elapsed_business_hours(
    benchmark: Any, ticket_times: Tickets, berlin: cx.BusinessCalendar
) -> None:
    created, resolved = ticket_times
    hours = benchmark(cx.elapsed, created, resolved, calendar=berlin)
    assert hours.shape == (created.size,)
    head = slice(0, min(created.size, 300))
    expected = _loop_hours(created[head], resolved[head])
    np.testing.assert_allclose(hours[head], expected, rtol=0, atol=1e-9)


@pytest.mark.benchmark(group="business-clock")
def test_elapsed_business_hours_aware(
    benchmark: Any, ticket_times: Tickets, berlin: cx.BusinessCalendar
) -> None:
    created, resolved = (
        s.dt.tz_localize("Europe/Berlin", ambiguous="NaT", nonexistent="NaT")
        for s in ticket_times
    )
    hours = benchmark(cx.elapsed, created, resolved, calendar=berlin)
    both = created.notna().to_numpy() & resolved.notna().to_numpy()
    naive = cx.elapsed(*ticket_times, calendar=berlin)
    np.testing.assert_array_equal(hours[both], naive[both])


@pytest.mark.benchmark(group="business-clock")
def test_elapsed_business_hours_without_zone(
    benchmark: Any, ticket_times: Tickets
) -> None:
    created, resolved = ticket_times
    office = cx.BusinessCalendar(hours={"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"})
    hours = benchmark(cx.elapsed, created, resolved, calendar=office)
    assert np.all(hours >= 0)


@pytest.mark.benchmark(group="business-clock")
def test_per_row_loop_peer(benchmark: Any, ticket_times: Tickets) -> None:
    created, resolved = (s[:LOOP_ROWS] for s in ticket_times)
    starts = pd.DatetimeIndex(created).to_pydatetime().tolist()
    ends = pd.DatetimeIndex(resolved).to_pydatetime().tolist()
    hours = benchmark(per_row_business_hours, starts, ends)
    assert len(hours) == created.size


# Plain elapsed time and summaries --------------------------------------------------


@pytest.mark.benchmark(group="elapsed")
def test_elapsed_calendar_time(benchmark: Any, ticket_times: Tickets) -> None:
    created, resolved = ticket_times
    hours = benchmark(cx.elapsed, created, resolved)
    expected = (resolved - created) / pd.Timedelta(hours=1)
    np.testing.assert_array_equal(hours, expected.to_numpy())


@pytest.mark.benchmark(group="elapsed")
def test_elapsed_peer_pandas(benchmark: Any, ticket_times: Tickets) -> None:
    created, resolved = ticket_times

    def pandas_hours() -> pd.Series[Any]:
        return (resolved - created) / pd.Timedelta(hours=1)

    hours = benchmark(pandas_hours)
    assert hours.size == created.size


@pytest.mark.benchmark(group="elapsed")
def test_elapsed_iso_strings(benchmark: Any, ticket_times: Tickets) -> None:
    created, resolved = (s.dt.strftime("%Y-%m-%d %H:%M:%S") for s in ticket_times)
    hours = benchmark(cx.elapsed, created, resolved)
    np.testing.assert_array_equal(hours, cx.elapsed(*ticket_times))


@pytest.mark.benchmark(group="summary")
def test_resolution_time_in_business_hours(
    benchmark: Any, ticket_times: Tickets, berlin: cx.BusinessCalendar
) -> None:
    created, resolved = ticket_times
    result = benchmark(cx.resolution_time, created, resolved, calendar=berlin)
    hours = cx.elapsed(created, resolved, calendar=berlin)
    assert result.n == created.size
    assert result.median == pytest.approx(float(np.median(hours)))
    assert result.median_ci is not None
    assert result.median_ci.low <= result.median <= result.median_ci.high


# Per-call overhead -------------------------------------------------------------------


@pytest.mark.benchmark(group="per-call")
def test_elapsed_one_ticket(benchmark: Any, berlin: cx.BusinessCalendar) -> None:
    hours = benchmark(
        cx.elapsed, ["2026-12-24 16:00"], ["2026-12-28 10:00"], calendar=berlin
    )
    # Thursday 16-18 (2 h); Friday 25 and Saturday 26 December are holidays;
    # Monday 08-10 (2 h).
    assert hours.tolist() == [4.0]


@pytest.mark.benchmark(group="per-call")
def test_calendar_construction(benchmark: Any) -> None:
    cal = benchmark(
        cx.BusinessCalendar,
        hours={"Mon-Fri": "08:00-18:00", "Sat": "10:00-14:00"},
        holidays=["2026-12-25", "2026-12-26"],
        tz="Europe/Berlin",
    )
    assert cal.weekly_hours == 54.0
