"""``cxmetrics retention``: the churn and lifetime of customers.

From an activity log, a cohort table and the churn of the last period; from
subscriptions, the churn of the last period and the median lifetime.

The command and the demo share one rule for each measure:

- **churn** of subscriptions is that of the last period of `cx.customer_flows`:
  the customers active when it opened and gone when it closed, over those
  active when it opened (undefined when nobody was);
- **censoring**: the data are taken as they stood on an *as-of* date (by
  default the latest date in the data): subscriptions that started later are
  left out, and those still open then are censored there;
- **lifetime** is the exact time from start to end (or to the as-of date), in
  months of 365.25 / 12 days.

Periods are the library's: ``freq`` goes to `cx.customer_flows` and
`cx.cohort_retention` as given, and the command reads the periods back from
their results.
"""

from __future__ import annotations

import argparse
import math

import attrs
import pandas as pd

import cxmetrics as cx
from cxmetrics import InputError, plotting
from cxmetrics.cli.blocks import file_report, metric_row, table
from cxmetrics.cli.inputs import (
    parse_date,
    read_dates,
    read_table,
    save_chart,
    source_note,
)
from cxmetrics.cli.report import Block, Column, Report, Row, Section, Table

__all__ = [
    "DAYS_PER_MONTH",
    "SubscriptionMeasures",
    "activity_section",
    "build",
    "censoring_note",
    "churn_row",
    "cohort_table",
    "format_day",
    "last_period_churn",
    "lifetime_months",
    "lifetime_row",
    "parse_as_of",
    "subscription_measures",
    "subscription_section",
]

#: Days in the month of a lifetime: a year of 365.25 days over 12.
DAYS_PER_MONTH = 365.25 / 12


def parse_as_of(text: str) -> pd.Timestamp:
    """``--as-of``: a date or timestamp in ISO 8601, such as ``2026-01-01``."""
    return parse_date("retention", "--as-of", text)


def format_day(stamp: pd.Timestamp) -> str:
    """A timestamp as the output states it: the date alone when it is a midnight."""
    if stamp.tz is None and stamp == stamp.normalize():
        return f"{stamp:%Y-%m-%d}"
    return stamp.isoformat()


def _same_zone(starts: pd.Series, ends: pd.Series) -> pd.Series:
    """The end dates in the start dates' time zone (or both naive)."""
    zone, end_zone = starts.dt.tz, ends.dt.tz
    if ends.isna().all() and end_zone != zone:
        open_ended: pd.Series = pd.Series(pd.NaT, index=ends.index, dtype=starts.dtype)
        return open_ended
    if (zone is None) != (end_zone is None):
        raise InputError(
            "retention: the start and end dates must both carry UTC offsets or neither"
        )
    if zone is None:
        return ends
    converted: pd.Series = ends.dt.tz_convert(zone)
    return converted


def _in_zone(stamp: pd.Timestamp, like: pd.Series) -> pd.Timestamp:
    """``--as-of`` in the zone of the dates: a naive date is read as local."""
    zone = like.dt.tz
    if zone is None:
        if stamp.tz is not None:
            raise InputError(
                "retention: --as-of has a UTC offset but the dates in the file "
                "have none"
            )
        return stamp
    local: pd.Timestamp = (
        stamp.tz_localize(zone) if stamp.tz is None else stamp.tz_convert(zone)
    )
    return local


@attrs.frozen(kw_only=True)
class SubscriptionMeasures:
    """Churn and lifetime of subscriptions as of a date.

    Attributes
    ----------
    as_of : pandas.Timestamp
        The date open subscriptions are censored at.
    n_ended : int
        Subscriptions that ended on or before ``as_of``.
    n_later : int
        Subscriptions that started after ``as_of``, left out.
    period : pandas.Period
        The last period of the customer flows.
    churn : RateResult or None
        Churn in ``period``; None when nobody was active when it opened.
    curve : SurvivalCurve
        Kaplan-Meier curve of the lifetimes, in months.
    """

    as_of: pd.Timestamp
    n_ended: int
    n_later: int
    period: pd.Period
    churn: cx.RateResult | None
    curve: cx.SurvivalCurve


def lifetime_months(
    starts: pd.Series, ends: pd.Series, as_of: pd.Timestamp
) -> tuple[pd.Series, pd.Series]:
    """Each subscription's lifetime in months and whether its end was observed.

    A subscription still open is censored at ``as_of``. The time is exact
    (fractions of a day count) and a month is ``DAYS_PER_MONTH`` days.
    """
    observed = ends.notna() & starts.notna()
    days = (ends.fillna(as_of) - starts).dt.total_seconds() / 86_400
    return days / DAYS_PER_MONTH, observed


