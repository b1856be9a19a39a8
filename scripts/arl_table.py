"""Average run lengths of cxmetrics' control charts, by simulation.

Each chart runs on standardized values: period ``t`` of a chart is the
period's value minus the center, over its standard error, drawn
``Normal(shift, 1)``. They go through `cxmetrics._control.chart` and
`cxmetrics._control.run_rules`, the very functions `cx.control_chart` runs,
and a run length is the number of periods up to the first signal. The
average run length (ARL) in control (``shift = 0``) is the mean number of
periods between false alarms; with a shift it is how long the chart takes
to find it.

Usage::

    python scripts/arl_table.py               # 20,000 charts a scenario
    python scripts/arl_table.py --charts 2000 # quicker, less precise

It prints the table of the monitoring guide (docs/guide/monitoring.md):
each scenario's simulated ARL with its Monte Carlo standard error, and the
published value where there is one. ``tests/test_arl.py`` runs the
scenarios with a published value and checks the simulation against it.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from cxmetrics import _control

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Signals = Callable[[FloatArray], BoolArray]

SEED = 20260401
#: Periods simulated per chart, in multiples of the expected run length:
#: a run longer than that (probability about exp(-15)) is counted at it.
HORIZON = 15


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A chart, a shift, and what the literature says its ARL is."""

    name: str
    signals: Signals
    shift: float
    expected: float  # the ARL, roughly: sets how many periods to simulate
    published: float | None = None
    source: str = ""
    most_charts: int = 1_000_000  # fewer for the rarest alarms (long runs)


def chart_signals(kind: str, **settings: float) -> Signals:
    """The signals of ``cx.control_chart(chart=kind)`` on standardized values."""

    def signals(z: FloatArray) -> BoolArray:
        return _control.chart(kind, z, 1.0, 0.0, **settings)["signal"]

    return signals


def rule_signals(rules: str, which: tuple[int, ...]) -> Signals:
    """Signals of some rules of a set (numbered as the set numbers them)."""

    def signals(z: FloatArray) -> BoolArray:
        fired = _control.run_rules(z, rules, 3.0)
        return np.logical_or.reduce([fired[number - 1] for number in which])

    return signals


def steady_ewma_signals(lam: float, width: float) -> Signals:
    """The EWMA with the asymptotic limits of the published tables."""

    def signals(z: FloatArray) -> BoolArray:
        path = _control.ewma_path(z, 0.0, lam)
        return np.asarray(np.abs(path) > width * np.sqrt(lam / (2.0 - lam)))

    return signals


