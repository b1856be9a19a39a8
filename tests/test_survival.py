"""Tests of cxmetrics.survival: survival_curve (Kaplan-Meier) and logrank_test.

Every expected value comes from outside cxmetrics: the product-limit and
Greenwood arithmetic written out in the test, exact fractions, a brute-force
life table that counts who is at risk by the definition, or lifelines
(``KaplanMeierFitter``, ``statistics.logrank_test``), a test-only dependency.
"""

from __future__ import annotations

import math
import re
import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import cxmetrics as cx

Z95 = stats.norm.ppf(0.975)
TOL = {"rtol": 1e-10, "atol": 1e-12}


def exact(message: str) -> str:
    """A regex that matches exactly ``message``."""
    return "^" + re.escape(message) + "$"


def log_log_bounds(s: float, v: float, z: float = Z95) -> tuple[float, float]:
    """Exponential Greenwood bounds S ** exp(-+ z sqrt(V) / |log S|), by formula."""
    if s in (0.0, 1.0):
        return s, s
    a = z * math.sqrt(v) / abs(math.log(s))
    return s ** math.exp(a), s ** math.exp(-a)


# ---------------------------------------------------------------------------
# A brute-force life table: who is at risk, counted by the definition


def brute_force_table(
    durations: Any,
    observed: Any = None,
    entry: Any = None,
    weights: Any = None,
) -> dict[str, list[float]]:
    """Life table, KM and Greenwood by loops over times and subjects.

    At risk at t: entry < t <= duration, or entry at the earliest entry time
    and t equal to it. Subjects with zero weight are left out.
    """
    d = [float(x) for x in durations]
    n = len(d)
    e = [1.0] * n if observed is None else [float(x) for x in observed]
    en = [0.0] * n if entry is None else [float(x) for x in entry]
    w = [1.0] * n if weights is None else [float(x) for x in weights]
    keep = [i for i in range(n) if w[i] > 0]
    first = min(en[i] for i in keep)
    table: dict[str, list[float]] = {
        k: [] for k in ("times", "at_risk", "events", "censored", "s", "v")
    }
    s, v = 1.0, 0.0
    for t in sorted({d[i] for i in keep}):
        at_risk = sum(
            w[i] for i in keep if (en[i] < t or en[i] == first == t) and t <= d[i]
        )
        events = sum(w[i] for i in keep if d[i] == t and e[i] == 1)
        leaving = sum(w[i] for i in keep if d[i] == t)
        if events:
            s *= 1 - events / at_risk
            if at_risk > events:
                v += events / (at_risk * (at_risk - events))
        for key, value in zip(
            ("times", "at_risk", "events", "censored", "s", "v"),
            (t, at_risk, events, leaving - events, s, v),
            strict=True,
        ):
            table[key].append(value)
    return table


def assert_matches_table(curve: cx.SurvivalCurve, table: dict[str, list[float]]):
    np.testing.assert_array_equal(curve.timeline, table["times"])
    np.testing.assert_allclose(curve.at_risk, table["at_risk"], **TOL)
    np.testing.assert_allclose(curve.events, table["events"], **TOL)
    np.testing.assert_allclose(curve.censored, table["censored"], **TOL)
    np.testing.assert_allclose(curve.survival, table["s"], **TOL)
    bounds = np.array(
        [log_log_bounds(s, v) for s, v in zip(table["s"], table["v"], strict=True)]
    )
    np.testing.assert_allclose(curve.ci_low, bounds[:, 0], **TOL)
    np.testing.assert_allclose(curve.ci_high, bounds[:, 1], **TOL)


# ---------------------------------------------------------------------------
# A worked example: eight customers, months to churn


MONTHS = [2, 3, 3, 5, 6, 6, 8, 9]
CHURNED = [1, 1, 0, 1, 1, 1, 0, 1]


def test_worked_example_life_table():
    # time  at risk  churned  censored
    #   2      8        1        0      (everyone is at risk at the first time)
    #   3      7        1        1      (8 - 1 who churned at 2)
    #   5      5        1        0      (7 - 2 who left at 3)
    #   6      4        2        0
    #   8      2        0        1
    #   9      1        1        0
    curve = cx.survival_curve(MONTHS, CHURNED)
    np.testing.assert_array_equal(curve.timeline, [2, 3, 5, 6, 8, 9])
    np.testing.assert_array_equal(curve.at_risk, [8, 7, 5, 4, 2, 1])
    np.testing.assert_array_equal(curve.events, [1, 1, 1, 2, 0, 1])
    np.testing.assert_array_equal(curve.censored, [0, 1, 0, 0, 1, 0])
    assert (curve.n, curve.n_missing, curve.confidence) == (8, 0, 0.95)


def test_worked_example_product_limit():
    # S(2) = 7/8 = 0.875
    # S(3) = 7/8 * 6/7 = 0.75
    # S(5) = 0.75 * 4/5 = 0.6
    # S(6) = 0.6 * 2/4 = 0.3     <- first time at or below 1/2: the median
    # S(8) = 0.3                 (a censoring leaves S unchanged)
    # S(9) = 0.3 * 0/1 = 0
    curve = cx.survival_curve(MONTHS, CHURNED)
    np.testing.assert_allclose(curve.survival, [0.875, 0.75, 0.6, 0.3, 0.3, 0.0])
    assert curve.median == 6.0


