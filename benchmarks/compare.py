"""Measure cxmetrics against its peers in one run and report the ratios.

Each case times a cxmetrics call and a peer doing the same work (numpy's
single-pass ``bincount``, a cheaper cxmetrics call, a plain library import)
on the same data in the same process run, and reports ``cxmetrics / peer``.
Ratios travel between machines far better than absolute times, which is why
no absolute time is written to the report.

Usage::

    python benchmarks/compare.py --quick          # small sizes, prints the table
    python benchmarks/compare.py                  # full sizes, prints the table
    python benchmarks/compare.py --write docs/benchmarks.md
    python benchmarks/compare.py --case nps-bincount  # --case may be repeated
    python benchmarks/compare.py --update docs/benchmarks.md --case NAME

``--update PATH`` measures only the ``--case`` cases, at full size, and
replaces their table rows and their notes in the report already at PATH,
keeping everything else (the other rows, the machine and the versions of
the run that wrote it). Each replaced note ends with the Python, library
and peer versions of the run that measured it. This is how a case is
measured in another environment than the rest of the report: ``make
bench-report`` writes the page from the main environment, then updates the
Erlang A row from the second one, on Python 3.12, where pyworkforce's
ErlangA (its peer) installs.

Exit status: 0 when every case ran and cxmetrics agreed with its peer; 1 when
a case failed or disagreed, or (full sizes only) a ratio missed its target;
2 for bad arguments, or a report to update that lacks a case's row or note.
At ``--quick`` sizes the ratios are mostly noise, so a missed target is shown
but does not fail the run.

Adding a case: in the family's ``cases_*.py`` module, write a ``prepare``
function that builds the data and returns a `harness.Pair` (the cxmetrics
callable, the peer callable, and a check that raises `harness.Disagreement`
when their results differ), then append a `harness.Case` to its ``CASES``.
A new case module is listed in ``CASE_MODULES`` below.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

# The case modules import the harness as a sibling module, from any working directory.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import FULL, QUICK, Case, Disagreement, Outcome, Sizes

import cxmetrics as cx

__all__ = ["CASES", "main"]

#: The modules whose ``CASES`` make up the report, in report order.
CASE_MODULES = (
    "cases_survey",
    "cases_survey_design",
    "cases_business_hours",
    "cases_staffing",
    "cases_survival",
    "cases_cohorts",
    "cases_segments",
    "cases_monitoring",
    "cases_value",
)


def _collect() -> tuple[Case, ...]:
    cases: list[Case] = []
    for name in CASE_MODULES:
        cases.extend(importlib.import_module(name).CASES)
    return tuple(cases)


CASES = _collect()


# --------------------------------------------------------------------------
# Running and reporting


def run_case(case: Case, sizes: Sizes) -> Outcome:
    """Prepare, check agreement, then time one case."""
    try:
        pair = case.prepare(sizes)
        pair.check(pair.ours(), pair.peer())
        timing = case.timer(pair, sizes)
    except Disagreement as err:
        return Outcome(case, None, f"disagreement: {err}")
    except Exception as err:  # report every case, then fail the run
        return Outcome(case, None, f"{type(err).__name__}: {err}")
    return Outcome(case, timing)


def _format_ratio(ratio: float) -> str:
    """Two decimals, or three significant digits for ratios below 0.1."""
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.3g}×"


def _format_target(target: float | None) -> str:
    return "—" if target is None else f"≤ {target:g}×"


def _format_met(outcome: Outcome) -> str:
    if outcome.error is not None:
        return "error"
    met = outcome.met
    return "—" if met is None else ("yes" if met else "no")


def _rows(outcomes: Sequence[Outcome], sizes: Sizes) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        case = outcome.case
        ratio = "—" if outcome.timing is None else _format_ratio(outcome.timing.ratio)
        rows.append(
            (
                case.name,
                *case.labels(sizes),
                ratio,
                _format_target(case.target),
                _format_met(outcome),
            )
        )
    return rows


HEADER = ("case", "cxmetrics", "peer", "ratio", "target", "met")


def _table_line(row: Sequence[str]) -> str:
    return "| " + " | ".join(row) + " |"


def _note_line(name: str, detail: str) -> str:
    return f"- **{name}**: {detail}."


def _notes(
    outcomes: Sequence[Outcome], *, about: bool = False
) -> list[tuple[str, str]]:
    """How each case was timed, or why it failed; with ``about``, what it shows."""
    notes = []
    for outcome in outcomes:
        parts = [outcome.case.about] if about and outcome.case.about else []
        if outcome.error is not None:
            parts.append(outcome.error)
        elif outcome.timing is not None:
            parts.append(outcome.timing.note)
        notes.append((outcome.case.name, "; ".join(parts)))
    return notes


def format_console(outcomes: Sequence[Outcome], sizes: Sizes) -> str:
    """A plain-text table for the terminal, then the notes and any errors."""
    rows = [HEADER, *_rows(outcomes, sizes)]
    rows = [tuple(cell.replace("`", "") for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"{name}: {detail}" for name, detail in _notes(outcomes)]
    return "\n".join(line.rstrip() for line in lines)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):  # not on every platform
        return "not available"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _python() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def _libraries() -> str:
    return (
        f"cxmetrics {cx.__version__}, numpy {_version('numpy')}, "
        f"pandas {_version('pandas')}, scipy {_version('scipy')}"
    )


def _peers() -> str:
    return f"lifelines {_version('lifelines')}, pyworkforce {_version('pyworkforce')}"


def format_markdown(outcomes: Sequence[Outcome], sizes: Sizes, load: str) -> str:
    """The benchmarks page: the ratio table, how it was measured, the machine.

    ``load`` is the system load average when the run started.
    """
    lines = [
        "# Benchmarks",
        "",
        "Each case times a cxmetrics call and a peer doing the same work, on the",
        "same data in the same run, and reports the ratio of their times",
        "(cxmetrics ÷ peer; below 1 means cxmetrics is faster). Ratios, not",
        "absolute times: they carry over from one machine to another far better.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(["---"] * 3 + ["--:"] * 2 + [":-:"]) + "|",
    ]
    lines += [_table_line(row) for row in _rows(outcomes, sizes)]
    lines += ["", "## How each case is measured", ""]
    lines += [_note_line(*note) for note in _notes(outcomes, about=True)]
    lines += [
        "",
        "Every case first checks that cxmetrics and its peer agree on the same",
        "data (what is compared is named above), then times the two sides",
        "alternately with `time.perf_counter`, looping short calls, and keeps",
        "the fastest repeat of each (the run least disturbed by other work).",
        "The import case starts fresh interpreters in turn, times the import",
        "statement inside each and keeps the fastest; it also checks that",
        "`import cxmetrics` loads none of scipy, matplotlib or dask, which the",
        "functions that need them import when called.",
        "The cases without a target are shown for information.",
        "",
        "Regenerate this page with `make bench-report`, which runs",
        "`python benchmarks/compare.py --write docs/benchmarks.md`, then",
        "measures the Erlang A case again in a second environment, on Python",
        "3.12 where pyworkforce's ErlangA installs, and replaces its row and",
        "note with `compare.py --update docs/benchmarks.md --case NAME`; that",
        "note names the Python and the versions it was measured with.",
        "",
        "## Machine",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Platform: {platform.platform()}",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical CPUs",
        f"- Python: {_python()}",
        f"- Load average at the start of the run: {load}",
        f"- {_libraries()}",
        f"- Peers: {_peers()}",
        "",
    ]
    return "\n".join(lines)


class ReportError(ValueError):
    """The report to update has no row or no note for a case."""


def _row_prefix(name: str) -> str:
    return f"| {name} |"


def _note_prefix(name: str) -> str:
    return f"- **{name}**:"


def _line_index(lines: Sequence[str], prefix: str) -> int:
    """The index of the one line starting with ``prefix``; `ReportError` else."""
    found = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    if len(found) != 1:
        raise ReportError(
            f"the report has {len(found) or 'no'} lines starting {prefix!r}, not one"
        )
    return found[0]


def missing_cases(report: str, names: Sequence[str]) -> list[str]:
    """The cases of ``names`` without exactly one row and one note in ``report``."""
    lines = report.splitlines()
    missing = []
    for name in names:
        try:
            _line_index(lines, _row_prefix(name))
            _line_index(lines, _note_prefix(name))
        except ReportError:
            missing.append(name)
    return missing


def update_markdown(
    report: str, outcomes: Sequence[Outcome], sizes: Sizes, load: str
) -> str:
    """``report`` with the rows and notes of ``outcomes`` measured again.

    Every other line is kept. Each new note ends with this run's Python,
    library and peer versions and its load average at the start (``load``),
    since they may differ from those in the report's machine section.
    Raises `ReportError` when a case has no row or no note, or several.
    """
    lines = report.splitlines()
    measured = (
        f"measured apart from the rest of this page on "
        f"{datetime.date.today().isoformat()}, with `compare.py --update`, on "
        f"{_python()}: {_libraries()}; peers {_peers()}; load average at the "
        f"start {load}"
    )
    rows = _rows(outcomes, sizes)
    notes = _notes(outcomes, about=True)
    for row, (name, detail) in zip(rows, notes, strict=True):
        lines[_line_index(lines, _row_prefix(name))] = _table_line(row)
        note = _line_index(lines, _note_prefix(name))
        lines[note] = _note_line(name, f"{detail}; {measured}")
    return "\n".join(lines) + ("\n" if report.endswith("\n") else "")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time cxmetrics against its peers and report the ratios."
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and few repeats (a smoke test); writes no file and "
        "fails only on errors or disagreements",
    )
    mode.add_argument(
        "--write",
        metavar="PATH",
        type=Path,
        help="full sizes; write the Markdown report to PATH",
    )
    mode.add_argument(
        "--update",
        metavar="PATH",
        type=Path,
        help="full sizes; measure the --case cases again and replace their rows "
        "and notes in the report at PATH, keeping the rest",
    )
    parser.add_argument(
        "--case",
        action="append",
        choices=[case.name for case in CASES],
        help="run only this case (repeat for several)",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the cases and their targets"
    )
    args = parser.parse_args(argv)
    if args.write is not None and args.case is not None:
        parser.error("--write needs every case; drop --case")
    if args.update is not None:
        if args.case is None:
            parser.error("--update needs the cases to measure again: give --case")
        try:
            report = args.update.read_text(encoding="utf-8")
        except OSError as err:
            parser.error(f"--update: cannot read {args.update}: {err.strerror}")
        missing = missing_cases(report, args.case)
        if missing:
            parser.error(
                f"--update: {args.update} has no single row and note for "
                f"{', '.join(missing)}; write the whole report first"
            )
        args.report = report
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cases, print the table, optionally write the report; exit status."""
    args = _parse(argv)
    if args.list:
        for case in CASES:
            ours, peer = case.labels(FULL)
            print(f"{case.name} ({_format_target(case.target)}): {ours} vs {peer}")
        return 0
    sizes = QUICK if args.quick else FULL
    cases = [case for case in CASES if args.case is None or case.name in args.case]
    load = _load_average()
    outcomes = []
    for case in cases:
        print(f"running {case.name} ...", file=sys.stderr, flush=True)
        outcomes.append(run_case(case, sizes))
    print(format_console(outcomes, sizes))
    if args.write is not None:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(format_markdown(outcomes, sizes, load), encoding="utf-8")
        print(f"wrote {args.write}")
    if args.update is not None:
        updated = update_markdown(args.report, outcomes, sizes, load)
        args.update.write_text(updated, encoding="utf-8")
        print(f"updated {', '.join(o.case.name for o in outcomes)} in {args.update}")
    failed = [o.case.name for o in outcomes if o.error is not None]
    missed = [o.case.name for o in outcomes if o.met is False]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    if missed:
        if args.quick:
            print(
                f"note: {', '.join(missed)} above target at quick sizes (not an error)",
                file=sys.stderr,
            )
            return 0
        print(f"MISSED TARGET: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