def run_lengths(
    scenario: Scenario, charts: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """The run length of each of ``charts`` independent charts."""
    horizon = int(HORIZON * scenario.expected) + 10
    chunk = max(1, min(charts, 4_000_000 // horizon))
    lengths = []
    for start in range(0, charts, chunk):
        size = min(chunk, charts - start)
        z = rng.standard_normal((size, horizon)) + scenario.shift
        fired = scenario.signals(z)
        first = np.where(fired.any(axis=-1), np.argmax(fired, axis=-1) + 1, horizon)
        lengths.append(first)
    return np.concatenate(lengths).astype(np.int64)


def average_run_length(
    scenario: Scenario, charts: int, rng: np.random.Generator
) -> tuple[float, float]:
    """The simulated ARL and its Monte Carlo standard error."""
    lengths = run_lengths(scenario, min(charts, scenario.most_charts), rng)
    return float(lengths.mean()), float(lengths.std(ddof=1) / np.sqrt(lengths.size))


def _run_of(p: float, r: int) -> float:
    """Expected periods to a run of ``r`` events of probability ``p`` each.

    The classical result for independent trials: (1 - p^r) / ((1 - p) p^r).
    """
    return (1.0 - p**r) / ((1.0 - p) * p**r)


def _within_one_third() -> float:
    """P(|z| < 1): a 3-sigma chart's central third."""
    from scipy.stats import norm

    return float(norm.cdf(1.0) - norm.cdf(-1.0))


def _shewhart_shift(shift: float) -> float:
    """The exact ARL of a 3-sigma Shewhart chart after a shift: geometric."""
    from scipy.stats import norm

    return float(1.0 / (norm.sf(3.0 - shift) + norm.cdf(-3.0 - shift)))


SHEWHART = chart_signals("shewhart", sigma=3.0)
EWMA = chart_signals("ewma", sigma=3.0, lam=0.2)
EWMA_500 = chart_signals("ewma", sigma=2.962, lam=0.2)
CUSUM = chart_signals("cusum", k=0.5, h=5.0, sigma=3.0)
LUCAS = "Lucas and Saccucci (1990), asymptotic limits"
MONTGOMERY = "Montgomery (2019), Table 9.3"
RUNS = "exact: runs of independent periods"

#: Every scenario of the guide's table, in its order.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("Shewhart, 3 sigma", SHEWHART, 0.0, 370.4, 370.4, "exact: 1 / 0.0027"),
    Scenario(
        "Shewhart, 3 sigma",
        SHEWHART,
        1.0,
        44.0,
        _shewhart_shift(1.0),
        "exact (geometric)",
    ),
    Scenario("EWMA, lam 0.2, sigma 3 (defaults)", EWMA, 0.0, 550.0),
    Scenario("EWMA, lam 0.2, sigma 3 (defaults)", EWMA, 1.0, 10.0),
    Scenario("EWMA, lam 0.2, sigma 2.962", EWMA_500, 0.0, 500.0, 500.0, LUCAS),
    Scenario("EWMA, lam 0.2, sigma 2.962", EWMA_500, 1.0, 10.0, 10.5, LUCAS),
    Scenario(
        "EWMA, lam 0.2, L 2.962, asymptotic limits",
        steady_ewma_signals(0.2, 2.962),
        0.0,
        500.0,
        500.0,
        LUCAS,
    ),
    Scenario(
        "EWMA, lam 0.2, L 2.962, asymptotic limits",
        steady_ewma_signals(0.2, 2.962),
        1.0,
        10.5,
        10.5,
        LUCAS,
    ),
    Scenario("CUSUM, k 0.5, h 5 (defaults)", CUSUM, 0.0, 465.0, 465.0, MONTGOMERY),
    Scenario("CUSUM, k 0.5, h 5 (defaults)", CUSUM, 1.0, 10.4, 10.4, MONTGOMERY),
    Scenario(
        "Western Electric rules 1-4",
        rule_signals("western_electric", (1, 2, 3, 4)),
        0.0,
        92.0,
        91.75,
        "Champ and Woodall (1987)",
    ),
    Scenario(
        "Western Electric rules 1-4",
        rule_signals("western_electric", (1, 2, 3, 4)),
        1.0,
        10.0,
    ),
    Scenario(
        "Western Electric rule 2 alone",
        rule_signals("western_electric", (2,)),
        0.0,
        600.0,
    ),
    Scenario(
        "Western Electric rule 3 alone",
        rule_signals("western_electric", (3,)),
        0.0,
        290.0,
    ),
    Scenario(
        "Western Electric rule 4 alone",
        rule_signals("western_electric", (4,)),
        0.0,
        255.0,
        _run_of(0.5, 7) + 1.0,
        RUNS,
    ),
    Scenario("Nelson rules 1-8", rule_signals("nelson", tuple(range(1, 9))), 0.0, 75.0),
    Scenario("Nelson rules 1-8", rule_signals("nelson", tuple(range(1, 9))), 1.0, 10.0),
    Scenario(
        "Nelson rule 2 alone",
        rule_signals("nelson", (2,)),
        0.0,
        511.0,
        _run_of(0.5, 8) + 1.0,
        RUNS,
    ),
    Scenario("Nelson rule 3 alone", rule_signals("nelson", (3,)), 0.0, 430.0),
    Scenario(
        "Nelson rule 4 alone",
        rule_signals("nelson", (4,)),
        0.0,
        600.0,
    ),
    Scenario(
        "Nelson rule 7 alone",
        rule_signals("nelson", (7,)),
        0.0,
        960.0,
        _run_of(_within_one_third(), 15),
        RUNS,
    ),
    Scenario(
        "Nelson rule 8 alone",
        rule_signals("nelson", (8,)),
        0.0,
        15_000.0,
        _run_of(1.0 - _within_one_third(), 8),
        RUNS,
        most_charts=1_000,
    ),
)


def main() -> None:
    """Simulate every scenario and print the guide's table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{args.charts:,} charts a scenario, seed {args.seed}\n")
    print("| chart | shift | ARL simulated | published |")
    print("|---|---|---|---|")
    for scenario in SCENARIOS:
        mean, error = average_run_length(scenario, args.charts, rng)
        published = (
            "—"
            if scenario.published is None
            else f"{scenario.published:.4g} ({scenario.source})"
        )
        print(
            f"| {scenario.name} | {scenario.shift:g} | {mean:.4g} ± {error:.2g} "
            f"| {published} |"
        )


if __name__ == "__main__":
    main()