def test_worked_example_greenwood_and_log_log_bounds():
    # Greenwood: V(t) = sum d / (n (n - d))
    #   V(2) = 1/(8*7) = 1/56
    #   V(3) = 1/56 + 1/(7*6) = 1/56 + 1/42 = 1/24
    #   V(5) = 1/24 + 1/(5*4) = 11/120
    #   V(6) = 11/120 + 2/(4*2) = 41/120
    #   V(8) = 41/120; at 9 everyone at risk churns: S = 0 and the bounds are 0.
    # Bounds: S ** exp(-+ z sqrt(V) / |log S|); at t = 2:
    #   |log 0.875| = 0.133531, sqrt(1/56) = 0.133631,
    #   a = 1.959964 * 0.133631 / 0.133531 = 1.961437
    #   low = 0.875 ** exp(1.961437) = 0.875 ** 7.10925 = 0.38700
    #   high = 0.875 ** exp(-1.961437) = 0.875 ** 0.140662 = 0.98139
    curve = cx.survival_curve(MONTHS, CHURNED)
    s = [7 / 8, 3 / 4, 3 / 5, 3 / 10, 3 / 10, 0.0]
    v = [1 / 56, 1 / 24, 11 / 120, 41 / 120, 41 / 120, 41 / 120]
    expected = np.array([log_log_bounds(si, vi) for si, vi in zip(s, v, strict=True)])
    np.testing.assert_allclose(curve.ci_low, expected[:, 0], rtol=1e-13)
    np.testing.assert_allclose(curve.ci_high, expected[:, 1], rtol=1e-13)
    assert curve.ci_low[0] == pytest.approx(0.38700, abs=5e-6)
    assert curve.ci_high[0] == pytest.approx(0.98139, abs=5e-6)
    assert curve.ci_low[-1] == curve.ci_high[-1] == 0.0


def test_worked_example_median_interval():
    # Brookmeyer-Crowley: from the first time the lower bound is <= 1/2
    # (t = 2: 0.387) to the first time the upper bound is (t = 9: upper bounds
    # 0.981, 0.931, 0.852, 0.628, 0.628, then 0).
    curve = cx.survival_curve(MONTHS, CHURNED)
    assert curve.median_ci == cx.Interval(2.0, 9.0, 0.95, "brookmeyer_crowley")
    assert str(curve) == "Kaplan-Meier: median 6 (95% CI 2 to 9), n=8, events=6"


def test_median_exactly_one_half_is_reached():
    # Eight customers, no censoring: after four churns S = 4/8 = 1/2 exactly,
    # in exact arithmetic; the median is that time, not the next one.
    durations = [1, 2, 2, 3, 4, 5, 6, 8]
    s = Fraction(1)
    for t in (1, 2, 3):
        at_risk = sum(d >= t for d in durations)
        s *= 1 - Fraction(durations.count(t), at_risk)
    assert s == Fraction(1, 2)  # at t = 3
    assert cx.survival_curve(durations).median == 3.0
    # Continuous rounding: the same with durations in float days.
    days = np.array(durations) * 30.4375
    assert cx.survival_curve(days).median == 3 * 30.4375


def test_median_and_bounds_never_reaching_one_half_are_inf():
    curve = cx.survival_curve([5, 6, 7, 8], [0, 1, 0, 0])
    # S = 1, then 2/3 (one of three at risk at 6 churns): never at or below 1/2
    np.testing.assert_allclose(curve.survival, [1.0, 2 / 3, 2 / 3, 2 / 3])
    assert curve.median == math.inf
    assert curve.median_ci.high == math.inf
    assert curve.ci_low[0] == curve.ci_high[0] == 1.0  # no churn yet: S = 1 exactly


def test_no_churn_at_all():
    curve = cx.survival_curve([5, 6], [False, False])
    np.testing.assert_array_equal(curve.survival, [1.0, 1.0])
    assert curve.median == math.inf
    assert (curve.median_ci.low, curve.median_ci.high) == (math.inf, math.inf)
    assert str(curve) == "Kaplan-Meier: median inf (95% CI inf to inf), n=2, events=0"


