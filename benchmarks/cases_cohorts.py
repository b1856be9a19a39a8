"""Benchmark cases of the retention family: the cohort retention table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from harness import Case, Pair, Sizes, require, time_in_process

import cxmetrics as cx

__all__ = ["CASES", "activity_log", "pandas_cohort_counts"]

#: Months the activity log spans.
MONTHS = 24


def _sizes(sizes: Sizes) -> dict[str, Any]:
    """Events and customers of the activity log."""
    if sizes.quick:
        return {"events": 100_000, "customers": 10_000}
    return {"events": 2_000_000, "customers": 200_000}


def activity_log(events: int, customers: int, seed: int = 20_240_301) -> pd.DataFrame:
    """An activity log: customer id (int64) and timestamp, over ``MONTHS`` months.

    Each customer joins in a random month; its events fall in that month or
    later, with timestamps anywhere in the month. Rows are in random order,
    as events from many systems are.
    """
    rng = np.random.default_rng(seed)
    joined = rng.integers(0, MONTHS, size=customers)
    customer = rng.integers(0, customers, size=events)
    # Uniform over the months from the customer's first to the last.
    month = joined[customer] + (
        rng.random(events) * (MONTHS - joined[customer])
    ).astype(np.int64)
    month_start = (np.datetime64("2023-01", "M") + month).astype("datetime64[s]")
    seconds = rng.integers(0, 28 * 86_400, size=events)
    return pd.DataFrame(
        {
            "customer": customer.astype(np.int64) * 7 + 1_000,  # ids, not codes
            "timestamp": (month_start + seconds).astype("datetime64[ns]"),
        }
    )


def pandas_cohort_counts(log: pd.DataFrame) -> pd.DataFrame:
    """The classic monthly cohort table written with a plain pandas groupby.

    Distinct customers per (cohort, months since cohort); cells after the
    last month in the data are NaN.
    """
    stamps = log["timestamp"]
    frame = pd.DataFrame(
        {"customer": log["customer"], "month": stamps.dt.year * 12 + stamps.dt.month}
    ).drop_duplicates()
    frame["cohort"] = frame.groupby("customer")["month"].transform("min")
    frame["offset"] = frame["month"] - frame["cohort"]
    last = frame["month"].max()
    counts = (
        frame.groupby(["cohort", "offset"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=range(last - frame["cohort"].min() + 1), fill_value=0)
    )
    observable = (
        counts.index.to_numpy()[:, None] + counts.columns.to_numpy()[None, :] <= last
    )
    return counts.where(observable).astype("float64")


def _prepare_cohorts(sizes: Sizes) -> Pair:
    params = _sizes(sizes)
    log = activity_log(params["events"], params["customers"])

    def ours() -> cx.CohortTable:
        return cx.cohort_retention(log["customer"], log["timestamp"])

    def peer() -> pd.DataFrame:
        return pandas_cohort_counts(log)

    def check(table: cx.CohortTable, counts: pd.DataFrame) -> None:
        require(
            table.counts.shape == counts.shape,
            f"cx.cohort_retention shape {table.counts.shape} != pandas {counts.shape}",
        )
        cohorts = table.counts.index
        months = cohorts.year.to_numpy() * 12 + cohorts.month.to_numpy()
        require(
            np.array_equal(months, counts.index.to_numpy()),
            "cx.cohort_retention cohorts differ from the pandas groupby cohorts",
        )
        require(
            np.array_equal(table.counts.to_numpy(), counts.to_numpy(), equal_nan=True),
            "cx.cohort_retention counts differ from the pandas groupby counts",
        )
        require(
            np.array_equal(table.sizes.to_numpy(), counts[0].to_numpy()),
            "cx.cohort_retention sizes differ from the offset-0 counts",
        )

    return Pair(ours=ours, peer=peer, check=check)


CASES: tuple[Case, ...] = (
    Case(
        name="cohorts",
        ours_label="`cx.cohort_retention(ids, dates)`, {events:,} events, "
        "{customers:,} customers",
        peer_label="pandas `drop_duplicates` + `groupby` cohort table, the same log",
        target=1.5,
        prepare=_prepare_cohorts,
        timer=time_in_process,
        params=_sizes,
        about="the classic monthly cohort table (distinct customers by cohort "
        "and months since joining, unobservable cells NaN); the check compares "
        "the two tables cell by cell",
    ),
)
