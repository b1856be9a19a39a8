"""The file commands of the command line: one report builder per command.

Each builder reads the user's CSV file, checks the columns it was told about
and returns a `Report`. Problems with the file or its columns raise
`cxmetrics.InputError` with a message that starts with the command's name;
the command line prints it in one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import cxmetrics as cx
from cxmetrics import plotting
from cxmetrics._demo import (
    _cells,
    _duration_row,
    _metric_row,
    _nps_rows,
    lifetime_row,
    plan_table,
)
from cxmetrics._report import Block, Report, Row, Section, Table, Unit
from cxmetrics._validation import InputError, format_count, format_examples

__all__ = [
    "build_calls_report",
    "build_retention_report",
    "build_survey_report",
    "build_tickets_report",
    "parse_scale",
    "read_table",
]

# ---------------------------------------------------------------------------
# Reading the file


def read_table(command: str, path: str, columns: Sequence[str | None]) -> pd.DataFrame:
    """Read a CSV file and check that the named columns are in it.

    Every read error (a missing file, a file that is not CSV text, an empty
    file) becomes an `InputError` naming the file.
    """
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"{command}: no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{command}: {path} is a directory, not a CSV file") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{command}: {path} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = " ".join(str(error).split())
        raise InputError(f"{command}: cannot read {path} as CSV: {reason}") from None
    unknown = [name for name in columns if name is not None and name not in frame]
    if unknown:
        available = ", ".join(repr(str(name)) for name in frame.columns)
        missing = ", ".join(repr(name) for name in unknown)
        noun = "column" if len(unknown) == 1 else "columns"
        raise InputError(
            f"{command}: no {noun} {missing} in {path}; the columns are {available}"
        )
    return frame


def _dates(command: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of ISO 8601 timestamps; offsets that differ (DST) are read as UTC."""
    values = frame[column]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            parsed = pd.to_datetime(values, format="ISO8601")
        if parsed.dtype != object:
            return parsed
    except (ValueError, TypeError):
        pass  # pandas 3 refuses mixed offsets here; pandas 2 returns objects
    try:
        return pd.to_datetime(values, format="ISO8601", utc=True)
    except (ValueError, TypeError):
        coerced = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
        bad = values[coerced.isna()]
        bad = bad[bad.notna()]
        raise InputError(
            f"{command}: column {column!r} has {format_count(len(bad))} of "
            f"{format_count(len(values))} "
            f"values that are not dates ({format_examples(bad.tolist())})"
        ) from None


_TRUE = {"true", "1", "1.0", "yes", "y", "t"}
_FALSE = {"false", "0", "0.0", "no", "n", "f"}