def test_observed_defaults_to_all_churned():
    # Four customers, all churned: S = 3/4, 2/4, 1/4, 0
    curve = cx.survival_curve([4.0, 1.5, 3.0, 2.0])
    np.testing.assert_array_equal(curve.timeline, [1.5, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(curve.survival, [0.75, 0.5, 0.25, 0.0])
    np.testing.assert_array_equal(curve.censored, [0, 0, 0, 0])
    assert curve.median == 2.0


def test_confidence_level_changes_the_bounds():
    curve = cx.survival_curve(MONTHS, CHURNED, confidence=0.80)
    z = stats.norm.ppf(0.90)
    assert curve.confidence == 0.80
    assert curve.median_ci.level == 0.80
    low, high = log_log_bounds(0.875, 1 / 56, z)
    assert (curve.ci_low[0], curve.ci_high[0]) == pytest.approx((low, high), rel=1e-13)


# ---------------------------------------------------------------------------
# Reading the curve: at() and to_frame()


def test_at_is_a_right_continuous_step_function():
    curve = cx.survival_curve(MONTHS, CHURNED)
    # before the first time: 1; at a time: the value after it; between: the last
    times = [0, 1.99, 2, 2.5, 3, 4.999, 5, 6, 7.5, 8, 9, 100]
    expected = [1, 1, 0.875, 0.875, 0.75, 0.75, 0.6, 0.3, 0.3, 0.3, 0.0, 0.0]
    np.testing.assert_allclose(curve.at(times), expected)
    assert isinstance(curve.at(5.5), float)
    assert curve.at(5.5) == pytest.approx(0.6)
    assert curve.at(np.array(2.0)) == pytest.approx(0.875)


def test_at_matches_lifelines_predict(lifelines):
    rng = np.random.default_rng(3)
    durations = rng.integers(0, 40, 300)
    observed = rng.random(300) < 0.7
    curve = cx.survival_curve(durations, observed)
    kmf = lifelines.KaplanMeierFitter().fit(durations, observed)
    grid = np.linspace(0, 45, 451)  # lifelines' curve starts at 0
    np.testing.assert_allclose(curve.at(grid), kmf.predict(grid).to_numpy(), **TOL)


def test_to_frame_is_the_life_table():
    curve = cx.survival_curve(MONTHS, CHURNED)
    frame = curve.to_frame()
    assert list(frame.columns) == [
        "timeline",
        "at_risk",
        "events",
        "censored",
        "survival",
        "ci_low",
        "ci_high",
    ]
    assert len(frame) == 6
    for column in frame.columns:
        np.testing.assert_array_equal(frame[column], getattr(curve, column))


def test_to_dict_holds_plain_values():
    result = cx.survival_curve([1, 2], [1, 0]).to_dict()
    assert result["timeline"] == [1.0, 2.0]
    assert result["survival"] == [0.5, 0.5]
    assert result["median"] == 1.0
    assert result["median_ci"]["method"] == "brookmeyer_crowley"


# ---------------------------------------------------------------------------
# Against lifelines


@pytest.fixture(scope="module")
def lifelines() -> Any:
    """lifelines, the reference implementation (a test-only dependency)."""
    module = pytest.importorskip("lifelines")
    pytest.importorskip("lifelines.statistics")
    return module


def fit_lifelines(lifelines: Any, durations, observed=None, **options) -> Any:
    with warnings.catch_warnings():
        # lifelines warns about fractional weights (a note on IPT weights)
        warnings.simplefilter("ignore")
        return lifelines.KaplanMeierFitter().fit(durations, observed, **options)


def assert_matches_lifelines(
    curve: cx.SurvivalCurve,
    kmf: Any,
    *,
    bounds: bool = True,
    counts: bool = True,
) -> None:
    """Values of the curve against lifelines' read at the curve's timeline.

    lifelines' timeline also has a row at time 0 (and at entry times); read
    at the distinct durations, both tables hold the same rows.
    """
    from lifelines.utils import median_survival_times

    times = curve.timeline
    survival = kmf.survival_function_.iloc[:, 0]
    assert set(times) <= set(survival.index)
    np.testing.assert_allclose(curve.survival, survival.loc[times], **TOL)
    if bounds:
        band = kmf.confidence_interval_.loc[times]
        np.testing.assert_allclose(curve.ci_low, band.iloc[:, 0], **TOL)
        np.testing.assert_allclose(curve.ci_high, band.iloc[:, 1], **TOL)
        limits = median_survival_times(kmf.confidence_interval_).to_numpy().ravel()
        assert (curve.median_ci.low, curve.median_ci.high) == tuple(limits)
    if counts:
        table = kmf.event_table.loc[times]
        np.testing.assert_allclose(curve.events, table["observed"], **TOL)
        np.testing.assert_allclose(curve.censored, table["censored"], **TOL)
        if kmf.entry is None:
            np.testing.assert_allclose(curve.at_risk, table["at_risk"], **TOL)
    assert curve.median == kmf.median_survival_time_


def churn_data(
    rng: np.random.Generator, n: int, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """Exponential lifetimes censored by uniform follow-up."""
    lifetime = rng.exponential(300.0, n)
    follow_up = rng.uniform(0.0, 900.0, n)
    durations = np.minimum(lifetime, follow_up)
    observed = lifetime <= follow_up
    if kind == "integer days":
        durations = np.ceil(durations).astype(np.int64)
    elif kind == "whole months as floats":
        durations = np.ceil(durations / 30.0)
    elif kind == "half months":
        durations = np.ceil(durations / 15.0) / 2.0
    elif kind == "sparse integers":
        durations = np.ceil(durations).astype(np.int64) * 1_000_003
    return durations, observed


KINDS = [
    "continuous",
    "integer days",
    "whole months as floats",
    "half months",
    "sparse integers",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("seed", "n"), [(1, 40), (2, 400), (3, 3_000)])
def test_random_censored_data_match_lifelines(lifelines, kind, seed, n):
    durations, observed = churn_data(np.random.default_rng(seed), n, kind)
    curve = cx.survival_curve(durations, observed)
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, observed))
    assert curve.n == n
    assert curve.timeline.size == np.unique(durations).size


def test_many_distinct_floats_match_lifelines(lifelines):
    # more than the first 10,000 values: the distinct values are sorted directly
    durations, observed = churn_data(np.random.default_rng(4), 20_000, "continuous")
    curve = cx.survival_curve(durations, observed)
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, observed))


def test_distinct_floats_with_ties_of_churned_and_censored_match_lifelines(lifelines):
    # Mostly distinct, so sorted; the ties mix churned and censored subjects.
    rng = np.random.default_rng(41)
    distinct = rng.exponential(30.0, 15_000)
    durations = rng.permutation(np.concatenate([distinct, distinct[:5_000]]))
    observed = rng.random(durations.size) < 0.6
    curve = cx.survival_curve(durations, observed)
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, observed))
    assert curve.timeline.size == 15_000
    assert (curve.events + curve.censored).max() == 2


@pytest.mark.parametrize("tied", [False, True])
def test_distinct_floats_all_churned_match_lifelines(lifelines, tied):
    rng = np.random.default_rng(42)
    durations = rng.exponential(30.0, 12_000)
    if tied:
        durations[::3] = durations[1::3]
    curve = cx.survival_curve(durations)
    churned = np.ones(durations.size, dtype=bool)
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, churned))
    assert curve.censored.sum() == 0


