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
    python benchmarks/compare.py --case nps-bincount

Exit status: 0 when every case ran and cxmetrics agreed with its peer; 1 when
a case failed or disagreed, or (full sizes only) a ratio missed its target;
2 for bad arguments. At ``--quick`` sizes the ratios are mostly noise, so a
missed target is shown but does not fail the run.

Adding a case: write a ``prepare`` function that builds the data and returns
a `Pair` (the cxmetrics callable, the peer callable, and a check that raises
`Disagreement` when their results differ), then append a `Case` to `CASES`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import cxmetrics as cx

__all__ = ["CASES", "Case", "Disagreement", "Pair", "Sizes", "main"]

IntArray = npt.NDArray[np.int64]


class Disagreement(Exception):
    """cxmetrics and its peer computed different results."""


# --------------------------------------------------------------------------
# Sizes and repeats


@dataclasses.dataclass(frozen=True)
class Sizes:
    """Problem sizes and repeat counts of one mode."""

    rows: int  # scores for the single-pass cases
    bootstrap_rows: int  # the large sample of the bootstrap case
    bootstrap_small: int  # the small sample of the bootstrap case
    repeats: int  # timed repeats of an in-process case (the minimum is kept)
    min_time: float  # seconds per timed repeat; short calls are looped to reach it
    process_repeats: int  # fresh processes per import (the fastest is kept)


FULL = Sizes(
    rows=10_000_000,
    bootstrap_rows=1_000_000,
    bootstrap_small=1_000,
    repeats=7,
    min_time=0.2,
    process_repeats=40,
)
QUICK = Sizes(
    rows=200_000,
    bootstrap_rows=100_000,
    bootstrap_small=1_000,
    repeats=3,
    min_time=0.02,
    process_repeats=7,
)


# --------------------------------------------------------------------------
# The case registry


@dataclasses.dataclass(frozen=True)
class Pair:
    """The two sides of a case, ready to run on prepared data."""

    ours: Callable[[], Any]
    peer: Callable[[], Any]
    check: Callable[[Any, Any], None]  # raises Disagreement


@dataclasses.dataclass(frozen=True)
class Timing:
    """Seconds per call of each side, and how they were obtained."""

    ours: float
    peer: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.peer


Timer = Callable[[Pair, Sizes], Timing]


