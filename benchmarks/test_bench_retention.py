"""pytest-benchmark cases for retention: cohort tables, customer flows, MRR.

Each group puts a cxmetrics call next to the plain pandas idiom for the same
table, and every case checks its result, so the CI smoke run
(``--benchmark-disable``: each case runs once) catches a wrong answer too.
The ratio that matters is reported by ``benchmarks/compare.py`` (case
``cohorts``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from cases_cohorts import activity_log, pandas_cohort_counts

import cxmetrics as cx


@pytest.fixture(scope="module")
def log(size: int) -> pd.DataFrame:
    """An activity log of ``size`` events, ten per customer on average."""
    return activity_log(size, max(size // 10, 1))


@pytest.fixture(scope="module")
def subscriptions(size: int) -> pd.DataFrame:
    """``size`` subscriptions over three years; a third still active."""
    rng = np.random.default_rng(11)
    start = np.datetime64("2022-01-01") + rng.integers(0, 3 * 365, size).astype(
        "timedelta64[D]"
    )
    length = rng.exponential(300.0, size).astype(np.int64).astype("timedelta64[D]")
    end = start + length
    end[rng.random(size) < 1 / 3] = np.datetime64("NaT")
    return pd.DataFrame({"start": start, "end": end})


@pytest.fixture(scope="module")
def mrr_rows(size: int) -> pd.DataFrame:
    """Monthly MRR snapshots: ``size`` rows, customers paying 10 to 500."""
    rng = np.random.default_rng(12)
    customers = max(size // 12, 1)
    customer = rng.integers(0, customers, size)
    month = rng.integers(0, 24, size)
    return pd.DataFrame(
        {
            "customer": customer,
            "period": pd.period_range("2023-01", periods=24, freq="M")[month],
            "mrr": rng.uniform(10.0, 500.0, size).round(2),
        }
    ).drop_duplicates(["customer", "period"])


# Cohort tables ---------------------------------------------------------------


@pytest.mark.benchmark(group="cohorts")
def test_cohorts_classic(benchmark: Any, log: pd.DataFrame) -> None:
    table = benchmark(cx.cohort_retention, log["customer"], log["timestamp"])
    assert table.sizes.sum() == log["customer"].nunique()
    expected = pandas_cohort_counts(log)
    assert np.array_equal(table.counts.to_numpy(), expected.to_numpy(), equal_nan=True)


@pytest.mark.benchmark(group="cohorts")
def test_cohorts_peer_pandas_groupby(benchmark: Any, log: pd.DataFrame) -> None:
    counts = benchmark(pandas_cohort_counts, log)
    assert counts[0].sum() == log["customer"].nunique()


@pytest.mark.benchmark(group="cohorts")
def test_cohorts_rolling(benchmark: Any, log: pd.DataFrame) -> None:
    table = benchmark(
        cx.cohort_retention, log["customer"], log["timestamp"], kind="rolling"
    )
    rates = table.rates.to_numpy()
    # Rolling retention never rises with the offset.
    assert np.all(np.nan_to_num(np.diff(rates, axis=1), nan=0.0) <= 0)


@pytest.mark.benchmark(group="cohorts")
def test_cohorts_revenue(benchmark: Any, log: pd.DataFrame) -> None:
    amounts = np.random.default_rng(13).uniform(1.0, 100.0, len(log))
    table = benchmark(
        cx.cohort_retention, log["customer"], log["timestamp"], values=amounts
    )
    assert np.nansum(table.counts.to_numpy()) == pytest.approx(amounts.sum())


# Customer flows --------------------------------------------------------------


def pandas_flows(subscriptions: pd.DataFrame) -> pd.DataFrame:
    """New, churned and active customers per month with value_counts and cumsum."""
    start = subscriptions["start"].dt.to_period("M")
    end = subscriptions["end"].dt.to_period("M")
    months = pd.period_range(start.min(), max(start.max(), end.max()), freq="M")
    new = start.value_counts().reindex(months, fill_value=0)
    churned = end.value_counts().reindex(months, fill_value=0)
    active_end = (new - churned).cumsum()
    return pd.DataFrame({"new": new, "churned": churned, "active_end": active_end})


@pytest.mark.benchmark(group="flows")
def test_customer_flows(benchmark: Any, subscriptions: pd.DataFrame) -> None:
    flows = benchmark(cx.customer_flows, subscriptions["start"], subscriptions["end"])
    expected = pandas_flows(subscriptions)
    for column in ("new", "churned", "active_end"):
        assert np.array_equal(flows[column].to_numpy(), expected[column].to_numpy())


@pytest.mark.benchmark(group="flows")
def test_customer_flows_peer_pandas(
    benchmark: Any, subscriptions: pd.DataFrame
) -> None:
    flows = benchmark(pandas_flows, subscriptions)
    assert flows["new"].sum() == len(subscriptions)


# MRR movements ---------------------------------------------------------------


def pivot_movements(rows: pd.DataFrame) -> pd.DataFrame:
    """Expansion, contraction and churn per month from a customer x month pivot."""
    months = pd.period_range(rows["period"].min(), rows["period"].max(), freq="M")
    wide = (
        rows.pivot_table(
            index="customer", columns="period", values="mrr", aggfunc="sum"
        )
        .reindex(columns=months)
        .fillna(0.0)
    )
    before = wide.shift(1, axis=1).fillna(0.0)
    change = wide - before
    both = (wide > 0) & (before > 0)
    return pd.DataFrame(
        {
            "expansion": change.where(both & (change > 0), 0.0).sum(),
            "contraction": -change.where(both & (change < 0), 0.0).sum(),
            "churned": before.where((before > 0) & (wide == 0), 0.0).sum(),
        }
    )


@pytest.mark.benchmark(group="mrr")
def test_mrr_movements(benchmark: Any, mrr_rows: pd.DataFrame) -> None:
    moves = benchmark(
        cx.mrr_movements, mrr_rows["customer"], mrr_rows["period"], mrr_rows["mrr"]
    )
    totals = mrr_rows.groupby("period")["mrr"].sum().reindex(moves.index, fill_value=0)
    assert np.allclose(moves["ending"].to_numpy(), totals.to_numpy())
    expected = pivot_movements(mrr_rows)
    for column in ("expansion", "contraction", "churned"):
        # The first month has no month before it: NaN in cxmetrics.
        assert np.allclose(
            moves[column].to_numpy()[1:], expected[column].to_numpy()[1:]
        )


@pytest.mark.benchmark(group="mrr")
def test_mrr_peer_pandas_pivot(benchmark: Any, mrr_rows: pd.DataFrame) -> None:
    moves = benchmark(pivot_movements, mrr_rows)
    assert (moves.to_numpy() >= 0).all()