def test_few_distinct_floats_among_many_match_lifelines(lifelines):
    # many values, few distinct: hashed first, then the distinct values sorted
    durations, observed = churn_data(np.random.default_rng(5), 30_000, "half months")
    curve = cx.survival_curve(durations, observed)
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, observed))


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.99])
def test_confidence_levels_match_lifelines(lifelines, confidence):
    durations, observed = churn_data(np.random.default_rng(6), 500, "integer days")
    curve = cx.survival_curve(durations, observed, confidence=confidence)
    kmf = fit_lifelines(lifelines, durations, observed, alpha=1 - confidence)
    assert_matches_lifelines(curve, kmf)


def test_churn_at_time_zero_matches_lifelines(lifelines):
    # customers who churn on day 0 are at risk at 0
    durations = np.array([0, 0, 0, 1, 2, 2, 3, 5])
    observed = np.array([1, 1, 0, 1, 1, 0, 1, 0])
    curve = cx.survival_curve(durations, observed)
    assert curve.timeline[0] == 0.0
    assert curve.at_risk[0] == 8
    assert curve.survival[0] == pytest.approx(6 / 8)
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, observed))


def test_the_last_customer_censored_keeps_the_curve_above_zero(lifelines):
    durations = np.array([1, 2, 3, 4, 5, 6])
    observed = np.array([1, 0, 1, 1, 1, 0])
    curve = cx.survival_curve(durations, observed)
    assert curve.survival[-1] > 0
    assert_matches_lifelines(curve, fit_lifelines(lifelines, durations, observed))


# ---------------------------------------------------------------------------
# Left truncation (delayed entry)


def test_entry_worked_example():
    # Six customers; three were already on the books when observation began.
    #   duration: 1  2  3  4  5  6
    #   churned:  1  1  0  1  1  1
    #   entry:    0  0  1  3  2  0
    # At risk at t: entry < t <= duration (entries at 0, the earliest, count
    # from 0 itself):
    #   t=1: subjects 1, 2, 6                 -> 3 at risk, 1 churn: S = 2/3
    #   t=2: 2, 3 (entered at 1), 6           -> 3, 1 churn: S = 4/9
    #   t=3: 3, 5 (entered at 2), 6           -> 3, censored: S = 4/9
    #   t=4: 4 (entered at 3), 5, 6           -> 3, 1 churn: S = 8/27
    #   t=5: 5, 6                             -> 2, 1 churn: S = 4/27
    #   t=6: 6                                -> 1, 1 churn: S = 0
    curve = cx.survival_curve(
        [1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 1, 1], entry=[0, 0, 1, 3, 2, 0]
    )
    np.testing.assert_array_equal(curve.at_risk, [3, 3, 3, 3, 2, 1])
    np.testing.assert_allclose(
        curve.survival, [2 / 3, 4 / 9, 4 / 9, 8 / 27, 4 / 27, 0.0]
    )


def test_entry_of_zeros_is_no_entry():
    durations, observed = churn_data(np.random.default_rng(7), 200, "integer days")
    plain = cx.survival_curve(durations, observed)
    zeros = cx.survival_curve(durations, observed, entry=np.zeros(200))
    for name in ("timeline", "survival", "ci_low", "ci_high", "at_risk", "events"):
        np.testing.assert_array_equal(getattr(zeros, name), getattr(plain, name))


def late_entry(rng: np.random.Generator, durations: np.ndarray) -> np.ndarray:
    """Entry times before the durations; whole numbers for whole durations."""
    entry = durations * rng.uniform(0.0, 0.8, durations.size)
    if np.issubdtype(durations.dtype, np.integer):
        entry = np.floor(entry)
        # leaving at the entry time is allowed only at the earliest entry
        entry[(entry == durations) & (entry > 0)] -= 1
    return entry


@pytest.mark.parametrize("kind", ["continuous", "integer days", "half months"])
@pytest.mark.parametrize("seed", [8, 9])
def test_entry_matches_lifelines_and_brute_force(lifelines, kind, seed):
    rng = np.random.default_rng(seed)
    durations, observed = churn_data(rng, 300, kind)
    entry = late_entry(rng, durations)
    curve = cx.survival_curve(durations, observed, entry=entry)
    kmf = fit_lifelines(lifelines, durations, observed, entry=entry)
    assert_matches_lifelines(curve, kmf)
    assert_matches_table(curve, brute_force_table(durations, observed, entry))


def test_entry_earliest_time_above_zero_matches_lifelines(lifelines):
    # Nobody is observed before day 2; those entering at 2 are at risk at 2,
    # including one who churns on day 2 itself.
    durations = np.array([2, 2, 5, 7, 9, 9, 12, 4])
    observed = np.array([1, 0, 1, 1, 0, 1, 1, 1])
    entry = np.array([2, 2, 2, 3, 4, 2, 6, 3])
    curve = cx.survival_curve(durations, observed, entry=entry)
    # at t=2: the four entering at 2 -> S = 3/4
    assert (curve.at_risk[0], curve.survival[0]) == (4.0, 0.75)
    assert_matches_lifelines(
        curve, fit_lifelines(lifelines, durations, observed, entry=entry)
    )
    assert_matches_table(curve, brute_force_table(durations, observed, entry))


def test_entry_at_risk_matches_lifelines_population(lifelines):
    # lifelines' event_table.at_risk counts entries at t; its estimate uses
    # at_risk - entrance (except at the first row): entry < t <= duration.
    rng = np.random.default_rng(10)
    durations, observed = churn_data(rng, 400, "integer days")
    entry = late_entry(rng, durations)
    curve = cx.survival_curve(durations, observed, entry=entry)
    table = fit_lifelines(lifelines, durations, observed, entry=entry).event_table
    population = table["at_risk"] - table["entrance"]
    population.iloc[0] = table["at_risk"].iloc[0]
    np.testing.assert_allclose(curve.at_risk, population.loc[curve.timeline], **TOL)


