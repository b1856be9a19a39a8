"""The ``cxmetrics`` command line.

``cxmetrics demo`` computes a customer-experience report on the bundled
sample data and prints it as an aligned text table or as JSON.

A report is a `Report`: a title, the confidence level and a sequence of
`Section` records, each a titled list of `Row` records (one metric per row,
with its interval and counts). Sections are built by the functions in
`DEMO_SECTIONS`, each taking the `DemoOptions`; the renderers know nothing
about any particular metric, so a new family joins the demo by adding one
section builder.

Bad arguments and bad input (`cxmetrics.InputError`) end the command with one
line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal, NoReturn, TypeAlias

import attrs

import cxmetrics as cx
from cxmetrics import datasets
from cxmetrics.results import Interval, MeanResult, NetScoreResult, RateResult

__all__ = [
    "DEMO_SECTIONS",
    "DemoOptions",
    "Report",
    "Row",
    "Section",
    "build_demo_report",
    "main",
    "render_json",
    "render_table",
    "survey_section",
]

#: How a row's value reads: net-score points, a share (a fraction, printed in
#: percent) or a mean score on the answer scale.
Unit: TypeAlias = Literal["points", "share", "score"]

_EXIT_USAGE = 2
_FORMATS = ("table", "json")


# ---------------------------------------------------------------------------
# The report model


@attrs.frozen(kw_only=True)
class Row:
    """One line of a report: a metric's value, interval and counts.

    Attributes
    ----------
    key : str
        Identifier of the metric within its section, e.g. ``"nps"``; the key
        of the metric in the JSON output.
    label : str
        What the table shows in the first column, e.g. ``"NPS"``.
    value : float
        The estimate: points for ``unit="points"``, a fraction for
        ``unit="share"``, a score for ``unit="score"``.
    unit : {'points', 'share', 'score'}
        How the value and the interval are printed.
    ci : Interval or None
        The confidence interval, or None when the row has none.
    n : int or None
        Valid responses behind the value; None for rows that detail the
        row above (such as the promoter share under NPS).
    n_missing : int or None
        Missing responses left out; None where ``n`` is None.
    count : int, float or None
        For a share, the answers it counts (its numerator, e.g. the number of
        promoters); None otherwise.
    indent : int
        Nesting level of the label; 1 for a detail of the row above.
    """

    key: str
    label: str
    value: float
    unit: Unit
    ci: Interval | None = None
    n: int | None = None
    n_missing: int | None = None
    count: float | None = None
    indent: int = 0


@attrs.frozen(kw_only=True)
class Section:
    """A titled group of rows, e.g. the survey metrics.

    Attributes
    ----------
    key : str
        Identifier of the section, e.g. ``"survey"``.
    title : str
        Heading printed above the rows.
    note : str
        One line on the data behind the rows.
    rows : tuple of Row
        The metrics, in print order.
    """

    key: str
    title: str
    note: str
    rows: tuple[Row, ...]


@attrs.frozen(kw_only=True)
class Report:
    """A whole report: a title, the confidence level and its sections.

    Attributes
    ----------
    title : str
        First line of the table.
    confidence : float
        The confidence level of every interval in the report.
    sections : tuple of Section
        The sections, in print order.
    """

    title: str
    confidence: float
    sections: tuple[Section, ...]


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
SectionBuilder: TypeAlias = Callable[[DemoOptions], Section]


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


# ---------------------------------------------------------------------------
# Rendering


def _format_number(value: float, unit: Unit) -> str:
    """A value as printed: ``+23.8`` points, ``79.9%``, ``5.08``, or ``n/a``."""
    if not math.isfinite(value):
        return "n/a"
    if unit == "points":
        return f"{value:+.1f}"
    if unit == "share":
        return f"{100 * value:.1f}%"
    return f"{value:.2f}"


def _format_count(count: int | None) -> str:
    return "" if count is None else f"{count:,}"


def _row_cells(row: Row) -> list[str]:
    """The table cells of one row: metric, value, CI, method, n, missing."""
    bounds = method = ""
    if row.ci is not None:
        low = _format_number(row.ci.low, row.unit)
        high = _format_number(row.ci.high, row.unit)
        bounds, method = f"{low} to {high}", row.ci.label
    return [
        "  " * row.indent + row.label,
        _format_number(row.value, row.unit),
        bounds,
        method,
        _format_count(row.n),
        _format_count(row.n_missing),
    ]


def _align(lines: list[list[str]], widths: list[int], right: Sequence[bool]) -> str:
    """Join cells padded to ``widths``: right-aligned where ``right``, else left."""
    return "\n".join(
        "  ".join(
            cell.rjust(width) if flush else cell.ljust(width)
            for cell, width, flush in zip(cells, widths, right, strict=True)
        ).rstrip()
        for cells in lines
    )


def render_table(report: Report) -> str:
    """The report as an aligned text table, columns aligned across sections.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
        Plain ASCII text ending with a newline. Net scores print in points,
        shares in percent, mean scores on their answer scale.

    Examples
    --------
    >>> row = Row(
    ...     key="csat", label="CSAT", value=0.8, unit="share",
    ...     ci=Interval(0.75, 0.84, 0.95, "wilson"), n=400, n_missing=3,
    ... )
    >>> section = Section(key="survey", title="Survey", note="400 answers",
    ...                   rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> print(render_table(report), end="")
    Example
    <BLANKLINE>
    Survey: 400 answers
    Metric  Value  95% CI          Method    n  Missing
    ------  -----  --------------  ------  ---  -------
    CSAT    80.0%  75.0% to 84.0%  Wilson  400        3
    """
    header = ["Metric", "Value", f"{100 * report.confidence:g}% CI", "Method"]
    header += ["n", "Missing"]
    right = (False, True, True, False, True, True)
    body = [[_row_cells(row) for row in section.rows] for section in report.sections]
    widths = [
        max(len(cells[i]) for cells in (header, *(c for rows in body for c in rows)))
        for i in range(len(header))
    ]
    rule = ["-" * width for width in widths]
    blocks = [report.title]
    for section, rows in zip(report.sections, body, strict=True):
        heading = f"{section.title}: {section.note}" if section.note else section.title
        blocks.append(f"{heading}\n{_align([header, rule, *rows], widths, right)}")
    return "\n\n".join(blocks) + "\n"


def _finite_or_none(value: float) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    return float(value) if math.isfinite(value) else None


def _row_json(row: Row) -> dict[str, Any]:
    ci = row.ci
    return {
        "label": row.label,
        "unit": row.unit,
        "value": _finite_or_none(row.value),
        "ci_low": None if ci is None else _finite_or_none(ci.low),
        "ci_high": None if ci is None else _finite_or_none(ci.high),
        "ci_method": None if ci is None else ci.method,
        "n": row.n,
        "n_missing": row.n_missing,
        "count": row.count,
    }


def render_json(report: Report) -> str:
    """The report as a JSON object, every number unrounded.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
        A JSON object ending with a newline: ``title``, ``confidence``,
        ``cxmetrics_version`` and ``sections``, a list of objects with
        ``key``, ``title``, ``note`` and ``metrics``. ``metrics`` maps each
        row's key to ``label``, ``unit``, ``value``, ``ci_low``, ``ci_high``,
        ``ci_method``, ``n``, ``n_missing`` and ``count``. Values are in the library's
        units: points for net scores, fractions (0 to 1) for shares.
        Missing or non-finite numbers are ``null``.

    Examples
    --------
    >>> row = Row(key="nps", label="NPS", value=25.0, unit="points")
    >>> section = Section(key="survey", title="Survey", note="", rows=(row,))
    >>> report = Report(title="Example", confidence=0.95, sections=(section,))
    >>> import json
    >>> json.loads(render_json(report))["sections"][0]["metrics"]["nps"]["value"]
    25.0
    """
    document = {
        "title": report.title,
        "confidence": report.confidence,
        "cxmetrics_version": cx.__version__,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "metrics": {row.key: _row_json(row) for row in section.rows},
            }
            for section in report.sections
        ],
    }
    return json.dumps(document, indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------
# Argument parsing


class _ParserExit(Exception):
    """Raised instead of `SystemExit` so that `main` can return a status."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


class _Parser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` that reports errors in one line and returns."""

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _ParserExit(status, message)

    def error(self, message: str) -> NoReturn:
        raise _ParserExit(_EXIT_USAGE, f"{self.prog}: error: {_one_line(message)}\n")


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _confidence(text: str) -> float:
    """Parse ``--confidence``: a number strictly between 0 and 1."""
    try:
        level = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1 such as 0.95; got {text!r}"
        ) from None
    if not 0.0 < level < 1.0:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and 1 (exclusive), such as 0.95; got {text}"
        )
    return level


_DEMO_DESCRIPTION = """\
Print NPS (with the shares of promoters, passives and detractors), CSAT and
CES (mean, share easy, Net Easy) of the bundled sample survey, each with its
confidence interval, the interval method and the counts of valid and missing
answers. Net scores are in points (-100 to 100), shares in percent (fractions
from 0 to 1 in JSON).
"""

_EXAMPLES = """\
examples:
  cxmetrics demo                    survey report on the bundled sample data
  cxmetrics demo --confidence 0.9   the same with 90% intervals
  cxmetrics demo --format json      every number, unrounded, as JSON
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cxmetrics`` command."""
    parser = _Parser(
        prog="cxmetrics",
        description="Customer-experience metrics with confidence intervals.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"cxmetrics {cx.__version__}"
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )
    demo = commands.add_parser(
        "demo",
        help="print a report on the bundled sample data",
        description=_DEMO_DESCRIPTION,
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--format",
        choices=_FORMATS,
        default="table",
        help="output format: an aligned text table (default) or JSON",
    )
    demo.add_argument(
        "--confidence",
        type=_confidence,
        default=0.95,
        metavar="LEVEL",
        help="confidence level of the intervals, between 0 and 1 (default 0.95)",
    )
    demo.set_defaults(handler=_run_demo)
    return parser


def _run_demo(args: argparse.Namespace) -> int:
    report = build_demo_report(DemoOptions(confidence=args.confidence))
    render = render_json if args.format == "json" else render_table
    sys.stdout.write(render(report))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cxmetrics`` command and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success; 2 for a bad argument or bad input, after one line on
        standard error naming the problem.

    Examples
    --------
    >>> main(["demo"])  # doctest: +ELLIPSIS
    cxmetrics demo: customer-experience report on the bundled sample data
    ...
    NPS               +23.8  +20.9 to +26.7  adjusted Wald  3,000  0
    ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except _ParserExit as stop:
        if stop.message:
            sys.stderr.write(stop.message)
        return stop.status
    except cx.InputError as error:
        sys.stderr.write(f"cxmetrics: error: {_one_line(str(error))}\n")
        return _EXIT_USAGE
