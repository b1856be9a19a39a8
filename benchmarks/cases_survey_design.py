"""Benchmark cases of survey design: the score interval, raking, key drivers."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from harness import Case, Pair, Sizes, require, time_in_process

import cxmetrics as cx

__all__ = ["CASES", "driver_data", "raking_data"]


def _sizes(sizes: Sizes) -> dict[str, Any]:
    if sizes.quick:
        return {"rows": 200_000, "rake_rows": 100_000, "driver_rows": 5_000}
    return {"rows": 10_000_000, "rake_rows": 1_000_000, "driver_rows": 100_000}


# --------------------------------------------------------------------------
# The score interval


def _scores(size: int) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng(20_240_101)
    probabilities = np.array([2, 1, 1, 2, 2, 5, 6, 12, 18, 22, 29], dtype=np.float64)
    return rng.choice(11, size=size, p=probabilities / probabilities.sum())


def _prepare_nps_score(sizes: Sizes) -> Pair:
    scores = _scores(_sizes(sizes)["rows"])

    def check(ours: cx.NPSResult, peer: cx.NPSResult) -> None:
        require(ours.value == peer.value, "score and Wald NPS differ")
        ci, wald = ours.ci, peer.ci
        require(ci is not None and wald is not None, "an interval is missing")
        assert ci is not None
        assert wald is not None
        require(ci.low <= ours.value <= ci.high, f"{ci} leaves out {ours.value}")
        # At millions of answers the score and Wald bounds agree closely.
        require(
            abs(ci.low - wald.low) < 0.01 and abs(ci.high - wald.high) < 0.01,
            f"score {ci} and Wald {wald} differ by more than 0.01 points",
        )

    return Pair(
        ours=lambda: cx.nps(scores, ci="score"),
        peer=lambda: cx.nps(scores, ci="wald"),
        check=check,
    )


# --------------------------------------------------------------------------
# Raking

RAKE_MARGINS = {
    "region": {"North": 0.25, "South": 0.25, "East": 0.3, "West": 0.2},
    "age": {"18-24": 0.15, "25-34": 0.2, "35-44": 0.25, "45-54": 0.2, "55+": 0.2},
    "plan": {"basic": 0.5, "pro": 0.3, "enterprise": 0.2},
}


def raking_data(rows: int, seed: int = 7) -> pd.DataFrame:
    """A sample that over-represents North, the young and the basic plan.

    Plan and age are drawn together, so that raking takes a few passes.
    """
    rng = np.random.default_rng(seed)
    region = rng.choice(list(RAKE_MARGINS["region"]), rows, p=[0.4, 0.3, 0.2, 0.1])
    age = rng.choice(list(RAKE_MARGINS["age"]), rows, p=[0.3, 0.3, 0.2, 0.1, 0.1])
    young = np.isin(age, ["18-24", "25-34"])
    basic = rng.random(rows) < np.where(young, 0.8, 0.5)
    plan = np.where(basic, "basic", rng.choice(["pro", "enterprise"], rows))
    return pd.DataFrame(
        {
            "region": pd.Categorical(region),
            "age": pd.Categorical(age),
            "plan": pd.Categorical(plan),
        }
    )


def _pandas_raking(frame: pd.DataFrame, passes: int) -> npt.NDArray[np.float64]:
    """The plain pandas loop: per margin a groupby-sum, then a rescaling."""
    w = pd.Series(np.ones(len(frame)), index=frame.index)
    for _ in range(passes):
        for column, targets in RAKE_MARGINS.items():
            current = w.groupby(frame[column], observed=True).sum()
            factor = pd.Series(targets) * len(frame) / current
            w = w * frame[column].map(factor).astype(float)
    return w.to_numpy()


def _prepare_rake(sizes: Sizes) -> Pair:
    frame = raking_data(_sizes(sizes)["rake_rows"])
    passes = cx.rake(frame, RAKE_MARGINS).iterations
    columns = [frame[name] for name in RAKE_MARGINS]
    weights = pd.Series(np.ones(len(frame)), index=frame.index)

    def peer() -> int:
        for _ in range(passes):
            for column in columns:
                weights.groupby(column, observed=True).sum()
        return passes

    def check(ours: cx.RakedWeights, peer_passes: int) -> None:
        require(ours.converged, f"rake did not converge: {ours}")
        require(ours.iterations == peer_passes, "rake took a different path")
        expected = _pandas_raking(frame, peer_passes)
        require(
            bool(np.allclose(np.asarray(ours), expected, rtol=1e-9)),
            "rake's weights differ from the pandas loop's",
        )

    return Pair(ours=lambda: cx.rake(frame, RAKE_MARGINS), peer=peer, check=check)


# --------------------------------------------------------------------------
# Key drivers

DRIVERS = [f"d{i}" for i in range(10)]


def driver_data(rows: int, seed: int = 11) -> pd.DataFrame:
    """Ten correlated drivers and an outcome that depends on them unequally."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 10)) + rng.normal(size=(rows, 1))
    y = x @ np.linspace(1.0, 0.1, 10) + 3.0 * rng.normal(size=rows)
    return pd.DataFrame(x, columns=DRIVERS).assign(y=y)


