"""The demo report: one section builder per metric family, on the sample data.

Each builder takes the `DemoOptions` and returns a block of the report (a
`Section` of metric rows or a `Table`); `DEMO_SECTIONS` lists them in print
order. A new family joins the demo by adding one builder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import attrs

import cxmetrics as cx
from cxmetrics import datasets
from cxmetrics._report import Block, Report, Row, Section, Unit
from cxmetrics.results import MeanResult, NetScoreResult, RateResult

__all__ = [
    "DEMO_SECTIONS",
    "DemoOptions",
    "SectionBuilder",
    "build_demo_report",
    "survey_section",
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


#: The demo's sections, in print order.
DEMO_SECTIONS: tuple[SectionBuilder, ...] = (survey_section,)


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
    ['survey']
    >>> report.confidence
    0.9
    """
    return Report(
        title="cxmetrics demo: customer-experience report on the bundled sample data",
        confidence=options.confidence,
        sections=tuple(build(options) for build in sections),
    )
