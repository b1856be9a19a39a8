"""The ``cxmetrics`` command line.

``cxmetrics demo`` computes a customer-experience report on the bundled
sample data and prints it as an aligned text table or as JSON. The report
model and its renderers live in ``cxmetrics._report``, the demo's section
builders in ``cxmetrics._demo``; this module parses the arguments and runs
the command.

Bad arguments and bad input (`cxmetrics.InputError`) end the command with one
line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import cxmetrics as cx
from cxmetrics._demo import (
    DEMO_SECTIONS,
    DemoOptions,
    build_demo_report,
    survey_section,
)
from cxmetrics._report import Report, Row, Section, Table, render_json, render_table

__all__ = [
    "DEMO_SECTIONS",
    "DemoOptions",
    "Report",
    "Row",
    "Section",
    "Table",
    "build_demo_report",
    "build_parser",
    "main",
    "render_json",
    "render_table",
    "survey_section",
]

_EXIT_USAGE = 2
_FORMATS = ("table", "json")


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
Print a customer-experience report on the bundled sample data: NPS, CSAT
and CES of a survey; reply and resolution times in business hours, first
contact resolution and reopens of support tickets; abandonment, service
level, ASA and AHT of calls, with an Erlang C staffing plan per half hour;
monthly churn, Kaplan-Meier median lifetime, revenue retention, lifetime
value and quarterly cohorts of subscriptions; and a sign-up funnel. Each
metric comes with its confidence interval, the interval method and the
counts of valid and missing values. Net scores are in points (-100 to 100),
shares in percent (fractions from 0 to 1 in JSON).
"""

_EXAMPLES = """\
examples:
  cxmetrics demo                    the report on the bundled sample data
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
