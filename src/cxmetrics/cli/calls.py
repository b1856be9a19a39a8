"""``cxmetrics calls``: service level, abandonment, ASA, AHT and a staffing plan.

The plan is Erlang C's, with Erlang A's beside it when the callers'
patience is given or estimated from the file (``--patience``). The builders
take a DataFrame whose columns are already read (``answered`` as booleans,
blank where unknown); `build` reads the user's file and runs them, and the
demo runs them on the bundled calls.
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
from cxmetrics.cli.report import Block, Column, Report, Row, Section, Table, Unit

__all__ = [
    "CallTargets",
    "average_day",
    "build",
    "calls_section",
    "handle_time",
    "patience_row",
    "plan_staffing",
    "staffing_table",
]


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


def patience_row(frame: pd.DataFrame, *, wait: str, answered: str) -> Row:
    """The callers' mean patience estimated from the waits (`cx.estimate_patience`).

    Calls whose wait or ``answered`` is blank are left out and counted as
    missing; the row has no interval.
    """
    waits, flags = frame[wait], frame[answered]
    known = int((waits.notna() & flags.notna()).sum())
    return Row(
        key="patience",
        label="Mean patience (estimated)",
        value=cx.estimate_patience(waits, flags),
        unit="seconds",
        n=known,
        n_missing=len(frame) - known,
    )


#: The Erlang A columns of the staffing table: the library's field, its
#: name in the output, the header, the unit and whether the text table shows it.
_ERLANG_A_COLUMNS: tuple[tuple[str, str, str, Unit, bool], ...] = (
    ("agents_on_queue", "erlang_a_agents_on_queue", "on queue (A)", "count", True),
    ("agents", "erlang_a_agents", "scheduled (A)", "count", True),
    ("service_level", "erlang_a_service_level", "service level (A)", "share", True),
    ("prob_abandon", "erlang_a_prob_abandon", "abandon (A)", "share", True),
    ("asa", "erlang_a_asa", "ASA (A)", "seconds", False),
    ("prob_wait", "erlang_a_prob_wait", "P(wait) (A)", "share", False),
    ("occupancy", "erlang_a_occupancy", "occupancy (A)", "share", False),
)


def average_day(arrivals: pd.Series, interval: int) -> tuple[pd.Series, int]:
    """Mean arrivals per interval of the day (``HH:MM``), and the days averaged.

    ``interval`` is in minutes; arrival times left blank are left out.
    """
    arrivals = arrivals.dropna()
    slots = arrivals.dt.floor(f"{interval}min")
    days = int(slots.dt.normalize().nunique())
    return slots.dt.strftime("%H:%M").value_counts().sort_index() / days, days


def plan_staffing(
    per_slot: pd.Series, aht: float, targets: CallTargets, *, patience: float | None
) -> cx.StaffingResult:
    """`cx.required_agents` for the mean arrivals per interval, by the targets.

    Erlang C's plan; Erlang A's with ``patience`` (mean seconds a caller
    waits before hanging up). The interval of the arrivals is the targets'.
    """
    return cx.required_agents(
        per_slot.to_numpy(),
        aht,
        target_service_level=targets.target,
        target_time=targets.threshold,
        interval=60 * targets.interval,
        shrinkage=targets.shrinkage,
        patience=patience,
    )


def staffing_table(
    arrivals: pd.Series,
    aht: float,
    targets: CallTargets,
    *,
    patience: float | None = None,
    patience_note: str = "",
) -> Table:
    """Agents needed per interval of an average day of the arrivals.

    Erlang C's plan; with ``patience`` (mean seconds a caller waits before
    hanging up), Erlang A's beside it, in columns named ``erlang_a_`` and
    the library's field (``erlang_a_agents``, ``erlang_a_prob_abandon``,
    ...). ``patience_note`` says where the patience comes from.
    """
    per_slot, days = average_day(arrivals, targets.interval)
    plan = plan_staffing(per_slot, aht, targets, patience=None).to_frame()
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
    title = "Staffing (Erlang C)"
    if patience is not None:
        with_patience = plan_staffing(
            per_slot, aht, targets, patience=patience
        ).to_frame()
        columns += [
            (
                Column(name=name, header=header, unit=unit, shown=shown),
                with_patience[field],
            )
            for field, name, header, unit, shown in _ERLANG_A_COLUMNS
        ]
        title = "Staffing (Erlang C; Erlang A in the (A) columns)"
        note += f"; Erlang A with a mean patience of {patience:.1f} s{patience_note}"
    return table(key="staffing", title=title, note=note, columns=columns)


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
    patience, patience_note = args.patience, ""
    if patience is not None and args.arrival is None:
        raise InputError("calls: --patience needs --arrival for the staffing plan")
    if patience == "auto":
        row = patience_row(frame, wait=args.wait, answered=args.answered)
        section = attrs.evolve(section, rows=(*section.rows, row))
        patience, patience_note = row.value, " (estimated from the file)"
    blocks: list[Block] = [section]
    if args.arrival is not None:
        aht = handle_time(frame, args.answered, handle, confidence=args.confidence)
        arrivals = read_dates("calls", frame, args.arrival)
        blocks.append(
            staffing_table(
                arrivals,
                float(aht.value),
                targets,
                patience=patience,
                patience_note=patience_note,
            )
        )
    return file_report("calls", args.file, args.confidence, blocks)
