"""``cxmetrics calls``: service level, abandonment, ASA, AHT and an Erlang C plan.

The builders take a DataFrame whose columns are already read (``answered``
as booleans, blank where unknown); `build` reads the user's file and runs
them, and the demo runs them on the bundled calls.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

import attrs
import pandas as pd

import cxmetrics as cx
from cxmetrics import InputError
from cxmetrics.cli.blocks import file_report, metric_row, table
from cxmetrics.cli.inputs import read_dates, read_flags, read_table, source_note
from cxmetrics.cli.report import Block, Column, Report, Section, Table

__all__ = ["CallTargets", "build", "calls_section", "handle_time", "staffing_table"]


@attrs.frozen(kw_only=True)
class CallTargets:
    """The service targets the call metrics and the staffing plan are measured by.

    Attributes
    ----------
    threshold : float
        Answer target in seconds (service level, staffing).
    short_abandon : float
        Callers who hang up sooner (seconds) are left out of abandonment.
    target : float
        Target service level of the staffing plan, in (0, 1).
    shrinkage : float
        Share of paid time off the queue, in [0, 1).
    interval : int
        Staffing interval in minutes.
    """

    threshold: float = 20.0
    short_abandon: float = 5.0
    target: float = 0.8
    shrinkage: float = 0.3
    interval: int = 30


def calls_section(
    frame: pd.DataFrame,
    *,
    wait: str,
    answered: str,
    handle: Mapping[str, str] | None = None,
    targets: CallTargets,
    confidence: float,
    source: str,
) -> Section:
    """Abandonment, service level and ASA; AHT when ``handle`` names columns.

    ``handle`` maps ``"talk"`` and optionally ``"hold"`` and ``"wrap"`` to
    their columns (seconds), as in `handle_time`. A call whose ``answered``
    is blank is left out of each metric and counted as missing.
    """
    waits, flags = frame[wait], frame[answered]
    rows = [
        metric_row(
            "abandonment",
            f"Abandoned (after {targets.short_abandon:g} s or more)",
            cx.abandonment_rate(
                ~flags,
                wait_time=waits,
                short_abandon=targets.short_abandon,
                confidence=confidence,
            ),
            "share",
        ),
        metric_row(
            "service_level",
            f"Answered within {targets.threshold:g} s",
            cx.service_level(
                waits, flags, threshold=targets.threshold, confidence=confidence
            ),
            "share",
        ),
        metric_row(
            "asa",
            "Average speed of answer",
            cx.average_speed_of_answer(waits, flags, confidence=confidence),
            "seconds",
        ),
    ]
    if handle:
        result = handle_time(frame, answered, handle, confidence=confidence)
        rows.append(metric_row("aht", "Average handle time", result, "seconds"))
    note = f"{source}; service level counts abandons as misses"
    return Section(key="calls", title="Calls", note=note, rows=tuple(rows))


def handle_time(
    frame: pd.DataFrame, answered: str, handle: Mapping[str, str], *, confidence: float
) -> cx.MeanResult:
    """Average handle time of the answered calls.

    ``handle`` maps ``"talk"`` and optionally ``"hold"`` and ``"wrap"`` to
    their columns (seconds); a call whose ``answered`` is blank is not
    counted as answered.
    """
    handled = frame.loc[frame[answered].fillna(False).astype(bool)]
    parts = {part: handled[name] for part, name in handle.items()}
    return cx.average_handle_time(confidence=confidence, **parts)


def staffing_table(arrivals: pd.Series, aht: float, targets: CallTargets) -> Table:
    """Agents needed per interval of an average day of the arrivals (Erlang C)."""
    arrivals = arrivals.dropna()
    slots = arrivals.dt.floor(f"{targets.interval}min")
    days = slots.dt.normalize().nunique()
    per_slot = slots.dt.strftime("%H:%M").value_counts().sort_index() / days
    plan = cx.required_agents(
        per_slot.to_numpy(),
        aht,
        target_service_level=targets.target,
        target_time=targets.threshold,
        interval=60 * targets.interval,
        shrinkage=targets.shrinkage,
    ).to_frame()
    note = (
        f"mean arrivals per {targets.interval} min over {days:,} days, AHT "
        f"{aht:.0f} s; target {targets.target:.0%} answered within "
        f"{targets.threshold:g} s; {targets.shrinkage:.0%} shrinkage"
    )
    columns = [
        (Column(name="interval", header="interval", unit="text"), per_slot.index),
        (
            Column(name="arrival_rate", header="calls", unit="number"),
            plan["arrival_rate"],
        ),
        (Column(name="traffic", header="Erlangs", unit="number"), plan["traffic"]),
        (
            Column(name="agents_on_queue", header="on queue", unit="count"),
            plan["agents_on_queue"],
        ),
        (Column(name="agents", header="scheduled", unit="count"), plan["agents"]),
        (
            Column(name="service_level", header="service level", unit="share"),
            plan["service_level"],
        ),
        (Column(name="asa", header="ASA", unit="seconds"), plan["asa"]),
        (
            Column(name="prob_wait", header="P(wait)", unit="share", shown=False),
            plan["prob_wait"],
        ),
        (
            Column(name="occupancy", header="occupancy", unit="share", shown=False),
            plan["occupancy"],
        ),
    ]
    return table(
        key="staffing", title="Staffing (Erlang C)", note=note, columns=columns
    )


def build(args: argparse.Namespace) -> Report:
    """``cxmetrics calls``: read the file and build the report."""
    if args.arrival is not None and args.talk is None:
        raise InputError("calls: --arrival needs --talk for the handle time")
    given = (("talk", args.talk), ("hold", args.hold), ("wrap", args.wrap))
    handle = {part: name for part, name in given if name is not None}
    if handle and args.talk is None:
        raise InputError("calls: --hold and --wrap need --talk")
    frame = read_table(
        "calls", args.file, [args.wait, args.answered, *handle.values(), args.arrival]
    )
    frame = frame.assign(**{args.answered: read_flags("calls", frame, args.answered)})
    targets = CallTargets(
        threshold=args.threshold,
        short_abandon=args.short_abandon,
        target=args.target,
        shrinkage=args.shrinkage,
        interval=args.interval,
    )
    section = calls_section(
        frame,
        wait=args.wait,
        answered=args.answered,
        handle=handle,
        targets=targets,
        confidence=args.confidence,
        source=source_note(args.file, frame),
    )
    blocks: list[Block] = [section]
    if args.arrival is not None:
        aht = handle_time(frame, args.answered, handle, confidence=args.confidence)
        arrivals = read_dates("calls", frame, args.arrival)
        blocks.append(staffing_table(arrivals, float(aht.value), targets))
    return file_report("calls", args.file, args.confidence, blocks)
