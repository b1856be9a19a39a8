"""``cxmetrics demo``: the file commands' own builders, run on the bundled data.

Each section builder takes the `DemoOptions` and returns one block of the
report; `DEMO_SECTIONS` lists them in print order. The survey, tickets,
calls and retention blocks come from the builders of ``cxmetrics survey``,
``tickets``, ``calls`` and ``retention``, so the demo and the commands share
every rule; the demo adds what no command has: annualized churn, revenue
retention, lifetime value, the sign-up funnel, Erlang A and Erlang C set
against what the sample line observed, and a shift plan. The customer-value blocks
come from the builders of ``cxmetrics value``, run on the sample purchase
log.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TypeAlias

import attrs
import numpy as np
import pandas as pd

import cxmetrics as cx
from cxmetrics import datasets
from cxmetrics.cli import calls, retention, schedule, survey, tickets, value
from cxmetrics.cli.blocks import metric_row, percent, table
from cxmetrics.cli.report import Block, Column, Report, Row, Section, Table, Unit

__all__ = [
    "CALL_TARGETS",
    "COHORT_OFFSETS",
    "DEMO_SECTIONS",
    "DEMO_SHIFTS",
    "GROSS_MARGIN",
    "OBSERVED_UNTIL",
    "VALUE_SETTINGS",
    "DemoOptions",
    "SectionBuilder",
    "build_demo_report",
    "calls_section",
    "cohort_table",
    "csat_by_region_table",
    "funnel_table",
    "nps_by_region_table",
    "nps_trend_table",
    "queue_models_section",
    "retention_section",
    "shift_plan_table",
    "staffing_table",
    "survey_section",
    "tickets_section",
    "top_customers_table",
    "value_models_table",
    "value_parameters_table",
    "value_section",
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

#: The sample calls' service targets: 80% answered within 20 s, short
#: abandons under 5 s left out, 30% shrinkage, half-hour intervals.
CALL_TARGETS = calls.CallTargets()
#: The date the sample subscriptions were taken: those without an end were
#: still subscribed on it (see `cxmetrics.datasets.load_subscriptions`).
OBSERVED_UNTIL = pd.Timestamp("2026-01-01")
#: Gross margin of the lifetime value.
GROSS_MARGIN = 0.8
#: The cohort table shows two years of quarters after the first.
COHORT_OFFSETS = 8
#: The value of the sample purchase log: observed to its end, in weeks, the
#: next twelve months discounted at 1% a month, the five most valuable
#: customers listed.
VALUE_SETTINGS = value.ValueSettings(
    as_of=pd.Timestamp(datasets.TRANSACTIONS_END), discount_rate=0.01, top=5
)


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
    frame = datasets.load_survey()
    level = options.confidence
    asked = [
        ("nps", survey.SurveyMetric(name="nps", confidence=level)),
        ("csat", survey.SurveyMetric(name="csat", confidence=level)),
        *(
            ("ces", survey.SurveyMetric(name="ces", method=method, confidence=level))
            for method in survey.CES_METHODS
        ),
    ]
    rows = tuple(
        row
        for column, metric in asked
        for row in survey.overall_rows(frame, column, metric)[0]
    )
    first, last = frame["date"].min(), frame["date"].max()
    note = (
        f"sample survey, {len(frame):,} responses, {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    )
    return Section(key="survey", title="Survey", note=note, rows=rows)


def _by_region(name: str, confidence: float) -> Table:
    metric = survey.SurveyMetric(name=name, confidence=confidence)
    frame = datasets.load_survey()
    return survey.survey_segments(
        frame, name, metric, ["region"], key=f"{name}_by_region"
    )[0]


def nps_by_region_table(options: DemoOptions) -> Table:
    """NPS of each region of the sample survey against the rest.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the intervals and of the significance flag.

    Returns
    -------
    Table
        One row per region, as ``cxmetrics survey --by region`` prints it.

    Examples
    --------
    >>> [row[0] for row in nps_by_region_table(DemoOptions()).rows]
    ['North', 'South', 'East', 'West']
    """
    return _by_region("nps", options.confidence)


def csat_by_region_table(options: DemoOptions) -> Table:
    """CSAT of each region of the sample survey against the rest.

    As `nps_by_region_table` does for NPS, with Wilson intervals and
    Newcombe differences tested by a pooled z test.

    Examples
    --------
    >>> table = csat_by_region_table(DemoOptions())
    >>> [column.name for column in table.columns[:4]]
    ['region', 'n', 'n_missing', 'value']
    """
    return _by_region("csat", options.confidence)


def nps_trend_table(options: DemoOptions) -> Table:
    """NPS of the sample survey month by month, with the change from the month before.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the intervals.

    Returns
    -------
    Table
        One row per month, as ``cxmetrics survey --time date --freq M``
        prints it.

    Examples
    --------
    >>> [row[0] for row in nps_trend_table(DemoOptions()).rows][:3]
    ['2025-01', '2025-02', '2025-03']
    """
    metric = survey.SurveyMetric(name="nps", confidence=options.confidence)
    frame = datasets.load_survey()
    return survey.survey_trend(frame, "nps", metric, "date", "M", key="nps_trend")[0]


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
    frame = datasets.load_tickets()
    calendar = datasets.sample_calendar()
    columns = tickets.TicketColumns(
        created="created",
        first_response="first_response",
        resolved="resolved",
        contacts="contacts",
        reopens="reopens",
    )
    source = (
        f"{len(frame):,} sample tickets in business hours "
        f"({datasets.BUSINESS_HOURS}, {datasets.BUSINESS_DAYS}, {calendar.tz}, "
        "public holidays off)"
    )
    return tickets.tickets_section(
        frame,
        columns,
        calendar=calendar,
        confidence=options.confidence,
        source=source,
    )


#: The sample calls' handle-time columns.
_HANDLE = {"talk": "talk", "hold": "hold", "wrap": "wrap"}


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
    frame = datasets.load_calls()
    first, last = frame["arrival"].min(), frame["arrival"].max()
    return calls.calls_section(
        frame,
        wait="wait",
        answered="answered",
        handle=_HANDLE,
        targets=CALL_TARGETS,
        confidence=options.confidence,
        source=f"{len(frame):,} sample calls, {first:%Y-%m-%d} to {last:%Y-%m-%d}",
    )


def _sample_patience_row(frame: pd.DataFrame) -> Row:
    """The sample callers' mean patience, as ``calls --patience auto`` reads it."""
    return calls.patience_row(frame, wait="wait", answered="answered")


