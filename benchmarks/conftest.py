"""Shared data for the pytest-benchmark suite.

The number of rows comes from the environment variable
``CXMETRICS_BENCH_SIZE`` (default 100,000, small enough for the CI smoke run
with ``--benchmark-disable``). For real timings, for example::

    CXMETRICS_BENCH_SIZE=10000000 python -m pytest benchmarks -p no:cacheprovider

The data are deterministic: the same seed gives the same arrays every run.
"""

from __future__ import annotations

import os

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

DEFAULT_SIZE = 100_000
SIZE_VARIABLE = "CXMETRICS_BENCH_SIZE"


def _size_from_environment() -> int:
    text = os.environ.get(SIZE_VARIABLE, "").replace("_", "").strip()
    if not text:
        return DEFAULT_SIZE
    try:
        size = int(float(text))
    except ValueError:
        raise pytest.UsageError(
            f"{SIZE_VARIABLE} must be a whole number of rows; got {text!r}"
        ) from None
    if size < 1:
        raise pytest.UsageError(f"{SIZE_VARIABLE} must be at least 1; got {size}")
    return size


def _survey(size: int, points: int, seed: int) -> npt.NDArray[np.int64]:
    """Answers on a ``points``-point scale from 0, leaning towards the top."""
    rng = np.random.default_rng(seed)
    p = np.linspace(1.0, 3.0, points)
    return rng.choice(points, size=size, p=p / p.sum()).astype(np.int64)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a bad ``CXMETRICS_BENCH_SIZE`` before any case runs."""
    del config
    _size_from_environment()


@pytest.fixture(scope="session")
def size() -> int:
    """Rows per benchmark array."""
    return _size_from_environment()


@pytest.fixture(scope="session")
def nps_scores(size: int) -> npt.NDArray[np.int64]:
    """0-10 scores as int64."""
    return _survey(size, 11, seed=1)


@pytest.fixture(scope="session")
def survey_weights(size: int) -> npt.NDArray[np.float64]:
    """Post-stratification-like weights between 0.5 and 2."""
    return np.random.default_rng(2).uniform(0.5, 2.0, size=size)


@pytest.fixture(scope="session")
def nps_scores_with_missing(
    nps_scores: npt.NDArray[np.int64],
) -> pd.Series[float]:
    """The 0-10 scores as a float Series with 2% missing, as read from a CSV."""
    series = pd.Series(nps_scores, dtype="float64")
    missing = np.random.default_rng(3).random(series.size) < 0.02
    series[missing] = np.nan
    return series


@pytest.fixture(scope="session")
def csat_ratings(size: int) -> npt.NDArray[np.int64]:
    """1-5 ratings as int64."""
    return _survey(size, 5, seed=4) + 1


@pytest.fixture(scope="session")
def ces_ratings(size: int) -> npt.NDArray[np.int64]:
    """1-7 ratings as int64."""
    return _survey(size, 7, seed=5) + 1
