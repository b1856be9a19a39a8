"""The demo's service, staffing, retention, cohort and funnel blocks.

Every number the demo prints is recomputed here from the sample data with
plain pandas and the reference libraries (statsmodels, scipy, lifelines),
or, where the demo's value comes from a cxmetrics function tested elsewhere
against its own oracle, with the defining property checked (the staffing
plan meets its target and one agent fewer does not).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import cxmetrics as cx
from cxmetrics import cli, datasets
from cxmetrics.cli import demo


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    document = json.loads(cli.render_json(demo.build_demo_report(demo.DemoOptions())))
    return {block["key"]: block for block in document["sections"]}


def wilson(successes: int, n: int) -> tuple[float, float]:
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return float(low), float(high)


def check_rate(metric: dict[str, Any], successes: int, n: int) -> None:
    low, high = wilson(successes, n)
    assert metric["n"] == n
    assert metric["count"] == successes
    assert metric["value"] == pytest.approx(successes / n, rel=1e-12)
    assert metric["ci_low"] == pytest.approx(low, rel=1e-9)
    assert metric["ci_high"] == pytest.approx(high, rel=1e-9)


def check_mean(metric: dict[str, Any], values: pd.Series) -> None:
    n = len(values)
    mean = values.mean()
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)
    assert metric["n"] == n
    assert metric["value"] == pytest.approx(mean, rel=1e-12)
    assert metric["ci_low"] == pytest.approx(mean - half, rel=1e-9)
    assert metric["ci_high"] == pytest.approx(mean + half, rel=1e-9)


def test_tickets_block(report: dict[str, Any]) -> None:
    tickets = datasets.load_tickets()
    metrics = report["tickets"]["metrics"]
    resolved = tickets["contacts"].dropna()
    check_rate(metrics["fcr"], int((resolved == 1).sum()), len(resolved))
    check_rate(metrics["reopen"], int((tickets["reopens"] > 0).sum()), len(tickets))
    # The medians are those of the business-hours durations of the answered
    # and the resolved tickets (cx.elapsed is checked minute by minute in
    # test_business_hours.py).
    calendar = datasets.sample_calendar()
    for key, column in (
        ("first_response", "first_response"),
        ("resolution", "resolved"),
    ):
        done = tickets[tickets[column].notna()]
        hours = cx.elapsed(done["created"], done[column], calendar=calendar)
        assert metrics[key]["n"] == len(done)
        assert metrics[key]["unit"] == "hours"
        assert metrics[key]["value"] == pytest.approx(np.median(hours), rel=1e-12)
        # Order-statistic bounds are data points on either side of the median.
        assert metrics[key]["ci_low"] in hours
        assert metrics[key]["ci_high"] in hours
        assert (
            metrics[key]["ci_low"] <= metrics[key]["value"] <= metrics[key]["ci_high"]
        )
    pending = int(tickets["first_response"].isna().sum())
    still_open = int(tickets["resolved"].isna().sum())
    assert (
        f"{pending:,} awaiting a reply, {still_open:,} open"
        in report["tickets"]["note"]
    )


def test_calls_block(report: dict[str, Any]) -> None:
    calls = datasets.load_calls()
    metrics = report["calls"]["metrics"]
    targets = demo.CALL_TARGETS
    short = calls["abandoned"] & (calls["wait"] < targets.short_abandon)
    counted = calls[~short]
    check_rate(metrics["abandonment"], int(counted["abandoned"].sum()), len(counted))
    within = calls["answered"] & (calls["wait"] <= targets.threshold)
    check_rate(metrics["service_level"], int(within.sum()), len(calls))
    answered = calls[calls["answered"]]
    check_mean(metrics["asa"], answered["wait"])
    check_mean(metrics["aht"], answered[["talk", "hold", "wrap"]].sum(axis=1))


def test_staffing_block_meets_the_target_with_the_least_agents(
    report: dict[str, Any],
) -> None:
    calls = datasets.load_calls()
    slots = calls["arrival"].dt.floor("30min")
    days = slots.dt.normalize().nunique()
    per_slot = slots.groupby(slots.dt.strftime("%H:%M")).size() / days
    answered = calls[calls["answered"]]
    aht = answered[["talk", "hold", "wrap"]].sum(axis=1).mean()
    rows = report["staffing"]["rows"]
    assert [row["interval"] for row in rows] == list(per_slot.index)
    arrivals = np.array([row["arrival_rate"] for row in rows])
    np.testing.assert_allclose(arrivals, per_slot.to_numpy(), rtol=1e-12)
    agents = np.array([row["agents_on_queue"] for row in rows])
    assert all(isinstance(row["agents_on_queue"], int) for row in rows)
    np.testing.assert_allclose(
        [row["traffic"] for row in rows], arrivals * aht / 1800, rtol=1e-12
    )
    target, seconds = demo.CALL_TARGETS.target, demo.CALL_TARGETS.threshold
    meets = cx.erlang_c(arrivals, aht, agents, target_time=seconds)
    fewer = cx.erlang_c(arrivals, aht, agents - 1, target_time=seconds)
    assert np.all(meets.service_level >= target)
    assert np.all(fewer.service_level < target)
    scheduled = np.array([row["agents"] for row in rows])
    # ceil(N / 0.7), computed exactly in integers: the least S with 7 S >= 10 N.
    assert scheduled.tolist() == [-(-10 * int(n) // 7) for n in agents]


def test_retention_block(report: dict[str, Any]) -> None:
    subscriptions = datasets.load_subscriptions()
    metrics = report["retention"]["metrics"]
    month_start = pd.Timestamp("2025-12-01")
    month_end = pd.Timestamp("2026-01-01")
    start, end = subscriptions["start"], subscriptions["end"]
    active = (start < month_start) & (end.isna() | (end >= month_start))
    lost = active & (end < month_end)
    check_rate(metrics["monthly_churn"], int(lost.sum()), int(active.sum()))
    monthly = lost.sum() / active.sum()
    assert metrics["annual_churn"]["value"] == pytest.approx(1 - (1 - monthly) ** 12)

    lifelines = pytest.importorskip("lifelines")
    days = (end.fillna(pd.Timestamp("2026-01-01")) - start).dt.days
    fitter = lifelines.KaplanMeierFitter().fit(days / (365.25 / 12), end.notna())
    assert metrics["median_lifetime"]["value"] == pytest.approx(
        fitter.median_survival_time_, rel=1e-12
    )
    bounds = lifelines.utils.median_survival_times(fitter.confidence_interval_)
    assert metrics["median_lifetime"]["ci_low"] == pytest.approx(
        bounds.iloc[0, 0], rel=1e-12
    )
    assert metrics["median_lifetime"]["ci_high"] == pytest.approx(
        bounds.iloc[0, 1], rel=1e-12
    )

    mrr = datasets.load_mrr()
    wide = mrr.pivot_table(
        index="customer_id", columns="month", values="mrr", aggfunc="sum"
    ).fillna(0.0)
    before, after = wide[pd.Timestamp("2024-12-01")], wide[pd.Timestamp("2025-12-01")]
    kept = np.minimum(before, after)[before > 0].sum()
    grown = after[before > 0].sum()
    assert metrics["grr"]["value"] == pytest.approx(kept / before.sum(), rel=1e-12)
    assert metrics["nrr"]["value"] == pytest.approx(grown / before.sum(), rel=1e-12)
    arpa = after[after > 0].mean()
    assert metrics["clv"]["value"] == pytest.approx(
        demo.GROSS_MARGIN * arpa / monthly, rel=1e-12
    )


def test_cohort_block_matches_plain_pandas(report: dict[str, Any]) -> None:
    mrr = datasets.load_mrr()
    paying = mrr[mrr["mrr"] > 0].assign(quarter=lambda f: f["month"].dt.to_period("Q"))
    first = paying.groupby("customer_id")["quarter"].transform("min")
    offset = (paying["quarter"] - first).map(lambda step: step.n)
    counts = (
        pd.DataFrame({"cohort": first, "offset": offset, "id": paying["customer_id"]})
        .drop_duplicates()
        .groupby(["cohort", "offset"])
        .size()
        .unstack()
    )
    last = paying["quarter"].max()
    rows = report["cohorts"]["rows"]
    assert [row["cohort"] for row in rows] == [str(c) for c in counts.index]
    for row, (cohort, values) in zip(rows, counts.iterrows(), strict=True):
        size = values[0]
        assert row["size"] == size
        assert f"offset_{demo.COHORT_OFFSETS + 1}" not in row  # cut at 8 quarters
        for k in range(demo.COHORT_OFFSETS + 1):
            cell = row[f"offset_{k}"]
            if (cohort + k) > last:
                assert cell is None  # not yet observable
            else:
                expected = values.get(k, 0.0)
                expected = 0.0 if pd.isna(expected) else expected
                assert cell == pytest.approx(expected / size, rel=1e-12)


def test_funnel_block_is_strict(report: dict[str, Any]) -> None:
    people = datasets.load_funnel()
    reached = people[list(datasets.FUNNEL_STAGES)].cumprod(axis=1).sum()
    rows = report["funnel"]["rows"]
    assert [row["count"] for row in rows] == reached.tolist()
    first = int(reached.iloc[0])
    for row, count, previous in zip(
        rows[1:], reached.iloc[1:], reached.iloc[:-1], strict=True
    ):
        assert row["step_rate"] == pytest.approx(count / previous, rel=1e-12)
        low, high = wilson(int(count), first)
        assert row["overall_rate"] == pytest.approx(count / first, rel=1e-12)
        assert row["overall_ci_low"] == pytest.approx(low, rel=1e-9)
        assert row["overall_ci_high"] == pytest.approx(high, rel=1e-9)


@pytest.mark.parametrize(
    ("key", "metric", "column"),
    [("nps_by_region", cx.nps, "nps"), ("csat_by_region", cx.csat, "csat")],
)
def test_region_blocks_test_each_region_against_the_rest(
    report: dict[str, Any], key: str, metric: Any, column: str
) -> None:
    from statsmodels.stats.multitest import multipletests

    survey = datasets.load_survey()
    rows = report[key]["rows"]
    p_values = []
    for row in rows:
        inside = survey["region"] == row["region"]
        own, rest = (
            metric(survey.loc[inside, column]),
            metric(survey.loc[~inside, column]),
        )
        comparison = cx.compare(own, rest)
        assert row["n"] == own.n
        assert row["value"] == pytest.approx(own.value, rel=1e-12)
        assert row["ci_low"] == pytest.approx(own.ci.low, rel=1e-12)
        assert row["difference"] == pytest.approx(comparison.difference, rel=1e-9)
        assert row["p_value"] == pytest.approx(comparison.p_value, rel=1e-9)
        p_values.append(comparison.p_value)
    holm = multipletests(p_values, method="holm")[1]
    assert [row["p_adjusted"] for row in rows] == pytest.approx(holm, rel=1e-9)
    assert [row["significant"] for row in rows] == [bool(p < 0.05) for p in holm]


def test_trend_block_compares_each_month_with_the_one_before(
    report: dict[str, Any],
) -> None:
    survey = datasets.load_survey()
    months = survey["date"].dt.to_period("M")
    rows = report["nps_trend"]["rows"]
    assert [row["period"] for row in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    previous = None
    for row in rows:
        current = cx.nps(survey.loc[months == pd.Period(row["period"]), "nps"])
        assert row["n"] == current.n
        assert row["value"] == pytest.approx(current.value, rel=1e-12)
        if previous is None:
            assert row["change"] is None
        else:
            comparison = cx.compare(current, previous)
            assert row["change"] == pytest.approx(comparison.difference, rel=1e-9)
            assert row["p_value"] == pytest.approx(comparison.p_value, rel=1e-9)
        previous = current