def test_entry_with_a_gap_in_the_risk_set():
    # Everyone at risk leaves at 3; two more enter later: the curve carries on
    # from S(3) over an empty stretch.
    durations = [1, 3, 6, 8]
    observed = [1, 0, 1, 0]
    entry = [0, 0, 4, 5]
    curve = cx.survival_curve(durations, observed, entry=entry)
    assert_matches_table(curve, brute_force_table(durations, observed, entry))
    np.testing.assert_array_equal(curve.at_risk, [2, 1, 2, 1])
    np.testing.assert_allclose(curve.survival, [0.5, 0.5, 0.25, 0.25])


# ---------------------------------------------------------------------------
# Weights


def test_integer_weights_equal_repeated_rows():
    rng = np.random.default_rng(11)
    durations, observed = churn_data(rng, 150, "integer days")
    weights = rng.integers(0, 4, 150)
    weighted = cx.survival_curve(durations, observed, weights=weights)
    repeated = cx.survival_curve(
        np.repeat(durations, weights), np.repeat(observed, weights)
    )
    for name in (
        "timeline",
        "survival",
        "ci_low",
        "ci_high",
        "at_risk",
        "events",
        "censored",
    ):
        np.testing.assert_allclose(
            getattr(weighted, name), getattr(repeated, name), **TOL
        )
    assert weighted.median == repeated.median
    assert weighted.median_ci == repeated.median_ci
    assert weighted.n == 150  # customers, zero weights included


@pytest.mark.parametrize("kind", ["continuous", "integer days"])
def test_integer_weights_match_lifelines(lifelines, kind):
    rng = np.random.default_rng(12)
    durations, observed = churn_data(rng, 400, kind)
    weights = rng.integers(1, 5, 400).astype(float)
    curve = cx.survival_curve(durations, observed, weights=weights)
    kmf = fit_lifelines(lifelines, durations, observed, weights=weights)
    assert_matches_lifelines(curve, kmf)


def test_fractional_weights_match_lifelines_and_greenwood_by_hand(lifelines):
    # lifelines truncates the number at risk to an integer in its Greenwood
    # sum (a uint64 cast), so its bounds differ with fractional weights; the
    # survival values and counts are checked against it, the bounds against
    # the brute-force weighted table.
    rng = np.random.default_rng(13)
    durations, observed = churn_data(rng, 300, "integer days")
    weights = rng.uniform(0.2, 3.0, 300)
    curve = cx.survival_curve(durations, observed, weights=weights)
    kmf = fit_lifelines(lifelines, durations, observed, weights=weights)
    assert_matches_lifelines(curve, kmf, bounds=False, counts=False)
    np.testing.assert_allclose(
        curve.at_risk, kmf.event_table["at_risk"].loc[curve.timeline], rtol=1e-9
    )
    assert_matches_table(curve, brute_force_table(durations, observed, None, weights))


def test_zero_weights_leave_customers_out():
    curve = cx.survival_curve([1, 2, 3, 4], [1, 1, 0, 1], weights=[1, 0, 1, 1])
    plain = cx.survival_curve([1, 3, 4], [1, 0, 1])
    np.testing.assert_array_equal(curve.timeline, plain.timeline)
    np.testing.assert_array_equal(curve.survival, plain.survival)
    assert curve.n == 4


def test_weights_with_entry_match_brute_force():
    rng = np.random.default_rng(14)
    durations, observed = churn_data(rng, 200, "continuous")
    entry = late_entry(rng, durations)
    weights = rng.uniform(0.0, 2.0, 200)
    curve = cx.survival_curve(durations, observed, entry=entry, weights=weights)
    assert_matches_table(curve, brute_force_table(durations, observed, entry, weights))


# ---------------------------------------------------------------------------
# Properties against the brute-force table