def _lstsq_subsets(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    """R² of every subset of drivers, one least-squares fit on the rows each."""
    y = frame["y"].to_numpy()
    design = np.column_stack([np.ones(len(frame)), frame[DRIVERS].to_numpy()])
    total = float(((y - y.mean()) ** 2).sum())
    r2 = np.zeros(1 << len(DRIVERS))
    for mask in range(1, 1 << len(DRIVERS)):
        columns = [0] + [j + 1 for j in range(len(DRIVERS)) if mask >> j & 1]
        _, residual, _, _ = np.linalg.lstsq(design[:, columns], y, rcond=None)
        r2[mask] = 1.0 - float(residual[0]) / total
    return r2


def _shapley_from(r2: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    p = len(DRIVERS)
    values = np.zeros(p)
    for j in range(p):
        for k in range(p):
            weight = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for subset in itertools.combinations([i for i in range(p) if i != j], k):
                mask = sum(1 << i for i in subset)
                values[j] += weight * (r2[mask | 1 << j] - r2[mask])
    return values


def _prepare_key_drivers(sizes: Sizes) -> Pair:
    frame = driver_data(_sizes(sizes)["driver_rows"])

    def check(ours: pd.DataFrame, r2: npt.NDArray[np.float64]) -> None:
        expected = _shapley_from(r2)
        require(
            bool(np.allclose(ours["importance"], expected, rtol=0, atol=1e-9)),
            "key_drivers' Shapley values differ from the refitted subsets'",
        )
        require(
            bool((ours["ci_low"] <= ours["importance"]).all())
            and bool((ours["importance"] <= ours["ci_high"]).all()),
            "a bootstrap interval leaves out its importance",
        )

    return Pair(
        ours=lambda: cx.key_drivers(frame, "y", DRIVERS, rng=0),
        peer=lambda: _lstsq_subsets(frame),
        check=check,
    )


CASES: tuple[Case, ...] = (
    Case(
        name="nps-score",
        ours_label='`cx.nps(x, ci="score")`, {rows:,} int64 scores',
        peer_label='`cx.nps(x, ci="wald")`, the same array',
        target=2.0,
        prepare=_prepare_nps_score,
        timer=time_in_process,
        params=_sizes,
        about="Tango's score interval solves two equations by root finding on "
        "the three counts, after the same single pass over the scores; the "
        "check: the score interval holds the estimate and agrees with Wald "
        "at this size",
    ),
    Case(
        name="rake",
        ours_label="`cx.rake(df, margins)`, 3 margins, {rake_rows:,} rows",
        peer_label="one pandas `groupby().sum()` per margin per pass, as many "
        "passes as rake made",
        target=5.0,
        prepare=_prepare_rake,
        timer=time_in_process,
        params=_sizes,
        about="raking to 4, 5 and 3 categories, with the input checks, the "
        "convergence report and the margin table, against the sums alone of a "
        "pandas raking loop; the check compares the weights with that loop's "
        "(sums and rescaling) to 1e-9",
    ),
    Case(
        name="key-drivers",
        ours_label='`cx.key_drivers(df, "y", drivers)`, 10 drivers, '
        "{driver_rows:,} rows, 1,000 bootstrap resamples",
        peer_label="2**10 `np.linalg.lstsq` fits on the rows, one per subset",
        target=1.0,
        prepare=_prepare_key_drivers,
        timer=time_in_process,
        params=_sizes,
        about="exact Shapley values (LMG) from the correlation matrix, with "
        "bootstrap intervals, against the naive refit of every subset without "
        "any interval; the check compares the Shapley values to 1e-9",
    ),
)
