"""The demo report: one section builder per metric family, on the sample data.

Each builder takes the `DemoOptions` and returns a block of the report (a
`Section` of metric rows or a `Table`); `DEMO_SECTIONS` lists them in print
order. A new family joins the demo by adding one builder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

import cxmetrics as cx
from cxmetrics import datasets
from cxmetrics._report import Block, Report, Row, Section, Table, Unit
from cxmetrics.results import (
    DurationResult,
    Interval,
    MeanResult,
    NetScoreResult,
    RateResult,
    StaffingResult,
    SurvivalCurve,
)

__all__ = [
    "DEMO_SECTIONS",
    "DemoOptions",
    "SectionBuilder",
    "build_demo_report",
    "calls_section",
    "cohort_table",
    "csat_by_region_table",
    "funnel_table",
    "nps_by_region_table",
    "nps_trend_table",
    "retention_section",
    "staffing_table",
    "survey_section",
    "tickets_section",
]


@attrs.frozen(kw_only=True)
class DemoOptions:
    """What the demo's section builders are asked for.

    Attributes
    ----------
    confidence : float
        Confidence level of the intervals, in (0, 1).
    """

    confidence: float = 0.95


#: Builds one section of the demo from the options.
SectionBuilder: TypeAlias = Callable[[DemoOptions], Block]


# ---------------------------------------------------------------------------
# Sections


def _metric_row(
    key: str, label: str, result: RateResult | MeanResult | NetScoreResult, unit: Unit
) -> Row:
    """A row from a rate, mean or net-score result."""
    return Row(
        key=key,
        label=label,
        value=result.value,
        unit=unit,
        ci=result.ci,
        n=result.n,
        n_missing=result.n_missing,
        count=result.successes if isinstance(result, RateResult) else None,
    )


def _nps_rows(result: cx.NPSResult) -> tuple[Row, ...]:
    """NPS and, under it, the shares of promoters, passives and detractors."""
    shares = (
        ("promoter_share", "promoters (9-10)", result.promoters),
        ("passive_share", "passives (7-8)", result.passives),
        ("detractor_share", "detractors (0-6)", result.detractors),
    )
    head = Row(
        key="nps",
        label="NPS",
        value=result.value,
        unit="points",
        ci=result.ci,
        n=result.n,
        n_missing=result.n_missing,
    )
    details = tuple(
        Row(
            key=key,
            label=label,
            value=count / result.total_weight,
            unit="share",
            count=count,
            indent=1,
        )
        for key, label, count in shares
    )
    return (head, *details)


def survey_section(options: DemoOptions) -> Section:
    """NPS, CSAT and the three CES variants on the sample survey.

    Parameters
    ----------
    options : DemoOptions
        The confidence level.

    Returns
    -------
    Section
        Rows ``nps``, ``promoter_share``, ``passive_share``,
        ``detractor_share``, ``csat``, ``ces_mean``, ``ces_easy`` and
        ``net_easy``, with each metric's default interval method.

    Examples
    --------
    >>> section = survey_section(DemoOptions(confidence=0.95))
    >>> [row.key for row in section.rows][:2]
    ['nps', 'promoter_share']
    >>> print(section.rows[0].ci)
    95% CI 20.91 to 26.71, adjusted Wald
    """
    survey = datasets.load_survey()
    level = options.confidence
    ces = survey["ces"]
    rows = (
        *_nps_rows(cx.nps(survey["nps"], confidence=level)),
        _metric_row(
            "csat",
            "CSAT (4-5 of 1-5)",
            cx.csat(survey["csat"], confidence=level),
            "share",
        ),
        _metric_row(
            "ces_mean", "CES mean (1-7)", cx.ces(ces, confidence=level), "score"
        ),
        _metric_row(
            "ces_easy",
            "CES easy (5-7 of 1-7)",
            cx.ces(ces, method="percent_easy", confidence=level),
            "share",
        ),
        _metric_row(
            "net_easy",
            "Net Easy (5-7 minus 1-3)",
            cx.ces(ces, method="net_easy", confidence=level),
            "points",
        ),
    )
    first, last = survey["date"].min(), survey["date"].max()
    note = (
        f"sample survey, {len(survey):,} responses, {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    )
    return Section(key="survey", title="Survey", note=note, rows=rows)


def _segment_table(
    key: str, title: str, frame: pd.DataFrame, unit: Unit, level: float
) -> Table:
    """A `cx.by_segment` frame by region as a table."""
    numbers = frame[
        ["n", "value", "ci_low", "ci_high", "difference", "p_adjusted"]
    ].to_numpy(dtype=np.float64)
    rows = tuple(
        (*_cells(str(region), values), "yes" if flag else "no")
        for region, values, flag in zip(
            frame["region"], numbers, frame["significant"], strict=True
        )
    )
    percent = f"{100 * level:g}%"
    return Table(
        key=key,
        title=title,
        note=(
            "each region against all the others together; p-values "
            f"Holm-adjusted over the regions; significant at {percent}"
        ),
        columns=(
            "region",
            "n",
            "value",
            f"{percent} CI low",
            f"{percent} CI high",
            "vs rest",
            "p (Holm)",
            "significant",
        ),
        units=("number", "number", unit, unit, unit, unit, "p_value", "number"),
        rows=rows,
    )


def nps_by_region_table(options: DemoOptions) -> Table:
    """NPS of each region of the sample survey against the rest.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the intervals and of the significance flag.

    Returns
    -------
    Table
        One row per region: n, NPS, its adjusted Wald interval, the
        difference from the other regions together, the Holm-adjusted
        p-value (adjusted Wald z) and whether it is significant.

    Examples
    --------
    >>> [row[0] for row in nps_by_region_table(DemoOptions()).rows]
    ['North', 'South', 'East', 'West']
    """
    level = options.confidence
    frame = cx.by_segment(
        datasets.load_survey(), cx.nps, column="nps", by="region", confidence=level
    )
    return _segment_table("nps_by_region", "NPS by region", frame, "points", level)


def csat_by_region_table(options: DemoOptions) -> Table:
    """CSAT of each region of the sample survey against the rest.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the intervals and of the significance flag.

    Returns
    -------
    Table
        One row per region as in `nps_by_region_table`; intervals are
        Wilson, differences Newcombe with a pooled z test.

    Examples
    --------
    >>> [row[0] for row in csat_by_region_table(DemoOptions()).rows]
    ['North', 'South', 'East', 'West']
    """
    level = options.confidence
    frame = cx.by_segment(
        datasets.load_survey(), cx.csat, column="csat", by="region", confidence=level
    )
    return _segment_table("csat_by_region", "CSAT by region", frame, "share", level)


def nps_trend_table(options: DemoOptions) -> Table:
    """NPS of the sample survey month by month, with the change from the month before.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the intervals.

    Returns
    -------
    Table
        One row per month: n, NPS, its interval, the change from the month
        before and its (unadjusted) p-value.

    Examples
    --------
    >>> [row[0] for row in nps_trend_table(DemoOptions()).rows][:3]
    ['2025-01', '2025-02', '2025-03']
    """
    level = options.confidence
    frame = cx.over_time(
        datasets.load_survey(),
        cx.nps,
        column="nps",
        time="date",
        freq="M",
        compare_to="previous",
        confidence=level,
    )
    numbers = frame[["n", "value", "ci_low", "ci_high", "change", "p_value"]].to_numpy(
        dtype=np.float64
    )
    rows = tuple(
        _cells(str(period), values)
        for period, values in zip(frame.index, numbers, strict=True)
    )
    percent = f"{100 * level:g}%"
    return Table(
        key="nps_trend",
        title="NPS by month",
        note="change from the month before, adjusted Wald z test, not adjusted",
        columns=(
            "month",
            "n",
            "NPS",
            f"{percent} CI low",
            f"{percent} CI high",
            "change",
            "p",
        ),
        units=("number", "number", "points", "points", "points", "points", "p_value"),
        rows=rows,
    )


def _cells(label: str, values: npt.NDArray[np.float64]) -> tuple[float | str, ...]:
    """A table row: a text label, then numbers."""
    return (label, *(float(value) for value in values))


def _duration_row(key: str, label: str, result: DurationResult) -> Row:
    """A row for the median of a duration, with its order-statistic interval."""
    return Row(
        key=key,
        label=label,
        value=result.median,
        unit="hours" if result.unit == "h" else "seconds",
        ci=result.median_ci,
        n=result.n,
        n_missing=result.n_missing,
    )


def tickets_section(options: DemoOptions) -> Section:
    """Reply and resolution times in business hours, FCR and reopens.

    Parameters
    ----------
    options : DemoOptions
        The confidence level.

    Returns
    -------
    Section
        Rows ``first_response``, ``resolution`` (medians in business hours of
        the sample calendar, with order-statistic intervals), ``fcr`` and
        ``reopen``.

    Examples
    --------
    >>> section = tickets_section(DemoOptions())
    >>> [row.key for row in section.rows]
    ['first_response', 'resolution', 'fcr', 'reopen']
    """
    tickets = datasets.load_tickets()
    calendar = datasets.sample_calendar()
    level = options.confidence
    response = cx.first_response_time(
        tickets["created"],
        tickets["first_response"],
        calendar=calendar,
        confidence=level,
    )
    resolution = cx.resolution_time(
        tickets["created"], tickets["resolved"], calendar=calendar, confidence=level
    )
    resolved = tickets["contacts"].notna()
    rows = (
        _duration_row("first_response", "First response, median", response),
        _duration_row("resolution", "Resolution, median", resolution),
        _metric_row(
            "fcr",
            "First contact resolution",
            cx.fcr_rate(tickets.loc[resolved, "contacts"], confidence=level),
            "share",
        ),
        _metric_row(
            "reopen",
            "Reopened",
            cx.reopen_rate(tickets["reopens"], confidence=level),
            "share",
        ),
    )
    note = (
        f"{len(tickets):,} sample tickets in business hours "
        f"({datasets.BUSINESS_HOURS}, {datasets.BUSINESS_DAYS}, {calendar.tz}, "
        "public holidays off); "
        f"{response.n_pending:,} awaiting a reply, {resolution.n_pending:,} open"
    )
    return Section(key="tickets", title="Tickets", note=note, rows=rows)


SHORT_ABANDON = 5.0  # seconds; callers who hang up sooner are not counted
ANSWER_TARGET = 20.0  # seconds; the service-level threshold of the demo


def calls_section(options: DemoOptions) -> Section:
    """Abandonment, service level, ASA and AHT of the sample calls.

    Parameters
    ----------
    options : DemoOptions
        The confidence level.

    Returns
    -------
    Section
        Rows ``abandonment`` (short abandons under 5 s left out),
        ``service_level`` (answered within 20 s, abandons counted as misses),
        ``asa`` and ``aht`` (seconds, Student t intervals).

    Examples
    --------
    >>> section = calls_section(DemoOptions())
    >>> [row.key for row in section.rows]
    ['abandonment', 'service_level', 'asa', 'aht']
    """
    calls = datasets.load_calls()
    level = options.confidence
    wait, answered = calls["wait"], calls["answered"]
    rows = (
        _metric_row(
            "abandonment",
            f"Abandoned (after {SHORT_ABANDON:g} s or more)",
            cx.abandonment_rate(
                calls["abandoned"],
                wait_time=wait,
                short_abandon=SHORT_ABANDON,
                confidence=level,
            ),
            "share",
        ),
        _metric_row(
            "service_level",
            f"Answered within {ANSWER_TARGET:g} s",
            cx.service_level(wait, answered, threshold=ANSWER_TARGET, confidence=level),
            "share",
        ),
        _metric_row(
            "asa",
            "Average speed of answer",
            cx.average_speed_of_answer(wait, answered, confidence=level),
            "seconds",
        ),
        _metric_row(
            "aht",
            "Average handle time",
            cx.average_handle_time(
                calls.loc[answered, "talk"],
                calls.loc[answered, "hold"],
                calls.loc[answered, "wrap"],
                confidence=level,
            ),
            "seconds",
        ),
    )
    first, last = calls["arrival"].min(), calls["arrival"].max()
    note = (
        f"{len(calls):,} sample calls, {first:%Y-%m-%d} to {last:%Y-%m-%d}; "
        "service level counts abandons as misses"
    )
    return Section(key="calls", title="Calls", note=note, rows=rows)


TARGET_SERVICE_LEVEL = 0.8
SHRINKAGE = 0.3


def staffing_table(options: DemoOptions) -> Table:
    """Agents needed per half hour of an average weekday of the sample calls.

    Arrivals per half hour are averaged over the weekdays in the data; the
    handle time is the mean of the answered calls. `cx.required_agents`
    finds the least agents on the queue answering 80% within 20 s, and the
    headcount to schedule after 30% shrinkage.

    Parameters
    ----------
    options : DemoOptions
        Not used: Erlang C has no interval.

    Returns
    -------
    Table
        One row per half hour.

    Examples
    --------
    >>> table = staffing_table(DemoOptions())
    >>> table.columns[:3]
    ('interval', 'calls', 'Erlangs')
    """
    del options
    calls = datasets.load_calls()
    answered = calls["answered"]
    handled = calls.loc[answered, ["talk", "hold", "wrap"]].sum(axis=1)
    aht = float(handled.mean())
    slots = calls["arrival"].dt.floor("30min")
    days = slots.dt.normalize().nunique()
    per_slot = slots.dt.strftime("%H:%M").value_counts().sort_index() / days
    plan = cx.required_agents(
        per_slot.to_numpy(),
        aht,
        target_service_level=TARGET_SERVICE_LEVEL,
        target_time=ANSWER_TARGET,
        shrinkage=SHRINKAGE,
    )
    note = (
        f"average weekday, AHT {aht:.0f} s; target {TARGET_SERVICE_LEVEL:.0%} "
        f"answered within {ANSWER_TARGET:g} s; {SHRINKAGE:.0%} shrinkage"
    )
    return plan_table(per_slot.index, plan, note)


def plan_table(slots: Sequence[object], plan: StaffingResult, note: str) -> Table:
    """A staffing plan as a table: one row per interval of the day."""
    numbers = plan.to_frame()[
        ["arrival_rate", "traffic", "agents_on_queue", "agents", "service_level", "asa"]
    ].to_numpy(dtype=np.float64)
    rows = tuple(
        _cells(str(slot), values) for slot, values in zip(slots, numbers, strict=True)
    )
    return Table(
        key="staffing",
        title="Staffing (Erlang C)",
        note=note,
        columns=(
            "interval",
            "calls",
            "Erlangs",
            "on queue",
            "scheduled",
            "service level",
            "ASA",
        ),
        units=("number", "number", "number", "number", "number", "share", "seconds"),
        rows=rows,
    )


GROSS_MARGIN = 0.8
OBSERVED_UNTIL = "2026-01-01"  # the sample subscriptions' snapshot date
DAYS_PER_MONTH = 365.25 / 12


def retention_section(options: DemoOptions) -> Section:
    """Churn, lifetime, revenue retention and lifetime value of the subscriptions.

    Parameters
    ----------
    options : DemoOptions
        The confidence level.

    Returns
    -------
    Section
        Rows ``monthly_churn`` (the last full month), ``annual_churn`` (that
        month compounded over a year), ``median_lifetime`` (Kaplan-Meier, in
        months, Brookmeyer-Crowley interval), ``nrr`` and ``grr`` (the last
        twelve months) and ``clv`` (80% gross margin, no discounting).

    Examples
    --------
    >>> section = retention_section(DemoOptions())
    >>> [row.key for row in section.rows]
    ['monthly_churn', 'annual_churn', 'median_lifetime', 'nrr', 'grr', 'clv']
    """
    level = options.confidence
    subscriptions = datasets.load_subscriptions()
    mrr = datasets.load_mrr()
    flows = cx.customer_flows(subscriptions["start"], subscriptions["end"], freq="M")
    last = flows.index[-1]
    month = flows.loc[last]
    # Customers both won and lost within the month were not there at its start.
    lost = int(month["churned"] - month["new_churned"])
    churn = cx.churn_rate(lost, int(month["active_start"]), confidence=level)
    annual = _annualized(churn)
    censor = pd.Timestamp(OBSERVED_UNTIL)
    ends = subscriptions["end"].fillna(censor)
    days = (ends - subscriptions["start"]).dt.days
    curve = cx.survival_curve(
        days / DAYS_PER_MONTH,
        subscriptions["end"].notna(),
        confidence=level,
    )
    months = mrr["month"].dt.to_period("M")
    by_customer = mrr.assign(period=months).set_index("customer_id")
    end_period = months.max()
    start_period = end_period - 12
    revenue = cx.revenue_retention(
        by_customer.loc[by_customer["period"] == start_period, "mrr"],
        by_customer.loc[by_customer["period"] == end_period, "mrr"],
    )
    current = by_customer.loc[by_customer["period"] == end_period, "mrr"]
    arpa = float(current.sum() / (current > 0).sum())
    value = float(cx.clv(arpa, GROSS_MARGIN, churn.value))
    rows = (
        _metric_row(
            "monthly_churn", f"Churn in {last.strftime('%b %Y')}", churn, "share"
        ),
        _metric_row("annual_churn", "  compounded over a year", annual, "share"),
        lifetime_row(curve),
        Row(
            key="nrr",
            label=(
                f"Net revenue retention, {start_period.strftime('%b %Y')} to "
                f"{end_period.strftime('%b %Y')}"
            ),
            value=revenue.nrr,
            unit="share",
        ),
        Row(
            key="grr", label="Gross revenue retention", value=revenue.grr, unit="share"
        ),
        Row(
            key="clv",
            label=f"Lifetime value (ARPA {arpa:,.0f}, {GROSS_MARGIN:.0%} margin)",
            value=value,
            unit="money",
        ),
    )
    note = (
        f"{len(subscriptions):,} sample subscriptions, "
        f"{int(subscriptions['end'].notna().sum()):,} churned"
    )
    return Section(key="retention", title="Retention", note=note, rows=rows)


def lifetime_row(curve: SurvivalCurve) -> Row:
    """The Kaplan-Meier median lifetime, in months, with its interval."""
    return Row(
        key="median_lifetime",
        label="Median lifetime (Kaplan-Meier)",
        value=curve.median,
        unit="months",
        ci=curve.median_ci,
        n=curve.n,
        n_missing=curve.n_missing,
    )


def _annualized(churn: RateResult) -> RateResult:
    """The monthly churn compounded over twelve months, interval bounds too.

    ``1 - (1 - r)^12`` increases with ``r``, so the bounds of the monthly
    interval map to bounds of the yearly rate.
    """
    yearly = float(cx.annualized_churn(churn.value))
    ci = churn.ci
    if ci is not None:
        low, high = cx.annualized_churn(np.array([ci.low, ci.high]))
        ci = Interval(float(low), float(high), ci.level, ci.method)
    return attrs.evolve(churn, value=yearly, ci=ci, label="Annualized churn")


COHORT_OFFSETS = 8


def cohort_table(options: DemoOptions) -> Table:
    """Quarterly cohorts of paying customers: the share still paying k quarters on.

    Parameters
    ----------
    options : DemoOptions
        Not used: cohort rates are shown without intervals.

    Returns
    -------
    Table
        One row per cohort (the quarter of the first payment): its size and
        the share active 0 to 8 quarters later; blank where not yet observable.

    Examples
    --------
    >>> table = cohort_table(DemoOptions())
    >>> table.columns[:3]
    ('cohort', 'customers', 'Q+0')
    """
    del options
    mrr = datasets.load_mrr()
    paying = mrr[mrr["mrr"] > 0]
    cohorts = cx.cohort_retention(paying["customer_id"], paying["month"], freq="Q")
    offsets = [k for k in cohorts.rates.columns if k <= COHORT_OFFSETS]
    rates = cohorts.rates[offsets]
    sizes = cohorts.sizes.to_numpy(dtype=np.float64)
    cells = np.column_stack([sizes, rates.to_numpy(dtype=np.float64)])
    rows = tuple(
        _cells(str(cohort), values)
        for cohort, values in zip(rates.index, cells, strict=True)
    )
    share: Unit = "share"
    units: tuple[Unit, ...] = ("number", "number", *([share] * len(offsets)))
    return Table(
        key="cohorts",
        title="Cohorts (classic, quarterly)",
        note="share of each cohort paying k quarters after its first payment",
        columns=("cohort", "customers", *(f"Q+{k}" for k in offsets)),
        units=units,
        rows=rows,
    )


def funnel_table(options: DemoOptions) -> Table:
    """The sample sign-up funnel: counts, step and overall conversion.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the overall-rate intervals.

    Returns
    -------
    Table
        One row per stage, strict (a person counts at a stage only when
        every earlier stage is true).

    Examples
    --------
    >>> [row[0] for row in funnel_table(DemoOptions()).rows]
    ['visited', 'signed_up', 'activated', 'subscribed']
    """
    people = datasets.load_funnel()
    stages = people[list(datasets.FUNNEL_STAGES)]
    table = cx.funnel(stages, confidence=options.confidence)
    numbers = table[
        ["count", "step_rate", "overall_rate", "overall_ci_low", "overall_ci_high"]
    ].to_numpy(dtype=np.float64)
    rows = tuple(
        _cells(str(stage), values)
        for stage, values in zip(table["stage"], numbers, strict=True)
    )
    level = f"{100 * options.confidence:g}%"
    return Table(
        key="funnel",
        title="Funnel",
        note=f"{len(people):,} sample visitors; Wilson intervals",
        columns=(
            "stage",
            "people",
            "step rate",
            "overall rate",
            f"{level} CI low",
            f"{level} CI high",
        ),
        units=("number", "number", "share", "share", "share", "share"),
        rows=rows,
    )


#: The demo's sections, in print order.
DEMO_SECTIONS: tuple[SectionBuilder, ...] = (
    survey_section,
    nps_by_region_table,
    csat_by_region_table,
    nps_trend_table,
    tickets_section,
    calls_section,
    staffing_table,
    retention_section,
    cohort_table,
    funnel_table,
)


def build_demo_report(
    options: DemoOptions, sections: Sequence[SectionBuilder] = DEMO_SECTIONS
) -> Report:
    """Build the demo report from its section builders.

    Parameters
    ----------
    options : DemoOptions
        Passed to every section builder.
    sections : sequence of callables
        Section builders, in print order; by default `DEMO_SECTIONS`.

    Returns
    -------
    Report

    Examples
    --------
    >>> report = build_demo_report(DemoOptions(confidence=0.9))
    >>> [section.key for section in report.sections]
    ['survey', 'nps_by_region', 'csat_by_region', 'nps_trend', 'tickets', 'calls',
     'staffing', 'retention', 'cohorts', 'funnel']
    >>> report.confidence
    0.9
    """
    return Report(
        title="cxmetrics demo: customer-experience report on the bundled sample data",
        confidence=options.confidence,
        sections=tuple(build(options) for build in sections),
    )