@st.composite
def survival_samples(draw: Any) -> tuple[list[int], list[bool], list[int], list[int]]:
    n = draw(st.integers(1, 25))
    durations = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    observed = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    weights = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    fractions = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    entry = [d * f // 4 for d, f in zip(durations, fractions, strict=True)]
    return durations, observed, entry, weights


@settings(max_examples=150, deadline=None)
@given(survival_samples())
def test_property_matches_brute_force(sample):
    durations, observed, entry, weights = sample
    if not any(weights):
        weights = [1] * len(durations)
    positive = [e for e, w in zip(entry, weights, strict=True) if w > 0]
    first = min(positive)
    never = any(
        e == d and e > first and w > 0
        for d, e, w in zip(durations, entry, weights, strict=True)
    )
    if never:
        with pytest.raises(cx.InputError, match="never at risk"):
            cx.survival_curve(durations, observed, entry=entry, weights=weights)
        return
    curve = cx.survival_curve(durations, observed, entry=entry, weights=weights)
    assert_matches_table(curve, brute_force_table(durations, observed, entry, weights))
    assert np.all(np.diff(curve.survival) <= 0)
    assert np.all((curve.ci_low <= curve.survival) & (curve.survival <= curve.ci_high))
    assert np.all((curve.ci_low >= 0) & (curve.ci_high <= 1))
    first_half = np.flatnonzero(curve.survival <= 0.5 + 1e-12)
    expected = curve.timeline[first_half[0]] if first_half.size else math.inf
    assert curve.median == expected


@settings(max_examples=60, deadline=None)
@given(survival_samples(), st.randoms(use_true_random=False))
def test_property_order_of_customers_does_not_matter(sample, random):
    durations, observed, _, _ = sample
    order = list(range(len(durations)))
    random.shuffle(order)
    a = cx.survival_curve(durations, observed)
    b = cx.survival_curve([durations[i] for i in order], [observed[i] for i in order])
    np.testing.assert_array_equal(a.survival, b.survival)
    np.testing.assert_array_equal(a.ci_low, b.ci_low)


# ---------------------------------------------------------------------------
# Input kinds and paths


def test_integer_float_and_scaled_durations_agree():
    durations, observed = churn_data(np.random.default_rng(15), 500, "integer days")
    ints = cx.survival_curve(durations, observed)
    floats = cx.survival_curve(durations.astype(float), observed)
    halves = cx.survival_curve(durations / 2.0, observed)  # not whole: other path
    big = cx.survival_curve(durations.astype(np.uint64) * 10**12, observed)
    for other in (floats, halves, big):
        np.testing.assert_array_equal(other.survival, ints.survival)
        np.testing.assert_array_equal(other.ci_low, ints.ci_low)
        np.testing.assert_array_equal(other.at_risk, ints.at_risk)
    np.testing.assert_array_equal(halves.timeline, ints.timeline / 2)
    assert halves.median == ints.median / 2
    np.testing.assert_array_equal(big.timeline, ints.timeline * 10**12)


@pytest.mark.parametrize(
    "observed",
    [
        [True, False, True, True],
        [1, 0, 1, 1],
        [1.0, 0.0, 1.0, 1.0],
        np.array([True, False, True, True]),
        np.array([1, 0, 1, 1], dtype=np.int8),
        pd.Series([True, False, True, True]),
        pd.Series([True, False, True, True], dtype="boolean"),
        pd.Series([1, 0, 1, 1], dtype="Int64"),
    ],
    ids=lambda value: type(value).__name__,
)
def test_observed_accepts_booleans_and_zero_one(observed):
    # S = 3/4 at 1, censored at 2, 1/2 * 3/4... : 3/4, 3/4, 3/4 * 1/2, 0
    curve = cx.survival_curve([1, 2, 3, 4], observed)
    np.testing.assert_allclose(curve.survival, [0.75, 0.75, 0.375, 0.0])


@pytest.mark.parametrize(
    "durations",
    [
        (1, 2, 3, 4),
        np.array([1, 2, 3, 4], dtype=np.uint8),
        pd.Series([1, 2, 3, 4], index=[10, 11, 12, 13]),
        pd.Series([1, 2, 3, 4], dtype="Float64"),
        pd.Categorical([1, 2, 3, 4]),
    ],
    ids=lambda value: type(value).__name__,
)
def test_duration_input_kinds(durations):
    curve = cx.survival_curve(durations)
    np.testing.assert_allclose(curve.survival, [0.75, 0.5, 0.25, 0.0])


# ---------------------------------------------------------------------------
# Missing values


def test_omit_leaves_out_customers_with_a_missing_value():
    durations = [1, np.nan, 3, 4, 5, 6]
    observed = [1, 1, None, 0, 1, 1]
    entry = [0, 0, 0, np.nan, 0, 0]
    curve = cx.survival_curve(durations, observed, entry=entry)
    plain = cx.survival_curve([1, 5, 6], [1, 1, 1])
    np.testing.assert_array_equal(curve.survival, plain.survival)
    assert (curve.n, curve.n_missing) == (3, 3)
    assert str(curve).endswith(", 3 missing")


def test_omit_with_nullable_series():
    durations = pd.Series([3, None, 2, 5], dtype="Int64")
    observed = pd.Series([True, True, None, False], dtype="boolean")
    curve = cx.survival_curve(durations, observed)
    np.testing.assert_array_equal(curve.timeline, [3, 5])
    np.testing.assert_allclose(curve.survival, [0.5, 0.5])
    assert curve.n_missing == 2


def test_raise_on_missing():
    with pytest.raises(
        cx.InputError,
        match=exact(
            "survival_curve: 2 of 4 subjects have missing values (durations, "
            "observed) and nan_policy='raise'"
        ),
    ):
        cx.survival_curve([1, np.nan, 3, 4], [1, 0, None, 1], nan_policy="raise")


def test_raise_without_missing_values_computes():
    curve = cx.survival_curve([1, 2], nan_policy="raise")
    assert curve.n_missing == 0


def test_propagate_gives_nan_curve_and_median():
    curve = cx.survival_curve([1, np.nan, 3], nan_policy="propagate")
    assert np.isnan(curve.survival).all()
    assert np.isnan(curve.ci_low).all()
    assert np.isnan(curve.ci_high).all()
    assert math.isnan(curve.median)
    assert math.isnan(curve.median_ci.low)
    assert math.isnan(curve.median_ci.high)
    assert curve.n_missing == 1
    np.testing.assert_array_equal(curve.timeline, [1, 3])


def test_propagate_all_missing_gives_an_empty_curve():
    curve = cx.survival_curve([np.nan, None], nan_policy="propagate")
    assert curve.timeline.size == 0
    assert (curve.n, curve.n_missing) == (0, 2)
    assert math.isnan(curve.median)


def test_propagate_without_missing_values_is_the_plain_curve():
    a = cx.survival_curve(MONTHS, CHURNED, nan_policy="propagate")
    b = cx.survival_curve(MONTHS, CHURNED)
    np.testing.assert_array_equal(a.survival, b.survival)
    assert a.median == b.median


# ---------------------------------------------------------------------------
# Bad input: exact messages


BAD_INPUT = [
    ({"durations": []}, "survival_curve: durations is empty"),
    (
        {"durations": np.array([], dtype=np.int64)},
        "survival_curve: durations is empty",
    ),
    (
        {"durations": [np.nan, None]},
        "survival_curve: no valid subjects: all 2 have missing values (durations)",
    ),
    (
        {"durations": [1, 2], "observed": [np.nan, None]},
        "survival_curve: no valid subjects: all 2 have missing values (observed)",
    ),
    (
        {"durations": [1, -2, 3, -0.5]},
        "survival_curve: 2 of 4 durations are negative (-2, -0.5)",
    ),
    (
        {"durations": np.array([4, -1, -7], dtype=np.int32)},
        "survival_curve: 2 of 3 durations are negative (-1, -7)",
    ),
    (
        {"durations": [1, np.inf, -np.inf]},
        "survival_curve: 2 of 3 durations are infinite (inf, -inf)",
    ),
    (
        {"durations": ["3", "4"]},
        "survival_curve: durations must be numbers; got text such as '3', '4'",
    ),
    (
        {"durations": [True, False]},
        "survival_curve: durations must be numbers; got booleans",
    ),
    (
        {"durations": np.array([5, 6], dtype="timedelta64[s]")},
        "survival_curve: durations must be numbers; got time spans such as "
        "0:00:05, 0:00:06",
    ),
    (
        {"durations": np.ones((2, 2))},
        "survival_curve: durations must be one-dimensional; got shape (2, 2)",
    ),
    (
        {"durations": 5},
        "survival_curve: durations must be a one-dimensional array-like of "
        "numbers; got a single int",
    ),
    (
        {"durations": [1, 2, 3], "observed": [1, 2, 0.5]},
        "survival_curve: 2 of 3 observed values are not booleans or 0/1 (2, 0.5)",
    ),
    (
        {"durations": [1, 2, 3], "observed": [-1, 0, 1]},
        "survival_curve: 1 of 3 observed values are not booleans or 0/1 (-1)",
    ),
    (
        {"durations": [1, 2], "observed": ["yes", "no"]},
        "survival_curve: observed must be numbers; got text such as 'yes', 'no'",
    ),
    (
        {"durations": [1, 2, 3], "observed": [1, 0]},
        "survival_curve: observed has 2 values but there are 3 durations; they "
        "must align one to one",
    ),
    (
        {"durations": [1, 2, 3], "observed": np.array([True, False])},
        "survival_curve: observed has 2 values but there are 3 durations; they "
        "must align one to one",
    ),
    (
        {"durations": [1, 2, 3], "entry": [0, 0, 0, 0]},
        "survival_curve: entry has 4 values but there are 3 durations; they "
        "must align one to one",
    ),
    (
        {"durations": [1, 2, 3], "weights": [1, 1]},
        "survival_curve: weights has 2 values but there are 3 durations; they "
        "must align one to one",
    ),
    (
        {"durations": [1, 2, 3], "weights": [1, -2, -0.5]},
        "survival_curve: 2 of 3 weights are negative (-2, -0.5)",
    ),
    (
        {"durations": [1, 2, 3], "weights": [1, np.nan, 1]},
        "survival_curve: 1 of 3 weights are missing or infinite (nan)",
    ),
    (
        {"durations": [1, 2, 3], "weights": [0, 0, 0]},
        "survival_curve: weights of the valid durations are all zero",
    ),
    (
        {"durations": [1, 2, 3], "entry": [2, 3, 0]},
        "survival_curve: 2 of 3 subjects enter after they leave (entry > "
        "duration: 2 > 1, 3 > 2)",
    ),
    (
        {"durations": [1, 2, 3], "entry": [0, -1, -2.5]},
        "survival_curve: 2 of 3 entry times are negative (-1, -2.5)",
    ),
    (
        {"durations": [1, 2, 3], "entry": [0, np.inf, 0]},
        "survival_curve: 1 of 3 entry times are infinite (inf)",
    ),
    (
        {"durations": [1, 2, 3], "entry": [True, False, False]},
        "survival_curve: entry must be numbers; got booleans",
    ),
    (
        {"durations": [1, 4, 6, 5], "entry": [0, 4, 6, 2]},
        "survival_curve: 2 of 4 subjects leave at their entry time (4, 6) and so "
        "are never at risk; a subject is at risk after its entry (entry < t <= "
        "duration)",
    ),
    (
        {"durations": [1, 2], "confidence": 1.0},
        "survival_curve: confidence must be between 0 and 1 (exclusive); got 1",
    ),
    (
        {"durations": [1, 2], "confidence": "95%"},
        "survival_curve: confidence must be a number between 0 and 1; got '95%'",
    ),
    (
        {"durations": [1, 2], "nan_policy": "drop"},
        "survival_curve: nan_policy='drop' is not one of 'omit', 'raise', 'propagate'",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "message"), BAD_INPUT, ids=[m for _, m in BAD_INPUT]
)
def test_bad_input_messages(arguments, message):
    arguments = dict(arguments)
    durations = arguments.pop("durations")
    with pytest.raises(cx.InputError, match=exact(message)) as info:
        cx.survival_curve(durations, **arguments)
    assert isinstance(info.value, ValueError)


def test_zero_weight_does_not_hide_bad_values():
    with pytest.raises(
        cx.InputError, match=exact("survival_curve: 1 of 2 durations are negative (-1)")
    ):
        cx.survival_curve([1, -1], weights=[1, 0])


def test_zero_weight_customer_at_its_entry_time_is_left_out():
    # A customer with weight 0 is absent: it neither raises nor shifts the
    # earliest entry.
    curve = cx.survival_curve([3, 4, 2], entry=[1, 1, 0], weights=[1, 1, 0])
    assert_matches_table(curve, brute_force_table([3, 4], None, [1, 1]))


# ---------------------------------------------------------------------------
# The log-rank test


def test_logrank_worked_example():
    # a = [1, 3], b = [2, 4], all churned. Per churn time:
    #  t  n  n_a n_b d d_a   E_a = d n_a / n   V = d (n_a/n)(n_b/n)(n-d)/(n-1)
    #  1  4   2   2  1  1        1/2              1/2 * 1/2 * 3/3 = 1/4
    #  2  3   1   2  1  0        1/3              1/3 * 2/3 * 2/2 = 2/9
    #  3  2   1   1  1  1        1/2              1/2 * 1/2 * 1/1 = 1/4
    #  4  1   0   1  1  0        0                (n = 1)           0
    # O_a - E_a = 2 - 4/3 = 2/3; V = 13/18; chi2 = (4/9) / (13/18) = 8/13
    test = cx.logrank_test([1, 3], [2, 4])
    assert test.statistic == pytest.approx(8 / 13, rel=1e-13)
    assert test.p_value == pytest.approx(stats.chi2.sf(8 / 13, 1), rel=1e-12)
    assert test.method == "logrank"
    assert test.label == "Survival"
    assert math.isnan(test.difference)
    assert test.ci is None
    assert isinstance(test.a, cx.SurvivalCurve)
    np.testing.assert_array_equal(test.a.timeline, [1, 3])
    np.testing.assert_array_equal(test.b.timeline, [2, 4])
    assert str(test) == f"Survival: log-rank statistic 0.6154, p={test.p_value:.3g}"


@pytest.mark.parametrize("kind", ["continuous", "integer days", "half months"])
@pytest.mark.parametrize(("seed", "scale_b"), [(16, 1.0), (17, 1.4), (18, 0.7)])
def test_logrank_matches_lifelines(lifelines, kind, seed, scale_b):
    rng = np.random.default_rng(seed)
    a, observed_a = churn_data(rng, 300, kind)
    b, observed_b = churn_data(rng, 250, kind)
    if scale_b != 1.0:
        b = b * scale_b if kind == "continuous" else np.ceil(b * scale_b)
    test = cx.logrank_test(a, b, observed_a=observed_a, observed_b=observed_b)
    reference = lifelines.statistics.logrank_test(a, b, observed_a, observed_b)
    assert test.statistic == pytest.approx(reference.test_statistic, rel=1e-10)
    assert test.p_value == pytest.approx(reference.p_value, rel=1e-9, abs=1e-300)


def test_logrank_default_observed_matches_lifelines(lifelines):
    a = [1, 2, 2, 3, 4, 5, 6, 8]
    b = [3, 6, 9, 12, 12, 14, 15, 18]
    observed_b = [1, 1, 1, 0, 1, 1, 0, 0]
    test = cx.logrank_test(a, b, observed_b=observed_b)
    reference = lifelines.statistics.logrank_test(a, b, None, observed_b)
    assert test.statistic == pytest.approx(reference.test_statistic, rel=1e-12)
    assert test.p_value == pytest.approx(reference.p_value, rel=1e-12)


def test_logrank_is_symmetric():
    rng = np.random.default_rng(19)
    a, observed_a = churn_data(rng, 80, "integer days")
    b, observed_b = churn_data(rng, 60, "integer days")
    ab = cx.logrank_test(a, b, observed_a=observed_a, observed_b=observed_b)
    ba = cx.logrank_test(b, a, observed_a=observed_b, observed_b=observed_a)
    assert ab.statistic == pytest.approx(ba.statistic, rel=1e-12)


def test_logrank_without_variance_is_zero_like_lifelines(lifelines):
    # the one churn happens with nobody from b at risk: observed = expected
    test = cx.logrank_test([5], [1], observed_b=[0])
    reference = lifelines.statistics.logrank_test([5], [1], [1], [0])
    assert (test.statistic, test.p_value) == (0.0, 1.0)
    assert (reference.test_statistic, reference.p_value) == (0.0, 1.0)


def test_logrank_omits_missing_values():
    test = cx.logrank_test([1, np.nan, 3], [2, 4])
    assert test.a.n_missing == 1
    assert test.statistic == pytest.approx(8 / 13, rel=1e-13)


LOGRANK_BAD_INPUT = [
    (
        ([1, 2], [3, 4], {"observed_a": [0, 0], "observed_b": [False, False]}),
        "logrank_test: neither group has an observed churn; the test compares "
        "churn times, so at least one observed value must be 1",
    ),
    (([1, -2], [3, 4], {}), "logrank_test: 1 of 2 durations_a are negative (-2)"),
    (([1, 2], [], {}), "logrank_test: durations_b is empty"),
    (
        ([1, 2], [3, 4], {"observed_b": [0, 3]}),
        "logrank_test: 1 of 2 observed_b values are not booleans or 0/1 (3)",
    ),
    (
        ([1, 2], [3, 4], {"observed_a": [1, 0, 1]}),
        "logrank_test: observed_a has 3 values but there are 2 durations_a; they "
        "must align one to one",
    ),
    (
        ([1, 2], [np.nan], {}),
        "logrank_test: no valid subjects: all 1 have missing values (durations_b)",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "message"),
    LOGRANK_BAD_INPUT,
    ids=[m for _, m in LOGRANK_BAD_INPUT],
)
def test_logrank_bad_input_messages(arguments, message):
    a, b, options = arguments
    with pytest.raises(cx.InputError, match=exact(message)):
        cx.logrank_test(a, b, **options)