def last_period_churn(
    starts: pd.Series, ends: pd.Series, *, freq: str, confidence: float
) -> tuple[pd.Period, cx.RateResult | None]:
    """Churn in the last period of the customer flows; None when undefined.

    Of the customers active when the period opened, the share whose end
    falls in it; customers won and lost within the period are in neither
    count (`cx.customer_flows`). Nobody active when it opened: None.
    """
    flows = cx.customer_flows(starts, ends, freq=freq)
    period = flows.index[-1]
    last = flows.iloc[-1]
    at_start = int(last["active_start"])
    if at_start == 0:
        return period, None
    lost = int(last["churned"] - last["new_churned"])
    return period, cx.churn_rate(lost, at_start, confidence=confidence)


def subscription_measures(
    starts: pd.Series,
    ends: pd.Series,
    *,
    freq: str,
    as_of: pd.Timestamp | None,
    confidence: float,
) -> SubscriptionMeasures:
    """Churn of the last period and the lifetime curve, as of a date.

    Parameters
    ----------
    starts, ends : pandas.Series
        Start and end of each subscription (datetimes; a missing end is a
        subscription still open).
    freq : str
        Period of the customer flows, passed to `cx.customer_flows`.
    as_of : pandas.Timestamp or None
        When the data were taken; None for the latest date in them. Earlier
        than the first date: `InputError`.
    confidence : float
        Confidence level of the intervals.
    """
    ends = _same_zone(starts, ends)
    dates = pd.concat([starts, ends])
    first, latest = dates.min(), dates.max()
    when = latest if as_of is None else _in_zone(as_of, starts)
    if pd.notna(first) and when < first:
        raise InputError(
            f"retention: --as-of {format_day(when)} is before the first date in the "
            f"file ({format_day(first)})"
        )
    later = starts > when
    starts, ends = starts[~later], ends[~later]
    ends = ends.where(ends <= when)
    period, churn = last_period_churn(starts, ends, freq=freq, confidence=confidence)
    months, observed = lifetime_months(starts, ends, when)
    curve = cx.survival_curve(months, observed, confidence=confidence)
    return SubscriptionMeasures(
        as_of=when,
        n_ended=int(ends.notna().sum()),
        n_later=int(later.sum()),
        period=period,
        churn=churn,
        curve=curve,
    )


def churn_row(key: str, label: str, churn: cx.RateResult | None) -> Row:
    """A churn rate's row; an undefined one (nobody at the start) reads n/a."""
    if churn is not None:
        return metric_row(key, label, churn, "share")
    return Row(
        key=key,
        label=f"{label} (undefined: nobody active at its start)",
        value=math.nan,
        unit="share",
        n=0,
        n_missing=0,
        count=0,
    )


def lifetime_row(curve: cx.SurvivalCurve) -> Row:
    """The Kaplan-Meier median lifetime, in months, with its interval."""
    return Row(
        key="median_lifetime",
        label="Median lifetime (Kaplan-Meier)",
        value=float(curve.median),
        unit="months",
        ci=curve.median_ci,
        n=int(curve.n),
        n_missing=int(curve.n_missing),
    )


def censoring_note(measures: SubscriptionMeasures) -> str:
    """``open ones censored at 2026-01-01``, and the subscriptions left out."""
    note = f"open ones censored at {format_day(measures.as_of)}"
    if measures.n_later:
        note += f"; {measures.n_later:,} starting after that date left out"
    return note


def subscription_section(measures: SubscriptionMeasures, *, source: str) -> Section:
    """Churn of the last period and the median lifetime of subscriptions."""
    rows = (
        churn_row("flow_churn", f"Churn in {measures.period}", measures.churn),
        lifetime_row(measures.curve),
    )
    note = f"{source}, {measures.n_ended:,} ended; {censoring_note(measures)}"
    return Section(
        key="subscriptions",
        title="Subscriptions",
        note=note,
        rows=rows,
        facts={"as_of": format_day(measures.as_of)},
    )