@dataclasses.dataclass(frozen=True)
class Case:
    """One comparison: a cxmetrics call, its peer and the ratio to stay under."""

    name: str
    ours_label: str  # templates filled with the fields of Sizes: "{rows:,} rows"
    peer_label: str
    target: float | None  # None: reported for information, no target
    prepare: Callable[[Sizes], Pair]
    timer: Timer
    about: str = ""  # what the comparison shows, for the report

    def labels(self, sizes: Sizes) -> tuple[str, str]:
        """What each side runs, with this mode's sizes filled in."""
        fields = dataclasses.asdict(sizes)
        return self.ours_label.format(**fields), self.peer_label.format(**fields)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The result of running one case."""

    case: Case
    timing: Timing | None
    error: str | None = None

    @property
    def met(self) -> bool | None:
        if self.timing is None or self.case.target is None:
            return None
        return self.timing.ratio <= self.case.target


# --------------------------------------------------------------------------
# Timers


def _per_call(func: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        func()
    return (time.perf_counter() - start) / number


def _calibrate(func: Callable[[], Any], min_time: float) -> int:
    """The smallest number of calls in 1, 2, 5, 10, 20, ... lasting ``min_time``."""
    number = 1
    while True:
        for step in (1, 2, 5):
            count = number * step
            if _per_call(func, count) * count >= min_time:
                return count
        number *= 10


def time_in_process(pair: Pair, sizes: Sizes) -> Timing:
    """Minimum seconds per call over ``sizes.repeats`` interleaved repeats.

    Each repeat loops a side long enough to last ``sizes.min_time``; the two
    sides take turns, in an order that alternates, so that both see the same
    machine state. The minimum is the run least disturbed by other work on
    the machine. The garbage collector is off while timing, as in `timeit`.
    """
    n_ours = _calibrate(pair.ours, sizes.min_time)
    n_peer = _calibrate(pair.peer, sizes.min_time)
    ours: list[float] = []
    peer: list[float] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for repeat in range(sizes.repeats):
            if repeat % 2:
                peer.append(_per_call(pair.peer, n_peer))
            ours.append(_per_call(pair.ours, n_ours))
            if not repeat % 2:
                peer.append(_per_call(pair.peer, n_peer))
    finally:
        if enabled:
            gc.enable()
    return Timing(
        min(ours),
        min(peer),
        f"fastest of {sizes.repeats} alternating repeats per side, each looping "
        f"the call for at least {sizes.min_time:g} s",
    )


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )


def _time_import(module: str) -> tuple[float, float]:
    """Import ``module`` in a fresh interpreter: (import seconds, process seconds).

    The first is measured inside the new process, with ``perf_counter`` just
    before and after the import statement; the second is the wall time of
    the whole process, start-up and exit included, seen from outside.
    """
    code = (
        "import time; start = time.perf_counter(); "
        f"import {module}; print(repr(time.perf_counter() - start))"
    )
    start = time.perf_counter()
    done = _run_python(code)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"import {module} failed:\n{done.stderr.strip()}")
    return float(done.stdout), elapsed


def time_fresh_imports(ours: str, peer: str) -> Timer:
    """A timer for ``import ours`` against ``import peer``, each in a new process.

    Every round starts one fresh interpreter for each import, the order
    alternating from round to round. Each process times its own import
    statement, which leaves out the interpreter's start-up and exit (the
    same for both, and the noisiest part of a process's wall time), so no
    bare-interpreter baseline needs subtracting. After one untimed warm-up
    round (bytecode and disk caches), the fastest of
    ``sizes.process_repeats`` rounds is kept, as for the in-process cases:
    other work on the machine only ever adds time. The ratio of the medians
    and that of whole-process wall times are given in the note.
    """

    def timer(pair: Pair, sizes: Sizes) -> Timing:
        del pair  # the imports themselves are what is timed
        modules = {"ours": ours, "peer": peer}
        for module in modules.values():
            _time_import(module)
        inner: dict[str, list[float]] = {key: [] for key in modules}
        whole: dict[str, list[float]] = {key: [] for key in modules}
        for round_ in range(sizes.process_repeats):
            order = list(modules) if round_ % 2 == 0 else list(modules)[::-1]
            for key in order:
                seconds, elapsed = _time_import(modules[key])
                inner[key].append(seconds)
                whole[key].append(elapsed)
        median_ratio = statistics.median(inner["ours"]) / statistics.median(
            inner["peer"]
        )
        whole_ratio = min(whole["ours"]) / min(whole["peer"])
        return Timing(
            min(inner["ours"]),
            min(inner["peer"]),
            f"fastest of {sizes.process_repeats} fresh processes per side, "
            "alternating; each process times its own import statement, so "
            "interpreter start-up and exit are left out (ratio of the medians "
            f"{median_ratio:.2f}×; of whole-process wall times {whole_ratio:.2f}×)",
        )

    return timer


# --------------------------------------------------------------------------
# Checks


def _counts(scores: IntArray) -> tuple[int, int, int]:
    """Promoters, passives, detractors by np.bincount."""
    hist = np.bincount(scores, minlength=11)
    return int(hist[9:].sum()), int(hist[7:9].sum()), int(hist[:7].sum())


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise Disagreement(message)


def _check_nps_counts(result: cx.NPSResult, counts: tuple[int, int, int]) -> None:
    ours = (result.promoters, result.passives, result.detractors)
    _require(ours == counts, f"cx.nps counts {ours} != np.bincount counts {counts}")
    pro, _, det = counts
    value = 100.0 * (pro - det) / sum(counts)
    _require(
        bool(np.isclose(result.value, value, rtol=1e-12, atol=0.0)),
        f"cx.nps value {result.value} != {value} from np.bincount",
    )


def _scores(size: int, seed: int = 20_240_101) -> IntArray:
    """Survey-like 0-10 scores, int64, skewed towards the top as real NPS data is."""
    rng = np.random.default_rng(seed)
    probabilities = np.array([2, 1, 1, 2, 2, 5, 6, 12, 18, 22, 29], dtype=np.float64)
    return rng.choice(11, size=size, p=probabilities / probabilities.sum())


# --------------------------------------------------------------------------
# Cases


def _prepare_nps_bincount(sizes: Sizes) -> Pair:
    scores = _scores(sizes.rows)

    def check(ours: cx.NPSResult, peer: npt.NDArray[np.intp]) -> None:
        hist = np.asarray(peer)
        counts = int(hist[9:].sum()), int(hist[7:9].sum()), int(hist[:7].sum())
        _require(ours.n == scores.size, f"cx.nps n {ours.n} != {scores.size}")
        _check_nps_counts(ours, counts)

    return Pair(
        ours=lambda: cx.nps(scores),
        peer=lambda: np.bincount(scores),
        check=check,
    )


def _prepare_nps_bootstrap(sizes: Sizes) -> Pair:
    large = _scores(sizes.bootstrap_rows)
    small = large[: sizes.bootstrap_small]

    def peer() -> tuple[cx.NPSResult, cx.NPSResult]:
        return cx.nps(small, ci="bootstrap", rng=0), cx.nps(large)

    def check(ours: cx.NPSResult, both: tuple[cx.NPSResult, cx.NPSResult]) -> None:
        small_result, plain = both
        _check_nps_counts(ours, _counts(large))
        _check_nps_counts(small_result, _counts(small))
        _require(ours.value == plain.value, "bootstrap and plain NPS differ")
        for result in (ours, small_result):
            ci = result.ci
            _require(
                ci is not None
                and ci.method == "bootstrap"
                and ci.low <= result.value <= ci.high,
                f"bootstrap interval {ci} does not hold NPS {result.value}",
            )
        again = cx.nps(large, ci="bootstrap", rng=0)
        _require(again.ci == ours.ci, "bootstrap with rng=0 is not reproducible")

    return Pair(
        ours=lambda: cx.nps(large, ci="bootstrap", rng=0),
        peer=peer,
        check=check,
    )


def _prepare_nps_weighted(sizes: Sizes) -> Pair:
    scores = _scores(sizes.rows)
    weights = np.random.default_rng(7).uniform(0.5, 2.0, size=scores.size)

    # numpy's stubs type bincount as integer even with float weights.
    def peer() -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        return (
            np.bincount(scores, weights=weights),
            np.bincount(scores, weights=weights * weights),
        )

    def check(
        ours: cx.NPSResult,
        sums: tuple[npt.NDArray[Any], npt.NDArray[Any]],
    ) -> None:
        total, squared = sums
        expected = {
            "promoters": total[9:].sum(),
            "passives": total[7:9].sum(),
            "detractors": total[:7].sum(),
            "effective_n": total.sum() ** 2 / squared.sum(),
        }
        for name, value in expected.items():
            got = getattr(ours, name)
            _require(
                bool(np.isclose(got, value, rtol=1e-9, atol=0.0)),
                f"cx.nps weighted {name} {got} != {value} from np.bincount",
            )

    return Pair(
        ours=lambda: cx.nps(scores, weights=weights),
        peer=peer,
        check=check,
    )


#: Packages that ``import cxmetrics`` must leave for the functions that need them.
LAZY_IMPORTS = ("scipy", "matplotlib", "dask")


def _prepare_imports(sizes: Sizes) -> Pair:
    del sizes
    probe = (
        "import sys, cxmetrics; "
        "top = {name.split('.')[0] for name in sys.modules}; "
        f"print(','.join(sorted(top & {set(LAZY_IMPORTS)!r})))"
    )

    def check(ours: Any, peer: Any) -> None:
        del ours, peer
        done = _run_python(probe)
        _require(done.returncode == 0, f"import cxmetrics failed: {done.stderr}")
        eager = done.stdout.strip()
        _require(not eager, f"import cxmetrics also imports {eager}; keep it lazy")

    return Pair(
        ours=lambda: _time_import("cxmetrics"),
        peer=lambda: _time_import("pandas"),
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="nps-bincount",
        ours_label="`cx.nps(x)`, {rows:,} int64 scores",
        peer_label="`np.bincount(x)`, the same array",
        target=2.0,
        prepare=_prepare_nps_bincount,
        timer=time_in_process,
        about="the single-pass limit: no implementation can skip counting the "
        "scores, so the ratio is what validation and the estimate add to it",
    ),
    Case(
        name="nps-bootstrap",
        ours_label='`cx.nps(x, ci="bootstrap", rng=0)`, {bootstrap_rows:,} scores',
        peer_label="the same at {bootstrap_small:,} scores + `cx.nps(x)` at "
        "{bootstrap_rows:,}",
        target=2.0,
        prepare=_prepare_nps_bootstrap,
        timer=time_in_process,
        about="the bootstrap resamples the three counts, not the rows, so its "
        "cost does not grow with the number of scores",
    ),
    Case(
        name="import",
        ours_label="`import cxmetrics`, fresh process",
        peer_label="`import pandas`, fresh process",
        target=1.3,
        prepare=_prepare_imports,
        timer=time_fresh_imports("cxmetrics", "pandas"),
        about="cxmetrics depends on pandas, so the ratio is what it adds on top; "
        "scipy must be imported only by the functions that need it",
    ),
    Case(
        name="nps-weighted",
        ours_label="`cx.nps(x, weights=w)`, {rows:,} int64 scores",
        peer_label="`np.bincount(x, weights=w)` + `np.bincount(x, weights=w*w)`",
        target=None,
        prepare=_prepare_nps_weighted,
        timer=time_in_process,
        about="weighted counts and sums of squared weights, the statistics "
        "behind the weighted estimate and Kish's effective n",
    ),
)


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
        ratio = "—" if outcome.timing is None else f"{outcome.timing.ratio:.2f}×"
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
    lines += ["| " + " | ".join(row) + " |" for row in _rows(outcomes, sizes)]
    lines += ["", "## How each case is measured", ""]
    notes = _notes(outcomes, about=True)
    lines += [f"- **{name}**: {detail}." for name, detail in notes]
    lines += [
        "",
        "In-process cases check first that cxmetrics and its peer agree (the same",
        "promoter, passive and detractor counts, weighted or not, as",
        "`np.bincount`; for the bootstrap, the same counts, an interval that",
        "holds the estimate and the same interval again from the same seed),",
        "then time the two sides alternately with `time.perf_counter`, looping",
        "short calls, and keep the fastest repeat of each (the run least",
        "disturbed by other work). The import case starts fresh interpreters in",
        "turn, times the import statement inside each and keeps the fastest; it",
        "also checks that `import cxmetrics` loads none of scipy, matplotlib or",
        "dask, which the functions that need them import when called.",
        "The cases without a target are shown for information.",
        "",
        "Regenerate this page with `make bench-report`, which runs",
        "`python benchmarks/compare.py --write docs/benchmarks.md`.",
        "",
        "## Machine",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Platform: {platform.platform()}",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical CPUs",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- Load average at the start of the run: {load}",
        f"- cxmetrics {cx.__version__}, numpy {_version('numpy')}, "
        f"pandas {_version('pandas')}, scipy {_version('scipy')}",
        "",
    ]
    return "\n".join(lines)


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
    parser.add_argument(
        "--case",
        choices=[case.name for case in CASES],
        help="run only this case",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the cases and their targets"
    )
    args = parser.parse_args(argv)
    if args.write is not None and args.case is not None:
        parser.error("--write needs every case; drop --case")
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
    cases = [case for case in CASES if args.case in (None, case.name)]
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
