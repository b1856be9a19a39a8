"""``cxmetrics tickets``: reply and resolution times, first contact resolution, reopens.

The builders take a DataFrame whose timestamp columns are already read;
`build` reads the user's file and runs them, and the demo runs them on the
bundled tickets.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pandas as pd

import cxmetrics as cx
from cxmetrics.cli.blocks import (
    Layout,
    check_segment_keys,
    duration_row,
    file_report,
    metric_row,
    segment_table,
)
from cxmetrics.cli.inputs import read_dates, read_table, source_note
from cxmetrics.cli.report import Block, Report, Section, Table

__all__ = [
    "TicketColumns",
    "build",
    "business_calendar",
    "tickets_section",
    "tickets_segments",
]


@attrs.frozen(kw_only=True)
class TicketColumns:
    """Which columns of the tickets hold what.

    Attributes
    ----------
    created, first_response, resolved : str
        Timestamps; a blank first response or resolution is a ticket still
        waiting for it.
    contacts : str or None
        Contacts until resolved, for first contact resolution.
    reopens : str or None
        Times reopened.
    """

    created: str
    first_response: str
    resolved: str
    contacts: str | None = None
    reopens: str | None = None


def business_calendar(
    hours: str | None, days: str | None, holidays: str | None, tz: str | None
) -> cx.BusinessCalendar | None:
    """A business calendar when any of ``--hours --days --holidays --tz`` is given."""
    if all(option is None for option in (hours, days, holidays, tz)):
        return None
    closed = [] if holidays is None else holidays.split(",")
    return cx.BusinessCalendar(
        hours=hours or "09:00-17:00",
        days=days or "Mon-Fri",
        holidays=[day.strip() for day in closed if day.strip()],
        tz=tz,
    )


_Rate = tuple[str, str, Callable[..., Any], pd.DataFrame, str]


def _rates(frame: pd.DataFrame, columns: TicketColumns) -> list[_Rate]:
    """The rates asked for, each with the tickets it is measured on.

    First contact resolution is measured on resolved tickets only: an open
    ticket's contacts are not known yet, so it is pending, not missing.
    Reopens are measured on every ticket.
    """
    rates: list[_Rate] = []
    if columns.contacts is not None:
        resolved = frame.loc[frame[columns.resolved].notna()]
        rates.append(
            ("fcr", "First contact resolution", cx.fcr_rate, resolved, columns.contacts)
        )
    if columns.reopens is not None:
        rates.append(("reopen", "Reopened", cx.reopen_rate, frame, columns.reopens))
    return rates


def _clock(calendar: cx.BusinessCalendar | None) -> str:
    return "business hours" if calendar is not None else "hours"


def tickets_section(
    frame: pd.DataFrame,
    columns: TicketColumns,
    *,
    calendar: cx.BusinessCalendar | None,
    confidence: float,
    source: str,
) -> Section:
    """Median reply and resolution times, FCR and the reopen rate."""
    created = frame[columns.created]
    response = cx.first_response_time(
        created, frame[columns.first_response], calendar=calendar, confidence=confidence
    )
    resolution = cx.resolution_time(
        created, frame[columns.resolved], calendar=calendar, confidence=confidence
    )
    clock = _clock(calendar)
    rows = [
        duration_row("first_response", f"First response, median ({clock})", response),
        duration_row("resolution", f"Resolution, median ({clock})", resolution),
    ]
    rows += [
        metric_row(key, label, metric(data[column], confidence=confidence), "share")
        for key, label, metric, data, column in _rates(frame, columns)
    ]
    note = (
        f"{source}; {response.n_pending:,} awaiting a reply, "
        f"{resolution.n_pending:,} open"
    )
    return Section(key="tickets", title="Tickets", note=note, rows=tuple(rows))


def tickets_segments(
    frame: pd.DataFrame,
    columns: TicketColumns,
    by: Sequence[str],
    *,
    calendar: cx.BusinessCalendar | None,
    confidence: float,
) -> list[Table]:
    """The resolution time and each rate by segment, against the rest."""
    names = ", ".join(by)
    resolution, _ = segment_table(
        frame,
        cx.resolution_time,
        column=[columns.created, columns.resolved],
        by=by,
        layout=Layout(
            key="resolution_by_segment",
            title=f"Resolution median ({_clock(calendar)}) by {names}",
            unit="hours",
            confidence=confidence,
        ),
        calendar=calendar,
    )
    rates = [
        segment_table(
            data,
            metric,
            column=column,
            by=by,
            layout=Layout(
                key=f"{key}_by_segment",
                title=f"{label} by {names}",
                unit="share",
                confidence=confidence,
            ),
        )[0]
        for key, label, metric, data, column in _rates(frame, columns)
    ]
    return [resolution, *rates]


def build(args: argparse.Namespace) -> Report:
    """``cxmetrics tickets``: read the file and build the report."""
    columns = TicketColumns(
        created=args.created,
        first_response=args.first_response,
        resolved=args.resolved,
        contacts=args.contacts,
        reopens=args.reopens,
    )
    by = args.by or []
    check_segment_keys("tickets", by)
    times = [columns.created, columns.first_response, columns.resolved]
    frame = read_table(
        "tickets", args.file, [*times, columns.contacts, columns.reopens, *by]
    )
    frame = frame.assign(**{name: read_dates("tickets", frame, name) for name in times})
    calendar = business_calendar(args.hours, args.days, args.holidays, args.tz)
    level = args.confidence
    source = source_note(args.file, frame)
    blocks: list[Block] = [
        tickets_section(
            frame, columns, calendar=calendar, confidence=level, source=source
        )
    ]
    if by:
        blocks += tickets_segments(
            frame, columns, by, calendar=calendar, confidence=level
        )
    return file_report("tickets", args.file, level, blocks)