def _flags(command: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of true/false values (also 1/0 and yes/no) as booleans."""
    values = frame[column]
    if values.dtype == bool:
        return values
    text = values.astype(str).str.strip().str.lower()
    known = text.isin(_TRUE | _FALSE)
    if not known.all():
        bad = values[~known]
        raise InputError(
            f"{command}: column {column!r} has {format_count(len(bad))} of "
            f"{format_count(len(values))} "
            f"values that are not true/false ({format_examples(bad.tolist())})"
        )
    return text.isin(_TRUE)


def parse_scale(command: str, tokens: Sequence[str] | None) -> tuple[int, int] | None:
    """``--scale 1 5`` or ``--scale 1-5`` as a pair of integers."""
    if tokens is None:
        return None
    parts = tokens[0].split("-") if len(tokens) == 1 else list(tokens)
    try:
        low, high = (int(part) for part in parts)
    except ValueError:
        shown = " ".join(tokens)
        raise InputError(
            f"{command}: --scale expects LOW HIGH or LOW-HIGH, such as 1-5; "
            f"got {shown!r}"
        ) from None
    return low, high


def _source_note(path: str, frame: pd.DataFrame) -> str:
    return f"{Path(path).name}, {len(frame):,} rows"


# ---------------------------------------------------------------------------
# Tables from by_segment and over_time


def _segment_table(
    key: str,
    title: str,
    frame: pd.DataFrame,
    by: Sequence[str],
    unit: Unit,
    level: float,
) -> Table:
    """A `cx.by_segment` frame as a table, one row per segment."""
    labels = frame[list(by)].astype(str).agg(" / ".join, axis=1)
    numbers = frame[
        ["n", "n_missing", "value", "ci_low", "ci_high", "difference", "p_adjusted"]
    ].to_numpy(dtype=np.float64)
    rows = tuple(
        (*_cells(label, values), "yes" if flag else "no", "yes" if low else "no")
        for label, values, flag, low in zip(
            labels, numbers, frame["significant"], frame["low_n"], strict=True
        )
    )
    percent = f"{100 * level:g}%"
    return Table(
        key=key,
        title=title,
        note=(
            "each segment against all the others together; p-values "
            f"Holm-adjusted over the segments; significant at {percent}"
        ),
        columns=(
            " / ".join(by),
            "n",
            "missing",
            "value",
            f"{percent} CI low",
            f"{percent} CI high",
            "vs rest",
            "p (Holm)",
            "significant",
            "low n",
        ),
        units=(
            "number",
            "number",
            "number",
            unit,
            unit,
            unit,
            unit,
            "p_value",
            "number",
            "number",
        ),
        rows=rows,
    )


def _trend_table(
    key: str, title: str, frame: pd.DataFrame, unit: Unit, level: float
) -> Table:
    """A `cx.over_time` frame with the change from the period before."""
    numbers = frame[
        ["n", "n_missing", "value", "ci_low", "ci_high", "change", "p_value"]
    ].to_numpy(dtype=np.float64)
    rows = tuple(
        _cells(str(period), values)
        for period, values in zip(frame.index, numbers, strict=True)
    )
    percent = f"{100 * level:g}%"
    return Table(
        key=key,
        title=title,
        note="change from the period before; p-values not adjusted",
        columns=(
            "period",
            "n",
            "missing",
            "value",
            f"{percent} CI low",
            f"{percent} CI high",
            "change",
            "p",
        ),
        units=("number", "number", "number", unit, unit, unit, unit, "p_value"),
        rows=rows,
    )


# ---------------------------------------------------------------------------
# survey


_SURVEY_METRICS: dict[str, tuple[Any, str, Unit]] = {
    "nps": (cx.nps, "NPS", "points"),
    "csat": (cx.csat, "CSAT", "share"),
    "ces": (cx.ces, "CES mean", "score"),
    "top_box": (cx.top_box, "Top box", "share"),
    "mean": (cx.mean_score, "Mean score", "score"),
}


def _survey_options(args: argparse.Namespace) -> dict[str, Any]:
    """The metric's keyword arguments from ``--scale`` (nps takes none)."""
    scale = parse_scale("survey", args.scale)
    if args.metric == "nps":
        if scale is not None:
            raise InputError("survey: --scale does not apply to NPS (always 0-10)")
        return {}
    if scale is None:
        if args.metric in ("top_box", "mean"):
            raise InputError(
                f"survey: --metric {args.metric} needs --scale, such as --scale 1-5"
            )
        return {}
    return {"scale": scale}


def build_survey_report(args: argparse.Namespace) -> Report:
    """``cxmetrics survey``: one survey metric overall, by segment and over time."""
    metric, label, unit = _SURVEY_METRICS[args.metric]
    options = _survey_options(args)
    level = args.confidence
    by = args.by or []
    frame = read_table("survey", args.file, [args.column, args.weights, args.time, *by])
    if args.weights is not None:
        options["weights"] = frame[args.weights]
    result = metric(frame[args.column], confidence=level, **options)
    if args.metric == "nps":
        rows: tuple[Row, ...] = _nps_rows(result)
    else:
        scale = options.get("scale")
        suffix = "" if scale is None else f" ({scale[0]}-{scale[1]})"
        rows = (_metric_row(args.metric, label + suffix, result, unit),)
    note = f"{_source_note(args.file, frame)}, column {args.column!r}"
    blocks: list[Block] = [Section(key="survey", title="Survey", note=note, rows=rows)]
    if args.metric == "nps":
        _save_chart("survey", args, "nps", lambda ax: plotting.plot_nps(result, ax=ax))
    if args.weights is not None:
        options["weights"] = args.weights
    if by:
        segments = cx.by_segment(
            frame, metric, column=args.column, by=by, confidence=level, **options
        )
        blocks.append(
            _segment_table(
                "by_segment", f"{label} by {', '.join(by)}", segments, by, unit, level
            )
        )
        _save_chart(
            "survey",
            args,
            "segments",
            lambda ax: plotting.plot_segments(segments, overall=result, ax=ax),
        )
    if args.time is not None:
        dated = frame.assign(**{args.time: _dates("survey", frame, args.time)})
        trend = cx.over_time(
            dated,
            metric,
            column=args.column,
            time=args.time,
            freq=args.freq,
            compare_to="previous",
            confidence=level,
            **options,
        )
        blocks.append(
            _trend_table(
                "trend", f"{label} by period ({args.freq})", trend, unit, level
            )
        )
        _save_chart(
            "survey", args, "trend", lambda ax: plotting.plot_trend(trend, ax=ax)
        )
    return _report("survey", args, blocks)


def _save_chart(
    command: str, args: argparse.Namespace, name: str, draw: Callable[[Any], object]
) -> None:
    """With ``--plots DIR``, draw one chart on a fresh figure and save DIR/name.png.

    The figure is a plain `matplotlib.figure.Figure`, so no display or
    interactive backend is involved.
    """
    directory = getattr(args, "plots", None)
    if directory is None:
        return
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(
            f"{command}: --plots needs matplotlib; install the plot extra: "
            'pip install "cxmetrics[plot]"'
        ) from None
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    draw(figure.add_subplot())
    path = Path(directory) / f"{name}.png"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputError(
            f"{command}: cannot write --plots {directory}: {reason}"
        ) from None


def _report(command: str, args: argparse.Namespace, blocks: list[Block]) -> Report:
    return Report(
        title=f"cxmetrics {command}: {args.file}",
        confidence=args.confidence,
        sections=tuple(blocks),
    )


# ---------------------------------------------------------------------------
# tickets


def _calendar(args: argparse.Namespace) -> cx.BusinessCalendar | None:
    """A business calendar when any of ``--hours --days --holidays --tz`` is given."""
    given = (args.hours, args.days, args.holidays, args.tz)
    if all(option is None for option in given):
        return None
    holidays = [] if args.holidays is None else args.holidays.split(",")
    return cx.BusinessCalendar(
        hours=args.hours or "09:00-17:00",
        days=args.days or "Mon-Fri",
        holidays=[day.strip() for day in holidays if day.strip()],
        tz=args.tz,
    )


def build_tickets_report(args: argparse.Namespace) -> Report:
    """``cxmetrics tickets``: reply and resolution times, FCR and reopens."""
    level = args.confidence
    names = [args.created, args.first_response, args.resolved]
    frame = read_table(
        "tickets", args.file, [*names, args.contacts, args.reopens, args.by]
    )
    for name in names:
        frame[name] = _dates("tickets", frame, name)
    calendar = _calendar(args)
    response = cx.first_response_time(
        frame[args.created],
        frame[args.first_response],
        calendar=calendar,
        confidence=level,
    )
    resolution = cx.resolution_time(
        frame[args.created], frame[args.resolved], calendar=calendar, confidence=level
    )
    clock = "business hours" if calendar is not None else "hours"
    rows = [
        _duration_row("first_response", f"First response, median ({clock})", response),
        _duration_row("resolution", f"Resolution, median ({clock})", resolution),
    ]
    rates: list[tuple[str, str, Any, str]] = []
    if args.contacts is not None:
        rates.append(("fcr", "First contact resolution", cx.fcr_rate, args.contacts))
    if args.reopens is not None:
        rates.append(("reopen", "Reopened", cx.reopen_rate, args.reopens))
    rows += [
        _metric_row(key, label, metric(frame[column], confidence=level), "share")
        for key, label, metric, column in rates
    ]
    note = (
        f"{_source_note(args.file, frame)}; {response.n_pending:,} awaiting a reply, "
        f"{resolution.n_pending:,} open"
    )
    blocks: list[Block] = [
        Section(key="tickets", title="Tickets", note=note, rows=tuple(rows))
    ]
    if args.by is not None:
        by = [args.by]
        resolution_by = cx.by_segment(
            frame,
            cx.resolution_time,
            column=[args.created, args.resolved],
            by=by,
            confidence=level,
            calendar=calendar,
        )
        blocks.append(
            _segment_table(
                "resolution_by_segment",
                f"Resolution median ({clock}) by {args.by}",
                resolution_by,
                by,
                "hours",
                level,
            )
        )
        blocks += [
            _segment_table(
                f"{key}_by_segment",
                f"{label} by {args.by}",
                cx.by_segment(frame, metric, column=column, by=by, confidence=level),
                by,
                "share",
                level,
            )
            for key, label, metric, column in rates
        ]
    return _report("tickets", args, blocks)


# ---------------------------------------------------------------------------
# calls


def build_calls_report(args: argparse.Namespace) -> Report:
    """``cxmetrics calls``: service level, abandonment, ASA, AHT and staffing."""
    level = args.confidence
    parts = [args.talk, args.hold, args.wrap]
    frame = read_table(
        "calls", args.file, [args.wait, args.answered, *parts, args.arrival]
    )
    wait = frame[args.wait]
    answered = _flags("calls", frame, args.answered)
    rows = [
        _metric_row(
            "service_level",
            f"Answered within {args.threshold:g} s",
            cx.service_level(
                wait, answered, threshold=args.threshold, confidence=level
            ),
            "share",
        ),
        _metric_row(
            "abandonment",
            f"Abandoned (after {args.short_abandon:g} s or more)",
            cx.abandonment_rate(
                ~answered,
                wait_time=wait,
                short_abandon=args.short_abandon,
                confidence=level,
            ),
            "share",
        ),
        _metric_row(
            "asa",
            "Average speed of answer",
            cx.average_speed_of_answer(wait, answered, confidence=level),
            "seconds",
        ),
    ]
    aht_value: float | None = None
    if args.talk is not None:
        handled = frame.loc[answered]
        extra = {
            name: handled[column]
            for name, column in (("hold", args.hold), ("wrap", args.wrap))
            if column is not None
        }
        aht = cx.average_handle_time(handled[args.talk], confidence=level, **extra)
        aht_value = aht.value
        rows.append(_metric_row("aht", "Average handle time", aht, "seconds"))
    note = f"{_source_note(args.file, frame)}; service level counts abandons as misses"
    blocks: list[Block] = [
        Section(key="calls", title="Calls", note=note, rows=tuple(rows))
    ]
    if args.arrival is not None:
        if aht_value is None:
            raise InputError("calls: --arrival needs --talk for the handle time")
        arrivals = _dates("calls", frame, args.arrival)
        blocks.append(_staffing_table(args, arrivals, aht_value))
    return _report("calls", args, blocks)


def _staffing_table(args: argparse.Namespace, arrivals: pd.Series, aht: float) -> Table:
    """Agents needed per interval of an average day of the arrivals."""
    arrivals = arrivals.dropna()
    slots = arrivals.dt.floor(f"{args.interval}min")
    days = slots.dt.normalize().nunique()
    per_slot = slots.dt.strftime("%H:%M").value_counts().sort_index() / days
    plan = cx.required_agents(
        per_slot.to_numpy(),
        aht,
        target_service_level=args.target,
        target_time=args.threshold,
        interval=60 * args.interval,
        shrinkage=args.shrinkage,
    )
    note = (
        f"mean arrivals per {args.interval} min over {days:,} days, AHT {aht:.0f} s; "
        f"target {args.target:.0%} answered within {args.threshold:g} s; "
        f"{args.shrinkage:.0%} shrinkage"
    )
    return plan_table(per_slot.index, plan, note)


# ---------------------------------------------------------------------------
# retention


_DAYS_PER_MONTH = 365.25 / 12
_COHORT_OFFSETS = 12


def build_retention_report(args: argparse.Namespace) -> Report:
    """``cxmetrics retention``: cohorts and churn, or flows and lifetime."""
    log = args.customer is not None or args.date is not None
    subscriptions = args.start is not None or args.end is not None
    if log and (args.customer is None or args.date is None):
        raise InputError("retention: --customer and --date go together")
    if subscriptions and (args.start is None or args.end is None):
        raise InputError("retention: --start and --end go together")
    if not (log or subscriptions):
        raise InputError(
            "retention: give --customer and --date (an activity log) "
            "or --start and --end (subscriptions)"
        )
    names = [args.customer, args.date, args.start, args.end]
    frame = read_table("retention", args.file, names)
    blocks: list[Block] = []
    if log:
        dates = _dates("retention", frame, args.date)
        blocks += _activity_blocks(args, frame[args.customer], dates)
    if subscriptions:
        starts = _dates("retention", frame, args.start)
        ends = _dates("retention", frame, args.end)
        blocks.append(_subscription_section(args, frame, starts, ends))
    return _report("retention", args, blocks)


def _activity_blocks(
    args: argparse.Namespace, customers: pd.Series, dates: pd.Series
) -> list[Block]:
    """The cohort table and the churn of the latest period of an activity log."""
    level = args.confidence
    cohorts = cx.cohort_retention(customers, dates, freq=args.freq)
    _save_chart(
        "retention", args, "cohorts", lambda ax: plotting.plot_cohorts(cohorts, ax=ax)
    )
    offsets = [k for k in cohorts.rates.columns if k <= _COHORT_OFFSETS]
    rates = cohorts.rates[offsets]
    sizes = cohorts.sizes.to_numpy(dtype=np.float64)
    cells = np.column_stack([sizes, rates.to_numpy(dtype=np.float64)])
    share: Unit = "share"
    table = Table(
        key="cohorts",
        title=f"Cohorts (classic, freq {args.freq})",
        note="share of each cohort active k periods after its first activity",
        columns=("cohort", "customers", *(f"+{k}" for k in offsets)),
        units=("number", "number", *([share] * len(offsets))),
        rows=tuple(
            _cells(str(cohort), values)
            for cohort, values in zip(rates.index, cells, strict=True)
        ),
    )
    valid = dates.notna() & customers.notna()
    active = pd.DataFrame(
        {
            "customer": customers[valid].to_numpy(),
            "period": dates[valid].dt.tz_localize(None).dt.to_period(args.freq)
            if dates.dt.tz is not None
            else dates[valid].dt.to_period(args.freq),
        }
    ).drop_duplicates()
    last = active["period"].max()
    before = active.loc[active["period"] == last - 1, "customer"]
    now = active.loc[active["period"] == last, "customer"]
    lost = int((~before.isin(now)).sum())
    churn = cx.churn_rate(lost, len(before), confidence=level)
    row = _metric_row("churn", f"Churn in {last}", churn, "share")
    n_missing = int((~valid).sum())
    note = (
        f"{len(before):,} customers active in {last - 1}, {lost:,} of them "
        f"not active in {last}; {n_missing:,} rows without customer or date"
    )
    section = Section(key="activity", title="Churn", note=note, rows=(row,))
    return [section, table]


def _subscription_section(
    args: argparse.Namespace, frame: pd.DataFrame, starts: pd.Series, ends: pd.Series
) -> Section:
    """Churn of the last period from customer flows, and the median lifetime."""
    level = args.confidence
    flows = cx.customer_flows(starts, ends, freq=args.freq)
    last = flows.index[-1]
    period = flows.loc[last]
    # Customers both won and lost within the period were not there at its start.
    lost = int(period["churned"] - period["new_churned"])
    churn = cx.churn_rate(lost, int(period["active_start"]), confidence=level)
    observed_until = pd.concat([starts, ends]).max()
    days = (ends.fillna(observed_until) - starts).dt.total_seconds() / 86_400
    curve = cx.survival_curve(
        days / _DAYS_PER_MONTH, ends.notna() & starts.notna(), confidence=level
    )
    _save_chart(
        "retention", args, "lifetime", lambda ax: plotting.plot_survival(curve, ax=ax)
    )
    rows = (
        _metric_row("flow_churn", f"Churn in {last}", churn, "share"),
        lifetime_row(curve),
    )
    note = (
        f"{_source_note(args.file, frame)}, {int(ends.notna().sum()):,} ended; "
        f"open ones censored at {observed_until:%Y-%m-%d}"
    )
    return Section(key="subscriptions", title="Subscriptions", note=note, rows=rows)