def _sample_patience(frame: pd.DataFrame) -> float:
    """The sample callers' mean patience in seconds (`_sample_patience_row`)."""
    return float(_sample_patience_row(frame).value)


def _sample_aht(frame: pd.DataFrame, options: DemoOptions) -> float:
    """The mean handle time of the sample's answered calls, seconds."""
    result = calls.handle_time(
        frame, "answered", _HANDLE, confidence=options.confidence
    )
    return float(result.value)


def staffing_table(options: DemoOptions) -> Table:
    """Agents needed per half hour of an average weekday of the sample calls.

    Arrivals per half hour are averaged over the weekdays in the data; the
    handle time is the mean of the answered calls. `cx.required_agents`
    finds the least agents on the queue answering 80% within 20 s, and the
    headcount to schedule after 30% shrinkage.

    Parameters
    ----------
    options : DemoOptions
        The confidence level (of the handle time's interval, not shown).

    Returns
    -------
    Table
        One row per half hour, as ``cxmetrics calls --arrival`` prints it.

    Examples
    --------
    >>> table = staffing_table(DemoOptions())
    >>> [column.header for column in table.columns[:3]]
    ['interval', 'calls', 'Erlangs']
    """
    frame = datasets.load_calls()
    return calls.staffing_table(
        frame["arrival"],
        _sample_aht(frame, options),
        CALL_TARGETS,
        patience=_sample_patience(frame),
        patience_note=" (estimated from the calls)",
    )


