"""The ``cxmetrics`` command: its argument parser and `main`.

Each command's options map onto the builder of its module
(`cxmetrics.cli.survey`, ``tickets``, ``calls``, ``retention``, ``demo``);
this module parses the arguments, runs the builder and writes the report.

Bad arguments and bad input (`cxmetrics.InputError`) end the command with one
line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import cxmetrics as cx
from cxmetrics.cli import calls, retention, schedule, survey, tickets, value
from cxmetrics.cli.demo import DemoOptions, build_demo_report
from cxmetrics.cli.inputs import one_line, shown_path
from cxmetrics.cli.render import render_csv, render_json, render_table
from cxmetrics.cli.report import Report

__all__ = ["build_parser", "main"]

_EXIT_USAGE = 2
_FORMATS = ("table", "json", "csv")
_RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
}


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
        raise _ParserExit(_EXIT_USAGE, f"{self.prog}: error: {one_line(message)}\n")


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


def _number_type(
    minimum: float, *, strict: bool, whole: bool
) -> Callable[[str], float]:
    """A parser of a number option: at least (or above) ``minimum``, whole or not."""
    kind = "a whole number" if whole else "a number"
    bound = f"above {minimum:g}" if strict else f"{minimum:g} or more"

    def parse(text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        ok = number > minimum if strict else number >= minimum
        if not (ok and number < float("inf")) or (whole and not number.is_integer()):
            raise argparse.ArgumentTypeError(f"expected {kind} {bound}; got {text!r}")
        return int(number) if whole else number

    return parse


#: Offsets and caps (``--max-offset``, ``--max-per-period``): 0 or more.
_whole = _number_type(0, strict=False, whole=True)
#: Counts of things asked for (``--top``, ``--periods``): 1 or more.
_count = _number_type(1, strict=False, whole=True)
#: Lengths (``--period-length``): above 0.
_positive = _number_type(0, strict=True, whole=False)
#: Rates (``--discount-rate``): 0 or more.
_rate = _number_type(0, strict=False, whole=False)


def _patience(text: str) -> float | str:
    """Parse ``--patience``: ``auto`` or a number of seconds."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected auto or a number of seconds such as 120; got {text!r}"
        ) from None


_DEMO_DESCRIPTION = """\
Print a customer-experience report on the bundled sample data: NPS, CSAT
and CES of a survey; reply and resolution times in business hours, first
contact resolution and reopens of support tickets; abandonment, service
level, ASA and AHT of calls, with Erlang C and Erlang A staffing per half
hour, both models against the abandonment observed, and a shift plan;
monthly churn, Kaplan-Meier median lifetime, revenue retention, lifetime
value and quarterly cohorts of subscriptions; a sign-up funnel; and the
customer value of a purchase log (BG/NBD and Gamma-Gamma models, P(alive),
expected purchases and lifetime value). Each metric comes with its
confidence interval, the interval method and the counts of valid and
missing values. Net scores are in points (-100 to 100),
shares in percent (fractions from 0 to 1 in JSON).
"""

_EXAMPLES = """\
examples:
  cxmetrics demo                    the report on the bundled sample data
  cxmetrics demo --confidence 0.9   the same with 90% intervals
  cxmetrics demo --format json      every number, unrounded, as JSON
  cxmetrics survey answers.csv --column score --metric nps --by region
  cxmetrics tickets tickets.csv --created created --first-response replied \\
      --resolved closed --hours 09:00-17:00 --tz Europe/Berlin
  cxmetrics calls calls.csv --wait wait --answered answered --talk talk \\
      --arrival arrival
  cxmetrics schedule needs.csv --required agents --shifts shifts.csv
  cxmetrics retention activity.csv --customer customer_id --date month
  cxmetrics value orders.csv --customer customer_id --date date --value amount

  cxmetrics COMMAND --help describes each command.
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
    _add_output_options(demo)
    demo.set_defaults(handler=_run_demo)
    _add_survey(commands)
    _add_tickets(commands)
    _add_calls(commands)
    _add_schedule(commands)
    _add_retention(commands)
    _add_value(commands)
    return parser


def _add_output_options(
    parser: argparse.ArgumentParser, *, intervals: bool = True
) -> None:
    """``--format``, ``--output`` and, with intervals, ``--confidence``."""
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        default="table",
        help="output format: an aligned text table (default), JSON or CSV",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write the report to FILE instead of standard output",
    )
    if not intervals:
        return
    parser.add_argument(
        "--confidence",
        type=_confidence,
        default=0.95,
        metavar="LEVEL",
        help="confidence level of the intervals, between 0 and 1 (default 0.95)",
    )


def _add_plots_option(parser: argparse.ArgumentParser, charts: str) -> None:
    parser.add_argument(
        "--plots",
        metavar="DIR",
        help=f"also write PNG charts to DIR: {charts}; needs the plot extra",
    )


def _add_by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        nargs="+",
        metavar="COL",
        help="segment columns, each against the rest; one output column each",
    )


def _file_command(
    commands: Any, name: str, summary: str, examples: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE.csv", help="the CSV file to read")
    return parser


_SURVEY_EXAMPLES = """\
  cxmetrics survey answers.csv --column score
  cxmetrics survey answers.csv --column rating --metric csat --scale 1-5 --by region
  cxmetrics survey answers.csv --column score --time date --freq Q --format csv
  cxmetrics survey answers.csv --column score --time date --freq W --chart ewma
  cxmetrics survey answers.csv --column effort --metric ces --method net_easy
  cxmetrics survey answers.csv --column rating --metric top_box --scale 1 10 \\
      --weights weight --output report.json --format json
