"""The benchmark harness: cases, pairs, timers and agreement checks.

A case times a cxmetrics call (``ours``) against a peer doing the same work
(``peer``) on the same data in the same run. Its ``prepare`` builds the data
for the mode (quick or full) and returns a `Pair`; ``check`` raises
`Disagreement` when the two sides computed different things, so no case is
timed before both sides are shown to agree.

The case modules (``cases_*.py``) each export ``CASES``; ``compare.py``
collects them, runs them and writes the report.
"""

from __future__ import annotations

import dataclasses
import gc
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

__all__ = [
    "FULL",
    "QUICK",
    "Case",
    "Disagreement",
    "Outcome",
    "Pair",
    "Sizes",
    "Timing",
    "require",
    "run_python",
    "time_fresh_imports",
    "time_import",
    "time_in_process",
]


class Disagreement(Exception):
    """cxmetrics and its peer computed different results."""


def require(condition: bool, message: str) -> None:
    """Raise `Disagreement` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise Disagreement(message)


# --------------------------------------------------------------------------
# Sizes and repeats


@dataclasses.dataclass(frozen=True)
class Sizes:
    """The mode of a run: quick (a smoke test) or full, and its repeat counts.

    Problem sizes belong to the cases: each ``prepare`` picks its own from
    ``quick`` (see `Case.params`).
    """

    quick: bool
    repeats: int  # timed repeats of an in-process case (the minimum is kept)
    min_time: float  # seconds per timed repeat; short calls are looped to reach it
    process_repeats: int  # fresh processes per import (the fastest is kept)


FULL = Sizes(quick=False, repeats=7, min_time=0.2, process_repeats=40)
QUICK = Sizes(quick=True, repeats=3, min_time=0.02, process_repeats=7)


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


def _no_params(sizes: Sizes) -> dict[str, Any]:
    del sizes
    return {}


@dataclasses.dataclass(frozen=True)
class Case:
    """One comparison: a cxmetrics call, its peer and the ratio to stay under."""

    name: str
    ours_label: str  # templates filled with `params`: "{rows:,} rows"
    peer_label: str
    target: float | None  # None: reported for information, no target
    prepare: Callable[[Sizes], Pair]
    timer: Timer
    about: str = ""  # what the comparison shows and what is checked, for the report
    params: Callable[[Sizes], dict[str, Any]] = _no_params  # sizes of this mode

    def labels(self, sizes: Sizes) -> tuple[str, str]:
        """What each side runs, with this mode's sizes filled in."""
        fields = self.params(sizes)
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


def peak_memory(func: Callable[[], Any]) -> int:
    """Bytes allocated at the peak of one call, numpy's arrays included."""
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def time_with_peak_memory(pair: Pair, sizes: Sizes) -> Timing:
    """`time_in_process`, with each side's peak memory added to the note."""
    timing = time_in_process(pair, sizes)
    ours, peer = peak_memory(pair.ours), peak_memory(pair.peer)
    mib = 2.0**20
    return dataclasses.replace(
        timing,
        note=f"{timing.note}; peak memory of one call {ours / mib:,.0f} MiB, "
        f"the peer's {peer / mib:,.0f} MiB",
    )


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )


def time_import(module: str) -> tuple[float, float]:
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
    done = run_python(code)
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
            time_import(module)
        inner: dict[str, list[float]] = {key: [] for key in modules}
        whole: dict[str, list[float]] = {key: [] for key in modules}
        for round_ in range(sizes.process_repeats):
            order = list(modules) if round_ % 2 == 0 else list(modules)[::-1]
            for key in order:
                seconds, elapsed = time_import(modules[key])
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