def queue_models_section(options: DemoOptions) -> Section:
    """Erlang A and Erlang C against what the sample line observed.

    Every half hour of the two weeks is predicted from its calls, the mean
    handle time and the roster it had (`cxmetrics.datasets.CALL_AGENTS`):
    by Erlang C, where nobody hangs up, and by Erlang A with the callers'
    patience estimated from the same log (`cx.estimate_patience`). The
    predictions are averaged over the calls offered.

    Parameters
    ----------
    options : DemoOptions
        The confidence level of the observed rates.

    Returns
    -------
    Section
        Rows ``patience`` (estimated, seconds), ``abandonment`` (observed:
        every caller who hung up), ``abandonment_erlang_a``,
        ``abandonment_erlang_c``, ``service_level`` (observed, answered
        within 20 s of all offered), ``service_level_erlang_a`` and
        ``service_level_erlang_c``.

    Examples
    --------
    >>> section = queue_models_section(DemoOptions())
    >>> [row.key for row in section.rows][:3]
    ['patience', 'abandonment', 'abandonment_erlang_a']
    >>> round(section.rows[0].value, 1)
    128.7
    """
    frame = datasets.load_calls()
    waits, answered = frame["wait"], frame["answered"]
    target = CALL_TARGETS.threshold
    patience = _sample_patience_row(frame)
    aht = _sample_aht(frame, options)
    slot = frame["arrival"].dt.floor("30min")
    offered = slot.value_counts().sort_index()
    first = int(offered.index.hour.min())
    position = (offered.index.hour - first) * 2 + offered.index.minute // 30
    agents = np.asarray(datasets.CALL_AGENTS)[position]
    by_a = cx.erlang_a(
        offered.to_numpy(), aht, agents, patience=patience.value, target_time=target
    )
    by_c = cx.erlang_c(offered.to_numpy(), aht, agents, target_time=target)
    weight = offered.to_numpy()

    def predicted(key: str, label: str, value: object) -> Row:
        mean = float(np.average(np.asarray(value, dtype=float), weights=weight))
        return Row(key=key, label=label, value=mean, unit="share", indent=1)

    rows = (
        patience,
        metric_row(
            "abandonment",
            "Abandoned, observed",
            cx.abandonment_rate(~answered, confidence=options.confidence),
            "share",
        ),
        predicted("abandonment_erlang_a", "Erlang A predicts", by_a.prob_abandon),
        predicted("abandonment_erlang_c", "Erlang C predicts", np.zeros(len(weight))),
        metric_row(
            "service_level",
            f"Answered within {target:g} s, observed",
            cx.service_level(
                waits, answered, threshold=target, confidence=options.confidence
            ),
            "share",
        ),
        predicted("service_level_erlang_a", "Erlang A predicts", by_a.service_level),
        predicted("service_level_erlang_c", "Erlang C predicts", by_c.service_level),
    )
    unstable = int(np.count_nonzero(np.asarray(by_c.prob_wait) == 1))
    note = (
        f"{len(offered):,} half hours of the sample line, each predicted from its "
        f"calls, the mean handle time ({aht:.0f} s) and its roster; Erlang C's "
        f"queue is unstable in {unstable} of them"
    )
    return Section(
        key="queue_models", title="Erlang A vs Erlang C", note=note, rows=rows
    )


#: The demo's candidate shifts over the sample line's day (08:00 to 18:00 in
#: half hours): start, number of half hours, and cost (the hours paid).
DEMO_SHIFTS = {
    "08:00-14:00": (0, 12),
    "10:00-16:00": (4, 12),
    "12:00-18:00": (8, 12),
    "08:00-12:00": (0, 8),
    "14:00-18:00": (12, 8),
}


def shift_plan_table(options: DemoOptions) -> Table:
    """Shifts for the Erlang A headcount of the sample line's average weekday.

    The agents to schedule per half hour (Erlang A, patience estimated from
    the calls, 80% in 20 s, 30% shrinkage) are covered at the least cost by
    five candidate shifts, six hours and four hours long, each costing the
    hours it pays (`cx.schedule_shifts`).

    Parameters
    ----------
    options : DemoOptions
        The confidence level (of the handle time's interval, not shown).

    Returns
    -------
    Table
        One row per shift, as ``cxmetrics schedule`` prints it.

    Examples
    --------
    >>> [row[1] for row in shift_plan_table(DemoOptions()).rows][:2]
    ['08:00-14:00', '10:00-16:00']
    """
    frame = datasets.load_calls()
    aht = _sample_aht(frame, options)
    per_slot, _ = calls.average_day(frame["arrival"], CALL_TARGETS.interval)
    staffing = calls.plan_staffing(
        per_slot, aht, CALL_TARGETS, patience=_sample_patience(frame)
    )
    needed = np.asarray(staffing.agents)
    periods = len(per_slot)
    patterns = {
        name: np.isin(np.arange(periods), np.arange(start, start + length)).astype(int)
        for name, (start, length) in DEMO_SHIFTS.items()
    }
    cost = [length / 2 for _, length in DEMO_SHIFTS.values()]
    requirements = pd.DataFrame(
        [needed], index=["weekday"], columns=list(per_slot.index)
    )
    plan = cx.schedule_shifts(requirements, patterns, cost=cost)
    note = (
        f"the Erlang A headcount of the average weekday ({int(needed.sum()):,} "
        f"agent-half-hours) at the least paid hours: {plan.total_cost:,.0f} hours, "
        f"{int(plan.surplus.sum())} spare agent-half-hours"
    )
    return schedule.shifts_table(plan, cost, note=note)