"""


def _add_survey(commands: Any) -> None:
    parser = _file_command(
        commands,
        "survey",
        "a survey metric overall, by segment and over time",
        _SURVEY_EXAMPLES,
    )
    parser.add_argument("--column", required=True, metavar="COL", help="the answers")
    parser.add_argument(
        "--metric",
        choices=tuple(survey.METRICS),
        default="nps",
        help="the metric (default nps)",
    )
    parser.add_argument(
        "--method",
        choices=survey.CES_METHODS,
        help="the CES variant: the mean (default), the share easy, or Net Easy",
    )
    parser.add_argument(
        "--scale",
        nargs="+",
        metavar="LOW HIGH",
        help="the answer scale, as LOW HIGH or LOW-HIGH (csat 1-5, ces 1-7 default)",
    )
    _add_by(parser)
    parser.add_argument("--time", metavar="COL", help="date column for a trend")
    parser.add_argument(
        "--freq",
        help="trend period with --time: D, W, M, Q or Y, or another period "
        "alias of cxmetrics (default M)",
    )
    parser.add_argument(
        "--chart",
        choices=survey.CHARTS,
        help="with --time, a control chart of the metric per period (--freq): "
        "Shewhart, Laney p', EWMA or CUSUM",
    )
    parser.add_argument("--weights", metavar="COL", help="weight of each answer")
    _add_output_options(parser)
    _add_plots_option(
        parser,
        "nps.png (NPS), segments.png (--by), trend.png (--time), "
        "control_chart.png (--chart)",
    )
    parser.set_defaults(handler=_runner(survey.build))


_TICKETS_EXAMPLES = """\
  cxmetrics tickets tickets.csv --created created --first-response replied \\
      --resolved closed --contacts contacts --reopens reopens
  cxmetrics tickets tickets.csv --created created --first-response replied \\
      --resolved closed --hours 09:00-17:00 --days Mon-Fri \\
      --holidays 2026-12-25,2026-12-26 --tz Europe/Berlin --by channel
"""


def _add_tickets(commands: Any) -> None:
    parser = _file_command(
        commands,
        "tickets",
        "reply and resolution times, first contact resolution and reopens",
        _TICKETS_EXAMPLES,
    )
    parser.add_argument("--created", required=True, metavar="COL")
    parser.add_argument("--first-response", required=True, metavar="COL")
    parser.add_argument("--resolved", required=True, metavar="COL")
    parser.add_argument(
        "--contacts", metavar="COL", help="contacts until resolved (for FCR)"
    )
    parser.add_argument("--reopens", metavar="COL", help="times reopened")
    parser.add_argument("--hours", help="business hours, such as 09:00-17:00")
    parser.add_argument("--days", help="business days, such as Mon-Fri")
    parser.add_argument("--holidays", help="closed dates, such as 2026-12-25,...")
    parser.add_argument("--tz", help="time zone of the business hours")
    _add_by(parser)
    _add_output_options(parser)
    parser.set_defaults(handler=_runner(tickets.build))


_CALLS_EXAMPLES = """\
  cxmetrics calls calls.csv --wait wait --answered answered --threshold 30
  cxmetrics calls calls.csv --wait wait --answered answered --talk talk \\
      --hold hold --wrap wrap --arrival arrival --interval 30 --target 0.8
  cxmetrics calls calls.csv --wait wait --answered answered --talk talk \\
      --arrival arrival --patience auto
