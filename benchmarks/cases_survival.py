"""Benchmark cases of customer lifetime: the Kaplan-Meier curve against lifelines."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import numpy.typing as npt
from harness import Case, Pair, Sizes, require, time_in_process, time_with_peak_memory

import cxmetrics as cx

__all__ = ["CASES", "customer_lifetimes"]

#: Days of history: customers sign up over three years and are observed to its end.
HISTORY_DAYS = 3 * 365


def _sizes(sizes: Sizes) -> dict[str, Any]:
    """Customers in the Kaplan-Meier case."""
    return {"customers": 100_000 if sizes.quick else 1_000_000}


def customer_lifetimes(
    size: int, seed: int = 20_240_401
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Lifetimes in whole days, censored at the end of the history.

    Customers sign up uniformly over ``HISTORY_DAYS``; their lifetimes are
    Weibull with a falling hazard (many churn early, the rest stay long),
    median about 380 days. Those still active at the end are censored at
    their tenure then: just under half of them.
    """
    rng = np.random.default_rng(seed)
    lifetime = 600.0 * rng.weibull(0.8, size)
    tenure = rng.uniform(0.0, HISTORY_DAYS, size)
    observed = lifetime <= tenure
    days = np.ceil(np.minimum(lifetime, tenure)).astype(np.int64)
    return days, observed


def _prepare_kaplan_meier(sizes: Sizes) -> Pair:
    # lifelines ships no type information; imported by name it is typed Any.
    fitter_class = importlib.import_module("lifelines").KaplanMeierFitter
    days, observed = customer_lifetimes(_sizes(sizes)["customers"])

    def peer() -> Any:
        return fitter_class().fit(days, observed)

    def check(ours: cx.SurvivalCurve, fitter: Any) -> None:
        theirs = fitter.survival_function_.iloc[:, 0]
        times = ours.timeline
        require(
            set(times) <= set(theirs.index),
            "cx.survival_curve has times that lifelines does not",
        )
        expected = theirs.loc[times].to_numpy()
        gap = float(np.max(np.abs(ours.survival - expected)))
        require(gap < 1e-9, f"survival differs from lifelines by up to {gap:.3g}")
        band = fitter.confidence_interval_.loc[times].to_numpy()
        gap = float(np.max(np.abs(np.column_stack((ours.ci_low, ours.ci_high)) - band)))
        require(gap < 1e-9, f"bounds differ from lifelines by up to {gap:.3g}")
        require(
            ours.median == fitter.median_survival_time_,
            f"median {ours.median} != lifelines' {fitter.median_survival_time_}",
        )

    return Pair(
        ours=lambda: cx.survival_curve(days, observed),
        peer=peer,
        check=check,
    )


def _distinct_sizes(sizes: Sizes) -> dict[str, Any]:
    """Durations in the case of distinct times."""
    return {"durations": 1_000_000 if sizes.quick else 10_000_000}


def _prepare_distinct_durations(sizes: Sizes) -> Pair:
    size = _distinct_sizes(sizes)["durations"]
    rng = np.random.default_rng(20_240_402)
    hours = rng.exponential(40.0, size)  # from timestamps: all distinct
    observed = rng.random(size) < 0.7

    def peer() -> Any:
        return np.unique(hours, return_counts=True)

    def check(ours: cx.SurvivalCurve, theirs: Any) -> None:
        times, counts = theirs
        require(
            np.array_equal(ours.timeline, times),
            "cx.survival_curve's times are not the distinct durations",
        )
        leaving = ours.events + ours.censored
        require(
            np.array_equal(leaving, counts),
            "cx.survival_curve's churned and censored do not add up to the counts",
        )
        # Brute force on every thousandth time: S(t) = prod(1 - d_i / n_i).
        at_risk = size - np.concatenate(([0], np.cumsum(counts)[:-1]))
        kept = 1.0 - ours.events / at_risk
        sampled = np.arange(0, times.size, 1000)
        expected = np.cumprod(kept)[sampled]
        gap = float(np.max(np.abs(ours.survival[sampled] - expected)))
        require(gap < 1e-12, f"survival differs from the product by up to {gap:.3g}")

    return Pair(
        ours=lambda: cx.survival_curve(hours, observed),
        peer=peer,
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="kaplan-meier",
        ours_label="`cx.survival_curve(days, observed)`, {customers:,} customers",
        peer_label="lifelines `KaplanMeierFitter().fit(days, observed)`",
        target=0.2,
        prepare=_prepare_kaplan_meier,
        timer=time_in_process,
        params=_sizes,
        about="lifetimes in whole days, just under half censored; cxmetrics "
        "counts them with one `np.bincount` and works on the distinct days only. "
        "The survival values, the log(-log) bounds and the median are checked "
        "against lifelines'",
    ),
    Case(
        name="kaplan-meier-distinct",
        ours_label="`cx.survival_curve(hours, observed)`, {durations:,} distinct hours",
        peer_label="`np.unique(hours, return_counts=True)`",
        target=2.0,
        prepare=_prepare_distinct_durations,
        timer=time_with_peak_memory,
        params=_distinct_sizes,
        about="durations from timestamps, all distinct, 70% churned: the curve, "
        "its bounds and the median against the sort that only counts the "
        "distinct values. Times and counts are checked against np.unique, the "
        "survival against the running product",
    ),
)