def cohort_table(
    customers: pd.Series,
    dates: pd.Series,
    *,
    freq: str,
    max_offset: int | None = None,
    source: str,
) -> tuple[Table, cx.CohortTable]:
    """Classic cohorts of an activity log: the share active k periods on.

    Every offset the data reach is a column, unless ``max_offset`` cuts them;
    the returned `CohortTable` has the same offsets (for a chart).
    """
    cohorts = cx.cohort_retention(customers, dates, freq=freq)
    offsets = [
        int(k) for k in cohorts.rates.columns if max_offset is None or k <= max_offset
    ]
    rates = cohorts.rates[offsets]
    if len(offsets) < len(cohorts.rates.columns):
        cohorts = attrs.evolve(cohorts, counts=cohorts.counts[offsets], rates=rates)
    note = f"{source}; share of each cohort active k periods after its first activity"
    if max_offset is not None:
        note += f"; offsets up to +{max_offset}"
    columns = [
        (Column(name="cohort", header="cohort", unit="text"), rates.index),
        (Column(name="size", header="customers", unit="count"), cohorts.sizes),
        *(
            (Column(name=f"offset_{k}", header=f"+{k}", unit="share"), rates[k])
            for k in offsets
        ),
    ]
    built = table(
        key="cohorts",
        title=f"Cohorts (classic, freq {freq})",
        note=note,
        columns=columns,
    )
    return built, cohorts


def activity_section(
    customers: pd.Series,
    dates: pd.Series,
    cohorts: cx.CohortTable,
    *,
    confidence: float,
) -> Section:
    """Churn of an activity log's last period: active in the one before, not in it.

    The periods are those of ``cohorts`` (made from the same rows by
    `cx.cohort_retention`): the last period is the last one in its table.
    Time-zone-aware dates are taken at their wall-clock time.
    """
    last = cohorts.rates.index[0] + int(cohorts.rates.columns[-1])
    previous = last - 1
    wall = dates.dt.tz_localize(None) if dates.dt.tz is not None else dates
    valid = wall.notna() & customers.notna()
    in_previous = valid & (wall >= previous.start_time) & (wall < last.start_time)
    before = pd.unique(customers[in_previous].to_numpy())
    now = customers[valid & (wall >= last.start_time)]
    lost = int((~pd.Series(before).isin(now)).sum())
    churn = (
        cx.churn_rate(lost, len(before), confidence=confidence) if len(before) else None
    )
    note = (
        f"{len(before):,} customers active in {previous}, {lost:,} of them not "
        f"active in {last}; {int((~valid).sum()):,} rows without customer or date"
    )
    row = churn_row("churn", f"Churn in {last}", churn)
    return Section(key="activity", title="Churn", note=note, rows=(row,))


def _check_options(args: argparse.Namespace) -> tuple[bool, bool]:
    """Which of the two inputs the options describe: (activity log, subscriptions)."""
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
    if args.as_of is not None and not subscriptions:
        raise InputError(
            "retention: --as-of applies to subscriptions (--start and --end)"
        )
    if args.max_offset is not None and not log:
        raise InputError(
            "retention: --max-offset applies to the cohort table of an activity "
            "log (--customer and --date)"
        )
    return log, subscriptions


def build(args: argparse.Namespace) -> Report:
    """``cxmetrics retention``: read the file and build the report."""
    log, subscriptions = _check_options(args)
    as_of = None if args.as_of is None else parse_as_of(args.as_of)
    names = [args.customer, args.date, args.start, args.end]
    frame = read_table("retention", args.file, names)
    source = source_note(args.file, frame)
    level, plots = args.confidence, args.plots
    blocks: list[Block] = []
    if log:
        customers = frame[args.customer]
        dates = read_dates("retention", frame, args.date)
        table_, cohorts = cohort_table(
            customers, dates, freq=args.freq, max_offset=args.max_offset, source=source
        )
        save_chart(
            "retention",
            plots,
            "cohorts",
            lambda ax: plotting.plot_cohorts(cohorts, ax=ax),
        )
        blocks += [
            activity_section(customers, dates, cohorts, confidence=level),
            table_,
        ]
    if subscriptions:
        measures = subscription_measures(
            read_dates("retention", frame, args.start),
            read_dates("retention", frame, args.end),
            freq=args.freq,
            as_of=as_of,
            confidence=level,
        )
        save_chart(
            "retention",
            plots,
            "lifetime",
            lambda ax: plotting.plot_survival(measures.curve, ax=ax),
        )
        blocks.append(subscription_section(measures, source=source))
    return file_report("retention", args.file, level, blocks)