def retention_section(options: DemoOptions) -> Section:
    """Churn, lifetime, revenue retention and lifetime value of the subscriptions.

    Parameters
    ----------
    options : DemoOptions
        The confidence level.

    Returns
    -------
    Section
        Rows ``monthly_churn`` (the last month, as ``cxmetrics retention``
        computes it), ``annual_churn`` (that month compounded over a year),
        ``median_lifetime`` (Kaplan-Meier, in months, Brookmeyer-Crowley
        interval, censored at `OBSERVED_UNTIL`), ``nrr`` and ``grr`` (the
        last twelve months) and ``clv`` (80% gross margin, no discounting).

    Examples
    --------
    >>> section = retention_section(DemoOptions())
    >>> [row.key for row in section.rows]
    ['monthly_churn', 'annual_churn', 'median_lifetime', 'nrr', 'grr', 'clv']
    """
    subscriptions = datasets.load_subscriptions()
    measures = retention.subscription_measures(
        subscriptions["start"],
        subscriptions["end"],
        freq="M",
        as_of=OBSERVED_UNTIL,
        confidence=options.confidence,
    )
    churn = measures.churn
    mrr = datasets.load_mrr()
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
    # Lifetime value needs a churn rate; it is undefined when the churn is.
    value = np.nan if churn is None else float(cx.clv(arpa, GROSS_MARGIN, churn.value))
    month = measures.period.strftime("%b %Y")
    rows = (
        retention.churn_row("monthly_churn", f"Churn in {month}", churn),
        retention.churn_row(
            "annual_churn", "  compounded over a year", _annualized(churn)
        ),
        retention.lifetime_row(measures.curve),
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
        f"{len(subscriptions):,} sample subscriptions, {measures.n_ended:,} "
        f"churned; {retention.censoring_note(measures)}"
    )
    return Section(
        key="retention",
        title="Retention",
        note=note,
        rows=rows,
        facts={"as_of": retention.format_day(measures.as_of)},
    )


def _annualized(churn: cx.RateResult | None) -> cx.RateResult | None:
    """The monthly churn compounded over twelve months, interval bounds too.

    ``1 - (1 - r)^12`` increases with ``r``, so the bounds of the monthly
    interval map to bounds of the yearly rate.
    """
    if churn is None:
        return None
    yearly = float(cx.annualized_churn(churn.value))
    ci = churn.ci
    if ci is not None:
        low, high = cx.annualized_churn(np.array([ci.low, ci.high]))
        ci = cx.Interval(float(low), float(high), ci.level, ci.method)
    return attrs.evolve(churn, value=yearly, ci=ci, label="Annualized churn")