"""


def _add_calls(commands: Any) -> None:
    parser = _file_command(
        commands,
        "calls",
        "service level, abandonment, ASA, AHT and an Erlang C staffing plan",
        _CALLS_EXAMPLES,
    )
    parser.add_argument("--wait", required=True, metavar="COL", help="seconds waited")
    parser.add_argument(
        "--answered", required=True, metavar="COL", help="true/false per call"
    )
    parser.add_argument("--talk", metavar="COL", help="talk seconds")
    parser.add_argument("--hold", metavar="COL", help="hold seconds")
    parser.add_argument("--wrap", metavar="COL", help="wrap-up seconds")
    parser.add_argument(
        "--threshold", type=float, default=20.0, help="answer target in s (20)"
    )
    parser.add_argument(
        "--short-abandon", type=float, default=5.0, help="short abandons in s (5)"
    )
    parser.add_argument("--arrival", metavar="COL", help="arrival time per call")
    parser.add_argument(
        "--interval", type=int, default=30, help="staffing interval in minutes (30)"
    )
    parser.add_argument(
        "--target", type=float, default=0.8, help="target service level (0.8)"
    )
    parser.add_argument("--shrinkage", type=float, default=0.3, help="(0.3)")
    parser.add_argument(
        "--patience",
        type=_patience,
        metavar="auto|SECONDS",
        help="callers' mean patience; with --arrival, an Erlang A plan beside "
        "Erlang C's. auto: estimated from the waits and answered flags (total "
        "wait / calls abandoned)",
    )
    _add_output_options(parser)
    parser.set_defaults(handler=_runner(calls.build))


_SCHEDULE_EXAMPLES = """\
  cxmetrics schedule needs.csv --required agents --shifts shifts.csv
  cxmetrics schedule week.csv --required agents --day day --period time \\
      --shifts shifts.csv --objective match --max-per-period 40 --plots charts

  REQUIREMENTS.csv: one row per period, the agents needed in --required;
  with --day, days by periods (each day planned on its own), otherwise one
  horizon in file order (shifts may run past midnight). SHIFTS.csv: one row
  per shift: its name in 'shift', optionally 'cost' (per agent) and
  'max_per_shift', and a 0/1 column per period of a day, in order (named
  like the --period labels when --day and --period are given).
"""


def _add_schedule(commands: Any) -> None:
    parser = _file_command(
        commands,
        "schedule",
        "agents on each shift from per-period requirements (exact integer program)",
        _SCHEDULE_EXAMPLES,
    )
    parser.add_argument(
        "--shifts", required=True, metavar="SHIFTS.csv", help="the candidate shifts"
    )
    parser.add_argument(
        "--required", required=True, metavar="COL", help="agents needed per period"
    )
    parser.add_argument("--day", metavar="COL", help="day of each period")
    parser.add_argument("--period", metavar="COL", help="label of each period")
    parser.add_argument(
        "--objective",
        choices=("cover", "match"),
        default="cover",
        help="cover: least cost with every period covered (default); match: "
        "least total gap between coverage and requirement",
    )
    parser.add_argument(
        "--max-per-period",
        type=_whole,
        metavar="N",
        help="the most agents on duty in any period (seats)",
    )
    _add_output_options(parser)
    _add_plots_option(parser, "shifts.png (requirement against coverage)")
    parser.set_defaults(handler=_runner(schedule.build))


_RETENTION_EXAMPLES = """\
  cxmetrics retention activity.csv --customer customer_id --date month
  cxmetrics retention subscriptions.csv --start start --end end --freq M
  cxmetrics retention subscriptions.csv --start start --end end --as-of 2026-01-01
  cxmetrics retention activity.csv --customer customer_id --date month \\
      --freq Q --max-offset 8