def cohort_table(options: DemoOptions) -> Table:
    """Quarterly cohorts of paying customers: the share still paying k quarters on.

    Parameters
    ----------
    options : DemoOptions
        Not used: cohort rates are shown without intervals.

    Returns
    -------
    Table
        ``cxmetrics retention --customer customer_id --date month --freq Q
        --max-offset 8`` on the paying months of the sample MRR: one row per
        cohort (the quarter of the first payment), its size and the share
        active 0 to 8 quarters later; blank where not yet observable.

    Examples
    --------
    >>> table = cohort_table(DemoOptions())
    >>> [column.name for column in table.columns[:3]]
    ['cohort', 'size', 'offset_0']
    """
    del options
    mrr = datasets.load_mrr()
    paying = mrr[mrr["mrr"] > 0]
    built, _ = retention.cohort_table(
        paying["customer_id"],
        paying["month"],
        freq="Q",
        max_offset=COHORT_OFFSETS,
        source=f"{paying['customer_id'].nunique():,} paying customers of the sample",
    )
    return built


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
        every earlier stage is true), with the columns of `cx.funnel`.

    Examples
    --------
    >>> [row[0] for row in funnel_table(DemoOptions()).rows]
    ['visited', 'signed_up', 'activated', 'subscribed']
    """
    people = datasets.load_funnel()
    stages = people[list(datasets.FUNNEL_STAGES)]
    frame = cx.funnel(stages, confidence=options.confidence)
    level = percent(options.confidence)
    shown: list[tuple[str, str, Unit, bool]] = [
        ("stage", "stage", "text", True),
        ("count", "people", "count", True),
        ("step_rate", "step rate", "share", True),
        ("step_ci_low", f"step {level} CI low", "share", False),
        ("step_ci_high", f"step {level} CI high", "share", False),
        ("overall_rate", "overall rate", "share", True),
        ("overall_ci_low", f"{level} CI low", "share", True),
        ("overall_ci_high", f"{level} CI high", "share", True),
        ("drop_off", "drop-off", "count", False),
    ]
    columns = [
        (Column(name=name, header=header, unit=unit, shown=visible), frame[name])
        for name, header, unit, visible in shown
    ]
    return table(
        key="funnel",
        title="Funnel",
        note=f"{len(people):,} sample visitors; Wilson intervals",
        columns=columns,
    )


@functools.lru_cache(maxsize=1)
def _sample_value() -> value.ValueAnalysis:
    """The models of the sample purchase log, fitted once for the four blocks."""
    log = datasets.load_transactions()
    return value.analyse(log["customer_id"], log["date"], log["amount"], VALUE_SETTINGS)


def value_section(options: DemoOptions) -> Section:
    """Customers, P(alive), expected purchases and value of the sample purchase log.

    Parameters
    ----------
    options : DemoOptions
        Not used: the models give no intervals here.

    Returns
    -------
    Section
        ``cxmetrics value --customer customer_id --date date --value amount
        --discount-rate 0.01`` on the sample log: rows ``customers``,
        ``repeat_customers``, ``p_alive``, ``expected_purchases`` and
        ``lifetime_value`` (the next twelve months, in weeks).

    Examples
    --------
    >>> section = value_section(DemoOptions())
    >>> [row.key for row in section.rows]
    ['customers', 'repeat_customers', 'p_alive', 'expected_purchases', 'lifetime_value']
    """
    del options
    log_size = len(datasets.load_transactions())
    return value.value_section(
        _sample_value(), source=f"sample purchase log, {log_size:,} purchases"
    )


def value_models_table(options: DemoOptions) -> Table:
    """The BG/NBD and Gamma-Gamma fits of the sample log: n, log-likelihood, converged.

    Examples
    --------
    >>> [row[0] for row in value_models_table(DemoOptions()).rows]
    ['bgnbd', 'gamma_gamma']
    """
    del options
    return value.models_table(_sample_value())


def value_parameters_table(options: DemoOptions) -> Table:
    """The parameters of the sample log's models, with their standard errors.

    Examples
    --------
    >>> [row[1] for row in value_parameters_table(DemoOptions()).rows]
    ['r', 'alpha', 'a', 'b', 'p', 'q', 'v']
    """
    del options
    return value.parameters_table(_sample_value())


def top_customers_table(options: DemoOptions) -> Table:
    """The five customers of the sample log worth the most over the next year.

    Examples
    --------
    >>> table = top_customers_table(DemoOptions())
    >>> len(table.rows), table.columns[-1].name
    (5, 'lifetime_value')
    """
    del options
    return value.top_customers_table(_sample_value())


#: The demo's sections, in print order.
DEMO_SECTIONS: tuple[SectionBuilder, ...] = (
    survey_section,
    nps_by_region_table,
    csat_by_region_table,
    nps_trend_table,
    tickets_section,
    calls_section,
    staffing_table,
    queue_models_section,
    shift_plan_table,
    retention_section,
    cohort_table,
    funnel_table,
    value_section,
    value_models_table,
    value_parameters_table,
    top_customers_table,
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
     'staffing', 'queue_models', 'shifts', 'retention', 'cohorts', 'funnel',
     'value', 'models', 'parameters', 'top_customers']
    >>> report.confidence
    0.9
    """
    return Report(
        title="cxmetrics demo: customer-experience report on the bundled sample data",
        confidence=options.confidence,
        sections=tuple(build(options) for build in sections),
    )