"""


def _add_retention(commands: Any) -> None:
    parser = _file_command(
        commands,
        "retention",
        "cohorts and churn of an activity log, or churn and lifetime of subscriptions",
        _RETENTION_EXAMPLES,
    )
    parser.add_argument("--customer", metavar="COL", help="customer id")
    parser.add_argument("--date", metavar="COL", help="date of the activity")
    parser.add_argument("--start", metavar="COL", help="subscription start")
    parser.add_argument("--end", metavar="COL", help="subscription end (blank: open)")
    parser.add_argument(
        "--freq",
        default="M",
        help="period: D, W, M, Q or Y, or another period alias of cxmetrics "
        "(default M)",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="when the subscriptions were taken: open ones are censored there "
        "(default: the latest date in the file)",
    )
    parser.add_argument(
        "--max-offset",
        type=_whole,
        metavar="K",
        help="show cohorts up to K periods on (default: every offset)",
    )
    _add_output_options(parser)
    _add_plots_option(
        parser, "cohorts.png (activity log), lifetime.png (subscriptions)"
    )
    parser.set_defaults(handler=_runner(retention.build))


_VALUE_EXAMPLES = """\
  cxmetrics value orders.csv --customer customer_id --date date --value amount
  cxmetrics value orders.csv --customer customer_id --date date --top 20 \\
      --periods 24 --discount-rate 0.01
  cxmetrics value orders.csv --customer customer_id --date date \\
      --calibration-end 2025-09-30 --plots charts/
  cxmetrics value orders.csv --customer customer_id --date date --unit D \\
      --model pareto_nbd --format json
"""


def _add_value(commands: Any) -> None:
    parser = _file_command(
        commands,
        "value",
        "purchase and spend models of a transaction log, and what each customer "
        "is worth",
        _VALUE_EXAMPLES,
    )
    parser.add_argument("--customer", required=True, metavar="COL", help="customer id")
    parser.add_argument(
        "--date", required=True, metavar="COL", help="date of the purchase"
    )
    parser.add_argument(
        "--value",
        metavar="COL",
        help="value of the purchase: adds the Gamma-Gamma spend model and the "
        "lifetime value",
    )
    parser.add_argument(
        "--model",
        choices=tuple(value.MODELS),
        default="bgnbd",
        help="the purchase model (default bgnbd)",
    )
    parser.add_argument(
        "--unit",
        default="W",
        help="time unit: D (days), W (weeks, the default) or a number of them, "
        "such as 28D",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="end of the observation, its day included; later purchases are left "
        "out (default: the latest date in the file)",
    )
    parser.add_argument(
        "--calibration-end",
        metavar="DATE",
        help="also fit on the purchases up to DATE and check the forecast of "
        "those after it",
    )
    parser.add_argument(
        "--top",
        type=_count,
        default=10,
        metavar="N",
        help="customers listed, the most valuable first (default 10)",
    )
    parser.add_argument(
        "--periods",
        type=_count,
        default=12,
        metavar="N",
        help="periods ahead of the expected purchases and value (default 12)",
    )
    parser.add_argument(
        "--period-length",
        type=_positive,
        metavar="X",
        help="length of a period in the unit (default: a month of 365.25/12 days)",
    )
    parser.add_argument(
        "--discount-rate",
        type=_rate,
        metavar="D",
        help="discount rate per period of the value, with --value (default 0)",
    )
    _add_output_options(parser, intervals=False)
    _add_plots_option(
        parser, "p_alive.png (P(alive) heat map), holdout.png (--calibration-end)"
    )
    parser.set_defaults(handler=_runner(value.build))


def _runner(
    build: Callable[[argparse.Namespace], Report],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return _emit(build(args), args)

    return run


def _run_demo(args: argparse.Namespace) -> int:
    return _emit(build_demo_report(DemoOptions(confidence=args.confidence)), args)


def _emit(report: Report, args: argparse.Namespace) -> int:
    """Write the warnings to standard error, the report to ``--output`` or stdout."""
    for warning in report.warnings:
        sys.stderr.write(f"cxmetrics: warning: {one_line(warning)}\n")
    text = _RENDERERS[args.format](report)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise cx.InputError(
            f"cannot write --output {shown_path(args.output)}: {reason}"
        ) from None
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
    except _ParserExit as stop:
        if stop.message:
            sys.stderr.write(stop.message)
        return stop.status
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except cx.InputError as error:
        sys.stderr.write(f"cxmetrics: error: {one_line(error)}\n")
        return _EXIT_USAGE
    except (MemoryError, OverflowError) as error:
        # Options that ask for more than the machine holds, such as a
        # --scale of a trillion points: one line, like any bad input.
        reason = one_line(error) or type(error).__name__
        sys.stderr.write(
            f"cxmetrics: error: {args.command}: the input asks for more than this "
            f"machine can hold ({reason})\n"
        )
        return _EXIT_USAGE
